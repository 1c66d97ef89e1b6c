"""One UTC timeline from every clock in a case: EXIF, GPS, file-system and video container times.

A picture can carry up to five times, written by different clocks:

=====================  ===============================================  ====================
source                 where it comes from                              how it becomes UTC
=====================  ===============================================  ====================
``exif_original``      DateTimeOriginal: camera clock at capture        OffsetTimeOriginal
``exif_modified``      DateTime: camera (or editor) clock, last change  OffsetTime
``gps``                GPSDateStamp + GPSTimeStamp: satellite time      already UTC
``file_modified``      the file system of the seized device             already UTC
``container_created``  a video's creation time                          claims UTC (some
                                                                        devices lie)
=====================  ===============================================  ====================

An EXIF time without an offset tag is *naive*: it is local time in an unknown zone. It is never
converted silently: :func:`build_timeline` leaves it out (and warns how many) unless the analyst
names the zone with ``assume_timezone``, and the ``basis`` column says which times rest on such
an assumption. :func:`find_inconsistencies` compares the clocks of each file and
:func:`plot_timeline` draws them.

>>> import pandas as pd
>>> meta = pd.DataFrame({"path": ["a.jpg"], "datetime_original": [
...     pd.Timestamp("2021-03-04 10:11:12+02:00")], "file_modified_utc": [
...     pd.Timestamp("2021-03-05 09:00:00", tz="UTC")]})
>>> print(build_timeline(meta)[["source", "time_utc", "basis"]].to_string(index=False))
       source                  time_utc  basis
exif_original 2021-03-04 08:11:12+00:00 offset
file_modified 2021-03-05 09:00:00+00:00    utc
"""

import datetime as dt
import re
import warnings
from collections.abc import Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata._common import (
    check_number,
    float_column,
    format_duration,
    seconds_between,
    text_column,
    timestamps,
    to_utc,
    utc_column,
)

__all__ = [
    "CHECKS",
    "SOURCES",
    "TIMELINE_COLUMNS",
    "INCONSISTENCY_COLUMNS",
    "build_timeline",
    "find_inconsistencies",
    "plot_timeline",
]

SOURCES = ("exif_original", "exif_modified", "gps", "file_modified", "container_created")
TIMELINE_COLUMNS = ["path", "source", "time_utc", "basis", "recorded", "camera"]
INCONSISTENCY_COLUMNS = ["path", "check", "detail", "seconds"]

CHECKS = {
    "modified_before_original": "DateTime (last change) is earlier than DateTimeOriginal "
                                "(capture): the clock was set back or the tags were rewritten.",
    "file_before_capture": "The file-system time is earlier than the capture time: the camera "
                           "clock is wrong, or the file was not made when its metadata says.",
    "wrong_timezone": "The camera clock differs from GPS time by a whole number of hours: the "
                      "camera's time zone (or its offset tag) is set wrong.",
    "clock_error": "The camera clock differs from GPS time: the clock runs fast or slow.",
    "container_local_time": "The video container time (meant to be UTC) differs from the file's "
                            "other clocks by a whole number of hours: the device wrote local time.",
}

_BASIS_STYLE = {"offset": ("o", "tab:blue", 44, "local time + stated offset"),
                "utc": ("s", "tab:green", 14, "UTC clock"),
                "assumed": ("^", "tab:orange", 36, "local time + assumed zone")}
_OFFSET_RE = re.compile(r"^(?:UTC)?([+-])(\d{1,2}):?(\d{2})$")


def _zone(name, function):
    """Return a tzinfo for an IANA name, "UTC" or a fixed "+02:00" offset."""
    if isinstance(name, dt.tzinfo):
        return name
    if not isinstance(name, str) or not name.strip():
        raise InvalidParameterError(
            f"The 'assume_timezone' parameter of {function} must be an IANA time-zone name "
            f"such as 'Europe/Berlin' (or '+02:00'). Got {name!r} instead."
        )
    match = _OFFSET_RE.match(name.strip())
    if match:
        sign, hours, minutes = match.groups()
        delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidParameterError(
            f"The 'assume_timezone' parameter of {function} must be an IANA time-zone name "
            f"such as 'Europe/Berlin' (or '+02:00'). Got {name!r} instead."
        ) from error


