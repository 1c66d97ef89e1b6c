"""Match travellers' trips against notices: blocking, scoring, thresholds, review lists.

**Names of a notice.** A notice is compared under every name it gives: forename + family
name, forename + birth name, each alias, and its name in the original script written in
every Cyrillic system of :data:`~vidlab.travel.normalise.CYRILLIC_SYSTEMS` (or the Arabic
romanisation; a Chinese name in pinyin in Wade-Giles too). Every name is normalised
(:func:`~vidlab.travel.normalise.name_key`: ASCII tokens, each in the canonical form of its
variant family, so Mohammed and Muhammad agree).

**Blocking.** :func:`block_candidates` never compares all pairs. A trip and a notice become a
candidate pair when one of the notice's names and the trip's name share

- (a) the skeleton (:func:`~vidlab.travel.normalise.skeleton`) of one token *and* the year of
  birth: a swapped order, a transliteration, a typo in the other token still meet; or
- (b) the skeletons of two tokens, when the trip or the notice has no date of birth.

Particles (de, van, al, bin...) and one-letter tokens are not keys. Persons born in other
years are never compared: a different date of birth could not reach a useful threshold
anyway (it counts 0), and comparing them would multiply the work for the many namesakes
of a large passenger list (a typo in the year of birth is missed; see
:data:`DOB_AGREEMENT`). :func:`reduction_ratio` says which share of all pairs blocking saved.

**Scoring.** :func:`score_candidates` gives each pair

- ``name_score`` (0-100): the best, over the notice's names, of rapidfuzz's
  ``token_sort_ratio`` (order ignored) on the normalised names, the same on their
  romanisation-neutral spellings (:data:`NEUTRAL_REWRITES`: shch/sch -> s, y/j -> i, ou -> u,
  ...), and ``token_set_ratio`` when both have two tokens or more (a notice's second forename
  missing from the ticket costs nothing); ``order_swapped`` when the plain ratio in the given
  order is more than 15 points below; ``name_kind`` says which of the notice's names matched;
- ``date_of_birth``: ``equal``, ``day_month_swapped``, ``year_only`` (the notice gives only
  the year, and it agrees), ``same_year`` (other day or month), ``missing`` (on either side)
  or ``different``;
- ``sex``: ``equal``, ``missing`` (on either side) or ``different``; ``nationality``:
  ``on_notice`` (the travel document's nationality is one of the notice's), ``missing`` (on
  either side) or ``other``;

combined into one ``score`` in [0, 1]::

    name = clip((name_score - 50) / 50, 0, 1)
    score = (0.5 * name + 0.35 * DOB_AGREEMENT[dob] + 0.15 * NATIONALITY_AGREEMENT[nat])
            * SEX_FACTOR[sex]

(:data:`DEFAULT_WEIGHTS`). The weights were set by hand, then checked on generated data
(``travel_records`` generator) of seeds 11 and 12, not those of the tests or lessons: a
name alone (no date of birth) stays just under the default threshold 0.8; the same name with
another date of birth (a namesake) stays near 0.65; the other sex halves the score. With
300 notices and 20,000 trips, blocking keeps 99.5-100 % of the true pairs among about
6,000 candidates (99.9 % of the comparisons saved), and at 0.8 precision is about 0.98 and
recall about 0.87-0.9; the misses are mostly trips or notices without a date of birth, the
false matches near names born the same year on notices that give only the year.

**Scale.** Names are normalised once per distinct spelling; with a threshold, the pairs
that even a perfect name could not lift to it are dropped before any name is compared, and
rapidfuzz compares the rest in bulk (``process.cpdist``, all cores), in chunks of a million
pairs. 10,000 notices against 1,000,000 trips: about 80 s and 2.7 GB on 2 cores (seed 5;
precision 0.92, recall 0.87).

:func:`match_trips` runs both and keeps pairs at or above a threshold (:func:`exact_matches`
is the baseline of an exact check);
:func:`precision_recall` scores matches against the generator's ground truth;
:func:`precision_recall_curve` and :func:`choose_threshold` pick a threshold;
:func:`review_list` ranks matches for an analyst (yellow notices, missing persons, first)
with the evidence in words; :func:`plot_precision_recall` draws the choice.

>>> import pandas as pd
>>> notices = pd.DataFrame({"notice_id": ["2023/1", "2023/2"], "colour": ["yellow", "green"],
...     "family_name": ["Shchukina", "Al-Masri"], "forename": ["Darya", "Mohamed"],
...     "sex": ["F", "M"], "date_of_birth": ["2011-04-03", "1979"],
...     "nationalities": ["RU", "EG;FR"]})
>>> trips = pd.DataFrame({"trip_id": ["T1", "T2", "T3"],
...     "family_name": ["SCHTSCHUKINA", "MUHAMMAD", "MASRI"],
...     "forename": ["DARJA", "EL MASRI", "MOHAMED"], "sex": ["F", "M", "M"],
...     "date_of_birth": ["2011-03-04", "1979-02-11", "1985-06-01"],
...     "nationality": ["RU", "FR", "EG"]})
>>> matches = match_trips(trips, notices)
>>> matches[["trip_id", "notice_id", "score", "date_of_birth"]].values.tolist()
[['T1', '2023/1', 0.93, 'day_month_swapped'], ['T2', '2023/2', 0.895, 'year_only']]
"""

import itertools

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from vidlab.checks import check_int, check_number, require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import progress
from vidlab.travel.normalise import (
    CYRILLIC_SYSTEMS,
    PARTICLES,
    fold_accents,
    name_key,
    pinyin_to_wade_giles,
    skeleton,
    transliterate,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "DEFAULT_WEIGHTS",
    "DOB_AGREEMENT",
    "NATIONALITY_AGREEMENT",
    "NEUTRAL_REWRITES",
    "SEX_FACTOR",
    "block_candidates",
    "choose_threshold",
    "exact_matches",
    "label_pairs",
    "match_trips",
    "plot_precision_recall",
    "precision_recall",
    "precision_recall_curve",
    "recall_by_variant",
    "reduction_ratio",
    "review_list",
    "score_candidates",
]

