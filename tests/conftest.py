"""Shared fixtures: a tiny real content folder (MIDI written by music21) and a tiny model config;
the sites built from it, served; a headless Chromium for the browser tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder.build import BuildOptions, build
from builder.serve import serve_in_background

from .browser import launch

REPO = Path(__file__).resolve().parent.parent

TINY_SITE_TOML = """
[site]
title = "Tiny Lofi"

[model]
embedding = 8
lstm_units = [16, 16]
dense_units = 16
sequence_length = 16
batch_size = 8
epochs = 2
patience = 1
validation_share = 0.34
refuse_worse = false  # a model this small cannot beat the n-grams of three tiny pieces

[generation]
length = 24
"""

# Three short pieces: notes, a chord and rests, so every token kind appears.
TINY_PIECES = {
    "one.mid": "tinyNotation: 4/4 c4 e4 g4 r4 d8 f8 a4 r2 e4 g4 b4 r4 c'1",
    "two.mid": "tinyNotation: 4/4 a4 c'4 e'4 r4 g4 b4 d'2 f4 a4 c'4 r4 e1",
    "three.mid": "tinyNotation: 3/4 d4 f4 a4 r4 c4 e4 g2. b4 d'4 f'4",
}


def write_tiny_midi(midi_dir: Path) -> None:
    from music21 import chord, converter

    midi_dir.mkdir(parents=True, exist_ok=True)
    for name, notation in TINY_PIECES.items():
        score = converter.parse(notation).flatten()
        score.insert(0, chord.Chord(["C3", "E3", "G3"], quarterLength=2))
        score.write("midi", fp=midi_dir / name)


def make_tiny_content(root: Path) -> Path:
    content = root / "content"
    write_tiny_midi(content / "midi")
    (content / "songs").mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "songs" / "first-light.toml", content / "songs" / "first-light.toml")
    (content / "site.toml").write_text(TINY_SITE_TOML)
    return content


@pytest.fixture
def tiny_content(tmp_path) -> Path:
    return make_tiny_content(tmp_path)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The tiny content built once, with a real (tiny) model, for the tests that only read dist/."""
    root = tmp_path_factory.mktemp("built")
    content = make_tiny_content(root)
    build(BuildOptions(content=content, out=root / "dist", quiet=True))
    return root / "dist"


@pytest.fixture
def content_copy(built_site, tmp_path) -> Path:
    """A copy of the tiny content with its trained model (built_site's), to damage or rebuild."""
    content = tmp_path / "content"
    shutil.copytree(built_site.parent / "content", content)
    return content


@pytest.fixture(scope="session")
def timed_site(tmp_path_factory) -> Path:
    """The tiny content with an article-style "timed" model, built once: generation.json's encoding
    picks the page's path (a solo of a number of tokens, primed by a song or chords, the listener's
    chords looping on their own bars), where the default, "leadsheet", composes a piece of bars."""
    root = tmp_path_factory.mktemp("timed-site")
    content = make_tiny_content(root)
    site_toml = content / "site.toml"
    site_toml.write_text(site_toml.read_text().replace("[model]\n", '[model]\nencoding = "timed"\n', 1))
    build(BuildOptions(content=content, out=root / "dist", quiet=True))
    return root / "dist"


MEDIA_FOLDERS = ["drums", "samples", "ambience", "quotes"]


@pytest.fixture(scope="session")
def media_site(tmp_path_factory) -> Path:
    """The tiny content plus the real drum patterns, one-shots, ambiences and quotes (and a 3/4 song), built once."""
    root = tmp_path_factory.mktemp("media-site")
    content = make_tiny_content(root)
    for folder in MEDIA_FOLDERS:
        shutil.copytree(REPO / "content" / folder, content / folder)
    # A song in 3/4 next to first-light's 4/4: a song taking over mid-play changes the meter.
    shutil.copyfile(REPO / "content" / "songs" / "gymnopedie-no-1.toml", content / "songs" / "gymnopedie-no-1.toml")
    build(BuildOptions(content=content, out=root / "dist", quiet=True))
    return root / "dist"


def served(dist: Path):
    """Serves `dist` from a sub-path, as GitHub Pages does: yields its URL."""
    server, url = serve_in_background(dist, "/lofi-player/")
    try:
        yield url
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def built_site_url(built_site):
    yield from served(built_site)


@pytest.fixture(scope="session")
def media_site_url(media_site):
    yield from served(media_site)


@pytest.fixture(scope="session")
def timed_site_url(timed_site):
    yield from served(timed_site)


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


# ---- an audio device for the browsers (tests/test_engines_browser.py) -------------------------------


@pytest.fixture(scope="session")
def audio_device(tmp_path_factory):
    """A PulseAudio null sink of this run's own (tests/engines.py): its address, for PULSE_SERVER.
    Browsers started with it find a sound card, as on a listener's machine, and their AudioContext runs."""
    from .engines import start_null_sink, stop

    daemon, address = start_null_sink(tmp_path_factory.mktemp("pulse"))
    yield address
    stop(daemon)
