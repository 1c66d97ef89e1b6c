"""The ``travel_records`` generator: notices about wanted and missing persons, and trips.

Analysts check travellers against notices about travelling child sex offenders and missing
children. :func:`make_travel_records` invents both sides, with the ways real names drift
between a notice and a passenger record:

* **Notices** (``notices.csv``, fields modelled on the public yellow-notice format): green
  (a warning about a person's criminal activities, e.g. a convicted travelling child sex
  offender), blue (collect information about a person's identity, location or activities)
  and yellow (locate a missing person, mostly children aged 2-17 when the notice was
  issued). Each names an invented person of one naming culture: Russian, Ukrainian,
  Bulgarian (native name in Cyrillic), Arabic (native name in Arabic script), Chinese
  (family name first; the native form is in pinyin) and Latin-script cultures (English,
  French, German, Spanish, Portuguese, Polish, Turkish, Vietnamese, with diacritics). The
  Latin spelling is the issuing country's: a German notice writes Дмитрий "Dmitrij", a
  British one "Dmitriy"; a French notice writes يوسف "Youssef", a Jordanian one "Yusuf".
  Some notices give only the year of birth, or none. ``aliases.csv``: 0-3 other names.
* **Trips** (``trips.csv``, PNR/API-like): names as on the travel document (Latin, upper
  case, A-Z and spaces), transliterated by the passport country's system. Most trips are
  by the general public; a share of the notice subjects travel a few times each, each trip
  with one *variant* of the notice's name or date of birth (see :data:`VARIANTS`); a few %
  of the trips are *traps*: other persons made to look like a notice subject
  (:data:`TRAPS`). Nobody of the general public shares a notice's exact name and date of
  birth.

Cyrillic names are romanised with the tables of :mod:`vidlab.travel.normalise` (the ones
the matching code reads), so the variants are the ones matching must undo.

Ground truth: ``persons`` (person_id, notice_id: "" for everyone but notice subjects,
culture, sex, date_of_birth, is_trap, looks_like: the notice a trap imitates) and ``trips``
(trip_id, person_id, notice_id: the notice whose subject travels, variant: a
:data:`VARIANTS` kind for a subject, a :data:`TRAPS` kind for a trap, "" otherwise,
is_trap, looks_like). Read the files with ``pandas.read_csv(path, keep_default_na=False,
dtype=str)``: empty cells are empty strings.

The general public's names, dates and bookings are vectorised; the notices and the trips of
their subjects and look-alikes (a few % of the trips) take one Python step each. 10,000
notices and 1 M trips (the ``large`` preset) take 12-22 s and about 1.2 GB on a loaded
2-core machine, writing the 93 MB of CSV included.

>>> import pathlib, tempfile
>>> from vidlab.seed import make_rng
>>> out = pathlib.Path(tempfile.mkdtemp()) / "travel"
>>> truth = make_travel_records(out, {"n_notices": 30, "n_trips": 2000}, make_rng(0))
>>> sorted(p.name for p in out.iterdir()), sorted(truth)
(['aliases.csv', 'notices.csv', 'trips.csv'], ['persons', 'trips'])
"""

from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from vidlab.checks import check_int, check_iso_date, check_number, parameter_error
from vidlab.synth.forums import _ids, _width
from vidlab.synth.registry import merge_config, register_generator
from vidlab.travel.normalise import (
    VARIANT_FAMILIES,
    fold_accents,
    pinyin_to_wade_giles,
    transliterate,
)

__all__ = ["make_travel_records", "make_travel_tables", "DEFAULTS", "CULTURES", "COLOURS",
           "VARIANTS", "TRAPS", "FILES"]

#: Configuration defaults (the tiny preset's sizes). ``travelling_share``: share of the
#: notice subjects who travel; ``subject_trip_share`` and ``trap_share``: shares of the trips.
DEFAULTS = {"n_notices": 300, "n_trips": 20_000, "travelling_share": 0.6,
            "subject_trip_share": 0.02, "trap_share": 0.02, "first_date": "2024-01-01",
            "last_date": "2024-12-31"}
COLOURS = ("green", "blue", "yellow")
#: How a notice subject's trip differs from the notice, with the target share of each kind.
VARIANTS = {"exact": 0.22, "transliteration": 0.16, "swapped_order": 0.1, "name_variant": 0.1,
            "typo": 0.12, "alias": 0.08, "birth_name": 0.07, "dob_missing": 0.08,
            "dob_swapped": 0.07}
#: Look-alike traps: same name, other date of birth and nationality; a near name, same
#: birth year; a similar name, the same date of birth, the other sex; a relative (same
#: family name and nationality, other forename and date of birth).
TRAPS = ("namesake", "near_name", "other_sex", "relative")
FILES = {
    "notices": ["notice_id", "colour", "family_name", "forename", "birth_name", "name_native",
                "sex", "date_of_birth", "place_of_birth", "nationalities", "languages",
                "distinguishing_marks", "issued", "issuing_country"],
    "aliases": ["notice_id", "family_name", "forename"],
    "trips": ["trip_id", "record_locator", "family_name", "forename", "sex", "date_of_birth",
              "nationality", "document_number", "origin", "destination", "departure",
              "carrier", "booked"],
}
MAX_NOTICES = 50_000
MAX_TRIPS = 20_000_000


def _words(text):
    return tuple(text.split())


def _entries(text):
    """``"native=Latin/Latin2 ..."`` entries (Arabic: English, French, other spellings)."""
    return tuple((native.replace("_", " "), tuple(spellings.replace("_", " ").split("/")))
                 for native, spellings in (item.split("=") for item in text.split()))


# --- naming cultures -------------------------------------------------------------------------
# Names are common given names and surnames, combined at random: invented persons.

