"""Tests of the EXIF parser: real camera files against exifread, synthetic and broken EXIF."""

import io
import struct
from fractions import Fraction
from pathlib import Path

import exifread
import numpy as np
import pytest
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from vidlab.metadata.exif import (
    MAX_EXIF_BYTES,
    TABLE_TAGS,
    ExifData,
    ExifError,
    RawValue,
    exif_fields,
    parse_exif_datetime,
    parse_offset,
    parse_tiff,
    read_exif,
    read_jpeg_head,
    sniff_format,
)

CAMERAS = Path(__file__).parent / "data" / "cameras"
CAMERA_FILES = sorted(CAMERAS.glob("*.jpg"))


# --- building synthetic EXIF (also used by test_metadata_reader) -------------------------------


def rich_exif(byte_order="<", offset="+02:00", gps=True):
    """A Pillow ``Image.Exif`` with every field of the metadata table."""
    exif = Image.Exif()
    exif.endian = byte_order
    exif[0x010F] = "Acme Optics"
    exif[0x0110] = "Box 3000"
    exif[0x0131] = "Firmware 1.2"
    exif[0x0132] = "2021:03:04 11:00:00"
    exif[0x0112] = 6
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = "2021:03:04 10:11:12"
    if offset:
        sub[0x9011] = offset
        sub[0x9010] = offset
    sub[0x9211] = 1234
    sub[0xA002] = 640
    sub[0xA003] = 480
    sub[0xA431] = "SN-000123"
    sub[0xA434] = "Zoom 18-55mm"
    if gps:
        g = exif.get_ifd(0x8825)
        g[1] = "S"
        g[2] = (IFDRational(33, 1), IFDRational(52, 1), IFDRational(1234, 100))
        g[3] = "E"
        g[4] = (IFDRational(151, 1), IFDRational(12, 1), IFDRational(3, 2))
        g[5] = b"\x01"
        g[6] = IFDRational(125, 10)
        g[7] = (IFDRational(8, 1), IFDRational(11, 1), IFDRational(1225, 100))
        g[0x1D] = "2021:03:04"
    return exif


def tiff_block(exif):
    """The TIFF structure Pillow writes for ``exif`` (without the ``Exif\\0\\0`` prefix)."""
    return exif.tobytes()[6:]


