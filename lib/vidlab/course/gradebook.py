"""The SQLite gradebook: trainees, lessons, questions, submissions, runs, answers, scores.

:func:`~vidlab.course.grading.grade_course` writes it, one transaction per graded
submission; :func:`~vidlab.course.feedback.write_feedback` reads it. The file is mode 0600.

Schema (``submissions`` is unique by trainee, lesson and sha256: re-grading the same file
replaces its run, so grades are never duplicated):

- ``meta(key, value)``: ``curriculum`` (id) and ``title``;
- ``trainees(trainee_id, name, email)``;
- ``lessons(module_id, lesson_id, position, title, notebook, minutes)``;
- ``questions(module_id, lesson_id, answer_id, position, points, compare, tolerance, hint)``;
- ``submissions(submission_id, trainee_id, module_id, lesson_id, sha256, path, size,
  received_at)``;
- ``runs(run_id, submission_id, status, reason, notes (JSON list), final, score, max_score,
  duration_s, key_duration_s, work_span_s, isolation, executed_path, graded_at,
  vidlab_version)``: one per submission; ``final = 0`` for ``key_error`` and
  ``grader_error`` (graded again next time);
- ``answers(run_id, answer_id, submitted, expected)`` (canonical JSON) and
  ``scores(run_id, answer_id, points, max_points, fraction, detail)``;
- the view ``latest``: each trainee's latest graded submission per lesson.
"""

import contextlib
import json
import os
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from vidlab import __version__
from vidlab.exceptions import InvalidParameterError

__all__ = ["Gradebook", "FINAL_STATUSES"]

#: Statuses of a graded run that are final: the sandbox's. Two more are not final (graded
#: again on the next run): ``key_error`` (the source notebook failed for this trainee) and
#: ``grader_error`` (a bug in the grader).
FINAL_STATUSES = ("ok", "error", "timeout", "memory", "kernel_died", "malformed",
                  "output_too_large")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS trainees (
    trainee_id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS lessons (
    module_id TEXT, lesson_id TEXT, position INTEGER, title TEXT, notebook TEXT,
    minutes REAL, PRIMARY KEY (module_id, lesson_id));
CREATE TABLE IF NOT EXISTS questions (
    module_id TEXT, lesson_id TEXT, answer_id TEXT, position INTEGER, points REAL,
    compare TEXT, tolerance REAL, hint TEXT, PRIMARY KEY (module_id, lesson_id, answer_id));
CREATE TABLE IF NOT EXISTS submissions (
    submission_id INTEGER PRIMARY KEY, trainee_id TEXT NOT NULL REFERENCES trainees,
    module_id TEXT NOT NULL, lesson_id TEXT NOT NULL, sha256 TEXT NOT NULL, path TEXT,
    size INTEGER, received_at TEXT, UNIQUE (trainee_id, module_id, lesson_id, sha256));
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL UNIQUE REFERENCES submissions ON DELETE CASCADE,
    status TEXT NOT NULL, reason TEXT, notes TEXT, final INTEGER NOT NULL,
    score REAL, max_score REAL, duration_s REAL, key_duration_s REAL, work_span_s REAL,
    isolation TEXT, executed_path TEXT, graded_at TEXT, vidlab_version TEXT);
CREATE TABLE IF NOT EXISTS answers (
    run_id INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE, answer_id TEXT NOT NULL,
    submitted TEXT, expected TEXT, PRIMARY KEY (run_id, answer_id));
CREATE TABLE IF NOT EXISTS scores (
    run_id INTEGER NOT NULL REFERENCES runs ON DELETE CASCADE, answer_id TEXT NOT NULL,
    points REAL NOT NULL, max_points REAL NOT NULL, fraction REAL NOT NULL, detail TEXT,
    PRIMARY KEY (run_id, answer_id));
CREATE VIEW IF NOT EXISTS latest AS
    SELECT s.*, r.run_id, r.status, r.reason, r.notes, r.final, r.score, r.max_score,
           r.duration_s, r.work_span_s, r.isolation, r.executed_path, r.graded_at
    FROM submissions s JOIN runs r USING (submission_id)
    WHERE s.submission_id = (
        SELECT s2.submission_id FROM submissions s2 JOIN runs r2 USING (submission_id)
        WHERE s2.trainee_id = s.trainee_id AND s2.module_id = s.module_id
          AND s2.lesson_id = s.lesson_id
        ORDER BY s2.received_at DESC, s2.submission_id DESC LIMIT 1);
