"""Hashing: cryptographic file hashes and manifests (:mod:`vidlab.hashing.crypto`).

Perceptual, PDQ and video hashes, the hash index and hash sets live in sibling modules.

>>> from vidlab.hashing import ALGORITHMS
>>> ALGORITHMS
('md5', 'sha1', 'sha256')
"""

from vidlab.hashing.crypto import (
    ALGORITHMS,
    ManifestReport,
    duplicate_groups,
    hash_file,
    hash_files,
    iter_files,
    parse_algorithms,
    read_manifest,
    verify_manifest,
    write_manifest,
)

__all__ = [
    "ALGORITHMS",
    "ManifestReport",
    "duplicate_groups",
    "hash_file",
    "hash_files",
    "iter_files",
    "parse_algorithms",
    "read_manifest",
    "verify_manifest",
    "write_manifest",
]
