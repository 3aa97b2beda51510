"""The lead-sheet tokens ("leadsheet" encoding): a melody over chords, written and read back.

A `LeadSheet` (chord spans and melody notes on the sixteenth grid) comes from a lo-fi lead sheet
(builder/leadsheet_files.py) or a chorale's MIDI file (builder/chorales.py). `encode` writes its
tokens (their spellings and lengths are theory.json's): the piece moved to C major or A minor (its
stated key, else the key estimated from its notes and chords), its melody by octaves to the middle
register, '<s>', its style ('#lofi' or '#chorale'), a bar line naming the bar's place in its 8-bar
phrase ('|1' ... '|8') at every bar, a chord token ('@2:m7', '@NC') at every chord change, and the
melody as event ('n67', '~' a tie, 'r') + length ('d4') pairs that fill every bar and never cross a
bar line or a chord change, then '</s>'.
`decode` reads tokens back into chords and notes, for the measures and for compositions.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from . import theory

_REGISTER = theory.LEADSHEET["register"]


@dataclass
class ChordSpan:
    start: int  # sixteenths from the piece's start
    length: int
    token: str  # '@2:m7', '@NC'
    symbol: str = ""  # as written, when read from a lead sheet


@dataclass
class Note:
    start: int
    length: int
    midi: int


@dataclass
class LeadSheet:
    name: str  # where it came from, for messages
    bar_length: int  # sixteenths
    bars: int
    chords: list[ChordSpan]  # in time order, not overlapping; no span: no chord
    melody: list[Note]  # in time order, not overlapping
    key: tuple[int, str] | None = None  # (tonic pitch class, mode); None: estimated from the notes
    meter: tuple[int, int] = (4, 4)


@dataclass
class Decoded:
    """A token sequence read back: every position in sixteenths from the start of the piece."""

    bar_lengths: list[int] = field(default_factory=list)
    chords: list[ChordSpan] = field(default_factory=list)  # spans between changes, '@NC' included
    melody: list[Note] = field(default_factory=list)  # ties merged into the note they continue

    @property
    def length(self) -> int:
        return sum(self.bar_lengths)

    def bar_starts(self) -> list[int]:
        starts, at = [], 0
        for length in self.bar_lengths:
            starts.append(at)
            at += length
        return starts

    def chord_at(self, step: int) -> ChordSpan | None:
        for span in self.chords:
            if span.start <= step < span.start + span.length:
                return span
        return None


# ---- encoding -----------------------------------------------------------------------------------


def key_shift(sheet: LeadSheet) -> int:
    """Semitones (-6..5) that move the piece to C major or A minor: its stated key, else the key of its
    notes and chords (duration-weighted pitch classes)."""
    key = sheet.key or theory.estimate_key(pitch_class_weights(sheet))
    return theory.key_shift_to_c(*key)


def pitch_class_weights(sheet: LeadSheet) -> list[float]:
    weights = [0.0] * 12
    for note in sheet.melody:
        weights[note.midi % 12] += note.length
    for span in sheet.chords:
        chord = theory.parse_chord_token(span.token)
        if chord and chord[0] is not None:
            for pc in theory.family_pitch_classes(*chord):
                weights[pc] += span.length
    return weights


def register_shift(midis: list[int]) -> int:
    """Octaves (as semitones) that bring the median melody note into the middle register."""
    if not midis:
        return 0
    ordered = sorted(midis)
    middle = len(ordered) // 2
    median = ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    shift = 0
    while median + shift < _REGISTER["medianLow"]:
        shift += 12
    while median + shift > _REGISTER["medianHigh"]:
        shift -= 12
    return shift


def fold(midi: int) -> int:
    """A note outside the melody's range moved by octaves into it."""
    while midi < _REGISTER["low"]:
        midi += 12
    while midi > _REGISTER["high"]:
        midi -= 12
    return midi


def transpose_chord_token(token: str, semitones: int) -> str:
    root, family = theory.parse_chord_token(token)
    return token if root is None else theory.chord_token((root + semitones) % 12, family)


def normalised(sheet: LeadSheet) -> LeadSheet:
    """The piece in C major / A minor, its melody in the middle register."""
    shift = key_shift(sheet)
    moved = [n.midi + shift for n in sheet.melody]
    octaves = register_shift(moved)
    melody = [Note(n.start, n.length, fold(m + octaves)) for n, m in zip(sheet.melody, moved)]
    chords = [ChordSpan(c.start, c.length, transpose_chord_token(c.token, shift), c.symbol) for c in sheet.chords]
    return LeadSheet(sheet.name, sheet.bar_length, sheet.bars, chords, melody, sheet.key, sheet.meter)


