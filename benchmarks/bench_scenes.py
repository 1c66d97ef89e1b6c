"""Benchmark scene linking (ORB + RANSAC) against a pHash baseline on generated worlds.

For each world (``make_image_world``: rooms, several series per location, no variants or
videos), every series shot is a query and every shot of *another* series is a reference
(leave-one-series-out). Two methods decide "this shot was taken at location L":

  (a) pHash baseline -- the nearest reference by pHash Hamming distance, linked when the
      distance is <= 10 bits of 64 (the usual threshold);      -- the anchor;
  (b) scene linking  -- ``link_scenes``: ORB features, descriptor matching, RANSAC; the
      location with the most inliers, linked from ``min_inliers``.

It prints, side by side: pictures/s (features or hashes), pairs/s (comparisons), precision,
recall, F1 and top-1 location accuracy (``evaluate_scene_links``), and the ratios (b)/(a).
Then, pair by pair (every two shots of different series), it compares the RANSAC models:
inliers between *different* locations (chance; max and 99th percentile) and the share of
same-location pairs over the threshold, with the time per pair; and the pHash distances of
the same-location pairs scene linking finds. ``--jobs 2`` also times ``link_scenes`` with two
worker processes.

    python benchmarks/bench_scenes.py            # 4 worlds of 8 series, 4-8 shots, 320-480 px
    python benchmarks/bench_scenes.py --quick    # 1 world of 8 series, 3-5 shots, < 1 min
"""

import argparse
import itertools
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.hashing.perceptual import hash_image_file
from vidlab.hashing.value import hamming_distances, pack_hashes
from vidlab.seed import make_rng
from vidlab.synth.images import make_image_world
from vidlab.victimid.scenes import (
    DEFAULT_MIN_INLIERS,
    LINK_COLUMNS,
    MODELS,
    choose_min_inliers,
    evaluate_scene_links,
    link_scenes,
    match_scenes,
    scene_features,
)

PHASH_THRESHOLD = 10


def make_world(folder, seed, quick):
    config = {"n_locations": 4, "n_series": 8, "shots_per_series": [3, 5] if quick else [4, 8],
              "image_size": [320, 400] if quick else [320, 480], "n_variants": 0,
              "n_distractors": 0, "n_videos": 0}
    images = make_image_world(folder, config, make_rng(seed))["images"]
    images = images[images["kind"] == "original"].copy()
    images["path"] = [str(Path(folder) / p) for p in images["path"]]
    return images.reset_index(drop=True)


def phash_links(images):
    """The baseline: per query, the nearest other-series picture by pHash."""
    start = time.perf_counter()
    hashes = [hash_image_file(p, ("phash",))["phash"] for p in images["path"]]
    hash_seconds = time.perf_counter() - start
    packed = pack_hashes(hashes)
    series = images["series_id"].to_numpy()
    locations = images["location_id"].to_numpy()
    rows, n_pairs = [], 0
    start = time.perf_counter()
    for q, (path, value) in enumerate(zip(images["path"], hashes, strict=True)):
        distances = hamming_distances(value, packed).astype(float)
        distances[series == series[q]] = np.inf
        n_pairs += int(np.isfinite(distances).sum())
        r = int(np.argmin(distances))
        rows.append((path, 1, locations[r], images["path"][r], 0, 0, float(distances[r]),
                     bool(distances[r] <= PHASH_THRESHOLD), ""))
    compare_seconds = time.perf_counter() - start
    return pd.DataFrame(rows, columns=LINK_COLUMNS), hash_seconds, compare_seconds, n_pairs, \
        packed


