"""The scene behind the page (web_src/js/ui/scene/) in headless Chromium: a picture per ambience that
moves with the music, still when it stops, calm with reduced motion, fetched only when the first note
sounds, and a message (the music playing on) when it cannot load.

The site is conftest's tiny content plus the real media (its four ambiences), served from a sub-path.
"""

from __future__ import annotations

import io
import itertools

import numpy as np
import pytest
from PIL import Image

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

# Ambience ids in content/ambience (and "" for none: the quiet night) and the picture each shows.
SCENES = {"rain": "rain", "fireplace": "fire", "wind": "wind", "water": "creek", "": "night"}
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
PLAY = "() => window.lofi.play({song: 'first-light', drums: 'boom-bap', ambience: %s})"
CHUNK = "/assets/chunks/stage-"
MIN_DIFFERENCE = 20
DRAWN = "document.querySelector('#scene .scene-canvas') && document.getElementById('scene').dataset.drawn === 'true'"
# The moving parts are drawn on p5's canvas, the last one in #scene; its pixels, as a data URL.
TOP_CANVAS = "() => [...document.querySelectorAll('#scene .scene-canvas')].pop().toDataURL()"


@pytest.fixture
def context(browser, media_site_url, request):  # conftest: headless Chromium; tiny content + real media
    options = getattr(request, "param", {})
    width, height = VIEWPORTS[options.get("viewport", "desktop")]
    ctx = browser.new_context(
        viewport={"width": width, "height": height},
        has_touch=options.get("viewport") == "phone",
        reduced_motion=options.get("reduced_motion", "no-preference"),
        service_workers="block",  # page.route does not see what a service worker answers
    )
    yield ctx
    ctx.close()


def choose_ambience(page, ambience: str) -> None:
    """The listener's choice, through the page's own ambience select."""
    page.evaluate(
        "(id) => { const s = document.getElementById('ambience'); s.value = id; s.dispatchEvent(new Event('change')); }",
        ambience,
    )


def play(page, ambience: str) -> None:
    choose_ambience(page, ambience)
    page.evaluate(PLAY % (f"'{ambience}'" if ambience else "null"))
    wait_for(page, DRAWN, timeout=20000)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


def changed_share(a: np.ndarray, b: np.ndarray, level: int = 12) -> float:
    """The share of pixels that differ by more than `level` in some channel."""
    return float((np.abs(a - b).max(axis=2) > level).mean())


def canvas_pixels(page) -> np.ndarray:
    import base64

    url = page.evaluate(TOP_CANVAS)
    return pixels(base64.b64decode(url.split(",", 1)[1]))


@pytest.mark.parametrize(
    "context", [{"viewport": "desktop"}, {"viewport": "phone"}], indirect=True, ids=["1440x900", "390x844"]
)
def test_every_ambience_has_a_scene_of_its_own(context, media_site_url, tmp_path):
    page, watch = open_lofi(context, media_site_url)
    play(page, "rain")
    shots = {}
    for ambience, scene in SCENES.items():
        choose_ambience(page, ambience)
        wait_for(page, f"document.getElementById('scene').dataset.scene === '{scene}'")
        page.wait_for_timeout(600)  # a few frames of the new picture, notes rising in it
        png = page.screenshot()
        (tmp_path / f"{scene}.png").write_bytes(png)  # to look at when this fails
        shots[scene] = pixels(png)
    assert page.evaluate("() => window.lofi.state().playing")
    page.evaluate("() => window.lofi.stop()")
    differences = {
        f"{one}/{other}": round(float(np.abs(a - b).mean()), 1)
        for (one, a), (other, b) in itertools.combinations(shots.items(), 2)
    }
    # Two different pictures, not one picture in two tints: the whole screen differs clearly (the mean
    # absolute difference per channel, 0-255, the page's own controls over both).
    assert min(differences.values()) > MIN_DIFFERENCE, differences
    assert not watch.errors


def rows(page, start: float, end: float) -> np.ndarray:
    """A band of the moving canvas, from `start` to `end` of its height."""
    frame = canvas_pixels(page)
    return frame[int(frame.shape[0] * start) : int(frame.shape[0] * end)]


def hearth(page) -> np.ndarray:
    """The fireplace scene's lowest rows: flames, sparks and the fire's glow. With reduced motion the
    notes' lights stay between 40% and 65% of the height, above these."""
    return rows(page, 0.7, 1.0)


