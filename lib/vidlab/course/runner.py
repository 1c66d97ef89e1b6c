"""Running a curriculum: every lesson executed by papermill, then a course page.

>>> run = run_curriculum("curricula/foundations.yml", out="runs/demo", jobs=2)  # doctest: +SKIP
>>> run.ok, run.index_html  # doctest: +SKIP
(True, PosixPath('runs/demo/index.html'))

Output layout: ``<out>/<module>/<lesson>.ipynb`` (executed), ``<out>/<module>/<lesson>.html``
(rendered), ``<out>/<module>/<lesson>_output/`` (files the lesson writes), ``<out>/run.json``
and ``<out>/index.html``. Lessons run in parallel; one failing lesson never stops the others.
"""

import json
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill
import yaml

from vidlab import __version__
from vidlab.course.answers import read_answers
from vidlab.course.curriculum import INJECTED_PARAMETERS, load_curriculum
from vidlab.exceptions import CurriculumError, DatasetError
from vidlab.parallel import map_parallel
from vidlab.seed import check_seed

__all__ = ["run_curriculum", "CourseRun", "LessonRun", "KERNEL_NAME", "default_kernel_name"]

#: The Jupyter kernel lessons run in (registered by ``make``); ``python3`` when absent.
KERNEL_NAME = "vidlab"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class LessonRun:
    """What happened to one lesson: status ``ok`` or ``failed``, timings, error, answers."""

    module: str
    lesson: str
    title: str
    notebook: str
    output: str
    html: str
    parameters: dict
    status: str = "failed"
    duration: float = 0.0
    error: dict | None = None
    answers: dict = field(default_factory=dict)


@dataclass
class CourseRun:
    """The result of :func:`run_curriculum`."""

    curriculum: str
    out: Path
    parameters: dict
    lessons: list
    duration: float

    @property
    def ok(self):
        return all(lesson.status == "ok" for lesson in self.lessons)

    @property
    def index_html(self):
        return self.out / "index.html"

    @property
    def run_json(self):
        return self.out / "run.json"


def default_kernel_name() -> str:
    """The kernel lessons and submissions run in: :data:`KERNEL_NAME` when it is installed,
    else ``"python3"``.

    >>> default_kernel_name() in (KERNEL_NAME, "python3")
    True
    """
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL_NAME if KERNEL_NAME in KernelSpecManager().find_kernel_specs() else "python3"


def _coerce(name, value, type_name):
    """Convert a command-line text value to the type the notebooks declare for ``name``."""
    if not isinstance(value, str) or type_name == "str":
        return value
    parsed = yaml.safe_load(value) if value.strip() else value
    expected = {"int": int, "float": int | float, "bool": bool}.get(type_name)
    if expected is None:
        return parsed
    if not isinstance(parsed, expected) or (type_name != "bool" and isinstance(parsed, bool)):
        raise CurriculumError(
            f"parameter {name!r} must be of type {type_name}; got {value!r}"
        )
    return parsed


def _resolve_dataset(value, base):
    path = Path(value).expanduser()
    path = (path if path.is_absolute() else base / path).resolve()
    if not (path / "dataset.json").is_file():
        raise DatasetError(
            f"dataset {str(value)!r} not found at {path} (no dataset.json); generate it with: "
            f"vidlab data generate --preset tiny --out {value}"
        )
    return str(path)


def _lesson_tasks(curriculum, out, overrides, kernel_name, cell_timeout, lessons=None):
    """One task per lesson (per lesson id in ``lessons`` when given), parameters resolved."""
    declared = {}
    for _, lesson in curriculum.lessons:
        declared = {**lesson.declared_parameters, **declared}
    for name in overrides:
        if name not in declared:
            raise CurriculumError(
                f"unknown parameter {name!r}: no lesson of {curriculum.path} declares it "
                f"(known: {', '.join(sorted(declared))})"
            )
    overrides = {name: _coerce(name, value, declared[name]) for name, value in overrides.items()}
    tasks = []
    for module, lesson in curriculum.lessons:
        if lessons is not None and lesson.id not in lessons:
            continue
        lesson_declared = lesson.declared_parameters
        parameters = {**curriculum.parameters, **lesson.parameters}
        parameters = {k: v for k, v in parameters.items() if k in lesson_declared}
        parameters.update({k: v for k, v in overrides.items() if k in lesson_declared})
        if "dataset" in overrides:
            parameters["dataset"] = _resolve_dataset(overrides["dataset"], Path.cwd())
        elif "dataset" in parameters:
            parameters["dataset"] = _resolve_dataset(parameters["dataset"], curriculum.root)
        if "seed" in parameters:
            parameters["seed"] = check_seed(parameters["seed"])
        module_dir = out / module.id
        parameters["output_dir"] = str((module_dir / f"{lesson.id}_output").resolve())
        missing = [name for name in INJECTED_PARAMETERS if name not in parameters]
        if missing:
            raise CurriculumError(
                f"lesson {module.id}/{lesson.id} gets no value for {', '.join(missing)}: set it in "
                f"the curriculum's parameters or with -p NAME=VALUE"
            )
        tasks.append(
            {
                "run": LessonRun(
                    module=module.id,
                    lesson=lesson.id,
                    title=lesson.title,
                    notebook=str(lesson.notebook),
                    output=f"{module.id}/{lesson.id}.ipynb",
                    html=f"{module.id}/{lesson.id}.html",
                    parameters=parameters,
                ),
                "out": str(out),
                "kernel_name": kernel_name,
                "cell_timeout": cell_timeout,
            }
        )
    return tasks


