"""The ``forum`` generator: a synthetic offender forum, its private messages and a second board.

Offender-network lessons need a forum to analyse without any real one. :func:`make_forum`
invents the *structure* of such a forum, never its content (there is no text at all):

* **Persons and roles.** Each person holds one forum account; a share of them
  (``second_platform_share``) also holds an account on a second platform, the ``board``:
  mostly active people (posting roles, the more active the likelier), some lurkers.
  Roles follow research on such forums: a few administrators, moderators, producers
  (introduce new media) and distributors (re-share media) form a dense core; consumers post
  and rarely share; 72-78 % are lurkers who never post (some of them send a few private
  messages; with fewer than ~200 members the share is smaller, as the core needs at least
  nine persons). Persons belong to ``n_communities`` communities; every role is spread over
  all of them. Posting activity is a stratified lognormal per role, so the heavy tail (the top
  10 % of posters write about 60 % of the posts) holds for every seed.
* **Public threads and replies.** Post counts are heavy-tailed (lognormal activity times a
  role weight). Threads are opened mostly by the core; a reply goes to a recent thread of the
  author's community (core members cross communities more often) and either answers an earlier
  post (``reply_to``) or is a plain post to the thread starter.
* **Private messages.** Each sender writes to a few contacts drawn by attractiveness
  (distributors and producers first), less bound to the community than replies; 15 % of
  the contacts are reply partners, and about a third of the messages are answered. The
  private graph overlaps only weakly with the reply graph (Jaccard of the pair sets about
  0.05-0.1 at 300 members, lower for larger forums). An answer comes at the replier's own
  hour, the same day or a few days later.
* **Media shares.** Producers introduce every media item in a forum post; later posts and
  messages re-share items introduced before them (distributors often, consumers rarely),
  preferring popular items; by default there are half as many media as members.
  ``media.csv`` holds synthetic SHA-256 and PDQ hex values only.
* **Time.** The founder (an administrator) opens the first thread at launch; the core joins
  in the first weeks, the others with a launch burst and a slow decay, and each member's own
  activity fades after joining. After ``takedown_day`` (00:00 UTC) the forum is silent (no
  join, post, message or share). The board opens at 30 % of ``days``, draws a wave of
  activity after the takedown and runs to the end. Each person is active around a peak hour
  of the day (evenings in their time zone) and favours two weekdays (30-70 % of their days).
* **Aliases.** A person's board account keeps their habits: the same peak hour (within
  about half an hour) and weekdays, a volume of posts and messages in proportion to their
  forum volume (half of it on average, lognormal spread), and board shares drawn mostly
  (85 %) from the media they shared on the forum. Half of the board handles are new, the
  others reuse the forum handle's words (other digits) or one of them. Handles are
  ``adjective_noun`` plus digits from 200 adjectives and 200 nouns (invented, neutral
  words), so that two accounts rarely share both words by chance. Some aliases stay hard:
  about a quarter to a third of the persons with a board account are silent on one of the
  platforms, and consumers rarely share media.

Files (CSV, header row, rows sorted by id, times ISO-8601 UTC such as
``2023-03-01T12:34:56Z``): ``accounts.csv``, ``threads.csv``, ``posts.csv``,
``messages.csv``, ``shares.csv``, ``media.csv``; see :func:`make_forum`. Empty cells
(``reply_to`` of an opening post) are empty strings: read them back with
``pandas.read_csv(path, keep_default_na=False)``.

Ids: accounts ``F``/``B`` by joining time; threads, posts, messages and shares forum first,
then board, each in time order; media by introduction. An account's ``joined`` is no later
than its first post or message (sent or received), its ``last_seen`` no earlier than its
last post or sent message.

Everything is vectorised NumPy (measured on a shared, loaded 2-core machine, so noisy):

=============  ==================================================  ======  ========  ======
n_members      forum + board rows                                  time    peak RSS  size
=============  ==================================================  ======  ========  ======
300 (default)  2.2 k posts, 1.9 k messages, 1.3 k shares           0.1 s   ~140 MB   0.4 MB
2,000          15.5 k posts, 13.5 k messages, 9 k shares           0.3 s   ~160 MB   2.6 MB
100,000        780 k posts, 640 k messages, 440 k shares           ~16 s   ~740 MB   131 MB
=============  ==================================================  ======  ========  ======

At 100,000 members there are ~1.1 M reply and message edges; writing the CSV files takes
about half of the time.

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "forum"
>>> truth = make_forum(out, {"n_members": 60, "days": 60}, make_rng(0))
>>> sorted(truth), sorted(p.name for p in out.iterdir())[:3]
(['accounts', 'events', 'persons'], ['accounts.csv', 'media.csv', 'messages.csv'])
>>> persons = truth["persons"]
>>> len(persons), sorted(set(persons["role"]))[:3]
(60, ['administrator', 'consumer', 'distributor'])
"""

from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd

from vidlab.checks import check_iso_date, check_number, parameter_error
from vidlab.synth.registry import merge_config, register_generator

__all__ = ["make_forum", "DEFAULTS", "ROLES", "CORE_ROLES", "FILES", "SECTIONS", "ADJECTIVES",
           "NOUNS"]

#: Configuration defaults. ``None`` means derived from the other values; ``takedown_day``
#: "auto" is 82 % of ``days`` (``None``: no takedown).
DEFAULTS = {"n_members": 300, "days": 365, "n_threads": None, "start": "2023-01-01",
            "takedown_day": "auto", "n_media": None, "second_platform_share": 0.25,
            "n_communities": 3}
ROLES = ("administrator", "moderator", "producer", "distributor", "consumer", "lurker")
CORE_ROLES = ROLES[:4]
SECTIONS = ("announcements", "introductions", "general", "requests", "sharing", "technical")
FILES = {
    "accounts": ["account_id", "platform", "handle", "joined", "last_seen"],
    "threads": ["thread_id", "platform", "section", "started_by", "created"],
    "posts": ["post_id", "platform", "thread_id", "account_id", "time", "reply_to",
              "reply_to_account"],
    "messages": ["message_id", "platform", "sender", "recipient", "time"],
    "shares": ["share_id", "platform", "account_id", "media_id", "time", "via", "item_id"],
    "media": ["media_id", "sha256", "pdq"],
}
PLATFORMS = ("forum", "board")
DAY = 86_400
MAX_MEMBERS = 2_000_000
_NORMAL = NormalDist()

# --- behaviour by role: administrator, moderator, producer, distributor, consumer, lurker ----

