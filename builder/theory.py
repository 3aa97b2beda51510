"""The musical vocabulary, defined once: chord symbols and families, voicings, keys, note names, the
lead-sheet token grammar and the sixteenth / tick / TransportTime conversions.

The data lives in web_src/js/music/theory.json, which the page's web_src/js/music/theory.js reads too;
this module and that one are the same functions (snake_case here, camelCase there), and
tests/test_theory_parity.py runs the same cases through both. Keep them in step: change a rule in
one, change it in the other, and add its cases to the parity test.

Everything here is plain arithmetic (no music21): the page has to agree with it to the last bit,
so sums run in index order and rounding is half-up, as in JavaScript.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

THEORY_PATH = Path(__file__).resolve().parent.parent / "web_src" / "js" / "music" / "theory.json"
THEORY: dict = json.loads(THEORY_PATH.read_text(encoding="utf-8"))
# Key names' modes live beside theory.json, not in it: the model's fingerprint covers theory.json.
MODES_PATH = THEORY_PATH.with_name("modes.json")
_KEY_MODES: dict = json.loads(MODES_PATH.read_text(encoding="utf-8"))

_NOTES = THEORY["notes"]
_CHORDS = THEORY["chords"]
_KEYS = THEORY["keys"]
_TIME = THEORY["time"]
LEADSHEET: dict = THEORY["leadsheet"]

LETTERS: dict[str, int] = _NOTES["letters"]
SPELLINGS: dict[str, list[str]] = _NOTES["spellings"]
SUFFIXES: dict[str, dict] = _CHORDS["suffixes"]
FAMILIES: dict[str, dict] = {family["name"]: family for family in THEORY["families"]}
FAMILY_NAMES: list[str] = [family["name"] for family in THEORY["families"]]
SEVENTH_FAMILIES: list[str] = [name for name in FAMILY_NAMES if FAMILIES[name]["seventh"]]
VOICING: dict = THEORY["voicing"]
MODES: list[str] = _KEYS["modes"]  # the modes a key is estimated in
KEY_MODES: dict[str, int] = _KEY_MODES["modes"]  # every mode a key name may have -> its tonic above C
MAJOR_PROFILE: list[float] = _KEYS["profiles"]["major"]
MINOR_PROFILE: list[float] = _KEYS["profiles"]["minor"]

SIXTEENTHS_PER_QUARTER: int = _TIME["sixteenthsPerQuarter"]
TONE_PPQ: int = _TIME["tonePpq"]
MIDI_PPQ: int = _TIME["midiPpq"]

TOKENS: dict[str, str] = LEADSHEET["tokens"]
START, END, BAR, TIE, REST, NO_CHORD_TOKEN = (TOKENS[k] for k in ("START", "END", "BAR", "TIE", "REST", "NC"))
LENGTHS: list[int] = LEADSHEET["lengths"]
PHRASE_BARS: int = LEADSHEET["phraseBars"]
STYLE_TOKENS: dict[str, str] = LEADSHEET["styles"]  # style name -> its token
CHORD_TONE_BIAS: float = LEADSHEET["chordToneBias"]

# Only these count as blanks around a symbol or a name: str.strip() and JavaScript's trim() disagree
# on some Unicode spaces.
_BLANKS = " \t\r\n"


def _alternatives(options) -> str:
    """A regex group body matching any of `options`, longest first so '##' wins over '#'."""
    return "|".join(re.escape(o) for o in sorted((o for o in options if o), key=lambda o: (-len(o), o)))


_LETTER = "[A-Ga-g]"
_CHORD_ACCIDENTAL = f"(?:{_alternatives(_NOTES['chordAccidentals'])})"
_NOTE_ACCIDENTAL = f"(?:{_alternatives(_NOTES['accidentals'])})"
_SYMBOL = re.compile(rf"({_LETTER})({_CHORD_ACCIDENTAL}?)([\s\S]*?)(?:/({_LETTER})({_CHORD_ACCIDENTAL}?))?")
_NOTE_NAME = re.compile(rf"({_LETTER})({_NOTE_ACCIDENTAL}?)([0-9]{{1,2}})")
_KEY_NAME = re.compile(rf"({_LETTER})({_NOTE_ACCIDENTAL}?) +([A-Za-z]+)")


def _is_count(value) -> bool:
    """A whole number >= 0 (bools are not numbers here, as in JavaScript)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _pitch_class(letter: str, accidental: str, table: dict[str, int]) -> int:
    return (LETTERS[letter.upper()] + table[accidental]) % 12


