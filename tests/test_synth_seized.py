"""Tests for vidlab.synth.seized: the seized-device generator and its ground truth."""

import hashlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.crypto import hash_file
from vidlab.hashing.hashsets import load_hashset
from vidlab.hashing.pdq import MATCH_DISTANCE, pdq_hash_file
from vidlab.hashing.perceptual import hash_image_file
from vidlab.metadata import read_metadata
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, get_generator, load_dataset
from vidlab.synth.seized import (
    CATEGORIES,
    DEFAULTS,
    FILE_COLUMNS,
    SERIES_COLUMNS,
    TINY_EXAMPLE,
    make_seized_device,
)

WHATSAPP = "WhatsApp/Media/WhatsApp Images/"
SMALL = {**TINY_EXAMPLE, "n_known_series": 2, "n_locations": 2, "n_videos": 1,
         "video_size": [96, 64], "video_seconds": 0.6, "n_system_files": 8,
         "n_recovered": 4, "n_thumbnails": 3}


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    """``(out_dir, tables)`` of the default device (seed 0), the world kept beside it."""
    out = tmp_path_factory.mktemp("seized") / "phone"
    tables = make_seized_device(out, {"keep_world": True}, make_rng(0))
    return out, tables


def _disk_files(root):
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def test_every_file_has_exactly_one_row_and_every_row_a_file(phone):
    out, tables = phone
    files = tables["files"]
    assert list(files.columns) == FILE_COLUMNS
    assert files["path"].is_unique
    assert files["path"].tolist() == _disk_files(out / "device")
    assert _disk_files(out / "reference") == ["database.json", "known_files.csv", "series.csv"]
    assert set(files["category"]) == set(CATEGORIES)
    assert sorted(p.name for p in out.iterdir()) == ["device", "reference", "world"]


def test_hashes_sizes_and_times_are_those_of_the_files(phone):
    out, tables = phone
    for row in tables["files"].itertuples():
        path = out / "device" / row.path
        digest = hash_file(path, ("md5", "sha256"))
        assert (digest["sha256"], digest["md5"]) == (row.sha256, row.md5), row.path
        assert path.stat().st_size == row.size
        assert path.stat().st_mtime_ns == int(_utc(row.file_modified_utc).timestamp()) * 10**9


def test_categories_and_counts_follow_the_config(phone):
    _, tables = phone
    files, series = tables["files"], tables["series"]
    values = DEFAULTS
    count = files["category"].value_counts().to_dict()
    known, new = series[series["status"] == "known"], series[series["status"] == "new"]
    assert (len(known), len(new)) == (values["n_known_series"], values["n_new_series"])
    assert count["new_series"] == new["n_shots"].sum()
    assert count["known_material"] == sum(max(1, round(values["known_on_device"] * n))
                                          for n in known["n_shots"])
    messenger = files[files["transform"] == "messenger"]
    assert len(messenger) == values["n_messenger"]
    assert messenger["path"].str.startswith(WHATSAPP).all()
    not_messenger = files[files["transform"] != "messenger"]
    expected = {"variant_of_known": values["n_known_variants"],
                "variant_of_new": values["n_new_variants"], "benign_photo": values["n_benign"],
                "document": values["n_documents"], "video": values["n_videos"],
                "thumbnail_cache": values["n_thumbnails"], "recovered": values["n_recovered"]}
    assert not_messenger["category"].value_counts().reindex(list(expected)).to_dict() == expected
    assert count["system"] + count["app"] == values["n_system_files"]
    assert count["system"] == round(0.6 * values["n_system_files"])
    recovered = files[files["category"] == "recovered"]
    assert (~recovered["readable"]).sum() == round(values["truncated_share"] *
                                                   values["n_recovered"])
    assert files.loc[files["category"] != "recovered", "readable"].all()
    # folders follow the categories
    assert files.loc[files["category"] == "new_series", "path"].str.startswith(
        "DCIM/Camera/IMG_").all()
    assert files.loc[files["category"] == "known_material", "path"].str.startswith(
        "Download/").all()
    assert files.loc[files["category"] == "thumbnail_cache", "path"].str.match(
        r"^\.thumbnails/\d+\.jpg$").all()
    assert files.loc[files["category"] == "system", "path"].str.startswith("system/").all()
    assert files.loc[files["category"] == "app", "path"].str.startswith("Android/data/").all()
    # every series file names its series, whose status matches the category
    status = dict(zip(series["series_id"], series["status"], strict=True))
    for category, wanted in (("known_material", "known"), ("variant_of_known", "known"),
                             ("new_series", "new"), ("variant_of_new", "new")):
        ids = files.loc[files["category"] == category, "series_id"]
        assert ids.map(status).eq(wanted).all(), category


