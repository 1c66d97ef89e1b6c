"""Video hashing in the vPDQ style: one PDQ hash per sampled frame, and bag-of-frames matching.

A *video hash* is a table with one row per hashed frame -- ``frame_number`` (0-based, in
presentation order), ``quality`` (PDQ quality, 0-100), ``pdq`` (64 hex digits) and
``seconds`` (presentation time) -- exactly the lines of the reference tool's text files
(``frame_number,quality,pdq_hex,seconds``). :func:`hash_video` makes one from a video
file, :func:`read_vpdq_file` and :func:`write_vpdq_file` read and write the reference
format, and :func:`match_videos` compares two of them the way vPDQ does:

1. drop repeated hashes (the first frame with each hash is kept), then frames whose
   quality is below ``min_quality``, on both sides;
2. the *query match percentage* is the share of query frames that have some compared
   frame within ``max_distance`` bits; the *compared match percentage* is the share of
   compared frames that have some query frame within ``max_distance``.

Frame order and timestamps play no part in the score: a clip cut from a longer video
matches 100 % of its own frames while covering only part of the longer one.

>>> from vidlab.hashing.value import HashValue
>>> frames = [VideoFrameHash(i, 100, HashValue.from_hex(f"{i:02x}" * 32, "pdq"), i / 30)
...           for i in (0, 1, 2, 3)]
>>> clip = frames[1:3]
>>> result = match_videos(clip, frames, max_distance=0)
>>> result.query_match_percent, result.compared_match_percent
(100.0, 50.0)
>>> result.pairs[["query_frame", "compared_frame", "distance"]].values.tolist()
[[1, 1, 0], [2, 2, 0]]
"""

import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.hashing.images import check_regular_file
from vidlab.hashing.pdq import MATCH_DISTANCE, MIN_QUALITY, pdq_hash_array
from vidlab.hashing.value import HashValue, pack_hashes

__all__ = [
    "COLUMNS",
    "MATCH_DISTANCE",
    "MIN_QUALITY",
    "VideoFrameHash",
    "VideoMatch",
    "frame_hashes",
    "frame_table",
    "hash_video",
    "match_videos",
    "read_vpdq_file",
    "write_vpdq_file",
]

#: Columns of a video hash table, in the order of the reference text format.
COLUMNS = ("frame_number", "quality", "pdq", "seconds")

_HEX_DIGITS = 64  # a PDQ hash is 256 bits
# Bytes of XOR results held at once while comparing two videos (memory, not speed, bound).
_BLOCK_BYTES = 1 << 25


@dataclass(frozen=True)
class VideoFrameHash:
    """The PDQ hash of one video frame.

    >>> frame = VideoFrameHash(30, 100, HashValue.from_hex("ab" * 32, "pdq"), 1.0)
    >>> frame.frame_number, frame.pdq.nbits, frame.seconds
    (30, 256, 1.0)
    """

    frame_number: int
    quality: int
    pdq: HashValue
    seconds: float


@dataclass(frozen=True)
class VideoMatch:
    """How much of two videos match (see :func:`match_videos`).

    ``n_query_frames`` and ``n_compared_frames`` count the frames that took part (distinct
    hashes of sufficient quality); ``n_query_matched`` and ``n_compared_matched`` how many of
    those found a partner. ``pairs`` has one row per matched query frame: ``query_frame``,
    ``compared_frame`` (its nearest compared frame, the earliest one on a tie), ``distance``,
    ``query_seconds`` and ``compared_seconds``.
    """

    query_match_percent: float
    compared_match_percent: float
    n_query_frames: int
    n_compared_frames: int
    n_query_matched: int
    n_compared_matched: int
    pairs: pd.DataFrame = field(repr=False, compare=False)

    def is_match(self, compared_percent=80.0, query_percent=0.0):
        """Return whether at least ``compared_percent`` of the compared video and
        ``query_percent`` of the query matched (vPDQ's suggested defaults: 80 and 0).

        >>> VideoMatch(40.0, 90.0, 10, 10, 4, 9, pd.DataFrame()).is_match()
        True
        """
        return (
            self.compared_match_percent >= compared_percent
            and self.query_match_percent >= query_percent
        )


