"""The ``image_world`` generator: series of photographs of rooms, their variants and videos.

:func:`make_image_world` invents locations (rooms in the countries of
:mod:`vidlab.synth.world`) and writes, under its part folder::

    series/<series_id>/<nnnn>.jpg   10-50 shots of one room from varying viewpoints
    variants/<variant_id>.<ext>     re-shared copies of shots (resized, cropped, re-encoded,
                                    banners, screenshots...; :mod:`vidlab.synth.transforms`)
    distractors/<id>.jpg            other rooms (in no series), textures, document pages
    videos/<video_id>.mp4           short pans and zooms across a room
                                    (:mod:`vidlab.synth.video`)

and returns the ground truth: ``locations``, ``series``, ``images``, ``variants``,
``videos`` and ``devices`` tables. Several series may show the same location (the same room
photographed again). Everything follows from ``rng``: the random draws are made up front in a
fixed order, every picture has its own child seed, and files are encoded with fixed settings.

Metadata (:mod:`vidlab.synth.devices`, :mod:`vidlab.synth.exif`). Every series is shot by one
device (a phone or camera living in the time zone of the series' city; a device may shoot
several series in its zone, and some devices are other units of the same make and model),
starting on a day of 2015-2025 between 08:00 and 22:00 local time, shots 2 s to 10 min apart.
Each shot carries EXIF: Make, Model, Software, DateTime, Orientation (1: the pixels are
upright), ExifVersion, DateTimeOriginal/Digitized (the device's clock: true UTC in its home
zone plus its clock error), OffsetTime* (devices with ``writes_offset``: the home zone's true
offset), BodySerialNumber (when the device has one), LensModel, ImageNumber (a per-device
counter), PixelX/YDimension, exposure settings, GPS (``gps`` devices: within 25 m of the
location, with the satellites' true UTC time) and a 160-px JPEG thumbnail in IFD1. About 12 %
of the shots are edited, leaving one or more traces: an editor in Software, a DateTime after
DateTimeOriginal, a crop whose thumbnail still shows the whole picture (only shots that no
variant or video was made from), PixelX/YDimension that disagree with the pixels. Each series
file's modification time is when it was copied to the seized device (2 h to 30 days after the
series; 3 % of files have a time before their capture). Videos carry an MP4 ``creation_time``
from their series' device, in UTC or (``video_time`` "local") local time labelled UTC, and
the file time of their series' copy.
Re-shared variants keep no EXIF (the source's EXIF is dropped before the transforms).
Distractor rooms carry EXIF of other devices (no GPS; not in ``devices``), textures and
document pages none. The metadata is drawn from one extra seed taken after all the other
draws, so the pixels do not depend on it (except the cropped shots).

Generation time (one core; measured on a shared, loaded 2-core machine, so noisy):

==========  ==============================================  ==========  =======
preset      world part                                      time        size
==========  ==============================================  ==========  =======
``tiny``    32 pictures at 512-640 px, 2 one-second videos  ~2 s        ~2 MB
``course``  2,590 pictures at 1024-2048 px, 20 videos       ~260 s      ~340 MB
``large``   ~125,000 pictures at 320-480 px, 50 videos      ~21 min     ~2.7 GB
==========  ==============================================  ==========  =======

Rendering is ~20 pictures/s at 1024 px and ~100/s at 320-480 px (JPEG encoding included);
each room's canvas (about 0.2-1 s) is drawn once for all its series. ``large`` is an
estimate from a 1 % run. The metadata (devices, EXIF, thumbnails) did not change the
``tiny`` time measurably; planning it takes ~20 s for ``large``.

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "world"
>>> tables = make_image_world(out, {"n_locations": 1, "n_series": 1, "shots_per_series": [2, 2],
...     "image_size": [160, 160], "n_variants": 1, "n_distractors": 1, "n_videos": 0}, make_rng(0))
>>> sorted(tables), len(tables["images"])
(['devices', 'images', 'locations', 'series', 'variants', 'videos'], 4)
>>> tables["series"][["device_id", "start_utc"]].values.tolist()
[['C0001', '2022-06-22T17:59:49Z']]
"""

import dataclasses
import json
import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import map_parallel
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.synth.devices import (
    DEVICE_COLUMNS,
    city_timezone,
    clock_error_s,
    device_time,
    make_device,
    utc_offset,
)
from vidlab.synth.exif import (
    build_exif,
    exif_datetime,
    gps_tags,
    gps_to_decimal,
    make_thumbnail,
    offset_text,
)
from vidlab.synth.registry import merge_config, register_generator
from vidlab.synth.transforms import FORMAT_EXTENSIONS, TRANSFORMS, apply_chain, save_variant
from vidlab.synth.video import VIDEO_MOTIONS, VIDEO_OVERLAYS, make_clip

