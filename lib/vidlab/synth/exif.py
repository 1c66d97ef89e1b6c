"""A small EXIF writer: IFD0, the Exif IFD, the GPS IFD and IFD1 with a JPEG thumbnail.

:func:`build_exif` serialises named tags (see :data:`TAGS`) to the bytes that Pillow's
``Image.save(..., exif=...)`` puts in a JPEG's APP1 segment: ``b"Exif\\0\\0"`` followed by a
TIFF structure in either byte order (``"<"`` little-endian ``II``, as Canon, Sony or Samsung
write; ``">"`` big-endian ``MM``, as Nikon or Apple write). The bytes are a pure function of
the arguments: entries are sorted by tag, IFDs follow each other in a fixed order (IFD0, Exif,
GPS, IFD1, thumbnail) and every value longer than four bytes starts on an even offset.

>>> from PIL import Image
>>> import io
>>> data = build_exif({"Make": "Canon", "DateTimeOriginal": "2021:03:04 10:11:12",
...                    "ImageNumber": 1234}, byte_order=">")
>>> data[:8]
b'Exif\\x00\\x00MM'
>>> buffer = io.BytesIO()
>>> Image.new("RGB", (32, 24)).save(buffer, "JPEG", exif=data)
>>> exif = Image.open(buffer).getexif()
>>> exif[0x010F], exif.get_ifd(0x8769)[0x9003], exif.get_ifd(0x8769)[0x9211]
('Canon', '2021:03:04 10:11:12', 1234)
"""

import io
import math
import struct
from datetime import timedelta
from fractions import Fraction

from PIL import Image

from vidlab.exceptions import InvalidParameterError

__all__ = [
    "TAGS",
    "THUMBNAIL_SIZE",
    "build_exif",
    "exif_datetime",
    "gps_tags",
    "gps_to_decimal",
    "make_thumbnail",
    "offset_text",
]

THUMBNAIL_SIZE = 160  # the long side of the IFD1 thumbnail, as most cameras write
THUMBNAIL_QUALITY = 80
MAX_EXIF_BYTES = 65533  # what fits in one JPEG APP1 segment

# TIFF field types
BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED, SLONG, SRATIONAL = 1, 2, 3, 4, 5, 7, 9, 10
_FORMATS = {BYTE: "B", SHORT: "H", LONG: "I", SLONG: "i", RATIONAL: "II", SRATIONAL: "ii"}

#: name -> (IFD, tag, TIFF type) of every tag :func:`build_exif` writes. IFD is ``"0"``
#: (IFD0, the main image), ``"exif"`` or ``"gps"``; the pointers to the Exif and GPS IFDs and
#: the IFD1 thumbnail tags are written by :func:`build_exif` itself.
TAGS = {
    "ImageDescription": ("0", 0x010E, ASCII),
    "Make": ("0", 0x010F, ASCII),
    "Model": ("0", 0x0110, ASCII),
    "Orientation": ("0", 0x0112, SHORT),
    "XResolution": ("0", 0x011A, RATIONAL),
    "YResolution": ("0", 0x011B, RATIONAL),
    "ResolutionUnit": ("0", 0x0128, SHORT),
    "Software": ("0", 0x0131, ASCII),
    "DateTime": ("0", 0x0132, ASCII),
    "Artist": ("0", 0x013B, ASCII),
    "YCbCrPositioning": ("0", 0x0213, SHORT),
    "Copyright": ("0", 0x8298, ASCII),
    "ExposureTime": ("exif", 0x829A, RATIONAL),
    "FNumber": ("exif", 0x829D, RATIONAL),
    "ISOSpeedRatings": ("exif", 0x8827, SHORT),
    "ExifVersion": ("exif", 0x9000, UNDEFINED),
    "DateTimeOriginal": ("exif", 0x9003, ASCII),
    "DateTimeDigitized": ("exif", 0x9004, ASCII),
    "OffsetTime": ("exif", 0x9010, ASCII),
    "OffsetTimeOriginal": ("exif", 0x9011, ASCII),
    "OffsetTimeDigitized": ("exif", 0x9012, ASCII),
    "FocalLength": ("exif", 0x920A, RATIONAL),
    "ImageNumber": ("exif", 0x9211, LONG),
    "SubSecTimeOriginal": ("exif", 0x9291, ASCII),
    "ColorSpace": ("exif", 0xA001, SHORT),
    "PixelXDimension": ("exif", 0xA002, LONG),
    "PixelYDimension": ("exif", 0xA003, LONG),
    "FocalLengthIn35mmFilm": ("exif", 0xA405, SHORT),
    "ImageUniqueID": ("exif", 0xA420, ASCII),
    "BodySerialNumber": ("exif", 0xA431, ASCII),
    "LensMake": ("exif", 0xA433, ASCII),
    "LensModel": ("exif", 0xA434, ASCII),
    "GPSVersionID": ("gps", 0x0000, BYTE),
    "GPSLatitudeRef": ("gps", 0x0001, ASCII),
    "GPSLatitude": ("gps", 0x0002, RATIONAL),
    "GPSLongitudeRef": ("gps", 0x0003, ASCII),
    "GPSLongitude": ("gps", 0x0004, RATIONAL),
    "GPSAltitudeRef": ("gps", 0x0005, BYTE),
    "GPSAltitude": ("gps", 0x0006, RATIONAL),
    "GPSTimeStamp": ("gps", 0x0007, RATIONAL),
    "GPSMapDatum": ("gps", 0x0012, ASCII),
    "GPSDateStamp": ("gps", 0x001D, ASCII),
}
EXIF_POINTER, GPS_POINTER = 0x8769, 0x8825
JPEG_OFFSET, JPEG_LENGTH = 0x0201, 0x0202


