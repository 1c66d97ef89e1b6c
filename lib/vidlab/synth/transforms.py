"""Re-shared variants of an image: the edits an image goes through as it is passed around.

Each transform in :data:`TRANSFORMS` is a pure function of (image, random generator) that
returns the edited image, its parameters (a JSON-serialisable dict, floats rounded, the
values actually applied) and the file format to save it in (``"jpeg"``, ``"png"`` or
``"webp"``). :func:`apply_chain` combines several (say, ``resize`` then ``jpeg_quality``) and
:func:`save_variant` writes the result with deterministic bytes.

========================  =====================================================================
transform                 what it does (ranges as drawn)
========================  =====================================================================
``resize``                scale both sides by 0.25-0.9 (Lanczos)
``jpeg_quality``          re-save as JPEG at quality 30-95
``crop``                  remove 2-20 % of the width and, independently, 2-20 % of the height,
                          split at random between the two opposite edges
``rotate``                rotate by 0.5-5 degrees either way, same size (``expand=False``);
                          the corners are filled with the mirrored image, not a flat colour
``mirror``                flip left to right
``rotate90``              rotate by 90, 180 or 270 degrees counter-clockwise
``brightness_contrast``   brightness factor 0.6-1.4, then contrast factor 0.6-1.4
``grayscale``             convert to one channel (mode ``"L"``)
``banner``                a coloured text bar at the top or bottom, laid over the image or
                          added to it (the image grows by the bar)
``watermark``             semi-transparent text (opacity 0.3-0.6) in a corner or the centre
``screenshot``            the image inside a phone-like app screen (status bar, app bar with
                          an invented app name, buttons drawn as shapes), saved as PNG
``png``                   the same pixels saved as PNG
``webp``                  the same pixels saved as lossy WebP at quality 50-90
``strip_metadata``        the same pixels, EXIF removed, saved as JPEG at quality 90
========================  =====================================================================

EXIF (``image.info["exif"]``) is carried through every transform and written by
:func:`save_variant`, except by ``strip_metadata`` and ``screenshot`` (a screenshot is a new
picture with none of the original's metadata). Text is drawn with matplotlib's DejaVu fonts
and Pillow's basic layout engine, so the pixels do not depend on the system's fonts.

>>> from PIL import Image
>>> image = Image.new("RGB", (200, 100), (90, 120, 150))
>>> variant, params, file_format = apply_transform(image, "resize", make_rng(0))
>>> params, file_format, variant.size
({'scale': 0.664, 'width': 133, 'height': 66}, 'jpeg', (133, 66))
"""

import functools
import io
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng

__all__ = [
    "DEFAULT_JPEG_QUALITY",
    "FILE_FORMATS",
    "FORMAT_EXTENSIONS",
    "STRIP_METADATA_QUALITY",
    "TRANSFORMS",
    "apply_chain",
    "apply_transform",
    "save_variant",
]

TRANSFORMS = (
    "resize",
    "jpeg_quality",
    "crop",
    "rotate",
    "mirror",
    "rotate90",
    "brightness_contrast",
    "grayscale",
    "banner",
    "watermark",
    "screenshot",
    "png",
    "webp",
    "strip_metadata",
)
FILE_FORMATS = ("jpeg", "png", "webp")
FORMAT_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "webp": ".webp"}

# Saving: a file saved without a quality in its params uses these. Everything that changes
# the encoded bytes is fixed here, so the same pixels always give the same file.
DEFAULT_JPEG_QUALITY = 85
DEFAULT_WEBP_QUALITY = 80
STRIP_METADATA_QUALITY = 90
PNG_COMPRESS_LEVEL = 6
WEBP_METHOD = 4
JPEG_SUBSAMPLING = "4:2:0"

# The ranges the transforms draw from (documented in the module docstring; tests check them).
RESIZE_SCALE = (0.25, 0.9)
JPEG_QUALITY = (30, 95)
CROP_FRACTION = (0.02, 0.20)
ROTATE_DEGREES = (0.5, 5.0)
BRIGHTNESS = (0.6, 1.4)
CONTRAST = (0.6, 1.4)
WATERMARK_OPACITY = (0.3, 0.6)
WEBP_QUALITY = (50, 90)
SCREENSHOT_TIME = "10:24"

