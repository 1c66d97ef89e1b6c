"""Tests for vidlab.synth.video: short pan/zoom clips of a still room."""

import json

import av
import numpy as np
import pytest
from PIL import Image, ImageDraw

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth.video import (
    DEFAULT_CRF,
    REENCODE_CRF,
    VIDEO_MOTIONS,
    VIDEO_OVERLAYS,
    clip_codec,
    make_clip,
)

SMALL = {"seconds": 2.0, "fps": 5, "size": (320, 176)}


@pytest.fixture(scope="module")
def room():
    """A simple drawn room: wall, floor, a window and some furniture (no people)."""
    rng = make_rng(1)
    image = Image.new("RGB", (480, 320), (196, 180, 150))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 210, 480, 320], fill=(120, 90, 60))
    draw.rectangle([180, 40, 300, 140], fill=(190, 220, 240), outline=(80, 60, 40), width=4)
    for _ in range(8):
        x, y = int(rng.integers(0, 420)), int(rng.integers(120, 280))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle([x, y, x + 50, y + 35], fill=colour, outline=(30, 30, 30), width=2)
    return image


def decode(path):
    """(frames as RGB arrays, stream info) of the clip at ``path``."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = list(container.decode(video=0))
        info = {"codec": stream.codec_context.name,
                "duration": float(stream.duration * stream.time_base),
                "container_duration": container.duration / 1e6,
                "times": [float(frame.pts * stream.time_base) for frame in frames]}
        arrays = [frame.to_ndarray(format="rgb24").astype(int) for frame in frames]
    return arrays, info


@pytest.fixture(scope="module")
def clips(room, tmp_path_factory):
    """Clips made once for several tests, keyed by a short name."""
    folder = tmp_path_factory.mktemp("clips")
    made = {}
    for key, kwargs in {
        "plain": {},
        "logo": {"overlay": "logo"},
        "banner": {"overlay": "banner"},
        "reencoded": {"reencode": True},
        "zoom": {"motion": "zoom"},
    }.items():
        path = folder / f"{key}.mp4"
        made[key] = (path, make_clip(room, path, make_rng(4), **SMALL, **kwargs))
    return made


def test_constants():
    assert VIDEO_MOTIONS == ("pan", "zoom")
    assert VIDEO_OVERLAYS == ("logo", "banner")


def test_clip_decodes_with_the_expected_frames_size_and_duration(clips):
    for key in ("plain", "zoom", "logo"):
        path, params = clips[key]
        frames, info = decode(path)
        assert len(frames) == params["n_frames"] == 10
        assert all(frame.shape == (176, 320, 3) for frame in frames)
        assert params["size"] == [320, 176] and params["fps"] == 5
        assert info["duration"] == pytest.approx(2.0)
        assert info["container_duration"] == pytest.approx(2.0)
        assert info["times"] == pytest.approx([i / 5 for i in range(10)])
        assert info["codec"] == {"libx264": "h264", "mpeg4": "mpeg4"}[clip_codec()]
        assert params["codec"] == clip_codec()
        assert json.loads(json.dumps(params)) == params


def test_the_camera_moves(clips, room):
    path, params = clips["plain"]
    frames, _ = decode(path)
    assert np.abs(frames[0] - frames[-1]).mean() > 5  # a pan shows different parts
    start, end = params["camera"]["start_box"], params["camera"]["end_box"]
    assert start != end
    for box in (start, end):
        assert 0 <= box[0] < box[2] <= room.width and 0 <= box[1] < box[3] <= room.height
        assert (box[2] - box[0]) / (box[3] - box[1]) == pytest.approx(320 / 176, rel=0.01)
    zoom = clips["zoom"][1]["camera"]
    widths = [zoom["start_box"][2] - zoom["start_box"][0],
              zoom["end_box"][2] - zoom["end_box"][0]]
    assert max(widths) / min(widths) == pytest.approx(zoom["zoom"], rel=0.01)
    assert 1.3 <= zoom["zoom"] <= 2.0


def test_same_rng_gives_identical_bytes(room, tmp_path, clips):
    for key, kwargs in {"plain": {}, "reencoded": {"reencode": True}}.items():
        path = make_clip(room, tmp_path / f"{key}.mp4", make_rng(4), **SMALL, **kwargs)
        assert path == clips[key][1]
        assert (tmp_path / f"{key}.mp4").read_bytes() == clips[key][0].read_bytes()
    make_clip(room, tmp_path / "other.mp4", make_rng(5), **SMALL)
    assert (tmp_path / "other.mp4").read_bytes() != clips["plain"][0].read_bytes()


def test_container_carries_no_timestamp_or_encoder_version(clips):
    data = clips["plain"][0].read_bytes()
    assert b"Lavf" not in data  # muxer version string omitted (bitexact)
    with av.open(str(clips["plain"][0])) as container:
        assert "creation_time" not in container.metadata


def test_creation_time_is_written_bit_exactly_and_changes_nothing_else(room, tmp_path, clips):
    stamp = "2019-05-04T13:22:07.000000Z"
    for key, kwargs in {"plain": {}, "reencoded": {"reencode": True}}.items():
        params = make_clip(room, tmp_path / f"{key}.mp4", make_rng(4), **SMALL, **kwargs,
                           creation_time=stamp)
        make_clip(room, tmp_path / f"{key}2.mp4", make_rng(4), **SMALL, **kwargs,
                  creation_time=stamp)
        assert params["creation_time"] == stamp
        data = (tmp_path / f"{key}.mp4").read_bytes()
        assert data == (tmp_path / f"{key}2.mp4").read_bytes()
        assert b"Lavf" not in data
        with av.open(str(tmp_path / f"{key}.mp4")) as container:
            assert container.metadata["creation_time"] == stamp
        frames, _ = decode(tmp_path / f"{key}.mp4")
        before, _ = decode(clips[key][0])
        assert all((a == b).all() for a, b in zip(frames, before, strict=True))
    assert clips["plain"][1]["creation_time"] is None


def _mean_diff(a, b, box):
    x0, y0, x1, y1 = box
    return float(np.abs(a[y0:y1, x0:x1] - b[y0:y1, x0:x1]).mean())


def test_logo_overlay_changes_its_corner_only(clips):
    plain, _ = decode(clips["plain"][0])
    logo, _ = decode(clips["logo"][0])
    params = clips["logo"][1]["overlay_params"]
    assert clips["logo"][1]["camera"] == clips["plain"][1]["camera"]  # same camera path
    x0, y0, x1, y1 = params["box"]
    corner = params["corner"]
    assert (x0 < 160) == corner.endswith("left") and (y0 < 88) == corner.startswith("top")
    # The emblem and the opposite corner of the frame.
    emblem = (x0, y0, x0 + (y1 - y0), y1)
    opposite = (0, 0, 80, 44) if corner == "bottom-right" else (240, 132, 320, 176)
    if corner == "top-right":
        opposite = (0, 132, 80, 176)
    elif corner == "bottom-left":
        opposite = (240, 0, 320, 44)
    for a, b in zip(plain, logo, strict=True):
        assert _mean_diff(a, b, emblem) > 30
        assert _mean_diff(a, b, opposite) < 3


def test_banner_overlay_is_a_bar_along_the_bottom(clips):
    plain, _ = decode(clips["plain"][0])
    banner, _ = decode(clips["banner"][0])
    params = clips["banner"][1]["overlay_params"]
    x0, y0, x1, y1 = params["box"]
    assert (x0, x1) == (0, 320) and y0 > 132 and params["text"]
    for a, b in zip(plain, banner, strict=True):
        assert _mean_diff(a, b, (x0, y0, x1, y1)) > 20
        assert _mean_diff(a, b, (0, 0, 320, 88)) < 3


def test_reencoded_clip_is_smaller_and_half_size(clips):
    path, params = clips["reencoded"]
    plain_path, plain = clips["plain"]
    assert params["reencoded"] and not plain["reencoded"]
    assert path.stat().st_size < plain_path.stat().st_size
    assert params["size"] == [160, 96] and params["first_encoding"]["size"] == [320, 176]
    assert params["crf"] == REENCODE_CRF and params["first_encoding"]["crf"] == DEFAULT_CRF
    frames, _ = decode(path)
    assert len(frames) == 10 and frames[0].shape == (96, 160, 3)
    # Same picture, lower quality: close to the first encoding shrunk to half size.
    first, _ = decode(plain_path)
    half = np.asarray(Image.fromarray(first[5].astype(np.uint8)).resize((160, 96)), int)
    assert np.abs(frames[5] - half).mean() < 12


def test_reencoded_overlay_box_is_in_the_file_pixels(room, tmp_path):
    params = make_clip(room, tmp_path / "r.mp4", make_rng(2), seconds=1.0, fps=2,
                       size=(160, 96), overlay="banner", reencode=True)
    assert params["first_encoding"]["overlay_box"][2] == 160
    assert params["overlay_params"]["box"][2] == 80


def test_single_frame_and_grayscale_input(room, tmp_path):
    params = make_clip(room.convert("L"), tmp_path / "g.mp4", make_rng(0), seconds=0.1, fps=5,
                       size=(64, 32))
    frames, _ = decode(tmp_path / "g.mp4")
    assert params["n_frames"] == len(frames) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"motion": "dolly"}, "'motion'"),
        ({"overlay": "sticker"}, "'overlay'"),
        ({"size": (321, 176)}, "'size'"),
        ({"size": (320, 180)}, "multiples of 16"),
        ({"size": (320,)}, "'size'"),
        ({"fps": 0}, "'fps'"),
        ({"fps": 2.5}, "'fps'"),
        ({"seconds": -1}, "'seconds'"),
        ({"reencode": "yes"}, "'reencode'"),
        ({"creation_time": "2021-03-04 10:11:12"}, "'creation_time'"),
        ({"creation_time": 1614852672}, "'creation_time'"),
    ],
)
def test_bad_parameters_are_refused(room, tmp_path, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        make_clip(room, tmp_path / "x.mp4", make_rng(0), **kwargs)
    assert not (tmp_path / "x.mp4").exists()


def test_bad_image_is_refused(tmp_path):
    with pytest.raises(InvalidParameterError, match="'image'"):
        make_clip(np.zeros((50, 50, 3)), tmp_path / "x.mp4", make_rng(0))


def test_mpeg4_fallback_is_deterministic_and_decodes(room, tmp_path, monkeypatch):
    from vidlab.synth import video

    monkeypatch.setattr(video, "clip_codec", lambda: "mpeg4")
    small = {"seconds": 1.0, "fps": 5, "size": (160, 96)}
    params = make_clip(room, tmp_path / "a.mp4", make_rng(3), **small)
    make_clip(room, tmp_path / "b.mp4", make_rng(3), **small)
    again = make_clip(room, tmp_path / "c.mp4", make_rng(3), **small, reencode=True)
    assert params["codec"] == "mpeg4"
    assert (tmp_path / "a.mp4").read_bytes() == (tmp_path / "b.mp4").read_bytes()
    frames, info = decode(tmp_path / "a.mp4")
    assert info["codec"] == "mpeg4" and len(frames) == 5 and frames[0].shape == (96, 160, 3)
    assert again["size"] == [80, 48]
    assert (tmp_path / "c.mp4").stat().st_size < (tmp_path / "a.mp4").stat().st_size
