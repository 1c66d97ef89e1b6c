"""Years where a trend changed: change-point detection on the logarithm of a series.

The model: between change points the log values follow a straight line (constant growth);
at a change point both the level and the growth may jump. A reporting artefact is mostly a
jump of level (a source doubles from one month on); a real change is mostly a change of
growth. The cost of a segment is the residual sum of squares of its line divided by the noise
variance (estimated robustly from the second differences of the log values), and every
change point costs a penalty: by default ``5 log n``, a BIC (``3 log n`` for the new level,
growth and position) made stricter because the noise is itself estimated from few points;
it keeps false alarms on a 17-year series of pure noise to about 5 %. ``"pelt"`` finds
the segmentation of least total cost exactly (optimal partitioning with PELT pruning);
``"binseg"`` splits greedily (binary segmentation).

>>> years = list(range(2010, 2021))
>>> values = [100 * 1.1 ** k if k < 6 else 100 * 1.1 ** 5 * 1.3 ** (k - 5) for k in range(11)]
>>> detect_change_points(years, values)
   year  growth_before  growth_after  size
0  2016            0.1           0.3   0.0
>>> evaluate_change_points([2016, 2019], [2015])
ChangePointScore(precision=0.5, recall=1.0, n_found=2, n_true=1, n_matched=1)
"""

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import stats

from vidlab.checks import check_int, check_number
from vidlab.exceptions import InvalidParameterError
from vidlab.trends.estimate import check_series

__all__ = [
    "CHANGE_POINT_METHODS",
    "CHANGE_POINT_COLUMNS",
    "ChangePointScore",
    "detect_change_points",
    "evaluate_change_points",
    "match_times",
    "noise_scale",
    "piecewise_fit",
]

CHANGE_POINT_METHODS = ("pelt", "binseg")
CHANGE_POINT_COLUMNS = ("year", "growth_before", "growth_after", "size")
DEFAULT_PENALTY = 5.0  # times log(n)
_MIN_NOISE = 0.01  # log scale: a 1 % floor, so that rounding of exact series is not "noise"
# Costs this close are equal: a kink fits both neighbouring segmentations; take the later
# one, whose new segment starts with the first year of the new growth.
_TIE = 1e-6


def _logs(values):
    """Log values; with zeros, log(value + 0.5) (counts of rare events)."""
    return np.log(values + 0.5) if (values <= 0).any() else np.log(values)


def noise_scale(log_values, keep=0.8):
    """Robust standard deviation of the noise around a piecewise-linear series, from its
    second differences (those of white noise have variance 6 sigma^2): the root mean square
    of the smallest ``keep`` share of them (the largest are the change points), corrected
    for the trimming of normal noise; floored at 0.01.

    >>> round(noise_scale(np.log([100, 110, 121, 133.1, 146.41])), 6)
    0.01
    """
    second = np.sort(np.abs(np.diff(np.asarray(log_values, dtype=float), 2)))
    if len(second) == 0:
        return _MIN_NOISE
    kept = second[:max(int(np.ceil(keep * len(second))), 1)]
    quantile = stats.norm.ppf(0.5 + keep / 2)
    trimmed_variance = 1 - 2 * quantile * stats.norm.pdf(quantile) / keep
    return max(float(np.sqrt(np.mean(kept**2) / trimmed_variance / 6)), _MIN_NOISE)


class _Costs:
    """Residual sum of squares of the least-squares line through points ``[start, stop)`` in
    constant time, from cumulative sums."""

    def __init__(self, x, y):
        x = x - x.mean()
        zero = np.zeros(1)
        self.sums = [np.concatenate([zero, np.cumsum(term)])
                     for term in (np.ones_like(x), x, y, x * x, x * y, y * y)]

    def line(self, start, stop):
        n, sx, sy, sxx, sxy, syy = (s[stop] - s[start] for s in self.sums)
        cxx, cxy, cyy = sxx - sx * sx / n, sxy - sx * sy / n, syy - sy * sy / n
        slope = cxy / cxx if cxx > 0 else 0.0
        return slope, max(cyy - slope * cxy, 0.0)

    def __call__(self, start, stop):
        return self.line(start, stop)[1]


