"""Trend statistics: read, normalise, estimate, detect changes, forecast and tell reporting
artefacts from real change.

Read a dataset's ``trends`` part (:func:`~vidlab.trends.data.load_trends`) and select
countries, a region or years (:func:`~vidlab.trends.data.select`); normalise counts per
inhabitant or internet user, sum countries into regions and index to a base year
(:mod:`~vidlab.trends.normalise`); estimate the annual growth with a confidence interval
(:func:`~vidlab.trends.estimate.fit_trend`); find the years where growth or level changed
(:func:`~vidlab.trends.changepoints.detect_change_points`); forecast a few years ahead and
backtest the forecast (:mod:`~vidlab.trends.forecast`); tell a change in reporting (a hotline
starting proactive search, report bundling, an encryption roll-out, the pandemic) from a real
change (:func:`~vidlab.trends.artefacts.classify_changes`); draw it all
(:mod:`~vidlab.trends.plots`); and check a study against the generator's true events
(:mod:`~vidlab.trends.study`).

Growth is always an annual rate: ``0.12`` means +12 % a year.

>>> from vidlab.trends import fit_trend
>>> fit = fit_trend([2015, 2016, 2017, 2018], [100, 115, 132.25, 152.0875])
>>> round(fit.growth, 3)
0.15
"""

from vidlab.trends.artefacts import ARTEFACT_KINDS, VERDICTS, classify_changes, detect_steps
from vidlab.trends.changepoints import (
    ChangePointScore,
    detect_change_points,
    evaluate_change_points,
)
from vidlab.trends.data import (
    COUNT_COLUMNS,
    INDEPENDENT,
    REGIONS,
    SHARE_COLUMNS,
    SOURCES,
    TrendData,
    check_indicator,
    load_trends,
    parse_countries,
    select,
)
from vidlab.trends.estimate import METHODS, TrendFit, fit_by_group, fit_trend
from vidlab.trends.forecast import FORECAST_METHODS, Backtest, backtest, forecast
from vidlab.trends.normalise import (
    aggregate,
    index_to,
    per_capita,
    per_internet_user,
    source_shares,
)
from vidlab.trends.plots import (
    plot_backtest,
    plot_change_points,
    plot_comparison,
    plot_forecast,
    plot_indicator,
    plot_sources,
    plot_trend_fit,
)
from vidlab.trends.study import compare_change_points, match_events, select_study, true_changes

__all__ = [
    "ARTEFACT_KINDS",
    "Backtest",
    "COUNT_COLUMNS",
    "ChangePointScore",
    "FORECAST_METHODS",
    "INDEPENDENT",
    "METHODS",
    "REGIONS",
    "SHARE_COLUMNS",
    "SOURCES",
    "TrendData",
    "TrendFit",
    "VERDICTS",
    "aggregate",
    "backtest",
    "check_indicator",
    "classify_changes",
    "compare_change_points",
    "detect_change_points",
    "detect_steps",
    "evaluate_change_points",
    "fit_by_group",
    "fit_trend",
    "forecast",
    "index_to",
    "load_trends",
    "match_events",
    "parse_countries",
    "per_capita",
    "per_internet_user",
    "plot_backtest",
    "plot_change_points",
    "plot_comparison",
    "plot_forecast",
    "plot_indicator",
    "plot_sources",
    "plot_trend_fit",
    "select",
    "select_study",
    "source_shares",
    "true_changes",
]
