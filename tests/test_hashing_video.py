"""Tests for vidlab.hashing.video against the vPDQ reference data (ThreatExchange sample
videos and their per-frame reference hashes in /work/shared/conformance/vpdq).

Figures measured when these tests were written (PyAV 18, vidlab's PDQ, 2-core machine):
see the bounds and comments at each test.
"""

import itertools

import numpy as np
import pandas as pd
import pytest

import conftest
from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.hashing.value import HashValue
from vidlab.hashing.video import (
    COLUMNS,
    VideoFrameHash,
    frame_hashes,
    frame_table,
    hash_video,
    match_videos,
    read_vpdq_file,
    write_vpdq_file,
)

VPDQ = conftest.CONFORMANCE / "vpdq"
needs_conformance = pytest.mark.skipif(
    not (VPDQ / "hashes").is_dir(), reason=f"vPDQ conformance data not found in {VPDQ}"
)
NAMES = (
    "chair-19-sd-bar",
    "chair-22-sd-sepia-bar",
    "chair-22-with-large-logo-bar",
    "doorknob-hd-no-bar",
    "pattern-sd-grey-bar",
)
SHORT = "doorknob-hd-no-bar"  # 120 frames, 4 s: the video hashed in the fast suite


def reference(name):
    return read_vpdq_file(VPDQ / "hashes" / f"{name}.txt")


def video(name):
    return VPDQ / "videos" / f"{name}.mp4"


def brute_force(query, compared, max_distance, min_quality, dedupe):
    """The reference matcher written out as its loops (python-threatexchange's
    match_VPDQ_hash_brute, the C++ matchTwoHashBrute): the oracle for match_videos."""

    def keep(table):
        seen, kept = set(), []
        for pdq, quality in zip(table["pdq"], table["quality"], strict=True):
            if dedupe and pdq in seen:
                continue
            seen.add(pdq)
            if quality >= min_quality:
                kept.append(int(pdq, 16))
        return kept

    def share(first, second):
        hits = sum(any((a ^ b).bit_count() <= max_distance for b in second) for a in first)
        return 100.0 * hits / len(first)

    q, c = keep(query), keep(compared)
    return share(q, c), share(c, q)


def pdq_hasher():
    return pytest.importorskip("vidlab.hashing.pdq", reason="vidlab.hashing.pdq not available")


# --- reading and writing the reference format ---------------------------------------------


