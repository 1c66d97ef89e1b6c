"""Terminology checker following the Luxembourg Guidelines (2016).

The *Terminology Guidelines for the Protection of Children from Sexual Exploitation and
Sexual Abuse* recommend words that name abuse as abuse. :func:`check` finds the terms the
guidelines advise against and suggests the recommended wording; :func:`check_paths` runs it
over notebooks, curricula and docs (``vidlab terms check PATH...``).

Each :class:`Finding` has a severity: ``"avoid"`` (a term to replace; fails the check) or
``"caution"`` (a word that is wrong in some contexts only; reported, never fails).

Matching ignores case and accepts plurals and hyphen or spacing variants; when two rules
overlap, the longest match wins, so one phrase gives one finding. This module and its test
are the only files of the project that contain the terms to avoid: the exercise paragraphs
of the terminology lesson come from :func:`make_exercise_paragraph`.

**Allow marker.** A quoted legal title or agency name can keep its wording: put
``terms: allow`` on the same line and every finding on that line is suppressed, e.g.
``<!-- terms: allow -->`` in Markdown or HTML, ``# terms: allow`` in YAML or a code cell,
``.. terms: allow`` in reStructuredText.

>>> [(f.term, f.severity, f.suggestion) for f in check("Never write Child Porn.")]
[('Child Porn', 'avoid', 'child sexual abuse material (CSAM)')]
>>> check("Report child pornography (the title of the statute) # terms: allow")
[]
"""

import bisect
import json
import re
from dataclasses import dataclass
from pathlib import Path

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng

__all__ = [
    "ALLOW_MARKER",
    "CHECKED_SUFFIXES",
    "Finding",
    "check",
    "check_file",
    "check_paths",
    "format_finding",
    "make_exercise_paragraph",
    "suggest_rewrite",
]

ALLOW_MARKER = "terms: allow"
CHECKED_SUFFIXES = (".ipynb", ".md", ".markdown", ".txt", ".yml", ".yaml", ".rst", ".html")
SKIPPED_DIRECTORIES = frozenset({"node_modules", "__pycache__", "runs"})
DATASET_MARKER = "dataset.json"  # a generated dataset folder; never walked into

AVOID, CAUTION = "avoid", "caution"


@dataclass(frozen=True)
class Finding:
    """A term found in a text.

    ``start``/``end`` are offsets and ``line``/``column`` 1-based positions in the text that
    was checked; for a notebook that text is the source of cell number ``cell`` (1-based,
    counting every cell), otherwise ``cell`` is None. ``path`` is filled by file checks.
    ``alternatives`` holds further recommended wordings besides ``suggestion``.
    """

    term: str
    start: int
    end: int
    line: int
    column: int
    suggestion: str
    reason: str
    severity: str
    path: str | None = None
    cell: int | None = None
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern
    suggestion: str
    reason: str
    severity: str = AVOID
    alternatives: tuple[str, ...] = ()
    needs_context: bool = False


_SEP = r"[\s\-\u2010\u2011]*"  # "child porn", "child-porn", "childporn", a line break


def _words(*words):
    return _SEP.join(words)


def _rule(pattern, suggestion, reason, **kwargs):
    regex = re.compile(rf"\b{pattern}\b", re.IGNORECASE)
    return _Rule(regex, suggestion, reason, **kwargs)


_CSAM = "child sexual abuse material (CSAM)"
_CSEM = "child sexual exploitation material"
_R_MATERIAL = ("'Pornography' suggests consent and a legitimate product; these are records "
               "of the sexual abuse of a child.")
_R_PROSTITUTION = ("A child cannot consent to sell sex; the word puts blame on a child who is "
                   "a victim of sexual exploitation.")
_R_TOURISM = ("'Tourism' makes the crime sound like leisure; name the exploitation of children "
              "and the offender who travels for it.")
_R_WEBCAM = "Abuse streamed to a paying viewer is real, live abuse, not a form of tourism."
_R_VIRTUAL = ("Generated or altered material still sexualises children; it is abuse "
              "material, not pornography.")
_R_SEXTORTION = ("The blend word hides the coercion; spell out the sexual extortion of a child "
                 "(keep it in quoted names of campaigns).")
