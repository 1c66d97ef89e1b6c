"""Who is central: degree, betweenness, PageRank, k-core number and communities, one tidy
table per node, on the networkx or the igraph backend (same answers, igraph faster).

Betweenness and PageRank respect edge directions; core number, components and communities
are measured on the undirected view (an edge either way ties two accounts).

>>> import networkx as nx
>>> table = node_measures(nx.florentine_families_graph())
>>> top = table.sort_values("betweenness", ascending=False).iloc[0]
>>> top["node"], round(float(top["betweenness"]), 3), int(top["degree"])
('Medici', 0.522, 6)
"""

import networkx as nx
import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError
from vidlab.network.backends import (
    check_backend,
    igraph_seeded,
    require_igraph,
    to_igraph,
    undirected_simple,
)
from vidlab.network.build import to_undirected
from vidlab.seed import make_rng

__all__ = [
    "COMMUNITY_METHODS",
    "betweenness",
    "communities",
    "components",
    "core_number",
    "degree_table",
    "modularity",
    "node_measures",
    "pagerank",
]

COMMUNITY_METHODS = ("louvain", "leiden")
#: Betweenness with ``k="auto"`` is exact up to this many nodes, and estimated from
#: :data:`AUTO_PIVOTS` sampled sources above (exact betweenness costs nodes x edges).
EXACT_BETWEENNESS_NODES = 5000
AUTO_PIVOTS = 500


def _series(values, nodes, name):
    series = pd.Series(np.asarray(values, dtype=float), index=pd.Index(nodes, name="node"),
                       name=name)
    return series


def degree_table(G, weight="weight"):
    """In-, out- and total degree and weighted ``strength`` per node (for an undirected
    graph in- and out-degree equal the degree). Self-loops count as nx counts them.

    >>> import networkx as nx
    >>> degree_table(nx.DiGraph([("a", "b"), ("c", "b")]))
      node  in_degree  out_degree  degree  strength
    0    a          0           1       1       1.0
    1    b          2           0       2       2.0
    2    c          0           1       1       1.0
    """
    nodes = list(G)
    degree = [d for _, d in G.degree(nodes)]
    if G.is_directed():
        in_degree = [d for _, d in G.in_degree(nodes)]
        out_degree = [d for _, d in G.out_degree(nodes)]
    else:
        in_degree = out_degree = degree
    strength = [float(d) for _, d in G.degree(nodes, weight=weight)]
    table = pd.DataFrame({"node": nodes, "in_degree": in_degree, "out_degree": out_degree,
                          "degree": degree, "strength": strength})
    return _sorted(table)


def _sorted(table):
    order = sorted(range(len(table)), key=lambda i: str(table["node"].iat[i]))
    return table.iloc[order].reset_index(drop=True)


def _check_k(k, n, function, low=2):
    if k is None:
        return None
    if isinstance(k, str) and k == "auto":
        return None if n <= EXACT_BETWEENNESS_NODES else AUTO_PIVOTS
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not low <= k <= n:
        raise InvalidParameterError(
            f"The 'k' parameter of {function} must be None (exact), \"auto\" or an int in "
            f"[{low}, {n}] (the number of nodes). Got {k!r} instead."
        )
    return int(k)


def betweenness(G, k="auto", seed=None, normalized=True, distance=None, backend="auto"):
    """Shortest-path betweenness per node, exact or estimated from ``k`` pivot sources.

    Parameters
    ----------
    G : networkx graph
        Directed graphs count directed paths.
    k : int, "auto" or None
        Sample ``k`` source nodes (seeded by ``seed``, 0 when None) and scale up, as networkx
        does (Brandes & Pich 2007); ``None`` is exact; "auto" (default) is exact up to
        :data:`EXACT_BETWEENNESS_NODES` nodes and samples :data:`AUTO_PIVOTS` above. Both
        backends use the same pivots, so they agree for sampled betweenness too.
    normalized : bool
        Divide by the number of pairs ``(n-1)(n-2)`` (halved for undirected graphs).
    distance : str, optional
        Edge attribute holding edge *lengths* (not strengths); ``None`` counts hops.
    backend : {"auto", "networkx", "igraph"}

    Returns
    -------
    Series indexed by node, named ``betweenness``.

    >>> import networkx as nx
    >>> betweenness(nx.path_graph(3), normalized=False).tolist()
    [0.0, 1.0, 0.0]
    >>> b = betweenness(nx.les_miserables_graph())
    >>> b.idxmax(), round(float(b.max()), 3)
    ('Valjean', 0.57)
    """
    function = "betweenness"
    backend = check_backend(backend, function, G)
    nodes = list(G)
    n = len(nodes)
    k = _check_k(k, n, function)
    pivots = None
    if k is not None and k < n:
        pivots = sorted(make_rng(0 if seed is None else seed).choice(
            n, size=k, replace=False).tolist())
    if backend == "networkx":
        if pivots is None:
            raw = nx.betweenness_centrality(G, normalized=False, weight=distance)
            partial = [raw[node] for node in nodes]  # undirected: each pair counted once
        else:
            raw = nx.betweenness_centrality_subset(
                G, sources=[nodes[i] for i in pivots], targets=nodes, normalized=False,
                weight=distance)
            partial = [raw[node] for node in nodes]
    else:
        graph, _ = to_igraph(G, weight=distance)
        weights = "weight" if distance is not None else None
        partial = graph.betweenness(directed=G.is_directed(), weights=weights, sources=pivots)
    values = _rescale(np.asarray(partial, dtype=float), n, G.is_directed(), normalized, pivots)
    return _series(values, nodes, "betweenness")


