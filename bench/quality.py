"""Accessibility and quality of a built site, measured with real tools: axe-core and Lighthouse.

    .venv/bin/python -m bench.quality [--dir dist] [--runs 1] [--form-factor both|desktop|mobile] [--no-lighthouse] [--save DIR]
    make quality

Builds nothing: it serves an existing site (default dist/, made by `make site`) with builder.serve
from a sub-path, as GitHub Pages does, and prints one JSON object:

- axe: axe-core (devDependency, node_modules/axe-core/axe.min.js) run in Playwright-driven headless
  Chromium on the page as it opens, on the page with the AI solo's settings shown (every field open)
  and on report.html; the violations by impact (minor, moderate, serious, critical) and each one's
  rule, impact and number of elements. The page's Content-Security-Policy allows only its own
  scripts, so the browser context that injects axe is made with Playwright's bypass_csp=True: that
  switch exists only for this injection (the tests check the real policy separately).
- lighthouse: Lighthouse (devDependency, node_modules/.bin/lighthouse) on the page, categories
  performance, accessibility and best practices, each score 0..100; with --runs N, the median of N
  runs per category. Both of Lighthouse's form factors by default: "lighthouse" is the desktop preset
  (its desktop throttling and screen), "lighthouse_mobile" its default, a throttled mid-range phone
  on a slow 4G connection; --form-factor desktop or mobile runs only that one (as "lighthouse"). Chromium is $CHROME_PATH,
  else /usr/bin/chromium (or what tests/browser.py finds), started headless with --no-sandbox.

Exit status 0 when axe finds no serious or critical violation and every Lighthouse score is at
least --min-score (95), else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from builder.serve import serve_in_background
from builder.site import PROJECT_ROOT

AXE_JS = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = PROJECT_ROOT / "node_modules" / ".bin" / "lighthouse"
IMPACTS = ("minor", "moderate", "serious", "critical")
CATEGORIES = ("performance", "accessibility", "best-practices")
# As a visitor's browser: audio waits for a gesture (the tests' Chromium allows autoplay; this one must not).
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


# ---- axe-core -------------------------------------------------------------------------------------

# The page with the AI solo's settings shown: every field of the form is on screen.
SHOW_EVERYTHING_JS = """() => {
  const song = document.querySelector('#song');
  song.value = 'ai';
  song.dispatchEvent(new Event('change', {bubbles: true}));
  document.querySelectorAll('details').forEach((d) => (d.open = true));
}"""


def run_axe(page) -> list[dict]:
    """axe-core's violations on `page` (whose context must bypass CSP), as [{id, impact, nodes, help}]."""
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} not found: run `npm ci`")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => window.axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": len(v["nodes"]),
            "help": v["help"],
            "targets": [", ".join(map(str, n["target"])) for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def open_page(browser, url: str):
    """A fresh context that lets axe be injected despite the page's CSP, and the page, ready."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    page.wait_for_function("() => window.lofi !== undefined")
    page.evaluate("() => window.lofi.ready")
    return context, page


def axe_site(url: str) -> dict:
    """{pages: {name: [violations]}, by_impact: {impact: count}} for the page in two states and report.html."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    pages = {}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            context, page = open_page(browser, url)
            page.wait_for_timeout(300)  # ui.js fills the selects from media.json
            pages["index"] = run_axe(page)
            page.evaluate(SHOW_EVERYTHING_JS)
            page.wait_for_timeout(200)
            pages["index, AI settings shown"] = run_axe(page)
            context.close()
            context = browser.new_context(bypass_csp=True)
            page = context.new_page()
            page.goto(url + "report.html")
            pages["report.html"] = run_axe(page)
            context.close()
        finally:
            browser.close()
    by_impact = dict.fromkeys(IMPACTS, 0)
    for violations in pages.values():
        for v in violations:
            by_impact[v["impact"] or "minor"] += 1
    return {"version": axe_version(), "by_impact": by_impact, "pages": pages}


def axe_version() -> str:
    return json.loads((AXE_JS.parent / "package.json").read_text())["version"]


# ---- Lighthouse -----------------------------------------------------------------------------------


def chrome_path() -> str:
    if os.environ.get("CHROME_PATH"):
        return os.environ["CHROME_PATH"]
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    from tests.browser import chromium_path

    return chromium_path()


def lighthouse_once(url: str, form_factor: str, workdir: Path, run: int = 1) -> dict:
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} not found: run `npm ci`")
    report = workdir / f"lighthouse-{run}.json"
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": chrome_path()}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if result.returncode != 0 or not report.exists():
        raise RuntimeError(f"lighthouse failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    data = json.loads(report.read_text())
    scores = {key: round(100 * (cat["score"] or 0)) for key, cat in data["categories"].items()}
    # The audits that cost points, for fixing them: id -> score (0..1), with a display value.
    failing = {}
    for category in data["categories"].values():
        for ref in category["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 0.9:
                failing[ref["id"]] = {"score": audit["score"], "value": audit.get("displayValue", "")}
    metrics = {
        key: round(data["audits"][key]["numericValue"])
        for key in ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "speed-index")
        if key in data["audits"] and data["audits"][key].get("numericValue") is not None
    }
    metrics["cumulative-layout-shift"] = round(
        data["audits"].get("cumulative-layout-shift", {}).get("numericValue", 0), 3
    )
    return {"scores": scores, "failing": failing, "metrics_ms": metrics, "version": data.get("lighthouseVersion")}


def lighthouse(url: str, runs: int, form_factor: str, save: Path | None = None) -> dict:
    results = []
    with tempfile.TemporaryDirectory(prefix="lofi-lighthouse-") as tmp:
        workdir = (save / form_factor) if save else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for run in range(1, runs + 1):
            results.append(lighthouse_once(url, form_factor, workdir, run))
    scores = {cat: statistics.median(r["scores"].get(cat, 0) for r in results) for cat in CATEGORIES}
    return {
        "version": results[-1]["version"],
        "form_factor": form_factor,
        "runs": runs,
        "scores": scores,
        "scores_per_run": [r["scores"] for r in results],
        "metrics_ms": results[-1]["metrics_ms"],
        "failing_audits": results[-1]["failing"],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="axe-core and Lighthouse on a built site (one JSON object).")
    parser.add_argument("--dir", type=Path, default=Path("dist"), help="the built site (default: dist/)")
    parser.add_argument("--base", default="/lofi-player/", help="the sub-path it is served from")
    parser.add_argument("--runs", type=int, default=1, help="Lighthouse runs; the median score of each category")
    parser.add_argument("--form-factor", choices=("both", "desktop", "mobile"), default="both")
    parser.add_argument("--no-lighthouse", action="store_true", help="axe only (fast)")
    parser.add_argument("--min-score", type=int, default=95)
    parser.add_argument("--save", type=Path, help="keep Lighthouse's full JSON reports in this folder")
    args = parser.parse_args(argv)
    if not (args.dir / "index.html").exists():
        parser.error(f"{args.dir}/index.html not found: build the site first (make site)")

    server, url = serve_in_background(args.dir.resolve(), args.base)
    try:
        report = {"url": url, "site": str(args.dir), "axe": axe_site(url)}
        if not args.no_lighthouse:
            if args.form_factor == "both":
                report["lighthouse"] = lighthouse(url, max(1, args.runs), "desktop", args.save)
                report["lighthouse_mobile"] = lighthouse(url, max(1, args.runs), "mobile", args.save)
            else:
                report["lighthouse"] = lighthouse(url, max(1, args.runs), args.form_factor, args.save)
    finally:
        server.shutdown()
    print(json.dumps(report, indent=1))
    axe_ok = report["axe"]["by_impact"]["serious"] == 0 and report["axe"]["by_impact"]["critical"] == 0
    lh_ok = all(
        score >= args.min_score
        for key in ("lighthouse", "lighthouse_mobile")
        if key in report
        for score in report[key]["scores"].values()
    )
    return 0 if axe_ok and lh_ok else 1


if __name__ == "__main__":
    sys.exit(main())
