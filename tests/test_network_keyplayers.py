"""Tests of vidlab.network.keyplayers: F, DF and reach by hand, KPP-Neg/Pos vs brute force."""

import itertools

import networkx as nx
import numpy as np
import pytest
from scipy.sparse.csgraph import shortest_path

from vidlab.exceptions import InvalidParameterError
from vidlab.network.backends import adjacency
from vidlab.network.keyplayers import (
    _csr_lists,
    _removal_sums,
    distance_fragmentation,
    fragmentation,
    kpp_neg,
    kpp_pos,
    reach,
)


def bridged_triangles():
    """Triangles 0-1-2 and 3-4-5 joined by the bridge 2-3."""
    return nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)])


def best_by_brute_force(G, k, score):
    return max(score(G, subset) for subset in itertools.combinations(G, k))


def best_fragmentation_by_brute_force(G, k):
    n = len(G) - k
    best = 0.0
    for subset in itertools.combinations(G, k):
        rest = G.subgraph(set(G) - set(subset))
        pairs = sum(len(c) * (len(c) - 1) for c in nx.connected_components(rest))
        best = max(best, 1 - pairs / (n * (n - 1)))
    return best


# ------------------------------------------------------------------ scores by hand


def test_fragmentation_by_hand():
    assert fragmentation(nx.path_graph(4)) == 0.0
    assert fragmentation(nx.path_graph(4), [1]) == pytest.approx(1 - 2 / 6)   # {0}, {2, 3}
    assert fragmentation(nx.star_graph(4), [0]) == 1.0
    assert fragmentation(nx.star_graph(4), [1]) == 0.0
    G = bridged_triangles()
    assert fragmentation(G, [2]) == pytest.approx(1 - (2 + 6) / 20)          # 0.6
    assert fragmentation(G, [2, 3]) == pytest.approx(1 - (2 + 2) / 12)       # 2/3
    assert fragmentation(nx.empty_graph(5)) == 1.0
    assert fragmentation(nx.path_graph(2), [0]) == 1.0   # one node left: fully fragmented


def test_distance_fragmentation_by_hand():
    assert distance_fragmentation(nx.path_graph(4)) == pytest.approx(1 - (6 + 4 / 2 + 2 / 3) / 12)
    assert distance_fragmentation(nx.star_graph(4)) == pytest.approx(1 - (8 + 12 / 2) / 20)
    assert distance_fragmentation(nx.complete_graph(5)) == pytest.approx(0.0)
    G = bridged_triangles()
    # 14 ordered pairs at distance 1, 8 at 2, 8 at 3
    assert distance_fragmentation(G) == pytest.approx(1 - (14 + 8 / 2 + 8 / 3) / 30)
    assert distance_fragmentation(G, [2, 3]) == pytest.approx(fragmentation(G, [2, 3]))
    assert distance_fragmentation(nx.star_graph(4), [0]) == 1.0


def test_distance_fragmentation_sampled():
    G = nx.les_miserables_graph()
    exact = distance_fragmentation(G, ["Valjean"])
    assert distance_fragmentation(G, ["Valjean"], n_sources=len(G) - 1) == pytest.approx(exact)
    estimate = distance_fragmentation(G, ["Valjean"], n_sources=30, seed=1)
    assert estimate == distance_fragmentation(G, ["Valjean"], n_sources=30, seed=1)
    assert estimate == pytest.approx(exact, abs=0.08)


def test_reach_by_hand():
    P = nx.path_graph(5)
    assert reach(P, [0]) == 0.25
    assert reach(P, [0], steps=2) == 0.5
    assert reach(P, [2]) == 0.5 and reach(P, [2], steps=2) == 1.0
    assert reach(P, [0, 4]) == pytest.approx(2 / 3)
    assert reach(P, [0], distance_weighted=True) == pytest.approx((1 + 1 / 2 + 1 / 3 + 1 / 4) / 4)
    assert reach(nx.star_graph(4), [0]) == 1.0
    assert reach(P, []) == 0.0


