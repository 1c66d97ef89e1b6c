"""Tests for vidlab.synth.exif: the EXIF writer, read back by exifread and Pillow."""

import io
import struct
from datetime import datetime, timedelta
from fractions import Fraction

import exifread
import pytest
from PIL import ExifTags, Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.perceptual import perceptual_hash
from vidlab.seed import make_rng
from vidlab.synth.exif import (
    MAX_EXIF_BYTES,
    TAGS,
    THUMBNAIL_SIZE,
    build_exif,
    exif_datetime,
    gps_tags,
    gps_to_decimal,
    make_thumbnail,
    offset_text,
)


@pytest.fixture(scope="module")
def picture():
    rng = make_rng(2)
    image = Image.new("RGB", (640, 427), (200, 190, 170))
    pixels = image.load()
    for _ in range(40):  # some blocks, so that the thumbnail has structure
        x, y = int(rng.integers(0, 600)), int(rng.integers(0, 390))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        for i in range(x, x + 40):
            for j in range(y, y + 30):
                pixels[i, j] = colour
    return image


FULL = {
    "Make": "NIKON CORPORATION", "Model": "NIKON D7600", "Orientation": 1,
    "XResolution": (300, 1), "YResolution": (300, 1), "ResolutionUnit": 2,
    "Software": "Ver.1.10", "DateTime": "2020:02:29 23:59:58", "YCbCrPositioning": 2,
    "ExposureTime": (1, 125), "FNumber": Fraction(28, 10), "ISOSpeedRatings": 400,
    "ExifVersion": b"0232", "DateTimeOriginal": "2020:02:29 23:59:30",
    "DateTimeDigitized": "2020:02:29 23:59:30", "OffsetTime": "-05:00",
    "OffsetTimeOriginal": "-05:00", "OffsetTimeDigitized": "-05:00",
    "FocalLength": (350, 10), "ImageNumber": 70001, "ColorSpace": 1,
    "PixelXDimension": 6000, "PixelYDimension": 4000, "BodySerialNumber": "3012345",
    "LensModel": "35.0 mm f/1.8",
    **gps_tags(-22.9068, -43.1729, 11.25, datetime(2020, 3, 1, 4, 59, 30)),
}


def _jpeg(picture, exif):
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=85, exif=exif)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("order", ["<", ">"])
def test_exifread_reads_every_field(picture, order):
    thumbnail = make_thumbnail(picture)
    tags = exifread.process_file(_jpeg(picture, build_exif(FULL, thumbnail, order)),
                                 details=False)
    text = {key: str(value) for key, value in tags.items() if key != "JPEGThumbnail"}
    assert text["Image Make"] == "NIKON CORPORATION"
    assert text["Image Model"] == "NIKON D7600"
    assert text["Image Software"] == "Ver.1.10"
    assert text["Image DateTime"] == "2020:02:29 23:59:58"
    assert tags["Image Orientation"].values == [1]
    assert text["EXIF ExifVersion"] == "0232"
    assert text["EXIF DateTimeOriginal"] == "2020:02:29 23:59:30"
    assert text["EXIF DateTimeDigitized"] == "2020:02:29 23:59:30"
    assert text["EXIF OffsetTime"] == text["EXIF OffsetTimeOriginal"] == "-05:00"
    assert text["EXIF ExposureTime"] == "1/125"
    assert text["EXIF FNumber"] == "14/5"
    assert tags["EXIF ISOSpeedRatings"].values == [400]
    assert tags["EXIF ImageNumber"].values == [70001]
    assert tags["EXIF ExifImageWidth"].values == [6000]
    assert tags["EXIF ExifImageLength"].values == [4000]
    assert text["EXIF BodySerialNumber"] == "3012345"
    assert text["EXIF LensModel"] == "35.0 mm f/1.8"
    assert text["GPS GPSLatitudeRef"] == "S" and text["GPS GPSLongitudeRef"] == "W"
    latitude = [float(v) for v in tags["GPS GPSLatitude"].values]
    assert latitude[0] + latitude[1] / 60 + latitude[2] / 3600 == pytest.approx(22.9068, abs=1e-6)
    assert float(tags["GPS GPSAltitude"].values[0]) == 11.25
    assert [float(v) for v in tags["GPS GPSTimeStamp"].values] == [4, 59, 30]
    assert text["GPS GPSDate"] == "2020:03:01"
    assert tags["JPEGThumbnail"] == thumbnail


@pytest.mark.parametrize("order", ["<", ">"])
def test_pillow_reads_every_ifd(picture, order):
    thumbnail = make_thumbnail(picture)
    with Image.open(_jpeg(picture, build_exif(FULL, thumbnail, order))) as image:
        exif = image.getexif()
        ifd = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd1 = exif.get_ifd(ExifTags.IFD.IFD1)
        assert exif[0x010F] == "NIKON CORPORATION" and exif[0x0112] == 1
        assert ifd[0x9003] == "2020:02:29 23:59:30" and ifd[0x9011] == "-05:00"
        assert ifd[0x9211] == 70001 and (ifd[0xA002], ifd[0xA003]) == (6000, 4000)
        assert ifd[0xA431] == "3012345" and ifd[0x9000] == b"0232"
        assert gps[1] == "S" and gps[0x1D] == "2020:03:01"
        assert ifd1[0x0103] == 6 and ifd1[0x0202] == len(thumbnail)
        # the offset of the thumbnail counts from the TIFF header, after "Exif\0\0"
        data = image.info["exif"]
        start = 6 + ifd1[0x0201]
        assert data[start:start + len(thumbnail)] == thumbnail