CULTURES = {
    "russian": {
        "script": "cyrillic", "countries": ("RU",), "languages": ("ru",),
        "male": _words("Александр Дмитрий Сергей Андрей Алексей Максим Евгений Иван Михаил "
                       "Николай Владимир Юрий Олег Павел Игорь Артём Виктор Константин "
                       "Григорий Фёдор Вячеслав Степан"),
        "female": _words("Анна Мария Елена Ольга Наталья Татьяна Ирина Екатерина Юлия "
                         "Светлана Ксения Дарья Анастасия Людмила Валерия Софья"),
        "surnames": _words("Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов "
                           "Новиков Фёдоров Морозов Волков Алексеев Лебедев Семёнов Егоров "
                           "Павлов Козлов Степанов Орлов Макаров Никитин Захаров Зайцев "
                           "Соловьёв Яковлев Григорьев Королёв Щербаков Журавлёв Чернышёв "
                           "Кудрявцев Хохлов Жуков Юдин Белоусов Цветков Воронцов "
                           "Достоевский Троицкий"),
        "cities": {"RU": ("Moscow", "Saint Petersburg", "Novosibirsk", "Yekaterinburg",
                          "Kazan", "Samara", "Omsk", "Rostov-on-Don")},
    },
    "ukrainian": {
        "script": "cyrillic", "countries": ("UA",), "languages": ("uk", "ru"),
        "male": _words("Олександр Дмитро Сергій Андрій Олексій Максим Євген Іван Михайло "
                       "Микола Володимир Юрій Олег Павло Ігор Віктор Тарас Богдан Василь "
                       "Петро"),
        "female": _words("Олена Ольга Наталія Тетяна Ірина Катерина Юлія Світлана Оксана "
                         "Анастасія Людмила Галина Марія Вікторія Ганна"),
        "surnames": _words("Шевченко Коваленко Бондаренко Ткаченко Кравченко Олійник Шевчук "
                           "Поліщук Бондар Ткачук Мельник Бойко Коваль Савченко Руденко "
                           "Марченко Петренко Лисенко Мороз Павленко Кравчук Гончаренко "
                           "Харченко Литвиненко Кузьменко Сидоренко Клименко Яковенко "
                           "Левченко Ковальчук Гнатюк Зінченко Пономаренко Заєць Ковальський "
                           "Яворський"),
        "cities": {"UA": ("Kyiv", "Kharkiv", "Odesa", "Dnipro", "Lviv", "Zaporizhzhia",
                          "Vinnytsia", "Poltava")},
    },
    "bulgarian": {
        "script": "cyrillic", "countries": ("BG",), "languages": ("bg",),
        "male": _words("Георги Иван Димитър Николай Петър Христо Стоян Тодор Васил Стефан "
                       "Александър Красимир Любомир Атанас Йордан Росен Цветан Живко"),
        "female": _words("Мария Иванка Елена Йорданка Пенка Даниела Десислава Цветелина "
                         "Светла Росица Радка Гергана Милена Николина"),
        "surnames": _words("Иванов Георгиев Димитров Петров Николов Христов Стоянов Тодоров "
                           "Илиев Василев Атанасов Петков Ангелов Йорданов Колев Марков "
                           "Стефанов Костов Златев Цветков Каменов Желязков Русев Маринов "
                           "Славов Бъчваров Кючуков Радославов"),
        "cities": {"BG": ("Sofia", "Plovdiv", "Varna", "Burgas", "Ruse", "Stara Zagora")},
    },
    "arabic": {
        "script": "arabic", "countries": ("EG", "MA", "DZ", "TN", "JO", "IQ", "SY", "LB"),
        "languages": ("ar",),
        "male": _entries(
            "محمد=Muhammad/Mohamed/Mohammed/Mohammad/Mohamad أحمد=Ahmad/Ahmed "
            "علي=Ali/Ali يوسف=Yusuf/Youssef/Yousef/Youcef عمر=Umar/Omar "
            "خالد=Khalid/Khaled حسن=Hasan/Hassan حسين=Hussein/Hocine/Husayn/Hussain "
            "إبراهيم=Ibrahim/Brahim مصطفى=Mustafa/Mustapha/Moustafa "
            "عبد_الرحمن=Abdulrahman/Abderrahmane/Abdel-Rahman "
            "عبد_الله=Abdullah/Abdellah/Abdallah كريم=Karim/Karim/Kareem سعيد=Saeed/Said "
            "طارق=Tariq/Tarek ياسين=Yasin/Yacine/Yassine جمال=Jamal/Djamel/Gamal "
            "رشيد=Rashid/Rachid نبيل=Nabil/Nabil سمير=Samir/Samir"),
        "female": _entries(
            "فاطمة=Fatima/Fatma/Fatimah عائشة=Aisha/Aicha/Aysha مريم=Maryam/Meriem/Mariam "
            "خديجة=Khadija/Khadidja/Khadijah نور=Nur/Nour/Noor ليلى=Layla/Leila/Laila "
            "سارة=Sara/Sarah ياسمين=Yasmin/Yasmine زينب=Zaynab/Zineb/Zainab "
            "هدى=Huda/Houda أمينة=Amina/Amina/Aminah سلمى=Salma/Salma رانيا=Rania/Rania"),
        "surnames": _entries(
            "الأمين=Al-Amin/El_Amine المصري=Al-Masri/El_Masri الحسيني=Al-Husseini/El_Husseini "
            "بن_علي=Bin_Ali/Ben_Ali/Ibn_Ali بن_سالم=Bin_Salem/Ben_Salem "
            "العمري=Al-Omari/El_Omari الخطيب=Al-Khatib/El_Khatib/Al-Khateeb "
            "حداد=Haddad/Haddad الشامي=Al-Shami/Chami عبد_القادر=Abdulqadir/Abdelkader "
            "منصور=Mansour/Mansour/Mansur النجار=Al-Najjar/Ennajar "
            "الزين=Al-Zein/Ezzine بوزيد=Bouzid/Bouzid يوسفي=Yousfi/Youssfi "
            "التازي=Al-Tazi/Tazi حمدي=Hamdi/Hamdi صالح=Saleh/Salah ناصر=Nasser/Naceur "
            "قاسم=Qasim/Kacem/Kassem"),
        "cities": {"EG": ("Cairo", "Alexandria", "Giza"), "MA": ("Casablanca", "Rabat", "Fes"),
                   "DZ": ("Algiers", "Oran"), "TN": ("Tunis", "Sfax"), "JO": ("Amman", "Irbid"),
                   "IQ": ("Baghdad", "Basra"), "SY": ("Damascus", "Aleppo"),
                   "LB": ("Beirut", "Tripoli")},
    },
    "chinese": {
        "script": "chinese", "countries": ("CN", "TW", "HK", "SG"), "languages": ("zh",),
        # family names in pinyin/Cantonese (Hong Kong); given-name syllables in pinyin
        "surnames": tuple(tuple(item.split("/")) for item in _words(
            "Zhang/Cheung Wang/Wong Li/Lee Liu/Lau Chen/Chan Yang/Yeung Huang/Wong Zhao/Chiu "
            "Wu/Ng Zhou/Chow Xu/Hui Sun/Suen Zhu/Chu Lin/Lam He/Ho Guo/Kwok Gao/Ko "
            "Liang/Leung Zheng/Cheng Xie/Tse Song/Sung Feng/Fung Deng/Tang Cao/Tso Qian/Chin "
            "Jiang/Keung")),
        "male": _words("wei jun jie qiang jian zhi yong gang tao peng bo hai dong guo hao xiao "
                       "ming hua"),
        "female": _words("li fang ling mei jing hui yan xin ying lan xiu xue ting qing na xiao "
                         "hong"),
        "cities": {"CN": ("Beijing", "Shanghai", "Guangzhou", "Chengdu", "Wuhan"),
                   "TW": ("Taipei", "Kaohsiung"), "HK": ("Hong Kong",), "SG": ("Singapore",)},
    },
    "english": {
        "script": "latin", "countries": ("GB", "US", "IE", "AU", "CA"), "languages": ("en",),
        "male": _words("James John Robert Michael William David Richard Thomas Daniel "
                       "Matthew Andrew Paul Mark Steven Kevin Brian Gary Peter Simon Stephen"),
        "female": _words("Mary Sarah Emma Laura Jessica Emily Hannah Rachel Claire Lucy Amy "
                         "Rebecca Helen Karen Susan"),
        "surnames": _words("Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson "
                           "Wright Thompson Evans Walker White Roberts Green Hall Wood "
                           "Jackson Clarke Harris Lewis Young King Baker Murphy O'Brien "
                           "O'Connor Kelly Walsh"),
        "cities": {"GB": ("London", "Manchester", "Leeds"), "US": ("Chicago", "Houston",
                   "Phoenix"), "IE": ("Dublin", "Cork"), "AU": ("Sydney", "Perth"),
                   "CA": ("Toronto", "Calgary")},
    },
    "french": {
        "script": "latin", "countries": ("FR", "BE"), "languages": ("fr",),
        "male": _words("Jean Pierre Michel Philippe Alain Nicolas Christophe Stéphane "
                       "Frédéric Sébastien Laurent Olivier Julien Jérôme François Thierry "
                       "Éric Patrick Benoît Grégoire"),
        "female": _words("Marie Nathalie Isabelle Sylvie Catherine Françoise Céline "
                         "Sandrine Hélène Élodie Aurélie Chloé Léa Camille"),
        "surnames": _words("Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy "
                           "Moreau Simon Laurent Lefèvre Michel David Bertrand Roux Vincent "
                           "Fournier Girard Mercier Dupont Lambert Bonnet Faure André "
                           "Rousseau Lemaître Chevalier Benoît"),
        "cities": {"FR": ("Paris", "Lyon", "Marseille", "Lille", "Nantes"),
                   "BE": ("Liège", "Namur", "Charleroi")},
    },
    "german": {
        "script": "latin", "countries": ("DE", "AT", "CH"), "languages": ("de",),
        "male": _words("Thomas Michael Andreas Stefan Jürgen Uwe Klaus Günter Jörg Matthias "
                       "Frank Markus Tobias Sebastian Lukas Jan Björn Dieter Hans Ralf"),
        "female": _words("Sabine Petra Claudia Andrea Susanne Jana Katrin Anja Ursula Monika "
                         "Jutta Bärbel Käthe Lena Hannah"),
        "surnames": _words("Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz "
                           "Hoffmann Schäfer Koch Bauer Richter Klein Wolf Schröder Neumann "
                           "Schwarz Zimmermann Braun Krüger Hartmann Lange Werner Krause "
                           "Lehmann Köhler Weiß Groß Jäger Möller Böhm"),
        "cities": {"DE": ("Berlin", "Hamburg", "München", "Köln", "Leipzig"),
                   "AT": ("Wien", "Graz"), "CH": ("Zürich", "Basel")},
    },
    "spanish": {
        "script": "latin", "countries": ("ES", "MX", "AR", "CO"), "languages": ("es",),
        "male": _words("José Antonio Manuel Francisco Juan David Javier Daniel Carlos Jesús "
                       "Alejandro Miguel Rafael Pedro Ángel Pablo Sergio Fernando Jorge Luis "
                       "Andrés Raúl Óscar"),
        "female": _words("María Carmen Ana Isabel Laura Cristina Marta Lucía Elena Sofía "
                         "Paula Raquel Mónica Inés Beatriz"),
        "surnames": _words("García Rodríguez González Fernández López Martínez Sánchez Pérez "
                           "Gómez Martín Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez "
                           "Romero Alonso Gutiérrez Navarro Torres Domínguez Vázquez Ramos "
                           "Ramírez Serrano Suárez Castillo Ortega Núñez Peña"),
        "cities": {"ES": ("Madrid", "Sevilla", "Valencia", "Málaga"), "MX": ("Guadalajara",
                   "Monterrey", "Puebla"), "AR": ("Córdoba", "Rosario"),
                   "CO": ("Bogotá", "Medellín")},
    },
    "portuguese": {
        "script": "latin", "countries": ("PT", "BR"), "languages": ("pt",),
        "male": _words("João José António Francisco Manuel Pedro Luís Paulo Carlos Tiago Rui "
                       "Miguel Bruno Rafael Gonçalo Diogo Lucas Gabriel Thiago Marcelo"),
        "female": _words("Maria Ana Joana Sofia Inês Beatriz Mariana Catarina Leonor Juliana "
                         "Camila Letícia Fernanda Conceição"),
        "surnames": _words("Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins "
                           "Sousa Fernandes Gonçalves Gomes Lopes Marques Alves Almeida "
                           "Ribeiro Pinto Carvalho Teixeira Moreira Correia Mendes Nunes "
                           "Soares Vieira Monteiro Cardoso Rocha Araújo Magalhães Simões "
                           "Brandão"),
        "cities": {"PT": ("Lisboa", "Porto", "Braga"), "BR": ("São Paulo", "Belém",
                   "Fortaleza", "Curitiba")},
    },
    "polish": {
        "script": "latin", "countries": ("PL",), "languages": ("pl",),
        "male": _words("Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Jakub Łukasz "
                       "Grzegorz Mateusz Wojciech Mariusz Dariusz Kamil Maciej"),
        "female": _words("Anna Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna "
                         "Monika Żaneta Dorota Beata"),
        "surnames": _words("Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski "
                           "Zieliński Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur "
                           "Kwiatkowski Krawczyk Piotrowski Grabowski Pawłowski Michalski "
                           "Król Wieczorek Jabłoński Wróbel Majewski Zawadzki"),
        "cities": {"PL": ("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk")},
    },
    "turkish": {
        "script": "latin", "countries": ("TR",), "languages": ("tr",),
        "male": _words("Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim İsmail Osman Yusuf "
                       "Murat Ömer Ramazan Halil Süleyman Abdullah Emre Burak Serkan Çağlar "
                       "Oğuz Barış"),
        "female": _words("Fatma Ayşe Emine Hatice Zeynep Elif Meryem Şerife Zehra Hülya Gül "
                         "Özlem Büşra Esra"),
        "surnames": _words("Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın "
                           "Özdemir Arslan Doğan Kılıç Aslan Çetin Kara Koç Kurt Özkan Şimşek "
                           "Polat Korkmaz Güneş Erdem Aktaş Bulut Keskin Ünal Tekin Acar"),
        "cities": {"TR": ("İstanbul", "Ankara", "İzmir", "Bursa", "Gaziantep")},
    },
    "vietnamese": {
        "script": "latin", "countries": ("VN",), "languages": ("vi",),
        "male": tuple(item.replace("_", " ") for item in _words(
            "Văn_An Văn_Hùng Minh_Tuấn Đức_Anh Quang_Huy Thanh_Tùng Hoàng_Nam Văn_Dũng "
            "Minh_Khoa Quốc_Bảo Hữu_Phước Công_Thành")),
        "female": tuple(item.replace("_", " ") for item in _words(
            "Thị_Lan Thị_Hương Thị_Mai Thị_Hoa Ngọc_Anh Thu_Trang Thanh_Hằng Phương_Linh "
            "Thị_Thu Kim_Ngân")),
        "surnames": _words("Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô "
                           "Dương Lý"),
        "cities": {"VN": ("Hà Nội", "Hải Phòng", "Đà Nẵng", "Huế", "Cần Thơ")},
    },
}
CULTURE_NAMES = tuple(CULTURES)
#: Culture shares of the notice subjects and of the general public.
NOTICE_MIX = np.array([0.1, 0.07, 0.04, 0.14, 0.08, 0.12, 0.08, 0.08, 0.07, 0.04, 0.05, 0.07,
                       0.06])
