"""In-browser generation benchmark: the real page, its real worker, headless Chromium.

    .venv/bin/python -m bench.generation [--sizes default,seed] [--tokens 200] [--runs 5]

Builds a small site (a tiny corpus, so the build trains in seconds), then, for each model size, puts
a model with random weights into its model/ folder (tf_keras, builder.train.build_model, exported
with builder.export.convert_to_tfjs) and measures, in one page on one backend, with the same weights:

- ms_per_token: lofi.generate() of `--tokens` tokens, LSTM state carried (the median of `--runs`),
  wall time on the page, worker messaging included;
- seed_ms_per_token: the seed article's method, tfjs-layers' model.predict on the last 100 tokens for
  every new token, on the same backend and weights, in a worker of its own (bench/seed_method_worker.js,
  bundled into the throwaway site only: the page's worker has no tfjs-layers);
- speedup: seed_ms_per_token / ms_per_token;
- first_note: from lofi.play({song: 'ai', solo: {...}}) to the first AI note, with the model loaded:
  when the note is ready (generated and decoded), when the instrument is triggered and when it
  sounds (its scheduled audio time on the page's clock); the median of a few plays;
- tensors_leaked: tf.memory().numTensors in the worker after 100 generations minus before.

Sizes: "default" is builder.config.DEFAULTS's [model]; "seed" the seed article's 3 x LSTM(512) with
Dense(256). Both with a 335-token vocabulary, as the seed's ("timed" encoding, under "sizes").

The lead-sheet path (the default encoding), under "leadsheet", for the same sizes (--leadsheet-sizes)
over the real lead-sheet vocabulary (content/model/meta.json), again random weights, in one page:

- follow_ms_per_token / free_ms_per_token: lofi.compose() of `--bars` bars over FOLLOW_PROGRESSION
  (follow mode: the chords forced) and with no progression (free mode), the median of `--runs`;
  every token counted, forced or drawn, as each one is a step of the LSTM;
- generate_ms_per_token: lofi.generate() on the same weights and vocabulary, the page reloaded with
  generation.json's encoding set to "timed": the grammar and its masked draw against a plain draw;
- first_note_*: as above, from lofi.play({song: 'ai', progression, solo: {...}});
- tensors_leaked: after 100 compositions (of `--leak-bars` bars) minus before.

"targets" holds what the figures should meet and "targets_met" whether they did. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.machine import machine
from builder.build import BuildOptions, build
from builder.config import DEFAULTS
from builder.serve import serve_in_background
from builder.site import PROJECT_ROOT

VOCAB_SIZE = 335
SIZES = {
    "default": {},
    "seed": {"lstm_units": [512, 512, 512], "dense_units": 256},
}
# The real lead-sheet vocabulary (chords, bar lines, notes, lengths), as the default model has it.
LEADSHEET_META = PROJECT_ROOT / "content" / "model" / "meta.json"
FOLLOW_PROGRESSION = "Dm9 | G13 | Cmaj9 | A7b9"
TARGETS = {"seed_ms_per_token_max": 2.5, "first_note_sound_ms_max": 150, "tensors_leaked": 0}

# A tiny corpus so the throwaway site builds in seconds; its model is replaced before measuring.
TINY_SITE_TOML = """
[model]
embedding = 8
lstm_units = [8]
dense_units = 8
sequence_length = 8
batch_size = 8
epochs = 1
patience = 1
validation_share = 0.5
quantization = "none"
# The site only carries the page: the benchmark swaps in random weights of the sizes it measures,
# so a one-epoch model that an n-gram beats is not refused.
refuse_worse = false
"""
TINY_PIECES = {
    "one.mid": "tinyNotation: 4/4 c4 e4 g4 r4 d8 f8 a4 r2 e4 g4 b4 r4 c'1",
    "two.mid": "tinyNotation: 4/4 a4 c'4 e'4 r4 g4 b4 d'2 f4 a4 c'4 r4 e1",
}

MEASURE_JS = """
async ({tokens, runs, seedTokens, seedWindow, plays, generations, vocabSize}) => {
  const lofi = window.lofi;
  // bench/seed_method_worker.js (bundle_seed_worker) on the site's model, in a worker of its own.
  const seedMethod = (options) => new Promise((resolve, reject) => {
    const worker = new Worker(new URL('assets/seed-method-worker.js', document.baseURI));
    worker.onmessage = (event) => {
      worker.terminate();
      if (event.data.error) reject(new Error(event.data.error)); else resolve(event.data);
    };
    worker.onerror = (event) => { worker.terminate(); reject(new Error(event.message || 'seed-method worker failed')); };
    worker.postMessage({...options, modelUrl: new URL('model/model.json', document.baseURI).href,
                        wasmPath: new URL('assets/tfjs-wasm/', document.baseURI).href});
  });
  const info = await lofi.loadModel();
  await lofi.generate({seed: 1, length: 16});  // warm-up: first-run kernels, caches
  const perToken = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const out = await lofi.generate({seed: 100 + r, length: tokens});
    perToken.push((performance.now() - t) / out.length);
  }
  const seed = await seedMethod({tokens: seedTokens, window: seedWindow, vocabSize, seed: 1});

  const firstNotes = [];
  for (let r = 0; r < plays; r++) {
    await lofi.play({song: 'ai', solo: {seed: 200 + r, length: 128}});
    const until = performance.now() + 10000;
    while (!lofi.state().solo?.firstNote && performance.now() < until) await new Promise((ok) => setTimeout(ok, 20));
    firstNotes.push(lofi.state().solo?.firstNote ?? null);
    await lofi.stop();
  }

  const before = await lofi.tensorCount();
  for (let i = 0; i < generations; i++) await lofi.generate({seed: 1000 + i, length: 16});
  const after = await lofi.tensorCount();
  return {info, perToken, seed, firstNotes, before, after, generator: lofi.state().generator};
}
"""


LEADSHEET_MEASURE_JS = """
async ({runs, bars, progression, plays, compositions, leakBars}) => {
  const lofi = window.lofi;
  const info = await lofi.loadModel();
  await lofi.compose({seed: 1, bars: 4, progression});  // warm-up: first-run kernels, caches
  const timeRuns = async (prog) => {
    const runsOut = [];
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      const piece = await lofi.compose({seed: 100 + r, bars, progression: prog});
      runsOut.push({ms: performance.now() - t, tokens: piece.tokens.length});
    }
    return runsOut;
  };
  const follow = await timeRuns(progression);
  const free = await timeRuns(null);

  const firstNotes = [];
  for (let r = 0; r < plays; r++) {
    await lofi.play({song: 'ai', progression, solo: {seed: 200 + r, bars}});
    const until = performance.now() + 10000;
    while (!lofi.state().solo?.firstNote && performance.now() < until) await new Promise((ok) => setTimeout(ok, 20));
    firstNotes.push(lofi.state().solo?.firstNote ?? null);
    await lofi.stop();
  }

  const before = await lofi.tensorCount();
  for (let i = 0; i < compositions; i++) await lofi.compose({seed: 1000 + i, bars: leakBars, progression: i % 2 ? null : progression});
  const after = await lofi.tensorCount();
  return {info, follow, free, firstNotes, before, after, generator: lofi.state().generator};
}
"""

# lofi.generate on the lead-sheet weights: the page reloaded with the "timed" encoding.
PLAIN_GENERATE_JS = """
async ({tokens, runs}) => {
  const lofi = window.lofi;
  await lofi.loadModel();
  await lofi.generate({seed: 1, length: 64, progression: null});  // warm-up
  const perToken = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    const out = await lofi.generate({seed: 100 + r, length: tokens, progression: null});
    perToken.push((performance.now() - t) / out.length);
  }
  return perToken;
}
"""


def leadsheet_vocabulary() -> list[str]:
    return json.loads(LEADSHEET_META.read_text())["vocabulary"]


def synthetic_vocabulary(size: int = VOCAB_SIZE) -> list[str]:
    """A plausible "timed" vocabulary of `size` tokens: frames, rests, notes and chords with lengths."""
    vocab = ["<s>", "</s>"] + [f"r:{n}" for n in range(1, 17)]
    names = ["C", "C#", "D", "E-", "E", "F", "F#", "G", "G#", "A", "B-", "B"]
    lengths = [2, 1, 4, 3, 6, 8, 12, 16]
    chords = ["0.4.7", "2.5.9", "4.7.11", "5.9.0", "7.11.2", "9.0.4", "11.2.5", "2.5.9.0", "7.11.2.5", "0.4.7.11"]
    for length in lengths:
        for octave in (3, 4, 5):
            vocab += [f"{n}{octave}:{length}" for n in names]
        vocab += [f"{c}:{length}" for c in chords]
    return vocab[:size]


SEED_WORKER = PROJECT_ROOT / "bench" / "seed_method_worker.js"
DEBUG_ENTRY = "assets/debug.js"  # the test-only hooks (tensor counts), when the build writes them


def build_site(root: Path) -> Path:
    from music21 import converter

    content = root / "content"
    (content / "midi").mkdir(parents=True)
    for name, notation in TINY_PIECES.items():
        converter.parse(notation).write("midi", fp=content / "midi" / name)
    (content / "songs").mkdir()
    shutil.copyfile(PROJECT_ROOT / "content" / "songs" / "first-light.toml", content / "songs" / "first-light.toml")
    (content / "site.toml").write_text(TINY_SITE_TOML)
    build(BuildOptions(content=content, out=root / "dist", quiet=True))
    bundle_seed_worker(root / "dist")
    return root / "dist"


def bundle_seed_worker(site: Path) -> None:
    """bench/seed_method_worker.js (with all of TF.js) -> site/assets/seed-method-worker.js."""
    esbuild = PROJECT_ROOT / "node_modules" / ".bin" / "esbuild"
    command = [
        str(esbuild),
        str(SEED_WORKER),
        "--bundle",
        "--minify",
        "--format=iife",
        "--log-level=warning",
        f"--outfile={site / 'assets' / 'seed-method-worker.js'}",
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, check=True)


def install_model(
    site: Path, work: Path, name: str, overrides: dict, vocab: list[str], encoding: str = "timed"
) -> dict:
    """A random-weight model of this size in site/model/; returns its config."""
    from builder.export import convert_to_tfjs
    from builder.tf_env import import_keras
    from builder.train import build_model

    keras = import_keras()
    keras.utils.set_random_seed(1234)
    config = {**copy.deepcopy(DEFAULTS["model"]), **overrides}
    model = build_model(config, len(vocab))
    converted = work / f"tfjs-{encoding}-{name}"
    convert_to_tfjs(model, converted)
    model_dir = site / "model"
    for path in model_dir.iterdir():
        if path.name == "model.json" or path.suffix == ".bin":
            path.unlink()
    for path in converted.iterdir():
        shutil.copyfile(path, model_dir / path.name)
    meta = json.loads((model_dir / "generation.json").read_text())
    meta.update(vocab=vocab, encoding=encoding, fingerprint=f"bench-{encoding}-{name}")
    (model_dir / "generation.json").write_text(json.dumps(meta))
    return {
        "lstm_units": config["lstm_units"],
        "dense_units": config["dense_units"],
        "embedding": config["embedding"],
        "vocab": len(vocab),
        "parameters": int(model.count_params()),
    }


def in_page(site: Path, steps: list) -> tuple[list, list[str]]:
    """Runs each (before_load, script, params) in a fresh load of the site's page, one browser;
    before_load() is called first (it may change the site's files). Returns the results and the
    page errors."""
    from playwright.sync_api import sync_playwright

    from tests.browser import launch

    server, url = serve_in_background(site)
    results, errors = [], []
    try:
        with sync_playwright() as playwright:
            browser = launch(playwright)
            try:
                for before_load, script, params in steps:
                    if before_load:
                        before_load()
                    page = browser.new_page()
                    page.on("pageerror", lambda error: errors.append(str(error)))
                    page.goto(url)
                    page.wait_for_function("() => window.lofi !== undefined")
                    page.evaluate("() => window.lofi.ready")
                    if (site / DEBUG_ENTRY).exists():
                        page.add_script_tag(url=DEBUG_ENTRY, type="module")
                    results.append(page.evaluate(script, params))
                    page.close()
            finally:
                browser.close()
    finally:
        server.shutdown()
    return results, errors


def first_note_figures(first_notes: list) -> dict:
    notes = [n for n in first_notes if n]

    def median_of(key):
        return round(statistics.median(n[key] for n in notes), 1) if notes else None

    return {
        "first_note_ready_ms": median_of("readyMs"),
        "first_note_trigger_ms": median_of("triggerMs"),
        "first_note_sound_ms": median_of("soundMs"),
        "first_note_before_solo_done": all(not n["generationDone"] for n in notes) if notes else None,
        "first_notes_heard": f"{len(notes)}/{len(first_notes)}",
        # Each play's, in order: the median hides a slow first play or a slow play right after a stop.
        "first_note_plays": [
            {k: round(n[k], 1) for k in ("readyMs", "triggerMs", "soundMs")} if n else None for n in first_notes
        ],
    }


def measure(site: Path, args) -> dict:
    (raw,), errors = in_page(
        site,
        [
            (
                None,
                MEASURE_JS,
                {
                    "tokens": args.tokens,
                    "runs": args.runs,
                    "seedTokens": args.seed_tokens,
                    "seedWindow": 100,
                    "plays": args.plays,
                    "generations": 100,
                    "vocabSize": VOCAB_SIZE,
                },
            )
        ],
    )
    ms = statistics.median(raw["perToken"])
    seed_ms = raw["seed"]["msPerToken"]
    return {
        "backend": raw["info"]["backend"],
        "generator": raw["generator"],
        "ms_per_token": round(ms, 3),
        "ms_per_token_runs": [round(v, 3) for v in raw["perToken"]],
        "seed_ms_per_token": round(seed_ms, 1),
        "speedup": round(seed_ms / ms, 1),
        **first_note_figures(raw["firstNotes"]),
        "tensors_leaked": raw["after"] - raw["before"],
        "page_errors": errors,
    }


def measure_leadsheet(site: Path, args) -> dict:
    generation = site / "model" / "generation.json"
    meta = json.loads(generation.read_text())

    def as_timed():
        generation.write_text(json.dumps({**meta, "encoding": "timed"}))

    try:
        (raw, plain), errors = in_page(
            site,
            [
                (
                    None,
                    LEADSHEET_MEASURE_JS,
                    {
                        "runs": args.runs,
                        "bars": args.bars,
                        "progression": FOLLOW_PROGRESSION,
                        "plays": args.plays,
                        "compositions": 100,
                        "leakBars": args.leak_bars,
                    },
                ),
                (as_timed, PLAIN_GENERATE_JS, {"tokens": args.tokens, "runs": args.runs}),
            ],
        )
    finally:
        generation.write_text(json.dumps(meta))

    def per_token(runs):
        values = [r["ms"] / r["tokens"] for r in runs]
        return (
            round(statistics.median(values), 3),
            [round(v, 3) for v in values],
            round(statistics.median(r["tokens"] for r in runs)),
        )

    follow, follow_runs, follow_tokens = per_token(raw["follow"])
    free, free_runs, free_tokens = per_token(raw["free"])
    generate = statistics.median(plain)
    return {
        "backend": raw["info"]["backend"],
        "generator": raw["generator"],
        "follow_ms_per_token": follow,
        "follow_ms_per_token_runs": follow_runs,
        "follow_tokens": follow_tokens,
        "free_ms_per_token": free,
        "free_ms_per_token_runs": free_runs,
        "free_tokens": free_tokens,
        "generate_ms_per_token": round(generate, 3),
        "generate_ms_per_token_runs": [round(v, 3) for v in plain],
        "follow_vs_generate": round(follow / generate, 2),
        **first_note_figures(raw["firstNotes"]),
        "tensors_leaked": raw["after"] - raw["before"],
        "page_errors": errors,
    }


def targets_met(result: dict) -> dict:
    met = {}
    for path, figures in [("sizes", result["sizes"]), ("leadsheet", result["leadsheet"])]:
        for name, f in figures.items():
            key = f"{path}.{name}"
            checks = {
                "first_note_sound_ms": f["first_note_sound_ms"] is not None
                and f["first_note_sound_ms"] <= TARGETS["first_note_sound_ms_max"],
                "tensors_leaked": f["tensors_leaked"] == TARGETS["tensors_leaked"],
            }
            if name == "seed":
                for figure in ("ms_per_token", "follow_ms_per_token", "free_ms_per_token"):
                    if figure in f:
                        checks[figure] = f[figure] <= TARGETS["seed_ms_per_token_max"]
            met[key] = checks
    return met


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="default,seed", help="comma-separated: " + ", ".join(SIZES))
    parser.add_argument("--tokens", type=int, default=200, help="tokens per timed generation")
    parser.add_argument("--runs", type=int, default=5, help="timed generations per size (median)")
    parser.add_argument("--seed-tokens", type=int, default=20, help="tokens timed with the seed's method")
    parser.add_argument("--plays", type=int, default=3, help="plays timed to the first AI note")
    parser.add_argument("--leadsheet-sizes", default="default,seed", help="lead-sheet models, as --sizes ('' for none)")
    parser.add_argument("--bars", type=int, default=32, help="bars per timed lead-sheet composition")
    parser.add_argument("--leak-bars", type=int, default=4, help="bars per composition counted for leaks")
    args = parser.parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    leadsheet_sizes = [s.strip() for s in args.leadsheet_sizes.split(",") if s.strip()]
    unknown = [s for s in sizes + leadsheet_sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {unknown}; known: {', '.join(SIZES)}")

    started = time.monotonic()
    vocab = synthetic_vocabulary()
    result = {
        "benchmark": "in-browser generation",
        **machine(),
        "tokens": args.tokens,
        "runs": args.runs,
        "seed_window": 100,
        "seed_tokens": args.seed_tokens,
        "generations_for_leaks": 100,
        "sizes": {},
        "leadsheet_progression": FOLLOW_PROGRESSION,
        "leadsheet_bars": args.bars,
        "compositions_for_leaks": 100,
        "leak_bars": args.leak_bars,
        "leadsheet": {},
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="lofi-bench-") as tmp:
        work = Path(tmp)
        print("bench: building a throwaway site…", file=sys.stderr, flush=True)
        site = build_site(work)
        for name in sizes:
            print(f"bench: {name} model…", file=sys.stderr, flush=True)
            model = install_model(site, work, name, SIZES[name], vocab)
            result["sizes"][name] = {"model": model, **measure(site, args)}
        for name in leadsheet_sizes:
            print(f"bench: lead-sheet {name} model…", file=sys.stderr, flush=True)
            model = install_model(site, work, name, SIZES[name], leadsheet_vocabulary(), encoding="leadsheet")
            result["leadsheet"][name] = {"model": model, **measure_leadsheet(site, args)}
    result["targets_met"] = targets_met(result)
    result["seconds"] = round(time.monotonic() - started, 1)
    # Other work on the machine slows every figure: the ratios, measured side by side, hold better.
    result["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
