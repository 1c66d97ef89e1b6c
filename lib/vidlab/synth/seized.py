"""The ``seized_device`` generator: an extracted phone with known, new and harmless files.

:func:`make_seized_device` writes, under its part folder, what a forensic extraction of a
suspect's phone looks like to a victim-identification analyst, and a reference folder with
what the analyst already knows::

    device/DCIM/Camera/IMG_YYYYMMDD_HHMMSS.jpg     the owner's camera: NEW series (never seen
                                                  before) and benign photos of the owner's home
    device/DCIM/Camera/VID_YYYYMMDD_HHMMSS.mp4     videos of new series
    device/Download/...                           known material (exact copies of pictures of
                                                  known series), re-shared variants of them,
                                                  videos of known series, scanned documents
    device/Pictures/Edited/, Pictures/Screenshots/ edited copies of new shots, screenshots
    device/Documents/...                          text documents (invoices, notes, lists)
    device/WhatsApp/Media/WhatsApp Images/IMG-YYYYMMDD-WA0000.jpg   messenger copies
                                                  (re-compressed, no EXIF; sent ones in Sent/)
    device/.thumbnails/<n>.jpg                    thumbnail cache (small copies, no EXIF)
    device/recovered/deleted_0001.jpg             recovered deleted files, some truncated
    device/system/..., device/Android/data/...    operating-system and app files (.so, .xml,
                                                  .apk, .png icons, .wav sounds, .json)
    reference/known_files.csv                     NSRL-like known-good set: sha256, md5, sha1,
                                                  file_name, file_size, product
    reference/database.json                       VICS-style JSON (:mod:`vidlab.hashing.hashsets`)
                                                  of every picture and video of the KNOWN
                                                  series: MD5, SHA1, SHA256, pHash, PDQ, Series
    reference/series.csv                          the known series, in the columns of
                                                  :class:`vidlab.victimid.ReferenceDatabase`:
                                                  series_id, status (identified|unidentified),
                                                  country and location (the city; identified
                                                  only), case_id, notes

The series, their rooms, EXIF, re-shared variants and videos come from the image world
(:func:`vidlab.synth.images.make_image_world`, rendered into a staging folder with a child
random generator and then arranged; ``keep_world=True`` keeps it as ``world/``): of its
``n_known_series + n_new_series`` series, the new ones go to the camera folder and the known
ones are the reference database. Where a room holds several series, at least one known and
one new series share a room (other viewpoints, for scene linking), and such known series are
identified. Variants are made with :mod:`vidlab.synth.transforms`: a share
``hard_variant_share`` of them starts with a transform that perceptual hashes do not survive
(mirror, rotate90, a crop, a screenshot or a banner), the others only with edits they do
survive (resize, quality, brightness, watermark, format); the ground truth records each
variant's pHash and PDQ distance to its original. Benign photos are views of the owner's own
rooms (other locations, ``role`` "home") and close-ups of textures, with the EXIF of the
owner's phone. File names follow the devices' conventions (camera: EXIF DateTimeOriginal;
WhatsApp: the day and a per-day counter) and every file's modification time is set.

Everything follows from ``rng``: one child generator per step, fixed encoder settings, no
clock. The ground truth has one row per file under ``device/`` (:data:`FILE_COLUMNS`).

Generation time (one core, measured on a shared, loaded 2-core machine, so noisy):

=================  ===========  ============  ===========  ========  ===========
config             files        pictures      time         size      peak memory
=================  ===========  ============  ===========  ========  ===========
:data:`DEFAULTS`   185          512-640 px    ~6 s         ~5 MB     -
:data:`COURSE`     5,448        640-1024 px   ~450 s       ~150 MB   ~300 MB
=================  ===========  ============  ===========  ========  ===========

About a third of the time is the world's rendering, about 40 % the perceptual hashes (the
database's pHash and PDQ, and the recorded distance of every derived picture).

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "phone"
>>> tables = make_seized_device(out, {**TINY_EXAMPLE, "n_system_files": 6}, make_rng(0))
>>> sorted(tables)
['files', 'locations', 'series']
>>> files = tables["files"]
>>> int((files["category"] == "new_series").sum()), int(files["in_known_files"].sum())
(2, 6)
>>> sorted((out / "reference").iterdir())[0].name
'database.json'
"""

import hashlib
import io
import json
import math
import os
import shutil
import wave
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw

from vidlab.checks import check_int, check_number, parameter_error
from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.crypto import hash_file
from vidlab.hashing.hashsets import HashSet, save_hashset
from vidlab.hashing.pdq import pdq_hash_file
from vidlab.hashing.perceptual import hash_image_file
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.synth.devices import device_time, make_device, utc_offset
from vidlab.synth.evidence import DOCUMENT_MAKERS
from vidlab.synth.exif import build_exif, exif_datetime, gps_tags, make_thumbnail, offset_text
from vidlab.synth.images import LOCATION_COLUMNS, make_image_world
from vidlab.synth.registry import merge_config, register_generator
from vidlab.synth.transforms import FORMAT_EXTENSIONS, apply_chain, save_variant

__all__ = ["CATEGORIES", "COURSE", "DEFAULTS", "FILE_COLUMNS", "SERIES_COLUMNS",
           "TINY_EXAMPLE", "make_seized_device"]

DEFAULTS = {
    "n_known_series": 3,        # series in the reference database
    "n_new_series": 2,          # series never seen before, in DCIM/Camera
    "n_locations": 4,           # rooms of the series (fewer than series: rooms are shared)
    "shots_per_series": [6, 10],
    "image_size": [512, 640],   # long side of the pictures, [min, max]
    "known_on_device": 0.6,     # share of each known series' pictures copied to Download
    "identified_share": 0.5,    # known series whose victim is identified
    "n_known_variants": 16,     # re-shared variants of known pictures
    "n_new_variants": 6,        # edited copies of new pictures
    "hard_variant_share": 0.35,  # variants that perceptual hashes should miss
    "n_messenger": 14,          # WhatsApp copies (known received; new and benign sent)
    "n_benign": 30,             # the owner's own harmless photos
    "n_home_rooms": 2,          # rooms of the owner's home shown in them
    "n_documents": 8,           # half text documents, half scanned pages
    "n_videos": 2,              # videos of the series (world videos)
    "n_thumbnails": 20,
    "n_recovered": 10,
    "truncated_share": 0.5,     # recovered files cut short (unreadable)
    "n_system_files": 50,       # system (60 %) and app (40 %) files
    "unlisted_app_share": 0.1,  # app files missing from known_files.csv (newer versions)
    "n_known_file_extras": 20,  # known_files.csv rows of files not on this device
    "jpeg_quality": 90,
    "video_size": [192, 112],
    "video_seconds": 1.0,
    "video_fps": 5,
    "countries": None,
    "keep_world": False,
}

