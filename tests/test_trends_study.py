"""Tests of vidlab.trends.study: true changes per indicator, found/missed, event matching."""

import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.trends.data import check_indicator
from vidlab.trends.study import (
    compare_change_points,
    match_events,
    select_study,
    true_changes,
)


@pytest.fixture
def events():
    return pd.DataFrame({
        "event_id": ["E1", "E2", "E3", "E4"],
        "country": ["FR", "FR", "DE", "SE"],
        "kind": ["report_bundling", "real_decrease", "pandemic_spike", "proactive_search"],
        "is_artefact": [True, False, True, True],
        "source": ["industry", "all", "all", "hotline"],
        "start": ["2013-04", "2019-01", "2020-03", "2016-12"],
        "end": ["", "", "2021-12", ""],
    })


def test_true_changes_follow_the_sources(events):
    def ids(indicator):
        return true_changes(events, indicator)["event_id"].tolist()

    assert ids("reports_total") == ["E3", "E3", "E1", "E2", "E4"]  # by country, month
    assert ids("reports_industry") == ["E3", "E3", "E1", "E2"]
    assert ids("reports_hotline") == ["E3", "E3", "E2", "E4"]
    assert ids("victims_identified") == ["E2"]
    pandemic = true_changes(events, "reports_police")
    assert pandemic[["edge", "month", "year"]].values.tolist() == [
        ["start", "2020-03", 2020], ["end", "2022-01", 2022], ["start", "2019-01", 2019]]


def test_compare_change_points_marks_found_missed_and_false_alarms(events):
    found = pd.DataFrame({"country": ["FR", "FR", "DE", "NL"], "year": [2014, 2019, 2020, 2015]})
    table = compare_change_points(found, true_changes(events, "reports_total"))
    assert table[["country", "year", "status"]].values.tolist() == [
        ["DE", 2020, "found"], ["DE", 2022, "missed"], ["FR", 2013, "found"],
        ["FR", 2019, "found"], ["NL", 2015, "false alarm"], ["SE", 2016, "missed"]]
    strict = compare_change_points(found, true_changes(events, "reports_total"), tolerance=0)
    assert (strict["status"] == "false alarm").sum() == 2  # FR 2014 and NL 2015


def test_match_events_pairs_rows_with_events(events):
    changes = pd.DataFrame({"country": ["FR", "FR", "SE"], "year": [2013, 2024, 2017],
                            "month": ["2013-05", "", ""], "verdict": "reporting artefact"})
    matched = match_events(changes, events)
    assert matched["true_event"].tolist() == ["E1", "", "E4"]
    assert matched["true_kind"].tolist() == ["report_bundling", "", "proactive_search"]
    assert matched["true_artefact"].tolist() == [True, None, True]


def test_argument_errors(events):
    with pytest.raises(InvalidParameterError, match="Missing: start"):
        true_changes(events.drop(columns="start"), "reports_total")
    with pytest.raises(InvalidParameterError, match="'indicator' parameter of study"):
        check_indicator("share_e2ee", "study")


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from vidlab.seed import make_rng
    from vidlab.synth.trends import make_trend_statistics
    from vidlab.trends.data import load_trends

    folder = tmp_path_factory.mktemp("study") / "trends"
    make_trend_statistics(folder, {"n_countries": 10}, make_rng(2))
    return load_trends(folder)


def test_select_study_returns_the_rows(data):
    yearly, monthly = select_study(data, region="all", first_year=2015, last_year=2022)
    assert yearly["year"].agg(["min", "max"]).tolist() == [2015, 2022]
    assert monthly["month"].agg(["min", "max"]).tolist() == ["2015-01", "2022-12"]
    code = data.countries["country"].iloc[0]
    yearly, _ = select_study(data, region="Mars", countries=code.lower())
    assert yearly["country"].unique().tolist() == [code]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"region": "Mars"}, "'region' parameter of select must be one of Africa"),
    ({"indicator": "reports"}, "'indicator' parameter of select_study must be one of"),
    ({"method": "ols"}, "'method' parameter of select_study must be one of loglinear"),
    ({"forecast_method": "arima"}, "'forecast_method' parameter of select_study"),
    ({"horizon": 0}, "'horizon' parameter of select_study must be an int in \\[1, 20\\]"),
    ({"first_year": 2020, "last_year": 2024}, "at least 6 years: first_year 2020 and "
                                              "last_year 2024 give 5"),
    ({"last_year": 2026.0}, "'last_year' parameter of select_study must be an int"),
    ({"first_year": 2005}, "2010 <= first <= last <= 2026"),
])
def test_select_study_errors(data, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        select_study(data, **kwargs)
