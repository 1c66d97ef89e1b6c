"""Tests of vidlab.trends.forecast: pure exponentials, interval coverage, backtests."""

import numpy as np
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.trends.forecast import FORECAST_COLUMNS, FORECAST_METHODS, backtest, forecast

YEARS = np.arange(2010, 2027)


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_a_pure_exponential_is_continued(method):
    values = 300 * 1.18 ** (YEARS - 2010)
    table = forecast(YEARS, values, horizon=3, method=method)
    assert list(table.columns) == list(FORECAST_COLUMNS)
    assert table["year"].tolist() == [2027, 2028, 2029]
    expected = 300 * 1.18 ** np.arange(17, 20)
    assert table["forecast"].to_numpy() == pytest.approx(expected, rel=1e-5)
    assert (table["low"] <= table["forecast"]).all() and (table["forecast"] <= table["high"]).all()


@pytest.mark.parametrize("method", FORECAST_METHODS)
def test_intervals_widen_with_the_horizon_and_cover_noisy_futures(method):
    rng = np.random.default_rng(11)
    covered = total = 0
    for _ in range(60):
        logs = np.log(1000) + 0.1 * np.arange(20) + rng.normal(0, 0.1, 20)
        table = forecast(YEARS, np.exp(logs[:17]), horizon=3, method=method, level=0.9)
        widths = np.log(table["high"] / table["low"])
        assert (np.diff(widths) > 0).all()
        future = np.exp(logs[17:])
        covered += ((table["low"] <= future) & (future <= table["high"])).sum()
        total += 3
    assert covered / total >= 0.8


def test_holt_follows_a_recent_change_of_growth():
    values = np.exp(np.log(100) + 0.05 * np.arange(17) + 0.25 * np.maximum(np.arange(17) - 10, 0))
    linear = forecast(YEARS, values, horizon=1, method="loglinear")["forecast"].item()
    holt = forecast(YEARS, values, horizon=1, method="holt")["forecast"].item()
    truth = np.exp(np.log(100) + 0.05 * 17 + 0.25 * 7)
    assert abs(holt - truth) < abs(linear - truth)
    assert holt == pytest.approx(truth, rel=0.02)


def test_backtest_scores_past_forecasts():
    rng = np.random.default_rng(4)
    values = 1000 * np.exp(0.1 * np.arange(17) + rng.normal(0, 0.05, 17))
    result = backtest(YEARS, values, horizon=2, origins=[2018, 2020, 2025])
    table = result.table
    assert table["origin"].tolist() == [2018, 2018, 2020, 2020, 2025]  # 2027 is not scored
    assert table["step"].tolist() == [1, 2, 1, 2, 1]
    assert result.mape == pytest.approx(table["error"].mean(), abs=1e-4)
    assert 0 < result.mape < 0.2
    assert result.coverage == pytest.approx(table["covered"].mean(), abs=1e-4)
    assert result.summary()["n_forecasts"].item() == 5


@pytest.mark.parametrize(("call", "message"), [
    (lambda: forecast(YEARS, YEARS, method="arima"), "'method' parameter of forecast"),
    (lambda: forecast(YEARS, YEARS, horizon=0), "'horizon' parameter of forecast must be an int"),
    (lambda: forecast(YEARS, YEARS, level=1.5), "'level' parameter of forecast"),
    (lambda: forecast(YEARS[:3], YEARS[:3]), "at least 4 points"),
    (lambda: backtest(YEARS, YEARS, origins=[2026]), "'origins' parameter of backtest"),
    (lambda: backtest(YEARS, YEARS, origins=[]), "'origins' parameter of backtest"),
])
def test_argument_errors(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()
