"""Matching a hash table against a hash set of known material.

:func:`match_hashes` takes a table written by ``vidlab hash`` (columns ``path, size, md5,
sha1, sha256, ahash, dhash, phash, pdq, pdq_quality, error``, any subset with ``path``) and a
:class:`~vidlab.hashing.hashsets.HashSet`, and returns one row per match. Cryptographic hashes
(md5, sha1, sha256) match when equal; perceptual hashes when their Hamming distance is at most
``max_distance`` (:data:`DEFAULT_MAX_DISTANCE`), found exactly with a
:class:`~vidlab.hashing.index.HashIndex` of the hash set. A PDQ hash whose ``pdq_quality`` is
below ``min_quality`` (:data:`DEFAULT_MIN_QUALITY`) is not matched: PDQ's authors advise
against trusting hashes of flat, featureless images.

:func:`summarise_matches` gives one row per file of the hash table: matched or not, the best
match, and why a file did not match ("no match", "low quality", "no hash", or its error).

>>> import pandas as pd
>>> from vidlab.hashing.hashsets import HashSet
>>> known = HashSet(pd.DataFrame({
...     "id": ["k1", "k2"], "algorithm": ["phash", "phash"],
...     "hash": ["ffff0000ffff0000", "00000000000000ff"], "label": ["csam", "comparison"],
...     "series": ["S1", "S2"]}))
>>> table = pd.DataFrame({"path": ["a.jpg", "b.jpg", "c.jpg"],
...                       "phash": ["ffff0000ffff0003", "0f0f0f0f0f0f0f0f", ""]})
>>> match_hashes(table, known)
    path algorithm  distance hashset_id label series
0  a.jpg     phash         2         k1  csam     S1
>>> summary = summarise_matches(table, match_hashes(table, known))
>>> summary["matched"].tolist(), summary["reason"].tolist()
([True, False, False], ['', 'no match', 'no hash'])
"""

import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.hashsets import (
    ALGORITHMS,
    EXACT_ALGORITHMS,
    HEX_DIGITS,
    PERCEPTUAL_ALGORITHMS,
    HashSet,
)

__all__ = [
    "DEFAULT_MAX_DISTANCE",
    "DEFAULT_MIN_QUALITY",
    "MATCH_COLUMNS",
    "SUMMARY_COLUMNS",
    "match_hashes",
    "summarise_matches",
]

# Largest Hamming distance that counts as a match: PDQ's reference threshold (31 of 256 bits)
# and the customary 10 of 64 bits for the imagehash family.
DEFAULT_MAX_DISTANCE = {"pdq": 31, "phash": 10, "dhash": 10, "ahash": 10}
# PDQ quality (0-100) below which a hash is not matched, as the PDQ reference recommends.
DEFAULT_MIN_QUALITY = 50
MATCH_COLUMNS = ("path", "algorithm", "distance", "hashset_id", "label", "series")
SUMMARY_COLUMNS = ("path", "matched", "n_matches", "best_algorithm", "best_distance",
                   "best_hashset_id", "best_label", "best_series", "reason")
NBITS = {name: 4 * digits for name, digits in HEX_DIGITS.items()}


def match_hashes(hash_table, hashset, algorithm=None, max_distance=None, min_quality=None):
    """Return every match between the files of ``hash_table`` and the items of ``hashset``.

    Parameters
    ----------
    hash_table : pandas.DataFrame
        A ``vidlab hash`` table: a ``path`` column and hash columns named after algorithms;
        empty cells (or NaN) mean "not computed". Read from CSV as text, that is fine too.
    hashset : HashSet
        The known material (:func:`vidlab.hashing.hashsets.load_hashset`).
    algorithm : str or list of str, optional
        Algorithms to match with (comma-separated or a list); default every algorithm that
        both the table and the hash set have.
    max_distance : int or dict, optional
        Largest Hamming distance that matches, inclusive: one int for every perceptual
        algorithm used, or ``{algorithm: int}``; defaults :data:`DEFAULT_MAX_DISTANCE`.
        Cryptographic hashes always match exactly (distance 0).
    min_quality : int in [0, 100], optional
        PDQ hashes with a lower ``pdq_quality`` are not matched (default
        :data:`DEFAULT_MIN_QUALITY`); a table without ``pdq_quality`` is not filtered.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MATCH_COLUMNS`, one row per (file, algorithm, hash set item) within
        the distance, sorted by path, distance, hash set id (natural order: "k9" before "k10")
        and algorithm. ``attrs`` records the algorithms, distances and quality used (read by
        :func:`summarise_matches`).

    >>> import pandas as pd
    >>> from vidlab.hashing.hashsets import HashSet
    >>> known = HashSet(pd.DataFrame({"id": ["7"], "algorithm": ["md5"], "hash": ["0" * 32]}))
    >>> match_hashes(pd.DataFrame({"path": ["x"], "md5": ["0" * 32]}), known).to_dict("records")
    [{'path': 'x', 'algorithm': 'md5', 'distance': 0, 'hashset_id': '7', 'label': '', 'series': ''}]
    >>> pdq = HashSet(pd.DataFrame({"id": ["8"], "algorithm": ["pdq"], "hash": ["0" * 64]}))
    >>> try:
    ...     match_hashes(pd.DataFrame({"path": ["x"], "pdq": ["0" * 64]}), pdq, max_distance=-3)
    ... except InvalidParameterError as error:
    ...     print(error)
    The 'max_distance' parameter of match_hashes must be an int in [0, 256]. Got -3 instead.
    """
    table = _check_table(hash_table)
    hashset = _check_hashset(hashset)
    algorithms = _algorithms(algorithm, table, hashset)
    distances = _max_distances(max_distance, algorithms)
    min_quality = _min_quality(min_quality)
    frames = []
    for name in algorithms:
        queries = _queries(table, name, min_quality)
        known = hashset.for_algorithm(name)
        if name in EXACT_ALGORITHMS:
            found = _match_exact(queries, known)
        else:
            found = _match_perceptual(queries, known, NBITS[name], distances[name])
        found["algorithm"] = name
        frames.append(found)
    matches = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    matches = _finish(matches)
    matches.attrs = {"algorithms": list(algorithms), "max_distance": distances,
                     "min_quality": min_quality}
    return matches


