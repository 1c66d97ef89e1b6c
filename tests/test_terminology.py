"""The Luxembourg Guidelines checker: rules, positions, files, folders, the command line.

This file and lib/vidlab/terminology.py are the only files of the project allowed to contain
the terms to avoid.
"""

import re
from pathlib import Path

import nbformat
import pytest

from vidlab.cli import main
from vidlab.exceptions import InvalidParameterError
from vidlab.terminology import (
    Finding,
    check,
    check_file,
    check_paths,
    format_finding,
    make_exercise_paragraph,
    suggest_rewrite,
)

REPO = Path(__file__).resolve().parents[1]
CSAM = "child sexual abuse material (CSAM)"


def _summary(text):
    return [(f.term, f.severity, f.suggestion) for f in check(text)]


@pytest.mark.parametrize(
    ("text", "term", "severity", "suggestion"),
    [
        ("They found child pornography.", "child pornography", "avoid", CSAM),
        ("They found Child Porn.", "Child Porn", "avoid", CSAM),
        ("a child-porn forum", "child-porn", "avoid", CSAM),
        ("the childporn folder", "childporn", "avoid", CSAM),
        ("child  pornographic images", "child  pornographic", "avoid", CSAM),
        ("labelled kiddy porn", "kiddy porn", "avoid", CSAM),
        ("labelled kiddie-porn", "kiddie-porn", "avoid", CSAM),
        ("a child pornographer", "child pornographer", "avoid",
         "producer of child sexual abuse material"),
        ("virtual child pornography", "virtual child pornography", "avoid",
         "computer-generated " + CSAM),
        ("a child prostitute", "child prostitute", "avoid", "child exploited in prostitution"),
        ("two child prostitutes", "child prostitutes", "avoid",
         "children exploited in prostitution"),
        ("child prostitution rings", "child prostitution", "avoid",
         "sexual exploitation of children in prostitution"),
        ("a child sex worker", "child sex worker", "avoid", "child exploited in prostitution"),
        ("child sex workers", "child sex workers", "avoid",
         "children exploited in prostitution"),
        ("juvenile prostitution", "juvenile prostitution", "avoid",
         "sexual exploitation of children in prostitution"),
        ("a teen prostitute", "teen prostitute", "avoid", "child exploited in prostitution"),
        ("teenage prostitutes", "teenage prostitutes", "avoid",
         "children exploited in prostitution"),
        ("child sex tourism", "child sex tourism", "avoid",
         "sexual exploitation of children in travel and tourism"),
        ("child-sex tourism", "child-sex tourism", "avoid",
         "sexual exploitation of children in travel and tourism"),
        ("a child sex tourist", "child sex tourist", "avoid", "travelling child sex offender"),
        ("child sex tourists", "child sex tourists", "avoid", "travelling child sex offenders"),
        ("webcam child sex tourism", "webcam child sex tourism", "avoid",
         "live online child sexual abuse"),
        ("web-cam child sex tourism", "web-cam child sex tourism", "avoid",
         "live online child sexual abuse"),
        ("a case of sextortion", "sextortion", "caution", "sexual extortion of children"),
        ("Sextortion cases rose.", "Sextortion", "caution", "sexual extortion of children"),
        ("a paedophile", "paedophile", "caution", "child sex offender"),
        ("pedophiles", "pedophiles", "caution", "child sex offenders"),
        ("He said the abuse was consensual.", "consensual", "caution", "child sexual abuse"),
        ("The victim was in a relationship with him.", "relationship", "caution",
         "child sexual abuse"),
        ("relationships with minors", "relationships", "caution", "child sexual abuse"),
    ],
)
def test_rules(text, term, severity, suggestion):
    assert _summary(text) == [(term, severity, suggestion)]


@pytest.mark.parametrize(
    "text",
    [
        "Pornography laws differ between countries.",
        "Child protection teams and child sexual abuse material (CSAM).",
        "child sexual exploitation material",
        "sexual exploitation of children in travel and tourism",
        "children exploited in prostitution",
        "a travelling child sex offender",
        "a CP case",  # too ambiguous to flag
        "sex tourism statistics",
        "the relationship between two hashes",
        "a consensual agreement between two adult colleagues",
        "non-consensual sharing of images of a minor",
        "The offender was arrested. The relationship between the hashes was clear.",
        "childhood",
        "paedophilia",  # a diagnosis named as such, not a word for an offender
    ],
)
def test_not_findings(text):
    assert check(text) == []


