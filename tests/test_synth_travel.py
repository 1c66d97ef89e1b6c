"""Tests for vidlab.synth.travel: the files keep the data contract, every variant is what its
name says (and really differs from the notice), traps are other persons, and the ground truth
agrees with the files."""

import re

import numpy as np
import pandas as pd
import pytest
from rapidfuzz.distance import OSA

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import generate_dataset, get_generator, load_dataset
from vidlab.synth.travel import (
    COLOURS,
    CULTURES,
    DEFAULTS,
    FILES,
    TRAPS,
    VARIANTS,
    make_travel_records,
    make_travel_tables,
)
from vidlab.travel.normalise import CYRILLIC_SYSTEMS, canonical_name, fold_accents, transliterate

CONFIG = {"n_notices": 80, "n_trips": 5000}
DOC_NAME = re.compile(r"[A-Z]+( [A-Z]+)*")
DATE = r"\d{4}-\d\d-\d\d"
NAME_KINDS = ("transliteration", "swapped_order", "name_variant", "typo", "alias", "birth_name")


def _read(path):
    return {name: pd.read_csv(path / f"{name}.csv", keep_default_na=False, dtype=str)
            for name in FILES}


@pytest.fixture(scope="module")
def travel(tmp_path_factory):
    """``(files, truth, joined)``: ``joined`` is every subject or trap trip with its notice."""
    path = tmp_path_factory.mktemp("travel")
    truth = make_travel_records(path, CONFIG, make_rng(0))
    files = _read(path)
    trips = files["trips"].merge(truth["trips"], on="trip_id", validate="1:1")
    notice_of = trips["notice_id"].where(trips["notice_id"] != "", trips["looks_like"])
    notices = files["notices"].add_prefix("n_")
    persons = truth["persons"]
    persons = persons[persons["notice_id"] != ""].set_index("notice_id")
    notices["true_dob"] = notices["n_notice_id"].map(persons["date_of_birth"])
    notices["script"] = notices["n_notice_id"].map(persons["culture"]).map(
        lambda culture: CULTURES[culture]["script"])
    joined = trips[notice_of != ""].merge(
        notices, left_on=notice_of[notice_of != ""], right_on="n_notice_id", how="left")
    return files, truth, joined


def _doc(text):
    """A name as a travel document prints it (what the generator promises)."""
    text = fold_accents(text).upper().replace("'", "")
    return " ".join(re.sub(r"[^A-Z]", " ", text).split())


def _exact(rows):
    return rows["n_family_name"].map(_doc), rows["n_forename"].map(_doc)


# --- the data contract -------------------------------------------------------------------------


def test_files_have_the_contract_columns_and_formats(travel):
    files, _, _ = travel
    for name, columns in FILES.items():
        assert list(files[name].columns) == columns
    notices, trips = files["notices"], files["trips"]
    assert len(notices) == CONFIG["n_notices"] and len(trips) == CONFIG["n_trips"]
    assert notices["notice_id"].is_unique and notices["notice_id"].str.fullmatch(
        r"(20\d\d)/\d{5}").all()
    assert (notices["notice_id"].str[:4] == notices["issued"].str[:4]).all()
    assert set(notices["colour"]) == set(COLOURS) and set(notices["sex"]) == {"M", "F"}
    assert notices["date_of_birth"].str.fullmatch(rf"{DATE}|\d{{4}}|").all()
    assert (notices["date_of_birth"].str.len() == 10).mean() > 0.7
    assert notices["nationalities"].str.fullmatch(r"[A-Z]{2}(;[A-Z]{2})?").all()
    assert notices["issuing_country"].str.fullmatch(r"[A-Z]{2}").all()
    assert notices["place_of_birth"].str.fullmatch(r".+, [A-Z]{2}").all()
    assert (notices["family_name"] != "").all() and (notices["forename"] != "").all()
    assert set(files["aliases"]["notice_id"]) <= set(notices["notice_id"])
    assert files["aliases"].groupby("notice_id").size().max() <= 3

    assert trips["trip_id"].is_unique and trips["trip_id"].str.fullmatch(r"T\d{7}").all()
    for column in ("family_name", "forename"):
        assert trips[column].str.fullmatch(DOC_NAME).all(), column
    assert trips["record_locator"].str.fullmatch(r"[A-Z2-9]{6}").all()
    assert trips["document_number"].str.fullmatch(r"[A-Z]{2}\d{7}").all()
    assert trips["date_of_birth"].str.fullmatch(rf"{DATE}|").all()
    assert trips["departure"].str.fullmatch(r"2024-\d\d-\d\d \d\d:\d\d").all()
    assert trips["departure"].is_monotonic_increasing
    assert (trips["booked"] < trips["departure"]).all()
    assert (trips["origin"] != trips["destination"]).all()
    assert trips["origin"].str.fullmatch(r"[A-Z]{3}").all()
    assert trips["carrier"].str.fullmatch(r"[A-Z]{2}").all()


