"""Traces of editing in picture metadata, scored per file and evaluated against ground truth.

An edited picture often keeps the camera's EXIF but gives itself away by

===========================  ==========  =======================================================
flag                         trace       what it means
===========================  ==========  =======================================================
``editor_software``          software    ``Software`` names an editing program (:data:`EDITORS`)
``modified_after_original``  datetime    DateTime (last change) is later than DateTimeOriginal
``thumbnail_mismatch``       thumbnail   the embedded thumbnail still shows another picture
                                         (the uncropped original): a large pHash distance
``dimension_mismatch``       dimensions  the EXIF pixel dimensions disagree with the real ones
===========================  ==========  =======================================================

The ``trace`` names are those of the ground truth's ``edit_traces`` column.

>>> match_editor("Adobe Photoshop Lightroom Classic 12.1 (Windows)")
'Lightroom'
"""

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata._common import (
    align_paths,
    check_number,
    float_column,
    require_matches,
    seconds_between,
    text_column,
    timestamps,
    utc_column,
)

__all__ = [
    "EDITORS",
    "TRACES",
    "SCORE_COLUMNS",
    "match_editor",
    "score_edits",
    "evaluate_edits",
    "plot_edit_scores",
]

# Editing programs as they appear in EXIF Software, most specific first (Lightroom before
# Photoshop: "Adobe Photoshop Lightroom" is Lightroom). Matched case-insensitively as substrings.
EDITORS = (
    "Lightroom", "Camera Raw", "Adobe Photoshop Express", "Adobe Photoshop", "Photoshop",
    "GIMP", "Snapseed", "Paint.NET", "PhotoScape", "Pixelmator", "Affinity Photo", "Picasa",
    "Canva", "Capture One", "Luminar", "darktable", "RawTherapee", "ACDSee", "PhotoDirector",
    "PaintShop Pro", "Corel", "Photopea", "PicsArt", "VSCO", "Fotor", "Polarr",
    "Windows Photo Editor", "Microsoft Photo Gallery", "Photo Gallery", "IrfanView", "XnView",
    "FastStone", "Inkscape", "Krita", "Facetune", "Lensa", "PhotoLab", "ON1 Photo",
    "Aperture", "iPhoto",
)
EDITORS = tuple(dict.fromkeys(EDITORS))

# ground-truth trace name -> flag column of :func:`score_edits`
TRACES = {
    "software": "editor_software",
    "datetime": "modified_after_original",
    "thumbnail": "thumbnail_mismatch",
    "dimensions": "dimension_mismatch",
}
DEFAULT_WEIGHTS = {"software": 0.3, "datetime": 0.2, "thumbnail": 0.3, "dimensions": 0.2}
SCORE_COLUMNS = ["path", "editor", "thumbnail_distance", "seconds_after_original",
                 *TRACES.values(), "n_traces", "traces", "score"]

_LOWER_EDITORS = tuple((name.lower(), name) for name in EDITORS)


def match_editor(software):
    """Return the editing program named in a ``Software`` string, or "" if none.

    >>> match_editor("GIMP 2.10.34"), match_editor("Ver.1.01"), match_editor("snapseed")
    ('GIMP', '', 'Snapseed')
    """
    if not isinstance(software, str):
        return ""
    text = software.lower()
    for lower, name in _LOWER_EDITORS:
        if lower in text:
            return name
    return ""