def test_longest_match_wins():
    assert _summary("a webcam child sex tourism ring") == [
        ("webcam child sex tourism", "avoid", "live online child sexual abuse")]
    assert [f.term for f in check("virtual child pornography")] == ["virtual child pornography"]
    assert [f.term for f in check("child sex tourists")] == ["child sex tourists"]


def test_positions_lines_and_columns():
    text = "First line.\nThen child porn,\n  and a paedophile."
    porn, paedophile = check(text)
    assert (porn.start, porn.end, porn.line, porn.column) == (17, 27, 2, 6)
    assert text[porn.start:porn.end] == porn.term == "child porn"
    assert (paedophile.line, paedophile.column) == (3, 9)
    assert text[paedophile.start:paedophile.end] == "paedophile"
    assert porn.path is None and porn.cell is None
    assert porn.reason and "\n" not in porn.reason


def test_term_broken_over_two_lines_is_found_on_its_first_line():
    (finding,) = check("one\nsaid child\nporn here")
    assert (finding.term, finding.line, finding.column) == ("child\nporn", 2, 6)
    assert '"child porn"' in format_finding(finding)


def test_caution_needs_context_in_the_same_sentence():
    assert check("The victim was interviewed. The consensual process was followed.") == []
    assert [f.term for f in check("The victim said it was consensual. Fine.")] == ["consensual"]
    assert check("First paragraph about a child\n\nA relationship of two datasets") == []


def test_allow_marker_suppresses_its_line_only():
    text = ("The Act on Child Pornography <!-- terms: allow -->\n"
            "child porn\n"
            "title: Child Prostitution Act  # terms: allow\n")
    assert [(f.term, f.line) for f in check(text)] == [("child porn", 2)]
    assert check("child porn  # TERMS:ALLOW") == []


