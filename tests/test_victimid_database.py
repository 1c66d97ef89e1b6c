"""Tests of the reference database (vidlab.victimid.database)."""

import json
import sqlite3

import numpy as np
import pandas as pd
import pytest
from PIL import Image, ImageDraw, ImageFilter

from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.hashing.hashsets import load_hashset, save_hashset
from vidlab.hashing.matching import match_hashes
from vidlab.hashing.table import hash_table
from vidlab.seed import make_rng
from vidlab.victimid import database
from vidlab.victimid.database import (
    LINK_COLUMNS,
    LOOKUP_COLUMNS,
    MEDIA_COLUMNS,
    SCHEMA_VERSION,
    SERIES_COLUMNS,
    Migration,
    ReferenceDatabase,
)

SERIES = [
    {"series_id": "S1", "status": "identified", "country": "NL", "location": "Utrecht",
     "case_id": "NL-2024-001", "notes": "blue wallpaper, bunk bed"},
    {"series_id": "S2", "status": "unidentified", "country": "BR", "location": "",
     "case_id": "", "notes": "parquet floor; Ω"},
    {"series_id": "S3", "status": "unidentified", "country": "NL"},
]


def _hex(rng, n, nbytes):
    """``n`` random hex strings of ``nbytes`` bytes."""
    text, width = rng.bytes(n * nbytes).hex(), 2 * nbytes
    return [text[i : i + width] for i in range(0, len(text), width)]


def _media(n, seed=0, series=("S1", "S2", "S3")):
    rng = make_rng(seed)
    frame = pd.DataFrame({
        "media_id": [f"m{i:06d}" for i in range(n)],
        "series_id": [series[i % len(series)] for i in range(n)],
        "category": [("csam", "comparison", "", "uncategorized")[i % 4] for i in range(n)],
        "md5": _hex(rng, n, 16),
        "sha1": _hex(rng, n, 20),
        "sha256": _hex(rng, n, 32),
        "phash": _hex(rng, n, 8),
        "pdq": _hex(rng, n, 32),
        "pdq_quality": rng.integers(0, 101, size=n),
    })
    return frame


@pytest.fixture
def db(tmp_path):
    with ReferenceDatabase(tmp_path / "ref.sqlite") as opened:
        opened.add_series(SERIES)
        yield opened


# ---------------------------------------------------------------------- schema and files


def test_new_file_has_current_schema_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "ref.sqlite"
    with ReferenceDatabase(path) as db:
        assert db.schema_version == SCHEMA_VERSION == len(database.MIGRATIONS)
        assert db._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.series_table().columns.tolist() == list(SERIES_COLUMNS)
        assert db.media_table().columns.tolist() == list(MEDIA_COLUMNS)
        assert db.links().columns.tolist() == list(LINK_COLUMNS)
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
        tables = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    finally:
        raw.close()
    assert {"series", "media", "links", "media_sha256", "media_md5", "media_sha1"} <= tables


def test_reopening_keeps_content_and_close_is_final(tmp_path):
    path = tmp_path / "ref.sqlite"
    with ReferenceDatabase(path) as db:
        db.add_series(SERIES)
        db.add_media(_media(6))
    db = ReferenceDatabase(path)
    assert db.series_table()["series_id"].tolist() == ["S1", "S2", "S3"]
    assert len(db.media_table()) == 6
    db.close()
    db.close()  # idempotent
    assert repr(db) == "ReferenceDatabase('ref.sqlite': closed)"
    with pytest.raises(DatasetError, match="is closed"):
        db.series_table()


VERSION_1 = """
CREATE TABLE series (series_id TEXT NOT NULL PRIMARY KEY CHECK (series_id <> ''),
    status TEXT NOT NULL CHECK (status IN ('identified', 'unidentified')),
    country TEXT NOT NULL DEFAULT '', location TEXT NOT NULL DEFAULT '',
    case_id TEXT NOT NULL DEFAULT '', notes TEXT NOT NULL DEFAULT '');
CREATE TABLE media (media_id TEXT NOT NULL PRIMARY KEY CHECK (media_id <> ''),
    series_id TEXT REFERENCES series (series_id) ON UPDATE CASCADE,
    sha256 TEXT, md5 TEXT, phash TEXT, pdq TEXT,
    pdq_quality INTEGER CHECK (pdq_quality BETWEEN 0 AND 100),
    category TEXT NOT NULL DEFAULT '');
CREATE TABLE links (series_a TEXT NOT NULL, series_b TEXT NOT NULL, kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '', PRIMARY KEY (series_a, series_b, kind),
    CHECK (series_a < series_b));
INSERT INTO series VALUES ('S1', 'identified', 'NL', 'Utrecht', 'C-1', '');
INSERT INTO media VALUES ('m1', 'S1', '{sha256}', NULL, 'ffff0000ffff0000', NULL, NULL, 'csam');
PRAGMA user_version = 1;
"""


