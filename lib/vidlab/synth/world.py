"""The synthetic world of places: countries, rooms that keep their identity, and views of them.

Victim-identification work links pictures to a place through what is in the room: the wall
socket, the language on a package, the barcode's GS1 prefix, the view from the window. This
module invents such places, **never people**:

* :data:`COUNTRIES` - 15 invented but plausible country profiles keyed by real ISO 3166
  codes: plug type (IEC letter), language and script with product words and phrases, the
  real GS1 country prefixes, the climate outside the window, mains voltage, currency and a
  few real cities with approximate coordinates (:func:`load_countries`, :func:`load_cities`).
* :class:`Location` - one room with a persistent identity (:func:`make_location`): room type,
  wall and floor textures, furniture at fixed places, a window onto the country's climate, a
  socket of the country's type, a poster and a product package in the country's language
  with an EAN-13 barcode (valid check digit, the country's GS1 prefix, drawn as real bars).
* :func:`render_scene` - one photograph of a location: the room is drawn once as a large
  canvas (cached on the location) and each view is a crop, zoom, small perspective change
  and lighting change of it, so a series looks like many shots of the same room.
* Distractors: :func:`render_texture` (pattern close-ups) and :func:`render_document`
  (text pages).

Text is drawn with matplotlib's bundled DejaVu fonts and Pillow's basic layout engine, so the
pixels do not depend on the fonts or shaping libraries of the host. DejaVu Sans covers Latin,
Greek, Cyrillic, Hebrew and Arabic (this module shapes Arabic itself, with the Unicode
presentation forms, and writes right-to-left text in visual order). It has no Thai, CJK or
Devanagari glyphs, so no country here needs them; India's packaging uses English (recorded
in the ``script_note`` column of :func:`load_countries`).

>>> from vidlab.seed import make_rng
>>> location = make_location(make_rng(0), "DE", "bedroom", "L001", canvas_size=(480, 320))
>>> location.plug_type, location.language, location.barcode[:2] in {"40", "41", "42", "43", "44"}
('F', 'German', True)
>>> image = render_scene(location, make_rng(1), size=(240, 160))
>>> image.size, image.mode
((240, 160), 'RGB')
"""

import dataclasses
import functools
import math
import unicodedata
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from vidlab.exceptions import InvalidParameterError
from vidlab.seed import make_rng

__all__ = [
    "CLIMATES",
    "COUNTRIES",
    "FLOOR_PATTERNS",
    "PLUG_TYPES",
    "ROOM_TYPES",
    "WALL_PATTERNS",
    "Location",
    "View",
    "barcode_image",
    "display_text",
    "ean13_check_digit",
    "ean13_modules",
    "load_cities",
    "load_countries",
    "make_ean13",
    "make_location",
    "outdoor_image",
    "random_view",
    "render_canvas",
    "render_document",
    "render_scene",
    "render_texture",
    "socket_image",
]

# --- reference tables ------------------------------------------------------------------------


def _country(name, language, language_code, script, plug_type, plug_types, voltage, gs1,
             climate, currency, cities, products, phrases, script_note=""):
    return {"name": name, "language": language, "language_code": language_code,
            "script": script, "plug_type": plug_type, "plug_types": plug_types,
            "voltage": voltage, "gs1": gs1, "climate": climate, "currency": currency,
            "cities": cities, "products": products, "phrases": phrases,
            "script_note": script_note}


#: Country profiles keyed by ISO 3166-1 alpha-2 code. The profiles are invented for teaching
#: but plausible: the plug types, GS1 prefixes, voltages and city coordinates are the real,
#: public ones (coordinates rounded); the products and phrases are everyday words. ``gs1``
#: holds inclusive ranges of 3-digit GS1 prefixes; ``cities`` holds (English name, local
#: name, latitude, longitude).
COUNTRIES = {
    "AU": _country(
        "Australia", "English", "en", "Latin", "I", "I", 230, ((930, 939),), "coastal", "$",
        (("Sydney", "Sydney", -33.87, 151.21), ("Melbourne", "Melbourne", -37.81, 144.96),
         ("Brisbane", "Brisbane", -27.47, 153.03), ("Perth", "Perth", -31.95, 115.86)),
        ("Full Cream Milk", "Orange Juice", "Laundry Powder", "Toothpaste", "Rolled Oats",
         "Tomato Sauce", "Sparkling Water", "Yeast Spread"),
        ("Best before", "Keep refrigerated", "Welcome home", "Surf club open day",
         "Community library", "Half price special")),
    "BR": _country(
        "Brazil", "Portuguese", "pt", "Latin", "N", "C, N", 127, ((789, 790),), "tropical",
        "R$",
        (("São Paulo", "São Paulo", -23.55, -46.63), ("Rio de Janeiro", "Rio de Janeiro",
         -22.91, -43.17), ("Salvador", "Salvador", -12.97, -38.50), ("Recife", "Recife",
         -8.05, -34.88), ("Manaus", "Manaus", -3.12, -60.02)),
        ("Leite integral", "Suco de laranja", "Sabão em pó", "Creme dental", "Café torrado",
         "Feijão preto", "Arroz branco", "Biscoito de polvilho"),
        ("Consumir antes de", "Manter refrigerado", "Bem-vindo ao lar", "Festa junina",
         "Biblioteca municipal", "Oferta da semana")),
    "CH": _country(
        "Switzerland", "German", "de", "Latin", "J", "C, J", 230, ((760, 769),), "alpine",
        "CHF",
        (("Zurich", "Zürich", 47.38, 8.54), ("Geneva", "Genève", 46.20, 6.14),
         ("Bern", "Bern", 46.95, 7.45), ("Basel", "Basel", 47.56, 7.59)),
        ("Vollmilch", "Apfelschorle", "Waschpulver", "Zahnpasta", "Birchermüesli",
         "Bergkäse", "Schokolade", "Rösti"),
        ("Mindestens haltbar bis", "Gekühlt aufbewahren", "Herzlich willkommen",
         "Gemeindebibliothek", "Alpabzug im Dorf", "Aktion der Woche")),
    "DE": _country(
        "Germany", "German", "de", "Latin", "F", "C, F", 230, ((400, 440),), "temperate", "€",
        (("Berlin", "Berlin", 52.52, 13.40), ("Hamburg", "Hamburg", 53.55, 9.99),
         ("Munich", "München", 48.14, 11.58), ("Cologne", "Köln", 50.94, 6.96),
         ("Leipzig", "Leipzig", 51.34, 12.37)),
        ("Vollmilch", "Apfelsaft", "Waschmittel", "Zahnpasta", "Haferflocken",
         "Kaffeebohnen", "Spülmittel", "Mineralwasser"),
        ("Mindestens haltbar bis", "Gekühlt lagern", "Willkommen zu Hause",
         "Sommerfest im Park", "Stadtbibliothek", "Nur heute: Sonderangebot")),
    "EG": _country(
        "Egypt", "Arabic", "ar", "Arabic", "C", "C, F", 220, ((622, 622),), "desert", "EGP",
        (("Cairo", "القاهرة", 30.04, 31.24), ("Alexandria", "الإسكندرية", 31.20, 29.92),
         ("Giza", "الجيزة", 30.01, 31.21), ("Aswan", "أسوان", 24.09, 32.90),
         ("Luxor", "الأقصر", 25.69, 32.64)),
        ("حليب", "عصير برتقال", "مسحوق غسيل", "معجون أسنان", "شاي", "أرز", "زيت زيتون",
         "بسكويت"),
        ("صالح حتى", "يحفظ في الثلاجة", "أهلا وسهلا", "مكتبة المدينة", "عيد سعيد",
         "عرض الأسبوع")),
    "FR": _country(
        "France", "French", "fr", "Latin", "E", "C, E", 230, ((300, 379),), "temperate", "€",
        (("Paris", "Paris", 48.86, 2.35), ("Lyon", "Lyon", 45.76, 4.84),
         ("Marseille", "Marseille", 43.30, 5.37), ("Toulouse", "Toulouse", 43.60, 1.44),
         ("Lille", "Lille", 50.63, 3.06)),
        ("Lait demi-écrémé", "Jus d'orange", "Lessive liquide", "Dentifrice", "Café moulu",
         "Confiture de fraises", "Eau minérale", "Biscuits au beurre"),
        ("À consommer de préférence avant", "Conserver au frais", "Bienvenue à la maison",
         "Fête de la musique", "Marché du dimanche", "Promotion de la semaine")),
    "GB": _country(
        "United Kingdom", "English", "en", "Latin", "G", "G", 230, ((500, 509),), "rainy", "£",
        (("London", "London", 51.51, -0.13), ("Manchester", "Manchester", 53.48, -2.24),
         ("Birmingham", "Birmingham", 52.49, -1.89), ("Glasgow", "Glasgow", 55.86, -4.25),
         ("Leeds", "Leeds", 53.80, -1.55)),
        ("Semi-skimmed milk", "Orange juice", "Washing-up liquid", "Toothpaste",
         "Porridge oats", "Baked beans", "Tea bags", "Digestive biscuits"),
        ("Best before end", "Keep refrigerated", "Home sweet home", "Village summer fete",
         "Public library", "Special offer")),
    "GR": _country(
        "Greece", "Greek", "el", "Greek", "C", "C, F", 230, ((520, 521),), "mediterranean", "€",
        (("Athens", "Αθήνα", 37.98, 23.73), ("Thessaloniki", "Θεσσαλονίκη", 40.64, 22.94),
         ("Patras", "Πάτρα", 38.25, 21.73), ("Heraklion", "Ηράκλειο", 35.34, 25.13)),
        ("Γάλα", "Χυμός πορτοκάλι", "Απορρυπαντικό", "Οδοντόκρεμα", "Ελαιόλαδο", "Μέλι",
         "Ελληνικός καφές", "Φέτα"),
        ("Ανάλωση κατά προτίμηση πριν από", "Διατηρείται στο ψυγείο", "Καλώς ήρθατε",
         "Δημοτική βιβλιοθήκη", "Καλοκαιρινή γιορτή", "Προσφορά εβδομάδας")),
    "IL": _country(
        "Israel", "Hebrew", "he", "Hebrew", "H", "C, H", 230, ((729, 729),), "mediterranean",
        "₪",
        (("Tel Aviv", "תל אביב", 32.09, 34.78), ("Jerusalem", "ירושלים", 31.77, 35.21),
         ("Haifa", "חיפה", 32.79, 34.99), ("Beersheba", "באר שבע", 31.25, 34.79)),
        ("חלב", "מיץ תפוזים", "אבקת כביסה", "משחת שיניים", "טחינה", "קפה שחור", "שמן זית",
         "עוגיות"),
        ("בתוקף עד", "לשמור בקירור", "ברוכים הבאים", "ספרייה עירונית", "חג שמח",
         "מבצע השבוע")),
    "IN": _country(
        "India", "English", "en", "Latin", "D", "C, D, M", 230, ((890, 890),), "monsoon", "Rs.",
        (("Mumbai", "Mumbai", 19.08, 72.88), ("Delhi", "Delhi", 28.70, 77.10),
         ("Bengaluru", "Bengaluru", 12.97, 77.59), ("Chennai", "Chennai", 13.08, 80.27),
         ("Kolkata", "Kolkata", 22.57, 88.36)),
        ("Toned Milk", "Basmati Rice", "Detergent Powder", "Toothpaste", "Masala Chai",
         "Mango Pickle", "Wheat Atta", "Glucose Biscuits"),
        ("Best before", "MRP incl. of all taxes", "Welcome", "Public library", "Diwali mela",
         "Festival offer"),
        script_note="English packaging: DejaVu has no Devanagari glyphs"),
    "PH": _country(
        "Philippines", "Filipino", "fil", "Latin", "A", "A, B, C", 220, ((480, 480),),
        "tropical", "₱",
        (("Manila", "Maynila", 14.60, 120.98), ("Quezon City", "Lungsod Quezon", 14.68, 121.04),
         ("Cebu City", "Lungsod ng Cebu", 10.32, 123.89), ("Davao City", "Lungsod ng Davao",
         7.19, 125.46)),
        ("Gatas", "Katas ng dalandan", "Sabong panlaba", "Toothpaste", "Bigas", "Kape",
         "Patis", "Biskwit"),
        ("Pinakamainam bago", "Itago sa malamig na lugar", "Maligayang pagdating",
         "Pampublikong aklatan", "Pista ng bayan", "Espesyal na alok")),
    "RU": _country(
        "Russia", "Russian", "ru", "Cyrillic", "F", "C, F", 230, ((460, 469),), "snowy", "руб.",
        (("Moscow", "Москва", 55.76, 37.62), ("Saint Petersburg", "Санкт-Петербург", 59.93,
         30.34), ("Novosibirsk", "Новосибирск", 55.01, 82.93), ("Yekaterinburg",
         "Екатеринбург", 56.84, 60.61), ("Kazan", "Казань", 55.79, 49.12)),
        ("Молоко", "Апельсиновый сок", "Стиральный порошок", "Зубная паста",
         "Гречневая крупа", "Чай чёрный", "Подсолнечное масло", "Печенье"),
        ("Годен до", "Хранить в холодильнике", "Добро пожаловать", "Городская библиотека",
         "Праздник весны", "Скидка недели")),
    "TR": _country(
        "Türkiye", "Turkish", "tr", "Latin", "F", "C, F", 230, ((868, 869),), "temperate", "₺",
        (("Istanbul", "İstanbul", 41.01, 28.98), ("Ankara", "Ankara", 39.93, 32.86),
         ("Izmir", "İzmir", 38.42, 27.14), ("Antalya", "Antalya", 36.90, 30.71)),
        ("Süt", "Portakal suyu", "Çamaşır deterjanı", "Diş macunu", "Türk kahvesi", "Çay",
         "Zeytinyağı", "Bisküvi"),
        ("Son tüketim tarihi", "Buzdolabında saklayınız", "Hoş geldiniz", "Halk kütüphanesi",
         "Bahar şenliği", "Haftanın fırsatı")),
    "US": _country(
        "United States", "English", "en", "Latin", "B", "A, B", 120,
        ((0, 19), (30, 39), (60, 139)), "temperate", "$",
        (("New York", "New York", 40.71, -74.01), ("Chicago", "Chicago", 41.88, -87.63),
         ("Houston", "Houston", 29.76, -95.37), ("Seattle", "Seattle", 47.61, -122.33),
         ("Denver", "Denver", 39.74, -104.99)),
        ("Whole Milk", "Peanut Butter", "Laundry Detergent", "Toothpaste", "Maple Syrup",
         "Corn Flakes", "Paper Towels", "Ground Coffee"),
        ("Best by", "Keep refrigerated", "Welcome home", "County fair", "Public library",
         "Sale this week")),
    "ZA": _country(
        "South Africa", "Afrikaans", "af", "Latin", "M", "C, M, N", 230, ((600, 601),),
        "savanna", "R",
        (("Johannesburg", "Johannesburg", -26.20, 28.05), ("Cape Town", "Kaapstad", -33.92,
         18.42), ("Durban", "Durban", -29.86, 31.02), ("Pretoria", "Pretoria", -25.75, 28.19)),
        ("Volroommelk", "Lemoensap", "Wasgoedpoeier", "Tandepasta", "Rooibostee",
         "Mieliemeel", "Beskuit", "Appelkooskonfyt"),
        ("Gebruik voor", "Hou verkoel", "Welkom tuis", "Openbare biblioteek", "Lentefees",
         "Spesiale aanbod")),
}

