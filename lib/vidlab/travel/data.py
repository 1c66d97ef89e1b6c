"""Reading the travel tables that the ``travel_records`` generator writes
(:mod:`vidlab.synth.travel`).

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> from vidlab.synth.travel import make_travel_records
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "travel"
>>> _ = make_travel_records(folder, {"n_notices": 20, "n_trips": 500}, make_rng(0))
>>> travel = load_travel(folder)
>>> sorted(travel), len(travel["trips"])
(['aliases', 'notices', 'trips'], 500)
"""

from vidlab.io import read_part_tables

__all__ = ["load_travel"]


def load_travel(folder):
    """Return the travel tables of ``folder`` by name (``notices``, ``aliases``, ``trips``),
    every column as text with "" for an empty cell.

    ``folder`` is a dataset's travel part, e.g. ``load_dataset(path).path("travel")``. A
    missing file raises :class:`~vidlab.exceptions.DatasetError` naming it.
    """
    from vidlab.synth.travel import FILES  # not at the top: that module imports this package

    return read_part_tables(folder, FILES, "travel", "travel_records")
