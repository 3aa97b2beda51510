"""The lead-sheet AI track in headless Chromium: lofi.compose() follows the listener's chords or
writes its own, and play(), renderOffline(), the MIDI file and share links use the whole piece.

The site is the tiny test content with the real media (drums, samples), its model replaced by a
tiny tf_keras LSTM with random weights over a lead-sheet vocabulary, converted for TF.js with the
build's own converter: what the page does with a lead-sheet model is tested, whatever such a
model has learned. The vocabulary lacks the mM7, m6, dim and aug families, so the mapping of a
chord the model has no token for is tested too.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from builder import groove, theory
from builder.pwa import write_pwa

from .browser import open_lofi
from .conftest import REPO, served

pytestmark = pytest.mark.browser

FAMILIES = ["maj7", "m7", "7", "m7b5", "dim7", "7sus", "6", "maj", "m", "sus"]
VOCAB = (
    ["<s>", "</s>", "|", "~", "r", "@NC"]
    + [f"@{root}:{family}" for family in FAMILIES for root in range(12)]
    + [f"n{midi}" for midi in range(48, 85)]
    + [f"d{k}" for k in (1, 2, 3, 4, 6, 8, 12, 16)]
)
PROGRESSION = "Ebmaj9 | Cm9 | Fm7 Bb13 | Ebmaj7#11"  # E flat major: the model hears it in C major
NOTE_PC = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def write_leadsheet_model(model_dir: Path, work: Path) -> None:
    """A random-weights LSTM over VOCAB in the build's model format, and generation.json saying
    "leadsheet"."""
    from builder.export import convert_to_tfjs
    from builder.tf_env import import_keras

    keras = import_keras()
    keras.utils.set_random_seed(7)
    size = len(VOCAB)
    model = keras.Sequential(
        [
            keras.Input(shape=(None,), dtype="int32", name="tokens"),
            keras.layers.Embedding(size, 8, name="embedding"),
            keras.layers.LSTM(16, return_sequences=True, name="lstm_0"),
            keras.layers.Dropout(0.1, name="dropout_0"),
            keras.layers.LSTM(16, return_sequences=True, name="lstm_1"),
            keras.layers.Dropout(0.1, name="dropout_1"),
            keras.layers.Dense(16, activation="relu", name="dense_hidden"),
            keras.layers.Dense(size, name="dense_logits"),
            keras.layers.Activation("softmax", name="softmax"),
        ]
    )
    converted = work / "tfjs"
    convert_to_tfjs(model, converted)
    for path in list(model_dir.glob("*.bin")) + [model_dir / "model.json"]:
        path.unlink(missing_ok=True)
    for path in converted.iterdir():
        shutil.copyfile(path, model_dir / path.name)
    generation = json.loads((model_dir / "generation.json").read_text())
    generation.update(vocab=VOCAB, encoding="leadsheet")
    (model_dir / "generation.json").write_text(json.dumps(generation, indent=1) + "\n")


@pytest.fixture(scope="module")
def leadsheet_site(media_site, tmp_path_factory):  # conftest: the tiny content with the real media
    root = tmp_path_factory.mktemp("leadsheet-site")
    dist = root / "dist"
    shutil.copytree(media_site, dist)
    write_leadsheet_model(dist / "model", root)
    write_pwa(dist, {"title": "Tiny Lofi", "description": ""}, REPO / "web_src")
    return dist


@pytest.fixture(scope="module")
def site(leadsheet_site):
    yield from served(leadsheet_site)


@pytest.fixture
def open_page(browser, site):
    contexts = []

    def opener(url=None, **context_options):
        context = browser.new_context(**context_options)
        contexts.append(context)
        return open_lofi(context, url or site)

    yield opener
    for context in contexts:
        context.close()


def compose(page, options: str) -> dict:
    return page.evaluate(f"() => window.lofi.compose({options})")


def written_changes(tokens: list[str]) -> list[tuple[int, str]]:
    """(step, token) of every chord token, checking the bar lines as it goes; and the length."""
    changes, pos, bar = [], 0, -1
    for token in tokens:
        if token.startswith("|"):  # "|1"...: the bar line and its place in the phrase
            bar += 1
            assert pos == bar * 16, f"bar {bar + 1} starts at {pos}"
        elif token.startswith("@"):
            changes.append((pos, token))
        elif token.startswith("d"):
            pos += int(token[1:])
    return changes, pos


def length_ends(tokens: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every melody event, from its length token."""
    spans, pos = [], 0
    for token in tokens:
        if token.startswith("d"):
            spans.append((pos, pos + int(token[1:])))
            pos += int(token[1:])
    return spans