__all__ = ["DEFAULTS", "make_image_world", "IMAGE_COLUMNS", "VARIANT_COLUMNS", "VIDEO_COLUMNS",
           "DEVICE_COLUMNS", "EDIT_TRACES", "EDITORS"]

DEFAULTS = {
    "n_locations": 4,
    "n_series": 6,
    "shots_per_series": [10, 30],
    "image_size": [1024, 2048],
    "n_variants": 40,
    "n_distractors": 20,
    "n_videos": 4,
    "video_size": [640, 352],
    "video_seconds": 3.0,
    "video_fps": 10,
    "jpeg_quality": 90,
    "max_transforms": 2,
    "countries": None,
    "room_types": None,
}
ASPECTS = (4 / 3, 3 / 2, 16 / 9)
PORTRAIT_SHARE = 0.2
CANVAS_FACTOR = 2.0  # canvas long side / largest picture long side
MAX_CANVAS = 4096
DISTRACTOR_KINDS = ("room", "texture", "document")

LOCATION_COLUMNS = ["location_id", "role", "country", "city", "latitude", "longitude",
                    "room_type", "plug_type", "language", "script", "gs1_prefix", "barcode",
                    "climate", "product", "price", "poster_text", "poster_city", "wall_pattern",
                    "wall_colour", "floor_pattern", "floor_colour", "furniture"]
SERIES_COLUMNS = ["series_id", "location_id", "n_shots", "width", "height", "device_id",
                  "start_utc"]
IMAGE_COLUMNS = ["path", "kind", "content", "series_id", "location_id", "shot", "width",
                 "height", "focus", "view", "device_id", "captured_utc", "exif_datetime_original",
                 "file_modified_utc", "gps_latitude", "gps_longitude", "edited", "edit_traces",
                 "editor"]
VARIANT_COLUMNS = ["path", "variant_id", "original_path", "series_id", "location_id",
                   "transform", "file_format", "width", "height", "params"]
VIDEO_COLUMNS = ["path", "video_id", "location_id", "series_id", "source_path", "motion",
                 "overlay", "reencoded", "seconds", "fps", "width", "height", "codec",
                 "n_frames", "params", "device_id", "captured_utc", "container_created",
                 "container_time", "file_modified_utc"]

# --- metadata (devices, times, places, edits) ---
PERIOD_START = datetime(2015, 1, 1, tzinfo=UTC)  # series start on a day of 2015-2025
PERIOD_DAYS = (datetime(2025, 12, 31, tzinfo=UTC) - PERIOD_START).days + 1
DEVICE_REUSE_SHARE = 0.45  # a series is shot by a device already in its time zone
TWIN_SHARE = 0.25  # a new device is another unit of an existing device's make and model
SERIES_HOURS = (8, 22)  # local hours a series starts between
SERIES_MAX_HOURS = 9  # a series lasts at most this long (shots 2 s to 10 min apart)
GPS_SIGMA_M, GPS_MAX_M = 8.0, 25.0  # GPS scatter around the location (metres)
METRES_PER_DEGREE = 111_320.0
COPY_DELAY_S = (2 * 3600, 30 * 86400)  # capture -> copy to the seized device
MTIME_ANOMALY_SHARE = 0.03  # files whose time is before their capture
EDIT_SHARE = 0.12
EDIT_TRACES = ("software", "datetime", "thumbnail", "dimensions")
TRACE_SHARES = {"software": 0.7, "datetime": 0.6, "thumbnail": 0.4, "dimensions": 0.35}
CROP_SHARE = (0.08, 0.3)  # of each side removed by a crop
EXPOSURES = (15, 30, 60, 125, 250)  # 1/x s
ISO_SPEEDS = (50, 100, 200, 400, 800, 1600, 3200)
CLAIMED_SCALES = (1.5, 2.0, 3.0)  # claimed size / pixels when the tags were not updated
#: Editing programs (as written in Software) and the year each appeared.
EDITORS = (("Adobe Photoshop CC 2015 (Windows)", 2015), ("GIMP 2.8.16", 2015),
           ("Picasa 3.9", 2015), ("Snapseed 2.17", 2017),
           ("Adobe Photoshop CC 2019 (Macintosh)", 2018), ("GIMP 2.10.14", 2019),
           ("Adobe Photoshop Lightroom Classic 10.2 (Windows)", 2021),
           ("Adobe Photoshop 23.1 (Windows)", 2021), ("Snapseed 2.21", 2022),
           ("GIMP 2.10.36", 2023))


# --- configuration ---------------------------------------------------------------------------


def _int(values, key, low, high):
    value = values[key]
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not (
            low <= value <= high):
        raise InvalidParameterError(
            f"The {key!r} parameter of image_world must be an int in [{low}, {high}]. "
            f"Got {value!r} instead."
        )
    return int(value)