def test_thumbnail_is_a_small_jpeg_of_the_picture(picture):
    thumbnail = Image.open(io.BytesIO(make_thumbnail(picture)))
    assert thumbnail.format == "JPEG"
    assert thumbnail.size == (THUMBNAIL_SIZE, round(427 * THUMBNAIL_SIZE / 640))
    assert perceptual_hash(thumbnail) - perceptual_hash(picture) <= 4
    portrait = make_thumbnail(picture.rotate(90, expand=True), size=120)
    assert Image.open(io.BytesIO(portrait)).size == (80, 120)


def test_bytes_are_deterministic_and_laid_out_in_order(picture):
    thumbnail = make_thumbnail(picture)
    assert make_thumbnail(picture) == thumbnail
    one = build_exif(FULL, thumbnail, ">")
    assert one == build_exif(dict(reversed(list(FULL.items()))), thumbnail, ">")
    assert one[6:8] == b"MM" and build_exif(FULL, thumbnail, "<")[6:8] == b"II"
    tiff = one[6:]
    (count,) = struct.unpack(">H", tiff[8:10])
    tags = [struct.unpack(">H", tiff[10 + 12 * i: 12 + 12 * i])[0] for i in range(count)]
    assert tags == sorted(tags) and 0x8769 in tags and 0x8825 in tags
    assert one.endswith(thumbnail)


def test_none_values_are_skipped_and_no_thumbnail_no_ifd1(picture):
    data = build_exif({"Make": "Canon", "BodySerialNumber": None})
    tags = exifread.process_file(_jpeg(picture, data), details=False)
    assert str(tags["Image Make"]) == "Canon"
    assert "EXIF BodySerialNumber" not in tags and "JPEGThumbnail" not in tags
    assert "Image ExifOffset" not in tags  # no Exif IFD when it would be empty


@pytest.mark.parametrize(("tags", "kwargs", "match"), [
    ({"Lens": "x"}, {}, "Unknown EXIF tag 'Lens'"),
    ({"Make": "Café"}, {}, "ASCII"),
    ({"Make": 3}, {}, "takes a str"),
    ({"ExifVersion": "0232"}, {}, "takes bytes"),
    ({"ImageNumber": 2.5}, {}, "takes ints"),
    ({"ImageNumber": -1}, {}, "out of range"),
    ({"FNumber": 2.8}, {}, "rationals"),
    ({}, {"byte_order": "II"}, "'byte_order'"),
    ({}, {"thumbnail": b"not a jpeg"}, "'thumbnail'"),
    ({}, {"thumbnail": b"\xff\xd8" + b"\0" * MAX_EXIF_BYTES}, "APP1"),
])
def test_bad_input_is_one_clear_error(tags, kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        build_exif(tags, **kwargs)


@pytest.mark.parametrize(("latitude", "longitude"), [
    (52.52, 13.405), (-33.8688, 151.2093), (40.7128, -74.006), (-0.000001, -0.5),
    (10.99999999, 20.9999999), (89.9999, 179.9999),
])
def test_gps_round_trips_to_a_fraction_of_a_metre(latitude, longitude):
    tags = gps_tags(latitude, longitude, None, datetime(2020, 1, 1))
    assert "GPSAltitude" not in tags
    back = (gps_to_decimal(tags["GPSLatitude"], tags["GPSLatitudeRef"]),
            gps_to_decimal(tags["GPSLongitude"], tags["GPSLongitudeRef"]))
    assert abs(back[0] - latitude) * 111_320 < 0.2
    assert abs(back[1] - longitude) * 111_320 < 0.2
    for _, (minutes, _), (seconds, den) in (tags["GPSLatitude"], tags["GPSLongitude"]):
        assert 0 <= minutes < 60 and 0 <= seconds < 60 * den


def test_gps_refuses_impossible_positions():
    with pytest.raises(InvalidParameterError, match="'latitude'"):
        gps_tags(91.0, 0.0, None, datetime(2020, 1, 1))
    with pytest.raises(InvalidParameterError, match="'longitude'"):
        gps_tags(0.0, float("nan"), None, datetime(2020, 1, 1))


def test_text_formats():
    assert exif_datetime(datetime(2019, 12, 31, 23, 59, 59, 999_999)) == "2019:12:31 23:59:59"
    assert offset_text(timedelta(hours=-3, minutes=-30)) == "-03:30"
    assert offset_text(0) == "+00:00" and offset_text(20700) == "+05:45"


def test_every_tag_has_a_known_ifd_and_type():
    assert {ifd for ifd, _, _ in TAGS.values()} == {"0", "exif", "gps"}
    assert len({(ifd, tag) for ifd, tag, _ in TAGS.values()}) == len(TAGS)
