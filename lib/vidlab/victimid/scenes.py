"""Scene linking: is this picture taken in a room we already know, seen from elsewhere?

Perceptual hashes recognise *copies* of a picture; two photographs of the same room from
different viewpoints hash far apart. Scene linking compares local features instead:

1. :func:`scene_features` turns the picture grey, shrinks it so that its longest side is at
   most :data:`ANALYSIS_SIZE` pixels, and detects up to ``n_keypoints`` ORB keypoints
   (scikit-image ``ORB``: FAST corners, Harris ranking, an 8-level scale pyramid, 256-bit
   rotated BRIEF descriptors).
2. :func:`match_scenes` pairs descriptors that are each other's nearest neighbour (cross
   check) and clearly nearer than the second nearest (ratio test, ``max_ratio``; the same
   pairs as ``skimage.feature.match_descriptors``, computed ~40x faster with one matrix
   product), then fits a geometric model to the pairs with RANSAC
   (``skimage.measure.ransac``, seeded). The **inliers** - pairs that agree with one
   camera motion - are the score: unrelated rooms leave a handful by chance, the same room
   dozens or hundreds.
3. :func:`link_scenes` ranks, for each query picture, the reference locations by their best
   inlier count, and links those with at least ``min_inliers``;
   :func:`evaluate_scene_links` scores the links against ground truth and
   :func:`choose_min_inliers` picks the threshold from a precision/recall sweep.

Model. A homography (``model="homography"``, the default) maps a plane seen from two
viewpoints; a fundamental matrix (``"fundamental"``) relates any two views of a 3-D scene.
The image world renders each room as a painted canvas seen through a perspective warp, so
a homography is exact there; in real rooms a homography still holds for each wall, floor
or poster (and for views from one spot), which is what carries most matches. Measured by
``benchmarks/bench_scenes.py`` (4 worlds, 199 shots of 320-480 px, 4,328 pairs of shots
of different series, 784 of them of the same room; a loaded 2-core machine):

===========  =======  ====================  ==========================  ===============
model        ms/pair  chance inliers        same room >= 16 (wide       false pairs
                      (different rooms):    views of both: 252 pairs)   >= 16
                      max / 99th pct
===========  =======  ====================  ==========================  ===============
homography   31       12 / 5                45 % (100 %)                0
affine       29       12 / 5                45 % (100 %)                0
fundamental  16       16 / 9                46 % (100 %)                1
===========  =======  ====================  ==========================  ===============

The fundamental matrix is faster (its 8-point samples are rejected sooner) but leaves more
chance inliers between *different* rooms (a point only has to lie near a line), so it needs
a higher threshold for the same precision; hence the homography. Leave-one-series-out
(every shot placed among the other series' shots), scene linking at ``min_inliers=16``
reached precision 1.0, recall 0.90 and top-1 location accuracy 0.94, where pHash
(nearest shot, <= 10 bits) reached precision 1.0 but recall 0.11 (top-1 0.55): 97 % of the
same-room pairs scene linking finds are more than 10 pHash bits apart (median 28).

Limits. A close-up (a socket, a poster) seen only as a few pixels in a wide view of the
room rarely links: ORB's pyramid covers about a 3.6x change of scale. Two close-ups of
different details of one room share nothing to match. Rooms with the same furniture
models or the same poster would link: a link is a lead for an analyst, not a proof.

>>> from vidlab.synth import world
>>> from vidlab.seed import make_rng
>>> room = world.make_location(make_rng(3), "DE", "kitchen", "L1", canvas_size=(768, 512))
>>> view = world.View(cx=0.5, cy=0.55, width=0.7, aspect=1.5)
>>> a = world.render_scene(room, view, size=(384, 256))
>>> b = world.render_scene(room, world.View(cx=0.45, cy=0.5, width=0.55, aspect=1.5,
...                                         yaw=0.04), size=(384, 256))
>>> other = world.make_location(make_rng(4), "DE", "kitchen", "L2", canvas_size=(768, 512))
>>> c = world.render_scene(other, view, size=(384, 256))
>>> match_scenes(a, b).inliers >= DEFAULT_MIN_INLIERS, match_scenes(a, c).inliers < 10
(True, True)
"""

import dataclasses
import os
import warnings

import numpy as np
import pandas as pd
from PIL import Image
from threadpoolctl import threadpool_limits

from vidlab.checks import check_int
from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.hashing.images import as_image
from vidlab.parallel import map_parallel

__all__ = [
    "ANALYSIS_SIZE",
    "DEFAULT_MIN_INLIERS",
    "INLIER_CELL",
    "LINK_COLUMNS",
    "MODELS",
    "SceneFeatures",
    "SceneMatch",
    "choose_min_inliers",
    "evaluate_scene_links",
    "link_scenes",
    "match_descriptor_pairs",
    "match_scenes",
    "plot_scene_match",
    "scene_features",
]