# ---- chord symbols ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chord:
    """A chord symbol read: root and bass pitch classes, the intervals above the root (extensions as
    written: a 9th is 14), its pitch classes (the bass first when it is not a chord tone) and family.
    "N.C." is a Chord too, with root, bass and family None and no tones."""

    symbol: str
    root: int | None
    bass: int | None
    suffix: str
    intervals: tuple[int, ...]
    pitch_classes: tuple[int, ...]
    family: str | None

    @property
    def is_no_chord(self) -> bool:
        return self.root is None

    def to_dict(self) -> dict:
        """The same object theory.js's parseChordSymbol returns."""
        return {
            "symbol": self.symbol,
            "root": self.root,
            "bass": self.bass,
            "suffix": self.suffix,
            "intervals": list(self.intervals),
            "pcs": list(self.pitch_classes),
            "family": self.family,
        }


def _make_chord(symbol: str, root: int | None, bass: int | None, suffix: str, intervals, family: str | None) -> Chord:
    tones: list[int] = []
    if root is not None:
        for interval in intervals:
            pc = (root + interval) % 12
            if pc not in tones:
                tones.append(pc)
        if bass not in tones:
            tones.insert(0, bass)
    return Chord(symbol, root, bass, suffix, tuple(intervals), tuple(tones), family)


def parse_chord_symbol(symbol) -> Chord | None:
    """'Dm9' -> Chord(root=2, family='m7', intervals=(0, 3, 7, 10, 14), ...); 'C7/E' has bass 4;
    'N.C.' is the no-chord Chord; None for anything not in theory.json's suffix table."""
    if not isinstance(symbol, str):
        return None
    text = symbol.strip(_BLANKS)
    if text.upper() in _CHORDS["noChord"]:
        return _make_chord(text, None, None, "", (), None)
    match = _SYMBOL.fullmatch(text)
    if not match:
        return None
    letter, accidental, suffix, bass_letter, bass_accidental = match.groups()
    suffix = re.sub(r"[() ]", "", suffix)
    quality = SUFFIXES.get(suffix)
    if quality is None:
        return None
    table = _NOTES["chordAccidentals"]
    root = _pitch_class(letter, accidental, table)
    bass = _pitch_class(bass_letter, bass_accidental or "", table) if bass_letter else root
    return _make_chord(text, root, bass, suffix, quality["intervals"], quality["family"])


def chord_symbol(root: int | None, family: str | None, bass: int | None = None) -> str:
    """A family chord's display name: (2, 'm7') -> 'Dm7'; (None, None) -> 'N.C.'."""
    if root is None:
        return _CHORDS["noChord"][0]
    names = SPELLINGS["common"]
    text = names[root % 12] + FAMILIES[family]["display"]
    return text if bass is None or bass % 12 == root % 12 else f"{text}/{names[bass % 12]}"


def family_chord(root: int | None, family: str | None, bass: int | None = None) -> Chord:
    """A chord of the model's vocabulary, sounding its family's default lo-fi voicing."""
    if root is None:
        return _make_chord(chord_symbol(None, None), None, None, "", (), None)
    if family not in FAMILIES:
        raise ValueError(f"unknown chord family {family!r}; known: {', '.join(FAMILY_NAMES)}")
    info = FAMILIES[family]
    bass = root % 12 if bass is None else bass % 12
    return _make_chord(chord_symbol(root, family, bass), root % 12, bass, info["display"], info["voicing"], family)


