"""Synthesizes the default ambiences (rain, fireplace, wind, water) as seamless OGG loops.

Nothing recorded: every sound is filtered noise and little impulses made with numpy. Filtering is
done in the frequency domain over the whole loop, which is circular, and every slow modulation has a
whole number of cycles per loop, so each file loops without a seam. Run once, by hand:

    .venv/bin/pip install soundfile
    .venv/bin/python tools/make_ambience.py

It writes content/ambience/NAME.ogg; the sidecar NAME.toml files (title, background) are written by
hand. The outputs are committed, so building the site never needs this script.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from audio_io import normalise, write_ogg

ROOT = Path(__file__).resolve().parent.parent
RATE = 22050
SECONDS = 24
N = RATE * SECONDS
FREQS = np.fft.rfftfreq(N, 1 / RATE)


def shaped_noise(rng, gain_of_freq) -> np.ndarray:
    """White noise shaped by a function of frequency; circular, so it loops seamlessly."""
    spectrum = np.fft.rfft(rng.standard_normal(N)) * gain_of_freq(np.maximum(FREQS, 1.0))
    out = np.fft.irfft(spectrum, n=N)
    return out / (np.std(out) or 1.0)


def band(lo, hi, slope=1.0):
    def gain(f):
        g = 1.0 / (1.0 + (lo / f) ** (2 * slope)) / (1.0 + (f / hi) ** (2 * slope))
        return np.sqrt(g)

    return gain


def lfo(cycles: int, phase: float = 0.0) -> np.ndarray:
    """A sine with `cycles` whole cycles per loop, 0..1."""
    t = np.arange(N) / N
    return 0.5 + 0.5 * np.sin(2 * np.pi * cycles * t + phase)


def scatter(rng, out: np.ndarray, grain: np.ndarray, times: np.ndarray, gains: np.ndarray) -> None:
    """Adds `grain` at each time (in samples), wrapping round the end of the loop."""
    for start, gain in zip(times.astype(int), gains):
        idx = (start + np.arange(len(grain))) % N
        out[idx] += gain * grain


def droplet(rng, freq: float, length: float = 0.03) -> np.ndarray:
    t = np.arange(int(length * RATE)) / RATE
    chirp = np.sin(2 * np.pi * (freq * t + 0.5 * freq * 1.5 * t * t / length))  # a small rising "plink"
    return chirp * np.exp(-t / (length / 4))


def rain(rng) -> np.ndarray:
    bed = shaped_noise(rng, band(500, 6000)) * (0.8 + 0.2 * lfo(3, 1.0))
    hiss = shaped_noise(rng, band(3000, 10000)) * 0.3
    drops = np.zeros(N)
    count = SECONDS * 60
    for _ in range(4):  # a few droplet voices
        grain = droplet(rng, rng.uniform(1800, 4200), rng.uniform(0.01, 0.03))
        scatter(rng, drops, grain, rng.uniform(0, N, count // 4), rng.uniform(0.1, 0.7, count // 4))
    return bed * 0.5 + hiss + drops * 0.6


def fireplace(rng) -> np.ndarray:
    roar = shaped_noise(rng, band(40, 350, 1.5)) * (0.7 + 0.3 * lfo(5, 0.3) * lfo(2, 2.0))
    hiss = shaped_noise(rng, band(1500, 6000)) * 0.06 * (0.5 + 0.5 * lfo(7, 1.2))
    crackles = np.zeros(N)
    # Crackles come in little clusters, as wood pops.
    for centre in rng.uniform(0, N, SECONDS * 3):
        for offset in rng.exponential(0.05 * RATE, rng.integers(1, 6)):
            length = int(rng.uniform(0.002, 0.012) * RATE)
            grain = rng.standard_normal(length) * np.exp(-np.arange(length) / (length / 4))
            grain = np.diff(grain, prepend=0.0)  # brighter: a crude high-pass
            scatter(rng, crackles, grain, np.array([centre + offset]), np.array([rng.uniform(0.2, 1.0)]))
    return roar * 0.6 + hiss + crackles * 0.5


def wind(rng) -> np.ndarray:
    out = np.zeros(N)
    # Several resonant bands, each swelling on its own slow cycle, so the howl seems to move.
    for centre, cycles, phase in [(180, 2, 0.0), (320, 3, 1.7), (520, 2, 3.1), (800, 5, 4.0), (1300, 4, 2.2)]:
        layer = shaped_noise(rng, band(centre * 0.8, centre * 1.25, 2.0))
        out += layer * lfo(cycles, phase) ** 2 / (1 + centre / 600)
    rumble = shaped_noise(rng, band(20, 120)) * 0.4 * (0.6 + 0.4 * lfo(3, 0.5))
    return out + rumble


def water(rng) -> np.ndarray:
    bed = shaped_noise(rng, band(250, 2500)) * (0.8 + 0.2 * lfo(4, 0.7))
    bubbles = np.zeros(N)
    count = SECONDS * 40
    for _ in range(6):
        grain = droplet(rng, rng.uniform(400, 1400), rng.uniform(0.02, 0.06))
        scatter(rng, bubbles, grain, rng.uniform(0, N, count // 6), rng.uniform(0.1, 0.5, count // 6))
    return bed * 0.5 + bubbles


MAKERS = {"rain": rain, "fireplace": fireplace, "wind": wind, "water": water}


def main() -> None:
    out = ROOT / "content" / "ambience"
    for index, (name, make) in enumerate(MAKERS.items()):
        data = normalise(make(np.random.default_rng(100 + index)), 0.7)
        size = write_ogg(out / f"{name}.ogg", data, RATE, 0.85)
        print(f"ambience/{name}.ogg: {size / 1024:.1f} KiB, {SECONDS} s")


if __name__ == "__main__":
    main()
