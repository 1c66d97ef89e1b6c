"""A synthetic seized evidence folder, like a small home or office computer extraction.

:func:`make_evidence_folder` writes harmless invented documents (invoices, shopping lists,
meeting notes, expense sheets, saved web pages), images drawn with Pillow (rooms, objects,
patterns and text labels, never people), zip archives holding some of the documents, and
exact duplicates of some files under other names. It then writes the acquisition manifest
``acquisition_manifest.sha256`` (``sha256sum`` format, paths relative to the folder) and,
after that, alters one document so that checking the manifest reveals it.

Every byte follows from ``rng``: no clock, no file-system order, fixed encoder settings.
Zip members are stored uncompressed, so archives do not depend on the zlib build.

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "evidence"
>>> files = make_evidence_folder(out, {"n_documents": 3, "n_images": 2, "n_archives": 1,
...                                    "n_duplicates": 1}, make_rng(0))["files"]
>>> len(files), int(files["altered"].sum())
(7, 1)
"""

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from vidlab.exceptions import InvalidParameterError
from vidlab.hashing.crypto import duplicate_groups, hash_file, read_manifest, write_manifest
from vidlab.synth.registry import merge_config, register_generator

__all__ = ["make_evidence_folder", "ACQUISITION_MANIFEST", "DEFAULTS"]

ACQUISITION_MANIFEST = "acquisition_manifest.sha256"
DEFAULTS = {"n_documents": 12, "n_images": 10, "n_archives": 2, "n_duplicates": 4}
MIN_SIZE, MAX_SIZE = 256, 640
ZIP_DATE_TIME_YEAR = 2023
COLUMNS = ["path", "kind", "size", "sha256", "acquisition_sha256", "altered",
           "duplicate_group", "copy_of"]

# --- invented, harmless vocabulary -----------------------------------------------------------

FIRST_NAMES = ("Alex", "Robin", "Sam", "Jordan", "Morgan", "Casey", "Taylor", "Jamie",
               "Riley", "Avery", "Quinn", "Sasha", "Noor", "Kai", "Elin", "Tomas")
LAST_NAMES = ("Marlow", "Fenwick", "Ostrand", "Delacroix", "Brennan", "Vasquez", "Lindqvist",
              "Okafor", "Haddad", "Novak", "Whitcombe", "Tanaka", "Moreau", "Kowalczyk")
COMPANIES = ("Bluefin Office Supplies Ltd", "Greenleaf Garden Centre", "Northgate Hardware",
             "Pebble & Pine Furniture", "Harbour Lane Stationers", "Sunfield Kitchenware")
TOWNS = ("Eastport", "Millbrook", "Westhaven", "Ashford Vale", "Kingsmere", "Larchmont")
ITEMS = (("printer paper, 500 sheets", 4.50), ("stapler", 7.95), ("desk lamp", 24.00),
         ("ring binder", 2.30), ("whiteboard markers (4)", 5.60), ("office chair", 89.00),
         ("bookshelf, oak", 129.00), ("plant pot, terracotta", 6.20), ("garden hose, 15 m", 18.50),
         ("extension lead", 11.99), ("storage box", 8.40), ("coffee mugs (6)", 15.00),
         ("curtain rail", 21.75), ("light bulbs (3)", 6.90), ("doormat", 12.00))
GROCERIES = ("apples", "bread", "milk", "rice", "lentils", "tomatoes", "olive oil", "coffee",
             "eggs", "carrots", "onions", "pasta", "cheese", "oat flakes", "lemons", "tea")
TOPICS = ("Garden club committee", "Office move planning", "Book fair volunteers",
          "Community hall repairs", "Quarterly budget review", "Website refresh")
ACTIONS = ("order new chairs", "book the hall for March", "send the newsletter",
           "collect quotes for the roof", "update the price list", "check the inventory",
           "renew the insurance", "plan the summer fair", "repaint the notice board")
RECIPES = ("Lentil soup", "Tomato and basil pasta", "Lemon cake", "Vegetable curry",
           "Oat biscuits", "Carrot salad")
EXPENSE_CATEGORIES = ("office", "travel", "utilities", "garden", "household", "books")
LABELS = ("STORAGE BOX", "SHELF", "ROOM", "LOT", "CRATE", "CABINET")
LABEL_NOTES = ("kitchen plates", "winter clothes", "old invoices", "garden tools", "books A-K",
               "cables", "spare bulbs", "paint tins")

