"""The headline, the alerts and the controls tell what is sounding: a mood applied while a tune
plays is heard from the next bar; mute shows in the headline; alerts that no longer hold go, the
same one is shown once and each can be dismissed; after the Track menu the arrow keys are the
volume's; sliders say their value in words; the system's media controls have artwork and a
previous-track key; after "Surprise me" the key shown is the new tune's."""

from __future__ import annotations

import pytest

from .browser import js, open_listed, wait_for

pytestmark = pytest.mark.browser

# Records which media keys the page handles (navigator.mediaSession keeps no list of its own).
MEDIA_KEYS = """
window.__mediaKeys = {};
if ('mediaSession' in navigator) {
  const set = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (name, handler) => {
    window.__mediaKeys[name] = handler;
    return set(name, handler);
  };
}
"""


@pytest.fixture
def page(browser, media_site_url):
    context = browser.new_context()
    context.add_init_script(MEDIA_KEYS)
    page, _watch = open_listed(context, media_site_url)
    yield page
    context.close()


def play(page, song: str) -> None:
    page.select_option("#song", song)
    page.click("#play")
    wait_for(page, f"window.lofi.state().playing && window.lofi.state().song === {song!r}", timeout=60000)


def wait_for_a_new_piece(page, first: str) -> None:
    """Until a piece other than the one whose first note was `first` (JSON) sounds."""
    wait_for(
        page,
        f"window.lofi.state().solo && window.lofi.state().solo.firstNote"
        f" && JSON.stringify(window.lofi.state().solo.firstNote) !== {first!r}",
        timeout=60000,
    )


def test_a_mood_applied_while_the_ai_tune_plays_is_heard_from_the_next_bar(page):
    play(page, "ai")
    wait_for(page, "window.lofi.state().solo && window.lofi.state().solo.firstNote", timeout=60000)
    first = js(page, "JSON.stringify(window.lofi.state().solo.firstNote)")
    sentence = "Rainy and late, a little tired"
    wanted = js(page, f"window.lofi.mood({sentence!r}).progression")
    page.fill("#mood-text", sentence)
    page.click("#mood-apply")
    # A new piece, written over the mood's chords, takes over (the old one does not play on).
    wait_for_a_new_piece(page, first)
    assert js(page, "window.lofi.state().solo.progression") == wanted


def test_a_mood_applied_by_the_api_while_the_ai_tune_plays_is_heard_from_the_next_bar(page):
    play(page, "ai")
    wait_for(page, "window.lofi.state().solo && window.lofi.state().solo.firstNote", timeout=60000)
    first = js(page, "JSON.stringify(window.lofi.state().solo.firstNote)")
    choice = page.evaluate("() => window.lofi.applyMood('A slow and sleepy night')")
    wait_for_a_new_piece(page, first)
    assert js(page, "window.lofi.state().solo.progression") == choice["progression"]
    # The headline names the key of the piece that sounds.
    key = js(page, "window.lofi.state().solo.key")
    wait_for(page, f"document.querySelector('#status').textContent.includes(' in ' + {key!r})", timeout=3000)


def test_a_mood_applied_while_the_radio_plays_is_heard_from_the_next_bar(page):
    play(page, "station")
    wait_for(page, "window.lofi.state().tune", timeout=60000)
    playing = js(page, "window.lofi.state().tune.index")
    sentence = "Sunny and bright, full of joy"
    page.fill("#mood-text", sentence)
    page.click("#mood-apply")
    # The tune that sounds next is written to the mood, and it is the one the headline names.
    wait_for(
        page,
        f"window.lofi.state().tune && window.lofi.state().tune.index !== {playing}"
        f" && window.lofi.history().some((t) => t.index === window.lofi.state().tune.index"
        f" && t.options.mood && t.options.mood.text === {sentence!r})",
        timeout=60000,
    )


def test_the_headline_says_muted(page):
    play(page, "first-light")
    wait_for(page, "document.querySelector('#status').textContent.startsWith('Playing')")
    page.locator("body").press("m")
    wait_for(page, "document.querySelector('#status').textContent.startsWith('Muted')", timeout=3000)
    page.locator("body").press("m")
    wait_for(page, "document.querySelector('#status').textContent.startsWith('Playing')", timeout=3000)


