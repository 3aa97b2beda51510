import numpy as np
import pytest

from builder.evaluate import longest_run
from builder.generate import generate, sample
from builder.ngram import NGramModel, score_distributions
from builder.stepper import Stepper
from builder.train import build_model, prepare_data

TINY = {"embedding": 8, "lstm_units": [12, 10], "dropout": 0.3, "dense_units": 16, "learning_rate": 0.01}


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_ngram_distributions_are_proper_and_favour_what_followed(order):
    streams = [[0, 1, 2, 0, 1, 2, 0, 1, 3]]
    model = NGramModel(order, streams, vocab_size=5)
    for history in ([], [0], [0, 1], [4, 4], [2, 0, 1]):
        p = model.distribution(history)
        assert p.sum() == pytest.approx(1.0)
        assert (p > 0).all()  # smoothed: nothing is impossible
    if order >= 2:
        assert model.distribution([0]).argmax() == 1


def test_scores_of_a_perfect_and_a_uniform_predictor():
    targets = np.array([0, 1, 2])
    perfect = np.eye(3)
    assert score_distributions(perfect, targets)["top1_accuracy"] == 1.0
    assert score_distributions(perfect, targets)["perplexity"] == pytest.approx(1.0)
    uniform = np.full((3, 4), 0.25)
    assert score_distributions(uniform, targets)["perplexity"] == pytest.approx(4.0)


def test_stepper_with_carried_state_matches_keras_on_the_whole_sequence():
    model = build_model(TINY, vocab_size=9)
    sequence = np.array([3, 1, 4, 1, 5, 2, 6, 5, 3, 5], np.int32)
    expected = model.predict(sequence[None], verbose=0)[0]
    stepper = Stepper(model)
    stepped = np.stack([stepper.step(int(t)) for t in sequence])
    np.testing.assert_allclose(stepped, expected, atol=1e-5)
    stepper.reset()
    np.testing.assert_allclose(stepper.step(3), expected[0], atol=1e-5)


def test_sampling_filters_and_is_reproducible():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    rng = np.random.default_rng(0)
    assert {sample(p, rng, top_k=1) for _ in range(20)} == {0}
    assert {sample(p, rng, top_p=0.7) for _ in range(200)} <= {0, 1}
    assert {sample(p, rng, temperature=0.01) for _ in range(20)} == {0}
    model = build_model(TINY, vocab_size=6)
    vocab = ["<s>", "</s>", "r:1", "C4:2", "E4:2", "0.4.7:4"]
    a = generate(Stepper(model), vocab, 30, seed=5, primer=["<s>"])
    b = generate(Stepper(model), vocab, 30, seed=5, primer=["<s>"])
    assert a == b and len(a) == 30
    assert "<s>" not in a and "</s>" not in a


def test_longest_run():
    assert longest_run(list("abbbcc")) == 3
    assert longest_run([]) == 0


LEAD_SHEET = """title = "Test Sheet"
composer = "x"
licence = "CC0-1.0"
tempo = 80
time_signature = "4/4"
key = "F major"
[parts.keys]
chords = "Gm9 | C13 | Fmaj9 | D7b9"
[parts.melody]
notes = "r8 d8 f8 a8~ a4 g4 | e4 r8 g8 b-2 | a4 c'4 a2 | f#4 r4 a4 r4"
"""