def _pair(values, key, low, high, ordered=True):
    value = values[key]
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = [value, value]
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int | np.integer) and not isinstance(v, bool)
                       and low <= v <= high for v in value)
            or (ordered and value[0] > value[1])):
        raise InvalidParameterError(
            f"The {key!r} parameter of image_world must be an int or [min, max] with ints in "
            f"[{low}, {high}]. Got {values[key]!r} instead."
        )
    return int(value[0]), int(value[1])


def _choices(values, key, allowed):
    value = values[key]
    if value is None:
        return tuple(allowed)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not value or any(v not in allowed for v in value):
        raise InvalidParameterError(
            f"The {key!r} parameter of image_world must be a list drawn from "
            f"{', '.join(allowed)} (or null for all). Got {values[key]!r} instead."
        )
    return tuple(dict.fromkeys(value))


def _check_config(config):
    values = merge_config(config, DEFAULTS, "image_world")
    checked = {
        "n_locations": _int(values, "n_locations", 1, 100_000),
        "n_series": _int(values, "n_series", 1, 100_000),
        "shots_per_series": _pair(values, "shots_per_series", 1, 1000),
        "image_size": _pair(values, "image_size", 64, 4096),
        "n_variants": _int(values, "n_variants", 0, 1_000_000),
        "n_distractors": _int(values, "n_distractors", 0, 1_000_000),
        "n_videos": _int(values, "n_videos", 0, 100_000),
        "video_size": _pair(values, "video_size", 16, 1920, ordered=False),
        "video_fps": _int(values, "video_fps", 1, 60),
        "jpeg_quality": _int(values, "jpeg_quality", 30, 100),
        "max_transforms": _int(values, "max_transforms", 1, 4),
        "countries": _choices(values, "countries", sorted(world.COUNTRIES)),
        "room_types": _choices(values, "room_types", world.ROOM_TYPES),
    }
    seconds = values["video_seconds"]
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not (
            0 < seconds <= 60):
        raise InvalidParameterError(
            f"The 'video_seconds' parameter of image_world must be a number in (0, 60]. "
            f"Got {seconds!r} instead."
        )
    checked["video_seconds"] = float(seconds)
    if any(v % 16 for v in checked["video_size"]):
        raise InvalidParameterError(
            f"The 'video_size' parameter of image_world must be multiples of 16 (for bytes "
            f"that are the same on every run). Got {values['video_size']!r} instead."
        )
    if checked["n_locations"] > checked["n_series"]:
        raise InvalidParameterError(
            f"image_world needs at least one series per location: 'n_series' "
            f"({checked['n_series']}) must be >= 'n_locations' ({checked['n_locations']})."
        )
    return checked


# --- the plan: every random draw, made up front ----------------------------------------------


def _seed(rng):
    return int(rng.integers(0, 2**63 - 1))


def _picture_size(rng, sizes, allow_portrait=True):
    long_side = int(rng.integers(sizes[0], sizes[1] + 1))
    aspect = ASPECTS[int(rng.integers(len(ASPECTS)))]
    short = max(16, int(round(long_side / aspect)))
    if allow_portrait and rng.random() < PORTRAIT_SHARE:
        return short, long_side
    return long_side, short


def _canvas_size(long_side, factor=CANVAS_FACTOR):
    width = min(MAX_CANVAS, max(384, int(math.ceil(long_side * factor / 16)) * 16))
    return width, int(round(width * 2 / 3))


