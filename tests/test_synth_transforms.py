"""Tests for vidlab.synth.transforms: re-shared image variants."""

import json

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageDraw

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import transforms as tf
from vidlab.synth.transforms import (
    FILE_FORMATS,
    TRANSFORMS,
    apply_chain,
    apply_transform,
    save_variant,
)

SEEDS = range(25)


def textured(seed, size=(240, 160)):
    """An asymmetric picture: a colour gradient with rectangles and ellipses (no people)."""
    rng = make_rng(seed)
    width, height = size
    x = np.linspace(0, 1, width)[None, :, None]
    y = np.linspace(0, 1, height)[:, None, None]
    base = rng.uniform(40, 200, 3) * (0.5 + 0.5 * x) + rng.uniform(0, 60, 3) * y
    image = Image.fromarray(base.clip(0, 255).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(14):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(10, width // 3)), int(rng.integers(10, height // 3))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.rectangle if rng.random() < 0.5 else draw.ellipse
        shape([x0, y0, x0 + w, y0 + h], fill=colour)
    return image


def with_exif(image):
    exif = Image.Exif()
    exif[0x010F] = "Acme Test Camera"  # Make
    exif[0x0110] = "Model 1"  # Model
    image = image.copy()
    image.info["exif"] = exif.tobytes()
    return image


@pytest.fixture(scope="module")
def image():
    return with_exif(textured(0))


def same_pixels(a, b):
    return a.mode == b.mode and a.size == b.size and a.tobytes() == b.tobytes()


def params_for(name, image, seeds=SEEDS):
    return [apply_transform(image, name, make_rng(seed)) for seed in seeds]


# --- every transform -------------------------------------------------------------------------


@pytest.mark.parametrize("name", TRANSFORMS)
def test_each_transform_is_deterministic_and_serialisable(image, name):
    before = image.tobytes()
    first = apply_transform(image, name, make_rng(11))
    second = apply_transform(image, name, make_rng(11))
    assert same_pixels(first[0], second[0])
    assert first[1] == second[1] and first[2] == second[2]
    assert first[2] in FILE_FORMATS
    assert json.loads(json.dumps(first[1])) == first[1]
    assert image.tobytes() == before  # the input is not modified
    assert first[0].mode in ("RGB", "L")


@pytest.mark.parametrize("name", TRANSFORMS)
def test_save_variant_bytes_are_deterministic(image, name, tmp_path):
    variant, params, file_format = apply_transform(image, name, make_rng(3))
    a = save_variant(variant, tmp_path / f"a{tf.FORMAT_EXTENSIONS[file_format]}", file_format,
                     params)
    variant, params, file_format = apply_transform(image, name, make_rng(3))
    b = save_variant(variant, tmp_path / "b", file_format, params)
    assert a.read_bytes() == b.read_bytes()
    assert Image.open(a).format == {"jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}[file_format]


def test_random_transforms_vary_with_the_seed(image):
    for name in ("resize", "jpeg_quality", "crop", "rotate", "brightness_contrast", "webp",
                 "banner", "watermark", "screenshot"):
        params = {json.dumps(p, sort_keys=True) for _, p, _ in params_for(name, image, range(8))}
        assert len(params) > 1, name


def test_unknown_name_lists_the_transforms(image):
    with pytest.raises(InvalidParameterError, match="resize, jpeg_quality, crop") as error:
        apply_transform(image, "blur", make_rng(0))
    assert "'blur'" in str(error.value)
    with pytest.raises(InvalidParameterError, match="'name'"):
        apply_chain(image, ["resize", "sharpen"], make_rng(0))


def test_bad_image_is_refused():
    with pytest.raises(InvalidParameterError, match="'image'"):
        apply_transform(np.zeros((8, 8, 3)), "mirror", make_rng(0))
    with pytest.raises(InvalidParameterError, match="at least one pixel"):
        apply_transform(Image.new("RGB", (0, 5)), "mirror", make_rng(0))


def test_other_modes_are_accepted():
    rgba = Image.new("RGBA", (40, 30), (255, 0, 0, 0))  # fully transparent -> white
    out, _, _ = apply_transform(rgba, "mirror", make_rng(0))
    assert out.mode == "RGB" and out.getpixel((0, 0)) == (255, 255, 255)
    gray = Image.new("L", (40, 30), 77)
    for name in TRANSFORMS:
        out, _, _ = apply_transform(gray, name, make_rng(0))
        assert out.mode in ("RGB", "L")


# --- ranges and geometry ---------------------------------------------------------------------


def test_resize_scale_range_and_size(image):
    for out, params, _ in params_for("resize", image):
        assert 0.25 <= params["scale"] <= 0.9
        assert out.size == (params["width"], params["height"])
        assert out.size == (round(image.width * params["scale"]),
                            round(image.height * params["scale"]))


def test_jpeg_and_webp_quality_ranges(image):
    assert all(30 <= p["quality"] <= 95 and f == "jpeg"
               for _, p, f in params_for("jpeg_quality", image))
    assert all(50 <= p["quality"] <= 90 and f == "webp" for _, p, f in params_for("webp", image))


def test_crop_removes_two_to_twenty_percent_of_each_side(image):
    for out, params, _ in params_for("crop", image):
        assert 0.02 <= params["fraction_x"] <= 0.20
        assert 0.02 <= params["fraction_y"] <= 0.20
        left, top, right, bottom = params["box"]
        assert 0 <= left and 0 <= top and right <= image.width and bottom <= image.height
        assert out.size == (right - left, bottom - top)
        assert image.width - out.width == round(image.width * params["fraction_x"])
        assert image.height - out.height == round(image.height * params["fraction_y"])
        assert same_pixels(out, image.crop(tuple(params["box"])))


def test_rotate_keeps_the_size_and_fills_the_corners(image):
    for out, params, _ in params_for("rotate", image):
        assert 0.5 <= abs(params["angle"]) <= 5.0
        assert out.size == image.size
    # Corners are filled with picture, not black: compare with a plain black-filled rotation.
    out, params, _ = apply_transform(image, "rotate", make_rng(4))
    black = image.rotate(params["angle"], expand=False, fillcolor=(0, 0, 0))
    corner = (0, 0, 4, 4)
    assert np.asarray(black.crop(corner)).max() < 20
    assert np.asarray(out.crop(corner)).mean() > 20


def test_mirror_twice_is_the_original(image):
    once, params, _ = apply_transform(image, "mirror", make_rng(0))
    assert params == {"flip": "left-right"}
    assert not same_pixels(once, image)
    assert same_pixels(once, image.transpose(Image.Transpose.FLIP_LEFT_RIGHT))
    twice, _, _ = apply_transform(once, "mirror", make_rng(1))
    assert same_pixels(twice, image)


def test_rotate90_angles_and_sizes(image):
    angles = set()
    for out, params, _ in params_for("rotate90", image):
        angles.add(params["angle"])
        expected = image.size if params["angle"] == 180 else image.size[::-1]
        assert out.size == expected
        back = out.rotate(-params["angle"], expand=True)  # undo, counter-clockwise convention
        assert same_pixels(back, image)
    assert angles == {90, 180, 270}


def test_brightness_contrast_range_and_effect(image):
    for out, params, _ in params_for("brightness_contrast", image):
        assert 0.6 <= params["brightness"] <= 1.4 and 0.6 <= params["contrast"] <= 1.4
        assert out.size == image.size
    out, params, _ = apply_transform(image, "brightness_contrast", make_rng(0))
    assert not same_pixels(out, image)


def test_grayscale_is_one_channel(image):
    out, params, file_format = apply_transform(image, "grayscale", make_rng(0))
    assert out.mode == "L" and out.size == image.size and params == {"mode": "L"}
    assert same_pixels(out, image.convert("L"))


def test_banner_overlay_or_extend(image):
    placements = set()
    for out, params, _ in params_for("banner", image):
        placements.add(params["placement"])
        bar = params["height"]
        assert bar >= 12 and params["text"] and params["position"] in ("top", "bottom")
        grow = bar if params["placement"] == "extend" else 0
        assert out.size == (image.width, image.height + grow)
        y0 = 0 if params["position"] == "top" else out.height - bar
        strip = np.asarray(out.crop((0, y0, 8, y0 + bar)), dtype=int)  # left end: no text
        assert (np.abs(strip - params["colour"]).max()) <= 1
    assert placements == {"overlay", "extend"}


def test_watermark_changes_pixels_near_its_position(image):
    for out, params, _ in params_for("watermark", image, range(10)):
        assert 0.3 <= params["opacity"] <= 0.6 and out.size == image.size
        diff = np.asarray(ImageChops.difference(out, image).convert("L"))
        ys, xs = np.nonzero(diff)
        assert len(xs) > 0
        cx, cy = xs.mean() / image.width, ys.mean() / image.height
        position = params["position"]
        if "left" in position:
            assert cx < 0.5
        if "right" in position:
            assert cx > 0.5
        if position.startswith("top"):
            assert cy < 0.5
        if position.startswith("bottom"):
            assert cy > 0.5
        if position == "center":
            assert 0.3 < cx < 0.7 and 0.3 < cy < 0.7


def test_screenshot_frames_the_image_in_a_phone_screen(image):
    for out, params, file_format in params_for("screenshot", image, range(6)):
        assert file_format == "png"
        assert out.size == tuple(params["screen_size"])
        assert out.height > out.width  # portrait phone screen
        assert params["time"] == tf.SCREENSHOT_TIME and params["app"] in tf.APP_NAMES
        left, top, right, bottom = params["image_box"]
        inner = np.asarray(out.crop((left, top, right, bottom)), dtype=int)
        expected = np.asarray(image.resize((right - left, bottom - top),
                                           Image.Resampling.LANCZOS), dtype=int)
        assert np.abs(inner - expected).max() == 0
        assert "exif" not in out.info  # a screenshot is a new picture


# --- metadata and formats --------------------------------------------------------------------


def test_strip_metadata_removes_exif_and_keeps_pixels(image, tmp_path):
    out, params, file_format = apply_transform(image, "strip_metadata", make_rng(0))
    assert same_pixels(out, image)
    assert file_format == "jpeg" and params["quality"] == tf.STRIP_METADATA_QUALITY
    path = save_variant(out, tmp_path / "s.jpg", file_format, params)
    assert dict(Image.open(path).getexif()) == {}


def test_other_transforms_keep_exif(image, tmp_path):
    for name in ("resize", "jpeg_quality", "rotate90", "png", "webp", "watermark"):
        out, params, file_format = apply_transform(image, name, make_rng(0))
        path = save_variant(out, tmp_path / f"{name}.img", file_format, params)
        assert Image.open(path).getexif().get(0x010F) == "Acme Test Camera", name


def test_png_is_lossless(image, tmp_path):
    out, params, file_format = apply_transform(image, "png", make_rng(0))
    path = save_variant(out, tmp_path / "p.png", file_format, params)
    assert file_format == "png" and same_pixels(Image.open(path).convert("RGB"), image)


def test_save_variant_quality_and_errors(image, tmp_path):
    low = save_variant(image, tmp_path / "low.jpg", "jpeg", {"quality": 30})
    high = save_variant(image, tmp_path / "high.jpg", "jpeg", {"quality": 95})
    assert low.stat().st_size < high.stat().st_size
    default = save_variant(image, tmp_path / "d.jpg", "JPEG")
    again = save_variant(image, tmp_path / "e.jpg", "jpeg", {"quality": tf.DEFAULT_JPEG_QUALITY})
    assert default.read_bytes() == again.read_bytes()
    webp_low = save_variant(image, tmp_path / "low.webp", "webp", {"quality": 50})
    webp_high = save_variant(image, tmp_path / "high.webp", "webp", {"quality": 90})
    assert webp_low.stat().st_size < webp_high.stat().st_size
    with pytest.raises(InvalidParameterError, match="'file_format'.*'gif'"):
        save_variant(image, tmp_path / "x.gif", "gif")
    with pytest.raises(InvalidParameterError, match="'params'"):
        save_variant(image, tmp_path / "x.jpg", "jpeg", [("quality", 50)])


# --- chains ----------------------------------------------------------------------------------


def test_chain_combines_params_and_takes_the_last_format(image):
    out, params, file_format = apply_chain(image, ["resize", "jpeg_quality"], make_rng(5))
    assert params["transforms"] == ["resize", "jpeg_quality"]
    assert len(params["steps"]) == 2 and params["quality"] == params["steps"][1]["quality"]
    assert out.size == (params["steps"][0]["width"], params["steps"][0]["height"])
    assert file_format == "jpeg"
    same = apply_chain(image, ["resize", "jpeg_quality"], make_rng(5))
    assert same_pixels(out, same[0]) and same[1] == params

    _, params, file_format = apply_chain(image, ["webp", "mirror", "png"], make_rng(5))
    assert file_format == "png" and "quality" not in params
    _, params, file_format = apply_chain(image, ["mirror", "crop"], make_rng(5))
    assert file_format == "jpeg" and "quality" not in params


def test_chain_bakes_a_lossy_step_followed_by_others(image):
    out, params, file_format = apply_chain(image, ["jpeg_quality", "png"], make_rng(2))
    assert file_format == "png"
    assert not same_pixels(out, image)  # the JPEG artefacts are in the pixels
    assert np.abs(np.asarray(out, int) - np.asarray(image, int)).mean() < 10


def test_chain_mirror_twice_and_empty_chain(image):
    out, params, _ = apply_chain(image, ["mirror", "mirror"], make_rng(0))
    assert same_pixels(out, image) and params["steps"] == [{"flip": "left-right"}] * 2
    out, params, file_format = apply_chain(image, [], make_rng(0))
    assert same_pixels(out, image) and params == {"transforms": [], "steps": []}
    with pytest.raises(InvalidParameterError, match="list of transform names"):
        apply_chain(image, "resize", make_rng(0))


# --- what a perceptual hash survives (the hashing lessons rely on this) -----------------------


def _phash():
    try:
        from vidlab.hashing.perceptual import perceptual_hash
    except ImportError:
        import imagehash

        return imagehash.phash
    return perceptual_hash


SURVIVES = ("resize", "jpeg_quality", "brightness_contrast", "grayscale", "png", "webp",
            "strip_metadata", "watermark")
BREAKS = ("mirror", "rotate90", "screenshot")


def test_perceptual_hash_survives_mild_edits_but_not_flips(tmp_path):
    """pHash (64 bits) of the saved file: within 10 bits for re-encoding, resizing, colour
    and a faint watermark; more than 10 bits for a mirror, a quarter turn and a screenshot.
    Crops, small rotations and banners fall either side depending on the parameters."""
    phash = _phash()
    for image_seed in range(3):
        source = textured(image_seed, size=(256, 192))
        original = phash(source)
        for name in SURVIVES + BREAKS:
            for seed in range(3):
                out, params, file_format = apply_transform(source, name, make_rng(seed))
                path = save_variant(out, tmp_path / f"{name}.img", file_format, params)
                distance = int(original - phash(Image.open(path)))
                if name in SURVIVES:
                    assert distance <= 10, (image_seed, name, params, distance)
                else:
                    assert distance > 10, (image_seed, name, params, distance)
