"""The page as a place to listen, at 1440x900 and on a 390x844 phone: the page is one screen tall and
Play is on it, nothing scrolls sideways whatever the page shows (idle, playing, paused, the settings
open with every fold, a quote's caption, a recording), a caption never moves the controls, the title
and the dock fade while music plays untouched and come back at once, Surprise me and the slider stay
whatever plays, focus mode leaves the scene and Play, and a session through every control logs no
error."""

from __future__ import annotations

import re
from datetime import date

import pytest

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}

LAYOUT_JS = """() => {
  const box = (id) => document.getElementById(id).getBoundingClientRect().toJSON();
  const sliders = [...document.querySelectorAll('input[type=range]')].filter((s) => s.offsetParent !== null)
    .map((s) => s.getBoundingClientRect().right);
  return {
    scrollWidth: document.scrollingElement.scrollWidth, width: innerWidth, height: innerHeight,
    scrollHeight: document.scrollingElement.scrollHeight,
    play: box('play'), position: box('position'), sliderRight: Math.max(0, ...sliders),
    positionLine: parseFloat(getComputedStyle(document.getElementById('position')).lineHeight),
    // What the first screen says, but for the problems reported (those quote the player's own log).
    words: [...document.querySelectorAll('.masthead, .dock')].flatMap((part) => [...part.querySelectorAll('h1, p, label, button, select, span')])
      .filter((e) => !e.closest('#alerts') && e.checkVisibility()).map((e) => e.innerText).join(' '),
  };
}"""
JARGON = re.compile(r"\b(solo|tokens?|layers?|temperature|seed)\b", re.IGNORECASE)


@pytest.fixture(params=list(SIZES))
def sized(request, browser, media_site_url):  # conftest: the tiny content with the real media, served
    context = browser.new_context(accept_downloads=True, **SIZES[request.param])
    page, watch = open_lofi(context, media_site_url, settings=False)  # as the page opens: settings closed
    wait_for(page, "document.querySelector('#drums').options.length > 1")
    yield request.param, page, watch
    context.close()


def check(page, state: str) -> dict:
    """One screen, Play on it and no sideways scroll: what a listener sees in `state`."""
    page.evaluate("() => window.scrollTo(0, 0)")
    layout = page.evaluate(LAYOUT_JS)
    assert layout["scrollWidth"] <= layout["width"], (state, layout)
    assert layout["scrollHeight"] <= layout["height"], (state, layout)  # no page below the scene
    play = layout["play"]
    assert play["top"] >= 0 and play["bottom"] <= layout["height"], (state, play)
    assert play["height"] <= 56, (state, play)  # the main button stays a button, never an oval
    assert layout["sliderRight"] <= layout["width"], (state, layout)
    assert not JARGON.search(layout["words"]), (state, layout["words"])  # plain words in the main view
    if page.evaluate("() => window.lofi.state().playing"):
        assert layout["position"]["height"] <= 1.6 * layout["positionLine"], (state, layout)  # one line
    return layout


def test_play_first_and_no_sideways_scroll_in_any_state(sized):
    size, page, watch = sized
    check(page, "idle")
    assert page.locator("#settings").is_hidden()  # closed until asked for
    page.click("#settings-toggle")
    assert page.get_attribute("#settings-toggle", "aria-expanded") == "true"
    check(page, "the settings open")
    page.select_option("#song", "first-light")
    page.select_option("#quote", "walden")
    page.fill("#tempo", "240")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing")
    before = check(page, "playing")

    # The quote (bar 5 of the song) shows its caption over the scene: nothing moves.
    wait_for(page, "!document.getElementById('caption').hidden", timeout=60000)
    during = check(page, "a quote showing")
    assert during["play"] == before["play"]

    page.click("#play")
    wait_for(page, "window.lofi.state().paused")
    check(page, "paused")
    page.click("#play")
    wait_for(page, "!window.lofi.state().paused")

    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()
    assert page.evaluate("() => [...document.querySelectorAll('details')].every((d) => d.open || d.hidden)")
    check(page, "every fold open")
    page.keyboard.press("Escape")  # closes the sheet
    assert page.locator("#settings").is_hidden()
    check(page, "the settings closed again")
    page.click("#settings-toggle")

    page.click("#record")
    wait_for(page, "window.lofi.state().recording && !document.getElementById('recording-light').hidden")
    assert page.locator("#recording-light").is_visible()
    wait_for(page, "document.getElementById('recording-time').textContent === '0:01'", timeout=5000)
    check(page, "recording")
    with page.expect_download() as kept:
        page.click("#record")
    assert kept.value.suggested_filename.endswith((".webm", ".ogg"))
    assert page.locator("#recording-light").is_hidden()
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing")
    check(page, "stopped")
    assert watch.errors == [], size


