"""Every failure is one line naming the file (and the field or place), never a traceback; the exit
status is non-zero and the previous site stays as it was. An unexpected error is a bug: one line
asking to report it, the traceback only with LOFI_PLAYER_DEBUG set."""

from __future__ import annotations

import errno
import shutil
import time

import pytest

from builder.cli import DEBUG_ENV, main
from builder.errors import ContentError
from builder.leadsheet_files import read_leadsheet
from builder.site import PROJECT_ROOT
from builder.songs import encode_songs

SONG = 'title = "T"\ncomposer = "c"\nlicence = "CC0-1.0"\ntempo = 80\ntime_signature = "4/4"\n'


@pytest.fixture
def site(content_copy, tmp_path):
    """A copy of the tiny content with its trained model, and a site built from it."""
    content = content_copy
    out = tmp_path / "dist"
    assert main(["--content", str(content), "--out", str(out), "--quiet", "--no-train"]) == 0
    return content, out


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error(capsys) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err, err
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, err
    return errors[0]


def test_a_full_disk_while_copying_is_one_line(site, capsys, monkeypatch):
    content, out = site
    before = snapshot(out)

    def full(source, target, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr("builder.media.shutil.copyfile", full)
    assert main(["--content", str(content), "--out", str(out), "--quiet", "--no-train"]) == 1
    assert "No space left on device" in one_error(capsys)
    assert snapshot(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".dist.new-")] == []


@pytest.mark.parametrize("length", [300, 5000])
def test_an_out_name_too_long_is_one_line(tmp_path, capsys, length):
    content = tmp_path / "content"
    content.mkdir()
    assert main(["--content", str(content), "--out", str(tmp_path / ("x" * length))]) == 2
    line = one_error(capsys)
    assert "File name too long" in line and len(line) < 400


def test_deep_toml_is_one_line_naming_the_file(tmp_path, capsys):
    content = tmp_path / "content"
    content.mkdir()
    (content / "site.toml").write_text("[site]\ntitle = " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert main(["--content", str(content), "--out", str(tmp_path / "dist")]) == 1
    assert f"{content / 'site.toml'}: not readable: arrays or tables nested too deeply" in one_error(capsys)


def test_an_unexpected_error_asks_to_be_reported(site, capsys, monkeypatch):
    content, out = site
    before = snapshot(out)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("builder.build.write_data", broken)
    args = ["--content", str(content), "--out", str(out), "--quiet", "--no-train"]
    assert main(args) == 1
    line = one_error(capsys)
    assert "unexpected ZeroDivisionError" in line and "please report it" in line and DEBUG_ENV in line
    monkeypatch.setenv(DEBUG_ENV, "1")
    assert main(args) == 1
    assert "Traceback" in capsys.readouterr().err
    assert snapshot(out) == before


def songs_with(tmp_path, files: dict[str, str]):
    folder = tmp_path / "songs"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    with pytest.raises(ContentError) as error:
        encode_songs(folder)
    return [str(p).replace(f"{folder}/", "") for p in error.value.problems]


def test_wrong_types_in_a_song_are_named(tmp_path):
    assert songs_with(
        tmp_path,
        {
            "a.toml": SONG + 'parts.keys = "x"\n',
            "b.toml": SONG.replace('"T"', '["a", "b"]') + '[parts.m]\nnotes = "c1"\n',
            "c.toml": SONG + "[parts.m]\nnotes = 5\n",
        },
    ) == [
        "a.toml (part 'keys'): must be a table with 'instrument' and 'notes' or 'chords'",
        "b.toml: 'title' must be text in quotes, not an array",
        "c.toml (part 'm'): 'notes' must be text in quotes, not a number",
    ]


def test_a_melody_note_outside_midi_is_named_not_respelled(tmp_path):
    assert songs_with(
        tmp_path,
        {
            "high.toml": SONG + "[parts.m]\nnotes = \"c''''''''''1\"\n",
            "low.toml": SONG + '[parts.m]\nnotes = "CCCCCCCC1"\n',
        },
    ) == [
        "high.toml (part 'm', bar 1, beat 1): 'c''''''''''1' is C in octave 14: a note must lie from C-1 to G9 (MIDI 0 to 127)",
        "low.toml (part 'm', bar 1, beat 1): 'CCCCCCCC1' is C in octave -4: a note must lie from C-1 to G9 (MIDI 0 to 127)",
    ]


def test_a_lead_sheet_melody_in_octave_13_is_one_problem(tmp_path):
    sheet = tmp_path / "high.toml"
    sheet.write_text(SONG + "[parts.keys]\nchords = \"Dm9\"\n[parts.melody]\nnotes = \"c'''''''''1\"\n")
    song, problems = read_leadsheet(sheet)
    assert song is None
    assert [p.message for p in problems] == [
        "'c'''''''''1' is C in octave 13: a note must lie from C-1 to G9 (MIDI 0 to 127)"
    ]


def test_two_songs_with_one_id_are_refused(tmp_path):
    first = (PROJECT_ROOT / "content" / "songs" / "first-light.toml").read_text()
    assert songs_with(tmp_path, {"first-light.TOML": first, "first-light.toml": first}) == [
        "first-light.toml: the song id 'first-light' is taken by first-light.TOML: rename one of them"
    ]


def test_a_file_size_limit_is_one_line(site):
    """`ulimit -f`: Python ignores SIGXFSZ, so the write that passes the limit fails as an OSError."""
    import resource
    import subprocess
    import sys

    content, out = site
    before = snapshot(out)

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = subprocess.run(
        [sys.executable, "-m", "builder.cli", "--content", str(content), "--out", str(out), "--no-train", "--quiet"],
        preexec_fn=limit,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert line.endswith(": File too large")
    assert snapshot(out) == before


def test_a_song_too_long_is_refused_before_it_is_read(tmp_path):
    started = time.monotonic()
    problems = songs_with(tmp_path, {"long.toml": SONG + '[parts.m]\nnotes = "' + "c1 | " * 10_000 + '"\n'})
    assert problems == ["long.toml (part 'm'): 10,000 bars; a song may have 512 at most"]
    assert time.monotonic() - started < 5


def test_a_drum_pattern_with_too_many_lanes_is_refused(tmp_path):
    from builder.media import gather_media

    content = tmp_path / "content"
    (content / "drums").mkdir(parents=True)
    (content / "samples" / "drums").mkdir(parents=True)
    shutil.copyfile(
        PROJECT_ROOT / "content" / "samples" / "drums" / "bd_jazz.ogg", content / "samples" / "drums" / "k.ogg"
    )
    lanes = "".join(f'[lanes.l{i}]\nsample = "k"\nsteps = "X..............."\n' for i in range(10_000))
    (content / "drums" / "wide.toml").write_text('name = "Wide"\n' + lanes)
    with pytest.raises(ContentError) as error:
        gather_media(content, PROJECT_ROOT)
    assert [str(p) for p in error.value.problems] == [
        f"{content / 'drums' / 'wide.toml'}: 10,000 lanes; a pattern may have 16 at most"
    ]
