"""A chord progression typed as text ("Dm7 G7 Cmaj7 Am7", "Dm9 | G13 | Cmaj9 | A7b9", "C F G | Am"),
read into bars and chords on the sixteenth grid with the key it is heard in.

The syntax is web_src/js/music/progression.json's, and web_src/js/music/progression.js's
parseProgression is this function: the same text gives the same value, errors included
(tests/test_progression_parity.py runs the same cases through both). Chord symbols and the key
estimate are builder/theory.py's.
"""

from __future__ import annotations

import json
import re

from . import theory

SYNTAX_PATH = theory.THEORY_PATH.with_name("progression.json")
SYNTAX: dict = json.loads(SYNTAX_PATH.read_text(encoding="utf-8"))
MAX_BARS: int = SYNTAX["maxBars"]
_SEPARATORS = re.compile("[" + "".join(re.escape(c) for c in SYNTAX["separators"]) + "]+")
_BLANKS = "".join(c for c in SYNTAX["separators"] if c != ",")


def _error(symbol: str, bar: int, message: str) -> dict:
    return {"symbol": symbol, "bar": bar, "message": message}


def _words(part: str) -> list[str]:
    return [word for word in _SEPARATORS.split(part) if word]


def split_bars(text: str) -> list[list[str]]:
    """The symbols of each bar, as written: cheap, so that a caller can refuse a text too long to read
    before reading it."""
    line = SYNTAX["barLine"]
    if line not in text:
        return [[symbol] for symbol in _words(text)]
    parts = text.split(line)
    if len(parts) > 1 and not _words(parts[0]):  # a bar line before the first bar
        parts = parts[1:]
    if len(parts) > 1 and not _words(parts[-1]):  # a closing bar line
        parts = parts[:-1]
    return [_words(part) for part in parts]


def parse_progression(text, meter=None, max_bars: int = MAX_BARS) -> dict:
    """Text -> {text, meter, barLength, bars, chords, errors, key}.

    `chords`: [{symbol, root, bass, suffix, intervals, pcs, family (theory's chord, "N.C." with root
    None), bar (from 0), step (sixteenths into its bar), start (sixteenths from the start),
    sixteenths (its length)}]; `errors`: [{symbol, bar (from 1; 0 for the whole text), message}], one
    line each, empty when every bar reads; `key`: {tonic, mode, name}, estimated from the chords read.
    `meter` is [numerator, denominator], 4/4 when None. `max_bars` is a typed progression's limit; a
    song file (builder/songs.py) may be longer."""
    meter = SYNTAX["defaultMeter"] if meter is None else meter
    if not isinstance(meter, (list, tuple)) or len(meter) != 2:
        message = "a meter is [numerator, denominator], such as [{}, {}]".format(*SYNTAX["defaultMeter"])
        return {
            "text": "",
            "meter": None,
            "barLength": 0,
            "bars": 0,
            "chords": [],
            "errors": [_error("", 0, message)],
            "key": _key([]),
        }
    numerator, denominator = meter
    source = "" if text is None else text
    chords: list[dict] = []
    read: list[tuple[theory.Chord, int]] = []
    errors: list[dict] = []
    value = {"text": "", "meter": [numerator, denominator], "barLength": 0, "bars": 0}
    try:
        per_bar = theory.sixteenths_per_bar(numerator, denominator)
    except (ValueError, TypeError):
        errors.append(_error("", 0, f"unsupported meter {numerator}/{denominator}"))
        return {**value, "chords": chords, "errors": errors, "key": _key(read)}
    value["barLength"] = per_bar
    if not isinstance(source, str):
        errors.append(_error("", 0, "a progression is text, such as " + json.dumps(SYNTAX["example"])))
        return {**value, "chords": chords, "errors": errors, "key": _key(read)}
    value["text"] = source.strip(_BLANKS)
    bars = split_bars(value["text"]) if value["text"] else []
    if not bars:
        errors.append(_error("", 0, "type some chords, e.g. " + json.dumps(SYNTAX["example"])))
    previous: list[tuple[dict, theory.Chord]] | None = None
    for index, symbols in enumerate(bars):
        number = index + 1
        if not symbols:
            errors.append(_error("", number, f"bar {number} is empty"))
            continue
        if symbols == [SYNTAX["repeat"]]:
            if previous is None:
                message = f'"{SYNTAX["repeat"]}" in bar {number} repeats the bar before, but there is none'
                errors.append(_error(SYNTAX["repeat"], number, message))
                continue
            for chord, parsed in previous:
                chords.append({**chord, "bar": index, "start": index * per_bar + chord["step"]})
                read.append((parsed, chord["sixteenths"]))
            continue
        if len(symbols) > per_bar:
            message = f"bar {number} has {len(symbols)} chords; a bar of {per_bar} sixteenths holds {per_bar} at most"
            errors.append(_error("", number, message))
            continue
        here, step = [], 0
        for i, symbol in enumerate(symbols):
            length = per_bar // len(symbols) + (per_bar % len(symbols) if i == len(symbols) - 1 else 0)
            parsed = theory.parse_chord_symbol(symbol)
            if parsed is None:
                errors.append(_error(symbol, number, f'"{symbol}" is not a chord symbol I know (bar {number})'))
            else:
                chord = {**parsed.to_dict(), "bar": index, "step": step, "start": index * per_bar + step}
                here.append(({**chord, "sixteenths": length}, parsed))
            step += length
        for chord, parsed in here:
            chords.append(chord)
            read.append((parsed, chord["sixteenths"]))
        previous = here
    if len(bars) > max_bars:
        errors.append(_error("", max_bars + 1, f"{len(bars)} bars; a progression has {max_bars} at most"))
    value["bars"] = len(bars)
    return {**value, "chords": chords, "errors": errors, "key": _key(read)}


def _key(read: list[tuple[theory.Chord, int]]) -> dict:
    """The key the chords are heard in (C major when none sounds)."""
    tonic, mode = theory.estimate_progression_key(read)
    return {"tonic": tonic, "mode": mode, "name": theory.key_name(tonic, mode)}


def followed_chords(text, meter=None) -> list[dict]:
    """The sounding chords of a progression as the composer follows them: [{step (sixteenths from the
    start), length, symbol}]; ValueError naming the first problem."""
    value = parse_progression(text, meter)
    if value["errors"]:
        raise ValueError(value["errors"][0]["message"])
    return [
        {"step": c["start"], "length": c["sixteenths"], "symbol": c["symbol"]}
        for c in value["chords"]
        if c["root"] is not None
    ]
