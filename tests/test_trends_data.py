"""Tests of vidlab.trends.data and vidlab.trends.normalise: reading, selecting, rates,
aggregates and indices."""

import json

import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth.trends import make_trend_statistics
from vidlab.trends.data import (
    COUNT_COLUMNS,
    SHARE_COLUMNS,
    decimal_years,
    load_trends,
    parse_countries,
    select,
)
from vidlab.trends.normalise import (
    aggregate,
    index_to,
    per_capita,
    per_internet_user,
    source_shares,
)


@pytest.fixture(scope="module")
def part(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trends") / "trends"
    make_trend_statistics(folder, {"n_countries": 8}, make_rng(0))
    return folder


@pytest.fixture
def yearly():
    return pd.DataFrame({
        "country": ["FR", "FR", "DE", "DE", "NA", "NA"],
        "region": ["Europe", "Europe", "Europe", "Europe", "Africa", "Africa"],
        "year": [2019, 2020] * 3,
        "population": [60, 60, 80, 80, 2, 2],
        "internet_users": [50, 50, 70, 70, 1, 1],
        "reports_total": [30, 60, 20, 40, 4, 8],
        "reports_hotline": [10, 20, 5, 10, 1, 2],
        "reports_industry": [15, 30, 10, 20, 2, 4],
        "reports_police": [5, 10, 5, 10, 1, 2],
        "share_e2ee": [0.1, 0.2, 0.3, 0.4, 0.0, 0.5],
    })


def test_load_trends_reads_the_generator_files(part):
    data = load_trends(part)
    assert len(data.countries) == 8
    assert len(data.yearly) == 8 * 17 and len(data.monthly) == 8 * 17 * 12
    assert set(COUNT_COLUMNS + SHARE_COLUMNS) <= set(data.yearly.columns)
    assert data.parameters["config"]["n_countries"] == 8
    assert data.events is data.true_parameters is data.true_values is None  # no truth here
    months = data.monthly.assign(year=data.monthly["month"].str.slice(0, 4).astype(int))
    summed = months.groupby(["country", "year"])["reports_total"].sum().reset_index()
    merged = summed.merge(data.yearly, on=["country", "year"], suffixes=("_m", ""))
    assert (merged["reports_total_m"] == merged["reports_total"]).all()


def test_load_trends_from_a_dataset_has_the_ground_truth(tmp_path, part):
    from vidlab.synth.dataset import generate_dataset

    recipe = tmp_path / "recipe.yml"
    recipe.write_text("name: t\ndescription: trends only\nparts:\n  trends:\n"
                      "    generator: trend_statistics\n    n_countries: 6\n")
    data = load_trends(generate_dataset(tmp_path / "data", preset=recipe, seed=1))
    assert set(data.events["country"]) <= set(data.yearly["country"])
    assert set(data.true_parameters["indicator"]) >= {"reports_hotline", "victims_identified"}
    assert (data.true_values["year"].agg(["min", "max"]) == [2010, 2026]).all()


def test_load_trends_names_a_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="countries.csv is missing"):
        load_trends(tmp_path)


def test_country_codes_stay_text(tmp_path, part):
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("countries", "yearly", "monthly"):
        frame = pd.read_csv(part / f"{name}.csv", keep_default_na=False)
        frame.loc[frame["country"] == frame["country"].iloc[0], "country"] = "NA"  # Namibia
        frame.to_csv(folder / f"{name}.csv", index=False)
    (folder / "parameters.json").write_text(json.dumps({"config": {}}))
    assert "NA" in set(load_trends(folder).yearly["country"])


def test_select_by_region_countries_and_years(yearly):
    assert select(yearly, region="Africa")["country"].unique().tolist() == ["NA"]
    assert len(select(yearly, region="all")) == len(select(yearly, region="")) == 6
    chosen = select(yearly, region="Africa", countries="fr, de", years=(2020, 2020))
    assert chosen[["country", "year"]].values.tolist() == [["FR", 2020], ["DE", 2020]]
    assert select(yearly, years=2019)["year"].unique().tolist() == [2019]


