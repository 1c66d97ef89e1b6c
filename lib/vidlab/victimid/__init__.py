"""Victim identification: known material, series, and linking pictures to places.

- :mod:`~vidlab.victimid.database` - :class:`ReferenceDatabase`, the SQLite reference database
  of known series (identified or not, country, location, case), their media (cryptographic
  and perceptual hashes) and the links between series; VICS JSON import and export; hash
  sets and hash indexes for matching.
- :mod:`~vidlab.victimid.scenes` - scene linking where perceptual hashes fail: ORB keypoints,
  RANSAC-verified matches between pictures of one room from other viewpoints
  (:func:`match_scenes`, :func:`link_scenes`), evaluated against ground truth.
- :mod:`~vidlab.victimid.clues` - location clues in the pictures (EAN-13 barcodes and their
  GS1 prefix, socket plug type, script, climate through the window), combined into a ranked
  list of candidate countries (:func:`series_clues`, :func:`rank_countries`), evaluated
  against ground truth.
- :mod:`~vidlab.victimid.triage` - :func:`triage` of a seized device (``vidlab triage``): set
  aside known-good files, match known material exactly and perceptually, group the rest into
  candidate series, rank them, and :func:`write_triage` the tables and an HTML report;
  :func:`evaluate_triage` against ground truth.

vidlab's victim-identification data are synthetic: generated pictures of rooms, objects,
patterns and text, never people.

>>> from vidlab.victimid import SCHEMA_VERSION, STATUSES
>>> SCHEMA_VERSION, STATUSES
(3, ('identified', 'unidentified'))
"""

from vidlab.victimid.clues import (
    evaluate_location_clues,
    plot_country_ranking,
    rank_countries,
    read_barcodes,
    series_clues,
)
from vidlab.victimid.database import (
    LINK_COLUMNS,
    LINK_KINDS,
    LOOKUP_COLUMNS,
    MEDIA_COLUMNS,
    MIGRATIONS,
    SCHEMA_VERSION,
    SERIES_COLUMNS,
    STATUSES,
    Migration,
    ReferenceDatabase,
)
from vidlab.victimid.scenes import (
    SceneFeatures,
    SceneMatch,
    choose_min_inliers,
    evaluate_scene_links,
    link_scenes,
    match_scenes,
    plot_scene_match,
    scene_features,
)
from vidlab.victimid.triage import (
    TriageResult,
    evaluate_triage,
    load_known_files,
    triage,
    write_triage,
)

__all__ = [
    "LINK_COLUMNS",
    "LINK_KINDS",
    "LOOKUP_COLUMNS",
    "MEDIA_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SERIES_COLUMNS",
    "STATUSES",
    "Migration",
    "ReferenceDatabase",
    "SceneFeatures",
    "SceneMatch",
    "TriageResult",
    "choose_min_inliers",
    "evaluate_location_clues",
    "evaluate_scene_links",
    "evaluate_triage",
    "link_scenes",
    "load_known_files",
    "match_scenes",
    "plot_country_ranking",
    "plot_scene_match",
    "rank_countries",
    "read_barcodes",
    "scene_features",
    "series_clues",
    "triage",
    "write_triage",
]