def test_scores_use_the_undirected_view():
    D = nx.DiGraph([(0, 1), (2, 1), (3, 2)])
    assert fragmentation(D, [1]) == fragmentation(nx.Graph(D), [1])
    assert reach(D, [1]) == 2 / 3


def test_removal_sums_match_recomputation():
    """The one-pass articulation-point sums equal sum(s^2) after removing each node."""
    for seed in range(8):
        G = nx.gnp_random_graph(40, 0.06, seed=seed)
        A = adjacency(G)
        alive = np.ones(40, dtype=bool)
        alive[[1, 2]] = False
        sums = _removal_sums(*_csr_lists(A), alive)
        for v in range(40):
            if not alive[v]:
                assert sums[v] == -1
                continue
            H = G.copy()
            H.remove_nodes_from([1, 2, v])
            assert sums[v] == sum(len(c) ** 2 for c in nx.connected_components(H))


# ------------------------------------------------------------------ KPP-Neg


def test_kpp_neg_karate_beats_top_degree():
    G = nx.karate_club_graph()
    result = kpp_neg(G, 2, seed=0)
    top_degree = sorted(G, key=lambda v: -G.degree(v))[:2]
    assert sorted(top_degree) == [0, 33]
    assert result.score >= fragmentation(G, top_degree)
    assert result.score == pytest.approx(fragmentation(G, result.nodes))
    assert result.score == pytest.approx(0.4234, abs=1e-4)
    assert result.criterion == "fragmentation" and len(result.nodes) == 2


@pytest.mark.parametrize("k", [1, 2, 3])
def test_kpp_neg_matches_brute_force_on_karate(k):
    G = nx.karate_club_graph()
    # a greedy start with ties can stop at a local optimum: restarts are how to escape it
    result = kpp_neg(G, k, seed=1, n_starts=5)
    assert result.score == pytest.approx(best_fragmentation_by_brute_force(G, k))
    if k <= 2:   # DF by brute force needs all pairs for every subset: keep it small
        distance = kpp_neg(G, k, criterion="distance", seed=1)
        assert distance.score == pytest.approx(best_by_brute_force(G, k, distance_fragmentation))
        assert distance.score == pytest.approx(distance_fragmentation(G, distance.nodes))


def test_kpp_neg_small_graphs():
    G = bridged_triangles()
    assert set(kpp_neg(G, 1, seed=0).nodes) <= {2, 3}
    assert kpp_neg(G, 1, seed=0).score == pytest.approx(0.6)
    assert kpp_neg(G, 2, seed=0).score == pytest.approx(2 / 3)
    assert kpp_neg(nx.star_graph(6), 1).nodes == (0,)
    assert kpp_neg(G, 1, criterion="distance", seed=0).score == pytest.approx(
        distance_fragmentation(G, [2]))


def test_kpp_neg_is_seeded_and_swaps_improve():
    G = nx.powerlaw_cluster_graph(600, 1, 0.2, seed=4)
    a = kpp_neg(G, 6, seed=7)
    assert a == kpp_neg(G, 6, seed=7)
    greedy_only = kpp_neg(G, 6, seed=7, max_iter=0)
    assert greedy_only.n_swaps == 0
    assert a.score >= greedy_only.score
    top_degree = sorted(G, key=lambda v: (-G.degree(v), v))[:6]
    assert a.score >= fragmentation(G, top_degree)
    restarts = kpp_neg(G, 6, seed=7, n_starts=3)
    assert restarts.score >= a.score


def test_kpp_neg_distance_with_candidates_and_sampled_sources():
    G = nx.les_miserables_graph()
    result = kpp_neg(G, 2, criterion="distance", candidates=15, n_sources=40, seed=0)
    top15 = sorted(G, key=lambda v: -G.degree(v))[:15]
    assert set(result.nodes) <= set(top15)
    assert "Valjean" in result.nodes
    assert result.score == pytest.approx(distance_fragmentation(G, result.nodes), abs=0.08)


