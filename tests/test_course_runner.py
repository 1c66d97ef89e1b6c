import json

import pytest

from conftest import lesson
from vidlab.cli import main
from vidlab.course.runner import run_curriculum
from vidlab.exceptions import CurriculumError, DatasetError

RECORD = '''
from vidlab.course import answer
answer("m.double", seed * 2)
answer("m.dataset_is_absolute", dataset.startswith("/"))
'''
FAIL = 'x = 1\nraise ValueError("broken lesson")'


@pytest.fixture
def course(project):
    project.notebook("m/good.ipynb", RECORD)
    project.notebook("m/bad.ipynb", FAIL)
    return project.curriculum([
        {"id": "m", "title": "Module", "lessons": [
            lesson("good", "m/good.ipynb", answers=["m.double", "m.dataset_is_absolute"]),
            lesson("bad", "m/bad.ipynb"),
        ]},
    ])


def test_run_executes_every_lesson_and_reports_failures(course, tmp_path):
    out = tmp_path / "run"
    result = run_curriculum(course, out=out, jobs=2, parameters={"seed": "21"})
    good, bad = result.lessons
    assert (good.status, bad.status) == ("ok", "failed")
    assert not result.ok
    assert good.answers == {"m.double": 42, "m.dataset_is_absolute": True}
    assert good.parameters["seed"] == 21
    assert good.parameters["output_dir"] == str((out / "m" / "good_output").resolve())
    assert bad.error["ename"] == "ValueError" and bad.error["evalue"] == "broken lesson"
    assert "raise ValueError" in bad.error["source"]
    assert (out / "m" / "good.ipynb").is_file() and (out / "m" / "good.html").is_file()
    assert (out / "m" / "bad.html").is_file()
    record = json.loads((out / "run.json").read_text())
    assert [lesson["status"] for lesson in record["lessons"]] == ["ok", "failed"]
    assert record["lessons"][1]["error"]["summary"].endswith("ValueError: broken lesson")
    page = (out / "index.html").read_text()
    assert 'href="m/good.html"' in page and "broken lesson" in page and "Learn something" in page


def test_cli_run_exit_codes_and_one_line_errors(course, project, tmp_path, capsys):
    out = str(tmp_path / "run")
    assert main(["course", "run", str(course), "--out", out]) == 1
    assert "course page:" in capsys.readouterr().out

    for arguments, message in [
        (["-p", "colour=red"], "unknown parameter 'colour'"),
        (["-p", "seed=seven"], "parameter 'seed' must be of type int"),
        (["-p", "seed=-1"], "'seed' parameter must be an int"),
        (["-p", f"dataset={tmp_path / 'absent'}"], "not found"),
    ]:
        assert main(["course", "run", str(course), "--out", out, *arguments]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err

    assert main(["course", "run", str(project.root / "nope.yml")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_unknown_parameter_and_missing_dataset_raise_before_running(course, tmp_path):
    with pytest.raises(CurriculumError):
        run_curriculum(course, out=tmp_path / "x", parameters={"nope": "1"})
    with pytest.raises(DatasetError):
        run_curriculum(course, out=tmp_path / "x", parameters={"dataset": str(tmp_path)})
    assert not (tmp_path / "x").exists()
