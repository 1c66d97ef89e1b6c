"""Executing untrusted notebooks (trainee submissions) with limits and, when root, isolation.

:func:`execute_sandboxed` runs one notebook in a separate process and always returns a
:class:`SandboxResult`; a crashing, looping, memory-hungry, noisy or malformed submission
gets a status and a one-line reason, never an exception:

>>> import tempfile
>>> from pathlib import Path
>>> folder = Path(tempfile.mkdtemp())
>>> _ = (folder / "lesson.ipynb").write_text("{not json")
>>> result = execute_sandboxed(folder / "lesson.ipynb", folder / "out.ipynb",
...                            parameters={"seed": 21}, workdir=folder / "work")
>>> result.status, result.reason[:20], result.answers
('malformed', 'not a valid notebook', {})

How it works
------------
The caller (the grader) reads the submission, rejects what is not a notebook
(``malformed``), injects ``parameters`` papermill-style (a cell tagged
``injected-parameters`` after the cell tagged ``parameters``, or first when there is none;
the submission's own values are overridden) and writes the prepared notebook into
``workdir/.sandbox/``. An executor process (nbclient) runs it in a new session with
``cwd`` = ``HOME`` = ``workdir``, ``TMPDIR`` inside it, a minimal environment (nothing of
the caller's environment variables) and resource limits inherited by the kernel:

- ``RLIMIT_AS`` = ``memory_mb`` per process (address space: the kernel needs about 1.2 GB
  of it to import pandas); a big allocation fails with ``MemoryError``: status ``memory``;
- ``RLIMIT_FSIZE``: no file over ``max(4 * max_output_mb, 256)`` MB; ``RLIMIT_CORE`` = 0;
  ``RLIMIT_NPROC`` = 256 processes and threads (when root: per sandbox uid);
- ``cell_timeout`` per cell and ``notebook_timeout`` for the notebook, enforced by the
  executor (the kernel is killed); everything is killed 10 s after ``notebook_timeout``;
- outputs are counted as they arrive; past ``max_output_mb`` they are dropped, the kernel
  is interrupted and the status is ``output_too_large`` (the notebook is not parsed).

The executor stops at the first failing cell, as papermill does; the answers recorded
before it are returned. ``cell_index`` counts the cells of the prepared notebook (the
injected parameters cell included).

Isolation
---------
When the caller is root (``isolation="user+namespaces"``), the executor and the kernel run
as a fresh unprivileged uid and gid (``SANDBOX_UID_BASE`` + the caller's pid: unique
while the caller runs, so run one sandbox at a time per process; no supplementary
groups), in a private network namespace (loopback only: no network) and a private mount
namespace where ``/tmp``, ``/var/tmp`` and ``/dev/shm`` are empty tmpfs, any folder the
sandbox user could not search above the interpreter, a ``readable`` folder (the dataset)
or ``workdir`` is replaced by an empty tmpfs too, and only the interpreter and the
``readable`` folders (read-only) and ``workdir`` (read-write) are bind-mounted back at their
own paths. After the run every process of that uid is killed,
including daemons that left the session, and ``workdir`` is handed back to the caller.
If the namespaces cannot be created, only the uid changes (``isolation="user"``;
the parents of ``workdir`` and of the ``readable`` folders must then be searchable by
others).
When the caller is not root none of this is possible (``isolation="none"``): the limits,
the timeouts and the clean environment still apply, but the notebook runs with the
caller's rights and a daemon it starts outside its session survives.

Protected, when root: files that are not world-readable (keep keys, gradebook and course
secret mode 0600 in 0700 folders), everything in ``/tmp`` and in folders others cannot
search (invisible), every file outside ``workdir`` (no write access, no shared
world-writable folder), other submissions (own uid, 0700 ``workdir``), the network, the
caller's environment variables and processes.
Not protected: world-readable files outside the covered folders (the repository, datasets,
``/etc``) stay readable, which datasets need; CPU time is capped only by the timeouts; disk
use in ``workdir`` only per file; the kernel shares its uid with its executor, so it can
fake its own status, answers or executed notebook (never read a key); no seccomp filter,
no cgroup (the memory limit is address space per process, times at most 256 processes).
"""

import contextlib
import ctypes
import errno
import json
import os
import resource
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from vidlab.exceptions import InvalidParameterError

