"""The ``image_world`` generator: series of photographs of rooms, their variants and videos.

:func:`make_image_world` invents locations (rooms in the countries of
:mod:`vidlab.synth.world`) and writes, under its part folder::

    series/<series_id>/<nnnn>.jpg   10-50 shots of one room from varying viewpoints
    variants/<variant_id>.<ext>     re-shared copies of shots (resized, cropped, re-encoded,
                                    banners, screenshots...; :mod:`vidlab.synth.transforms`)
    distractors/<id>.jpg            other rooms (in no series), textures, document pages
    videos/<video_id>.mp4           short pans and zooms across a room
                                    (:mod:`vidlab.synth.video`)

and returns the ground truth: ``locations``, ``series``, ``images``, ``variants`` and
``videos`` tables. Several series may show the same location (the same room photographed
again). Everything follows from ``rng``: the random draws are made up front in a fixed
order, every picture has its own child seed, and files are encoded with fixed settings.

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
estimate from a 1 % run.

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "world"
>>> tables = make_image_world(out, {"n_locations": 1, "n_series": 1, "shots_per_series": [2, 2],
...     "image_size": [160, 160], "n_variants": 1, "n_distractors": 1, "n_videos": 0}, make_rng(0))
>>> sorted(tables), len(tables["images"])
(['images', 'locations', 'series', 'variants', 'videos'], 4)
"""

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import map_parallel
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.synth.registry import register_generator
from vidlab.synth.transforms import FORMAT_EXTENSIONS, TRANSFORMS, apply_chain, save_variant
from vidlab.synth.video import VIDEO_MOTIONS, VIDEO_OVERLAYS, make_clip

__all__ = ["DEFAULTS", "make_image_world", "IMAGE_COLUMNS", "VARIANT_COLUMNS", "VIDEO_COLUMNS"]

DEFAULTS = {
    "n_locations": 4,
    "n_series": 6,
    "shots_per_series": [10, 30],
    "image_size": [1024, 2048],
    "n_variants": 40,
    "n_distractors": 20,
    "n_videos": 4,
    "video_size": [640, 360],
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
SERIES_COLUMNS = ["series_id", "location_id", "n_shots", "width", "height"]
IMAGE_COLUMNS = ["path", "kind", "content", "series_id", "location_id", "shot", "width",
                 "height", "focus", "view"]
VARIANT_COLUMNS = ["path", "variant_id", "original_path", "series_id", "location_id",
                   "transform", "file_format", "width", "height", "params"]
VIDEO_COLUMNS = ["path", "video_id", "location_id", "series_id", "source_path", "motion",
                 "overlay", "reencoded", "seconds", "fps", "width", "height", "codec",
                 "n_frames", "params"]


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
    config = dict(config or {})
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise InvalidParameterError(
            f"Unknown image_world option {unknown[0]!r}: use {', '.join(DEFAULTS)}."
        )
    values = {**DEFAULTS, **config}
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
    if any(v % 2 for v in checked["video_size"]):
        raise InvalidParameterError(
            f"The 'video_size' parameter of image_world must be even numbers (H.264 needs "
            f"them). Got {values['video_size']!r} instead."
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


# --- writing ---------------------------------------------------------------------------------


def _shot_path(series_item, shot):
    return f"series/{series_item['series_id']}/{shot + 1:04d}.jpg"


def _save_jpeg(image, target, quality):
    target.parent.mkdir(parents=True, exist_ok=True)
    save_variant(image, target, "jpeg", {"quality": quality})


def _image_row(path, kind, content, image, series_id="", location_id="", shot=-1, focus="",
               view=""):
    return {"path": path, "kind": kind, "content": content, "series_id": series_id,
            "location_id": location_id, "shot": shot, "width": image.width,
            "height": image.height, "focus": focus, "view": view}


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
            image = world.render_scene(location, view, size=(item["width"], item["height"]))
            path = _shot_path(item, shot)
            _save_jpeg(image, out_dir / path, values["jpeg_quality"])
            images.append(_image_row(path, "original", "room", image, item["series_id"],
                                     location.location_id, shot, view.focus,
                                     _json(view.as_dict())))
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
        ``n_distractors``, ``n_videos``, ``video_size`` ([w, h], even), ``video_seconds``,
        ``video_fps``, ``jpeg_quality``, ``countries`` and ``room_types`` (lists, null for
        all). Defaults in :data:`DEFAULTS`.
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
        (series_id, location_id, n_shots, width, height), ``images`` (every picture file:
        path, kind original|variant|distractor, content room|texture|document, series_id,
        location_id, shot, width, height, focus and view as JSON), ``variants`` (path,
        original_path, series_id, location_id, transform names joined by "+", file_format,
        width, height, params as JSON) and ``videos`` (path, location_id, series_id,
        source_path - the shot the clip was made from, or "" for a fresh view of the room -,
        motion, overlay, reencoded, seconds, fps, width, height, codec, n_frames, params).
    """
    values = _check_config(config)
    rng = make_rng(rng)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    locations, series, distractors, variants, videos = _plan(values, rng)
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
            location.release()
            location_id = location.location_id
        elif item["kind"] == "texture":
            image, location_id = world.render_texture(item_rng, item["size"]), ""
        else:
            image, location_id = world.render_document(item_rng, item["country"],
                                                       item["size"]), ""
        path = f"distractors/{item['id']}.jpg"
        _save_jpeg(image, out_dir / path, quality)
        images.append(_image_row(path, "distractor", item["kind"], image,
                                 location_id=location_id))
    variant_rows = []
    if variants:
        (out_dir / "variants").mkdir(exist_ok=True)
    for item in variants:
        original = series[item["series"]]
        location_id = locations[original["location"]].location_id
        original_path = _shot_path(original, item["shot"])
        with Image.open(out_dir / original_path) as source:
            source.load()
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
                    "width": s["width"], "height": s["height"]} for s in series]
    return {
        "locations": _table(location_rows, LOCATION_COLUMNS),
        "series": _table(series_rows, SERIES_COLUMNS),
        "images": _table(images, IMAGE_COLUMNS),
        "variants": _table(variant_rows, VARIANT_COLUMNS),
        "videos": _table(video_rows, VIDEO_COLUMNS),
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
                       overlay=clip["overlay"], reencode=clip["reencode"])
    return {"path": path, "video_id": clip["video_id"], "location_id": location.location_id,
            "series_id": series_item["series_id"], "source_path": source_path,
            "motion": params["motion"], "overlay": params["overlay"] or "",
            "reencoded": params["reencoded"], "seconds": params["seconds"], "fps": params["fps"],
            "width": params["size"][0], "height": params["size"][1], "codec": params["codec"],
            "n_frames": params["n_frames"], "params": _json(params)}
