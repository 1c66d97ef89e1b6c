"""Reading and writing the tables vidlab produces, as CSV or parquet by file extension.

>>> import pandas as pd, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
>>> write_table(pd.DataFrame({"a": [1]}), path)
>>> read_table(path)["a"].tolist()
[1]
"""

import sys
from pathlib import Path

import pandas as pd

from vidlab.exceptions import DatasetError, InvalidParameterError

__all__ = ["write_table", "read_table", "read_part_tables", "TABLE_FORMATS"]

TABLE_FORMATS = (".csv", ".parquet")


def _table_format(path):
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise InvalidParameterError(
            f"Cannot tell the table format of {str(path)!r}: use a name ending in .csv or .parquet."
        )
    return suffix


def write_table(table: pd.DataFrame, path=None):
    """Write ``table`` to ``path`` (.csv or .parquet); ``None`` or ``"-"`` writes CSV to stdout."""
    if path is None or str(path) == "-":
        table.to_csv(sys.stdout, index=False)
        return
    path = Path(path)
    fmt = _table_format(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)


def read_table(path, dtype=None) -> pd.DataFrame:
    """Read a table written by :func:`write_table`.

    In CSV, empty cells stay empty strings; pass ``dtype`` (e.g. ``{"sha256": str}``) for
    columns that must not be parsed as numbers.
    """
    path = Path(path)
    fmt = _table_format(path)
    if not path.is_file():
        raise InvalidParameterError(f"Table {str(path)!r} does not exist.")
    try:
        if fmt == ".csv":
            return pd.read_csv(path, dtype=dtype, keep_default_na=False)
        return pd.read_parquet(path)
    except (ValueError, OSError) as error:  # pandas' parser errors are ValueErrors
        reason = " ".join(str(error).split())[:200]
        raise InvalidParameterError(f"Cannot read table {str(path)!r}: {reason}") from None


def read_part_tables(folder, files, part, generator) -> dict:
    """Return ``{name: DataFrame}`` for the CSV files ``<folder>/<name>.csv`` of a dataset part,
    ``files`` being ``{name: columns}``: every column as text with "" for an empty cell.

    A missing file raises :class:`~vidlab.exceptions.DatasetError` naming it and the
    generator that writes the part.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "notes.csv").write_text("id,text\\n1,\\n")
    >>> read_part_tables(folder, {"notes": ["id", "text"]}, "desk", "notes")["notes"].values
    array([['1', '']], dtype=object)
    """
    folder = Path(folder)
    tables = {}
    for name, columns in files.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise DatasetError(
                f"{path} is missing: {folder} is not a {part} folder written by the "
                f"{generator!r} generator (vidlab data generate writes it as the dataset's "
                f"{part} part)."
            )
        tables[name] = pd.read_csv(path, dtype=str, keep_default_na=False)[columns]
    return tables
