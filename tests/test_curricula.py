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
    hashing = {key: answers.pop(key) for key in list(answers)
               if key.split(".")[0] in ("perceptual", "robustness", "matching", "video")}
    _check_hashing_answers(hashing, load_dataset(dataset))
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


def _check_hashing_answers(answers, dataset):
    """The hashing lessons' answers agree with the image world's ground truth."""
    images = dataset.ground_truth("world_images")
    variants = dataset.ground_truth("world_variants")
    originals = images[images["kind"] == "original"]
    assert len(answers) == 14
    assert len(answers["perceptual.phash"]) == 16
    assert {"jpeg_quality", "grayscale"} <= set(answers["perceptual.survived"])
    assert not {"mirror", "screenshot"} & set(answers["perceptual.survived"])
    assert 0 < answers["robustness.phash_recall"] < 1
    assert {"mirror", "rotate90", "screenshot"} <= set(answers["robustness.pdq_misses"])
    assert answers["robustness.pdq_threshold"] >= 31

    found = answers["matching.series_found"]
    assert answers["matching.n_exact"] == originals["series_id"].isin(found).sum()
    copies_of_found = variants["series_id"].isin(found).sum()
    assert answers["matching.n_perceptual_only"] + answers["matching.n_missed"] == copies_of_found

    assert answers["video.n_known_frames"] == 30  # 3 s at 10 frames per second
    assert {"known", "reencoded"} <= set(answers["video.matching_clips"])
    assert "other room" not in answers["video.matching_clips"]
