"""Parameter sweeps: one curriculum run per parameter set, in parallel, and a summary table.

A sweep file lists parameter sets, as YAML (a list of mappings, or ``grid:`` with a list of
values per parameter for every combination) or as CSV (one set per row)::

    # sweeps/regions.yml
    - {region: Europe, method: loglinear}
    - {region: Asia, method: poisson}

    grid: {region: [Europe, Asia], method: [loglinear, poisson]}   # 4 sets

>>> load_sweep_text("grid: {region: [Europe, Asia], horizon: [3]}")
[{'region': 'Europe', 'horizon': 3}, {'region': 'Asia', 'horizon': 3}]
>>> run = run_sweep("curricula/trend-study.yml", load_sweep("sweep.yml"), out="runs/sweep",
...                 jobs=2)  # doctest: +SKIP
>>> run.summary  # doctest: +SKIP

Only the lessons that declare every parameter of a set run for it (a sweep over ``region``
does not repeat a lesson that has no ``region``). Each set runs into ``<out>/<set id>/``
(the layout of :func:`~vidlab.course.runner.run_curriculum`); ``<out>/sweep.csv`` holds one
row per set: its parameters, status, duration and every answer its lessons recorded;
``<out>/sweep.html`` shows the same table with links to each lesson's HTML report.
"""

import csv
import io
import itertools
import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import yaml

from vidlab.course.curriculum import load_curriculum
from vidlab.course.runner import _lesson_tasks, _run_lesson, default_kernel_name
from vidlab.exceptions import CurriculumError
from vidlab.parallel import map_parallel

__all__ = ["load_sweep", "load_sweep_text", "run_sweep", "SweepRun"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass
class SweepRun:
    """The result of :func:`run_sweep`: the lesson runs of every set and the summary."""

    curriculum: str
    out: Path
    sets: list
    lessons: dict
    summary: pd.DataFrame
    duration: float

    @property
    def ok(self):
        return all(run.status == "ok" for runs in self.lessons.values() for run in runs)

    @property
    def summary_csv(self):
        return self.out / "sweep.csv"

    @property
    def summary_html(self):
        return self.out / "sweep.html"


def load_sweep_text(text, source="sweep") -> list[dict]:
    """Parse the YAML text of a sweep (see the module docstring) into parameter sets."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CurriculumError(f"{source}: not valid YAML ({error})") from None
    if isinstance(data, dict) and set(data) == {"grid"} and isinstance(data["grid"], dict):
        grid = {name: values if isinstance(values, list) else [values]
                for name, values in data["grid"].items()}
        sets = [dict(zip(grid, combination, strict=True))
                for combination in itertools.product(*grid.values())]
    elif isinstance(data, list):
        sets = data
    else:
        raise CurriculumError(
            f"{source}: a sweep is a list of parameter sets (mappings) or 'grid:' with a list "
            f"of values per parameter; got {type(data).__name__}"
        )
    for number, parameter_set in enumerate(sets, 1):
        if not isinstance(parameter_set, dict) or not parameter_set:
            raise CurriculumError(
                f"{source}: parameter set {number} must be a non-empty mapping NAME: VALUE; "
                f"got {parameter_set!r}"
            )
    if not sets:
        raise CurriculumError(f"{source}: the sweep holds no parameter set")
    return sets


def load_sweep(path) -> list[dict]:
    """Read the parameter sets of a sweep file (``.yml``/``.yaml`` or ``.csv``)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CurriculumError(f"cannot read sweep file {path}: {error.strerror}") from None
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(text)))
        if not rows:
            raise CurriculumError(f"{path}: the sweep holds no parameter set")
        return [{name: value for name, value in row.items() if value != ""} for row in rows]
    return load_sweep_text(text, source=str(path))


def _set_id(number, parameter_set):
    """A folder name for a parameter set: its number and values, e.g. ``002_Asia_poisson``."""
    values = "_".join(_UNSAFE.sub("-", str(value)).strip("-") for value in parameter_set.values())
    return f"{number:03d}_{values}"[:60].rstrip("_-")


def run_sweep(curriculum, parameter_sets, *, out=None, jobs=1, parameters=None, cell_timeout=600,
              kernel_name=None) -> SweepRun:
    """Run the lessons of ``curriculum`` once per parameter set, in parallel.

    ``parameters`` apply to every set (a set's own values win). Every set is checked before
    anything runs: an unknown parameter, a missing dataset or a set that no lesson declares
    raises :class:`~vidlab.exceptions.CurriculumError`.
    """
    curriculum = load_curriculum(curriculum)
    out = Path(out) if out is not None else Path("runs") / f"{curriculum.id}-sweep"
    kernel_name = kernel_name or default_kernel_name()
    tasks, sets = [], []
    for number, parameter_set in enumerate(parameter_sets, 1):
        names = set(parameter_set)
        lessons = {lesson.id for _, lesson in curriculum.lessons
                   if names <= set(lesson.declared_parameters)}
        if not lessons:
            raise CurriculumError(
                f"parameter set {number} ({', '.join(sorted(names))}): no lesson of "
                f"{curriculum.path} declares all of these parameters"
            )
        set_id = _set_id(number, parameter_set)
        overrides = {**(parameters or {}), **parameter_set}
        set_tasks = _lesson_tasks(curriculum, out / set_id, overrides, kernel_name,
                                  cell_timeout, lessons=lessons)
        sets.append({"set": set_id, **{name: value for name, value in parameter_set.items()}})
        tasks += [(set_id, task) for task in set_tasks]
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    runs = map_parallel(_run_lesson, [task for _, task in tasks], jobs=jobs, desc="sweep",
                        unit="lesson")
    lessons = {entry["set"]: [] for entry in sets}
    for (set_id, _), run in zip(tasks, runs, strict=True):
        lessons[set_id].append(run)
    sweep = SweepRun(
        curriculum=curriculum.id,
        out=out,
        sets=sets,
        lessons=lessons,
        summary=_summary(sets, lessons),
        duration=round(time.perf_counter() - started, 2),
    )
    _write_outputs(sweep)
    return sweep


def _summary(sets, lessons) -> pd.DataFrame:
    """One row per set: the set's parameters, status, duration and every recorded answer."""
    rows = []
    for entry in sets:
        runs = lessons[entry["set"]]
        row = {**entry,
               "status": "ok" if all(run.status == "ok" for run in runs) else "failed",
               "duration": round(sum(run.duration for run in runs), 2)}
        for run in runs:
            row.update({answer_id: json.dumps(value) if isinstance(value, list | dict) else value
                        for answer_id, value in sorted(run.answers.items())})
        rows.append(row)
    return pd.DataFrame(rows)


def _write_outputs(sweep):
    from vidlab.course.report import write_sweep_page

    sweep.summary.to_csv(sweep.summary_csv, index=False)
    (sweep.out / "sweep.json").write_text(
        json.dumps(
            {
                "curriculum": sweep.curriculum,
                "ok": sweep.ok,
                "duration": sweep.duration,
                "sets": sweep.sets,
                "lessons": {set_id: [asdict(run) for run in runs]
                            for set_id, runs in sweep.lessons.items()},
            },
            indent=2,
            sort_keys=True,
            default=str,
        ),
        encoding="utf-8",
    )
    write_sweep_page(sweep)