ADMIN, MODERATOR, PRODUCER, DISTRIBUTOR, CONSUMER, LURKER = range(6)
POSTS_PER_MEMBER = 5.0      # forum posts per member (all roles), on average
MESSAGES_PER_MEMBER = 3.2   # forum private messages started per member (answers come on top)
POSTS_PER_THREAD = 12.0     # for the derived n_threads
BOARD_ACTIVITY = 0.5        # board activity of an account relative to its forum activity
BOARD_OPENS = 0.3           # the board opens at this fraction of `days`
ACTIVITY_SIGMA = 1.8        # lognormal spread of personal activity: the heavy tail
POST_WEIGHT = np.array([8.0, 6.0, 4.0, 4.0, 1.0, 0.0])
START_WEIGHT = np.array([6.0, 5.0, 5.0, 1.5, 0.3, 0.0])   # propensity to open threads
PM_WEIGHT = np.array([1.5, 1.5, 3.0, 5.0, 1.0, 0.4])
PM_ATTRACTION = np.array([1.0, 0.6, 3.0, 5.0, 0.5, 0.25])  # who receives private messages
OWN_COMMUNITY_REPLY = np.array([0.8, 0.85, 0.88, 0.88, 0.94, 0.94])
RECENCY = 0.12             # replies go to recent threads (geometric lag in threads)...
POPULAR_THREAD = 0.5       # ... or to any earlier thread by popularity
OWN_COMMUNITY_PM = 0.5
MET_IN_PUBLIC = 0.15        # private contacts who are reply partners
PM_LURKER_SHARE = 0.15      # lurkers who send private messages
ANSWERED = 0.35             # private messages that get an answer
SHARE_IN_POST = np.array([0.02, 0.03, 0.25, 0.35, 0.01, 0.0])
SHARE_IN_MESSAGE = np.array([0.02, 0.02, 0.3, 0.45, 0.02, 0.005])
FADE = 0.12                # a member's own activity fades with this time scale (x days)
BROWSING_DAYS = 20.0       # mean time an account is seen after joining or acting
BOARD_WEIGHT = np.array([8.0, 8.0, 10.0, 10.0, 6.0, 0.3])  # who also joins the board...
BOARD_KEEN = 0.5            # ... times activity ** BOARD_KEEN: active people more often
BOARD_SIGMA = 0.5           # lognormal spread of board volume around BOARD_ACTIVITY x forum's
BOARD_SAME_MEDIA = 0.85     # board shares drawn from what the person shared on the forum
MEDIA_PER_MEMBER = 0.5     # derived n_media
WEEKDAY_HABIT = (0.3, 0.7)  # share of a person's days moved to their two favourite weekdays
SECTION_BY_ROLE = np.array([  # rows: role; columns: SECTIONS
    [0.5, 0.1, 0.2, 0.0, 0.0, 0.2],
    [0.4, 0.1, 0.3, 0.0, 0.0, 0.2],
    [0.0, 0.0, 0.3, 0.0, 0.7, 0.0],
    [0.0, 0.0, 0.3, 0.1, 0.6, 0.0],
    [0.0, 0.3, 0.3, 0.4, 0.0, 0.0],
    [0.0, 1.0, 0.0, 0.0, 0.0, 0.0],
])

# --- handles: invented, harmless words ---------------------------------------------------------

ADJECTIVES = np.array([
    "alpine", "ample", "ancient", "arctic", "arid", "ashen", "azure", "beige", "black", "blue",
    "bold", "brassy", "brave", "breezy", "bright", "broad", "bronze", "brown", "busy", "calm",
    "cerulean", "chilly", "clever", "cloudy", "coarse", "coastal", "cold", "cool", "copper",
    "coral", "cosmic", "crafty", "crimson", "crisp", "crooked", "curious", "curved", "cyan",
    "damp", "dark", "deep", "dim", "distant", "dry", "dull", "dusty", "eager", "early",
    "eastern", "electric", "faded", "fierce", "flat", "foggy", "frayed", "frosty", "frozen",
    "fuzzy", "gentle", "giant", "glassy", "gloomy", "glossy", "golden", "grainy", "grassy",
    "gray", "green", "grim", "hazy", "heavy", "hollow", "humble", "humid", "icy", "idle",
    "indigo", "ivory", "jagged", "jolly", "keen", "khaki", "kind", "knotty", "late", "lazy",
    "leafy", "leather", "lilac", "linen", "long", "loud", "loyal", "lucky", "lunar", "magenta",
    "magnetic", "major", "maroon", "matte", "mauve", "mellow", "mild", "minor", "misty",
    "modern", "mossy", "muddy", "narrow", "navy", "nimble", "noble", "noisy", "northern",
    "ochre", "odd", "open", "orange", "pale", "paper", "plain", "plucky", "polar", "prime",
    "proud", "purple", "quick", "quiet", "rainy", "rapid", "red", "remote", "restless", "rocky",
    "rough", "round", "royal", "rugged", "rural", "russet", "rustic", "rusty", "salty", "sandy",
    "shallow", "shiny", "silent", "silken", "silver", "smoky", "smooth", "snowy", "solar",
    "solid", "southern", "spare", "spry", "square", "starry", "static", "steady", "stern",
    "stoic", "stony", "stormy", "straight", "sturdy", "sunlit", "sunny", "swift", "tall", "tan",
    "teal", "thick", "thin", "tidal", "tidy", "tough", "tropical", "umber", "urban", "vast",
    "velvet", "vintage", "vivid", "warm", "wary", "western", "white", "wide", "wild", "windy",
    "wintry", "wise", "witty", "wooden", "woolen", "worn", "yellow", "zesty"])
