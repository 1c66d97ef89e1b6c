"""Which pictures were taken by the same device? Link them by serial number, else by traits.

A body serial number (EXIF BodySerialNumber or CameraSerialNumber) names one device. Most
phones write none, so files without a serial are grouped by what the device writes the same way
every time: make, model, firmware (``Software``), lens, whether it writes offset tags, whether it
writes GPS (:data:`TRAITS`). Two bodies of the same model still look alike; their ImageNumber
counters tell them apart when their pictures interleave in time (each counter only grows on its
own clock). A ``Software`` that names an editing program is not the device's firmware, so such a
file joins the device group it matches on every other trait (the nearest in ImageNumber, then
in time, when several match).

>>> import pandas as pd
>>> meta = pd.DataFrame({"path": ["a.jpg", "b.jpg", "c.jpg"], "make": ["Canon"] * 3,
...     "model": ["EOS 80D"] * 3, "serial": ["123", "123", "456"]})
>>> link_devices(meta)["device"].tolist()
['D01', 'D01', 'D02']
"""

import numpy as np
import pandas as pd

from vidlab.checks import require_columns
from vidlab.exceptions import InvalidParameterError
from vidlab.metadata._common import (
    align_paths,
    float_column,
    pair_scores,
    require_matches,
    text_column,
    timestamps,
)
from vidlab.metadata.edits import match_editor

__all__ = ["TRAITS", "LINK_COLUMNS", "link_devices", "summarize_devices", "evaluate_linking"]

TRAITS = ("offset", "gps", "dimensions", "sequence")
DEFAULT_TRAITS = ("offset", "gps", "sequence")
LINK_COLUMNS = ["path", "device", "linked_by"]
# above this many files in one group, ImageNumber chains are found greedily (the exact
# minimum-cost chain cover builds an n x 2n matrix)
_EXACT_CHAINS = 1500
_NEIGHBOURS = 32


def _key_text(text):
    return " ".join(text.lower().split())


def _check_traits(traits, function):
    if isinstance(traits, str):
        traits = [t.strip() for t in traits.split(",") if t.strip()]
    traits = tuple(traits)
    unknown = [t for t in traits if t not in TRAITS]
    if unknown:
        raise InvalidParameterError(
            f"The 'traits' parameter of {function} must be a subset of {', '.join(TRAITS)}. "
            f"Got {', '.join(map(repr, unknown))} instead."
        )
    return traits


def _wall_clock(stamp):
    """Capture time on the device's own clock, as float seconds (NaN when unknown)."""
    if stamp is None:
        return np.nan
    return stamp.tz_localize(None).value / 1e9 if stamp.tzinfo else stamp.value / 1e9


def _chains(times, numbers):
    """Split items (already sorted by time, then number) into the fewest ImageNumber chains
    that grow with time, preferring small number gaps (exactly: a minimum-cost chain cover;
    for large groups, greedily by gap). Returns one chain index per item."""
    n = len(times)
    if n <= _EXACT_CHAINS:
        from scipy.optimize import linear_sum_assignment

        gaps = numbers[None, :] - numbers[:, None]
        allowed = (gaps >= 0) & np.triu(np.ones((n, n), dtype=bool), k=1)
        scale = (max(float(gaps[allowed].max()), 0.0) + 1.0) * n if allowed.any() else 1.0
        cost = np.where(allowed, -1.0 + gaps / scale, 1.0)
        cost = np.hstack([cost, np.zeros((n, n))])  # column n + i: "no successor"
        rows, cols = linear_sum_assignment(cost)
        successor = {int(r): int(c) for r, c in zip(rows, cols, strict=True)
                     if c < n and allowed[r, c]}
    else:  # greedy: accept the smallest number gaps first, among near neighbours in number
        by_number = np.argsort(numbers, kind="stable")
        links = []
        for r, i in enumerate(by_number):
            for j in by_number[r + 1:r + 1 + _NEIGHBOURS]:
                if j > i:
                    links.append((numbers[j] - numbers[i], j - i, int(i), int(j)))
        links.sort()
        successor, taken = {}, set()
        for _, _, i, j in links:
            if i not in successor and j not in taken:
                successor[i] = j
                taken.add(j)
    chain = np.full(n, -1)
    has_predecessor = set(successor.values())
    label = 0
    for start in range(n):
        if start in has_predecessor:
            continue
        item = start
        while item is not None:
            chain[item] = label
            item = successor.get(item)
        label += 1
    return chain