DEFAULT_THRESHOLD = 0.8
#: Weights of the name, date-of-birth and nationality agreement in the score (they sum to 1).
DEFAULT_WEIGHTS = {"name": 0.5, "date_of_birth": 0.35, "nationality": 0.15}
#: How much each kind of date-of-birth agreement counts (0-1).
DOB_AGREEMENT = {"equal": 1.0, "day_month_swapped": 0.8, "year_only": 0.7, "missing": 0.4,
                 "same_year": 0.3, "different": 0.0}
#: How much each kind of nationality agreement counts (0-1): people hold more nationalities
#: than a notice lists, so another one is weak evidence against.
NATIONALITY_AGREEMENT = {"on_notice": 1.0, "missing": 0.5, "other": 0.2}
#: The score is multiplied by this: a travel document of the other sex is strong evidence
#: of another person.
SEX_FACTOR = {"equal": 1.0, "missing": 0.9, "different": 0.5}
#: Rewrites of a normalised name into a romanisation-neutral spelling (in this order).
NEUTRAL_REWRITES = (
    ("schtsch", "s"), ("chtch", "s"), ("shch", "s"), ("tsch", "c"), ("sch", "s"), ("tch", "c"),
    ("dzh", "j"), ("kh", "h"), ("zh", "j"), ("dj", "j"), ("sh", "s"), ("ts", "c"), ("tz", "c"),
    ("ks", "x"), ("ou", "u"), ("y", "i"), ("j", "i"), ("w", "v"), ("q", "k"), ("ph", "f"),
    ("th", "t"), ("ck", "k"), ("ie", "i"), ("ee", "i"),
)
_DOB_KINDS = tuple(DOB_AGREEMENT)
_SEX_KINDS = ("equal", "missing", "different")
_NAT_KINDS = ("on_notice", "missing", "other")
_KIND_ORDER = ("name", "birth name", "alias", "native script")
_COLOUR_ORDER = {"yellow": 0, "green": 1, "blue": 2}
_TRIP_COLUMNS = ["trip_id", "family_name", "forename", "sex", "date_of_birth", "nationality"]
_NOTICE_COLUMNS = ["notice_id", "colour", "family_name", "forename", "sex", "date_of_birth",
                   "nationalities"]
_ALIAS_COLUMNS = ["notice_id", "family_name", "forename"]
_CHUNK = 1_000_000


def _text(frame, column):
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[column].fillna("").astype(str).str.strip().to_numpy(dtype=object)


def _dates(values):
    """Year, month, day as int arrays (0 where unknown) of "YYYY-MM-DD" / "YYYY" / "" texts."""
    text = pd.Series(values, dtype=object).astype(str)
    full = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").to_numpy()
    year_only = text.str.fullmatch(r"\d{4}").to_numpy()
    year = np.where(full | year_only, pd.to_numeric(text.str[:4], errors="coerce"), 0)
    month = np.where(full, pd.to_numeric(text.str[5:7], errors="coerce"), 0)
    day = np.where(full, pd.to_numeric(text.str[8:10], errors="coerce"), 0)
    return (np.nan_to_num(year).astype(np.int64), np.nan_to_num(month).astype(np.int64),
            np.nan_to_num(day).astype(np.int64))


def _neutral(name):
    for old, new in NEUTRAL_REWRITES:
        name = name.replace(old, new)
    return "".join(c for i, c in enumerate(name) if i == 0 or c != name[i - 1])


class _Names:
    """The distinct normalised names of both sides, with their blocking keys."""

    def __init__(self):
        self.index, self.norms = {}, []
        self._arrays = (np.empty(0, dtype=object),) * 2 + (np.empty(0, dtype=bool),)

    def ids(self, raw_names):
        """Normalise ``raw_names`` (each distinct one once) and return their name ids."""
        codes, uniques = pd.factorize(pd.Series(raw_names, dtype=object))
        ids = np.empty(len(uniques), dtype=np.int64)
        for i, raw in enumerate(uniques):
            norm = name_key(raw, sort=False)
            if norm not in self.index:
                self.index[norm] = len(self.norms)
                self.norms.append(norm)
            ids[i] = self.index[norm]
        return ids[codes] if len(codes) else np.empty(0, dtype=np.int64)

    def arrays(self):
        """Normalised names, their neutral spellings, and whether they have several tokens."""
        if len(self._arrays[0]) != len(self.norms):
            norms = np.array(self.norms, dtype=object)
            self._arrays = (norms, np.array([_neutral(x) for x in self.norms], dtype=object),
                            np.array([" " in x for x in self.norms], dtype=bool))
        return self._arrays

    def keys(self):
        """(name id, single-token key id) and (name id, token-pair key id) arrays."""
        single, pair, single_ids, pair_ids = [], [], {}, {}
        for name_id, norm in enumerate(self.norms):
            tokens = [t for t in norm.split() if len(t) > 1 and t not in PARTICLES]
            skeletons = sorted({skeleton(t) for t in tokens[:4]})
            for key in skeletons:
                single.append((name_id, single_ids.setdefault(key, len(single_ids))))
            for key in itertools.combinations(skeletons, 2):
                pair.append((name_id, pair_ids.setdefault(key, len(pair_ids))))
        return (np.array(single, dtype=np.int64).reshape(-1, 2),
                np.array(pair, dtype=np.int64).reshape(-1, 2))


