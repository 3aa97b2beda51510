"""The station (issue 19) on the real site: planning speed, the next tune's margin, two hours of play.

    .venv/bin/python -m bench.station [--site DIR] [--seeds 1,2,3] [--minutes 20] [--hours 2]
                                      [--bpm 960] [--live-seed 7]

Builds the real content/ (the shipped lead-sheet model) into a temporary folder (or serves --site
as it is) and drives the page in headless Chromium, one page for everything, on one backend:

- plan: for each seed, the time lofi.station({seed, minutes}) takes to plan and compose that many
  minutes of station, and, right after it in the same page, "today's" path: lofi.compose({bars: 8})
  repeated to cover the same minutes of the old 8-bar AI tune at 75 bpm (25.6 s a piece). Each
  path's speed is the music's seconds over the wall seconds it took ("x real time"); the seeds
  alternate the two paths, so both see the same load.
- tunes: what those plans hold: how many tunes, their keys, tempos, forms and drums, how the key
  moves between consecutive tunes (same, relative, a fifth, or unrelated) and the tempo steps; and
  repetition: every 8-bar window of a tune's melody (bar-aligned, as (step from the window's
  first bar, midi) pairs) is looked up in every other tune (all seeds): `cross_tune_8bar` must be
  empty. Within a tune A returns, so windows repeat there (counted, expected). 4- and 2-bar windows
  and transposed 8-bar windows (the same intervals and rhythm in another key) are counted too.
  lofi.station() rejects when one tune cannot be written (`plan.errors`); `write_scan` writes each
  of the first --scan tunes of every seed alone (lofi.station({seed, start})) and lists failures.
- first_note: the station's first note against one AI tune's (lofi.play({song: 'ai'})), played in
  turn --first-notes times on the same page with the model loaded: the medians of state()'s
  firstNote (readyMs: the first event written, triggerMs: the instrument triggered, soundMs: when
  it sounds), in ms after play().
- live: lofi.play({song: 'station', station: {seed}, bpm}) at a fast tempo (every tune at --bpm),
  until the tunes played add up to --hours of music at the tunes' own tempos. At each tune change,
  after forcing garbage collection: the JS heap (performance.memory, the least of three readings),
  the TF.js tensors of the worker (lofi.tensorCount()), the live AudioNodes (created minus
  garbage-collected, tests/test_long_session_browser.py's counter), the Tone.js objects alive and
  the Transport's events (lofi.audioStats()). Reported first, last, max, and the slope per hour of
  music (least squares over the samples after the warm-up: the page keeps the last 16 tunes
  written, station/index.js CACHE_LIMIT, so memory may rise over the first 16 tunes by design).
- margins: each next tune is written while the one before plays. From the same run, every job the
  page posts to its generation worker is logged (an init script wraps Worker): a tune's pieces are
  the jobs whose seed is its seed ^ a piece's salt (station/tune.js PIECE_SALT), so for each tune:
  its write time (first piece posted to last piece written), the wall time from then to its start
  at the fast tempo (negative: late; `late_tunes`), and whether it was written more than once
  (`tunes_written_twice`). At the tunes' own tempos the same writes leave (the tune before's
  seconds + 2 bars) - the write, as the next tune's write starts two bars before the tune before
  it (player.js #prepare from #place). The page's own state().station.writes is under
  `page_writes`: marginMs, from when each next tune was written to when it was due, and late and
  failed counts.

Prints one JSON object, with `targets` and `targets_met`. Page errors and console errors/warnings
are in `page_errors`. The machine is shared: the ratios measured side by side are what hold.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.machine import machine
from builder.build import BuildOptions, build
from builder.serve import serve_in_background
from builder.site import PROJECT_ROOT

OLD_PIECE_BARS = 8
OLD_BPM = 75  # the old AI tune's tempo: 8 bars are 25.6 s
OLD_PIECE_SECONDS = OLD_PIECE_BARS * 4 * 60 / OLD_BPM
LEAD_BARS = 2  # station/player.js: the next tune is placed two bars before it is due
WARMUP_TUNES = 16  # station/index.js CACHE_LIMIT: the page keeps the last 16 tunes written
STALL_SECONDS = 90  # no tune change for this long at the fast tempo: the station stopped
TARGETS = {"plan_x_real_time_min": 20, "cross_tune_8bar_repeats": 0, "late_tunes": 0, "tensor_growth": 0}

# station/tune.js PIECE_SALT: a piece's job seed is its tune's seed ^ its salt; written in this order.
PIECE_SALTS = {"A": 0x50634131, "A2": 0x50634132, "B": 0x50634231, "B2": 0x50634232}
TONICS = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7}
TONICS.update({"G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11, "Cb": 11})

# The first note, station against one AI tune, alternately on the same page with the model loaded:
# ms after play() when the first event was written (ready), the instrument triggered and it sounds.
FIRST_NOTE_JS = """
async ({runs}) => {
  const lofi = window.lofi;
  await lofi.loadModel();
  const wait = async (key) => {
    for (let i = 0; i < 400; i++) {
      const note = lofi.state()[key]?.firstNote;
      if (note) return note;
      await new Promise((r) => setTimeout(r, 25));
    }
    return null;
  };
  const out = {ai: [], station: []};
  await lofi.play({song: 'ai', solo: {seed: 999}}); await wait('solo'); await lofi.stop();
  for (let i = 0; i < runs; i++) {
    await lofi.play({song: 'ai', solo: {seed: i + 1}}); out.ai.push(await wait('solo')); await lofi.stop();
    await lofi.play({song: 'station', station: {seed: i + 1}}); out.station.push(await wait('station')); await lofi.stop();
  }
  return out;
}
"""

PLAN_JS = """
async ({seeds, minutes, oldPieces, oldBars}) => {
  const lofi = window.lofi;
  const info = await lofi.loadModel();
  // Warm-up: the first run's kernels and caches, on both paths.
  await lofi.station({seed: 999999, minutes: 1});
  await lofi.compose({seed: 999999, bars: oldBars});
  const runs = [];
  for (const seed of seeds) {
    let t = performance.now();
    let plan = null;
    let error = null;
    try {
      plan = await lofi.station({seed, minutes});
    } catch (err) {
      error = String(err?.message ?? err);
    }
    const stationMs = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < oldPieces; i++) await lofi.compose({seed: seed * 1000 + i, bars: oldBars});
    const oldMs = performance.now() - t;
    const tunes = (plan?.tunes ?? []).map(({index, seed, key, mode, bpm, bars, drums, sections, melody}) =>
      ({index, seed, key, mode, bpm, bars, drums, sections, melody: melody.map((n) => [n.step, n.midi])}));
    runs.push({seed, stationMs, oldMs, minutes: plan?.minutes ?? null, tunes, error});
  }
  return {info, runs, tensors: await lofi.tensorCount()};
}
"""

# Every tune of the first `count` of each station, written alone: the ones the model cannot write.
SCAN_JS = """
async ({seeds, count}) => {
  const failed = [];
  const t = performance.now();
  for (const seed of seeds) {
    for (let start = 0; start < count; start++) {
      try {
        await window.lofi.station({seed, start, minutes: 0.01});
      } catch (err) {
        failed.push({seed, index: start, error: String(err?.message ?? err)});
      }
    }
  }
  return {failed, ms: performance.now() - t};
}
"""

# In the page while the station plays: each tune's start ('tune' events) on the page's clock.
MONITOR_JS = """
() => {
  const log = {tunes: [], jobsFrom: window.__workerJobs.length};
  window.__stationBench = log;
  window.lofi.on('tune', (t) => log.tunes.push({index: t.index, seed: t.seed, at: performance.now(), key: t.key, bpm: t.bpm,
                                                bars: t.bars, drums: t.drums, form: t.form}));
}
"""

# From the first script on: every job the page posts to its generation worker (compose: one piece
# of a tune, its seed the tune's seed ^ the piece's salt), when it was posted, cancelled and done.
WORKER_JOBS = """
(() => {
  const jobs = [];
  window.__workerJobs = jobs;
  const Native = window.Worker;
  window.Worker = class Worker extends Native {
    constructor(...args) {
      super(...args);
      const open = new Map();
      const post = this.postMessage.bind(this);
      this.postMessage = (message, ...rest) => {
        if (message && message.type === 'compose') {
          const job = {id: message.id, seed: message.options?.seed ?? null, posted: performance.now(), done: null, ok: null, cancelled: null};
          open.set(message.id, job);
          jobs.push(job);
        } else if (message && message.type === 'cancel' && open.has(message.target)) {
          open.get(message.target).cancelled = performance.now();
        }
        return post(message, ...rest);
      };
      this.addEventListener('message', (event) => {
        const m = event.data;
        if (!m || m.type === 'tokens' || !open.has(m.id)) return;
        const job = open.get(m.id);
        job.done = performance.now();
        job.ok = m.type === 'result';
        open.delete(m.id);
      });
    }
  };
})();
"""

SAMPLE_JS = """
async () => {
  const settle = () => new Promise((ok) => setTimeout(ok, 20));
  for (let i = 0; i < 2; i++) { window.gc(); await settle(); }  // finalizers run after a collection
  let heap = Infinity;
  for (let i = 0; i < 3; i++) { window.gc(); heap = Math.min(heap, performance.memory.usedJSHeapSize); await settle(); }
  const lofi = window.lofi;
  const audio = lofi.audioStats();
  const state = lofi.state();
  return {at: performance.now(), heap, nodes: window.__audioNodes ? window.__audioNodes().alive : null, tone: audio.alive,
          scheduled: audio.scheduled, queues: audio.queues, tensors: await lofi.tensorCount(), tune: state.tune,
          station: state.station, playing: state.playing};
}
"""


def source() -> dict:
    """The commit measured, and whether web_src/ had changes not committed (a shared working tree)."""
    git = ["git", "-C", str(PROJECT_ROOT)]
    try:
        commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            [*git, "status", "--porcelain", "--", "web_src"], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None}
    return {"commit": commit.stdout.strip(), "web_src_uncommitted": len(dirty.stdout.splitlines())}


def build_site(out: Path) -> Path:
    build(BuildOptions(content=PROJECT_ROOT / "content", out=out, quiet=True))
    return out


def key_of(name: str) -> tuple[int, str]:
    tonic, mode = name.split()
    return TONICS[tonic], mode


def key_relation(a: str, b: str) -> str:
    (ta, ma), (tb, mb) = key_of(a), key_of(b)
    if (ta, ma) == (tb, mb):
        return "same"
    if ma != mb and (ta - tb) % 12 == (9 if ma == "minor" else 3):  # A minor <-> C major: one signature
        return "relative"
    if ma == mb and (ta - tb) % 12 in (5, 7):
        return "fifth"
    return "unrelated"


def windows(tune: dict, bars: int, transposed: bool = False) -> dict:
    """{window: [first bar, ...]} of a tune's melody: `bars` bars from each bar line, as (step from
    the window's start, midi) pairs (midi from the window's first note when transposed); empty
    windows left out."""
    out = defaultdict(list)
    melody = tune["melody"]
    for start in range(0, tune["bars"] - bars + 1):
        lo, hi = start * 16, (start + bars) * 16
        notes = [(step - lo, midi) for step, midi in melody if lo <= step < hi]
        if not notes:
            continue
        if transposed:
            notes = [(step, midi - notes[0][1]) for step, midi in notes]
        out[tuple(notes)].append(start)
    return out


def repetition(tunes: list[dict], bars: int, transposed: bool = False) -> dict:
    """Windows of `bars` bars found in more than one tune (tunes from every seed), and how many
    windows repeat within a tune."""
    where = defaultdict(set)
    within = 0
    for tune in tunes:
        for window, starts in windows(tune, bars, transposed).items():
            where[window].add((tune["station"], tune["index"]))
            within += len(starts) - 1
    shared = [sorted(places) for places in where.values() if len(places) > 1]
    return {"windows": len(where), "cross_tune": shared, "cross_tune_count": len(shared), "within_tune_repeats": within}


def tune_seconds(tune: dict) -> float:
    return tune["bars"] * 4 * 60 / tune["bpm"]


def summarise_plans(runs: list[dict]) -> dict:
    if not runs:
        return {}
    stations = []
    all_tunes = []
    for run in runs:
        tunes = run["tunes"]
        for tune in tunes:
            all_tunes.append({**tune, "station": run["seed"]})
        relations = [key_relation(a["key"], b["key"]) for a, b in zip(tunes, tunes[1:])]
        steps = [b["bpm"] - a["bpm"] for a, b in zip(tunes, tunes[1:])]
        drum_changes = sum(a["drums"] != b["drums"] for a, b in zip(tunes, tunes[1:]))
        stations.append(
            {
                "seed": run["seed"],
                "tunes": len(tunes),
                "minutes": round(run["minutes"], 2),
                "list": [
                    {
                        "key": t["key"],
                        "bpm": t["bpm"],
                        "bars": t["bars"],
                        "seconds": round(tune_seconds(t), 1),
                        "drums": t["drums"],
                        "form": " ".join(s["name"] for s in t["sections"]),
                        "melody_notes": len(t["melody"]),
                    }
                    for t in tunes
                ],
                "key_moves": {r: relations.count(r) for r in ("same", "relative", "fifth", "unrelated")},
                "bpm_steps": steps,
                "drum_changes": drum_changes,
            }
        )
    seconds = [tune_seconds(t) for t in all_tunes]
    forms = defaultdict(int)
    for t in all_tunes:
        forms[" ".join(s["name"] for s in t["sections"])] += 1
    eight = repetition(all_tunes, 8)
    return {
        "stations": stations,
        "tunes": len(all_tunes),
        "tune_seconds": {
            "min": round(min(seconds), 1),
            "median": round(statistics.median(seconds), 1),
            "max": round(max(seconds), 1),
        },
        "bpm_range": [min(t["bpm"] for t in all_tunes), max(t["bpm"] for t in all_tunes)],
        "max_bpm_step": max((abs(s) for st in stations for s in st["bpm_steps"]), default=0),
        "forms": dict(sorted(forms.items(), key=lambda kv: -kv[1])),
        "distinct_keys": len({t["key"] for t in all_tunes}),
        "repetition": {
            "cross_tune_8bar": eight["cross_tune"],
            "within_tune_8bar_repeats": eight["within_tune_repeats"],
            "windows_8bar": eight["windows"],
            "cross_tune_8bar_transposed": repetition(all_tunes, 8, transposed=True)["cross_tune_count"],
            "cross_tune_4bar": repetition(all_tunes, 4)["cross_tune_count"],
            "cross_tune_2bar": repetition(all_tunes, 2)["cross_tune_count"],
        },
    }


def median_of(values) -> float | None:
    values = list(values)
    return statistics.median(values) if values else None


def slope_per_hour(xs: list[float], ys: list[float]) -> float | None:
    """Least-squares slope of ys over xs (hours of music)."""
    if len(xs) < 3 or max(xs) == min(xs):
        return None
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def figure(samples: list[dict], hours: list[float], value, digits: int = 2) -> dict:
    """A sampled figure: the first sample, the medians of the five after the warm-up and of the
    last five (robust to one-shots sounding at that instant), the last, the max, and the slope per
    hour of music after the warm-up."""
    ys = [value(s) for s in samples]
    warm = [(h, y) for i, (h, y) in enumerate(zip(hours, ys)) if i >= WARMUP_TUNES]
    slope = slope_per_hour([h for h, _ in warm], [y for _, y in warm]) if warm else None

    def r(x):
        return round(x, digits) if digits else round(x)

    return {
        "first": r(ys[0]),
        "after_warmup_median5": r(statistics.median(ys[WARMUP_TUNES : WARMUP_TUNES + 5]))
        if len(ys) > WARMUP_TUNES
        else None,
        "last_median5": r(statistics.median(ys[-5:])),
        "last": r(ys[-1]),
        "max": r(max(ys)),
        "per_hour_after_warmup": r(slope) if slope is not None else None,
    }


def tune_writes(tunes: list[dict], jobs: list[dict]) -> list[dict]:
    """Each live tune's writing, from the worker's jobs: its pieces are the jobs whose seed is the
    tune's seed ^ a piece's salt. A tune is ready when the first job of its last piece is done
    (ready_at); it was written `streams` times (the A piece's jobs)."""
    out = []
    for tune in tunes:
        mine = defaultdict(list)
        for job in jobs:
            if job["seed"] is None:
                continue
            for name, salt in PIECE_SALTS.items():
                if (job["seed"] ^ salt) & 0xFFFFFFFF == tune["seed"]:
                    mine[name].append(job)
        if not mine.get("A"):
            continue
        last = [name for name in PIECE_SALTS if mine.get(name)][-1]
        done = [j["done"] for j in mine[last] if j["ok"]]
        ready = min(done) if done else None
        begun = min(j["posted"] for j in mine["A"])
        out.append(
            {
                "index": tune["index"],
                "streams": len(mine["A"]),
                "failed": any(j["ok"] is False and not j["cancelled"] for js in mine.values() for j in js),
                "cancelled_jobs": sum(1 for js in mine.values() for j in js if j["cancelled"]),
                "write_ms": round(ready - begun) if ready is not None else None,
                "margin_ms": round(tune["at"] - ready) if ready is not None else None,
            }
        )
    return out


def live_run(page, args) -> dict:
    page.evaluate("() => window.lofi.loadModel()")
    page.evaluate(MONITOR_JS)
    started = time.monotonic()
    page.evaluate(
        "([seed, bpm]) => window.lofi.play({song: 'station', station: {seed}, bpm})", [args.live_seed, args.bpm]
    )
    target = args.hours * 3600
    samples, music_seconds, seen, stalled = [], [], -1, False
    last_change = time.monotonic()
    while True:
        tunes = page.evaluate("() => window.__stationBench.tunes.length")
        if tunes - 1 > seen:
            seen = tunes - 1
            last_change = time.monotonic()
            log = page.evaluate("() => window.__stationBench.tunes")
            done = sum(t["bars"] * 240 / t["bpm"] for t in log[:-1])  # tunes finished, at their own tempos
            sample = page.evaluate(SAMPLE_JS)
            samples.append(sample)
            music_seconds.append(done)
            print(
                f"bench: tune {seen} ({done / 3600:.2f} h of music, {time.monotonic() - started:.0f} s), "
                f"heap {sample['heap'] / 2**20:.1f} MiB, tensors {sample['tensors']}, nodes {sample['nodes']}",
                file=sys.stderr,
                flush=True,
            )
            if done >= target:
                break
        elif time.monotonic() - last_change > STALL_SECONDS:
            stalled = True
            break
        page.wait_for_timeout(200)
    wall = time.monotonic() - started
    log = page.evaluate("() => window.__stationBench")
    jobs = page.evaluate("(from) => window.__workerJobs.slice(from)", log["jobsFrom"])
    final = page.evaluate("() => window.lofi.state().station")
    history = page.evaluate("() => window.lofi.history()")
    page.evaluate("() => window.lofi.stop()")
    after_stop = page.evaluate(SAMPLE_JS)

    tunes = log["tunes"]
    writes = tune_writes(tunes, jobs)
    by_index = {t["index"]: t for t in tunes}
    # At the tunes' own tempos: tune k's write starts two bars before tune k-1 (player.js #prepare,
    # from #place), so a write of w ms leaves (tune k-1's seconds + 2 bars) - w.
    own = []
    for w in writes:
        before = by_index.get(w["index"] - 1)
        if w["index"] > 0 and before and w["write_ms"] is not None:
            seconds = before["bars"] * 240 / before["bpm"]
            own.append(
                (seconds + LEAD_BARS * 240 / before["bpm"] - w["write_ms"] / 1000, w["write_ms"] / 1000 / seconds)
            )
    later = [w for w in writes if w["index"] > 0]
    margins = final["writes"]["marginMs"] if final else []
    hours = [x / 3600 for x in music_seconds]
    write_ms = [w["write_ms"] for w in later if w["write_ms"] is not None]
    fast_margins = [w["margin_ms"] for w in later if w["margin_ms"] is not None]
    fast_tune_s = [t["bars"] * 240 / args.bpm for t in tunes]
    return {
        "seed": args.live_seed,
        "bpm": args.bpm,
        "wall_seconds": round(wall, 1),
        "tunes_started": len(tunes),
        "music_hours": round(music_seconds[-1] / 3600, 2) if music_seconds else 0,
        "stalled": stalled,
        "indices_in_order": [t["index"] for t in tunes] == list(range(len(tunes))),
        "history_length": len(history),
        "tune_seconds_at_fast_tempo": {"min": round(min(fast_tune_s), 2), "max": round(max(fast_tune_s), 2)},
        # Each next tune's writing (worker jobs, from its first piece posted to its last one written).
        "write_ms": {"min": min(write_ms), "median": round(statistics.median(write_ms)), "max": max(write_ms)}
        if write_ms
        else None,
        # From the next tune ready to its start, at the fast tempo (negative: late).
        "fast_margin_ms": {"min": min(fast_margins), "median": round(statistics.median(fast_margins))}
        if fast_margins
        else None,
        "late_tunes": sum(1 for m in fast_margins if m < 0),
        "late_tune_indices": [w["index"] for w in later if w["margin_ms"] is not None and w["margin_ms"] < 0],
        # Tunes written more than once (the same pieces posted to the worker again).
        "tunes_written_twice": [w["index"] for w in writes if w["streams"] > 1],
        # Tunes the worker could not write whole (a piece's job failed): they play what was written.
        "tunes_failed": [w["index"] for w in writes if w["failed"]],
        "worker_jobs": len(jobs),
        "worker_jobs_cancelled": sum(1 for j in jobs if j["cancelled"]),
        # The same writes at the tunes' own tempos.
        "own_tempo_margin_s": {
            "min": round(min(m for m, _ in own), 1),
            "median": round(statistics.median(m for m, _ in own), 1),
            "write_share_of_tune_max": round(max(share for _, share in own), 4),
        }
        if own
        else None,
        # The page's own figures (state().station.writes): marginMs is taken when the player places
        # the next tune, two bars before it is due, so it is about two bars whenever the tune is
        # ready; a tune not ready then adds no entry.
        "page_writes": {
            "count": final["writes"]["count"] if final else None,
            "mean_ms": round(final["writes"]["totalMs"] / max(1, final["writes"]["count"])) if final else None,
            "max_ms": round(final["writes"]["maxMs"]) if final else None,
            "margin_ms_count": len(margins),
            "tune_changes": len(tunes) - 1,
            "margin_ms_min": min(margins) if margins else None,
            "margin_ms_median": statistics.median(margins) if margins else None,
            "two_bars_ms": round(LEAD_BARS * 240 / args.bpm * 1000),
        },
        "heap_mib": figure(samples, hours, lambda x: x["heap"] / 2**20),
        "tensors": figure(samples, hours, lambda x: x["tensors"], 0),
        "audio_nodes": figure(samples, hours, lambda x: x["nodes"] if x["nodes"] is not None else -1, 0),
        "transport_events": figure(samples, hours, lambda x: x["scheduled"], 0),
        "tone_alive": {"first": samples[0]["tone"], "last": samples[-1]["tone"]} if samples else None,
        "queues_last": samples[-1]["queues"] if samples else None,
        "placed_max": max(x["station"]["placed"] for x in samples if x["station"]) if samples else None,
        "all_playing": all(x["playing"] for x in samples),
        "after_stop": {
            "heap_mib": round(after_stop["heap"] / 2**20, 2),
            "tensors": after_stop["tensors"],
            "audio_nodes": after_stop["nodes"],
            "tone_alive": after_stop["tone"],
            "transport_events": after_stop["scheduled"],
        },
        "series": {
            "music_hours": [round(h, 3) for h in hours],
            "heap_mib": [round(x["heap"] / 2**20, 1) for x in samples],
            "tensors": [x["tensors"] for x in samples],
            "audio_nodes": [x["nodes"] for x in samples],
            "transport_events": [x["scheduled"] for x in samples],
            "write_ms": [w["write_ms"] for w in writes],
            "fast_margin_ms": [w["margin_ms"] for w in writes],
        },
    }


def console(message, errors: list[str]) -> None:
    # The context blocks service workers (as the tests do), which Playwright says as a warning.
    if message.type in ("error", "warning") and "Service Worker registration blocked" not in message.text:
        errors.append(f"{message.type}: {message.text}")


def measure(site: Path, args) -> dict:
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, add_debug_hooks, chromium_path, wait_for
    from tests.test_long_session_browser import NODE_COUNTER

    server, url = serve_in_background(site)
    errors: list[str] = []
    out: dict = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(),
                headless=True,
                args=[*CHROMIUM_ARGS, "--enable-precise-memory-info", "--js-flags=--expose-gc"],
            )
            try:
                context = browser.new_context(service_workers="block")
                page = context.new_page()
                page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
                page.on("console", lambda m: console(m, errors))
                page.add_init_script(NODE_COUNTER)
                page.add_init_script(WORKER_JOBS)
                add_debug_hooks(page, url)
                page.goto(url)
                wait_for(page, "window.lofi !== undefined")
                page.evaluate("() => window.lofi.ready")
                if args.seeds:
                    print("bench: planning…", file=sys.stderr, flush=True)
                    old_pieces = math.ceil(args.minutes * 60 / OLD_PIECE_SECONDS)
                    raw = page.evaluate(
                        PLAN_JS,
                        {
                            "seeds": args.seeds,
                            "minutes": args.minutes,
                            "oldPieces": old_pieces,
                            "oldBars": OLD_PIECE_BARS,
                        },
                    )
                    out["backend"] = raw["info"]["backend"]
                    runs = []
                    for run in raw["runs"]:
                        if run["error"]:
                            continue
                        station_x = run["minutes"] * 60 / (run["stationMs"] / 1000)
                        old_x = old_pieces * OLD_PIECE_SECONDS / (run["oldMs"] / 1000)
                        runs.append(
                            {
                                "seed": run["seed"],
                                "station_minutes": round(run["minutes"], 2),
                                "station_tunes": len(run["tunes"]),
                                "station_seconds": round(run["stationMs"] / 1000, 2),
                                "station_x_real_time": round(station_x, 1),
                                "today_pieces": old_pieces,
                                "today_seconds": round(run["oldMs"] / 1000, 2),
                                "today_x_real_time": round(old_x, 1),
                                "station_over_today_time_per_music_second": round(old_x / station_x, 2),
                            }
                        )
                    out["plan"] = {
                        "minutes": args.minutes,
                        "runs": runs,
                        # lofi.station() rejects when one tune of the plan cannot be written.
                        "errors": [{"seed": r["seed"], "error": r["error"]} for r in raw["runs"] if r["error"]],
                        "station_x_real_time_median": median_of(r["station_x_real_time"] for r in runs),
                        "station_x_real_time_min": min((r["station_x_real_time"] for r in runs), default=None),
                        "today_x_real_time_median": median_of(r["today_x_real_time"] for r in runs),
                        "tensors_after": raw["tensors"],
                    }
                    out["tunes"] = summarise_plans([r for r in raw["runs"] if not r["error"]])
                if args.seeds and args.scan:
                    print("bench: writing each tune alone…", file=sys.stderr, flush=True)
                    scan = page.evaluate(SCAN_JS, {"seeds": args.seeds, "count": args.scan})
                    out["write_scan"] = {
                        "tunes": args.scan * len(args.seeds),
                        "failed": scan["failed"],
                        "seconds": round(scan["ms"] / 1000, 1),
                    }
                if args.first_notes:
                    print("bench: first notes…", file=sys.stderr, flush=True)
                    raw = page.evaluate(FIRST_NOTE_JS, {"runs": args.first_notes})
                    out["first_note"] = {
                        track: {
                            measure: median_of(n[measure] for n in notes if n)
                            for measure in ("readyMs", "triggerMs", "soundMs")
                        }
                        for track, notes in raw.items()
                    }
                    out["first_note"]["runs"] = args.first_notes
                if args.hours > 0:
                    print("bench: playing the station…", file=sys.stderr, flush=True)
                    out["live"] = live_run(page, args)
                context.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
    out["page_errors"] = errors
    return out


