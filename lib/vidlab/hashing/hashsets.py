"""Hash sets of known material: a CSV table or a VICS-style JSON file, read and written.

A hash set lists known items and the hashes they are known by. In memory it is a
:class:`HashSet`, a thin wrapper over a pandas DataFrame with one row per (item, algorithm):

``id``
    the item's identifier (text; VICS ``MediaID``). An item may have one hash per algorithm.
``algorithm``
    one of :data:`ALGORITHMS` (``md5, sha1, sha256, ahash, dhash, phash, pdq``).
``hash``
    lower-case hex of the algorithm's length (:data:`HEX_DIGITS`: md5 32, sha1 40,
    sha256 64, aHash/dHash/pHash 16, PDQ 64).
``label``
    the item's category label (:data:`CATEGORY_LABELS`, or any text); empty if unknown.
``series``
    the series (set of related items) the item belongs to; empty if unknown.

On disk a hash set is either that table as CSV, or a VICS-style JSON file as the Project VIC
data model writes it (2.0: ``{"@odata.context": ".../2.0.xml/.../$metadata#Media",
"value": [media, ...]}``; the 1.x ``"odata.metadata"`` form and case files that nest media in
``value[*].Media`` are read too). Each media object gives ``MediaID``, ``Category``,
``Series``, ``MD5``, ``SHA1`` (``SHA256`` if present) and ``AlternativeHashes`` (a list of
``{"HashName": ..., "HashValue": ...}``); alternative hashes named PDQ, pHash, dHash or aHash
(any case) become rows; others (PhotoDNA, ...) are kept in :attr:`HashSet.other` and written
back to JSON, but never matched. Hex is read in any case and stored lower-case.

Category codes follow the Project VIC (VICS 2.0, US) presets; :data:`CATEGORY_LABELS` gives the
labels used in the CSV form. vidlab's hash sets are synthetic: their items are generated
pictures of rooms, objects and patterns, and the labels are exercise data.

====  =================  ======================================================================
code  label              meaning
====  =================  ======================================================================
0     non-pertinent      not relevant to the investigation
1     csam               child sexual abuse material (CSAM)
2     exploitative       child exploitative or age-difficult material that is not CSAM
3     cgi-animation      computer-generated or animated child exploitative material
4     comparison         comparison images, used to compare and link scenes (non-pertinent)
5     uncategorized      not yet categorised (VICS also writes ``null``)
====  =================  ======================================================================

Every problem in a file is one error line naming the file, the row and the field:

>>> import pathlib, tempfile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "known.csv").write_text(
...     "id,algorithm,hash,label,series\\n"
...     "1,md5,900150983cd24fb0d6963f7d28e17f72,csam,S1\\n"
...     "1,phash,ffff0000ffff0000,csam,S1\\n")
>>> known = load_hashset(folder / "known.csv")
>>> len(known), known.algorithms
(2, ('md5', 'phash'))
>>> save_hashset(known, folder / "known.json")
>>> load_hashset(folder / "known.json").frame.equals(known.frame)
True
>>> _ = (folder / "bad.csv").write_text("id,algorithm,hash\\n7,pdq,ff\\n")
>>> try:
...     load_hashset(folder / "bad.csv")
... except InvalidParameterError as error:
...     print(error)
bad.csv line 2: 'hash' of a pdq hash must be 64 hex digits; got 2.
"""

import json
from pathlib import Path

import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = [
    "ALGORITHMS",
    "CATEGORY_DESCRIPTIONS",
    "CATEGORY_LABELS",
    "COLUMNS",
    "HEX_DIGITS",
    "HashSet",
    "category_code",
    "load_hashset",
    "save_hashset",
]

ALGORITHMS = ("md5", "sha1", "sha256", "ahash", "dhash", "phash", "pdq")
EXACT_ALGORITHMS = ("md5", "sha1", "sha256")
PERCEPTUAL_ALGORITHMS = ("ahash", "dhash", "phash", "pdq")
HEX_DIGITS = {"md5": 32, "sha1": 40, "sha256": 64, "ahash": 16, "dhash": 16, "phash": 16,
              "pdq": 64}
COLUMNS = ("id", "algorithm", "hash", "label", "series")
REQUIRED_COLUMNS = ("id", "algorithm", "hash")
FORMATS = (".csv", ".json")

