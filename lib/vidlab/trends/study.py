"""Checking a trend study against the generator's truth: which true events move an
indicator, and which of them a study found.

The ``trend_statistics`` generator records its events (ground truth ``trends_events``):
reporting artefacts move the reports of their source (and so ``reports_total``); real
changes move every indicator. :func:`true_changes` lists the changes an indicator shows;
:func:`compare_change_points` marks each as found or missed and each finding without a true
change as a false alarm; :func:`match_events` tells which event each row of
:func:`~vidlab.trends.artefacts.classify_changes` found.

>>> import pandas as pd
>>> events = pd.DataFrame({"event_id": ["E1", "E2"], "country": ["FR", "DE"],
...     "kind": ["proactive_search", "real_increase"], "is_artefact": [True, False],
...     "source": ["hotline", "all"], "start": ["2016-05", "2019-01"], "end": ["", ""]})
>>> true_changes(events, "victims_identified")[["country", "year", "kind"]].values.tolist()
[['DE', 2019, 'real_increase']]
>>> found = pd.DataFrame({"country": ["FR", "FR"], "year": [2016, 2021]})
>>> compare_change_points(found, true_changes(events, "reports_total"))
... # doctest: +NORMALIZE_WHITESPACE
  country  year       status              kind event_id
0      DE  2019       missed     real_increase       E2
1      FR  2016        found  proactive_search       E1
2      FR  2021  false alarm
"""

import pandas as pd

from vidlab.checks import check_int, require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.trends.changepoints import match_times
from vidlab.trends.data import (
    COUNT_COLUMNS,
    SOURCE_COLUMNS,
    check_indicator,
    decimal_years,
    select,
)
from vidlab.trends.estimate import METHODS
from vidlab.trends.forecast import FORECAST_METHODS

MIN_STUDY_YEARS = 6  # a trend with an interval, and a backtest with at least one origin

__all__ = ["COMPARE_COLUMNS", "compare_change_points", "match_events", "select_study",
           "true_changes"]

COMPARE_COLUMNS = ("country", "year", "status", "kind", "event_id")
_EVENT_COLUMNS = ["event_id", "country", "kind", "is_artefact", "source", "start", "end"]


def select_study(data, region="", countries="", first_year=2010, last_year=2026,
                 indicator="reports_total", method="loglinear", forecast_method="loglinear",
                 horizon=3):
    """Check the parameters of a trend study and return its ``(yearly, monthly)`` rows.

    Parameters
    ----------
    data : TrendData
        From :func:`~vidlab.trends.data.load_trends`.
    region, countries
        As for :func:`~vidlab.trends.data.select` (countries, when given, replace the
        region; "" or "all" for the region: every country).
    first_year, last_year : int
        The years studied, at least :data:`MIN_STUDY_YEARS` of them.
    indicator : str
        A count column (:data:`~vidlab.trends.data.COUNT_COLUMNS`).
    method, forecast_method : str
        One of :data:`~vidlab.trends.estimate.METHODS` and of
        :data:`~vidlab.trends.forecast.FORECAST_METHODS`.
    horizon : int
        Years to forecast, in [1, 20].

    Raises
    ------
    InvalidParameterError
        On the first wrong parameter, naming it and what it may be.
    """
    check_indicator(indicator, "select_study")
    for name, value, allowed in (("method", method, METHODS),
                                 ("forecast_method", forecast_method, FORECAST_METHODS)):
        if value not in allowed:
            raise InvalidParameterError(
                f"The {name!r} parameter of select_study must be one of {', '.join(allowed)}. "
                f"Got {value!r} instead."
            )
    check_int(horizon, "horizon", "select_study", 1, 20)
    check_int(first_year, "first_year", "select_study", 1900)
    check_int(last_year, "last_year", "select_study", 1900)
    if last_year - first_year + 1 < MIN_STUDY_YEARS:
        raise InvalidParameterError(
            f"A study needs at least {MIN_STUDY_YEARS} years: first_year {first_year} and "
            f"last_year {last_year} give {max(last_year - first_year + 1, 0)}."
        )
    years = (first_year, last_year)
    return (select(data.yearly, region=region, countries=countries, years=years),
            select(data.monthly, region=region, countries=countries, years=years))


def _moves(event, indicator):
    """Whether ``event`` (a row of the events table) moves ``indicator``."""
    if not event.is_artefact:
        return indicator in COUNT_COLUMNS
    if indicator == "reports_total":
        return True
    return indicator in (SOURCE_COLUMNS if event.source == "all" else (f"reports_{event.source}",))