def _rescale(partial, n, directed, normalized, pivots):
    """Scale path counts from the sampled sources to the full betweenness (networkx's
    convention: a sampled source only ever had ``k - 1`` other sources to be crossed by)."""
    N = n - 1  # the possible (s, t) pairs exclude v as a target: endpoints are not counted
    if N < 2:
        return partial
    values = partial.copy()
    if pivots is not None:
        k = len(pivots)
        is_source = np.zeros(n, dtype=bool)
        is_source[pivots] = True
        values[~is_source] *= N / k
        values[is_source] *= N / (k - 1)
    if normalized:
        values *= (1 if directed else 2) / (N * (N - 1))
    return values


def pagerank(G, alpha=0.85, weight="weight", backend="auto"):
    """PageRank per node (directed graphs follow edge directions; dangling nodes spread
    their score uniformly, as both networkx and igraph do). Sums to 1.

    >>> import networkx as nx
    >>> p = pagerank(nx.karate_club_graph())
    >>> int(p.idxmax()), round(float(p.max()), 4), round(float(p.sum()), 6)
    (33, 0.097, 1.0)
    """
    function = "pagerank"
    backend = check_backend(backend, function, G)
    if not (isinstance(alpha, float | int) and 0 < alpha < 1):
        raise InvalidParameterError(
            f"The 'alpha' parameter of {function} must be a number in (0, 1). "
            f"Got {alpha!r} instead."
        )
    nodes = list(G)
    if not nodes:
        return _series([], nodes, "pagerank")
    if backend == "networkx":
        scores = nx.pagerank(G, alpha=alpha, weight=weight, tol=1e-12, max_iter=10_000)
        values = [scores[node] for node in nodes]
    else:
        graph, _ = to_igraph(G, weight=weight)
        values = graph.pagerank(directed=G.is_directed(), damping=alpha,
                                weights="weight" if weight is not None else None)
    return _series(values, nodes, "pagerank")


def core_number(G, backend="auto"):
    """k-core number per node on the undirected simple view (self-loops dropped): the
    largest ``k`` such that the node belongs to a subgraph where everyone has degree >= k.

    >>> import networkx as nx
    >>> core_number(nx.karate_club_graph()).max()
    np.int64(4)
    """
    backend = check_backend(backend, "core_number", G)
    H = undirected_simple(G)
    nodes = list(H)
    if backend == "networkx":
        cores = nx.core_number(H)
        values = [cores[node] for node in nodes]
    else:
        graph, _ = to_igraph(H, weight=None)
        values = graph.coreness(mode="all")
    return pd.Series(np.asarray(values, dtype=np.int64), index=pd.Index(nodes, name="node"),
                     name="core_number")


def components(G, backend="auto"):
    """Connected components of the undirected view (weak components of a directed graph),
    as sets, largest first (ties: by smallest node id as text).

    >>> import networkx as nx
    >>> components(nx.Graph([(1, 2), (3, 4), (4, 5)]))
    [{3, 4, 5}, {1, 2}]
    """
    backend = check_backend(backend, "components", G)
    if backend == "networkx":
        found = [set(c) for c in nx.connected_components(undirected_simple(G))]
    else:
        graph, nodes = to_igraph(G, weight=None)
        found = [{nodes[i] for i in c} for c in graph.connected_components(mode="weak")]
    return sorted(found, key=lambda c: (-len(c), min(str(node) for node in c)))


