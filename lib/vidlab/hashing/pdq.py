"""PDQ, Meta's 256-bit perceptual image hash, in vectorised numpy.

The steps are those of the reference implementation (facebook/ThreatExchange,
``pdq/cpp/hashing/pdqhashing.cpp``):

1. luminance ``Y = 0.299 R + 0.587 G + 0.114 B`` in floating point (a grey image is used
   as it is);
2. a Jarosz filter: two passes of a box filter along the rows and along the columns, with
   windows of ``ceil(size / 128)`` pixels, then decimation to 64 x 64 at the centres of
   the cells (``int((i + 0.5) * size / 64)``);
3. the 16 x 16 lowest frequencies of a DCT of the 64 x 64 buffer, leaving out the DC
   row and column;
4. bit ``16 i + j`` is set where coefficient ``(i, j)`` is above the median (the 128th
   smallest of the 256), and the hex string is the reference's: 16 words of 16 bits, the
   word holding bits 240-255 first.

The quality (0-100) counts the significant gradients of the 64 x 64 buffer; hashes of
quality under :data:`MIN_QUALITY` (flat or nearly flat images) should not be matched.
Two hashes of the same picture are usually within :data:`MATCH_DISTANCE` bits.

Box filter and decimation are linear and separable, so here they become two small matrix
products, ``buffer = R @ Y @ C.T``, where the 64 rows of ``R`` and ``C`` are the filter
weights of the 64 sampled rows and columns (cached per image size). That gives the
reference's numbers (up to float rounding) at BLAS speed; a 640 x 360 video frame takes
about a millisecond.

Like the reference's file hasher (``PDQHasher.fromFile`` of ThreatExchange's Python
package, which made the published test hashes), :func:`pdq_hash_file` first shrinks an image
larger than 512 pixels to fit in :data:`THUMBNAIL_SIZE`; :func:`pdq_hash_image` and
:func:`pdq_hash_array` hash the pixels they are given, like its ``fromImage``. For speed, a
large JPEG is decoded by libjpeg at reduced scale, luma only.

Conformance, on the reference's test images and hashes (ThreatExchange ``pdq/data``):
:func:`pdq_hash_file` reproduces all 17 published hashes exactly except ``q0003.jpg``
(10 bits; quality 3, whose hash no decoder reproduces: the upstream Go ports allow 16-24
there), and it stays within 4 bits of the reference recipe on synthetic 1600 x 1200 photos
(mean 0.9). :func:`pdq_hash_image` on a full decode, without the 512-pixel shrink, is
within 12 bits of the published hashes of the large photos.

>>> import numpy as np
>>> y, x = np.mgrid[0:240, 0:320]
>>> pixels = np.stack([x % 64 * 4, y % 48 * 5, (x + y) % 256], axis=-1).astype(np.uint8)
>>> value, quality = pdq_hash_array(pixels)
>>> value.algorithm, value.nbits, quality
('pdq', 256, 100)
>>> value - pdq_hash_array(pixels[:, ::-1])[0] > MATCH_DISTANCE   # a mirror image is far
True
>>> pdq_dihedral_hashes(pixels)["flipy"] - pdq_hash_array(pixels[:, ::-1])[0]
0
"""

import functools
import math
import os

import numpy as np
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.images import load_image
from vidlab.hashing.value import HashValue

__all__ = [
    "DIHEDRAL_NAMES",
    "MATCH_DISTANCE",
    "MIN_QUALITY",
    "PDQ_BITS",
    "THUMBNAIL_SIZE",
    "pdq_dihedral_hashes",
    "pdq_hash_array",
    "pdq_hash_file",
    "pdq_hash_image",
]

#: Bits in a PDQ hash.
PDQ_BITS = 256
#: Hashes at most this many bits apart are a match (the reference's recommended threshold).
MATCH_DISTANCE = 31
#: Hashes of lower quality come from flat or featureless images and should not be matched.
MIN_QUALITY = 50
#: :func:`pdq_hash_file` shrinks larger images to fit in this size, as the reference does.
THUMBNAIL_SIZE = (512, 512)
#: The eight rotations and flips, in the reference's order (:func:`pdq_dihedral_hashes`).
DIHEDRAL_NAMES = (
    "original", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1",
)

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)  # the reference's float weights
_MIN_DIM = 5  # the reference gives smaller images an all-zero hash of quality 0
_SIDE = 64  # the image is reduced to 64 x 64 ...
_FREQS = 16  # ... of which a 16 x 16 block of DCT coefficients make the hash