def _plan(values, rng):
    countries, room_types = values["countries"], values["room_types"]
    canvas = _canvas_size(values["image_size"][1])
    order = [countries[int(i)] for i in rng.permutation(len(countries))]
    locations = []
    for index in range(values["n_locations"]):
        country = order[index % len(order)]
        room = room_types[int(rng.integers(len(room_types)))]
        locations.append(world.make_location(rng, country, room, f"L{index + 1:04d}",
                                             canvas_size=canvas))
    n_loc = len(locations)
    first = [int(i) for i in rng.permutation(n_loc)]
    series = []
    for index in range(values["n_series"]):
        where = first[index] if index < n_loc else int(rng.integers(n_loc))
        lo, hi = values["shots_per_series"]
        width, height = _picture_size(rng, values["image_size"])
        series.append({"series_id": f"S{index + 1:04d}", "location": where,
                       "n_shots": int(rng.integers(lo, hi + 1)), "width": width,
                       "height": height, "seed": _seed(rng)})
    distractors = []
    n_rooms = 0
    for index in range(values["n_distractors"]):
        kind = DISTRACTOR_KINDS[int(rng.choice(3, p=[0.4, 0.3, 0.3]))]
        item = {"id": f"D{index + 1:04d}", "kind": kind, "seed": _seed(rng),
                "size": _picture_size(rng, values["image_size"])}
        if kind == "room":
            n_rooms += 1
            country = countries[int(rng.integers(len(countries)))]
            room = room_types[int(rng.integers(len(room_types)))]
            item["location"] = world.make_location(
                rng, country, room, f"X{n_rooms:04d}",
                canvas_size=_canvas_size(max(item["size"]), factor=1.3))
        elif kind == "document":
            item["country"] = countries[int(rng.integers(len(countries)))]
            item["size"] = (int(round(item["size"][1] / 1.414)), item["size"][1]) if (
                item["size"][1] > item["size"][0]) else (int(round(item["size"][0] / 1.414)),
                                                         item["size"][0])
        distractors.append(item)
    shots = [(s, k) for s in range(len(series)) for k in range(series[s]["n_shots"])]
    variants = []
    for index in range(values["n_variants"]):
        s, k = shots[int(rng.integers(len(shots)))]
        n = 1 + int(rng.integers(values["max_transforms"])) if rng.random() < 0.4 else 1
        names = [TRANSFORMS[int(i)] for i in rng.choice(len(TRANSFORMS), size=n, replace=False)]
        variants.append({"variant_id": f"V{index + 1:05d}", "series": s, "shot": k,
                         "transforms": names, "seed": _seed(rng)})
    videos = []
    for index in range(values["n_videos"]):
        s = int(rng.integers(len(series)))
        from_shot = bool(rng.random() < 0.5)
        overlays = (None,) + tuple(VIDEO_OVERLAYS)
        videos.append({"video_id": f"M{index + 1:04d}", "series": s,
                       "shot": int(rng.integers(series[s]["n_shots"])) if from_shot else -1,
                       "motion": VIDEO_MOTIONS[int(rng.integers(len(VIDEO_MOTIONS)))],
                       "overlay": overlays[int(rng.integers(len(overlays)))],
                       "reencode": bool(rng.random() < 0.3), "seed": _seed(rng)})
    return locations, series, distractors, variants, videos


# --- the metadata plan: devices, times, places, edits (drawn after everything above) ---------


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log_uniform(rng, low, high):
    return float(math.exp(rng.uniform(math.log(low), math.log(high))))


def _pick_devices(locations, series, rng):
    """Give every series a device; return (devices, owner index of each series)."""
    devices, owner, by_zone = [], [], {}
    twins = False
    for item in series:
        city = locations[item["location"]].city
        zone = city_timezone(city)
        local = by_zone.get(zone, [])
        if local and rng.random() < DEVICE_REUSE_SHARE:
            owner.append(local[int(rng.integers(len(local)))])
            continue
        like = None
        if devices and (rng.random() < TWIN_SHARE or (len(devices) >= 2 and not twins)):
            like, twins = devices[int(rng.integers(len(devices)))], True
        devices.append(make_device(rng, f"C{len(devices) + 1:04d}", city, like=like))
        by_zone.setdefault(zone, []).append(len(devices) - 1)
        owner.append(len(devices) - 1)
    return devices, owner


def _series_times(devices, owner, series, rng):
    """Start instants (UTC) and shot offsets (s) of every series; the devices' clock epochs."""
    starts, offsets = [None] * len(series), [None] * len(series)
    for index, device in enumerate(devices):
        mine = [s for s, o in enumerate(owner) if o == index]
        span = min(PERIOD_DAYS - 1, max(2 * len(mine), int(rng.integers(20, 900))))
        first_day = int(rng.integers(0, PERIOD_DAYS - span))
        days = sorted(int(d) for d in rng.choice(span, size=len(mine), replace=False))
        zone = ZoneInfo(device.timezone)
        for s, day in zip((mine[int(i)] for i in rng.permutation(len(mine))), days,
                          strict=True):
            date = (PERIOD_START + timedelta(days=first_day + day)).date()
            seconds = int(rng.integers(SERIES_HOURS[0] * 3600, SERIES_HOURS[1] * 3600))
            local = datetime(date.year, date.month, date.day, tzinfo=zone)
            starts[s] = (local + timedelta(seconds=seconds)).astimezone(UTC)
            n = series[s]["n_shots"]
            longest = max(2.5, min(600.0, SERIES_MAX_HOURS * 3600 / max(1, n)))
            gaps = [int(round(_log_uniform(rng, 2, longest))) for _ in range(n - 1)]
            offsets[s] = [0, *np.cumsum(gaps).astype(int).tolist()]
        epoch = min(starts[s] for s in mine)
        devices[index] = dataclasses.replace(device, clock_epoch=epoch)
    return starts, offsets