ROOM_TYPES = ("bedroom", "living_room", "kitchen", "bathroom", "hotel_room")
CLIMATES = ("alpine", "coastal", "desert", "mediterranean", "monsoon", "rainy", "savanna",
            "snowy", "temperate", "tropical")
#: IEC plug types drawn as socket outlets (what each one looks like on the wall).
PLUG_TYPES = {
    "A": "two flat parallel slots",
    "B": "two flat parallel slots above a round earth hole, two outlets stacked",
    "C": "two round holes (Europlug), no earth",
    "D": "three large round holes in a triangle",
    "E": "round recess with two holes and an earth pin sticking out",
    "F": "round recess with two holes and earth clips at top and bottom (Schuko)",
    "G": "three rectangular slots, a rocker switch beside",
    "H": "three flat slots in a V",
    "I": "two slanted slots in a V and a vertical earth slot",
    "J": "three round holes, the earth off-centre, in a hexagonal recess",
    "M": "three very large round holes in a triangle",
    "N": "three round holes in a hexagonal recess, the earth off-centre",
}
WALL_PATTERNS = ("plain", "stripes", "checks", "dots", "motif", "tiles")
FLOOR_PATTERNS = ("wood", "tiles", "carpet", "checks", "plain")

# palettes (RGB): walls pastel or neutral, floors by material
WALL_COLOURS = ((236, 228, 212), (214, 226, 232), (230, 214, 200), (204, 222, 204),
                (240, 232, 190), (222, 208, 226), (200, 212, 228), (246, 240, 236),
                (232, 196, 180), (190, 206, 196), (250, 250, 246), (216, 200, 170))
ACCENT_COLOURS = ((150, 110, 90), (90, 120, 150), (120, 150, 110), (170, 90, 90),
                  (200, 170, 90), (110, 100, 140), (80, 80, 80), (190, 150, 120))
WOOD_COLOURS = ((150, 105, 65), (184, 138, 92), (120, 80, 50), (205, 170, 125), (95, 65, 45))
TILE_COLOURS = ((225, 225, 220), (180, 190, 200), (200, 180, 160), (90, 95, 100),
                (150, 170, 160), (235, 220, 200))
CARPET_COLOURS = ((140, 120, 110), (90, 100, 120), (160, 150, 130), (120, 70, 70),
                  (100, 120, 100), (170, 160, 150))
FABRIC_COLOURS = ((180, 60, 60), (60, 90, 150), (90, 140, 110), (220, 200, 160),
                  (120, 120, 130), (200, 140, 80), (150, 110, 160), (240, 240, 235),
                  (70, 70, 80), (190, 170, 140))
FURNITURE_COLOURS = WOOD_COLOURS + ((240, 240, 236), (60, 60, 64), (200, 200, 196))
PACKAGE_COLOURS = ((200, 30, 40), (30, 90, 180), (30, 140, 80), (240, 180, 20),
                   (240, 240, 240), (120, 40, 130), (230, 110, 20), (20, 20, 30))

TEXTURE_WIDTH = 2048  # textures are drawn at most this wide and scaled up on larger canvases
_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"


# --- reference tables as DataFrames ----------------------------------------------------------


def _gs1_text(ranges):
    return ", ".join(f"{lo:03d}" if lo == hi else f"{lo:03d}-{hi:03d}" for lo, hi in ranges)


def load_countries():
    """Return the country profiles as a DataFrame, one row per country, sorted by code.

    Columns: ``country`` (ISO code), ``name``, ``language``, ``language_code``, ``script``,
    ``script_note``, ``plug_type`` (drawn), ``plug_types`` (in use), ``voltage``,
    ``gs1_prefixes`` (e.g. ``"400-440"``), ``climate``, ``currency``, ``cities``
    (English names joined by ``"; "``), ``products`` and ``phrases`` (joined by ``"; "``).

    >>> countries = load_countries()
    >>> countries.set_index("country").loc["GB", ["plug_type", "gs1_prefixes", "climate"]].tolist()
    ['G', '500-509', 'rainy']
    >>> len(countries)
    15
    """
    rows = []
    for code, c in sorted(COUNTRIES.items()):
        rows.append({"country": code, "name": c["name"], "language": c["language"],
                     "language_code": c["language_code"], "script": c["script"],
                     "script_note": c["script_note"], "plug_type": c["plug_type"],
                     "plug_types": c["plug_types"], "voltage": c["voltage"],
                     "gs1_prefixes": _gs1_text(c["gs1"]), "climate": c["climate"],
                     "currency": c["currency"],
                     "cities": "; ".join(city[0] for city in c["cities"]),
                     "products": "; ".join(c["products"]), "phrases": "; ".join(c["phrases"])})
    return pd.DataFrame(rows)


def load_cities():
    """Return the synthetic gazetteer: ``country, city, local_name, latitude, longitude``.

    >>> cities = load_cities()
    >>> cities[cities["city"] == "Cairo"][["country", "latitude", "longitude"]].values.tolist()
    [['EG', 30.04, 31.24]]
    """
    rows = [{"country": code, "city": name, "local_name": local, "latitude": lat,
             "longitude": lon}
            for code, c in sorted(COUNTRIES.items()) for name, local, lat, lon in c["cities"]]
    return pd.DataFrame(rows)


def _check_country(country):
    if country not in COUNTRIES:
        raise InvalidParameterError(
            f"The 'country' parameter must be one of {', '.join(sorted(COUNTRIES))}. "
            f"Got {country!r} instead."
        )
    return COUNTRIES[country]


# --- EAN-13 barcodes -------------------------------------------------------------------------

_EAN_L = ("0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111",
          "0111011", "0110111", "0001011")
_EAN_R = tuple("".join("1" if bit == "0" else "0" for bit in code) for code in _EAN_L)
_EAN_G = tuple(code[::-1] for code in _EAN_R)
_EAN_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG", "LGGLLG", "LGGGLL",
               "LGLGLG", "LGLGGL", "LGGLGL")


def ean13_check_digit(first12):
    """Return the EAN-13 check digit of a 12-digit string.

    >>> ean13_check_digit("400638133393")
    '1'
    """
    if not isinstance(first12, str) or len(first12) != 12 or not first12.isdigit():
        raise InvalidParameterError(
            f"The 'first12' parameter must be a string of 12 digits. Got {first12!r} instead."
        )
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def make_ean13(rng, country):
    """Return a random valid EAN-13 code whose GS1 prefix belongs to ``country``.

    >>> code = make_ean13(make_rng(3), "FR")
    >>> len(code), 300 <= int(code[:3]) <= 379, ean13_check_digit(code[:12]) == code[12]
    (13, True, True)
    """
    profile = _check_country(country)
    rng = make_rng(rng)
    ranges = profile["gs1"]
    lo, hi = ranges[int(rng.integers(len(ranges)))]
    prefix = int(rng.integers(lo, hi + 1))
    body = f"{prefix:03d}" + "".join(str(int(d)) for d in rng.integers(0, 10, size=9))
    return body + ean13_check_digit(body)


def ean13_modules(code):
    """Return the 95 bar modules of an EAN-13 code as a string of ``"1"`` (bar) and ``"0"``.

    >>> modules = ean13_modules("4006381333931")
    >>> len(modules), modules[:3], modules[45:50], modules[-3:]
    (95, '101', '01010', '101')
    """
    if (not isinstance(code, str) or len(code) != 13 or not code.isdigit()
            or ean13_check_digit(code[:12]) != code[12]):
        raise InvalidParameterError(
            f"The 'code' parameter must be a valid EAN-13 code (13 digits, correct check "
            f"digit). Got {code!r} instead."
        )
    parity = _EAN_PARITY[int(code[0])]
    left = "".join((_EAN_L if p == "L" else _EAN_G)[int(d)]
                   for p, d in zip(parity, code[1:7], strict=True))
    right = "".join(_EAN_R[int(d)] for d in code[7:])
    return "101" + left + "01010" + right + "101"


def barcode_image(code, module=2, height=None, digits=True):
    """Draw an EAN-13 barcode as a greyscale image: real bars, quiet zones, digits below.

    Each module is ``module`` pixels wide; the image is ``(95 + 18) * module`` pixels wide.

    >>> image = barcode_image("4006381333931", module=1, digits=False)
    >>> image.size, image.getpixel((9, 5)), image.getpixel((10, 5))
    ((113, 60), 0, 255)
    """
    modules = ean13_modules(code)
    module = int(module)
    if module < 1:
        raise InvalidParameterError(
            f"The 'module' parameter must be an int >= 1. Got {module!r} instead."
        )
    bars_height = int(height) if height else 60 * module
    text_height = 11 * module if digits else 0
    quiet = 9 * module
    image = Image.new("L", ((95 + 18) * module, bars_height + text_height), 255)
    row = np.repeat(np.array([0 if m == "1" else 255 for m in modules], np.uint8), module)
    pixels = np.asarray(image).copy()
    pixels[:bars_height, quiet:quiet + 95 * module] = row[None, :]
    guards = [i for i in range(95) if i < 3 or 45 <= i < 50 or i >= 92]
    for i in guards:  # guard bars run down into the digit line, as printed
        if modules[i] == "1":
            pixels[bars_height:bars_height + text_height // 2,
                   quiet + i * module:quiet + (i + 1) * module] = 0
    image = Image.fromarray(pixels, "L")
    if digits and module >= 2:
        draw = ImageDraw.Draw(image)
        font = _font(int(9 * module), mono=True)
        y = bars_height
        draw.text((1, y), code[0], fill=0, font=font)
        for group, start in ((code[1:7], 3), (code[7:], 50)):
            x = quiet + start * module + module
            draw.text((x, y), " ".join(group), fill=0, font=_font(int(7 * module), mono=True))
    return image


