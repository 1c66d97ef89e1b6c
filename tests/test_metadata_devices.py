"""Tests of vidlab.metadata.devices: linking files to devices and scoring the links."""

import pandas as pd
import pytest

from metadata_fixtures import make_metadata
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata import devices
from vidlab.metadata.devices import (
    LINK_COLUMNS,
    evaluate_linking,
    link_devices,
    summarize_devices,
)

PHONE = {"make": "Samsung", "model": "SM-G991B", "software": "G991BXXU5CVF1"}


def shot(path, minute, number=None, **extra):
    """A phone picture taken ``minute`` minutes after 10:00 on 2021-05-01 (local, no offset)."""
    stamp = pd.Timestamp("2021-05-01 10:00") + pd.Timedelta(minutes=minute)
    return {"path": path, **PHONE, "datetime_original": str(stamp),
            "image_number": number, **extra}


def test_serial_numbers_name_the_device():
    meta = make_metadata([
        {"path": "a.jpg", "make": "Canon", "model": "Canon EOS 80D", "serial": "0123"},
        {"path": "b.jpg", "make": "Canon", "model": "Canon EOS 80D", "serial": "0123",
         "software": "Adobe Photoshop 24.0", "gps_latitude": 1.0, "gps_longitude": 2.0},
        {"path": "c.jpg", "make": "Canon", "model": "Canon EOS 80D", "serial": "9999"},
        {"path": "d.png", "media": "image", "format": "PNG"},  # nothing about a device
    ])
    links = link_devices(meta)
    assert list(links.columns) == LINK_COLUMNS
    assert links.values.tolist() == [["a.jpg", "D01", "serial"], ["b.jpg", "D01", "serial"],
                                     ["c.jpg", "D02", "serial"], ["d.png", "", ""]]


def test_two_bodies_of_one_model_are_split_by_interleaved_image_numbers():
    # body A counts from 120, body B from 4410; they take turns over an afternoon
    rows = []
    for k in range(6):
        rows.append(shot(f"a{k}.jpg", 10 * k, 120 + k))
        rows.append(shot(f"b{k}.jpg", 10 * k + 3, 4410 + 2 * k))
    links = link_devices(make_metadata(rows)).set_index("path")
    body_a = {links.loc[f"a{k}.jpg", "device"] for k in range(6)}
    body_b = {links.loc[f"b{k}.jpg", "device"] for k in range(6)}
    assert len(body_a) == 1 and len(body_b) == 1 and body_a != body_b
    assert set(links["linked_by"]) == {"sequence"}

    # without the sequence trait they are one group
    merged = link_devices(make_metadata(rows), traits=("offset", "gps"))
    assert merged["device"].nunique() == 1 and set(merged["linked_by"]) == {"traits"}


def test_overlapping_counter_ranges_are_split_by_gaps_too():
    # both counters near 100: A 100,101,102... B 103,104... would interleave in number as well
    rows = [shot("a0.jpg", 0, 100), shot("b0.jpg", 1, 140), shot("a1.jpg", 2, 101),
            shot("b1.jpg", 3, 141), shot("a2.jpg", 4, 102), shot("b2.jpg", 5, 142),
            shot("a3.jpg", 6, 103), shot("b3.jpg", 7, 143)]
    links = link_devices(make_metadata(rows))
    assert links["device"].tolist() == ["D01", "D02"] * 4


def test_one_body_is_not_split_by_copies_or_a_counter_reset():
    rows = [shot("p0.jpg", 0, 9997), shot("p1.jpg", 1, 9998), shot("p2.jpg", 2, 9999),
            shot("p3.jpg", 3, 1), shot("p4.jpg", 4, 2),
            shot("p4_copy.jpg", 4, 2),  # the same picture copied keeps its EXIF
            shot("p5.jpg", 5, None)]     # no ImageNumber
    links = link_devices(make_metadata(rows))
    assert links["device"].unique().tolist() == ["D01"]
    assert set(links["linked_by"]) == {"traits"}


def test_greedy_chains_for_large_groups_agree(monkeypatch):
    rows = []
    for k in range(5):
        rows.append(shot(f"a{k}.jpg", 10 * k, 120 + k))
        rows.append(shot(f"b{k}.jpg", 10 * k + 3, 4410 + k))
    exact = link_devices(make_metadata(rows))
    monkeypatch.setattr(devices, "_EXACT_CHAINS", 0)
    assert link_devices(make_metadata(rows))["device"].tolist() == exact["device"].tolist()
    assert exact["device"].nunique() == 2


