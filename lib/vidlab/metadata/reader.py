"""The metadata table: one row per file with its EXIF, video and file-system metadata.

:func:`read_metadata` walks files and folders (as :func:`vidlab.hashing.crypto.iter_files`
does) and returns a :class:`pandas.DataFrame` with the columns of :data:`METADATA_COLUMNS`:

* images: EXIF (:mod:`vidlab.metadata.exif`) for make, model, serial, software, lens,
  DateTimeOriginal / DateTime with their OffsetTime* tags, GPS, orientation, image number
  and the claimed pixel dimensions; the actual size from the image header, no decode (a
  JPEG's start-of-frame marker, found by the same marker walk that finds its EXIF; Pillow
  for other formats and multi-picture JPEGs); the IFD1 thumbnail, decoded, and the pHash
  Hamming distance between it and the image;
* videos (PyAV): the container's ``creation_time``, duration and frame size, and the
  make, model, software, capture date and ISO 6709 location that phones write in
  QuickTime metadata;
* every file: its size and file-system modification time.

Times are never guessed: ``datetime_original`` is time-zone aware only when the file
says its offset (OffsetTimeOriginal, or the offset in a QuickTime creation date), naive
otherwise, and its ``_utc`` column is NaT unless the offset is known. Every file gets a
row, always: what cannot be read is empty (``""``, NaN, NaT, <NA>) and ``error`` says in
one line what is wrong (several problems are joined with "; "); the columns keep what
could be read. By default each image is also decoded (a JPEG at reduced scale), which
finds truncated pixel data and gives the thumbnail distance; ``pixels=False`` reads
headers only and is several times faster.

:func:`metadata_for_output` prepares the table for CSV or parquet (the object date-time
columns become ISO 8601 strings) and :func:`load_metadata` reads a written table back.

>>> import pathlib, tempfile
>>> from PIL import Image
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> exif = Image.Exif()
>>> exif[0x010F] = "Acme"
>>> exif.get_ifd(0x8769)[0x9003] = "2021:03:04 10:11:12"
>>> Image.new("RGB", (64, 48), "teal").save(root / "room.jpg", exif=exif)
>>> _ = (root / "notes.txt").write_text("shopping list")
>>> table = read_metadata([root], relative_to=root)
>>> table[["path", "media", "make", "width", "error"]].values.tolist()
[['notes.txt', '', '', <NA>, 'not an image or video (unrecognised file format)'], \
['room.jpg', 'image', 'Acme', 64, '']]
>>> table.loc[1, "datetime_original"]
Timestamp('2021-03-04 10:11:12')
"""

import io
import os
import re
import stat
import warnings
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.metadata.exif import (
    TABLE_TAGS,
    ExifError,
    exif_fields,
    find_exif_block,
    parse_tiff,
    read_jpeg_head,
    sniff_format,
)

# pandas, Pillow, PyAV and the perceptual hashes are imported inside the functions that need
# them: worker processes of read_metadata(jobs=N) then start faster.

__all__ = [
    "IMAGE_FORMATS",
    "METADATA_COLUMNS",
    "VIDEO_FORMATS",
    "load_metadata",
    "metadata_for_output",
    "read_file_metadata",
    "read_metadata",
]

#: The columns of the metadata table, in order, with their pandas dtypes.
METADATA_DTYPES = {
    "path": "str",
    "media": "str",
    "format": "str",
    "size_bytes": "int64",
    "file_modified_utc": "datetime64[ns, UTC]",
    "make": "str",
    "model": "str",
    "serial": "str",
    "software": "str",
    "lens": "str",
    "datetime_original": "object",
    "offset_original": "str",
    "datetime_original_utc": "datetime64[ns, UTC]",
    "datetime_modified": "object",
    "datetime_modified_utc": "datetime64[ns, UTC]",
    "gps_latitude": "float64",
    "gps_longitude": "float64",
    "gps_altitude": "float64",
    "gps_datetime_utc": "datetime64[ns, UTC]",
    "orientation": "Int64",
    "image_number": "Int64",
    "claimed_width": "Int64",
    "claimed_height": "Int64",
    "width": "Int64",
    "height": "Int64",
    "has_thumbnail": "bool",
    "thumbnail_distance": "float64",
    "container_created_utc": "datetime64[ns, UTC]",
    "duration_s": "float64",
    "error": "str",
}
METADATA_COLUMNS = tuple(METADATA_DTYPES)

