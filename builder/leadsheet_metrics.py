"""What makes a lead sheet sound lo-fi, in numbers: the measures the build reports for the model's
compositions, for the chord-blind baseline's and for the lo-fi collection itself, beside the targets
(ranges measured on lo-fi loops and melodies).

Every measure pools all the pieces given (a share is of all their notes, not a mean of per-piece
shares), and reads the pieces from their tokens (builder/leadsheet.py's `decode`), so a composition
and a corpus piece are measured the same way. Melody measures need no chords but the chord-tone
share; chord measures are for pieces whose chords the model wrote (free mode) and the corpus.

Phrase measures (landing, rhythm return), the chorale-like test and copied runs read tokens too. The
measures of what is heard (clashes, the melody against the voicing, its median) read a piece as it
sounds (`Heard`): a composition as compose() gives it, in the listener's key with its chords' voicings,
or a corpus piece from its tokens, in C major / A minor.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

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
PHRASE_TARGETS = {
    "phrase_end_landing": ("phrase ends that land (bars 4, 8, 12, 16)", 0.7, None),
    "inner_bar_landing": ("other bars that land", None, 0.5),
    "bar_rhythm_return": ("bars with the rhythm of one of the 3 before", 0.3, None),
}
CLASH_TARGETS = {
    "clashes_nondiatonic": ("clashes over chords outside the key", None, 0.05),
    "clashes_diatonic": ("clashes over chords in the key", None, None),
}
REGISTER_TARGETS = {
    "under_voicing_top": ("melody notes at or under the voicing's top", None, 0.10),
    "under_voicing_top_worst": ("  the worst piece's share", None, 0.30),
    "melody_median_lowest_key": ("melody median (MIDI), the lowest key's", 69, 76),
    "melody_median_highest_key": ("melody median (MIDI), the highest key's", 69, 76),
}
COPY_TARGET = ("longest run of melody events copied from one lead sheet", None, 12)
CHORALE_TARGET = ("chorale-like free pieces", None, 0)

# Where a phrase should land and what landing is: the sampler's shaping constants (theory.json), so
# that what the sampler prefers and what the report measures are one definition.
_SHAPING = theory.LEADSHEET["shaping"]
LANDING_PLACES = tuple(_SHAPING["landingPlaces"])  # places in the phrase: bars 4, 8, 12, 16
LANDING_LONG = _SHAPING["landSixteenths"]  # a note this long lands by itself (a half note)
LANDING_NOTE = LANDING_REST = _SHAPING["quarterSixteenths"]  # or a note this long, then a rest this long
RHYTHM_LOOKBACK = 3  # bars before a bar whose onset rhythm it may repeat
CLASH_LONG = 4  # a note this long is heard as a clash wherever it starts
MAJOR_SCALE = tuple(theory.THEORY["keys"]["scales"]["major"])
MINOR_SCALE = tuple(theory.THEORY["keys"]["scales"]["minor"])  # natural minor and the raised 7th of its V7


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
        piece_changes, piece_sevenths = _chord_counts(piece)
        changes += piece_changes
        sevenths += piece_sevenths
    return {"chord_changes_per_bar": _ratio(changes, bars), "seventh_chord_share": _ratio(sevenths, changes)}


def _chord_counts(piece: Decoded) -> tuple[int, int]:
    """(chord changes, those with a 7th or more) of one piece."""
    changes = sevenths = 0
    previous = None
    for span in piece.chords:
        root, family = theory.parse_chord_token(span.token)
        if span.token != previous and root is not None:
            changes += 1
            sevenths += family in theory.SEVENTH_FAMILIES
        previous = span.token
    return changes, sevenths


# ---- phrases ------------------------------------------------------------------------------------


def phrase_measures(pieces: list[list[str]]) -> dict[str, float | None]:
    """Landing at phrase ends (LANDING_PLACES of each phrase: bars 4, 8, 12, 16) and in the other bars
    (`bar_landings`), and the
    share of bars (after the first, with an onset) whose onset rhythm is that of one of the
    RHYTHM_LOOKBACK bars before it: a motif's rhythm coming back."""
    ends = ends_landing = inner = inner_landing = bars = returns = 0
    for tokens in pieces:
        piece = decode(tokens)
        for number, lands in enumerate(bar_landings(piece), start=1):
            if (number - 1) % theory.PHRASE_BARS + 1 in LANDING_PLACES:
                ends += 1
                ends_landing += lands
            else:
                inner += 1
                inner_landing += lands
        rhythms = bar_rhythms(piece)
        for i, rhythm in enumerate(rhythms):
            if i and rhythm[1]:
                bars += 1
                returns += rhythm in rhythms[max(0, i - RHYTHM_LOOKBACK) : i]
    return {
        "phrase_end_landing": _ratio(ends_landing, ends),
        "inner_bar_landing": _ratio(inner_landing, inner),
        "bar_rhythm_return": _ratio(returns, bars),
    }


