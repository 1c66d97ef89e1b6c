import copy
import csv
import json
import os
import sqlite3
import stat

import nbformat
import pytest

import vidlab.synth.dataset
from conftest import lesson
from course_fakes import SMALL, FakeExecutor
from vidlab.cli import main
from vidlab.course import grading
from vidlab.course.curriculum import load_curriculum
from vidlab.course.feedback import write_feedback
from vidlab.course.golden import check_golden
from vidlab.course.gradebook import Gradebook
from vidlab.course.grading import compare_answer, grade_course
from vidlab.course.release import (
    fill_parameters,
    lesson_parameters,
    load_secret,
    release_course,
)
from vidlab.exceptions import InvalidParameterError

NAMES = {"01_counting": "01_counting.ipynb", "02_tables": "02_tables.ipynb"}


# --- comparators ---------------------------------------------------------------------------


@pytest.mark.parametrize("compare, submitted, expected, tolerance, fraction", [
    ("exact", 3, 3, None, 1.0),
    ("exact", 3, 4, None, 0.0),
    ("exact", "3", 3, None, 0.0),
    ("exact", {"a": [1, 2]}, {"a": [1, 2]}, None, 1.0),
    ("numeric", 0.1004, 0.1, 0.001, 1.0),
    ("numeric", 0.102, 0.1, 0.001, 0.0),
    ("numeric", "0.1", 0.1, 0.001, 0.0),
    ("numeric", True, 1, 0.5, 0.0),
    ("numeric", [1.0, 2.0001], [1, 2], 0.001, 1.0),
    ("set", [3, 1, 2], [1, 2, 3], None, 1.0),
    ("set", [["a", "b"], ["c"]], [["c"], ["a", "b"]], None, 1.0),
    ("set", [1, 2], [1, 2, 3], None, 0.0),
    ("set", 1, [1], None, 0.0),
    ("dataframe", [{"a": 1, "b": 0.5}], [{"a": 1, "b": 0.5004}], 0.001, 1.0),
    ("dataframe", [{"a": 2}, {"a": 1}], [{"a": 1}, {"a": 2}], None, 1.0),
    ("dataframe", [{"a": 1}], [{"a": 1}, {"a": 2}], None, 0.0),
    ("dataframe", [{"x": 1}], [{"a": 1}], None, 0.0),
    ("dataframe", [{"a": 1.5}], [{"a": 1}], 0.001, 0.0),
    ("top_k", ["a", "b", "c"], ["c", "a", "b"], None, 1.0),
    ("top_k", ["a", "x", "y", "b"], ["a", "b", "c"], None, 1 / 3),
    ("top_k", ["a", "b", "x"], ["a", "b", "c"], 0.6, 1.0),
    ("top_k", "a", ["a"], None, 0.0),
])
def test_comparators(compare, submitted, expected, tolerance, fraction):
    got, detail = compare_answer(compare, submitted, expected, tolerance)
    assert got == pytest.approx(fraction) and detail


def test_missing_answer_and_unknown_comparator():
    assert compare_answer("set", None, [1]) == (0.0, "not recorded")
    with pytest.raises(InvalidParameterError, match="'compare' parameter"):
        compare_answer("fuzzy", 1, 1)


# --- a cohort with every kind of submission (in-process executor) --------------------------


@pytest.fixture
def fake(monkeypatch):
    executor = FakeExecutor()
    monkeypatch.setattr(grading, "execute_notebook", executor)
    return executor


def _solved(curriculum, lesson, trainee, key, seed=None):
    """The source notebook as a trainee who solved it would hand it in."""
    notebook = nbformat.read(lesson.notebook, as_version=4)
    parameters = lesson_parameters(curriculum, lesson, trainee, key, output_dir="output")
    if seed is not None:
        parameters["seed"] = seed
    for cell in notebook.cells:
        if "parameters" in cell.metadata.get("tags", []):
            cell.source = fill_parameters(cell.source, parameters)
    return notebook


