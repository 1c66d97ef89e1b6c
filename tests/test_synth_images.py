"""Tests for vidlab.synth.images: the image_world generator and its ground truth."""

import hashlib
import io
import itertools
import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import av
import exifread
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.perceptual import perceptual_hash
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, get_generator, load_dataset, make_image_world
from vidlab.synth import images as images_module
from vidlab.synth.devices import DEVICE_COLUMNS, city_timezone
from vidlab.synth.exif import THUMBNAIL_SIZE
from vidlab.synth.images import EDIT_TRACES, EDITORS
from vidlab.synth.transforms import TRANSFORMS
from vidlab.synth.world import COUNTRIES, ean13_check_digit

CONFIG = {"n_locations": 2, "n_series": 3, "shots_per_series": [3, 4], "image_size": [160, 200],
          "n_variants": 6, "n_distractors": 5, "n_videos": 2, "video_size": [96, 64],
          "video_seconds": 0.6, "video_fps": 5}


# sha256 of the decoded pixels of the tiny preset's series shots and variants (seed 0): the
# stored outputs of the hashing and metadata lessons depend on them.
TINY_SEED0_PIXELS = "987c4764a55db1d3a2e5b18ddc70b1e934d5f52d12fdfb5aa9e30bcbb407a4fc"


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
        cropped = "thumbnail" in row.edit_traces.split(";")  # an edit cropped the shot
        if row.kind in ("original", "distractor") and row.content != "document" and not cropped:
            assert 160 <= max(row.width, row.height) <= 200, row.path
    series = tables["series"].set_index("series_id")
    originals = tables["images"][tables["images"]["kind"] == "original"]
    for series_id, shots in originals.groupby("series_id"):
        assert len(shots) == series.loc[series_id, "n_shots"]
        uncropped = ~shots["edit_traces"].str.contains("thumbnail")
        assert set(shots.loc[uncropped, "width"]) == {series.loc[series_id, "width"]}
        assert (shots.loc[~uncropped, "width"] < series.loc[series_id, "width"]).all()
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
    ({"video_size": [96, 56]}, "must be multiples of 16"),
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
    assert (images["kind"] == "original").sum() == 29  # 5 series of 4-6 shots
    assert (images["kind"] == "variant").sum() == 10
    assert len(dataset.ground_truth("world_videos")) == 2
    assert images["path"].tolist() == sorted(images["path"])
    assert all((dataset.path("world") / path).is_file() for path in images["path"])
    assert set(dataset.ground_truth("world_devices")["device_id"]) == set(
        dataset.ground_truth("world_series")["device_id"])
    # The pixels are pinned: the lessons' stored outputs depend on them.
    digest = hashlib.sha256()
    world = dataset.path("world")
    for path in sorted(world.glob("series/*/*.jpg")) + sorted(world.glob("variants/*")):
        with Image.open(path) as image:
            digest.update(np.asarray(image).tobytes())
    assert digest.hexdigest() == TINY_SEED0_PIXELS


# --- metadata: devices, EXIF, times, places, edits ---------------------------------------------

META_CONFIG = {"n_locations": 5, "n_series": 12, "shots_per_series": [3, 5],
               "image_size": [96, 128], "n_variants": 6, "n_distractors": 6, "n_videos": 4,
               "video_size": [64, 48], "video_seconds": 0.4, "video_fps": 5}


@pytest.fixture(scope="module")
def meta_world(tmp_path_factory):
    """A world with many small series, where edits and odd file times are frequent."""
    folder = tmp_path_factory.mktemp("meta") / "world"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images_module, "EDIT_SHARE", 0.45)
        patch.setattr(images_module, "MTIME_ANOMALY_SHARE", 0.1)
        tables = make_image_world(folder, META_CONFIG, make_rng(11))
    return folder, tables


def _exif(path):
    with open(path, "rb") as handle:
        return exifread.process_file(handle, details=False)


def _text(tags, key):
    return str(tags[key].values).strip() if key in tags else None


def _number(tags, key):
    return int(tags[key].values[0]) if key in tags else None


def _utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _expected_local(device, captured, epoch):
    """Independently: true UTC -> home zone -> plus clock offset and drift since the epoch."""
    days = (captured - epoch).total_seconds() / 86400
    error = device.clock_offset_s + round(device.clock_drift_s_per_day * days)
    local = captured.astimezone(ZoneInfo(device.timezone)).replace(tzinfo=None)
    return local + timedelta(seconds=error)


