"""Shared fixtures: tiny lesson notebooks and curricula written into a temporary project."""

import os
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def _conformance_dir():
    """Meta's PDQ/vPDQ reference data (read-only, outside the repository): $VIDLAB_CONFORMANCE,
    else ``shared/conformance`` beside the checkout, else this workplace's ``/work/shared``."""
    candidates = [os.environ.get("VIDLAB_CONFORMANCE"), REPO.parent / "shared" / "conformance",
                  "/work/shared/conformance"]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "pdq" / "expected.csv").is_file():
            return Path(candidate)
    return REPO.parent / "shared" / "conformance"


CONFORMANCE = _conformance_dir()

PARAMETERS_CELL = 'seed: int = 0\ndataset: str = "data"\noutput_dir: str = "."'


def write_notebook(path, *code_cells, parameters=PARAMETERS_CELL):
    """Write a notebook with a tagged ``parameters`` cell followed by ``code_cells``."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    cell = nbformat.v4.new_code_cell(parameters)
    cell.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# A lesson"), cell]
    notebook.cells += [nbformat.v4.new_code_cell(textwrap.dedent(code)) for code in code_cells]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def project(tmp_path):
    """A temporary project root with ``curricula/``, ``notebooks/`` and a fake dataset.

    ``project.curriculum(modules, **top)`` writes ``curricula/test.yml`` and returns its path.
    """

    class Project:
        root = tmp_path
        dataset = tmp_path / "data"

        def notebook(self, name, *code_cells, **kwargs):
            return write_notebook(tmp_path / "notebooks" / name, *code_cells, **kwargs)

        def curriculum(self, modules, **top):
            document = {"id": "test", "title": "Test course",
                        "parameters": {"dataset": "data", "seed": 0}, "modules": modules, **top}
            path = tmp_path / "curricula" / "test.yml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(yaml.safe_dump(document, sort_keys=False))
            return path

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "dataset.json").write_text("{}")
    return Project()


def lesson(lesson_id, notebook, **extra):
    """A lesson entry for :meth:`project.curriculum`."""
    return {"id": lesson_id, "title": lesson_id.title(), "notebook": f"notebooks/{notebook}",
            "minutes": 10, "objectives": ["Learn something"], **extra}