PUBLIC_MIX = np.array([0.06, 0.04, 0.03, 0.1, 0.06, 0.2, 0.1, 0.1, 0.1, 0.04, 0.06, 0.07,
                       0.04])
FEMININE = {"russian": (("ский", "ская"), ("цкий", "цкая"), ("ов", "ова"), ("ев", "ева"),
                        ("ёв", "ёва"), ("ин", "ина")),
            "ukrainian": (("ський", "ська"), ("цький", "цька"), ("ов", "ова"), ("ев", "ева")),
            "bulgarian": (("ски", "ска"), ("ов", "ова"), ("ев", "ева")),
            "polish": (("ski", "ska"), ("cki", "cka"), ("dzki", "dzka"))}
#: Romanisation systems by script: the first is the default; countries that use another.
SYSTEMS = {
    "cyrillic": ("bgn_pcgn", "icao", "german", "french", "iso9", "ukrainian", "bulgarian"),
    "arabic": ("english", "french", "other"),
    "chinese": ("pinyin", "wade_giles", "cantonese"),
    "latin": ("native",),
}
#: Cyrillic systems used for one language only.
OWN_SYSTEMS = {"iso9": "russian", "ukrainian": "ukrainian", "bulgarian": "bulgarian"}
COUNTRY_SYSTEM = {
    "cyrillic": {"RU": "icao", "UA": "ukrainian", "BG": "bulgarian", "DE": "german",
                 "AT": "german", "CH": "german", "FR": "french", "BE": "french"},
    "arabic": dict.fromkeys(("MA", "DZ", "TN", "LB", "FR", "BE", "CA"), "french"),
    "chinese": {"TW": "wade_giles", "HK": "cantonese"},
    "latin": {},
}
#: Umlauts as ICAO Doc 9303 writes them in the machine-readable zone (others just lose accents).
ICAO_EXPANSIONS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "å": "aa", "Ä": "AE",
                                 "Ö": "OE", "Ü": "UE", "Å": "AA"})
