"""The settings the page remembers in localStorage, when what it finds there is not what it wrote.

Every site on a USER.github.io origin shares its localStorage, so another page (or another version
of this one) can leave anything under the player's key. The page must take only the known fields of
the right type, keep working, and write a clean entry at the next change.
"""

from __future__ import annotations

import json

import pytest

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

STORAGE_KEY = "lofi-player:settings"
KNOWN_KEYS = {"song", "drums", "ambience", "quote", "volumes"}
VOLUMES = "() => Object.fromEntries([...document.querySelectorAll('input[data-volume]')].map((s) => [s.dataset.volume, Number(s.value)]))"

BAD_ENTRIES = {
    "string": '"a string"',
    "number": "42",
    "null": "null",
    "array": "[1,2]",
    "unknown-key": '{"tempo": "fast"}',
    "not-json": "{drums: boom-bap",
    "wrong-types": '{"song": 7, "drums": ["x"], "ambience": {}, "quote": true, "volumes": [0.5]}',
}


@pytest.fixture(scope="module")
def site(media_site_url):  # conftest: the tiny content with the real media (drum patterns to pick)
    return media_site_url


def open_with_stored(browser, site, stored: str):
    """The player opened on a localStorage that holds `stored` under the settings key before any
    of the page's scripts run: (context, page, watch, the volumes a first visit starts with)."""
    context = browser.new_context()
    page, watch = open_lofi(context, site)
    wait_for(page, "document.querySelector('#drums').options.length > 2")
    defaults = page.evaluate(VOLUMES)
    page.evaluate("([key, value]) => localStorage.setItem(key, value)", [STORAGE_KEY, stored])
    page.reload()
    wait_for(page, "window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    wait_for(page, "document.querySelector('#drums').options.length > 2")
    return context, page, watch, defaults


def stored_settings(page):
    return json.loads(page.evaluate("(key) => localStorage.getItem(key)", STORAGE_KEY))


@pytest.mark.parametrize("stored", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_foreign_entry_is_ignored_and_replaced_at_the_next_change(browser, site, stored):
    context, page, watch, defaults = open_with_stored(browser, site, stored)
    drums = page.evaluate("() => [...document.querySelector('#drums').options].map((o) => o.value)")
    assert page.evaluate(VOLUMES) == defaults
    # Nothing usable was stored: the defaults (the first pattern) are on.
    assert page.input_value("#drums") == drums[1]
    page.select_option("#drums", drums[2])
    page.select_option("#ambience", "fireplace")
    page.locator('input[data-volume="vinyl"]').fill("0.1")
    page.wait_for_timeout(100)  # let any error the change raised reach the page's error handlers
    assert not watch.errors, watch.errors
    saved = stored_settings(page)
    assert isinstance(saved, dict) and set(saved) <= KNOWN_KEYS, saved
    assert (saved["drums"], saved["ambience"], saved["volumes"]["vinyl"]) == (drums[2], "fireplace", 0.1)
    # And a reload restores those choices.
    page.reload()
    wait_for(page, "window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    wait_for(page, "document.querySelector('#ambience').value === 'fireplace'")
    assert page.input_value("#drums") == drums[2]
    assert page.input_value('input[data-volume="vinyl"]') == "0.1"
    assert not watch.errors, watch.errors
    context.close()


def test_good_fields_are_kept_and_bad_ones_dropped_one_by_one(browser, site):
    stored = json.dumps(
        {
            "drums": 5,  # wrong type: the default pattern instead
            "ambience": "fireplace",  # good
            "quote": None,  # good: the quote is off
            "volumes": {"vinyl": 0.2, "master": "loud", "drums": 7, "ambience": None},  # only vinyl is good
            "tempo": "fast",  # unknown
        }
    )
    context, page, watch, defaults = open_with_stored(browser, site, stored)
    drums = page.evaluate("() => [...document.querySelector('#drums').options].map((o) => o.value)")
    wait_for(page, "document.querySelector('#ambience').value === 'fireplace'")
    assert (page.input_value("#drums"), page.input_value("#quote")) == (drums[1], "")
    assert page.evaluate(VOLUMES) == {**defaults, "vinyl": 0.2}
    assert page.evaluate("() => window.lofi.state().volumes.vinyl") == pytest.approx(0.2)
    page.select_option("#drums", drums[2])
    saved = stored_settings(page)
    assert set(saved) <= KNOWN_KEYS and "tempo" not in saved, saved
    assert (saved["drums"], saved["ambience"], saved["quote"]) == (drums[2], "fireplace", None)
    assert not watch.errors, watch.errors
    context.close()
