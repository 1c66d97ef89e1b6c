"""`vidlab hash` with perceptual algorithms and `vidlab match`: one row per file, always."""

import imagehash
import pandas as pd
import pytest
from PIL import Image, ImageDraw

from vidlab.cli import main
from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.hashsets import HashSet, save_hashset
from vidlab.hashing.pdq import pdq_hash_file
from vidlab.hashing.table import ALGORITHMS, hash_table, parse_algorithms
from vidlab.io import read_table


def _room(path, shade, size=(640, 480)):
    image = Image.new("RGB", size, (200, 190, shade))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 200, 300, 440), fill=(120, 70, shade // 2))
    draw.ellipse((380, 60, 560, 240), fill=(240, 230, 120))
    draw.line((0, 150, 640, 170), fill=(40, 40, 40), width=9)
    image.save(path, quality=90)
    return path


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "seized"
    root.mkdir()
    _room(root / "a.jpg", 150)
    Image.open(root / "a.jpg").resize((320, 240)).save(root / "a_small.png")
    _room(root / "b.jpg", 30)
    Image.open(root / "b.jpg").transpose(Image.Transpose.ROTATE_90).save(root / "b.jpg")
    (root / "notes.txt").write_text("shopping list")
    (root / "empty.jpg").write_bytes(b"")
    return root


def test_parse_algorithms_orders_crypto_then_image_hashes():
    assert parse_algorithms("pdq,md5,phash") == ("md5", "phash", "pdq")
    with pytest.raises(InvalidParameterError, match="Got 'photodna' instead"):
        parse_algorithms("sha256,photodna")


def test_hash_table_reports_every_file_with_its_error(folder):
    table = hash_table([folder], ALGORITHMS, relative_to=folder)
    assert table["path"].tolist() == ["a.jpg", "a_small.png", "b.jpg", "empty.jpg", "notes.txt"]
    assert table.columns.tolist() == ["path", "size", "md5", "sha1", "sha256", "ahash", "dhash",
                                      "phash", "pdq", "pdq_quality", "error"]
    errors = dict(zip(table["path"], table["error"], strict=True))
    assert errors["empty.jpg"] == "not an image: empty file (0 bytes)"
    assert errors["notes.txt"] == "not an image (unrecognised file format)"
    assert errors["a.jpg"] == errors["b.jpg"] == ""
    not_image = table.set_index("path").loc["notes.txt"]
    assert not_image["sha256"] != "" and not_image["phash"] == "" and not_image["pdq_quality"] == -1


def test_hash_table_says_a_video_needs_frame_hashes(tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    row = hash_table([tmp_path / "clip.mp4"], "sha256,pdq").iloc[0]
    assert row["sha256"] != ""
    assert row["error"].startswith("a video: image hashes do not apply")


def test_hash_table_values_equal_the_reference_functions(folder):
    row = hash_table([folder / "a.jpg"], "phash,dhash,pdq").iloc[0]
    with Image.open(folder / "a.jpg") as image:
        assert row["phash"] == str(imagehash.phash(image))
        assert row["dhash"] == str(imagehash.dhash(image))
    value, quality = pdq_hash_file(folder / "a.jpg")
    assert (row["pdq"], row["pdq_quality"]) == (value.hex, quality)


def test_hash_table_jobs_2_equals_jobs_1(folder):
    pd.testing.assert_frame_equal(hash_table([folder], "sha256,phash,pdq", jobs=1),
                                  hash_table([folder], "sha256,phash,pdq", jobs=2))


def test_cli_hash_then_match_finds_the_resized_copy(folder, tmp_path, capsys):
    hashes = tmp_path / "hashes.csv"
    assert main(["hash", str(folder), "--algorithms", "md5,phash,pdq", "--out", str(hashes)]) == 1
    assert "empty.jpg: not an image: empty file (0 bytes)" in capsys.readouterr().err

    table = read_table(hashes, dtype=str)
    original = table[table["path"].str.endswith("a.jpg")].iloc[0]
    known = HashSet(pd.DataFrame({
        "id": ["k1", "k2"], "algorithm": ["pdq", "md5"], "hash": [original["pdq"], "0" * 32],
        "label": ["csam", "csam"], "series": ["S-1", "S-1"]}))
    hashset = tmp_path / "known.csv"
    save_hashset(known, hashset)

    out = tmp_path / "matches.csv"
    assert main(["match", str(hashes), "--hashset", str(hashset), "--out", str(out)]) == 0
    matches = read_table(out, dtype=str)
    matched = sorted(path.rsplit("/", 1)[-1] for path in matches["path"])
    assert matched == ["a.jpg", "a_small.png"]
    assert set(matches["series"]) == {"S-1"}
    assert "2 of 5 files match" in capsys.readouterr().err


def test_cli_match_bad_inputs_are_one_line_errors(tmp_path, capsys):
    assert main(["match", str(tmp_path / "none.csv"), "--hashset", "x.csv"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    (tmp_path / "known.csv").write_text("id,algorithm,hash\n1,pdq,abc\n")
    (tmp_path / "h.csv").write_text("path,pdq\nx," + "0" * 64 + "\n")
    assert main(["match", str(tmp_path / "h.csv"), "--hashset", str(tmp_path / "known.csv")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("vidlab: error:") and "line 2" in error and error.count("\n") == 1