def bar_landings(piece: Decoded) -> list[bool]:
    """For each bar, whether the melody lands in it: a note begun there sounds LANDING_LONG sixteenths
    or more within the bar (ties included), or LANDING_NOTE or more followed by LANDING_REST or more
    of silence within the bar."""
    notes = piece.melody
    starts = piece.bar_starts()
    lands = [False] * len(starts)
    for i, note in enumerate(notes):
        bar = _bar_index(piece, note.start)
        bar_end = starts[bar] + piece.bar_lengths[bar]
        end = min(note.start + note.length, bar_end)
        following = min(notes[i + 1].start if i + 1 < len(notes) else bar_end, bar_end)
        held, rest = end - note.start, following - end
        if held >= LANDING_LONG or (held >= LANDING_NOTE and rest >= LANDING_REST):
            lands[bar] = True
    return lands


def bar_rhythms(piece: Decoded) -> list[tuple[int, tuple[int, ...]]]:
    """For each bar, its length and the onsets of its notes from the bar's start (ties are no onsets)."""
    starts = piece.bar_starts()
    onsets: list[list[int]] = [[] for _ in starts]
    for note in piece.melody:
        bar = _bar_index(piece, note.start)
        onsets[bar].append(note.start - starts[bar])
    return [(length, tuple(o)) for length, o in zip(piece.bar_lengths, onsets)]


def _bar_index(piece: Decoded, step: int) -> int:
    starts = piece.bar_starts()
    return max((i for i, start in enumerate(starts) if start <= step), default=0)


# ---- chorale-like -------------------------------------------------------------------------------

CHORALE_SOUNDING = 0.8
CHORALE_ON_BEAT_QUARTERS = 0.4
CHORALE_SEVENTHS = 0.5


def chorale_like(tokens: list[str]) -> bool:
    """Whether a piece reads as one of the training corpus's chorales rather than a lo-fi lead sheet:
    its melody sounds CHORALE_SOUNDING of the time or more (no breaths) with CHORALE_ON_BEAT_QUARTERS
    or more of its notes on a beat and whole quarters long, or fewer than CHORALE_SEVENTHS of its
    chords have a 7th (plain triads, sus and augmented chords).

    Checked on the corpus (368 chorales, 66 lo-fi lead sheets, their tokens as encoded): the melody
    sounds 84-100% of a chorale (median 94%) and 62-75% of a lead sheet (median 70%); 26-100% of a
    chorale's notes are whole quarters on the beat (median 82%) and 6-45% of a lead sheet's (median
    21%); 0-25% of a chorale's chords have a 7th and 75-100% of a lead sheet's. The melody rule alone
    takes 365 chorales and no lead sheet, the chord rule alone all 368 and no lead sheet; together:
    368 of 368 chorales, 0 of 66 lead sheets."""
    piece = decode(tokens)
    changes, sevenths = _chord_counts(piece)
    if changes and sevenths / changes < CHORALE_SEVENTHS:
        return True
    if not piece.melody or not piece.length:
        return False
    starts = piece.bar_starts()
    quarters = sum(
        (note.start - starts[_bar_index(piece, note.start)]) % BEAT == 0 and note.length % BEAT == 0
        for note in piece.melody
    )
    sounding = sum(note.length for note in piece.melody) / piece.length
    return sounding >= CHORALE_SOUNDING and quarters / len(piece.melody) >= CHORALE_ON_BEAT_QUARTERS


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