def frame_table(frames):
    """Return the video hash table (a DataFrame with :data:`COLUMNS`) of ``frames``.

    ``frames`` is a DataFrame with those columns (returned as a checked copy) or an iterable
    of :class:`VideoFrameHash`.

    >>> frame = VideoFrameHash(0, 100, HashValue.from_hex("0f" * 32, "pdq"), 0.0)
    >>> frame_table([frame]).dtypes.astype(str).tolist()
    ['int64', 'int64', 'str', 'float64']
    """
    if isinstance(frames, pd.DataFrame):
        missing = [name for name in COLUMNS if name not in frames.columns]
        if missing:
            raise InvalidParameterError(
                f"A video hash table needs the columns {', '.join(COLUMNS)}; "
                f"it lacks {', '.join(missing)}."
            )
        table = frames.loc[:, list(COLUMNS)].reset_index(drop=True)
        rows = None
    else:
        if isinstance(frames, (str, bytes, os.PathLike)):
            raise InvalidParameterError(
                "Expected a video hash table or VideoFrameHash records, got a path "
                f"{os.fsdecode(frames)!r}; read it first with read_vpdq_file or hash_video."
            )
        rows = []
        for frame in frames:
            if not isinstance(frame, VideoFrameHash):
                raise InvalidParameterError(
                    "Expected VideoFrameHash records or a DataFrame with the columns "
                    f"{', '.join(COLUMNS)}; got a {type(frame).__name__}."
                )
            rows.append((frame.frame_number, frame.quality, frame.pdq.hex, frame.seconds))
        table = pd.DataFrame(rows, columns=list(COLUMNS))
    pdq = table["pdq"].astype(str).str.lower()
    bad = ~pdq.str.fullmatch(f"[0-9a-f]{{{_HEX_DIGITS}}}")
    if bad.any():
        raise InvalidParameterError(
            f"Every pdq value must be {_HEX_DIGITS} hex digits; "
            f"got {pdq[bad].iloc[0][:80]!r} at row {int(np.flatnonzero(bad)[0])}."
        )
    return pd.DataFrame(
        {
            "frame_number": table["frame_number"].astype("int64"),
            "quality": table["quality"].astype("int64"),
            "pdq": pdq.astype("str"),
            "seconds": table["seconds"].astype("float64"),
        }
    )


def frame_hashes(table):
    """Return the rows of a video hash table as :class:`VideoFrameHash` records.

    >>> table = pd.DataFrame({"frame_number": [0], "quality": [90], "pdq": ["ab" * 32],
    ...                       "seconds": [0.0]})
    >>> frame_hashes(table)[0].pdq.algorithm
    'pdq'
    """
    table = frame_table(table)
    return [
        VideoFrameHash(int(number), int(quality), HashValue.from_hex(pdq, "pdq"), float(seconds))
        for number, quality, pdq, seconds in table.itertuples(index=False)
    ]


