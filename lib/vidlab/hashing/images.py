"""Safe image loading: one call that decodes any image file or raises one clear error.

:func:`load_image` opens a file, decodes it completely and returns a Pillow image in mode
``"RGB"`` or ``"L"``, whatever the file holds (CMYK, palette with transparency, alpha,
1-bit, 16-bit, float). Every failure -- a missing, empty or unreadable file, a folder, a
file that is not an image, a truncated image, a decompression bomb -- raises
:class:`~vidlab.exceptions.ImageDecodeError` whose message is the one-line reason, ready for
the ``error`` column of a hash table.

With ``draft_size=(w, h)`` a JPEG is decoded at a reduced size: libjpeg scales the DCT by
1/2, 1/4 or 1/8, to the smallest scale whose result is still at least ``w`` x ``h``. That
is much faster than a full decode and is what the fast perceptual hashes use.

EXIF orientation is *not* applied: neither imagehash nor the PDQ reference applies it, and
hashes must agree with theirs.

>>> import pathlib, tempfile
>>> from PIL import Image
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> Image.new("RGBA", (640, 480), (200, 30, 30, 128)).save(folder / "logo.png")
>>> image = load_image(folder / "logo.png")
>>> image.mode, image.size, image.getpixel((0, 0))
('RGB', (640, 480), (200, 30, 30))
>>> Image.new("RGB", (1600, 1200), "teal").save(folder / "room.jpg", quality=90)
>>> load_image(folder / "room.jpg", draft_size=(128, 128)).size
(200, 150)
>>> _ = (folder / "notes.jpg").write_text("shopping list")
>>> load_image(folder / "notes.jpg")
Traceback (most recent call last):
...
vidlab.exceptions.ImageDecodeError: not an image (unrecognised file format)
"""

import os
import re
import stat
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from vidlab.exceptions import ImageDecodeError, InvalidParameterError

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "as_image", "load_image"]

#: File name suffixes (lower case) of the image formats vidlab hashes in a folder walk.
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp")

#: Largest image (width x height) that is decoded; larger ones are refused as possible
#: decompression bombs. Twice Pillow's default ``MAX_IMAGE_PIXELS``, i.e. the size at which
#: Pillow itself raises; a 16-megapixel camera photo is far below it.
MAX_PIXELS = 2 * 89_478_485

_JPEG_FORMATS = ("JPEG", "MPO")
# Modes whose conversion to "L" keeps the grey values; everything else becomes "RGB".
_GREY_MODES = ("1", "L", "LA", "La")
_HIGH_DEPTH_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")


def load_image(path, draft_size=None, *, mode=None, max_pixels=None):
    """Open and fully decode the image file ``path``; return a Pillow image in RGB or L.

    Parameters
    ----------
    path : str or path-like
        The image file. Only the first frame of an animation or a multi-page file is read.
    draft_size : (int, int), optional
        For a JPEG at least twice this size on both sides, decode at a reduced size (DCT
        scaling by 1/2, 1/4 or 1/8) that is still at least this size. Other files, and
        smaller JPEGs, are decoded in full.
    mode : {None, "RGB", "L"}
        ``None`` keeps grey images grey ("L") and makes every other image "RGB"; "L" or
        "RGB" force that mode. With ``"L"`` a reduced JPEG decodes only its luma channel.
    max_pixels : int, optional
        Refuse images larger than this many pixels (width x height); default
        :data:`MAX_PIXELS`.

    Raises
    ------
    ImageDecodeError
        The file cannot be decoded; the message is the one-line reason.

    Notes
    -----
    Alpha is dropped the way Pillow's ``convert("RGB")`` drops it, so hashing the result
    gives the same bits as hashing ``Image.open(path)`` directly, as imagehash does. 16-bit
    images are scaled to 8 bits (65535 -> 255) rather than clipped; 32-bit integer and float
    images are scaled by their range (see :func:`_to_8bit`).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "depth.png"
    >>> Image.new("I;16", (4, 3), 65535).save(path)
    >>> image = load_image(path)
    >>> image.mode, image.getpixel((0, 0))
    ('L', 255)
    """
    path = _check_path(path)
    size = _check_draft_size(draft_size)
    if mode not in (None, "RGB", "L"):
        raise InvalidParameterError(
            f"The 'mode' parameter of load_image must be None, 'RGB' or 'L'. Got {mode!r} instead."
        )
    if max_pixels is None:
        max_pixels = MAX_PIXELS
    if isinstance(max_pixels, bool) or not isinstance(max_pixels, int) or max_pixels < 1:
        raise InvalidParameterError(
            "The 'max_pixels' parameter of load_image must be a positive int. "
            f"Got {max_pixels!r} instead."
        )
    check_regular_file(path)
    try:
        file = open(path, "rb")  # closed by the with-block below
    except PermissionError:
        raise ImageDecodeError("cannot read the file: permission denied") from None
    except OSError as error:
        raise ImageDecodeError(f"cannot read the file: {_reason(error)}") from None
    with file, warnings.catch_warnings():
        # Our own pixel limit replaces Pillow's warning; palette/EXIF quirks are not errors.
        warnings.simplefilter("ignore")
        image = _open(file, max_pixels)
        if size is not None and image.format in _JPEG_FORMATS:
            width, height = image.size
            if width // size[0] >= 2 and height // size[1] >= 2:
                image.draft("L" if mode == "L" else "RGB", size)
        _decode(image)
        return _convert(image, mode)


