"""Tests of vidlab.trends.plots: each figure draws what it says and returns its Axes."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from vidlab.exceptions import InvalidParameterError  # noqa: E402
from vidlab.trends import (  # noqa: E402
    backtest,
    detect_change_points,
    fit_trend,
    forecast,
    plot_backtest,
    plot_change_points,
    plot_comparison,
    plot_forecast,
    plot_indicator,
    plot_sources,
    plot_trend_fit,
)

YEARS = np.arange(2015, 2021)


@pytest.fixture
def yearly():
    rows = []
    for country, region, level in (("FR", "Europe", 100), ("DE", "Europe", 300),
                                   ("KE", "Africa", 50)):
        for k, year in enumerate(YEARS):
            rows.append({"country": country, "region": region, "year": year,
                         "population": 1_000_000, "reports_total": level * 1.1 ** k,
                         "reports_hotline": level * 0.2, "reports_industry": level * 0.7,
                         "reports_police": level * 0.1, "victims_identified": 10 + k,
                         "series_new": 5})
    return pd.DataFrame(rows)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_plot_indicator_by_country_region_and_world(yearly):
    assert len(plot_indicator(yearly, "reports_total").get_lines()) == 3
    regions = plot_indicator(yearly, "reports_total", by="region")
    assert [line.get_label() for line in regions.get_lines()] == ["Africa", "Europe"]
    world = plot_indicator(yearly, "reports_total", by="global", per_capita=True)
    assert world.get_lines()[0].get_ydata()[0] == pytest.approx(15.0)  # 450 per 3 million
    with pytest.raises(InvalidParameterError, match="'by' parameter of plot_indicator"):
        plot_indicator(yearly, "reports_total", by="city")


def test_plot_comparison_indexes_to_the_base_year(yearly):
    ax = plot_comparison(yearly, "reports_total", 2015, by="region")
    for line in ax.get_lines()[:2]:
        assert line.get_ydata()[0] == 100.0
        assert line.get_ydata()[-1] == pytest.approx(100 * 1.1 ** 5, abs=0.01)


def test_plot_trend_fit_change_points_and_forecast():
    values = 100 * 1.2 ** np.arange(10)
    values[6:] *= 2
    years = np.arange(2010, 2020)
    ax = plot_trend_fit(fit_trend(years, values))
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    found = detect_change_points(years, values)
    ax = plot_change_points(years, values, found, truth=[2016])
    assert [line.get_label() for line in ax.get_lines()][-2:] == ["found", "true"]
    ax = plot_forecast(years, values, forecast(years, values))
    assert ax.get_lines()[1].get_xdata().tolist() == [2020, 2021, 2022]
    ax = plot_backtest(years, values, backtest(years, values, horizon=2))
    assert len(ax.get_lines()) == 1 + 5  # the data and one line per origin
    with pytest.raises(InvalidParameterError, match="must be a TrendFit"):
        plot_trend_fit(values)
    with pytest.raises(InvalidParameterError, match="must be a Backtest"):
        plot_backtest(years, values, None)


def test_plot_sources_with_events(yearly):
    events = pd.DataFrame({"country": ["FR", "DE"], "start": ["2017-04", "2018-01"],
                           "kind": ["proactive_search", "report_bundling"]})
    ax = plot_sources(yearly, "FR", events=events)
    assert len(ax.collections) == 3  # three stacked sources
    assert [text.get_text() for text in ax.texts] == ["proactive_search"]
    labels = ax.get_legend_handles_labels()[1]
    assert "true event" in labels
    assert ax.get_legend() is not None