CATEGORY_LABELS = {0: "non-pertinent", 1: "csam", 2: "exploitative", 3: "cgi-animation",
                   4: "comparison", 5: "uncategorized"}
CATEGORY_DESCRIPTIONS = {
    0: "Non-pertinent: not relevant to the investigation",
    1: "Child sexual abuse material (CSAM)",
    2: "Child exploitative or age-difficult material that is not CSAM",
    3: "Computer-generated or animated child exploitative material",
    4: "Comparison images, used to compare and link scenes (non-pertinent)",
    5: "Uncategorized: not yet categorised",
}

VICS_CONTEXT = "http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/CUSTOM/$metadata#Media"
# Top-level fields of a VICS media object, and the HashName of the others.
_VICS_FIELDS = {"md5": "MD5", "sha1": "SHA1", "sha256": "SHA256"}
_VICS_HASH_NAMES = {"pdq": "PDQ", "phash": "pHash", "dhash": "dHash", "ahash": "aHash",
                    "md5": "MD5", "sha1": "SHA1", "sha256": "SHA256"}
_OTHER_COLUMNS = ("id", "name", "value", "label", "series")


def category_code(label):
    """Return the VICS ``Category`` number of a label (``None`` for an empty label).

    A label that is a number (``"7"``) gives that number; any other text gives ``None``.

    >>> category_code("csam"), category_code("4"), category_code(""), category_code("other")
    (1, 4, None, None)
    """
    label = str(label).strip()
    for code, name in CATEGORY_LABELS.items():
        if label.lower() == name:
            return code
    return int(label) if label.isdigit() else None


def _category_label(code):
    if code is None or code == "":
        return ""
    if isinstance(code, float) and code.is_integer() and code >= 0:
        code = int(code)
    if isinstance(code, bool) or not isinstance(code, int | str) or not str(code).isdigit():
        return None  # caller reports it
    return CATEGORY_LABELS.get(int(code), str(int(code)))



class _Rows:
    """Names rows and fields in error messages: ``row N`` of an in-memory frame."""

    def __init__(self, source):
        self.source = source

    def position(self, row):
        return f"row {row + 1}"

    def where(self, row):
        return f"{self.source} {self.position(row)}"

    def field(self, row, column):
        return column


class _CsvLines(_Rows):
    """Rows of a CSV file are named by their 1-based line number (the header is line 1)."""

    def position(self, row):
        return f"line {row + 2}"


class _JsonMedia(_Rows):
    """Rows read from VICS JSON are named by their media object and JSON field."""

    _FIELDS = {"id": "MediaID", "label": "Category", "series": "Series"}

    def __init__(self, source, positions, ids, hash_fields):
        super().__init__(source)
        self.positions, self.ids, self.hash_fields = positions, ids, hash_fields

    def position(self, row):
        return self.positions[row]

    def where(self, row):
        return f"{self.source} {self.positions[row]} (MediaID {self.ids[row]})"

    def field(self, row, column):
        return self._FIELDS.get(column) or self.hash_fields[row]