def test_kpp_neg_accepts_directed_graphs():
    D = nx.DiGraph([("a", "hub"), ("b", "hub"), ("hub", "c"), ("c", "d")])
    assert kpp_neg(D, 1).nodes == ("hub",)


@pytest.mark.parametrize("k", [0, 33, -1, 1.0, True, None])
def test_kpp_neg_rejects_bad_k(k):
    with pytest.raises(InvalidParameterError, match=r"'k' parameter of kpp_neg must be an int "
                                                    r"in \[1, 32\]"):
        kpp_neg(nx.karate_club_graph(), k)


def test_errors_name_the_parameter():
    G = nx.karate_club_graph()
    with pytest.raises(InvalidParameterError, match="'criterion' parameter of kpp_neg"):
        kpp_neg(G, 2, criterion="betweenness")
    with pytest.raises(InvalidParameterError, match="'criterion' parameter of kpp_pos"):
        kpp_pos(G, 2, criterion="fragmentation")
    with pytest.raises(InvalidParameterError, match="Not in the graph: 99"):
        fragmentation(G, [0, 99])
    with pytest.raises(InvalidParameterError, match="at least 3 nodes"):
        kpp_neg(nx.path_graph(2), 1)
    with pytest.raises(InvalidParameterError, match="'steps' parameter of kpp_pos"):
        kpp_pos(G, 2, steps=0)
    with pytest.raises(InvalidParameterError, match="'candidates'"):
        kpp_neg(G, 3, criterion="distance", candidates=2)


# ------------------------------------------------------------------ KPP-Pos


def brute_force_reach(G, k, steps=None):
    """Best reach (within ``steps``) or distance-weighted reach (``steps=None``) over all
    k-subsets, from one all-pairs distance matrix."""
    d = shortest_path(adjacency(G), unweighted=True, directed=False)
    n = len(G)
    best = 0.0
    for subset in itertools.combinations(range(n), k):
        others = np.setdiff1d(np.arange(n), subset)
        nearest = d[list(subset)][:, others].min(axis=0)
        if steps is None:
            value = (1 / nearest[np.isfinite(nearest)]).sum() / others.size
        else:
            value = (nearest <= steps).sum() / others.size
        best = max(best, value)
    return best


@pytest.mark.parametrize("k", [1, 2, 3])
def test_kpp_pos_matches_brute_force_on_karate(k):
    G = nx.karate_club_graph()
    for steps in (1, 2):
        result = kpp_pos(G, k, steps=steps, seed=0, n_starts=3)
        assert result.score == pytest.approx(brute_force_reach(G, k, steps))
    distance = kpp_pos(G, k, criterion="distance", seed=0)
    assert distance.score == pytest.approx(brute_force_reach(G, k))


def test_kpp_pos_small_graphs():
    assert kpp_pos(nx.star_graph(5), 1).nodes == (0,)
    result = kpp_pos(nx.path_graph(7), 2, seed=0, n_starts=5)
    assert result.score == pytest.approx(0.8)
    assert reach(nx.path_graph(7), result.nodes) == pytest.approx(0.8)
    two_stars = nx.disjoint_union(nx.star_graph(4), nx.star_graph(3))
    assert sorted(kpp_pos(two_stars, 2, seed=0).nodes) == [0, 5]


def test_kpp_pos_on_a_larger_graph_beats_top_degree():
    G = nx.powerlaw_cluster_graph(800, 2, 0.3, seed=2)
    top = sorted(G, key=lambda v: (-G.degree(v), v))[:5]
    result = kpp_pos(G, 5, steps=2, seed=0)
    assert result.score >= reach(G, top, steps=2)
    distance = kpp_pos(G, 5, criterion="distance", candidates=100, seed=0)
    assert distance.score >= reach(G, top, distance_weighted=True) - 1e-12
