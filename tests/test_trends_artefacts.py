"""Tests of vidlab.trends.artefacts on hand-built countries: a reporting artefact against a
real change, the kinds of artefacts, monthly steps and argument errors."""

import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.trends.artefacts import (
    CLASSIFY_COLUMNS,
    classify_changes,
    detect_steps,
    independent_break_test,
)
from vidlab.trends.data import INDEPENDENT, SOURCES

YEARS = np.arange(2010, 2027)
MONTHS = [f"{year}-{month:02d}" for year in YEARS for month in range(1, 13)]
LEVELS = {"reports_hotline": 2000, "reports_industry": 20000, "reports_police": 1500,
          "media_added": 8000, "series_new": 50, "victims_identified": 100,
          "offenders_identified": 60}


def _country(seed=0, noise=0.03, factors=None, real=None, e2ee_jump=None):
    """Monthly and yearly tables of one country "XX": every series grows 12 % a year with
    lognormal noise; ``factors`` maps a column to a function of the decimal month giving its
    artefact factor; ``real`` = (year, change of the log growth) moves every series."""
    rng = np.random.default_rng(seed)
    t = np.arange(len(MONTHS)) / 12
    time = 2010 + t
    monthly = pd.DataFrame({"country": "XX", "region": "Europe", "month": MONTHS})
    for column, level in LEVELS.items():
        logs = np.log(level / 12) + 0.12 * t
        if real is not None:
            logs += real[1] * np.maximum(time - real[0], 0)
        values = np.exp(logs + rng.normal(0, noise, len(t)))
        if factors and column in factors:
            values *= factors[column](time)
        monthly[column] = np.round(values)
    monthly["reports_total"] = monthly[[f"reports_{s}" for s in SOURCES]].sum(axis=1)
    yearly = (monthly.assign(year=monthly["month"].str.slice(0, 4).astype(int))
              .groupby(["country", "region", "year"], as_index=False).sum(numeric_only=True))
    e2ee = 0.02 * (YEARS - 2010)
    if e2ee_jump is not None:
        e2ee = e2ee + 0.2 * (YEARS >= e2ee_jump)
    yearly["share_e2ee"] = np.round(e2ee, 4)
    sources = monthly[["country", "region", "month", "reports_total",
                       *(f"reports_{s}" for s in SOURCES)]]
    return yearly, sources


def _step(start, factor, end=None):
    return lambda time: np.where((time >= start) & (time < (end or np.inf)), factor, 1.0)


def test_a_hotline_step_is_a_reporting_artefact():
    yearly, monthly = _country(factors={"reports_hotline": _step(2017.5, 3.0)})
    for table in (classify_changes(yearly, "XX", monthly), classify_changes(yearly, "XX")):
        assert list(table.columns) == list(CLASSIFY_COLUMNS)
        row = table.iloc[0]
        assert len(table) == 1
        assert row["sources"] == "hotline" and row["direction"] == "up"
        assert row["verdict"] == "reporting artefact" and row["kind"] == "proactive_search"
        assert not row["moved_independent"]
    assert classify_changes(yearly, "XX", monthly)["month"].item() == "2017-07"


def test_a_real_change_moves_the_independent_indicators_too():
    yearly, monthly = _country(real=(2018, 0.25))
    table = classify_changes(yearly, "XX", monthly)
    assert len(table) == 1
    row = table.iloc[0]
    assert row["year"] in (2017, 2018, 2019)
    assert row["verdict"] == "real change" and row["kind"] == "real_increase"
    assert row["moved_independent"] and row["p_value"] < 0.01
    assert "changed too" in row["evidence"]
    yearly, monthly = _country(seed=1, real=(2016, -0.3))
    assert classify_changes(yearly, "XX", monthly)["kind"].tolist() == ["real_decrease"]


@pytest.mark.parametrize(("jump", "kind"), [(2016, "encryption_rollout"),
                                             (None, "report_bundling")])
