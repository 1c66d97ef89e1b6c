"""The course engine: curricula, running lessons, and recording answers.

Lessons use :func:`answer` to record a graded answer:

>>> from vidlab.course import answer  # doctest: +SKIP
>>> answer("evidence.altered_file", "documents/report_03.txt")  # doctest: +SKIP
"""

from vidlab.course.answers import ANSWER_MIME_TYPE, answer, canonical_value, read_answers

__all__ = ["answer", "read_answers", "canonical_value", "ANSWER_MIME_TYPE"]
