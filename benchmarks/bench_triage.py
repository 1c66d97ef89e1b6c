"""End-to-end triage of a seized device with ``--jobs 1`` and ``--jobs 2``: files per second,
peak memory, and the share of the wall time spent decoding images.

The device is generated with :data:`vidlab.synth.seized.COURSE` (about 5,400 files; several
minutes) or, with ``--quick``, the defaults (about 185 files). Each triage runs in a fresh
Python process (``resource`` gives the peak resident memory of the largest process: the
parent, or one worker). The decoding share comes from one profiled ``--jobs 1`` run: the
time inside Pillow's ``ImageFile.load`` (entropy decoding and colour conversion) over the
whole run.

    python benchmarks/bench_triage.py                 # the COURSE device
    python benchmarks/bench_triage.py --quick         # the default device, < 1 min
    python benchmarks/bench_triage.py --case DIR      # keep (or reuse) the generated case
"""

import argparse
import cProfile
import json
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from vidlab.seed import make_rng
from vidlab.synth.seized import COURSE, make_seized_device
from vidlab.victimid import ReferenceDatabase, triage

RUN = """
import json, resource, sys, time
from vidlab.victimid import triage
start = time.perf_counter()
result = triage(sys.argv[1], sys.argv[2], known_files=sys.argv[3], jobs=int(sys.argv[4]))
seconds = time.perf_counter() - start
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
print(json.dumps({"seconds": seconds, "files": len(result.files), "peak_mib": peak}))
"""


def prepare(case, quick):
    if not (case / "device").is_dir():
        start = time.perf_counter()
        make_seized_device(case, {} if quick else COURSE, make_rng(0), jobs=2)
        print(f"generated the device in {time.perf_counter() - start:.0f} s")
    database = case / "reference.sqlite"
    if not database.is_file():
        with ReferenceDatabase(database) as db:
            db.import_vics(case / "reference" / "database.json",
                           series_table=case / "reference" / "series.csv")
    return case / "device", database, case / "reference" / "known_files.csv"


def decoding_share(device, database, known_files):
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.runcall(triage, device, database, known_files=known_files, jobs=1)
    wall = time.perf_counter() - start
    stats = pstats.Stats(profile).stats

    def cumulative(module, name):
        return sum(entry[3] for function, entry in stats.items()
                   if function[0].endswith(module) and function[2] == name)

    shares = {"decoding images (Pillow ImageFile.load)": cumulative("ImageFile.py", "load"),
              "hashing (hash_table: decode, resize, pHash, PDQ)": cumulative(
                  "hashing/table.py", "hash_table"),
              "PDQ downsampling filter": cumulative("hashing/pdq.py", "_downsample"),
              "metadata (read_metadata)": cumulative("metadata/reader.py", "read_metadata"),
              "scene linking (ORB + RANSAC; same-room grouping and known rooms)": (
                  cumulative("victimid/triage.py", "_same_room_groups")
                  + cumulative("victimid/triage.py", "_scene_links")),
              "location clues (incl. loading the models)": cumulative("victimid/triage.py",
                                                                      "_location_clues")}
    return {name: seconds / wall for name, seconds in shares.items()}, wall


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the default (small) device")
    parser.add_argument("--case", type=Path, help="folder to keep the generated case in")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        device, database, known = prepare(args.case or Path(scratch) / "case", args.quick)
        rows = {}
        for jobs in (1, 2):
            out = subprocess.run([sys.executable, "-c", RUN, str(device), str(database),
                                  str(known), str(jobs)], check=True, capture_output=True,
                                 text=True).stdout
            rows[jobs] = json.loads(out.strip().splitlines()[-1])
        shares, profiled = decoding_share(device, database, known)
    n = rows[1]["files"]
    print(f"\n{n:,} files\n\n| jobs | seconds | files/s | peak MiB (largest process) |")
    print("|---:|---:|---:|---:|")
    for jobs, row in rows.items():
        print(f"| {jobs} | {row['seconds']:.1f} | {n / row['seconds']:.1f} | "
              f"{row['peak_mib']:.0f} |")
    print(f"\nspeed-up with 2 jobs: {rows[1]['seconds'] / rows[2]['seconds']:.2f}x\n"
          f"share of a profiled --jobs 1 run ({profiled:.1f} s):")
    for name, share in shares.items():
        print(f"  {name}: {share:.0%}")


if __name__ == "__main__":
    main()
