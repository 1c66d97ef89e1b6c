"""The shipped curricula: valid, covering every notebook, and correct against ground truth."""

import pandas as pd
import pytest

from conftest import REPO
from truth_travel import TRAVEL_ANSWERS, check_travel_answers
from truth_trends import check_trends_answers
from vidlab.course.curriculum import check_curriculum, load_curriculum
from vidlab.course.runner import run_curriculum
from vidlab.course.sweep import run_sweep
from vidlab.metadata.edits import match_editor
from vidlab.synth.dataset import generate_dataset, load_dataset
from vidlab.synth.devices import city_timezone
from vidlab.synth.forums import CORE_ROLES
from vidlab.synth.world import load_countries
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
    metadata = {key: answers.pop(key) for key in list(answers)
                if key.split(".")[0] in ("exif", "timeline", "devices", "places", "edits")}
    _check_metadata_answers(metadata, load_dataset(dataset))
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
    # Perceptual matching finds the copies it does not miss, and may also match shots of another
    # series taken in the same room (no other picture).
    same_room = originals[~originals["series_id"].isin(found) & originals["location_id"].isin(
        originals.loc[originals["series_id"].isin(found), "location_id"])]
    found_copies = answers["matching.n_perceptual_only"] + answers["matching.n_missed"]
    assert copies_of_found <= found_copies <= copies_of_found + len(same_room)

    assert answers["video.n_known_frames"] == 30  # 3 s at 10 frames per second
    assert {"known", "reencoded"} <= set(answers["video.matching_clips"])
    assert "other room" not in answers["video.matching_clips"]


def _check_metadata_answers(answers, dataset):
    """The metadata lessons' answers agree with the image world's ground truth."""
    images = dataset.ground_truth("world_images")
    devices = dataset.ground_truth("world_devices").set_index("device_id")
    videos = dataset.ground_truth("world_videos")
    series = dataset.ground_truth("world_series").merge(
        dataset.ground_truth("world_locations"), on="location_id").set_index("series_id")
    shots = images[images["kind"] == "original"].copy()
    shots["device"] = shots["device_id"].map(devices.to_dict("index"))
    assert len(answers) == 14

    cameras = set(devices["make"] + " " + devices["model"])
    has_time = images["exif_datetime_original"] != ""
    assert answers["exif.camera"] in cameras
    assert answers["exif.n_with_capture_time"] == has_time.sum()
    assert answers["exif.n_with_gps"] == images["gps_latitude"].notna().sum()
    assert answers["exif.n_variants_with_time"] == 0

    # Times without an offset tag (DateTimeOriginal and DateTime) are left out, never guessed.
    writes_offset = images["device_id"].map(devices["writes_offset"]).fillna(False).astype(bool)
    naive = has_time & ~writes_offset
    assert answers["timeline.n_left_out"] == 2 * naive.sum()
    captured = [
        pd.Timestamp(row.exif_datetime_original.replace(":", "-", 2)).tz_localize(
            city_timezone(series.loc[row.series_id, "city"])).tz_convert("UTC")
        for row in shots.itertuples()
    ]
    assert answers["timeline.first_capture_utc"] == min(captured).isoformat()
    wrong_clock = {row.path for row in shots.itertuples()
                   if row.device["gps"] and abs(row.device["clock_offset_s"]) > 60}
    local_clips = {row.path for row in videos.itertuples() if row.container_time == "local"
                   and abs(pd.Timestamp(row.captured_utc).tz_convert(devices.loc[
                       row.device_id, "timezone"]).utcoffset()) >= pd.Timedelta(hours=1)}
    flagged = set(answers["timeline.flagged_files"])
    assert wrong_clock <= flagged <= set(shots["path"]) | set(videos["path"])
    assert answers["timeline.n_clips_apart"] == len(local_clips)

    assert answers["devices.n_devices"] == shots["device_id"].nunique()
    assert 0.8 <= answers["devices.recall"] <= 1
    with_gps = shots[shots["gps_latitude"].notna()]
    assert answers["places.cities"] == sorted(set(series.loc[with_gps["series_id"], "city"]))

    edited = images[images["edited"]]
    assert answers["edits.editors"] == sorted({match_editor(name) for name in edited["editor"]}
                                             - {""})
    assert answers["edits.thumbnail_mismatch"] == sorted(
        edited.loc[edited["edit_traces"].str.contains("thumbnail"), "path"])
    assert answers["edits.edited"] == sorted(edited["path"])


