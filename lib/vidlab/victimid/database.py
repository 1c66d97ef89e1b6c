"""The reference database of known material: series, their media and links between series.

Modelled on the international image databases that victim-identification teams share: a
**series** is a set of pictures taken at one time and place (its ``status`` says whether the
child was ``identified`` or is still ``unidentified``, with the ``country``, ``location`` and
``case_id`` of the case); its **media** are known by cryptographic hashes (md5, sha1, sha256)
and perceptual hashes (aHash, dHash, pHash, PDQ with its quality); **links** join two series
(``same_location``, ``same_victim``, ``same_offender``, ``same_device``, ``related``). vidlab's
databases are synthetic: their media are generated pictures of rooms, objects and patterns.

The database is one SQLite file (stdlib :mod:`sqlite3`, WAL journal, foreign keys enforced).
Its schema version is ``PRAGMA user_version``; :data:`MIGRATIONS` lists the steps from an
empty file to the current schema (:data:`SCHEMA_VERSION`). Opening an older file upgrades it,
one migration per transaction; a file written by a newer vidlab, or a file that is not a
reference database, raises one clear :class:`~vidlab.exceptions.DatasetError` line.

Hashes and categories go through the same rules as hash sets
(:mod:`vidlab.hashing.hashsets`): lower-case hex of the algorithm's length, categories as
Project VIC labels. :meth:`ReferenceDatabase.import_vics` and
:meth:`ReferenceDatabase.export_vics` read and write VICS-style JSON with
:func:`~vidlab.hashing.hashsets.load_hashset` and :func:`~vidlab.hashing.hashsets.save_hashset`;
what VICS media objects do not carry (series status, country, location, case, links, PDQ
quality) is written beside them in one OData-style annotation, ``"@vidlab.reference"``, which
VICS readers ignore, so that export then import gives the same tables.

>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "reference.sqlite"
>>> with ReferenceDatabase(path) as db:
...     _ = db.add_series([{"series_id": "S1", "status": "identified", "country": "NL"},
...                        {"series_id": "S2", "status": "unidentified", "country": "BR"}])
...     _ = db.add_media([{"media_id": "m1", "series_id": "S1", "category": "csam",
...                        "md5": "900150983cd24fb0d6963f7d28e17f72",
...                        "phash": "ffff0000ffff0000"},
...                       {"media_id": "m2", "series_id": "S2", "phash": "0f0f0f0f0f0f0f0f"}])
...     db.add_link("S2", "S1", "same_location")
...     db.lookup_exact(["900150983CD24FB0D6963F7D28E17F72"], "md5")[["media_id", "status"]]
  media_id      status
0       m1  identified
>>> with ReferenceDatabase(path) as db:   # reopened: same content
...     stats = db.stats()
...     db.schema_version, stats["n_series"], stats["n_identified"], stats["n_media"]
(3, 2, 1, 2)
"""

import json
import os
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.hashing.crypto import parse_algorithms
from vidlab.hashing.hashsets import (
    ALGORITHMS,
    CATEGORY_LABELS,
    EXACT_ALGORITHMS,
    HEX_DIGITS,
    PERCEPTUAL_ALGORITHMS,
    HashSet,
    category_code,
    load_hashset,
    save_hashset,
)
from vidlab.io import read_table

__all__ = [
    "LINK_COLUMNS",
    "LINK_KINDS",
    "LOOKUP_COLUMNS",
    "MEDIA_COLUMNS",
    "MIGRATIONS",
    "Migration",
    "ReferenceDatabase",
    "SCHEMA_VERSION",
    "SERIES_COLUMNS",
    "STATUSES",
]

STATUSES = ("identified", "unidentified")
LINK_KINDS = ("same_location", "same_victim", "same_offender", "same_device", "related")
SERIES_COLUMNS = ("series_id", "status", "country", "location", "case_id", "notes")
MEDIA_COLUMNS = ("media_id", "series_id", "category", *ALGORITHMS, "pdq_quality")
LINK_COLUMNS = ("series_a", "series_b", "kind", "note")
LOOKUP_COLUMNS = ("query", "hash", "media_id", "series_id", "category", "status", "country",
                  "location", "case_id")
APPLICATION_ID = 0x7669644C  # "vidL": PRAGMA application_id of a vidlab reference database
# Page cache per connection (KiB; SQLite's default is 2 MiB): the hash indexes of 100k
# media take ~25 MiB, and inserting at random places in them thrashes a small cache.
_CACHE_KIB = 64 * 1024
_REBUILD_INDEXES = 20_000  # rows from which a bulk insert rebuilds the media indexes
EXTENSION_KEY = "@vidlab.reference"  # the annotation that carries what VICS media do not
_EXTENSION_FORMAT = "vidlab-reference-database"


@dataclass(frozen=True)
class Migration:
    """One schema step: the ``version`` it leads to, what it does, its SQL statements."""

    version: int
    description: str
    statements: tuple


