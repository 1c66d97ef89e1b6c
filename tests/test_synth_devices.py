"""Tests for vidlab.synth.devices: device profiles, home time zones and wrong clocks."""

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth.devices import (
    CATALOGUE,
    CITY_TIMEZONES,
    DEVICE_COLUMNS,
    city_timezone,
    clock_error_s,
    device_time,
    make_device,
    utc_offset,
)
from vidlab.synth.world import load_cities


@pytest.fixture(scope="module")
def many():
    rng = make_rng(0)
    cities = load_cities()["city"].tolist()
    return [make_device(rng, f"C{i:04d}", cities[i % len(cities)]) for i in range(600)]


def test_every_gazetteer_city_has_a_plausible_time_zone():
    cities = load_cities()
    assert set(CITY_TIMEZONES) == set(cities["city"])
    january = datetime(2021, 1, 15, 12, tzinfo=UTC)
    for row in cities.itertuples():
        offset = january.astimezone(ZoneInfo(city_timezone(row.city))).utcoffset()
        hours = offset.total_seconds() / 3600
        assert abs(hours - row.longitude / 15) <= 3.5, row.city  # the sun roughly agrees


def test_same_rng_same_device():
    assert make_device(make_rng(5), "C0001", "Lyon") == make_device(make_rng(5), "C0001", "Lyon")
    assert make_device(make_rng(5), "C0001", "Lyon") != make_device(make_rng(6), "C0001", "Lyon")


def test_devices_come_from_the_catalogue(many):
    for device in many:
        profile = next(p for p in CATALOGUE[device.kind]
                       if (p["make"], p["model"]) == (device.make, device.model))
        assert device.software in profile["firmware"] and device.lens in profile["lenses"]
        assert device.byte_order == profile["byte_order"]
        assert device.serial == "" or (device.serial.isdigit()
                                       and len(device.serial) == profile["serial_digits"])
        assert device.timezone == CITY_TIMEZONES[device.city]
        assert device.video_time in ("utc", "local")
        assert device.first_image_number >= 1
        assert list(device.summary()) == DEVICE_COLUMNS


def test_phones_and_cameras_differ_as_described(many):
    phones = [d for d in many if d.kind == "phone"]
    cameras = [d for d in many if d.kind == "camera"]
    assert 0.5 < len(phones) / len(many) < 0.7
    assert all(d.clock_drift_s_per_day == 0 for d in phones)
    assert any(d.clock_drift_s_per_day != 0 for d in cameras)
    assert all(abs(d.clock_drift_s_per_day) <= 3 for d in cameras)
    for group, gps_share in ((phones, 0.75), (cameras, 0.15)):
        share = sum(d.gps for d in group) / len(group)
        assert abs(share - gps_share) < 0.1
    assert sum(d.serial != "" for d in cameras) > 0.7 * len(cameras)
    assert sum(d.serial != "" for d in phones) < 0.2 * len(phones)
    hours = [d for d in many if d.clock_offset_s and d.clock_offset_s % 3600 == 0]
    minutes = [d for d in many if d.clock_offset_s % 3600]
    assert hours and minutes
    assert all(1 <= abs(d.clock_offset_s) // 3600 <= 9 for d in hours)
    assert all(60 <= abs(d.clock_offset_s) < 45 * 60 for d in minutes)
    assert sum(d.video_time == "local" for d in cameras) > sum(d.video_time == "local"
                                                               for d in phones)


def test_a_twin_shares_make_and_model_only(many):
    rng = make_rng(9)
    base = next(d for d in many if d.kind == "camera" and d.serial)
    twins = [make_device(rng, f"T{i}", "Perth", like=base) for i in range(20)]
    assert all((t.make, t.model, t.kind) == (base.make, base.model, base.kind) for t in twins)
    assert all(t.timezone == "Australia/Perth" for t in twins)
    serials = [t.serial for t in twins if t.serial]
    assert len(set(serials)) == len(serials) and base.serial not in serials


def test_clock_follows_zone_offset_and_drift():
    device = dataclasses.replace(make_device(1, "C0001", "Berlin", kind="camera"),
                                 clock_offset_s=0, clock_drift_s_per_day=0.0)
    summer = datetime(2021, 7, 1, 10, 0, 0, tzinfo=UTC)
    winter = datetime(2021, 1, 1, 10, 0, 0, tzinfo=UTC)
    assert device_time(device, summer) == datetime(2021, 7, 1, 12, 0, 0)
    assert device_time(device, winter) == datetime(2021, 1, 1, 11, 0, 0)
    assert utc_offset(device, summer) == timedelta(hours=2)
    wrong = dataclasses.replace(device, clock_offset_s=-3 * 3600 + 125,
                                clock_drift_s_per_day=1.5, clock_epoch=winter)
    assert clock_error_s(wrong, winter) == -3 * 3600 + 125
    assert clock_error_s(wrong, winter + timedelta(days=100)) == -3 * 3600 + 125 + 150
    assert device_time(wrong, winter + timedelta(days=100)) == (
        datetime(2021, 4, 11, 12, 0, 0) + timedelta(seconds=-3 * 3600 + 275))
    naive = datetime(2021, 7, 1, 10, 0, 0)  # naive datetimes are taken as UTC
    assert device_time(device, naive) == device_time(device, summer)


def test_no_drift_without_an_epoch():
    device = dataclasses.replace(make_device(2, "C0002", "Denver", kind="camera"),
                                 clock_offset_s=30, clock_drift_s_per_day=2.0, clock_epoch=None)
    assert clock_error_s(device, datetime(2024, 1, 1, tzinfo=UTC)) == 30


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"city": "Atlantis"}, "'city'"),
    ({"kind": "tablet"}, "'kind'"),
    ({"like": "C0001"}, "'like'"),
])
def test_bad_parameters_are_refused(kwargs, match):
    arguments = {"rng": 0, "device_id": "C0001", "city": "Paris", **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        make_device(**arguments)


def test_time_functions_refuse_non_datetimes():
    device = make_device(0, "C0001", "Paris")
    with pytest.raises(InvalidParameterError, match="'utc'"):
        device_time(device, "2020-01-01")
