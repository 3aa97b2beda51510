"""What a listener's browser downloads and waits for before the first AI note, on a fresh page.

    .venv/bin/python -m bench.page_weight [--dir dist] [--baseline DIR | --baseline-commit REV] [--runs 3]
                                          [--think-ms 500] [--settle-ms 0] [--no-service-worker]

Serves each built site (default dist/; --baseline another build, or --baseline-commit REV: this
repository at REV, checked out into a temporary git worktree and built there from its own content/,
both measured in the same run for a side-by-side figure) from a sub-path with builder.serve's server, which here
also counts the bytes it sends per file, and opens it in headless Chromium, a fresh browser context
per run (no HTTP cache, no service worker yet: a first visit). Each run:

1. opens the page and waits for window.lofi.ready, then --settle-ms more (default 0: the pointer
   moves at once; a listener reading the page first gives it a few seconds);
2. "with_intent": moves the pointer over the page (the first sign of a listener), waits --think-ms
   (a listener reaching for Play), then calls lofi.play({song: 'ai'}); "without_intent": calls it at
   once with no input event before (Play is the very first thing the listener does);
3. waits for the first AI note and reads lofi.state().solo.firstNote: soundMs is the time from the
   play() call to the moment the note sounds (its scheduled audio time). With intent, it also notes
   when the model was ready in its worker, from the first pointer move (model_ready_ms_after_intent).
   first_note_parts_runs splits each play: readyMs (the first note known: model loaded and its
   first tokens written), triggerMs (the instrument triggered, the Transport running), soundMs.

Per site, the JSON holds the bundle sizes on disk (worker.js, app.js, the wasm binaries and the model's
weight shards with their stored dtype) and, per variant, the median over the runs of first_note_ms
and of the bytes the server sent from the page's request until the note: bytes_before_first_note
(everything: the page, its scripts, the worker, wasm, the model, the instruments' samples and what
the service worker precached by then), split into code (assets/, the page, the service worker),
model (model/), media (media/: the instruments' samples, the vinyl, any song's first note needs
them) and other; code_and_model_bytes (all but media, the issue's accounting of the 4.9 MB) and
sent_twice_bytes (files sent more than once: the page's own fetch and the service worker's precache),
script_bytes_at_open (the JavaScript sent until lofi.ready, before any input: app.js is only the
entry, the page's code and Tone.js are chunks of it, fetched after the first paint and at the first
sign of a listener),
with the bytes per file of the last run. --no-service-worker blocks the service worker: what the
figures would be if it registered only after the first note. The server is local, so time here is startup and CPU, not
network: the bytes are the network's share, which a phone's connection multiplies.

"cold_start" puts the two figures of a first visit where Play is the first input (the tap on a
phone: "without_intent") side by side: the first AI note's time after Play and every byte sent
before it, samples included.

"targets" and "targets_met": worker <= 350 KB; when Play is the first input, at most 2.5 MB before
the first note, everything counted, and the first note at most 300 ms after Play; with intent, the
first note at most 300 ms after Play too.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

from bench.machine import machine
from builder.serve import make_server
from builder.site import PROJECT_ROOT

TARGETS = {"worker_bytes_max": 350_000, "bytes_before_first_note_max": 2_500_000, "first_note_ms_max": 300}
CATEGORIES = {"assets/": "code", "sw.js": "code", "index.html": "code", "manifest.webmanifest": "code", "icons/": "code",
              "model/": "model", "media/": "media", "media.json": "media"}  # fmt: skip


def category(path: str) -> str:
    if path in ("", "/"):
        return "code"  # the page itself, as the site's root
    return next((name for prefix, name in CATEGORIES.items() if path.startswith(prefix)), "other")


PLAY_JS = """
async () => {
  const lofi = window.lofi;
  await lofi.play({song: 'ai'});
  const until = performance.now() + 20000;
  while (!lofi.state().solo?.firstNote && performance.now() < until) await new Promise((ok) => setTimeout(ok, 10));
  return lofi.state().solo?.firstNote ?? null;
}
"""


# From the first pointer move: when the worker has the model (lofi.state().backend is set).
WATCH_MODEL_JS = """
() => {
  const start = performance.now();
  const poll = () => {
    if (window.lofi.state().backend) window.__modelReadyMs = performance.now() - start;
    else setTimeout(poll, 5);
  };
  poll();
}
"""


class CountingServer:
    """builder.serve's server for `site`, counting the bytes sent per path (a Counter), in a thread."""

    def __init__(self, site: Path, base: str = "/lofi-player/"):
        self.sent = Counter()
        self.lock = threading.Lock()
        self.server = make_server(site, base)
        handler = self.server.RequestHandlerClass
        counter = self

        class Counting(handler.func):
            def copyfile(self, source, outputfile):
                data = source.read()
                outputfile.write(data)
                with counter.lock:
                    counter.sent[self.path.split("?")[0][len(base) :]] += len(data)

        self.server.RequestHandlerClass = type(handler)(Counting, *handler.args, **handler.keywords)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        host, port = self.server.server_address[:2]
        self.url = f"http://{host}:{port}{base}"

    def snapshot(self) -> Counter:
        with self.lock:
            return Counter(self.sent)

    def close(self) -> None:
        self.server.shutdown()