class _Prepared:
    """Trips and notices read once: names, dates, sexes, nationalities as arrays."""

    def __init__(self, trips, notices, aliases, function):
        require_columns(trips, _TRIP_COLUMNS, function, "trips")
        require_columns(notices, _NOTICE_COLUMNS, function, "notices")
        if aliases is not None:
            require_columns(aliases, _ALIAS_COLUMNS, function, "aliases")
        self.trip_ids = _text(trips, "trip_id")
        self.notice_ids = _text(notices, "notice_id")
        if len(set(self.notice_ids)) != len(self.notice_ids):
            raise InvalidParameterError(
                f"The 'notices' parameter of {function} must have unique notice_id values."
            )
        self.names = _Names()
        forename, family = _text(trips, "forename"), _text(trips, "family_name")
        self.trip_name = self.names.ids(forename + " " + family)
        self.trip_dob = _dates(_text(trips, "date_of_birth"))
        self.notice_dob = _dates(_text(notices, "date_of_birth"))
        self.trip_sex = np.char.upper(_text(trips, "sex").astype(str))
        self.notice_sex = np.char.upper(_text(notices, "sex").astype(str))
        self.trip_nat = np.char.upper(_text(trips, "nationality").astype(str))
        nats = pd.Series(_text(notices, "nationalities")).str.upper().str.split(";").explode()
        nats = nats[nats.notna() & (nats != "")]
        self.notice_has_nat = np.zeros(len(self.notice_ids), dtype=bool)
        self.notice_has_nat[nats.index.to_numpy(np.int64)] = True
        self.nat_codes = pd.Index(np.unique(np.concatenate([nats.to_numpy(str),
                                                            self.trip_nat.astype(str)])))
        self.notice_nat_keys = (nats.index.to_numpy(np.int64) * len(self.nat_codes)
                                + self.nat_codes.get_indexer(nats.to_numpy(str)))
        owner, raw, kind = self._notice_names(notices, aliases)
        name_id = self.names.ids(raw)
        table = pd.DataFrame({"notice": owner, "name": name_id, "raw": raw,
                              "kind": pd.Categorical(kind, _KIND_ORDER)})
        table = table.sort_values(["notice", "kind"], kind="stable").drop_duplicates(
            ["notice", "name"])
        self.nn_notice = table["notice"].to_numpy(np.int64)
        self.nn_name = table["name"].to_numpy(np.int64)
        self.nn_raw = table["raw"].to_numpy(object)
        self.nn_kind = table["kind"].astype(str).to_numpy(object)
        self.nn_start = np.searchsorted(self.nn_notice, np.arange(len(self.notice_ids) + 1))

    def _notice_names(self, notices, aliases):
        n = len(notices)
        forename, family = _text(notices, "forename"), _text(notices, "family_name")
        birth, native = _text(notices, "birth_name"), _text(notices, "name_native")
        owner = [np.arange(n)]
        raw = [forename + " " + family]
        kind = [np.full(n, "name", dtype=object)]
        has_birth = np.flatnonzero(birth != "")
        owner.append(has_birth)
        raw.append(forename[has_birth] + " " + birth[has_birth])
        kind.append(np.full(len(has_birth), "birth name", dtype=object))
        for i in np.flatnonzero(native != ""):
            spellings = {transliterate(native[i], system) for system in CYRILLIC_SYSTEMS}
            spellings |= {pinyin_to_wade_giles(spelling) for spelling in spellings}
            owner.append(np.full(len(spellings), i))
            raw.append(np.array(sorted(spellings), dtype=object))
            kind.append(np.full(len(spellings), "native script", dtype=object))
        if aliases is not None and len(aliases):
            position = {notice_id: i for i, notice_id in enumerate(self.notice_ids)}
            alias_owner = np.array([position.get(x, -1) for x in _text(aliases, "notice_id")])
            known = alias_owner >= 0
            owner.append(alias_owner[known])
            raw.append((_text(aliases, "forename") + " " + _text(aliases, "family_name"))[known])
            kind.append(np.full(int(known.sum()), "alias", dtype=object))
        return np.concatenate(owner), np.concatenate(raw), np.concatenate(kind)

    def block(self):
        """Unique candidate pairs as (trip index, notice index) arrays, sorted."""
        single, pair = self.names.keys()
        single = pd.DataFrame(single, columns=["name", "key"])
        pair = pd.DataFrame(pair, columns=["name", "key"])
        n_years = 10_000

        def keyed(owner, name, year, undated_side):
            # single-token keys with the year of birth (>= 0); token-pair keys (< 0) of the
            # kind of the side without a date: an undated trip meets every notice, an undated
            # notice every trip
            left = pd.DataFrame({"owner": owner, "name": name, "year": year})
            dated = left[left["year"] > 0].merge(single, on="name")
            keys = [dated["owner"].to_numpy(), (dated["key"] * n_years + dated["year"]).to_numpy()]
            for side in ("trip", "notice"):
                rows = left[left["year"] == 0] if side == undated_side else left
                rows = rows.merge(pair, on="name")
                keys += [rows["owner"].to_numpy(),
                         (-2 * rows["key"] - (1 if side == "trip" else 2)).to_numpy()]
            return pd.DataFrame({"owner": np.concatenate(keys[0::2]),
                                 "key": np.concatenate(keys[1::2])}).drop_duplicates()

        trip_keys = keyed(np.arange(len(self.trip_ids)), self.trip_name, self.trip_dob[0],
                          "trip")
        notice_keys = keyed(self.nn_notice, self.nn_name, self.notice_dob[0][self.nn_notice],
                            "notice")
        joined = trip_keys.merge(notice_keys, on="key", suffixes=("_trip", "_notice"))
        n = max(len(self.notice_ids), 1)
        code = np.unique(joined["owner_trip"].to_numpy(np.int64) * n
                         + joined["owner_notice"].to_numpy(np.int64))
        return code // n, code % n

    def score(self, trip, notice, weights, threshold=None):
        """The score table of candidate pairs (trip and notice index arrays); with a
        ``threshold``, only of the pairs that a perfect name could lift to it."""
        parts = [self._score_chunk(trip[i:i + _CHUNK], notice[i:i + _CHUNK], weights,
                                   threshold)
                 for i in progress(range(0, len(trip), _CHUNK), desc="scoring", unit="chunk")]
        return pd.concat(parts, ignore_index=True) if parts else self._score_chunk(
            trip, notice, weights, threshold)

    def _score_chunk(self, trip, notice, weights, threshold):
        dob = _dob_agreement([d[trip] for d in self.trip_dob],
                             [d[notice] for d in self.notice_dob])
        t_sex, n_sex = self.trip_sex[trip], self.notice_sex[notice]
        sex = np.where((t_sex == "") | (n_sex == ""), 1, np.where(t_sex == n_sex, 0, 2))
        t_nat = self.trip_nat[trip]
        on_notice = np.isin(notice.astype(np.int64) * len(self.nat_codes)
                            + self.nat_codes.get_indexer(t_nat), self.notice_nat_keys)
        nat = np.where((t_nat == "") | ~self.notice_has_nat[notice], 1,
                       np.where(on_notice, 0, 2))
        rest = (weights["date_of_birth"] * np.array([DOB_AGREEMENT[k] for k in _DOB_KINDS])[dob]
                + weights["nationality"]
                * np.array([NATIONALITY_AGREEMENT[k] for k in _NAT_KINDS])[nat])
        factor = np.array([SEX_FACTOR[k] for k in _SEX_KINDS])[sex]
        if threshold is not None:
            keep = np.flatnonzero((weights["name"] + rest) * factor >= threshold - 1e-9)
            trip, notice, dob, sex, nat, rest, factor = (
                x[keep] for x in (trip, notice, dob, sex, nat, rest, factor))
        name_score, row, swapped = self._name_scores(trip, notice)
        score = (weights["name"] * np.clip((name_score - 50) / 50, 0, 1) + rest) * factor
        return pd.DataFrame({
            "trip_id": self.trip_ids[trip], "notice_id": self.notice_ids[notice],
            "score": np.round(score, 3), "name_score": np.round(name_score, 1),
            "name_kind": self.nn_kind[row], "notice_name": self.nn_raw[row],
            "order_swapped": swapped, "date_of_birth": np.array(_DOB_KINDS, dtype=object)[dob],
            "sex": np.array(_SEX_KINDS, dtype=object)[sex],
            "nationality": np.array(_NAT_KINDS, dtype=object)[nat],
        })

    def _name_scores(self, trip, notice):
        counts = self.nn_start[notice + 1] - self.nn_start[notice]
        pair = np.repeat(np.arange(len(trip)), counts)
        offset = np.arange(len(pair)) - np.repeat(np.cumsum(counts) - counts, counts)
        row = self.nn_start[notice][pair] + offset
        n_names = max(len(self.names.norms), 1)
        combo, inverse = np.unique(self.trip_name[trip][pair] * n_names + self.nn_name[row],
                                   return_inverse=True)
        norms, neutral, several = self.names.arrays()
        i, j = combo // n_names, combo % n_names
        left, right = norms[i], norms[j]
        best = np.maximum(_cpdist(left, right, fuzz.token_sort_ratio),
                          _cpdist(neutral[i], neutral[j], fuzz.token_sort_ratio))
        both = several[i] & several[j]
        best[both] = np.maximum(best[both], _cpdist(left[both], right[both],
                                                     fuzz.token_set_ratio))
        plain = _cpdist(left, right, fuzz.ratio)
        value = best[inverse]
        order = np.lexsort((row, -value, pair))
        first = order[np.unique(pair[order], return_index=True)[1]]
        chosen = inverse[first]
        return (value[first], row[first], plain[chosen] < best[chosen] - 15)