def add_thumbnail(block, thumbnail):
    """Append an IFD1 pointing at ``thumbnail`` (JPEG bytes) to a Pillow-written block."""
    endian = "<" if block[:2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(endian + "I", block, 4)
    (count,) = struct.unpack_from(endian + "H", block, ifd0)
    next_at = ifd0 + 2 + 12 * count
    ifd1 = len(block) + (len(block) & 1)
    data = ifd1 + 2 + 3 * 12 + 4
    entries = [(0x0103, 3, 1, struct.pack(endian + "HH", 6, 0)),
               (0x0201, 4, 1, struct.pack(endian + "I", data)),
               (0x0202, 4, 1, struct.pack(endian + "I", len(thumbnail)))]
    out = bytearray(block) + b"\x00" * (len(block) & 1)
    struct.pack_into(endian + "I", out, next_at, ifd1)
    out += struct.pack(endian + "H", len(entries))
    for tag, kind, n, value in entries:
        out += struct.pack(endian + "HHI", tag, kind, n) + value
    out += b"\x00\x00\x00\x00" + thumbnail
    return bytes(out)


def scene(size=(320, 240), seed=0):
    """A deterministic picture of a room-like pattern (shapes and bars, no people)."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(120, 255, 3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(6):
        x0, y0 = int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 3 // 4))
        x1 = x0 + int(rng.integers(1, width // 2 + 2))
        y1 = y0 + int(rng.integers(1, height // 2 + 2))
        draw.rectangle((x0, y0, x1, y1), fill=tuple(int(v) for v in rng.integers(0, 255, 3)))
    return image


def jpeg_bytes(image, quality=85):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def make_jpeg(block=None, image=None, thumbnail=None):
    """JPEG bytes of ``image`` with the TIFF ``block`` (optionally with a thumbnail of
    ``thumbnail`` (an image) appended as IFD1) in APP1."""
    image = scene() if image is None else image
    if block is not None and thumbnail is not None:
        small = thumbnail.copy()
        small.thumbnail((160, 160))
        block = add_thumbnail(block, jpeg_bytes(small, 75))
    buffer = io.BytesIO()
    if block is None:
        image.save(buffer, "JPEG", quality=85)
    else:
        image.save(buffer, "JPEG", quality=85, exif=b"Exif\x00\x00" + block)
    return buffer.getvalue()


def hand_tiff(entries, endian="<", ifd0=8, tail=b"", next_ifd=0):
    """A TIFF block with one IFD at ``ifd0``: ``entries`` are (tag, type, count, 4 raw bytes)."""
    head = (b"II*\x00" if endian == "<" else b"MM\x00*") + struct.pack(endian + "I", ifd0)
    body = head.ljust(ifd0, b"\x00") + struct.pack(endian + "H", len(entries))
    for tag, kind, count, raw in entries:
        body += struct.pack(endian + "HHI", tag, kind, count) + raw
    return body + struct.pack(endian + "I", next_ifd) + tail


# --- real camera files against exifread --------------------------------------------------------


def _exifread_tags(path):
    with open(path, "rb") as file:
        return exifread.process_file(file, details=False)


def _text(tags, key):
    if key not in tags:
        return ""
    value = tags[key].values
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).rstrip(" \x00")


def _number(tags, key):
    return int(tags[key].values[0]) if key in tags else None


def _degrees(tags, key):
    if key not in tags:
        return None
    parts = [float(Fraction(v.num, v.den)) for v in tags[key].values]
    value = sum(part / 60**i for i, part in enumerate(parts))
    return -value if _text(tags, key + "Ref")[:1] in ("S", "W") else value


def exifread_fields(path):
    """The fields of the metadata table as computed from exifread's tags."""
    tags = _exifread_tags(path)
    altitude = None
    if "GPS GPSAltitude" in tags:
        ratio = tags["GPS GPSAltitude"].values[0]
        altitude = ratio.num / ratio.den
        if _number(tags, "GPS GPSAltitudeRef") == 1:
            altitude = -altitude
    return {
        "make": _text(tags, "Image Make"),
        "model": _text(tags, "Image Model"),
        "serial": _text(tags, "EXIF BodySerialNumber") or _text(tags, "Image CameraSerialNumber"),
        "software": _text(tags, "Image Software"),
        "lens": _text(tags, "EXIF LensModel"),
        "datetime_original": parse_exif_datetime(_text(tags, "EXIF DateTimeOriginal")),
        "datetime_modified": parse_exif_datetime(_text(tags, "Image DateTime")),
        "offset_original": _text(tags, "EXIF OffsetTimeOriginal"),
        "offset_modified": _text(tags, "EXIF OffsetTime"),
        "gps_latitude": _degrees(tags, "GPS GPSLatitude"),
        "gps_longitude": _degrees(tags, "GPS GPSLongitude"),
        "gps_altitude": altitude,
        "orientation": _number(tags, "Image Orientation"),
        "image_number": _number(tags, "EXIF ImageNumber"),
        "claimed_width": _number(tags, "EXIF ExifImageWidth"),
        "claimed_height": _number(tags, "EXIF ExifImageLength"),
        "thumbnail": tags["JPEGThumbnail"] if "JPEGThumbnail" in tags else None,
    }


def assert_agrees_with_exifread(path, data):
    expected = exifread_fields(path)
    ours = exif_fields(data)
    for name in ("make", "model", "serial", "software", "lens", "offset_original",
                 "offset_modified", "orientation", "image_number", "claimed_width",
                 "claimed_height"):
        assert ours[name] == expected[name], name
    for name in ("datetime_original", "datetime_modified"):
        moment = ours[name]
        assert (None if moment is None else moment.replace(tzinfo=None)) == expected[name], name
    for name in ("gps_latitude", "gps_longitude", "gps_altitude"):
        if expected[name] is None:
            assert ours[name] is None, name
        else:
            assert ours[name] == pytest.approx(expected[name], abs=1e-9), name
    assert data.thumbnail == expected["thumbnail"]


def test_the_camera_samples_are_there():
    assert len(CAMERA_FILES) == 25


@pytest.mark.parametrize("path", CAMERA_FILES, ids=lambda p: p.name)
def test_camera_files_agree_with_exifread(path):
    data = read_exif(path)  # no fault in any of them
    assert data is not None and data.problems == []
    assert_agrees_with_exifread(path, data)


def test_camera_values_are_read_as_written():
    fields = {p.name: exif_fields(read_exif(p)) for p in CAMERA_FILES}
    apple = fields["Apple.jpg"]
    assert (apple["make"], apple["model"], apple["lens"]) == (
        "Apple", "iPhone 7", "iPhone 7 back camera 3.99mm f/1.8")
    assert apple["gps_latitude"] == pytest.approx(53 + 22 / 60 + 233 / 4 / 3600)
    assert apple["gps_longitude"] == pytest.approx(-(1 + 27 / 60 + 601 / 25 / 3600))
    assert str(apple["gps_datetime_utc"]) == "2016-09-28 17:17:58.650000+00:00"
    gopro = fields["GoPro.jpg"]
    assert gopro["serial"] == "C3221324657219"
    assert gopro["gps_altitude"] == pytest.approx(-3.983)  # below sea level (ref 1)
    assert fields["Casio2.jpg"]["make"] == "CASIO COMPUTER CO.,LTD"  # padding stripped
    assert fields["Pentax.jpg"]["orientation"] == 8
    assert fields["Kodak.jpg"]["datetime_modified"] is None  # it writes no DateTime
    # ExifTool's placeholders stand in for the thumbnails: bytes, but not an image.
    assert read_exif(CAMERAS / "Nikon.jpg").thumbnail == b"<Dummy thumbnail image data>"


# --- synthetic EXIF written by Pillow ----------------------------------------------------------


@pytest.mark.parametrize("byte_order", ["<", ">"])
def test_synthetic_exif_both_byte_orders(tmp_path, byte_order):
    block = tiff_block(rich_exif(byte_order))
    assert block[:2] == (b"II" if byte_order == "<" else b"MM")
    path = tmp_path / "room.jpg"
    path.write_bytes(make_jpeg(block, thumbnail=scene()))
    data = read_exif(path)
    assert data.byte_order == byte_order
    fields = exif_fields(data)
    assert fields["make"] == "Acme Optics" and fields["serial"] == "SN-000123"
    assert fields["lens"] == "Zoom 18-55mm" and fields["software"] == "Firmware 1.2"
    assert fields["datetime_original"].isoformat() == "2021-03-04T10:11:12+02:00"
    assert fields["datetime_modified"].isoformat() == "2021-03-04T11:00:00+02:00"
    assert fields["offset_original"] == "+02:00"
    assert fields["gps_latitude"] == pytest.approx(-(33 + 52 / 60 + 12.34 / 3600))
    assert fields["gps_longitude"] == pytest.approx(151 + 12 / 60 + 1.5 / 3600)
    assert fields["gps_altitude"] == pytest.approx(-12.5)
    assert fields["gps_datetime_utc"].isoformat() == "2021-03-04T08:11:12.250000+00:00"
    assert (fields["orientation"], fields["image_number"]) == (6, 1234)
    assert (fields["claimed_width"], fields["claimed_height"]) == (640, 480)
    assert data.thumbnail[:2] == b"\xff\xd8" and fields["has_thumbnail_bytes"]
    assert_agrees_with_exifread(path, data)


def test_no_offset_means_naive_times():
    fields = exif_fields(parse_tiff(tiff_block(rich_exif(offset=None, gps=False))))
    assert fields["datetime_original"].tzinfo is None
    assert fields["offset_original"] == ""
    assert fields["gps_latitude"] is None and fields["gps_datetime_utc"] is None


def test_png_webp_and_tiff_containers(tmp_path):
    exif = rich_exif(">")
    for name, kwargs in [("a.png", {}), ("a.webp", {"lossless": True})]:
        path = tmp_path / name
        scene((64, 48)).save(path, exif=exif, **kwargs)
        fields = exif_fields(read_exif(path))
        assert fields["make"] == "Acme Optics", name
        assert fields["datetime_original"].isoformat() == "2021-03-04T10:11:12+02:00", name
        assert fields["gps_latitude"] == pytest.approx(-33.8701, abs=1e-4), name
    # Pillow's TIFF writer keeps IFD0 tags only (no Exif or GPS IFD)
    scene((64, 48)).save(tmp_path / "a.tif", exif=exif)
    fields = exif_fields(read_exif(tmp_path / "a.tif"))
    assert (fields["make"], fields["orientation"]) == ("Acme Optics", 6)
    # a TIFF-structured file is read through a memory map, sub-IFDs included
    (tmp_path / "b.tif").write_bytes(tiff_block(exif))
    fields = exif_fields(read_exif(tmp_path / "b.tif"))
    assert fields["datetime_original"].isoformat() == "2021-03-04T10:11:12+02:00"
    assert fields["gps_latitude"] == pytest.approx(-33.8701, abs=1e-4)


def test_png_and_webp_chunks_with_an_exif_prefix(tmp_path):
    block = tiff_block(rich_exif())
    png = io.BytesIO()
    scene((16, 16)).save(png, "PNG")
    data = png.getvalue()
    chunk = b"Exif\x00\x00" + block
    # insert an eXIf chunk (with the prefix some tools write) after IHDR
    iend = 8 + 25
    data = data[:iend] + struct.pack(">I", len(chunk)) + b"eXIf" + chunk + b"\0\0\0\0" + data[iend:]
    assert exif_fields(read_exif(io.BytesIO(data)))["make"] == "Acme Optics"
    riff = b"WEBP" + b"VP8X" + struct.pack("<I", 10) + bytes(10)
    riff += b"EXIF" + struct.pack("<I", len(chunk)) + chunk + b"\0" * (len(chunk) & 1)
    webp = b"RIFF" + struct.pack("<I", len(riff)) + riff
    assert exif_fields(read_exif(io.BytesIO(webp)))["model"] == "Box 3000"


def test_files_without_exif():
    assert read_exif(io.BytesIO(make_jpeg())) is None
    png = io.BytesIO()
    scene((8, 8)).save(png, "PNG")
    assert read_exif(io.BytesIO(png.getvalue())) is None
    assert read_exif(io.BytesIO(b"GIF89a" + bytes(40))) is None


def test_every_tiff_type_is_decoded():
    raw = b"".join([
        b"\x07\x00\x00\x00", b"abc\x00", struct.pack("<I", 7), struct.pack("<i", -7),
        struct.pack("<hh", -1, 2), struct.pack("<f", 1.5), b"\xff\x00\x00\x00",
    ])
    tail_at = 8 + 2 + 12 * 11 + 4
    tail = struct.pack("<II", 3, 4) + struct.pack("<ii", -3, 4) + struct.pack("<d", 2.25)
    tail += struct.pack("<Q", 2**40) + struct.pack("<q", -(2**40))
    entries = [
        (0x1001, 1, 1, raw[0:4]),  # BYTE
        (0x1002, 2, 4, raw[4:8]),  # ASCII
        (0x1004, 4, 1, raw[8:12]),  # LONG
        (0x1009, 9, 1, raw[12:16]),  # SLONG
        (0x1008, 8, 2, raw[16:20]),  # SSHORT
        (0x100B, 11, 1, raw[20:24]),  # FLOAT
        (0x1006, 6, 1, raw[24:28]),  # SBYTE
        (0x1005, 5, 1, struct.pack("<I", tail_at)),  # RATIONAL
        (0x100A, 10, 1, struct.pack("<I", tail_at + 8)),  # SRATIONAL
        (0x100C, 12, 1, struct.pack("<I", tail_at + 16)),  # DOUBLE
        (0x1010, 16, 2, struct.pack("<I", tail_at + 24)),  # LONG8 (signed twin below)
    ]
    values = parse_tiff(hand_tiff(entries, tail=tail)).ifd0
    assert values[0x1001] == (7,) and values[0x1002] == "abc"
    assert values[0x1004] == (7,) and values[0x1009] == (-7,) and values[0x1008] == (-1, 2)
    assert values[0x100B] == (1.5,) and values[0x1006] == (-1,)
    assert values[0x1005] == ((3, 4),) and values[0x100A] == ((-3, 4),)
    assert values[0x100C] == (2.25,) and values[0x1010] == (2**40, 2**64 - 2**40)


def test_unknown_types_and_large_values_are_not_errors():
    big = 200_000
    block = hand_tiff([(0x0100, 99, 1, bytes(4)), (0x0101, 7, big, struct.pack("<I", 30))],
                      tail=bytes(big + 30))
    values = parse_tiff(block).ifd0
    assert 0x0100 not in values
    assert values[0x0101] == RawValue(7, big, 30)


def test_datetime_and_offset_parsing():
    assert parse_exif_datetime("2021:03:04 10:11:12\x00") is not None
    for bad in ("", "    :  :     :  :  ", "2021:13:04 10:11:12", "2021:03:04", None, 5):
        assert parse_exif_datetime(bad) is None
    assert parse_offset("+02:00")[0] == "+02:00"
    for bad in ("", "+2:00", "+15:00", "02:00", None):
        assert parse_offset(bad) is None


def test_sniff_format():
    assert sniff_format(b"MM\x00*\x00\x00\x00\x08") == "TIFF"
    assert sniff_format(b"\x00\x00\x00\x1cftypisom") == "MP4"
    assert sniff_format(b"\x00\x00\x00\x1cftypheic") == "HEIF"
    assert sniff_format(b"\x00\x00\x0f\x17moov") == "MOV"
    assert sniff_format(b"\x1a\x45\xdf\xa3" + bytes(28)) == "MKV"
    assert sniff_format(b"") == ""


# --- malformed EXIF: an ExifError with a one-line reason, never a crash ------------------------


def _fault(block):
    with pytest.raises(ExifError) as caught:
        parse_tiff(block)
    message = str(caught.value)
    assert "\n" not in message and message
    return message, caught.value.partial


def test_value_pointing_outside_keeps_the_other_tags():
    entries = [(0x010F, 2, 20, struct.pack("<I", 60_000)), (0x0112, 3, 1, b"\x03\x00\x00\x00")]
    message, partial = _fault(hand_tiff(entries))
    assert "0x010F (Make) points outside the EXIF data" in message
    assert partial.ifd0 == {0x0112: (3,)}


def test_absurd_count_is_not_an_allocation():
    entries = [(0x010F, 4, 2**31, struct.pack("<I", 26)), (0x0110, 2, 4, b"Box\x00")]
    message, partial = _fault(hand_tiff(entries))
    assert "2,147,483,648 values" in message
    assert partial.ifd0 == {0x0110: "Box"}


def test_ifd_loop():
    entries = [(0x8769, 4, 1, struct.pack("<I", 8)), (0x010F, 2, 4, b"Acm\x00")]
    message, partial = _fault(hand_tiff(entries, next_ifd=8))
    assert message.startswith("IFD loop: Exif IFD points to offset 8")
    assert "and 1 more" in message  # IFD1 points there too
    assert partial.ifd0[0x010F] == "Acm"


def test_ifd_offsets_outside_and_too_many_entries():
    message, partial = _fault(b"II*\x00" + struct.pack("<I", 5000) + bytes(6))
    assert message == "IFD0 offset 5000 lies outside the EXIF data (14 bytes)"
    assert partial.ifd0 == {}
    block = hand_tiff([(0x010F, 2, 4, b"Acm\x00")])
    block = block[:8] + struct.pack("<H", 900) + block[10:]
    message, partial = _fault(block)
    assert "declares 900 entries" in message and partial.ifd0[0x010F] == "Acm"


def test_thumbnail_outside_the_block():
    block = add_thumbnail(tiff_block(rich_exif()), b"\xff\xd8" + bytes(100))
    message, partial = _fault(block[:-50])
    assert message.startswith("IFD1 thumbnail (102 bytes at offset")
    assert partial.thumbnail is None and exif_fields(partial)["make"] == "Acme Optics"


def test_bad_headers():
    for block, text in [(b"II*\x00", "too short"), (b"XX*\x00" + bytes(8), "TIFF header"),
                        (b"II+\x00" + bytes(12), "BigTIFF")]:
        with pytest.raises(ExifError, match=text) as caught:
            parse_tiff(block)
        assert caught.value.partial is None


def test_garbage_after_the_header():
    rng = np.random.default_rng(1)
    block = b"II*\x00\x08\x00\x00\x00" + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes()
    try:
        data = parse_tiff(block)
    except ExifError as error:
        data = error.partial
    assert isinstance(data, ExifData)
    exif_fields(data)  # whatever was decoded, the fields can be derived


def test_random_corruptions_never_crash():
    rng = np.random.default_rng(7)
    good = bytearray(add_thumbnail(tiff_block(rich_exif(">")), jpeg_bytes(scene((32, 24)))))
    for _ in range(400):
        block = bytearray(good)
        for position in rng.integers(0, len(block), int(rng.integers(1, 12))):
            block[position] = int(rng.integers(0, 256))
        cut = int(rng.integers(8, len(block) + 1))
        try:
            data = parse_tiff(bytes(block[:cut]))
        except ExifError as error:
            data = error.partial
        if data is not None:
            exif_fields(data)


def test_truncated_app1_segment():
    data = make_jpeg(tiff_block(rich_exif()))
    cut = data[:200]  # inside the EXIF segment
    with pytest.raises(ExifError, match="truncated EXIF segment") as caught:
        read_exif(io.BytesIO(cut))
    assert caught.value.partial is None or isinstance(caught.value.partial, ExifData)


def test_broken_jpeg_marker_structure():
    with pytest.raises(ExifError, match="JPEG marker expected at offset 2"):
        read_exif(io.BytesIO(b"\xff\xd8" + b"garbage" * 10), "JPEG")
    with pytest.raises(ExifError, match="invalid JPEG marker 0x67 at offset 2"):
        read_exif(io.BytesIO(b"\xff\xd8\xff" + b"garbage" * 10))
    with pytest.raises(ExifError, match="invalid length"):
        read_exif(io.BytesIO(b"\xff\xd8\xff\xe0\x00\x01" + bytes(40)))


def test_huge_chunks_are_refused_without_reading_them():
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 2**31 - 1) + b"eXIf" + b"II*\x00"
    with pytest.raises(ExifError, match="larger than the limit"):
        read_exif(io.BytesIO(png))
    assert MAX_EXIF_BYTES < 2**31 - 1