class HashSet:
    """A hash set: a DataFrame with columns :data:`COLUMNS`, validated, all text.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``id, algorithm, hash`` and optionally ``label, series`` (missing ones become
        empty); extra columns are kept. Hex may be in any case; it is stored lower-case.
    source : str
        Name used in error messages (the file name when loaded from a file).
    other : pandas.DataFrame, optional
        Alternative hashes of algorithms vidlab does not match (``id, name, value, label,
        series``); kept so that VICS JSON round-trips.

    Attributes: ``frame``, ``source``, ``other``.

    >>> hs = HashSet(pd.DataFrame({"id": ["a", "b"], "algorithm": ["PDQ", "md5"],
    ...                            "hash": ["F" * 64, "0" * 32], "label": ["csam", ""]}))
    >>> hs.frame.columns.tolist(), hs.frame["hash"].str.slice(0, 4).tolist()
    (['id', 'algorithm', 'hash', 'label', 'series'], ['ffff', '0000'])
    >>> hs.for_algorithm("pdq")["id"].tolist(), hs.algorithms
    (['a'], ('md5', 'pdq'))
    >>> HashSet(pd.DataFrame({"id": ["a"], "algorithm": ["sha512"], "hash": ["00"]}))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: hash set row 1: 'algorithm' must be one of ...
    """

    def __init__(self, frame, source="hash set", other=None, *, _rows=None):
        if not isinstance(frame, pd.DataFrame):
            raise InvalidParameterError(
                f"The 'frame' parameter of HashSet must be a pandas DataFrame. "
                f"Got {type(frame).__name__} instead."
            )
        self.source = str(source)
        self.frame = _validated(frame, _rows or _Rows(self.source))
        if other is None:
            other = pd.DataFrame({column: [] for column in _OTHER_COLUMNS}, dtype=str)
        self.other = other.reset_index(drop=True)

    def __len__(self):
        return len(self.frame)

    def __repr__(self):
        n_items = self.frame["id"].nunique()
        return (f"HashSet({self.source!r}: {n_items} item{'s' * (n_items != 1)}, "
                f"{len(self)} hash{'es' * (len(self) != 1)} of "
                f"{', '.join(self.algorithms) or 'no algorithm'})")

    @property
    def algorithms(self):
        """The algorithms that have at least one hash, in :data:`ALGORITHMS` order."""
        present = set(self.frame["algorithm"].unique().tolist())
        return tuple(name for name in ALGORITHMS if name in present)

    def for_algorithm(self, name):
        """The rows of one algorithm (a new DataFrame with a fresh index)."""
        key = str(name).strip().lower()
        if key not in ALGORITHMS:
            raise InvalidParameterError(
                f"The 'name' parameter of HashSet.for_algorithm must be one of "
                f"{', '.join(ALGORITHMS)}. Got {name!r} instead."
            )
        return self.frame[self.frame["algorithm"] == key].reset_index(drop=True)


def _as_text(value):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _validated(frame, rows):
    """Check and normalise ``frame``; the first problem (by row) raises one clear line."""
    frame = frame.copy()
    frame.columns = [str(column).strip().lower() for column in frame.columns]
    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"{rows.source}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(c) for c in missing)}; a hash set has the columns "
            f"{', '.join(COLUMNS)} (label and series may be left out)."
        )
    for column in COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    extra = [column for column in frame.columns if column not in COLUMNS]
    frame = frame[[*COLUMNS, *extra]].reset_index(drop=True)
    for column in frame.columns:
        values = frame[column].astype(object)
        frame[column] = values.where(values.notna(), "").astype(str)
    for column in ("id", "label", "series"):
        frame[column] = frame[column].str.strip()
    frame["algorithm"] = frame["algorithm"].str.strip().str.lower()
    frame["hash"] = frame["hash"].str.strip().str.lower()

    problems = []  # (row, column, message(row, field)) of the first row of each kind

    def check(mask, column, message):
        bad = mask.to_numpy().nonzero()[0]
        if len(bad):
            problems.append((int(bad[0]), column, message))

    algorithm, hashes = frame["algorithm"], frame["hash"]
    check(frame["id"] == "", "id",
          lambda row, field: f"{field} is empty; every hash needs the id of its item.")
    known = algorithm.isin(ALGORITHMS)
    check(~known, "algorithm", lambda row, field: (
        f"{field} must be one of {', '.join(ALGORITHMS)}; got {algorithm[row]!r}."))
    expected, lengths = algorithm.map(HEX_DIGITS), hashes.str.len()
    check(known & (lengths != expected), "hash", lambda row, field: (
        f"{field} of {_an(algorithm[row])} hash must be {HEX_DIGITS[algorithm[row]]} hex digits; "
        f"got {lengths[row]}."))
    check(known & (lengths == expected) & ~hashes.str.fullmatch(r"[0-9a-f]*"), "hash",
          lambda row, field: (
              f"{field} of {_an(algorithm[row])} hash must be hex digits (0-9, a-f); "
              f"got {hashes[row]!r}."))
    check(frame.duplicated(["id", "algorithm"]) & (frame["id"] != ""), "id",
          lambda row, field: _duplicate(frame, row, field, rows))
    for column in ("label", "series"):
        first_value = frame.groupby("id", sort=False)[column].transform("first")
        check(frame[column] != first_value, column,
              lambda row, field, column=column: _conflict(frame, row, column, field, rows))
    if problems:
        row, column, message = min(problems, key=lambda problem: problem[0])
        field = repr(rows.field(row, column))
        raise InvalidParameterError(f"{rows.where(row)}: {message(row, field)}")
    return frame


