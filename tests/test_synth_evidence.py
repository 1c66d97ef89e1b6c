"""Tests for vidlab.synth.evidence: the ground truth must agree with the files themselves."""

import hashlib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.crypto import (
    duplicate_groups,
    hash_file,
    hash_files,
    read_manifest,
    verify_manifest,
)
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, load_dataset, make_evidence_folder
from vidlab.synth.evidence import ACQUISITION_MANIFEST, COLUMNS, MAX_SIZE, MIN_SIZE

DOCUMENT_SUFFIXES = {".txt", ".csv", ".md", ".html"}
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG"}


@pytest.fixture(scope="module")
def evidence(tmp_path_factory):
    """``(folder, files table)`` of the evidence part of a tiny seed-0 dataset."""
    dataset = load_dataset(generate_dataset(tmp_path_factory.mktemp("ev") / "tiny", seed=0))
    return dataset.path("evidence"), dataset.ground_truth("evidence_files")


def _files_on_disk(root):
    return sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*")
        if path.is_file() and path.name != ACQUISITION_MANIFEST
    )


def test_table_lists_every_file_with_its_current_hash_and_size(evidence):
    root, files = evidence
    assert list(files.columns) == COLUMNS
    assert files["path"].tolist() == _files_on_disk(root)
    for row in files.itertuples():
        path = root / row.path
        assert hash_file(path)["sha256"] == row.sha256, row.path
        assert path.stat().st_size == row.size
    assert set(files["kind"]) == {"document", "image", "archive"}


def test_kinds_follow_the_file_types(evidence):
    _, files = evidence
    suffix = files["path"].map(lambda p: Path(p).suffix)
    assert set(suffix[files["kind"] == "document"]) <= DOCUMENT_SUFFIXES
    assert set(suffix[files["kind"] == "image"]) <= set(IMAGE_FORMATS)
    assert set(suffix[files["kind"] == "archive"]) == {".zip"}
    assert {".png", ".jpg"} <= set(suffix)


def test_duplicate_groups_are_the_groups_found_by_hashing(evidence):
    root, files = evidence
    table = hash_files([root / p for p in files["path"]])
    table["path"] = [Path(p).relative_to(root).as_posix() for p in table["path"]]
    found = duplicate_groups(table)
    recorded = [sorted(g) for _, g in files[files["duplicate_group"] >= 0]
                .groupby("duplicate_group")["path"]]
    assert found and sorted(recorded) == found
    assert sorted(files.loc[files["duplicate_group"] >= 0, "duplicate_group"].unique()) == list(
        range(len(found))
    )


def test_copies_are_exact_copies_of_their_original(evidence):
    _, files = evidence
    copies = files[files["copy_of"] != ""]
    assert len(copies) == 4  # n_duplicates of the tiny preset
    sha = dict(zip(files["path"], files["sha256"], strict=True))
    for row in copies.itertuples():
        assert row.copy_of != row.path and row.sha256 == sha[row.copy_of]
        assert row.duplicate_group >= 0
    originals = set(copies["copy_of"])
    assert (files.loc[files["path"].isin(originals), "copy_of"] == "").all()


def test_exactly_one_file_was_altered_after_acquisition(evidence):
    root, files = evidence
    acquisition = read_manifest(root / ACQUISITION_MANIFEST)
    assert sorted(acquisition) == files["path"].tolist()
    assert dict(zip(files["path"], files["acquisition_sha256"], strict=True)) == acquisition
    altered = files[files["altered"]]
    assert len(altered) == 1
    row = altered.iloc[0]
    assert row["sha256"] != acquisition[row["path"]]
    assert row["duplicate_group"] == -1 and row["copy_of"] == ""
    assert row["kind"] == "document"
    unaltered = files[~files["altered"]]
    assert (unaltered["sha256"] == unaltered["acquisition_sha256"]).all()


def test_verifying_the_acquisition_manifest_reveals_the_altered_file(evidence):
    root, files = evidence
    report = verify_manifest(root, root / ACQUISITION_MANIFEST)
    assert report.changed == files.loc[files["altered"], "path"].tolist()
    assert report.missing == [] and report.unexpected == []
    assert report.n_checked == len(files)


def test_images_decode_with_pillow(evidence):
    root, files = evidence
    for path in files.loc[files["kind"] == "image", "path"]:
        with Image.open(root / path) as image:
            assert image.format == IMAGE_FORMATS[Path(path).suffix]
            image.load()
            assert image.mode == "RGB"
            assert all(MIN_SIZE <= side <= MAX_SIZE for side in image.size)


def test_documents_are_utf8_text(evidence):
    root, files = evidence
    for path in files.loc[files["kind"] == "document", "path"]:
        text = (root / path).read_bytes().decode("utf-8")
        assert text.endswith("\n") and "\r" not in text


def test_archives_are_deterministic_zips_of_documents(evidence):
    root, files = evidence
    documents = {(root / p).read_bytes() for p in files.loc[files["kind"] == "document", "path"]}
    acquired = set(files.loc[files["altered"], "acquisition_sha256"])
    for path in files.loc[files["kind"] == "archive", "path"]:
        with zipfile.ZipFile(root / path) as archive:
            assert archive.testzip() is None
            infos = archive.infolist()
            assert [info.filename for info in infos] == sorted(info.filename for info in infos)
            for info in infos:
                assert info.compress_type == zipfile.ZIP_STORED and info.create_system == 3
                assert info.date_time[3:] == (12, 0, 0)
                data = archive.read(info)
                # a member is a document of the folder (or the altered one, as acquired)
                assert data in documents or hashlib.sha256(data).hexdigest() in acquired


def test_same_rng_seed_same_bytes_and_different_seed_different_bytes(tmp_path):
    config = {"n_documents": 4, "n_images": 3, "n_archives": 1, "n_duplicates": 2}
    first = make_evidence_folder(tmp_path / "a", config, make_rng(7))["files"]
    second = make_evidence_folder(tmp_path / "b", config, make_rng(7))["files"]
    third = make_evidence_folder(tmp_path / "c", config, make_rng(8))["files"]
    pd.testing.assert_frame_equal(first, second)
    assert (tmp_path / "a" / ACQUISITION_MANIFEST).read_bytes() == (
        tmp_path / "b" / ACQUISITION_MANIFEST
    ).read_bytes()
    assert not set(first["sha256"]) & set(third["sha256"])


def test_defaults_and_minimal_configurations(tmp_path):
    files = make_evidence_folder(tmp_path / "default", {}, make_rng(0))["files"]
    assert len(files) == 12 + 10 + 2 + 4
    minimal = make_evidence_folder(tmp_path / "minimal", {"n_documents": 1, "n_images": 0,
                                                          "n_archives": 0, "n_duplicates": 0},
                                   make_rng(0))["files"]
    assert minimal["altered"].tolist() == [True]


@pytest.mark.parametrize(
    ("config", "match"),
    [
        ({"n_pictures": 3}, "Unknown evidence_folder option 'n_pictures'"),
        ({"n_documents": 0}, r"'n_documents' parameter .* \[1, 10000\]. Got 0"),
        ({"n_images": -1}, "'n_images' parameter"),
        ({"n_archives": 1.5}, "'n_archives' parameter"),
        ({"n_duplicates": True}, "'n_duplicates' parameter"),
    ],
)
def test_bad_configuration_is_refused(tmp_path, config, match):
    with pytest.raises(InvalidParameterError, match=match):
        make_evidence_folder(tmp_path / "out", config, make_rng(0))
    assert not (tmp_path / "out").exists()