# --- values ----------------------------------------------------------------------------------


def _as_list(value):
    return list(value) if isinstance(value, list | tuple) else [value]


def _rational(value, name):
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value
    if isinstance(value, Fraction):
        return value.numerator, value.denominator
    if isinstance(value, int) and not isinstance(value, bool):
        return value, 1
    raise InvalidParameterError(
        f"The EXIF tag {name!r} takes rationals: (numerator, denominator) pairs, Fractions or "
        f"ints. Got {value!r} instead."
    )


def _encode(name, kind, value, order):
    """Return ``(count, payload bytes)`` of one tag's value."""
    if kind == ASCII:
        if not isinstance(value, str):
            raise InvalidParameterError(
                f"The EXIF tag {name!r} takes a str. Got {type(value).__name__} instead.")
        try:
            data = value.encode("ascii") + b"\0"
        except UnicodeEncodeError:
            raise InvalidParameterError(
                f"The EXIF tag {name!r} takes ASCII text. Got {value!r} instead.") from None
        return len(data), data
    if kind == UNDEFINED:
        if not isinstance(value, bytes):
            raise InvalidParameterError(
                f"The EXIF tag {name!r} takes bytes. Got {type(value).__name__} instead.")
        return len(value), value
    items = _as_list(value)
    if kind in (RATIONAL, SRATIONAL):
        if isinstance(value, tuple) and len(value) == 2 and all(
                isinstance(v, int) and not isinstance(v, bool) for v in value):
            items = [value]  # one (numerator, denominator) pair
        pairs = [_rational(item, name) for item in items]
        flat = [v for pair in pairs for v in pair]
        count = len(pairs)
    else:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in items):
            raise InvalidParameterError(
                f"The EXIF tag {name!r} takes ints. Got {value!r} instead.")
        flat, count = items, len(items)
    try:
        return count, struct.pack(order + _FORMATS[kind][0] * len(flat), *flat)
    except struct.error:
        raise InvalidParameterError(
            f"The EXIF tag {name!r} has a value out of range for its type. Got {value!r}."
        ) from None


def _ifd_size(entries):
    """Bytes taken by an IFD (count, entries, next pointer) and its data area."""
    size = 2 + 12 * len(entries) + 4
    for _, _, _, payload in entries:
        if len(payload) > 4:
            size += len(payload) + len(payload) % 2
    return size


def _ifd_bytes(entries, start, next_ifd, order):
    """Serialise ``entries`` [(tag, type, count, payload)] as an IFD placed at ``start``."""
    entries = sorted(entries)
    head = [struct.pack(order + "H", len(entries))]
    data = []
    data_at = start + 2 + 12 * len(entries) + 4
    for tag, kind, count, payload in entries:
        if len(payload) <= 4:
            field = payload.ljust(4, b"\0")
        else:
            field = struct.pack(order + "I", data_at)
            padded = payload + b"\0" * (len(payload) % 2)
            data.append(padded)
            data_at += len(padded)
        head.append(struct.pack(order + "HHI", tag, kind, count) + field)
    head.append(struct.pack(order + "I", next_ifd))
    return b"".join(head + data)


# --- public API ------------------------------------------------------------------------------


