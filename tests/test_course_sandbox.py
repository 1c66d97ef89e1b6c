"""Tests of vidlab.course.sandbox: hostile submissions each get a recorded result."""

import os
import sys
from pathlib import Path

import nbformat
import pytest

from vidlab.course.sandbox import STATUSES, SandboxResult, execute_sandboxed
from vidlab.exceptions import InvalidParameterError

IS_ROOT = os.geteuid() == 0
root_only = pytest.mark.skipif(not IS_ROOT, reason="the privilege drop needs root")
ANSWER = "from vidlab.course import answer\n"


def _notebook(folder, *sources, parameters="seed = 0"):
    """A tiny submission: an optional parameters cell, then one code cell per source."""
    cells = []
    if parameters is not None:
        cells.append(nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    path = Path(folder) / "submission.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


def _run(tmp_path, source, **limits):
    limits = {"cell_timeout": 20, "notebook_timeout": 60, "memory_mb": 2048, **limits}
    return execute_sandboxed(source, tmp_path / "out" / "executed.ipynb",
                             parameters={"seed": 21}, workdir=tmp_path / "work", **limits)


def test_injected_parameters_override_a_changed_seed(tmp_path):
    source = _notebook(
        tmp_path,
        ANSWER + "answer('b', seed + 1)",  # cells reordered: 'b' before 'a'
        "answer('a', seed)",
        "answer('a', seed * 2)",  # a duplicated answer cell: the last recording wins
        "answer('double', seed * 2)",
        parameters="seed = 999",
    )
    result = _run(tmp_path, source)
    assert isinstance(result, SandboxResult)
    assert (result.status, result.reason) == ("ok", "")
    assert result.answers == {"a": 42, "b": 22, "double": 42}
    assert result.isolation == ("user+namespaces" if IS_ROOT else "none")
    executed = nbformat.read(result.output, as_version=4)
    assert [cell.metadata.tags for cell in executed.cells][:2] == [
        ["parameters"], ["injected-parameters"]
    ]
    assert result.duration_s > 0


@pytest.mark.slow
def test_deleted_reordered_and_duplicated_cells(tmp_path):
    source = _notebook(
        tmp_path,
        ANSWER + "answer('b', seed + 1)",
        "answer('a', seed)",
        "answer('a', seed * 2)",  # a duplicated answer cell: the last recording wins
        parameters=None,  # the parameters cell was deleted: injected first
    )
    result = _run(tmp_path, source)
    assert (result.status, result.answers) == ("ok", {"a": 42, "b": 22})


@pytest.mark.slow  # the same holds in the fast memory, sys.exit and kill tests
def test_an_error_keeps_the_answers_recorded_before_it(tmp_path):
    source = _notebook(tmp_path, ANSWER + "answer('first', 1)", "1 / 0", "answer('never', 2)")
    result = _run(tmp_path, source)
    assert result.status == "error"
    assert result.answers == {"first": 1}
    assert "ZeroDivisionError" in result.reason and "\n" not in result.reason
    assert result.cell_index == 3  # parameters, injected parameters, answer, 1 / 0


def test_infinite_loop_hits_the_cell_timeout(tmp_path):
    source = _notebook(tmp_path, "while True:\n    pass", "print('never')")
    result = _run(tmp_path, source, cell_timeout=3)
    assert (result.status, result.reason) == ("timeout", "cell 2 ran longer than 3 s")
    assert result.cell_index == 2
    executed = nbformat.read(result.output, as_version=4)
    assert executed.cells[3].outputs == []


@pytest.mark.slow
def test_slow_cells_hit_the_notebook_timeout(tmp_path):
    sleep = "import time\ntime.sleep(2)"
    source = _notebook(tmp_path, sleep, sleep, sleep, ANSWER + "answer('late', 1)")
    result = _run(tmp_path, source, cell_timeout=10, notebook_timeout=3)
    assert result.status == "timeout"
    assert "notebook ran longer than 3 s" in result.reason
    assert result.answers == {}


def test_allocating_far_more_than_the_memory_limit(tmp_path):
    source = _notebook(
        tmp_path, ANSWER + "answer('before', 1)",
        "import numpy as np\nblock = np.ones(8 * 2**30, dtype=np.uint8)",
    )
    result = _run(tmp_path, source, memory_mb=1536)
    assert result.status == "memory"
    assert "MemoryError" in result.reason
    assert result.answers == {"before": 1}


def test_sys_exit_is_an_error(tmp_path):
    source = _notebook(tmp_path, ANSWER + "answer('before', 1)", "import sys\nsys.exit(3)")
    result = _run(tmp_path, source)
    assert result.status == "error"
    assert "SystemExit" in result.reason
    assert result.answers == {"before": 1}


@pytest.mark.parametrize("suicide", [
    pytest.param("import os\nos._exit(1)", marks=pytest.mark.slow),
    "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
])
def test_a_kernel_that_exits_or_kills_itself(tmp_path, suicide):
    source = _notebook(tmp_path, ANSWER + "answer('before', 1)", suicide, "answer('after', 2)")
    result = _run(tmp_path, source)
    assert result.status == "kernel_died"
    assert "cell 3" in result.reason
    assert result.answers == {"before": 1}


@pytest.mark.parametrize("content", [b"{not json", b'{"cells": 3}', b"\xff\xfe", b""])
def test_malformed_submissions(tmp_path, content):
    source = tmp_path / "submission.ipynb"
    source.write_bytes(content)
    result = _run(tmp_path, source)
    assert result.status == "malformed"
    assert result.reason.startswith("not a valid notebook")
    assert result.answers == {} and result.output is None
    assert not (tmp_path / "out" / "executed.ipynb").exists()


def test_a_missing_submission_is_malformed(tmp_path):
    result = _run(tmp_path, tmp_path / "absent.ipynb")
    assert result.status == "malformed"
    assert "cannot read the submission" in result.reason


def test_a_200_mb_output_is_stopped(tmp_path):
    source = _notebook(
        tmp_path, ANSWER + "answer('before', 1)",
        "for _ in range(200):\n    print('x' * 2**20)",
    )
    result = _run(tmp_path, source, max_output_mb=2)
    assert result.status == "output_too_large"
    assert "exceed 2 MB" in result.reason
    assert result.answers == {}  # an oversized notebook is not parsed
    assert not (tmp_path / "out" / "executed.ipynb").exists()


@root_only
def test_hostile_probes_are_contained(tmp_path):
    secret_dir = tmp_path / "instructor"
    secret_dir.mkdir(mode=0o700)
    secret = secret_dir / "course_secret"
    secret.write_text("TOP-SECRET-KEY-0123")
    secret.chmod(0o600)
    outside = tmp_path / "outside"
    outside.mkdir(mode=0o777)
    outside.chmod(0o777)  # even a world-writable folder outside workdir is out of reach
    os.chmod(tmp_path, 0o755)
    dataset = secret_dir / "cache" / "datasets" / "tiny-7"  # behind a 0700 folder
    dataset.mkdir(parents=True)
    (secret_dir / "cache").chmod(0o711)
    (secret_dir / "cache" / "datasets").chmod(0o711)
    (dataset / "dataset.json").write_text('{"seed": 7}')
    probes = f"""
import os, socket, subprocess
from pathlib import Path
def attempt(name, action):
    try:
        answer(name, action())
    except Exception as error:
        answer(name, 'denied: ' + type(error).__name__)
attempt('read_secret', lambda: Path({str(secret)!r}).read_text())
attempt('read_dataset', lambda: Path({str(dataset)!r}, 'dataset.json').read_text())
attempt('write_dataset', lambda: Path({str(dataset)!r}, 'x.txt').write_text('x'))
attempt('write_outside', lambda: Path({str(outside)!r}, 'x.txt').write_text('x'))
attempt('write_repo', lambda: Path({str(Path(__file__).parent)!r}, 'x.txt').write_text('x'))
attempt('network', lambda: socket.create_connection(('1.1.1.1', 53), timeout=3).close())
attempt('write_home', lambda: Path('~/notes.txt').expanduser().write_text('mine') and 'ok')
attempt('uid', lambda: os.getuid())
answer('env_leak', sorted(k for k in os.environ if 'SECRET' in k or 'TOKEN' in k))
daemon = subprocess.Popen(['sleep', '600'], start_new_session=True)
answer('daemon', daemon.pid)
"""
    os.environ["VIDLAB_TEST_SECRET"] = "x"
    try:
        result = _run(tmp_path, _notebook(tmp_path, ANSWER + probes), readable=[dataset])
    finally:
        del os.environ["VIDLAB_TEST_SECRET"]
    answers = result.answers
    assert result.status == "ok", result.reason
    assert str(answers["read_secret"]).startswith("denied")
    assert answers["read_dataset"] == '{"seed": 7}'  # readable=: bound read-only
    assert str(answers["write_dataset"]).startswith("denied")
    assert str(answers["write_outside"]).startswith("denied")
    assert str(answers["write_repo"]).startswith("denied")
    assert str(answers["network"]).startswith("denied")
    assert answers["write_home"] == "ok"
    assert answers["uid"] not in (0, os.getuid())
    assert answers["env_leak"] == []
    assert "TOP-SECRET" not in Path(result.output).read_text()
    assert not (outside / "x.txt").exists()
    assert (tmp_path / "work" / "notes.txt").read_text() == "mine"
    assert (tmp_path / "work" / "notes.txt").stat().st_uid == os.getuid()  # handed back
    # the daemon left the session; it is killed with every other process of the sandbox uid
    daemon_pid = answers["daemon"]
    assert not Path(f"/proc/{daemon_pid}").exists() or "Z" in _proc_state(daemon_pid)


@root_only
@pytest.mark.slow
def test_links_left_in_workdir_by_an_earlier_run_are_not_followed(tmp_path):
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "input.ipynb").write_text("precious")
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / ".sandbox").symlink_to(victim)
    result = _run(tmp_path, _notebook(tmp_path, ANSWER + "answer('q', seed)"))
    assert (result.status, result.answers) == ("ok", {"q": 21})
    assert (victim / "input.ipynb").read_text() == "precious"


