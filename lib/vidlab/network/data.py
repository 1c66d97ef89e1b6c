"""Reading the forum tables that the ``forum`` generator writes (:mod:`vidlab.synth.forums`).

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> from vidlab.synth.forums import make_forum
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "forum"
>>> _ = make_forum(folder, {"n_members": 60, "days": 60}, make_rng(0))
>>> forum = load_forum(folder)
>>> sorted(forum)
['accounts', 'media', 'messages', 'posts', 'shares', 'threads']
>>> forum["posts"]["reply_to"].iloc[0]  # an opening post answers nobody: "", not NaN
''
"""

import pandas as pd

from vidlab.io import read_part_tables
from vidlab.synth.forums import FILES

__all__ = ["load_forum", "forum_times"]


def load_forum(folder):
    """Return the forum tables of ``folder`` by name (``accounts``, ``threads``, ``posts``,
    ``messages``, ``shares``, ``media``), every column as text with "" for an empty cell
    (the builders of :mod:`vidlab.network.build` read the ISO times themselves).

    ``folder`` is a dataset's forum part, e.g. ``load_dataset(path).path("forum")``. A
    missing file raises :class:`~vidlab.exceptions.DatasetError` naming it.
    """
    return read_part_tables(folder, FILES, "forum", "forum")


def forum_times(values):
    """Naive UTC timestamps from the forum's ISO-8601 strings ("2023-03-01T12:34:56Z") or
    datetimes; an empty input gives an empty datetime Series.

    >>> forum_times(["2023-03-01T12:34:56Z"]).tolist()
    [Timestamp('2023-03-01 12:34:56')]
    """
    values = pd.Series(values)
    if len(values) == 0:
        values = values.astype(object)
    return pd.to_datetime(values, utc=True, format="ISO8601").dt.tz_convert(None)