# --- text ------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _font(size, bold=False, mono=False):
    name = ("DejaVuSansMono" if mono else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    return ImageFont.truetype(str(_FONT_DIR / name), max(6, int(size)),
                              layout_engine=ImageFont.Layout.BASIC)


_LAM = "\u0644"
_ALEFS = {"\u0627": "ALEF", "\u0622": "ALEF WITH MADDA ABOVE",
          "\u0623": "ALEF WITH HAMZA ABOVE", "\u0625": "ALEF WITH HAMZA BELOW"}


@functools.cache
def _arabic_forms(char):
    name = unicodedata.name(char, "")
    if not name.startswith("ARABIC LETTER "):
        return None
    forms = {}
    for form in ("ISOLATED", "FINAL", "INITIAL", "MEDIAL"):
        try:
            forms[form] = unicodedata.lookup(f"{name} {form} FORM")
        except KeyError:
            pass
    return forms or None


def _shape_arabic(text):
    """Arabic letters in their contextual presentation forms (with lam-alef ligatures)."""
    units, i = [], 0
    while i < len(text):
        if text[i] == _LAM and i + 1 < len(text) and text[i + 1] in _ALEFS:
            name = f"ARABIC LIGATURE LAM WITH {_ALEFS[text[i + 1]]}"
            units.append({"ISOLATED": unicodedata.lookup(f"{name} ISOLATED FORM"),
                          "FINAL": unicodedata.lookup(f"{name} FINAL FORM")})
            i += 2
        else:
            units.append(_arabic_forms(text[i]) or text[i])
            i += 1
    out = []
    for k, unit in enumerate(units):
        if isinstance(unit, str):
            out.append(unit)
            continue
        before = units[k - 1] if k else None
        after = units[k + 1] if k + 1 < len(units) else None
        joins_before = isinstance(before, dict) and "MEDIAL" in before and "FINAL" in unit
        joins_after = "INITIAL" in unit and isinstance(after, dict) and "FINAL" in after
        form = {(True, True): "MEDIAL", (True, False): "FINAL",
                (False, True): "INITIAL"}.get((joins_before, joins_after), "ISOLATED")
        out.append(unit.get(form, unit["ISOLATED"]))
    return "".join(out)


def display_text(text, script):
    """Return ``text`` ready for a left-to-right, unshaped layout engine.

    Hebrew is reversed into visual order; Arabic is shaped into presentation forms and
    reversed; other scripts are returned as they are.

    >>> display_text("abc", "Latin"), display_text("חלב", "Hebrew") == "בלח"
    ('abc', True)
    >>> [hex(ord(c)) for c in display_text("شاي", "Arabic")]
    ['0xfef1', '0xfe8e', '0xfeb7']
    """
    if script == "Hebrew":
        return text[::-1]
    if script == "Arabic":
        return _shape_arabic(text)[::-1]
    return text


def _fit_font(text, size, max_width, bold=False):
    size = max(6, int(size))
    while size > 6 and _font(size, bold).getlength(text) > max_width:
        size = max(6, int(size * 0.9))
    return _font(size, bold)


# --- small helpers ---------------------------------------------------------------------------


def _pick(rng, options):
    return options[int(rng.integers(len(options)))]


def _jitter(rng, colour, amount=12):
    return tuple(int(v) for v in np.clip(np.array(colour) + rng.integers(-amount, amount + 1, 3),
                                         0, 255))


def _hex(colour):
    return "#" + "".join(f"{int(v):02x}" for v in colour[:3])


def _rgb(text):
    return tuple(int(text[i:i + 2], 16) for i in (1, 3, 5))


def _shade(colour, factor):
    return tuple(int(min(255, max(0, round(v * factor)))) for v in colour[:3])


def _perspective_coeffs(dst, src):
    """PIL PERSPECTIVE coefficients mapping output points ``dst`` to input points ``src``.

    Solved in pure Python (no LAPACK), so the numbers do not depend on the BLAS build.
    """
    rows = []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1.0, 0.0, 0.0, 0.0, -u * x, -u * y, u])
        rows.append([0.0, 0.0, 0.0, x, y, 1.0, -v * x, -v * y, v])
    n = 8
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        if abs(p) < 1e-12:
            raise InvalidParameterError("Degenerate quadrilateral: its corners are collinear.")
        rows[col] = [value / p for value in rows[col]]
        for r in range(n):
            if r != col and rows[r][col] != 0.0:
                f = rows[r][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [round(rows[i][n], 10) for i in range(n)]


def _smooth_noise(rng, size, cell, amplitude):
    """Low-frequency noise of ``size`` (w, h): random values on a coarse grid, upsampled."""
    w, h = size
    gw, gh = max(2, w // cell + 2), max(2, h // cell + 2)
    grid = rng.standard_normal((gh, gw)).astype(np.float32) * np.float32(amplitude)
    return np.asarray(Image.fromarray(grid, "F").resize((w, h), Image.Resampling.BILINEAR))


# --- textures --------------------------------------------------------------------------------


def _pattern(kind, colours, size, unit, rng):
    """A texture (h, w, 3) uint8 array of ``kind`` in ``colours`` with feature size ``unit``."""
    w, h = (max(1, int(v)) for v in size)
    unit = max(3, int(unit))
    a = np.array(colours[0], np.float32)
    b = np.array(colours[1], np.float32)
    x = np.arange(w, dtype=np.int32)[None, :]
    y = np.arange(h, dtype=np.int32)[:, None]
    extra = np.zeros((h, w), np.float32)
    if kind == "plain":
        t = np.zeros((h, w), np.float32)
    elif kind == "stripes":
        t = np.broadcast_to(((x // unit) % 2).astype(np.float32), (h, w))
        t = t * np.float32(0.85) + np.broadcast_to(((x % unit) < max(1, unit // 12)), (h, w))
    elif kind == "checks":  # gingham: two crossing stripe sets
        t = (((x // unit) % 2) * 0.5 + ((y // unit) % 2) * 0.5).astype(np.float32)
    elif kind == "dots":
        cell = 2 * unit
        row = y // cell
        dx = (x + (row % 2) * unit) % cell - unit
        dy = y % cell - unit
        t = ((dx * dx + dy * dy) < (unit * 0.45) ** 2).astype(np.float32)
    elif kind == "motif":  # diamond lattice with a small centre ornament
        u = (x % (2 * unit) - unit) / unit
        v = (y % (3 * unit) - 1.5 * unit) / (1.5 * unit)
        d = np.abs(u) + np.abs(v)
        t = ((np.abs(d - 0.8) < 0.06) | (d < 0.18)).astype(np.float32)
    elif kind == "tiles":
        grout = max(1, unit // 14)
        ny, nx = h // unit + 2, w // unit + 2
        tone = rng.normal(0.0, 7.0, size=(ny, nx)).astype(np.float32)
        extra = tone[(y // unit), (x // unit)]
        t = (((x % unit) < grout) | ((y % unit) < grout)).astype(np.float32)
    elif kind == "wood":  # planks running along y, each with its own tone, grain and joints
        ny = w // unit + 2
        tone = rng.normal(0.0, 10.0, size=ny).astype(np.float32)
        phase = rng.uniform(0, 2 * np.pi, size=ny)
        offset = rng.integers(0, 8 * unit, size=ny)
        board = (x // unit).astype(np.int32)
        grain = np.sin((x % unit) * (2.3 / unit) * 6.0 + phase[board]
                       + 0.004 * y * (1 + board % 3)).astype(np.float32)
        extra = tone[board] + grain * np.float32(6.0)
        seam = ((x % unit) < max(1, unit // 20)) | (((y + offset[board]) % (8 * unit)) < 2)
        t = seam.astype(np.float32)
    elif kind == "carpet":
        t = np.zeros((h, w), np.float32)
        extra = rng.integers(-14, 15, size=(h, w)).astype(np.float32)
    else:
        raise InvalidParameterError(f"Unknown pattern {kind!r}.")
    extra = extra + _smooth_noise(rng, (w, h), max(8, unit * 3), 4.0)
    pixels = a + t[..., None] * (b - a) + extra[..., None]
    return np.clip(pixels, 0, 255).astype(np.uint8)


def render_texture(rng, size=(512, 512)):
    """A close-up of a surface pattern (a distractor image): wallpaper, tiles, wood, fabric.

    >>> render_texture(make_rng(0), (64, 48)).size
    (64, 48)
    """
    rng = make_rng(rng)
    kind = _pick(rng, WALL_PATTERNS + FLOOR_PATTERNS)
    palette = WOOD_COLOURS if kind == "wood" else WALL_COLOURS + FABRIC_COLOURS
    a = _jitter(rng, _pick(rng, palette))
    b = _jitter(rng, _pick(rng, ACCENT_COLOURS + FABRIC_COLOURS))
    unit = max(4, int(min(size) * rng.uniform(0.03, 0.12)))
    return Image.fromarray(_pattern(kind, (a, b), size, unit, rng), "RGB")


# --- the location: a persistent identity ----------------------------------------------------


@dataclasses.dataclass
class Location:
    """One room with a persistent identity; draw it with :func:`render_scene`.

    Everything that makes the room recognisable is a field, so two pictures of the same
    location share the walls, floor, furniture, window view, socket, poster and package.
    ``seed`` fixes the fine details (noise, books on a shelf); ``canvas_size`` is the size
    of the full room drawing that views are taken from.
    """

    location_id: str
    country: str
    city: str
    local_city: str
    latitude: float
    longitude: float
    room_type: str
    climate: str
    plug_type: str
    language: str
    script: str
    barcode: str
    product: str
    price: str
    poster_text: str
    poster_city: bool
    wall: dict
    floor: dict
    layout: dict
    furniture: list
    window: dict
    socket: dict
    poster: dict
    package: dict
    seed: int
    canvas_size: tuple
    _cache: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def gs1_prefix(self):
        """The 3-digit GS1 prefix of the package's barcode."""
        return self.barcode[:3]

    def summary(self):
        """A flat dict for a ground-truth table (no drawing details)."""
        return {"location_id": self.location_id, "country": self.country, "city": self.city,
                "latitude": self.latitude, "longitude": self.longitude,
                "room_type": self.room_type, "plug_type": self.plug_type,
                "language": self.language, "script": self.script,
                "gs1_prefix": self.gs1_prefix, "barcode": self.barcode,
                "climate": self.climate, "product": self.product, "price": self.price,
                "poster_text": self.poster_text, "poster_city": self.poster_city,
                "wall_pattern": self.wall["pattern"], "wall_colour": self.wall["colours"][0],
                "floor_pattern": self.floor["pattern"],
                "floor_colour": self.floor["colours"][0],
                "furniture": ";".join(item["kind"] for item in self.furniture)}

    def release(self):
        """Forget the cached canvas (to free memory once its views are taken)."""
        self._cache.clear()


# which wall and floor patterns and furniture each room type draws from
_ROOM_WALLS = {"bathroom": ("tiles",), "kitchen": ("plain", "tiles", "stripes", "dots"),
               "hotel_room": ("plain", "stripes", "motif"),
               "bedroom": ("plain", "stripes", "checks", "dots", "motif"),
               "living_room": ("plain", "stripes", "motif", "checks")}
_ROOM_FLOORS = {"bathroom": ("tiles", "checks"), "kitchen": ("tiles", "checks", "wood", "plain"),
                "hotel_room": ("carpet", "wood"), "bedroom": ("wood", "carpet", "plain"),
                "living_room": ("wood", "carpet", "tiles")}


def _item(kind, u0, u1, z, depth, height, colour, **extra):
    return {"kind": kind, "u0": round(float(u0), 4), "u1": round(float(u1), 4),
            "z": round(float(z), 4), "depth": round(float(depth), 4),
            "height": round(float(height), 4), "colour": _hex(colour), **extra}


def _furniture(rng, room_type):
    """The furniture list of a room: items on the floor (u across, z depth from the back)."""
    wood = _jitter(rng, _pick(rng, FURNITURE_COLOURS), 10)
    fabric = _jitter(rng, _pick(rng, FABRIC_COLOURS), 10)
    items = []
    side = int(rng.integers(2))  # which side the big piece stands on
    if room_type in ("bedroom", "hotel_room"):
        width = rng.uniform(0.3, 0.42)
        u0 = (rng.uniform(0.3, 0.45) if side else rng.uniform(0.55, 0.7)) - width / 2
        items.append(_item("bed", u0, u0 + width, rng.uniform(0.45, 0.55), rng.uniform(0.38, 0.45),
                           0.2, wood, blanket=_hex(fabric),
                           pillow=_hex(_jitter(rng, (240, 238, 230)))))
        items.append(_item("nightstand", u0 - 0.1, u0 - 0.02, 0.12, 0.08, 0.2, wood))
        if room_type == "hotel_room":
            items.append(_item("nightstand", u0 + width + 0.02, u0 + width + 0.1, 0.12, 0.08,
                               0.2, wood))
            desk_u = 0.02 if u0 > 0.4 else 0.78
            items.append(_item("table", desk_u, desk_u + 0.2, 0.3, 0.12, 0.28, wood))
            items.append(_item("tv", desk_u + 0.03, desk_u + 0.17, 0.2, 0.01, 0.15,
                               (25, 25, 28), elevation=0.28))
        else:
            wu = 0.8 if u0 < 0.4 else 0.03
            items.append(_item("wardrobe", wu, wu + 0.17, 0.12, 0.1, 0.85, wood))
            items.append(_item("rug", u0 - 0.04, u0 + width + 0.04, 0.75, 0.22, 0.0,
                               _jitter(rng, _pick(rng, FABRIC_COLOURS))))
        surface = dict(items[0], height=0.19, depth=0.2)  # the package lies on the bed
    elif room_type == "living_room":
        width = rng.uniform(0.32, 0.42)
        u0 = rng.uniform(0.1, 0.55 - width / 2) if side else rng.uniform(0.45, 0.9 - width)
        items.append(_item("sofa", u0, u0 + width, 0.2, 0.14, 0.36, fabric))
        items.append(_item("rug", u0 - 0.04, u0 + width + 0.04, 0.75, 0.45, 0.0,
                           _jitter(rng, _pick(rng, FABRIC_COLOURS))))
        items.append(_item("table", u0 + 0.05, u0 + width - 0.05, 0.62, 0.16, 0.16, wood))
        su = 0.78 if u0 < 0.4 else 0.03
        items.append(_item("bookshelf", su, su + 0.18, 0.1, 0.08, 0.7, wood))
        items.append(_item("plant", 0.93 if su < 0.5 else 0.0, 1.0 if su < 0.5 else 0.07, 0.35,
                           0.06, 0.35, _jitter(rng, (170, 90, 60))))
        items.append(_item("floor_lamp", u0 - 0.06, u0 - 0.02, 0.18, 0.03, 0.62,
                           _jitter(rng, (230, 220, 190))))
        surface = items[2]
    elif room_type == "kitchen":
        u0 = rng.uniform(0.0, 0.1)
        u1 = rng.uniform(0.6, 0.75)
        items.append(_item("counter", u0, u1, 0.12, 0.12, 0.35, wood,
                           top=_hex(_jitter(rng, _pick(rng, TILE_COLOURS)))))
        items.append(_item("fridge", u1 + 0.02, u1 + 0.2, 0.14, 0.14, 0.75,
                           _jitter(rng, (232, 232, 230), 6)))
        items.append(_item("table", 0.3, 0.62, 0.7, 0.22, 0.28, _jitter(rng, _pick(rng,
                                                                                WOOD_COLOURS))))
        surface = items[2]
    else:  # bathroom
        width = rng.uniform(0.38, 0.48)
        u0 = rng.uniform(0.0, 0.08) if side else rng.uniform(0.92 - width, 1.0 - width)
        items.append(_item("bathtub", u0, u0 + width, 0.22, 0.2, 0.2, (244, 244, 240)))
        su = 0.62 if side else 0.12
        items.append(_item("sink", su, su + 0.2, 0.1, 0.1, 0.3, wood))
        items.append(_item("table", 0.42, 0.58, 0.72, 0.1, 0.16, _jitter(rng, (235, 235, 230))))
        surface = items[2]
    items.sort(key=lambda item: item["z"])
    return items, surface


def _free_spot(rng, taken, width, low, high, gap):
    """A random start u in [low, high - width] whose span keeps ``gap`` from every taken span."""
    starts = np.round(np.arange(low, high - width + 1e-9, 0.01), 4)
    free = [float(u) for u in starts
            if all(u + width < a - gap or u > b + gap for a, b in taken)]
    return free[int(rng.integers(len(free)))] if free else None


def make_location(rng, country, room_type, location_id, canvas_size=(1536, 1024)):
    """Invent a room in ``country`` of ``room_type``; return its :class:`Location`.

    Parameters
    ----------
    rng : numpy.random.Generator or int
        The only source of randomness; the same state gives the same location.
    country : str
        An ISO code of :data:`COUNTRIES` (e.g. ``"DE"``).
    room_type : str
        One of :data:`ROOM_TYPES`.
    location_id : str
        The identifier recorded in the ground truth.
    canvas_size : (int, int)
        Size of the full room drawing; views are taken from it (keep it about 1.5 times
        the largest view).

    >>> location = make_location(make_rng(5), "GB", "kitchen", "L7", canvas_size=(300, 200))
    >>> location.plug_type, location.climate, location.gs1_prefix[:2]
    ('G', 'rainy', '50')
    """
    profile = _check_country(country)
    if room_type not in ROOM_TYPES:
        raise InvalidParameterError(
            f"The 'room_type' parameter must be one of {', '.join(ROOM_TYPES)}. "
            f"Got {room_type!r} instead."
        )
    if (not isinstance(canvas_size, tuple | list) or len(canvas_size) != 2
            or not all(isinstance(v, int | np.integer) and 96 <= v <= 8192 for v in canvas_size)):
        raise InvalidParameterError(
            f"The 'canvas_size' parameter must be (width, height) in pixels, each in "
            f"[96, 8192]. Got {canvas_size!r} instead."
        )
    rng = make_rng(rng)
    city, local_city, lat, lon = _pick(rng, profile["cities"])
    wall_kind = _pick(rng, _ROOM_WALLS[room_type])
    wall_a = _jitter(rng, _pick(rng, TILE_COLOURS if wall_kind == "tiles" else WALL_COLOURS), 8)
    wall_b = _jitter(rng, _pick(rng, ACCENT_COLOURS if wall_kind != "tiles" else
                                ((150, 150, 150), (200, 200, 195))), 8)
    if wall_kind in ("stripes", "checks"):  # keep patterned walls gentle
        wall_b = tuple(int(0.55 * p + 0.45 * q) for p, q in zip(wall_a, wall_b, strict=True))
    floor_kind = _pick(rng, _ROOM_FLOORS[room_type])
    palette = {"wood": WOOD_COLOURS, "carpet": CARPET_COLOURS}.get(floor_kind, TILE_COLOURS)
    floor_a = _jitter(rng, _pick(rng, palette), 8)
    floor_b = (_shade(floor_a, 0.55) if floor_kind in ("wood", "tiles", "carpet", "plain")
               else _jitter(rng, _pick(rng, TILE_COLOURS), 8))
    layout = {"xl": round(rng.uniform(0.08, 0.16), 4), "xr": round(rng.uniform(0.84, 0.92), 4),
              "yt": round(rng.uniform(0.04, 0.1), 4), "yb": round(rng.uniform(0.6, 0.68), 4),
              "eye": round(rng.uniform(0.45, 0.6), 4), "vx": round(rng.uniform(0.45, 0.55), 4),
              "ceiling": _hex(_jitter(rng, (244, 242, 236), 6))}
    furniture, surface = _furniture(rng, room_type)
    big = [item for item in furniture if item["kind"] in ("wardrobe", "bookshelf", "fridge",
                                                         "sink")]
    taken = [(item["u0"], item["u1"]) for item in big]
    # window on the back wall, away from tall furniture (the curtains need room too)
    ww = rng.uniform(0.16, 0.26)
    wu = _free_spot(rng, taken, ww, 0.08, 0.92, gap=0.07)
    if wu is None:
        ww, wu = 0.16, 0.4
    window = {"u0": round(wu, 4), "u1": round(wu + ww, 4), "e0": round(rng.uniform(0.38, 0.45), 4),
              "e1": round(rng.uniform(0.82, 0.88), 4), "frame": _hex(_pick(rng, (
                  (245, 245, 245), (120, 85, 60), (60, 60, 60)))),
              "curtain": _hex(_jitter(rng, _pick(rng, FABRIC_COLOURS))),
              "seed": int(rng.integers(2**31))}
    taken.append((window["u0"] - 0.06, window["u1"] + 0.06))
    for item in furniture:  # kitchen wall cabinets: only beside the window
        if item["kind"] == "counter":
            left = (item["u0"], min(item["u1"], window["u0"] - 0.07))
            right = (max(item["u0"], window["u1"] + 0.07), item["u1"])
            upper = max((left, right), key=lambda r: r[1] - r[0])
            item["upper"] = [round(upper[0], 4), round(upper[1], 4)]
            if upper[1] - upper[0] > 0.05:
                taken.append(tuple(item["upper"]))
    pw = rng.uniform(0.11, 0.16)
    pu = _free_spot(rng, taken, pw, 0.03, 0.97, gap=0.01)
    if pu is None:  # no room beside the wall cabinets: give them up for the poster
        for item in furniture:
            if item["kind"] == "counter" and item.get("upper"):
                if tuple(item["upper"]) in taken:
                    taken.remove(tuple(item["upper"]))
                item["upper"] = [0.0, 0.0]
        pu = _free_spot(rng, taken, pw, 0.03, 0.97, gap=0.01)
    if pu is None:  # a smaller poster in the gap that is left
        pw = 0.08
        pu = _free_spot(rng, taken, pw, 0.01, 0.99, gap=0.0)
        pu = 0.01 if pu is None else pu
    poster = {"u0": round(pu, 4), "u1": round(pu + pw, 4),
              "e0": round(rng.uniform(0.45, 0.52), 4), "e1": round(rng.uniform(0.78, 0.86), 4),
              "colour": _hex(_pick(rng, PACKAGE_COLOURS)), "seed": int(rng.integers(2**31))}
    taken.append((poster["u0"], poster["u1"]))
    # the socket: free wall, not behind a wardrobe or a curtain
    socket_u = _free_spot(rng, taken, 0.0, 0.04, 0.96, gap=0.03)
    socket_u = round(0.5 if socket_u is None else socket_u, 4)
    socket = {"u": socket_u, "e": round(_pick(rng, (0.1, 0.12, 0.4, 0.45)), 4),
              "plate": _hex(_pick(rng, ((246, 246, 242), (236, 230, 214), (250, 250, 250)))),
              "size": round(rng.uniform(0.055, 0.07), 4)}
    product_index = int(rng.integers(len(profile["products"])))
    price_value = rng.uniform(0.5, 9.99) * (10 if profile["currency"] in ("Rs.", "руб.", "₱",
                                                                          "EGP", "₺") else 1)
    decimal = "," if profile["language_code"] in ("de", "fr", "pt", "ru", "el", "tr", "af") \
        else "."
    amount = f"{price_value:.2f}".replace(".", decimal)
    currency = profile["currency"]
    price = f"{currency}{amount}" if currency in ("$", "£", "₱") else f"{amount} {currency}"
    width = rng.uniform(0.09, 0.12)
    pu0 = (surface["u0"] + surface["u1"]) / 2 - width / 2 + rng.uniform(-0.03, 0.03)
    package = {"u0": round(pu0, 4), "u1": round(pu0 + width, 4),
               "z": round(surface["z"] - surface["depth"] * 0.3, 4),
               "depth": round(min(0.05, surface["depth"] * 0.4), 4), "after": surface["z"],
               "elevation": surface["height"], "height": round(rng.uniform(0.11, 0.15), 4),
               "colour": _hex(_pick(rng, PACKAGE_COLOURS)),
               "band": _hex(_pick(rng, PACKAGE_COLOURS)), "phrase": profile["phrases"][0]}
    phrase = _pick(rng, profile["phrases"][2:])
    return Location(
        location_id=str(location_id), country=country, city=city, local_city=local_city,
        latitude=lat, longitude=lon, room_type=room_type, climate=profile["climate"],
        plug_type=profile["plug_type"], language=profile["language"], script=profile["script"],
        barcode=make_ean13(rng, country), product=profile["products"][product_index],
        price=price, poster_text=phrase, poster_city=bool(rng.random() < 0.5),
        wall={"pattern": wall_kind, "colours": [_hex(wall_a), _hex(wall_b)],
              "unit": round(rng.uniform(0.012, 0.03), 4)},
        floor={"pattern": floor_kind, "colours": [_hex(floor_a), _hex(floor_b)],
               "unit": round(rng.uniform(0.05, 0.09), 4)},
        layout=layout, furniture=furniture, window=window, socket=socket, poster=poster,
        package=package, seed=int(rng.integers(2**31)),
        canvas_size=(int(canvas_size[0]), int(canvas_size[1])),
    )


# --- drawing the room ------------------------------------------------------------------------


class _Room:
    """One-point perspective geometry of a location's canvas.

    ``u`` runs across the room (0 left wall, 1 right wall), ``z`` from the back wall (0) to
    the front edge of the picture (1), ``e`` is the height in back-wall heights.
    """

    def __init__(self, layout, size):
        self.w, self.h = size
        self.xl, self.xr = layout["xl"] * self.w, layout["xr"] * self.w
        self.yt, self.yb = layout["yt"] * self.h, layout["yb"] * self.h
        self.hb = self.yb - self.yt
        self.vx = self.xl + layout["vx"] * (self.xr - self.xl)
        self.vy = self.yb - layout["eye"] * self.hb
        self.kn = (self.h - self.vy) / (self.yb - self.vy)

    def k(self, z):
        return 1.0 + z * (self.kn - 1.0)

    def point(self, u, z, e=0.0):
        k = self.k(z)
        x = self.vx + k * (self.xl + u * (self.xr - self.xl) - self.vx)
        y = self.vy + k * (self.yb - e * self.hb - self.vy)
        return (x, y)

    def extend(self, x, y, k):
        """The point on the ray from the vanishing point through (x, y), scaled by ``k``."""
        return (self.vx + k * (x - self.vx), self.vy + k * (y - self.vy))


def _paste_quad(canvas, texture, quad):
    """Map the texture rectangle onto the quadrilateral ``quad`` (TL, TR, BR, BL) of canvas."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, y0 = max(0, int(math.floor(min(xs)))), max(0, int(math.floor(min(ys))))
    x1, y1 = min(canvas.width, int(math.ceil(max(xs)))), min(canvas.height,
                                                            int(math.ceil(max(ys))))
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    tw, th = texture.size
    dst = [(x - x0, y - y0) for x, y in quad]
    coeffs = _perspective_coeffs(dst, [(0, 0), (tw, 0), (tw, th), (0, th)])
    warped = texture.transform((x1 - x0, y1 - y0), Image.Transform.PERSPECTIVE, coeffs,
                               Image.Resampling.BILINEAR)
    mask = Image.new("L", (x1 - x0, y1 - y0), 0)
    ImageDraw.Draw(mask).polygon(dst, fill=255)
    canvas.paste(warped, (x0, y0), mask)


def _box(draw, room, u0, u1, z, depth, e0, e1, colour, outline=True):
    """A shaded box standing in the room; returns its front rectangle (x0, y0, x1, y1)."""
    zb = z - depth
    fl, fr = room.point(u0, z, e1), room.point(u1, z, e1)
    bl, br = room.point(u0, z, e0), room.point(u1, z, e0)
    line = _shade(colour, 0.55) if outline else None
    eye = (room.yb - room.vy) / room.hb
    if e1 < eye:  # the top is seen from above
        draw.polygon([fl, fr, room.point(u1, zb, e1), room.point(u0, zb, e1)],
                     fill=_shade(colour, 1.12), outline=line)
    elif e0 > eye:  # the bottom is seen from below
        draw.polygon([bl, br, room.point(u1, zb, e0), room.point(u0, zb, e0)],
                     fill=_shade(colour, 0.6), outline=line)
    if fr[0] < room.vx:  # the right side faces the camera
        draw.polygon([fr, room.point(u1, zb, e1), room.point(u1, zb, e0), br],
                     fill=_shade(colour, 0.78), outline=line)
    if fl[0] > room.vx:
        draw.polygon([fl, room.point(u0, zb, e1), room.point(u0, zb, e0), bl],
                     fill=_shade(colour, 0.78), outline=line)
    draw.rectangle([fl[0], fl[1], br[0], br[1]], fill=_shade(colour, 0.95), outline=line)
    return (fl[0], fl[1], br[0], br[1])


def _draw_bed(draw, room, item, rng):
    c = _rgb(item["colour"])
    u0, u1, z, d = item["u0"], item["u1"], item["z"], item["depth"]
    _box(draw, room, u0 - 0.01, u1 + 0.01, z - d + 0.03, 0.03, 0.0, 0.42, c)  # headboard
    _box(draw, room, u0, u1, z, d - 0.03, 0.0, 0.1, c)
    blanket = _rgb(item["blanket"])
    pillow = _rgb(item["pillow"])
    half = (u1 - u0) / 2
    for p0 in (u0 + 0.02, u0 + half + 0.01):
        _box(draw, room, p0, p0 + half - 0.03, z - d + 0.11, 0.07, 0.17, 0.23, pillow)
    _box(draw, room, u0 + 0.005, u1 - 0.005, z + 0.01, d - 0.14, 0.1, 0.19, blanket)
    fx0, fy0 = room.point(u0 + 0.005, z + 0.01, 0.19)
    fx1, fy1 = room.point(u1 - 0.005, z + 0.01, 0.1)
    step = max(3, int((fx1 - fx0) / 9))
    for x in range(int(fx0) + step // 2, int(fx1), step):  # a stripe pattern on the cover
        draw.line([(x, fy0), (x, fy1)], fill=_shade(blanket, 0.8), width=max(1, step // 4))


def _draw_shelf(draw, room, item, rng):
    c = _rgb(item["colour"])
    x0, y0, x1, y1 = _box(draw, room, item["u0"], item["u1"], item["z"], item["depth"], 0.0,
                          item["height"], c)
    inner = _shade(c, 0.5)
    pad = (x1 - x0) * 0.06
    shelves = 4
    for s in range(shelves):
        top = y0 + pad + s * (y1 - y0 - 2 * pad) / shelves
        bottom = top + (y1 - y0 - 2 * pad) / shelves - pad
        draw.rectangle([x0 + pad, top, x1 - pad, bottom], fill=inner)
        x = x0 + pad
        while x < x1 - pad * 2:
            bw = (x1 - x0) * rng.uniform(0.03, 0.07)
            bh = (bottom - top) * rng.uniform(0.6, 0.95)
            draw.rectangle([x, bottom - bh, min(x + bw, x1 - pad), bottom],
                           fill=_jitter(rng, _pick(rng, FABRIC_COLOURS + ACCENT_COLOURS), 20))
            x += bw + 1


def _draw_doors(draw, rect, n, colour, handle=(190, 190, 190)):
    x0, y0, x1, y1 = rect
    w = (x1 - x0) / n
    line = _shade(colour, 0.6)
    for i in range(n):
        a = x0 + i * w
        draw.rectangle([a + 2, y0 + 2, a + w - 2, y1 - 2], outline=line, width=max(1, int(w / 60)))
        hx = a + (w * 0.85 if i % 2 == 0 else w * 0.15)
        hy = y0 + (y1 - y0) * 0.45
        r = max(2, w * 0.03)
        draw.rectangle([hx - r, hy - 3 * r, hx + r, hy + 3 * r], fill=handle)


def _draw_item(draw, canvas, room, item, rng):
    kind = item["kind"]
    c = _rgb(item["colour"])
    u0, u1, z, d, h = item["u0"], item["u1"], item["z"], item["depth"], item["height"]
    if kind == "bed":
        _draw_bed(draw, room, item, rng)
    elif kind == "nightstand":
        rect = _box(draw, room, u0, u1, z, d, 0.0, h, c)
        _draw_doors(draw, rect, 1, c)
        # a small table lamp on it
        mid = (u0 + u1) / 2
        _box(draw, room, mid - 0.008, mid + 0.008, z - d / 2, 0.01, h, h + 0.1, (90, 90, 90))
        top_l, top_r = room.point(mid - 0.02, z - d / 2, h + 0.17), room.point(mid + 0.02,
                                                                               z - d / 2, h + 0.17)
        bot_l, bot_r = room.point(mid - 0.035, z - d / 2, h + 0.09), room.point(mid + 0.035,
                                                                                z - d / 2, h + 0.09)
        draw.polygon([top_l, top_r, bot_r, bot_l], fill=(250, 236, 200), outline=(200, 180, 140))
    elif kind == "wardrobe":
        rect = _box(draw, room, u0, u1, z, d, 0.0, h, c)
        _draw_doors(draw, rect, 2, c)
    elif kind == "bookshelf":
        _draw_shelf(draw, room, item, rng)
    elif kind == "sofa":
        _box(draw, room, u0, u1, z - d + 0.04, 0.04, 0.0, h, _shade(c, 0.95))  # backrest
        _box(draw, room, u0 + 0.03, u1 - 0.03, z, d - 0.04, 0.0, 0.17, c)
        n = 2 if u1 - u0 < 0.36 else 3
        cw = (u1 - u0 - 0.06) / n
        for i in range(n):
            _box(draw, room, u0 + 0.03 + i * cw + 0.003, u0 + 0.03 + (i + 1) * cw - 0.003, z,
                 d - 0.05, 0.17, 0.21, _shade(c, 1.05))
        for a in (u0, u1 - 0.035):
            _box(draw, room, a, a + 0.035, z + 0.01, d - 0.03, 0.0, 0.26, _shade(c, 0.9))
    elif kind == "table":
        leg = 0.012
        for lu, lz in ((u0 + 0.01, z - 0.01), (u1 - 0.01 - leg, z - 0.01),
                       (u0 + 0.01, z - d + 0.02), (u1 - 0.01 - leg, z - d + 0.02)):
            _box(draw, room, lu, lu + leg, lz, 0.01, 0.0, h - 0.02, _shade(c, 0.8))
        _box(draw, room, u0, u1, z, d, h - 0.025, h, c)
    elif kind == "tv":
        e = item.get("elevation", 0.0)
        x0, y0, x1, y1 = _box(draw, room, u0, u1, z, d, e + 0.02, e + h, c)
        pad = (x1 - x0) * 0.03
        draw.rectangle([x0 + pad, y0 + pad, x1 - pad, y1 - pad], fill=(38, 42, 50))
    elif kind == "rug":
        quad = [room.point(u0, z - d, 0), room.point(u1, z - d, 0), room.point(u1, z, 0),
                room.point(u0, z, 0)]
        draw.polygon(quad, fill=c)
        inner = [room.point(u0 + 0.03, z - d + 0.03, 0), room.point(u1 - 0.03, z - d + 0.03, 0),
                 room.point(u1 - 0.03, z - 0.03, 0), room.point(u0 + 0.03, z - 0.03, 0)]
        draw.polygon(inner, outline=_shade(c, 0.6), width=max(2, int(room.w / 300)))
    elif kind == "plant":
        _box(draw, room, u0 + 0.01, u1 - 0.01, z, d, 0.0, 0.1, c)
        cx, cy = room.point((u0 + u1) / 2, z - d / 2, 0.1 + h / 2)
        r = (room.point(u1, z)[0] - room.point(u0, z)[0]) * 0.9
        for _ in range(14):
            dx, dy = rng.normal(0, r * 0.45), rng.normal(0, r * 0.6)
            leaf = _jitter(rng, (60, 120, 60), 25)
            draw.ellipse([cx + dx - r * 0.3, cy + dy - r * 0.5, cx + dx + r * 0.3,
                          cy + dy + r * 0.5], fill=leaf, outline=_shade(leaf, 0.7))
    elif kind == "floor_lamp":
        mid = (u0 + u1) / 2
        base = room.point(mid, z, 0)
        top = room.point(mid, z, h)
        width = max(2, int((room.point(u1, z)[0] - room.point(u0, z)[0]) * 0.12))
        draw.line([base, top], fill=(70, 70, 70), width=width)
        sl, sr = room.point(u0 - 0.01, z, h + 0.1), room.point(u1 + 0.01, z, h + 0.1)
        bl, br = room.point(u0 - 0.03, z, h - 0.02), room.point(u1 + 0.03, z, h - 0.02)
        draw.polygon([sl, sr, br, bl], fill=c, outline=_shade(c, 0.7))
    elif kind == "counter":
        rect = _box(draw, room, u0, u1, z, d, 0.0, h - 0.02, c)
        n = max(2, int(round((u1 - u0) / 0.12)))
        _draw_doors(draw, rect, n, c)
        top = _rgb(item["top"])
        _box(draw, room, u0 - 0.005, u1 + 0.005, z + 0.01, d + 0.01, h - 0.02, h, top)
        hob = [room.point(u0 + 0.1, z - 0.02, h), room.point(u0 + 0.22, z - 0.02, h),
               room.point(u0 + 0.22, z - d + 0.02, h), room.point(u0 + 0.1, z - d + 0.02, h)]
        draw.polygon(hob, fill=(30, 30, 32))
        a, b = item.get("upper", (u0, u1))
        if b - a > 0.05:
            upper = _box(draw, room, a, b, 0.06, 0.06, 0.6, 0.85, _shade(c, 1.05))
            _draw_doors(draw, upper, max(1, int(round((b - a) / 0.12))), c)
    elif kind == "fridge":
        x0, y0, x1, y1 = _box(draw, room, u0, u1, z, d, 0.0, h, c)
        split = y0 + (y1 - y0) * 0.35
        draw.line([(x0, split), (x1, split)], fill=_shade(c, 0.6), width=2)
        hx = x0 + (x1 - x0) * 0.1
        draw.rectangle([hx, y0 + (y1 - y0) * 0.2, hx + 4, y0 + (y1 - y0) * 0.3], fill=(150,) * 3)
        draw.rectangle([hx, split + 10, hx + 4, split + (y1 - y0) * 0.15], fill=(150,) * 3)
    elif kind == "bathtub":
        _box(draw, room, u0, u1, z, d, 0.0, h, c)
        inner = [room.point(u0 + 0.03, z - 0.03, h), room.point(u1 - 0.03, z - 0.03, h),
                 room.point(u1 - 0.03, z - d + 0.03, h), room.point(u0 + 0.03, z - d + 0.03, h)]
        draw.polygon(inner, fill=(200, 214, 222), outline=(170, 180, 186))
        tap = room.point(u0 + 0.05, z - d + 0.01, h + 0.08)
        base = room.point(u0 + 0.05, z - d + 0.01, h)
        draw.line([base, tap], fill=(170, 170, 175), width=max(2, int(room.w / 250)))
    elif kind == "sink":
        rect = _box(draw, room, u0, u1, z, d, 0.0, h - 0.02, c)
        _draw_doors(draw, rect, 2, c)
        _box(draw, room, u0 - 0.005, u1 + 0.005, z + 0.005, d + 0.005, h - 0.02, h,
             (245, 245, 242))
        basin = [room.point(u0 + 0.04, z - 0.02, h), room.point(u1 - 0.04, z - 0.02, h),
                 room.point(u1 - 0.04, z - d + 0.03, h), room.point(u0 + 0.04, z - d + 0.03, h)]
        draw.polygon(basin, fill=(210, 220, 226))
        m0, m1 = room.point(u0 + 0.02, 0, 0.85), room.point(u1 - 0.02, 0, 0.45)
        draw.rectangle([m0, m1], fill=(196, 210, 218), outline=(150, 150, 150),
                       width=max(2, int(room.w / 400)))
        draw.polygon([(m0[0], m1[1]), (m0[0] + (m1[0] - m0[0]) * 0.4, m0[1]),
                      (m0[0] + (m1[0] - m0[0]) * 0.55, m0[1]), (m0[0] + (m1[0] - m0[0]) * 0.15,
                                                                m1[1])], fill=(214, 226, 232))


# --- the window view -------------------------------------------------------------------------

_SKIES = {"snowy": ((196, 204, 214), (226, 230, 236)), "rainy": ((140, 150, 160), (180, 186, 192)),
          "temperate": ((110, 160, 220), (190, 215, 240)), "tropical": ((40, 140, 230),
                                                                        (150, 210, 250)),
          "desert": ((150, 190, 230), (240, 226, 200)), "mediterranean": ((60, 130, 220),
                                                                          (170, 210, 245)),
          "savanna": ((120, 170, 220), (240, 220, 180)), "alpine": ((70, 130, 210),
                                                                    (200, 225, 245)),
          "coastal": ((70, 150, 230), (190, 225, 250)), "monsoon": ((110, 120, 125),
                                                                    (160, 165, 165))}
_GROUNDS = {"snowy": (236, 240, 244), "rainy": (70, 100, 70), "temperate": (90, 140, 70),
            "tropical": (60, 150, 80), "desert": (222, 190, 130), "mediterranean": (150, 150, 90),
            "savanna": (200, 170, 90), "alpine": (100, 150, 80), "coastal": (232, 214, 170),
            "monsoon": (70, 120, 70)}


def _outdoor(climate, size, rng):
    """The view out of the window: sky, ground and what grows or falls there."""
    w, h = size
    top, bottom = (np.array(c, np.float32) for c in _SKIES[climate])
    ramp = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    sky = top + ramp * (bottom - top)
    image = Image.fromarray(np.broadcast_to(sky, (h, w, 3)).astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    horizon = int(h * rng.uniform(0.55, 0.7))
    ground = _GROUNDS[climate]
    lw = max(1, w // 150)
    if climate in ("mediterranean", "coastal", "tropical"):  # the sea before the land
        sea = (40, 110, 170) if climate != "tropical" else (30, 150, 170)
        draw.rectangle([0, horizon - h * 0.08, w, horizon], fill=sea)
    if climate == "alpine":
        for _ in range(3):
            cx, peak = rng.uniform(0, w), rng.uniform(0.15, 0.35) * h
            base = w * rng.uniform(0.3, 0.5)
            draw.polygon([(cx - base, horizon), (cx, peak), (cx + base, horizon)],
                         fill=(120, 130, 150))
            draw.polygon([(cx - base * 0.28, peak + (horizon - peak) * 0.28), (cx, peak),
                          (cx + base * 0.28, peak + (horizon - peak) * 0.28)], fill=(246, 248, 250))
    if climate == "desert":
        for i in range(3):
            y0 = horizon + i * h * 0.08
            pts = [(x, y0 - h * 0.05 * math.sin(x / w * 6.28 * (1 + i) + i)) for x in
                   range(0, w + 8, 8)]
            draw.polygon(pts + [(w, h), (0, h)], fill=_shade(ground, 1.0 - 0.08 * i))
    else:
        draw.rectangle([0, horizon, w, h], fill=ground)
    # buildings on the horizon for most climates
    if climate in ("temperate", "rainy", "mediterranean", "desert", "monsoon", "snowy"):
        x = rng.uniform(-0.1, 0.1) * w
        while x < w:
            bw, bh = w * rng.uniform(0.08, 0.18), h * rng.uniform(0.08, 0.3)
            wall = {"mediterranean": (244, 244, 240), "desert": (214, 190, 150)}.get(
                climate, _pick(rng, ((170, 150, 130), (200, 190, 170), (150, 140, 140))))
            draw.rectangle([x, horizon - bh, x + bw, horizon], fill=wall, outline=_shade(wall, 0.7))
            if climate in ("temperate", "rainy", "snowy"):
                roof = (246, 248, 250) if climate == "snowy" else (150, 60, 50)
                draw.polygon([(x - 2, horizon - bh), (x + bw / 2, horizon - bh - bw * 0.4),
                              (x + bw + 2, horizon - bh)], fill=roof)
            for wy in np.arange(horizon - bh + bh * 0.15, horizon - bh * 0.2, max(4, bh * 0.25)):
                for wx in np.arange(x + bw * 0.15, x + bw * 0.8, max(4, bw * 0.3)):
                    draw.rectangle([wx, wy, wx + bw * 0.12, wy + bh * 0.1], fill=(80, 90, 110))
            x += bw + w * rng.uniform(0.02, 0.12)
    # vegetation
    for _ in range(int(rng.integers(2, 5))):
        tx, ty = rng.uniform(0, w), horizon + rng.uniform(0.05, 0.3) * h
        th = h * rng.uniform(0.25, 0.45)
        if climate in ("tropical", "coastal", "monsoon", "desert"):  # palm
            draw.line([(tx, ty), (tx + th * 0.1, ty - th)], fill=(110, 80, 50), width=3 * lw)
            for angle in range(0, 360, 45):
                ax = tx + th * 0.1 + math.cos(math.radians(angle)) * th * 0.35
                ay = ty - th + math.sin(math.radians(angle)) * th * 0.18 + th * 0.08
                draw.line([(tx + th * 0.1, ty - th), (ax, ay)], fill=(40, 120, 50), width=2 * lw)
        elif climate in ("snowy", "alpine"):  # conifer, snow on it where it snows
            for level in range(3):
                y = ty - th * (0.3 + level * 0.25)
                half = th * (0.25 - level * 0.06)
                draw.polygon([(tx - half, y + th * 0.3), (tx, y - th * 0.1),
                              (tx + half, y + th * 0.3)], fill=(40, 80, 55))
                if climate == "snowy":
                    draw.line([(tx - half * 0.7, y + th * 0.22), (tx + half * 0.7, y + th * 0.22)],
                              fill=(240, 244, 248), width=2 * lw)
        elif climate == "savanna":  # acacia: thin trunk, flat crown
            draw.line([(tx, ty), (tx, ty - th * 0.7)], fill=(90, 70, 50), width=2 * lw)
            draw.ellipse([tx - th * 0.45, ty - th * 0.85, tx + th * 0.45, ty - th * 0.65],
                         fill=(90, 120, 50))
        else:  # deciduous / cypress
            if climate == "mediterranean":
                draw.ellipse([tx - th * 0.07, ty - th, tx + th * 0.07, ty], fill=(40, 80, 45))
            else:
                draw.line([(tx, ty), (tx, ty - th * 0.5)], fill=(90, 70, 50), width=2 * lw)
                draw.ellipse([tx - th * 0.25, ty - th, tx + th * 0.25, ty - th * 0.45],
                             fill=_jitter(rng, (60, 120, 55), 15))
    if climate == "savanna" or climate == "desert" or climate == "coastal":
        sx, sy, r = rng.uniform(0.1, 0.9) * w, h * 0.15, h * 0.06
        draw.ellipse([sx - r, sy - r, sx + r, sy + r], fill=(255, 240, 190))
    pixels = np.asarray(image).astype(np.int16)
    if climate == "snowy":  # falling snow
        n = int(w * h / 400)
        ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
        pixels[ys, xs] = 250
        pixels[np.minimum(ys + 1, h - 1), xs] = 250
    elif climate in ("rainy", "monsoon"):  # rain streaks
        image = Image.fromarray(pixels.astype(np.uint8), "RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(int(w * h / 900)):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            draw.line([(x, y), (x - h * 0.015, y + h * 0.05)], fill=(200, 205, 215), width=1)
        pixels = np.asarray(image).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _draw_window(canvas, draw, room, window, climate, rng):
    (x0, y0), (x1, y1) = room.point(window["u0"], 0, window["e1"]), room.point(window["u1"], 0,
                                                                                window["e0"])
    x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
    view = _outdoor(climate, (max(8, x1 - x0), max(8, y1 - y0)), make_rng(window["seed"]))
    canvas.paste(view, (x0, y0))
    frame = _rgb(window["frame"])
    fw = max(3, int((x1 - x0) * 0.04))
    draw.rectangle([x0, y0, x1, y1], outline=frame, width=fw)
    draw.line([((x0 + x1) // 2, y0), ((x0 + x1) // 2, y1)], fill=frame, width=fw)
    draw.line([(x0, (y0 + y1) // 2), (x1, (y0 + y1) // 2)], fill=frame, width=max(2, fw // 2))
    sill = max(4, int((y1 - y0) * 0.05))
    draw.rectangle([x0 - fw * 2, y1, x1 + fw * 2, y1 + sill], fill=_shade(frame, 0.9),
                   outline=_shade(frame, 0.6))
    curtain = _rgb(window["curtain"])
    cw = int((x1 - x0) * 0.2)
    for cx0, cx1 in ((x0 - cw, x0 + cw // 3), (x1 - cw // 3, x1 + cw)):
        draw.rectangle([cx0, y0 - sill * 2, cx1, y1 + sill * 3], fill=curtain)
        for fx in range(cx0 + cw // 5, cx1, max(3, cw // 4)):
            draw.line([(fx, y0 - sill * 2), (fx, y1 + sill * 3)], fill=_shade(curtain, 0.75),
                      width=max(1, cw // 14))
    draw.line([(x0 - cw * 1.2, y0 - sill * 2), (x1 + cw * 1.2, y0 - sill * 2)], fill=(90, 90, 90),
              width=max(2, sill // 2))


# --- the socket ------------------------------------------------------------------------------


def _draw_socket(draw, cx, cy, size, plug_type, plate):
    """A wall socket outlet of IEC ``plug_type`` centred at (cx, cy), ``size`` px wide."""
    s = size / 2
    dark, hole = _shade(plate, 0.55), (25, 25, 25)
    tall = plug_type in ("A", "B")  # North American plates are upright rectangles
    ph = s * (1.6 if tall else 1.0)
    draw.rounded_rectangle([cx - s, cy - ph, cx + s, cy + ph], radius=s * 0.15, fill=plate,
                           outline=dark, width=max(1, int(s / 14)))

    def slot(x, y, w, h):
        draw.rectangle([x - w / 2, y - h / 2, x + w / 2, y + h / 2], fill=hole)

    def dot(x, y, r):
        draw.ellipse([x - r, y - r, x + r, y + r], fill=hole)

    if plug_type in ("A", "B"):
        for oy in (-ph * 0.45, ph * 0.45):
            face = s * 0.55
            draw.ellipse([cx - face, cy + oy - face * 0.8, cx + face, cy + oy + face * 0.8],
                         fill=_shade(plate, 0.93), outline=dark)
            slot(cx - s * 0.22, cy + oy - s * 0.1, s * 0.08, s * 0.32)
            slot(cx + s * 0.22, cy + oy - s * 0.1, s * 0.1, s * 0.36)
            if plug_type == "B":
                draw.pieslice([cx - s * 0.1, cy + oy + s * 0.12, cx + s * 0.1, cy + oy + s * 0.36],
                              180, 360, fill=hole)
                draw.rectangle([cx - s * 0.1, cy + oy + s * 0.24, cx + s * 0.1, cy + oy + s * 0.34],
                               fill=hole)
    elif plug_type in ("C", "E", "F"):
        r = s * 0.62
        draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_shade(plate, 0.85), outline=dark,
                     width=max(1, int(s / 12)))
        dot(cx - s * 0.3, cy, s * 0.08)
        dot(cx + s * 0.3, cy, s * 0.08)
        if plug_type == "F":
            for sy in (-1, 1):
                draw.rectangle([cx - s * 0.1, cy + sy * r * 0.98 - s * 0.06, cx + s * 0.1,
                                cy + sy * r * 0.98 + s * 0.06], fill=(190, 190, 196))
        if plug_type == "E":
            dot(cx, cy - s * 0.32, s * 0.07)
            draw.ellipse([cx - s * 0.045, cy - s * 0.36, cx + s * 0.045, cy - s * 0.28],
                         fill=(200, 200, 205))
    elif plug_type == "G":
        slot(cx - s * 0.25, cy - s * 0.35, s * 0.1, s * 0.3)
        slot(cx - s * 0.55, cy + s * 0.3, s * 0.26, s * 0.09)
        slot(cx + s * 0.05, cy + s * 0.3, s * 0.26, s * 0.09)
        draw.rectangle([cx + s * 0.45, cy - s * 0.45, cx + s * 0.75, cy - s * 0.05],
                       fill=_shade(plate, 0.9), outline=dark)
        draw.rectangle([cx + s * 0.5, cy - s * 0.4, cx + s * 0.7, cy - s * 0.25],
                       fill=(190, 40, 40))
    elif plug_type in ("D", "M"):
        big = 0.12 if plug_type == "D" else 0.15
        dot(cx, cy - s * 0.4, s * big)
        dot(cx - s * 0.4, cy + s * 0.3, s * big * 0.7)
        dot(cx + s * 0.4, cy + s * 0.3, s * big * 0.7)
    elif plug_type == "H":
        slot(cx, cy + s * 0.35, s * 0.08, s * 0.3)
        for sx in (-1, 1):
            draw.polygon([(cx + sx * s * 0.38, cy - s * 0.4), (cx + sx * s * 0.28, cy - s * 0.35),
                          (cx + sx * s * 0.12, cy + s * 0.02), (cx + sx * s * 0.22, cy - s * 0.03)],
                         fill=hole)
    elif plug_type == "I":
        for sx in (-1, 1):
            draw.polygon([(cx + sx * s * 0.22, cy - s * 0.45), (cx + sx * s * 0.32, cy - s * 0.4),
                          (cx + sx * s * 0.52, cy - s * 0.05), (cx + sx * s * 0.42, cy)],
                         fill=hole)
        slot(cx, cy + s * 0.35, s * 0.08, s * 0.3)
    elif plug_type in ("J", "N"):
        r = s * 0.62
        hexagon = [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a)))
                   for a in (0, 60, 120, 180, 240, 300)]
        draw.polygon(hexagon, fill=_shade(plate, 0.86), outline=dark)
        dot(cx - s * 0.32, cy - s * 0.05, s * 0.08)
        dot(cx + s * 0.32, cy - s * 0.05, s * 0.08)
        dot(cx, cy + s * (0.28 if plug_type == "J" else 0.22), s * 0.08)
    else:
        raise InvalidParameterError(
            f"Unknown plug type {plug_type!r}: use {', '.join(PLUG_TYPES)}."
        )


def socket_image(plug_type, size=(96, 96), plate=(246, 246, 242), wall=(214, 226, 232)):
    """A wall socket of IEC ``plug_type`` alone on a plain wall, drawn as in the rooms.

    The socket is half as wide as the picture's smaller side.

    >>> socket_image("F", size=(64, 48)).size
    (64, 48)
    """
    if plug_type not in PLUG_TYPES:
        raise InvalidParameterError(
            f"The 'plug_type' parameter must be one of {', '.join(PLUG_TYPES)}. "
            f"Got {plug_type!r} instead."
        )
    w, h = size
    image = Image.new("RGB", (int(w), int(h)), tuple(wall))
    width = min(w, h / (1.6 if plug_type in ("A", "B") else 1.0)) * 0.5
    _draw_socket(ImageDraw.Draw(image), w / 2, h / 2, width, plug_type, tuple(plate))
    return image


def outdoor_image(climate, size=(160, 120), rng=0):
    """The view out of a window onto ``climate``, drawn as in the rooms (without the frame).

    >>> outdoor_image("snowy", (80, 60), make_rng(0)).size
    (80, 60)
    """
    if climate not in CLIMATES:
        raise InvalidParameterError(
            f"The 'climate' parameter must be one of {', '.join(CLIMATES)}. "
            f"Got {climate!r} instead."
        )
    return _outdoor(climate, (int(size[0]), int(size[1])), make_rng(rng))


# --- poster and package ----------------------------------------------------------------------


def _poster_image(location, size):
    w, h = size
    rng = make_rng(location.poster["seed"])
    colour = _rgb(location.poster["colour"])
    image = Image.new("RGB", (w, h), _shade(colour, 1.0))
    draw = ImageDraw.Draw(image)
    art_bottom = int(h * 0.62)
    draw.rectangle([0, 0, w, art_bottom], fill=_jitter(rng, _pick(rng, WALL_COLOURS), 10))
    for _ in range(int(rng.integers(3, 7))):  # abstract shapes
        fill = _jitter(rng, _pick(rng, PACKAGE_COLOURS + FABRIC_COLOURS))
        x, y, r = rng.uniform(0, w), rng.uniform(0, art_bottom), rng.uniform(0.1, 0.35) * w
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)
        else:
            draw.polygon([(x, y - r), (x + r, y + r), (x - r, y + r)], fill=fill)
    draw.rectangle([0, art_bottom, w, h], fill=colour)
    ink = (255, 255, 255) if sum(colour) < 400 else (20, 20, 20)
    text = display_text(location.poster_text, location.script)
    font = _fit_font(text, h * 0.12, w * 0.9, bold=True)
    draw.text((w * 0.05, art_bottom + h * 0.04), text, fill=ink, font=font)
    if location.poster_city:
        city = display_text(location.local_city, location.script)
        small = _fit_font(city, h * 0.08, w * 0.9)
        draw.text((w * 0.05, art_bottom + h * 0.2), city, fill=ink, font=small)
    return image


def _package_label(location, size):
    """The front of the product package: name, phrase, price and the EAN-13 barcode."""
    w, h = size
    colour = _rgb(location.package["colour"])
    band = _rgb(location.package["band"])
    image = Image.new("RGB", (w, h), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, h * 0.12, w, h * 0.42], fill=band)
    ink = (255, 255, 255) if sum(band) < 400 else (15, 15, 15)
    name = display_text(location.product, location.script)
    draw.text((w * 0.06, h * 0.16), name, fill=ink, font=_fit_font(name, h * 0.16, w * 0.88,
                                                                   bold=True))
    ink2 = (255, 255, 255) if sum(colour) < 400 else (15, 15, 15)
    phrase = display_text(location.package["phrase"], location.script)
    draw.text((w * 0.06, h * 0.46), phrase, fill=ink2, font=_fit_font(phrase, h * 0.07, w * 0.88))
    draw.text((w * 0.06, h * 0.55), location.price, fill=ink2,
              font=_fit_font(location.price, h * 0.08, w * 0.5, bold=True))
    module = max(1, int(w * 0.8 / 113))
    code = barcode_image(location.barcode, module=module, height=int(h * 0.2),
                         digits=module >= 2)
    bx = int((w - code.width) / 2)
    by = h - code.height - int(h * 0.03)
    image.paste(code.convert("RGB"), (bx, max(0, by)))
    return image


# --- the canvas ------------------------------------------------------------------------------


def render_canvas(location):
    """Draw the whole room of ``location`` at ``location.canvas_size``; cached on the location.

    >>> location = make_location(make_rng(2), "BR", "living_room", "L2", canvas_size=(300, 200))
    >>> render_canvas(location).size
    (300, 200)
    """
    cached = location._cache.get("canvas")
    if cached is not None:
        return cached
    w, h = location.canvas_size
    rng = make_rng(location.seed)
    room = _Room(location.layout, (w, h))
    canvas = Image.new("RGB", (w, h), _rgb(location.layout["ceiling"]))
    wall_colours = [_rgb(c) for c in location.wall["colours"]]
    floor_colours = [_rgb(c) for c in location.floor["colours"]]
    wall_unit = location.wall["unit"] * w * (3 if location.wall["pattern"] == "tiles" else 1)
    floor_unit = location.floor["unit"] * w
    # back wall
    back_w, back_h = int(room.xr - room.xl), int(room.yb - room.yt)
    ts = min(1.0, TEXTURE_WIDTH / w)  # textures of large canvases are drawn smaller, then scaled
    back = _pattern(location.wall["pattern"], wall_colours,
                    (int(back_w * ts), int(back_h * ts)), wall_unit * ts, rng)
    back = Image.fromarray(back, "RGB")
    if ts < 1.0:
        back = back.resize((back_w, back_h), Image.Resampling.BILINEAR)
    canvas.paste(back, (int(room.xl), int(room.yt)))
    # side walls: the same pattern in perspective, a little darker
    kn = room.kn
    depth = int(back_h * 0.8)
    side_h = int(back_h * min(kn, 2.5))
    for left in (True, False):
        x_back = room.xl if left else room.xr
        top_near = room.extend(x_back, room.yt, kn)
        bottom_near = room.extend(x_back, room.yb, kn)
        quad = ([top_near, (room.xl, room.yt), (room.xl, room.yb), bottom_near] if left else
                [(room.xr, room.yt), top_near, bottom_near, (room.xr, room.yb)])
        scale = 0.5 * ts
        texture = _pattern(location.wall["pattern"],
                           [_shade(c, 0.84 if left else 0.9) for c in wall_colours],
                           (int(depth * scale * kn), int(side_h * scale)),
                           wall_unit * scale * kn, rng)
        _paste_quad(canvas, Image.fromarray(texture, "RGB"), quad)
    # ceiling, lit a little less
    ceiling = [(room.extend(room.xl, room.yt, kn)), (room.extend(room.xr, room.yt, kn)),
               (room.xr, room.yt), (room.xl, room.yt)]
    ImageDraw.Draw(canvas).polygon(ceiling, fill=_shade(_rgb(location.layout["ceiling"]), 0.92))
    # floor
    near_l, near_r = room.point(0, 1.0), room.point(1, 1.0)
    fw = int(min(3 * w, near_r[0] - near_l[0]) * 0.5 * ts)
    fh = int(back_h * 0.7 * ts)
    floor = _pattern(location.floor["pattern"], floor_colours, (fw, fh), floor_unit * 0.5 * ts,
                     rng)
    _paste_quad(canvas, Image.fromarray(floor, "RGB"),
                [(room.xl, room.yb), (room.xr, room.yb), near_r, near_l])
    draw = ImageDraw.Draw(canvas)
    # skirting boards
    skirt = max(2, int(back_h * 0.02))
    draw.rectangle([room.xl, room.yb - skirt, room.xr, room.yb], fill=(236, 236, 232))
    for x_back in (room.xl, room.xr):
        draw.line([(x_back, room.yb), room.extend(x_back, room.yb, kn)], fill=(236, 236, 232),
                  width=skirt)
        draw.line([(x_back, room.yt), (x_back, room.yb)], fill=_shade(wall_colours[0], 0.7),
                  width=max(1, skirt // 2))
    draw.line([(room.xl, room.yt), (room.xr, room.yt)], fill=_shade(wall_colours[0], 0.75),
              width=max(1, skirt // 2))
    # wall items: window, poster, socket
    _draw_window(canvas, draw, room, location.window, location.climate, rng)
    p = location.poster
    (px0, py0), (px1, py1) = room.point(p["u0"], 0, p["e1"]), room.point(p["u1"], 0, p["e0"])
    frame = max(3, int((px1 - px0) * 0.04))
    draw.rectangle([px0 - frame, py0 - frame, px1 + frame, py1 + frame], fill=(40, 36, 32))
    canvas.paste(_poster_image(location, (int(px1 - px0), int(py1 - py0))), (int(px0), int(py0)))
    s = location.socket
    sx, sy = room.point(s["u"], 0, s["e"])
    _draw_socket(draw, sx, sy, s["size"] * back_h, location.plug_type, _rgb(s["plate"]))
    # furniture, back to front, then the package on its surface
    pk = location.package
    items = sorted(location.furniture + [dict(pk, kind="package")], key=lambda i: (
        i["after"] + 0.001 if i["kind"] == "package" else i["z"]))
    for item in items:
        if item["kind"] == "package":
            rect = _box(draw, room, pk["u0"], pk["u1"], pk["z"], pk["depth"], pk["elevation"],
                        pk["elevation"] + pk["height"], _rgb(pk["colour"]))
            x0, y0, x1, y1 = (int(round(v)) for v in rect)
            if x1 - x0 > 8 and y1 - y0 > 8:
                canvas.paste(_package_label(location, (x1 - x0, y1 - y0)), (x0, y0))
        else:
            _draw_item(draw, canvas, room, item, rng)
    # light: brighter near the window, darker in the far corners
    wx, wy = room.point((location.window["u0"] + location.window["u1"]) / 2, 0,
                        (location.window["e0"] + location.window["e1"]) / 2)
    lw, lh = max(2, w // 16), max(2, h // 16)  # computed small, scaled up: light is smooth
    gx = (np.arange(lw, dtype=np.float64) * 16 - wx) / w
    gy = (np.arange(lh, dtype=np.float64) * 16 - wy) / h
    light = 0.78 + 0.22 * np.exp(-(gx[None, :] ** 2 + gy[:, None] ** 2) * 2.2)
    mask = Image.fromarray(np.round(light * 255).astype(np.uint8), "L").resize(
        (w, h), Image.Resampling.BILINEAR)
    canvas = ImageChops.multiply(canvas, Image.merge("RGB", (mask, mask, mask)))
    canvas = canvas.filter(ImageFilter.BoxBlur(max(0.5, w / 3000)))
    location._cache["canvas"] = canvas
    return canvas


def _canvas_level(location, level):
    key = f"level{level}"
    if key not in location._cache:
        location._cache[key] = (render_canvas(location) if level == 0 else
                                _canvas_level(location, level - 1).reduce(2))
    return location._cache[key]


# --- views -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class View:
    """A camera view of a location's canvas (all positions in fractions of the canvas).

    ``cx, cy`` centre, ``width`` of the crop (fraction of the canvas width), ``aspect`` of
    the picture (width / height), ``roll`` in degrees, ``yaw`` and ``pitch`` (-0.1..0.1:
    how much one side of the crop is taller or wider than the other), ``brightness`` and
    ``warmth`` (-1 cool .. 1 warm), ``focus`` (what the view is of).
    """

    cx: float
    cy: float
    width: float
    aspect: float
    roll: float = 0.0
    yaw: float = 0.0
    pitch: float = 0.0
    brightness: float = 1.0
    warmth: float = 0.0
    focus: str = "room"

    def as_dict(self):
        """The view as a plain dict (for JSON)."""
        return dataclasses.asdict(self)


def _points_of_interest(location):
    room = _Room(location.layout, (1.0, 1.0))
    w = location.window
    p = location.poster
    s = location.socket
    pk = location.package
    return {
        "window": room.point((w["u0"] + w["u1"]) / 2, 0, (w["e0"] + w["e1"]) / 2),
        "poster": room.point((p["u0"] + p["u1"]) / 2, 0, (p["e0"] + p["e1"]) / 2),
        "socket": room.point(s["u"], 0, s["e"]),
        "product": room.point((pk["u0"] + pk["u1"]) / 2, pk["z"],
                              pk["elevation"] + pk["height"] / 2),
    }


def _fit_width(location, width, aspect, margin=1.15):
    cw, ch = location.canvas_size
    # the crop (with room for roll and keystone) must fit inside the canvas
    max_by_height = (ch / cw) * aspect / margin
    return min(width, 1.0 / margin, max_by_height)


def random_view(location, rng, aspect=1.5, focus=None):
    """Draw a plausible camera view of ``location``: mostly the room, sometimes a detail.

    ``focus`` forces ``"room"`` or a detail (``"window"``, ``"poster"``, ``"socket"``,
    ``"product"``); by default 60 % of views show the room.

    >>> location = make_location(make_rng(0), "DE", "bedroom", "L1", canvas_size=(300, 200))
    >>> view = random_view(location, make_rng(1), aspect=4 / 3)
    >>> 0 < view.width <= 1, view.aspect
    (True, 1.333)
    """
    rng = make_rng(rng)
    details = tuple(_points_of_interest(location))
    if focus is None:
        focus = "room" if rng.random() < 0.6 else _pick(rng, details)
    if focus not in ("room",) + details:
        raise InvalidParameterError(
            f"The 'focus' parameter must be 'room' or one of {', '.join(details)}. "
            f"Got {focus!r} instead."
        )
    aspect = float(aspect)
    cw, ch = location.canvas_size
    if focus == "room":
        width = _fit_width(location, rng.uniform(0.5, 0.85), aspect)
        cx, cy = rng.uniform(0.4, 0.6), rng.uniform(0.45, 0.6)
    else:
        width = _fit_width(location, rng.uniform(0.14, 0.3), aspect)
        px, py = _points_of_interest(location)[focus]
        cx, cy = px + rng.normal(0, width * 0.12), py + rng.normal(0, width * 0.1)
    hw = width / 2 * 1.15
    hh = width * cw / ch / aspect / 2 * 1.15
    cx = min(max(cx, hw), 1 - hw)
    cy = min(max(cy, hh), 1 - hh)
    return View(cx=round(cx, 4), cy=round(cy, 4), width=round(width, 4), aspect=round(aspect, 3),
                roll=round(rng.normal(0, 1.2), 3), yaw=round(rng.uniform(-0.06, 0.06), 4),
                pitch=round(rng.uniform(-0.05, 0.05), 4),
                brightness=round(rng.uniform(0.9, 1.25), 3),
                warmth=round(rng.uniform(-0.8, 0.8), 3), focus=focus)


def render_scene(location, view, size=(1024, 683)):
    """Photograph ``location``: one view of its canvas, ``size`` (width, height) pixels.

    ``view`` is a :class:`View`, or a random generator / seed for :func:`random_view` (with
    the aspect of ``size``). The canvas is drawn once and cached on the location; a view is
    a crop with zoom, a small perspective change and roll (one ``PERSPECTIVE`` transform from
    the nearest level of a canvas pyramid) and a lighting change (brightness, colour
    temperature).

    >>> location = make_location(make_rng(0), "RU", "kitchen", "L9", canvas_size=(300, 200))
    >>> a = render_scene(location, View(0.5, 0.5, 0.6, 1.5), size=(150, 100))
    >>> b = render_scene(location, View(0.5, 0.5, 0.6, 1.5), size=(150, 100))
    >>> a.tobytes() == b.tobytes(), a.size
    (True, (150, 100))
    """
    if (not isinstance(size, tuple | list) or len(size) != 2
            or not all(isinstance(v, int | np.integer) and 16 <= v <= 8192 for v in size)):
        raise InvalidParameterError(
            f"The 'size' parameter must be (width, height) in pixels, each in [16, 8192]. "
            f"Got {size!r} instead."
        )
    out_w, out_h = int(size[0]), int(size[1])
    if not isinstance(view, View):
        view = random_view(location, view, aspect=out_w / out_h)
    cw, ch = location.canvas_size
    crop_w = view.width * cw
    level = 0
    while crop_w / (2 ** (level + 1)) >= out_w * 1.2 and level < 4:
        level += 1
    source = _canvas_level(location, level)
    f = source.width / cw
    hw = crop_w / 2
    hh = crop_w / view.aspect / 2
    corners = [(-hw * (1 - view.pitch), -hh * (1 + view.yaw)),
               (hw * (1 - view.pitch), -hh * (1 - view.yaw)),
               (hw * (1 + view.pitch), hh * (1 - view.yaw)),
               (-hw * (1 + view.pitch), hh * (1 + view.yaw))]
    angle = math.radians(view.roll)
    cos, sin = math.cos(angle), math.sin(angle)
    centre = (view.cx * cw, view.cy * ch)
    quad = [((centre[0] + x * cos - y * sin) * f, (centre[1] + x * sin + y * cos) * f)
            for x, y in corners]
    coeffs = _perspective_coeffs([(0, 0), (out_w, 0), (out_w, out_h), (0, out_h)], quad)
    image = source.transform((out_w, out_h), Image.Transform.PERSPECTIVE, coeffs,
                             Image.Resampling.BILINEAR)
    gains = (view.brightness * (1 + 0.07 * view.warmth), view.brightness,
             view.brightness * (1 - 0.07 * view.warmth))
    lut = [min(255, max(0, int(v * g + 0.5))) for g in gains for v in range(256)]
    return image.point(lut)


# --- documents -------------------------------------------------------------------------------


def render_document(rng, country, size=(620, 877)):
    """A page of text in the language of ``country`` (a distractor image): a notice or list.

    >>> render_document(make_rng(0), "GR", (124, 175)).size
    (124, 175)
    """
    profile = _check_country(country)
    rng = make_rng(rng)
    w, h = size
    paper = _jitter(rng, (248, 246, 240), 5)
    image = Image.new("RGB", (w, h), paper)
    draw = ImageDraw.Draw(image)
    script = profile["script"]
    right_to_left = script in ("Arabic", "Hebrew")
    margin = w * 0.08
    title = display_text(_pick(rng, profile["phrases"][2:]), script)
    font = _fit_font(title, h * 0.04, w - 2 * margin, bold=True)
    y = h * 0.07

    def put(text, font, y):
        width = font.getlength(text)
        x = w - margin - width if right_to_left else margin
        draw.text((x, y), text, fill=(25, 25, 30), font=font)

    put(title, font, y)
    y += h * 0.08
    body = _font(max(6, int(h * 0.022)))
    words = list(profile["products"]) + list(profile["phrases"])
    comma = "\u060c " if script == "Arabic" else ", "
    while y < h * 0.9:
        line, n = [], int(rng.integers(2, 5))
        for _ in range(n):
            line.append(_pick(rng, words))
        text = comma.join(line)
        if rng.random() < 0.3:
            text = f"{int(rng.integers(1, 20))}. " + text if not right_to_left else text
        shown = display_text(text, script)
        while body.getlength(shown) > w - 2 * margin and len(line) > 1:
            line.pop()
            shown = display_text(comma.join(line), script)
        put(shown, body, y)
        y += h * 0.035 * (2 if rng.random() < 0.15 else 1)
    return image