def _zones_for(paths, assume_timezone, function):
    """Return one (tzinfo or None, zone name) per path from ``assume_timezone``."""
    if assume_timezone is None:
        return [(None, "")] * len(paths)
    if isinstance(assume_timezone, pd.Series):
        assume_timezone = assume_timezone.to_dict()
    if isinstance(assume_timezone, Mapping):
        cache = {}
        result = []
        for path in paths:
            name = assume_timezone.get(path)
            if name is None or (isinstance(name, float) and np.isnan(name)) or name == "":
                result.append((None, ""))
                continue
            if name not in cache:
                cache[name] = _zone(name, function)
            result.append((cache[name], str(name)))
        return result
    zone = _zone(assume_timezone, function)
    return [(zone, str(assume_timezone).strip())] * len(paths)


def _localize(naive, zone):
    """Return the UTC instant of a naive wall-clock time in ``zone``, or None when the wall
    time is ambiguous or skipped (a daylight-saving change) - that would be a guess."""
    moment = naive.to_pydatetime()
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        return None
    return pd.Timestamp(first).tz_convert("UTC")


def _exif_times(metadata, column, utc_name, zones):
    """Return per row ``(stamp, utc, basis)`` for an EXIF time column; utc None if unknown."""
    stamps = timestamps(metadata, column)
    given = utc_column(metadata, utc_name).tolist()
    rows = []
    for stamp, utc, (zone, zone_name) in zip(stamps, given, zones, strict=True):
        if stamp is None:
            rows.append((None, None, ""))
        elif stamp.tzinfo is not None:
            rows.append((stamp, utc if not pd.isna(utc) else to_utc(stamp), "offset"))
        elif not pd.isna(utc):  # the reader knew the offset although the value is naive
            rows.append((stamp, utc, "offset"))
        elif zone is not None:
            moment = _localize(stamp, zone)
            rows.append((stamp, moment, f"assumed:{zone_name}" if moment is not None else ""))
        else:
            rows.append((stamp, None, ""))
    return rows


def _camera(metadata):
    makes, models = text_column(metadata, "make"), text_column(metadata, "model")
    labels = []
    for make, model in zip(makes, models, strict=True):
        if model.lower().startswith(make.lower()):
            make = ""
        labels.append(" ".join(part for part in (make, model) if part) or "(unknown)")
    return labels