def _split_by_sequence(indices, clocks, numbers):
    """Return sub-groups (lists of row indices) of one trait group: one per body whose
    ImageNumber chain interleaves in time with another; a single list when none do."""
    known = [i for i in indices if np.isfinite(clocks[i]) and np.isfinite(numbers[i])]
    if len(known) < 4:
        return [list(indices)]
    known.sort(key=lambda i: (clocks[i], numbers[i]))
    chain = _chains(np.array([clocks[i] for i in known]), np.array([numbers[i] for i in known]))
    spans = {}
    for i, c in zip(known, chain, strict=True):
        start, end = spans.get(c, (clocks[i], clocks[i]))
        spans[c] = (min(start, clocks[i]), max(end, clocks[i]))
    overlapping = {c for c in spans for d in spans if c != d
                   and spans[c][0] < spans[d][1] and spans[d][0] < spans[c][1]}
    if not overlapping:
        return [list(indices)]
    # chains that interleave with another are bodies; the others cannot be told apart and
    # join the body whose time span they are nearest to
    bodies = sorted(overlapping, key=lambda c: spans[c])
    members = {c: [] for c in bodies}
    body_of_chain = {}
    for c, (start, end) in spans.items():
        if c in overlapping:
            body_of_chain[c] = c
        else:
            body_of_chain[c] = min(bodies, key=lambda b: (max(spans[b][0] - end,
                                                              start - spans[b][1], 0), b))
    for i, c in zip(known, chain, strict=True):
        members[body_of_chain[c]].append(i)
    placed = set(known)
    for i in indices:  # files without a time or an ImageNumber: nearest body in time
        if i in placed:
            continue
        if np.isfinite(clocks[i]):
            best = min(bodies, key=lambda b: (max(spans[b][0] - clocks[i],
                                                  clocks[i] - spans[b][1], 0), b))
        else:
            best = max(bodies, key=lambda b: (len(members[b]), -b))
        members[best].append(i)
    return [sorted(members[b]) for b in bodies if members[b]]