NOUNS = np.array([
    "acorn", "anchor", "anvil", "arch", "atlas", "attic", "badge", "badger", "banjo", "barrel",
    "basalt", "basket", "beacon", "beaver", "bell", "bench", "birch", "bison", "boat",
    "boulder", "brick", "bridge", "brook", "buffalo", "button", "cabin", "cactus", "camel",
    "candle", "canoe", "canvas", "canyon", "castle", "cavern", "cedar", "chimney", "cinder",
    "cliff", "clock", "cloud", "clover", "cobalt", "comet", "compass", "condor", "cove",
    "coyote", "crane", "crater", "cricket", "crow", "delta", "drum", "dune", "eagle", "elk",
    "ember", "engine", "falcon", "feather", "fence", "fern", "ferry", "fiddle", "fjord",
    "flint", "forge", "fossil", "fox", "geyser", "glacier", "gorge", "granite", "gravel",
    "grotto", "grove", "gull", "hammer", "harbor", "harp", "hatchet", "hawk", "hedge", "helmet",
    "heron", "hill", "horizon", "iceberg", "igloo", "island", "jetty", "kayak", "kettle",
    "kiln", "kite", "knot", "ladder", "lagoon", "lake", "lantern", "ledge", "lichen",
    "lighthouse", "lizard", "lodge", "loom", "lynx", "magnet", "mallet", "marble", "marsh",
    "mast", "meadow", "meteor", "mill", "mirror", "monsoon", "moose", "moth", "mountain",
    "nebula", "needle", "oak", "oar", "oasis", "orbit", "osprey", "otter", "owl", "paddle",
    "panther", "parrot", "pebble", "pelican", "pendulum", "pigeon", "pillar", "pine", "plaza",
    "pond", "prairie", "prism", "puffin", "quarry", "quartz", "quill", "raft", "ravine", "reef",
    "ribbon", "ridge", "rocket", "rudder", "saddle", "sail", "salmon", "satchel", "sextant",
    "shadow", "shovel", "skiff", "sled", "slope", "spade", "sparrow", "spire", "spruce",
    "stream", "summit", "swamp", "teapot", "thistle", "thunder", "tiger", "timber", "torch",
    "tower", "trail", "trolley", "trout", "tundra", "tunnel", "turtle", "valley", "vapor",
    "vessel", "volcano", "wagon", "walrus", "whale", "wharf", "wheel", "whistle", "wick",
    "windmill", "wolf", "wren", "yarn", "zebra", "zephyr"])


# --- configuration -----------------------------------------------------------------------------


def _int(values, key, low, high, *, optional=False):
    value = values[key]
    if optional and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not (
        low <= value <= high
    ):
        expected = f"an int in [{low}, {high}]" + (" or None" if optional else "")
        raise parameter_error(key, "forum", expected, value)
    return int(value)


def _check_config(config):
    values = merge_config(config, DEFAULTS, "forum")
    values["n_members"] = _int(values, "n_members", 20, MAX_MEMBERS)
    values["days"] = _int(values, "days", 7, 36_500)
    values["n_threads"] = _int(values, "n_threads", 1, 100_000_000, optional=True)
    values["n_media"] = _int(values, "n_media", 1, 100_000_000, optional=True)
    values["n_communities"] = _int(values, "n_communities", 1, 20)
    if values["takedown_day"] == "auto":
        values["takedown_day"] = round(0.82 * values["days"])
    else:
        values["takedown_day"] = _int(values, "takedown_day", 1, values["days"], optional=True)
    values["second_platform_share"] = check_number(
        values["second_platform_share"], "second_platform_share", "forum", 0, 1)
    values["start"] = check_iso_date(values["start"], "start", "forum")
    return values


# --- small vectorised helpers ------------------------------------------------------------------


def _weighted_sample(rng, weights, k):
    """Indices of ``k`` items drawn without replacement with probability ~ ``weights``
    (Efraimidis-Spirakis keys; items of weight 0 only when nothing else is left)."""
    with np.errstate(divide="ignore"):
        keys = np.log(rng.random(len(weights))) / weights
    return np.sort(np.argsort(-keys, kind="stable")[:k])


def _draw(rng, cumulative, n):
    """``n`` indices drawn with probability ~ the increments of ``cumulative``."""
    return np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")


def _sample_days(rng, cdf, low, high):
    """One day per row in ``[low, high)`` with probability ~ the daily intensity."""
    a, b = cdf[low], cdf[high]
    days = np.searchsorted(cdf, a + rng.random(len(low)) * (b - a), side="right") - 1
    return np.clip(days, low, high - 1)


def _activity_days(rng, cdf, low, end_day):
    """Days of activity from ``low`` on: half follow the platform's intensity, half the
    member's own enthusiasm, which fades after joining (a truncated exponential)."""
    n = len(low)
    days = _sample_days(rng, cdf, low, np.full(n, end_day))
    span = (end_day - low).astype(float)
    fade = FADE * (len(cdf) - 1)
    u = rng.random(n) * -np.expm1(-span / fade)
    keen = low + np.minimum(np.floor(-fade * np.log1p(-u)), span - 1).astype(np.int64)
    return np.where(rng.random(n) < 0.5, days, keen)


def _weekly(rng, days, favourite, habit, low, end_day):
    """Move a share ``habit`` of the ``days`` (day numbers since the start) to the nearest
    of each row's two favourite weekdays (``favourite`` and the day after, weekdays counted
    from the start date), staying in ``[low, end_day)``."""
    n = len(days)
    target = favourite + (rng.random(n) < 0.5)
    shift = (target - days) % 7
    moved = days + np.where(shift > 3, shift - 7, shift)
    moved = np.where(moved < low, moved + 7, np.where(moved >= end_day, moved - 7, moved))
    keep = (rng.random(n) < habit) & (moved >= low) & (moved < end_day)
    return np.where(keep, moved, days)


def _normal_quantiles(rng, n):
    """The ``n`` standard normal quantiles at probabilities ``(i + 0.5) / n``, in random order:
    a heavy tail of the intended shape without the sampling noise of ``n`` free draws."""
    quantiles = np.array([_NORMAL.inv_cdf((i + 0.5) / n) for i in range(n)])
    return quantiles[rng.permutation(n)]


def _clock(rng, peak, spread):
    """Seconds of the day around each row's peak hour."""
    hours = (peak + rng.normal(0.0, 1.0, len(peak)) * spread) % 24.0
    return np.minimum((hours * 3600).astype(np.int64), DAY - 1)


def _quota(rng, weights, n):
    """``n`` labels, split by ``weights`` with the largest remainder, in random order."""
    exact = weights * n
    counts = np.floor(exact).astype(np.int64)
    counts[np.argsort(-(exact - counts), kind="stable")[: n - counts.sum()]] += 1
    return rng.permutation(np.repeat(np.arange(len(weights)), counts))


def _ids(prefix, numbers, width):
    numbers = np.asarray(numbers, dtype=np.int64)
    if numbers.size == 0:  # np.char.zfill fails on empty arrays
        return np.zeros(0, dtype=object)
    digits = np.char.zfill(numbers.astype(str), width)
    return np.char.add(prefix, digits).astype(object)


def _width(count, minimum):
    return max(minimum, len(str(max(count, 1))))