def test_native_names_are_in_the_culture_script(travel):
    files, truth, _ = travel
    notices = files["notices"].merge(truth["persons"], on="notice_id")
    scripts = notices["culture"].map(lambda c: CULTURES[c]["script"])
    native = notices["name_native"]
    assert native[scripts == "cyrillic"].str.contains(r"[\u0400-\u04FF]").all()
    assert native[scripts == "arabic"].str.contains(r"[\u0600-\u06FF]").all()
    assert native[scripts == "chinese"].str.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+").all()
    assert (native[scripts == "latin"] == "").all()
    assert notices["family_name"].str.contains(r"[^\x00-\x7f]").any()  # diacritics kept


def test_notices_describe_children_and_offenders(travel):
    files, truth, _ = travel
    notices = files["notices"].merge(truth["persons"], on="notice_id", suffixes=("", "_true"))
    age = (pd.to_datetime(notices["issued"]) - pd.to_datetime(notices["date_of_birth_true"]))
    years = age.dt.days / 365.25
    yellow = notices["colour"] == "yellow"
    assert years[yellow].between(2, 72).all() and (years[yellow] < 18).mean() > 0.6
    assert (years[~yellow] >= 18).all()
    assert (notices.loc[~yellow, "sex"] == "M").mean() > 0.7
    shown, true = notices["date_of_birth"], notices["date_of_birth_true"]
    full, year = shown.str.len() == 10, shown.str.len() == 4
    assert (shown[full] == true[full]).all() and (shown[year] == true[year].str[:4]).all()


# --- ground truth ------------------------------------------------------------------------------


def test_ground_truth_agrees_with_the_files(travel):
    files, truth, _ = travel
    persons, trips = truth["persons"], truth["trips"]
    assert list(persons.columns) == ["person_id", "notice_id", "culture", "sex",
                                     "date_of_birth", "is_trap", "looks_like"]
    assert list(trips.columns) == ["trip_id", "person_id", "notice_id", "variant", "is_trap",
                                   "looks_like"]
    assert set(trips["trip_id"]) == set(files["trips"]["trip_id"])
    assert persons["person_id"].is_unique and set(trips["person_id"]) <= set(persons["person_id"])
    subjects = persons[persons["notice_id"] != ""]
    assert sorted(subjects["notice_id"]) == sorted(files["notices"]["notice_id"])
    assert set(persons["culture"]) <= set(CULTURES)
    by_person = persons.set_index("person_id")
    assert (trips["notice_id"] == trips["person_id"].map(by_person["notice_id"])).all()
    assert (trips["is_trap"] == trips["person_id"].map(by_person["is_trap"])).all()
    assert ((trips["looks_like"] != "") == trips["is_trap"]).all()
    assert set(trips.loc[trips["is_trap"], "looks_like"]) <= set(files["notices"]["notice_id"])
    same = files["trips"].merge(trips, on="trip_id")
    assert (same["sex"] == same["person_id"].map(by_person["sex"])).all()


def test_shares_of_subject_and_trap_trips(travel):
    _, truth, _ = travel
    trips = truth["trips"]
    n = CONFIG["n_trips"]
    assert (trips["notice_id"] != "").sum() == round(DEFAULTS["subject_trip_share"] * n)
    assert trips["is_trap"].sum() == round(DEFAULTS["trap_share"] * n)
    assert set(trips.loc[trips["notice_id"] != "", "variant"]) == set(VARIANTS)
    assert set(trips.loc[trips["is_trap"], "variant"]) == set(TRAPS)
    assert (trips.loc[(trips["notice_id"] == "") & ~trips["is_trap"], "variant"] == "").all()
    subjects = trips[trips["notice_id"] != ""]
    per_subject = subjects.groupby("notice_id").size()
    assert per_subject.max() > 1 and per_subject.size <= DEFAULTS["travelling_share"] * 80 + 1


def test_subjects_travel_after_their_notice_is_issued(travel):
    _, _, joined = travel
    subjects = joined[joined["notice_id"] != ""]
    assert (subjects["departure"].str[:10] >= subjects["n_issued"]).all()


# --- each variant is what it says --------------------------------------------------------------


