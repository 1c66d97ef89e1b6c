"""Metadata of images and videos: EXIF, QuickTime and file-system times, one row per file.

:func:`read_metadata` builds the metadata table (columns :data:`METADATA_COLUMNS`) from
files and folders; :func:`metadata_for_output` prepares it for CSV or parquet and
:func:`load_metadata` reads it back. :mod:`vidlab.metadata.exif` is the EXIF parser
underneath.

>>> from vidlab.metadata import METADATA_COLUMNS
>>> METADATA_COLUMNS[:4]
('path', 'media', 'format', 'size_bytes')
"""

from vidlab.metadata.reader import (
    METADATA_COLUMNS,
    METADATA_DTYPES,
    load_metadata,
    metadata_for_output,
    read_metadata,
)

__all__ = [
    "METADATA_COLUMNS",
    "METADATA_DTYPES",
    "load_metadata",
    "metadata_for_output",
    "read_metadata",
]