MIGRATIONS = (
    Migration(1, "series, media and links", (
        """CREATE TABLE series (
            series_id TEXT NOT NULL PRIMARY KEY CHECK (series_id <> ''),
            status    TEXT NOT NULL CHECK (status IN ('identified', 'unidentified')),
            country   TEXT NOT NULL DEFAULT '',
            location  TEXT NOT NULL DEFAULT '',
            case_id   TEXT NOT NULL DEFAULT '',
            notes     TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE media (
            media_id    TEXT NOT NULL PRIMARY KEY CHECK (media_id <> ''),
            series_id   TEXT REFERENCES series (series_id) ON UPDATE CASCADE,
            sha256      TEXT,
            md5         TEXT,
            phash       TEXT,
            pdq         TEXT,
            pdq_quality INTEGER CHECK (pdq_quality BETWEEN 0 AND 100),
            category    TEXT NOT NULL DEFAULT '')""",
        """CREATE TABLE links (
            series_a TEXT NOT NULL REFERENCES series (series_id) ON UPDATE CASCADE,
            series_b TEXT NOT NULL REFERENCES series (series_id) ON UPDATE CASCADE,
            kind     TEXT NOT NULL,
            note     TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (series_a, series_b, kind),
            CHECK (series_a < series_b))""",
        f"PRAGMA application_id = {APPLICATION_ID}",
    )),
    Migration(2, "media gain sha1, ahash and dhash (VICS media carry SHA1)", (
        "ALTER TABLE media ADD COLUMN sha1 TEXT",
        "ALTER TABLE media ADD COLUMN ahash TEXT",
        "ALTER TABLE media ADD COLUMN dhash TEXT",
    )),
    Migration(3, "indexes for exact look-ups and joins by series", (
        "CREATE INDEX media_md5 ON media (md5)",
        "CREATE INDEX media_sha1 ON media (sha1)",
        "CREATE INDEX media_sha256 ON media (sha256)",
        "CREATE INDEX media_series ON media (series_id)",
        "CREATE INDEX links_series_b ON links (series_b)",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


class ReferenceDatabase:
    """A reference database file: opened (or created) and upgraded to :data:`SCHEMA_VERSION`.

    Parameters
    ----------
    path : str or path-like
        The SQLite file; created (with its folder) if it does not exist.

    Use it as a context manager (``with ReferenceDatabase(path) as db:``) or call
    :meth:`close`. Every write is one transaction: a bulk insert that fails leaves the
    database as it was. Reads return DataFrames sorted by their ids (text order).

    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> db = ReferenceDatabase(folder / "db.sqlite")
    >>> db
    ReferenceDatabase('db.sqlite': 0 series, 0 media, schema version 3)
    >>> db.close()
    >>> _ = (folder / "notes.txt").write_text("not a database")
    >>> ReferenceDatabase(folder / "notes.txt")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.DatasetError: '.../notes.txt' is not a reference database: ...
    """

    def __init__(self, path):
        if not isinstance(path, str | os.PathLike) or str(path) == "":
            raise InvalidParameterError(
                f"The 'path' parameter of ReferenceDatabase must be a file path. "
                f"Got {path!r} instead."
            )
        self.path = Path(path)
        self._connection = None
        if self.path.is_dir():
            raise DatasetError(f"{str(self.path)!r} is a folder, not a reference database file.")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = None
        try:
            connection = sqlite3.connect(self.path, isolation_level=None)
            self._connection = connection
            self._open()
        except sqlite3.OperationalError as error:  # locked, read-only, no such folder...
            if connection is not None:
                connection.close()
            self._connection = None
            raise DatasetError(
                f"Cannot open the reference database {str(self.path)!r}: {_reason(error)}."
            ) from None
        except sqlite3.DatabaseError as error:  # not an SQLite file, or a damaged one
            if connection is not None:
                connection.close()
            self._connection = None
            raise DatasetError(
                f"{str(self.path)!r} is not a reference database: {_reason(error)}."
            ) from None
        except BaseException:
            if connection is not None:
                connection.close()
            self._connection = None
            raise

    # ------------------------------------------------------------------ opening
    def _open(self):
        db = self._connection
        version = db.execute("PRAGMA user_version").fetchone()[0]  # reads the header
        application = db.execute("PRAGMA application_id").fetchone()[0]
        if application not in (0, APPLICATION_ID):
            raise DatasetError(
                f"{str(self.path)!r} is an SQLite file of another application "
                f"(application_id {application}), not a reference database."
            )
        current = MIGRATIONS[-1].version
        if version > current:
            raise DatasetError(
                f"{str(self.path)!r} has schema version {version}, newer than this vidlab "
                f"reads (up to {current}): open it with a newer vidlab."
            )
        if version == 0:
            tables = [row[0] for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            if tables:
                raise DatasetError(
                    f"{str(self.path)!r} is an SQLite database but not a reference database "
                    f"(no schema version; tables {', '.join(tables)})."
                )
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no integrity
        db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
        for migration in MIGRATIONS:
            if migration.version > version:
                self._migrate(migration)

    def _migrate(self, migration):
        db = self._connection
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in migration.statements:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {int(migration.version)}")
            db.execute("COMMIT")
        except sqlite3.Error as error:
            db.execute("ROLLBACK")
            raise DatasetError(
                f"Cannot upgrade {str(self.path)!r} to schema version {migration.version} "
                f"({migration.description}): {_reason(error)}."
            ) from None

    def close(self):
        """Close the file (idempotent); the WAL is checkpointed into it."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001  (interpreter shutdown)
            pass

    def __repr__(self):
        if self._connection is None:
            return f"ReferenceDatabase({self.path.name!r}: closed)"
        n_series = self._scalar("SELECT count(*) FROM series")
        n_media = self._scalar("SELECT count(*) FROM media")
        return (f"ReferenceDatabase({self.path.name!r}: {n_series} series, {n_media} media, "
                f"schema version {self.schema_version})")

    @property
    def _db(self):
        if self._connection is None:
            raise DatasetError(f"The reference database {str(self.path)!r} is closed.")
        return self._connection

    def _scalar(self, sql, parameters=()):
        return self._db.execute(sql, parameters).fetchone()[0]

    @property
    def schema_version(self):
        """The file's schema version (``PRAGMA user_version``)."""
        return self._scalar("PRAGMA user_version")

    @contextmanager
    def _transaction(self):
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # ------------------------------------------------------------------ writing
    def add_series(self, rows, *, replace=False):
        """Add series in bulk; return how many rows were written.

        Parameters
        ----------
        rows : pandas.DataFrame or list of dict
            Columns ``series_id`` and ``status`` (``identified`` or ``unidentified``), and
            optionally ``country, location, case_id, notes`` (missing ones are empty).
        replace : bool
            Update series that are already in the database; by default they are an error.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> db.add_series(pd.DataFrame({"series_id": ["S1", "S2"],
        ...                             "status": ["identified", "unidentified"]}))
        2
        >>> db.add_series([{"series_id": "S1", "status": "lost"}])
        ... # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        vidlab.exceptions.InvalidParameterError: add_series row 1 (series 'S1'): 'status' must
        be identified or unidentified; got 'lost'.
        >>> db.add_series([{"series_id": "S1", "status": "unidentified"}])
        ... # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        vidlab.exceptions.InvalidParameterError: add_series row 1: series 'S1' is already in the
        database; pass replace=True to update it.
        >>> db.close()
        """
        frame = _series_frame(rows, "add_series", "rows")
        with self._transaction():
            return self._put_series(frame, replace, "add_series")

    def add_media(self, rows, *, replace=False):
        """Add media in bulk; return how many rows were written.

        Parameters
        ----------
        rows : pandas.DataFrame or list of dict
            Column ``media_id``, and any of ``series_id`` (a series already in the database,
            or empty), ``category`` (a label of
            :data:`~vidlab.hashing.hashsets.CATEGORY_LABELS` or its VICS number),
            ``md5, sha1, sha256, ahash, dhash, phash, pdq`` (hex; empty where unknown) and
            ``pdq_quality`` (0-100; empty or -1 where unknown). Every media needs a hash.
        replace : bool
            Update media already in the database (only the columns given); by default they
            are an error.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> db.add_media([{"media_id": "m1", "sha256": "ab" * 32, "category": 4}])
        1
        >>> db.media_table()[["media_id", "category", "sha256"]].to_dict("records")
        ... # doctest: +ELLIPSIS
        [{'media_id': 'm1', 'category': 'comparison', 'sha256': 'abab...abab'}]
        >>> db.add_media([{"media_id": "m2", "series_id": "S9", "md5": "0" * 32}])
        ... # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        vidlab.exceptions.InvalidParameterError: add_media row 1 (media 'm2'): series 'S9' is
        not in the database; add it with add_series first.
        >>> db.close()
        """
        frame = _media_frame(rows, "add_media", "rows")
        with self._transaction():
            return self._put_media(frame, replace, "add_media")

    def add_link(self, series_a, series_b, kind, note="", *, replace=False):
        """Link two series (a link has no direction: it is stored with the smaller id first).

        ``kind`` is one of :data:`LINK_KINDS`. A link of the same kind between the same
        series is an error unless ``replace`` (which updates its note).

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_series([{"series_id": s, "status": "unidentified"} for s in "ABC"])
        >>> db.add_link("C", "A", "same_location", "same wallpaper")
        >>> db.add_link("A", "B", "same_victim")
        >>> db.links().to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
        [{'series_a': 'A', 'series_b': 'B', 'kind': 'same_victim', 'note': ''},
         {'series_a': 'A', 'series_b': 'C', 'kind': 'same_location', 'note': 'same wallpaper'}]
        >>> db.add_link("A", "Z", "same_victim")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        vidlab.exceptions.InvalidParameterError: add_link: series 'Z' is not in the database;
        add it with add_series first.
        >>> db.close()
        """
        frame = pd.DataFrame([{"series_a": series_a, "series_b": series_b, "kind": kind,
                               "note": note}])
        frame = _links_frame(frame, "add_link", "rows", single=True)
        with self._transaction():
            self._put_links(frame, replace, "add_link", single=True)

    def _put_series(self, frame, replace, function, ignore_existing=False):
        db = self._db
        if frame.empty:
            return 0
        columns = list(SERIES_COLUMNS)
        placeholders = ", ".join("?" * len(columns))
        if ignore_existing:
            conflict = " ON CONFLICT (series_id) DO NOTHING"
        elif replace:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns[1:])
            conflict = f" ON CONFLICT (series_id) DO UPDATE SET {updates}"
        else:
            conflict = ""
        sql = f"INSERT INTO series ({', '.join(columns)}) VALUES ({placeholders}){conflict}"
        db.execute("SAVEPOINT put_series")
        try:
            cursor = db.executemany(sql, _records(frame, columns))
            db.execute("RELEASE put_series")
        except sqlite3.IntegrityError as error:
            db.execute("ROLLBACK TO put_series")
            db.execute("RELEASE put_series")
            existing = _existing(db, "series", "series_id", frame["series_id"])
            if existing is not None:
                row, value = existing
                raise InvalidParameterError(
                    f"{function} row {row + 1}: series {value!r} is already in the database; "
                    f"pass replace=True to update it."
                ) from None
            raise InvalidParameterError(f"{function}: {_reason(error)}.") from None
        return cursor.rowcount if cursor.rowcount >= 0 else len(frame)

    def _put_media(self, frame, replace, function, where=None):
        db = self._db
        if frame.empty:
            return 0
        known = {row[0] for row in db.execute("SELECT series_id FROM series")}
        series = frame["series_id"] if "series_id" in frame.columns else pd.Series("", frame.index)
        unknown = ((series != "") & ~series.isin(known)).to_numpy().nonzero()[0]
        if len(unknown):
            row = int(unknown[0])
            raise InvalidParameterError(
                f"{function} {(where or _row)(frame, row)}: "
                f"series {series[row]!r} is not in the database; add it with add_series first."
            )
        columns = [c for c in MEDIA_COLUMNS if c in frame.columns]
        placeholders = ", ".join("?" * len(columns))
        conflict = ""
        if replace:
            updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "media_id")
            conflict = f" ON CONFLICT (media_id) DO UPDATE SET {updates}"
        sql = f"INSERT INTO media ({', '.join(columns)}) VALUES ({placeholders}){conflict}"
        # a large batch is inserted without the secondary indexes, which are rebuilt after
        # (sorting once beats inserting at random places: 100k media load ~2x faster)
        indexes = []
        if len(frame) >= _REBUILD_INDEXES and len(frame) >= self._scalar(
                "SELECT count(*) FROM media") // 2:
            indexes = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                 "AND tbl_name = 'media' AND sql IS NOT NULL").fetchall()
        db.execute("SAVEPOINT put_media")
        try:
            for name, _ in indexes:
                db.execute(f'DROP INDEX "{name}"')
            cursor = db.executemany(sql, _records(frame, columns, nullable=True))
            for _, create in indexes:
                db.execute(create)
            db.execute("RELEASE put_media")
        except sqlite3.IntegrityError as error:
            db.execute("ROLLBACK TO put_media")
            db.execute("RELEASE put_media")
            existing = _existing(db, "media", "media_id", frame["media_id"])
            if existing is not None:
                row, value = existing
                prefix = function if where else f"{function} row {row + 1}"
                raise InvalidParameterError(
                    f"{prefix}: media {value!r} is already in the database; "
                    f"pass replace=True to update it."
                ) from None
            raise InvalidParameterError(f"{function}: {_reason(error)}.") from None
        return cursor.rowcount if cursor.rowcount >= 0 else len(frame)

    def _put_links(self, frame, replace, function, single=False):
        db = self._db
        if frame.empty:
            return 0
        known = {row[0] for row in db.execute("SELECT series_id FROM series")}
        for column in ("series_a", "series_b"):
            unknown = (~frame[column].isin(known)).to_numpy().nonzero()[0]
            if len(unknown):
                row = int(unknown[0])
                where = function if single else f"{function} link {row + 1}"
                raise InvalidParameterError(
                    f"{where}: series {frame.at[row, column]!r} is not in the database; "
                    f"add it with add_series first."
                )
        conflict = (" ON CONFLICT (series_a, series_b, kind) DO UPDATE SET note = excluded.note"
                    if replace else "")
        sql = f"INSERT INTO links ({', '.join(LINK_COLUMNS)}) VALUES (?, ?, ?, ?){conflict}"
        db.execute("SAVEPOINT put_links")
        try:
            db.executemany(sql, _records(frame, LINK_COLUMNS))
            db.execute("RELEASE put_links")
        except sqlite3.IntegrityError as error:
            db.execute("ROLLBACK TO put_links")
            db.execute("RELEASE put_links")
            pairs = set(db.execute("SELECT series_a, series_b, kind FROM links"))
            for row, key in enumerate(zip(frame["series_a"], frame["series_b"], frame["kind"],
                                          strict=True)):
                if key in pairs:
                    where = function if single else f"{function} link {row + 1}"
                    raise InvalidParameterError(
                        f"{where}: series {key[0]!r} and {key[1]!r} are already linked as "
                        f"{key[2]}; pass replace=True to update the note."
                    ) from None
            raise InvalidParameterError(f"{function}: {_reason(error)}.") from None
        return len(frame)

    # ------------------------------------------------------------------ VICS
    def import_vics(self, path, series_table=None, *, replace=False):
        """Import a VICS-style JSON file (read by :func:`~vidlab.hashing.hashsets.load_hashset`).

        Parameters
        ----------
        path : str or path-like
            A ``.json`` VICS file; media without hashes vidlab knows are not imported, and
            alternative hashes of other algorithms (PhotoDNA, ...) are dropped.
        series_table : pandas.DataFrame or path, optional
            The series (columns of :meth:`add_series`; a ``.csv`` or ``.parquet`` file is
            read). By default the series in the file's ``"@vidlab.reference"`` annotation
            (written by :meth:`export_vics`); a file without it gives every ``Series`` named
            by its media a new ``unidentified`` series (series already in the database are
            kept as they are).
        replace : bool
            Update series, media and links already in the database.

        Returns
        -------
        dict
            ``{"n_series": ..., "n_media": ..., "n_links": ...}`` rows written. The import
            is one transaction: on any error nothing is written.

        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "case.json").write_text('{"value": [{"MediaID": 7, "Category": 1, '
        ...     '"Series": "S1", "MD5": "900150983CD24FB0D6963F7D28E17F72"}]}')
        >>> with ReferenceDatabase(folder / "db.sqlite") as db:
        ...     db.import_vics(folder / "case.json")
        ...     db.series_table()[["series_id", "status"]].to_dict("records")
        {'n_series': 1, 'n_media': 1, 'n_links': 0}
        [{'series_id': 'S1', 'status': 'unidentified'}]
        """
        if not isinstance(path, str | Path) or Path(path).suffix.lower() != ".json":
            raise InvalidParameterError(
                f"The 'path' parameter of import_vics must name a VICS .json file. "
                f"Got {str(path)!r} instead."
            )
        hashset = load_hashset(path)
        name = Path(path).name
        extension = _read_extension(path)
        quality = None if extension is None else extension.get("pdq_quality", {})
        if quality is not None and not isinstance(quality, dict):
            raise InvalidParameterError(
                f"{name}: '{EXTENSION_KEY}.pdq_quality' must map MediaID to a quality."
            )
        media = _media_from_hashset(hashset, quality)
        links = None
        derived = False
        if series_table is not None:
            if isinstance(series_table, str | Path):
                series_table = read_table(series_table, dtype=str)
            series = _series_frame(series_table, "import_vics", "series_table")
        elif extension is not None:
            series = _series_frame(extension.get("series", []), "import_vics",
                                   f"{name} {EXTENSION_KEY}")
        else:
            ids = sorted(set(media["series_id"]) - {""})
            series = _series_frame([{"series_id": s, "status": "unidentified"} for s in ids],
                                   "import_vics", "series")
            derived = True
        if extension is not None:
            links = _links_frame(pd.DataFrame(extension.get("links", []),
                                              columns=list(LINK_COLUMNS)),
                                 "import_vics", f"{name} {EXTENSION_KEY}")

        def where(frame, row):
            return f"{name} MediaID {frame.at[row, 'media_id']!r}"

        with self._transaction():
            n_series = self._put_series(series, replace, "import_vics", ignore_existing=derived)
            n_media = self._put_media(media, replace, "import_vics", where=where)
            n_links = 0 if links is None else self._put_links(links, replace, "import_vics")
        return {"n_series": int(n_series), "n_media": int(n_media), "n_links": int(n_links)}

    def export_vics(self, path):
        """Write every media to a VICS-style JSON file, with the series, links and PDQ
        qualities in the ``"@vidlab.reference"`` annotation.

        The media are written by :func:`~vidlab.hashing.hashsets.save_hashset`.

        Same database, same bytes. :meth:`import_vics` of the file into an empty database
        gives the same :meth:`series_table`, :meth:`media_table` and :meth:`links`.

        >>> import pathlib, tempfile
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> with ReferenceDatabase(folder / "a.sqlite") as db:
        ...     _ = db.add_series([{"series_id": "S1", "status": "identified", "country": "NL"}])
        ...     _ = db.add_media([{"media_id": "1", "series_id": "S1", "md5": "0" * 32}])
        ...     db.export_vics(folder / "a.json")
        >>> with ReferenceDatabase(folder / "b.sqlite") as copy:
        ...     copy.import_vics(folder / "a.json")
        ...     copy.series_table()[["series_id", "status", "country"]].to_dict("records")
        {'n_series': 1, 'n_media': 1, 'n_links': 0}
        [{'series_id': 'S1', 'status': 'identified', 'country': 'NL'}]
        """
        if Path(path).suffix.lower() != ".json":
            raise InvalidParameterError(
                f"The 'path' parameter of export_vics must name a .json file. "
                f"Got {str(path)!r} instead."
            )
        path = Path(path)
        save_hashset(self.to_hashset(), path)
        text = path.read_text(encoding="utf-8").rstrip()
        if not text.endswith("}"):  # save_hashset writes one JSON object
            raise DatasetError(f"Unexpected VICS output in {str(path)!r}.")
        media = self.media_table()
        known = media[media["pdq_quality"] >= 0]
        encode = json.JSONEncoder(ensure_ascii=False).encode
        series = [encode(dict(zip(SERIES_COLUMNS, record, strict=True)))
                  for record in _records(self.series_table(), SERIES_COLUMNS)]
        links = [encode(dict(zip(LINK_COLUMNS, record, strict=True)))
                 for record in _records(self.links(), LINK_COLUMNS)]
        quality = encode(dict(zip(known["media_id"].tolist(),
                                  known["pdq_quality"].astype(int).tolist(), strict=True)))

        def block(lines):
            return "[\n" + ",\n".join(f"    {line}" for line in lines) + "\n  ]" if lines else "[]"

        extension = (f'{{\n  "format": {encode(_EXTENSION_FORMAT)},\n'
                     f'  "schema_version": {SCHEMA_VERSION},\n'
                     f'  "series": {block(series)},\n  "links": {block(links)},\n'
                     f'  "pdq_quality": {quality}}}')
        path.write_text(f'{text[:-1]},\n "{EXTENSION_KEY}": {extension}}}\n', encoding="utf-8")

    # ------------------------------------------------------------------ reading
    def series_table(self):
        """All series, sorted by ``series_id``: columns :data:`SERIES_COLUMNS` (text).

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> db.series_table().columns.tolist()
        ['series_id', 'status', 'country', 'location', 'case_id', 'notes']
        >>> db.close()
        """
        return self._read(f"SELECT {', '.join(SERIES_COLUMNS)} FROM series ORDER BY series_id",
                          SERIES_COLUMNS)

    def media_table(self):
        """All media, sorted by ``media_id``: columns :data:`MEDIA_COLUMNS`.

        Text columns are empty where unknown; ``pdq_quality`` is an int, -1 where unknown
        (as in a ``vidlab hash`` table).

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_media([{"media_id": "m1", "pdq": "f" * 64, "pdq_quality": 87}])
        >>> db.media_table()[["media_id", "series_id", "pdq_quality"]].to_dict("records")
        [{'media_id': 'm1', 'series_id': '', 'pdq_quality': 87}]
        >>> db.close()
        """
        text = ", ".join(f"coalesce({column}, '')" for column in MEDIA_COLUMNS[:-1])
        return self._read(f"SELECT {text}, coalesce(pdq_quality, -1) FROM media "
                          f"ORDER BY media_id", MEDIA_COLUMNS, ints=("pdq_quality",))

    def links(self, series_id=None):
        """The links (all, or those of one series), sorted: columns :data:`LINK_COLUMNS`."""
        sql = f"SELECT {', '.join(LINK_COLUMNS)} FROM links"
        parameters = ()
        if series_id is not None:
            sql += " WHERE series_a = ? OR series_b = ?"
            parameters = (str(series_id), str(series_id))
        return self._read(sql + " ORDER BY series_a, series_b, kind", LINK_COLUMNS, parameters)

    def stats(self):
        """Counts: series (identified or not), media, links, hashes per algorithm, media per
        category, and per country (sorted): ``{country: {n_series, n_identified, n_media}}``.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_series([{"series_id": "S1", "status": "identified", "country": "NL"}])
        >>> _ = db.add_media([{"media_id": "m1", "series_id": "S1", "md5": "0" * 32}])
        >>> stats = db.stats()
        >>> stats["countries"], stats["n_hashes"]["md5"], stats["n_media_identified"]
        ({'NL': {'n_series': 1, 'n_identified': 1, 'n_media': 1}}, 1, 1)
        >>> db.close()
        """
        db = self._db
        n_series, n_identified = db.execute(
            "SELECT count(*), coalesce(sum(status = 'identified'), 0) FROM series").fetchone()
        hash_counts = ", ".join(f"count({name})" for name in ALGORITHMS)
        n_media, *counts = db.execute(f"SELECT count(*), {hash_counts} FROM media").fetchone()
        n_media_identified = self._scalar(
            "SELECT count(*) FROM media JOIN series USING (series_id) "
            "WHERE status = 'identified'")
        categories = dict(db.execute(
            "SELECT category, count(*) FROM media GROUP BY category ORDER BY category"))
        countries = {}
        for country, n_s, n_i, n_m in db.execute(
                "SELECT s.country, count(*), sum(s.status = 'identified'), "
                "coalesce(sum(m.n), 0) FROM series s LEFT JOIN "
                "(SELECT series_id, count(*) AS n FROM media GROUP BY series_id) m "
                "USING (series_id) GROUP BY s.country ORDER BY s.country"):
            countries[country] = {"n_series": n_s, "n_identified": n_i, "n_media": n_m}
        return {
            "schema_version": self.schema_version,
            "n_series": n_series,
            "n_identified": n_identified,
            "n_unidentified": n_series - n_identified,
            "n_media": n_media,
            "n_media_identified": n_media_identified,
            "n_media_without_series": self._scalar(
                "SELECT count(*) FROM media WHERE series_id IS NULL"),
            "n_links": self._scalar("SELECT count(*) FROM links"),
            "n_hashes": dict(zip(ALGORITHMS, counts, strict=True)),
            "categories": categories,
            "countries": countries,
        }

    # ------------------------------------------------------------------ matching
    def to_hashset(self, algorithms=None):
        """The media's hashes as a :class:`~vidlab.hashing.hashsets.HashSet`.

        ``id`` is the media id, ``label`` its category, ``series`` its series id; rows are
        sorted by media id, then algorithm. ``algorithms`` (a list or comma-separated text)
        keeps only some; by default every algorithm. The result goes to
        :func:`vidlab.hashing.matching.match_hashes`.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_media([{"media_id": "m1", "md5": "0" * 32, "phash": "f" * 16}])
        >>> db.to_hashset()
        HashSet('reference database db.sqlite': 1 item, 2 hashes of md5, phash)
        >>> db.to_hashset("phash").frame[["id", "algorithm", "hash"]].to_dict("records")
        [{'id': 'm1', 'algorithm': 'phash', 'hash': 'ffffffffffffffff'}]
        >>> db.close()
        """
        names = _algorithms(algorithms, ALGORITHMS, "to_hashset", "algorithms")
        columns = self._columns(f"SELECT media_id, category, coalesce(series_id, ''), "
                                f"{', '.join(names)} FROM media ORDER BY media_id")
        ids, labels, series = (np.array(column, dtype=object) for column in columns[:3])
        rows, orders, hashes = [], [], []
        for order, values in enumerate(columns[3:]):
            values = np.array(values, dtype=object)
            present = (values != None).nonzero()[0]  # noqa: E711  (elementwise: not NULL)
            rows.append(present)
            orders.append(np.full(len(present), order))
            hashes.append(values[present])
        rows, orders = np.concatenate(rows), np.concatenate(orders)
        sort = np.lexsort((orders, rows))  # media order, then algorithm order
        rows = rows[sort]
        frame = pd.DataFrame({"id": ids[rows], "algorithm": np.array(names)[orders[sort]],
                              "hash": np.concatenate(hashes)[sort], "label": labels[rows],
                              "series": series[rows]})
        return HashSet(frame, source=f"reference database {self.path.name}")

    def _read(self, sql, columns, parameters=(), ints=()):
        """A query's rows as a DataFrame: text columns (str), ``ints`` as int64."""
        values = self._columns(sql, parameters)
        return pd.DataFrame({name: pd.Series(column, dtype="int64" if name in ints else str)
                             for name, column in zip(columns, values, strict=True)})

    def _columns(self, sql, parameters=()):
        """The result of a query as one list per column (empty lists if no row)."""
        cursor = self._db.execute(sql, parameters)
        rows = cursor.fetchall()
        if not rows:
            return [[] for _ in cursor.description]
        return [list(column) for column in zip(*rows, strict=True)]

    def hash_index(self, algorithm="pdq", *, min_quality=None):
        """A :class:`~vidlab.hashing.index.HashIndex` of one perceptual algorithm's hashes.

        Returns ``(index, media_ids)``: the index's ids are row numbers ``0 .. n-1`` into
        ``media_ids`` (a numpy array of str, sorted). With ``min_quality``, PDQ hashes of
        lower (or unknown) quality are left out.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_media([{"media_id": "a", "phash": "ffff0000ffff0000"},
        ...                   {"media_id": "b", "phash": "0000000000000000"}])
        >>> index, media_ids = db.hash_index("phash")
        >>> query, rows, distance = index.search_radius("ffff0000ffff0001", radius=4)
        >>> media_ids[rows].tolist(), distance.tolist()
        (['a'], [1])
        >>> db.close()
        """
        from vidlab.hashing.index import HashIndex

        (name,) = _algorithms(algorithm, PERCEPTUAL_ALGORITHMS, "hash_index", "algorithm",
                              single=True)
        sql = f"SELECT media_id, {name} FROM media WHERE {name} IS NOT NULL"
        parameters = ()
        if min_quality is not None:
            if (not isinstance(min_quality, int | np.integer) or isinstance(min_quality, bool)
                    or not 0 <= min_quality <= 100 or name != "pdq"):
                raise InvalidParameterError(
                    f"The 'min_quality' parameter of hash_index must be an int in [0, 100] "
                    f"(PDQ only). Got {min_quality!r} for {name} instead."
                )
            sql += " AND pdq_quality >= ?"
            parameters = (int(min_quality),)
        rows = self._db.execute(sql + " ORDER BY media_id", parameters).fetchall()
        nbytes = HEX_DIGITS[name] // 2
        index = HashIndex(8 * nbytes)
        media_ids = np.array([row[0] for row in rows], dtype=object)
        if rows:
            packed = np.frombuffer(bytes.fromhex("".join(row[1] for row in rows)),
                                   dtype=np.uint8).reshape(len(rows), nbytes)
            index.add(packed)
        return index, media_ids

    def lookup_exact(self, values, algorithm="sha256"):
        """Find media by cryptographic hash (``sha256``, ``md5`` or ``sha1``).

        Returns one row per (query value, matching media), columns :data:`LOOKUP_COLUMNS`
        (``query`` is the value's position in ``values``), sorted by query then media id;
        values without a match give no row. Hex may be in any case.

        >>> import pathlib, tempfile
        >>> db = ReferenceDatabase(pathlib.Path(tempfile.mkdtemp()) / "db.sqlite")
        >>> _ = db.add_media([{"media_id": "m1", "sha256": "ab" * 32}])
        >>> db.lookup_exact(["cd" * 32, "AB" * 32])[["query", "media_id"]].to_dict("records")
        [{'query': 1, 'media_id': 'm1'}]
        >>> db.lookup_exact(["abc"], "md5")  # doctest: +NORMALIZE_WHITESPACE
        Traceback (most recent call last):
        vidlab.exceptions.InvalidParameterError: The 'values' parameter of lookup_exact must
        hold md5 hashes of 32 hex digits; value 1 is 'abc'.
        >>> db.close()
        """
        (name,) = _algorithms(algorithm, EXACT_ALGORITHMS, "lookup_exact", "algorithm",
                              single=True)
        if isinstance(values, str):
            values = [values]
        try:
            hashes = pd.Series(list(values), dtype=object)
        except TypeError:
            raise InvalidParameterError(
                f"The 'values' parameter of lookup_exact must be a list of hex strings. "
                f"Got {type(values).__name__} instead."
            ) from None
        hashes = _text(hashes).str.strip().str.lower()
        digits = HEX_DIGITS[name]
        bad = ((hashes.str.len() != digits) | ~hashes.str.fullmatch(r"[0-9a-f]*")).to_numpy()
        if bad.any():
            row = int(bad.nonzero()[0][0])
            raise InvalidParameterError(
                f"The 'values' parameter of lookup_exact must hold {name} hashes of {digits} "
                f"hex digits; value {row + 1} is {hashes[row][:80]!r}."
            )
        db = self._db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS lookup_query "
                   "(query INTEGER PRIMARY KEY, hash TEXT NOT NULL)")
        db.execute("BEGIN")
        try:
            db.execute("DELETE FROM lookup_query")
            db.executemany("INSERT INTO lookup_query VALUES (?, ?)", enumerate(hashes.tolist()))
            found = self._read(
                f"SELECT q.query, q.hash, m.media_id, coalesce(m.series_id, ''), m.category, "
                f"coalesce(s.status, ''), coalesce(s.country, ''), coalesce(s.location, ''), "
                f"coalesce(s.case_id, '') FROM lookup_query q "
                f"JOIN media m ON m.{name} = q.hash "
                f"LEFT JOIN series s ON s.series_id = m.series_id "
                f"ORDER BY q.query, m.media_id", LOOKUP_COLUMNS, ints=("query",))
            db.execute("DELETE FROM lookup_query")
        finally:
            db.execute("COMMIT")
        return found