PALETTE = ((196, 164, 132), (233, 222, 200), (120, 144, 156), (85, 107, 47), (178, 34, 34),
           (70, 130, 180), (210, 180, 140), (245, 245, 220), (47, 79, 79), (139, 69, 19),
           (255, 215, 0), (106, 90, 205), (240, 128, 128), (60, 60, 60), (200, 200, 210))


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _name(rng):
    return f"{_pick(rng, FIRST_NAMES)} {_pick(rng, LAST_NAMES)}"


def _day(rng):
    return date(2023, 1, 1) + timedelta(days=int(rng.integers(0, 365)))


# --- documents -------------------------------------------------------------------------------


def _invoice(rng, number):
    day, company, customer = _day(rng), _pick(rng, COMPANIES), _name(rng)
    lines = [f"INVOICE No. {day.year}-{number:04d}", f"Date: {day.isoformat()}",
             f"From: {company}, {int(rng.integers(1, 200))} Harbour Lane, {_pick(rng, TOWNS)}",
             f"To: {customer}", "", f"{'Qty':>3}  {'Item':<28} {'Unit':>8} {'Amount':>9}"]
    total = 0.0
    for index in rng.choice(len(ITEMS), size=int(rng.integers(2, 6)), replace=False):
        item, price = ITEMS[int(index)]
        qty = int(rng.integers(1, 5))
        total += qty * price
        lines.append(f"{qty:>3}  {item:<28} {price:>8.2f} {qty * price:>9.2f}")
    lines += ["", f"Total due: {total:.2f} EUR", "Payment within 30 days. Thank you!"]
    return f"invoice_{day.year}-{number:04d}.txt", "Documents/Invoices", lines


def _shopping_list(rng, number):
    picks = rng.choice(len(GROCERIES), size=int(rng.integers(4, 9)), replace=False)
    lines = [f"Shopping list #{number}", ""]
    lines += [f"- {int(rng.integers(1, 4))} x {GROCERIES[int(i)]}" for i in picks]
    return f"shopping_list_{number:02d}.txt", "Documents", lines


def _meeting_notes(rng, number):
    day, topic = _day(rng), _pick(rng, TOPICS)
    present = sorted({_name(rng) for _ in range(int(rng.integers(3, 6)))})
    lines = [f"# Meeting notes: {topic}", "", f"Date: {day.isoformat()}  ",
             f"Present: {', '.join(present)}", "", "## Actions", ""]
    picks = rng.choice(len(ACTIONS), size=int(rng.integers(2, 5)), replace=False)
    lines += [f"- [ ] {_pick(rng, present)}: {ACTIONS[int(i)]}" for i in picks]
    lines += ["", f"Next meeting: {(day + timedelta(days=28)).isoformat()} (note {number})"]
    return f"meeting_notes_{day.isoformat()}_{number:02d}.md", "Documents/Work", lines


def _expenses(rng, number):
    quarter = int(rng.integers(1, 5))
    lines = ["date,category,description,amount"]
    for _ in range(int(rng.integers(4, 12))):
        day = date(2023, 3 * quarter - 2, 1) + timedelta(days=int(rng.integers(0, 90)))
        item, price = _pick(rng, ITEMS)
        lines.append(f"{day.isoformat()},{_pick(rng, EXPENSE_CATEGORIES)},{item.replace(',', '')},"
                     f"{price * int(rng.integers(1, 4)):.2f}")
    return f"expenses_2023_Q{quarter}_{number:02d}.csv", "Documents", lines


def _web_page(rng, number):
    recipe = _pick(rng, RECIPES)
    picks = rng.choice(len(GROCERIES), size=int(rng.integers(3, 7)), replace=False)
    slug = recipe.lower().replace(" ", "-")
    lines = ["<!DOCTYPE html>", '<html lang="en">', '<head><meta charset="utf-8">',
             f"<title>{recipe} | Home Cooking Weekly</title></head>", "<body>",
             f"<h1>{recipe}</h1>", f"<p>Serves {int(rng.integers(2, 7))}. "
             f"Ready in {int(rng.integers(2, 9)) * 10} minutes. Recipe {number}.</p>", "<ul>"]
    lines += [f"  <li>{int(rng.integers(1, 5)) * 50} g {GROCERIES[int(i)]}</li>" for i in picks]
    lines += ["</ul>", "<p>Mix, simmer gently and serve warm.</p>", "</body>", "</html>"]
    return f"{slug}-recipe-{number:02d}.html", "Downloads", lines


