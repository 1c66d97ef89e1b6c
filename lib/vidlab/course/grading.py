"""Grading a course: comparators, answer keys and :func:`grade_course`.

>>> summary = grade_course("curricula/foundations.yml", "inbox/", "grades.sqlite",
...                        jobs=2)  # doctest: +SKIP

For every submission ``<submissions>/<trainee id>/<lesson notebook name>``, the grader

1. validates it (size, notebook JSON) and notes a changed seed (it is ignored);
2. computes the trainee's **key**: the source notebook executed with the trainee's
   parameters (cached by notebook sha256 and parameters, in a 0700 folder);
3. executes the submission with :func:`vidlab.course.sandbox.execute_sandboxed`, the
   trainee's parameters re-injected, in its own working folder, under time and memory limits;
4. compares every recorded answer with the key (:data:`COMPARATORS`; points from the
   curriculum) and writes the result to the gradebook
   (:class:`~vidlab.course.gradebook.Gradebook`) in **one transaction**.

A submission already graded (same trainee, lesson and sha256) is skipped unless
``force=True``, so a grade run killed half-way resumes where it stopped, and re-grading
never duplicates a grade. A submission that crashes, hangs, runs out of memory or is not a
notebook gets a recorded result with the reason; the others are unaffected. Feedback pages
come from :mod:`vidlab.course.feedback`, the golden pair from :mod:`vidlab.course.golden`.

>>> compare_answer("numeric", 0.5004, 0.5, tolerance=0.001)
(1.0, 'within 0.001')
>>> compare_answer("top_k", ["a", "b", "x"], ["a", "b", "c"])
(0.6666666666666666, '2 of the top 3')
"""

import ast
import contextlib
import hashlib
import json
import os
import shutil
import stat
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import nbformat

from vidlab.course.curriculum import is_identifier, load_curriculum
from vidlab.course.gradebook import FINAL_STATUSES, Gradebook
from vidlab.course.release import (
    CourseSecret,
    Trainee,
    dataset_recipe,
    default_secret_path,
    lesson_parameters,
    load_roster,
    load_secret,
    private_dir,
    released_per_trainee_data,
    released_roster,
    scratch_dir,
    submission_names,
)
from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import get_executor, progress, resolve_jobs

__all__ = [
    "COMPARATORS",
    "compare_answer",
    "score_answers",
    "Limits",
    "execute_notebook",
    "compute_key",
    "compute_keys",
    "GradeSummary",
    "grade_course",
]

OUTPUT_DIR = "output"  # relative to the run's working folder
_MISSING = object()


@dataclass(frozen=True)
class Limits:
    """Execution limits of one notebook run (see :func:`execute_sandboxed`)."""

    cell_timeout: float = 60
    notebook_timeout: float = 600
    memory_mb: float = 2048
    max_output_mb: float = 20
    max_submission_mb: float = 20


# --------------------------------------------------------------------------- comparators


def _number(value):
    return isinstance(value, int | float) and not isinstance(value, bool)


def _close(a, b, tolerance):
    if _number(a) and _number(b):
        return abs(a - b) <= tolerance
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tolerance) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tolerance) for k in a)
    return a == b


def _key(value):
    return json.dumps(value, sort_keys=True)


def _exact(submitted, expected, tolerance):
    return (1.0, "equal") if _key(submitted) == _key(expected) else (0.0, "differs")


def _numeric(submitted, expected, tolerance):
    tolerance = 1e-9 if tolerance is None else tolerance
    if not (_number(submitted) or isinstance(submitted, list | dict)):
        return 0.0, f"not a number: {type(submitted).__name__}"
    if _close(submitted, expected, tolerance):
        return 1.0, f"within {tolerance:g}"
    return 0.0, f"off by more than {tolerance:g}"


def _set(submitted, expected, tolerance):
    if not isinstance(submitted, list):
        return 0.0, f"not a collection: {type(submitted).__name__}"
    got, want = {_key(v) for v in submitted}, {_key(v) for v in expected}
    if got == want:
        return 1.0, "same elements"
    return 0.0, f"{len(got - want)} extra, {len(want - got)} missing"


