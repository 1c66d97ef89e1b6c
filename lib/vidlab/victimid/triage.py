"""Triage of a seized device: set aside what is known, group what is new, say where to send it.

:func:`triage` follows the victim-identification steps on an extracted device folder:

1. **Seizure** - hash every file (md5, sha256, pHash, PDQ; ``jobs`` worker processes) and read
   its metadata (EXIF, video headers; no pixel decode). A file that cannot be read, or a
   picture or video that cannot be decoded, gets status ``error`` with the reason; every file
   has its row, always.
2. **Known-good files** are set aside: sha256 listed in the NSRL-like ``known_files`` CSV
   (status ``known_good``).
3. **Comparison with the database** (:class:`~vidlab.victimid.database.ReferenceDatabase`):
   exact matches by sha256, then md5 (``known_exact``), then perceptual matches of the other
   pictures, PDQ <= 31 (both qualities >= 50) or pHash <= 10 (``known_perceptual``), with the
   distance, the matched media and its series.
4. **Analysis of new material** - the remaining pictures and videos are clustered into
   candidate series: files of one device (:func:`vidlab.metadata.devices.link_devices`: serial,
   else make, model, firmware and traits) whose capture times follow each other with gaps of
   at most ``time_gap_s`` join; perceptual near-duplicates (same thresholds) join too, which
   attaches EXIF-less copies (messenger copies, thumbnails, edited variants) to the series of
   their original. Groups of at least ``min_series_size`` files are candidate series
   (``candidate``); other files stay ``unmatched``. With scene linking on, candidate groups
   of one device that show the same room (scene linking between a few wide views of each,
   as in step 6) merge: a session split by a long pause is one series.
5. **Ranking** - candidate series are ranked for analysis by a score (:data:`RANK_RULE`):
   ``n_pictures / largest n_pictures`` (0-1; distinct pictures: near-duplicates count once)
   + 1 if a file has GPS + recency (0-1: the series' last capture between the oldest and the
   newest last capture of the candidate series; 0 without times). Ties: more pictures, then
   first path. Big, located and recent series come first: more to analyse, a place to start
   from, and a child who may still be at risk.
6. **Location and referral** - GPS positions are clustered into places
   (:func:`vidlab.metadata.places.cluster_places`). **Scene linking** places a series without
   GPS: up to ``scene_pictures`` pictures of each candidate series (wide views first) are
   matched (:func:`vidlab.victimid.scenes.link_scenes`: ORB keypoints, RANSAC inliers) with
   as many pictures of each known series on the device whose location or country the
   database holds; from ``min_inliers`` inliers the series is linked to that known series
   (``linked_series``, its ``linked_location``, ``linked_country``, ``linked_status``, the
   best ``scene_inliers`` and the pair of pictures). Each candidate series gets as referral
   country the country of its places, else of the identified known series taken in the same
   room (refer to it, naming that case), else of a known series taken with the same device.
   **Location clues** (:mod:`vidlab.victimid.clues`: barcodes and their GS1 prefix, socket,
   script, climate) in up to ``clue_pictures`` distinct pictures of each candidate series
   rank the countries (``clue_countries``, ``clue_evidence``); a series placed by nothing
   else is referred to the first of them when its probability is at least
   :data:`CLUE_REFERRAL_PROBABILITY`, marked as a lead to confirm.

:func:`write_triage` writes ``files.csv`` (:data:`FILE_COLUMNS`), ``series.csv``
(:data:`SERIES_COLUMNS`) and ``report.html`` (self-contained: a few thumbnails of each
candidate series embedded as base64); the report and tables carry no timing, so the same
device gives the same bytes. :func:`evaluate_triage` scores a result against the ground truth
of :func:`vidlab.synth.seized.make_seized_device`.

>>> sorted(STATUSES)
['candidate', 'error', 'known_exact', 'known_good', 'known_perceptual', 'unmatched']
"""

import base64
import io
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.victimid.scenes import DEFAULT_MIN_INLIERS

__all__ = [
    "FILE_COLUMNS",
    "RANK_RULE",
    "REPORT_SECTIONS",
    "SERIES_COLUMNS",
    "STATUSES",
    "TriageResult",
    "evaluate_triage",
    "load_known_files",
    "triage",
    "write_triage",
]

STATUSES = ("known_good", "known_exact", "known_perceptual", "candidate", "unmatched", "error")
FILE_COLUMNS = (
    "path", "size", "media", "status", "error", "sha256", "md5", "phash", "pdq", "pdq_quality",
    "known_product", "match", "match_distance", "match_media_id", "series_id", "series_status",
    "device", "make", "model", "captured", "latitude", "longitude", "place", "city", "country",
)
SERIES_COLUMNS = (
    "series_id", "kind", "status", "rank", "score", "n_files", "n_pictures", "n_exact",
    "n_perceptual", "n_gps", "devices", "cameras", "first_capture", "last_capture", "places",
    "country", "case_id", "linked_known_series", "refer_to", "clues",
    "linked_series", "linked_location", "linked_country", "linked_status", "scene_inliers",
    "scene_query", "scene_reference", "clue_countries", "clue_evidence",
)
REPORT_SECTIONS = ("1. Seizure", "2. Comparison with the database",
                   "3. Analysis of new material", "4. Location", "5. Referral")
RANK_RULE = ("score = distinct pictures / largest number of distinct pictures (0-1) + 1 if any "
             "file has GPS + recency (0-1: last capture, oldest to newest candidate series; 0 "
             "without times); ties: more pictures, then first path")
PDQ_MAX, PHASH_MAX, PDQ_MIN_QUALITY = 31, 10, 50
_THUMBNAILS_PER_SERIES = 4
#: Pictures per series compared by scene linking (default of ``scene_pictures``).
SCENE_PICTURES = 4
#: Pictures per series searched for location clues (default of ``clue_pictures``).
CLUE_PICTURES = 8
#: A series placed by nothing but its clues is referred to their first country from this
#: probability on (else to ICSE, country unknown).
CLUE_REFERRAL_PROBABILITY = 0.5


@dataclass
class TriageResult:
    """What :func:`triage` found: ``files`` (one row per file, :data:`FILE_COLUMNS`),
    ``series`` (known series found and candidate series, :data:`SERIES_COLUMNS`, candidates
    by rank), ``places`` (one row per GPS place), ``summary`` (counts, shares and speed) and
    ``device`` (the folder triaged)."""

    files: pd.DataFrame
    series: pd.DataFrame
    places: pd.DataFrame
    summary: dict
    device: Path
    parameters: dict = field(default_factory=dict)

    def __repr__(self):
        s = self.summary
        return (f"TriageResult({s['n_files']} files: {s['n_known_good']} known-good, "
                f"{s['n_known_exact'] + s['n_known_perceptual']} known material, "
                f"{s['n_candidate_series']} candidate series, {s['n_errors']} errors)")


# ---------------------------------------------------------------------- inputs


def _check_device(device):
    if not isinstance(device, str | Path) or str(device) == "":
        raise InvalidParameterError(
            f"The 'device' parameter of triage must be a folder. Got {device!r} instead.")
    device = Path(device)
    if not device.is_dir():
        raise DatasetError(f"The device folder {str(device)!r} does not exist or is not a "
                           f"folder: give the folder of the extracted device.")
    return device