CHROME_JS = """() => ({
  resting: document.body.classList.contains('chrome-resting'),
  opacity: ['.masthead', '.dock'].map((s) => Number(getComputedStyle(document.querySelector(s)).opacity)),
})"""


def idle_ms(page, ms: int) -> None:
    """The chrome's idle delay (read at each wake): short to see it fade without waiting, long
    while a test checks that something woke it (so a busy machine cannot let it fade again first)."""
    page.evaluate("(ms) => { document.body.dataset.idleMs = String(ms); }", ms)


def faded(page):
    """Waits for the chrome to rest and its fade (a CSS transition) to run to nothing."""
    idle_ms(page, 300)
    page.evaluate("() => document.dispatchEvent(new Event('focusin'))")  # starts the (short) wait over
    wait_for(page, "document.body.classList.contains('chrome-resting')", timeout=10000)
    wait_for(page, "Number(getComputedStyle(document.querySelector('.dock')).opacity) === 0", timeout=10000)
    assert page.evaluate(CHROME_JS)["opacity"] == [0, 0]
    idle_ms(page, 600_000)


def test_the_chrome_fades_while_music_plays_untouched_and_comes_back_at_once(sized):
    size, page, watch = sized
    idle_ms(page, 300)
    page.wait_for_timeout(600)
    assert page.evaluate(CHROME_JS) == {"resting": False, "opacity": [1, 1]}  # idle, no music: it stays
    page.evaluate("() => window.lofi.play({song: 'first-light', bpm: 240})")  # music, and no hand on anything
    wait_for(page, "window.lofi.state().playing")
    faded(page)
    # Any pointer movement brings it back at once (the way back is a short transition, not the slow fade).
    page.mouse.move(200, 200)
    assert page.evaluate(CHROME_JS)["resting"] is False
    wait_for(page, "Number(getComputedStyle(document.querySelector('.dock')).opacity) === 1", timeout=5000)
    faded(page)
    page.keyboard.press("Shift")  # any key
    assert page.evaluate(CHROME_JS)["resting"] is False
    faded(page)
    if size == "phone":
        # A touch on the faded dock brings it back and presses nothing: the music plays on.
        page.tap("#play")
        assert page.evaluate(CHROME_JS)["resting"] is False
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.lofi.state().paused") is False
        faded(page)
    # The keyboard's focus in the dock keeps it, even with the short delay.
    page.keyboard.press("Tab")
    page.focus("#play")
    idle_ms(page, 300)
    page.wait_for_timeout(900)
    assert page.evaluate(CHROME_JS)["resting"] is False
    # Paused, it stays, however long nobody touches anything.
    page.evaluate("() => window.lofi.pause()")
    wait_for(page, "window.lofi.state().paused")
    page.evaluate("() => document.activeElement.blur()")
    page.wait_for_timeout(900)
    assert page.evaluate(CHROME_JS) == {"resting": False, "opacity": [1, 1]}
    # Playing again with the settings open: it stays too.
    page.click("#settings-toggle")
    page.evaluate("() => window.lofi.resume()")
    page.wait_for_timeout(900)
    assert page.evaluate(CHROME_JS)["resting"] is False
    page.click("#settings-toggle")
    faded(page)
    page.evaluate("() => window.lofi.stop()")
    wait_for(page, "!document.body.classList.contains('chrome-resting')")
    assert watch.errors == [], size


def test_surprise_me_and_the_slider_stay_in_the_dock_whatever_plays(sized):
    size, page, watch = sized
    dock_controls = "() => ['surprise', 'wildness'].map((id) => document.getElementById(id).checkVisibility())"
    for track in ("station", "ai", "first-light", "gymnopedie-no-1"):
        page.select_option("#song", track)
        assert page.evaluate(dock_controls) == [True, True], (size, track)
    page.click("#play")
    wait_for(page, "window.lofi.state().playing && window.lofi.state().song === 'gymnopedie-no-1'", timeout=30000)
    assert page.evaluate(dock_controls) == [True, True], size
    check(page, "a song playing")
    page.click("#stop")
    assert watch.errors == [], size


def test_focus_mode_leaves_the_scene_and_play(sized):
    size, page, watch = sized
    page.click("#focus")
    visible = page.evaluate(
        """() => ['play', 'focus', 'song', 'stop', 'status', 'ambience', 'surprise']
        .filter((id) => document.getElementById(id).checkVisibility())"""
    )
    assert visible == ["play", "focus"], size
    check(page, "focus mode")
    page.keyboard.press("Escape")
    assert page.locator("#song").is_visible() and page.locator("#status").is_visible()
    assert watch.errors == []


