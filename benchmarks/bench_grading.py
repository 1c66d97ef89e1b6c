"""Grading a cohort: wall time with --jobs 1 and --jobs 2, and the sandbox's overhead.

    python benchmarks/bench_grading.py            # 30 trainees, foundations' first module
    python benchmarks/bench_grading.py --quick    # 2 trainees, one lesson (< 1-2 min)
    python benchmarks/bench_grading.py --lessons all --trainees 30   # the whole curriculum

Every trainee hands in the solved lesson (the source notebook with their parameters), so
every submission runs to the end. Each --jobs setting starts from an empty key cache (keys
are part of an instructor's first grade run). The anchor for the per-submission overhead
is a bare ``papermill.execute_notebook`` of the same submission with the same parameters,
run side by side (alternating) in the same process.
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill

from vidlab.course.curriculum import load_curriculum
from vidlab.course.gradebook import Gradebook
from vidlab.course.grading import Limits, grade_course
from vidlab.course.release import (
    dataset_recipe,
    fill_parameters,
    lesson_parameters,
    load_secret,
    submission_names,
)
from vidlab.course.runner import default_kernel_name
from vidlab.course.sandbox import execute_sandboxed

REPO = Path(__file__).resolve().parents[1]


def _solved(lesson, parameters):
    notebook = nbformat.read(lesson.notebook, as_version=4)
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = fill_parameters(cell.source, parameters)
    return notebook


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--lessons", default="module",
                        help="'module' (the first module), 'all', or a comma list of lesson ids")
    parser.add_argument("--repeats", type=int, default=3, help="overhead repeats")
    parser.add_argument("--curriculum", type=Path, default=REPO / "curricula" / "foundations.yml")
    args = parser.parse_args(argv)
    if args.quick:
        args.trainees, args.lessons, args.repeats = 2, "01_welcome", 1

    curriculum = load_curriculum(args.curriculum)
    chosen = curriculum.lessons
    if args.lessons == "module":
        chosen = [(m, le) for m, le in chosen if m.id == curriculum.modules[0].id]
    elif args.lessons != "all":
        wanted = set(args.lessons.split(","))
        chosen = [(m, le) for m, le in chosen if le.id in wanted]
    names = submission_names(curriculum)
    kernel = default_kernel_name()
    work = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        roster = work / "roster.csv"
        trainees = [f"t{index:02d}" for index in range(args.trainees)]
        roster.write_text("trainee_id\n" + "\n".join(trainees) + "\n")
        secret = load_secret(work / "secret" / "course.key")
        dataset = (dataset_recipe(curriculum) or {}).get("path")
        inbox = work / "inbox"
        for trainee in trainees:
            (inbox / trainee).mkdir(parents=True)
            for module, lesson in chosen:
                parameters = lesson_parameters(curriculum, lesson, trainee, secret.key,
                                               dataset=dataset, output_dir="output")
                nbformat.write(_solved(lesson, parameters),
                               inbox / trainee / names[module.id, lesson.id])
        n_submissions = len(trainees) * len(chosen)
        print(f"{n_submissions} submissions ({len(trainees)} trainees x {len(chosen)} lessons "
              f"of {curriculum.id}), kernel {kernel}, shared dataset")

        walls = {}
        for jobs in (1, 2):
            key_copy = work / f"secret-{jobs}" / "course.key"  # a fresh key cache per setting
            key_copy.parent.mkdir()
            shutil.copy(secret.path, key_copy)
            started = time.perf_counter()
            summary = grade_course(args.curriculum, inbox, work / f"grades-{jobs}.sqlite",
                                   roster=roster, secret=key_copy, jobs=jobs,
                                   per_trainee_data=False,
                                   limits=Limits(cell_timeout=300, notebook_timeout=900))
            walls[jobs] = time.perf_counter() - started
            with Gradebook(work / f"grades-{jobs}.sqlite") as book:
                runs = book.rows("SELECT duration_s, key_duration_s FROM runs")
            print(f"--jobs {jobs}: {walls[jobs]:7.1f} s  ({walls[jobs] / n_submissions:.2f} s "
                  f"per submission incl. its key; statuses {summary.statuses}; median "
                  f"key run {statistics.median(r['key_duration_s'] for r in runs):.1f} s, "
                  f"median submission run {statistics.median(r['duration_s'] for r in runs):.1f}"
                  " s)")
        print(f"speed-up --jobs 2 / --jobs 1: {walls[1] / walls[2]:.2f}x (goal >= 1.7x)")

        module, lesson = chosen[0]
        parameters = lesson_parameters(curriculum, lesson, trainees[0], secret.key,
                                       dataset=dataset, output_dir="output")
        submission = inbox / trainees[0] / names[module.id, lesson.id]
        bare, sandboxed = [], []
        for repeat in range(args.repeats):
            folder = work / f"overhead-{repeat}"
            (folder / "bare").mkdir(parents=True)
            started = time.perf_counter()
            papermill.execute_notebook(str(submission), str(folder / "bare" / "out.ipynb"),
                                       parameters=parameters, kernel_name=kernel,
                                       cwd=str(folder / "bare"), progress_bar=False)
            bare.append(time.perf_counter() - started)
            folder.chmod(0o711)
            started = time.perf_counter()
            result = execute_sandboxed(submission, folder / "sandboxed.ipynb",
                                       parameters=parameters, workdir=folder / "work",
                                       cell_timeout=300, notebook_timeout=900,
                                       kernel_name=kernel)
            sandboxed.append(time.perf_counter() - started)
            if result.status != "ok":
                print(f"sandboxed run failed: {result.status} {result.reason}", file=sys.stderr)
        b, s = statistics.median(bare), statistics.median(sandboxed)
        print(f"one submission of {lesson.id} (median of {args.repeats}): bare papermill "
              f"{b:.2f} s, sandboxed {s:.2f} s ({result.isolation}): overhead {s - b:+.2f} s "
              f"({s / b:.2f}x)")
        print(f"grading (--jobs 1) per submission / bare papermill: "
              f"{walls[1] / len(trainees) / len(chosen) / b:.2f}x (a key run + a sandboxed run "
              "+ bookkeeping, vs one bare run)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