# ---------------------------------------------------------------------- input frames


def _row(frame, row):
    return f"row {row + 1} (media {frame.at[row, 'media_id']!r})"


def _reason(error):
    return " ".join(str(error).split()) or type(error).__name__


def _text(values):
    if isinstance(values.dtype, pd.StringDtype) and not values.hasnans:
        return values
    values = values.astype(object)
    return values.where(values.notna(), "").astype(str)



def _as_frame(rows, function, parameter):
    if isinstance(rows, pd.DataFrame):
        return rows.reset_index(drop=True)
    if isinstance(rows, list | tuple) and all(isinstance(row, dict) for row in rows):
        return pd.DataFrame(list(rows))
    raise InvalidParameterError(
        f"The {parameter!r} parameter of {function} must be a pandas DataFrame or a list of "
        f"dicts. Got {type(rows).__name__} instead."
    )


def _checked(rows, required, allowed, function, parameter):
    """The rows as a DataFrame of stripped text with every ``allowed`` column."""
    frame = _as_frame(rows, function, parameter)
    if len(frame.columns) == 0 and len(frame) == 0:
        frame = pd.DataFrame({column: [] for column in required})
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    require_columns(frame, required, function, parameter)
    unknown = [column for column in frame.columns if column not in allowed]
    if unknown:
        raise InvalidParameterError(
            f"The {parameter!r} parameter of {function} has unknown column"
            f"{'s' * (len(unknown) > 1)} {', '.join(unknown)}; the columns are "
            f"{', '.join(allowed)}."
        )
    frame = frame.copy()
    for column in frame.columns:
        if column != "pdq_quality":
            frame[column] = _text(frame[column]).str.strip()
    return frame


