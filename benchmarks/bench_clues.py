"""Location clues on held-out rooms: per-clue accuracy and country ranking (bench_clues).

Held-out locations ``make_location(make_rng(1000 + i), country, ...)`` for the 15 countries
(the detectors train on other seeds). For each location: one close-up per detail (product,
socket, poster, window) and one room view, at 1024x683 and at 560x373 (JPEG quality 90, like
the lessons' pictures), then a series of 6 random views at each size ranked with
:func:`vidlab.victimid.clues.rank_countries`. A detector that declines counts as wrong in
"right / all"; "[right / found]" counts its answers. In 10 of the 15 held-out rooms the
socket is hidden behind furniture, so at most 5 socket close-ups can be right. The anchor
is chance (1/15 top-1, 3/15 top-3, 1/k per clue); ratios to it are printed. ``--quick``: 5
countries, 4-view series.

    python benchmarks/bench_clues.py [--quick]
"""

import argparse
import io
import time

import numpy as np
import pandas as pd
from PIL import Image

from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.victimid import clues as C

DETAIL = {"gs1_prefix": "product", "plug_type": "socket", "script": "poster",
          "climate": "window"}


SIZES = {"1024": (1024, 683), "560": (560, 373)}  # 560: JPEG q90, like the lessons' data


def _jpeg(image, quality=90):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def _picture(location, view, size):
    image = world.render_scene(location, view, size=SIZES[size])
    return _jpeg(image) if size == "560" else image


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    countries = sorted(world.COUNTRIES)
    if args.quick:
        countries = countries[::3]
    n_views = 4 if args.quick else 6
    start = time.perf_counter()
    C._climate_model()
    climate_s = time.perf_counter() - start
    C._script_model()
    script_s = time.perf_counter() - start - climate_s
    C._plug_model()
    plug_s = time.perf_counter() - start - climate_s - script_s
    print(f"training (first call): {time.perf_counter() - start:.1f} s (climate {climate_s:.1f}, "
          f"script {script_s:.1f}, plug {plug_s:.1f}; includes importing scikit-learn)")
    per_clue = []
    results = {size: {} for size in SIZES}
    truth = []
    seconds = []
    for i, country in enumerate(countries):
        index = sorted(world.COUNTRIES).index(country)
        location = world.make_location(make_rng(1000 + index), country,
                                       world.ROOM_TYPES[index % 5], f"H{index}")
        true = {"gs1_prefix": location.gs1_prefix, "plug_type": location.plug_type,
                "script": location.script, "climate": location.climate}
        for clue, focus in DETAIL.items():
            for kind, f in (("close-up", focus), ("room", "room")):
                view = world.random_view(location, make_rng(77 + i), aspect=1.5, focus=f)
                for size in SIZES:
                    image = _picture(location, view, size)
                    t = time.perf_counter()
                    if clue == "gs1_prefix":
                        codes = C.read_barcodes(image)
                        got = codes[0][:3] if codes else ""
                    else:
                        scores = {"plug_type": C.detect_plug_type, "script": C.detect_script,
                                  "climate": C.detect_climate}[clue](image)
                        got = scores.idxmax() if scores.max() > 0 else ""
                    seconds.append(time.perf_counter() - t)
                    per_clue.append({"clue": clue, "view": f"{kind} {size}",
                                     "right": got == true[clue], "found": got != ""})
        for size in SIZES:
            rng = make_rng(500 + index)
            images = [_picture(location, world.random_view(location, rng, aspect=1.5), size)
                      for _ in range(n_views)]
            frame = C.series_clues(images)
            results[size][f"S{index}"] = (frame, C.rank_countries(frame))
        truth.append({"series_id": f"S{index}", "country": country, **true})
        location.release()
    table = pd.DataFrame(per_clue)
    chance = {"gs1_prefix": 1 / 15, "plug_type": 1 / 12, "script": 1 / 5, "climate": 1 / 10}
    print("\nper-clue accuracy on single pictures (right / all; [right / found]):")
    for clue, part in table.groupby("clue"):
        cells = []
        for view, cell in part.groupby("view"):
            right, found = cell["right"].sum(), cell["found"].sum()
            cells.append(f"{view}: {cell['right'].mean():.2f} [{right}/{found}]")
        print(f"  {clue:<11} " + "  ".join(cells) +
              f"  (chance {chance[clue]:.2f})")
    misreads = table[(table.clue == "gs1_prefix") & table.found & ~table.right]
    print(f"  barcode misreads: {len(misreads)}")
    for size in SIZES:
        report = C.evaluate_location_clues(results[size], pd.DataFrame(truth))
        print(f"\nseries of {n_views} random views at {SIZES[size]}, {len(countries)} countries:")
        print(report.to_string(index=False))
        top1 = report.set_index("metric").loc["top1", "value"]
        top3 = report.set_index("metric").loc["top3", "value"]
        print(f"top-1 {top1:.2f} = {top1 * 15:.1f}x chance; top-3 {top3:.2f} = "
              f"{top3 / 0.2:.1f}x chance")
    print(f"\ndetector time per picture: median {np.median(seconds):.3f} s, "
          f"max {np.max(seconds):.3f} s (one detector each; all four ~ 4x)")


if __name__ == "__main__":
    main()
