"""Recording graded answers inside a notebook and reading them back.

A lesson calls :func:`answer` once per graded question. The value is stored in the cell's
output as display data of MIME type ``application/vnd.vidlab.answer+json`` in a canonical
JSON form, so that the grader compares values, not their printed look.

>>> canonical_value({3, 1, 2})
[1, 2, 3]
>>> canonical_value({"b": 0.1 + 0.2, "a": (1, "x")})
{'a': [1, 'x'], 'b': 0.3}
"""

import json
import math
from pathlib import Path, PurePath

import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = ["answer", "read_answers", "canonical_value", "ANSWER_MIME_TYPE"]

ANSWER_MIME_TYPE = "application/vnd.vidlab.answer+json"
FLOAT_DIGITS = 10  # significant digits kept, so that 0.1 + 0.2 records as 0.3


def _canonical_float(value):
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if value == 0:
        return 0.0
    return float(f"{value:.{FLOAT_DIGITS}g}")


def _sort_key(value):
    return json.dumps(value, sort_keys=True)


def canonical_value(value):
    """Return ``value`` as plain JSON data: sorted sets, str keys, rounded floats.

    Supported: None, bool, int, float, str, paths, lists/tuples, sets, dicts, NumPy scalars
    and arrays, pandas Series (as ``{index: value}``) and DataFrames (as a list of row dicts).
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.generic):
        return canonical_value(value.item())
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _canonical_float(value)
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, pd.DataFrame):
        return canonical_value(value.reset_index(drop=True).to_dict(orient="records"))
    if isinstance(value, pd.Series):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, np.ndarray):
        return canonical_value(value.tolist())
    if isinstance(value, dict):
        return {
            str(key): canonical_value(item)
            for key, item in sorted(value.items(), key=lambda kv: str(kv[0]))
        }
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((canonical_value(item) for item in value), key=_sort_key)
    raise InvalidParameterError(
        f"Cannot record an answer of type {type(value).__name__}; use a str, number, bool, "
        "list, set, dict or pandas object."
    )


def answer(answer_id, value):
    """Record ``value`` as the answer to question ``answer_id`` and show a confirmation.

    Returns nothing, so that the cell shows the confirmation only; the recorded form is
    :func:`canonical_value` of ``value``.
    """
    if not isinstance(answer_id, str) or not answer_id:
        raise InvalidParameterError(
            "The 'answer_id' parameter of answer must be a non-empty str. "
            f"Got {answer_id!r} instead."
        )
    from IPython.display import display

    recorded = canonical_value(value)
    shown = json.dumps(recorded, ensure_ascii=False)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    display(
        {
            ANSWER_MIME_TYPE: {"id": answer_id, "value": recorded},
            "text/plain": f"Answer {answer_id!r} recorded: {shown}",
        },
        raw=True,
    )


def read_answers(notebook) -> dict:
    """Return ``{answer_id: value}`` recorded in an executed notebook (path or NotebookNode).

    Cells may be moved, duplicated or deleted; when an id was recorded more than once, the
    last recording in notebook order wins.
    """
    if isinstance(notebook, str | Path):
        import nbformat  # here, not at the top: lessons import this module, and nbformat
        # (through jsonschema) takes seconds to import

        notebook = nbformat.read(notebook, as_version=4)
    answers = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if ANSWER_MIME_TYPE in data:
                record = data[ANSWER_MIME_TYPE]
                answers[record["id"]] = record["value"]
    return answers
