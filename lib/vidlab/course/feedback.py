"""Feedback from the gradebook: a page per trainee, a cohort report and a CSV of grades.

>>> paths = write_feedback("grades.sqlite", "feedback/")  # doctest: +SKIP

- ``<trainee id>.html``: per lesson, how the notebook ran (status, reason, notes such as a
  changed seed) and, per question, the trainee's answer, the expected one, the points and
  a hint (the lesson's markdown before the answer, see
  :func:`~vidlab.course.grading.grade_course`);
- ``cohort.html``: questions hardest first (mean score; full, partial, none, not
  submitted), per lesson the median score, failures by status, planned minutes, median
  working time (when JupyterLab recorded cell timing) and grading run time, and the
  distribution of total scores;
- ``grades.csv``: one row per trainee, for spreadsheets.

Everything a trainee wrote is HTML-escaped.
"""

import csv
import html
import statistics
from collections import defaultdict
from pathlib import Path

from vidlab.course.gradebook import Gradebook
from vidlab.course.release import private_dir
from vidlab.exceptions import InvalidParameterError

__all__ = ["write_feedback"]

_STYLE = """<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#222}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} code{white-space:pre-wrap;word-break:break-all;font-size:.85rem}
.full{background:#e8f5e9}.partial{background:#fff8e1}.none{background:#ffebee}
.note{color:#8a5300}.bar{background:#4c78a8;height:.8rem;display:inline-block}
</style>"""


def _e(value):
    return html.escape("" if value is None else str(value))


def _shown(text, limit=300):
    if text is None:
        return "(not recorded)"
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _css(fraction):
    return "full" if fraction >= 1 else "partial" if fraction > 0 else "none"


def _trainee_page(title, trainee, lessons, questions, runs):
    total = sum(run["score"] or 0 for run in runs.values())
    maximum = sum(q["points"] for q in questions)
    parts = [f"<!doctype html><meta charset='utf-8'><title>{_e(title)}: {_e(trainee['trainee_id'])}"
             f"</title>{_STYLE}<h1>{_e(title)}</h1>",
             f"<p>Trainee <b>{_e(trainee['trainee_id'])}</b> {_e(trainee['name'])}: "
             f"<b>{total:g}</b> of {maximum:g} points.</p>"]
    for lesson in lessons:
        key = (lesson["module_id"], lesson["lesson_id"])
        run = runs.get(key)
        parts.append(f"<h2>{_e(lesson['title'])} <small>({_e(lesson['notebook'])})</small></h2>")
        if run is None:
            parts.append("<p class='none'>Not submitted.</p>")
            continue
        status = "ran to the end" if run["status"] == "ok" else \
            f"stopped ({_e(run['status'])}): {_e(run['reason'])}"
        parts.append(f"<p>Your notebook {status}. Points: <b>{run['score'] or 0:g}</b> of "
                     f"{run['max_score'] or 0:g}.</p>")
        parts += [f"<p class='note'>Note: {_e(note)}</p>" for note in run["notes"]]
        parts.append("<table><tr><th>Question</th><th>Your answer</th><th>Expected</th>"
                     "<th>Points</th><th>Hint</th></tr>")
        for q in questions:
            if (q["module_id"], q["lesson_id"]) != key:
                continue
            row = run["answers"].get(q["answer_id"], {})
            fraction = row.get("fraction", 0)
            parts.append(
                f"<tr class='{_css(fraction)}'><td>{_e(q['answer_id'])}</td>"
                f"<td><code>{_e(_shown(row.get('submitted')))}</code></td>"
                f"<td><code>{_e(_shown(row.get('expected')))}</code></td>"
                f"<td>{row.get('points', 0):g} / {q['points']:g}<br><small>"
                f"{_e(row.get('detail', ''))}</small></td><td>{_e(q['hint'])}</td></tr>")
        parts.append("</table>")
    return "\n".join(parts)