#: Pictures are analysed with their longest side shrunk to at most this many pixels.
ANALYSIS_SIZE = 512
#: Inliers from which two pictures are taken to show the same place (see the module notes:
#: chance inliers between different rooms stayed at or below 12 in the benchmark's worlds;
#: choose_min_inliers picked 8-13 there for a precision of 0.99).
DEFAULT_MIN_INLIERS = 16
#: RANSAC models: minimum sample and default residual threshold (pixels of the analysed
#: picture; the Sampson distance for the fundamental matrix).
MODELS = {"homography": (4, 3.0), "affine": (3, 3.0), "fundamental": (8, 1.0)}
#: Columns of the :func:`link_scenes` table.
LINK_COLUMNS = ["query", "rank", "location_id", "reference", "inliers", "matches", "score",
                "linked", "error"]

ORB_FAST_THRESHOLD = 0.05  # lower than scikit-image's 0.08: drawn rooms have soft corners
MAX_TRIALS = 500
STOP_PROBABILITY = 0.999
MAX_AREA_CHANGE = 100.0  # a homography may scale areas by at most this (or 1/this)
#: Inliers are counted once per cell of this many analysed pixels, in each picture.
INLIER_CELL = 4


@dataclasses.dataclass(frozen=True, eq=False)
class SceneFeatures:
    """ORB keypoints of one picture (picklable: cache it, send it to workers).

    Attributes
    ----------
    keypoints : ndarray, float64, shape (n, 2)
        (x, y) positions in the pixels of the original picture.
    descriptors : ndarray, uint8, shape (n, 32)
        The 256-bit binary descriptors, packed (``np.packbits``).
    size : (int, int)
        The original (width, height).
    scale : float
        Analysed size / original size (<= 1).
    error : str
        Why the picture could not be analysed ("" when it could; then there are no keypoints).
    """

    keypoints: np.ndarray
    descriptors: np.ndarray
    size: tuple
    scale: float
    error: str = ""

    def __len__(self):
        return len(self.keypoints)

    def __repr__(self):
        return (f"SceneFeatures({len(self)} keypoints, size={self.size}, "
                f"scale={self.scale:.3f}{', error=' + repr(self.error) if self.error else ''})")


@dataclasses.dataclass(frozen=True, eq=False)
class SceneMatch:
    """The result of :func:`match_scenes`.

    Attributes
    ----------
    inliers : int
        Matched pairs consistent with the fitted model (the score to rank and threshold),
        counted at distinct places: the fewest :data:`INLIER_CELL`-pixel cells (of the
        analysed pictures) that the inlier ends occupy in either picture.
    matches : int
        Descriptor pairs that passed the cross check and the ratio test.
    score : float
        ``inliers / matches`` (0 without matches): the inlier ratio.
    points_a, points_b : ndarray, shape (k, 2)
        (x, y) of all the RANSAC inlier pairs (k >= ``inliers``) in the original pictures
        (for :func:`plot_scene_match`).
    model : str
        The RANSAC model used.
    transform : ndarray or None
        Its 3 x 3 matrix (a -> b; None without a fit).
    """

    inliers: int
    matches: int
    score: float
    points_a: np.ndarray = dataclasses.field(repr=False, default_factory=lambda: np.zeros((0, 2)))
    points_b: np.ndarray = dataclasses.field(repr=False, default_factory=lambda: np.zeros((0, 2)))
    model: str = "homography"
    transform: np.ndarray | None = dataclasses.field(repr=False, default=None)


# --- features --------------------------------------------------------------------------------


def _empty_features(size=(0, 0), scale=1.0, error=""):
    return SceneFeatures(np.zeros((0, 2)), np.zeros((0, 32), np.uint8), tuple(size), scale,
                         error)


