"""Build graphs from forum tables: who replies to whom, who messages whom, who is active in
which thread or shares which media, and the same per time period.

Input tables follow the forum contract (``posts``, ``messages``, ``shares``, ``accounts``
as pandas DataFrames, times as ISO-8601 UTC strings); node ids are the ``account_id``
strings (plus ``thread_id`` / ``media_id`` on the item side of bipartite graphs).
Directed edges carry ``weight`` (how many posts or messages), ``first`` and ``last`` (ISO
times of the first and last one).

>>> import pandas as pd
>>> posts = pd.DataFrame({
...     "post_id": ["P1", "P2", "P3", "P4"], "thread_id": ["T1", "T1", "T1", "T2"],
...     "account_id": ["F1", "F2", "F3", "F2"],
...     "time": ["2023-01-01T10:00:00Z", "2023-01-02T10:00:00Z", "2023-01-03T10:00:00Z",
...              "2023-02-01T10:00:00Z"],
...     "reply_to_account": ["", "F1", "F1", ""]})
>>> G = reply_graph(posts)
>>> sorted(G.edges(data="weight"))
[('F2', 'F1', 1), ('F3', 'F1', 1)]
>>> sorted(project(thread_graph(posts)).edges(data="weight"))
[('F1', 'F2', 1), ('F1', 'F3', 1), ('F2', 'F3', 1)]
"""

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError

__all__ = [
    "media_graph",
    "message_graph",
    "project",
    "reply_graph",
    "thread_graph",
    "time_slices",
    "to_undirected",
]

TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
PROJECTION_METHODS = ("shared", "newman")


def _ids(series):
    """``series`` as strings with missing values (NaN, None, "") as ""."""
    return series.astype("string").fillna("").str.strip().astype(object)


def _utc(series):
    return pd.to_datetime(series, utc=True, format="ISO8601")


def _directed_graph(frame, source, target, function, parameter, accounts, self_loops,
                    isolates):
    require_columns(frame, [source, target, "time"], function, parameter)
    edges = pd.DataFrame({"u": _ids(frame[source]), "v": _ids(frame[target]),
                          "time": _utc(frame["time"])})
    G = nx.DiGraph()
    G.add_nodes_from(sorted(set(edges["u"]) - {""}))
    edges = edges[(edges["u"] != "") & (edges["v"] != "")]
    if not self_loops:
        edges = edges[edges["u"] != edges["v"]]
    if len(edges):
        grouped = edges.groupby(["u", "v"], sort=True)["time"].agg(["size", "min", "max"])
        first = grouped["min"].dt.strftime(TIME_FORMAT)
        last = grouped["max"].dt.strftime(TIME_FORMAT)
        G.add_edges_from(
            (u, v, {"weight": int(size), "first": f, "last": la})
            for (u, v), size, f, la in zip(grouped.index, grouped["size"], first, last,
                                          strict=True)
        )
    _add_accounts(G, accounts, function, isolates)
    return G


def _add_accounts(G, accounts, function, isolates):
    if accounts is None:
        if isolates:
            raise InvalidParameterError(
                f"The 'isolates' parameter of {function} needs the 'accounts' table: "
                "pass accounts=... to add accounts without activity."
            )
        return
    require_columns(accounts, ["account_id"], function, "accounts")
    table = accounts.assign(account_id=_ids(accounts["account_id"]))
    table = table[table["account_id"] != ""].drop_duplicates("account_id")
    if isolates:
        G.add_nodes_from(sorted(set(table["account_id"]) - set(G)))
    present = set(G)
    for record in table.to_dict("records"):
        node = record.pop("account_id")
        if node in present:
            G.nodes[node].update({k: v for k, v in record.items() if not _missing(v)})


def _missing(value):
    return value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA


def reply_graph(posts, accounts=None, self_loops=False, isolates=False):
    """Directed reply graph: an edge ``author -> reply_to_account`` per pair that interacted,
    with ``weight`` (number of replies), ``first`` and ``last`` (ISO UTC times).

    Parameters
    ----------
    posts : DataFrame
        Columns ``account_id``, ``reply_to_account`` (empty for an opening post) and ``time``.
    accounts : DataFrame, optional
        Columns ``account_id`` and any others (``platform``, ``handle``...), copied onto the
        nodes as attributes.
    self_loops : bool
        Keep replies to oneself (dropped by default: they say nothing about ties).
    isolates : bool
        Also add the accounts of ``accounts`` that never posted (lurkers).

    Every account that posted is a node, even one nobody replied to.

    >>> posts = pd.DataFrame({"account_id": ["F1", "F2", "F2", "F1"],
    ...     "reply_to_account": [None, "F1", "F1", "F1"],
    ...     "time": ["2023-01-01T10:00:00Z", "2023-01-05T09:00:00Z", "2023-01-02T08:00:00Z",
    ...              "2023-01-03T00:00:00Z"]})
    >>> G = reply_graph(posts)
    >>> dict(G.edges[("F2", "F1")])
    {'weight': 2, 'first': '2023-01-02T08:00:00Z', 'last': '2023-01-05T09:00:00Z'}
    >>> G.number_of_edges()  # F1 answering F1 is a self-loop, dropped
    1
    """
    return _directed_graph(posts, "account_id", "reply_to_account", "reply_graph", "posts",
                           accounts, self_loops, isolates)


