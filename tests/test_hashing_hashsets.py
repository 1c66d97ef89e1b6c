"""Hash sets: CSV and VICS-style JSON, round trips, and one clear line per problem."""

import json

import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing import hashsets
from vidlab.hashing.hashsets import (
    ALGORITHMS,
    CATEGORY_LABELS,
    HEX_DIGITS,
    HashSet,
    category_code,
    load_hashset,
    save_hashset,
)
from vidlab.terminology import check

MD5 = "900150983cd24fb0d6963f7d28e17f72"
SHA1 = "a9993e364706816aba3e25717850c26c9cd0d89d"
PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
PHASH = "ffd8e0c0c0c0c0c0"

HEADER = "id,algorithm,hash,label,series\n"


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path):
    with pytest.raises(InvalidParameterError) as info:
        load_hashset(path)
    return str(info.value)


@pytest.fixture
def sample():
    return HashSet(pd.DataFrame({
        "id": ["1", "1", "1", "2", "10", "x-3"],
        "algorithm": ["md5", "sha1", "pdq", "phash", "pdq", "sha256"],
        "hash": [MD5, SHA1, PDQ, PHASH, "0" * 64, "ab" * 32],
        "label": ["csam", "csam", "csam", "comparison", "", "non-pertinent"],
        "series": ["S1", "S1", "S1", "S2", "", ""],
    }), source="sample")


# ------------------------------------------------------------------------------ round trips