def test_the_lead_sheet_report_has_every_row_over_16_bar_pieces(tmp_path):
    """The tiny model, untrained, and a tiny baseline: each row is there and measured."""
    from builder import leadsheet_metrics as measures
    from builder.config import DEFAULTS
    from builder.corpus import Corpus, Piece
    from builder.evaluate import evaluate_leadsheet
    from builder.leadsheet_files import read_leadsheet
    from builder.testpieces import FREE_PIECES, TEST_BARS, TEST_PROGRESSIONS, TEST_SHIFTS

    folder = tmp_path / "leadsheets"
    folder.mkdir()
    (folder / "test-sheet.toml").write_text(LEAD_SHEET)
    sheet, problems = read_leadsheet(folder / "test-sheet.toml")
    assert not problems
    from builder.leadsheet import encode

    lofi = encode(sheet, style="lofi")
    chorale = [t for t in lofi if not t.startswith("@")]
    pieces = [Piece(f"leadsheets/{i}.toml", lofi, True) for i in range(3)] + [
        Piece(f"bach/{i}.mid", chorale) for i in range(3)
    ]
    config = {**DEFAULTS["model"], **TINY, "epochs": 1, "sequence_length": 16, "validation_share": 0.34}
    data = prepare_data(Corpus(pieces), config)
    model = build_model(config, len(data.vocabulary))
    generation = {"temperature": 1.0, "top_k": 0, "top_p": 0.95, "seed": 1}
    report = evaluate_leadsheet(model, data, generation, config, tmp_path, {}, leadsheets=folder)

    assert report["bars"] == TEST_BARS == 16 and report["free_pieces"] == FREE_PIECES == 50
    assert report["follow_pieces"] == len(TEST_PROGRESSIONS) * len(TEST_SHIFTS)
    assert "Gm9 | Gb13 | Fmaj9 | Ab13" in TEST_PROGRESSIONS.values()
    rows = {row["name"]: row for row in report["measures"]}
    new = [
        *measures.PHRASE_TARGETS,
        *measures.CLASH_TARGETS,
        *measures.REGISTER_TARGETS,
        "longest_copied_run",
        "chorale_like_free_pieces",
    ]
    for name in [*measures.MELODY_TARGETS, *measures.CHORD_TARGETS, "memorised_8grams", *new]:
        assert name in rows, name
    for name in [*measures.PHRASE_TARGETS, "clashes_nondiatonic", *measures.REGISTER_TARGETS]:
        assert rows[name]["model"] is not None and rows[name]["baseline"] is not None, name
    assert rows["phrase_end_landing"]["target"] == [0.7, None] and rows["clashes_nondiatonic"]["target"] == [None, 0.05]
    assert rows["phrase_end_landing"]["corpus"] == 1.0  # the lead sheet lands in bar 4
    assert (
        report["heard_leadsheets"] == 1 and rows["melody_median_lowest_key"]["corpus"] == 68.0
    )  # D4 E4 F4 F#4 G4 G4 | A4 x4 Bb4 C5
    assert 0 <= rows["chorale_like_free_pieces"]["model"] <= FREE_PIECES
    assert 0 <= rows["longest_copied_run"]["model"] <= 16 * TEST_BARS
    assert rows["longest_copied_run"]["corpus"] == 16  # the copies of the lead sheet share all 16 events
    # The melody against its chords is measured on the page's own render (tests/test_swing_browser.py),
    # not in the build's report.
    assert "melody_minus_chords_lu" not in rows
    keys = {entry["key"] for entry in report["melody_median_by_key"]}
    assert {"C major", "Eb major", "Ab major", "F# major"} <= keys and "F major" in keys
    by_key = {entry["key"]: entry for entry in report["melody_median_by_key"]}
    assert by_key["F major"]["corpus"] == 68.0 and by_key["F major"]["model"] is not None


def test_the_build_log_shows_a_missing_figure_as_not_measured_and_the_medians_by_key():
    from builder.build import leadsheet_report_lines

    rows = [
        {"label": "other bars that land", "target": [None, 0.5], "corpus": 0.26, "model": 0.31, "baseline": 0.4},
        {
            "label": "loudness",
            "target": [-2, 2],
            "corpus": None,
            "model": None,
            "baseline": None,
            "note": "not measured",
        },
    ]
    lines = leadsheet_report_lines(
        {
            "follow_pieces": 36,
            "bars": 16,
            "free_pieces": 50,
            "measures": rows,
            "melody_median_by_key": [{"key": "C major", "corpus": 72.0, "model": 67.5, "baseline": None}],
        }
    )
    assert lines[0].startswith("Lead-sheet measures: 36 pieces of 16 bars")
    assert lines[2].split() == ["other", "bars", "that", "land", "..0.5", "0.26", "0.31", "0.4"]
    assert lines[3].split()[-4:] == ["-", "not", "measured", "-"]
    assert lines[4].endswith("by key, lo-fi/model/blind: C major 72/67.5/-")


def builder_imports() -> dict[str, set[str]]:
    """Every builder module's imports of other builder modules, at its top or inside a function."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "builder"
    graph = {}
    for path in folder.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                found.update([node.module] if node.module else [alias.name for alias in node.names])
        graph[path.stem] = found
    return graph


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), list(graph.get(start, ()))
    while todo:
        module = todo.pop()
        if module == goal:
            return True
        if module not in seen:
            seen.add(module)
            todo.extend(graph.get(module, ()))
    return False


def test_the_evaluation_the_baselines_and_the_trainer_import_no_cycle():
    graph = builder_imports()
    modules = ["evaluate", "train", "ngram", "blind_baseline", "testpieces", "listening_pieces", "report_pictures"]
    assert all(module in graph for module in modules)
    assert "train" in graph["blind_baseline"] and "ngram" in graph["train"]  # the edges this is about
    assert [module for module in modules if reaches(graph, module, module)] == []
    # The finder finds a cycle where there is one.
    assert reaches({**graph, "ngram": {"evaluate"}}, "evaluate", "evaluate")