def read_vpdq_file(path):
    """Read a vPDQ text file (``frame_number,quality,pdq_hex,seconds`` per line).

    Files from older versions of the reference tool without the ``seconds`` field are
    read with ``seconds`` = NaN. A malformed line raises one error naming the file and line.

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "clip.txt"
    >>> _ = path.write_text("0,100," + "ab" * 32 + ",0.000\\n30,87," + "cd" * 32 + ",1.000\\n")
    >>> read_vpdq_file(path)[["frame_number", "quality", "seconds"]].values.tolist()
    [[0.0, 100.0, 0.0], [30.0, 87.0, 1.0]]
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise InvalidParameterError(f"vPDQ hash file {str(path)!r} not found.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidParameterError(
            f"Cannot read the vPDQ hash file {str(path)!r}: {error}"
        ) from None
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        fields = line.split(",")
        try:
            if len(fields) not in (3, 4) or len(fields[2]) != _HEX_DIGITS:
                raise ValueError
            int(fields[2], 16)
            rows.append(
                (
                    int(fields[0]),
                    int(fields[1]),
                    fields[2].lower(),
                    float(fields[3]) if len(fields) == 4 else math.nan,
                )
            )
        except ValueError:
            raise InvalidParameterError(
                f"{path.name}, line {number}: expected 'frame_number,quality,pdq_hex,seconds' "
                f"with {_HEX_DIGITS} hex digits; got {line[:100]!r}."
            ) from None
    return frame_table(pd.DataFrame(rows, columns=list(COLUMNS)))


def write_vpdq_file(frames, path):
    """Write a video hash in the reference text format (seconds with 3 decimals).

    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "clip.txt"
    >>> frame = VideoFrameHash(0, 100, HashValue.from_hex("ab" * 32, "pdq"), 0.0)
    >>> write_vpdq_file([frame], path)
    >>> path.read_text() == "0,100," + "ab" * 32 + ",0.000\\n"
    True
    """
    table = frame_table(frames)
    lines = [
        f"{number},{quality},{pdq},{seconds:.3f}\n"
        for number, quality, pdq, seconds in table.itertuples(index=False)
    ]
    Path(path).write_text("".join(lines), encoding="ascii")


def hash_video(path, frames_per_second=1.0, every_frame=False):
    """Decode a video file and return the PDQ hash of its sampled frames (a video hash table).

    Parameters
    ----------
    path : str or path-like
        A video file in any container and codec FFmpeg (through PyAV) decodes.
    frames_per_second : float
        Sampling rate by presentation time: the first frame of every ``1 /
        frames_per_second`` seconds is hashed (at 1.0 and 30 fps, frames 0, 30, 60, ...,
        like the reference tool's ``secondsPerHash=1``). Ignored when ``every_frame``.
    every_frame : bool
        Hash every decoded frame, as the reference hash files do.

    Returns
    -------
    pandas.DataFrame
        One row per hashed frame with :data:`COLUMNS`; ``seconds`` is the presentation
        time from the start of the stream.

    Raises
    ------
    ImageDecodeError
        The file is missing, empty, not a video or cannot be decoded (one-line reason).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "notes.mp4"
    >>> _ = path.write_text("not a video")
    >>> hash_video(path)
    Traceback (most recent call last):
    ...
    vidlab.exceptions.ImageDecodeError: not a video (unrecognised or corrupt file format)
    """
    rate = _check_rate(frames_per_second)
    import av  # PyAV loads FFmpeg: imported only when a video is hashed

    from vidlab.parallel import progress

    path = _check_file(path)
    try:
        container = av.open(path, mode="r")
    except av.error.FFmpegError as error:
        raise ImageDecodeError(_open_reason(error)) from None
    rows = []
    with container:
        if not container.streams.video:
            raise ImageDecodeError("no video stream in the file")
        stream = container.streams.video[0]
        # Slice threads, as the reference tool uses: frame threading ("AUTO") decodes no
        # faster here (PDQ dominates) and swallows the error of a truncated file.
        stream.thread_type = "SLICE"
        start = stream.start_time or 0
        frame_rate = float(stream.average_rate or stream.guessed_rate or 0) or None
        frames = progress(
            container.decode(stream),
            total=stream.frames or None,
            desc=Path(path).name,
            unit="frame",
        )
        next_slot = 0
        index = -1
        try:
            for index, frame in enumerate(frames):
                seconds = _frame_seconds(frame, start, index, frame_rate)
                if not every_frame:
                    # A small tolerance keeps frame 30 of 30 fps in slot 1 despite rounding.
                    slot = math.floor(seconds * rate + 1e-6)
                    if slot < next_slot:
                        continue
                    next_slot = slot + 1
                value, quality = pdq_hash_array(frame.to_ndarray(format="rgb24"))
                rows.append((index, int(quality), value.hex, seconds))
        except av.error.FFmpegError as error:
            raise ImageDecodeError(
                f"cannot decode video frame {index + 1}: {_ffmpeg_reason(error)}"
            ) from None
        finally:
            frames.close()
    if not rows:
        raise ImageDecodeError("no video frames could be decoded")
    return frame_table(pd.DataFrame(rows, columns=list(COLUMNS)))


def match_videos(
    query, compared, max_distance=MATCH_DISTANCE, min_quality=MIN_QUALITY, *, dedupe=True
):
    """Compare two video hashes the way vPDQ does; return a :class:`VideoMatch`.

    Parameters
    ----------
    query, compared : DataFrame or iterable of VideoFrameHash
        Video hash tables (:func:`hash_video`, :func:`read_vpdq_file`).
    max_distance : int
        Two frames match when their PDQ hashes differ in at most this many bits (0-256);
        PDQ's :data:`~vidlab.hashing.pdq.MATCH_DISTANCE` (31) by default.
    min_quality : int
        Frames of lower PDQ quality are left out on both sides (0-100); PDQ's
        :data:`~vidlab.hashing.pdq.MIN_QUALITY` (50) by default.
    dedupe : bool
        Count each distinct hash once (the first frame that has it), as vPDQ does.

    Notes
    -----
    The defaults follow vPDQ's published algorithm and python-threatexchange's brute-force
    matcher: repeated hashes are dropped (first frame kept) before the quality filter,
    and ``distance <= max_distance`` matches. The C++ ``match-hashes-brute`` tool keeps
    repeated hashes and matches at ``distance < D``: ``max_distance=D - 1, dedupe=False``
    reproduces it. With the reference hash files the two differ by a few tenths of a
    percentage point. If either side has no frame left, both percentages are 0.

    Examples
    --------
    >>> import pandas as pd
    >>> query = pd.DataFrame({"frame_number": [0, 1], "quality": [100, 10],
    ...                       "pdq": ["00" * 32, "ff" * 32], "seconds": [0.0, 0.033]})
    >>> compared = pd.DataFrame({"frame_number": [5], "quality": [100],
    ...                          "pdq": ["00" * 31 + "07"], "seconds": [0.2]})
    >>> match_videos(query, compared)
    VideoMatch(query_match_percent=100.0, compared_match_percent=100.0, n_query_frames=1, \
n_compared_frames=1, n_query_matched=1, n_compared_matched=1)
    """
    max_distance = _check_int("max_distance", max_distance, 0, 256)
    min_quality = _check_int("min_quality", min_quality, 0, 100)
    query = _comparable(frame_table(query), min_quality, dedupe)
    compared = _comparable(frame_table(compared), min_quality, dedupe)
    columns = ["query_frame", "compared_frame", "distance", "query_seconds", "compared_seconds"]
    if query.empty or compared.empty:
        return VideoMatch(0.0, 0.0, len(query), len(compared), 0, 0, pd.DataFrame(columns=columns))
    query_words = _words(query["pdq"])
    compared_words = _words(compared["pdq"])
    nearest = np.empty(len(query), dtype=np.int64)
    nearest_distance = np.empty(len(query), dtype=np.int64)
    compared_hit = np.zeros(len(compared), dtype=bool)
    step = max(1, _BLOCK_BYTES // (8 * compared_words.size))
    for begin in range(0, len(query), step):
        block = query_words[begin : begin + step]
        distances = np.bitwise_count(block[:, None, :] ^ compared_words[None, :, :]).sum(
            axis=2, dtype=np.int64
        )
        nearest[begin : begin + step] = distances.argmin(axis=1)
        nearest_distance[begin : begin + step] = distances.min(axis=1)
        compared_hit |= (distances <= max_distance).any(axis=0)
    query_hit = nearest_distance <= max_distance
    partner = nearest[query_hit]
    pairs = pd.DataFrame(
        {
            "query_frame": query["frame_number"].to_numpy()[query_hit],
            "compared_frame": compared["frame_number"].to_numpy()[partner],
            "distance": nearest_distance[query_hit],
            "query_seconds": query["seconds"].to_numpy()[query_hit],
            "compared_seconds": compared["seconds"].to_numpy()[partner],
        },
        columns=columns,
    )
    return VideoMatch(
        query_match_percent=100.0 * int(query_hit.sum()) / len(query),
        compared_match_percent=100.0 * int(compared_hit.sum()) / len(compared),
        n_query_frames=len(query),
        n_compared_frames=len(compared),
        n_query_matched=int(query_hit.sum()),
        n_compared_matched=int(compared_hit.sum()),
        pairs=pairs,
    )


def _comparable(table, min_quality, dedupe):
    """The frames that take part in matching: distinct hashes, then quality >= min_quality."""
    if dedupe:
        table = table.drop_duplicates("pdq", keep="first")
    return table[table["quality"] >= min_quality].reset_index(drop=True)


def _words(hexes):
    """Packed hashes as ``uint64`` words (4 per PDQ hash): a quarter of the XOR work."""
    packed = np.ascontiguousarray(pack_hashes([HashValue.from_hex(h) for h in hexes]))
    return packed.view(np.uint64)


def _check_int(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not (
        low <= value <= high
    ):
        raise InvalidParameterError(
            f"The {name!r} parameter of match_videos must be an int in [{low}, {high}]. "
            f"Got {value!r} instead."
        )
    return int(value)


def _check_rate(frames_per_second):
    try:
        ok = not isinstance(frames_per_second, bool) and 0 < float(frames_per_second) < math.inf
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise InvalidParameterError(
            "The 'frames_per_second' parameter of hash_video must be a positive number. "
            f"Got {frames_per_second!r} instead."
        )
    return float(frames_per_second)


def _check_file(path):
    """Refuse what is not a non-empty regular file before FFmpeg opens it."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise InvalidParameterError(
            f"The 'path' parameter must be a str or path-like. Got {type(path).__name__} instead."
        ) from None
    check_regular_file(path, kind="video")
    return path


def _frame_seconds(frame, start, index, frame_rate):
    """Presentation time of ``frame`` from the stream start (frame index / rate without pts)."""
    if frame.pts is not None and frame.time_base is not None:
        return float((frame.pts - start) * frame.time_base)
    if frame_rate:
        return index / frame_rate
    return float(index)


def _ffmpeg_reason(error):
    text = getattr(error, "strerror", None) or str(error)
    return " ".join(str(text).split())


def _open_reason(error):
    import av

    if isinstance(error, av.error.InvalidDataError):
        return "not a video (unrecognised or corrupt file format)"
    if isinstance(error, PermissionError):
        return "cannot read the file: permission denied"
    return f"cannot open the video: {_ffmpeg_reason(error)}"
