"""Tests of vidlab.network.roles: account features and the role classifier."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.network.roles import (
    ROLES,
    evaluate_roles,
    plot_confusion,
    role_features,
    train_role_classifier,
)

matplotlib.use("Agg")

START = pd.Timestamp("2023-01-01", tz="UTC")

# expected counts per account and role: threads started, replies, messages, new media, re-shares
RATES = {
    "administrator": (12, 15, 4, 1, 1),
    "moderator": (3, 40, 8, 0.5, 1),
    "producer": (2, 6, 6, 10, 1),
    "distributor": (0.5, 8, 25, 0.5, 15),
    "consumer": (0.2, 2, 2, 0, 2),
    "lurker": (0, 0, 0, 0, 0),
}
COUNTS = {"administrator": 4, "moderator": 8, "producer": 16, "distributor": 20,
          "consumer": 40, "lurker": 40}


def _stamp(rng):
    return (START + pd.Timedelta(days=int(rng.integers(0, 200)),
                                 minutes=int(rng.integers(0, 1440)))).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def make_role_fixture(seed=0):
    """Forum tables (columns of the forum data contract) where each account's role drives
    its activity: administrators start threads, moderators reply, producers introduce new
    media, distributors message and re-share, consumers do a little, lurkers nothing.
    About a fifth of the persons also hold a board account with the same role.

    Returns ``(accounts, threads, posts, messages, shares, truth)``.
    """
    rng = np.random.default_rng(seed)
    truth = []
    number = 0
    for role, count in COUNTS.items():
        for _ in range(count):
            number += 1
            person = f"U{number:05d}"
            truth.append({"account_id": f"F{number:05d}", "platform": "forum",
                          "person_id": person, "role": role})
            if rng.random() < 0.2:
                truth.append({"account_id": f"B{number:05d}", "platform": "board",
                              "person_id": person, "role": role})
    truth = pd.DataFrame(truth).sort_values("account_id").reset_index(drop=True)
    accounts = truth[["account_id", "platform"]].assign(
        handle=[f"user{k}" for k in range(len(truth))],
        joined=[(START + pd.Timedelta(days=int(d))).strftime("%Y-%m-%dT%H:%M:%SZ")
                for d in rng.integers(0, 30, len(truth))])
    threads, posts, messages, shares = [], [], [], []
    ids = truth["account_id"].to_numpy()
    platform = dict(zip(truth["account_id"], truth["platform"], strict=True))
    role_of = dict(zip(truth["account_id"], truth["role"], strict=True))
    started = {"forum": [], "board": []}
    for account in ids:
        n_threads = rng.poisson(RATES[role_of[account]][0])
        for _ in range(n_threads):
            thread = f"T{len(threads) + 1:05d}"
            threads.append({"thread_id": thread, "platform": platform[account],
                            "section": f"s{int(rng.integers(0, 4))}", "started_by": account})
            started[platform[account]].append((thread, account))
            posts.append({"platform": platform[account], "thread_id": thread,
                          "account_id": account, "time": _stamp(rng), "reply_to_account": ""})
    media_seen = {"forum": [], "board": []}
    for account in ids:
        here = platform[account]
        _, n_replies, n_messages, n_new, n_reshares = RATES[role_of[account]]
        for _ in range(rng.poisson(n_replies)):
            if not started[here]:
                break
            thread, starter = started[here][int(rng.integers(0, len(started[here])))]
            posts.append({"platform": here, "thread_id": thread, "account_id": account,
                          "time": _stamp(rng), "reply_to_account": starter})
        peers = ids[(truth["platform"] == here).to_numpy()]
        for _ in range(rng.poisson(n_messages)):
            messages.append({"platform": here, "sender": account,
                             "recipient": str(rng.choice(peers)), "time": _stamp(rng)})
        for _ in range(rng.poisson(n_new)):
            medium = f"D{len(media_seen['forum']) + len(media_seen['board']) + 1:05d}"
            media_seen[here].append(medium)
            shares.append({"platform": here, "account_id": account, "media_id": medium,
                           "time": (START + pd.Timedelta(minutes=int(rng.integers(0, 600))))
                           .strftime("%Y-%m-%dT%H:%M:%SZ"), "via": "post"})
        for _ in range(rng.poisson(n_reshares)):
            if not media_seen[here]:
                break
            shares.append({"platform": here, "account_id": account,
                           "media_id": str(rng.choice(media_seen[here])),
                           "time": _stamp(rng).replace("2023-01-01", "2023-01-02"),
                           "via": "message" if rng.random() < 0.7 else "post"})
    posts = pd.DataFrame(posts)
    posts.insert(0, "post_id", [f"P{k:07d}" for k in range(1, len(posts) + 1)])
    return (accounts, pd.DataFrame(threads), posts, pd.DataFrame(messages),
            pd.DataFrame(shares), truth)


@pytest.fixture(scope="module")
def fixture():
    return make_role_fixture(seed=0)


@pytest.fixture(scope="module")
def features(fixture):
    accounts, threads, posts, messages, shares, _ = fixture
    return role_features(accounts, posts, messages, shares, threads)


def test_one_row_per_account_and_counts_match_the_tables(fixture, features):
    accounts, threads, posts, messages, shares, truth = fixture
    assert list(features.index) == sorted(accounts["account_id"])
    assert features["n_posts"].sum() == len(posts)
    assert features["n_threads_started"].sum() == len(threads)
    assert features["n_pm_sent"].sum() == features["n_pm_received"].sum() == len(messages)
    assert features["n_shares"].sum() == len(shares)
    firsts = shares.sort_values("time").drop_duplicates(["platform", "media_id"])
    assert features["n_first_shares"].sum() == len(firsts)
    assert (features.select_dtypes("number").columns == features.columns).all()
    lurkers = truth.loc[truth["role"] == "lurker", "account_id"]
    assert (features.loc[lurkers, ["n_posts", "n_shares", "days_active"]] == 0).all().all()


def test_hand_made_example():
    accounts = pd.DataFrame({"account_id": ["F1", "F2", "F3", "B1"],
                             "platform": ["forum", "forum", "forum", "board"]})
    t = "2023-01-0{}T10:00:00Z".format
    # F1 opens a thread, F2 and F3 reply to F1, F3 replies to F2: a triangle
    posts = pd.DataFrame({"account_id": ["F1", "F2", "F3", "F3"],
                          "reply_to_account": [None, "F1", "F1", "F2"],
                          "time": [t(1), t(2), t(3), t(3)]})
    messages = pd.DataFrame({"sender": ["F1", "F1", "F2"], "recipient": ["F2", "F2", "F1"],
                             "time": [t(1), t(2), t(2)]})
    # D1 first on the forum by F2, first on the board by B1; F1 re-shares D1 later
    shares = pd.DataFrame({"platform": ["forum", "forum", "board", "forum"],
                           "account_id": ["F2", "F1", "B1", "F3"],
                           "media_id": ["D1", "D1", "D1", "D2"],
                           "time": [t(1), t(5), t(9), t(4)]})
    table = role_features(accounts, posts, messages, shares)
    assert table["n_replies_received"].to_dict() == {"B1": 0, "F1": 2, "F2": 1, "F3": 0}
    assert table["n_distinct_pm_partners"].to_dict() == {"B1": 0, "F1": 1, "F2": 1, "F3": 0}
    assert table["n_first_shares"].to_dict() == {"B1": 1, "F1": 0, "F2": 1, "F3": 1}
    assert table["n_reshares_of_first"].to_dict() == {"B1": 0, "F1": 0, "F2": 1, "F3": 0}
    assert table.loc["F1", "share_of_first"] == 0.0 and table.loc["F2", "share_of_first"] == 1.0
    assert table["reply_core_number"].to_dict() == {"B1": 0, "F1": 2, "F2": 2, "F3": 2}
    assert table["reply_in_degree"].to_dict() == {"B1": 0, "F1": 2, "F2": 1, "F3": 0}
    assert table["days_active"].to_dict() == {"B1": 1, "F1": 3, "F2": 2, "F3": 2}
    assert table.loc["F1", "active_span_days"] == 5
    in_graph = table.loc[["F1", "F2", "F3"], "reply_pagerank"]
    assert in_graph.mean() == pytest.approx(1.0) and in_graph.idxmax() == "F1"
    assert table.loc["B1", "reply_pagerank"] == 0.0


def test_without_threads_opening_posts_count_as_threads_started(fixture):
    accounts, threads, posts, messages, shares, _ = fixture
    with_threads = role_features(accounts, posts, messages, shares, threads)
    without = role_features(accounts, posts, messages, shares)
    pd.testing.assert_series_equal(with_threads["n_threads_started"],
                                   without["n_threads_started"])
    assert "n_sections" in with_threads.columns and "n_sections" not in without.columns


def test_classifier_beats_the_majority_baseline(fixture, features):
    truth = fixture[5]
    report, confusion = evaluate_roles(features, truth, seed=0, n_estimators=40)
    assert report.attrs["accuracy"] > report.attrs["baseline_accuracy"] + 0.2
    assert report.attrs["accuracy"] >= 0.7
    assert report.loc["lurker", "recall"] == 1.0  # a lurker has no activity at all
    assert report.attrs["macro_f1"] > 0.5


def test_evaluation_tables_have_the_right_shape(fixture, features):
    truth = fixture[5]
    report, confusion = evaluate_roles(features, truth, seed=1, groups="person_id",
                                       test_size=0.3, n_estimators=50)
    assert list(report.columns) == ["precision", "recall", "f1", "support"]
    assert list(report.index) == [r for r in ROLES if r in report.index]
    assert list(confusion.index) == list(confusion.columns) == list(report.index)
    assert confusion.index.name == "true" and confusion.columns.name == "predicted"
    np.testing.assert_array_equal(confusion.sum(axis=1).to_numpy(), report["support"])
    # persons, not accounts, are split: about 30 % of the persons are held out
    persons = truth["person_id"].nunique()
    assert 0.2 * persons <= report["support"].sum() <= 0.45 * len(truth)
    assert report[["precision", "recall", "f1"]].apply(lambda c: c.between(0, 1)).all().all()


def test_evaluation_is_deterministic(fixture, features):
    truth = fixture[5]
    first = evaluate_roles(features, truth, seed=3, n_estimators=30)
    second = evaluate_roles(features, truth, seed=3, n_estimators=30)
    pd.testing.assert_frame_equal(first[0], second[0])
    pd.testing.assert_frame_equal(first[1], second[1])


def test_grouped_split_keeps_each_person_on_one_side(fixture, features):
    from vidlab.network.roles import _split

    truth = fixture[5].set_index("account_id")
    labels = truth["role"]
    train, test = _split(labels, truth["person_id"].to_numpy(), 0.3, 0)
    assert not set(truth["person_id"].iloc[train]) & set(truth["person_id"].iloc[test])


def test_trained_classifier_predicts_roles(fixture, features):
    from threadpoolctl import threadpool_limits

    truth = fixture[5]
    with threadpool_limits(1):  # OpenMP threads only slow down a model this small
        model = train_role_classifier(features, truth, seed=0, model="boosting",
                                      n_estimators=20)
    predicted = model.predict(features)
    assert set(predicted) <= set(ROLES)
    assert np.mean(predicted == truth.set_index("account_id").loc[features.index, "role"]) > 0.8
    assert list(model.feature_names_in_) == list(features.columns)


def test_plot_confusion_annotates_counts():
    confusion = pd.DataFrame([[3, 1], [0, 2]], index=["moderator", "lurker"],
                             columns=["moderator", "lurker"])
    ax = plot_confusion(confusion)
    assert [t.get_text() for t in ax.texts] == ["3", "1", "0", "2"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["moderator", "lurker"]


@pytest.mark.parametrize("table, column", [("posts", "reply_to_account"),
                                           ("messages", "recipient"), ("shares", "media_id"),
                                           ("accounts", "account_id")])
def test_missing_columns_are_named(fixture, table, column):
    accounts, threads, posts, messages, shares, _ = fixture
    tables = {"accounts": accounts, "posts": posts, "messages": messages, "shares": shares}
    tables[table] = tables[table].drop(columns=column)
    with pytest.raises(InvalidParameterError, match=rf"'{table}'.*Missing: .*{column}"):
        role_features(tables["accounts"], tables["posts"], tables["messages"],
                      tables["shares"])
    with pytest.raises(InvalidParameterError, match=r"'threads'.*Missing: .*started_by"):
        role_features(accounts, posts, messages, shares, threads.drop(columns="started_by"))


def test_bad_parameters_are_refused(fixture, features):
    truth = fixture[5]
    with pytest.raises(InvalidParameterError, match="'model'"):
        train_role_classifier(features, truth, model="svm")
    with pytest.raises(InvalidParameterError, match="'test_size'"):
        evaluate_roles(features, truth, test_size=1.5)
    with pytest.raises(InvalidParameterError, match="at least 2 different roles"):
        train_role_classifier(features, truth.assign(role="lurker"))
    with pytest.raises(InvalidParameterError, match=r"'roles'.*Missing: .*role"):
        train_role_classifier(features, truth.drop(columns="role"))
    with pytest.raises(InvalidParameterError, match="'seed'"):
        evaluate_roles(features, truth, seed=-1)
    with pytest.raises(InvalidParameterError, match="'groups'"):
        evaluate_roles(features, truth.set_index("account_id")["role"], groups="person_id")
