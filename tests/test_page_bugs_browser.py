"""The page's own controls, driven as a listener drives them: Space never starts a track over, a
tempo or an AI setting out of range is refused in words and not used, the line that says what plays
gives the tempo heard, a share link tells the scene its ambience before any Play, and V brings the
vinyl back to the listener's own level."""

from __future__ import annotations

import pytest

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

SONG_BPM = 72  # first-light's own tempo (content/songs/first-light.toml)


@pytest.fixture
def open_page(browser, media_site_url):  # conftest: the tiny content with the real media, served
    contexts = []

    def opener(url: str = media_site_url, **context_options):
        context = browser.new_context(accept_downloads=True, **context_options)
        contexts.append(context)
        page, watch = open_lofi(context, url)
        wait_for(page, "document.querySelector('#drums').options.length > 1")
        return page, watch

    yield opener
    for context in contexts:
        context.close()


def bar(page) -> float:
    return page.evaluate("() => window.lofi.state().bar")


def play_song(page, tempo: str = "240") -> None:
    page.select_option("#song", "first-light")
    page.fill("#tempo", tempo)
    page.click("#play")


def test_space_pauses_and_resumes_after_any_play_and_never_restarts(open_page):
    page, watch = open_page()
    play_song(page)
    wait_for(page, "window.lofi.state().playing")
    page.click("#stop")
    wait_for(page, "!window.lofi.state().playing")
    page.click("#play")  # the second Play: the focus stays on the main button
    wait_for(page, "window.lofi.state().bar > 1.2", timeout=15000)
    assert page.evaluate("() => document.activeElement.id") == "play"

    page.keyboard.press(" ")
    wait_for(page, "window.lofi.state().paused")
    held = bar(page)
    assert held > 1.2  # paused where it was, not started over from bar 1
    page.wait_for_timeout(300)
    assert bar(page) == pytest.approx(held, abs=0.01)
    assert page.inner_text("#play") == "Play"

    page.keyboard.press(" ")
    wait_for(page, f"!window.lofi.state().paused && window.lofi.state().bar > {held + 0.2}", timeout=15000)
    assert page.inner_text("#play") == "Pause"

    # Whatever button has the focus, Space pauses: it does not press that button.
    page.focus("#stop")
    page.keyboard.press(" ")
    wait_for(page, "window.lofi.state().paused")
    assert page.evaluate("() => window.lofi.state().playing") is True  # paused, not stopped
    page.focus("#song")  # nor does it open the list last used
    page.keyboard.press(" ")
    wait_for(page, "!window.lofi.state().paused")
    assert page.input_value("#song") == "first-light"
    page.click("#stop")
    assert watch.errors == []


def test_a_tempo_out_of_range_is_refused_in_words_and_nothing_plays(open_page):
    page, watch = open_page()
    play_song(page, tempo="500")
    message = page.locator("#tempo-message")
    wait_for(page, "document.getElementById('tempo-message').textContent !== ''")
    assert "30 to 240" in message.inner_text() and "500" in message.inner_text()
    assert message.is_visible()
    assert page.get_attribute("#tempo", "aria-invalid") == "true"
    assert "not used" in page.inner_text("#alerts")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.lofi.state().playing") is False
    assert page.evaluate("() => window.lofi.state().tempo") is None  # the field's change was not taken either

    page.fill("#tempo", "200")  # fixed: it plays, and the message is gone
    page.click("#play")
    wait_for(page, "window.lofi.state().playing")
    assert page.evaluate("() => window.lofi.state().bpm") == 200
    assert message.inner_text() == "" and page.get_attribute("#tempo", "aria-invalid") is None
    page.click("#stop")
    assert watch.errors == []


def test_the_line_that_says_what_plays_gives_the_tempo_heard(open_page):
    page, watch = open_page()
    page.select_option("#ambience", "rain")
    play_song(page, tempo="100")
    wait_for(page, "window.lofi.state().playing")
    wait_for(page, "document.getElementById('status').textContent.startsWith('Playing')")
    line = page.inner_text("#status")
    assert "100 bpm" in line and f"{SONG_BPM} bpm" not in line, line
    assert "First Light" in line and "rain" in line.lower(), line
    page.click("#stop")
    assert watch.errors == []


def test_a_share_link_in_a_fresh_browser_shows_its_ambience_before_play(open_page, media_site_url):
    page, _ = open_page()
    default = page.input_value("#ambience")
    others = page.evaluate("() => window.lofi.media().ambience.map((a) => a.id)")
    shared = next(a for a in others if a != default)  # not the scene a fresh browser shows anyway
    url = page.evaluate(
        "(id) => window.lofi.shareUrl({song: 'first-light', drums: null, ambience: id, quote: null, bpm: null, progression: null})",
        shared,
    )
    background = page.evaluate("(id) => window.lofi.media().ambience.find((a) => a.id === id).background", shared)

    fresh, watch = open_page(url)  # its own context: nothing remembered
    wait_for(fresh, f"document.getElementById('ambience').value === '{shared}'")
    wait_for(fresh, f"document.getElementById('scene').dataset.ambience === '{shared}'")
    assert fresh.get_attribute("#scene", "data-background") == background
    assert fresh.evaluate("() => window.lofi.state().playing") is False
    assert watch.errors == []