def encode(sheet: LeadSheet, normalise: bool = True, style: str | None = None) -> list[str]:
    """The piece's tokens, from '<s>' (then its style token, when `style` names one: 'lofi', 'chorale')
    to '</s>'; each bar opens with the bar line of its place in the phrase ('|1' ... '|8')."""
    if normalise:
        sheet = normalised(sheet)
    total = sheet.bars * sheet.bar_length
    changes = chord_changes(sheet.chords, total)
    # The melody on the grid: at each sixteenth the sounding note and whether it starts there.
    sounding: list[tuple[int, bool] | None] = [None] * total
    for note in sheet.melody:
        for step in range(max(0, note.start), min(total, note.start + note.length)):
            sounding[step] = (note.midi, step == note.start)

    tokens = [theory.START] + ([theory.STYLE_TOKENS[style]] if style else [])
    for bar in range(sheet.bars):
        tokens.append(theory.bar_token(bar))
        bar_start, bar_end = bar * sheet.bar_length, (bar + 1) * sheet.bar_length
        cuts = sorted({bar_start, bar_end} | {step for step in changes if bar_start < step < bar_end})
        for start, end in zip(cuts, cuts[1:]):
            if start in changes:
                tokens.append(changes[start])
            tokens += _melody_tokens(sounding, start, end)
    tokens.append(theory.END)
    return tokens


def _melody_tokens(sounding: list[tuple[int, bool] | None], start: int, end: int) -> list[str]:
    """The melody between two cuts (bar lines, chord changes): a note sounding at the first step but
    started before it is continued with a tie; every run is split into the allowed lengths."""
    tokens = []
    step = start
    while step < end:
        here = sounding[step]
        run = step + 1
        if here is None:
            while run < end and sounding[run] is None:
                run += 1
            first = following = theory.REST
        else:
            while run < end and sounding[run] == (here[0], False):
                run += 1
            first, following = (theory.note_token(here[0]) if here[1] else theory.TIE), theory.TIE
        for i, length in enumerate(theory.split_length(run - step)):
            tokens += [first if i == 0 else following, theory.length_token(length)]
        step = run
    return tokens


def chord_changes(chords: list[ChordSpan], total: int) -> dict[int, str]:
    """{step: token} where the harmony changes; the piece's first step always has one ('@NC' when it
    starts without a chord), and the gaps between spans are no chord."""
    timeline: list[str] = [theory.NO_CHORD_TOKEN] * total
    for span in chords:
        for step in range(max(0, span.start), min(total, span.start + span.length)):
            timeline[step] = span.token
    changes = {}
    for step, token in enumerate(timeline):
        if step == 0 or token != timeline[step - 1]:
            changes[step] = token
    return changes


# ---- decoding -----------------------------------------------------------------------------------


def decode(tokens: list[str]) -> Decoded:
    """Chords and notes back from tokens (unknown or out-of-place tokens are skipped)."""
    piece = Decoded()
    position, bar_start = 0, None
    chord_token, chord_start = None, 0
    pending_event: str | None = None
    last_note: Note | None = None  # the note a tie continues
    for token in tokens:
        kind = theory.read_token(token)
        if kind is None:
            continue
        if kind["kind"] == "bar":
            if bar_start is not None:
                piece.bar_lengths.append(position - bar_start)
            bar_start = position
        elif kind["kind"] == "chord":
            if chord_token is not None and position > chord_start:  # of two at one moment, the later holds
                piece.chords.append(ChordSpan(chord_start, position - chord_start, chord_token))
            chord_token, chord_start = token, position
        elif kind["kind"] in ("note", "rest", "tie"):
            pending_event = token
        elif kind["kind"] == "length" and pending_event is not None:
            length = kind["sixteenths"]
            event = theory.read_token(pending_event)
            if event["kind"] == "note":
                last_note = Note(position, length, event["midi"])
                piece.melody.append(last_note)
            elif event["kind"] == "tie" and last_note is not None and last_note.start + last_note.length == position:
                last_note.length += length
            else:
                last_note = None
            position += length
            pending_event = None
        elif kind["kind"] == "end":
            break
    if bar_start is not None:
        piece.bar_lengths.append(position - bar_start)
    if chord_token is not None and position > chord_start:
        piece.chords.append(ChordSpan(chord_start, position - chord_start, chord_token))
    return piece


def theory_digest() -> str:
    """The tokens depend on theory.json (families, lengths, register): its digest keys caches and models."""
    return hashlib.sha256(theory.THEORY_PATH.read_bytes()).hexdigest()


def grammar_tokens() -> list[str]:
    """The tokens the composer may have to write whatever the corpus holds: frame, every bar line,
    the style tokens, rest, tie and every length (a length missing from the vocabulary could leave no way to fill a bar)."""
    return [
        theory.START,
        theory.END,
        *theory.bar_tokens(),
        *theory.STYLE_TOKENS.values(),
        theory.REST,
        theory.TIE,
        *(theory.length_token(k) for k in theory.LENGTHS),
    ]
