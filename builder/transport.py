"""Positions on the sixteenth grid as Tone.js TransportTime ("BARS:QUARTERS:SIXTEENTHS").

The conversions live in builder/theory.py (the one home of the musical vocabulary, shared with the
page through web_src/js/music/theory.json); this module keeps the names its callers import.
`sixteenths_to_transport` and `transport_to_sixteenths` are inverses for every non-negative position.
"""

from __future__ import annotations

from .theory import (  # noqa: F401  (re-exported)
    SIXTEENTHS_PER_QUARTER,
    describe_position,
    quarter_length_to_sixteenths,
    sixteenths_per_bar,
    sixteenths_to_transport,
    transport_to_sixteenths,
)
