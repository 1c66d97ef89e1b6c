"""Tests for vidlab.synth.forums: the files keep the data contract, the ground truth agrees
with them and the forum has the shape that research describes."""

import datetime
import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import (
    available_generators,
    generate_dataset,
    get_generator,
    load_dataset,
    verify_dataset,
)
from vidlab.synth.forums import (
    ADJECTIVES,
    CORE_ROLES,
    DEFAULTS,
    FILES,
    NOUNS,
    ROLES,
    SECTIONS,
    make_forum,
)

SEEDS = (0, 1)
ID_PATTERNS = {"account_id": r"[FB]\d{5}", "thread_id": r"T\d{5}", "post_id": r"P\d{7}",
               "message_id": r"M\d{7}", "share_id": r"S\d{7}", "media_id": r"D\d{5}"}
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _generate(path, config=None, seed=0):
    truth = make_forum(path, config or {}, make_rng(seed))
    files = {name: pd.read_csv(path / f"{name}.csv", keep_default_na=False, dtype=str)
             for name in FILES}
    return files, truth


@pytest.fixture(scope="module", params=SEEDS)
def forum(request, tmp_path_factory):
    """``(files, truth)`` of a default-size forum."""
    return _generate(tmp_path_factory.mktemp(f"forum{request.param}"), seed=request.param)


def _forum_rows(table):
    return table[table["platform"] == "forum"]


def _reply_graph(posts):
    """Undirected forum reply graph, weighted by the number of replies."""
    posts = _forum_rows(posts)
    posts = posts[posts["reply_to_account"] != ""]
    weights = posts.groupby(["account_id", "reply_to_account"]).size()
    graph = nx.Graph()
    for (a, b), weight in weights.items():
        previous = graph.get_edge_data(a, b, {"weight": 0})["weight"]
        graph.add_edge(a, b, weight=previous + weight)
    return graph


def _jaccard(a, b):
    return len(a & b) / len(a | b)


def _day(start, days):
    return f"{start + datetime.timedelta(days=days)}T00:00:00Z"


def _pairs(a, b):
    return {frozenset(pair) for pair in zip(a, b, strict=True)}


# --- the data contract -----------------------------------------------------------------------


def test_generator_is_registered():
    assert "forum" in available_generators()
    assert get_generator("forum") is make_forum


def test_a_recipe_part_writes_files_and_ground_truth(tmp_path):
    recipe = tmp_path / "forum.yml"
    recipe.write_text("parts:\n  network:\n    generator: forum\n    n_members: 80\n"
                      '    start: "2024-01-01"\n    takedown_day: null\n', encoding="utf-8")
    dataset = load_dataset(generate_dataset(tmp_path / "data", preset=recipe, seed=3))
    assert sorted(p.name for p in dataset.path("network").iterdir()) == sorted(
        f"{name}.csv" for name in FILES)
    assert verify_dataset(dataset.root).ok
    accounts = dataset.ground_truth("network_accounts")
    assert accounts["is_core"].dtype == bool and (accounts["platform"] == "forum").sum() == 80
    events = dataset.ground_truth("network_events")
    assert sorted(events["event"]) == ["board_launch", "launch"]
    assert events["time"].str.startswith("2024-").all()


