"""Telling a change in reporting from a real change.

A reporting artefact moves the reports of one or more sources (a hotline that starts
searching proactively doubles its reports; bundling turns many duplicate industry referrals
into one; an encryption roll-out hides industry reports; the pandemic lifted every source
for a year or so) while the exploitation underneath, and so the indicators that reporting
practice does not drive (media added to the reference database, new series, victims and
offenders identified: :data:`~vidlab.trends.data.INDEPENDENT`), goes on as before. A real
change (a new law, a new platform) moves the reports *and* these independent indicators.

:func:`classify_changes` finds the change points of each reporting source of a country,
groups those of the same year and direction, and tests whether the independent indicators
changed at that year too (a joint F-test of a change of their growth, on the log scale,
weighted by each indicator's noise; the country's other change years are in both models):
if they did, the same way, it is a real change; if not, a reporting artefact, whose kind
is guessed from which sources moved, when, and whether ``share_e2ee`` jumped. With the
monthly table the steps of each source are found month by month, which dates them and
separates a step inside a year from a change of growth: prefer it. :func:`detect_steps`
finds abrupt level shifts in one monthly source.

>>> import numpy as np, pandas as pd
>>> years = np.arange(2010, 2027)
>>> frame = pd.DataFrame({"country": "XX", "region": "Europe", "year": years,
...     "reports_hotline": np.round(1000 * 1.1 ** (years - 2010) * np.where(years >= 2017, 3, 1)),
...     "reports_industry": np.round(9000 * 1.1 ** (years - 2010)),
...     "reports_police": np.round(500 * 1.1 ** (years - 2010)),
...     "victims_identified": np.round(200 * 1.08 ** (years - 2010))})
>>> classify_changes(frame, "XX")[["year", "sources", "direction", "verdict", "kind"]]
   year  sources direction             verdict              kind
0  2017  hotline        up  reporting artefact  proactive_search
"""

import numpy as np
import pandas as pd
from scipy import stats

from vidlab.checks import check_int, check_number, require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.synth.trends import ARTEFACT_KINDS, EVENT_KINDS
from vidlab.trends.changepoints import _logs, detect_change_points, noise_scale
from vidlab.trends.data import INDEPENDENT, SOURCES, decimal_years, select

__all__ = [
    "ARTEFACT_KINDS",
    "CLASSIFY_COLUMNS",
    "REAL_KINDS",
    "VERDICTS",
    "classify_changes",
    "detect_steps",
    "independent_break_test",
]

REAL_KINDS = tuple(kind for kind in EVENT_KINDS if kind not in ARTEFACT_KINDS)
VERDICTS = ("reporting artefact", "real change", "unclear")
CLASSIFY_COLUMNS = ("country", "year", "month", "sources", "direction", "size",
                    "moved_independent", "p_value", "verdict", "kind", "evidence")
STEP_COLUMNS = ("month", "size", "growth_before", "growth_after")
PANDEMIC_YEARS = (2019.9, 2021.0)  # an increase of every source that starts in this window
E2EE_JUMP = 0.08  # a rise of share_e2ee this much above the country's usual rise: a roll-out
SEPARATE = 2  # years between two breaks that the independent indicators can tell apart
MIN_GROWTH_CHANGE = 0.1  # smaller changes of the annual log growth are noise, not news
MIN_MONTHLY_COUNT = 20  # fewer reports a month: Poisson noise hides steps; use the years
MIN_INDEPENDENT_COUNT = 5  # fewer identified a year (median): the indicator cannot tell
YEARLY_MIN_SIZE = 3  # years: a trend of two years is too easily a fluke
_MONTHLY_MIN_SIZE = 6


def detect_steps(months, values, min_step=0.25, penalty=None, min_size=_MONTHLY_MIN_SIZE):
    """Abrupt level shifts in a monthly series (one reporting source of one country).

    Parameters
    ----------
    months : sequence of str
        Consecutive months "YYYY-MM".
    values : sequence of float
        Monthly counts >= 0.
    min_step : float
        Smallest relative step kept (0.25: a rise of 25 % or a fall to 1/1.25); smaller
        changes are changes of growth, not steps.
    penalty, min_size
        As for :func:`~vidlab.trends.changepoints.detect_change_points` (``min_size`` in
        months).

    Returns
    -------
    pandas.DataFrame
        ``month`` (first month at the new level), ``size`` (relative step: 1.0 = doubled,
        -0.5 = halved), ``growth_before``, ``growth_after`` (annual rates).

    Examples
    --------
    >>> months = [f"{year}-{month:02d}" for year in (2019, 2020) for month in range(1, 13)]
    >>> values = [1000] * 14 + [400] * 10
    >>> detect_steps(months, values)
         month  size  growth_before  growth_after
    0  2020-03  -0.6            0.0           0.0
    """
    min_step = check_number(min_step, "min_step", "detect_steps", 0)
    months = [str(month) for month in months]
    times = decimal_years(months)
    found = detect_change_points(times, values, penalty=penalty, min_size=min_size)
    by_time = dict(zip(np.round(times, 4), months, strict=True))
    found.insert(0, "month", [by_time[round(float(t), 4)] for t in found["year"]])
    steps = found[np.abs(np.log1p(found["size"])) >= np.log1p(min_step)]
    return steps[list(STEP_COLUMNS)].reset_index(drop=True)


