"""Listen to the station and look at it: whole tunes as WAV files with their piano rolls, and the
live station's loudness over minutes.

    .venv/bin/python -m scripts.station_listen [--site DIR] [--seed 5] [--tunes 2] [--minutes 0] [--out DIR]

Builds the site from content/ into a temporary folder (or serves --site) and, in headless Chromium:
- writes tunes 0..N-1 of station --seed (lofi.tune) and renders each whole (lofi.renderWav({tune})):
  OUT/tune-N.wav, and OUT/roll-N.png: the chords (blue), the melody (red), the drums (grey ticks),
  the sections, and under them the WAV's loudness every half second;
- with --minutes M, plays the live station for M minutes at its own tempos and samples the page's
  output level (the debug hook lofi.outputRms) twice a second: OUT/minutes.png, with the tunes'
  sections marked, and OUT/minutes.json.
Prints what it wrote, with each tune's key, tempo, form and the page's errors (exit 1 on any).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import time
import wave
from pathlib import Path

import numpy as np

from scripts.served_site import served_site
from tests.browser import launch, open_lofi

RENDER_JS = """
async (entry) => {
  const tune = await lofi.tune(entry);
  const wav = await lofi.renderWav({tune: entry, ambience: null});
  const bytes = new Uint8Array(await wav.blob.arrayBuffer());
  let text = '';
  for (let i = 0; i < bytes.length; i += 32768) text += String.fromCharCode(...bytes.subarray(i, i + 32768));
  return {tune, wav: btoa(text), lufs: wav.lufs};
}
"""

SAMPLE_JS = """
async () => {
  const levels = [];
  for (let i = 0; i < 5; i++) {
    levels.push(lofi.outputRms());
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const rms = Math.sqrt(levels.reduce((sum, x) => sum + x * x, 0) / levels.length);
  return {rms, tune: lofi.state().tune};
}
"""


def loudness(wav_bytes: bytes, window: float = 0.5) -> tuple[list[float], float]:
    """dBFS of the mono mix every `window` seconds; and the file's seconds."""
    with wave.open(io.BytesIO(wav_bytes)) as w:
        rate, channels = w.getframerate(), w.getnchannels()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).reshape(-1, channels) / 32768
    mono = data.mean(axis=1)
    step = int(rate * window)
    levels = [20 * np.log10(np.sqrt(np.mean(mono[i : i + step] ** 2)) + 1e-9) for i in range(0, len(mono) - step, step)]
    return levels, len(mono) / rate


def draw_tune(tune: dict, levels: list[float], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (roll, level) = plt.subplots(2, 1, figsize=(16, 8), gridspec_kw={"height_ratios": [3, 1]})
    for chord in tune["chords"]:
        for midi in chord["midis"]:
            roll.broken_barh([(chord["step"] / 16, chord["length"] / 16)], (midi - 0.4, 0.8), color="#9bc")
        roll.text(chord["step"] / 16, 30, chord["symbol"], fontsize=6, rotation=90)
    for note in tune["melody"]:
        roll.broken_barh([(note["step"] / 16, note["length"] / 16)], (note["midi"] - 0.4, 0.8), color="#c33")
    for section in tune["sections"]:
        roll.axvline(section["bar"], color="k", lw=0.8)
        roll.text(section["bar"] + 0.1, 88, section["name"])
    lanes = {"kick": 24, "snare": 26}
    for hit in tune["drumHits"]:
        roll.plot(hit["step"] / 16, lanes.get(hit["lane"], 28), "|", color="grey", ms=4)
    roll.set_xlim(0, tune["bars"] + 1)
    roll.set_ylim(22, 92)
    roll.set_title(f"tune {tune['index'] + 1}: {tune['key']}, {tune['bpm']} bpm, drums {tune['drums']}")
    bar_seconds = 240 / tune["bpm"]
    level.plot(np.arange(len(levels)) * 0.5 / bar_seconds, levels)
    level.set_xlim(0, tune["bars"] + 1)
    level.set_ylabel("dBFS, 0.5 s")
    level.set_xlabel("bars")
    level.grid(True)
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    plt.close(fig)


def draw_minutes(samples: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = np.array([s["t"] for s in samples]) / 60
    levels = 20 * np.log10(np.array([s["rms"] for s in samples]) + 1e-6)
    fig, ax = plt.subplots(figsize=(16, 4))
    ax.plot(minutes, levels, lw=0.8)
    ax.plot(minutes, np.convolve(levels, np.ones(8) / 8, mode="same"), lw=2)
    previous = None
    for when, sample in zip(minutes, samples):
        tune = sample["tune"]
        if not tune or (tune["index"], tune["section"]) == previous:
            continue
        previous = (tune["index"], tune["section"])
        intro = tune["section"] == "intro"
        ax.axvline(when, color="k" if intro else "grey", lw=1.2 if intro else 0.5)
        label = f"{tune['index'] + 1} {tune['section']}" + (f"\n{tune['key']} {tune['bpm']}" if intro else "")
        ax.text(when, -8, label, fontsize=7)
    ax.set_ylim(-60, 0)
    ax.set_xlabel("minutes")
    ax.set_ylabel("output dBFS, 0.5 s")
    ax.grid(True)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Whole station tunes as WAV and piano rolls; the live station's loudness."
    )
    parser.add_argument("--site", type=Path, help="an already built site (default: build content/ now)")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--tunes", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=0, help="minutes of the live station to sample (0: none)")
    parser.add_argument("--out", type=Path, default=Path("station-listen"))
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with served_site(args.site, "lofi-listen-") as url, sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context(service_workers="block")
        page, watch = open_lofi(context, url)
        for index in range(args.tunes):
            got = page.evaluate(RENDER_JS, {"station": args.seed, "index": index, "options": {}})
            wav = base64.b64decode(got["wav"])
            (args.out / f"tune-{index}.wav").write_bytes(wav)
            levels, seconds = loudness(wav)
            draw_tune(got["tune"], levels, args.out / f"roll-{index}.png")
            tune = got["tune"]
            form = " ".join(s["name"] for s in tune["sections"])
            print(
                f"tune {index + 1}: {tune['key']}, {tune['bpm']} bpm, {form}, {seconds:.0f} s -> {args.out}/roll-{index}.png"
            )
        if args.minutes > 0:
            page.evaluate("(seed) => lofi.play({song: 'station', station: {seed}})", args.seed)
            samples, started = [], time.monotonic()
            while time.monotonic() - started < args.minutes * 60:
                sample = page.evaluate(SAMPLE_JS)
                sample["t"] = time.monotonic() - started
                samples.append(sample)
            history = page.evaluate("() => lofi.history()")
            (args.out / "minutes.json").write_text(json.dumps({"samples": samples, "history": history}))
            draw_minutes(samples, args.out / "minutes.png")
            print(f"{len(history)} tunes in {args.minutes} minutes -> {args.out}/minutes.png")
        browser.close()
    if watch.errors:
        raise SystemExit(f"the page reported errors: {watch.errors}")


if __name__ == "__main__":
    main()