def build_exif(tags, thumbnail=None, byte_order="<"):
    """Serialise EXIF ``tags`` (and a JPEG ``thumbnail`` in IFD1) to APP1 payload bytes.

    Parameters
    ----------
    tags : dict
        Tag name (a key of :data:`TAGS`) -> value: a ``str`` for ASCII tags (``"Make"``,
        ``"DateTimeOriginal"`` as ``"YYYY:MM:DD HH:MM:SS"``), ``bytes`` for UNDEFINED ones
        (``"ExifVersion"``: ``b"0232"``), an int or a sequence of ints for BYTE, SHORT and
        LONG tags, and ``(numerator, denominator)`` pairs, Fractions or ints (or a sequence of
        them) for RATIONAL tags (``"GPSLatitude"``: degrees, minutes, seconds). Values of
        ``None`` are skipped.
    thumbnail : bytes or None
        A complete JPEG file (see :func:`make_thumbnail`), stored after IFD1.
    byte_order : {"<", ">"}
        ``"<"`` writes an ``II`` (little-endian) TIFF structure, ``">"`` an ``MM`` one.

    Returns
    -------
    bytes
        ``b"Exif\\0\\0"`` and the TIFF structure, at most 65,533 bytes (one APP1 segment).

    Examples
    --------
    >>> data = build_exif({"Model": "X", "GPSLatitudeRef": "N"})
    >>> data[:10], len(data)
    (b'Exif\\x00\\x00II*\\x00', 62)
    >>> build_exif({"Lens": "50mm"})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: Unknown EXIF tag 'Lens': use one of ...
    """
    if byte_order not in ("<", ">"):
        raise InvalidParameterError(
            f"The 'byte_order' parameter must be '<' (II) or '>' (MM). Got {byte_order!r} instead."
        )
    if not isinstance(tags, dict):
        raise InvalidParameterError(
            f"The 'tags' parameter must be a dict of tag name to value. "
            f"Got {type(tags).__name__} instead."
        )
    if thumbnail is not None and (not isinstance(thumbnail, bytes)
                                  or not thumbnail.startswith(b"\xff\xd8")):
        raise InvalidParameterError(
            "The 'thumbnail' parameter must be the bytes of a JPEG file or None. "
            f"Got {type(thumbnail).__name__} instead."
        )
    order = byte_order
    groups = {"0": [], "exif": [], "gps": []}
    for name, value in tags.items():
        if name not in TAGS:
            raise InvalidParameterError(
                f"Unknown EXIF tag {name!r}: use one of {', '.join(TAGS)}.")
        if value is None:
            continue
        ifd, tag, kind = TAGS[name]
        count, payload = _encode(name, kind, value, order)
        groups[ifd].append((tag, kind, count, payload))
    pointer = struct.pack(order + "I", 0)  # placeholder: 4 bytes, inline
    ifd0 = list(groups["0"])
    if groups["exif"]:
        ifd0.append((EXIF_POINTER, LONG, 1, pointer))
    if groups["gps"]:
        ifd0.append((GPS_POINTER, LONG, 1, pointer))
    ifd1 = []
    if thumbnail is not None:
        ifd1 = [(0x0103, SHORT, 1, struct.pack(order + "H", 6)),
                (0x011A, RATIONAL, 1, struct.pack(order + "II", 72, 1)),
                (0x011B, RATIONAL, 1, struct.pack(order + "II", 72, 1)),
                (0x0128, SHORT, 1, struct.pack(order + "H", 2)),
                (JPEG_OFFSET, LONG, 1, pointer), (JPEG_LENGTH, LONG, 1, pointer)]
    # offsets: header (8), IFD0, Exif IFD, GPS IFD, IFD1, thumbnail
    at_ifd0 = 8
    at_exif = at_ifd0 + _ifd_size(ifd0)
    at_gps = at_exif + (_ifd_size(groups["exif"]) if groups["exif"] else 0)
    at_ifd1 = at_gps + (_ifd_size(groups["gps"]) if groups["gps"] else 0)
    at_thumb = at_ifd1 + (_ifd_size(ifd1) if ifd1 else 0)

    def patch(entries, tag, value):
        return [(t, k, c, struct.pack(order + "I", value) if t == tag else p)
                for t, k, c, p in entries]

    ifd0 = patch(patch(ifd0, EXIF_POINTER, at_exif), GPS_POINTER, at_gps)
    parts = [(b"II" if order == "<" else b"MM") + struct.pack(order + "HI", 42, at_ifd0),
             _ifd_bytes(ifd0, at_ifd0, at_ifd1 if ifd1 else 0, order)]
    if groups["exif"]:
        parts.append(_ifd_bytes(groups["exif"], at_exif, 0, order))
    if groups["gps"]:
        parts.append(_ifd_bytes(groups["gps"], at_gps, 0, order))
    if ifd1:
        ifd1 = patch(patch(ifd1, JPEG_OFFSET, at_thumb), JPEG_LENGTH, len(thumbnail))
        parts += [_ifd_bytes(ifd1, at_ifd1, 0, order), thumbnail]
    data = b"Exif\0\0" + b"".join(parts)
    if len(data) > MAX_EXIF_BYTES:
        raise InvalidParameterError(
            f"The EXIF block is {len(data)} bytes; a JPEG APP1 segment holds at most "
            f"{MAX_EXIF_BYTES} (use a smaller thumbnail)."
        )
    return data