def longest_copied_run(pieces: list[list[str]], sources: list[list[str]]) -> int:
    """The longest run of melody events of any of the pieces found, in order and unbroken, in one of
    the sources (the encoded lead sheets): how much of a lead sheet the model copies at most."""
    played = [melody_events(t) for t in pieces]
    known = [melody_events(t) for t in sources]
    low, high = 0, min(max((len(e) for e in played), default=0), max((len(e) for e in known), default=0))
    while low < high:  # a run of n copied holds a run of n - 1: search for the longest
        n = (low + high + 1) // 2
        grams = {tuple(events[i : i + n]) for events in known for i in range(len(events) - n + 1)}
        if any(tuple(events[i : i + n]) in grams for events in played for i in range(len(events) - n + 1)):
            low = n
        else:
            high = n - 1
    return low


def longest_shared_run(pieces: list[list[str]]) -> int:
    """The longest run of melody events that two of the pieces have in common: the copying the
    lead sheets themselves do, beside longest_copied_run's limit."""
    events = [melody_events(t) for t in pieces]
    low, high = 0, max((len(e) for e in events), default=0)
    while low < high:
        n = (low + high + 1) // 2
        owner: dict[tuple[str, ...], int] = {}
        shared = False
        for index, piece in enumerate(events):
            for i in range(len(piece) - n + 1):
                shared = owner.setdefault(tuple(piece[i : i + n]), index) != index
                if shared:
                    break
            if shared:
                break
        low, high = (n, high) if shared else (low, n - 1)
    return low


# ---- as heard: clashes and register -------------------------------------------------------------


@dataclass
class HeardChord:
    start: int
    length: int
    voicing: tuple[int, ...]  # MIDI numbers, the bass first (theory.voice_chord)
    pitch_classes: frozenset[int]  # the chord's tones as written (Ab13's, not the token it was told as)


@dataclass
class Heard:
    """A piece as it sounds: the melody (start, length, MIDI) and the voiced chords, in its key."""

    key: tuple[int, str]
    bar_lengths: list[int]
    melody: list[tuple[int, int, int]]
    chords: list[HeardChord]

    def chord_at(self, step: int) -> HeardChord | None:
        for chord in self.chords:
            if chord.start <= step < chord.start + chord.length:
                return chord
        return None

    def position_in_bar(self, step: int) -> tuple[int, int]:
        """(sixteenths from the start of the bar holding `step`, that bar's length)."""
        at = 0
        for length in self.bar_lengths:
            if step < at + length:
                return step - at, length
            at += length
        return step - at, 16


def heard_composition(piece: dict, key: str | None = None) -> Heard:
    """A composition as compose() returns it, in the listener's key: its melody, its chords as written
    and voiced; `key` (the key its progression was written in) overrides the composer's estimate."""
    melody = [(n["step"], n["length"], n["midi"]) for n in piece["melody"]]
    chords = []
    for chord in piece["chords"]:
        value = theory.parse_chord_symbol(chord["symbol"])
        if value is None or value.root is None or not chord.get("midis"):
            continue
        voicing = tuple(chord["midis"])
        chords.append(
            HeardChord(
                chord["step"], chord["length"], voicing, frozenset(value.pitch_classes) | {m % 12 for m in voicing}
            )
        )
    named = theory.parse_key_name(key or piece["key"]) or (0, "major")
    return Heard(named, decode(piece["tokens"]).bar_lengths, melody, chords)