def _check_table(hash_table):
    if not isinstance(hash_table, pd.DataFrame):
        raise InvalidParameterError(
            f"The 'hash_table' parameter of match_hashes must be a pandas DataFrame (a "
            f"'vidlab hash' table). Got {type(hash_table).__name__} instead."
        )
    if "path" not in hash_table.columns:
        raise InvalidParameterError(
            "The 'hash_table' parameter of match_hashes must have a 'path' column, as "
            f"'vidlab hash' writes; it has {_listed(hash_table.columns)}."
        )
    return hash_table.reset_index(drop=True)


def _check_hashset(hashset):
    if isinstance(hashset, pd.DataFrame):
        return HashSet(hashset)
    if not isinstance(hashset, HashSet):
        raise InvalidParameterError(
            f"The 'hashset' parameter of match_hashes must be a HashSet (see load_hashset). "
            f"Got {type(hashset).__name__} instead."
        )
    return hashset


def _listed(names):
    names = [str(name) for name in names]
    return ", ".join(names) if names else "none"


def _table_algorithms(table):
    return [name for name in ALGORITHMS if name in table.columns]


def _algorithms(algorithm, table, hashset):
    in_table, in_set = _table_algorithms(table), hashset.algorithms
    if algorithm is None:
        common = tuple(name for name in in_table if name in in_set)
        if not common:
            raise InvalidParameterError(
                f"The hash table and the hash set {hashset.source} have no algorithm in "
                f"common: the table has {_listed(in_table)}, the hash set has "
                f"{_listed(in_set)}. Hash the files with one of the hash set's algorithms."
            )
        return common
    names = algorithm.split(",") if isinstance(algorithm, str) else list(algorithm)
    wanted = []
    for raw in names:
        name = str(raw).strip().lower()
        if name not in ALGORITHMS:
            raise InvalidParameterError(
                f"The 'algorithm' parameter of match_hashes must be one of "
                f"{', '.join(ALGORITHMS)}. Got {str(raw).strip()!r} instead."
            )
        if name not in in_table:
            raise InvalidParameterError(
                f"The 'algorithm' parameter of match_hashes: the hash table has no {name!r} "
                f"column (it has {_listed(in_table)}). Got {name!r} instead."
            )
        if name not in in_set:
            raise InvalidParameterError(
                f"The 'algorithm' parameter of match_hashes: the hash set {hashset.source} has "
                f"no {name} hashes (it has {_listed(in_set)}). Got {name!r} instead."
            )
        if name not in wanted:
            wanted.append(name)
    if not wanted:
        raise InvalidParameterError(
            f"The 'algorithm' parameter of match_hashes must name at least one algorithm. "
            f"Got {algorithm!r} instead."
        )
    return tuple(name for name in ALGORITHMS if name in wanted)


