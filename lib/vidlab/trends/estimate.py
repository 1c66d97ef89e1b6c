"""Annual growth of a yearly series, with a confidence interval.

Three estimators of the growth rate ``g`` in ``value ~ level * (1 + g) ** (year - first)``:

- ``"loglinear"``: least squares on the logarithm of the values; Student-t interval.
- ``"poisson"``: a quasi-Poisson regression on the counts themselves (log link; the
  interval is widened by the overdispersion that counts of reports always show); accepts
  zeros.
- ``"theil_sen"``: the median of the slopes between all pairs of years on the log values,
  with Sen's interval: robust to a few odd years (a spike, a bundling step).

>>> fit = fit_trend(range(2010, 2020), [100 * 1.15 ** k for k in range(10)], method="poisson")
>>> fit.summary()[["method", "growth", "growth_low", "growth_high"]]
    method  growth  growth_low  growth_high
0  poisson    0.15        0.15         0.15
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from vidlab.checks import check_number, require_columns
from vidlab.exceptions import InvalidParameterError

__all__ = ["METHODS", "TrendFit", "check_level", "check_series", "fit_by_group", "fit_trend",
           "log_values"]

METHODS = ("loglinear", "poisson", "theil_sen")
_MAX_ITERATIONS = 100


def check_level(level, function, name="level"):
    """Return ``level`` as a float in (0, 1) or raise a one-line error."""
    return check_number(level, name, function, 0, 1, low_open=True, high_open=True)


def check_series(years, values, function, minimum=3):
    """Return ``years`` and ``values`` as float arrays after checking them: one-dimensional,
    the same length, at least ``minimum`` points, finite, values >= 0, years increasing."""
    try:
        years = np.asarray(years, dtype=float)
        values = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidParameterError(
            f"The 'years' and 'values' parameters of {function} must be sequences of numbers "
            f"({error})."
        ) from None
    if years.ndim != 1 or values.shape != years.shape:
        raise InvalidParameterError(
            f"The 'years' and 'values' parameters of {function} must be one-dimensional and of "
            f"the same length. Got shapes {years.shape} and {values.shape} instead."
        )
    if len(years) < minimum:
        raise InvalidParameterError(
            f"{function} needs at least {minimum} points. Got {len(years)} instead."
        )
    if not (np.isfinite(years).all() and np.isfinite(values).all()) or (values < 0).any():
        raise InvalidParameterError(
            f"The 'values' parameter of {function} must hold finite numbers >= 0 (and 'years' "
            "finite numbers)."
        )
    if (np.diff(years) <= 0).any():
        raise InvalidParameterError(
            f"The 'years' parameter of {function} must be increasing, without repeats."
        )
    return years, values


def log_values(values, function, method="loglinear"):
    """The natural logarithm of positive ``values``; zeros raise an error that suggests the
    Poisson method."""
    if (values <= 0).any():
        raise InvalidParameterError(
            f"The 'values' parameter of {function} has zeros, which method={method!r} cannot "
            "take the logarithm of: use method='poisson' or a larger aggregate (a region)."
        )
    return np.log(values)


@dataclass
class TrendFit:
    """A fitted exponential trend: ``value = exp(intercept + slope * (year - center))``.

    Attributes
    ----------
    method : str
        The estimator (one of :data:`METHODS`).
    level : float
        Confidence level of the interval.
    years, values, fitted : numpy.ndarray
        The data and the fitted values.
    growth, growth_low, growth_high : float
        Annual growth rate ``exp(slope) - 1`` (0.12 = +12 % a year) and its interval.
    slope, intercept, center : float
        Log-scale line; ``center`` is the mean year.
    dispersion : float
        Residual variance of the log values (loglinear, theil_sen) or the Pearson
        overdispersion of the counts (poisson; 1 for Poisson noise).
    """

    method: str
    level: float
    years: np.ndarray
    values: np.ndarray
    fitted: np.ndarray
    growth: float
    growth_low: float
    growth_high: float
    slope: float
    intercept: float
    center: float
    dispersion: float

    def predict(self, years):
        """The trend's values in ``years``."""
        years = np.asarray(years, dtype=float)
        return np.exp(self.intercept + self.slope * (years - self.center))

    def summary(self):
        """One-row DataFrame: method, first_year, last_year, n_years, growth, growth_low,
        growth_high, level (rates rounded to 4 digits)."""
        return pd.DataFrame([{
            "method": self.method,
            "first_year": int(self.years[0]),
            "last_year": int(self.years[-1]),
            "n_years": len(self.years),
            "growth": round(self.growth, 4),
            "growth_low": round(self.growth_low, 4),
            "growth_high": round(self.growth_high, 4),
            "level": self.level,
        }])


def _loglinear(x, y, level):
    """Least squares line through (x, y): slope, intercept, slope interval, residual var."""
    n = len(x)
    sxx = float(x @ x)
    slope = float(x @ (y - y.mean()) / sxx)
    intercept = float(y.mean())
    residual = y - intercept - slope * x
    variance = float(residual @ residual / (n - 2))
    half = stats.t.ppf(0.5 + level / 2, n - 2) * np.sqrt(variance / sxx)
    return slope, intercept, (slope - half, slope + half), variance