_R_PAEDOPHILE = ("A clinical diagnosis, not a legal category: many offenders are not "
                 "paedophiles and not every paedophile offends.")
_R_CONSENT = ("A child cannot consent; calling abuse consensual or a relationship minimises "
              "it and shifts responsibility.")
_TEEN = r"(?:juvenile|teen|teenage|teenaged|underage|under-age|adolescent)"

# Order does not matter: overlapping matches are resolved by position, then length.
_RULES = (
    _rule(_words("virtual", "child", r"porn(?:ography|o)?"), "computer-generated " + _CSAM,
          _R_VIRTUAL, alternatives=("digitally generated child sexual abuse material",)),
    _rule(_words("simulated", "child", r"porn(?:ography|o)?"), "computer-generated " + _CSAM,
          _R_VIRTUAL, alternatives=("digitally generated child sexual abuse material",)),
    _rule(_words("child", r"porn(?:ography|ographic|o|s)?"), _CSAM, _R_MATERIAL,
          alternatives=(_CSEM,)),
    _rule(_words(r"kidd(?:y|ie)", r"porn(?:ography|o|s)?"), _CSAM, _R_MATERIAL,
          alternatives=(_CSEM,)),
    _rule(_words("child", "pornographer"), "producer of child sexual abuse material",
          _R_MATERIAL, alternatives=("child sex offender",)),
    _rule(_words("child", "pornographers"), "producers of child sexual abuse material",
          _R_MATERIAL, alternatives=("child sex offenders",)),
    _rule(_words("child", "prostitute"), "child exploited in prostitution", _R_PROSTITUTION),
    _rule(_words(r"(?:child(?:ren)?|" + _TEEN + ")", "prostitutes"),
          "children exploited in prostitution", _R_PROSTITUTION),
    _rule(_words(_TEEN, "prostitute"), "child exploited in prostitution", _R_PROSTITUTION),
    _rule(_words(r"(?:child(?:ren)?|" + _TEEN + ")", "prostitution"),
          "sexual exploitation of children in prostitution", _R_PROSTITUTION,
          alternatives=("children exploited in prostitution",)),
    _rule(_words("child", "sex", "worker"), "child exploited in prostitution", _R_PROSTITUTION),
    _rule(_words("child(?:ren)?", "sex", "workers"), "children exploited in prostitution",
          _R_PROSTITUTION),
    _rule(_words("child", "sex", "work"), "sexual exploitation of children in prostitution",
          _R_PROSTITUTION),
    _rule(_words("web", "cam", "child", "sex", "tourism"), "live online child sexual abuse",
          _R_WEBCAM, alternatives=("live streaming of child sexual abuse",)),
    _rule(_words("child", "sex", "tourism"),
          "sexual exploitation of children in travel and tourism", _R_TOURISM,
          alternatives=("SECTT",)),
    _rule(_words("child", "sex", "tourist"), "travelling child sex offender", _R_TOURISM,
          alternatives=("transnational child sex offender",)),
    _rule(_words("child", "sex", "tourists"), "travelling child sex offenders", _R_TOURISM,
          alternatives=("transnational child sex offenders",)),
    _rule("sextortion", "sexual extortion of children", _R_SEXTORTION, severity=CAUTION),
    _rule(r"p(?:ae|\u00e6|e)dophile", "child sex offender", _R_PAEDOPHILE, severity=CAUTION),
    _rule(r"p(?:ae|\u00e6|e)dophiles", "child sex offenders", _R_PAEDOPHILE, severity=CAUTION),
    _rule(r"(?<!non-)(?<!non )(?<!non\u2011)consensual", "child sexual abuse", _R_CONSENT,
          severity=CAUTION, needs_context=True),
    _rule(r"relationships?", "child sexual abuse", _R_CONSENT, severity=CAUTION,
          needs_context=True),
)