SECOND_NATIONALITIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT", "CA", "SE", "BE", "AT")
COUNTRY_LANGUAGES = {"DE": "de", "FR": "fr", "GB": "en", "US": "en", "NL": "nl", "ES": "es",
                     "IT": "it", "CA": "en", "SE": "sv", "BE": "fr", "AT": "de", "RU": "ru",
                     "UA": "uk"}
ISSUERS = ("DE", "FR", "GB", "US", "ES", "IT", "NL", "BE", "AU", "TH", "PH", "CA")
COLOUR_SHARES = (0.35, 0.25, 0.4)
MARKS_ADULT = tuple(f"tattoo of {motif} on the {place}" for motif in (
    "an anchor", "a rose", "a dragon", "a star", "a skull", "a swallow", "a wolf", "a snake",
    "a compass", "a name in script") for place in (
    "left forearm", "right forearm", "neck", "back of the right hand", "left shoulder",
    "chest")) + (
    "scar above the right eyebrow", "scar on the chin", "scar on the left cheek",
    "burn scar on the right hand", "scar across the left knee", "missing upper front tooth",
    "pierced left eyebrow", "mole above the upper lip", "birthmark on the neck",
    "gold crown on a lower tooth")
MARKS_CHILD = ("birthmark on the left cheek", "birthmark on the right shoulder",
               "scar on the chin", "scar above the left eyebrow", "mole on the neck",
               "pierced ears", "small scar on the right knee", "freckles across the nose",
               "chipped front tooth", "burn scar on the left hand")
AIRPORTS = _words("LHR CDG FRA AMS MAD BCN FCO MUC IST DXB DOH CAI CMN ALG TUN AMM BEY SVO LED "
                  "SOF WAW PRG VIE ZRH BRU LIS OPO DUB MAN JFK EWR YYZ GRU EZE MEX BOG PEK "
                  "PVG CAN HKG TPE SIN BKK HKT MNL CEB SGN HAN DPS KUL PNH SYD")
#: Invented two-letter carrier codes.
CARRIERS = _words("QV XB XK ZW YQ JX KV WQ VZ QZ")
TRAP_SHARES = (0.35, 0.25, 0.2, 0.2)
LOCATOR_LETTERS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", dtype=np.uint8)
KEYBOARD = ("QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM")
NEIGHBOURS = {row[i]: row[max(i - 1, 0):i] + row[i + 1:i + 2]
              for row in KEYBOARD for i in range(len(row))}
_FAMILY_OF = {spelling.upper(): family for family in VARIANT_FAMILIES for spelling in family}
DAY = np.timedelta64(1, "D")


# --- configuration -----------------------------------------------------------------------------


def _check_config(config):
    values = merge_config(config, DEFAULTS, "travel_records")
    for key, low, high in (("n_notices", 10, MAX_NOTICES), ("n_trips", 100, MAX_TRIPS)):
        values[key] = check_int(values[key], key, "travel_records", low, high)
    for key, high in (("travelling_share", 1), ("subject_trip_share", 0.5),
                      ("trap_share", 0.5)):
        values[key] = check_number(values[key], key, "travel_records", 0, high)
    for key in ("first_date", "last_date"):
        values[key] = np.datetime64(check_iso_date(values[key], key, "travel_records"), "D")
    if values["last_date"] < values["first_date"]:
        raise parameter_error("last_date", "travel_records",
                              f"on or after first_date {values['first_date']}",
                              str(values["last_date"]))
    if values["subject_trip_share"] + values["trap_share"] > 0.5:
        raise parameter_error("trap_share", "travel_records", "at most 0.5 - subject_trip_share",
                              values["trap_share"])
    return values


# --- names ------------------------------------------------------------------------------------


def _script(culture):
    return CULTURES[culture]["script"]


def _system(culture, country):
    """The romanisation system of ``culture``'s names in documents of ``country``."""
    script = _script(culture)
    return COUNTRY_SYSTEM[script].get(country, SYSTEMS[script][0])


def _female(culture, surname):
    for old, new in FEMININE.get(culture, ()):
        if isinstance(surname, str) and surname.endswith(old):
            return surname[: -len(old)] + new
    return surname


def _surname_as(culture, surname, sex):
    """The form of ``surname`` (a key in either form) for ``sex``."""
    for old, new in FEMININE.get(culture, ()):
        if isinstance(surname, str) and surname.endswith(new):
            surname = surname[: -len(new)] + old
            break
    return _female(culture, surname) if sex == "F" else surname