def _times(start, seconds):
    stamps = np.datetime64(start, "s") + np.asarray(seconds, dtype=np.int64).astype("m8[s]")
    return np.char.add(np.datetime_as_string(stamps, unit="s"), "Z").astype(object)


def _intensity_cdf(weights):
    return np.concatenate([[0.0], np.cumsum(weights)])


def _handle_text(adjective, noun, number):
    text = np.char.add(np.char.add(ADJECTIVES[adjective], "_"), NOUNS[noun])
    return np.char.add(text, number.astype(str))


def _numbers(rng, n):
    digits = rng.choice(4, size=n, p=[0.2, 0.45, 0.2, 0.15]) + 1
    return rng.integers(0, 10**digits)


def _handles(rng, n, like=None):
    """Unique handles; with ``like`` (adjective, noun, number arrays of forum handles), some
    are similar to them: same words (other digits) or one word in common."""
    adjective = rng.integers(len(ADJECTIVES), size=n)
    noun = rng.integers(len(NOUNS), size=n)
    number = _numbers(rng, n)
    forbidden = None
    if like is not None:
        kind = rng.choice(4, size=n, p=[0.5, 0.3, 0.1, 0.1])  # unrelated, same, adj, noun
        adjective = np.where(np.isin(kind, (1, 2)), like[0], adjective)
        noun = np.where(np.isin(kind, (1, 3)), like[1], noun)
        forbidden = _handle_text(*like)
    text = _handle_text(adjective, noun, number)
    while True:
        _, first = np.unique(text, return_index=True)
        redo = np.ones(n, dtype=bool)
        redo[first] = False
        if forbidden is not None:
            redo |= text == forbidden
        if not redo.any():
            return text.astype(object), (adjective, noun, number)
        number[redo] = rng.integers(0, 10_000, size=int(redo.sum()))
        text = _handle_text(adjective, noun, number)  # anew: longer strings must fit


# --- one platform's public posts and private messages -----------------------------------------


def _pick_threads(rng, created, community, target, times, n_communities):
    """A thread of community ``target`` opened before each time: a recent one (recency lag)
    or, half of the time, any earlier one by its popularity; another community's if the
    target has none yet. ``created`` is sorted; the first thread precedes every time."""
    n = len(times)
    lag = rng.geometric(RECENCY, size=n) - 1
    popular = rng.random(n) < POPULAR_THREAD
    hotness = rng.lognormal(0.0, 1.0, len(created))
    chosen = np.full(n, -1, dtype=np.int64)
    groups = [(np.flatnonzero(target == label), np.flatnonzero(community == label))
              for label in range(n_communities)]
    groups.append((None, np.arange(len(created))))
    for rows, members in groups:
        rows = np.flatnonzero(chosen < 0) if rows is None else rows
        available = np.searchsorted(created[members], times[rows], side="left")
        ok = available > 0
        rows, available = rows[ok], available[ok]
        recent = available - 1 - np.minimum(lag[rows], available - 1)
        cumulative = np.cumsum(hotness[members])
        limit = cumulative[np.maximum(available - 1, 0)] if len(members) else available
        hot = np.searchsorted(cumulative, rng.random(len(rows)) * limit, side="right")
        hot = np.minimum(hot, available - 1)
        chosen[rows] = members[np.where(popular[rows], hot, recent)]
    return chosen


def _posts(rng, acc, counts, cdf, end_day, launch, n_threads, n_communities):
    """Posts of one platform: author, time, thread, reply_to (post or -1), reply_to_account
    (account or -1), sorted by time; and its threads: starter, created, section."""
    author = np.repeat(np.arange(len(counts)), counts)
    n = len(author)
    if n == 0:
        empty = np.zeros(0, dtype=np.int64)
        return ({"author": empty, "time": empty, "thread": empty, "reply_to": empty,
                 "reply_to_account": empty},
                {"starter": empty, "created": empty, "section": empty})
    days = _activity_days(rng, cdf, acc["first_day"][author], end_day)
    days = _weekly(rng, days, acc["weekday"][author], acc["habit"][author],
                   acc["first_day"][author], end_day)
    time = days * DAY + _clock(rng, acc["peak"][author], acc["spread"][author])

    # the founder opens the first thread at launch; nothing happens before
    founder_post = int(np.argmax(counts > 0) if acc["founder"] < 0 else
                       np.flatnonzero(author == acc["founder"])[0])
    time[founder_post] = launch
    early = time <= launch
    early[founder_post] = False
    time[early] = launch + 1 + rng.integers(0, 3600, size=int(early.sum()))

    weights = START_WEIGHT[acc["role"][author]]
    weights[founder_post] = np.inf
    openers = _weighted_sample(rng, weights, min(n_threads, n))
    openers = openers[np.argsort(time[openers], kind="stable")]
    n_threads = len(openers)
    thread = np.full(n, -1, dtype=np.int64)
    thread[openers] = np.arange(n_threads)
    created = time[openers]
    starter = author[openers]
    role = acc["role"][starter]
    section_cdf = np.cumsum(SECTION_BY_ROLE[role], axis=1)
    section = (rng.random((n_threads, 1)) * section_cdf[:, -1:] >= section_cdf).sum(axis=1)

    # replies: a recent thread of the author's community (or of another one)
    replies = np.flatnonzero(thread < 0)
    r_time, r_author = time[replies], author[replies]
    own = rng.random(len(replies)) < OWN_COMMUNITY_REPLY[acc["role"][r_author]]
    target = np.where(own, acc["community"][r_author],
                      rng.integers(n_communities, size=len(replies)))
    thread[replies] = _pick_threads(rng, created, acc["community"][starter], target, r_time,
                                    n_communities)

    # order by thread, then time: each post's rank in its thread (the opener has rank 0)
    order = np.lexsort((np.arange(n), time, thread))
    sorted_thread = thread[order]
    first = np.searchsorted(sorted_thread, np.arange(n_threads), side="left")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - first[sorted_thread]
    thread_start = first[thread]

    reply_to = np.full(n, -1, dtype=np.int64)
    direct = (rank > 0) & (rng.random(n) < 0.55)
    back = np.minimum(rng.geometric(0.5, size=n) - 1, rank - 1)
    candidate = order[thread_start + np.maximum(rank - 1 - back, 0)]
    again = order[thread_start + (rng.random(n) * np.maximum(rank, 1)).astype(np.int64)]
    candidate = np.where(author[candidate] == author, again, candidate)
    direct &= author[candidate] != author
    reply_to[direct] = candidate[direct]
    thread_starter = starter[thread]
    reply_to_account = np.where(direct, author[np.maximum(reply_to, 0)], thread_starter)
    plain_own = (~direct) & (thread_starter == author)  # a plain post in one's own thread
    reply_to_account[plain_own | (rank == 0)] = -1

    by_time = np.lexsort((np.arange(n), time))
    new_index = np.empty(n, dtype=np.int64)
    new_index[by_time] = np.arange(n)
    reply_to = np.where(reply_to >= 0, new_index[np.maximum(reply_to, 0)], -1)
    posts = {"author": author[by_time], "time": time[by_time], "thread": thread[by_time],
             "reply_to": reply_to[by_time], "reply_to_account": reply_to_account[by_time]}
    return posts, {"starter": starter, "created": created, "section": section}


