"""The float16 web export against float32: half the bytes, the same next token (>= 99% of positions),
judged in the page's own code (weights.js reads the shards, lstm.js steps; bench/float16_agreement.py)."""

from __future__ import annotations

import copy
import json

import numpy as np

from bench.float16_agreement import agreement, keras_top1, page_top1
from builder.config import DEFAULTS
from builder.export import convert_to_tfjs
from builder.tf_env import import_keras
from builder.train import build_model

VOCAB = 40


def tiny_model():
    keras = import_keras()
    keras.utils.set_random_seed(7)
    # Two LSTM layers: the page stacks the deeper layer's kernels, which the check covers too.
    config = {**copy.deepcopy(DEFAULTS["model"]), "embedding": 16, "lstm_units": [32, 32], "dense_units": 32}
    return build_model(config, VOCAB)


def shard_bytes(folder):
    return sum(p.stat().st_size for p in folder.glob("*.bin"))


def test_float16_weights_halve_the_download_and_keep_the_top1_token(tmp_path):
    model = tiny_model()
    convert_to_tfjs(model, tmp_path / "float16", "float16")
    convert_to_tfjs(model, tmp_path / "float32", "none")
    spec = json.loads((tmp_path / "float16" / "model.json").read_text())
    assert {w["quantization"]["dtype"] for g in spec["weightsManifest"] for w in g["weights"]} == {"float16"}
    assert shard_bytes(tmp_path / "float16") * 2 == shard_bytes(tmp_path / "float32")

    rng = np.random.default_rng(3)
    streams = rng.integers(0, VOCAB, size=(12, 40)).tolist()
    reference = keras_top1(model, streams)
    share, positions = agreement(page_top1(tmp_path / "float16", VOCAB, streams), reference)
    assert positions == 12 * 40
    assert share >= 0.99
