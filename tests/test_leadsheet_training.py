"""Training on lead sheets: the lo-fi collection oversampled to its share, both collections held out,
the setting checked, and the cached model retrained when a lead sheet or the vocabulary changes."""

from __future__ import annotations

import json

import pytest

from builder import modelcache, theory
from builder.config import DEFAULTS, load_config
from builder.corpus import Corpus, Piece
from builder.errors import ContentError
from builder.leadsheet import grammar_tokens
from builder.train import oversample_lofi, prepare_data, split_by_file

LOFI = ["<s>", "|", "@2:m7", "n62", "d16", "</s>"]
CHORALE = ["<s>", "|", "@0:maj", "n60", "d4", "n64", "d4", "n67", "d8", "</s>"]


def pieces(lofi: int, chorales: int) -> list[Piece]:
    return [Piece(f"leadsheets/{i}.toml", LOFI, True) for i in range(lofi)] + [
        Piece(f"bach/{i}.mid", CHORALE) for i in range(chorales)
    ]


def share(items: list[Piece]) -> float:
    return sum(len(p.tokens) for p in items if p.lofi) / sum(len(p.tokens) for p in items)


def test_the_lofi_pieces_are_repeated_the_fewest_times_that_reach_their_share():
    items = pieces(2, 6)  # 12 lo-fi tokens against 60
    out = oversample_lofi(items, 0.5)
    assert share(out) >= 0.5 and share(out[: len(out) - 2]) < 0.5  # one repeat fewer would not do
    assert len(out) == 8 + 2 * 4  # each lo-fi piece five times in all
    assert len({p.path for p in out}) == len(out)
    assert oversample_lofi(items, 0.0) == items
    assert oversample_lofi(pieces(0, 3), 0.5) == pieces(0, 3)


def test_each_repeat_of_a_lofi_piece_is_in_another_key_with_its_melody_in_the_middle_register():
    lofi = ["<s>", "#lofi", "|1", "@2:m7", "n62", "d8", "n84", "d8", "|2", "@7:7", "n71", "d16", "</s>"]
    items = [Piece("leadsheets/a.toml", lofi, True)] + [Piece(f"bach/{i}.mid", CHORALE) for i in range(40)]
    out = oversample_lofi(items, 0.75)
    copies = [p for p in out if p.lofi]
    assert len(copies) >= 12
    roots = {theory.read_token(p.tokens[3])["root"] for p in copies[:12]}
    assert roots == set(range(12))  # the first twelve: the original key and the eleven others
    for copy in copies:
        notes = [theory.read_token(t)["midi"] for t in copy.tokens if t.startswith("n")]
        intervals = [b - a for a, b in zip(notes, notes[1:])]
        assert all(abs(i) <= 24 for i in intervals)
        assert 48 <= min(notes) and max(notes) <= 84
        assert [t for t in copy.tokens if not t.startswith(("n", "@"))] == [
            t for t in lofi if not t.startswith(("n", "@"))
        ]
        chord_root = theory.read_token(copy.tokens[3])["root"]
        assert (notes[0] - chord_root) % 12 == (62 - 2) % 12  # the melody moved with its chords


def test_both_collections_are_held_out():
    split = split_by_file(pieces(10, 30), 0.1, seed=3)
    held = split.validation
    assert sum(p.lofi for p in held) == 1 and sum(not p.lofi for p in held) == 3
    assert split == split_by_file(list(reversed(pieces(10, 30))), 0.1, seed=3)


def test_prepare_data_keeps_the_normalised_tokens_and_has_every_grammar_token():
    config = {**DEFAULTS["model"], "validation_share": 0.2, "seed": 1}
    data = prepare_data(Corpus(pieces(5, 20)), config)
    originals = [p for p in data.augmented if "#" not in p.path]  # the lo-fi repeats are in other keys
    assert originals and all(p.tokens in (LOFI, CHORALE) for p in originals)  # no key estimation moved them
    assert set(grammar_tokens()) <= set(data.vocabulary)
    assert data.lofi_token_share >= config["lofi_share"]


