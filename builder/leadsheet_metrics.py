"""What makes a lead sheet sound lo-fi, in numbers: the measures the build reports for the model's
compositions, for the chord-blind baseline's and for the lo-fi collection itself, beside the targets
(ranges measured on lo-fi loops and melodies).

Every measure pools all the pieces given (a share is of all their notes, not a mean of per-piece
shares), and reads the pieces from their tokens (builder/leadsheet.py's `decode`), so a composition
and a corpus piece are measured the same way. Melody measures need no chords but the chord-tone
share; chord measures are for pieces whose chords the model wrote (free mode) and the corpus.
"""

from __future__ import annotations

from . import theory
from .leadsheet import Decoded, decode

MEMORY_N = 8
BEAT = theory.SIXTEENTHS_PER_QUARTER  # an onset off the quarter-note grid is off the beat
RANGE_BARS = 8
# A bar length in sixteenths -> the meter whose strong beats apply (tokens carry no time signature).
METERS = {16: (4, 4), 12: (3, 4), 8: (2, 4)}

# name -> (label, low, high); None: no bound on that side.
MELODY_TARGETS = {
    "notes_per_bar": ("notes per bar", 2.5, 5.0),
    "strong_beat_chord_tones": ("strong-beat chord-tone share", 0.80, 0.95),
    "offbeat_onsets": ("off-beat onsets", 0.3, 0.6),
    "sounding_share": ("sounding share", 0.5, 0.85),
    "range_semitones": ("range over 8 bars (semitones)", 12, 22),
    "steps_within_2": ("steps within 2 semitones", 0.35, 0.7),
}
CHORD_TARGETS = {
    "chord_changes_per_bar": ("chord changes per bar (free mode)", 0.5, 1.5),
    "seventh_chord_share": ("chords with a 7th or more (free mode)", 0.6, None),
}
MEMORY_TARGET = ("memorised runs of 8 melody events", None, 0.25)


def strong_beats(bar_length: int) -> set[int]:
    return set(theory.strong_beats(*METERS.get(bar_length, (bar_length // 4, 4))))


def melody_measures(pieces: list[list[str]]) -> dict[str, float | None]:
    """The six melody measures over token sequences (None where a measure has nothing to count)."""
    bars = notes = offbeat = sounding = total = steps = small_steps = strong = strong_tones = 0
    ranges: list[int] = []
    for tokens in pieces:
        piece = decode(tokens)
        bars += len(piece.bar_lengths)
        total += piece.length
        notes += len(piece.melody)
        sounding += sum(n.length for n in piece.melody)
        starts = piece.bar_starts()
        for note in piece.melody:
            bar_start = max(s for s in starts if s <= note.start) if starts else 0
            position = note.start - bar_start
            offbeat += position % BEAT != 0
            if position in strong_beats(_bar_length_at(piece, bar_start)):
                tones = _chord_tones(piece, note.start)
                if tones is not None:
                    strong += 1
                    strong_tones += note.midi % 12 in tones
        for a, b in zip(piece.melody, piece.melody[1:]):
            steps += 1
            small_steps += abs(b.midi - a.midi) <= 2
        ranges += _ranges(piece)
    return {
        "notes_per_bar": _ratio(notes, bars),
        "strong_beat_chord_tones": _ratio(strong_tones, strong),
        "offbeat_onsets": _ratio(offbeat, notes),
        "sounding_share": _ratio(sounding, total),
        "range_semitones": _ratio(sum(ranges), len(ranges)),
        "steps_within_2": _ratio(small_steps, steps),
    }


def chord_measures(pieces: list[list[str]]) -> dict[str, float | None]:
    """Chord changes per bar (a chord token that differs from the one before; no-chord spans are not
    chords) and the share of those chords with a 7th or more."""
    bars = changes = sevenths = 0
    for tokens in pieces:
        piece = decode(tokens)
        bars += len(piece.bar_lengths)
        previous = None
        for span in piece.chords:
            root, family = theory.parse_chord_token(span.token)
            if span.token != previous and root is not None:
                changes += 1
                sevenths += family in theory.SEVENTH_FAMILIES
            previous = span.token
    return {"chord_changes_per_bar": _ratio(changes, bars), "seventh_chord_share": _ratio(sevenths, changes)}


def melody_events(tokens: list[str]) -> list[str]:
    """The melody as events, one per note, tie or rest with its length ("n67 d4" -> "n67 d4").

    Memorisation is counted in these, not in tokens: a run of 8 tokens here is only about four
    notes (each event is two tokens, and bar lines and chords, which are given or forced, sit
    between them), so the old encoding's "8-grams", eight notes or chords, are eight events."""
    events = []
    for i, token in enumerate(tokens[:-1]):
        if (
            theory.read_token(token)["kind"] in ("note", "tie", "rest")
            and theory.read_token(tokens[i + 1])["kind"] == "length"
        ):
            events.append(f"{token} {tokens[i + 1]}")
    return events


def training_grams(pieces: list[list[str]], n: int = MEMORY_N) -> set[tuple[str, ...]]:
    """Every run of n melody events in the training pieces."""
    grams = set()
    for tokens in pieces:
        events = melody_events(tokens)
        grams.update(tuple(events[i : i + n]) for i in range(len(events) - n + 1))
    return grams


def memorised_share(pieces: list[list[str]], known: set[tuple[str, ...]], n: int = MEMORY_N) -> float | None:
    """The share of the pieces' runs of n melody events found verbatim in the training data."""
    grams = []
    for tokens in pieces:
        events = melody_events(tokens)
        grams.extend(tuple(events[i : i + n]) for i in range(len(events) - n + 1))
    return _ratio(sum(g in known for g in grams), len(grams))


def in_range(value: float | None, low: float | None, high: float | None) -> bool | None:
    if value is None:
        return None
    return (low is None or value >= low) and (high is None or value <= high)


def _bar_length_at(piece: Decoded, bar_start: int) -> int:
    for start, length in zip(piece.bar_starts(), piece.bar_lengths):
        if start == bar_start:
            return length
    return 16


def _chord_tones(piece: Decoded, step: int) -> set[int] | None:
    """The pitch classes of the chord sounding at `step` (its family voicing: 7ths and 9ths count),
    or None when there is no chord."""
    span = piece.chord_at(step)
    if span is None:
        return None
    root, family = theory.parse_chord_token(span.token)
    return None if root is None else set(theory.family_pitch_classes(root, family))


def _ranges(piece: Decoded) -> list[int]:
    """Highest minus lowest note in each whole 8-bar stretch (the whole piece when it is shorter)."""
    starts = piece.bar_starts()
    if not piece.melody:
        return []
    if len(starts) < RANGE_BARS:
        midis = [n.midi for n in piece.melody]
        return [max(midis) - min(midis)]
    out = []
    for first in range(0, len(starts) - RANGE_BARS + 1, RANGE_BARS):
        begin, end = starts[first], starts[first] + sum(piece.bar_lengths[first : first + RANGE_BARS])
        midis = [n.midi for n in piece.melody if begin <= n.start < end]
        if midis:
            out.append(max(midis) - min(midis))
    return out


def _ratio(count: float, whole: float) -> float | None:
    return round(count / whole, 4) if whole else None
