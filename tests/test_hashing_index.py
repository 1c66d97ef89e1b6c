"""HashIndex: exact radius and k-nearest search against a brute-force reference."""

import numpy as np
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.index import HashIndex
from vidlab.hashing.value import HashValue, unpack_hex

METHODS = ["auto", "mih", "linear"]


def random_packed(rng, n, nbits):
    return rng.integers(0, 256, size=(n, nbits // 8), dtype=np.uint8)


def flip_bits(rng, packed, max_flips):
    """Copies of ``packed`` rows with 0..max_flips random bits flipped each."""
    bits = np.unpackbits(packed, axis=1)
    for row in bits:
        flips = rng.integers(0, max_flips + 1)
        cols = rng.choice(bits.shape[1], size=flips, replace=False)
        row[cols] ^= 1
    return np.packbits(bits, axis=1)


def clustered_packed(rng, n, nbits, centres=50, max_flips=8):
    base = random_packed(rng, centres, nbits)
    return flip_bits(rng, base[rng.integers(0, centres, size=n)], max_flips)


def brute_distances(stored, queries):
    xor = np.bitwise_xor(queries[:, None, :], stored[None, :, :])
    return np.bitwise_count(xor).sum(axis=2, dtype=np.int64)


def brute_radius(stored, queries, radius):
    D = brute_distances(stored, queries)
    qi, rows = np.nonzero(D <= radius)
    order = np.lexsort((rows, D[qi, rows], qi))
    return qi[order], rows[order], D[qi, rows][order]


def brute_knn(stored, queries, k):
    D = brute_distances(stored, queries)
    ids = np.full((len(queries), k), -1)
    dist = np.full((len(queries), k), -1)
    for i, row in enumerate(D):
        order = np.lexsort((np.arange(len(row)), row))[:k]
        ids[i, : len(order)] = order
        dist[i, : len(order)] = row[order]
    return ids, dist


@pytest.fixture(params=[64, 256])
def nbits(request):
    return request.param


@pytest.mark.parametrize("kind", ["random", "clustered"])
@pytest.mark.parametrize("method", METHODS)
def test_search_radius_is_exact(nbits, kind, method):
    rng = np.random.default_rng(nbits)
    if kind == "random":
        stored = random_packed(rng, 5000, nbits)
    else:
        stored = clustered_packed(rng, 5000, nbits)
    queries = np.concatenate(
        [flip_bits(rng, stored[:40], nbits // 8), random_packed(rng, 5, nbits)]
    )
    index = HashIndex(nbits)
    index.add(stored)
    radii = [0, 1, 3, 5, 10, 16, 31] if nbits == 256 else [0, 1, 2, 4, 6, 8, 10, 14]
    for radius in radii + [nbits // 2 - 4, nbits]:
        expected = brute_radius(stored, queries, radius)
        got = index.search_radius(queries, radius, method=method)
        for e, g in zip(expected, got, strict=True):
            np.testing.assert_array_equal(g, e, err_msg=f"radius {radius}")


@pytest.mark.parametrize("method", METHODS)
def test_search_knn_is_exact_with_ties_in_insertion_order(nbits, method):
    rng = np.random.default_rng(7)
    stored = clustered_packed(rng, 3000, nbits, centres=20, max_flips=4)
    stored[100:110] = stored[5]  # exact duplicates: ties resolved by insertion order
    queries = np.concatenate([stored[[5, 17, 2999]], flip_bits(rng, stored[:30], 6)])
    index = HashIndex(nbits)
    index.add(stored)
    for k in (1, 3, 12, 50):
        ids, dist = index.search_knn(queries, k, method=method)
        e_ids, e_dist = brute_knn(stored, queries, k)
        np.testing.assert_array_equal(dist, e_dist)
        np.testing.assert_array_equal(ids, e_ids)
    ids, dist = index.search_knn(stored[5], 11, method=method)
    assert ids[0].tolist() == [5, *range(100, 110)]
    assert dist[0].tolist() == [0] * 11


def test_knn_pads_when_fewer_than_k_stored():
    index = HashIndex(64)
    index.add(["0000000000000000", "0000000000000003"])
    ids, dist = index.search_knn(["0000000000000001", "ffffffffffffffff"], 4)
    assert ids.tolist() == [[0, 1, -1, -1], [1, 0, -1, -1]]
    assert dist.tolist() == [[1, 1, -1, -1], [62, 64, -1, -1]]
    named = HashIndex(64)
    named.add(["0000000000000000"], ids=["only"])
    ids, dist = named.search_knn("0000000000000000", 3)
    assert ids.tolist() == [["only", None, None]] and dist.tolist() == [[0, -1, -1]]


def test_string_ids_and_query_forms():
    index = HashIndex(64)
    values = [HashValue.from_hex("ff00000000000000", "phash"), "ff00000000000001", "00" * 8]
    index.add(values, ids=["a", "b", "c"])
    for query in ("ff00000000000000", HashValue.from_hex("ff00000000000000"),
                  np.array([255, 0, 0, 0, 0, 0, 0, 0], dtype=np.uint8), ["ff00000000000000"]):
        qi, ids, dist = index.search_radius(query, 1)
        assert qi.tolist() == [0, 0] and ids.tolist() == ["a", "b"] and dist.tolist() == [0, 1]
    with pytest.raises(InvalidParameterError, match="'ids'"):
        index.add(["0000000000000001"])  # string-id index: ids are required
    with pytest.raises(InvalidParameterError, match="'ids'"):
        index.add(["0000000000000001"], ids=[4])


def test_default_ids_continue_over_several_adds():
    index = HashIndex(64)
    index.add(["0000000000000000", "0000000000000001"])
    index.add(["0000000000000003"])
    assert index.ids.tolist() == [0, 1, 2]
    index.add(["0000000000000007"], ids=[40])
    assert index.search_knn("0000000000000007", 2)[0].tolist() == [[40, 2]]


def test_duplicate_hashes_are_all_returned():
    index = HashIndex(256)
    index.add(["ab" * 32] * 5 + ["cd" * 32], ids=[10, 11, 12, 13, 14, 15])
    qi, ids, dist = index.search_radius("ab" * 32, 0, method="mih")
    assert ids.tolist() == [10, 11, 12, 13, 14] and dist.tolist() == [0] * 5


def test_empty_index_and_empty_queries(nbits):
    index = HashIndex(nbits)
    qi, ids, dist = index.search_radius(["00" * (nbits // 8)], 3)
    assert len(qi) == len(ids) == len(dist) == 0
    ids, dist = index.search_knn(["00" * (nbits // 8)] * 2, 2)
    assert ids.tolist() == [[-1, -1]] * 2 and dist.tolist() == [[-1, -1]] * 2
    index.add(np.zeros((3, nbits // 8), dtype=np.uint8))
    qi, ids, dist = index.search_radius([], 3)
    assert len(qi) == 0
    assert index.search_knn(np.zeros((0, nbits // 8), dtype=np.uint8), 2)[0].shape == (0, 2)


def test_save_load_round_trip(tmp_path, nbits):
    rng = np.random.default_rng(3)
    stored = random_packed(rng, 500, nbits)
    for ids in (None, [f"id{i}" for i in range(500)]):
        index = HashIndex(nbits)
        index.add(stored, ids=ids)
        path = tmp_path / "index.bin"  # the name is used as given, no ".npz" appended
        index.save(path)
        loaded = HashIndex.load(path)
        assert loaded.nbits == nbits and len(loaded) == 500
        np.testing.assert_array_equal(loaded.packed, stored)
        assert loaded.ids.tolist() == index.ids.tolist()
        q = stored[:20]
        for a, b in zip(index.search_radius(q, 40), loaded.search_radius(q, 40), strict=True):
            assert a.tolist() == b.tolist()
    empty = HashIndex(nbits)
    empty.save(tmp_path / "empty.npz")
    assert len(HashIndex.load(tmp_path / "empty.npz")) == 0


def test_load_bad_files(tmp_path):
    with pytest.raises(InvalidParameterError, match="existing file"):
        HashIndex.load(tmp_path / "missing.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file")
    with pytest.raises(InvalidParameterError, match="not a hash index"):
        HashIndex.load(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", packed=np.zeros((2, 8), dtype=np.uint8))
    with pytest.raises(InvalidParameterError, match="not a hash index"):
        HashIndex.load(tmp_path / "other.npz")


def test_validation_errors():
    with pytest.raises(InvalidParameterError, match="'nbits'"):
        HashIndex(60)
    index = HashIndex(64)
    with pytest.raises(InvalidParameterError, match="'hashes'.*64-bit"):
        index.add(["00" * 32])
    index.add(["00" * 8])
    with pytest.raises(InvalidParameterError, match="'queries'.*64-bit.*256-bit"):
        index.search_radius(["00" * 32], 2)
    with pytest.raises(InvalidParameterError, match=r"'radius'.*\[0, 64\].*65"):
        index.search_radius(["00" * 8], 65)
    with pytest.raises(InvalidParameterError, match="'radius'"):
        index.search_radius(["00" * 8], -1)
    with pytest.raises(InvalidParameterError, match="'radius'"):
        index.search_radius(["00" * 8], 2.5)
    with pytest.raises(InvalidParameterError, match="'k'"):
        index.search_knn(["00" * 8], 0)
    with pytest.raises(InvalidParameterError, match="'method'"):
        index.search_knn(["00" * 8], 1, method="fast")
    with pytest.raises(InvalidParameterError, match="'ids'.*one id per hash"):
        index.add(["00" * 8] * 2, ids=[1])
    with pytest.raises(InvalidParameterError, match="'queries'"):
        index.search_radius(np.zeros((1, 8), dtype=np.int64), 1)


def test_packed_and_memory():
    rng = np.random.default_rng(0)
    stored = random_packed(rng, 100, 256)
    index = HashIndex(256)
    index.add(stored)
    assert unpack_hex(index.packed) == unpack_hex(stored)
    before = index.memory_bytes
    assert before >= 100 * (32 + 8)
    index.search_radius(stored[:2], 20, method="mih")
    assert index.memory_bytes > before  # the multi-index tables are counted


@pytest.mark.parametrize(("nbits", "ms"), [(64, range(2, 9)), (256, (8, 11, 13, 16, 21, 32))])
def test_every_substring_count_is_exact(nbits, ms):
    """Multi-index search with each number of substrings (8 to 32 bits, uneven too)."""
    from vidlab.hashing.index import _plan_m

    rng = np.random.default_rng(11)
    stored = clustered_packed(rng, 2000, nbits, centres=30, max_flips=nbits // 16)
    queries = flip_bits(rng, stored[:25], nbits // 16)
    index = HashIndex(nbits)
    index.add(stored)
    Q = index._as_words(queries)
    for m in ms:
        for radius in (0, 1, m - 1, m, m + 1, 2 * m + 3, nbits // 8):
            plan = _plan_m(nbits // 8, len(index), radius, m)
            if plan.cost == float("inf"):
                continue
            got = index._mih_radius(Q, radius, plan, allow_fallback=False)
            for e, g in zip(brute_radius(stored, queries, radius), got, strict=True):
                np.testing.assert_array_equal(g, e, err_msg=f"m={m} radius={radius}")


@pytest.mark.parametrize("nbits", [8, 72, 128])
def test_other_widths_are_exact(nbits):
    rng = np.random.default_rng(nbits)
    stored = clustered_packed(rng, 1500, nbits, centres=20, max_flips=nbits // 12 + 1)
    queries = flip_bits(rng, stored[:20], nbits // 12 + 1)
    index = HashIndex(nbits)
    index.add(stored)
    for method in METHODS:
        for radius in (0, 2, nbits // 8, nbits // 4):
            got = index.search_radius(queries, radius, method=method)
            for e, g in zip(brute_radius(stored, queries, radius), got, strict=True):
                np.testing.assert_array_equal(g, e)
        ids, dist = index.search_knn(queries, 7, method=method)
        e_ids, e_dist = brute_knn(stored, queries, 7)
        np.testing.assert_array_equal(dist, e_dist)
        np.testing.assert_array_equal(ids, e_ids)


def test_knn_builds_no_extra_tables_and_adding_resets_them():
    rng = np.random.default_rng(5)
    stored = random_packed(rng, 20000, 256)
    index = HashIndex(256)
    index.add(stored)
    ids, _ = index.search_knn(random_packed(rng, 3, 256), 3, method="mih")
    assert len(index._tables) == 1  # one set of substring tables, whatever the radii tried
    index.add(stored[:1])
    assert index._tables == {}
    qi, ids, dist = index.search_radius(stored[0], 0, method="mih")
    assert ids.tolist() == [0, 20000] and dist.tolist() == [0, 0]


def test_adding_nothing_keeps_the_index():
    index = HashIndex(64)
    index.add(["00000000000000ff"], ids=["a"])
    index.add([], ids=[])
    index.add(np.zeros((0, 8), dtype=np.uint8), ids=[])
    assert len(index) == 1 and index.ids.tolist() == ["a"]
