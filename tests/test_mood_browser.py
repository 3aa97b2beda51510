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
        assert page.input_value("#tempo") == str(choice["bpm"]) and choice["mode"] == "minor"
        # A sentence about sleep turns the drums off.
        page.fill("#mood-text", "Time to sleep")
        page.click("#mood-apply")
        page.wait_for_function("() => document.getElementById('mood-reason').textContent.includes('sleep')")
        assert page.input_value("#drums") == ""
        assert not watch.errors
    finally:
        context.close()
