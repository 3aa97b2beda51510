"""Copies the few Sonic Pi one-shots the default drum patterns use into content/samples/, small.

The samples are CC0 (Sonic Pi's samples, each listed with its freesound.org origin in the package's
PROVENANCE.md). They ship in the npm package `supersonic-scsynth-samples` as FLAC; this script
trims them, mixes them to mono, resamples to 32 kHz and writes OGG/Vorbis. Run once, by hand:

    npm install --no-save supersonic-scsynth-samples@0.84.2
    .venv/bin/pip install soundfile
    .venv/bin/python tools/make_drum_samples.py [PATH/TO/supersonic-scsynth-samples]

The outputs are committed, so building the site never needs the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import soundfile as sf
from audio_io import normalise, resample, write_ogg

ROOT = Path(__file__).resolve().parent.parent
RATE = 32000
# name -> longest length kept, in seconds
ONE_SHOTS = {
    "bd_jazz": 0.6,
    "bd_fat": 0.3,
    "drum_bass_soft": 0.5,
    "sn_dub": 0.3,
    "drum_snare_soft": 0.3,
    "sn_generic": 0.4,
    "perc_snap": 0.3,
    "hat_zild": 0.2,
    "hat_tap": 0.17,
    "drum_cymbal_closed": 0.2,
    "drum_cymbal_pedal": 0.27,
}


def load_mono(path: Path) -> tuple[np.ndarray, int]:
    data, rate = sf.read(path, dtype="float32", always_2d=True)
    return data.mean(axis=1), rate


def main() -> None:
    package = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "node_modules" / "supersonic-scsynth-samples"
    samples = package / "samples"
    out = ROOT / "content" / "samples"
    for name, seconds in ONE_SHOTS.items():
        data, rate = load_mono(samples / f"{name}.flac")
        data = data[: int(seconds * rate)]
        fade = int(0.02 * rate)
        data[-fade:] *= np.linspace(1, 0, fade)
        size = write_ogg(out / "drums" / f"{name}.ogg", normalise(resample(data, rate, RATE), 0.95), RATE, 0.3)
        print(f"drums/{name}.ogg: {size / 1024:.1f} KiB")

    # Vinyl hiss: 8 s of crackle, made seamless by cross-fading its end into its start.
    data, rate = load_mono(samples / "vinyl_hiss.flac")
    data = resample(data, rate, 22050)
    rate = 22050
    fade = int(0.5 * rate)
    head, body = data[:fade], data[fade:].copy()
    ramp = np.linspace(0, 1, fade)
    body[-fade:] = body[-fade:] * (1 - ramp) + head * ramp
    size = write_ogg(out / "vinyl.ogg", normalise(body, 0.8), rate, 0.8)
    print(f"vinyl.ogg: {size / 1024:.1f} KiB")


if __name__ == "__main__":
    main()
