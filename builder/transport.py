"""Positions on the sixteenth grid as Tone.js TransportTime ("BARS:QUARTERS:SIXTEENTHS").

Pure, symmetric conversions (as pretty_midi writes them): `sixteenths_to_transport` and
`transport_to_sixteenths` are inverses for every non-negative position. Tone.js measures a bar in
quarter notes, so a 6/8 bar is three quarters (twelve sixteenths) and "1:0:0" is where bar 2 begins.
"""

from __future__ import annotations

SIXTEENTHS_PER_QUARTER = 4


def sixteenths_per_bar(numerator: int, denominator: int) -> int:
    """12 for 3/4 and 6/8, 16 for 4/4. Raises ValueError when a bar is not whole sixteenths."""
    if numerator <= 0 or denominator not in (1, 2, 4, 8, 16):
        raise ValueError(f"unsupported time signature {numerator}/{denominator}")
    return numerator * 16 // denominator


def sixteenths_to_transport(sixteenths: int, per_bar: int) -> str:
    if sixteenths < 0:
        raise ValueError(f"negative position {sixteenths}")
    bars, within = divmod(sixteenths, per_bar)
    quarters, rest = divmod(within, SIXTEENTHS_PER_QUARTER)
    return f"{bars}:{quarters}:{rest}"


def transport_to_sixteenths(text: str, per_bar: int) -> int:
    bars, quarters, sixteenths = (int(part) for part in text.split(":"))
    return bars * per_bar + quarters * SIXTEENTHS_PER_QUARTER + sixteenths


def quarter_length_to_sixteenths(quarter_length: float) -> int | None:
    """The number of sixteenths in a music21 quarterLength, or None if it is off the grid."""
    sixteenths = float(quarter_length) * SIXTEENTHS_PER_QUARTER
    return int(round(sixteenths)) if abs(sixteenths - round(sixteenths)) < 1e-9 else None


def describe_position(sixteenths: int, per_bar: int) -> str:
    """A musician's place, 1-based: 'bar 3, beat 2.5' (beats are quarter notes)."""
    bar, within = divmod(sixteenths, per_bar)
    beat = 1 + within / SIXTEENTHS_PER_QUARTER
    return f"bar {bar + 1}, beat {beat:g}"
