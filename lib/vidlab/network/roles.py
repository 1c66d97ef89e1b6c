"""What each account does on a forum: activity features and a role classifier.

:func:`role_features` turns the forum tables (accounts, posts, private messages, shares and
optionally threads; columns as in the forum data contract) into one row of numbers per
account: how much it posts, starts threads, is replied to, messages, shares, introduces new
media first, how long it is active, and where it sits in the reply graph (degree, PageRank,
core number). :func:`train_role_classifier` fits a seeded random forest (or gradient
boosting) on those rows and known roles; :func:`evaluate_roles` holds out a seeded test
part (grouped by person when ``groups`` is given, so that two accounts of one person never
sit on both sides) and returns per-role precision, recall and F1 with the confusion matrix;
:func:`plot_confusion` draws the matrix.

>>> import pandas as pd
>>> accounts = pd.DataFrame({"account_id": ["F1", "F2", "F3"], "platform": "forum"})
>>> posts = pd.DataFrame({
...     "account_id": ["F1", "F2", "F2"],
...     "time": ["2023-01-01T10:00:00Z", "2023-01-01T11:00:00Z", "2023-01-02T11:00:00Z"],
...     "reply_to_account": ["", "F1", "F1"]})
>>> messages = pd.DataFrame(columns=["sender", "recipient", "time"])
>>> shares = pd.DataFrame({"platform": "forum", "account_id": ["F1", "F2"],
...     "media_id": ["D1", "D1"], "time": ["2023-01-01T10:00:00Z", "2023-01-02T11:00:00Z"]})
>>> table = role_features(accounts, posts, messages, shares)
>>> columns = ["n_posts", "n_replies_received", "n_first_shares", "days_active"]
>>> table[columns]  # doctest: +NORMALIZE_WHITESPACE
            n_posts  n_replies_received  n_first_shares  days_active
account_id
F1                1                   2               1            1
F2                2                   0               0            2
F3                0                   0               0            0
"""

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.network.data import forum_times
from vidlab.seed import check_seed

__all__ = [
    "ROLES",
    "role_features",
    "train_role_classifier",
    "evaluate_roles",
    "plot_confusion",
]

#: The roles of the forum data contract, from most to least active in running the forum.
ROLES = ("administrator", "moderator", "producer", "distributor", "consumer", "lurker")

MODELS = ("forest", "boosting")


# --- helpers ---------------------------------------------

def _present(values):
    """Boolean mask: the value is neither missing nor an empty string (CSV blanks)."""
    values = pd.Series(values)
    text = values.astype("string")
    return (values.notna() & text.str.strip().ne("")).fillna(False).to_numpy(bool)


# --- features --------------------------------------------------------------------------------

def _count(index, values):
    """How often each id of ``index`` occurs in ``values`` (0 for the absent ones)."""
    return pd.Series(values).value_counts().reindex(index, fill_value=0).astype("int64")


def _nunique(index, keys, values):
    """Number of distinct ``values`` per key, for each id of ``index``."""
    frame = pd.DataFrame({"key": np.asarray(keys), "value": np.asarray(values)})
    counts = frame.drop_duplicates().groupby("key")["value"].size()
    return counts.reindex(index, fill_value=0).astype("int64")


def _reply_graph_features(index, authors, targets):
    """Degree, in-/out-degree, PageRank (1.0 = average node) and core number per account."""
    import networkx as nx

    edges = pd.DataFrame({"source": authors, "target": targets})
    edges = edges[edges["source"] != edges["target"]]
    weighted = edges.groupby(["source", "target"]).size().reset_index(name="weight")
    out = pd.DataFrame(index=index)
    out["reply_in_degree"] = _count(index, weighted["target"])  # distinct accounts replying
    out["reply_out_degree"] = _count(index, weighted["source"])
    pairs = pd.DataFrame({"a": weighted[["source", "target"]].min(axis=1),
                          "b": weighted[["source", "target"]].max(axis=1)}).drop_duplicates()
    out["reply_degree"] = _count(index, pd.concat([pairs["a"], pairs["b"]]))
    pagerank = pd.Series(0.0, index=index)
    core = pd.Series(0, index=index, dtype="int64")
    if len(weighted):
        graph = nx.DiGraph()
        graph.add_weighted_edges_from(weighted.itertuples(index=False, name=None))
        ranks = pd.Series(nx.pagerank(graph, weight="weight")) * graph.number_of_nodes()
        pagerank = ranks.reindex(index, fill_value=0.0)
        cores = pd.Series(nx.core_number(nx.Graph(graph.to_undirected(as_view=True))))
        core = cores.reindex(index, fill_value=0).astype("int64")
    out["reply_pagerank"] = pagerank.astype(float)
    out["reply_core_number"] = core
    return out