# Invented names and captions (no real apps, brands or people).
APP_NAMES = ("Frambly", "Glimmet", "Tessalo", "Olvinary", "Brimwick", "Quenloop", "Pextavo")
BANNER_TEXTS = (
    "shared {n} times",
    "look at this room",
    "found this in a group",
    "forwarded many times",
    "saved from {app}",
    "via {app}",
    "repost #{n}",
)
WATERMARK_TEXTS = ("{app}", "@{handle}", "(c) {app} {n}", "{app} / {handle}")
HANDLE_PARTS = ("blue", "cedar", "orbit", "pixel", "moss", "delta", "harbor", "quartz", "lumen")
BANNER_COLOURS = ((200, 30, 40), (20, 20, 20), (250, 250, 250), (30, 90, 200), (250, 200, 20))

# Transforms that decide the saved file format; the others save as JPEG at the default quality.
_FORMAT_STEPS = {"jpeg_quality": "jpeg", "png": "png", "webp": "webp",
                 "strip_metadata": "jpeg", "screenshot": "png"}


# --- helpers ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _font_path(bold):
    from matplotlib import font_manager

    properties = font_manager.FontProperties(family="DejaVu Sans",
                                             weight="bold" if bold else "normal")
    return font_manager.findfont(properties, fallback_to_default=True)


@functools.lru_cache(maxsize=128)
def _font(size, bold=False):
    return ImageFont.truetype(_font_path(bold), max(6, int(size)),
                              layout_engine=ImageFont.Layout.BASIC)


def _fit_font(draw, text, size, max_width, bold=False):
    """The largest font not above ``size`` in which ``text`` fits ``max_width`` pixels."""
    size = max(6, int(size))
    while size > 6 and draw.textlength(text, font=_font(size, bold)) > max_width:
        size -= 1
    return _font(size, bold)


def _uniform(rng, low, high, digits=3):
    return round(float(rng.uniform(low, high)), digits)


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _rgb(image):
    return image if image.mode == "RGB" else image.convert("RGB")


def _plain(image):
    """``image`` as RGB or L (the two modes every transform accepts)."""
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def _invented_text(rng, templates):
    handle = f"{_pick(rng, HANDLE_PARTS)}_{_pick(rng, HANDLE_PARTS)}{int(rng.integers(10, 99))}"
    return _pick(rng, templates).format(app=_pick(rng, APP_NAMES), handle=handle,
                                        n=int(rng.integers(2, 999)))


def _check_image(image):
    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            f"The 'image' parameter must be a PIL.Image.Image. Got {type(image).__name__} instead."
        )
    if image.width < 1 or image.height < 1:
        raise InvalidParameterError(
            f"The 'image' parameter must have at least one pixel. Got {image.width}x{image.height}."
        )


def _check_name(name):
    if not isinstance(name, str) or name not in TRANSFORMS:
        raise InvalidParameterError(
            f"The 'name' parameter must be one of {', '.join(TRANSFORMS)}. Got {name!r} instead."
        )


# --- the transforms: (image in RGB or L, rng) -> (image, params, file format) ----------------


def _resize(image, rng):
    scale = _uniform(rng, *RESIZE_SCALE)
    width, height = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    resized = image.resize((width, height), Image.Resampling.LANCZOS)
    return resized, {"scale": scale, "width": width, "height": height}, "jpeg"


def _jpeg_quality(image, rng):
    return image, {"quality": int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1))}, "jpeg"


def _crop(image, rng):
    fraction_x, fraction_y = _uniform(rng, *CROP_FRACTION), _uniform(rng, *CROP_FRACTION)
    cut_x = min(image.width - 1, max(1, round(image.width * fraction_x)))
    cut_y = min(image.height - 1, max(1, round(image.height * fraction_y)))
    left = int(rng.integers(0, cut_x + 1))
    top = int(rng.integers(0, cut_y + 1))
    box = [left, top, left + image.width - cut_x, top + image.height - cut_y]
    params = {"fraction_x": fraction_x, "fraction_y": fraction_y, "box": box}
    return image.crop(tuple(box)), params, "jpeg"


