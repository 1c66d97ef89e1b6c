"""Synthetic cameras and phones: who took a picture, where it lives, and how wrong its clock is.

A :class:`Device` has a make (real brands), a model (invented but plausible names), a body
serial number (most cameras write one, few phones do), a firmware string written in
``Software``, a lens, the EXIF byte order of its maker, and a home city whose IANA time zone
(:data:`CITY_TIMEZONES`, for every city of :func:`vidlab.synth.world.load_cities`) its clock
follows. Its clock may be wrong:

* ``clock_offset_s``: the clock minus the true local time when it was last set - whole hours
  for a wrong time-zone setting (a camera set up for another zone), a few minutes (set by
  hand), or 0 (phones take the network time);
* ``clock_drift_s_per_day``: how fast a camera's quartz clock runs ahead (> 0) or behind;
  phones do not drift.

The clock error at a true instant ``t`` is ``clock_offset_s + round(drift * days)`` where
``days`` counts from the device's ``clock_epoch`` (in the image world: the start of its first
series), so the written local time is ``t`` in the home zone plus that error
(:func:`device_time`). ``writes_offset`` devices also write the home zone's UTC offset at ``t``
(``OffsetTime*``), so a wrong clock stays wrong after conversion to UTC; ``gps`` devices
write positions and the satellites' (true) UTC time; ``video_time`` says what a device writes
as a video container's creation time: ``"utc"`` (its clock converted to UTC, as the format
requires) or ``"local"`` (its local clock time labelled UTC, as many cameras do).

>>> from vidlab.seed import make_rng
>>> device = make_device(make_rng(3), "C0001", "Berlin", kind="camera")
>>> device.kind, device.timezone, device.make
('camera', 'Europe/Berlin', 'FUJIFILM')
>>> from datetime import datetime, timezone
>>> summer = datetime(2021, 7, 1, 12, 0, tzinfo=timezone.utc)
>>> str(utc_offset(device, summer)), device.clock_offset_s
('2:00:00', -18000)
"""

import dataclasses
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng

__all__ = [
    "CATALOGUE",
    "CITY_TIMEZONES",
    "DEVICE_COLUMNS",
    "Device",
    "city_timezone",
    "clock_error_s",
    "device_time",
    "make_device",
    "utc_offset",
]

#: The IANA time zone of every city of the synthetic gazetteer (``world.load_cities()``).
CITY_TIMEZONES = {
    "Sydney": "Australia/Sydney", "Melbourne": "Australia/Melbourne",
    "Brisbane": "Australia/Brisbane", "Perth": "Australia/Perth",
    "São Paulo": "America/Sao_Paulo", "Rio de Janeiro": "America/Sao_Paulo",
    "Salvador": "America/Bahia", "Recife": "America/Recife", "Manaus": "America/Manaus",
    "Zurich": "Europe/Zurich", "Geneva": "Europe/Zurich", "Bern": "Europe/Zurich",
    "Basel": "Europe/Zurich",
    "Berlin": "Europe/Berlin", "Hamburg": "Europe/Berlin", "Munich": "Europe/Berlin",
    "Cologne": "Europe/Berlin", "Leipzig": "Europe/Berlin",
    "Cairo": "Africa/Cairo", "Alexandria": "Africa/Cairo", "Giza": "Africa/Cairo",
    "Aswan": "Africa/Cairo", "Luxor": "Africa/Cairo",
    "Paris": "Europe/Paris", "Lyon": "Europe/Paris", "Marseille": "Europe/Paris",
    "Toulouse": "Europe/Paris", "Lille": "Europe/Paris",
    "London": "Europe/London", "Manchester": "Europe/London", "Birmingham": "Europe/London",
    "Glasgow": "Europe/London", "Leeds": "Europe/London",
    "Athens": "Europe/Athens", "Thessaloniki": "Europe/Athens", "Patras": "Europe/Athens",
    "Heraklion": "Europe/Athens",
    "Tel Aviv": "Asia/Jerusalem", "Jerusalem": "Asia/Jerusalem", "Haifa": "Asia/Jerusalem",
    "Beersheba": "Asia/Jerusalem",
    "Mumbai": "Asia/Kolkata", "Delhi": "Asia/Kolkata", "Bengaluru": "Asia/Kolkata",
    "Chennai": "Asia/Kolkata", "Kolkata": "Asia/Kolkata",
    "Manila": "Asia/Manila", "Quezon City": "Asia/Manila", "Cebu City": "Asia/Manila",
    "Davao City": "Asia/Manila",
    "Moscow": "Europe/Moscow", "Saint Petersburg": "Europe/Moscow",
    "Novosibirsk": "Asia/Novosibirsk", "Yekaterinburg": "Asia/Yekaterinburg",
    "Kazan": "Europe/Moscow",
    "Istanbul": "Europe/Istanbul", "Ankara": "Europe/Istanbul", "Izmir": "Europe/Istanbul",
    "Antalya": "Europe/Istanbul",
    "New York": "America/New_York", "Chicago": "America/Chicago", "Houston": "America/Chicago",
    "Seattle": "America/Los_Angeles", "Denver": "America/Denver",
    "Johannesburg": "Africa/Johannesburg", "Cape Town": "Africa/Johannesburg",
    "Durban": "Africa/Johannesburg", "Pretoria": "Africa/Johannesburg",
}

