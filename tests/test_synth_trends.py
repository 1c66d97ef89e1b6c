"""Tests for vidlab.synth.trends: the files keep the data contract, the ground truth agrees
with them, the magnitudes follow the public figures, artefacts move reports only and real
changes move every indicator."""

import json

import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, get_generator, load_dataset
from vidlab.synth.trends import (
    ARTEFACT_KINDS,
    EVENT_KINDS,
    INDEPENDENT,
    INDICATORS,
    MONTHLY_COLUMNS,
    PLATFORMS,
    REGIONS,
    SOURCES,
    YEARLY_COLUMNS,
    make_trend_statistics,
)

SEEDS = (0, 1, 2)
FILES = ("countries.csv", "monthly.csv", "parameters.json", "yearly.csv")


def _generate(path, config=None, seed=0):
    truth = make_trend_statistics(path, config or {}, make_rng(seed))
    files = {name: pd.read_csv(path / f"{name}.csv", keep_default_na=False)
             for name in ("countries", "yearly", "monthly")}
    return files, truth


@pytest.fixture(scope="module", params=SEEDS)
def trends(request, tmp_path_factory):
    """``(files, truth)`` with the default configuration."""
    return _generate(tmp_path_factory.mktemp(f"trends{request.param}"), seed=request.param)


def _artefact_factor(events, country, indicator, year):
    """The expected factor of the artefacts on a yearly value: each event's effect over the
    share of the year's months it covers (at most one event per kind and country)."""
    factor = np.ones(12)
    months = np.array([f"{year}-{month:02d}" for month in range(1, 13)])
    for event in events[(events["country"] == country) & events["is_artefact"]].itertuples():
        if event.source in ("all", indicator.removeprefix("reports_")):
            covered = (months >= event.start) & ((event.end == "") | (months <= event.end))
            factor[covered] *= event.effect
    return factor.mean()


# --- the data contract -----------------------------------------------------------------------


def test_generator_is_registered():
    assert get_generator("trend_statistics") is make_trend_statistics


def test_files_and_columns(trends, tmp_path):
    files, truth = trends
    yearly, monthly, countries = files["yearly"], files["monthly"], files["countries"]
    assert list(yearly.columns) == YEARLY_COLUMNS
    assert list(monthly.columns) == MONTHLY_COLUMNS
    assert list(countries.columns) == ["country", "name", "region", "population"]
    assert len(countries) == 30 and set(countries["region"]) == set(REGIONS)
    assert len(yearly) == 30 * 17 and len(monthly) == 30 * 17 * 12
    assert sorted(set(yearly["year"])) == list(range(2010, 2027))
    assert monthly["month"].str.fullmatch(r"20\d\d-(0[1-9]|1[0-2])").all()
    assert set(truth["events"]["kind"]) == set(EVENT_KINDS)
    assert list(truth["truth"].columns) == ["country", "year", "indicator", "true_value",
                                            "observed"]
    assert list(truth["parameters"].columns) == ["country", "indicator", "level", "growth",
                                                 "change_year", "growth_after"]
    assert len(truth["parameters"]) == 30 * len(INDICATORS)


def test_sums_and_shares(trends):
    files, _ = trends
    yearly, monthly = files["yearly"], files["monthly"]
    sources = [f"reports_{source}" for source in SOURCES]
    assert (yearly[sources].sum(axis=1) == yearly["reports_total"]).all()
    assert (monthly[sources].sum(axis=1) == monthly["reports_total"]).all()
    monthly = monthly.assign(year=monthly["month"].str[:4].astype(int))
    summed = monthly.groupby(["country", "year"])[["reports_total", *sources]].sum()
    assert summed.equals(yearly.set_index(["country", "year"])[["reports_total", *sources]])
    shares = yearly[["share_e2ee", "share_self_generated"]
                    + [f"platform_{name}" for name in PLATFORMS]]
    assert ((shares >= 0) & (shares <= 1)).all().all()
    assert (shares.round(4) == shares).all().all()
    platforms = yearly[[f"platform_{name}" for name in PLATFORMS]].sum(axis=1)
    assert np.allclose(platforms, 1.0, atol=1e-9)
    assert (yearly["internet_users"] <= yearly["population"]).all()


