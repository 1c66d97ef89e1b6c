"""The hash table of ``vidlab hash``: cryptographic and perceptual hashes, one row per file.

Columns are ``path, size``, then the requested algorithms in :data:`ALGORITHMS` order
(``md5, sha1, sha256, ahash, dhash, phash, pdq``), then ``pdq_quality`` when PDQ was asked
for, then ``error``. Every file gets its row, always: a file that cannot be read has
``size`` -1 and an ``error``; a readable file that is not a decodable image keeps its
cryptographic hashes and says in ``error`` why its perceptual hashes are empty.

>>> import pathlib, tempfile
>>> from PIL import Image
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> Image.linear_gradient("L").save(root / "gradient.png")
>>> _ = (root / "notes.txt").write_text("not an image")
>>> table = hash_table([root], "md5,phash")
>>> table.columns.tolist()
['path', 'size', 'md5', 'phash', 'error']
>>> table["phash"].tolist()[0], table["error"].str.slice(0, 12).tolist()[1]
('8000800080008000', 'not an image')
"""

from vidlab.exceptions import ImageDecodeError
from vidlab.hashing import crypto

__all__ = ["ALGORITHMS", "HASH_BITS", "IMAGE_ALGORITHMS", "hash_table", "parse_algorithms"]

IMAGE_ALGORITHMS = ("ahash", "dhash", "phash", "pdq")
ALGORITHMS = (*crypto.ALGORITHMS, *IMAGE_ALGORITHMS)
HASH_BITS = {"md5": 128, "sha1": 160, "sha256": 256, "ahash": 64, "dhash": 64, "phash": 64,
             "pdq": 256}


def parse_algorithms(text):
    """Return the algorithms named in ``text`` (comma-separated or a list), in :data:`ALGORITHMS`
    order, without repeats.

    >>> parse_algorithms("pdq, sha256,PHASH")
    ('sha256', 'phash', 'pdq')
    >>> parse_algorithms("photodna")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'algorithms' parameter ... Got 'photodna' instead.
    """
    return crypto.parse_algorithms(text, known=ALGORITHMS)


def image_hashes(path, algorithms):
    """Return ``{column: hex or int}`` of the image algorithms for one file.

    Raises :class:`~vidlab.exceptions.ImageDecodeError` when the file is not a decodable
    image. PDQ adds its ``pdq_quality`` column.
    """
    from vidlab.hashing.pdq import pdq_hash_file
    from vidlab.hashing.perceptual import hash_image_file

    values = {}
    simple = [name for name in algorithms if name != "pdq"]
    if simple:
        values.update({name: str(value) for name, value in hash_image_file(path, simple).items()})
    if "pdq" in algorithms:
        value, quality = pdq_hash_file(path)
        values.update(pdq=str(value), pdq_quality=int(quality))
    return values


VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp", ".wmv", ".mpg")


def _image_error(path, reason):
    """The ``error`` of a readable file whose image hashes could not be computed."""
    if path.lower().endswith(VIDEO_SUFFIXES):
        return "a video: image hashes do not apply (use vidlab.hashing.video.hash_video)"
    return reason if reason.startswith("not an image") else f"not an image: {reason}"


def _hash_row(item):
    path, crypto_algorithms, image_algorithms = item
    path, size, *digests, error = crypto._hash_row((path, crypto_algorithms))
    row = {"path": path, "size": size, **dict(zip(crypto_algorithms, digests, strict=True))}
    if image_algorithms and not error:
        try:
            row.update(image_hashes(path, image_algorithms))
        except ImageDecodeError as decode_error:
            error = _image_error(path, str(decode_error))
    row["error"] = error
    return row


def hash_table(paths, algorithms=("sha256",), jobs=1, relative_to=None):
    """Hash files and folders into the hash table (see the module docstring).

    Folders are walked as :func:`vidlab.hashing.crypto.iter_files` does; ``jobs`` worker
    processes (0 = one per core) share the files. With ``relative_to`` (a folder), paths
    under it are written relative to it, in POSIX form.
    """
    import pandas as pd

    from vidlab.parallel import map_parallel

    algorithms = parse_algorithms(algorithms)
    crypto_algorithms = tuple(name for name in algorithms if name in crypto.ALGORITHMS)
    image_algorithms = tuple(name for name in algorithms if name in IMAGE_ALGORITHMS)
    items = [(str(path), crypto_algorithms, image_algorithms)
             for path in crypto.iter_files(paths)]
    rows = map_parallel(_hash_row, items, jobs=jobs, desc="hashing", unit="file")
    columns = ["path", "size", *algorithms, *(["pdq_quality"] if "pdq" in algorithms else []),
               "error"]
    table = pd.DataFrame(rows, columns=columns)
    if relative_to is not None:
        table["path"] = [crypto._relative_or_same(path, relative_to) for path in table["path"]]
    text_columns = [name for name in columns if name not in ("size", "pdq_quality")]
    table[text_columns] = table[text_columns].astype(object).fillna("")
    if "pdq_quality" in table:
        table["pdq_quality"] = table["pdq_quality"].fillna(-1)
    return table.astype({"size": "int64", **{name: str for name in text_columns},
                         **({"pdq_quality": "int64"} if "pdq_quality" in table else {})})
