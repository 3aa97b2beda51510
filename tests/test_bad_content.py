"""Bad and odd content through the real build-site command: a clear message naming the file and the
place, a non-zero exit, and the previous dist/ untouched. Odd-but-valid files are encoded."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from builder.corpus import encode_file

from .browser import file_bytes
from .midi_bytes import midi_file, scale, track
from .test_build import run_cli


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """Tiny content built once (a real tiny model), reused by every case below."""
    from .conftest import make_tiny_content

    root = tmp_path_factory.mktemp("good")
    content = make_tiny_content(root)
    result = run_cli("--content", str(content), "--out", str(root / "dist"), "--quiet")
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def site(good_build, tmp_path):
    shutil.copytree(good_build / "content", tmp_path / "content")
    shutil.copytree(good_build / "dist", tmp_path / "dist")
    return tmp_path


def fails_cleanly(site: Path, *needles: str) -> str:
    before = file_bytes(site / "dist")
    result = run_cli("--content", str(site / "content"), "--out", str(site / "dist"), "--quiet")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
    assert file_bytes(site / "dist") == before
    assert sorted(p.name for p in site.iterdir()) == ["content", "dist"]
    return result.stderr


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("zero.mid", b"", "an empty file"),
        ("text.mid", b"# not music\n" * 10, "not a MIDI file"),
        ("cut.mid", midi_file([track(scale(64))])[:200], "truncated: track 1 declares"),
        ("type2.mid", midi_file([track(scale(8)), track(scale(8))], midi_format=2), "type-2 MIDI"),
        ("drums.mid", midi_file([track([(i * 240, 120, 36 + i % 3) for i in range(32)], channel=9)]), "no pitched notes"),
    ],
)
def test_a_bad_midi_file_is_named_and_nothing_is_lost(site, name, data, message):
    (site / "content" / "midi" / name).write_bytes(data)
    stderr = fails_cleanly(site, name, message)
    assert sum(line.startswith("error:") for line in stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("Cmaj9 | A7b9", "Cmaj9 | Q7"), "unknown chord symbol 'Q7'"),
        (("b4 a8 g8 f2 |", "b4 a8 g8 f2 g4 |"), "overflows the bar"),
        (('title = "First Light"\n', ""), "missing field 'title'"),
        (("c'#4 b-8", "x'#4 b-8"), "unknown note 'x'#4'"),
    ],
)
def test_a_bad_song_is_named_with_its_place(site, edit, message):
    song = site / "content" / "songs" / "first-light.toml"
    text = song.read_text()
    assert edit[0] in text
    song.write_text(text.replace(edit[0], edit[1], 1))
    fails_cleanly(site, "first-light.toml", message)


def test_a_site_config_with_an_unknown_key_is_named(site):
    config = site / "content" / "site.toml"
    config.write_text(config.read_text() + "\n[generation]\nwarmth = 3\n".replace("[generation]\n", ""))
    config.write_text(config.read_text().replace("[site]\n", "[site]\ncolour = 'blue'\n"))
    fails_cleanly(site, "site.toml", "unknown key 'colour' in [site]")


def test_odd_but_valid_files_are_encoded(tmp_path):
    """Several tracks, tempo changes, a pickup and triplets are music, not errors."""
    from music21 import converter

    several = tmp_path / "several.mid"
    several.write_bytes(midi_file([track(scale(16)), track([(0, 1920, 48), (1920, 1920, 43)]),
                                   track([(0, 960, 55)])]))
    tempos = tmp_path / "tempos.mid"
    tempos.write_bytes(midi_file([track(scale(16), tempo_changes=[(0, 500000), (960, 750000), (2400, 400000)])]))
    pickup = converter.parse("tinyNotation: 4/4 g8 a8 c'1 d'2 e'2")
    pickup_path = tmp_path / "pickup.mid"
    pickup.write("midi", fp=pickup_path)
    triplets = converter.parse("tinyNotation: 4/4 trip{c8 d e} f4 g2 trip{a4 b c'}")
    triplets_path = tmp_path / "triplets.mid"
    triplets.write("midi", fp=triplets_path)
    for path in (several, tempos, pickup_path, triplets_path):
        tokens = encode_file(path, "timed")
        assert tokens[0] == "<s>" and tokens[-1] == "</s>" and len(tokens) > 4, path.name
        assert all(int(t.split(":")[1]) >= 1 for t in tokens[1:-1]), path.name  # on the sixteenth grid
    assert len(encode_file(several, "timed")) > 10


def test_a_huge_midi_file_finishes(tmp_path):
    """Tens of thousands of notes: encoded in bounded time (the build shows a progress bar per file)."""
    huge = tmp_path / "huge.mid"
    huge.write_bytes(midi_file([track(scale(20000, step=120)), track([(i * 480, 480, 48 + i % 12) for i in range(5000)])]))
    started = time.monotonic()
    tokens = encode_file(huge, "timed")
    assert len(tokens) > 20000
    assert time.monotonic() - started < 300
