"""Tests of vidlab.metadata.places: DBSCAN places named from the gazetteer, scored and drawn."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from metadata_fixtures import make_metadata
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata.places import (
    PLACE_COLUMNS,
    cluster_places,
    evaluate_places,
    haversine_km,
    plot_places,
    summarize_places,
)

matplotlib.use("Agg")  # no display needed; set before any figure is made

CAIRO = (30.04, 31.24)
GIZA = (30.01, 31.21)
BERLIN = (52.52, 13.40)


def around(centre, n, spread_m, prefix, rng):
    """``n`` positions within ``spread_m`` metres of ``centre``."""
    lat, lon = centre
    dlat = rng.uniform(-1, 1, n) * spread_m / 111_195
    dlon = rng.uniform(-1, 1, n) * spread_m / (111_195 * np.cos(np.radians(lat)))
    return [{"path": f"{prefix}{k}.jpg", "gps_latitude": lat + a, "gps_longitude": lon + b}
            for k, (a, b) in enumerate(zip(dlat, dlon, strict=True))]


def case(rng=None):
    rng = np.random.default_rng(5) if rng is None else rng
    return make_metadata(around(CAIRO, 5, 150, "cairo", rng) + around(GIZA, 3, 150, "giza", rng)
                         + around(BERLIN, 2, 150, "berlin", rng))


def test_haversine_matches_known_distances():
    assert haversine_km(*CAIRO, *GIZA) == pytest.approx(4.41, abs=0.01)
    assert haversine_km(0, 0, 0, 180) == pytest.approx(np.pi * 6371.0088, rel=1e-6)


def test_cairo_and_giza_are_separate_places_at_1_km():
    places = cluster_places(case(), eps_m=1000)
    assert list(places.columns) == PLACE_COLUMNS
    summary = places.groupby("place").agg(n=("path", "size"), city=("city", "first"),
                                          country=("country", "first"))
    assert summary.values.tolist() == [[5, "Cairo", "EG"], [3, "Giza", "EG"],
                                       [2, "Berlin", "DE"]]
    assert places.loc[places["city"] == "Cairo", "city_km"].max() < 0.2
    # at 10 km, Cairo and Giza (4.4 km apart) are one place
    wide = cluster_places(case(), eps_m=10_000)
    assert wide.groupby("place").size().tolist() == [8, 2]


def test_positions_without_gps_or_at_null_island_are_left_out():
    meta = make_metadata([{"path": "a.jpg", "gps_latitude": CAIRO[0], "gps_longitude": CAIRO[1]},
                          {"path": "none.jpg"},
                          {"path": "zero.jpg", "gps_latitude": 0.0, "gps_longitude": 0.0},
                          {"path": "bad.jpg", "gps_latitude": 95.0, "gps_longitude": 10.0}])
    places = cluster_places(meta)
    assert places[["path", "place", "city", "city_km"]].values.tolist() == [
        ["a.jpg", "P01", "Cairo", 0.0]]
    assert places.attrs["n_without_gps"] == 3
    empty = cluster_places(make_metadata([{"path": "none.jpg"}]))
    assert list(empty.columns) == PLACE_COLUMNS and empty.empty


def test_isolated_positions_are_noise_with_min_samples_2():
    places = cluster_places(case(), eps_m=1000, min_samples=3)
    berlin = places[places["path"].str.startswith("berlin")]
    assert berlin["place"].tolist() == ["", ""]
    assert berlin["city"].tolist() == ["Berlin", "Berlin"]  # named from the point itself
    assert summarize_places(places)["place"].tolist() == ["P01", "P02"]
    with pytest.raises(InvalidParameterError, match="'min_samples'"):
        cluster_places(case(), min_samples=0)
    with pytest.raises(InvalidParameterError, match="'eps_m'"):
        cluster_places(case(), eps_m=0)


def test_summarize_places():
    meta = make_metadata([{"path": "a", "gps_latitude": 30.040, "gps_longitude": 31.240},
                          {"path": "b", "gps_latitude": 30.042, "gps_longitude": 31.240}])
    summary = summarize_places(cluster_places(meta))
    assert summary.to_dict("records") == [{
        "place": "P01", "n_files": 2, "latitude": 30.041, "longitude": 31.24, "radius_m": 111.0,
        "city": "Cairo", "country": "EG", "city_km": pytest.approx(0.11, abs=0.01)}]


def test_evaluate_places_against_locations_and_cities():
    places = cluster_places(case(), eps_m=10_000)  # Cairo + Giza merged, named Cairo
    places["path"] = "/case/world/series/" + places["path"]
    paths = [f"{p}{k}.jpg" for p, n in (("cairo", 5), ("giza", 3), ("berlin", 2))
             for k in range(n)]
    truth = pd.DataFrame({"path": ["series/" + p for p in paths] + ["series/other.jpg"],
                          "location_id": ["L1"] * 5 + ["L2"] * 3 + ["L3"] * 2 + ["L9"]})
    locations = pd.DataFrame({"location_id": ["L1", "L2", "L3", "L9"],
                              "city": ["Cairo", "Giza", "Berlin", "Paris"]})
    result = evaluate_places(places, truth, locations=locations, root="/case/world")
    # predicted pairs: C(8,2) + 1 = 29; true pairs: 10 + 3 + 1 = 14, all found
    assert result["n_files"] == 10 and result["n_places"] == 2 and result["n_locations"] == 3
    assert result["precision"] == pytest.approx(14 / 29) and result["recall"] == 1.0
    assert result["city_accuracy"] == pytest.approx(7 / 10)  # the Giza files are called Cairo
    tight = cluster_places(case(), eps_m=1000)
    with pytest.raises(InvalidParameterError, match="none of the 10 paths.*root="):
        evaluate_places(tight, truth, locations=locations)  # "cairo0.jpg" vs "series/..."
    tight["path"] = "/elsewhere/series/" + tight["path"]  # matched by suffix, without root
    tight = evaluate_places(tight, truth, locations=locations)
    assert (tight["precision"], tight["recall"], tight["city_accuracy"]) == (1.0, 1.0, 1.0)
    assert tight["adjusted_rand"] == 1.0
    with pytest.raises(InvalidParameterError, match="'city' column"):
        evaluate_places(places, truth)


def test_plot_places_draws_points_cities_and_legend():
    places = cluster_places(case(), eps_m=1000)
    ax = plot_places(places, region="EG")
    cities = {t.get_text() for t in ax.texts}
    assert {"Cairo", "Giza", "Alexandria", "Aswan", "Luxor"} <= cities
    assert "Berlin" not in cities  # outside the zoom
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["gazetteer city", "P01: Cairo (5)", "P02: Giza (3)"]
    assert len(ax.collections) == 3  # cities + one scatter per place in view
    assert ax.get_title() == "GPS positions by place"
    assert ax.get_xgridlines()[0].get_visible()  # the graticule
    plt.close(ax.figure)

    fig, ax = plt.subplots()
    assert plot_places(places, ax=ax, region=(31.0, 31.5, 29.9, 30.2)) is ax
    assert ax.get_xlim() == (31.0, 31.5) and ax.get_ylim() == (29.9, 30.2)
    assert {t.get_text() for t in ax.texts} == {"Cairo", "Giza"}
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["gazetteer city", "P01: Cairo (5)", "P02: Giza (3)"]  # Berlin is out
    plt.close(fig)

    ax = plot_places(cluster_places(case(), min_samples=3))
    assert "no place (isolated, 2)" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(ax.figure)
    with pytest.raises(InvalidParameterError, match="'region'.*'Atlantis'"):
        plot_places(places, region="Atlantis")


def test_a_world_view_labels_only_the_cities_of_places():
    places = cluster_places(case(), eps_m=1000)
    ax = plot_places(places, region=(-20.0, 60.0, 10.0, 65.0))
    assert {t.get_text() for t in ax.texts} == {"Cairo", "Giza", "Berlin"}
    assert len(ax.collections[0].get_offsets()) > 20  # every city inside is still a dot
    plt.close(ax.figure)