def test_csv_round_trip_is_exact_and_deterministic(tmp_path, sample):
    save_hashset(sample, tmp_path / "a.csv")
    save_hashset(load_hashset(tmp_path / "a.csv"), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_text().splitlines()[0] == "id,algorithm,hash,label,series"
    assert load_hashset(tmp_path / "a.csv").frame.equals(sample.frame)


def test_json_round_trip_keeps_every_field_json_can_hold(tmp_path, sample):
    save_hashset(sample, tmp_path / "a.json")
    again = load_hashset(tmp_path / "a.json")
    assert again.frame.equals(sample.frame)
    save_hashset(again, tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


def test_json_is_vics_media_with_categories_and_alternative_hashes(tmp_path, sample):
    save_hashset(sample, tmp_path / "a.json")
    document = json.loads((tmp_path / "a.json").read_text())
    assert document["@odata.context"].endswith("2.0.xml/CUSTOM/$metadata#Media")
    first, second, tenth, other = document["value"]
    assert first == {"MediaID": 1, "Category": 1, "Series": "S1", "MD5": MD5, "SHA1": SHA1,
                     "AlternativeHashes": [{"HashName": "PDQ", "HashValue": PDQ}]}
    assert second["Category"] == 4 and second["AlternativeHashes"][0]["HashName"] == "pHash"
    assert tenth["Category"] is None and tenth["Series"] is None
    assert other["MediaID"] == "x-3" and other["Category"] == 0
    assert other["AlternativeHashes"] == [{"HashName": "SHA256", "HashValue": "ab" * 32}]


def test_vics_json_is_read_with_any_case_and_unknown_hashes_kept(tmp_path):
    document = {"odata.metadata": "http://github.com/ICMEC/ProjectVic/DataModels/1.3.xml#Cases",
                "value": [{"CaseID": "c1", "Media": [
                    {"MediaID": 17, "MD5": MD5.upper(), "SHA1": SHA1.upper(), "Category": 2,
                     "Series": "Blue room", "MediaSize": 2835,
                     "AlternativeHashes": [
                         {"HashName": "SHA1", "HashValue": SHA1.upper()},  # 1.x repeats it
                         {"HashName": "PhotoDNA", "HashValue": "AAMANwAB"},
                         {"HashName": "pdq", "HashValue": PDQ.upper()}]},
                    {"MediaID": 18, "Category": None,
                     "AlternativeHashes": [{"HashName": "PhotoDNA", "HashValue": "BBB"}]}]}]}
    path = write(tmp_path / "case.json", json.dumps(document))
    known = load_hashset(path)
    assert known.frame.to_dict("list") == {
        "id": ["17", "17", "17"], "algorithm": ["md5", "sha1", "pdq"], "hash": [MD5, SHA1, PDQ],
        "label": ["exploitative"] * 3, "series": ["Blue room"] * 3}
    assert known.other[["id", "name", "value"]].values.tolist() == [
        ["17", "PhotoDNA", "AAMANwAB"], ["18", "PhotoDNA", "BBB"]]
    assert known.algorithms == ("md5", "sha1", "pdq")
    save_hashset(known, tmp_path / "out.json")
    media = json.loads((tmp_path / "out.json").read_text())["value"]
    assert [m["MediaID"] for m in media] == [17, 18]
    assert {"HashName": "PhotoDNA", "HashValue": "AAMANwAB"} in media[0]["AlternativeHashes"]
    assert media[1] == {"MediaID": 18, "Category": None, "Series": None,
                        "AlternativeHashes": [{"HashName": "PhotoDNA", "HashValue": "BBB"}]}
    # CSV cannot hold PhotoDNA: written without it, everything else equal
    save_hashset(known, tmp_path / "out.csv")
    assert load_hashset(tmp_path / "out.csv").frame.equals(known.frame)


def test_csv_normalises_case_and_spaces_and_allows_missing_label_series(tmp_path):
    path = write(tmp_path / "k.csv", f"ID , Algorithm,hash\n 5 ,PDQ, {PDQ.upper()} \n")
    known = load_hashset(path)
    assert known.frame.to_dict("records") == [
        {"id": "5", "algorithm": "pdq", "hash": PDQ, "label": "", "series": ""}]


def test_extra_csv_columns_are_kept(tmp_path):
    path = write(tmp_path / "k.csv", f"id,algorithm,hash,note\n5,md5,{MD5},from exercise 2\n")
    assert load_hashset(path).frame.columns.tolist() == [
        "id", "algorithm", "hash", "label", "series", "note"]


def test_ids_stay_text(tmp_path):
    path = write(tmp_path / "k.csv", HEADER + f"007,md5,{MD5},,\n")
    assert load_hashset(path).frame["id"].tolist() == ["007"]
    save_hashset(load_hashset(path), tmp_path / "k.json")
    assert json.loads((tmp_path / "k.json").read_text())["value"][0]["MediaID"] == "007"


def test_for_algorithm_and_algorithms(sample):
    assert sample.algorithms == ("md5", "sha1", "sha256", "phash", "pdq")
    assert sample.for_algorithm("PDQ")["id"].tolist() == ["1", "10"]
    assert sample.for_algorithm("dhash").empty
    with pytest.raises(InvalidParameterError, match="Got 'sha512' instead"):
        sample.for_algorithm("sha512")
    assert len(sample) == 6 and "5 items" not in repr(sample) and "4 items" in repr(sample)


def test_category_vocabulary():
    assert CATEGORY_LABELS[0] == "non-pertinent" and CATEGORY_LABELS[1] == "csam"
    assert [category_code(CATEGORY_LABELS[code]) for code in range(6)] == list(range(6))
    assert category_code("CSAM") == 1 and category_code("12") == 12
    assert category_code("") is None and category_code("kitchen") is None


def test_module_follows_the_terminology_guidelines():
    text = hashsets.__doc__ + "\n".join(hashsets.CATEGORY_DESCRIPTIONS.values())
    assert [f for f in check(text) if f.severity == "avoid"] == []
    assert "child sexual abuse material" in text.lower()


# ------------------------------------------------------------------------------ errors


CSV_ERRORS = [
    (HEADER + f"1,md5,{MD5},csam,S\n2,pdq,{PDQ[:-1]},,\n",
     "known.csv line 3: 'hash' of a pdq hash must be 64 hex digits; got 63."),
    (HEADER + "1,md5,abc,,\n",
     "known.csv line 2: 'hash' of an md5 hash must be 32 hex digits; got 3."),
    (HEADER + f"1,md5,{'g' * 32},,\n",
     f"known.csv line 2: 'hash' of an md5 hash must be hex digits (0-9, a-f); got {'g' * 32!r}."),
    (HEADER + f"1,md5,{MD5},,\n2,photodna,AAAA,,\n",
     "known.csv line 3: 'algorithm' must be one of md5, sha1, sha256, ahash, dhash, phash, "
     "pdq; got 'photodna'."),
    (HEADER + f"1,md5,{MD5},,\n,sha1,{SHA1},,\n",
     "known.csv line 3: 'id' is empty; every hash needs the id of its item."),
    (HEADER + f"1,md5,{MD5},,\n\n",
     "known.csv line 3: 'id' is empty; every hash needs the id of its item."),
    (HEADER + f"1,md5,{MD5},,\n2,sha1,{SHA1},,\n1,md5,{'0' * 32},,\n",
     "known.csv line 4: duplicate 'id': item '1' already has an md5 hash (line 2)."),
    (HEADER + f"1,md5,{MD5},csam,S\n1,sha1,{SHA1},comparison,S\n",
     "known.csv line 3: 'label' of item '1' is 'comparison' here but 'csam' on line 2; all "
     "hashes of an item share its label."),
    (HEADER + f"1,md5,{MD5},csam,S1\n1,sha1,{SHA1},csam,S2\n",
     "known.csv line 3: 'series' of item '1' is 'S2' here but 'S1' on line 2; all hashes of "
     "an item share its series."),
    ("id,hash\n1,2\n",
     "known.csv: missing column 'algorithm'; a hash set has the columns id, algorithm, hash, "
     "label, series (label and series may be left out)."),
    ("name,value\n1,2\n",
     "known.csv: missing columns 'id', 'algorithm', 'hash'; a hash set has the columns id, "
     "algorithm, hash, label, series (label and series may be left out)."),
]


@pytest.mark.parametrize(("text", "message"), CSV_ERRORS)
def test_csv_errors_name_file_line_and_field(tmp_path, text, message):
    assert error_of(write(tmp_path / "known.csv", text)) == message


def test_the_earliest_problem_is_reported(tmp_path):
    text = HEADER + f"1,md5,{MD5},,\n2,pdq,ff,,\n3,bogus,ff,,\n"
    assert error_of(write(tmp_path / "known.csv", text)).startswith("known.csv line 3: 'hash'")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_checks_its_length(tmp_path, algorithm):
    digits = HEX_DIGITS[algorithm]
    good = write(tmp_path / "good.csv", HEADER + f"1,{algorithm},{'a' * digits},,\n")
    assert len(load_hashset(good)) == 1
    bad = write(tmp_path / "known.csv", HEADER + f"1,{algorithm},{'a' * (digits + 2)},,\n")
    assert error_of(bad).endswith(f"must be {digits} hex digits; got {digits + 2}.")


def media(**fields):
    return {"MediaID": 5, "MD5": MD5, "Category": 1, **fields}


JSON_ERRORS = [
    ("{", "known.json: not valid JSON (Expecting property name enclosed in double quotes: "
          "line 1 column 2 (char 1))."),
    ("[]", "known.json: not a VICS hash set: expected an object with a 'value' list of media "
           "objects (Project VIC JSON)."),
    (json.dumps({"value": [3]}), "known.json value[0]: expected a media object; got int."),
    (json.dumps({"value": [media(), {"MD5": MD5}]}),
     "known.json value[1]: 'MediaID' is missing or empty."),
    (json.dumps({"value": [media(AlternativeHashes=[
        {"HashName": "PhotoDNA", "HashValue": "AA"},
        {"HashName": "PDQ", "HashValue": PDQ[:-1]}])]}),
     "known.json value[0] (MediaID 5): 'AlternativeHashes[1].HashValue' of a pdq hash must be "
     "64 hex digits; got 63."),
    (json.dumps({"value": [media(MD5="xyz")]}),
     "known.json value[0] (MediaID 5): 'MD5' of an md5 hash must be 32 hex digits; got 3."),
    (json.dumps({"value": [media(Category="A")]}),
     "known.json value[0] (MediaID 5): 'Category' must be a whole number such as 1, or null; "
     "got 'A'."),
    (json.dumps({"value": [media(AlternativeHashes={"HashName": "PDQ"})]}),
     "known.json value[0] (MediaID 5): 'AlternativeHashes' must be a list of {'HashName': ..., "
     "'HashValue': ...} objects."),
    (json.dumps({"value": [{"Media": [media(), media(MD5="0" * 32)]}]}),
     "known.json value[0].Media[1] (MediaID 5): duplicate 'MediaID': item '5' already has an "
     "md5 hash (value[0].Media[0])."),
    (json.dumps({"value": [media(), media(MD5=None, SHA1=SHA1, Category=4)]}),
     "known.json value[1] (MediaID 5): 'Category' of item '5' is 'comparison' here but 'csam' "
     "on value[0]; all hashes of an item share its label."),
]


@pytest.mark.parametrize(("text", "message"), JSON_ERRORS)
def test_json_errors_name_file_media_and_field(tmp_path, text, message):
    assert error_of(write(tmp_path / "known.json", text)) == message


def test_file_errors(tmp_path):
    missing = str(tmp_path / "none.csv")
    assert error_of(tmp_path / "none.csv") == f"Hash set {missing!r} does not exist."
    with pytest.raises(InvalidParameterError, match=r"must name a \.csv or \.json hash set"):
        load_hashset(tmp_path / "known.txt")
    with pytest.raises(InvalidParameterError, match=r"must name a \.csv or \.json hash set"):
        save_hashset(HashSet(pd.DataFrame(columns=["id", "algorithm", "hash"])),
                     tmp_path / "x.parquet")
    assert error_of(write(tmp_path / "empty.csv", "")).startswith("Cannot read hash set")


def test_hashset_checks_its_arguments():
    with pytest.raises(InvalidParameterError, match="must be a pandas DataFrame. Got list"):
        HashSet([1, 2])
    with pytest.raises(InvalidParameterError, match="must be a HashSet. Got DataFrame"):
        save_hashset(pd.DataFrame(), "x.csv")
    with pytest.raises(InvalidParameterError) as info:
        HashSet(pd.DataFrame({"id": ["a"], "algorithm": ["md5"], "hash": ["0"]}))
    assert str(info.value) == "hash set row 1: 'hash' of an md5 hash must be 32 hex digits; got 1."


def test_empty_hash_set(tmp_path):
    empty = HashSet(pd.DataFrame(columns=["id", "algorithm", "hash"]))
    assert len(empty) == 0 and empty.algorithms == ()
    save_hashset(empty, tmp_path / "e.json")
    assert len(load_hashset(tmp_path / "e.json")) == 0