def score_edits(metadata, thumbnail_threshold=10, tolerance=60.0, weights=None):
    """Return one row per file with the four editing flags and a combined score.

    Parameters
    ----------
    metadata : DataFrame
        The table of :func:`vidlab.metadata.read_metadata` (``path`` required; flags whose
        columns are missing stay False).
    thumbnail_threshold : float
        A thumbnail whose pHash Hamming distance to the picture is above this (0-64) does not
        show the same picture (default 10: a re-scaled thumbnail of the same picture is
        typically within 0-6).
    tolerance : float or Timedelta
        DateTime must be more than this many seconds after DateTimeOriginal (default 60).
    weights : dict, optional
        Weight of each trace (keys of :data:`TRACES`) in ``score``; default
        software 0.3, datetime 0.2, thumbnail 0.3, dimensions 0.2.

    Returns
    -------
    DataFrame
        ``path, editor, thumbnail_distance, seconds_after_original, editor_software,
        modified_after_original, thumbnail_mismatch, dimension_mismatch, n_traces, traces,
        score``: ``traces`` joins the trace names found with ";" (as in the ground truth);
        ``score`` is the weighted share of traces found, 0 to 1.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a.jpg", "b.jpg"], "software": ["GIMP 2.10", "Ver.1.0"],
    ...     "thumbnail_distance": [22.0, 2.0],
    ...     "claimed_width": pd.array([4000, 4000], dtype="Int64"),
    ...     "claimed_height": pd.array([3000, 3000], dtype="Int64"),
    ...     "width": pd.array([3000, 3000], dtype="Int64"),
    ...     "height": pd.array([4000, 4000], dtype="Int64"),
    ...     "orientation": pd.array([1, 6], dtype="Int64")})
    >>> score_edits(meta)[["path", "traces", "score"]].values.tolist()
    [['a.jpg', 'software;thumbnail;dimensions', 0.8], ['b.jpg', '', 0.0]]
    """
    function = "score_edits"
    require_columns(metadata, ["path"], function, "metadata")
    threshold = check_number(thumbnail_threshold, "thumbnail_threshold", function)
    tolerance = check_number(tolerance, "tolerance", function)
    weights = _check_weights(weights, function)
    paths = [str(path) for path in metadata["path"].tolist()]
    editors = [match_editor(software) for software in text_column(metadata, "software")]
    distance = float_column(metadata, "thumbnail_distance")
    originals = timestamps(metadata, "datetime_original")
    modifieds = timestamps(metadata, "datetime_modified")
    original_utc = utc_column(metadata, "datetime_original_utc").tolist()
    modified_utc = utc_column(metadata, "datetime_modified_utc").tolist()
    after = []
    for taken, changed, taken_u, changed_u in zip(originals, modifieds, original_utc,
                                                  modified_utc, strict=True):
        if not pd.isna(taken_u) and not pd.isna(changed_u):
            after.append((changed_u - taken_u).total_seconds())
        else:
            gap = seconds_between(changed, taken)
            after.append(np.nan if gap is None else gap)
    after = np.asarray(after, dtype="float64")

    def ints(name):
        return [None if np.isnan(v) else int(v) for v in float_column(metadata, name)]

    claimed = list(zip(ints("claimed_width"), ints("claimed_height"), strict=True))
    actual = list(zip(ints("width"), ints("height"), strict=True))
    orientation = ints("orientation")
    dimension = []
    for (cw, ch), (w, h), turn in zip(claimed, actual, orientation, strict=True):
        if None in (cw, ch, w, h) or min(cw, ch, w, h) <= 0:
            dimension.append(False)
        elif (cw, ch) == (w, h):
            dimension.append(False)
        else:
            dimension.append(not (turn is not None and 5 <= turn <= 8 and (cw, ch) == (h, w)))
    scores = pd.DataFrame({
        "path": paths,
        "editor": editors,
        "thumbnail_distance": distance,
        "seconds_after_original": after,
        "editor_software": [bool(name) for name in editors],
        "modified_after_original": np.nan_to_num(after, nan=-np.inf) > tolerance,
        "thumbnail_mismatch": np.nan_to_num(distance, nan=-np.inf) > threshold,
        "dimension_mismatch": np.asarray(dimension, dtype=bool),
    })
    flags = scores[list(TRACES.values())].to_numpy(dtype=bool)
    names = np.array(list(TRACES))
    scores["n_traces"] = flags.sum(axis=1).astype("int64")
    scores["traces"] = [";".join(names[row]) for row in flags]
    weight = np.array([weights[name] for name in TRACES], dtype="float64")
    scores["score"] = np.round(flags @ weight / weight.sum(), 6)
    return scores[SCORE_COLUMNS]


def _check_weights(weights, function):
    if weights is None:
        return dict(DEFAULT_WEIGHTS)
    if not isinstance(weights, dict) or set(weights) - set(TRACES):
        raise InvalidParameterError(
            f"The 'weights' parameter of {function} must be a dict with keys among "
            f"{', '.join(TRACES)}. Got {weights!r} instead."
        )
    result = {**DEFAULT_WEIGHTS, **weights}
    for name, value in result.items():
        check_number(value, f"weights[{name!r}]", function)
    if sum(result.values()) <= 0:
        raise InvalidParameterError(
            f"The 'weights' parameter of {function} must have a positive sum. "
            f"Got {weights!r} instead."
        )
    return result


def _truth_flags(truth, function):
    """Return the truth table as booleans: ``path, edited`` and one column per trace."""
    require_columns(truth, ["path", "edited"], function, "truth")
    edited = truth["edited"]
    known = ~edited.isna() & (edited.astype(str).str.strip() != "")
    truth = truth[known.to_numpy()]
    values = truth["edited"].astype(str).str.strip().str.lower()
    result = pd.DataFrame({"path": truth["path"].astype(str).to_numpy(),
                           "edited": values.isin(["true", "1", "yes"]).to_numpy()})
    traces = text_column(truth, "edit_traces")
    for name in TRACES:
        result[name] = [name in {t.strip() for t in text.split(";")} for text in traces]
    return result