def role_features(accounts, posts, messages, shares, threads=None):
    """One row of activity and position features per account.

    Parameters
    ----------
    accounts : DataFrame
        ``account_id``; optional ``platform`` (first shares are counted per platform) and
        ``joined`` (gives ``join_day``, days after the platform's first account joined).
    posts : DataFrame
        ``account_id, time, reply_to_account`` (empty for an opening post); optional
        ``thread_id`` (gives ``n_threads_posted`` and, with ``threads``, ``n_sections``).
    messages : DataFrame
        Private messages: ``sender, recipient, time``.
    shares : DataFrame
        ``account_id, media_id, time``; optional ``platform`` and ``via``.
    threads : DataFrame, optional
        ``thread_id, started_by`` and optional ``section``. Without it, an account's opening
        posts (empty ``reply_to_account``) count as the threads it started.

    Returns
    -------
    DataFrame
        Indexed by ``account_id`` (sorted), every account of ``accounts``, numeric columns:
        ``n_posts, n_threads_started, n_threads_posted, n_sections, n_replies_sent,
        n_replies_received, n_pm_sent, n_pm_received, n_distinct_pm_partners, n_shares,
        n_shares_in_messages, n_distinct_media, n_first_shares`` (media this account shared
        first on its platform), ``share_of_first`` (n_first_shares / n_distinct_media),
        ``n_reshares_of_first`` (later shares by others of media it introduced),
        ``days_active, active_span_days, join_day, reply_degree, reply_in_degree,
        reply_out_degree, reply_pagerank`` (scaled so that 1.0 is the average account in
        the reply graph) and ``reply_core_number``.

    Examples
    --------
    >>> import pandas as pd
    >>> accounts = pd.DataFrame({"account_id": ["F2", "F1"]})
    >>> posts = pd.DataFrame({"account_id": ["F1", "F2"], "reply_to_account": ["", "F1"],
    ...     "time": ["2023-01-01T10:00:00Z", "2023-01-03T10:00:00Z"]})
    >>> empty = pd.DataFrame(columns=["sender", "recipient", "time"])
    >>> no_shares = pd.DataFrame(columns=["account_id", "media_id", "time"])
    >>> table = role_features(accounts, posts, empty, no_shares)
    >>> columns = ["n_threads_started", "reply_in_degree", "reply_core_number"]
    >>> table[columns]  # doctest: +NORMALIZE_WHITESPACE
                n_threads_started  reply_in_degree  reply_core_number
    account_id
    F1                          1                1                  1
    F2                          0                0                  1
    """
    func = "role_features"
    require_columns(accounts, ["account_id"], func, "accounts")
    require_columns(posts, ["account_id", "time", "reply_to_account"], func, "posts")
    require_columns(messages, ["sender", "recipient", "time"], func, "messages")
    require_columns(shares, ["account_id", "media_id", "time"], func, "shares")
    if threads is not None:
        require_columns(threads, ["thread_id", "started_by"], func, "threads")
    if accounts["account_id"].duplicated().any():
        duplicates = sorted(accounts.loc[accounts["account_id"].duplicated(), "account_id"])
        raise InvalidParameterError(
            f"The 'accounts' parameter of {func} must list each account_id once. "
            f"Got duplicates {duplicates[:5]} instead."
        )
    index = pd.Index(sorted(accounts["account_id"].astype(str)), name="account_id")
    out = pd.DataFrame(index=index)

    post_author = posts["account_id"].astype(str).to_numpy()
    is_reply = _present(posts["reply_to_account"])
    reply_target = posts["reply_to_account"].astype(str).to_numpy()
    out["n_posts"] = _count(index, post_author)
    if threads is not None:
        out["n_threads_started"] = _count(index, threads["started_by"].astype(str))
    else:
        out["n_threads_started"] = _count(index, post_author[~is_reply])
    if "thread_id" in posts.columns:
        out["n_threads_posted"] = _nunique(index, post_author, posts["thread_id"].astype(str))
        if threads is not None and "section" in threads.columns:
            sections = posts["thread_id"].map(threads.set_index("thread_id")["section"])
            known = sections.notna().to_numpy()
            out["n_sections"] = _nunique(index, post_author[known], sections[known].astype(str))
    own = reply_target == post_author
    out["n_replies_sent"] = _count(index, post_author[is_reply & ~own])
    out["n_replies_received"] = _count(index, reply_target[is_reply & ~own])

    sender = messages["sender"].astype(str).to_numpy()
    recipient = messages["recipient"].astype(str).to_numpy()
    out["n_pm_sent"] = _count(index, sender)
    out["n_pm_received"] = _count(index, recipient)
    out["n_distinct_pm_partners"] = _nunique(
        index, np.concatenate([sender, recipient]), np.concatenate([recipient, sender]))

    out = out.join(_share_features(index, shares))

    # activity days: posts written, messages sent, media shared
    stamps = pd.concat([
        pd.DataFrame({"account_id": post_author, "time": forum_times(posts["time"]).to_numpy()}),
        pd.DataFrame({"account_id": sender, "time": forum_times(messages["time"]).to_numpy()}),
        pd.DataFrame({"account_id": shares["account_id"].astype(str).to_numpy(),
                      "time": forum_times(shares["time"]).to_numpy()}),
    ], ignore_index=True)
    stamps["day"] = stamps["time"].dt.floor("D")
    out["days_active"] = _nunique(index, stamps["account_id"], stamps["day"])
    by_account = stamps.groupby("account_id")["day"]
    span = (by_account.max() - by_account.min()).dt.days + 1
    out["active_span_days"] = span.reindex(index, fill_value=0).astype("int64")
    if "joined" in accounts.columns:
        joined = pd.Series(forum_times(accounts["joined"]).to_numpy(),
                           index=accounts["account_id"].astype(str).to_numpy())
        groups = (accounts["platform"].astype(str).to_numpy() if "platform" in accounts.columns
                  else np.zeros(len(accounts)))
        first = joined.groupby(groups).transform("min")
        out["join_day"] = ((joined - first).dt.total_seconds() / 86400.0).reindex(index)
    else:
        out["join_day"] = 0.0

    out = out.join(_reply_graph_features(index, post_author[is_reply], reply_target[is_reply]))
    return out