def _labels(groups, nodes, name):
    """Number groups 0, 1, ... by size (largest first), ties by smallest node id as text."""
    groups = sorted((set(g) for g in groups), key=lambda g: (-len(g), min(map(str, g))))
    label = {node: i for i, group in enumerate(groups) for node in group}
    return pd.Series([label[node] for node in nodes], index=pd.Index(nodes, name="node"),
                     name=name, dtype=np.int64)


def communities(G, method="louvain", seed=None, resolution=1.0, weight="weight",
                backend="auto"):
    """Community of each node (0 = the largest), found on the undirected view with edge
    weights summed over both directions.

    ``method="louvain"`` (Blondel et al. 2008) runs networkx's or igraph's implementation
    per ``backend``; ``method="leiden"`` (Traag et al. 2019, modularity objective) always
    needs python-igraph. Both are randomised: ``seed`` makes them reproducible.

    >>> import networkx as nx
    >>> G = nx.connected_caveman_graph(3, 5)
    >>> communities(G, seed=1).value_counts().tolist()
    [5, 5, 5]
    >>> round(modularity(G, communities(G, seed=1)), 3)
    0.567
    """
    function = "communities"
    backend = check_backend(backend, function, G)
    if method not in COMMUNITY_METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of {function} must be one of "
            f"{', '.join(map(repr, COMMUNITY_METHODS))}. Got {method!r} instead."
        )
    H = to_undirected(G) if G.is_directed() else G
    H = H.copy()
    H.remove_edges_from(list(nx.selfloop_edges(H)))
    nodes = list(H)
    rng = make_rng(seed)
    if method == "louvain" and backend == "networkx":
        groups = nx.community.louvain_communities(H, weight=weight, resolution=resolution,
                                                  seed=int(rng.integers(2**32)))
    else:
        require_igraph(f"{function}(method={method!r})")
        graph, _ = to_igraph(H, weight=weight)
        weights = "weight" if weight is not None else None
        with igraph_seeded(int(rng.integers(2**32))):
            if method == "louvain":
                membership = graph.community_multilevel(weights=weights,
                                                        resolution=resolution).membership
            else:
                membership = graph.community_leiden(
                    objective_function="modularity", weights=weights, resolution=resolution,
                    n_iterations=-1).membership
        grouped = {}
        for node, label in zip(nodes, membership, strict=True):
            grouped.setdefault(label, set()).add(node)
        groups = list(grouped.values())
    return _labels(groups, nodes, "community")


def modularity(G, partition, weight="weight", resolution=1.0):
    """Newman's modularity of ``partition`` (a Series or dict node -> community) on the
    undirected view of ``G``.

    >>> import networkx as nx
    >>> G = nx.Graph([(0, 1), (2, 3)])
    >>> modularity(G, {0: 0, 1: 0, 2: 1, 3: 1})
    0.5
    """
    H = to_undirected(G) if G.is_directed() else G
    mapping = dict(partition.items()) if hasattr(partition, "items") else None
    if mapping is None or set(mapping) != set(H):
        missing = [] if mapping is None else sorted(map(str, set(H) - set(mapping)))[:5]
        raise InvalidParameterError(
            "The 'partition' parameter of modularity must map every node of the graph to a "
            f"community. Missing, e.g.: {', '.join(missing) or '(not a mapping)'}."
        )
    groups = {}
    for node, label in mapping.items():
        groups.setdefault(label, set()).add(node)
    return float(nx.community.modularity(H, list(groups.values()), weight=weight,
                                         resolution=resolution))


def node_measures(G, k="auto", seed=None, community=None, weight="weight", backend="auto"):
    """One row per node: ``node, in_degree, out_degree, degree, strength, betweenness``
    (normalised; sampled with ``k`` pivots if given), ``pagerank, core_number``, and
    ``community`` when ``community`` names a method ("louvain" or "leiden"). Sorted by node.

    >>> import networkx as nx
    >>> table = node_measures(nx.karate_club_graph(), community="louvain", seed=0)
    >>> list(table.columns)  # doctest: +NORMALIZE_WHITESPACE
    ['node', 'in_degree', 'out_degree', 'degree', 'strength', 'betweenness', 'pagerank',
     'core_number', 'community']
    >>> int(table.loc[table["betweenness"].idxmax(), "node"])
    0
    """
    function = "node_measures"
    backend = check_backend(backend, function, G)
    table = degree_table(G, weight=weight).set_index("node", drop=False)
    table["betweenness"] = betweenness(G, k=k, seed=seed, backend=backend)
    table["pagerank"] = pagerank(G, weight=weight, backend=backend)
    table["core_number"] = core_number(G, backend=backend)
    if community is not None:
        table["community"] = communities(G, method=community, seed=seed, weight=weight,
                                         backend=backend)
    return table.reset_index(drop=True)