def test_series_table_and_shared_rooms(phone):
    _, tables = phone
    series, locations = tables["series"], tables["locations"]
    assert list(series.columns) == SERIES_COLUMNS
    assert (series.loc[series["status"] == "new", "case_id"] == "").all()
    assert not series.loc[series["status"] == "new", "identified"].any()
    # defaults: 5 series in 4 rooms -> a known and a new series share a room; it is identified
    shared = series[series["shares_location"]]
    assert set(shared["status"]) == {"known", "new"}
    assert shared.loc[shared["status"] == "known", "identified"].all()
    for location_id, group in shared.groupby("location_id"):
        assert set(group["status"]) == {"known", "new"}, location_id
    truth = locations.set_index("location_id")
    assert (series["country"] == truth.loc[series["location_id"], "country"].values).all()
    assert set(locations["role"]) == {"series", "home"}
    benign_rooms = tables["files"].query("category == 'benign_photo'")["location_id"]
    assert set(benign_rooms) - {""} <= set(locations.loc[locations["role"] == "home",
                                                          "location_id"])


def test_known_files_list_the_real_hashes_of_system_and_app_files(phone):
    out, tables = phone
    files = tables["files"]
    known = pd.read_csv(out / "reference" / "known_files.csv", dtype=str, keep_default_na=False)
    assert list(known.columns) == ["sha256", "md5", "sha1", "file_name", "file_size", "product"]
    by_sha = known.set_index("sha256")
    listed = files[files["in_known_files"]]
    assert set(listed["category"]) == {"system", "app"}
    assert files.loc[files["category"] == "system", "in_known_files"].all()
    for row in listed.itertuples():
        digest = hash_file(out / "device" / row.path, ("md5", "sha1", "sha256"))
        entry = by_sha.loc[digest["sha256"]]
        entry = entry.iloc[0] if isinstance(entry, pd.DataFrame) else entry
        assert (entry["md5"], entry["sha1"]) == (digest["md5"], digest["sha1"])
        assert entry["file_name"] == Path(row.path).name
        assert int(entry["file_size"]) == row.size
    assert len(known) >= len(listed) + DEFAULTS["n_known_file_extras"] - 1


def test_database_holds_the_hashes_of_the_known_series_originals(phone):
    out, tables = phone
    files, series = tables["files"], tables["series"]
    hashset = load_hashset(out / "reference" / "database.json")
    frame = hashset.frame
    known_ids = set(series.loc[series["status"] == "known", "series_id"])
    assert set(frame["series"]) == known_ids
    assert set(hashset.algorithms) == {"md5", "sha1", "sha256", "phash", "pdq"}
    world = out / "world"
    originals = sorted(p for sid in known_ids for p in (world / "series" / sid).glob("*.jpg"))
    assert len(originals) == series.loc[series["status"] == "known", "n_shots"].sum()
    pictures = {}
    for path in originals:
        digest = hash_file(path, ("md5", "sha256"))
        pictures[digest["sha256"]] = (digest["md5"], hash_image_file(path, ("phash",))["phash"],
                                      pdq_hash_file(path)[0], path.parent.name)
    table = frame.pivot(index="id", columns="algorithm", values="hash")
    series_of = frame.groupby("id")["series"].first()
    with_pictures = table.dropna(subset=["pdq"])
    assert set(with_pictures["sha256"]) == set(pictures)
    for item, row in with_pictures.iterrows():
        md5, phash, pdq, sid = pictures[row["sha256"]]
        assert (row["md5"], row["phash"], row["pdq"], series_of[item]) == (
            md5, phash.hex, pdq.hex, sid)
    db_sha = set(table["sha256"])
    assert files["in_reference_db"].tolist() == files["sha256"].isin(db_sha).tolist()
    assert files.loc[files["category"] == "known_material", "in_reference_db"].all()
    assert not files.loc[files["category"].isin(["new_series", "variant_of_known",
                                                 "variant_of_new"]), "in_reference_db"].any()
    reference = pd.read_csv(out / "reference" / "series.csv", dtype=str, keep_default_na=False)
    assert set(reference["series_id"]) == known_ids
    truth = series.set_index("series_id")
    for row in reference.itertuples():
        identified = truth.loc[row.series_id, "identified"]
        assert row.status == ("identified" if identified else "unidentified")
        assert row.country == (truth.loc[row.series_id, "country"] if identified else "")
        assert row.case_id == truth.loc[row.series_id, "case_id"] != ""
        assert row.location == (truth.loc[row.series_id, "city"] if identified else "")


