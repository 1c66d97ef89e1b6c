"""Evaluation of hash algorithms: exact numbers on constructed distances, and the plots."""

import io

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from vidlab.exceptions import InvalidParameterError  # noqa: E402
from vidlab.hashing.evaluate import (  # noqa: E402
    ThresholdChoice,
    choose_threshold,
    hex_distances,
    make_bit_flip_pairs,
    pair_distances,
    plot_distance_histograms,
    plot_robustness,
    plot_roc,
    precision_recall_at,
    robustness_matrix,
    roc_auc,
    roc_table,
)

FLIPS = {"jpeg": 2, "resize": 6, "crop": 24, "rotate": 90}


@pytest.fixture(scope="module")
def pairs():
    """pHash and PDQ pairs with exactly k flipped bits per transform, plus unrelated pairs."""
    frames = [make_bit_flip_pairs(150, FLIPS, algorithm="pdq", n_unrelated=300, seed=1),
              make_bit_flip_pairs(150, {k: min(v, 30) for k, v in FLIPS.items()},
                                  algorithm="phash", n_unrelated=300, seed=2)]
    return pair_distances(pd.concat(frames, ignore_index=True))


def brute(a, b):
    return [bin(int(x, 16) ^ int(y, 16)).count("1") for x, y in zip(a, b, strict=True)]


# ------------------------------------------------------------------------------ distances


