"""Key players (Borgatti 2006): the few accounts whose removal most fragments a network
(KPP-Neg) and the few that reach most others within a few steps (KPP-Pos).

Everything here works on the undirected view of a graph (an edge either way ties two
accounts). Scores:

- fragmentation ``F = 1 - sum_k s_k (s_k - 1) / (n (n - 1))`` over the components of
  sizes ``s_k`` of the ``n`` nodes left: the share of pairs that can no longer reach each
  other (0 connected, 1 all isolated);
- distance-weighted fragmentation ``DF = 1 - sum_{i != j} (1 / d_ij) / (n (n - 1))``
  (``1 / inf = 0``): also rewards stretching the paths that remain;
- reach: the share of the other nodes within ``steps`` of the set; distance-weighted
  reach: the mean of ``1 / d(set, j)`` over the other nodes.

A graph with fewer than two nodes left counts as fully fragmented (``F = DF = 1``).

:func:`kpp_neg` maximises F exactly per step: one depth-first search over the remaining
graph gives the component sizes after removing *each* node (articulation points split
their component), so the greedy start and every swap round cost a few linear passes and
5,000-node graphs take seconds. DF (and distance-weighted reach) needs shortest paths, so
it searches a candidate pool and may sample BFS sources.

>>> import networkx as nx
>>> G = nx.barbell_graph(4, 1)   # two 4-cliques joined through node 4
>>> fragmentation(G, [4])
0.5714285714285714
>>> kpp_neg(G, 1).nodes
(4,)
"""

from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp
from scipy.sparse import csgraph

from vidlab.checks import check_int
from vidlab.exceptions import InvalidParameterError
from vidlab.network.backends import adjacency
from vidlab.seed import make_rng

__all__ = [
    "KeyPlayerSet",
    "NEG_CRITERIA",
    "POS_CRITERIA",
    "distance_fragmentation",
    "fragmentation",
    "kpp_neg",
    "kpp_pos",
    "reach",
]

NEG_CRITERIA = ("fragmentation", "distance")
POS_CRITERIA = ("reach", "distance")


@dataclass(frozen=True)
class KeyPlayerSet:
    """The result of :func:`kpp_neg` or :func:`kpp_pos`.

    ``nodes`` in the order they were chosen; ``score`` the criterion's value for the set
    (estimated when ``n_sources`` sampled the BFS sources); ``n_swaps`` the improving swaps
    made after the greedy start.
    """

    nodes: tuple
    score: float
    criterion: str
    n_swaps: int


# --------------------------------------------------------------------------- helpers


def _prepare(G, removed, function):
    if not isinstance(G, nx.Graph):
        raise InvalidParameterError(
            f"The 'G' parameter of {function} must be a networkx graph. "
            f"Got {type(G).__name__} instead."
        )
    nodes = list(G)
    index = {node: i for i, node in enumerate(nodes)}
    removed = list(removed)
    unknown = [node for node in removed if node not in index]
    if unknown:
        raise InvalidParameterError(
            f"The 'removed' parameter of {function} must list nodes of the graph. "
            f"Not in the graph: {', '.join(map(repr, unknown[:5]))}."
        )
    alive = np.ones(len(nodes), dtype=bool)
    alive[[index[node] for node in removed]] = False
    return nodes, index, adjacency(G, nodes), alive


def _check_choice(value, name, function, choices):
    if value not in choices:
        raise InvalidParameterError(
            f"The {name!r} parameter of {function} must be one of "
            f"{', '.join(map(repr, choices))}. Got {value!r} instead."
        )
    return value


def _fragmentation_from_sizes(sizes):
    sizes = np.asarray(sizes, dtype=np.float64)
    n = sizes.sum()
    if n < 2:
        return 1.0
    return float(1.0 - ((sizes * (sizes - 1)).sum()) / (n * (n - 1)))


def _component_sizes(A, alive):
    keep = np.flatnonzero(alive)
    if keep.size == 0:
        return np.zeros(0, dtype=np.int64)
    _, labels = csgraph.connected_components(A[keep][:, keep], directed=False)
    return np.bincount(labels)


