"""vidlab: a training and research environment for victim identification, on synthetic data.

>>> import vidlab
>>> vidlab.__version__
'0.1.0'
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("vidlab")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.1.0"

__all__ = ["__version__"]
