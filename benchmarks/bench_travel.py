"""Benchmark vidlab.travel.match_trips against an all-pairs rapidfuzz baseline.

1. Generates notices and trips with :func:`vidlab.synth.travel.make_travel_tables` (seeded;
   10,000 notices and 1 M trips by default, as in the ``large`` preset): seconds.
2. Runs ``match_trips`` on all trips (blocking + scoring): seconds, time per trip, peak
   resident memory during the run (sampled every 50 ms, above the level before), candidate
   pairs, reduction ratio, precision and recall at the default threshold against the ground
   truth.
3. On a random sample of trips (``--sample``, default 10,000), in the same run: the anchor,
   an all-pairs comparison with ``rapidfuzz.process.cdist`` (``fuzz.token_sort_ratio`` on
   ``normalise_name`` full names, every notice's name, birth name and aliases,
   ``workers=-1``) combined with the same date-of-birth, sex and nationality rules and
   weights as vidlab (:data:`vidlab.travel.match.DEFAULT_WEIGHTS`...); and ``match_trips``
   on the same sample. Time per trip, the time extrapolated to all trips, precision and
   recall of both, and the ratios.

    python benchmarks/bench_travel.py            # 10k notices, 1M trips, 10k sample: minutes
    python benchmarks/bench_travel.py --quick    # 1k notices, 50k trips, 1k sample: < 1 min

The machine's other load makes seconds noisy: read the ratios.
"""

import argparse
import os
import threading
import time

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from vidlab.seed import make_rng
from vidlab.synth.travel import VARIANTS, make_travel_tables
from vidlab.travel.match import (
    DEFAULT_THRESHOLD,
    DEFAULT_WEIGHTS,
    DOB_AGREEMENT,
    NATIONALITY_AGREEMENT,
    SEX_FACTOR,
    match_trips,
    precision_recall,
    reduction_ratio,
)
from vidlab.travel.normalise import normalise_name

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE


class PeakMemory:
    """The highest resident set size seen while the block runs, sampled every 50 ms."""

    def __enter__(self):
        self.base = self.peak = rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, rss())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss())


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def notice_names(notices, aliases):
    """Every Latin name a notice gives (name, birth name, aliases), normalised: a frame of
    notice_id, name."""
    birth = notices[notices["birth_name"] != ""]
    names = pd.concat([
        notices[["notice_id", "forename", "family_name"]],
        birth[["notice_id", "forename"]].assign(family_name=birth["birth_name"]),
        aliases[["notice_id", "forename", "family_name"]]], ignore_index=True)
    names["name"] = [normalise_name(f"{a} {b}") for a, b in
                     zip(names["forename"], names["family_name"], strict=True)]
    return names[["notice_id", "name"]]


def ymd(dates):
    """Year, month, day of "YYYY-MM-DD" / "YYYY" / "" dates as int arrays (0: not given)."""
    dates = pd.Series(dates, dtype=str)
    return tuple(pd.to_numeric(dates.str[a:b], errors="coerce").fillna(0).astype(int).to_numpy()
                 for a, b in ((0, 4), (5, 7), (8, 10)))


def rules(pairs, trips, notices):
    """vidlab's date-of-birth, sex and nationality categories of each pair (the rules of
    :func:`vidlab.travel.match.score_candidates`, written out for the anchor)."""
    trip = trips.set_index("trip_id").loc[pairs["trip_id"]]
    notice = notices.set_index("notice_id").loc[pairs["notice_id"]]
    (ty, tm, td), (ny, nm, nd) = ymd(trip["date_of_birth"]), ymd(notice["date_of_birth"])
    dob = np.select([(ty == 0) | (ny == 0), (ty == ny) & (nm > 0) & (tm == nm) & (td == nd),
                     (ty == ny) & (nm > 0) & (tm == nd) & (td == nm), (ty == ny) & (nm == 0),
                     ty == ny],
                    ["missing", "equal", "day_month_swapped", "year_only", "same_year"],
                    default="different")
    t_sex, n_sex = trip["sex"].to_numpy(), notice["sex"].to_numpy()
    sex = np.where((t_sex == "") | (n_sex == ""), "missing",
                   np.where(t_sex == n_sex, "equal", "different"))
    nationality = np.array(
        ["missing" if not t or not n else "on_notice" if t in n.split(";") else "other"
         for t, n in zip(trip["nationality"], notice["nationalities"], strict=True)])
    return dob, sex, nationality


def baseline(trips, notices, aliases):
    """All pairs of names with rapidfuzz, then vidlab's date, sex and nationality rules and
    weights on the pairs whose name score could reach the threshold: the scored pairs, the
    number of name pairs compared and the seconds of ``cdist``."""
    names = notice_names(notices, aliases)
    trip_names = [normalise_name(f"{a} {b}") for a, b in
                  zip(trips["forename"], trips["family_name"], strict=True)]
    # score = (w_name * name + the rest) * sex and the rest <= 1 - w_name: below this name
    # score no pair reaches the threshold
    weight = DEFAULT_WEIGHTS["name"]
    cutoff = int(50 + 50 * max(0.0, DEFAULT_THRESHOLD - (1 - weight)) / weight)
    seconds, matrix = timed(process.cdist, trip_names, names["name"].tolist(),
                            scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, dtype=np.uint8,
                            workers=-1)
    rows, columns = np.nonzero(matrix)
    pairs = pd.DataFrame({"trip_id": trips["trip_id"].to_numpy()[rows],
                          "notice_id": names["notice_id"].to_numpy()[columns],
                          "name_score": matrix[rows, columns].astype(float)})
    pairs = pairs.groupby(["trip_id", "notice_id"], as_index=False)["name_score"].max()
    dob, sex, nationality = rules(pairs, trips, notices)
    name = np.clip((pairs["name_score"].to_numpy() - 50) / 50, 0, 1)
    pairs["score"] = np.round(
        (weight * name + DEFAULT_WEIGHTS["date_of_birth"] * pd.Series(dob).map(DOB_AGREEMENT)
         + DEFAULT_WEIGHTS["nationality"] * pd.Series(nationality).map(NATIONALITY_AGREEMENT))
        * pd.Series(sex).map(SEX_FACTOR), 3)
    return pairs, matrix.size, seconds


