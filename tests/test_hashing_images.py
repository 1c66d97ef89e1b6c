"""Tests for vidlab.hashing.images: every mode loads as RGB or L, every failure is one line."""

import os
import struct
import zlib

import imagehash
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFile

from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.hashing import images
from vidlab.hashing.images import IMAGE_SUFFIXES, MAX_PIXELS, load_image
from vidlab.seed import make_rng


def scene(width=400, height=300, seed=0):
    """A small RGB picture: gradient background, rectangles, noise."""
    rng = make_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    background = np.stack([x * 200 / width, y * 200 / height, (x + y) * 100 / (width + height)], -1)
    image = Image.fromarray(background.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x0, y0 = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 40))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        draw.rectangle((x0, y0, x0 + int(rng.integers(20, 150)), y0 + int(rng.integers(20, 100))),
                       fill=colour)
    noisy = np.asarray(image).astype(np.int16) + rng.integers(-6, 7, (height, width, 3))
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_bomb_png(path, width=20000, height=20000):
    """A real 1-bit PNG of width x height pixels, all black, a few dozen KiB on disk."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    block = row * 500
    chunks = [compressor.compress(block) for _ in range(height // 500)]
    idat = b"".join(chunks) + compressor.compress(row * (height % 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", idat)
                     + png_chunk(b"IEND", b""))
    return path


# ---------------------------------------------------------------- valid files and odd modes


def test_rgb_jpeg_and_grey_png_keep_their_colour_kind(tmp_path):
    scene().save(tmp_path / "room.jpg", quality=90)
    scene().convert("L").save(tmp_path / "room.png")
    colour, grey = load_image(tmp_path / "room.jpg"), load_image(str(tmp_path / "room.png"))
    assert (colour.mode, colour.size) == ("RGB", (400, 300))
    assert (grey.mode, grey.size) == ("L", (400, 300))
    assert np.array_equal(np.asarray(grey), np.asarray(scene().convert("L")))


@pytest.mark.parametrize(
    ("source_mode", "expected_mode"),
    [("RGBA", "RGB"), ("LA", "L"), ("1", "L"), ("P", "RGB"), ("RGB", "RGB"), ("L", "L")],
)
def test_png_modes_load_like_pillow_convert(tmp_path, source_mode, expected_mode):
    original = scene()
    if source_mode == "RGBA":
        original = original.copy()
        original.putalpha(Image.linear_gradient("L").resize(original.size))
    else:
        original = original.convert(source_mode)
    original.save(tmp_path / "x.png")
    loaded = load_image(tmp_path / "x.png")
    assert loaded.mode == expected_mode
    assert np.array_equal(np.asarray(loaded), np.asarray(original.convert(expected_mode)))
    # The alpha or palette is dropped exactly as imagehash sees the file.
    assert imagehash.phash(loaded) == imagehash.phash(Image.open(tmp_path / "x.png"))
    assert imagehash.dhash(loaded) == imagehash.dhash(Image.open(tmp_path / "x.png"))


def test_one_bit_image_becomes_black_and_white_grey(tmp_path):
    scene().convert("1").save(tmp_path / "bits.png")
    values = np.unique(np.asarray(load_image(tmp_path / "bits.png")))
    assert values.tolist() == [0, 255]


def test_palette_with_transparency_and_pa(tmp_path):
    palette = scene().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.save(tmp_path / "trns.png", transparency=3)
    palette.save(tmp_path / "trns.gif", transparency=3)
    for name in ("trns.png", "trns.gif"):
        loaded = load_image(tmp_path / name)
        assert loaded.mode == "RGB", name
        assert np.array_equal(np.asarray(loaded), np.asarray(palette.convert("RGB"))), name
        assert imagehash.phash(loaded) == imagehash.phash(Image.open(tmp_path / name)), name


def test_in_memory_only_modes_convert_too():
    # No file format stores PA or premultiplied La; the conversion still handles them.
    palette = scene().convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    assert np.array_equal(np.asarray(images._convert(palette.convert("PA"), None)),
                          np.asarray(palette.convert("RGB")))
    grey = scene().convert("L")
    grey.putalpha(255)
    assert images._convert(grey.convert("La"), None).mode == "L"


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    original = scene()
    original.convert("CMYK").save(tmp_path / "print.jpg", quality=95)
    loaded = load_image(tmp_path / "print.jpg")
    assert loaded.mode == "RGB"
    difference = np.abs(np.asarray(loaded, np.int16) - np.asarray(original, np.int16))
    assert difference.mean() < 4
    assert imagehash.phash(loaded) == imagehash.phash(Image.open(tmp_path / "print.jpg"))


def test_sixteen_bit_png_is_scaled_not_clipped(tmp_path):
    values = np.array([[0, 257, 32768, 65535], [100 * 257, 128, 129, 65000]], dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    loaded = load_image(tmp_path / "deep.png")
    assert loaded.mode == "L"
    assert np.asarray(loaded).tolist() == [[0, 1, 128, 255], [100, 0, 1, 253]]


def test_thirty_two_bit_and_float_images_are_scaled_by_range(tmp_path):
    Image.fromarray(np.array([[0, 65535]], dtype=np.int32)).save(tmp_path / "i16.tif")
    Image.fromarray(np.array([[-1000, 0, 1000]], dtype=np.int32)).save(tmp_path / "i32.tif")
    Image.fromarray(np.array([[0.0, 0.5, 1.0]], dtype=np.float32)).save(tmp_path / "unit.tif")
    Image.fromarray(np.array([[-2.0, np.nan, 6.0]], dtype=np.float32)).save(tmp_path / "f.tif")
    assert np.asarray(load_image(tmp_path / "i16.tif")).tolist() == [[0, 255]]
    assert np.asarray(load_image(tmp_path / "i32.tif")).tolist() == [[0, 128, 255]]
    assert np.asarray(load_image(tmp_path / "unit.tif")).tolist() == [[0, 128, 255]]
    assert np.asarray(load_image(tmp_path / "f.tif")).tolist() == [[0, 64, 255]]


def test_forced_modes(tmp_path):
    scene().save(tmp_path / "room.png")
    scene().convert("L").save(tmp_path / "grey.png")
    assert load_image(tmp_path / "room.png", mode="L").mode == "L"
    assert np.array_equal(np.asarray(load_image(tmp_path / "room.png", mode="L")),
                          np.asarray(scene().convert("L")))
    assert load_image(tmp_path / "grey.png", mode="RGB").mode == "RGB"


def test_animated_gif_loads_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (60, 40), colour) for colour in ("red", "blue", "green")]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    assert load_image(tmp_path / "anim.gif").getpixel((5, 5)) == (255, 0, 0)


def test_exif_orientation_is_not_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    scene(400, 300).save(tmp_path / "rotated.jpg", exif=exif)
    assert load_image(tmp_path / "rotated.jpg").size == (400, 300)


# ------------------------------------------------------------------------- reduced JPEG decode


def test_draft_decodes_a_jpeg_at_the_smallest_scale_still_large_enough(tmp_path):
    scene(1600, 1200).save(tmp_path / "big.jpg", quality=90)
    path = tmp_path / "big.jpg"
    assert load_image(path, draft_size=(128, 128)).size == (200, 150)  # 1/8
    assert load_image(path, draft_size=(300, 300)).size == (400, 300)  # 1/4
    assert load_image(path, draft_size=(700, 500)).size == (800, 600)  # 1/2
    grey = load_image(path, draft_size=(128, 128), mode="L")
    assert (grey.mode, grey.size) == ("L", (200, 150))
    # The reduced decode is a faithful small picture of the full one.
    full = np.asarray(load_image(path).convert("L").resize((200, 150), Image.Resampling.BOX))
    assert np.abs(np.asarray(grey, np.int16) - full).mean() < 3


def test_draft_leaves_small_jpegs_and_other_formats_alone(tmp_path):
    scene(200, 150).save(tmp_path / "small.jpg", quality=90)
    scene(1600, 1200).save(tmp_path / "big.png")
    small = load_image(tmp_path / "small.jpg", draft_size=(128, 128), mode="L")
    assert small.size == (200, 150)
    assert np.array_equal(np.asarray(small),
                          np.asarray(Image.open(tmp_path / "small.jpg").convert("L")))
    assert load_image(tmp_path / "big.png", draft_size=(128, 128)).size == (1600, 1200)


# ------------------------------------------------------------------------------ bad inputs


@pytest.fixture
def jpeg_bytes():
    from io import BytesIO

    buffer = BytesIO()
    scene(640, 480).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def assert_one_line_error(path, *fragments, **kwargs):
    with pytest.raises(ImageDecodeError) as caught:
        load_image(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message and message == message.strip() and message
    for fragment in fragments:
        assert fragment in message, message
    return message


def test_truncated_jpeg(tmp_path, jpeg_bytes):
    (tmp_path / "cut.jpg").write_bytes(jpeg_bytes[: len(jpeg_bytes) // 2])
    (tmp_path / "header.jpg").write_bytes(jpeg_bytes[:300])
    assert_one_line_error(tmp_path / "cut.jpg", "truncated JPEG file")
    assert_one_line_error(tmp_path / "cut.jpg", "truncated", draft_size=(64, 64), mode="L")
    assert_one_line_error(tmp_path / "header.jpg", "truncated")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False  # decoded safely, not by a global switch


def test_truncated_png(tmp_path):
    scene().save(tmp_path / "whole.png")
    data = (tmp_path / "whole.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    assert_one_line_error(tmp_path / "cut.png", "truncated")


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert assert_one_line_error(tmp_path / "empty.jpg") == "empty file (0 bytes)"


def test_text_file_named_jpg(tmp_path):
    (tmp_path / "notes.jpg").write_text("meeting at noon\n")
    message = assert_one_line_error(tmp_path / "notes.jpg")
    assert message == "not an image (unrecognised file format)"


def test_garbage_after_a_jpeg_marker(tmp_path):
    (tmp_path / "junk.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8)
    assert_one_line_error(tmp_path / "junk.jpg")


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    path = write_bomb_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 200_000
    message = assert_one_line_error(path, "decompression bomb", "400,000,000 pixels")
    assert f"{MAX_PIXELS:,}" in message


def test_pixel_limit_is_a_parameter(tmp_path):
    scene(1000, 600).save(tmp_path / "room.png")
    assert_one_line_error(tmp_path / "room.png", "1000x600 = 600,000 pixels", "limit of 500,000",
                          max_pixels=500_000)
    assert load_image(tmp_path / "room.png", max_pixels=600_000).size == (1000, 600)


def test_module_pixel_limit_is_used_by_default(tmp_path, monkeypatch):
    scene(1000, 600).save(tmp_path / "room.png")
    monkeypatch.setattr(images, "MAX_PIXELS", 1000)
    assert_one_line_error(tmp_path / "room.png", "decompression bomb")


def test_directory_missing_file_and_fifo(tmp_path):
    (tmp_path / "folder.jpg").mkdir()
    assert assert_one_line_error(tmp_path / "folder.jpg") == "is a directory, not an image file"
    assert assert_one_line_error(tmp_path / "missing.jpg") == "file not found"
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.jpg")
        assert_one_line_error(tmp_path / "pipe.jpg", "not a regular file")


def test_unreadable_file(tmp_path, monkeypatch, jpeg_bytes):
    (tmp_path / "locked.jpg").write_bytes(jpeg_bytes)

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(images, "open", denied, raising=False)
    message = assert_one_line_error(tmp_path / "locked.jpg")
    assert message == "cannot read the file: permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root can read any file")
def test_unreadable_file_for_real(tmp_path, jpeg_bytes):
    path = tmp_path / "locked.jpg"
    path.write_bytes(jpeg_bytes)
    path.chmod(0)
    try:
        assert_one_line_error(path, "permission denied")
    finally:
        path.chmod(0o600)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [({"draft_size": (0, 10)}, "draft_size"), ({"draft_size": 128}, "draft_size"),
     ({"mode": "CMYK"}, "mode"), ({"max_pixels": 0}, "max_pixels")],
)
def test_bad_parameters(tmp_path, kwargs, name):
    scene().save(tmp_path / "room.png")
    with pytest.raises(InvalidParameterError, match=f"'{name}'"):
        load_image(tmp_path / "room.png", **kwargs)
    with pytest.raises(InvalidParameterError, match="'path'"):
        load_image(None)


def test_image_suffixes():
    assert IMAGE_SUFFIXES == (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")
    assert all(suffix == suffix.lower() for suffix in IMAGE_SUFFIXES)