def test_hex_distances_equal_brute_force():
    rng = np.random.default_rng(0)
    a = [rng.bytes(n).hex() for n in (8, 32, 8, 32, 16)]
    b = [rng.bytes(len(x) // 2).hex().upper() for x in a]
    assert hex_distances(a, b).tolist() == brute(a, [x.lower() for x in b])
    assert hex_distances([], []).tolist() == []


def test_hex_distance_errors():
    with pytest.raises(InvalidParameterError, match="must have the same length. Got 2 and 1"):
        hex_distances(["00", "ff"], ["00"])
    with pytest.raises(InvalidParameterError, match="cannot compare 'ff' with 'ffff'"):
        hex_distances(["ff"], ["ffff"])
    with pytest.raises(InvalidParameterError, match="needs hex strings; got 'zz'"):
        hex_distances(["zz"], ["00"])
    with pytest.raises(InvalidParameterError, match="not one string"):
        hex_distances("ff", "00")


def test_bit_flip_pairs_flip_exactly_k_bits_and_are_deterministic(pairs):
    for (algorithm, transform), group in pairs.groupby(["algorithm", "transform"]):
        if transform == "unrelated":
            nbits = 256 if algorithm == "pdq" else 64
            assert abs(group["distance"].mean() - nbits / 2) < nbits / 16
        else:
            k = FLIPS[transform] if algorithm == "pdq" else min(FLIPS[transform], 30)
            assert set(group["distance"]) == {k}
    assert len(pairs) == 2 * (4 * 150 + 300)
    again = make_bit_flip_pairs(150, FLIPS, algorithm="pdq", n_unrelated=300, seed=1)
    assert again.equals(pairs[pairs["algorithm"] == "pdq"].drop(columns="distance"))
    other = make_bit_flip_pairs(150, FLIPS, algorithm="pdq", n_unrelated=300, seed=3)
    assert not other.equals(again)


def test_bit_flip_pairs_validate():
    with pytest.raises(InvalidParameterError, match=r"an int in \[0, 64\]. Got 65 for 'x'"):
        make_bit_flip_pairs(3, {"x": 65}, algorithm="phash")
    with pytest.raises(InvalidParameterError, match="must be one of md5"):
        make_bit_flip_pairs(3, {"x": 1}, algorithm="photodna")
    with pytest.raises(InvalidParameterError, match="'n_originals' .* Got -1"):
        make_bit_flip_pairs(-1, {"x": 1})


# ------------------------------------------------------------------------------ robustness


def test_robustness_matrix_numbers(pairs):
    matrix = robustness_matrix(pairs)
    assert matrix.index.tolist() == ["jpeg", "resize", "crop", "rotate", "unrelated"]
    assert matrix.columns.tolist() == [("phash", "mean_distance"), ("phash", "recall"),
                                       ("pdq", "mean_distance"), ("pdq", "recall")]
    assert matrix[("pdq", "mean_distance")].iloc[:4].tolist() == [2.0, 6.0, 24.0, 90.0]
    # default thresholds: pdq 31, phash 10
    assert matrix[("pdq", "recall")].tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert matrix[("phash", "recall")].tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert matrix.attrs["thresholds"] == {"phash": 10, "pdq": 31}


@pytest.mark.parametrize("threshold", [0, 1, 2, 5, 6, 23, 24, 89, 90, 256])
def test_recall_is_one_exactly_when_threshold_covers_the_flips(pairs, threshold):
    pdq = pairs[pairs["algorithm"] == "pdq"]
    recall = robustness_matrix(pdq, thresholds={"pdq": threshold})[("pdq", "recall")]
    for transform, k in FLIPS.items():
        assert recall[transform] == (1.0 if threshold >= k else 0.0)


def test_robustness_matrix_computes_distances_and_leaves_gaps_nan():
    pairs = pd.DataFrame({"original": ["ff", "ff", "0000"], "variant": ["fe", "00", "0003"],
                          "transform": ["a", "b", "a"], "algorithm": ["x8", "x8", "x16"]})
    matrix = robustness_matrix(pairs, thresholds=1)
    assert matrix.columns.get_level_values(0).unique().tolist() == ["x16", "x8"]
    assert matrix[("x8", "recall")].tolist() == [1.0, 0.0]
    assert matrix[("x16", "mean_distance")].iloc[0] == 2.0
    assert np.isnan(matrix.loc["b", ("x16", "recall")])


def test_robustness_matrix_errors():
    with pytest.raises(InvalidParameterError, match="Missing: algorithm. Present: transform"):
        robustness_matrix(pd.DataFrame({"transform": ["a"], "distance": [1]}))
    with pytest.raises(InvalidParameterError, match="Missing: original, variant"):
        robustness_matrix(pd.DataFrame({"transform": ["a"], "algorithm": ["pdq"]}))
    with pytest.raises(InvalidParameterError, match="give 'pdq' an int >= -1. Got 'x'"):
        robustness_matrix(pd.DataFrame({"transform": ["a"], "algorithm": ["pdq"],
                                        "distance": [1]}), thresholds="x")


# ------------------------------------------------------------------------------ ROC


def test_roc_table_and_auc_on_separable_data(pairs):
    pdq = pairs[pairs["algorithm"] == "pdq"]
    positives = pdq.loc[pdq["transform"] != "unrelated", "distance"]
    negatives = pdq.loc[pdq["transform"] == "unrelated", "distance"]
    assert roc_auc(positives, negatives) == 1.0
    table = roc_table(positives, negatives)
    assert table.columns.tolist() == ["threshold", "true_positive_rate", "false_positive_rate"]
    assert table.iloc[0].tolist() == [-1, 0.0, 0.0]
    at = table.set_index("threshold")
    assert at.loc[2].tolist() == [0.25, 0.0] and at.loc[90].tolist() == [1.0, 0.0]
    assert table["threshold"].is_monotonic_increasing
    assert table["true_positive_rate"].is_monotonic_increasing
    assert table["threshold"].iloc[-1] == max(positives.max(), negatives.max())


def test_roc_on_overlapping_data_matches_counting():
    rng = np.random.default_rng(5)
    positives, negatives = rng.integers(0, 40, 200), rng.integers(20, 80, 300)
    table = roc_table(positives, negatives)
    for threshold, tpr, fpr in table.itertuples(index=False):
        assert tpr == np.mean(positives <= threshold)
        assert fpr == np.mean(negatives <= threshold)
    assert set(table["threshold"][1:]) == set(np.r_[positives, negatives])
    # AUC = P(positive closer than negative) + half the ties
    diff = negatives[None, :] - positives[:, None]
    assert roc_auc(positives, negatives) == pytest.approx(
        np.mean(diff > 0) + 0.5 * np.mean(diff == 0))


def test_identical_distributions_have_auc_one_half():
    assert roc_auc([3, 7, 9], [3, 7, 9]) == 0.5


def test_precision_recall_at():
    table = precision_recall_at([0, 2, 8, 12], [10, 40, 50], [-1, 0, 9, 10, 50])
    assert table.to_dict("list") == {
        "threshold": [-1, 0, 9, 10, 50],
        "true_positives": [0, 1, 3, 3, 4],
        "false_positives": [0, 0, 0, 1, 3],
        "precision": pytest.approx([np.nan, 1.0, 1.0, 0.75, 4 / 7], nan_ok=True),
        "recall": [0.0, 0.25, 0.75, 0.75, 1.0],
        "false_positive_rate": [0.0, 0.0, 0.0, 1 / 3, 1.0],
    }


def test_choose_threshold(pairs):
    pdq = pairs[pairs["algorithm"] == "pdq"]
    positives = pdq.loc[pdq["transform"] != "unrelated", "distance"]
    negatives = pdq.loc[pdq["transform"] == "unrelated", "distance"]
    assert choose_threshold(positives, negatives, 0.0) == ThresholdChoice(90, 1.0, 0.0)
    choice = choose_threshold([0, 2, 8, 12], [10, 40, 50], max_false_positive_rate=0.0)
    assert choice == ThresholdChoice(8, 0.75, 0.0)
    assert choose_threshold([0, 2, 8, 12], [10, 40, 50], 1 / 3) == ThresholdChoice(12, 1.0, 1 / 3)
    assert choose_threshold([5, 6], [0, 1], 0.0) == ThresholdChoice(-1, 0.0, 0.0)
    assert choose_threshold([5, 6], [0, 1], 1.0) == ThresholdChoice(6, 1.0, 1.0)


@pytest.mark.parametrize(("call", "message"), [
    (lambda: roc_table([], [1]), "The 'positives' parameter of roc_table must hold at least one "
                                 "distance. Got 0 instead."),
    (lambda: roc_auc([1], [-2]), "The 'negatives' parameter of roc_auc must hold distances >= 0. "
                                 "Got -2 instead."),
    (lambda: choose_threshold([1], [2], 1.5), "The 'max_false_positive_rate' parameter of "
                                              "choose_threshold must be a number in [0, 1]. "
                                              "Got 1.5 instead."),
    (lambda: roc_table(["a"], [1]), "The 'positives' parameter of roc_table must be a sequence "
                                    "of distances. Got list instead."),
])
def test_roc_errors(call, message):
    with pytest.raises(InvalidParameterError) as info:
        call()
    assert str(info.value) == message


# ------------------------------------------------------------------------------ plots


def png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def test_plot_robustness(pairs):
    matrix = robustness_matrix(pairs)
    figure = plot_robustness(matrix)
    assert isinstance(figure, Figure)
    ax = figure.axes[0]
    assert len(ax.images) == 1
    assert ax.images[0].get_array().shape == (5, 2)
    assert len(ax.texts) == 10 and ax.texts[0].get_text() == "1.00"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["phash", "pdq"]
    assert len(figure.axes) == 2  # with its colour bar
    assert png(figure) == png(plot_robustness(matrix))
    distance = plot_robustness(matrix, metric="mean_distance").axes[0]
    assert distance.texts[0].get_text() == "2.0"
    with pytest.raises(InvalidParameterError, match="must be one of mean_distance, recall"):
        plot_robustness(matrix, metric="auc")


def test_plot_roc(pairs):
    pdq, phash = (pairs[pairs["algorithm"] == name] for name in ("pdq", "phash"))

    def split(frame):
        related = frame["transform"] != "unrelated"
        return frame.loc[related, "distance"], frame.loc[~related, "distance"]

    figure = plot_roc({"pdq": split(pdq), "phash": split(phash)})
    ax = figure.axes[0]
    assert len(ax.lines) == 3  # chance line and two curves
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "chance", "pdq (AUC 1.000)", f"phash (AUC {roc_auc(*split(phash)):.3f})"]
    assert roc_auc(*split(phash)) < 1.0  # 30 of 64 bits flipped overlaps unrelated pairs
    one = plot_roc(*split(pdq), label="pdq")
    assert len(one.axes[0].lines) == 2
    plot_roc(*split(phash), label="phash", ax=one.axes[0])  # overlay: no second diagonal
    assert len(one.axes[0].lines) == 3
    assert png(figure) == png(plot_roc({"pdq": split(pdq), "phash": split(phash)}))
    with pytest.raises(InvalidParameterError, match="'negatives' parameter of plot_roc"):
        plot_roc([1, 2])


def test_plot_distance_histograms():
    figure = plot_distance_histograms([0, 1, 1, 5], [100, 120, 128], threshold=31)
    ax = figure.axes[0]
    assert len(ax.patches) == 2 and len(ax.lines) == 1
    assert ax.lines[0].get_xdata()[0] == 31.5
    assert len(plot_distance_histograms([0], [9]).axes[0].lines) == 0
    assert png(figure) == png(plot_distance_histograms([0, 1, 1, 5], [100, 120, 128], 31))
