"""Short forecasts of a yearly series with prediction intervals, and backtests that tell how
far they can be trusted.

Both methods work on the logarithm of the values (growth is multiplicative) and give the
median forecast:

- ``"loglinear"``: the straight line of :func:`~vidlab.trends.estimate.fit_trend` continued,
  with the Student-t prediction interval of a new observation.
- ``"holt"``: Holt's linear trend (exponential smoothing of level and growth; the smoothing
  parameters minimise the one-step-ahead errors over a grid): it follows recent changes of
  growth, with intervals that widen faster.

>>> forecast(range(2015, 2021), [100 * 1.2 ** k for k in range(6)], horizon=2)
   year  forecast      low     high
0  2021   298.598  298.598  298.598
1  2022   358.318  358.318  358.318
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from vidlab.checks import check_int
from vidlab.exceptions import InvalidParameterError
from vidlab.trends.estimate import check_level, check_series, log_values

__all__ = ["FORECAST_METHODS", "FORECAST_COLUMNS", "Backtest", "backtest", "forecast"]

FORECAST_METHODS = ("loglinear", "holt")
FORECAST_COLUMNS = ("year", "forecast", "low", "high")
_GRID = np.round(np.arange(0.05, 1.0, 0.05), 2)
_MIN_TRAIN = 5


def _loglinear(x, y, steps, level):
    n = len(x)
    center = x.mean()
    xc = x - center
    sxx = float(xc @ xc)
    slope = float(xc @ (y - y.mean()) / sxx)
    residual = y - y.mean() - slope * xc
    sigma = np.sqrt(max(float(residual @ residual) / (n - 2), 0.0))
    future = x[-1] + steps - center
    point = y.mean() + slope * future
    half = stats.t.ppf(0.5 + level / 2, n - 2) * sigma * np.sqrt(1 + 1 / n + future**2 / sxx)
    return point, half


def _holt_errors(y, alpha, beta):
    """One-step-ahead errors of Holt's method (error-correction form) and the final state."""
    level_, trend = y[0], y[1] - y[0]
    errors = np.empty(len(y) - 1)
    for t in range(1, len(y)):
        error = y[t] - level_ - trend
        errors[t - 1] = error
        level_, trend = level_ + trend + alpha * error, trend + beta * error
    return errors, level_, trend


def _holt(x, y, steps, level):
    best = None
    for alpha in _GRID:
        for share in _GRID:
            errors, level_, trend = _holt_errors(y, alpha, alpha * share)
            sse = float(errors[1:] @ errors[1:])  # the first error is 0 by construction
            if best is None or sse < best[0] - 1e-12:
                best = (sse, alpha, alpha * share, level_, trend)
    sse, alpha, beta, level_, trend = best
    sigma2 = sse / max(len(y) - 3, 1)
    point = level_ + trend * steps
    variance = sigma2 * (1 + (steps - 1) * (alpha**2 + alpha * beta * steps
                                            + beta**2 * steps * (2 * steps - 1) / 6))
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(variance)
    return point, half


def forecast(years, values, horizon=3, method="loglinear", level=0.9):
    """Forecast ``values`` for the ``horizon`` years after the last one.

    Parameters
    ----------
    years : sequence of int
        Increasing, consecutive years (at least 4).
    values : sequence of float
        Counts or rates > 0.
    horizon : int
        Number of years to forecast, in [1, 20].
    method : {"loglinear", "holt"}
        See the module's description.
    level : float
        Probability that a new value falls inside [low, high].

    Returns
    -------
    pandas.DataFrame
        ``year``, ``forecast`` (median), ``low``, ``high``; rounded to 6 significant digits.
    """
    if method not in FORECAST_METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of forecast must be one of {', '.join(FORECAST_METHODS)}. "
            f"Got {method!r} instead."
        )
    horizon = check_int(horizon, "horizon", "forecast", 1, 20)
    level = check_level(level, "forecast")
    years, values = check_series(years, values, "forecast", minimum=4)
    y = log_values(values, "forecast", method)
    steps = np.arange(1, horizon + 1, dtype=float)
    point, half = (_loglinear if method == "loglinear" else _holt)(years, y, steps, level)
    table = pd.DataFrame({
        "year": (years[-1] + steps).astype(int),
        "forecast": np.exp(point),
        "low": np.exp(point - half),
        "high": np.exp(point + half),
    })
    for column in FORECAST_COLUMNS[1:]:
        table[column] = [float(f"{value:.6g}") for value in table[column]]
    return table


@dataclass
class Backtest:
    """Forecasts made in the past, scored against what happened.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per origin and forecast year: ``origin`` (last year used), ``year``,
        ``step``, ``actual``, ``forecast``, ``low``, ``high``, ``error`` (absolute
        percentage error as a fraction: 0.1 = 10 %) and ``covered`` (actual within
        [low, high]).
    mape : float
        Mean absolute percentage error over all rows (a fraction).
    coverage : float
        Share of the rows whose interval covered the actual value.
    """

    table: pd.DataFrame
    mape: float
    coverage: float

    def summary(self):
        """One-row DataFrame: n_forecasts, mape, coverage."""
        return pd.DataFrame([{"n_forecasts": len(self.table), "mape": self.mape,
                              "coverage": self.coverage}])


def backtest(years, values, horizon=3, method="loglinear", level=0.9, origins=None):
    """Forecast from past origins and score the forecasts against the actual values.

    Parameters
    ----------
    years, values, horizon, method, level
        As for :func:`forecast`.
    origins : sequence of int, optional
        The last years of data each forecast may use; default every year from the fifth to
        the one before last. A forecast beyond the data is not scored.

    Returns
    -------
    Backtest
        The scored forecasts, their mean absolute percentage error and interval coverage.

    Examples
    --------
    >>> result = backtest(range(2010, 2020), [50 * 1.1 ** k for k in range(10)], horizon=2)
    >>> len(result.table), result.mape, result.coverage
    (9, 0.0, 1.0)
    """
    years, values = check_series(years, values, "backtest", minimum=_MIN_TRAIN)
    if origins is None:
        origins = years[_MIN_TRAIN - 1:-1]
    origins = [float(origin) for origin in origins]
    valid = set(years[3:-1])
    if not origins or any(origin not in valid for origin in origins):
        raise InvalidParameterError(
            "The 'origins' parameter of backtest must hold years of the data, from the fourth "
            f"to the one before last ({int(years[3])}-{int(years[-2])}). Got "
            f"{[int(origin) for origin in origins]!r} instead."
        )
    actual = dict(zip(years, values, strict=True))
    rows = []
    for origin in origins:
        past = years <= origin
        predicted = forecast(years[past], values[past], horizon, method, level)
        predicted = predicted[predicted["year"].isin(actual)]
        for step, row in enumerate(predicted.itertuples(index=False), start=1):
            truth = actual[row.year]
            rows.append({
                "origin": int(origin), "year": int(row.year), "step": step, "actual": truth,
                "forecast": row.forecast, "low": row.low, "high": row.high,
                "error": round(abs(row.forecast - truth) / truth, 4),
                "covered": bool(row.low <= truth <= row.high
                                or np.isclose(truth, [row.low, row.high], rtol=1e-5).any()),
            })
    table = pd.DataFrame(rows)
    return Backtest(table=table, mape=round(float(table["error"].mean()), 4),
                    coverage=round(float(table["covered"].mean()), 4))
