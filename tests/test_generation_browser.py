"""In-browser generation: the worker, streaming, seeds, primers, leaks, the fallback, passes.

The tiny site's model is a lead sheet (the default encoding): generate() composes a piece there, its
size in bars. The article-style "timed" encoding still works (its own tiny site below): a solo of
a number of tokens, primed by a song or chords. Regression checks, not timings: `make bench`
(bench/generation.py) measures the speed.
"""

from __future__ import annotations

import json

import pytest

from .browser import open_lofi

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(browser, built_site_url):  # conftest: headless Chromium; the tiny site, served
    """open_page(route=None) -> (page, watch); `route(page)` may intercept requests before loading."""
    contexts = []

    def opener(route=None):
        # page.route does not see requests that the service worker answers: block it then.
        context = browser.new_context(service_workers="block" if route else "allow")
        contexts.append(context)
        return open_lofi(context, built_site_url, route)

    yield opener
    for context in contexts:
        context.close()


@pytest.fixture
def vocab(timed_site):
    return json.loads((timed_site / "model" / "generation.json").read_text())["vocab"]


def test_the_tiny_site_has_a_lead_sheet_model(built_site):
    assert json.loads((built_site / "model" / "generation.json").read_text())["encoding"] == "leadsheet"


def test_generation_runs_in_a_web_worker_on_wasm(open_page, built_site):
    page, watch = open_page()
    info = page.evaluate("() => window.lofi.loadModel()")
    assert info["backend"] == "wasm"
    page.evaluate("() => window.lofi.generate({seed: 1, bars: 1})")
    state = page.evaluate("() => window.lofi.state()")
    assert state["generator"] == "worker"
    assert any(u.endswith("/lofi-player/assets/worker.js") for u in watch.requests)
    assert any(u.endswith(".wasm") and "/lofi-player/assets/tfjs-wasm/" in u for u in watch.requests)
    # TensorFlow.js is bundled into the worker only, not into the page's own bundle; and only what
    # the stepper runs: the wasm backend (its SIMD flag), not the webgl one.
    worker = (built_site / "assets" / "worker.js").read_text()
    assert "WASM_HAS_SIMD_SUPPORT" in worker and "WEBGL_VERSION" not in worker
    assert "WASM_HAS_SIMD_SUPPORT" not in (built_site / "assets" / "app.js").read_text()
    assert [p.name for p in (built_site / "assets" / "tfjs-wasm").iterdir()] == ["tfjs-backend-wasm-simd.wasm"]
    assert not watch.errors


def test_tokens_stream_before_the_solo_is_complete(open_page):
    page, watch = open_page()
    page.evaluate("() => window.lofi.loadModel()")
    result = page.evaluate(
        """async () => {
            const streamed = [];
            let firstAt = null;
            const tokens = await window.lofi.generate({seed: 5, bars: 16, onToken: (token, index) => {
                firstAt ??= performance.now();
                streamed.push([index, token]);
            }});
            return {tokens, streamed, firstBeforeEnd: firstAt !== null && firstAt < performance.now()};
        }"""
    )
    assert result["firstBeforeEnd"]
    assert [t for _, t in result["streamed"]] == result["tokens"]
    assert [i for i, _ in result["streamed"]] == list(range(len(result["tokens"])))
    assert (
        result["tokens"][0] == "<s>"
        and result["tokens"][-1] == "</s>"
        and sum(t.startswith("|") for t in result["tokens"]) == 16
    )
    assert not watch.errors


# The page's longest main-thread stall (ms) from now until stop(): the gap between two ticks of a
# 5 ms timer, less the 5 ms. It is what a busy machine does to any callback on the page.
STALL_WATCH_JS = """() => {
    let last = performance.now(), worst = 0;
    const timer = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last - 5);
        last = now;
    }, 5);
    window.stallWatch = {stop: () => (clearInterval(timer), Math.max(worst, performance.now() - last - 5))};
}"""