def scene_features(image, n_keypoints=500):
    """Detect ORB keypoints and descriptors in a picture, for :func:`match_scenes`.

    Parameters
    ----------
    image : PIL.Image.Image or path-like
        The picture (a file is decoded by :func:`~vidlab.hashing.images.load_image`; a large
        JPEG at a reduced size).
    n_keypoints : int
        At most this many keypoints (the strongest Harris responses), in [10, 5000].

    Returns
    -------
    SceneFeatures
        Keypoints in original pixel coordinates; no keypoints for a blank picture.

    Raises
    ------
    ImageDecodeError
        The file cannot be decoded.

    Examples
    --------
    >>> from PIL import Image, ImageDraw
    >>> picture = Image.new("RGB", (640, 480), "white")
    >>> draw = ImageDraw.Draw(picture)
    >>> for i in range(8):
    ...     draw.rectangle((40 + 70 * i, 60 + 30 * i, 90 + 70 * i, 120 + 30 * i), fill="navy")
    >>> features = scene_features(picture, n_keypoints=100)
    >>> len(features), features.size, features.scale, features.descriptors.shape[1]
    (100, (640, 480), 0.8, 32)
    >>> len(scene_features(Image.new("L", (200, 100), 128)))  # nothing to detect
    0
    """
    function = "scene_features"
    n_keypoints = check_int(n_keypoints, "n_keypoints", function, 10, 5000)
    grey = as_image(image, "L", function=function,
                    draft_size=(ANALYSIS_SIZE, ANALYSIS_SIZE))
    size = (grey.width, grey.height)
    if isinstance(image, str | os.PathLike):
        with Image.open(image) as opened:  # the draft decode may be smaller than the file
            size = opened.size
    longest = max(grey.size)
    if longest > ANALYSIS_SIZE:
        factor = ANALYSIS_SIZE / longest
        grey = grey.resize((max(1, round(grey.width * factor)),
                            max(1, round(grey.height * factor))), Image.Resampling.LANCZOS)
    scale = grey.width / size[0]
    if min(grey.size) < 32:
        return _empty_features(size, scale)
    from skimage.feature import ORB

    detector = ORB(n_keypoints=n_keypoints, fast_threshold=ORB_FAST_THRESHOLD)
    pixels = np.asarray(grey, dtype=np.float64) / 255.0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            detector.detect_and_extract(pixels)
    except (RuntimeError, ValueError, IndexError):  # no (or too few) keypoints
        return _empty_features(size, scale)
    rows_cols = np.asarray(detector.keypoints, dtype=np.float64)
    points = rows_cols[:, ::-1] / scale
    packed = np.packbits(np.asarray(detector.descriptors, dtype=bool), axis=1)
    return SceneFeatures(points, packed, size, scale)


# --- matching --------------------------------------------------------------------------------


def _signs(packed):
    bits = np.unpackbits(packed, axis=1).astype(np.float32)
    return 2.0 * bits - 1.0


def match_descriptor_pairs(descriptors_a, descriptors_b, max_ratio=0.8):
    """Pairs ``(i, j)`` of packed binary descriptors that are mutual nearest neighbours
    (Hamming distance) and pass the ratio test; the pairs of
    ``skimage.feature.match_descriptors(cross_check=True, max_ratio=max_ratio)`` on the
    unpacked bits, from one float32 matrix product instead of ``cdist``.

    Examples
    --------
    >>> a = np.packbits(np.eye(8, 16, dtype=bool), axis=1)
    >>> match_descriptor_pairs(a, a[::-1]).tolist()[:3]
    [[0, 7], [1, 6], [2, 5]]
    """
    if not 0 < max_ratio <= 1:
        raise InvalidParameterError(
            f"The 'max_ratio' parameter of match_descriptor_pairs must be in (0, 1]. "
            f"Got {max_ratio!r} instead."
        )
    if len(descriptors_a) == 0 or len(descriptors_b) == 0:
        return np.zeros((0, 2), np.int64)
    sa, sb = _signs(descriptors_a), _signs(descriptors_b)
    # Hamming distance = (bits - agreement of +-1 vectors) / 2, exact in float32; one BLAS
    # thread: threads cost more than they give on a 500 x 256 x 500 product (9x on 2 busy cores)
    with threadpool_limits(1, "blas"):
        agreement = sa @ sb.T
    distances = (sa.shape[1] - agreement) / 2.0
    first = np.arange(len(distances))
    second = np.argmin(distances, axis=1)
    back = np.argmin(distances, axis=0)
    keep = first == back[second]
    first, second = first[keep], second[keep]
    if max_ratio < 1.0 and len(first):
        best = distances[first, second]
        distances[first, second] = np.inf
        runner_up = distances[first].min(axis=1) if distances.shape[1] > 1 else np.full(
            len(first), np.inf, np.float32)
        runner_up = np.where(runner_up == 0, np.finfo(np.float64).eps, runner_up)
        keep = best / runner_up < max_ratio
        first, second = first[keep], second[keep]
    return np.column_stack((first, second)).astype(np.int64)


def _as_features(value, n_keypoints, name):
    if isinstance(value, SceneFeatures):
        return value
    if isinstance(value, Image.Image | str | os.PathLike):
        return scene_features(value, n_keypoints)
    raise InvalidParameterError(
        f"The {name!r} parameter of match_scenes must be SceneFeatures, a Pillow image or a "
        f"path. Got {type(value).__name__} instead."
    )


