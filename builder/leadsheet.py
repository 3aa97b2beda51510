"""Stage 1 for the "leadsheet" encoding: melody over chords, as tokens.

Two sources become the same `LeadSheet` (chord spans and melody notes on the sixteenth grid):

- the lo-fi lead sheets, content/leadsheets/*.toml, in the songs' format (builder/songs.py reads and
  checks them; the chord part's symbols are read here with builder/theory.py);
- the chorales' MIDI files: the highest part is the melody, and the other parts, read at every beat,
  give the chord labels (theory.family_of on their pitch classes; repeated labels merged).

`encode` then writes the lead-sheet tokens (their spellings and lengths are theory.json's): the piece
moved to C major or A minor (its stated key, else the key estimated from its notes and chords), its
melody by octaves to the middle register, '<s>', its style ('#lofi' or '#chorale'), a bar line
naming the bar's place in its 8-bar phrase ('|1' ... '|8') at every bar, a chord token ('@2:m7', '@NC') at
every chord change, and the melody as event ('n67', '~' a tie, 'r') + length ('d4') pairs that fill
every bar and never cross a bar line or a chord change, then '</s>'.
`decode` reads tokens back into chords and notes, for the measures and for compositions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import theory
from .errors import ContentError, Problem

LEADSHEET_SUFFIX = ".toml"
MELODY_PART = "melody"  # the melody part's name when a lead sheet has several note parts
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


# ---- lead sheets (TOML) ---------------------------------------------------------------------------


def find_leadsheets(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*" + LEADSHEET_SUFFIX) if p.is_file())


def read_leadsheet(path: Path) -> tuple[LeadSheet | None, list[Problem]]:
    """A lead sheet checked by the song reader; every chord symbol theory cannot read is a problem
    naming its bar."""
    from .songs import encode_song

    song, problems = encode_song(path)
    if song is None:
        return None, problems
    per_bar = theory.sixteenths_per_bar(*song["timeSignature"])
    chord_parts = [p for p in song["parts"] if any("symbol" in e for e in p["events"])]
    note_parts = [p for p in song["parts"] if p not in chord_parts]
    melody_part = next((p for p in note_parts if p["name"] == MELODY_PART), note_parts[0] if note_parts else None)
    if len(chord_parts) != 1 or melody_part is None:
        return None, [
            Problem(
                path,
                "a lead sheet needs one part with 'chords' and a melody part with 'notes' "
                f"(named '{MELODY_PART}' when there are several)",
            )
        ]
    chords = []
    for event in chord_parts[0]["events"]:
        start = theory.transport_to_sixteenths(event["time"], per_bar)
        chord = theory.parse_chord_symbol(event["symbol"])
        if chord is None:
            problems.append(
                Problem(
                    path,
                    f"unknown chord symbol '{event['symbol']}'",
                    f"part '{chord_parts[0]['name']}', {theory.describe_position(start, per_bar)}",
                )
            )
            continue
        length = theory.transport_to_sixteenths(event["duration"], per_bar)
        chords.append(ChordSpan(start, length, theory.chord_token(chord.root, chord.family), event["symbol"]))
    melody = []
    for event in melody_part["events"]:
        midi = theory.note_name_to_midi(event["notes"][-1])  # the top note, should a melody hold a chord
        start = theory.transport_to_sixteenths(event["time"], per_bar)
        melody.append(Note(start, theory.transport_to_sixteenths(event["duration"], per_bar), midi))
    key = theory.parse_key_name(song["key"]) if song["key"] else None
    if problems:
        return None, problems
    return LeadSheet(str(path), per_bar, song["bars"], chords, melody, key, tuple(song["timeSignature"])), []


def encode_leadsheet_file(path: Path) -> list[str]:
    sheet, problems = read_leadsheet(path)
    if problems:
        raise ContentError(problems)
    return encode(sheet, style="lofi")


# ---- chorales (MIDI) ----------------------------------------------------------------------------


def read_chorale(path: Path) -> LeadSheet:
    """A chorale's highest part as the melody over beat-level chord labels from its other parts.

    A one-part file (a piano score) is read as its top line over the notes beneath it.
    """
    from .corpus import parse_midi

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


# ---- the whole lead-sheet corpus ----------------------------------------------------------------


def theory_digest() -> str:
    """The tokens depend on theory.json (families, lengths, register): its digest keys caches and models."""
    return hashlib.sha256(theory.THEORY_PATH.read_bytes()).hexdigest()


def fingerprint_leadsheets(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in find_leadsheets(folder):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_leadsheets(folder: Path, cache: Path | None = None) -> list[tuple[str, list[str]]]:
    """(name, tokens) for every lead sheet in `folder`; raise ContentError listing every problem.

    Each file's tokens are kept in `cache` by the digest of its bytes and of theory.json (the song
    reader takes a few tenths of a second a file)."""
    from .corpus import cache_version

    files = find_leadsheets(folder)
    version = cache_version("leadsheet")
    try:
        known = json.loads(cache.read_text()) if cache else {}
    except (OSError, ValueError, RecursionError):
        known = {}
    if not isinstance(known, dict) or known.get("theory") != version or not isinstance(known.get("files"), dict):
        known = {}  # a damaged cache only costs a parse, never the build
    known_files = known.get("files", {})
    pieces, problems, kept = [], [], {}
    for path in files:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest not in known_files:
            sheet, found = read_leadsheet(path)
            if found:
                problems.extend(found)
                continue
            known_files[digest] = encode(sheet, style="lofi")
        kept[digest] = known_files[digest]
        pieces.append((path.name, known_files[digest]))
    if cache is not None:
        from .corpus import write_whole

        write_whole(cache, json.dumps({"theory": version, "files": kept}))  # a stop mid-write leaves the old one
    if problems:
        raise ContentError(problems)
    return pieces


def load_leadsheet_corpus(midi_dir: Path, leadsheets_dir: Path, progress: bool = True, cache: Path | None = None):
    """The chorales under `midi_dir` (read in parallel, cached in `cache`) and the lo-fi lead sheets
    in `leadsheets_dir` (cached beside it) as one Corpus; raise ContentError listing every problem."""
    from .corpus import Corpus, Piece, find_midi_files, load_corpus

    corpus, problems, sheets = Corpus(), [], []
    if find_midi_files(midi_dir):
        try:
            corpus = load_corpus(midi_dir, "leadsheet", progress=progress, cache=cache)
        except ContentError as error:
            problems.extend(error.problems)
    try:
        sheets = load_leadsheets(leadsheets_dir, cache.with_name("leadsheet-tokens-cache.json") if cache else None)
    except ContentError as error:
        problems.extend(error.problems)
    if problems:
        raise ContentError(problems)
    if not corpus.pieces and not sheets:
        raise ContentError(
            Problem(leadsheets_dir, f"nothing to train on: no lead sheets here and no MIDI files in {midi_dir}")
        )
    corpus.pieces += [Piece(f"{leadsheets_dir.name}/{name}", tokens, lofi=True) for name, tokens in sheets]
    return corpus


def transpose_token(token: str, semitones: int) -> str:
    """A lead-sheet token `semitones` higher: notes and chord roots move, everything else stays."""
    kind = theory.read_token(token)
    if kind is None:
        return token
    if kind["kind"] == "note":
        return theory.note_token(kind["midi"] + semitones)
    if kind["kind"] == "chord":
        return transpose_chord_token(token, semitones)
    return token


def transposed_piece(tokens: list[str], semitones: int) -> list[str]:
    """A whole piece moved by `semitones` (notes and chord roots), its melody then moved by octaves
    back to the middle register and folded into range, as every encoded piece is."""
    moved = [transpose_token(t, semitones) for t in tokens]
    midis = [kind["midi"] for kind in map(theory.read_token, moved) if kind and kind["kind"] == "note"]
    octaves = register_shift(midis)
    out = []
    for token in moved:
        kind = theory.read_token(token)
        out.append(theory.note_token(fold(kind["midi"] + octaves)) if kind and kind["kind"] == "note" else token)
    return out


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


def strip_chords(tokens: list[str]) -> list[str]:
    """The same piece without its chord tokens: what the chord-blind baseline learns from."""
    return [t for t in tokens if (theory.read_token(t) or {}).get("kind") != "chord"]
