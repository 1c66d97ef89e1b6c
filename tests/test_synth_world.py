"""Tests for vidlab.synth.world: country tables, barcodes, text, locations and their views."""

import dataclasses

import matplotlib
import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.synth.world import (
    CLIMATES,
    COUNTRIES,
    PLUG_TYPES,
    ROOM_TYPES,
    View,
    barcode_image,
    display_text,
    ean13_check_digit,
    ean13_modules,
    load_cities,
    load_countries,
    make_ean13,
    make_location,
    random_view,
    render_canvas,
    render_document,
    render_scene,
    render_texture,
)

SMALL = (360, 240)

# EAN-13 digit codes, written out here independently of the module under test
L_CODES = {"0001101": 0, "0011001": 1, "0010011": 2, "0111101": 3, "0100011": 4,
           "0110001": 5, "0101111": 6, "0111011": 7, "0110111": 8, "0001011": 9}
G_CODES = {code[::-1].translate(str.maketrans("01", "10")): d for code, d in L_CODES.items()}
R_CODES = {code.translate(str.maketrans("01", "10")): d for code, d in L_CODES.items()}
FIRST_DIGIT = {"LLLLLL": 0, "LLGLGG": 1, "LLGGLG": 2, "LLGGGL": 3, "LGLLGG": 4, "LGGLLG": 5,
               "LGGGLL": 6, "LGLGLG": 7, "LGLGGL": 8, "LGGLGL": 9}


def decode_modules(modules):
    """Read an EAN-13 code back from its 95 modules."""
    assert modules[:3] == "101" and modules[45:50] == "01010" and modules[-3:] == "101"
    left, parity = [], ""
    for i in range(6):
        chunk = modules[3 + 7 * i:10 + 7 * i]
        if chunk in L_CODES:
            left.append(L_CODES[chunk])
            parity += "L"
        else:
            left.append(G_CODES[chunk])
            parity += "G"
    right = [R_CODES[modules[50 + 7 * i:57 + 7 * i]] for i in range(6)]
    return "".join(str(d) for d in [FIRST_DIGIT[parity], *left, *right])


def in_ranges(prefix, ranges):
    return any(lo <= int(prefix) <= hi for lo, hi in ranges)


# --- reference tables ------------------------------------------------------------------------


def test_country_table_is_complete_and_consistent():
    countries = load_countries()
    assert len(countries) == len(COUNTRIES) >= 12
    assert countries["country"].tolist() == sorted(COUNTRIES)
    assert set(countries["plug_type"]) <= set(PLUG_TYPES)
    assert set(countries["climate"]) <= set(CLIMATES)
    assert countries["plug_type"].nunique() >= 10
    assert countries["climate"].nunique() >= 8
    for _code, profile in COUNTRIES.items():
        assert profile["plug_type"] in profile["plug_types"]
        assert all(0 <= lo <= hi <= 999 for lo, hi in profile["gs1"])
        assert len(profile["products"]) >= 6 and len(profile["phrases"]) >= 6
    row = countries.set_index("country").loc["US"]
    assert row["gs1_prefixes"] == "000-019, 030-039, 060-139" and row["voltage"] == 120


def test_real_gs1_prefixes_of_some_countries():
    expected = {"DE": (400, 440), "FR": (300, 379), "GB": (500, 509), "BR": (789, 790),
                "RU": (460, 469), "ZA": (600, 601), "EG": (622, 622), "IN": (890, 890),
                "PH": (480, 480)}
    for code, span in expected.items():
        assert COUNTRIES[code]["gs1"] == (span,)


def test_gazetteer_has_plausible_coordinates():
    cities = load_cities()
    assert cities.groupby("country").size().min() >= 4
    assert cities["latitude"].between(-90, 90).all()
    assert cities["longitude"].between(-180, 180).all()
    south = set(cities[cities["latitude"] < 0]["country"])
    assert south == {"AU", "BR", "ZA"}


def test_every_text_is_covered_by_the_bundled_font():
    path = f"{matplotlib.get_data_path()}/fonts/ttf/DejaVuSans.ttf"
    cmap = TTFont(path).getBestCmap()
    for profile in COUNTRIES.values():
        texts = [*profile["products"], *profile["phrases"], profile["currency"]]
        texts += [city[1] for city in profile["cities"]]
        for text in texts:
            shown = display_text(text, profile["script"])
            missing = {c for c in shown if c != " " and ord(c) not in cmap}
            assert not missing, (text, missing)


