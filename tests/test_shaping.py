"""builder/shaping.py's preferences, on hand-written bars where the answer is known, and the page's
twin (web_src/js/ai/shaping.js) giving the same bonus to the same token at every draw."""

from __future__ import annotations

from builder import theory
from builder.grammar import Grammar
from builder.leadsheet import grammar_tokens
from builder.shaping import SHAPING, Shaper, chord_pitch_classes, clash_pitch_classes

from .node_script import run_node

VOCAB = [
    *grammar_tokens(),
    *(f"@{r}:{f}" for f in ("maj7", "m7", "7") for r in range(12)),
    *(f"n{m}" for m in range(55, 85)),
]
P = SHAPING


def walk(drawn: list[str], bars: int, changes: dict[int, str]) -> list[tuple[int, int, dict[str, float]]]:
    """Writes `drawn` where the grammar lets the sampler choose (forced tokens taken as forced) and
    returns (bar, position, {token: bonus}) before every drawn token."""
    grammar, shaper = Grammar(VOCAB, bars, (4, 4), changes), Shaper()
    seen, drawn = [], list(drawn)
    while not grammar.done and (drawn or grammar.forced() is not None):
        token = grammar.forced()
        if token is None:
            bonuses = shaper.bonuses(grammar, grammar.allowed())
            seen.append((grammar.bar, grammar.pos, {VOCAB[i]: b for i, b in bonuses.items()}))
            token = drawn.pop(0)
        shaper.take(grammar, token)
        grammar.advance(token)
    return seen


def bar(*events: str) -> list[str]:
    return " ".join(events).split()


FILLER = bar("n67 d4", "n69 d4", "n67 d4", "n64 d4")  # four quarters: no landing
C7 = {0: "@0:maj7"}


def test_clashes_are_a_semitone_over_the_voicing_but_never_a_chord_tone():
    assert clash_pitch_classes("@0:maj7") == {1, 3, 5, 8}  # C#, Eb, F (over E), Ab (over G)
    assert 0 not in clash_pitch_classes("@9:m7")  # C over Am7's voiced B is its minor 3rd
    assert 0 in clash_pitch_classes("@7:7")  # C over G7's B
    assert 10 in clash_pitch_classes("@2:7")  # Bb over D7's 5th, voiced when the chord has no 13th
    assert clash_pitch_classes("@NC") == frozenset()
    assert chord_pitch_classes("@9:m7") >= {9, 0, 4, 7}


def test_a_phrase_end_asks_for_a_long_chord_tone_and_inner_bars_do_not():
    seen = walk(FILLER * 3 + bar("n72 d8"), 8, C7)
    inner_event, inner_length = seen[0][2], seen[1][2]
    assert not any(t.startswith("n") and b > 0 for t, b in inner_event.items())
    assert inner_length["d8"] == P["innerLong"] and inner_length["d16"] == P["innerLong"]
    assert "d4" not in inner_length
    (b, pos, event), (_, _, length) = seen[24], seen[25]
    assert (b, pos) == (3, 0)  # the 4th bar: place 4
    assert event["n72"] == P["landingTone"] and event["n64"] == P["landingTone"]
    assert event["n65"] == P["clash"]  # F: no chord tone, and a semitone over the voiced E
    assert length["d8"] == length["d16"] == P["landingLength"]
    assert length["d4"] == length["d6"] == P["landingQuarter"]
    assert "d2" not in length


def test_a_quarter_then_a_rest_lands_and_then_the_bar_stops_asking():
    seen = walk(FILLER * 3 + bar("n72 d4", "r d4", "n67 d4"), 8, C7)
    rest_event, rest_length = seen[26][2], seen[27][2]
    assert rest_event["r"] == P["landingRest"]
    assert rest_length["d4"] == rest_length["d8"] == P["landingRest"] and "d2" not in rest_length
    after = seen[28]
    assert after[:2] == (3, 8) and "n72" not in after[2]  # landed: beat 3 is free again


def test_the_last_bar_lands_whatever_its_place():
    seen = walk(FILLER + bar("n72 d8"), 2, C7)
    assert seen[8][:2] == (1, 0) and seen[9][2]["d8"] == P["landingLength"]


def test_a_repeated_phrase_prefers_its_model_bars_rhythm():
    motif = bar("n67 d6", "n69 d2", "n72 d8")  # onsets 0, 6 and 8
    seen = walk(motif + FILLER * 3 + bar("n64 d4", "r d2", "n65 d2"), 8, C7)
    fifth = [s for s in seen if s[0] == 4]
    (_, pos, event), (_, _, length) = fifth[0], fifth[1]
    assert pos == 0 and event["n64"] == P["rhythmOnset"] and event.get("r", 0) == 0
    assert length["d6"] == P["rhythmLength"]  # ends on the model bar's next onset
    (_, pos, event), (_, _, length) = fifth[2], fifth[3]
    assert pos == 4 and event["r"] == event["~"] == P["rhythmOnset"]  # no onset there in the model bar
    assert length["d2"] == P["rhythmLength"]
    (_, pos, event) = fifth[4]
    assert pos == 6 and event["n67"] == P["rhythmOnset"] and "r" not in event