def _dct_matrix():
    i = np.arange(1, _FREQS + 1)[:, None]
    j = np.arange(_SIDE)[None, :]
    matrix = np.sqrt(2.0 / _SIDE) * np.cos(np.pi / 2.0 / _SIDE * i * (2 * j + 1))
    return matrix.astype(np.float32)


_DCT = _dct_matrix()  # 16 x 64: rows 1..16 of the 64-point DCT-II (no DC row)

# Sign patterns and transposes that turn the DCT of an image into that of its rotations
# and flips (coefficient (i, j) of frequency (i + 1, j + 1) changes sign with i or j even).
_EVEN = (np.arange(_FREQS) % 2 == 0)
_ROW_EVEN = np.broadcast_to(_EVEN[:, None], (_FREQS, _FREQS))
_COL_EVEN = _ROW_EVEN.T
_ODD_SUM = (np.add.outer(np.arange(_FREQS), np.arange(_FREQS)) % 2 == 1)
_DIHEDRAL = {  # name: (sign is flipped where, then transpose?)
    "original": (None, False),
    "rot90": (_COL_EVEN, True),
    "rot180": (_ODD_SUM, False),
    "rot270": (_ROW_EVEN, True),
    "flipx": (_ROW_EVEN, False),
    "flipy": (_COL_EVEN, False),
    "flipplus1": (None, True),
    "flipminus1": (_ODD_SUM, True),
}


def pdq_hash_array(pixels):
    """Return ``(hash, quality)``: the PDQ hash of an RGB or grey pixel array.

    Parameters
    ----------
    pixels : numpy.ndarray
        ``(height, width, 3)`` RGB or ``(height, width)`` luminance, values 0-255 (any real
        dtype; uint8 is usual). Images under 5 pixels on a side get an all-zero hash of
        quality 0, as in the reference.

    Returns
    -------
    (HashValue, int)
        The 256-bit hash (algorithm ``"pdq"``) and its quality, 0-100.

    Examples
    --------
    >>> import numpy as np
    >>> grey = np.full((120, 160), 128, dtype=np.uint8)
    >>> pdq_hash_array(grey)[1]                              # flat: quality 0
    0
    >>> blocks = (np.random.default_rng(0).random((12, 16)) * 255).astype(np.uint8)
    >>> value, quality = pdq_hash_array(np.kron(blocks, np.ones((10, 10), np.uint8)))
    >>> value.hex[:16], quality
    ('e78e0097f88cf7e7', 100)

    (A picture with symmetric areas gives DCT values equal to their median: such bits depend
    on the last rounding of the arithmetic, which differs between processors.)
    """
    buffer, quality = _buffer16(pixels, "pdq_hash_array")
    return _to_hash(buffer), quality


def pdq_hash_image(image):
    """Return ``(hash, quality)``: the PDQ hash of a Pillow image (any mode).

    A grey image ("L", "1", "I;16", ...) is hashed as grey and everything else as RGB;
    alpha is dropped as ``image.convert("RGB")`` drops it.

    Examples
    --------
    >>> from PIL import Image, ImageDraw
    >>> image = Image.new("RGB", (320, 240), "white")
    >>> ImageDraw.Draw(image).rectangle((40, 60, 200, 180), fill="navy")
    >>> value, quality = pdq_hash_image(image)
    >>> value.hex[:16], quality
    ('41be41be41bebe41', 100)
    """
    return pdq_hash_array(_image_pixels(image, "pdq_hash_image"))


def pdq_hash_file(path):
    """Return ``(hash, quality)`` for an image file, as the reference's file hasher makes it.

    Like ThreatExchange's ``PDQHasher.fromFile``, an image larger than 512 pixels on a side
    is first shrunk to fit in 512 x 512 (aspect ratio kept; Pillow's ``thumbnail``, bicubic),
    then hashed with :func:`pdq_hash_image`; other files are hashed as they are. EXIF
    orientation is not applied (the reference does not apply it either).

    For speed, a JPEG at least twice that thumbnail on both sides is decoded by libjpeg at
    1/2, 1/4 or 1/8 scale (still at least the thumbnail's size) and only its luma channel,
    which is JPEG's own ``0.299 R + 0.587 G + 0.114 B`` (see
    :func:`~vidlab.hashing.images.load_image`): a 1600 x 1200 photo is decoded as 800 x 600.
    That moves a few bits (at most 4 of 256 on the conformance and synthetic photos, see
    the module notes), far below :data:`MATCH_DISTANCE`.

    Parameters
    ----------
    path : str or path-like
        The image file.

    Raises
    ------
    ImageDecodeError
        The file cannot be decoded; the message is the one-line reason.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image, ImageDraw
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "room.jpg"
    >>> image = Image.new("RGB", (1600, 1200), "beige")
    >>> ImageDraw.Draw(image).rectangle((200, 300, 900, 1100), fill="brown")
    >>> image.save(path, quality=90)
    >>> value, quality = pdq_hash_file(path)
    >>> quality
    99
    >>> image = Image.open(path)          # the reference's recipe, with a full decode
    >>> image.thumbnail((512, 512))
    >>> value - pdq_hash_image(image)[0] <= 4
    True
    """
    draft_size, mode = _decode_plan(path)
    image = load_image(path, draft_size=draft_size, mode=mode)
    if image.width > THUMBNAIL_SIZE[0] or image.height > THUMBNAIL_SIZE[1]:
        image.thumbnail(THUMBNAIL_SIZE)
    return pdq_hash_array(np.asarray(image))