def family_pitch_classes(root: int, family: str) -> list[int]:
    """The pitch classes of a family's voicing on `root` (7ths and 9ths included): the chord tones a
    melody is nudged towards on strong beats."""
    return list(family_chord(root, family).pitch_classes)


def family_fit(pitch_classes, bass: int | None, root: int, family: str) -> float:
    """How well the `family` chord on `root` fits a set of pitch classes (and its bass), scored by
    theory.json's familyMatch: core tones present, core tones missing, tones neither core nor voiced,
    and the bass on the root. family_of and the vocabulary's nearest chord (builder/grammar.py) score
    with it."""
    weights = THEORY["familyMatch"]
    info = FAMILIES[family]
    wanted = {pc % 12 for pc in pitch_classes}
    core = {(root + i) % 12 for i in info["core"]}
    voiced = {(root + i) % 12 for i in info["voicing"]}
    hits = len(core & wanted)
    return (
        weights["hit"] * hits
        + weights["miss"] * (len(core) - hits)
        + weights["extra"] * len(wanted - core - voiced)
        + (weights["bassIsRoot"] if bass is not None and bass % 12 == root else 0)
    )


def family_of(pitch_classes, bass: int | None = None) -> tuple[int | None, str | None]:
    """The root and family that fit a set of pitch classes best (a chord read from MIDI), scored by
    family_fit; ties go to the earlier family, then the lower root. (None, None) for an empty set."""
    wanted = [pc % 12 for pc in pitch_classes]
    if not wanted:
        return None, None
    best, best_score = (None, None), -math.inf
    for name in FAMILY_NAMES:
        for root in range(12):
            score = family_fit(wanted, bass, root, name)
            if score > best_score:
                best, best_score = (root, name), score
    return best


def transpose_symbol(symbol: str, semitones: int) -> str | None:
    """'Dm7/F' moved by 2: 'Em7/G'. The suffix stays as written; roots take the common spelling.
    'N.C.' stays; None for a symbol that does not parse."""
    chord = parse_chord_symbol(symbol)
    if chord is None:
        return None
    if chord.is_no_chord:
        return chord.symbol
    letter, accidental, suffix, bass_letter, _ = _SYMBOL.fullmatch(chord.symbol).groups()
    names = SPELLINGS["common"]
    text = names[(chord.root + semitones) % 12] + suffix
    return f"{text}/{names[(chord.bass + semitones) % 12]}" if bass_letter else text


# ---- chord tokens -------------------------------------------------------------------------------

_CHORD_TOKEN = re.compile(
    re.escape(LEADSHEET["chordPrefix"]) + r"(0|[1-9]|1[01])" + re.escape(LEADSHEET["chordSeparator"]) + r"([^\s]+)"
)


def chord_token(root: int | None, family: str | None) -> str:
    """(2, 'm7') -> '@2:m7'; (None, None) -> '@NC'."""
    if root is None:
        return NO_CHORD_TOKEN
    if family not in FAMILIES:
        raise ValueError(f"unknown chord family {family!r}; known: {', '.join(FAMILY_NAMES)}")
    return f"{LEADSHEET['chordPrefix']}{root % 12}{LEADSHEET['chordSeparator']}{family}"


def parse_chord_token(token) -> tuple[int | None, str | None] | None:
    """'@2:m7' -> (2, 'm7'); '@NC' -> (None, None); None for anything else."""
    if token == NO_CHORD_TOKEN:
        return None, None
    match = _CHORD_TOKEN.fullmatch(token) if isinstance(token, str) else None
    if not match or match[2] not in FAMILIES:
        return None
    return int(match[1]), match[2]


# ---- voicing ------------------------------------------------------------------------------------