def _pelt(cost, n, penalty, min_size):
    best = np.full(n + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(n + 1, dtype=int)
    candidates = [0]
    for stop in range(min_size, n + 1):
        admissible = [start for start in candidates if stop - start >= min_size]
        totals = {start: best[start] + cost(start, stop) for start in admissible}
        least = min(totals.values())
        last[stop] = max(start for start, total in totals.items() if total <= least + _TIE)
        best[stop] = least + penalty
        candidates = [start for start in candidates if totals.get(start, -np.inf) <= best[stop]]
        if stop <= n - min_size:
            candidates.append(stop)
    changes, stop = [], last[n]
    while stop > 0:
        changes.append(int(stop))
        stop = last[stop]
    return sorted(changes)


def _binseg(cost, n, penalty, min_size):
    changes, pending = [], [(0, n)]
    while pending:
        start, stop = pending.pop()
        splits = range(start + min_size, stop - min_size + 1)
        if not splits:
            continue
        gains = np.array([cost(start, stop) - cost(start, k) - cost(k, stop) for k in splits])
        k = int(np.flatnonzero(gains >= gains.max() - _TIE)[-1])
        if gains[k] > penalty:
            split = splits[k]
            changes.append(split)
            pending += [(start, split), (split, stop)]
    return sorted(changes)


def _rate(log_change):
    """A log change as a relative change, rounded to 4 digits (no -0.0)."""
    return round(float(np.expm1(log_change)), 4) + 0.0


def _lines(x, y, bounds):
    """Slope and intercept (at x = 0) of the least-squares line of each segment."""
    lines = []
    for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
        xs, ys = x[start:stop], y[start:stop]
        slope = np.polyfit(xs - xs.mean(), ys, 1)[0] if stop - start > 1 else 0.0
        lines.append((slope, ys.mean() - slope * xs.mean()))
    return lines


def _indices(years, change_years, function):
    positions = np.searchsorted(years, np.asarray(change_years, dtype=float))
    if any(p >= len(years) or years[p] != c for p, c in zip(positions, change_years, strict=True)):
        raise InvalidParameterError(
            f"The 'change_years' parameter of {function} must hold years of 'years'. Got "
            f"{list(change_years)!r} instead."
        )
    return [0, *sorted(set(int(p) for p in positions) - {0}), len(years)]


def piecewise_fit(years, values, change_years):
    """The fitted values of a line per segment (on the log scale) between ``change_years``
    (each the first year of a new segment): what :func:`detect_change_points` sees.

    >>> piecewise_fit([1, 2, 3, 4], [1, 2, 10, 20], [3]).round(2).tolist()
    [1.0, 2.0, 10.0, 20.0]
    """
    years, values = check_series(years, values, "piecewise_fit", minimum=1)
    logs = _logs(values)
    bounds = _indices(years, change_years, "piecewise_fit")
    fitted = np.empty_like(logs)
    for (start, stop), (slope, intercept) in zip(zip(bounds[:-1], bounds[1:], strict=True),
                                                 _lines(years, logs, bounds), strict=True):
        fitted[start:stop] = intercept + slope * years[start:stop]
    return np.exp(fitted) - (0.5 if (values <= 0).any() else 0.0)


def detect_change_points(years, values, method="pelt", penalty=None, min_size=2):
    """Find the years where the growth or the level of ``values`` changed.

    Parameters
    ----------
    years : sequence of float
        Increasing times (years, or decimal years for months).
    values : sequence of float
        Counts or rates >= 0 (zeros are shifted by 0.5 before the logarithm).
    method : {"pelt", "binseg"}
        Exact optimal segmentation (PELT) or greedy binary segmentation.
    penalty : float, optional
        Cost of one change point in units of the noise variance; default ``5 log n``.
        Larger: fewer change points.
    min_size : int
        Fewest points in a segment (>= 2: a line needs two).

    Returns
    -------
    pandas.DataFrame
        One row per change point, by year: ``year`` (first year of the new segment),
        ``growth_before`` and ``growth_after`` (annual rates of the segments' lines) and
        ``size`` (the step of the level: the new segment's line against the old one, both
        taken at the last year of the old segment; 0.5 = +50 %, 0 for a mere change of
        growth), rounded to 4 digits.
    """
    if method not in CHANGE_POINT_METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of detect_change_points must be one of "
            f"{', '.join(CHANGE_POINT_METHODS)}. Got {method!r} instead."
        )
    min_size = check_int(min_size, "min_size", "detect_change_points", 2)
    years, values = check_series(years, values, "detect_change_points", minimum=2)
    penalty = check_number(penalty, "penalty", "detect_change_points", 0, optional=True)
    logs = _logs(values)
    n = len(years)
    penalty = DEFAULT_PENALTY * np.log(n) if penalty is None else float(penalty)
    scale = noise_scale(logs) ** 2
    costs = _Costs(years, logs)

    def cost(start, stop):
        return costs(start, stop) / scale

    search = _pelt if method == "pelt" else _binseg
    changes = search(cost, n, penalty, min_size) if n >= 2 * min_size else []
    bounds = [0, *changes, n]
    lines = _lines(years, logs, bounds)
    rows = []
    for k, change in enumerate(changes):
        (slope_before, intercept_before), (slope_after, intercept_after) = lines[k], lines[k + 1]
        at = years[change - 1]  # the last year of the old trend: a kink is no step
        step = intercept_after + slope_after * at - intercept_before - slope_before * at
        year = years[change]
        rows.append({
            "year": int(year) if float(year).is_integer() else round(float(year), 4),
            "growth_before": _rate(slope_before),
            "growth_after": _rate(slope_after),
            "size": _rate(step),
        })
    return pd.DataFrame(rows, columns=list(CHANGE_POINT_COLUMNS))


