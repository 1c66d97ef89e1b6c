"""Tests of vidlab.trends.changepoints: exact recovery, noise, precision and recall."""

import numpy as np
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.trends.changepoints import (
    CHANGE_POINT_COLUMNS,
    CHANGE_POINT_METHODS,
    detect_change_points,
    evaluate_change_points,
    noise_scale,
    piecewise_fit,
)

YEARS = np.arange(2010, 2027)


def _series(growth=0.1, change_year=None, growth_after=None, step=1.0, noise=0.0, rng=None):
    t = YEARS - 2010
    logs = np.log(1e4) + growth * t
    if change_year is not None:
        after = YEARS >= change_year
        logs += np.log(step) * after
        if growth_after is not None:
            logs += (growth_after - growth) * np.maximum(YEARS - (change_year - 1), 0)
    if noise:
        logs += rng.normal(0, noise, len(YEARS))
    return np.exp(logs)


@pytest.mark.parametrize("method", CHANGE_POINT_METHODS)
def test_one_change_of_growth_is_found_at_its_year(method):
    values = _series(0.1, 2018, growth_after=0.3)
    found = detect_change_points(YEARS, values, method=method)
    assert list(found.columns) == list(CHANGE_POINT_COLUMNS)
    assert found["year"].tolist() == [2018]
    row = found.iloc[0]
    assert row["growth_before"] == pytest.approx(np.expm1(0.1), abs=1e-3)
    assert row["growth_after"] == pytest.approx(np.expm1(0.3), abs=1e-3)
    assert row["size"] == pytest.approx(0.0, abs=1e-3)  # a kink, no step


def test_a_step_and_a_change_of_growth():
    values = _series(0.1, 2015, step=2.0)
    values[YEARS >= 2021] *= np.exp(-0.2 * (YEARS[YEARS >= 2021] - 2020))
    found = detect_change_points(YEARS, values)
    assert found["year"].tolist() == [2015, 2021]
    # binary segmentation is greedy: its first split falls between the two changes
    assert detect_change_points(YEARS, values, method="binseg")["year"].tolist() == [
        2015, 2019, 2021]
    assert found["size"].tolist()[0] == pytest.approx(1.0, abs=1e-3)


def test_a_straight_series_has_no_change_point():
    assert detect_change_points(YEARS, _series(0.2)).empty
    assert detect_change_points(YEARS, np.round(_series(0.2))).empty  # rounding is no change


def test_false_alarms_and_detection_on_noisy_series():
    """5 % noise: at most 10 % of pure trends get a change point; a halving and a change of
    growth by 0.2 are found within a year in at least 90 % of the series."""
    rng = np.random.default_rng(3)
    false_alarms = steps = kinks = 0
    for _ in range(100):
        false_alarms += not detect_change_points(YEARS, _series(noise=0.05, rng=rng)).empty
        for values, hit in ((_series(0.1, 2018, step=0.5, noise=0.05, rng=rng), "step"),
                            (_series(0.1, 2017, growth_after=0.3, noise=0.05, rng=rng), "kink")):
            found = detect_change_points(YEARS, values)["year"]
            score = evaluate_change_points(found, [2018 if hit == "step" else 2017])
            steps += hit == "step" and score.recall == 1
            kinks += hit == "kink" and score.recall == 1
    assert false_alarms <= 10
    assert steps >= 90 and kinks >= 90


def test_binseg_and_pelt_agree_on_clear_changes():
    rng = np.random.default_rng(5)
    values = _series(0.1, 2014, step=3.0, noise=0.03, rng=rng)
    values[YEARS >= 2021] /= 2
    pelt = detect_change_points(YEARS, values, method="pelt")
    binseg = detect_change_points(YEARS, values, method="binseg")
    assert pelt["year"].tolist() == binseg["year"].tolist() == [2014, 2021]


def test_penalty_and_min_size():
    values = _series(0.1, 2018, step=1.5, noise=0.05, rng=np.random.default_rng(1))
    assert detect_change_points(YEARS, values, penalty=1e6).empty
    assert len(detect_change_points(YEARS, values, penalty=0)) >= 3
    found = detect_change_points(YEARS, values, penalty=0, min_size=8)
    assert len(found) <= 1  # two segments of 8 years at most in 17


def test_zeros_are_allowed():
    values = np.array([0, 1, 1, 0, 1, 1, 0, 30, 32, 31, 33, 30])
    assert detect_change_points(np.arange(12), values)["year"].tolist() == [7]


def test_piecewise_fit_follows_the_segments():
    values = _series(0.1, 2018, step=2.0)
    assert piecewise_fit(YEARS, values, [2018]) == pytest.approx(values, rel=1e-9)
    with pytest.raises(InvalidParameterError, match="must hold years of 'years'"):
        piecewise_fit(YEARS, values, [2018.5])


def test_noise_scale_is_robust_to_a_step():
    rng = np.random.default_rng(2)
    logs = rng.normal(0, 0.05, 200) + 0.01 * np.arange(200)
    logs[100:] += 1.0
    assert noise_scale(logs) == pytest.approx(0.05, rel=0.15)


def test_evaluate_change_points():
    assert evaluate_change_points([2015, 2020], [2015, 2020]) == (1.0, 1.0, 2, 2, 2)
    score = evaluate_change_points([2014, 2015, 2022], [2015, 2019], tolerance=1)
    assert (score.precision, score.recall, score.n_matched) == (0.333, 0.5, 1)
    assert evaluate_change_points([], []) == (1.0, 1.0, 0, 0, 0)
    assert evaluate_change_points([], [2015]).recall == 0.0
    assert evaluate_change_points([2016], [2015], tolerance=0).precision == 0.0
    with pytest.raises(InvalidParameterError, match="'tolerance' parameter"):
        evaluate_change_points([], [], tolerance=-1)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"method": "cusum"}, "'method' parameter of detect_change_points must be one of pelt"),
    ({"min_size": 1}, "'min_size' parameter of detect_change_points must be an int >= 2"),
    ({"penalty": -1}, "'penalty' parameter of detect_change_points must be a number >= 0"),
    ({"values": [1, 2, np.nan]}, "finite numbers"),
])
def test_argument_errors(kwargs, message):
    arguments = {"years": [1, 2, 3], "values": [1, 2, 3], **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        detect_change_points(**arguments)
