"""Helpers shared by the metadata analyses (timeline, devices, places, edits); not public.

They read the metadata table of :func:`vidlab.metadata.read_metadata` tolerantly: a table read
back from CSV without :func:`vidlab.metadata.load_metadata` (ISO strings instead of
timestamps) works too, and a column an analysis does not need may be missing.
"""

import datetime as dt
import math
import posixpath

import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = []


def check_number(value, name, function, low=0.0, inclusive=True):
    """Return ``value`` as a float after checking that it is a number >= (or >) ``low``."""
    if isinstance(value, pd.Timedelta | dt.timedelta):
        value = pd.Timedelta(value).total_seconds()
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if ok:
        value = float(value)
        ok = math.isfinite(value) and (value >= low if inclusive else value > low)
    if not ok:
        sign = ">=" if inclusive else ">"
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must be a number {sign} {low:g}. "
            f"Got {value!r} instead."
        )
    return value


def as_timestamp(value):
    """Return ``value`` (Timestamp, datetime, ISO string, None, NaN, NaT) as a Timestamp or None.

    >>> as_timestamp("2021-03-04T10:11:12+02:00").utcoffset()
    datetime.timedelta(seconds=7200)
    >>> as_timestamp("") is None, as_timestamp(float("nan")) is None
    (True, True)
    """
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = pd.Timestamp(value.strip())
        except (ValueError, TypeError):
            return None
    elif isinstance(value, float | np.floating):
        return None
    elif not isinstance(value, pd.Timestamp):
        try:
            value = pd.Timestamp(value)
        except (ValueError, TypeError):
            return None
    return None if pd.isna(value) else value


def timestamps(frame, column):
    """Return ``frame[column]`` as a list of Timestamp-or-None (all None without the column)."""
    if column not in frame.columns:
        return [None] * len(frame)
    return [as_timestamp(value) for value in frame[column].tolist()]


def utc_column(frame, column):
    """Return ``frame[column]`` as a ``datetime64[ns, UTC]`` Series (NaT where missing)."""
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
    return pd.to_datetime(frame[column], utc=True, errors="coerce").astype("datetime64[ns, UTC]")


def text_column(frame, column):
    """Return ``frame[column]`` as stripped Python strings ("" where missing)."""
    if column not in frame.columns:
        return [""] * len(frame)
    return ["" if value is None or (not isinstance(value, str) and pd.isna(value))
            else str(value).strip() for value in frame[column].tolist()]


def float_column(frame, column):
    """Return ``frame[column]`` as a float64 numpy array (NaN where missing)."""
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").astype("float64").to_numpy()


def to_utc(stamp):
    """Return an aware Timestamp in UTC, or None for a naive or missing one."""
    if stamp is None or stamp.tzinfo is None:
        return None
    return stamp.tz_convert("UTC")


def seconds_between(later, earlier):
    """Return ``later - earlier`` in seconds: in UTC when both are aware, else on the wall
    clock (both times come from the same device clock); None when either is missing."""
    if later is None or earlier is None:
        return None
    if later.tzinfo is not None and earlier.tzinfo is not None:
        return (later - earlier).total_seconds()
    return (later.tz_localize(None) - earlier.tz_localize(None)).total_seconds()


def format_duration(seconds):
    """Return a signed duration as readable text.

    >>> format_duration(7200), format_duration(-185), format_duration(3725.0)
    ('2 h', '-3 min 5 s', '1 h 2 min 5 s')
    """
    sign = "-" if seconds < 0 else ""
    total = int(round(abs(seconds)))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "min"),
                                           (secs, "s")) if n]
    return sign + (" ".join(parts) if parts else "0 s")


def _normalise(path):
    return posixpath.normpath(str(path).replace("\\", "/"))


def align_paths(paths, truth_paths, root=None):
    """Map each of ``paths`` to the matching entry of ``truth_paths`` (or None).

    Truth tables hold paths relative to the world part folder. A path matches when it is
    equal, when it is equal once made relative to ``root``, or (without ``root``) when it
    ends with ``/`` + the truth path.

    >>> align_paths(["/case/world/series/a.jpg", "x.jpg"], ["series/a.jpg"])
    ['series/a.jpg', None]
    """
    truth = {_normalise(p): p for p in truth_paths}
    root = None if root is None else _normalise(root)
    result = []
    for path in paths:
        key = _normalise(path)
        if root is not None and key.startswith(root.rstrip("/") + "/"):
            key = key[len(root.rstrip("/")) + 1:]
        match = truth.get(key)
        if match is None and root is None:
            parts = key.split("/")
            for start in range(1, len(parts)):
                match = truth.get("/".join(parts[start:]))
                if match is not None:
                    break
        result.append(match)
    return result


def require_matches(matched, function, n_truth):
    """Raise when no path of the evaluated table was found in the ground truth."""
    if matched and all(m is None for m in matched):
        raise InvalidParameterError(
            f"{function}: none of the {len(matched)} paths matches one of the {n_truth} "
            "ground-truth paths (which are relative to the world part folder); pass "
            "root=<the world part folder>."
        )


def pair_scores(predicted, actual):
    """Pairwise precision/recall/F1 and adjusted Rand index of two labelings of the same items.

    A pair of items is "predicted" when both carry the same predicted label and "true" when
    both carry the same actual label. With no predicted (or true) pairs, precision (or recall)
    is 1.0: nothing was claimed (or nothing was there to find).

    >>> s = pair_scores(["a", "a", "b", "b"], [1, 1, 1, 2])
    >>> s["precision"], round(s["recall"], 3), round(s["f1"], 3)
    (0.5, 0.333, 0.4)
    """
    from sklearn.metrics import adjusted_rand_score

    predicted = pd.Series(pd.factorize(pd.Series(predicted, dtype=object))[0])
    actual = pd.Series(pd.factorize(pd.Series(actual, dtype=object))[0])
    if len(predicted) != len(actual):
        raise InvalidParameterError("pair_scores needs two labelings of the same length.")

    def pairs(counts):
        counts = np.asarray(counts, dtype=np.int64)
        return int((counts * (counts - 1) // 2).sum())

    both = pairs(pd.crosstab(predicted, actual).to_numpy().ravel()) if len(predicted) else 0
    n_predicted = pairs(predicted.value_counts().to_numpy())
    n_true = pairs(actual.value_counts().to_numpy())
    precision = both / n_predicted if n_predicted else 1.0
    recall = both / n_true if n_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ari = float(adjusted_rand_score(actual, predicted)) if len(predicted) else 1.0
    return {"n_files": int(len(predicted)), "n_pairs_predicted": n_predicted,
            "n_pairs_true": n_true, "n_pairs_correct": both,
            "precision": float(precision), "recall": float(recall), "f1": float(f1),
            "adjusted_rand": ari}