def test_v_brings_the_vinyl_back_to_the_listeners_own_level(open_page):
    page, watch = open_page()
    vinyl = page.locator('input[data-volume="vinyl"]')
    vinyl.fill("0.2")
    page.evaluate("() => document.activeElement.blur()")  # the key on the page, not on the slider
    page.keyboard.press("v")
    assert vinyl.input_value() == "0"
    assert page.evaluate("() => window.lofi.state().volumes.vinyl") == 0
    page.keyboard.press("v")
    assert float(vinyl.input_value()) == pytest.approx(0.2)
    assert page.evaluate("() => window.lofi.state().volumes.vinyl") == pytest.approx(0.2)
    assert watch.errors == []


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("temperature", "5", "0 to 3"), ("seed", "abc", "whole number"), ("length", "5000", "1 to 4096")],
)
def test_an_ai_setting_out_of_range_gets_a_plain_message_and_is_not_used(open_page, field, value, words):
    page, watch = open_page()
    page.select_option("#song", "ai")
    page.click("#ai-settings summary")
    page.fill(f"#{field}", value)
    page.click("#play")
    message = page.locator(f"#{field}-message")
    wait_for(page, f"document.getElementById('{field}-message').textContent !== ''")
    assert words in message.inner_text() and value in message.inner_text() and message.is_visible()
    assert page.get_attribute(f"#{field}", "aria-invalid") == "true"
    assert "Not played" in page.inner_text("#alerts")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.lofi.state().playing") is False
    assert page.evaluate("() => window.lofi.lastSolo()") is None  # nothing was written with it
    assert watch.errors == []


def test_a_second_share_link_in_the_same_tab_takes_over(open_page):
    page, _ = open_page()
    ambiences = page.evaluate("() => window.lofi.media().ambience.map((a) => a.id)")
    link = """([ambience, bpm]) => window.lofi.shareUrl({song: 'first-light', drums: null, ambience, quote: null,
                                                       bpm, progression: null})"""
    first = page.evaluate(link, [ambiences[0], 100])
    second = page.evaluate(link, [ambiences[1], 120])

    tab, watch = open_page(first)
    wait_for(tab, "document.getElementById('tempo').value === '100'")  # the first link is read
    assert tab.input_value("#ambience") == ambiences[0]
    tab.click("#play")
    wait_for(tab, "window.lofi.state().playing && window.lofi.state().bpm === 100")

    tab.goto(second)  # only the fragment changes: the page is not loaded again
    wait_for(tab, f"document.getElementById('ambience').value === '{ambiences[1]}'")
    wait_for(tab, f"document.getElementById('scene').dataset.ambience === '{ambiences[1]}'")
    wait_for(tab, "document.getElementById('tempo').value === '120'")
    wait_for(tab, "window.lofi.state().bpm === 120", timeout=15000)  # it took over, without a stop
    assert tab.evaluate("() => window.lofi.state().playing") is True
    tab.click("#stop")
    assert watch.errors == []


def test_a_play_pressed_before_the_pages_script_arrives_is_not_lost(browser, media_site_url):
    """The first screen is plain HTML and the page's script comes after the first paint: a Play
    pressed in between plays once the script is there."""
    context = browser.new_context(service_workers="block")
    held, released = [], []

    def hold(route):  # every chunk waits, the page's script among them, until released
        if released:
            route.continue_()
        else:
            held.append(route)

    try:
        page = context.new_page()
        page.route("**/assets/chunks/*.js", hold)
        page.goto(media_site_url)
        page.wait_for_timeout(300)
        assert held and page.evaluate("() => window.lofi === undefined")
        page.click("#play")
        released.append(True)
        while held:
            held.pop().continue_()
        wait_for(page, "window.lofi !== undefined && window.lofi.state().playing", timeout=30000)
    finally:
        context.close()


def test_a_sound_engine_that_failed_to_arrive_is_fetched_again_at_play(browser, media_site_url):
    """Tone.js comes in a chunk fetched at the first sign of a listener. When that fetch fails (the
    network drops, or the listener leaves or reloads mid-download: a new build's Update does), the
    page throws nothing at the listener, and the next Play fetches it again and plays."""
    context = browser.new_context(service_workers="block")
    refused = []

    def refuse_once(route):
        if refused:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    try:
        route = lambda page: page.route("**/assets/chunks/signals-*.js", refuse_once)  # noqa: E731
        page, watch = open_lofi(context, media_site_url, route=route)
        warnings = []
        page.on("console", lambda msg: msg.type == "warning" and warnings.append(msg.text))
        page.mouse.move(200, 200)  # the first sign of a listener: the warm-up fetches Tone.js
        wait_for(page, "document.querySelector('#drums').options.length > 1")
        # Play once the failure has reached the page (on a busy machine that takes a while), so
        # that Play cannot join the failing fetch.
        for _ in range(300):
            if any("warming up for the first note failed" in text for text in warnings):
                break
            page.wait_for_timeout(100)
        assert refused and any("warming up" in text for text in warnings), (refused, warnings)
        play_song(page)
        wait_for(page, "window.lofi.state().playing", timeout=30000)
        # The refused fetch itself is logged by the browser; nothing may go uncaught.
        assert [e for e in watch.errors if e.startswith("pageerror")] == []
        page.click("#stop")
    finally:
        context.close()
