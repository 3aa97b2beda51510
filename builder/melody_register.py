"""The composed melody's register: folded by octaves above the chords as voiced (theory.json's
melodyRegister), as the page's ai/piece.js folds it while the notes stream in."""

from __future__ import annotations

import math

from . import theory


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def register_octave(notes: list[dict], top) -> int:
    """The octave, in semitones, to move a melody by, decided from its first bar's notes
    ([{step, midi}]): of the two octaves that put their median either side of theory.json's
    melodyRegister median, the one whose bar, lifted over the voicing (`top(step)`: its top, None
    under N.C.), has its median nearest it (ties: the lower, which keeps the melody nearer the
    chords)."""
    target = theory.THEORY["melodyRegister"]["median"]
    below = 12 * math.floor((target - _median([n["midi"] for n in notes])) / 12)
    ceiling = theory.THEORY["melodyRegister"]["ceiling"]
    distance = [abs(_median(_lifted_bar(notes, octave, top, ceiling)) - target) for octave in (below, below + 12)]
    return below if distance[0] <= distance[1] else below + 12


def melody_in_register(melody: list[dict], chords: list[dict], bar_length: int) -> list[dict]:
    """The melody ([{step, length, midi}], moved back to the listener's key) folded by octaves above
    the chords ([{step, length, midis}], as voiced): theory.json's melodyRegister. The page's
    ai/piece.js folds it the same way as the notes stream in, deciding at each bar line."""
    ceiling = theory.THEORY["melodyRegister"]["ceiling"]

    def top(step: int) -> int | None:
        sounding = [c for c in chords if c["step"] <= step < c["step"] + c["length"] and c["midis"]]
        return max(sounding[-1]["midis"]) if sounding else None

    if not melody:
        return []
    # The octave is decided at the end of the first bar with notes, from that bar's notes.
    first_bar_end = (melody[0]["step"] // bar_length + 1) * bar_length
    octave = register_octave([n for n in melody if n["step"] < first_bar_end], top)
    bars = melody[-1]["step"] // bar_length + 1
    out = []
    for bar in range(bars):
        notes = [n for n in melody if bar * bar_length <= n["step"] < (bar + 1) * bar_length]
        out += [{**n, "midi": m} for n, m in zip(notes, _lifted_bar(notes, octave, top, ceiling))]
    return out


def _lifted_bar(notes: list[dict], octave: int, top, ceiling: int) -> list[int]:
    """One bar's notes moved by `octave`, then up an octave as a whole where one sits at or under
    the voicing's top (its highest note kept within `ceiling`), then note by note; a note over
    `ceiling` goes down by octaves while it stays over the voicing."""
    midis = [n["midi"] + octave for n in notes]
    tops = [top(n["step"]) for n in notes]
    under = any(t is not None and m <= t for m, t in zip(midis, tops))
    if under and max(midis) + 12 <= ceiling:
        midis = [m + 12 for m in midis]
    for i, t in enumerate(tops):
        while t is not None and midis[i] <= t and midis[i] + 12 <= ceiling:
            midis[i] += 12
        while midis[i] > ceiling and (t is None or midis[i] - 12 > t):
            midis[i] -= 12
    return midis
