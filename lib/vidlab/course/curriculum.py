"""Curricula: courses as data (``curricula/<id>.yml``), validated with one message per problem.

A curriculum holds modules, each module holds lessons::

    id: foundations
    title: Foundations of victim identification
    parameters: {dataset: datasets/synthetic/tiny, seed: 0}   # defaults for every lesson
    modules:
      - id: 00_orientation
        title: Orientation
        lessons:
          - id: 03_evidence_integrity
            title: Evidence integrity
            notebook: notebooks/00_orientation/03_evidence_integrity.ipynb
            minutes: 40
            objectives: [Verify an acquisition manifest]
            parameters: {}                        # overrides for this lesson
            answers: [{id: evidence.altered_file, points: 2}]

Paths (notebooks, the ``dataset`` parameter) are relative to the curriculum's root: the
folder above the one holding the curriculum file (the repository root for
``curricula/*.yml``).

Every lesson declares the parameters the runner injects (:data:`INJECTED_PARAMETERS`) in
its ``parameters`` cell.

>>> problems = check_curriculum("curricula/foundations.yml")  # doctest: +SKIP
>>> problems  # doctest: +SKIP
[]
"""

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
import yaml

from vidlab.exceptions import CurriculumError

__all__ = [
    "Curriculum",
    "Module",
    "Lesson",
    "AnswerSpec",
    "INJECTED_PARAMETERS",
    "load_curriculum",
    "check_curriculum",
    "notebook_parameters",
]

#: Parameters the runner sets in every lesson: the trainee's seed, the dataset folder and
#: a folder for the lesson's own output files.
INJECTED_PARAMETERS = ("seed", "dataset", "output_dir")

_CURRICULUM_KEYS = {"id", "title", "description", "parameters", "modules"}
_MODULE_KEYS = {"id", "title", "description", "lessons"}
_LESSON_KEYS = {"id", "title", "notebook", "minutes", "objectives", "parameters", "answers"}
_ANSWER_KEYS = {"id", "points", "compare", "tolerance"}
_COMPARATORS = ("exact", "numeric", "set", "dataframe", "top_k")
_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def is_identifier(text) -> bool:
    """Whether ``text`` is a valid id of a curriculum, module, lesson, answer or trainee:
    letters, digits, ``_``, ``.``, ``-``; no leading ``.`` or ``-`` (ids name folders and files).

    >>> is_identifier("t01"), is_identifier("ana.m"), is_identifier(".."), is_identifier("a\\n")
    (True, True, False, False)
    """
    return isinstance(text, str) and _ID.fullmatch(text) is not None


@dataclass(frozen=True)
class AnswerSpec:
    """A graded answer a lesson records with ``vidlab.course.answer(id, value)``."""

    id: str
    points: float = 1.0
    compare: str = "exact"
    tolerance: float | None = None


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    notebook: Path
    minutes: float
    objectives: tuple[str, ...]
    parameters: dict = field(default_factory=dict)
    answers: tuple[AnswerSpec, ...] = ()
    #: ``{name: type name}`` of the notebook's parameters cell, as papermill infers it.
    declared_parameters: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    description: str
    lessons: tuple[Lesson, ...]


@dataclass(frozen=True)
class Curriculum:
    """A validated curriculum; build it with :func:`load_curriculum`."""

    id: str
    title: str
    description: str
    path: Path
    root: Path
    parameters: dict
    modules: tuple[Module, ...]

    @property
    def lessons(self):
        """``(module, lesson)`` pairs in course order."""
        return [(module, lesson) for module in self.modules for lesson in module.lessons]

    @property
    def minutes(self):
        return sum(lesson.minutes for _, lesson in self.lessons)


def notebook_parameters(notebook_path) -> dict:
    """Return ``{name: type name}`` of the ``parameters`` cell of a notebook (papermill's view).

    The type is papermill's inference from the annotation or default, e.g. ``'int'``.
    """
    inspected = papermill.inspect_notebook(str(notebook_path))
    return {name: info["inferred_type_name"] for name, info in inspected.items()}