def test_compose_follows_the_progression_exactly(open_page):
    page, watch = open_page()
    piece = compose(page, f"{{progression: '{PROGRESSION}', seed: 3, temperature: 1}}")
    assert piece["key"] == "Eb major" and piece["bars"] == 8 and piece["mode"] == "follow"
    parsed = page.evaluate(f"() => window.lofi.parseProgression('{PROGRESSION}')")
    one_pass = [(c["symbol"], c["bar"] * 16 + c["step"], c["sixteenths"]) for c in parsed["chords"]]
    assert [(c["symbol"], c["step"], c["length"]) for c in piece["chords"]] == one_pass + [
        (symbol, step + 64, length) for symbol, step, length in one_pass
    ]
    # Each chord sounds as the listener wrote it: the voicing of its own symbol (builder/theory.py
    # computes the same, from the same theory.json).
    for chord in piece["chords"]:
        assert chord["midis"] == theory.voice_chord(theory.parse_chord_symbol(chord["symbol"]))
    assert piece["chords"][0]["midis"] == [39, 53, 55, 58, 62]  # Eb2 | F3 G3 Bb3 D4
    # The model was told the chords in C major, at their steps, where the chord changes.
    changes, length = written_changes(piece["tokens"])
    assert changes == [
        (0, "@0:maj7"),
        (16, "@9:m7"),
        (32, "@2:m7"),
        (40, "@7:7"),
        (48, "@0:maj7"),
        (80, "@9:m7"),
        (96, "@2:m7"),
        (104, "@7:7"),
        (112, "@0:maj7"),
    ]
    assert length == 128 and piece["tokens"][0] == "<s>" and piece["tokens"][-1] == "</s>"
    # No melody event's length runs past a chord change or a bar line: a note held over one is
    # tied there ("~"), and the piece's notes (ties joined) come back in E flat.
    cuts = {step for step, _ in changes} | set(range(0, 129, 16))
    for start, end in length_ends(piece["tokens"]):
        assert not any(start < cut < end for cut in cuts), (start, end)
    model_notes = []
    pos, pending = 0, None
    for token in piece["tokens"]:
        if token.startswith("n"):
            pending = int(token[1:])
        elif token.startswith("d"):
            if pending is not None:
                model_notes.append((pos, pending + 3))  # C major -> E flat major
            pos, pending = pos + int(token[1:]), None
        elif token in ("r", "~"):
            pending = None
    # ...folded by whole octaves into the melody's register (theory.json melodyRegister).
    assert [(n["step"], n["midi"] % 12) for n in piece["melody"]] == [(step, midi % 12) for step, midi in model_notes]
    assert piece["melody"], "the model wrote no note at all"
    for note in piece["melody"]:
        assert 48 <= note["midi"] <= 90 and note["length"] >= 1 and note["step"] + note["length"] <= 128
    # The extension the model's chords lack is reported on the page.
    assert piece["mapped"] == [{"symbol": "Ebmaj7#11", "as": "Ebmaj7", "nearest": False}]
    assert "Ebmaj7#11 played as Ebmaj7" in page.text_content("#messages")
    assert not watch.errors


