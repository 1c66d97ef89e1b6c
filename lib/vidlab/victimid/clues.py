"""Location clues: what a room shows about the country it is in, and a ranked list of countries.

Victim-identification analysts narrow down where a picture was taken from what the room
shows: the wall socket, the script of the text on a poster or package, the GS1 prefix of a
product's barcode, the weather and landscape through the window. This module detects those
clues in the synthetic world's pictures (:mod:`vidlab.synth.world`) and combines them:

* :func:`read_barcodes` - valid EAN-13 codes, read by the module's own scanline decoder: it
  finds bar regions, straightens them, fits the whole 95-module pattern (with the blur of the
  drawing) digit by digit and keeps only codes with a correct check digit and a near-perfect
  fit. It reads close-ups of a package; in a view of the whole room the bars are thinner than
  a pixel and no code is reported (the decoder declines rather than guesses).
* :func:`detect_plug_type` - socket plates found as flat, bright, square or upright regions
  with dark holes, classified by a linear discriminant on HOG features trained on sockets
  drawn by the world's own socket drawing (random sizes, walls, light, blur, JPEG); it
  declines (all scores 0) when no plate is in view.
* :func:`detect_script` - text lines found by local contrast, cut into windows and classified
  by a linear model on HOG features, trained on text drawn with the world's fonts.
* :func:`detect_climate` - a linear model on colour histograms, trained on pictures of other
  (training) rooms.
* :func:`series_clues` combines the pictures of a series (the best evidence per clue);
  :func:`rank_countries` turns clues into a ranked list of countries with a transparent naive
  Bayes model whose likelihoods are the clues' measured reliabilities; and
  :func:`evaluate_location_clues` scores clues and rankings against ground truth.

Measured with ``benchmarks/bench_clues.py`` (15 held-out rooms; single pictures: right / all,
a declined clue counts as wrong; at 560 px the pictures are JPEG q90 like the lessons'):

=============  ==============  =============  ==========  ==========
clue           close-up 1024   close-up 560   room 1024   room 560
=============  ==============  =============  ==========  ==========
gs1_prefix     0.93            0.93           0.07        0.00
plug_type      0.20 (3 of 5)   0.27 (4 of 5)  0.07        0.00
script         0.73            0.40           0.27        0.20
climate        0.80            0.87           0.60        0.60
=============  ==============  =============  ==========  ==========

The socket is hidden behind furniture in 10 of the 15 rooms: the plug type then declines
(no value) instead of guessing; "3 of 5" counts the sockets in view. Series of 6 random
views: top-1 0.80, top-3 0.93 at 1024 px; top-1 0.53, top-3 0.93 at 560 px (chance 0.07 and
0.20).

The models are trained on first use from fixed seeds (10-40 s on a loaded 2-core machine)
and kept in memory and on disk (``$VIDLAB_CACHE`` or ``~/.cache/vidlab``; a new process
loads them in a fraction of a second); nothing is downloaded. Note for real cases: a GS1
prefix says where a barcode was *registered*, not where the product was made or sold, so it
is a strong but not a certain clue.

>>> from vidlab.seed import make_rng
>>> from vidlab.synth import world
>>> read_barcodes(world.barcode_image("4006381333931", module=2))
['4006381333931']
>>> ranking = rank_countries({"gs1_prefix": "400", "plug_type": "F"})
>>> ranking.iloc[0][["country", "name"]].tolist()
['DE', 'Germany']
"""

import functools
import hashlib
import itertools
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageFilter
from scipy import ndimage

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.images import as_image
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.synth.world import _EAN_G, _EAN_L, _EAN_PARITY, _EAN_R, ean13_check_digit

__all__ = [
    "CLUES",
    "CLUE_RELIABILITY",
    "PLUG_TYPES",
    "SCRIPTS",
    "detect_climate",
    "detect_plug_type",
    "detect_script",
    "combine_clues",
    "evaluate_location_clues",
    "gs1_country",
    "image_clues",
    "load_clue_models",
    "plot_country_ranking",
    "rank_countries",
    "read_barcodes",
    "series_clues",
]

PLUG_TYPES = tuple(world.PLUG_TYPES)
SCRIPTS = ("Latin", "Cyrillic", "Greek", "Arabic", "Hebrew")
CLIMATES = world.CLIMATES
#: The clues, in the order of :func:`series_clues` rows.
CLUES = ("gs1_prefix", "plug_type", "script", "climate")
#: How often each clue's best value is right on held-out pictures (measured with
#: ``benchmarks/bench_clues.py`` on series of 6 random views at 1024 and 560 px, pooled,
#: counting only series where the clue gave a value; the likelihood of
#: :func:`rank_countries`). A decoded barcode is almost never wrong: its check digit and the
#: fit of the whole pattern guard it.
CLUE_RELIABILITY = {"gs1_prefix": 0.98, "plug_type": 0.46, "script": 0.53, "climate": 0.67}

_WORK_WIDTH = 1024  # pictures are analysed at most this wide


# --- input -----------------------------------------------------------------------------------


def _cache_folder():
    """Where trained clue models are kept between processes: ``$VIDLAB_CACHE`` or
    ``~/.cache/vidlab``."""
    return Path(os.environ.get("VIDLAB_CACHE") or Path.home() / ".cache" / "vidlab")


