"""Write graphs for Gephi, Cytoscape, yEd and other tools: GraphML and GEXF.

Both formats take only plain scalar attributes of one type per key, so
:func:`make_serialisable` cleans a copy first: missing values (None, NaN, NaT) are left
out, lists and sets become ``;``-joined text, timestamps ISO-8601 text, dicts JSON, NumPy
scalars Python ones; a key holding both ints and floats becomes float, any other mix text.

>>> import networkx as nx
>>> G = nx.Graph()
>>> G.add_node("F1", role=None, tags=["admin", "early"], score=np.float64(0.5))
>>> dict(make_serialisable(G).nodes["F1"])
{'tags': 'admin;early', 'score': 0.5}
"""

import datetime as dt
import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from vidlab.exceptions import InvalidParameterError

__all__ = ["make_serialisable", "write_gexf", "write_graphml"]

_MISSING = object()


def _scalar(value):
    """A GraphML/GEXF-friendly version of ``value``, or ``_MISSING`` to leave it out."""
    if value is None or value is pd.NA or value is pd.NaT:
        return _MISSING
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return _MISSING if math.isnan(value) else float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, pd.Timestamp | dt.datetime | np.datetime64):
        stamp = pd.Timestamp(value)
        if pd.isna(stamp):
            return _MISSING
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert("UTC")
            return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        return stamp.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return ";".join(sorted(str(item) for item in value))
    if isinstance(value, list | tuple | np.ndarray | pd.Series):
        return ";".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _clean(items):
    """Clean the attribute dicts of ``items`` (a list of dicts) in place, one type per key."""
    types = {}
    for attributes in items:
        for key in list(attributes):
            value = _scalar(attributes[key])
            if value is _MISSING:
                del attributes[key]
            else:
                attributes[key] = value
                types.setdefault(key, set()).add(type(value))
    for key, found in types.items():
        if len(found) == 1:
            continue
        target = float if found == {int, float} else str
        for attributes in items:
            if key in attributes:
                attributes[key] = target(attributes[key])


def make_serialisable(G):
    """A copy of ``G`` whose graph, node and edge attributes GraphML and GEXF can write, and
    whose node ids are strings (an id clash after ``str()`` is an error).

    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge(1, 2, weight=2)
    >>> G.add_edge(2, 3, weight=0.5)
    >>> H = make_serialisable(G)
    >>> sorted(H.edges(data="weight"))
    [('1', '2', 2.0), ('2', '3', 0.5)]
    """
    if not isinstance(G, nx.Graph):
        raise InvalidParameterError(
            "The 'G' parameter of make_serialisable must be a networkx graph. "
            f"Got {type(G).__name__} instead."
        )
    names = {node: str(node) for node in G}
    if len(set(names.values())) != len(names):
        raise InvalidParameterError(
            "The 'G' parameter of make_serialisable has distinct nodes with the same text "
            "id (e.g. 1 and '1'); relabel them before export."
        )
    H = nx.relabel_nodes(G, names, copy=True)
    H.graph = dict(H.graph)
    _clean([H.graph])
    _clean([data for _, data in H.nodes(data=True)])
    _clean([data for *_, data in H.edges(data=True)])
    return H


def _target(path, function):
    if not isinstance(path, str | Path):
        raise InvalidParameterError(
            f"The 'path' parameter of {function} must be a file path. "
            f"Got {type(path).__name__} instead."
        )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_graphml(G, path):
    """Write ``G`` (cleaned by :func:`make_serialisable`) as GraphML; return the path.

    >>> import networkx as nx, tempfile, pathlib
    >>> G = nx.DiGraph()
    >>> G.add_edge("F1", "F2", weight=3, first="2023-01-01T00:00:00Z")
    >>> path = write_graphml(G, pathlib.Path(tempfile.mkdtemp()) / "replies.graphml")
    >>> nx.read_graphml(path)["F1"]["F2"]["weight"]
    3
    """
    path = _target(path, "write_graphml")
    nx.write_graphml(make_serialisable(G), path)
    return path


def write_gexf(G, path):
    """Write ``G`` (cleaned by :func:`make_serialisable`) as GEXF 1.2 for Gephi; return
    the path.

    >>> import networkx as nx, tempfile, pathlib
    >>> G = nx.Graph([("F1", "F2")])
    >>> G.nodes["F1"]["communities"] = {2, 1}
    >>> path = write_gexf(G, pathlib.Path(tempfile.mkdtemp()) / "replies.gexf")
    >>> nx.read_gexf(path).nodes["F1"]["communities"]
    '1;2'
    """
    path = _target(path, "write_gexf")
    nx.write_gexf(make_serialisable(G), path)
    return path
