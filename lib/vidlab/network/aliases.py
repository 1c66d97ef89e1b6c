"""Link accounts of two platforms that one person holds (alias or "sock-puppet" linking).

Evidence that a forum account and a board account belong to the same person, each a
similarity in [0, 1] between the two accounts (symmetric):

- ``media_similarity``: the share of the smaller of the two media collections that the
  other account shared too, each medium weighted by its inverse document frequency
  ``log((1 + N) / (1 + n))`` (N accounts share media, n of them this medium): sharing a rare
  medium says much, a popular one little. A person's second account usually re-posts part
  of what they had, so the smaller collection is compared, not the union (a Jaccard index
  would punish a small board collection inside a large forum one). The smaller collection
  gets one extra rare medium's weight (``log((1 + N) / 3)``, a medium two accounts hold), so
  that two accounts whose only medium is the same popular one do not look identical.
- ``hour_similarity`` / ``weekday_similarity``: cosine similarity of the hour-of-day
  (smoothed over neighbouring hours) and weekday activity histograms, after subtracting the
  average profile of all accounts, clipped at 0: two accounts score high when they deviate
  from the crowd's rhythm in the same way, not merely for being awake in the evening.
- ``day_overlap``: Jaccard of the sets of active days (UTC).
- ``activity_similarity``: mean of ``(min + 1) / (max + 1)`` over post and share counts.
- ``handle_similarity``: Dice coefficient of the character trigrams of the two handles;
  when both handles have the same stem (lowercase letters only), times ``2 / (a + b)`` where
  ``a`` and ``b`` accounts hold that stem on each platform: with small word lists, a stem
  that many accounts share points to nobody in particular.

``score`` is the weighted mean of the components (:data:`DEFAULT_WEIGHTS`) for which both
accounts hold evidence (media: both shared something; timing and days: both did something;
handle: both have one; activity: always), shrunk towards 0 by ``prior_weight``::

    score = sum(w * similarity * available) / (sum(w * available) + prior_weight)

so that two silent accounts with similar handles are not scored as sure as two busy
accounts that agree on everything, and missing evidence does not count as disagreement.
Timing from a handful of events is mostly chance: the timing components (hours, weekdays,
days) are available only in part, ``n / (n + timing_half_events)``, where ``n`` is the
smaller of the two accounts' numbers of events. ``evidence`` is the share of the weights
that was available.

**Blocking.** :func:`alias_candidates` never scores all pairs. A pair becomes a candidate
when (1) the two accounts share a medium that at most ``max_block_size`` accounts share
(a very popular medium would pair nearly everyone; it still counts in the score), or (2) one
is among the other's ``timing_neighbours`` most similar accounts on the other platform by
hour and weekday profile (accounts with at least ``min_timing_events`` events), or (3) their
handles are equal once lowercased with digits and punctuation removed (for handle stems held
by at most ``max_block_size`` accounts). Accounts with no activity and an unrelated handle
are therefore never linked.

:func:`link_aliases` keeps pairs above a threshold and makes the links one-to-one;
:func:`evaluate_aliases` scores links against the ground truth; :func:`choose_threshold`
walks a precision/recall curve; :func:`plot_alias_scores` and :func:`plot_threshold_curve`
draw them.

**Linkable pairs.** A person whose account is silent on one platform (no post, share or
message) leaves no behaviour to compare, only a handle. Recall over all true pairs
(``recall``) therefore mixes what a method misses with what nobody could find;
:func:`linkable_pairs` lists the true pairs whose two accounts both did something, and
:func:`evaluate_aliases` reports ``recall_linkable`` over them when given that list.

On the default generated forum (``forum`` generator, 300 members, 75 board accounts of
which about 50 are linkable), :func:`alias_candidates` and :func:`link_aliases` with the
defaults reach a precision of about 0.9-0.95, a recall over all pairs of about 0.6 and a
recall over linkable pairs of about 0.7 (seeds 5-9, not used to choose the weights).

>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["F1", "F2", "B1"],
...     "platform": ["forum", "forum", "board"],
...     "handle": ["quiet_lantern42", "red_kettle7", "quiet_lantern_9"]})
>>> posts = pd.DataFrame(columns=["account_id", "time"])
>>> shares = pd.DataFrame({"account_id": ["F1", "F1", "F2", "B1", "B1"],
...     "media_id": ["D1", "D2", "D3", "D1", "D2"],
...     "time": ["2023-01-02T21:00:00Z", "2023-01-03T22:00:00Z", "2023-01-02T08:00:00Z",
...              "2023-01-02T21:30:00Z", "2023-01-05T22:10:00Z"]})
>>> candidates = alias_candidates(accounts, posts, shares)
>>> candidates[["forum_account", "board_account", "n_shared_media"]].values.tolist()
[['F1', 'B1', 2]]
>>> link_aliases(candidates, threshold=0.5)["forum_account"].tolist()
['F1']
"""

import re

import numpy as np
import pandas as pd

from vidlab.checks import check_int, require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.network.data import forum_times

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_THRESHOLD",
    "alias_candidates",
    "label_candidates",
    "link_aliases",
    "linkable_pairs",
    "evaluate_aliases",
    "choose_threshold",
    "plot_alias_scores",
    "plot_threshold_curve",
]