def _systems(culture):
    """The romanisation systems of a culture's names (the Cyrillic ones that fit the language:
    no Ukrainian system for Russian names)."""
    systems = SYSTEMS[_script(culture)]
    return tuple(s for s in systems if s not in OWN_SYSTEMS or OWN_SYSTEMS[s] == culture)


@cache
def _spell(culture, name, system, part):
    """The Latin spelling of a name part (``part``: "forename" or "surname")."""
    script = _script(culture)
    if script == "cyrillic":
        return transliterate(name, system)
    if script == "arabic":
        spellings = name[1]
        return {"english": spellings[0], "french": spellings[1], "other": spellings[-1]}[system]
    if script == "chinese":
        if part == "surname":
            pinyin, cantonese = name
            return {"pinyin": pinyin, "wade_giles": pinyin_to_wade_giles(pinyin),
                    "cantonese": cantonese}[system]
        if system == "pinyin":
            return "".join(name).capitalize()
        return "-".join(pinyin_to_wade_giles(syllable) for syllable in name).capitalize()
    return name


def _native(culture, forename, surname):
    script = _script(culture)
    if script == "cyrillic":
        return f"{forename} {surname}"
    if script == "arabic":
        return f"{forename[0]} {surname[0]}"
    if script == "chinese":
        return f"{surname[0]} {''.join(forename).capitalize()}"
    return ""


@lru_cache(maxsize=100_000)
def _document(text, expand=False):
    """A name as travel documents print it: upper-case A-Z words (``expand``: ä -> AE...)."""
    if expand:
        text = text.translate(ICAO_EXPANSIONS)
    text = fold_accents(text).upper().replace("'", "").replace("’", "")
    return " ".join("".join(c if "A" <= c <= "Z" else " " for c in text).split())


def _pool(culture, sex, rng):
    """Random name keys of a culture: forenames of ``sex`` ("M" or "F") or surnames."""
    spec = CULTURES[culture]
    if sex == "surname":
        return spec["surnames"][rng.integers(len(spec["surnames"]))]
    names = spec["male" if sex == "M" else "female"]
    if _script(culture) == "chinese":  # one or two syllables
        count = 1 if rng.random() < 0.3 else 2
        return tuple(names[i] for i in rng.integers(len(names), size=count))
    return names[rng.integers(len(names))]


def _typo(word, rng):
    """``word`` with one keyboard slip: a letter dropped, replaced, swapped or doubled."""
    while True:
        chars = list(word)
        letters = [i for i, c in enumerate(chars) if c != " "]
        i = letters[rng.integers(len(letters))]
        kind = rng.integers(4)
        if kind == 0 and len(letters) > 3:
            del chars[i]
        elif kind == 1:
            near = NEIGHBOURS[chars[i]]
            chars[i] = near[rng.integers(len(near))]
        elif kind == 2 and i + 1 < len(chars) and chars[i + 1] != " ":
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        else:
            chars.insert(i, chars[i])
        typo = "".join(chars)
        if typo != word:
            return typo


def _name_variant(family, forename, rng):
    """Replace one name word of a known variant family by another spelling of the family."""
    words = [(part, k, word) for part, text in enumerate((family, forename))
             for k, word in enumerate(text.split()) if word in _FAMILY_OF]
    if not words:
        return None
    part, k, word = words[rng.integers(len(words))]
    others = [s.upper() for s in _FAMILY_OF[word] if s.upper() != word]
    parts = [family.split(), forename.split()]
    parts[part][k] = others[rng.integers(len(others))]
    return " ".join(parts[0]), " ".join(parts[1])


def _surname(culture, sex, rng):
    """A surname key in the form for ``sex``; Spanish (and half of the Portuguese) persons
    carry two family names."""
    first = _pool(culture, "surname", rng)
    if culture == "spanish" or (culture == "portuguese" and rng.random() < 0.5):
        second = _pool(culture, "surname", rng)
        first = first if second == first else f"{first} {second}"
    return _female(culture, first) if sex == "F" else first


def _other_forename(culture, sex, avoid, rng):
    while True:
        name = _pool(culture, sex, rng)
        if name != avoid:
            return name


# --- notices ----------------------------------------------------------------------------------


def _nationalities(culture, rng):
    countries = CULTURES[culture]["countries"]
    first = countries[rng.integers(len(countries))]
    if rng.random() >= 0.15:
        return [first]
    if first in ("RU", "UA") and rng.random() < 0.4:
        return [first, "UA" if first == "RU" else "RU"]
    others = [c for c in SECOND_NATIONALITIES if c != first]
    return [first, others[rng.integers(len(others))]]


def _languages(culture, nationalities, rng):
    languages = list(CULTURES[culture]["languages"])
    if len(nationalities) > 1 and rng.random() < 0.6:
        languages.append(COUNTRY_LANGUAGES[nationalities[1]])
    if rng.random() < 0.4:
        languages.append("en")
    return ";".join(dict.fromkeys(languages))


def _marks(child, rng):
    pool = MARKS_CHILD if child else MARKS_ADULT
    if rng.random() >= (0.4 if child else 0.55):
        return ""
    count = 1 if child or rng.random() < 0.6 else 2
    return "; ".join(sorted(pool[i] for i in rng.choice(len(pool), count, replace=False)))


def _aliases(subject, colour, rng):
    """0-3 other names (Latin, as the issuer writes them), none equal to the notice's name."""
    culture, sex, system = subject["culture"], subject["sex"], subject["system"]
    count = min(int(rng.poisson(1.0)), 3) if colour != "yellow" else int(rng.random() < 0.15)
    seen = {(subject["family_doc"], subject["forename_doc"])}
    aliases = []
    for _ in range(count):
        kind = rng.integers(3 if _script(culture) == "latin" else 4)
        fore, sur = subject["forename"], subject["surname"]
        if kind in (0, 2):
            sur = _surname(culture, sex, rng)
        if kind in (1, 2):
            fore = _other_forename(culture, sex, fore, rng)
        alias_system = system
        if kind == 3:  # the same name as another country writes it
            alias_system = _systems(culture)[rng.integers(len(_systems(culture)))]
        family = _spell(culture, sur, alias_system, "surname")
        forename = _spell(culture, fore, alias_system, "forename")
        key = (_document(family), _document(forename))
        if key not in seen:
            seen.add(key)
            aliases.append((subject["notice_id"], family, forename))
    return aliases


