"""Synthetic-data generators, registered and looked up by name.

A generator is a function ``(out_dir, config, rng) -> dict[str, pandas.DataFrame]``: it writes
its files under ``out_dir`` (a :class:`pathlib.Path` that it may create), reads its options
from the ``config`` mapping (the recipe part without its ``generator`` key), draws every
random number from ``rng`` (a :class:`numpy.random.Generator`) and returns its ground-truth
tables by name. A dataset recipe names the generator of each part; see
:mod:`vidlab.synth.dataset`.

>>> from vidlab.synth import available_generators, get_generator
>>> "evidence_folder" in available_generators()
True
>>> get_generator("evidence_folder").__name__
'make_evidence_folder'
"""

from vidlab.exceptions import InvalidParameterError

__all__ = ["register_generator", "get_generator", "available_generators", "merge_config"]

_GENERATORS = {}


def register_generator(name, *, replace=False):
    """Return a decorator that registers a generator function under ``name``.

    Registering a second, different function under a name that is taken raises
    :class:`~vidlab.exceptions.InvalidParameterError` unless ``replace=True``.

    >>> from vidlab.synth.registry import _GENERATORS
    >>> @register_generator("empty_example")
    ... def make_empty(out_dir, config, rng):
    ...     return {}
    >>> get_generator("empty_example") is make_empty
    True
    >>> del _GENERATORS["empty_example"]
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise InvalidParameterError(
            "The 'name' parameter of register_generator must be an identifier such as "
            f"'evidence_folder'. Got {name!r} instead."
        )

    def decorator(func):
        if not callable(func):
            raise InvalidParameterError(
                f"Generator {name!r} must be a function (out_dir, config, rng). Got {func!r}."
            )
        known = _GENERATORS.get(name)
        if known is not None and not replace and _qualname(known) != _qualname(func):
            raise InvalidParameterError(
                f"A generator named {name!r} is already registered ({_qualname(known)}); "
                "choose another name or pass replace=True."
            )
        _GENERATORS[name] = func
        return func

    return decorator


def _qualname(func):
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


def get_generator(name):
    """Return the generator registered under ``name``; an unknown name lists the known ones."""
    try:
        return _GENERATORS[name]
    except (KeyError, TypeError):
        raise InvalidParameterError(
            f"Unknown generator {name!r}: use one of {', '.join(available_generators())}."
        ) from None


def available_generators():
    """Return the names of the registered generators, sorted."""
    return tuple(sorted(_GENERATORS))


def merge_config(config, defaults, generator):
    """Return ``defaults`` updated with ``config`` (None = no option), after checking that
    ``config`` is a mapping of options ``defaults`` knows; the generator checks the values.

    >>> merge_config({"n_members": 50}, {"n_members": 300, "days": 365}, "forum")
    {'n_members': 50, 'days': 365}
    >>> merge_config({"n_member": 50}, {"n_members": 300, "days": 365}, "forum")
    Traceback (most recent call last):
    vidlab.exceptions.InvalidParameterError: Unknown forum option 'n_member': use n_members, days.
    """
    if config is None:
        config = {}
    if not isinstance(config, dict):
        raise InvalidParameterError(
            f"The {generator} config must be a mapping of options (a dict). "
            f"Got {type(config).__name__} instead."
        )
    unknown = sorted(str(key) for key in set(config) - set(defaults))
    if unknown:
        raise InvalidParameterError(
            f"Unknown {generator} option {unknown[0]!r}: use {', '.join(defaults)}."
        )
    return {**defaults, **config}