def wait_until(page, condition, timeout: float = 10.0, interval: float = 0.25) -> bool:
    """Polls condition() (Python side) until it holds; False if it never did within timeout seconds."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(interval * 1000)
    return True


def settled(page) -> str:
    """The moving canvas once two looks 300 ms apart agree (a frame in flight has landed)."""
    last = [page.evaluate(TOP_CANVAS)]

    def same():
        page.wait_for_timeout(300)
        now = page.evaluate(TOP_CANVAS)
        agreed, last[0] = now == last[0], now
        return agreed

    assert wait_until(page, same), "the scene never stood still"
    return last[0]


def test_the_scene_moves_while_music_plays_and_stands_still_when_it_stops(context, media_site_url):
    page, watch = open_lofi(context, media_site_url)
    play(page, "fireplace")
    first = hearth(page)
    assert wait_until(page, lambda: changed_share(first, hearth(page)) > 0.01), (
        "the flames should move while music plays"
    )

    page.evaluate("() => window.lofi.pause()")
    paused = settled(page)
    page.wait_for_timeout(1200)
    assert page.evaluate(TOP_CANVAS) == paused, "a paused scene is a still picture"

    page.evaluate("() => window.lofi.resume()")
    assert wait_until(page, lambda: page.evaluate(TOP_CANVAS) != paused), "it moves again when the music resumes"

    page.evaluate("() => window.lofi.stop()")
    stopped = settled(page)
    page.wait_for_timeout(1200)
    assert page.evaluate(TOP_CANVAS) == stopped, "a stopped scene is a still picture"
    assert not watch.errors


@pytest.mark.parametrize("context", [{"reduced_motion": "reduce"}], indirect=True)
def test_reduced_motion_keeps_the_scene_still_but_for_fading_notes(context, media_site_url):
    page, watch = open_lofi(context, media_site_url)
    play(page, "fireplace")
    first = hearth(page)
    assert page.evaluate("() => window.lofi.state().playing")
    # While the music plays on, the flames, sparks and glow stay as they are (without reduced
    # motion they move within a second: the test above); the notes' lights only fade in and out
    # in place, above them.
    page.wait_for_timeout(1500)
    assert changed_share(first, hearth(page), level=0) == 0
    before = rows(page, 0.0, 0.7)
    assert wait_until(page, lambda: changed_share(before, rows(page, 0.0, 0.7)) > 0), "the notes still show, fading"
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_the_scene_is_fetched_when_the_first_note_sounds_and_a_still_backdrop_shows_before(context, media_site_url):
    page, watch = open_lofi(context, media_site_url)
    chunk_requests = lambda: [u for u in watch.requests if CHUNK in u]  # noqa: E731
    backdrop = "() => getComputedStyle(document.getElementById('scene')).backgroundImage"
    page.mouse.move(200, 200)
    page.mouse.click(5, 5)
    page.wait_for_timeout(800)
    assert not chunk_requests() and page.locator("#scene canvas").count() == 0
    # Before it arrives each ambience shows a still backdrop of its own.
    backdrops = set()
    for ambience in SCENES:
        choose_ambience(page, ambience)
        backdrops.add(page.evaluate(backdrop))
    assert len(backdrops) == len(SCENES) and "gradient" in next(iter(backdrops))
    assert not chunk_requests()

    page.evaluate(PLAY % "'rain'")
    wait_for(page, DRAWN, timeout=20000)
    assert len(chunk_requests()) == 1
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_a_scene_that_cannot_load_says_so_and_the_music_plays_on(context, media_site_url):
    def route(page):
        page.route(f"**{CHUNK}*", lambda r: r.fulfill(status=404, body="gone"))

    page, watch = open_lofi(context, media_site_url, route=route)
    choose_ambience(page, "rain")
    page.evaluate(PLAY % "'rain'")
    message = page.locator("#scene .scene-message")
    message.wait_for(state="visible", timeout=15000)
    assert "music plays on" in message.inner_text()
    bar = page.evaluate("() => window.lofi.state().bar")
    page.wait_for_timeout(1500)
    state = page.evaluate("() => window.lofi.state()")
    assert state["playing"] and state["bar"] > bar
    page.evaluate("() => window.lofi.stop()")
    # Only the refused chunk itself is an error; nothing was thrown.
    assert all("404" in e for e in watch.errors), watch.errors
