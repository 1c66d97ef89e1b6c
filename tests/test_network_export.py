"""Tests of vidlab.network.export: GraphML and GEXF with clean attributes."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.network.build import reply_graph
from vidlab.network.export import make_serialisable, write_gexf, write_graphml


@pytest.fixture
def graph():
    posts = pd.DataFrame({"account_id": ["F1", "F2", "F2"], "reply_to_account": ["", "F1", "F1"],
                          "time": ["2023-01-01T00:00:00Z", "2023-01-02T00:00:00Z",
                                   "2023-01-03T00:00:00Z"]})
    accounts = pd.DataFrame({"account_id": ["F1", "F2"], "handle": ["quiet_lantern42", None],
                             "joined": ["2022-12-01T00:00:00Z", "2022-12-02T00:00:00Z"]})
    G = reply_graph(posts, accounts=accounts)
    G.nodes["F1"].update(roles=["administrator", "producer"], community=np.int64(2),
                         betweenness=np.float32(0.25), core=True, seen=pd.Timestamp(
                             "2023-01-01 10:00", tz="Europe/Berlin"), score=float("nan"),
                         aliases={"B00002", "B00001"}, meta={"b": 1, "a": None})
    G.nodes["F2"].update(community=3, betweenness=0.0, core=np.bool_(False))
    G.graph["name"] = "replies"
    G.graph["built"] = None
    return G


def test_make_serialisable_cleans_every_attribute(graph):
    H = make_serialisable(graph)
    f1 = H.nodes["F1"]
    assert f1["roles"] == "administrator;producer"
    assert f1["aliases"] == "B00001;B00002"
    assert f1["community"] == 2 and type(f1["community"]) is int
    assert type(f1["betweenness"]) is float and f1["betweenness"] == 0.25
    assert f1["core"] is True and H.nodes["F2"]["core"] is False
    assert f1["seen"] == "2023-01-01T09:00:00Z"
    assert f1["meta"] == '{"a": null, "b": 1}'
    assert "score" not in f1 and "handle" not in H.nodes["F2"]
    assert H.graph == {"name": "replies"}
    assert graph.nodes["F1"]["roles"] == ["administrator", "producer"]   # the input is intact


def test_mixed_types_per_key_are_unified():
    G = nx.Graph()
    G.add_node("a", x=1, y=1, z=True)
    G.add_node("b", x=2.5, y="two", z=0)
    H = make_serialisable(G)
    assert (H.nodes["a"]["x"], H.nodes["b"]["x"]) == (1.0, 2.5)
    assert (H.nodes["a"]["y"], H.nodes["b"]["y"]) == ("1", "two")
    assert (H.nodes["a"]["z"], H.nodes["b"]["z"]) == ("True", "0")


def test_node_ids_become_strings_and_clashes_are_refused():
    H = make_serialisable(nx.path_graph(3))
    assert list(H) == ["0", "1", "2"]
    G = nx.Graph([(1, "1")])
    with pytest.raises(InvalidParameterError, match="same text id"):
        make_serialisable(G)


def test_graphml_round_trip(graph, tmp_path):
    path = write_graphml(graph, tmp_path / "out" / "replies.graphml")
    back = nx.read_graphml(path)
    assert back.is_directed()
    assert back["F2"]["F1"] == {"weight": 2, "first": "2023-01-02T00:00:00Z",
                                "last": "2023-01-03T00:00:00Z"}
    assert back.nodes["F1"]["roles"] == "administrator;producer"
    assert back.nodes["F1"]["community"] == 2
    assert back.nodes["F1"]["core"] is True
    assert back.nodes["F1"]["handle"] == "quiet_lantern42"
    again = write_graphml(graph, tmp_path / "again.graphml")
    assert again.read_bytes() == path.read_bytes()   # deterministic


def test_gexf_round_trip(graph, tmp_path):
    path = write_gexf(graph, tmp_path / "replies.gexf")
    back = nx.read_gexf(path)
    assert set(back.edges()) == {("F2", "F1")}
    assert back["F2"]["F1"]["weight"] == 2
    assert back.nodes["F1"]["aliases"] == "B00001;B00002"
    assert back.nodes["F2"]["betweenness"] == 0.0


def test_bad_path():
    with pytest.raises(InvalidParameterError, match="'path' parameter of write_gexf"):
        write_gexf(nx.path_graph(2), 3)