def _first(mask):
    bad = np.asarray(mask).nonzero()[0]
    return int(bad[0]) if len(bad) else None


def _series_frame(rows, function, parameter):
    frame = _checked(rows, ("series_id", "status"), SERIES_COLUMNS, function, parameter)
    for column in SERIES_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = frame[list(SERIES_COLUMNS)]
    frame["status"] = frame["status"].str.lower()
    where = function if parameter == "rows" else f"{function} {parameter}"

    def fail(row, message):
        raise InvalidParameterError(f"{where} row {row + 1}{message}")

    if (row := _first(frame["series_id"] == "")) is not None:
        fail(row, ": 'series_id' is empty.")
    if (row := _first(~frame["status"].isin(STATUSES))) is not None:
        fail(row, f" (series {frame.at[row, 'series_id']!r}): 'status' must be "
                  f"{' or '.join(STATUSES)}; got {frame.at[row, 'status']!r}.")
    if (row := _first(frame["series_id"].duplicated())) is not None:
        fail(row, f": series {frame.at[row, 'series_id']!r} is listed twice.")
    return frame


def _media_frame(rows, function, parameter):
    frame = _checked(rows, ("media_id",), MEDIA_COLUMNS, function, parameter)
    where = f"{function} {parameter}" if parameter != "rows" else function

    def fail(row, message):
        raise InvalidParameterError(
            f"{where} row {row + 1} (media {frame.at[row, 'media_id']!r}): {message}")

    if (row := _first(frame["media_id"] == "")) is not None:
        raise InvalidParameterError(f"{where} row {row + 1}: 'media_id' is empty.")
    if (row := _first(frame["media_id"].duplicated())) is not None:
        fail(row, "listed twice.")
    hashes = [name for name in ALGORITHMS if name in frame.columns]
    for name in hashes:
        values = frame[name].str.lower()
        frame[name] = values
        given = values != ""
        digits = HEX_DIGITS[name]
        bad = given & ((values.str.len() != digits) | ~values.str.fullmatch(r"[0-9a-f]*"))
        if (row := _first(bad)) is not None:
            fail(row, f"{name!r} must be {digits} hex digits; got {values[row][:80]!r}.")
    if hashes:
        has_hash = np.logical_or.reduce([(frame[name] != "").to_numpy() for name in hashes])
    else:
        has_hash = np.zeros(len(frame), dtype=bool)
    if (row := _first(~has_hash)) is not None:
        fail(row, f"no hash; give at least one of {', '.join(ALGORITHMS)}.")
    if "category" in frame.columns:
        labels = {value: _category(value) for value in frame["category"].unique()}
        canonical = frame["category"].map(labels)
        if (row := _first(canonical.isna())) is not None:
            fail(row, f"'category' must be one of {', '.join(CATEGORY_LABELS.values())} or a "
                      f"VICS category number; got {frame.at[row, 'category']!r}.")
        frame["category"] = canonical
    if "pdq_quality" in frame.columns:
        column = frame["pdq_quality"]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            quality, given = column.astype(float), column.notna()
        else:
            raw = _text(column).str.strip()
            quality = pd.to_numeric(raw.replace("", np.nan), errors="coerce")
            given = raw != ""
        bad = given & (quality.isna() | (quality % 1 != 0)
                       | ((quality != -1) & ~quality.between(0, 100)))
        if (row := _first(bad)) is not None:
            fail(row, f"'pdq_quality' must be an int in [0, 100] (or -1, or empty, when "
                      f"unknown); got {column[row]!r}.")
        frame["pdq_quality"] = [None if q != q or q == -1 else int(q) for q in quality]
    return frame[[c for c in MEDIA_COLUMNS if c in frame.columns]]