def _is_int(value):
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _max_distances(max_distance, algorithms):
    perceptual = [name for name in algorithms if name in PERCEPTUAL_ALGORITHMS]
    if max_distance is None:
        given = {}
    elif isinstance(max_distance, dict):
        given = {str(key).strip().lower(): value for key, value in max_distance.items()}
        for key in given:
            if key not in PERCEPTUAL_ALGORITHMS:
                raise InvalidParameterError(
                    f"The 'max_distance' parameter of match_hashes has keys of perceptual "
                    f"algorithms ({', '.join(PERCEPTUAL_ALGORITHMS)}). Got {key!r} instead."
                )
    else:
        if not perceptual and max_distance != 0:
            raise InvalidParameterError(
                f"The 'max_distance' parameter of match_hashes applies to perceptual hashes "
                f"({', '.join(PERCEPTUAL_ALGORITHMS)}); {', '.join(algorithms)} match exactly. "
                f"Got {max_distance!r} instead."
            )
        given = dict.fromkeys(perceptual, max_distance)
    distances = {}
    for name in perceptual:
        value = given.get(name, DEFAULT_MAX_DISTANCE[name])
        if not _is_int(value) or not 0 <= value <= NBITS[name]:
            raise InvalidParameterError(
                f"The 'max_distance' parameter of match_hashes must be an int in "
                f"[0, {NBITS[name]}]. Got {value!r} instead."
            )
        distances[name] = int(value)
    return distances


def _min_quality(min_quality):
    if min_quality is None:
        return DEFAULT_MIN_QUALITY
    if not _is_int(min_quality) or not 0 <= min_quality <= 100:
        raise InvalidParameterError(
            f"The 'min_quality' parameter of match_hashes must be an int in [0, 100]. "
            f"Got {min_quality!r} instead."
        )
    return int(min_quality)


def _text(column):
    values = column.astype(object)
    return values.where(values.notna(), "").astype(str)


def _quality(table):
    """``pdq_quality`` as floats (NaN where unknown); text from CSV is parsed."""
    if "pdq_quality" not in table.columns:
        return pd.Series(np.nan, index=table.index)
    return pd.to_numeric(_text(table["pdq_quality"]).str.strip().replace("", np.nan),
                         errors="coerce")


def _queries(table, name, min_quality):
    """The table rows with a hash of ``name`` to match: columns ``row, path, hash``."""
    hashes = _text(table[name]).str.strip().str.lower()
    keep = hashes != ""
    if name == "pdq":
        keep &= ~(_quality(table) < min_quality)
    queries = pd.DataFrame({"path": _text(table["path"]), "hash": hashes})[keep]
    digits = HEX_DIGITS[name]
    bad = (queries["hash"].str.len() != digits) | ~queries["hash"].str.fullmatch(r"[0-9a-f]*")
    if bad.any():
        row = bad.idxmax()
        raise InvalidParameterError(
            f"hash table row {row + 1} ({queries.at[row, 'path']!r}): {name!r} must be "
            f"{digits} hex digits; got {queries.at[row, 'hash'][:80]!r}."
        )
    return queries


def _match_exact(queries, known):
    found = queries.merge(known, on="hash", how="inner")
    return pd.DataFrame({"path": found["path"], "distance": 0, "hashset_id": found["id"],
                         "label": found["label"], "series": found["series"]})


def _match_perceptual(queries, known, nbits, radius):
    from vidlab.hashing.index import HashIndex

    empty = pd.DataFrame({"path": [], "distance": [], "hashset_id": [], "label": [],
                          "series": []})
    if queries.empty or known.empty:
        return empty
    index = HashIndex(nbits)
    index.add(_pack(known["hash"].tolist(), nbits))  # ids: row numbers of ``known``
    unique, inverse = np.unique(queries["hash"].to_numpy(dtype=str), return_inverse=True)
    qi, rows, dist = index.search_radius(_pack(unique.tolist(), nbits), radius)
    # every table row whose hash is unique[q] gets the matches of unique[q]
    by_query = pd.DataFrame({"q": qi, "row": rows, "distance": dist})
    table = pd.DataFrame({"q": inverse.ravel(), "path": queries["path"].to_numpy()})
    found = table.merge(by_query, on="q", how="inner")
    rows = found["row"].to_numpy()
    return pd.DataFrame({"path": found["path"].to_numpy(), "distance": found["distance"],
                         "hashset_id": known["id"].to_numpy()[rows],
                         "label": known["label"].to_numpy()[rows],
                         "series": known["series"].to_numpy()[rows]})