def _messages(rng, acc, counts, posts, cdf, end_day, launch, n_communities):
    """Private messages of one platform (sender, recipient, time), sorted by time; some
    contacts are reply partners from ``posts``."""
    n_acc = len(counts)
    senders = np.flatnonzero(counts > 0)
    if n_acc < 2 or len(senders) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return {"sender": empty, "recipient": empty, "time": empty}
    n_contacts = np.minimum(counts[senders], 1 + rng.poisson(0.5 * np.sqrt(counts[senders])))
    source = np.repeat(senders, n_contacts)
    own = rng.random(len(source)) < OWN_COMMUNITY_PM
    community = np.where(own, acc["community"][source],
                         rng.integers(n_communities, size=len(source)))
    attraction = PM_ATTRACTION[acc["role"]] * acc["appeal"]
    contact = np.full(len(source), -1, dtype=np.int64)
    for label in range(n_communities):
        rows = np.flatnonzero(community == label)
        members = np.flatnonzero(acc["community"] == label)
        if len(members) > 1:
            contact[rows] = members[_draw(rng, np.cumsum(attraction[members]), len(rows))]
    rest = contact < 0
    contact[rest] = _draw(rng, np.cumsum(attraction), int(rest.sum()))
    clash = contact == source
    contact[clash] = _draw(rng, np.cumsum(attraction), int(clash.sum()))
    # some contacts are people met in public: one of the sender's reply partners
    partner = posts["reply_to_account"]
    replier = posts["author"][partner >= 0]
    partner = partner[partner >= 0][np.argsort(replier, kind="stable")]
    n_partners = np.bincount(replier, minlength=n_acc)
    first_partner = np.concatenate([[0], np.cumsum(n_partners)])[source]
    met = (rng.random(len(source)) < MET_IN_PUBLIC) & (n_partners[source] > 0)
    pick = first_partner + (rng.random(len(source)) * n_partners[source]).astype(np.int64)
    contact[met] = partner[pick[met]]
    keep = contact != source
    source, contact = source[keep], contact[keep]

    # each message goes to one of the sender's contacts, the first ones more often
    n_contacts = np.bincount(source, minlength=n_acc)
    offset = np.concatenate([[0], np.cumsum(n_contacts)])
    sender = np.repeat(np.arange(n_acc), np.where(n_contacts > 0, counts, 0))
    slot = offset[sender] + (rng.random(len(sender)) ** 2 * n_contacts[sender]).astype(np.int64)
    recipient = contact[slot]
    low = np.maximum(acc["first_day"][sender], acc["first_day"][recipient])
    days = _activity_days(rng, cdf, low, end_day)
    days = _weekly(rng, days, acc["weekday"][sender], acc["habit"][sender], low, end_day)
    time = days * DAY + _clock(rng, acc["peak"][sender], acc["spread"][sender])
    early = time <= launch
    time[early] = launch + 1 + rng.integers(0, 3600, size=int(early.sum()))

    answered = rng.random(len(sender)) < ANSWERED
    # the answer comes at the replier's own hour, the same day or one of the next ones
    replier = recipient[answered]
    answer_day = time[answered] // DAY + rng.geometric(0.6, size=len(replier)) - 1
    answer_time = answer_day * DAY + _clock(rng, acc["peak"][replier], acc["spread"][replier])
    answer_time = np.where(answer_time <= time[answered] + 60, answer_time + DAY, answer_time)
    fits = answer_time < end_day * DAY
    sender, recipient = (np.concatenate([sender, recipient[answered][fits]]),
                         np.concatenate([recipient, sender[answered][fits]]))
    time = np.concatenate([time, answer_time[fits]])
    order = np.lexsort((np.arange(len(time)), time))
    return {"sender": sender[order], "recipient": recipient[order], "time": time[order]}


# --- media shares ----------------------------------------------------------------------------


def _items(acc, posts, messages):
    """Posts and sent messages of one platform as one item list (via 0: post, 1: message)."""
    return {"account": np.concatenate([posts["author"], messages["sender"]]),
            "time": np.concatenate([posts["time"], messages["time"]]),
            "via": np.repeat([0, 1], [len(posts["time"]), len(messages["time"])]),
            "index": np.concatenate([np.arange(len(posts["time"])),
                                     np.arange(len(messages["time"]))])}


def _sharing_items(rng, acc, items):
    role = acc["role"][items["account"]]
    chance = np.where(items["via"] == 0, SHARE_IN_POST[role], SHARE_IN_MESSAGE[role])
    sharing = np.flatnonzero(rng.random(len(role)) < chance)
    return np.repeat(sharing, 1 + rng.poisson(0.3, size=len(sharing)))


def _earlier_media(rng, intro_sorted, cumulative, times):
    """Media (indices into the intro-time order) introduced before ``times``, weighted by
    popularity; -1 where nothing was introduced yet."""
    available = np.searchsorted(intro_sorted, times, side="left")
    ok = available > 0
    pick = np.full(len(times), -1, dtype=np.int64)
    limit = cumulative[np.maximum(available - 1, 0)]
    draws = np.searchsorted(cumulative, rng.random(len(times)) * limit, side="right")
    pick[ok] = np.minimum(draws[ok], available[ok] - 1)
    return pick


def _dedupe(share):
    keys = np.stack([share["via"], share["index"], share["media"]])
    _, first = np.unique(keys, axis=1, return_index=True)
    first = np.sort(first)
    order = np.lexsort((share["media"][first], share["index"][first], share["via"][first],
                        share["time"][first]))
    return {key: value[first][order] for key, value in share.items()}


