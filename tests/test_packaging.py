"""The pins used by `make` (requirements/lock.txt) and by conda (environment.yml) agree."""

import re
import tomllib

import yaml

from conftest import REPO

# conda-forge names of packages that PyPI names otherwise
CONDA_TO_PYPI = {"python-igraph": "igraph"}


def _normalise(name):
    return re.sub(r"[-_.]+", "-", name.lower())


def _lock():
    pins = {}
    for line in (REPO / "requirements/lock.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, version = line.split("==")
            pins[_normalise(name)] = version.strip()
    return pins


def _direct_dependencies():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {_normalise(re.split(r"[<>=!~\[; ]", requirement)[0]) for requirement in requirements}


def _conda_pins():
    environment = yaml.safe_load((REPO / "environment.yml").read_text())
    pins = {}
    for entry in environment["dependencies"]:
        if isinstance(entry, str) and "=" in entry:
            name, version = re.split(r"==?", entry, maxsplit=1)
            pins[CONDA_TO_PYPI.get(_normalise(name), _normalise(name))] = version
    return pins


def test_every_direct_dependency_is_locked():
    assert _direct_dependencies() - set(_lock()) == set()


def test_environment_yml_pins_equal_the_lock():
    lock, conda = _lock(), _conda_pins()
    assert set(conda) - {"python"} == _direct_dependencies()
    mismatched = {name: (version, lock[name]) for name, version in conda.items()
                  if name != "python" and lock[name] != version}
    assert mismatched == {}


def test_lock_satisfies_pyproject_ranges():
    from packaging.requirements import Requirement

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    lock = _lock()
    for text in project["dependencies"] + project["optional-dependencies"]["dev"]:
        requirement = Requirement(text)
        assert requirement.specifier.contains(lock[_normalise(requirement.name)]), text
