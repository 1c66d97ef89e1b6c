"""Benchmark vidlab's metadata reader against exifread on the same JPEG files.

Writes N synthetic JPEGs (rooms: rectangles on a plain wall, no people) deterministically
from ``--seed``, each with rich EXIF as a camera writes it -- make, model, body serial,
firmware, lens, DateTimeOriginal/DateTime with OffsetTime*, GPS position, altitude and
time, orientation, image number, pixel dimensions -- and an IFD1 JPEG thumbnail (160 px),
in both byte orders. It reads them once so that every method reads from the page cache,
then times, interleaved, ``--repeat`` times:

  (a) ``exifread.process_file(f, details=False)`` and picking the table's fields -- the anchor;
  (b) ``read_exif`` + ``exif_fields``                -- vidlab's EXIF parser alone;
  (c) ``read_metadata(folder, pixels=False)``        -- the table, headers only;
  (d) ``read_metadata(folder)``                      -- the table, with a reduced decode of
                                                        each image for the thumbnail distance;

all with one process, and prints files per second (median) and the ratio to (a); the goal
is (c) >= 1x exifread ((d) does work exifread does not do: it decodes the pixels). Then it
measures the peak memory of ``read_metadata`` over a folder of ``--files`` small JPEGs in a
fresh subprocess (maximum resident set size, and the same after the imports alone).

    python benchmarks/bench_metadata.py            # 1000 files of 1600 x 1200, 10 000 for memory
    python benchmarks/bench_metadata.py --quick    # 150 files, 2000 for memory, < 1 min
"""

import argparse
import io
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import exifread
import numpy as np
from PIL import Image, ImageDraw
from PIL.TiffImagePlugin import IFDRational

from vidlab.metadata import read_metadata
from vidlab.metadata.exif import exif_fields, read_exif
from vidlab.seed import make_rng

GOAL_RATIO = 1.0
DEVICES = [("Acme Optics", "Box 3000", "Firmware 1.2", "Zoom 18-55mm"),
           ("Nordlicht", "NL-7", "v7.0.3", "Prime 35mm f/2"),
           ("Kite Mobile", "K22 Pro", "KiteOS 14.1", "K22 back camera 5.1mm f/1.8")]


def _rational(value, den=10000):
    return IFDRational(int(round(value * den)), den)


def _dms(value):
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (IFDRational(degrees, 1), IFDRational(minutes, 1), _rational(seconds, 100))