#: Formats (as :func:`vidlab.metadata.exif.sniff_format` names them) read as images.
IMAGE_FORMATS = ("JPEG", "PNG", "TIFF", "WEBP", "GIF", "BMP", "HEIF", "AVIF")
#: Formats read as videos (through PyAV).
VIDEO_FORMATS = ("MP4", "MOV", "3GP", "MKV", "WEBM", "AVI", "ASF", "FLV", "MPEG-TS", "MPEG-PS")

# Largest embedded thumbnail decoded (width x height): a real one is about 160 x 120.
_MAX_THUMBNAIL_PIXELS = 1 << 22
_OBJECT_TIMES = ("datetime_original", "datetime_modified")


def _empty_row(path):
    return {
        "path": path, "media": "", "format": "", "size_bytes": -1, "file_modified_utc": None,
        "make": "", "model": "", "serial": "", "software": "", "lens": "",
        "datetime_original": None, "offset_original": "", "datetime_modified": None,
        "gps_latitude": None, "gps_longitude": None, "gps_altitude": None,
        "gps_datetime_utc": None, "orientation": None, "image_number": None,
        "claimed_width": None, "claimed_height": None, "width": None, "height": None,
        "has_thumbnail": False, "thumbnail_distance": None, "container_created_utc": None,
        "duration_s": None, "error": "",
    }  # fmt: skip


def read_file_metadata(path, pixels=True):
    """Return the metadata of one file as a dict of plain Python values (never raises for a
    problem with the file: ``error`` says what is wrong).

    Times are :class:`~datetime.datetime` objects (aware or naive) and ``file_modified_utc``
    is in nanoseconds since the epoch; :func:`read_metadata` turns rows into the table.

    >>> read_file_metadata("/no/such/file.jpg")["error"]
    'file not found'
    """
    row = _empty_row(str(path))
    problems = []
    try:
        _read_into(row, os.fspath(path), pixels, problems)
    except MemoryError:
        problems.append("not enough memory to read this file")
    except Exception as error:  # a reader must report every file; never let one stop it
        problems.append(f"unexpected {type(error).__name__} while reading: {_reason(error)}")
    row["error"] = "; ".join(dict.fromkeys(problems))  # distinct, in order
    return row


def _read_into(row, path, pixels, problems):
    try:
        info = os.stat(path)
    except FileNotFoundError:
        problems.append("file not found")
        return
    except OSError as error:
        problems.append(_cannot_read(error))
        return
    row["size_bytes"] = info.st_size
    row["file_modified_utc"] = info.st_mtime_ns
    if stat.S_ISDIR(info.st_mode):
        try:  # a folder in the list is one that iter_files could not open
            os.listdir(path)
            problems.append("is a directory")
        except OSError as error:
            problems.append(f"cannot list the folder: {_reason(error)}")
        return
    if not stat.S_ISREG(info.st_mode):
        problems.append("not a regular file (a device, pipe or socket)")
        return
    if info.st_size == 0:
        problems.append("empty file (0 bytes)")
        return
    try:
        file = open(path, "rb")  # closed by the with-block below
    except OSError as error:
        problems.append(_cannot_read(error))
        return
    with file:
        fmt = sniff_format(file.read(256))
        if fmt in VIDEO_FORMATS:
            row["media"], row["format"] = "video", fmt
            _read_video(row, path, problems)
            return
        if fmt in IMAGE_FORMATS:
            row["media"], row["format"] = "image", fmt
        _read_image(row, file, path, fmt, pixels, problems)


# --- images ------------------------------------------------------------------------------------


def _read_image(row, file, path, fmt, pixels, problems):
    head = None
    if fmt == "JPEG":
        head = _jpeg_head(file, problems)
        data = head.exif if head else None
    elif fmt in ("PNG", "WEBP", "TIFF"):
        data = _exif(file, fmt, problems)
    else:
        data = None
    if data is not None:
        fields = exif_fields(data)
        for name in _EXIF_COLUMNS:
            row[name] = fields[name]
    if head and head.size and not head.multi_picture:
        # The frame size from our own marker walk: Pillow would walk the markers again and
        # re-parse the EXIF (for its DPI); multi-picture files go to Pillow ("MPO").
        row["media"], row["format"] = "image", "JPEG"
        row["width"], row["height"] = head.size
        image_ok = True
    else:
        image_ok = _open_image(row, file, fmt, problems)
    if not row["media"]:
        return
    thumbnail_hash = None
    if data is not None and data.thumbnail:
        thumbnail_hash = _thumbnail(row, data.thumbnail, pixels, pixels and image_ok, problems)
    if pixels and image_ok:
        from vidlab.hashing.perceptual import hash_image_file

        try:
            image_hash = hash_image_file(path, ["phash"])["phash"]
        except ImageDecodeError as error:
            problems.append(str(error))
        else:
            if thumbnail_hash is not None:
                row["thumbnail_distance"] = float(image_hash - thumbnail_hash)