#: The similarity columns of :func:`alias_candidates`, each in [0, 1].
COMPONENTS = ("media_similarity", "hour_similarity", "weekday_similarity", "day_overlap",
              "activity_similarity", "handle_similarity")

#: Weights of the score, chosen on generated forums (seeds 0-4, checked on 5-9). Shared
#: rare media are the strongest evidence; the hour and weekday rhythm and the handle
#: support it; the amount of activity says little. Active days weigh nothing: a person's two
#: accounts need not be used on the same days (one platform may open after the other was
#: taken down), and on generated forums day overlap does not tell aliases apart.
DEFAULT_WEIGHTS = {"media_similarity": 0.30, "hour_similarity": 0.25,
                   "weekday_similarity": 0.20, "day_overlap": 0.0,
                   "activity_similarity": 0.05, "handle_similarity": 0.20}

#: Default threshold of :func:`link_aliases`, chosen with the weights on generated forums
#: (``forum`` generator, default size, seeds 0-4) and checked on seeds 5-9: precision about
#: 0.9-0.95, recall over linkable pairs about 0.7.
DEFAULT_THRESHOLD = 0.25

_CHUNK = 2048  # rows of the similarity matrix computed at once for the timing neighbours


# --- profiles --------------------------------------------------------------------------------

def _events(posts, shares, messages):
    """``(account_id, time)`` of everything an account did: posts, shares, messages sent."""
    parts = [pd.DataFrame({"account_id": posts["account_id"].astype(str).to_numpy(),
                           "time": forum_times(posts["time"]).to_numpy(), "kind": "post"}),
             pd.DataFrame({"account_id": shares["account_id"].astype(str).to_numpy(),
                           "time": forum_times(shares["time"]).to_numpy(), "kind": "share"})]
    if messages is not None:
        parts.append(pd.DataFrame({"account_id": messages["sender"].astype(str).to_numpy(),
                                   "time": forum_times(messages["time"]).to_numpy(),
                                   "kind": "message"}))
    return pd.concat(parts, ignore_index=True)


def _histograms(codes, n_accounts, values, size):
    counts = np.zeros((n_accounts, size))
    np.add.at(counts, (codes, values), 1.0)
    return counts


def _centred_unit(counts, smooth=False):
    """Rows as shares, smoothed circularly if asked, minus the mean share, unit length."""
    if smooth:
        counts = 0.5 * counts + 0.25 * (np.roll(counts, 1, axis=1) + np.roll(counts, -1, axis=1))
    totals = counts.sum(axis=1, keepdims=True)
    shares = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    active = totals[:, 0] > 0
    if active.any():
        mean = counts[active].sum(axis=0) / counts[active].sum()
        shares[active] -= mean
    norms = np.linalg.norm(shares, axis=1, keepdims=True)
    return np.divide(shares, norms, out=np.zeros_like(shares), where=norms > 0)


def _trigrams(handle):
    text = f"^{str(handle).lower()}$"
    return {text[i:i + 3] for i in range(len(text) - 2)}


def _stem(handle):
    return re.sub(r"[^a-z]", "", str(handle).lower())


class _Profiles:
    """Everything the scores need, per account (rows = ``ids``)."""

    def __init__(self, accounts, posts, shares, messages, platforms):
        import scipy.sparse as sp

        keep = accounts["platform"].astype(str).isin(platforms).to_numpy()
        table = accounts.loc[keep].copy()
        table["account_id"] = table["account_id"].astype(str)
        table = table.sort_values("account_id", kind="stable")
        self.ids = table["account_id"].to_numpy()
        self.platform = table["platform"].astype(str).to_numpy()
        self.handle = (table["handle"].fillna("").astype(str).to_numpy()
                       if "handle" in table.columns else np.full(len(table), ""))
        position = pd.Series(np.arange(len(self.ids)), index=self.ids)
        n = len(self.ids)

        events = _events(posts, shares, messages)
        events = events[events["account_id"].isin(position.index)]
        codes = position.loc[events["account_id"]].to_numpy()
        times = pd.DatetimeIndex(events["time"])
        self.n_events = np.bincount(codes, minlength=n)
        self.n_posts = np.bincount(codes[(events["kind"] == "post").to_numpy()], minlength=n)
        self.n_shares = np.bincount(codes[(events["kind"] == "share").to_numpy()], minlength=n)
        self.hours = _centred_unit(_histograms(codes, n, times.hour, 24), smooth=True)
        self.weekdays = _centred_unit(_histograms(codes, n, times.day_of_week, 7))
        day_codes, _ = pd.factorize(times.floor("D"), sort=True)
        days = sp.csr_matrix((np.ones(len(codes)), (codes, day_codes)),
                             shape=(n, max(day_codes.max(initial=-1) + 1, 1)))
        days.data[:] = 1.0  # duplicates were summed: back to presence
        self.days = days
        self.n_days = np.asarray(days.sum(axis=1)).ravel()

        media = pd.DataFrame({"account_id": shares["account_id"].astype(str).to_numpy(),
                              "media_id": shares["media_id"].astype(str).to_numpy()})
        media = media[media["account_id"].isin(position.index)].drop_duplicates()
        self.media_pairs = media  # for blocking
        media_codes, media_names = pd.factorize(media["media_id"], sort=True)
        holders = np.bincount(media_codes, minlength=len(media_names))
        n_sharing = media["account_id"].nunique()
        self.media_holders = pd.Series(holders, index=media_names)
        self.idf = np.log((1.0 + n_sharing) / (1.0 + holders))
        self.media_prior = max(np.log((1.0 + n_sharing) / 3.0), 0.0)
        rows = position.loc[media["account_id"]].to_numpy()
        shape = (n, max(len(media_names), 1))
        self.media = sp.csr_matrix((np.ones(len(rows)), (rows, media_codes)), shape=shape)
        self.media_weighted = sp.csr_matrix((self.idf[media_codes], (rows, media_codes)),
                                            shape=shape)
        self.media_weight = np.asarray(self.media_weighted.sum(axis=1)).ravel()
        self.position = position