#: A config of >= 5,000 files for the triage benchmark (see the module docstring's table).
COURSE = {
    "n_known_series": 30, "n_new_series": 12, "n_locations": 30, "shots_per_series": [10, 30],
    "image_size": [640, 1024], "n_known_variants": 600, "n_new_variants": 100,
    "n_messenger": 600, "n_benign": 800, "n_home_rooms": 4, "n_documents": 200,
    "n_videos": 10, "n_thumbnails": 800, "n_recovered": 300, "n_system_files": 1500,
    "n_known_file_extras": 3000, "video_size": [320, 176], "video_seconds": 2.0,
}

#: A very small config (a few seconds) for examples.
TINY_EXAMPLE = {
    "n_known_series": 1, "n_new_series": 1, "n_locations": 1, "shots_per_series": [2, 2],
    "image_size": [128, 160], "n_known_variants": 2, "n_new_variants": 1, "n_messenger": 2,
    "n_benign": 2, "n_home_rooms": 1, "n_documents": 2, "n_videos": 0, "n_thumbnails": 2,
    "n_recovered": 2, "n_system_files": 4, "n_known_file_extras": 2,
}

CATEGORIES = ("system", "app", "known_material", "new_series", "variant_of_known",
              "variant_of_new", "benign_photo", "document", "thumbnail_cache", "recovered",
              "video")
FILE_COLUMNS = ["path", "category", "series_id", "location_id", "country",
                "original_world_path", "sha256", "md5", "size", "readable", "in_known_files",
                "in_reference_db", "source_category", "transform", "phash_distance",
                "pdq_distance", "file_modified_utc"]
SERIES_COLUMNS = ["series_id", "status", "location_id", "country", "city", "identified",
                  "case_id", "n_shots", "n_on_device", "device_id", "shares_location"]
REFERENCE_SERIES_COLUMNS = ["series_id", "status", "country", "location", "case_id", "notes"]
KNOWN_FILES_COLUMNS = ["sha256", "md5", "sha1", "file_name", "file_size", "product"]

DEVICE, REFERENCE, STAGING, WORLD = "device", "reference", "_world_staging", "world"
CAMERA = "DCIM/Camera"
WHATSAPP = "WhatsApp/Media/WhatsApp Images"
DATABASE_LABEL = "csam"  # exercise data: the known series' pictures show rooms, never people

# transforms that pHash/PDQ usually survive, and ones they usually do not
EASY_TRANSFORMS = ("resize", "jpeg_quality", "brightness_contrast", "watermark", "png", "webp",
                   "strip_metadata", "grayscale")
HARD_TRANSFORMS = ("mirror", "rotate90", "crop", "screenshot", "banner")
OWNER_EDITS = ("crop", "brightness_contrast", "resize", "grayscale", "jpeg_quality")
MESSENGER_QUALITY = (60, 80)
MESSENGER_MAX_SIDE = 1600
THUMBNAIL_SIDE, THUMBNAIL_QUALITY = 320, 75
SYSTEM_FILE_TIME = datetime(2009, 1, 1, tzinfo=UTC)  # Android's fixed time of system files
SYSTEM_PRODUCT = "Synthetic Android 13 system image (build TQ3A.230901)"
SYSTEM_SHARE = 0.6

# invented names (no real apps or companies)
APPS = (("com.frambly.messenger", "Frambly"), ("org.glimmet.notes", "Glimmet Notes"),
        ("com.tessalo.weather", "Tessalo Weather"), ("net.olvinary.maps", "Olvinary Maps"),
        ("com.brimwick.gallery", "Brimwick Gallery"), ("io.quenloop.music", "Quenloop"),
        ("com.pextavo.shop", "Pextavo Shop"))
LIBRARIES = ("media_codec", "camera_hal", "audio_utils", "graphics_core", "net_stack",
             "crypto_lite", "sensor_hub", "ui_render", "wifi_ctrl", "bt_stack", "gps_fix",
             "vibrator", "power_mgr", "font_engine", "input_core", "display_ctl")
SOUNDS = ("Effect_Tick", "KeypressStandard", "KeypressDelete", "Lock", "Unlock", "Trusted",
          "LowBattery", "Dock", "Undock", "WirelessChargingStarted", "camera_click",
          "camera_focus", "VideoRecord", "NFCSuccess", "NFCFailure", "Pixie_Dust")
FEATURES = ("android.hardware.camera", "android.hardware.wifi", "android.hardware.bluetooth",
            "android.hardware.location.gps", "android.hardware.nfc", "android.hardware.sensor."
            "accelerometer", "android.hardware.touchscreen", "android.software.webview",
            "android.hardware.usb.host", "android.hardware.telephony")
SYSTEM_APPS = ("Settings", "Camera2", "Gallery3D", "Calculator", "Clock", "Contacts",
               "Dialer", "Messaging", "Browser2", "FileManager", "Calendar", "SoundRecorder")
ICON_COLOURS = ((220, 68, 55), (66, 133, 244), (15, 157, 88), (244, 180, 0), (103, 58, 183),
                (0, 150, 136), (96, 125, 139), (233, 30, 99))
DOWNLOAD_FOLDERS = ("Download", "Download", "Download", "Download/new", "Download/saved",
                    "Download/misc 2")


# --- configuration ---------------------------------------------------------------------------


def _share(values, key):
    return check_number(values[key], key, "seized_device", 0, 1)


def _pair(values, key, low, high):
    value = values[key]
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        value = [value, value]
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int | np.integer) and not isinstance(v, bool)
                       and low <= v <= high for v in value) or value[0] > value[1]):
        raise parameter_error(key, "seized_device",
                              f"an int or [min, max] with ints in [{low}, {high}]", values[key])
    return [int(value[0]), int(value[1])]


