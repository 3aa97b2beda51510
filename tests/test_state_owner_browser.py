"""The API owns the page's state: whatever changes it (an API call, a control, a key, a share link)
shows at once in the controls, the scene and the status line, because they render what
window.lofi publishes instead of keeping a copy of their own."""

from __future__ import annotations

import pytest

from .browser import js, open_listed, wait_for

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, media_site_url):
    context = browser.new_context()
    page, _watch = open_listed(context, media_site_url)
    yield page
    context.close()


def other_option(page, select: str) -> str:
    """An option of `select` other than the one shown (and not 'off')."""
    return js(
        page,
        f"[...document.querySelector('#{select}').options].map((o) => o.value)"
        f".find((v) => v && v !== document.querySelector('#{select}').value)",
    )


def play_song(page, song: str = "first-light") -> None:
    page.select_option("#song", song)
    page.click("#play")
    wait_for(page, f"window.lofi.state().playing && window.lofi.state().song === {song!r}", timeout=30000)


def test_an_api_ambience_change_shows_in_the_scene_the_select_and_the_status_line(page):
    play_song(page)
    wanted = other_option(page, "ambience")
    title = js(page, f"window.lofi.media().ambience.find((a) => a.id === {wanted!r}).title.toLowerCase()")
    page.evaluate(f"() => window.lofi.setLayer('ambience', {wanted!r})")
    wait_for(page, f"document.querySelector('#scene').dataset.ambience === {wanted!r}")
    assert js(page, "document.querySelector('#ambience').value") == wanted
    wait_for(page, f"document.querySelector('#status').textContent.includes({title!r})", timeout=2000)
    # Off: the scene, the select and the line say so too.
    page.evaluate("() => window.lofi.setLayer('ambience', null)")
    wait_for(page, "document.querySelector('#scene').dataset.ambience === 'none'")
    assert js(page, "document.querySelector('#ambience').value") == ""
    wait_for(page, f"!document.querySelector('#status').textContent.includes({title!r})", timeout=2000)


def test_an_api_ambience_change_before_play_shows_in_the_scene(page):
    wanted = other_option(page, "ambience")
    page.evaluate(f"() => window.lofi.setLayer('ambience', {wanted!r})")
    wait_for(page, f"document.querySelector('#scene').dataset.ambience === {wanted!r}")
    assert js(page, "document.querySelector('#ambience').value") == wanted


def test_api_drums_volume_mood_and_track_show_in_the_controls(page):
    drums = other_option(page, "drums")
    page.evaluate(f"() => window.lofi.setLayer('drums', {drums!r})")
    wait_for(page, f"document.querySelector('#drums').value === {drums!r}")

    page.evaluate("() => window.lofi.setVolume('music', 0.3)")
    wait_for(page, "document.querySelector('input[data-volume=music]').value === '0.3'")
    assert js(page, "document.querySelector('input[data-volume=music]').getAttribute('aria-valuetext')") == "30%"

    page.select_option("#song", "first-light")
    sentence = "Rainy and late, a little tired"
    choice = page.evaluate(f"() => window.lofi.applyMood({sentence!r})")
    wait_for(page, f"document.querySelector('#progression').value === {choice['progression']!r}")
    assert js(page, "document.querySelector('#tempo').value") == str(choice["bpm"])
    assert js(page, "document.querySelector('#mood-text').value") == sentence
    assert js(page, "document.querySelector('#mood-reason').textContent") == choice["reason"]

    page.evaluate("() => window.lofi.play({song: 'gymnopedie-no-1'})")
    wait_for(page, "document.querySelector('#song').value === 'gymnopedie-no-1'", timeout=30000)
    wait_for(page, "document.querySelector('#status').textContent.includes('Playing')", timeout=2000)


def test_a_choice_in_a_control_is_the_api_state(page):
    wanted = other_option(page, "ambience")
    page.select_option("#ambience", wanted)
    wait_for(page, f"window.lofi.state().layers.ambience === {wanted!r}")
    assert js(page, "document.querySelector('#scene').dataset.ambience") == wanted