def test_the_first_ai_note_plays_before_generation_ends(browser, timed_site_url, open_page):
    """play() starts the solo on its first note while the worker is still writing the rest. On the
    timed site: a solo of 4,096 tokens takes the tiny model far longer to write than its first note
    takes to sound (a lead sheet's first bar is enough to start: tests/js/compose.test.js)."""
    context = browser.new_context()
    page, watch = open_lofi(context, timed_site_url)
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate(STALL_WATCH_JS)
    page.evaluate("() => window.lofi.play({song: 'ai', solo: {seed: 3, length: 4096}})")
    page.wait_for_function("() => window.lofi.state().solo?.firstNote", timeout=20000)
    stall = page.evaluate("() => window.stallWatch.stop()")
    solo = page.evaluate("() => window.lofi.state().solo")
    first = solo["firstNote"]
    assert first["generationDone"] is False
    assert 0 < first["tokensGenerated"] < 4096
    # The first note is triggered ahead of its audio time (the transport looks ahead), not after it
    # has passed. A busy machine can hold the page's main thread past that look-ahead, so the note
    # may be late by as long as the page's longest stall (its timers saw it too), and no more: a
    # note scheduled in the past is late on a quiet page as well.
    assert first["readyMs"] <= first["triggerMs"] <= first["soundMs"] + 1 + stall, (first, stall)
    page.evaluate("() => window.lofi.stop()")
    # Stopping cancels the rest of the generation: the worker is free for the next request at once.
    assert len(page.evaluate("() => window.lofi.generate({seed: 4, length: 8})")) == 8
    context.close()
    assert not watch.errors
    # A lead sheet stops as cleanly: the next piece comes at once.
    page, watch = open_page()
    page.evaluate("() => window.lofi.play({song: 'ai', solo: {seed: 3, bars: 256}})")
    page.wait_for_function("() => window.lofi.state().solo?.firstNote", timeout=20000)
    page.evaluate("() => window.lofi.stop()")
    tokens = page.evaluate("() => window.lofi.generate({seed: 4, bars: 1})")
    assert tokens[0] == "<s>" and sum(t.startswith("|") for t in tokens) == 1 and tokens[-1] == "</s>"
    assert not watch.errors


def test_the_main_thread_stays_free_while_the_worker_generates(open_page):
    """Not a timing threshold (the machine may be loaded): the main thread's timers keep firing all
    through a long generation, so no single gap comes near the generation's whole duration, as it
    would if the generation ran on the main thread. Long enough (4,000 tokens, a few seconds) that
    a stall of the loaded machine is not mistaken for it."""
    page, _ = open_page()
    page.evaluate("() => window.lofi.loadModel()")
    result = page.evaluate(
        """async () => {
            let last = performance.now(), worst = 0, ticks = 0;
            const timer = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; ticks++; }, 5);
            const started = performance.now();
            await window.lofi.generate({seed: 9, bars: 200});
            const total = performance.now() - started;
            clearInterval(timer);
            return {worst, ticks, total};
        }"""
    )
    assert result["ticks"] >= 5, result
    assert result["worst"] < result["total"] / 2, result
    assert page.evaluate("() => window.lofi.state().generator") == "worker"


def test_the_same_seed_gives_the_same_solo_after_a_reload(open_page):
    settings = "{seed: 'rainy', temperature: 1.2, topK: 5, bars: 4}"
    first, _ = open_page()
    tokens = first.evaluate(f"() => window.lofi.generate({settings})")
    events = first.evaluate("() => window.lofi.lastSolo().events")
    first.reload()
    first.wait_for_function("() => window.lofi !== undefined")
    assert first.evaluate(f"() => window.lofi.generate({settings})") == tokens
    assert first.evaluate("() => window.lofi.lastSolo().events") == events
    second, _ = open_page()
    assert second.evaluate(f"() => window.lofi.generate({settings})") == tokens
    assert second.evaluate("() => window.lofi.generate({seed: 'sunny', temperature: 1.2, topK: 5, bars: 4})") != tokens


