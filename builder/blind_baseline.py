"""The chord-blind baseline: the same network trained the same way on the same files, with the chord
tokens taken out. Composing over the test progressions beside the model (builder/evaluate.py), it
shows what hearing the chords adds.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .augment import strip_chords
from .corpus import Piece
from .train import Split, TrainingData, train_model


def chord_blind(data: TrainingData) -> TrainingData:
    """The same files and split without chord tokens: the baseline's data."""

    def strip(pieces: list[Piece]) -> list[Piece]:
        return [Piece(p.path, strip_chords(p.tokens), p.lofi) for p in pieces]

    vocabulary = strip_chords(data.vocabulary)
    return TrainingData(Split(strip(data.split.train), strip(data.split.validation)), strip(data.augmented), vocabulary)


def train_blind(
    data: TrainingData, model_config: dict, workdir: Path | None = None, verbose: int = 0
) -> tuple[object, dict, TrainingData]:
    """The baseline trained with `model_config` (its checkpoints in a scratch folder in `workdir`):
    (model, training summary, its data)."""
    blind_data = chord_blind(data)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        model, summary = train_model(
            blind_data, model_config, Path(scratch) / "baseline.h5", verbose=verbose, judge=False
        )
    return model, summary, blind_data