def _notebook(path, cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    nbformat.write(notebook, path)
    return path


def test_notebook_markdown_comments_and_strings(tmp_path):
    path = _notebook(tmp_path / "nb.ipynb", [
        nbformat.v4.new_markdown_cell("# Lesson\n\nNever say child porn."),
        nbformat.v4.new_code_cell(
            'x = "child pornography"  # a child prostitute\n'
            "y = 'a # child sex tourist'\n"
            '"""\n# kiddy porn in a docstring\n"""\n'
            "print(x)  # the paedophile\n"
            "z = 1  # child porn  # terms: allow\n"
            "!echo don't child porn\n"
        ),
        nbformat.v4.new_raw_cell("raw text with child sex tourism"),
    ])
    found = [(f.cell, f.line, f.column, f.term) for f in check_file(path)]
    assert found == [
        (1, 3, 11, "child porn"),
        (2, 1, 30, "child prostitute"),
        (2, 6, 17, "paedophile"),
        (3, 1, 15, "child sex tourism"),
    ]
    assert {f.path for f in check_file(path)} == {str(path)}


def test_format_finding_for_notebooks_and_files(tmp_path):
    path = _notebook(tmp_path / "x.ipynb", [
        nbformat.v4.new_code_cell("a = 1"),
        nbformat.v4.new_code_cell("b = 2"),
        nbformat.v4.new_markdown_cell("Intro\n#### child porn"),
    ])
    (finding,) = check_file(path)
    assert format_finding(finding) == (
        f'{path}:cell 3:line 2:6: avoid "child porn" -> use "{CSAM}": {finding.reason}')
    note = tmp_path / "note.md"
    note.write_text("ok\n  a paedophile\n")
    (finding,) = check_file(note)
    assert format_finding(finding) == (
        f'{note}:2:5: caution "paedophile" -> use "child sex offender": {finding.reason}')


@pytest.mark.parametrize("suffix", [".md", ".markdown", ".txt", ".yml", ".yaml", ".rst",
                                    ".html", ".MD"])
def test_checked_suffixes(tmp_path, suffix):
    path = tmp_path / f"file{suffix}"
    path.write_text("child porn\n")
    assert [f.term for f in check_file(path)] == ["child porn"]


@pytest.mark.parametrize("name", ["code.py", "data.csv", "Makefile", "image.png"])
def test_other_suffixes_are_ignored(tmp_path, name):
    path = tmp_path / name
    path.write_text("child porn\n")
    assert check_file(path) == []


def test_invalid_notebook_is_one_clear_error(tmp_path):
    path = tmp_path / "broken.ipynb"
    path.write_text("{not json")
    with pytest.raises(InvalidParameterError, match="not a valid Jupyter notebook"):
        check_file(path)


def test_suggest_rewrite():
    text = "Child pornography and child porn; two child prostitutes. A paedophile."
    assert suggest_rewrite(text) == (
        "Child sexual abuse material (CSAM) and child sexual abuse material; two children "
        "exploited in prostitution. A paedophile.")
    assert suggest_rewrite("no terms here") == "no terms here"


def test_suggest_rewrite_leaves_no_terms_to_avoid():
    text = " ".join(make_exercise_paragraph(seed) for seed in range(40))
    assert [f for f in check(suggest_rewrite(text)) if f.severity == "avoid"] == []


@pytest.mark.parametrize("seed", range(25))
def test_exercise_paragraph(seed):
    paragraph = make_exercise_paragraph(seed)
    assert paragraph == make_exercise_paragraph(seed)
    findings = check(paragraph)
    assert sum(f.severity == "avoid" for f in findings) >= 3
    assert sum(f.severity == "caution" for f in findings) >= 1
    assert 4 <= len(re.findall(r"[.!?](?: |$)", paragraph)) <= 6
    rewritten = suggest_rewrite(paragraph)
    assert [f for f in check(rewritten) if f.severity == "avoid"] == []
    cautions = [f.term for f in findings if f.severity == "caution"]
    assert [f.term for f in check(rewritten) if f.severity == "caution"] == cautions


def test_exercise_paragraphs_differ_across_seeds():
    assert len({make_exercise_paragraph(seed) for seed in range(20)}) >= 15


def test_check_paths_walks_sorted_and_skips_generated_and_hidden_folders(tmp_path):
    for relative in ["b.md", "a/z.yml", "a/y.txt", ".git/x.md", ".venv/lib/x.md",
                     "nb/.ipynb_checkpoints/x.md", "node_modules/x.md", "__pycache__/x.md",
                     "runs/demo/x.md", "datasets/synthetic/tiny/notes.md", "a/code.py"]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("child porn\n")
    (tmp_path / "datasets/synthetic/tiny/dataset.json").write_text("{}")
    found = [Path(f.path).relative_to(tmp_path).as_posix() for f in check_paths([tmp_path])]
    assert found == ["a/y.txt", "a/z.yml", "b.md"]


def test_check_paths_explicit_files_and_duplicates(tmp_path):
    hidden = tmp_path / ".notes" / "x.md"
    hidden.parent.mkdir()
    hidden.write_text("a paedophile")
    assert [f.term for f in check_paths([hidden, hidden, str(hidden)])] == ["paedophile"]
    assert all(isinstance(f, Finding) for f in check_paths(hidden))
    assert check_paths([]) == []


def test_check_paths_missing_path(tmp_path):
    missing = tmp_path / "nowhere.md"
    with pytest.raises(InvalidParameterError, match="nowhere.md.*does not exist") as error:
        check_paths([tmp_path, missing])
    assert "\n" not in str(error.value)


def test_cli_reports_findings_and_exits_1(tmp_path, capsys):
    (tmp_path / "a.md").write_text("child porn and a paedophile\n")
    assert main(["terms", "check", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith(f'{tmp_path / "a.md"}:1:1: avoid "child porn"')
    assert len(out.splitlines()) == 2
    assert err.strip() == "2 findings (1 terms to avoid)"


def test_cli_clean_and_cautions_only_exit_0(tmp_path, capsys):
    (tmp_path / "a.md").write_text("child sexual abuse material\n")
    (tmp_path / "b.md").write_text("a case of sextortion\n")
    assert main(["terms", "check", str(tmp_path / "a.md")]) == 0
    assert main(["terms", "check", str(tmp_path)]) == 0
    assert "1 findings (0 terms to avoid)" in capsys.readouterr().err


def test_cli_missing_path_exits_2_with_one_line(tmp_path, capsys):
    assert main(["terms", "check", str(tmp_path / "missing.md")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("vidlab: error: ") and "missing.md" in err


def test_repository_has_no_terms_to_avoid():
    """The project's CI terminology check: notebooks, curricula and docs use the guidelines."""
    findings = [format_finding(f) for f in check_paths([REPO]) if f.severity == "avoid"]
    assert findings == []
