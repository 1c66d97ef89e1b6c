"""Victim identification: known material, series, and linking pictures to places.

- :mod:`~vidlab.victimid.database` - :class:`ReferenceDatabase`, the SQLite reference database
  of known series (identified or not, country, location, case), their media (cryptographic
  and perceptual hashes) and the links between series; VICS JSON import and export; hash
  sets and hash indexes for matching.

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
]