@needs_conformance
@pytest.mark.parametrize("name", NAMES)
def test_reference_files_round_trip_byte_for_byte(name, tmp_path):
    table = reference(name)
    assert list(table.columns) == list(COLUMNS)
    assert table["frame_number"].tolist() == list(range(len(table)))
    write_vpdq_file(table, tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_bytes() == (VPDQ / "hashes" / f"{name}.txt").read_bytes()


def test_records_and_tables_convert_both_ways():
    frames = [VideoFrameHash(i * 30, 90 + i, HashValue.from_hex(f"{i:02x}" * 32, "pdq"), i * 1.0)
              for i in range(3)]
    table = frame_table(frames)
    assert table["frame_number"].tolist() == [0, 30, 60]
    assert frame_hashes(table) == frames


def test_malformed_vpdq_file_names_the_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("0,100," + "ab" * 32 + ",0.000\n1,100,xyz,0.033\n")
    with pytest.raises(InvalidParameterError, match="bad.txt, line 2"):
        read_vpdq_file(path)


def test_old_three_field_lines_read_with_unknown_seconds(tmp_path):
    path = tmp_path / "old.txt"
    path.write_text("0,100," + "AB" * 32 + "\n")
    table = read_vpdq_file(path)
    assert table["pdq"].tolist() == ["ab" * 32]
    assert np.isnan(table["seconds"].iloc[0])


def test_frame_table_refuses_missing_columns_and_bad_hashes():
    with pytest.raises(InvalidParameterError, match="lacks seconds"):
        frame_table(pd.DataFrame({"frame_number": [0], "quality": [1], "pdq": ["00" * 32]}))
    bad = pd.DataFrame({"frame_number": [0], "quality": [1], "pdq": ["00" * 8], "seconds": [0]})
    with pytest.raises(InvalidParameterError, match="64 hex digits"):
        frame_table(bad)
    with pytest.raises(InvalidParameterError, match="read_vpdq_file"):
        frame_table("clip.txt")


# --- matching -------------------------------------------------------------------------------


@needs_conformance
def test_matching_the_reference_hash_files():
    """vPDQ scores of the reference hash files (distance <= 31, quality >= 50, unique hashes).

    The published figures (vpdq/README sample output: 67.76/80.85 for chair-19 vs the sepia
    copy, 10.55/12.59 for the large-logo copy) do NOT come from these hash files: chair-19 is
    frames 111-674 of chair-22, and every one of its 564 hashes lies within 12 bits of a
    sepia frame, so no matcher gives 67.8 % here. What these files give is pinned below
    and checked against the reference matcher written out as loops."""
    chair = reference("chair-19-sd-bar")
    sepia = reference("chair-22-sd-sepia-bar")
    logo = reference("chair-22-with-large-logo-bar")

    result = match_videos(chair, sepia)
    assert (result.n_query_frames, result.n_compared_frames) == (562, 656)
    assert (result.n_query_matched, result.n_compared_matched) == (562, 563)
    assert result.query_match_percent == 100.0
    assert result.compared_match_percent == pytest.approx(85.8, abs=0.05)

    result = match_videos(chair, logo)
    assert (result.n_query_matched, result.n_query_frames) == (59, 562)
    assert (result.n_compared_matched, result.n_compared_frames) == (68, 643)
    assert result.query_match_percent == pytest.approx(10.5, abs=0.05)
    assert result.compared_match_percent == pytest.approx(10.6, abs=0.05)


@needs_conformance
def test_cpp_semantics_reproduce_the_published_large_logo_count():
    """The C++ match-hashes-brute (distance < 31, repeated hashes kept), run as in the
    README with the large-logo file as the query: 71 of its 673 frames match = 10.55 %,
    the published query figure (the published 12.59 % is the same 71 over chair-19's 564
    frames)."""
    result = match_videos(
        reference("chair-22-with-large-logo-bar"), reference("chair-19-sd-bar"),
        max_distance=30, dedupe=False,
    )
    assert (result.n_query_matched, result.n_query_frames) == (71, 673)
    assert round(result.query_match_percent, 2) == 10.55
    assert round(100 * 71 / 564, 2) == 12.59


@needs_conformance
@pytest.mark.parametrize("other", ["chair-22-sd-sepia-bar", "chair-22-with-large-logo-bar",
                                   "doorknob-hd-no-bar"])
@pytest.mark.parametrize(("max_distance", "dedupe"), [(31, True), (30, False), (40, True)])
def test_match_agrees_with_the_brute_force_loops(other, max_distance, dedupe):
    query, compared = reference("chair-19-sd-bar"), reference(other)
    result = match_videos(query, compared, max_distance, 50, dedupe=dedupe)
    expected = brute_force(query, compared, max_distance, 50, dedupe)
    assert (result.query_match_percent, result.compared_match_percent) == pytest.approx(expected)


@needs_conformance
def test_pairs_locate_the_clip_inside_the_longer_video():
    result = match_videos(reference("chair-19-sd-bar"), reference("chair-22-sd-sepia-bar"))
    offsets = result.pairs["compared_frame"] - result.pairs["query_frame"]
    assert len(result.pairs) == result.n_query_matched
    assert offsets.median() == 111  # chair-19 starts at frame 111 of chair-22
    assert (result.pairs["distance"] <= 31).all()


@needs_conformance
def test_match_is_symmetric_and_self_match_is_complete():
    a, b = reference("chair-19-sd-bar"), reference("chair-22-with-large-logo-bar")
    forward, backward = match_videos(a, b), match_videos(b, a)
    assert forward.query_match_percent == backward.compared_match_percent
    assert forward.compared_match_percent == backward.query_match_percent
    itself = match_videos(a, a)
    assert (itself.query_match_percent, itself.compared_match_percent) == (100.0, 100.0)
    assert (itself.pairs["distance"] == 0).all()


@needs_conformance
def test_quality_filter_drops_low_quality_frames():
    doorknob = reference("doorknob-hd-no-bar")  # half its frames have quality < 50
    low = int((doorknob["quality"] < 50).sum())
    assert low == 60
    result = match_videos(doorknob, doorknob)
    assert result.n_query_frames == len(doorknob) - low
    nothing = match_videos(doorknob, doorknob, min_quality=100)
    assert nothing.n_query_frames == int((doorknob["quality"] >= 100).sum())


def test_no_comparable_frames_gives_zero():
    table = pd.DataFrame({"frame_number": [0], "quality": [10], "pdq": ["00" * 32],
                          "seconds": [0.0]})
    result = match_videos(table, table)
    assert (result.query_match_percent, result.compared_match_percent) == (0.0, 0.0)
    assert result.pairs.empty
    assert not result.is_match()


def test_blockwise_comparison_equals_one_block(monkeypatch):
    rng = np.random.default_rng(0)
    hexes = [bytes(row).hex() for row in rng.integers(0, 256, (40, 32), dtype=np.uint8)]
    near = [h[:-2] + f"{int(h[-2:], 16) ^ 0x0f:02x}" for h in hexes[:15]]

    def table(values):
        return pd.DataFrame({"frame_number": range(len(values)), "quality": 100,
                             "pdq": values, "seconds": 0.0})

    whole = match_videos(table(hexes), table(near + hexes[30:]), max_distance=4)
    monkeypatch.setattr("vidlab.hashing.video._BLOCK_BYTES", 1)
    blocks = match_videos(table(hexes), table(near + hexes[30:]), max_distance=4)
    assert whole.n_query_matched == blocks.n_query_matched == 25
    assert whole.n_compared_matched == blocks.n_compared_matched == 25
    pd.testing.assert_frame_equal(whole.pairs, blocks.pairs)


@pytest.mark.parametrize(
    ("keyword", "value"), [("max_distance", -3), ("max_distance", 257), ("max_distance", 3.5),
                           ("min_quality", 101), ("min_quality", True)]
)
def test_match_parameters_are_validated(keyword, value):
    table = pd.DataFrame({"frame_number": [0], "quality": [100], "pdq": ["00" * 32],
                          "seconds": [0.0]})
    with pytest.raises(InvalidParameterError, match=f"'{keyword}' parameter of match_videos"):
        match_videos(table, table, **{keyword: value})


# --- hashing videos -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0, -1, float("nan"), "fast", True])
def test_frames_per_second_is_validated(value, tmp_path):
    with pytest.raises(InvalidParameterError, match="'frames_per_second'"):
        hash_video(tmp_path / "x.mp4", frames_per_second=value)


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda folder: folder / "missing.mp4", "file not found"),
        (lambda folder: _write(folder / "empty.mp4", b""), "empty file"),
        (lambda folder: _write(folder / "notes.mp4", b"shopping list\n" * 20), "not a video"),
        (lambda folder: folder, "is a directory"),
    ],
    ids=["missing", "zero-bytes", "text-named-mp4", "directory"],
)
def test_bad_input_raises_one_line_decode_error(make, reason, tmp_path):
    with pytest.raises(ImageDecodeError, match=reason) as caught:
        hash_video(make(tmp_path))
    assert "\n" not in str(caught.value)


