import json

import nbformat
import pandas as pd
import pytest

from conftest import PARAMETERS_CELL, lesson
from vidlab.cli import main
from vidlab.course.runner import _render_html
from vidlab.course.sweep import load_sweep, load_sweep_text, run_sweep
from vidlab.exceptions import CurriculumError

STUDY_PARAMETERS = PARAMETERS_CELL + '\nregion: str = "Europe"\nhorizon: int = 3\n'
STUDY = '''
# code-of-the-study
from vidlab.course import answer
if region == "Nowhere":
    raise ValueError(f"unknown region {region!r}")
answer("study.region_length", len(region))
answer("study.horizon_squared", horizon * horizon)
answer("study.pair", [region, seed])
'''


@pytest.fixture
def study(project):
    path = project.notebook("t/study.ipynb", STUDY, parameters=STUDY_PARAMETERS)
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].metadata["tags"] = ["remove_input"]
    nbformat.write(notebook, path)
    project.notebook("t/quiz.ipynb", 'from vidlab.course import answer\nanswer("quiz.seed", seed)')
    return project.curriculum([
        {"id": "t", "title": "Trends", "lessons": [
            lesson("study", "t/study.ipynb"),
            lesson("quiz", "t/quiz.ipynb", answers=["quiz.seed"]),
        ]},
    ])


def test_sweep_runs_each_set_in_parallel_and_collects_a_summary(study, tmp_path):
    out = tmp_path / "sweep"
    sets = load_sweep_text("grid: {region: [Europe, Asia], horizon: [2, 5]}")
    sweep = run_sweep(study, sets, out=out, jobs=2, parameters={"seed": "7"})

    assert sweep.ok
    summary = pd.read_csv(out / "sweep.csv")
    assert list(summary["set"]) == ["001_Europe_2", "002_Europe_5", "003_Asia_2", "004_Asia_5"]
    assert list(summary["study.region_length"]) == [6, 6, 4, 4]
    assert list(summary["study.horizon_squared"]) == [4, 25, 4, 25]
    assert summary.loc[2, "study.pair"] == json.dumps(["Asia", 7])
    assert set(summary["status"]) == {"ok"}
    # the quiz declares no region: a sweep over regions does not repeat it
    assert all([run.lesson for run in runs] == ["study"] for runs in sweep.lessons.values())
    assert "quiz.seed" not in summary.columns
    for set_id in summary["set"]:
        assert (out / set_id / "t" / "study.ipynb").is_file()
    page = (out / "sweep.html").read_text()
    assert 'href="003_Asia_2/t/study.html"' in page and "sweep.csv" in page


def test_a_failing_set_is_reported_and_the_others_still_run(study, tmp_path, capsys):
    sweep_file = tmp_path / "sets.csv"
    sweep_file.write_text("region,horizon\nEurope,1\nNowhere,1\n")
    out = tmp_path / "sweep"
    assert main(["course", "run", str(study), "--sweep", str(sweep_file), "--out", str(out),
                 "-p", "seed=4"]) == 1
    printed = capsys.readouterr().out
    assert "failed  002_Nowhere_1  study" in printed and "unknown region 'Nowhere'" in printed
    summary = pd.read_csv(out / "sweep.csv")
    assert list(summary["status"]) == ["ok", "failed"]
    assert summary.loc[0, "study.horizon_squared"] == 1
    assert "unknown region" in (out / "sweep.html").read_text()


def test_report_cells_show_their_output_without_the_code(study, tmp_path):
    out = tmp_path / "sweep"
    run_sweep(study, [{"region": "Asia"}], out=out)
    executed = out / "001_Asia" / "t" / "study.ipynb"
    html = executed.with_suffix(".html").read_text()
    assert "code-of-the-study" not in html
    assert "Answer 'study.region_length' recorded: 4" in html  # the output stays

    notebook = nbformat.read(executed, as_version=4)
    notebook.cells[-1].metadata["tags"] = []
    nbformat.write(notebook, executed)
    _render_html(executed, tmp_path / "untagged.html")
    assert "code-of-the-study" in (tmp_path / "untagged.html").read_text()


@pytest.mark.parametrize("text, message", [
    ("region: Europe", "a list of parameter sets"),
    ("[]", "no parameter set"),
    ("- {}", "parameter set 1 must be a non-empty mapping"),
    ("- [Europe]", "parameter set 1 must be a non-empty mapping"),
    ("- {region: [unclosed", "not valid YAML"),
])
def test_malformed_sweeps_are_one_clear_error(text, message):
    with pytest.raises(CurriculumError, match=message):
        load_sweep_text(text)


def test_sets_are_checked_before_anything_runs(study, tmp_path, capsys):
    out = tmp_path / "never"
    with pytest.raises(CurriculumError, match="no lesson of .* declares all of these"):
        run_sweep(study, [{"region": "Asia"}, {"colour": "red"}], out=out)
    with pytest.raises(CurriculumError, match="must be of type int"):
        run_sweep(study, [{"horizon": "soon"}], out=out)
    assert not out.exists()
    assert main(["course", "run", str(study), "--sweep", str(tmp_path / "absent.yml")]) == 2
    assert "cannot read sweep file" in capsys.readouterr().err


def test_the_shipped_sweep_file_is_valid():
    from conftest import REPO

    sets = load_sweep(REPO / "curricula/sweeps/regions.yml")
    assert len(sets) >= 2 and all("region" in parameter_set for parameter_set in sets)