def _kink_design(x, breaks):
    """Columns: intercept, slope, and per break a change of slope (a kink) there."""
    return np.column_stack([np.ones_like(x), x - x.mean(),
                            *(np.maximum(x - year, 0.0) for year in breaks)])


def _rss(design, y):
    coefficients, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ coefficients
    return float(residual @ residual), int(rank), coefficients


def independent_break_test(years, table, year, other_years=()):
    """Did the indicators in ``table`` change at ``year``? A joint F-test, over all columns,
    of a change of the growth (a kink of the log values) at ``year``; each column is
    weighted by its robust noise scale, and kinks at ``other_years`` at least
    :data:`SEPARATE` years away are in both models (closer ones would take the kink being
    tested).

    Returns ``(p_value, change)``: the p-value and the mean change of the log values two
    years after ``year``, relative to the trend before (> 0: the indicators rose).
    ``(1.0, 0.0)`` when the data cannot tell (too few years).

    >>> years = np.arange(2010, 2020)
    >>> table = pd.DataFrame({"victims": 50 * np.exp(0.1 * (years - 2010)
    ...                                              + 0.2 * np.maximum(years - 2015, 0))})
    >>> p_value, change = independent_break_test(years, table, 2015)
    >>> p_value < 0.001, round(change, 3)
    (True, 0.4)
    """
    x = np.asarray(years, dtype=float)
    others = sorted(float(y) for y in other_years if abs(float(y) - float(year)) >= SEPARATE)
    full, reduced = _kink_design(x, [*others, float(year)]), _kink_design(x, others)
    totals = np.zeros(4)  # rss full, rank full, rss reduced, rank reduced
    changes = []
    for column in table.columns:
        logs = _logs(np.asarray(table[column], dtype=float))
        weight = 1 / noise_scale(logs)
        rss_full, rank_full, coefficients = _rss(full * weight, logs * weight)
        rss_reduced, rank_reduced, _ = _rss(reduced * weight, logs * weight)
        totals += (rss_full, rank_full, rss_reduced, rank_reduced)
        changes.append(2 * coefficients[-1])
    rss_full, rank_full, rss_reduced, rank_reduced = totals
    extra, residual_df = rank_full - rank_reduced, len(x) * len(table.columns) - rank_full
    if extra <= 0 or residual_df <= 0:
        return 1.0, 0.0
    statistic = ((rss_reduced - rss_full) / extra) / max(rss_full / residual_df, 1e-12)
    return float(stats.f.sf(statistic, extra, residual_df)), float(np.mean(changes))


def _yearly_changes(years, values, penalty, min_step):
    """``[(time, log step of level, change of log growth)]`` of a yearly series.

    A step inside a year shows in yearly sums as a ramp: a short segment of steep growth
    between two change points at most :data:`YEARLY_MIN_SIZE` years apart, with the level
    staying up (or down) after it. Such a pair becomes one step in the middle of the ramp;
    a rise followed by a fall back to the old trend (a spike) stays two changes."""
    points = detect_change_points(years, values, penalty=penalty, min_size=YEARLY_MIN_SIZE)
    rows = [(float(p.year), np.log1p(p.size), np.log1p(p.growth_before),
             np.log1p(p.growth_after)) for p in points.itertuples(index=False)]
    changes, k = [], 0
    while k < len(rows):
        year, level, before, after = rows[k]
        if k + 1 < len(rows) and rows[k + 1][0] - year <= YEARLY_MIN_SIZE:
            end, end_level, _, end_after = rows[k + 1]
            net = level + (after - before) * (end - year) + end_level
            if abs(net) >= np.log1p(min_step) and np.sign(net) == np.sign(level + after - before):
                changes.append(((year + end - 1) / 2, net, end_after - before))
                k += 2
                continue
        changes.append((year, level, after - before))
        k += 1
    return changes