def targets_met(result: dict) -> dict:
    met = {}
    if "plan" in result:
        fastest = result["plan"]["station_x_real_time_min"]
        met["plan_x_real_time"] = fastest is not None and fastest >= TARGETS["plan_x_real_time_min"]
        met["every_plan_written"] = not result["plan"]["errors"]
        met["no_8bar_repeat_across_tunes"] = (
            bool(result["tunes"]) and not result["tunes"]["repetition"]["cross_tune_8bar"]
        )
    if "live" in result:
        live = result["live"]
        met["no_late_tune"] = live["late_tunes"] == TARGETS["late_tunes"] and not live["stalled"]
        met["no_tune_written_twice"] = not live["tunes_written_twice"]
        met["every_live_tune_written"] = not live["tunes_failed"]
        met["tensors_flat"] = live["tensors"]["last"] - live["tensors"]["first"] <= TARGETS["tensor_growth"]
    if "write_scan" in result:
        met["every_scanned_tune_written"] = not result["write_scan"]["failed"]
    return met


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--site", type=Path, help="a built site to serve as it is (default: build content/ into a temp folder)"
    )
    parser.add_argument("--seeds", default="1,2,3", help="stations planned (comma-separated seeds; '' for none)")
    parser.add_argument("--minutes", type=float, default=20, help="minutes of station each plan covers")
    parser.add_argument(
        "--hours", type=float, default=2, help="hours of music (at the tunes' own tempos) played live; 0: none"
    )
    parser.add_argument("--bpm", type=float, default=960, help="the live run's tempo, every tune at it")
    parser.add_argument("--scan", type=int, default=40, help="tunes of each seed written alone, for failures; 0: none")
    parser.add_argument("--live-seed", type=int, default=7, help="the live station's seed")
    parser.add_argument(
        "--first-notes",
        type=int,
        default=5,
        help="plays of each (the station, one AI tune) for the first note; 0: none",
    )
    args = parser.parse_args(argv)
    args.seeds = [int(s) for s in args.seeds.split(",") if s.strip()]

    started = time.monotonic()
    result = {
        "benchmark": "station",
        **machine(),
        **source(),
        "site": str(args.site) if args.site else "content/ built from this working tree",
        "minutes": args.minutes,
        "seeds": args.seeds,
        "hours": args.hours,
        "bpm": args.bpm,
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="lofi-bench-station-") as tmp:
        if args.site:
            site = args.site
        else:
            print("bench: building the site from content/…", file=sys.stderr, flush=True)
            site = build_site(Path(tmp) / "dist")
        result.update(measure(site, args))
    result["targets_met"] = targets_met(result)
    result["seconds"] = round(time.monotonic() - started, 1)
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