def _inverse_distance_sum(A, alive, sources=None):
    """Sum of 1/d over ordered pairs (i != j) of alive nodes, from all alive sources or the
    given subset (positions among the alive nodes); returns (sum, n_sources_used)."""
    keep = np.flatnonzero(alive)
    sub = A[keep][:, keep]
    total = 0.0
    rows = np.arange(keep.size) if sources is None else np.asarray(sources)
    for block in np.array_split(rows, max(1, int(np.ceil(rows.size / 256)))):
        if block.size == 0:
            continue
        d = csgraph.shortest_path(sub, method="D", directed=False, unweighted=True,
                                  indices=block)
        with np.errstate(divide="ignore"):
            inverse = 1.0 / d
        inverse[~np.isfinite(inverse)] = 0.0  # self (d = 0) and unreachable (d = inf)
        total += float(inverse.sum())
    return total, rows.size


# --------------------------------------------------------------------------- scores


def fragmentation(G, removed=()):
    """Fragmentation F of ``G`` after removing the nodes ``removed``.

    >>> import networkx as nx
    >>> fragmentation(nx.path_graph(4))
    0.0
    >>> fragmentation(nx.star_graph(4), [0])  # the hub: 4 isolates
    1.0
    """
    _, _, A, alive = _prepare(G, removed, "fragmentation")
    return _fragmentation_from_sizes(_component_sizes(A, alive))


def distance_fragmentation(G, removed=(), n_sources=None, seed=None):
    """Distance-weighted fragmentation DF of ``G`` after removing ``removed``.

    ``n_sources`` estimates it from BFS out of that many random remaining nodes (seeded);
    ``None`` is exact (one BFS per node).

    >>> import networkx as nx
    >>> round(distance_fragmentation(nx.path_graph(4)), 4)   # 1 - (6 + 4/2 + 2/3) / 12
    0.2778
    >>> round(distance_fragmentation(nx.star_graph(4)), 4)   # 1 - (8 + 12/2) / 20
    0.3
    """
    function = "distance_fragmentation"
    _, _, A, alive = _prepare(G, removed, function)
    n = int(alive.sum())
    if n < 2:
        return 1.0
    sources = None
    if n_sources is not None:
        n_sources = check_int(n_sources, "n_sources", function, 1, 10**9)
        if n_sources < n:
            sources = np.sort(make_rng(seed).choice(n, size=n_sources, replace=False))
    total, used = _inverse_distance_sum(A, alive, sources)
    return 1.0 - total / (used * (n - 1))


def reach(G, nodes, steps=1, distance_weighted=False):
    """Reach of the set ``nodes``: the share of the other nodes within ``steps`` steps of
    it, or (``distance_weighted=True``) the mean of ``1 / d(set, j)`` over the other nodes.

    >>> import networkx as nx
    >>> reach(nx.path_graph(5), [0])
    0.25
    >>> reach(nx.path_graph(5), [0], steps=2), reach(nx.path_graph(5), [2])
    (0.5, 0.5)
    >>> reach(nx.path_graph(3), [0], distance_weighted=True)   # (1/1 + 1/2) / 2
    0.75
    """
    function = "reach"
    all_nodes, index, A, alive = _prepare(G, nodes, function)
    steps = check_int(steps, "steps", function, 1, max(1, len(all_nodes)))
    chosen = np.flatnonzero(~alive)
    others = alive.sum()
    if chosen.size == 0 or others == 0:
        return 0.0
    limit = np.inf if distance_weighted else steps
    d = csgraph.dijkstra(A, directed=False, unweighted=True, indices=chosen, limit=limit,
                         min_only=True)
    d = d[alive]
    if distance_weighted:
        with np.errstate(divide="ignore"):
            inverse = np.where(np.isfinite(d), 1.0 / d, 0.0)
        return float(inverse.sum() / others)
    return float(np.isfinite(d).sum() / others)


# --------------------------------------------------------------------------- KPP-Neg


def _csr_lists(A):
    return A.indptr.tolist(), A.indices.tolist()