def test_an_industry_drop_is_encryption_if_share_e2ee_jumped(jump, kind):
    yearly, monthly = _country(factors={"reports_industry": _step(2016.25, 0.4)},
                               e2ee_jump=jump)
    table = classify_changes(yearly, "XX", monthly)
    assert table[["month", "sources", "direction", "verdict", "kind"]].values.tolist() == [
        ["2016-04", "industry", "down", "reporting artefact", kind]]


def test_the_pandemic_is_one_row_from_its_rise_to_its_fall():
    spike = _step(2020 + 2 / 12, 1.5, 2021 + 5 / 12)
    yearly, monthly = _country(factors={f"reports_{s}": spike for s in SOURCES})
    table = classify_changes(yearly, "XX", monthly)
    assert table[["month", "sources", "kind"]].values.tolist() == [
        ["2020-03", "hotline,industry,police", "pandemic_spike"]]
    assert "back down from 2021-06" in table["evidence"].item()


def test_independent_indicators_going_the_other_way_are_unclear():
    yearly, monthly = _country(real=(2018, -0.3))
    for column in ("reports_hotline", "reports_industry", "reports_police"):
        up = np.exp(0.6 * np.maximum(YEARS - 2018, 0))  # reports rise while victims fall
        yearly[column] = np.round(yearly[column] * up)
    table = classify_changes(yearly, "XX")
    assert "unclear" in table["verdict"].tolist()
    assert "the other way" in table.loc[table["verdict"] == "unclear", "evidence"].iloc[0]


def test_too_few_identified_cannot_tell():
    yearly, monthly = _country(factors={"reports_hotline": _step(2015, 3.0)})
    yearly[list(INDEPENDENT)] = 2
    table = classify_changes(yearly, "XX", monthly)
    assert table["verdict"].tolist() == ["unclear"]
    assert "too few" in table["evidence"].item()


def test_a_quiet_country_has_no_change():
    yearly, monthly = _country(seed=3)
    assert classify_changes(yearly, "XX", monthly).empty


def test_independent_break_test_ignores_a_change_elsewhere():
    years = np.arange(2010, 2027)
    kinked = pd.DataFrame({"victims": np.exp(3 + 0.1 * (years - 2010)
                                             + 0.3 * np.maximum(years - 2020, 0))})
    p_value, _ = independent_break_test(years, kinked, 2014, other_years=[2020])
    assert p_value > 0.5
    p_value, change = independent_break_test(years, kinked, 2020, other_years=[2014])
    assert p_value < 1e-6 and change == pytest.approx(0.6)


def test_detect_steps_finds_monthly_level_shifts():
    values = 1000 * 1.01 ** np.arange(48)
    values[20:] *= 0.4
    months = MONTHS[:48]
    steps = detect_steps(months, values)
    assert steps["month"].tolist() == ["2011-09"]
    assert steps["size"].item() == pytest.approx(-0.6, abs=1e-3)
    assert detect_steps(months, values, min_step=2.0).empty
    with pytest.raises(InvalidParameterError, match="'min_step' parameter of detect_steps"):
        detect_steps(months, values, min_step=-1)


@pytest.mark.parametrize(("change", "kwargs", "message"), [
    (lambda y: y.drop(columns=list(INDEPENDENT)), {}, "at least one independent indicator"),
    (lambda y: y.drop(columns="reports_police"), {}, "Missing: reports_police"),
    (lambda y: y, {"country": "YY"}, "unknown countries: YY"),
    (lambda y: y, {"tolerance": -1}, "'tolerance' parameter of classify_changes"),
    (lambda y: y, {"alpha": 1.5}, "'alpha' parameter of classify_changes"),
    (lambda y: y[y["year"] < 2013], {}, "must be an int >= 5"),
    (lambda y: y, {"monthly": pd.DataFrame({"month": []})}, "'monthly' parameter"),
])
def test_argument_errors(change, kwargs, message):
    yearly, _ = _country()
    arguments = {"yearly": change(yearly), "country": "XX", **kwargs}
    with pytest.raises(InvalidParameterError, match=message):
        classify_changes(**arguments)
