"""Victim identification: known material, series, and linking pictures to places.

- :mod:`~vidlab.victimid.database` - :class:`ReferenceDatabase`, the SQLite reference database
  of known series (identified or not, country, location, case), their media (cryptographic
  and perceptual hashes) and the links between series; VICS JSON import and export; hash
  sets and hash indexes for matching.
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
    "TriageResult",
    "evaluate_triage",
    "load_known_files",
    "triage",
    "write_triage",
]
