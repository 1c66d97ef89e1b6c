"""Checks of the parameters that vidlab's functions receive, with one-line messages that name
the parameter, the function, what was expected and what was received.

>>> check_int(3, "k", "kpp_neg", 1, 10)
3
"""

import datetime as dt
import math

import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = [
    "check_int",
    "check_iso_date",
    "check_number",
    "parameter_error",
    "require_columns",
]


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


def parameter_error(name, function, expected, value):
    """The :class:`~vidlab.exceptions.InvalidParameterError` of a parameter that is not what
    ``function`` expects, in vidlab's one-line form (to raise).

    >>> print(parameter_error("noise", "trend_statistics", "a number in [0, 0.5]", -1))
    The 'noise' parameter of trend_statistics must be a number in [0, 0.5]. Got -1 instead.
    """
    return InvalidParameterError(
        f"The {name!r} parameter of {function} must be {expected}. Got {value!r} instead."
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
        raise parameter_error(name, function, expected, value)
    return int(value)


def check_number(value, name, function, low=None, high=None, *, low_open=False,
                 high_open=False, optional=False):
    """Return ``value`` as a float after checking that it is a finite real number within the
    bounds (None: no bound; ``low_open``/``high_open``: the bound itself excluded); bools are
    refused; with ``optional``, None is accepted and returned.

    >>> check_number(0.95, "level", "fit_trend", 0, 1, low_open=True, high_open=True)
    0.95
    >>> check_number(-1, "penalty", "detect_change_points", 0, optional=True)
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: The 'penalty' parameter of detect_change_points
    must be a number >= 0 or None. Got -1 instead.
    """
    if optional and value is None:
        return None
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if ok:
        number = float(value)
        ok = math.isfinite(number) and not (
            (low is not None and (number <= low if low_open else number < low))
            or (high is not None and (number >= high if high_open else number > high)))
    if ok:
        return number
    if low is not None and high is not None:
        expected = (f"a number in {'(' if low_open else '['}{low:g}, "
                    f"{high:g}{')' if high_open else ']'}")
    elif low is not None:
        expected = f"a number {'>' if low_open else '>='} {low:g}"
    elif high is not None:
        expected = f"a number {'<' if high_open else '<='} {high:g}"
    else:
        expected = "a finite number"
    raise parameter_error(name, function, expected + (" or None" if optional else ""), value)


def check_iso_date(value, name, function):
    """Return ``value`` (an ISO date text or a :class:`datetime.date`) as ISO text.

    >>> check_iso_date("2024-01-31", "first_date", "travel_records")
    '2024-01-31'
    >>> check_iso_date("31/01/2024", "first_date", "travel_records")
    ... # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: The 'first_date' parameter of travel_records
    must be an ISO date such as '2024-01-01'. Got '31/01/2024' instead.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise parameter_error(name, function, "an ISO date such as '2024-01-01'",
                              value) from None
