"""The real built site, served from a sub-path, in headless Chromium through window.lofi."""

from __future__ import annotations

import json
import re

import pytest

from .browser import open_lofi

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(built_site_url):  # conftest: the tiny content, built and served once a session
    return built_site_url


@pytest.fixture
def page(browser, site):  # browser: conftest's headless Chromium
    context = browser.new_context()
    yield open_lofi(context, site)
    context.close()


def test_model_loads_and_composes_tokens_from_the_vocabulary(page, built_site):
    """The tiny site's model writes lead sheets (the default encoding): a piece of a number of bars,
    framed by "<s>" and "</s>", a bar line ("|1"...) at each bar ("timed" solos: test_generation_browser)."""
    page, watch = page
    meta = json.loads((built_site / "model" / "generation.json").read_text())
    assert meta["encoding"] == "leadsheet"
    info = page.evaluate("() => window.lofi.loadModel()")
    assert info["vocabSize"] == len(meta["vocab"])
    assert info["backend"] == "wasm"
    tokens = page.evaluate("() => window.lofi.generate({seed: 7, temperature: 1.0, bars: 4})")
    assert tokens[0] == "<s>" and tokens[-1] == "</s>" and sum(t.startswith("|") for t in tokens) == 4
    assert set(tokens) <= set(meta["vocab"])
    assert any(t.startswith("n") for t in tokens)  # a melody, not only rests
    again = page.evaluate("() => window.lofi.generate({seed: 7, temperature: 1.0, bars: 4})")
    assert again == tokens  # the same seed and settings give the same piece
    other = page.evaluate("() => window.lofi.generate({seed: 8, temperature: 1.5, bars: 4})")
    assert other != tokens
    assert page.evaluate("() => window.lofi.state().modelLoaded") is True
    assert not watch.errors


def test_a_few_bars_rendered_offline_are_not_silent(page):
    page, watch = page
    song = page.evaluate("() => window.lofi.renderOffline({song: 'first-light', bars: 2})")
    assert song["seconds"] == pytest.approx(2 * 4 * 60 / 72, rel=0.05)  # two bars at the song's 72 BPM
    assert song["rms"] > 0.005 and song["peak"] > 0.05
    solo = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 2})")
    assert solo["rms"] > 0.005
    assert not watch.errors


def test_play_and_stop_through_the_api(page):
    page, watch = page
    page.evaluate("() => window.lofi.play({song: 'first-light'})")
    state = page.evaluate("() => window.lofi.state()")
    assert state["playing"] is True and state["song"] == "first-light" and state["bpm"] == 72
    page.wait_for_timeout(300)
    page.evaluate("() => window.lofi.stop()")
    assert page.evaluate("() => window.lofi.state().playing") is False
    assert not watch.errors


def test_play_replays_a_piece_once_it_is_whole_and_composes_for_new_settings(page):
    """The Play button: the first press composes (the tokens stream into the page); once the piece
    is written to its end, Play with the same settings replays it, whatever the form's token
    length says (a lead sheet's size is its bars); other settings compose again."""
    page, watch = page
    page.select_option("#song", "ai")
    page.click("#ai-settings summary")  # the advanced fold
    page.fill("#length", "1024")
    page.fill("#seed", "4")

    def press(button: str, until: str) -> None:
        page.wait_for_function(f"() => !document.getElementById('{button}').disabled")
        page.click(f"#{button}")
        page.wait_for_function(f"() => {until}", timeout=30000)

    written = "window.lofi.state().playing && window.lofi.state().solo && !window.lofi.state().solo.generating"
    press("play", written)
    tokens = page.evaluate("() => window.lofi.lastSolo().tokens")
    assert tokens[-1] == "</s>" and page.inner_text("#tokens") == " ".join(tokens)
    press("stop", "!window.lofi.state().playing")
    # A new composition would clear the tokens shown and stream its own there.
    page.evaluate("() => { document.getElementById('tokens').textContent = 'the piece before'; }")
    press("play", written)
    assert page.inner_text("#tokens") == "the piece before"
    assert page.evaluate("() => window.lofi.lastSolo().tokens") == tokens
    press("stop", "!window.lofi.state().playing")
    page.fill("#seed", "5")
    press("play", written)
    assert page.inner_text("#tokens") == " ".join(page.evaluate("() => window.lofi.lastSolo().tokens"))
    assert page.evaluate("() => window.lofi.lastSolo().tokens") != tokens
    press("stop", "!window.lofi.state().playing")
    assert not watch.errors


