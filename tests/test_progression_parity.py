"""One reading of the listener's musical text in both languages: a progression
(builder/progression.py and web_src/js/music/progression.js), a key name (builder/theory.py and
music/theory.js) and a model token as the page's readers take it (ai/grammar.js classifyVocab and
ai/leadsheet.js's decoder against builder/theory.py read_token and builder/leadsheet.py decode).
The same cases, valid and junk, run through Python and through node, must give the same values.
"""

from __future__ import annotations

import pytest

from builder import leadsheet, theory
from builder.progression import MAX_BARS, followed_chords, parse_progression

from .node_script import python_results, run_node
from .token_cases import VOCABULARY_TOKEN_CASES

# ---- the cases ----------------------------------------------------------------------------------

PROGRESSIONS = [
    "Dm7 G7 Cmaj7 Am7",
    "Dm9 | G13 | Cmaj9 | A7b9",
    "C F G | Am",
    "Dm7 G7 | Cmaj7",
    "Dm9 | G13 C | %",
    "Dm7 % G7 %",
    "| Dm7 | G7 |",
    "Dm7 | G7 |",
    "| Dm7",
    "Dm7,G7,Cmaj7",
    "Dm7, G7 | , Cmaj7",
    "  Dm7\tG7\nCmaj7  ",
    "Dm7\u00a0G7\u3000Cmaj7\u2003Am7",
    "Dm7\ufeffG7",
    "N.C. Dm7 | G7",
    "Dm7 N.C. | G7 Cmaj7",
    "NC | n.c. | N.C | nc",
    "N.C.",
    "N. C.",
    "C♯m7 F♯7 | B♭maj7",
    "Cmaj7/B | C/E G7/B",
    "C D E F G A B C D E F G A B C D",
    "C D E F G A B C D E F G A B C D E | C",
    " ".join(["Dm7", "G7", "Cmaj7", "Am7"] * 16),
    " ".join(["Dm7", "G7", "Cmaj7", "Am7"] * 16 + ["Dm7"]),
    " | ".join(["Dm7 G7"] * 65),
    "Dm7 " * 1000,
    "",
    "   ",
    "|",
    "||",
    "| |",
    "Dm7 || G7",
    "Dm7 | | G7",
    "%",
    "% Dm7",
    "| % | Dm7",
    "Dm7 | % G7",
    "Dm7 | %%",
    "Hm7 G7",
    "Dm7 | Xyz | Q7",
    "Dm7 G7 Cmaj7 Am7 | ???",
    "Ｃmaj7",
    "Dm7/",
    "C/H",
    "Cmaj7 Dm7 Em7 | Fmaj7 G7 Am7 Bm7b5",
    "Gm9 | Gb13 | Fmaj9 | Ab13",
    "Cm9 | Ab7 | G7alt | Cm9",
    None,
    5,
    ["Dm7"],
]
METERS = [
    [4, 4],
    [3, 4],
    [6, 8],
    [5, 4],
    [7, 8],
    [2, 2],
    [0, 4],
    [4, 5],
    [-3, 4],
    None,
    "4/4",
    [4],
    [4, 4, 4],
    ["4", 4],
]
METER_TEXTS = ["Dm7 G7 Cmaj7", "C F G | Am", "Dm7 G7 | %", "C D E F G A B C D E F G A B C D E", ""]

KEY_NAMES = [
    "C major",
    "A minor",
    "D dorian",
    "F# mixolydian",
    "Bb minor",
    "A aeolian",
    "C ionian",
    "E phrygian",
    "F lydian",
    "B locrian",
    "Eb Dorian",
    "G MIXOLYDIAN",
    "C#  lydian",
    " Ab aeolian ",
    "B- locrian",
    "Fx dorian",
    "D dorian ",
    "D doric",
    "D blues",
    "D",
    "dorian",
    "H dorian",
    "D-dorian",
    "D\u00a0dorian",
    "D constructor",
    "D __proto__",
    "D toString",
    "",
    None,
    7,
]


def decoder_sequences() -> list[list[str]]:
    """Well-formed short pieces, then each with every token the readers refuse put in at several
    places: both decoders skip it and read the piece as without it."""
    head = ["<s>", "#lofi", "|1", "@2:m7"]
    pieces = [
        [*head, "n62", "d4", "~", "d4", "r", "d8", "|2", "@7:7", "n67", "d16", "</s>"],
        [*head, "n62", "d16", "|2", "@NC", "r", "d16", "|3", "@0:maj7", "n64", "d8", "~", "d8", "</s>"],
    ]
    junk = [token for token in VOCABULARY_TOKEN_CASES if theory.read_token(token) is None]
    for token in junk:
        for at in (2, 4, 5, 6, 8):
            piece = list(pieces[0])
            piece.insert(at, token)
            pieces.append(piece)
    return pieces


