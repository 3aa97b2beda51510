"""Integrated loudness (ITU-R BS.1770-4, LUFS) of a mono or multichannel signal, for measuring the
page's own renders in the tests (tests/test_swing_browser.py: the melody's stem against the chords'): K-weighting with the published 48 kHz coefficients (other rates
are resampled to 48 kHz through the spectrum first), 400 ms blocks every 100 ms, the absolute gate at
-70 LUFS and the relative gate 10 LU under the ungated level."""

from __future__ import annotations

import numpy as np

RATE = 48000
# The shelf, then the high-pass: (b0 b1 b2), (a1 a2).
K_WEIGHTING = [
    ([1.53512485958697, -2.69169618940638, 1.19839281085285], [-1.69065929318241, 0.73248077421585]),
    ([1.0, -2.0, 1.0], [-1.99004745483398, 0.99007225036621]),
]
SILENCE = -70.0


def _to_48k(x: np.ndarray, rate: int) -> np.ndarray:
    if rate == RATE:
        return x
    n = int(round(len(x) * RATE / rate))
    return np.fft.irfft(np.fft.rfft(x), n) * (n / len(x))


def _k_weighted(x: np.ndarray) -> np.ndarray:
    # Through the biquads' frequency response, with a second of zeros so their tails do not wrap.
    size = 1 << int(np.ceil(np.log2(len(x) + RATE)))
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(size))
    spectrum = np.fft.rfft(x, size)
    for b, a in K_WEIGHTING:
        spectrum *= (b[0] + b[1] * z + b[2] * z**2) / (1 + a[0] * z + a[1] * z**2)
    return np.fft.irfft(spectrum, size)[: len(x)]


def integrated_lufs(channels, rate: int) -> float:
    """LUFS of `channels` (one array, or a list of them); SILENCE for silence or under 400 ms."""
    if isinstance(channels, np.ndarray) and channels.ndim == 1:
        channels = [channels]
    weighted = [_k_weighted(_to_48k(np.asarray(c, dtype=np.float64), rate)) for c in channels]
    size, step = RATE * 4 // 10, RATE // 10
    if not weighted or len(weighted[0]) < size:
        return SILENCE
    starts = range(0, len(weighted[0]) - size + 1, step)
    power = np.array([sum(np.mean(w[s : s + size] ** 2) for w in weighted) for s in starts])
    loud = -0.691 + 10 * np.log10(np.maximum(power, 1e-20))
    gated = power[loud > SILENCE]
    if not len(gated):
        return SILENCE
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    return float(-0.691 + 10 * np.log10(power[(loud > SILENCE) & (loud > relative)].mean()))
