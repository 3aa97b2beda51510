"""The groove, as the page plays it (web_src/js/audio/swing.js, the same code; tests/test_groove_parity.py):
each event's time in integer Tone ticks from its integer sixteenth, swung the MPC way, and a light
seeded humanisation of time and velocity. The constants are theory.json's "groove".

Swing is a percentage: the off-beat eighth falls at `swing` percent of its quarter (50 straight,
66.67 a triplet feel) and the off-beat sixteenths halfway into their swung eighths, where an MPC's
16th swing of the same percentage puts them."""

from __future__ import annotations

import math

from . import theory

GROOVE: dict = theory.THEORY["groove"]
STRAIGHT: float = GROOVE["swing"]["straight"]
MAX_SWING: float = GROOVE["swing"]["max"]
DEFAULT_SWING: float = GROOVE["swing"]["default"]
HUMANISE: dict = GROOVE["humanise"]
MELODY_DB: float = GROOVE["mix"]["melodyDb"]
TONE_PPQ: int = theory.THEORY["time"]["tonePpq"]
SIXTEENTH_TICKS: int = TONE_PPQ // theory.SIXTEENTHS_PER_QUARTER
MASK = 0xFFFFFFFF


def swing_percent(swing) -> float:
    """A swing setting as a percentage in [STRAIGHT, MAX_SWING]; anything under straight is straight."""
    try:
        value = float(swing)
    except (TypeError, ValueError):
        return STRAIGHT
    if not math.isfinite(value) or value <= STRAIGHT:
        return STRAIGHT
    return min(MAX_SWING, value)


def swing_offset_ticks(step: int, swing) -> int:
    """How late, in ticks, an event `step` sixteenths from the start falls: the off-beat eighth by
    (swing - 50)% of a quarter, the off-beat sixteenths by half that, the beats not at all."""
    per_quarter = theory.SIXTEENTHS_PER_QUARTER
    late = (swing_percent(swing) - STRAIGHT) / 100
    within = step % per_quarter
    if within == 0:
        return 0
    ticks = late * TONE_PPQ if within == per_quarter // 2 else late * TONE_PPQ / 2
    return math.floor(ticks + 0.5)


def swung_ticks(step: int, swing) -> int:
    """The event's time in Tone ticks: its place on the grid and its swing."""
    return step * SIXTEENTH_TICKS + swing_offset_ticks(step, swing)


def hash32(numbers) -> int:
    """A 32-bit hash of whole numbers (FNV-1a steps with a murmur finaliser), as swing.js's."""
    h = 2166136261
    for n in numbers:
        h = ((h ^ (n & MASK)) * 16777619) & MASK
        h ^= h >> 13
        h = (h * 0x5BD1E995) & MASK
        h ^= h >> 15
    return h


def seed_of(text: str) -> int:
    return hash32(ord(c) for c in str(text))


def humanise(seed: int, voice: str, step: int) -> dict:
    """{"seconds", "velocity"}: the nudges of the note at `step` of `voice` (a role or a drum lane),
    each within +/- HUMANISE's, the same for the same seed, voice and step."""
    key = [seed & MASK, step & MASK, *(ord(c) for c in str(voice))]

    def unit(salt: int) -> float:
        return hash32([*key, salt]) / 2**32 * 2 - 1

    return {"seconds": unit(0) * HUMANISE["seconds"], "velocity": unit(1) * HUMANISE["velocity"]}


def human_velocity(velocity: float, humanised: dict) -> float:
    return min(1.0, max(0.05, velocity + humanised["velocity"]))
