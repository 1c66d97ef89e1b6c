"""Tests of vidlab.network.measures against published values and across both backends."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.network.backends import adjacency, check_backend, has_igraph, to_igraph
from vidlab.network.measures import (
    betweenness,
    communities,
    components,
    core_number,
    degree_table,
    modularity,
    node_measures,
    pagerank,
)

BACKENDS = ["networkx", pytest.param("igraph", marks=pytest.mark.skipif(
    not has_igraph(), reason="python-igraph is not installed"))]
needs_igraph = pytest.mark.skipif(not has_igraph(), reason="python-igraph is not installed")


def _directed_with_dangling():
    G = nx.gnp_random_graph(120, 0.03, seed=7, directed=True)
    for u, v in G.edges():
        G[u][v]["weight"] = 1.0 + (u + 2 * v) % 3
    G.add_edge(3, "sink", weight=2.0)   # a dangling node with no out-edges
    return G


GRAPHS = {
    "karate": nx.karate_club_graph,
    "florentine": nx.florentine_families_graph,
    "les_miserables": nx.les_miserables_graph,
    "directed": _directed_with_dangling,
    "two_components": lambda: nx.disjoint_union(nx.path_graph(5), nx.cycle_graph(4)),
}


# ------------------------------------------------------------------ published values


@pytest.mark.parametrize("backend", BACKENDS)
def test_florentine_medici_has_the_highest_betweenness(backend):
    b = betweenness(nx.florentine_families_graph(), backend=backend)
    assert b.idxmax() == "Medici"
    assert b["Medici"] == pytest.approx(0.5219, abs=1e-4)
    assert b["Guadagni"] == pytest.approx(0.2546, abs=1e-4)
    assert b["Albizzi"] == pytest.approx(0.2125, abs=1e-4)


@pytest.mark.parametrize("backend", BACKENDS)
def test_karate_published_betweenness_and_pagerank(backend):
    G = nx.karate_club_graph()
    b = betweenness(G, backend=backend)
    # Zachary's members 1 and 34 are nx nodes 0 and 33
    assert b[0] == pytest.approx(0.4376, abs=1e-4)
    assert b[33] == pytest.approx(0.3041, abs=1e-4)
    assert b[32] == pytest.approx(0.1452, abs=1e-4)
    raw = betweenness(G, normalized=False, backend=backend)
    assert raw[0] == pytest.approx(231.0714, abs=1e-3)
    p = pagerank(G, weight=None, backend=backend)
    assert p[33] == pytest.approx(0.1009, abs=1e-4)
    assert p[0] == pytest.approx(0.0970, abs=1e-4)
    assert p.sum() == pytest.approx(1.0)
    cores = core_number(G, backend=backend)
    assert cores.max() == 4
    assert sorted(cores[cores == 4].index) == [0, 1, 2, 3, 7, 8, 13, 30, 32, 33]


@pytest.mark.parametrize("backend", BACKENDS)
def test_les_miserables_valjean_is_central(backend):
    table = node_measures(nx.les_miserables_graph(), backend=backend)
    by_node = table.set_index("node")
    assert by_node["betweenness"].idxmax() == "Valjean"
    assert by_node["degree"].idxmax() == "Valjean"
    assert by_node.loc["Valjean", "degree"] == 36
    assert by_node.loc["Valjean", "betweenness"] == pytest.approx(0.5699, abs=1e-4)
    assert by_node.loc["Myriel", "betweenness"] == pytest.approx(0.1768, abs=1e-4)


def test_hand_computed_path_and_star():
    assert betweenness(nx.path_graph(4), normalized=False).tolist() == [0.0, 2.0, 2.0, 0.0]
    assert betweenness(nx.path_graph(4)).tolist() == pytest.approx([0, 2 / 3, 2 / 3, 0])
    star = betweenness(nx.star_graph(4))
    assert star[0] == pytest.approx(1.0) and star[1] == 0.0
    directed = betweenness(nx.DiGraph([(0, 1), (1, 2)]), normalized=False)
    assert directed.tolist() == [0.0, 1.0, 0.0]
    assert betweenness(nx.DiGraph([(0, 1), (1, 2)])).tolist() == [0.0, 0.5, 0.0]


# ------------------------------------------------------------------ backends agree


@needs_igraph
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_backends_agree_on_exact_measures(name):
    G = GRAPHS[name]()
    for normalized in (True, False):
        a = betweenness(G, normalized=normalized)
        b = betweenness(G, normalized=normalized, backend="igraph")
        assert list(a.index) == list(b.index) == list(G)
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(betweenness(G, distance="weight"),
                               betweenness(G, distance="weight", backend="igraph"),
                               rtol=1e-9, atol=1e-12)
    for weight in ("weight", None):
        np.testing.assert_allclose(pagerank(G, weight=weight),
                                   pagerank(G, weight=weight, backend="igraph"), atol=1e-8)
    pd.testing.assert_series_equal(core_number(G), core_number(G, backend="igraph"))
    assert components(G) == components(G, backend="igraph")


@needs_igraph
def test_backends_agree_on_sampled_betweenness_with_the_same_pivots():
    G = nx.les_miserables_graph()
    a = betweenness(G, k=20, seed=5)
    b = betweenness(G, k=20, seed=5, backend="igraph")
    np.testing.assert_allclose(a, b, rtol=1e-9)


def test_sampled_betweenness_is_seeded_and_close_to_exact():
    G = nx.les_miserables_graph()
    a = betweenness(G, k=40, seed=1)
    pd.testing.assert_series_equal(a, betweenness(G, k=40, seed=1))
    assert not a.equals(betweenness(G, k=40, seed=2))
    exact = betweenness(G)
    assert a.idxmax() == exact.idxmax() == "Valjean"
    assert np.abs(a - exact).max() < 0.15
    # k = n is the exact betweenness
    np.testing.assert_allclose(betweenness(G, k=len(G), seed=3), exact)


def test_sampled_betweenness_unbiased_scaling():
    """Averaged over many pivot draws, the estimate converges to the exact values."""
    G = nx.karate_club_graph()
    draws = np.mean([betweenness(G, k=8, seed=s).to_numpy() for s in range(300)], axis=0)
    np.testing.assert_allclose(draws, betweenness(G).to_numpy(), atol=0.02)


# ------------------------------------------------------------------ communities


@pytest.mark.parametrize("backend", BACKENDS)
def test_communities_recover_cliques(backend):
    G = nx.ring_of_cliques(4, 6)
    truth = {frozenset(range(i * 6, i * 6 + 6)) for i in range(4)}
    methods = ["louvain"] + (["leiden"] if has_igraph() else [])
    for method in methods:
        labels = communities(G, method=method, seed=0, backend=backend)
        found = {frozenset(labels[labels == c].index) for c in labels.unique()}
        assert found == truth, method
        assert labels.dtype == np.int64 and sorted(labels.unique()) == [0, 1, 2, 3]


@pytest.mark.parametrize("backend", BACKENDS)
def test_karate_communities_have_high_modularity(backend):
    G = nx.karate_club_graph()
    labels = communities(G, seed=3, weight=None, backend=backend)
    # the best partition of the unweighted karate club has Q = 0.4198
    assert 0.40 <= modularity(G, labels, weight=None) <= 0.4198 + 1e-4
    pd.testing.assert_series_equal(labels, communities(G, seed=3, weight=None,
                                                       backend=backend))
    sizes = labels.value_counts().sort_index()
    assert sizes.is_monotonic_decreasing   # community 0 is the largest


@needs_igraph
def test_leiden_on_directed_reply_graph_uses_undirected_view():
    G = nx.DiGraph([("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"),
                    ("f", "d")])
    labels = communities(G, method="leiden", seed=1)
    assert labels["a"] == labels["b"] == labels["c"] != labels["d"] == labels["e"]


def test_modularity_hand_value_and_errors():
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)])
    # m = 7, each triangle side: 3 internal edges, degree sum 7: 2 * (3/7 - (7/14)^2)
    assert modularity(G, {0: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1}) == pytest.approx(
        2 * (3 / 7 - 0.25))
    with pytest.raises(InvalidParameterError, match="Missing, e.g.: 5"):
        modularity(G, {0: 0, 1: 0, 2: 0, 3: 1, 4: 1})


# ------------------------------------------------------------------ tables and errors


def test_degree_table_directed_and_weighted():
    G = nx.DiGraph()
    G.add_edge("F2", "F1", weight=3)
    G.add_edge("F3", "F1", weight=1)
    G.add_edge("F1", "F3", weight=2)
    table = degree_table(G)
    assert table["node"].tolist() == ["F1", "F2", "F3"]
    assert table["in_degree"].tolist() == [2, 0, 1]
    assert table["out_degree"].tolist() == [1, 1, 1]
    assert table["degree"].tolist() == [3, 1, 2]
    assert table["strength"].tolist() == [6.0, 3.0, 3.0]


def test_node_measures_table():
    G = nx.les_miserables_graph()
    table = node_measures(G, community="louvain", seed=0)
    assert list(table.columns) == ["node", "in_degree", "out_degree", "degree", "strength",
                                   "betweenness", "pagerank", "core_number", "community"]
    assert table["node"].tolist() == sorted(G)
    assert len(table) == len(G) and not table.isna().any().any()
    assert table["pagerank"].sum() == pytest.approx(1.0)
    sampled = node_measures(G, k=20, seed=0)
    assert "community" not in sampled.columns
    assert not np.allclose(sampled["betweenness"], table["betweenness"])


def test_self_loops_do_not_break_core_number():
    G = nx.Graph([(0, 1), (1, 2), (2, 0), (0, 0)])
    assert core_number(G).tolist() == [2, 2, 2]


@pytest.mark.parametrize("k", [0, 1, 35, 2.5, True])
def test_bad_k_is_refused(k):
    with pytest.raises(InvalidParameterError, match=r"'k' parameter of betweenness must be "
                                                    r"None \(exact\), \"auto\" or an int in "
                                                    r"\[2, 34\]"):
        betweenness(nx.karate_club_graph(), k=k)


def test_auto_is_exact_on_small_graphs_and_sampled_on_large_ones(monkeypatch):
    from vidlab.network import measures

    G = nx.karate_club_graph()
    assert betweenness(G).equals(betweenness(G, k=None))
    monkeypatch.setattr(measures, "EXACT_BETWEENNESS_NODES", 20)
    monkeypatch.setattr(measures, "AUTO_PIVOTS", 10)
    assert betweenness(G).equals(betweenness(G, k=10, seed=0))
    assert not betweenness(G).equals(betweenness(G, k=None))


def test_auto_backend_is_igraph_only_for_large_graphs(monkeypatch):
    from vidlab.network import backends

    small = nx.path_graph(5)
    assert backends.check_backend("auto", G=small) == "networkx"
    monkeypatch.setattr(backends, "AUTO_IGRAPH_NODES", 4)
    assert backends.check_backend("auto", G=small) == "igraph"
    monkeypatch.setattr(backends, "has_igraph", lambda: False)
    assert backends.check_backend("auto", G=small) == "networkx"


def test_unknown_backend_and_method_are_refused():
    G = nx.karate_club_graph()
    for call in (lambda: betweenness(G, backend="graph-tool"),
                 lambda: pagerank(G, backend="snap"),
                 lambda: node_measures(G, backend="")):
        with pytest.raises(InvalidParameterError, match="'networkx', 'igraph'"):
            call()
    with pytest.raises(InvalidParameterError, match="'louvain', 'leiden'. Got 'girvan'"):
        communities(G, method="girvan")
    with pytest.raises(InvalidParameterError, match="'alpha'"):
        pagerank(G, alpha=1.5)
    assert check_backend("networkx") == "networkx"


def test_to_igraph_and_adjacency_keep_node_order():
    G = nx.DiGraph([("b", "a", {"weight": 2}), ("a", "c")])
    if has_igraph():
        g, nodes = to_igraph(G)
        assert nodes == ["b", "a", "c"]
        assert [(nodes[e.source], nodes[e.target]) for e in g.es] == [("b", "a"), ("a", "c")]
        assert g.es["weight"] == [2.0, 1.0]
    A = adjacency(G)
    assert A.toarray().tolist() == [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
