from pathlib import Path

import pytest

from builder.corpus import build_vocabulary, encode_file, fingerprint_files, load_corpus
from builder.errors import ContentError


def write_notation(path: Path, notation: str, extra_chord=None) -> Path:
    from music21 import chord, converter

    score = converter.parse(notation).flatten()
    if extra_chord:
        score.insert(extra_chord[0], chord.Chord(extra_chord[1], quarterLength=1))
    score.write("midi", fp=path)
    return path


def test_vocabulary_is_stable_and_puts_the_rest_first():
    assert build_vocabulary(["G4", "r", "0.4.7", "C4", "G4"]) == ["r", "0.4.7", "C4", "G4"]


def test_load_corpus_counts_files_tokens_and_vocabulary(tiny_content):
    corpus = load_corpus(tiny_content / "midi", "timed", progress=False)
    stats = corpus.stats()
    assert stats["files"] == 3
    assert stats["tokens"] == sum(len(p.tokens) for p in corpus.pieces) > 20
    assert any(t.startswith("0.4.7:") for t in corpus.vocabulary) and "<s>" in corpus.vocabulary


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "an empty file"),
        (b"hello, I am text", "not a MIDI file"),
        (b"MThd\x00\x00\x00\x06\x00", "the MIDI header is cut short"),
    ],
)
def test_unreadable_files_name_the_file_and_the_reason(tmp_path, data, message):
    (tmp_path / "good.mid").write_bytes((write_notation(tmp_path / "g.mid", "tinyNotation: 4/4 c1")).read_bytes())
    (tmp_path / "g.mid").unlink()
    (tmp_path / "bad.mid").write_bytes(data)
    with pytest.raises(ContentError) as caught:
        load_corpus(tmp_path, progress=False)
    [problem] = caught.value.problems
    assert Path(problem.path).name == "bad.mid"
    assert message in problem.message


def test_an_empty_folder_is_an_error(tmp_path):
    with pytest.raises(ContentError, match="no MIDI files"):
        load_corpus(tmp_path, progress=False)


def test_fingerprint_changes_with_any_byte(tmp_path):
    path = write_notation(tmp_path / "a.mid", "tinyNotation: 4/4 c1")
    before = fingerprint_files(tmp_path)
    path.write_bytes(path.read_bytes() + b"\x00")
    assert fingerprint_files(tmp_path) != before


def test_timed_encoding_gives_slices_with_lengths_framed_by_start_and_end(tmp_path):
    path = write_notation(tmp_path / "a.mid", "tinyNotation: 4/4 r4 e4 f#8 r8 r4 b-2 c2", (2, ["C4", "E4", "G4"]))
    tokens = encode_file(path, "timed")
    # The leading rest is dropped, neighbouring rests merge, the triad sounding with f# is one slice.
    assert tokens[0] == "<s>" and tokens[-1] == "</s>"
    assert tokens[1:-1] == ["E4:4", "0.4.6.7:2", "0.4.7:2", "r:4", "B-4:8", "C4:8"]


def test_transposition_moves_notes_and_chords_and_keeps_lengths():
    from builder.timed import transpose_token

    assert transpose_token("E4:2", 2) == "F#4:2"
    assert transpose_token("0.4.7:4", 2) == "2.6.9:4"
    assert transpose_token("r:1", 5) == "r:1"
    assert transpose_token("<s>", 3) == "<s>"
    assert transpose_token("11.2.6:1", 1) == "0.3.7:1"


def test_token_cache_skips_parsing_unchanged_files(tmp_path):
    midi = tmp_path / "midi"
    midi.mkdir()
    write_notation(midi / "a.mid", "tinyNotation: 4/4 c4 d4 e4 f4")
    cache = tmp_path / "cache.json"
    first = load_corpus(midi, "timed", progress=False, cache=cache)
    assert cache.exists()
    # Prove the cache is used: poison the cached tokens and read again.
    import json

    data = json.loads(cache.read_text())
    digest = next(iter(data["files"]))
    data["files"][digest] = ["<s>", "G4:4", "</s>"]
    cache.write_text(json.dumps(data))
    assert load_corpus(midi, "timed", progress=False, cache=cache).pieces[0].tokens == ["<s>", "G4:4", "</s>"]
    # Another encoding's tokens are not taken from this cache.
    assert load_corpus(midi, "leadsheet", progress=False, cache=cache).pieces[0].tokens[:2] == ["<s>", "#chorale"]
    assert first.pieces[0].tokens == ["<s>", "C4:4", "D4:4", "E4:4", "F4:4", "</s>"]


def test_transposed_chords_keep_music21s_normal_order():
    import random

    from music21 import chord

    from builder.timed import transpose_token

    rng = random.Random(5)
    sets = [[1, 5, 9], [3, 9], [0, 3, 6, 9]] + [sorted(rng.sample(range(12), rng.randint(2, 6))) for _ in range(150)]
    for pcs in sets:
        shift = rng.randint(-6, 6)
        token = ".".join(map(str, chord.Chord(pcs).normalOrder)) + ":2"
        expected = ".".join(map(str, chord.Chord([(p + shift) % 12 for p in pcs]).normalOrder)) + ":2"
        assert transpose_token(token, shift) == expected, (pcs, shift)


def test_every_structural_problem_is_reported_before_any_file_is_parsed(tmp_path):
    """Parsing a real corpus takes minutes: a broken file must not wait for it. Nothing is parsed
    while any file is structurally broken: not the drums-only file (a problem parsing reveals), and
    no tokens are cached."""
    from .midi_bytes import midi_file, track

    midi = tmp_path / "midi"
    midi.mkdir()
    write_notation(midi / "good.mid", "tinyNotation: 4/4 c4 d4 e4 f4")
    (midi / "drums.mid").write_bytes(midi_file([track([(i * 240, 120, 36) for i in range(8)], channel=9)]))
    (midi / "empty.mid").write_bytes(b"")
    (midi / "text.mid").write_bytes(b"not music at all")
    cache = tmp_path / "tokens-cache.json"
    with pytest.raises(ContentError) as caught:
        load_corpus(midi, "timed", progress=False, cache=cache)
    problems = {Path(p.path).name: p.message for p in caught.value.problems}
    assert problems == {
        "empty.mid": "cannot read: an empty file",
        "text.mid": "cannot read: not a MIDI file (no 'MThd' header)",
    }
    assert not cache.exists()


def test_key_shift_moves_every_key_home_the_way_the_page_does():
    """Training's key normalisation is theory.py's: a major scale and chord in every key moves to C
    (F# major down six, never up), its relative minor's tonic triad then lands on A minor."""
    from builder import theory
    from builder.timed import key_shift, transpose_token

    scale = ["C4:2", "D4:2", "E4:2", "F4:2", "G4:2", "A4:2", "B4:2", "C5:4", "0.4.7:8", "r:2"]
    for tonic in range(12):
        moved = [transpose_token(token, tonic) for token in scale]
        assert key_shift(moved) == theory.key_shift_to_c(tonic, "major"), tonic
    assert key_shift([transpose_token(token, 6) for token in scale]) == -6
    assert key_shift(["A3:4", "C4:2", "E4:2", "A4:4", "G#4:2", "B4:2", "9.0.4:8"]) == 0  # A minor stays
    assert key_shift(["<s>", "r:4", "</s>"]) == 0
