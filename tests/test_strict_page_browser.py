"""A strict page: a full play breaks no part of the Content-Security-Policy and asks no
other origin for anything; a missing model or media file turns off only its layer, with a message.

The site is the tiny test content plus the real drum patterns, one-shots, ambiences and quotes
(conftest's media_site). The policy itself is checked in test_browser.py; here it is the page's
behaviour under it, through window.lofi and the page's own buttons.
"""

from __future__ import annotations

import pytest

from .browser import PageWatch, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(media_site_url):  # conftest: the tiny content with the real media, built and served once
    return media_site_url


def open_page(browser, site, route=None):
    # page.route does not see what the service worker answers: it is blocked when routing.
    context = browser.new_context(service_workers="block" if route else "allow")
    page = context.new_page()
    context_requests = []
    context.on("request", lambda request: context_requests.append(request.url))
    watch = PageWatch(page)
    if route:
        route(page)
    page.goto(site)
    wait_for(page, "window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    return context, page, watch, context_requests


def test_a_full_play_breaks_no_csp_and_stays_on_its_origin(browser, site):
    """Every layer, the AI solo streamed and regenerated, pause and resume, a layer change, the
    page's own Play and Stop buttons, an offline render: no CSP violation, no other origin."""
    context, page, watch, context_requests = open_page(browser, site)
    origin = site.split("/lofi-player/")[0]
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate("""() => window.lofi.play({song: 'first-light', bpm: 480, drums: 'boom-bap',
                                            ambience: 'rain', quote: 'walden'})""")
    wait_for(page, "window.lofi.state().bar > 5.2", timeout=20000)  # past the quote at bar 5
    page.evaluate("() => window.lofi.pause()")
    page.wait_for_timeout(200)
    page.evaluate("() => window.lofi.resume()")
    page.evaluate("() => window.lofi.setLayer('ambience', 'wind')")
    wait_for(page, "window.lofi.state().bar > 7.5", timeout=20000)
    page.evaluate("() => window.lofi.stop()")

    page.evaluate("""() => window.lofi.play({song: 'ai', solo: {seed: 4, length: 24}, fresh: true, bpm: 600,
                                            progression: 'Dm7 G7 | Cmaj7', drums: 'half-time',
                                            ambience: 'fireplace', quote: 'walden'})""")
    wait_for(page, "window.lofi.state().solo?.pass >= 1", timeout=30000)
    page.evaluate("() => window.lofi.pause()")
    page.evaluate("() => window.lofi.resume()")
    page.evaluate("() => window.lofi.stop()")

    # The page's own controls: the first track (the AI radio) with the remembered layers, then Stop.
    page.click("#play")
    wait_for(page, "window.lofi.state().playing", timeout=15000)
    page.wait_for_timeout(500)
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing", timeout=5000)
    result = page.evaluate("() => window.lofi.renderOffline({song: 'first-light', bars: 1, ambience: 'wind'})")
    assert result["rms"] > 0.005

    assert watch.csp_violations() == []
    requests = watch.requests + context_requests
    assert any(u.endswith(".wasm") for u in requests) and any("/media/ambience/" in u for u in requests)
    assert watch.foreign_requests(origin) == []
    assert [u for u in context_requests if not u.startswith((origin, "data:", "blob:"))] == []
    assert not watch.errors, watch.errors
    context.close()


def uncaught(watch) -> list[str]:
    """Errors other than the browser's own log line for a failed request (the test's 404s)."""
    return [e for e in watch.errors if "Failed to load resource" not in e]


def test_without_the_model_or_an_ambience_the_rest_plays_and_says_so(browser, site):
    def missing(page):
        page.route("**/model/model.json", lambda route: route.fulfill(status=404, body="missing"))
        page.route("**/media/ambience/rain.ogg", lambda route: route.fulfill(status=404, body="missing"))

    context, page, watch, _ = open_page(browser, site, route=missing)

    # The model: loading fails with a visible message, and the AI solo refuses politely.
    error = page.evaluate("() => window.lofi.loadModel().then(() => 'loaded', (e) => e.message)")
    assert error != "loaded"
    model_message = page.locator("#alerts li", has_text="AI model failed to load")
    assert model_message.is_visible()
    assert page.evaluate("() => window.lofi.play({song: 'ai'}).then(() => 'played', (e) => e.message)") != "played"
    assert page.evaluate("() => window.lofi.state().playing") is False

    # The ambience: a render with it still sounds (song and drums), without the ambience layer.
    result = page.evaluate("""() => window.lofi.renderOffline({song: 'first-light', bars: 2,
                                                              drums: 'boom-bap', ambience: 'rain'})""")
    assert result["rms"] > 0.005 and min(result["barRms"]) > 0.001
    layers = {e["layer"] for e in result["timeline"]}
    assert {"music", "drums"} <= layers and "ambience" not in layers
    ambience_message = page.locator("#alerts li", has_text="rain.ogg")
    assert ambience_message.is_visible()
    assert "ambience" in ambience_message.inner_text().lower()

    # Live: the song plays with the other layers; the missing one reads as off.
    state = page.evaluate("""() => window.lofi.play({song: 'first-light', bpm: 240, drums: 'boom-bap',
                                                    ambience: 'rain', quote: 'walden'})""")
    assert state["playing"] is True
    wait_for(page, "window.lofi.state().bar > 1", timeout=15000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    assert {"music", "drums"} <= {e["layer"] for e in timeline}
    assert "ambience" not in {e["layer"] for e in timeline}
    # Another ambience still loads and plays from the next bar.
    change = page.evaluate("() => window.lofi.setLayer('ambience', 'wind')")
    assert change["id"] == "wind"
    wait_for(page, f"window.lofi.state().bar > {change['bar'] + 0.2}", timeout=15000)
    assert any(e["layer"] == "ambience" and e["id"] == "wind" for e in page.evaluate("() => window.lofi.timeline()"))
    page.evaluate("() => window.lofi.stop()")
    assert uncaught(watch) == []
    context.close()