def make_thumbnail(image, size=THUMBNAIL_SIZE, quality=THUMBNAIL_QUALITY):
    """Return the bytes of a JPEG thumbnail of ``image``, ``size`` pixels on its long side.

    >>> from PIL import Image
    >>> data = make_thumbnail(Image.new("RGB", (640, 480), (200, 10, 10)))
    >>> Image.open(io.BytesIO(data)).size
    (160, 120)
    """
    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            f"The 'image' parameter must be a PIL.Image.Image. Got {type(image).__name__} instead."
        )
    scale = size / max(image.size)
    thumb_size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    thumb = image.convert("RGB").resize(thumb_size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    buffer = io.BytesIO()
    thumb.save(buffer, "JPEG", quality=quality, optimize=False, progressive=False,
               subsampling=2)
    return buffer.getvalue()


def exif_datetime(moment):
    """Format a datetime as EXIF writes it: ``"YYYY:MM:DD HH:MM:SS"`` (no zone, no fraction).

    >>> from datetime import datetime
    >>> exif_datetime(datetime(2021, 3, 4, 10, 11, 12, 999))
    '2021:03:04 10:11:12'
    """
    return moment.strftime("%Y:%m:%d %H:%M:%S")


def offset_text(offset):
    """Format a UTC offset (a timedelta or seconds) as an EXIF OffsetTime: ``"+02:00"``.

    >>> offset_text(timedelta(hours=5, minutes=30)), offset_text(-3 * 3600)
    ('+05:30', '-03:00')
    """
    seconds = int(offset.total_seconds() if isinstance(offset, timedelta) else offset)
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _dms(value, second_den):
    value = abs(value)
    degrees = int(value)
    minutes_f = (value - degrees) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * second_den)
    if seconds >= 60 * second_den:  # rounding up to a full minute
        seconds -= 60 * second_den
        minutes += 1
    if minutes >= 60:
        minutes -= 60
        degrees += 1
    return (degrees, 1), (minutes, 1), (seconds, second_den)


def gps_to_decimal(dms, ref):
    """Signed decimal degrees of GPS ``(degrees, minutes, seconds)`` rationals and a reference.

    >>> round(gps_to_decimal(((52, 1), (31, 1), (1234, 100)), "N"), 6)
    52.520094
    >>> round(gps_to_decimal(((13, 1), (24, 1), (0, 1)), "W"), 2)
    -13.4
    """
    degrees, minutes, seconds = (num / den for num, den in dms)
    value = degrees + minutes / 60 + seconds / 3600
    return -value if ref in ("S", "W") else value


def gps_tags(latitude, longitude, altitude, utc, second_den=100):
    """Return the GPS tags of a position and a UTC time (see :func:`build_exif`).

    ``utc`` is a timezone-aware or naive UTC datetime (the satellites' time, written as
    GPSDateStamp ``"YYYY:MM:DD"`` and GPSTimeStamp h, m, s); seconds of arc are written with
    the denominator ``second_den`` (100: about 0.3 m). ``altitude`` may be None.

    >>> from datetime import datetime
    >>> tags = gps_tags(-33.87, 151.21, 42.5, datetime(2020, 1, 2, 3, 4, 5))
    >>> tags["GPSLatitudeRef"], tags["GPSLatitude"], tags["GPSDateStamp"], tags["GPSTimeStamp"]
    ('S', ((33, 1), (52, 1), (1200, 100)), '2020:01:02', ((3, 1), (4, 1), (5, 1)))
    """
    for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        if not isinstance(value, int | float) or not math.isfinite(value) or abs(value) > limit:
            raise InvalidParameterError(
                f"The {name!r} parameter must be a number in [-{limit}, {limit}]. "
                f"Got {value!r} instead."
            )
    tags = {
        "GPSVersionID": (2, 3, 0, 0),
        "GPSLatitudeRef": "N" if latitude >= 0 else "S",
        "GPSLatitude": _dms(latitude, second_den),
        "GPSLongitudeRef": "E" if longitude >= 0 else "W",
        "GPSLongitude": _dms(longitude, second_den),
    }
    if altitude is not None:
        tags["GPSAltitudeRef"] = 0 if altitude >= 0 else 1
        tags["GPSAltitude"] = (round(abs(altitude) * 100), 100)
    tags["GPSTimeStamp"] = ((utc.hour, 1), (utc.minute, 1), (utc.second, 1))
    tags["GPSDateStamp"] = utc.strftime("%Y:%m:%d")
    return tags