def _cpdist(left, right, scorer):
    if len(left) == 0:
        return np.zeros(0)
    return process.cpdist(list(left), list(right), scorer=scorer, workers=-1).astype(float)


def _dob_agreement(trip, notice):
    """Codes into :data:`_DOB_KINDS` of the date-of-birth agreement of pairs."""
    (ty, tm, td), (ny, nm, nd) = trip, notice
    return np.select(
        [(ty == 0) | (ny == 0),
         (ty == ny) & (nm > 0) & (tm == nm) & (td == nd),
         (ty == ny) & (nm > 0) & (tm == nd) & (td == nm),
         (ty == ny) & (nm == 0),
         ty == ny],
        [_DOB_KINDS.index(kind) for kind in ("missing", "equal", "day_month_swapped",
                                             "year_only", "same_year")],
        default=_DOB_KINDS.index("different")).astype(np.int8)


def _check_weights(weights, function):
    if weights is None:
        return DEFAULT_WEIGHTS
    if not isinstance(weights, dict) or set(weights) != set(DEFAULT_WEIGHTS) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= 0
            for v in weights.values()) or not np.isclose(sum(weights.values()), 1):
        raise InvalidParameterError(
            f"The 'weights' parameter of {function} must be a dict of non-negative numbers "
            f"summing to 1 with the keys {', '.join(DEFAULT_WEIGHTS)}. Got {weights!r} instead."
        )
    return weights


def _check_threshold(threshold, function, name="threshold"):
    return check_number(threshold, name, function, 0, 1)


def _pairs_frame(prepared, trip, notice):
    return pd.DataFrame({"trip_id": prepared.trip_ids[trip],
                         "notice_id": prepared.notice_ids[notice]})


