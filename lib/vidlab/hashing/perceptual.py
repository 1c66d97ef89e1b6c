"""Perceptual hashes aHash, dHash and pHash: imagehash's bits, and a fast path for files.

:func:`average_hash`, :func:`difference_hash` and :func:`perceptual_hash` take a Pillow
image and give *exactly* the bits of ``imagehash.average_hash``, ``imagehash.dhash`` and
``imagehash.phash`` (imagehash 4.3): convert to grey ("L"), shrink with Lanczos, then
compare with the mean (aHash), with the right-hand neighbour (dHash), or compare the 8 x 8
lowest frequencies of a 32 x 32 DCT with their median (pHash). Each returns a
:class:`~vidlab.hashing.value.HashValue` (64 bits for ``hash_size=8``).

:func:`hash_image_file` is the fast path for files: it decodes a JPEG at a reduced size
(libjpeg DCT scaling, see :func:`~vidlab.hashing.images.load_image`) that is still at least
:data:`DRAFT_FACTOR` times the largest shrink target on each side (128 x 128 for pHash),
decodes only the luma (grey) channel, and shrinks once per distinct target size. A
1600 x 1200 JPEG is then decoded as 200 x 150, and Lanczos runs over 30,000 pixels instead
of 1.9 million. Other formats, and JPEGs under twice the draft size (256 px for pHash), are
decoded in full and give imagehash's bits exactly -- except 16-bit, 32-bit and float
images, which :func:`~vidlab.hashing.images.load_image` scales to 8 bits where imagehash's
``convert("L")`` clips them (the image functions, given such a Pillow image, clip as
imagehash does).

How far the fast path can be from imagehash on a full decode (Hamming distance in bits of
64; pillow 13 with libjpeg-turbo; all three hashes from one call; 120 synthetic JPEGs of
1024-2048 px at quality 90 -- gradients, rectangles, ellipses, text, noise -- plus the 29
PDQ conformance photos; hashing each algorithm alone gives nearly the same figures):

=========  =====  ===  ================
algorithm  mean   max  identical hashes
=========  =====  ===  ================
pHash      0.51   4    77 %
dHash      0.63   5    57 %
aHash      0.19   3    85 %
=========  =====  ===  ================

That is well inside the usual match thresholds (pHash <= 10 of 64 bits), and the tests
hold the fast path to :data:`FAST_PATH_MAX_DISTANCE`. Hash tables whose hashes must be
imagehash's own bits should use the image functions on a fully decoded image.

>>> from PIL import Image, ImageDraw
>>> image = Image.new("RGB", (320, 240), "white")
>>> ImageDraw.Draw(image).rectangle((40, 60, 200, 180), fill="navy")
>>> str(perceptual_hash(image)), str(difference_hash(image)), str(average_hash(image))
('bec1c136c1363ec9', '002c2d2d2d2d2c00', 'ffff87878787ffff')
"""

import os

import numpy as np
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.images import load_image
from vidlab.hashing.value import HashValue

__all__ = [
    "ALGORITHMS",
    "DRAFT_FACTOR",
    "FAST_PATH_MAX_DISTANCE",
    "HASH_BITS",
    "average_hash",
    "difference_hash",
    "hash_image_file",
    "perceptual_hash",
]

#: The perceptual hashes of this module, by the names hash tables use.
ALGORITHMS = ("ahash", "dhash", "phash")
#: Bits of each hash at the default ``hash_size=8``.
HASH_BITS = {"ahash": 64, "dhash": 64, "phash": 64}
#: A reduced JPEG decode is at least this many times the shrink target on each side.
DRAFT_FACTOR = 4
#: The most bits by which :func:`hash_image_file` may differ from imagehash on a full
#: decode of a photo-like JPEG (measured maxima plus a margin; see the module notes).
FAST_PATH_MAX_DISTANCE = {"ahash": 5, "dhash": 7, "phash": 6}

_LANCZOS = Image.Resampling.LANCZOS


def average_hash(image, hash_size=8):
    """Return the aHash of ``image``: each pixel of a ``hash_size``-square thumbnail
    against their mean; the same bits as ``imagehash.average_hash``.

    Parameters
    ----------
    image : PIL.Image.Image or path-like
        An image of any mode, or a file (decoded in full by
        :func:`~vidlab.hashing.images.load_image`).
    hash_size : int
        Side of the thumbnail; a multiple of 4 (the hash has ``hash_size**2`` bits).

    Examples
    --------
    >>> from PIL import Image
    >>> average_hash(Image.linear_gradient("L"))
    HashValue('00000000ffffffff', 'ahash')
    """
    hash_size = _check_size(hash_size, "hash_size", "average_hash")
    grey = _grey(image, "average_hash")
    return _ahash(_shrink(grey, (hash_size, hash_size)))


def difference_hash(image, hash_size=8):
    """Return the dHash of ``image``: in a ``(hash_size + 1) x hash_size`` thumbnail, is each
    pixel brighter than its left neighbour; the same bits as ``imagehash.dhash``.

    Parameters
    ----------
    image : PIL.Image.Image or path-like
        An image of any mode, or a file (decoded in full).
    hash_size : int
        Rows of the thumbnail; a multiple of 4 (the hash has ``hash_size**2`` bits).

    Examples
    --------
    >>> from PIL import Image
    >>> difference_hash(Image.linear_gradient("L").rotate(90))
    HashValue('ffffffffffffffff', 'dhash')
    """
    hash_size = _check_size(hash_size, "hash_size", "difference_hash")
    grey = _grey(image, "difference_hash")
    return _dhash(_shrink(grey, (hash_size + 1, hash_size)))