def pdq_dihedral_hashes(pixels_or_image):
    """Return the hashes of the 8 rotations and flips of an image, from one DCT.

    The keys are :data:`DIHEDRAL_NAMES`: ``original``, ``rot90``, ``rot180``, ``rot270``
    (counter-clockwise, as ``numpy.rot90``), ``flipx`` (upside down), ``flipy`` (mirrored
    left to right), ``flipplus1`` (transposed) and ``flipminus1`` (anti-transposed). Each
    is the hash that image would have, up to the rounding of the decimation: a query can
    then be matched against every orientation at once.

    Parameters
    ----------
    pixels_or_image : numpy.ndarray or PIL.Image.Image
        As for :func:`pdq_hash_array` or :func:`pdq_hash_image`.

    Examples
    --------
    >>> import numpy as np
    >>> y, x = np.mgrid[0:320, 0:320]
    >>> pixels = ((x * 3 + y * y // 50) % 256).astype(np.uint8)
    >>> hashes = pdq_dihedral_hashes(pixels)
    >>> list(hashes)[:4]
    ['original', 'rot90', 'rot180', 'rot270']
    >>> [hashes[name] - pdq_hash_array(np.rot90(pixels, k))[0]
    ...  for k, name in [(1, "rot90"), (2, "rot180"), (3, "rot270")]]
    [0, 0, 0]
    >>> hashes["flipplus1"] - pdq_hash_array(pixels.T)[0], hashes["flipy"] - hashes["original"]
    (0, 124)

    For most sizes the match is close rather than exact: with an even box window (as for
    256 or 512 pixels) the filter is not symmetric, and unless the size is an odd multiple
    of 64 the sampled pixels are not either, so an image and its mirror are sampled a pixel
    apart. On the reference's rotated and flipped test photos the distance is 0-18 bits,
    as it is for the reference's own implementation.
    """
    name = "pdq_dihedral_hashes"
    if isinstance(pixels_or_image, Image.Image):
        pixels = _image_pixels(pixels_or_image, name)
    else:
        pixels = pixels_or_image
    buffer, _ = _buffer16(pixels, name)
    result = {}
    for key in DIHEDRAL_NAMES:
        flip, transpose = _DIHEDRAL[key]
        variant = buffer if flip is None else np.where(flip, -buffer, buffer)
        result[key] = _to_hash(variant.T if transpose else variant)
    return result


# ---------------------------------------------------------------------------- internals


def _buffer16(pixels, caller):
    """The 16 x 16 DCT buffer and the quality of ``pixels`` (validated)."""
    luma = _luma(pixels, caller)
    rows, cols = luma.shape
    if rows < _MIN_DIM or cols < _MIN_DIM:
        return np.zeros((_FREQS, _FREQS), dtype=np.float32), 0
    buffer64 = _downsample(luma)
    quality = _quality(buffer64)
    return _DCT @ buffer64 @ _DCT.T, quality


def _luma(pixels, caller):
    """Validate ``pixels`` and return the float32 luminance (height x width)."""
    if isinstance(pixels, Image.Image):
        raise InvalidParameterError(
            f"The 'pixels' parameter of {caller} must be a numpy array; got a PIL image: use "
            "pdq_hash_image for it."
        )
    array = np.asarray(pixels)
    if array.dtype == bool or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidParameterError(
            f"The 'pixels' parameter of {caller} must hold real numbers 0-255 (uint8 is "
            f"usual). Got dtype {array.dtype} instead."
        )
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 2:
        return array.astype(np.float32, copy=False)
    if array.ndim == 3 and array.shape[2] == 3:
        return array.astype(np.float32) @ _LUMA  # a matrix-vector product: fastest
    raise InvalidParameterError(
        f"The 'pixels' parameter of {caller} must be a (height, width, 3) RGB or a "
        f"(height, width) grey array. Got shape {array.shape} instead."
    )


