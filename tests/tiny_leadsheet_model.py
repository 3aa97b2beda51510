"""A tiny lead-sheet model trained on the first few of the project's own lead sheets: what the
composing tests write with (real training, seconds on 2 cores)."""

from __future__ import annotations

from pathlib import Path

from builder.corpus import Corpus
from builder.leadsheet_files import load_leadsheet_corpus
from builder.train import TrainingData, prepare_data, train_model

REPO = Path(__file__).resolve().parent.parent
# A model small enough to train in seconds; tests change what they measure (size, seed, share).
TINY = {
    "encoding": "leadsheet",
    "lofi_share": 0.5,
    "normalize_key": True,
    "transpositions": [],
    "embedding": 12,
    "lstm_units": [24],
    "dropout": 0.0,
    "dense_units": 24,
    "sequence_length": 32,
    "batch_size": 16,
    "epochs": 4,
    "learning_rate": 0.01,
    "patience": 4,
    "validation_share": 0.2,
    "seed": 5,
}


def train_on_leadsheets(folder: Path, count: int, config: dict, name: str = "best"):
    """(model, training data) of a model trained with `config` on the first `count` lead sheets,
    copied into `folder`."""
    for path in sorted((REPO / "content" / "leadsheets").glob("*.toml"))[:count]:
        (folder / path.name).write_bytes(path.read_bytes())
    corpus = load_leadsheet_corpus(folder / "no-midi", folder, progress=False)
    data = prepare_data(Corpus(corpus.pieces), config)
    model, _ = train_model(data, config, folder / "ck" / f"{name}.h5", verbose=0)
    return model, data


def train_on(data: TrainingData, config: dict, folder: Path, name: str):
    """A second model (a baseline) on other data, checkpointed beside the first."""
    model, _ = train_model(data, config, folder / "ck" / f"{name}.h5", verbose=0)
    return model
