"""An exact Hamming-distance index of perceptual hashes (radius and k-nearest search).

:class:`HashIndex` stores packed hashes of one width (64 bits for pHash/dHash/aHash, 256 for
PDQ) with an id each and answers two questions exactly: every stored hash within a radius
of a query (:meth:`HashIndex.search_radius`) and the ``k`` nearest stored hashes
(:meth:`HashIndex.search_knn`). Results are sorted by query, then distance, then insertion
order, so they are deterministic.

Searches use multi-index hashing (Norouzi, Punjani and Fleet, "Fast exact search in Hamming
space with multi-index hashing", 2014): the codes are cut into ``m`` byte-aligned
substrings, each with a table of rows by substring value; a hash within radius ``r`` of a
query matches one substring within ``r // m`` bits (a sharper pigeonhole bound is used), so
the query's substrings and their near variants are looked up, and the candidates verified
exactly with ``np.bitwise_count``. ``m`` is chosen per radius from a cost model; where that
predicts more work than a scan (large radii, small indexes) a chunked numpy linear scan runs
instead. A batch of queries is processed together. ``benchmarks/bench_index.py`` measures it
against faiss, a BK-tree and imagehash.

>>> index = HashIndex(64)
>>> index.add(["ffff0000ffff0000", "ffff0000ffff0001", "0000000000000000"], ids=["a", "b", "c"])
>>> qi, ids, dist = index.search_radius("ffff0000ffff0003", radius=2)
>>> qi.tolist(), ids.tolist(), dist.tolist()
([0, 0], ['b', 'a'], [1, 2])
>>> ids, dist = index.search_knn(["0000000000000001"], k=2)
>>> ids.tolist(), dist.tolist()
([['c', 'b']], [[1, 32]])
"""

import functools
import itertools
import math
import operator
from pathlib import Path

import numpy as np

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.value import HashValue, pack_hashes

__all__ = ["HashIndex"]

_FORMAT = "vidlab-hash-index"
_VERSION = 1
_METHODS = ("auto", "mih", "linear")