def as_image(image, mode, *, function, parameter="image", draft_size=None):
    """A Pillow image in ``mode`` ("RGB" or "L") from a Pillow image or an image file.

    Files go through :func:`load_image` (with ``draft_size``); anything else is refused with
    an error naming ``function`` and its ``parameter``.

    >>> as_image(Image.new("RGB", (4, 4)), "L", function="example").mode
    'L'
    >>> as_image(3, "RGB", function="example")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'image' parameter of example must be a ...
    """
    if isinstance(image, Image.Image):
        return image if image.mode == mode else image.convert(mode)
    if isinstance(image, str | os.PathLike):
        return load_image(image, draft_size, mode=mode)
    raise InvalidParameterError(
        f"The {parameter!r} parameter of {function} must be a Pillow image or a path. "
        f"Got {type(image).__name__} instead."
    )


def _check_path(path):
    try:
        return os.fspath(path)
    except TypeError:
        raise InvalidParameterError(
            f"The 'path' parameter must be a str or path-like. Got {type(path).__name__} instead."
        ) from None


def _check_draft_size(draft_size):
    if draft_size is None:
        return None
    try:
        width, height = draft_size
        if any(isinstance(v, bool) or int(v) != v or v < 1 for v in (width, height)):
            raise ValueError
    except (TypeError, ValueError):
        raise InvalidParameterError(
            "The 'draft_size' parameter of load_image must be None or a pair of positive ints "
            f"(width, height). Got {draft_size!r} instead."
        ) from None
    return int(width), int(height)


def check_regular_file(path, kind="image"):
    """Refuse what is not a non-empty regular file before a decoder opens it (a FIFO would
    hang it): raise :class:`~vidlab.exceptions.ImageDecodeError` with the one-line reason.
    ``kind`` ("image" or "video") names what was expected."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ImageDecodeError("file not found") from None
    except PermissionError:
        raise ImageDecodeError("cannot read the file: permission denied") from None
    except (OSError, ValueError) as error:
        raise ImageDecodeError(f"cannot read the file: {_reason(error)}") from None
    if stat.S_ISDIR(info.st_mode):
        article = "an" if kind[:1] in "aeiou" else "a"
        raise ImageDecodeError(f"is a directory, not {article} {kind} file")
    if not stat.S_ISREG(info.st_mode):
        raise ImageDecodeError("not a regular file (a device, pipe or socket)")
    if info.st_size == 0:
        raise ImageDecodeError("empty file (0 bytes)")


def _open(file, max_pixels):
    """Read the header; refuse non-images and images over ``max_pixels``."""
    try:
        image = Image.open(file)
    except UnidentifiedImageError:
        raise ImageDecodeError("not an image (unrecognised file format)") from None
    except Image.DecompressionBombError as error:  # over Pillow's own global limit
        found = re.search(r"\((\d+) pixels\)", str(error))
        pixels = f"{int(found.group(1)):,} pixels" if found else "too many pixels"
        raise ImageDecodeError(
            f"possible decompression bomb: {pixels}, over the limit of {max_pixels:,}"
        ) from None
    except Exception as error:  # a broken header can raise anything
        text = _reason(error)
        if "truncated" in text.lower():
            raise ImageDecodeError(f"truncated image file: {text}") from None
        raise ImageDecodeError(f"not a valid image: {text}") from None
    width, height = image.size
    if width * height > max_pixels:
        raise ImageDecodeError(
            f"possible decompression bomb: {width}x{height} = {width * height:,} pixels, "
            f"over the limit of {max_pixels:,}"
        )
    if width < 1 or height < 1:
        raise ImageDecodeError(f"not a valid image: its size is {width}x{height}")
    return image


def _decode(image):
    name = image.format or "image"
    try:
        image.load()
    except OSError as error:
        text = _reason(error)
        if "truncated" in text.lower():
            raise ImageDecodeError(f"truncated {name} file: {text}") from None
        raise ImageDecodeError(f"cannot decode the {name} data: {text}") from None
    except MemoryError:
        raise ImageDecodeError(f"not enough memory to decode this {name}") from None
    except Exception as error:  # corrupt data can raise anything
        raise ImageDecodeError(f"cannot decode the {name} data: {_reason(error)}") from None


def _convert(image, mode):
    """Return ``image`` in ``mode`` (or RGB/L by content when ``mode`` is None)."""
    if image.mode in _HIGH_DEPTH_MODES:
        image = _to_8bit(image)
    if mode is None:
        mode = "L" if image.mode in _GREY_MODES else "RGB"
    if image.mode == mode:
        return image
    source = image.mode
    try:
        if source == "La":  # premultiplied alpha: Pillow converts it only through LA
            image = image.convert("LA")
        return image.convert(mode)
    except (ValueError, OSError):
        raise ImageDecodeError(f"unsupported image mode {source!r}") from None


def _to_8bit(image):
    """Scale a 16-bit, 32-bit integer or float image to 8-bit "L" (rounded, not clipped).

    16-bit modes map 0..65535 to 0..255. Mode "I" is treated as 16-bit when its values fit
    in 0..65535, and mode "F" as 0..1 when they fit there or 0..255 when they fit there;
    anything else is stretched from its minimum to its maximum.
    """
    values = np.asarray(image)
    if image.mode.startswith("I;16"):
        values = values.astype(np.float64) / 257.0
    else:
        values = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
        low, high = (float(values.min()), float(values.max())) if values.size else (0.0, 0.0)
        if image.mode == "F" and low >= 0 and high <= 1:
            values = values * 255.0
        elif image.mode == "F" and low >= 0 and high <= 255:
            pass
        elif image.mode == "I" and low >= 0 and high <= 65535:
            values = values / 257.0
        elif high > low:
            values = (values - low) * (255.0 / (high - low))
        else:
            values = np.zeros_like(values)
    return Image.fromarray(np.clip(np.rint(values), 0, 255).astype(np.uint8))


def _reason(error):
    """The first line of an exception's message (its class name when it has none)."""
    text = str(getattr(error, "strerror", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__