def _notices(rng, values):
    """The notices, their aliases and one subject (a dict) per notice."""
    n, first, last = values["n_notices"], values["first_date"], values["last_date"]
    colours = rng.choice(len(COLOURS), size=n, p=COLOUR_SHARES)
    cultures = rng.choice(len(CULTURE_NAMES), size=n, p=NOTICE_MIX / NOTICE_MIX.sum())
    numbers = rng.choice(90_000, size=n, replace=False) + 10_000
    window = 8 * 365 + max(int((last - first) / DAY) - 30, 1)
    issued = first - 8 * 365 * DAY + rng.integers(0, window, size=n) * DAY
    rows, aliases, subjects = [], [], []
    for i in range(n):
        culture, colour = CULTURE_NAMES[cultures[i]], COLOURS[colours[i]]
        spec = CULTURES[culture]
        child = colour == "yellow" and rng.random() < 0.8
        sex = "M" if rng.random() < (0.5 if colour == "yellow" else 0.85) else "F"
        age = int(rng.integers(2, 18)) if child else int(rng.integers(18, 71))
        dob = issued[i] - (age * 365 + int(rng.integers(0, 365))) * DAY
        nationalities = _nationalities(culture, rng)
        issuer = nationalities[0] if rng.random() < 0.7 else ISSUERS[rng.integers(len(ISSUERS))]
        system = _system(culture, issuer)
        forename, surname = _pool(culture, sex, rng), _surname(culture, sex, rng)
        birth = None
        married = sex == "F" and not child and _script(culture) in ("latin", "cyrillic")
        if rng.random() < (0.4 if married else 0.03):
            birth = _surname(culture, sex, rng)
            birth = None if birth == surname else birth
        year = str(issued[i])[:4]
        subject = {
            "notice_id": f"{year}/{numbers[i]}", "culture": culture, "sex": sex, "dob": dob,
            "forename": forename, "surname": surname, "birth": birth, "system": system,
            "nationalities": nationalities, "colour": colour, "issued": issued[i],
            "family_latin": _spell(culture, surname, system, "surname"),
            "forename_latin": _spell(culture, forename, system, "forename"),
            "birth_latin": "" if birth is None else _spell(culture, birth, system, "surname"),
        }
        subject["family_doc"] = _document(subject["family_latin"])
        subject["forename_doc"] = _document(subject["forename_latin"])
        shown = rng.random()
        subject["dob_shown"] = str(dob) if shown < 0.85 else str(dob)[:4] if shown < 0.95 else ""
        cities = spec["cities"][nationalities[0]]
        subject["aliases"] = _aliases(subject, colour, rng)
        aliases.extend(subject["aliases"])
        subjects.append(subject)
        rows.append({
            "notice_id": subject["notice_id"], "colour": colour,
            "family_name": subject["family_latin"], "forename": subject["forename_latin"],
            "birth_name": subject["birth_latin"],
            "name_native": _native(culture, forename, surname), "sex": sex,
            "date_of_birth": subject["dob_shown"],
            "place_of_birth": f"{cities[rng.integers(len(cities))]}, {nationalities[0]}",
            "nationalities": ";".join(nationalities),
            "languages": _languages(culture, nationalities, rng),
            "distinguishing_marks": _marks(child, rng), "issued": str(issued[i]),
            "issuing_country": issuer})
    notices = pd.DataFrame(rows, columns=FILES["notices"])
    aliases = pd.DataFrame(aliases, columns=FILES["aliases"])
    return notices, aliases, subjects


# --- the notice subjects' trips -----------------------------------------------------------------


def _transliteration(subject, nationality, rng):
    """Another romanisation of the notice's name (the passport country's if it differs)."""
    culture = subject["culture"]
    exact = (subject["family_doc"], subject["forename_doc"])
    if _script(culture) == "latin":
        spelled = [(_document(subject["family_latin"], expand=True),
                    _document(subject["forename_latin"], expand=True))]
    else:
        systems = [_system(culture, nationality), *_systems(culture)]
        spelled = [(_document(_spell(culture, subject["surname"], s, "surname")),
                    _document(_spell(culture, subject["forename"], s, "forename")))
                   for s in systems]
    options = list(dict.fromkeys(name for name in spelled if name != exact))
    if not options:
        return None
    if options[0] == spelled[0] or rng.random() < 0.5:
        return options[0]
    return options[rng.integers(len(options))]


def _swap_day_month(dob):
    year, month, day = str(dob).split("-")
    return None if int(day) > 12 or day == month else f"{year}-{day}-{month}"


def _variant_names(subject, nationality, rng):
    """Every applicable variant kind -> (family, forename, date of birth) on the trip."""
    family, forename, dob = subject["family_doc"], subject["forename_doc"], str(subject["dob"])
    typo_family = rng.random() < len(family) / (len(family) + len(forename))
    options = {
        "exact": (family, forename, dob),
        "swapped_order": (forename, family, dob),
        "typo": ((_typo(family, rng), forename) if typo_family
                 else (family, _typo(forename, rng))) + (dob,),
        "dob_missing": (family, forename, ""),
    }
    transliterated = _transliteration(subject, nationality, rng)
    if transliterated is not None:
        options["transliteration"] = (*transliterated, dob)
    variant = _name_variant(family, forename, rng)
    if variant is not None:
        options["name_variant"] = (*variant, dob)
    if subject["aliases"]:
        _, alias_family, alias_forename = subject["aliases"][rng.integers(len(subject["aliases"]))]
        options["alias"] = (_document(alias_family), _document(alias_forename), dob)
    if subject["birth"] is not None:
        options["birth_name"] = (_document(subject["birth_latin"]), forename, dob)
    swapped = _swap_day_month(subject["dob"])
    if swapped is not None:
        options["dob_swapped"] = (family, forename, swapped)
    return options


def _subject_trips(rng, values, subjects):
    """Trips of the travelling notice subjects, one variant each, the kinds in proportion to
    :data:`VARIANTS` (a running quota over the trips in random order)."""
    n_trips = round(values["subject_trip_share"] * values["n_trips"])
    n_travelling = min(round(values["travelling_share"] * len(subjects)), n_trips)
    if n_travelling == 0:
        return []
    travelling = rng.choice(len(subjects), size=n_travelling, replace=False)
    extra = rng.multinomial(n_trips - n_travelling, np.full(n_travelling, 1 / n_travelling))
    order = rng.permutation(np.repeat(travelling, 1 + extra))
    used = dict.fromkeys(VARIANTS, 0)
    trips = []
    first = values["first_date"]
    for done, index in enumerate(order):
        subject = subjects[index]
        nationalities = subject["nationalities"]
        nationality = nationalities[0] if rng.random() < 0.7 else nationalities[-1]
        options = _variant_names(subject, nationality, rng)
        kind = max(options, key=lambda k: VARIANTS[k] * (done + 1) - used[k])
        used[kind] += 1
        family, forename, dob = options[kind]
        trips.append({"person": int(index), "family_name": family, "forename": forename,
                      "sex": subject["sex"], "date_of_birth": dob, "nationality": nationality,
                      "notice_id": subject["notice_id"], "variant": kind, "is_trap": False,
                      "looks_like": "", "earliest": max(0, int((subject["issued"] - first) / DAY))})
    return trips


# --- traps --------------------------------------------------------------------------------------


