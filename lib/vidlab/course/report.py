"""The course page (``index.html``) of an executed curriculum, and the page of a sweep.

>>> write_course_page(curriculum, course_run)  # doctest: +SKIP
PosixPath('runs/foundations/index.html')
>>> write_sweep_page(sweep_run)  # doctest: +SKIP
PosixPath('runs/trend-study-sweep/sweep.html')
"""

import json

from jinja2 import Environment, PackageLoader, select_autoescape

from vidlab import __version__

__all__ = ["write_course_page", "write_sweep_page"]

_environment = Environment(
    loader=PackageLoader("vidlab.course", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters["json"] = lambda value: json.dumps(value, ensure_ascii=False)


def write_course_page(curriculum, course_run):
    """Write ``<out>/index.html``: modules, lessons, objectives, status, timings, answers, links."""
    runs = {(run.module, run.lesson): run for run in course_run.lessons}
    modules = [
        {
            "module": module,
            "lessons": [(lesson, runs[module.id, lesson.id]) for lesson in module.lessons],
        }
        for module in curriculum.modules
    ]
    page = _environment.get_template("index.html").render(
        curriculum=curriculum,
        run=course_run,
        modules=modules,
        n_failed=sum(run.status != "ok" for run in course_run.lessons),
        version=__version__,
    )
    course_run.index_html.write_text(page, encoding="utf-8")
    return course_run.index_html


def write_sweep_page(sweep_run):
    """Write ``<out>/sweep.html``: the summary table, one row per parameter set, with links
    to each lesson's report and the errors of failed lessons."""
    page = _environment.get_template("sweep.html").render(
        sweep=sweep_run,
        columns=list(sweep_run.summary.columns),
        rows=sweep_run.summary.to_dict("records"),
        n_failed=int((sweep_run.summary["status"] != "ok").sum()),
        version=__version__,
    )
    sweep_run.summary_html.write_text(page, encoding="utf-8")
    return sweep_run.summary_html
