"""An in-process stand-in for the sandbox, so that grading logic is tested in milliseconds.

``FakeExecutor`` runs a notebook's code cells with ``exec`` in this process (parameters
injected after the ``parameters`` cell, as papermill does) and collects the answers that
``vidlab.course.answer`` displays. The real sandbox is tested in test_course_sandbox.py and by
the end-to-end tests marked ``slow``.
"""

import time
from pathlib import Path
from types import SimpleNamespace
from unittest import mock

import nbformat

from vidlab.course.answers import ANSWER_MIME_TYPE

SMALL = Path(__file__).parent / "data" / "course_small" / "curricula" / "small.yml"


class FakeExecutor:
    """Call it like ``grading.execute_notebook``; counts its runs; ``interrupt_after``
    simulates a kill."""

    def __init__(self, interrupt_after=None):
        self.runs = []
        self.interrupt_after = interrupt_after

    def __call__(self, source, output, *, parameters, workdir, limits, kernel_name):
        if self.interrupt_after is not None and len(self.runs) >= self.interrupt_after:
            raise KeyboardInterrupt
        self.runs.append((str(source), dict(parameters)))
        started = time.perf_counter()
        try:
            notebook = nbformat.read(source, as_version=4)
        except Exception as error:
            return self._result("malformed", f"not a notebook: {type(error).__name__}", {},
                                started)
        recorded = {}

        def display(data, raw=False):
            if ANSWER_MIME_TYPE in data:
                recorded[data[ANSWER_MIME_TYPE]["id"]] = data[ANSWER_MIME_TYPE]["value"]

        namespace = {}
        injected = "\n".join(f"{name} = {value!r}" for name, value in parameters.items())
        cells = [c for c in notebook.cells if c.cell_type == "code"]
        if not any("parameters" in c.metadata.get("tags", []) for c in cells):
            exec(injected, namespace)
        with mock.patch("IPython.display.display", display):
            for index, cell in enumerate(cells):
                try:
                    exec(cell.source, namespace)
                    if "parameters" in cell.metadata.get("tags", []):
                        exec(injected, namespace)
                except Exception as error:
                    if "raises-exception" in cell.metadata.get("tags", []):
                        continue
                    reason = f"cell {index} raised {type(error).__name__}: {error}"
                    return self._result("error", reason, recorded, started)
        Path(output).write_text(nbformat.writes(notebook), encoding="utf-8")
        return self._result("ok", "", recorded, started)

    @staticmethod
    def _result(status, reason, answers, started):
        return SimpleNamespace(status=status, reason=reason, answers=answers,
                               duration_s=round(time.perf_counter() - started, 3),
                               isolation="none")
