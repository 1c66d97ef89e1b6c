"""The shipped curricula: valid, covering every notebook, and correct against ground truth."""

import pytest

from conftest import REPO
from vidlab.course.curriculum import check_curriculum, load_curriculum
from vidlab.course.runner import run_curriculum
from vidlab.synth.dataset import generate_dataset, load_dataset
from vidlab.terminology import check, make_exercise_paragraph

CURRICULA = sorted((REPO / "curricula").glob("*.yml"))


@pytest.mark.parametrize("path", CURRICULA, ids=lambda path: path.stem)
def test_curriculum_is_valid(path):
    assert check_curriculum(path) == []


def test_every_notebook_belongs_to_a_curriculum():
    listed = {lesson.notebook for path in CURRICULA for _, lesson in load_curriculum(path).lessons}
    notebooks = {path for path in (REPO / "notebooks").rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in path.parts}
    assert notebooks - listed == set()


def test_foundations_answers_equal_the_ground_truth(tmp_path):
    seed = 3
    dataset = generate_dataset(tmp_path / "data", preset="tiny", seed=seed)
    run = run_curriculum(
        REPO / "curricula/foundations.yml",
        out=tmp_path / "run",
        jobs=2,
        parameters={"dataset": str(dataset), "seed": str(seed)},
    )
    assert run.ok, [lesson.error for lesson in run.lessons if lesson.error]
    answers = {}
    for lesson in run.lessons:
        answers.update(lesson.answers)

    files = load_dataset(dataset).ground_truth("evidence_files")
    groups = sorted(
        sorted(group["path"]) for _, group in files[files["duplicate_group"] >= 0].groupby(
            "duplicate_group")
    )
    n_avoid = sum(finding.severity == "avoid" for finding in check(make_exercise_paragraph(seed)))
    assert answers == {
        "welcome.dataset_seed": seed,
        "welcome.n_manifest_files": len(
            (dataset / "MANIFEST.sha256").read_text().splitlines()),
        "terminology.n_avoid": n_avoid,
        "terminology.remaining_avoid": 0,
        "evidence.n_files": len(files),
        "evidence.altered_files": sorted(files.loc[files["altered"], "path"]),
        "evidence.duplicate_groups": groups,
    }
    assert (tmp_path / "run/index.html").is_file()