def test_investigator_answers_agree_with_the_ground_truth(tmp_path):
    seed = 3
    dataset = load_dataset(generate_dataset(tmp_path / "data", preset="tiny", seed=seed))
    run = run_curriculum(
        REPO / "curricula/investigator.yml",
        out=tmp_path / "run",
        jobs=2,
        parameters={"dataset": str(dataset.root), "seed": str(seed)},
    )
    assert run.ok, [lesson.error for lesson in run.lessons if lesson.error]
    answers = {}
    for lesson in run.lessons:
        answers.update(lesson.answers)
    victim_id = {key: answers.pop(key) for key in list(answers)
                 if key.split(".")[0] in ("triage", "series", "scenes", "clues", "capstone")}
    _check_victim_id_answers(victim_id, dataset)
    travel = {key: answers.pop(key) for key in list(answers) if key.startswith("travel.")}
    check_travel_answers(travel, dataset)
    assert len(travel) == len(TRAVEL_ANSWERS)
    assert len(answers) == 17

    accounts = dataset.ground_truth("forum_accounts")
    role = accounts.set_index("account_id")["role"]
    on_forum = accounts[accounts["platform"] == "forum"]
    takedown = dataset.ground_truth("forum_events").set_index("event").loc["takedown", "time"]
    assert answers["networks.never_posted_share"] == round((on_forum["role"] == "lurker").mean(), 3)
    assert answers["networks.last_month"] == (
        pd.Timestamp(takedown) - pd.Timedelta(seconds=1)).strftime("%Y-%m")
    assert 0 < answers["networks.tie_overlap"] < 0.3  # public and private ties differ
    assert role[answers["networks.most_replied"]] in CORE_ROLES

    brokers = answers["centrality.top_betweenness"]
    assert sum(role[account] in CORE_ROLES for account in brokers) >= 3
    assert len(answers["keyplayers.kpp_neg"]) == 5
    assert set(answers["keyplayers.kpp_neg"]) <= set(on_forum["account_id"])
    assert answers["keyplayers.fragmentation"] >= answers["keyplayers.degree_fragmentation"]

    assert answers["communities.n_large"] in (2, 3)
    assert answers["communities.adjusted_rand"] > 0.5
    assert answers["disruption.best_strategy"] != "random"
    assert answers["disruption.random_largest_share"] > 0.5

    assert answers["roles.macro_f1"] > 0.3
    assert answers["aliases.n_links"] > 0
    assert answers["aliases.precision"] >= 0.8
    assert 0 < answers["aliases.recall"] <= answers["aliases.recall_linkable"]
    assert answers["aliases.recall_linkable"] >= 0.5


