"""Screenshots of every scene, before Play, while playing and after the chrome has faded, at
1440x900 and 390x844.

    .venv/bin/python -m scripts.scene_screenshots [--site DIR] [--out docs/screenshots/scenes]

Builds the site from content/ into a temporary folder (or takes an already built one with --site),
serves it from a sub-path (builder.serve) and opens it in the project's headless Chromium
(tests/browser.py). For each viewport and each of the five places (rain, the fireplace, wind, the
creek, and the quiet night when no ambience plays) it picks the ambience in the page's own menu,
saves the first screen as it stands before Play (OUT/SCENE-VIEWPORT-still.png), then plays a
hand-written song with drums and the ambience for a few seconds and saves it again
(OUT/SCENE-VIEWPORT-playing.png), then leaves it untouched until the title and dock have faded
(ui/chrome.js) and saves it once more
(OUT/SCENE-VIEWPORT-faded.png).

The pictures are stored with a 256-colour palette, so each stays small enough for docs/ (a
1440x900 screenshot of soft gradients is about 1 MB as full-colour PNG). Prints one line per file.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from builder.site import PROJECT_ROOT
from scripts.served_site import served_site
from tests.browser import PageWatch, launch, wait_for

VIEWPORTS = {"1440x900": (1440, 900), "390x844": (390, 844)}
# Ambience ids in content/ambience ("" for none: the quiet night) and the picture each shows.
SCENES = {"rain": "rain", "fireplace": "fire", "wind": "wind", "water": "creek", "": "night"}
PLAY = "(a) => window.lofi.play({song: 'first-light', drums: 'boom-bap', ambience: a || null})"
PLAYING_MS = 3_000  # long enough for notes to show in the picture
RESTING = "document.body.classList.contains('chrome-resting')"  # ui/chrome.js: the title and dock faded
SCENE_SHOWN = "document.getElementById('scene').dataset.scene === %r"


def small_png(png: bytes) -> bytes:
    """The screenshot with a 256-colour palette: a tenth of the size, the picture unchanged to the eye."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def choose_ambience(page, ambience: str) -> None:
    page.evaluate(
        "(id) => { const s = document.getElementById('ambience'); s.value = id; s.dispatchEvent(new Event('change')); }",
        ambience,
    )


def shoot(page, path: Path) -> str:
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_timeout(200)
    path.write_bytes(small_png(page.screenshot()))
    return f"{path} ({path.stat().st_size // 1024} KB)"


def take(browser, url: str, viewport: str, ambience: str, scene: str, out: Path) -> list[str]:
    width, height = VIEWPORTS[viewport]
    phone = width < height
    context = browser.new_context(
        viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone, service_workers="block"
    )
    page = context.new_page()
    watch = PageWatch(page)
    page.goto(url)
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    choose_ambience(page, ambience)
    wait_for(page, SCENE_SHOWN % scene, timeout=20000)
    page.wait_for_timeout(300)
    lines = [shoot(page, out / f"{scene}-{viewport}-still.png")]
    page.evaluate(PLAY, ambience)
    wait_for(page, "window.lofi.state().playing", timeout=20000)
    page.wait_for_timeout(PLAYING_MS)
    lines.append(shoot(page, out / f"{scene}-{viewport}-playing.png"))
    wait_for(page, RESTING, timeout=20000)  # a few seconds untouched
    page.wait_for_timeout(2000)  # the fade's transition
    lines.append(shoot(page, out / f"{scene}-{viewport}-faded.png"))
    page.evaluate("() => window.lofi.stop()")
    context.close()
    if watch.errors:
        raise SystemExit(f"{scene} at {viewport}: the page reported errors: {watch.errors}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshots of every scene, still and playing.")
    parser.add_argument("--site", type=Path, help="an already built site (default: build content/ now)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs" / "screenshots" / "scenes")
    parser.add_argument("--scene", help="only this scene (rain, fire, wind, creek or night)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with served_site(args.site, "lofi-scene-shots-") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for viewport in VIEWPORTS:
                for ambience, scene in SCENES.items():
                    if args.scene and scene != args.scene:
                        continue
                    for line in take(browser, url, viewport, ambience, scene, args.out):
                        print(line, flush=True)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
