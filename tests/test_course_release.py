import json
import stat

import nbformat
import pytest

from conftest import lesson
from course_fakes import SMALL, FakeExecutor
from vidlab.cli import main
from vidlab.course import grading
from vidlab.course.curriculum import load_curriculum
from vidlab.course.release import (
    derive_seed,
    fill_parameters,
    load_roster,
    load_secret,
    make_exercise,
    release_course,
    released_per_trainee_data,
    self_check,
    strip_solutions,
)
from vidlab.exceptions import CurriculumError, InvalidParameterError


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("trainee_id,name,email\nana,Ana,ana@example.org\nbob,Bob,\n")
    return path


def _bundle_text(folder):
    return {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def _solution_lines():
    lines = set()
    for _, lesson_ in load_curriculum(SMALL).lessons:
        notebook = nbformat.read(lesson_.notebook, as_version=4)
        for cell in notebook.cells:
            inside = False
            for line in cell.source.splitlines():
                if line.strip() == "# BEGIN SOLUTION":
                    inside = True
                elif line.strip() == "# END SOLUTION":
                    inside = False
                elif inside and len(line.strip()) > 8:  # not a lone ")"
                    lines.add(line.strip())
            if "hidden" in cell.metadata.get("tags", []):
                lines.add(cell.source.strip())
    return lines


def test_seeds_are_per_trainee_and_lesson_and_stable():
    key = b"k" * 32
    seeds = {derive_seed(key, trainee, lesson_id)
             for trainee in ("ana", "bob") for lesson_id in ("a", "b")}
    assert len(seeds) == 4 and all(0 <= seed < 2**31 for seed in seeds)
    assert derive_seed(key, "ana", "a") == derive_seed(key, "ana", "a")
    assert derive_seed(b"j" * 32, "ana", "a") != derive_seed(key, "ana", "a")


def test_secret_is_created_private_and_checked(tmp_path):
    secret = load_secret(tmp_path / "private" / "course.key")
    assert len(secret.key) == 32 and stat.S_IMODE(secret.path.stat().st_mode) == 0o600
    assert secret.key.hex() not in repr(secret)
    assert load_secret(secret.path).key == secret.key
    (tmp_path / "short.key").write_bytes(b"abc")
    with pytest.raises(InvalidParameterError, match="at least 16"):
        load_secret(tmp_path / "short.key")
    with pytest.raises(InvalidParameterError, match="does not exist"):
        load_secret(tmp_path / "absent.key", create=False)


@pytest.mark.parametrize("text, message", [
    ("name\nana\n", "'trainee_id' column"),
    ("trainee_id\nana\nana\n", "duplicate trainee_id 'ana'"),
    ("trainee_id\n../bob\n", "line 2: trainee_id must be"),
    ("trainee_id\n", "lists no trainees"),
])
def test_roster_errors_name_the_line(tmp_path, text, message):
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(InvalidParameterError, match=message):
        load_roster(path)


def test_strip_solutions_errors_and_indentation():
    assert strip_solutions("a\n  # BEGIN SOLUTION\n  b\n  # END SOLUTION\nc") == \
        "a\n  # YOUR CODE HERE\nc"
    for source, message in [("# BEGIN SOLUTION\nx", "never closed"),
                            ("# END SOLUTION", "without"),
                            ("# BEGIN SOLUTION\n# BEGIN SOLUTION", "nested")]:
        with pytest.raises(CurriculumError, match=message):
            strip_solutions(source)


def test_fill_parameters_keeps_annotations_and_comments():
    source = 'seed: int = 0  # your seed\ndataset: str = "x"\nother = 3'
    assert fill_parameters(source, {"seed": 9, "dataset": 'a "b"'}) == \
        'seed: int = 9  # your seed\ndataset: str = "a \\"b\\""\nother = 3'


def test_make_exercise_strips_hides_and_clears(tmp_path):
    _, first = load_curriculum(SMALL).lessons[0]
    source = nbformat.read(first.notebook, as_version=4)
    source.cells[-1].outputs = [nbformat.v4.new_output("stream", text="42\n")]
    source.cells[-1].execution_count = 3
    exercise = make_exercise(source, {"seed": 77})
    assert len(exercise.cells) == len(source.cells) - 1  # the hidden cell is gone
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in exercise.cells if c.cell_type == "code")
    text = "\n".join(c.source for c in exercise.cells)
    assert "BEGIN SOLUTION" not in text and text.count("# YOUR CODE HERE") == 3
    assert "seed: int = 77" in exercise.cells[1].source
    assert source.cells[-1].outputs  # the source is untouched