class HashIndex:
    """An exact index of ``nbits``-bit hashes, each with an integer or string id.

    Parameters
    ----------
    nbits : int
        Width of every hash: 64 (pHash, dHash, aHash) or 256 (PDQ); any positive multiple
        of 8 works.

    Memory per hash: the code (``nbits / 8`` bytes rounded up to a multiple of 8: 32 for
    PDQ, 8 for pHash), the id (8 bytes, or a Python string) and the multi-index tables that
    the first search builds: 4 bytes per substring (8 for 24- and 32-bit substrings) plus
    a 256 KiB offset table per 16-bit substring. Measured with 1M hashes and integer ids:
    108 bytes per 256-bit hash (16 substrings), 33 per 64-bit hash (4 substrings).
    :attr:`memory_bytes` reports the total held (string ids approximately). Tables for a
    second substring count are built only for a radius they make at least twice as fast.
    ``add`` discards the tables; the next search rebuilds them (~0.5 s per 1M hashes).

    >>> index = HashIndex(256)
    >>> len(index), index.nbits
    (0, 256)
    """

    def __init__(self, nbits):
        nbits = _as_int(nbits, "nbits")
        if nbits < 8 or nbits % 8:
            raise InvalidParameterError(
                f"The 'nbits' parameter of HashIndex must be a positive multiple of 8 "
                f"(64 or 256). Got {nbits} instead."
            )
        self.nbits = nbits
        self._nbytes = nbits // 8
        self._nwords = -(-self._nbytes // 8)
        self._words = np.zeros((0, self._nwords), dtype=np.uint64)
        self._ids = np.zeros(0, dtype=np.int64)
        self._id_kind = "int"
        self._tables = {}
        self._plans = {}
        self._default_m = None

    # ------------------------------------------------------------------ building
    def add(self, hashes, ids=None):
        """Add hashes (packed ``uint8 (n, nbits // 8)`` or an iterable of hex/HashValue).

        ``ids`` are integers or strings, one per hash; by default the running insertion
        number (0, 1, 2, ... continuing over several calls).

        >>> index = HashIndex(64)
        >>> index.add(np.zeros((3, 8), dtype=np.uint8))
        >>> index.add(["00000000000000ff"])
        >>> len(index), index.search_knn("00000000000000ff", k=1)[0].tolist()
        (4, [[3]])
        """
        packed = self._as_packed(hashes, "hashes")
        n = len(packed)
        if ids is None:
            if self._id_kind != "int":
                raise InvalidParameterError(
                    "The 'ids' parameter of HashIndex.add is required: this index has string "
                    "ids. Got None instead."
                )
            new_ids = np.arange(len(self), len(self) + n, dtype=np.int64)
            kind = "int"
        else:
            new_ids, kind = _as_ids(ids, n)
            if n == 0:
                return
            if len(self) and kind != self._id_kind:
                raise InvalidParameterError(
                    f"The 'ids' parameter of HashIndex.add must be {self._id_kind} ids like the "
                    f"ones already stored. Got {kind} ids instead."
                )
        if n == 0:
            return
        words = self._to_words(packed)
        if len(self) == 0:
            self._words, self._ids, self._id_kind = words, new_ids, kind
        else:
            self._words = np.concatenate([self._words, words])
            self._ids = np.concatenate([self._ids, new_ids])
        self._tables.clear()
        self._plans.clear()
        self._default_m = None

    def __len__(self):
        return len(self._words)

    def __repr__(self):
        return f"HashIndex(nbits={self.nbits}, n={len(self)})"

    @property
    def memory_bytes(self):
        """Bytes held by the codes, the ids and the multi-index tables built so far."""
        total = self._words.nbytes + self._ids.nbytes
        if self._id_kind == "str":
            total += sum(len(i) for i in self._ids) + 49 * len(self._ids)
        for table in self._tables.values():
            total += table.nbytes
        return total

    @property
    def packed(self):
        """The stored hashes as a packed ``uint8 (n, nbits // 8)`` array, in insertion order."""
        return self._words.view(np.uint8)[:, : self._nbytes]

    @property
    def ids(self):
        """The stored ids, in insertion order (``int64`` array or an object array of str)."""
        return self._ids.copy()

    # ------------------------------------------------------------------ searching
    def search_radius(self, queries, radius, *, method="auto"):
        """Return every stored hash within ``radius`` (inclusive) of each query.

        Parameters
        ----------
        queries : packed uint8 array, HashValue, hex string or an iterable of these
        radius : int in ``[0, nbits]``
        method : {"auto", "mih", "linear"}
            ``"auto"`` picks multi-index hashing or a linear scan by estimated cost; the
            others force one (both are exact).

        Returns
        -------
        (query_index, ids, distances) : flat arrays, sorted by query index, then distance,
        then insertion order.

        >>> index = HashIndex(64)
        >>> index.add(["0000000000000000", "000000000000000f", "00000000000000ff"])
        >>> qi, ids, dist = index.search_radius(["0000000000000001", "ff00000000000000"], 4)
        >>> qi.tolist(), ids.tolist(), dist.tolist()
        ([0, 0], [0, 1], [1, 3])
        """
        Q = self._as_words(queries)
        radius = _as_int(radius, "radius")
        if not 0 <= radius <= self.nbits:
            raise InvalidParameterError(
                f"The 'radius' parameter of search_radius must be an int in [0, {self.nbits}]. "
                f"Got {radius} instead."
            )
        method = _check_method(method)
        if len(Q) == 0 or len(self) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, self._ids[:0].copy(), empty.copy()
        qi, rows, dist = self._radius_rows(Q, radius, method)
        return qi, self._ids[rows], dist

    def search_knn(self, queries, k, *, method="auto"):
        """Return the ``k`` nearest stored hashes of each query, exactly.

        Ties are broken by insertion order. Rows are padded with id ``-1`` (``None`` for
        string ids) and distance ``-1`` when fewer than ``k`` hashes are stored.

        Returns
        -------
        (ids, distances) : arrays of shape ``(n_queries, k)``.

        >>> index = HashIndex(64)
        >>> index.add(["0000000000000003", "0000000000000001", "0000000000000002"])
        >>> ids, dist = index.search_knn("0000000000000000", k=4)
        >>> ids.tolist(), dist.tolist()
        ([[1, 2, 0, -1]], [[1, 1, 2, -1]])
        """
        Q = self._as_words(queries)
        k = _as_int(k, "k")
        if k < 1:
            raise InvalidParameterError(
                f"The 'k' parameter of search_knn must be an int >= 1. Got {k} instead."
            )
        method = _check_method(method)
        nq = len(Q)
        rows = np.full((nq, k), -1, dtype=np.int64)
        dist = np.full((nq, k), -1, dtype=np.int64)
        if nq and len(self):
            self._knn_rows(Q, k, method, rows, dist)
        if self._id_kind == "int":
            ids = np.where(rows >= 0, self._ids[np.maximum(rows, 0)] if len(self) else -1, -1)
        else:
            ids = np.full((nq, k), None, dtype=object)
            ok = rows >= 0
            ids[ok] = self._ids[rows[ok]]
        return ids, dist

    # ------------------------------------------------------------------ persistence
    def save(self, path):
        """Write the index to ``path`` (a ``.npz`` file; the name is used as given).

        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "index.npz"
        >>> index = HashIndex(64)
        >>> index.add(["00000000000000ff"], ids=["x"])
        >>> index.save(path)
        >>> HashIndex.load(path).search_knn("00000000000000fe", k=1)[0].tolist()
        [['x']]
        """
        ids = self._ids if self._id_kind == "int" else np.array(self._ids.tolist(), dtype=str)
        with open(path, "wb") as handle:
            np.savez(
                handle,
                format=np.array(_FORMAT),
                version=np.array(_VERSION),
                nbits=np.array(self.nbits),
                packed=np.ascontiguousarray(self.packed),
                ids=ids,
                id_kind=np.array(self._id_kind),
            )

    @classmethod
    def load(cls, path):
        """Read an index written by :meth:`save`; any other file raises one clear error."""
        path = Path(path)
        if not path.is_file():
            raise InvalidParameterError(
                f"The 'path' parameter of HashIndex.load must be an existing file. "
                f"Got {str(path)!r} instead."
            )
        try:
            with np.load(path, allow_pickle=False) as data:
                if str(data["format"]) != _FORMAT:
                    raise ValueError("not a vidlab hash index")
                if int(data["version"]) != _VERSION:
                    raise ValueError(f"unsupported version {int(data['version'])}")
                nbits = int(data["nbits"])
                packed = data["packed"]
                ids = data["ids"]
                kind = str(data["id_kind"])
        except (OSError, ValueError, KeyError, EOFError) as error:
            reason = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise InvalidParameterError(
                f"{str(path)!r} is not a hash index saved by HashIndex.save ({reason})."
            ) from None
        if kind not in ("int", "str") or packed.dtype != np.uint8 or len(ids) != len(packed):
            raise InvalidParameterError(
                f"{str(path)!r} is not a hash index saved by HashIndex.save (inconsistent arrays)."
            )
        index = cls(nbits)
        if len(packed):
            index.add(packed, ids=ids.astype(np.int64) if kind == "int" else ids.tolist())
        elif kind == "str":
            index._id_kind = "str"
            index._ids = np.zeros(0, dtype=object)
        return index

    # ------------------------------------------------------------------ internals
    def _as_packed(self, items, name):
        """Return ``items`` as a packed uint8 array ``(n, nbytes)``; a wrong width raises."""
        if isinstance(items, np.ndarray):
            if items.dtype != np.uint8:
                raise InvalidParameterError(
                    f"The '{name}' parameter must be a packed uint8 array, hex strings or "
                    f"HashValues. Got an array of {items.dtype} instead."
                )
            packed = items.reshape(1, -1) if items.ndim == 1 else items
        elif isinstance(items, (str, HashValue)) or hasattr(items, "hash"):
            packed = pack_hashes([items])
        else:
            try:
                items = list(items)
            except TypeError:
                raise InvalidParameterError(
                    f"The '{name}' parameter must be a packed uint8 array, hex strings or "
                    f"HashValues. Got {type(items).__name__} instead."
                ) from None
            if items and all(isinstance(i, np.ndarray) for i in items):
                packed = np.stack([self._as_packed(i, name)[0] for i in items])
            else:
                packed = pack_hashes(items)
            if len(items) == 0:
                packed = np.zeros((0, self._nbytes), dtype=np.uint8)
        if packed.ndim != 2 or packed.shape[1] != self._nbytes:
            width = 8 * packed.shape[-1] if packed.ndim else 0
            raise InvalidParameterError(
                f"The '{name}' parameter must hold {self.nbits}-bit hashes for this index. "
                f"Got {width}-bit hashes instead."
            )
        return packed

    def _to_words(self, packed):
        """Zero-pad rows to whole 64-bit words (distances do not change)."""
        out = np.zeros((len(packed), self._nwords * 8), dtype=np.uint8)
        out[:, : self._nbytes] = packed
        return out.view(np.uint64)

    def _as_words(self, queries):
        return self._to_words(self._as_packed(queries, "queries"))

    def _radius_rows(self, Q, radius, method):
        plan = self._plan(radius, method)
        if plan is None:
            return _linear_radius(self._words, Q, radius)
        parts = []
        for start in range(0, len(Q), plan.batch):
            block = Q[start : start + plan.batch]
            hits = self._mih_radius(block, radius, plan, allow_fallback=method == "auto")
            parts.append((hits[0] + start, hits[1], hits[2]))
        return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))

    def _knn_rows(self, Q, k, method, rows_out, dist_out):
        kk = min(k, len(self))
        pending = np.arange(len(Q))
        for radius in self._knn_radii(method):
            plan = self._plan(radius, "mih", new_tables=False)
            for start in range(0, len(pending), plan.batch):
                block = pending[start : start + plan.batch]
                qi, rows, dist = self._mih_radius(Q[block], radius, plan, allow_fallback=False)
                counts = np.bincount(qi, minlength=len(block))
                done = counts[qi] >= kk
                _fill_topk(block[qi[done]], rows[done], dist[done], kk, rows_out, dist_out)
            pending = pending[dist_out[pending, kk - 1] < 0]
            if len(pending) == 0:
                return
        if len(pending):
            sub_rows = np.full((len(pending), rows_out.shape[1]), -1, dtype=np.int64)
            sub_dist = sub_rows.copy()
            _linear_knn(self._words, Q[pending], k, sub_rows, sub_dist)
            rows_out[pending], dist_out[pending] = sub_rows, sub_dist

    # --------------------------------------------------------- multi-index hashing
    def _plan(self, radius, method, new_tables=True):
        """The multi-index plan for ``radius``, or None for a linear scan (``"auto"``).

        Memory rule: every search uses the substrings already built (at first the default
        ones, best for radius ``nbits // 8``) unless the best substrings for this radius
        are estimated to be at least twice as fast (and ``new_tables``).
        """
        if method == "linear":
            return None
        key = (radius, method, new_tables, tuple(sorted(self._tables)))
        if key not in self._plans:
            n = len(self)
            if self._default_m is None:
                self._default_m = _best_plan(self._nbytes, self._nwords, n, self.nbits // 8).m
            plan = min(
                (_plan_m(self._nbytes, n, radius, m) for m in {self._default_m, *self._tables}),
                key=lambda p: p.cost,
            )
            if new_tables:
                best = _best_plan(self._nbytes, self._nwords, n, radius)
                if best.cost < plan.cost / 2:
                    plan = best
            if method == "auto" and plan.cost >= _COST_LINEAR * n * self._nwords:
                plan = None
            self._plans[key] = plan
        return self._plans[key]

    def _knn_radii(self, method):
        """Increasing radii for k-nearest search by multi-index hashing (existing tables).

        ``"mih"``: each radius about twice as costly as the last, up to ``nbits`` (or as far
        as the substrings can enumerate; a linear scan finishes the rest). ``"auto"``:
        four times, while a radius costs at most a quarter of a linear scan, which then
        finishes the queries still short of ``k`` hits (so at most ~1/3 scan is wasted).
        """
        if method == "linear":
            return []
        growth, limit = 2.0, math.inf
        if method == "auto":
            growth, limit = 4.0, _COST_LINEAR * len(self) * self._nwords / 4
        costs = []
        for radius in range(self.nbits + 1):
            cost = self._plan(radius, "mih", new_tables=False).cost
            if cost > limit or cost == math.inf:  # too many probes: the scan finishes
                break
            costs.append(cost)
        radii, radius = [], 0
        while radius < len(costs):
            base = costs[radius]
            while radius + 1 < len(costs) and costs[radius + 1] <= growth * base:
                radius += 1
            radii.append(radius)
            radius += 1
        return radii

    def _table(self, plan):
        if plan.m not in self._tables:
            self._tables[plan.m] = _Tables(self._words.view(np.uint8), plan.slices)
        return self._tables[plan.m]

    def _mih_radius(self, Q, radius, plan, allow_fallback):
        """Exact radius search of one batch of queries with the plan's substrings."""
        table = self._table(plan)
        Qb = Q.view(np.uint8)
        nq = len(Q)
        looked_up, total = [], 0
        for part, (start, width), sub_radius in zip(
            table.parts, plan.slices, plan.radii, strict=True
        ):
            if sub_radius < 0:
                continue
            masks = _masks(8 * width, sub_radius)
            probes = (_keys(Qb, start, width)[:, None] ^ masks[None, :]).ravel()
            lo, hi = part.lookup(probes)
            lens = hi - lo
            total += int(lens.sum())
            looked_up.append((part.order, lo, lens, len(masks)))
        if allow_fallback and total > plan.max_candidates * nq:
            return _linear_radius(self._words, Q, radius)
        cand_q = np.empty(total, dtype=np.intp)
        cand_rows = np.empty(total, dtype=np.intp)  # take() is 4x slower with int32
        at = 0
        for order, lo, lens, nprobes in looked_up:
            count = int(lens.sum())
            if count == 0:
                continue
            per_query = lens.reshape(nq, nprobes).sum(axis=1)
            cand_q[at : at + count] = np.repeat(np.arange(nq, dtype=cand_q.dtype), per_query)
            ends = np.cumsum(lens)
            shift = np.repeat(lo - (ends - lens), lens)
            shift += np.arange(count, dtype=shift.dtype)
            cand_rows[at : at + count] = order[shift]
            at += count
        dist = _row_distances(self._words, cand_rows, Q, cand_q)
        keep = np.flatnonzero(dist <= radius)
        n = len(self)
        key = (cand_q[keep].astype(np.int64) * (self.nbits + 1) + dist[keep]) * n
        key += cand_rows[keep]
        key = np.unique(key)
        rows = key % n
        key //= n
        return key // (self.nbits + 1), rows, key % (self.nbits + 1)


# ---------------------------------------------------------------------- linear scan
_SCAN_QUERIES = 16  # queries per pass over the stored rows
_SCAN_ROWS = 16384  # stored rows per chunk: the temporaries stay in cache


def _distance_chunks(words, Q):
    """Yield ``(start, d)``: uint16 distances ``(len(Q), m)`` of ``Q`` to ``words[start:]``."""
    n, nwords = words.shape
    rows = min(_SCAN_ROWS, n)
    xor = np.empty((len(Q), rows), dtype=np.uint64)
    counts = np.empty((len(Q), rows), dtype=np.uint8)
    dist = np.empty((len(Q), rows), dtype=np.uint16)
    for start in range(0, n, rows):
        chunk = words[start : start + rows]
        m = len(chunk)
        x, c, d = xor[:, :m], counts[:, :m], dist[:, :m]
        for w in range(nwords):
            np.bitwise_xor(chunk[:, w][None, :], Q[:, w][:, None], out=x)
            np.bitwise_count(x, out=c)
            if w == 0:
                d[...] = c
            else:
                d += c
        yield start, d


def _linear_radius(words, Q, radius):
    parts = []
    for first in range(0, len(Q), _SCAN_QUERIES):
        for start, d in _distance_chunks(words, Q[first : first + _SCAN_QUERIES]):
            hits = np.flatnonzero(d <= radius)  # 1-D: much faster than a 2-D nonzero
            if len(hits):
                qi, rows = np.divmod(hits, d.shape[1])
                parts.append((qi + first, rows + start, d[qi, rows].astype(np.int64)))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), empty.copy()
    qi, rows, dist = (np.concatenate([p[i] for p in parts]) for i in range(3))
    return _sort_hits(qi, rows, dist)