def _forum_shares(rng, acc, posts, messages, n_media):
    """Introductions by producers, then re-shares; returns (shares, intro_time by media)."""
    producer_posts = np.flatnonzero(acc["role"][posts["author"]] == PRODUCER)
    intro_post = producer_posts[rng.integers(len(producer_posts), size=n_media)]
    intro_post = np.sort(intro_post, kind="stable")  # media numbered by introduction
    intro_time = posts["time"][intro_post]
    popularity = np.cumsum(rng.lognormal(0.0, 1.0, n_media))
    items = _items(acc, posts, messages)
    reshare = _sharing_items(rng, acc, items)
    media = _earlier_media(rng, intro_time, popularity, items["time"][reshare])
    reshare, media = reshare[media >= 0], media[media >= 0]
    share = {"account": np.concatenate([posts["author"][intro_post], items["account"][reshare]]),
             "time": np.concatenate([intro_time, items["time"][reshare]]),
             "via": np.concatenate([np.zeros(n_media, np.int64), items["via"][reshare]]),
             "index": np.concatenate([intro_post, items["index"][reshare]]),
             "media": np.concatenate([np.arange(n_media), media])}
    return _dedupe(share), intro_time, popularity


def _board_shares(rng, acc, posts, messages, forum_share, person_of_forum, intro_time,
                  popularity):
    """Board shares: mostly media the same person shared on the forum (among those already
    introduced), the others by popularity."""
    items = _items(acc, posts, messages)
    rows = _sharing_items(rng, acc, items)
    times = items["time"][rows]
    media = _earlier_media(rng, intro_time, popularity, times)
    # the person's own forum shares, grouped by person and sorted by introduction time
    owner = person_of_forum[forum_share["account"]]
    own_media = forum_share["media"]
    horizon = int(max(intro_time.max(initial=0), times.max(initial=0))) + 1
    keys = np.sort(owner * horizon + intro_time[own_media])
    order = np.lexsort((intro_time[own_media], owner))
    own_media = own_media[order]
    offset = np.concatenate([[0], np.cumsum(np.bincount(owner, minlength=len(person_of_forum)))])
    person = acc["person"][items["account"][rows]]
    # those introduced before the board share: the first `available` of the person's group
    available = np.searchsorted(keys, person * horizon + times, side="left") - offset[person]
    slot = offset[person] + (rng.random(len(rows)) * available).astype(np.int64)
    use_own = (available > 0) & (rng.random(len(rows)) < BOARD_SAME_MEDIA)
    if use_own.any():
        media[use_own] = own_media[slot[use_own]]
    keep = media >= 0
    rows, media = rows[keep], media[keep]
    share = {"account": items["account"][rows], "time": items["time"][rows],
             "via": items["via"][rows], "index": items["index"][rows], "media": media}
    return _dedupe(share)


# --- the generator -----------------------------------------------------------------------------


# --- persons and platforms ---------------------------------------------------------------------


def _roles(rng, n):
    admins = min(10, max(2, round(n / 150)))
    moderators = max(2, round(0.015 * n))
    producers = max(2, round(0.02 * n))
    distributors = max(3, round(0.05 * n))
    core = admins + moderators + producers + distributors
    lurkers = min(round(rng.uniform(0.72, 0.78) * n), n - core - 1)
    counts = [admins, moderators, producers, distributors, n - core - lurkers, lurkers]
    return np.repeat(np.arange(6), counts)


def _forum_intensity(days, end_day, join=False):
    """Daily weights: a launch burst, then a slow decay; nothing from ``end_day`` on."""
    d = np.arange(days, dtype=float)
    burst = max(2.0, 0.02 * days)
    if join:
        weights = (1 + 15 * np.exp(-d / burst)) * np.exp(-d / (0.4 * days))
    else:
        weights = (1 + 6 * np.exp(-d / burst)) * np.exp(-d / (0.6 * days))
    weights[end_day:] = 0.0
    return _intensity_cdf(weights)


def _board_intensity(days, opens, takedown_day):
    """Daily weights: slow growth from ``opens``, a wave of arrivals after the takedown."""
    d = np.arange(days, dtype=float)
    weights = np.where(d >= opens, 1.0 + 0.5 * (d - opens) / days, 0.0)
    if takedown_day is not None and takedown_day < days:
        wave = max(takedown_day, opens)
        weights *= np.where(d >= wave, 1 + 3 * np.exp(-np.maximum(d - wave, 0) / 30), 1)
    return _intensity_cdf(weights)


def _persons(rng, values):
    """Per-person arrays, numbered by forum joining time (the founder, an administrator,
    joins at ``launch``): role, community, peak hour (UTC), spread (hours), activity,
    chattiness (private messages), appeal (as a contact), join (seconds)."""
    n, days, k = values["n_members"], values["days"], values["n_communities"]
    forum_end = values["forum_end"]
    role = _roles(rng, n)
    sizes = rng.dirichlet(np.full(k, 8.0))
    community = np.empty(n, dtype=np.int64)
    activity = np.empty(n)
    for label in range(6):  # every role in every community; a stable heavy tail per role
        rows = np.flatnonzero(role == label)
        community[rows] = _quota(rng, sizes, len(rows))
        activity[rows] = np.exp(ACTIVITY_SIGMA * _normal_quantiles(rng, len(rows)))
    zone = rng.integers(-8, 10, size=n)  # evenings in the person's time zone
    person = {"role": role, "community": community,
              "peak": (21.0 + rng.normal(0, 1.5, n) - zone) % 24.0,
              "spread": rng.uniform(1.0, 2.5, n), "activity": activity,
              "chattiness": np.exp(0.6 * np.log(activity)
                                   + rng.normal(0, 0.8 * ACTIVITY_SIGMA, n)),
              "appeal": rng.lognormal(0.0, 0.5, n),
              "weekday": rng.integers(0, 7, size=n),
              "habit": rng.uniform(*WEEKDAY_HABIT, size=n)}

    # the core joins early, the others with the launch burst
    join_cdf = _forum_intensity(days, forum_end, join=True)
    join_day = _sample_days(rng, join_cdf, np.zeros(n, np.int64), np.full(n, forum_end))
    early = np.isin(role, (MODERATOR, PRODUCER, DISTRIBUTOR))
    join_day[early] = np.minimum(rng.geometric(1 / max(1.0, 0.03 * days), early.sum()) - 1,
                                 forum_end - 1)
    join_day[role == ADMIN] = 0
    launch = int(rng.integers(6 * 3600, 18 * 3600))
    join = np.maximum(join_day * DAY + rng.integers(0, DAY, size=n), launch)
    join[0] = launch  # the first administrator founds the forum
    order = np.lexsort((np.arange(n), join))
    person = {key: value[order] for key, value in person.items()}
    person["join"] = join[order]
    return person, launch