def _trained(build):
    """Cache the model ``build()`` trains, in the process and on disk.

    Training is deterministic, so the file (named after the function and a digest of this
    module's source: any change retrains) holds the same model the function would train. A
    folder that cannot be written or a file that cannot be read only means training again.
    """
    digest = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]

    @functools.cache
    def cached():
        path = _cache_folder() / f"clues{build.__name__}-{digest}.pickle"
        try:
            with open(path, "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass
        model = build()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            with open(temporary, "wb") as handle:
                pickle.dump(model, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            pass
        return model

    cached.__doc__ = build.__doc__
    return cached



def _load(image, function):
    """An RGB Pillow image from a Pillow image, an array or a path."""
    if isinstance(image, np.ndarray):
        if image.ndim not in (2, 3) or image.shape[0] < 8 or image.shape[1] < 8:
            raise InvalidParameterError(
                f"The 'image' parameter of {function} must be an image array of shape (h, w) or "
                f"(h, w, 3), at least 8 x 8. Got shape {image.shape} instead."
            )
        array = image
        if array.dtype != np.uint8:
            scale = 255.0 if array.dtype.kind == "f" and array.max(initial=0) <= 1.0 else 1.0
            array = np.clip(np.asarray(array, np.float64) * scale, 0, 255).astype(np.uint8)
        if array.ndim == 3:
            array = array[..., :3]
        return Image.fromarray(array).convert("RGB")
    if isinstance(image, Image.Image | str | os.PathLike):
        return as_image(image, "RGB", function=function)
    raise InvalidParameterError(
        f"The 'image' parameter of {function} must be a PIL image, a numpy array or a path. "
        f"Got {type(image).__name__} instead."
    )


def _work(image):
    """The picture at most :data:`_WORK_WIDTH` wide."""
    if image.width > _WORK_WIDTH:
        height = max(8, round(image.height * _WORK_WIDTH / image.width))
        image = image.resize((_WORK_WIDTH, height), Image.Resampling.BILINEAR)
    return image


def _grey(image):
    return np.asarray(image.convert("L"), np.float32) / 255.0


def _working_grey(image, function):
    """The grey working array (0..1, at most :data:`_WORK_WIDTH` wide) the barcode, socket
    and script detectors search; :func:`image_clues` computes it once for all three."""
    return _grey(_work(_load(image, function)))


# --- barcodes --------------------------------------------------------------------------------

_CODES = {k: np.array([[int(c) for c in code] for code in table], np.int64)
          for k, table in (("L", _EAN_L), ("G", _EAN_G), ("R", _EAN_R))}


def _levels(bits):
    """Pattern 0..7 of each module with its neighbours (4 * before + 2 * module + after)."""
    b = np.asarray(bits, np.int64)
    return 4 * b[..., :-2] + 2 * b[..., 1:-1] + b[..., 2:]


# darkness of each pattern: blurred by the drawing's 3-tap blur (the canvas of a room), or sharp
_BLURRED = np.array([0.0, 0.2, 0.47, 0.72, 0.2, 0.47, 0.72, 1.0])
_SHARP = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0])


def _table_levels():
    out = {}
    for table, codes in _CODES.items():
        left, right = (1, 0) if table in ("L", "G") else (0, 1)  # L/G: 0...1, R: 1...0
        padded = np.concatenate([np.full((10, 1), left), codes, np.full((10, 1), right)], 1)
        out[table] = _levels(padded)
    return out


_TABLE_LEVELS = _table_levels()
_GUARD_IDX = np.array(list(range(3)) + list(range(45, 50)) + list(range(92, 95)))
_GUARD_BITS = np.zeros(97, np.int64)
_GUARD_BITS[1 + _GUARD_IDX] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]
_GUARD_BITS[[45, 51]] = 1  # the last module of digit 6 and the first of digit 7 are bars
_GUARD_LEVELS = _levels(_GUARD_BITS)[_GUARD_IDX]
_STARTS = {"L": np.arange(6) * 7 + 3, "G": np.arange(6) * 7 + 3, "R": np.arange(6) * 7 + 50}
_MAX_FIT = 0.005  # mean squared misfit per module (in units of the bar contrast) to accept


def _digit_costs(v, lut):
    out = {}
    for table, levels in _TABLE_LEVELS.items():
        segments = np.stack([v[s:s + 7] for s in _STARTS[table]])  # (6, 7)
        out[table] = ((segments[:, None, :] - lut[levels][None]) ** 2).sum(-1)  # (6, 10)
    return out


def _unconstrained_cost(v, lut):
    costs = _digit_costs(v, lut)
    guard = float(((v[_GUARD_IDX] - lut[_GUARD_LEVELS]) ** 2).sum())
    return (np.minimum(costs["L"], costs["G"]).min(1).sum() + costs["R"].min(1).sum() + guard)


def _best_code(v, lut):
    """The valid code (parity pattern, digits, check digit) that fits ``v`` best, and its cost."""
    costs = _digit_costs(v, lut)
    guard = float(((v[_GUARD_IDX] - lut[_GUARD_LEVELS]) ** 2).sum())
    best = None
    for first, parity in enumerate(_EAN_PARITY):
        table = np.concatenate([np.stack([costs[p][i] for i, p in enumerate(parity)]),
                                costs["R"]])  # (12, 10)
        order = np.argsort(table, 1)
        digits = order[:, 0]
        base = float(table[np.arange(12), digits].sum()) + guard
        deltas = sorted((float(table[i, order[i, r]] - table[i, digits[i]]), i, int(order[i, r]))
                        for i in range(12) for r in (1, 2))[:8]
        options = [(0.0, ())] + [(d, ((i, g),)) for d, i, g in deltas]
        options += [(d1 + d2, ((i1, g1), (i2, g2)))
                    for (d1, i1, g1), (d2, i2, g2) in itertools.combinations(deltas, 2)
                    if i1 != i2]
        for extra, changes in sorted(options):
            chosen = digits.copy()
            for i, g in changes:
                chosen[i] = g
            code = str(first) + "".join(str(int(d)) for d in chosen)
            if ean13_check_digit(code[:12]) == code[12]:
                if best is None or base + extra < best[0]:
                    best = (base + extra, code)
                break
    return best


def _runs(mask):
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def _bar_span(q):
    """(first, last + 1) sample of the bars: between two quiet zones, no inner gap > 4 modules."""
    white = _runs(q < 0.12)
    best = None
    for a in range(len(white)):
        for b in range(a + 1, len(white)):
            x0, x1 = white[a][1], white[b][0]
            m = (x1 - x0) / 95
            if m < 1.2:
                continue
            la, lb = white[a][1] - white[a][0], white[b][1] - white[b][0]
            if (la < 4 * m and white[a][0] > 0) or (lb < 4 * m and white[b][1] < len(q)):
                continue
            if la < 2 * m or lb < 2 * m:
                continue
            if any(e - s > 4 * m for s, e in white[a + 1:b]):
                continue
            if best is None or x1 - x0 > best[1] - best[0]:
                best = (x0, x1)
    if best is None:
        return None
    dark = np.flatnonzero(q[best[0]:best[1]] > 0.3)
    if len(dark) < 10:
        return None
    return best[0] + dark[0], best[0] + dark[-1] + 1


def _sample(q, x0, m):
    return np.interp(x0 + (np.arange(95) + 0.5) * m, np.arange(len(q), dtype=np.float64), q)


