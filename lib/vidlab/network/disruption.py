"""What-if disruption: remove the top ``k`` accounts by some strategy (arrests, takedowns of
accounts) and measure how much the network falls apart, for ``k = 0 .. k_max``.

Strategies rank nodes by ``degree``, ``betweenness`` or ``kcore`` (core number, then
degree), take them at ``random`` (seeded; the mean over ``n_random`` draws), or remove the
``keyplayer`` set of :func:`vidlab.network.keyplayers.kpp_neg` (one optimised set per ``k``,
so the sets need not be nested). With ``recompute=True`` the ranking strategies re-rank the
remaining graph after every removal (an adaptive attack). Measured on the undirected view.

>>> import networkx as nx
>>> table = simulate_disruption(nx.karate_club_graph(), k_max=2, strategies=["degree"])
>>> table.round(3).iloc[-1].to_dict()  # doctest: +NORMALIZE_WHITESPACE
{'strategy': 'degree', 'k': 2, 'fragmentation': 0.325,
 'largest_component_share': 0.765, 'n_components': 3.0}
"""

import numpy as np
import pandas as pd

from vidlab.checks import check_int, require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.network.backends import adjacency, check_backend, undirected_simple
from vidlab.network.keyplayers import (
    _component_sizes,
    _fragmentation_from_sizes,
    kpp_neg,
)
from vidlab.network.measures import betweenness, core_number
from vidlab.seed import make_rng

__all__ = ["DISRUPTION_COLUMNS", "STRATEGIES", "plot_disruption", "simulate_disruption"]

STRATEGIES = ("random", "degree", "betweenness", "kcore", "keyplayer")
DISRUPTION_COLUMNS = ("strategy", "k", "fragmentation", "largest_component_share",
                      "n_components")


def _ranking(H, strategy, betweenness_k, seed, backend):
    """Nodes of ``H`` from the first to remove to the last (ties: higher degree, then the
    smaller node id as text)."""
    degree = dict(H.degree())
    if strategy == "degree":
        score = degree
    elif strategy == "betweenness":
        k = betweenness_k
        if isinstance(k, int) and k >= len(H):
            k = None
        score = betweenness(H, k=k, seed=seed, backend=backend).to_dict()
    else:  # kcore
        score = core_number(H, backend=backend).to_dict()
    return sorted(H, key=lambda v: (-score[v], -degree[v], str(v)))


def _row(strategy, k, A, alive, n):
    sizes = _component_sizes(A, alive)
    return {"strategy": strategy, "k": k,
            "fragmentation": _fragmentation_from_sizes(sizes),
            "largest_component_share": float(sizes.max() / n) if sizes.size else 0.0,
            "n_components": float(sizes.size)}