__all__ = ["execute_sandboxed", "SandboxResult", "STATUSES", "SANDBOX_UID_BASE"]

#: The statuses a :class:`SandboxResult` can have.
STATUSES = ("ok", "error", "timeout", "memory", "kernel_died", "malformed", "output_too_large")
#: Sandboxed runs use uid = gid = SANDBOX_UID_BASE + the caller's pid (unique while it runs).
SANDBOX_UID_BASE = 2_000_000
_KILL_GRACE_S = 10  # the executor gets this long past notebook_timeout before a hard kill
_NPROC_LIMIT = 256
_MEMORY_MARKS = ("MemoryError", "Cannot allocate memory", "bad_alloc", "out of memory")
_PRIVATE_DIR = ".sandbox"  # inside workdir: the prepared notebook, config, kernel runtime


@dataclass
class SandboxResult:
    """The outcome of :func:`execute_sandboxed`.

    ``status`` is one of :data:`STATUSES`; ``reason`` is one line (empty when ``ok``);
    ``answers`` are the answers recorded before any failure (``{}`` when none, or when
    the output was too large or not a notebook); ``isolation`` is ``"user+namespaces"``,
    ``"user"`` or ``"none"``; ``output`` is the executed notebook's path when one was
    written; ``cell_index`` is the index of the failing cell in the prepared notebook.
    """

    status: str
    reason: str = ""
    duration_s: float = 0.0
    answers: dict = field(default_factory=dict)
    isolation: str = "none"
    output: str | None = None
    cell_index: int | None = None

    @property
    def ok(self):
        return self.status == "ok"


# --------------------------------------------------------------------------- caller side


