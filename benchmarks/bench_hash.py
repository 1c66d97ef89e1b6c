"""Benchmark `vidlab hash --algorithms sha256` against `sha256sum` on the same files.

Writes a temporary evidence-like folder (large 4 MiB files plus many small ones), reads it
once so that every command hashes from the page cache, then times each command as a
subprocess, interleaved, several times. Prints throughput (MB/s, 1 MB = 10**6 bytes) and the
ratio to the anchor ``sha256sum``; the goal is vidlab >= 0.8x sha256sum. ``openssl dgst``
is shown as a second anchor when it is installed: it uses the same OpenSSL code as
Python's hashlib, so it is the ceiling for one process.

    python benchmarks/bench_hash.py                  # ~1 GiB, 5 repetitions
    python benchmarks/bench_hash.py --size-mib 256 --repeat 3
"""

import argparse
import csv
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL = 0.8
LARGE = 4 << 20
SMALL_SHARE = 0.02  # ~2% of the bytes in small files (1-64 KiB): per-file overhead shows


def make_files(root, size_mib, seed=0):
    """Write the benchmark files under ``root``; return (sorted paths, total bytes)."""
    rng = random.Random(seed)
    total = size_mib << 20
    small_budget = int(total * SMALL_SHARE)
    sizes = []
    while sum(sizes) < small_budget:
        sizes.append(rng.randint(1 << 10, 64 << 10))
    sizes += [LARGE] * max(1, (total - sum(sizes)) // LARGE)
    paths = []
    for index, size in enumerate(sizes):
        folder = root / ("large" if size == LARGE else f"small/{index % 16:02d}")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"file{index:05d}.bin"
        path.write_bytes(rng.randbytes(size))
        paths.append(path)
    return sorted(paths), sum(sizes)


def warm(paths):
    for path in paths:
        with open(path, "rb", buffering=0) as file:
            while file.read(1 << 20):
                pass


def vidlab_command():
    script = Path(sys.executable).with_name("vidlab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "vidlab.cli"]


def commands(root, paths, out):
    names = [str(p.relative_to(root)) for p in paths]
    found = {
        "sha256sum": ["sha256sum", *names] if shutil.which("sha256sum") else None,
        "openssl dgst": ["openssl", "dgst", "-sha256", *names] if shutil.which("openssl") else None,
    }
    for jobs in (1, 2):
        found[f"vidlab hash --jobs {jobs}"] = [
            *vidlab_command(),
            "hash",
            ".",
            "--algorithms",
            "sha256",
            "--jobs",
            str(jobs),
            "--out",
            str(out),
        ]
    return {name: argv for name, argv in found.items() if argv}


def check_same_digests(root, argvs, out):
    """Fail loudly if vidlab and sha256sum disagree: a fast wrong answer is worthless."""
    time_once(argvs["vidlab hash --jobs 1"], root)
    with open(out, newline="") as file:
        ours = {row["path"].removeprefix("./"): row["sha256"] for row in csv.DictReader(file)}
    if "sha256sum" in argvs:
        result = subprocess.run(
            argvs["sha256sum"], cwd=root, check=True, capture_output=True, text=True
        )
        theirs = dict(reversed(line.split("  ", 1)) for line in result.stdout.splitlines())
        if ours != theirs:
            sys.exit("vidlab hash and sha256sum disagree: benchmark aborted")


def time_once(argv, root):
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    if result.returncode:
        sys.exit(f"{' '.join(argv[:4])} ... failed:\n{result.stderr.decode()}")
    return elapsed


# The library call alone, without process start-up: what a notebook sees.
IN_PROCESS = {"hash_files() jobs=1": 1, "hash_files() jobs=2": 2}


def time_in_process(root, jobs):
    from vidlab.hashing.crypto import hash_files

    start = time.perf_counter()
    table = hash_files([root], ["sha256"], jobs=jobs)
    elapsed = time.perf_counter() - start
    if (table["error"] != "").any():
        sys.exit(f"hash_files reported errors:\n{table[table['error'] != '']}")
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="total size (default 1024)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    parser.add_argument("--dir", type=Path, help="where to create the files (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.size_mib < 8 or args.repeat < 1:
        parser.error("--size-mib must be >= 8 and --repeat >= 1")

    work = Path(tempfile.mkdtemp(prefix="vidlab-bench-", dir=args.dir))
    try:
        root, out = work / "evidence", work / "hashes.csv"
        paths, n_bytes = make_files(root, args.size_mib)
        print(f"{len(paths)} files, {n_bytes / 1e6:.0f} MB in {root}; {args.repeat} repetitions")
        warm(paths)
        argvs = commands(root, paths, out)
        check_same_digests(root, argvs, out)
        for argv in argvs.values():  # one untimed run each: caches, imports, pyc files
            time_once(argv, root)
        for jobs in IN_PROCESS.values():
            time_in_process(root, jobs)
        times = {name: [] for name in [*argvs, *IN_PROCESS]}
        for _ in range(args.repeat):
            for name, argv in argvs.items():  # interleaved, so drift hits every command
                times[name].append(time_once(argv, root))
            for name, jobs in IN_PROCESS.items():
                times[name].append(time_in_process(root, jobs))
        report(times, n_bytes)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(times, n_bytes):
    anchor = statistics.median(times["sha256sum"]) if "sha256sum" in times else None
    print(f"{'command':<24}{'median s':>10}{'best s':>9}{'MB/s':>9}{'vs sha256sum':>14}")
    for name, values in times.items():
        median = statistics.median(values)
        ratio = f"{anchor / median:.2f}x" if anchor else "-"
        print(
            f"{name:<24}{median:>10.3f}{min(values):>9.3f}{n_bytes / 1e6 / median:>9.0f}{ratio:>14}"
        )
    if anchor:
        worst = min(anchor / statistics.median(v) for n, v in times.items() if "vidlab" in n)
        verdict = "meets" if worst >= GOAL else "MISSES"
        print(
            f"vidlab {verdict} the goal of >= {GOAL}x sha256sum (worst: {worst:.2f}x); "
            "times include process start-up (Python, pandas) and writing the CSV."
        )


if __name__ == "__main__":
    main()
