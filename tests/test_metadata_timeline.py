"""Tests of vidlab.metadata.timeline: one UTC timeline and the clock checks."""

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from metadata_fixtures import COLUMNS, make_metadata
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata.timeline import (
    CHECKS,
    INCONSISTENCY_COLUMNS,
    TIMELINE_COLUMNS,
    build_timeline,
    find_inconsistencies,
    plot_timeline,
)

matplotlib.use("Agg")  # no display needed; set before any figure is made

def utc(text):
    return pd.Timestamp(text, tz="UTC")


def test_fixture_has_the_contract_columns_and_dtypes():
    meta = make_metadata([{"datetime_original": "2021-03-04 10:11:12+02:00"}])
    assert list(meta.columns) == list(COLUMNS)
    assert str(meta["datetime_original_utc"].dtype) == "datetime64[ns, UTC]"
    assert str(meta["image_number"].dtype) == "Int64"
    assert meta["offset_original"][0] == "+02:00"
    assert meta["datetime_original_utc"][0] == utc("2021-03-04 08:11:12")


def test_every_source_becomes_utc_with_its_basis():
    meta = make_metadata([{
        "path": "a.jpg", "make": "Canon", "model": "Canon EOS 80D",
        "datetime_original": "2021-03-04 10:11:12+02:00",
        "datetime_modified": "2021-03-04 10:11:12+02:00",
        "gps_datetime_utc": utc("2021-03-04 08:11:10"),
        "file_modified_utc": utc("2021-03-05 09:00:00"),
    }, {
        "path": "v.mp4", "media": "video", "container_created_utc": utc("2021-03-04 07:00:00"),
    }])
    timeline = build_timeline(meta)
    assert list(timeline.columns) == TIMELINE_COLUMNS
    assert str(timeline["time_utc"].dtype) == "datetime64[ns, UTC]"
    rows = timeline[["path", "source", "time_utc", "basis"]].values.tolist()
    assert rows == [
        ["v.mp4", "container_created", utc("2021-03-04 07:00:00"), "utc"],
        ["a.jpg", "gps", utc("2021-03-04 08:11:10"), "utc"],
        ["a.jpg", "exif_original", utc("2021-03-04 08:11:12"), "offset"],
        ["a.jpg", "exif_modified", utc("2021-03-04 08:11:12"), "offset"],
        ["a.jpg", "file_modified", utc("2021-03-05 09:00:00"), "utc"],
    ]
    first = timeline[timeline["source"] == "exif_original"].iloc[0]
    assert first["recorded"] == "2021-03-04T10:11:12+02:00"
    assert first["camera"] == "Canon EOS 80D"  # the make is not repeated
    assert timeline.attrs["n_left_out"] == 0


def test_naive_times_are_left_out_with_a_warning_unless_a_zone_is_given():
    meta = make_metadata([{"path": "n.jpg", "datetime_original": "2021-01-10 12:00:00",
                           "file_modified_utc": utc("2021-01-11 00:00:00")}])
    with pytest.warns(UserWarning, match="1 EXIF time"):
        timeline = build_timeline(meta)
    assert timeline["source"].tolist() == ["file_modified"]
    assert timeline.attrs["n_left_out"] == 1

    berlin = build_timeline(meta, assume_timezone="Europe/Berlin")  # winter: UTC+1
    row = berlin[berlin["source"] == "exif_original"].iloc[0]
    assert row["time_utc"] == utc("2021-01-10 11:00:00")
    assert row["basis"] == "assumed:Europe/Berlin"
    assert row["recorded"] == "2021-01-10T12:00:00"

    fixed = build_timeline(meta, assume_timezone="+05:30")
    assert fixed["time_utc"].iloc[0] == utc("2021-01-10 06:30:00")
    per_file = build_timeline(meta, assume_timezone={"n.jpg": "America/New_York"})
    assert per_file["time_utc"].iloc[0] == utc("2021-01-10 17:00:00")


def test_a_wall_time_skipped_by_daylight_saving_is_not_guessed():
    meta = make_metadata([{"datetime_original": "2021-03-28 02:30:00"},   # does not exist
                          {"datetime_original": "2021-10-31 02:30:00"},   # happens twice
                          {"datetime_original": "2021-07-01 12:00:00"}])
    with pytest.warns(UserWarning, match="2 EXIF time"):
        timeline = build_timeline(meta, assume_timezone="Europe/Berlin")
    assert timeline["time_utc"].tolist() == [utc("2021-07-01 10:00:00")]


def test_an_unknown_zone_is_refused():
    meta = make_metadata([{"datetime_original": "2021-01-10 12:00:00"}])
    with pytest.raises(InvalidParameterError, match="assume_timezone.*Mars/Olympus"):
        build_timeline(meta, assume_timezone="Mars/Olympus")


def checks(found):
    return found[["path", "check", "seconds"]].values.tolist()


def test_a_two_hour_clock_error_is_a_time_zone_error():
    meta = make_metadata([{"path": "tz.jpg", "datetime_original": "2021-03-04 12:00:00+02:00",
                           "gps_datetime_utc": utc("2021-03-04 08:00:00")}])
    found = find_inconsistencies(meta)
    assert list(found.columns) == INCONSISTENCY_COLUMNS
    assert checks(found) == [["tz.jpg", "wrong_timezone", 7200.0]]
    assert "2 h ahead of GPS time" in found["detail"][0]
    assert "+2 h" in found["detail"][0]