def _poisson(x, counts, level):
    """Quasi-Poisson regression of counts on x (log link) by iteratively reweighted least
    squares: slope, intercept, slope interval, Pearson dispersion."""
    n = len(x)
    design = np.column_stack([np.ones(n), x])
    beta = np.array([np.log(counts.mean()), 0.0])
    for _ in range(_MAX_ITERATIONS):
        mu = np.exp(design @ beta)
        information = design.T @ (design * mu[:, None])
        step = np.linalg.solve(information, design.T @ (counts - mu))
        beta = beta + step
        if np.abs(step).max() < 1e-12:
            break
    mu = np.exp(design @ beta)
    information = design.T @ (design * mu[:, None])
    dispersion = float(((counts - mu) ** 2 / mu).sum() / (n - 2))
    se = np.sqrt(dispersion * np.linalg.inv(information)[1, 1])
    half = stats.t.ppf(0.5 + level / 2, n - 2) * se
    return float(beta[1]), float(beta[0]), (beta[1] - half, beta[1] + half), dispersion


def _theil_sen(x, y, level):
    """Theil-Sen slope of y on x with Sen's interval."""
    slope, _, low, high = stats.theilslopes(y, x, alpha=level)
    intercept = float(np.median(y - slope * x))
    residual = y - intercept - slope * x
    return float(slope), intercept, (low, high), float(residual @ residual / (len(x) - 2))


def fit_trend(years, values, method="loglinear", level=0.95):
    """Estimate the annual growth of ``values`` over ``years``, with a confidence interval.

    Parameters
    ----------
    years : sequence of int
        Increasing years (at least 3).
    values : sequence of float
        Counts or rates, >= 0 (> 0 for "loglinear" and "theil_sen").
    method : {"loglinear", "poisson", "theil_sen"}
        The estimator (see the module's description).
    level : float
        Confidence level of the interval, in (0, 1).

    Returns
    -------
    TrendFit
        Growth, interval and fitted values; ``.summary()`` gives a one-row table.

    Examples
    --------
    >>> fit = fit_trend([2018, 2019, 2020, 2021], [200, 180, 162, 145.8])
    >>> round(fit.growth, 3), fit.fitted.round(1).tolist()
    (-0.1, [200.0, 180.0, 162.0, 145.8])
    """
    if method not in METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of fit_trend must be one of {', '.join(METHODS)}. "
            f"Got {method!r} instead."
        )
    level = check_level(level, "fit_trend")
    years, values = check_series(years, values, "fit_trend")
    center = float(years.mean())
    x = years - center
    if method == "poisson":
        if values.sum() <= 0:
            raise InvalidParameterError(
                "The 'values' parameter of fit_trend is all zeros: there is no trend to fit."
            )
        slope, intercept, (low, high), dispersion = _poisson(x, values, level)
    else:
        y = log_values(values, "fit_trend", method)
        estimator = _loglinear if method == "loglinear" else _theil_sen
        slope, intercept, (low, high), dispersion = estimator(x, y, level)
    return TrendFit(
        method=method,
        level=level,
        years=years,
        values=values,
        fitted=np.exp(intercept + slope * x),
        growth=float(np.expm1(slope)),
        growth_low=float(np.expm1(low)),
        growth_high=float(np.expm1(high)),
        slope=slope,
        intercept=intercept,
        center=center,
        dispersion=dispersion,
    )


def fit_by_group(frame, indicator, by="country", method="loglinear", level=0.95):
    """The growth of ``indicator`` per country (or region), as :func:`fit_trend` gives it.

    A group whose values have zeros (a small country's victims identified) is fit with the
    Poisson method, the one that takes zeros: the ``method`` column says which was used.

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly table with ``year``, ``by`` and ``indicator``.
    indicator, by, method, level
        The column, the group column, the estimator and the confidence level.

    Returns
    -------
    pandas.DataFrame
        The group column, then the columns of :meth:`TrendFit.summary`; by group.

    Examples
    --------
    >>> frame = pd.DataFrame({"country": ["FR"] * 3 + ["FJ"] * 3, "year": [2020, 2021, 2022] * 2,
    ...                       "victims": [10, 12, 14.4, 0, 1, 1]})
    >>> fit_by_group(frame, "victims")[["country", "method", "growth"]]
      country     method  growth
    0      FJ    poisson  1.3028
    1      FR  loglinear  0.2000
    """
    require_columns(frame, [by, "year", indicator], "fit_by_group", "frame")
    tables = []
    for group, rows in frame.sort_values("year").groupby(by, sort=True):
        use = "poisson" if (rows[indicator] <= 0).any() else method
        summary = fit_trend(rows["year"], rows[indicator], method=use, level=level).summary()
        tables.append(summary.assign(**{by: group})[[by, *summary.columns]])
    return pd.concat(tables, ignore_index=True)