def _downsample(luma):
    """The Jarosz filter (2 box passes per axis) and 64 x 64 decimation, as 2 matrix products."""
    rows, cols = luma.shape
    left = _filter_rows(rows)  # 64 x rows
    right = _filter_rows(cols)  # 64 x cols
    if cols <= rows:  # the cheaper order: the second product costs 64 * 64 * cols
        return (left @ luma) @ right.T
    return left @ (luma @ right.T)


@functools.lru_cache(maxsize=64)
def _filter_rows(size):
    """The 64 x ``size`` weights that turn a line of ``size`` pixels into the 64 samples.

    The reference filters a line twice with a box of ``window`` pixels (``box1DFloat``:
    pixel ``i`` becomes the mean of pixels ``i - reach_left .. i + reach_right``, clipped to
    the line) and then keeps the pixels ``int((k + 0.5) * size / 64)``. Row ``k`` of the
    result is ``e_k B B`` for the box matrix ``B``, computed as ``B.T`` applied twice to the
    unit vector ``e_k``: ``(B.T u)[j]`` sums ``u[i] / count[i]`` over ``i`` in
    ``j - reach_right .. j + reach_left``.
    """
    window = (size + 2 * _SIDE - 1) // (2 * _SIDE)
    half = (window + 2) // 2
    reach_left, reach_right = window - half, half - 1
    index = np.arange(size)
    count = (np.minimum(size - 1, index + reach_right) - np.maximum(0, index - reach_left) + 1)
    low = np.maximum(0, index - reach_right)
    high = np.minimum(size - 1, index + reach_left) + 1

    def box_transposed(weights):
        scaled = weights / count
        total = np.zeros((weights.shape[0], size + 1))
        np.cumsum(scaled, axis=1, out=total[:, 1:])
        return total[:, high] - total[:, low]

    samples = ((np.arange(_SIDE) + 0.5) * size / _SIDE).astype(np.int64)
    unit = np.zeros((_SIDE, size))
    unit[np.arange(_SIDE), samples] = 1.0
    matrix = box_transposed(box_transposed(unit))
    matrix[np.abs(matrix) < 1e-12] = 0.0  # cumsum round-off outside the support
    matrix = matrix.astype(np.float32)
    matrix.setflags(write=False)
    return matrix


def _quality(buffer64):
    """The reference's quality: significant gradients of the 64 x 64 buffer, scaled to 0-100."""
    scale, levels = np.float32(100), np.float32(255)
    down = np.trunc((buffer64[:-1, :] - buffer64[1:, :]) * scale / levels)
    across = np.trunc((buffer64[:, :-1] - buffer64[:, 1:]) * scale / levels)
    gradient_sum = int(np.abs(down).sum(dtype=np.float64)) + int(
        np.abs(across).sum(dtype=np.float64)
    )
    return min(100, gradient_sum // 90)


def _to_hash(buffer16):
    """Bits above the median (the 128th smallest), in the reference's hex layout."""
    flat = np.asarray(buffer16, dtype=np.float32).ravel()
    median = np.partition(flat, 127)[127]
    # Bit k = 16 i + j lives in word k // 16; words print from 15 down to 0, each most
    # significant bit first: the hex reads bit 255 first and bit 0 last.
    return HashValue.from_bits((flat > median)[::-1], "pdq")


def _image_pixels(image, caller):
    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            f"The 'image' parameter of {caller} must be a PIL image. Got "
            f"{type(image).__name__} instead."
        )
    if image.mode in ("1", "L", "I;16", "I;16L", "I;16B", "I;16N"):
        if image.mode.startswith("I;16"):
            return np.asarray(image, dtype=np.float32) / np.float32(257)
        return np.asarray(image.convert("L"))
    if image.mode != "RGB":
        image = image.convert("RGB")
    return np.asarray(image)


def _decode_plan(path):
    """``(draft_size, mode)`` for :func:`load_image`: a luma-only reduced decode for a JPEG
    at least twice its thumbnail on both sides, else ``(None, None)`` (a full decode).

    Only the header is read here; any error is left for ``load_image`` to report.
    """
    try:
        with Image.open(os.fspath(path)) as image:
            jpeg, (width, height) = image.format in ("JPEG", "MPO"), image.size
    except Exception:  # noqa: BLE001 - load_image gives the one-line reason
        return None, None
    scale = min(THUMBNAIL_SIZE[0] / width, THUMBNAIL_SIZE[1] / height)
    if not jpeg or scale > 0.5:
        return None, None
    target = (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale)))
    if width // target[0] < 2 or height // target[1] < 2:
        return None, None
    return target, "L"