DOCUMENT_MAKERS = (_invoice, _shopping_list, _meeting_notes, _expenses, _web_page)


# --- images (rooms, objects, patterns, labels; never people) ---------------------------------


def _font(size):
    return ImageFont.load_default(size=size)


def _colour(rng):
    base = np.array(_pick(rng, PALETTE), dtype=int)
    return tuple(int(c) for c in np.clip(base + rng.integers(-20, 21, size=3), 0, 255))


def _room(draw, rng, width, height):
    horizon = int(height * rng.uniform(0.55, 0.7))
    draw.rectangle([0, 0, width, horizon], fill=_colour(rng))
    draw.polygon([(0, height), (width, height), (int(width * 0.85), horizon),
                  (int(width * 0.15), horizon)], fill=_colour(rng))
    side = _colour(rng)
    draw.polygon([(0, horizon), (int(width * 0.15), horizon), (0, height)], fill=side)
    draw.polygon([(width, horizon), (int(width * 0.85), horizon), (width, height)], fill=side)
    x0, y0 = int(width * rng.uniform(0.2, 0.55)), int(horizon * rng.uniform(0.1, 0.25))
    w, h = int(width * 0.25), int(horizon * 0.45)
    draw.rectangle([x0, y0, x0 + w, y0 + h], fill=(200, 225, 240), outline=(90, 70, 50), width=4)
    draw.line([x0 + w // 2, y0, x0 + w // 2, y0 + h], fill=(90, 70, 50), width=3)
    draw.line([x0, y0 + h // 2, x0 + w, y0 + h // 2], fill=(90, 70, 50), width=3)
    for _ in range(int(rng.integers(2, 5))):  # furniture: tables, shelves, cabinets
        fw, fh = int(width * rng.uniform(0.12, 0.3)), int(height * rng.uniform(0.12, 0.3))
        fx = int(rng.integers(0, max(1, width - fw)))
        fy = int(horizon + rng.integers(-fh // 2, max(1, (height - horizon) // 2)))
        colour = _colour(rng)
        draw.rectangle([fx, fy, fx + fw, fy + fh], fill=colour, outline=(40, 40, 40), width=2)
        if rng.random() < 0.5:  # shelf with books
            for bx in range(fx + 4, fx + fw - 8, 9):
                draw.rectangle([bx, fy + 4, bx + 6, fy + fh // 2], fill=_colour(rng))
    if rng.random() < 0.6:  # a framed poster with a label
        px, py = int(width * 0.65), int(horizon * 0.15)
        draw.rectangle([px, py, px + int(width * 0.25), py + int(horizon * 0.3)],
                       fill=(250, 250, 245), outline=(30, 30, 30), width=3)
        draw.text((px + 8, py + 8), _pick(rng, RECIPES).split()[0].upper(), fill=(30, 30, 30),
                  font=_font(max(10, width // 30)))


def _objects(draw, rng, width, height):
    draw.rectangle([0, 0, width, height], fill=_colour(rng))
    for _ in range(int(rng.integers(3, 9))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        r = int(rng.integers(15, max(16, width // 5)))
        shape, colour = int(rng.integers(3)), _colour(rng)
        box = [x - r, y - r, x + r, y + r]
        draw.ellipse([b + 6 for b in box], fill=(50, 50, 50))  # shadow
        if shape == 0:
            draw.ellipse(box, fill=colour, outline=(20, 20, 20), width=2)
        elif shape == 1:
            draw.rectangle(box, fill=colour, outline=(20, 20, 20), width=2)
        else:
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=colour)


def _pattern(draw, rng, width, height):
    style, a, b = int(rng.integers(3)), _colour(rng), _colour(rng)
    step = int(rng.integers(12, 48))
    draw.rectangle([0, 0, width, height], fill=a)
    if style == 0:  # stripes
        for x in range(0, width + height, 2 * step):
            draw.polygon([(x, 0), (x + step, 0), (x + step - height, height), (x - height, height)],
                         fill=b)
    elif style == 1:  # checkerboard
        for y in range(0, height, step):
            for x in range((y // step % 2) * step, width, 2 * step):
                draw.rectangle([x, y, x + step - 1, y + step - 1], fill=b)
    else:  # concentric circles
        cx, cy = int(rng.integers(0, width)), int(rng.integers(0, height))
        for r in range(max(width, height) * 2, 0, -step):
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=a if r // step % 2 else b)


def _label(draw, rng, width, height):
    draw.rectangle([0, 0, width, height], fill=(222, 196, 150))
    m = width // 10
    draw.rectangle([m, m, width - m, height - m], fill=(252, 252, 248), outline=(0, 0, 0), width=3)
    size = max(12, width // 14)
    text = f"{_pick(rng, LABELS)} {int(rng.integers(1, 99))}"
    draw.text((2 * m, 2 * m), text, fill=(10, 10, 10), font=_font(size))
    draw.text((2 * m, 2 * m + int(size * 1.6)), _pick(rng, LABEL_NOTES), fill=(60, 60, 60),
              font=_font(int(size * 0.7)))


IMAGE_MAKERS = (_room, _objects, _pattern, _label)


def _image_bytes(rng, fmt):
    width, height = (int(v) for v in rng.integers(MIN_SIZE, MAX_SIZE + 1, size=2))
    image = Image.new("RGB", (width, height))
    _pick(rng, IMAGE_MAKERS)(ImageDraw.Draw(image), rng, width, height)
    if fmt == "JPEG" and rng.random() < 0.7:  # a little sensor-like noise on camera photos
        pixels = np.asarray(image, dtype=np.int16)
        noise = rng.integers(-6, 7, size=pixels.shape, dtype=np.int16)
        image = Image.fromarray(np.clip(pixels + noise, 0, 255).astype(np.uint8), "RGB")
    buffer = io.BytesIO()
    if fmt == "JPEG":
        image.save(buffer, "JPEG", quality=int(rng.integers(75, 96)), optimize=False,
                   progressive=False, subsampling=2)
    else:
        image.save(buffer, "PNG", compress_level=6, optimize=False)
    return buffer.getvalue()


# --- archives --------------------------------------------------------------------------------


def _zip_bytes(members, day):
    """A deterministic zip: sorted members, fixed dates, attributes and (no) compression."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in sorted(members.items()):
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 12, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, whatever the host
            info.external_attr = 0o100644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


# --- the generator ---------------------------------------------------------------------------


def _check_config(config):
    values = merge_config(config, DEFAULTS, "evidence_folder")
    for key, value in values.items():
        low = 1 if key == "n_documents" else 0
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 10_000:
            raise InvalidParameterError(
                f"The {key!r} parameter of evidence_folder must be an int in [{low}, 10000]. "
                f"Got {value!r} instead."
            )
    return values


def _unique(path, taken):
    """Return ``path`` or ``stem (k)suffix`` for the first k that is not in ``taken``."""
    candidate, k = path, 1
    while candidate in taken:
        pure = PurePosixPath(path)
        candidate = str(pure.with_name(f"{pure.stem} ({k}){pure.suffix}"))
        k += 1
    taken.add(candidate)
    return candidate


def _copy_path(rng, original, taken):
    pure = PurePosixPath(original)
    style = int(rng.integers(3))
    if style == 0:  # a browser re-download
        path = f"Downloads/{pure.stem} (1){pure.suffix}"
    elif style == 1:  # a manual copy next to the original
        path = str(pure.with_name(f"copy of {pure.name}"))
    else:  # a backup folder mirroring the original
        path = f"Backup/{original}"
    return _unique(path, taken)


def _alter(data, rng):
    """Change one digit of a document (same size), or append a line if it has no digits."""
    digits = [i for i, byte in enumerate(data) if 48 <= byte <= 57]
    if not digits:
        return data + b"edited\n"
    position = digits[int(rng.integers(len(digits)))]
    new = (data[position] - 48 + int(rng.integers(1, 10))) % 10 + 48
    return data[:position] + bytes([new]) + data[position + 1:]


@register_generator("evidence_folder")
def make_evidence_folder(out_dir, config, rng):
    """Write a synthetic seized evidence folder under ``out_dir``; return ``{"files": table}``.

    Parameters
    ----------
    out_dir : path-like
        The folder to write (created; must not hold files of another run).
    config : dict
        ``n_documents`` (at least 1), ``n_images``, ``n_archives``, ``n_duplicates``
        (exact copies under other names); defaults in :data:`DEFAULTS`.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    dict
        ``{"files": DataFrame}`` with one row per evidence file (the acquisition manifest
        excluded), sorted by path: ``path`` (relative, POSIX), ``kind`` (document, image or
        archive), ``size``, ``sha256`` (now), ``acquisition_sha256`` (in the acquisition
        manifest), ``altered``, ``duplicate_group`` (files with equal bytes share a number;
        -1 for a file without duplicate) and ``copy_of`` (the original of a copy, else "").
    """
    values = _check_config(config)
    out_dir = Path(out_dir)
    files, kinds, copy_of, taken = {}, {}, {}, set()

    def add(path, data, kind):
        path = _unique(path, taken)
        files[path], kinds[path] = data, kind
        return path

    documents = []
    for number in range(1, values["n_documents"] + 1):
        name, folder, lines = _pick(rng, DOCUMENT_MAKERS)(rng, number)
        text = "\n".join(lines) + "\n"
        documents.append(add(f"{folder}/{name}", text.encode("utf-8"), "document"))

    camera = int(rng.integers(1, 8000))
    for number in range(1, values["n_images"] + 1):
        if rng.random() < 0.6:
            camera += int(rng.integers(1, 6))
            path, fmt = f"Pictures/Camera/IMG_{camera:04d}.jpg", "JPEG"
        elif rng.random() < 0.5:
            day = _day(rng)
            path, fmt = f"Pictures/Screenshots/Screenshot_{day.isoformat()}_{number:03d}.png", "PNG"
        else:
            path, fmt = f"Downloads/catalogue_item_{number:03d}.png", "PNG"
        add(path, _image_bytes(rng, fmt), "image")

    archived = set()
    for number in range(1, values["n_archives"] + 1):
        size = min(len(documents), int(rng.integers(2, 5)))
        picks = sorted(int(i) for i in rng.choice(len(documents), size=size, replace=False))
        members = {PurePosixPath(documents[i]).name: files[documents[i]] for i in picks}
        archived.update(documents[i] for i in picks)
        day = _day(rng)
        add(f"Archives/documents_backup_{day.isoformat()}_{number:02d}.zip",
            _zip_bytes(members, day), "archive")

    # the document to alter after acquisition: not archived if possible, never copied, and
    # with bytes that no other file has
    counts = {}
    for data in files.values():
        counts[data] = counts.get(data, 0) + 1
    candidates = [p for p in documents if p not in archived and counts[files[p]] == 1]
    candidates = candidates or [p for p in documents if counts[files[p]] == 1]
    if not candidates:
        raise InvalidParameterError(
            "evidence_folder found no document to alter: raise 'n_documents'."
        )
    altered = candidates[int(rng.integers(len(candidates)))]

    originals = sorted(p for p in files if p != altered)
    for _ in range(values["n_duplicates"] if originals else 0):
        original = originals[int(rng.integers(len(originals)))]
        path = _copy_path(rng, original, taken)
        files[path], kinds[path], copy_of[path] = files[original], kinds[original], original

    for path in sorted(files):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(files[path])
    acquisition = read_manifest(write_manifest(out_dir, out_dir / ACQUISITION_MANIFEST))

    (out_dir / altered).write_bytes(_alter(files[altered], rng))
    current = {**acquisition, altered: hash_file(out_dir / altered)["sha256"]}

    rows = []
    for path in sorted(files):
        rows.append({"path": path, "kind": kinds[path], "size": (out_dir / path).stat().st_size,
                     "sha256": current[path],
                     "acquisition_sha256": acquisition[path], "altered": path == altered,
                     "copy_of": copy_of.get(path, "")})
    table = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "duplicate_group"])
    groups = duplicate_groups(table, algorithm="sha256")
    group_of = {path: number for number, group in enumerate(groups) for path in group}
    table["duplicate_group"] = [group_of.get(path, -1) for path in table["path"]]
    if group_of.get(altered, -1) != -1:  # would need a SHA-256 collision
        raise RuntimeError(f"evidence_folder: the altered file {altered!r} has a duplicate")
    table = table[COLUMNS].astype({"size": "int64", "duplicate_group": "int64", "altered": bool})
    return {"files": table.reset_index(drop=True)}