def _forum(rng, values, person, launch):
    """The forum's accounts (one per person), posts, threads and messages."""
    n, k, forum_end = values["n_members"], values["n_communities"], values["forum_end"]
    role = person["role"]
    posting = role != LURKER
    weight = POST_WEIGHT[role] * person["activity"]
    scale = max(POSTS_PER_MEMBER * n - posting.sum(), 0) / weight.sum()
    post_counts = np.where(posting, 1 + rng.poisson(weight * scale), 0)
    messaging = posting | (rng.random(n) < PM_LURKER_SHARE)
    pm_weight = np.where(messaging, PM_WEIGHT[role] * person["chattiness"], 0.0)
    pm_scale = MESSAGES_PER_MEMBER * n / pm_weight.sum()
    message_counts = rng.poisson(pm_weight * pm_scale)
    acc = {**person, "person": np.arange(n), "first_day": person["join"] // DAY, "founder": 0}
    cdf = _forum_intensity(values["days"], forum_end)
    n_threads = values["n_threads"] or max(1, round(post_counts.sum() / POSTS_PER_THREAD))
    posts, threads = _posts(rng, acc, post_counts, cdf, forum_end, launch, n_threads, k)
    messages = _messages(rng, acc, message_counts, posts, cdf, forum_end, launch, k)
    rates = {"posts": post_counts, "messages": message_counts}
    return {"acc": acc, "posts": posts, "threads": threads, "messages": messages,
            "end": forum_end * DAY}, rates


def _board(rng, values, person, rates):
    """The board: accounts of some persons (active posters more likely, a few lurkers) with
    the same habits and a volume in proportion to their forum volume; posts, threads and
    messages."""
    days, k = values["days"], values["n_communities"]
    opens = min(days - 1, round(BOARD_OPENS * days))
    n_board = round(values["second_platform_share"] * values["n_members"])
    keen = BOARD_WEIGHT[person["role"]] * person["activity"] ** BOARD_KEEN
    owner = _weighted_sample(rng, keen, n_board)
    role = person["role"][owner]
    volume = BOARD_ACTIVITY * rng.lognormal(0.0, BOARD_SIGMA, n_board)
    post_counts = rng.poisson(rates["posts"][owner] * volume)
    message_counts = rng.poisson(rates["messages"][owner] * volume)

    cdf = _board_intensity(days, opens, values["takedown_day"])
    join_day = _sample_days(rng, cdf, np.full(n_board, opens), np.full(n_board, days))
    launch = opens * DAY + int(rng.integers(6 * 3600, 18 * 3600))
    join = np.maximum(join_day * DAY + rng.integers(0, DAY, size=n_board), launch)
    founder = int(np.argmax(np.where(post_counts > 0, post_counts * START_WEIGHT[role], -1))
                  if n_board else 0)
    if n_board and post_counts[founder] > 0:  # the most active poster opens the board
        join[founder] = launch
    order = np.lexsort((owner, join))
    acc = {key: value[owner][order] for key, value in person.items()}
    acc.update(person=owner[order], join=join[order], first_day=join[order] // DAY,
               founder=int(np.flatnonzero(order == founder)[0]) if n_board else -1,
               peak=(acc["peak"] + rng.normal(0, 0.5, n_board)) % 24.0)
    post_counts, message_counts = post_counts[order], message_counts[order]
    n_threads = max(1, round(post_counts.sum() / POSTS_PER_THREAD))
    posts, threads = _posts(rng, acc, post_counts, cdf, days, launch, n_threads, k)
    messages = _messages(rng, acc, message_counts, posts, cdf, days, launch, k)
    return {"acc": acc, "posts": posts, "threads": threads, "messages": messages,
            "end": days * DAY}, launch


def _account_times(rng, platform):
    """(joined, last_seen) in seconds: no activity before joining or after last_seen."""
    joined = platform["acc"]["join"]
    posts, messages = platform["posts"], platform["messages"]
    first = joined.copy()
    last = joined + rng.exponential(BROWSING_DAYS * DAY, size=len(joined)).astype(np.int64)
    for accounts, times in ((posts["author"], posts["time"]),
                            (messages["sender"], messages["time"]),
                            (messages["recipient"], messages["time"])):
        np.minimum.at(first, accounts, times)
    for accounts, times in ((posts["author"], posts["time"]),
                            (messages["sender"], messages["time"])):
        np.maximum.at(last, accounts, times)
    last = np.minimum(last, platform["end"] - 1)
    return first, np.maximum(last, first)


# --- tables ------------------------------------------------------------------------------------


def _lookup(ids, index):
    """``ids[index]``, and "" where ``index`` is -1."""
    padded = np.append(ids, "").astype(object)
    return padded[np.where(index >= 0, index, len(ids))]


def _platform_tables(platform, name, start, offsets, widths):
    """The rows of one platform for accounts, threads, posts, messages and shares."""
    acc, threads, posts = platform["acc"], platform["threads"], platform["posts"]
    messages, shares, ids = platform["messages"], platform["shares"], platform["ids"]
    post_ids = _ids("P", offsets["posts"] + np.arange(1, len(posts["time"]) + 1),
                    widths["posts"])
    message_ids = _ids("M", offsets["messages"] + np.arange(1, len(messages["time"]) + 1),
                       widths["messages"])
    thread_number = offsets["threads"] + 1
    via = shares["via"]
    return {
        "accounts": pd.DataFrame({
            "account_id": ids, "platform": name, "handle": acc["handle"],
            "joined": _times(start, acc["joined"]), "last_seen": _times(start, acc["last_seen"])}),
        "threads": pd.DataFrame({
            "thread_id": _ids("T", thread_number + np.arange(len(threads["created"])),
                              widths["threads"]),
            "platform": name, "section": np.array(SECTIONS, dtype=object)[threads["section"]],
            "started_by": ids[threads["starter"]], "created": _times(start, threads["created"])}),
        "posts": pd.DataFrame({
            "post_id": post_ids, "platform": name,
            "thread_id": _ids("T", thread_number + posts["thread"], widths["threads"]),
            "account_id": ids[posts["author"]], "time": _times(start, posts["time"]),
            "reply_to": _lookup(post_ids, posts["reply_to"]),
            "reply_to_account": _lookup(ids, posts["reply_to_account"])}),
        "messages": pd.DataFrame({
            "message_id": message_ids, "platform": name, "sender": ids[messages["sender"]],
            "recipient": ids[messages["recipient"]], "time": _times(start, messages["time"])}),
        "shares": pd.DataFrame({
            "platform": name, "account_id": ids[shares["account"]],
            "media_id": _ids("D", shares["media"] + 1, widths["media"]),
            "time": _times(start, shares["time"]),
            "via": np.where(via == 0, "post", "message").astype(object),
            "item_id": np.where(via == 0,
                                _lookup(post_ids, np.where(via == 0, shares["index"], -1)),
                                _lookup(message_ids, np.where(via == 1, shares["index"], -1)))}),
    }


def _write(out_dir, start, forum, board, n_media, rng):
    widths = {"media": _width(n_media, 5)}
    offsets = [{}, {}]
    for key, minimum in (("threads", 5), ("posts", 7), ("messages", 7)):
        field = "created" if key == "threads" else "time"
        counts = [len(platform[key][field]) for platform in (forum, board)]
        widths[key] = _width(sum(counts), minimum)
        offsets[0][key], offsets[1][key] = 0, counts[0]
    parts = [_platform_tables(platform, name, start, offset, widths)
             for platform, name, offset in zip((forum, board), PLATFORMS, offsets, strict=True)]
    frames = {key: pd.concat([part[key] for part in parts], ignore_index=True)
              for key in parts[0]}
    shares = frames["shares"]
    shares.insert(0, "share_id", _ids("S", np.arange(1, len(shares) + 1), _width(len(shares), 7)))
    digests = rng.integers(0, 256, size=(n_media, 64), dtype=np.uint8).tobytes().hex()
    frames["media"] = pd.DataFrame({
        "media_id": _ids("D", np.arange(1, n_media + 1), widths["media"]),
        "sha256": [digests[128 * i: 128 * i + 64] for i in range(n_media)],
        "pdq": [digests[128 * i + 64: 128 * (i + 1)] for i in range(n_media)]})
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, columns in FILES.items():
        table = frames[name][columns].sort_values(columns[0], kind="stable", ignore_index=True)
        (out_dir / f"{name}.csv").write_bytes(
            table.to_csv(index=False, lineterminator="\n").encode("utf-8"))


def _ground_truth(person, forum, board, events, start, width):
    n, owner = len(person["role"]), board["acc"]["person"]
    person_ids = _ids("U", np.arange(1, n + 1), width)
    role_names = np.array(ROLES, dtype=object)
    persons = pd.DataFrame({"person_id": person_ids, "role": role_names[person["role"]],
                            "community": person["community"],
                            "n_accounts": 1 + np.bincount(owner, minlength=n)})
    role = np.concatenate([person["role"], person["role"][owner]])
    accounts = pd.DataFrame({
        "account_id": np.concatenate([forum["ids"], board["ids"]]),
        "platform": np.repeat(np.array(PLATFORMS, dtype=object), [n, len(owner)]),
        "person_id": np.concatenate([person_ids, person_ids[owner]]),
        "role": role_names[role],
        "community": np.concatenate([person["community"], person["community"][owner]]),
        "is_core": role < CONSUMER})
    events = pd.DataFrame({"event": [event for event, _ in events],
                           "time": _times(start, [time for _, time in events])})
    return {"accounts": accounts.sort_values("account_id", kind="stable", ignore_index=True),
            "persons": persons, "events": events}


# --- the generator -----------------------------------------------------------------------------


@register_generator("forum")
def make_forum(out_dir, config, rng):
    """Write a synthetic offender forum under ``out_dir``; return its ground truth.

    Parameters
    ----------
    out_dir : path-like
        The folder to write (created).
    config : dict
        ``n_members`` (forum accounts = persons, in [20, 2000000]; default 300), ``days``
        (365), ``start`` ("2023-01-01"), ``takedown_day`` (an int in [1, days], None for no
        takedown, "auto": 82 % of ``days``), ``n_threads`` (forum threads; None: about one per
        12 posts; at most the number of posts), ``n_media`` (None: half of ``n_members``,
        at least 10), ``second_platform_share`` (0.25: share of persons who also hold a board
        account) and ``n_communities`` (3). See :data:`DEFAULTS`.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    dict
        ``accounts`` (account_id, platform, person_id, role, community, is_core), ``persons``
        (person_id, role, community, n_accounts) and ``events`` (event: launch,
        board_launch, takedown; time), sorted by their first column.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from vidlab.seed import make_rng
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "forum"
    >>> truth = make_forum(out, {"n_members": 40, "takedown_day": 50, "days": 60}, make_rng(1))
    >>> for event, time in truth["events"].values:
    ...     print(event, time)
    launch 2023-01-01T11:01:32Z
    board_launch 2023-01-19T08:56:10Z
    takedown 2023-02-20T00:00:00Z
    >>> posts = pd.read_csv(out / "posts.csv", keep_default_na=False)
    >>> bool((posts.loc[posts["platform"] == "forum", "time"] < "2023-02-20").all())
    True
    """
    values = _check_config(config)
    days, takedown_day = values["days"], values["takedown_day"]
    values["forum_end"] = days if takedown_day is None else takedown_day
    person, launch = _persons(rng, values)
    forum, rates = _forum(rng, values, person, launch)
    board, board_launch = _board(rng, values, person, rates)

    n_media = values["n_media"] or max(10, round(MEDIA_PER_MEMBER * values["n_members"]))
    forum["shares"], intro_time, popularity = _forum_shares(
        rng, forum["acc"], forum["posts"], forum["messages"], n_media)
    board["shares"] = _board_shares(rng, board["acc"], board["posts"], board["messages"],
                                    forum["shares"], np.arange(len(person["role"])),
                                    intro_time, popularity)

    forum["acc"]["handle"], words = _handles(rng, len(forum["acc"]["role"]))
    board["acc"]["handle"], _ = _handles(rng, len(board["acc"]["role"]),
                                         like=tuple(w[board["acc"]["person"]] for w in words))
    width = _width(len(person["role"]), 5)
    for platform, prefix in ((forum, "F"), (board, "B")):
        platform["acc"]["joined"], platform["acc"]["last_seen"] = _account_times(rng, platform)
        platform["ids"] = _ids(prefix, np.arange(1, len(platform["acc"]["role"]) + 1), width)
    _write(Path(out_dir), values["start"], forum, board, n_media, rng)

    events = [("launch", launch), ("board_launch", board_launch)]
    if takedown_day is not None:
        events.append(("takedown", takedown_day * DAY))
    return _ground_truth(person, forum, board, events, values["start"], width)
