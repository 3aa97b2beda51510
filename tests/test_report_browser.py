"""report.html, the model's report, on a phone and a desktop: it never scrolls sideways (a wide table
scrolls inside its own box), it scrolls down, and its icon is a real one the browser decodes. Its
listening pieces play through the page's own player: the notes of the AI track's three parts sound."""

from __future__ import annotations

import json

import pytest

from .browser import PageWatch, add_debug_hooks, wait_for

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 3}
DESKTOP = {"viewport": {"width": 1440, "height": 900}}

# Elements whose right or left edge leaves the layout viewport, outside a box that scrolls them.
STICKING_OUT = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter((e) => !e.closest('.table-scroll'))
    .filter((e) => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > width + 0.5 || r.left < -0.5); })
    .map((e) => `${e.tagName.toLowerCase()}${e.className ? '.' + e.className : ''}`);
}"""


def open_report(browser, url, device):
    context = browser.new_context(**device)
    page = context.new_page()
    failed = []
    page.on("response", lambda response: response.status >= 400 and failed.append(f"{response.status} {response.url}"))
    page.goto(url + "report.html")
    page.wait_for_load_state("load")
    return context, page, failed


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone 390x844", "desktop 1440x900"])
def test_the_report_never_scrolls_sideways(browser, built_site_url, device):
    context, page, failed = open_report(browser, built_site_url, device)
    width = device["viewport"]["width"]
    sizes = page.evaluate(
        "() => ({inner: window.innerWidth, client: document.documentElement.clientWidth,"
        " scroll: document.documentElement.scrollWidth, tables: document.querySelectorAll('table').length})"
    )
    # A phone widens its layout viewport to fit what overflows, so innerWidth tells too.
    assert sizes["inner"] == width and sizes["scroll"] <= sizes["client"], sizes
    assert sizes["tables"] >= 3
    assert page.evaluate(STICKING_OUT) == []
    # Every table is inside a box of the column; one wider than the box scrolls there, reachable by keyboard.
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('table')].map((t) => {
          const box = t.closest('.table-scroll');
          return box && {right: box.getBoundingClientRect().right, scrolls: box.scrollWidth > box.clientWidth,
                         overflow: getComputedStyle(box).overflowX, tabindex: box.tabIndex, label: box.getAttribute('aria-label')};
        })"""
    )
    assert all(box and box["right"] <= width and box["tabindex"] == 0 and box["label"] for box in boxes), boxes
    assert all(box["overflow"] in ("auto", "scroll") for box in boxes if box["scrolls"]), boxes
    # The page still scrolls down (the player's full-screen layout must not pin the report).
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    assert page.evaluate("() => window.scrollY") > 0
    assert failed == []
    context.close()


def test_the_report_links_an_icon_the_browser_decodes(browser, built_site_url):
    context, page, failed = open_report(browser, built_site_url, DESKTOP)
    icons = page.evaluate("() => [...document.querySelectorAll('link[rel=icon]')].map((link) => link.href)")
    assert built_site_url + "favicon.ico" in icons
    decoded = page.evaluate(
        """async (urls) => Promise.all(urls.map(async (url) => {
          const image = new Image();
          image.src = url;
          await image.decode();
          return image.naturalWidth;
        }))""",
        icons,
    )
    assert all(width >= 16 for width in decoded), decoded
    assert failed == []
    context.close()


def test_a_listening_piece_plays_on_the_pages_player(browser, built_site, built_site_url):
    """Play on a piece: the page's player (its graph and instruments, assets/report.js) plays the
    piece's melody, comping and bass, and the page's output is not silent; Stop silences it."""
    meta = json.loads((built_site.parent / "content" / "model" / "meta.json").read_text())
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    watch = PageWatch(page)
    add_debug_hooks(page, built_site_url)  # lofiReport.outputRms(): the output's level
    page.goto(built_site_url + "report.html")
    buttons = page.locator("figure.listening button.listen")
    wait_for(page, "window.lofiReport !== undefined")
    assert buttons.count() == len(meta["listening"]) == 3 and buttons.first.is_visible()
    assert page.evaluate("() => window.lofiReport.state()") == {
        "playing": None,
        "notes": {"melody": 0, "chords": 0, "bass": 0},
    }

    buttons.nth(1).click()
    wait_for(page, "window.lofiReport.state().playing === 1", timeout=10000)
    assert buttons.nth(1).text_content() == "Stop" and buttons.first.text_content() == "Play"
    assert buttons.nth(1).get_attribute("aria-describedby") == "listening-2"  # its caption names the piece
    notes = "window.lofiReport.state().notes"
    wait_for(page, f"{notes}.melody > 0 && {notes}.chords > 0 && {notes}.bass > 0", timeout=30000)
    levels = []
    for _ in range(40):  # the output's level over two seconds of the piece
        levels.append(page.evaluate("() => window.lofiReport.outputRms()"))
        page.wait_for_timeout(50)
    assert max(levels) > 1e-3, levels

    buttons.nth(1).click()  # Stop
    wait_for(page, "window.lofiReport.state().playing === null", timeout=5000)
    assert buttons.nth(1).text_content() == "Play"
    page.wait_for_timeout(1500)  # the released notes ring out
    assert page.evaluate("() => window.lofiReport.outputRms()") < max(levels) / 10
    assert page.locator("#listen-status").text_content() == ""  # no failure or warning shown
    assert watch.errors == []
    context.close()
