"""Generate, verify and load synthetic datasets described by recipes.

A recipe (a preset name from :data:`PRESETS` or a ``.yml`` file) has a ``name``, a
``description`` and ``parts``: a mapping of part name to ``{generator: <name>, ...config}``.
:func:`generate_dataset` gives every part its own random generator, derived from the seed
and the part name, and writes::

    <out>/<part>/...                      the files of each part
    <out>/ground_truth/<part>_<table>.csv what each generator knows (sorted rows)
    <out>/dataset.json                    recipe, preset, seed, vidlab version, parts, tables
    <out>/MANIFEST.sha256                 sha256sum of everything above, written last

The same seed and the same locked environment give a byte-identical ``MANIFEST.sha256``.

>>> import pathlib, tempfile
>>> out = generate_dataset(pathlib.Path(tempfile.mkdtemp()) / "tiny", preset="tiny", seed=0)
>>> verify_dataset(out).ok
True
>>> dataset = load_dataset(out)
>>> dataset.seed, dataset.parts
(0, ['evidence', 'world', 'forum', 'phone', 'travel', 'trends'])
>>> int(dataset.ground_truth("evidence_files")["altered"].sum())
1
"""

import hashlib
import inspect
import json
import os
import re
import secrets
import shutil
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from vidlab import __version__
from vidlab.exceptions import DatasetError, InvalidParameterError, VidlabError
from vidlab.hashing.crypto import MANIFEST_NAME, ManifestReport, verify_manifest, write_manifest
from vidlab.io import read_table
from vidlab.parallel import progress
from vidlab.seed import check_seed
from vidlab.synth.registry import get_generator

__all__ = [
    "PRESETS",
    "Dataset",
    "generate_dataset",
    "load_dataset",
    "load_recipe",
    "part_rng",
    "verify_dataset",
]

PRESETS = ("tiny", "course", "large")
INFO_NAME = "dataset.json"
GROUND_TRUTH = "ground_truth"
FORMAT_VERSION = 1
GENERATE_HINT = "generate one with: vidlab data generate --preset tiny --out DIR"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
_RECIPE_KEYS = ("name", "description", "parts")
_DTYPES = {"bool": "bool", "int": "int64", "float": "float64", "str": str}


# --- recipes ---------------------------------------------------------------------------------


class _RecipeLoader(yaml.SafeLoader):
    """YAML's safe loader, except that dates stay text as written (``first_date: 2024-01-01``
    is the string "2024-01-01"): generators take ISO dates and the recipe is stored as JSON."""


_RecipeLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_recipe(preset):
    """Return the recipe of a preset name (see :data:`PRESETS`) or of a ``.yml`` file.

    The result is ``{"name", "description", "parts"}``; every part names a registered
    generator. Problems raise :class:`~vidlab.exceptions.InvalidParameterError` in one line.

    >>> sorted(load_recipe("tiny")["parts"])
    ['evidence', 'forum', 'phone', 'travel', 'trends', 'world']
    >>> load_recipe("huge")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: Unknown preset 'huge': use tiny, course, large, or ...
    """
    if isinstance(preset, str) and preset in PRESETS:
        source = resources.files("vidlab.synth") / "presets" / f"{preset}.yml"
        text, default_name = source.read_text(encoding="utf-8"), preset
    else:
        path = Path(preset) if isinstance(preset, str) or hasattr(preset, "__fspath__") else None
        if path is None or (path.suffix.lower() not in (".yml", ".yaml") and not path.exists()):
            raise InvalidParameterError(
                f"Unknown preset {preset!r}: use {', '.join(PRESETS)}, or the path of a recipe "
                ".yml file."
            )
        if not path.is_file():
            raise InvalidParameterError(f"Recipe file {str(path)!r} does not exist.")
        text, default_name = path.read_text(encoding="utf-8"), path.stem
    where = f"recipe {str(preset)!r}"
    try:
        recipe = yaml.load(text, Loader=_RecipeLoader)  # a SafeLoader: no objects
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise InvalidParameterError(f"{where}{line} is not valid YAML.") from None
    return _check_recipe(recipe, where, default_name)