def message_graph(messages, accounts=None, self_loops=False, isolates=False):
    """Directed private-message graph: an edge ``sender -> recipient`` with ``weight``
    (number of messages), ``first`` and ``last``. Parameters as :func:`reply_graph`.

    >>> messages = pd.DataFrame({"sender": ["F1", "F1", "F2"], "recipient": ["F2", "F2", "F1"],
    ...     "time": ["2023-01-01T00:00:00Z"] * 3})
    >>> sorted(message_graph(messages).edges(data="weight"))
    [('F1', 'F2', 2), ('F2', 'F1', 1)]
    """
    return _directed_graph(messages, "sender", "recipient", "message_graph", "messages",
                           accounts, self_loops, isolates)


def _bipartite(frame, item, kind, function, parameter):
    require_columns(frame, ["account_id", item], function, parameter)
    pairs = pd.DataFrame({"a": _ids(frame["account_id"]), "i": _ids(frame[item])})
    pairs = pairs[(pairs["a"] != "") & (pairs["i"] != "")]
    counts = pairs.groupby(["a", "i"], sort=True).size()
    accounts = sorted(set(pairs["a"]))
    items = sorted(set(pairs["i"]))
    clash = set(accounts) & set(items)
    if clash:
        raise InvalidParameterError(
            f"The {parameter!r} parameter of {function}: ids {sorted(clash)[:3]} are used both "
            f"as account_id and as {item}; bipartite node ids must be distinct."
        )
    B = nx.Graph()
    B.add_nodes_from(accounts, bipartite=0, kind="account")
    B.add_nodes_from(items, bipartite=1, kind=kind)
    B.add_edges_from((a, i, {"weight": int(w)}) for (a, i), w in counts.items())
    return B


def thread_graph(posts):
    """Bipartite account x thread graph: an edge ``account -- thread`` with ``weight`` =
    the account's posts in the thread. Nodes have ``bipartite`` (0 account, 1 thread) and
    ``kind`` ("account" or "thread").

    >>> posts = pd.DataFrame({"account_id": ["F1", "F1", "F2"], "thread_id": ["T1"] * 3})
    >>> B = thread_graph(posts)
    >>> B["F1"]["T1"]["weight"], B.nodes["T1"]["kind"]
    (2, 'thread')
    """
    return _bipartite(posts, "thread_id", "thread", "thread_graph", "posts")


def media_graph(shares):
    """Bipartite account x media graph from ``shares`` (columns ``account_id``,
    ``media_id``): ``weight`` = how often the account shared the item.

    >>> shares = pd.DataFrame({"account_id": ["F1", "F2"], "media_id": ["D1", "D1"]})
    >>> sorted(media_graph(shares).edges())
    [('F1', 'D1'), ('F2', 'D1')]
    """
    return _bipartite(shares, "media_id", "media", "media_graph", "shares")