def test_lead_sheets_are_the_default_and_the_lofi_share_is_checked(tmp_path):
    assert load_config(None)["model"]["encoding"] == "leadsheet"
    site = tmp_path / "site.toml"
    site.write_text("[model]\nlofi_share = 1.0\n")
    with pytest.raises(ContentError, match=r"lofi_share = 1.0: must be from 0 to 0.95"):
        load_config(site)
    site.write_text('[model]\nlofi_share = 0.7\nencoding = "timed"\n')
    assert load_config(site)["model"]["lofi_share"] == 0.7


def test_a_changed_lead_sheet_or_vocabulary_retrains_the_model(tmp_path, monkeypatch):
    (tmp_path / "midi").mkdir()
    sheets = tmp_path / "leadsheets"
    sheets.mkdir()
    (sheets / "a.toml").write_text("title = 'A'\n")
    config = DEFAULTS["model"]
    before = modelcache.inputs(tmp_path / "midi", config, sheets)
    model_dir = tmp_path / "model"
    (model_dir / "tfjs").mkdir(parents=True)
    (model_dir / "tfjs" / "model.json").write_text("{}")
    (model_dir / "meta.json").write_text(json.dumps({"inputs": before}))
    (sheets / "a.toml").write_text("title = 'B'\n")
    assert (
        modelcache.why_stale(model_dir, modelcache.inputs(tmp_path / "midi", config, sheets))
        == "the lead sheets changed"
    )
    (sheets / "a.toml").write_text("title = 'A'\n")
    monkeypatch.setattr("builder.leadsheet.theory_digest", lambda: "another theory.json")
    assert "theory.json" in modelcache.why_stale(model_dir, modelcache.inputs(tmp_path / "midi", config, sheets))
    timed = modelcache.inputs(tmp_path / "midi", {**config, "encoding": "timed"}, sheets)
    assert "leadsheets" not in timed  # the other encodings do not read the lead sheets


def test_an_unreadable_chord_in_a_lead_sheet_fails_the_build_and_leaves_no_site(tiny_content, tmp_path):
    from builder.build import BuildOptions, build

    sheets = tiny_content / "leadsheets"
    sheets.mkdir()
    (sheets / "odd.toml").write_text(
        'title = "Odd"\ncomposer = "x"\nlicence = "CC0-1.0"\ntempo = 80\ntime_signature = "4/4"\n'
        '[parts.keys]\nchords = "Dm9 | G13 Cmaj7 Cq9 E7"\n[parts.melody]\nnotes = "r1 | r1"\n'
    )
    with pytest.raises(ContentError) as error:
        build(BuildOptions(content=tiny_content, out=tmp_path / "dist", quiet=True))
    assert [line for line in str(error.value).splitlines() if "odd.toml" in line] == [
        f"{sheets / 'odd.toml'} (part 'keys', bar 2, beat 3): \"Cq9\" is not a chord symbol I know"
    ]
    assert not (tmp_path / "dist").exists()


def test_the_report_shows_the_lead_sheet_measures_beside_their_targets(built_site):
    report = json.loads((built_site / "model" / "report.json").read_text())
    rows = {row["name"]: row for row in report["evaluation"]["leadsheet"]["measures"]}
    assert rows["notes_per_bar"]["target"] == [2.5, 5.0] and rows["seventh_chord_share"]["target"] == [0.6, None]
    assert rows["notes_per_bar"]["model"] > 0 and rows["notes_per_bar"]["baseline"] > 0
    assert report["evaluation"]["leadsheet"]["follow_pieces"] >= 20
    page = (built_site / "report.html").read_text()
    table = page[page.index("Does it write lo-fi?") :]
    assert '<th scope="col">chord-blind baseline</th>' in table
    assert '<th scope="row">notes per bar</th><td>2.50–5.00</td>' in table
    assert '<th scope="row">chords with a 7th or more (free mode)</th><td>≥ 0.60</td>' in table
