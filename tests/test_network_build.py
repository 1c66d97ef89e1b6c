"""Tests of vidlab.network.build: reply, message and bipartite graphs, projections, slices."""

import io

import networkx as nx
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.network.build import (
    media_graph,
    message_graph,
    project,
    reply_graph,
    thread_graph,
    time_slices,
    to_undirected,
)


@pytest.fixture
def posts():
    return pd.DataFrame({
        "post_id": ["P1", "P2", "P3", "P4", "P5", "P6", "P7"],
        "platform": ["forum"] * 7,
        "thread_id": ["T1", "T1", "T1", "T1", "T2", "T2", "T3"],
        "account_id": ["F1", "F2", "F3", "F2", "F4", "F2", "F5"],
        "time": ["2023-01-01T10:00:00Z", "2023-01-02T10:00:00Z", "2023-01-03T10:00:00Z",
                 "2023-03-04T10:00:00Z", "2023-03-05T10:00:00Z", "2023-03-06T10:00:00Z",
                 "2023-03-07T10:00:00Z"],
        "reply_to": ["", "P1", "P1", "P3", "", "P5", ""],
        "reply_to_account": ["", "F1", "F1", "F3", "", "F4", ""],
    })


@pytest.fixture
def accounts():
    return pd.DataFrame({
        "account_id": ["F1", "F2", "F3", "F4", "F5", "F6"],
        "platform": ["forum"] * 6,
        "handle": ["quiet_lantern42", "amber_kettle7", "stone_bridge3", "blue_teapot9",
                   "paper_moon1", "silent_clock5"],
    })


def test_reply_graph_edges_weights_and_times(posts):
    G = reply_graph(posts)
    assert G.is_directed()
    assert sorted(G.edges()) == [("F2", "F1"), ("F2", "F3"), ("F2", "F4"), ("F3", "F1")]
    assert G["F2"]["F1"] == {"weight": 1, "first": "2023-01-02T10:00:00Z",
                             "last": "2023-01-02T10:00:00Z"}
    assert set(G) == {"F1", "F2", "F3", "F4", "F5"}   # F5 posted, nobody replied: isolate
    assert G.degree("F5") == 0


def test_reply_graph_counts_repeated_replies_and_self_loops():
    posts = pd.DataFrame({"account_id": ["A", "A", "A", "B"],
                          "reply_to_account": ["B", "B", "A", ""],
                          "time": ["2023-02-01T00:00:00Z", "2023-01-01T00:00:00Z",
                                   "2023-01-05T00:00:00Z", "2023-01-01T00:00:00Z"]})
    G = reply_graph(posts)
    assert G["A"]["B"]["weight"] == 2
    assert (G["A"]["B"]["first"], G["A"]["B"]["last"]) == ("2023-01-01T00:00:00Z",
                                                           "2023-02-01T00:00:00Z")
    assert not G.has_edge("A", "A")
    assert reply_graph(posts, self_loops=True)["A"]["A"]["weight"] == 1


def test_reply_graph_from_csv_with_empty_cells_equals_in_memory(posts):
    text = posts.to_csv(index=False)
    from_csv = reply_graph(pd.read_csv(io.StringIO(text)))   # empty cells become NaN
    in_memory = reply_graph(posts)
    assert sorted(from_csv.edges(data=True)) == sorted(in_memory.edges(data=True))
    assert set(from_csv) == set(in_memory)


def test_reply_graph_accounts_attributes_and_isolates(posts, accounts):
    G = reply_graph(posts, accounts=accounts)
    assert G.nodes["F1"] == {"platform": "forum", "handle": "quiet_lantern42"}
    assert "F6" not in G
    G = reply_graph(posts, accounts=accounts, isolates=True)
    assert "F6" in G and G.nodes["F6"]["handle"] == "silent_clock5"
    with pytest.raises(InvalidParameterError, match="needs the 'accounts' table"):
        reply_graph(posts, isolates=True)


def test_missing_columns_are_named_with_the_present_ones(posts):
    with pytest.raises(InvalidParameterError) as error:
        reply_graph(posts.drop(columns=["reply_to_account", "time"]))
    message = str(error.value)
    assert "Missing: reply_to_account, time." in message
    assert "Present: post_id, platform, thread_id, account_id, reply_to." in message
    with pytest.raises(InvalidParameterError, match="must be a pandas DataFrame"):
        reply_graph([("F1", "F2")])


