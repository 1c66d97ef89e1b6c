"""The two graph engines behind :mod:`vidlab.network`: networkx (default) and python-igraph.

Every measure takes ``backend="networkx"``, ``"igraph"`` or ``"auto"`` (the default: igraph
for graphs of more than :data:`AUTO_IGRAPH_NODES` nodes when it is installed, networkx
otherwise); both give the same answers on the same graph (to float tolerance; Louvain
communities differ by implementation), igraph much faster on large graphs. Graphs
always stay networkx graphs: :func:`to_igraph` converts one on the fly, keeping the node
order of ``list(G)``, so results map back to the original node ids.

>>> import networkx as nx
>>> check_backend("networkx")
'networkx'
>>> check_backend("auto", G=nx.path_graph(5))  # small: networkx
'networkx'
>>> ig_graph, nodes = to_igraph(nx.path_graph(["a", "b", "c"]))
>>> ig_graph.vcount(), ig_graph.ecount(), nodes
(3, 2, ['a', 'b', 'c'])
"""

import random
from contextlib import contextmanager

import networkx as nx
import numpy as np
import scipy.sparse as sp

from vidlab.exceptions import InvalidParameterError

__all__ = [
    "AUTO_IGRAPH_NODES",
    "BACKENDS",
    "adjacency",
    "check_backend",
    "has_igraph",
    "igraph_seeded",
    "require_igraph",
    "to_igraph",
    "undirected_simple",
]

BACKENDS = ("auto", "networkx", "igraph")
#: ``backend="auto"`` uses igraph (when installed) for graphs with more nodes than this.
AUTO_IGRAPH_NODES = 1000


def check_backend(backend, function="this function", G=None):
    """Return the backend to use for ``backend``: "networkx" or "igraph" as given (igraph must
    be importable), or for "auto" igraph when it is installed and ``G`` has more than
    :data:`AUTO_IGRAPH_NODES` nodes, else networkx. Anything else raises
    :class:`~vidlab.exceptions.InvalidParameterError`.

    >>> check_backend("graph-tool")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'backend' ... Got 'graph-tool' instead.
    """
    if backend not in BACKENDS:
        raise InvalidParameterError(
            f"The 'backend' parameter of {function} must be one of "
            f"{', '.join(repr(name) for name in BACKENDS)}. Got {backend!r} instead."
        )
    if backend == "auto":
        large = G is not None and G.number_of_nodes() > AUTO_IGRAPH_NODES
        return "igraph" if large and has_igraph() else "networkx"
    if backend == "igraph":
        require_igraph(function)
    return backend


def has_igraph():
    """Whether python-igraph can be imported.

    >>> isinstance(has_igraph(), bool)
    True
    """
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


def require_igraph(function="this function"):
    """Return the ``igraph`` module, or raise a clear error saying how to install it.

    >>> require_igraph().__name__
    'igraph'
    """
    try:
        import igraph
    except ImportError as error:
        raise InvalidParameterError(
            f"{function} needs python-igraph for backend='igraph' and method='leiden', "
            "which is not installed. Install it with `pip install igraph`."
        ) from error
    return igraph


def to_igraph(G, weight="weight"):
    """Convert the networkx graph ``G`` to an igraph Graph; return ``(graph, nodes)``.

    Vertex ``i`` of the igraph graph is ``nodes[i]`` (the order of ``list(G)``). With
    ``weight`` (an edge attribute name), edges get an igraph ``weight`` attribute (1.0 where
    an edge lacks it). Self-loops and directions are kept; multigraph edges stay parallel.

    >>> import networkx as nx
    >>> g, nodes = to_igraph(nx.DiGraph([("x", "y", {"weight": 3})]))
    >>> g.is_directed(), g.es["weight"], nodes
    (True, [3.0], ['x', 'y'])
    """
    igraph = require_igraph("to_igraph")
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    graph = igraph.Graph(n=len(nodes), edges=edges, directed=G.is_directed())
    if weight is not None:
        graph.es["weight"] = [float(d.get(weight, 1.0)) for _, _, d in G.edges(data=True)]
    return graph, nodes


@contextmanager
def igraph_seeded(seed):
    """Run igraph's stochastic algorithms with ``random.Random(seed)``, then restore
    igraph's default generator (Python's ``random`` module): igraph has one process-wide
    generator, so this is the only way to make its community detection reproducible.

    >>> import networkx as nx
    >>> g, _ = to_igraph(nx.karate_club_graph())
    >>> with igraph_seeded(1):
    ...     first = g.community_multilevel().membership
    >>> with igraph_seeded(1):
    ...     second = g.community_multilevel().membership
    >>> first == second
    True
    """
    igraph = require_igraph("igraph_seeded")
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)


def adjacency(G, nodes=None):
    """The undirected, unweighted adjacency of ``G`` as a symmetric CSR matrix of int8,
    without self-loops; row ``i`` is ``nodes[i]`` (default ``list(G)``).

    Directions are dropped (an edge either way links the two nodes): this is the structure
    that components, fragmentation and reach are measured on.

    >>> import networkx as nx
    >>> adjacency(nx.DiGraph([(0, 1), (1, 0), (1, 1), (2, 1)])).toarray().tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    nodes = list(G) if nodes is None else list(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    n = len(nodes)
    if G.number_of_edges() == 0:
        return sp.csr_array((n, n), dtype=np.int8)
    pairs = np.array([(index[u], index[v]) for u, v in G.edges() if u != v], dtype=np.int64)
    if pairs.size == 0:
        return sp.csr_array((n, n), dtype=np.int8)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    matrix = sp.csr_array((np.ones(rows.size, dtype=np.int8), (rows, cols)), shape=(n, n))
    matrix.sum_duplicates()
    matrix.data[:] = 1
    return matrix


def undirected_simple(G):
    """``G`` as an undirected simple graph without self-loops (shared by measures that are
    defined on undirected graphs: core number, communities, fragmentation).

    >>> sorted(undirected_simple(nx.DiGraph([(0, 1), (1, 0), (1, 1)])).edges())
    [(0, 1)]
    """
    H = nx.Graph()
    H.add_nodes_from(G)
    H.add_edges_from((u, v) for u, v in G.edges() if u != v)
    return H