def _rowwise_dot(left, right, i, j):
    """``sum(left[i] * right[j])`` for each pair, sparse matrices."""
    if len(i) == 0:
        return np.zeros(0)
    return np.asarray(left[i].multiply(right[j]).sum(axis=1)).ravel()


def _timing_neighbours(profiles, left, right, k, min_events):
    """Pairs (left position, right position): each side's ``k`` best timing matches."""
    vectors = np.hstack([profiles.hours, profiles.weekdays])
    left = left[profiles.n_events[left] >= min_events]
    right = right[profiles.n_events[right] >= min_events]
    pairs = []
    if k < 1 or len(left) == 0 or len(right) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    for queries, pool, flip in ((left, right, False), (right, left, True)):
        kk = min(k, len(pool))
        for start in range(0, len(queries), _CHUNK):
            block = queries[start:start + _CHUNK]
            similarity = vectors[block] @ vectors[pool].T
            if kk < len(pool):  # the kk best of each row, without sorting whole rows
                best = np.argpartition(-similarity, kk - 1, axis=1)[:, :kk]
            else:
                best = np.broadcast_to(np.arange(len(pool)), similarity.shape)
            found = np.column_stack([np.repeat(block, kk), pool[best.ravel()]])
            pairs.append(found[:, ::-1] if flip else found)
    return np.vstack(pairs)


def _validate_weights(weights):
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, dict) or set(weights) - set(COMPONENTS) \
            or any(not isinstance(v, int | float) or v < 0 for v in weights.values()) \
            or sum(weights.values()) <= 0:
        raise InvalidParameterError(
            "The 'weights' parameter of alias_candidates must map some of "
            f"{', '.join(COMPONENTS)} to non-negative numbers with a positive sum. "
            f"Got {weights!r} instead."
        )
    return {name: float(weights.get(name, 0.0)) for name in COMPONENTS}