def _area_change_ok(model, *_):
    matrix = model.params
    if abs(matrix[2, 2]) < 1e-12:
        return False
    det = np.linalg.det(matrix[:2, :2] / matrix[2, 2])
    return 1.0 / MAX_AREA_CHANGE < det < MAX_AREA_CHANGE  # no mirror, no collapse


def _transform_class(model):
    from skimage.transform import (
        AffineTransform,
        FundamentalMatrixTransform,
        ProjectiveTransform,
    )

    return {"homography": ProjectiveTransform, "affine": AffineTransform,
            "fundamental": FundamentalMatrixTransform}[model]


def _refine(cls, fitted, mask, src, dst, threshold, min_samples, rounds=3):
    """Refit on the inliers while that gains inliers (RANSAC's final least-squares fit can
    lose some: the sample's consensus is refitted algebraically, not geometrically)."""
    for _ in range(rounds):
        if mask.sum() <= min_samples:
            break
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                refit = cls.from_estimate(src[mask], dst[mask])
            except (ValueError, np.linalg.LinAlgError):
                break
            if not refit:
                break
            residuals = refit.residuals(src, dst)
        better = np.isfinite(residuals) & (residuals < threshold)
        if better.sum() <= mask.sum():
            break
        fitted, mask = refit, better
    return fitted, mask


def match_scenes(a, b, seed=0, *, model="homography", max_ratio=0.8, residual_threshold=None,
                 max_trials=MAX_TRIALS, min_matches=0, n_keypoints=500):
    """Match two pictures' keypoints and count the pairs one camera motion explains.

    Parameters
    ----------
    a, b : SceneFeatures, PIL.Image.Image or path-like
        The pictures (features are computed with ``n_keypoints`` when not given).
    seed : int
        Seed of RANSAC's random samples: the same inputs and seed give the same result.
    model : {"homography", "affine", "fundamental"}
        The geometric model fitted by RANSAC (see the module notes).
    max_ratio : float
        Ratio test: nearest / second-nearest descriptor distance must be below this.
    residual_threshold : float, optional
        Largest residual of an inlier, in pixels of the analysed pictures; default from
        :data:`MODELS` (3 for homography and affine, 1 for fundamental).
    max_trials : int
        RANSAC samples at most (it stops earlier once a 99.9 % sure fit is found).
    min_matches : int
        Skip RANSAC (0 inliers) with fewer descriptor pairs than this: they could not give
        that many inliers anyway (:func:`link_scenes` passes its ``min_inliers``).

    Returns
    -------
    SceneMatch

    Examples
    --------
    >>> from PIL import Image, ImageDraw
    >>> from vidlab.seed import make_rng
    >>> rng = make_rng(1)
    >>> wall = Image.new("RGB", (900, 600), "beige")
    >>> draw = ImageDraw.Draw(wall)
    >>> for _ in range(120):
    ...     x, y = (int(v) for v in rng.integers(0, 860, 2))
    ...     w, h = (int(v) for v in rng.integers(8, 40, 2))
    ...     draw.rectangle((x, y % 560, x + w, y % 560 + h),
    ...                    fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    >>> left, right = wall.crop((0, 0, 600, 450)), wall.crop((250, 100, 850, 550))
    >>> found = match_scenes(left, right)
    >>> found.inliers, found.matches, len(found.points_a)  # 71 pairs at 47 distinct places
    (47, 96, 71)
    >>> shift = found.points_b - found.points_a  # the crops are (250, 100) apart
    >>> bool(np.allclose(shift, [-250, -100], atol=4))
    True
    """
    function = "match_scenes"
    if model not in MODELS:
        raise InvalidParameterError(
            f"The 'model' parameter of {function} must be one of {', '.join(MODELS)}. "
            f"Got {model!r} instead."
        )
    seed = check_int(seed, "seed", function, 0, 2**63 - 1)
    max_trials = check_int(max_trials, "max_trials", function, 1, 1_000_000)
    min_matches = check_int(min_matches, "min_matches", function, 0, 1_000_000)
    min_samples, default_threshold = MODELS[model]
    threshold = default_threshold if residual_threshold is None else residual_threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or threshold <= 0:
        raise InvalidParameterError(
            f"The 'residual_threshold' parameter of {function} must be a positive number. "
            f"Got {residual_threshold!r} instead."
        )
    fa = _as_features(a, n_keypoints, "a")
    fb = _as_features(b, n_keypoints, "b")
    pairs = match_descriptor_pairs(fa.descriptors, fb.descriptors, max_ratio)
    empty = SceneMatch(0, len(pairs), 0.0, model=model)
    if len(pairs) <= min_samples or len(pairs) < min_matches:
        return empty
    # RANSAC in the analysed pictures' pixels, so that the threshold means the same everywhere
    src = fa.keypoints[pairs[:, 0]] * fa.scale
    dst = fb.keypoints[pairs[:, 1]] * fb.scale
    from skimage.measure import ransac

    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            fitted, mask = ransac(
                (src, dst), _transform_class(model), min_samples, float(threshold),
                is_model_valid=_area_change_ok if model == "homography" else None,
                max_trials=max_trials, stop_probability=STOP_PROBABILITY,
                rng=np.random.default_rng(seed))
    except (ValueError, np.linalg.LinAlgError):  # degenerate samples: no model
        return empty
    if fitted is None or mask is None:
        return empty
    mask = np.asarray(mask, dtype=bool)
    fitted, mask = _refine(_transform_class(model), fitted, mask, src, dst, float(threshold),
                           min_samples)
    # count places, not keypoints: ORB finds one corner at several scales, and a degenerate
    # fit can squeeze many matches into one spot of the other picture
    inliers = min(len(np.unique(np.floor(points[mask] / INLIER_CELL), axis=0))
                  for points in (src, dst))
    if inliers < min_samples + 1:
        return empty
    transform = np.asarray(fitted.params, dtype=np.float64)
    if model != "fundamental":  # back to original pixels: b = S_b^-1 T S_a
        transform = np.diag([1 / fb.scale, 1 / fb.scale, 1.0]) @ transform @ np.diag(
            [fa.scale, fa.scale, 1.0])
        transform = transform / transform[2, 2]
    return SceneMatch(inliers, len(pairs), inliers / len(pairs),
                      fa.keypoints[pairs[mask, 0]], fb.keypoints[pairs[mask, 1]], model,
                      transform)