def build_timeline(metadata, assume_timezone=None):
    """Return one row per (file, time source) with the time in UTC, sorted by time.

    Parameters
    ----------
    metadata : DataFrame
        The table of :func:`vidlab.metadata.read_metadata` (only ``path`` is required; time
        columns that are missing are skipped).
    assume_timezone : str, mapping or None
        IANA zone ("Europe/Berlin", or a fixed "+02:00") in which to read EXIF times that carry
        no offset tag, or a mapping ``path -> zone`` (one zone per device, say). None (default):
        such naive times are left out with a warning, never guessed. Wall times that a
        daylight-saving change makes ambiguous or impossible in that zone are left out too.

    Returns
    -------
    DataFrame
        ``path, source, time_utc, basis, recorded, camera``: ``source`` one of
        :data:`SOURCES`; ``time_utc`` datetime64[ns, UTC]; ``basis`` "offset" (the file states
        its offset), "utc" (a UTC clock: GPS, file system, video container) or
        "assumed:<zone>"; ``recorded`` the time as stored (ISO 8601, naive when it was
        naive); ``camera`` make and model. ``attrs["n_left_out"]`` counts the naive times left
        out.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a.jpg", "b.jpg"],
    ...     "datetime_original": [pd.Timestamp("2021-03-04 10:00:00"), None],
    ...     "gps_datetime_utc": [pd.NaT, pd.Timestamp("2021-03-04 12:00:00", tz="UTC")]})
    >>> timeline = build_timeline(meta, assume_timezone="Africa/Cairo")
    >>> print(timeline[["path", "source", "time_utc", "basis"]].to_string(index=False))
     path        source                  time_utc                basis
    a.jpg exif_original 2021-03-04 08:00:00+00:00 assumed:Africa/Cairo
    b.jpg           gps 2021-03-04 12:00:00+00:00                  utc
    """
    function = "build_timeline"
    require_columns(metadata, ["path"], function, "metadata")
    paths = [str(path) for path in metadata["path"].tolist()]
    zones = _zones_for(paths, assume_timezone, function)
    cameras = _camera(metadata)
    rows = []
    n_left_out = 0
    for source, column in (("exif_original", "datetime_original"),
                           ("exif_modified", "datetime_modified")):
        for index, (stamp, utc, basis) in enumerate(
                _exif_times(metadata, column, column + "_utc", zones)):
            if stamp is None:
                continue
            if utc is None:
                n_left_out += 1
                continue
            rows.append((paths[index], source, utc, basis, stamp.isoformat(), cameras[index]))
    for source, column in (("gps", "gps_datetime_utc"), ("file_modified", "file_modified_utc"),
                           ("container_created", "container_created_utc")):
        for index, utc in enumerate(utc_column(metadata, column).tolist()):
            if not pd.isna(utc):
                rows.append((paths[index], source, utc, "utc", utc.isoformat(), cameras[index]))
    timeline = pd.DataFrame(rows, columns=TIMELINE_COLUMNS)
    timeline["time_utc"] = pd.to_datetime(timeline["time_utc"], utc=True).astype(
        "datetime64[ns, UTC]")
    order = {source: rank for rank, source in enumerate(SOURCES)}
    timeline = (timeline.assign(_rank=timeline["source"].map(order))
                .sort_values(["time_utc", "path", "_rank"], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))
    timeline.attrs["n_left_out"] = n_left_out
    if n_left_out:
        hint = ("pass assume_timezone='Area/City' to read them in a zone you can justify"
                if assume_timezone is None else
                "they have no zone, or fall in a daylight-saving change of the assumed zone")
        warnings.warn(
            f"{n_left_out} EXIF time(s) without an offset tag were left out of the timeline: "
            f"{hint}.", UserWarning, stacklevel=2)
    return timeline


def _whole_hours(seconds, tolerance):
    """Return the whole number of hours in ``seconds`` (0 if none) when the rest is within
    ``tolerance``, else None."""
    hours = int(round(seconds / 3600.0))
    return hours if abs(seconds - hours * 3600.0) <= tolerance else None