#: Models by kind: make (real brands), model (invented), firmware strings written in
#: ``Software``, lenses, EXIF byte order, share of units that write a body serial and its
#: digit count, focal length (mm) and f-number of the default lens.
CATALOGUE = {
    "phone": (
        {"make": "Apple", "model": "iPhone 12e", "firmware": ("15.4.1", "16.1.2", "17.0.3"),
         "lenses": ("iPhone 12e back camera 4.2mm f/1.6",), "byte_order": ">",
         "serial_share": 0.0, "serial_digits": 0, "focal": 4.2, "fnumber": 1.6},
        {"make": "Apple", "model": "iPhone 9 mini", "firmware": ("14.8", "15.7.2"),
         "lenses": ("iPhone 9 mini back camera 4.0mm f/1.8",), "byte_order": ">",
         "serial_share": 0.0, "serial_digits": 0, "focal": 4.0, "fnumber": 1.8},
        {"make": "samsung", "model": "SM-G9X1B", "firmware": ("G9X1BXXU3CVA1", "G9X1BXXU5DWB2"),
         "lenses": ("Samsung Wide 5.4mm f/1.8",), "byte_order": "<", "serial_share": 0.3,
         "serial_digits": 11, "focal": 5.4, "fnumber": 1.8},
        {"make": "Google", "model": "Pixel 6s", "firmware": ("HDR+ 1.0.421286", "HDR+ 1.0.5011"),
         "lenses": ("Pixel 6s back camera 6.8mm f/1.85",), "byte_order": "<",
         "serial_share": 0.0, "serial_digits": 0, "focal": 6.8, "fnumber": 1.85},
        {"make": "Xiaomi", "model": "Redmi Note 10R", "firmware": ("MIUI 12.5.3", "MIUI 13.0.6"),
         "lenses": ("Redmi Note 10R main 5.6mm f/1.9",), "byte_order": "<",
         "serial_share": 0.2, "serial_digits": 10, "focal": 5.6, "fnumber": 1.9},
        {"make": "HUAWEI", "model": "VOG-L39X", "firmware": ("VOG-L39X 10.1.0.162",),
         "lenses": ("HUAWEI VOG-L39X rear 5.6mm f/1.8",), "byte_order": ">",
         "serial_share": 0.2, "serial_digits": 12, "focal": 5.6, "fnumber": 1.8},
        {"make": "motorola", "model": "moto g62x", "firmware": ("S2RUB32.3-21",),
         "lenses": ("moto g62x main 4.7mm f/1.8",), "byte_order": "<", "serial_share": 0.0,
         "serial_digits": 0, "focal": 4.7, "fnumber": 1.8},
    ),
    "camera": (
        {"make": "Canon", "model": "Canon EOS 85D",
         "firmware": ("Firmware Version 1.0.1", "Firmware Version 1.1.2"),
         "lenses": ("EF-S18-55mm f/4-5.6 IS STM", "EF50mm f/1.8 STM"), "byte_order": "<",
         "serial_share": 0.95, "serial_digits": 12, "focal": 24.0, "fnumber": 4.0},
        {"make": "NIKON CORPORATION", "model": "NIKON D7600", "firmware": ("Ver.1.01", "Ver.1.10"),
         "lenses": ("18.0-55.0 mm f/3.5-5.6", "35.0 mm f/1.8"), "byte_order": ">",
         "serial_share": 0.95, "serial_digits": 7, "focal": 35.0, "fnumber": 5.6},
        {"make": "SONY", "model": "ILCE-6700X",
         "firmware": ("ILCE-6700X v1.01", "ILCE-6700X v2.00"),
         "lenses": ("E 16-50mm F3.5-5.6 OSS", "E 35mm F1.8 OSS"), "byte_order": "<",
         "serial_share": 0.7, "serial_digits": 8, "focal": 16.0, "fnumber": 3.5},
        {"make": "OLYMPUS CORPORATION", "model": "E-M5MarkIV", "firmware": ("Version 1.2",),
         "lenses": ("OLYMPUS M.12-45mm F4.0 PRO",), "byte_order": "<", "serial_share": 0.9,
         "serial_digits": 9, "focal": 12.0, "fnumber": 4.0},
        {"make": "Panasonic", "model": "DMC-GX90", "firmware": ("Ver.1.1", "Ver.1.3"),
         "lenses": ("LUMIX G VARIO 12-32/F3.5-5.6",), "byte_order": "<", "serial_share": 0.9,
         "serial_digits": 10, "focal": 12.0, "fnumber": 3.5},
        {"make": "FUJIFILM", "model": "X-T40", "firmware": ("Digital Camera X-T40 Ver1.10",),
         "lenses": ("XF18-55mmF2.8-4 R LM OIS",), "byte_order": "<", "serial_share": 0.9,
         "serial_digits": 10, "focal": 18.0, "fnumber": 2.8},
        {"make": "CASIO COMPUTER CO.,LTD.", "model": "EX-ZR5000", "firmware": ("1.00", "1.01"),
         "lenses": ("EX-ZR5000 4.5-112mm",), "byte_order": ">", "serial_share": 0.5,
         "serial_digits": 8, "focal": 4.5, "fnumber": 3.0},
    ),
}
KINDS = ("phone", "camera")
PHONE_SHARE = 0.6

