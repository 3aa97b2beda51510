"""`build-site --out`: what it refuses to replace, and what it leaves when it is stopped or killed.

The refusals run on a content folder whose config fails the build's first check: if a refusal ever
went missing, the build would still stop before writing anything (some cases point at the project).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.build import BuildOptions, build
from builder.cli import main
from builder.output import MARKER, UNMARKED_BUILD_NAMES, OutputRefused
from builder.site import PROJECT_ROOT

from .browser import file_bytes
from .midi_bytes import midi_file, track


@pytest.fixture
def stopping_content(tmp_path) -> Path:
    content = tmp_path / "work" / "content"
    (content / "model").mkdir(parents=True)
    (content / "site.toml").write_text("[model]\nlayers = 3\n")  # an unknown key: the build's first check fails
    (content / "model" / "meta.json").write_text("{}")
    return content


def tree(folder: Path) -> dict:
    """Every file and folder under `folder` (symbolic links not followed), with the files' bytes."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def refused(capsys, content: Path, out: str) -> str:
    code = main(["--content", str(content), "--out", out])
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: --out {out or repr('')}: "), err
    return lines[0]


@pytest.mark.parametrize("out", ["", "  "])
def test_an_empty_out_is_refused(capsys, monkeypatch, tmp_path, stopping_content, out):
    monkeypatch.chdir(tmp_path)
    before = tree(tmp_path)
    assert "the path is empty" in refused(capsys, stopping_content, out)
    assert tree(tmp_path) == before


def test_the_current_folder_is_refused(capsys, monkeypatch, tmp_path, stopping_content):
    here = tmp_path / "site-sources"
    here.mkdir()
    (here / "notes.txt").write_text("mine")
    monkeypatch.chdir(here)
    before = tree(tmp_path)
    assert refused(capsys, stopping_content, ".").endswith(": is the current folder")
    assert tree(tmp_path) == before


def test_a_parent_of_the_current_folder_is_refused(capsys, monkeypatch, tmp_path, stopping_content):
    here = tmp_path / "a" / "b"
    here.mkdir(parents=True)
    (tmp_path / "a" / "notes.txt").write_text("mine")
    monkeypatch.chdir(here)
    before = tree(tmp_path)
    assert f": contains the current folder ({here.resolve()})" in refused(capsys, stopping_content, "..")
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "out, why",
    [
        ("content", ": is the content folder"),
        ("content/model", ": is inside the content folder ("),
        (".", ": contains the content folder ("),
    ],
)
def test_the_content_folder_inside_or_around_is_refused(capsys, monkeypatch, tmp_path, stopping_content, out, why):
    monkeypatch.chdir(stopping_content.parent)
    before = tree(tmp_path)
    # "." is also the current folder; the content it holds is the graver loss, so it is named first.
    assert why in refused(capsys, stopping_content, out)
    assert tree(tmp_path) == before


@pytest.mark.parametrize(
    "out, why",
    [
        (PROJECT_ROOT, ": is the project folder"),
        (PROJECT_ROOT.parent, f": contains the project folder ({PROJECT_ROOT})"),
        (PROJECT_ROOT / "web_src", ": is the page sources folder"),
        (PROJECT_ROOT / "web_src" / "site", ": is inside the page sources folder ("),
    ],
)
def test_the_project_and_its_sources_are_refused(capsys, monkeypatch, tmp_path, stopping_content, out, why):
    monkeypatch.chdir(tmp_path)
    assert why in refused(capsys, stopping_content, str(out))
    for path in [
        "pyproject.toml",
        "tests/conftest.py",
        "builder/cli.py",
        "web_src/templates/index.html",
        "content/site.toml",
    ]:
        assert (PROJECT_ROOT / path).exists(), path
    assert not (PROJECT_ROOT / "web_src" / "site").exists()


def test_a_file_is_refused_and_not_hidden(capsys, tmp_path, stopping_content):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    before = tree(tmp_path)
    assert refused(capsys, stopping_content, str(notes)).endswith(": is a file, not a folder")
    assert refused(capsys, stopping_content, str(notes / "site")).endswith(f": {notes} is a file, not a folder")
    assert tree(tmp_path) == before  # no .notes.txt.old-* either


