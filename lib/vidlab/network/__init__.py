"""Offender-network analysis of forum data: graphs, measures, key players, roles, aliases.

Read a forum (:func:`~vidlab.network.data.load_forum`), build graphs from its tables
(:mod:`~vidlab.network.build`), measure who is central (:mod:`~vidlab.network.measures`),
find key players (:mod:`~vidlab.network.keyplayers`), simulate disruption
(:mod:`~vidlab.network.disruption`), classify roles (:mod:`~vidlab.network.roles`), link
aliases across platforms (:mod:`~vidlab.network.aliases`) and export for Gephi
(:mod:`~vidlab.network.export`); every measure runs on networkx or igraph
(:mod:`~vidlab.network.backends`).

>>> import networkx as nx
>>> from vidlab.network import kpp_neg, node_measures
>>> node_measures(nx.florentine_families_graph()).nlargest(1, "betweenness")["node"].item()
'Medici'
"""

from vidlab.network.backends import BACKENDS, has_igraph, to_igraph
from vidlab.network.build import (
    media_graph,
    message_graph,
    project,
    reply_graph,
    thread_graph,
    time_slices,
    to_undirected,
)
from vidlab.network.data import load_forum
from vidlab.network.disruption import STRATEGIES, plot_disruption, simulate_disruption
from vidlab.network.export import make_serialisable, write_gexf, write_graphml
from vidlab.network.keyplayers import (
    KeyPlayerSet,
    distance_fragmentation,
    fragmentation,
    kpp_neg,
    kpp_pos,
    reach,
)
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

__all__ = [
    "BACKENDS",
    "KeyPlayerSet",
    "STRATEGIES",
    "betweenness",
    "communities",
    "components",
    "core_number",
    "degree_table",
    "distance_fragmentation",
    "fragmentation",
    "has_igraph",
    "kpp_neg",
    "kpp_pos",
    "load_forum",
    "make_serialisable",
    "media_graph",
    "message_graph",
    "modularity",
    "node_measures",
    "pagerank",
    "plot_disruption",
    "project",
    "reach",
    "reply_graph",
    "simulate_disruption",
    "thread_graph",
    "time_slices",
    "to_igraph",
    "to_undirected",
    "write_gexf",
    "write_graphml",
]
