"""Cryptographic hashes (MD5, SHA-1, SHA-256) of files, folders and dataset manifests.

Every file is read once, whatever the number of algorithms; :func:`hash_files` returns one
row per file, always, with an ``error`` text instead of hashes when a file cannot be read.
Manifests use the ``sha256sum`` format, so ``sha256sum -c MANIFEST.sha256`` checks them too.

>>> import pathlib, tempfile
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> _ = (root / "a.txt").write_bytes(b"abc")
>>> hash_file(root / "a.txt", ["md5"])
{'md5': '900150983cd24fb0d6963f7d28e17f72'}
"""

import errno
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from vidlab.exceptions import DatasetError, InvalidParameterError

# pandas and vidlab.parallel are imported inside the functions that need them: the worker
# processes of ``hash_files(jobs=N)`` only unpickle ``_hash_row`` and start much faster.

__all__ = [
    "ALGORITHMS",
    "MANIFEST_NAME",
    "ManifestReport",
    "duplicate_groups",
    "hash_file",
    "hash_files",
    "iter_files",
    "parse_algorithms",
    "read_manifest",
    "verify_manifest",
    "write_manifest",
]

ALGORITHMS = ("md5", "sha1", "sha256")
MANIFEST_NAME = "MANIFEST.sha256"
# Read size. Measured with OpenSSL SHA-256 on a cached 1 GiB file: 64 KiB to 4 MiB all run at
# the hash's own speed, and hashlib.file_digest (a 256 KiB readinto loop) is no faster.
CHUNK_SIZE = 1 << 20

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_BINARY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO must not hang the open; regular files ignore it
)


def parse_algorithms(text, known=ALGORITHMS, *, function=None, parameter="algorithms"):
    """Return the algorithms named in ``text``, deduplicated, in the order of ``known``
    (default :data:`ALGORITHMS`).

    ``text`` is a comma-separated string (case and spaces ignored) or an iterable of names.
    ``function`` and ``parameter`` name the caller in error messages.

    >>> parse_algorithms("sha256,MD5,sha256")
    ('md5', 'sha256')
    >>> parse_algorithms("sha512")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'algorithms' parameter ... Got 'sha512' instead.
    """
    where = f"The {parameter!r} parameter" + (f" of {function}" if function else "")
    names = text.split(",") if isinstance(text, str) else list(text)
    wanted = set()
    for name in names:
        key = str(name).strip().lower()
        if not key:
            continue  # tolerate "sha256," and "md5,,sha1"; nothing at all is refused below
        if key not in known:
            raise InvalidParameterError(
                f"{where} must be one of {', '.join(known)}. "
                f"Got {str(name).strip()!r} instead."
            )
        wanted.add(key)
    if not wanted:
        raise InvalidParameterError(
            f"{where} must name at least one of {', '.join(known)}. Got {text!r} instead."
        )
    return tuple(name for name in known if name in wanted)


def hash_file(path, algorithms=("sha256",), chunk_size=CHUNK_SIZE):
    """Return ``{algorithm: hex digest}`` for the file at ``path``, reading it once.

    Raises :class:`OSError` when the file cannot be read (missing, permission denied, a
    folder, or not a regular file such as a FIFO or a device).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "empty.bin"
    >>> _ = path.write_bytes(b"")
    >>> hash_file(path, "sha256,sha1")["sha1"]
    'da39a3ee5e6b4b0d3255bfef95601890afd80709'
    """
    algorithms = parse_algorithms(algorithms)
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidParameterError(
            f"The 'chunk_size' parameter must be a positive int. Got {chunk_size!r} instead."
        )
    digests, _ = _digest(path, algorithms, chunk_size)
    return digests


