"""A WAV download sounds finished: about -14 LUFS integrated (streaming loudness), peaks under
-1 dBFS, and a fade to silence at the end. Measured here in Python with BS.1770's published 48 kHz
K-weighting, independently of the page's own meter (web_src/js/keep/loudness.js)."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest

from .browser import open_lofi

# ITU-R BS.1770-4's K-weighting at 48 kHz: the shelf, then the high-pass (b0 b1 b2, a1 a2).
K_WEIGHTING_48K = [
    ([1.53512485958697, -2.69169618940638, 1.19839281085285], [-1.69065929318241, 0.73248077421585]),
    ([1.0, -2.0, 1.0], [-1.99004745483398, 0.99007225036621]),
]


def to_48k(x: np.ndarray, rate: int) -> np.ndarray:
    """Band-limited resampling through the spectrum (the published coefficients are for 48 kHz)."""
    if rate == 48000:
        return x
    n = int(round(len(x) * 48000 / rate))
    return np.fft.irfft(np.fft.rfft(x), n) * (n / len(x))


def k_weighted(x: np.ndarray) -> np.ndarray:
    """The two biquads applied through their frequency response, with a second of zero tail so
    their (quickly decaying) impulse responses do not wrap around."""
    size = 1 << int(np.ceil(np.log2(len(x) + 48000)))
    z = np.exp(-2j * np.pi * np.fft.rfftfreq(size))
    spectrum = np.fft.rfft(x, size)
    for b, a in K_WEIGHTING_48K:
        spectrum *= (b[0] + b[1] * z + b[2] * z**2) / (1 + a[0] * z + a[1] * z**2)
    return np.fft.irfft(spectrum, size)[: len(x)]


def integrated_lufs(channels: list[np.ndarray], rate: int) -> float:
    weighted = [k_weighted(to_48k(np.asarray(c, dtype=np.float64), rate)) for c in channels]
    size, step = 19200, 4800  # 400 ms blocks every 100 ms at 48 kHz
    starts = range(0, len(weighted[0]) - size + 1, step)
    power = np.array([sum(np.mean(w[s : s + size] ** 2) for w in weighted) for s in starts])
    loud = -0.691 + 10 * np.log10(np.maximum(power, 1e-20))
    gated = power[loud > -70]
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    return float(-0.691 + 10 * np.log10(power[(loud > -70) & (loud > relative)].mean()))


def sine(dbfs: float, seconds: float, rate: int) -> np.ndarray:
    return 10 ** (dbfs / 20) * np.sin(2 * np.pi * 1000 * np.arange(int(seconds * rate)) / rate)


def test_the_reference_meter_reads_the_bs1770_facts():
    # A 1 kHz sine at -20 dBFS in one channel is -23.0 LUFS; EBU Tech 3341 case 3 (stereo -36, -23,
    # -36 dBFS for 10, 60, 10 s) is -23.0 LUFS, gating and all.
    assert integrated_lufs([sine(-20, 5, 44100)], 44100) == pytest.approx(-23.0, abs=0.05)
    case3 = np.concatenate([sine(-36, 10, 48000), sine(-23, 60, 48000), sine(-36, 10, 48000)])
    assert integrated_lufs([case3, case3], 48000) == pytest.approx(-23.0, abs=0.1)


def read_wav(data: bytes) -> tuple[list[np.ndarray], int]:
    with wave.open(io.BytesIO(data)) as wav:
        assert wav.getsampwidth() == 2
        frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float64) / 32768
        channels = wav.getnchannels()
        return [frames[c::channels] for c in range(channels)], wav.getframerate()


@pytest.mark.browser
def test_a_downloaded_wav_is_at_streaming_loudness_under_the_ceiling_and_fades_out(browser, media_site_url, tmp_path):
    context = browser.new_context(accept_downloads=True)
    try:
        page, watch = open_lofi(context, media_site_url)
        with page.expect_download(timeout=180000) as download:
            result = page.evaluate("() => window.lofi.downloadWav({song: 'first-light', drums: 'boom-bap', bpm: 180})")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        channels, rate = read_wav(saved.read_bytes())
        seconds = len(channels[0]) / rate
        assert seconds > 5, result
        lufs = integrated_lufs(channels, rate)
        assert lufs == pytest.approx(-14, abs=1), f"{lufs:.2f} LUFS"
        peak = max(float(np.max(np.abs(c))) for c in channels)
        assert 20 * np.log10(peak) <= -0.9, f"sample peak {20 * np.log10(peak):.2f} dBFS"

        # The fade: the last 20 ms are near silence, far under the music a second and a half before.
        def rms(start: float, end: float) -> float:
            return float(
                np.sqrt(np.mean(np.concatenate([c[int(start * rate) : int(end * rate)] for c in channels]) ** 2))
            )

        assert rms(seconds - 0.02, seconds) < 1e-3
        assert rms(seconds - 0.5, seconds) < 0.5 * rms(seconds - 2.5, seconds - 1.5)
        assert not watch.errors
    finally:
        context.close()