def _sort_hits(qi, rows, dist):
    order = np.lexsort((rows, dist, qi))
    return qi[order].astype(np.int64), rows[order].astype(np.int64), dist[order]


def _linear_knn(words, Q, k, rows_out, dist_out):
    """Exact k-nearest by a scan that keeps, per query, only rows that can still be among
    the ``k`` nearest: after each chunk the bound drops to the current k-th distance."""
    n, nbins = len(words), 64 * words.shape[1] + 1
    kk = min(k, n)
    for first in range(0, len(Q), _SCAN_QUERIES):
        block = Q[first : first + _SCAN_QUERIES]
        nq = len(block)
        bound = np.full((nq, 1), nbins - 1, dtype=np.uint16)
        kept = (np.zeros(0, dtype=np.intp),) * 2 + (np.zeros(0, dtype=np.int64),)
        for start, d in _distance_chunks(words, block):
            hits = np.flatnonzero(d <= bound)
            qi, rows = np.divmod(hits, d.shape[1])
            found = (qi, rows + start, d[qi, rows].astype(np.int64))
            merged = [np.concatenate([a, b]) for a, b in zip(kept, found, strict=True)]
            order = np.argsort(merged[0], kind="stable")  # by query, then row
            kept, kth = _keep_nearest(*(m[order] for m in merged), nq, kk, nbins)
            bound[:, 0] = kth
        _fill_topk(kept[0] + first, kept[1], kept[2], kk, rows_out, dist_out)


