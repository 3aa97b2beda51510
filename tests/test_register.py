"""The AI melody's register: moved back from the model's C major / A minor to the listener's key, it
is folded by octaves so that its median sits about C5 and it stays over the electric piano's voicing
(theory.json's melodyRegister; builder/melody_register.py here, web_src/js/ai/piece.js on the page, which
tests/test_grammar_parity.py holds to the same notes)."""

from __future__ import annotations

import statistics

import pytest

from builder import theory
from builder.generate import compose
from builder.melody_register import melody_in_register, register_octave
from builder.progression import followed_chords
from builder.stepper import Stepper

from .tiny_leadsheet_model import TINY as TINY_MODEL
from .tiny_leadsheet_model import train_on_leadsheets

TINY = {**TINY_MODEL, "lofi_share": 1.0, "lstm_units": [32], "dense_units": 32, "seed": 7}
# A diatonic loop and a chromatic one (a tritone substitute and a bIII7), in C major and A minor,
# moved to every key.
PROGRESSIONS = ["Dm9 | G13 | Cmaj9 | Am9", "Gm9 | Gb13 | Fmaj9 | Ab13", "Am9 | Dm9 | Bm7b5 E7b9 | Am9"]


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    """A tiny model trained on ten of the lo-fi lead sheets."""
    trained, data = train_on_leadsheets(tmp_path_factory.mktemp("sheets"), 10, TINY)
    return trained, data.vocabulary


def under_share(piece: dict) -> float:
    """The share of the melody's notes at or under the top of the voicing sounding at their onset."""
    under = 0
    for note in piece["melody"]:
        chord = next(c for c in piece["chords"] if c["step"] <= note["step"] < c["step"] + c["length"])
        under += bool(chord["midis"]) and note["midi"] <= max(chord["midis"])
    return under / len(piece["melody"])


def test_the_melody_sits_over_the_chords_with_its_median_about_c5_in_every_key(model):
    trained, vocabulary = model
    stepper = Stepper(trained)
    medians: dict[int, list[float]] = {}
    shares = []
    for semitones in range(12):
        for number, text in enumerate(PROGRESSIONS):
            moved = " | ".join(
                " ".join(theory.transpose_symbol(s, semitones) for s in bar.split()) for bar in text.split("|")
            )
            piece = compose(stepper, vocabulary, bars=16, seed=semitones * 7 + number, chords=followed_chords(moved))
            assert len(piece["melody"]) >= 8, moved
            shares.append(under_share(piece))
            assert max(n["midi"] for n in piece["melody"]) <= theory.THEORY["melodyRegister"]["ceiling"]
            medians.setdefault(semitones, []).append(statistics.median(n["midi"] for n in piece["melody"]))
    assert statistics.mean(shares) <= 0.10 and max(shares) <= 0.30, shares
    for semitones, values in medians.items():
        assert 69 <= statistics.median(values) <= 76, (semitones, values)


def test_free_pieces_sit_over_their_own_chords(model):
    trained, vocabulary = model
    stepper = Stepper(trained)
    pieces = [compose(stepper, vocabulary, bars=16, seed=seed) for seed in range(1, 9)]
    shares = [under_share(p) for p in pieces if p["melody"]]
    assert len(shares) >= 6 and statistics.mean(shares) <= 0.10 and max(shares) <= 0.30, shares


def test_the_octave_brings_the_first_bars_lifted_median_nearest_c5():
    def top(step):
        return 64  # a voicing up to E4

    def bar(*midis):
        return [{"step": i * 4, "midi": midi} for i, midi in enumerate(midis)]

    assert register_octave(bar(67, 69, 71), top) == 0  # G4 A4 B4 stay
    assert register_octave(bar(60, 62, 64), top) == 0  # C4 D4 E4: lifted whole either way, the lower
    assert register_octave(bar(60, 62, 64), lambda step: None) == 12  # nothing to clear: C5 D5 E5
    assert register_octave(bar(78, 79, 81), top) == -12  # F#5 G5 A5 -> F#4 G4 A4
    # The bar counts as lifted: F5 E5 E6 down an octave is F4 E5 E5 (E4 lifted alone), median E5,
    # nearer C5 than F5 as written.
    assert register_octave(bar(77, 76, 88), top) == -12


def test_a_bar_under_the_voicing_goes_up_whole_and_a_lone_note_alone():
    chords = [{"step": 0, "length": 32, "midis": [38, 53, 57, 60, 64]}]  # Dm9: its top is E4
    melody = [
        {"step": 0, "length": 4, "midi": 67},  # the first bar decides: G4 A4 stay (median 68)
        {"step": 4, "length": 4, "midi": 69},
        {"step": 8, "length": 8, "midi": 64},  # E4, at the voicing's top: the bar goes up whole
        {"step": 16, "length": 8, "midi": 64},  # the second bar: E4 with E6 (76 + 12 > C6): E4 alone
        {"step": 24, "length": 8, "midi": 76},
    ]
    assert [n["midi"] for n in melody_in_register(melody, chords, 16)] == [79, 81, 76, 76, 76]
    # Under N.C. there is nothing to clear; steps and lengths stay as written.
    out = melody_in_register(melody, [{"step": 0, "length": 32, "midis": []}], 16)
    assert [n["midi"] for n in out] == [67, 69, 64, 64, 76]
    assert [(n["step"], n["length"]) for n in out] == [(n["step"], n["length"]) for n in melody]
    assert melody_in_register([], chords, 16) == []
    # A note over C6 goes down while it stays over the voicing: the first bar (G5 A5) goes down an
    # octave, and the second bar's C5 and E7, C4 and E6 now, are a lone C5 and an E5.
    high = [{"step": step, "length": 4, "midi": midi} for step, midi in ((0, 79), (4, 81), (16, 72), (24, 100))]
    assert [n["midi"] for n in melody_in_register(high, chords, 16)] == [67, 69, 72, 76]
