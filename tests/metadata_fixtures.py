"""Hand-made metadata tables with exactly the columns and dtypes of ``read_metadata``
(docs: /work/notes/metadata_contract.md section 1), for the tests of the metadata analyses."""

import numpy as np
import pandas as pd

COLUMNS = {
    "path": "str", "media": "str", "format": "str", "size_bytes": "int64",
    "file_modified_utc": "datetime64[ns, UTC]",
    "make": "str", "model": "str", "serial": "str", "software": "str", "lens": "str",
    "datetime_original": "object", "offset_original": "str",
    "datetime_original_utc": "datetime64[ns, UTC]",
    "datetime_modified": "object", "datetime_modified_utc": "datetime64[ns, UTC]",
    "gps_latitude": "float64", "gps_longitude": "float64", "gps_altitude": "float64",
    "gps_datetime_utc": "datetime64[ns, UTC]",
    "orientation": "Int64", "image_number": "Int64",
    "claimed_width": "Int64", "claimed_height": "Int64", "width": "Int64", "height": "Int64",
    "has_thumbnail": "bool", "thumbnail_distance": "float64",
    "container_created_utc": "datetime64[ns, UTC]", "duration_s": "float64", "error": "str",
}

_DEFAULTS = {"media": "image", "format": "JPEG", "size_bytes": 100_000, "has_thumbnail": False}


def _exif_time(value):
    """'2021-03-04 10:11:12+02:00' -> aware Timestamp, '2021-03-04 10:11:12' -> naive."""
    if value is None or value == "":
        return None
    return pd.Timestamp(value)


def make_metadata(rows):
    """Return a metadata table from a list of dicts; missing fields take the reader's "absent"
    values. EXIF times may be given as strings; their offset and UTC columns are derived
    as the reader does (aware when an offset is given, naive otherwise)."""
    records = []
    for index, row in enumerate(rows):
        row = dict(row)
        row.setdefault("path", f"img{index:03d}.jpg")
        for name in ("datetime_original", "datetime_modified"):
            stamp = _exif_time(row.get(name))
            row[name] = stamp
            utc = (stamp.tz_convert("UTC") if stamp is not None and stamp.tzinfo is not None
                   else pd.NaT)
            row.setdefault(name + "_utc", utc)
            if name == "datetime_original":
                offset = ""
                if stamp is not None and stamp.tzinfo is not None:
                    minutes = int(stamp.utcoffset().total_seconds() // 60)
                    sign = "-" if minutes < 0 else "+"
                    offset = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
                row.setdefault("offset_original", offset)
        records.append(row)
    data = {}
    for name, dtype in COLUMNS.items():
        values = [r.get(name, _DEFAULTS.get(name)) for r in records]
        if dtype == "str":
            data[name] = pd.Series(["" if v is None else str(v) for v in values], dtype="str")
        elif dtype == "object":
            data[name] = pd.Series(values, dtype="object")
        elif dtype.startswith("datetime64"):
            data[name] = pd.to_datetime(pd.Series([pd.NaT if v is None else v for v in values],
                                                  dtype="object"),
                                        utc=True).astype(dtype)
        elif dtype == "float64":
            data[name] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        elif dtype == "Int64":
            data[name] = pd.array(values, dtype="Int64")
        elif dtype == "bool":
            data[name] = pd.Series([bool(v) for v in values], dtype="bool")
        else:
            data[name] = pd.Series(values, dtype=dtype)
    unknown = {key for r in records for key in r} - set(COLUMNS)
    if unknown:
        raise KeyError(f"not a metadata column: {sorted(unknown)}")
    return pd.DataFrame(data, columns=list(COLUMNS))