def _kind(joined, kind):
    rows = joined[joined["variant"] == kind]
    assert len(rows), kind
    return rows


def test_name_variants_differ_from_the_notice_spelling(travel):
    _, _, joined = travel
    for kind in NAME_KINDS:
        rows = _kind(joined, kind)
        family, forename = _exact(rows)
        differs = (rows["family_name"] != family) | (rows["forename"] != forename)
        assert differs.all(), kind
        assert (rows["date_of_birth"] == rows["true_dob"]).all(), kind


def test_exact_and_date_variants(travel):
    _, _, joined = travel
    for kind in ("exact", "dob_missing", "dob_swapped"):
        rows = _kind(joined, kind)
        family, forename = _exact(rows)
        assert (rows["family_name"] == family).all() and (rows["forename"] == forename).all()
    assert (_kind(joined, "exact")["date_of_birth"] == _kind(joined, "exact")["true_dob"]).all()
    assert (_kind(joined, "dob_missing")["date_of_birth"] == "").all()
    swapped = _kind(joined, "dob_swapped")
    year, month, day = (swapped["date_of_birth"].str.split("-", expand=True)[i] for i in range(3))
    assert (swapped["date_of_birth"] != swapped["true_dob"]).all()
    assert (year + "-" + day + "-" + month == swapped["true_dob"]).all()


def test_swapped_alias_and_birth_name_variants(travel):
    files, _, joined = travel
    rows = _kind(joined, "swapped_order")
    family, forename = _exact(rows)
    assert (rows["family_name"] == forename).all() and (rows["forename"] == family).all()
    aliases = files["aliases"].assign(key=lambda a: a["notice_id"] + "|" + a["family_name"]
                                      .map(_doc) + "|" + a["forename"].map(_doc))
    rows = _kind(joined, "alias")
    keys = rows["notice_id"] + "|" + rows["family_name"] + "|" + rows["forename"]
    assert keys.isin(set(aliases["key"])).all()
    rows = _kind(joined, "birth_name")
    assert (rows["family_name"] == rows["n_birth_name"].map(_doc)).all()
    assert (rows["forename"] == _exact(rows)[1]).all()


def test_typos_are_one_keyboard_slip(travel):
    _, _, joined = travel
    rows = _kind(joined, "typo")
    family, forename = _exact(rows)
    for row, fam, fore in zip(rows.itertuples(), family, forename, strict=True):
        assert OSA.distance(f"{row.family_name} {row.forename}", f"{fam} {fore}") == 1


def test_name_variant_keeps_the_canonical_names(travel):
    _, _, joined = travel
    rows = _kind(joined, "name_variant")
    family, forename = _exact(rows)
    for row, fam, fore in zip(rows.itertuples(), family, forename, strict=True):
        trip = [canonical_name(w) for w in f"{row.family_name} {row.forename}".split()]
        notice = [canonical_name(w) for w in f"{fam} {fore}".split()]
        assert trip == notice


def test_transliterations_are_other_romanisations(travel):
    _, _, joined = travel
    rows = _kind(joined, "transliteration")
    cyrillic = rows[rows["script"] == "cyrillic"]
    assert len(cyrillic)
    for row in cyrillic.itertuples():
        forename, family = row.n_name_native.split(" ", 1)
        spellings = {(_doc(transliterate(family, s)), _doc(transliterate(forename, s)))
                     for s in CYRILLIC_SYSTEMS}
        assert (row.family_name, row.forename) in spellings
    latin = rows[rows["script"] == "latin"]
    assert all(re.search("[äöüÄÖÜå]", row.n_family_name + row.n_forename)
               for row in latin.itertuples())


# --- traps and the general public ---------------------------------------------------------------


def test_traps_are_other_persons_who_look_alike(travel):
    _, truth, joined = travel
    traps = joined[joined["is_trap"]]
    persons = truth["persons"]
    assert not traps["person_id"].isin(set(persons.loc[persons["notice_id"] != "",
                                                       "person_id"])).any()
    family, forename = _exact(traps)
    same_name = (traps["family_name"] == family) & (traps["forename"] == forename)
    same_dob = traps["date_of_birth"] == traps["true_dob"]
    same_sex = traps["sex"] == traps["n_sex"]
    assert not (same_name & same_dob & same_sex).any()
    kind = traps["variant"]
    assert same_name[kind == "namesake"].all() and not same_dob[kind == "namesake"].any()
    namesakes = traps[kind == "namesake"]
    assert (namesakes["date_of_birth"].str[:4] != namesakes["true_dob"].str[:4]).all()
    near = traps[kind == "near_name"]
    assert not same_name[kind == "near_name"].any() and not same_dob[kind == "near_name"].any()
    assert (near["date_of_birth"].str[:4] == near["true_dob"].str[:4]).all()
    assert same_dob[kind == "other_sex"].all() and not same_sex[kind == "other_sex"].any()
    relatives = traps[kind == "relative"]
    assert not same_dob[kind == "relative"].any()
    assert (relatives["forename"] != _exact(relatives)[1]).all()