def _open_database(database):
    from vidlab.victimid.database import ReferenceDatabase

    if isinstance(database, ReferenceDatabase):
        return database, False
    if not isinstance(database, str | Path) or str(database) == "":
        raise InvalidParameterError(
            f"The 'database' parameter of triage must be a reference database file (.sqlite). "
            f"Got {database!r} instead.")
    if not Path(database).is_file():
        raise DatasetError(
            f"The reference database {str(database)!r} does not exist: build it with "
            f"ReferenceDatabase(path).import_vics(...) first.")
    return ReferenceDatabase(database), True


def load_known_files(path):
    """Read an NSRL-like known-file list (CSV with a ``sha256`` column; ``product`` and
    ``file_name`` are used when present) into ``{sha256: product}``.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "known.csv"
    >>> _ = path.write_text("sha256,product\\n" + "AB" * 32 + ",Clock 1.0\\n")
    >>> load_known_files(path) == {"ab" * 32: "Clock 1.0"}
    True
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"The known-file list {str(path)!r} does not exist.")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as error:
        raise DatasetError(f"Cannot read the known-file list {str(path)!r}: {error}.") from None
    if "sha256" not in table.columns:
        raise DatasetError(
            f"The known-file list {str(path)!r} needs a 'sha256' column; it has "
            f"{', '.join(map(repr, table.columns)) or 'none'}.")
    products = (table["product"] if "product" in table.columns
                else table.get("file_name", pd.Series("", index=table.index)))
    keys = table["sha256"].str.strip().str.lower()
    return {key: str(product) for key, product in zip(keys, products, strict=True) if key}


# ---------------------------------------------------------------------- helpers


class _Groups:
    """Union-find over item numbers."""

    def __init__(self, n):
        self.parent = list(range(n))

    def find(self, i):
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i, j):
        a, b = self.find(i), self.find(j)
        if a != b:
            self.parent[max(a, b)] = min(a, b)


def _packed(hexes):
    return np.frombuffer(bytes.fromhex("".join(hexes)), dtype=np.uint8).reshape(len(hexes), -1)


def _near_pairs(hexes, radius):
    """Pairs (i, j), i < j, of hex hashes within ``radius`` (exact, via HashIndex)."""
    from vidlab.hashing.index import HashIndex

    if len(hexes) < 2:
        return []
    packed = _packed(hexes)
    index = HashIndex(8 * packed.shape[1])
    index.add(packed)
    queries, rows, _ = index.search_radius(packed, radius)
    return [(int(q), int(r)) for q, r in zip(queries, rows, strict=True) if q < r]


def _hamming(a, b):
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _wall_clock(value):
    """A capture time as naive wall-clock Timestamp (None when missing)."""
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo is not None else stamp


def _iso(stamp):
    return "" if stamp is None else stamp.isoformat(sep=" ")


def _distinct(values):
    return "; ".join(sorted({str(v) for v in values if isinstance(v, str) and v}))


def _case_country(case_id):
    prefix = str(case_id).split("-")[0]
    return prefix if len(prefix) == 2 and prefix.isalpha() and prefix.isupper() else ""


# ---------------------------------------------------------------------- the pipeline


def triage(device, database, known_files=None, jobs=1, *, time_gap_s=3600.0,
           min_series_size=3, attach_phash=16, scene_linking=True,
           min_inliers=DEFAULT_MIN_INLIERS, scene_pictures=SCENE_PICTURES,
           location_clues=True, clue_pictures=CLUE_PICTURES):
    """Triage an extracted device against a reference database (see the module docstring).

    Parameters
    ----------
    device : str or path-like
        The device folder (paths in the result are relative to it, POSIX form).
    database : str, path-like or ReferenceDatabase
        The reference database of known series (an existing ``.sqlite`` file).
    known_files : str or path-like, optional
        NSRL-like known-good list (:func:`load_known_files`); without it nothing is set aside
        as known-good.
    jobs : int
        Worker processes for hashing and metadata (0 = one per core); progress bars on a
        terminal.
    time_gap_s : float
        Largest gap between consecutive captures of one device inside a candidate series.
    min_series_size : int
        Smallest number of distinct pictures (near-duplicates count once) of a candidate
        series.
    attach_phash : int
        A picture without capture time and without near-duplicate among timed pictures joins
        the group of its nearest timed picture within this pHash distance (edited copies,
        crops); ``attach_phash <= 10`` turns this off.
    scene_linking : bool
        Link each candidate series to a place: match its pictures
        (:func:`~vidlab.victimid.scenes.match_scenes`) with the pictures on the device that
        matched known series whose location or country the database holds (step 6).
    min_inliers : int
        Inliers from which two pictures show the same room (scene linking).
    scene_pictures : int
        Pictures compared per series, on each side (wide views first: the most JPEG bytes
        per pixel; camera originals before copies); bounds the cost to
        ``(candidates x known series) x scene_pictures**2`` picture pairs.
    location_clues : bool
        Search the candidate series' pictures for location clues and rank the countries
        (:mod:`vidlab.victimid.clues`, about 0.5 s per picture, with ``jobs``; the first
        use trains the clue models once, 10-40 s, then loads them from the disk cache).
    clue_pictures : int
        Distinct pictures per candidate series searched for clues.

    Returns
    -------
    TriageResult

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> from vidlab.victimid.database import ReferenceDatabase
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "phone").mkdir()
    >>> Image.linear_gradient("L").save(root / "phone" / "a.png")
    >>> _ = (root / "phone" / "notes.txt").write_text("list")
    >>> ReferenceDatabase(root / "db.sqlite").close()
    >>> result = triage(root / "phone", root / "db.sqlite")
    >>> result.files[["path", "status"]].values.tolist()
    [['a.png', 'unmatched'], ['notes.txt', 'unmatched']]
    """
    from vidlab.hashing.table import hash_table
    from vidlab.metadata import read_metadata
    from vidlab.metadata.devices import link_devices

    start = time.perf_counter()
    device = _check_device(device)
    if (isinstance(time_gap_s, bool) or not isinstance(time_gap_s, int | float)
            or not time_gap_s >= 0):
        raise InvalidParameterError(
            f"The 'time_gap_s' parameter of triage must be a number >= 0. "
            f"Got {time_gap_s!r} instead.")
    if isinstance(min_series_size, bool) or not isinstance(min_series_size, int) \
            or min_series_size < 2:
        raise InvalidParameterError(
            f"The 'min_series_size' parameter of triage must be an int >= 2. "
            f"Got {min_series_size!r} instead.")
    if isinstance(attach_phash, bool) or not isinstance(attach_phash, int) \
            or not 0 <= attach_phash <= 64:
        raise InvalidParameterError(
            f"The 'attach_phash' parameter of triage must be an int in [0, 64]. "
            f"Got {attach_phash!r} instead.")
    for name, value in (("scene_linking", scene_linking), ("location_clues", location_clues)):
        if not isinstance(value, bool):
            raise InvalidParameterError(
                f"The {name!r} parameter of triage must be True or False. "
                f"Got {value!r} instead.")
    for name, value, low in (("min_inliers", min_inliers, 1),
                             ("scene_pictures", scene_pictures, 1),
                             ("clue_pictures", clue_pictures, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise InvalidParameterError(
                f"The {name!r} parameter of triage must be an int >= {low}. "
                f"Got {value!r} instead.")
    known = {} if known_files is None else load_known_files(known_files)
    db, owned = _open_database(database)
    try:
        hashes = hash_table([device], "md5,sha256,phash,pdq", jobs=jobs, relative_to=device)
        meta = read_metadata([device], jobs=jobs, relative_to=device, pixels=False)
        meta = meta.set_index("path").reindex(hashes["path"]).reset_index()
        files = _seizure(hashes, meta, known)
        files["_pixels"] = (pd.to_numeric(meta["width"], errors="coerce").fillna(0)
                            * pd.to_numeric(meta["height"], errors="coerce").fillna(0)
                            ).to_numpy()
        links = link_devices(meta[files["media"].isin(["image", "video"]).to_numpy()])
        labels = dict(zip(links["path"], links["device"], strict=True))
        files["device"] = [labels.get(path, "") for path in files["path"]]
        _match_exact(files, db)
        _match_perceptual(files, db)
        known_series = db.series_table()
        stats = db.stats()
    finally:
        if owned:
            db.close()
    places = _places(files, meta)
    features = {}  # scene features, shared by the grouping and the linking
    _cluster(files, time_gap_s, min_series_size, attach_phash,
             same_room={"device": device, "min_inliers": min_inliers,
                        "per_series": scene_pictures, "jobs": jobs, "cache": features}
             if scene_linking else None)
    scene = (_scene_links(files, device, known_series, min_inliers, scene_pictures, jobs,
                          features) if scene_linking else {})
    clues = (_location_clues(files, device, clue_pictures, jobs) if location_clues
             else {})
    series = _series_table(files, known_series, scene, clues)
    elapsed = time.perf_counter() - start
    summary = _summary(files, series, stats, elapsed)
    return TriageResult(files=files[list(FILE_COLUMNS)], series=series, places=places,
                        summary=summary, device=device,
                        parameters={"time_gap_s": float(time_gap_s),
                                    "min_series_size": min_series_size,
                                    "attach_phash": attach_phash,
                                    "scene_linking": scene_linking,
                                    "min_inliers": min_inliers,
                                    "scene_pictures": scene_pictures,
                                    "location_clues": location_clues,
                                    "clue_pictures": clue_pictures,
                                    "known_files": known_files is not None,
                                    "database": str(getattr(db, "path", database))})


def _seizure(hashes, meta, known):
    files = pd.DataFrame({
        "path": hashes["path"], "size": hashes["size"],
        "media": meta["media"].fillna("").astype(str).to_numpy(),
    })
    for column in ("sha256", "md5", "phash", "pdq"):
        files[column] = hashes[column]
    files["pdq_quality"] = hashes["pdq_quality"]
    hash_error = hashes["error"].to_numpy(dtype=object)
    meta_error = meta["error"].fillna("").astype(str).to_numpy()
    unreadable = files["size"].to_numpy() < 0
    bad_image = (files["media"].to_numpy() == "image") & (hash_error != "")
    bad_video = (files["media"].to_numpy() == "video") & (meta_error != "")
    error = np.where(unreadable | bad_image, hash_error,
                     np.where(bad_video, meta_error, ""))
    files["error"] = error.astype(str)
    files["status"] = np.where(files["error"] != "", "error", "")
    products = pd.Series([known.get(h, "") for h in files["sha256"]], index=files.index)
    good = (files["status"] == "") & files["sha256"].isin(list(known))
    files.loc[good, "status"] = "known_good"
    files["known_product"] = products.where(good, "")
    for column in ("match", "match_media_id", "series_id", "series_status"):
        files[column] = ""
    files["match_distance"] = -1
    files["make"] = meta["make"].fillna("").astype(str).to_numpy()
    files["model"] = meta["model"].fillna("").astype(str).to_numpy()
    captured = [_wall_clock(a) or _wall_clock(b) for a, b in
                zip(meta["datetime_original"].tolist(),
                    meta["container_created_utc"].tolist(), strict=True)]
    files["captured"] = [_iso(c) for c in captured]
    files["latitude"] = pd.to_numeric(meta["gps_latitude"], errors="coerce").to_numpy()
    files["longitude"] = pd.to_numeric(meta["gps_longitude"], errors="coerce").to_numpy()
    return files


def _match_exact(files, db):
    for algorithm in ("sha256", "md5"):
        todo = files.index[(files["status"] == "") & (files[algorithm] != "")]
        if not len(todo):
            continue
        found = db.lookup_exact(files.loc[todo, algorithm].tolist(), algorithm)
        found = found.drop_duplicates("query")  # sorted by query, then media id
        rows = todo[found["query"].to_numpy()]
        files.loc[rows, "status"] = "known_exact"
        files.loc[rows, "match"] = algorithm
        files.loc[rows, "match_distance"] = 0
        files.loc[rows, "match_media_id"] = found["media_id"].to_numpy()
        files.loc[rows, "series_id"] = found["series_id"].to_numpy()
        files.loc[rows, "series_status"] = found["status"].to_numpy()


def _match_perceptual(files, db):
    from vidlab.hashing.matching import match_hashes, summarise_matches

    todo = files.index[(files["status"] == "") & ((files["phash"] != "") | (files["pdq"] != ""))]
    if not len(todo):
        return
    table = files.loc[todo, ["path", "phash", "pdq", "pdq_quality"]].assign(error="")
    hashset = db.to_hashset(["phash", "pdq"])
    if not len(hashset.frame):
        return
    matches = match_hashes(table, hashset, max_distance={"pdq": PDQ_MAX, "phash": PHASH_MAX},
                           min_quality=PDQ_MIN_QUALITY)
    best = summarise_matches(table, matches).set_index(todo)
    hit = best.index[best["matched"]]
    series = db.series_table().set_index("series_id")["status"]
    files.loc[hit, "status"] = "known_perceptual"
    files.loc[hit, "match"] = best.loc[hit, "best_algorithm"]
    files.loc[hit, "match_distance"] = best.loc[hit, "best_distance"].astype("int64")
    files.loc[hit, "match_media_id"] = best.loc[hit, "best_hashset_id"]
    files.loc[hit, "series_id"] = best.loc[hit, "best_series"]
    files.loc[hit, "series_status"] = best.loc[hit, "best_series"].map(series).fillna("")


def _places(files, meta):
    from vidlab.metadata.places import cluster_places

    with_gps = files[np.isfinite(files["latitude"]) & np.isfinite(files["longitude"])]
    places = cluster_places(with_gps.rename(columns={"latitude": "gps_latitude",
                                                     "longitude": "gps_longitude"}))
    lookup = places.set_index("path")
    for column in ("place", "city", "country"):
        values = dict(zip(lookup.index, lookup[column].astype(str), strict=True))
        files[column] = [values.get(path, "") for path in files["path"]]
    return places


def _cluster(files, time_gap_s, min_series_size, attach_phash, same_room=None):
    """Group the remaining pictures and videos; mark candidate series and unmatched files.

    ``same_room`` (``{"device", "min_inliers", "per_series", "jobs", "cache"}``) also merges
    candidate groups of one device that show the same room (:func:`_same_room_groups`)."""
    rest = files.index[(files["status"] == "") & files["media"].isin(["image", "video"])]
    n = len(rest)
    groups = _Groups(n)
    # same device, captures close in time
    clocks = [_wall_clock(value) if value else None for value in files.loc[rest, "captured"]]
    by_device = {}
    for i, (label, clock) in enumerate(zip(files.loc[rest, "device"], clocks, strict=True)):
        if label and clock is not None:
            by_device.setdefault(label, []).append((clock, i))
    for items in by_device.values():
        items.sort()
        for (t0, i), (t1, j) in zip(items, items[1:], strict=False):
            if (t1 - t0).total_seconds() <= time_gap_s:
                groups.union(i, j)
    # perceptual near-duplicates: attach EXIF-less copies to their originals; `copies`
    # joins near-duplicates only, to count the distinct pictures of a group
    copies = _Groups(n)
    phash = files.loc[rest, "phash"].to_numpy(dtype=object)
    with_phash = np.flatnonzero(phash != "")
    for a, b in _near_pairs(list(phash[with_phash]), PHASH_MAX):
        for union in (groups.union, copies.union):
            union(int(with_phash[a]), int(with_phash[b]))
    good_pdq = ((files.loc[rest, "pdq"] != "")
                & (files.loc[rest, "pdq_quality"] >= PDQ_MIN_QUALITY)).to_numpy()
    where = np.flatnonzero(good_pdq)
    for a, b in _near_pairs(list(files.loc[rest, "pdq"].to_numpy(dtype=object)[where]),
                            PDQ_MAX):
        for union in (groups.union, copies.union):
            union(int(where[a]), int(where[b]))
    # edited copies (crops, strong edits) without a capture time: a group without capture
    # times joins the timed group that at least half of its members resemble (a picture
    # within attach_phash), the nearest on ties - one group only, so that an untimed group
    # never bridges two timed ones, and a chain of look-alikes (scanned pages) that touches
    # a series at one end stays apart
    timed = np.array([clock is not None for clock in clocks])
    if attach_phash > PHASH_MAX and len(with_phash) > 1:
        has_time = {groups.find(k) for k in np.flatnonzero(timed)}
        near = {}  # (untimed group, timed group) -> {member: (distance, timed picture)}
        for a, b in _near_pairs(list(phash[with_phash]), attach_phash):
            i, j = int(with_phash[a]), int(with_phash[b])
            for x, y in ((i, j), (j, i)):
                root = groups.find(x)
                if not timed[x] and timed[y] and root not in has_time:
                    members = near.setdefault((root, groups.find(y)), {})
                    candidate = (_hamming(phash[x], phash[y]), y)
                    members[x] = min(members.get(x, candidate), candidate)
        sizes = pd.Series([groups.find(i) for i in with_phash]).value_counts().to_dict()
        best = {}  # untimed group -> (-members near, distance, timed picture)
        for (root, _), members in near.items():
            distance, y = min(members.values())
            best[root] = min(best.get(root, (0, 0, -1)), (-len(members), distance, y))
        for root, (count, _, y) in best.items():
            if -2 * count >= sizes.get(root, 1):
                groups.union(root, y)
    roots = np.array([groups.find(i) for i in range(n)], dtype=np.int64)
    pictures = np.array([copies.find(i) for i in range(n)], dtype=np.int64)
    files.loc[files["status"] == "", "status"] = "unmatched"
    files["rank"] = 0
    files["score"] = 0.0
    files["n_pictures"] = 0
    if not n:
        return
    members = pd.Series(np.arange(n)).groupby(roots).apply(list)
    candidates = [m for m in members if len(set(pictures[m])) >= min_series_size]
    if same_room is not None:
        candidates = _same_room_groups(files, rest, candidates, **same_room)
    # rank: size share + GPS + recency (RANK_RULE)
    gps = np.isfinite(files.loc[rest, "latitude"].to_numpy())
    info = []
    for m in candidates:
        times = [clocks[i] for i in m if clocks[i] is not None]
        info.append({"members": m, "n": len(set(pictures[m])), "gps": bool(gps[m].any()),
                     "last": max(times) if times else None,
                     "first_path": min(files.loc[rest[m], "path"])})
    lasts = [x["last"] for x in info if x["last"] is not None]
    oldest, newest = (min(lasts), max(lasts)) if lasts else (None, None)
    largest = max((x["n"] for x in info), default=1)
    for x in info:
        if x["last"] is None:
            recency = 0.0
        elif newest == oldest:
            recency = 1.0
        else:
            recency = (x["last"] - oldest) / (newest - oldest)
        x["score"] = round(x["n"] / largest + float(x["gps"]) + float(recency), 4)
    info.sort(key=lambda x: (-x["score"], -x["n"], x["first_path"]))
    width = max(2, len(str(len(info))))
    for rank, x in enumerate(info, start=1):
        rows = rest[x["members"]]
        files.loc[rows, "status"] = "candidate"
        files.loc[rows, "series_id"] = f"N{rank:0{width}d}"
        files.loc[rows, "series_status"] = "new"
        files.loc[rows, "rank"] = rank
        files.loc[rows, "score"] = x["score"]
        files.loc[rows, "n_pictures"] = x["n"]


def _wide_first(part, limit):
    """Up to ``limit`` distinct pictures of ``part`` (rows of files): originals (exact
    matches, EXIF) before copies, then the most JPEG bytes per pixel first - a wide view of a
    room holds more detail than a close-up of a socket or a poster - skipping
    near-duplicates (pHash <= PHASH_MAX) of a picture already chosen."""
    part = part[(part["media"] == "image") & (part["_pixels"] > 0)]
    order = part.assign(_copy=(part["status"] == "known_perceptual") | (part["make"] == ""),
                        _detail=-part["size"] / part["_pixels"])
    chosen, seen = [], []
    for path, phash in order.sort_values(["_copy", "_detail", "path"])[["path", "phash"]].values:
        if phash and any(_hamming(phash, other) <= PHASH_MAX for other in seen):
            continue
        chosen.append(path)
        if phash:
            seen.append(phash)
        if len(chosen) == limit:
            break
    return chosen


def _same_room_groups(files, rest, candidates, device, min_inliers, per_series, jobs, cache):
    """Merge candidate groups taken with one device in one room: a session split by a long
    pause is one series. Up to ``per_series`` wide views of each group are scene-linked with
    those of the other groups of the same device; a link from ``min_inliers`` on merges."""
    from vidlab.victimid.scenes import link_scenes

    devices = [set(files.loc[rest[m], "device"]) - {""} for m in candidates]
    paired = {a for a in range(len(candidates)) for b in range(len(candidates))
              if a != b and devices[a] & devices[b]}
    if not paired:
        return candidates
    views = pd.DataFrame([(str(device / path), str(a)) for a in sorted(paired)
                          for path in _wide_first(files.loc[rest[candidates[a]]], per_series)],
                         columns=["path", "location_id"])
    views["group"] = views["location_id"]
    links = link_scenes(views[["path", "group"]], views, min_inliers=min_inliers, jobs=jobs,
                        top_k=len(paired), exclude_same="group", cache=cache)
    group_of = dict(zip(views["path"], views["location_id"], strict=True))
    merged = _Groups(len(candidates))
    for query, other in links.loc[links["linked"], ["query", "location_id"]].values:
        a, b = int(group_of[query]), int(other)
        if devices[a] & devices[b]:
            merged.union(a, b)
    together = {}
    for i, members in enumerate(candidates):
        together.setdefault(merged.find(i), []).extend(members)
    return [sorted(members) for members in together.values()]


def _scene_links(files, device, known_series, min_inliers, per_series, jobs, cache=None):
    """Scene linking of the candidate series with the known series that have a place:
    ``{candidate series: {linked_series, linked_location, linked_country, linked_status,
    linked_case, scene_inliers, scene_query, scene_reference}}``."""
    from vidlab.victimid.scenes import link_scenes

    placed = known_series[(known_series["location"] != "") | (known_series["country"] != "")]
    info = placed.set_index("series_id")
    known = files[files["status"].isin(["known_exact", "known_perceptual"])
                  & files["series_id"].isin(info.index)]
    references = [(path, sid) for sid, part in known.groupby("series_id", sort=True)
                  for path in _wide_first(part, per_series)]
    queries = [(path, sid) for sid, part in files[files["status"] == "candidate"].groupby(
        "series_id", sort=True) for path in _wide_first(part, per_series)]
    if not references or not queries:
        return {}
    relative = {str(device / path): path for path, _ in queries + references}
    series_of = {str(device / path): sid for path, sid in queries}
    links = link_scenes([str(device / path) for path, _ in queries],
                        pd.DataFrame({"path": [str(device / p) for p, _ in references],
                                      "location_id": [sid for _, sid in references]}),
                        min_inliers=min_inliers, jobs=jobs, top_k=len(info), cache=cache)
    best = {}  # candidate -> known series -> (inliers, query, reference)
    for query, known_id, reference, inliers in links[links["location_id"] != ""][
            ["query", "location_id", "reference", "inliers"]].values:
        per = best.setdefault(series_of[query], {})
        value = (int(inliers), relative[query], relative[reference])
        if known_id not in per or (-value[0], value[1:]) < (-per[known_id][0],
                                                             per[known_id][1:]):
            per[known_id] = value
    result = {}
    for sid, per in best.items():
        ranked = sorted(per.items(), key=lambda item: (-item[1][0], item[0]))
        linked = [k for k, (inliers, _, _) in ranked if inliers >= min_inliers and inliers > 0]
        top, (inliers, query, reference) = ranked[0]
        entry = {"scene_inliers": inliers}
        if linked:
            row = info.loc[top]
            entry.update(linked_series="; ".join(linked), linked_location=row["location"],
                         linked_country=row["country"], linked_status=row["status"],
                         linked_case=row["case_id"], scene_query=query,
                         scene_reference=reference)
        result[sid] = entry
    return result


def _location_clues(files, device, per_series, jobs):
    """Location clues of each candidate series: ``{series: (ranking, clues)}`` from
    :func:`~vidlab.victimid.clues.image_clues` over up to ``per_series`` distinct pictures
    (in parallel), :func:`~vidlab.victimid.clues.combine_clues` and
    :func:`~vidlab.victimid.clues.rank_countries`."""
    from vidlab.parallel import map_parallel
    from vidlab.victimid.clues import combine_clues, image_clues, load_clue_models, rank_countries

    chosen = {sid: _wide_first(part, per_series)
              for sid, part in files[files["status"] == "candidate"].groupby("series_id",
                                                                             sort=True)}
    paths = [device / path for pictures in chosen.values() for path in pictures]
    if not paths:
        return {}
    if jobs != 1:
        load_clue_models()
    found = iter(map_parallel(image_clues, paths, jobs=jobs, desc="location clues",
                              unit="picture"))
    result = {}
    for sid, pictures in chosen.items():
        if pictures:
            clues = combine_clues([next(found) for _ in pictures])
            result[sid] = (rank_countries(clues), clues)
    return result


def _clue_columns(ranking, clues):
    """The ``clue_countries`` and ``clue_evidence`` texts of one series."""
    top = "; ".join(f"{c} {p:.2f}" for c, p in zip(ranking["country"].head(3),
                                                    ranking["probability"].head(3),
                                                    strict=True))
    found = clues[clues["value"].astype(str) != ""]
    return top, "; ".join(found["evidence"]) or "no clue found"


_LINK_FIELDS = ("linked_series", "linked_location", "linked_country", "linked_status",
                "scene_query", "scene_reference")


def _series_table(files, known_series, scene=None, clues=None):
    scene, clues = scene or {}, clues or {}
    known_series = known_series.set_index("series_id")
    devices_of_known = {}
    for sid, part in files[files["status"].isin(["known_exact", "known_perceptual"])].groupby(
            "series_id"):
        for label in part["device"]:
            if label:
                devices_of_known.setdefault(label, set()).add(sid)
    rows = []
    for sid, part in files[files["series_id"] != ""].groupby("series_id", sort=True):
        new = part["status"].iloc[0] == "candidate"
        times = sorted(t for t in part["captured"] if t)
        cameras = _distinct([f"{a} {b}".strip() for a, b in zip(part["make"], part["model"],
                                                                 strict=True)])
        places = _distinct([f"{c} ({k})" if k else c for c, k in zip(part["city"],
                                                                     part["country"],
                                                                     strict=True)])
        linked = sorted({k for label in part["device"] if label
                         for k in devices_of_known.get(label, ()) if k != sid})
        row = {"series_id": sid, "kind": "new" if new else "known",
               "n_files": len(part),
               "n_pictures": int(part["n_pictures"].iloc[0]) if new else len(part),
               "n_exact": int((part["status"] == "known_exact").sum()),
               "n_perceptual": int((part["status"] == "known_perceptual").sum()),
               "n_gps": int(np.isfinite(part["latitude"]).sum()),
               "devices": _distinct(part["device"]), "cameras": cameras,
               "first_capture": times[0] if times else "",
               "last_capture": times[-1] if times else "", "places": places,
               "linked_known_series": "; ".join(linked),
               **dict.fromkeys(_LINK_FIELDS, ""), "scene_inliers": 0,
               "clue_countries": "", "clue_evidence": ""}
        if new:
            link = scene.get(sid, {})
            row.update({name: link.get(name, "") for name in _LINK_FIELDS},
                       scene_inliers=int(link.get("scene_inliers", 0)))
            same_room = row["linked_series"].split("; ")[0]
            gps_countries = part.loc[part["country"] != "", "country"]
            linked_countries = [known_series.at[k, "country"] for k in linked
                                if k in known_series.index and known_series.at[k, "country"]]
            refer_to = ""
            if len(gps_countries):
                country = gps_countries.value_counts().index[0]
            elif row["linked_country"]:
                country = row["linked_country"]
                case = f", case {link['linked_case']}" if link.get("linked_case") else ""
                refer_to = f"{country} (same room as known series {same_room}{case})"
            else:
                country = linked_countries[0] if linked_countries else ""
            if sid in clues:
                ranking = clues[sid][0]
                row["clue_countries"], row["clue_evidence"] = _clue_columns(*clues[sid])
                first, probability = ranking["country"].iloc[0], ranking["probability"].iloc[0]
                if not country and probability >= CLUE_REFERRAL_PROBABILITY:
                    country = first
                    refer_to = (f"{first} (location clues only, probability "
                                f"{probability:.2f}: a lead to confirm)")
            notes = [f"{row['n_files']} files ({row['n_pictures']} distinct pictures)"]
            if cameras:
                notes.append(f"camera {cameras}")
            if times:
                notes.append(f"taken {times[0]} to {times[-1]}")
            if places:
                notes.append(f"GPS near {places}")
            if linked:
                notes.append(f"same device as known series {', '.join(linked)}")
            if same_room:
                where = ", ".join(v for v in (row["linked_location"], row["linked_country"])
                                  if v)
                notes.append(f"same room as known series {same_room} ({row['linked_status']}"
                             f"{': ' + where if where else ''}; {row['scene_inliers']} "
                             f"inliers)")
            if row["clue_countries"]:
                notes.append(f"location clues point to {row['clue_countries']}")
            row.update(status="new", rank=int(part["rank"].iloc[0]),
                       score=float(part["score"].iloc[0]), country=country, case_id="",
                       refer_to=refer_to or country or "ICSE (country unknown)",
                       clues="; ".join(notes))
        else:
            info = (known_series.loc[sid] if sid in known_series.index
                    else pd.Series({"status": "", "country": "", "case_id": ""}))
            country = info["country"] or _case_country(info["case_id"])
            identified = info["status"] == "identified"
            row.update(status=info["status"], rank=0, score=0.0, country=info["country"],
                       case_id=info["case_id"],
                       refer_to=(f"{country} (inform case owner)" if identified
                                 else country or "ICSE (country unknown)"),
                       clues=("victim identified: new distribution only" if identified
                              else "victim not identified: new copies and device clues"))
        rows.append(row)
    table = pd.DataFrame(rows, columns=list(SERIES_COLUMNS))
    table["order"] = np.where(table["kind"] == "new", table["rank"], 10**6)
    table = table.sort_values(["order", "series_id"], kind="stable").drop(columns="order")
    return table.reset_index(drop=True).astype({"rank": "int64", "score": "float64",
                                                "n_files": "int64", "scene_inliers": "int64"})


def _summary(files, series, stats, elapsed):
    counts = files["status"].value_counts()
    n = len(files)

    def count(status):
        return int(counts.get(status, 0))

    pre = count("known_good") + count("known_exact") + count("known_perceptual")
    known = series[series["kind"] == "known"]
    return {
        "n_files": n, "n_errors": count("error"), "n_known_good": count("known_good"),
        "n_known_exact": count("known_exact"), "n_known_perceptual": count("known_perceptual"),
        "n_candidate_files": count("candidate"), "n_unmatched": count("unmatched"),
        "n_known_series_found": int(len(known)),
        "n_unidentified_found": int((known["status"] == "unidentified").sum()),
        "n_candidate_series": int((series["kind"] == "new").sum()),
        "n_images": int((files["media"] == "image").sum()),
        "n_videos": int((files["media"] == "video").sum()),
        "share_pre_identified": round(pre / n, 4) if n else 0.0,
        "database_series": int(stats["n_series"]), "database_media": int(stats["n_media"]),
        "seconds": round(elapsed, 3), "files_per_second": round(n / elapsed, 1) if elapsed else 0,
    }


# ---------------------------------------------------------------------- writing


_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Triage report: {{ device }}</title>
<style>
body{font-family:sans-serif;margin:2em;max-width:72em}table{border-collapse:collapse;margin:.5em 0}
td,th{border:1px solid #bbb;padding:2px 6px;font-size:90%;text-align:left}th{background:#eee}
.thumbs img{height:96px;margin:2px;border:1px solid #999}.note{color:#555}
</style></head><body>
<h1>Triage report: {{ device }}</h1>
<p class="note">Synthetic training data (rooms, objects, patterns, text). Reference database:
{{ database }} ({{ s.database_series }} series, {{ s.database_media }} media).</p>
<h2>1. Seizure</h2>
<p>{{ s.n_files }} files ({{ s.n_images }} pictures, {{ s.n_videos }} videos);
{{ s.n_errors }} could not be read; {{ s.n_known_good }} known-good files set aside
{%- if not known_files %} (no known-file list given){% endif %}.
Pre-identified: {{ "%.1f"|format(100 * s.share_pre_identified) }} % of the files
(known-good and known material).</p>
<table><tr><th>status</th><th>files</th></tr>
{% for status, n in statuses %}<tr><td>{{ status }}</td><td>{{ n }}</td></tr>{% endfor %}</table>
{% if errors %}<h3>Files that could not be read</h3><table><tr><th>path</th><th>reason</th></tr>
{% for e in errors %}<tr><td>{{ e.path }}</td><td>{{ e.error }}</td></tr>{% endfor %}</table>
{% endif %}
<h2>2. Comparison with the database</h2>
<p>{{ s.n_known_exact }} exact matches (sha256, md5) and {{ s.n_known_perceptual }} perceptual
matches (PDQ &le; {{ pdq_max }} at quality &ge; {{ pdq_quality }}, pHash &le; {{ phash_max }})
in {{ s.n_known_series_found }} known series, {{ s.n_unidentified_found }} of them not
identified.</p>
{% if known %}<table><tr><th>series</th><th>status</th><th>country</th><th>case</th>
<th>exact</th><th>perceptual</th><th>devices</th></tr>
{% for r in known %}<tr><td>{{ r.series_id }}</td><td>{{ r.status }}</td><td>{{ r.country }}</td>
<td>{{ r.case_id }}</td><td>{{ r.n_exact }}</td><td>{{ r.n_perceptual }}</td>
<td>{{ r.devices }}</td></tr>{% endfor %}</table>{% endif %}
<h2>3. Analysis of new material</h2>
<p>{{ s.n_candidate_files }} files in {{ s.n_candidate_series }} candidate series
(same device and capture gaps &le; {{ gap }} s, or perceptual near-duplicates; at least
{{ min_size }} files); {{ s.n_unmatched }} other files unmatched. Ranked by: {{ rank_rule }}.</p>
{% for r in candidates %}<h3>{{ r.series_id }} (rank {{ r.rank }}, score {{ r.score }})</h3>
<p>{{ r.n_files }} files ({{ r.n_pictures }} distinct pictures);
devices {{ r.devices or "unknown" }} {{ r.cameras }};
taken {{ r.first_capture or "?" }} to {{ r.last_capture or "?" }};
{{ r.n_gps }} with GPS{% if r.places %} ({{ r.places }}){% endif %}
{%- if r.linked_known_series %}; same device as known series {{ r.linked_known_series }}
{%- endif %}.</p>
<div class="thumbs">{% for t in thumbs[r.series_id] %}<img alt="{{ t.path }}" title="{{ t.path }}"
src="data:image/jpeg;base64,{{ t.data }}">{% endfor %}</div>
{% else %}<p>No candidate series.</p>{% endfor %}
<h2>4. Location</h2>
{% if places %}<table><tr><th>place</th><th>files</th><th>city</th><th>country</th><th>km</th>
<th>series</th></tr>{% for p in places %}<tr><td>{{ p.place }}</td><td>{{ p.n_files }}</td>
<td>{{ p.city }}</td><td>{{ p.country }}</td><td>{{ p.city_km }}</td><td>{{ p.series }}</td></tr>
{% endfor %}</table>{% else %}<p>No file carries GPS positions.</p>{% endif %}
<h3>Scene linking</h3>
{% if not scene_linking %}<p>Scene linking was not run.</p>
{% elif scene %}<p>Pictures of each candidate series (up to {{ scene_pictures }}, wide views
first) matched with pictures on the device of known series whose place the database holds:
the same room from another viewpoint when at least {{ min_inliers }} keypoint pairs agree
with one camera motion (RANSAC inliers). A link is a lead to check, not a proof.</p>
<table><tr><th>series</th><th>same room as</th><th>status</th><th>location</th>
<th>country</th><th>inliers</th><th>pictures</th><th>send to</th></tr>
{% for r in scene %}<tr><td>{{ r.series_id }}</td><td>{{ r.linked_series or "-" }}</td>
<td>{{ r.linked_status }}</td><td>{{ r.linked_location }}</td><td>{{ r.linked_country }}</td>
<td>{{ r.scene_inliers }}</td><td>{% if r.scene_query %}{{ r.scene_query }} ~
{{ r.scene_reference }}{% endif %}</td><td>{{ r.refer_to }}</td></tr>{% endfor %}</table>
{% else %}<p>No candidate series.</p>{% endif %}
<h3>Location clues</h3>
{% if not location_clues %}<p>Location clues were not searched.</p>
{% elif clue_rows %}<p>Up to {{ clue_pictures }} distinct pictures of each candidate series
searched for barcodes (GS1 prefix), socket types, the script of text and the climate through
the window; the clues, weighted by their measured reliability, rank the countries. Clues are
leads for the analyst: a GS1 prefix names where a barcode was registered, and sockets and
scripts are shared by several countries.</p>
<table><tr><th>series</th><th>first countries (probability)</th><th>clues</th></tr>
{% for r in clue_rows %}<tr><td>{{ r.series_id }}</td><td>{{ r.clue_countries }}</td>
<td>{{ r.clue_evidence }}</td></tr>{% endfor %}</table>
{% else %}<p>No candidate series.</p>{% endif %}
<h2>5. Referral</h2>
{% if referrals %}<table><tr><th>series</th><th>kind</th><th>send to</th><th>clues</th></tr>
{% for r in referrals %}<tr><td>{{ r.series_id }}</td>
<td>{{ r.kind }}{% if r.kind == "known" %} ({{ r.status }}){% endif %}</td>
<td>{{ r.refer_to }}</td><td>{{ r.clues }}</td></tr>{% endfor %}</table>
{% else %}<p>Nothing to refer.</p>{% endif %}
</body></html>
"""


