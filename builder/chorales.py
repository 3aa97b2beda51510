"""The chorales' MIDI files read as `LeadSheet`s: the highest part is the melody, and the other parts,
read at every beat, give the chord labels (theory.family_of on their pitch classes; repeated labels
merged)."""

from __future__ import annotations

from pathlib import Path

from . import theory
from .errors import ContentError, Problem
from .leadsheet import ChordSpan, LeadSheet, Note, encode
from .midifile import parse_midi


def read_chorale(path: Path) -> LeadSheet:
    """A chorale's highest part as the melody over beat-level chord labels from its other parts.

    A one-part file (a piano score) is read as its top line over the notes beneath it.
    """
    score = parse_midi(path)
    numerator, denominator = _meter(score)
    bar_length = theory.sixteenths_per_bar(numerator, denominator)
    parts = [_grid_notes(part) for part in score.parts] or [_grid_notes(score)]
    parts = [p for p in parts if p]
    if not parts:
        raise ContentError(Problem(path, "has no pitched notes (a drums-only or empty MIDI file?)"))
    if len(parts) > 1:
        highest = max(parts, key=lambda notes: sum(m for _, _, m in notes) / len(notes))
        melody, below = _skyline(highest), [n for p in parts if p is not highest for n in p]
    else:
        melody = _skyline(parts[0])
        top = {step: note.midi for note in melody for step in range(note.start, note.start + note.length)}
        below = [n for n in parts[0] if top.get(n[0]) != n[2]]
    beat = 6 if denominator == 8 and numerator % 3 == 0 else 4  # compound meters beat in dotted quarters
    # Pickups: MIDI files start at the first note, so the bar lines go where the long notes fall.
    offset = (bar_length - _downbeat_phase(parts, bar_length, beat)) % bar_length
    melody = [Note(n.start + offset, n.length, n.midi) for n in melody]
    below = [(s + offset, length, m) for s, length, m in below]
    end = max([n.start + n.length for n in melody] + [s + length for s, length, _ in below])
    bars = -(-end // bar_length)
    chords = _beat_chords(below, bars * bar_length, beat)
    return LeadSheet(str(path), bar_length, bars, chords, melody, None, (numerator, denominator))


def encode_chorale_file(path: Path) -> list[str]:
    return encode(read_chorale(path), style="chorale")


def _meter(score) -> tuple[int, int]:
    from music21 import meter

    for signature in score.recurse().getElementsByClass(meter.TimeSignature):
        try:
            theory.sixteenths_per_bar(signature.numerator, signature.denominator)
            return signature.numerator, signature.denominator
        except ValueError:
            break
    return 4, 4


def _grid_notes(stream) -> list[tuple[int, int, int]]:
    """(start, length, midi) in sixteenths for every pitch of every note and chord."""
    notes = []
    for element in stream.flatten().notes:
        start = round(float(element.offset) * theory.SIXTEENTHS_PER_QUARTER)
        length = max(1, round(float(element.quarterLength) * theory.SIXTEENTHS_PER_QUARTER))
        for pitch in element.pitches:
            notes.append((start, length, int(pitch.midi)))
    return notes


def _skyline(notes: list[tuple[int, int, int]]) -> list[Note]:
    """The top line: at every sixteenth the highest sounding pitch, a new note where one starts."""
    top: dict[int, tuple[int, int]] = {}  # step -> (midi, note start)
    for start, length, midi in notes:
        for step in range(start, start + length):
            if step not in top or midi > top[step][0]:
                top[step] = (midi, start)
    melody: list[Note] = []
    for step in sorted(top):
        midi, start = top[step]
        last = melody[-1] if melody else None
        if last and last.midi == midi and last.start + last.length == step and start != step:
            last.length += 1
        else:
            melody.append(Note(step, 1, midi))
    return melody


def _downbeat_phase(parts, bar_length: int, beat: int) -> int:
    """Where in the bar grid the first downbeat falls: the beat position at which the most note
    length starts (phrases end on long notes on strong beats)."""
    weight = {phase: 0 for phase in range(0, bar_length, beat)}
    for notes in parts:
        for start, length, _ in notes:
            if start % beat == 0:
                weight[start % bar_length] += length
    return max(weight, key=lambda phase: (weight[phase], -phase))


def _beat_chords(below: list[tuple[int, int, int]], total: int, beat: int) -> list[ChordSpan]:
    """A chord label at every beat from the pitch classes sounding at its start (the lowest as bass);
    a beat where they all rest keeps the label before it; equal labels merge."""
    spans: list[ChordSpan] = []
    for start in range(0, total, beat):
        sounding = [m for s, held, m in below if s <= start < s + held]
        length = min(beat, total - start)
        token = None
        if sounding:
            token = theory.chord_token(*theory.family_of([m % 12 for m in sounding], min(sounding) % 12))
        adjacent = spans and spans[-1].start + spans[-1].length == start
        if adjacent and token in (None, spans[-1].token):
            spans[-1].length += length  # the lower parts rest, or hold the same harmony
        elif token is not None:
            spans.append(ChordSpan(start, length, token))
    return spans
