"""Pictures of what each perceptual hash "sees", for lessons.

:func:`plot_hash_views` draws, for aHash, dHash, pHash and PDQ, the small grey picture the
algorithm reduces an image to (top row) and the bits it keeps (bottom row, white = 1).
Plots of distances, ROC curves and robustness live in :mod:`vidlab.hashing.evaluate`.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from PIL import Image
>>> figure = plot_hash_views(Image.linear_gradient("L").resize((320, 240)))
>>> [ax.get_title() for ax in figure.axes[:4]]
['aHash sees 8 x 8', 'dHash sees 9 x 8', 'pHash sees 32 x 32', 'PDQ sees 64 x 64']
"""

import numpy as np
from PIL import Image

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing import pdq, perceptual

__all__ = ["plot_hash_views"]


def _views(image):
    """``[(name, what it sees, its bits as a square 0/1 array)]`` for the four algorithms."""
    grey = image.convert("L")
    small = {size: perceptual._shrink(grey, size) for size in ((8, 8), (9, 8), (32, 32))}
    luma = pdq._luma(np.asarray(image.convert("RGB")), "plot_hash_views")
    buffer64 = pdq._downsample(luma)

    def bits(value, side):
        return value.bits.reshape(side, side).astype(float)

    pdq_bits = pdq.pdq_hash_array(luma)[0].bits[::-1].reshape(16, 16)  # bit 16 i + j at (i, j)
    return [
        ("aHash sees 8 x 8", small[(8, 8)], bits(perceptual.average_hash(grey), 8)),
        ("dHash sees 9 x 8", small[(9, 8)], bits(perceptual.difference_hash(grey), 8)),
        ("pHash sees 32 x 32", small[(32, 32)], bits(perceptual.perceptual_hash(grey), 8)),
        ("PDQ sees 64 x 64", buffer64, pdq_bits.astype(float)),
    ]


def plot_hash_views(image, figsize=(12, 6)):
    """Draw what aHash, dHash, pHash and PDQ reduce ``image`` to, and their bits.

    Parameters
    ----------
    image : PIL.Image.Image
        Any image (converted to grey as each algorithm does).
    figsize : tuple of float
        Size of the figure in inches.

    Returns
    -------
    matplotlib.figure.Figure
        Two rows of four axes: the reduced picture, then the hash bits (white = 1).
    """
    import matplotlib.pyplot as plt

    if not isinstance(image, Image.Image):
        raise InvalidParameterError(
            "The 'image' parameter of plot_hash_views must be a PIL image. "
            f"Got {type(image).__name__} instead."
        )
    views = _views(image)
    figure, axes = plt.subplots(2, len(views), figsize=figsize)
    for column, (title, seen, bits) in enumerate(views):
        axes[0, column].imshow(seen, cmap="gray", interpolation="nearest")
        axes[0, column].set_title(title)
        axes[1, column].imshow(bits, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        axes[1, column].set_title(f"{bits.size} bits")
        for ax in axes[:, column]:
            ax.set_xticks([])
            ax.set_yticks([])
    figure.tight_layout()
    return figure