def build_cases() -> list[dict]:
    cases = [{"fn": "progression", "args": [text]} for text in PROGRESSIONS]
    cases += [{"fn": "progression", "args": [text, meter]} for meter in METERS for text in METER_TEXTS]
    cases += [{"fn": "key", "args": [text]} for text in KEY_NAMES]
    cases += [{"fn": "keyShift", "args": [tonic, mode]} for tonic in (0, 2, 6, 11) for mode in theory.KEY_MODES]
    cases += [{"fn": "keyShift", "args": [0, mode]} for mode in ("ionian", "aeolian", "blues", "Dorian", None)]
    cases += [{"fn": "keyScale", "args": [tonic, mode]} for tonic in (0, 3, 6, 10) for mode in theory.KEY_MODES]
    cases += [{"fn": "keyScale", "args": [0, mode]} for mode in ("blues", "aeolian", None)]
    cases += [{"fn": "token", "args": [token]} for token in VOCABULARY_TOKEN_CASES]
    cases += [{"fn": "decode", "args": [tokens]} for tokens in decoder_sequences()]
    return cases


# ---- running them -------------------------------------------------------------------------------


def _token_class(token: str) -> dict:
    read = theory.read_token(token)
    kind = read["kind"] if read else "other"
    return {
        "kind": kind,
        "midi": read["midi"] if kind == "note" else None,
        "sixteenths": read["sixteenths"] if kind == "length" else None,
    }


def run_python(case: dict):
    fn, args = case["fn"], case["args"]
    if fn == "progression":
        return parse_progression(*args)
    if fn == "key":
        return theory.parse_key_name(*args)
    if fn == "keyShift":
        return theory.key_shift_to_c(*args)
    if fn == "keyScale":
        return theory.key_pitch_classes(*args)
    if fn == "token":
        return _token_class(*args)
    piece = leadsheet.decode(args[0])
    return {
        "chords": [[c.start, c.length, c.token] for c in piece.chords],
        "melody": [[n.start, n.length, n.midi] for n in piece.melody],
    }


NODE_RUNNER = r"""
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const [casesPath, root] = process.argv.slice(1);
const load = (path) => import(pathToFileURL(`${root}/${path}`).href);
const { parseProgression } = await load('web_src/js/music/progression.js');
const { parseKeyName, keyShiftToC, keyPitchClasses } = await load('web_src/js/music/theory.js');
const { classifyVocab } = await load('web_src/js/ai/grammar.js');
const { decodeLeadSheet } = await load('web_src/js/ai/leadsheet.js');
function run({ fn, args }) {
  if (fn === 'progression') return parseProgression(...args);
  if (fn === 'key') return parseKeyName(...args);
  if (fn === 'keyShift') return keyShiftToC(...args);
  if (fn === 'keyScale') return keyPitchClasses(...args);
  if (fn === 'token') {
    const classes = classifyVocab(args);
    return { kind: classes.kinds[0], midi: classes.notes.get(0) ?? null, sixteenths: classes.lengths.get(0) ?? null };
  }
  const piece = decodeLeadSheet(args[0]);
  return { chords: piece.chords.map((c) => [c.step, c.length, c.token]), melody: piece.melody.map((n) => [n.step, n.length, n.midi]) };
}
const results = JSON.parse(readFileSync(casesPath, 'utf8')).map((c) => {
  try {
    const value = run(c);
    return value === undefined ? null : value;
  } catch {
    return { error: true };
  }
});
process.stdout.write(JSON.stringify(results));
"""


@pytest.fixture(scope="module")
def cases():
    return build_cases()


def test_python_and_javascript_read_the_same_text_the_same_way(cases, tmp_path):
    python = python_results(run_python, cases)
    javascript = run_node(NODE_RUNNER, cases, tmp_path)
    assert len(javascript) == len(python)
    differences = [(case, py, js) for case, py, js in zip(cases, python, javascript) if py != js]
    assert not differences, f"{len(differences)} of {len(cases)} cases differ; first: {differences[:2]}"


def test_the_cases_hold_valid_and_junk_of_every_kind(cases):
    results = python_results(run_python, cases)
    by_fn: dict[str, list] = {}
    for case, result in zip(cases, results):
        by_fn.setdefault(case["fn"], []).append(result)
    progressions = by_fn["progression"]
    assert sum(not r["errors"] for r in progressions) >= 25 and sum(bool(r["errors"]) for r in progressions) >= 20
    keys = by_fn["key"]
    assert sum(k is not None for k in keys) >= 15 and sum(k is None for k in keys) >= 10
    kinds = {r["kind"] for r in by_fn["token"]}
    assert kinds >= {"start", "end", "bar", "style", "tie", "rest", "chord", "note", "length", "other"}
    assert sum(r["kind"] == "other" for r in by_fn["token"]) >= 15