def test_message_graph():
    messages = pd.DataFrame({"message_id": ["M1", "M2", "M3", "M4"],
                             "sender": ["F1", "F1", "F2", "F3"],
                             "recipient": ["F2", "F2", "F1", "F3"],
                             "time": ["2023-01-02T00:00:00Z", "2023-01-01T00:00:00Z",
                                      "2023-01-03T00:00:00Z", "2023-01-03T00:00:00Z"]})
    G = message_graph(messages)
    assert sorted(G.edges(data="weight")) == [("F1", "F2", 2), ("F2", "F1", 1)]
    assert G["F1"]["F2"]["first"] == "2023-01-01T00:00:00Z"
    assert "F3" in G and G.degree("F3") == 0
    with pytest.raises(InvalidParameterError, match="Missing: recipient"):
        message_graph(messages.drop(columns="recipient"))


def test_thread_graph_and_projections(posts):
    B = thread_graph(posts)
    assert nx.is_bipartite(B)
    assert B["F2"]["T1"]["weight"] == 2
    assert {n for n, d in B.nodes(data="bipartite") if d == 1} == {"T1", "T2", "T3"}
    assert B.nodes["F1"]["kind"] == "account" and B.nodes["T2"]["kind"] == "thread"
    P = project(B)
    # T1: F1, F2, F3; T2: F2, F4; T3: F5 alone
    assert sorted(P.edges(data="weight")) == [("F1", "F2", 1), ("F1", "F3", 1),
                                              ("F2", "F3", 1), ("F2", "F4", 1)]
    assert "F5" in P and P.degree("F5") == 0
    newman = project(B, method="newman")
    assert newman["F1"]["F2"]["weight"] == pytest.approx(0.5)   # 1 / (3 - 1)
    assert newman["F2"]["F4"]["weight"] == pytest.approx(1.0)   # 1 / (2 - 1)
    assert sorted(project(B, max_item_degree=2).edges()) == [("F2", "F4")]
    threads = project(B, side="thread")
    assert sorted(threads.edges(data="weight")) == [("T1", "T2", 1)]   # F2 in both


def test_project_counts_several_shared_items():
    shares = pd.DataFrame({"account_id": ["F1", "F2", "F1", "F2", "F3"],
                           "media_id": ["D1", "D1", "D2", "D2", "D2"]})
    P = project(media_graph(shares))
    assert P["F1"]["F2"]["weight"] == 2 and P["F1"]["F2"]["n_shared"] == 2
    assert P["F1"]["F3"]["weight"] == 1
    newman = project(media_graph(shares), method="newman")
    assert newman["F1"]["F2"]["weight"] == pytest.approx(1 + 0.5)


def test_project_rejects_bad_arguments(posts):
    B = thread_graph(posts)
    with pytest.raises(InvalidParameterError, match="'method' parameter of project"):
        project(B, method="jaccard")
    with pytest.raises(InvalidParameterError, match="account, thread"):
        project(B, side="media")
    assert project(thread_graph(posts.iloc[:0])).number_of_nodes() == 0


def test_bipartite_rejects_clashing_ids():
    with pytest.raises(InvalidParameterError, match="distinct"):
        media_graph(pd.DataFrame({"account_id": ["X1"], "media_id": ["X1"]}))


def test_to_undirected_sums_both_directions(posts):
    G = reply_graph(pd.concat([posts, pd.DataFrame({
        "account_id": ["F1"], "reply_to_account": ["F2"], "time": ["2022-12-31T00:00:00Z"]})]))
    H = to_undirected(G)
    assert not H.is_directed()
    assert H["F1"]["F2"] == {"weight": 2, "first": "2022-12-31T00:00:00Z",
                             "last": "2023-01-02T10:00:00Z"}
    assert H.number_of_edges() == 4


def test_time_slices_monthly_with_gaps(posts):
    slices = time_slices(posts)
    assert list(slices) == ["2023-01", "2023-02", "2023-03"]
    assert sorted(slices["2023-01"].edges()) == [("F2", "F1"), ("F3", "F1")]
    assert slices["2023-02"].number_of_nodes() == 0
    assert sorted(slices["2023-03"].edges()) == [("F2", "F3"), ("F2", "F4")]
    weekly = time_slices(posts, freq="W")
    assert sum(g.number_of_edges() for g in weekly.values()) == 4
    bipartite = time_slices(posts, builder=thread_graph, freq="Y")
    assert list(bipartite) == ["2023"] and bipartite["2023"].has_edge("F5", "T3")


def test_time_slices_passes_builder_arguments(posts, accounts):
    slices = time_slices(posts, accounts=accounts, isolates=True)
    assert all("F6" in g for g in slices.values())


def test_time_slices_rejects_bad_freq(posts):
    with pytest.raises(InvalidParameterError, match="'freq' parameter of time_slices"):
        time_slices(posts, freq="fortnight")
    with pytest.raises(InvalidParameterError, match="'builder'"):
        time_slices(posts, builder="reply")