# "consensual" and "relationship" are findings only next to one of these words.
_CONTEXT = re.compile(
    r"\b(?:abus(?:e|es|ed|er|ers|ive)|child(?:ren|hood)?|minors?|underage|offenders?|"
    r"victims?|exploit(?:ation|ed|ing)?)\b",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?](?=[\s\"')\]]|$)|\n[ \t]*\n")
_ALLOW = re.compile(r"terms:\s*allow\b", re.IGNORECASE)


def _sentence(text, start, end):
    """Return the bounds of the sentence (or paragraph) around ``text[start:end]``."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    after = _SENTENCE_END.search(text, end)
    return begin, after.start() if after else len(text)


def _in_context(text, start, end):
    begin, stop = _sentence(text, start, end)
    return any(not (m.start() < end and start < m.end())
               for m in _CONTEXT.finditer(text, begin, stop))


def _scan(text, scanned=None):
    """Findings in ``text``; matches are searched in ``scanned`` (same length) if given."""
    scanned = text if scanned is None else scanned
    candidates = []
    for rule in _RULES:
        for match in rule.pattern.finditer(scanned):
            if rule.needs_context and not _in_context(scanned, *match.span()):
                continue
            candidates.append((match.start(), -match.end(), rule))
    candidates.sort(key=lambda item: (item[0], item[1]))

    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    allowed = {text.count("\n", 0, m.start()) for m in _ALLOW.finditer(text)}
    findings, taken_until = [], 0
    for start, negative_end, rule in candidates:
        end = -negative_end
        if start < taken_until:
            continue  # inside a longer match that starts earlier (or at the same place)
        taken_until = end
        first_line = bisect.bisect_right(line_starts, start) - 1
        last_line = bisect.bisect_right(line_starts, max(start, end - 1)) - 1
        if allowed.intersection(range(first_line, last_line + 1)):
            continue
        findings.append(Finding(
            term=text[start:end], start=start, end=end, line=first_line + 1,
            column=start - line_starts[first_line] + 1, suggestion=rule.suggestion,
            reason=rule.reason, severity=rule.severity, alternatives=rule.alternatives,
        ))
    return findings


def check(text) -> list[Finding]:
    """Return the findings in ``text``, in order of position.

    Examples
    --------
    >>> text = "The file held child porn.\\nHe was described as a paedophile."
    >>> for f in check(text):
    ...     print(f.line, f.column, f.severity, repr(f.term), "->", f.suggestion)
    1 15 avoid 'child porn' -> child sexual abuse material (CSAM)
    2 23 caution 'paedophile' -> child sex offender
    >>> check("Child protection teams review pornography laws.")
    []
    """
    if not isinstance(text, str):
        raise InvalidParameterError(
            f"The 'text' parameter of check must be a str. Got {type(text).__name__} instead."
        )
    return _scan(text)


def _comments_only(code):
    """Return ``code`` with everything but ``#`` comments blanked out (newlines kept)."""
    out = [" "] * len(code)
    i, n = 0, len(code)
    while i < n:
        char = code[i]
        if char == "#":
            stop = code.find("\n", i)
            stop = n if stop < 0 else stop
            out[i:stop] = code[i:stop]
            i = stop
        elif char in "\"'":
            quote = code[i:i + 3] if code[i:i + 3] in ('"""', "'''") else char
            i += len(quote)
            while i < n:
                if code[i] == "\\":
                    i += 2
                elif code.startswith(quote, i):
                    i += len(quote)
                    break
                elif len(quote) == 1 and code[i] == "\n":
                    break  # an unterminated string (or a shell line) ends with its line
                else:
                    i += 1
        else:
            i += 1
    for i, char in enumerate(code):
        if char == "\n":
            out[i] = "\n"
    return "".join(out)


def _read_text(path):
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise InvalidParameterError(
            f"Cannot read {str(path)!r} ({error.strerror or error}); check its permissions."
        ) from None


def _check_notebook(path):
    try:
        notebook = json.loads(_read_text(path))
        cells = notebook["cells"]
    except (ValueError, KeyError, TypeError):
        raise InvalidParameterError(
            f"{str(path)!r} is not a valid Jupyter notebook; open and re-save it in Jupyter."
        ) from None
    findings = []
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if cell.get("cell_type") == "code":
            found = _scan(source, _comments_only(source))
        else:  # markdown and raw cells are prose
            found = _scan(source)
        findings += [_with(f, path=str(path), cell=number) for f in found]
    return findings


def _with(finding, **changes):
    fields = {name: getattr(finding, name) for name in finding.__dataclass_fields__}
    return Finding(**{**fields, **changes})


def check_file(path) -> list[Finding]:
    """Return the findings in one file; unsupported suffixes give ``[]``.

    Notebooks (``.ipynb``): markdown and raw cells are checked fully, code cells only in their
    ``#`` comments (strings and code are data, not prose); each finding carries its ``cell``.
    Other checked suffixes (:data:`CHECKED_SUFFIXES`) are checked as plain text.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> note = pathlib.Path(tempfile.mkdtemp()) / "note.md"
    >>> _ = note.write_text("# Notes\\n\\nAvoid saying kiddy porn.\\n")
    >>> [(f.line, f.column, f.term) for f in check_file(note)]
    [(3, 14, 'kiddy porn')]
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CHECKED_SUFFIXES:
        return []
    if suffix == ".ipynb":
        return _check_notebook(path)
    return [_with(f, path=str(path)) for f in _scan(_read_text(path))]


def _skipped(directory):
    name = directory.name
    return (name.startswith(".") or name in SKIPPED_DIRECTORIES
            or (directory / DATASET_MARKER).is_file())


def _walk(directory):
    for entry in sorted(directory.iterdir()):
        if entry.is_dir():
            if not entry.is_symlink() and not _skipped(entry):
                yield from _walk(entry)
        elif entry.suffix.lower() in CHECKED_SUFFIXES:
            yield entry


def check_paths(paths) -> list[Finding]:
    """Return the findings in files and folders (walked recursively, in sorted order).

    While walking a folder, hidden directories (``.git``, ``.venv``, ``.ipynb_checkpoints``),
    ``node_modules``, ``__pycache__``, ``runs`` and generated dataset folders (any directory
    holding a ``dataset.json``) are skipped; a path given explicitly is always checked.
    A path that does not exist raises :class:`~vidlab.exceptions.InvalidParameterError`.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (root / "a.md").write_text("Child prostitutes are victims.")
    >>> _ = (root / ".hidden").mkdir()
    >>> _ = (root / ".hidden" / "b.md").write_text("child porn")
    >>> [f.suggestion for f in check_paths([root])]
    ['children exploited in prostitution']
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files, seen = [], set()
    for path in map(Path, paths):
        if not path.exists():
            raise InvalidParameterError(
                f"The path {str(path)!r} does not exist; check the spelling or the folder "
                "you run from."
            )
        for file in _walk(path) if path.is_dir() else [path]:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append(file)
    return [finding for file in files for finding in check_file(file)]


def format_finding(finding) -> str:
    """Return one line that locates and explains ``finding``.

    Plain files use the ``path:line:column:`` form editors understand; notebook findings
    read ``path:cell N:line L:C:``.

    Examples
    --------
    >>> print(format_finding(check("Text with child porn in it.")[0]))  # doctest: +ELLIPSIS
    <text>:1:11: avoid "child porn" -> use "child sexual abuse material (CSAM)": 'Pornogr...
    """
    where = finding.path if finding.path is not None else "<text>"
    if finding.cell is not None:
        where += f":cell {finding.cell}:line {finding.line}:{finding.column}"
    else:
        where += f":{finding.line}:{finding.column}"
    term = " ".join(finding.term.split())
    return (f'{where}: {finding.severity} "{term}" -> use "{finding.suggestion}": '
            f"{finding.reason}")


_ABBREVIATION = re.compile(r"\s*\(([A-Z]{2,})\)$")


def suggest_rewrite(text) -> str:
    """Return ``text`` with every "avoid" finding replaced by its suggestion.

    The first letter keeps its case; an abbreviation in parentheses, such as "(CSAM)", is
    written once only. Cautions are left as they are: they need a human's judgement.

    Examples
    --------
    >>> suggest_rewrite("Child pornography was found, and more child porn later.")
    'Child sexual abuse material (CSAM) was found, and more child sexual abuse material later.'
    >>> suggest_rewrite("A paedophile was named.")
    'A paedophile was named.'
    """
    pieces, position = [], 0
    for finding in check(text):
        if finding.severity != AVOID:
            continue
        wording = finding.suggestion
        abbreviation = _ABBREVIATION.search(wording)
        if abbreviation and abbreviation.group(1) in "".join(pieces) + text[:finding.start]:
            wording = wording[:abbreviation.start()]
        if finding.term[:1].isupper():
            wording = wording[:1].upper() + wording[1:]
        pieces += [text[position:finding.start], wording]
        position = finding.end
    return "".join(pieces) + text[position:]


# --- exercise paragraphs -------------------------------------------------------------------
# Fictional cases only: operation names are invented, no person or place is named. Each
# template holds at least one term; the placeholders are filled from the seeded generator.

_OPERATIONS = ("Lantern", "Harbour Light", "Silver Fern", "Quiet Meadow", "Blue Heron",
               "Paper Kite", "Granite", "Morning Star", "Tideline", "Juniper")
_DEVICES = ("laptop", "hard drive", "smartphone", "memory card", "tablet")

_OPENINGS = (
    "Operation {operation}, a fictional case of a regional cybercrime unit, began when a "
    "hotline reported {n} files of child pornography on a cloud account.",
    "In Operation {operation}, analysts reviewed {n} images on a seized {device} that its "
    "owner had sorted into folders labelled kiddie porn.",
    "A {device} seized during Operation {operation} held {n} videos that the first report "
    "described as child porn.",
    "The case note for Operation {operation} lists {n} files of child pornography found on a "
    "{device} handed in by a repair shop.",
)
_MIDDLES = (
    "The suspect had travelled abroad {k} times and was described in the file as a child sex "
    "tourist.",
    "Chat logs suggested that the suspect also paid a broker for access to child prostitutes.",
    "Payment records showed that the same account had paid for webcam child sex tourism "
    "streamed from abroad.",
    "A partner agency had earlier flagged the same payment account for child sex tourism.",
    "One forum message offered a teen prostitute to other members of the group.",
    "Part of the collection was virtual child pornography made with an image generator.",
    "A second account shared {m} links to child porn in a closed chat group.",
)
_CAUTIONS = (
    "His lawyer argued that the contact with the {age}-year-old victim had been consensual.",
    "A witness statement described the abuse as a relationship that had lasted {months} "
    "months.",
    "A local newspaper called the suspect a paedophile who had targeted children in online "
    "games.",
    "Several of the children had first been contacted through sextortion on a social media "
    "platform.",
)
_CLOSINGS = (
    "The victim-identification team has since identified {v} of the children and referred "
    "them to support services.",
    "The series was added to the known-material database so that other units can match it.",
    "Analysts have asked partner agencies to compare the scene clues with their own cases.",
)


def _pick(rng, pool):
    return pool[int(rng.integers(len(pool)))]


def make_exercise_paragraph(seed=None) -> str:
    """Return a short fictional case note that uses terms to avoid, for the lesson.

    Five or six sentences: at least three terms to avoid and at least one caution, chosen by
    the generator of ``seed`` so that every trainee gets their own variant.

    Examples
    --------
    >>> paragraph = make_exercise_paragraph(seed=7)
    >>> paragraph == make_exercise_paragraph(seed=7)
    True
    >>> sum(f.severity == "avoid" for f in check(paragraph)) >= 3
    True
    >>> [f for f in check(suggest_rewrite(paragraph)) if f.severity == "avoid"]
    []
    """
    rng = make_rng(seed)
    values = {
        "operation": _pick(rng, _OPERATIONS),
        "device": _pick(rng, _DEVICES),
        "n": int(rng.integers(40, 2000)),
        "k": int(rng.integers(3, 12)),
        "m": int(rng.integers(5, 60)),
        "age": int(rng.integers(12, 16)),
        "months": int(rng.integers(2, 10)),
        "v": int(rng.integers(2, 6)),
    }
    n_middle = 2 + int(rng.integers(2))
    middles = [_MIDDLES[int(i)] for i in rng.choice(len(_MIDDLES), n_middle, replace=False)]
    caution = _pick(rng, _CAUTIONS)
    at = int(rng.integers(len(middles) + 1))
    sentences = [_pick(rng, _OPENINGS), *middles[:at], caution, *middles[at:],
                 _pick(rng, _CLOSINGS)]
    return " ".join(sentence.format(**values) for sentence in sentences)