def block_candidates(trips, notices, aliases=None):
    """Candidate pairs of trips and notices that share a blocking key (see the module notes).

    Parameters
    ----------
    trips : DataFrame
        ``trip_id, family_name, forename, sex, date_of_birth, nationality`` (``trips.csv``).
    notices : DataFrame
        ``notice_id, colour, family_name, forename, sex, date_of_birth, nationalities`` and,
        optionally, ``birth_name, name_native`` (``notices.csv``).
    aliases : DataFrame, optional
        ``notice_id, family_name, forename`` (``aliases.csv``).

    Returns
    -------
    DataFrame
        ``trip_id, notice_id``, one row per candidate pair, sorted by trip then notice.

    Examples
    --------
    >>> import pandas as pd
    >>> notices = pd.DataFrame({"notice_id": ["N1"], "colour": ["green"],
    ...     "family_name": ["Zhang"], "forename": ["Wei"], "sex": ["M"],
    ...     "date_of_birth": ["1980-01-02"], "nationalities": ["CN"]})
    >>> trips = pd.DataFrame({"trip_id": ["T1", "T2", "T3", "T4"],
    ...     "family_name": ["WEI", "CHANG", "SMITH", "CHANG"],
    ...     "forename": ["ZHANG", "MING", "JOHN", "WEI"], "sex": "M",
    ...     "date_of_birth": ["", "1980-05-05", "1980-01-02", "1950-01-01"],
    ...     "nationality": "CN"})
    >>> block_candidates(trips, notices)["trip_id"].tolist()  # T3: no name, T4: born 1950
    ['T1', 'T2']
    """
    prepared = _Prepared(trips, notices, aliases, "block_candidates")
    return _pairs_frame(prepared, *prepared.block())


def reduction_ratio(n_pairs, n_trips, n_notices):
    """The share of all trip-notice pairs that blocking did not need to compare (rounded to
    6 decimals).

    >>> reduction_ratio(3_000, 20_000, 300)
    0.9995
    """
    for value, name in ((n_pairs, "n_pairs"), (n_trips, "n_trips"), (n_notices, "n_notices")):
        check_int(value, name, "reduction_ratio", 0)
    total = n_trips * n_notices
    return round(1 - n_pairs / total, 6) if total else 0.0


def score_candidates(pairs, trips, notices, aliases=None, *, weights=None):
    """Score candidate pairs (see the module notes for the evidence and the formula).

    Parameters
    ----------
    pairs : DataFrame
        ``trip_id, notice_id`` (:func:`block_candidates`); pairs of unknown ids are dropped.
    trips, notices, aliases : DataFrame
        As for :func:`block_candidates`.
    weights : dict, optional
        ``name, date_of_birth, nationality`` weights summing to 1 (default
        :data:`DEFAULT_WEIGHTS`).

    Returns
    -------
    DataFrame
        ``trip_id, notice_id, score, name_score, name_kind, notice_name, order_swapped,
        date_of_birth, sex, nationality``, best score first.

    Examples
    --------
    >>> import pandas as pd
    >>> notices = pd.DataFrame({"notice_id": ["N1"], "colour": ["green"],
    ...     "family_name": ["Petrov"], "forename": ["Ivan"], "sex": ["M"],
    ...     "date_of_birth": ["1980-01-02"], "nationalities": ["RU"]})
    >>> trips = pd.DataFrame({"trip_id": ["T1", "T2"], "family_name": ["IVAN", "PETROV"],
    ...     "forename": ["PETROV", "IVAN"], "sex": "M",
    ...     "date_of_birth": ["1980-01-02", "1971-09-09"], "nationality": "RU"})
    >>> pairs = pd.DataFrame({"trip_id": ["T1", "T2"], "notice_id": ["N1", "N1"]})
    >>> scored = score_candidates(pairs, trips, notices)
    >>> scored[["trip_id", "score", "name_score", "order_swapped", "date_of_birth"]].values.tolist()
    [['T1', 1.0, 100.0, True, 'equal'], ['T2', 0.65, 100.0, False, 'different']]
    """
    func = "score_candidates"
    weights = _check_weights(weights, func)
    require_columns(pairs, ["trip_id", "notice_id"], func, "pairs")
    prepared = _Prepared(trips, notices, aliases, func)
    trip_pos = pd.Index(prepared.trip_ids).get_indexer(_text(pairs, "trip_id"))
    notice_pos = pd.Index(prepared.notice_ids).get_indexer(_text(pairs, "notice_id"))
    known = (trip_pos >= 0) & (notice_pos >= 0)
    return _sorted(prepared.score(trip_pos[known], notice_pos[known], weights))


def _sorted(scored):
    return scored.sort_values(["score", "trip_id", "notice_id"], ascending=[False, True, True],
                              kind="stable", ignore_index=True)


def match_trips(trips, notices, aliases=None, threshold=DEFAULT_THRESHOLD, *, weights=None,
                return_candidates=False):
    """Block, score and keep the pairs whose score reaches ``threshold``.

    Parameters
    ----------
    trips, notices, aliases : DataFrame
        As for :func:`block_candidates`.
    threshold : float, default 0.8
        The lowest score kept, in [0, 1].
    weights : dict, optional
        As for :func:`score_candidates`.
    return_candidates : bool, default False
        Return every scored candidate pair instead (``threshold`` is then ignored): for
        threshold studies.

    Returns
    -------
    DataFrame
        The :func:`score_candidates` table of the matches, best first.

    Examples
    --------
    See the module notes.
    """
    func = "match_trips"
    threshold = _check_threshold(threshold, func)
    weights = _check_weights(weights, func)
    prepared = _Prepared(trips, notices, aliases, func)
    if return_candidates:
        return _sorted(prepared.score(*prepared.block(), weights))
    scored = prepared.score(*prepared.block(), weights, threshold)
    return _sorted(scored[scored["score"] >= threshold])