def test_a_symbolic_link_is_refused_and_its_target_kept(capsys, tmp_path, stopping_content):
    real = tmp_path / "photos"
    real.mkdir()
    (real / "cat.jpg").write_bytes(b"\xff\xd8")
    (tmp_path / "dist").symlink_to(real)
    before = tree(tmp_path)
    assert f": is a symbolic link (to {real})" in refused(capsys, stopping_content, str(tmp_path / "dist"))
    assert tree(tmp_path) == before


def test_a_folder_the_build_did_not_write_is_refused(capsys, tmp_path, stopping_content):
    mine = tmp_path / "photos"
    mine.mkdir()
    (mine / "cat.jpg").write_bytes(b"\xff\xd8")
    (mine / "index.html").write_text("my own page")
    before = tree(tmp_path)
    assert f"did not write (it has no {MARKER} file)" in refused(capsys, stopping_content, str(mine))
    assert tree(tmp_path) == before


def test_the_build_function_refuses_too(tmp_path, stopping_content):
    with pytest.raises(OutputRefused, match="is the content folder"):
        build(BuildOptions(content=stopping_content, out=stopping_content, quiet=True))
    assert (stopping_content / "model" / "meta.json").read_text() == "{}"


# The builds below reuse the model that the built_site fixture trained: no training of their own.


def run_cli(*args: str, text: bool = True) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "builder.cli", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=text,
    )


def start_and_signal(content: Path, out: Path, signum: int) -> subprocess.CompletedProcess:
    """Start a build of `content` into `out` and send it `signum` while its staging folder exists."""
    build = run_cli("--content", str(content), "--out", str(out), "--quiet")
    while build.poll() is None and not list(out.parent.glob(f".{out.name}.new-*")):
        time.sleep(0.005)
    assert build.poll() is None, "the build ended before it was signalled: " + build.communicate()[1]
    build.send_signal(signum)
    stdout, stderr = build.communicate()
    return subprocess.CompletedProcess(build.args, build.returncode, stdout, stderr)


def test_sigterm_removes_the_staging_folder_and_keeps_the_output(built_site, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(built_site, out)
    before = file_bytes(out)
    stopped = start_and_signal(built_site.parent / "content", out, signal.SIGTERM)
    assert stopped.returncode == 143, stopped.stderr
    assert stopped.stderr.splitlines() == [f"Build stopped by SIGTERM; {out} was left as it was."]
    assert file_bytes(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_the_next_build_removes_what_a_killed_one_left_and_replaces_an_unmarked_earlier_build(built_site, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(built_site, out)
    killed = start_and_signal(built_site.parent / "content", out, signal.SIGKILL)
    assert killed.returncode == -signal.SIGKILL
    (left,) = tmp_path.glob(".dist.new-*")
    assert (left / MARKER).is_file()

    # dist/ as builds wrote it before they marked their output.
    (out / MARKER).unlink()
    for path in out.iterdir():
        if path.name not in UNMARKED_BUILD_NAMES:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    (out / "index.html").write_text("an earlier build's page")

    build = run_cli("--content", str(built_site.parent / "content"), "--out", str(out), "--quiet")
    _, stderr = build.communicate()
    assert build.returncode == 0, stderr
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert file_bytes(out) == file_bytes(built_site)
    assert f'"{MARKER}"' not in (out / "sw.js").read_text()  # a host need not serve it: not precached


def test_the_progress_bar_leaves_no_partial_line_in_a_log(tiny_content, tmp_path):
    # Well-formed but without a note: found while the files are parsed, under the progress bar.
    (tiny_content / "midi" / "silent.mid").write_bytes(midi_file([track([])]))
    build = run_cli("--content", str(tiny_content), "--out", str(tmp_path / "dist"), text=False)
    stderr = build.communicate()[1].decode()  # bytes: text mode would turn carriage returns into newlines
    assert build.returncode == 1
    assert "\r" not in stderr
    errors = [line for line in stderr.splitlines() if "silent.mid" in line]
    assert errors and all(line.startswith("error: ") for line in errors), stderr