def test_a_timed_solo_is_its_tokens_and_can_be_primed_from_a_song_or_chords(browser, timed_site_url, vocab):
    context = browser.new_context()
    page, watch = open_lofi(context, timed_site_url)
    tokens = page.evaluate("() => window.lofi.generate({seed: 1, length: 12})")
    assert len(tokens) == 12 and set(tokens) <= set(vocab)
    assert "lead-sheet model" in page.evaluate(
        "() => window.lofi.compose({seed: 1}).then(() => 'composed', (e) => e.message)"
    )
    primer = page.evaluate("() => window.lofi.songPrimer('first-light', {bars: 4})")
    assert primer[0] == "<s>" and len(primer) > 1
    assert set(primer) <= set(vocab)
    chords = page.evaluate("() => window.lofi.chordsToPrimer(['Dm7', 'G7', 'Cmaj7', 'A7b9'])")
    assert len(chords) == 5 and chords[0] == "<s>" and set(chords) <= set(vocab)

    # The same seed, so the same random draws: only the primed LSTM state can change the solo. A
    # high temperature keeps even a tiny, peaky test model from drawing the same token every time.
    settings = "seed: 2, temperature: 2.5, length: 48"
    plain = page.evaluate(f"() => window.lofi.generate({{{settings}}})")
    from_song = page.evaluate(f"() => window.lofi.generate({{{settings}, primer: {{song: 'first-light', bars: 4}}}})")
    assert from_song != plain
    # A resolved primer given as tokens is the same request.
    assert page.evaluate(f"(p) => window.lofi.generate({{{settings}, primer: p}})", primer) == from_song
    from_chords = page.evaluate(f"() => window.lofi.generate({{{settings}, primer: {{chords: 'Am7 | D7 | Gmaj7'}}}})")
    assert from_chords != plain
    bad = page.evaluate("() => window.lofi.chordsToPrimer(['H#m7']).then(() => 'ok', (e) => e.message)")
    assert "H#m7" in bad
    # With the listener's chords, the solo plays on its own loop and the chords on theirs.
    page.evaluate("() => window.lofi.setProgression('Dm7 G7 | Cmaj7')")
    result = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 2, bpm: 400, drums: null})")
    assert result["rms"] > 0.002 and {e["part"] for e in result["timeline"] if e["layer"] == "music"} == {0, 1}
    context.close()
    assert not watch.errors


def test_no_tensors_leak_over_100_generations(open_page):
    page, _ = open_page()
    page.evaluate("() => window.lofi.generate({seed: 1, bars: 1})")
    before = page.evaluate("() => window.lofi.tensorCount()")
    assert before > 0
    page.evaluate("async () => { for (let i = 0; i < 100; i++) await window.lofi.generate({seed: i, bars: 1}); }")
    assert page.evaluate("() => window.lofi.tensorCount()") == before


def test_without_wasm_the_worker_falls_back_and_says_so(open_page):
    page, _ = open_page(route=lambda p: p.route("**/tfjs-wasm/*.wasm", lambda route: route.abort()))
    info = page.evaluate("() => window.lofi.loadModel()")
    assert info["backend"] == "cpu"
    tokens = page.evaluate("() => window.lofi.generate({seed: 3, bars: 2})")
    assert tokens[0] == "<s>" and sum(t.startswith("|") for t in tokens) == 2
    assert page.evaluate("() => window.lofi.state().generator") == "worker"
    # The status list says so (text_content: the list may sit in a closed panel).
    messages = page.text_content("#messages")
    assert "fallback" in messages and info["backend"] in messages


def test_a_fresh_solo_each_pass(open_page):
    """With fresh: true every pass gets a new piece (seed + pass), placed before the pass begins; the
    loop is the piece's length (two bars here)."""
    page, watch = open_page()
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate("() => window.lofi.play({song: 'ai', solo: {seed: 20, bars: 2}, fresh: true})")
    solo = page.evaluate("() => window.lofi.state().solo")
    assert (solo["pass"], solo["fresh"]) == (0, True)
    assert page.evaluate("() => window.lofi.loopPoints().solo.time") == "2m"
    # Two bars at 75 bpm last 6.4 s; the next pass is placed a bar before it starts.
    page.wait_for_function(
        "() => window.lofi.state().solo?.renewed >= 1 && window.lofi.lastSolo()?.tokens?.at(-1) === '</s>'",
        timeout=60000,
    )
    second = page.evaluate("() => window.lofi.lastSolo().tokens")
    page.evaluate("() => window.lofi.stop()")
    assert page.evaluate("() => window.lofi.state().solo") is None
    assert second == page.evaluate("() => window.lofi.generate({seed: 21, bars: 2})")
    assert second != page.evaluate("() => window.lofi.generate({seed: 20, bars: 2})")
    assert not watch.errors
