"""The mood sentence on the page picks the ambience and the drum pattern as well as the chords and
the tempo, and says in plain words which of the listener's words chose them."""

from __future__ import annotations

import pytest

from .browser import open_lofi

pytestmark = pytest.mark.browser


def test_rainy_and_late_sets_rain_and_a_slow_beat_and_says_why(browser, media_site_url):
    context = browser.new_context()
    try:
        page, watch = open_lofi(context, media_site_url)
        page.wait_for_function("() => document.querySelectorAll('#ambience option').length > 1")
        page.select_option("#ambience", "fireplace")
        page.select_option("#drums", "lazy-sunday")
        page.fill("#mood-text", "Rainy and late, a little tired")
        page.click("#mood-apply")
        page.wait_for_function("() => document.getElementById('mood-reason').textContent.includes('you said')")
        reason = page.text_content("#mood-reason")
        assert reason.startswith("Rain on the window and a slow half-time beat"), reason
        assert '"rainy"' in reason and '"late"' in reason
        assert page.input_value("#ambience") == "rain"
        assert page.input_value("#drums") == "half-time"
        choice = page.evaluate("() => window.lofi.mood('Rainy and late, a little tired')")
        assert choice["mode"] == "minor"
        # The radio (the first choice) plans its tunes by the mood: your chords and tempo stay yours.
        assert page.input_value("#song") == "station"
        assert page.input_value("#tempo") == "" and page.input_value("#progression") == ""
        assert f"minor tunes around {choice['bpm']} bpm" in reason, reason
        # A sentence about sleep turns the drums off.
        page.fill("#mood-text", "Time to sleep")
        page.click("#mood-apply")
        page.wait_for_function("() => document.getElementById('mood-reason').textContent.includes('sleep')")
        assert page.input_value("#drums") == ""
        # One AI tune takes the mood's chords and tempo.
        page.select_option("#song", "ai")
        page.fill("#mood-text", "Rainy and late, a little tired")
        page.click("#mood-apply")
        page.wait_for_function("() => document.getElementById('tempo').value !== ''")
        assert page.input_value("#tempo") == str(choice["bpm"])
        assert page.input_value("#progression") == choice["progression"]
        assert page.text_content("#mood-reason") == choice["reason"]
        assert f"({choice['progression']}) at {choice['bpm']} bpm" in choice["reason"]
        assert not watch.errors
    finally:
        context.close()