def _device_tags(device, captured, number, size, rng):
    """The EXIF tags a device writes for a picture taken at the true instant ``captured``."""
    written = exif_datetime(device_time(device, captured))
    tags = {"Make": device.make, "Model": device.model, "Orientation": 1,
            "XResolution": (72, 1), "YResolution": (72, 1), "ResolutionUnit": 2,
            "Software": device.software, "DateTime": written, "YCbCrPositioning": 1,
            "ExposureTime": (1, EXPOSURES[int(rng.integers(len(EXPOSURES)))]),
            "FNumber": (round(device.f_number * 10), 10),
            "ISOSpeedRatings": ISO_SPEEDS[int(rng.integers(len(ISO_SPEEDS)))],
            "ExifVersion": b"0232", "DateTimeOriginal": written, "DateTimeDigitized": written,
            "FocalLength": (round(device.focal_length * 10), 10), "ImageNumber": number,
            "ColorSpace": 1, "PixelXDimension": size[0], "PixelYDimension": size[1],
            "BodySerialNumber": device.serial or None, "LensModel": device.lens}
    if device.writes_offset:
        offset = offset_text(utc_offset(device, captured))
        tags.update(OffsetTime=offset, OffsetTimeOriginal=offset, OffsetTimeDigitized=offset)
    return tags


def _gps(location, altitude, captured, rng):
    """GPS tags near ``location`` and the written (latitude, longitude)."""
    north, east = rng.normal(0.0, GPS_SIGMA_M, size=2)
    radius = math.hypot(north, east)
    if radius > GPS_MAX_M:
        north, east = north * GPS_MAX_M / radius, east * GPS_MAX_M / radius
    latitude = location.latitude + north / METRES_PER_DEGREE
    longitude = location.longitude + east / (
        METRES_PER_DEGREE * math.cos(math.radians(location.latitude)))
    tags = gps_tags(latitude, longitude, altitude + float(rng.normal(0, 3)), captured)
    return tags, (gps_to_decimal(tags["GPSLatitude"], tags["GPSLatitudeRef"]),
                  gps_to_decimal(tags["GPSLongitude"], tags["GPSLongitudeRef"]))


def _edit(device, captured, size, can_crop, rng):
    """An edit of one shot: its traces, editor, crop box, claimed size and new tags."""
    traces = [name for name in EDIT_TRACES if rng.random() < TRACE_SHARES[name]
              and (name != "thumbnail" or can_crop)] or ["software"]
    error = abs(clock_error_s(device, captured))
    edited_at = captured + timedelta(seconds=error + 7200 + round(_log_uniform(
        rng, 600, 400 * 86400)))
    names = [name for name, year in EDITORS if year <= edited_at.year] or [EDITORS[0][0]]
    editor = names[int(rng.integers(len(names)))]
    width, height = size
    crop = None
    if "thumbnail" in traces:
        cut_w = round(width * rng.uniform(*CROP_SHARE))
        cut_h = round(height * rng.uniform(*CROP_SHARE))
        left, top = int(rng.integers(0, cut_w + 1)), int(rng.integers(0, cut_h + 1))
        crop = (left, top, width - (cut_w - left), height - (cut_h - top))
        width, height = crop[2] - crop[0], crop[3] - crop[1]
    claimed = (width, height)
    if "dimensions" in traces:
        scale = CLAIMED_SCALES[int(rng.integers(len(CLAIMED_SCALES)))]
        claimed = size if crop else (round(width * scale), round(height * scale))
    tags = {"PixelXDimension": claimed[0], "PixelYDimension": claimed[1]}
    if "software" in traces:
        tags["Software"] = editor
    if "datetime" in traces:
        zone = ZoneInfo(device.timezone)
        tags["DateTime"] = exif_datetime(edited_at.astimezone(zone).replace(tzinfo=None))
        if device.writes_offset:
            tags["OffsetTime"] = offset_text(utc_offset(device, edited_at))
    return {"traces": traces, "editor": editor if "software" in traces else "",
            "edited_at": edited_at, "crop": crop, "tags": tags}