def perceptual_hash(image, hash_size=8, highfreq_factor=4):
    """Return the pHash of ``image``: the ``hash_size``-square lowest frequencies of the DCT
    of a ``hash_size * highfreq_factor``-square thumbnail against their median; the same
    bits as ``imagehash.phash``.

    Parameters
    ----------
    image : PIL.Image.Image or path-like
        An image of any mode, or a file (decoded in full).
    hash_size : int
        Side of the low-frequency block; a multiple of 4 (``hash_size**2`` bits).
    highfreq_factor : int
        The thumbnail is this many times ``hash_size`` on each side.

    Examples
    --------
    >>> from PIL import Image
    >>> perceptual_hash(Image.linear_gradient("L"))
    HashValue('8000800080008000', 'phash')
    """
    hash_size = _check_size(hash_size, "hash_size", "perceptual_hash")
    side = hash_size * _check_factor(highfreq_factor, "perceptual_hash")
    grey = _grey(image, "perceptual_hash")
    return _phash(_shrink(grey, (side, side)), hash_size)


def hash_image_file(path, algorithms=("phash", "dhash"), *, hash_size=8):
    """Return ``{algorithm: HashValue}`` for an image file, decoding a JPEG at reduced size.

    The fast path for many files: a large JPEG is decoded by libjpeg at 1/2, 1/4 or 1/8
    scale (still at least :data:`DRAFT_FACTOR` times the largest thumbnail on each side),
    turned grey once, and shrunk once per distinct thumbnail size. The result can differ
    from imagehash on a full decode by a few bits (see the module notes); other files give
    imagehash's bits exactly.

    Parameters
    ----------
    path : str or path-like
        The image file.
    algorithms : str or iterable of str
        Any of :data:`ALGORITHMS`, as a list or a comma-separated string; the result keeps
        this order.
    hash_size : int
        As for the image functions (pHash uses ``highfreq_factor=4``).

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
    >>> hashes = hash_image_file(path)
    >>> {name: str(value) for name, value in hashes.items()}
    {'phash': 'bfc0c0c4c03f393f', 'dhash': '800c3d3d3d3d3d3c'}
    >>> hashes["phash"] - perceptual_hash(Image.open(path))  # a full decode, as imagehash
    2
    """
    names = _check_algorithms(algorithms)
    hash_size = _check_size(hash_size, "hash_size", "hash_image_file")
    targets = {
        "ahash": (hash_size, hash_size),
        "dhash": (hash_size + 1, hash_size),
        "phash": (4 * hash_size, 4 * hash_size),
    }
    width = max(targets[name][0] for name in names)
    height = max(targets[name][1] for name in names)
    size = (DRAFT_FACTOR * width, DRAFT_FACTOR * height)
    grey = load_image(path, draft_size=size, mode="L")
    thumbnails = {}
    result = {}
    for name in names:
        size = targets[name]
        if size not in thumbnails:
            thumbnails[size] = _shrink(grey, size)
        pixels = thumbnails[size]
        if name == "ahash":
            result[name] = _ahash(pixels)
        elif name == "dhash":
            result[name] = _dhash(pixels)
        else:
            result[name] = _phash(pixels, hash_size)
    return result


def _shrink(grey, size):
    return np.asarray(grey.resize(size, _LANCZOS))


def _ahash(pixels):
    return HashValue.from_bits(pixels > np.mean(pixels), "ahash")


def _dhash(pixels):
    return HashValue.from_bits(pixels[:, 1:] > pixels[:, :-1], "dhash")


def _phash(pixels, hash_size):
    import scipy.fftpack  # here, not at the top: it takes ~0.3 s to import

    # The same calls, in the same order, as imagehash: float rounding decides ties.
    dct = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)
    low = dct[:hash_size, :hash_size]
    return HashValue.from_bits(low > np.median(low), "phash")


def _grey(image, function):
    if isinstance(image, (str, os.PathLike)):
        image = load_image(image)
    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            f"The 'image' parameter of {function} must be a PIL image or an image file path. "
            f"Got {type(image).__name__} instead."
        )
    return image.convert("L")


def _check_size(value, name, function):
    if isinstance(value, bool) or not isinstance(value, int) or value < 4 or value % 4:
        raise InvalidParameterError(
            f"The '{name}' parameter of {function} must be a positive multiple of 4 (8 gives "
            f"64-bit hashes). Got {value!r} instead."
        )
    return value


def _check_factor(value, function):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError(
            f"The 'highfreq_factor' parameter of {function} must be a positive int. "
            f"Got {value!r} instead."
        )
    return value


def _check_algorithms(algorithms):
    items = algorithms.split(",") if isinstance(algorithms, str) else list(algorithms)
    names = []
    for item in items:
        name = str(item).strip().lower()
        if name not in ALGORITHMS:
            raise InvalidParameterError(
                "The 'algorithms' parameter of hash_image_file must name some of "
                f"{', '.join(ALGORITHMS)}. Got {item!r} instead."
            )
        if name not in names:
            names.append(name)
    if not names:
        raise InvalidParameterError(
            "The 'algorithms' parameter of hash_image_file must name at least one of "
            f"{', '.join(ALGORITHMS)}. Got {algorithms!r} instead."
        )
    return tuple(names)
