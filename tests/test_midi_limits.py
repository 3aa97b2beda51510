"""Bounded work: a MIDI file too long, too full or too big is refused from its bytes, quickly and
naming the file, before music21 (whose time grows faster than the piece) ever reads it."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest

from builder import midilimits
from builder.corpus import load_corpus
from builder.errors import ContentError

from .midi_bytes import midi_file, scale, track


def refused(tmp_path, files: dict[str, bytes]) -> dict[str, str]:
    midi = tmp_path / "midi"
    midi.mkdir()
    for name, data in files.items():
        (midi / name).write_bytes(data)
    started = time.monotonic()
    with pytest.raises(ContentError) as caught:
        load_corpus(midi, "leadsheet", progress=False)
    assert time.monotonic() - started < 5
    return {Path(p.path).name: p.message for p in caught.value.problems}


def endless_note() -> bytes:
    """One note-on, then the largest delta time a MIDI file can hold before its note-off: 50 bytes."""
    body = b"\x00\x90\x3c\x50" + b"\xff\xff\xff\x7f" + b"\x80\x3c\x00" + b"\x00\xff\x2f\x00"
    return midi_file([b"MTrk" + struct.pack(">I", len(body)) + body], midi_format=0, ticks_per_quarter=96)


def test_a_note_that_never_ends_is_refused_at_once(tmp_path):
    data = endless_note()
    assert len(data) < 60
    problems = refused(tmp_path, {"endless.mid": data, "fine.mid": midi_file([track(scale(16))])})
    assert problems == {
        "endless.mid": "refused: lasts 2,796,203 quarter notes (a note or rest that never ends?); a training "
        "MIDI file may last 4,000 at most"
    }


def test_too_many_notes_are_refused(tmp_path):
    notes = [(i, 1, 60 + i % 12) for i in range(midilimits.MAX_NOTES + 1)]
    problems = refused(tmp_path, {"crowded.mid": midi_file([track(notes)], ticks_per_quarter=960)})
    assert problems == {"crowded.mid": "refused: more than 20,000 notes; a training MIDI file may have 20,000 at most"}


def test_a_huge_file_is_refused_by_its_size(tmp_path, monkeypatch):
    monkeypatch.setattr(midilimits, "MAX_BYTES", 1_000)
    data = midi_file([track(scale(200))])
    assert len(data) > 1_000
    problems = refused(tmp_path, {"big.mid": data})
    assert problems == {"big.mid": f"refused: {len(data):,} bytes; a training MIDI file may have 1,000 at most"}


def test_zero_ticks_per_quarter_is_refused(tmp_path):
    problems = refused(tmp_path, {"zero.mid": midi_file([track(scale(8))], ticks_per_quarter=0)})
    assert problems == {"zero.mid": "refused: its header gives 0 ticks per quarter note"}


def test_the_real_corpus_is_within_the_limits():
    from builder.site import PROJECT_ROOT

    files = sorted((PROJECT_ROOT / "content" / "midi").rglob("*.mid"))
    assert len(files) > 300
    assert [f.name for f in files if midilimits.too_much(f.read_bytes())] == []


def test_the_walk_counts_ticks_and_notes_with_running_status():
    # Running status: the second note-on and both note-offs (velocity 0) leave out the status byte.
    body = b"\x00\x90\x3c\x50" + b"\x60\x3c\x00" + b"\x00\x3e\x50" + b"\x83\x00\x3e\x00" + b"\x00\xff\x2f\x00"
    assert midilimits._walk(body, 0, len(body)) == (96 + 384, 2)
