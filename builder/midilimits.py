"""How much music one MIDI file may hold, checked from its bytes before music21 reads it.

music21's time grows faster than a piece's length: a 40-byte file holding one note hundreds of
millions of ticks long ran for minutes and ended in a MemoryError. So the events are walked here
first (a few milliseconds for a chorale) and a file longer, fuller or bigger than any training piece
needs is refused, naming the file and what is too much.
"""

from __future__ import annotations

MAX_BYTES = 2_000_000  # a Bach chorale is 2 to 10 kB; a whole symphony a few hundred
MAX_QUARTERS = 4_000  # 1,000 bars of 4/4: music21 takes about 3 s on this machine at this length
MAX_NOTES = 20_000  # note-ons across all tracks
MAX_SECONDS = 3_600  # files timed in SMPTE frames, not quarter notes


def too_big(size: int) -> str | None:
    if size > MAX_BYTES:
        return f"{size:,} bytes; a training MIDI file may have {MAX_BYTES:,} at most"
    return None


def too_much(data: bytes) -> str | None:
    """What is too much in a MIDI file whose chunk structure is sound, in words, or None."""
    tracks = int.from_bytes(data[10:12], "big")
    division = int.from_bytes(data[12:14], "big")
    position = 8 + int.from_bytes(data[4:8], "big")
    longest, notes = 0, 0
    for _ in range(tracks):
        length = int.from_bytes(data[position + 4 : position + 8], "big")
        ticks, count = _walk(data, position + 8, position + 8 + length)
        longest, notes = max(longest, ticks), notes + count
        position += 8 + length
        if notes > MAX_NOTES:
            return f"more than {MAX_NOTES:,} notes; a training MIDI file may have {MAX_NOTES:,} at most"
    if division & 0x8000:  # SMPTE: frames per second (negative) and ticks per frame
        frames = 256 - (division >> 8)
        per_second = frames * (division & 0xFF)
        if per_second and longest / per_second > MAX_SECONDS:
            return f"lasts {longest / per_second:,.0f} seconds; a training MIDI file may last {MAX_SECONDS:,} at most"
        return None if per_second else "its SMPTE timing has 0 ticks per second"
    if division == 0:
        return "its header gives 0 ticks per quarter note"
    quarters = longest / division
    if quarters > MAX_QUARTERS:
        return (
            f"lasts {quarters:,.0f} quarter notes (a note or rest that never ends?); a training MIDI "
            f"file may last {MAX_QUARTERS:,} at most"
        )
    return None


def _walk(data: bytes, position: int, end: int) -> tuple[int, int]:
    """(ticks, note-ons) of one track's events; a malformed event ends the walk (music21 then names it)."""
    ticks, notes, running = 0, 0, 0
    while position < end:
        delta, position = _number(data, position, end)
        if delta is None or position >= end:
            break
        ticks += delta
        status = data[position]
        if status & 0x80:
            position += 1
            if status < 0xF0:
                running = status
        elif running:
            status = running
        else:
            break
        if status == 0xFF:  # meta event: type, length, data
            length, position = _number(data, position + 1, end)
            if length is None:
                break
            position += length
        elif status in (0xF0, 0xF7):  # system exclusive: length, data
            length, position = _number(data, position, end)
            if length is None:
                break
            position += length
        elif 0x80 <= status < 0xF0:
            kind = status & 0xF0
            size = 1 if kind in (0xC0, 0xD0) else 2
            if kind == 0x90 and position + 1 < end and data[position + 1] > 0:
                notes += 1
            position += size
        else:
            break
    return ticks, notes


def _number(data: bytes, position: int, end: int) -> tuple[int | None, int]:
    """A variable-length quantity (at most four bytes), and the position after it."""
    value = 0
    for _ in range(4):
        if position >= end:
            return None, position
        byte = data[position]
        position += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, position
    return None, position
