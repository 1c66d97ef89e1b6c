"""Contact sheets: a grid of thumbnails, the way an analyst looks at a series.

>>> import pathlib, tempfile
>>> from PIL import Image
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name in "abc":
...     Image.new("RGB", (64, 48), "teal").save(folder / f"{name}.jpg")
>>> _ = (folder / "broken.jpg").write_bytes(b"not a picture")
>>> figure = plot_contact_sheet(sorted(folder.iterdir()), ncols=2)
>>> len(figure.axes)
4
"""

from pathlib import Path

from PIL import Image

from vidlab.exceptions import InvalidParameterError

__all__ = ["plot_contact_sheet"]


def _thumbnail(path, size):
    try:
        with Image.open(path) as image:
            image.thumbnail((size, size))
            return image.convert("RGB"), ""
    except (OSError, ValueError) as error:
        return None, f"cannot be shown: {type(error).__name__}"


def plot_contact_sheet(paths, titles=None, *, ncols=6, size=200, suptitle=None):
    """Show pictures as a grid of thumbnails; a file that cannot be decoded shows its reason.

    Parameters
    ----------
    paths : list of paths
        The pictures, in the order to show them.
    titles : list of str, optional
        One caption per picture (default: the file names).
    ncols : int
        Thumbnails per row.
    size : int
        Longest side of each thumbnail in pixels.
    suptitle : str, optional
        A title above the sheet.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    from vidlab.checks import check_int

    paths = [Path(path) for path in paths]
    if not paths:
        raise InvalidParameterError(
            "The 'paths' parameter of plot_contact_sheet must name at least one picture. "
            "Got an empty list instead.")
    check_int(ncols, "ncols", "plot_contact_sheet", 1)
    check_int(size, "size", "plot_contact_sheet", 16)
    if titles is None:
        titles = [path.name for path in paths]
    titles = [str(title) for title in titles]
    if len(titles) != len(paths):
        raise InvalidParameterError(
            f"The 'titles' parameter of plot_contact_sheet must give one caption per picture "
            f"({len(paths)}). Got {len(titles)} instead.")
    ncols = min(ncols, len(paths))
    nrows = -(-len(paths) // ncols)
    figure, axes = plt.subplots(nrows, ncols, figsize=(2.3 * ncols, 2.0 * nrows + 0.4),
                                squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, path, title in zip(axes.flat, paths, titles, strict=False):
        image, reason = _thumbnail(path, size)
        if image is None:
            ax.text(0.5, 0.5, reason, ha="center", va="center", fontsize=7, wrap=True)
        else:
            ax.imshow(image)
        ax.set_title(title, fontsize=7)
    if suptitle:
        figure.suptitle(suptitle)
    figure.tight_layout()
    return figure
