"""Reading and selecting the trend statistics that the ``trend_statistics`` generator writes
(:mod:`vidlab.synth.trends`): one row per country and year (``yearly``) or month
(``monthly``), and the list of countries.

>>> import pandas as pd
>>> yearly = pd.DataFrame({"country": ["FR", "FR", "KE"], "region": ["Europe", "Europe", "Africa"],
...                        "year": [2019, 2020, 2020], "reports_total": [10, 12, 5]})
>>> select(yearly, region="Europe", years=(2020, 2020))[["country", "year"]].values.tolist()
[['FR', 2020]]
>>> select(yearly, region="Mars")  # doctest: +NORMALIZE_WHITESPACE
Traceback (most recent call last):
vidlab.exceptions.InvalidParameterError: The 'region' parameter of select must be one of
Africa, Americas, Asia, Europe, Oceania, or "all". Got 'Mars' instead.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.synth.trends import INDEPENDENT, PLATFORMS, REGIONS, SOURCES

__all__ = [
    "COUNT_COLUMNS",
    "INDEPENDENT",
    "REGIONS",
    "SHARE_COLUMNS",
    "SOURCES",
    "SOURCE_COLUMNS",
    "TrendData",
    "check_indicator",
    "decimal_years",
    "load_trends",
    "parse_countries",
    "select",
    "time_column",
]

SOURCE_COLUMNS = tuple(f"reports_{source}" for source in SOURCES)
COUNT_COLUMNS = ("reports_total", *SOURCE_COLUMNS, *INDEPENDENT)
SHARE_COLUMNS = ("share_e2ee", "share_self_generated",
                 *(f"platform_{platform}" for platform in PLATFORMS))
_TEXT = {"country": str, "region": str, "name": str, "month": str}
_FILES = ("countries", "yearly", "monthly")


@dataclass
class TrendData:
    """The tables of a dataset's ``trends`` part.

    Attributes
    ----------
    yearly, monthly, countries : pandas.DataFrame
        The files ``yearly.csv``, ``monthly.csv`` and ``countries.csv``.
    parameters : dict
        ``parameters.json``: every true parameter the generator drew ({} when absent).
    events, true_parameters, true_values : pandas.DataFrame or None
        The ground-truth tables ``trends_events``, ``trends_parameters`` (per country and
        indicator: level, growth, change year, growth after) and ``trends_truth`` (per
        country, year and indicator: the expected value without artefacts and noise) when the
        data were loaded from a dataset; None from a bare part folder. What a study can test
        its findings against.
    """

    yearly: pd.DataFrame
    monthly: pd.DataFrame
    countries: pd.DataFrame
    parameters: dict = field(default_factory=dict)
    events: pd.DataFrame | None = None
    true_parameters: pd.DataFrame | None = None
    true_values: pd.DataFrame | None = None


def load_trends(source):
    """Return the :class:`TrendData` of a dataset or of its ``trends`` part folder.

    Parameters
    ----------
    source : Dataset, str or Path
        A :class:`~vidlab.synth.dataset.Dataset`, a dataset folder (with ``dataset.json``) or
        the ``trends`` part folder itself.

    Returns
    -------
    TrendData
        Country codes and regions as text ("NA", Namibia, stays "NA"); with the ground-truth
        ground-truth tables when ``source`` is a dataset.

    Raises
    ------
    DatasetError
        When a file is missing; the message names it.
    """
    from vidlab.synth.dataset import INFO_NAME, Dataset, load_dataset

    dataset = source if isinstance(source, Dataset) else None
    if dataset is None and (Path(source) / INFO_NAME).is_file():
        dataset = load_dataset(source)
    folder = dataset.path("trends") if dataset is not None else Path(source)
    tables = {}
    for name in _FILES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise DatasetError(
                f"{path} is missing: {folder} is not a trends folder written by the "
                "'trend_statistics' generator (vidlab data generate writes it as the "
                "dataset's trends part)."
            )
        tables[name] = pd.read_csv(path, dtype=_TEXT, keep_default_na=False)
    parameters_path = folder / "parameters.json"
    parameters = json.loads(parameters_path.read_text()) if parameters_path.is_file() else {}
    truth = {}
    if dataset is not None:
        truth = {"events": dataset.ground_truth("trends_events"),
                 "true_parameters": dataset.ground_truth("trends_parameters"),
                 "true_values": dataset.ground_truth("trends_truth")}
    return TrendData(parameters=parameters, **truth, **tables)


def parse_countries(countries):
    """Return country codes as a sorted list of upper-case text from a list or a
    comma-separated text ("fr, de" -> ["DE", "FR"]); None or "" gives [].

    >>> parse_countries("fr, de,")
    ['DE', 'FR']
    """
    if countries is None:
        return []
    if isinstance(countries, str):
        countries = countries.split(",")
    return sorted({str(code).strip().upper() for code in countries if str(code).strip()})


def check_indicator(indicator, function="check_indicator"):
    """Return ``indicator`` if it is a count column (:data:`COUNT_COLUMNS`), else raise an
    error that lists them.

    >>> check_indicator("victims")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: The 'indicator' parameter of check_indicator ...
    """
    if indicator not in COUNT_COLUMNS:
        raise InvalidParameterError(
            f"The 'indicator' parameter of {function} must be one of "
            f"{', '.join(COUNT_COLUMNS)}. Got {indicator!r} instead."
        )
    return indicator


def time_column(frame, function="time_column"):
    """Return "year" or "month": the time column of a yearly or monthly trends frame.

    >>> time_column(pd.DataFrame({"month": ["2020-01"]}))
    'month'
    """
    for column in ("year", "month"):
        if isinstance(frame, pd.DataFrame) and column in frame.columns:
            return column
    raise InvalidParameterError(
        f"The 'frame' parameter of {function} must be a yearly or monthly trends table "
        "(a DataFrame with a 'year' or a 'month' column)."
    )


def decimal_years(times):
    """Numbers for a time axis: years as they are, months "YYYY-MM" as year + (month - 1)/12.

    >>> decimal_years(["2020-01", "2020-07"]).tolist()
    [2020.0, 2020.5]
    """
    times = pd.Series(times)
    if len(times) and isinstance(times.iloc[0], str):
        parts = times.str.split("-", expand=True).astype(int)
        return (parts[0] + (parts[1] - 1) / 12).to_numpy(dtype=float)
    return times.to_numpy(dtype=float)


def _years_of(frame, column):
    return frame[column].str.slice(0, 4).astype(int) if column == "month" else frame[column]


def select(frame, region=None, countries=None, years=None):
    """Return the rows of ``frame`` for a region or some countries, and a range of years.

    Parameters
    ----------
    frame : pandas.DataFrame
        A yearly or monthly trends table (columns ``country``, ``region``, ``year`` or
        ``month``).
    region : str, optional
        One of :data:`REGIONS`; None, "" or "all" keep every region.
    countries : list of str or str, optional
        Country codes (a list or comma-separated text). When given, they replace ``region``.
    years : (int, int) or int, optional
        First and last year, inclusive (one int: that year only); None keeps every year.

    Returns
    -------
    pandas.DataFrame
        The selected rows, index reset.

    Raises
    ------
    InvalidParameterError
        For an unknown region or country (the message lists the known ones) and for years
        outside those of ``frame``.
    """
    column = time_column(frame, "select")
    codes = parse_countries(countries)
    keep = pd.Series(True, index=frame.index)
    if codes:
        known = sorted(frame["country"].unique())
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise InvalidParameterError(
                f"The 'countries' parameter of select names unknown countries: "
                f"{', '.join(unknown)}. Known: {', '.join(known)}."
            )
        keep &= frame["country"].isin(codes)
    elif region not in (None, "", "all"):
        if region not in REGIONS:
            raise InvalidParameterError(
                f"The 'region' parameter of select must be one of {', '.join(REGIONS)}, or "
                f'"all". Got {region!r} instead.'
            )
        keep &= frame["region"] == region
        if not keep.any():
            raise InvalidParameterError(
                f"The 'region' parameter of select is {region!r}, but no country of the data "
                f"is in it. Regions present: {', '.join(sorted(frame['region'].unique()))}."
            )
    if years is not None:
        pair = [years, years] if isinstance(years, int | np.integer) else list(years)
        present = _years_of(frame, column)
        low, high = int(present.min()), int(present.max())
        if len(pair) != 2 or not all(isinstance(y, int | np.integer) and not isinstance(y, bool)
                                     for y in pair) or not low <= pair[0] <= pair[1] <= high:
            raise InvalidParameterError(
                f"The 'years' parameter of select must be a (first, last) pair of years with "
                f"{low} <= first <= last <= {high}. Got {years!r} instead."
            )
        keep &= present.between(*pair)
    return frame[keep].reset_index(drop=True)