def _check_recipe(recipe, where, default_name):
    if not isinstance(recipe, dict):
        raise InvalidParameterError(f"{where} must be a mapping with a 'parts' key.")
    unknown = sorted(set(map(str, recipe)) - set(_RECIPE_KEYS))
    if unknown:
        raise InvalidParameterError(
            f"{where} has an unknown key {unknown[0]!r}: use {', '.join(_RECIPE_KEYS)}."
        )
    parts = recipe.get("parts")
    if not isinstance(parts, dict) or not parts:
        raise InvalidParameterError(
            f"{where} must have 'parts': a mapping of part name to {{generator: NAME, ...}}."
        )
    checked = {}
    for name, part in parts.items():
        if not isinstance(name, str) or not _NAME.match(name) or name == GROUND_TRUTH:
            raise InvalidParameterError(
                f"{where}: part name {name!r} must be letters, digits, '_' or '-' (and not "
                f"{GROUND_TRUTH!r})."
            )
        if not isinstance(part, dict) or not isinstance(part.get("generator"), str):
            raise InvalidParameterError(
                f"{where}: part {name!r} must be a mapping with a 'generator' name."
            )
        try:
            get_generator(part["generator"])
        except InvalidParameterError as error:
            raise InvalidParameterError(f"{where}: part {name!r}: {error}") from None
        checked[name] = dict(part)
    return {
        "name": str(recipe.get("name") or default_name),
        "description": " ".join(str(recipe.get("description") or "").split()),
        "parts": checked,
    }


# --- generation ------------------------------------------------------------------------------


def part_rng(seed, part):
    """Return the random generator of one part: a function of ``seed`` and the part name only.

    The name is hashed with SHA-256 (Python's ``hash()`` of a string changes between runs).

    >>> int(part_rng(0, "evidence").integers(1000)) == int(part_rng(0, "evidence").integers(1000))
    True
    """
    digest = hashlib.sha256(str(part).encode("utf-8")).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, len(digest), 4)]
    return np.random.default_rng(np.random.SeedSequence([check_seed(seed), *words]))