def _share_features(index, shares):
    """Share counts, first shares per platform and re-shares of media introduced first."""
    out = pd.DataFrame(index=index)
    frame = pd.DataFrame({
        "account_id": shares["account_id"].astype(str).to_numpy(),
        "media_id": shares["media_id"].astype(str).to_numpy(),
        "platform": (shares["platform"].astype(str).to_numpy() if "platform" in shares.columns
                     else ""),
        "time": forum_times(shares["time"]).to_numpy(),
        "order": np.arange(len(shares)),
    })
    out["n_shares"] = _count(index, frame["account_id"])
    if "via" in shares.columns:
        in_messages = shares["via"].astype(str).eq("message").to_numpy()
        out["n_shares_in_messages"] = _count(index, frame.loc[in_messages, "account_id"])
    out["n_distinct_media"] = _nunique(index, frame["account_id"], frame["media_id"])
    # the first share of each medium on each platform (ties: the earlier row)
    frame = frame.sort_values(["platform", "media_id", "time", "order"], kind="stable")
    first = frame.drop_duplicates(["platform", "media_id"])
    out["n_first_shares"] = _count(index, first["account_id"])
    out["share_of_first"] = (out["n_first_shares"]
                             / out["n_distinct_media"].where(out["n_distinct_media"] > 0, 1))
    introducer = frame.merge(first[["platform", "media_id", "account_id"]]
                             .rename(columns={"account_id": "introducer"}),
                             on=["platform", "media_id"])
    reshares = introducer.loc[introducer["account_id"] != introducer["introducer"], "introducer"]
    out["n_reshares_of_first"] = _count(index, reshares)
    return out


