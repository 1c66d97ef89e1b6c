"""The one executor seam: every parallel loop in vidlab goes through :func:`map_parallel`.

Today it runs a local process pool (``jobs`` worker processes, started with ``spawn`` so
that it is safe inside a Jupyter kernel, each limited to one BLAS/OpenMP thread by
:func:`one_thread_per_worker`); a Dask cluster will plug in behind the same call through
:func:`get_executor`. Progress bars are drawn on standard error only when it is a
terminal.

>>> from operator import neg
>>> map_parallel(neg, [1, 2, 3], jobs=1)
[-1, -2, -3]
"""

import multiprocessing
import os
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

from tqdm import tqdm  # the plain bar: it is drawn on a terminal only, never in a notebook

from vidlab.exceptions import InvalidParameterError

__all__ = ["map_parallel", "get_executor", "resolve_jobs", "progress", "one_thread_per_worker"]

# Thread pools of numerical libraries that would otherwise start one thread per core in
# every worker process.
_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                     "NUMEXPR_NUM_THREADS")


def resolve_jobs(jobs):
    """Return the number of worker processes for ``jobs``: ``None`` or 0 means one per core.

    >>> resolve_jobs(3)
    3
    """
    if jobs is None or jobs == 0:
        return os.cpu_count() or 1
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 0:
        raise InvalidParameterError(
            "The 'jobs' parameter must be a non-negative int (0 = one per core). "
            f"Got {jobs!r} instead."
        )
    return jobs


def get_executor(jobs=None, address=None) -> Executor:
    """Return the executor that runs parallel work.

    ``address`` is reserved for a Dask scheduler (``tcp://host:8786``); until that backend
    lands it is refused with a clear message rather than ignored.
    """
    if address is not None:
        raise InvalidParameterError(
            f"Dask clusters are not supported yet; got address {address!r}. "
            "Use --jobs for local workers."
        )
    return ProcessPoolExecutor(
        max_workers=resolve_jobs(jobs), mp_context=multiprocessing.get_context("spawn"),
        initializer=one_thread_per_worker,
    )


def one_thread_per_worker():
    """Limit the process to one BLAS/OpenMP thread (run in every worker as it starts).

    ``jobs`` workers each multiplying matrices with one thread per core oversubscribe the
    machine: on 2 cores, 2 workers with 2 OpenBLAS threads each made PDQ's filter several
    times slower and ``--jobs 2`` slower than ``--jobs 1``.

    >>> from threadpoolctl import threadpool_limits
    >>> saved = dict(os.environ)
    >>> with threadpool_limits():  # restores the thread limits afterwards
    ...     one_thread_per_worker()
    >>> os.environ["OPENBLAS_NUM_THREADS"]
    '1'
    >>> os.environ.clear(); os.environ.update(saved)
    """
    for name in _THREAD_VARIABLES:
        os.environ[name] = "1"
    import numpy  # noqa: F401  (loads OpenBLAS, so that its pool can be limited now)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)


def progress(iterable=None, *, total=None, desc=None, unit="item"):
    """A tqdm progress bar on standard error, shown only when standard error is a terminal."""
    return tqdm(
        iterable, total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(), leave=False
    )


def _apply_to_chunk(func, chunk):
    return [func(item) for item in chunk]


def map_parallel(func, items, *, jobs=1, desc=None, unit="item", address=None, chunk_size=None):
    """Apply ``func`` to every item and return the results in the order of ``items``.

    ``jobs=1`` runs in this process (no pickling, easy to debug); otherwise ``func`` and the
    items must be picklable (a module-level function). Workers receive the items in chunks
    of ``chunk_size`` (default: up to 32, so that each worker gets at least 4 chunks): one
    task per item would cost more in messages than a small file costs to hash. An exception
    raised by ``func`` propagates; functions that must report every item catch their own
    errors.
    """
    items = list(items)
    jobs = resolve_jobs(jobs)
    if jobs == 1 and address is None:
        return [func(item) for item in progress(items, desc=desc, unit=unit)]
    if chunk_size is None:
        chunk_size = max(1, min(32, len(items) // (4 * jobs)))
    elif isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
        raise InvalidParameterError(
            f"The 'chunk_size' parameter must be a positive int. Got {chunk_size!r} instead."
        )
    results = [None] * len(items)
    with get_executor(min(jobs, max(len(items), 1)), address) as executor:
        futures = {executor.submit(_apply_to_chunk, func, items[start:start + chunk_size]): start
                   for start in range(0, len(items), chunk_size)}
        with progress(total=len(items), desc=desc, unit=unit) as bar:
            for future in as_completed(futures):
                chunk_results = future.result()
                start = futures[future]
                results[start:start + len(chunk_results)] = chunk_results
                bar.update(len(chunk_results))
    return results