_EXIF_COLUMNS = ("make", "model", "serial", "software", "lens", "datetime_original",
                 "offset_original", "datetime_modified", "gps_latitude", "gps_longitude",
                 "gps_altitude", "gps_datetime_utc", "orientation", "image_number",
                 "claimed_width", "claimed_height")


class _Head(NamedTuple):
    exif: object  # ExifData or None
    size: tuple | None
    multi_picture: bool


def _jpeg_head(file, problems):
    """Walk a JPEG's markers once: its parsed EXIF (or None) and frame size."""
    try:
        head = read_jpeg_head(file)
    except ExifError as error:
        problems.append(f"EXIF: {error}")
        return _Head(error.partial, None, False)
    except OSError as error:
        problems.append(f"cannot read the file: {_reason(error)}")
        return None
    data = None
    if head.exif is not None:
        try:
            data = parse_tiff(head.exif, TABLE_TAGS)
        except ExifError as error:
            problems.append(f"EXIF: {error}")
            data = error.partial
    return _Head(data, head.size, head.multi_picture)


def _exif(file, fmt, problems):
    """Return the :class:`ExifData` of an open PNG, WebP or TIFF file, or ``None``; faults
    go to ``problems`` (with the part that could be read kept)."""
    try:
        if fmt == "TIFF":
            import mmap

            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
                return parse_tiff(view, TABLE_TAGS)
        block = find_exif_block(file, fmt)
        return None if block is None else parse_tiff(block, TABLE_TAGS)
    except ExifError as error:
        problems.append(f"EXIF: {error}")
        return error.partial
    except OSError as error:
        problems.append(f"cannot read the EXIF: {_reason(error)}")
        return None


def _open_image(row, file, fmt, problems):
    """Read the image header with Pillow (no decode); return True when it could be opened."""
    from PIL import Image, UnidentifiedImageError

    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(file)
    except UnidentifiedImageError:
        if fmt in ("HEIF", "AVIF"):
            problems.append(f"cannot open the {fmt} image: Pillow has no {fmt} decoder here")
        elif row["media"]:
            problems.append(f"cannot open the {fmt} image: unrecognised or corrupt header")
        else:
            problems.append("not an image or video (unrecognised file format)")
        return False
    except Image.DecompressionBombError as error:
        problems.append(f"possible decompression bomb: {_reason(error)}")
        return False
    except Exception as error:  # a broken header can raise anything
        text = _reason(error)
        kind = "truncated image file" if "truncated" in text.lower() else "not a valid image"
        problems.append(f"{kind}: {text}")
        return False
    row["media"] = "image"
    row["format"] = image.format or fmt
    row["width"], row["height"] = image.size
    return True


def _thumbnail(row, thumbnail, decode, want_hash, problems):
    """Check the EXIF thumbnail -- decoded, or by its header only when not ``decode`` --
    set ``has_thumbnail``; return its pHash if ``want_hash``."""
    from PIL import Image, UnidentifiedImageError

    what = f"EXIF thumbnail ({len(thumbnail):,} bytes)"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(thumbnail))
            width, height = image.size
            if width * height > _MAX_THUMBNAIL_PIXELS:
                problems.append(f"{what} claims {width}x{height} pixels: not decoded")
                return None
            if decode:
                image.load()
    except UnidentifiedImageError:
        problems.append(f"{what} is not an image")
        return None
    except Exception as error:  # undecodable thumbnails are common; report, do not fail
        problems.append(f"{what} cannot be decoded: {_reason(error)}")
        return None
    row["has_thumbnail"] = True
    if not want_hash:
        return None
    from vidlab.hashing.perceptual import perceptual_hash

    return perceptual_hash(image)


# --- videos ------------------------------------------------------------------------------------

# QuickTime keys phones write (ffmpeg's names), in order of preference.
_VIDEO_TEXT_KEYS = {
    "make": ("com.apple.quicktime.make", "make", "com.android.manufacturer"),
    "model": ("com.apple.quicktime.model", "model", "com.android.model"),
    "software": ("com.apple.quicktime.software", "software", "com.android.version"),
}
_ISO6709 = re.compile(r"([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")


