"""The scene behind the page (web_src/js/ui/scene/) in headless Chromium: a picture per ambience that
moves with the music, still when it stops, calm with reduced motion, painted as a still picture before
Play (the animation fetched only when the first note sounds), and a message (the music playing on)
when the animation cannot load.

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
# The animation (stage.js) has drawn a frame; STILL: the still picture (still.js) is painted.
DRAWN = "document.getElementById('scene').dataset.animated === 'true'"
STILL = "document.getElementById('scene').dataset.drawn === 'true'"
# The still picture's canvas (the first in #scene), as a data URL.
BACKDROP = "() => document.querySelector('#scene .scene-canvas').toDataURL()"
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
    page, watch = open_lofi(context, media_site_url, settings=False)  # the scene as it opens, no sheet over it
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
    """The fireplace scene's flames and the fire's glow at 1440x900 (fire.js: the fire stands in the
    middle band, its flames from about 50% to 68% of the height). With reduced motion the notes'
    sparks stay near the top of the opening, above these rows."""
    return rows(page, 0.55, 0.75)


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
    before = rows(page, 0.0, 0.53)
    assert wait_until(page, lambda: changed_share(before, rows(page, 0.0, 0.53)) > 0), "the notes still show, fading"
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


HIDE_TAB = """() => {
  Object.defineProperty(document, 'visibilityState', {configurable: true, get: () => 'hidden'});
  document.dispatchEvent(new Event('visibilitychange'));
}"""
SHOW_TAB = """() => {
  delete document.visibilityState;
  document.dispatchEvent(new Event('visibilitychange'));
}"""
FPS = "() => Number(document.getElementById('scene').dataset.fps)"


def test_the_scene_draws_fewer_frames_in_focus_mode_and_none_in_a_hidden_tab(context, media_site_url):
    page, watch = open_lofi(context, media_site_url)
    play(page, "rain")
    playing = page.evaluate(FPS)
    assert 0 < playing <= 20, playing  # a few frames a second are enough for rain and flames

    page.evaluate("() => document.getElementById('focus').click()")
    wait_for(page, "document.body.classList.contains('focus-mode')")
    assert 0 < page.evaluate(FPS) < playing, "focus mode should cost less than the page with its controls"
    page.evaluate("() => document.getElementById('focus').click()")
    assert page.evaluate(FPS) == playing

    # A hidden tab draws nothing while the music plays on (the browser would only slow it down).
    page.evaluate(HIDE_TAB)
    assert page.evaluate(FPS) == 0
    hidden = settled(page)
    page.wait_for_timeout(1000)
    assert page.evaluate(TOP_CANVAS) == hidden
    assert page.evaluate("() => window.lofi.state().playing")
    page.evaluate(SHOW_TAB)
    assert page.evaluate(FPS) == playing
    assert wait_until(page, lambda: page.evaluate(TOP_CANVAS) != hidden), "it moves again when the tab shows"
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


# Counts the page's calls to requestAnimationFrame, from before its own scripts run.
COUNT_ANIMATION_FRAMES = """(() => {
  const ask = window.requestAnimationFrame.bind(window);
  window.__animationFrames = 0;
  window.requestAnimationFrame = (callback) => { window.__animationFrames += 1; return ask(callback); };
})()"""
FRAMES = "() => [document.getElementById('scene').framesDrawn ?? 0, window.__animationFrames]"


def test_the_scene_draws_its_few_frames_from_a_timer_not_an_animation_frame_loop(context, media_site_url):
    # A loop on requestAnimationFrame wakes the page and its compositor 60 times a second, whatever
    # the frame rate it draws at: a tab left playing for hours must only wake for the frames it draws.
    page, watch = open_lofi(context, media_site_url, route=lambda p: p.add_init_script(COUNT_ANIMATION_FRAMES))
    play(page, "rain")
    fps = page.evaluate(FPS)
    drawn, asked = page.evaluate(FRAMES)
    page.wait_for_timeout(3000)
    drawn_after, asked_after = page.evaluate(FRAMES)
    frames = (drawn_after - drawn) / 3
    assert 0.5 * fps <= frames <= 1.5 * fps, (frames, fps)
    assert (asked_after - asked) / 3 < 3, "animation frames asked for each second while playing"
    page.evaluate("() => window.lofi.stop()")
    assert not watch.errors


def test_the_still_picture_shows_before_play_and_the_animation_is_fetched_at_the_first_note(context, media_site_url):
    page, watch = open_lofi(context, media_site_url)
    chunk_requests = lambda: [u for u in watch.requests if CHUNK in u]  # noqa: E731
    page.mouse.move(200, 200)
    page.mouse.click(5, 5)
    # Before Play each ambience shows its own picture, painted at the screen's resolution (at least
    # its CSS size), with no p5: the animation is not fetched yet.
    pictures = {}
    for ambience, scene in SCENES.items():
        choose_ambience(page, ambience)
        wait_for(page, f"document.getElementById('scene').dataset.scene === '{scene}' && {STILL}", timeout=20000)
        pictures[scene] = page.evaluate(BACKDROP)
        size = page.evaluate(
            "() => { const c = document.querySelector('#scene .scene-canvas'); return [c.width, c.height]; }"
        )
        assert size[0] >= 1440 and size[1] >= 900, size
    assert len(set(pictures.values())) == len(SCENES)
    assert not chunk_requests() and page.locator("#scene canvas").count() == 2

    # Play: the animation arrives and draws over the same picture.
    choose_ambience(page, "rain")
    page.evaluate(PLAY % "'rain'")
    wait_for(page, DRAWN, timeout=20000)
    assert len(chunk_requests()) == 1
    assert page.evaluate(BACKDROP) == pictures["rain"], "the picture before Play is the one that plays"
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
    assert page.evaluate(f"() => {STILL}"), "the still picture stays"
    bar = page.evaluate("() => window.lofi.state().bar")
    page.wait_for_timeout(1500)
    state = page.evaluate("() => window.lofi.state()")
    assert state["playing"] and state["bar"] > bar
    page.evaluate("() => window.lofi.stop()")
    # Only the refused chunk itself is an error; nothing was thrown.
    assert all("404" in e for e in watch.errors), watch.errors