def _decode_profile(profile):
    """Decode a darkness profile across a barcode; return (misfit, code) or None."""
    p = np.asarray(profile, np.float64)
    lo, hi = np.percentile(p, 3), np.percentile(p, 99)
    if hi - lo < 0.1:
        return None
    q = (p - lo) / (hi - lo)
    span = _bar_span(q)
    if span is None:
        return None
    i0, i1 = span
    m = (i1 - i0) / 95
    if m < 1.2:  # thinner than ~1 pixel per module: the pattern is gone
        return None
    best = None
    for lut in (_BLURRED, _SHARP):
        result = _fit_code(q, i0, i1, m, lut)
        if result is not None and (best is None or result[0] < best[0]):
            best = result
        if best is not None and best[0] <= _MAX_FIT:
            break
    return best


def _fit_code(q, i0, i1, m, lut):
    """Align the 95 modules on ``q``, decode, refit the pattern darkness ``lut``, decode again."""
    options = []
    for d0 in np.arange(-0.5, 0.51, 0.25):
        for d1 in np.arange(-0.5, 0.51, 0.25):
            x0 = i0 + d0 * m
            mm = (i1 + d1 * m - x0) / 95
            options.append((_unconstrained_cost(_sample(q, x0, mm), lut), x0, mm))
    _, x0, mm = min(options, key=lambda t: t[0])
    for step in (0.125, 0.0625):
        local = []
        for d0 in (-step, 0.0, step):
            for d1 in (-step, 0.0, step):
                xa = x0 + d0 * mm
                mb = (x0 + 95 * mm + d1 * mm - xa) / 95
                local.append((_unconstrained_cost(_sample(q, xa, mb), lut), xa, mb))
        _, x0, mm = min(local, key=lambda t: t[0])
    v = _sample(q, x0, mm)
    result = None
    for _ in range(3):  # decode, refit the darkness of each blur level, decode again
        result = _best_code(v, lut)
        if result is None:
            return None
        bits = np.array([0] + [int(c) for c in world.ean13_modules(result[1])] + [0])
        levels = _levels(bits)
        new = lut.copy()
        for k in range(8):
            chosen = v[levels == k]
            if len(chosen) >= 2:
                new[k] = np.median(chosen)
        if np.allclose(new, lut):
            break
        lut = new
    spread = max(lut[7] - lut[0], 0.2)
    return result[0] / 95 / spread ** 2, result[1]