def _next_month(month):
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def true_changes(events, indicator):
    """The true changes that ``indicator`` shows: one row per event that moves it, at its
    start, and one more where an event with an end (the pandemic) stops.

    Parameters
    ----------
    events : pandas.DataFrame
        The ground truth ``trends_events`` (``TrendData.events``).
    indicator : str
        A count column, e.g. "reports_total" or "victims_identified".

    Returns
    -------
    pandas.DataFrame
        ``event_id``, ``country``, ``kind``, ``is_artefact``, ``edge`` ("start" | "end"),
        ``month`` ("YYYY-MM": the first month at the new level), ``year``; by country and
        month.
    """
    require_columns(events, _EVENT_COLUMNS, "true_changes", "events")
    rows = []
    for event in events.itertuples(index=False):
        if not _moves(event, indicator):
            continue
        edges = [("start", event.start)] + ([("end", _next_month(event.end))] if event.end
                                            else [])
        for edge, month in edges:
            rows.append({"event_id": event.event_id, "country": event.country,
                         "kind": event.kind, "is_artefact": bool(event.is_artefact),
                         "edge": edge, "month": month, "year": int(month[:4])})
    columns = ["event_id", "country", "kind", "is_artefact", "edge", "month", "year"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["country", "month"]).reset_index(drop=True)


def compare_change_points(found, truth, tolerance=1):
    """Mark each true change as found or missed, and each change point found without a true
    change within ``tolerance`` years (in the same country) as a false alarm.

    Parameters
    ----------
    found : pandas.DataFrame
        Change points: ``country`` and ``year`` (e.g. from
        :func:`~vidlab.trends.changepoints.detect_change_points`, one country at a time).
    truth : pandas.DataFrame
        ``country``, ``year``, ``kind``, ``event_id`` (:func:`true_changes`).
    tolerance : float
        Years between a change point and the true change it finds.

    Returns
    -------
    pandas.DataFrame
        ``country``, ``year``, ``status`` ("found" | "missed" | "false alarm"), ``kind``
        and ``event_id`` ("" for false alarms); by country and year.
    """
    require_columns(found, ["country", "year"], "compare_change_points", "found")
    require_columns(truth, ["country", "year", "kind", "event_id"], "compare_change_points",
                    "truth")
    rows = []
    for country in sorted(set(found["country"]) | set(truth["country"])):
        mine = found[found["country"] == country].sort_values("year")
        true = truth[truth["country"] == country].sort_values("year")
        pairs = dict((j, i) for i, j in match_times(mine["year"].astype(float).tolist(),
                                                    true["year"].astype(float).tolist(),
                                                    tolerance))
        for j, event in enumerate(true.itertuples(index=False)):
            rows.append({"country": country, "year": int(event.year),
                         "status": "found" if j in pairs else "missed",
                         "kind": event.kind, "event_id": event.event_id})
        matched = set(pairs.values())
        for i, year in enumerate(mine["year"]):
            if i not in matched:
                rows.append({"country": country, "year": int(year), "status": "false alarm",
                             "kind": "", "event_id": ""})
    table = pd.DataFrame(rows, columns=list(COMPARE_COLUMNS))
    return table.sort_values(["country", "year", "status"]).reset_index(drop=True)


def match_events(changes, events, tolerance=1.25):
    """Return a copy of ``changes`` (from :func:`~vidlab.trends.artefacts.classify_changes`,
    any countries) with the true event each row found: ``true_event`` (its id, "" for none),
    ``true_kind`` and ``true_artefact`` (True, False, or None for none). Rows and events of
    a country are matched one to one, closest first, when their times (``month`` or
    ``year``; the event's start) are at most ``tolerance`` years apart."""
    require_columns(changes, ["country", "year", "month"], "match_events", "changes")
    require_columns(events, _EVENT_COLUMNS, "match_events", "events")
    out = changes.copy()
    out["true_event"], out["true_kind"], out["true_artefact"] = "", "", None
    for country, rows in changes.groupby("country"):
        mine = events[events["country"] == country]
        times = [decimal_years([month])[0] if month else float(year)
                 for year, month in zip(rows["year"], rows["month"], strict=True)]
        starts = decimal_years(mine["start"]).tolist()
        for i, j in match_times(times, starts, tolerance):
            event = mine.iloc[j]
            out.loc[rows.index[i], ["true_event", "true_kind", "true_artefact"]] = [
                event["event_id"], event["kind"], bool(event["is_artefact"])]
    return out
