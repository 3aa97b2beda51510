"""builder/generate.py's compose and the page's (web_src/js/ai: grammar.js, compose.js, piece.js with
ai/sampling.js) write the same lead sheet from the same logits.

Python composes with a real (tiny, untrained) model and records the logits after every token it
feeds; node replays them through the page's grammar, sampler and piece builder. The two must agree
on every token, and on the key, chords, melody and chord mapping of the result, in follow and free
mode, greedy and sampled. (The model's arithmetic itself, numpy here and TF.js there, is not part of
this test.)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder import theory
from builder.copyguard import build_guard
from builder.generate import compose
from builder.sampling import mulberry32, sample_index, seed_to_uint32
from builder.stepper import Stepper
from builder.train import build_model

from .node_script import run_node

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "node"
TINY = {"embedding": 8, "lstm_units": [16], "dropout": 0.0, "dense_units": 16, "learning_rate": 0.01}
FAMILIES = ["maj7", "m7", "7", "m7b5", "6", "maj", "m"]  # no mM7, dim7, 7sus, sus, aug: some chords map to others
VOCAB = [
    "<s>",
    "</s>",
    "r",
    "|",
    *theory.bar_tokens(),
    *theory.STYLE_TOKENS.values(),
    "~",
    "@NC",
    *(f"@{r}:{f}" for f in FAMILIES for r in range(12)),
    *(f"n{m}" for m in range(52, 81)),
    *(f"d{k}" for k in theory.LENGTHS),
]
CASES = [
    {
        "progression": "Ebm9 | Ab13 | Dbmaj9 | Bb7b9",
        "bars": 8,
        "seed": 1,
        "temperature": 1.0,
        "top_k": 0,
        "top_p": 0.95,
    },
    {
        "progression": "Cm(maj7) | Fdim7 G7sus4 | N.C. | Abmaj7/C",
        "bars": 6,
        "seed": "rainy",
        "temperature": 1.3,
        "top_k": 12,
        "top_p": 1.0,
        "chord_tone_bias": 2.5,
    },
    {"progression": "Am7 D9 | Gmaj7", "bars": 5, "seed": 4, "temperature": 0.0, "top_k": 0, "top_p": 1.0},
    {
        "progression": "F#m7b5 B7b9 | Em9",
        "bars": 4,
        "seed": 9,
        "temperature": 0.8,
        "top_k": 0,
        "top_p": 0.9,
        "meter": [3, 4],
    },
    {"progression": None, "bars": 8, "seed": 2, "temperature": 1.0, "top_k": 0, "top_p": 0.95},
    {"progression": None, "bars": 4, "seed": 77, "temperature": 0.0, "top_k": 0, "top_p": 1.0},
    {
        "progression": "Gm9 | Gb13 | Fmaj9 | Ab13",
        "bars": 16,
        "seed": 5,
        "temperature": 1.0,
        "top_k": 0,
        "top_p": 0.95,
        "shaping": False,
    },
    {"progression": "Dm9 | Db7 | Cmaj9 | A7b9", "bars": 16, "seed": 6, "temperature": 0.9, "top_k": 0, "top_p": 1.0},
    {"progression": None, "bars": 16, "seed": 8, "temperature": 1.0, "top_k": 0, "top_p": 1.0},
    # Guarded by the runs of 4 events of its own unguarded draw, so that the copy guard bites.
    {"progression": "Am7 D9 | Gmaj7", "bars": 8, "seed": 4, "temperature": 0.0, "top_k": 0, "top_p": 1.0, "guard": 4},
]

NODE_RUNNER = r"""
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [casesPath, root] = process.argv.slice(1);
const load = (path) => import(pathToFileURL(`${root}/${path}`).href);
const { LeadSheetGrammar, chooseToken, classifyVocab } = await load('web_src/js/ai/grammar.js');
const { followPlan, freePlan } = await load('web_src/js/ai/compose.js');
const { createPieceBuilder } = await load('web_src/js/ai/piece.js');
const { mulberry32, seedToUint32 } = await load('web_src/js/ai/sampling.js');
const { Shaper, shapeStep } = await load('web_src/js/ai/shaping.js');
const { CopyGuard } = await load('web_src/js/ai/copyguard.js');
const { familyPitchClasses, parseChordToken, sixteenthsPerBar } = await load('web_src/js/music/theory.js');
const { vocab, cases } = JSON.parse(readFileSync(casesPath, 'utf8'));
const classes = classifyVocab(vocab);
const out = cases.map((c) => {
  const meter = c.meter ?? [4, 4];
  const barLength = sixteenthsPerBar(...meter);
  const plan = c.progression
    ? followPlan({ progression: c.progression, passBars: c.passBars, bars: c.bars, vocab, barLength })
    : freePlan({ seed: c.seed, bars: c.bars, barLength });
  const grammar = new LeadSheetGrammar(classes, {
    bars: c.bars, meter: meter.join('/'), barLength, changes: plan.changes, chordToneBias: c.chordToneBias ?? undefined,
    chordPitchClasses: (token) => {
      const parsed = parseChordToken(token);
      return parsed && parsed[0] !== null ? familyPitchClasses(parsed[0], parsed[1]) : [];
    },
  });
  const builder = createPieceBuilder(plan, { meter });
  const rng = mulberry32(seedToUint32(c.seed));
  const sampling = { temperature: c.temperature, topK: c.topK, topP: c.topP };
  const shaping = {
    shaper: c.shaping === false ? null : new Shaper(classes),
    guard: c.copyGuard ? new CopyGuard(c.copyGuard, classes) : null,
  };
  let logits = null;
  let fed = 0;
  while (!grammar.done) {
    const id = chooseToken(shapeStep(grammar.next(), grammar, shaping), logits, sampling, rng);
    shaping.shaper?.take(grammar, id);
    shaping.guard?.take(id);
    grammar.accept(id);
    builder.push(vocab[id]);
    if (!grammar.done) logits = c.logits[fed++];
  }
  const { tokens, key, chords, melody, mapped } = builder.result();
  return { tokens, key, chords, melody, mapped };
});
process.stdout.write(JSON.stringify(out));
"""


class Recording(Stepper):
    def __init__(self, model):
        super().__init__(model)
        self.logits = []

    def step_logits(self, token_id):
        logits = super().step_logits(token_id)
        self.logits.append([float(v) for v in logits])
        return logits


def chords_of(text: str, meter) -> list[dict]:
    """One pass of a progression, as the page's chord field gives it: bars between '|', the chords of
    a bar sharing it evenly."""
    per_bar = theory.sixteenths_per_bar(*meter)
    chords = []
    for bar, symbols in enumerate(text.split("|")):
        symbols = symbols.split()
        chords += [
            {"symbol": s, "step": bar * per_bar + i * per_bar // len(symbols), "length": per_bar // len(symbols)}
            for i, s in enumerate(symbols)
        ]
    return chords


@pytest.fixture(scope="module")
def model():
    return build_model(TINY, vocab_size=len(VOCAB))


def test_python_and_the_page_compose_the_same_lead_sheet(model, tmp_path):
    python, cases = [], []
    for case in CASES:
        meter = tuple(case.get("meter", (4, 4)))
        chords = chords_of(case["progression"], meter) if case["progression"] else None
        guard = None
        if case.get("guard"):
            unguarded = compose(
                Stepper(model), VOCAB, bars=case["bars"], seed=case["seed"], chords=chords, temperature=0
            )
            guard = build_guard([unguarded["tokens"]], n=case["guard"])
        stepper = Recording(model)
        piece = compose(
            stepper,
            VOCAB,
            bars=case["bars"],
            seed=case["seed"],
            chords=chords,
            temperature=case["temperature"],
            top_k=case["top_k"],
            top_p=case["top_p"],
            chord_tone_bias=case.get("chord_tone_bias"),
            meter=meter,
            shaping=case.get("shaping", True),
            copy_guard=guard,
        )
        if guard:
            assert piece["tokens"] != unguarded["tokens"]
        python.append(piece)
        cases.append(
            {
                "progression": chords,
                "passBars": len(case["progression"].split("|")) if chords else None,
                "bars": case["bars"],
                "seed": case["seed"],
                "temperature": case["temperature"],
                "topK": case["top_k"],
                "topP": case["top_p"],
                "chordToneBias": case.get("chord_tone_bias"),
                "meter": list(meter),
                "shaping": case.get("shaping", True),
                "copyGuard": guard,
                "logits": stepper.logits,
            }
        )
    page = run_node(NODE_RUNNER, {"vocab": VOCAB, "cases": cases}, tmp_path)
    for case, ours, theirs in zip(CASES, python, page):
        assert ours["tokens"] == theirs["tokens"], case
        assert len([t for t in ours["tokens"] if t.startswith("n")]) > 3, case  # a melody was written
        for field in ("key", "chords", "melody", "mapped"):
            assert ours[field] == theirs[field], (field, case)


def test_the_random_draws_are_the_pages():
    """mulberry32, seed_to_uint32 and sample_index against sampling.js, number for number."""
    script = r"""
    import { pathToFileURL } from 'node:url';
    const { mulberry32, seedToUint32, sampleIndex } = await import(pathToFileURL(process.argv[1]).href);
    const seeds = [0, 1, 42, 4294967295, -5, 3.7, 'rainy', ' 17 ', 'héllo', '99999999999999999999'];
    const streams = seeds.map((s) => { const r = mulberry32(seedToUint32(s)); return [seedToUint32(s), r(), r(), r()]; });
    const rng = mulberry32(7);
    const logits = [0.1, -1, 2, 2, -Infinity, 0.5, -3];
    const draws = [];
    for (let i = 0; i < 60; i++) {
      draws.push(sampleIndex(logits, { temperature: [1, 0.7, 1.3, 0][i % 4], topK: [0, 3, 0, 2, 1][i % 5], topP: [1, 0.9, 0.5][i % 3] }, rng));
    }
    process.stdout.write(JSON.stringify({ streams, draws }));
    """
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", script, str(REPO / "web_src/js/ai/sampling.js")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    page = json.loads(result.stdout)
    seeds = [0, 1, 42, 4294967295, -5, 3.7, "rainy", " 17 ", "héllo", "99999999999999999999"]
    streams = []
    for seed in seeds:
        rng = mulberry32(seed_to_uint32(seed))
        streams.append([seed_to_uint32(seed), rng(), rng(), rng()])
    assert streams == page["streams"]
    rng = mulberry32(7)
    logits = [0.1, -1, 2, 2, float("-inf"), 0.5, -3]
    draws = [
        sample_index(logits, [1, 0.7, 1.3, 0][i % 4], [0, 3, 0, 2, 1][i % 5], [1, 0.9, 0.5][i % 3], rng)
        for i in range(60)
    ]
    assert draws == page["draws"]