def _removal_sums(indptr, indices, alive):
    """For each alive node v: sum of s^2 over the components left after removing v (and
    the already removed nodes); -1 for removed nodes. One iterative DFS (Tarjan)."""
    n = len(alive)
    disc = [-1] * n
    low = [0] * n
    size = [1] * n
    sep_sq = [0] * n
    sep_size = [0] * n
    component_of = [0] * n
    roots = []
    clock = 0
    for root in range(n):
        if not alive[root] or disc[root] >= 0:
            continue
        disc[root] = low[root] = clock
        clock += 1
        component_of[root] = len(roots)
        stack = [(root, -1, indptr[root])]
        while stack:
            v, parent, pos = stack[-1]
            end = indptr[v + 1]
            advanced = False
            while pos < end:
                w = indices[pos]
                pos += 1
                if not alive[w] or w == parent:
                    continue
                if disc[w] < 0:
                    stack[-1] = (v, parent, pos)
                    disc[w] = low[w] = clock
                    clock += 1
                    component_of[w] = len(roots)
                    stack.append((w, v, indptr[w]))
                    advanced = True
                    break
                if disc[w] < low[v]:
                    low[v] = disc[w]
            if advanced:
                continue
            stack.pop()
            if parent >= 0:
                if low[v] < low[parent]:
                    low[parent] = low[v]
                size[parent] += size[v]
                if low[v] >= disc[parent]:  # v's subtree falls off when parent goes
                    sep_sq[parent] += size[v] * size[v]
                    sep_size[parent] += size[v]
        roots.append(root)
    sizes = np.array([size[r] for r in roots], dtype=np.int64)
    total = int((sizes * sizes).sum())
    out = np.full(n, -1, dtype=np.int64)
    for v in range(n):
        if alive[v]:
            s = int(sizes[component_of[v]])
            rest = s - 1 - sep_size[v]
            out[v] = total - s * s + sep_sq[v] + rest * rest
    return out


def _pick_min(values, mask, rng):
    """Index of the smallest of ``values`` over ``mask``; ties broken at random."""
    candidates = np.flatnonzero(mask)
    best = values[candidates].min()
    tied = candidates[values[candidates] == best]
    return int(tied[0] if tied.size == 1 else rng.choice(tied)), best


def _pool(A, candidates):
    """Indices of the candidate pool: all nodes, or the ``candidates`` of highest degree."""
    degree = np.asarray(A.sum(axis=1)).ravel()
    order = np.lexsort((np.arange(degree.size), -degree))
    if candidates is None or candidates >= degree.size:
        return np.sort(order)
    return np.sort(order[:candidates])


def _multistart(search, k, pool, rng, n_starts):
    """Run ``search(start)`` from the greedy start (``None``) and ``n_starts - 1`` random
    sets drawn from ``pool``; return the best ``(value, chosen, swaps)`` (higher is better;
    the first start wins ties)."""
    best = None
    for i in range(n_starts):
        start = None if i == 0 else [int(v) for v in rng.choice(pool, size=k, replace=False)]
        value, chosen, swaps = search(start)
        if best is None or value > best[0]:
            best = (value, chosen, swaps)
    return best


def _kpp_neg_fragmentation(A, k, rng, max_iter, start):
    """Greedy (``start=None``) or given start, then best-swap rounds; maximises F by
    minimising the sum of squared component sizes. Returns ``(-sum, chosen, swaps)``."""
    indptr, indices = _csr_lists(A)
    n = A.shape[0]
    alive = np.ones(n, dtype=bool)
    chosen = []
    if start is None:
        for _ in range(k):
            v, _ = _pick_min(_removal_sums(indptr, indices, alive), alive, rng)
            alive[v] = False
            chosen.append(v)
    else:
        chosen = list(start)
        alive[chosen] = False
    current = int((_component_sizes(A, alive) ** 2).sum())
    swaps = 0
    for _ in range(max_iter):
        best = (current, None, None)
        for position, u in enumerate(chosen):
            alive[u] = True
            sums = _removal_sums(indptr, indices, alive)
            mask = alive.copy()
            mask[u] = False
            v, value = _pick_min(sums, mask, rng)
            alive[u] = False
            if value < best[0]:
                best = (value, position, v)
        if best[1] is None:
            break
        value, position, v = best
        alive[chosen[position]] = True
        alive[v] = False
        chosen[position] = v
        current = value
        swaps += 1
    return -current, chosen, swaps