@needs_conformance
def test_truncated_video_raises_decode_error(tmp_path):
    pdq_hasher()
    data = video("chair-19-sd-bar").read_bytes()
    path = _write(tmp_path / "cut.mp4", data[: len(data) // 7])
    with pytest.raises(ImageDecodeError, match="cannot decode video frame") as caught:
        hash_video(path, every_frame=True)
    assert "\n" not in str(caught.value)


@pytest.fixture(scope="module")
def short_every_frame():
    pdq_hasher()
    if not video(SHORT).is_file():
        pytest.skip(f"vPDQ conformance data not found in {VPDQ}")
    return hash_video(video(SHORT), every_frame=True)


def per_frame_distances(ours, theirs, min_quality=50):
    """Hamming distance of each frame hashed by us and by the reference, for the frames the
    reference rates at ``min_quality`` or above."""
    merged = theirs.merge(ours, on="frame_number", suffixes=("_ref", "_ours"))
    merged = merged[merged["quality_ref"] >= min_quality]
    return np.array([
        HashValue.from_hex(a) - HashValue.from_hex(b)
        for a, b in zip(merged["pdq_ref"], merged["pdq_ours"], strict=True)
    ])


# Per-frame bound, for the frames the reference rates at quality >= 50: median <= 4 bits,
# 95 % within 16 bits (PDQ's own conformance bound for still images), and every frame within
# vPDQ's match distance of 31 bits of its reference hash. Measured: chair and pattern videos
# median 0-2, 95th percentile 2-4, max 4-6; doorknob-hd (dim, half its frames below quality
# 50) median 4, 95th percentile 16, max 22. Frame counts and frame numbers are identical.
MEDIAN_BOUND, P95_BOUND, MAX_BOUND = 4, 16, 31


def check_distances(distances):
    assert np.median(distances) <= MEDIAN_BOUND
    assert np.percentile(distances, 95) <= P95_BOUND
    assert distances.max() <= MAX_BOUND


def test_every_frame_hashes_follow_the_reference_frames(short_every_frame):
    theirs = reference(SHORT)
    ours = short_every_frame
    assert ours["frame_number"].tolist() == theirs["frame_number"].tolist()
    np.testing.assert_allclose(ours["seconds"], theirs["seconds"], atol=0.0006)
    distances = per_frame_distances(ours, theirs)
    assert len(distances) == int((theirs["quality"] >= 50).sum()) == 60
    check_distances(distances)


@pytest.mark.parametrize(("rate", "step"), [(1.0, 30), (2.0, 15), (0.5, 60), (100.0, 1)])
def test_sampling_by_presentation_time(rate, step, short_every_frame):
    sampled = hash_video(video(SHORT), frames_per_second=rate)
    expected = list(range(0, len(short_every_frame), step))
    assert sampled["frame_number"].tolist() == expected
    # The same decoder and hasher: the sampled rows are exactly the every-frame rows.
    pd.testing.assert_frame_equal(sampled, short_every_frame.iloc[expected].reset_index(drop=True))


@needs_conformance
@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in NAMES if name != SHORT])
def test_every_frame_hashes_of_all_reference_videos(name):
    pdq_hasher()
    theirs = reference(name)
    ours = hash_video(video(name), every_frame=True)
    assert ours["frame_number"].tolist() == theirs["frame_number"].tolist()
    assert (ours["quality"] >= 50).tolist() == (theirs["quality"] >= 50).tolist()
    check_distances(per_frame_distances(ours, theirs))