def _thumbnail(path, size=128):
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.thumbnail((size, size))
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "JPEG", quality=70)
    except (OSError, ValueError):
        return None
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _render(result):
    from jinja2 import Environment, select_autoescape

    files, series, s = result.files, result.series, result.summary
    candidates = series[series["kind"] == "new"]
    thumbs = {}
    for sid in candidates["series_id"]:
        part = files[(files["series_id"] == sid) & (files["media"] == "image")]
        part = part.assign(_exif=part["make"] == "").sort_values(["_exif", "captured", "path"])
        thumbs[sid] = [{"path": p, "data": data}
                       for p in part["path"].head(_THUMBNAILS_PER_SERIES)
                       if (data := _thumbnail(result.device / p))]
    places = []
    if len(result.places):
        of = files.set_index("path")["series_id"]
        for place, part in result.places[result.places["place"] != ""].groupby("place"):
            places.append({"place": place, "n_files": len(part), "city": part["city"].iloc[0],
                           "country": part["country"].iloc[0],
                           "city_km": part["city_km"].iloc[0],
                           "series": _distinct(part["path"].map(of).fillna(""))})
    env = Environment(autoescape=select_autoescape(default=True))
    return env.from_string(_TEMPLATE).render(
        device=result.device.name, database=Path(result.parameters.get("database", "")).name,
        s=s, known_files=result.parameters.get("known_files", False),
        statuses=[(status, int((files["status"] == status).sum())) for status in STATUSES],
        errors=files[files["status"] == "error"][["path", "error"]].to_dict("records"),
        known=series[series["kind"] == "known"].to_dict("records"),
        candidates=candidates.to_dict("records"), thumbs=thumbs, places=places,
        referrals=series[(series["kind"] == "new") | (series["status"] == "unidentified")
                         | (series["status"] == "identified")].to_dict("records"),
        pdq_max=PDQ_MAX, pdq_quality=PDQ_MIN_QUALITY, phash_max=PHASH_MAX,
        gap=result.parameters.get("time_gap_s"),
        min_size=result.parameters.get("min_series_size"), rank_rule=RANK_RULE,
        scene_linking=result.parameters.get("scene_linking", False),
        scene_pictures=result.parameters.get("scene_pictures"),
        min_inliers=result.parameters.get("min_inliers"),
        scene=candidates.to_dict("records"),
        location_clues=result.parameters.get("location_clues", False),
        clue_pictures=result.parameters.get("clue_pictures"),
        clue_rows=candidates.to_dict("records"))


