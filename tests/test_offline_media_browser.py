"""Offline, all of it: after one visit on which nothing was played, with the network off, every
ambience, drum pattern and quote, and every song and the AI track, plays with its real samples: the
service worker kept all of media/ at install, not only what was played. And a choice whose file is
not kept says so in its own option.

Each choice is rendered by the page itself (lofi.renderOffline: the same preparing, fetching and
decoding as a play, into an offline context), so a missing file shows as a failed request, a layer
absent from what sounded, or the instruments' "using a synthesizer" warning."""

from __future__ import annotations

import pytest

from builder.serve import serve_in_background

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

PROBLEMS = "#messages .message-error, #messages .message-warn, #alerts .message-error, #alerts .message-warn"


OPTIONS_SAYING_SO = """() => ['drums', 'ambience', 'quote'].flatMap((id) =>
  [...document.getElementById(id).options].filter((o) => o.textContent.includes('not saved for offline use'))
    .map((o) => `${id}:${o.value}`))"""
EVICT = """async (id) => {  // an ambience's file, from every cache
  const manifest = await (await fetch('media.json')).json();
  const url = new URL(manifest.ambience.find((a) => a.id === id).url, document.baseURI).href;
  for (const name of await caches.keys()) await (await caches.open(name)).delete(url);
}"""


def render(page, **options):
    return page.evaluate("(options) => window.lofi.renderOffline(options)", options)


def test_every_choice_plays_offline_after_one_visit(browser, media_site):
    # Its own server, shut down before the test goes offline: nothing can come from the network.
    server, url = serve_in_background(media_site, "/lofi-player/")
    context = browser.new_context()
    try:
        page, watch = open_lofi(context, url, settings=False)
        info = page.evaluate("() => window.lofi.offlineReady()")  # the first visit: nothing played
        assert info["controlled"], info
        media = page.evaluate("() => window.lofi.media()")
        songs = [s["id"] for s in page.evaluate("() => window.lofi.songs()")]
        assert media["drums"] and media["ambience"] and media["quotes"] and songs

        server.shutdown()
        server.server_close()
        context.set_offline(True)
        failed = []
        # A request the reload itself cancels (the first visit's, still in flight) is aborted, not
        # failed for want of a network: only the others count.
        page.on("requestfailed", lambda r: r.failure != "net::ERR_ABORTED" and failed.append(f"{r.url} {r.failure}"))
        page.reload()
        wait_for(page, "window.lofi !== undefined")
        page.evaluate("() => window.lofi.ready")

        none = {"drums": None, "ambience": None, "quote": None}
        for pattern in media["drums"]:
            result = render(page, song=songs[0], bars=2, bpm=240, **{**none, "drums": pattern["id"]})
            assert "drums" in {e["layer"] for e in result["timeline"]}, pattern
        for place in media["ambience"]:
            result = render(page, song=songs[0], bars=2, bpm=240, **{**none, "ambience": place["id"]})
            assert "ambience" in {e["layer"] for e in result["timeline"]}, place
        # A quote is spoken at its bar (media.json's loops.quoteAt, bar 5): eight bars reach it.
        for quote in media["quotes"]:
            result = render(page, song=songs[0], bars=8, bpm=240, **{**none, "quote": quote["id"]})
            assert "quote" in {e["layer"] for e in result["timeline"]}, quote
        # Every song and the AI track on their sampled instruments: a missing sample would be
        # "using a synthesizer" in the messages.
        for song in [*songs, "ai"]:
            result = render(page, song=song, bars=2, bpm=240, **none)
            assert result["rms"] > 0, song
        assert page.locator(PROBLEMS).count() == 0, page.inner_text("#messages")
        assert not failed, failed
        assert not watch.errors, watch.errors

        # Every option reads as written: everything is kept.
        assert page.evaluate("() => navigator.onLine") is False
        assert not page.evaluate(OPTIONS_SAYING_SO)
        # One file the browser no longer has (storage evicted): its choice says so where it is chosen.
        gone = media["ambience"][-1]["id"]
        page.evaluate(EVICT, gone)
        page.evaluate("() => window.dispatchEvent(new Event('offline'))")
        wait_for(page, f"({OPTIONS_SAYING_SO})().length === 1")
        assert page.evaluate(OPTIONS_SAYING_SO) == [f"ambience:{gone}"]
    finally:
        context.close()
