"""Tests of vidlab.travel.match: blocking, scoring, thresholds, review lists."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth.travel import make_travel_tables
from vidlab.travel import (
    DEFAULT_THRESHOLD,
    block_candidates,
    choose_threshold,
    exact_matches,
    label_pairs,
    match_trips,
    plot_precision_recall,
    precision_recall,
    precision_recall_curve,
    recall_by_variant,
    reduction_ratio,
    review_list,
    score_candidates,
)

matplotlib.use("Agg")

NOTICES = pd.DataFrame({
    "notice_id": ["2021/100", "2022/200", "2023/300", "2023/400"],
    "colour": ["green", "yellow", "blue", "yellow"],
    "family_name": ["Shchukin", "Petrenko", "Al-Masri", "Zhang"],
    "forename": ["Dmitriy", "Olena", "Mohamed", "Wei"],
    "birth_name": ["", "Kovalchuk", "", ""],
    "name_native": ["Дмитрий Щукин", "Олена Петренко", "محمد المصري", "Zhang Weixiao"],
    "sex": ["M", "F", "M", "M"],
    "date_of_birth": ["1975-03-14", "2010-07-02", "1968", "1990-11-05"],
    "nationalities": ["RU", "UA", "EG;FR", "CN"],
})
ALIASES = pd.DataFrame({"notice_id": ["2021/100"], "family_name": ["Orlov"],
                        "forename": ["Dima"]})
# (trip_id, family, forename, sex, date of birth, nationality, true notice or "")
TRIP_ROWS = [
    ("T01", "SHCHUKIN", "DMITRII", "M", "1975-03-14", "RU", "2021/100"),  # ICAO spelling
    ("T02", "DMITRIJ", "SCHTSCHUKIN", "M", "1975-03-14", "DE", "2021/100"),  # German, swapped
    ("T03", "ORLOV", "DIMA", "M", "1975-03-14", "RU", "2021/100"),  # alias
    ("T04", "KOVALCHUK", "OLENA", "F", "2010-07-02", "UA", "2022/200"),  # birth name
    ("T05", "PETRENKO", "OLENA", "F", "2010-02-07", "UA", "2022/200"),  # day/month swapped
    ("T06", "PETRENKO", "OLENNA", "F", "2010-07-02", "UA", "2022/200"),  # typo
    ("T07", "MASRI", "MUHAMMAD", "M", "1968-01-20", "FR", "2023/300"),  # name variant
    ("T08", "EL MASRI", "MOHAMMED", "M", "", "EG", "2023/300"),  # date of birth missing
    ("T09", "CHANG", "WEI HSIAO", "M", "1990-11-05", "TW", "2023/400"),  # Wade-Giles
    ("T10", "SHCHUKIN", "DMITRII", "M", "1961-08-30", "KZ", ""),  # namesake: other DOB
    ("T11", "PETRENKO", "OLEG", "M", "2010-07-02", "UA", ""),  # the other sex (a twin)
    ("T12", "SMITH", "JOHN", "M", "1975-03-14", "GB", ""),  # same DOB only
    ("T13", "PETRENKO", "IRYNA", "F", "1982-04-11", "UA", ""),  # a relative
]
TRIPS = pd.DataFrame([row[:6] for row in TRIP_ROWS],
                     columns=["trip_id", "family_name", "forename", "sex", "date_of_birth",
                              "nationality"])
TRUTH = pd.DataFrame({"trip_id": [row[0] for row in TRIP_ROWS],
                      "notice_id": [row[6] for row in TRIP_ROWS]})
TRUE_PAIRS = {(row[0], row[6]) for row in TRIP_ROWS if row[6]}


@pytest.fixture(scope="module")
def candidates():
    return match_trips(TRIPS, NOTICES, ALIASES, return_candidates=True)


def _score(candidates, trip_id, notice_id):
    row = candidates[(candidates["trip_id"] == trip_id) & (candidates["notice_id"] == notice_id)]
    assert len(row) == 1, (trip_id, notice_id)
    return row.iloc[0]


def test_blocking_keeps_every_true_pair_and_saves_comparisons():
    pairs = block_candidates(TRIPS, NOTICES, ALIASES)
    assert TRUE_PAIRS <= set(zip(pairs["trip_id"], pairs["notice_id"], strict=True))
    assert len(pairs) < len(TRIPS) * len(NOTICES) / 2
    assert list(pairs.columns) == ["trip_id", "notice_id"]
    assert pairs.equals(pairs.sort_values(["trip_id", "notice_id"], ignore_index=True))
    # one shared token and another year of birth: not a candidate
    assert ("T13", "2022/200") not in set(zip(pairs["trip_id"], pairs["notice_id"],
                                              strict=True))


def test_swapped_order_scores_100(candidates):
    row = _score(candidates, "T02", "2021/100")
    assert row["name_score"] == 100
    assert row["order_swapped"]
    assert row["score"] >= DEFAULT_THRESHOLD


def test_every_true_pair_with_a_date_reaches_the_threshold(candidates):
    for trip_id, notice_id in TRUE_PAIRS - {("T08", "2023/300")}:
        assert _score(candidates, trip_id, notice_id)["score"] >= DEFAULT_THRESHOLD, trip_id


def test_evidence_kinds(candidates):
    assert _score(candidates, "T03", "2021/100")["name_kind"] == "alias"
    assert _score(candidates, "T04", "2022/200")["name_kind"] == "birth name"
    assert _score(candidates, "T05", "2022/200")["date_of_birth"] == "day_month_swapped"
    assert _score(candidates, "T07", "2023/300")["date_of_birth"] == "year_only"
    assert _score(candidates, "T07", "2023/300")["name_score"] == 100  # Muhammad = Mohamed
    assert _score(candidates, "T08", "2023/300")["date_of_birth"] == "missing"
    assert _score(candidates, "T09", "2023/400")["name_score"] == 100  # Wade-Giles = pinyin


def test_traps_score_below_the_threshold(candidates):
    pairs = block_candidates(TRIPS, NOTICES, ALIASES)
    assert ("T10", "2021/100") not in set(zip(pairs["trip_id"], pairs["notice_id"],
                                              strict=True))  # born in another year
    namesake = score_candidates(pd.DataFrame({"trip_id": ["T10"], "notice_id": ["2021/100"]}),
                                TRIPS, NOTICES).iloc[0]
    assert namesake["name_score"] == 100 and namesake["date_of_birth"] == "different"
    assert namesake["score"] < DEFAULT_THRESHOLD
    twin = _score(candidates, "T11", "2022/200")
    assert twin["sex"] == "different" and twin["score"] < DEFAULT_THRESHOLD
    matches = match_trips(TRIPS, NOTICES, ALIASES)
    assert not set(matches["trip_id"]) & {"T10", "T11", "T12", "T13"}
    assert matches["score"].is_monotonic_decreasing


def test_score_candidates_matches_match_trips(candidates):
    pairs = block_candidates(TRIPS, NOTICES, ALIASES)
    unknown = pd.DataFrame({"trip_id": ["T99"], "notice_id": ["2021/100"]})
    scored = score_candidates(pd.concat([pairs, unknown]), TRIPS, NOTICES, ALIASES)
    pd.testing.assert_frame_equal(scored, candidates)


def test_weights_change_the_score():
    pairs = pd.DataFrame({"trip_id": ["T10"], "notice_id": ["2021/100"]})
    names_only = score_candidates(pairs, TRIPS, NOTICES,
                                  weights={"name": 1.0, "date_of_birth": 0, "nationality": 0})
    assert names_only["score"].tolist() == [1.0]


def test_missing_evidence_is_neither_for_nor_against():
    notices = NOTICES.assign(nationalities=["", "UA", "EG;FR", "CN"], sex=["", "F", "M", "M"])
    pairs = pd.DataFrame({"trip_id": ["T01"], "notice_id": ["2021/100"]})
    row = score_candidates(pairs, TRIPS, notices).iloc[0]
    assert (row["nationality"], row["sex"]) == ("missing", "missing")
    assert row["score"] == round((0.5 + 0.35 + 0.15 * 0.5) * 0.9, 3)


def test_empty_trips():
    matches = match_trips(TRIPS.iloc[:0], NOTICES)
    assert len(matches) == 0 and "score" in matches.columns


def test_precision_recall_arithmetic():
    truth = pd.DataFrame({"trip_id": ["A", "B", "C", "D"], "notice_id": ["N1", "N2", "", ""]})
    matches = pd.DataFrame({"trip_id": ["A", "B", "C"], "notice_id": ["N1", "N1", "N1"]})
    result = precision_recall(matches, truth)
    assert result == {"n_predicted": 3, "n_correct": 1, "n_true": 2, "precision": 0.333,
                      "recall": 0.5, "f1": 0.4}
    assert precision_recall(matches.iloc[:0], truth)["precision"] == 0.0


def test_recall_by_variant():
    truth = TRUTH.assign(variant=["transliteration"] * 3 + ["birth_name"] * 3 + [""] * 7)
    matches = pd.DataFrame({"trip_id": ["T01", "T04", "T05", "T10"],
                            "notice_id": ["2021/100", "2022/200", "2021/100", "2021/100"]})
    table = recall_by_variant(matches, truth[truth["notice_id"] != ""].iloc[:6])
    assert table.values.tolist() == [["birth_name", 3, 1, 0.333],
                                     ["transliteration", 3, 1, 0.333]]


def test_label_pairs_and_curve(candidates):
    labels = label_pairs(candidates, TRUTH)
    assert labels.sum() == len(TRUE_PAIRS)
    curve = precision_recall_curve(candidates["score"], labels, n_true=len(TRUE_PAIRS))
    assert curve["threshold"].tolist() == [round(0.01 * i, 2) for i in range(101)]
    at = curve.set_index("threshold")
    assert at.loc[DEFAULT_THRESHOLD, "precision"] == 1.0
    assert at.loc[DEFAULT_THRESHOLD, "recall"] == round(8 / 9, 3)
    assert (np.diff(curve["recall"]) <= 0).all()


def test_choose_threshold():
    scores = [0.95, 0.9, 0.85, 0.8, 0.6, 0.5]
    labels = np.array([True, True, False, True, True, False])
    assert choose_threshold(scores, labels, 1.0) == 0.86
    # 0.51 reaches 0.8 but precision falls to 0.67 above: not a stable choice
    assert choose_threshold(scores, labels, 0.75) == 0.86
    assert choose_threshold(scores, labels, 0.6) == 0.0
    assert choose_threshold(scores, labels, 0.5) == 0.0
    assert np.isnan(choose_threshold([0.9], np.array([False]), 0.5))


def test_review_list_puts_missing_persons_first(candidates):
    matches = match_trips(TRIPS, NOTICES, ALIASES)
    table = review_list(matches, TRIPS, NOTICES)
    assert table["rank"].tolist() == list(range(1, len(matches) + 1))
    colours = table["colour"].tolist()
    assert colours == sorted(colours, key=["yellow", "green", "blue"].index)
    for _, group in table.groupby("colour"):
        assert group["score"].is_monotonic_decreasing
    row = table[table["trip_id"] == "T02"].iloc[0]
    assert row["evidence"] == "name 100 (order swapped), date of birth equal, nationality DE " \
                              "not on notice"
    assert row["notice_name"] == "Dmitriy Shchukin"
    assert len(review_list(matches, TRIPS, NOTICES, top=3)) == 3


def test_exact_matches_find_only_identical_spellings():
    pairs = exact_matches(TRIPS, NOTICES)
    assert pairs.values.tolist() == []  # every true trip here differs from its notice
    same = TRIPS.assign(family_name="PETRENKO", forename="OLENA", date_of_birth="2010-07-02")
    assert set(exact_matches(same, NOTICES)["notice_id"]) == {"2022/200"}


def test_load_travel(tmp_path):
    from vidlab.exceptions import DatasetError
    from vidlab.synth.travel import FILES, make_travel_records
    from vidlab.travel import load_travel

    make_travel_records(tmp_path / "travel", {"n_notices": 20, "n_trips": 300}, make_rng(0))
    tables = load_travel(tmp_path / "travel")
    for name, table in tables.items():
        assert list(table.columns) == FILES[name]
        assert not table.isna().any().any()  # empty cells are "", not NaN
    with pytest.raises(DatasetError, match="trips.csv is missing"):
        (tmp_path / "travel" / "trips.csv").unlink()
        load_travel(tmp_path / "travel")


def test_reduction_ratio():
    assert reduction_ratio(10, 100, 10) == 0.99
    assert reduction_ratio(0, 0, 10) == 0.0


def test_plot_precision_recall(candidates):
    labels = label_pairs(candidates, TRUTH)
    figure = plot_precision_recall(candidates["score"], labels, threshold=0.8)
    assert len(figure.axes) == 2


@pytest.mark.parametrize(("call", "message"), [
    (lambda: match_trips(TRIPS.drop(columns="sex"), NOTICES),
     "The 'trips' parameter of match_trips must have the columns"),
    (lambda: match_trips(TRIPS, NOTICES, threshold=1.5),
     r"The 'threshold' parameter of match_trips must be a number in \[0, 1\]. Got 1.5"),
    (lambda: match_trips(TRIPS, pd.concat([NOTICES, NOTICES])),
     "must have unique notice_id values"),
    (lambda: match_trips(TRIPS, NOTICES, weights={"name": 1}),
     "The 'weights' parameter of match_trips must be a dict"),
    (lambda: block_candidates(TRIPS, NOTICES, aliases=[1]),
     "The 'aliases' parameter of block_candidates must be a pandas DataFrame"),
    (lambda: review_list(TRIPS, TRIPS, NOTICES),
     "The 'matches' parameter of review_list must have the columns"),
    (lambda: review_list(match_trips(TRIPS, NOTICES), TRIPS, NOTICES, top=0),
     "The 'top' parameter of review_list must be an int >= 1"),
    (lambda: choose_threshold([0.5], np.array([True]), min_precision=2),
     "The 'min_precision' parameter of choose_threshold"),
    (lambda: precision_recall_curve([0.5, 0.4], [1, 0]),
     "The 'labels' parameter of precision_recall_curve must hold booleans"),
    (lambda: precision_recall_curve([0.5], np.array([True, False])),
     "must be one-dimensional and of the same length"),
    (lambda: precision_recall_curve([0.5], np.array([True]), n_true=0),
     "The 'n_true' parameter of precision_recall_curve must be an int >= the number"),
    (lambda: reduction_ratio(-1, 10, 10), "The 'n_pairs' parameter of reduction_ratio"),
])
def test_argument_errors(call, message):
    with pytest.raises(InvalidParameterError, match=message):
        call()


@pytest.fixture(scope="module")
def generated():
    files, truth = make_travel_tables({"n_notices": 300, "n_trips": 20_000}, make_rng(2))
    candidates = match_trips(files["trips"], files["notices"], files["aliases"],
                             return_candidates=True)
    return files, truth, candidates


def test_quality_on_generated_data(generated):
    files, truth, candidates = generated
    n_true = int((truth["trips"]["notice_id"] != "").sum())
    labels = label_pairs(candidates, truth["trips"])
    assert labels.sum() >= 0.98 * n_true  # blocking loses hardly any true pair
    assert reduction_ratio(len(candidates), len(files["trips"]), len(files["notices"])) > 0.99
    result = precision_recall(candidates[candidates["score"] >= DEFAULT_THRESHOLD],
                              truth["trips"])
    assert result["precision"] >= 0.95
    assert result["recall"] >= 0.85
    # trips whose dates of birth are both known: nearly all found
    dated = candidates[labels & (candidates["date_of_birth"] != "missing")]
    assert (dated["score"] >= DEFAULT_THRESHOLD).mean() >= 0.98


def test_traps_on_generated_data(generated):
    _, truth, candidates = generated
    traps = set(truth["trips"].loc[truth["trips"]["is_trap"], "trip_id"])
    matched = candidates[candidates["score"] >= DEFAULT_THRESHOLD]
    assert matched["trip_id"].isin(traps).sum() <= 0.05 * len(traps)