def _check_config(config):
    values = merge_config(config, DEFAULTS, "seized_device")
    checked = {key: check_int(values[key], key, "seized_device", 1, 10_000) for key in (
        "n_known_series", "n_new_series", "n_locations", "n_home_rooms")}
    for key in ("n_known_variants", "n_new_variants", "n_messenger", "n_benign", "n_documents",
                "n_videos", "n_thumbnails", "n_recovered", "n_system_files",
                "n_known_file_extras"):
        checked[key] = check_int(values[key], key, "seized_device", 0, 1_000_000)
    for key in ("known_on_device", "identified_share", "hard_variant_share", "truncated_share",
                "unlisted_app_share"):
        checked[key] = _share(values, key)
    checked["shots_per_series"] = _pair(values, "shots_per_series", 1, 1000)
    checked["image_size"] = _pair(values, "image_size", 64, 4096)
    checked["jpeg_quality"] = check_int(values["jpeg_quality"], "jpeg_quality", "seized_device",
                                        30, 100)
    if not isinstance(values["keep_world"], bool):
        raise parameter_error("keep_world", "seized_device", "true or false",
                              values["keep_world"])
    checked["keep_world"] = values["keep_world"]
    n_series = checked["n_known_series"] + checked["n_new_series"]
    if checked["n_locations"] > n_series:
        raise InvalidParameterError(
            f"seized_device needs at least one series per location: 'n_locations' "
            f"({checked['n_locations']}) must be <= n_known_series + n_new_series ({n_series}).")
    # the world checks these (video_size, video_seconds, video_fps, countries)
    for key in ("video_size", "video_seconds", "video_fps", "countries"):
        checked[key] = values[key]
    return checked


def _world_config(values):
    return {"n_locations": values["n_locations"],
            "n_series": values["n_known_series"] + values["n_new_series"],
            "shots_per_series": values["shots_per_series"], "image_size": values["image_size"],
            "n_variants": 0, "n_distractors": 0, "n_videos": values["n_videos"],
            "video_size": values["video_size"], "video_seconds": values["video_seconds"],
            "video_fps": values["video_fps"], "jpeg_quality": values["jpeg_quality"],
            "countries": values["countries"]}


# --- small helpers ---------------------------------------------------------------------------