def pair_table(images, features, models, packed):
    """Every two shots of different series: inliers under each model, pHash distance."""
    rows = []
    for a, b in itertools.combinations(range(len(images)), 2):
        if images["series_id"][a] == images["series_id"][b]:
            continue
        row = {"same": images["location_id"][a] == images["location_id"][b],
               "rooms": int(images["focus"][a] == "room") + int(images["focus"][b] == "room"),
               "phash": int(np.bitwise_count(packed[a] ^ packed[b]).sum())}
        for model in models:
            start = time.perf_counter()
            found = match_scenes(features[a], features[b], model=model)
            row[model] = found.inliers
            row[model + "_s"] = time.perf_counter() - start
        rows.append(row)
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small world, < 1 minute")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=1, help="also time link_scenes with N jobs")
    args = parser.parse_args()
    n_worlds = 1 if args.quick else 4
    models = ["homography", "fundamental"] if args.quick else list(MODELS)
    results, pairs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for index in range(n_worlds):
            images = make_world(Path(tmp) / f"w{index}", args.seed + index, args.quick)
            truth = images[["path", "location_id", "series_id"]]
            phash, hash_s, phash_cmp_s, phash_pairs, packed = phash_links(images)
            start = time.perf_counter()
            features = [scene_features(p) for p in images["path"]]
            feature_s = time.perf_counter() - start
            cache = dict(zip(images["path"], features, strict=True))
            start = time.perf_counter()
            links = link_scenes(images, images, min_inliers=4, exclude_same="series_id",
                                cache=cache)
            link_s = time.perf_counter() - start
            n_pairs = sum(1 for a, b in itertools.combinations(images["series_id"], 2) if a != b)
            if args.jobs > 1:
                start = time.perf_counter()
                parallel = link_scenes(images, images, min_inliers=4, exclude_same="series_id",
                                       cache=dict(cache), jobs=args.jobs)
                results.append({"world": index, "jobs_s": time.perf_counter() - start,
                                "jobs_same": parallel.equals(links)})
            scene = links.assign(linked=links["inliers"] >= DEFAULT_MIN_INLIERS)
            kwargs = {"references": truth, "exclude_same": "series_id"}
            chosen, _ = choose_min_inliers(links, truth, min_precision=0.99, **kwargs)
            for name, table, prep_s, cmp_s, n_cmp in (
                    ("pHash <= 10", phash, hash_s, phash_cmp_s, phash_pairs),
                    (f"scenes >= {DEFAULT_MIN_INLIERS}", scene, feature_s, link_s, n_pairs)):
                results.append({"world": index, "method": name, "pictures": len(images),
                                "pictures/s": len(images) / prep_s, "pairs/s": n_cmp / cmp_s,
                                **evaluate_scene_links(table, truth, **kwargs)})
            results.append({"world": index, "method": "chosen min_inliers (P>=0.99)",
                            "chosen": chosen})
            table = pair_table(images, features, models, packed)
            table["world"] = index
            pairs.append(table)
            print(f"world {index}: {len(images)} shots, {table['same'].sum()} same-location "
                  f"pairs of {len(table)}", flush=True)
    frame = pd.DataFrame(results)
    summary = frame.dropna(subset=["method"]).groupby("method", sort=False).agg(
        {"pictures": "sum", "pictures/s": "median", "pairs/s": "median", "n_linkable": "sum",
         "n_claims": "sum", "n_false_claims": "sum", "precision": "mean", "recall": "mean",
         "f1": "mean", "top1_accuracy": "mean"})
    pd.set_option("display.width", 140)
    print("\nLeave-one-series-out location linking (mean over worlds; speeds: median):")
    print(summary.drop(index=[i for i in summary.index if i.startswith("chosen")]).round(3)
          .to_string())
    base, scene = summary.iloc[0], summary.iloc[1]
    print(f"ratios scenes/pHash: pairs/s {scene['pairs/s'] / base['pairs/s']:.5f}, "
          f"recall {scene['recall'] / max(base['recall'], 1e-9):.1f}x, "
          f"precision {scene['precision'] - base['precision']:+.3f}")
    print("min_inliers chosen per world for precision >= 0.99:",
          frame["chosen"].dropna().astype(int).tolist())
    if "jobs_s" in frame:
        print(f"link_scenes with --jobs {args.jobs}: {frame['jobs_s'].dropna().round(1).tolist()}"
              f" s; same table as jobs=1: {frame['jobs_same'].dropna().tolist()}")
    table = pd.concat(pairs, ignore_index=True)
    different, same = table[~table["same"]], table[table["same"]]
    print(f"\nPair by pair ({len(table)} pairs, {len(same)} same location, "
          f"{int((same['rooms'] == 2).sum())} of them two wide views of the room):")
    rows = []
    for model in models:
        rows.append({"model": model, "ms/pair": 1000 * table[model + "_s"].mean(),
                     "chance max": different[model].max(),
                     "chance q99": different[model].quantile(0.99),
                     f"same >= {DEFAULT_MIN_INLIERS}": (same[model] >= DEFAULT_MIN_INLIERS).mean(),
                     "room-room >= thr": (same[same["rooms"] == 2][model]
                                          >= DEFAULT_MIN_INLIERS).mean(),
                     "false >= thr": int((different[model] >= DEFAULT_MIN_INLIERS).sum())})
    print(pd.DataFrame(rows).round(3).to_string(index=False))
    found = same[same["homography"] >= DEFAULT_MIN_INLIERS]
    print(f"\npHash distance of the {len(found)} same-location pairs scene linking finds: "
          f"median {found['phash'].median():.0f}, share > {PHASH_THRESHOLD}: "
          f"{(found['phash'] > PHASH_THRESHOLD).mean():.3f}; of different-location pairs: "
          f"median {different['phash'].median():.0f}")


if __name__ == "__main__":
    main()