# --- linking many pictures -------------------------------------------------------------------


def _features_task(task):
    path, n_keypoints = task
    try:
        return scene_features(path, n_keypoints)
    except ImageDecodeError as error:
        return _empty_features(error=str(error))


def _match_task(task):
    fa, fb, options = task
    found = match_scenes(fa, fb, **options)
    return found.inliers, found.matches, found.score


def _paths_of(table, name, function):
    if isinstance(table, pd.DataFrame):
        if "path" not in table.columns:
            raise InvalidParameterError(
                f"The {name!r} table of {function} needs a 'path' column. "
                f"Got columns {list(table.columns)}."
            )
        return table["path"].astype(str).tolist()
    if isinstance(table, str | os.PathLike):
        return [os.fspath(table)]
    try:
        return [os.fspath(path) for path in table]
    except TypeError:
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be a list of paths or a DataFrame with "
            f"a 'path' column. Got {type(table).__name__} instead."
        ) from None


def link_scenes(queries, references, min_inliers=DEFAULT_MIN_INLIERS, jobs=1, *, top_k=3,
                exclude_same=None, n_keypoints=500, model="homography", seed=0, cache=None):
    """Rank, for every query picture, the reference locations whose pictures match it best.

    Features are computed once per distinct path (in parallel), then every query is matched
    with every reference picture (in parallel, :func:`~vidlab.parallel.map_parallel`; two
    files are matched once, in path order, when each is both a query and a reference); a
    location's score is its best picture's inlier count. Pairs with fewer descriptor
    matches than ``min_inliers`` skip RANSAC and count 0 inliers, so sweep thresholds
    (:func:`choose_min_inliers`) on links made with a small ``min_inliers``.

    Parameters
    ----------
    queries : list of paths, or DataFrame with a ``path`` column
        The pictures to place (e.g. a new series).
    references : DataFrame
        ``path`` and ``location_id`` of pictures whose place is known.
    min_inliers : int
        A location is linked (``linked``) from this many inliers on.
    jobs : int
        Worker processes (1: in this process; 0: one per core).
    top_k : int
        Locations kept per query.
    exclude_same : str, optional
        A column of both tables (e.g. ``"series_id"``): pairs with equal values are not
        compared (leave-one-series-out evaluation). A picture is never compared with itself.
    n_keypoints, model, seed
        As for :func:`scene_features` and :func:`match_scenes`.
    cache : dict, optional
        ``{path: SceneFeatures}``, read and filled (reuse it across calls).

    Returns
    -------
    DataFrame
        :data:`LINK_COLUMNS`: query, rank (1 = best), location_id, reference (the best picture
        there), inliers, matches, score, linked, error (why the query could not be analysed).
        Every query has at least one row (location_id "" when nothing could be compared).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from vidlab.synth.images import make_image_world
    >>> from vidlab.seed import make_rng
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> images = make_image_world(out, {"n_locations": 2, "n_series": 3, "n_variants": 0,
    ...     "shots_per_series": 2, "image_size": [320, 400], "n_distractors": 0,
    ...     "n_videos": 0}, make_rng(4))["images"]
    >>> images["path"] = [str(out / p) for p in images["path"]]
    >>> query = images[images["series_id"] == "S0001"]  # a room seen again in S0003
    >>> links = link_scenes(query, images[images["series_id"] != "S0001"])
    >>> links[["rank", "location_id", "inliers", "linked"]].values.tolist()[:2]
    [[1, 'L0002', 95, True], [2, 'L0001', 0, False]]
    >>> query["location_id"].tolist()
    ['L0002', 'L0002']
    """
    function = "link_scenes"
    min_inliers = check_int(min_inliers, "min_inliers", function, 0, 100_000)
    top_k = check_int(top_k, "top_k", function, 1, 100_000)
    if model not in MODELS:
        raise InvalidParameterError(
            f"The 'model' parameter of {function} must be one of {', '.join(MODELS)}. "
            f"Got {model!r} instead."
        )
    query_paths = _paths_of(queries, "queries", function)
    if not isinstance(references, pd.DataFrame) or not {"path", "location_id"} <= set(
            references.columns):
        raise InvalidParameterError(
            f"The 'references' parameter of {function} must be a DataFrame with 'path' and "
            f"'location_id' columns. Got {type(references).__name__}"
            f"{' with columns ' + str(list(references.columns)) if isinstance(references, pd.DataFrame) else ''}."  # noqa: E501
        )
    reference_paths = references["path"].astype(str).tolist()
    reference_locations = references["location_id"].astype(str).tolist()
    query_groups = reference_groups = None
    if exclude_same is not None:
        if not isinstance(queries, pd.DataFrame) or exclude_same not in queries.columns or (
                exclude_same not in references.columns):
            raise InvalidParameterError(
                f"The 'exclude_same' parameter of {function} must name a column of both the "
                f"queries and the references DataFrames. Got {exclude_same!r}."
            )
        query_groups = queries[exclude_same].tolist()
        reference_groups = references[exclude_same].tolist()
    cache = {} if cache is None else cache
    missing = [p for p in dict.fromkeys(query_paths + reference_paths) if p not in cache]
    for path, features in zip(missing, map_parallel(
            _features_task, [(p, n_keypoints) for p in missing], jobs=jobs,
            desc="scene features", unit="picture"), strict=True):
        cache[path] = features
    options = {"model": model, "seed": seed, "min_matches": min_inliers}
    pairs, slots, tasks = [], {}, []
    for q, query in enumerate(query_paths):
        for r, reference in enumerate(reference_paths):
            if reference == query or (query_groups is not None
                                      and query_groups[q] == reference_groups[r]):
                continue
            key = (min(query, reference), max(query, reference))  # each pair of files once
            if key not in slots:
                slots[key] = len(tasks)
                tasks.append((cache[key[0]], cache[key[1]], options))
            pairs.append((q, r, slots[key]))
    results = map_parallel(_match_task, tasks, jobs=jobs, desc="scene matching", unit="pair")
    best = {}  # (query, location) -> (inliers, score, matches, reference)
    for q, r, slot in pairs:
        inliers, matches, score = results[slot]
        key = (q, reference_locations[r])
        candidate = (inliers, score, matches, reference_paths[r])
        current = best.get(key)
        if current is None or candidate[:2] > current[:2]:
            best[key] = candidate
    per_query = {}
    for (q, location), value in best.items():
        per_query.setdefault(q, []).append((location, *value))
    rows = []
    for q, query in enumerate(query_paths):
        error = cache[query].error
        ranked = sorted(per_query.get(q, []), key=lambda v: (-v[1], -v[2], v[0]))[:top_k]
        if not ranked:
            rows.append((query, 1, "", "", 0, 0, 0.0, False, error))
        for rank, (location, inliers, score, matches, reference) in enumerate(ranked, 1):
            rows.append((query, rank, location, reference, inliers, matches, round(score, 4),
                         inliers >= min_inliers and inliers > 0, error))
    table = pd.DataFrame(rows, columns=LINK_COLUMNS)
    return table.astype({"rank": "int64", "inliers": "int64", "matches": "int64",
                         "score": "float64", "linked": "bool"})