@pytest.fixture
def cohort(tmp_path):
    """Release course_small to 6 trainees and hand in one kind of submission per trainee."""
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id,name\nana,Ana\nbob,Bob\ncid,Cid\ndan,Dan\neve,Eve\nfay,Fay\n")
    secret_path = tmp_path / "instructor" / "course.key"
    release_course(SMALL, roster, tmp_path / "release", secret=secret_path)
    key = load_secret(secret_path).key
    curriculum = load_curriculum(SMALL)
    inbox = tmp_path / "inbox"
    for trainee in ("ana", "bob", "cid", "dan", "eve"):
        (inbox / trainee).mkdir(parents=True)
    lessons = {lesson.id: lesson for _, lesson in curriculum.lessons}
    for lesson_id, name in NAMES.items():
        # ana: solved; bob: the blank release as it is
        nbformat.write(_solved(curriculum, lessons[lesson_id], "ana", key), inbox / "ana" / name)
        (inbox / "bob" / name).write_bytes((tmp_path / "release" / "bob" / name).read_bytes())
    # cid: solved with another trainee's seed in the parameters cell (ignored, noted)
    nbformat.write(_solved(curriculum, lessons["01_counting"], "cid", key, seed=12345),
                   inbox / "cid" / NAMES["01_counting"])
    # dan: not a notebook, and a notebook whose parameters cell was deleted
    (inbox / "dan" / NAMES["01_counting"]).write_text("{not json")
    notebook = _solved(curriculum, lessons["02_tables"], "dan", key)
    notebook.cells = [c for c in notebook.cells if "parameters" not in c.metadata.get("tags", [])]
    nbformat.write(notebook, inbox / "dan" / NAMES["02_tables"])
    # eve: markdown moved to the end, a cell duplicated, the last answer cell deleted
    notebook = _solved(curriculum, lessons["02_tables"], "eve", key)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    again = copy.deepcopy(code[2])
    again.id = "duplicate"
    markdown = [c for c in notebook.cells if c.cell_type == "markdown"]
    notebook.cells = [code[0], code[1], code[2], code[3], again, *markdown]  # busiest deleted
    nbformat.write(notebook, inbox / "eve" / NAMES["02_tables"])
    (inbox / "stranger").mkdir()
    return {"roster": roster, "secret": secret_path, "inbox": inbox,
            "gradebook": tmp_path / "grades" / "grades.sqlite", "tmp": tmp_path}


def _grade(cohort, **kwargs):
    return grade_course(SMALL, cohort["inbox"], cohort["gradebook"], roster=cohort["roster"],
                        secret=cohort["secret"], **kwargs)


def _table(cohort):
    with Gradebook(cohort["gradebook"]) as book:
        return {(run["trainee_id"], run["lesson_id"]): run for run in book.latest()}


def test_grade_records_every_submission_with_a_reason(cohort, fake):
    summary = _grade(cohort)
    assert (summary.n_graded, summary.n_skipped, summary.n_missing) == (8, 0, 4)
    assert summary.unknown == ["stranger"]
    runs = _table(cohort)
    assert {key: (run["status"], run["score"]) for key, run in runs.items()} == {
        ("ana", "01_counting"): ("ok", 5.0), ("ana", "02_tables"): ("ok", 6.0),
        ("bob", "01_counting"): ("error", 0.0), ("bob", "02_tables"): ("error", 0.0),
        ("cid", "01_counting"): ("ok", 5.0),
        ("dan", "01_counting"): ("malformed", 0.0), ("dan", "02_tables"): ("ok", 6.0),
        ("eve", "02_tables"): ("ok", 5.0),
    }
    assert "NameError" in runs["bob", "01_counting"]["reason"]
    assert runs["dan", "01_counting"]["reason"].startswith("not a valid notebook")
    assert runs["cid", "01_counting"]["notes"][0].startswith(
        "seed changed in the notebook (12345); ignored")
    assert "parameters cell was deleted" in runs["dan", "02_tables"]["notes"][0]
    eve = runs["eve", "02_tables"]["answers"]
    assert eve["tables.busiest"]["detail"] == "not recorded" and eve["tables.top3"]["points"] == 3
    # every trainee was graded with their own seed, never the notebook's
    seeds = {params["seed"] for source, params in fake.runs}
    assert 12345 not in seeds
    assert all(run["max_score"] in (5, 6) for run in runs.values())
    with Gradebook(cohort["gradebook"]) as book:
        assert book.count("trainees") == 6 and book.count("questions") == 6
        assert book.count("submissions") == 8 and book.count("runs") == 8
        assert book.count("answers") == book.count("scores") == 24