def test_the_reference_folder_imports_into_the_reference_database(phone, tmp_path):
    from vidlab.victimid import ReferenceDatabase

    out, tables = phone
    reference = out / "reference"
    series = pd.read_csv(reference / "series.csv", dtype=str, keep_default_na=False)
    with ReferenceDatabase(tmp_path / "reference.sqlite") as database:
        database.import_vics(reference / "database.json", series_table=series)
        stored = database.series_table()
        found = database.lookup_exact(
            tables["files"].loc[tables["files"]["in_reference_db"], "sha256"].tolist())
    assert stored["series_id"].tolist() == sorted(series["series_id"])
    assert stored["status"].tolist() == series.sort_values("series_id")["status"].tolist()
    assert len(found) >= tables["files"]["in_reference_db"].sum()


def test_variants_include_ones_perceptual_hashing_catches_and_misses(phone):
    out, tables = phone
    files = tables["files"]
    variants = files[(files["category"] == "variant_of_known")
                     & (files["transform"] != "messenger")]
    caught = variants["pdq_distance"] <= MATCH_DISTANCE
    assert caught.any() and (~caught).any()
    assert variants.loc[variants["transform"].str.contains("mirror|rotate90"),
                        "pdq_distance"].gt(MATCH_DISTANCE).all()
    for row in variants.head(6).itertuples():  # the recorded distances are the real ones
        original = out / "world" / row.original_world_path
        assert row.pdq_distance == (pdq_hash_file(out / "device" / row.path)[0]
                                    - pdq_hash_file(original)[0])
        assert row.phash_distance == (hash_image_file(out / "device" / row.path)["phash"]
                                      - hash_image_file(original)["phash"])


def test_messenger_copies_have_no_exif_and_whatsapp_names(phone):
    out, tables = phone
    files = tables["files"]
    root = out / "device"
    messenger = files[files["transform"] == "messenger"]
    meta = read_metadata([root / p for p in messenger["path"]], relative_to=root)
    assert (meta["make"] == "").all() and (meta["model"] == "").all()
    assert meta["datetime_original"].isna().all() and not meta["has_thumbnail"].any()
    assert (meta["error"] == "").all()
    for row in messenger.itertuples():
        match = re.fullmatch(r".*/IMG-(\d{8})-WA(\d{4})\.jpg", row.path)
        assert match and match.group(1) == row.file_modified_utc[:10].replace("-", "")
    sent = messenger["path"].str.startswith(WHATSAPP + "Sent/")
    assert (messenger.loc[~sent, "category"] == "variant_of_known").all()
    assert set(messenger.loc[sent, "category"]) <= {"variant_of_new", "benign_photo"}


def test_camera_names_follow_the_exif_time(phone):
    out, tables = phone
    files = tables["files"]
    root = out / "device"
    camera = files[files["path"].str.match(r"^DCIM/Camera/IMG_.*\.jpg$")]
    assert set(camera["category"]) == {"new_series", "benign_photo"}
    meta = read_metadata([root / p for p in camera["path"]], relative_to=root, pixels=False)
    for path, taken in zip(meta["path"], meta["datetime_original"], strict=True):
        stem = re.fullmatch(r"DCIM/Camera/IMG_(\d{8}_\d{6})(_\d+)?\.jpg", path).group(1)
        assert taken.strftime("%Y%m%d_%H%M%S") == stem, path


