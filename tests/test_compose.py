"""Composing with a tiny trained model: the given chords are followed exactly, lengths never cross a
change or a bar line, and a seed always gives the same piece."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from builder import theory
from builder.blind_baseline import chord_blind
from builder.generate import compose
from builder.grammar import nearest_chord_token
from builder.leadsheet import decode
from builder.stepper import Stepper

from .tiny_leadsheet_model import TINY, train_on, train_on_leadsheets

REPO = Path(__file__).resolve().parent.parent
# Eb major, with a change at half-bar, a chord the lead sheets never use (a mM7) and a bar of N.C.
PROGRESSION = [
    {"step": 0, "length": 16, "symbol": "Fm9"},
    {"step": 16, "length": 8, "symbol": "Bb13"},
    {"step": 24, "length": 8, "symbol": "Bb7b9"},
    {"step": 32, "length": 16, "symbol": "Ebmaj9"},
    {"step": 48, "length": 16, "symbol": "CmMaj7"},
]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny model trained on six of the lo-fi lead sheets, and its chord-blind twin."""
    folder = tmp_path_factory.mktemp("sheets")
    model, data = train_on_leadsheets(folder, 6, TINY)
    blind_data = chord_blind(data)
    blind = train_on(blind_data, TINY, folder, "blind")
    return model, data.vocabulary, blind, blind_data.vocabulary


def walk(tokens: list[str]):
    """(step, token, boundary) for every token; boundary: where a length token may end at the latest."""
    piece = decode(tokens)
    changes = {c.start for c in piece.chords} | set(piece.bar_starts()) | {piece.length}
    step, out = 0, []
    for token in tokens:
        boundary = min(c for c in changes if c > step) if step < piece.length else step
        out.append((step, token, boundary))
        kind = theory.read_token(token)
        if kind and kind["kind"] == "length":
            step += kind["sixteenths"]
    return out


def test_compose_follows_the_given_chords_exactly(trained):
    model, vocabulary, _, _ = trained
    piece = compose(Stepper(model), vocabulary, bars=8, seed=7, chords=PROGRESSION, temperature=1.2)
    tokens = piece["tokens"]
    bar_lines = [t for t in tokens if theory.read_token(t)["kind"] == "bar"]
    assert tokens[0] == "<s>" and tokens[-1] == "</s>" and bar_lines == [theory.bar_token(b) for b in range(8)]
    # Cm(maj7) (Am(maj7) in C) is in none of the six lead sheets: it is forced as the nearest chord the
    # model knows, which the result names (in Eb).
    assert "@9:mM7" not in vocabulary
    [mapped] = [m for m in piece["mapped"] if m["symbol"] == "CmMaj7"]
    heard = theory.parse_chord_symbol(mapped["as"])
    nearest = theory.chord_token((heard.root - 3) % 12, heard.family)
    chords = [(step, token) for step, token, _ in walk(tokens) if token.startswith("@")]
    # Bb7b9 has Bb13's token (both '7' on Bb): no change at step 24. Then the progression loops.
    assert chords == [
        (0, "@2:m7"),
        (16, "@7:7"),
        (32, "@0:maj7"),
        (48, nearest),
        (64, "@2:m7"),
        (80, "@7:7"),
        (96, "@0:maj7"),
        (112, nearest),
    ]
    assert piece["key"] == "Eb major"
    assert [c["symbol"] for c in piece["chords"][:5]] == [c["symbol"] for c in PROGRESSION]
    assert piece["chords"][0]["midis"] == theory.voice_chord(theory.parse_chord_symbol("Fm9"))


def test_no_length_crosses_a_chord_change_or_a_bar_line(trained):
    model, vocabulary, _, _ = trained
    for seed in range(4):
        for chords in (PROGRESSION, None):
            tokens = compose(Stepper(model), vocabulary, bars=8, seed=seed, chords=chords, temperature=1.5)["tokens"]
            for step, token, boundary in walk(tokens):
                kind = theory.read_token(token)
                if kind["kind"] == "length":
                    assert step + kind["sixteenths"] <= boundary, (seed, step, token, tokens)
            assert decode(tokens).bar_lengths == [16] * 8


def test_the_same_seed_gives_the_same_piece(trained):
    model, vocabulary, _, _ = trained
    first = compose(Stepper(model), vocabulary, bars=8, seed=11, chords=PROGRESSION, top_p=0.9)
    again = compose(Stepper(model), vocabulary, bars=8, seed=11, chords=PROGRESSION, top_p=0.9)
    other = compose(Stepper(model), vocabulary, bars=8, seed=12, chords=PROGRESSION, top_p=0.9)
    assert first == again
    assert first["tokens"] != other["tokens"]
    free = compose(Stepper(model), vocabulary, bars=8, seed=11)
    assert free == compose(Stepper(model), vocabulary, bars=8, seed=11)
    # free: '<s>', the style, the first bar line, then the model's own chord
    assert theory.parse_chord_token(free["tokens"][3]) is not None