def test_traits_split_same_model_devices():
    rows = [shot("gps.jpg", 0, gps_latitude=48.1, gps_longitude=11.5),
            shot("nogps.jpg", 1),
            {**shot("offset.jpg", 2), "datetime_original": "2021-05-01 10:02:00+02:00"},
            {**shot("big.jpg", 3), "claimed_width": 4000, "claimed_height": 3000},
            {**shot("tall.jpg", 4), "claimed_width": 3000, "claimed_height": 4000},
            {**shot("small.jpg", 5), "claimed_width": 1600, "claimed_height": 1200}]
    meta = make_metadata(rows)
    links = link_devices(meta).set_index("path")["device"]
    assert links["gps.jpg"] != links["nogps.jpg"]
    assert links["offset.jpg"] != links["nogps.jpg"]
    assert links["big.jpg"] == links["small.jpg"] == links["nogps.jpg"]
    by_size = link_devices(meta, traits="offset,gps,dimensions").set_index("path")["device"]
    assert by_size["big.jpg"] == by_size["tall.jpg"] != by_size["small.jpg"]
    with pytest.raises(InvalidParameterError, match="'traits'.*'colour'"):
        link_devices(meta, traits=["colour"])


def test_editor_software_joins_the_device_it_matches():
    rows = [shot("p0.jpg", 0), shot("p1.jpg", 1),
            {**shot("edited.jpg", 2), "software": "GIMP 2.10.34"},
            {"path": "other.jpg", "make": "Apple", "model": "iPhone 12", "software": "15.1"}]
    links = link_devices(make_metadata(rows))
    assert links["device"].tolist() == ["D02", "D02", "D02", "D01"]  # Apple sorts first


def test_evaluate_linking_pairwise_scores():
    links = pd.DataFrame({"path": ["/case/w/a.jpg", "/case/w/b.jpg", "/case/w/c.jpg",
                                   "/case/w/d.jpg", "/case/w/e.jpg", "/case/w/x.jpg"],
                          "device": ["D01", "D01", "D01", "D02", "", "D02"]})
    truth = pd.DataFrame({"path": ["a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg", "x.jpg"],
                          "device_id": ["C1", "C1", "C2", "C2", "C2", ""]})
    result = evaluate_linking(links, truth, root="/case/w")
    # scored: a b c d e; predicted pairs ab ac bc (1 right), true pairs ab cd ce de
    assert result["n_files"] == 5
    assert result["n_pairs_predicted"] == 3 and result["n_pairs_true"] == 4
    assert result["n_pairs_correct"] == 1
    assert result["precision"] == pytest.approx(1 / 3)
    assert result["recall"] == pytest.approx(1 / 4)
    assert result["f1"] == pytest.approx(2 / 7)
    assert result["n_devices_true"] == 2 and result["n_devices_predicted"] == 3
    assert -1 <= result["adjusted_rand"] < 0.5

    perfect = evaluate_linking(dict(zip(truth["path"], truth["device_id"], strict=True)),
                               truth[truth["device_id"] != ""])
    assert (perfect["precision"], perfect["recall"], perfect["adjusted_rand"]) == (1, 1, 1)
    with pytest.raises(InvalidParameterError, match="'groups'"):
        evaluate_linking(["D01"], truth)


def test_summarize_devices_describes_each_group():
    rows = [{**shot("p0.jpg", 0, 7), "gps_latitude": 1.0, "gps_longitude": 1.0},
            shot("p1.jpg", 5, 9), {**shot("p2.jpg", 9, 8), "software": "Snapseed 2.0"},
            {"path": "none.jpg"}]
    meta = make_metadata(rows)
    summary = summarize_devices(meta, link_devices(meta, traits=("offset", "sequence")))
    assert summary.to_dict("records") == [{
        "device": "D01", "n_files": 3, "linked_by": "traits", "make": "Samsung",
        "model": "SM-G991B", "serial": "", "software": "G991BXXU5CVF1; Snapseed 2.0",
        "lens": "", "gps_share": pytest.approx(1 / 3), "offset_share": 0.0,
        "image_numbers": "7-9", "first_capture": "2021-05-01T10:00:00",
        "last_capture": "2021-05-01T10:09:00"}]


def test_an_edited_file_joins_the_nearest_of_several_matching_devices():
    rows = [shot("old0.jpg", 0, 2480), shot("old1.jpg", 1, 2481),
            {**shot("new0.jpg", 2, 7730), "software": "MIUI 13"},
            {**shot("new1.jpg", 3, 7731), "software": "MIUI 13"},
            {**shot("edited_old.jpg", 4, 2482), "software": "Adobe Photoshop 23.1"},
            {**shot("edited_new.jpg", 5, 7733), "software": "GIMP 2.8.16"},
            {**shot("edited_nothing.jpg", 6, None), "datetime_original": None,
             "software": "GIMP 2.8.16"}]
    links = link_devices(make_metadata(rows)).set_index("path")["device"]
    assert links["edited_old.jpg"] == links["old0.jpg"] != links["new0.jpg"]
    assert links["edited_new.jpg"] == links["new0.jpg"]
    assert links["edited_nothing.jpg"] not in {links["old0.jpg"], links["new0.jpg"]}
