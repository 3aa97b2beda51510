"""The groove (swing and humanisation) is the same in Python (builder/groove.py, the report's renderer)
and in the page (web_src/js/audio/swing.js), run through node."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from builder import groove

REPO = Path(__file__).resolve().parent.parent
NODE = shutil.which("node") or "node"

SWINGS = [None, 0, 0.35, 50, 53, 54, 55.5, 57, 58, 60, 62, 200 / 3, 70, 75, 80]
STEPS = list(range(0, 40)) + [255, 256, 1023]
VOICES = ["melody", "chords", "bass", "hat", "kick", "ghost-hat"]
SEEDS = [0, 1, 42, 2**31 + 5, groove.seed_of("first-light")]

RUNNER = r"""
import { pathToFileURL } from 'node:url';
const [modulePath, casesText] = process.argv.slice(1);
const g = await import(pathToFileURL(modulePath).href);
const { swings, steps, voices, seeds } = JSON.parse(casesText);
process.stdout.write(JSON.stringify({
  ticks: swings.map((swing) => steps.map((step) => g.swungTicks(step, swing))),
  percent: swings.map((swing) => g.swingPercent(swing)),
  humanise: seeds.map((seed) => voices.map((voice) => steps.map((step) => g.humanise(seed, voice, step)))),
  seeds: voices.map((voice) => g.seedOf(voice)),
}));
"""


def test_python_and_javascript_swing_and_humanise_alike():
    cases = {"swings": SWINGS, "steps": STEPS, "voices": VOICES, "seeds": SEEDS}
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", RUNNER, str(REPO / "web_src/js/audio/swing.js"), json.dumps(cases)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    js = json.loads(result.stdout)
    assert js["ticks"] == [[groove.swung_ticks(step, swing) for step in STEPS] for swing in SWINGS]
    assert js["percent"] == [groove.swing_percent(swing) for swing in SWINGS]
    assert js["seeds"] == [groove.seed_of(voice) for voice in VOICES]
    python = [[[groove.humanise(seed, voice, step) for step in STEPS] for voice in VOICES] for seed in SEEDS]
    assert js["humanise"] == python


def test_the_off_beats_are_late_by_the_swing_and_the_beats_are_not():
    assert [groove.swing_offset_ticks(step, 58) for step in range(8)] == [0, 8, 15, 8, 0, 8, 15, 8]
    assert groove.swung_ticks(2, 200 / 3) == 128  # the triplet feel
    assert [groove.swung_ticks(step, 50) for step in range(4)] == [0, 48, 96, 144]