def _check_victim_id_answers(answers, dataset):
    """The victim-identification lessons' answers agree with the seized phone's truth."""
    assert len(answers) == 21
    files = dataset.ground_truth("phone_files")
    series = dataset.ground_truth("phone_series")
    known = series[series["status"] == "known"]
    readable_known = files[files["readable"] & files["series_id"].isin(known["series_id"])
                           & (files["category"] != "thumbnail_cache")]
    n_known_shots = int(known["n_shots"].sum())
    assert n_known_shots <= answers["triage.database_media"] <= n_known_shots + len(known)
    assert answers["triage.n_known_good"] == int(files["in_known_files"].sum())
    assert answers["triage.n_errors"] == int((~files["readable"]).sum())
    assert 0 < answers["triage.n_perceptual_only"] <= int(
        (~files["in_reference_db"] & files["series_id"].isin(known["series_id"])).sum())
    per_series = readable_known["series_id"].value_counts()
    assert per_series[answers["triage.top_known_series"]] >= per_series.max() - 2
    identifiable = (files["in_known_files"] | files["series_id"].isin(known["series_id"])
                    & files["readable"]).mean()
    assert 0.8 * identifiable <= answers["triage.share_pre_identified"] <= identifiable + 1e-3

    n_new = int((series["status"] == "new").sum())
    assert abs(answers["series.n_candidates"] - n_new) <= 1
    assert answers["series.cluster_recall"] >= 0.6
    assert answers["scenes.phash_distance"] > 10  # two views of one room: not a copy
    # the known series whose room a new series was taken in is found (a stray picture of
    # another known series inside a candidate series may link that series' room too)
    shares_room = set(known.loc[known["shares_location"], "series_id"])
    linked_known = {pair.split(":")[1] for pair in answers["scenes.series_links"]}
    assert shares_room <= linked_known <= set(known["series_id"])
    assert answers["scenes.link_precision"] >= 0.9

    # location clues on the image world's series
    locations = dataset.ground_truth("world_locations").set_index("location_id")
    world_series = dataset.ground_truth("world_series")
    country_of = dict(zip(world_series["series_id"],
                          world_series["location_id"].map(locations["country"]), strict=True))
    for pair in answers["clues.barcode_countries"]:  # a decoded barcode is never misread
        series_id, country = pair.split(":")
        assert country_of[series_id] == country
    assert 0 <= answers["clues.n_with_socket"] <= len(country_of)
    assert {pair.split(":")[0] for pair in answers["clues.top_countries"]} == set(country_of)
    assert answers["clues.top3"] >= 0.4
    assert 1 <= answers["clues.rank_without_barcode"] <= len(load_countries())

    # the capstone: informing case owners and referring the new series
    identified = known[known["identified"] & (known["n_on_device"] > 0)]
    assert answers["capstone.inform_owner"] == sorted(identified["series_id"])
    assert answers["capstone.first_pictures"] >= 3
    n_candidates = answers["series.n_candidates"]
    assert len(answers["capstone.clue_countries"]) == n_candidates
    referred = {pair.split(":")[1] for pair in answers["capstone.referrals"]}
    assert referred <= set(series.loc[series["status"] == "new", "country"])
    assert 0 <= answers["capstone.n_clues_agree"] <= n_candidates


def test_trend_study_runs_with_parameters_and_sweeps(tmp_path):
    """The graded artefacts lesson agrees with the generator's truth; the study template runs
    with -p and in a sweep, and its headline figures come from the selected region."""
    seed = 3
    dataset = load_dataset(generate_dataset(tmp_path / "data", preset="tiny", seed=seed))
    run = run_curriculum(
        REPO / "curricula/trend-study.yml",
        out=tmp_path / "run",
        jobs=2,
        parameters={"dataset": str(dataset.root), "seed": str(seed), "region": "Asia"},
    )
    assert run.ok, [lesson.error for lesson in run.lessons if lesson.error]
    study, artefacts = (lesson.answers for lesson in run.lessons)
    check_trends_answers(artefacts, dataset)
    countries = pd.read_csv(dataset.path("trends") / "countries.csv", keep_default_na=False)
    assert study["study.n_countries"] == (countries["region"] == "Asia").sum()
    assert study["study.growth_low"] <= study["study.growth"] <= study["study.growth_high"]
    assert (tmp_path / "run/60_trends/01_trend_study_output/summary.csv").is_file()

    sweep = run_sweep(REPO / "curricula/trend-study.yml",
                      [{"region": "Europe"}, {"region": "Asia", "method": "theil_sen"}],
                      out=tmp_path / "sweep", jobs=2,
                      parameters={"dataset": str(dataset.root), "seed": str(seed)})
    assert sweep.ok, [run.error for runs in sweep.lessons.values() for run in runs]
    summary = pd.read_csv(tmp_path / "sweep/sweep.csv")
    assert list(summary["region"]) == ["Europe", "Asia"]
    assert summary.loc[1, "study.n_countries"] == study["study.n_countries"]
    assert summary.loc[0, "study.n_countries"] == (countries["region"] == "Europe").sum()