def test_without_roster_the_roster_kept_at_release_is_used(cohort, fake):
    copy = cohort["secret"].parent / "course-cache" / "small-roster.csv"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    summary = grade_course(SMALL, cohort["inbox"], cohort["gradebook"], secret=cohort["secret"])
    assert summary.roster.startswith("the roster kept at release")
    assert (summary.n_graded, summary.n_missing, summary.unknown) == (8, 4, ["stranger"])
    with Gradebook(cohort["gradebook"]) as book:
        assert [(t["trainee_id"], t["name"]) for t in book.rows(
            "SELECT * FROM trainees ORDER BY trainee_id")][:2] == [("ana", "Ana"), ("bob", "Bob")]
        assert book.count("trainees") == 6  # fay is in the roster, with nothing handed in
    assert _table(cohort)["ana", "02_tables"]["score"] == 6.0


def test_without_any_roster_the_submission_folders_are_the_trainees(cohort, fake):
    (cohort["secret"].parent / "course-cache" / "small-roster.csv").unlink()
    inbox = cohort["inbox"]
    for bad in ("bad name", "-x"):
        (inbox / bad).mkdir()
        (inbox / bad / NAMES["01_counting"]).write_bytes(
            (inbox / "ana" / NAMES["01_counting"]).read_bytes())
    (inbox / "link").symlink_to(inbox / "ana")
    (inbox / "notes.txt").write_text("not a folder")
    summary = grade_course(SMALL, inbox, cohort["gradebook"], secret=cohort["secret"])
    assert summary.roster == "the submission folders (no roster)"
    assert summary.invalid == ["-x", "bad name", "link"] and summary.unknown == []
    assert (summary.n_graded, summary.n_missing) == (8, 4)  # stranger hands in nothing
    with Gradebook(cohort["gradebook"]) as book:
        trainees = [row["trainee_id"] for row in book.rows("SELECT * FROM trainees")]
    assert sorted(trainees) == ["ana", "bob", "cid", "dan", "eve", "stranger"]
    assert _table(cohort)["ana", "01_counting"]["score"] == 5.0