def simulate_disruption(G, k_max=10, strategies=STRATEGIES, recompute=False, seed=None,
                        n_random=10, betweenness_k="auto", backend="auto"):
    """Remove ``k = 0 .. k_max`` nodes by each strategy; one row per (strategy, k).

    Parameters
    ----------
    G : networkx graph
    k_max : int
        The most nodes removed, in ``[1, n - 2]``.
    strategies : sequence of str
        Any of :data:`STRATEGIES`.
    recompute : bool
        Re-rank the remaining graph after each removal (degree, betweenness, kcore).
    seed : int, optional
        Seeds the random removals, sampled betweenness and key-player tie breaks.
    n_random : int
        Random removal orders averaged for the ``random`` strategy.
    betweenness_k : int, "auto" or None
        As ``k`` of :func:`vidlab.network.measures.betweenness`: exact (None), estimated from
        this many pivots, or "auto" (exact up to 5,000 nodes).
    backend : {"auto", "networkx", "igraph"}
        For betweenness and core numbers.

    Returns
    -------
    DataFrame with :data:`DISRUPTION_COLUMNS`: ``fragmentation`` (F), the share of the
    original nodes in the largest component left, and the number of components (the mean
    for ``random``, hence float).

    >>> import networkx as nx
    >>> t = simulate_disruption(nx.star_graph(4), k_max=1, strategies=["degree", "random"],
    ...                         seed=0, n_random=4)
    >>> t[["strategy", "k", "fragmentation"]].values.tolist()
    [['degree', 0, 0.0], ['degree', 1, 1.0], ['random', 0, 0.0], ['random', 1, 0.25]]
    """
    function = "simulate_disruption"
    backend = check_backend(backend, function, G)
    if isinstance(strategies, str):
        strategies = [strategies]
    unknown = [s for s in strategies if s not in STRATEGIES]
    if unknown or not strategies:
        raise InvalidParameterError(
            f"The 'strategies' parameter of {function} must list some of "
            f"{', '.join(map(repr, STRATEGIES))}. Got {list(strategies)!r} instead."
        )
    H = undirected_simple(G)
    nodes = list(H)
    n = len(nodes)
    if n < 3:
        raise InvalidParameterError(
            f"The 'G' parameter of {function} must have at least 3 nodes. Got {n}."
        )
    k_max = check_int(k_max, "k_max", function, 1, n - 2)
    n_random = check_int(n_random, "n_random", function, 1, 10**6)
    if betweenness_k is not None and betweenness_k != "auto":
        betweenness_k = check_int(betweenness_k, "betweenness_k", function, 2, 10**9)
    index = {node: i for i, node in enumerate(nodes)}
    A = adjacency(H, nodes)
    rng = make_rng(seed)
    rows = []
    for strategy in dict.fromkeys(strategies):
        if strategy == "random":
            draws = [[_row(strategy, k, A, alive, n) for k, alive in
                      _prefixes(rng.permutation(n)[:k_max], n)] for _ in range(n_random)]
            for k in range(k_max + 1):
                mean = {c: float(np.mean([draw[k][c] for draw in draws]))
                        for c in DISRUPTION_COLUMNS[2:]}
                rows.append({"strategy": strategy, "k": k, **mean})
        elif strategy == "keyplayer":
            rows.append(_row(strategy, 0, A, np.ones(n, dtype=bool), n))
            for k in range(1, k_max + 1):
                chosen = kpp_neg(H, k, seed=rng)
                alive = np.ones(n, dtype=bool)
                alive[[index[v] for v in chosen.nodes]] = False
                rows.append(_row(strategy, k, A, alive, n))
        else:
            order = _order(H, strategy, k_max, recompute, betweenness_k, rng, backend)
            rows += [_row(strategy, k, A, alive, n)
                     for k, alive in _prefixes([index[v] for v in order], n)]
    return pd.DataFrame(rows, columns=list(DISRUPTION_COLUMNS))


def _prefixes(order, n):
    """``(k, alive mask)`` with the first ``k`` of ``order`` removed, ``k = 0 .. len``."""
    alive = np.ones(n, dtype=bool)
    yield 0, alive.copy()
    for k, v in enumerate(order, start=1):
        alive[v] = False
        yield k, alive.copy()


def _order(H, strategy, k_max, recompute, betweenness_k, rng, backend):
    if not recompute:
        return _ranking(H, strategy, betweenness_k, rng, backend)[:k_max]
    remaining = H.copy()
    order = []
    for _ in range(k_max):
        first = _ranking(remaining, strategy, betweenness_k, rng, backend)[0]
        order.append(first)
        remaining.remove_node(first)
    return order


def plot_disruption(table, ax=None, title=None):
    """Fragmentation (solid) and largest-component share (dashed) against ``k``, one
    colour per strategy, from :func:`simulate_disruption`. Returns the matplotlib Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import networkx as nx
    >>> table = simulate_disruption(nx.karate_club_graph(), k_max=3,
    ...                             strategies=["degree", "keyplayer"], seed=0)
    >>> ax = plot_disruption(table)
    >>> len(ax.get_lines()), ax.get_xlabel()
    (4, 'nodes removed (k)')
    """
    import matplotlib.pyplot as plt

    require_columns(table, list(DISRUPTION_COLUMNS), "plot_disruption", "table")
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (strategy, rows) in enumerate(table.groupby("strategy", sort=False)):
        rows = rows.sort_values("k")
        colour = colours[i % len(colours)]
        ax.plot(rows["k"], rows["fragmentation"], "-o", color=colour, markersize=3,
                label=f"{strategy}: fragmentation")
        ax.plot(rows["k"], rows["largest_component_share"], "--", color=colour,
                label=f"{strategy}: largest component")
    ax.set_xlabel("nodes removed (k)")
    ax.set_ylabel("share")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(title or "Disruption: fragmentation (solid), largest component (dashed)")
    ax.legend(fontsize="small")
    return ax