def generate_dataset(out, preset="tiny", seed=0, force=False, jobs=1):
    """Generate the dataset of ``preset`` with ``seed`` into the folder ``out``; return its path.

    ``out`` must be missing or empty, or, with ``force=True``, hold a vidlab dataset (a
    ``dataset.json``), which is then replaced. The dataset is written to a hidden sibling
    folder and renamed at the end, so a crash never leaves a half-written ``out``.
    Generators that take a keyword ``jobs`` (such as ``image_world``) share their work among
    that many worker processes (0 = one per core); the bytes do not depend on it.
    """
    seed = check_seed(seed)
    recipe = load_recipe(preset)
    given = Path(out)
    out = Path(os.path.abspath(given))  # "." and "x/.." have a usable parent and name
    _check_out(out, force)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.partial-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        tables = {}
        for part, spec in progress(recipe["parts"].items(), total=len(recipe["parts"]),
                                   desc="generating", unit="part"):
            config = {key: value for key, value in spec.items() if key != "generator"}
            generator = get_generator(spec["generator"])
            try:
                takes_jobs = "jobs" in inspect.signature(generator).parameters
                options = {"jobs": jobs} if takes_jobs else {}
                produced = generator(staging / part, config, part_rng(seed, part), **options)
            except VidlabError as error:
                raise InvalidParameterError(f"part {part!r}: {error}") from error
            (staging / part).mkdir(exist_ok=True)
            tables.update(_write_tables(staging, part, spec["generator"], produced))
        info = {
            "format": FORMAT_VERSION,
            "name": recipe["name"],
            "preset": preset if preset in PRESETS else Path(preset).name,
            "seed": seed,
            "vidlab_version": __version__,
            "parts": list(recipe["parts"]),
            "recipe": recipe,
            "ground_truth": tables,
        }
        text = json.dumps(info, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
        (staging / INFO_NAME).write_bytes(text.encode("utf-8"))
        write_manifest(staging)
        _replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return given


def _check_out(out, force):
    if out.exists() and not out.is_dir():
        raise DatasetError(f"Output {str(out)!r} is a file, not a folder: choose another --out.")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not force:
        raise DatasetError(
            f"Output folder {str(out)!r} is not empty: choose another --out, or pass --force "
            "(force=True) to replace a vidlab dataset there."
        )
    if not (out / INFO_NAME).is_file():
        raise DatasetError(
            f"Refusing to replace {str(out)!r}: it is not a vidlab dataset (no {INFO_NAME}), "
            "and --force only replaces vidlab datasets."
        )


def _write_tables(root, part, generator, produced):
    if not isinstance(produced, dict) or not all(
        isinstance(name, str) and _NAME.match(name) and isinstance(table, pd.DataFrame)
        for name, table in produced.items()
    ):
        raise DatasetError(
            f"Generator {generator!r} (part {part!r}) must return a dict of table name to "
            "pandas DataFrame."
        )
    written = {}
    for table_name in sorted(produced):
        table = produced[table_name]
        name = f"{part}_{table_name}"
        relative = f"{GROUND_TRUTH}/{name}.csv"
        if len(table.columns):
            table = table.sort_values(list(table.columns), kind="mergesort", ignore_index=True)
        path = root / relative
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
        written[name] = {"file": relative, "columns": {str(c): _kind(table[c]) for c in table}}
    return written


def _kind(column):
    kind = column.dtype.kind
    return {"b": "bool", "i": "int", "u": "int", "f": "float"}.get(kind, "str")


def _replace(staging, out):
    """Move ``staging`` to ``out``; ``out`` is missing, empty, or a dataset to replace."""
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if out.exists():
        old = out.parent / f".{out.name}.old-{secrets.token_hex(4)}"
        out.rename(old)
        try:
            staging.rename(out)
        except BaseException:
            old.rename(out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)


# --- verifying and loading -------------------------------------------------------------------


def _check_folder(directory):
    root = Path(directory)
    if not root.is_dir():
        raise DatasetError(f"Dataset folder {str(root)!r} does not exist; {GENERATE_HINT}")
    return root


def verify_dataset(directory) -> ManifestReport:
    """Re-hash every file of the dataset in ``directory`` against its ``MANIFEST.sha256``."""
    root = _check_folder(directory)
    if not (root / MANIFEST_NAME).is_file():
        raise DatasetError(
            f"{str(root)!r} has no {MANIFEST_NAME}, so it cannot be verified; {GENERATE_HINT}"
        )
    return verify_manifest(root, root / MANIFEST_NAME)


class Dataset:
    """A generated dataset: its folder, its ``dataset.json`` and its ground-truth tables.

    Use :func:`load_dataset` to make one.
    """

    def __init__(self, root, info):
        self.root = Path(root)
        self.info = info

    def __repr__(self):
        return f"Dataset({str(self.root)!r}, preset={self.info.get('preset')!r}, seed={self.seed})"

    @property
    def seed(self):
        """The seed the dataset was generated with."""
        return self.info.get("seed")

    @property
    def parts(self):
        """The part names, in recipe order."""
        return list(self.info.get("parts", []))

    @property
    def tables(self):
        """The names of the ground-truth tables, sorted (``<part>_<table>``)."""
        return sorted(self.info.get("ground_truth", {}))

    def path(self, part):
        """Return the folder of ``part``."""
        if part not in self.parts:
            raise InvalidParameterError(
                f"Dataset {str(self.root)!r} has no part {part!r}: use one of "
                f"{', '.join(self.parts) or '(none)'}."
            )
        return self.root / part

    def ground_truth(self, name) -> pd.DataFrame:
        """Return the ground-truth table ``name`` (e.g. ``"evidence_files"``)."""
        entry = self.info.get("ground_truth", {}).get(name)
        if entry is None:
            raise InvalidParameterError(
                f"Dataset {str(self.root)!r} has no ground-truth table {name!r}: use one of "
                f"{', '.join(self.tables) or '(none)'}."
            )
        path = self.root / entry["file"]
        if not path.is_file():
            raise DatasetError(f"Ground-truth file {str(path)!r} is missing; {GENERATE_HINT}")
        dtype = {column: _DTYPES[kind] for column, kind in entry["columns"].items()}
        floats = [column for column, kind in dtype.items() if kind == "float64"]
        table = read_table(path, dtype={**dtype, **{column: str for column in floats}})
        for column in floats:  # an empty CSV cell is a missing number
            table[column] = pd.to_numeric(table[column].replace("", None)).astype("float64")
        return table


def load_dataset(directory) -> Dataset:
    """Open the dataset generated in ``directory``."""
    root = Path(directory)
    info_path = root / INFO_NAME
    if not info_path.is_file():
        raise DatasetError(
            f"{str(root)!r} is not a vidlab dataset (no {INFO_NAME}); {GENERATE_HINT}"
        )
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        raise DatasetError(f"Cannot read {str(info_path)!r}: {error}") from None
    if not isinstance(info, dict):
        raise DatasetError(f"{str(info_path)!r} is not a vidlab dataset description.")
    return Dataset(root, info)
