"""Tests of vidlab.victimid.clues: barcodes, socket, script and climate clues, country ranking."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from vidlab.exceptions import ImageDecodeError, InvalidParameterError
from vidlab.seed import make_rng
from vidlab.synth import world
from vidlab.victimid import clues as C

matplotlib.use("Agg")

COUNTRIES = sorted(world.COUNTRIES)


@pytest.fixture(scope="module")
def held_out():
    """Held-out rooms (seeds 1000 + i, never used for training), one per country."""
    return [world.make_location(make_rng(1000 + i), c, world.ROOM_TYPES[i % 5], f"H{i}")
            for i, c in enumerate(COUNTRIES)]


def _shot(location, focus, seed, size=(1024, 683)):
    view = world.random_view(location, make_rng(seed), aspect=size[0] / size[1], focus=focus)
    return world.render_scene(location, view, size=size)


# --- barcodes --------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["4006381333931", "0378407455212", "7294231491444"])
@pytest.mark.parametrize("module", [2, 3])
def test_clean_barcodes_are_read(code, module):
    assert C.read_barcodes(world.barcode_image(code, module=module)) == [code]


def test_no_barcode_in_blank_or_texture():
    assert C.read_barcodes(np.full((80, 120), 255, np.uint8)) == []
    assert C.read_barcodes(world.render_texture(make_rng(3), (320, 240))) == []


def test_barcodes_read_on_product_closeups(held_out):
    # measured: 15 of 15 close-ups (1024x683) read, no misread; require 12 of 15
    read = wrong = 0
    for i, location in enumerate(held_out):
        codes = C.read_barcodes(_shot(location, "product", 50 + i))
        read += location.barcode in codes
        wrong += sum(code != location.barcode for code in codes)
    assert read >= 12
    assert wrong == 0


def test_barcode_read_after_jpeg(tmp_path, held_out):
    location = held_out[3]
    path = tmp_path / "closeup.jpg"
    _shot(location, "product", 53).save(path, quality=92)
    assert C.read_barcodes(path) == [location.barcode]


def test_gs1_country():
    assert C.gs1_country("5000000000000") == "GB"
    assert C.gs1_country("019") == "US"
    assert C.gs1_country("200") is None
    with pytest.raises(InvalidParameterError, match="'code'"):
        C.gs1_country("ab")


# --- detectors -------------------------------------------------------------------------------


def test_plug_scores_shape_and_clean_sockets():
    scores = C.detect_plug_type(world.socket_image("G", size=(160, 120)))
    assert list(scores.index) == list(C.PLUG_TYPES)
    assert scores.between(0, 1).all()
    right = sum(C.detect_plug_type(world.socket_image(t, size=(160, 120))).idxmax() == t
                for t in C.PLUG_TYPES)
    assert right >= 9  # measured 10 of 12 (D and M, the same holes a little larger, mix)


# held-out rooms whose socket is in view; in the other 10 it is hidden behind furniture
VISIBLE_SOCKETS = (1, 9, 11, 13, 14)  # BR N, IN D, RU F, US B, ZA M


@pytest.mark.parametrize("size", [(1024, 683), (560, 373)])
def test_plug_type_on_socket_closeups(held_out, size):
    # measured at both sizes: 4 of the 5 visible sockets right (IN's D read as M), and no
    # answer at all for the 10 sockets hidden behind furniture
    right = declined = 0
    for i, location in enumerate(held_out):
        scores = C.detect_plug_type(_shot(location, "socket", 77 + i, size=size))
        if i in VISIBLE_SOCKETS:
            right += scores.idxmax() == location.plug_type and scores.max() >= C._PLUG_MIN
        else:
            declined += scores.max() < C._PLUG_MIN
    assert right >= 3
    assert declined >= 9


def test_plug_type_declines_without_socket():
    assert (C.detect_plug_type(np.full((120, 160, 3), 230, np.uint8)) == 0).all()
    assert (C.detect_plug_type(world.render_texture(make_rng(5), (320, 240))) == 0).all()
    frame = C.series_clues([world.barcode_image("4006381333931", module=2)])
    row = frame.set_index("clue").loc["plug_type"]
    assert (row["value"], row["confidence"]) == ("", 0.0)


def test_synthetic_sockets_are_deterministic():
    a, box_a = C._synthetic_socket(make_rng(4), "J")
    b, box_b = C._synthetic_socket(make_rng(4), "J")
    assert np.array_equal(a, b) and box_a == box_b


def test_climate_on_window_closeups(held_out):
    right = sum(C.detect_climate(_shot(loc, "window", 50 + i)).idxmax() == loc.climate
                for i, loc in enumerate(held_out))
    assert right >= 9  # measured 12 of 15 (chance 1.5)


def test_climate_probabilities():
    p = C.detect_climate(world.outdoor_image("desert", (200, 150), 4))
    assert list(p.index) == list(world.CLIMATES)
    assert p.sum() == pytest.approx(1.0, abs=1e-3)
    assert p.between(0, 1).all()


def test_script_on_document_pages():
    # measured 3 of 5 (RU, GR, EG right; IL and FR wrong): the script clue is weak
    pages = [("RU", "Cyrillic"), ("GR", "Greek"), ("IL", "Hebrew"), ("EG", "Arabic"),
             ("FR", "Latin")]
    right = sum(C.detect_script(world.render_document(make_rng(1), c, (400, 560))).idxmax() == s
                for c, s in pages)
    assert right >= 3


def test_script_without_text_is_zero():
    scores = C.detect_script(np.full((100, 150, 3), 200, np.uint8))
    assert (scores == 0).all()


# --- combining -------------------------------------------------------------------------------


def test_rank_countries_uses_every_clue():
    ranking = C.rank_countries({"gs1_prefix": "460", "plug_type": "F", "script": "Cyrillic",
                                "climate": "snowy"})
    assert ranking.iloc[0]["country"] == "RU"
    assert ranking["probability"].sum() == pytest.approx(1.0, abs=1e-3)
    assert ranking.iloc[0]["evidence"].count(";") == 3
    # plug F and temperate: Germany and Türkiye tie ahead of the rest
    tie = C.rank_countries({"plug_type": "F", "climate": "temperate"})
    assert set(tie["country"][:2]) == {"DE", "TR"}
    assert tie["score"][0] == tie["score"][1]


def test_rank_countries_confidence_weakens_a_clue():
    sure = C.rank_countries({"climate": ("desert", 1.0)}).iloc[0]["probability"]
    unsure = C.rank_countries({"climate": ("desert", 0.2)}).iloc[0]["probability"]
    assert sure > unsure > 1 / 15


def test_rank_countries_bad_input():
    with pytest.raises(InvalidParameterError, match="unknown clue 'voltage'"):
        C.rank_countries({"voltage": "230"})
    with pytest.raises(InvalidParameterError, match="'clues'"):
        C.rank_countries(["F"])
    with pytest.raises(InvalidParameterError, match="'clues'"):
        C.rank_countries(pd.DataFrame({"x": [1]}))


def test_series_ranking_held_out(held_out):
    # series of 4 random views for 5 countries; the true country must be in the top 3 of 4
    results, truth = {}, []
    for i in (1, 6, 11, 13, 14):
        location = held_out[i]
        rng = make_rng(500 + i)
        images = [world.render_scene(location, world.random_view(location, rng, aspect=1.5),
                                     size=(768, 512)) for _ in range(3)]
        images.append(_shot(location, "product", 60 + i, size=(768, 512)))
        frame = C.series_clues(images)
        assert list(frame["clue"]) == list(C.CLUES)
        results[f"S{i}"] = (frame, C.rank_countries(frame))
        truth.append({"series_id": f"S{i}", "country": location.country,
                      "plug_type": location.plug_type, "script": location.script,
                      "climate": location.climate, "gs1_prefix": location.gs1_prefix})
    report = C.evaluate_location_clues(results, pd.DataFrame(truth)).set_index("metric")
    assert report.loc["top3", "value"] >= 0.8
    assert report.loc["gs1_prefix_accuracy", "value"] >= 0.75


def test_evaluate_unknown_series():
    frame = C.series_clues([world.barcode_image("4006381333931", module=2)])
    truth = pd.DataFrame([{"series_id": "S1", "country": "DE"}])
    with pytest.raises(InvalidParameterError, match="'S9'"):
        C.evaluate_location_clues({"S9": (frame, C.rank_countries(frame))}, truth)


def test_plot_country_ranking():
    ax = C.plot_country_ranking(C.rank_countries({"gs1_prefix": "729"}), top=3)
    assert len(ax.patches) == 3
    assert "GS1 prefix 729" in [t.get_text() for t in ax.texts]


# --- bad input -------------------------------------------------------------------------------


def test_bad_images(tmp_path):
    with pytest.raises(InvalidParameterError, match="'image' parameter of read_barcodes"):
        C.read_barcodes(42)
    with pytest.raises(InvalidParameterError, match="shape"):
        C.detect_climate(np.zeros((3, 3)))
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ImageDecodeError):
        C.detect_plug_type(broken)
    with pytest.raises(InvalidParameterError, match="at least one picture"):
        C.series_clues([])


def test_world_helpers_validate():
    with pytest.raises(InvalidParameterError, match="'plug_type'"):
        world.socket_image("Z")
    with pytest.raises(InvalidParameterError, match="'climate'"):
        world.outdoor_image("lunar")


def test_trained_models_are_kept_on_disk_and_retrained_when_unreadable(tmp_path, monkeypatch):
    import vidlab.victimid.clues as clues

    monkeypatch.setenv("VIDLAB_CACHE", str(tmp_path))
    calls = []

    def _tiny_model():
        calls.append(1)
        return {"weights": [1.0, 2.0]}

    assert clues._trained(_tiny_model)() == {"weights": [1.0, 2.0]}
    (saved,) = tmp_path.glob("clues_tiny_model-*.pickle")
    assert clues._trained(_tiny_model)() == {"weights": [1.0, 2.0]}  # as in a new process
    assert calls == [1]
    saved.write_bytes(b"not a pickle")
    assert clues._trained(_tiny_model)() == {"weights": [1.0, 2.0]}
    assert calls == [1, 1]