def _error_details(error):
    """A JSON-ready description of why a lesson failed, with the failing cell when known."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(error, PapermillExecutionError):
        traceback = _ANSI.sub("", "\n".join(error.traceback or []))
        return {
            "cell_index": error.cell_index,
            "execution_count": error.exec_count,
            "source": error.source,
            "ename": error.ename,
            "evalue": error.evalue,
            "traceback": traceback,
            "summary": f"cell {error.exec_count}: {error.ename}: {error.evalue}",
        }
    return {
        "cell_index": None,
        "execution_count": None,
        "source": "",
        "ename": type(error).__name__,
        "evalue": str(error),
        "traceback": "",
        "summary": f"{type(error).__name__}: {error}",
    }


def _render_html(notebook_path, html_path):
    """Render an executed notebook; cells tagged ``remove_input`` (or ``hide-input``) show
    only their output and cells tagged ``remove_cell`` nothing, as in a report."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="lab")
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_input_tags={"remove_input", "hide-input"},
                              remove_cell_tags={"remove_cell"}),
        enabled=True,
    )
    body, _ = exporter.from_notebook_node(nbformat.read(notebook_path, as_version=4))
    Path(html_path).write_text(body, encoding="utf-8")


def _run_lesson(task) -> LessonRun:
    """Execute one lesson (in a worker process); never raises."""
    run, out = task["run"], Path(task["out"])
    output = out / run.output
    output.parent.mkdir(parents=True, exist_ok=True)
    Path(run.parameters["output_dir"]).mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            run.notebook,
            str(output),
            parameters=run.parameters,
            kernel_name=task["kernel_name"],
            cwd=str(output.parent),
            progress_bar=False,
            execution_timeout=task["cell_timeout"],
        )
        run.status = "ok"
    except Exception as error:  # a lesson's failure is reported, never fatal to the course
        run.error = _error_details(error)
    run.duration = round(time.perf_counter() - started, 2)
    if output.is_file():
        try:
            run.answers = read_answers(output)
            _render_html(output, out / run.html)
        except Exception as error:  # a broken output notebook still gets a report line
            run.status = "failed"
            run.error = run.error or _error_details(error)
    return run


def run_curriculum(curriculum, *, out=None, jobs=1, parameters=None, cell_timeout=600,
                   kernel_name=None) -> CourseRun:
    """Execute every lesson of ``curriculum`` and write ``run.json`` and ``index.html``.

    ``parameters`` (``{name: value}``, values may be command-line text such as ``"7"``)
    override the curriculum's for every lesson that declares them. An unknown parameter or
    a missing dataset raises before anything runs.
    """
    from vidlab.course.report import write_course_page

    curriculum = load_curriculum(curriculum)
    out = Path(out) if out is not None else Path("runs") / curriculum.id
    tasks = _lesson_tasks(
        curriculum, out, dict(parameters or {}), kernel_name or default_kernel_name(), cell_timeout
    )
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    lessons = map_parallel(_run_lesson, tasks, jobs=jobs, desc="lessons", unit="lesson")
    course_run = CourseRun(
        curriculum=curriculum.id,
        out=out,
        parameters=dict(parameters or {}),
        lessons=lessons,
        duration=round(time.perf_counter() - started, 2),
    )
    course_run.run_json.write_text(
        json.dumps(
            {
                "curriculum": curriculum.id,
                "curriculum_path": str(curriculum.path),
                "vidlab_version": __version__,
                "parameters": course_run.parameters,
                "ok": course_run.ok,
                "duration": course_run.duration,
                "lessons": [asdict(lesson) for lesson in lessons],
            },
            indent=2,
            sort_keys=True,
        ),
        encoding="utf-8",
    )
    write_course_page(curriculum, course_run)
    return course_run
