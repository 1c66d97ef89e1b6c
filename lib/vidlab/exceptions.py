"""The exceptions vidlab raises. Catch :class:`VidlabError` to catch them all.

A user mistake (a bad parameter, a missing file, an invalid curriculum) raises a subclass of
:class:`VidlabError` whose message is one line naming the bad input and what to do; the CLI
prints it as ``vidlab: error: <message>`` and exits with status 2.
"""

__all__ = [
    "VidlabError",
    "InvalidParameterError",
    "CurriculumError",
    "DatasetError",
    "ImageDecodeError",
    "LessonExecutionError",
]


class VidlabError(Exception):
    """Base class of every error vidlab raises on purpose."""


class InvalidParameterError(VidlabError, ValueError):
    """A function or command received a parameter outside its contract."""


class CurriculumError(VidlabError):
    """A curriculum file is missing, malformed or refers to something that does not exist."""


class DatasetError(VidlabError):
    """A dataset folder is missing, incomplete or not a vidlab dataset."""


class ImageDecodeError(VidlabError):
    """A file could not be decoded as an image or video (empty, truncated, not an image,
    a decompression bomb, an unsupported mode). The message is the one-line reason that
    hash tables report in their ``error`` column."""


class LessonExecutionError(VidlabError):
    """A lesson notebook failed while it was executed.

    Carries where it failed: ``cell_index`` (0-based), ``ename``, ``evalue`` and
    ``traceback`` (plain text), as papermill reports them.
    """

    def __init__(self, message, *, cell_index=None, ename="", evalue="", traceback=""):
        super().__init__(message)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.traceback = traceback