def _read_video(row, path, problems):
    import av

    try:
        container = av.open(path, mode="r")
    except av.error.InvalidDataError:
        problems.append("not a video (unrecognised or corrupt file format)")
        return
    except (av.error.FFmpegError, OSError) as error:
        problems.append(f"cannot open the video: {_reason(error)}")
        return
    with container:
        metadata = {key.lower(): value for key, value in container.metadata.items()}
        created = metadata.get("creation_time")
        if created:
            moment = _parse_iso(created)
            if moment is None or moment.tzinfo is None:
                problems.append(f"invalid container creation_time {created[:40]!r}")
            else:
                row["container_created_utc"] = moment.astimezone(UTC)
        for column, keys in _VIDEO_TEXT_KEYS.items():
            row[column] = next((metadata[k].strip() for k in keys if metadata.get(k)), "")
        capture = metadata.get("com.apple.quicktime.creationdate")
        if capture:
            moment = _parse_iso(capture)
            row["datetime_original"] = moment
            if moment is not None and moment.tzinfo is not None:
                offset = moment.utcoffset()
                sign = "-" if offset < timedelta(0) else "+"
                minutes = abs(int(offset.total_seconds())) // 60
                row["offset_original"] = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
        location = metadata.get("com.apple.quicktime.location.iso6709") or metadata.get(
            "location"
        )
        if location:
            _video_location(row, location)
        if container.duration is not None:
            row["duration_s"] = container.duration / av.time_base
        if container.streams.video:
            stream = container.streams.video[0]
            width, height = stream.codec_context.width, stream.codec_context.height
            if width and height:
                row["width"], row["height"] = width, height
            if row["duration_s"] is None and stream.duration and stream.time_base:
                row["duration_s"] = float(stream.duration * stream.time_base)
        else:
            problems.append("no video stream in the file")


def _video_location(row, text):
    found = _ISO6709.match(text.strip())
    if not found:
        return
    latitude, longitude = float(found.group(1)), float(found.group(2))
    if abs(latitude) <= 90 and abs(longitude) <= 180:
        row["gps_latitude"], row["gps_longitude"] = latitude, longitude
        if found.group(3):
            row["gps_altitude"] = float(found.group(3))


def _parse_iso(text):
    """An ISO 8601 date-time ("Z", "+0200" and "+02:00" offsets allowed), or ``None``."""
    text = text.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    text = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _cannot_read(error):
    if isinstance(error, PermissionError):  # worded as vidlab.hashing.images words it
        return "cannot read the file: permission denied"
    return f"cannot read the file: {_reason(error)}"


def _reason(error):
    """The first line of an exception's message (its class name when it has none)."""
    text = str(getattr(error, "strerror", None) or error).strip()
    return " ".join(text.splitlines()[0].split()) if text else type(error).__name__


# --- the table ---------------------------------------------------------------------------------


def _read_row(item):
    path, pixels = item
    return read_file_metadata(path, pixels)


def read_metadata(paths, jobs=1, relative_to=None, *, pixels=True, address=None):
    """Read the metadata of files and folders into a table with one row per file, always.

    Parameters
    ----------
    paths : str, path-like or iterable of them
        Files and folders; folders are walked recursively in name order
        (:func:`vidlab.hashing.crypto.iter_files`). Rows follow that order.
    jobs : int
        Worker processes (0 = one per core), through :func:`vidlab.parallel.map_parallel`,
        which shows a progress bar on a terminal.
    relative_to : str or path-like, optional
        Write the paths under this folder relative to it, in POSIX form.
    pixels : bool
        Decode each image (a JPEG at 1/2 to 1/8 scale) and its thumbnail, to find
        truncated pixel data and to measure ``thumbnail_distance``. ``False`` reads
        headers only: much faster, but ``thumbnail_distance`` is NaN, a thumbnail counts
        as present when its header is valid, and damage after the headers goes unnoticed.
    address : str, optional
        A scheduler address for :func:`vidlab.parallel.map_parallel` (reserved).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`METADATA_COLUMNS` with the dtypes of ``METADATA_DTYPES``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "empty.jpg").write_bytes(b"")
    >>> table = read_metadata(root, relative_to=root)
    >>> table[["path", "size_bytes", "has_thumbnail", "error"]].values.tolist()
    [['empty.jpg', 0, False, 'empty file (0 bytes)']]
    """
    from vidlab.hashing.crypto import iter_files
    from vidlab.parallel import map_parallel

    if not isinstance(pixels, bool):
        raise InvalidParameterError(
            f"The 'pixels' parameter of read_metadata must be True or False. Got {pixels!r} "
            "instead."
        )
    items = [(str(path), pixels) for path in iter_files(paths)]
    rows = map_parallel(
        _read_row, items, jobs=jobs, desc="reading metadata", unit="file", address=address
    )
    table = _to_table(rows)
    if relative_to is not None:
        table["path"] = [_relative_or_same(path, relative_to) for path in table["path"]]
    return table


