from hypothesis import given
from hypothesis import strategies as st

from builder.transport import (
    describe_position,
    quarter_length_to_sixteenths,
    sixteenths_per_bar,
    sixteenths_to_transport,
    transport_to_sixteenths,
)

METERS = st.sampled_from([(4, 4), (3, 4), (6, 8), (2, 4), (5, 4), (7, 8), (12, 8)])


def test_bar_lengths_follow_tone_quarter_convention():
    assert sixteenths_per_bar(4, 4) == 16
    assert sixteenths_per_bar(3, 4) == 12
    assert sixteenths_per_bar(6, 8) == 12  # Tone: a 6/8 bar is three quarters


@given(METERS, st.integers(min_value=0, max_value=100_000))
def test_sixteenths_to_transport_and_back_is_identity(meter, sixteenths):
    per_bar = sixteenths_per_bar(*meter)
    text = sixteenths_to_transport(sixteenths, per_bar)
    assert transport_to_sixteenths(text, per_bar) == sixteenths


@given(METERS, st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=15))
def test_transport_fields_stay_inside_their_bar(meter, bar, within):
    per_bar = sixteenths_per_bar(*meter)
    within %= per_bar
    bars, quarters, sixteenths = map(int, sixteenths_to_transport(bar * per_bar + within, per_bar).split(":"))
    assert bars == bar
    assert 0 <= sixteenths < 4
    assert quarters * 4 + sixteenths < per_bar


def test_known_positions():
    assert sixteenths_to_transport(2, 16) == "0:0:2"
    assert sixteenths_to_transport(36, 16) == "2:1:0"
    assert sixteenths_to_transport(12, 12) == "1:0:0"
    assert describe_position(22, 16) == "bar 2, beat 2.5"


def test_off_grid_lengths_are_refused():
    assert quarter_length_to_sixteenths(0.75) == 3
    assert quarter_length_to_sixteenths(1 / 3) is None
