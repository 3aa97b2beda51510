"""Stage 4: hand-written songs (TOML) to Tone.js TransportTime JSON, with music21.

A song file, content/songs/NAME.toml:

    title = "Rainy Window"
    composer = "Lofi Player contributors"
    licence = "CC0-1.0"
    tempo = 72                 # quarter notes per minute
    time_signature = "4/4"     # 4/4, 3/4, 6/8, ...
    key = "D minor"            # optional
    swing = 56                 # optional: MPC swing, 50 (straight) to 75; 66.67 is a triplet feel

    [parts.keys]
    instrument = "epiano"
    chords = "Dm9 | G13 | Cmaj9 | A7b9"      # a chord progression as the page's chord box reads it
                                             # (builder/progression.py): "Dm7 G7 | C | %"
    [parts.melody]
    instrument = "piano"
    notes = "r4 a8 c'8 e'4 d'4 | ..."         # tinyNotation, one bar between bar lines

Every problem in every song is collected and reported with its file, bar and beat.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import groove, progression, theory
from .contentfiles import read_toml, regular_files
from .errors import ContentError, Problem
from .transport import (
    describe_position,
    quarter_length_to_sixteenths,
    sixteenths_per_bar,
    sixteenths_to_transport,
)

INSTRUMENTS = ("piano", "epiano", "bass", "pad", "pluck")
REQUIRED = ("title", "composer", "licence", "tempo", "time_signature", "parts")
OPTIONAL = ("key", "swing", "source")
PART_KEYS = ("instrument", "notes", "chords", "velocity", "octave")
TEXT_FIELDS = ("title", "composer", "licence", "source", "key")
# A 10,000-bar song froze the page for 22 s at Play; the longest song here has 32 bars.
MAX_BARS = 512
MIDI_RANGE = (0, 127)  # what a MIDI file, and so the page's export, can hold
OCTAVES = range(1, 7)  # where a chord part's bass may sit: C1 (a low bass) to B6
# A song's file name is its id, in the page's URLs (songs/ID.json) and its song menu, so it must be
# URL-safe and must not be one of the site's own names.
SONG_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
RESERVED_IDS = {
    "index": "songs/index.json is the site's list of songs",
    "ai": "'ai' is the player's id for the AI solo",
    "station": "'station' is the player's id for the endless station of AI tunes",
}
# tinyNotation's note syntax: a pitch (c, C, CC, c', c'' ...) or r, accidentals, duration, dots, tie.
NOTE_TOKEN = re.compile(r"^(r|([a-g])\2*'*|([A-G])\3*)(#+|-+|n)?(1|2|4|8|16|32)?(\.*)(~?)$")


@dataclass
class Event:
    start: int  # sixteenths from the song's start
    duration: int  # sixteenths
    notes: list[str]
    velocity: float
    symbol: str | None = None  # a chord part's symbol as written: the lead-sheet reader needs it


@dataclass
class SongProblems:
    path: Path
    per_bar: int = 16
    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        message: str,
        part: str | None = None,
        at: int | None = None,
        bar: int | None = None,
        offset: int | None = None,
        token: int | None = None,
    ) -> None:
        """Record a problem at `at` (sixteenths from the start), or at `bar` (0-based) and `offset`
        (sixteenths into that bar), or at the `token`-th (0-based) word of that bar."""
        where = []
        if part:
            where.append(f"part '{part}'")
        if at is not None:
            where.append(describe_position(at, self.per_bar))
        elif bar is not None:
            where.append(f"bar {bar + 1}")
            if offset is not None:
                where.append(f"beat {1 + offset / 4:g}")
            if token is not None:
                where.append(f"token {token + 1}")
        self.items.append(Problem(self.path, message, ", ".join(where)))


def encode_songs(songs_dir: Path) -> list[dict]:
    """Every song in `songs_dir` as player JSON; raise ContentError listing every problem."""
    songs, problems, ids = [], [], {}
    for path in regular_files(songs_dir, (".toml",), problems):
        # The id is the file name without its suffix, whatever the suffix's case: first-light.TOML
        # beside first-light.toml would be two songs with one id, one entry playing the other.
        if path.stem in ids:
            problems.append(
                Problem(path, f"the song id '{path.stem}' is taken by {ids[path.stem].name}: rename one of them")
            )
            continue
        ids[path.stem] = path
        song, song_problems = encode_song(path)
        problems.extend(song_problems)
        if song is not None:
            songs.append(song)
    if problems:
        raise ContentError(problems)
    return songs


def encode_song(path: Path) -> tuple[dict | None, list[Problem]]:
    report = SongProblems(path)
    _check_id(path.stem, report)
    try:
        data = read_toml(path)
    except ContentError as error:
        return None, report.items + error.problems

    for key in REQUIRED:
        if key not in data:
            report.add(f"missing field '{key}'")
    for key in data:
        if key not in REQUIRED + OPTIONAL:
            report.add(f"unknown field '{key}'; known: {', '.join(REQUIRED + OPTIONAL)}")
    if report.items:
        return None, report.items

    for key in TEXT_FIELDS:
        if key in data and not isinstance(data[key], str):
            report.add(f"'{key}' must be text in quotes, not {_kind(data[key])}")
    numerator, denominator = _time_signature(data["time_signature"], report)
    tempo = data["tempo"]
    if not isinstance(tempo, (int, float)) or not 30 <= tempo <= 240:
        report.add(f"tempo {tempo!r} must be a number of beats per minute between 30 and 240")
    # Without one the song swings as its drum pattern does (web_src/js/audio/swing.js).
    swing = data.get("swing")
    if swing is not None and (
        isinstance(swing, bool)
        or not isinstance(swing, (int, float))
        or not groove.STRAIGHT <= swing <= groove.MAX_SWING
    ):
        report.add(f"swing {swing!r} must be a percentage from {groove.STRAIGHT} (straight) to {groove.MAX_SWING}")
    if "key" in data:
        _check_key(data["key"], report)
    if not isinstance(data["parts"], dict) or not data["parts"]:
        report.add("'parts' must hold at least one [parts.NAME] table")
    if report.items:
        return None, report.items

    report.per_bar = sixteenths_per_bar(numerator, denominator)
    parts, bar_counts = [], {}
    for name, part in data["parts"].items():
        events, bars = _encode_part(name, part, (numerator, denominator), report)
        if not isinstance(part, dict):  # named by _encode_part; there is nothing to play
            continue
        bar_counts[name] = bars
        parts.append(
            {
                "name": name,
                "instrument": part.get("instrument", "piano"),
                "events": [
                    {
                        "time": sixteenths_to_transport(e.start, report.per_bar),
                        "duration": sixteenths_to_transport(e.duration, report.per_bar),
                        "notes": e.notes,
                        "velocity": e.velocity,
                        **({"symbol": e.symbol} if e.symbol else {}),
                    }
                    for e in events
                ],
            }
        )
    if len(set(bar_counts.values())) > 1:
        counts = ", ".join(f"'{name}' {count}" for name, count in bar_counts.items())
        report.add(f"parts must have the same number of bars; they have: {counts}")
    if report.items:
        return None, report.items
    return {
        "id": path.stem,
        "title": data["title"],
        "composer": data["composer"],
        "licence": data["licence"],
        "source": data.get("source", ""),
        "bpm": tempo,
        "timeSignature": [numerator, denominator],
        "swing": swing,
        "key": data.get("key", ""),
        "bars": max(bar_counts.values()),
        "parts": parts,
    }, []


def _check_id(song_id: str, report: SongProblems) -> None:
    if song_id in RESERVED_IDS:
        report.add(f"a song cannot be called '{song_id}': {RESERVED_IDS[song_id]}; rename the file")
    elif not SONG_ID.fullmatch(song_id):
        report.add(
            f"the file name '{song_id}' is the song's id in the page's URLs: use only a-z, 0-9, "
            "'-' and '_', starting with a letter or digit (such as rainy-window.toml)"
        )


def _time_signature(text, report: SongProblems) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", str(text))
    if match:
        numerator, denominator = int(match[1]), int(match[2])
        try:
            sixteenths_per_bar(numerator, denominator)
            return numerator, denominator
        except ValueError:
            pass
    report.add(f'time_signature {text!r} must look like "4/4", "3/4" or "6/8"')
    return 4, 4


def _check_key(text, report: SongProblems) -> None:
    from music21 import key

    try:
        tonic, mode = str(text).split()
        key.Key(_music21_pitch_name(tonic), mode.lower())
    except Exception:
        report.add(f'key {text!r} must look like "D minor" or "Eb major"')


def _encode_part(name: str, part, meter: tuple[int, int], report: SongProblems) -> tuple[list[Event], int]:
    if not isinstance(part, dict):
        report.add("must be a table with 'instrument' and 'notes' or 'chords'", part=name)
        return [], 0
    for key in part:
        if key not in PART_KEYS:
            report.add(f"unknown field '{key}'; known: {', '.join(PART_KEYS)}", part=name)
    instrument = part.get("instrument", "piano")
    if instrument not in INSTRUMENTS:
        report.add(f"unknown instrument '{instrument}'; known: {', '.join(INSTRUMENTS)}", part=name)
    velocity = part.get("velocity", 0.7)
    if not isinstance(velocity, (int, float)) or not 0 < velocity <= 1:
        report.add(f"velocity {velocity!r} must be between 0 and 1", part=name)
        velocity = 0.7
    has_notes, has_chords = "notes" in part, "chords" in part
    if has_notes == has_chords:
        report.add("needs exactly one of 'notes' (tinyNotation) or 'chords' (chord symbols)", part=name)
        return [], 0
    field_name = "notes" if has_notes else "chords"
    if not isinstance(part[field_name], str):
        report.add(f"'{field_name}' must be text in quotes, not {_kind(part[field_name])}", part=name)
        return [], 0
    text = part[field_name]
    # Counted before any bar is read: music21, the chord reader and the page's Play take time per bar.
    bar_count = len(_split_bars(text) if has_notes else progression.split_bars(text))
    if bar_count > MAX_BARS:
        report.add(f"{bar_count:,} bars; a song may have {MAX_BARS} at most", part=name)
        return [], 0
    octave = part.get("octave", 3)
    if not isinstance(octave, int) or isinstance(octave, bool) or octave not in OCTAVES:
        report.add(f"octave {octave!r} must be a whole number from {OCTAVES[0]} to {OCTAVES[-1]}", part=name)
        octave = 3
    if has_notes:
        return _encode_notes(name, _split_bars(text), "{}/{}".format(*meter), float(velocity), report), bar_count
    return _encode_chords(name, text, meter, octave, float(velocity), report)


def _split_bars(text: str) -> list[str]:
    bars = [bar.strip() for bar in str(text).split("|")]
    while bars and not bars[-1]:  # a closing bar line is allowed
        bars.pop()
    return bars


def _encode_notes(name: str, bars: list[str], time_signature: str, velocity: float, report) -> list[Event]:
    """tinyNotation, one bar at a time, so that every problem can be placed in its bar."""
    from music21 import converter

    events: list[Event] = []
    tie_open = False  # the last event ends with "~" and waits for its continuation
    for bar_index, bar_text in enumerate(bars):
        bar_start = bar_index * report.per_bar
        tokens = bar_text.split()
        bad = [(i, t) for i, t in enumerate(tokens) if not NOTE_TOKEN.match(t)]
        for i, token in bad:
            report.add(
                f"unknown note '{token}' (tinyNotation: c d e for octave 4, C for 3, c' for 5, then # or -, then 1 2 4 8 16 and dots: c'#8.)",
                part=name,
                bar=bar_index,
                token=i,
            )
        if bad or not tokens:
            if not tokens:
                report.add("empty bar (write a rest, e.g. r1)", part=name, bar=bar_index)
            tie_open = False
            continue
        try:
            elements = list(converter.parse(f"tinyNotation: {time_signature} {bar_text}").flatten().notesAndRests)
        except Exception as error:
            report.add(f"cannot read '{bar_text}': {error}", part=name, bar=bar_index)
            continue
        position = 0
        for token, element in zip(tokens, elements):
            length = quarter_length_to_sixteenths(element.quarterLength)
            at = bar_start + position
            if length is None:
                report.add(f"'{token}' is off the sixteenth grid", part=name, at=at)
                break
            if position + length > report.per_bar:
                report.add(
                    f"'{token}' overflows the bar (a {report.per_bar}-sixteenth bar; tie with ~ into the next)",
                    part=name,
                    bar=bar_index,
                    offset=position,
                )
                break
            if element.isRest:
                if tie_open:
                    report.add("a tie (~) leads into a rest", part=name, at=at)
                tie_open = False
            else:
                if not MIDI_RANGE[0] <= element.pitch.ps <= MIDI_RANGE[1]:
                    report.add(
                        f"'{token}' is {_tone_pitch_name(element.pitch.name)} in octave {element.pitch.octave}: "
                        "a note must lie from C-1 to G9 (MIDI 0 to 127)",
                        part=name,
                        at=at,
                    )
                    break
                # Name and octave apart: in octave -4 the octave's minus sign would read as a flat.
                pitch = _tone_pitch_name(element.pitch.name) + str(element.pitch.octave)
                if tie_open and events and events[-1].notes == [pitch]:
                    events[-1].duration += length
                else:
                    if tie_open:
                        report.add(f"a tie (~) leads into a different note '{token}'", part=name, at=at)
                    events.append(Event(at, length, [pitch], velocity))
                tie_open = token.endswith("~")
            position += length
        else:
            if position < report.per_bar:
                report.add(
                    f"bar holds {position} of {report.per_bar} sixteenths (fill it with rests)",
                    part=name,
                    bar=bar_index,
                )
    if tie_open:
        report.add("the last note is tied (~) to nothing", part=name, bar=len(bars) - 1)
    return events


def _encode_chords(
    name: str, text: str, meter: tuple[int, int], octave: int, velocity: float, report
) -> tuple[list[Event], int]:
    """Chord symbols read as a typed progression is (builder/progression.py, the page's syntax): bars
    between bar lines, the chords of a bar sharing it, '%' repeating the bar before, 'N.C.' silence.
    Returns the voiced chords and the number of bars."""
    value = progression.parse_progression(text, list(meter), max_bars=MAX_BARS)
    bars = progression.split_bars(text) if value["errors"] else []
    for error in value["errors"]:
        # The place goes in front (file, part, bar and the chord's beat), so the reader's own
        # "(bar N)" is left off. The reader counts bars from 1 and gives 0 to a problem of the whole text.
        message = error["message"].removesuffix(f" (bar {error['bar']})")
        bar = error["bar"] - 1 if error["bar"] else None
        symbols = bars[bar] if bar is not None and bar < len(bars) else []
        offset = None
        if error["symbol"] in symbols:  # as the reader shares a bar: equal parts, the rest to the last
            offset = symbols.index(error["symbol"]) * (report.per_bar // len(symbols))
        report.add(message, part=name, bar=bar, offset=offset)
    events = [
        Event(chord["start"], chord["sixteenths"], voice_chord(chord["symbol"], octave), velocity, chord["symbol"])
        for chord in value["chords"]
        if chord["root"] is not None  # N.C. sounds nothing
    ]
    return events, value["bars"]


def voice_chord(symbol: str, octave: int = 3) -> list[str] | None:
    """Tone.js pitch names for a chord symbol, or None if theory.py cannot read it.

    The lo-fi close voicing the page also plays (builder/theory.py voice_chord): at the default
    octave 3 the bass sits in octave 2 and up to four chord tones around middle C (F3-E4); each
    octave more or less moves the whole chord by an octave.
    """
    chord = theory.parse_chord_symbol(symbol)
    if chord is None or chord.is_no_chord:
        return None
    return [theory.midi_to_note_name(m, "common") for m in theory.voice_chord(chord, octave - 3)]


def _music21_pitch_name(name: str) -> str:
    return name[0].upper() + name[1:].replace("b", "-") if len(name) > 1 else name.upper()


def _kind(value) -> str:
    """A TOML value's kind in words, for a message about a wrong type."""
    kinds = {bool: "true/false", int: "a number", float: "a number", list: "an array", dict: "a table"}
    return next((words for kind, words in kinds.items() if isinstance(value, kind)), type(value).__name__)


def _tone_pitch_name(name: str) -> str:
    """music21 writes flats as '-' ('B-3'); Tone.js wants 'Bb3'."""
    return name.replace("-", "b")
