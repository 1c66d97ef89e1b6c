from operator import neg

import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.parallel import map_parallel, resolve_jobs


def test_results_keep_input_order_in_process_and_in_a_pool():
    items = list(range(20))
    assert map_parallel(neg, items, jobs=1) == [-i for i in items]
    assert map_parallel(neg, items, jobs=2) == [-i for i in items]
    assert map_parallel(neg, [], jobs=2) == []


def test_worker_exceptions_propagate():
    with pytest.raises(TypeError):
        map_parallel(neg, ["not a number"], jobs=2)


def test_jobs_and_address_validation():
    assert resolve_jobs(0) >= 1 and resolve_jobs(None) >= 1
    with pytest.raises(InvalidParameterError, match="'jobs' parameter"):
        resolve_jobs(-2)
    with pytest.raises(InvalidParameterError, match="Dask clusters are not supported yet"):
        map_parallel(neg, [1], jobs=2, address="tcp://scheduler:8786")