def _rotate(image, rng):
    angle = _uniform(rng, *ROTATE_DEGREES, digits=2) * (1 if rng.random() < 0.5 else -1)
    # Pad with the mirrored image, rotate, cut the original size back out of the middle: the
    # corners show plausible continuation of the picture instead of flat triangles.
    pad = math.ceil(max(image.size) * math.sin(math.radians(abs(angle)))) + 2
    pixels = np.asarray(image)
    widths = ((pad, pad), (pad, pad)) + (((0, 0),) if pixels.ndim == 3 else ())
    padded = Image.fromarray(np.pad(pixels, widths, mode="symmetric"), image.mode)
    rotated = padded.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
    out = rotated.crop((pad, pad, pad + image.width, pad + image.height))
    return out, {"angle": angle, "fill": "mirror"}, "jpeg"


def _mirror(image, rng):
    return image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), {"flip": "left-right"}, "jpeg"


_ROTATIONS = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
              270: Image.Transpose.ROTATE_270}


def _rotate90(image, rng):
    angle = _pick(rng, (90, 180, 270))
    return image.transpose(_ROTATIONS[angle]), {"angle": angle}, "jpeg"


def _brightness_contrast(image, rng):
    brightness, contrast = _uniform(rng, *BRIGHTNESS), _uniform(rng, *CONTRAST)
    out = ImageEnhance.Contrast(ImageEnhance.Brightness(image).enhance(brightness))
    return out.enhance(contrast), {"brightness": brightness, "contrast": contrast}, "jpeg"


def _grayscale(image, rng):
    return image.convert("L"), {"mode": "L"}, "jpeg"


def _banner(image, rng):
    image = _rgb(image)
    position = _pick(rng, ("top", "bottom"))
    placement = _pick(rng, ("overlay", "extend"))
    bar = max(12, round(image.height * _uniform(rng, 0.08, 0.15)))
    colour = _pick(rng, BANNER_COLOURS)
    text = _invented_text(rng, BANNER_TEXTS)
    text_colour = (255, 255, 255) if sum(colour) < 450 else (0, 0, 0)
    if placement == "extend":
        out = Image.new("RGB", (image.width, image.height + bar), colour)
        out.paste(image, (0, bar if position == "top" else 0))
    else:
        out = image.copy()
    y0 = 0 if position == "top" else out.height - bar
    draw = ImageDraw.Draw(out)
    draw.rectangle([0, y0, out.width, y0 + bar - 1], fill=colour)
    font = _fit_font(draw, text, bar * 0.6, out.width * 0.9, bold=True)
    draw.text((out.width / 2, y0 + bar / 2), text, fill=text_colour, font=font, anchor="mm")
    params = {"position": position, "placement": placement, "height": bar,
              "colour": list(colour), "text": text}
    return out, params, "jpeg"


_WATERMARK_POSITIONS = ("top-left", "top-right", "bottom-left", "bottom-right", "center")


def _watermark(image, rng):
    image = _rgb(image)
    text = _invented_text(rng, WATERMARK_TEXTS)
    position = _pick(rng, _WATERMARK_POSITIONS)
    opacity = _uniform(rng, *WATERMARK_OPACITY, digits=2)
    shade = _pick(rng, ("white", "black"))
    size = max(8, round(min(image.size) * _uniform(rng, 0.05, 0.1)))
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _fit_font(draw, text, size, image.width * 0.8, bold=True)
    margin = max(2, round(min(image.size) * 0.03))
    vertical, _, horizontal = position.partition("-")
    x = {"left": margin, "right": image.width - margin}.get(horizontal, image.width / 2)
    y = {"top": margin, "bottom": image.height - margin}.get(vertical, image.height / 2)
    anchor = ({"left": "l", "right": "r"}.get(horizontal, "m")
              + {"top": "t", "bottom": "b"}.get(vertical, "m"))
    value = 255 if shade == "white" else 0
    draw.text((x, y), text, fill=(value, value, value, round(255 * opacity)), font=font,
              anchor=anchor)
    out = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    params = {"text": text, "position": position, "opacity": opacity, "shade": shade,
              "font_size": font.size}
    return out, params, "jpeg"


