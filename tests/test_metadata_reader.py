"""Tests of the metadata table: real camera files, synthetic images, videos, broken files."""

import os
import struct
from pathlib import Path

import av
import numpy as np
import pandas as pd
import pytest
from PIL import Image

from test_metadata_exif import (
    CAMERAS,
    add_thumbnail,
    exifread_fields,
    jpeg_bytes,
    make_jpeg,
    rich_exif,
    scene,
    tiff_block,
)
from vidlab.exceptions import InvalidParameterError
from vidlab.io import write_table
from vidlab.metadata import (
    METADATA_COLUMNS,
    METADATA_DTYPES,
    load_metadata,
    metadata_for_output,
    read_metadata,
)


@pytest.fixture(scope="module")
def cameras():
    return read_metadata([CAMERAS], relative_to=CAMERAS).set_index("path", drop=False)


def test_columns_and_dtypes(cameras):
    assert tuple(cameras.columns) == METADATA_COLUMNS
    assert {name: str(dtype) for name, dtype in cameras.dtypes.items()} == METADATA_DTYPES


def test_camera_files_agree_with_exifread(cameras):
    jpegs = sorted(CAMERAS.glob("*.jpg"))
    assert len(jpegs) == 25
    for path in jpegs:
        row = cameras.loc[path.name]
        expected = exifread_fields(path)
        assert (row.media, row.format, row.width, row.height) == ("image", "JPEG",
                                                                  *Image.open(path).size)
        for name in ("make", "model", "serial", "software", "lens"):
            assert row[name] == expected[name], (path.name, name)
        for name in ("datetime_original", "datetime_modified"):
            value = None if row[name] is None else row[name].to_pydatetime()
            assert value == expected[name], (path.name, name)
        for name in ("orientation", "image_number", "claimed_width", "claimed_height"):
            value = None if pd.isna(row[name]) else int(row[name])
            assert value == expected[name], (path.name, name)
        for name in ("gps_latitude", "gps_longitude", "gps_altitude"):
            if expected[name] is None:
                assert np.isnan(row[name]), (path.name, name)
            else:
                assert row[name] == pytest.approx(expected[name]), (path.name, name)
        assert pd.isna(row.datetime_original_utc) and row.offset_original == ""
        # ExifTool replaced the thumbnails by 28-byte placeholders: present, not decodable
        assert not row.has_thumbnail and np.isnan(row.thumbnail_distance)
        if expected["thumbnail"] is None:
            assert row.error == "", path.name
        else:
            assert row.error == "EXIF thumbnail (28 bytes) is not an image", path.name


def test_camera_gps_time_and_file_size(cameras):
    apple = cameras.loc["Apple.jpg"]
    assert apple.gps_datetime_utc == pd.Timestamp("2016-09-28 17:17:58.650", tz="UTC")
    assert apple.size_bytes == (CAMERAS / "Apple.jpg").stat().st_size
    modified = pd.Timestamp((CAMERAS / "Apple.jpg").stat().st_mtime_ns, unit="ns", tz="UTC")
    assert apple.file_modified_utc == modified
    assert pd.isna(cameras.loc["GPS.jpg"].gps_datetime_utc)  # a time stamp without a date


def test_quicktime_video(cameras):
    row = cameras.loc["QuickTime.mov"]
    assert (row.media, row.format, row.width, row.height) == ("video", "MOV", 320, 240)
    assert row.container_created_utc == pd.Timestamp("2005-08-11 14:03:54", tz="UTC")
    assert row.duration_s == pytest.approx(0.434578)
    assert row.datetime_original is None and row.error == ""


def test_other_files_in_the_folder(cameras):
    row = cameras.loc["README.md"]
    assert (row.media, row.format) == ("", "")
    assert row.error == "not an image or video (unrecognised file format)"