def test_a_chord_the_model_has_no_token_for_is_its_nearest(open_page):
    page, watch = open_page()
    piece = compose(page, "{progression: 'Am | AmM7 | Dm7 | E7', seed: 1}")
    assert piece["key"] == "A minor"
    changes, _ = written_changes(piece["tokens"])
    assert changes[:3] == [(0, "@9:m"), (32, "@2:m7"), (48, "@4:7")]  # AmM7 is heard as Am: no change
    assert [c["symbol"] for c in piece["chords"][:4]] == ["Am", "AmM7", "Dm7", "E7"]
    assert piece["chords"][1]["midis"] == theory.voice_chord(theory.parse_chord_symbol("AmM7"))
    assert "AmM7 played as Am (the nearest chord the model knows)" in page.text_content("#messages")
    assert not watch.errors


def test_the_same_seed_gives_the_same_piece(open_page):
    page, watch = open_page()
    options = f"{{progression: '{PROGRESSION}', seed: 'rainy', temperature: 1.3, bars: 6}}"
    first = compose(page, options)
    assert first["bars"] == 6 and len(first["chords"]) == 7  # a pass and a half
    page.reload()
    page.wait_for_function("() => window.lofi !== undefined")
    assert compose(page, options) == first
    other = compose(page, f"{{progression: '{PROGRESSION}', seed: 'sunny', temperature: 1.3, bars: 6}}")
    assert other["melody"] != first["melody"] and other["chords"] == first["chords"]
    free = compose(page, "{progression: null, seed: 4}")
    assert compose(page, "{progression: null, seed: 4}") == free
    assert not watch.errors


def test_free_mode_writes_its_own_chords_and_the_backing_plays_them(open_page):
    page, watch = open_page()
    keys = set()
    for seed in (1, 2, 3, 4, 5):
        piece = compose(page, f"{{progression: null, seed: {seed}, bars: 8}}")
        assert piece["mode"] == "free" and piece["bars"] == 8
        keys.add(piece["key"])
        changes, length = written_changes(piece["tokens"])
        assert length == 128 and changes[0][0] == 0
        assert all(step % 8 == 0 for step, _ in changes)
        # At most two chords a bar (on its first beat or half way): the model's own, named by
        # their family and voiced with the family's voicing (N.C., a bar of silence, has none).
        assert all(sum(1 for step, _ in changes if step // 16 == bar) <= 2 for bar in range(8))
        assert [c["step"] for c in piece["chords"]] == [step for step, _ in merged(changes)]
        assert sum(c["length"] for c in piece["chords"]) == 128
        for chord in piece["chords"]:
            parsed = theory.parse_chord_symbol(chord["symbol"])
            assert parsed is not None, chord["symbol"]
            expected = (
                [] if parsed.root is None else theory.voice_chord(theory.family_chord(parsed.root, parsed.family))
            )
            assert chord["midis"] == expected, chord
    assert len(keys) >= 2, keys  # the seed picks the key
    # The backing plays the chords the model wrote: every strike of the electric piano is the upper
    # voicing of the chord sounding there, and the bass plays its root on each bar's first beat.
    page.evaluate("() => window.lofi.compose({progression: null, seed: 2, bars: 4})")
    piece = page.evaluate("() => window.lofi.lastSolo().piece")
    result = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 4, bpm: 400, drums: null})")
    events = page.evaluate("() => window.lofi.lastSolo().events")
    assert result["rms"] > 0.002
    struck = sorted((e["step"], tuple(e["notes"])) for e in events if e["part"] == "chords")

    def sounding(step):
        return next(c for c in piece["chords"] if c["step"] <= step < c["step"] + c["length"])

    assert struck and all(note_numbers(notes) == sounding(step)["midis"][1:] for step, notes in struck)
    assert {step for step, _ in struck} >= {bar * 16 for bar in range(4) if sounding(bar * 16)["midis"]}
    bass = {e["step"]: note_numbers(e["notes"])[0] for e in events if e["part"] == "bass"}
    for bar in range(4):
        chord = sounding(bar * 16)
        assert bass.get(bar * 16) == (chord["midis"][0] if chord["midis"] else None)
    played = [e for e in result["timeline"] if e["layer"] == "music"]
    assert {e["part"] for e in played} == {0, 1, 2}  # melody, chords and bass all sounded
    assert not watch.errors


