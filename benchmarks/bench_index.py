"""Benchmark vidlab's HashIndex against faiss, a BK-tree and a Python loop over imagehash.

Exact near-duplicate search in Hamming space. For each dataset the same queries go to:

- ``vidlab auto``: :class:`vidlab.hashing.index.HashIndex` (multi-index hashing, or a linear
  scan when that is cheaper);
- ``vidlab linear``: the same index forced to its numpy linear scan (the exact reference);
- ``faiss flat``: ``faiss.IndexBinaryFlat.range_search`` (radius + 1: faiss's is strict),
  the anchor, with its default OpenMP threads and with one thread; ratios are to the faster
  of the two (on a busy 2-core machine OpenMP's second thread can make it slower);
- ``bktree``: ``pybktree`` on Python ints, on a subset (``--bktree-n``), vidlab and faiss
  re-run on the same subset;
- ``imagehash``: ``[q - h for h in hashes]`` over ``imagehash.ImageHash`` objects, on a
  smaller subset (``--imagehash-n``), likewise.

Datasets: uniformly random hashes (the worst case for an index) and *clustered* ones
(``n / 100`` cluster centres, each stored with ~100 near-duplicates at a few random bit
flips; queries are fresh near-duplicates of stored centres), for 256-bit (PDQ) and 64-bit
(pHash) codes. Recall is checked against the linear scan (exact: 1.0 and no extra hit).
Prints: method, n, radius, ms/query, ratio vs faiss (lower is faster), recall.

    python benchmarks/bench_index.py            # 1M hashes: a few minutes
    python benchmarks/bench_index.py --quick    # 100k hashes: under a minute
"""

import argparse
import sys
import time

import numpy as np

from vidlab.hashing.index import HashIndex

try:
    import faiss
except ImportError:  # pragma: no cover - the benchmark extra installs it
    faiss = None


