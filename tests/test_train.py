import json

import numpy as np

from builder.corpus import Piece, load_corpus
from builder.export import convert_to_tfjs
from builder.train import build_model, make_windows, split_by_file, train_model

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


def test_training_lowers_the_loss_and_writes_a_checkpoint(tiny_content, tmp_path):
    corpus = load_corpus(tiny_content / "midi", progress=False)
    config = {**TINY, "sequence_length": 8, "batch_size": 4, "epochs": 6, "patience": 10,
              "validation_share": 0.34, "seed": 3}
    checkpoint = tmp_path / "ck" / "best.h5"
    model, summary = train_model(corpus, corpus.vocabulary, config, checkpoint, verbose=0)
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
