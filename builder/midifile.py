"""One MIDI file read with music21 on the sixteenth grid, after a cheap check of its structure and
size (builder/midilimits.py), so that a broken or huge file is named without being parsed."""

from __future__ import annotations

from pathlib import Path

from .errors import ContentError, Problem
from .midilimits import too_big, too_much


def parse_midi(path: Path):
    """Read a MIDI file with music21, quantised to the sixteenth grid."""
    from music21 import midi

    data = path.read_bytes()
    problem = structure_problem(path, data)
    if problem:
        raise ContentError(problem)
    try:
        midi_file = midi.MidiFile()
        midi_file.readstr(data)
        return midi.translate.midiFileToStream(midi_file, quarterLengthDivisors=(4,))
    except Exception as error:  # music21 raises many kinds on corrupt input; all mean "unreadable"
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ContentError(Problem(path, f"cannot read MIDI: {reason}")) from None


def structure_problem(path: Path, data: bytes) -> Problem | None:
    """A MIDI file's structural problem, as reported, or None: cheap, no parsing."""
    problem = check_midi_structure(data)
    if problem:
        return Problem(path, f"cannot read: {problem}")
    excess = too_big(len(data)) or too_much(data)
    return Problem(path, f"refused: {excess}") if excess else None


def check_midi_structure(data: bytes) -> str | None:
    """What is wrong with a MIDI file's chunk structure, in words, or None.

    music21's own messages for these cases ("badly formed midi string") do not say what is wrong.
    """
    if not data:
        return "an empty file"
    if not data.startswith(b"MThd"):
        return "not a MIDI file (no 'MThd' header)"
    if len(data) < 14:
        return "truncated: the MIDI header is cut short"
    midi_format, tracks = int.from_bytes(data[8:10], "big"), int.from_bytes(data[10:12], "big")
    if midi_format == 2:
        return "a type-2 MIDI file (independent sequences); save it as type 0 or 1"
    if midi_format not in (0, 1):
        return f"unknown MIDI format {midi_format}"
    position = 8 + int.from_bytes(data[4:8], "big")
    for track in range(1, tracks + 1):
        if position + 8 > len(data):
            return f"truncated: the header announces {tracks} tracks, the file ends before track {track}"
        if data[position : position + 4] != b"MTrk":
            return f"track {track} does not start with 'MTrk' (byte {position})"
        length = int.from_bytes(data[position + 4 : position + 8], "big")
        if position + 8 + length > len(data):
            return f"truncated: track {track} declares {length} bytes, only {len(data) - position - 8} remain"
        position += 8 + length
    return None