def _plan_metadata(locations, series, distractors, variants, videos, rng):
    """Draw the devices, times, places and edits; store them in the plan's items.

    Adds ``device_id``, ``start`` and ``shots_meta`` (one dict per shot: EXIF ``tags``,
    ``byte_order``, ``crop``, ``mtime_ns`` and the ground-truth columns in ``truth``) to
    every series, ``meta`` to every video and ``exif`` to every distractor room; returns the
    devices.
    """
    devices, owner = _pick_devices(locations, series, rng)
    starts, offsets = _series_times(devices, owner, series, rng)
    altitudes = [round(float(rng.uniform(5, 450)), 1) for _ in locations]
    sources = {(item["series"], item["shot"]) for item in variants} | {
        (clip["series"], clip["shot"]) for clip in videos if clip["shot"] >= 0}
    numbers = {}
    for index, device in enumerate(devices):
        counter = device.first_image_number
        for s in sorted((s for s, o in enumerate(owner) if o == index), key=starts.__getitem__):
            counter += int(rng.integers(0, 150))  # pictures taken between, not in the case
            numbers[s] = counter
            counter += series[s]["n_shots"]
    for s, item in enumerate(series):
        device = devices[owner[s]]
        location = locations[item["location"]]
        size = (item["width"], item["height"])
        copied = starts[s] + timedelta(seconds=offsets[s][-1] + round(
            _log_uniform(rng, *COPY_DELAY_S)))
        shots = []
        for shot in range(item["n_shots"]):
            captured = starts[s] + timedelta(seconds=offsets[s][shot])
            tags = _device_tags(device, captured, numbers[s] + shot + 1, size, rng)
            latitude = longitude = math.nan
            if device.gps:
                gps, (latitude, longitude) = _gps(location, altitudes[item["location"]],
                                                  captured, rng)
                tags.update(gps)
            edit = None
            if rng.random() < EDIT_SHARE:
                edit = _edit(device, captured, size, (s, shot) not in sources, rng)
                tags.update(edit["tags"])
            mtime = copied + timedelta(seconds=shot)
            if edit is not None and "datetime" in edit["traces"]:
                mtime = max(mtime, edit["edited_at"] + timedelta(seconds=60))
            if rng.random() < MTIME_ANOMALY_SHARE:
                mtime = captured - timedelta(seconds=round(_log_uniform(rng, 3600, 90 * 86400)))
            shots.append({
                "tags": tags, "byte_order": device.byte_order,
                "crop": edit["crop"] if edit else None,
                "mtime_ns": int(mtime.timestamp()) * 1_000_000_000,
                "truth": {"device_id": device.device_id, "captured_utc": _iso(captured),
                          "exif_datetime_original": tags["DateTimeOriginal"],
                          "file_modified_utc": _iso(mtime), "gps_latitude": latitude,
                          "gps_longitude": longitude, "edited": edit is not None,
                          "edit_traces": ";".join(edit["traces"]) if edit else "",
                          "editor": edit["editor"] if edit else ""},
            })
        item.update(device_id=device.device_id, start=starts[s], shots_meta=shots, copied=copied)
    for number, clip in enumerate(videos):
        s = clip["series"]
        device = devices[owner[s]]
        captured = starts[s] + timedelta(seconds=int(rng.integers(0, offsets[s][-1] + 300)))
        if device.video_time == "utc":
            created = captured + timedelta(seconds=clock_error_s(device, captured))
        else:
            created = device_time(device, captured)
        # copied with the series' pictures, a few seconds after them
        mtime = series[s]["copied"] + timedelta(seconds=series[s]["n_shots"] + number)
        clip["meta"] = {"device_id": device.device_id, "captured_utc": _iso(captured),
                        "container_created": created.strftime("%Y-%m-%dT%H:%M:%S.000000Z"),
                        "container_time": device.video_time, "file_modified_utc": _iso(mtime)}
        clip["mtime_ns"] = int(mtime.timestamp()) * 1_000_000_000
    for number, item in enumerate(d for d in distractors if d["kind"] == "room"):
        # pictures from the web or other cases: devices that shot none of the series
        stranger = dataclasses.replace(
            make_device(rng, f"Z{number + 1:04d}", item["location"].city), gps=False)
        captured = PERIOD_START + timedelta(seconds=int(rng.integers(0, PERIOD_DAYS * 86400)))
        tags = _device_tags(stranger, captured, stranger.first_image_number, item["size"], rng)
        item["exif"] = (tags, stranger.byte_order)
    return devices


# --- writing ---------------------------------------------------------------------------------


def _shot_path(series_item, shot):
    return f"series/{series_item['series_id']}/{shot + 1:04d}.jpg"


def _save_jpeg(image, target, quality):
    target.parent.mkdir(parents=True, exist_ok=True)
    save_variant(image, target, "jpeg", {"quality": quality})


NO_TRUTH = {"device_id": "", "captured_utc": "", "exif_datetime_original": "",
            "file_modified_utc": "", "gps_latitude": math.nan, "gps_longitude": math.nan,
            "edited": False, "edit_traces": "", "editor": ""}


def _image_row(path, kind, content, image, series_id="", location_id="", shot=-1, focus="",
               view="", truth=None):
    return {"path": path, "kind": kind, "content": content, "series_id": series_id,
            "location_id": location_id, "shot": shot, "width": image.width,
            "height": image.height, "focus": focus, "view": view, **NO_TRUTH, **(truth or {})}