def _cohort_page(title, trainees, lessons, questions, latest):
    n = len(trainees)
    by_question = defaultdict(list)
    for run in latest:
        for answer_id, row in run["answers"].items():
            by_question[run["module_id"], run["lesson_id"], answer_id].append(row["fraction"])
    parts = [f"<!doctype html><meta charset='utf-8'><title>{_e(title)}: cohort</title>{_STYLE}",
             f"<h1>{_e(title)}: cohort report</h1><p>{n} trainees, {len(latest)} graded "
             "submissions.</p><h2>Questions, hardest first</h2><table><tr><th>Lesson</th>"
             "<th>Question</th><th>Points</th><th>Mean score</th><th>Full / partial / none / "
             "not submitted</th></tr>"]
    stats = []
    for q in questions:
        fractions = by_question.get((q["module_id"], q["lesson_id"], q["answer_id"]), [])
        mean = statistics.fmean(fractions) if fractions else 0.0
        full = sum(f >= 1 for f in fractions)
        partial = sum(0 < f < 1 for f in fractions)
        stats.append((mean, q, full, partial, len(fractions) - full - partial,
                      n - len(fractions)))
    for mean, q, full, partial, none, absent in sorted(stats, key=lambda s: s[0]):
        parts.append(
            f"<tr><td>{_e(q['lesson_id'])}</td><td>{_e(q['answer_id'])}</td><td>{q['points']:g}"
            f"</td><td><span class='bar' style='width:{mean * 8:.1f}rem'></span> {mean:.0%}"
            f"</td><td>{full} / {partial} / {none} / {absent}</td></tr>")
    parts.append("</table><h2>Lessons</h2><table><tr><th>Lesson</th><th>Submitted</th>"
                 "<th>Median score</th><th>Not ok (status)</th><th>Planned minutes</th>"
                 "<th>Median working time (min)</th><th>Median grading run (s)</th></tr>")
    for lesson in lessons:
        runs = [r for r in latest
                if (r["module_id"], r["lesson_id"]) == (lesson["module_id"], lesson["lesson_id"])]
        scores = [r["score"] or 0 for r in runs]
        spans = [r["work_span_s"] / 60 for r in runs if r["work_span_s"] is not None]
        failed = defaultdict(int)
        for r in runs:
            if r["status"] != "ok":
                failed[r["status"]] += 1
        parts.append(
            f"<tr><td>{_e(lesson['title'])}</td><td>{len(runs)} / {n}</td>"
            f"<td>{statistics.median(scores) if scores else 0:g}</td>"
            f"<td>{_e(', '.join(f'{k}: {v}' for k, v in sorted(failed.items())) or '-')}</td>"
            f"<td>{lesson['minutes']:g}</td>"
            f"<td>{f'{statistics.median(spans):.0f}' if spans else 'not recorded'}</td>"
            f"<td>{statistics.median([r['duration_s'] or 0 for r in runs]) if runs else 0:.1f}"
            "</td></tr>")
    totals = defaultdict(float)
    for run in latest:
        totals[run["trainee_id"]] += run["score"] or 0
    maximum = sum(q["points"] for q in questions) or 1
    bins = [0] * 10
    for trainee in trainees:
        bins[min(int(totals[trainee["trainee_id"]] / maximum * 10), 9)] += 1
    parts.append("</table><h2>Total scores</h2><table><tr><th>Share of points</th>"
                 "<th>Trainees</th></tr>")
    for index, count in enumerate(bins):
        parts.append(f"<tr><td>{index * 10}-{index * 10 + 10}%</td><td><span class='bar' "
                     f"style='width:{count * 1.5}rem'></span> {count}</td></tr>")
    parts.append("</table>")
    return "\n".join(parts)


def write_feedback(gradebook, out) -> dict:
    """Write per-trainee HTML feedback, ``cohort.html`` and ``grades.csv`` into ``out``.

    Returns ``{"trainees": [paths], "cohort": path, "csv": path}``. ``grades.csv`` has one
    row per trainee: points per question, status and points per lesson, and the total.
    ``out`` is made mode 0700: each page shows the expected answers.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     with Gradebook(Path(folder) / "grades.sqlite") as book:
    ...         book.add_trainees([("ana", "Ana", "")])
    ...     paths = write_feedback(Path(folder) / "grades.sqlite", Path(folder) / "feedback")
    ...     [path.name for path in paths["trainees"]], paths["csv"].read_text().split()
    (['ana.html'], ['trainee_id,name,total,max', 'ana,Ana,0,0'])
    """
    gradebook = Path(gradebook)
    if not gradebook.is_file():
        raise InvalidParameterError(f"gradebook {str(gradebook)!r} does not exist")
    out = private_dir(out)
    with Gradebook(gradebook) as book:
        meta = {row["key"]: row["value"] for row in book.rows("SELECT * FROM meta")}
        title = meta.get("title", "Course")
        trainees = book.rows("SELECT * FROM trainees ORDER BY trainee_id")
        lessons = book.rows("SELECT * FROM lessons ORDER BY position")
        questions = book.rows(
            "SELECT q.* FROM questions q JOIN lessons l USING (module_id, lesson_id) "
            "ORDER BY l.position, q.position")
        latest = book.latest()
    by_trainee = defaultdict(dict)
    for run in latest:
        by_trainee[run["trainee_id"]][run["module_id"], run["lesson_id"]] = run
    pages = []
    for trainee in trainees:
        page = out / f"{trainee['trainee_id']}.html"
        page.write_text(_trainee_page(title, trainee, lessons, questions,
                                      by_trainee[trainee["trainee_id"]]), encoding="utf-8")
        pages.append(page)
    cohort = out / "cohort.html"
    cohort.write_text(_cohort_page(title, trainees, lessons, questions, latest),
                      encoding="utf-8")
    table = out / "grades.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["trainee_id", "name", *[q["answer_id"] for q in questions],
                         *[f"{lesson['lesson_id']} status" for lesson in lessons],
                         *[f"{lesson['lesson_id']} total" for lesson in lessons],
                         "total", "max"])
        for trainee in trainees:
            runs = by_trainee[trainee["trainee_id"]]
            points = []
            for q in questions:
                run = runs.get((q["module_id"], q["lesson_id"]))
                row = run["answers"].get(q["answer_id"]) if run else None
                points.append(f"{row['points']:g}" if row else "")
            statuses = [runs[(lesson["module_id"], lesson["lesson_id"])]["status"]
                        if (lesson["module_id"], lesson["lesson_id"]) in runs else "missing"
                        for lesson in lessons]
            totals = [runs[(lesson["module_id"], lesson["lesson_id"])]["score"]
                      if (lesson["module_id"], lesson["lesson_id"]) in runs else 0
                      for lesson in lessons]
            writer.writerow([trainee["trainee_id"], trainee["name"], *points, *statuses,
                             *[f"{t:g}" for t in totals], f"{sum(totals):g}",
                             f"{sum(q['points'] for q in questions):g}"])
    return {"trainees": pages, "cohort": cohort, "csv": table}
