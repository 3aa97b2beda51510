"""Speaks every quote in content/quotes/*.toml with espeak-ng and writes NAME.ogg beside it.

A soft, slow voice, low-passed a little and with a touch of room so it sits in the mix like a
sample from an old record. Run once, by hand, after adding or changing a quote:

    apt-get install espeak-ng
    .venv/bin/pip install soundfile
    .venv/bin/python tools/make_quotes.py [--voice en-us] [--force]

The outputs are committed, so building the site never needs espeak-ng. A quote whose .ogg is missing
still works: the page shows its caption without a voice.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import tomllib
from pathlib import Path

import numpy as np
import soundfile as sf

from audio_io import normalise, resample, write_ogg

ROOT = Path(__file__).resolve().parent.parent
RATE = 22050


def speak(text: str, voice: str) -> tuple[np.ndarray, int]:
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", "128", "-p", "38", "-g", "6", "--stdout", text],
                         check=True, capture_output=True).stdout
    data, rate = sf.read(io.BytesIO(wav), dtype="float32")
    return data, rate


def warm(data: np.ndarray, rate: int) -> np.ndarray:
    """Band-limit to a 'telephone/vinyl' 150-4500 Hz and add a short, quiet room echo."""
    n = len(data) + rate  # one second of tail
    spectrum = np.fft.rfft(np.pad(data, (0, n - len(data))))
    f = np.maximum(np.fft.rfftfreq(n, 1 / rate), 1.0)
    spectrum *= 1 / np.sqrt((1 + (150 / f) ** 4) * (1 + (f / 4500) ** 4))
    out = np.fft.irfft(spectrum, n=n)
    for delay, gain in [(0.043, 0.25), (0.089, 0.15), (0.137, 0.08)]:
        d = int(delay * rate)
        out[d:] += gain * out[:-d]
    end = np.nonzero(np.abs(out) > 1e-3 * np.max(np.abs(out)))[0][-1] + 1
    return out[:end]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="en-us")
    parser.add_argument("--force", action="store_true", help="re-render quotes that already have audio")
    args = parser.parse_args()
    for toml in sorted((ROOT / "content" / "quotes").glob("*.toml")):
        target = toml.with_suffix(".ogg")
        if target.exists() and not args.force:
            continue
        text = tomllib.loads(toml.read_text(encoding="utf-8"))["text"]
        data, rate = speak(text, args.voice)
        data = resample(warm(data, rate), rate, RATE)
        size = write_ogg(target, normalise(data, 0.8), RATE, 0.6)
        print(f"quotes/{target.name}: {size / 1024:.1f} KiB, {len(data) / RATE:.1f} s")


if __name__ == "__main__":
    main()