"""


class Gradebook:
    """The SQLite gradebook (file mode 0600): trainees, lessons, questions, submissions,
    runs, answers, scores; the view ``latest`` holds each trainee's latest graded submission
    per lesson. Every write is one transaction.

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with Gradebook(Path(folder) / "grades.sqlite") as book:
    ...         book.add_trainees([("ana", "Ana", "")])
    ...         book.count("trainees")
    1
    """

    def __init__(self, path):
        self.path = Path(path)
        if self.path.is_dir():
            raise InvalidParameterError(f"gradebook {str(self.path)!r} is a folder, not a file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.connection.execute("PRAGMA foreign_keys = ON")
            self.connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise InvalidParameterError(
                f"gradebook {str(self.path)!r} is not a vidlab gradebook: {error}") from error
        self.connection.row_factory = sqlite3.Row

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.connection.close()

    @contextlib.contextmanager
    def transaction(self):
        """``with book.transaction() as db:`` one ``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled
        back on any exception (a kill leaves the last committed state)."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self.connection
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def count(self, table):
        """Number of rows of ``table`` (a name of this schema)."""
        return self.connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def rows(self, sql, *args):
        """The rows of a query, as dicts."""
        return [dict(row) for row in self.connection.execute(sql, args)]

    def add_trainees(self, trainees):
        """Insert or update ``(trainee_id, name, email)`` tuples; an empty name or email
        keeps the one already known."""
        with self.transaction() as db:
            # a roster without names (submission folders) keeps the names already known
            db.executemany(
                "INSERT INTO trainees VALUES (?, ?, ?) ON CONFLICT(trainee_id) DO UPDATE SET "
                "name = coalesce(nullif(excluded.name, ''), name), "
                "email = coalesce(nullif(excluded.email, ''), email)", trainees)

    def set_course(self, curriculum, hints):
        """Store the curriculum's lessons and questions (``hints``: ``{(module id, lesson
        id, answer id): text}``)."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('curriculum', ?)", (curriculum.id,))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('title', ?)", (curriculum.title,))
            db.execute("DELETE FROM questions")
            for position, (module, lesson) in enumerate(curriculum.lessons):
                db.execute("INSERT OR REPLACE INTO lessons VALUES (?, ?, ?, ?, ?, ?)",
                           (module.id, lesson.id, position, lesson.title,
                            Path(lesson.notebook).name, lesson.minutes))
                for index, spec in enumerate(lesson.answers):
                    db.execute("INSERT INTO questions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               (module.id, lesson.id, spec.id, index, spec.points, spec.compare,
                                spec.tolerance, hints.get((module.id, lesson.id, spec.id), "")))

    def is_graded(self, trainee_id, module_id, lesson_id, sha256):
        """Whether this exact file (sha256) already has a final run."""
        row = self.connection.execute(
            "SELECT 1 FROM submissions JOIN runs USING (submission_id) WHERE trainee_id = ? "
            "AND module_id = ? AND lesson_id = ? AND sha256 = ? AND final = 1",
            (trainee_id, module_id, lesson_id, sha256)).fetchone()
        return row is not None

    def record(self, record):
        """Write one graded submission (replacing an earlier run of the same file) atomically."""
        final = int(record["status"] in FINAL_STATUSES)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO submissions (trainee_id, module_id, lesson_id, sha256, path, size, "
                "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (trainee_id, module_id, "
                "lesson_id, sha256) DO UPDATE SET path = excluded.path",
                (record["trainee_id"], record["module_id"], record["lesson_id"],
                 record["sha256"], record["path"], record["size"], record["received_at"]))
            submission_id = db.execute(
                "SELECT submission_id FROM submissions WHERE trainee_id = ? AND module_id = ? "
                "AND lesson_id = ? AND sha256 = ?",
                (record["trainee_id"], record["module_id"], record["lesson_id"],
                 record["sha256"])).fetchone()[0]
            db.execute("DELETE FROM runs WHERE submission_id = ?", (submission_id,))
            answers = record["answers"]
            run_id = db.execute(
                "INSERT INTO runs (submission_id, status, reason, notes, final, score, "
                "max_score, duration_s, key_duration_s, work_span_s, isolation, executed_path, "
                "graded_at, vidlab_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, record["status"], record["reason"],
                 json.dumps(record["notes"]), final,
                 round(sum(a["points"] for a in answers), 6),
                 sum(a["max_points"] for a in answers), record["duration_s"],
                 record["key_duration_s"], record["work_span_s"], record["isolation"],
                 record["executed_path"], datetime.now(UTC).isoformat(timespec="seconds"),
                 __version__)).lastrowid
            db.executemany("INSERT INTO answers VALUES (?, ?, ?, ?)",
                           [(run_id, a["answer_id"], a["submitted"], a["expected"])
                            for a in answers])
            db.executemany("INSERT INTO scores VALUES (?, ?, ?, ?, ?, ?)",
                           [(run_id, a["answer_id"], a["points"], a["max_points"],
                             a["fraction"], a["detail"]) for a in answers])
        return run_id

    def latest(self):
        """Each trainee's latest graded submission per lesson, with its answers and scores."""
        runs = self.rows("SELECT * FROM latest ORDER BY trainee_id, module_id, lesson_id")
        details = defaultdict(list)
        for row in self.rows(
            "SELECT a.run_id, a.answer_id, a.submitted, a.expected, s.points, s.max_points, "
            "s.fraction, s.detail FROM answers a JOIN scores s USING (run_id, answer_id)"
        ):
            details[row["run_id"]].append(row)
        for run in runs:
            run["answers"] = {row["answer_id"]: row for row in details[run["run_id"]]}
            run["notes"] = json.loads(run["notes"] or "[]")
        return runs