# --- evaluation ------------------------------------------------------------------------------


def _linkable(truth, references, exclude_same):
    """For each query (truth row): could its true location be found among the references?"""
    located = truth["location_id"].fillna("").astype(str) != ""
    if references is None:
        return located.to_numpy()
    if exclude_same is None:
        known = set(references["location_id"].astype(str))
        return (located & truth["location_id"].astype(str).isin(known)).to_numpy()
    groups = references.groupby(references["location_id"].astype(str))[exclude_same].agg(set)
    return np.array([bool(ok) and location in groups.index and bool(groups[location] - {group})
                     for ok, location, group in zip(located, truth["location_id"].astype(str),
                                                    truth[exclude_same], strict=True)])


def evaluate_scene_links(links, truth, *, references=None, exclude_same=None):
    """Precision, recall and F1 of the links of :func:`link_scenes`, and top-1 accuracy.

    Every ``linked`` row claims "this query was taken at this location": it is right when the
    location is the query's true one. Precision = right claims / claims (1.0 when nothing is
    claimed); recall = linkable queries with a right claim / linkable queries, where a query
    is *linkable* when its true location is among the references (with ``exclude_same``:
    among those of another group, e.g. another series); top-1 accuracy = linkable queries
    whose rank-1 location is right, whatever the threshold.

    Parameters
    ----------
    links : DataFrame
        From :func:`link_scenes` (query, rank, location_id, linked).
    truth : DataFrame
        ``path`` and ``location_id`` of every query ("" for no location), and the
        ``exclude_same`` column when given.
    references, exclude_same
        As given to :func:`link_scenes`; without ``references`` every query with a location
        counts as linkable.

    Returns
    -------
    dict
        n_queries, n_linkable, n_claims, n_false_claims, precision, recall, f1,
        top1_accuracy (floats rounded to 4 places).

    Examples
    --------
    >>> links = pd.DataFrame({"query": ["a", "b", "c"], "rank": [1, 1, 1],
    ...     "location_id": ["L1", "L2", "L1"], "linked": [True, True, False]})
    >>> truth = pd.DataFrame({"path": ["a", "b", "c"], "location_id": ["L1", "L1", "L1"]})
    >>> evaluate_scene_links(links, truth)  # doctest: +NORMALIZE_WHITESPACE
    {'n_queries': 3, 'n_linkable': 3, 'n_claims': 2, 'n_false_claims': 1,
     'precision': 0.5, 'recall': 0.3333, 'f1': 0.4, 'top1_accuracy': 0.6667}
    """
    function = "evaluate_scene_links"
    for name, table, columns in (("links", links, ["query", "rank", "location_id", "linked"]),
                                 ("truth", truth, ["path", "location_id"])):
        if not isinstance(table, pd.DataFrame) or not set(columns) <= set(table.columns):
            raise InvalidParameterError(
                f"The {name!r} parameter of {function} must be a DataFrame with columns "
                f"{columns}."
            )
    truth = truth.drop_duplicates("path")
    where = dict(zip(truth["path"].astype(str), truth["location_id"].fillna("").astype(str),
                     strict=True))
    unknown = sorted(set(links["query"].astype(str)) - set(where))
    if unknown:
        raise InvalidParameterError(
            f"The 'truth' table of {function} has no row for {len(unknown)} queries, e.g. "
            f"{unknown[0]!r}."
        )
    truth = truth[truth["path"].astype(str).isin(set(links["query"].astype(str)))]
    linkable = dict(zip(truth["path"].astype(str), _linkable(truth, references, exclude_same),
                        strict=True))
    right = links["location_id"].astype(str).to_numpy() == links["query"].astype(str).map(
        where).to_numpy()
    claims = links["linked"].to_numpy(dtype=bool)
    n_claims, n_right = int(claims.sum()), int((claims & right).sum())
    found = set(links.loc[claims & right, "query"].astype(str))
    n_linkable = int(sum(bool(v) for v in linkable.values()))
    recalled = sum(1 for query in found if linkable.get(query))
    first = links[links["rank"] == 1]
    top1 = sum(1 for query, ok in zip(first["query"].astype(str),
                                      right[(links["rank"] == 1).to_numpy()], strict=True)
               if ok and linkable.get(query))
    precision = n_right / n_claims if n_claims else 1.0
    recall = recalled / n_linkable if n_linkable else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n_queries": len(truth), "n_linkable": int(n_linkable), "n_claims": n_claims,
            "n_false_claims": n_claims - n_right, "precision": round(float(precision), 4),
            "recall": round(float(recall), 4), "f1": round(float(f1), 4),
            "top1_accuracy": round(float(top1 / n_linkable), 4) if n_linkable else 0.0}