def test_select_works_on_months():
    monthly = pd.DataFrame({"country": "FR", "region": "Europe",
                            "month": ["2019-12", "2020-01", "2021-01"]})
    assert select(monthly, years=(2020, 2021))["month"].tolist() == ["2020-01", "2021-01"]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"region": "Europa"}, "'region' parameter of select must be one of Africa, Americas"),
    ({"region": "Asia"}, "no country of the data is in it. Regions present: Africa, Europe"),
    ({"countries": "FR,XX"}, "unknown countries: XX. Known: DE, FR, NA"),
    ({"years": (2018, 2020)}, "2019 <= first <= last <= 2020. Got \\(2018, 2020\\)"),
    ({"years": (2020, 2019)}, "'years' parameter of select"),
    ({"years": (2019, 2020, 2021)}, "'years' parameter of select"),
])
def test_select_errors(yearly, kwargs, message):
    with pytest.raises(InvalidParameterError, match=message):
        select(yearly, **kwargs)


def test_parse_countries_and_decimal_years():
    assert parse_countries(["se", " fr "]) == ["FR", "SE"]
    assert parse_countries(None) == parse_countries("") == []
    assert decimal_years(["2021-04"]).tolist() == [2021.25]
    assert decimal_years([2020, 2021]).tolist() == [2020.0, 2021.0]


def test_per_capita_and_per_internet_user(yearly):
    rates = per_capita(yearly, ["reports_total"], per=1)
    assert rates["reports_total"].tolist() == [0.5, 1.0, 0.25, 0.5, 2.0, 4.0]
    assert rates["reports_hotline"].tolist() == yearly["reports_hotline"].tolist()
    every = per_internet_user(yearly, per=10)
    assert every["reports_police"].iloc[0] == 1.0  # 5 / 50 * 10
    with pytest.raises(InvalidParameterError, match="'per' parameter of per_capita"):
        per_capita(yearly, per=0)
    with pytest.raises(InvalidParameterError, match="Missing: population"):
        per_capita(yearly.drop(columns="population"))


def test_source_shares_sum_to_one(yearly):
    shares = source_shares(yearly)[["share_hotline", "share_industry", "share_police"]]
    assert np.allclose(shares.sum(axis=1), 1.0)
    empty = source_shares(yearly.assign(reports_total=0, reports_hotline=0))
    assert (empty["share_hotline"] == 0).all()


def test_aggregate_sums_counts_and_weights_shares(yearly):
    regions = aggregate(yearly, by="region")
    europe = regions[(regions["region"] == "Europe") & (regions["year"] == 2019)].iloc[0]
    assert europe["n_countries"] == 2 and europe["reports_total"] == 50
    assert europe["population"] == 140
    assert europe["share_e2ee"] == round((0.1 * 60 + 0.3 * 80) / 140, 4)
    world = aggregate(yearly, by="global")
    assert "region" not in world.columns and "country" not in world.columns
    assert world["reports_total"].tolist() == [54, 108]
    assert len(aggregate(yearly, by="country")) == 6
    with pytest.raises(InvalidParameterError, match="'by' parameter of aggregate"):
        aggregate(yearly, by="continent")


def test_aggregate_monthly_tables():
    monthly = pd.DataFrame({"country": ["FR", "DE"], "region": "Europe",
                            "month": "2020-01", "reports_total": [3, 4]})
    assert aggregate(monthly, by="global").to_dict("records") == [
        {"month": "2020-01", "n_countries": 2, "reports_total": 7}]


def test_index_to_a_base_year(yearly):
    indexed = index_to(yearly, 2019, ["reports_total"])
    assert indexed["reports_total"].tolist() == [100.0, 200.0] * 3
    regions = index_to(aggregate(yearly, by="region"), 2020, "reports_total")
    assert regions.loc[regions["year"] == 2020, "reports_total"].tolist() == [100.0, 100.0]
    world = index_to(aggregate(yearly, by="global"), 2019, "reports_total")
    assert world["reports_total"].tolist() == [100.0, 200.0]
    with pytest.raises(InvalidParameterError, match="'base_year' parameter of index_to"):
        index_to(yearly, 2010)