def find_inconsistencies(metadata, assume_timezone=None, tolerance=60.0):
    """Return the clock inconsistencies of each file, one row per finding.

    Parameters
    ----------
    metadata : DataFrame
        The table of :func:`vidlab.metadata.read_metadata` (``path`` required).
    assume_timezone : str, mapping or None
        As in :func:`build_timeline`: the zone of EXIF times without offset tags. Checks that
        need UTC skip such files when it is None. Two EXIF times of the same file are compared
        on their own clock and need no zone.
    tolerance : float or Timedelta
        Differences up to this many seconds are clock noise and not reported (default 60;
        GPS receivers stamp the last fix, which can lag the shutter).

    Returns
    -------
    DataFrame
        ``path, check, detail, seconds``, sorted by path. ``check`` is a key of :data:`CHECKS`:
        "modified_before_original" (``seconds`` = how much earlier DateTime is),
        "file_before_capture" (how much earlier the file-system time is), "wrong_timezone" /
        "clock_error" (camera clock minus GPS time; whole hours mean a wrong time-zone
        setting), "container_local_time" (container time minus the file's other clock).

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a.jpg"],
    ...     "datetime_original": [pd.Timestamp("2021-03-04 12:00:00+02:00")],
    ...     "gps_datetime_utc": [pd.Timestamp("2021-03-04 08:00:00", tz="UTC")]})
    >>> found = find_inconsistencies(meta)
    >>> found[["check", "seconds"]].values.tolist()
    [['wrong_timezone', 7200.0]]
    >>> print(found["detail"][0])
    camera clock is 2 h ahead of GPS time: a wrong time-zone setting (+2 h)
    """
    function = "find_inconsistencies"
    require_columns(metadata, ["path"], function, "metadata")
    tolerance = check_number(tolerance, "tolerance", function)
    paths = [str(path) for path in metadata["path"].tolist()]
    zones = _zones_for(paths, assume_timezone, function)
    original = _exif_times(metadata, "datetime_original", "datetime_original_utc", zones)
    modified = _exif_times(metadata, "datetime_modified", "datetime_modified_utc", zones)
    gps = utc_column(metadata, "gps_datetime_utc").tolist()
    file_time = utc_column(metadata, "file_modified_utc").tolist()
    container = utc_column(metadata, "container_created_utc").tolist()
    duration = float_column(metadata, "duration_s")
    rows = []
    for i, path in enumerate(paths):
        taken, taken_utc, taken_basis = original[i]
        changed, changed_utc, _ = modified[i]
        assumed = taken_basis.startswith("assumed:")
        note = f" (zone assumed: {taken_basis[8:]})" if assumed else ""

        earlier = seconds_between(taken, changed)
        if changed_utc is not None and taken_utc is not None:
            earlier = (taken_utc - changed_utc).total_seconds()
        if earlier is not None and earlier > tolerance:
            rows.append((path, "modified_before_original",
                         f"DateTime is {format_duration(earlier)} earlier than DateTimeOriginal",
                         earlier))

        clock = None
        if taken_utc is not None and not pd.isna(gps[i]):
            clock = (taken_utc - gps[i]).total_seconds()
            if abs(clock) > tolerance:
                hours = _whole_hours(clock, tolerance)
                where = "ahead of" if clock > 0 else "behind"
                text = f"camera clock is {format_duration(abs(clock))} {where} GPS time"
                if hours:
                    rows.append((path, "wrong_timezone",
                                 f"{text}: a wrong time-zone setting ({hours:+d} h){note}",
                                 clock))
                else:
                    rows.append((path, "clock_error", f"{text}{note}", clock))

        local_container = False
        if not pd.isna(container[i]):
            references = [("file-system time", file_time[i])]
            if not pd.isna(file_time[i]) and np.isfinite(duration[i]):
                references.append(("file-system time minus the duration",
                                   file_time[i] - pd.Timedelta(seconds=float(duration[i]))))
            references += [("GPS time", gps[i]), ("capture time", taken_utc)]
            references = [(name, ref) for name, ref in references
                          if ref is not None and not pd.isna(ref)]
            gaps = [(name, (container[i] - ref).total_seconds()) for name, ref in references]
            if gaps and not any(abs(gap) <= tolerance for _, gap in gaps):
                for name, gap in gaps:
                    hours = _whole_hours(gap, tolerance)
                    if hours and abs(hours) <= 14:
                        local_container = True
                        rows.append((path, "container_local_time",
                                     f"container time is {abs(hours)} h "
                                     f"{'ahead of' if gap > 0 else 'behind'} the {name}: local "
                                     f"time written as UTC (zone {hours:+d} h?)", gap))
                        break

        capture, capture_name = taken_utc, "capture time"
        if capture is None and not pd.isna(container[i]) and not local_container:
            capture, capture_name = container[i], "video container time"
        if capture is not None and not pd.isna(file_time[i]):
            before = (capture - file_time[i]).total_seconds()
            if before > tolerance:
                why = ""
                if clock is not None and abs(clock) > tolerance and capture is taken_utc:
                    why = " (the camera clock is wrong, see the GPS check)"
                rows.append((path, "file_before_capture",
                             f"file-system time is {format_duration(before)} before the "
                             f"{capture_name}{why}{note}", before))
    found = pd.DataFrame(rows, columns=INCONSISTENCY_COLUMNS)
    found["seconds"] = found["seconds"].astype("float64")
    order = {check: rank for rank, check in enumerate(CHECKS)}
    return (found.assign(_rank=found["check"].map(order))
            .sort_values(["path", "_rank"], kind="stable").drop(columns="_rank")
            .reset_index(drop=True))