def choose_min_inliers(links, truth, *, min_precision=0.95, thresholds=None, references=None,
                       exclude_same=None):
    """Pick ``min_inliers`` from a precision/recall sweep over the ``inliers`` of ``links``.

    The choice is the smallest threshold from which precision stays at or above
    ``min_precision`` for every larger threshold of the sweep (the largest threshold when
    none qualifies). Choosing on the data you evaluate on is optimistic: sweep on one
    generated world, evaluate on another.

    Parameters
    ----------
    links : DataFrame
        From :func:`link_scenes` (any ``min_inliers``; ``linked`` is recomputed).
    truth, references, exclude_same
        As for :func:`evaluate_scene_links`.
    min_precision : float
        The precision to keep, in (0, 1].
    thresholds : iterable of int, optional
        Default 4, 5, ..., 60.

    Returns
    -------
    (int, DataFrame)
        The threshold, and the sweep: min_inliers, precision, recall, f1, n_claims.

    Examples
    --------
    >>> links = pd.DataFrame({"query": list("abcd"), "rank": 1, "location_id": "L1",
    ...                       "inliers": [40, 25, 9, 14], "linked": False})
    >>> truth = pd.DataFrame({"path": list("abcd"), "location_id": ["L1", "L1", "L1", "L2"]})
    >>> threshold, sweep = choose_min_inliers(links, truth, thresholds=[5, 10, 15, 20, 30])
    >>> threshold, sweep["recall"].round(2).tolist()
    (15, [0.75, 0.5, 0.5, 0.5, 0.25])
    """
    function = "choose_min_inliers"
    if isinstance(min_precision, bool) or not isinstance(min_precision, int | float) or not (
            0 < min_precision <= 1):
        raise InvalidParameterError(
            f"The 'min_precision' parameter of {function} must be a number in (0, 1]. "
            f"Got {min_precision!r} instead."
        )
    if not isinstance(links, pd.DataFrame) or "inliers" not in links.columns:
        raise InvalidParameterError(
            f"The 'links' parameter of {function} must be the DataFrame of link_scenes "
            "(with an 'inliers' column)."
        )
    thresholds = sorted({int(t) for t in (range(4, 61) if thresholds is None else thresholds)})
    if not thresholds or thresholds[0] < 0:
        raise InvalidParameterError(
            f"The 'thresholds' parameter of {function} must be non-negative ints. "
            f"Got {thresholds!r} instead."
        )
    rows = []
    for threshold in thresholds:
        trial = links.assign(linked=(links["inliers"] >= threshold) & (links["inliers"] > 0))
        result = evaluate_scene_links(trial, truth, references=references,
                                      exclude_same=exclude_same)
        rows.append({"min_inliers": threshold, "precision": result["precision"],
                     "recall": result["recall"], "f1": result["f1"],
                     "n_claims": result["n_claims"]})
    sweep = pd.DataFrame(rows)
    chosen = thresholds[-1]
    for index in range(len(thresholds) - 1, -1, -1):
        if sweep["precision"].iloc[index] < min_precision:
            break
        chosen = thresholds[index]
    return chosen, sweep


