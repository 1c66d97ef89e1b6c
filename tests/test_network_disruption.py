"""Tests of vidlab.network.disruption: removal strategies, the table and its plot."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from vidlab.exceptions import InvalidParameterError  # noqa: E402
from vidlab.network.backends import has_igraph  # noqa: E402
from vidlab.network.disruption import (  # noqa: E402
    DISRUPTION_COLUMNS,
    STRATEGIES,
    _order,
    plot_disruption,
    simulate_disruption,
)
from vidlab.network.keyplayers import fragmentation  # noqa: E402
from vidlab.seed import make_rng  # noqa: E402


def test_table_shape_and_baseline():
    G = nx.karate_club_graph()
    table = simulate_disruption(G, k_max=3, seed=0)
    assert list(table.columns) == list(DISRUPTION_COLUMNS)
    assert len(table) == len(STRATEGIES) * 4
    assert table["strategy"].unique().tolist() == list(STRATEGIES)
    baseline = table[table["k"] == 0]
    assert (baseline["fragmentation"] == 0).all()
    assert (baseline["largest_component_share"] == 1).all()
    assert (baseline["n_components"] == 1).all()


def test_degree_strategy_values():
    G = nx.karate_club_graph()
    table = simulate_disruption(G, k_max=2, strategies=["degree"])
    last = table.iloc[-1]
    assert last["fragmentation"] == pytest.approx(fragmentation(G, [0, 33]))
    assert last["largest_component_share"] == pytest.approx(26 / 34)
    assert last["n_components"] == 3
    star = simulate_disruption(nx.star_graph(5), k_max=1, strategies="degree")
    assert star["fragmentation"].tolist() == [0.0, 1.0]
    assert star["largest_component_share"].tolist() == pytest.approx([1.0, 1 / 6])
    assert star["n_components"].tolist() == [1.0, 5.0]


def test_keyplayer_at_least_as_good_as_degree():
    G = nx.karate_club_graph()
    table = simulate_disruption(G, k_max=4, strategies=["degree", "keyplayer"], seed=0)
    pivot = table.pivot(index="k", columns="strategy", values="fragmentation")
    assert (pivot["keyplayer"] >= pivot["degree"] - 1e-12).all()
    assert pivot.loc[2, "keyplayer"] > pivot.loc[2, "degree"]


def test_random_is_seeded_and_averaged():
    G = nx.les_miserables_graph()
    a = simulate_disruption(G, k_max=5, strategies=["random"], seed=3, n_random=5)
    pd.testing.assert_frame_equal(a, simulate_disruption(G, k_max=5, strategies=["random"],
                                                         seed=3, n_random=5))
    assert not a.equals(simulate_disruption(G, k_max=5, strategies=["random"], seed=4,
                                            n_random=5))
    single = simulate_disruption(G, k_max=5, strategies=["random"], seed=3, n_random=1)
    assert (single["n_components"] % 1 == 0).all()   # one draw: whole numbers


def test_recompute_reranks_the_remaining_graph():
    G = nx.les_miserables_graph()
    order = _order(nx.Graph(G), "degree", 4, True, None, make_rng(0), "networkx")
    remaining = nx.Graph(G)
    for node in order:
        degrees = dict(remaining.degree())
        assert degrees[node] == max(degrees.values())
        remaining.remove_node(node)
    static = _order(nx.Graph(G), "degree", 4, False, None, make_rng(0), "networkx")
    assert static == sorted(G, key=lambda v: (-G.degree(v), v))[:4]
    for strategy in ("degree", "betweenness", "kcore"):
        table = simulate_disruption(G, k_max=4, strategies=[strategy], recompute=True)
        assert table["fragmentation"].is_monotonic_increasing


def test_kcore_strategy_removes_the_core_first():
    G = nx.karate_club_graph()
    order = _order(G, "kcore", 3, False, None, make_rng(0), "networkx")
    core = nx.core_number(G)
    assert all(core[v] == 4 for v in order)
    assert order[0] in (0, 33)   # the best-connected member of the 4-core


@pytest.mark.skipif(not has_igraph(), reason="python-igraph is not installed")
def test_backends_give_the_same_table():
    G = nx.les_miserables_graph()
    kwargs = {"k_max": 4, "strategies": ["betweenness", "kcore"], "recompute": True}
    pd.testing.assert_frame_equal(simulate_disruption(G, **kwargs),
                                  simulate_disruption(G, backend="igraph", **kwargs))


def test_errors():
    G = nx.karate_club_graph()
    with pytest.raises(InvalidParameterError, match="'strategies' parameter.*'pagerank'"):
        simulate_disruption(G, strategies=["degree", "pagerank"])
    with pytest.raises(InvalidParameterError, match=r"'k_max' parameter.*\[1, 32\]. Got 40"):
        simulate_disruption(G, k_max=40)
    with pytest.raises(InvalidParameterError, match="'backend'"):
        simulate_disruption(G, backend="graph-tool")
    with pytest.raises(InvalidParameterError, match="'betweenness_k'"):
        simulate_disruption(G, betweenness_k=1)


def test_plot_disruption():
    table = simulate_disruption(nx.karate_club_graph(), k_max=3,
                                strategies=["degree", "random", "keyplayer"], seed=0)
    fig, ax = plt.subplots()
    assert plot_disruption(table, ax=ax) is ax
    lines = ax.get_lines()
    assert len(lines) == 6
    assert [line.get_label() for line in lines[:2]] == ["degree: fragmentation",
                                                        "degree: largest component"]
    assert list(lines[0].get_ydata()) == table[table["strategy"] == "degree"][
        "fragmentation"].tolist()
    plt.close(fig)
    with pytest.raises(InvalidParameterError, match="Missing: n_components"):
        plot_disruption(table.drop(columns="n_components"))
    plt.close("all")
