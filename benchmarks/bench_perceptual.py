"""Benchmark vidlab's fast pHash/dHash against imagehash on the same JPEG files.

Writes N synthetic 1600 x 1200 JPEGs (quality 90; rooms: walls and floor in gradients,
furniture-like rectangles, a window, a framed pattern, text labels, sensor-like noise) into a
temporary folder, deterministically from ``--seed``, reads them once so every method decodes
from the page cache, then times, interleaved, ``--repeat`` times:

  (a) ``imagehash.phash(Image.open(p))``                  -- the anchor;
  (b) ``Image.open(p).load()``                            -- a plain full Pillow decode;
  (c) a reduced-size (draft 1/8) Pillow decode alone      -- the floor for any hash;
  (d) ``hash_image_file(p, ("phash",))``                  -- vidlab, pHash;
  (e) ``hash_image_file(p, ("phash", "dhash"))``          -- vidlab, pHash and dHash;

and prints images per second (median of the repetitions) and the ratio to (a); the goal is
(d) >= 6x imagehash per core. Then it runs (e) over all files through
``vidlab.parallel.map_parallel`` with ``jobs=1`` and ``jobs=2`` and prints the speed-up
(goal >= 1.7x), with and without the worker start-up. It also prints how far (d)/(e) are
from imagehash on a full decode (Hamming distance).

    python benchmarks/bench_perceptual.py            # 300 images, 3 repetitions, 3000 items
    python benchmarks/bench_perceptual.py --quick    # 24 images, 1 repetition, < 1 min
"""

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import imagehash
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from vidlab.hashing.perceptual import hash_image_file
from vidlab.hashing.value import HashValue
from vidlab.parallel import map_parallel
from vidlab.seed import make_rng

GOAL_RATIO = 6.0
GOAL_SPEEDUP = 1.7
CHUNK = 32
WIDTH, HEIGHT = 1600, 1200
WORDS = ["STORAGE", "ROOM 12", "EXIT", "CASE 0423", "SHELF B", "KITCHEN", "OFFICE", "LAB 3"]


def colour(rng, low=0, high=256):
    return tuple(int(v) for v in rng.integers(low, high, 3))


