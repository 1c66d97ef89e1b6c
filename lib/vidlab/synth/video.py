"""Short synthetic video clips: a camera panning or zooming across a still image of a room.

:func:`make_clip` writes an MP4 (H.264 with ``libx264`` when PyAV's ffmpeg has it, else
MPEG-4 Part 2) from one still image, optionally with an overlay (a channel ``"logo"`` in a
corner or a text ``"banner"`` along the bottom) and optionally re-encoded smaller and at a
lower quality, as a clip is when it is shared again.

The bytes are a function of (image, parameters, rng): RGB is converted to YUV 4:2:0 with
integer arithmetic in NumPy (not by swscale, whose SIMD paths may differ between CPUs), the
encoder runs single-threaded with fixed options and ``+bitexact``, and the MP4 muxer writes
no encoder version and no metadata (``fflags=+bitexact``, empty metadata) except, when asked,
a container ``creation_time`` (:func:`make_clip`'s ``creation_time``, as a device writes it).

>>> import tempfile
>>> from pathlib import Path
>>> from PIL import Image
>>> from vidlab.seed import make_rng
>>> room = Image.new("RGB", (480, 320), (170, 150, 120))
>>> path = Path(tempfile.mkdtemp()) / "clip.mp4"
>>> params = make_clip(room, path, make_rng(0), seconds=1.0, fps=5, size=(160, 96))
>>> params["n_frames"], params["size"], params["motion"], path.stat().st_size > 0
(5, [160, 96], 'pan', True)
"""

import io
import re
from fractions import Fraction
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng

__all__ = [
    "DEFAULT_CRF",
    "REENCODE_CRF",
    "REENCODE_SCALE",
    "VIDEO_MOTIONS",
    "VIDEO_OVERLAYS",
    "clip_codec",
    "make_clip",
]

VIDEO_MOTIONS = ("pan", "zoom")
VIDEO_OVERLAYS = ("logo", "banner")

DEFAULT_CRF = 23  # x264 constant rate factor of the first encoding
REENCODE_CRF = 33  # ... and of the re-encoding (higher = lower quality, smaller file)
REENCODE_SCALE = 0.5  # the re-encoded clip's frame size, relative to the first
X264_PRESET = "veryfast"
# MPEG-4 Part 2 fallback: a fixed quantiser (2 best .. 31 worst) for each CRF above.
MPEG4_QSCALE = {DEFAULT_CRF: 4, REENCODE_CRF: 12}

MAX_SECONDS = 120.0
# what devices write (and ffmpeg reads back) as an MP4's creation_time
CREATION_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
MAX_FPS = 60

# Invented channel names for the overlays (no real broadcasters, apps or people).
CHANNEL_NAMES = ("ZUNDO TV", "KESTRA 24", "VELLUM CAM", "ORBITAL 9", "TANNERY LIVE", "QUILLET")
BANNER_TEXTS = ("BREAKING: room tour", "shared from a group", "watch to the end",
                "forwarded many times", "new upload", "clip {n} of {m}")
OVERLAY_COLOURS = ((200, 30, 40), (30, 90, 200), (20, 20, 20), (240, 180, 20), (30, 140, 80))


def clip_codec():
    """The video encoder :func:`make_clip` uses: ``"libx264"`` if available, else ``"mpeg4"``.

    >>> clip_codec() in ("libx264", "mpeg4")
    True
    """
    import av

    try:
        av.Codec("libx264", "w")
    except Exception:  # noqa: BLE001  (PyAV raises different errors across versions)
        return "mpeg4"
    return "libx264"


# --- validation ------------------------------------------------------------------------------


