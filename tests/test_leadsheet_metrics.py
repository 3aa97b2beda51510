"""The lo-fi measures on hand-made lead sheets, against values worked out by hand."""

from __future__ import annotations

import pytest

from builder import theory
from builder.copyguard import longest_copied_run as guard_longest_copied_run
from builder.leadsheet_metrics import (
    Heard,
    HeardChord,
    chorale_like,
    chord_measures,
    clash_measures,
    heard_composition,
    in_range,
    longest_copied_run,
    longest_shared_run,
    melody_measures,
    melody_medians,
    memorised_share,
    phrase_measures,
    register_measures,
    training_grams,
)

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


def bars(*bodies: str) -> list[str]:
    """Tokens of a piece with these bars (each a string of chord and melody tokens), bar lines numbered."""
    tokens = ["<s>"]
    for number, body in enumerate(bodies):
        tokens += [theory.bar_token(number), *body.split()]
    return tokens + ["</s>"]


RUNNING = "n60 d2 n62 d2 n64 d2 n65 d2 n67 d2 n65 d2 n64 d2 n62 d2"  # eighths: lands nowhere
HALF = "n60 d4 n62 d4 n64 d8"  # a half note: lands
QUARTER_REST = "n60 d4 n62 d4 n64 d4 r d4"  # a quarter, then a quarter's rest: lands
SHORT_REST = "n60 d4 n62 d4 n64 d2 r d2 n60 d4"  # an eighth before the rest, no rest after the last: no
TIED_OVER = "n60 d4 n62 d4 n64 d4 n65 d4"  # its last note goes on into the next bar: not in this bar


def test_landing_at_phrase_ends_and_inside_phrases():
    lands = bars(RUNNING, RUNNING, RUNNING, HALF, RUNNING, QUARTER_REST, RUNNING, SHORT_REST)
    assert phrase_measures([lands])["phrase_end_landing"] == 0.5  # bar 4 lands, bar 8 does not
    assert phrase_measures([lands])["inner_bar_landing"] == pytest.approx(1 / 6, abs=1e-4)  # bar 6
    tied = bars(RUNNING, RUNNING, RUNNING, TIED_OVER, "~ d8 r d8")
    assert phrase_measures([tied])["phrase_end_landing"] == 0.0  # the tie lands in bar 5, not bar 4
    assert phrase_measures([tied])["inner_bar_landing"] == 0.0  # a tie begins no note in bar 5


def test_a_bar_rhythm_returns_when_one_of_the_three_bars_before_has_it():
    other = "n60 d8 n62 d8"
    # bars 2 and 3 differ from bar 1; bar 4 has bar 1's rhythm (3 back), bar 6 bar 2's (4 back: too far)
    piece = bars(RUNNING, other, HALF, RUNNING.replace("n6", "n7"), TIED_OVER, other.replace("n6", "n7"))
    assert phrase_measures([piece])["bar_rhythm_return"] == 0.2  # of bars 2-6: bar 4
    resting = bars(RUNNING, "r d16", RUNNING)
    assert phrase_measures([resting])["bar_rhythm_return"] == 1.0  # bar 3 of 3; the silent bar 2 is not counted


def test_copied_runs_of_13_and_of_12_events():
    source = bars(RUNNING, RUNNING.replace("n6", "n7"))  # 16 events
    copy13 = bars(" ".join(source[2:18]), " ".join(source[19:29]) + " n50 d6")  # 8 + 5 copied, then new
    copy12 = bars(" ".join(source[2:18]), " ".join(source[19:27]) + " n50 d8")  # 8 + 4
    assert longest_copied_run([copy13], [source]) == 13
    assert longest_copied_run([copy12], [source]) == 12
    assert longest_copied_run([copy12, copy13], [bars("n50 d16"), source]) == 13
    assert longest_copied_run([copy13], [bars("n50 d16")]) == 0
    # what two lead sheets share, and a piece that repeats itself shares nothing with itself
    assert longest_shared_run([copy13, bars("n50 d16"), source]) == 13
    assert longest_shared_run([copy12, source]) == 12 and longest_shared_run([source + source[1:]]) == 0
    # the copy guard's own reading of a run agrees
    assert guard_longest_copied_run(copy13, [source]) == 13 and guard_longest_copied_run(copy12, [source]) == 12