def _trap(subject, kind, rng):
    """A different person who looks like ``subject``: (family, forename, sex, dob, nationality)."""
    culture, sex, dob = subject["culture"], subject["sex"], subject["dob"]
    family, forename = subject["family_doc"], subject["forename_doc"]
    nationality = subject["nationalities"][0]
    year_start = np.datetime64(str(dob)[:4] + "-01-01", "D")
    if kind == "namesake":
        years = int(rng.integers(1, 16)) * (1 if rng.random() < 0.5 else -1)
        dob = dob + (years * 365 + int(rng.integers(-100, 101))) * DAY
        if str(dob)[:4] == str(subject["dob"])[:4]:
            dob = dob + 365 * DAY
        others = [c for c in CULTURES[culture]["countries"] + SECOND_NATIONALITIES
                  if c not in subject["nationalities"]]
        nationality = others[rng.integers(len(others))]
    elif kind == "near_name":
        if rng.random() < 0.5:
            family = _typo(family, rng)
        else:
            forename = _typo(forename, rng)
        shifted = year_start + int(rng.integers(0, 364)) * DAY
        dob = shifted if shifted != dob else shifted + DAY
    elif kind == "other_sex":  # a twin
        sex = "F" if sex == "M" else "M"
        family = _document(_spell(culture, _surname_as(culture, subject["surname"], sex),
                                  subject["system"], "surname"))
        forename = _document(_spell(culture, _pool(culture, sex, rng), subject["system"],
                                    "forename"))
    else:  # relative: a parent, a child or a sibling
        other_sex = "M" if rng.random() < 0.5 else "F"
        name = _other_forename(culture, other_sex, subject["forename"], rng)
        forename = _document(_spell(culture, name, subject["system"], "forename"))
        if forename == subject["forename_doc"]:
            forename = _typo(forename, rng)
        sex = other_sex
        family = _document(_spell(culture, _surname_as(culture, subject["surname"], sex),
                                  subject["system"], "surname"))
        years = int(rng.integers(2, 31)) * (1 if rng.random() < 0.5 else -1)
        dob = dob + (years * 365 + int(rng.integers(-150, 151))) * DAY
    return family, forename, sex, dob, nationality


def _trap_trips(rng, values, subjects, first_person):
    """Trips of look-alike persons (:data:`TRAPS`) and their ground-truth rows."""
    n_trips = round(values["trap_share"] * values["n_trips"])
    dated = [s for s in subjects if s["dob_shown"]] or subjects
    trips, persons = [], []
    while len(trips) < n_trips:
        subject = dated[rng.integers(len(dated))]
        kind = TRAPS[rng.choice(len(TRAPS), p=TRAP_SHARES)]
        family, forename, sex, dob, nationality = _trap(subject, kind, rng)
        person = first_person + len(persons)
        persons.append({"person": person, "notice_id": "", "culture": subject["culture"],
                        "sex": sex, "date_of_birth": str(dob), "is_trap": True,
                        "looks_like": subject["notice_id"]})
        count = min(int(rng.choice(3, p=(0.6, 0.3, 0.1))) + 1, n_trips - len(trips))
        trips.extend({"person": person, "family_name": family, "forename": forename,
                      "sex": sex, "date_of_birth": str(dob), "nationality": nationality,
                      "notice_id": "", "variant": kind, "is_trap": True,
                      "looks_like": subject["notice_id"], "earliest": 0} for _ in range(count))
    return trips, persons


# --- the general public (vectorised) -------------------------------------------------------------


@cache
def _name_table(culture, system):
    """Document forms of a culture's whole name pools in one romanisation system."""
    spec = CULTURES[culture]
    male, female, surnames = spec["male"], spec["female"], spec["surnames"]
    if _script(culture) == "chinese":  # given names of one or two syllables
        male, female = ([(a,) for a in names] + [(a, b) for a in names for b in names]
                        for names in (male, female))

    def docs(names, part):
        return np.array([_document(_spell(culture, name, system, part)) for name in names],
                        dtype=object)

    return {"M": docs(male, "forename"), "F": docs(female, "forename"),
            "surname_M": docs(surnames, "surname"),
            "surname_F": docs([_female(culture, name) for name in surnames], "surname")}


def _public(rng, values, n_trips, subjects):
    """Persons of the general public (none with a notice's exact name and date of birth) and
    the person of each of their ``n_trips`` trips."""
    n = max(1, min(n_trips, round(n_trips / 1.8)))
    culture = rng.choice(len(CULTURE_NAMES), size=n, p=PUBLIC_MIX / PUBLIC_MIX.sum())
    female = rng.random(n) < 0.5
    family, forename, nationality = (np.empty(n, dtype=object) for _ in range(3))
    for c, name in enumerate(CULTURE_NAMES):
        rows = np.flatnonzero(culture == c)
        countries = CULTURES[name]["countries"]
        country = rng.integers(len(countries), size=len(rows))
        for k, code in enumerate(countries):
            table = _name_table(name, _system(name, code))
            for sex, is_female in (("M", False), ("F", True)):
                idx = rows[(country == k) & (female[rows] == is_female)]
                nationality[idx] = code
                forename[idx] = table[sex][rng.integers(len(table[sex]), size=len(idx))]
                surnames = table["surname_" + sex]
                family[idx] = surnames[rng.integers(len(surnames), size=len(idx))]
                second = surnames[rng.integers(len(surnames), size=len(idx))]
                two = np.full(len(idx), name == "spanish")
                if name == "portuguese":
                    two = rng.random(len(idx)) < 0.5
                family[idx[two]] = family[idx[two]] + " " + second[two]
    child = rng.random(n) < 0.15
    age = np.where(child, rng.integers(0, 18 * 365, size=n), rng.integers(18 * 365, 80 * 365,
                                                                          size=n))
    dob = values["first_date"] - age * DAY
    keys = family + "|" + forename + "|" + np.datetime_as_string(dob).astype(object)
    taken = {f"{s['family_doc']}|{s['forename_doc']}|{s['dob']}" for s in subjects}
    clash = pd.Series(keys).isin(taken).to_numpy()
    dob[clash] -= rng.integers(400, 4000, size=int(clash.sum())) * DAY
    person = np.concatenate([np.arange(n), rng.integers(n, size=n_trips - n)])
    persons = {"culture": np.array(CULTURE_NAMES, dtype=object)[culture],
               "sex": np.where(female, "F", "M").astype(object), "dob": dob}
    trips = {"family_name": family[person], "forename": forename[person],
             "sex": persons["sex"][person], "nationality": nationality[person],
             "date_of_birth": np.datetime_as_string(dob[person]).astype(object)}
    trips["date_of_birth"][rng.random(n_trips) < 0.03] = ""
    return persons, trips, person


def _characters(rng, alphabet, n, width):
    codes = alphabet[rng.integers(len(alphabet), size=(n, width))]
    return np.ascontiguousarray(codes).view(f"S{width}").ravel().astype(str).astype(object)


