"""What the page costs the CPU while music plays: today's page side by side with an earlier one.

    .venv/bin/python -m bench.scene_cpu [--old-commit 6a38c1e] [--seconds 20] [--rounds 2]
                                         [--ambience rain,fireplace] [--viewport 1440x900] [--focus]

Builds the site twice from the real content/: once from this working tree ("new") and once from
the web_src and builder of --old-commit ("old", checked out with `git worktree add` into a
temporary folder). Then, in one headless Chromium, for each round, ambience and page in turn (old,
new, old, new...: both see the same machine load), plays a hand-written song with drums and the
ambience (the same audio on both pages), waits for the scene (or the old visualizer) to be drawn,
lets it settle for --settle seconds (in focus mode with --focus: the page's Focus button pressed;
by default past the calm chrome's fade, 5 s without input and a 1.6 s transition, so that what is
measured is the tab left playing, not its first seconds), and measures over --seconds of play:

- task_s / script_s / layout_s / style_s: Chromium's Performance domain (CDP Performance.getMetrics)
  TaskDuration, ScriptDuration, LayoutDuration and RecalcStyleDuration deltas: the page's main
  thread, where p5 draws a 2D canvas without a GPU;
- main_thread_cpu_s: the CPU time of the renderer's main thread (from /proc): the
  same work as task_s, but as CPU time, which a machine busy with other work does not inflate;
- browser_cpu_s: the user + system CPU time of every Chromium process over the same seconds (from
  /proc), which also counts the compositor and raster work of CSS animations off the main thread;
- task_share / main_thread_share / browser_share: those divided by the wall seconds.

"summary" holds each page's median per ambience, and "new_over_old" the ratio of the new page's
medians to the old's (below 1: lighter). Prints one JSON object.

With --floor it also measures a third page, "floor": the new page with its animated scene refused
(its chunk answered 404: the music, the drums and the ambience play, nothing moves). What the
page costs without the scene, mostly sound, is the same on both pages; "scene_over_old" then
compares the scenes alone: (new - floor) / (old - floor).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import machine
from builder.build import BuildOptions, build
from builder.serve import serve_in_background
from builder.site import PROJECT_ROOT

METRICS = {
    "task_s": "TaskDuration",
    "script_s": "ScriptDuration",
    "layout_s": "LayoutDuration",
    "style_s": "RecalcStyleDuration",
}
SONG = "first-light"
DRUMS = "boom-bap"
# The old page draws its visualizer into #visualizer, the new one its scene into #scene.
DRAWN = "document.querySelector('#scene canvas, #visualizer canvas') !== null"


def build_new(out: Path) -> Path:
    build(BuildOptions(content=PROJECT_ROOT / "content", out=out, quiet=True))
    return out


def build_old(commit: str, root: Path, out: Path) -> Path:
    """The site as `commit` built it: its own builder and web_src, today's node_modules."""
    tree = root / "old-tree"
    subprocess.run(
        ["git", "worktree", "add", "--detach", str(tree), commit], cwd=PROJECT_ROOT, check=True, capture_output=True
    )
    try:
        (tree / "node_modules").symlink_to(PROJECT_ROOT / "node_modules")
        script = "import sys; from builder.cli import main; sys.exit(main(sys.argv[1:]))"
        result = subprocess.run(
            [sys.executable, "-c", script, "--out", str(out), "--quiet"], cwd=tree, capture_output=True, text=True
        )
        if result.returncode != 0:
            raise SystemExit(f"{tree}: building {commit} failed:\n{result.stdout}{result.stderr}")
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=PROJECT_ROOT, capture_output=True)
    return out


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def cpu_ticks(stat_path: str) -> int:
    """User + system ticks from a /proc stat file (0 if it has gone)."""
    try:
        fields = Path(stat_path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def chromium_cpu_seconds() -> tuple[float, float]:
    """User + system CPU seconds of every Chromium process started under this one, and of the
    renderers' main threads alone: CPU time, which a busy machine does not inflate
    as it does the wall time of the page's tasks."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = main = 0
    for pid in descendants(os.getpid()):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if "chrom" not in stat[stat.index("(") + 1 : stat.rindex(")")].lower():
            continue
        total += cpu_ticks(f"/proc/{pid}/stat")
        try:
            renderer = b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            renderer = False
        if renderer:  # a renderer's main thread is the one whose id is the process's
            main += cpu_ticks(f"/proc/{pid}/task/{pid}/stat")
    return total / ticks, main / ticks


def measure(
    browser,
    url: str,
    ambience: str,
    seconds: float,
    viewport: tuple[int, int],
    settle: float = 8.0,
    focus: bool = False,
    no_scene: bool = False,
) -> dict:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    if no_scene:
        page.route("**/assets/chunks/stage-*", lambda route: route.fulfill(status=404, body="refused"))
    try:
        page.goto(url)
        page.wait_for_function("() => window.lofi !== undefined")
        page.evaluate("() => window.lofi.ready")
        # The listener's choice in the page's own menu: the scene follows the menu, not play()'s options.
        page.evaluate(
            "(id) => { const s = document.getElementById('ambience'); s.value = id; s.dispatchEvent(new Event('change')); }",
            ambience,
        )
        page.evaluate(
            f"() => window.lofi.play({{song: {json.dumps(SONG)}, drums: {json.dumps(DRUMS)}, ambience: {json.dumps(ambience)}}})"
        )
        deadline = time.monotonic() + 30
        while not no_scene and not page.evaluate(f"() => {DRAWN}"):
            if time.monotonic() > deadline:
                raise SystemExit(f"{url}: no canvas drawn within 30 s of play")
            page.wait_for_timeout(100)
        if focus:
            page.evaluate("() => document.getElementById('focus').click()")
        page.wait_for_timeout(settle * 1000)
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")

        def sample():
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            return metrics, chromium_cpu_seconds(), time.monotonic()

        before, (cpu_before, main_before), start = sample()
        page.wait_for_timeout(seconds * 1000)
        after, (cpu_after, main_after), end = sample()
        state = page.evaluate("() => window.lofi.state()")
        page.evaluate("() => window.lofi.stop()")
    finally:
        context.close()
    wall = end - start
    row = {key: round(after[name] - before[name], 3) for key, name in METRICS.items()}
    row["browser_cpu_s"] = round(cpu_after - cpu_before, 3)
    row["main_thread_cpu_s"] = round(main_after - main_before, 3)
    row["wall_s"] = round(wall, 2)
    row["task_share"] = round(row["task_s"] / wall, 4)
    row["browser_share"] = round(row["browser_cpu_s"] / wall, 4)
    row["main_thread_share"] = round(row["main_thread_cpu_s"] / wall, 4)
    row["playing"] = bool(state.get("playing")) and not state.get("paused")
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-commit", default="6a38c1e", help="the page to compare with (default: 6a38c1e)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds of play measured per run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each page per ambience (alternating)")
    parser.add_argument("--ambience", default="rain,fireplace,wind,water", help="ambience ids, comma-separated")
    parser.add_argument("--viewport", default="1440x900", help="WIDTHxHEIGHT")
    parser.add_argument("--focus", action="store_true", help="measure both pages in focus mode")
    parser.add_argument("--settle", type=float, default=8.0, help="seconds of play before measuring (default: 8)")
    parser.add_argument("--floor", action="store_true", help="also measure the new page without its scene")
    parser.add_argument("--old-site", type=Path, help="an old site already built (instead of building --old-commit)")
    parser.add_argument("--new-site", type=Path, help="a new site already built (instead of building this tree)")
    args = parser.parse_args(argv)
    viewport = tuple(int(v) for v in args.viewport.lower().split("x"))
    ambiences = [a for a in args.ambience.split(",") if a]

    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    with tempfile.TemporaryDirectory(prefix="scene-cpu-") as tmp:
        root = Path(tmp)
        sites = {
            "old": args.old_site or build_old(args.old_commit, root, root / "old"),
            "new": args.new_site or build_new(root / "new"),
        }
        servers = {name: serve_in_background(site, "/lofi-player/") for name, site in sites.items()}
        pages = ("old", "new", "floor") if args.floor else ("old", "new")
        runs = []
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                for round_index in range(args.rounds):
                    for ambience in ambiences:
                        for name in pages:
                            site = servers["new" if name == "floor" else name][1]
                            row = measure(
                                browser,
                                site,
                                ambience,
                                args.seconds,
                                viewport,
                                settle=args.settle,
                                focus=args.focus,
                                no_scene=name == "floor",
                            )
                            runs.append({"page": name, "ambience": ambience, "round": round_index, **row})
                browser.close()
        finally:
            for server, _ in servers.values():
                server.shutdown()

    summary = {}
    for name in pages:
        summary[name] = {}
        for ambience in ambiences:
            rows = [r for r in runs if r["page"] == name and r["ambience"] == ambience]
            summary[name][ambience] = {
                key: round(statistics.median(r[key] for r in rows), 4)
                for key in ("task_share", "main_thread_share", "browser_share", "script_s", "task_s", "browser_cpu_s")
            }
    ratio = {
        ambience: {
            key: round(summary["new"][ambience][key] / summary["old"][ambience][key], 3)
            if summary["old"][ambience][key]
            else None
            for key in ("task_share", "main_thread_share", "browser_share")
        }
        for ambience in ambiences
    }
    if args.floor:
        ratio_scene = {
            ambience: {
                key: round(
                    (summary["new"][ambience][key] - summary["floor"][ambience][key])
                    / (summary["old"][ambience][key] - summary["floor"][ambience][key]),
                    3,
                )
                if summary["old"][ambience][key] > summary["floor"][ambience][key]
                else None
                for key in ("main_thread_share", "browser_share")
            }
            for ambience in ambiences
        }
    result = {
        "old": str(args.old_site) if args.old_site else args.old_commit,
        "new": str(args.new_site) if args.new_site else "this working tree",
        "viewport": args.viewport,
        "focus": args.focus,
        "seconds": args.seconds,
        "settle": args.settle,
        "song": SONG,
        "drums": DRUMS,
        **machine(),
        "runs": runs,
        "summary": summary,
        "new_over_old": ratio,
    }
    if args.floor:
        result["scene_over_old"] = ratio_scene
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