_THEMES = {  # background, bars, text, accent
    "light": ((245, 245, 247), (255, 255, 255), (20, 20, 24), (40, 110, 230)),
    "dark": ((0, 0, 0), (28, 28, 32), (235, 235, 240), (120, 170, 255)),
}


def _screenshot(image, rng):
    image = _rgb(image)
    width = _pick(rng, (360, 412, 540))
    height = round(width * _pick(rng, (16 / 9, 19.5 / 9)))
    theme = _pick(rng, tuple(_THEMES))
    app = _pick(rng, APP_NAMES)
    battery = int(rng.integers(10, 101))
    background, bars, ink, accent = _THEMES[theme]
    unit = width / 360  # layout in points of a 360-wide screen
    status, top, actions, nav = (round(v * unit) for v in (24, 48, 44, 48))
    screen = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(screen)

    # Status bar: the time, signal bars and a battery.
    draw.rectangle([0, 0, width, status - 1], fill=bars)
    draw.text((12 * unit, status / 2), SCREENSHOT_TIME, fill=ink, font=_font(13 * unit, True),
              anchor="lm")
    for i in range(4):
        x = width - 70 * unit + i * 5 * unit
        draw.rectangle([x, status * (0.7 - 0.1 * i), x + 3 * unit, status * 0.75], fill=ink)
    bx0, by0, bx1, by1 = width - 38 * unit, status * 0.3, width - 14 * unit, status * 0.72
    draw.rectangle([bx0, by0, bx1, by1], outline=ink, width=max(1, round(unit)))
    draw.rectangle([bx1, by0 + 3 * unit, bx1 + 2 * unit, by1 - 3 * unit], fill=ink)
    draw.rectangle([bx0 + 2 * unit, by0 + 2 * unit,
                    bx0 + 2 * unit + (bx1 - bx0 - 4 * unit) * battery / 100, by1 - 2 * unit],
                   fill=ink)

    # App bar: a back arrow, the app's name, a menu of three dots.
    y0, y1 = status, status + top
    draw.rectangle([0, y0, width, y1 - 1], fill=bars)
    mid = (y0 + y1) / 2
    draw.polygon([(14 * unit, mid), (26 * unit, mid - 9 * unit), (26 * unit, mid + 9 * unit)],
                 fill=ink)
    draw.line([(20 * unit, mid), (36 * unit, mid)], fill=ink, width=max(2, round(3 * unit)))
    draw.text((52 * unit, mid), app, fill=ink, font=_font(18 * unit, True), anchor="lm")
    for i in (-1, 0, 1):
        cy, r = mid + i * 7 * unit, 2.2 * unit
        draw.ellipse([width - 20 * unit - r, cy - r, width - 20 * unit + r, cy + r], fill=ink)

    # The picture, letterboxed into the content area.
    area_top, area_bottom = y1, height - nav - actions
    area_w, area_h = width, area_bottom - area_top
    scale = min(area_w / image.width, area_h / image.height)
    fit_w, fit_h = max(1, round(image.width * scale)), max(1, round(image.height * scale))
    left, top_y = (area_w - fit_w) // 2, area_top + (area_h - fit_h) // 2
    screen.paste(image.resize((fit_w, fit_h), Image.Resampling.LANCZOS), (left, top_y))

    # Action row (like, comment, share, save) and the navigation bar, all plain shapes.
    ay = area_bottom + actions / 2
    r = 9 * unit
    x = 24 * unit
    draw.ellipse([x - r, ay - r, x + r, ay + r], outline=accent, width=max(2, round(2 * unit)))
    x += 44 * unit
    draw.rounded_rectangle([x - r, ay - r * 0.8, x + r, ay + r * 0.6], radius=4 * unit,
                           outline=ink, width=max(2, round(2 * unit)))
    draw.polygon([(x - r * 0.4, ay + r * 0.6), (x - r * 0.6, ay + r), (x, ay + r * 0.6)],
                 fill=ink)
    x += 44 * unit
    draw.polygon([(x - r, ay - r * 0.2), (x + r, ay - r), (x + r * 0.3, ay + r)], outline=ink,
                 width=max(2, round(2 * unit)))
    x = width - 24 * unit
    draw.polygon([(x - r * 0.7, ay - r), (x + r * 0.7, ay - r), (x + r * 0.7, ay + r),
                  (x, ay + r * 0.4), (x - r * 0.7, ay + r)], outline=ink,
                 width=max(2, round(2 * unit)))
    ny0 = height - nav
    draw.rectangle([0, ny0, width, height], fill=bars)
    ny = ny0 + nav / 2
    s = 8 * unit
    draw.polygon([(width * 0.25 - s, ny), (width * 0.25 + s, ny - s), (width * 0.25 + s, ny + s)],
                 outline=ink, width=max(1, round(2 * unit)))
    draw.ellipse([width / 2 - s, ny - s, width / 2 + s, ny + s], outline=ink,
                 width=max(1, round(2 * unit)))
    draw.rectangle([width * 0.75 - s, ny - s, width * 0.75 + s, ny + s], outline=ink,
                   width=max(1, round(2 * unit)))
    params = {"app": app, "theme": theme, "screen_size": [width, height],
              "image_box": [left, top_y, left + fit_w, top_y + fit_h], "time": SCREENSHOT_TIME,
              "battery": battery}
    return screen, params, "png"