def test_cli_default_secret_and_no_roster(tmp_path, fake, capsys, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id,name\nana,Ana\nbob,Bob\n")
    assert main(["course", "release", str(SMALL), "--roster", str(roster),
                 "--out", str(tmp_path / "release")]) == 0
    secret = tmp_path / "home" / ".vidlab" / "course" / "small.key"
    assert str(secret) in capsys.readouterr().out
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert (secret.parent / "small-cache" / "small-roster.csv").is_file()
    inbox = tmp_path / "inbox"
    (inbox / "ana").mkdir(parents=True)
    (inbox / "ana" / NAMES["01_counting"]).write_bytes(
        (tmp_path / "release" / "ana" / NAMES["01_counting"]).read_bytes())
    gradebook = tmp_path / "grades.sqlite"
    assert main(["course", "grade", str(SMALL), "--submissions", str(inbox),
                 "--gradebook", str(gradebook)]) == 0
    out = capsys.readouterr().out
    assert "trainees from the roster kept at release" in out
    assert "1 submissions graded (1 error), 0 already graded, 3 missing" in out
    with Gradebook(gradebook) as book:
        assert book.count("trainees") == 2


def test_cid_seed_note_names_the_real_seed(cohort, fake):
    _grade(cohort)
    key = load_secret(cohort["secret"]).key
    from vidlab.course.release import derive_seed

    note = _table(cohort)["cid", "01_counting"]["notes"][0]
    assert note.endswith(f"graded with the trainee's seed {derive_seed(key, 'cid', '01_counting')}")


def test_regrading_is_idempotent_and_force_does_not_duplicate(cohort, fake):
    _grade(cohort)
    first = {k: (r["score"], r["status"]) for k, r in _table(cohort).items()}
    n_runs = len(fake.runs)
    again = _grade(cohort)
    assert (again.n_graded, again.n_skipped) == (0, 8) and len(fake.runs) == n_runs
    forced = _grade(cohort, force=True)
    assert forced.n_graded == 8
    assert {k: (r["score"], r["status"]) for k, r in _table(cohort).items()} == first
    with Gradebook(cohort["gradebook"]) as book:
        assert book.count("submissions") == 8 and book.count("runs") == 8
        assert book.count("scores") == 24


def test_a_killed_grade_run_resumes_without_losing_or_duplicating(cohort, fake, monkeypatch):
    _grade(cohort)
    expected = {k: r["score"] for k, r in _table(cohort).items()}
    cohort["gradebook"].unlink()
    # keys are cached now: each submission costs one execution; die during the 4th
    monkeypatch.setattr(grading, "execute_notebook", FakeExecutor(interrupt_after=3))
    with pytest.raises(KeyboardInterrupt):
        _grade(cohort)
    with Gradebook(cohort["gradebook"]) as book:
        done = book.count("runs")
    assert 1 <= done < 8
    resumed = FakeExecutor()
    monkeypatch.setattr(grading, "execute_notebook", resumed)
    summary = _grade(cohort)
    assert summary.n_skipped == done and summary.n_graded == 8 - done
    assert {k: r["score"] for k, r in _table(cohort).items()} == expected
    with Gradebook(cohort["gradebook"]) as book:
        assert book.count("runs") == 8 and book.count("scores") == 24


def test_a_new_version_of_a_submission_becomes_the_latest(cohort, fake):
    _grade(cohort)
    path = cohort["inbox"] / "bob" / NAMES["01_counting"]
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.source = cell.source.replace("# YOUR CODE HERE", "n_even = 0")
    nbformat.write(notebook, path)
    os.utime(path, (2_000_000_000, 2_000_000_000))
    summary = _grade(cohort)
    assert summary.n_graded == 1
    bob = _table(cohort)["bob", "01_counting"]
    assert bob["answers"]["counting.n_even"]["submitted"] == "0"
    with Gradebook(cohort["gradebook"]) as book:
        assert book.count("submissions") == 9


def test_failing_key_is_recorded_and_retried(cohort, fake, monkeypatch):
    real = grading.compute_key

    def broken(notebook, *args, **kwargs):
        return {"status": "error", "reason": "cell 3 raised ValueError", "answers": {},
                "duration_s": 0.0, "cached": False}

    monkeypatch.setattr(grading, "compute_key", broken)
    summary = _grade(cohort)
    assert summary.statuses == {"key_error": 8} and summary.n_failed == 8
    assert "source notebook failed" in _table(cohort)["ana", "01_counting"]["reason"]
    monkeypatch.setattr(grading, "compute_key", real)
    summary = _grade(cohort)
    assert summary.n_graded == 8 and "key_error" not in summary.statuses


def test_private_files_are_not_readable_by_others(cohort, fake):
    _grade(cohort)
    secret_state = cohort["secret"].parent / "course-cache"
    assert stat.S_IMODE(cohort["gradebook"].stat().st_mode) == 0o600
    assert stat.S_IMODE(cohort["secret"].stat().st_mode) == 0o600
    assert stat.S_IMODE((secret_state / "keys").stat().st_mode) == 0o700
    keys = list((secret_state / "keys").iterdir())
    assert len(keys) == 8  # one per submitted (trainee, lesson)
    assert all(stat.S_IMODE(k.stat().st_mode) & 0o077 == 0 for k in keys)
    assert stat.S_IMODE(cohort["inbox"].stat().st_mode) & 0o007 == 0


def test_feedback_pages_cohort_report_and_csv(cohort, fake):
    _grade(cohort)
    paths = write_feedback(cohort["gradebook"], cohort["tmp"] / "feedback")
    assert sorted(p.name for p in paths["trainees"]) == [
        "ana.html", "bob.html", "cid.html", "dan.html", "eve.html", "fay.html"]
    rows = {row["trainee_id"]: row for row in csv.DictReader(paths["csv"].open())}
    assert rows["ana"]["total"] == "11" and rows["ana"]["max"] == "11"
    assert rows["bob"]["total"] == "0" and rows["bob"]["01_counting status"] == "error"
    assert rows["fay"]["01_counting status"] == "missing" and rows["fay"]["counting.mean"] == ""
    assert rows["eve"]["tables.busiest"] == "0" and rows["eve"]["tables.top3"] == "3"
    ana = (cohort["tmp"] / "feedback" / "ana.html").read_text()
    assert "use `numbers % 2 == 0`." in ana  # the hint from the lesson's markdown
    assert "11</b> of 11 points" in ana
    bob = (cohort["tmp"] / "feedback" / "bob.html").read_text()
    assert "NameError" in bob and "(not recorded)" in bob
    fay = (cohort["tmp"] / "feedback" / "fay.html").read_text()
    assert fay.count("Not submitted.") == 2
    page = paths["cohort"].read_text()
    assert "6 trainees" in page and "hardest first" in page
    # hardest first: counting.mean (2 of 4 right) before tables.top3 (3 of 4)
    assert page.index("<td>counting.mean") < page.index("<td>tables.top3")
    assert "50%" in page and "75%" in page


def test_feedback_escapes_what_trainees_write(cohort, fake):
    path = cohort["inbox"] / "ana" / NAMES["02_tables"]
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].source = 'answer("tables.busiest", "<script>alert(1)</script>")'
    nbformat.write(notebook, path)
    _grade(cohort)
    paths = write_feedback(cohort["gradebook"], cohort["tmp"] / "feedback")
    page = (cohort["tmp"] / "feedback" / "ana.html").read_text()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert paths["cohort"].is_file()