def _as_on_documents(forename, family):
    names = pd.Series(forename + " " + family, dtype=object).map(fold_accents).str.upper()
    return names.str.replace(r"[^A-Z]+", " ", regex=True).str.strip().to_numpy(object)


def exact_matches(trips, notices):
    """The baseline an exact check gives: pairs whose names are equal once written as on a
    travel document (forename then family name, upper case, accents folded, A-Z only) and
    whose dates of birth are equal (as text; a notice with only the year never matches).

    Parameters
    ----------
    trips, notices : DataFrame
        As for :func:`block_candidates`.

    Returns
    -------
    DataFrame
        ``trip_id, notice_id``, sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> notices = pd.DataFrame({"notice_id": ["N1"], "colour": ["blue"],
    ...     "family_name": ["Müller"], "forename": ["Jürgen"], "sex": ["M"],
    ...     "date_of_birth": ["1970-05-06"], "nationalities": ["DE"]})
    >>> trips = pd.DataFrame({"trip_id": ["T1", "T2", "T3"],
    ...     "family_name": ["MULLER", "MUELLER", "MULLER"], "forename": "JURGEN", "sex": "M",
    ...     "date_of_birth": ["1970-05-06", "1970-05-06", ""], "nationality": "DE"})
    >>> exact_matches(trips, notices).values.tolist()
    [['T1', 'N1']]
    """
    require_columns(trips, _TRIP_COLUMNS, "exact_matches", "trips")
    require_columns(notices, _NOTICE_COLUMNS, "exact_matches", "notices")
    left = pd.DataFrame({
        "trip_id": _text(trips, "trip_id"),
        "name": _as_on_documents(_text(trips, "forename"), _text(trips, "family_name")),
        "dob": _text(trips, "date_of_birth")})
    right = pd.DataFrame({
        "notice_id": _text(notices, "notice_id"),
        "name": _as_on_documents(_text(notices, "forename"), _text(notices, "family_name")),
        "dob": _text(notices, "date_of_birth")})
    pairs = left[left["dob"] != ""].merge(right, on=["name", "dob"])[["trip_id", "notice_id"]]
    return pairs.sort_values(["trip_id", "notice_id"], ignore_index=True)


def _truth_pairs(truth, function):
    require_columns(truth, ["trip_id", "notice_id"], function, "truth")
    notice = _text(truth, "notice_id")
    keep = notice != ""
    return set(zip(_text(truth, "trip_id")[keep], notice[keep], strict=True))


def label_pairs(pairs, truth):
    """Whether each pair is a notice subject's trip: a bool array, in the order of ``pairs``.

    ``truth`` is the generator's ``travel_trips`` ground truth (``trip_id, notice_id``;
    ``notice_id`` empty for trips by anyone else).

    >>> import pandas as pd
    >>> truth = pd.DataFrame({"trip_id": ["T1", "T2"], "notice_id": ["N1", ""]})
    >>> pairs = pd.DataFrame({"trip_id": ["T1", "T1", "T2"], "notice_id": ["N1", "N2", "N1"]})
    >>> label_pairs(pairs, truth).tolist()
    [True, False, False]
    """
    true = _truth_pairs(truth, "label_pairs")
    require_columns(pairs, ["trip_id", "notice_id"], "label_pairs", "pairs")
    return np.array([pair in true for pair in zip(_text(pairs, "trip_id"),
                                                  _text(pairs, "notice_id"), strict=True)],
                    dtype=bool)


def _counts(n_correct, n_predicted, n_true):
    precision = n_correct / n_predicted if n_predicted else 0.0
    recall = n_correct / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n_predicted": int(n_predicted), "n_correct": int(n_correct), "n_true": int(n_true),
            "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def precision_recall(matches, truth):
    """Precision, recall and F1 of matched pairs against the ground truth.

    Parameters
    ----------
    matches : DataFrame
        ``trip_id, notice_id`` (:func:`match_trips`).
    truth : DataFrame
        ``trip_id, notice_id`` of every trip (``notice_id`` empty for trips by anyone but a
        notice subject): the generator's ``travel_trips`` ground truth.

    Returns
    -------
    dict
        ``n_predicted, n_correct, n_true, precision, recall, f1`` (rounded to 3 decimals).

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"trip_id": ["T1", "T2", "T3"], "notice_id": ["N1", "N2", ""]})
    >>> matches = pd.DataFrame({"trip_id": ["T1", "T3"], "notice_id": ["N1", "N2"]})
    >>> precision_recall(matches, truth)  # doctest: +NORMALIZE_WHITESPACE
    {'n_predicted': 2, 'n_correct': 1, 'n_true': 2, 'precision': 0.5, 'recall': 0.5,
     'f1': 0.5}
    """
    true = _truth_pairs(truth, "precision_recall")
    require_columns(matches, ["trip_id", "notice_id"], "precision_recall", "matches")
    predicted = set(zip(_text(matches, "trip_id"), _text(matches, "notice_id"), strict=True))
    return _counts(len(predicted & true), len(predicted), len(true))


