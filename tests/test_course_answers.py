import nbformat
import numpy as np
import pandas as pd
import pytest

from vidlab.course import ANSWER_MIME_TYPE, canonical_value, read_answers
from vidlab.exceptions import InvalidParameterError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("text", "text"),
        (3, 3),
        (np.int64(3), 3),
        (0.1 + 0.2, 0.3),
        (np.float32(0.5), 0.5),
        (True, True),
        (None, None),
        ((1, 2), [1, 2]),
        ({"b", "a"}, ["a", "b"]),
        ({2: "x", 1: "y"}, {"1": "y", "2": "x"}),
        (pd.Series([1, 2], index=["a", "b"]), {"a": 1, "b": 2}),
        (pd.DataFrame({"x": [1], "y": ["z"]}), [{"x": 1, "y": "z"}]),
        (np.array([[1, 2]]), [[1, 2]]),
        ([{3, 1}, {2}], [[1, 3], [2]]),
    ],
)
def test_canonical_value(value, expected):
    assert canonical_value(value) == expected


def test_sets_of_sets_are_order_independent():
    assert canonical_value({frozenset({"b", "a"}), frozenset({"c"})}) == canonical_value(
        {frozenset({"c"}), frozenset({"a", "b"})}
    )


def test_unsupported_value_is_refused():
    with pytest.raises(InvalidParameterError, match="type object"):
        canonical_value(object())


def _output(answer_id, value):
    return nbformat.v4.new_output(
        "display_data", data={ANSWER_MIME_TYPE: {"id": answer_id, "value": value}}
    )


def test_read_answers_last_recording_wins_and_other_outputs_ignored():
    notebook = nbformat.v4.new_notebook()
    first = nbformat.v4.new_code_cell("")
    first.outputs = [_output("q1", 1), nbformat.v4.new_output("stream", text="hi")]
    second = nbformat.v4.new_code_cell("")
    second.outputs = [_output("q2", [1]), _output("q1", 2)]
    notebook.cells = [nbformat.v4.new_markdown_cell("x"), first, second]
    assert read_answers(notebook) == {"q1": 2, "q2": [1]}


def test_answer_records_display_data(monkeypatch):
    from vidlab.course import answer

    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw: shown.append(obj))
    answer("q", {1, 2})
    assert shown[0][ANSWER_MIME_TYPE] == {"id": "q", "value": [1, 2]}
    assert "recorded" in shown[0]["text/plain"]
    with pytest.raises(InvalidParameterError, match="answer_id"):
        answer("", 1)