def _dataframe(submitted, expected, tolerance):
    tolerance = 1e-9 if tolerance is None else tolerance
    if not (isinstance(submitted, list) and all(isinstance(r, dict) for r in submitted)):
        return 0.0, "not a table"
    if len(submitted) != len(expected):
        return 0.0, f"{len(submitted)} rows, expected {len(expected)}"
    if submitted and set(submitted[0]) != set(expected[0]):
        return 0.0, f"columns {sorted(submitted[0])}, expected {sorted(expected[0])}"
    if _close(submitted, expected, tolerance):
        return 1.0, "same table"
    if _close(sorted(submitted, key=_key), sorted(expected, key=_key), tolerance):
        return 1.0, "same rows, in another order"
    return 0.0, "values differ"


def _top_k(submitted, expected, tolerance):
    if not isinstance(submitted, list):
        return 0.0, f"not a list: {type(submitted).__name__}"
    k = len(expected)
    if k == 0:
        return (1.0, "nothing expected") if not submitted else (0.0, "expected nothing")
    overlap = len({_key(v) for v in submitted[:k]} & {_key(v) for v in expected})
    fraction = overlap / k
    if tolerance is not None and fraction >= tolerance:
        fraction = 1.0
    return fraction, f"{overlap} of the top {k}"


#: ``compare`` name -> function(submitted, expected, tolerance) -> (fraction, detail).
#: ``numeric`` and ``dataframe`` use ``tolerance`` (absolute; default 1e-9); ``top_k``
#: gives the share of the key's k items among the first k submitted (``tolerance``: the
#: share that earns full points); ``set`` ignores order and repeats.
COMPARATORS = {"exact": _exact, "numeric": _numeric, "set": _set, "dataframe": _dataframe,
               "top_k": _top_k}


def compare_answer(compare, submitted, expected, tolerance=None):
    """Return ``(fraction of the points in [0, 1], one-line detail)`` for one answer.

    >>> compare_answer("set", [3, 1], [1, 3])
    (1.0, 'same elements')
    >>> compare_answer("exact", None, 2)
    (0.0, 'not recorded')
    """
    if compare not in COMPARATORS:
        raise InvalidParameterError(
            f"The 'compare' parameter must be one of {', '.join(COMPARATORS)}. "
            f"Got {compare!r} instead."
        )
    if submitted is None or submitted is _MISSING:
        return 0.0, "not recorded"
    return COMPARATORS[compare](submitted, expected, tolerance)


# ----------------------------------------------------------------------------- execution


def execute_notebook(source, output, *, parameters, workdir, limits=Limits(),
                     kernel_name=None):
    """Execute a notebook in the sandbox under ``limits``: the one seam to execution.

    Keys, submissions and the golden pair all run through this function (tests replace it
    with an in-process fake). The ``dataset`` parameter's folder stays readable in the
    sandbox even when it lies behind a folder others cannot search (the per-trainee
    datasets live beside the course secret). Returns a
    :class:`~vidlab.course.sandbox.SandboxResult`.

    >>> result = execute_notebook("lesson.ipynb", "runs/out.ipynb", parameters={"seed": 3},
    ...                           workdir="runs/work")  # doctest: +SKIP
    >>> result.status, result.answers  # doctest: +SKIP
    ('ok', {'q1': 42})
    """
    from vidlab.course.sandbox import execute_sandboxed

    return execute_sandboxed(
        source, output, parameters=parameters, workdir=workdir,
        cell_timeout=limits.cell_timeout, notebook_timeout=limits.notebook_timeout,
        memory_mb=limits.memory_mb, max_output_mb=limits.max_output_mb,
        kernel_name=kernel_name,
        readable=[parameters["dataset"]] if isinstance(parameters.get("dataset"), str) else [],
    )


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _key_path(cache_dir, notebook, parameters):
    text = json.dumps({"notebook": _sha256_file(notebook), "parameters": parameters},
                      sort_keys=True)
    return Path(cache_dir) / f"{hashlib.sha256(text.encode()).hexdigest()}.json"


