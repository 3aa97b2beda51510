"""The sleep timer ("Stop after"), heard through the page's output: the music keeps its level, fades
over the timer's last stretch, pauses, and comes back at its level with the next Play."""

from __future__ import annotations

import statistics

import pytest

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

# The in-page sampler: the output's RMS every 100 ms, in ms since the timer was set, until the
# player pauses (or 30 s pass). Timed in the page, so a busy test process cannot skew it.
SAMPLE_UNTIL_PAUSED = """async (minutes) => {
    window.lofi.sleepTimer(minutes);
    const start = performance.now();
    const samples = [];
    while (!window.lofi.state().paused && performance.now() - start < 30000) {
        samples.push([performance.now() - start, window.lofi.outputRms()]);
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {samples, pausedAt: performance.now() - start, state: window.lofi.state()};
}"""


@pytest.fixture
def page(browser, media_site_url):  # conftest: the tiny content with the real media, served
    context = browser.new_context()
    page, watch = open_lofi(context, media_site_url)
    wait_for(page, "document.querySelector('#ambience').options.length > 1")
    yield page, watch
    context.close()


def test_the_sleep_timer_fades_the_music_out_pauses_it_and_play_brings_it_back(page):
    page, watch = page
    # The rain is a steady sound, so the level heard is the timer's doing, not the music's rests.
    page.select_option("#song", "first-light")
    page.select_option("#ambience", "rain")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing && window.lofi.state().bar >= 1", timeout=30000)

    # Six seconds: a short timer fades over its last third (two seconds), then pauses.
    run = page.evaluate(SAMPLE_UNTIL_PAUSED, 0.1)
    assert run["state"]["paused"] and run["state"]["sleepTimer"] is None
    assert run["pausedAt"] >= 5900  # never early: the fade begins at 4 s and lasts 2 s
    samples = run["samples"]
    level = statistics.median(rms for at, rms in samples if 500 <= at <= 3500)
    assert level > 0.002, "nothing was heard before the fade"
    end = [rms for at, rms in samples if at >= run["pausedAt"] - 400]
    assert end and max(end) < 0.25 * level, (level, end)

    # The page says what happened, and the choice is back to "Keep playing".
    assert page.input_value("#sleep") == ""
    assert "Paused" in page.text_content("#status")
    assert "sleep timer" in page.text_content("#messages")

    # Play goes on from there, at the level it had.
    page.click("#play")
    wait_for(page, "window.lofi.state().playing && !window.lofi.state().paused")
    page.wait_for_timeout(2500)  # the level comes back over 1.5 s
    again = page.evaluate("""async () => {
        const values = [];
        for (let i = 0; i < 10; i++) {
            values.push(window.lofi.outputRms());
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return values;
    }""")
    assert statistics.median(again) > 0.5 * level, (level, again)
    assert watch.errors == []


def test_stop_after_in_the_sound_panel_sets_and_clears_the_timer(page):
    page, watch = page
    page.select_option("#song", "first-light")
    page.click("#play")
    wait_for(page, "window.lofi.state().playing")
    page.select_option("#sleep", "30")
    timer = page.evaluate("() => window.lofi.state().sleepTimer")
    assert 29 * 60_000 < timer["remainingMs"] <= 30 * 60_000
    wait_for(page, "document.querySelector('#position').textContent.includes('stops in 30 min')")
    page.select_option("#sleep", "")
    assert page.evaluate("() => window.lofi.state().sleepTimer") is None
    wait_for(page, "!document.querySelector('#position').textContent.includes('stops')")
    with pytest.raises(Exception, match="a sleep timer is up to 1440 minutes"):
        page.evaluate("() => window.lofi.sleepTimer(-5)")
    assert page.evaluate("() => window.lofi.state().playing") is True
    page.click("#stop")
    assert watch.errors == []
