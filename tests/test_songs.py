from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from builder.errors import ContentError
from builder.progression import parse_progression
from builder.songs import encode_song, encode_songs, voice_chord
from builder.transport import sixteenths_per_bar, transport_to_sixteenths

REPO = Path(__file__).resolve().parent.parent

HEADER = """
title = "Test"
composer = "Tester"
licence = "CC0-1.0"
tempo = 80
time_signature = "{meter}"
"""


def write_song(tmp_path: Path, body: str, meter: str = "4/4", name: str = "song.toml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER.format(meter=meter) + body)
    return path


def test_default_song_encodes_with_events_on_the_grid():
    song, problems = encode_song(REPO / "content" / "songs" / "first-light.toml")
    assert problems == []
    assert song["bars"] == 16 and song["bpm"] == 72 and song["timeSignature"] == [4, 4]
    names = {part["name"] for part in song["parts"]}
    assert names == {"keys", "melody", "bass"}
    melody = next(p for p in song["parts"] if p["name"] == "melody")
    assert melody["events"][0] == {"time": "0:1:0", "duration": "0:0:2", "notes": ["A4"], "velocity": 0.7}


@pytest.mark.parametrize(
    ("meter", "bar", "expected_bar_sixteenths"),
    [("4/4", "c4 d4 e4 f4", 16), ("3/4", "c4 d4 e4", 12), ("6/8", "c8 d8 e8 f4.", 12)],
)
def test_meters_place_bar_two_at_the_right_transport_time(tmp_path, meter, bar, expected_bar_sixteenths):
    path = write_song(tmp_path, f'[parts.m]\nnotes = "{bar} | {bar}"\n', meter)
    song, problems = encode_song(path)
    assert problems == []
    per_bar = sixteenths_per_bar(*song["timeSignature"])
    assert per_bar == expected_bar_sixteenths
    events = song["parts"][0]["events"]
    second_bar = events[len(events) // 2]
    assert second_bar["time"] == "1:0:0"


def test_ties_join_notes_across_the_bar_line(tmp_path):
    path = write_song(tmp_path, '[parts.m]\nnotes = "c2 d2~ | d4 e4 f2"\n')
    song, problems = encode_song(path)
    assert problems == []
    tied = song["parts"][0]["events"][1]
    assert tied == {"time": "0:2:0", "duration": "0:3:0", "notes": ["D4"], "velocity": 0.7}


NOTE_LENGTHS = {"16": 1, "8": 2, "8.": 3, "4": 4, "4.": 6, "2": 8, "2.": 12, "1": 16}


@st.composite
def bars_of_notes(draw, per_bar=16):
    """Random bars that fill a 4/4 bar exactly, each written as tinyNotation."""
    bars = []
    for _ in range(draw(st.integers(1, 6))):
        left, tokens = per_bar, []
        while left:
            fits = [k for k, v in NOTE_LENGTHS.items() if v <= left]
            length = draw(st.sampled_from(fits))
            pitch = draw(st.sampled_from(["c", "d", "e-", "f#", "g", "a", "b", "r", "C", "c'"]))
            tokens.append(pitch + length)
            left -= NOTE_LENGTHS[length]
        bars.append(" ".join(tokens))
    return bars


@settings(max_examples=25, deadline=None)
@given(bars_of_notes())
def test_a_bars_events_never_spill_into_the_next_bar(tmp_path_factory, bars):
    path = write_song(tmp_path_factory.mktemp("s"), f'[parts.m]\nnotes = "{" | ".join(bars)}"\n')
    song, problems = encode_song(path)
    assert problems == []
    for event in song["parts"][0]["events"]:
        start = transport_to_sixteenths(event["time"], 16)
        end = start + transport_to_sixteenths(event["duration"], 16)
        assert start // 16 == (end - 1) // 16, event


def test_chords_are_spread_evenly_and_voiced_from_the_bass(tmp_path):
    path = write_song(tmp_path, '[parts.k]\ninstrument = "epiano"\nchords = "Dm7 G7 | Cmaj9 | %"\n')
    song, problems = encode_song(path)
    assert problems == []
    events = song["parts"][0]["events"]
    assert [e["time"] for e in events] == ["0:0:0", "0:2:0", "1:0:0", "2:0:0"]
    assert events[0]["notes"] == ["D2", "F3", "A3", "C4"]  # the bass an octave below the close chord
    assert events[0]["duration"] == "0:2:0"
    assert events[3]["notes"] == events[2]["notes"]  # '%' repeats the bar


@pytest.mark.parametrize(
    "chords, meter",
    [
        ("Dm7 G7 C | Am", "4/4"),  # three chords share a bar as the page's chord box shares it: 5, 5, 6
        ("| Dm7, G7 | C |", "4/4"),  # bar lines at both ends, commas between chords
        ("Am9 E7 | % | F N.C. G", "6/8"),
        ("Dm7 G7 Cmaj7", "3/4"),  # no bar line: one chord a bar
    ],
)
def test_a_songs_chords_follow_the_typed_progressions_rules(tmp_path, chords, meter):
    path = write_song(tmp_path, f'[parts.k]\nchords = "{chords}"\n', meter=meter)
    song, problems = encode_song(path)
    assert problems == []
    per_bar = sixteenths_per_bar(*song["timeSignature"])
    typed = parse_progression(chords, song["timeSignature"])
    assert song["bars"] == typed["bars"]
    sounding = [c for c in typed["chords"] if c["root"] is not None]
    events = song["parts"][0]["events"]
    assert [
        (e["symbol"], transport_to_sixteenths(e["time"], per_bar), transport_to_sixteenths(e["duration"], per_bar))
        for e in events
    ] == [(c["symbol"], c["start"], c["sixteenths"]) for c in sounding]
    assert [e["notes"] for e in events] == [voice_chord(c["symbol"]) for c in sounding]


@pytest.mark.parametrize(
    "chords, message, bar",
    [
        ("Dm7 | | G7", "bar 2 is empty", "bar 2"),
        ("% | Dm7", "repeats the bar before, but there is none", "bar 1"),
        ("C " * 17 + "| G", "bar 1 has 17 chords", "bar 1"),
        ("", "type some chords", None),
    ],
)
def test_a_songs_chord_problems_name_file_part_and_bar(tmp_path, chords, message, bar):
    path = write_song(tmp_path, f'[parts.k]\nchords = "{chords}"\n')
    song, problems = encode_song(path)
    assert song is None and len(problems) == 1
    (line,) = map(str, problems)
    assert line.startswith(str(path)) and message in line and "part 'k'" in line
    assert bar is None or f"part 'k', {bar}" in line


def test_a_chord_part_longer_than_a_typed_progression_is_a_song_still(tmp_path):
    chords = " | ".join(["Dm7 G7", "Cmaj7"] * 50)  # 100 bars; a typed progression has 64 at most
    song, problems = encode_song(write_song(tmp_path, f'[parts.k]\nchords = "{chords}"\n'))
    assert problems == [] and song["bars"] == 100
    _, problems = encode_song(write_song(tmp_path, '[parts.k]\nchords = "' + "C | " * 513 + '"\n'))
    assert [p.message for p in problems] == ["513 bars; a song may have 512 at most"]


def test_voicing_spells_flats_for_tone_and_knows_common_spellings():
    # The lo-fi voicing of builder/theory.py, the page's too: the bass in octave 2, the chord close
    # around middle C (F3-E4), its root left to the bass and, in rich chords, its fifth left out.
    assert voice_chord("Bbmaj7") == ["Bb2", "F3", "A3", "D4"]
    assert voice_chord("Dm9") == ["D2", "F3", "A3", "C4", "E4"]
    assert voice_chord("G13") == ["G2", "F3", "A3", "B3", "E4"]
    assert voice_chord("Cmaj9")[0] == "C2"
    assert voice_chord("D/F#")[0] == "F#2"
    assert voice_chord("Dm9", octave=4) == ["D3", "F4", "A4", "C5", "E5"]
    assert voice_chord("Cm(maj7)") == ["C2", "G3", "B3", "Eb4"]
    assert voice_chord("Hm7") is None and voice_chord("N.C.") is None


def test_no_chord_is_silence_in_every_spelling(tmp_path):
    path = write_song(tmp_path, '[parts.k]\nchords = "Dm7 N.C. | NC | n.c. C"\n')
    song, problems = encode_song(path)
    assert problems == []
    assert [e["time"] for e in song["parts"][0]["events"]] == ["0:0:0", "2:2:0"]


def test_every_problem_is_reported_with_file_bar_and_beat(tmp_path):
    body = """
[parts.keys]
chords = "Dm9 | Xq7 | G7 | C"
[parts.melody]
notes = "c4 d4 e4 f4 | c4 h4 d2 | a2 b2 c'4 | c1"
"""
    path = write_song(tmp_path, body)
    with pytest.raises(ContentError) as caught:
        encode_songs(tmp_path)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 3
    assert any('"Xq7" is not a chord symbol I know' in line and "part 'keys', bar 2" in line for line in lines)
    assert any("unknown note 'h4'" in line and "bar 2, token 2" in line for line in lines)
    assert any("overflows the bar" in line and "bar 3, beat 5" in line for line in lines)
    assert all(line.startswith(str(path)) for line in lines)


def test_missing_and_unknown_fields(tmp_path):
    (tmp_path / "a.toml").write_text('title = "x"\ncomposer = "y"\ntempo = 80\ntime_signature = "4/4"\ncolour = 1\n')
    with pytest.raises(ContentError) as caught:
        encode_songs(tmp_path)
    text = str(caught.value)
    assert "missing field 'licence'" in text and "missing field 'parts'" in text
    assert "unknown field 'colour'" in text


def test_short_bars_and_unequal_parts_are_errors(tmp_path):
    path = write_song(tmp_path, '[parts.a]\nnotes = "c4 d4 | c1"\n[parts.b]\nnotes = "c1"\n')
    _, problems = encode_song(path)
    text = "\n".join(map(str, problems))
    assert "bar holds 8 of 16 sixteenths" in text
    assert "same number of bars" in text


@pytest.mark.parametrize("octave", ["10", "99", "0", "-1", "7", '"high"', "3.5", "true"])
def test_a_chord_octave_outside_1_to_6_or_not_a_whole_number_is_named(tmp_path, octave):
    """An octave of 10 or more used to hang the build (music21 stops MIDI numbers at 127), a string
    was a traceback and a negative octave gave wrong notes without a word."""
    path = write_song(tmp_path, f'[parts.k]\nchords = "Dm7 | G7"\noctave = {octave}\n')
    song, problems = encode_song(path)
    assert song is None
    [problem] = problems
    assert problem.path == path and problem.where == "part 'k'"
    assert "must be a whole number from 1 to 6" in problem.message


@pytest.mark.parametrize("octave", [1, 6])
def test_chord_octaves_1_and_6_are_voiced_there(tmp_path, octave):
    path = write_song(tmp_path, f'[parts.k]\nchords = "B13 | C"\noctave = {octave}\n')
    song, problems = encode_song(path)
    assert problems == []
    first = song["parts"][0]["events"][0]["notes"]
    # The chord close in octave `octave` (F to E above it), the bass an octave below.
    assert first == [f"B{octave - 1}", f"Ab{octave}", f"A{octave}", f"Db{octave + 1}", f"Eb{octave + 1}"]


def test_a_voicing_above_the_midi_range_is_refused():
    """Octaves past MIDI's 127 cannot be named (the song reader refuses octaves outside 1..6 first)."""
    with pytest.raises(ValueError, match="MIDI"):
        voice_chord("B13", 9)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("index.toml", "songs/index.json is the site's list of songs"),
        ("ai.toml", "the player's id for the AI solo"),
        ("my#song.toml", "use only a-z, 0-9, '-' and '_'"),
        ("why?.toml", "use only a-z, 0-9, '-' and '_'"),
        ("Rainy Window.toml", "use only a-z, 0-9, '-' and '_'"),
        ("-dash.toml", "starting with a letter or digit"),
    ],
)
def test_a_song_file_name_that_cannot_be_its_id_is_refused(tmp_path, name, message):
    """The name is the song's id: songs/ID.json and the player's song menu (where 'ai' is the AI solo)."""
    write_song(tmp_path, '[parts.m]\nnotes = "c1"\n', name="fine_song-2.toml")
    path = write_song(tmp_path, '[parts.m]\nnotes = "c1"\n', name=name)
    with pytest.raises(ContentError) as caught:
        encode_songs(tmp_path)
    [problem] = caught.value.problems
    assert problem.path == path and message in problem.message


def non_regular_files(folder: Path) -> dict[str, str]:
    """A named pipe, a folder and a broken link, each called *.toml: file name -> expected message."""
    import os

    os.mkfifo(folder / "pipe.toml")
    (folder / "folder.toml").mkdir()
    (folder / "dangling.toml").symlink_to(folder / "no-such-file.toml")
    return {
        "pipe.toml": "a named pipe, not a regular file",
        "folder.toml": "a folder, not a regular file",
        "dangling.toml": "a broken symbolic link",
    }


def test_only_regular_song_files_are_read(tmp_path):
    """A named pipe would block the build forever; a folder or a broken link was a traceback."""
    write_song(tmp_path, '[parts.m]\nnotes = "c1"\n', name="good.toml")
    expected = non_regular_files(tmp_path)
    with pytest.raises(ContentError) as caught:
        encode_songs(tmp_path)
    found = {Path(p.path).name: p.message for p in caught.value.problems}
    assert set(found) == set(expected)
    for name, message in expected.items():
        assert message in found[name], found[name]