def project(B, side="account", method="shared", max_item_degree=None):
    """Weighted one-mode projection of a bipartite graph from :func:`thread_graph` or
    :func:`media_graph` onto its ``side`` ("account" or the item kind).

    ``method="shared"``: ``weight`` = number of items two accounts share;
    ``method="newman"``: each shared item with ``d`` accounts adds ``1 / (d - 1)``
    (Newman 2001: a thread of two says more than a thread of two hundred).
    ``max_item_degree`` skips items linked to more accounts than that (a busy announcement
    thread otherwise ties everyone to everyone). Edges also carry ``n_shared``.

    >>> B = thread_graph(pd.DataFrame({"account_id": ["F1", "F2", "F3", "F1", "F2"],
    ...                                "thread_id": ["T1", "T1", "T1", "T2", "T2"]}))
    >>> sorted(project(B).edges(data="weight"))
    [('F1', 'F2', 2), ('F1', 'F3', 1), ('F2', 'F3', 1)]
    >>> round(project(B, method="newman")["F1"]["F2"]["weight"], 3)
    1.5
    """
    function = "project"
    if method not in PROJECTION_METHODS:
        raise InvalidParameterError(
            f"The 'method' parameter of {function} must be one of "
            f"{', '.join(map(repr, PROJECTION_METHODS))}. Got {method!r} instead."
        )
    kinds = {data.get("kind") for _, data in B.nodes(data=True)}
    if B.number_of_nodes() == 0:
        return nx.Graph()   # e.g. an empty time slice
    if side not in kinds:
        raise InvalidParameterError(
            f"The 'side' parameter of {function} must be a node kind of the graph "
            f"({', '.join(sorted(map(str, kinds - {None})))}). Got {side!r} instead."
        )
    keep = sorted(node for node, kind in B.nodes(data="kind") if kind == side)
    other = sorted(node for node, kind in B.nodes(data="kind") if kind != side)
    row = {node: i for i, node in enumerate(keep)}
    col = {node: j for j, node in enumerate(other)}
    pairs = [(row[u], col[v]) if u in row else (row[v], col[u]) for u, v in B.edges()]
    P = nx.Graph()
    P.add_nodes_from((node, B.nodes[node]) for node in keep)
    if not pairs:
        return P
    index = np.array(pairs, dtype=np.int64)
    M = sp.csr_array((np.ones(len(index)), (index[:, 0], index[:, 1])),
                     shape=(len(keep), len(other)))
    M.data[:] = 1.0
    degree = np.asarray(M.sum(axis=0)).ravel()
    mask = degree >= 2
    if max_item_degree is not None:
        mask &= degree <= max_item_degree
    M = M[:, np.flatnonzero(mask)]
    degree = degree[mask]
    shared = sp.triu(M @ M.T, k=1).tocoo()
    if method == "newman":
        newman = sp.triu((M * (1.0 / (degree - 1))) @ M.T, k=1).tocoo()
        weights = dict(zip(zip(newman.row, newman.col, strict=True), newman.data, strict=True))
    for i, j, n_shared in zip(shared.row, shared.col, shared.data, strict=True):
        weight = int(n_shared) if method == "shared" else float(weights[(i, j)])
        P.add_edge(keep[i], keep[j], weight=weight, n_shared=int(n_shared))
    return P


def to_undirected(G):
    """Undirected view of a directed reply or message graph: ``u -- v`` carries the summed
    ``weight`` of both directions, the earliest ``first`` and latest ``last``; node
    attributes are kept.

    >>> G = nx.DiGraph()
    >>> G.add_edge("a", "b", weight=2, first="2023-01-02T00:00:00Z", last="2023-01-03T00:00:00Z")
    >>> G.add_edge("b", "a", weight=1, first="2023-01-01T00:00:00Z", last="2023-01-02T00:00:00Z")
    >>> dict(to_undirected(G)["a"]["b"])
    {'weight': 3, 'first': '2023-01-01T00:00:00Z', 'last': '2023-01-03T00:00:00Z'}
    """
    if not G.is_directed():
        return G.copy()
    H = nx.Graph()
    H.add_nodes_from(G.nodes(data=True))
    for u, v, data in G.edges(data=True):
        if H.has_edge(u, v):
            edge = H[u][v]
            edge["weight"] = edge.get("weight", 1) + data.get("weight", 1)
            for key, pick in (("first", min), ("last", max)):
                if key in data:
                    edge[key] = pick(edge[key], data[key]) if key in edge else data[key]
        else:
            H.add_edge(u, v, **{"weight": 1, **data})
    return H


def time_slices(frame, builder=reply_graph, freq="M", **kwargs):
    """One graph per period: ``{"2023-01": graph, "2023-02": graph, ...}`` in time order.

    ``builder`` (default :func:`reply_graph`) is called on the rows of ``frame`` whose
    ``time`` falls in each period, with ``kwargs``; ``freq`` is a pandas period alias
    ("M" month, "W" week, "D" day, "Q" quarter, "Y" year). Periods with no rows between the
    first and the last get an empty graph, so a takedown shows as a gap.

    >>> posts = pd.DataFrame({"account_id": ["F2", "F3", "F2"],
    ...     "reply_to_account": ["F1", "F1", "F3"],
    ...     "time": ["2023-01-05T00:00:00Z", "2023-03-01T00:00:00Z", "2023-03-02T00:00:00Z"]})
    >>> {period: g.number_of_edges() for period, g in time_slices(posts).items()}
    {'2023-01': 1, '2023-02': 0, '2023-03': 2}
    """
    function = "time_slices"
    require_columns(frame, ["time"], function, "frame")
    if not callable(builder):
        raise InvalidParameterError(
            f"The 'builder' parameter of {function} must be a function such as reply_graph. "
            f"Got {builder!r} instead."
        )
    times = _utc(frame["time"]).dt.tz_localize(None)
    try:
        periods = times.dt.to_period(freq)
    except (ValueError, TypeError) as error:
        raise InvalidParameterError(
            f"The 'freq' parameter of {function} must be a pandas period alias such as 'M', "
            f"'W', 'D', 'Q' or 'Y'. Got {freq!r} instead."
        ) from error
    if len(frame) == 0:
        return {}
    slices = {}
    for period in pd.period_range(periods.min(), periods.max(), freq=periods.dt.freq):
        slices[str(period)] = builder(frame[(periods == period).to_numpy()], **kwargs)
    return slices