def _with_exif(image, meta, thumbnail_of=None):
    """``image`` carrying the EXIF of ``meta`` (tags, byte order) and a thumbnail."""
    source = image if thumbnail_of is None else thumbnail_of
    image.info["exif"] = build_exif(meta["tags"], make_thumbnail(source), meta["byte_order"])
    return image


def _json(value):
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _table(rows, columns):
    return pd.DataFrame(rows, columns=columns).reset_index(drop=True)


def _render_location(task):
    """Draw every series and video of one location (a worker task of :func:`map_parallel`)."""
    out_dir, location, location_series, clips, values = task
    images = []
    for item in location_series:
        shot_rng = make_rng(item["seed"])
        aspect = item["width"] / item["height"]
        for shot in range(item["n_shots"]):
            view = world.random_view(location, shot_rng, aspect=aspect)
            taken = world.render_scene(location, view, size=(item["width"], item["height"]))
            meta = item["shots_meta"][shot]
            # a crop keeps the camera's thumbnail of the whole picture
            image = taken.crop(meta["crop"]) if meta["crop"] else taken
            _with_exif(image, meta, thumbnail_of=taken)
            path = _shot_path(item, shot)
            _save_jpeg(image, out_dir / path, values["jpeg_quality"])
            os.utime(out_dir / path, ns=(meta["mtime_ns"], meta["mtime_ns"]))
            images.append(_image_row(path, "original", "room", image, item["series_id"],
                                     location.location_id, shot, view.focus,
                                     _json(view.as_dict()), meta["truth"]))
    video_rows = [_write_video(out_dir, clip, series_item, location, values)
                  for clip, series_item in clips]
    location.release()
    return {**location.summary(), "role": "series"}, images, video_rows


@register_generator("image_world")
def make_image_world(out_dir, config, rng, *, jobs=1):
    """Write series of room photographs, variants, distractors and videos; return ground truth.

    Parameters
    ----------
    out_dir : path-like
        The part folder to write (created).
    config : dict
        ``n_locations``, ``n_series`` (>= ``n_locations``; each location gets at least one
        series, the others go to random locations), ``shots_per_series`` ([min, max]),
        ``image_size`` ([min, max] of the long side; each series has one camera size and
        aspect, 20 % portrait), ``n_variants``, ``max_transforms`` (per variant),
        ``n_distractors``, ``n_videos``, ``video_size`` ([w, h], multiples of 16),
        ``video_seconds``, ``video_fps``, ``jpeg_quality``, ``countries`` and ``room_types``
        (lists, null for all). Defaults in :data:`DEFAULTS`.
    rng : numpy.random.Generator
        The only source of randomness.
    jobs : int
        Worker processes that draw the rooms (0 = one per core); the files are the same
        for any number.

    Returns
    -------
    dict of DataFrame
        ``locations`` (one row per location, ``role`` "series" or "distractor": country,
        city and coordinates, room type, plug type, language, script, GS1 prefix and
        barcode, climate, product, poster text, wall and floor patterns...), ``series``
        (series_id, location_id, n_shots, width, height, device_id, start_utc), ``images``
        (every picture file: path, kind original|variant|distractor, content
        room|texture|document, series_id, location_id, shot, width, height - the pixels,
        smaller for a cropped shot -, focus and view as JSON; for series shots device_id,
        captured_utc - the true instant -, exif_datetime_original - as written -,
        file_modified_utc, gps_latitude and gps_longitude - as written, NaN without GPS -,
        edited, edit_traces - ";"-joined from :data:`EDIT_TRACES` -, editor - the program
        written in Software, or "" -; distractor rooms only exif_datetime_original),
        ``variants`` (path,
        original_path, series_id, location_id, transform names joined by "+", file_format,
        width, height, params as JSON) and ``videos`` (path, location_id, series_id,
        source_path - the shot the clip was made from, or "" for a fresh view of the room -,
        motion, overlay, reencoded, seconds, fps, width, height, codec, n_frames, params,
        device_id, captured_utc, container_created - the creation_time written -,
        container_time "utc"|"local" and file_modified_utc) and ``devices``
        (:data:`DEVICE_COLUMNS`: device_id, kind, make, model, serial, software, lens,
        timezone, clock_offset_s, clock_drift_s_per_day - counted from the start of the
        device's first series -, gps, writes_offset, video_time). Times are ISO 8601 UTC
        strings ("2021-03-04T10:11:12Z").
    """
    values = _check_config(config)
    rng = make_rng(rng)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    locations, series, distractors, variants, videos = _plan(values, rng)
    devices = _plan_metadata(locations, series, distractors, variants, videos,
                             make_rng(_seed(rng)))
    quality = values["jpeg_quality"]
    tasks = [(out_dir, location, [s for s in series if s["location"] == index],
              [(clip, series[clip["series"]]) for clip in videos
               if series[clip["series"]]["location"] == index], values)
             for index, location in enumerate(locations)]
    images, location_rows, video_rows = [], [], []
    for location_row, image_rows, clip_rows in map_parallel(
            _render_location, tasks, jobs=jobs, desc="rooms", unit="room", chunk_size=1):
        location_rows.append(location_row)
        images.extend(image_rows)
        video_rows.extend(clip_rows)
    for item in distractors:
        item_rng = make_rng(item["seed"])
        if item["kind"] == "room":
            location = item["location"]
            location_rows.append({**location.summary(), "role": "distractor"})
            image = world.render_scene(location, item_rng, size=item["size"])
            tags, byte_order = item["exif"]
            _with_exif(image, {"tags": tags, "byte_order": byte_order})
            location.release()
            location_id = location.location_id
        elif item["kind"] == "texture":
            image, location_id = world.render_texture(item_rng, item["size"]), ""
        else:
            image, location_id = world.render_document(item_rng, item["country"],
                                                       item["size"]), ""
        path = f"distractors/{item['id']}.jpg"
        _save_jpeg(image, out_dir / path, quality)
        written = item["exif"][0]["DateTimeOriginal"] if "exif" in item else ""
        images.append(_image_row(path, "distractor", item["kind"], image,
                                 location_id=location_id,
                                 truth={"exif_datetime_original": written}))
    variant_rows = []
    if variants:
        (out_dir / "variants").mkdir(exist_ok=True)
    for item in variants:
        original = series[item["series"]]
        location_id = locations[original["location"]].location_id
        original_path = _shot_path(original, item["shot"])
        with Image.open(out_dir / original_path) as source:
            source.load()
            source.info.pop("exif", None)  # re-shared copies lose the camera's EXIF
            image, params, file_format = apply_chain(source, item["transforms"],
                                                     make_rng(item["seed"]))
        path = f"variants/{item['variant_id']}{FORMAT_EXTENSIONS[file_format]}"
        save_variant(image, out_dir / path, file_format, params)
        variant_rows.append({"path": path, "variant_id": item["variant_id"],
                             "original_path": original_path,
                             "series_id": original["series_id"], "location_id": location_id,
                             "transform": "+".join(item["transforms"]),
                             "file_format": file_format, "width": image.width,
                             "height": image.height, "params": _json(params)})
        images.append(_image_row(path, "variant", "room", image, original["series_id"],
                                 location_id, item["shot"]))
    series_rows = [{"series_id": s["series_id"], "location_id":
                    locations[s["location"]].location_id, "n_shots": s["n_shots"],
                    "width": s["width"], "height": s["height"], "device_id": s["device_id"],
                    "start_utc": _iso(s["start"])} for s in series]
    return {
        "locations": _table(location_rows, LOCATION_COLUMNS),
        "series": _table(series_rows, SERIES_COLUMNS),
        "images": _table(images, IMAGE_COLUMNS),
        "variants": _table(variant_rows, VARIANT_COLUMNS),
        "videos": _table(video_rows, VIDEO_COLUMNS),
        "devices": _table([device.summary() for device in devices], DEVICE_COLUMNS),
    }


