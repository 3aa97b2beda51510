"""Two Lofi Player sites on one origin (all of a user's GitHub Pages sites share one) both keep
working offline: visiting the second must not delete the first one's cached copy."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from builder.pwa import write_pwa
from builder.serve import serve_in_background

from .browser import open_lofi

REPO = Path(__file__).resolve().parent.parent


def test_two_sites_on_one_origin_both_work_offline(browser, built_site, tmp_path):
    origin = tmp_path / "origin"
    for name in ("a", "b"):
        site = origin / name
        shutil.copytree(built_site, site)
        # Another site: another title, so another build version and other cache names.
        (site / "site.json").write_text(json.dumps({"title": f"Site {name}", "description": ""}) + "\n")
        write_pwa(site, {"title": f"Site {name}", "description": ""}, REPO / "web_src")
    server, url = serve_in_background(origin, "/")
    context = browser.new_context()
    try:
        for name in ("a", "b"):
            page, watch = open_lofi(context, f"{url}{name}/")
            assert page.evaluate("() => window.lofi.offlineReady()")["controlled"]
            assert not watch.errors
            page.close()
        server.shutdown()
        server.server_close()
        context.set_offline(True)
        for name in ("a", "b"):  # a first: b's worker, installed last, must have left a's caches
            page = context.new_page()
            page.goto(f"{url}{name}/")
            page.wait_for_function("() => window.lofi !== undefined")
            page.evaluate("() => window.lofi.ready")
            title = page.evaluate("async () => (await (await fetch('site.json')).json()).title")
            assert title == f"Site {name}"
            assert page.evaluate("() => window.lofi.songs().length") >= 1
            page.close()
    finally:
        context.close()
        server.server_close()
