"""Tests for vidlab.synth.images: the image_world generator and its ground truth."""

import json
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, get_generator, load_dataset, make_image_world
from vidlab.synth.transforms import TRANSFORMS
from vidlab.synth.world import COUNTRIES, ean13_check_digit

CONFIG = {"n_locations": 2, "n_series": 3, "shots_per_series": [3, 4], "image_size": [160, 200],
          "n_variants": 6, "n_distractors": 5, "n_videos": 2, "video_size": [96, 64],
          "video_seconds": 0.6, "video_fps": 5}


def _run(folder, seed=0, **changes):
    return make_image_world(folder, {**CONFIG, **changes}, make_rng(seed))


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("world") / "world"
    return folder, _run(folder)


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_same_bytes_and_tables(generated, tmp_path):
    folder, tables = generated
    again = _run(tmp_path / "again")
    assert _files(tmp_path / "again") == _files(folder)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(again[name], table)


def test_two_workers_write_the_same_bytes_and_tables(generated, tmp_path):
    folder, tables = generated
    parallel = make_image_world(tmp_path / "parallel", CONFIG, make_rng(0), jobs=2)
    assert _files(tmp_path / "parallel") == _files(folder)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(parallel[name], table)


def test_other_seed_other_pictures(generated, tmp_path):
    folder, _ = generated
    _run(tmp_path / "other", seed=1)
    other = _files(tmp_path / "other")
    mine = _files(folder)
    assert not set(mine.values()) & set(other.values())


# --- ground truth ----------------------------------------------------------------------------


def test_every_listed_file_exists_and_every_file_is_listed(generated):
    folder, tables = generated
    listed = set(tables["images"]["path"]) | set(tables["videos"]["path"])
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert listed == on_disk
    assert tables["images"]["path"].is_unique


def test_images_have_the_recorded_and_requested_sizes(generated):
    folder, tables = generated
    for row in tables["images"].itertuples():
        with Image.open(folder / row.path) as image:
            assert image.size == (row.width, row.height), row.path
        if row.kind in ("original", "distractor") and row.content != "document":
            assert 160 <= max(row.width, row.height) <= 200, row.path
    series = tables["series"].set_index("series_id")
    originals = tables["images"][tables["images"]["kind"] == "original"]
    for series_id, shots in originals.groupby("series_id"):
        assert len(shots) == series.loc[series_id, "n_shots"]
        assert set(shots["width"]) == {series.loc[series_id, "width"]}
        assert shots["shot"].tolist() == sorted(range(len(shots)))
        assert set(shots["location_id"]) == {series.loc[series_id, "location_id"]}
        assert all(json.loads(view)["focus"] == focus
                   for view, focus in zip(shots["view"], shots["focus"], strict=True))
    assert 3 <= series["n_shots"].min() and series["n_shots"].max() <= 4


def test_variants_point_to_existing_originals_of_their_series(generated):
    folder, tables = generated
    variants = tables["variants"]
    assert len(variants) == CONFIG["n_variants"]
    images = tables["images"].set_index("path")
    for row in variants.itertuples():
        original = images.loc[row.original_path]
        assert original["kind"] == "original"
        assert original["series_id"] == row.series_id
        assert original["location_id"] == row.location_id
        assert set(row.transform.split("+")) <= set(TRANSFORMS)
        params = json.loads(row.params)
        assert params["transforms"] == row.transform.split("+")
        assert Path(row.path).suffix in (".jpg", ".png", ".webp")
        assert images.loc[row.path, "kind"] == "variant"


def test_every_location_has_a_series_and_shares_are_allowed(generated):
    _, tables = generated
    locations = tables["locations"]
    series = tables["series"]
    used = set(locations[locations["role"] == "series"]["location_id"])
    assert used == set(series["location_id"]) and len(used) == CONFIG["n_locations"]
    assert series["location_id"].value_counts().max() >= 2  # 3 series on 2 locations
    distractor_rooms = tables["images"][tables["images"]["content"] == "room"]
    distractor_rooms = distractor_rooms[distractor_rooms["kind"] == "distractor"]
    assert set(distractor_rooms["location_id"]) == set(
        locations[locations["role"] == "distractor"]["location_id"])
    assert not set(distractor_rooms["location_id"]) & used


def test_locations_follow_their_country_profile(generated):
    _, tables = generated
    for row in tables["locations"].itertuples():
        profile = COUNTRIES[row.country]
        assert row.plug_type == profile["plug_type"] and row.climate == profile["climate"]
        assert row.language == profile["language"] and row.script == profile["script"]
        assert row.barcode.startswith(row.gs1_prefix)
        assert ean13_check_digit(row.barcode[:12]) == row.barcode[12]
        assert any(lo <= int(row.gs1_prefix) <= hi for lo, hi in profile["gs1"])
        assert row.city in {city[0] for city in profile["cities"]}


def test_videos_record_their_source(generated):
    folder, tables = generated
    videos = tables["videos"]
    assert len(videos) == CONFIG["n_videos"]
    images = set(tables["images"]["path"])
    series = tables["series"].set_index("series_id")
    for row in videos.itertuples():
        assert (folder / row.path).stat().st_size > 0
        assert row.source_path == "" or row.source_path in images
        assert series.loc[row.series_id, "location_id"] == row.location_id
        assert row.n_frames == 3 and row.fps == 5
        assert (row.width, row.height) in ((96, 64), (48, 32))  # halved when re-encoded


# --- configuration ---------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "message"), [
    ({"n_photos": 3}, "Unknown image_world option 'n_photos'"),
    ({"shots_per_series": [5, 2]}, "'shots_per_series' parameter"),
    ({"n_locations": 4, "n_series": 2}, "'n_series' \\(2\\) must be >= 'n_locations' \\(4\\)"),
    ({"video_size": [95, 64]}, "must be even"),
    ({"countries": ["DE", "XX"]}, "'countries' parameter"),
    ({"n_variants": -1}, "'n_variants' parameter of image_world must be an int"),
])
def test_bad_configuration_is_one_clear_error(tmp_path, change, message):
    with pytest.raises(InvalidParameterError, match=message):
        _run(tmp_path / "bad", **change)


def test_countries_and_room_types_can_be_restricted(tmp_path):
    tables = _run(tmp_path / "r", n_variants=0, n_distractors=0, n_videos=0,
                  countries=["EG"], room_types=["kitchen"])
    assert set(tables["locations"]["country"]) == {"EG"}
    assert set(tables["locations"]["room_type"]) == {"kitchen"}


# --- registration and the tiny preset ---------------------------------------------------------


def test_generator_is_registered_and_runs_in_the_tiny_preset(tmp_path):
    assert get_generator("image_world") is make_image_world
    dataset = load_dataset(generate_dataset(tmp_path / "tiny", preset="tiny", seed=0))
    assert "world" in dataset.parts
    images = dataset.ground_truth("world_images")
    assert (images["kind"] == "original").sum() == 18  # 3 series x 6 shots
    assert (images["kind"] == "variant").sum() == 10
    assert len(dataset.ground_truth("world_videos")) == 2
    assert images["path"].tolist() == sorted(images["path"])
    assert all((dataset.path("world") / path).is_file() for path in images["path"])