def _seed(rng):
    return int(rng.integers(0, 2**63 - 1))


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _parse_utc(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _between(rng, start, end):
    """A whole-second instant in [start, end] (start if the span is empty)."""
    span = max(0, int((end - start).total_seconds()))
    return start + timedelta(seconds=int(rng.integers(0, span + 1)))


def _unique(path, taken, style="android"):
    """``path``, or with ``_1``/``(1)`` before the suffix for the first free number."""
    pure, candidate, k = PurePosixPath(path), path, 1
    while candidate in taken:
        tail = f"_{k}" if style == "android" else f" ({k})"
        candidate = str(pure.with_name(f"{pure.stem}{tail}{pure.suffix}"))
        k += 1
    taken.add(candidate)
    return candidate


def _camera_stamp(exif_text):
    """``"2021:03:04 10:11:12"`` -> ``"20210304_101112"``."""
    return exif_text.replace(":", "").replace(" ", "_")


def _distances(path, reference):
    """(pHash, PDQ) Hamming distances between the image at ``path`` and ``reference``."""
    phash, pdq = _perceptual(path)
    return phash - reference[0], pdq - reference[1]


def _perceptual(path):
    return hash_image_file(path, ("phash",))["phash"], pdq_hash_file(path)[0]


def _zip_bytes(members):
    """A deterministic zip: sorted members, fixed date and attributes, stored."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sorted(members.items()):
            info = zipfile.ZipInfo(name, date_time=(2008, 12, 31, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _wav_bytes(rng):
    rate = 16000
    n = int(rate * rng.uniform(0.05, 0.4))
    t = np.arange(n) / rate
    tone = np.sin(2 * np.pi * rng.uniform(300, 1800) * t) * np.exp(-t * rng.uniform(5, 30))
    samples = (tone * 12000).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return buffer.getvalue()


def _elf_bytes(rng):
    header = b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00\xb7\x00\x01\x00\x00\x00"
    return header + rng.integers(0, 256, int(rng.integers(2_000, 40_000)), dtype=np.uint8
                                 ).tobytes()


def _icon_png(rng, size, letter):
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([2, 2, size - 3, size - 3], radius=size // 5,
                           fill=_pick(rng, ICON_COLOURS) + (255,))
    r = size // 4
    shape = int(rng.integers(3))
    box = [size // 2 - r, size // 2 - r, size // 2 + r, size // 2 + r]
    if shape == 0:
        draw.ellipse(box, fill=(255, 255, 255, 255))
    elif shape == 1:
        draw.rectangle(box, fill=(255, 255, 255, 255))
    else:
        draw.text((size // 3, size // 4), letter, fill=(255, 255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6, optimize=False)
    return buffer.getvalue()


def _xml_bytes(rng, root):
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f"<{root}>"]
    for index in rng.choice(len(FEATURES), size=int(rng.integers(2, 6)), replace=False):
        lines.append(f'    <feature name="{FEATURES[int(index)]}" />')
    lines += [f'    <version code="{int(rng.integers(100, 99999))}" />', f"</{root}>", ""]
    return "\n".join(lines).encode("utf-8")


def _json_bytes(rng, app):
    settings = {"app": app, "schema": int(rng.integers(1, 20)),
                "sync_interval_min": int(rng.integers(5, 240)),
                "theme": _pick(rng, ("light", "dark", "system")),
                "cache_entries": [int(v) for v in rng.integers(0, 10**6, size=4)]}
    return (json.dumps(settings, sort_keys=True, indent=2) + "\n").encode("utf-8")


# --- the builder -----------------------------------------------------------------------------


class _Device:
    """Writes the device folder and remembers one ground-truth row per file."""

    def __init__(self, out_dir, staging, world_tables, values, rng):
        self.root = Path(out_dir) / DEVICE
        self.out_dir = Path(out_dir)
        self.staging = staging
        self.values = values
        self.rows, self.taken, self.mtimes, self.pictures = {}, set(), {}, []
        self.known_files = []
        self.steps = {name: make_rng(_seed(rng)) for name in (
            "status", "home", "benign", "camera", "download", "videos", "variants",
            "messenger", "documents", "thumbnails", "recovered", "system")}
        self.locations = world_tables["locations"]
        self.series = world_tables["series"].copy()
        images = world_tables["images"]
        self.shots = images[images["kind"] == "original"].reset_index(drop=True)
        self.videos = world_tables["videos"]
        self.where = {row.location_id: (row.country, row.city)
                      for row in self.locations.itertuples()}
        self.reference_hashes = {}
        times = list(self.shots["file_modified_utc"]) + list(self.videos["file_modified_utc"])
        latest = max(_parse_utc(t) for t in times)
        self.seizure = latest + timedelta(seconds=int(
            self.steps["status"].integers(86400, 30 * 86400)))

    # -- bookkeeping

    def add(self, path, category, moment, *, series_id="", location_id="", world_path="",
            source_category="", transform="", readable=True, distances=(-1, -1)):
        country = self.where.get(location_id, ("", ""))[0] if location_id else ""
        self.rows[path] = {"path": path, "category": category, "series_id": series_id,
                           "location_id": location_id, "country": country,
                           "original_world_path": world_path, "readable": readable,
                           "source_category": source_category or category,
                           "transform": transform, "phash_distance": int(distances[0]),
                           "pdq_distance": int(distances[1]),
                           "file_modified_utc": _iso(moment)}
        self.mtimes[path] = moment
        return path

    def target(self, path):
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def write(self, path, data):
        self.target(path).write_bytes(data)

    def picture(self, path, source):
        """Remember a picture on the device as a source of thumbnails and recoveries."""
        self.pictures.append((path, source))

    # -- series: who is known, who is new

    def assign_series(self):
        rng, values = self.steps["status"], self.values
        ids = self.series["series_id"].tolist()
        location_of = dict(zip(ids, self.series["location_id"], strict=True))
        groups = {}
        for sid in ids:
            groups.setdefault(location_of[sid], []).append(sid)
        new, known = [], []
        pairs = max(1, values["n_new_series"] // 2)
        for location in sorted(groups):
            members = groups[location]
            if len(members) >= 2 and pairs > 0 and len(new) < values["n_new_series"] and (
                    len(known) < values["n_known_series"]):
                order = [members[int(i)] for i in rng.permutation(len(members))]
                new.append(order[0])
                known.append(order[1])
                pairs -= 1
        rest = [sid for sid in ids if sid not in new and sid not in known]
        for index in rng.permutation(len(rest)):
            (new if len(new) < values["n_new_series"] else known).append(rest[int(index)])
        shared = {location_of[n] for n in new} & {location_of[k] for k in known}
        self.known, self.new = sorted(known), sorted(new)
        rows = []
        for row in self.series.itertuples():
            status = "known" if row.series_id in known else "new"
            shares = row.location_id in shared
            identified = status == "known" and (
                shares or bool(rng.random() < values["identified_share"]))
            country, city = self.where[row.location_id]
            case_id = ""
            if status == "known":
                case_id = (f"{country}-{row.start_utc[:4]}-"
                           f"{int(rng.integers(100, 100000)):05d}")
            rows.append({"series_id": row.series_id, "status": status,
                         "location_id": row.location_id, "country": country, "city": city,
                         "identified": identified, "case_id": case_id,
                         "n_shots": int(row.n_shots), "n_on_device": 0,
                         "device_id": row.device_id, "shares_location": shares})
        self.series_rows = {row["series_id"]: row for row in rows}
        self.status = {sid: row["status"] for sid, row in self.series_rows.items()}

    def shot_category(self, series_id):
        return "known_material" if self.status[series_id] == "known" else "new_series"

    def variant_category(self, series_id):
        return "variant_of_known" if self.status[series_id] == "known" else "variant_of_new"

    def shot_hashes(self, world_path):
        if world_path not in self.reference_hashes:
            self.reference_hashes[world_path] = _perceptual(self.staging / world_path)
        return self.reference_hashes[world_path]

    # -- the owner's home and benign photos

    def make_home(self):
        rng, values = self.steps["home"], self.values
        countries = values["countries"] or sorted(world.COUNTRIES)
        if isinstance(countries, str):
            countries = [countries]
        country = _pick(rng, sorted(countries))
        long_side = values["image_size"][1]
        width = min(4096, max(384, int(math.ceil(long_side * 2.0 / 16)) * 16))
        canvas = (width, int(round(width * 2 / 3)))
        self.home = [world.make_location(rng, country, _pick(rng, world.ROOM_TYPES),
                                         f"H{index + 1:04d}", canvas_size=canvas)
                     for index in range(values["n_home_rooms"])]
        self.owner = make_device(rng, "P0001", self.home[0].city, kind="phone")
        for location in self.home:
            self.where[location.location_id] = (location.country, location.city)
        lo, hi = values["image_size"]
        side = int(rng.integers(lo, hi + 1))
        self.owner_size = (side, int(round(side * 3 / 4)))

    def owner_exif(self, image, captured, number, location, rng):
        device = self.owner
        written = exif_datetime(device_time(device, captured))
        tags = {"Make": device.make, "Model": device.model, "Orientation": 1,
                "XResolution": (72, 1), "YResolution": (72, 1), "ResolutionUnit": 2,
                "Software": device.software, "DateTime": written, "ExifVersion": b"0232",
                "DateTimeOriginal": written, "DateTimeDigitized": written,
                "ImageNumber": number, "ColorSpace": 1, "PixelXDimension": image.width,
                "PixelYDimension": image.height, "LensModel": device.lens,
                "FNumber": (round(device.f_number * 10), 10),
                "FocalLength": (round(device.focal_length * 10), 10)}
        if device.writes_offset:
            offset = offset_text(utc_offset(device, captured))
            tags.update(OffsetTime=offset, OffsetTimeOriginal=offset, OffsetTimeDigitized=offset)
        if device.gps:
            north, east = rng.normal(0.0, 8.0, size=2)
            latitude = location.latitude + north / 111_320.0
            longitude = location.longitude + east / (
                111_320.0 * math.cos(math.radians(location.latitude)))
            tags.update(gps_tags(latitude, longitude, 40.0, captured))
        image.info["exif"] = build_exif(tags, make_thumbnail(image), device.byte_order)
        return written

    def benign_photos(self):
        rng, values = self.steps["benign"], self.values
        start = self.seizure - timedelta(days=730)
        moments = sorted(_between(rng, start, self.seizure - timedelta(days=1))
                         for _ in range(values["n_benign"]))
        number = self.owner.first_image_number
        for moment in moments:
            number += int(rng.integers(1, 20))
            location = _pick(rng, self.home)
            size = self.owner_size if rng.random() < 0.8 else self.owner_size[::-1]
            if rng.random() < 0.7:
                image = world.render_scene(location, make_rng(_seed(rng)), size=size)
                location_id = location.location_id
            else:
                image = world.render_texture(make_rng(_seed(rng)), size)
                location_id = ""
            written = self.owner_exif(image, moment, number, location, rng)
            path = _unique(f"{CAMERA}/IMG_{_camera_stamp(written)}.jpg", self.taken)
            save_variant(image, self.target(path), "jpeg", {"quality": values["jpeg_quality"]})
            mtime = moment + timedelta(seconds=int(rng.integers(1, 4)))
            self.add(path, "benign_photo", mtime, location_id=location_id)
            self.picture(path, {"kind": "benign", "location_id": location_id,
                                "moment": moment})
        for location in self.home:
            location.release()

    # -- the series: new ones in the camera folder, known ones downloaded

    def camera_series(self):
        for row in self.shots[self.shots["series_id"].isin(self.new)].itertuples():
            path = _unique(f"{CAMERA}/IMG_{_camera_stamp(row.exif_datetime_original)}.jpg",
                           self.taken)
            shutil.copyfile(self.staging / row.path, self.target(path))
            self.add(path, "new_series", _parse_utc(row.file_modified_utc),
                     series_id=row.series_id, location_id=row.location_id,
                     world_path=row.path, distances=(0, 0))
            self.series_rows[row.series_id]["n_on_device"] += 1
            self.picture(path, self.shot_source(row))

    def shot_source(self, row):
        return {"kind": "shot", "series_id": row.series_id, "location_id": row.location_id,
                "world_path": row.path, "moment": _parse_utc(row.captured_utc)}

    def download_name(self, rng, suffix, moment):
        style = int(rng.integers(5))
        if style == 0:
            stem = "".join(_pick(rng, "0123456789abcdef") for _ in range(32))
        elif style == 1:
            stem = "image"
        elif style == 2:
            stem = f"photo_{moment.strftime('%Y-%m-%d_%H-%M-%S')}"
        elif style == 3:
            stem = f"IMG_{int(rng.integers(1, 10000)):04d}"
        else:
            stem = f"received_{int(rng.integers(10**14, 10**15))}"
        folder = _pick(rng, DOWNLOAD_FOLDERS)
        return _unique(f"{folder}/{stem}{suffix}", self.taken, style="browser")

    def download_time(self, rng, captured):
        return _between(rng, captured + timedelta(days=1), self.seizure - timedelta(hours=1))

    def known_downloads(self):
        rng, share = self.steps["download"], self.values["known_on_device"]
        for series_id in self.known:
            shots = self.shots[self.shots["series_id"] == series_id].reset_index(drop=True)
            k = max(1, int(round(share * len(shots))))
            for index in sorted(int(i) for i in rng.choice(len(shots), size=k, replace=False)):
                row = shots.iloc[index]
                moment = self.download_time(rng, _parse_utc(row.captured_utc))
                path = self.download_name(rng, ".jpg", moment)
                shutil.copyfile(self.staging / row.path, self.target(path))
                self.add(path, "known_material", moment, series_id=series_id,
                         location_id=row.location_id, world_path=row.path, distances=(0, 0))
                self.series_rows[series_id]["n_on_device"] += 1
                self.picture(path, self.shot_source(row))

    def series_videos(self):
        rng = self.steps["videos"]
        for row in self.videos.itertuples():
            if self.status[row.series_id] == "new":
                stamp = row.container_created[:19].replace("-", "").replace(":", "")
                path = _unique(f"{CAMERA}/VID_{stamp.replace('T', '_')}.mp4", self.taken)
                moment = _parse_utc(row.file_modified_utc)
            else:
                moment = self.download_time(rng, _parse_utc(row.captured_utc))
                path = self.download_name(rng, ".mp4", moment)
            shutil.copyfile(self.staging / row.path, self.target(path))
            self.add(path, "video", moment, series_id=row.series_id,
                     location_id=row.location_id, world_path=row.path)
            self.series_rows[row.series_id]["n_on_device"] += 1

    # -- variants

    def variant(self, rng, row, names, where):
        """Write a variant of the world shot ``row`` made by ``names``; return its path."""
        with Image.open(self.staging / row.path) as source:
            source.load()
            source.info.pop("exif", None)
            image, params, file_format = apply_chain(source, names, make_rng(_seed(rng)))
        moment = self.download_time(rng, _parse_utc(row.captured_utc))
        suffix = FORMAT_EXTENSIONS[file_format]
        if "screenshot" in names:
            app = _pick(rng, APPS)[1].split()[0]
            path = _unique(f"Pictures/Screenshots/Screenshot_{moment:%Y%m%d-%H%M%S}_{app}"
                           f"{suffix}", self.taken)
        elif where == "edited":
            stem = f"IMG_{_camera_stamp(row.exif_datetime_original)}"
            path = _unique(f"Pictures/Edited/{stem}_edited{suffix}", self.taken)
        else:
            path = self.download_name(rng, suffix, moment)
        save_variant(image, self.target(path), file_format, params)
        self.add(path, self.variant_category(row.series_id), moment, series_id=row.series_id,
                 location_id=row.location_id, world_path=row.path, transform="+".join(names),
                 distances=_distances(self.root / path, self.shot_hashes(row.path)))
        self.picture(path, self.shot_source(row))
        return path

    def variants(self):
        rng, values = self.steps["variants"], self.values
        known = self.shots[self.shots["series_id"].isin(self.known)].reset_index(drop=True)
        for _ in range(values["n_known_variants"]):
            row = known.iloc[int(rng.integers(len(known)))]
            if rng.random() < values["hard_variant_share"]:
                names = [_pick(rng, HARD_TRANSFORMS)]
                if rng.random() < 0.5:
                    names.append(_pick(rng, ("resize", "jpeg_quality", "webp")))
            else:
                count = 1 + int(rng.random() < 0.4)
                names = [EASY_TRANSFORMS[int(i)] for i in rng.choice(
                    len(EASY_TRANSFORMS), size=count, replace=False)]
            self.variant(rng, row, names, "download")
        new = self.shots[self.shots["series_id"].isin(self.new)].reset_index(drop=True)
        for _ in range(values["n_new_variants"]):
            row = new.iloc[int(rng.integers(len(new)))]
            count = 1 + int(rng.random() < 0.4)
            names = [OWNER_EDITS[int(i)] for i in rng.choice(len(OWNER_EDITS), size=count,
                                                             replace=False)]
            self.variant(rng, row, names, "edited")

    # -- messenger copies

    def messenger(self):
        rng, values = self.steps["messenger"], self.values
        known = self.shots[self.shots["series_id"].isin(self.known)].reset_index(drop=True)
        new = self.shots[self.shots["series_id"].isin(self.new)].reset_index(drop=True)
        benign = [p for p in self.pictures if p[1]["kind"] == "benign"]
        plan = []
        for _ in range(values["n_messenger"]):
            draw = rng.random() * (1.0 if benign else 0.7)  # 40 % known, 30 % new, 30 % benign
            if draw < 0.4:
                row = known.iloc[int(rng.integers(len(known)))]
                source = ("shot", row, self.staging / row.path, False)
                start = _parse_utc(row.captured_utc) + timedelta(days=1)
            elif draw < 0.7:
                row = new.iloc[int(rng.integers(len(new)))]
                source = ("shot", row, self.staging / row.path, True)
                start = _parse_utc(row.captured_utc) + timedelta(hours=1)
            else:
                path, info = benign[int(rng.integers(len(benign)))]
                source = ("benign", info, self.root / path, True)
                start = info["moment"] + timedelta(minutes=5)
            moment = _between(rng, start, self.seizure - timedelta(hours=1))
            quality = int(rng.integers(MESSENGER_QUALITY[0], MESSENGER_QUALITY[1] + 1))
            plan.append((moment, source, quality))
        counters = {}
        for moment, (kind, info, file, sent), quality in sorted(plan, key=lambda p: p[0]):
            day = moment.strftime("%Y%m%d")
            number = counters.get(day, 0)
            counters[day] = number + 1
            folder = f"{WHATSAPP}/Sent" if sent else WHATSAPP
            path = _unique(f"{folder}/IMG-{day}-WA{number:04d}.jpg", self.taken)
            with Image.open(file) as opened:
                image = opened.convert("RGB")
            if max(image.size) > MESSENGER_MAX_SIDE:
                image.thumbnail((MESSENGER_MAX_SIDE, MESSENGER_MAX_SIDE), Image.Resampling.LANCZOS)
            image.info = {}
            save_variant(image, self.target(path), "jpeg", {"quality": quality})
            if kind == "shot":
                self.add(path, self.variant_category(info.series_id), moment,
                         series_id=info.series_id, location_id=info.location_id,
                         world_path=info.path, transform="messenger",
                         source_category=self.shot_category(info.series_id),
                         distances=_distances(self.root / path, self.shot_hashes(info.path)))
                self.picture(path, self.shot_source(info))
            else:
                self.add(path, "benign_photo", moment, location_id=info["location_id"],
                         transform="messenger")
                self.picture(path, info)

    # -- documents

    def documents(self):
        rng, values = self.steps["documents"], self.values
        n_scans = values["n_documents"] // 2
        start = self.seizure - timedelta(days=900)
        country = self.home[0].country
        for number in range(1, values["n_documents"] - n_scans + 1):
            name, folder, lines = _pick(rng, DOCUMENT_MAKERS)(rng, number)
            folder = "Download" if folder == "Downloads" else folder
            path = _unique(f"{folder}/{name}", self.taken, style="browser")
            self.write(path, ("\n".join(lines) + "\n").encode("utf-8"))
            self.add(path, "document", _between(rng, start, self.seizure))
        for number in range(1, n_scans + 1):
            lo, hi = values["image_size"]
            side = int(rng.integers(lo, hi + 1))
            image = world.render_document(make_rng(_seed(rng)), country,
                                          (int(round(side / 1.414)), side))
            moment = _between(rng, start, self.seizure)
            folder = _pick(rng, ("Download", "Documents/Scans"))
            path = _unique(f"{folder}/scan_{moment:%Y%m%d}_{number:03d}.jpg", self.taken,
                           style="browser")
            save_variant(image, self.target(path), "jpeg", {"quality": 85})
            self.add(path, "document", moment)

    # -- thumbnails and recovered files

    def source_fields(self, path):
        row = self.rows[path]
        return {"series_id": row["series_id"], "location_id": row["location_id"],
                "world_path": row["original_world_path"],
                "source_category": row["source_category"]}

    def thumbnails(self):
        rng, values = self.steps["thumbnails"], self.values
        if not self.pictures:
            return
        number = int(rng.integers(10**9, 2 * 10**9))
        for _ in range(values["n_thumbnails"]):
            path, info = self.pictures[int(rng.integers(len(self.pictures)))]
            number += int(rng.integers(1, 5000))
            target = _unique(f".thumbnails/{number}.jpg", self.taken)
            with Image.open(self.root / path) as opened:
                image = opened.convert("RGB")
            image.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.BICUBIC)
            image.info = {}
            save_variant(image, self.target(target), "jpeg", {"quality": THUMBNAIL_QUALITY})
            fields = self.source_fields(path)
            distances = (-1, -1)
            if info["kind"] == "shot":
                distances = _distances(self.root / target, self.shot_hashes(info["world_path"]))
            moment = _between(rng, self.mtimes[path], self.seizure)
            self.add(target, "thumbnail_cache", moment, transform="thumbnail",
                     distances=distances, **fields)

    def recovered(self):
        rng, values = self.steps["recovered"], self.values
        pool = [p for p in self.pictures if self.rows[p[0]]["category"] != "thumbnail_cache"]
        if not pool:
            return
        n = values["n_recovered"]
        n_cut = int(round(values["truncated_share"] * n))
        cut = set(int(i) for i in rng.choice(n, size=n_cut, replace=False)) if n else set()
        for index in range(n):
            path, info = pool[int(rng.integers(len(pool)))]
            data = (self.root / path).read_bytes()
            suffix = PurePosixPath(path).suffix
            target = _unique(f"recovered/deleted_{index + 1:04d}{suffix}", self.taken)
            fields = self.source_fields(path)
            distances = (self.rows[path]["phash_distance"], self.rows[path]["pdq_distance"])
            readable = index not in cut
            if not readable:
                keep = rng.uniform(0.15, 0.6)
                data = data[:max(64, int(len(data) * keep))]
                while _decodes(data) and len(data) > 64:  # a cut inside trailing bytes
                    data = data[:len(data) // 2]
                distances = (-1, -1)
            self.write(target, data)
            moment = _between(rng, self.mtimes[path], self.seizure)
            self.add(target, "recovered", moment, readable=readable,
                     transform="" if readable else "truncated", distances=distances, **fields)

    # -- operating system and apps, and the known-good list

    def system_files(self):
        rng, values = self.steps["system"], self.values
        n_system = int(round(values["n_system_files"] * SYSTEM_SHARE))
        makers = (self._library, self._permissions, self._sound, self._icon, self._apk)
        for _ in range(n_system):
            path, data = _pick(rng, makers)(rng)
            path = _unique(path, self.taken)
            self.write(path, data)
            self.add(path, "system", SYSTEM_FILE_TIME)
            self.known_files.append((path, SYSTEM_PRODUCT))
        versions = {package: f"{int(rng.integers(1, 9))}.{int(rng.integers(0, 20))}"
                    for package, _ in APPS}
        installed = {package: _between(rng, self.seizure - timedelta(days=1000),
                                       self.seizure - timedelta(days=30)) for package, _ in APPS}
        for _ in range(values["n_system_files"] - n_system):
            package, app = _pick(rng, APPS)
            kind = int(rng.integers(4))
            base = f"Android/data/{package}"
            if kind == 0:
                path, data = f"{base}/files/config.xml", _xml_bytes(rng, "config")
            elif kind == 1:
                path = f"{base}/cache/icon_{int(rng.integers(1, 999)):03d}.png"
                data = _icon_png(rng, int(_pick(rng, (48, 96, 144))), app[0])
            elif kind == 2:
                path, data = f"{base}/files/settings.json", _json_bytes(rng, app)
            else:
                path = f"{base}/lib/lib{_pick(rng, LIBRARIES)}.so"
                data = _elf_bytes(rng)
            path = _unique(path, self.taken)
            self.write(path, data)
            moment = installed[package] + timedelta(seconds=int(rng.integers(0, 86400 * 20)))
            self.add(path, "app", moment)
            if rng.random() >= values["unlisted_app_share"]:
                self.known_files.append((path, f"{app} {versions[package]} (Android)"))
        self.extras = []
        for _ in range(values["n_known_file_extras"]):
            if rng.random() < 0.5:
                name, data = _pick(rng, makers)(rng)
                product = SYSTEM_PRODUCT.replace("13", str(int(rng.integers(9, 15))))
            else:
                package, app = _pick(rng, APPS)
                name = f"lib{_pick(rng, LIBRARIES)}.so"
                data = _elf_bytes(rng)
                product = f"{app} {int(rng.integers(1, 9))}.{int(rng.integers(0, 20))} (Android)"
            self.extras.append((PurePosixPath(name).name, data, product))

    def _library(self, rng):
        folder = _pick(rng, ("system/lib64", "system/lib", "system/vendor/lib64"))
        return f"{folder}/lib{_pick(rng, LIBRARIES)}.so", _elf_bytes(rng)

    def _permissions(self, rng):
        name = _pick(rng, FEATURES).replace("android.", "").replace(".", "_")
        return f"system/etc/permissions/{name}.xml", _xml_bytes(rng, "permissions")

    def _sound(self, rng):
        return f"system/media/audio/ui/{_pick(rng, SOUNDS)}.wav", _wav_bytes(rng)

    def _icon(self, rng):
        app = _pick(rng, SYSTEM_APPS)
        density = _pick(rng, ("mdpi", "hdpi", "xhdpi", "xxhdpi"))
        size = {"mdpi": 48, "hdpi": 72, "xhdpi": 96, "xxhdpi": 144}[density]
        return (f"system/app/{app}/res/mipmap-{density}/ic_launcher.png",
                _icon_png(rng, size, app[0]))

    def _apk(self, rng):
        app = _pick(rng, SYSTEM_APPS)
        members = {"AndroidManifest.xml": _xml_bytes(rng, "manifest"),
                   "classes.dex": b"dex\n035\x00" + rng.integers(
                       0, 256, int(rng.integers(1000, 20000)), dtype=np.uint8).tobytes()}
        return f"system/app/{app}/{app}.apk", _zip_bytes(members)

    # -- finishing: hashes, times, reference files, tables

    def finish(self):
        hashes = {}
        for path in sorted(self.rows):
            target = self.root / path
            hashes[path] = hash_file(target, ("md5", "sha1", "sha256"))
            hashes[path]["size"] = target.stat().st_size
            ns = int(self.mtimes[path].timestamp()) * 1_000_000_000
            os.utime(target, ns=(ns, ns))
        reference = self.out_dir / REFERENCE
        reference.mkdir(parents=True, exist_ok=True)
        known_rows = []
        for path, product in self.known_files:
            digest = hashes[path]
            known_rows.append({"sha256": digest["sha256"], "md5": digest["md5"],
                               "sha1": digest["sha1"], "file_name": PurePosixPath(path).name,
                               "file_size": digest["size"], "product": product})
        for name, data, product in self.extras:
            known_rows.append({"sha256": hashlib.sha256(data).hexdigest(),
                               "md5": hashlib.md5(data).hexdigest(),
                               "sha1": hashlib.sha1(data).hexdigest(), "file_name": name,
                               "file_size": len(data), "product": product})
        known_files = pd.DataFrame(known_rows, columns=KNOWN_FILES_COLUMNS)
        known_files = known_files.sort_values(["product", "file_name", "sha256"],
                                              kind="mergesort", ignore_index=True)
        known_files.to_csv(reference / "known_files.csv", index=False, lineterminator="\n")
        database = self.database(reference)
        ns = int(self.seizure.timestamp()) * 1_000_000_000  # exported on the day of seizure
        for name in ("known_files.csv", "database.json", "series.csv"):
            os.utime(reference / name, ns=(ns, ns))
        listed = set(known_files["sha256"])
        rows = []
        for path in sorted(self.rows):
            row = dict(self.rows[path])
            digest = hashes[path]
            row.update(sha256=digest["sha256"], md5=digest["md5"], size=digest["size"],
                       in_known_files=digest["sha256"] in listed,
                       in_reference_db=digest["sha256"] in database)
            rows.append(row)
        files = pd.DataFrame(rows, columns=FILE_COLUMNS).astype(
            {"size": "int64", "readable": bool, "in_known_files": bool, "in_reference_db": bool,
             "phash_distance": "int64", "pdq_distance": "int64"})
        series = pd.DataFrame(list(self.series_rows.values()), columns=SERIES_COLUMNS)
        home = [{**location.summary(), "role": "home"} for location in self.home]
        locations = pd.concat([self.locations, pd.DataFrame(home, columns=LOCATION_COLUMNS)],
                              ignore_index=True)
        return {"files": files.reset_index(drop=True),
                "series": series.sort_values("series_id", ignore_index=True),
                "locations": locations.astype({"poster_city": bool})}

    def database(self, reference):
        """Write database.json and series.csv; return the set of the database's SHA-256."""
        media = [(row.series_id, row.path, True) for row in self.shots.itertuples()
                 if row.series_id in self.known]
        media += [(row.series_id, row.path, False) for row in self.videos.itertuples()
                  if row.series_id in self.known]
        records, counts, sha256 = [], {}, set()
        for number, (series_id, path, picture) in enumerate(media, start=1):
            digest = hash_file(self.staging / path, ("md5", "sha1", "sha256"))
            sha256.add(digest["sha256"])
            counts[series_id] = counts.get(series_id, 0) + 1
            values = dict(digest)
            if picture:
                phash, pdq = self.shot_hashes(path)
                values.update(phash=phash.hex, pdq=pdq.hex)
            for algorithm, value in values.items():
                records.append({"id": str(number), "algorithm": algorithm, "hash": value,
                                "label": DATABASE_LABEL, "series": series_id})
        save_hashset(HashSet(pd.DataFrame(records, columns=["id", "algorithm", "hash", "label",
                                                            "series"]), "database.json"),
                     reference / "database.json")
        rows = []
        for series_id in self.known:
            row = self.series_rows[series_id]
            identified = row["identified"]
            rows.append({"series_id": series_id,
                         "status": "identified" if identified else "unidentified",
                         "country": row["country"] if identified else "",
                         "location": row["city"] if identified else "",
                         "case_id": row["case_id"],
                         "notes": f"{counts.get(series_id, 0)} media in the database"})
        pd.DataFrame(rows, columns=REFERENCE_SERIES_COLUMNS).to_csv(
            reference / "series.csv", index=False, lineterminator="\n")
        return sha256


def _decodes(data):
    """True if Pillow decodes ``data`` completely."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
        return True
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def _check_out_dir(out_dir):
    for name in (DEVICE, REFERENCE):
        folder = out_dir / name
        if folder.exists() and any(folder.iterdir()):
            raise InvalidParameterError(
                f"seized_device: {str(folder)!r} already holds files; write to an empty "
                "folder (a device must hold only the files of its ground truth).")


@register_generator("seized_device")
def make_seized_device(out_dir, config, rng, *, jobs=1):
    """Write a synthetic seized phone and its reference files; return the ground truth.

    Parameters
    ----------
    out_dir : path-like
        The part folder (created); ``device/`` and ``reference/`` must not hold files yet.
    config : dict
        Options and defaults in :data:`DEFAULTS` (counts of series, variants, messenger
        copies, benign photos, documents, videos, thumbnails, recovered and system files,
        shares, picture size, JPEG quality, the world's video settings and countries,
        ``keep_world``). :data:`COURSE` gives >= 5,000 files.
    rng : numpy.random.Generator
        The only source of randomness.
    jobs : int
        Worker processes that draw the world's rooms (the files are the same for any number).

    Returns
    -------
    dict of DataFrame
        ``files``: one row per file under ``device/`` (:data:`FILE_COLUMNS`): ``path``
        (relative to ``device/``, POSIX), ``category`` (:data:`CATEGORIES`), ``series_id``,
        ``location_id`` (a world room "L...", the owner's home "H..." or ""), ``country``,
        ``original_world_path`` (the world picture or video it was made from), ``sha256``,
        ``md5``, ``size``, ``readable`` (False only for truncated recovered files),
        ``in_known_files`` (its SHA-256 is in ``known_files.csv``), ``in_reference_db`` (in
        ``database.json``), ``source_category`` (what a thumbnail, recovered file or messenger
        copy was made from; else the category), ``transform`` ("+"-joined transforms,
        "messenger", "thumbnail", "truncated" or ""), ``phash_distance`` and
        ``pdq_distance`` (to the original series picture; 0 for exact copies, -1 when not
        applicable) and ``file_modified_utc`` (the file time set). ``series``
        (:data:`SERIES_COLUMNS`: status known|new, the true location, country and city,
        identified, case_id, shots in the world and files on the device, device, whether
        a known and a new series share its room) and ``locations`` (the world's rooms, role
        "series", and the owner's home rooms, role "home").
    """
    values = _check_config(config)
    rng = make_rng(rng)
    out_dir = Path(out_dir)
    _check_out_dir(out_dir)
    staging = out_dir / STAGING
    if staging.exists():
        shutil.rmtree(staging)
    world_rng = make_rng(_seed(rng))
    try:
        world_tables = make_image_world(staging, _world_config(values), world_rng, jobs=jobs)
        builder = _Device(out_dir, staging, world_tables, values, rng)
        builder.assign_series()
        builder.make_home()
        builder.benign_photos()
        builder.camera_series()
        builder.known_downloads()
        builder.series_videos()
        builder.variants()
        builder.messenger()
        builder.documents()
        builder.thumbnails()
        builder.recovered()
        builder.system_files()
        tables = builder.finish()
    finally:
        if values["keep_world"] and staging.exists():
            if (out_dir / WORLD).exists():
                shutil.rmtree(out_dir / WORLD)
            staging.rename(out_dir / WORLD)
        else:
            shutil.rmtree(staging, ignore_errors=True)
    return tables