def test_a_session_of_every_control_logs_no_error(browser, media_site_url):
    context = browser.new_context(accept_downloads=True, **SIZES["desktop"])
    page, watch = open_lofi(context, media_site_url)
    wait_for(page, "document.querySelector('#drums').options.length > 1")
    page.evaluate("() => document.querySelectorAll('details').forEach((d) => (d.open = true))")

    # The AI radio, the first choice: Surprise me starts it, then moves on to its next tune.
    assert page.input_value("#song") == "station"
    page.click("#surprise")
    wait_for(page, "window.lofi.state().tune !== null", timeout=60000)
    page.click("#surprise")
    wait_for(page, "window.lofi.state().tune?.index === 1", timeout=20000)
    wait_for(page, "document.getElementById('status').textContent.startsWith('Playing: tune 2,')")
    page.click("#recent-tunes li button")
    wait_for(page, "document.querySelectorAll('#kept-tunes li').length === 1")
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing")
    page.get_by_role("button", name=re.compile("^Forget")).click()

    # One AI tune: calmer, a new one, written without playing, then played and paused.
    page.select_option("#song", "ai")
    page.locator("#wildness").fill("0.5")
    assert page.input_value("#temperature") == "0.5"
    page.click("#new-seed")
    page.fill("#bars", "4")
    page.click("#generate")
    wait_for(page, "document.getElementById('tokens').textContent.includes('</s>')", timeout=60000)
    page.click("#surprise")
    wait_for(page, "window.lofi.state().playing", timeout=60000)
    wait_for(page, "document.getElementById('status').textContent.startsWith('Playing: AI tune')", timeout=60000)
    page.click("#play")
    wait_for(page, "window.lofi.state().paused")
    page.click("#stop")

    # Mood, chords, the sound around it.
    page.fill("#mood-text", "a rainy night, a little tired")
    page.click("#mood-apply")
    wait_for(page, "document.getElementById('mood-reason').textContent !== ''")
    page.fill("#progression", "Dm7 G7 | Cmaj7")
    for select in ("drums", "ambience", "quote"):
        options = page.evaluate(f"() => [...document.getElementById('{select}').options].map((o) => o.value)")
        page.select_option(f"#{select}", options[-1])
    for slider in page.locator("input[data-volume]").all():
        slider.fill("0.6")

    # A song, kept three ways and shared.
    page.select_option("#song", "first-light")
    page.fill("#tempo", "240")
    page.dispatch_event("#tempo", "change")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing")
    with page.expect_download():
        page.click("#download-midi")
    with page.expect_download(timeout=120000):
        page.click("#download-wav")
        wait_for(page, "!document.getElementById('render-progress').hidden")
        assert "Rendering" in page.inner_text("#render-text")
    wait_for(page, "document.getElementById('render-progress').hidden", timeout=120000)
    page.click("#record")
    wait_for(page, "window.lofi.state().recording")
    with page.expect_download():
        page.click("#record")
    page.click("#share")
    wait_for(page, "document.getElementById('share-url').textContent.includes('#')")
    page.click("#focus")
    page.click("#focus")
    page.click("#stop")
    page.click("#diagnostics summary")
    page.click("#diagnostics summary")
    wait_for(page, "document.getElementById('diag-offline').textContent !== '–'")
    assert page.locator("#alerts .message-error").count() == 0, page.inner_text("#alerts")
    assert watch.errors == []
    context.close()


def test_a_wav_render_shows_its_progress_and_time(sized):
    size, page, watch = sized
    page.click("#settings-toggle")
    page.select_option("#song", "first-light")
    page.fill("#tempo", "240")
    page.evaluate("""() => {
        const bar = document.getElementById('render-bar');
        window.renderBarValues = [];
        new MutationObserver(() => window.renderBarValues.push(bar.value)).observe(bar, {attributes: true});
    }""")
    with page.expect_download(timeout=120000) as kept:
        page.click("#download-wav")
        wait_for(page, "!document.getElementById('render-progress').hidden")
        assert page.locator("#render-bar").is_visible() and page.locator("#download-wav").is_disabled()
        assert page.inner_text("#render-text").startswith("Rendering the audio… 0:0")
    saved = f"first-light-{date.today().isoformat()}.wav"
    assert kept.value.suggested_filename == saved
    wait_for(page, "document.getElementById('render-progress').hidden")
    # The bar followed the render: values part-way, never going back, and full at the end; it moves
    # in small steps all the way (the browser's render reports as it goes, finishing the file too),
    # rather than standing at one value while most of the work is done.
    values = page.evaluate("() => window.renderBarValues")
    assert any(0 < v < 1 for v in values) and values == sorted(values) and values[-1] == 1, values
    distinct = sorted(set(values))
    assert len(distinct) >= 30 and max(b - a for a, b in zip(distinct, distinct[1:])) <= 0.1, values
    assert f"Saved {saved}" in page.text_content("#messages")
    check(page, "after a render")
    assert watch.errors == [], size