def random_hashes(rng, n, nbits):
    return rng.integers(0, 256, size=(n, nbits // 8), dtype=np.uint8)


def flip(rng, packed, max_flips):
    """Copies of ``packed`` with 0..max_flips distinct random bits flipped per row."""
    n, nbytes = packed.shape
    nbits = 8 * nbytes
    flips = rng.integers(0, max_flips + 1, size=n)
    # distinct positions: the first `flips` entries of a random ordering of the bits
    positions = np.argsort(rng.random((n, nbits)), axis=1)[:, :max_flips]
    mask = np.zeros((n, nbits), dtype=bool)
    use = np.arange(max_flips)[None, :] < flips[:, None]
    mask[np.repeat(np.arange(n), max_flips)[use.ravel()], positions[use]] = True
    return packed ^ np.packbits(mask, axis=1)


def clustered_hashes(rng, n, nbits, max_flips):
    centres = random_hashes(rng, max(1, n // 100), nbits)
    stored = np.empty((n, nbits // 8), dtype=np.uint8)
    for start in range(0, n, 100_000):  # in blocks: flip() holds (rows, nbits) floats
        members = rng.integers(0, len(centres), size=min(100_000, n - start))
        stored[start : start + len(members)] = flip(rng, centres[members], max_flips)
    return stored, centres


def make_dataset(kind, n, nbits, nq, seed):
    rng = np.random.default_rng(seed)
    max_flips = nbits // 10  # 25 bits of 256, 6 of 64: typical near-duplicate distances
    if kind == "random":
        stored = random_hashes(rng, n, nbits)
        half = nq // 2  # half near copies of stored hashes, half unrelated hashes
        queries = np.concatenate([
            flip(rng, stored[rng.integers(0, n, size=half)], max_flips),
            random_hashes(rng, nq - half, nbits),
        ])
    else:
        stored, centres = clustered_hashes(rng, n, nbits, max_flips)
        queries = flip(rng, centres[rng.integers(0, len(centres), size=nq)], max_flips)
    return stored, queries


def timed(func, repeat=1):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def pairs(qi, ids):
    return set(zip(np.asarray(qi).tolist(), np.asarray(ids).tolist(), strict=True))


def recall(found, reference):
    if not reference:
        return 1.0 if not found else 0.0
    if found - reference:
        return float("nan")  # a hit outside the radius: not exact
    return len(found & reference) / len(reference)


def faiss_range(packed, queries, radius, threads):
    index = faiss.IndexBinaryFlat(8 * packed.shape[1])
    index.add(packed)
    faiss.omp_set_num_threads(threads)

    def run():
        lims, _, labels = index.range_search(queries, radius + 1)  # faiss: distance < radius
        return np.repeat(np.arange(len(queries)), np.diff(lims.astype(np.int64))), labels

    return run


def bktree_run(packed, queries, radius):
    import pybktree

    ints = [int.from_bytes(row.tobytes(), "big") for row in packed]
    items = list(enumerate(ints))
    start = time.perf_counter()
    tree = pybktree.BKTree(lambda a, b: (a[1] ^ b[1]).bit_count(), items)
    build = time.perf_counter() - start
    qints = [int.from_bytes(row.tobytes(), "big") for row in queries]

    def run():
        qi, ids = [], []
        for i, q in enumerate(qints):
            for _, (row, _) in tree.find((-1, q), radius):
                qi.append(i)
                ids.append(row)
        return qi, ids

    return run, build


def imagehash_run(packed, queries, radius):
    import imagehash

    side = int(np.sqrt(8 * packed.shape[1]))

    def as_imagehash(row):
        return imagehash.ImageHash(np.unpackbits(row).astype(bool).reshape(side, side))

    hashes = [as_imagehash(row) for row in packed]
    qhashes = [as_imagehash(row) for row in queries]

    def run():
        qi, ids = [], []
        for i, q in enumerate(qhashes):
            distances = [q - h for h in hashes]
            for row, d in enumerate(distances):
                if d <= radius:
                    qi.append(i)
                    ids.append(row)
        return qi, ids

    return run


class Table:
    def __init__(self):
        self.rows = []

    def add(self, dataset, method, n, radius, seconds, nq, rec, faiss_ms=None):
        ms = 1e3 * seconds / nq
        ratio = f"{ms / faiss_ms:.3f}" if faiss_ms else "-"
        self.rows.append((dataset, method, n, radius, ms, ratio, rec, nq))
        print(f"  {method:<16} n={n:>8} r={radius:>3} {ms:10.4f} ms/query  "
              f"vs faiss {ratio:>7}  recall {rec:.3f}  ({nq} queries)", flush=True)
        return ms

    def print(self):
        print("\n| dataset | method | n | radius | ms/query | ratio vs faiss | recall |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for dataset, method, n, radius, ms, ratio, rec, _ in self.rows:
            print(f"| {dataset} | {method} | {n:,} | {radius} | {ms:.4f} | {ratio} | {rec:.3f} |")


def bench_radius(table, kind, nbits, n, radius, args):
    name = f"{kind}-{nbits}"
    print(f"\n{name}: n={n:,} radius={radius}", flush=True)
    stored, queries = make_dataset(kind, n, nbits, args.queries, args.seed)
    index = HashIndex(nbits)
    build, _ = timed(lambda: index.add(stored))
    tables, _ = timed(lambda: index.search_radius(queries[:1], radius))  # builds MIH tables
    print(f"  build: add {build:.2f} s, multi-index tables {tables:.2f} s, "
          f"memory {index.memory_bytes / n:.1f} bytes/hash", flush=True)
    nlin = min(len(queries), args.linear_queries)
    t, ref = timed(lambda: index.search_radius(queries[:nlin], radius, method="linear"))
    reference_lin = pairs(ref[0], ref[1])
    t_auto, got = timed(lambda: index.search_radius(queries, radius), repeat=args.repeat)
    auto_lin = got[0] < nlin
    rec_auto = recall(pairs(got[0][auto_lin], got[1][auto_lin]), reference_lin)
    faiss_ms = None
    if faiss is not None:
        timings = []
        for threads in (args.threads, 1):
            tf, res = timed(faiss_range(stored, queries[:nlin], radius, threads),
                            repeat=args.repeat)
            timings.append((tf, threads, recall(pairs(*res), reference_lin)))
        faiss.omp_set_num_threads(args.threads)
        faiss_ms = 1e3 * min(timings)[0] / nlin  # the anchor: the faster thread setting
        for tf, threads, rec in timings:
            table.add(name, f"faiss flat {threads}t", n, radius, tf, nlin, rec, faiss_ms)
    table.add(name, "vidlab auto", n, radius, t_auto, len(queries), rec_auto, faiss_ms)
    table.add(name, "vidlab linear", n, radius, t, nlin, 1.0, faiss_ms)
    hits = np.bincount(got[0], minlength=len(queries))
    print(f"  hits per query: mean {hits.mean():.1f}, max {hits.max()}", flush=True)

    # baselines that need a smaller subset: vidlab and faiss re-run at the same size
    for label, size, nq in (("bktree", args.bktree_n, args.bktree_queries),
                            ("imagehash loop", args.imagehash_n, args.imagehash_queries)):
        size = min(size, n)
        sub, subq = stored[:size], queries[:nq]
        sub_index = HashIndex(nbits)
        sub_index.add(sub)
        sub_index.search_radius(subq[:1], radius)
        ref = sub_index.search_radius(subq, radius, method="linear")
        reference = pairs(ref[0], ref[1])
        if label == "bktree":
            run, build = bktree_run(sub, subq, radius)
            print(f"  bktree build on {size:,}: {build:.1f} s", flush=True)
        else:
            run = imagehash_run(sub, subq, radius)
        tb, res = timed(run)
        sub_faiss = None
        if faiss is not None:
            tf = min(timed(faiss_range(sub, queries, radius, threads), repeat=args.repeat)[0]
                     for threads in (args.threads, 1))
            faiss.omp_set_num_threads(args.threads)
            sub_faiss = table.add(name, "faiss flat best", size, radius, tf, len(queries), 1.0)
        tv, vres = timed(lambda idx=sub_index: idx.search_radius(queries, radius),
                         repeat=args.repeat)
        mask = vres[0] < nq
        vms = table.add(name, "vidlab auto", size, radius, tv, len(queries),
                        recall(pairs(vres[0][mask], vres[1][mask]), reference), sub_faiss)
        bms = table.add(name, label, size, radius, tb, nq, recall(pairs(*res), reference),
                        sub_faiss)
        print(f"  vidlab is {bms / vms:,.0f}x faster than {label} at n={size:,}", flush=True)


def bench_knn(table, kind, nbits, n, k, args):
    name = f"{kind}-{nbits} knn k={k}"
    print(f"\n{name}: n={n:,}", flush=True)
    stored, queries = make_dataset(kind, n, nbits, args.queries, args.seed + 1)
    nq = min(len(queries), args.linear_queries)
    queries = queries[:nq]
    index = HashIndex(nbits)
    index.add(stored)
    index.search_knn(queries[:1], k)
    t_lin, (ids_lin, d_lin) = timed(lambda: index.search_knn(queries, k, method="linear"))
    t_auto, (ids, d) = timed(lambda: index.search_knn(queries, k), repeat=args.repeat)
    faiss_ms = None
    if faiss is not None:
        flat = faiss.IndexBinaryFlat(nbits)
        flat.add(stored)
        timings = []
        for threads in (args.threads, 1):
            faiss.omp_set_num_threads(threads)
            timings.append(timed(lambda: flat.search(queries, k), repeat=args.repeat))
        faiss.omp_set_num_threads(args.threads)
        tf, (fd, _) = min(timings, key=lambda t: t[0])
        faiss_ms = table.add(name, "faiss flat best", n, "-", tf, nq, float(np.mean(fd == d_lin)))
    # recall for kNN: identical ids (ties by insertion order) to the linear scan
    table.add(name, "vidlab auto", n, "-", t_auto, nq, float(np.mean(ids == ids_lin)), faiss_ms)
    table.add(name, "vidlab linear", n, "-", t_lin, nq, 1.0, faiss_ms)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k hashes, fewer queries")
    parser.add_argument("--n", type=int, default=None, help="stored hashes (default 1M)")
    parser.add_argument("--queries", type=int, default=None)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="best of N for fast methods")
    args = parser.parse_args(argv)
    quick = args.quick
    args.n = args.n or (100_000 if quick else 1_000_000)
    args.queries = args.queries or (200 if quick else 1000)
    args.linear_queries = 50 if quick else 200
    args.bktree_n = 20_000 if quick else 100_000
    args.bktree_queries = 5 if quick else 10
    args.imagehash_n = 5_000 if quick else 20_000
    args.imagehash_queries = 3 if quick else 5
    args.threads = faiss.omp_get_max_threads() if faiss is not None else 1
    if faiss is None:
        print("faiss is not installed (pip install faiss-cpu): no anchor", file=sys.stderr)
    print(f"numpy {np.__version__}, faiss {getattr(faiss, '__version__', '-')} "
          f"({args.threads} threads)")

    table = Table()
    bench_radius(table, "random", 256, args.n, 31, args)
    bench_radius(table, "random", 64, args.n, 10, args)
    bench_radius(table, "clustered", 256, args.n, 31, args)
    bench_radius(table, "clustered", 64, args.n, 10, args)
    bench_knn(table, "clustered", 256, args.n, 10, args)
    bench_knn(table, "clustered", 64, args.n, 10, args)
    table.print()
    exact = all(row[6] == 1.0 for row in table.rows)
    print(f"\nall recalls 1.0: {exact}")
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())
