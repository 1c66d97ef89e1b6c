"""The travel lesson's recorded answers against the ``travel_records`` generator's truth.

``check_travel_answers(answers, dataset)`` is called by tests/test_curricula.py with the
answers of notebooks/50_travel/01_notices_and_travel.ipynb (default parameters: threshold
0.8, min_precision 0.98) and the dataset they were computed on.
"""

import pandas as pd

from vidlab.travel import fold_accents, load_travel, match_trips

TRAVEL_ANSWERS = ("travel.n_yellow", "travel.exact_recall", "travel.n_candidates",
                  "travel.precision_at_threshold", "travel.recall_at_threshold",
                  "travel.threshold_for_precision", "travel.top5_notices",
                  "travel.n_traps_matched")
THRESHOLD = 0.8
MIN_PRECISION = 0.98


def _document_name(forename, family):
    text = fold_accents(f"{forename} {family}").upper()
    return " ".join("".join(c if "A" <= c <= "Z" else " " for c in text).split())


def check_travel_answers(answers, dataset):
    """Assert each travel answer against the ground truth of ``dataset``."""
    assert set(TRAVEL_ANSWERS) <= set(answers), sorted(set(TRAVEL_ANSWERS) - set(answers))
    tables = load_travel(dataset.path("travel"))
    notices, trips = tables["notices"], tables["trips"]
    truth = dataset.ground_truth("travel_trips")
    truth["notice_id"] = truth["notice_id"].fillna("").astype(str)
    subject = truth[truth["notice_id"] != ""].merge(trips, on="trip_id").merge(
        notices, on="notice_id", suffixes=("", "_notice"))
    true_pairs = set(zip(subject["trip_id"], subject["notice_id"], strict=True))
    traps = set(truth.loc[truth["is_trap"].astype(bool), "trip_id"])

    assert answers["travel.n_yellow"] == int((notices["colour"] == "yellow").sum())

    # exact matching finds exactly the subjects' trips spelled and dated as on the notice
    same = [
        _document_name(row.forename, row.family_name)
        == _document_name(row.forename_notice, row.family_name_notice)
        and row.date_of_birth != "" and row.date_of_birth == row.date_of_birth_notice
        for row in subject.itertuples()]
    assert answers["travel.exact_recall"] == round(sum(same) / len(true_pairs), 3)
    assert answers["travel.exact_recall"] < 0.5

    n_all = len(trips) * len(notices)
    assert len(true_pairs) <= answers["travel.n_candidates"] < 0.01 * n_all

    matches = match_trips(trips, notices, tables["aliases"], threshold=THRESHOLD)
    found = set(zip(matches["trip_id"], matches["notice_id"], strict=True))
    precision = round(len(found & true_pairs) / len(found), 3)
    recall = round(len(found & true_pairs) / len(true_pairs), 3)
    assert answers["travel.precision_at_threshold"] == precision
    assert answers["travel.recall_at_threshold"] == recall
    assert precision >= 0.9 and recall >= 0.75
    assert answers["travel.recall_at_threshold"] > answers["travel.exact_recall"]

    chosen = answers["travel.threshold_for_precision"]
    assert 0.5 <= chosen <= 1.0
    strict = match_trips(trips, notices, tables["aliases"], threshold=chosen)
    kept = set(zip(strict["trip_id"], strict["notice_id"], strict=True))
    assert len(kept & true_pairs) >= MIN_PRECISION * len(kept)

    top5 = answers["travel.top5_notices"]
    assert top5 == sorted(set(top5)) and 1 <= len(top5) <= 5
    colours = notices.set_index("notice_id")["colour"]
    n_yellow_matched = len({n for _, n in found if colours[n] == "yellow"})
    assert all(colours[notice_id] == "yellow" for notice_id in top5) or n_yellow_matched < 5
    # the subject of each listed notice really travelled
    assert set(top5) <= {notice_id for _, notice_id in true_pairs}

    n_traps = int(pd.Series(sorted(trip for trip, _ in found)).isin(traps).sum())
    assert answers["travel.n_traps_matched"] == n_traps
    assert n_traps <= 0.1 * len(traps)