def files_on_disk(site: Path) -> dict:
    model = json.loads((site / "model" / "model.json").read_text())
    shards = [site / "model" / path for group in model["weightsManifest"] for path in group["paths"]]
    dtypes = sorted(
        {
            w.get("quantization", {}).get("dtype", w["dtype"])
            for group in model["weightsManifest"]
            for w in group["weights"]
        }
    )
    wasm = sorted((site / "assets" / "tfjs-wasm").glob("*.wasm"))
    return {
        "worker_bytes": (site / "assets" / "worker.js").stat().st_size,
        "app_bytes": (site / "assets" / "app.js").stat().st_size,
        "wasm_binaries": {p.name: p.stat().st_size for p in wasm},
        "model_weight_bytes": sum(p.stat().st_size for p in shards),
        "model_weight_dtypes": dtypes,
    }


def one_run(
    browser, server: CountingServer, site: Path, think_ms: int | None, service_workers: str, settle_ms: int = 0
) -> dict:
    context = browser.new_context(service_workers=service_workers)
    errors = []
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        before = server.snapshot()
        page.goto(server.url)
        page.wait_for_function("() => window.lofi !== undefined")
        page.evaluate("() => window.lofi.ready")
        opened = server.snapshot() - before
        if settle_ms:
            page.wait_for_timeout(settle_ms)
        if think_ms is not None:
            page.evaluate(WATCH_MODEL_JS)
            page.mouse.move(200, 200)
            page.mouse.move(240, 260)
            page.wait_for_timeout(think_ms)
        note = page.evaluate(PLAY_JS)
        sent = server.snapshot() - before
        model_ready = page.evaluate("() => window.__modelReadyMs ?? null")
        page.evaluate("() => window.lofi.stop()")
    finally:
        context.close()
    by_category = Counter()
    for path, size in sent.items():
        by_category[category(path)] += size
    on_disk = {path: (site / path).stat().st_size for path in sent if path and (site / path).is_file()}
    return {
        "first_note_ms": round(note["soundMs"], 1) if note else None,
        "first_note_parts": {k: round(note[k]) for k in ("readyMs", "triggerMs", "soundMs")} if note else None,
        "model_ready_ms": round(model_ready) if model_ready is not None else None,
        "bytes": sum(sent.values()),
        "by_category": dict(by_category),
        "script_at_open": sum(size for path, size in opened.items() if path.endswith(".js")),
        "sent_twice": sum(max(0, size - on_disk.get(path, size)) for path, size in sent.items()),
        "by_file": dict(sorted(sent.items(), key=lambda item: -item[1])),
        "errors": errors,
    }


KINDS = ("code", "model", "media", "other")


def median(values) -> int:
    return round(statistics.median(list(values)))


def measure_site(site: Path, runs: int, think_ms: int, service_workers: str = "allow", settle_ms: int = 0) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    result = {"dir": str(site), **files_on_disk(site)}
    server = CountingServer(site)
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                for variant, think in (("with_intent", think_ms), ("without_intent", None)):
                    done = [one_run(browser, server, site, think, service_workers, settle_ms) for _ in range(runs)]
                    notes = [r["first_note_ms"] for r in done if r["first_note_ms"] is not None]
                    result[variant] = {
                        "first_note_ms": round(statistics.median(notes), 1) if notes else None,
                        "first_note_ms_runs": [r["first_note_ms"] for r in done],
                        "first_note_parts_runs": [r["first_note_parts"] for r in done],
                        "model_ready_ms_after_intent": [r["model_ready_ms"] for r in done],
                        "bytes_before_first_note": median(r["bytes"] for r in done),
                        "code_and_model_bytes": median(r["bytes"] - r["by_category"].get("media", 0) for r in done),
                        "by_category": {k: median(r["by_category"].get(k, 0) for r in done) for k in KINDS},
                        "script_bytes_at_open": median(r["script_at_open"] for r in done),
                        "sent_twice_bytes": median(r["sent_twice"] for r in done),
                        "by_file_last_run": done[-1]["by_file"],
                        "page_errors": [e for r in done for e in r["errors"]],
                    }
            finally:
                browser.close()
    finally:
        server.close()
    return result


