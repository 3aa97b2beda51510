"""The "timed" encoding, the article's future work done: the score is cut into vertical slices
(music21's chordify), each slice a token plus its length in sixteenths ("0.4.7:4", "E4:2", "r:1";
capped at a whole note), and every piece is framed by "<s>" and "</s>", so the model learns rhythm,
and how pieces begin and end. A note is its pitch name with octave, a chord the dot-joined normal
order of its pitch classes, a rest "r" (the article's spellings).
"""

from __future__ import annotations

from . import theory
from .theory import END, REST, START

SIXTEENTH = 0.25  # in quarter lengths
LONGEST = 16  # sixteenths: longer slices are cut to a whole note, so rare long values do not bloat the vocabulary


def encode_timed(score) -> list[str]:
    """Chordified slices with their lengths, framed by start and end tokens.

    Rests at the very start and end are dropped (pickups and trailing silence say nothing about the
    music), and neighbouring rests are merged.
    """
    from music21 import chord

    slices = []  # (base token, sixteenths)
    for element in score.chordify().flatten().notesAndRests:
        length = max(1, round(float(element.quarterLength) / SIXTEENTH))
        if isinstance(element, chord.Chord) and element.pitches:
            slices.append((encode_element(element), length))
        elif slices and slices[-1][0] == REST:
            slices[-1] = (REST, slices[-1][1] + length)
        else:
            slices.append((REST, length))
    while slices and slices[-1][0] == REST:
        slices.pop()
    while slices and slices[0][0] == REST:
        slices.pop(0)
    return [START] + [f"{base}:{min(length, LONGEST)}" for base, length in slices] + [END]


def base_of(token: str) -> str:
    """'0.4.7:4' -> '0.4.7'."""
    return token.split(":", 1)[0]


def transpose_token(token: str, semitones: int) -> str:
    """The same event `semitones` higher: notes move, chords keep their shape, rests stay."""
    base, _, length = token.partition(":")
    if base in (REST, START, END):
        return token
    moved = _transpose_base(base, semitones)
    return f"{moved}:{length}" if length else moved


_TRANSPOSED: dict[tuple[str, int], str] = {}


def _transpose_normal_order(order: list[int], semitones: int) -> list[int]:
    """A normal order depends only on its intervals, so moving every pitch class keeps it one,
    except that a symmetrical set (an augmented triad, a tritone) has several equally good
    rotations, of which music21 names the one starting lowest: choose as it does."""
    moved = [(pc + semitones) % 12 for pc in order]
    shape = _intervals(moved)
    rotations = [moved[i:] + moved[:i] for i in range(len(moved))]
    return min((r for r in rotations if _intervals(r) == shape), key=lambda r: r[0])


def _intervals(order: list[int]) -> list[int]:
    return [(b - a) % 12 for a, b in zip(order, order[1:])]


def _transpose_base(base: str, semitones: int) -> str:
    key = (base, semitones)
    if key not in _TRANSPOSED:
        if "." in base or base.isdigit():
            _TRANSPOSED[key] = ".".join(
                map(str, _transpose_normal_order([int(pc) for pc in base.split(".")], semitones))
            )
        else:
            from music21 import pitch

            moved = pitch.Pitch(base).transpose(semitones)
            _TRANSPOSED[key] = moved.simplifyEnharmonic(mostCommon=True).nameWithOctave
    return _TRANSPOSED[key]


def pitch_classes(base: str) -> list[int]:
    if base in (REST, START, END):
        return []
    if "." in base or base.isdigit():
        return [int(pc) for pc in base.split(".")]
    midi = theory.note_name_to_midi(base)
    if midi is None:
        raise ValueError(f"not a token base: {base!r}")
    return [midi % 12]


def key_shift(tokens: list[str]) -> int:
    """Semitones (-6..5) that move the piece's estimated key to C major or A minor.

    The key is estimated (builder/theory.py estimate_key, the page's too) from the duration-weighted
    pitch-class histogram of the tokens.
    """
    histogram = [0] * 12
    for token in tokens:
        base, _, length = token.partition(":")
        for pc in pitch_classes(base):
            histogram[pc] += int(length) if length else 1
    return theory.key_shift_to_c(*theory.estimate_key(histogram))


def encode_element(element) -> str:
    from music21 import chord

    if isinstance(element, chord.Chord):
        pitch_classes = element.normalOrder
        if len(set(pitch_classes)) == 1:  # octaves only: a single pitch for our purposes
            return element.pitches[0].nameWithOctave
        return ".".join(str(pc) for pc in pitch_classes)
    return element.pitch.nameWithOctave
