"""Shared helpers for the one-off content makers in tools/: write small mono OGG/Vorbis files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf


def normalise(data: np.ndarray, peak: float = 0.89) -> np.ndarray:
    top = float(np.max(np.abs(data))) or 1.0
    return (data * (peak / top)).astype(np.float32)


def resample(data: np.ndarray, rate: int, new_rate: int) -> np.ndarray:
    """Linear-interpolation resampling, good enough after the low-pass the sources already have."""
    if rate == new_rate:
        return data
    n = int(round(len(data) * new_rate / rate))
    x = np.linspace(0, len(data) - 1, n)
    if data.ndim == 1:
        return np.interp(x, np.arange(len(data)), data).astype(np.float32)
    return np.stack([np.interp(x, np.arange(len(data)), data[:, c]) for c in range(data.shape[1])], axis=1)


def write_ogg(path: Path, data: np.ndarray, rate: int, compression: float = 0.7) -> int:
    """Writes OGG/Vorbis (compression 0 = best quality, 1 = smallest) and returns the size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, data, rate, format="OGG", subtype="VORBIS", compression_level=compression)
    return path.stat().st_size