def test_no_request_leaves_the_sites_origin(page, site):
    page, watch = page
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate("() => window.lofi.renderOffline({song: 'first-light', bars: 1})")
    origin = site.split("/lofi-player/")[0]
    assert watch.requests, "the page made no requests at all"
    assert any(u.endswith(".wasm") for u in watch.requests)
    assert watch.foreign_requests(origin) == []


def test_the_page_declares_a_strict_csp_and_breaks_none_of_it(page, built_site):
    page, watch = page
    html = (built_site / "index.html").read_text()
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)[1]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy and "'unsafe-inline'" not in policy
    assert "unsafe-eval'" not in policy.replace("'wasm-unsafe-eval'", "")
    assert "<script>" not in html and " on" + "click=" not in html
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate("() => window.lofi.generate({seed: 3, bars: 2})")
    page.evaluate("() => window.lofi.play({song: 'first-light'})")
    page.wait_for_timeout(500)
    page.evaluate("() => window.lofi.stop()")
    page.evaluate("() => window.lofi.renderOffline({song: 'first-light', bars: 1})")
    assert watch.csp_violations() == []
    assert not watch.errors


# Greedy pieces the page and Python must agree on: following chords in D major (moved to C major
# and back), and free (the model's own chords, in the seed's key).
GREEDY_PIECES = [
    {"progression": "Em7 A7 | Dmaj7 Bm7", "seed": 0, "bars": 6},
    {"progression": None, "seed": 5, "bars": 4},
]


def one_pass(parsed: dict) -> list[dict]:
    """The chord field's chords as builder/generate.py's compose takes them: [{step, length, symbol}]."""
    return [
        {"step": c["bar"] * 16 + c["step"], "length": c["sixteenths"], "symbol": c["symbol"]} for c in parsed["chords"]
    ]


def test_browser_composition_carries_state_exactly_like_keras(page, built_site):
    """A greedy lead sheet composed in the page equals builder/generate.py's compose at temperature 0
    with the Keras model's weights.

    The Python stepper is itself checked against Keras's whole-sequence predict (test_evaluate), so
    equal tokens mean the page's TF.js LSTM, run a step at a time in the worker, carries its state
    as Keras does. (tests/test_grammar_parity.py checks the grammar, sampler and piece builder on
    logits Python gives them, not the page's model: both are needed.)
    """
    from builder.generate import compose
    from builder.stepper import Stepper
    from builder.tf_env import import_keras

    page, watch = page
    meta = json.loads((built_site / "model" / "generation.json").read_text())
    model = import_keras().models.load_model(built_site.parent / "content" / "model" / "model.h5", compile=False)
    stepper = Stepper(model)
    for case in GREEDY_PIECES:
        chords = None
        if case["progression"]:
            chords = one_pass(page.evaluate("(text) => window.lofi.parseProgression(text)", case["progression"]))
        expected = compose(stepper, meta["vocab"], bars=case["bars"], seed=case["seed"], chords=chords, temperature=0)
        piece = page.evaluate("(c) => window.lofi.compose({...c, temperature: 0})", case)
        assert piece["tokens"] == expected["tokens"], case
        assert len(piece["tokens"]) > 4 * case["bars"], case  # notes were written, not only bar lines
        for field in ("key", "chords", "melody", "mapped"):
            assert piece[field] == expected[field], (field, case)
    assert not watch.errors


def test_generation_leaks_no_tensors(page):
    page, _ = page
    page.evaluate("() => window.lofi.generate({seed: 1, bars: 1})")
    before = page.evaluate("() => window.lofi.tensorCount()")
    page.evaluate("async () => { for (let i = 0; i < 20; i++) await window.lofi.generate({seed: i, bars: 2}); }")
    assert page.evaluate("() => window.lofi.tensorCount()") == before
