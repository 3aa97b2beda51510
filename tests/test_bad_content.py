"""Bad and odd content through the real build-site command: a clear message naming the file and the
place, a non-zero exit, and the previous dist/ untouched. Odd-but-valid files are encoded."""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest

from builder.corpus import encode_file
from builder.errors import ContentError

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
        (
            "drums.mid",
            midi_file([track([(i * 240, 120, 36 + i % 3) for i in range(32)], channel=9)]),
            "no pitched notes",
        ),
    ],
)
def test_a_bad_midi_file_is_named_and_nothing_is_lost(site, name, data, message):
    (site / "content" / "midi" / name).write_bytes(data)
    stderr = fails_cleanly(site, name, message)
    assert sum(line.startswith("error:") for line in stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("Cmaj9 | A7b9", "Cmaj9 | Q7"), '"Q7" is not a chord symbol I know'),
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
    several.write_bytes(midi_file([track(scale(16)), track([(0, 1920, 48), (1920, 1920, 43)]), track([(0, 960, 55)])]))
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


def test_a_huge_midi_file_finishes_or_is_refused_at_once(tmp_path):
    """Tens of thousands of notes: at the limits (builder/midilimits.py: 20,000 notes, 4,000 quarter
    notes) encoded in bounded time; past them refused from the file's bytes, before music21 reads it."""
    huge = tmp_path / "huge.mid"
    huge.write_bytes(
        midi_file([track(scale(16000, step=120)), track([(i * 480, 480, 48 + i % 12) for i in range(4000)])])
    )
    started = time.monotonic()
    tokens = encode_file(huge, "timed")
    assert len(tokens) > 16000
    assert time.monotonic() - started < 300

    huge.write_bytes(
        midi_file([track(scale(20000, step=120)), track([(i * 480, 480, 48 + i % 12) for i in range(5000)])])
    )
    started = time.monotonic()
    with pytest.raises(ContentError, match="refused: more than 20,000 notes"):
        encode_file(huge, "timed")
    assert time.monotonic() - started < 5


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _song_octave(content: Path, value: str) -> None:
    _edit(content / "songs" / "first-light.toml", "[parts.keys]\n", f"[parts.keys]\noctave = {value}\n")


def _setting(section: str, line: str):
    """Sets one key of site.toml's [section], replacing the tiny config's own value if it has one."""

    def edit(content: Path) -> None:
        config = content / "site.toml"
        text, key = config.read_text(), line.split("=")[0].strip()
        if re.search(rf"^{key} =", text, flags=re.M):
            config.write_text(re.sub(rf"^{key} =.*$", line, text, count=1, flags=re.M))
        elif f"[{section}]\n" in text:
            _edit(config, f"[{section}]\n", f"[{section}]\n{line}\n")
        else:
            config.write_text(text + f"\n[{section}]\n{line}\n")

    return edit


def _copy_song(name: str):
    return lambda content: shutil.copyfile(content / "songs" / "first-light.toml", content / "songs" / name)


def _site_toml_folder(content: Path) -> None:
    (content / "site.toml").unlink()
    (content / "site.toml").mkdir()


def _quote_gain(value: str):
    def edit(content: Path) -> None:
        (content / "quotes").mkdir()
        (content / "quotes" / "tea.toml").write_text(
            (REPO / "content" / "quotes" / "tea.toml").read_text() + f"gain = {value}\n"
        )

    return edit


def _fifo(folder: str, beside: str | None = None):
    """A named pipe called pipe.toml in `folder`, with a copy of the file `beside` as its audio."""

    def edit(content: Path) -> None:
        import os

        (content / folder).mkdir(exist_ok=True)
        os.mkfifo(content / folder / "pipe.toml")
        if beside:
            shutil.copyfile(REPO / "content" / folder / beside, content / folder / f"pipe{Path(beside).suffix}")

    return edit


REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("edit", "needles"),
    [
        # Each of these hung the build, ended in a traceback, or built a site the page could not read.
        (
            lambda c: _song_octave(c, "10"),
            ["first-light.toml (part 'keys')", "octave 10 must be a whole number from 1 to 6"],
        ),
        (
            lambda c: _song_octave(c, '"high"'),
            ["first-light.toml (part 'keys')", "octave 'high' must be a whole number"],
        ),
        (lambda c: _song_octave(c, "-1"), ["first-light.toml (part 'keys')", "octave -1 must be a whole number"]),
        (_fifo("songs"), ["pipe.toml: a named pipe, not a regular file"]),
        (_fifo("drums"), ["pipe.toml: a named pipe, not a regular file"]),
        (_fifo("ambience", beside="rain.ogg"), ["pipe.toml: a named pipe, not a regular file"]),
        (_fifo("quotes"), ["pipe.toml: a named pipe, not a regular file"]),
        (
            lambda c: (c / "songs" / "gone.toml").symlink_to(c / "songs" / "nowhere.toml"),
            ["gone.toml: a broken symbolic link"],
        ),
        (lambda c: (c / "songs" / "x.toml").mkdir(), ["x.toml: a folder, not a regular file"]),
        (_site_toml_folder, ["site.toml: a folder, not a regular file"]),
        (_copy_song("index.toml"), ["index.toml: a song cannot be called 'index'"]),
        (_copy_song("ai.toml"), ["ai.toml: a song cannot be called 'ai'"]),
        (_copy_song("side#b.toml"), ["side#b.toml: the file name 'side#b' is the song's id in the page's URLs"]),
        (_quote_gain("nan"), ["tea.toml: gain must be between 0 and 2, not nan"]),
        (_quote_gain("-7"), ["tea.toml: gain must be between 0 and 2, not -7"]),
        (
            _setting("generation", "length = 100000000"),
            ["site.toml: [generation] length = 100000000: must be from 1 to 4096"],
        ),
        (_setting("generation", "length = 0"), ["site.toml: [generation] length = 0: must be from 1 to 4096"]),
        (
            _setting("generation", "temperature = nan"),
            ["site.toml: [generation] temperature = nan: must be from 0 to 3"],
        ),
        (_setting("model", "lstm_units = [100000]"), ["site.toml: [model] lstm_units = [100000]: each entry must be"]),
        (_setting("model", "validation_share = 0.0"), ["site.toml: [model] validation_share = 0.0: must be from 0.01"]),
        (_setting("model", "learning_rate = -1"), ["site.toml: [model] learning_rate = -1: must be from"]),
        (_setting("model", "sequence_length = 0"), ["site.toml: [model] sequence_length = 0: must be from 2"]),
    ],
)
def test_content_that_hung_or_crashed_the_build_is_one_named_error(site, edit, needles):
    edit(site / "content")
    stderr = fails_cleanly(site, *needles)
    assert sum(line.startswith("error:") for line in stderr.splitlines()) == 1, stderr