def _keep_nearest(qi, rows, dist, nq, k, nbins):
    """Keep each query's ``k`` nearest hits (ties: lowest rows); hits sorted by query, row.

    Returns the kept hits and each query's k-th distance (``nbins - 1`` if fewer than k)."""
    hist = np.bincount(qi * nbins + dist, minlength=nq * nbins).reshape(nq, nbins)
    below = np.cumsum(hist, axis=1)
    full = below[:, -1] >= k
    kth = np.where(full, np.argmax(below >= k, axis=1), nbins - 1)
    need = k - np.where(kth > 0, below[np.arange(nq), kth - 1], 0)  # rows wanted at kth
    tie = dist == kth[qi]
    seen = np.cumsum(tie)
    first_hit = np.searchsorted(qi, qi)
    rank = seen - seen[first_hit] + tie[first_hit] - 1
    keep = (dist < kth[qi]) | (tie & (rank < need[qi]))
    return (qi[keep], rows[keep], dist[keep]), kth


def _fill_topk(qi, rows, dist, k, rows_out, dist_out):
    """Write the first ``k`` hits of each query (by distance, then row) into the outputs."""
    qi, rows, dist = _sort_hits(qi, rows, dist)
    if len(qi) == 0:
        return
    first = np.r_[0, np.flatnonzero(np.diff(qi)) + 1]
    counts = np.diff(np.r_[first, len(qi)])
    rank = np.arange(len(qi)) - np.repeat(first, counts)
    keep = rank < k
    rows_out[qi[keep], rank[keep]] = rows[keep]
    dist_out[qi[keep], rank[keep]] = dist[keep]


