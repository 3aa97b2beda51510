"""Ctrl-C and SIGTERM end the build within seconds even while worker processes parse the MIDI corpus
(the first build after a clone): the workers go with it, what was parsed is kept for the next build,
and a second Ctrl-C changes nothing but the wait."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.site import PROJECT_ROOT

from .conftest import make_tiny_content

# Enough for the two workers to be busy well past the test's wait on a quiet machine too (60 were
# parsed before the Ctrl-C came when the machine was idle, and the build was training by then).
CHORALES = 300


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def gone(pids: set[int]) -> bool:
    """Whether all of `pids` have ended (a process tearing down its memory gets a second)."""
    deadline = time.monotonic() + 1
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(alive(pid) for pid in pids)


@pytest.fixture
def big_corpus(tmp_path) -> Path:
    content = make_tiny_content(tmp_path)
    for path in sorted((PROJECT_ROOT / "content" / "midi").rglob("*.mid"))[:CHORALES]:
        shutil.copyfile(path, content / "midi" / path.name)
    return content


def start(content: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "builder.cli", "--content", str(content), "--out", str(out), "--quiet"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )


def workers_started(build: subprocess.Popen, settle: float) -> set[int]:
    """Wait until the parse's workers run (and `settle` seconds more, so that some files are parsed)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and build.poll() is None:
        # The resource tracker is one child; the workers are the others.
        if len(children(build.pid)) >= 3:
            time.sleep(settle)
            found = children(build.pid)
            # Still parsing: else the signal would reach some other stage than the one under test.
            assert len(found) >= 3, "the parse ended before the signal: the corpus is too small for this machine"
            return found
        time.sleep(0.05)
    raise AssertionError("the parse's workers never started: " + (build.communicate()[1] if build.poll() else ""))


def stopped_within(build: subprocess.Popen, seconds: float) -> tuple[float, str]:
    started = time.monotonic()
    try:
        _, err = build.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        raise
    return time.monotonic() - started, err


@pytest.mark.parametrize("twice", [False, True])
def test_ctrl_c_during_the_parallel_parse_ends_the_build_within_seconds(big_corpus, tmp_path, twice):
    out = tmp_path / "dist"
    build = start(big_corpus, out)
    workers = workers_started(build, settle=8)
    os.killpg(build.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
    if twice:
        time.sleep(0.2)
        os.killpg(build.pid, signal.SIGINT)
    took, err = stopped_within(build, 5)
    assert took < 5, f"{took:.1f} s"
    assert build.returncode == 130, err
    assert err.splitlines() == [f"Build interrupted; {out} was left as it was."]
    assert gone(workers)
    assert not out.exists()
    # What was parsed is kept (how much depends on the machine's load: the test below counts it).
    cache = json.loads((big_corpus / "model" / "tokens-cache.json").read_text())
    assert len(cache["files"]) < CHORALES + 3
    assert [p.name for p in (big_corpus / "model").iterdir() if p.name.endswith(".partial")] == []


def test_sigterm_during_the_parallel_parse_ends_the_build_and_its_workers(big_corpus, tmp_path):
    out = tmp_path / "dist"
    build = start(big_corpus, out)
    workers = workers_started(build, settle=1)
    build.send_signal(signal.SIGTERM)  # the parent only: it must end its workers itself
    took, err = stopped_within(build, 5)
    assert took < 5, f"{took:.1f} s"
    assert build.returncode == 143, err
    assert err.splitlines() == [f"Build stopped by SIGTERM; {out} was left as it was."]
    assert gone(workers)


def test_a_stop_keeps_the_files_parsed_before_it(tiny_content, monkeypatch):
    """The cache gets every file parsed before the stop, so the next build starts from there."""
    from builder import corpus

    encode = corpus._encode_or_problem
    parsed = []

    def stop_at_the_third(path, encoding):
        if len(parsed) == 2:
            raise KeyboardInterrupt
        parsed.append(path.name)
        return encode(path, encoding)

    monkeypatch.setattr(corpus.os, "cpu_count", lambda: 1)  # in this process, where the stop can be staged
    monkeypatch.setattr(corpus, "_encode_or_problem", stop_at_the_third)
    cache = tiny_content / "model" / "tokens-cache.json"
    with pytest.raises(KeyboardInterrupt):
        corpus.load_corpus(tiny_content / "midi", "leadsheet", progress=False, cache=cache)
    assert len(json.loads(cache.read_text())["files"]) == 2 == len(parsed)

    monkeypatch.setattr(
        corpus, "_encode_or_problem", lambda path, encoding: parsed.append(path.name) or encode(path, encoding)
    )
    assert len(corpus.load_corpus(tiny_content / "midi", "leadsheet", progress=False, cache=cache).pieces) == 3
    assert len(parsed) == 3  # only the file not parsed before the stop


def test_ctrl_c_while_the_build_loads_its_modules_is_one_line(tmp_path):
    """The build's own modules (numpy, TensorFlow...) take a while to load: a Ctrl-C then is an
    interrupted build, in one line, not a traceback from the middle of an import."""
    content = tmp_path / "content"
    content.mkdir()
    build = start(content, tmp_path / "dist")
    maps = Path("/proc") / str(build.pid) / "maps"
    deadline = time.monotonic() + 60
    while build.poll() is None and time.monotonic() < deadline and "numpy" not in maps.read_text():
        time.sleep(0.002)
    assert build.poll() is None, build.communicate()[1]
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode == 130, err
    assert err.splitlines() == [f"Build interrupted; {tmp_path / 'dist'} was left as it was."]