def _source_changes(rows, monthly_rows, penalty, min_step):
    """One row per change of each source: source, time (decimal year), month text ("" from
    yearly data), change (log, two years on, relative to the trend before).

    Year by year: changes of growth (by at least :data:`MIN_GROWTH_CHANGE`) or steps of
    level (by at least ``min_step``). Month by month (when the source has enough reports a
    month): steps of at least ``min_step``; they replace the yearly changes of the source
    less than :data:`SEPARATE` years away (a step within a year looks like a ramp of a few
    years in yearly sums, with a change point where it starts and one where it ends)."""
    found = []
    for source in SOURCES:
        column = f"reports_{source}"
        steps = []
        if monthly_rows is not None and monthly_rows[column].median() >= MIN_MONTHLY_COUNT:
            for step in detect_steps(monthly_rows["month"], monthly_rows[column], min_step,
                                     penalty).itertuples(index=False):
                steps.append({"source": source, "time": float(decimal_years([step.month])[0]),
                              "month": step.month, "change": float(np.log1p(step.size))})
        for time, level, growth in _yearly_changes(rows["year"], rows[column], penalty,
                                                   min_step):
            explained = any(abs(time - step["time"]) < SEPARATE for step in steps)
            if not explained and (abs(level) >= np.log1p(min_step)
                                  or abs(growth) >= MIN_GROWTH_CHANGE):
                found.append({"source": source, "time": time, "month": "",
                              "change": level + 2 * growth})
        found += steps
    return pd.DataFrame(found, columns=["source", "time", "month", "change"])


def _clusters(changes, tolerance):
    """Groups of source changes of one direction, each at most ``tolerance`` years after
    the previous one."""
    groups = []
    for direction in (1, -1):
        current = []
        for row in changes[np.sign(changes["change"]) == direction].sort_values(
                "time").itertuples(index=False):
            if current and row.time - current[-1].time > tolerance:
                groups.append(current)
                current = []
            current.append(row)
        if current:
            groups.append(current)
    return sorted(groups, key=lambda group: _when(group)[0])


def _when(group):
    """(time, month): the first monthly step of the group when there is one (sharper),
    else its first yearly change."""
    dated = [row for row in group if row.month]
    first = dated[0] if dated else group[0]
    return first.time, first.month


def _e2ee_jump(rows, year):
    """How much more share_e2ee rose from ``year - 1`` to ``year + 1`` than it rose in two
    years around then (twice the median yearly rise over ``year - 3`` to ``year + 4``,
    without these two years); 0 without the column."""
    if "share_e2ee" not in rows.columns:
        return 0.0
    rise = rows.set_index("year")["share_e2ee"].diff()
    usual = rise[[y for y in range(year - 3, year + 5) if y not in (year, year + 1)
                  and y in rise.index]].median()
    if year - 1 not in rise.index or year + 1 not in rise.index or np.isnan(usual):
        return 0.0
    return float(rise[year] + rise[year + 1] - 2 * usual)


def _kind(sources, direction, time, e2ee_jump):
    if direction == "up" and len(sources) >= 2 and PANDEMIC_YEARS[0] <= time <= PANDEMIC_YEARS[1]:
        return "pandemic_spike"
    if direction == "up" and "hotline" in sources:
        return "proactive_search"
    if direction == "down" and "industry" in sources:
        return "encryption_rollout" if e2ee_jump > E2EE_JUMP else "report_bundling"
    return ""


def _percent(change):
    return f"{np.expm1(change):+.0%}"