# --- barcodes --------------------------------------------------------------------------------


def test_check_digit_of_known_codes():
    assert ean13_check_digit("400638133393") == "1"
    assert ean13_check_digit("501234567890") == "0"
    with pytest.raises(InvalidParameterError, match="12 digits"):
        ean13_check_digit("12345")


@pytest.mark.parametrize("country", sorted(COUNTRIES))
def test_random_codes_are_valid_and_carry_the_country_prefix(country):
    rng = make_rng(11)
    for _ in range(20):
        code = make_ean13(rng, country)
        assert len(code) == 13 and code.isdigit()
        assert ean13_check_digit(code[:12]) == code[12]
        assert in_ranges(code[:3], COUNTRIES[country]["gs1"])
        assert decode_modules(ean13_modules(code)) == code


def test_modules_refuse_a_wrong_check_digit():
    with pytest.raises(InvalidParameterError, match="valid EAN-13"):
        ean13_modules("4006381333932")


def test_barcode_image_draws_the_modules_as_bars():
    code = make_ean13(make_rng(4), "DE")
    module = 3
    image = barcode_image(code, module=module, digits=True)
    assert image.width == 113 * module
    row = np.asarray(image)[5]
    read = "".join("1" if row[9 * module + i * module + 1] < 128 else "0" for i in range(95))
    assert decode_modules(read) == code
    assert row[: 9 * module].min() == 255  # quiet zone


# --- text ------------------------------------------------------------------------------------


def test_hebrew_is_reversed_and_arabic_is_shaped():
    assert display_text("מיץ תפוזים", "Hebrew") == "מיץ תפוזים"[::-1]
    shown = display_text("أهلا", "Arabic")  # alef-hamza, heh, lam-alef ligature
    assert len(shown) == 3 and "\ufefc" in shown  # lam-alef, final form
    assert all(0xFE70 <= ord(c) <= 0xFEFF for c in shown)
    assert display_text("Молоко", "Cyrillic") == "Молоко"


# --- locations -------------------------------------------------------------------------------


def test_location_is_deterministic_and_follows_its_country():
    a = make_location(make_rng(3), "ZA", "kitchen", "L1", canvas_size=SMALL)
    b = make_location(make_rng(3), "ZA", "kitchen", "L1", canvas_size=SMALL)
    c = make_location(make_rng(4), "ZA", "kitchen", "L1", canvas_size=SMALL)
    assert a == b and a != c
    assert (a.plug_type, a.language, a.climate) == ("M", "Afrikaans", "savanna")
    assert a.city in {city[0] for city in COUNTRIES["ZA"]["cities"]}
    assert in_ranges(a.gs1_prefix, COUNTRIES["ZA"]["gs1"])
    assert a.product in COUNTRIES["ZA"]["products"]
    summary = a.summary()
    assert summary["barcode"] == a.barcode and summary["room_type"] == "kitchen"


def test_wall_items_do_not_overlap_the_window():
    for seed in range(60):
        country = sorted(COUNTRIES)[seed % len(COUNTRIES)]
        location = make_location(make_rng(seed), country, ROOM_TYPES[seed % 5], "L",
                                 canvas_size=SMALL)
        w, p = location.window, location.poster
        assert p["u1"] < w["u0"] - 0.05 or p["u0"] > w["u1"] + 0.05


@pytest.mark.parametrize(("argument", "value", "message"), [
    ("country", "XX", "'country' parameter must be one of AU"),
    ("room_type", "attic", "'room_type' parameter must be one of bedroom"),
    ("canvas_size", (10, 10), "'canvas_size' parameter"),
])
def test_make_location_rejects_bad_arguments(argument, value, message):
    kwargs = {"country": "DE", "room_type": "bedroom", "canvas_size": SMALL, argument: value}
    with pytest.raises(InvalidParameterError, match=message):
        make_location(make_rng(0), location_id="L", **kwargs)


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("room_type", ROOM_TYPES)
def test_every_room_type_renders_at_the_requested_size(room_type):
    location = make_location(make_rng(1), "GR", room_type, "L1", canvas_size=SMALL)
    canvas = render_canvas(location)
    assert canvas.size == SMALL and render_canvas(location) is canvas  # cached
    image = render_scene(location, make_rng(2), size=(200, 150))
    assert image.size == (200, 150) and image.mode == "RGB"
    assert np.asarray(image).std() > 10  # not a blank picture
    location.release()
    assert "canvas" not in location._cache


