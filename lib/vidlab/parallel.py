"""The one executor seam: every parallel loop in vidlab goes through :func:`map_parallel`.

Today it runs a local process pool (``jobs`` worker processes, started with ``spawn`` so
that it is safe inside a Jupyter kernel); a Dask cluster will plug in behind the same call
through :func:`get_executor`. Progress bars are drawn on standard error only when it is a
terminal.

>>> from operator import neg
>>> map_parallel(neg, [1, 2, 3], jobs=1)
[-1, -2, -3]
"""

import multiprocessing
import os
import sys
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed

from tqdm.auto import tqdm

from vidlab.exceptions import InvalidParameterError

__all__ = ["map_parallel", "get_executor", "resolve_jobs", "progress"]


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
        max_workers=resolve_jobs(jobs), mp_context=multiprocessing.get_context("spawn")
    )


def progress(iterable=None, *, total=None, desc=None, unit="item"):
    """A tqdm progress bar on standard error, shown only when standard error is a terminal."""
    return tqdm(
        iterable, total=total, desc=desc, unit=unit, disable=not sys.stderr.isatty(), leave=False
    )


def map_parallel(func, items, *, jobs=1, desc=None, unit="item", address=None):
    """Apply ``func`` to every item and return the results in the order of ``items``.

    ``jobs=1`` runs in this process (no pickling, easy to debug); otherwise ``func`` and the
    items must be picklable (a module-level function). An exception raised by ``func``
    propagates; functions that must report every item catch their own errors.
    """
    items = list(items)
    jobs = resolve_jobs(jobs)
    if jobs == 1 and address is None:
        return [func(item) for item in progress(items, desc=desc, unit=unit)]
    results = [None] * len(items)
    with get_executor(min(jobs, max(len(items), 1)), address) as executor:
        futures = {executor.submit(func, item): index for index, item in enumerate(items)}
        for future in progress(as_completed(futures), total=len(items), desc=desc, unit=unit):
            results[futures[future]] = future.result()
    return results