def _write_video(out_dir, clip, series_item, location, values):
    clip_rng = make_rng(clip["seed"])
    width, height = values["video_size"]
    if clip["shot"] >= 0:
        source_path = _shot_path(series_item, clip["shot"])
        with Image.open(out_dir / source_path) as opened:
            still = opened.convert("RGB")
    else:  # a fresh wide view of the room, a little larger than the frames
        source_path = ""
        scale = 1.6
        view = world.random_view(location, clip_rng, aspect=width / height, focus="room")
        still = world.render_scene(location, view, size=(int(width * scale) // 2 * 2,
                                                         int(height * scale) // 2 * 2))
    path = f"videos/{clip['video_id']}.mp4"
    (out_dir / "videos").mkdir(exist_ok=True)
    params = make_clip(still, out_dir / path, clip_rng, seconds=values["video_seconds"],
                       fps=values["video_fps"], size=(width, height), motion=clip["motion"],
                       overlay=clip["overlay"], reencode=clip["reencode"],
                       creation_time=clip["meta"]["container_created"])
    os.utime(out_dir / path, ns=(clip["mtime_ns"], clip["mtime_ns"]))
    return {"path": path, "video_id": clip["video_id"], "location_id": location.location_id,
            "series_id": series_item["series_id"], "source_path": source_path,
            "motion": params["motion"], "overlay": params["overlay"] or "",
            "reencoded": params["reencoded"], "seconds": params["seconds"], "fps": params["fps"],
            "width": params["size"][0], "height": params["size"][1], "codec": params["codec"],
            "n_frames": params["n_frames"], "params": _json(params), **clip["meta"]}