def _category(value):
    """The canonical label of a category (``"1"`` and ``"CSAM"`` give ``"csam"``), or None."""
    if value == "":
        return ""
    code = category_code(value)
    if code is None:
        return None
    return CATEGORY_LABELS.get(code, str(code))


def _links_frame(rows, function, parameter, single=False):
    frame = _checked(rows, ("series_a", "series_b", "kind"), LINK_COLUMNS, function, parameter)
    if "note" not in frame.columns:
        frame["note"] = ""
    frame = frame[list(LINK_COLUMNS)]
    frame["kind"] = frame["kind"].str.lower()

    def fail(row, message):
        where = function if single else f"{parameter} link {row + 1}"
        raise InvalidParameterError(f"{where}: {message}")

    if (row := _first(~frame["kind"].isin(LINK_KINDS))) is not None:
        fail(row, f"'kind' must be one of {', '.join(LINK_KINDS)}; got "
                  f"{frame.at[row, 'kind']!r}.")
    if (row := _first((frame["series_a"] == "") | (frame["series_b"] == ""))) is not None:
        fail(row, "a link needs two series ids.")
    if (row := _first(frame["series_a"] == frame["series_b"])) is not None:
        fail(row, f"cannot link series {frame.at[row, 'series_a']!r} to itself.")
    swap = frame["series_a"] > frame["series_b"]
    frame.loc[swap, ["series_a", "series_b"]] = frame.loc[swap, ["series_b", "series_a"]].values
    if (row := _first(frame.duplicated(["series_a", "series_b", "kind"]))) is not None:
        fail(row, f"series {frame.at[row, 'series_a']!r} and {frame.at[row, 'series_b']!r} "
                  f"are linked as {frame.at[row, 'kind']} twice.")
    return frame