def _kpp_neg_distance(A, k, rng, max_iter, pool, n_sources, source_seed, start):
    """Greedy or given start, then best-swap rounds over ``pool``, maximising DF (estimated
    from ``n_sources`` BFS sources drawn the same way for every set compared)."""
    n = A.shape[0]

    def score(removed):
        alive = np.ones(n, dtype=bool)
        alive[list(removed)] = False
        m = int(alive.sum())
        if m < 2:
            return 1.0
        sources = None
        if n_sources is not None and n_sources < m:
            source_rng = np.random.default_rng(source_seed)
            sources = np.sort(source_rng.choice(m, size=n_sources, replace=False))
        total, used = _inverse_distance_sum(A, alive, sources)
        return 1.0 - total / (used * (m - 1))

    if start is None:
        chosen = []
        for _ in range(k):
            values = np.array([-np.inf if v in chosen else score(chosen + [int(v)])
                               for v in pool])
            i, _ = _pick_min(-values, np.isfinite(values), rng)
            chosen.append(int(pool[i]))
    else:
        chosen = list(start)
    current = score(chosen)
    swaps = 0
    for _ in range(max_iter):
        best = (current, None, None)
        for position in range(k):
            for v in pool:
                if v in chosen:
                    continue
                trial = chosen.copy()
                trial[position] = int(v)
                value = score(trial)
                if value > best[0] + 1e-12:
                    best = (value, position, int(v))
        if best[1] is None:
            break
        current, position, v = best
        chosen[position] = v
        swaps += 1
    return current, chosen, swaps


def kpp_neg(G, k, criterion="fragmentation", seed=None, max_iter=100, n_starts=1,
            candidates=None, n_sources=None):
    """The ``k`` nodes whose removal most fragments ``G`` (Borgatti's KPP-Neg).

    Greedy start (each step removes the node that raises the criterion most) followed by
    swap rounds: each round makes the single best swap of a chosen node for an outside one,
    until no swap improves the score or ``max_iter`` rounds were made. ``n_starts > 1``
    adds random starting sets (each improved by swaps) and keeps the best. Ties are broken
    at random from ``seed``.

    Parameters
    ----------
    G : networkx graph
        Measured on its undirected view.
    k : int
        Set size, in ``[1, n - 2]``.
    criterion : {"fragmentation", "distance"}
        F (exact and fast on every node) or DF (shortest paths: the search is restricted
        to ``candidates`` and may estimate DF from ``n_sources`` BFS sources).
    candidates : int, optional
        For ``criterion="distance"``, search only the ``candidates`` highest-degree nodes
        (default: every node; set it for graphs of more than a few hundred nodes).
    n_sources : int, optional
        For ``criterion="distance"``, estimate DF from this many BFS sources (the same
        draw for every set compared).

    Returns
    -------
    KeyPlayerSet
        ``score`` is F or DF of ``G`` with the set removed.

    >>> import networkx as nx
    >>> G = nx.karate_club_graph()
    >>> result = kpp_neg(G, 2, seed=0)
    >>> sorted(result.nodes), round(result.score, 4)
    ([0, 1], 0.4234)
    >>> round(fragmentation(G, [0, 33]), 4)   # the two highest-degree members
    0.3246
    >>> kpp_neg(G, 0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'k' parameter ... in [1, 32]. Got 0 instead.
    """
    function = "kpp_neg"
    _check_choice(criterion, "criterion", function, NEG_CRITERIA)
    nodes, _, A, _ = _prepare(G, (), function)
    n = len(nodes)
    if n < 3:
        raise InvalidParameterError(
            f"The 'G' parameter of {function} must have at least 3 nodes. Got {n}."
        )
    k = check_int(k, "k", function, 1, n - 2)
    max_iter = check_int(max_iter, "max_iter", function, 0, 10**9)
    n_starts = check_int(n_starts, "n_starts", function, 1, 10**6)
    rng = make_rng(seed)
    if criterion == "fragmentation":
        _, chosen, swaps = _multistart(
            lambda start: _kpp_neg_fragmentation(A, k, rng, max_iter, start),
            k, np.arange(n), rng, n_starts)
        alive = np.ones(n, dtype=bool)
        alive[chosen] = False
        score = _fragmentation_from_sizes(_component_sizes(A, alive))
    else:
        if candidates is not None:
            candidates = check_int(candidates, "candidates", function, k, n)
        if n_sources is not None:
            n_sources = check_int(n_sources, "n_sources", function, 1, n)
        pool = _pool(A, candidates)
        source_seed = int(rng.integers(2**32))
        score, chosen, swaps = _multistart(
            lambda start: _kpp_neg_distance(A, k, rng, max_iter, pool, n_sources,
                                            source_seed, start),
            k, pool, rng, n_starts)
        if n_sources is None:
            score = distance_fragmentation(G, [nodes[i] for i in chosen])
    return KeyPlayerSet(tuple(nodes[i] for i in chosen), float(score), criterion, swaps)