# ---------------------------------------------------------------------- MIH plans
# Cost model, in nanoseconds per query, measured with numpy 2.4 on a 2-core x86-64 VM (see
# benchmarks/bench_index.py). Only the ratios matter: they pick the substrings and the
# crossover to the linear scan.
_COST_LINEAR = 1.6  # per stored row and 64-bit word, linear scan
_COST_PROBE_CSR = 15.0  # per probe of a bucket offset table (substrings of <= 16 bits)
_COST_PROBE_SORTED = 400.0  # per probe by binary search (substrings of 24 or 32 bits)
_COST_CANDIDATE = 40.0  # per candidate: expand, gather, verify
_COST_SUBSTRING = 1500.0  # per probed substring: numpy call overhead amortised over a batch
_MAX_PROBES = 50_000  # per substring and query
_CSR_MAX_BITS = 16
_BATCH_PROBES = 1 << 16  # per batch of queries: small enough to stay in cache
_BATCH_CANDIDATES = 1 << 18


class _Plan:
    """Which substrings to probe at which radius, the estimated cost per query (ns), the
    expected candidates per query (random data) and the number of queries per batch."""

    __slots__ = ("m", "slices", "radii", "cost", "candidates", "batch", "max_candidates")

    def __init__(self, m, widths, radii, cost, candidates, n, nbytes):
        starts = np.cumsum([0] + widths[:-1]).tolist()
        self.m, self.slices, self.radii = m, tuple(zip(starts, widths, strict=True)), radii
        self.cost, self.candidates = cost, candidates
        if cost == math.inf:
            self.batch = self.max_candidates = 0
            return
        probes = sum(_volume(8 * w, r) for w, r in zip(widths, radii, strict=True))
        batch = min(
            _BATCH_PROBES // max(probes, 1),
            _BATCH_CANDIDATES // max(int(candidates), 1),
            2**62 // ((8 * nbytes + 1) * max(n, 1)),  # result keys fit in int64
        )
        self.batch = max(batch, 1)
        linear = _COST_LINEAR * n * -(-nbytes // 8)
        self.max_candidates = max(linear / _COST_CANDIDATE, 4 * candidates)


@functools.lru_cache(maxsize=4096)
def _volume(bits, radius):
    """Number of ``bits``-bit strings within Hamming distance ``radius`` of a given one."""
    return sum(math.comb(bits, c) for c in range(min(radius, bits) + 1)) if radius >= 0 else 0


def _substring_cost(bits, radius, n):
    """(estimated ns per query, expected candidates) of probing one substring (random data)."""
    volume = _volume(bits, radius)
    if volume == 0:
        return 0.0, 0.0
    if volume > _MAX_PROBES:
        return math.inf, math.inf
    probe = _COST_PROBE_CSR if bits <= _CSR_MAX_BITS else _COST_PROBE_SORTED
    candidates = volume * n / 2.0**bits
    return _COST_SUBSTRING + volume * probe + candidates * _COST_CANDIDATE, candidates


def _plan_m(nbytes, n, radius, m):
    """The plan for ``radius`` with ``m`` byte-aligned substrings (8 to 32 bits each).

    With ``radius = q * m + a`` (``0 <= a < m``), a hash within ``radius`` has one of any
    chosen ``a + 1`` substrings within ``q`` of the query's, or one of the other substrings
    within ``q - 1`` (generalised pigeonhole, Norouzi et al. 2014). The ``a + 1`` substrings
    probed at ``q`` are the ones whose extra cost is smallest.
    """
    q, a = divmod(radius, m)
    base, extra = divmod(nbytes, m)
    # at most two widths: `extra` substrings of base + 1 bytes first, then base bytes
    groups = [(base + 1, extra), (base, m - extra)] if extra else [(base, m)]
    options = []
    for width, count in groups:
        low, high = _substring_cost(8 * width, q - 1, n), _substring_cost(8 * width, q, n)
        options.append((high[0] - low[0], width, count, low, high))
    cost, candidates, left = 0.0, 0.0, a + 1
    widths, radii = [], {}
    for _, width, count, low, high in sorted(options, key=lambda o: (o[0], -o[1])):
        up = min(count, left)
        left -= up
        radii[width] = [q] * up + [q - 1] * (count - up)
        for times, (c, k) in ((up, high), (count - up, low)):
            if times:  # (0 * inf would be nan)
                cost += times * c
                candidates += times * k
    widths = [width for width, count in groups for _ in range(count)]
    radii = [r for width, _ in groups for r in radii[width]]
    return _Plan(m, widths, radii, cost, candidates, n, nbytes)


def _best_plan(nbytes, nwords, n, radius):
    """The cheapest plan for ``radius`` over every number of substrings."""
    plans = (_plan_m(nbytes, n, radius, m) for m in range(-(-nbytes // 4), nbytes + 1))
    return min(plans, key=lambda plan: plan.cost)


class _Part:
    """The lookup table of one substring: rows sorted by substring value."""

    __slots__ = ("order", "offsets", "sorted_keys")

    def __init__(self, keys, bits):
        self.order = np.argsort(keys, kind="stable").astype(
            np.int32 if len(keys) < 2**31 else np.int64
        )
        if bits <= _CSR_MAX_BITS:
            self.offsets = np.zeros((1 << bits) + 1, dtype=self.order.dtype)
            np.cumsum(np.bincount(keys, minlength=1 << bits), out=self.offsets[1:])
            self.sorted_keys = None
        else:
            self.offsets = None
            self.sorted_keys = keys[self.order]

    @property
    def nbytes(self):
        table = self.offsets if self.offsets is not None else self.sorted_keys
        return self.order.nbytes + table.nbytes

    def lookup(self, probes):
        """``(lo, hi)``: the probes' buckets are ``order[lo:hi]``."""
        if self.offsets is not None:
            return self.offsets[probes], self.offsets[probes + 1]
        keys = self.sorted_keys
        return np.searchsorted(keys, probes, "left"), np.searchsorted(keys, probes, "right")


class _Tables:
    """One :class:`_Part` per substring of a plan (built on first use, cached)."""

    def __init__(self, bytes_view, slices):
        self.parts = [_Part(_keys(bytes_view, start, width), 8 * width) for start, width in slices]
        self.order_dtype = self.parts[0].order.dtype

    @property
    def nbytes(self):
        return sum(part.nbytes for part in self.parts)


def _keys(bytes_view, start, width):
    """The substring ``bytes[start:start + width]`` of every row as a big-endian integer
    (uint8, uint16 or uint32)."""
    if width == 1:
        return bytes_view[:, start].copy()
    if width == 2:  # uint16 keys: a stable argsort of them is a radix sort
        return (bytes_view[:, start].astype(np.uint16) << 8) | bytes_view[:, start + 1]
    keys = bytes_view[:, start].astype(np.uint32)
    for j in range(1, width):
        keys <<= 8
        keys |= bytes_view[:, start + j]
    return keys


_MASKS = {}


def _masks(bits, radius):
    """All ``bits``-bit values with at most ``radius`` bits set (uint32, cached)."""
    key = (bits, radius)
    if key not in _MASKS:
        if bits <= 16:
            values = np.arange(1 << bits, dtype=np.uint32)
            values = values[np.bitwise_count(values) <= radius]
        else:
            groups = [np.zeros(1, dtype=np.uint32)]
            powers = np.uint32(1) << np.arange(bits, dtype=np.uint32)
            for count in range(1, min(radius, bits) + 1):
                combos = np.array(list(itertools.combinations(range(bits), count)))
                groups.append(np.bitwise_or.reduce(powers[combos], axis=1))
            values = np.concatenate(groups)
        _MASKS[key] = values
    return _MASKS[key]


def _row_distances(words, rows, Q, qidx):
    """Hamming distances between ``words[rows]`` and ``Q[qidx]`` (uint16).

    ``np.take(axis=0)`` and a sum of columns: both several times faster than fancy indexing
    and ``sum(axis=1)`` on narrow 2-D arrays.
    """
    x = np.take(words, rows, axis=0)
    x ^= np.take(Q, qidx, axis=0)
    counts = np.bitwise_count(x)
    dist = counts[:, 0].astype(np.uint16)
    for w in range(1, counts.shape[1]):
        dist += counts[:, w]
    return dist


# ---------------------------------------------------------------------- helpers
def _as_int(value, name):
    if isinstance(value, (bool, np.bool_)):
        raise InvalidParameterError(
            f"The '{name}' parameter must be an int. Got {value!r} instead."
        )
    try:
        return operator.index(value)
    except TypeError:
        raise InvalidParameterError(
            f"The '{name}' parameter must be an int. Got {value!r} instead."
        ) from None


def _check_method(method):
    if method not in _METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter must be one of {', '.join(_METHODS)}. Got {method!r} instead."
        )
    return method


def _as_ids(ids, n):
    """Return (ids array, kind) where kind is "int" or "str"."""
    if isinstance(ids, (str, bytes)):
        raise InvalidParameterError(
            f"The 'ids' parameter of HashIndex.add must be an array-like of ids. Got {ids!r}."
        )
    values = list(ids) if not isinstance(ids, np.ndarray) else ids
    if len(values) != n:
        raise InvalidParameterError(
            f"The 'ids' parameter of HashIndex.add must have one id per hash ({n}). "
            f"Got {len(values)} instead."
        )
    array = np.asarray(values)
    if array.ndim != 1 and n:
        raise InvalidParameterError("The 'ids' parameter of HashIndex.add must be 1-dimensional.")
    if n == 0 or np.issubdtype(array.dtype, np.integer):
        return array.astype(np.int64), "int"
    if all(isinstance(v, (str, np.str_)) for v in values):
        out = np.empty(n, dtype=object)
        out[:] = [str(v) for v in values]
        return out, "str"
    raise InvalidParameterError(
        "The 'ids' parameter of HashIndex.add must hold only ints or only strings. "
        f"Got {array.dtype} values instead."
    )
