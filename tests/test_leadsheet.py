"""The lead-sheet encoding: lead sheets (TOML) and chorales (MIDI) to tokens, and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import theory
from builder.augment import strip_chords, transpose_token
from builder.chorales import encode_chorale_file
from builder.errors import ContentError
from builder.leadsheet import decode, encode
from builder.leadsheet_files import load_leadsheet_corpus, read_leadsheet

HEADER = """
title = "Test"
composer = "Lofi Player contributors"
licence = "CC0-1.0"
tempo = 80
time_signature = "4/4"
"""

# Bar 1: a rest, notes, a note tied within the bar (5 sixteenths: split 4 + 1) and over the bar line.
# Bar 2: the tie's end, then a note tied over the chord change at half-bar. Bar 3: a 5-sixteenth rest.
C_MAJOR = (
    'key = "C major"',
    "Dm9 | G13 Cmaj7 | Am7",
    "r8 a8 c'4. r16 e'16~ e'4~ | e'8 b4 g8~ g4 r4 | r4 r16 a16 b8 c'2",
)
E_FLAT_MAJOR = (
    'key = "Eb major"',
    "Fm9 | Bb13 Ebmaj7 | Cm7",
    "r8 c'8 e'-4. r16 g'16~ g'4~ | g'8 d'4 b-8~ b-4 r4 | r4 r16 c'16 d'8 e'-2",
)
EXPECTED = (
    "<s> |1 @2:m7 r d2 n69 d2 n72 d6 r d1 n76 d4 ~ d1 "
    "|2 @7:7 ~ d2 n71 d4 n67 d2 @0:maj7 ~ d4 r d4 "
    "|3 @9:m7 r d4 r d1 n69 d1 n71 d2 n72 d8 </s>"
).split()


def write_sheet(folder: Path, name: str, key: str, chords: str, notes: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        f'{HEADER}{key}\n[parts.keys]\ninstrument = "epiano"\nchords = "{chords}"\n'
        f'[parts.melody]\ninstrument = "piano"\nnotes = "{notes}"\n'
    )
    return path


def tokens_of(path: Path) -> list[str]:
    sheet, problems = read_leadsheet(path)
    assert problems == []
    return encode(sheet)


def test_a_lead_sheet_says_its_style_and_each_bar_its_place_in_the_phrase(tmp_path):
    sheet, _ = read_leadsheet(write_sheet(tmp_path, "c", *C_MAJOR))
    sheet.bars = 18  # bar lines count 1..8 and start again at every phrase
    tokens = encode(sheet, style="lofi")
    assert tokens[:2] == ["<s>", "#lofi"]
    bars = [t for t in tokens if theory.read_token(t)["kind"] == "bar"]
    assert bars == [f"|{b % 8 + 1}" for b in range(18)]
    assert encode(sheet, style="chorale")[1] == "#chorale"
    assert decode(encode(sheet, style="lofi")).melody == decode(encode(sheet)).melody


def test_a_lead_sheet_becomes_bars_chords_and_melody_events(tmp_path):
    assert tokens_of(write_sheet(tmp_path, "c", *C_MAJOR)) == EXPECTED


def test_a_piece_in_e_flat_major_is_written_in_c_major(tmp_path):
    assert tokens_of(write_sheet(tmp_path, "eb", *E_FLAT_MAJOR)) == EXPECTED


def test_a_piece_in_f_sharp_minor_is_written_in_a_minor(tmp_path):
    path = write_sheet(
        tmp_path, "fs", 'key = "F# minor"', "G#m7b5 | C#7b9 | F#m9", "c'#4 e'4 g#4 r4 | e#4 g#4 b4 r4 | f#2 r2"
    )
    assert (
        tokens_of(path)
        == (
            "<s> |1 @11:m7b5 n76 d4 n79 d4 n71 d4 r d4 |2 @4:7 n68 d4 n71 d4 n74 d4 r d4 |3 @9:m7 n69 d8 r d8 </s>"
        ).split()
    )


def test_the_melody_is_moved_to_the_middle_register_and_folded_into_range(tmp_path):
    # C2 C3 E3 G6: the median (C3-E3) goes up an octave into 60..72; G6 is then above 84 and comes down.
    path = write_sheet(tmp_path, "low", 'key = "C major"', "C", "CC4 C4 E4 g''4")
    assert tokens_of(path) == "<s> |1 @0:maj n48 d4 n60 d4 n64 d4 n79 d4 </s>".split()


def test_decode_reads_the_tokens_back(tmp_path):
    piece = decode(EXPECTED)
    assert piece.bar_lengths == [16, 16, 16]
    assert [(c.start, c.length, c.token) for c in piece.chords] == [
        (0, 16, "@2:m7"),
        (16, 8, "@7:7"),
        (24, 8, "@0:maj7"),
        (32, 16, "@9:m7"),
    ]
    # Ties joined again: the E over the bar line is one note of 7 sixteenths, the G over the change 6.
    assert [(n.start, n.length, n.midi) for n in piece.melody] == [
        (2, 2, 69),
        (4, 6, 72),
        (11, 7, 76),
        (18, 4, 71),
        (22, 6, 67),
        (37, 1, 69),
        (38, 2, 71),
        (40, 8, 72),
    ]


def test_chord_tokens_can_be_stripped_and_pieces_transposed():
    assert strip_chords(EXPECTED)[:5] == ["<s>", "|1", "r", "d2", "n69"]
    assert not any(t.startswith("@") for t in strip_chords(EXPECTED))
    assert [transpose_token(t, 2) for t in ["@11:m7b5", "n60", "d4", "~", "@NC"]] == [
        "@1:m7b5",
        "n62",
        "d4",
        "~",
        "@NC",
    ]


def test_an_unreadable_chord_symbol_fails_naming_file_bar_and_symbol(tmp_path):
    folder = tmp_path / "leadsheets"
    folder.mkdir()
    write_sheet(folder, "good", *C_MAJOR)
    bad = write_sheet(folder, "bad", 'key = "C major"', "Dm9 | Gblorp7 C | Am7", C_MAJOR[2])
    with pytest.raises(ContentError) as error:
        load_leadsheet_corpus(tmp_path / "midi", folder, progress=False)
    lines = str(error.value).splitlines()
    assert len(lines) == 1
    assert str(bad) in lines[0] and "bar 2" in lines[0] and '"Gblorp7" is not a chord symbol' in lines[0]


def test_lead_sheets_are_read_into_the_corpus_and_cached(tmp_path):
    folder = tmp_path / "leadsheets"
    folder.mkdir()
    write_sheet(folder, "c", *C_MAJOR)
    cache = tmp_path / "model" / "tokens-cache.json"
    corpus = load_leadsheet_corpus(tmp_path / "midi", folder, progress=False, cache=cache)
    lofi = [EXPECTED[0], "#lofi", *EXPECTED[1:]]  # the collection's pieces say their style
    assert [(p.path, p.tokens, p.lofi) for p in corpus.pieces] == [("leadsheets/c.toml", lofi, True)]
    assert (tmp_path / "model" / "leadsheet-tokens-cache.json").exists()
    again = load_leadsheet_corpus(tmp_path / "midi", folder, progress=False, cache=cache)
    assert again.pieces[0].tokens == lofi


# ---- chorales -----------------------------------------------------------------------------------

# Soprano over beat-level harmony: C, C (another voicing), F, G7 | C.
SOPRANO = [("E5", 1), ("G5", 1), ("F5", 1), ("D5", 1), ("C5", 4)]
ALTO = [("E4", 1), ("G4", 1), ("A4", 1), ("F4", 1), ("E4", 4)]
TENOR = [("G3", 1), ("C4", 1), ("C4", 1), ("B3", 1), ("G3", 4)]
BASS = [("C3", 1), ("E3", 1), ("F3", 1), ("G3", 1), ("C3", 4)]


def write_chorale(path: Path, parts) -> Path:
    from music21 import meter, note, stream

    score = stream.Score()
    for notes in parts:
        part = stream.Part()
        part.append(meter.TimeSignature("4/4"))
        for name, quarters in notes:
            part.append(note.Note(name, quarterLength=quarters))
        score.insert(0, part)
    score.write("midi", fp=path)
    return path


def test_a_chorale_is_its_soprano_over_beat_chords_from_the_other_voices(tmp_path):
    path = write_chorale(tmp_path / "chorale.mid", [SOPRANO, ALTO, TENOR, BASS])
    # The two C beats merge into one chord; the melody (median E5) comes down an octave.
    assert (
        encode_chorale_file(path)
        == ("<s> #chorale |1 @0:maj n64 d4 n67 d4 @5:maj n65 d4 @7:7 n62 d4 |2 @0:maj n60 d16 </s>").split()
    )


def test_a_chorale_pickup_gets_its_bar_lines_where_the_long_notes_fall(tmp_path):
    # A quarter-note pickup on G, and the last bar shortened by it, as chorales are written.
    parts = [
        [pickup, *notes[:-1], (notes[-1][0], 3)]
        for pickup, notes in zip([("G4", 1), ("D4", 1), ("B3", 1), ("G3", 1)], [SOPRANO, ALTO, TENOR, BASS])
    ]
    path = write_chorale(tmp_path / "pickup.mid", parts)
    assert (
        encode_chorale_file(path)
        == (
            "<s> #chorale |1 @NC r d12 @7:maj n55 d4 |2 @0:maj n64 d4 n67 d4 @5:maj n65 d4 @7:7 n62 d4 |3 @0:maj n60 d12 r d4 </s>"
        ).split()
    )