def make_room(rng):
    """One synthetic room picture (no people): gradients, furniture, window, text, noise."""
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    horizon = int(rng.integers(HEIGHT // 2, HEIGHT * 3 // 4))
    wall, floor = np.array(colour(rng, 90, 230), np.float32), np.array(colour(rng, 40, 160),
                                                                           np.float32)
    light = 1.0 - 0.35 * np.hypot(x / WIDTH - rng.uniform(0, 1), y / HEIGHT - 0.2)
    pixels = np.where((y < horizon)[..., None], wall, floor * (0.6 + 0.4 * y / HEIGHT)[..., None])
    pixels = pixels * light[..., None]
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    x0, y0 = int(rng.integers(50, WIDTH - 450)), int(rng.integers(50, horizon - 350))
    draw.rectangle((x0, y0, x0 + 400, y0 + 300), fill=(200, 225, 250), outline=(60, 50, 40),
                   width=18)
    draw.line((x0 + 200, y0, x0 + 200, y0 + 300), fill=(60, 50, 40), width=12)
    for _ in range(int(rng.integers(3, 8))):  # furniture standing on the floor
        w, h = int(rng.integers(120, 520)), int(rng.integers(100, 420))
        left = int(rng.integers(0, WIDTH - w))
        bottom = horizon + int(rng.integers(20, HEIGHT - horizon))
        draw.rectangle((left, bottom - h, left + w, bottom), fill=colour(rng, 20, 200),
                       outline=colour(rng, 0, 80), width=4)
    fx, fy = int(rng.integers(50, WIDTH - 300)), int(rng.integers(30, horizon - 250))
    for step in range(0, 200, 20):  # a framed striped pattern on the wall
        draw.rectangle((fx + step, fy, fx + step + 10, fy + 200), fill=colour(rng))
    draw.rectangle((fx - 10, fy - 10, fx + 210, fy + 210), outline=(30, 30, 30), width=10)
    font = ImageFont.load_default(size=int(rng.integers(30, 70)))
    for _ in range(int(rng.integers(1, 4))):
        draw.text((int(rng.integers(0, WIDTH - 400)), int(rng.integers(0, HEIGHT - 80))),
                  WORDS[int(rng.integers(len(WORDS)))], fill=colour(rng), font=font)
    noise = rng.standard_normal((HEIGHT, WIDTH, 3), dtype=np.float32) * rng.uniform(2, 6)
    return Image.fromarray(np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8))


def make_images(folder, count, seed):
    rng = make_rng(seed)
    paths = []
    for index in range(count):
        path = folder / f"room{index:04d}.jpg"
        make_room(rng).save(path, quality=90)
        paths.append(path)
    return paths


def imagehash_phash(path):
    return imagehash.phash(Image.open(path))


def full_decode(path):
    with Image.open(path) as image:
        image.load()


def draft_decode(path):
    with Image.open(path) as image:
        image.draft("L", (128, 128))
        image.load()


def ours_phash(path):
    return hash_image_file(path, ("phash",))


def ours_phash_dhash(path):
    return hash_image_file(path, ("phash", "dhash"))


def hex_phash_dhash(path):
    """What a worker of ``vidlab hash`` returns: hex strings, cheap to send back."""
    return {name: str(value) for name, value in ours_phash_dhash(path).items()}


def hex_chunk(paths):
    """A batch of files per task: one round trip to the worker for many images."""
    return [hex_phash_dhash(path) for path in paths]


METHODS = {
    "(a) imagehash.phash": imagehash_phash,
    "(b) Pillow full decode": full_decode,
    "(c) Pillow draft decode": draft_decode,
    "(d) vidlab phash": ours_phash,
    "(e) vidlab phash+dhash": ours_phash_dhash,
}


def time_method(func, paths):
    start = time.perf_counter()
    for path in paths:
        func(path)
    return time.perf_counter() - start


def distances(paths):
    found = {"phash": [], "dhash": []}
    for path in paths:
        fast = hash_image_file(path, ("phash", "dhash"))
        with Image.open(path) as image:
            found["phash"].append(fast["phash"] - HashValue.from_bits(imagehash.phash(image).hash))
            found["dhash"].append(fast["dhash"] - HashValue.from_bits(imagehash.dhash(image).hash))
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=300, help="number of JPEGs (default 300)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the images (default 0)")
    parser.add_argument("--parallel-items", type=int, default=3000,
                        help="files hashed in the jobs=1 / jobs=2 comparison (default 3000)")
    parser.add_argument("--quick", action="store_true",
                        help="24 images, 1 repetition, 400 parallel items")
    parser.add_argument("--dir", type=Path, help="where to create the files (default: temp)")
    args = parser.parse_args(argv)
    if args.quick:
        args.images, args.repeat, args.parallel_items = 24, 1, 400
    if args.images < 2 or args.repeat < 1:
        parser.error("--images must be >= 2 and --repeat >= 1")

    work = Path(tempfile.mkdtemp(prefix="vidlab-bench-perceptual-", dir=args.dir))
    try:
        start = time.perf_counter()
        paths = make_images(work, args.images, args.seed)
        size = sum(p.stat().st_size for p in paths) / len(paths)
        print(f"{len(paths)} JPEGs {WIDTH}x{HEIGHT} q90, mean {size / 1e3:.0f} kB, made in "
              f"{time.perf_counter() - start:.1f} s; {args.repeat} repetition(s)")
        for path in paths:
            path.read_bytes()

        found = distances(paths)
        for name, values in found.items():
            print(f"fast vs imagehash (full decode) {name}: mean {np.mean(values):.2f} bits, "
                  f"max {max(values)}, identical {np.mean(np.array(values) == 0):.0%}")

        for func in METHODS.values():  # one untimed pass: imports, caches
            func(paths[0])
        times = {name: [] for name in METHODS}
        for _ in range(args.repeat):
            for name, func in METHODS.items():
                times[name].append(time_method(func, paths))
        anchor = len(paths) / statistics.median(times["(a) imagehash.phash"])
        print(f"\n{'method':26} {'images/s':>9} {'ms/image':>9} {'vs imagehash':>13}")
        for name, values in times.items():
            rate = len(paths) / statistics.median(values)
            print(f"{name:26} {rate:9.1f} {1000 / rate:9.2f} {rate / anchor:12.2f}x")
        ratio = statistics.median(times["(a) imagehash.phash"]) / statistics.median(
            times["(d) vidlab phash"])
        print(f"goal (d) >= {GOAL_RATIO:.0f}x imagehash per core: {ratio:.2f}x "
              f"({'met' if ratio >= GOAL_RATIO else 'NOT met'})")

        items = [paths[i % len(paths)] for i in range(args.parallel_items)]
        print(f"\nmap_parallel, phash+dhash, {len(items)} files (the {len(paths)} images "
              "cycled), median of repetitions")
        chunks = [items[i:i + CHUNK] for i in range(0, len(items), CHUNK)]
        startup, runs = [], {"jobs=1": [], "jobs=2": [], f"jobs=2, {CHUNK} files/task": []}
        for _ in range(args.repeat):
            begin = time.perf_counter()  # start two workers, import, hash one file each
            map_parallel(hex_phash_dhash, paths[:2], jobs=2)
            startup.append(time.perf_counter() - begin)
            for name, (func, work, jobs) in zip(runs, [(hex_phash_dhash, items, 1),
                                                       (hex_phash_dhash, items, 2),
                                                       (hex_chunk, chunks, 2)], strict=True):
                begin = time.perf_counter()
                map_parallel(func, work, jobs=jobs)
                runs[name].append(time.perf_counter() - begin)
        pool = statistics.median(startup)
        one = statistics.median(runs["jobs=1"])
        print(f"worker start-up (spawn 2 processes, imports, 1 file each): {pool:.2f} s")
        for name, values in runs.items():
            elapsed = statistics.median(values)
            line = f"{name:22} {len(items) / elapsed:7.1f} images/s"
            if name != "jobs=1":
                line += f"   speed-up {one / elapsed:.2f}x"
                if elapsed > pool:
                    line += f", {one / (elapsed - pool):.2f}x without start-up"
            print(line)
        print(f"goal jobs=2 >= {GOAL_SPEEDUP}x jobs=1")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