# --- classifier ------------------------------------------------------------------------------

def _labels(roles, func):
    """``roles`` as a Series of strings indexed by account_id."""
    if isinstance(roles, pd.DataFrame):
        require_columns(roles, ["account_id", "role"], func, "roles")
        roles = roles.set_index("account_id")["role"]
    if not isinstance(roles, pd.Series):
        raise InvalidParameterError(
            f"The 'roles' parameter of {func} must be a Series indexed by account_id or a "
            f"DataFrame with account_id and role columns. Got {type(roles).__name__} instead."
        )
    roles = roles[roles.notna()].astype(str)
    roles.index = roles.index.astype(str)
    return roles


def _matrix(features, roles, func):
    """The numeric feature matrix and the labels of the accounts present in both."""
    if not isinstance(features, pd.DataFrame):
        raise InvalidParameterError(
            f"The 'features' parameter of {func} must be the DataFrame of role_features. "
            f"Got {type(features).__name__} instead."
        )
    numeric = features.select_dtypes(include="number")
    if numeric.shape[1] == 0:
        raise InvalidParameterError(
            f"The 'features' parameter of {func} has no numeric column; "
            f"it has {list(map(str, features.columns))}."
        )
    roles = _labels(roles, func)
    common = numeric.index.astype(str).intersection(roles.index, sort=False)
    numeric = numeric.set_axis(numeric.index.astype(str)).loc[common].fillna(0.0)
    labels = roles.loc[common]
    if labels.nunique() < 2:
        raise InvalidParameterError(
            f"The 'roles' parameter of {func} must give at least 2 different roles to accounts "
            f"of 'features'. Got {labels.nunique()} role(s) for {len(labels)} account(s)."
        )
    return numeric, labels


def _model(model, seed, n_estimators, func):
    from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier

    seed = check_seed(seed)
    if model == "forest":
        return RandomForestClassifier(n_estimators=n_estimators, class_weight="balanced",
                                      min_samples_leaf=2, random_state=seed, n_jobs=1)
    if model == "boosting":
        return HistGradientBoostingClassifier(max_iter=n_estimators, class_weight="balanced",
                                              random_state=seed)
    raise InvalidParameterError(
        f"The 'model' parameter of {func} must be one of {', '.join(MODELS)}. "
        f"Got {model!r} instead."
    )


def train_role_classifier(features, roles, seed=0, *, model="forest", n_estimators=200):
    """Fit a role classifier (class weights balanced, seeded) on the numeric features.

    Parameters
    ----------
    features : DataFrame
        :func:`role_features` output (its numeric columns are used; NaN counts as 0).
    roles : Series or DataFrame
        The role of each account: a Series indexed by account_id, or a table with
        ``account_id`` and ``role`` columns (the ground-truth accounts table). Accounts of
        ``features`` without a role are left out.
    seed : int
        The model's ``random_state``.
    model : {"forest", "boosting"}
        A scikit-learn random forest, or histogram gradient boosting.
    n_estimators : int
        Trees (forest) or boosting iterations.

    Returns
    -------
    sklearn classifier
        Fitted; ``predict(features)`` gives roles, ``feature_names_in_`` the columns used.

    Examples
    --------
    >>> import pandas as pd
    >>> features = pd.DataFrame({"n_posts": [0, 1, 0, 2, 50, 60, 40, 70]})
    >>> roles = pd.Series(["lurker"] * 4 + ["moderator"] * 4)
    >>> classifier = train_role_classifier(features, roles, seed=0, n_estimators=10)
    >>> list(classifier.predict(pd.DataFrame({"n_posts": [2, 55]})))
    ['lurker', 'moderator']
    """
    if isinstance(n_estimators, bool) or not isinstance(n_estimators, int) or n_estimators < 1:
        raise InvalidParameterError(
            "The 'n_estimators' parameter of train_role_classifier must be an int >= 1. "
            f"Got {n_estimators!r} instead."
        )
    matrix, labels = _matrix(features, roles, "train_role_classifier")
    classifier = _model(model, seed, n_estimators, "train_role_classifier")
    return classifier.fit(matrix, labels.to_numpy())