def classify_changes(yearly, country, monthly=None, tolerance=1, alpha=0.05, penalty=None,
                     min_step=0.35):
    """Find the changes in a country's reports and say whether each is a reporting artefact.

    Parameters
    ----------
    yearly : pandas.DataFrame
        Yearly trends table with ``reports_hotline``, ``reports_industry``,
        ``reports_police`` and at least one independent indicator
        (:data:`~vidlab.trends.data.INDEPENDENT`).
    country : str
        The country code.
    monthly : pandas.DataFrame, optional
        The monthly table: when given, the sources' change points are found month by month
        (sharper, and ``month`` says when), the independent indicators still year by year.
    tolerance : float
        Changes of several sources at most this many years apart are one change.
    alpha : float
        Significance level of the test that the independent indicators changed.
    penalty : float, optional
        Change-point penalty (see :func:`~vidlab.trends.changepoints.detect_change_points`).
    min_step : float
        Smallest step of level kept, month by month (see :func:`detect_steps`) or year by
        year; changes of growth count from 0.1 a year (:data:`MIN_GROWTH_CHANGE`).

    Returns
    -------
    pandas.DataFrame
        One row per change, by time: ``country``, ``year``, ``month`` ("" from yearly data),
        ``sources`` (comma-separated sources that moved), ``direction`` ("up" | "down"),
        ``size`` (mean relative change of those sources two years on, against their trend
        before: 1.0 = doubled), ``moved_independent`` (bool), ``p_value``, ``verdict``
        (:data:`VERDICTS`: a real change if the independent indicators moved the same way,
        unclear if they moved the other way), ``kind`` (a guess among
        :data:`ARTEFACT_KINDS` and :data:`REAL_KINDS`; "" when no rule fits; the fall of
        every source after a pandemic rise is part of the pandemic row) and ``evidence``
        (one sentence).
    """
    source_columns = [f"reports_{source}" for source in SOURCES]
    require_columns(yearly, ["country", "year", *source_columns], "classify_changes", "yearly")
    independent = [column for column in INDEPENDENT if column in yearly.columns]
    if not independent:
        raise InvalidParameterError(
            "The 'yearly' parameter of classify_changes must have at least one independent "
            f"indicator column ({', '.join(INDEPENDENT)}): without one, a reporting change "
            "cannot be told from a real one."
        )
    tolerance = check_number(tolerance, "tolerance", "classify_changes", 0)
    alpha = check_number(alpha, "alpha", "classify_changes", 0, 1, low_open=True, high_open=True)
    rows = select(yearly, countries=[country]).sort_values("year").reset_index(drop=True)
    check_int(len(rows), "yearly (years of the country)", "classify_changes", 5)
    monthly_rows = None
    if monthly is not None:
        require_columns(monthly, ["country", "month", *source_columns], "classify_changes",
                        "monthly")
        monthly_rows = select(monthly, countries=[country]).sort_values("month")
    usable = [column for column in independent if rows[column].median() >= MIN_INDEPENDENT_COUNT]
    groups = _clusters(_source_changes(rows, monthly_rows, penalty, min_step), tolerance)
    times = [_when(group) for group in groups]
    test_years = [int(round(time)) for time, _ in times]
    table = []
    for group, (time, month), test_year in zip(groups, times, test_years, strict=True):
        sources = sorted({row.source for row in group}, key=SOURCES.index)
        change = float(np.mean([row.change for row in group]))
        direction = "up" if change > 0 else "down"
        p_value, independent_change = (independent_break_test(
            rows["year"], rows[usable], test_year, test_years) if usable else (1.0, 0.0))
        moved = p_value < alpha
        if not usable:
            verdict, kind = "unclear", ""
            said = f"too few a year (median < {MIN_INDEPENDENT_COUNT}) to tell"
        elif not moved:
            verdict = "reporting artefact"
            kind = _kind(sources, direction, time, _e2ee_jump(rows, int(time)))
            said = f"no matching change (p = {p_value:.3f})"
        elif np.sign(independent_change) == np.sign(change):
            verdict, kind = "real change", f"real_{'increase' if change > 0 else 'decrease'}"
            said = f"changed too: {_percent(independent_change)} in two years (p = {p_value:.3f})"
        else:
            verdict, kind = "unclear", ""
            said = (f"changed the other way: {_percent(independent_change)} in two years "
                    f"(p = {p_value:.3f})")
        year = int(month[:4]) if month else int(time)
        table.append({
            "country": country, "year": year, "month": month,
            "sources": ",".join(sources), "direction": direction,
            "size": round(float(np.expm1(change)), 3), "moved_independent": bool(moved),
            "p_value": round(p_value, 4), "verdict": verdict, "kind": kind,
            "evidence": (f"{', '.join(sources)} reports {_percent(change)} from "
                         f"{month or year}; {', '.join(usable or independent)}: {said}."),
        })
    return _merge_pandemic(pd.DataFrame(table, columns=list(CLASSIFY_COLUMNS)))


def _merge_pandemic(table):
    """Fold the fall that ends a pandemic rise into the pandemic's row."""
    drop = []
    for i, row in table[table["kind"] == "pandemic_spike"].iterrows():
        later = table[(table.index > i) & (table["direction"] == "down")
                      & (table["year"] <= row["year"] + 3)
                      & (table["verdict"] == "reporting artefact")]
        if len(later):
            end = later.iloc[0]
            drop.append(end.name)
            table.loc[i, "evidence"] = (
                f"{row['evidence'][:-1]}; back down from {end['month'] or end['year']}."
            )
    return table.drop(index=drop).reset_index(drop=True)
