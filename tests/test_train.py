import json

import numpy as np
import pytest

from builder.corpus import Piece, load_corpus
from builder.export import convert_to_tfjs
from builder.train import build_model, make_windows, prepare_data, split_by_file, train_model

TINY = {"embedding": 8, "lstm_units": [16, 16], "dropout": 0.3, "dense_units": 16, "learning_rate": 0.01}


def test_split_holds_out_whole_files_reproducibly():
    pieces = [Piece(f"{i}.mid", ["C4"] * 5) for i in range(10)]
    split = split_by_file(pieces, 0.2, seed=7)
    assert len(split.validation) == 2 and len(split.train) == 8
    assert not {p.path for p in split.validation} & {p.path for p in split.train}
    assert split == split_by_file(list(reversed(pieces)), 0.2, seed=7)


def test_windows_have_a_target_at_every_position():
    index = {t: i for i, t in enumerate("abcdefghij")}
    x, y = make_windows([Piece("a", list("abcdefghij"))], index, 3)
    assert x.shape == y.shape == (3, 3)
    assert x[0].tolist() == [0, 1, 2] and y[0].tolist() == [1, 2, 3]
    assert x[1].tolist() == [3, 4, 5]


def test_model_has_the_articles_shape_and_predicts_every_position():
    model = build_model(TINY, vocab_size=11)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Embedding", "LSTM", "Dropout", "LSTM", "Dropout", "Dense", "Dense", "Activation"]
    out = model.predict(np.zeros((2, 5), np.int32), verbose=0)
    assert out.shape == (2, 5, 11)
    assert np.allclose(out.sum(-1), 1, atol=1e-5)


def test_prepare_data_normalises_keys_and_augments_only_the_training_files():
    from builder.corpus import Corpus

    pieces = [
        Piece(f"{name}.mid", ["<s>", *tokens, "</s>"])
        for name, tokens in {
            "c": ["C4:4", "E4:4", "G4:4", "0.4.7:4"],
            "d": ["D4:4", "F#4:4", "A4:4", "2.6.9:4"],  # D major: moved down to C major
            "g": ["G4:4", "B4:4", "D5:4", "7.11.2:4"],
        }.items()
    ]
    config = {"validation_share": 0.34, "seed": 1, "normalize_key": True, "transpositions": [1]}
    data = prepare_data(Corpus(pieces), config)
    assert len(data.split.validation) == 1 and len(data.split.train) == 2
    assert all(p.tokens[-2] == "0.4.7:4" for p in data.split.train + data.split.validation)
    assert len(data.augmented) == 4  # two training files, each also a semitone up
    assert "1.5.8:4" in data.vocabulary  # the transposed C major triad


def test_training_lowers_the_loss_and_writes_a_checkpoint(tiny_content, tmp_path):
    corpus = load_corpus(tiny_content / "midi", "timed", progress=False)
    config = {
        **TINY,
        "sequence_length": 8,
        "batch_size": 4,
        "epochs": 6,
        "patience": 10,
        "validation_share": 0.34,
        "seed": 3,
        "normalize_key": False,
        "transpositions": [],
    }
    checkpoint = tmp_path / "ck" / "best.h5"
    model, summary = train_model(prepare_data(corpus, config), config, checkpoint, verbose=0)
    losses = summary["history"]["loss"]
    assert losses[-1] < losses[0]
    assert summary["validation_files"] == 1 and summary["train_files"] == 2
    assert checkpoint.exists()


def test_tfjs_conversion_writes_a_keras2_layers_model(tmp_path):
    model = build_model(TINY, vocab_size=7)
    convert_to_tfjs(model, tmp_path / "tfjs")
    spec = json.loads((tmp_path / "tfjs" / "model.json").read_text())
    assert spec["format"] == "layers-model"
    config = spec["modelTopology"]["model_config"]["config"]
    first = config["layers"][0]["config"]
    # Keras 3 would write batch_shape, which TF.js 4.22 cannot read.
    assert "batch_input_shape" in first and "batch_shape" not in first
    assert list((tmp_path / "tfjs").glob("*.bin"))


def tiny_training_config(**changes) -> dict:
    return {
        **TINY,
        "sequence_length": 8,
        "batch_size": 4,
        "epochs": 2,
        "patience": 10,
        "validation_share": 0.34,
        "seed": 3,
        "normalize_key": False,
        "transpositions": [],
        **changes,
    }


def test_training_stops_before_an_epoch_that_would_pass_its_time_budget(tiny_content, tmp_path):
    corpus = load_corpus(tiny_content / "midi", "timed", progress=False)
    config = tiny_training_config(epochs=100_000, patience=100_000, train_minutes=0.05)  # 3 seconds
    _, summary = train_model(prepare_data(corpus, config), config, tmp_path / "ck" / "best.h5", verbose=0)
    assert summary["stopped_by"] == "time budget"
    assert 1 <= summary["epochs_run"] < 100_000
    _, summary = train_model(
        prepare_data(corpus, config), tiny_training_config(), tmp_path / "ck" / "best2.h5", verbose=0
    )
    assert summary["stopped_by"] == "epochs" and summary["epochs_run"] == 2


def test_a_diverged_model_is_refused_not_cached(tiny_content, tmp_path):
    """learning_rate = -1 (climbing the loss) once shipped a model of perplexity 1.4e11 without a word."""
    corpus = load_corpus(tiny_content / "midi", "timed", progress=False)
    config = tiny_training_config(learning_rate=-1.0)
    with pytest.raises(ValueError, match="worse than token frequencies alone") as caught:
        train_model(prepare_data(corpus, config), config, tmp_path / "ck" / "best.h5", verbose=0)
    assert "\n" not in str(caught.value)
    # A baseline trained only to be compared with (the chord-blind one) is measured, not refused.
    model, _ = train_model(
        prepare_data(corpus, config), config, tmp_path / "ck" / "baseline.h5", verbose=0, judge=False
    )
    assert model is not None


def test_without_a_held_out_file_nothing_is_trained(tiny_content, tmp_path):
    """One file leaves none to judge the model by (and the report page none to show)."""
    corpus = load_corpus(tiny_content / "midi", "timed", progress=False)
    corpus.pieces = corpus.pieces[:1]
    config = tiny_training_config()
    with pytest.raises(ValueError, match="no held-out file to judge the model by"):
        train_model(prepare_data(corpus, config), config, tmp_path / "ck" / "best.h5", verbose=0)
    assert not (tmp_path / "ck" / "best.h5").exists()