def write_triage(result, out_dir):
    """Write ``files.csv``, ``series.csv`` and ``report.html`` into ``out_dir`` (created);
    return their paths as ``{"files": ..., "series": ..., "report": ...}``.

    >>> import pathlib, tempfile
    >>> from vidlab.victimid.database import ReferenceDatabase
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "phone").mkdir()
    >>> _ = (root / "phone" / "notes.txt").write_text("list")
    >>> ReferenceDatabase(root / "db.sqlite").close()
    >>> paths = write_triage(triage(root / "phone", root / "db.sqlite"), root / "out")
    >>> sorted(p.name for p in paths.values())
    ['files.csv', 'report.html', 'series.csv']
    """
    if not isinstance(result, TriageResult):
        raise InvalidParameterError(
            f"The 'result' parameter of write_triage must be a TriageResult. "
            f"Got {type(result).__name__} instead.")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidParameterError(
            f"The 'out_dir' parameter of write_triage must be a folder. Got the file "
            f"{str(out)!r} instead.")
    out.mkdir(parents=True, exist_ok=True)
    paths = {"files": out / "files.csv", "series": out / "series.csv",
             "report": out / "report.html"}
    result.files.to_csv(paths["files"], index=False)
    result.series.to_csv(paths["series"], index=False)
    paths["report"].write_text(_render(result), encoding="utf-8")
    return paths