class _Problems(list):
    """Problems found while reading a curriculum, each one line naming where it is."""

    def require_mapping(self, value, where):
        if not isinstance(value, dict):
            self.append(f"{where}: expected a mapping, got {type(value).__name__}")
            return False
        return True

    def check_keys(self, mapping, allowed, required, where):
        for key in sorted(set(mapping) - allowed):
            self.append(f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})")
        for key in sorted(required - set(mapping)):
            self.append(f"{where}: missing required key {key!r}")

    def check_id(self, value, seen, where):
        if not is_identifier(value):
            self.append(f"{where}: id must be letters, digits, '_', '.' or '-'; got {value!r}")
        elif value in seen:
            self.append(f"{where}: duplicate id {value!r}")
        else:
            seen.add(value)


def _read_yaml(path):
    if not path.is_file():
        raise CurriculumError(f"curriculum file {str(path)!r} does not exist")
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise CurriculumError(f"{path}: not valid YAML{where}") from error


def _parse_answers(raw, where, seen_answers, problems):
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{where}: 'answers' must be a list")
        return ()
    answers = []
    for index, item in enumerate(raw):
        item_where = f"{where}, answer {index + 1}"
        if isinstance(item, str):
            item = {"id": item}
        if not problems.require_mapping(item, item_where):
            continue
        problems.check_keys(item, _ANSWER_KEYS, {"id"}, item_where)
        problems.check_id(item.get("id"), seen_answers, item_where)
        points = item.get("points", 1)
        if isinstance(points, bool) or not isinstance(points, int | float) or points < 0:
            problems.append(f"{item_where}: points must be a number >= 0; got {points!r}")
            points = 0
        compare = item.get("compare", "exact")
        if compare not in _COMPARATORS:
            problems.append(
                f"{item_where}: unknown comparator {compare!r} (known: {', '.join(_COMPARATORS)})"
            )
        answers.append(
            AnswerSpec(str(item.get("id")), float(points), compare, item.get("tolerance"))
        )
    return tuple(answers)


def _check_notebook(lesson, curriculum_parameters, where, problems):
    """Problems of a lesson's notebook: missing, no injected parameter, unknown override.

    Returns the notebook's declared parameters (empty when it is missing).
    """
    if not lesson.notebook.is_file():
        problems.append(f"{where}: notebook {str(lesson.notebook)!r} does not exist")
        return {}
    declared = notebook_parameters(lesson.notebook)
    for name in INJECTED_PARAMETERS:
        if name not in declared:
            problems.append(
                f"{where}: the parameters cell of {lesson.notebook.name} does not declare {name!r}"
            )
    for name in sorted(set(lesson.parameters) | set(curriculum_parameters)):
        if name not in declared and name not in INJECTED_PARAMETERS:
            problems.append(
                f"{where}: unknown parameter {name!r} (the notebook declares: "
                f"{', '.join(sorted(declared)) or 'nothing'})"
            )
    source = "\n".join(cell.source for cell in nbformat.read(lesson.notebook, as_version=4).cells)
    for spec in lesson.answers:
        if f'"{spec.id}"' not in source and f"'{spec.id}'" not in source:
            problems.append(f"{where}: answer {spec.id!r} is never recorded by the notebook")
    return declared