@pytest.fixture(scope="module")
def chair_videos_every_frame():
    pdq_hasher()
    names = ("chair-19-sd-bar", "chair-22-sd-sepia-bar", "chair-22-with-large-logo-bar")
    if not all(video(name).is_file() for name in names):
        pytest.skip(f"vPDQ conformance data not found in {VPDQ}")
    return {name: hash_video(video(name), every_frame=True) for name in names}


# Percentage points between scores from our hashes and from the reference's. Measured:
# sepia 100.0/85.4 (reference files 100.0/85.8), large logo 11.9/10.9 (10.5/10.6).
MARGIN = 3.0


@needs_conformance
@pytest.mark.slow
@pytest.mark.parametrize("other", ["chair-22-sd-sepia-bar", "chair-22-with-large-logo-bar"])
def test_match_scores_from_our_hashes_follow_the_reference(other, chair_videos_every_frame):
    ours = match_videos(chair_videos_every_frame["chair-19-sd-bar"],
                        chair_videos_every_frame[other])
    theirs = match_videos(reference("chair-19-sd-bar"), reference(other))
    assert abs(ours.query_match_percent - theirs.query_match_percent) <= MARGIN
    assert abs(ours.compared_match_percent - theirs.compared_match_percent) <= MARGIN


@needs_conformance
def test_one_frame_per_second_clip_is_found_in_every_frame_hashes():
    """A 1-fps hash of chair-19 against every frame of chair-22-sepia: each sampled frame
    has a partner (distance <= 31), and the partners sit 111 frames later."""
    pdq_hasher()
    clip = hash_video(video("chair-19-sd-bar"))
    assert clip["frame_number"].tolist() == list(range(0, 564, 30))
    result = match_videos(clip, reference("chair-22-sd-sepia-bar"))
    assert result.query_match_percent == 100.0
    assert (result.pairs["compared_frame"] - result.pairs["query_frame"]).median() == 111


def _write(path, data):
    path.write_bytes(data)
    return path


def test_pairs_of_a_small_example():
    values = [f"{i:02x}" * 32 for i in range(4)]
    frames = [VideoFrameHash(n, 100, HashValue.from_hex(v), n / 30)
              for n, v in zip(itertools.count(10), values)]
    result = match_videos(frames[2:], frames, max_distance=0)
    assert result.pairs["query_frame"].tolist() == [12, 13]
    assert result.pairs["compared_frame"].tolist() == [12, 13]
    assert result.pairs["compared_seconds"].tolist() == pytest.approx([0.4, 13 / 30])
    assert result.compared_match_percent == 50.0
