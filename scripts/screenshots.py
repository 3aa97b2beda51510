"""The README's screenshots, taken from the real page while it plays the AI radio (the station).

    .venv/bin/python -m scripts.screenshots [--site DIR] [--out docs/screenshots] [--ambience rain]
    make screenshots

Builds the site from content/ into a temporary folder (or takes an already built one with --site),
serves it from a sub-path as GitHub Pages does (builder.serve), and opens it in the project's
headless Chromium (tests/browser.py) twice: a 1440x900 desktop, and a 390x844 phone with touch.
Each time it picks the ambience in the page's own menu, presses Play with the AI radio chosen (the
page's first choice), waits until the first AI note has sounded and the scene has drawn a few
seconds of music, and saves the visible screen: OUT/desktop.png and OUT/phone.png.

Prints one line per picture (its size and the page's status line) and exits with status 1 if the
page never played a note or reported an error.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from builder.site import PROJECT_ROOT
from scripts.served_site import served_site
from tests.browser import PageWatch, launch, wait_for

DEVICES = {
    "desktop": {"viewport": {"width": 1440, "height": 900}, "device_scale_factor": 1},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
FIRST_NOTE_TIMEOUT_MS = 120_000  # a cold page loads the model and TF.js first; a busy machine is slow
PLAYING_MS = 4_000  # after the first note: long enough for the scene to show the music


def take(browser, url: str, name: str, out: Path, ambience: str | None) -> str:
    """Open the page as `name`'s device, play the AI radio, save OUT/NAME.png; returns the status line."""
    # A fresh context each time, service worker allowed: the page as a first-time visitor sees it.
    context = browser.new_context(**DEVICES[name])
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(url)
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    if ambience:
        choices = page.eval_on_selector_all("#ambience option", "(options) => options.map((o) => o.value)")
        if ambience not in choices:
            raise SystemExit(f"--ambience {ambience}: not one of this site's ambiences {choices[1:]}")
        # The ambience's menu is in the closed settings sheet: chosen through the API, which the
        # menu, the scene and the headline all follow.
        page.evaluate("(id) => window.lofi.setLayer('ambience', id)", ambience)
    if page.input_value("#song") != "station":
        page.select_option("#song", "station")
    play = page.locator("#play")
    if DEVICES[name].get("has_touch"):
        play.tap()
    else:
        play.click()
    try:
        wait_for(page, "window.lofi.state().station?.firstNote", timeout=FIRST_NOTE_TIMEOUT_MS, interval=200)
    except TimeoutError:
        raise SystemExit(
            f"{name}: no AI note within {FIRST_NOTE_TIMEOUT_MS / 1000:.0f} s; errors: {watch.errors}"
        ) from None
    page.wait_for_timeout(PLAYING_MS)
    # Pressing Play may have scrolled it into view: the picture is the first screen, as a visitor sees it.
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(300)
    path = out / f"{name}.png"
    page.screenshot(path=path)
    status = page.locator("#status").inner_text().strip()
    context.close()
    if watch.errors:
        raise SystemExit(f"{name}: the page reported errors: {watch.errors}")
    return f"{path} ({path.stat().st_size // 1024} KB): {status}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshots of the playing page for the README.")
    parser.add_argument("--site", type=Path, help="an already built site (default: build content/ now)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    parser.add_argument("--ambience", default="rain", help="the ambience to show ('' keeps the page's default)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with served_site(args.site, "lofi-screenshots-") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for name in DEVICES:
                print(take(browser, url, name, args.out, args.ambience or None))
        finally:
            browser.close()


if __name__ == "__main__":
    main()
