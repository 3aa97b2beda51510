"""Hand-made MIDI files for edge cases music21 would never write (type 2, drums only, truncated)."""

from __future__ import annotations

import struct


def var_length(value: int) -> bytes:
    out = [value & 0x7F]
    value >>= 7
    while value:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    return bytes(reversed(out))


def track(notes: list[tuple[int, int, int]], channel: int = 0, tempo_changes: list[tuple[int, int]] = ()) -> bytes:
    """notes: (start tick, length in ticks, midi pitch); tempo_changes: (tick, microseconds per quarter)."""
    events = []
    for tick, microseconds in tempo_changes:
        events.append((tick, 0, b"\xff\x51\x03" + microseconds.to_bytes(3, "big")))
    for start, length, pitch in notes:
        events.append((start, 1, bytes([0x90 | channel, pitch, 80])))
        events.append((start + length, 0, bytes([0x80 | channel, pitch, 0])))
    events.sort(key=lambda e: (e[0], e[1]))
    body, now = b"", 0
    for tick, _, data in events:
        body += var_length(tick - now) + data
        now = tick
    body += b"\x00\xff\x2f\x00"
    return b"MTrk" + struct.pack(">I", len(body)) + body


def midi_file(tracks: list[bytes], midi_format: int = 1, ticks_per_quarter: int = 480) -> bytes:
    header = b"MThd" + struct.pack(">IHHH", 6, midi_format, len(tracks), ticks_per_quarter)
    return header + b"".join(tracks)


def scale(count: int, step: int = 240) -> list[tuple[int, int, int]]:
    """`count` eighth notes walking up and down a C major scale."""
    pitches = [60, 62, 64, 65, 67, 69, 71, 72, 71, 69, 67, 65, 64, 62]
    return [(i * step, step, pitches[i % len(pitches)]) for i in range(count)]
