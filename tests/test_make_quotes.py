"""tools/make_quotes.py: the "old recording" treatment of the spoken quotes, on a synthetic voice
(a buzzy source with harmonics to 10 kHz, spoken in syllables), and the committed quotes (Flite's slt
voice, a woman's: her fundamental, about 170 Hz, sits under the 300 Hz band edge)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_quotes as mq  # noqa: E402

RATE = mq.RATE


def db(x: float) -> float:
    return 20 * np.log10(x)


def voice_like(seconds: float = 3.0, f0: float = 120.0) -> np.ndarray:
    """A dry, full-band synthetic voice: harmonics of `f0` up to 10 kHz, in 4 syllables a second."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * f0 * k * t) / k**0.5 for k in range(1, int(10000 / f0) + 1))
    syllables = np.clip(np.sin(2 * np.pi * 2 * t), 0, None) ** 0.5
    return (0.5 * buzz / np.max(np.abs(buzz)) * syllables).astype(np.float32)


def band_share(data: np.ndarray, low: float, high: float) -> float:
    """The share of the signal's energy between `low` and `high` Hz."""
    power = np.abs(np.fft.rfft(data)) ** 2
    f = np.fft.rfftfreq(len(data), 1 / RATE)
    return float(power[(f >= low) & (f <= high)].sum() / power.sum())


def test_the_voice_is_band_limited_to_an_old_recording():
    dry = voice_like()
    assert band_share(dry, 250, 4000) < 0.6  # the dry voice is full band
    old = mq.old_recording(dry, RATE, seed=1)
    assert band_share(old, 250, 4000) > 0.95
    assert band_share(old, 0, 150) < 0.005
    assert band_share(old, 6000, RATE / 2) < 0.001


def test_a_womans_fundamental_under_the_band_edge_is_turned_well_down():
    dry, old = voice_like(f0=180.0), mq.old_recording(voice_like(f0=180.0), RATE, seed=4)

    def fundamental_over_sixth_harmonic(x: np.ndarray) -> float:
        """dB, in a second from the middle (bin k is k Hz), each over +-10 Hz as the wow smears them."""
        power = np.abs(np.fft.rfft(x[RATE : 2 * RATE])) ** 2
        return 10 * np.log10(power[170:191].sum() / power[1070:1091].sum())

    # Four poles at 300 Hz put 180 Hz 18 dB down; the saturation and the ceiling's rounding put a
    # little back (about 15 dB in all). A band edge at 150 Hz would leave it where it was.
    assert fundamental_over_sixth_harmonic(old) - fundamental_over_sixth_harmonic(dry) < -12


def test_trimming_keeps_the_words_and_a_breath_of_silence_either_side():
    t = np.arange(RATE) / RATE
    words = (0.3 * np.sin(2 * np.pi * 200 * t)).astype(np.float32)
    padded = np.concatenate([np.zeros(RATE // 2), words, 1e-4 * np.ones(RATE // 4)]).astype(np.float32)
    trimmed = mq.trim_silence(padded, RATE)
    margin = int(0.05 * RATE)
    assert abs(len(trimmed) - (len(words) + 2 * margin)) <= int(0.01 * RATE)
    start = int(np.argmax(np.abs(trimmed) > 0.01))
    assert abs(start - margin) <= int(0.01 * RATE)
    assert np.array_equal(mq.trim_silence(np.zeros(RATE, np.float32), RATE), np.zeros(RATE, np.float32))


def test_soft_saturation_rounds_the_loud_parts_and_leaves_the_quiet_ones():
    t = np.arange(RATE) / RATE
    loud = mq.saturate(0.9 * np.sin(2 * np.pi * 500 * t))
    spectrum = np.abs(np.fft.rfft(loud))
    third = spectrum[1500] / spectrum[500]  # 1 s of signal: bin k is k Hz
    assert db(third) > -30  # a warm third harmonic where there was none
    assert np.max(np.abs(loud)) <= 0.9 + 1e-9
    # A quiet passage against the same peak passes almost unchanged (just scaled).
    mixed = np.concatenate([np.sin(2 * np.pi * 500 * t), 0.01 * np.sin(2 * np.pi * 500 * t)])
    quiet = mq.saturate(mixed)[RATE:]
    ratio = quiet / np.where(np.abs(mixed[RATE:]) > 1e-4, mixed[RATE:], np.nan)
    assert np.nanstd(ratio) < 1e-3 * np.nanmean(ratio)


def test_wow_and_flutter_wander_the_pitch_by_a_fraction_of_a_percent():
    t = np.arange(4 * RATE) / RATE
    tone = np.sin(2 * np.pi * 1000 * t)
    wobbly = mq.wow_flutter(tone, RATE, np.random.default_rng(3))

    # The pitch in 50 ms windows, from the upward zero crossings (interpolated between samples).
    def pitches(x: np.ndarray) -> np.ndarray:
        up = np.nonzero((x[:-1] < 0) & (x[1:] >= 0))[0]
        cross = up + x[up] / (x[up] - x[up + 1])
        window = int(0.05 * RATE)
        out = []
        for start in range(0, len(x) - window, window):
            c = cross[(cross >= start) & (cross < start + window)]
            out.append((len(c) - 1) / (c[-1] - c[0]) * RATE)
        return np.array(out)

    steady, wandering = pitches(tone), pitches(wobbly)
    assert np.ptp(steady) < 0.5
    assert 1.0 < np.ptp(wandering) < 10.0  # Hz around 1 kHz: audible wow, not a pitch bend


def test_the_record_crackles_and_hisses_before_the_words_and_the_voice_sits_under_the_music():
    old = mq.old_recording(voice_like(), RATE, seed=2)
    lead_in = old[int(0.02 * RATE) : int(0.3 * RATE)]
    hiss = np.sqrt(np.mean(lead_in**2))
    assert -60 < db(hiss) < -40  # quiet, but there
    assert np.max(np.abs(lead_in)) > 4 * hiss  # clicks stand out of the hiss
    assert abs(db(mq.speech_rms(old, RATE)) - mq.SPEECH_RMS_DB) < 1.0
    assert db(np.max(np.abs(old))) <= mq.PEAK_DB + 0.5
    assert abs(old[0]) < 1e-4 and abs(old[-1]) < 1e-4  # no click at either end


def test_the_same_quote_renders_the_same_file_and_another_one_differs():
    dry = voice_like(1.0)
    a = mq.old_recording(dry, RATE, mq.seed_for("walden"))
    assert np.array_equal(a, mq.old_recording(dry, RATE, mq.seed_for("walden")))
    assert not np.array_equal(a, mq.old_recording(dry, RATE, mq.seed_for("tea")))


@pytest.mark.parametrize("path", sorted((ROOT / "content" / "quotes").glob("*.ogg")), ids=lambda p: p.name)
def test_the_committed_quotes_have_the_treatment(path):
    data, rate = sf.read(path, dtype="float32")
    assert rate == RATE and data.ndim == 1
    assert abs(db(mq.speech_rms(data, rate)) - mq.SPEECH_RMS_DB) < 1.5
    assert db(np.max(np.abs(data))) <= mq.PEAK_DB + 1.0
    # The dry slt voice has about 80% of its energy in its fundamental (150 to 250 Hz) and 0.5% under
    # 150 Hz; the band turns the one well down and takes out the other.
    assert band_share(data, 150, 250) < 0.15
    assert band_share(data, 250, 4000) > 0.85
    assert band_share(data, 0, 150) < 0.001
    assert band_share(data, 5000, rate / 2) < 0.002