def test_a_clash_on_a_strong_beat_or_held_long_is_penalised():
    seen = walk(bar("n65 d2", "n65 d4"), 8, C7)
    downbeat, length = seen[0][2], seen[1][2]
    assert downbeat["n65"] == P["clash"] and downbeat["n77"] == P["clash"] and "n66" not in downbeat
    assert length["d4"] == P["clashLength"] and "d2" not in length
    offbeat = seen[2][2]
    assert "n65" not in offbeat  # off the strong beats, a passing F is fine
    assert seen[3][2]["d4"] == P["clashLength"]  # ... but not held a quarter


def test_free_chords_keep_to_the_models_key_with_some_colour():
    seen = walk(bar("@0:maj7", "n67 d16", "@2:7", "n66 d16"), 2, None)
    opening = seen[0][2]
    assert "@0:maj7" not in opening and "@9:m7" not in opening  # C E G B, A C E G: in C major
    assert opening["@2:7"] == P["offKeyTone"]  # D F# A C: one tone out
    outside = chord_pitch_classes("@1:7") - {0, 2, 4, 5, 7, 9, 11}
    assert len(outside) >= 2 and opening["@1:7"] == len(outside) * P["offKeyTone"]  # Db7: further out
    assert P["offKeyTone"] < 0


def test_the_page_gives_the_same_bonuses(tmp_path):
    """The same walk through ai/grammar.js and ai/shaping.js: the same bonuses at every draw."""
    cases = [
        {"drawn": FILLER * 3 + bar("n72 d4", "r d4", "n67 d4", "n65 d2", "~ d2"), "bars": 8, "changes": C7},
        {
            "drawn": bar("n67 d6", "n69 d2", "n72 d8") + FILLER * 3 + bar("n64 d4", "r d2", "n65 d2", "n61 d8"),
            "bars": 6,
            "changes": {0: "@0:maj7", 32: "@8:7", 72: "@1:7"},
        },
        {"drawn": bar("@9:m7", "n69 d8", "@2:7", "n66 d8", "@1:7", "n65 d16"), "bars": 2, "changes": None},
    ]
    python = [[[b, pos, bonuses] for b, pos, bonuses in walk(c["drawn"], c["bars"], c["changes"])] for c in cases]
    script = r"""
    import { readFileSync } from 'node:fs';
    import { pathToFileURL } from 'node:url';
    const [casesPath, root] = process.argv.slice(1);
    const load = (path) => import(pathToFileURL(`${root}/${path}`).href);
    const { LeadSheetGrammar, classifyVocab } = await load('web_src/js/ai/grammar.js');
    const { Shaper } = await load('web_src/js/ai/shaping.js');
    const { vocab, cases } = JSON.parse(readFileSync(casesPath, 'utf8'));
    const classes = classifyVocab(vocab);
    const out = cases.map((c) => {
      const changes = c.changes && Object.entries(c.changes).map(([step, token]) => ({ step: Number(step), token }));
      const grammar = new LeadSheetGrammar(classes, { bars: c.bars, meter: '4/4', barLength: 16, changes, chordToneBias: 0 });
      const shaper = new Shaper(classes);
      const drawn = [...c.drawn];
      const seen = [];
      while (!grammar.done) {
        const step = grammar.next();
        if (step.forced === undefined && !drawn.length) break;
        let id = step.forced;
        if (id === undefined) {
          const bonuses = shaper.bonuses(grammar, step.allowed);
          seen.push([grammar.bar, grammar.pos, Object.fromEntries([...bonuses].map(([k, v]) => [vocab[k], v]))]);
          id = classes.index.get(drawn.shift());
        }
        shaper.take(grammar, id);
        grammar.accept(id);
      }
      return seen;
    });
    process.stdout.write(JSON.stringify(out));
    """
    page = run_node(script, {"vocab": VOCAB, "cases": cases}, tmp_path)
    assert page == python
    assert sum(len(bonuses) for case in python for _, _, bonuses in case) > 20  # the walks meet many bonuses
    assert theory.LEADSHEET["shaping"] is SHAPING


def test_the_next_bar_restates_the_motifs_rhythm_until_it_leaves_it():
    seen = walk(FILLER + bar("n64 d2", "n65 d2", "n67 d4"), 8, C7)  # bar 2 (place 2) follows bar 1
    second = [s for s in seen if s[0] == 1]
    assert P["repeatFrom"]["2"] == 1
    assert second[0][2]["n64"] == P["rhythmOnset"] and second[1][2]["d4"] == P["rhythmLength"]
    assert second[2][1] == 2 and second[2][2]["r"] == P["rhythmOnset"]  # no onset at 2 in bar 1
    assert "n65" not in second[2][2]
    after = second[4]  # a note at 2 left bar 1's rhythm: no more rhythm bonuses in this bar
    assert after[1] == 4 and not any(b == P["rhythmOnset"] for b in after[2].values())