def test_truth_matches_files(trends):
    files, truth = trends
    table = truth["truth"].pivot(index=["country", "year"], columns="indicator",
                                 values="observed")
    yearly = files["yearly"].set_index(["country", "year"])
    assert (table[list(table.columns)] == yearly[list(table.columns)]).all().all()
    true = truth["truth"].pivot(index=["country", "year"], columns="indicator",
                                values="true_value")
    sources = true[[f"reports_{source}" for source in SOURCES]].sum(axis=1)
    assert np.allclose(true["reports_total"], sources, rtol=0, atol=0.03)
    parameters = truth["parameters"]
    first = true.xs(2010, level="year")
    for row in parameters.sample(20, random_state=0).itertuples():
        assert first.loc[row.country, row.indicator] == pytest.approx(row.level, rel=1e-3)


def test_same_seed_same_files(tmp_path):
    for name in ("a", "b"):
        make_trend_statistics(tmp_path / name, {"n_countries": 8}, make_rng(5))
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    make_trend_statistics(tmp_path / "c", {"n_countries": 8}, make_rng(6))
    assert (tmp_path / "a/yearly.csv").read_bytes() != (tmp_path / "c/yearly.csv").read_bytes()


def test_parameters_json(tmp_path):
    _, truth = _generate(tmp_path, seed=0)
    document = json.loads((tmp_path / "parameters.json").read_text())
    assert set(document) == {"calibration", "config", "countries", "events"}
    assert len(document["events"]) == len(truth["events"])
    us = document["countries"]["US"]["indicators"]["victims_identified"]
    row = truth["parameters"].query("country == 'US' and indicator == 'victims_identified'")
    assert us["growth"] == pytest.approx(row["growth"].item(), abs=1e-4)


def test_ground_truth_in_a_dataset(tmp_path):
    recipe = tmp_path / "trends.yml"
    recipe.write_text("parts:\n  trends:\n    generator: trend_statistics\n    n_countries: 6\n")
    dataset = load_dataset(generate_dataset(tmp_path / "data", preset=recipe, seed=2))
    events = dataset.ground_truth("trends_events")
    assert events["is_artefact"].dtype == bool
    assert set(events.loc[events["kind"] != "pandemic_spike", "end"]) == {""}
    parameters = dataset.ground_truth("trends_parameters")
    assert set(parameters["change_year"]) - {""} == set(events.loc[~events["is_artefact"],
                                                                   "start"].str[:4])
    assert (dataset.path("trends") / "parameters.json").is_file()


# --- the shape of the data -------------------------------------------------------------------


def test_public_magnitudes(trends):
    files, _ = trends
    totals = files["yearly"].groupby("year").sum(numeric_only=True)
    assert totals.loc[2020, "reports_total"] == pytest.approx(21.8e6, rel=0.05)
    assert totals.loc[2023, "reports_total"] == pytest.approx(36.2e6, rel=0.05)
    victims = totals["victims_identified"]
    assert victims.loc[2010:2017].sum() == pytest.approx(10_000, rel=0.05)
    assert victims.loc[2010:2022].sum() == pytest.approx(30_000, rel=0.05)
    growth = np.log(totals.loc[2019, "reports_total"] / totals.loc[2013, "reports_total"]) / 6
    assert 0.03 < growth < 0.3
    industry = totals["reports_industry"]
    assert (industry > totals["reports_hotline"]).all()
    assert (industry > totals["reports_police"]).all()
    assert (industry / totals["reports_total"]).median() > 0.6
    assert (totals["offenders_identified"] < totals["victims_identified"]).all()
    shares = files["yearly"].groupby("year")[["share_e2ee", "share_self_generated"]].mean()
    assert (shares.loc[2026] > shares.loc[2010] + 0.3).all()


def test_events_per_country(trends):
    _, truth = trends
    events = truth["events"]
    assert events["country"].value_counts().max() <= 2
    assert (events["is_artefact"] == events["kind"].isin(ARTEFACT_KINDS)).all()
    for _, group in events.groupby("country"):
        years = group["start"].str[:4].astype(int).sort_values()
        assert years.diff().dropna().ge(3).all()
        assert group["kind"].str.startswith("real_").sum() <= 1
    pandemic = events[events["kind"] == "pandemic_spike"]
    assert (pandemic["start"] == "2020-03").all() and (pandemic["end"] != "").all()