def test_version_1_file_is_upgraded_and_keeps_its_rows(tmp_path):
    path = tmp_path / "old.sqlite"
    raw = sqlite3.connect(path)
    raw.executescript(VERSION_1.format(sha256="ab" * 32))
    raw.close()
    with ReferenceDatabase(path) as db:
        assert db.schema_version == SCHEMA_VERSION
        media = db.media_table()
        assert media.to_dict("records") == [{
            "media_id": "m1", "series_id": "S1", "category": "csam", "md5": "", "sha1": "",
            "sha256": "ab" * 32, "ahash": "", "dhash": "", "phash": "ffff0000ffff0000",
            "pdq": "", "pdq_quality": -1}]
        # the columns and indexes of versions 2 and 3 work
        db.add_media([{"media_id": "m2", "series_id": "S1", "sha1": "cd" * 20, "dhash": "0" * 16}])
        assert db.lookup_exact(["CD" * 20], "sha1")["media_id"].tolist() == ["m2"]
        plan = " ".join(str(row) for row in db._db.execute(
            "EXPLAIN QUERY PLAN SELECT * FROM media WHERE sha256 = ?", ("ab" * 32,)))
        assert "media_sha256" in plan
        assert db.series_table().at[0, "case_id"] == "C-1"


def test_each_migration_is_its_own_transaction(tmp_path, monkeypatch):
    path = tmp_path / "ref.sqlite"
    broken = Migration(SCHEMA_VERSION + 1, "a broken step", (
        "CREATE TABLE extra (x TEXT)", "ALTER TABLE nowhere ADD COLUMN y TEXT"))
    monkeypatch.setattr(database, "MIGRATIONS", (*database.MIGRATIONS, broken))
    with pytest.raises(DatasetError, match=rf"Cannot upgrade .* to schema version "
                                           rf"{SCHEMA_VERSION + 1} \(a broken step\): "
                                           rf"no such table: nowhere"):
        ReferenceDatabase(path)
    monkeypatch.undo()
    raw = sqlite3.connect(path)
    try:  # the earlier migrations stay committed; the broken one left nothing behind
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {row[0] for row in raw.execute("SELECT name FROM sqlite_master")}
    finally:
        raw.close()
    assert "extra" not in names
    with ReferenceDatabase(path) as db:
        assert db.schema_version == SCHEMA_VERSION