def _metres(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _originals(tables):
    return tables["images"][tables["images"]["kind"] == "original"]


def test_the_world_has_the_kinds_of_devices_and_edits_the_tests_need(meta_world):
    _, tables = meta_world
    devices, shots = tables["devices"], _originals(tables)
    assert list(devices.columns) == DEVICE_COLUMNS
    assert {"phone", "camera"} == set(devices["kind"])
    assert devices["gps"].any() and not devices["gps"].all()
    assert devices["writes_offset"].any() and not devices["writes_offset"].all()
    assert (devices["serial"] == "").any() and (devices["serial"] != "").any()
    assert devices.duplicated(["make", "model"]).any()  # same model, another unit
    assert devices["serial"][devices["serial"] != ""].is_unique
    assert (devices["clock_offset_s"] != 0).any()
    assert tables["series"]["device_id"].value_counts().max() >= 2  # a device shoots again
    traces = {t for value in shots["edit_traces"] for t in value.split(";") if t}
    assert traces == set(EDIT_TRACES)
    assert (shots["edited"] == (shots["edit_traces"] != "")).all()


def test_series_and_devices_tables(meta_world):
    _, tables = meta_world
    series, devices = tables["series"], tables["devices"].set_index("device_id")
    shots = _originals(tables)
    assert set(series["device_id"]) == set(devices.index)
    assert devices.index.tolist() == [f"C{i + 1:04d}" for i in range(len(devices))]
    locations = tables["locations"].set_index("location_id")
    for row in series.itertuples():
        start = _utc(row.start_utc)
        assert datetime(2015, 1, 1, tzinfo=UTC) <= start < datetime(2026, 1, 1, tzinfo=UTC)
        mine = shots[shots["series_id"] == row.series_id].sort_values("shot")
        assert mine["captured_utc"].iloc[0] == row.start_utc
        steps = np.diff([_utc(t).timestamp() for t in mine["captured_utc"]])
        assert ((steps >= 2) & (steps <= 600)).all()  # seconds to minutes apart
        assert set(mine["device_id"]) == {row.device_id}
        city = locations.loc[row.location_id, "city"]
        assert devices.loc[row.device_id, "timezone"] == city_timezone(city)
    for device_id, mine in series.groupby("device_id"):  # one device, one series at a time
        spans = sorted((_utc(s).timestamp(), _utc(e).timestamp()) for s, e in (
            (shots.loc[shots["series_id"] == sid, "captured_utc"].min(),
             shots.loc[shots["series_id"] == sid, "captured_utc"].max())
            for sid in mine["series_id"]))
        assert all(a[1] < b[0] for a, b in itertools.pairwise(spans)), device_id


def test_every_shot_carries_its_device_exif(meta_world):
    folder, tables = meta_world
    devices = {row.device_id: row for row in tables["devices"].itertuples()}
    for row in _originals(tables).itertuples():
        tags = _exif(folder / row.path)
        device = devices[row.device_id]
        assert _text(tags, "Image Make") == device.make
        assert _text(tags, "Image Model") == device.model
        assert _text(tags, "Image Software") == (row.editor or device.software)
        assert _text(tags, "EXIF LensModel") == device.lens
        assert _text(tags, "EXIF BodySerialNumber") == (device.serial or None)
        assert _number(tags, "Image Orientation") == 1
        assert tags["EXIF ExifVersion"].printable == "0232"
        assert _text(tags, "EXIF DateTimeOriginal") == row.exif_datetime_original
        assert _text(tags, "EXIF DateTimeDigitized") == row.exif_datetime_original
        offset = _text(tags, "EXIF OffsetTimeOriginal")
        assert (offset is not None) == device.writes_offset
        assert (_text(tags, "EXIF OffsetTime") is not None) == device.writes_offset
        assert ("GPS GPSLatitude" in tags) == device.gps
        assert "JPEGThumbnail" in tags
        with Image.open(folder / row.path) as image:  # Pillow reads the same
            exif = image.getexif()
            assert exif[0x010F] == device.make and exif[0x0110] == device.model
            assert exif.get_ifd(0x8769)[0x9003] == row.exif_datetime_original


def test_written_times_follow_the_device_clock(meta_world):
    _, tables = meta_world
    devices = {row.device_id: row for row in tables["devices"].itertuples()}
    epochs = tables["series"].groupby("device_id")["start_utc"].min()
    wrong = 0
    for row in _originals(tables).itertuples():
        device = devices[row.device_id]
        captured = _utc(row.captured_utc)
        local = _expected_local(device, captured, _utc(epochs[row.device_id]))
        assert row.exif_datetime_original == local.strftime("%Y:%m:%d %H:%M:%S")
        wrong += local != captured.astimezone(ZoneInfo(device.timezone)).replace(tzinfo=None)
    assert wrong > 0  # some clocks are wrong


def test_offsets_and_gps_time_are_true(meta_world):
    folder, tables = meta_world
    devices = {row.device_id: row for row in tables["devices"].itertuples()}
    locations = tables["locations"].set_index("location_id")
    n_gps = 0
    for row in _originals(tables).itertuples():
        device = devices[row.device_id]
        tags = _exif(folder / row.path)
        captured = _utc(row.captured_utc)
        if device.writes_offset:
            offset = captured.astimezone(ZoneInfo(device.timezone)).strftime("%z")
            assert _text(tags, "EXIF OffsetTimeOriginal") == f"{offset[:3]}:{offset[3:]}"
        if not device.gps:
            assert math.isnan(row.gps_latitude) and math.isnan(row.gps_longitude)
            continue
        n_gps += 1
        latitude = _degrees(tags, "GPS GPSLatitude", "GPS GPSLatitudeRef")
        longitude = _degrees(tags, "GPS GPSLongitude", "GPS GPSLongitudeRef")
        assert latitude == pytest.approx(row.gps_latitude, abs=1e-9)
        assert longitude == pytest.approx(row.gps_longitude, abs=1e-9)
        place = locations.loc[row.location_id]
        assert _metres(latitude, longitude, place["latitude"], place["longitude"]) <= 30
        assert float(tags["GPS GPSAltitude"].values[0]) >= 0
        hms = [int(float(v)) for v in tags["GPS GPSTimeStamp"].values]
        stamp = f"{_text(tags, 'GPS GPSDate')} {hms[0]:02d}:{hms[1]:02d}:{hms[2]:02d}"
        assert stamp == captured.strftime("%Y:%m:%d %H:%M:%S")  # satellites: true UTC
    assert n_gps > 0


def _degrees(tags, key, ref_key):
    d, m, s = (float(v) for v in tags[key].values)
    value = d + m / 60 + s / 3600
    return -value if _text(tags, ref_key) in ("S", "W") else value


def test_image_numbers_run_on_per_device(meta_world):
    folder, tables = meta_world
    shots = _originals(tables).copy()
    shots["number"] = [_number(_exif(folder / p), "EXIF ImageNumber") for p in shots["path"]]
    for _, mine in shots.groupby("device_id"):
        ordered = mine.sort_values("captured_utc")["number"]
        assert ordered.is_monotonic_increasing and ordered.is_unique


def test_thumbnails_show_the_uncropped_picture(meta_world):
    folder, tables = meta_world
    series = tables["series"].set_index("series_id")
    n_cropped = 0
    for row in _originals(tables).itertuples():
        data = _exif(folder / row.path)["JPEGThumbnail"]
        thumbnail = Image.open(io.BytesIO(data))
        thumbnail.load()
        width, height = series.loc[row.series_id, ["width", "height"]]
        assert max(thumbnail.size) == THUMBNAIL_SIZE
        assert thumbnail.width / thumbnail.height == pytest.approx(width / height, abs=0.02)
        with Image.open(folder / row.path) as picture:
            distance = perceptual_hash(picture) - perceptual_hash(thumbnail)
            if "thumbnail" in row.edit_traces:
                n_cropped += 1
                assert picture.size != (width, height)
                assert abs(picture.width / picture.height - width / height) > 0.005 or (
                    distance > 4)
            else:
                assert picture.size == (width, height)
                assert distance <= 6, row.path
    assert n_cropped > 0


def test_edit_traces_are_in_the_files(meta_world):
    folder, tables = meta_world
    devices = tables["devices"].set_index("device_id")
    editors = {name for name, _ in EDITORS}
    shots = _originals(tables)
    assert 0 < shots["edited"].sum() < len(shots)
    for row in shots.itertuples():
        tags = _exif(folder / row.path)
        traces = row.edit_traces.split(";") if row.edit_traces else []
        assert traces == [t for t in EDIT_TRACES if t in traces]  # canonical order
        modified = _text(tags, "Image DateTime")
        if "datetime" in traces:
            assert modified > row.exif_datetime_original
        else:
            assert modified == row.exif_datetime_original
        claimed = (_number(tags, "EXIF ExifImageWidth"), _number(tags, "EXIF ExifImageLength"))
        assert (claimed != (row.width, row.height)) == ("dimensions" in traces)
        software = _text(tags, "Image Software")
        if "software" in traces:
            assert software == row.editor and software in editors
        else:
            assert row.editor == "" and software == devices.loc[row.device_id, "software"]


def test_edits_never_touch_shots_that_were_shared_or_filmed(meta_world):
    _, tables = meta_world
    shots = _originals(tables).set_index("path")
    sources = set(tables["variants"]["original_path"]) | set(tables["videos"]["source_path"])
    for path in sources - {""}:
        assert "thumbnail" not in shots.loc[path, "edit_traces"]


def test_file_times_are_as_recorded(meta_world):
    folder, tables = meta_world
    shots = _originals(tables)
    early = 0
    for row in shots.itertuples():
        recorded = _utc(row.file_modified_utc)
        assert (folder / row.path).stat().st_mtime_ns == int(recorded.timestamp()) * 10**9
        captured = _utc(row.captured_utc)
        early += recorded < captured
        if recorded >= captured:
            assert recorded - captured >= timedelta(hours=2)  # copied hours to weeks later
    assert 0 < early < len(shots) / 2  # a few anomalies


def test_variants_keep_no_exif_but_originals_do(meta_world):
    folder, tables = meta_world
    for path in tables["variants"]["path"]:
        with Image.open(folder / path) as image:
            assert len(image.getexif()) == 0, path
            assert "exif" not in image.info
        assert _exif(folder / path) == {}
    original = tables["variants"]["original_path"].iloc[0]
    assert len(Image.open(folder / original).getexif()) > 0


def test_distractors_carry_only_strangers_exif(meta_world):
    folder, tables = meta_world
    distractors = tables["images"][tables["images"]["kind"] == "distractor"]
    serials = set(tables["devices"]["serial"]) - {""}
    assert (distractors["device_id"] == "").all() and not distractors["edited"].any()
    assert "room" in set(distractors["content"])
    for row in distractors.itertuples():
        tags = _exif(folder / row.path)
        if row.content != "room":
            assert tags == {}
            continue
        assert _text(tags, "EXIF DateTimeOriginal") == row.exif_datetime_original != ""
        assert _text(tags, "EXIF BodySerialNumber") not in serials
        assert "GPS GPSLatitude" not in tags


def test_videos_carry_their_device_creation_time(meta_world):
    folder, tables = meta_world
    devices = {row.device_id: row for row in tables["devices"].itertuples()}
    series = tables["series"].set_index("series_id")
    epochs = tables["series"].groupby("device_id")["start_utc"].min()
    for row in tables["videos"].itertuples():
        assert row.device_id == series.loc[row.series_id, "device_id"]
        device = devices[row.device_id]
        assert row.container_time == device.video_time
        with av.open(str(folder / row.path)) as container:
            assert container.metadata["creation_time"] == row.container_created
        captured = _utc(row.captured_utc)
        local = _expected_local(device, captured, _utc(epochs[row.device_id]))
        if device.video_time == "utc":
            clock = captured + (local - captured.astimezone(
                ZoneInfo(device.timezone)).replace(tzinfo=None))
        else:
            clock = local
        assert row.container_created == clock.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def test_metadata_is_the_same_with_two_workers(meta_world, tmp_path):
    folder, tables = meta_world
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(images_module, "EDIT_SHARE", 0.45)
        patch.setattr(images_module, "MTIME_ANOMALY_SHARE", 0.1)
        again = make_image_world(tmp_path / "w", META_CONFIG, make_rng(11), jobs=2)
    assert _files(tmp_path / "w") == _files(folder)
    for name, table in tables.items():
        pd.testing.assert_frame_equal(again[name], table)
    for path in _originals(tables)["path"]:
        assert (tmp_path / "w" / path).stat().st_mtime_ns == (folder / path).stat().st_mtime_ns