def _nearest_group(i, candidates, members, numbers, clocks):
    """Return the candidate group nearest to item ``i`` in ImageNumber (else capture time), or
    None when there is no candidate or no way to choose between several."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for values in (numbers, clocks):
        if not np.isfinite(values[i]):
            continue
        gaps = []
        for key in candidates:
            own = values[members[key]]
            own = own[np.isfinite(own)]
            gaps.append(np.abs(own - values[i]).min() if len(own) else np.inf)
        order = np.argsort(gaps, kind="stable")
        if np.isfinite(gaps[order[0]]) and gaps[order[0]] < gaps[order[1]]:
            return candidates[int(order[0])]
    return None


def link_devices(metadata, traits=DEFAULT_TRAITS):
    """Group files by the device that made them.

    Parameters
    ----------
    metadata : DataFrame
        The table of :func:`vidlab.metadata.read_metadata` (``path`` required).
    traits : iterable of str
        Traits that must agree, besides make, model, firmware and lens, for files without a
        serial to share a device (:data:`TRAITS`): "offset" (writes OffsetTime tags or not),
        "gps" (writes GPS or not), "dimensions" (the same picture size, either orientation; off
        by default because a device can shoot several sizes), "sequence" (split a group whose
        ImageNumber counters interleave in time into bodies). Default: offset, gps, sequence.

    Returns
    -------
    DataFrame
        ``path, device, linked_by`` in the order of ``metadata``: ``device`` "D01", "D02"...
        (numbered by make, model, serial; "" for a file with no device information at all);
        ``linked_by`` "serial", "traits", "sequence" (traits, then split by ImageNumber) or "".

    Examples
    --------
    Two bodies of one model, no serials, shooting in turn (times a minute apart):

    >>> import pandas as pd
    >>> times = pd.date_range("2021-05-01 10:00", periods=6, freq="min")
    >>> meta = pd.DataFrame({"path": [f"{i}.jpg" for i in range(6)], "make": "Sony",
    ...     "model": "ILCE-7", "serial": "", "datetime_original": list(times),
    ...     "image_number": pd.array([10, 500, 11, 501, 12, 502], dtype="Int64")})
    >>> links = link_devices(meta)
    >>> links["device"].tolist(), links["linked_by"].unique().tolist()
    (['D01', 'D02', 'D01', 'D02', 'D01', 'D02'], ['sequence'])
    """
    function = "link_devices"
    require_columns(metadata, ["path"], function, "metadata")
    traits = _check_traits(traits, function)
    n = len(metadata)
    make = [_key_text(t) for t in text_column(metadata, "make")]
    model = [_key_text(t) for t in text_column(metadata, "model")]
    serial = text_column(metadata, "serial")
    software_raw = text_column(metadata, "software")
    lens = [_key_text(t) for t in text_column(metadata, "lens")]
    editor = [bool(match_editor(s)) for s in software_raw]
    software = [_key_text(s) for s in software_raw]
    offset = [bool(t) for t in text_column(metadata, "offset_original")]
    has_offset_column = "offset_original" in metadata.columns
    gps = np.isfinite(float_column(metadata, "gps_latitude"))
    widths = float_column(metadata, "claimed_width")
    heights = float_column(metadata, "claimed_height")
    actual_w, actual_h = float_column(metadata, "width"), float_column(metadata, "height")
    clocks = np.array([_wall_clock(s) for s in timestamps(metadata, "datetime_original")])
    numbers = float_column(metadata, "image_number")

    keys, linked_by = [None] * n, [""] * n
    for i in range(n):
        if serial[i]:
            keys[i] = ("serial", make[i], model[i], serial[i])
            linked_by[i] = "serial"
            continue
        if not (make[i] or model[i] or lens[i] or (software[i] and not editor[i])):
            continue  # nothing about a device: stays unlinked
        extra = []
        if "offset" in traits and has_offset_column:
            extra.append(offset[i])
        if "gps" in traits:
            extra.append(bool(gps[i]))
        if "dimensions" in traits:
            w, h = (widths[i], heights[i]) if np.isfinite(widths[i]) else (actual_w[i],
                                                                           actual_h[i])
            extra.append((max(w, h), min(w, h)) if np.isfinite(w) and np.isfinite(h) else None)
        keys[i] = ("traits", make[i], model[i], None if editor[i] else software[i], lens[i],
                   tuple(extra))
        linked_by[i] = "traits"
    # an editor in Software: join the device that matches on everything else (the nearest
    # in ImageNumber, else in time, when several do)
    firmware = {}
    for i, key in enumerate(keys):
        if key is not None and key[0] == "traits" and key[3] is not None:
            firmware.setdefault(key, []).append(i)
    for i in range(n):
        key = keys[i]
        if key is not None and key[0] == "traits" and key[3] is None:
            candidates = sorted(k for k in firmware if k[1:3] == key[1:3] and k[4:] == key[4:])
            keys[i] = (_nearest_group(i, candidates, firmware, numbers, clocks)
                       or key[:3] + ("",) + key[4:])

    groups = {}
    for i, key in enumerate(keys):
        if key is not None:
            groups.setdefault(key, []).append(i)
    final = []
    for key, members in groups.items():
        parts = [members]
        if key[0] == "traits" and "sequence" in traits:
            parts = _split_by_sequence(members, clocks, numbers)
            if len(parts) > 1:
                for part in parts:
                    for i in part:
                        linked_by[i] = "sequence"
        for part in parts:
            final.append(((key[1], key[2], key[3] if key[0] == "serial" else "", min(part)),
                          part))
    final.sort(key=lambda item: item[0])
    width = max(2, len(str(len(final))))
    device = [""] * n
    for number, (_, part) in enumerate(final, start=1):
        for i in part:
            device[i] = f"D{number:0{width}d}"
    return pd.DataFrame({"path": [str(p) for p in metadata["path"].tolist()],
                         "device": device, "linked_by": linked_by})


def _labels(groups, function):
    """Return ``{path: device label}`` from a link table, a Series or a dict."""
    if isinstance(groups, pd.DataFrame):
        require_columns(groups, ["path", "device"], function, "groups")
        return dict(zip(groups["path"].astype(str), groups["device"].astype(str), strict=True))
    if isinstance(groups, pd.Series):
        return {str(k): str(v) for k, v in groups.items()}
    if isinstance(groups, dict):
        return {str(k): str(v) for k, v in groups.items()}
    raise InvalidParameterError(
        f"The 'groups' parameter of {function} must be the table of link_devices, a Series or "
        f"a dict path -> device. Got {type(groups).__name__} instead."
    )


def summarize_devices(metadata, groups):
    """Return one row per device group: what the files say about the device.

    Columns: ``device, n_files, linked_by, make, model, serial, software, lens, gps_share,
    offset_share, image_numbers, first_capture, last_capture`` (capture times as recorded, on
    the device's own clock); text columns list the distinct values joined by "; ".
    Unlinked files ("" device) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> meta = pd.DataFrame({"path": ["a.jpg", "b.jpg"], "make": "Canon", "model": "EOS 80D",
    ...     "serial": "123", "software": ["Firmware 1.0", "GIMP 2.10"]})
    >>> summary = summarize_devices(meta, link_devices(meta))
    >>> summary[["device", "n_files", "software"]].values.tolist()
    [['D01', 2, 'Firmware 1.0; GIMP 2.10']]
    """
    function = "summarize_devices"
    require_columns(metadata, ["path"], function, "metadata")
    labels = _labels(groups, function)
    linked = (dict(zip(groups["path"].astype(str), groups["linked_by"].astype(str), strict=True))
              if isinstance(groups, pd.DataFrame) and "linked_by" in groups.columns else {})
    paths = [str(p) for p in metadata["path"].tolist()]
    table = pd.DataFrame({
        "device": [labels.get(p, "") for p in paths],
        "linked_by": [linked.get(p, "") for p in paths],
        **{name: text_column(metadata, name)
           for name in ("make", "model", "serial", "software", "lens")},
        "gps": np.isfinite(float_column(metadata, "gps_latitude")),
        "offset": [bool(t) for t in text_column(metadata, "offset_original")],
        "image_number": float_column(metadata, "image_number"),
        "taken": timestamps(metadata, "datetime_original"),
    })
    table = table[table["device"] != ""]

    def distinct(values):
        return "; ".join(sorted({v for v in values if v}))

    rows = []
    for device, part in table.groupby("device", sort=True):
        numbers = part["image_number"].dropna()
        taken = sorted((t for t in part["taken"] if t is not None),
                       key=lambda t: t.tz_localize(None))
        rows.append({
            "device": device, "n_files": int(len(part)),
            "linked_by": distinct(part["linked_by"]),
            **{name: distinct(part[name]) for name in ("make", "model", "serial", "software",
                                                      "lens")},
            "gps_share": float(part["gps"].mean()), "offset_share": float(part["offset"].mean()),
            "image_numbers": (f"{int(numbers.min())}-{int(numbers.max())}" if len(numbers)
                              else ""),
            "first_capture": taken[0].isoformat() if taken else "",
            "last_capture": taken[-1].isoformat() if taken else "",
        })
    columns = ["device", "n_files", "linked_by", "make", "model", "serial", "software", "lens",
               "gps_share", "offset_share", "image_numbers", "first_capture", "last_capture"]
    return pd.DataFrame(rows, columns=columns)


def evaluate_linking(groups, truth, root=None):
    """Score device groups against the true device of each file.

    Pairwise: a pair of files is "linked" when both got the same device label, "true" when
    both come from the same device. Precision = correct links / links, recall = correct links /
    true pairs; also F1 and scikit-learn's adjusted Rand index. Only files with a true device
    are scored; an unlinked file ("" label) counts as a group of its own.

    Parameters
    ----------
    groups : DataFrame, Series or dict
        The table of :func:`link_devices` (``path, device``) or ``path -> label``.
    truth : DataFrame
        Ground truth with ``path`` (relative to the world part folder) and ``device_id``.
    root : path-like, optional
        The world part folder, to make the paths of ``groups`` relative; without it a path
        matches a truth path it ends with.

    Returns
    -------
    dict
        ``n_files, n_devices_true, n_devices_predicted, n_pairs_predicted, n_pairs_true,
        n_pairs_correct, precision, recall, f1, adjusted_rand``.

    Examples
    --------
    >>> import pandas as pd
    >>> links = pd.DataFrame({"path": ["x/a.jpg", "x/b.jpg", "x/c.jpg"],
    ...                       "device": ["D01", "D01", "D01"]})
    >>> truth = pd.DataFrame({"path": ["a.jpg", "b.jpg", "c.jpg"],
    ...                       "device_id": ["C0001", "C0001", "C0002"]})
    >>> result = evaluate_linking(links, truth)
    >>> round(result["precision"], 3), result["recall"], result["n_devices_true"]
    (0.333, 1.0, 2)
    """
    function = "evaluate_linking"
    labels = _labels(groups, function)
    require_columns(truth, ["path", "device_id"], function, "truth")
    device_ids = text_column(truth, "device_id")
    truth = pd.DataFrame({"path": truth["path"].astype(str).to_numpy(), "device_id": device_ids})
    truth = truth[truth["device_id"] != ""].drop_duplicates("path")
    matched = align_paths(list(labels), truth["path"].tolist(), root)
    require_matches(matched, function, len(truth))
    predicted = {}
    for path, match in zip(labels, matched, strict=True):
        if match is not None and match not in predicted:
            predicted[match] = labels[path] or f"\0unlinked:{path}"
    truth = truth[truth["path"].isin(predicted)]
    pred = [predicted[p] for p in truth["path"]]
    result = pair_scores(pred, truth["device_id"].tolist())
    return {"n_files": result.pop("n_files"),
            "n_devices_true": int(truth["device_id"].nunique()),
            "n_devices_predicted": len(set(pred)), **result}