def test_recovered_files_truncated_ones_do_not_decode(phone):
    out, tables = phone
    files = tables["files"]
    recovered = files[files["category"] == "recovered"]
    assert recovered["path"].str.match(r"^recovered/deleted_\d{4}\.\w+$").all()
    others = set(files.loc[files["category"] != "recovered", "sha256"])
    for row in recovered.itertuples():
        if row.readable:
            with Image.open(out / "device" / row.path) as image:
                image.load()
            assert row.sha256 in others  # an exact copy of a file still on the device
        else:
            with pytest.raises(OSError), Image.open(out / "device" / row.path) as image:
                image.load()
            assert row.transform == "truncated"


def _digest(root):
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
        digest.update(str(path.stat().st_mtime_ns).encode())
    return digest.hexdigest()


def test_same_seed_same_bytes_and_times_through_a_dataset(tmp_path):
    recipe = tmp_path / "phone.yml"
    recipe.write_text(yaml.safe_dump({"name": "phone", "parts": {
        "phone": {"generator": "seized_device", **SMALL}}}))
    first = generate_dataset(tmp_path / "a", preset=recipe, seed=3)
    second = generate_dataset(tmp_path / "b", preset=recipe, seed=3)
    assert _digest(Path(first) / "phone") == _digest(Path(second) / "phone")
    assert (Path(first) / "MANIFEST.sha256").read_bytes() == (
        Path(second) / "MANIFEST.sha256").read_bytes()
    files = load_dataset(first).ground_truth("phone_files")
    assert len(files) == len(_disk_files(Path(first) / "phone" / "device"))
    assert files["in_reference_db"].dtype == bool
    other = tmp_path / "c"
    make_seized_device(other, SMALL, make_rng(4))
    assert _digest(other / "device") != _digest(Path(first) / "phone" / "device")
    assert not (other / "world").exists() and not (other / "_world_staging").exists()


def test_registered_under_its_name():
    assert get_generator("seized_device") is make_seized_device


@pytest.mark.parametrize("config, message", [
    ({"n_benign": -1}, "'n_benign' parameter of seized_device must be an int"),
    ({"n_new_series": 0}, "'n_new_series'"),
    ({"truncated_share": 1.5}, "'truncated_share' parameter of seized_device must be a number"),
    ({"shots_per_series": [5, 2]}, "'shots_per_series'"),
    ({"image_size": [10, 20]}, "'image_size'"),
    ({"n_locations": 9}, "'n_locations' (9) must be <= n_known_series + n_new_series (5)"),
    ({"keep_world": "yes"}, "'keep_world'"),
    ({"n_devices": 2}, "Unknown seized_device option 'n_devices'"),
])
def test_bad_config_raises_one_clear_error(tmp_path, config, message):
    with pytest.raises(InvalidParameterError) as error:
        make_seized_device(tmp_path / "x", config, make_rng(0))
    assert message in str(error.value)
    assert not (tmp_path / "x" / "device").exists()


def test_bad_world_option_and_used_folder_raise(tmp_path):
    with pytest.raises(InvalidParameterError, match="video_size"):
        make_seized_device(tmp_path / "x", {**SMALL, "video_size": [95, 64]}, make_rng(0))
    assert not (tmp_path / "x" / "_world_staging").exists()
    (tmp_path / "y" / "device").mkdir(parents=True)
    (tmp_path / "y" / "device" / "old.jpg").write_bytes(b"x")
    with pytest.raises(InvalidParameterError, match="already holds files"):
        make_seized_device(tmp_path / "y", SMALL, make_rng(0))
    with pytest.raises(InvalidParameterError, match="must be a mapping of options"):
        make_seized_device(tmp_path / "z", [1, 2], make_rng(0))
    assert os.listdir(tmp_path / "y" / "device") == ["old.jpg"]
