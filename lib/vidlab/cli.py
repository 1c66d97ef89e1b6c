"""The ``vidlab`` command: parse, call the library, print.

Exit status: 0 on success, 1 when the command ran and reports a failure (a file that could
not be hashed, a dataset that differs from its manifest, a lesson that failed), 2 on a usage
error (printed as one line, never a traceback).
"""

import argparse
import sys
from pathlib import Path

from vidlab import __version__
from vidlab.exceptions import VidlabError

__all__ = ["main"]

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit 2."""

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _formatter(prog):
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _add(subparsers, name, help_text, example, handler):
    parser = subparsers.add_parser(
        name,
        help=help_text,
        description=f"{help_text}\n\nexample:\n  {example}",
        formatter_class=_formatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def _jobs(parser):
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (0 = one per core)"
    )


def _parameter(text):
    name, sep, value = text.partition("=")
    if not sep or not name.isidentifier():
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


# --- vidlab data ---------------------------------------------------------------------------


def _cmd_data_generate(args):
    from vidlab.synth.dataset import generate_dataset

    out = generate_dataset(args.out, preset=args.preset, seed=args.seed, force=args.force,
                           jobs=args.jobs)
    print(f"dataset written to {out}")
    return EXIT_OK


def _cmd_data_verify(args):
    from vidlab.synth.dataset import verify_dataset

    report = verify_dataset(args.directory)
    for kind, paths in (("changed", report.changed), ("missing", report.missing),
                        ("unexpected", report.unexpected)):
        for path in paths:
            print(f"{kind}: {path}")
    if report.ok:
        print(f"OK: {report.n_checked} files match {args.directory}/MANIFEST.sha256")
        return EXIT_OK
    print(
        f"FAILED: {len(report.changed)} changed, {len(report.missing)} missing, "
        f"{len(report.unexpected)} unexpected",
        file=sys.stderr,
    )
    return EXIT_FAILURE


# --- vidlab hash ---------------------------------------------------------------------------


def _cmd_hash(args):
    from vidlab.hashing.table import hash_table
    from vidlab.io import write_table

    table = hash_table(args.paths, algorithms=args.algorithms, jobs=args.jobs)
    write_table(table, args.out)
    return _report_errors("hash", table, "hashed", args.out)


def _report_errors(command, table, done, out):
    """Print a summary and one line per file with an error; return the exit status."""
    n_errors = int((table["error"] != "").sum())
    if out:
        print(f"{len(table) - n_errors} files {done}, {n_errors} errors -> {out}",
              file=sys.stderr)
    if n_errors:
        for row in table[table["error"] != ""].itertuples():
            print(f"vidlab {command}: {row.path}: {row.error}", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


# --- vidlab metadata -----------------------------------------------------------------------


def _cmd_metadata(args):
    from vidlab.io import write_table
    from vidlab.metadata import metadata_for_output, read_metadata

    table = read_metadata(args.paths, jobs=args.jobs, pixels=not args.headers_only)
    write_table(metadata_for_output(table), args.out)
    return _report_errors("metadata", table, "read", args.out)


# --- vidlab match --------------------------------------------------------------------------


def _cmd_match(args):
    from vidlab.hashing.hashsets import load_hashset
    from vidlab.hashing.matching import match_hashes
    from vidlab.io import read_table, write_table

    table = read_table(args.hashes, dtype=str)
    hashset = load_hashset(args.hashset)
    matches = match_hashes(table, hashset, algorithm=args.algorithm,
                           max_distance=args.max_distance)
    write_table(matches, args.out)
    n_matched = matches["path"].nunique() if len(matches) else 0
    print(f"{n_matched} of {len(table)} files match {args.hashset} ({len(matches)} matches)"
          + (f" -> {args.out}" if args.out else ""), file=sys.stderr)
    return EXIT_OK


# --- vidlab database ------------------------------------------------------------------------


def _cmd_database_import(args):
    from vidlab.victimid import ReferenceDatabase

    with ReferenceDatabase(args.database) as database:
        counts = database.import_vics(args.vics, series_table=args.series, replace=args.replace)
        stats = database.stats()
    print(f"imported {counts['n_series']} series and {counts['n_media']} media into "
          f"{args.database}: {stats['n_series']} series ({stats['n_identified']} identified), "
          f"{stats['n_media']} media")
    return EXIT_OK


# --- vidlab triage -------------------------------------------------------------------------


def _cmd_triage(args):
    from vidlab.victimid.triage import triage, write_triage

    result = triage(args.device, args.database, known_files=args.known_files, jobs=args.jobs)
    paths = write_triage(result, args.out)
    s = result.summary
    print(f"{s['n_known_good']} known-good, {s['n_known_exact']} exact and "
          f"{s['n_known_perceptual']} perceptual matches in {s['n_known_series_found']} known "
          f"series, {s['n_candidate_series']} candidate new series "
          f"({s['share_pre_identified']:.0%} pre-identified) -> {paths['report']}",
          file=sys.stderr)
    return _report_errors("triage", result.files, "triaged", args.out)


# --- vidlab terms --------------------------------------------------------------------------


def _cmd_terms_check(args):
    from vidlab.terminology import check_paths, format_finding

    findings = check_paths(args.paths)
    for finding in findings:
        print(format_finding(finding))
    n_avoid = sum(finding.severity == "avoid" for finding in findings)
    print(f"{len(findings)} findings ({n_avoid} terms to avoid)", file=sys.stderr)
    return EXIT_FAILURE if n_avoid else EXIT_OK


# --- vidlab course -------------------------------------------------------------------------


def _cmd_course_check(args):
    from vidlab.course.curriculum import check_curriculum

    problems = check_curriculum(args.curriculum)
    for problem in problems:
        print(problem)
    if problems:
        return EXIT_USAGE
    print(f"OK: {args.curriculum}")
    if args.golden:
        return _cmd_course_golden(args)
    return EXIT_OK


def _cmd_course_golden(args):
    from vidlab.course.golden import check_golden

    report = check_golden(args.curriculum, seeds=args.seeds, jobs=args.jobs,
                          kernel_name=args.kernel)
    for row in report.rows:
        if row["key_status"] == "ok":
            print(f"{row['trainee']}  {row['lesson']}: blank {row['blank']:g}, source "
                  f"{row['source']:g} of {row['max']:g}")
    for problem in report.problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    if report.ok:
        print(f"OK: the blank release scores 0 and the source full marks for {args.seeds} "
              "seeds")
        return EXIT_OK
    return EXIT_FAILURE


def _limits(args):
    from vidlab.course.grading import Limits

    return Limits(cell_timeout=args.cell_timeout, notebook_timeout=args.notebook_timeout,
                  memory_mb=args.memory_mb, max_output_mb=args.max_output_mb)


def _cmd_course_release(args):
    from vidlab.course.release import default_secret_path, release_course

    bundles = release_course(args.curriculum, args.roster, args.out, secret=args.secret,
                             self_check=args.self_check, per_trainee_data=not args.shared_data,
                             generate_data=args.generate_data, jobs=args.jobs)
    if args.secret is None:
        from vidlab.course.curriculum import load_curriculum

        args.secret = default_secret_path(load_curriculum(args.curriculum).id)
    print(f"{len(bundles)} bundles written to {args.out}; keep the course secret {args.secret} "
          "private: grade with it (the roster is kept beside it)")
    return EXIT_OK


def _cmd_course_grade(args):
    from vidlab.course.feedback import write_feedback
    from vidlab.course.grading import grade_course

    summary = grade_course(args.curriculum, args.submissions, args.gradebook,
                           roster=args.roster, secret=args.secret, jobs=args.jobs,
                           force=args.force, per_trainee_data=args.per_trainee_data,
                           limits=_limits(args))
    for folder in summary.protected:
        print(f"vidlab course grade: made {folder} private (chmod o-rwx): submissions run as "
              "another user and must not read each other", file=sys.stderr)
    for name in summary.unknown:
        print(f"vidlab course grade: {args.submissions}/{name}: not in the roster, ignored",
              file=sys.stderr)
    for name in summary.invalid:
        print(f"vidlab course grade: {args.submissions}/{name}: not a valid trainee id "
              "(letters, digits, '_', '.', '-'), ignored", file=sys.stderr)
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(summary.statuses.items()))
    print(f"trainees from {summary.roster}")
    print(f"{summary.n_graded} submissions graded ({statuses or 'none'}), {summary.n_skipped} "
          f"already graded, {summary.n_missing} missing -> {args.gradebook} "
          f"({summary.duration_s:.1f} s)")
    if args.feedback:
        paths = write_feedback(args.gradebook, args.feedback)
        print(f"feedback: {paths['cohort']}, {paths['csv']}, {len(paths['trainees'])} trainee "
              "pages")
    if summary.n_failed:
        print(f"{summary.n_failed} submissions could not be graded (key_error or grader_error): "
              "fix the cause and run the same command again", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def _cmd_course_feedback(args):
    from vidlab.course.feedback import write_feedback

    paths = write_feedback(args.gradebook, args.out)
    print(f"feedback: {paths['cohort']}, {paths['csv']}, {len(paths['trainees'])} trainee pages")
    return EXIT_OK


def _cmd_course_run(args):
    from vidlab.course.runner import run_curriculum

    if args.sweep:
        return _course_sweep(args)
    result = run_curriculum(
        args.curriculum,
        out=args.out,
        jobs=args.jobs,
        parameters=dict(args.parameters),
        cell_timeout=args.timeout,
    )
    for lesson in result.lessons:
        print(_lesson_line(lesson, f"{lesson.module}/{lesson.lesson}"))
    print(f"course page: {result.index_html}")
    return EXIT_OK if result.ok else EXIT_FAILURE


def _lesson_line(lesson, where):
    """One line per executed lesson: status, where, duration and the error's summary."""
    line = f"{lesson.status:>6}  {where}  ({lesson.duration:.1f} s)"
    return f"{line}  {lesson.error['summary']}" if lesson.error else line