# --------------------------------------------------------------------------- KPP-Pos


def _reach_matrix(A, steps):
    """Boolean CSR: row v marks the nodes within ``steps`` of v (v itself excluded)."""
    n = A.shape[0]
    step = (A + sp.eye_array(n, dtype=np.int8, format="csr")).astype(bool).astype(np.int32)
    R = step.copy()
    for _ in range(steps - 1):
        R = (R @ step).astype(bool).astype(np.int32)
    R = R.tolil()
    R.setdiag(0)
    R = R.tocsr()
    R.eliminate_zeros()
    return R


def _kpp_pos_reach(R, k, rng, max_iter, start):
    """Greedy (max coverage) or given start, then best-swap rounds; returns
    ``(others reached, chosen, swaps)``."""
    n = R.shape[0]

    def row(v):
        return R[[v]].toarray().ravel().astype(np.int64)

    def totals(count, member):
        """Others reached by the set plus v, for every v (v leaves the others)."""
        base = int(((count > 0) & ~member).sum())
        open_ = ((count == 0) & ~member).astype(np.int64)
        return (base + R @ open_ - (count > 0)).astype(float)

    counts = np.zeros(n, dtype=np.int64)  # how many chosen nodes reach j
    in_set = np.zeros(n, dtype=bool)
    chosen = [] if start is None else list(start)
    for v in chosen:
        in_set[v] = True
        counts += row(v)
    while len(chosen) < k:
        v, _ = _pick_min(-totals(counts, in_set), ~in_set, rng)
        chosen.append(v)
        in_set[v] = True
        counts += row(v)
    score = int(((counts > 0) & ~in_set).sum())
    swaps = 0
    for _ in range(max_iter):
        best = (score, None, None)
        for position, u in enumerate(chosen):
            count = counts - row(u)
            member = in_set.copy()
            member[u] = False
            mask = ~member
            mask[u] = False
            v, value = _pick_min(-totals(count, member), mask, rng)
            if -value > best[0]:
                best = (int(-value), position, v)
        if best[1] is None:
            break
        score, position, v = best
        u = chosen[position]
        counts += row(v) - row(u)
        in_set[u], in_set[v] = False, True
        chosen[position] = v
        swaps += 1
    return score, chosen, swaps


