"""Hashing: exact and perceptual hashes of files, images and videos, and matching them.

- :mod:`~vidlab.hashing.crypto` - MD5, SHA-1, SHA-256 of files; manifests;
- :mod:`~vidlab.hashing.value` - :class:`HashValue`, the one value type of every perceptual
  hash (hex, ``a - b`` = Hamming distance, packed numpy arrays for bulk work);
- :mod:`~vidlab.hashing.images` - safe image decoding with one-line reasons for bad files;
- :mod:`~vidlab.hashing.perceptual` - aHash, dHash, pHash (imagehash's bits, faster);
- :mod:`~vidlab.hashing.pdq` - PDQ, its quality and its 8 dihedral hashes;
- :mod:`~vidlab.hashing.video` - frame sampling, per-frame PDQ and vPDQ matching;
- :mod:`~vidlab.hashing.table` - the ``vidlab hash`` table: every algorithm, one row per file;
- :mod:`~vidlab.hashing.index` - :class:`HashIndex`, exact radius and k-nearest search;
- :mod:`~vidlab.hashing.hashsets` and :mod:`~vidlab.hashing.matching` - known-material hash
  sets (CSV, VICS JSON) and matching a hash table against them;
- :mod:`~vidlab.hashing.evaluate` and :mod:`~vidlab.hashing.plots` - robustness, ROC,
  thresholds and pictures for lessons.

>>> from vidlab.hashing import ALGORITHMS, HashValue
>>> ALGORITHMS
('md5', 'sha1', 'sha256')
>>> HashValue.from_hex("ff00ff00ff00ff00") - HashValue.from_hex("ff00ff00ff00ff01")
1
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
from vidlab.hashing.index import HashIndex
from vidlab.hashing.table import hash_table
from vidlab.hashing.value import HashValue, hamming_distances, pack_hashes, unpack_hex

__all__ = [
    "ALGORITHMS",
    "HashIndex",
    "HashValue",
    "ManifestReport",
    "duplicate_groups",
    "hamming_distances",
    "hash_file",
    "hash_files",
    "hash_table",
    "iter_files",
    "pack_hashes",
    "parse_algorithms",
    "read_manifest",
    "unpack_hex",
    "verify_manifest",
    "write_manifest",
]