def _pack(hexes, nbits):
    """Packed ``uint8 (n, nbits // 8)`` array of validated hex strings (one bytes.fromhex)."""
    return np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(
        len(hexes), nbits // 8)


def _id_key(ids):
    """Natural sort key for ids: runs of digits compare as numbers ("k9" before "k10")."""
    return ids.astype(str).str.replace(r"\d+", lambda m: m.group().zfill(24), regex=True)


def _finish(matches):
    if matches.empty:
        return pd.DataFrame({"path": pd.Series([], dtype=str),
                             "algorithm": pd.Series([], dtype=str),
                             "distance": pd.Series([], dtype="int64"),
                             "hashset_id": pd.Series([], dtype=str),
                             "label": pd.Series([], dtype=str),
                             "series": pd.Series([], dtype=str)})
    matches = matches.assign(
        _order=matches["algorithm"].map({name: i for i, name in enumerate(ALGORITHMS)}),
        _id=_id_key(matches["hashset_id"]))
    matches = matches.sort_values(["path", "distance", "_id", "_order"], kind="stable")
    matches = matches[list(MATCH_COLUMNS)].reset_index(drop=True)
    return matches.astype({"path": str, "algorithm": str, "distance": "int64",
                           "hashset_id": str, "label": str, "series": str})


def summarise_matches(hash_table, matches, algorithm=None, min_quality=None):
    """Return one row per file of ``hash_table``: whether and how well it matched.

    Parameters
    ----------
    hash_table : pandas.DataFrame
        The table given to :func:`match_hashes`.
    matches : pandas.DataFrame
        What :func:`match_hashes` returned for it.
    algorithm, min_quality : optional
        As given to :func:`match_hashes`; by default read from ``matches.attrs``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, in the order of ``hash_table``. The best match is the
        one with the smallest distance relative to the hash length (``distance / bits``; an
        exact match is 0), ties broken by the order of ``matches``. ``best_distance`` is -1
        and the other ``best_`` columns empty when nothing matched; ``reason`` is then
        ``"no match"`` (hashed, nothing close enough), ``"low quality"`` (only a PDQ hash,
        below ``min_quality``; ``"no match; pdq low quality"`` when other hashes did not
        match either), ``"no hash"``, or the file's ``error`` text.

    >>> table = pd.DataFrame({"path": ["a", "b"], "pdq": ["0" * 64, "0" * 64],
    ...                       "pdq_quality": [90, 10], "error": ["", ""]})
    >>> matches = pd.DataFrame({"path": [], "algorithm": [], "distance": [],
    ...                         "hashset_id": [], "label": [], "series": []})
    >>> summarise_matches(table, matches, algorithm="pdq")["reason"].tolist()
    ['no match', 'low quality']
    """
    table = _check_table(hash_table)
    attrs = getattr(matches, "attrs", {}) or {}
    if algorithm is None:
        algorithms = attrs.get("algorithms") or _table_algorithms(table)
    else:
        names = algorithm.split(",") if isinstance(algorithm, str) else list(algorithm)
        algorithms = [str(name).strip().lower() for name in names]
    algorithms = [name for name in algorithms if name in table.columns]
    min_quality = _min_quality(attrs.get("min_quality") if min_quality is None
                               else min_quality)
    missing = [column for column in MATCH_COLUMNS if column not in matches.columns]
    if missing:
        raise InvalidParameterError(
            f"The 'matches' parameter of summarise_matches must have the columns of "
            f"match_hashes ({', '.join(MATCH_COLUMNS)}); {_listed(missing)} missing."
        )
    paths = _text(table["path"])
    summary = pd.DataFrame({"path": paths})
    if len(matches):
        ranked = matches.assign(
            _relative=matches["distance"].astype(float)
            / matches["algorithm"].map(NBITS).astype(float),
            _order=np.arange(len(matches)))
        ranked = ranked.sort_values(["path", "_relative", "_order"], kind="stable")
        best = ranked.drop_duplicates("path").set_index("path")
        counts = matches["path"].value_counts()
    else:
        best = pd.DataFrame(columns=list(MATCH_COLUMNS)).set_index("path")
        counts = pd.Series(dtype="int64")
    summary["n_matches"] = paths.map(counts).fillna(0).astype("int64")
    summary["matched"] = summary["n_matches"] > 0
    for column in ("algorithm", "distance", "hashset_id", "label", "series"):
        empty = -1 if column == "distance" else ""
        summary[f"best_{column}"] = paths.map(best[column]).where(summary["matched"], empty)
    hashed = pd.DataFrame({name: _text(table[name]).str.strip() != "" for name in algorithms},
                          index=table.index)
    n_hashed = hashed.sum(axis=1)
    low_pdq = hashed["pdq"] & (_quality(table) < min_quality) if "pdq" in hashed else False
    errors = (_text(table["error"]).str.strip() if "error" in table.columns
              else pd.Series("", index=table.index))
    summary["reason"] = np.select(
        [summary["matched"], n_hashed == 0, low_pdq & (n_hashed == 1), low_pdq],
        ["", errors.where(errors != "", "no hash"), "low quality", "no match; pdq low quality"],
        "no match")
    summary = summary[list(SUMMARY_COLUMNS)]
    return summary.astype({"matched": bool, "n_matches": "int64", "best_distance": "int64"})
