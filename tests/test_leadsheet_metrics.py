"""The lo-fi measures on hand-made lead sheets, against values worked out by hand."""

from __future__ import annotations

import pytest

from builder.leadsheet_metrics import chord_measures, in_range, melody_measures, memorised_share, training_grams

# Dm7 | G7. Notes: D (beat 1.5), E (beat 2, on the beat), Bb (beat 3: strong, not in Dm7's D F A C E),
# G (an off-beat), then A on bar 2's downbeat (the 9th of G7: a chord tone), tied, then a rest.
PIECE = "<s> | @2:m7 r d2 n62 d2 n64 d4 n70 d2 n67 d6 | @7:7 n69 d8 ~ d4 r d4 </s>".split()
# N.C. | C, C written again | Fmaj7
CHORDS = "<s> | @NC r d16 | @0:maj r d8 @0:maj r d8 | @5:maj7 r d16 </s>".split()


def test_melody_measures_of_a_hand_made_piece():
    measures = melody_measures([PIECE])
    assert measures == {
        "notes_per_bar": 2.5,  # 5 notes in 2 bars (the tie continues the A)
        "strong_beat_chord_tones": 0.5,  # Bb on Dm7 no, A on G7 yes
        "offbeat_onsets": 0.4,  # D and G of D E Bb G A
        "sounding_share": 0.8125,  # 2 + 4 + 2 + 6 + 12 of 32 sixteenths
        "range_semitones": 8,  # D4 to Bb4
        "steps_within_2": 0.5,  # D-E and G-A; E-Bb and Bb-G leap
    }


def test_chord_measures_count_changes_not_repeats_and_not_no_chord():
    assert chord_measures([CHORDS]) == {
        "chord_changes_per_bar": pytest.approx(2 / 3, abs=1e-4),
        "seventh_chord_share": 0.5,
    }
    assert chord_measures([PIECE, CHORDS]) == {"chord_changes_per_bar": 0.8, "seventh_chord_share": 0.75}


def test_measures_of_nothing_are_none():
    assert melody_measures([CHORDS])["notes_per_bar"] == 0.0
    assert melody_measures([CHORDS])["steps_within_2"] is None
    assert chord_measures(["<s> | r d16 </s>".split()])["seventh_chord_share"] is None


def test_memorised_share_counts_runs_of_melody_events_found_in_the_training_data():
    # PIECE's melody: r2 D2 E4 Bb2 G6 | A8 ~4 r4: 8 events, so one run of 8; bar lines and chords
    # between them do not count.
    known = training_grams([PIECE])
    assert memorised_share([PIECE], known) == 1.0
    other_chords = [t.replace("@7:7", "@5:maj7") for t in PIECE]
    assert memorised_share([other_chords], known) == 1.0
    changed = PIECE[:-3] + ["n60", "d4", "</s>"]  # the last event differs
    assert memorised_share([changed], known) == 0.0
    longer = PIECE[:-1] + ["|", "@2:m7", "r", "d16", "</s>"]  # 9 events: runs 1-8 known, 2-9 new
    assert memorised_share([longer], known) == 0.5
    assert memorised_share([longer], training_grams([PIECE], n=4), n=4) == pytest.approx(5 / 6, abs=1e-4)


def test_in_range_with_open_ends():
    assert in_range(0.7, 0.6, None) and not in_range(0.3, None, 0.25) and in_range(3, 2.5, 5)
    assert in_range(None, 1, 2) is None
