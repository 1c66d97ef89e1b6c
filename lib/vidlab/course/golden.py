"""The golden pair: the blank release scores 0, the source notebook full marks.

For every lesson and each of ``seeds`` trainee seeds, :func:`check_golden` computes the key
(the source executed with that trainee's parameters), then executes and scores against it

- the **blank** exercise (:func:`~vidlab.course.release.make_exercise`; every cell runs,
  errors allowed): any point it earns comes from an answer that does not depend on the
  stripped solution;
- the **source** again: less than full marks means a non-deterministic answer or a
  comparator too strict for it.

Executions go through :func:`vidlab.course.grading.execute_notebook` (the sandbox), as in
grading. ``vidlab course check CURRICULUM --golden [--seeds N]`` runs it.
"""

import hashlib
import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from vidlab.course import grading
from vidlab.course.curriculum import load_curriculum
from vidlab.course.grading import OUTPUT_DIR, Limits
from vidlab.course.release import (
    CourseSecret,
    dataset_recipe,
    lesson_parameters,
    make_exercise,
    private_dir,
    scratch_dir,
)
from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import map_parallel

__all__ = ["check_golden", "GoldenReport"]


@dataclass
class GoldenReport:
    """The result of :func:`check_golden`: one row per (seed, lesson), and the problems."""

    rows: list
    problems: list

    @property
    def ok(self):
        return not self.problems


def _allow_errors(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    return notebook


def _golden_task(task):
    limits, kernel_name = task["limits"], task["kernel_name"]
    scratch = Path(task["scratch"])
    key = grading.compute_key(task["notebook"], task["parameters"], task["cache_dir"],
                              limits=limits, kernel_name=kernel_name, scratch=scratch)
    row = {"trainee": task["trainee"], "lesson": task["lesson"], "key_status": key["status"],
           "key_reason": key["reason"], "max": sum(s.points for s in task["answers"])}
    if key["status"] != "ok":
        return row
    blank_path = Path(tempfile.mkdtemp(prefix="blank-", dir=scratch)) / "blank.ipynb"
    blank = _allow_errors(make_exercise(task["notebook"], task["parameters"]))
    nbformat.write(blank, blank_path)
    for name, source in (("blank", blank_path), ("source", Path(task["notebook"]))):
        folder = scratch_dir(f"{name}-", scratch)
        output = private_dir(folder / "out") / "run.ipynb"
        result = grading.execute_notebook(source, output, parameters=task["parameters"],
                                          workdir=folder / "work", limits=limits,
                                          kernel_name=kernel_name)
        scores = grading.score_answers(task["answers"], result.answers, key["answers"])
        row[name] = sum(s["points"] for s in scores)
        row[f"{name}_status"] = f"{result.status} {result.reason}".strip()
        row[f"{name}_scored"] = [s["answer_id"] for s in scores if s["points"] > 0]
        row[f"{name}_missed"] = [s["answer_id"] for s in scores if s["fraction"] < 1]
        shutil.rmtree(folder, ignore_errors=True)
    return row


def check_golden(curriculum, *, seeds=2, jobs=1, kernel_name=None, limits=None):
    """The golden pair: for ``seeds`` trainee seeds, the blank release scores 0 and the
    source notebook (run again) scores full marks against the key. Returns a GoldenReport.

    Every code cell of the blank runs (errors allowed), so that an answer that does not
    depend on the stripped solution is caught. The seeds come from a fixed secret, so the
    same curriculum is checked with the same seeds every time. ``limits``: a
    :class:`~vidlab.course.grading.Limits` (default: its defaults).

    >>> report = check_golden("curricula/foundations.yml", seeds=2, jobs=2)  # doctest: +SKIP
    >>> report.ok, report.problems  # doctest: +SKIP
    (True, [])
    """
    if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
        raise InvalidParameterError(
            f"The 'seeds' parameter of check_golden must be an int >= 1. Got {seeds!r} instead.")
    limits = Limits() if limits is None else limits
    curriculum = load_curriculum(curriculum)
    scratch = scratch_dir("vidlab-golden-")
    try:
        secret = CourseSecret(path=scratch / "golden.key",
                              key=hashlib.sha256(b"vidlab golden pair").digest())
        cache_dir = private_dir(scratch / "keys")
        recipe = dataset_recipe(curriculum)
        tasks = []
        for index in range(seeds):
            trainee = f"golden-{index + 1}"
            for module, lesson in curriculum.lessons:
                tasks.append({
                    "trainee": trainee, "lesson": f"{module.id}/{lesson.id}",
                    "notebook": str(lesson.notebook), "answers": lesson.answers,
                    "parameters": lesson_parameters(
                        curriculum, lesson, trainee, secret.key,
                        dataset=recipe["path"] if recipe else None, output_dir=OUTPUT_DIR),
                    "cache_dir": str(cache_dir), "scratch": str(scratch), "limits": limits,
                    "kernel_name": kernel_name,
                })
        rows = map_parallel(_golden_task, tasks, jobs=jobs, desc="golden", unit="lesson",
                            chunk_size=1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    rows.sort(key=lambda row: (row["trainee"], row["lesson"]))
    problems = []
    for row in rows:
        where = f"{row['lesson']} ({row['trainee']})"
        if row["key_status"] != "ok":
            problems.append(f"{where}: the source notebook fails: {row['key_reason']}")
            continue
        if row["blank"] > 0:
            problems.append(f"{where}: the blank release scores {row['blank']:g} of "
                            f"{row['max']:g} ({', '.join(row['blank_scored'])}): these answers "
                            "do not depend on the stripped solution")
        if not math.isclose(row["source"], row["max"]):
            problems.append(f"{where}: the source scores {row['source']:g} of {row['max']:g} "
                            f"against its own key (not deterministic? "
                            f"{', '.join(row['source_missed'])}; {row['source_status']})")
    return GoldenReport(rows=rows, problems=problems)
