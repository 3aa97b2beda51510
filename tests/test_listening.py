"""The report's listening pieces as the build keeps them: meta.json entries that carry what the page's
player plays them from, real matplotlib piano rolls read back, and the real template rendered by
Jinja. (The playing itself is the page's: tests/js/report_replay.test.js, tests/test_report_browser.py.)"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jinja2
import pytest
from matplotlib import image as mpimg

from builder import modelcheck, theory
from builder.listening_pieces import chord_text, progression_text, write_listening
from builder.report_pictures import draw_piano_roll

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "content" / "model"


def chord(step: int, length: int, symbol: str) -> dict:
    return {
        "step": step,
        "length": length,
        "symbol": symbol,
        "midis": theory.voice_chord(theory.parse_chord_symbol(symbol)),
    }


def note(step: int, length: int, midi: int) -> dict:
    return {"step": step, "length": length, "midi": midi}


ONE_BAR = {
    "tokens": ["<s>", "|", "@m7:2", "n69", "d4", "</s>"],
    "key": "F major",
    "chords": [chord(0, 8, "Gm9"), chord(8, 8, "C9")],
    "melody": [note(2, 4, 69)],
    "seed": 7,
    "bars": 1,
}
PIECES = [
    {**ONE_BAR, "follows": "Gm9 C9"},
    {**ONE_BAR, "key": "D minor", "follows": "Gm9 C9", "seed": 8},
    {**ONE_BAR, "key": "C major", "follows": None, "seed": 9},
]


def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(REPO / "web_src" / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def test_progression_text_writes_bars_as_the_chord_field_does():
    piece = {"chords": [chord(0, 32, "Dm9"), chord(32, 8, "G7"), chord(40, 8, "C7"), chord(48, 16, "Fmaj7")]}
    assert progression_text(piece) == "Dm9 | Dm9 | G7 C7 | Fmaj7"
    assert progression_text({"chords": [chord(16, 16, "Am7")]}) == "N.C. | Am7"
    # The text a piece followed: one chord per change, as the chord field is given it.
    assert chord_text(piece["chords"]) == "Dm9 | G7 C7 | Fmaj7"
    assert chord_text(None) is None and chord_text([]) is None


def test_the_entries_carry_what_the_player_plays_and_the_pictures_read_back(tmp_path):
    entries = write_listening(PIECES, tmp_path / "model")
    assert [e["title"] for e in entries] == [
        "1. Follows Gm9 C9 in F major",
        "2. Follows Gm9 C9 in D minor",
        "3. The model's own chords",
    ]
    assert entries[2] == {
        "title": "3. The model's own chords",
        "image": "listening-3.png",
        "progression": "Gm9 C9",
        "key": "C major",
        "follows": None,
        "seed": 9,
        "bars": 1,
        "tokens": ONE_BAR["tokens"],
        "chords": ONE_BAR["chords"],
        "melody": ONE_BAR["melody"],
    }
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == [f"listening-{n}.png" for n in (1, 2, 3)]
    for entry in entries:
        assert mpimg.imread(tmp_path / "model" / entry["image"]).shape[:2] == (400, 1000)
    # Reproducible bytes: the same piece draws the same file.
    again = write_listening(PIECES[:1], tmp_path / "again")
    assert (tmp_path / "again" / again[0]["image"]).read_bytes() == (
        tmp_path / "model" / "listening-1.png"
    ).read_bytes()


def test_the_report_plays_each_piece_from_its_tokens():
    entries = [{**e, "image": f"listening-{n}.png"} for n, e in enumerate(PIECES, start=1)]
    entries = [{**e, "title": f"{n}. piece", "progression": "Gm9 C9"} for n, e in enumerate(entries, start=1)]
    entries[2]["title"] = "3. The model's own chords"
    html = environment().get_template("report_listening.html").render(meta={"listening": entries})
    assert html.count('<figure class="listening"') == 3
    for number in (1, 2, 3):
        assert f'<figcaption id="listening-{number}">' in html
        assert (
            f'<button type="button" class="listen" aria-describedby="listening-{number}" hidden>Play</button>' in html
        )
    assert f'data-tokens="{" ".join(ONE_BAR["tokens"]).replace("<", "&lt;").replace(">", "&gt;")}"' in html
    assert 'data-follows="Gm9 C9"' in html and 'data-follows=""' in html  # the third wrote its own chords
    assert 'data-seed="8" data-bars="1"' in html
    assert html.count('<script type="module" src="assets/report.js"></script>') == 1
    assert 'src="model/listening-2.png"' in html and "<audio" not in html
    assert "3. The model&#39;s own chords" in html
    assert "<figure" not in environment().get_template("report_listening.html").render(meta={})
    assert '{% include "report_listening.html" %}' in (REPO / "web_src" / "templates" / "report.html").read_text()


def test_the_committed_pieces_are_what_their_pictures_show(tmp_path):
    meta = modelcheck.verify(MODEL)
    assert len(meta["listening"]) == 3
    assert not list(MODEL.glob("listening-*.ogg"))  # the report plays them with the page's player
    for entry in meta["listening"]:
        draw_piano_roll(entry, tmp_path / entry["image"])
        assert (tmp_path / entry["image"]).read_bytes() == (MODEL / entry["image"]).read_bytes(), entry["title"]
    assert json.loads((MODEL / "meta.json").read_text())["listening"][2]["follows"] is None


def test_a_cached_piece_the_report_cannot_play_is_refused(tmp_path):
    """meta.json is checked before a build reuses the model: a piece without its tokens, with a token
    the report's attribute would split, or without a seed or bars is named, in one line."""
    model = tmp_path / "model"
    shutil.copytree(MODEL, model, ignore=shutil.ignore_patterns("model.h5", "*-cache.json"))
    meta = json.loads((model / "meta.json").read_text())
    assert modelcheck.verify(model)["listening"] == meta["listening"]
    for change in (
        lambda e: e.pop("tokens"),
        lambda e: e["tokens"].__setitem__(3, "n60 d4"),
        lambda e: e.update(seed=-1),
        lambda e: e.update(bars=0),
        lambda e: e.update(follows=3),
    ):
        broken = json.loads(json.dumps(meta))
        change(broken["listening"][1])
        (model / "meta.json").write_text(json.dumps(broken))
        with pytest.raises(modelcheck.Unverified) as error:
            modelcheck.verify(model)
        assert (
            str(error.value) == "meta.json: 'listening' is not a list of pieces with a picture, tokens, a seed and bars"
        )