DEVICE_COLUMNS = ["device_id", "kind", "make", "model", "serial", "software", "lens", "timezone",
                  "clock_offset_s", "clock_drift_s_per_day", "gps", "writes_offset",
                  "video_time"]


@dataclasses.dataclass(frozen=True)
class Device:
    """One camera or phone; make one with :func:`make_device`.

    ``clock_epoch`` is the true UTC instant from which the drift counts (None: no drift
    yet); ``first_image_number`` is the image counter before the first picture of the case.
    """

    device_id: str
    kind: str
    make: str
    model: str
    serial: str
    software: str
    lens: str
    city: str
    timezone: str
    clock_offset_s: int
    clock_drift_s_per_day: float
    gps: bool
    writes_offset: bool
    video_time: str
    byte_order: str
    first_image_number: int
    focal_length: float
    f_number: float
    clock_epoch: datetime | None = None

    def summary(self):
        """A flat dict of the contract's ``devices`` table columns (:data:`DEVICE_COLUMNS`)."""
        return {name: getattr(self, name) for name in DEVICE_COLUMNS}


def city_timezone(city):
    """Return the IANA time zone name of a gazetteer city.

    >>> city_timezone("Novosibirsk"), city_timezone("Seattle")
    ('Asia/Novosibirsk', 'America/Los_Angeles')
    >>> city_timezone("Atlantis")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    vidlab.exceptions.InvalidParameterError: The 'city' parameter must be a city of ...
    """
    if city not in CITY_TIMEZONES:
        raise InvalidParameterError(
            f"The 'city' parameter must be a city of vidlab.synth.world.load_cities(). "
            f"Got {city!r} instead."
        )
    return CITY_TIMEZONES[city]


@lru_cache(maxsize=64)
def _zone(name):
    return ZoneInfo(name)


def _utc(moment, name="utc"):
    if not isinstance(moment, datetime):
        raise InvalidParameterError(
            f"The {name!r} parameter must be a datetime. Got {type(moment).__name__} instead.")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _serial(rng, digits):
    first = int(rng.integers(1, 10))
    rest = "".join(str(int(d)) for d in rng.integers(0, 10, size=digits - 1))
    return f"{first}{rest}"