def heard_tokens(tokens: list[str]) -> Heard:
    """A piece read from its tokens (a lead sheet of the corpus): in C major or A minor, whichever its
    notes and chords fit better, its chords in their family's voicing."""
    piece = decode(tokens)
    weights = [0.0] * 12
    chords = []
    for span in piece.chords:
        root, family = theory.parse_chord_token(span.token)
        if root is None:
            continue
        value = theory.family_chord(root, family)
        voicing = tuple(theory.voice_chord(value))
        chords.append(HeardChord(span.start, span.length, voicing, frozenset(value.pitch_classes)))
        for pc in value.pitch_classes:
            weights[pc] += span.length
    for note in piece.melody:
        weights[note.midi % 12] += note.length
    scores = {(tonic, mode): score for tonic, mode, score in theory.key_scores(weights)}
    key = max([(0, "major"), (9, "minor")], key=lambda k: scores[k])
    return Heard(key, piece.bar_lengths, [(n.start, n.length, n.midi) for n in piece.melody], chords)


def diatonic_pitch_classes(key: tuple[int, str]) -> frozenset[int]:
    return frozenset(theory.key_pitch_classes(*key))


def clashes(midi: int, chord: HeardChord) -> bool:
    """A melody note that is no tone of the chord and sits a semitone (or a minor 9th) above a pitch class
    of its voicing: the rub the ear hears as a wrong note (the sampler's shaping avoids the same)."""
    return midi % 12 not in chord.pitch_classes and any((midi - v) % 12 == 1 for v in chord.voicing)


def clash_measures(pieces: list[Heard]) -> dict[str, float | None]:
    """Of the melody notes on a strong beat or CLASH_LONG sixteenths long and over a chord, the share that
    clash (`clashes`), over chords with a tone outside the piece's key (MAJOR_SCALE, MINOR_SCALE) and
    over chords inside it."""
    counts = {True: [0, 0], False: [0, 0]}  # chord in the key -> [clashes, notes]
    for piece in pieces:
        scale = diatonic_pitch_classes(piece.key)
        for start, length, midi in piece.melody:
            position, bar_length = piece.position_in_bar(start)
            chord = piece.chord_at(start)
            if chord is None or (length < CLASH_LONG and position not in strong_beats(bar_length)):
                continue
            count = counts[chord.pitch_classes <= scale]
            count[0] += clashes(midi, chord)
            count[1] += 1
    return {
        "clashes_nondiatonic": _ratio(*counts[False]),
        "clashes_diatonic": _ratio(*counts[True]),
    }


def register_measures(pieces: list[Heard]) -> dict[str, float | None]:
    """Of the melody notes over a chord, the share at or under the top note of its voicing, pooled and
    in the piece where it is highest."""
    under = counted = 0
    worst: float | None = None
    for piece in pieces:
        piece_under = piece_counted = 0
        for start, _, midi in piece.melody:
            chord = piece.chord_at(start)
            if chord is not None:
                piece_counted += 1
                piece_under += midi <= max(chord.voicing)
        under += piece_under
        counted += piece_counted
        if piece_counted:
            worst = max(worst or 0.0, piece_under / piece_counted)
    return {
        "under_voicing_top": _ratio(under, counted),
        "under_voicing_top_worst": None if worst is None else round(worst, 4),
    }


def melody_medians(pieces: list[Heard]) -> dict[str, float]:
    """Key name -> the median MIDI number of the melodies in that key (their notes pooled)."""
    by_key: dict[str, list[int]] = {}
    for piece in pieces:
        by_key.setdefault(theory.key_name(*piece.key), []).extend(midi for _, _, midi in piece.melody)
    return {key: float(statistics.median(midis)) for key, midis in by_key.items() if midis}


def melody_median(pieces: list[Heard]) -> float | None:
    midis = [midi for piece in pieces for _, _, midi in piece.melody]
    return float(statistics.median(midis)) if midis else None


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
