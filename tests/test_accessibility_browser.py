"""Accessibility: axe-core on the built page finds no serious or critical violation.

The same check as `make quality` (bench/quality.py), which also runs Lighthouse (too slow for the
test suite). axe-core is injected into a browser context made with bypass_csp=True, the one thing
that switch is used for: the page's policy allows only its own scripts.
"""

from __future__ import annotations

import pytest

from bench.quality import AXE_JS, SHOW_EVERYTHING_JS, run_axe

pytestmark = pytest.mark.browser

SIZES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}


@pytest.mark.parametrize("size", list(SIZES))
def test_axe_finds_no_serious_or_critical_violation(browser, media_site_url, size):  # conftest fixtures
    site = media_site_url
    assert AXE_JS.exists(), "axe-core is a devDependency: run npm ci"
    context = browser.new_context(bypass_csp=True, **SIZES[size])  # only so that axe can be injected
    page = context.new_page()
    page.goto(site)
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    page.wait_for_function("() => document.querySelector('#drums').options.length > 1")
    found = {"index": run_axe(page)}
    page.evaluate(SHOW_EVERYTHING_JS)  # the AI solo's settings, every field shown
    page.evaluate("() => window.lofi.play({song: 'first-light', bpm: 240})")  # the playing page's state
    page.wait_for_function("() => window.lofi.state().playing")
    found["index, AI settings shown, playing"] = run_axe(page)
    page.evaluate("() => window.lofi.stop()")
    page.goto(site + "report.html")
    found["report.html"] = run_axe(page)
    context.close()
    serious = {
        name: [v for v in violations if v["impact"] in ("serious", "critical")] for name, violations in found.items()
    }
    assert serious == {name: [] for name in found}, serious