def recall_by_variant(matches, truth):
    """The share of the notice subjects' trips found, per kind of variant (the ground truth's
    ``variant`` column: exact, transliteration, swapped_order, typo, ...).

    Parameters
    ----------
    matches : DataFrame
        ``trip_id, notice_id`` (:func:`match_trips`, :func:`exact_matches`).
    truth : DataFrame
        ``trip_id, notice_id, variant`` (the generator's ``travel_trips``).

    Returns
    -------
    DataFrame
        ``variant, n_trips, n_found, recall``, sorted by variant.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"trip_id": ["T1", "T2", "T3"], "notice_id": ["N1", "N1", ""],
    ...                       "variant": ["exact", "typo", ""]})
    >>> matches = pd.DataFrame({"trip_id": ["T1"], "notice_id": ["N1"]})
    >>> recall_by_variant(matches, truth).values.tolist()
    [['exact', 1, 1, 1.0], ['typo', 1, 0, 0.0]]
    """
    require_columns(truth, ["trip_id", "notice_id", "variant"], "recall_by_variant", "truth")
    require_columns(matches, ["trip_id", "notice_id"], "recall_by_variant", "matches")
    found = set(zip(_text(matches, "trip_id"), _text(matches, "notice_id"), strict=True))
    subjects = pd.DataFrame({"trip_id": _text(truth, "trip_id"),
                             "notice_id": _text(truth, "notice_id"),
                             "variant": _text(truth, "variant")})
    subjects = subjects[subjects["notice_id"] != ""]
    subjects["found"] = [pair in found for pair in zip(subjects["trip_id"],
                                                       subjects["notice_id"], strict=True)]
    table = subjects.groupby("variant").agg(n_trips=("found", "size"),
                                            n_found=("found", "sum")).reset_index()
    table["n_found"] = table["n_found"].astype(int)
    table["recall"] = (table["n_found"] / table["n_trips"]).round(3)
    return table


def _scores_labels(scores, labels, function):
    scores = np.asarray(scores, dtype=float)
    labels = np.asarray(labels)
    if scores.ndim != 1 or labels.shape != scores.shape or not np.isfinite(scores).all():
        raise InvalidParameterError(
            f"The 'scores' and 'labels' parameters of {function} must be one-dimensional and of "
            f"the same length, with finite scores. Got shapes {scores.shape} and "
            f"{labels.shape} instead."
        )
    if labels.dtype != bool:
        raise InvalidParameterError(
            f"The 'labels' parameter of {function} must hold booleans (label_pairs). "
            f"Got dtype {labels.dtype} instead."
        )
    return scores, labels


def precision_recall_curve(scores, labels, *, n_true=None, thresholds=None):
    """Precision, recall and F1 of keeping the pairs that score at least each threshold.

    Parameters
    ----------
    scores : array-like of float
        Scores of candidate pairs.
    labels : array-like of bool
        Whether each pair is a true one (:func:`label_pairs`).
    n_true : int, optional
        The number of true pairs in all (recall's denominator). Default: ``labels.sum()``;
        pass the ground truth's count to count the pairs blocking missed too.
    thresholds : sequence of float, optional
        Default 0.0 to 1.0 by 0.01.

    Returns
    -------
    DataFrame
        ``threshold, n_predicted, n_correct, n_true, precision, recall, f1``.

    Examples
    --------
    >>> curve = precision_recall_curve([0.9, 0.7, 0.4], [True, False, True],
    ...                                thresholds=[0.5, 0.8])
    >>> curve[["threshold", "precision", "recall"]].values.tolist()
    [[0.5, 0.5, 0.5], [0.8, 1.0, 0.5]]
    """
    func = "precision_recall_curve"
    scores, labels = _scores_labels(scores, labels, func)
    if n_true is None:
        n_true = int(labels.sum())
    elif isinstance(n_true, bool) or not isinstance(n_true, int | np.integer) or (
            n_true < labels.sum()):
        raise InvalidParameterError(
            f"The 'n_true' parameter of {func} must be an int >= the number of true labels "
            f"({int(labels.sum())}). Got {n_true!r} instead."
        )
    thresholds = (np.round(np.arange(101) * 0.01, 2) if thresholds is None
                  else np.sort(np.asarray(thresholds, dtype=float)))
    for threshold in thresholds:
        _check_threshold(float(threshold), func, "thresholds")
    rows = [{"threshold": round(float(t), 3),
             **_counts(int((labels & (scores >= t)).sum()), int((scores >= t).sum()), n_true)}
            for t in thresholds]
    columns = ["threshold", "n_predicted", "n_correct", "n_true", "precision", "recall", "f1"]
    return pd.DataFrame(rows, columns=columns)


def choose_threshold(scores, labels, min_precision=0.95, *, thresholds=None):
    """The lowest threshold from which on precision stays at or above ``min_precision``: the
    most recall that precision allows. NaN when no threshold with a match reaches it.

    Parameters
    ----------
    scores, labels, thresholds
        As for :func:`precision_recall_curve`.
    min_precision : float, default 0.95
        In [0, 1].

    Returns
    -------
    float

    Examples
    --------
    >>> choose_threshold([0.95, 0.9, 0.85, 0.6, 0.5], [True, True, False, True, False],
    ...                  min_precision=0.75)
    0.86
    """
    func = "choose_threshold"
    min_precision = _check_threshold(min_precision, func, "min_precision")
    curve = precision_recall_curve(scores, labels, thresholds=thresholds)
    good = (curve["precision"] >= min_precision) | (curve["n_predicted"] == 0)
    # from the top down, the thresholds before the first one that fails
    failing = np.flatnonzero(~good.to_numpy())
    start = failing.max() + 1 if len(failing) else 0
    usable = curve.iloc[start:]
    usable = usable[usable["n_predicted"] > 0]
    return float(usable["threshold"].min()) if len(usable) else float("nan")


