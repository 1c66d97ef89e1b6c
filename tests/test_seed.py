import numpy as np
import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import MAX_SEED, check_seed, make_rng


def test_same_seed_same_numbers_and_generators_pass_through():
    assert make_rng(5).integers(0, 1000, 10).tolist() == make_rng(5).integers(0, 1000, 10).tolist()
    generator = np.random.default_rng(1)
    assert make_rng(generator) is generator
    assert isinstance(make_rng(None), np.random.Generator)
    assert check_seed(np.int32(4)) == 4 and check_seed(MAX_SEED) == MAX_SEED


@pytest.mark.parametrize("bad", [-1, MAX_SEED + 1, 1.5, "3", True, [1]])
def test_bad_seeds_are_rejected_with_the_value_named(bad):
    with pytest.raises(InvalidParameterError, match=r"'seed' parameter must be an int .* Got"):
        make_rng(bad)
