"""Figures of trend statistics: indicators over time, comparisons indexed to a base year,
fitted trends, change points, forecasts and backtests, and a country's reports by source
against the indicators that reporting practice does not drive.

Every function draws on ``ax`` (a new figure when None) and returns the matplotlib Axes;
none calls ``plt.show``.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from vidlab.trends.estimate import fit_trend
>>> ax = plot_trend_fit(fit_trend(range(2015, 2020), [10, 12, 14.4, 17.28, 20.736]))
>>> ax.get_title()
'Trend: +20.0 % a year (95 % CI +20.0 % to +20.0 %)'
"""

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.trends import normalise
from vidlab.trends.changepoints import piecewise_fit
from vidlab.trends.data import INDEPENDENT, SOURCES, select, time_column
from vidlab.trends.estimate import TrendFit
from vidlab.trends.forecast import FORECAST_COLUMNS, Backtest

__all__ = [
    "plot_backtest",
    "plot_change_points",
    "plot_comparison",
    "plot_forecast",
    "plot_indicator",
    "plot_sources",
    "plot_trend_fit",
]


def _axes(ax, figsize=(8, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _grouped(frame, indicator, by, function):
    """``frame`` summed to ``by`` ("country", "region" or "global") with ``indicator``."""
    time = time_column(frame, function)
    require_columns(frame, [indicator], function, "frame")
    if by not in ("country", "region", "global"):
        raise InvalidParameterError(
            f"The 'by' parameter of {function} must be one of country, region, global. "
            f"Got {by!r} instead."
        )
    table = frame if by == "country" else normalise.aggregate(frame, by=by)
    if by == "global":
        table = table.assign(group="all countries")
    else:
        table = table.assign(group=table[by])
    return table.sort_values(["group", time]), time


def plot_indicator(frame, indicator, by="country", per_capita=False, ax=None, title=None):
    """One line per country (or region, or the world) of ``indicator`` over time.

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly (or monthly) trends table.
    indicator : str
        The column to draw, e.g. "reports_total".
    by : {"country", "region", "global"}
        The lines: countries as they are, or sums per region or for the world.
    per_capita : bool
        Draw the rate per 100,000 inhabitants (yearly data).
    ax, title
        Where to draw and the title.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> frame = pd.DataFrame({"country": ["FR", "FR"], "region": "Europe", "year": [2019, 2020],
    ...                       "population": 100_000, "reports_total": [5, 7]})
    >>> ax = plot_indicator(frame, "reports_total", by="region", per_capita=True)
    >>> ax.get_lines()[0].get_ydata().tolist(), ax.get_ylabel()
    ([5.0, 7.0], 'reports_total per 100,000 inhabitants')
    """
    table, time = _grouped(frame, indicator, by, "plot_indicator")
    if per_capita:
        table = normalise.per_capita(table, [indicator])
    ax = _axes(ax)
    for group, rows in table.groupby("group", sort=True):
        ax.plot(rows[time].astype(str) if time == "month" else rows[time], rows[indicator],
                marker="o", markersize=3, label=group)
    ax.set_xlabel(time)
    ax.set_ylabel(f"{indicator} per 100,000 inhabitants" if per_capita else indicator)
    ax.set_title(title or f"{indicator} by {by}")
    if table["group"].nunique() <= 15:
        ax.legend(fontsize="small", ncol=2)
    return ax


def plot_comparison(frame, indicator, base_year, by="country", ax=None, title=None):
    """Countries (or regions) side by side, each indexed to 100 in ``base_year``: who grew
    faster, whatever their size.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> frame = pd.DataFrame({"country": ["FR", "FR", "DE", "DE"], "region": "Europe",
    ...                       "year": [2019, 2020] * 2, "reports_total": [5, 10, 50, 60]})
    >>> ax = plot_comparison(frame, "reports_total", 2019)
    >>> [line.get_ydata().tolist() for line in ax.get_lines()[:2]]
    [[100.0, 120.0], [100.0, 200.0]]
    """
    table, time = _grouped(frame, indicator, by, "plot_comparison")
    table = normalise.index_to(table, base_year, [indicator])
    ax = _axes(ax)
    for group, rows in table.groupby("group", sort=True):
        ax.plot(rows[time], rows[indicator], marker="o", markersize=3, label=group)
    ax.axhline(100, color="grey", linewidth=0.8, linestyle=":")
    ax.set_xlabel(time)
    ax.set_ylabel(f"{indicator}, {base_year} = 100")
    ax.set_title(title or f"{indicator} indexed to {base_year}")
    if table["group"].nunique() <= 15:
        ax.legend(fontsize="small", ncol=2)
    return ax


def plot_trend_fit(fit, ax=None, title=None):
    """The data, the fitted trend and the range of trends within the confidence interval of
    the growth, on a logarithmic axis (a constant growth is a straight line)."""
    if not isinstance(fit, TrendFit):
        raise InvalidParameterError(
            "The 'fit' parameter of plot_trend_fit must be a TrendFit from fit_trend. Got "
            f"{type(fit).__name__} instead."
        )
    ax = _axes(ax)
    x = fit.years - fit.center
    low = np.exp(fit.intercept + np.log1p(fit.growth_low) * x)
    high = np.exp(fit.intercept + np.log1p(fit.growth_high) * x)
    ax.fill_between(fit.years, np.minimum(low, high), np.maximum(low, high), alpha=0.2,
                    label=f"growth within the {fit.level:.0%} interval")
    ax.plot(fit.years, fit.values, "o", label="data")
    ax.plot(fit.years, fit.fitted, "-", label=f"trend ({fit.method})")
    if (fit.values > 0).all():
        ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel("value (log scale)")
    ax.set_title(title or (f"Trend: {fit.growth:+.1%} a year ({fit.level:.0%} CI "
                           f"{fit.growth_low:+.1%} to {fit.growth_high:+.1%})").replace("%", " %"))
    ax.legend(fontsize="small")
    return ax


def _years(points):
    if isinstance(points, pd.DataFrame):
        return points["year"].tolist()
    return list(points)


def plot_change_points(years, values, found, truth=None, ax=None, title=None):
    """The data, the piecewise trend between the change points ``found`` (a table from
    :func:`~vidlab.trends.changepoints.detect_change_points` or a list of years; red dashed
    lines) and, when given, the true change years (green dotted lines).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_change_points([1, 2, 3, 4], [1, 2, 10, 20], [3], truth=[3])
    >>> len(ax.get_lines())
    4
    """
    found_years = _years(found)
    ax = _axes(ax)
    ax.plot(years, values, "o", label="data")
    ax.plot(years, piecewise_fit(years, values, found_years), "-", label="trend per segment")
    for k, year in enumerate(found_years):
        ax.axvline(year, color="tab:red", linestyle="--", label="found" if k == 0 else None)
    for k, year in enumerate(_years(truth) if truth is not None else []):
        ax.axvline(year, color="tab:green", linestyle=":", linewidth=2,
                   label="true" if k == 0 else None)
    if (np.asarray(values, dtype=float) > 0).all():
        ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_title(title or "Change points")
    ax.legend(fontsize="small")
    return ax


def plot_forecast(years, values, table, ax=None, title=None):
    """The history and the forecast (a table from :func:`~vidlab.trends.forecast.forecast`)
    with its prediction interval."""
    require_columns(table, list(FORECAST_COLUMNS), "plot_forecast", "table")
    ax = _axes(ax)
    ax.plot(years, values, "o-", markersize=3, label="data")
    ax.plot(table["year"], table["forecast"], "s--", markersize=4, label="forecast")
    ax.fill_between(table["year"], table["low"], table["high"], alpha=0.25,
                    label="prediction interval")
    ax.set_xlabel("year")
    ax.set_title(title or "Forecast")
    ax.legend(fontsize="small")
    return ax


def plot_backtest(years, values, result, ax=None, title=None):
    """What forecasts made in past years (:func:`~vidlab.trends.forecast.backtest`) said,
    against what happened: one dashed line per origin."""
    if not isinstance(result, Backtest):
        raise InvalidParameterError(
            "The 'result' parameter of plot_backtest must be a Backtest from backtest. Got "
            f"{type(result).__name__} instead."
        )
    ax = _axes(ax)
    ax.plot(years, values, "o-", color="black", markersize=3, label="data")
    history = dict(zip(years, values, strict=True))
    for k, (origin, rows) in enumerate(result.table.groupby("origin")):
        start = pd.DataFrame({"year": [origin], "forecast": [history[origin]]})
        line = pd.concat([start, rows[["year", "forecast"]]])
        ax.plot(line["year"], line["forecast"], "--", alpha=0.7,
                label="forecasts from past years" if k == 0 else None)
    ax.set_xlabel("year")
    ax.set_title(title or (f"Backtest: mean error {result.mape:.0%}, interval coverage "
                           f"{result.coverage:.0%}").replace("%", " %"))
    ax.legend(fontsize="small")
    return ax


def plot_sources(frame, country, independent=INDEPENDENT[1:], events=None, ax=None, title=None):
    """A country's reports stacked by source (left axis) and the independent indicators
    (right axis): a step in one source that the right axis does not follow is a reporting
    artefact. ``events`` (a table with ``country`` and ``start`` "YYYY-MM", e.g. the ground
    truth) adds a vertical line per event of the country."""
    rows = select(frame, countries=[country]).sort_values("year")
    columns = [f"reports_{source}" for source in SOURCES]
    independent = [column for column in independent if column in rows.columns]
    require_columns(rows, columns, "plot_sources", "frame")
    ax = _axes(ax, figsize=(9, 4.5))
    ax.stackplot(rows["year"], *(rows[column] for column in columns), labels=list(SOURCES),
                 alpha=0.6)
    ax.set_xlabel("year")
    ax.set_ylabel("reports")
    right = ax.twinx()
    for column in independent:
        right.plot(rows["year"], rows[column], "o-", markersize=3, label=column)
    right.set_ylabel("identified / new (independent of reporting)")
    if events is not None:
        for k, event in enumerate(events[events["country"] == country].itertuples()):
            start = int(event.start[:4]) + (int(event.start[5:7]) - 1) / 12
            ax.axvline(start, color="black", linestyle=":",
                       label="true event" if k == 0 else None)
            ax.annotate(event.kind, (start, 1), xycoords=("data", "axes fraction"),
                        rotation=90, va="top", ha="right", fontsize="small")
    handles = ax.get_legend_handles_labels()
    more = right.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize="small", loc="upper left")
    ax.set_title(title or f"{country}: reports by source and independent indicators")
    return ax