def _kpp_pos_distance(inverse, pool, k, rng, max_iter, start):
    """Greedy or given start, then best-swap rounds maximising the sum of ``1 / d(set, j)``
    over the others; ``inverse`` holds ``1 / d`` from each pool node (0 to itself)."""
    n = inverse.shape[1]
    row_of = {int(v): i for i, v in enumerate(pool)}

    def totals(rest, member):
        """The total for ``rest`` plus each pool node (pool nodes in ``member`` get -inf)."""
        base = inverse[[row_of[v] for v in rest]].max(axis=0) if rest else np.zeros(n)
        others = ~member
        values = (np.maximum(inverse, base) * others).sum(axis=1) - base[pool] * others[pool]
        values[member[pool]] = -np.inf
        return values

    member = np.zeros(n, dtype=bool)
    chosen = [] if start is None else list(start)
    member[chosen] = True
    while len(chosen) < k:
        i, _ = _pick_min(-totals(chosen, member), ~member[pool], rng)
        chosen.append(int(pool[i]))
        member[pool[i]] = True
    best_now = inverse[[row_of[v] for v in chosen]].max(axis=0)
    score = float(best_now[~member].sum())
    swaps = 0
    for _ in range(max_iter):
        best = (score, None, None)
        for position, u in enumerate(chosen):
            rest = [v for j, v in enumerate(chosen) if j != position]
            trial = member.copy()
            trial[u] = False
            values = totals(rest, trial)
            values[row_of[u]] = -np.inf
            i, value = _pick_min(-values, np.isfinite(values), rng)
            if -value > best[0] + 1e-9:
                best = (float(-value), position, int(pool[i]))
        if best[1] is None:
            break
        score, position, v = best
        member[chosen[position]] = False
        member[v] = True
        chosen[position] = v
        swaps += 1
    return score, chosen, swaps


def kpp_pos(G, k, steps=1, criterion="reach", seed=None, max_iter=100, n_starts=1,
            candidates=None):
    """The ``k`` nodes that together reach the most others (Borgatti's KPP-Pos): the
    accounts to watch, or to reach with a message.

    Greedy start plus best-swap rounds (at most ``max_iter``), ties broken from ``seed``;
    ``n_starts > 1`` adds random starting sets and keeps the best (a single swap cannot
    always leave a local optimum). ``criterion="reach"`` counts the others within ``steps``
    steps (score: their share); ``criterion="distance"`` maximises distance-weighted reach
    (the mean of ``1 / d``), searching the ``candidates`` highest-degree nodes (default
    all: it keeps a candidates x n distance matrix).

    >>> import networkx as nx
    >>> result = kpp_pos(nx.star_graph(5), 1)
    >>> result.nodes, result.score
    ((0,), 1.0)
    >>> kpp_pos(nx.path_graph(7), 2, seed=0, n_starts=5).score   # e.g. 1 and 5 reach 0, 2, 4, 6
    0.8
    """
    function = "kpp_pos"
    _check_choice(criterion, "criterion", function, POS_CRITERIA)
    nodes, _, A, _ = _prepare(G, (), function)
    n = len(nodes)
    if n < 2:
        raise InvalidParameterError(
            f"The 'G' parameter of {function} must have at least 2 nodes. Got {n}."
        )
    k = check_int(k, "k", function, 1, n - 1)
    steps = check_int(steps, "steps", function, 1, n)
    max_iter = check_int(max_iter, "max_iter", function, 0, 10**9)
    n_starts = check_int(n_starts, "n_starts", function, 1, 10**6)
    rng = make_rng(seed)
    if criterion == "reach":
        R = _reach_matrix(A, steps)
        _, chosen, swaps = _multistart(lambda start: _kpp_pos_reach(R, k, rng, max_iter, start),
                                       k, np.arange(n), rng, n_starts)
    else:
        if candidates is not None:
            candidates = check_int(candidates, "candidates", function, k, n)
        pool = _pool(A, candidates)
        d = csgraph.shortest_path(A, method="D", directed=False, unweighted=True,
                                  indices=pool)
        with np.errstate(divide="ignore"):
            inverse = np.where(np.isfinite(d) & (d > 0), 1.0 / d, 0.0)
        _, chosen, swaps = _multistart(
            lambda start: _kpp_pos_distance(inverse, pool, k, rng, max_iter, start),
            k, pool, rng, n_starts)
    chosen_nodes = [nodes[i] for i in chosen]
    score = reach(G, chosen_nodes, steps=steps, distance_weighted=criterion == "distance")
    return KeyPlayerSet(tuple(chosen_nodes), float(score), criterion, swaps)