def plot_timeline(timeline, ax=None, by="source", inconsistencies=None, title=None):
    """Draw a timeline: one lane per source (or per camera, file...), time in UTC on x.

    Marker and colour say the basis of each time (stated offset, UTC clock, assumed zone);
    times of files listed in ``inconsistencies`` get a red ring.

    Parameters
    ----------
    timeline : DataFrame
        The table of :func:`build_timeline`.
    ax : matplotlib Axes, optional
        Where to draw (a new figure otherwise).
    by : str
        The column whose values are the lanes: "source" (default), "camera", "path", or any
        column added by the analyst (say the device group of
        :func:`vidlab.metadata.devices.link_devices`).
    inconsistencies : DataFrame or iterable of str, optional
        The table of :func:`find_inconsistencies` (its ``path`` column) or a list of paths.
    title : str, optional
        Defaults to "Timeline (UTC)".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> timeline = pd.DataFrame({"path": ["a", "a"], "source": ["gps", "file_modified"],
    ...     "time_utc": pd.to_datetime(["2021-01-01 10:00", "2021-01-02 10:00"], utc=True),
    ...     "basis": ["utc", "utc"]})
    >>> ax = plot_timeline(timeline, inconsistencies=["a"])
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_title()
    (['gps', 'file_modified'], 'Timeline (UTC)')
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    function = "plot_timeline"
    require_columns(timeline, ["path", "time_utc", "basis", by], function, "timeline")
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 1.2 + 0.5 * max(1, timeline[by].nunique())))
    values = timeline[by].astype(str)
    present = list(dict.fromkeys(values.tolist()))
    if by == "source":
        lanes = [s for s in SOURCES if s in present] + [s for s in present if s not in SOURCES]
    else:
        lanes = sorted(present)
    lane_of = {lane: index for index, lane in enumerate(lanes)}
    y = values.map(lane_of).to_numpy(dtype=float)
    x = pd.to_datetime(timeline["time_utc"], utc=True).dt.tz_convert(None).to_numpy()
    kinds = timeline["basis"].astype(str).str.split(":").str[0]
    for kind, (marker, colour, size, label) in _BASIS_STYLE.items():
        mask = (kinds == kind).to_numpy()
        if mask.any():  # UTC squares are smaller: drawn over a local time, both stay visible
            ax.scatter(x[mask], y[mask], marker=marker, color=colour, s=size, label=label,
                       zorder=3)
    if inconsistencies is not None:
        flagged = set(inconsistencies["path"] if isinstance(inconsistencies, pd.DataFrame)
                      else inconsistencies)
        mask = timeline["path"].isin(flagged).to_numpy()
        if mask.any():
            ax.scatter(x[mask], y[mask], s=140, facecolors="none", edgecolors="red",
                       linewidths=1.5, label="inconsistent file", zorder=4)
    ax.set_yticks(range(len(lanes)), lanes)
    ax.set_ylim(len(lanes) - 0.5, -0.5)
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_xlabel("time (UTC)")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title or "Timeline (UTC)")
    if len(timeline):
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small",
                  title="time basis")
    return ax
