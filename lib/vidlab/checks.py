"""Checks of the parameters that vidlab's functions receive, with one-line messages that name
the parameter, the function, what was expected and what was received.

>>> check_int(3, "k", "kpp_neg", 1, 10)
3
"""

import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = ["check_int", "require_columns"]


def require_columns(frame, columns, function, parameter):
    """Raise :class:`~vidlab.exceptions.InvalidParameterError` unless ``frame`` is a pandas
    DataFrame with every one of ``columns``; the message names the parameter, the function,
    the missing columns and those present.

    >>> require_columns(pd.DataFrame({"path": ["a.jpg"]}), ["path"], "f", "metadata")
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], "summarise", "table")
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: The 'table' parameter of summarise must have the
    columns a, b. Missing: b. Present: a.
    """
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(
            f"The {parameter!r} parameter of {function} must be a pandas DataFrame. "
            f"Got {type(frame).__name__} instead."
        )
    missing = [str(name) for name in columns if name not in frame.columns]
    if missing:
        present = ", ".join(map(str, frame.columns)) or "none"
        raise InvalidParameterError(
            f"The {parameter!r} parameter of {function} must have the columns "
            f"{', '.join(map(str, columns))}. Missing: {', '.join(missing)}. Present: {present}."
        )


def check_int(value, name, function, low, high=None):
    """Return ``value`` as an int after checking that it is one in ``[low, high]`` (no upper
    bound when ``high`` is None); bools are refused.

    >>> check_int(True, "k_max", "simulate_disruption", 1, 8)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: The 'k_max' parameter of simulate_disruption must
    be an int in [1, 8]. Got True instead.
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low or (
            high is not None and value > high):
        expected = f"an int >= {low}" if high is None else f"an int in [{low}, {high}]"
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be {expected}. Got {value!r} instead."
        )
    return int(value)