# ---------------------------------------------------------------------- evaluation


def evaluate_triage(result, truth_files, *, truth_series=None):
    """Score a triage against the ground truth ``files`` of
    :func:`vidlab.synth.seized.make_seized_device`.

    Returns a dict: ``share_pre_identified`` (known-good + known material found, over all
    files) and ``share_pre_identifiable`` (the same from the truth: known-good files and
    readable files of known series); ``known_good_precision/recall``; known-material matching
    ``known_precision``, ``known_recall`` (over readable files of known series),
    ``exact_recall`` (files whose hash is in the database), ``series_accuracy`` (matched
    series right); series clustering ``cluster_precision``, ``cluster_recall``,
    ``cluster_f1`` (pairwise, over the files of new series plus any file placed in a
    candidate series holding one; files outside candidate series count as singletons) and
    ``n_new_series`` / ``n_candidate_series``.

    With ``truth_series`` (the ground truth ``series`` of the same device: series_id, status,
    location_id, identified), scene links are scored too: each candidate series stands for
    the true series most of its files belong to; its link (``linked_series``, the best
    known series) is right when that known series was taken in the same room.
    ``link_precision`` = right links / links (1.0 without links), ``link_recall`` = candidate
    series of a new series with a right link / those whose room holds an identified known
    series (``n_linkable_series``; the database gives a place to identified series only),
    ``n_scene_links``.

    >>> import pandas as pd
    >>> files = pd.DataFrame({"path": ["a", "b", "c"], "status": ["known_good", "candidate",
    ...     "candidate"], "series_id": ["", "N01", "N01"]})
    >>> result = TriageResult(files, pd.DataFrame({"kind": ["new"]}), pd.DataFrame(), {}, None)
    >>> truth = pd.DataFrame({"path": ["a", "b", "c"], "category": ["system", "new_series",
    ...     "new_series"], "series_id": ["", "S1", "S1"], "in_known_files": [True, False, False],
    ...     "in_reference_db": [False] * 3, "readable": [True] * 3})
    >>> scores = evaluate_triage(result, truth)
    >>> scores["known_good_recall"], scores["cluster_precision"], scores["cluster_recall"]
    (1.0, 1.0, 1.0)
    """
    from vidlab.checks import require_columns
    from vidlab.metadata._common import pair_scores

    if not isinstance(result, TriageResult):
        raise InvalidParameterError(
            f"The 'result' parameter of evaluate_triage must be a TriageResult. "
            f"Got {type(result).__name__} instead.")
    require_columns(truth_files, ["path", "category", "series_id", "in_known_files",
                                  "in_reference_db", "readable"], "evaluate_triage",
                    "truth_files")
    truth = truth_files.set_index(truth_files["path"].astype(str))
    files = result.files.set_index(result.files["path"].astype(str))
    missing = sorted(set(truth.index) - set(files.index))
    if missing:
        raise InvalidParameterError(
            f"The 'truth_files' parameter of evaluate_triage names {len(missing)} files the "
            f"triage did not see, e.g. {missing[0]!r}: give the truth of the same device.")
    files = files.loc[truth.index]
    series_id = truth["series_id"].fillna("").astype(str)
    category = truth["category"].astype(str)
    known_ids = set(series_id[category.isin(["known_material", "variant_of_known"])
                              | truth["in_reference_db"].astype(bool)]) - {""}
    new_ids = set(series_id[category.isin(["new_series", "variant_of_new"])]) - {""} - known_ids
    readable = truth["readable"].astype(bool)
    status = files["status"]

    def ratio(a, b):
        return round(float(a) / float(b), 4) if b else 1.0

    good_true = truth["in_known_files"].astype(bool)
    good_pred = status == "known_good"
    known_true = series_id.isin(known_ids) & readable
    known_pred = status.isin(["known_exact", "known_perceptual"])
    exact_true = truth["in_reference_db"].astype(bool)
    tp = known_true & known_pred
    right_series = files["series_id"].astype(str) == series_id
    new_true = series_id.isin(new_ids)
    predicted = files["series_id"].where(status == "candidate", "").astype(str)
    with_new = set(predicted[new_true & (predicted != "")])
    universe = new_true | predicted.isin(with_new)
    solo = pd.Series([f"_{i}" for i in range(len(files))], index=files.index)
    pairs = pair_scores(predicted.where(predicted != "", solo)[universe].tolist(),
                        series_id.where(new_true, solo)[universe].tolist())
    n = len(files)
    links = {} if truth_series is None else _link_scores(result, truth, truth_series)
    return {
        "n_files": n,
        "share_pre_identified": ratio((good_pred | known_pred).sum(), n),
        "share_pre_identifiable": ratio((good_true | known_true).sum(), n),
        "known_good_precision": ratio((good_true & good_pred).sum(), good_pred.sum()),
        "known_good_recall": ratio((good_true & good_pred).sum(), good_true.sum()),
        "known_precision": ratio(tp.sum(), known_pred.sum()),
        "known_recall": ratio(tp.sum(), known_true.sum()),
        "exact_recall": ratio((exact_true & known_pred).sum(), exact_true.sum()),
        "series_accuracy": ratio((tp & right_series).sum(), tp.sum()),
        "cluster_precision": round(pairs["precision"], 4),
        "cluster_recall": round(pairs["recall"], 4),
        "cluster_f1": round(pairs["f1"], 4),
        "n_new_series": len(new_ids),
        "n_candidate_series": int(status.eq("candidate").groupby(files["series_id"]).any().sum()),
        "n_errors": int((status == "error").sum()),
        "n_unreadable_truth": int((~readable).sum()),
        **links,
    }