def test_files_have_the_contract_columns_ids_and_times(forum):
    files, _ = forum
    for name, columns in FILES.items():
        table = files[name]
        assert list(table.columns) == columns, name
        ids = table[columns[0]]
        assert ids.is_unique and ids.tolist() == sorted(ids), name
        assert ids.str.fullmatch(ID_PATTERNS[columns[0]]).all(), name
        for column in ("joined", "last_seen", "created", "time"):
            if column in table:
                assert table[column].str.fullmatch(TIME).all(), (name, column)
        if "platform" in table:
            assert set(table["platform"]) == {"forum", "board"}, name
    accounts = files["accounts"]
    assert (accounts["account_id"].str[0] == accounts["platform"].str[0].str.upper()).all()
    assert accounts["handle"].str.fullmatch(r"[a-z]+_[a-z]+\d+").all()
    for platform in ("forum", "board"):
        assert accounts.loc[accounts["platform"] == platform, "handle"].is_unique
    media = files["media"]
    assert media["sha256"].str.fullmatch(r"[0-9a-f]{64}").all() and media["sha256"].is_unique
    assert media["pdq"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert set(files["threads"]["section"]) <= set(SECTIONS)


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    truths = [make_forum(tmp_path / name, {}, make_rng(seed))
              for name, seed in (("a", 5), ("b", 5), ("c", 6))]
    for name in FILES:
        first = (tmp_path / "a" / f"{name}.csv").read_bytes()
        assert first == (tmp_path / "b" / f"{name}.csv").read_bytes(), name
    posts = [(tmp_path / name / "posts.csv").read_bytes() for name in ("a", "c")]
    assert posts[0] != posts[1]
    for table in truths[0]:
        pd.testing.assert_frame_equal(truths[0][table], truths[1][table])


def test_references_between_files_are_consistent(forum):
    files, _ = forum
    accounts = files["accounts"].set_index("account_id")
    platform_of = accounts["platform"]
    posts, threads = files["posts"], files["threads"].set_index("thread_id")
    for table, columns in (("threads", ["started_by"]), ("posts", ["account_id"]),
                           ("messages", ["sender", "recipient"]), ("shares", ["account_id"])):
        for column in columns:
            rows = files[table]
            assert rows[column].isin(accounts.index).all(), (table, column)
            assert (platform_of[rows[column]].values == rows["platform"].values).all()
    assert (threads.loc[posts["thread_id"], "platform"].values == posts["platform"].values).all()
    assert set(files["shares"]["media_id"]) <= set(files["media"]["media_id"])
    messages = files["messages"]
    assert (messages["sender"] != messages["recipient"]).all()


def test_posts_replies_and_threads_are_consistent(forum):
    files, _ = forum
    posts = files["posts"]
    by_id = posts.set_index("post_id")
    threads = files["threads"].set_index("thread_id")
    started_by = threads.loc[posts["thread_id"], "started_by"].values
    created = threads.loc[posts["thread_id"], "created"].values
    assert (posts["time"].values >= created).all()
    # the opening post: the starter's, at creation time, answering nobody
    opening = posts.sort_values(["time", "post_id"]).groupby("thread_id").head(1)
    opening_threads = threads.loc[opening["thread_id"]]
    assert len(opening) == len(threads)
    assert (opening["account_id"].values == opening_threads["started_by"].values).all()
    assert (opening["time"].values == opening_threads["created"].values).all()
    assert (opening["reply_to"] == "").all() and (opening["reply_to_account"] == "").all()
    # a reply: to an earlier post of the same thread, and reply_to_account is its author
    replies = posts[posts["reply_to"] != ""]
    assert len(replies) > 0.2 * len(posts)
    target = by_id.loc[replies["reply_to"]]
    assert (target["account_id"].values == replies["reply_to_account"].values).all()
    assert (target["thread_id"].values == replies["thread_id"].values).all()
    assert (target["time"].values <= replies["time"].values).all()
    # a plain post: to the thread starter, or to nobody in one's own thread
    plain = (posts["reply_to"] == "").values
    own = started_by == posts["account_id"].values
    expected = np.where(own, "", started_by)
    assert (posts["reply_to_account"].values[plain] == expected[plain]).all()
    assert (posts["reply_to_account"] != posts["account_id"]).all()  # no self-loops


def test_shares_point_at_their_items_and_media_come_from_producers(forum):
    files, truth = forum
    shares = files["shares"]
    role = truth["accounts"].set_index("account_id")["role"]
    for via, table, key, account in (("post", "posts", "post_id", "account_id"),
                                     ("message", "messages", "message_id", "sender")):
        rows = shares[shares["via"] == via]
        items = files[table].set_index(key).loc[rows["item_id"]]
        assert (items[account].values == rows["account_id"].values).all()
        assert (items["time"].values == rows["time"].values).all()
        assert (items["platform"].values == rows["platform"].values).all()
    assert not shares.duplicated(["item_id", "media_id"]).any()
    first = shares.sort_values(["time", "share_id"]).groupby("media_id").head(1)
    assert len(first) == len(files["media"])
    assert (first["platform"] == "forum").all() and (first["via"] == "post").all()
    assert (role[first["account_id"]] == "producer").all()
    # distributors share far more often per item than consumers
    items = pd.concat([files["posts"]["account_id"], files["messages"]["sender"]])
    per_item = (shares["account_id"].map(role).value_counts()
                / items.map(role).value_counts())
    assert per_item["distributor"] > 10 * per_item["consumer"]


def test_account_times_bound_the_activity(forum):
    files, _ = forum
    accounts = files["accounts"].set_index("account_id")
    assert (accounts["joined"] <= accounts["last_seen"]).all()
    for table, column in (("posts", "account_id"), ("messages", "sender"),
                          ("messages", "recipient")):
        rows = files[table]
        assert (accounts.loc[rows[column], "joined"].values <= rows["time"].values).all()
    for table, column in (("posts", "account_id"), ("messages", "sender")):
        rows = files[table]
        assert (accounts.loc[rows[column], "last_seen"].values >= rows["time"].values).all()


# --- ground truth ------------------------------------------------------------------------------


def test_ground_truth_covers_every_account(forum):
    files, truth = forum
    accounts, persons = truth["accounts"], truth["persons"]
    assert list(accounts.columns) == ["account_id", "platform", "person_id", "role",
                                      "community", "is_core"]
    assert list(persons.columns) == ["person_id", "role", "community", "n_accounts"]
    assert accounts["account_id"].tolist() == files["accounts"]["account_id"].tolist()
    assert accounts["platform"].tolist() == files["accounts"]["platform"].tolist()
    assert set(accounts["role"]) == set(ROLES)
    assert (accounts["is_core"] == accounts["role"].isin(CORE_ROLES)).all()
    forum_accounts = accounts[accounts["platform"] == "forum"]
    assert forum_accounts["person_id"].is_unique
    assert set(forum_accounts["person_id"]) == set(persons["person_id"])
    by_person = persons.set_index("person_id")
    assert (by_person.loc[accounts["person_id"], "role"].values == accounts["role"].values).all()
    assert (accounts.groupby("person_id").size().reindex(persons["person_id"]).values
            == persons["n_accounts"].values).all()


def test_board_accounts_belong_to_forum_members(forum):
    _, truth = forum
    accounts, persons = truth["accounts"], truth["persons"]
    board = accounts[accounts["platform"] == "board"]
    forum_persons = set(accounts.loc[accounts["platform"] == "forum", "person_id"])
    assert board["person_id"].is_unique and set(board["person_id"]) <= forum_persons
    assert len(board) == round(DEFAULTS["second_platform_share"] * len(persons))


def test_every_community_mixes_roles(forum):
    _, truth = forum
    persons = truth["persons"]
    assert sorted(set(persons["community"])) == [0, 1, 2]
    for _, group in persons.groupby("community"):  # 2 administrators for 3 communities
        assert set(group["role"]) >= set(ROLES) - {"administrator"}


def test_events_launch_board_takedown(forum):
    files, truth = forum
    events = truth["events"].set_index("event")["time"]
    assert list(events.index) == ["launch", "board_launch", "takedown"]
    assert events["takedown"] == _day(datetime.date(2023, 1, 1), round(0.82 * 365))
    forum_threads = _forum_rows(files["threads"])
    assert forum_threads["created"].min() == events["launch"]
    assert files["threads"].loc[files["threads"]["platform"] == "board", "created"].min() \
        == events["board_launch"]


# --- shape targets -----------------------------------------------------------------------------


def test_most_forum_accounts_never_post(forum):
    files, truth = forum
    forum_accounts = _forum_rows(files["accounts"])["account_id"]
    posters = set(_forum_rows(files["posts"])["account_id"])
    never = 1 - len(posters) / len(forum_accounts)
    assert 0.70 <= never <= 0.80
    role = truth["accounts"].set_index("account_id")["role"]
    assert (role[sorted(posters)] != "lurker").all()
    assert set(forum_accounts) - posters == set(role.index[(role == "lurker")
                                                           & role.index.str.startswith("F")])


def test_activity_is_heavy_tailed(forum):
    files, _ = forum
    counts = np.sort(_forum_rows(files["posts"])["account_id"].value_counts().to_numpy())[::-1]
    top = counts[: int(np.ceil(0.1 * len(counts)))].sum() / counts.sum()
    assert top > 0.5


def test_reply_and_message_edges_overlap_weakly(forum):
    files, _ = forum
    posts = _forum_rows(files["posts"])
    posts = posts[posts["reply_to_account"] != ""]
    messages = _forum_rows(files["messages"])
    replies = _pairs(posts["account_id"], posts["reply_to_account"])
    private = _pairs(messages["sender"], messages["recipient"])
    assert len(replies) > 100 and len(private) > 100
    assert _jaccard(replies, private) < 0.3


def test_reply_graph_has_a_dense_core_of_staff_and_suppliers(forum):
    files, truth = forum
    graph = _reply_graph(files["posts"])
    assert nx.k_core(graph, k=5).number_of_nodes() >= 20
    main_core = nx.k_core(graph)
    assert main_core.number_of_nodes() >= 10
    is_core = truth["accounts"].set_index("account_id")["is_core"]
    share_in_core, share_of_posters = is_core[list(main_core)].mean(), is_core[list(graph)].mean()
    assert share_in_core > 0.55 and share_in_core > share_of_posters + 0.15


def test_reply_graph_has_two_or_three_large_mixed_communities(forum):
    files, truth = forum
    graph = _reply_graph(files["posts"])
    communities = nx.community.louvain_communities(graph, weight="weight", seed=1)
    large = [c for c in communities if len(c) >= 0.1 * graph.number_of_nodes()]
    assert 2 <= len(large) <= 3
    role = truth["accounts"].set_index("account_id")["role"]
    for community in large:
        assert len(set(role[sorted(community)])) >= 3


def test_launch_burst_slow_decay_then_silence(forum):
    files, truth = forum
    takedown = truth["events"].set_index("event").loc["takedown", "time"]
    for table, column in (("posts", "time"), ("messages", "time"), ("shares", "time"),
                          ("threads", "created"), ("accounts", "joined"),
                          ("accounts", "last_seen")):
        assert (_forum_rows(files[table])[column] < takedown).all(), (table, column)
    board_posts = files["posts"][files["posts"]["platform"] == "board"]
    assert (board_posts["time"] > takedown).sum() > 0.1 * len(board_posts)  # the board goes on
    days = (pd.to_datetime(_forum_rows(files["posts"])["time"])
            - pd.Timestamp("2023-01-01", tz="UTC")).dt.days
    weekly = np.bincount(days // 7, minlength=43)[:42]  # 42 full weeks before the takedown
    assert weekly[:4].mean() > 2 * np.median(weekly)  # the launch burst
    assert weekly[4:12].mean() > 1.5 * weekly[-8:].mean() > 0  # slow decay, still active


def _contained(small, large):
    """The share of the set ``small`` that is in ``large``."""
    return len(small & large) / len(small)


def test_board_aliases_share_media_and_hours(forum):
    files, truth = forum
    person = truth["accounts"].set_index("account_id")["person_id"]
    shares = files["shares"]
    media = shares.groupby("account_id")["media_id"].agg(set)
    board = [a for a in media.index if a.startswith("B")]
    forum_of = {person[a]: a for a in person.index if a.startswith("F")}
    same, other = [], []
    rng = np.random.default_rng(0)
    forum_with_media = [a for a in media.index if a.startswith("F")]
    for account in board:
        twin = forum_of[person[account]]
        if twin in media:  # most of what a person re-posts on the board they had
            same.append(_contained(media[account], media[twin]))
        stranger = forum_with_media[int(rng.integers(len(forum_with_media)))]
        if person[stranger] != person[account]:
            other.append(_contained(media[account], media[stranger]))
    assert len(same) >= 10
    assert np.mean(same) > 0.7 and np.mean(same) > 3 * np.mean(other)

    def hour(table, column):
        rows = table[[column, "time"]].rename(columns={column: "account_id"})
        return rows.assign(hour=pd.to_datetime(rows["time"]).dt.hour)

    active = pd.concat([hour(files["posts"], "account_id"), hour(files["messages"], "sender")])
    angle = active["hour"] / 24 * 2 * np.pi
    mean_hour = (np.arctan2(np.sin(angle).groupby(active["account_id"]).mean(),
                            np.cos(angle).groupby(active["account_id"]).mean()) / (2 * np.pi) * 24)
    board_active = [a for a in mean_hour.index if a.startswith("B")
                    and forum_of[person[a]] in mean_hour.index]
    gap = [abs((mean_hour[a] - mean_hour[forum_of[person[a]]] + 12) % 24 - 12)
           for a in board_active]
    shuffled = rng.permutation(board_active)
    random_gap = [abs((mean_hour[a] - mean_hour[forum_of[person[b]]] + 12) % 24 - 12)
                  for a, b in zip(board_active, shuffled, strict=True) if a != b]
    assert len(gap) >= 10
    assert np.median(gap) < 2.5 and np.median(gap) < 0.6 * np.median(random_gap)


def _twins(truth):
    """(forum account, board account) of each person with a board account."""
    accounts = truth["accounts"]
    pairs = accounts[accounts["platform"] == "forum"].merge(
        accounts[accounts["platform"] == "board"], on="person_id")
    return pairs[["account_id_x", "account_id_y"]].to_numpy()


def test_board_accounts_are_mostly_active_people(forum):
    files, truth = forum
    board = truth["accounts"][truth["accounts"]["platform"] == "board"]
    lurkers = (board["role"] == "lurker").mean()
    assert 0.1 <= lurkers <= 0.45  # 75 % of all persons, but only some of the board's
    active = set(files["posts"]["account_id"]) | set(files["shares"]["account_id"]) \
        | set(files["messages"]["sender"])
    both = [f in active and b in active for f, b in _twins(truth)]
    assert 0.55 <= np.mean(both) <= 0.85  # some aliases stay silent on one platform


def test_board_volume_follows_forum_volume(forum):
    files, truth = forum
    counts = pd.concat([files["posts"]["account_id"], files["messages"]["sender"]]) \
        .value_counts()
    twins = [(counts.get(f, 0), counts.get(b, 0)) for f, b in _twins(truth)
             if counts.get(f, 0) > 0]
    forum_count, board_count = np.array(twins).T
    correlation = pd.Series(forum_count).corr(pd.Series(board_count), method="spearman")
    assert correlation > 0.6
    assert 0.2 < board_count.sum() / forum_count.sum() < 1.0


def test_board_aliases_keep_their_weekday_rhythm(forum):
    files, truth = forum
    events = pd.concat([files["posts"][["account_id", "time"]],
                        files["messages"][["sender", "time"]].rename(
                            columns={"sender": "account_id"})])
    weekday = pd.to_datetime(events["time"]).dt.day_of_week
    profile = pd.crosstab(events["account_id"], weekday)
    profile = profile[profile.sum(axis=1) >= 10]
    profile = profile.div(profile.sum(axis=1), axis=0)
    profile = profile - profile.mean()
    twins = [(f, b) for f, b in _twins(truth) if f in profile.index and b in profile.index]
    assert len(twins) >= 10

    def cosine(a, b):
        x, y = profile.loc[a].to_numpy(), profile.loc[b].to_numpy()
        return float(x @ y / np.linalg.norm(x) / np.linalg.norm(y))

    same = [cosine(f, b) for f, b in twins]
    boards = [b for _, b in twins]
    other = [cosine(f, b) for (f, _), b in zip(twins, boards[1:] + boards[:1], strict=True)]
    assert np.median(same) > 0.4 and np.median(same) > np.median(other) + 0.3


def test_handles_rarely_share_words_by_chance(forum):
    files, truth = forum
    assert len(ADJECTIVES) >= 150 and len(NOUNS) >= 150
    stems = files["accounts"].set_index("account_id")["handle"].str.rstrip("0123456789")
    twins = {tuple(pair) for pair in _twins(truth)}
    forum_stems = stems[stems.index.str.startswith("F")]
    board_stems = stems[stems.index.str.startswith("B")]
    matches = forum_stems.reset_index().merge(board_stems.reset_index(), on="handle")
    matching_pairs = list(zip(matches["account_id_x"], matches["account_id_y"], strict=True))
    true = sum(pair in twins for pair in matching_pairs)
    assert true >= 10 and true > 3 * (len(matching_pairs) - true)


def test_board_handles_are_sometimes_similar_never_identical(forum):
    files, truth = forum
    person = truth["accounts"].set_index("account_id")["person_id"]
    handle = files["accounts"].set_index("account_id")["handle"]
    forum_of = {person[a]: a for a in person.index if a.startswith("F")}
    board = [a for a in handle.index if a.startswith("B")]
    pairs = [(handle[a], handle[forum_of[person[a]]]) for a in board]
    assert all(b != f for b, f in pairs)

    def base(text):
        return text.rstrip("0123456789")

    same_base = np.mean([base(b) == base(f) for b, f in pairs])
    assert 0.15 < same_base < 0.5


# --- configuration -----------------------------------------------------------------------------


def test_config_sizes_and_options(tmp_path):
    files, truth = _generate(tmp_path / "f", {"n_members": 120, "n_threads": 17, "n_media": 9,
                                             "second_platform_share": 0.5, "n_communities": 2,
                                             "start": datetime.date(2024, 2, 1), "days": 200})
    accounts = truth["accounts"]
    assert (accounts["platform"] == "forum").sum() == 120
    assert (accounts["platform"] == "board").sum() == 60
    assert (files["threads"]["platform"] == "forum").sum() == 17
    assert len(files["media"]) == 9
    assert sorted(set(truth["persons"]["community"])) == [0, 1]
    assert truth["events"].set_index("event").loc["launch", "time"].startswith("2024-02-01T")
    takedown = truth["events"].set_index("event").loc["takedown", "time"]
    assert takedown == _day(datetime.date(2024, 2, 1), round(0.82 * 200))


def test_no_takedown_and_no_board(tmp_path):
    files, truth = _generate(tmp_path / "f", {"takedown_day": None, "second_platform_share": 0,
                                             "n_members": 100})
    assert truth["events"]["event"].tolist() == ["launch", "board_launch"]
    assert (files["accounts"]["platform"] == "forum").all()
    assert (files["posts"]["platform"] == "forum").all()
    assert files["posts"]["time"].max() > "2023-11-01"  # active until the end of the year


@pytest.mark.parametrize(("config", "message"), [
    ({"n_members": -5}, "'n_members' parameter of forum must be an int in [20, 2000000]. "
                        "Got -5"),
    ({"n_members": "300"}, "'n_members' parameter of forum must be an int"),
    ({"n_members": True}, "'n_members' parameter of forum must be an int"),
    ({"days": 3.5}, "'days' parameter of forum must be an int in [7, 36500]"),
    ({"takedown_day": 400}, "'takedown_day' parameter of forum must be an int in [1, 365] or "
                            "None. Got 400"),
    ({"n_threads": 0}, "'n_threads' parameter of forum must be an int"),
    ({"second_platform_share": 1.5}, "'second_platform_share' parameter of forum must be a "
                                     "number in [0, 1]. Got 1.5"),
    ({"start": "2023-13-01"}, "'start' parameter of forum must be an ISO date"),
    ({"start": 2023}, "'start' parameter of forum must be an ISO date"),
    ({"n_communities": [3]}, "'n_communities' parameter of forum must be an int"),
    ({"n_member": 300}, "Unknown forum option 'n_member': use n_members, days"),
    ({1: 2}, "Unknown forum option '1'"),
])
def test_bad_config_raises_a_clear_error(tmp_path, config, message):
    with pytest.raises(InvalidParameterError) as error:
        make_forum(tmp_path / "f", config, make_rng(0))
    assert message in str(error.value)
    assert not (tmp_path / "f").exists()


def test_config_must_be_a_mapping(tmp_path):
    with pytest.raises(InvalidParameterError, match="forum config must be a mapping"):
        make_forum(tmp_path / "f", [("n_members", 10)], make_rng(0))