def _an(algorithm):
    """The algorithm's name with its article, as it is read aloud: "an md5", "a pdq"."""
    return f"{'an' if algorithm in ('md5', 'ahash') else 'a'} {algorithm}"


def _first_row(frame, item, algorithm=None):
    mask = frame["id"] == item
    if algorithm is not None:
        mask &= frame["algorithm"] == algorithm
    return int(mask.to_numpy().nonzero()[0][0])


def _duplicate(frame, row, field, rows):
    item, algorithm = frame.at[row, "id"], frame.at[row, "algorithm"]
    first = _first_row(frame, item, algorithm)
    return (f"duplicate {field}: item {item!r} already has {_an(algorithm)} hash "
            f"({rows.position(first)}).")


def _conflict(frame, row, column, field, rows):
    item = frame.at[row, "id"]
    first = _first_row(frame, item)
    return (f"{field} of item {item!r} is {frame.at[row, column]!r} here but "
            f"{frame.at[first, column]!r} on {rows.position(first)}; all hashes of an item "
            f"share its {column}.")


# ------------------------------------------------------------------------------ reading


def _format_of(path, parameter):
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InvalidParameterError(
            f"The {parameter!r} parameter must name a .csv or .json hash set. "
            f"Got {str(path)!r} instead."
        )
    return suffix


def load_hashset(path):
    """Read a hash set from a ``.csv`` or VICS-style ``.json`` file (see the module docstring).

    Raises :class:`~vidlab.exceptions.InvalidParameterError` with one line naming the file,
    the line (CSV) or media object (JSON) and the field of the first problem.
    """
    fmt = _format_of(path, "path")
    path = Path(path)
    if not path.is_file():
        raise InvalidParameterError(f"Hash set {str(path)!r} does not exist.")
    if fmt == ".csv":
        return _load_csv(path)
    return _load_json(path)


def _load_csv(path):
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except (ValueError, OSError, UnicodeDecodeError) as error:
        reason = " ".join(str(error).split())[:200]
        raise InvalidParameterError(f"Cannot read hash set {str(path)!r}: {reason}") from None
    return HashSet(frame, source=path.name, _rows=_CsvLines(path.name))


def _load_json(path):
    name = path.name
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, OSError) as error:
        reason = " ".join(str(error).split())[:200]
        raise InvalidParameterError(f"{name}: not valid JSON ({reason}).") from None
    value = document.get("value") if isinstance(document, dict) else None
    if not isinstance(value, list):
        raise InvalidParameterError(
            f"{name}: not a VICS hash set: expected an object with a 'value' list of media "
            f"objects (Project VIC JSON)."
        )
    records, positions, ids, fields, other = [], [], [], [], []
    for position, media in _iter_media(value, name):
        media_id = media.get("MediaID")
        if media_id is None or isinstance(media_id, bool | dict | list) or str(media_id) == "":
            raise InvalidParameterError(f"{name} {position}: 'MediaID' is missing or empty.")
        item = str(media_id).strip()
        label = _category_label(media.get("Category"))
        if label is None:
            raise InvalidParameterError(
                f"{name} {position} (MediaID {item}): 'Category' must be a whole number such "
                f"as 1, or null; got {media.get('Category')!r}."
            )
        series = _as_text(media.get("Series"))
        seen = set()

        def add(algorithm, value, field, item=item, label=label, series=series, seen=seen,
                position=position):
            text = _as_text(value).strip()
            if (algorithm, text.lower()) in seen:
                return  # VICS 1.x repeats SHA1 among the alternative hashes
            seen.add((algorithm, text.lower()))
            records.append((item, algorithm, text, label, series))
            positions.append(position)
            ids.append(item)
            fields.append(field)

        for algorithm, field in _VICS_FIELDS.items():
            if _as_text(media.get(field)).strip():
                add(algorithm, media[field], field)
        alternatives = media.get("AlternativeHashes") or []
        if not isinstance(alternatives, list):
            raise InvalidParameterError(
                f"{name} {position} (MediaID {item}): 'AlternativeHashes' must be a list of "
                f"{{'HashName': ..., 'HashValue': ...}} objects."
            )
        for k, alternative in enumerate(alternatives):
            field = f"AlternativeHashes[{k}]"
            if not isinstance(alternative, dict) or "HashName" not in alternative:
                raise InvalidParameterError(
                    f"{name} {position} (MediaID {item}): {field!r} must be an object with "
                    f"'HashName' and 'HashValue'."
                )
            hash_name = _as_text(alternative.get("HashName")).strip()
            value_text = _as_text(alternative.get("HashValue"))
            algorithm = hash_name.lower()
            if algorithm in ALGORITHMS:
                add(algorithm, value_text, f"{field}.HashValue")
            else:
                other.append((item, hash_name, value_text, label, series))
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    other = pd.DataFrame.from_records(other, columns=list(_OTHER_COLUMNS))
    return HashSet(frame, source=name, other=other.astype(str),
                   _rows=_JsonMedia(name, positions, ids, fields))