def _barcode_boxes(g, limit=4):
    """Candidate barcode boxes (y0, y1, x0, x1): strong horizontal, weak vertical gradients."""
    h, w = g.shape
    gx = np.zeros_like(g)
    gx[:, 1:] = np.abs(np.diff(g, axis=1))
    gy = np.zeros_like(g)
    gy[1:] = np.abs(np.diff(g, axis=0))
    energy = ndimage.uniform_filter(gx - gy, (max(3, h // 60), max(5, w // 50)))
    size = max(3, w // 16)  # close gaps along the bars' row (a 1-D closing, fast on uint8)
    mask = ndimage.minimum_filter1d(ndimage.maximum_filter1d(
        (energy > 0.04).astype(np.uint8), size, axis=1), size, axis=1) > 0
    labels, _ = ndimage.label(mask)
    boxes = []
    for k, where in enumerate(ndimage.find_objects(labels), 1):
        y0, y1, x0, x1 = where[0].start, where[0].stop, where[1].start, where[1].stop
        if x1 - x0 < 40 or y1 - y0 < 6:
            continue
        boxes.append((float(energy[where][labels[where] == k].sum()), (y0, y1, x0, x1)))
    boxes.sort(reverse=True)
    return [box for _, box in boxes[:limit]]


def _read_box(g, box):
    """Decodes of one box: the straightest angle, whole box and thirds of its height."""
    h, w = g.shape
    y0, y1, x0, x1 = box
    pad = (x1 - x0) // 4
    x0, x1 = max(0, x0 - pad), min(w, x1 + pad)
    margin = (y1 - y0) * 0.15
    ys = np.arange(y0 + margin, y1 - margin) if y1 - y0 > 8 else np.arange(y0, y1, dtype=float)
    xs = np.arange(x0, x1, dtype=np.float64)
    centre = ys.mean()
    straight = []
    for angle in np.linspace(-6, 6, 17):
        shift = np.tan(np.radians(angle))
        cols = xs[None, :] + (ys[:, None] - centre) * shift
        rows = np.broadcast_to(ys[:, None], cols.shape)
        values = ndimage.map_coordinates(g, [rows, cols], order=1, mode="nearest")
        profile = values.mean(0)
        straight.append((float((np.diff(profile) ** 2).sum()), angle, values))
    straight.sort(key=lambda t: -t[0])
    results = []
    for _, _, values in straight[:2]:
        n = len(values)
        for part in [slice(0, n)] + [slice(i * n // 3, (i + 1) * n // 3) for i in range(3)]:
            decoded = _decode_profile(1.0 - values[part].mean(0))
            if decoded is not None and decoded[0] <= _MAX_FIT:
                results.append(decoded)
    return results


def _barcode_reads(g):
    """(code, n_reads, best misfit) per code read in the working array ``g``."""
    reads = {}
    for box in _barcode_boxes(g):
        for misfit, code in _read_box(g, box):
            n, best = reads.get(code, (0, 1.0))
            reads[code] = (n + 1, min(best, misfit))
    return reads


def read_barcodes(image):
    """Return the valid EAN-13 codes read in ``image`` (a PIL image, array or path).

    A code is reported when at least three of the eight scanlines tried on a bar region
    decode to the same valid code with a near-perfect fit of the 95 bar modules (misreads
    on room views, where bars are about a pixel wide, fit worse and are read once or twice).
    Codes are sorted by how often they were read (most first).

    >>> read_barcodes(world.barcode_image("5012345678900", module=3))
    ['5012345678900']
    >>> read_barcodes(Image.new("RGB", (64, 64), "white"))
    []
    """
    return _codes(_working_grey(image, "read_barcodes"))


def _codes(g):
    good = [(n, code) for code, (n, _) in _barcode_reads(g).items() if n >= 3]
    return [code for _, code in sorted(good, key=lambda t: (-t[0], t[1]))]


def gs1_country(code):
    """The country (ISO code) whose GS1 prefix range holds ``code`` (a prefix or a barcode).

    Returns ``None`` when no country of the world owns the prefix.

    >>> gs1_country("4006381333931"), gs1_country("729"), gs1_country("999")
    ('DE', 'IL', None)
    """
    text = str(code)
    if len(text) < 3 or not text[:3].isdigit():
        raise InvalidParameterError(
            f"The 'code' parameter of gs1_country must start with 3 digits. Got {code!r} instead."
        )
    prefix = int(text[:3])
    for country, profile in world.COUNTRIES.items():
        if any(lo <= prefix <= hi for lo, hi in profile["gs1"]):
            return country
    return None


# --- plug type -------------------------------------------------------------------------------

_PLUG_CROP = 40  # candidate plates are scaled to this square before their features are taken
_MIN_PLATE = 22  # narrowest plate (pixels) looked at: smaller ones were mostly misread
_TALL = ("A", "B")  # North American plates are upright rectangles


def _resize_grey(g, factor):
    h, w = g.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    return np.asarray(Image.fromarray(np.asarray(g, np.float32), "F").resize(
        size, Image.Resampling.BILINEAR), np.float64)


def _plate_candidates(g, limit=6):
    """Socket-plate-like places ``(y0, y1, x0, x1)`` in the grey picture ``g`` (0..1).

    A plate is a flat, bright region (its outline and holes cut it out of the wall) whose
    box is square or upright (1 : 1.6), that it fills almost completely once its holes are
    filled, with dark marks (the holes) inside. Largest first.
    """
    h, w = g.shape
    magnitude = np.hypot(ndimage.sobel(g, 1), ndimage.sobel(g, 0))
    labels, _ = ndimage.label(magnitude < 0.12)
    found = []
    for k, where in enumerate(ndimage.find_objects(labels), 1):
        y0, y1, x0, x1 = where[0].start, where[0].stop, where[1].start, where[1].stop
        bw, bh = x1 - x0, y1 - y0
        if bw < _MIN_PLATE or bh < _MIN_PLATE or bw > w // 2 or bh > h * 0.7:
            continue
        ratio = bh / bw
        if not (0.75 <= ratio <= 1.3 or 1.35 <= ratio <= 1.95):
            continue
        part = labels[where] == k
        filled = ndimage.binary_fill_holes(part)
        inside = filled & ~part
        if filled.mean() < 0.8 or inside.sum() < 0.02 * part.size:
            continue
        values = g[where]
        plate = float(np.median(values[part]))
        if plate < 0.5 or plate - float(np.percentile(values[inside], 5)) < 0.25:
            continue
        found.append((part.size, (y0, y1, x0, x1)))
    found.sort(key=lambda t: -t[0])
    return [box for _, box in found[:limit]]


def _plate_features(g, box):
    """HOG, coarse pixels and shape of the candidate plate ``box`` of ``g``."""
    y0, y1, x0, x1 = box
    pad_y, pad_x = max(1, round((y1 - y0) * 0.06)), max(1, round((x1 - x0) * 0.06))
    crop = g[max(0, y0 - pad_y):y1 + pad_y, max(0, x0 - pad_x):x1 + pad_x]
    patch = np.asarray(Image.fromarray(np.asarray(crop, np.float32), "F").resize(
        (_PLUG_CROP, _PLUG_CROP), Image.Resampling.BILINEAR), np.float64)
    lo, hi = np.percentile(patch, 2), np.percentile(patch, 98)
    patch = np.clip((patch - lo) / max(hi - lo, 0.05), 0.0, 1.0)
    coarse = patch.reshape(10, 4, 10, 4).mean((1, 3)).ravel()
    from skimage.feature import hog

    inner = 1.0 - patch[4:-4, 4:-4]  # how much of the plate the holes and recess darken
    shape = [(y1 - y0) / (x1 - x0), 10 * inner.mean(), 10 * (inner > 0.5).mean(),
             10 * (inner > 0.8).mean()]
    return np.concatenate([hog(patch, orientations=9, pixels_per_cell=(8, 8),
                               cells_per_block=(2, 2)), coarse, shape])


def _synthetic_socket(rng, plug_type):
    """A socket on a patch of wall as a camera sees it: (grey array, true plate box)."""
    from PIL import ImageDraw

    plate_px = float(rng.uniform(24, 56))  # plate width as drawn on a room's canvas
    tall = 1.6 if plug_type in _TALL else 1.0
    side = int(plate_px * float(rng.uniform(2.4, 3.4)))
    wall = [world.WALL_COLOURS[int(i)] for i in rng.integers(len(world.WALL_COLOURS), size=2)]
    kind = world.WALL_PATTERNS[int(rng.integers(len(world.WALL_PATTERNS)))]
    unit = plate_px * float(rng.uniform(0.5, 1.4)) * (3 if kind == "tiles" else 1)
    canvas = Image.fromarray(world._pattern(kind, wall, (side, int(side * tall)), unit, rng))
    plate = ((246, 246, 242), (236, 230, 214), (250, 250, 250))[int(rng.integers(3))]
    cx, cy = side / 2 + rng.uniform(-2, 2), side * tall / 2 + rng.uniform(-2, 2)
    world._draw_socket(ImageDraw.Draw(canvas), cx, cy, plate_px, plug_type, plate)
    canvas = canvas.filter(ImageFilter.BoxBlur(0.5))
    g = np.asarray(canvas.convert("L"), np.float32) * float(rng.uniform(0.75, 1.0))
    width = float(np.exp(rng.uniform(np.log(20), np.log(160))))  # plate width in the picture
    f = width / plate_px
    level = 0
    while f * 2 ** (level + 1) <= 1 / 1.2 and level < 4:
        level += 1
    source = Image.fromarray(g, "F")
    for _ in range(level):
        source = source.reduce(2)
    room = float(rng.uniform(2.0, 2.8))  # the picture shows this many plate widths of wall
    out_w = max(8, round(min(canvas.width * f, width * room)))
    out_h = max(8, round(min(canvas.height * f, width * tall * room)))
    angle = np.radians(rng.normal(0, 1.5))
    scale = 1 / (f * 2 ** level)  # source pixels per output pixel
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    ox, oy = out_w / 2, out_h / 2
    sx, sy = cx / 2 ** level, cy / 2 ** level
    coeffs = (cos, -sin, sx - cos * ox + sin * oy, sin, cos, sy - sin * ox - cos * oy)
    picture = source.transform((out_w, out_h), Image.Transform.AFFINE, coeffs,
                               Image.Resampling.BILINEAR, fillcolor=float(g.mean()))
    array = np.clip(np.asarray(picture) * float(rng.uniform(0.9, 1.25)), 0, 255)
    if rng.random() < 0.6:
        import io

        buffer = io.BytesIO()
        Image.fromarray(array.astype(np.uint8)).save(buffer, "JPEG",
                                                     quality=int(rng.integers(70, 96)))
        array = np.asarray(Image.open(buffer), np.float64)
    half_w, half_h = width / 2, width * tall / 2
    bx, by = out_w / 2, out_h / 2  # the socket's centre is the picture's centre
    return array / 255.0, (by - half_h, by + half_h, bx - half_w, bx + half_w)


def _matches(box, truth):
    y0, y1, x0, x1 = box
    t0, t1, s0, s1 = truth
    return (abs((y0 + y1) - (t0 + t1)) / 2 < 2 + (t1 - t0) / 4
            and abs((x0 + x1) - (s0 + s1)) / 2 < 2 + (s1 - s0) / 4
            and 0.7 < (x1 - x0) / (s1 - s0) < 1.4)


@_trained
def _plug_model():
    """Linear discriminant on candidate plates: synthetic sockets of each type, non-sockets."""
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis

    rng = make_rng(6_100)
    features, labels = [], []
    for _ in range(_PLUG_SAMPLES):
        for plug_type in PLUG_TYPES:
            g, truth = _synthetic_socket(rng, plug_type)
            for box in _plate_candidates(g):
                features.append(_plate_features(g, box))
                labels.append(plug_type if _matches(box, truth) else "none")
    for k in range(_PLUG_NEGATIVES):  # flat bright boxes with dark marks that are no socket
        texture = np.asarray(world.render_texture(make_rng(9_500 + k), (160, 120)).convert("L"),
                             np.float64) / 255.0
        for box in _plate_candidates(texture):
            features.append(_plate_features(texture, box))
            labels.append("none")
    model = LinearDiscriminantAnalysis(solver="lsqr", shrinkage="auto")
    model.fit(np.array(features), np.array(labels))
    return model


_PLUG_SAMPLES = 30  # synthetic sockets per type
_PLUG_NEGATIVES = 60


def _plug_scores(g):
    """Probability of each plug type for the most socket-like plate in ``g`` (or 0)."""
    scores = np.zeros(len(PLUG_TYPES))
    boxes = _plate_candidates(g)
    if not boxes:
        return scores
    model = _plug_model()
    p = pd.DataFrame(model.predict_proba(np.array([_plate_features(g, b) for b in boxes])),
                     columns=model.classes_)
    best = p[list(PLUG_TYPES)].max(axis=1).idxmax()
    return p.loc[best, list(PLUG_TYPES)].to_numpy(np.float64)


def detect_plug_type(image):
    """Score each IEC plug type (:data:`PLUG_TYPES` order) for the socket in ``image`` (0..1).

    Socket plates are looked for as flat, bright, square or upright regions with dark holes
    inside; each candidate is classified by a logistic regression on HOG features trained on
    first use on sockets drawn by the world's own socket drawing at random sizes, walls,
    lighting, blur and JPEG quality (plus non-socket places; about a second, cached). The
    scores are the class probabilities of the most socket-like candidate: all 0 when no
    plate is found (a socket hidden behind furniture, or narrower than about 22 pixels, as
    in most views of a whole room), so the clue declines rather than guesses.

    >>> from vidlab.synth import world
    >>> scores = detect_plug_type(world.socket_image("G", size=(160, 120)))
    >>> scores.idxmax(), scores.name
    ('G', 'plug_type')
    >>> float(detect_plug_type(Image.new("RGB", (160, 120), "white")).max())
    0.0
    """
    return _plug_series(_working_grey(image, "detect_plug_type"))


def _plug_series(g):
    return pd.Series(np.round(_plug_scores(g), 4), index=list(PLUG_TYPES), name="plug_type")


# --- climate ---------------------------------------------------------------------------------

_CLIMATE_WIDTH = 192  # pictures are reduced to this width before their colours are counted
_BINS = 6


def _colour_features(image):
    """Colour histograms (6 x 6 x 6 bins) of the whole picture and of its upper half."""
    height = max(8, round(image.height * _CLIMATE_WIDTH / image.width))
    pixels = np.asarray(image.resize((_CLIMATE_WIDTH, height), Image.Resampling.BILINEAR))
    q = (pixels.astype(np.int64) * _BINS) // 256
    index = (q[..., 0] * _BINS + q[..., 1]) * _BINS + q[..., 2]
    parts = []
    for region in (index, index[: height // 2]):
        counts = np.bincount(region.ravel(), minlength=_BINS ** 3).astype(np.float64)
        parts.append(np.sqrt(counts / counts.sum()))
    return np.concatenate(parts)


def _training_views(n_locations, seed):
    """(image, location) pairs: small renders of training rooms (seeds apart from tests)."""
    rng = make_rng(seed)
    countries = sorted(world.COUNTRIES)
    for i in range(n_locations):
        country = countries[i % len(countries)]
        room = world.ROOM_TYPES[int(rng.integers(len(world.ROOM_TYPES)))]
        location = world.make_location(rng, country, room, f"T{i}", canvas_size=(384, 256))
        for focus in ("room", "room", "window", None):
            view = world.random_view(location, rng, aspect=1.5, focus=focus)
            yield world.render_scene(location, view, size=(192, 128)), location
        location.release()


@_trained
def _climate_model():
    """Logistic regression on colour histograms of 120 training rooms x 4 views (~4 s)."""
    from sklearn.linear_model import LogisticRegression

    features, labels = [], []
    for image, location in _training_views(120, seed=20_240_611):
        features.append(_colour_features(image))
        labels.append(location.climate)
    model = LogisticRegression(C=3.0, max_iter=2000)
    model.fit(np.array(features), np.array(labels))
    return model


def detect_climate(image):
    """Probability of each climate (:data:`vidlab.synth.world.CLIMATES`) seen in ``image``.

    A logistic regression on colour histograms (the whole picture and its upper half, where
    the sky is), trained on first use on small renders of 120 training rooms (a few seconds;
    cached). The window is a small part of a room view, so expect it to be a weak clue there
    and a good one on a close-up of the window.

    >>> from vidlab.synth import world
    >>> probabilities = detect_climate(world.outdoor_image("snowy", (160, 120), 1))
    >>> round(float(probabilities.sum()), 6), probabilities.name
    (1.0, 'climate')
    """
    image = _load(image, "detect_climate")
    model = _climate_model()
    p = model.predict_proba(_colour_features(image)[None])[0]
    series = pd.Series(p, index=list(model.classes_), name="climate")
    return series.reindex(list(CLIMATES)).fillna(0.0).round(4)


# --- script ----------------------------------------------------------------------------------

_LINE_PX = 24  # text lines are scaled to this height
_WINDOW = (24, 32)


def _hog(patch):
    from skimage.feature import hog

    return hog(patch, orientations=9, pixels_per_cell=(6, 6), cells_per_block=(2, 2))


def _line_windows(line):
    """HOG features of the windows of a text line (grey array), scaled to :data:`_LINE_PX`."""
    h, w = line.shape
    width = max(_WINDOW[1], round(w * _LINE_PX / h))
    scaled = _resize_grey(line, _LINE_PX / h)
    scaled = np.asarray(Image.fromarray(np.asarray(scaled, np.float32), "F").resize(
        (width, _LINE_PX), Image.Resampling.BILINEAR), np.float64)
    return [_hog(scaled[:, x:x + _WINDOW[1]])
            for x in range(0, width - _WINDOW[1] + 1, _WINDOW[1] // 2)]


def _script_words():
    words = {script: [] for script in SCRIPTS}
    for profile in world.COUNTRIES.values():
        script = profile["script"]
        texts = list(profile["products"]) + list(profile["phrases"])
        texts += [local for _, local, _, _ in profile["cities"]]
        words[script] += [world.display_text(t, script) for t in texts]
    return words


def _text_line(text, size, bold, ink, paper):
    font = world._font(size, bold)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 8, bottom - top + 6), paper)
    from PIL import ImageDraw

    ImageDraw.Draw(image).text((4 - left, 3 - top), text, fill=ink, font=font)
    return image


def _text_lines(g):
    """Boxes (y0, y1, x0, x1) of text-line candidates: rows of small high-contrast marks."""
    local = ndimage.uniform_filter(g, 15)
    marks = np.abs(g - local) > 0.12
    h, w = g.shape
    size = max(3, w // 100)
    joined = ndimage.maximum_filter1d(marks.astype(np.uint8), size, axis=1) > 0
    labels, _ = ndimage.label(joined)
    boxes = []
    for where in ndimage.find_objects(labels):
        y0, y1, x0, x1 = where[0].start, where[0].stop, where[1].start, where[1].stop
        if 8 <= y1 - y0 <= h // 6 and x1 - x0 >= 2 * (y1 - y0):
            boxes.append((y0, y1, x0, x1))
    return boxes[:60]


@_trained
def _script_model():
    """Logistic regression on HOG windows of text drawn with the world's fonts (~5 s)."""
    from sklearn.linear_model import LogisticRegression

    rng = make_rng(7_300)
    features, labels = [], []
    for script, words in _script_words().items():
        for _ in range(40 if script == "Latin" else 30):
            text = words[int(rng.integers(len(words)))]
            paper = int(rng.integers(120, 256))
            ink = int(rng.integers(0, 60)) if rng.random() < 0.8 else 255
            if ink == 255:
                paper = int(rng.integers(0, 120))
            line = _text_line(text, int(rng.integers(14, 40)), bool(rng.random() < 0.4), ink,
                              paper)
            line = line.filter(ImageFilter.GaussianBlur(float(rng.uniform(0, 1.0))))
            for f in _line_windows(np.asarray(line, np.float64) / 255.0):
                features.append(f)
                labels.append(script)
    for image, _ in _training_views(20, seed=4_400):  # no-text windows: rooms and textures
        g = _grey(image)
        for box in _text_lines(g)[:6]:
            y0, y1, x0, x1 = box
            for f in _line_windows(g[y0:y1, x0:x1])[:3]:
                features.append(f)
                labels.append("none")
    for k in range(40):
        texture = world.render_texture(make_rng(9_000 + k), (96, 48))
        for f in _line_windows(_grey(texture)[12:36]):
            features.append(f)
            labels.append("none")
    model = LogisticRegression(C=1.0, max_iter=3000)
    model.fit(np.array(features), np.array(labels))
    return model


def _script_scores(g):
    model = _script_model()
    features = []
    for y0, y1, x0, x1 in _text_lines(g):
        pad = max(2, (y1 - y0) // 6)
        line = g[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad]
        features += _line_windows(line)
    totals = pd.Series(0.0, index=list(SCRIPTS))
    if not features:
        return totals
    p = pd.DataFrame(model.predict_proba(np.array(features)), columns=model.classes_)
    texty = p[p["none"] < 0.5]
    if len(texty):
        totals = texty[list(SCRIPTS)].sum() / len(texty) * (1 - np.exp(-len(texty) / 4))
    return totals


def detect_script(image):
    """Score each writing system (:data:`SCRIPTS`) of the text in ``image`` (0..1).

    Text lines are found by local contrast, cut into windows and classified by a logistic
    regression on HOG features, trained on first use on words of the world's languages drawn
    with the world's fonts (a few seconds; cached). The score of a script is its mean
    probability over the windows that look like text, damped when there are few of them.
    Languages that share the Latin script are not told apart.

    >>> from PIL import ImageDraw
    >>> from vidlab.synth import world
    >>> page = world.render_document(make_rng(0), "RU", (300, 420))
    >>> detect_script(page).idxmax()
    'Cyrillic'
    """
    return _script_series(_working_grey(image, "detect_script"))


def _script_series(g):
    return pd.Series(np.round(_script_scores(g).to_numpy(np.float64), 4), index=list(SCRIPTS),
                     name="script")


# --- combining clues -------------------------------------------------------------------------


def image_clues(image):
    """All clues of one picture: ``{"barcodes": [...], "plug_type", "script", "climate"}``.

    The last three are the score Series of :func:`detect_plug_type`, :func:`detect_script`
    and :func:`detect_climate`.

    >>> clues = image_clues(world.barcode_image("4006381333931", module=2))
    >>> clues["barcodes"], sorted(clues)
    (['4006381333931'], ['barcodes', 'climate', 'plug_type', 'script'])
    """
    picture = _load(image, "image_clues")
    g = _grey(_work(picture))
    return {"barcodes": _codes(g), "plug_type": _plug_series(g), "script": _script_series(g),
            "climate": detect_climate(picture)}


def _image_clues_task(image):
    return image_clues(image)


_PLUG_MIN = 0.5  # a socket type below this probability is no evidence (the clue declines)


def load_clue_models():
    """Train the clue models, or load them from the disk cache, in this process now.

    Call it before clues are searched in worker processes, so that they load the models
    instead of each training them.

    >>> load_clue_models()
    """
    _plug_model()
    _climate_model()
    _script_model()


def series_clues(images, jobs=1):
    """Search every picture of a series for clues and combine them (:func:`combine_clues`).

    ``images`` are PIL images, arrays or paths (paths are best with ``jobs`` > 1).

    >>> frame = series_clues([world.barcode_image("4006381333931", module=2)])
    >>> row = frame.set_index("clue").loc["gs1_prefix"]
    >>> row["value"], int(row["n_images"]), float(row["confidence"])
    ('400', 1, 1.0)
    """
    from vidlab.parallel import map_parallel

    images = list(images)
    if not images:
        raise InvalidParameterError(
            "The 'images' parameter of series_clues must hold at least one picture. Got none."
        )
    if jobs != 1:
        load_clue_models()
    return combine_clues(map_parallel(_image_clues_task, images, jobs=jobs, desc="clues",
                                      unit="image"))


def combine_clues(per_image):
    """Combine the :func:`image_clues` of a series' pictures: one row per clue, the best
    evidence.

    Columns: ``clue`` (:data:`CLUES`), ``value``, ``confidence`` (0..1), ``n_images`` (pictures
    that support the value) and ``evidence`` (a short text). Barcodes: the code read most
    often (value: its GS1 prefix). Plug type: the most probable socket type over the pictures
    (none when no picture shows a socket clearly). Script and climate: the scores summed
    over the pictures. A clue with no evidence has an empty value and confidence 0.

    >>> frame = combine_clues([image_clues(world.barcode_image("4006381333931", module=2))])
    >>> frame.set_index("clue").loc["gs1_prefix", "evidence"]
    'barcode 4006381333931 read in 1 picture(s); GS1 prefix of DE'
    """
    per_image = list(per_image)
    if not per_image:
        raise InvalidParameterError(
            "The 'per_image' parameter of combine_clues must hold the clues of at least one "
            "picture. Got none."
        )
    rows = []
    codes = pd.Series([c for item in per_image for c in item["barcodes"]], dtype=object)
    if len(codes):
        code = codes.value_counts().index[0]
        n = int(sum(code in item["barcodes"] for item in per_image))
        owner = gs1_country(code)
        rows.append(("gs1_prefix", code[:3], 1.0, n,
                     f"barcode {code} read in {n} picture(s); GS1 prefix of "
                     f"{owner or 'no country of the world'}"))
    else:
        rows.append(("gs1_prefix", "", 0.0, 0, "no barcode read"))
    plug = pd.DataFrame([item["plug_type"] for item in per_image])
    best = plug.max(axis=0)
    if best.max() < _PLUG_MIN:
        rows.append(("plug_type", "", 0.0, 0, "no socket seen"))
    else:
        value = str(best.idxmax())
        n = int(((plug.idxmax(axis=1) == value) & (plug.max(axis=1) >= _PLUG_MIN)).sum())
        rows.append(("plug_type", value, round(float(best.max()), 4), n,
                     f"socket type {value}: probability {best.max():.2f}"))
    for clue in ("script", "climate"):
        frame = pd.DataFrame([item[clue] for item in per_image])
        total = frame.sum(axis=0)
        if total.sum() <= 0:
            rows.append((clue, "", 0.0, 0, f"no {clue} evidence"))
            continue
        value = str(total.idxmax())
        share = float(total.max() / total.sum())
        n = int((frame.idxmax(axis=1) == value).sum())
        rows.append((clue, value, round(share, 4), n,
                     f"{clue} {value}: {share:.0%} of the evidence, top in {n} picture(s)"))
    return pd.DataFrame(rows, columns=["clue", "value", "confidence", "n_images", "evidence"])


def _country_attributes(countries):
    table = world.load_countries() if countries is None else countries
    if not isinstance(table, pd.DataFrame) or not {"country", "name"} <= set(table.columns):
        raise InvalidParameterError(
            "The 'countries' parameter of rank_countries must be a DataFrame like "
            "vidlab.synth.world.load_countries() (columns country, name, ...)."
        )
    table = table.copy()
    if "script" not in table or "plug_type" not in table or "climate" not in table:
        full = world.load_countries().set_index("country")
        for column in ("script", "plug_type", "climate"):
            table[column] = table["country"].map(full[column])
    return table.reset_index(drop=True)


def _clue_values(clues):
    if isinstance(clues, pd.DataFrame):
        if not {"clue", "value"} <= set(clues.columns):
            raise InvalidParameterError(
                "The 'clues' parameter of rank_countries must be a series_clues() frame "
                f"(columns clue, value, confidence). Got columns {list(clues.columns)} instead."
            )
        confidence = clues["confidence"] if "confidence" in clues else 1.0
        frame = clues.assign(confidence=confidence)
        return {row.clue: (str(row.value), float(row.confidence))
                for row in frame.itertuples() if str(row.value) not in ("", "nan")}
    if isinstance(clues, dict):
        out = {}
        for clue, value in clues.items():
            if clue not in CLUES:
                raise InvalidParameterError(
                    f"The 'clues' parameter of rank_countries has an unknown clue {clue!r}: "
                    f"use {', '.join(CLUES)}."
                )
            value, confidence = value if isinstance(value, tuple) else (value, 1.0)
            if value not in (None, ""):
                out[clue] = (str(value), float(confidence))
        return out
    raise InvalidParameterError(
        "The 'clues' parameter of rank_countries must be a dict {clue: value} or a "
        f"series_clues() frame. Got {type(clues).__name__} instead."
    )


def rank_countries(clues, countries=None, reliability=None):
    """Rank the countries by the clues: a naive Bayes model with one likelihood per clue.

    For each clue with a value, a country that matches it gets likelihood ``r`` and one that
    does not ``(1 - r) / (k - 1)`` (``k`` possible values), where ``r`` is the clue's
    reliability (:data:`CLUE_RELIABILITY`, measured on held-out rooms) pulled towards chance
    by the clue's confidence. The prior is uniform over ``countries`` (default: the world's
    15). ``clues``: a :func:`series_clues` frame, or a dict ``{clue: value}`` or
    ``{clue: (value, confidence)}``.

    Returns ``country, name, score`` (log-likelihood), ``probability`` and ``evidence`` (the
    clues that match, or "no matching clue"), best first.

    >>> ranking = rank_countries({"script": "Cyrillic", "climate": "snowy"})
    >>> ranking.iloc[0][["country", "evidence"]].tolist()
    ['RU', 'script Cyrillic; climate snowy']
    """
    table = _country_attributes(countries)
    observed = _clue_values(clues)
    reliability = {**CLUE_RELIABILITY, **(reliability or {})}
    n_values = {"gs1_prefix": len(world.COUNTRIES), "plug_type": len(PLUG_TYPES),
                "script": len(SCRIPTS), "climate": len(CLIMATES)}
    score = np.zeros(len(table))
    evidence = [[] for _ in range(len(table))]
    for clue, (value, confidence) in observed.items():
        k = n_values[clue]
        r = 1.0 / k + (reliability[clue] - 1.0 / k) * float(np.clip(confidence, 0.0, 1.0))
        for i, row in enumerate(table.itertuples()):
            if clue == "gs1_prefix":
                match = gs1_country(value) == row.country
            else:
                match = getattr(row, clue) == value
            score[i] += np.log(r if match else (1.0 - r) / (k - 1))
            if match:
                evidence[i].append(f"{clue.replace('gs1_prefix', 'GS1 prefix')} {value}")
    probability = np.exp(score - score.max())
    probability /= probability.sum()
    out = pd.DataFrame({"country": table["country"], "name": table["name"],
                        "score": np.round(score, 4), "probability": np.round(probability, 4),
                        "evidence": ["; ".join(e) or "no matching clue" for e in evidence]})
    return out.sort_values(["score", "country"], ascending=[False, True],
                           ignore_index=True)


def evaluate_location_clues(results, truth):
    """Score series clues and country rankings against ground truth.

    ``results`` maps a series id to ``(clues, ranking)`` (:func:`series_clues`,
    :func:`rank_countries`); ``truth`` has one row per series id (column ``series_id``) with
    ``country`` and the true ``plug_type``, ``script``, ``climate`` and ``gs1_prefix`` (as in
    ``world_locations.csv`` joined to ``world_series.csv``).

    Returns a frame ``metric, value, n``: per clue the share of series where the clue was
    found (``<clue>_coverage``) and right when found (``<clue>_accuracy``), and the share of
    series whose true country is first (``top1``) or in the first three (``top3``).

    >>> clues = series_clues([world.barcode_image("4006381333931", module=2)])
    >>> truth = pd.DataFrame([{"series_id": "S1", "country": "DE", "plug_type": "F",
    ...     "script": "Latin", "climate": "temperate", "gs1_prefix": "400"}])
    >>> report = evaluate_location_clues({"S1": (clues, rank_countries(clues))}, truth)
    >>> report.set_index("metric").loc[["gs1_prefix_accuracy", "top1"], "value"].tolist()
    [1.0, 1.0]
    """
    if not isinstance(truth, pd.DataFrame) or "series_id" not in truth or "country" not in truth:
        raise InvalidParameterError(
            "The 'truth' parameter of evaluate_location_clues must be a DataFrame with columns "
            "series_id, country and the true clues."
        )
    truth = truth.set_index(truth["series_id"].astype(str))
    found = {clue: [] for clue in CLUES}
    top1, top3 = [], []
    for series_id, (clues, ranking) in results.items():
        if str(series_id) not in truth.index:
            raise InvalidParameterError(
                f"The series {series_id!r} of 'results' has no row in 'truth'."
            )
        true = truth.loc[str(series_id)]
        values = dict(zip(clues["clue"], clues["value"], strict=True))
        for clue in CLUES:
            value = str(values.get(clue, ""))
            if clue in true.index and value not in ("", "nan"):
                expected = str(true[clue]).zfill(3) if clue == "gs1_prefix" else str(true[clue])
                found[clue].append(value == expected)
        order = list(ranking["country"])
        top1.append(order[:1] == [true["country"]])
        top3.append(true["country"] in order[:3])
    n = len(results)
    rows = []
    for clue in CLUES:
        rows.append((f"{clue}_coverage", round(len(found[clue]) / n, 4) if n else 0.0, n))
        rows.append((f"{clue}_accuracy", round(float(np.mean(found[clue])), 4)
                     if found[clue] else 0.0, len(found[clue])))
    rows.append(("top1", round(float(np.mean(top1)), 4) if n else 0.0, n))
    rows.append(("top3", round(float(np.mean(top3)), 4) if n else 0.0, n))
    return pd.DataFrame(rows, columns=["metric", "value", "n"])


def plot_country_ranking(ranking, ax=None, top=8):
    """Bar chart of the ``top`` countries' probabilities, each labelled with its evidence.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = plot_country_ranking(rank_countries({"gs1_prefix": "460"}))
    >>> ax.get_title()
    'Candidate countries'
    """
    import matplotlib.pyplot as plt

    if not isinstance(ranking, pd.DataFrame) or not {"country", "probability",
                                                      "evidence"} <= set(ranking.columns):
        raise InvalidParameterError(
            "The 'ranking' parameter of plot_country_ranking must be a rank_countries() frame."
        )
    shown = ranking.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.5 * len(shown) + 1))
    labels = [f"{c} {n}" for c, n in zip(shown["country"], shown.get("name", shown["country"]),
                                         strict=True)]
    bars = ax.barh(labels, shown["probability"], color="#4a78a8")
    for bar, text in zip(bars, shown["evidence"], strict=True):
        ax.text(bar.get_width() + 0.01, bar.get_y() + bar.get_height() / 2, text,
                va="center", fontsize=8)
    ax.set_xlim(0, 1.45)
    ax.set_xlabel("probability")
    ax.set_title("Candidate countries")
    return ax