def test_gradebook_refuses_a_file_that_is_not_one(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_text("this is not a database " * 100)
    with pytest.raises(InvalidParameterError, match="not a vidlab gradebook"):
        Gradebook(bogus)


def test_gradebook_transaction_rolls_back(tmp_path):
    with Gradebook(tmp_path / "g.sqlite") as book:
        with pytest.raises(RuntimeError), book.transaction() as db:
            db.execute("INSERT INTO trainees VALUES ('x', '', '')")
            raise RuntimeError("killed")
        assert book.count("trainees") == 0


def test_cli_grade_and_feedback_one_line_errors(cohort, fake, capsys, tmp_path):
    arguments = ["course", "grade", str(SMALL), "--submissions", str(cohort["inbox"]),
                 "--roster", str(cohort["roster"]), "--secret", str(cohort["secret"]),
                 "--gradebook", str(cohort["gradebook"]), "--feedback", str(tmp_path / "fb")]
    assert main(arguments) == 0
    captured = capsys.readouterr()
    assert "8 submissions graded" in captured.out and "4 missing" in captured.out
    assert "stranger: not in the roster" in captured.err
    assert (tmp_path / "fb" / "grades.csv").is_file()
    assert main(["course", "feedback", "--gradebook", str(cohort["gradebook"]), "--out",
                 str(tmp_path / "fb2")]) == 0
    for bad, message in [
        (["--secret", str(tmp_path / "absent.key")], "course secret"),
        (["--submissions", str(tmp_path / "nowhere")], "submissions folder"),
    ]:
        changed = list(arguments)
        changed[changed.index(bad[0]) + 1] = bad[1]
        assert main(changed) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert main(["course", "feedback", "--gradebook", str(tmp_path / "none.sqlite"),
                 "--out", str(tmp_path / "fb3")]) == 2


def test_golden_logic_with_the_fake_executor(fake):
    report = check_golden(SMALL, seeds=2)
    assert report.ok, report.problems
    assert len(report.rows) == 4
    assert {(row["blank"], row["source"], row["max"]) for row in report.rows} == {
        (0, 5, 5), (0, 6, 6)}


def test_golden_flags_free_points_and_nondeterminism(project, fake):
    project.notebook(
        "m/leaky.ipynb",
        'from vidlab.course import answer\nimport random\nanswer("leaky.free", seed % 7)',
        '# BEGIN SOLUTION\nx = random.random()\n# END SOLUTION\nanswer("leaky.random", x)',
    )
    curriculum = project.curriculum([{"id": "m", "title": "M", "lessons": [
        lesson("leaky", "m/leaky.ipynb", answers=["leaky.free", "leaky.random"])]}])
    report = check_golden(curriculum, seeds=1)
    assert len(report.problems) == 2
    assert "blank release scores 1 of 2 (leaky.free)" in report.problems[0]
    assert "source scores 1 of 2" in report.problems[1] and "leaky.random" in report.problems[1]


# --- the real sandbox ----------------------------------------------------------------------


def test_golden_pair_of_course_small():
    """The blank release of course_small scores 0 and its source full marks (real kernels)."""
    report = check_golden(SMALL, seeds=1, jobs=2)
    assert report.ok, report.problems
    assert sorted((row["lesson"], row["blank"], row["source"]) for row in report.rows) == [
        ("basics/01_counting", 0, 5), ("basics/02_tables", 0, 6)]


SNOOP = """
import os
from pathlib import Path
from vidlab.course import answer

def attempt(action):
    try:
        action()
        return "done"
    except Exception as error:
        return type(error).__name__

for name, path in TARGETS.items():
    answer("snoop." + name, attempt(lambda: Path(path).read_bytes()))
answer("snoop.write", attempt(lambda: Path(OUTSIDE).write_text("x")))
"""


def test_a_hostile_submission_in_the_real_sandbox_leaves_the_others_intact(tmp_path):
    """Real kernels: eve snoops on ana, the gradebook, the secret and the keys, then loops
    forever; ana and bob get full marks, eve a timeout, and the gradebook is intact."""
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id\neve\nana\nbob\n")  # eve first: her loop overlaps the rest
    secret = tmp_path / "instructor" / "course.key"
    release_course(SMALL, roster, tmp_path / "release", secret=secret)
    key = load_secret(secret).key
    curriculum = load_curriculum(SMALL)
    counting = curriculum.lessons[0][1]
    inbox, gradebook = tmp_path / "inbox", tmp_path / "instructor" / "grades.sqlite"
    for trainee in ("eve", "ana", "bob"):
        (inbox / trainee).mkdir(parents=True)
        nbformat.write(_solved(curriculum, counting, trainee, key),
                       inbox / trainee / NAMES["01_counting"])
    cache = secret.parent / "course-cache"
    targets = {"other": str(inbox / "ana" / NAMES["01_counting"]), "gradebook": str(gradebook),
               "secret": str(secret), "roster": str(cache / "small-roster.csv")}
    hostile = nbformat.read(inbox / "eve" / NAMES["01_counting"], as_version=4)
    hostile.cells.append(nbformat.v4.new_code_cell(
        f"TARGETS = {targets!r}\nOUTSIDE = {str(tmp_path / 'outside.txt')!r}\n" + SNOOP
        + f"answer('snoop.keys', attempt(lambda: os.listdir({str(cache / 'keys')!r})))"))
    hostile.cells.append(nbformat.v4.new_code_cell("while True:\n    pass"))
    nbformat.write(hostile, inbox / "eve" / NAMES["01_counting"])
    summary = grade_course(SMALL, inbox, gradebook, jobs=2, secret=secret,
                           limits=grading.Limits(cell_timeout=5, notebook_timeout=60))
    assert (summary.n_graded, summary.statuses) == (3, {"ok": 2, "timeout": 1})
    runs = {run["trainee_id"]: run for run in Gradebook(gradebook).latest()}
    assert (runs["ana"]["score"], runs["bob"]["score"]) == (5, 5)
    assert runs["eve"]["status"] == "timeout" and "longer than 5 s" in runs["eve"]["reason"]
    assert runs["eve"]["score"] == 5  # answers recorded before the loop still count
    with sqlite3.connect(gradebook) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (3,)
        assert db.execute("SELECT count(*) FROM scores").fetchone() == (9,)
    if os.geteuid() == 0:
        from vidlab.course.answers import read_answers

        assert {run["isolation"] for run in runs.values()} == {"user+namespaces"}
        snooped = read_answers(runs["eve"]["executed_path"])
        outcomes = {name: snooped[f"snoop.{name}"] for name in (*targets, "write", "keys")}
        # denied, or not even visible (the sandbox has its own /tmp)
        assert set(outcomes.values()) <= {"PermissionError", "FileNotFoundError"}, outcomes
        assert not (tmp_path / "outside.txt").exists()
        assert len(list((cache / "keys").iterdir())) == 3


@pytest.mark.slow
def test_cli_end_to_end_with_the_sandbox(cohort, capsys, tmp_path):
    keys = cohort["secret"].parent / "course-cache" / "keys"
    targets = {"gradebook": str(cohort["gradebook"]), "secret": str(cohort["secret"]),
               "other": str(cohort["inbox"] / "ana" / NAMES["01_counting"])}
    snoop = nbformat.read(cohort["inbox"] / "eve" / NAMES["02_tables"], as_version=4)
    snoop.cells.append(nbformat.v4.new_code_cell(
        f"TARGETS = {targets!r}\nOUTSIDE = {str(tmp_path / 'outside.txt')!r}\n" + SNOOP))
    nbformat.write(snoop, cohort["inbox"] / "eve" / NAMES["02_tables"])
    arguments = ["course", "grade", str(SMALL), "--submissions", str(cohort["inbox"]),
                 "--roster", str(cohort["roster"]), "--secret", str(cohort["secret"]),
                 "--gradebook", str(cohort["gradebook"]), "--jobs", "2",
                 "--cell-timeout", "30", "--notebook-timeout", "60"]
    assert main(arguments) == 0
    runs = _table(cohort)
    assert runs["ana", "01_counting"]["score"] == 5 and runs["ana", "02_tables"]["score"] == 6
    assert runs["bob", "01_counting"]["status"] == "error"
    assert runs["cid", "01_counting"]["score"] == 5
    assert runs["dan", "01_counting"]["status"] == "malformed"
    assert runs["eve", "02_tables"]["score"] == 5
    if os.geteuid() == 0:
        assert runs["ana", "01_counting"]["isolation"] != "none"
        executed = nbformat.read(runs["eve", "02_tables"]["executed_path"], as_version=4)
        from vidlab.course.answers import read_answers

        snooped = read_answers(executed)
        # denied, or not even visible (the sandbox has its own /tmp)
        outcomes = {name: snooped[f"snoop.{name}"] for name in (*targets, "write")}
        assert set(outcomes.values()) <= {"PermissionError", "FileNotFoundError"}, outcomes
        assert not (tmp_path / "outside.txt").exists()
        assert list(keys.iterdir())
    with sqlite3.connect(cohort["gradebook"]) as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone()[0] == 8
    assert json.loads(runs["ana", "02_tables"]["answers"]["tables.top3"]["submitted"])


def test_cli_check_golden(fake, capsys):
    assert main(["course", "check", str(SMALL), "--golden", "--seeds", "1"]) == 0
    out = capsys.readouterr().out
    assert "golden-1  basics/01_counting: blank 0, source 5 of 5" in out
    assert "OK: the blank release scores 0 and the source full marks for 1 seeds" in out


def test_per_trainee_datasets_are_generated_once_and_injected(project, fake, tmp_path,
                                                             monkeypatch):
    made = []

    def generate(out, preset, seed, force=False, jobs=1):
        made.append((preset, seed))
        out.mkdir(parents=True)
        (out / "dataset.json").write_text(json.dumps({"preset": preset, "seed": seed}))
        return out

    monkeypatch.setattr(vidlab.synth.dataset, "generate_dataset", generate)
    project.notebook("m/a.ipynb", 'from vidlab.course import answer\n'
                     '# BEGIN SOLUTION\nvalue = open(dataset + "/dataset.json").read()\n'
                     '# END SOLUTION\nanswer("m.ds", value)')
    curriculum = project.curriculum([{"id": "m", "title": "M", "lessons": [
        lesson("a", "m/a.ipynb", answers=["m.ds"])]}])
    (project.dataset / "dataset.json").write_text('{"preset": "tiny", "seed": 5}')
    roster = tmp_path / "roster.csv"
    roster.write_text("trainee_id\nana\nbob\n")
    secret = tmp_path / "instructor" / "course.key"
    release_course(curriculum, roster, tmp_path / "release", secret=secret)
    inbox = tmp_path / "inbox"
    for trainee in ("ana", "bob"):
        (inbox / trainee).mkdir(parents=True)
        (inbox / trainee / "a.ipynb").write_bytes(
            (project.root / "notebooks" / "m" / "a.ipynb").read_bytes())
    grade_course(curriculum, inbox, tmp_path / "g.sqlite", roster=roster, secret=secret)
    assert len(made) == 2 and len(set(made)) == 2 and all(p == "tiny" for p, _ in made)
    datasets = {params["dataset"] for _, params in fake.runs}
    assert len(datasets) == 2
    assert all(d.startswith(str(secret.parent / "course-cache" / "datasets")) for d in datasets)
    with Gradebook(tmp_path / "g.sqlite") as book:
        assert [run["score"] for run in book.latest()] == [1.0, 1.0]
    grade_course(curriculum, inbox, tmp_path / "g.sqlite", roster=roster, secret=secret,
                 force=True)
    assert len(made) == 2  # generated once
    shared = FakeExecutor()
    monkeypatch.setattr(grading, "execute_notebook", shared)
    grade_course(curriculum, inbox, tmp_path / "g.sqlite", roster=roster, secret=secret,
                 force=True, per_trainee_data=False)
    assert {params["dataset"] for _, params in shared.runs} == {str(project.dataset.resolve())}


def test_the_dataset_folder_stays_readable_in_the_sandbox(monkeypatch):
    """Per-trainee datasets live beside the secret (behind a 0700 folder): the sandbox is
    told to bind the dataset folder read-only."""
    import vidlab.course.sandbox

    calls = []
    monkeypatch.setattr(vidlab.course.sandbox, "execute_sandboxed",
                        lambda *args, **kwargs: calls.append(kwargs))
    limits = grading.Limits(cell_timeout=7)
    grading.execute_notebook("a.ipynb", "out.ipynb", parameters={"seed": 1, "dataset": "/d"},
                             workdir="w", limits=limits)
    grading.execute_notebook("a.ipynb", "out.ipynb", parameters={"seed": 1}, workdir="w")
    assert [(c["readable"], c["cell_timeout"]) for c in calls] == [(["/d"], 7), ([], 60)]


def test_a_symbolic_link_is_refused_unread(cohort, fake):
    (cohort["inbox"] / "fay").mkdir()
    (cohort["inbox"] / "fay" / NAMES["01_counting"]).symlink_to(cohort["secret"])
    (cohort["inbox"] / "fay" / NAMES["02_tables"]).symlink_to(
        cohort["inbox"] / "ana" / NAMES["02_tables"])
    _grade(cohort)
    runs = _table(cohort)
    for lesson_id in NAMES:
        assert runs["fay", lesson_id]["status"] == "malformed"
        assert "symbolic link" in runs["fay", lesson_id]["reason"]
    assert all(source != str(cohort["secret"]) for source, _ in fake.runs)