def _check(image, seconds, fps, size, motion, overlay, reencode, creation_time=None):
    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            f"The 'image' parameter must be a PIL.Image.Image. Got {type(image).__name__} instead."
        )
    if image.width < 16 or image.height < 16:
        raise InvalidParameterError(
            f"The 'image' parameter must be at least 16x16 pixels. "
            f"Got {image.width}x{image.height}."
        )
    if (isinstance(seconds, bool) or not isinstance(seconds, int | float)
            or not 0 < seconds <= MAX_SECONDS):
        raise InvalidParameterError(
            f"The 'seconds' parameter must be a number in (0, {MAX_SECONDS:g}]. "
            f"Got {seconds!r} instead."
        )
    if isinstance(fps, bool) or not isinstance(fps, int | np.integer) or not 1 <= fps <= MAX_FPS:
        raise InvalidParameterError(
            f"The 'fps' parameter must be an int in [1, {MAX_FPS}]. Got {fps!r} instead."
        )
    try:
        width, height = (int(v) for v in size)
        good = (width, height) == tuple(size) and all(
            16 <= v <= 4096 and v % 16 == 0 for v in (width, height))
    except (TypeError, ValueError):
        good = False
    if not good:
        raise InvalidParameterError(
            "The 'size' parameter must be (width, height), two multiples of 16 in [16, 4096] "
            "(libx264 reads uninitialised memory below a picture of any other height, and the "
            "bytes would change from run to run). "
            f"Got {size!r} instead."
        )
    if motion not in VIDEO_MOTIONS:
        raise InvalidParameterError(
            f"The 'motion' parameter must be one of {', '.join(VIDEO_MOTIONS)}. "
            f"Got {motion!r} instead."
        )
    if overlay is not None and overlay not in VIDEO_OVERLAYS:
        raise InvalidParameterError(
            f"The 'overlay' parameter must be None or one of {', '.join(VIDEO_OVERLAYS)}. "
            f"Got {overlay!r} instead."
        )
    if not isinstance(reencode, bool | np.bool_):
        raise InvalidParameterError(
            f"The 'reencode' parameter must be a bool. Got {reencode!r} instead."
        )
    if creation_time is not None and (not isinstance(creation_time, str)
                                      or not CREATION_TIME.match(creation_time)):
        raise InvalidParameterError(
            "The 'creation_time' parameter must be None or a string like "
            f"'2021-03-04T10:11:12.000000Z'. Got {creation_time!r} instead."
        )
    return width, height


# --- camera motion ---------------------------------------------------------------------------


def _largest_window(image_size, aspect):
    width, height = image_size
    if width / height > aspect:
        return height * aspect, float(height)
    return float(width), width / aspect


def _box(x, y, w, h):
    return [round(x, 1), round(y, 1), round(x + w, 1), round(y + h, 1)]


def _motion_params(image_size, size, motion, rng):
    """Start and end crop boxes ``[left, top, right, bottom]`` in image pixels."""
    image_w, image_h = image_size
    full_w, full_h = _largest_window(image_size, size[0] / size[1])
    if motion == "pan":
        scale = round(float(rng.uniform(0.6, 0.85)), 3)
        w, h = full_w * scale, full_h * scale
        room_x, room_y = image_w - w, image_h - h
        axis = "horizontal" if room_x >= room_y else "vertical"
        start, end = float(rng.uniform(0.0, 0.25)), float(rng.uniform(0.75, 1.0))
        if rng.random() < 0.5:
            start, end = end, start
        across = float(rng.uniform(0.3, 0.7))
        if axis == "horizontal":
            boxes = [_box(u * room_x, across * room_y, w, h) for u in (start, end)]
        else:
            boxes = [_box(across * room_x, u * room_y, w, h) for u in (start, end)]
        details = {"axis": axis, "scale": scale}
    else:
        zoom = round(float(rng.uniform(1.3, 2.0)), 3)
        direction = "in" if rng.random() < 0.5 else "out"
        w, h = full_w / zoom, full_h / zoom
        u, v = float(rng.uniform(0.2, 0.8)), float(rng.uniform(0.2, 0.8))
        wide = _box((image_w - full_w) / 2, (image_h - full_h) / 2, full_w, full_h)
        close = _box(u * (image_w - w), v * (image_h - h), w, h)
        boxes = [wide, close] if direction == "in" else [close, wide]
        details = {"direction": direction, "zoom": zoom}
    return {"start_box": boxes[0], "end_box": boxes[1], **details}