def test_after_the_track_menu_the_arrow_keys_change_the_volume(page):
    page.focus("#song")
    page.select_option("#song", "first-light")
    before = js(page, "window.lofi.state().volumes.master")
    page.keyboard.press("ArrowDown")
    wait_for(page, f"window.lofi.state().volumes.master < {before}", timeout=3000)
    assert js(page, "document.querySelector('#song').value") == "first-light"


def test_sliders_say_their_value_in_words(page):
    value_text = js(page, "document.querySelector('input[data-volume=master]').getAttribute('aria-valuetext')")
    master = js(page, "window.lofi.state().volumes.master")
    assert value_text == f"{round(master * 100)}%"
    page.fill("#tempo", "72")
    page.dispatch_event("#tempo", "change")
    texts = js(page, "[...document.querySelectorAll('input[type=range]')].map((s) => s.getAttribute('aria-valuetext'))")
    assert all(texts), texts


def test_alerts_are_dismissed_shown_once_and_go_when_they_no_longer_hold(page):
    page.fill("#mood-text", "")
    page.click("#mood-apply")
    wait_for(page, "document.querySelector('#alerts').textContent.includes('sentence about your mood')")
    page.fill("#mood-text", "A sunny morning")
    page.click("#mood-apply")
    wait_for(page, "!document.querySelector('#alerts').textContent.includes('sentence about your mood')", timeout=3000)

    # The same problem told by two parts of the page is one alert.
    page.evaluate("() => window.lofi.setLayer('ambience', 'no-such-ambience')")
    page.fill("#tempo", "999")
    page.dispatch_event("#tempo", "change")
    page.click("#play")
    wait_for(page, "document.querySelectorAll('#alerts li').length > 0")
    texts = js(page, "[...document.querySelectorAll('#alerts li')].map((li) => li.textContent)")
    assert not [(a, b) for a in texts for b in texts if a is not b and a.strip("×") in b], texts

    # Fixed, it no longer holds.
    page.fill("#tempo", "72")
    page.dispatch_event("#tempo", "change")
    wait_for(page, "!document.querySelector('#alerts').textContent.includes('Tempo')", timeout=3000)

    # Each has a close button, reached by the keyboard, and closing one removes it.
    page.fill("#tempo", "999")
    page.dispatch_event("#tempo", "change")
    wait_for(page, "document.querySelector('#alerts').textContent.includes('Tempo')")
    count = js(page, "document.querySelectorAll('#alerts li').length")
    close = page.locator("#alerts li button").first
    close.focus()
    page.keyboard.press("Enter")
    wait_for(page, f"document.querySelectorAll('#alerts li').length === {count - 1}", timeout=3000)


def test_the_media_session_has_artwork_and_a_previous_track_key(page):
    play(page, "first-light")
    wait_for(page, "navigator.mediaSession.metadata !== null", timeout=5000)
    artwork = js(page, "navigator.mediaSession.metadata.artwork.map((a) => a.src)")
    assert artwork and all(a.startswith("http") for a in artwork), artwork
    assert js(page, "typeof window.__mediaKeys.previoustrack") == "function"
    page.evaluate("() => window.__mediaKeys.previoustrack({action: 'previoustrack'})")
    wait_for(page, "window.lofi.state().song !== 'first-light'", timeout=30000)


def test_after_surprise_me_the_key_shown_is_the_new_tunes(page):
    play(page, "ai")
    for _ in range(3):
        wait_for(page, "window.lofi.state().solo && !window.lofi.state().solo.generating", timeout=60000)
        key = js(page, "window.lofi.lastSolo().piece.key")
        wait_for(page, f"document.querySelector('#status').textContent.includes(' in ' + {key!r} + ',')", timeout=3000)
        first = js(page, "JSON.stringify(window.lofi.state().solo.firstNote)")
        page.click("#surprise")
        wait_for(
            page,
            f"window.lofi.state().solo && JSON.stringify(window.lofi.state().solo.firstNote) !== {first!r}",
            timeout=60000,
        )