def _records(frame, columns, nullable=False):
    """Rows as tuples for ``executemany``; with ``nullable``, empty text becomes NULL
    (hashes and series ids; categories stay text)."""
    values = []
    for column in columns:
        series = frame[column]
        if nullable and column not in ("media_id", "category", "pdq_quality"):
            values.append([value or None for value in series.tolist()])
        else:
            values.append(series.tolist())
    return list(zip(*values, strict=True))


def _existing(db, table, column, ids):
    """``(row, id)`` of the first of ``ids`` already in ``table``, or None."""
    present = {row[0] for row in db.execute(f"SELECT {column} FROM {table}")}
    hits = ids.isin(present).to_numpy().nonzero()[0]
    if len(hits):
        return int(hits[0]), ids.iloc[int(hits[0])]
    return None


def _algorithms(names, allowed, function, parameter, single=False):
    if names is None:
        return allowed
    chosen = parse_algorithms(names, allowed, function=function, parameter=parameter)
    if single and len(chosen) != 1:
        raise InvalidParameterError(
            f"The {parameter!r} parameter of {function} must name one algorithm. "
            f"Got {names!r} instead."
        )
    return chosen


def _media_from_hashset(hashset, quality=None):
    """One row per item of ``hashset``: ``media_id, series_id, category``, its hashes and,
    with ``quality`` (``{media id: PDQ quality}``), ``pdq_quality``."""
    frame = hashset.frame
    columns = ["media_id", "series_id", "category", *ALGORITHMS]
    if frame.empty:
        return pd.DataFrame({column: pd.Series([], dtype=object) for column in columns})
    first = frame.groupby("id", sort=True)[["label", "series"]].first()
    wide = frame.pivot(index="id", columns="algorithm", values="hash").reindex(first.index)
    media = pd.DataFrame({"media_id": first.index.to_numpy(),
                          "series_id": first["series"].to_numpy(),
                          "category": first["label"].to_numpy()})
    for name in ALGORITHMS:
        media[name] = _text(wide[name]).to_numpy() if name in wide.columns else ""
    if quality is not None:
        quality = {str(key): value for key, value in quality.items()}
        media["pdq_quality"] = [quality.get(item, "") for item in media["media_id"]]
    return _media_frame(media, "import_vics", hashset.source)


def _read_extension(path):
    """The ``"@vidlab.reference"`` annotation of a VICS file, or None."""
    # load_hashset has read and checked the whole file; export_vics writes the annotation
    # last, so it is decoded from there (the file is parsed again only if it is elsewhere)
    text = Path(path).read_text(encoding="utf-8-sig")
    key = json.dumps(EXTENSION_KEY)
    start = text.rfind(key)
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    colon = text[start + len(key):].lstrip()
    try:
        if not colon.startswith(":"):
            raise ValueError("not a key")
        extension, _ = decoder.raw_decode(colon[1:].lstrip())
    except ValueError:
        extension = json.loads(text).get(EXTENSION_KEY)
    if extension is None:
        return None
    if not isinstance(extension, dict) or extension.get("format") != _EXTENSION_FORMAT:
        raise InvalidParameterError(
            f"{Path(path).name}: '{EXTENSION_KEY}' is not a vidlab reference annotation."
        )
    version = extension.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise InvalidParameterError(
            f"{Path(path).name}: '{EXTENSION_KEY}' has schema version {version!r}, newer than "
            f"this vidlab reads (up to {SCHEMA_VERSION}): import it with a newer vidlab."
        )
    return extension
