"""Synthetic data: pure functions of (config, seed) that write files and their ground truth.

A dataset is described by a recipe (a preset such as ``tiny`` or ``course``, or a ``.yml``
file) whose parts each name a registered generator; :func:`generate_dataset` runs them with
one child random generator per part and writes ``dataset.json``, ``ground_truth/`` and
``MANIFEST.sha256``. Importing this package registers the built-in generators.

>>> from vidlab.synth import PRESETS, available_generators
>>> PRESETS
('tiny', 'course', 'large')
>>> {"evidence_folder", "image_world"} <= set(available_generators())
True
"""

from vidlab.synth import (
    evidence,  # noqa: F401  (registers "evidence_folder")
    forums,  # noqa: F401  (registers "forum")
    images,  # noqa: F401  (registers "image_world")
    seized,  # noqa: F401  (registers "seized_device")
    travel,  # noqa: F401  (registers "travel_records")
    trends,  # noqa: F401  (registers "trend_statistics")
)
from vidlab.synth.dataset import (
    PRESETS,
    Dataset,
    generate_dataset,
    load_dataset,
    load_recipe,
    verify_dataset,
)
from vidlab.synth.evidence import make_evidence_folder
from vidlab.synth.images import make_image_world
from vidlab.synth.registry import available_generators, get_generator, register_generator

__all__ = [
    "PRESETS",
    "Dataset",
    "available_generators",
    "generate_dataset",
    "get_generator",
    "load_dataset",
    "load_recipe",
    "make_evidence_folder",
    "make_image_world",
    "register_generator",
    "verify_dataset",
]
