"""Tests of vidlab.metadata.edits: editing traces, their score and their evaluation."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from metadata_fixtures import make_metadata
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata.edits import (
    EDITORS,
    SCORE_COLUMNS,
    TRACES,
    evaluate_edits,
    match_editor,
    plot_edit_scores,
    score_edits,
)

matplotlib.use("Agg")  # no display needed; set before any figure is made

CAMERA = {"make": "Canon", "model": "Canon EOS 80D", "software": "Firmware Version 1.0.2",
          "datetime_original": "2021-03-04 12:00:00", "datetime_modified": "2021-03-04 12:00:00",
          "claimed_width": 4000, "claimed_height": 3000, "width": 4000, "height": 3000,
          "orientation": 1, "has_thumbnail": True, "thumbnail_distance": 2.0}


@pytest.mark.parametrize(("software", "expected"), [
    ("Adobe Photoshop 24.1 (Windows)", "Adobe Photoshop"),
    ("Adobe Photoshop Lightroom Classic 12.1 (Macintosh)", "Lightroom"),
    ("GIMP 2.10.34", "GIMP"), ("gimp", "GIMP"), ("Snapseed 2.0", "Snapseed"),
    ("paint.net 5.0.9", "Paint.NET"), ("PhotoScape X", "PhotoScape"),
    ("Pixelmator Pro 3.3", "Pixelmator"), ("Affinity Photo 2", "Affinity Photo"),
    ("Picasa", "Picasa"), ("Canva", "Canva"),
    ("Firmware Version 1.0.2", ""), ("G991BXXU5CVF1", ""), ("", ""), (None, ""),
])
def test_match_editor(software, expected):
    assert match_editor(software) == expected


def test_editor_list_has_the_required_programs():
    for name in ("Adobe Photoshop", "Lightroom", "GIMP", "Snapseed", "Paint.NET", "PhotoScape",
                 "Pixelmator", "Affinity Photo", "Picasa", "Canva"):
        assert name in EDITORS


def flags(scores, path):
    row = scores.set_index("path").loc[path]
    return [bool(row[column]) for column in TRACES.values()]


def test_each_trace_is_flagged_on_its_own():
    meta = make_metadata([
        {"path": "clean.jpg", **CAMERA},
        {"path": "software.jpg", **CAMERA, "software": "Adobe Photoshop 24.1 (Windows)"},
        {"path": "datetime.jpg", **CAMERA, "datetime_modified": "2021-03-06 12:00:00"},
        {"path": "thumbnail.jpg", **CAMERA, "thumbnail_distance": 24.0},
        {"path": "dimensions.jpg", **CAMERA, "width": 3500, "height": 2600},
    ])
    scores = score_edits(meta)
    assert list(scores.columns) == SCORE_COLUMNS
    #                      software, datetime, thumbnail, dimensions
    assert flags(scores, "clean.jpg") == [False, False, False, False]
    assert flags(scores, "software.jpg") == [True, False, False, False]
    assert flags(scores, "datetime.jpg") == [False, True, False, False]
    assert flags(scores, "thumbnail.jpg") == [False, False, True, False]
    assert flags(scores, "dimensions.jpg") == [False, False, False, True]
    assert scores["traces"].tolist() == ["", "software", "datetime", "thumbnail", "dimensions"]
    assert scores["score"].tolist() == [0.0, 0.3, 0.2, 0.3, 0.2]
    assert scores["n_traces"].tolist() == [0, 1, 1, 1, 1]
    assert scores["editor"].tolist() == ["", "Adobe Photoshop", "", "", ""]
    assert scores["seconds_after_original"].tolist() == [0.0, 0.0, 172800.0, 0.0, 0.0]


def test_rotated_pictures_may_swap_their_dimensions():
    meta = make_metadata([
        {"path": "turned.jpg", **CAMERA, "width": 3000, "height": 4000, "orientation": 6},
        {"path": "turned8.jpg", **CAMERA, "width": 3000, "height": 4000, "orientation": 8},
        {"path": "not_turned.jpg", **CAMERA, "width": 3000, "height": 4000, "orientation": 1},
        {"path": "no_claim.jpg", **CAMERA, "claimed_width": None, "claimed_height": None,
         "width": 10, "height": 10},
        {"path": "no_orientation.jpg", **CAMERA, "width": 3000, "height": 4000,
         "orientation": None},
    ])
    assert score_edits(meta)["dimension_mismatch"].tolist() == [False, False, True, False, True]


def test_modified_after_original_uses_utc_when_offsets_are_known_and_a_tolerance():
    meta = make_metadata([
        {"path": "zones.jpg", **CAMERA, "datetime_original": "2021-03-04 12:00:00+02:00",
         "datetime_modified": "2021-03-04 11:30:00+00:00"},  # 1.5 h later in UTC
        {"path": "second.jpg", **CAMERA, "datetime_modified": "2021-03-04 12:00:30"},
        {"path": "missing.jpg", **CAMERA, "datetime_modified": None},
    ])
    scores = score_edits(meta)
    assert scores["modified_after_original"].tolist() == [True, False, False]
    assert scores["seconds_after_original"].iloc[0] == 5400.0
    assert np.isnan(scores["seconds_after_original"].iloc[2])
    assert score_edits(meta, tolerance=10)["modified_after_original"].tolist() == [
        True, True, False]


def test_thumbnail_threshold_and_weights():
    meta = make_metadata([{"path": "a.jpg", **CAMERA, "thumbnail_distance": 10.0},
                          {"path": "b.jpg", **CAMERA, "thumbnail_distance": 11.0},
                          {"path": "c.jpg", **CAMERA, "thumbnail_distance": None,
                           "software": "Snapseed"}])
    scores = score_edits(meta)
    assert scores["thumbnail_mismatch"].tolist() == [False, True, False]
    weighted = score_edits(meta, weights={"thumbnail": 1, "software": 0, "datetime": 0,
                                          "dimensions": 0})
    assert weighted["score"].tolist() == [0.0, 1.0, 0.0]
    with pytest.raises(InvalidParameterError, match="'weights'"):
        score_edits(meta, weights={"colour": 1})
    with pytest.raises(InvalidParameterError, match="'thumbnail_threshold'"):
        score_edits(meta, thumbnail_threshold="high")


def make_case():
    meta = make_metadata([
        {"path": "/case/world/series/a.jpg", **CAMERA, "software": "GIMP 2.10",
         "thumbnail_distance": 30.0},                                        # edited, both found
        {"path": "/case/world/series/b.jpg", **CAMERA,
         "datetime_modified": "2021-04-01 09:00:00"},                         # edited, datetime
        {"path": "/case/world/series/c.jpg", **CAMERA, "width": 3600},        # edited, missed
        {"path": "/case/world/series/d.jpg", **CAMERA, "thumbnail_distance": 15.0},  # false alarm
        {"path": "/case/world/series/e.jpg", **CAMERA},                       # clean
        {"path": "/case/world/variants/v.jpg"},                               # not evaluated
    ])
    truth = pd.DataFrame({
        "path": ["series/a.jpg", "series/b.jpg", "series/c.jpg", "series/d.jpg",
                 "series/e.jpg", "variants/v.jpg"],
        "edited": ["True", "True", "True", "False", "False", ""],
        "edit_traces": ["software;thumbnail", "datetime", "software", "", "", ""],
    })
    return meta, truth


def test_evaluate_edits_per_trace_and_overall():
    meta, truth = make_case()
    table = evaluate_edits(score_edits(meta), truth, root="/case/world")
    assert table["trace"].tolist() == ["software", "datetime", "thumbnail", "dimensions",
                                       "edited"]
    rows = table.set_index("trace")
    assert rows["n_files"].unique().tolist() == [5]
    assert rows.loc["software", ["n_true", "n_flagged", "n_correct"]].tolist() == [2, 1, 1]
    assert (rows.loc["software", "precision"], rows.loc["software", "recall"]) == (1.0, 0.5)
    assert (rows.loc["datetime", "precision"], rows.loc["datetime", "recall"]) == (1.0, 1.0)
    assert rows.loc["thumbnail", "precision"] == 0.5 and rows.loc["thumbnail", "recall"] == 1.0
    # c.jpg's dimensions are flagged but the truth does not list that trace
    assert rows.loc["dimensions", ["n_true", "n_flagged", "precision"]].tolist() == [0, 1, 0.0]
    # overall: a, b, c found edited, d a false alarm
    assert rows.loc["edited", ["n_true", "n_flagged", "n_correct"]].tolist() == [3, 4, 3]
    assert rows.loc["edited", "precision"] == 0.75 and rows.loc["edited", "recall"] == 1.0
    assert rows.loc["edited", "f1"] == pytest.approx(6 / 7)

    strict = evaluate_edits(score_edits(meta), truth, min_score=0.5).set_index("trace")
    assert strict.loc["edited", ["n_flagged", "n_correct"]].tolist() == [1, 1]  # a.jpg: 0.6


def test_plot_edit_scores_bars():
    meta, truth = make_case()
    scores = score_edits(meta)
    ax = plot_edit_scores(scores)
    assert [bar.get_height() for bar in ax.patches] == [1, 1, 2, 1]
    assert ax.get_title() == "Edit traces found" and ax.get_ylabel() == "files"
    plt.close(ax.figure)

    fig, ax = plt.subplots()
    assert plot_edit_scores(scores, ax=ax, truth=truth, root="/case/world") is ax
    heights = [bar.get_height() for bar in ax.patches]
    assert heights == [1, 1, 1, 0, 0, 0, 1, 1]  # correct, then false alarms, per trace
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert sorted(labels) == ["files truly edited this way", "flagged, false alarm",
                              "flagged, truly edited this way"]
    plt.close(fig)
