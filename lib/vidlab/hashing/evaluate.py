"""Evaluating hash algorithms: robustness to transforms, ROC curves and thresholds.

Everything here works on plain DataFrames of hex hashes, so it does not matter how the hashes
were computed. A *pairs* table has one row per (original, variant) pair, with columns
``original`` and ``variant`` (hex), ``transform`` (what made the variant: ``"jpeg-q30"``,
``"crop-10"``, or ``"unrelated"`` for a pair of different images) and ``algorithm``.

* :func:`pair_distances` adds the Hamming ``distance`` of every pair;
* :func:`robustness_matrix` tabulates, per transform and algorithm, the mean distance and the
  *recall*: the share of pairs within the algorithm's threshold (for ``"unrelated"`` pairs
  that share is the false positive rate);
* :func:`roc_table`, :func:`roc_auc`, :func:`precision_recall_at` and
  :func:`choose_threshold` compare the distances of related pairs (*positives*) with those of
  unrelated ones (*negatives*). A pair matches when ``distance <= threshold``, as in
  :func:`vidlab.hashing.matching.match_hashes`; the threshold ``-1`` matches nothing.
* :func:`plot_robustness`, :func:`plot_roc` and :func:`plot_distance_histograms` draw them
  on a new :class:`matplotlib.figure.Figure` (no pyplot state; fine with the Agg backend),
  or on the ``ax`` given, and return the figure.

>>> pairs = make_bit_flip_pairs(200, {"light": 4, "heavy": 40}, n_unrelated=200, seed=1)
>>> pairs = pair_distances(pairs)
>>> matrix = robustness_matrix(pairs)
>>> matrix[("pdq", "recall")].to_dict()
{'light': 1.0, 'heavy': 0.0, 'unrelated': 0.0}
>>> positives = pairs.loc[pairs["transform"] != "unrelated", "distance"]
>>> negatives = pairs.loc[pairs["transform"] == "unrelated", "distance"]
>>> roc_auc(positives, negatives)
1.0
>>> choose_threshold(positives, negatives, max_false_positive_rate=0.0)
ThresholdChoice(threshold=40, true_positive_rate=1.0, false_positive_rate=0.0)
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.hashsets import ALGORITHMS, HEX_DIGITS
from vidlab.hashing.matching import DEFAULT_MAX_DISTANCE
from vidlab.seed import make_rng

__all__ = [
    "ThresholdChoice",
    "choose_threshold",
    "hex_distances",
    "make_bit_flip_pairs",
    "pair_distances",
    "plot_distance_histograms",
    "plot_robustness",
    "plot_roc",
    "precision_recall_at",
    "robustness_matrix",
    "roc_auc",
    "roc_table",
]

UNRELATED = "unrelated"
METRICS = ("mean_distance", "recall")


class ThresholdChoice(NamedTuple):
    """A threshold (largest matching distance) with its true and false positive rates."""

    threshold: int
    true_positive_rate: float
    false_positive_rate: float


# ------------------------------------------------------------------------------ distances


def hex_distances(a, b):
    """Return the Hamming distances between hex hashes ``a[i]`` and ``b[i]`` (int64 array).

    Each pair must have the same length; different pairs may have different lengths (a
    table of pHash and PDQ pairs is fine).

    >>> hex_distances(["ff00", "0000000000000000"], ["ff01", "ffffffffffffffff"]).tolist()
    [1, 64]
    """
    a = [str(value).strip().lower() for value in _sequence(a, "a")]
    b = [str(value).strip().lower() for value in _sequence(b, "b")]
    if len(a) != len(b):
        raise InvalidParameterError(
            f"The 'a' and 'b' parameters of hex_distances must have the same length. "
            f"Got {len(a)} and {len(b)} instead."
        )
    out = np.zeros(len(a), dtype=np.int64)
    lengths = np.array([len(x) for x in a], dtype=np.int64)
    for length in np.unique(lengths):
        rows = np.nonzero(lengths == length)[0]
        out[rows] = _same_length_distances([a[i] for i in rows], [b[i] for i in rows], length)
    return out


def _same_length_distances(a, b, length):
    if length == 0 or length % 2:
        raise InvalidParameterError(
            f"hex_distances needs hashes of an even number of hex digits. Got {a[0]!r} instead."
        )
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if len(y) != length:
            raise InvalidParameterError(
                f"hex_distances cannot compare {x!r} with {y!r} (pair {i}): "
                f"{len(x)} and {len(y)} hex digits."
            )
    try:
        left = np.frombuffer(bytes.fromhex("".join(a)), dtype=np.uint8)
        right = np.frombuffer(bytes.fromhex("".join(b)), dtype=np.uint8)
    except ValueError:
        bad = next(x for x in [*a, *b] if not _is_hex(x))
        raise InvalidParameterError(
            f"hex_distances needs hex strings; got {bad[:80]!r}."
        ) from None
    xor = np.bitwise_xor(left, right).reshape(len(a), length // 2)
    return np.bitwise_count(xor).sum(axis=1, dtype=np.int64)


def _is_hex(text):
    try:
        bytes.fromhex(text)
    except ValueError:
        return False
    return True


def _sequence(values, name):
    if isinstance(values, str):
        raise InvalidParameterError(
            f"The {name!r} parameter must be a sequence of hex strings, not one string. "
            f"Got {values[:40]!r} instead."
        )
    return list(values)


def pair_distances(pairs, original="original", variant="variant"):
    """Return a copy of ``pairs`` with a ``distance`` column (Hamming, int64).

    >>> pairs = pd.DataFrame({"original": ["ff", "00"], "variant": ["fe", "0f"]})
    >>> pair_distances(pairs)["distance"].tolist()
    [1, 4]
    """
    require_columns(pairs, (original, variant), "pair_distances", "pairs")
    out = pairs.copy()
    out["distance"] = hex_distances(pairs[original], pairs[variant])
    return out


def make_bit_flip_pairs(n_originals, flips, algorithm="pdq", n_unrelated=0, seed=None):
    """Make a synthetic pairs table: random hashes and copies with bits flipped.

    Stands in for real transforms when teaching or testing the evaluation: every transform
    in ``flips`` (``{name: number of bits}``) flips exactly that many distinct random bits of
    each of ``n_originals`` random hashes; ``n_unrelated`` extra pairs of independent random
    hashes get the transform ``"unrelated"``. Deterministic for a given ``seed``.

    >>> pairs = make_bit_flip_pairs(2, {"resize": 3}, algorithm="phash", seed=0)
    >>> pairs.columns.tolist(), pair_distances(pairs)["distance"].tolist()
    (['original', 'variant', 'transform', 'algorithm'], [3, 3])
    """
    if algorithm not in HEX_DIGITS:
        raise InvalidParameterError(
            f"The 'algorithm' parameter of make_bit_flip_pairs must be one of "
            f"{', '.join(ALGORITHMS)}. Got {algorithm!r} instead."
        )
    nbits = 4 * HEX_DIGITS[algorithm]
    n_originals = _count(n_originals, "n_originals")
    n_unrelated = _count(n_unrelated, "n_unrelated")
    if not isinstance(flips, dict):
        raise InvalidParameterError(
            f"The 'flips' parameter of make_bit_flip_pairs must be a dict of transform name "
            f"to number of bits. Got {type(flips).__name__} instead."
        )
    rng = make_rng(seed)
    originals = rng.integers(0, 2, size=(n_originals, nbits), dtype=np.uint8)
    frames = []
    for name, k in flips.items():
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 0 <= k <= nbits:
            raise InvalidParameterError(
                f"The 'flips' parameter of make_bit_flip_pairs must give each transform an int "
                f"in [0, {nbits}]. Got {k!r} for {name!r} instead."
            )
        # k distinct positions per row: the first k of a random permutation
        positions = np.argsort(rng.random((n_originals, nbits)), axis=1)[:, :k]
        variants = originals.copy()
        np.put_along_axis(variants, positions, 1 - np.take_along_axis(variants, positions, 1),
                          axis=1)
        frames.append(_pairs_frame(originals, variants, name, algorithm))
    if n_unrelated:
        left = rng.integers(0, 2, size=(n_unrelated, nbits), dtype=np.uint8)
        right = rng.integers(0, 2, size=(n_unrelated, nbits), dtype=np.uint8)
        frames.append(_pairs_frame(left, right, UNRELATED, algorithm))
    if not frames:
        return pd.DataFrame({column: pd.Series([], dtype=str)
                             for column in ("original", "variant", "transform", "algorithm")})
    return pd.concat(frames, ignore_index=True)


def _pairs_frame(originals, variants, transform, algorithm):
    def hexes(bits):
        return [row.tobytes().hex() for row in np.packbits(bits, axis=1)]

    return pd.DataFrame({"original": hexes(originals), "variant": hexes(variants),
                         "transform": transform, "algorithm": algorithm})


def _count(value, name):
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 0:
        raise InvalidParameterError(
            f"The {name!r} parameter of make_bit_flip_pairs must be an int >= 0. "
            f"Got {value!r} instead."
        )
    return int(value)


# ------------------------------------------------------------------------------ robustness


def _thresholds(thresholds, algorithms, function):
    if thresholds is None:
        given = {}
    elif isinstance(thresholds, dict):
        given = dict(thresholds)
    else:
        given = dict.fromkeys(algorithms, thresholds)
    out = {}
    for name in algorithms:
        value = given.get(name, DEFAULT_MAX_DISTANCE.get(name, 0))
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < -1:
            raise InvalidParameterError(
                f"The 'thresholds' parameter of {function} must give {name!r} an int >= -1. "
                f"Got {value!r} instead."
            )
        out[name] = int(value)
    return out


def robustness_matrix(pairs, thresholds=None):
    """Return mean distance and recall per transform (rows) and algorithm (columns).

    Parameters
    ----------
    pairs : pandas.DataFrame
        Columns ``transform``, ``algorithm`` and ``distance`` (or ``original`` and ``variant``,
        from which :func:`pair_distances` computes it).
    thresholds : int or dict, optional
        Largest matching distance per algorithm (``{algorithm: int}``) or for all; default
        :data:`vidlab.hashing.matching.DEFAULT_MAX_DISTANCE` (0 for cryptographic hashes).

    Returns
    -------
    pandas.DataFrame
        Index ``transform`` (in order of first appearance), columns a MultiIndex
        ``(algorithm, "mean_distance" | "recall")``, algorithms in
        :data:`~vidlab.hashing.hashsets.ALGORITHMS` order; NaN where a transform has no pair
        of that algorithm. ``attrs["thresholds"]`` holds the thresholds used.

    >>> pairs = pd.DataFrame({"transform": ["a", "a", "b"], "algorithm": "phash",
    ...                       "distance": [2, 12, 30]})
    >>> robustness_matrix(pairs, thresholds=10).to_dict("list")
    {('phash', 'mean_distance'): [7.0, 30.0], ('phash', 'recall'): [0.5, 0.0]}
    """
    require_columns(pairs, ("transform", "algorithm"), "robustness_matrix", "pairs")
    if "distance" not in pairs.columns:
        require_columns(pairs, ("original", "variant"), "robustness_matrix", "pairs")
        pairs = pair_distances(pairs)
    frame = pd.DataFrame({"transform": pairs["transform"].astype(str).to_numpy(),
                          "algorithm": pairs["algorithm"].astype(str).to_numpy(),
                          "distance": pd.to_numeric(pairs["distance"]).to_numpy()})
    present = set(frame["algorithm"])
    algorithms = [name for name in ALGORITHMS if name in present]
    algorithms += sorted(present - set(algorithms))
    limits = _thresholds(thresholds, algorithms, "robustness_matrix")
    frame["recall"] = frame["distance"] <= frame["algorithm"].map(limits)
    grouped = frame.groupby(["transform", "algorithm"], sort=False).agg(
        mean_distance=("distance", "mean"), recall=("recall", "mean"))
    transforms = list(dict.fromkeys(frame["transform"]))
    matrix = grouped.unstack("algorithm").swaplevel(axis=1)
    columns = pd.MultiIndex.from_product([algorithms, list(METRICS)],
                                         names=["algorithm", "metric"])
    matrix = matrix.reindex(index=transforms, columns=columns).astype(float)
    matrix.index.name = "transform"
    matrix.attrs["thresholds"] = limits
    return matrix


# ------------------------------------------------------------------------------ ROC


def _distances(values, name, function):
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be a sequence of distances. "
            f"Got {type(values).__name__} instead."
        ) from None
    if array.size == 0:
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must hold at least one distance. "
            f"Got 0 instead."
        )
    if not np.isfinite(array).all() or (array < 0).any():
        bad = array[~np.isfinite(array) | (array < 0)][0]
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must hold distances >= 0. "
            f"Got {_as_number(bad)!r} instead."
        )
    return array


def _as_number(value):
    value = float(value)
    return int(value) if value.is_integer() else value


def roc_table(positives, negatives):
    """Return the ROC curve: ``threshold, true_positive_rate, false_positive_rate``.

    One row per distinct distance (``distance <= threshold`` matches) plus the first row,
    threshold -1, where nothing matches; rates rise with the threshold. Computed with
    :func:`sklearn.metrics.roc_curve` on negated distances.

    >>> roc_table([0, 1, 3], [3, 9]).to_dict("list")
    {'threshold': [-1, 0, 1, 3, 9], 'true_positive_rate': [0.0, 0.3333333333333333, 0.6666666666666666, 1.0, 1.0], 'false_positive_rate': [0.0, 0.0, 0.0, 0.5, 1.0]}
    """  # noqa: E501
    from sklearn.metrics import roc_curve

    positives = _distances(positives, "positives", "roc_table")
    negatives = _distances(negatives, "negatives", "roc_table")
    labels = np.r_[np.ones(positives.size), np.zeros(negatives.size)]
    fpr, tpr, scores = roc_curve(labels, -np.r_[positives, negatives], drop_intermediate=False)
    thresholds = -scores
    thresholds[0] = -1  # sklearn's first score is +inf: nothing matches
    numbers = [_as_number(value) for value in thresholds]
    return pd.DataFrame({"threshold": numbers, "true_positive_rate": tpr.astype(float),
                         "false_positive_rate": fpr.astype(float)})


def roc_auc(positives, negatives):
    """Return the area under the ROC curve (1.0: some threshold separates them perfectly).

    >>> roc_auc([0, 1, 2], [30, 40]), roc_auc([5, 5], [5, 5])
    (1.0, 0.5)
    """
    from sklearn.metrics import roc_auc_score

    positives = _distances(positives, "positives", "roc_auc")
    negatives = _distances(negatives, "negatives", "roc_auc")
    labels = np.r_[np.ones(positives.size), np.zeros(negatives.size)]
    return float(roc_auc_score(labels, -np.r_[positives, negatives]))


def precision_recall_at(positives, negatives, thresholds):
    """Return counts, precision, recall and false positive rate at each threshold.

    Columns ``threshold, true_positives, false_positives, precision, recall,
    false_positive_rate``; precision is NaN where nothing matches.

    >>> table = precision_recall_at([0, 2, 8], [6, 40], [1, 6, 10])
    >>> table[["threshold", "true_positives", "false_positives", "precision"]].to_dict("list")
    {'threshold': [1, 6, 10], 'true_positives': [1, 2, 3], 'false_positives': [0, 1, 1], 'precision': [1.0, 0.6666666666666666, 0.75]}
    """  # noqa: E501
    positives = np.sort(_distances(positives, "positives", "precision_recall_at"))
    negatives = np.sort(_distances(negatives, "negatives", "precision_recall_at"))
    values = np.atleast_1d(np.asarray(thresholds))
    if values.size == 0 or not np.issubdtype(values.dtype, np.number):
        raise InvalidParameterError(
            f"The 'thresholds' parameter of precision_recall_at must be numbers. "
            f"Got {thresholds!r} instead."
        )
    tp = np.searchsorted(positives, values, side="right")
    fp = np.searchsorted(negatives, values, side="right")
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(tp + fp > 0, tp / np.maximum(tp + fp, 1), np.nan)
    return pd.DataFrame({"threshold": [_as_number(v) for v in values],
                         "true_positives": tp.astype(np.int64),
                         "false_positives": fp.astype(np.int64),
                         "precision": precision.astype(float),
                         "recall": tp / positives.size,
                         "false_positive_rate": fp / negatives.size})


def choose_threshold(positives, negatives, max_false_positive_rate=0.001):
    """Return the threshold with the best true positive rate at an acceptable false one.

    Among the thresholds whose false positive rate is at most ``max_false_positive_rate``,
    the one with the highest true positive rate, and of those the smallest (an observed
    distance: nothing between the observations would be any better on these data). The
    result is a :class:`ThresholdChoice`; its threshold is -1 (match nothing) when even the
    smallest distance gives too many false positives.

    >>> choose_threshold([0, 2, 8, 12], [10, 40, 50], max_false_positive_rate=0.0)
    ThresholdChoice(threshold=8, true_positive_rate=0.75, false_positive_rate=0.0)
    >>> choose_threshold([0, 2, 8, 12], [10, 40, 50], max_false_positive_rate=0.34)
    ThresholdChoice(threshold=12, true_positive_rate=1.0, false_positive_rate=0.3333333333333333)
    """
    rate = max_false_positive_rate
    if isinstance(rate, bool) or not isinstance(rate, int | float | np.number) or not (
            0 <= rate <= 1):
        raise InvalidParameterError(
            f"The 'max_false_positive_rate' parameter of choose_threshold must be a number in "
            f"[0, 1]. Got {rate!r} instead."
        )
    positives = _distances(positives, "positives", "choose_threshold")
    negatives = _distances(negatives, "negatives", "choose_threshold")
    table = roc_table(positives, negatives)
    admissible = table[table["false_positive_rate"] <= rate + 1e-12]  # row 0 always is
    best = admissible.loc[admissible["true_positive_rate"].idxmax()]  # first of the best
    return ThresholdChoice(_as_number(best["threshold"]), float(best["true_positive_rate"]),
                           float(best["false_positive_rate"]))


# ------------------------------------------------------------------------------ plots


def _axes(ax, figsize):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize, layout="constrained")
    return figure, figure.add_subplot()


def plot_robustness(matrix, metric="recall", ax=None):
    """Draw a :func:`robustness_matrix` as a heatmap (transforms x algorithms); return the figure.

    ``metric`` is ``"recall"`` (colour scale 0-1) or ``"mean_distance"``; each cell is
    annotated with its value.
    """
    if metric not in METRICS:
        raise InvalidParameterError(
            f"The 'metric' parameter of plot_robustness must be one of {', '.join(METRICS)}. "
            f"Got {metric!r} instead."
        )
    if not isinstance(matrix, pd.DataFrame) or not isinstance(matrix.columns, pd.MultiIndex):
        raise InvalidParameterError(
            "The 'matrix' parameter of plot_robustness must be a DataFrame from "
            f"robustness_matrix. Got {type(matrix).__name__} instead."
        )
    values = matrix.xs(metric, axis=1, level=-1)
    n_rows, n_columns = values.shape
    figure, ax = _axes(ax, (1.6 + 1.1 * n_columns, 1.2 + 0.45 * n_rows))
    limits = {"vmin": 0.0, "vmax": 1.0} if metric == "recall" else {"vmin": 0.0}
    image = ax.imshow(values.to_numpy(dtype=float), cmap="viridis", aspect="auto", **limits)
    ax.set_xticks(range(n_columns), [str(c) for c in values.columns])
    ax.set_yticks(range(n_rows), [str(i) for i in values.index])
    ax.set_xlabel("algorithm")
    ax.set_ylabel("transform")
    high = np.nanmax(values.to_numpy(dtype=float)) if values.size else 0
    for (i, j), value in np.ndenumerate(values.to_numpy(dtype=float)):
        if np.isfinite(value):
            text = f"{value:.2f}" if metric == "recall" else f"{value:.1f}"
            dark = value > (0.6 if metric == "recall" else 0.6 * high)
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="black" if dark else "white")
    figure.colorbar(image, ax=ax, label=metric.replace("_", " "))
    return figure


def plot_roc(positives, negatives=None, label=None, ax=None):
    """Draw ROC curves; return the figure.

    Either one curve, ``plot_roc(positives, negatives, label=...)``, or several from a dict
    ``{label: (positives, negatives)}``. A new figure also gets the chance diagonal.
    The legend gives each curve's AUC.
    """
    if negatives is None:
        if not isinstance(positives, dict):
            raise InvalidParameterError(
                "The 'negatives' parameter of plot_roc is required unless 'positives' is a "
                "dict of {label: (positives, negatives)}. Got None instead."
            )
        curves = positives
    else:
        curves = {label or "ROC": (positives, negatives)}
    new = ax is None
    figure, ax = _axes(ax, (4.5, 4.5))
    if new:
        ax.plot([0, 1], [0, 1], linestyle=":", color="grey", linewidth=1, label="chance")
    for name, (pos, neg) in curves.items():
        table = roc_table(pos, neg)
        ax.plot(table["false_positive_rate"], table["true_positive_rate"], drawstyle="steps-post",
                label=f"{name} (AUC {roc_auc(pos, neg):.3f})")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.01, 1.01)
    ax.set_xlabel("false positive rate")
    ax.set_ylabel("true positive rate")
    ax.legend(loc="lower right", fontsize=8)
    return figure


def plot_distance_histograms(positives, negatives, threshold=None, ax=None):
    """Draw histograms of related (positives) and unrelated (negatives) distances.

    Bins are one distance wide; ``threshold`` (largest matching distance) is drawn as a
    vertical line between it and the next distance. Returns the figure.
    """
    positives = _distances(positives, "positives", "plot_distance_histograms")
    negatives = _distances(negatives, "negatives", "plot_distance_histograms")
    figure, ax = _axes(ax, (6, 3.5))
    top = int(np.ceil(max(positives.max(), negatives.max()))) + 1
    bins = np.arange(-0.5, top + 0.5, 1.0) if top <= 400 else 100
    ax.hist(positives, bins=bins, histtype="stepfilled", alpha=0.55, label="related pairs")
    ax.hist(negatives, bins=bins, histtype="stepfilled", alpha=0.55, label="unrelated pairs")
    if threshold is not None:
        ax.axvline(float(threshold) + 0.5, color="black", linestyle="--", linewidth=1,
                   label=f"threshold {threshold}")
    ax.set_xlabel("Hamming distance")
    ax.set_ylabel("pairs")
    ax.legend(fontsize=8)
    return figure