def alias_candidates(accounts, posts, shares, messages=None, *, platforms=("forum", "board"),
                     weights=None, prior_weight=0.25, timing_half_events=10, max_block_size=50,
                     timing_neighbours=10, min_timing_events=2):
    """Score the plausible pairs of accounts (one per platform) that may be one person.

    Parameters
    ----------
    accounts : DataFrame
        ``account_id, platform`` and optional ``handle``.
    posts : DataFrame
        ``account_id, time``.
    shares : DataFrame
        ``account_id, media_id, time``.
    messages : DataFrame, optional
        ``sender, time``: messages sent count as activity for the timing profiles.
    platforms : pair of str
        The two platforms; the output columns are ``<platform>_account``.
    weights : dict, optional
        Weight of each of :data:`COMPONENTS` in ``score`` (missing ones weigh 0);
        default :data:`DEFAULT_WEIGHTS`.
    prior_weight : float
        Shrinks the score of pairs with little evidence towards 0 (see the module help).
    timing_half_events : float
        The timing components count in full only for accounts with many events: with ``n``
        events (the smaller account's), their weight is ``w * n / (n + timing_half_events)``
        (0 switches this off: full weight from one event on).
    max_block_size : int
        Blocking: media (and handle stems) held by more accounts than this do not create
        candidates.
    timing_neighbours : int
        Blocking: each account's most similar accounts by timing that become candidates
        (0 switches this rule off).
    min_timing_events : int
        Blocking: accounts with fewer events take no part in the timing rule.

    Returns
    -------
    DataFrame
        One row per candidate pair: ``<platforms[0]>_account, <platforms[1]>_account,
        n_shared_media``, the :data:`COMPONENTS`, ``evidence`` and ``score``, sorted by
        score (highest first), then by the account ids.

    Examples
    --------
    Two accounts on different platforms share three media that nobody else shares:

    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"account_id": ["F1", "F2", "F3", "B1"],
    ...                          "platform": ["forum", "forum", "forum", "board"]})
    >>> shares = pd.DataFrame({"account_id": ["F1"] * 3 + ["B1"] * 3 + ["F2", "F3"],
    ...     "media_id": ["D1", "D2", "D3"] * 2 + ["D4", "D5"], "time": "2023-01-02T21:00:00Z"})
    >>> posts = pd.DataFrame(columns=["account_id", "time"])
    >>> row = alias_candidates(accounts, posts, shares).iloc[0]
    >>> row["forum_account"], round(float(row["media_similarity"]), 2), float(row["day_overlap"])
    ('F1', 0.75, 1.0)
    """
    func = "alias_candidates"
    require_columns(accounts, ["account_id", "platform"], func, "accounts")
    require_columns(posts, ["account_id", "time"], func, "posts")
    require_columns(shares, ["account_id", "media_id", "time"], func, "shares")
    if messages is not None:
        require_columns(messages, ["sender", "time"], func, "messages")
    if (not isinstance(platforms, tuple | list) or len(platforms) != 2
            or not all(isinstance(p, str) for p in platforms) or platforms[0] == platforms[1]):
        raise InvalidParameterError(
            f"The 'platforms' parameter of {func} must be two different platform names such "
            f"as ('forum', 'board'). Got {platforms!r} instead."
        )
    weights = _validate_weights(weights)
    max_block_size = check_int(max_block_size, "max_block_size", "alias_candidates", 2)
    timing_neighbours = check_int(timing_neighbours, "timing_neighbours", "alias_candidates", 0)
    for name, value in (("prior_weight", prior_weight),
                        ("timing_half_events", timing_half_events)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise InvalidParameterError(
                f"The {name!r} parameter of {func} must be a number >= 0. "
                f"Got {value!r} instead."
            )
    min_timing_events = check_int(min_timing_events, "min_timing_events", "alias_candidates", 1)
    duplicated = accounts["account_id"].duplicated()
    if duplicated.any():
        raise InvalidParameterError(
            f"The 'accounts' parameter of {func} must list each account_id once. Got "
            f"duplicates {sorted(accounts.loc[duplicated, 'account_id'])[:5]}."
        )

    profiles = _Profiles(accounts, posts, shares, messages, platforms)
    left = np.flatnonzero(profiles.platform == platforms[0])
    right = np.flatnonzero(profiles.platform == platforms[1])
    pairs = _block(profiles, left, right, platforms, max_block_size, timing_neighbours,
                   min_timing_events)
    i, j = pairs[:, 0], pairs[:, 1]
    out = pd.DataFrame({f"{platforms[0]}_account": profiles.ids[i],
                        f"{platforms[1]}_account": profiles.ids[j]})
    out["n_shared_media"] = np.rint(_rowwise_dot(profiles.media, profiles.media, i, j)) \
        .astype("int64")
    shared = _rowwise_dot(profiles.media, profiles.media_weighted, i, j)
    smaller = np.minimum(profiles.media_weight[i], profiles.media_weight[j]) \
        + profiles.media_prior
    out["media_similarity"] = np.divide(shared, smaller, out=np.zeros_like(shared),
                                        where=smaller > 0)
    out["hour_similarity"] = np.clip(np.einsum("ij,ij->i", profiles.hours[i],
                                               profiles.hours[j]), 0.0, 1.0)
    out["weekday_similarity"] = np.clip(np.einsum("ij,ij->i", profiles.weekdays[i],
                                                  profiles.weekdays[j]), 0.0, 1.0)
    common = _rowwise_dot(profiles.days, profiles.days, i, j)
    either = profiles.n_days[i] + profiles.n_days[j] - common
    out["day_overlap"] = np.divide(common, either, out=np.zeros_like(common), where=either > 0)
    ratios = []
    for counts in (profiles.n_posts, profiles.n_shares):
        a, b = counts[i] + 1.0, counts[j] + 1.0
        ratios.append(np.minimum(a, b) / np.maximum(a, b))
    out["activity_similarity"] = np.mean(ratios, axis=0) if ratios[0].size else 0.0
    out["handle_similarity"] = _handle_similarity(profiles.handle, i, j) \
        * _stem_rarity(profiles, i, j, platforms)
    events = np.minimum(profiles.n_events[i], profiles.n_events[j]).astype(float)
    timing = events / (events + timing_half_events) if timing_half_events else \
        (events > 0).astype(float)
    available = {
        "media_similarity": (profiles.n_shares[i] > 0) & (profiles.n_shares[j] > 0),
        "hour_similarity": timing,
        "weekday_similarity": timing,
        "day_overlap": timing,
        "activity_similarity": np.ones(len(i)),
        "handle_similarity": (profiles.handle[i] != "") & (profiles.handle[j] != ""),
    }
    weight = sum(weights[name] * available[name] for name in COMPONENTS)
    evidence = sum(weights[name] * out[name].to_numpy() * available[name]
                   for name in COMPONENTS)
    out["evidence"] = weight / sum(weights.values())
    denominator = weight + prior_weight
    out["score"] = np.divide(evidence, denominator, out=np.zeros(len(i)),
                             where=denominator > 0)
    for column in (*COMPONENTS, "evidence", "score"):
        out[column] = out[column].astype(float).round(12)  # platform swap gives equal bytes
    order = np.lexsort((out.iloc[:, 1], out.iloc[:, 0], -out["score"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _block(profiles, left, right, platforms, max_block_size, k, min_events):
    """Candidate pairs as positions ``(left, right)``, unique and sorted."""
    position = profiles.position
    found = [np.zeros((0, 2), dtype=np.int64)]
    media = profiles.media_pairs
    popular = profiles.media_holders[profiles.media_holders > max_block_size].index
    media = media[~media["media_id"].isin(popular)]
    side = pd.Series(profiles.platform, index=profiles.ids)
    media = media.assign(side=side.loc[media["account_id"]].to_numpy())
    joined = media[media["side"] == platforms[0]].merge(
        media[media["side"] == platforms[1]], on="media_id")
    found.append(np.column_stack([position.loc[joined["account_id_x"]].to_numpy(),
                                  position.loc[joined["account_id_y"]].to_numpy()]))
    found.append(_timing_neighbours(profiles, left, right, k, min_events))
    stems = pd.DataFrame({"stem": [_stem(h) for h in profiles.handle],
                          "position": np.arange(len(profiles.ids)), "side": profiles.platform})
    stems = stems[stems["stem"].str.len() >= 3]
    stems = stems[stems.groupby("stem")["stem"].transform("size") <= max_block_size]
    same = stems[stems["side"] == platforms[0]].merge(
        stems[stems["side"] == platforms[1]], on="stem")
    found.append(same[["position_x", "position_y"]].to_numpy(dtype=np.int64))
    pairs = np.unique(np.vstack(found).astype(np.int64), axis=0)
    return pairs.reshape(-1, 2)


def _stem_rarity(profiles, i, j, platforms):
    """``2 / (a + b)`` for pairs whose handles have the same stem held by ``a`` accounts on
    the first platform and ``b`` on the second (1.0 when the stem is unique to the pair),
    1.0 for other pairs."""
    stems = np.array([_stem(h) for h in profiles.handle], dtype=object)
    frame = pd.DataFrame({"stem": stems, "side": profiles.platform})
    counts = frame.groupby(["stem", "side"]).size()
    n_left = counts.reindex(pd.MultiIndex.from_arrays([stems[i], np.full(len(i), platforms[0])]),
                            fill_value=1).to_numpy()
    n_right = counts.reindex(pd.MultiIndex.from_arrays([stems[j], np.full(len(j), platforms[1])]),
                             fill_value=1).to_numpy()
    same = (stems[i] == stems[j]) & (stems[i] != "")
    return np.where(same, 2.0 / (n_left + n_right), 1.0)


def _handle_similarity(handles, i, j):
    """Dice coefficient of character trigrams for each pair (cached per handle)."""
    grams = {}
    out = np.zeros(len(i))
    for row, (a, b) in enumerate(zip(handles[i], handles[j], strict=True)):
        if not a or not b:
            continue
        ga = grams.get(a) or grams.setdefault(a, _trigrams(a))
        gb = grams.get(b) or grams.setdefault(b, _trigrams(b))
        out[row] = 2.0 * len(ga & gb) / (len(ga) + len(gb))
    return out


# --- linking and evaluation ------------------------------------------------------------------

def _account_columns(candidates, func, name="candidates"):
    if not isinstance(candidates, pd.DataFrame):
        raise InvalidParameterError(
            f"The {name!r} parameter of {func} must be a DataFrame from alias_candidates. "
            f"Got {type(candidates).__name__} instead."
        )
    columns = [c for c in candidates.columns if str(c).endswith("_account")]
    if len(columns) != 2:
        raise InvalidParameterError(
            f"The {name!r} parameter of {func} must have exactly two '<platform>_account' "
            f"columns. Got {list(map(str, candidates.columns))}."
        )
    return columns


def link_aliases(candidates, threshold=DEFAULT_THRESHOLD, *, method="greedy"):
    """Keep the pairs scoring at least ``threshold`` and make the links one-to-one.

    Parameters
    ----------
    candidates : DataFrame
        :func:`alias_candidates` output (needs the two ``*_account`` columns and ``score``).
    threshold : float
        Lowest score kept (default :data:`DEFAULT_THRESHOLD`).
    method : {"greedy", "assignment"}
        ``"greedy"`` takes the best remaining pair first (each account keeps its strongest
        link); ``"assignment"`` maximises the total score of the links (scipy
        ``linear_sum_assignment`` within each connected group of candidates; groups with
        more than 2,000 accounts on a side fall back to greedy), which may trade one strong
        link for two weaker ones.

    Returns
    -------
    DataFrame
        The chosen rows of ``candidates``, each account at most once, sorted like them.

    Examples
    --------
    F1 and F2 both look like B1; each account is linked once, the strongest pair first:

    >>> import pandas as pd
    >>> candidates = pd.DataFrame({"forum_account": ["F1", "F2", "F2"],
    ...     "board_account": ["B1", "B1", "B2"], "score": [0.9, 0.8, 0.7]})
    >>> link_aliases(candidates, 0.5)[["forum_account", "board_account"]].values.tolist()
    [['F1', 'B1'], ['F2', 'B2']]
    >>> link_aliases(candidates, 0.75)[["forum_account", "board_account"]].values.tolist()
    [['F1', 'B1']]
    """
    func = "link_aliases"
    first, second = _account_columns(candidates, func)
    require_columns(candidates, ["score"], func, "candidates")
    if isinstance(threshold, bool) or not isinstance(threshold, int | float | np.floating):
        raise InvalidParameterError(
            f"The 'threshold' parameter of {func} must be a number. Got {threshold!r} instead."
        )
    if method not in ("assignment", "greedy"):
        raise InvalidParameterError(
            f"The 'method' parameter of {func} must be 'assignment' or 'greedy'. "
            f"Got {method!r} instead."
        )
    kept = candidates[candidates["score"].to_numpy(float) >= threshold]
    kept = kept.iloc[np.lexsort((kept[second].astype(str), kept[first].astype(str),
                                 -kept["score"].to_numpy(float)))]
    if kept.empty:
        return kept.reset_index(drop=True)
    a_codes, _ = pd.factorize(kept[first].astype(str))
    b_codes, _ = pd.factorize(kept[second].astype(str))
    if method == "greedy":
        chosen = _greedy(a_codes, b_codes, np.arange(len(kept)))
    else:
        chosen = _assignment(a_codes, b_codes, kept["score"].to_numpy(float))
    return kept.iloc[np.sort(chosen)].reset_index(drop=True)


def _greedy(a, b, rows):
    """Rows (already best first) taken while both of their accounts are free."""
    used_a, used_b, chosen = set(), set(), []
    for row in rows:
        if a[row] not in used_a and b[row] not in used_b:
            used_a.add(a[row])
            used_b.add(b[row])
            chosen.append(row)
    return np.asarray(chosen, dtype=np.int64)


def _assignment(a, b, score, max_side=2000):
    """Maximum-total-score one-to-one links, solved per connected group of candidates."""
    import scipy.sparse as sp
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse.csgraph import connected_components

    n_a, n_b = a.max() + 1, b.max() + 1
    graph = sp.coo_matrix((np.ones(len(a)), (a, n_a + b)), shape=(n_a + n_b, n_a + n_b))
    _, labels = connected_components(graph, directed=False)
    group = labels[a]
    order = np.argsort(group, kind="stable")
    bounds = np.flatnonzero(np.diff(group[order])) + 1
    chosen = []
    for rows in np.split(order, bounds):
        if len(rows) == 1:
            chosen.append(rows)
            continue
        rows_a, local_a = np.unique(a[rows], return_inverse=True)
        rows_b, local_b = np.unique(b[rows], return_inverse=True)
        if max(len(rows_a), len(rows_b)) > max_side:
            chosen.append(_greedy(a, b, np.sort(rows)))
            continue
        weight = np.zeros((len(rows_a), len(rows_b)))
        index = np.full((len(rows_a), len(rows_b)), -1)
        weight[local_a, local_b] = score[rows]
        index[local_a, local_b] = rows
        r, c = linear_sum_assignment(weight, maximize=True)
        picked = index[r, c]
        chosen.append(picked[(picked >= 0) & (weight[r, c] > 0)])
    return np.concatenate(chosen).astype(np.int64)


def _truth_pairs(truth_accounts, platforms, func):
    require_columns(truth_accounts, ["account_id", "platform", "person_id"], func,
                    "truth_accounts")
    truth = truth_accounts[["account_id", "platform", "person_id"]].astype(str)
    sides = [truth[truth["platform"] == p] for p in platforms]
    pairs = sides[0].merge(sides[1], on="person_id")
    return set(zip(pairs["account_id_x"], pairs["account_id_y"], strict=True))


def _platforms(columns):
    return [str(c)[: -len("_account")] for c in columns]


def label_candidates(candidates, truth_accounts):
    """A copy of ``candidates`` with ``is_alias``: both accounts belong to one person.

    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["F1", "B1", "B2"],
    ...     "platform": ["forum", "board", "board"], "person_id": ["U1", "U1", "U2"]})
    >>> candidates = pd.DataFrame({"forum_account": ["F1", "F1"],
    ...                            "board_account": ["B1", "B2"], "score": [0.9, 0.2]})
    >>> label_candidates(candidates, truth)["is_alias"].tolist()
    [True, False]
    """
    columns = _account_columns(candidates, "label_candidates")
    truth = _truth_pairs(truth_accounts, _platforms(columns), "label_candidates")
    out = candidates.copy()
    pairs = zip(out[columns[0]].astype(str), out[columns[1]].astype(str), strict=True)
    out["is_alias"] = np.fromiter((pair in truth for pair in pairs), dtype=bool, count=len(out))
    return out


def linkable_pairs(truth_accounts, posts, shares, messages=None, *,
                   platforms=("forum", "board")):
    """The true alias pairs whose two accounts both did something: posted, shared a medium
    or sent a private message. Only these can be linked from behaviour; the other true pairs
    hold a silent account (at most a handle to go by).

    Parameters
    ----------
    truth_accounts : DataFrame
        ``account_id, platform, person_id``.
    posts, shares : DataFrame
        ``account_id`` each.
    messages : DataFrame, optional
        ``sender``.
    platforms : pair of str
        The two platforms, as in :func:`alias_candidates`.

    Returns
    -------
    DataFrame
        ``<platforms[0]>_account, <platforms[1]>_account``, sorted; pass it to
        :func:`evaluate_aliases` as ``linkable``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["F1", "F2", "B1", "B2"],
    ...     "platform": ["forum", "forum", "board", "board"],
    ...     "person_id": ["U1", "U2", "U1", "U2"]})
    >>> posts = pd.DataFrame({"account_id": ["F1", "F2", "B1"]})  # B2 is silent
    >>> shares = pd.DataFrame(columns=["account_id"])
    >>> linkable_pairs(truth, posts, shares).values.tolist()
    [['F1', 'B1']]
    """
    func = "linkable_pairs"
    require_columns(posts, ["account_id"], func, "posts")
    require_columns(shares, ["account_id"], func, "shares")
    active = set(posts["account_id"].astype(str)) | set(shares["account_id"].astype(str))
    if messages is not None:
        require_columns(messages, ["sender"], func, "messages")
        active |= set(messages["sender"].astype(str))
    if (not isinstance(platforms, tuple | list) or len(platforms) != 2
            or not all(isinstance(p, str) for p in platforms) or platforms[0] == platforms[1]):
        raise InvalidParameterError(
            f"The 'platforms' parameter of {func} must be two different platform names such "
            f"as ('forum', 'board'). Got {platforms!r} instead."
        )
    pairs = sorted((a, b) for a, b in _truth_pairs(truth_accounts, platforms, func)
                   if a in active and b in active)
    return pd.DataFrame(pairs, columns=[f"{p}_account" for p in platforms], dtype=object)


def evaluate_aliases(links, truth_accounts, linkable=None):
    """Precision, recall and F1 of ``links`` against the ground-truth owners of accounts.

    Parameters
    ----------
    links : DataFrame
        :func:`link_aliases` output (two ``<platform>_account`` columns).
    truth_accounts : DataFrame
        ``account_id, platform, person_id`` (the ground-truth accounts table). A true pair
        is a person's account on the first platform with their account on the second.
    linkable : DataFrame, optional
        :func:`linkable_pairs` output: the true pairs that behaviour can reveal.

    Returns
    -------
    dict
        ``precision, recall, f1`` (0.0 when undefined), ``n_true, n_predicted, n_correct``;
        with ``linkable`` also ``recall_linkable`` (the share of the linkable pairs found),
        ``f1_linkable`` (of precision and that recall), ``n_linkable`` and
        ``n_correct_linkable``.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["F1", "F2", "B1", "B2"],
    ...     "platform": ["forum", "forum", "board", "board"],
    ...     "person_id": ["U1", "U2", "U1", "U2"]})
    >>> links = pd.DataFrame({"forum_account": ["F1"], "board_account": ["B1"]})
    >>> evaluate_aliases(links, truth)
    {'precision': 1.0, 'recall': 0.5, 'f1': 0.6667, 'n_true': 2, 'n_predicted': 1, 'n_correct': 1}

    If B2 never did anything, only F1-B1 could be found, and it was:

    >>> linkable = pd.DataFrame({"forum_account": ["F1"], "board_account": ["B1"]})
    >>> scores = evaluate_aliases(links, truth, linkable)
    >>> scores["recall"], scores["recall_linkable"], scores["n_linkable"]
    (0.5, 1.0, 1)
    """
    func = "evaluate_aliases"
    columns = _account_columns(links, func, "links")
    truth = _truth_pairs(truth_accounts, _platforms(columns), func)
    predicted = set(zip(links[columns[0]].astype(str), links[columns[1]].astype(str),
                        strict=True))
    result = _scores(len(predicted & truth), len(predicted), len(truth))
    if linkable is not None:
        require_columns(linkable, columns, func, "linkable")
        reachable = set(zip(linkable[columns[0]].astype(str),
                            linkable[columns[1]].astype(str), strict=True)) & truth
        found = len(predicted & reachable)
        recall = found / len(reachable) if reachable else 0.0
        precision = result["precision"]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result.update(recall_linkable=round(recall, 4), f1_linkable=round(f1, 4),
                      n_linkable=len(reachable), n_correct_linkable=found)
    return result


def _scores(n_correct, n_predicted, n_true):
    precision = n_correct / n_predicted if n_predicted else 0.0
    recall = n_correct / n_true if n_true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "n_true": n_true, "n_predicted": n_predicted, "n_correct": n_correct}


def choose_threshold(candidates, truth_accounts, *, thresholds=None, min_precision=None,
                     method="greedy", linkable=None):
    """Link at each threshold, score against the truth, and pick a threshold.

    Parameters
    ----------
    candidates : DataFrame
        :func:`alias_candidates` output.
    truth_accounts : DataFrame
        ``account_id, platform, person_id``.
    thresholds : sequence of float, optional
        Default: 0.0 to 1.0 by 0.025.
    min_precision : float, optional
        Pick the lowest threshold (most recall) whose precision reaches this. Default: the
        highest threshold among those with the best F1.
    method : str
        Passed to :func:`link_aliases`.
    linkable : DataFrame, optional
        :func:`linkable_pairs` output: the curve gets ``recall_linkable`` too (the choice
        of the threshold does not change).

    Returns
    -------
    threshold : float
        NaN when no threshold reaches ``min_precision``.
    curve : DataFrame
        ``threshold, n_predicted, n_correct, precision, recall, f1`` (and
        ``recall_linkable``) per threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["F1", "F2", "B1", "B2"],
    ...     "platform": ["forum", "forum", "board", "board"],
    ...     "person_id": ["U1", "U2", "U1", "U3"]})
    >>> candidates = pd.DataFrame({"forum_account": ["F1", "F2"],
    ...     "board_account": ["B1", "B2"], "score": [0.8, 0.4]})
    >>> threshold, curve = choose_threshold(candidates, truth, thresholds=[0.3, 0.5, 0.9])
    >>> threshold
    0.5
    >>> curve["precision"].tolist()
    [0.5, 1.0, 0.0]
    """
    func = "choose_threshold"
    _account_columns(candidates, func)
    require_columns(candidates, ["score"], func, "candidates")
    if thresholds is None:
        thresholds = np.round(np.arange(0, 41) * 0.025, 3)
    thresholds = np.asarray(thresholds, dtype=float)
    if thresholds.ndim != 1 or thresholds.size == 0 or not np.isfinite(thresholds).all():
        raise InvalidParameterError(
            f"The 'thresholds' parameter of {func} must be a non-empty list of numbers. "
            f"Got {thresholds!r} instead."
        )
    if min_precision is not None and (isinstance(min_precision, bool)
                                      or not isinstance(min_precision, int | float)
                                      or not 0 <= min_precision <= 1):
        raise InvalidParameterError(
            f"The 'min_precision' parameter of {func} must be a number in [0, 1] or None. "
            f"Got {min_precision!r} instead."
        )
    thresholds = np.sort(thresholds)
    # Greedy linking takes pairs best first, so the links at a threshold are the links at
    # the lowest threshold that score at least as much: link once, then cut.
    lowest = link_aliases(candidates, float(thresholds[0]), method=method)
    rows = []
    for threshold in thresholds:
        links = (lowest[lowest["score"].to_numpy(float) >= threshold] if method == "greedy"
                 else link_aliases(candidates, float(threshold), method=method))
        rows.append({"threshold": float(threshold),
                     **evaluate_aliases(links, truth_accounts, linkable)})
    columns = ["threshold", "n_predicted", "n_correct", "precision", "recall", "f1"]
    curve = pd.DataFrame(rows)[columns + (["recall_linkable"] if linkable is not None else [])]
    if min_precision is not None:
        good = curve[(curve["precision"] >= min_precision) & (curve["n_predicted"] > 0)]
        best = float(good["threshold"].min()) if len(good) else float("nan")
    else:
        best = float(curve.loc[curve["f1"] == curve["f1"].max(), "threshold"].max())
    return best, curve


# --- figures ---------------------------------------------------------------------------------

def plot_alias_scores(candidates, truth_accounts, ax=None, *, bins=30, threshold=None):
    """Histogram of candidate scores, true aliases against other pairs.

    Returns the :class:`matplotlib.axes.Axes`; a dashed line marks ``threshold`` if given.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> truth = pd.DataFrame({"account_id": ["F1", "B1"], "platform": ["forum", "board"],
    ...                       "person_id": ["U1", "U1"]})
    >>> candidates = pd.DataFrame({"forum_account": ["F1", "F1"],
    ...                            "board_account": ["B1", "B9"], "score": [0.9, 0.1]})
    >>> ax = plot_alias_scores(candidates, truth, threshold=0.5)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['other pairs (1)', 'same person (1)', 'threshold 0.5']
    """
    import matplotlib.pyplot as plt

    labelled = label_candidates(candidates, truth_accounts)
    require_columns(labelled, ["score"], "plot_alias_scores", "candidates")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    edges = np.linspace(0.0, 1.0, int(bins) + 1)
    false = labelled.loc[~labelled["is_alias"], "score"]
    true = labelled.loc[labelled["is_alias"], "score"]
    ax.hist(false, bins=edges, alpha=0.6, color="tab:gray", label=f"other pairs ({len(false)})")
    ax.hist(true, bins=edges, alpha=0.7, color="tab:red", label=f"same person ({len(true)})")
    if threshold is not None:
        ax.axvline(threshold, color="black", linestyle="--", label=f"threshold {threshold:g}")
    ax.set_xlabel("alias score")
    ax.set_ylabel("candidate pairs")
    ax.set_yscale("log" if len(false) > 50 * max(len(true), 1) else "linear")
    ax.legend()
    return ax


def plot_threshold_curve(curve, ax=None, *, threshold=None):
    """Precision, recall and F1 against the threshold (the ``curve`` of
    :func:`choose_threshold`). Returns the :class:`matplotlib.axes.Axes`.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> curve = pd.DataFrame({"threshold": [0.2, 0.5], "precision": [0.5, 1.0],
    ...                       "recall": [1.0, 0.5], "f1": [0.67, 0.67]})
    >>> [line.get_label() for line in plot_threshold_curve(curve).get_lines()]
    ['precision', 'recall', 'f1']
    """
    import matplotlib.pyplot as plt

    if not isinstance(curve, pd.DataFrame):
        raise InvalidParameterError(
            "The 'curve' parameter of plot_threshold_curve must be the DataFrame returned by "
            f"choose_threshold. Got {type(curve).__name__} instead."
        )
    require_columns(curve, ["threshold", "precision", "recall", "f1"], "plot_threshold_curve",
                    "curve")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for column in ("precision", "recall", "f1"):
        ax.plot(curve["threshold"], curve[column], label=column)
    if threshold is not None and np.isfinite(threshold):
        ax.axvline(threshold, color="black", linestyle="--")
    ax.set_xlabel("threshold")
    ax.set_ylim(0, 1.02)
    ax.legend()
    return ax