def test_views_are_deterministic_and_differ_from_each_other():
    location = make_location(make_rng(8), "FR", "living_room", "L1", canvas_size=SMALL)
    view = random_view(location, make_rng(5), aspect=1.5)
    first = render_scene(location, view, size=(150, 100)).tobytes()
    location.release()
    assert render_scene(location, view, size=(150, 100)).tobytes() == first
    other = render_scene(location, random_view(location, make_rng(6), aspect=1.5), size=(150, 100))
    assert other.tobytes() != first


def test_views_stay_inside_the_canvas():
    location = make_location(make_rng(9), "IN", "bedroom", "L1", canvas_size=SMALL)
    for seed in range(40):
        for focus in (None, "socket", "product", "window", "poster"):
            view = random_view(location, make_rng(seed), aspect=0.75, focus=focus)
            hw = view.width / 2
            hh = view.width * SMALL[0] / SMALL[1] / view.aspect / 2
            assert hw <= view.cx <= 1 - hw and hh <= view.cy <= 1 - hh
    with pytest.raises(InvalidParameterError, match="'focus' parameter"):
        random_view(location, make_rng(0), focus="ceiling")


def _histogram(image):
    pixels = np.asarray(image.resize((64, 48)), dtype=np.int32) // 64
    codes = pixels[..., 0] * 16 + pixels[..., 1] * 4 + pixels[..., 2]
    counts = np.bincount(codes.ravel(), minlength=64)
    return counts / counts.sum()


def test_shots_of_one_room_look_alike_more_than_shots_of_another():
    rooms = [make_location(make_rng(20 + i), "DE", "bedroom", f"L{i}", canvas_size=SMALL)
             for i in range(3)]
    assert len({room.wall["colours"][0] for room in rooms}) == 3
    shots = {room.location_id: [_histogram(render_scene(room, random_view(
        room, make_rng(k), aspect=1.5, focus="room"), size=(150, 100))) for k in range(4)]
        for room in rooms}

    def similarity(a, b):
        return np.minimum(a, b).sum()

    same, other = [], []
    for i, room in enumerate(rooms):
        mine = shots[room.location_id]
        same += [similarity(mine[a], mine[b]) for a in range(4) for b in range(a + 1, 4)]
        for other_room in rooms[i + 1:]:
            other += [similarity(a, b) for a in mine for b in shots[other_room.location_id]]
    assert np.mean(same) > np.mean(other) + 0.1


def test_each_plug_type_draws_a_different_socket():
    drawn = {}
    for plug in PLUG_TYPES:
        image = Image.new("RGB", (80, 100), (200, 200, 200))
        world._draw_socket(ImageDraw.Draw(image), 40, 50, 50, plug, (246, 246, 242))
        drawn[plug] = image.tobytes()
    assert len(set(drawn.values())) == len(PLUG_TYPES)
    with pytest.raises(InvalidParameterError, match="Unknown plug type"):
        world._draw_socket(ImageDraw.Draw(image), 40, 50, 50, "Z", (246, 246, 242))


def test_render_scene_validates_size_and_accepts_a_view():
    location = make_location(make_rng(0), "TR", "bathroom", "L1", canvas_size=SMALL)
    view = View(cx=0.5, cy=0.5, width=0.5, aspect=4 / 3, roll=2.0, yaw=0.03, warmth=0.5)
    assert render_scene(location, view, size=(120, 90)).size == (120, 90)
    assert dataclasses.asdict(view) == view.as_dict()
    with pytest.raises(InvalidParameterError, match="'size' parameter"):
        render_scene(location, view, size=(0, 90))


def test_distractor_pictures():
    texture = render_texture(make_rng(1), (120, 80))
    document = render_document(make_rng(1), "EG", (124, 175))
    assert texture.size == (120, 80) and document.size == (124, 175)
    assert render_texture(make_rng(1), (120, 80)).tobytes() == texture.tobytes()
    page = np.asarray(document.convert("L"))
    assert page.mean() > 200 and page.min() < 100  # a light page with dark text