def test_newer_schema_version_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    ReferenceDatabase(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.close()
    with pytest.raises(DatasetError) as caught:
        ReferenceDatabase(path)
    message = str(caught.value)
    assert "schema version 99, newer than this vidlab reads (up to 3)" in message
    assert "\n" not in message
    raw = sqlite3.connect(path)  # untouched
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 99
    raw.close()


@pytest.mark.parametrize("content", [b"id,name\n1,a\n", bytes(range(256)) * 8,
                                     b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_file_that_is_not_sqlite_gives_one_line(tmp_path, content):
    path = tmp_path / "notes.sqlite"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as caught:
        ReferenceDatabase(path)
    message = str(caught.value)
    assert message.startswith(f"{str(path)!r} is not a reference database: ")
    assert "\n" not in message
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.sqlite-wal").exists()


def test_other_sqlite_files_are_refused(tmp_path):
    path = tmp_path / "gradebook.sqlite"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE grades (trainee TEXT, score REAL)")
    raw.commit()
    raw.close()
    with pytest.raises(DatasetError, match="not a reference database .*tables grades"):
        ReferenceDatabase(path)
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA application_id = 42")
    raw.close()
    with pytest.raises(DatasetError, match="another application"):
        ReferenceDatabase(path)
    with pytest.raises(DatasetError, match="is a folder"):
        ReferenceDatabase(tmp_path)
    with pytest.raises(InvalidParameterError, match="'path' parameter of ReferenceDatabase"):
        ReferenceDatabase(None)


# ---------------------------------------------------------------------- writing


def test_add_series_validates_and_replaces(db):
    with pytest.raises(InvalidParameterError,
                       match="'rows' parameter of add_series must have the columns "
                             "series_id, status. Missing: status"):
        db.add_series([{"series_id": "S9"}])
    with pytest.raises(InvalidParameterError, match="unknown column city"):
        db.add_series([{"series_id": "S9", "status": "identified", "city": "Lyon"}])
    with pytest.raises(InvalidParameterError, match="row 2: series 'S9' is listed twice"):
        db.add_series([{"series_id": "S9", "status": "identified"},
                       {"series_id": "S9", "status": "identified"}])
    with pytest.raises(InvalidParameterError, match="row 2: series 'S2' is already in the "
                                                    "database; pass replace=True"):
        db.add_series([{"series_id": "S8", "status": "identified"},
                       {"series_id": "S2", "status": "identified"}])
    assert "S8" not in db.series_table()["series_id"].tolist()  # all or nothing
    assert db.add_series([{"series_id": "S2", "status": "IDENTIFIED", "country": "PT"}],
                         replace=True) == 1
    row = db.series_table().set_index("series_id").loc["S2"]
    assert (row["status"], row["country"], row["notes"]) == ("identified", "PT", "")
    with pytest.raises(InvalidParameterError, match="must be a pandas DataFrame or a list"):
        db.add_series({"series_id": "S1", "status": "identified"})


def test_media_of_unknown_series_is_a_clear_error_and_writes_nothing(db):
    rows = _media(3)
    rows.loc[2, "series_id"] = "S404"
    with pytest.raises(InvalidParameterError) as caught:
        db.add_media(rows)
    assert str(caught.value) == ("add_media row 3 (media 'm000002'): series 'S404' is not in "
                                 "the database; add it with add_series first.")
    assert db.media_table().empty
    # the constraint holds for SQL written by hand too
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        db._db.execute("INSERT INTO media (media_id, series_id, md5) VALUES ('x', 'S404', ?)",
                       ("0" * 32,))


def test_add_media_checks_hashes_duplicates_and_replaces(db):
    with pytest.raises(InvalidParameterError, match=r"row 1 \(media 'a'\): 'pdq' must be 64 "
                                                    r"hex digits; got 'ff'"):
        db.add_media([{"media_id": "a", "pdq": "ff"}])
    with pytest.raises(InvalidParameterError, match=r"row 1 \(media 'a'\): no hash"):
        db.add_media([{"media_id": "a", "md5": ""}])
    with pytest.raises(InvalidParameterError, match="'category' must be one of"):
        db.add_media([{"media_id": "a", "md5": "0" * 32, "category": "other"}])
    with pytest.raises(InvalidParameterError, match="'pdq_quality' must be an int in"):
        db.add_media([{"media_id": "a", "pdq": "0" * 64, "pdq_quality": 101}])
    with pytest.raises(InvalidParameterError, match="unknown columns path, size"):
        db.add_media(pd.DataFrame({"path": ["a.jpg"], "size": [1], "media_id": ["a"]}))
    with pytest.raises(InvalidParameterError, match="row 2 \\(media 'a'\\): listed twice"):
        db.add_media([{"media_id": "a", "md5": "0" * 32}, {"media_id": "a", "md5": "1" * 32}])
    assert db.add_media([{"media_id": "a", "series_id": "S1", "md5": "A" * 32, "category": 1,
                          "pdq": "0" * 64, "pdq_quality": 80}]) == 1
    with pytest.raises(InvalidParameterError, match="row 1: media 'a' is already in the database"):
        db.add_media([{"media_id": "a", "md5": "b" * 32}])
    # replace updates the columns given and keeps the others
    db.add_media([{"media_id": "a", "md5": "b" * 32, "category": "comparison"}], replace=True)
    row = db.media_table().iloc[0]
    assert (row["md5"], row["category"], row["series_id"], row["pdq_quality"]) == (
        "b" * 32, "comparison", "S1", 80)


def test_links_are_undirected_unique_and_checked(db):
    db.add_link("S2", "S1", "same_location", "same wallpaper")
    db.add_link("S1", "S3", "SAME_VICTIM")
    with pytest.raises(InvalidParameterError, match="already linked as same_location"):
        db.add_link("S1", "S2", "same_location")
    db.add_link("S1", "S2", "same_location", "same window", replace=True)
    with pytest.raises(InvalidParameterError, match="to itself"):
        db.add_link("S1", "S1", "same_victim")
    with pytest.raises(InvalidParameterError, match="'kind' must be one of same_location"):
        db.add_link("S1", "S2", "friends")
    assert db.links().to_dict("records") == [
        {"series_a": "S1", "series_b": "S2", "kind": "same_location", "note": "same window"},
        {"series_a": "S1", "series_b": "S3", "kind": "same_victim", "note": ""}]
    assert db.links("S3")["series_a"].tolist() == ["S1"]


# ---------------------------------------------------------------------- reading


def test_stats_counts_series_media_and_countries(db):
    db.add_media(_media(12))
    db.add_media([{"media_id": "loose", "md5": "f" * 32}])
    db.add_link("S1", "S2", "same_offender")
    stats = db.stats()
    assert {k: stats[k] for k in ("schema_version", "n_series", "n_identified",
                                  "n_unidentified", "n_media", "n_media_identified",
                                  "n_media_without_series", "n_links")} == {
        "schema_version": 3, "n_series": 3, "n_identified": 1, "n_unidentified": 2,
        "n_media": 13, "n_media_identified": 4, "n_media_without_series": 1, "n_links": 1}
    assert stats["n_hashes"] == {"md5": 13, "sha1": 12, "sha256": 12, "ahash": 0, "dhash": 0,
                                 "phash": 12, "pdq": 12}
    assert stats["categories"] == {"": 4, "comparison": 3, "csam": 3, "uncategorized": 3}
    assert stats["countries"] == {"BR": {"n_series": 1, "n_identified": 0, "n_media": 4},
                                  "NL": {"n_series": 2, "n_identified": 1, "n_media": 8}}


def test_lookup_exact_returns_every_match_in_query_order(db):
    media = _media(20)
    media.loc[7, "sha256"] = media.loc[3, "sha256"]  # the same file known twice
    db.add_media(media)
    queries = [media.loc[5, "md5"], "0" * 32, media.loc[3, "md5"].upper()]
    found = db.lookup_exact(queries, algorithm="md5")
    assert found.columns.tolist() == list(LOOKUP_COLUMNS)
    assert found[["query", "media_id", "series_id", "status", "country"]].values.tolist() == [
        [0, "m000005", "S3", "unidentified", "NL"], [2, "m000003", "S1", "identified", "NL"]]
    twice = db.lookup_exact(media.loc[3, "sha256"])
    assert twice["media_id"].tolist() == ["m000003", "m000007"]
    assert db.lookup_exact([], "sha1").empty
    with pytest.raises(InvalidParameterError, match="'algorithm' parameter of lookup_exact must "
                                                    "be one of md5, sha1, sha256. Got 'pdq'"):
        db.lookup_exact(queries, algorithm="pdq")


def test_hash_index_radius_search_finds_the_near_duplicate(db):
    media = _media(500)
    db.add_media(media)
    index, media_ids = db.hash_index("pdq")
    assert len(index) == 500 and media_ids.tolist() == sorted(media["media_id"])
    target = media.set_index("media_id").loc["m000123", "pdq"]
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(target), dtype=np.uint8))
    bits[[3, 50, 100, 200, 255]] ^= 1  # a near-duplicate: 5 bits differ
    near = np.packbits(bits).tobytes().hex()
    query, rows, distance = index.search_radius(near, radius=31)
    assert media_ids[rows].tolist() == ["m000123"] and distance.tolist() == [5]
    # with min_quality the low-quality hashes are left out
    good, good_ids = db.hash_index("pdq", min_quality=50)
    assert good_ids.tolist() == sorted(media.loc[media["pdq_quality"] >= 50, "media_id"])
    with pytest.raises(InvalidParameterError, match="one of ahash, dhash, phash, pdq"):
        db.hash_index("sha256")


def test_bulk_insert_of_100k_media(tmp_path):
    n = 100_000
    media = _media(n, seed=7)
    with ReferenceDatabase(tmp_path / "big.sqlite") as db:
        db.add_series(SERIES)
        assert db.add_media(media) == n
        indexes = {row[0] for row in db._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'media'")}
        assert {"media_md5", "media_sha1", "media_sha256", "media_series"} <= indexes
        stats = db.stats()
        assert stats["n_media"] == n and stats["n_hashes"]["sha256"] == n
        picks = make_rng(1).choice(n, size=1000, replace=False)
        found = db.lookup_exact(media["sha256"].to_numpy()[picks])
        assert found["media_id"].tolist() == media["media_id"].to_numpy()[picks].tolist()
        index, media_ids = db.hash_index("phash")
        assert len(index) == n
        assert media_ids[index.search_knn(media.at[4321, "phash"], k=1)[0][0, 0]] == "m004321"


# ---------------------------------------------------------------------- VICS


def _full(db):
    media = _media(40)
    media["ahash"] = _hex(make_rng(3), 40, 8)
    media.loc[::3, "pdq_quality"] = -1  # unknown quality
    media.loc[5, "series_id"] = ""  # a media in no series
    media.loc[[1, 2], "sha1"] = ""
    media.loc[6, "media_id"] = "0042"  # a numeric-looking id that is not a number
    media.loc[8, "media_id"] = "42"
    db.add_media(media)
    db.add_link("S1", "S2", "same_location", "wallpaper: \"stars\"")
    db.add_link("S2", "S3", "same_victim")


def test_vics_round_trip_gives_identical_tables(db, tmp_path):
    _full(db)
    first, second = tmp_path / "export1.json", tmp_path / "export2.json"
    db.export_vics(first)
    db.export_vics(second)
    assert first.read_bytes() == second.read_bytes()  # deterministic
    with ReferenceDatabase(tmp_path / "copy.sqlite") as copy:
        assert copy.import_vics(first) == {"n_series": 3, "n_media": 40, "n_links": 2}
        pd.testing.assert_frame_equal(copy.series_table(), db.series_table())
        pd.testing.assert_frame_equal(copy.media_table(), db.media_table())
        pd.testing.assert_frame_equal(copy.links(), db.links())
        copy.export_vics(tmp_path / "again.json")
    assert (tmp_path / "again.json").read_bytes() == first.read_bytes()
    # the file is VICS for any reader: the hash set reader sees the same hashes
    document = json.loads(first.read_text())
    assert document["@odata.context"].endswith("$metadata#Media")
    media = {entry["MediaID"]: entry for entry in document["value"]}
    assert media[42]["Category"] == 1 and media["0042"]["Series"] == "S1"  # csam, row 8
    pd.testing.assert_frame_equal(load_hashset(first).frame, db.to_hashset().frame)


def test_import_of_plain_vics_creates_unidentified_series(db, tmp_path):
    _full(db)
    plain = tmp_path / "plain.json"
    save_hashset(db.to_hashset(), plain)  # no vidlab annotation
    with ReferenceDatabase(tmp_path / "copy.sqlite") as copy:
        copy.add_series([SERIES[0]])  # known already: kept as it is
        assert copy.import_vics(plain)["n_series"] == 2
        series = copy.series_table()
        assert series[["series_id", "status", "country"]].values.tolist() == [
            ["S1", "identified", "NL"], ["S2", "unidentified", ""], ["S3", "unidentified", ""]]
        assert (copy.media_table()["pdq_quality"] == -1).all()  # VICS does not carry it
        expected = db.media_table().drop(columns="pdq_quality")
        pd.testing.assert_frame_equal(copy.media_table().drop(columns="pdq_quality"), expected)


def test_import_with_a_series_table_file(db, tmp_path):
    _full(db)
    plain = tmp_path / "plain.json"
    save_hashset(db.to_hashset(), plain)
    db.series_table().to_csv(tmp_path / "series.csv", index=False)
    with ReferenceDatabase(tmp_path / "copy.sqlite") as copy:
        copy.import_vics(plain, series_table=tmp_path / "series.csv")
        pd.testing.assert_frame_equal(copy.series_table(), db.series_table())
    with ReferenceDatabase(tmp_path / "partial.sqlite") as partial:
        with pytest.raises(InvalidParameterError, match=r"import_vics plain.json MediaID "
                                                        r"'m000001': series 'S2' is not in"):
            partial.import_vics(plain, series_table=db.series_table().iloc[[0, 2]])
        assert partial.media_table().empty and partial.series_table().empty  # one transaction


def test_import_vics_errors(db, tmp_path):
    with pytest.raises(InvalidParameterError, match="must name a VICS .json file"):
        db.import_vics(tmp_path / "known.csv")
    bad = tmp_path / "bad.json"
    bad.write_text('{"value": [{"MediaID": 1, "MD5": "ff"}]}')
    with pytest.raises(InvalidParameterError, match="bad.json value\\[0\\] \\(MediaID 1\\): 'MD5'"):
        db.import_vics(bad)
    db.add_media([{"media_id": "1", "md5": "0" * 32}])
    bad.write_text('{"value": [{"MediaID": 1, "MD5": "' + "1" * 32 + '"}]}')
    with pytest.raises(InvalidParameterError, match="import_vics: media '1' is already"):
        db.import_vics(bad)
    bad.write_text('{"value": [], "@vidlab.reference": {"format": "vidlab-reference-database", '
                   '"schema_version": 99}}')
    with pytest.raises(InvalidParameterError, match="schema version 99, newer"):
        db.import_vics(bad)


# ---------------------------------------------------------------------- matching


def _room(rng, size=160):
    """A small synthetic room: wall, floor, a window, furniture blocks, a rug pattern, text."""
    wall = tuple(int(v) for v in rng.integers(60, 230, size=3))
    image = Image.new("RGB", (size, size), wall)
    draw = ImageDraw.Draw(image)
    horizon = int(rng.integers(size // 2, 3 * size // 4))
    draw.rectangle([0, horizon, size, size], fill=tuple(int(v) for v in rng.integers(30, 120, 3)))
    x = int(rng.integers(10, size // 2))
    draw.rectangle([x, 15, x + 40, 55], fill=(200, 220, 255), outline=(40, 40, 40), width=3)
    for _ in range(3):
        x0, y0 = (int(v) for v in rng.integers(0, size - 40, size=2))
        w, h = (int(v) for v in rng.integers(15, 45, size=2))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle([x0, y0, x0 + w, y0 + h], fill=colour)
    for k in range(0, size, 12):
        draw.line([k, horizon, k + 20, size], fill=(20, 20, 20), width=2)
    draw.text((8, size - 20), f"ROOM {int(rng.integers(100, 999))}", fill=(255, 255, 0))
    return image


def test_a_hash_table_matches_the_database_hashset(tmp_path):
    rng = make_rng(11)
    known, seized = tmp_path / "known", tmp_path / "seized"
    known.mkdir()
    seized.mkdir()
    for i in range(4):
        image = _room(rng)
        image.save(known / f"r{i}.png")
        if i < 2:  # re-shared copies: smaller, blurred, JPEG
            copy = image.resize((120, 120)).filter(ImageFilter.GaussianBlur(0.6))
            copy.save(seized / f"copy{i}.jpg", quality=70)
    image = _room(make_rng(99))
    image.save(seized / "new.png")
    (seized / "same.png").write_bytes((known / "r3.png").read_bytes())
    table = hash_table([known], "md5,sha256,phash,pdq", relative_to=known)
    media = table.drop(columns=["size", "error"]).rename(columns={"path": "media_id"})
    media["media_id"] = media["media_id"].str.replace(".png", "", regex=False)
    media["series_id"] = ["S1", "S1", "S2", "S2"]
    with ReferenceDatabase(tmp_path / "ref.sqlite") as db:
        db.add_series(SERIES[:2])
        db.add_media(media)
        found = match_hashes(hash_table([seized], "md5,sha256,phash,pdq", relative_to=seized),
                             db.to_hashset())
        best = found.sort_values(["path", "distance"]).groupby("path").first()
        assert best["hashset_id"].to_dict() == {"copy0.jpg": "r0", "copy1.jpg": "r1",
                                                "same.png": "r3"}
        assert best["series"].to_dict() == {"copy0.jpg": "S1", "copy1.jpg": "S1",
                                            "same.png": "S2"}
        exact = found[found["path"] == "same.png"]
        assert set(exact.loc[exact["distance"] == 0, "algorithm"]) >= {"md5", "sha256"}
        # the perceptual copies are found by pHash or PDQ, never by the exact hashes
        copies = found[found["path"].str.startswith("copy")]
        assert set(copies["algorithm"]) <= {"phash", "pdq"} and len(copies) >= 2
        assert db.to_hashset(["pdq", "md5"]).algorithms == ("md5", "pdq")


def test_migrations_are_numbered_in_order():
    assert [m.version for m in database.MIGRATIONS] == list(range(1, SCHEMA_VERSION + 1))
    assert all(m.description and m.statements for m in database.MIGRATIONS)


def test_an_empty_database_round_trips(tmp_path):
    with ReferenceDatabase(tmp_path / "empty.sqlite") as db:
        db.export_vics(tmp_path / "empty.json")
        assert len(db.to_hashset()) == 0 and db.stats()["countries"] == {}
    assert json.loads((tmp_path / "empty.json").read_text())["value"] == []
    with ReferenceDatabase(tmp_path / "copy.sqlite") as copy:
        assert copy.import_vics(tmp_path / "empty.json") == {"n_series": 0, "n_media": 0,
                                                             "n_links": 0}
        assert copy.media_table().empty and copy.series_table().empty
