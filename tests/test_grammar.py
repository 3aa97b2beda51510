"""The composer's state machine: what may be written next, in follow and free mode."""

from __future__ import annotations

import pytest

from builder import theory
from builder.grammar import Grammar, nearest_chord_token

CHORDS = ["@NC", "@2:m7", "@7:7", "@0:maj7", "@9:m7"]
NOTES = [f"n{m}" for m in range(60, 73)]
LENGTHS = [f"d{k}" for k in theory.LENGTHS]
VOCAB = ["<s>", "</s>", "|", "r", "~", *CHORDS, *NOTES, *LENGTHS]


def allowed(grammar: Grammar) -> set[str]:
    return {VOCAB[i] for i in grammar.allowed()}


def test_follow_mode_forces_frame_and_chords_and_no_length_crosses_a_change_or_bar_line():
    grammar = Grammar(VOCAB, bars=2, changes={0: "@2:m7", 8: "@7:7", 16: "@0:maj7"})
    for forced in ["<s>", "|", "@2:m7"]:
        assert grammar.forced() == forced and grammar.allowed() == []
        grammar.advance(forced)
    assert allowed(grammar) == set(NOTES) | {"r"}  # no tie before a note, no chord: the chords are given
    grammar.advance("n60")
    assert allowed(grammar) == {"d1", "d2", "d3", "d4", "d6", "d8"}  # the change at 8 is the boundary
    grammar.advance("d6")
    assert allowed(grammar) == set(NOTES) | {"r", "~"}
    grammar.advance("~")
    assert allowed(grammar) == {"d1", "d2"}
    grammar.advance("d2")
    assert grammar.forced() == "@7:7"
    grammar.advance("@7:7")
    grammar.advance("r")
    assert allowed(grammar) == {"d1", "d2", "d3", "d4", "d6", "d8"}  # now the bar line is the boundary
    grammar.advance("d8")
    assert [grammar.forced()] == ["|"]
    grammar.advance("|")
    assert grammar.forced() == "@0:maj7"
    grammar.advance("@0:maj7")
    grammar.advance("r")
    assert "d16" in allowed(grammar)
    grammar.advance("d16")
    assert grammar.forced() == "</s>"
    grammar.advance("</s>")
    assert grammar.done and grammar.allowed() == []


def test_free_mode_opens_on_a_chord_and_allows_one_at_each_bar_line_and_half_bar():
    grammar = Grammar(VOCAB, bars=2)
    grammar.advance("<s>")
    grammar.advance("|")
    assert grammar.forced() is None
    assert allowed(grammar) == set(CHORDS)  # bar 1 must name its chord first
    grammar.advance("@2:m7")
    assert allowed(grammar) == set(NOTES) | {"r"}  # one chord at a time
    grammar.advance("n62")
    assert "d16" in allowed(grammar) and "d12" in allowed(grammar)  # free mode: only the bar line bounds
    grammar.advance("d4")
    assert not allowed(grammar) & set(CHORDS)  # not at beat 2
    grammar.advance("r")
    grammar.advance("d4")
    assert allowed(grammar) >= set(CHORDS)  # at half-bar
    grammar.advance("@7:7")
    assert not allowed(grammar) & set(CHORDS)
    grammar.advance("n67")
    grammar.advance("d8")
    grammar.advance("|")
    assert allowed(grammar) == set(NOTES) | {"r", "~"} | set(CHORDS)  # optional after bar 1


def test_a_model_with_styles_and_phrase_places_is_told_lofi_and_where_each_bar_sits():
    vocab = [*VOCAB, *theory.bar_tokens(), "#lofi", "#chorale"]
    grammar = Grammar(vocab, bars=10)
    written = []
    while not grammar.done:
        token = grammar.forced()
        if token is None:
            allowed = grammar.allowed()
            lengths = [i for i in allowed if grammar.kinds[i]["kind"] == "length"]
            token = vocab[max(lengths, key=lambda i: grammar.kinds[i]["sixteenths"]) if lengths else allowed[0]]
        grammar.advance(token)
        written.append(token)
    assert written[:2] == ["<s>", "#lofi"]
    assert [t for t in written if t.startswith("|")] == ["|1", "|2", "|3", "|4", "|5", "|6", "|7", "|8", "|1", "|2"]
    assert Grammar(vocab, bars=1, style="chorale").forced() == "<s>"
    chorale = Grammar(vocab, bars=1, style="chorale")
    chorale.advance("<s>")
    assert chorale.forced() == "#chorale"
    old = Grammar(VOCAB, bars=1)  # a model trained before styles and places: '<s>' then a bare bar line
    old.advance("<s>")
    assert old.forced() == "|"


def test_a_token_the_grammar_forbids_is_refused():
    grammar = Grammar(VOCAB, bars=1, changes={0: "@2:m7", 8: "@7:7"})
    for token in ["<s>", "|", "@2:m7", "n60"]:
        grammar.advance(token)
    with pytest.raises(ValueError):
        grammar.advance("d12")  # crosses the change at 8
    with pytest.raises(ValueError):
        Grammar(VOCAB, bars=1).advance("|")  # '<s>' is forced first


def test_chord_tones_get_the_bonus_only_on_strong_beats():
    grammar = Grammar(VOCAB, bars=1, changes={0: "@2:m7"})
    for token in ["<s>", "|", "@2:m7"]:
        grammar.advance(token)
    assert grammar.chord_tones() == {2, 5, 9, 0, 4}  # D F A C and the 9th, E
    grammar.advance("n62")
    assert grammar.chord_tones() == set()  # a length is expected
    grammar.advance("d4")
    assert grammar.chord_tones() == set()  # beat 2
    grammar.advance("n65")
    grammar.advance("d4")
    assert grammar.chord_tones() == {2, 5, 9, 0, 4}  # beat 3
    three_four = Grammar(VOCAB, bars=1, meter=(3, 4), changes={0: "@2:m7"})
    for token in ["<s>", "|", "@2:m7", "r", "d6"]:
        three_four.advance(token)
    assert three_four.chord_tones() == set()  # 3/4: only the downbeat is strong


def test_a_chord_the_vocabulary_lacks_maps_to_the_nearest_it_has():
    assert nearest_chord_token(theory.parse_chord_symbol("Dm9"), VOCAB) == "@2:m7"
    assert nearest_chord_token(theory.parse_chord_symbol("G13"), VOCAB) == "@7:7"
    assert nearest_chord_token(theory.parse_chord_symbol("Dm7b5"), VOCAB) == "@2:m7"  # D F Ab C: three of Dm7's four
    assert nearest_chord_token(theory.parse_chord_symbol("C6"), VOCAB) == "@9:m7"  # C E G A is Am7's notes
    assert nearest_chord_token(theory.parse_chord_symbol("N.C."), VOCAB) == "@NC"
    assert nearest_chord_token(theory.parse_chord_symbol("Dm7"), ["<s>", "n60"]) is None