def _check_number(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= minimum:
        raise InvalidParameterError(
            f"The {name!r} parameter of execute_sandboxed must be a number >= {minimum}. "
            f"Got {value!r} instead."
        )
    return value


def _prepare(source, parameters, kernel_name, max_source_bytes):
    """Read and parameterise the submission; return (notebook, None) or (None, reason)."""
    import logging

    import nbformat
    from papermill.parameterize import parameterize_notebook

    try:
        with open(source, "rb") as handle:
            raw = handle.read(max_source_bytes + 1)
    except OSError as error:
        return None, f"cannot read the submission: {error.strerror or error}"
    if len(raw) > max_source_bytes:
        return None, f"the submission is larger than {max_source_bytes // 2**20} MB"
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
        nbformat.validate(nb)
    except Exception as error:  # any parse or schema failure means "not a notebook"
        message = " ".join(str(error).split())[:200]
        return None, f"not a valid notebook: {type(error).__name__}: {message}"
    nb.metadata["kernelspec"] = {"name": kernel_name, "language": "python",
                                 "display_name": kernel_name}
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata["papermill"] = {}
    logger = logging.getLogger("papermill")  # silence "no cell with tag 'parameters'"
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        nb = parameterize_notebook(nb, dict(parameters), kernel_name=kernel_name,
                                   language="python")
    finally:
        logger.setLevel(level)
    return nb, None


def _sandbox_env(workdir, private):
    venv_bin = str(Path(sys.executable).parent)
    return {
        "PATH": f"{venv_bin}:/usr/local/bin:/usr/bin:/bin",
        "HOME": str(workdir),
        "TMPDIR": str(private / "tmp"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_RUNTIME_DIR": str(private / "runtime"),
        "JUPYTER_CONFIG_DIR": str(private / "jupyter"),
        "IPYTHONDIR": str(private / "ipython"),
        "MPLCONFIGDIR": str(private / "matplotlib"),
        "MPLBACKEND": "Agg",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "TQDM_DISABLE": "1",
    }


_CLONE_NEWNS = 0x00020000
_CLONE_NEWNET = 0x40000000
_MS_REC = 0x4000
_MS_PRIVATE = 1 << 18
_MS_NOSUID = 2
_MS_NODEV = 4
_MS_RDONLY = 1
_MS_REMOUNT = 32
_MS_BIND = 4096
_SIOCSIFFLAGS = 0x8914
_IFF_UP = 0x1


_TMP_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def _blocked_ancestor(path):
    """The topmost folder above ``path`` that others cannot search, or None."""
    blocked = [p for p in reversed(path.parents) if not os.stat(p).st_mode & stat.S_IXOTH]
    return str(blocked[0]) if blocked else None


def _mount_plan(workdir, readable=()):
    """``(covers, keeps)`` for the sandbox's mount namespace.

    Each ``cover`` folder is replaced by an empty tmpfs: the shared temporary folders, and
    the topmost folder the sandbox user cannot search above the interpreter (it may live in
    ``/root/.pyenv``), the virtual environment, vidlab's sources, a ``readable`` folder or
    ``workdir``. Then each ``(keep, read_only)`` folder is bind-mounted back at its own path:
    the interpreter, the environment, the sources and the ``readable`` folders read-only,
    ``workdir`` read-write. The rest of a covered folder
    is invisible in the sandbox.
    """
    covers = [tmp for tmp in _TMP_DIRS if os.path.isdir(tmp)]
    keeps = []
    # the interpreter, the virtual environment (it may live under /tmp, e.g. a fresh clone
    # there) and the vidlab sources (an editable install points into the repository)
    needed = {Path(sys.base_prefix).resolve(), Path(sys.executable).resolve().parent,
              Path(sys.prefix).resolve(), Path(__file__).resolve().parents[2]}
    needed |= {Path(p).resolve() for p in readable if Path(p).is_dir()}
    for path, read_only in [*((p, True) for p in sorted(needed)), (Path(workdir), False)]:
        under_tmp = any(str(path).startswith(tmp + "/") for tmp in covers[:len(_TMP_DIRS)])
        blocked = _blocked_ancestor(path)
        if blocked and not under_tmp and blocked not in covers:
            covers.append(blocked)
        if under_tmp or blocked:
            keeps.append((str(path), read_only))
    return covers, keeps


def _enter_namespaces(covers, keeps):
    """Private mount and network namespaces for the calling (forked) process; root only."""
    libc = ctypes.CDLL(None, use_errno=True)

    def mount(source, target, fstype, flags, data):
        if libc.mount(source, target.encode(), fstype, flags, data) != 0:
            raise OSError(ctypes.get_errno(), f"mount on {target} failed")

    if libc.unshare(_CLONE_NEWNS | _CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare failed")
    mount(b"none", "/", None, _MS_REC | _MS_PRIVATE, None)
    handles = [(keep, read_only, os.open(keep, os.O_PATH | os.O_DIRECTORY))
               for keep, read_only in keeps]
    for cover in covers:
        mode = b"size=64m,mode=1777" if cover in _TMP_DIRS else b"size=1m,mode=0755"
        mount(b"tmpfs", cover, b"tmpfs", _MS_NOSUID | _MS_NODEV, mode)
    for keep, read_only, handle in handles:
        os.makedirs(keep, mode=0o755, exist_ok=True)
        mount(f"/proc/self/fd/{handle}".encode(), keep, None, _MS_BIND | _MS_REC, None)
        if read_only:
            mount(b"none", keep, None, _MS_BIND | _MS_REMOUNT | _MS_RDONLY | _MS_REC, None)
        os.close(handle)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:  # bring loopback up
        import fcntl

        fcntl.ioctl(sock, _SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", _IFF_UP))


def _make_preexec(uid, plan, memory_bytes, file_bytes):
    def preexec():  # runs in the forked child, before exec; failures abort the start
        if plan is not None:
            _enter_namespaces(*plan)
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if uid is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (_NPROC_LIMIT, _NPROC_LIMIT))
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)

    return preexec


def _namespaces_work():
    """Whether this (root) process can create the namespaces; tested once in a child."""
    global _NAMESPACES_OK
    if _NAMESPACES_OK is None:
        try:
            probe = subprocess.run(
                ["true"], preexec_fn=_make_preexec(None, ([], []), 2**40, 2**40),
                capture_output=True, timeout=30,
            )
            _NAMESPACES_OK = probe.returncode == 0
        except (OSError, subprocess.SubprocessError):
            _NAMESPACES_OK = False
    return _NAMESPACES_OK


_NAMESPACES_OK = None


def _kill_uid(uid):
    """Kill every process of ``uid`` (a fork that becomes ``uid`` and signals -1)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for _ in range(5):
                with contextlib.suppress(OSError):
                    os.kill(-1, signal.SIGKILL)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def _kill_group(pgid, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _chown_tree(path, uid):
    os.chown(path, uid, uid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(os.path.join(root, name), uid, uid, follow_symlinks=False)


def _read_tail(handle, limit=2000):
    handle.seek(0, os.SEEK_END)
    size = handle.tell()
    handle.seek(max(0, size - limit))
    return handle.read().decode("utf-8", "replace")


def _safe_answers(nb):
    from vidlab.course.answers import ANSWER_MIME_TYPE, read_answers

    try:
        return read_answers(nb)
    except Exception:  # a tampered record: keep the well-formed ones
        answers = {}
        for cell in nb.get("cells", []):
            for output in cell.get("outputs", []) or []:
                record = (output.get("data") or {}).get(ANSWER_MIME_TYPE)
                if isinstance(record, dict) and isinstance(record.get("id"), str):
                    answers[record["id"]] = record.get("value")
        return answers


def _write_output(output, text):
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, output)


def execute_sandboxed(source, output, *, parameters, workdir, cell_timeout=60,
                      notebook_timeout=600, memory_mb=2048, max_output_mb=20,
                      kernel_name=None, readable=()) -> SandboxResult:
    """Execute the notebook ``source`` with ``parameters`` injected, under limits.

    Parameters
    ----------
    source, output : path
        The submission, and where the executed notebook is written (not written when the
        submission is malformed or its output too large).
    parameters : dict
        Injected into the notebook, overriding the submission's parameters cell.
    workdir : path
        The run's working folder (created; owned by the sandbox user; its parents must be
        searchable by others when the caller is root).
    cell_timeout, notebook_timeout : float
        Seconds per cell and for the whole notebook.
    memory_mb, max_output_mb : float
        Address-space limit of the kernel; total size of the outputs.
    kernel_name : str, optional
        Jupyter kernel; default :func:`vidlab.course.runner.default_kernel_name`.
    readable : list of path, optional
        Folders the notebook must read (its dataset). With ``isolation="user+namespaces"``
        one that lies behind a folder others cannot search (``/root``) is bind-mounted
        read-only at its own path; its own files must still be readable by others.

    Returns
    -------
    SandboxResult
        Never raises for a bad submission; raises :class:`InvalidParameterError` for bad
        arguments of its own.

    Examples
    --------
    >>> result = execute_sandboxed("lesson.ipynb", "runs/t01/lesson.ipynb",
    ...                            parameters={"seed": 21}, workdir="runs/t01/work",
    ...                            cell_timeout=30)  # doctest: +SKIP
    >>> result.status, result.answers  # doctest: +SKIP
    ('ok', {'q1': 42})
    """
    started = time.monotonic()
    if not isinstance(parameters, dict):
        raise InvalidParameterError(
            "The 'parameters' parameter of execute_sandboxed must be a dict. "
            f"Got {type(parameters).__name__} instead."
        )
    cell_timeout = _check_number("cell_timeout", cell_timeout, 1)
    notebook_timeout = _check_number("notebook_timeout", notebook_timeout, 1)
    memory_mb = _check_number("memory_mb", memory_mb, 256)
    max_output_mb = _check_number("max_output_mb", max_output_mb, 0.001)
    if kernel_name is None:
        from vidlab.course.runner import default_kernel_name

        kernel_name = default_kernel_name()
    source, output = Path(source), Path(output).absolute()
    workdir = Path(workdir).absolute()
    is_root = os.geteuid() == 0
    uid = SANDBOX_UID_BASE + os.getpid() if is_root else None
    isolation = "none"
    if is_root:
        if _namespaces_work():
            isolation = "user+namespaces"
        elif not _blocked_ancestor(Path(sys.base_prefix).resolve() / "bin"):
            # else the sandbox user could not even run Python
            isolation = "user"
        else:
            uid = None

    def result(status, reason="", **extra):
        return SandboxResult(status=status, reason=reason, isolation=isolation,
                             duration_s=round(time.monotonic() - started, 3), **extra)

    max_output_bytes = int(max_output_mb * 2**20)
    nb, problem = _prepare(source, parameters, kernel_name, max(max_output_bytes, 50 * 2**20))
    if problem:
        return result("malformed", problem)

    workdir.mkdir(parents=True, exist_ok=True)
    if isolation == "user":
        blocked = _blocked_ancestor(workdir)
        if blocked is not None:
            raise InvalidParameterError(
                f"The 'workdir' parameter of execute_sandboxed must be inside folders the "
                f"sandbox user can search; {blocked} is not (chmod o+x it, or use another "
                f"folder). Got {workdir} instead."
            )
    private = workdir / _PRIVATE_DIR
    if private.is_symlink() or private.is_file():  # left by an earlier run: never follow it
        private.unlink()
    elif private.exists():
        shutil.rmtree(private)
    for name in ("tmp", "runtime", "jupyter", "ipython", "matplotlib"):
        (private / name).mkdir(parents=True, exist_ok=True)
    import nbformat

    nbformat.write(nb, private / "input.ipynb")
    config = {
        "input": str(private / "input.ipynb"),
        "workdir": str(workdir),
        "kernel_name": kernel_name,
        "cell_timeout": cell_timeout,
        "notebook_timeout": notebook_timeout,
        "max_output_bytes": max_output_bytes,
    }
    (private / "config.json").write_text(json.dumps(config), encoding="utf-8")
    if is_root:
        _chown_tree(workdir, uid)
    os.chmod(workdir, 0o700)

    memory_bytes = int(memory_mb * 2**20)
    file_bytes = int(max(4 * max_output_mb, 256) * 2**20)
    code = (
        "import importlib.util, sys; "
        "spec = importlib.util.spec_from_file_location('_vidlab_sandbox', sys.argv[1]); "
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module); "
        "module._executor_main(sys.argv[2])"
    )
    command = [sys.executable, "-I", "-c", code, __file__, str(private / "config.json")]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=out, stderr=err, cwd=workdir,
                env=_sandbox_env(workdir, private), start_new_session=True,
                preexec_fn=_make_preexec(
                    uid, _mount_plan(workdir, readable) if isolation == "user+namespaces" else None,
                    memory_bytes, file_bytes),
            )
        except (OSError, subprocess.SubprocessError) as error:
            return result("error", f"the sandbox could not start: {error}")
        hard_killed = False
        try:
            process.wait(timeout=notebook_timeout + _KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            hard_killed = True
            _kill_group(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                _kill_group(process.pid, signal.SIGKILL)
                process.wait()
        finally:
            _kill_group(process.pid, signal.SIGKILL)
            if uid is not None:  # the next run reuses the uid: hand its files back first
                _kill_uid(uid)
                _chown_tree(workdir, os.getuid())
        if hard_killed:
            return result("timeout", f"the notebook ran longer than {notebook_timeout} s "
                          "and was killed")
        out.seek(0, os.SEEK_END)
        size = out.tell()
        if size > max_output_bytes + 2**20 + 2 * len(json.dumps(nb)):
            return result("output_too_large", f"the executed notebook is {size / 2**20:.1f} "
                          f"MB (limit {max_output_mb} MB)")
        out.seek(0)
        header_line = out.readline()
        try:
            header = json.loads(header_line)
            text = out.read().decode("utf-8")
            executed = nbformat.reads(text, as_version=4)
        except Exception:
            tail = " ".join(_read_tail(err).split())[-300:]
            code_text = (f"signal {-process.returncode}" if process.returncode < 0
                         else f"exit status {process.returncode}")
            return result("kernel_died", f"the sandbox process died ({code_text}) "
                          f"without a result{': ' + tail if tail else ''}")
        kernel_log = _read_tail(err, 5000)
    status = header.get("status") if header.get("status") in STATUSES else "error"
    reason = " ".join(str(header.get("reason", "")).split())[:500]
    cell_index = header.get("cell_index")
    cell_index = cell_index if isinstance(cell_index, int) else None
    if status == "output_too_large":
        return result(status, reason, cell_index=cell_index)
    if status == "kernel_died" and any(mark in kernel_log for mark in _MEMORY_MARKS):
        status, reason = "memory", f"{reason} (out of memory: limit {memory_mb} MB)"
    _write_output(output, text)
    return result(status, reason, answers=_safe_answers(executed), output=str(output),
                  cell_index=cell_index)


# --------------------------------------------------------------------- executor side
# Everything below runs in the sandboxed process, loaded by file path (without importing
# vidlab.course, so that pandas is not imported twice).


def _limited_client_class():
    from nbclient import NotebookClient

    class LimitedClient(NotebookClient):
        """A NotebookClient that stops keeping outputs past ``max_output_bytes``."""

        output_bytes = 0
        max_output_bytes = 0
        kernel_pid = None
        too_large = False

        def output(self, outs, msg, display_id, cell_index):
            content = msg.get("content", {})
            size = len(json.dumps(content, default=str))
            self.output_bytes += size
            if self.output_bytes > self.max_output_bytes:
                if not self.too_large:
                    self.too_large = True
                    with contextlib.suppress(Exception):
                        os.kill(self.kernel_pid, signal.SIGINT)
                return None
            return super().output(outs, msg, display_id, cell_index)

    return LimitedClient


def _error_of(cell):
    """``(ename, evalue)`` of a failed cell, also when IPython could not format the error."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("ename"):
            return output.get("ename", ""), output.get("evalue", "")
    texts = [o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
    lines = "".join(texts).strip().splitlines()
    if lines and ":" not in lines[-1] and lines[-1].isidentifier():
        return lines[-1], ""
    if lines and lines[-1].split(":")[0].isidentifier():
        ename, _, evalue = lines[-1].partition(":")
        return ename, evalue.strip()
    return "unknown error", ""


def _run(config, nb, client):
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    deadline = time.monotonic() + config["notebook_timeout"]
    try:
        client.setup_kernel_context = client.setup_kernel()
        client.setup_kernel_context.__enter__()
    except Exception as error:
        return "kernel_died", f"the kernel did not start: {type(error).__name__}: {error}", None
    with contextlib.suppress(Exception):
        client.kernel_pid = client.km.provisioner.process.pid
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout", f"the notebook ran longer than {config['notebook_timeout']} s " \
                f"(stopped before cell {index})", index
        per_cell = remaining < config["cell_timeout"]
        client.timeout = max(1, int(min(config["cell_timeout"], remaining)))
        try:
            client.execute_cell(cell, index)
        except CellTimeoutError:
            if client.too_large:
                break
            limit = (f"the notebook ran longer than {config['notebook_timeout']} s" if per_cell
                     else f"cell {index} ran longer than {config['cell_timeout']} s")
            return "timeout", limit, index
        except DeadKernelError:
            return "kernel_died", f"the kernel died while running cell {index}", index
        except CellExecutionError:
            if client.too_large:
                break
            ename, evalue = _error_of(cell)
            status = "memory" if ename == "MemoryError" else "error"
            text = " ".join(f"{ename}: {evalue}".split())[:300]
            return status, f"cell {index} raised {text}", index
        except Exception as error:  # nbclient failing on a weird cell or message
            if client.too_large:
                break
            return "error", f"cell {index} could not run: {type(error).__name__}: {error}", index
        if client.too_large:
            break
    if client.too_large:
        return "output_too_large", f"the outputs exceed {config['max_output_bytes'] / 2**20:g}" \
            f" MB (stopped at cell {index})", index
    return "ok", "", None


def _executor_main(config_path):  # pragma: no cover - runs in the sandboxed process
    import nbformat

    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    result_fd = os.dup(1)  # the result goes to the caller's file; the kernel gets /dev/null
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    os.dup2(devnull, 0)
    nb = nbformat.read(config["input"], as_version=4)
    client = _limited_client_class()(
        nb, timeout=config["cell_timeout"], kernel_name=config["kernel_name"],
        resources={"metadata": {"path": config["workdir"]}}, shutdown_kernel="immediate",
        allow_errors=False, record_timing=True,
    )
    client.max_output_bytes = config["max_output_bytes"]

    def on_term(signum, frame):
        with contextlib.suppress(Exception):
            os.killpg(client.kernel_pid, signal.SIGKILL)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    try:
        status, reason, cell_index = _run(config, nb, client)
    except MemoryError:
        status, reason, cell_index = "memory", "the executor ran out of memory", None
    finally:
        with contextlib.suppress(Exception):
            client.setup_kernel_context.__exit__(None, None, None)
    with contextlib.suppress(Exception):  # a kernel that left its session is killed by uid
        os.killpg(client.kernel_pid, signal.SIGKILL)
    header = json.dumps({"status": status, "reason": reason, "cell_index": cell_index})
    payload = (header + "\n" + nbformat.writes(nb)).encode("utf-8")
    view = memoryview(payload)
    while view:
        try:
            view = view[os.write(result_fd, view):]
        except OSError as error:
            if error.errno != errno.EINTR:
                raise
    os.close(result_fd)
    os._exit(0)