def test_a_slow_clock_is_a_clock_error_and_small_lags_are_noise():
    meta = make_metadata([
        {"path": "slow.jpg", "datetime_original": "2021-03-04 09:55:00+01:00",
         "gps_datetime_utc": utc("2021-03-04 09:00:00")},
        {"path": "ok.jpg", "datetime_original": "2021-03-04 10:00:20+01:00",
         "gps_datetime_utc": utc("2021-03-04 09:00:00")},
        {"path": "drift.jpg", "datetime_original": "2021-03-04 13:03:00+01:00",
         "gps_datetime_utc": utc("2021-03-04 09:00:00")},
    ])
    found = find_inconsistencies(meta)
    assert checks(found) == [["drift.jpg", "clock_error", 3 * 3600 + 180.0],
                             ["slow.jpg", "clock_error", -300.0]]
    assert found["detail"].tolist() == ["camera clock is 3 h 3 min ahead of GPS time",
                                        "camera clock is 5 min behind GPS time"]
    assert checks(find_inconsistencies(meta, tolerance=10))[1] == ["ok.jpg", "clock_error", 20.0]


def test_gps_check_needs_a_zone_for_naive_times():
    meta = make_metadata([{"path": "n.jpg", "datetime_original": "2021-03-04 12:00:00",
                           "gps_datetime_utc": utc("2021-03-04 10:00:00")}])
    assert find_inconsistencies(meta).empty
    found = find_inconsistencies(meta, assume_timezone="Europe/Berlin")  # UTC+1 in March
    assert checks(found) == [["n.jpg", "wrong_timezone", 3600.0]]
    assert "zone assumed: Europe/Berlin" in found["detail"][0]


def test_datetime_before_datetime_original_on_the_same_clock():
    meta = make_metadata([
        {"path": "back.jpg", "datetime_original": "2021-03-04 12:00:00",
         "datetime_modified": "2021-03-04 11:30:00"},
        {"path": "later.jpg", "datetime_original": "2021-03-04 12:00:00",
         "datetime_modified": "2021-03-09 08:00:00"},
    ])
    found = find_inconsistencies(meta)
    assert checks(found) == [["back.jpg", "modified_before_original", 1800.0]]
    assert found["detail"][0] == "DateTime is 30 min earlier than DateTimeOriginal"


def test_file_time_before_capture():
    meta = make_metadata([
        {"path": "early.jpg", "datetime_original": "2021-03-04 12:00:00+00:00",
         "file_modified_utc": utc("2021-03-04 10:00:00")},
        {"path": "copy.jpg", "datetime_original": "2021-03-04 12:00:00+00:00",
         "file_modified_utc": utc("2021-06-01 10:00:00")},
    ])
    found = find_inconsistencies(meta)
    assert checks(found) == [["early.jpg", "file_before_capture", 7200.0]]
    assert "2 h before the capture time" in found["detail"][0]


def test_video_container_written_in_local_time():
    meta = make_metadata([
        {"path": "local.mp4", "media": "video", "duration_s": 10.0,
         "container_created_utc": utc("2021-03-04 14:00:00"),
         "file_modified_utc": utc("2021-03-04 11:00:10")},
        {"path": "utc.mp4", "media": "video", "duration_s": 10.0,
         "container_created_utc": utc("2021-03-04 11:00:00"),
         "file_modified_utc": utc("2021-03-04 11:00:10")},
        {"path": "copied.mp4", "media": "video", "duration_s": 10.0,
         "container_created_utc": utc("2021-03-04 11:00:00"),
         "file_modified_utc": utc("2021-05-04 16:17:18")},
    ])
    found = find_inconsistencies(meta, tolerance=5)
    # local.mp4: the container is 3 h after the start of recording (file time minus duration)
    assert checks(found) == [["local.mp4", "container_local_time", 10800.0]]
    assert "local time written as UTC" in found["detail"][0]


def test_every_check_is_explained_and_tolerance_is_validated():
    assert set(CHECKS) == {"modified_before_original", "file_before_capture",
                           "wrong_timezone", "clock_error", "container_local_time"}
    with pytest.raises(InvalidParameterError, match="'tolerance'"):
        find_inconsistencies(make_metadata([{}]), tolerance=-1)
    with pytest.raises(InvalidParameterError, match="Missing: path"):
        find_inconsistencies(pd.DataFrame({"x": [1]}))


def test_plot_timeline_draws_lanes_and_highlights():
    meta = make_metadata([
        {"path": "tz.jpg", "make": "Sony", "model": "ILCE-7",
         "datetime_original": "2021-03-04 12:00:00+02:00",
         "gps_datetime_utc": utc("2021-03-04 08:00:00"),
         "file_modified_utc": utc("2021-03-05 08:00:00")},
        {"path": "n.jpg", "datetime_original": "2021-03-04 12:00:00"},
    ])
    timeline = build_timeline(meta, assume_timezone="UTC")
    ax = plot_timeline(timeline, inconsistencies=find_inconsistencies(meta))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["exif_original", "gps",
                                                            "file_modified"]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["local time + stated offset", "UTC clock", "local time + assumed zone",
                      "inconsistent file"]
    rings = ax.collections[-1]
    assert len(rings.get_offsets()) == 3  # the three times of tz.jpg
    assert ax.get_title() == "Timeline (UTC)" and ax.get_xlabel() == "time (UTC)"
    plt.close(ax.figure)

    fig, axes = plt.subplots(1, 2)
    ax = plot_timeline(timeline, ax=axes[1], by="camera", title="By camera")
    assert ax is axes[1]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["(unknown)", "Sony ILCE-7"]
    assert ax.get_title() == "By camera"
    plt.close(fig)