def merged(changes: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Chord changes without a chord written again where it already sounds."""
    out = []
    for step, token in changes:
        if not out or out[-1][1] != token:
            out.append((step, token))
    return out


def note_numbers(names) -> list[int]:
    return [theory.note_name_to_midi(name) for name in names]


def test_play_sounds_chords_bass_and_a_swung_melody(open_page):
    page, watch = open_page()
    page.evaluate(f"() => window.lofi.compose({{progression: '{PROGRESSION}', seed: 8, bars: 4}})")
    events = page.evaluate("() => window.lofi.lastSolo().events")
    counts = {part: sum(1 for e in events if e["part"] == part) for part in ("melody", "chords", "bass")}
    # A strike per chord and a softer second one in the three bars a chord has to itself (backing.js
    # comps); the bass: root and pickup in those bars, a root per chord in the other.
    assert counts["chords"] == 5 + 3 and counts["bass"] == 8 and counts["melody"] >= 1
    # The whole track, offline, with the boom-bap pattern (swing 57%: the off-beat sixteenths 7
    # ticks late, the off-beat eighths 13): every event of every part sounds, and the melody swings
    # as the drums do (builder/groove.py is the page's swing.js, parity-tested).
    result = page.evaluate("() => window.lofi.renderOffline({song: 'ai', bars: 4, bpm: 300, drums: 'boom-bap'})")
    music = [e for e in result["timeline"] if e["layer"] == "music"]
    assert [sum(1 for e in music if e["part"] == p) for p in (0, 1, 2)] == [
        counts["melody"],
        counts["chords"],
        counts["bass"],
    ]
    drums_late = {e["ticks"] % 96 for e in result["timeline"] if e["layer"] == "drums" and e["step"] % 2 == 1}
    assert drums_late == {55}
    melody = sorted(e["step"] for e in events if e["part"] == "melody")
    heard = sorted(e["ticks"] for e in music if e["part"] == 0)
    # Read back from audio times: a tick either way.
    expected = [groove.swung_ticks(step, 57) for step in melody]
    assert len(heard) == len(expected) and all(abs(h - e) <= 1 for h, e in zip(heard, expected)), (heard, expected)
    # Live: play() streams all three parts into the player, from the first bar on, the melody
    # swung there too (audio/streamed_track.js delays the off-beat sixteenths as they are played).
    page.evaluate("() => window.lofi.play({song: 'ai', drums: 'boom-bap', bpm: 240})")
    page.wait_for_function("() => window.lofi.state().bar >= 4.5", timeout=30000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    page.evaluate("() => window.lofi.stop()")
    live = [e for e in timeline if e["layer"] == "music" and e.get("pass") == 0]
    assert [sum(1 for e in live if e["part"] == p) for p in (0, 1, 2)] == [
        counts["melody"],
        counts["chords"],
        counts["bass"],
    ]
    assert any(e["part"] == 1 and e["ticks"] == 0 for e in live) and any(
        e["part"] == 2 and e["ticks"] == 0 for e in live
    )
    live_melody = sorted(e["ticks"] for e in live if e["part"] == 0)
    assert len(live_melody) == len(expected) and all(abs(h - e) <= 1 for h, e in zip(live_melody, expected))
    assert not watch.errors


def test_the_midi_file_has_melody_chords_and_bass_of_the_same_length(open_page):
    page, watch = open_page()
    # The last bar has no chord: the chords and the bass stop a bar before the piece ends.
    piece = compose(page, "{progression: 'Ebmaj9 | Cm9 | Fm7 Bb13 | N.C.', seed: 12, bars: 4}")
    assert piece["chords"][-1] == {"step": 48, "length": 16, "symbol": "N.C.", "midis": []}
    exported = page.evaluate("() => window.lofi.exportMidi({song: 'ai'})")
    # Named after what it holds: the piece's key and tempo, and the day.
    assert piece["key"] == "Eb major"
    assert (
        exported["bars"] == 4 and exported["filename"] == f"ai-tune-e-flat-major-75-bpm-{date.today().isoformat()}.mid"
    )
    midi = page.evaluate("(b) => window.lofi.readMidi(b)", exported["bytes"])
    assert midi["ppq"] == 480
    tracks = {t["name"]: t for t in midi["tracks"]}
    assert set(tracks) == {"ai-melody", "ai-chords", "ai-bass"}
    assert {t["endTicks"] for t in tracks.values()} == {4 * 1920}  # every track is the piece's 4 bars

    def notes(name):
        return sorted((n["ticks"], n["midi"], n["durationTicks"]) for n in tracks[name]["notes"])

    # The lead sheet on its grid (not swung): the melody as composed, each chord's voicing without
    # its bass on the electric piano (program 4), the bass line on the bass (program 33).
    assert notes("ai-melody") == sorted((n["step"] * 120, n["midi"], n["length"] * 120) for n in piece["melody"])
    events = page.evaluate("() => window.lofi.lastSolo().events")
    assert notes("ai-chords") == sorted(
        (e["step"] * 120, m, e["length"] * 120)
        for e in events
        if e["part"] == "chords"
        for m in note_numbers(e["notes"])
    )
    for chord in piece["chords"]:  # struck at its start and comped, its voicing sounding to its end
        start, end = chord["step"] * 120, (chord["step"] + chord["length"]) * 120
        inside = [n for n in notes("ai-chords") if start <= n[0] < end]
        assert {n[1] for n in inside} == set(chord["midis"][1:])
        strikes = sorted({(n[0], n[2]) for n in inside})
        assert not chord["midis"] or (strikes[0][0] == start and sum(length for _, length in strikes) == end - start)
    sounding = [c for c in piece["chords"] if c["midis"]]
    assert {n[0] for n in notes("ai-bass")} >= {c["step"] * 120 for c in sounding}
    assert {n[1] for n in notes("ai-bass") if n[0] in {c["step"] * 120 for c in sounding}} <= {
        c["midis"][0] for c in sounding
    }
    assert max(n[0] + n[2] for n in notes("ai-bass")) == 48 * 120
    assert [tracks[n]["program"] for n in ("ai-melody", "ai-chords", "ai-bass")] == [0, 4, 33]
    # And a WAV of the piece: its bars, with sound in them.
    wav = page.evaluate(
        "() => window.lofi.renderWav({song: 'ai', bpm: 300}).then((r) => ({bars: r.bars, rms: r.rms, size: r.size}))"
    )
    assert wav["bars"] == 4 and wav["rms"] > 0.002 and wav["size"] > 10000
    assert not watch.errors


def test_a_share_link_and_the_chord_field_reproduce_the_piece(open_page, site):
    page, watch = open_page()
    page.select_option("#song", "ai")
    page.fill("#progression", PROGRESSION)
    page.dispatch_event("#progression", "change")
    page.click("#ai-settings summary")  # the seed is in the advanced fold
    page.fill("#seed", "31")
    page.click("#play")
    page.wait_for_function(
        "() => window.lofi.state().playing && window.lofi.state().solo && !window.lofi.state().solo.generating",
        timeout=30000,
    )
    piece = page.evaluate("() => window.lofi.lastSolo().piece")
    assert [c["symbol"] for c in piece["chords"][:5]] == ["Ebmaj9", "Cm9", "Fm7", "Bb13", "Ebmaj7#11"]
    url = page.evaluate("() => window.lofi.shareUrl()")
    page.evaluate("() => window.lofi.stop()")
    assert page.evaluate("(u) => window.lofi.readShareUrl(u)", url)["progression"] == PROGRESSION
    other, other_watch = open_page(url)
    other.wait_for_function("() => document.getElementById('progression').value !== ''")
    other.click("#play")
    other.wait_for_function("() => window.lofi.state().playing && window.lofi.lastSolo() !== null", timeout=30000)
    assert other.evaluate("() => window.lofi.lastSolo().piece") == piece
    other.evaluate("() => window.lofi.stop()")
    assert not watch.errors and not other_watch.errors


def test_the_mood_progression_feeds_the_composition(open_page):
    page, watch = open_page()
    mood = page.evaluate("() => window.lofi.applyMood('I feel sad, tired and lonely tonight')")
    piece = compose(page, "{seed: 2}")  # no progression given: the current one, the mood's
    symbols = mood["progression"].split()
    assert [c["symbol"] for c in piece["chords"]] == symbols * 2
    assert piece["key"] == mood["key"] and piece["key"].endswith("minor")
    # Clearing the chords gives a free piece again.
    page.evaluate("() => window.lofi.setProgression(null)")
    assert compose(page, "{seed: 2}")["mode"] == "free"
    assert not watch.errors


def test_fresh_passes_bring_a_new_piece_every_pass(open_page):
    """Each pass (a one-bar piece here) gets the next seed's piece once it is written; a pass whose
    piece is not written yet repeats the last one (audio/streamed_track.js), so which pass brings the first new
    piece depends on the machine's speed, not what is played."""
    page, watch = open_page()

    def onsets(seed):
        return sorted(n["step"] for n in compose(page, f"{{progression: 'Dm9 G13', seed: {seed}, bars: 1}}")["melody"])

    # Two seeds in a row whose one-bar pieces differ in rhythm (a one-bar piece is its phrase's end,
    # and many land on one long note), so that the new piece can be told from the old by its onsets.
    first = next(seed for seed in range(20, 80) if onsets(seed) != onsets(seed + 1))
    page.evaluate(
        f"() => window.lofi.play({{song: 'ai', solo: {{seed: {first}, bars: 1}}, progression: 'Dm9 G13', fresh: true, bpm: 200, drums: null}})"
    )
    page.wait_for_function("() => window.lofi.state().solo?.renewed >= 1", timeout=60000)
    last = page.evaluate("() => window.lofi.state().solo.pass")
    page.wait_for_function(f"() => window.lofi.state().bar >= {last + 1.05}", timeout=60000)
    timeline = page.evaluate("() => window.lofi.timeline()")
    page.evaluate("() => window.lofi.stop()")
    music = [e for e in timeline if e["layer"] == "music" and e.get("pass") is not None]
    pieces = {seed: compose(page, f"{{progression: 'Dm9 G13', seed: {seed}, bars: 1}}") for seed in (first, first + 1)}
    heard = []
    for p in range(last + 1):
        # Every pass (one bar, the piece's length) starts with the chord and the bass on its bar line.
        starts = {e["part"] for e in music if e["pass"] == p and e["ticks"] == p * 768}
        assert {1, 2} <= starts, (p, starts)
        heard.append(sorted(e["step"] for e in music if e["pass"] == p and e["part"] == 0))
    melodies = [sorted(n["step"] for n in pieces[seed]["melody"]) for seed in (first, first + 1)]
    assert melodies[0] != melodies[1]
    assert heard[0] == melodies[0]
    # The first pass with a new piece plays the next seed's; the passes before it repeat the first's.
    renewed = next(p for p, melody in enumerate(heard) if melody != melodies[0])
    assert heard[renewed] == melodies[1]
    assert not watch.errors
