"""The one place where seeds become random generators.

Every stochastic function in vidlab takes ``seed=None`` and passes it through
:func:`make_rng`; nothing uses global random state.

>>> rng = make_rng(42)
>>> int(rng.integers(0, 100))
8
>>> int(make_rng(42).integers(0, 100))  # same seed, same numbers
8
"""

import numpy as np

from vidlab.exceptions import InvalidParameterError

__all__ = ["make_rng", "check_seed", "MAX_SEED"]

MAX_SEED = 2**63 - 1


def check_seed(seed, *, name="seed"):
    """Return ``seed`` as a Python int in ``[0, MAX_SEED]``, or raise a clear error.

    Accepts Python and NumPy integers; refuses bools, floats, strings and negatives so that
    a typo never silently becomes a different dataset.

    >>> check_seed(7)
    7
    >>> check_seed(-1)
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'seed' parameter must be an int in [0, 9223372036854775807]. Got -1 instead.
    """
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or not 0 <= seed <= MAX_SEED:
        raise InvalidParameterError(
            f"The {name!r} parameter must be an int in [0, {MAX_SEED}]. Got {seed!r} instead."
        )
    return int(seed)


def make_rng(seed=None):
    """Return a :class:`numpy.random.Generator` for ``seed``.

    ``None`` gives fresh OS entropy (not reproducible); an int gives a reproducible
    generator; an existing Generator is returned as it is, so that callers can share one.
    """
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed))