# --- synthetic images --------------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path):
    image = scene((480, 360), seed=3)
    other = scene((480, 360), seed=4)
    block = tiff_block(rich_exif(">"))
    files = {
        "aware.jpg": make_jpeg(block, image, thumbnail=image),
        "edited.jpg": make_jpeg(block, image, thumbnail=other),
        "naive.jpg": make_jpeg(tiff_block(rich_exif("<", offset=None, gps=False)), image),
        "plain.jpg": make_jpeg(None, image),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    image.save(tmp_path / "room.png", exif=rich_exif())
    return tmp_path


def test_synthetic_images(folder):
    table = read_metadata([folder], relative_to=folder).set_index("path")
    assert (table.error == "").all(), table.error.to_dict()
    aware = table.loc["aware.jpg"]
    assert aware.datetime_original == pd.Timestamp("2021-03-04 10:11:12+02:00")
    assert aware.datetime_original.tzinfo is not None and aware.offset_original == "+02:00"
    assert aware.datetime_original_utc == pd.Timestamp("2021-03-04 08:11:12", tz="UTC")
    assert aware.datetime_modified_utc == pd.Timestamp("2021-03-04 09:00:00", tz="UTC")
    assert aware.gps_datetime_utc == pd.Timestamp("2021-03-04 08:11:12.25", tz="UTC")
    assert (aware.make, aware.serial, aware.lens) == ("Acme Optics", "SN-000123", "Zoom 18-55mm")
    assert aware.gps_latitude == pytest.approx(-33.870094, abs=1e-6)
    assert aware.gps_altitude == -12.5
    assert (aware.orientation, aware.image_number) == (6, 1234)
    assert (aware.claimed_width, aware.claimed_height, aware.width, aware.height) == (
        640, 480, 480, 360)
    assert aware.has_thumbnail and aware.thumbnail_distance <= 6
    edited = table.loc["edited.jpg"]
    assert edited.has_thumbnail and edited.thumbnail_distance >= 16
    naive = table.loc["naive.jpg"]
    assert naive.datetime_original == pd.Timestamp("2021-03-04 10:11:12")
    assert naive.datetime_original.tzinfo is None and naive.offset_original == ""
    assert pd.isna(naive.datetime_original_utc) and np.isnan(naive.gps_latitude)
    assert not naive.has_thumbnail and np.isnan(naive.thumbnail_distance)
    plain = table.loc["plain.jpg"]
    assert plain.make == "" and plain.datetime_original is None and pd.isna(plain.orientation)
    png = table.loc["room.png"]
    assert (png.format, png.make, png.offset_original) == ("PNG", "Acme Optics", "+02:00")
    assert np.isnan(png.duration_s) and pd.isna(png.container_created_utc)


def test_headers_only(folder):
    table = read_metadata([folder / "aware.jpg"], pixels=False)
    assert table.has_thumbnail.tolist() == [True]
    assert np.isnan(table.thumbnail_distance[0]) and table.error[0] == ""
    with pytest.raises(InvalidParameterError, match="'pixels'"):
        read_metadata([folder], pixels="yes")


def test_workers_give_the_same_table(folder):
    one = read_metadata([folder], jobs=1)
    two = read_metadata([folder], jobs=2)
    pd.testing.assert_frame_equal(one, two)


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_written_tables_read_back(folder, cameras, suffix):
    table = pd.concat([read_metadata([folder]), cameras.reset_index(drop=True)],
                      ignore_index=True)
    path = folder / f"metadata{suffix}"
    out = metadata_for_output(table)
    assert out.loc[0, "datetime_original"] == "2021-03-04T10:11:12+02:00"
    write_table(out, path)
    back = load_metadata(path)
    pd.testing.assert_frame_equal(back, table)


def test_load_metadata_refuses_other_tables(tmp_path):
    path = tmp_path / "hashes.csv"
    path.write_text("path,size\na,1\n")
    with pytest.raises(InvalidParameterError, match="not a metadata table"):
        load_metadata(path)


def test_video_with_a_creation_time(tmp_path):
    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as container:
        container.metadata["creation_time"] = "2022-05-06T07:08:09.000000Z"
        stream = container.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for index in range(10):
            pixels = np.full((48, 64, 3), index * 20, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(pixels, format="rgb24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode())
    row = read_metadata([path]).iloc[0]
    assert (row.media, row.format, row.width, row.height) == ("video", "MP4", 64, 48)
    assert row.container_created_utc == pd.Timestamp("2022-05-06 07:08:09", tz="UTC")
    assert row.duration_s == pytest.approx(1.0, abs=0.15) and row.error == ""


# --- broken files: a row with the error, never a crash -----------------------------------------


def _outside_offset(block):
    """``block`` with IFD0's Make value pointing far outside it."""
    endian = "<" if block[:2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(endian + "I", block, 4)
    (count,) = struct.unpack_from(endian + "H", block, ifd0)
    out = bytearray(block)
    for position in range(ifd0 + 2, ifd0 + 2 + 12 * count, 12):
        if struct.unpack_from(endian + "H", out, position)[0] == 0x010F:
            struct.pack_into(endian + "I", out, position + 8, 60_000)
    return bytes(out)


def _loop(block):
    """``block`` whose IFD0 'next IFD' points back at IFD0."""
    endian = "<" if block[:2] == b"II" else ">"
    (count,) = struct.unpack_from(endian + "H", block, 8)
    out = bytearray(block)
    struct.pack_into(endian + "I", out, 8 + 2 + 12 * count, 8)
    return bytes(out)


def _huge_count(block):
    endian = "<" if block[:2] == b"II" else ">"
    (count,) = struct.unpack_from(endian + "H", block, 8)
    out = bytearray(block)
    for position in range(10, 10 + 12 * count, 12):
        if struct.unpack_from(endian + "H", out, position)[0] == 0x0110:  # Model
            struct.pack_into(endian + "HI", out, position + 2, 4, 2**31)
    return bytes(out)


@pytest.fixture
def broken(tmp_path):
    image = scene((320, 240), seed=5)
    block = tiff_block(rich_exif())
    good = make_jpeg(block, image, thumbnail=image)
    app1 = good.index(b"Exif\x00\x00")
    files = {
        "outside.jpg": make_jpeg(_outside_offset(block), image),
        "loop.jpg": make_jpeg(_loop(block), image),
        "count.jpg": make_jpeg(_huge_count(block), image),
        "thumb_outside.jpg": make_jpeg(add_thumbnail(block, b"\xff\xd8" + bytes(50))[:-30],
                                       image),
        "garbage.jpg": make_jpeg(b"II*\x00\x08\x00\x00\x00" + bytes(range(256)) * 8, image),
        "truncated_app1.jpg": good[:app1 + 300],
        "truncated.jpg": good[: len(good) - 4000],
        "bad_thumbnail.jpg": make_jpeg(add_thumbnail(block, jpeg_bytes(image)[:400]), image),
        "zero.jpg": b"",
        "text.jpg": b"Dear diary, today was sunny.\n" * 20,
        "header_only.png": b"\x89PNG\r\n\x1a\n" + bytes(20),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return tmp_path


def test_broken_files_each_get_a_row(broken):
    table = read_metadata([broken, broken / "missing.jpg"], relative_to=broken).set_index("path")
    assert len(table) == 12
    errors = table.error.to_dict()
    assert all(errors.values()), errors
    assert all("\n" not in text for text in errors.values())
    assert errors["outside.jpg"].startswith("EXIF: IFD0 tag 0x010F (Make) points outside")
    assert table.loc["outside.jpg", "model"] == "Box 3000"  # the rest was kept
    assert errors["loop.jpg"] == "EXIF: IFD loop: IFD1 points to offset 8, already read"
    assert table.loc["loop.jpg", "make"] == "Acme Optics"
    assert "2,147,483,648 values" in errors["count.jpg"]
    assert table.loc["count.jpg", "model"] == "" and table.loc["count.jpg", "make"] != ""
    assert errors["thumb_outside.jpg"].startswith("EXIF: IFD1 thumbnail (52 bytes")
    assert "truncated EXIF segment" in errors["truncated_app1.jpg"]
    assert table.loc["truncated_app1.jpg", "media"] == "image"
    assert errors["truncated.jpg"].startswith("truncated JPEG file")
    assert table.loc["truncated.jpg", "make"] == "Acme Optics"
    assert table.loc["truncated.jpg", "width"] == 320
    assert errors["bad_thumbnail.jpg"].startswith("EXIF thumbnail (400 bytes) cannot be decoded")
    assert not table.loc["bad_thumbnail.jpg", "has_thumbnail"]
    assert errors["zero.jpg"] == "empty file (0 bytes)"
    assert table.loc["zero.jpg", "size_bytes"] == 0
    assert errors["text.jpg"] == "not an image or video (unrecognised file format)"
    assert table.loc["header_only.png", "media"] == "image"
    assert errors["missing.jpg"] == "file not found"
    assert table.loc["missing.jpg", "size_bytes"] == -1
    assert pd.isna(table.loc["missing.jpg", "file_modified_utc"])


def test_garbage_exif_keeps_the_image(broken):
    row = read_metadata([broken / "garbage.jpg"]).iloc[0]
    assert row.error.startswith("EXIF: ")
    assert (row.media, row.width, row.height) == ("image", 320, 240)


def test_a_broken_video(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(100))
    row = read_metadata([path]).iloc[0]
    assert (row.media, row.format) == ("video", "MP4")
    assert row.error.startswith(("not a video", "cannot open the video"))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.jpg"
    path.write_bytes(make_jpeg(tiff_block(rich_exif())))
    path.chmod(0)
    try:
        row = read_metadata([path]).iloc[0]
    finally:
        path.chmod(0o644)
    assert row.error == "cannot read the file: permission denied"
    assert row.size_bytes > 0


def test_huge_exif_chunk_and_multi_picture_files(tmp_path):
    huge = tmp_path / "huge.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 2**31 - 1) + b"eXIf" + bytes(64))
    mpo = tmp_path / "stereo.mpo"
    scene((64, 48), seed=1).save(mpo, "MPO", save_all=True,
                                 append_images=[scene((64, 48), seed=2)])
    table = read_metadata([huge, mpo]).set_index("path")
    assert table.loc[str(huge), "error"].startswith(
        "EXIF: PNG eXIf chunk of 2,147,483,647 bytes is larger than the limit")
    row = table.loc[str(mpo)]
    assert (row.format, row.width, row.height, row.error) == ("MPO", 64, 48, "")


def test_empty_folder_and_unsupported_heif(tmp_path):
    (tmp_path / "empty").mkdir()
    table = read_metadata([tmp_path / "empty"])
    assert len(table) == 0 and tuple(table.columns) == METADATA_COLUMNS
    assert {name: str(dtype) for name, dtype in table.dtypes.items()} == METADATA_DTYPES
    heic = tmp_path / "photo.heic"
    heic.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64))
    row = read_metadata([heic]).iloc[0]
    assert (row.media, row.format) == ("image", "HEIF")
    assert row.error == "cannot open the HEIF image: Pillow has no HEIF decoder here"


def test_cli_writes_every_file_and_exits_1_on_an_error(tmp_path, capsys):
    from vidlab.cli import main
    from vidlab.metadata import load_metadata

    cameras = Path(__file__).parent / "data" / "cameras"
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    out = tmp_path / "metadata.csv"
    status = main(["metadata", str(cameras / "Sony.jpg"), str(bad), "--out", str(out)])
    table = load_metadata(out)
    assert status == 1
    assert list(table["make"]) == ["SONY", ""]
    assert table["error"].iloc[1] != ""
    assert "notes.jpg" in capsys.readouterr().err


def test_cli_headers_only_decodes_no_pixels(tmp_path):
    from vidlab.cli import main
    from vidlab.metadata import load_metadata

    image = scene((480, 360), seed=3)
    picture = tmp_path / "picture.jpg"
    picture.write_bytes(make_jpeg(tiff_block(rich_exif()), image, thumbnail=image))
    full, headers = tmp_path / "full.csv", tmp_path / "headers.csv"
    assert main(["metadata", str(picture), "--out", str(full)]) == 0
    assert main(["metadata", str(picture), "--headers-only", "--out", str(headers)]) == 0
    full, headers = load_metadata(full).iloc[0], load_metadata(headers).iloc[0]
    assert (headers["make"], headers["width"]) == (full["make"], full["width"])
    assert full["thumbnail_distance"] >= 0
    assert pd.isna(headers["thumbnail_distance"])