def _parse(path):
    """Return ``(curriculum or None, problems)``."""
    path = Path(path)
    raw = _read_yaml(path)
    problems = _Problems()
    where = str(path)
    if not problems.require_mapping(raw, where):
        return None, problems
    problems.check_keys(raw, _CURRICULUM_KEYS, {"id", "title", "modules"}, where)
    root = path.resolve().parent.parent
    parameters = raw.get("parameters") or {}
    if not problems.require_mapping(parameters, f"{where}: parameters"):
        parameters = {}
    module_ids, answer_ids, modules = set(), set(), []
    raw_modules = raw.get("modules") or []
    if not isinstance(raw_modules, list) or not raw_modules:
        problems.append(f"{where}: 'modules' must be a non-empty list")
        raw_modules = []
    for module_index, raw_module in enumerate(raw_modules):
        module_where = f"{where}: module {module_index + 1}"
        if not problems.require_mapping(raw_module, module_where):
            continue
        problems.check_keys(raw_module, _MODULE_KEYS, {"id", "title", "lessons"}, module_where)
        problems.check_id(raw_module.get("id"), module_ids, module_where)
        module_where = f"{where}: module {raw_module.get('id')!r}"
        lesson_ids, lessons = set(), []
        for lesson_index, raw_lesson in enumerate(raw_module.get("lessons") or []):
            lesson_where = f"{module_where}, lesson {lesson_index + 1}"
            if not problems.require_mapping(raw_lesson, lesson_where):
                continue
            problems.check_keys(
                raw_lesson, _LESSON_KEYS, {"id", "title", "notebook", "minutes"}, lesson_where
            )
            problems.check_id(raw_lesson.get("id"), lesson_ids, lesson_where)
            lesson_where = f"{module_where}, lesson {raw_lesson.get('id')!r}"
            minutes = raw_lesson.get("minutes", 0)
            if isinstance(minutes, bool) or not isinstance(minutes, int | float) or minutes <= 0:
                problems.append(
                    f"{lesson_where}: minutes must be a positive number; got {minutes!r}"
                )
                minutes = 0
            objectives = raw_lesson.get("objectives") or []
            if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
                problems.append(f"{lesson_where}: objectives must be a list of sentences")
                objectives = []
            lesson_parameters = raw_lesson.get("parameters") or {}
            if not problems.require_mapping(lesson_parameters, f"{lesson_where}: parameters"):
                lesson_parameters = {}
            lesson = Lesson(
                id=str(raw_lesson.get("id")),
                title=str(raw_lesson.get("title", "")),
                notebook=root / str(raw_lesson.get("notebook", "")),
                minutes=minutes,
                objectives=tuple(objectives),
                parameters=dict(lesson_parameters),
                answers=_parse_answers(
                    raw_lesson.get("answers"), lesson_where, answer_ids, problems
                ),
            )
            if "notebook" in raw_lesson:
                declared = _check_notebook(lesson, parameters, lesson_where, problems)
                lesson = dataclasses.replace(lesson, declared_parameters=declared)
            lessons.append(lesson)
        if not lessons:
            problems.append(f"{module_where}: no lessons")
        modules.append(
            Module(
                id=str(raw_module.get("id")),
                title=str(raw_module.get("title", "")),
                description=str(raw_module.get("description", "")),
                lessons=tuple(lessons),
            )
        )
    curriculum = Curriculum(
        id=str(raw.get("id")),
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")),
        path=path,
        root=root,
        parameters=dict(parameters),
        modules=tuple(modules),
    )
    return curriculum, problems


def _terminology_problems(curriculum):
    from vidlab.terminology import check_paths, format_finding

    paths = [curriculum.path] + [
        lesson.notebook for _, lesson in curriculum.lessons if lesson.notebook.is_file()
    ]
    return [format_finding(f) for f in check_paths(paths) if f.severity == "avoid"]


def check_curriculum(path) -> list[str]:
    """Return every problem of a curriculum (schema, files, parameters, terminology), one line each.

    An empty list means the curriculum is valid.
    """
    try:
        curriculum, problems = _parse(path)
    except CurriculumError as error:
        return [str(error)]
    if curriculum is not None:
        problems.extend(_terminology_problems(curriculum))
    return list(problems)


def load_curriculum(path) -> Curriculum:
    """Read and validate a curriculum; raise :class:`CurriculumError` on the first problem."""
    curriculum, problems = _parse(path)
    if problems:
        more = f" (and {len(problems) - 1} more; run: vidlab course check {path})"
        raise CurriculumError(problems[0] + (more if len(problems) > 1 else ""))
    return curriculum