def by_variant(matches, truth):
    """Recall of each variant kind, and the wrong matches by who travelled (a look-alike or
    anyone else)."""
    found = set(zip(matches["trip_id"], matches["notice_id"], strict=True))
    subjects = truth[truth["notice_id"] != ""]
    hit = pd.Series([pair in found for pair in zip(subjects["trip_id"], subjects["notice_id"],
                                                   strict=True)], index=subjects.index)
    recall = hit.groupby(subjects["variant"]).mean().round(2)
    wrong = matches.merge(truth[["trip_id", "notice_id", "is_trap"]], on="trip_id",
                          suffixes=("", "_true"))
    wrong = wrong[wrong["notice_id"] != wrong["notice_id_true"]]
    return recall, int(wrong["is_trap"].sum()), int((~wrong["is_trap"]).sum())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="1,000 notices, 50,000 trips, a 1,000-trip sample (under a minute)")
    parser.add_argument("--notices", type=int, default=10_000)
    parser.add_argument("--trips", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.quick:
        args.notices, args.trips, args.sample = 1_000, 50_000, 1_000

    seconds, (files, truth) = timed(make_travel_tables,
                                    {"n_notices": args.notices, "n_trips": args.trips},
                                    make_rng(args.seed))
    notices, aliases, trips = files["notices"], files["aliases"], files["trips"]
    truth = truth["trips"]
    print(f"generated {len(notices):,} notices ({len(aliases):,} aliases) and {len(trips):,} "
          f"trips in {seconds:.1f} s; {int((truth['notice_id'] != '').sum()):,} trips by "
          f"notice subjects, {int(truth['is_trap'].sum()):,} by look-alikes", flush=True)

    with PeakMemory() as memory:
        seconds_all, candidates = timed(match_trips, trips, notices, aliases,
                                        return_candidates=True)
    matches = candidates[candidates["score"] >= DEFAULT_THRESHOLD]
    quality = precision_recall(matches, truth)
    print("\n| match_trips, all trips | seconds | us/trip | peak MiB above start | "
          "candidate pairs | reduction ratio | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(f"| {len(trips):,} trips x {len(notices):,} notices | {seconds_all:.1f} | "
          f"{1e6 * seconds_all / len(trips):.1f} | {(memory.peak - memory.base) / 2**20:,.0f} | "
          f"{len(candidates):,} | {reduction_ratio(len(candidates), len(trips), len(notices))} | "
          f"{quality['precision']} | {quality['recall']} |", flush=True)

    sample = trips.iloc[np.sort(make_rng(args.seed + 1).choice(len(trips), args.sample,
                                                                 replace=False))]
    sample_truth = truth[truth["trip_id"].isin(set(sample["trip_id"]))]
    seconds_vidlab, found = timed(match_trips, sample, notices, aliases)
    seconds_base, (scored, n_name_pairs, seconds_cdist) = timed(baseline, sample, notices,
                                                                aliases)
    ours = precision_recall(found, sample_truth)
    theirs = precision_recall(scored[scored["score"] >= DEFAULT_THRESHOLD], sample_truth)
    print(f"\nSample: {len(sample):,} trips x {len(notices):,} notices, "
          f"{ours['n_true']} true pairs, threshold {DEFAULT_THRESHOLD}")
    print("| method | seconds | us/trip | extrapolated to all trips, s | precision | recall |")
    print("|---|---:|---:|---:|---:|---:|")
    for method, spent, result in (
            (f"all-pairs: cdist of {n_name_pairs:,} name pairs ({seconds_cdist:.2f} s, "
             f"{n_name_pairs / seconds_cdist / 1e6:.0f} M/s) + rules", seconds_base, theirs),
            ("vidlab match_trips", seconds_vidlab, ours)):
        per_trip = spent / len(sample)
        print(f"| {method} | {spent:.2f} | {1e6 * per_trip:.1f} | {per_trip * len(trips):,.0f} "
              f"| {result['precision']} | {result['recall']} |")
    print("\n| recall by variant | " + " | ".join(VARIANTS) + " | wrong: look-alikes | others |")
    print("|---|" + "---:|" * (len(VARIANTS) + 2))
    for method, pairs, subset in (
            ("vidlab, all trips", matches, truth),
            ("vidlab, sample", found, sample_truth),
            ("all-pairs, sample", scored[scored["score"] >= DEFAULT_THRESHOLD], sample_truth)):
        recall, traps, others = by_variant(pairs, subset)
        print(f"| {method} | " + " | ".join(str(recall.get(kind, "")) for kind in VARIANTS)
              + f" | {traps} | {others} |")
    recall_ratio = ours["recall"] / theirs["recall"] if theirs["recall"] else float("inf")
    print(f"\nspeed-up on the sample: {seconds_base / seconds_vidlab:.1f}x; the all-pairs "
          f"baseline extrapolated to all trips vs the measured full run: "
          f"{seconds_base / len(sample) * len(trips) / seconds_all:.1f}x; "
          f"recall vidlab / baseline: {recall_ratio:.2f}x; "
          f"precision {ours['precision']} vs {theirs['precision']}")


if __name__ == "__main__":
    main()