def cold_start(figures: dict) -> dict:
    """Play as the first input on a fresh page: the first note's time and the bytes before it."""
    first = figures["without_intent"]
    parts = [p for p in first["first_note_parts_runs"] if p]
    return {
        "first_note_ms": first["first_note_ms"],
        "bytes_before_first_note": first["bytes_before_first_note"],
        "media_bytes_before_first_note": first["by_category"]["media"],
        # Where the time goes, medians over the runs: the first note known (the model loaded and
        # its first bar written), the instrument triggered (the Transport started), the note heard.
        "first_note_parts_ms": {k: median(p[k] for p in parts) for k in ("readyMs", "triggerMs", "soundMs")}
        if parts
        else None,
    }


def note_within(ms) -> bool:
    return ms is not None and ms <= TARGETS["first_note_ms_max"]


def targets_met(figures: dict) -> dict:
    cold = cold_start(figures)
    return {
        "worker_bytes": figures["worker_bytes"] <= TARGETS["worker_bytes_max"],
        "cold_start_bytes_before_first_note": cold["bytes_before_first_note"] <= TARGETS["bytes_before_first_note_max"],
        "cold_start_first_note_ms": note_within(cold["first_note_ms"]),
        "with_intent_first_note_ms": note_within(figures["with_intent"]["first_note_ms"]),
    }


def build_commit(rev: str, work: Path) -> Path:
    """This repository at `rev`, built into work/dist with that commit's own builder; returns the site."""
    tree = work / "tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), rev], cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    try:
        (tree / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")
        command = [sys.executable, "-m", "builder.cli", "--out", str(work / "dist"), "--quiet"]
        result = subprocess.run(
            command, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)}, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise RuntimeError(f"building {rev} failed: {result.stderr.strip()[-2000:]}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=PROJECT_ROOT, capture_output=True)
    return work / "dist"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=Path("dist"), help="the built site (default: dist/)")
    parser.add_argument("--baseline", type=Path, help="another built site, measured in the same run")
    parser.add_argument("--baseline-commit", help="build this commit (e.g. HEAD~5) and measure it as the baseline")
    parser.add_argument("--runs", type=int, default=3, help="fresh pages per variant (the median)")
    parser.add_argument("--think-ms", type=int, default=500, help="from the first pointer move to Play")
    parser.add_argument("--settle-ms", type=int, default=0, help="on the page after lofi.ready, before any input")
    parser.add_argument("--no-service-worker", action="store_true", help="block the service worker")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lofi-page-weight-") as tmp:
        baseline = build_commit(args.baseline_commit, Path(tmp)) if args.baseline_commit else args.baseline
        return run(args, parser, {"site": args.dir, **({"baseline": baseline} if baseline else {})})


def run(args, parser, sites: dict) -> int:
    for site in sites.values():
        if not (site / "index.html").exists():
            parser.error(f"{site}/index.html not found: build the site first (make site)")

    result = {
        "benchmark": "page weight and the first AI note on a fresh page",
        **machine(),
        "runs": args.runs,
        "think_ms": args.think_ms,
        "settle_ms": args.settle_ms,
        "baseline_commit": args.baseline_commit,
        "service_worker": not args.no_service_worker,
        "targets": TARGETS,
    }
    for label, site in sites.items():
        print(f"page_weight: {site}…", file=sys.stderr, flush=True)
        workers = "block" if args.no_service_worker else "allow"
        figures = measure_site(site.resolve(), args.runs, args.think_ms, workers, args.settle_ms)
        result[label] = {"cold_start": cold_start(figures), **figures, "targets_met": targets_met(figures)}
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=1))
    return 0 if all(result["site"]["targets_met"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