def _link_scores(result, truth, truth_series):
    from vidlab.checks import require_columns

    require_columns(truth_series, ["series_id", "status", "location_id", "identified"],
                    "evaluate_triage", "truth_series")
    series = result.series
    if "linked_series" not in series.columns:
        raise InvalidParameterError(
            "The 'result' of evaluate_triage has no scene links (a series table without "
            "'linked_series'): run triage with scene_linking=True.")
    where = dict(zip(truth_series["series_id"].astype(str),
                     truth_series["location_id"].astype(str), strict=True))
    new_ids = set(truth_series.loc[truth_series["status"] == "new", "series_id"].astype(str))
    placed = set(truth_series.loc[(truth_series["status"] == "known")
                                  & truth_series["identified"].astype(bool),
                                  "location_id"].astype(str))
    files = result.files[result.files["status"] == "candidate"]
    true_id = files["path"].astype(str).map(truth["series_id"].fillna("").astype(str))
    n_links = n_right = n_linkable = n_found = 0
    for row in series[series["kind"] == "new"].itertuples():
        members = true_id[files["series_id"] == row.series_id]
        members = members[members != ""]
        majority = members.value_counts().index[0] if len(members) else ""
        location = where.get(majority, "") if majority in new_ids else ""
        best = str(row.linked_series).split("; ")[0] if row.linked_series else ""
        right = bool(best) and location != "" and where.get(best) == location
        n_links += bool(best)
        n_right += right
        if location in placed:
            n_linkable += 1
            n_found += right
    return {"link_precision": round(n_right / n_links, 4) if n_links else 1.0,
            "link_recall": round(n_found / n_linkable, 4) if n_linkable else 1.0,
            "n_scene_links": n_links, "n_linkable_series": n_linkable}