def _split(labels, groups, test_size, seed):
    """Seeded train/test positions: grouped by person if ``groups``, else stratified."""
    from sklearn.model_selection import GroupShuffleSplit, ShuffleSplit, StratifiedShuffleSplit

    positions = np.arange(len(labels))
    if groups is not None:
        splitter = GroupShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
        return next(splitter.split(positions, labels, groups))
    counts = labels.value_counts()
    n_test = int(np.ceil(test_size * len(labels)))
    if counts.min() >= 2 and n_test >= len(counts) and len(labels) - n_test >= len(counts):
        splitter = StratifiedShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    else:  # a role with a single account cannot be stratified
        splitter = ShuffleSplit(n_splits=1, test_size=test_size, random_state=seed)
    return next(splitter.split(positions, labels))


def evaluate_roles(features, roles, seed=0, *, groups=None, test_size=0.3, model="forest",
                   n_estimators=200):
    """Train on a seeded part of the accounts, predict the rest, and score each role.

    Parameters
    ----------
    features, roles, model, n_estimators
        As for :func:`train_role_classifier`.
    seed : int
        Seeds both the split and the model.
    groups : Series or str, optional
        Who owns each account (e.g. ``person_id``): a Series indexed by account_id, or the
        name of a column of ``roles`` when it is a table. All accounts of one person go to
        the same side (scikit-learn ``GroupShuffleSplit``). Without it the split is
        stratified by role.
    test_size : float
        Share of accounts (or of persons, with ``groups``) held out, in (0, 1).

    Returns
    -------
    report : DataFrame
        Index ``role`` (the roles seen in the test part or predicted, in :data:`ROLES`
        order), columns ``precision, recall, f1, support``. ``report.attrs`` holds
        ``accuracy``, ``macro_f1`` and ``baseline_accuracy`` (always predicting the most
        frequent training role).
    confusion : DataFrame
        Counts; index ``true`` role, columns ``predicted`` role, same order as ``report``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> roles = pd.Series(["lurker"] * 30 + ["producer"] * 30)
    >>> features = pd.DataFrame({"n_first_shares": np.r_[rng.poisson(0.2, 30),
    ...                                                   rng.poisson(8, 30)]})
    >>> report, confusion = evaluate_roles(features, roles, seed=0, n_estimators=20)
    >>> report[["precision", "recall", "support"]]  # doctest: +NORMALIZE_WHITESPACE
              precision  recall  support
    role
    producer        1.0     1.0        9
    lurker          1.0     1.0        9
    >>> int(confusion.to_numpy().sum())
    18
    """
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    func = "evaluate_roles"
    seed = check_seed(seed)
    if isinstance(test_size, bool) or not isinstance(test_size, float | int) \
            or not 0 < test_size < 1:
        raise InvalidParameterError(
            f"The 'test_size' parameter of {func} must be a float in (0, 1). "
            f"Got {test_size!r} instead."
        )
    matrix, labels = _matrix(features, roles, func)
    owner = None
    if groups is not None:
        if isinstance(groups, str):
            if not isinstance(roles, pd.DataFrame):
                raise InvalidParameterError(
                    f"The 'groups' parameter of {func} names a column ({groups!r}), so 'roles' "
                    "must be a DataFrame. Pass a Series indexed by account_id instead."
                )
            require_columns(roles, ["account_id", groups], func, "roles")
            groups = roles.set_index("account_id")[groups]
        if not isinstance(groups, pd.Series):
            raise InvalidParameterError(
                f"The 'groups' parameter of {func} must be a Series indexed by account_id or "
                f"a column name of 'roles'. Got {type(groups).__name__} instead."
            )
        groups = groups.set_axis(groups.index.astype(str))
        owner = groups.reindex(matrix.index)
        if owner.isna().any():
            raise InvalidParameterError(
                f"The 'groups' parameter of {func} has no owner for account(s) "
                f"{list(owner.index[owner.isna()][:5])}."
            )
        owner = owner.astype(str).to_numpy()
    train, test = _split(labels, owner, test_size, seed)
    classifier = _model(model, seed, n_estimators, func)
    classifier.fit(matrix.iloc[train], labels.iloc[train].to_numpy())
    truth = labels.iloc[test].to_numpy()
    predicted = classifier.predict(matrix.iloc[test])
    seen = set(truth) | set(predicted)
    order = [role for role in ROLES if role in seen] + sorted(seen - set(ROLES))
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=order, zero_division=0)
    report = pd.DataFrame({"precision": precision, "recall": recall, "f1": f1,
                           "support": support.astype("int64")},
                          index=pd.Index(order, name="role"))
    matrix_counts = confusion_matrix(truth, predicted, labels=order)
    confusion = pd.DataFrame(matrix_counts, index=pd.Index(order, name="true"),
                             columns=pd.Index(order, name="predicted"))
    majority = labels.iloc[train].value_counts().idxmax()
    report.attrs = {"accuracy": float(np.mean(truth == predicted)),
                    "macro_f1": float(report.loc[report["support"] > 0, "f1"].mean()),
                    "baseline_accuracy": float(np.mean(truth == majority))}
    return report, confusion


