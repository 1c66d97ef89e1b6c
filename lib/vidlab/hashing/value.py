"""One value type for every perceptual hash, and the packed-array form for bulk work.

A :class:`HashValue` is a fixed number of bits (64 for aHash, dHash and pHash, 256 for
PDQ) with the algorithm that made it. Its hex string reads most significant bit first,
exactly as imagehash and the PDQ reference print their hashes, so hex strings from either
round-trip unchanged. ``a - b`` is the Hamming distance.

For many hashes at once use a *packed array*: ``numpy.uint8`` of shape ``(n, nbits // 8)``,
one row per hash, bytes in hex order. :func:`pack_hashes` builds one from hex strings or
values, :func:`unpack_hex` turns it back into hex and :func:`hamming_distances` compares a
hash with every row.

>>> a = HashValue.from_hex("ffff0000ffff0000", "phash")
>>> b = HashValue.from_hex("ffff0000ffff0001", "phash")
>>> a - b, str(a), a.nbits
(1, 'ffff0000ffff0000', 64)
>>> packed = pack_hashes([a, b, "0000000000000000"])
>>> packed.shape, hamming_distances(a, packed).tolist()
((3, 8), [0, 1, 32])
>>> unpack_hex(packed)[1]
'ffff0000ffff0001'
"""

import numpy as np

from vidlab.exceptions import InvalidParameterError

__all__ = ["HashValue", "hamming_distances", "pack_hashes", "unpack_hex"]


class HashValue:
    """An immutable perceptual hash: packed bits (MSB first) plus its algorithm's name.

    >>> h = HashValue.from_bits([1, 0, 1, 1] + [0] * 60, "dhash")
    >>> h.hex, h.bits[:4].tolist(), h == HashValue.from_hex(h.hex, "dhash")
    ('b000000000000000', [True, False, True, True], True)
    >>> h - HashValue.from_hex("b000000000000000")
    0
    """

    __slots__ = ("_bytes", "algorithm")

    def __init__(self, packed, algorithm=None):
        packed = bytes(packed)
        if not packed:
            raise InvalidParameterError("A hash must have at least one byte.")
        object.__setattr__(self, "_bytes", packed)
        object.__setattr__(self, "algorithm", algorithm)

    def __setattr__(self, name, value):
        raise AttributeError("HashValue is immutable")

    def __reduce__(self):  # picklable, so worker processes can return hashes
        return (HashValue, (self._bytes, self.algorithm))

    @classmethod
    def from_hex(cls, text, algorithm=None):
        """Parse a hex string (any case, even length); a bad string raises one clear error."""
        text = str(text).strip().lower()
        try:
            if not text or len(text) % 2:
                raise ValueError
            return cls(bytes.fromhex(text), algorithm)
        except ValueError:
            raise InvalidParameterError(
                f"{text[:80]!r} is not a hash: expected an even number of hex digits, such as "
                "'ffd8e0c0c0c0c0c0'."
            ) from None

    @classmethod
    def from_bits(cls, bits, algorithm=None):
        """Build a hash from booleans, most significant bit first (a multiple of 8 of them)."""
        bits = np.asarray(bits, dtype=bool).ravel()
        if bits.size == 0 or bits.size % 8:
            raise InvalidParameterError(
                f"A hash needs a multiple of 8 bits; got {bits.size}."
            )
        return cls(np.packbits(bits).tobytes(), algorithm)

    @property
    def hex(self):
        """The hash as lower-case hex, most significant bit first."""
        return self._bytes.hex()

    @property
    def nbits(self):
        """The number of bits (64 or 256 for the built-in algorithms)."""
        return 8 * len(self._bytes)

    @property
    def bits(self):
        """The bits as a boolean numpy array, most significant first."""
        return np.unpackbits(np.frombuffer(self._bytes, dtype=np.uint8)).astype(bool)

    def to_array(self):
        """The packed bytes as a ``numpy.uint8`` array (one row of a packed array)."""
        return np.frombuffer(self._bytes, dtype=np.uint8).copy()

    def __bytes__(self):
        return self._bytes

    def __str__(self):
        return self.hex

    def __repr__(self):
        name = f", {self.algorithm!r}" if self.algorithm else ""
        return f"HashValue({self.hex!r}{name})"

    def __eq__(self, other):
        if isinstance(other, HashValue):
            return self._bytes == other._bytes
        return NotImplemented

    def __hash__(self):
        return hash(self._bytes)

    def __sub__(self, other):
        other = _as_value(other)
        if len(other._bytes) != len(self._bytes):
            raise InvalidParameterError(
                f"Cannot compare a {self.nbits}-bit hash with a {other.nbits}-bit hash."
            )
        xor = np.bitwise_xor(self.to_array(), other.to_array())
        return int(np.bitwise_count(xor).sum())

    def __len__(self):
        return self.nbits


def _as_value(item):
    if isinstance(item, HashValue):
        return item
    if isinstance(item, str):
        return HashValue.from_hex(item)
    if hasattr(item, "hash") and hasattr(item.hash, "shape"):  # an imagehash.ImageHash
        return HashValue.from_bits(item.hash)
    raise InvalidParameterError(f"Expected a HashValue or a hex string, got {type(item).__name__}.")


def pack_hashes(items):
    """Return the packed ``uint8`` array ``(n, nbytes)`` of hex strings, values or imagehashes.

    All hashes must have the same length; an empty input gives shape ``(0, 0)``.
    """
    values = [_as_value(item) for item in items]
    if not values:
        return np.zeros((0, 0), dtype=np.uint8)
    sizes = {len(bytes(value)) for value in values}
    if len(sizes) != 1:
        raise InvalidParameterError(
            f"All hashes must have the same length; got {sorted(8 * s for s in sizes)} bits."
        )
    return np.frombuffer(b"".join(bytes(value) for value in values), dtype=np.uint8).reshape(
        len(values), sizes.pop()
    )


def unpack_hex(packed):
    """Return the hex strings of the rows of a packed array."""
    packed = np.ascontiguousarray(packed, dtype=np.uint8)
    return [row.tobytes().hex() for row in packed]


def hamming_distances(query, packed):
    """Return the Hamming distance from ``query`` to every row of ``packed`` (int array)."""
    row = _as_value(query).to_array() if not isinstance(query, np.ndarray) else query
    packed = np.asarray(packed, dtype=np.uint8)
    if packed.ndim != 2 or packed.shape[1] != row.size:
        raise InvalidParameterError(
            f"Cannot compare a {8 * row.size}-bit hash with rows of {8 * packed.shape[-1]} bits."
        )
    return np.bitwise_count(np.bitwise_xor(packed, row)).sum(axis=1, dtype=np.int64)