def exif_block(rng, index):
    """The TIFF bytes of a camera-like EXIF block (without ``Exif\\0\\0``)."""
    make, model, software, lens = DEVICES[index % len(DEVICES)]
    exif = Image.Exif()
    exif.endian = "<" if index % 2 else ">"
    day, second = 1 + index % 28, int(rng.integers(0, 86400))
    moment = f"2023:05:{day:02d} {second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
    exif[0x010F], exif[0x0110], exif[0x0131], exif[0x0132] = make, model, software, moment
    exif[0x0112] = int(rng.integers(1, 9))
    exif[0x011A] = exif[0x011B] = IFDRational(72, 1)
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = sub[0x9004] = moment
    sub[0x9010] = sub[0x9011] = sub[0x9012] = "+02:00"
    sub[0x829A], sub[0x829D] = IFDRational(1, 125), IFDRational(28, 10)
    sub[0x8827], sub[0x9209], sub[0x920A] = 200, 16, IFDRational(50, 10)
    sub[0x9211], sub[0xA002], sub[0xA003] = 1000 + index, 1600, 1200
    sub[0xA431], sub[0xA434] = f"SN{index % 97:08d}", lens
    gps = exif.get_ifd(0x8825)
    latitude, longitude = 48.1 + rng.uniform(0, 0.2), 11.4 + rng.uniform(0, 0.3)
    gps[1], gps[2], gps[3], gps[4] = "N", _dms(latitude), "E", _dms(longitude)
    gps[5], gps[6] = b"\x00", _rational(rng.uniform(400, 600), 100)
    gps[7] = (IFDRational(second // 3600, 1), IFDRational(second // 60 % 60, 1),
              IFDRational(second % 60, 1))
    gps[0x1D] = moment[:10]
    return exif.tobytes()[6:]


def add_thumbnail(block, thumbnail):
    """Append an IFD1 with a JPEG thumbnail to a Pillow-written TIFF block."""
    endian = "<" if block[:2] == b"II" else ">"
    (ifd0,) = struct.unpack_from(endian + "I", block, 4)
    (count,) = struct.unpack_from(endian + "H", block, ifd0)
    ifd1 = len(block) + (len(block) & 1)
    out = bytearray(block) + b"\x00" * (len(block) & 1)
    struct.pack_into(endian + "I", out, ifd0 + 2 + 12 * count, ifd1)
    out += struct.pack(endian + "H", 3)
    out += struct.pack(endian + "HHIHH", 0x0103, 3, 1, 6, 0)
    out += struct.pack(endian + "HHII", 0x0201, 4, 1, ifd1 + 2 + 36 + 4)
    out += struct.pack(endian + "HHII", 0x0202, 4, 1, len(thumbnail))
    return bytes(out + b"\x00\x00\x00\x00" + thumbnail)


def make_scene(rng, size):
    image = Image.new("RGB", size, tuple(int(v) for v in rng.integers(90, 230, 3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=tuple(int(v) for v in
                                                                   rng.integers(40, 160, 3)))
    for _ in range(8):
        x, y = int(rng.integers(0, width * 3 // 4)), int(rng.integers(0, height * 3 // 4))
        w, h = int(rng.integers(width // 12, width // 3)), int(rng.integers(height // 12,
                                                                            height // 3))
        draw.rectangle((x, y, x + w, y + h), fill=tuple(int(v) for v in rng.integers(0, 256, 3)))
    noise = rng.normal(0, 6, (height, width, 1))
    pixels = np.clip(np.asarray(image, np.float32) + noise, 0, 255).astype(np.uint8)
    return Image.fromarray(pixels)


def make_files(root, n_files, size, seed, n_scenes=12):
    """Write ``n_files`` JPEGs under ``root`` (16 sub-folders); return their paths.

    A few scenes are encoded once; every file gets its own EXIF (spliced in after SOI).
    """
    rng = make_rng(seed)
    scenes = []
    for _ in range(min(n_scenes, n_files)):
        image = make_scene(rng, size)
        body = io.BytesIO()
        image.save(body, "JPEG", quality=90)
        small = image.copy()
        small.thumbnail((160, 160))
        thumbnail = io.BytesIO()
        small.save(thumbnail, "JPEG", quality=75)
        scenes.append((body.getvalue(), thumbnail.getvalue()))
    paths = []
    for index in range(n_files):
        body, thumbnail = scenes[index % len(scenes)]
        block = b"Exif\x00\x00" + add_thumbnail(exif_block(rng, index), thumbnail)
        app1 = b"\xff\xe1" + struct.pack(">H", len(block) + 2) + block
        folder = root / f"{index % 16:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"IMG_{index:05d}.jpg"
        path.write_bytes(body[:2] + app1 + body[2:])
        paths.append(path)
    return sorted(paths)


# --- the methods -------------------------------------------------------------------------------

EXIFREAD_KEYS = ("Image Make", "Image Model", "EXIF BodySerialNumber", "Image Software",
                 "EXIF LensModel", "EXIF DateTimeOriginal", "EXIF OffsetTimeOriginal",
                 "Image DateTime", "EXIF OffsetTime", "GPS GPSLatitude", "GPS GPSLatitudeRef",
                 "GPS GPSLongitude", "GPS GPSLongitudeRef", "GPS GPSAltitude",
                 "GPS GPSAltitudeRef", "GPS GPSTimeStamp", "GPS GPSDate", "Image Orientation",
                 "EXIF ImageNumber", "EXIF ExifImageWidth", "EXIF ExifImageLength")


def run_exifread(paths):
    rows = []
    for path in paths:
        with open(path, "rb") as file:
            tags = exifread.process_file(file, details=False)
        row = {key: tags[key].values for key in EXIFREAD_KEYS if key in tags}
        row["thumbnail"] = tags.get("JPEGThumbnail")
        rows.append(row)
    return rows


def run_parser(paths):
    return [exif_fields(read_exif(path)) for path in paths]


def run_table(root, pixels):
    table = read_metadata([root], jobs=1, pixels=pixels)
    if (table["error"] != "").any():
        sys.exit(f"read_metadata reported errors:\n{table[table['error'] != '']}")
    return table


def check_agreement(paths, table):
    """Fail loudly if the table and exifread disagree: a fast wrong answer is worthless."""
    theirs = run_exifread(paths[:50])
    by_path = table.set_index("path")
    for path, tags in zip(paths[:50], theirs, strict=True):
        row = by_path.loc[str(path)]
        if (row.make, row.serial, row.lens) != (
            tags["Image Make"], tags["EXIF BodySerialNumber"], tags["EXIF LensModel"]
        ) or row.datetime_original.strftime("%Y:%m:%d %H:%M:%S") != tags["EXIF DateTimeOriginal"]:
            sys.exit(f"read_metadata and exifread disagree on {path}: benchmark aborted")
        if not row.has_thumbnail or tags["thumbnail"] is None:
            sys.exit(f"thumbnail missing for {path}: benchmark aborted")


MEMORY_SCRIPT = """
import resource, sys, time
from vidlab.metadata import read_metadata
import pandas, PIL.Image, scipy.fftpack, vidlab.hashing.perceptual
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
table = read_metadata([sys.argv[1]], jobs=1, pixels=sys.argv[2] == "1")
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
del table
import tracemalloc
tracemalloc.start()
table = read_metadata([sys.argv[1]], jobs=1, pixels=sys.argv[2] == "1")
traced = tracemalloc.get_traced_memory()[1]
print(len(table), int((table["error"] != "").sum()), base, peak,
      table.memory_usage(deep=True).sum(), traced, elapsed)
"""


def measure_memory(root, pixels):
    result = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT, str(root), str(int(pixels))],
                            check=True, capture_output=True, text=True)
    n_rows, n_errors, base, peak, table_bytes, traced, elapsed = result.stdout.split()
    return (int(n_rows), int(n_errors), int(base), int(peak), int(table_bytes), int(traced),
            float(elapsed))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small run (< 1 min)")
    parser.add_argument("--n", type=int, help="files timed (default 1000; quick 150)")
    parser.add_argument("--files", type=int, help="files for the memory run (default 10000)")
    parser.add_argument("--repeat", type=int, help="repetitions (default 3; quick 1)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dir", type=Path, help="where to create the files (default: temp)")
    args = parser.parse_args(argv)
    n = args.n or (150 if args.quick else 1000)
    n_memory = args.files or (2000 if args.quick else 10_000)
    repeat = args.repeat or (1 if args.quick else 3)
    size = (1600, 1200)

    work = Path(tempfile.mkdtemp(prefix="vidlab-bench-", dir=args.dir))
    try:
        root = work / "photos"
        paths = make_files(root, n, size, args.seed)
        n_bytes = sum(p.stat().st_size for p in paths)
        print(f"{n} JPEGs of {size[0]} x {size[1]} with EXIF and a thumbnail, "
              f"{n_bytes / 1e6:.0f} MB; {repeat} repetition(s)")
        for path in paths:  # into the page cache
            path.read_bytes()
        check_agreement(paths, run_table(root, pixels=True))
        methods = {
            "exifread details=False": lambda: run_exifread(paths),
            "read_exif + exif_fields": lambda: run_parser(paths),
            "read_metadata pixels=False": lambda: run_table(root, pixels=False),
            "read_metadata (default)": lambda: run_table(root, pixels=True),
        }
        times = {name: [] for name in methods}
        for _ in range(repeat):
            for name, method in methods.items():  # interleaved, so drift hits every method
                start = time.perf_counter()
                method()
                times[name].append(time.perf_counter() - start)
        anchor = statistics.median(times["exifread details=False"])
        print(f"{'method':<30}{'median s':>10}{'files/s':>10}{'vs exifread':>13}")
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:<30}{median:>10.3f}{n / median:>10.0f}{anchor / median:>12.2f}x")
        ratio = anchor / statistics.median(times["read_metadata pixels=False"])
        verdict = "meets" if ratio >= GOAL_RATIO else "MISSES"
        print(f"read_metadata (headers) {verdict} the goal of >= {GOAL_RATIO}x exifread "
              f"({ratio:.2f}x); the default also decodes every image (1/8 scale).")

        memory_root = work / "memory"
        make_files(memory_root, n_memory, (320, 240), args.seed + 1)
        print(f"\npeak memory of read_metadata(jobs=1) over {n_memory} JPEGs of 320 x 240 "
              "(fresh process; MiB)")
        print(f"{'mode':<16}{'rows':>7}{'errors':>8}{'RSS after imports':>19}{'RSS peak':>10}"
              f"{'Python peak':>13}{'table':>8}{'files/s':>9}")
        for pixels in (False, True):
            rows, errors, base, peak, table_bytes, traced, elapsed = measure_memory(
                memory_root, pixels)
            mode = "pixels=True" if pixels else "pixels=False"
            print(f"{mode:<16}{rows:>7}{errors:>8}{base / 1024:>19.0f}{peak / 1024:>10.0f}"
                  f"{traced / 2**20:>13.1f}{table_bytes / 2**20:>8.1f}{rows / elapsed:>9.0f}")
        print("RSS: maximum resident set size (ru_maxrss); Python peak: tracemalloc's peak of "
              "the Python heap during the call (second run); table: the DataFrame (deep).")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