def _frames(image, size, n_frames, motion):
    start, end = np.array(motion["start_box"]), np.array(motion["end_box"])
    for index in range(n_frames):
        t = index / (n_frames - 1) if n_frames > 1 else 0.0
        t = t * t * (3 - 2 * t)  # ease in and out, as a camera operator would
        box = tuple(float(v) for v in start + (end - start) * t)
        yield image.resize(size, Image.Resampling.BILINEAR, box=box)


# --- overlays --------------------------------------------------------------------------------


def _font(size, bold=True):
    from vidlab.synth.transforms import _font as font

    return font(size, bold)


def _overlay_layer(size, overlay, rng):
    """An RGBA layer the size of a frame, and the overlay's parameters."""
    width, height = size
    layer = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    colour = OVERLAY_COLOURS[int(rng.integers(len(OVERLAY_COLOURS)))]
    margin = max(2, round(height * 0.04))
    if overlay == "logo":
        corner = ("top-left", "top-right", "bottom-left", "bottom-right")[int(rng.integers(4))]
        text = CHANNEL_NAMES[int(rng.integers(len(CHANNEL_NAMES)))]
        diameter = max(8, round(height * 0.16))
        font = _font(max(6, round(diameter * 0.45)))
        text_w = round(draw.textlength(text, font=font))
        box_w, box_h = diameter + margin // 2 + text_w, diameter
        left = margin if corner.endswith("left") else width - margin - box_w
        top = margin if corner.startswith("top") else height - margin - box_h
        # The emblem: a ring with a diamond inside, then the name beside it.
        draw.ellipse([left, top, left + diameter, top + diameter], fill=(*colour, 220),
                     outline=(255, 255, 255, 230), width=max(1, diameter // 10))
        r = diameter / 2
        cx, cy = left + r, top + r
        draw.polygon([(cx, cy - r * 0.55), (cx + r * 0.4, cy), (cx, cy + r * 0.55),
                      (cx - r * 0.4, cy)], fill=(255, 255, 255, 230))
        draw.text((left + diameter + margin // 2, top + r), text, font=font, anchor="lm",
                  fill=(255, 255, 255, 220), stroke_width=1, stroke_fill=(0, 0, 0, 200))
        params = {"corner": corner, "text": text, "colour": list(colour),
                  "box": [left, top, left + box_w, top + box_h]}
    else:
        n = int(rng.integers(2, 9))
        template = BANNER_TEXTS[int(rng.integers(len(BANNER_TEXTS)))]
        text = template.format(n=n - 1, m=n)
        bar = max(10, round(height * 0.14))
        top = height - margin - bar
        draw.rectangle([0, top, width, top + bar], fill=(*colour, 235))
        font = _font(max(6, round(bar * 0.55)))
        while font.size > 6 and draw.textlength(text, font=font) > width - 2 * margin:
            font = _font(font.size - 1)
        draw.text((margin, top + bar / 2), text, font=font, anchor="lm",
                  fill=(255, 255, 255, 255))
        params = {"position": "bottom", "text": text, "colour": list(colour),
                  "box": [0, top, width, top + bar]}
    return layer, params


# --- encoding --------------------------------------------------------------------------------


def _rgb_to_yuv420(rgb):
    """BT.601 limited-range YUV 4:2:0 planes, stacked as ffmpeg's ``yuv420p`` array."""
    pixels = np.asarray(rgb, dtype=np.int32)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    y = ((66 * r + 129 * g + 25 * b + 128) >> 8) + 16
    u = ((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128
    v = ((112 * r - 94 * g - 18 * b + 128) >> 8) + 128
    height, width = y.shape

    def half(plane):
        total = plane[0::2, 0::2] + plane[1::2, 0::2] + plane[0::2, 1::2] + plane[1::2, 1::2]
        return (total + 2) >> 2

    u, v = half(u), half(v)
    stacked = np.concatenate([y.reshape(-1), u.reshape(-1), v.reshape(-1)])
    return stacked.astype(np.uint8).reshape(height * 3 // 2, width)


def _resize_yuv420(planes, size):
    """Resize a ``yuv420p`` array plane by plane with Pillow (deterministic)."""
    height = planes.shape[0] * 2 // 3
    width = planes.shape[1]
    flat = planes.reshape(-1)
    luma = flat[: width * height].reshape(height, width)
    cw, ch = width // 2, height // 2
    cb = flat[width * height: width * height + cw * ch].reshape(ch, cw)
    cr = flat[width * height + cw * ch:].reshape(ch, cw)
    out_w, out_h = size

    def scaled(plane, w, h):
        return np.asarray(Image.fromarray(plane).resize((w, h), Image.Resampling.BILINEAR))

    parts = [scaled(luma, out_w, out_h), scaled(cb, out_w // 2, out_h // 2),
             scaled(cr, out_w // 2, out_h // 2)]
    return np.concatenate([p.reshape(-1) for p in parts]).reshape(out_h * 3 // 2, out_w)


def _encode(target, yuv_frames, size, fps, codec, crf, creation_time=None):
    """Encode ``yuv420p`` arrays to an MP4 written to ``target`` (a path or a binary file)."""
    import av

    options = {"flags": "+bitexact", "threads": "1"}
    if codec == "libx264":
        options.update(crf=str(crf), preset=X264_PRESET)
    container = av.open(target, "w", format="mp4", options={"fflags": "+bitexact"})
    try:
        container.metadata.clear()
        if creation_time is not None:
            container.metadata["creation_time"] = creation_time
        stream = container.add_stream(codec, rate=fps, options=options)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.codec_context.thread_count = 1
        stream.codec_context.time_base = Fraction(1, fps)
        if codec == "mpeg4":  # a constant quantiser (PyAV cannot set a frame's quality)
            stream.codec_context.qmin = stream.codec_context.qmax = MPEG4_QSCALE[crf]
        stream.metadata.clear()
        n_frames = 0
        for index, planes in enumerate(yuv_frames):
            frame = av.VideoFrame.from_ndarray(planes, format="yuv420p")
            frame.pts = index
            frame.time_base = Fraction(1, fps)
            container.mux(stream.encode(frame))
            n_frames += 1
        container.mux(stream.encode(None))
    finally:
        container.close()
    return n_frames


def _decode_yuv(source):
    """The ``yuv420p`` arrays of every frame of the MP4 in ``source``."""
    import av

    with av.open(source, "r") as container:
        for frame in container.decode(video=0):
            if frame.format.name != "yuv420p":  # pragma: no cover  (we only encode yuv420p)
                frame = frame.reformat(format="yuv420p")
            yield frame.to_ndarray()


def _multiple_of_16(value):
    return max(16, round(value / 16) * 16)


def make_clip(image, path, rng, seconds=4.0, fps=10, size=(640, 352), motion="pan",
              overlay=None, reencode=False, creation_time=None):
    """Write a short MP4 to ``path`` that pans or zooms across ``image``; return its params.

    Parameters
    ----------
    image : PIL.Image.Image
        The still (a room) the camera moves across; any size of at least 16x16.
    path : str or Path
        Where the ``.mp4`` is written (the parent folder must exist).
    rng : numpy.random.Generator or int
        Decides the camera path and the overlay's position, text and colour.
    seconds, fps : float, int
        The clip has ``round(seconds * fps)`` frames (at least one).
    size : (int, int)
        Frame width and height, even numbers (H.264 with 4:2:0 chroma needs them).
    motion : {"pan", "zoom"}
        A pan moves a fixed window (60-85 % of the largest one) from one side to the other;
        a zoom goes between the largest window and one 1.3-2x closer, in or out.
    overlay : None, "logo" or "banner"
        A semi-transparent channel emblem with an invented name in a corner, or a coloured
        text bar along the bottom, burnt into every frame.
    reencode : bool
        Decode the first encoding and encode it again at half the size and a lower quality
        (CRF 33 instead of 23), as a clip is when it is shared on.
    creation_time : str or None
        The container's ``creation_time`` as devices write it, ``"YYYY-MM-DDTHH:MM:SS.000000Z"``
        (whole seconds; MP4 claims UTC, some devices write local time); None writes none.

    Returns
    -------
    dict
        ``motion``, ``overlay``, ``reencoded``, ``seconds`` (the clip's duration,
        ``n_frames / fps``), ``fps``, ``size`` (of the frames in the file, halved when
        re-encoded), ``codec``, ``n_frames``, ``crf``, plus ``camera`` (the start and end boxes
        in image pixels, and the axis and scale of a pan or the direction and factor of a zoom),
        ``overlay_params`` (``box`` in the file's frame pixels, ``text``, ``colour``, the logo's
        ``corner``; None without an overlay) and ``first_encoding`` (``size``, ``crf`` and
        ``overlay_box`` before re-encoding; None when not re-encoded) and ``creation_time``
        (as given). JSON-serialisable.

    Examples
    --------
    >>> import tempfile
    >>> from PIL import Image
    >>> room = Image.new("RGB", (320, 240), (120, 140, 160))
    >>> folder = Path(tempfile.mkdtemp())
    >>> info = make_clip(room, folder / "a.mp4", 7, seconds=1.0, fps=4, size=(128, 64),
    ...                  motion="zoom", overlay="logo", reencode=True)
    >>> info["size"], info["first_encoding"]["size"], info["n_frames"], info["overlay"]
    ([64, 32], [128, 64], 4, 'logo')
    """
    width, height = _check(image, seconds, fps, size, motion, overlay, reencode, creation_time)
    rng = make_rng(rng)
    fps = int(fps)
    size = (width, height)
    n_frames = max(1, round(seconds * fps))
    source = image if image.mode == "RGB" else image.convert("RGB")
    camera = _motion_params(source.size, size, motion, rng)
    layer, overlay_params = (None, None)
    if overlay is not None:
        layer, overlay_params = _overlay_layer(size, overlay, rng)
    codec = clip_codec()

    def first_frames():
        for frame in _frames(source, size, n_frames, camera):
            if layer is not None:
                frame = Image.alpha_composite(frame.convert("RGBA"), layer).convert("RGB")
            yield _rgb_to_yuv420(frame)

    path = Path(path)
    if reencode:
        final_size = (_multiple_of_16(width * REENCODE_SCALE),
                      _multiple_of_16(height * REENCODE_SCALE))
        buffer = io.BytesIO()
        _encode(buffer, first_frames(), size, fps, codec, DEFAULT_CRF)
        buffer.seek(0)
        frames = (_resize_yuv420(planes, final_size) for planes in _decode_yuv(buffer))
        written = _encode(str(path), frames, final_size, fps, codec, REENCODE_CRF,
                          creation_time)
        crf = REENCODE_CRF
        first = {"size": [width, height], "crf": DEFAULT_CRF}
        if overlay_params is not None:  # the box in the pixels of the file's frames
            first["overlay_box"] = overlay_params["box"]
            x0, y0, x1, y1 = overlay_params["box"]
            sx, sy = final_size[0] / width, final_size[1] / height
            overlay_params["box"] = [round(x0 * sx), round(y0 * sy), round(x1 * sx),
                                     round(y1 * sy)]
    else:
        final_size = size
        written = _encode(str(path), first_frames(), size, fps, codec, DEFAULT_CRF,
                          creation_time)
        crf = DEFAULT_CRF
        first = None
    return {
        "motion": motion,
        "overlay": overlay,
        "reencoded": bool(reencode),
        "seconds": round(n_frames / fps, 3),
        "fps": fps,
        "size": list(final_size),
        "codec": codec,
        "n_frames": written,
        "crf": crf,
        "camera": camera,
        "overlay_params": overlay_params,
        "first_encoding": first,
        "creation_time": creation_time,
    }