@pytest.mark.slow
def test_without_root_it_runs_unisolated(tmp_path, monkeypatch):
    from vidlab.course import sandbox

    monkeypatch.setattr(sandbox.os, "geteuid", lambda: 1000)
    result = _run(tmp_path, _notebook(tmp_path, ANSWER + "import os\nanswer('uid', os.getuid())"))
    assert (result.status, result.isolation) == ("ok", "none")
    assert result.answers == {"uid": os.getuid()}


def _proc_state(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return "Z"


def test_statuses_are_the_contract():
    assert STATUSES == ("ok", "error", "timeout", "memory", "kernel_died", "malformed",
                        "output_too_large")


@pytest.mark.parametrize("name, value", [("cell_timeout", 0), ("memory_mb", 10),
                                         ("notebook_timeout", "60"), ("max_output_mb", -1)])
def test_bad_limits_raise(tmp_path, name, value):
    source = _notebook(tmp_path, "1")
    with pytest.raises(InvalidParameterError, match=name):
        execute_sandboxed(source, tmp_path / "o.ipynb", parameters={}, workdir=tmp_path / "w",
                          **{name: value})


def test_parameters_must_be_a_dict(tmp_path):
    with pytest.raises(InvalidParameterError, match="'parameters'"):
        execute_sandboxed(tmp_path / "s.ipynb", tmp_path / "o.ipynb", parameters=[1],
                          workdir=tmp_path / "w")


def test_mount_plan_keeps_the_environment_and_the_sources_visible(tmp_path):
    # a fresh clone under /tmp has its .venv and sources inside a covered folder
    from vidlab.course import sandbox

    covers, keeps = sandbox._mount_plan(tmp_path / "work")
    kept = {path for path, _ in keeps}
    for needed in (Path(sys.prefix).resolve(), Path(sandbox.__file__).resolve().parents[2]):
        hidden = any(str(needed).startswith(cover.rstrip("/") + "/") for cover in covers)
        assert not hidden or str(needed) in kept