def evaluate_edits(scores, truth, root=None, min_score=None):
    """Return precision, recall and F1 of each edit trace and of "edited" overall.

    Parameters
    ----------
    scores : DataFrame
        The table of :func:`score_edits`.
    truth : DataFrame
        Ground truth with ``path`` (relative to the world part folder), ``edited`` and
        ``edit_traces`` (";"-joined trace names); rows whose ``edited`` is empty or NA
        (distractors, variants) are not evaluated.
    root : path-like, optional
        The world part folder, to make the paths of ``scores`` relative; without it a path
        matches a truth path it ends with.
    min_score : float, optional
        A file is predicted "edited" when its ``score`` is at least this; default: any trace.

    Returns
    -------
    DataFrame
        One row per trace and a last row "edited": ``trace, n_files, n_true, n_flagged,
        n_correct, precision, recall, f1`` (scikit-learn, 0 when undefined).

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"path": ["w/a.jpg", "w/b.jpg"], "editor_software": [True, False],
    ...     "modified_after_original": [True, True], "thumbnail_mismatch": [False, False],
    ...     "dimension_mismatch": [False, False], "score": [0.5, 0.2]})
    >>> truth = pd.DataFrame({"path": ["a.jpg", "b.jpg"], "edited": [True, False],
    ...     "edit_traces": ["software;datetime", ""]})
    >>> table = evaluate_edits(scores, truth)
    >>> table[["trace", "precision", "recall"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['software', 1.0, 1.0], ['datetime', 0.5, 1.0], ['thumbnail', 0.0, 0.0],
     ['dimensions', 0.0, 0.0], ['edited', 0.5, 1.0]]
    """
    from sklearn.metrics import f1_score, precision_score, recall_score

    function = "evaluate_edits"
    require_columns(scores, ["path", *TRACES.values()], function, "scores")
    truth = _truth_flags(truth, function)
    matched = align_paths(scores["path"].astype(str).tolist(), truth["path"].tolist(), root)
    require_matches(matched, function, len(truth))
    keep = [m is not None for m in matched]
    predicted = scores[keep].assign(_truth=[m for m in matched if m is not None])
    predicted = predicted.drop_duplicates("_truth")
    joined = truth.merge(predicted, left_on="path", right_on="_truth", how="inner")
    if min_score is None:
        edited_pred = joined[list(TRACES.values())].to_numpy(dtype=bool).any(axis=1)
    else:
        min_score = check_number(min_score, "min_score", function)
        require_columns(scores, ["score"], function, "scores")
        edited_pred = joined["score"].to_numpy(dtype=float) >= min_score
    rows = []
    pairs = [(name, joined[name].to_numpy(dtype=bool), joined[flag].to_numpy(dtype=bool))
             for name, flag in TRACES.items()]
    pairs.append(("edited", joined["edited"].to_numpy(dtype=bool), edited_pred))
    for name, actual, flagged in pairs:
        rows.append({
            "trace": name, "n_files": int(len(actual)), "n_true": int(actual.sum()),
            "n_flagged": int(flagged.sum()), "n_correct": int((actual & flagged).sum()),
            "precision": float(precision_score(actual, flagged, zero_division=0)),
            "recall": float(recall_score(actual, flagged, zero_division=0)),
            "f1": float(f1_score(actual, flagged, zero_division=0)),
        })
    return pd.DataFrame(rows)


def plot_edit_scores(scores, ax=None, truth=None, root=None, title=None):
    """Bar chart of how many files show each edit trace; with ``truth``, each bar is split
    into correct flags and false alarms, and a dot marks how many files truly carry it.

    Returns the matplotlib Axes.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"path": ["a.jpg"], "editor_software": [True],
    ...     "modified_after_original": [False], "thumbnail_mismatch": [True],
    ...     "dimension_mismatch": [False]})
    >>> ax = plot_edit_scores(scores)
    >>> [round(bar.get_height()) for bar in ax.patches], ax.get_title()
    ([1, 0, 1, 0], 'Edit traces found')
    """
    import matplotlib.pyplot as plt

    function = "plot_edit_scores"
    require_columns(scores, ["path", *TRACES.values()], function, "scores")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    names = list(TRACES)
    x = np.arange(len(names))
    if truth is None:
        counts = [int(scores[TRACES[name]].astype(bool).sum()) for name in names]
        ax.bar(x, counts, color="tab:blue", label="files flagged")
    else:
        table = evaluate_edits(scores, truth, root=root).set_index("trace").loc[names]
        correct = table["n_correct"].to_numpy()
        wrong = (table["n_flagged"] - table["n_correct"]).to_numpy()
        ax.bar(x, correct, color="tab:green", label="flagged, truly edited this way")
        ax.bar(x, wrong, bottom=correct, color="tab:red", label="flagged, false alarm")
        ax.plot(x, table["n_true"].to_numpy(), "k_", markersize=28, markeredgewidth=2,
                linestyle="none", label="files truly edited this way")
    ax.set_xticks(x, names)
    ax.set_xlabel("trace")
    ax.set_ylim(0, max(1.0, ax.get_ylim()[1] * 1.3))  # room for the legend
    ax.set_ylabel("files")
    ax.set_title(title or "Edit traces found")
    ax.legend(fontsize="small")
    return ax