def test_largest_jpeg_exif_segment():
    exif = rich_exif()
    exif[0x010E] = "x" * 65_000  # ImageDescription: the segment is nearly 64 KiB
    data = make_jpeg(tiff_block(exif))
    assert exif_fields(read_exif(io.BytesIO(data)))["make"] == "Acme Optics"


def test_only_the_table_tags_are_read():
    entries = [(0x010E, 2, 20, struct.pack("<I", 60_000)),  # ImageDescription, broken
               (0x0110, 2, 4, b"Box\x00")]
    with pytest.raises(ExifError):
        parse_tiff(hand_tiff(entries))
    data = parse_tiff(hand_tiff(entries), tags=TABLE_TAGS)  # the broken tag is not read
    assert data.ifd0 == {0x0110: "Box"}
    for path in CAMERA_FILES[:5]:
        assert exif_fields(read_exif(path, tags=TABLE_TAGS)) == exif_fields(read_exif(path))


class CountingFile(io.BytesIO):
    def __init__(self, data):
        super().__init__(data)
        self.n_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.n_read += len(chunk)
        return chunk


def test_the_jpeg_walk_reads_the_head_only():
    data = make_jpeg(tiff_block(rich_exif()), scene((1200, 900)), thumbnail=scene())
    file = CountingFile(data)
    head = read_jpeg_head(file)
    assert head.size == (1200, 900) and head.exif is not None and not head.multi_picture
    assert file.n_read < len(head.exif) + 200 < len(data) // 4