def test_the_public_never_has_a_notice_name_and_birth_date(travel):
    files, truth, joined = travel
    trips = files["trips"].merge(truth["trips"], on="trip_id")
    public = trips[(trips["notice_id"] == "") & ~trips["is_trap"]]
    subjects = joined[joined["notice_id"] != ""]
    family, forename = _exact(subjects)
    keys = set(family + "|" + forename + "|" + subjects["true_dob"])
    assert not (public["family_name"] + "|" + public["forename"] + "|"
                + public["date_of_birth"]).isin(keys).any()
    assert (public["date_of_birth"] == "").mean() < 0.1


# --- determinism, configuration, registry --------------------------------------------------------


def test_same_seed_same_files_other_seed_other_files(tmp_path):
    config = {"n_notices": 20, "n_trips": 400}
    for name, seed in (("a", 5), ("b", 5), ("c", 6)):
        make_travel_records(tmp_path / name, config, make_rng(seed))
    for file in ("notices.csv", "aliases.csv", "trips.csv"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    assert (tmp_path / "a/trips.csv").read_bytes() != (tmp_path / "c/trips.csv").read_bytes()
    files, truth = make_travel_tables(config, make_rng(5))
    assert files["trips"].equals(_read(tmp_path / "a")["trips"])
    assert truth["trips"]["is_trap"].dtype == np.bool_


def test_no_traps_and_no_travelling_subjects(tmp_path):
    files, truth = make_travel_tables({"n_notices": 10, "n_trips": 100, "trap_share": 0,
                                       "subject_trip_share": 0}, make_rng(0))
    assert len(files["trips"]) == 100 and (truth["trips"]["notice_id"] == "").all()
    assert not truth["trips"]["is_trap"].any()


@pytest.mark.parametrize(("config", "message"), [
    ({"n_notices": 5}, "The 'n_notices' parameter of travel_records must be an int in "
                       "[10, 50000]. Got 5 instead."),
    ({"n_trips": True}, "'n_trips' parameter of travel_records must be an int"),
    ({"trap_share": 0.7}, "'trap_share' parameter of travel_records must be a number in [0, 0.5]"),
    ({"travelling_share": "half"}, "'travelling_share'"),
    ({"subject_trip_share": 0.4, "trap_share": 0.2}, "at most 0.5 - subject_trip_share"),
    ({"first_date": "2024-13-01"}, "an ISO date such as '2024-01-01'. Got '2024-13-01'"),
    ({"last_date": "2023-01-01"}, "'last_date' parameter of travel_records must be on or after"),
    ({"colours": 3}, "Unknown travel_records option 'colours'"),
])
def test_bad_configs_are_refused_in_one_line(config, message):
    with pytest.raises(InvalidParameterError) as info:
        make_travel_tables(config, make_rng(0))
    assert message in str(info.value) and "\n" not in str(info.value)


def test_config_must_be_a_mapping():
    with pytest.raises(InvalidParameterError, match="mapping"):
        make_travel_tables([1], make_rng(0))


def test_a_recipe_part_writes_files_and_ground_truth(tmp_path):
    assert get_generator("travel_records") is make_travel_records
    recipe = tmp_path / "travel.yml"
    recipe.write_text("parts:\n  travel:\n    generator: travel_records\n    n_notices: 20\n"
                      "    n_trips: 300\n    first_date: '2024-03-01'\n"
                      "    last_date: '2024-03-31'\n")
    dataset = load_dataset(generate_dataset(tmp_path / "data", preset=recipe, seed=3))
    assert sorted(p.name for p in dataset.path("travel").iterdir()) == [
        "aliases.csv", "notices.csv", "trips.csv"]
    trips = dataset.ground_truth("travel_trips")
    assert len(trips) == 300 and trips["is_trap"].dtype == np.bool_
    departures = pd.read_csv(dataset.path("travel") / "trips.csv", dtype=str)["departure"]
    assert departures.between("2024-03-01", "2024-03-31 23:59").all()
    assert len(dataset.ground_truth("travel_persons")) <= 300 + 20