def _evidence(row):
    name = f"name {row['name_score']:.0f}"
    notes = [note for note, flag in (("order swapped", row["order_swapped"]),
                                     (row["name_kind"], row["name_kind"] != "name")) if flag]
    if notes:
        name += f" ({', '.join(notes)})"
    dob = {"equal": "date of birth equal", "day_month_swapped": "day and month swapped",
           "year_only": "year of birth equal (notice gives only the year)",
           "same_year": "same year of birth, other day", "missing": "date of birth missing",
           "different": "date of birth differs"}[row["date_of_birth"]]
    sex = {"equal": "", "missing": "sex missing", "different": "sex differs"}[row["sex"]]
    nat = {"on_notice": f"nationality {row['trip_nationality']}",
           "missing": "nationality missing",
           "other": f"nationality {row['trip_nationality']} not on notice"}[row["nationality"]]
    return ", ".join(part for part in (name, dob, sex, nat) if part)


def review_list(matches, trips, notices, top=None):
    """Rank matches for an analyst: yellow notices (missing persons) first, then green, then
    blue; the best score first within a colour; with the evidence in words.

    Parameters
    ----------
    matches : DataFrame
        :func:`match_trips` output.
    trips, notices : DataFrame
        As for :func:`match_trips` (``departure``, ``origin``, ``destination`` of trips are
        shown when present).
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    DataFrame
        ``rank, colour, notice_id, notice_name, trip_id, traveller, date_of_birth, departure,
        route, score, evidence``.

    Examples
    --------
    >>> import pandas as pd
    >>> notices = pd.DataFrame({"notice_id": ["N1", "N2"], "colour": ["green", "yellow"],
    ...     "family_name": ["Petrov", "Moreau"], "forename": ["Ivan", "Chloé"],
    ...     "sex": ["M", "F"], "date_of_birth": ["1980-01-02", "2012-03-04"],
    ...     "nationalities": ["RU", "FR"]})
    >>> trips = pd.DataFrame({"trip_id": ["T1", "T2"], "family_name": ["IVAN", "MOREAU"],
    ...     "forename": ["PETROV", "CHLOE"], "sex": ["M", "F"],
    ...     "date_of_birth": ["1980-01-02", "2012-04-03"], "nationality": ["RU", "FR"]})
    >>> table = review_list(match_trips(trips, notices), trips, notices)
    >>> table[["rank", "colour", "notice_id", "score"]].values.tolist()
    [[1, 'yellow', 'N2', 0.93], [2, 'green', 'N1', 1.0]]
    >>> table["evidence"].tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['name 100, day and month swapped, nationality FR',
     'name 100 (order swapped), date of birth equal, nationality RU']
    """
    func = "review_list"
    require_columns(matches, ["trip_id", "notice_id", "score", "name_score", "name_kind",
                              "order_swapped", "date_of_birth", "sex", "nationality"],
                    func, "matches")
    require_columns(trips, _TRIP_COLUMNS, func, "trips")
    require_columns(notices, _NOTICE_COLUMNS, func, "notices")
    if top is not None:
        top = check_int(top, "top", func, 1)
    trip_info = pd.DataFrame({
        "trip_id": _text(trips, "trip_id"),
        "traveller": _text(trips, "forename") + " " + _text(trips, "family_name"),
        "trip_date_of_birth": _text(trips, "date_of_birth"),
        "trip_nationality": _text(trips, "nationality"),
        "departure": _text(trips, "departure"),
        "route": _text(trips, "origin") + "-" + _text(trips, "destination"),
    })
    notice_info = pd.DataFrame({
        "notice_id": _text(notices, "notice_id"), "colour": _text(notices, "colour"),
        "notice_full_name": _text(notices, "forename") + " " + _text(notices, "family_name"),
    })
    table = matches.astype({"trip_id": str, "notice_id": str}).merge(
        trip_info, on="trip_id", how="left").merge(notice_info, on="notice_id", how="left")
    table["evidence"] = [_evidence(row) for row in table.to_dict("records")]
    table["priority"] = table["colour"].map(_COLOUR_ORDER).fillna(len(_COLOUR_ORDER))
    table = table.sort_values(["priority", "score", "trip_id", "notice_id"],
                              ascending=[True, False, True, True], kind="stable",
                              ignore_index=True)
    if top is not None:
        table = table.head(int(top))
    return pd.DataFrame({
        "rank": np.arange(1, len(table) + 1), "colour": table["colour"],
        "notice_id": table["notice_id"], "notice_name": table["notice_full_name"],
        "trip_id": table["trip_id"], "traveller": table["traveller"],
        "date_of_birth": table["trip_date_of_birth"], "departure": table["departure"],
        "route": table["route"].replace("-", ""), "score": table["score"],
        "evidence": table["evidence"]})


def plot_precision_recall(scores, labels, *, n_true=None, threshold=None):
    """Two panels: the scores of true and other candidate pairs (histogram, log scale), and
    precision and recall against the threshold; a dashed line marks ``threshold``.

    Returns the :class:`matplotlib.figure.Figure`.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> figure = plot_precision_recall([0.9, 0.3, 0.85], [True, False, True], threshold=0.8)
    >>> [ax.get_xlabel() for ax in figure.axes]
    ['score', 'threshold']
    """
    import matplotlib.pyplot as plt

    from vidlab.network.aliases import plot_threshold_curve

    scores, labels = _scores_labels(scores, labels, "plot_precision_recall")
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8), layout="constrained")
    edges = np.linspace(0, 1, 41)
    left.hist(scores[~labels], bins=edges, color="tab:gray", alpha=0.6,
              label=f"other pairs ({int((~labels).sum())})")
    left.hist(scores[labels], bins=edges, color="tab:red", alpha=0.7,
              label=f"notice subject's trip ({int(labels.sum())})")
    left.set_yscale("log")
    left.set_xlabel("score")
    left.set_ylabel("candidate pairs")
    curve = precision_recall_curve(scores, labels, n_true=n_true)
    plot_threshold_curve(curve, ax=right, threshold=threshold)
    if threshold is not None:
        left.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:g}")
    left.legend(fontsize="small")
    return figure
