"""Speaks every quote in content/quotes/*.toml with Flite's cmu_us_slt voice and writes NAME.ogg beside it.

The voice (CMU's clustergen voice "slt", a US English woman, trained on the CMU ARCTIC recordings) is
synthesized, so it gets the sound of an old recording to sit in a lo-fi mix like a sample lifted from
a record: a little tape wow and flutter, warm soft saturation, a telephone-narrow band (300 Hz to
3.5 kHz), a short room, and the record's hiss and crackle, all at a level under the music. Run once,
by hand, after adding or changing a quote:

    apt-get install flite        # Flite 2.2; the slt voice is built into its library
    cd tools && ../.venv/bin/python make_quotes.py [--voice slt] [--force]

The outputs are committed, so building the site never needs Flite. A quote whose .ogg is missing
still works: the page shows its caption without a voice. Each quote's noise is seeded by its file
name, so running the tool again gives the same files.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import tomllib
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf
from audio_io import resample, write_ogg

ROOT = Path(__file__).resolve().parent.parent
RATE = 22050
VOICE = "slt"  # Flite's most natural built-in voice
STRETCH = 1.2  # Flite's durations x 1.2: an unhurried, reflective pace
BAND = (300.0, 3500.0)  # Hz: an old recording's (and a telephone's) voice band
SPEECH_RMS_DB = -24.0  # dBFS while speaking: about 4 dB under the drum and piano samples' level
PEAK_DB = -6.0  # dBFS: the voice never peaks near full scale, the music keeps the headroom
HISS_DB = -50.0  # dBFS RMS of the record's surface noise
LEAD_IN, TAIL = 0.35, 0.5  # seconds of crackle before and after the words


def speak(text: str, voice: str = VOICE) -> tuple[np.ndarray, int]:
    """The dry voice from Flite, a little slower than its default pace, silence trimmed."""
    if shutil.which("flite") is None:
        raise SystemExit("tools/make_quotes.py: flite not found; install it with: apt-get install flite")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "voice.wav"
        subprocess.run(
            ["flite", "-voice", voice, "--setf", f"duration_stretch={STRETCH}", "-t", text, "-o", str(wav)],
            check=True,
            capture_output=True,
        )
        data, rate = sf.read(wav, dtype="float32")
    return trim_silence(data, rate), rate


def trim_silence(data: np.ndarray, rate: int, floor_db: float = -40.0, margin: float = 0.05) -> np.ndarray:
    """Cuts the quiet before the first and after the last sound (10 ms frames more than `floor_db`
    under the loudest), keeping `margin` seconds: the record's lead-in then sets where the words start."""
    frame = int(0.01 * rate)
    frames = data[: len(data) // frame * frame].reshape(-1, frame)
    power = np.mean(np.asarray(frames, dtype=np.float64) ** 2, axis=1)
    if not power.size or power.max() == 0:
        return data
    loud = np.nonzero(power > power.max() * 10 ** (floor_db / 10))[0]
    keep = int(margin * rate)
    return data[max(0, loud[0] * frame - keep) : min(len(data), (loud[-1] + 1) * frame + keep)]


def band_limit(data: np.ndarray, rate: int, low: float = BAND[0], high: float = BAND[1], order: int = 4) -> np.ndarray:
    """A Butterworth-shaped band-pass (order 4: 24 dB an octave each side), applied in one FFT."""
    n = len(data)
    spectrum = np.fft.rfft(data)
    f = np.maximum(np.fft.rfftfreq(n, 1 / rate), 1e-3)
    spectrum *= 1 / np.sqrt((1 + (low / f) ** (2 * order)) * (1 + (f / high) ** (2 * order)))
    return np.fft.irfft(spectrum, n=n)


def saturate(data: np.ndarray, drive: float = 2.5) -> np.ndarray:
    """Tape-like soft saturation: quiet parts pass almost unchanged, loud ones round off smoothly
    (odd harmonics, the 'warm' of a hot tape), and the result stays within the input's peak."""
    peak = float(np.max(np.abs(data))) or 1.0
    return peak * np.tanh(drive * data / peak) / np.tanh(drive)


def wow_flutter(
    data: np.ndarray, rate: int, rng: np.random.Generator, wow: float = 0.003, flutter: float = 0.0008
) -> np.ndarray:
    """Reads the audio at a gently wandering speed: a slow wow (about 0.5 Hz, `wow` of the speed)
    and a faster flutter (about 7 Hz), as a worn tape transport does."""
    t = np.arange(len(data)) / rate
    wow_hz, flutter_hz = rng.uniform(0.4, 0.7), rng.uniform(6.0, 8.0)
    speed = 1 + wow * np.sin(2 * np.pi * wow_hz * t + rng.uniform(0, 2 * np.pi))
    speed += flutter * np.sin(2 * np.pi * flutter_hz * t + rng.uniform(0, 2 * np.pi))
    position = np.concatenate([[0.0], np.cumsum(speed[:-1])])  # in input samples
    position = np.clip(position, 0, len(data) - 1)
    return np.interp(position, np.arange(len(data)), data)


def room(data: np.ndarray, rate: int) -> np.ndarray:
    """Three short, quiet reflections: the small room the words were recorded in."""
    out = np.array(data, dtype=np.float64)
    for delay, gain in [(0.031, 0.18), (0.067, 0.1), (0.113, 0.05)]:
        d = int(delay * rate)
        out[d:] += gain * data[:-d]
    return out


def surface(
    n: int, rate: int, rng: np.random.Generator, hiss_db: float = HISS_DB, clicks_per_second: float = 6.0
) -> np.ndarray:
    """A record's surface: a soft hiss and sparse crackle (short clicks of random size)."""
    hiss = band_limit(rng.standard_normal(n), rate, 600.0, 5000.0, order=2)
    hiss *= 10 ** (hiss_db / 20) / (np.sqrt(np.mean(hiss**2)) or 1.0)
    crackle = np.zeros(n)
    count = rng.poisson(clicks_per_second * n / rate)
    where = rng.integers(0, n, count)
    size = 10 ** (rng.uniform(-38, -24, count) / 20) * rng.choice([-1.0, 1.0], count)
    np.add.at(crackle, where, size)
    # Each click rings for about a millisecond: an impulse through a short decaying tail.
    ring = np.exp(-np.arange(int(0.0015 * rate)) / (0.0003 * rate))
    crackle = np.convolve(crackle, ring)[:n]
    return hiss + band_limit(crackle, rate, 400.0, 6000.0, order=1)


def speech_rms(data: np.ndarray, rate: int) -> float:
    """RMS over the 20 ms frames where someone speaks (within 20 dB of the loudest frame)."""
    frame = int(0.02 * rate)
    frames = data[: len(data) // frame * frame].reshape(-1, frame)
    power = np.mean(frames**2, axis=1)
    if not power.size or power.max() == 0:
        return 0.0
    return float(np.sqrt(np.mean(power[power > power.max() * 1e-2])))


def set_level(voice: np.ndarray, rate: int) -> np.ndarray:
    """Speech at SPEECH_RMS_DB under a soft PEAK_DB ceiling: a word that sticks out is rounded off
    rather than the whole quote turned down (a few passes, as the rounding takes a little level)."""
    ceiling = 10 ** (PEAK_DB / 20)
    gain = 10 ** (SPEECH_RMS_DB / 20) / (speech_rms(voice, rate) or 1.0)
    for _ in range(5):
        out = ceiling * np.tanh(gain * voice / ceiling)
        gain *= 10 ** (SPEECH_RMS_DB / 20) / (speech_rms(out, rate) or 1.0)
    return ceiling * np.tanh(gain * voice / ceiling)


def old_recording(voice: np.ndarray, rate: int, seed: int) -> np.ndarray:
    """A dry synthesized voice -> the same words as if played from an old record, at the quotes' level."""
    rng = np.random.default_rng(seed)
    voice = np.asarray(voice, dtype=np.float64)
    voice = np.pad(voice, (int(LEAD_IN * rate), int(TAIL * rate)))
    voice = wow_flutter(voice, rate, rng)
    voice = saturate(voice)
    voice = band_limit(room(voice, rate), rate)
    # The ceiling's rounding adds a few harmonics of its own: a gentle low-pass takes them back out.
    voice = band_limit(set_level(voice, rate), rate, 20.0, 4500.0, order=2)
    out = voice + surface(len(voice), rate, rng)
    # A few milliseconds of fade at each end: the file starts and stops without a click.
    fade = np.minimum(1.0, np.minimum(np.arange(len(out)), np.arange(len(out))[::-1]) / (0.005 * rate))
    return (out * fade).astype(np.float32)


def seed_for(name: str) -> int:
    return zlib.crc32(name.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default=VOICE, help="a Flite voice (flite -lv lists them)")
    parser.add_argument("--force", action="store_true", help="re-render quotes that already have audio")
    args = parser.parse_args()
    for toml in sorted((ROOT / "content" / "quotes").glob("*.toml")):
        target = toml.with_suffix(".ogg")
        if target.exists() and not args.force:
            continue
        text = tomllib.loads(toml.read_text(encoding="utf-8"))["text"]
        data, rate = speak(text, args.voice)
        data = old_recording(resample(data, rate, RATE), RATE, seed_for(toml.stem))
        size = write_ogg(target, data, RATE, 0.6)
        level = 20 * np.log10(speech_rms(data, RATE))
        print(f"quotes/{target.name}: {size / 1024:.1f} KiB, {len(data) / RATE:.1f} s, speech {level:.1f} dBFS RMS")


if __name__ == "__main__":
    main()