# --- figure ----------------------------------------------------------------------------------


def plot_scene_match(a, b, match, ax=None, max_lines=80, title=None):
    """Draw two pictures side by side with a line between the two ends of each inlier pair.

    Parameters
    ----------
    a, b : PIL.Image.Image or path-like
        The pictures given to :func:`match_scenes` (full size: the points are in their
        original pixels).
    match : SceneMatch
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    max_lines : int
        Draw at most this many pairs (evenly spread over the inliers).
    title : str, optional
        Defaults to "<inliers> inliers of <matches> matches (<model>)".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from PIL import Image
    >>> points = np.array([[10.0, 20.0], [30.0, 40.0]])
    >>> match = SceneMatch(2, 3, 0.667, points, points + 5)
    >>> ax = plot_scene_match(Image.new("RGB", (100, 80)), Image.new("RGB", (60, 50)), match)
    >>> len(ax.lines), ax.get_title()
    (2, '2 inliers of 3 matches (homography)')
    """
    import matplotlib.pyplot as plt

    if not isinstance(match, SceneMatch):
        raise InvalidParameterError(
            f"The 'match' parameter of plot_scene_match must be a SceneMatch. "
            f"Got {type(match).__name__} instead."
        )
    max_lines = check_int(max_lines, "max_lines", "plot_scene_match", 0, 100_000)
    left, right = (as_image(picture, "RGB", function="plot_scene_match", parameter=name)
                   for picture, name in ((a, "a"), (b, "b")))
    gap = max(8, left.width // 40)
    canvas = Image.new("RGB", (left.width + gap + right.width, max(left.height, right.height)),
                       "white")
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width + gap, 0))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 10 * canvas.height / canvas.width + 0.6))
    ax.imshow(np.asarray(canvas))
    count = len(match.points_a)
    chosen = np.unique(np.linspace(0, count - 1, min(count, max_lines)).round().astype(int)) if (
        count and max_lines) else np.zeros(0, int)
    colours = plt.get_cmap("viridis")(np.linspace(0, 1, max(1, len(chosen))))
    for colour, index in zip(colours, chosen, strict=False):
        (xa, ya), (xb, yb) = match.points_a[index], match.points_b[index]
        ax.plot([xa, xb + left.width + gap], [ya, yb], "-", color=colour, linewidth=0.8)
    ax.set_axis_off()
    ax.set_title(title or f"{match.inliers} inliers of {match.matches} matches ({match.model})")
    return ax
