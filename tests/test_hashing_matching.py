"""match_hashes and summarise_matches, checked against brute force on synthetic hashes."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from vidlab.cli import main
from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.hashsets import HashSet, save_hashset
from vidlab.hashing.matching import (
    DEFAULT_MAX_DISTANCE,
    DEFAULT_MIN_QUALITY,
    MATCH_COLUMNS,
    SUMMARY_COLUMNS,
    match_hashes,
    summarise_matches,
)
from vidlab.io import read_table


def random_hex(rng, n, nbits):
    return [row.tobytes().hex() for row in rng.integers(0, 256, (n, nbits // 8), dtype=np.uint8)]


def flip(rng, hex_value, k):
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(hex_value), dtype=np.uint8))
    bits[rng.choice(bits.size, size=k, replace=False)] ^= 1
    return np.packbits(bits).tobytes().hex()


def distance(a, b):
    return bin(int(a, 16) ^ int(b, 16)).count("1")


def brute_force(table, known, algorithm, max_distance):
    rows = []
    for path, query in zip(table["path"], table[algorithm], strict=True):
        if not query:
            continue
        for item, value, label, series in zip(known["id"], known["hash"], known["label"],
                                              known["series"], strict=True):
            d = distance(query, value)
            if d <= max_distance:
                rows.append((path, algorithm, d, item, label, series))
    return sorted(rows, key=lambda r: (r[0], r[2], int(r[3]), r[1]))


@pytest.fixture(scope="module")
def perceptual_case():
    """300 known PDQ and pHash hashes; 120 files: near copies, far copies and unrelated."""
    rng = np.random.default_rng(7)
    rows = []
    for algorithm, nbits in (("pdq", 256), ("phash", 64)):
        for i, value in enumerate(random_hex(rng, 300, nbits)):
            rows.append((str(i), algorithm, value, f"label{i % 3}", f"S{i % 7}"))
    known = HashSet(pd.DataFrame(rows, columns=["id", "algorithm", "hash", "label", "series"]))
    pdq, phash = known.for_algorithm("pdq"), known.for_algorithm("phash")
    table = {"path": [], "pdq": [], "phash": []}
    for n in range(120):
        i = int(rng.integers(0, 300))
        table["path"].append(f"evidence/{n:03d}.jpg")
        kind = n % 3
        if kind == 0:  # near copy
            table["pdq"].append(flip(rng, pdq["hash"][i], int(rng.integers(0, 40))))
            table["phash"].append(flip(rng, phash["hash"][i], int(rng.integers(0, 14))))
        elif kind == 1:  # unrelated
            table["pdq"].append(random_hex(rng, 1, 256)[0])
            table["phash"].append(random_hex(rng, 1, 64)[0])
        else:  # exact copy for pdq, no phash
            table["pdq"].append(pdq["hash"][i])
            table["phash"].append("")
    return pd.DataFrame(table), known


@pytest.mark.parametrize("algorithm", ["pdq", "phash"])
@pytest.mark.parametrize("max_distance", [0, 10, None, 40])
def test_perceptual_matches_equal_brute_force(perceptual_case, algorithm, max_distance):
    table, known = perceptual_case
    matches = match_hashes(table, known, algorithm=algorithm, max_distance=max_distance)
    radius = DEFAULT_MAX_DISTANCE[algorithm] if max_distance is None else max_distance
    expected = brute_force(table, known.for_algorithm(algorithm), algorithm, radius)
    assert list(matches.itertuples(index=False, name=None)) == expected
    assert len(expected) > 0


def test_all_common_algorithms_by_default(perceptual_case):
    table, known = perceptual_case
    matches = match_hashes(table, known)
    assert matches.attrs["algorithms"] == ["phash", "pdq"]
    expected = sorted(brute_force(table, known.for_algorithm("pdq"), "pdq", 31)
                      + brute_force(table, known.for_algorithm("phash"), "phash", 10),
                      key=lambda r: (r[0], r[2], int(r[3]), ["phash", "pdq"].index(r[1])))
    assert list(matches.itertuples(index=False, name=None)) == expected
    assert matches.columns.tolist() == list(MATCH_COLUMNS)
    assert matches["distance"].dtype == np.int64


def test_output_is_sorted_and_independent_of_input_order(perceptual_case):
    table, known = perceptual_case
    shuffled = table.sample(frac=1.0, random_state=3)
    a, b = match_hashes(table, known), match_hashes(shuffled, known)
    assert a.equals(b)
    keys = list(zip(a["path"], a["distance"], strict=True))
    assert keys == sorted(keys)


def test_exact_algorithms_match_by_equality(tmp_path):
    files = {"a.bin": b"abc", "b.bin": b"other", "c.bin": b"abc"}
    known = HashSet(pd.DataFrame({
        "id": ["k9", "k10", "k2"], "algorithm": ["md5", "sha256", "sha256"],
        "hash": [hashlib.md5(b"abc").hexdigest(), hashlib.sha256(b"abc").hexdigest(),
                 hashlib.sha256(b"abc").hexdigest()],
        "label": ["csam", "csam", "comparison"], "series": ["S1", "S1", "S2"]}))
    table = pd.DataFrame({
        "path": list(files),
        "md5": [hashlib.md5(v).hexdigest().upper() for v in files.values()],
        "sha256": [hashlib.sha256(v).hexdigest() for v in files.values()]})
    matches = match_hashes(table, known)
    assert list(matches.itertuples(index=False, name=None)) == [
        ("a.bin", "sha256", 0, "k2", "comparison", "S2"),
        ("a.bin", "md5", 0, "k9", "csam", "S1"),
        ("a.bin", "sha256", 0, "k10", "csam", "S1"),
        ("c.bin", "sha256", 0, "k2", "comparison", "S2"),
        ("c.bin", "md5", 0, "k9", "csam", "S1"),
        ("c.bin", "sha256", 0, "k10", "csam", "S1"),
    ]
    assert match_hashes(table, known, algorithm="md5")["algorithm"].unique().tolist() == ["md5"]


def test_ids_sort_naturally():
    known = HashSet(pd.DataFrame({"id": ["10", "9", "b", "a", "k10", "k9"], "algorithm": "phash",
                                  "hash": ["0" * 16] * 6}))
    matches = match_hashes(pd.DataFrame({"path": ["x"], "phash": ["0" * 16]}), known)
    assert matches["hashset_id"].tolist() == ["9", "10", "a", "b", "k9", "k10"]


@pytest.fixture
def quality_case():
    known = HashSet(pd.DataFrame({"id": ["1"], "algorithm": ["pdq"], "hash": ["0" * 64]}))
    table = pd.DataFrame({"path": ["good", "poor", "unknown", "edge"],
                          "pdq": ["0" * 64] * 4,
                          "pdq_quality": ["100", "49", "", str(DEFAULT_MIN_QUALITY)],
                          "error": [""] * 4})
    return table, known


def test_low_quality_pdq_is_not_matched(quality_case):
    table, known = quality_case
    assert match_hashes(table, known)["path"].tolist() == ["edge", "good", "unknown"]
    assert match_hashes(table, known, min_quality=0)["path"].tolist() == [
        "edge", "good", "poor", "unknown"]
    assert match_hashes(table, known, min_quality=100)["path"].tolist() == ["good", "unknown"]
    numeric = table.assign(pdq_quality=[100, 49, np.nan, 50])  # as parquet gives it
    assert match_hashes(numeric, known)["path"].tolist() == ["edge", "good", "unknown"]


def test_summary_reports_why_files_did_not_match(quality_case):
    table, known = quality_case
    table = pd.concat([table, pd.DataFrame({
        "path": ["broken", "far", "unhashed"], "pdq": ["", "f" * 64, ""],
        "pdq_quality": ["", "90", ""],
        "error": ["not an image: truncated file", "", ""]})], ignore_index=True)
    matches = match_hashes(table, known)
    summary = summarise_matches(table, matches)
    assert summary.columns.tolist() == list(SUMMARY_COLUMNS)
    assert summary["path"].tolist() == table["path"].tolist()
    assert summary["matched"].tolist() == [True, False, True, True, False, False, False]
    assert summary["reason"].tolist() == ["", "low quality", "", "", "not an image: truncated file",
                                          "no match", "no hash"]
    assert summary["best_distance"].tolist() == [0, -1, 0, 0, -1, -1, -1]
    assert summary["best_hashset_id"].tolist() == ["1", "", "1", "1", "", "", ""]


def test_summary_best_match_is_the_closest_relative_to_hash_length():
    known = HashSet(pd.DataFrame({
        "id": ["p", "q"], "algorithm": ["phash", "pdq"], "hash": ["0" * 16, "0" * 64],
        "label": ["csam", "comparison"], "series": ["S1", "S2"]}))
    table = pd.DataFrame({"path": ["x"], "phash": ["000000000000000f"],  # 4/64
                          "pdq": ["0" * 62 + "ff"],
                          "pdq_quality": [80]})  # 8/256 is closer
    matches = match_hashes(table, known)
    assert matches["distance"].tolist() == [4, 8]
    row = summarise_matches(table, matches).iloc[0]
    assert (row["best_algorithm"], row["best_distance"], row["best_hashset_id"], row["n_matches"]
            ) == ("pdq", 8, "q", 2)
    assert (row["best_label"], row["best_series"]) == ("comparison", "S2")


def test_summary_mixed_low_quality_and_other_algorithms():
    known = HashSet(pd.DataFrame({"id": ["1", "1"], "algorithm": ["pdq", "phash"],
                                  "hash": ["0" * 64, "0" * 16]}))
    table = pd.DataFrame({"path": ["x"], "pdq": ["0" * 64], "pdq_quality": [5],
                          "phash": ["ffffffffffffffff"]})
    summary = summarise_matches(table, match_hashes(table, known))
    assert summary["reason"].tolist() == ["no match; pdq low quality"]


def test_empty_results_keep_their_columns():
    known = HashSet(pd.DataFrame({"id": ["1"], "algorithm": ["md5"], "hash": ["0" * 32]}))
    matches = match_hashes(pd.DataFrame({"path": ["x"], "md5": ["1" * 32]}), known)
    assert matches.empty and matches.columns.tolist() == list(MATCH_COLUMNS)
    assert matches["distance"].dtype == np.int64
    summary = summarise_matches(pd.DataFrame({"path": [], "md5": []}), matches)
    assert summary.empty and summary.columns.tolist() == list(SUMMARY_COLUMNS)


# ------------------------------------------------------------------------------ errors


@pytest.fixture
def small():
    known = HashSet(pd.DataFrame({"id": ["1", "2"], "algorithm": ["pdq", "md5"],
                                  "hash": ["0" * 64, "0" * 32]}), source="known.csv")
    table = pd.DataFrame({"path": ["x"], "pdq": ["0" * 64], "phash": ["0" * 16]})
    return table, known


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"max_distance": -3},
     "The 'max_distance' parameter of match_hashes must be an int in [0, 256]. Got -3 instead."),
    ({"max_distance": 257},
     "The 'max_distance' parameter of match_hashes must be an int in [0, 256]. Got 257 instead."),
    ({"max_distance": 2.5},
     "The 'max_distance' parameter of match_hashes must be an int in [0, 256]. Got 2.5 instead."),
    ({"max_distance": True},
     "The 'max_distance' parameter of match_hashes must be an int in [0, 256]. Got True instead."),
    ({"max_distance": {"md5": 3}},
     "The 'max_distance' parameter of match_hashes has keys of perceptual algorithms (ahash, "
     "dhash, phash, pdq). Got 'md5' instead."),
    ({"min_quality": 101},
     "The 'min_quality' parameter of match_hashes must be an int in [0, 100]. Got 101 instead."),
    ({"algorithm": "md5"},
     "The 'algorithm' parameter of match_hashes: the hash table has no 'md5' column (it has "
     "phash, pdq). Got 'md5' instead."),
    ({"algorithm": "phash"},
     "The 'algorithm' parameter of match_hashes: the hash set known.csv has no phash hashes "
     "(it has md5, pdq). Got 'phash' instead."),
    ({"algorithm": "photodna"},
     "The 'algorithm' parameter of match_hashes must be one of md5, sha1, sha256, ahash, dhash, "
     "phash, pdq. Got 'photodna' instead."),
])
def test_parameter_errors(small, kwargs, message):
    table, known = small
    with pytest.raises(InvalidParameterError) as info:
        match_hashes(table, known, **kwargs)
    assert str(info.value) == message


def test_phash_range_is_64_bits():
    known = HashSet(pd.DataFrame({"id": ["1"], "algorithm": ["phash"], "hash": ["0" * 16]}))
    table = pd.DataFrame({"path": ["x"], "phash": ["0" * 16]})
    with pytest.raises(InvalidParameterError, match=r"in \[0, 64\]. Got 65 instead"):
        match_hashes(table, known, max_distance=65)
    assert len(match_hashes(table, known, max_distance={"phash": 64})) == 1


def test_max_distance_for_exact_algorithms_only_is_refused(small):
    table, known = small
    with pytest.raises(InvalidParameterError, match="md5 match exactly. Got 4 instead"):
        match_hashes(table.assign(md5="0" * 32), known, algorithm="md5", max_distance=4)


def test_no_common_algorithm(small):
    _, known = small
    with pytest.raises(InvalidParameterError) as info:
        match_hashes(pd.DataFrame({"path": ["x"], "sha256": ["0" * 64]}), known)
    assert str(info.value) == (
        "The hash table and the hash set known.csv have no algorithm in common: the table has "
        "sha256, the hash set has md5, pdq. Hash the files with one of the hash set's "
        "algorithms.")


def test_bad_tables(small):
    _, known = small
    with pytest.raises(InvalidParameterError, match="must be a pandas DataFrame"):
        match_hashes("hashes.csv", known)
    with pytest.raises(InvalidParameterError, match="must have a 'path' column"):
        match_hashes(pd.DataFrame({"pdq": ["0" * 64]}), known)
    with pytest.raises(InvalidParameterError) as info:
        match_hashes(pd.DataFrame({"path": ["a", "b"], "pdq": ["0" * 64, "xyz"]}), known)
    assert str(info.value) == "hash table row 2 ('b'): 'pdq' must be 64 hex digits; got 'xyz'."
    with pytest.raises(InvalidParameterError, match="must be a HashSet"):
        match_hashes(pd.DataFrame({"path": ["a"]}), "known.csv")


# ------------------------------------------------------------------------------ CLI


def test_vidlab_match_command(tmp_path, capsys, perceptual_case):
    table, known = perceptual_case
    table.to_csv(tmp_path / "hashes.csv", index=False)
    save_hashset(known, tmp_path / "known.json")
    code = main(["match", str(tmp_path / "hashes.csv"), "--hashset", str(tmp_path / "known.json"),
                 "--algorithm", "pdq", "--max-distance", "20", "--out", str(tmp_path / "m.csv")])
    assert code == 0
    written = read_table(tmp_path / "m.csv", dtype={"hashset_id": str, "series": str})
    expected = match_hashes(table, known, algorithm="pdq", max_distance=20)
    assert written["path"].tolist() == expected["path"].tolist()
    assert written["hashset_id"].tolist() == expected["hashset_id"].tolist()
    assert "files match" in capsys.readouterr().err
    code = main(["match", str(tmp_path / "hashes.csv"), "--hashset", str(tmp_path / "known.json"),
                 "--max-distance", "-3"])
    assert code == 2
    assert "'max_distance' parameter of match_hashes must be an int in [0, 64]" in (
        capsys.readouterr().err)
