"""Releasing a course: one bundle per trainee, with their own seeds and no solutions.

Each trainee gets, for every lesson, the source notebook with the solutions stripped
(``# BEGIN SOLUTION`` ... ``# END SOLUTION`` becomes ``# YOUR CODE HERE``), the cells tagged
``hidden`` removed, every output cleared, and the ``parameters`` cell filled with their own
seed. The seed is ``HMAC-SHA256(course secret, "<trainee id>/<lesson id>")``: the grader
re-derives it and never trusts the copy in the notebook.

>>> strip_solutions("x = 1\\n# BEGIN SOLUTION\\ny = secret()\\n# END SOLUTION\\nanswer('a', y)")
"x = 1\\n# YOUR CODE HERE\\nanswer('a', y)"
>>> derive_seed(b"0" * 32, "ana", "01_welcome") == derive_seed(b"0" * 32, "ana", "01_welcome")
True

Bundle layout (``<out>/<trainee id>/``): the lesson notebooks (flat, by file name),
``README.md`` (how to get the dataset and hand in), ``dataset.yml`` (the recipe: preset and
seed) and, with ``self_check=True``, ``self_check.json`` (salted hashes of the exact answers).
Nothing of the key, the solutions or the secret is written there.
"""

import csv
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from vidlab.course.answers import canonical_value, read_answers
from vidlab.course.curriculum import is_identifier, load_curriculum
from vidlab.exceptions import CurriculumError, DatasetError, InvalidParameterError

__all__ = [
    "CourseSecret",
    "Trainee",
    "load_secret",
    "load_roster",
    "derive_seed",
    "strip_solutions",
    "fill_parameters",
    "default_secret_path",
    "submission_names",
    "make_exercise",
    "lesson_parameters",
    "dataset_recipe",
    "record_release",
    "released_per_trainee_data",
    "released_roster",
    "private_dir",
    "scratch_dir",
    "release_course",
    "self_check",
    "salted_hash",
]

BEGIN_SOLUTION = "# BEGIN SOLUTION"
END_SOLUTION = "# END SOLUTION"
YOUR_CODE_HERE = "# YOUR CODE HERE"
HIDDEN_TAG = "hidden"
SEED_LIMIT = 2**31
#: The dataset folder and output folder written into a bundle's parameters cells (relative to
#: the bundle, where the notebooks run).
BUNDLE_DATASET = "data"
BUNDLE_OUTPUT = "output"


@dataclass(frozen=True)
class CourseSecret:
    """The instructor's course secret (``key``) and the file it lives in.

    ``state_dir`` (beside the file, mode 0711) holds what only the instructor may see:
    ``releases.json`` and ``<curriculum id>-roster.csv`` (written by :func:`release_course`),
    ``keys/`` (answer keys, 0700) and ``datasets/`` (per-trainee datasets, which the sandbox
    reads by their unlisted names).
    """

    path: Path
    key: bytes

    @property
    def state_dir(self):
        return self.path.parent / f"{self.path.stem}-cache"

    def __repr__(self):  # never print the key
        return f"CourseSecret(path={str(self.path)!r})"


@dataclass(frozen=True)
class Trainee:
    id: str
    name: str = ""
    email: str = ""


def default_secret_path(curriculum_id):
    """``~/.vidlab/course/<curriculum id>.key``: outside any folder handed to trainees.

    >>> default_secret_path("foundations").relative_to(Path.home()).as_posix()
    '.vidlab/course/foundations.key'
    """
    return Path.home() / ".vidlab" / "course" / f"{curriculum_id}.key"


def private_dir(path, mode=0o700) -> Path:
    """Create the folder ``path`` (and its parents) and set its mode; return it as a Path.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     oct(private_dir(Path(folder) / "keys").stat().st_mode & 0o777)
    '0o700'
    """
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, mode)
    return path


def scratch_dir(prefix, parent=None) -> Path:
    """A new temporary folder (under ``parent``, default the system's) that the sandbox user
    may pass through but not list (mode 0711): each run's working folder goes inside.

    >>> with tempfile.TemporaryDirectory() as parent:
    ...     oct(scratch_dir("run-", parent).stat().st_mode & 0o777)
    '0o711'
    """
    return private_dir(tempfile.mkdtemp(prefix=prefix, dir=parent), 0o711)


