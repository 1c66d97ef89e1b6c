"""Making counts comparable: per inhabitant or internet user, by reporting source, summed
into regions or the world, indexed to a base year.

Counts of reports say as much about a country's size and its reporting channels as about
exploitation; these functions remove the first effects so that trends can be compared.

>>> import pandas as pd
>>> yearly = pd.DataFrame({"country": ["FR", "DE"], "region": ["Europe", "Europe"],
...                        "year": [2020, 2020], "population": [60_000_000, 80_000_000],
...                        "reports_total": [30_000, 20_000], "share_e2ee": [0.2, 0.4]})
>>> aggregate(yearly, by="region")[["region", "year", "reports_total", "share_e2ee"]]
   region  year  reports_total  share_e2ee
0  Europe  2020          50000      0.3143
>>> per_capita(yearly, ["reports_total"])["reports_total"].tolist()
[50.0, 25.0]
"""

import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.trends.data import COUNT_COLUMNS, SHARE_COLUMNS, SOURCES, _years_of, time_column

__all__ = ["AGGREGATE_BY", "aggregate", "index_to", "per_capita", "per_internet_user",
           "source_shares"]

AGGREGATE_BY = ("country", "region", "global")
_SIZES = ("population", "internet_users")


def _present(frame, names):
    return [name for name in names if name in frame.columns]


def _columns(frame, columns, function):
    """The count columns to work on: ``columns`` (checked) or every count column present."""
    if columns is None:
        columns = _present(frame, COUNT_COLUMNS)
    elif isinstance(columns, str):
        columns = [columns]
    require_columns(frame, list(columns), function, "frame")
    return list(columns)


def _per(frame, columns, per, denominator, function):
    columns = _columns(frame, columns, function)
    require_columns(frame, [denominator], function, "frame")
    if not isinstance(per, int | float) or isinstance(per, bool) or per <= 0:
        raise InvalidParameterError(
            f"The 'per' parameter of {function} must be a positive number. Got {per!r} instead."
        )
    out = frame.copy()
    for column in columns:
        out[column] = (frame[column] / frame[denominator] * per).round(6)
    return out


def per_capita(frame, columns=None, per=100_000):
    """Return a copy of ``frame`` with ``columns`` divided by the population, times ``per``
    (reports per 100,000 inhabitants by default).

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly table (or one from :func:`aggregate`) with a ``population`` column.
    columns : list of str or str, optional
        The count columns to convert; default every count column present
        (:data:`~vidlab.trends.data.COUNT_COLUMNS`).
    per : int or float
        Rate per this many inhabitants.

    Returns
    -------
    pandas.DataFrame
        Same rows and columns; the converted columns keep their names and hold rates
        (rounded to 6 decimals). Aggregate before converting, not after: rates do not add up.
    """
    return _per(frame, columns, per, "population", "per_capita")


def per_internet_user(frame, columns=None, per=100_000):
    """Like :func:`per_capita`, per internet user (column ``internet_users``): the fairer
    comparison between countries where a small or a large share of people are online.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"internet_users": [1000], "reports_total": [5]})
    >>> per_internet_user(frame, "reports_total", per=100)["reports_total"].item()
    0.5
    """
    return _per(frame, columns, per, "internet_users", "per_internet_user")


def source_shares(frame):
    """Return a copy of ``frame`` with ``share_hotline``, ``share_industry`` and
    ``share_police``: each source's share of ``reports_total`` (0 when there are no reports).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"reports_total": [10], "reports_hotline": [2],
    ...                       "reports_industry": [7], "reports_police": [1]})
    >>> source_shares(frame)[["share_hotline", "share_industry", "share_police"]].values.tolist()
    [[0.2, 0.7, 0.1]]
    """
    columns = [f"reports_{source}" for source in SOURCES]
    require_columns(frame, ["reports_total", *columns], "source_shares", "frame")
    out = frame.copy()
    total = frame["reports_total"].where(frame["reports_total"] > 0)
    for source, column in zip(SOURCES, columns, strict=True):
        out[f"share_{source}"] = (frame[column] / total).fillna(0.0).round(4)
    return out


def aggregate(frame, by="region"):
    """Sum countries into regions or the world, per year or month.

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly or monthly table (counts per country).
    by : {"region", "global", "country"}
        The groups: one row per region, one for the world (no group column) or one per
        country, and per year (or month).

    Returns
    -------
    pandas.DataFrame
        The group column (none for "global"), the time column, ``n_countries``, the sums of
        the counts, ``population`` and ``internet_users``, and the population-weighted means
        of the shares (rounded to 4 digits); sorted by group and time.
    """
    if by not in AGGREGATE_BY:
        raise InvalidParameterError(
            f"The 'by' parameter of aggregate must be one of {', '.join(AGGREGATE_BY)}. "
            f"Got {by!r} instead."
        )
    time = time_column(frame, "aggregate")
    keys = [time] if by == "global" else [by, time]
    require_columns(frame, ["country", *keys], "aggregate", "frame")
    sums = _present(frame, (*COUNT_COLUMNS, *_SIZES))
    shares = _present(frame, SHARE_COLUMNS)
    if shares:
        require_columns(frame, ["population"], "aggregate", "frame")
    work = frame[list(dict.fromkeys(["country", *keys, *sums, *shares]))].copy()
    for column in shares:
        work[column] = work[column] * work["population"]
    groups = work.groupby(keys, sort=True)
    out = groups[sums + shares].sum()
    out.insert(0, "n_countries", groups["country"].nunique())
    for column in shares:
        out[column] = (out[column] / out["population"]).round(4)
    return out.reset_index()


def index_to(frame, base_year, columns=None):
    """Return a copy of ``frame`` with ``columns`` as an index: 100 = the value in
    ``base_year``, per country (or per region when there is no country column).

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly table; a monthly one is indexed to the mean month of ``base_year``.
    base_year : int
        The year whose value becomes 100; it must be in ``frame``.
    columns : list of str or str, optional
        Default: every count column present.

    Returns
    -------
    pandas.DataFrame
        Same rows; the indexed columns rounded to 2 decimals (NaN where the base is 0).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"country": ["FR", "FR"], "year": [2019, 2020],
    ...                       "reports_total": [40, 50]})
    >>> index_to(frame, 2019)["reports_total"].tolist()
    [100.0, 125.0]
    """
    time = time_column(frame, "index_to")
    columns = _columns(frame, columns, "index_to")
    years = _years_of(frame, time)
    if base_year not in set(years):
        raise InvalidParameterError(
            f"The 'base_year' parameter of index_to must be a year of the data "
            f"({years.min()}-{years.max()}). Got {base_year!r} instead."
        )
    group = _present(frame, ("country", "region"))[:1]
    base = frame[years == base_year]
    base = (base.groupby(group)[columns].mean() if group
            else base[columns].mean().to_frame().T.assign(_all=0).set_index("_all"))
    keys = frame[group[0]] if group else pd.Series(0, index=frame.index)
    out = frame.copy()
    for column in columns:
        denominator = keys.map(base[column]).where(lambda value: value != 0)
        out[column] = (frame[column] / denominator * 100).round(2)
    return out