def _relative_or_same(path, root):
    from pathlib import Path

    path = Path(path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _to_table(rows):
    """Build the typed table from rows of :func:`read_file_metadata` (column by column)."""
    import numpy as np
    import pandas as pd

    def values(name):
        return [row[name] for row in rows]

    def utc(items):
        return pd.to_datetime(pd.Series(items, dtype=object), utc=True).astype(
            "datetime64[ns, UTC]"
        )

    columns = {}
    for name, dtype in METADATA_DTYPES.items():
        if name in ("datetime_original_utc", "datetime_modified_utc"):
            continue
        if dtype == "str":
            columns[name] = pd.Series(values(name), dtype="str")
        elif name == "file_modified_utc":
            nanoseconds = pd.Series(values(name), dtype="Int64")
            columns[name] = pd.to_datetime(nanoseconds, unit="ns", utc=True)
        elif dtype.startswith("datetime64"):
            columns[name] = utc(values(name))
        elif dtype == "object":
            moments = values(name)
            columns[f"{name}_utc"] = utc(
                [m if m is not None and m.tzinfo is not None else None for m in moments]
            )
            columns[name] = pd.Series(
                [None if m is None else pd.Timestamp(m) for m in moments], dtype=object
            )
        elif dtype == "float64":
            columns[name] = pd.Series(
                np.array([np.nan if v is None else v for v in values(name)], dtype=np.float64)
            )
        else:  # int64, Int64, bool
            columns[name] = pd.Series(pd.array(values(name), dtype=dtype))
    return pd.DataFrame({name: columns[name] for name in METADATA_COLUMNS})


def _typed(table):
    """Cast every column of the metadata table to its dtype in ``METADATA_DTYPES``; accepts
    the values of fresh rows, of a CSV read as strings and of a parquet file."""
    import pandas as pd

    for name, dtype in METADATA_DTYPES.items():
        column = table[name]
        textual = column.dtype == object or pd.api.types.is_string_dtype(column.dtype)
        if textual and dtype != "object":
            column = column.map(lambda value: None if isinstance(value, str) and not value
                                else value).astype(object)
        if dtype == "str":
            table[name] = column.fillna("").astype(str)
        elif dtype.startswith("datetime64"):
            if textual:
                column = pd.to_datetime(column, utc=True, format="ISO8601")
            elif column.dt.tz is None:
                column = column.dt.tz_localize("UTC")
            table[name] = column.astype(dtype)
        elif dtype == "object":
            table[name] = pd.Series(
                [_timestamp(value) for value in column], index=table.index, dtype=object
            )
        elif dtype == "bool":
            table[name] = column.map(_boolean).astype(bool)
        else:  # int64, Int64, float64
            table[name] = pd.to_numeric(column).astype(dtype)
    return table


def _timestamp(value):
    import pandas as pd

    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        if not value:
            return None
        return pd.Timestamp(value)
    return pd.Timestamp(value)


def _boolean(value):
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def metadata_for_output(table):
    """Return a copy of a metadata table ready for CSV or parquet: ``datetime_original``
    and ``datetime_modified`` become ISO 8601 strings ("2021-03-04T10:11:12+02:00", or
    without offset when naive; "" when absent).

    >>> import pandas as pd
    >>> table = pd.DataFrame({"datetime_original": [pd.Timestamp("2021-03-04 10:11:12"), None]})
    >>> metadata_for_output(table)["datetime_original"].tolist()
    ['2021-03-04T10:11:12', '']
    """
    out = table.copy()
    for name in _OBJECT_TIMES:
        if name in out.columns:
            out[name] = [
                "" if _timestamp(value) is None else _timestamp(value).isoformat()
                for value in out[name]
            ]
    return out


def load_metadata(path):
    """Read a metadata table written (after :func:`metadata_for_output`) as CSV or parquet,
    and restore the dtypes of the in-memory table.

    >>> import pathlib, tempfile
    >>> from vidlab.io import write_table
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_text("text")
    >>> table = read_metadata(root)
    >>> write_table(metadata_for_output(table), root / "meta.csv")
    >>> back = load_metadata(root / "meta.csv")
    >>> back.dtypes.equals(table.dtypes), back["error"].tolist() == table["error"].tolist()
    (True, True)
    """
    from vidlab.io import read_table

    table = read_table(path, dtype=str)
    missing = [name for name in METADATA_COLUMNS if name not in table.columns]
    if missing:
        raise InvalidParameterError(
            f"{str(path)!r} is not a metadata table: it lacks the column(s) "
            f"{', '.join(missing)}. Write one with read_metadata() and metadata_for_output()."
        )
    return _typed(table[list(METADATA_COLUMNS)].copy())