def test_artefacts_move_their_source_only(trends):
    """Observed / true value is the artefacts' factor (up to noise) in every source, and 1 in
    every independent indicator: artefacts move reports, not victims."""
    _, truth = trends
    table, events = truth["truth"], truth["events"]
    large = table[table["true_value"] > 2000]
    ratio = np.log(large["observed"] / large["true_value"])
    factor = np.log([
        _artefact_factor(events, row.country, row.indicator, row.year)
        if row.indicator.startswith("reports_") and row.indicator != "reports_total" else 1.0
        for row in large.itertuples()])
    sources = large["indicator"].isin([f"reports_{source}" for source in SOURCES]).to_numpy()
    assert np.abs(ratio - factor)[sources].max() < 0.25
    independent = large["indicator"].isin(INDEPENDENT).to_numpy()
    assert independent.any() and np.abs(ratio)[independent].max() < 0.25
    moved = np.abs(factor[sources]) > 0.3
    assert moved.any()
    # one artefact in detail: its source jumps from the year before to the year after
    event = events[events["is_artefact"] & (events["end"] == "")].iloc[0]
    year = int(event["start"][:4])
    rows = table.set_index(["country", "indicator", "year"])["observed"]
    jump = np.log(rows[event["country"], event["indicator"], year + 1]
                  / rows[event["country"], event["indicator"], year - 1])
    true = truth["truth"].set_index(["country", "indicator", "year"])["true_value"]
    trend = np.log(true[event["country"], event["indicator"], year + 1]
                   / true[event["country"], event["indicator"], year - 1])
    assert jump - trend == pytest.approx(np.log(event["effect"]), abs=0.3)


def test_real_changes_move_every_indicator(trends):
    _, truth = trends
    parameters = truth["parameters"]
    table = truth["truth"].set_index(["country", "indicator", "year"]).sort_index()
    real = truth["events"][~truth["events"]["is_artefact"]]
    assert len(real) >= 2
    for event in real.itertuples():
        rows = parameters[parameters["country"] == event.country]
        change = np.log(event.effect)
        assert (rows["change_year"] == event.start[:4]).all()
        assert np.allclose(rows["growth_after"] - rows["growth"], change, atol=2e-4)
        year = int(event.start[:4])
        before, after = np.arange(max(2010, year - 4), year + 1), np.arange(year, year + 5)
        for indicator in ("reports_total", "victims_identified", "media_added"):
            true = np.log(table.loc[(event.country, indicator), "true_value"])
            slopes = [np.polyfit(span, true.loc[span], 1)[0] for span in (before, after)]
            assert slopes[1] - slopes[0] == pytest.approx(change, abs=0.05)
            observed = np.log(table.loc[(event.country, indicator), "observed"].clip(1))
            if true.loc[year] > np.log(500) and indicator != "reports_total":
                slopes = [np.polyfit(span, observed.loc[span], 1)[0] for span in (before, after)]
                assert np.sign(slopes[1] - slopes[0]) == np.sign(change), (event, indicator)
    changed = parameters["change_year"] != ""
    assert changed.sum() == len(real) * len(INDICATORS)
    assert (parameters.loc[~changed, "growth"] == parameters.loc[~changed, "growth_after"]).all()


# --- configuration ---------------------------------------------------------------------------


def test_fewer_countries_keep_every_region(tmp_path):
    files, truth = _generate(tmp_path, {"n_countries": 5, "first_year": 2012,
                                        "last_year": 2024, "noise": 0.0}, seed=3)
    assert sorted(files["countries"]["region"]) == sorted(REGIONS)
    assert len(files["yearly"]) == 5 * 13
    assert set(truth["events"]["kind"]) == set(EVENT_KINDS)
    totals = files["yearly"].groupby("year")["reports_total"].sum()
    assert totals.loc[2020] == pytest.approx(21.8e6, rel=0.02)


@pytest.mark.parametrize(("config", "message"), [
    ({"colour": 1}, "Unknown trend_statistics option 'colour'"),
    ({"n_countries": 4}, "'n_countries' parameter of trend_statistics must be an int in [5, 30]"),
    ({"first_year": 2019}, "'first_year' parameter of trend_statistics must be an int"),
    ({"last_year": True}, "'last_year' parameter of trend_statistics must be an int"),
    ({"noise": -0.1}, "'noise' parameter of trend_statistics must be a number in [0, 0.5]"),
    ({"n_events": {"flood": 1}}, "'n_events' parameter of trend_statistics must be None or"),
    ({"n_countries": 5, "n_events": {"real_increase": 4, "real_decrease": 2}},
     "at most 2 events per country"),
    ({"n_countries": 5, "n_events": {"pandemic_spike": 5, "proactive_search": 5,
                                     "report_bundling": 0}}, None),
])
def test_config_errors(tmp_path, config, message):
    if message is None:  # fits: 10 events in 5 countries
        truth = make_trend_statistics(tmp_path, config, make_rng(0))
        assert len(truth["events"]) == 10
        return
    with pytest.raises(InvalidParameterError, match=message.replace("[", r"\[")):
        make_trend_statistics(tmp_path, config, make_rng(0))