def test_release_writes_bundles_without_solutions_or_secret(tmp_path, roster):
    out = tmp_path / "release"
    secret_path = tmp_path / "instructor" / "course.key"
    bundles = release_course(SMALL, roster, out, secret=secret_path)
    assert [b.name for b in bundles] == ["ana", "bob"]
    key = load_secret(secret_path).key
    solution_lines = _solution_lines()
    assert "n_even = int((numbers % 2 == 0).sum())" in solution_lines
    for bundle in bundles:
        files = _bundle_text(bundle)
        assert sorted(p.name for p in files) == ["01_counting.ipynb", "02_tables.ipynb",
                                                 "README.md"]
        for path, data in files.items():
            assert key not in data and key.hex().encode() not in data
            text = data.decode()
            assert "BEGIN SOLUTION" not in text and "instructor check" not in text
            for line in solution_lines:
                assert line not in text, (path, line)
        for _, lesson_ in load_curriculum(SMALL).lessons:
            notebook = nbformat.read(bundle / lesson_.notebook.name, as_version=4)
            seed = derive_seed(key, bundle.name, lesson_.id)
            parameters = notebook.cells[1]
            assert "parameters" in parameters.metadata["tags"]
            assert f"seed: int = {seed}  # your personal seed" in parameters.source
            assert 'output_dir: str = "output"' in parameters.source
    readme = (out / "ana" / "README.md").read_text()
    assert "Trainee: **ana**" in readme and "uses no dataset" in readme
    # the same secret gives the same bundles
    again = release_course(SMALL, roster, tmp_path / "again", secret=secret_path)
    assert _bundle_text(again[0]).values().__iter__().__next__() is not None
    assert {p.name: d for p, d in _bundle_text(again[0]).items()} == \
        {p.name: d for p, d in _bundle_text(bundles[0]).items()}


def test_release_with_self_check_reveals_no_key(tmp_path, roster, monkeypatch):
    fake = FakeExecutor()
    monkeypatch.setattr(grading, "execute_notebook", fake)
    secret_path = tmp_path / "instructor" / "course.key"
    bundles = release_course(SMALL, roster, tmp_path / "release", secret=secret_path,
                             self_check=True)
    assert len(fake.runs) == 4  # one key per trainee and lesson
    key = load_secret(secret_path)
    keys = grading.compute_keys(load_curriculum(SMALL), load_roster(roster), key)
    assert len(fake.runs) == 4  # cached
    ana_keys = {k[2]: v["answers"] for k, v in keys.items() if k[0] == "ana"}
    checks = json.loads((bundles[0] / "self_check.json").read_text())
    assert checks["trainee_id"] == "ana"
    assert sorted(checks["answers"]) == ["counting.n_even", "tables.busiest"]  # exact only
    text = "\n".join(data.decode() for data in _bundle_text(bundles[0]).values())
    for value in (ana_keys["02_tables"]["tables.per_room"], ana_keys["02_tables"]["tables.top3"],
                  ana_keys["01_counting"]["counting.mean"]):
        assert json.dumps(value) not in text and json.dumps(value, sort_keys=True) not in text
    # a trainee checks an executed notebook: right and wrong answers are told apart
    executed = tmp_path / "executed.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={
            "application/vnd.vidlab.answer+json": {"id": answer_id, "value": value}})
        for answer_id, value in (("counting.n_even", ana_keys["01_counting"]["counting.n_even"]),
                                 ("tables.busiest", "not a room"))])]
    nbformat.write(notebook, executed)
    assert self_check(executed, bundles[0] / "self_check.json") == {
        "counting.n_even": True, "tables.busiest": False}


def test_per_trainee_data_gives_each_trainee_a_recipe(project, roster, tmp_path):
    project.notebook("m/a.ipynb", "x = 1")
    curriculum = project.curriculum([{"id": "m", "title": "M", "lessons": [
        lesson("a", "m/a.ipynb")]}])
    (project.dataset / "dataset.json").write_text('{"preset": "tiny", "seed": 5}')
    secret = tmp_path / "s.key"
    shared = release_course(curriculum, roster, tmp_path / "shared", secret=secret,
                            per_trainee_data=False)
    assert released_per_trainee_data(load_secret(secret), "test") is False
    assert {(b / "dataset.yml").read_text() for b in shared} == {"preset: tiny\nseed: 5\n"}
    own = release_course(curriculum, roster, tmp_path / "own", secret=secret)
    assert released_per_trainee_data(load_secret(secret), "test") is True
    recipes = [(b / "dataset.yml").read_text() for b in own]
    assert len(set(recipes)) == 2 and all(r.startswith("preset: tiny\nseed: ") for r in recipes)
    readme = (own[0] / "README.md").read_text()
    assert "vidlab data generate --preset tiny --seed" in readme and "--out data" in readme
    notebook = nbformat.read(own[0] / "a.ipynb", as_version=4)
    assert 'dataset: str = "data"' in notebook.cells[1].source


def test_duplicate_notebook_names_are_refused(project, roster, tmp_path):
    project.notebook("m/a.ipynb", "x = 1")
    project.notebook("n/a.ipynb", "x = 1")
    curriculum = project.curriculum([
        {"id": "m", "title": "M", "lessons": [lesson("a", "m/a.ipynb")]},
        {"id": "n", "title": "N", "lessons": [lesson("b", "n/a.ipynb")]}])
    with pytest.raises(CurriculumError, match="both use a notebook named 'a.ipynb'"):
        release_course(curriculum, roster, tmp_path / "out", secret=tmp_path / "s.key")


def test_cli_release(tmp_path, roster, capsys):
    out, secret = tmp_path / "release", tmp_path / "instructor" / "course.key"
    assert main(["course", "release", str(SMALL), "--roster", str(roster), "--out", str(out),
                 "--secret", str(secret)]) == 0
    assert "2 bundles written" in capsys.readouterr().out
    assert (out / "bob" / "02_tables.ipynb").is_file() and secret.is_file()
    assert main(["course", "release", str(SMALL), "--roster", str(tmp_path / "none.csv"),
                 "--out", str(out), "--secret", str(secret)]) == 2
    err = capsys.readouterr().err
    assert "roster" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
