import pytest

from conftest import lesson
from vidlab.cli import main
from vidlab.course.curriculum import check_curriculum, load_curriculum
from vidlab.exceptions import CurriculumError

RECORD = 'from vidlab.course import answer\nanswer("m.q1", seed * 2)'


def test_valid_curriculum_loads(project):
    project.notebook("m/a.ipynb", RECORD)
    path = project.curriculum(
        [{"id": "m", "title": "Module", "lessons": [lesson("a", "m/a.ipynb", answers=["m.q1"])]}]
    )
    curriculum = load_curriculum(path)
    assert check_curriculum(path) == []
    (module, only), = curriculum.lessons
    assert only.notebook == project.root / "notebooks/m/a.ipynb"
    assert only.answers[0].id == "m.q1" and only.answers[0].points == 1
    assert only.declared_parameters == {"seed": "int", "dataset": "str", "output_dir": "str"}
    assert curriculum.minutes == 10


def test_every_problem_is_reported_once(project):
    project.notebook("m/a.ipynb", RECORD)
    project.notebook("m/bare.ipynb", parameters="seed = 0")
    path = project.curriculum([
        {"id": "m", "title": "Module", "lessons": [
            lesson("a", "m/a.ipynb", answers=["m.q1", "m.q1"], parameters={"colour": "red"}),
            lesson("a", "m/missing.ipynb"),
            lesson("b", "m/bare.ipynb", minutes=-5, answers=["m.never"]),
        ]},
        {"id": "m", "title": "Again", "lessons": [lesson("c", "m/a.ipynb", typo=1)]},
    ])
    problems = check_curriculum(path)
    expected = [
        "duplicate id 'm.q1'",
        "unknown parameter 'colour'",
        "lesson 2: duplicate id 'a'",
        "notebook '" + str(project.root / "notebooks/m/missing.ipynb") + "' does not exist",
        "minutes must be a positive number; got -5",
        "does not declare 'dataset'",
        "answer 'm.never' is never recorded",
        "module 2: duplicate id 'm'",
        "unknown key 'typo'",
    ]
    for fragment in expected:
        assert sum(fragment in problem for problem in problems) == 1, (fragment, problems)
    assert all("\n" not in problem for problem in problems)
    with pytest.raises(CurriculumError, match=r"more; run: vidlab course check"):
        load_curriculum(path)


def test_missing_and_malformed_files(tmp_path):
    assert check_curriculum(tmp_path / "nope.yml") == [
        f"curriculum file {str(tmp_path / 'nope.yml')!r} does not exist"
    ]
    bad = tmp_path / "bad.yml"
    bad.write_text("id: [unclosed\n")
    assert "not valid YAML at line" in check_curriculum(bad)[0]
    listing = tmp_path / "list.yml"
    listing.write_text("- a\n- b\n")
    assert "expected a mapping" in check_curriculum(listing)[0]


def test_cli_check_exit_codes(project, capsys):
    project.notebook("m/a.ipynb", RECORD)
    good = project.curriculum([{"id": "m", "title": "M", "lessons": [lesson("a", "m/a.ipynb")]}])
    assert main(["course", "check", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    assert main(["course", "check", str(project.root / "missing.yml")]) == 2
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 and "does not exist" in out[0]