def voice_chord(chord: Chord, octaves: int = 0) -> list[int]:
    """The lo-fi close voicing as MIDI numbers, the bass first: Dm9 -> [38, 53, 57, 60, 64]
    (D2 | F3 A3 C4 E4). The rule is theory.json's "voicing"; `octaves` moves it all. [] for N.C."""
    if chord.root is None:
        return []
    tones: list[int] = []  # intervals above the root, one per pitch class, in the order written
    for interval in chord.intervals:
        if all((interval - kept) % 12 for kept in tones):
            tones.append(interval)
    if len(tones) >= 4:
        tones = [i for i in tones if (chord.root + i) % 12 != chord.bass]
    if len(tones) > VOICING["maxUpper"] and 7 in tones:
        tones.remove(7)
    if any(i % 12 == 4 for i in tones):
        tones = [i for i in tones if i != 17]
    low = VOICING["upperLow"]
    upper = sorted(low + ((chord.root + i - low) % 12) for i in tones)
    bass = VOICING["bassLow"] + chord.bass
    return [midi + 12 * octaves for midi in [bass, *upper]]


# ---- note names ---------------------------------------------------------------------------------


def note_name_to_midi(name) -> int | None:
    """'C4' -> 60; 'Bb3', 'B-3' (music21's flat), 'A#3' -> 58; 'Fx4' -> 67. None when not a note
    name or outside MIDI's 0..127."""
    if not isinstance(name, str):
        return None
    match = _NOTE_NAME.fullmatch(name.strip(_BLANKS))
    if not match:
        return None
    letter, accidental, octave = match.groups()
    midi = (int(octave) + 1) * 12 + LETTERS[letter.upper()] + _NOTES["accidentals"][accidental]
    return midi if 0 <= midi <= 127 else None


def midi_to_note_name(midi: int, spelling: str = "sharp") -> str:
    """60 -> 'C4'; 70 -> 'A#4' ('Bb4' with spelling 'flat' or 'common')."""
    if not _is_count(midi) or midi > 127:
        raise ValueError(f"not a MIDI note number: {midi!r}")
    if spelling not in SPELLINGS:
        raise ValueError(f"unknown spelling {spelling!r}; known: {', '.join(SPELLINGS)}")
    return f"{SPELLINGS[spelling][midi % 12]}{midi // 12 - 1}"


# ---- keys ---------------------------------------------------------------------------------------


def _correlation(a: list[float], b: list[float]) -> float:
    """Pearson's r, summed in index order (as theory.js does) so both sides get the same bits."""
    total_a = total_b = 0.0
    for x, y in zip(a, b):
        total_a += x
        total_b += y
    mean_a, mean_b = total_a / len(a), total_b / len(b)
    num = var_a = var_b = 0.0
    for x, y in zip(a, b):
        num += (x - mean_a) * (y - mean_b)
        var_a += (x - mean_a) * (x - mean_a)
        var_b += (y - mean_b) * (y - mean_b)
    return num / math.sqrt(var_a * var_b) if var_a and var_b else 0.0


def key_scores(weights) -> list[tuple[int, str, float]]:
    """(tonic, mode, correlation) for all 24 keys, in the tie-breaking order C major, C minor, C# major..."""
    if any(isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) for w in weights):
        raise ValueError(f"key weights must be finite numbers: {weights!r}")
    weights = [float(w) for w in weights]
    if len(weights) != 12:
        raise ValueError(f"key weights need 12 pitch classes, got {len(weights)}")
    scores = []
    for tonic in range(12):
        for mode in MODES:
            profile = _KEYS["profiles"][mode]
            scores.append((tonic, mode, _correlation(weights, [profile[(pc - tonic) % 12] for pc in range(12)])))
    return scores


def estimate_key(weights) -> tuple[int, str]:
    """The Krumhansl-Kessler key of a 12-bin pitch-class weighting: (tonic pitch class, 'major'|'minor').
    A key must beat the best so far by more than tieTolerance, so exact ties (a tritone-symmetric
    weighting) go to the first key in order; all-equal weights give C major."""
    return best_key(key_scores(weights))


def best_key(scores) -> tuple[int, str]:
    """The best of [(tonic, mode, score)]: a key must beat the best so far by more than tieTolerance,
    so exact ties go to the first in order; none, or no score above -inf, gives C major."""
    best, best_score = (0, MODES[0]), -math.inf
    for tonic, mode, score in scores:
        if score > best_score + _KEYS["tieTolerance"]:
            best, best_score = (tonic, mode), score
    return best