def make_device(rng, device_id, city, kind=None, like=None):
    """Invent a device living in ``city``; return a :class:`Device`.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        The only source of randomness.
    device_id : str
        The identifier recorded in the ground truth (``"C0001"``).
    city : str
        A city of :func:`vidlab.synth.world.load_cities` (it sets the time zone).
    kind : {"phone", "camera"} or None
        None draws one (60 % phones).
    like : Device or None
        Another unit of the same make and model (same kind), with its own serial, clock and
        settings - so that linking devices by make and model alone fails.

    Phones: 0 drift, 4 % wrong by whole hours and 6 % by minutes, 85 % write OffsetTime,
    75 % GPS, 90 % video times in UTC. Cameras: drift of -3 to 3 s/day, 20 % wrong by whole
    hours (1-9 h either way) and 35 % by minutes, 40 % OffsetTime, 15 % GPS, 30 % video
    times in UTC.

    >>> a = make_device(7, "C0001", "Cairo")
    >>> b = make_device(8, "C0002", "Giza", like=a)
    >>> (a.make, a.model) == (b.make, b.model), a.timezone == b.timezone
    (True, True)
    """
    rng = make_rng(rng)
    timezone = city_timezone(city)
    if like is not None:
        if not isinstance(like, Device):
            raise InvalidParameterError(
                f"The 'like' parameter must be a Device or None. Got {type(like).__name__}.")
        kind = like.kind
        profile = next(p for p in CATALOGUE[kind]
                       if (p["make"], p["model"]) == (like.make, like.model))
    else:
        if kind is None:
            kind = "phone" if rng.random() < PHONE_SHARE else "camera"
        if kind not in KINDS:
            raise InvalidParameterError(
                f"The 'kind' parameter must be 'phone', 'camera' or None. Got {kind!r} instead.")
        models = CATALOGUE[kind]
        profile = models[int(rng.integers(len(models)))]
    phone = kind == "phone"
    firmware = profile["firmware"][int(rng.integers(len(profile["firmware"])))]
    lens = profile["lenses"][int(rng.integers(len(profile["lenses"])))]
    serial = ""
    if rng.random() < profile["serial_share"]:
        serial = _serial(rng, profile["serial_digits"])
    draw = rng.random()
    hours_share, minutes_share = (0.04, 0.06) if phone else (0.2, 0.35)
    if draw < hours_share:
        offset = int(rng.integers(1, 10)) * 3600 * (1 if rng.random() < 0.5 else -1)
    elif draw < hours_share + minutes_share:
        offset = int(rng.integers(60, 45 * 60)) * (1 if rng.random() < 0.5 else -1)
    else:
        offset = 0
    drift = 0.0 if phone else round(float(rng.uniform(-3.0, 3.0)), 1)
    writes_offset = bool(rng.random() < (0.85 if phone else 0.4))
    gps = bool(rng.random() < (0.75 if phone else 0.15))
    video_time = "utc" if rng.random() < (0.9 if phone else 0.3) else "local"
    return Device(
        device_id=str(device_id), kind=kind, make=profile["make"], model=profile["model"],
        serial=serial, software=firmware, lens=lens, city=city, timezone=timezone,
        clock_offset_s=offset, clock_drift_s_per_day=drift, gps=gps,
        writes_offset=writes_offset, video_time=video_time, byte_order=profile["byte_order"],
        first_image_number=int(rng.integers(1, 9000)), focal_length=profile["focal"],
        f_number=profile["fnumber"],
    )


def utc_offset(device, utc):
    """The UTC offset of the device's home zone at the true instant ``utc`` (a timedelta).

    >>> device = make_device(1, "C0009", "Sydney")
    >>> str(utc_offset(device, datetime(2020, 1, 1, tzinfo=UTC)))
    '11:00:00'
    """
    return _utc(utc).astimezone(_zone(device.timezone)).utcoffset()


def clock_error_s(device, utc):
    """Seconds the device's clock is ahead of the true local time at the instant ``utc``.

    ``clock_offset_s`` plus ``clock_drift_s_per_day`` times the days since ``clock_epoch``,
    rounded to whole seconds.

    >>> device = dataclasses.replace(make_device(2, "C0003", "Paris", kind="camera"),
    ...     clock_offset_s=60, clock_drift_s_per_day=2.0,
    ...     clock_epoch=datetime(2020, 1, 1, tzinfo=UTC))
    >>> clock_error_s(device, datetime(2020, 1, 11, tzinfo=UTC))
    80
    """
    error = device.clock_offset_s
    if device.clock_drift_s_per_day and device.clock_epoch is not None:
        days = (_utc(utc) - _utc(device.clock_epoch, "clock_epoch")).total_seconds() / 86400
        error += round(device.clock_drift_s_per_day * days)
    return int(error)


def device_time(device, utc):
    """The (naive) local time the device's clock shows at the true instant ``utc``.

    True UTC converted to the home zone, plus :func:`clock_error_s`; this is what the device
    writes in ``DateTimeOriginal``.

    >>> device = dataclasses.replace(make_device(4, "C0004", "New York"), clock_offset_s=-3600)
    >>> device_time(device, datetime(2022, 1, 10, 15, 0, tzinfo=UTC))
    datetime.datetime(2022, 1, 10, 9, 0)
    """
    moment = _utc(utc)
    local = moment.astimezone(_zone(device.timezone)).replace(tzinfo=None)
    return local + timedelta(seconds=clock_error_s(device, moment))