def plot_confusion(confusion, ax=None, *, normalize=True):
    """Draw a confusion matrix: colour = share of each true role, text = counts.

    Parameters
    ----------
    confusion : DataFrame
        As returned by :func:`evaluate_roles` (true roles down, predicted across).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.
    normalize : bool
        Colour by the row share (recall view) rather than by the raw count.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> confusion = pd.DataFrame([[5, 1], [0, 4]], index=["lurker", "producer"],
    ...                          columns=["lurker", "producer"])
    >>> ax = plot_confusion(confusion)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('predicted role', 'true role')
    """
    import matplotlib.pyplot as plt

    if not isinstance(confusion, pd.DataFrame) or confusion.shape[0] == 0:
        raise InvalidParameterError(
            "The 'confusion' parameter of plot_confusion must be a non-empty DataFrame "
            f"(true roles down, predicted across). Got {type(confusion).__name__} instead."
        )
    counts = confusion.to_numpy(dtype=float)
    colours = counts
    if normalize:
        totals = counts.sum(axis=1, keepdims=True)
        colours = np.divide(counts, totals, out=np.zeros_like(counts), where=totals > 0)
    if ax is None:
        _, ax = plt.subplots(figsize=(1.0 + 0.9 * counts.shape[1], 1.0 + 0.8 * counts.shape[0]))
    ax.imshow(colours, cmap="Blues", vmin=0, vmax=1 if normalize else max(counts.max(), 1))
    ax.set_xticks(range(counts.shape[1]), [str(c) for c in confusion.columns], rotation=45,
                  ha="right")
    ax.set_yticks(range(counts.shape[0]), [str(i) for i in confusion.index])
    limit = 0.5 if normalize else counts.max() / 2
    for (row, column), value in np.ndenumerate(counts):
        ax.text(column, row, f"{int(value)}", ha="center", va="center",
                color="white" if colours[row, column] > limit else "black")
    ax.set_xlabel("predicted role")
    ax.set_ylabel("true role")
    return ax