def _png(image, rng):
    return image.copy(), {"compress_level": PNG_COMPRESS_LEVEL}, "png"


def _webp(image, rng):
    quality = int(rng.integers(WEBP_QUALITY[0], WEBP_QUALITY[1] + 1))
    return image.copy(), {"quality": quality}, "webp"


def _strip_metadata(image, rng):
    out = image.copy()
    out.info = {}
    return out, {"quality": STRIP_METADATA_QUALITY, "exif": "removed"}, "jpeg"


_FUNCTIONS = {
    "resize": _resize,
    "jpeg_quality": _jpeg_quality,
    "crop": _crop,
    "rotate": _rotate,
    "mirror": _mirror,
    "rotate90": _rotate90,
    "brightness_contrast": _brightness_contrast,
    "grayscale": _grayscale,
    "banner": _banner,
    "watermark": _watermark,
    "screenshot": _screenshot,
    "png": _png,
    "webp": _webp,
    "strip_metadata": _strip_metadata,
}


# --- public API ------------------------------------------------------------------------------


def apply_transform(image, name, rng):
    """Apply the transform ``name`` to ``image``; return ``(image, params, file_format)``.

    ``rng`` is a :class:`numpy.random.Generator` (or a seed for :func:`vidlab.seed.make_rng`).
    ``params`` is a JSON-serialisable dict of the values applied (floats rounded; the rounded
    value is the one used). ``file_format`` is ``"jpeg"``, ``"png"`` or ``"webp"``: pass both
    to :func:`save_variant`. The input image is not modified. See the module docstring for
    each transform's range.

    >>> from PIL import Image
    >>> image = Image.new("RGB", (120, 80), (200, 180, 40))
    >>> apply_transform(image, "rotate90", make_rng(1))[1:]
    ({'angle': 180}, 'jpeg')
    >>> apply_transform(image, "blur", make_rng(1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'name' parameter must be one of resize, ...
    """
    _check_image(image)
    _check_name(name)
    rng = make_rng(rng)
    source = _plain(image)
    out, params, file_format = _FUNCTIONS[name](source, rng)
    exif = image.info.get("exif")
    out.info = {}
    if exif and name not in ("strip_metadata", "screenshot"):
        out.info["exif"] = exif
    return out, params, file_format