CHORALE = bars(*["@0:maj n60 d4 n62 d4 n64 d4 n65 d4"] * 2, *["@7:maj n67 d8 n65 d4 n64 d4"] * 2)
LOFI = bars(
    "@2:m7 r d2 n62 d2 n65 d3 n69 d1 n72 d4 r d4",
    "@7:7 n71 d2 n67 d2 r d4 n65 d6 r d2",
    "@0:maj7 r d4 n64 d2 n67 d2 n71 d8",
    "@9:7 n73 d4 r d2 n69 d2 n67 d4 r d4",
)


def test_chorale_like_pieces_by_their_melody_or_their_triads():
    assert chorale_like(CHORALE) and not chorale_like(LOFI)
    sevenths_chorale = [t.replace("@0:maj", "@0:maj7").replace("@7:maj", "@7:7") for t in CHORALE]
    assert chorale_like(sevenths_chorale)  # quarter notes on the beat, sounding throughout
    triad_lofi = [t.replace("@2:m7", "@2:m").replace("@7:7", "@7:maj").replace("@9:7", "@9:maj") for t in LOFI]
    assert chorale_like(triad_lofi)  # three of four chords plain triads
    assert not chorale_like(bars("r d16"))


def piece(melody, chords, key="C major", bar_lengths=(16, 16)) -> Heard:
    return Heard(theory.parse_key_name(key), list(bar_lengths), melody, chords)


def chord(symbol: str, start: int, length: int) -> HeardChord:
    value = theory.parse_chord_symbol(symbol)
    voicing = tuple(theory.voice_chord(value))
    return HeardChord(start, length, voicing, frozenset(value.pitch_classes) | {m % 12 for m in voicing})


def test_clashes_over_chords_outside_and_inside_the_key():
    ab13, cmaj7 = chord("Ab13", 0, 16), chord("Cmaj7", 16, 16)
    assert 8 in {m % 12 for m in ab13.voicing} and 9 not in ab13.pitch_classes
    clash = piece([(0, 8, 69), (8, 8, 66), (16, 8, 73), (24, 2, 76), (26, 2, 73)], [ab13, cmaj7])
    # over Ab13 (outside C major): A clashes (a semitone over G#/Ab), F# (its 7th) does not;
    # over Cmaj7: C# clashes, E is a chord tone, the short off-beat C# is not counted
    assert clash_measures([clash]) == {"clashes_nondiatonic": 0.5, "clashes_diatonic": 0.5}
    none = piece([(0, 8, 72), (16, 8, 76)], [ab13, cmaj7])
    assert clash_measures([none]) == {"clashes_nondiatonic": 0.0, "clashes_diatonic": 0.0}
    assert clash_measures([piece([(0, 4, 60)], [])]) == {"clashes_nondiatonic": None, "clashes_diatonic": None}


def test_melody_at_or_under_the_voicing_top_and_medians_per_key():
    dm9 = chord("Dm9", 0, 32)  # D2 | F3 A3 C4 E4: its top is E4 (64)
    assert max(dm9.voicing) == 64
    low = piece([(0, 4, 64), (4, 4, 62), (8, 4, 72), (12, 4, 74)], [dm9], "D minor")
    high = piece([(0, 4, 72), (4, 4, 74), (8, 4, 76), (12, 4, 77), (16, 4, 60)], [chord("Dm9", 0, 16)], "F major")
    assert register_measures([low, high]) == {"under_voicing_top": pytest.approx(2 / 8), "under_voicing_top_worst": 0.5}
    assert melody_medians([low, high]) == {"D minor": 68.0, "F major": 74.0}


def test_a_composition_is_heard_in_its_written_key_with_its_chords_as_written():
    tokens = bars("@8:7 n69 d16")  # the token a model was told (Ab7) for the Ab13 that sounds
    ab13 = theory.parse_chord_symbol("Ab13")
    composed = {
        "tokens": tokens,
        "key": "Ab major",
        "melody": [{"step": 0, "length": 16, "midi": 69}],
        "chords": [{"step": 0, "length": 16, "symbol": "Ab13", "midis": theory.voice_chord(ab13)}],
    }
    heard = heard_composition(composed, "Eb major")
    assert heard.key == (3, "major") and heard.bar_lengths == [16]
    assert 5 in heard.chords[0].pitch_classes  # the 13th (F), which Ab7 would not have
    assert clash_measures([heard])["clashes_nondiatonic"] == 1.0