def _digest(path, algorithms, chunk_size):
    """Return ``({algorithm: hex}, size in bytes)``; the work behind :func:`hash_file`."""
    fd = os.open(path, _OPEN_FLAGS)
    with open(fd, "rb", buffering=0) as file:  # owns and closes fd
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "Not a regular file (FIFO, socket or device)", str(path))
        hashers = [hashlib.new(name, usedforsecurity=False) for name in algorithms]
        updates = [hasher.update for hasher in hashers]
        buffer = bytearray(max(1, min(chunk_size, info.st_size + 1)))
        view = memoryview(buffer)
        size = 0
        while n := file.readinto(buffer):
            chunk = view[:n]
            for update in updates:
                update(chunk)
            size += n
        return dict(zip(algorithms, (h.hexdigest() for h in hashers), strict=True)), size


def iter_files(paths):
    """Return the files to hash: folders expanded recursively, everything else as given.

    Folder contents are sorted by name; symbolic links to folders are not followed (links
    to files are kept). A path that does not exist, or a folder that cannot be listed, is
    returned as it is so that :func:`hash_files` reports it in its own row.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "sub").mkdir()
    >>> for name in ("b", "sub/a", "a"):
    ...     _ = (root / name).write_bytes(b"")
    >>> [p.relative_to(root).as_posix() for p in iter_files([root, root / "nope"])]
    ['a', 'b', 'sub/a', 'nope']
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    files = []
    for path in map(Path, paths):
        if _is_dir(path):  # a link to a folder named explicitly is followed: it was asked for
            _walk(path, files)
        else:
            files.append(path)
    return files


def _walk(folder, files):
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError:
        files.append(folder)  # hash_files turns it into an error row
        return
    for entry in entries:
        path = folder / entry.name
        try:
            is_folder = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_folder = False
        if is_folder:
            _walk(path, files)
        elif not (entry.is_symlink() and _is_dir(path)):
            files.append(path)


def _is_dir(path):
    # Path.is_dir lets PermissionError through (e.g. a file inside an unsearchable folder).
    try:
        return path.is_dir()
    except OSError:
        return False


def _hash_row(item):
    """Hash one file for :func:`hash_files`; never raises for a problem with the file."""
    path, algorithms = item
    try:
        digests, size = _digest(path, algorithms, CHUNK_SIZE)
    except IsADirectoryError as error:
        try:  # a folder in the list is one that iter_files could not open
            os.listdir(path)
            message = error.strerror
        except OSError as listing_error:
            message = listing_error.strerror or str(listing_error)
        return (path, -1, *([""] * len(algorithms)), message)
    except OSError as error:
        message = error.strerror or str(error)
        return (path, -1, *([""] * len(algorithms)), " ".join(message.split()))
    return (path, size, *(digests[name] for name in algorithms), "")


def hash_files(paths, algorithms=("sha256",), jobs=1, relative_to=None):
    """Hash files and folders into a table with one row per file, always.

    Columns are ``path, size, <algorithms in ALGORITHMS order>, error``. ``path`` is the
    path as given or as found by :func:`iter_files` (not resolved); rows follow
    :func:`iter_files` order. A file that cannot be hashed still has its row: ``size`` is
    -1, the hashes are empty strings and ``error`` says why (e.g. "Permission denied");
    ``error`` is empty otherwise. ``jobs`` worker processes (0 = one per core) share the
    work through :func:`vidlab.parallel.map_parallel`. With ``relative_to`` (a folder),
    paths under it are written relative to it, in POSIX form, as in a manifest.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_bytes(b"abc")
    >>> table = hash_files([root / "a.txt", root / "gone.txt"], "md5")
    >>> table[["size", "md5", "error"]].values.tolist()
    [[3, '900150983cd24fb0d6963f7d28e17f72', ''], [-1, '', 'No such file or directory']]
    """
    import pandas as pd

    from vidlab.parallel import map_parallel

    algorithms = parse_algorithms(algorithms)
    items = [(str(path), algorithms) for path in iter_files(paths)]
    rows = map_parallel(_hash_row, items, jobs=jobs, desc="hashing", unit="file")
    columns = ["path", "size", *algorithms, "error"]
    table = pd.DataFrame(rows, columns=columns)
    if relative_to is not None:
        table["path"] = [_relative_or_same(path, relative_to) for path in table["path"]]
    return table.astype({"size": "int64", **{name: str for name in columns if name != "size"}})


def _relative_or_same(path, root):
    path = Path(path)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def duplicate_groups(table, algorithm="sha256"):
    """Return the groups of paths (two or more) that share a hash in ``table``.

    Rows with an ``error`` or no hash are ignored; each group is sorted, and the groups are
    sorted by their first path.

    >>> import pandas as pd
    >>> table = pd.DataFrame({"path": ["c", "a", "b"], "sha256": ["x", "y", "x"],
    ...                       "error": ["", "", ""]})
    >>> duplicate_groups(table)
    [['b', 'c']]
    """
    if algorithm not in table.columns:
        hashes = [name for name in table.columns if name in ALGORITHMS]
        raise InvalidParameterError(
            f"The 'algorithm' parameter must be a hash column of the table ({', '.join(hashes)})."
            f" Got {algorithm!r} instead."
        )
    rows = table
    if "error" in table.columns:
        rows = rows[rows["error"].fillna("") == ""]
    rows = rows[rows[algorithm].fillna("") != ""]
    groups = [
        sorted(map(str, paths))
        for paths in rows.groupby(algorithm, sort=False)["path"].agg(list)
        if len(paths) >= 2
    ]
    return sorted(groups)


# --- manifests -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestReport:
    """The result of :func:`verify_manifest`; paths are relative POSIX paths, sorted.

    ``changed``: listed files whose SHA-256 differs, or that exist but cannot be read;
    ``missing``: listed files that are not under the root; ``unexpected``: files under the
    root that the manifest does not list; ``n_checked``: listed files that were hashed.
    """

    changed: list[str]
    missing: list[str]
    unexpected: list[str]
    n_checked: int

    @property
    def ok(self):
        """True when every listed file is present and unchanged and nothing was added."""
        return not (self.changed or self.missing or self.unexpected)


def _relative_files(root, manifest, exclude):
    """Return ``{relative posix path: path}`` of the files under ``root`` to put in a manifest."""
    root = Path(root)
    if not _is_dir(root):
        raise InvalidParameterError(
            f"The 'root' parameter must be an existing folder. Got {str(root)!r} instead."
        )
    if isinstance(exclude, str | os.PathLike):
        exclude = [exclude]
    names = {str(e).strip("/") for e in exclude if "/" not in str(e).strip("/")}
    prefixes = {str(e).strip("/") for e in exclude} - names
    skip = None
    if manifest is not None:
        try:
            skip = Path(os.path.abspath(manifest)).relative_to(os.path.abspath(root)).as_posix()
        except ValueError:  # the manifest is outside the root
            pass
    files = {}
    for path in iter_files([root]):
        relative = path.relative_to(root).as_posix()
        parts = relative.split("/")
        if relative == skip or names.intersection(parts):
            continue
        if any(relative == p or relative.startswith(p + "/") for p in prefixes):
            continue
        files[relative] = path
    return files


def write_manifest(root, out=None, exclude=(), *, jobs=1):
    """Write the SHA-256 of every file under ``root`` to a ``sha256sum``-format manifest.

    Lines are ``<hex>  <relative/posix/path>``, sorted by path. The manifest itself and
    ``exclude`` are left out: an entry without "/" excludes every file or folder of that
    name, one with "/" the relative path (and what is under it). ``out`` defaults to
    ``root/MANIFEST.sha256``. Returns the manifest path; raises :class:`DatasetError` if a
    file cannot be read.

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_bytes(b"abc")
    >>> print(write_manifest(root).read_text(), end="")
    ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.txt
    """
    root = Path(root)
    out = root / MANIFEST_NAME if out is None else Path(out)
    files = _relative_files(root, out, exclude)
    table = hash_files(list(files.values()), ["sha256"], jobs=jobs)
    lines = []
    for relative, row in zip(files, table.itertuples(index=False), strict=True):
        if row.error:
            raise DatasetError(
                f"Cannot hash {relative!r} under {str(root)!r}: {row.error}. "
                "Fix it or pass it in 'exclude'."
            )
        lines.append(_manifest_line(row.sha256, relative))
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as file:
        file.writelines(sorted(lines, key=lambda line: line.split("  ", 1)[1]))
    return out


def _manifest_line(digest, relative):
    # sha256sum escapes names holding a backslash or a newline, and marks the line with "\".
    if "\\" in relative or "\n" in relative or "\r" in relative:
        escaped = relative.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
        return f"\\{digest}  {escaped}\n"
    return f"{digest}  {relative}\n"


def _unescape(name):
    out, chars = [], iter(name)
    for char in chars:
        if char == "\\":
            char = {"\\": "\\", "n": "\n", "r": "\r"}.get(next(chars, ""), None)
            if char is None:
                return None
        out.append(char)
    return "".join(out)


_HEX = frozenset("0123456789abcdef")


def read_manifest(path):
    """Read a ``sha256sum``-format manifest into ``{relative path: hex digest}``.

    Accepts the ``*`` (binary) marker and escaped names of ``sha256sum``; a leading "./"
    is dropped. Raises :class:`DatasetError` naming the line of a malformed entry.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "MANIFEST.sha256"
    >>> empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    >>> _ = path.write_text(empty + " *./x\\n")
    >>> read_manifest(path)
    {'x': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise DatasetError(
            f"Manifest {str(path)!r} does not exist: write one with write_manifest()."
        ) from None
    except OSError as error:
        raise DatasetError(f"Cannot read manifest {str(path)!r}: {error.strerror}.") from None
    entries = {}
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.removesuffix("\r")
        if not line.strip():
            continue
        escaped = line.startswith("\\")
        body = line[1:] if escaped else line
        digest, name = body[:64].lower(), body[66:]
        if escaped:
            name = _unescape(name)
        if (
            len(body) < 67
            or not _HEX.issuperset(digest)
            or body[64] != " "
            or body[65] not in " *"
            or not name
        ):
            raise DatasetError(
                f"{path.name} line {number} is not '<64 hex digits>  <path>' (sha256sum "
                f"format): {line[:80]!r}"
            )
        if name.startswith("./"):
            name = name[2:]
        if name in entries:
            raise DatasetError(f"{path.name} line {number} lists {name!r} a second time.")
        entries[name] = digest
    return entries


def verify_manifest(root, manifest=None, exclude=(), *, jobs=1):
    """Re-hash the files under ``root`` and compare them with ``manifest``.

    ``manifest`` defaults to ``root/MANIFEST.sha256``. Files under ``root`` that it does not
    list are reported as unexpected, except the manifest itself and ``exclude`` (matched as
    in :func:`write_manifest`).

    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.txt").write_bytes(b"abc")
    >>> manifest = write_manifest(root)
    >>> _ = (root / "a.txt").write_bytes(b"abd")
    >>> verify_manifest(root, manifest)
    ManifestReport(changed=['a.txt'], missing=[], unexpected=[], n_checked=1)
    """
    root = Path(root)
    manifest = root / MANIFEST_NAME if manifest is None else Path(manifest)
    expected = read_manifest(manifest)
    found = _relative_files(root, manifest, exclude)
    present = sorted(name for name in expected if name in found)
    table = hash_files([found[name] for name in present], ["sha256"], jobs=jobs)
    changed = [
        name
        for name, row in zip(present, table.itertuples(index=False), strict=True)
        if row.error or row.sha256 != expected[name]
    ]
    return ManifestReport(
        changed=changed,
        missing=sorted(name for name in expected if name not in found),
        unexpected=sorted(name for name in found if name not in expected),
        n_checked=len(present),
    )
