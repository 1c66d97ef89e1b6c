"""Tests for vidlab.synth.dataset and vidlab.synth.registry (recipes, generation, verify, CLI)."""

import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from vidlab import __version__
from vidlab.cli import main
from vidlab.exceptions import DatasetError, InvalidParameterError
from vidlab.synth import (
    PRESETS,
    available_generators,
    generate_dataset,
    get_generator,
    load_dataset,
    load_recipe,
    register_generator,
    registry,
    verify_dataset,
)
from vidlab.synth.dataset import part_rng

REPO = Path(__file__).resolve().parents[1]
COMMITTED_MANIFEST = REPO / "datasets" / "synthetic" / "tiny-seed0.MANIFEST.sha256"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny seed-0 dataset shared by the read-only tests of this module."""
    return generate_dataset(tmp_path_factory.mktemp("shared") / "tiny", preset="tiny", seed=0)


@pytest.fixture
def scratch_registry(monkeypatch):
    """A copy of the generator registry, restored after the test."""
    monkeypatch.setattr(registry, "_GENERATORS", dict(registry._GENERATORS))


def _write_recipe(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_byte_identical_manifest_equal_to_the_committed_one(tiny, tmp_path):
    again = generate_dataset(tmp_path / "again", preset="tiny", seed=0)
    manifest = (tiny / "MANIFEST.sha256").read_bytes()
    assert (again / "MANIFEST.sha256").read_bytes() == manifest
    assert manifest == COMMITTED_MANIFEST.read_bytes(), (
        "tiny seed 0 no longer matches datasets/synthetic/tiny-seed0.MANIFEST.sha256; if the "
        "change is intended, copy the new MANIFEST.sha256 there"
    )


def test_different_seeds_give_different_files(tiny, tmp_path):
    other = generate_dataset(tmp_path / "seed1", preset="tiny", seed=1)
    lines0 = set((tiny / "MANIFEST.sha256").read_text().splitlines())
    lines1 = set((other / "MANIFEST.sha256").read_text().splitlines())
    evidence0 = {line for line in lines0 if line.split("  ", 1)[1].startswith("evidence/")}
    assert evidence0 and not evidence0 & lines1


def test_part_rng_depends_on_seed_and_part_name_only():
    def draw(seed, part):
        return part_rng(seed, part).integers(0, 2**32, size=4).tolist()

    assert draw(0, "evidence") == draw(0, "evidence")
    assert draw(0, "evidence") != draw(0, "usb_stick")
    assert draw(0, "evidence") != draw(1, "evidence")


# --- dataset.json, load_dataset ---------------------------------------------------------------


def test_dataset_json_records_recipe_seed_version_and_parts(tiny):
    text = (tiny / "dataset.json").read_text(encoding="utf-8")
    info = json.loads(text)
    assert text == json.dumps(info, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert info["preset"] == "tiny"
    assert info["seed"] == 0
    assert info["vidlab_version"] == __version__
    assert info["parts"] == ["evidence", "world", "forum", "phone", "travel", "trends"]
    assert info["recipe"] == load_recipe("tiny")
    assert info["ground_truth"]["evidence_files"]["file"] == "ground_truth/evidence_files.csv"
    assert sorted(info) == ["format", "ground_truth", "name", "parts", "preset", "recipe",
                            "seed", "vidlab_version"]  # no timestamps, no host details


def test_generated_layout(tiny):
    names = sorted(path.name for path in tiny.iterdir())
    assert names == ["MANIFEST.sha256", "dataset.json", "evidence", "forum", "ground_truth",
                     "phone", "travel", "trends", "world"]
    assert sorted(p.name for p in (tiny / "ground_truth").iterdir()) == [
        "evidence_files.csv", "forum_accounts.csv", "forum_events.csv", "forum_persons.csv",
        "phone_files.csv", "phone_locations.csv", "phone_series.csv", "travel_persons.csv",
        "travel_trips.csv", "trends_events.csv", "trends_parameters.csv", "trends_truth.csv",
        "world_devices.csv", "world_images.csv", "world_locations.csv",
        "world_series.csv", "world_variants.csv", "world_videos.csv"]
    assert not list(tiny.parent.glob(".tiny.*")), "the staging folder was left behind"


def test_load_dataset_gives_info_paths_and_typed_ground_truth(tiny):
    dataset = load_dataset(tiny)
    assert dataset.root == tiny
    assert dataset.seed == 0
    assert dataset.info["preset"] == "tiny"
    assert dataset.parts == ["evidence", "world", "forum", "phone", "travel", "trends"]
    assert dataset.tables == ["evidence_files", "forum_accounts", "forum_events", "forum_persons",
                              "phone_files", "phone_locations", "phone_series", "travel_persons",
                              "travel_trips", "trends_events", "trends_parameters",
                              "trends_truth", "world_devices", "world_images", "world_locations",
                              "world_series", "world_variants", "world_videos"]
    assert dataset.path("evidence") == tiny / "evidence"
    files = dataset.ground_truth("evidence_files")
    assert files["path"].tolist() == sorted(files["path"])
    assert files["size"].dtype == "int64" and files["duplicate_group"].dtype == "int64"
    assert files["altered"].dtype == bool
    assert (files.loc[files["copy_of"] != "", "copy_of"].isin(files["path"])).all()


def test_load_dataset_names_what_exists(tiny):
    dataset = load_dataset(tiny)
    with pytest.raises(InvalidParameterError, match="use one of evidence_files"):
        dataset.ground_truth("files")
    with pytest.raises(InvalidParameterError, match="use one of evidence"):
        dataset.path("laptop")


def test_load_dataset_of_a_folder_without_dataset_json(tmp_path):
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path)
    message = str(info.value)
    assert "is not a vidlab dataset (no dataset.json)" in message
    assert "vidlab data generate --preset tiny --out DIR" in message
    assert "\n" not in message


# --- recipes and the registry -----------------------------------------------------------------


def test_presets_load_and_name_registered_generators():
    for preset in PRESETS:
        recipe = load_recipe(preset)
        assert recipe["name"] == preset and recipe["description"]
        for part in recipe["parts"].values():
            assert part["generator"] in available_generators()


def test_unknown_preset_is_one_line_naming_the_presets():
    with pytest.raises(InvalidParameterError) as info:
        load_recipe("huge")
    assert "tiny, course" in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("parts: {}\n", "must have 'parts'"),
        ("parts:\n  bad/name: {generator: evidence_folder}\n", "part name 'bad/name'"),
        ("parts:\n  ground_truth: {generator: evidence_folder}\n", "part name 'ground_truth'"),
        ("parts:\n  a: {n_images: 3}\n", "'generator' name"),
        ("parts:\n  a: {generator: nope}\n", "Unknown generator 'nope': use one of"),
        ("partz:\n  a: {generator: evidence_folder}\n", "unknown key 'partz'"),
        ("parts: [\n", "not valid YAML"),
    ],
)
def test_bad_recipe_files_are_refused_with_one_line(tmp_path, text, match):
    path = tmp_path / "recipe.yml"
    path.write_text(text)
    with pytest.raises(InvalidParameterError, match=match) as info:
        load_recipe(path)
    assert "\n" not in str(info.value)


def test_missing_recipe_file(tmp_path):
    with pytest.raises(InvalidParameterError, match="does not exist"):
        load_recipe(tmp_path / "missing.yml")


def test_unknown_generator_lists_the_registered_names():
    with pytest.raises(InvalidParameterError) as info:
        get_generator("image_world_typo")
    assert "evidence_folder" in str(info.value)
    assert ", ".join(available_generators()) in str(info.value)


def test_a_name_cannot_be_taken_twice(scratch_registry):
    with pytest.raises(InvalidParameterError, match="already registered"):
        register_generator("evidence_folder")(lambda out_dir, config, rng: {})


def test_custom_generator_runs_from_a_recipe_file(scratch_registry, tmp_path):
    @register_generator("notes_for_test")
    def make_notes(out_dir, config, rng):
        out_dir.mkdir(parents=True)
        values = rng.integers(0, 1000, size=config["n_notes"]).tolist()
        rows = []
        for number, value in enumerate(values):
            (out_dir / f"note_{number}.txt").write_text(f"note {value}\n")
            rows.append({"path": f"note_{number}.txt", "value": value})
        return {"notes": pd.DataFrame(rows[::-1])}  # unsorted on purpose

    assert "notes_for_test" in available_generators()
    recipe = _write_recipe(tmp_path / "mine.yml", """\
        name: mine
        description: two parts of notes
        parts:
          desk: {generator: notes_for_test, n_notes: 3}
          shelf: {generator: notes_for_test, n_notes: 2}
        """)
    out = generate_dataset(tmp_path / "out", preset=recipe, seed=5)
    dataset = load_dataset(out)
    assert dataset.info["preset"] == "mine.yml"
    assert dataset.parts == ["desk", "shelf"]
    assert dataset.tables == ["desk_notes", "shelf_notes"]
    notes = dataset.ground_truth("desk_notes")
    assert notes["path"].tolist() == ["note_0.txt", "note_1.txt", "note_2.txt"]
    for row in notes.itertuples():
        assert (dataset.path("desk") / row.path).read_text() == f"note {row.value}\n"
    assert verify_dataset(out).ok
    # parts draw from different generators
    assert notes["value"].tolist()[:2] != dataset.ground_truth("shelf_notes")["value"].tolist()


def test_a_failing_generator_leaves_nothing_behind(scratch_registry, tmp_path):
    @register_generator("broken_for_test")
    def make_broken(out_dir, config, rng):
        out_dir.mkdir(parents=True)
        (out_dir / "half.txt").write_text("half")
        raise RuntimeError("boom")

    recipe = _write_recipe(tmp_path / "broken.yml", "parts:\n  a: {generator: broken_for_test}\n")
    with pytest.raises(RuntimeError, match="boom"):
        generate_dataset(tmp_path / "out", preset=recipe)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yml"]


def test_generator_config_errors_name_the_part(tmp_path):
    recipe = _write_recipe(tmp_path / "r.yml",
                           "parts:\n  disk: {generator: evidence_folder, n_photos: 3}\n")
    with pytest.raises(InvalidParameterError, match="part 'disk': Unknown evidence_folder option"):
        generate_dataset(tmp_path / "out", preset=recipe)
    assert not (tmp_path / "out").exists()


# --- the output folder -----------------------------------------------------------------------


def test_negative_seed_is_refused(tmp_path):
    with pytest.raises(InvalidParameterError, match="'seed' parameter"):
        generate_dataset(tmp_path / "out", seed=-1)


def test_an_existing_empty_folder_is_used(tmp_path):
    (tmp_path / "out").mkdir()
    assert verify_dataset(generate_dataset(tmp_path / "out")).ok


@pytest.mark.parametrize("force", [False, True])
def test_a_non_empty_folder_that_is_not_a_dataset_is_never_touched(tmp_path, force):
    out = tmp_path / "precious"
    out.mkdir()
    (out / "thesis.txt").write_text("keep me")
    with pytest.raises(DatasetError, match="precious") as info:
        generate_dataset(out, force=force)
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in out.iterdir()) == ["thesis.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious"]


def test_force_replaces_a_dataset_and_only_with_force(tmp_path):
    out = generate_dataset(tmp_path / "data", seed=1)
    (out / "notes.txt").write_text("scribbles")
    with pytest.raises(DatasetError, match="not empty"):
        generate_dataset(out, seed=0)
    generate_dataset(out, seed=0, force=True)
    assert not (out / "notes.txt").exists()
    assert (out / "MANIFEST.sha256").read_bytes() == COMMITTED_MANIFEST.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_out_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(DatasetError, match="is a file"):
        generate_dataset(tmp_path / "file", force=True)


# --- verify_dataset --------------------------------------------------------------------------


def test_verify_a_fresh_dataset(tiny):
    report = verify_dataset(tiny)
    assert report.ok
    assert report.n_checked == len(COMMITTED_MANIFEST.read_text().splitlines())


def _tamper(root):
    files = load_dataset(root).ground_truth("evidence_files")
    images = files.loc[files["kind"] == "image", "path"].tolist()
    changed, missing = f"evidence/{images[0]}", f"evidence/{images[1]}"
    with open(root / changed, "ab") as file:
        file.write(b"\0")
    (root / missing).unlink()
    (root / "evidence" / "Downloads" / "planted.txt").write_text("new")
    return changed, missing, "evidence/Downloads/planted.txt"


def test_verify_reports_changed_missing_and_unexpected(tmp_path):
    out = generate_dataset(tmp_path / "data")
    changed, missing, unexpected = _tamper(out)
    report = verify_dataset(out)
    assert not report.ok
    assert (report.changed, report.missing, report.unexpected) == ([changed], [missing],
                                                                    [unexpected])


def test_verify_needs_a_dataset_folder_with_a_manifest(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        verify_dataset(tmp_path / "nowhere")
    with pytest.raises(DatasetError, match="has no MANIFEST.sha256"):
        verify_dataset(tmp_path)


# --- command line ----------------------------------------------------------------------------


def test_cli_generate_and_verify(tmp_path, capsys):
    out = tmp_path / "tiny"
    assert main(["data", "generate", "--preset", "tiny", "--seed", "0", "--out", str(out)]) == 0
    assert f"dataset written to {out}" in capsys.readouterr().out
    assert (out / "MANIFEST.sha256").read_bytes() == COMMITTED_MANIFEST.read_bytes()
    assert main(["data", "verify", str(out)]) == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_cli_verify_prints_every_problem(tmp_path, capsys):
    out = generate_dataset(tmp_path / "tiny")
    changed, missing, unexpected = _tamper(out)
    assert main(["data", "verify", str(out)]) == 1
    captured = capsys.readouterr()
    assert f"changed: {changed}" in captured.out
    assert f"missing: {missing}" in captured.out
    assert f"unexpected: {unexpected}" in captured.out
    assert "FAILED: 1 changed, 1 missing, 1 unexpected" in captured.err


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["data", "verify", "{tmp}/nowhere"], "does not exist"),
        (["data", "generate", "--preset", "huge", "--out", "{tmp}/o"], "Unknown preset 'huge'"),
        (["data", "generate", "--seed", "-1", "--out", "{tmp}/o"], "'seed' parameter"),
        (["data", "generate", "--out", "{tmp}/full"], "is not empty"),
        (["data", "generate", "--force", "--out", "{tmp}/full"], "not a vidlab dataset"),
    ],
)
def test_cli_usage_errors_are_one_line_and_exit_2(tmp_path, capsys, argv, match):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x")
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("vidlab: error: ") and match in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o").exists()


RECIPES = sorted((Path(__file__).parents[1] / "datasets" / "synthetic").glob("*.yml"))


@pytest.mark.parametrize("path", RECIPES, ids=lambda path: path.stem)
def test_shipped_recipes_load_and_name_registered_generators(path):
    recipe = load_recipe(path)
    assert recipe["name"] == path.stem and recipe["description"]
    for part in recipe["parts"].values():
        assert part["generator"] in available_generators()


def test_the_course_phone_recipe_is_the_seized_course_config():
    from vidlab.synth.seized import COURSE

    part = load_recipe(Path(__file__).parents[1] / "datasets/synthetic/seized-phone-course.yml")
    config = dict(part["parts"]["case"])
    config.pop("generator")
    assert config == COURSE


def test_unquoted_dates_in_a_recipe_stay_text(tmp_path):
    """YAML reads 2024-01-01 as a date; a recipe keeps it as written, so generators get the
    ISO text they expect and dataset.json can store the recipe."""
    recipe = _write_recipe(tmp_path / "trips.yml", """\
        parts:
          travel: {generator: travel_records, n_notices: 20, n_trips: 500,
                   first_date: 2024-01-01, last_date: 2024-03-01}
        """)
    assert load_recipe(recipe)["parts"]["travel"]["first_date"] == "2024-01-01"
    out = generate_dataset(tmp_path / "data", preset=recipe, seed=1)
    info = json.loads((out / "dataset.json").read_text(encoding="utf-8"))
    assert info["recipe"]["parts"]["travel"]["last_date"] == "2024-03-01"