def _bookings(rng, values, earliest):
    """Record locators, routes, times and carriers of trips departing on or after day
    ``earliest`` (an array, days from ``first_date``); the order that sorts them by time."""
    n = len(earliest)
    days = int((values["last_date"] - values["first_date"]) / DAY) + 1
    day = earliest + (rng.random(n) * (days - earliest)).astype(np.int64)
    minute = day * 1440 + 300 + 5 * rng.integers(0, 228, size=n)  # 05:00-23:55
    origin = rng.integers(len(AIRPORTS), size=n)
    destination = (origin + 1 + rng.integers(len(AIRPORTS) - 1, size=n)) % len(AIRPORTS)
    airports = np.array(AIRPORTS, dtype=object)
    start = values["first_date"].astype("datetime64[m]")
    departure = np.datetime_as_string(start + minute.astype("m8[m]"), unit="m").astype("S16")
    departure.view(np.uint8).reshape(-1, 16)[:, 10] = ord(" ")
    booked = values["first_date"] + (day - rng.geometric(0.04, size=n)) * DAY
    bookings = {
        "record_locator": _characters(rng, LOCATOR_LETTERS, n, 6),
        "origin": airports[origin], "destination": airports[destination],
        "departure": departure.astype(str).astype(object),
        "carrier": np.array(CARRIERS, dtype=object)[rng.integers(len(CARRIERS), size=n)],
        "booked": np.datetime_as_string(booked).astype(object),
    }
    return bookings, np.lexsort((rng.random(n), minute))


def _document_numbers(rng, n):
    letters = _characters(rng, LOCATOR_LETTERS[:24], n, 2)
    digits = _characters(rng, np.frombuffer(b"0123456789", dtype=np.uint8), n, 7)
    return letters + digits


# --- the generator ----------------------------------------------------------------------------


def make_travel_tables(config, rng):
    """The tables of :func:`make_travel_records` without writing them.

    Parameters
    ----------
    config : dict
        As for :func:`make_travel_records`.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    files : dict
        ``notices``, ``aliases`` and ``trips`` (the columns of :data:`FILES`), sorted by id.
    truth : dict
        ``persons`` and ``trips`` (see :func:`make_travel_records`).

    Examples
    --------
    >>> from vidlab.seed import make_rng
    >>> files, truth = make_travel_tables({"n_notices": 20, "n_trips": 500}, make_rng(3))
    >>> len(files["notices"]), len(files["trips"]), len(truth["trips"])
    (20, 500, 500)
    """
    values = _check_config(config)
    notices, aliases, subjects = _notices(rng, values)
    subject_trips = _subject_trips(rng, values, subjects)
    trap_trips, trap_persons = _trap_trips(rng, values, subjects, len(subjects))
    n_public = values["n_trips"] - len(subject_trips) - len(trap_trips)
    public, public_trips, public_person = _public(rng, values, n_public, subjects)

    first_public = len(subjects) + len(trap_persons)
    small = pd.DataFrame(subject_trips + trap_trips,
                         columns=["person", "family_name", "forename", "sex", "date_of_birth",
                                  "nationality", "notice_id", "variant", "is_trap",
                                  "looks_like", "earliest"])
    trips = pd.concat([small, pd.DataFrame({
        "person": public_person + first_public, **public_trips, "notice_id": "", "variant": "",
        "is_trap": False, "looks_like": "", "earliest": 0})], ignore_index=True)
    trips["person"] = trips["person"].astype(np.int64)
    n_persons = first_public + len(public["sex"])
    trips["document_number"] = _document_numbers(rng, n_persons)[trips["person"].to_numpy()]
    bookings, order = _bookings(rng, values, trips["earliest"].to_numpy(dtype=np.int64))
    for column, data in bookings.items():
        trips[column] = data
    trips = trips.iloc[order].reset_index(drop=True)
    trips.insert(0, "trip_id", _ids("T", np.arange(1, len(trips) + 1), _width(len(trips), 7)))
    width = _width(n_persons, 7)
    trips["person_id"] = _ids("P", trips["person"].to_numpy() + 1, width)

    persons = pd.concat([
        pd.DataFrame({"person": np.arange(len(subjects)),
                      "notice_id": [s["notice_id"] for s in subjects],
                      "culture": [s["culture"] for s in subjects],
                      "sex": [s["sex"] for s in subjects],
                      "date_of_birth": [str(s["dob"]) for s in subjects],
                      "is_trap": False, "looks_like": ""}),
        pd.DataFrame(trap_persons, columns=["person", "notice_id", "culture", "sex",
                                            "date_of_birth", "is_trap", "looks_like"]),
        pd.DataFrame({"person": np.arange(len(public["sex"])) + first_public,
                      "notice_id": "", "culture": public["culture"], "sex": public["sex"],
                      "date_of_birth": np.datetime_as_string(public["dob"]).astype(object),
                      "is_trap": False, "looks_like": ""})], ignore_index=True)
    persons.insert(0, "person_id",
                   _ids("P", persons.pop("person").to_numpy(dtype=np.int64) + 1, width))
    persons["is_trap"] = persons["is_trap"].astype(bool)

    files = {
        "notices": notices.sort_values("notice_id", kind="stable", ignore_index=True),
        "aliases": aliases.sort_values(FILES["aliases"], kind="stable", ignore_index=True),
        "trips": trips[FILES["trips"]],
    }
    truth = {"persons": persons,
             "trips": trips[["trip_id", "person_id", "notice_id", "variant", "is_trap",
                             "looks_like"]].astype({"is_trap": bool})}
    return files, truth


@register_generator("travel_records")
def make_travel_records(out_dir, config, rng):
    """Write synthetic notices, their aliases and trips under ``out_dir``; return the truth.

    Parameters
    ----------
    out_dir : path-like
        The folder to write (created): ``notices.csv``, ``aliases.csv``, ``trips.csv`` with
        the columns of :data:`FILES`.
    config : dict
        ``n_notices`` (in [10, 50000]; default 300), ``n_trips`` (in [100, 20000000];
        20000), ``travelling_share`` (0.6: share of the notice subjects who travel),
        ``subject_trip_share`` (0.02: share of the trips made by notice subjects),
        ``trap_share`` (0.02: share of the trips made by look-alikes), ``first_date`` and
        ``last_date`` of the departures ("2024-01-01", "2024-12-31"). See :data:`DEFAULTS`.
    rng : numpy.random.Generator
        The only source of randomness.

    Returns
    -------
    dict
        ``persons`` (person_id, notice_id, culture, sex, date_of_birth, is_trap, looks_like)
        and ``trips`` (trip_id, person_id, notice_id, variant, is_trap, looks_like).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from vidlab.seed import make_rng
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "travel"
    >>> truth = make_travel_records(out, {"n_notices": 40, "n_trips": 3000}, make_rng(1))
    >>> trips = truth["trips"]
    >>> int((trips["notice_id"] != "").sum()), int(trips["is_trap"].sum())
    (60, 60)
    >>> sorted(set(trips["variant"]) - {""})  # doctest: +NORMALIZE_WHITESPACE
    ['alias', 'birth_name', 'dob_missing', 'dob_swapped', 'exact', 'name_variant', 'namesake',
     'near_name', 'other_sex', 'relative', 'swapped_order', 'transliteration', 'typo']
    """
    files, truth = make_travel_tables(config, rng)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, table in files.items():
        (out_dir / f"{name}.csv").write_bytes(
            table.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return truth