def apply_chain(image, names, rng):
    """Apply the transforms ``names`` in order; return ``(image, params, file_format)``.

    ``params`` is ``{"transforms": [...], "steps": [params of each step, in order]}`` plus
    ``"quality"`` when the file format was set by a step with a quality. The file is saved in
    the format of the last step that sets one (``jpeg_quality``, ``png``, ``webp``,
    ``strip_metadata``, ``screenshot``), else as JPEG at the default quality. A lossy format
    step followed by other steps is applied to the pixels at once (encoded and decoded in
    memory), so its artefacts survive the later steps.

    >>> from PIL import Image
    >>> image = Image.new("RGB", (200, 100), (90, 120, 150))
    >>> variant, params, file_format = apply_chain(image, ["resize", "jpeg_quality"], make_rng(0))
    >>> params["transforms"], params["steps"][1], params["quality"], file_format, variant.size
    (['resize', 'jpeg_quality'], {'quality': 63}, 63, 'jpeg', (133, 66))
    """
    if isinstance(names, str):
        raise InvalidParameterError(
            f"The 'names' parameter must be a list of transform names. Got the string {names!r}; "
            f"use apply_transform for one transform or pass [{names!r}]."
        )
    names = list(names)
    for name in names:
        _check_name(name)
    _check_image(image)
    rng = make_rng(rng)
    out = image
    steps = []
    file_format, quality = "jpeg", None
    for index, name in enumerate(names):
        out, params, step_format = apply_transform(out, name, rng)
        steps.append(params)
        if name in _FORMAT_STEPS:
            file_format, quality = step_format, params.get("quality")
            if index < len(names) - 1 and step_format != "png":
                out = _roundtrip(out, step_format, params)
    if not names:
        out = _plain(image).copy()
    combined = {"transforms": names, "steps": steps}
    if quality is not None:
        combined["quality"] = quality
    return out, combined, file_format


def _roundtrip(image, file_format, params):
    buffer = io.BytesIO()
    _save(image, buffer, file_format, params)
    decoded = Image.open(io.BytesIO(buffer.getvalue()))
    decoded.load()
    exif = image.info.get("exif")
    decoded.info = {"exif": exif} if exif else {}
    return decoded


def _save(image, target, file_format, params):
    image = _plain(image)
    options = {}
    exif = image.info.get("exif")
    if exif:
        options["exif"] = exif
    if file_format == "jpeg":
        quality = params.get("quality", DEFAULT_JPEG_QUALITY)
        image.save(target, "JPEG", quality=int(quality), optimize=False, progressive=False,
                   subsampling=JPEG_SUBSAMPLING, **options)
    elif file_format == "png":
        level = params.get("compress_level", PNG_COMPRESS_LEVEL)
        image.save(target, "PNG", compress_level=int(level), optimize=False, **options)
    else:
        quality = params.get("quality", DEFAULT_WEBP_QUALITY)
        image.save(target, "WEBP", quality=int(quality), method=WEBP_METHOD, lossless=False,
                   exact=False, **options)


def save_variant(image, path, file_format, params=None):
    """Save ``image`` to ``path`` as ``file_format`` with deterministic bytes; return the Path.

    JPEG: quality ``params["quality"]`` (default 85), 4:2:0 chroma subsampling, baseline, no
    optimisation. PNG: ``params["compress_level"]`` (default 6), no optimisation. WebP: lossy,
    quality ``params["quality"]`` (default 80), method 4. EXIF in ``image.info`` is written;
    nothing else (no ICC profile, no timestamps). The parent folder must exist.

    >>> import tempfile
    >>> from PIL import Image
    >>> folder = Path(tempfile.mkdtemp())
    >>> image = Image.new("RGB", (64, 48), (10, 200, 30))
    >>> path = save_variant(image, folder / "v.jpg", "jpeg", {"quality": 70})
    >>> path.name, Image.open(path).format
    ('v.jpg', 'JPEG')
    >>> save_variant(image, folder / "v.gif", "gif")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'file_format' parameter must be one of jpeg, ...
    """
    _check_image(image)
    key = str(file_format).lower()
    if key not in FILE_FORMATS:
        raise InvalidParameterError(
            f"The 'file_format' parameter must be one of {', '.join(FILE_FORMATS)}. "
            f"Got {file_format!r} instead."
        )
    if params is not None and not isinstance(params, dict):
        raise InvalidParameterError(
            f"The 'params' parameter must be a dict or None. Got {type(params).__name__} instead."
        )
    path = Path(path)
    buffer = io.BytesIO()
    _save(image, buffer, key, params or {})
    path.write_bytes(buffer.getvalue())
    return path