def test_melody_and_chords_come_back_in_the_listeners_key(trained):
    model, vocabulary, _, _ = trained
    piece = compose(Stepper(model), vocabulary, bars=4, seed=3, chords=PROGRESSION)
    written = decode(piece["tokens"]).melody
    # C major up to Eb major, folded by whole octaves into the melody's register
    assert [n["midi"] % 12 for n in piece["melody"]] == [(n.midi + 3) % 12 for n in written]
    assert [(n["step"], n["length"]) for n in piece["melody"]] == [(n.start, n.length) for n in written]


class Recording(Stepper):
    """The real stepper, remembering which tokens it was fed."""

    def __init__(self, model, vocabulary):
        super().__init__(model)
        self.vocabulary, self.fed = vocabulary, []

    def step_logits(self, token_id):
        self.fed.append(self.vocabulary[token_id])
        return super().step_logits(token_id)


def test_the_chord_blind_baseline_composes_under_the_same_changes_without_being_told(trained):
    _, _, blind, vocabulary = trained
    assert not any(t.startswith("@") for t in vocabulary)
    stepper = Recording(blind, vocabulary)
    tokens = compose(stepper, vocabulary, bars=8, seed=2, chords=PROGRESSION)["tokens"]
    assert [t for t in tokens if t.startswith("@")][:3] == ["@2:m7", "@7:7", "@0:maj7"]
    assert not any(t.startswith("@") for t in stepper.fed)
    assert stepper.fed == [t for t in tokens if not t.startswith("@")][:-1]  # every other token, but '</s>'
    for step, token, boundary in walk(tokens):
        kind = theory.read_token(token)
        if kind["kind"] == "length":
            assert step + kind["sixteenths"] <= boundary


# ---- the chord a vocabulary lacks: Python and the page map it alike, keeping its 7th -----------------

FAMILIES_MOST = ["maj7", "m7", "7", "m7b5", "dim7", "7sus", "6", "maj", "m", "sus"]
VOCAB_MOST = ["@NC", *(f"@{r}:{f}" for f in FAMILIES_MOST for r in range(12))]


def test_a_seventh_chord_without_its_own_token_keeps_its_guide_tones():
    def nearest(symbol, *dropped):
        vocabulary = [t for t in VOCAB_MOST if t not in dropped]
        return nearest_chord_token(theory.parse_chord_symbol(symbol), vocabulary)

    # Ab13 (moved to Eb13 in C) without a dominant 7th on its root: Gm7b5, Eb9 without its root
    # (G Bb Db F: its third and seventh), never Eb6, which drops the 7th.
    assert nearest("Eb13", "@3:7") == "@7:m7b5"
    assert nearest("Cmaj9", "@0:maj7") == "@4:m7"  # E G B D: the maj9 without its root
    assert nearest("G7sus4", "@7:7sus") == "@2:m7"  # Dm7/G
    assert nearest("C7", "@0:7") == "@4:m7b5"
    # Nothing with a 7th holds the guide tones inside the chord: the best fit of all, as before.
    assert nearest("CmM7") == "@0:m"
    assert nearest("Dm9") == "@2:m7" and nearest("Ab6") == "@8:6"  # its own token first


def test_python_and_the_page_map_every_chord_to_the_same_token(tmp_path):
    symbols = sorted({f"{root}{suffix}" for root in ("C", "Eb", "F#", "A") for suffix in theory.SUFFIXES} | {"N.C."})
    vocabularies = [
        VOCAB_MOST,
        [t for t in VOCAB_MOST if not t.endswith(":7")],
        [t for t in VOCAB_MOST if ":m" not in t],
    ]
    vocabularies += [[t for t in VOCAB_MOST if t not in (f"@{r}:7", f"@{r}:maj7")] for r in range(12)]
    cases = [{"symbol": s, "vocab": v} for s in symbols for v in vocabularies]
    python = [nearest_chord_token(theory.parse_chord_symbol(c["symbol"]), c["vocab"]) for c in cases]
    path = tmp_path / "cases.json"
    path.write_text(json.dumps(cases), encoding="utf-8")
    script = (
        "import { readFileSync } from 'node:fs';"
        f"const c = await import({json.dumps((REPO / 'web_src/js/ai/compose.js').as_uri())});"
        f"const t = await import({json.dumps((REPO / 'web_src/js/music/theory.js').as_uri())});"
        "const cases = JSON.parse(readFileSync(process.argv[1], 'utf8'));"
        "process.stdout.write(JSON.stringify(cases.map((x) => c.nearestChordToken(t.parseChordSymbol(x.symbol), x.vocab))));"
    )
    result = subprocess.run(
        [shutil.which("node") or "node", "--input-type=module", "-e", script, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    javascript = json.loads(result.stdout)
    differences = [(c["symbol"], p, j) for c, p, j in zip(cases, python, javascript) if p != j]
    assert len(cases) > 1000 and not differences, differences[:5]
    # With the m7 and m7b5 chords there to hold them, every seventh chord but mM7 (nothing in these
    # vocabularies holds its minor third and major seventh) keeps a 7th.
    kept = [
        theory.FAMILIES[theory.parse_chord_token(p)[1]]["seventh"]
        for c, p in zip(cases, python)
        if c["vocab"] is not vocabularies[2]
        and theory.parse_chord_symbol(c["symbol"]).family in theory.SEVENTH_FAMILIES
        if theory.parse_chord_symbol(c["symbol"]).family != "mM7"
    ]
    assert len(kept) > 500 and all(kept)