def compute_key(notebook, parameters, cache_dir, *, limits=Limits(), kernel_name=None,
                scratch=None) -> dict:
    """The answer key: ``{"status", "reason", "answers", "duration_s"}`` of the source run.

    Cached in ``cache_dir`` (0700) by (notebook sha256, parameters); a failed run is not
    cached.
    """
    cache = _key_path(cache_dir, notebook, parameters)
    if cache.is_file():
        return {**json.loads(cache.read_text(encoding="utf-8")), "cached": True}
    scratch = scratch_dir("vidlab-key-", scratch)
    try:
        output = private_dir(scratch / "out") / "key.ipynb"
        result = execute_notebook(notebook, output, parameters=parameters,
                                  workdir=scratch / "work", limits=limits,
                                  kernel_name=kernel_name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    key = {"status": result.status, "reason": result.reason, "answers": result.answers,
           "duration_s": result.duration_s}
    if result.status == "ok":
        descriptor, temporary = tempfile.mkstemp(dir=cache_dir, prefix=".key-")
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(key, handle, sort_keys=True)
        os.replace(temporary, cache)
    return {**key, "cached": False}


def _grader_dataset(curriculum, trainee_id, secret, per_trainee_data):
    """The dataset folder the grader injects for a trainee (generated and cached if needed)."""
    recipe = dataset_recipe(curriculum, trainee_id, secret.key, per_trainee=per_trainee_data)
    if recipe is None:
        return None
    if not per_trainee_data:
        return recipe["path"]
    folder = private_dir(secret.state_dir, 0o711) / "datasets"
    folder.mkdir(exist_ok=True)
    os.chmod(folder, 0o711)  # the sandbox reads a dataset by its (unlisted) name
    path = folder / f"{recipe['preset']}-{recipe['seed']}"
    if not (path / "dataset.json").is_file():
        from vidlab.synth.dataset import generate_dataset

        generate_dataset(path, preset=recipe["preset"], seed=recipe["seed"], force=True)
    return str(path)


def _key_task(task):
    key = compute_key(task["notebook"], task["parameters"], task["cache_dir"],
                      limits=task["limits"], kernel_name=task["kernel_name"])
    return task["id"], key


def _run_parallel(func, tasks, jobs, on_result, desc, unit):
    """Run ``func`` over ``tasks`` and hand each result to ``on_result`` as soon as it is done."""
    jobs = min(resolve_jobs(jobs), max(len(tasks), 1))
    with progress(total=len(tasks), desc=desc, unit=unit) as bar:
        if jobs == 1:
            for task in tasks:
                on_result(func(task))
                bar.update()
            return
        executor = get_executor(jobs)
        try:
            from concurrent.futures import as_completed

            for future in as_completed([executor.submit(func, task) for task in tasks]):
                on_result(future.result())
                bar.update()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def compute_keys(curriculum, trainees, secret, *, jobs=1, per_trainee_data=True,
                 kernel_name=None, limits=Limits()) -> dict:
    """Keys of every (trainee, lesson): ``{(trainee id, module id, lesson id): key}``."""
    curriculum = load_curriculum(curriculum) if isinstance(curriculum, str | Path) else curriculum
    secret = secret if isinstance(secret, CourseSecret) else load_secret(secret)
    cache_dir = private_dir(private_dir(secret.state_dir, 0o711) / "keys")
    tasks = []
    for trainee in trainees:
        dataset = _grader_dataset(curriculum, trainee.id, secret, per_trainee_data)
        for module, lesson in curriculum.lessons:
            tasks.append({
                "id": (trainee.id, module.id, lesson.id), "notebook": str(lesson.notebook),
                "parameters": lesson_parameters(curriculum, lesson, trainee.id, secret.key,
                                                dataset=dataset, output_dir=OUTPUT_DIR),
                "cache_dir": str(cache_dir), "limits": limits, "kernel_name": kernel_name,
            })
    keys = {}
    _run_parallel(_key_task, tasks, jobs, lambda r: keys.__setitem__(*r), "keys", "key")
    return keys


# ---------------------------------------------------------------------------- submissions


def _parameters_cell_values(notebook):
    """``{name: literal}`` of the submission's cell tagged ``parameters`` (None if absent)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            values = {}
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                return {}
            for node in tree.body:
                target = getattr(node, "target", None) or (getattr(node, "targets", None)
                                                           or [None])[0]
                if isinstance(target, ast.Name) and getattr(node, "value", None) is not None:
                    with contextlib.suppress(ValueError, TypeError, SyntaxError):
                        values[target.id] = ast.literal_eval(node.value)
            return values
    return None


def _work_span(notebook):
    """Seconds between the first and last recorded cell execution (JupyterLab timing), or None."""
    stamps = []
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if not isinstance(timing, dict):
            continue
        for name in ("iopub.execute_input", "shell.execute_reply"):
            with contextlib.suppress(TypeError, ValueError):
                stamp = datetime.fromisoformat(str(timing.get(name)).replace("Z", "+00:00"))
                stamps.append(stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC))
    with contextlib.suppress(TypeError):
        return round((max(stamps) - min(stamps)).total_seconds(), 1) if stamps else None
    return None


def _validate(path, parameters, max_mb):
    """``(problem or None, notes, work span)`` of a submission file, before running it."""
    size = path.stat().st_size
    if size > max_mb * 2**20:
        return f"the submission is {size / 2**20:.1f} MB; the limit is {max_mb:g} MB", [], None
    try:
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # any parse failure: not a notebook
        message = " ".join(str(error).split())[:200]
        return f"not a valid notebook: {type(error).__name__}: {message}", [], None
    notes = []
    values = _parameters_cell_values(notebook)
    if values is None:
        notes.append("the parameters cell was deleted; graded with the trainee's parameters")
    elif "seed" in values and values["seed"] != parameters["seed"]:
        notes.append(f"seed changed in the notebook ({values['seed']!r}); ignored, graded "
                     f"with the trainee's seed {parameters['seed']}")
    return None, notes, _work_span(notebook)


def score_answers(lesson_answers, recorded, key_answers) -> list:
    """Score the ``recorded`` answers of a lesson against its key, one row per question.

    ``lesson_answers`` are the lesson's AnswerSpecs; each row has ``answer_id``,
    ``submitted`` and ``expected`` (canonical JSON; ``submitted`` None when not recorded),
    ``points``, ``max_points``, ``fraction`` and ``detail``.

    >>> from vidlab.course.curriculum import AnswerSpec
    >>> rows = score_answers([AnswerSpec("q1", points=2, compare="numeric", tolerance=0.1),
    ...                       AnswerSpec("q2")], {"q1": 1.05}, {"q1": 1.0, "q2": "x"})
    >>> [(row["answer_id"], row["points"], row["detail"]) for row in rows]
    [('q1', 2.0, 'within 0.1'), ('q2', 0.0, 'not recorded')]
    """
    rows = []
    for spec in lesson_answers:
        submitted = recorded.get(spec.id, _MISSING)
        expected = key_answers.get(spec.id)
        fraction, detail = compare_answer(spec.compare, submitted, expected, spec.tolerance)
        rows.append({
            "answer_id": spec.id,
            "submitted": None if submitted is _MISSING else json.dumps(submitted, sort_keys=True),
            "expected": json.dumps(expected, sort_keys=True),
            "points": round(spec.points * fraction, 6), "max_points": spec.points,
            "fraction": fraction, "detail": detail,
        })
    return rows


def _grade_task(task) -> dict:
    """Grade one submission (in a worker process); never raises."""
    record = {key: task[key] for key in ("trainee_id", "module_id", "lesson_id", "path",
                                         "sha256", "size", "received_at")}
    record.update(status="grader_error", reason="", notes=[], duration_s=0.0,
                  key_duration_s=0.0, isolation="", executed_path=None, work_span_s=None,
                  answers=[])
    limits = task["limits"]
    try:
        key = compute_key(task["source"], task["parameters"], task["cache_dir"], limits=limits,
                          kernel_name=task["kernel_name"])
        record["key_duration_s"] = 0.0 if key["cached"] else key["duration_s"]
        missing = [spec.id for spec in task["answers"] if spec.id not in key["answers"]]
        if key["status"] != "ok" or missing:
            record["status"] = "key_error"
            record["reason"] = (f"the source notebook failed for this trainee: {key['reason']}"
                                if key["status"] != "ok"
                                else f"the key records no {', '.join(missing)}")
            return record
        path = Path(task["path"])
        problem, notes = task.get("refuse"), []
        if problem is None:
            problem, notes, record["work_span_s"] = _validate(path, task["parameters"],
                                                              limits.max_submission_mb)
        record["notes"] = notes
        if problem:
            record.update(status="malformed", reason=problem)
            recorded = {}
        else:
            scratch = scratch_dir("vidlab-grade-")
            output = Path(task["executed_path"])
            try:
                result = execute_notebook(path, output, parameters=task["parameters"],
                                          workdir=scratch / "work", limits=limits,
                                          kernel_name=task["kernel_name"])
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
            record.update(status=result.status, reason=result.reason,
                          duration_s=result.duration_s, isolation=result.isolation,
                          executed_path=str(output) if output.is_file() else None)
            recorded = result.answers
        record["answers"] = score_answers(task["answers"], recorded, key["answers"])
    except Exception as error:  # a grader bug must not stop the other submissions
        record.update(status="grader_error", reason=f"{type(error).__name__}: {error}")
    return record


# -------------------------------------------------------------------------------- grading


def _hints(notebook_path):
    """``{answer id: hint}``: the markdown just before the cell recording each answer.

    The text after ``Hint:`` when there is one, else the whole markdown cell (shortened).
    """
    notebook = nbformat.read(notebook_path, as_version=4)
    hints, last_markdown = {}, ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            last_markdown = cell.source
            continue
        for quote in ('"', "'"):
            start = 0
            while (start := cell.source.find(f"answer({quote}", start)) >= 0:
                start += len("answer(") + 1
                answer_id = cell.source[start:cell.source.find(quote, start)]
                text = last_markdown
                if "hint:" in text.lower():
                    text = text[text.lower().index("hint:") + 5:]
                hints.setdefault(answer_id, " ".join(text.split())[:400])
    return hints


@dataclass
class GradeSummary:
    """What :func:`grade_course` did."""

    gradebook: Path
    n_graded: int = 0
    n_skipped: int = 0
    n_missing: int = 0
    statuses: dict = field(default_factory=dict)
    roster: str = ""  # where the trainees came from
    unknown: list = field(default_factory=list)  # submission folders not in the roster
    invalid: list = field(default_factory=list)  # folders whose name is not a trainee id
    protected: list = field(default_factory=list)  # folders made private (chmod o-rwx)
    duration_s: float = 0.0

    @property
    def n_failed(self):
        return sum(n for status, n in self.statuses.items() if status not in FINAL_STATUSES)


def _protect(folder):
    """Remove others' access to ``folder`` (a sandboxed submission runs as another user and
    must not read the other trainees' notebooks); return the folders changed."""
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o007:
        os.chmod(folder, mode & ~0o007)
        return [str(folder)]
    return []


def _trainees(roster, secret, curriculum_id, submissions):
    """``(trainees, where they came from, invalid folder names)`` for :func:`grade_course`."""
    if isinstance(roster, list):
        return roster, "the roster given", []
    if roster is not None:
        return load_roster(roster), str(roster), []
    released = released_roster(secret, curriculum_id)
    if released is not None:
        return released, f"the roster kept at release ({secret.state_dir})", []
    trainees, invalid = [], []
    for folder in sorted(submissions.iterdir()):
        if not folder.is_dir():
            continue
        if folder.is_symlink() or not is_identifier(folder.name):
            invalid.append(folder.name)
        else:
            trainees.append(Trainee(folder.name))
    return trainees, "the submission folders (no roster)", invalid


def _received_at(path):
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def grade_course(curriculum, submissions, gradebook, *, roster=None, secret=None, jobs=1,
                 force=False, per_trainee_data=None, limits=Limits(), kernel_name=None,
                 runs_dir=None) -> GradeSummary:
    """Grade every submission ``<submissions>/<trainee id>/<notebook name>`` into ``gradebook``.

    ``secret`` (default :func:`~vidlab.course.release.default_secret_path`) is the file the
    course was released with: it re-derives each trainee's parameters. The trainees are
    those of ``roster`` (a CSV with ``trainee_id``, or a list of Trainees); by default the
    roster :func:`~vidlab.course.release.release_course` kept beside the secret; when there
    is none, the submission folders whose names are valid trainee ids (the others are
    listed in ``GradeSummary.invalid``). ``force=True`` re-grades submissions already
    graded. ``per_trainee_data`` (default: as the course was released, see
    :func:`~vidlab.course.release.release_course`) selects the datasets injected. Executed
    submissions are kept in ``runs_dir`` (default: beside the gradebook,
    ``<name>-runs/``, mode 0700).
    """
    started = time.perf_counter()
    curriculum = load_curriculum(curriculum)
    secret = load_secret(secret or default_secret_path(curriculum.id), create=False)
    if per_trainee_data is None:
        per_trainee_data = released_per_trainee_data(secret, curriculum.id)
    submissions = Path(submissions)
    if not submissions.is_dir():
        raise InvalidParameterError(f"submissions folder {str(submissions)!r} does not exist")
    trainees, source, invalid = _trainees(roster, secret, curriculum.id, submissions)
    names = submission_names(curriculum)
    summary = GradeSummary(gradebook=Path(gradebook), roster=source, invalid=invalid)
    summary.protected = _protect(submissions)
    gradebook = Path(gradebook)
    runs_dir = private_dir(runs_dir or gradebook.parent / f"{gradebook.stem}-runs")
    cache_dir = private_dir(private_dir(secret.state_dir, 0o711) / "keys")
    known = {trainee.id for trainee in trainees}
    summary.unknown = sorted(p.name for p in submissions.iterdir()
                             if p.is_dir() and p.name not in known and p.name not in invalid)
    hints = {}
    for module, lesson in curriculum.lessons:
        for answer_id, hint in _hints(lesson.notebook).items():
            hints[module.id, lesson.id, answer_id] = hint
    with Gradebook(gradebook) as book:
        book.add_trainees([(t.id, t.name, t.email) for t in trainees])
        book.set_course(curriculum, hints)
        tasks = []
        for trainee in trainees:
            dataset = None
            for module, lesson in curriculum.lessons:
                path = submissions / trainee.id / names[module.id, lesson.id]
                if not path.is_file():
                    summary.n_missing += 1
                    continue
                sha256 = _sha256_file(path)
                if not force and book.is_graded(trainee.id, module.id, lesson.id, sha256):
                    summary.n_skipped += 1
                    continue
                if dataset is None:
                    dataset = _grader_dataset(curriculum, trainee.id, secret, per_trainee_data)
                inside = path.resolve().is_relative_to(submissions.resolve() / trainee.id)
                tasks.append({
                    "refuse": None if inside and not path.is_symlink() else
                    "the submission is a symbolic link; hand in the notebook file itself",
                    "trainee_id": trainee.id, "module_id": module.id, "lesson_id": lesson.id,
                    "path": str(path.absolute()), "sha256": sha256, "size": path.stat().st_size,
                    "received_at": _received_at(path), "source": str(lesson.notebook),
                    "answers": lesson.answers, "limits": limits, "kernel_name": kernel_name,
                    "cache_dir": str(cache_dir),
                    "parameters": lesson_parameters(curriculum, lesson, trainee.id, secret.key,
                                                    dataset=dataset, output_dir=OUTPUT_DIR),
                    "executed_path": str(private_dir(runs_dir / trainee.id)
                                         / names[module.id, lesson.id]),
                })

        def on_result(record):
            book.record(record)
            summary.n_graded += 1
            summary.statuses[record["status"]] = summary.statuses.get(record["status"], 0) + 1

        _run_parallel(_grade_task, tasks, jobs, on_result, "grading", "submission")
    summary.duration_s = round(time.perf_counter() - started, 2)
    return summary