def _resolves(chord: Chord, following: Chord) -> bool:
    """A root motion a dominant resolves by: a fourth up (V-I) or a semitone down (a tritone substitute)."""
    return (following.root - chord.root) % 12 in _KEYS["resolutionSteps"]


def progression_key_weights(chords, tonic: int, mode: str) -> list[float]:
    """A progression's pitch-class weights as heard in the key (`tonic`, `mode`), for its profile. `chords` is
    [(Chord, sixteenths)], taken as a loop; theory.json's "keys" says how roots, the first and last
    chords and resolutions (V-I, a tritone substitute's semitone down, and ii-V pointing at its I)
    weigh, and which dominant 7ths are only colour in that key: bII7 (the tritone substitute of V),
    bIII7, IV7, bVI7 and, in major, bVII7 count for little, so they do not pull the key away."""
    extra = _KEYS["progressionWeights"]
    dominants = _KEYS["dominantFamilies"]
    sounding = [(chord, length) for chord, length in chords if chord is not None and chord.root is not None]
    weights = [0.0] * 12
    for index, (chord, length) in enumerate(sounding):
        colour = chord.family in dominants and (chord.root - tonic) % 12 in _KEYS["colourDegrees"][mode]
        share = length * extra["colour"] if colour else length
        for pc in chord.pitch_classes:
            weights[pc] += share
        weights[chord.root] += extra["root"] * share
        if index == 0 or index == len(sounding) - 1:
            weights[chord.root] += extra["firstLast"]
    if len(sounding) > 1:
        for index, (chord, _) in enumerate(sounding):
            following = sounding[(index + 1) % len(sounding)][0]
            if chord.family in dominants and _resolves(chord, following):
                weights[following.root] += extra["resolution"]
            if (
                following.root == (chord.root + 5) % 12
                and chord.family in _KEYS["twoFamilies"]
                and following.family in dominants
            ):
                weights[(following.root + 5) % 12] += extra["resolution"]
    return weights


def progression_key_scores(chords) -> list[tuple[int, str, float]]:
    """(tonic, mode, correlation) for all 24 keys, each key's profile against the progression's
    weights as heard in that key; in key_scores's order."""
    scores = []
    for tonic in range(12):
        for mode in MODES:
            weights = progression_key_weights(chords, tonic, mode)
            profile = _KEYS["profiles"][mode]
            scores.append((tonic, mode, _correlation(weights, [profile[(pc - tonic) % 12] for pc in range(12)])))
    return scores


def estimate_progression_key(chords) -> tuple[int, str]:
    """The key of [(Chord, sixteenths)]: 'Dm7 G7 Cmaj7' is C major, 'Gmaj7 E7 Am7 D7' G major,
    'Gm9 Gb13 Fmaj9 Ab13' F major. Ties go to the first key, as in estimate_key."""
    return best_key(progression_key_scores(chords))


def key_shift_to_c(tonic: int, mode: str) -> int:
    """Semitones (-6..5) that move a key to the model's white keys (C major, A minor, D dorian ...);
    a tritone away is written -6."""
    if not isinstance(mode, str) or mode not in KEY_MODES:
        raise ValueError(f"unknown mode {mode!r}; known: {', '.join(KEY_MODES)}")
    shift = LEADSHEET["keyShift"]
    span = shift["max"] - shift["min"] + 1
    return (KEY_MODES[mode] - tonic - shift["min"]) % span + shift["min"]


def key_pitch_classes(tonic: int, mode: str) -> list[int]:
    """A key's pitch classes, ascending from C: theory.json's scale for major and minor (minor with
    the raised 7th of its V7); a mode has the notes of the major scale it comes from (D dorian: C
    major's)."""
    key_shift_to_c(tonic, mode)  # refuses an unknown mode
    scales = _KEYS["scales"]
    if mode in scales:
        return sorted({(tonic + i) % 12 for i in scales[mode]})
    return sorted({(tonic - KEY_MODES[mode] + i) % 12 for i in scales["major"]})


