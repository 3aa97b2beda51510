"""report.html, the model's report, on a phone and a desktop: it never scrolls sideways (a wide table
scrolls inside its own box), it scrolls down, and its icon is a real one the browser decodes."""

from __future__ import annotations

import pytest

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
