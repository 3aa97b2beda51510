"""Headless Chromium for the browser tests: Debian's binary driven by Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",  # Tone.start() without a click
]


def installed_browser(name: str, variable: str, commands: tuple[str, ...]) -> str:
    """The browser's executable: the environment's `variable`, else the first of `commands` on the
    PATH (what scripts/install-browsers.sh installs)."""
    path = os.environ.get(variable) or next(filter(None, map(shutil.which, commands)), None)
    if not path:
        raise RuntimeError(f"{name} not found: run scripts/install-browsers.sh or set {variable}")
    return path


def chromium_path() -> str:
    return installed_browser("Chromium", "CHROMIUM_PATH", ("chromium", "chromium-browser"))


def launch(playwright):
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)


# Collects Content-Security-Policy violations inside the page, from its first script on.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) =>
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


class PageWatch:
    """Records every request, console error, page error and CSP violation of a page."""

    def __init__(self, page):
        self.page = page
        page.add_init_script(CSP_LISTENER)
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"console: {msg.text}"))

    def csp_violations(self) -> list[str]:
        return self.page.evaluate("() => window.__cspViolations || []")

    def foreign_requests(self, origin: str) -> list[str]:
        return [u for u in self.requests if not (u.startswith(origin) or u.startswith(("data:", "blob:")))]


def file_bytes(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def wait_for(page, expression: str, timeout: float = 10000, interval: float = 50) -> None:
    """page.wait_for_function without eval: Playwright polls a predicate by evaluating its text,
    which the page's Content-Security-Policy (no 'unsafe-eval') forbids unless the context bypasses
    it. This polls `expression` through page.evaluate (the DevTools protocol, outside the policy)."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} ms waiting for {expression}")
        page.wait_for_timeout(interval)


def add_debug_hooks(page, url: str) -> None:
    """Loads the site's test-only hooks (assets/debug.js: lofi.audioStats(), lofi.outputRms()) before the page's own
    script, so they see every audio node from the first. The page itself never loads them."""
    from urllib.parse import urljoin
    from urllib.request import urlopen

    with urlopen(urljoin(url, "assets/debug.js")) as response:
        page.add_init_script(response.read().decode("utf-8"))


# The settings sheet open from the first paint of every load of the page (a reload included), for
# the tests that use the settings; the page's chrome reads the sheet's state from the markup.
OPEN_SETTINGS = """
document.addEventListener('DOMContentLoaded', () => {
  const sheet = document.getElementById('settings');  // absent from other documents (report.html, a frame)
  if (sheet) sheet.hidden = false;
});
"""


def open_lofi(context, url: str, route=None, settings: bool = True):
    """A new page of `context` on the player at `url`, with lofi ready: (page, watch). `route(page)`
    may intercept requests first; page.route does not see what a service worker answers, so a
    context that routes should be made with service_workers="block". `settings`: the settings
    sheet is open (as a listener would open it to reach them); False leaves the page as it opens."""
    page = context.new_page()
    watch = PageWatch(page)
    add_debug_hooks(page, url)
    if settings:
        page.add_init_script(OPEN_SETTINGS)
    if route:
        route(page)
    page.goto(url)
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    return page, watch


def open_listed(context, url: str):
    """open_lofi with media.json's choices already in the selects: (page, watch)."""
    page, watch = open_lofi(context, url)
    wait_for(page, "document.querySelector('#ambience').options.length > 1")
    return page, watch


def js(page, expression: str):
    """The value of a JavaScript expression in the page."""
    return page.evaluate(f"() => {expression}")
