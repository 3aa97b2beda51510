"""Every text over every scene is readable: at least 4.5:1 (WCAG AA) against the real pixels behind it.

An accessibility checker cannot see it (the background is a canvas), so this measures it: for each of
the five places at 1440x900 and 390x844, while music plays, it notes every visible text's colour and
the boxes of its characters, makes the text transparent (its backgrounds and shadows stay), takes a
screenshot, and computes the contrast of the text's colour against each pixel behind it. The site is
conftest's tiny content plus the real media (its four ambiences).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from .browser import open_lofi, wait_for

pytestmark = pytest.mark.browser

VIEWPORTS = {"1440x900": (1440, 900), "390x844": (390, 844)}
SCENES = {"rain": "rain", "fireplace": "fire", "wind": "wind", "water": "creek", "": "night"}
PLAY = "(a) => window.lofi.play({song: 'first-light', drums: 'boom-bap', ambience: a || null})"
AA = 4.5
# The share of a text's background pixels allowed under AA: a note's light passing behind a word
# for one frame, or an anti-aliased edge, is not what makes a word hard to read; a backdrop is.
SPARE = 0.01

# Every visible text in the first screen: its colour (with the opacity of it and its ancestors as
# alpha) and the boxes of its characters (a Range over its own text nodes, not the element's box).
TEXTS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('#scene, script, style, option, [hidden], .visually-hidden')) continue;
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible') continue;
    let opacity = 1;
    for (let up = el; up; up = up.parentElement) opacity *= Number(getComputedStyle(up).opacity);
    if (opacity < 0.05) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const boxes = [...range.getClientRects()]
      .filter((r) => r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight && r.right > 0 && r.left < innerWidth)
      .map((r) => [r.left, r.top, r.right, r.bottom]);
    if (!boxes.length) continue;
    const rgba = style.color.match(/[\\d.]+/g).map(Number);
    found.push({text: node.textContent.trim().slice(0, 40), tag: el.tagName.toLowerCase(), cls: el.className,
                colour: rgba.slice(0, 3), alpha: (rgba[3] ?? 1) * opacity, boxes});
  }
  return found;
}"""
HIDE_TEXT = """() => {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync('*, *::before, *::after { color: transparent !important; caret-color: transparent !important; }');
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  window.__contrastSheet = sheet;
}"""
SHOW_TEXT = (
    "() => { document.adoptedStyleSheets = document.adoptedStyleSheets.filter((s) => s !== window.__contrastSheet); }"
)


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG relative luminance of sRGB colours (..., 3) in 0-255."""
    c = rgb / 255.0
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return linear @ np.array([0.2126, 0.7152, 0.0722])


def contrast(text: np.ndarray, alpha: float, background: np.ndarray) -> np.ndarray:
    """The contrast of text of this colour (alpha over each pixel) against each background pixel."""
    shown = alpha * text + (1 - alpha) * background
    a, b = luminance(shown), luminance(background)
    return (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)


def worst_texts(page) -> list[tuple[float, str]]:
    """(contrast, what) for each visible text: the contrast that all but SPARE of its pixels reach."""
    texts = page.evaluate(TEXTS)
    page.evaluate(HIDE_TEXT)
    try:
        shot = np.asarray(Image.open(io.BytesIO(page.screenshot())).convert("RGB"), dtype=np.float64)
    finally:
        page.evaluate(SHOW_TEXT)
    height, width = shot.shape[:2]
    results = []
    for text in texts:
        pixels = []
        for left, top, right, bottom in text["boxes"]:
            x0, y0 = max(0, int(left)), max(0, int(top))
            x1, y1 = min(width, int(np.ceil(right))), min(height, int(np.ceil(bottom)))
            if x1 > x0 and y1 > y0:
                pixels.append(shot[y0:y1, x0:x1].reshape(-1, 3))
        if not pixels:
            continue
        ratios = contrast(np.array(text["colour"], dtype=np.float64), text["alpha"], np.concatenate(pixels))
        results.append((float(np.quantile(ratios, SPARE)), f"{text['tag']}.{text['cls']} {text['text']!r}"))
    return results


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_text_over_every_scene_has_aa_contrast(browser, media_site_url, viewport):
    width, height = VIEWPORTS[viewport]
    phone = width < height
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=phone, service_workers="block")
    try:
        page, watch = open_lofi(context, media_site_url, settings=False)  # the page as it opens: the sheet closed
        failures = []
        measured = 0
        for ambience, scene in SCENES.items():
            page.evaluate(
                "(id) => { const s = document.getElementById('ambience'); s.value = id; s.dispatchEvent(new Event('change')); }",
                ambience,
            )
            page.evaluate(PLAY, ambience)
            wait_for(page, f"document.getElementById('scene').dataset.scene === '{scene}'", timeout=20000)
            wait_for(page, "document.getElementById('scene').dataset.drawn === 'true'", timeout=20000)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.wait_for_timeout(1500)  # notes showing in the picture
            for ratio, what in worst_texts(page):
                measured += 1
                if ratio < AA:
                    failures.append(f"{scene}: {what} {ratio:.2f}:1")
        page.evaluate("() => window.lofi.stop()")
        assert measured > 10, "the page should show text over every scene"
        assert not failures, "under 4.5:1 over the scene:\n" + "\n".join(failures)
        assert not watch.errors
    finally:
        context.close()