def key_name(tonic: int, mode: str) -> str:
    """(2, 'major') -> 'D major'."""
    return f"{SPELLINGS['common'][tonic % 12]} {mode}"


def parse_key_name(text) -> tuple[int, str] | None:
    """'Eb major', 'F# minor', 'B- Minor', 'D dorian' -> (tonic, mode); 'A aeolian' is (9, 'minor');
    None otherwise."""
    match = _KEY_NAME.fullmatch(text.strip(_BLANKS)) if isinstance(text, str) else None
    mode = match[3].lower() if match else ""
    mode = _KEY_MODES["synonyms"].get(mode, mode)
    if mode not in KEY_MODES:
        return None
    return _pitch_class(match[1], match[2], _NOTES["accidentals"]), mode


# ---- time ---------------------------------------------------------------------------------------

_TRANSPORT = re.compile(r"([0-9]+):([0-9]+):([0-9]+(?:\.[0-9]+)?)")


def sixteenths_per_bar(numerator: int, denominator: int) -> int:
    """12 for 3/4 and 6/8, 16 for 4/4. Raises ValueError when a bar is not whole sixteenths."""
    if not _is_count(numerator) or numerator == 0 or denominator not in _TIME["denominators"]:
        raise ValueError(f"unsupported time signature {numerator}/{denominator}")
    return numerator * 16 // denominator


def sixteenths_to_transport(sixteenths: int, per_bar: int) -> str:
    """Sixteenths from the start -> Tone.js TransportTime 'BARS:QUARTERS:SIXTEENTHS' (Tone counts a
    bar in quarters, so a 6/8 bar is three of them and '1:0:0' is where bar 2 begins)."""
    if not _is_count(sixteenths):
        raise ValueError(f"a position must be a whole number >= 0, got {sixteenths!r}")
    bars, within = divmod(sixteenths, per_bar)
    quarters, rest = divmod(within, SIXTEENTHS_PER_QUARTER)
    return f"{bars}:{quarters}:{rest}"


def transport_to_sixteenths(text: str, per_bar: int) -> int | float:
    """'B:Q:S' -> sixteenths from the start; S may be fractional (a swung note). ValueError otherwise."""
    match = _TRANSPORT.fullmatch(text) if isinstance(text, str) else None
    if not match:
        raise ValueError(f"not a TransportTime 'BARS:QUARTERS:SIXTEENTHS': {text!r}")
    sixteenths = float(match[3])
    total = int(match[1]) * per_bar + int(match[2]) * SIXTEENTHS_PER_QUARTER + sixteenths
    return int(total) if total.is_integer() else total


def sixteenths_to_ticks(sixteenths: float, ppq: int = TONE_PPQ) -> int:
    """Sixteenths -> ticks at `ppq` ticks a quarter, rounded half up."""
    return math.floor(sixteenths * ppq / SIXTEENTHS_PER_QUARTER + 0.5)


def transport_to_ticks(text: str, per_bar: int, ppq: int = TONE_PPQ) -> int:
    return sixteenths_to_ticks(transport_to_sixteenths(text, per_bar), ppq)


def quarter_length_to_sixteenths(quarter_length: float) -> int | None:
    """The number of sixteenths in a music21 quarterLength, or None if it is off the grid."""
    sixteenths = float(quarter_length) * SIXTEENTHS_PER_QUARTER
    return int(round(sixteenths)) if abs(sixteenths - round(sixteenths)) < 1e-9 else None


def describe_position(sixteenths: int, per_bar: int) -> str:
    """A musician's place, 1-based: 'bar 3, beat 2.5' (beats are quarter notes)."""
    bar, within = divmod(sixteenths, per_bar)
    beat = 1 + within / SIXTEENTHS_PER_QUARTER
    return f"bar {bar + 1}, beat {beat:g}"


# ---- lead-sheet tokens --------------------------------------------------------------------------