def _course_sweep(args):
    from vidlab.course.sweep import load_sweep, run_sweep

    result = run_sweep(
        args.curriculum,
        load_sweep(args.sweep),
        out=args.out,
        jobs=args.jobs,
        parameters=dict(args.parameters),
        cell_timeout=args.timeout,
    )
    for set_id, runs in result.lessons.items():
        for lesson in runs:
            print(_lesson_line(lesson, f"{set_id}  {lesson.lesson}"))
    print(f"summary: {result.summary_csv}  page: {result.summary_html}")
    return EXIT_OK if result.ok else EXIT_FAILURE


def _build_parser():
    parser = _Parser(
        prog="vidlab",
        description="Training and research environment for victim identification "
        "(synthetic data only).",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"vidlab {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    data = commands.add_parser("data", help="generate and verify synthetic datasets")
    data_commands = data.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    generate = _add(data_commands, "generate", "Generate a synthetic dataset.",
                    "vidlab data generate --preset tiny --seed 7 --out datasets/synthetic/tiny",
                    _cmd_data_generate)
    generate.add_argument("--preset", default="tiny",
                          help="tiny, course, large, or a recipe .yml file (default: tiny)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    generate.add_argument("--out", required=True, type=Path, help="folder to write")
    generate.add_argument("--force", action="store_true",
                          help="replace an existing vidlab dataset in --out")
    _jobs(generate)
    verify = _add(data_commands, "verify", "Re-hash a dataset against its MANIFEST.sha256.",
                  "vidlab data verify datasets/synthetic/tiny", _cmd_data_verify)
    verify.add_argument("directory", type=Path)

    hash_ = _add(commands, "hash", "Hash files and folders; one row per file, always.",
                 "vidlab hash evidence/ --algorithms sha256,md5 --out hashes.csv", _cmd_hash)
    hash_.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    hash_.add_argument("--algorithms", default="sha256",
                       help="comma-separated: md5, sha1, sha256, ahash, dhash, phash, pdq "
                       "(default: sha256)")
    hash_.add_argument("--out", type=Path, help="FILE.csv or FILE.parquet (default: CSV to stdout)")
    _jobs(hash_)

    metadata = _add(commands, "metadata",
                    "Read EXIF and video metadata; one row per file, always.",
                    "vidlab metadata world/series --out metadata.csv --jobs 2", _cmd_metadata)
    metadata.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    metadata.add_argument("--out", type=Path,
                          help="FILE.csv or FILE.parquet (default: CSV to stdout)")
    metadata.add_argument("--headers-only", action="store_true",
                          help="read headers and EXIF only, decode no pixels: about 30x faster, "
                          "but thumbnail_distance stays empty and truncated pictures go unnoticed")
    _jobs(metadata)

    match = _add(commands, "match", "Match a hash table against a hash set of known material.",
                 "vidlab match hashes.csv --hashset known.csv --algorithm pdq --out matches.csv",
                 _cmd_match)
    match.add_argument("hashes", type=Path, metavar="HASHES",
                       help="a table written by 'vidlab hash' (.csv or .parquet)")
    match.add_argument("--hashset", required=True, type=Path,
                       help="hash set: CSV (id, algorithm, hash, label, series) or VICS JSON")
    match.add_argument("--algorithm", help="match with this algorithm only (default: every "
                       "algorithm both sides have)")
    match.add_argument("--max-distance", type=int, metavar="D",
                       help="largest Hamming distance that matches (default: pdq 31, phash 10)")
    match.add_argument("--out", type=Path, help="FILE.csv or FILE.parquet (default: CSV to stdout)")

    database = commands.add_parser("database", help="the reference database of known series")
    database_commands = database.add_subparsers(title="commands", metavar="COMMAND",
                                                parser_class=_Parser)
    import_ = _add(database_commands, "import",
                   "Import known series from VICS JSON into a reference database (created if "
                   "missing).",
                   "vidlab database import case/reference/database.json --series "
                   "case/reference/series.csv --database reference.sqlite", _cmd_database_import)
    import_.add_argument("vics", type=Path, metavar="VICS.json", help="VICS-style JSON of media")
    import_.add_argument("--series", type=Path, metavar="CSV",
                         help="series_id, status, country, location, case_id, notes")
    import_.add_argument("--database", required=True, type=Path, metavar="DB.sqlite")
    import_.add_argument("--replace", action="store_true",
                         help="update series and media already in the database")

    triage = _add(commands, "triage",
                  "Triage a seized device: set aside known files, match known material, "
                  "group the rest into candidate series, report.",
                  "vidlab triage case/device --database reference.sqlite "
                  "--known-files case/reference/known_files.csv --out triage/ --jobs 2",
                  _cmd_triage)
    triage.add_argument("device", type=Path, metavar="DEVICE",
                        help="folder of the extracted device")
    triage.add_argument("--database", required=True, type=Path, metavar="DB.sqlite",
                        help="reference database of known series (vidlab.victimid)")
    triage.add_argument("--out", required=True, type=Path, metavar="DIR",
                        help="folder for files.csv, series.csv and report.html")
    triage.add_argument("--known-files", type=Path, metavar="CSV",
                        help="NSRL-like known-good list (a sha256 column) to set aside")
    _jobs(triage)

    terms = commands.add_parser("terms", help="terminology (Luxembourg Guidelines)")
    terms_commands = terms.add_subparsers(title="commands", metavar="COMMAND",
                                          parser_class=_Parser)
    terms_check = _add(terms_commands, "check",
                       "Check notebooks, YAML and Markdown for terms to avoid.",
                       "vidlab terms check notebooks/ curricula/ README.md", _cmd_terms_check)
    terms_check.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    course = commands.add_parser("course", help="check, run, release and grade curricula")
    course_commands = course.add_subparsers(title="commands", metavar="COMMAND",
                                            parser_class=_Parser)
    check = _add(course_commands, "check", "Validate a curriculum: schema, files, parameters.",
                 "vidlab course check curricula/foundations.yml", _cmd_course_check)
    check.add_argument("curriculum", type=Path)
    check.add_argument("--golden", action="store_true",
                       help="also run the golden pair: the blank release must score 0 and the "
                       "source full marks (executes every lesson 3 times per seed)")
    check.add_argument("--seeds", type=int, default=2, metavar="N",
                       help="trainee seeds for --golden (default: 2)")
    check.add_argument("--kernel", metavar="NAME", help="Jupyter kernel (default: vidlab)")
    _jobs(check)
    release = _add(course_commands, "release",
                   "Write one bundle per trainee: solutions stripped, their own seeds.",
                   "vidlab course release curricula/foundations.yml --roster roster.csv "
                   "--out release/", _cmd_course_release)
    release.add_argument("curriculum", type=Path)
    release.add_argument("--roster", required=True, type=Path, metavar="ROSTER.csv",
                         help="CSV with a trainee_id column (optional: name, email)")
    release.add_argument("--out", required=True, type=Path, metavar="DIR",
                         help="one folder per trainee is written here")
    release.add_argument("--secret", type=Path, metavar="FILE",
                         help="course secret, created if missing (default: "
                         "~/.vidlab/course/<curriculum id>.key); never hand it out")
    release.add_argument("--self-check", action="store_true",
                         help="add salted hashes of the exact answers (runs every key)")
    release.add_argument("--shared-data", action="store_true",
                         help="everyone gets the curriculum's dataset (default: each trainee "
                         "their own dataset seed)")
    release.add_argument("--generate-data", action="store_true",
                         help="write each trainee's dataset into their bundle")
    _jobs(release)
    grade = _add(course_commands, "grade",
                 "Grade submissions DIR/<trainee id>/<notebook> into an SQLite gradebook.",
                 "vidlab course grade curricula/foundations.yml --submissions inbox/ "
                 "--gradebook grades.sqlite --jobs 2 --feedback feedback/", _cmd_course_grade)
    grade.add_argument("curriculum", type=Path)
    grade.add_argument("--submissions", required=True, type=Path, metavar="DIR")
    grade.add_argument("--gradebook", required=True, type=Path, metavar="FILE.sqlite")
    grade.add_argument("--roster", type=Path, metavar="ROSTER.csv",
                       help="trainees to grade (default: the roster kept by release beside the "
                       "secret; without one, the submission folder names)")
    grade.add_argument("--secret", type=Path, metavar="FILE",
                       help="the course secret the course was released with (default: "
                       "~/.vidlab/course/<curriculum id>.key)")
    data = grade.add_mutually_exclusive_group()
    data.add_argument("--per-trainee-data", action="store_true", default=None,
                      help="inject each trainee's own dataset (default: as released)")
    data.add_argument("--shared-data", action="store_false", dest="per_trainee_data",
                      help="inject the curriculum's dataset (default: as released)")
    grade.add_argument("--force", action="store_true",
                       help="re-grade submissions already graded")
    grade.add_argument("--feedback", type=Path, metavar="DIR",
                       help="then write feedback pages, cohort.html and grades.csv here")
    grade.add_argument("--cell-timeout", type=float, default=60, metavar="SECONDS",
                       help="time limit per cell (default: 60)")
    grade.add_argument("--notebook-timeout", type=float, default=600, metavar="SECONDS",
                       help="time limit per notebook (default: 600)")
    grade.add_argument("--memory-mb", type=float, default=2048, metavar="MB",
                       help="memory limit of a submission's kernel (default: 2048)")
    grade.add_argument("--max-output-mb", type=float, default=20, metavar="MB",
                       help="largest executed notebook kept (default: 20)")
    _jobs(grade)
    feedback = _add(course_commands, "feedback",
                    "Write per-trainee HTML feedback, a cohort report and a CSV of grades.",
                    "vidlab course feedback --gradebook grades.sqlite --out feedback/",
                    _cmd_course_feedback)
    feedback.add_argument("--gradebook", required=True, type=Path, metavar="FILE.sqlite")
    feedback.add_argument("--out", required=True, type=Path, metavar="DIR")
    run = _add(course_commands, "run", "Execute every lesson of a curriculum with papermill.",
               "vidlab course run curricula/foundations.yml --out runs/demo -p seed=7\n"
               "  vidlab course run curricula/trend-study.yml -j 2 "
               "--sweep curricula/sweeps/regions.yml",
               _cmd_course_run)
    run.add_argument("curriculum", type=Path)
    run.add_argument("--out", type=Path, help="output folder (default: runs/<curriculum id>)")
    run.add_argument("-p", "--parameter", dest="parameters", action="append", default=[],
                     type=_parameter, metavar="NAME=VALUE",
                     help="set a lesson parameter for every lesson (repeatable)")
    run.add_argument("--sweep", type=Path, metavar="FILE.yml|.csv",
                     help="run once per parameter set listed in FILE (in parallel with --jobs) "
                     "and write a summary table sweep.csv / sweep.html")
    run.add_argument("--timeout", type=int, default=600, metavar="SECONDS",
                     help="time limit per cell (default: 600)")
    _jobs(run)
    return parser


def main(argv=None):
    """Run the ``vidlab`` command line; return the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.handler(args)
    except VidlabError as error:
        print(f"vidlab: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vidlab: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