def load_secret(path, *, create=True) -> CourseSecret:
    """Read the course secret from ``path``; create it (32 random bytes, mode 0600) if missing.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     first = load_secret(Path(folder) / "course.key")
    ...     again = load_secret(Path(folder) / "course.key")
    ...     (len(first.key), first.key == again.key, oct(first.path.stat().st_mode & 0o777))
    (32, True, '0o600')
    """
    path = Path(path).expanduser()
    if not path.exists():
        if not create:
            raise InvalidParameterError(
                f"course secret {str(path)!r} does not exist: grade with the secret the course "
                "was released with (--secret FILE; the default is the one release created)"
            )
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # a new folder only
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    if not path.is_file():
        raise InvalidParameterError(f"course secret {str(path)!r} is not a file")
    key = path.read_bytes()
    if len(key) < 16:
        raise InvalidParameterError(
            f"course secret {str(path)!r} holds {len(key)} bytes; expected at least 16"
        )
    if path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return CourseSecret(path=path, key=key)


def derive_seed(key, trainee_id, lesson_id) -> int:
    """The trainee's seed for a lesson: HMAC-SHA256(key, "trainee/lesson") as an int < 2**31.

    >>> derive_seed(b"k" * 32, "ana", "01_welcome")
    236377574
    """
    message = f"{trainee_id}/{lesson_id}".encode()
    digest = hmac.new(bytes(key), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % SEED_LIMIT


def _dataset_seed(key, trainee_id):
    # '#' cannot appear in an id, so this never equals a lesson's message
    digest = hmac.new(bytes(key), f"{trainee_id}#dataset".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") % SEED_LIMIT


def load_roster(path) -> list:
    """Read a roster CSV (column ``trainee_id``; optional ``name``, ``email``) into Trainees."""
    path = Path(path)
    if not path.is_file():
        raise InvalidParameterError(f"roster {str(path)!r} does not exist")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "trainee_id" not in reader.fieldnames:
            raise InvalidParameterError(
                f"roster {path}: expected a CSV with a 'trainee_id' column (and optionally "
                f"'name', 'email'); got columns {reader.fieldnames}"
            )
        trainees, seen = [], set()
        for line, row in enumerate(reader, start=2):
            trainee_id = (row.get("trainee_id") or "").strip()
            if not is_identifier(trainee_id):
                raise InvalidParameterError(
                    f"roster {path}, line {line}: trainee_id must be letters, digits, '_', '.' "
                    f"or '-'; got {trainee_id!r}"
                )
            if trainee_id in seen:
                raise InvalidParameterError(
                    f"roster {path}, line {line}: duplicate trainee_id {trainee_id!r}"
                )
            seen.add(trainee_id)
            trainees.append(Trainee(trainee_id, (row.get("name") or "").strip(),
                                    (row.get("email") or "").strip()))
    if not trainees:
        raise InvalidParameterError(f"roster {path} lists no trainees")
    return trainees


def strip_solutions(source, *, where="cell") -> str:
    """Replace every ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block by ``# YOUR CODE HERE``.

    The marker keeps the indentation of ``# BEGIN SOLUTION``; an unclosed block raises.

    >>> print(strip_solutions("if x:\\n    # BEGIN SOLUTION\\n    y = 2\\n    # END SOLUTION"))
    if x:
        # YOUR CODE HERE
    """
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if inside:
                raise CurriculumError(f"{where}: nested '{BEGIN_SOLUTION}'")
            inside = True
            lines.append(line[: len(line) - len(line.lstrip())] + YOUR_CODE_HERE)
        elif marker == END_SOLUTION:
            if not inside:
                raise CurriculumError(f"{where}: '{END_SOLUTION}' without '{BEGIN_SOLUTION}'")
            inside = False
        elif not inside:
            lines.append(line)
    if inside:
        raise CurriculumError(f"{where}: '{BEGIN_SOLUTION}' is never closed")
    return "\n".join(lines)


def _literal(value):
    return json.dumps(value) if isinstance(value, str) else repr(value)


def fill_parameters(source, parameters) -> str:
    """Set ``name = value`` lines of a parameters cell, keeping annotations and comments.

    >>> print(fill_parameters('seed: int = 0  # yours\\nn = 3', {"seed": 7, "dataset": "data"}))
    seed: int = 7  # yours
    n = 3
    dataset = "data"
    """
    lines, done = source.splitlines(), set()
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Za-z_]\w*)(\s*:[^=]*)?\s*=\s*(.*?)(\s+#.*)?$", line)
        if match and match.group(1) in parameters:
            name, annotation, _, comment = match.groups()
            lines[index] = (f"{name}{(annotation or '').rstrip()} = {_literal(parameters[name])}"
                            f"{comment or ''}")
            done.add(name)
    lines += [f"{name} = {_literal(value)}" for name, value in parameters.items()
              if name not in done]
    return "\n".join(lines)


def make_exercise(notebook, parameters=None):
    """Return the trainee's copy of a source notebook (a NotebookNode; the source is untouched).

    Solutions stripped, ``hidden`` cells removed, outputs and execution counts cleared,
    papermill and nbval metadata dropped, and the ``parameters`` cell filled with
    ``parameters``.
    """
    if isinstance(notebook, str | Path):
        where = str(notebook)
        notebook = nbformat.read(notebook, as_version=4)
    else:
        where = "notebook"
        notebook = nbformat.from_dict(json.loads(json.dumps(notebook)))
    cells = []
    for index, cell in enumerate(notebook.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if HIDDEN_TAG in tags:
            continue
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.source = strip_solutions(cell.source, where=f"{where}, cell {index + 1}")
            cell.outputs = []
            cell.execution_count = None
            if "parameters" in tags and parameters:
                cell.source = fill_parameters(cell.source, parameters)
        elif BEGIN_SOLUTION in cell.source:
            cell.source = strip_solutions(cell.source, where=f"{where}, cell {index + 1}")
        cells.append(cell)
    notebook.cells = cells
    notebook.metadata.pop("papermill", None)
    return notebook


def _roster_copy(secret, curriculum_id):
    return secret.state_dir / f"{curriculum_id}-roster.csv"


def record_release(secret, curriculum_id, *, per_trainee_data, trainees=()):
    """Remember how a course was released, in the secret's private folder (``state_dir``).

    ``releases.json`` keeps the data choice; ``<curriculum id>-roster.csv`` (mode 0600)
    every trainee released so far (a later release adds trainees and updates their names).
    """
    state = private_dir(secret.state_dir, 0o711)
    path = state / "releases.json"
    releases = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    releases[curriculum_id] = {"per_trainee_data": bool(per_trainee_data)}
    path.write_text(json.dumps(releases, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    if not trainees:
        return
    merged = {trainee.id: trainee for trainee in released_roster(secret, curriculum_id) or []}
    merged.update({trainee.id: trainee for trainee in trainees})
    copy = _roster_copy(secret, curriculum_id)
    descriptor, temporary = tempfile.mkstemp(dir=state, prefix=".roster-")
    with os.fdopen(descriptor, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["trainee_id", "name", "email"])
        writer.writerows([t.id, t.name, t.email] for t in merged.values())
    os.replace(temporary, copy)


def released_per_trainee_data(secret, curriculum_id):
    """Whether the course was released with per-trainee data (True when not recorded)."""
    path = secret.state_dir / "releases.json"
    releases = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return releases.get(curriculum_id, {}).get("per_trainee_data", True)


def released_roster(secret, curriculum_id):
    """The trainees :func:`release_course` released ``curriculum_id`` to, or None if none.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     secret = load_secret(Path(folder) / "course.key")
    ...     record_release(secret, "demo", per_trainee_data=True, trainees=[Trainee("ana")])
    ...     record_release(secret, "demo", per_trainee_data=True, trainees=[Trainee("bob")])
    ...     [trainee.id for trainee in released_roster(secret, "demo")]
    ['ana', 'bob']
    """
    copy = _roster_copy(secret, curriculum_id)
    return load_roster(copy) if copy.is_file() else None


def dataset_recipe(curriculum, trainee_id=None, key=None, *, per_trainee=False):
    """``{"preset", "seed"}`` of a trainee's dataset, or None when the course uses no dataset.

    Shared data (the default): the preset and seed of the curriculum's ``dataset``.
    ``per_trainee=True``: the same preset with a seed derived from the secret and trainee id.
    """
    value = curriculum.parameters.get("dataset")
    if value is None:
        return None
    path = Path(value)
    path = path if path.is_absolute() else curriculum.root / path
    info_path = path / "dataset.json"
    if not info_path.is_file():
        raise DatasetError(
            f"dataset {str(value)!r} of {curriculum.path} not found at {path} (no dataset.json); "
            f"generate it with: vidlab data generate --preset tiny --out {path}"
        )
    info = json.loads(info_path.read_text(encoding="utf-8"))
    seed = _dataset_seed(key, trainee_id) if per_trainee else int(info.get("seed", 0))
    return {"preset": info.get("preset", "tiny"), "seed": seed, "path": str(path.resolve())}


def lesson_parameters(curriculum, lesson, trainee_id, key, *, dataset=None, output_dir=None):
    """The parameters of one trainee's lesson: their seed, the dataset path and output folder.

    Other parameters of the curriculum and lesson (declared by the notebook) come along. The
    grader calls this with the grader-side ``dataset`` and ``output_dir``.
    """
    declared = lesson.declared_parameters
    parameters = {**curriculum.parameters, **lesson.parameters}
    parameters = {k: v for k, v in parameters.items() if k in declared or not declared}
    parameters.pop("dataset", None)
    parameters["seed"] = derive_seed(key, trainee_id, lesson.id)
    if dataset is not None:
        parameters["dataset"] = str(dataset)
    if output_dir is not None:
        parameters["output_dir"] = str(output_dir)
    return parameters


def submission_names(curriculum) -> dict:
    """``{(module id, lesson id): notebook file name}``; file names must be unique in a course."""
    names, seen = {}, {}
    for module, lesson in curriculum.lessons:
        name = Path(lesson.notebook).name
        if name in seen:
            raise CurriculumError(
                f"lessons {seen[name]} and {module.id}/{lesson.id} both use a notebook named "
                f"{name!r}; bundles are flat, so rename one"
            )
        seen[name] = f"{module.id}/{lesson.id}"
        names[module.id, lesson.id] = name
    return names


def salted_hash(value, salt) -> str:
    """Salted sha256 of an answer's canonical JSON (what ``self_check.json`` stores).

    >>> salted_hash(3, "ab") == salted_hash(3.0, "ab")
    False
    >>> len(salted_hash({1, 2}, "ab"))
    64
    """
    text = json.dumps(canonical_value(value), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{salt}:{text}".encode()).hexdigest()


def _salt(key, trainee_id, answer_id):
    message = f"self-check/{trainee_id}/{answer_id}".encode()
    return hmac.new(bytes(key), message, hashlib.sha256).hexdigest()[:16]


def self_check(notebook, check_file="self_check.json") -> dict:
    """Check the exact answers recorded in an executed notebook against ``self_check.json``.

    Returns ``{answer id: True | False}`` for the answers the file covers and the notebook
    records (a trainee runs this in their bundle; it reveals only right or wrong).
    """
    checks = json.loads(Path(check_file).read_text(encoding="utf-8"))["answers"]
    recorded = read_answers(notebook)
    return {answer_id: salted_hash(recorded[answer_id], check["salt"]) == check["sha256"]
            for answer_id, check in sorted(checks.items()) if answer_id in recorded}


_README = """# {title}: your exercises

Trainee: **{trainee}**. These notebooks are yours: each holds your own seed in its
`parameters` cell. Do not change that cell - your instructor grades with your own values
whatever it says.

## 1. Get your dataset
{dataset_text}
## 2. Work through the lessons

{lessons}

Fill in each `# YOUR CODE HERE`, run the notebook from top to bottom, and keep the
`answer(...)` calls: they record what is graded. You can re-run a cell; the last
recording counts.
{self_check_text}
## 3. Hand in

Give your instructor this folder's `.ipynb` files, with their names unchanged.
"""

_DATASET_TEXT = """
Generate it into `{folder}/` inside this folder (a few seconds to minutes; synthetic data):

    vidlab data generate --preset {preset} --seed {seed} --out {folder}

`dataset.yml` holds the same recipe.
"""

_SELF_CHECK_TEXT = """
To check your exact answers before handing in (it says only right or wrong):

    from vidlab.course.release import self_check
    self_check("{example}")
"""


def _write_private(path, text):
    path.write_text(text, encoding="utf-8")


def release_course(curriculum, roster, out, *, secret=None, self_check=False,
                   per_trainee_data=True, generate_data=False, jobs=1, kernel_name=None,
                   progress_desc="bundles") -> list:
    """Write one bundle per trainee of ``roster`` into ``out``; return the bundle folders.

    ``secret``: the course secret file (default :func:`default_secret_path`; created if
    missing). ``self_check=True`` computes every trainee's key (the source executed with
    their parameters, cached) to write salted hashes of the ``exact`` answers.
    ``per_trainee_data=True`` (the default) gives each trainee a dataset seed of their own;
    ``False``: everyone gets the curriculum's dataset. The choice and a copy of the roster
    are kept in the secret's private folder (:attr:`CourseSecret.state_dir`), where
    :func:`~vidlab.course.grading.grade_course` finds them. ``generate_data=True`` writes
    the dataset into each bundle.
    """
    curriculum = load_curriculum(curriculum)
    trainees = load_roster(roster) if not isinstance(roster, list) else roster
    course_secret = load_secret(secret or default_secret_path(curriculum.id))
    names = submission_names(curriculum)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    record_release(course_secret, curriculum.id, per_trainee_data=per_trainee_data,
                   trainees=trainees)
    keys = {}
    if self_check:
        from vidlab.course.grading import compute_keys

        keys = compute_keys(curriculum, trainees, course_secret, jobs=jobs,
                            per_trainee_data=per_trainee_data, kernel_name=kernel_name)
    bundles = []
    for trainee in trainees:
        bundle = out / trainee.id
        bundle.mkdir(parents=True, exist_ok=True)
        recipe = dataset_recipe(curriculum, trainee.id, course_secret.key,
                                per_trainee=per_trainee_data)
        lesson_lines, checks = [], {}
        for module, lesson in curriculum.lessons:
            name = names[module.id, lesson.id]
            parameters = lesson_parameters(
                curriculum, lesson, trainee.id, course_secret.key,
                dataset=BUNDLE_DATASET if recipe else None, output_dir=BUNDLE_OUTPUT,
            )
            nbformat.write(make_exercise(lesson.notebook, parameters), bundle / name)
            lesson_lines.append(f"- `{name}`: {lesson.title} ({lesson.minutes:g} min)")
            key = keys.get((trainee.id, module.id, lesson.id))
            for spec in lesson.answers:
                if key and spec.compare == "exact" and spec.id in key["answers"]:
                    salt = _salt(course_secret.key, trainee.id, spec.id)
                    checks[spec.id] = {"salt": salt,
                                       "sha256": salted_hash(key["answers"][spec.id], salt)}
        dataset_text = "\nThis course uses no dataset.\n"
        if recipe:
            dataset_text = _DATASET_TEXT.format(folder=BUNDLE_DATASET, **recipe)
            _write_private(bundle / "dataset.yml",
                           f"preset: {recipe['preset']}\nseed: {recipe['seed']}\n")
            if generate_data and not (bundle / BUNDLE_DATASET / "dataset.json").is_file():
                from vidlab.synth.dataset import generate_dataset

                generate_dataset(bundle / BUNDLE_DATASET, preset=recipe["preset"],
                                 seed=recipe["seed"], jobs=jobs)
        self_check_text = ""
        if checks:
            _write_private(bundle / "self_check.json",
                           json.dumps({"trainee_id": trainee.id, "answers": checks},
                                      indent=2, sort_keys=True) + "\n")
            first = names[curriculum.lessons[0][0].id, curriculum.lessons[0][1].id]
            self_check_text = _SELF_CHECK_TEXT.format(example=first)
        _write_private(bundle / "README.md", _README.format(
            title=curriculum.title, trainee=trainee.id, dataset_text=dataset_text,
            lessons="\n".join(lesson_lines), self_check_text=self_check_text))
        bundles.append(bundle)
    return bundles