def _iter_media(value, name):
    """Yield ``(position, media)``: media listed in ``value`` or nested in cases' ``Media``."""
    for i, entry in enumerate(value):
        if not isinstance(entry, dict):
            raise InvalidParameterError(
                f"{name} value[{i}]: expected a media object; got {type(entry).__name__}."
            )
        if isinstance(entry.get("Media"), list):  # a case file: value[i].Media[j]
            for j, media in enumerate(entry["Media"]):
                if not isinstance(media, dict):
                    raise InvalidParameterError(
                        f"{name} value[{i}].Media[{j}]: expected a media object; "
                        f"got {type(media).__name__}."
                    )
                yield f"value[{i}].Media[{j}]", media
        else:
            yield f"value[{i}]", entry


# ------------------------------------------------------------------------------ writing


def save_hashset(hashset, path):
    """Write ``hashset`` to ``path`` as CSV or VICS-style JSON, by suffix.

    CSV holds every column (alternative hashes of unknown algorithms are not written). JSON
    writes one media object per item (Project VIC 2.0 ``#Media`` form): ``MediaID`` (a number
    when the id is one), ``Category`` from the label (:func:`category_code`; labels outside
    the vocabulary are lost), ``Series``, ``MD5``, ``SHA1`` and the other hashes, and the kept
    unknown ones, as ``AlternativeHashes``. Extra CSV columns are not written to JSON.
    Output is deterministic: same hash set, same bytes.
    """
    if not isinstance(hashset, HashSet):
        raise InvalidParameterError(
            f"The 'hashset' parameter of save_hashset must be a HashSet. "
            f"Got {type(hashset).__name__} instead."
        )
    fmt = _format_of(path, "path")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == ".csv":
        hashset.frame.to_csv(path, index=False, lineterminator="\n")
        return
    # fields in the order VICS exporters write them (empty hash fields left out); one media
    # object per line: readable, diff-friendly, and fast (json's C encoder does not indent)
    order = ("MediaID", "Category", "Series", "MD5", "SHA1", "AlternativeHashes")
    encode = json.JSONEncoder(ensure_ascii=False).encode
    lines = [encode({key: media[key] for key in order if key in media})
             for media in _vics_media(hashset)]
    context = json.dumps(VICS_CONTEXT)
    body = ",\n".join(f"  {line}" for line in lines)
    text = (f'{{"@odata.context": {context},\n "value": [\n{body}\n ]}}\n' if lines
            else f'{{"@odata.context": {context}, "value": []}}\n')
    path.write_text(text, encoding="utf-8")


def _vics_media(hashset):
    media = {}
    frame = hashset.frame
    for item, algorithm, value, label, series in zip(
            *(frame[column].tolist() for column in COLUMNS), strict=True):
        entry = _media_entry(media, item, label, series)
        if algorithm in ("md5", "sha1"):
            entry[_VICS_FIELDS[algorithm]] = value
        else:
            entry["AlternativeHashes"].append(
                {"HashName": _VICS_HASH_NAMES[algorithm], "HashValue": value})
    other = hashset.other
    for item, name, value, label, series in zip(
            *(other[column].tolist() for column in _OTHER_COLUMNS), strict=True):
        _media_entry(media, item, label, series)["AlternativeHashes"].append(
            {"HashName": name, "HashValue": value})
    return list(media.values())


def _media_entry(media, item, label, series):
    entry = media.get(item)
    if entry is None:
        media_id = int(item) if item.isdigit() and str(int(item)) == item else item
        entry = media[item] = {"MediaID": media_id, "Category": category_code(label),
                               "Series": series or None, "AlternativeHashes": []}
    return entry
