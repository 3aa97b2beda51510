"""web_src/js/ai/sampling.js in Python: `mulberry32`, `seed_to_uint32`, `derived_rng` and
`sample_index` are line-for-line ports (float64 arithmetic, the same tie-breaks), so that Python
draws the same tokens from the same probabilities as the page."""

from __future__ import annotations

import math
import re


def derived_rng(seed, salt: int):
    """sampling.js's derivedRng: a second stream for the same seed."""
    return mulberry32((seed_to_uint32(seed) ^ _imul(salt, 0x9E3779B9)) & 0xFFFFFFFF)


def mulberry32(seed: int):
    """A generator of floats in [0, 1), the page's PRNG (uint32 arithmetic written out for Python)."""
    state = seed & 0xFFFFFFFF

    def next_float() -> float:
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = _imul(t ^ (t >> 15), t | 1)
        t ^= (t + _imul(t ^ (t >> 7), t | 61)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def seed_to_uint32(seed) -> int:
    """Numbers (and digit strings) wrap to uint32; any other text is hashed with FNV-1a, as the page does."""
    if isinstance(seed, (int, float)) and not isinstance(seed, bool) and math.isfinite(seed):
        return int(seed) & 0xFFFFFFFF  # Math.trunc, then >>> 0
    text = "" if seed is None else str(seed)
    if re.fullmatch(r"-?[0-9]+", text.strip()):
        return int(float(text.strip())) & 0xFFFFFFFF  # Number(text): a float, as in JS
    h = 0x811C9DC5
    for unit in _utf16_units(text):  # charCodeAt: UTF-16 code units
        h = _imul(h ^ unit, 0x01000193)
    return h


def sample_index(logits, temperature: float, top_k: int, top_p: float, rng) -> int:
    """sampling.js's sampleIndex: temperature, top-k and top-p over `logits` (-inf: never drawn).

    Temperature <= 0 takes the argmax without drawing. The candidates are ordered by falling
    probability, ties by index; one draw of `rng` picks among the kept ones.
    """
    n = len(logits)
    values = [float(v) for v in logits]
    if not temperature > 0:
        return _argmax(values)
    top = max(values)
    probs = [math.exp((v - top) / temperature) for v in values]
    order = sorted(range(n), key=lambda i: (-probs[i], i))
    keep = n
    if 0 < top_k < keep:
        keep = int(top_k)
    if 0 < top_p < 1:
        total = 0.0
        for p in probs:
            total += p
        cumulative = 0.0
        for i in range(keep):
            cumulative += probs[order[i]] / total
            if cumulative >= top_p:
                keep = i + 1
                break
    total = 0.0
    for i in range(keep):
        total += probs[order[i]]
    r = rng() * total
    for i in range(keep):
        r -= probs[order[i]]
        if r < 0:
            return order[i]
    return order[keep - 1]  # rounding left a sliver: take the last kept candidate


def _argmax(values) -> int:
    best = 0
    for i in range(1, len(values)):
        if values[i] > values[best]:
            best = i
    return best


def _imul(a: int, b: int) -> int:
    """Math.imul on uint32 inputs, returning the low 32 bits unsigned (JS code then applies >>> 0)."""
    return (a * b) & 0xFFFFFFFF


def _utf16_units(text: str) -> list[int]:
    data = text.encode("utf-16-le", "surrogatepass")
    return [data[i] | (data[i + 1] << 8) for i in range(0, len(data), 2)]
