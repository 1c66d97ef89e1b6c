"""Tests of vidlab.trends.estimate: exact recovery, interval coverage, argument errors."""

import numpy as np
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.trends.estimate import METHODS, fit_by_group, fit_trend

YEARS = np.arange(2010, 2027)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("growth", [0.15, -0.1, 0.0])
def test_noiseless_series_gives_the_exact_growth(method, growth):
    values = 5000 * (1 + growth) ** (YEARS - 2010)
    fit = fit_trend(YEARS, values, method=method)
    assert fit.growth == pytest.approx(growth, abs=1e-9)
    assert fit.growth_low == pytest.approx(growth, abs=1e-6)
    assert fit.growth_high == pytest.approx(growth, abs=1e-6)
    assert fit.fitted == pytest.approx(values, rel=1e-9)
    assert fit.predict([2030]) == pytest.approx(5000 * (1 + growth) ** 20, rel=1e-9)


@pytest.mark.parametrize("method", METHODS)
def test_95_percent_intervals_cover_the_true_growth(method):
    """Overdispersed counts (Poisson-lognormal, like the generator's): the interval covers
    the true growth in at least 85 of 100 series; Theil-Sen's interval is wider."""
    rng = np.random.default_rng(7)
    covered, widths = 0, []
    for _ in range(100):
        expected = 2000 * np.exp(0.12 * (YEARS - 2010) + rng.normal(0, 0.08, len(YEARS)))
        fit = fit_trend(YEARS, rng.poisson(expected), method=method)
        covered += fit.growth_low <= np.expm1(0.12) <= fit.growth_high
        widths.append(fit.growth_high - fit.growth_low)
    assert covered >= 85
    assert 0.01 < np.median(widths) < 0.1


def test_poisson_takes_zeros_and_widens_with_overdispersion():
    fit = fit_trend(YEARS[:6], [0, 1, 0, 2, 3, 5], method="poisson")
    assert fit.growth > 0
    rng = np.random.default_rng(0)
    expected = 500 * 1.1 ** (YEARS - 2010)
    calm = fit_trend(YEARS, rng.poisson(expected), method="poisson")
    wild = fit_trend(YEARS, rng.poisson(expected * rng.lognormal(0, 0.3, len(YEARS))),
                     method="poisson")
    assert calm.dispersion < 3 < wild.dispersion
    assert wild.growth_high - wild.growth_low > calm.growth_high - calm.growth_low


def test_theil_sen_resists_one_odd_year():
    values = 100 * 1.1 ** (YEARS - 2010)
    values[10] *= 3  # a one-year spike
    assert fit_trend(YEARS, values, method="theil_sen").growth == pytest.approx(0.1, abs=1e-9)
    assert fit_trend(YEARS, values, method="loglinear").growth > 0.105


def test_summary_is_one_rounded_row():
    summary = fit_trend(YEARS, 10 * 1.2 ** (YEARS - 2010)).summary()
    assert summary.to_dict("records") == [{
        "method": "loglinear", "first_year": 2010, "last_year": 2026, "n_years": 17,
        "growth": 0.2, "growth_low": 0.2, "growth_high": 0.2, "level": 0.95}]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "ols"}, "'method' parameter of fit_trend must be one of loglinear"),
    ({"level": 95}, "'level' parameter of fit_trend must be a number in \\(0, 1\\)"),
    ({"years": [2010, 2011], "values": [1, 2]}, "at least 3 points"),
    ({"values": [1, 2, 3, 4]}, "same length"),
    ({"values": [1, 0, 3]}, "has zeros.*method='poisson'"),
    ({"values": [1, -2, 3]}, "finite numbers >= 0"),
    ({"years": [2012, 2011, 2013]}, "increasing"),
])
def test_argument_errors(kwargs, message):
    arguments = {"years": [2010, 2011, 2012], "values": [1, 2, 3], **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        fit_trend(**arguments)


def test_fit_by_group_fits_each_country():
    import pandas as pd

    frame = pd.DataFrame({"region": ["Asia"] * 4 + ["Africa"] * 4, "year": [1, 2, 3, 4] * 2,
                          "victims": [8, 4, 2, 1, 0, 3, 5, 9]})
    table = fit_by_group(frame, "victims", by="region", method="theil_sen", level=0.9)
    assert table["region"].tolist() == ["Africa", "Asia"]
    assert table["method"].tolist() == ["poisson", "theil_sen"]
    assert table["growth"].iloc[1] == -0.5 and (table["level"] == 0.9).all()
    with pytest.raises(InvalidParameterError, match="Missing: country"):
        fit_by_group(frame, "victims")
