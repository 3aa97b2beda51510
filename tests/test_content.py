"""The songs shipped in content/songs: each one is complete, playable and credited."""

import re
import tomllib
from pathlib import Path

import pytest

from builder.songs import encode_song

REPO = Path(__file__).resolve().parent.parent
SONGS_DIR = REPO / "content" / "songs"
CREDITS = REPO / "content" / "CREDITS.md"
SONG_FILES = sorted(SONGS_DIR.glob("*.toml"))


def songs_table_files() -> set[str]:
    """The file names in the first column of the Songs table of content/CREDITS.md."""
    text = CREDITS.read_text(encoding="utf-8")
    section = re.search(r"^## Songs.*?$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, "content/CREDITS.md has no '## Songs' section"
    files = set()
    for line in section.group(1).splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].endswith(".toml"):
            files.add(cells[0])
    return files


def test_songs_are_shipped():
    assert len(SONG_FILES) >= 3


@pytest.mark.parametrize("path", SONG_FILES, ids=lambda p: p.stem)
def test_song_encodes_and_is_complete(path):
    song, problems = encode_song(path)
    assert problems == [], "\n".join(map(str, problems))
    assert song["bars"] >= 16
    for field in ("title", "composer", "licence"):
        assert str(song[field]).strip(), f"{path.name} has an empty {field}"
    assert 30 <= song["bpm"] <= 240
    assert all(part["events"] for part in song["parts"]), "every part plays something"


@pytest.mark.parametrize("path", SONG_FILES, ids=lambda p: p.stem)
def test_song_has_melody_chords_and_bass(path):
    parts = tomllib.loads(path.read_text(encoding="utf-8"))["parts"]
    song, _ = encode_song(path)
    events = {part["name"]: part["events"] for part in song["parts"]}

    chord_parts = [name for name, part in parts.items() if "chords" in part]
    bass_parts = [name for name, part in parts.items() if name == "bass" or part.get("instrument") == "bass"]
    melody_parts = [name for name, part in parts.items() if "notes" in part and name not in bass_parts]
    assert chord_parts, "a part written as chord symbols"
    assert bass_parts, "a part named or played as bass"
    assert melody_parts, "a melody: a part of notes that is not the bass"
    assert any(len(events[name][0]["notes"]) >= 3 for name in chord_parts)

    # The bass sits low (octave 1 to 3) and below the melody.
    octave = lambda note: int(re.search(r"-?\d+$", note).group())  # noqa: E731
    bass_octaves = {octave(n) for name in bass_parts for e in events[name] for n in e["notes"]}
    assert bass_octaves and max(bass_octaves) <= 3
    melody_octaves = {octave(n) for name in melody_parts for e in events[name] for n in e["notes"]}
    assert min(melody_octaves) > min(bass_octaves)


@pytest.mark.parametrize("path", SONG_FILES, ids=lambda p: p.stem)
def test_song_is_credited(path):
    assert path.name in songs_table_files(), f"add {path.name} to the Songs table of content/CREDITS.md"


def test_credits_list_no_missing_songs():
    shipped = {path.name for path in SONG_FILES}
    assert songs_table_files() <= shipped, "the Songs table names a file that is not in content/songs"


def test_shipped_songs_cover_common_meters():
    meters = set()
    for path in SONG_FILES:
        song, problems = encode_song(path)
        assert problems == []
        meters.add(tuple(song["timeSignature"]))
    assert {(4, 4), (3, 4), (6, 8)} <= meters