def match_times(found, true, tolerance):
    """Pairs ``(i, j)`` matching ``found[i]`` to ``true[j]`` one to one, closest first, when
    they are at most ``tolerance`` apart.

    >>> match_times([2012.0, 2013.0], [2013.0], 1)
    [(1, 0)]
    """
    pairs = sorted((abs(f - t), i, j) for i, f in enumerate(found) for j, t in enumerate(true)
                   if abs(f - t) <= tolerance)
    used_found, used_true, matches = set(), set(), []
    for _, i, j in pairs:
        if i not in used_found and j not in used_true:
            used_found.add(i)
            used_true.add(j)
            matches.append((i, j))
    return sorted(matches)


class ChangePointScore(NamedTuple):
    """How well found change points match the true ones (see :func:`evaluate_change_points`)."""

    precision: float
    recall: float
    n_found: int
    n_true: int
    n_matched: int


def evaluate_change_points(found_years, true_years, tolerance=1):
    """Precision and recall of ``found_years`` against ``true_years``.

    Found and true years are matched one to one when they are at most ``tolerance`` apart
    (closest pairs first). Precision = matched / found (1.0 when nothing was found: no false
    alarm); recall = matched / true (1.0 when there was nothing to find).

    >>> evaluate_change_points([2012, 2020], [2013, 2019, 2024], tolerance=1)
    ChangePointScore(precision=1.0, recall=0.667, n_found=2, n_true=3, n_matched=2)
    """
    tolerance = check_number(tolerance, "tolerance", "evaluate_change_points", 0)
    found = sorted(float(year) for year in found_years)
    true = sorted(float(year) for year in true_years)
    matched = len(match_times(found, true, tolerance))
    return ChangePointScore(
        precision=round(matched / len(found), 3) if found else 1.0,
        recall=round(matched / len(true), 3) if true else 1.0,
        n_found=len(found),
        n_true=len(true),
        n_matched=matched,
    )