_NOTE_TOKEN = re.compile(re.escape(LEADSHEET["notePrefix"]) + r"(0|[1-9][0-9]{0,2})")
_LENGTH_TOKEN = re.compile(re.escape(LEADSHEET["lengthPrefix"]) + r"([1-9][0-9]?)")
_BAR_TOKEN = re.compile(re.escape(BAR) + r"([1-9][0-9]?)")


def bar_place(bar: int) -> int:
    """The place (1..PHRASE_BARS) in its phrase of the bar `bar` of a piece, counted from 0."""
    return bar % PHRASE_BARS + 1


def bar_token(bar: int) -> str:
    """The bar line that opens bar `bar` (from 0) of a piece: '|1' ... '|8'."""
    return f"{BAR}{bar_place(bar)}"


def bar_tokens() -> list[str]:
    """Every bar line a piece may have, in place order."""
    return [f"{BAR}{place}" for place in range(1, PHRASE_BARS + 1)]


def note_token(midi: int) -> str:
    """67 -> 'n67'."""
    if not _is_count(midi) or midi > 127:
        raise ValueError(f"not a MIDI note number: {midi!r}")
    return f"{LEADSHEET['notePrefix']}{midi}"


def length_token(sixteenths: int) -> str:
    """4 -> 'd4'; only the LENGTHS exist (split_length first)."""
    if not _is_count(sixteenths) or sixteenths not in LENGTHS:
        raise ValueError(f"no length token for {sixteenths!r} sixteenths; lengths: {LENGTHS}")
    return f"{LEADSHEET['lengthPrefix']}{sixteenths}"


def split_length(sixteenths: int) -> list[int]:
    """A length as the largest LENGTHS first: 5 -> [4, 1], 20 -> [16, 4]; 0 -> []."""
    if not _is_count(sixteenths):
        raise ValueError(f"not a length in sixteenths: {sixteenths!r}")
    parts, left = [], sixteenths
    for length in sorted(LENGTHS, reverse=True):
        while left >= length:
            parts.append(length)
            left -= length
    return parts


def read_token(token) -> dict | None:
    """What a lead-sheet token is: {'kind': 'start'|'end'|'tie'|'rest'}, {'kind': 'bar', 'place'} (1..8,
    None for a bare '|'), {'kind': 'style', 'style'} ('lofi', 'chorale'), {'kind': 'chord', 'root',
    'family'} (both None for '@NC'), {'kind': 'note', 'midi'}, {'kind': 'length', 'sixteenths'}; None
    for anything else."""
    if not isinstance(token, str):
        return None
    simple = {START: "start", END: "end", TIE: "tie", REST: "rest"}
    if token in simple:
        return {"kind": simple[token]}
    if token == BAR:
        return {"kind": "bar", "place": None}
    match = _BAR_TOKEN.fullmatch(token)
    if match and 1 <= int(match[1]) <= PHRASE_BARS:
        return {"kind": "bar", "place": int(match[1])}
    for style, spelling in STYLE_TOKENS.items():
        if token == spelling:
            return {"kind": "style", "style": style}
    chord = parse_chord_token(token)
    if chord is not None:
        return {"kind": "chord", "root": chord[0], "family": chord[1]}
    match = _NOTE_TOKEN.fullmatch(token)
    if match and int(match[1]) <= 127:
        return {"kind": "note", "midi": int(match[1])}
    match = _LENGTH_TOKEN.fullmatch(token)
    if match and int(match[1]) in LENGTHS:
        return {"kind": "length", "sixteenths": int(match[1])}
    return None


def strong_beats(numerator: int = 4, denominator: int = 4) -> list[int]:
    """Strong-beat positions in sixteenths from the bar start: [0, 8] in 4/4, [0] in 3/4."""
    return list(LEADSHEET["strongBeats"].get(f"{numerator}/{denominator}", [0]))


def is_strong_beat(position: int, numerator: int = 4, denominator: int = 4) -> bool:
    return position in strong_beats(numerator, denominator)