# ---- what the text means (checked in Python; the parity test holds the page to it) -----------------


def spans(text: str, meter=None) -> list[tuple[str, int, int]]:
    return [(c["symbol"], c["start"], c["sixteenths"]) for c in parse_progression(text, meter)["chords"]]


def test_without_bar_lines_each_chord_is_a_bar():
    value = parse_progression("Dm7 G7 Cmaj7 Am7")
    assert value["bars"] == 4 and value["errors"] == []
    assert spans("Dm7 G7 Cmaj7 Am7") == [("Dm7", 0, 16), ("G7", 16, 16), ("Cmaj7", 32, 16), ("Am7", 48, 16)]
    assert value["key"] == {"tonic": 0, "mode": "major", "name": "C major"}


def test_chords_in_a_bar_share_it_and_the_last_takes_the_rest():
    assert spans("C F G | Am") == [("C", 0, 5), ("F", 5, 5), ("G", 10, 6), ("Am", 16, 16)]
    assert spans("Dm7 G7 | C", [3, 4]) == [("Dm7", 0, 6), ("G7", 6, 6), ("C", 12, 12)]


def test_a_repeat_copies_the_bar_before_and_bar_lines_at_the_ends_are_allowed():
    assert followed_chords("Dm9 | G13 C | %") == [
        {"step": 0, "length": 16, "symbol": "Dm9"},
        {"step": 16, "length": 8, "symbol": "G13"},
        {"step": 24, "length": 8, "symbol": "C"},
        {"step": 32, "length": 8, "symbol": "G13"},
        {"step": 40, "length": 8, "symbol": "C"},
    ]
    assert spans("| Dm7 | G7 |") == spans("Dm7 | G7")


def test_no_chord_is_a_silent_chord_the_composer_does_not_follow():
    value = parse_progression("Dm7 N.C. | G7")
    assert [c["root"] for c in value["chords"]] == [2, None, 7] and value["errors"] == []
    assert [c["symbol"] for c in followed_chords("Dm7 N.C. | G7")] == ["Dm7", "G7"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'type some chords, e.g. "Dm7 G7 Cmaj7 Am7"'),
        ("Dm7 || G7", "bar 2 is empty"),
        ("% Dm7", '"%" in bar 1 repeats the bar before, but there is none'),
        ("Dm7 | Hm7", '"Hm7" is not a chord symbol I know (bar 2)'),
        ("C " * 17 + "| C", "bar 1 has 17 chords; a bar of 16 sixteenths holds 16 at most"),
        ("Dm7 " * (MAX_BARS + 1), f"{MAX_BARS + 1} bars; a progression has {MAX_BARS} at most"),
    ],
)
def test_a_bad_progression_is_refused_in_one_line_naming_its_bar_or_symbol(text, message):
    with pytest.raises(ValueError) as error:
        followed_chords(text)
    assert str(error.value) == message and "\n" not in message


@pytest.mark.parametrize(
    ("name", "key", "shift"),
    [
        ("D dorian", (2, "dorian"), 0),
        ("F# mixolydian", (6, "mixolydian"), 1),
        ("Bb minor", (10, "minor"), -1),
        ("C major", (0, "major"), 0),
        ("A aeolian", (9, "minor"), 0),
        ("F# dorian", (6, "dorian"), -4),  # E major's notes, as the lead sheet that states it has
    ],
)
def test_a_modal_key_moves_its_notes_to_the_white_keys(name, key, shift):
    assert theory.parse_key_name(name) == key
    assert theory.key_shift_to_c(*key) == shift


def test_a_modal_key_has_the_notes_of_its_major_scale():
    assert theory.key_pitch_classes(2, "dorian") == theory.key_pitch_classes(0, "major") == [0, 2, 4, 5, 7, 9, 11]
    assert theory.key_pitch_classes(6, "dorian") == theory.key_pitch_classes(4, "major")
    assert theory.key_pitch_classes(9, "minor") == [0, 2, 4, 5, 7, 8, 9, 11]  # with the raised 7th of its V7


def test_the_modes_agree_with_the_models_major_and_minor():
    for mode, tonic in theory.THEORY["keys"]["modelTonic"].items():
        assert theory.KEY_MODES[mode] == tonic
