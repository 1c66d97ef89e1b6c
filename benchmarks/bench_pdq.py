"""Benchmark vidlab's PDQ: the fast file path against a full-decode PDQ and a plain decode.

Writes N synthetic 1600 x 1200 JPEGs (quality 90: a lit gradient wall and floor, rectangles,
a striped pattern, text labels, sensor-like noise; no people) into a temporary folder,
deterministically from ``--seed``, reads them once so every method decodes from the page
cache, then times, interleaved, ``--repeat`` times:

  (a) ``pdq_hash_image(Image.open(p).convert("RGB"))``  -- full-decode PDQ, the anchor;
  (b) ``Image.open(p).load()``                            -- a plain full Pillow decode;
  (c) the reference's file hasher recipe: ``Image.open(p)``, ``thumbnail((512, 512))``,
      then ``pdq_hash_image`` (the bits of ThreatExchange's ``PDQHasher.fromFile``);
  (d) ``pdq_hash_file(p)``                                -- vidlab's fast path;
  (e) ``pdqhash.compute`` (the C++ reference via PyPI ``pdqhash``) on the full decode, only
      if that package happens to be installed (it is not a vidlab dependency);

and prints images per second (median of the repetitions) and ratios to (a) and (b); the
goal is (d) >= 90 images/s per core. It also prints how far (d) is from (c) and (a)
(Hamming distance, bits of 256) and, for the first few files, the time of
:func:`pdq_hash_array` alone on a 640 x 360 video frame.

    python benchmarks/bench_pdq.py            # 200 images, 3 repetitions
    python benchmarks/bench_pdq.py --quick    # 24 images, 1 repetition, < 1 min
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vidlab.hashing.pdq import pdq_hash_array, pdq_hash_file, pdq_hash_image
from vidlab.hashing.value import HashValue
from vidlab.seed import make_rng

try:  # optional cross-check against the C++ reference; never a dependency
    import pdqhash
except ImportError:  # pragma: no cover - depends on the machine
    pdqhash = None

GOAL_RATE = 90.0
WIDTH, HEIGHT = 1600, 1200
WORDS = ["STORAGE", "ROOM 12", "EXIT", "CASE 0423", "SHELF B", "KITCHEN", "OFFICE", "LAB 3"]


def colour(rng, low=0, high=256):
    return tuple(int(v) for v in rng.integers(low, high, 3))


def make_picture(rng, width=WIDTH, height=HEIGHT):
    """One synthetic indoor picture: gradients, rectangles, stripes, text and noise."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    horizon = int(rng.integers(height // 2, height * 3 // 4))
    wall = np.array(colour(rng, 90, 230), np.float32)
    floor = np.array(colour(rng, 40, 160), np.float32)
    light = 1.0 - 0.35 * np.hypot(x / width - rng.uniform(0, 1), y / height - 0.2)
    shade = (0.6 + 0.4 * y / height)[..., None]
    pixels = np.where((y < horizon)[..., None], wall, floor * shade) * light[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 9))):  # furniture-like boxes
        w, h = int(rng.integers(width // 12, width // 3)), int(rng.integers(height // 10,
                                                                            height // 3))
        left, top = int(rng.integers(0, width - w)), int(rng.integers(0, height - h))
        draw.rectangle((left, top, left + w, top + h), fill=colour(rng, 20, 220),
                       outline=colour(rng, 0, 80), width=4)
    fx, fy = int(rng.integers(0, width - 260)), int(rng.integers(0, height - 260))
    for step in range(0, 240, 24):  # a striped pattern
        draw.rectangle((fx + step, fy, fx + step + 12, fy + 240), fill=colour(rng))
    font = ImageFont.load_default(size=int(rng.integers(30, 80)))
    for _ in range(int(rng.integers(1, 4))):
        draw.text((int(rng.integers(0, width - 400)), int(rng.integers(0, height - 90))),
                  WORDS[int(rng.integers(len(WORDS)))], fill=colour(rng), font=font)
    noise = rng.standard_normal((height, width, 3), dtype=np.float32) * rng.uniform(2, 6)
    return Image.fromarray(np.clip(np.asarray(image, np.float32) + noise, 0, 255)
                           .astype(np.uint8))


def make_images(folder, count, seed):
    rng = make_rng(seed)
    paths = []
    for index in range(count):
        path = Path(folder) / f"room{index:04d}.jpg"
        make_picture(rng).save(path, quality=90)
        paths.append(path)
    return paths


def full_pdq(path):
    with Image.open(path) as image:
        return pdq_hash_image(image.convert("RGB"))


def full_decode(path):
    with Image.open(path) as image:
        image.load()


def reference_recipe(path):
    with Image.open(path) as image:
        image.thumbnail((512, 512))
        return pdq_hash_image(image.convert("RGB"))


def fast_pdq(path):
    return pdq_hash_file(path)


def cpp_pdq(path):  # pragma: no cover - only with the optional package
    with Image.open(path) as image:
        return pdqhash.compute(np.asarray(image.convert("RGB")))


METHODS = {
    "(a) full-decode PDQ": full_pdq,
    "(b) Pillow full decode": full_decode,
    "(c) reference recipe": reference_recipe,
    "(d) vidlab pdq_hash_file": fast_pdq,
}
if pdqhash is not None:  # pragma: no cover
    METHODS["(e) pdqhash (C++)"] = cpp_pdq


def time_method(func, paths):
    start = time.perf_counter()
    for path in paths:
        func(path)
    return time.perf_counter() - start


def summary(values):
    values = np.asarray(values)
    return (f"mean {values.mean():.2f}, max {values.max()}, "
            f"identical {np.mean(values == 0):.0%}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=200, help="number of JPEGs (default 200)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the images (default 0)")
    parser.add_argument("--quick", action="store_true", help="24 images, 1 repetition")
    parser.add_argument("--dir", type=Path, help="where to create the files (default: temp)")
    args = parser.parse_args(argv)
    if args.quick:
        args.images, args.repeat = 24, 1
    if args.images < 2 or args.repeat < 1:
        parser.error("--images must be >= 2 and --repeat >= 1")

    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    work = Path(tempfile.mkdtemp(prefix="vidlab-bench-pdq-", dir=args.dir))
    try:
        start = time.perf_counter()
        paths = make_images(work, args.images, args.seed)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        print(f"{len(paths)} JPEGs {WIDTH}x{HEIGHT} q90, mean {size / 1e3:.0f} kB, made in "
              f"{time.perf_counter() - start:.1f} s; {args.repeat} repetition(s); "
              f"OPENBLAS_NUM_THREADS={threads}")
        for path in paths:
            path.read_bytes()

        fast = [fast_pdq(p) for p in paths]
        reference = [reference_recipe(p) for p in paths]
        full = [full_pdq(p) for p in paths]
        print("distance (d) fast vs (c) reference recipe: "
              + summary([f[0] - r[0] for f, r in zip(fast, reference, strict=True)]))
        print("distance (d) fast vs (a) full decode:      "
              + summary([f[0] - r[0] for f, r in zip(fast, full, strict=True)]))
        print("quality (d) minus (c): max |difference| "
              f"{max(abs(f[1] - r[1]) for f, r in zip(fast, reference, strict=True))}")
        if pdqhash is not None:  # pragma: no cover
            cpp = [cpp_pdq(p) for p in paths]
            print("distance (a) full decode vs pdqhash C++: " + summary(
                [a[0] - HashValue.from_bits(c[0]) for a, c in zip(full, cpp, strict=True)]))

        for func in METHODS.values():  # one untimed pass: imports, caches
            func(paths[0])
        times = {name: [] for name in METHODS}
        for _ in range(args.repeat):
            for name, func in METHODS.items():
                times[name].append(time_method(func, paths))
        anchor = len(paths) / statistics.median(times["(a) full-decode PDQ"])
        decode = len(paths) / statistics.median(times["(b) Pillow full decode"])
        print(f"\n{'method':28} {'images/s':>9} {'ms/image':>9} {'vs (a)':>8} {'vs (b)':>8}")
        for name, values in times.items():
            rate = len(paths) / statistics.median(values)
            print(f"{name:28} {rate:9.1f} {1000 / rate:9.2f} {rate / anchor:7.2f}x "
                  f"{rate / decode:7.2f}x")
        rate = len(paths) / statistics.median(times["(d) vidlab pdq_hash_file"])
        print(f"goal (d) >= {GOAL_RATE:.0f} images/s per core: {rate:.1f} "
              f"({'met' if rate >= GOAL_RATE else 'NOT met'})")

        rng = make_rng(args.seed)
        frames = [np.asarray(make_picture(rng, 640, 360)) for _ in range(8)]
        pdq_hash_array(frames[0])
        begin = time.perf_counter()
        for _ in range(10):
            for frame in frames:
                pdq_hash_array(frame)
        per_frame = (time.perf_counter() - begin) / (10 * len(frames))
        print(f"\npdq_hash_array on a 640x360 RGB frame: {1000 * per_frame:.2f} ms "
              f"({1 / per_frame:.0f} frames/s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
