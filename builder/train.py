"""Stage 2: train the LSTM on the corpus's tokens.

The network has the article's shape (stacked LSTMs with dropout, two dense layers, softmax,
categorical cross-entropy, RMSprop, checkpoints), with two changes that make it trainable on a
2-core CPU: tokens enter through a learned embedding rather than as one scaled number, and every
position of a window has a target (many-to-many), so one window teaches `sequence_length` steps
instead of one. The loss is the sparse form of categorical cross-entropy: the same number, computed
from token ids instead of one-hot vectors.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .augment import transpose_token as transpose_leadsheet_token
from .augment import transposed_piece
from .corpus import Corpus, Piece, build_vocabulary
from .leadsheet import grammar_tokens
from .tf_env import import_keras
from .timed import key_shift, transpose_token


@dataclass
class Split:
    train: list[Piece]
    validation: list[Piece]


@dataclass
class TrainingData:
    """What the model is trained and judged on: held-out files, and the (augmented) training files."""

    split: Split
    augmented: list[Piece]  # the training files plus their transpositions (and lo-fi repeats)
    vocabulary: list[str]

    @property
    def lofi_token_share(self) -> float:
        """The lo-fi lead sheets' share of the training tokens (and so of the windows)."""
        total = sum(len(p.tokens) for p in self.augmented)
        return sum(len(p.tokens) for p in self.augmented if p.lofi) / total if total else 0.0

    @property
    def index(self) -> dict[str, int]:
        return {token: i for i, token in enumerate(self.vocabulary)}


def prepare_data(corpus: Corpus, model_config: dict) -> TrainingData:
    pieces = corpus.pieces
    leadsheet = model_config.get("encoding") == "leadsheet"  # its tokens are key-normalised as they are read
    if model_config["normalize_key"] and not leadsheet:
        # One key for every piece: the model learns each progression once instead of in twelve
        # keys, and its vocabulary shrinks accordingly. The player transposes as it likes.
        pieces = [_transposed(p, key_shift(p.tokens)) for p in pieces]
    split = split_by_file(pieces, model_config["validation_share"], model_config["seed"])
    augmented = list(split.train)
    for semitones in model_config["transpositions"]:
        if semitones:
            augmented += [_transposed(p, semitones, f"{p.path}@{semitones:+d}", leadsheet) for p in split.train]
    if leadsheet:
        augmented = oversample_lofi(augmented, model_config["lofi_share"])
    tokens = [t for p in pieces + augmented for t in p.tokens]  # the repeats' other keys bring new tokens
    if leadsheet:
        tokens += grammar_tokens()
    return TrainingData(split, augmented, build_vocabulary(tokens))


def _transposed(piece: Piece, semitones: int, path: str | None = None, leadsheet: bool = False) -> Piece:
    move = transpose_leadsheet_token if leadsheet else transpose_token
    return Piece(path or piece.path, [move(t, semitones) for t in piece.tokens], piece.lofi)


def oversample_lofi(pieces: list[Piece], share: float) -> list[Piece]:
    """The lo-fi pieces repeated (whole, the fewest times) until they make at least `share` of the
    tokens: the chorales teach how a melody sits on harmony, the lo-fi pieces the rhythm and style.

    Each repeat is the piece in another key (repeat_shift): the model then meets every chord family
    on every root (a dominant 7th on each of the 12, as chromatic progressions need) and learns the
    melody's relation to the chord rather than twelve copies of one key's notes."""
    lofi = sum(len(p.tokens) for p in pieces if p.lofi)
    other = sum(len(p.tokens) for p in pieces if not p.lofi)
    if not lofi or not other or lofi / (lofi + other) >= share:
        return pieces
    times = math.ceil(share * other / ((1 - share) * lofi))
    lofi_pieces = [p for p in pieces if p.lofi]
    repeats = [
        Piece(f"{p.path}#{k}", transposed_piece(p.tokens, repeat_shift(k, i)), True)
        for k in range(1, times)
        for i, p in enumerate(lofi_pieces)
    ]
    return pieces + repeats


# The keys other than the original one (semitones up, mod 12): near ones (a fourth, a fifth, a tone)
# first, so a piece repeated a few times is heard in the keys a tune most often moves to.
_REPEAT_KEYS = (5, 7, 2, 10, 3, 9, 4, 8, 1, 11, 6)


def repeat_shift(repeat: int, piece: int) -> int:
    """The key (semitones, -5..6) of the `piece`-th lo-fi piece's `repeat`-th copy (from 1): its
    first 11 copies are in the 11 other keys, and each piece starts the round at another key."""
    step = _REPEAT_KEYS[(repeat - 1 + piece) % len(_REPEAT_KEYS)]
    return step if step <= 6 else step - 12


def split_by_file(pieces: list[Piece], share: float, seed: int) -> Split:
    """Hold out whole files, so the validation loss measures music the model has never seen; the
    lo-fi lead sheets and the other files each in the same share, so both are judged."""
    train, validation = [], []
    for collection in (False, True):
        order = sorted((p for p in pieces if p.lofi == collection), key=lambda p: p.path)
        random.Random(seed).shuffle(order)
        count = round(len(order) * share) if len(order) > 1 else 0
        if share > 0 and len(order) > 1:
            count = max(1, count)
        train += order[count:]
        validation += order[:count]
    return Split(train=sorted(train, key=lambda p: p.path), validation=sorted(validation, key=lambda p: p.path))


def make_windows(pieces: list[Piece], index: dict[str, int], length: int) -> tuple[np.ndarray, np.ndarray]:
    """Cut the pieces' token stream into windows; the target is the window shifted by one token."""
    stream = np.array([index[t] for piece in pieces for t in piece.tokens], dtype=np.int32)
    if len(stream) < 2:
        return np.zeros((0, length), np.int32), np.zeros((0, length), np.int32)
    length = min(length, len(stream) - 1)
    starts = range(0, len(stream) - length, length)
    inputs = np.stack([stream[s : s + length] for s in starts])
    targets = np.stack([stream[s + 1 : s + length + 1] for s in starts])
    return inputs, targets


def build_model(model_config: dict, vocab_size: int):
    keras = import_keras()
    layers = [keras.layers.Embedding(vocab_size, model_config["embedding"], name="embedding")]
    for i, units in enumerate(model_config["lstm_units"]):
        layers.append(keras.layers.LSTM(units, return_sequences=True, name=f"lstm_{i}"))
        layers.append(keras.layers.Dropout(model_config["dropout"], name=f"dropout_{i}"))
    layers += [
        keras.layers.Dense(model_config["dense_units"], activation="relu", name="dense_hidden"),
        keras.layers.Dense(vocab_size, name="dense_logits"),
        keras.layers.Activation("softmax", name="softmax"),
    ]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32", name="tokens"), *layers])
    model.compile(
        optimizer=keras.optimizers.RMSprop(learning_rate=model_config["learning_rate"]),
        loss="sparse_categorical_crossentropy",
        metrics=["sparse_categorical_accuracy"],
    )
    return model


def train_model(data: TrainingData, model_config: dict, checkpoint: Path, verbose: int = 1, judge: bool = True):
    """Train with a file-level validation split, early stopping and best-only checkpoints.

    Returns the trained model (best weights restored) and a summary with the per-epoch history.
    With `judge`, a model that learned nothing or diverged raises ValueError (check_learned); a
    baseline trained only to be compared with is measured as it is.
    """
    keras = import_keras()
    import tensorflow as tf

    seed = model_config["seed"]
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()  # same corpus + config -> same weights

    split, index, vocabulary = data.split, data.index, data.vocabulary
    x_train, y_train = make_windows(data.augmented, index, model_config["sequence_length"])
    x_val, y_val = make_windows(split.validation, index, model_config["sequence_length"])
    if len(x_train) == 0:
        raise ValueError("the training split has fewer than two tokens")
    if len(x_val) == 0:
        # The model is judged (and the site's report written) on held-out files: without one, a
        # diverged model would be cached unnoticed.
        raise ValueError(
            f"no held-out file to judge the model by ({len(split.train)} training and "
            f"{len(split.validation)} held-out MIDI files); it needs at least two MIDI files"
        )

    model = build_model(model_config, len(vocabulary))
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    early = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=model_config["patience"], restore_best_weights=True
    )
    callbacks = [
        keras.callbacks.ModelCheckpoint(str(checkpoint), monitor="val_loss", save_best_only=True, verbose=0),
        early,
        keras.callbacks.TerminateOnNaN(),  # a diverged run stops at once; check_learned refuses it
    ]
    minutes = model_config.get("train_minutes")  # None: no guard (a caller's own partial settings)
    budget = TimeBudget(math.inf if minutes is None else minutes * 60)
    callbacks.append(budget.callback(keras))
    history = model.fit(
        x_train,
        y_train,
        batch_size=model_config["batch_size"],
        epochs=model_config["epochs"],
        validation_data=(x_val, y_val),
        shuffle=True,
        callbacks=callbacks,
        verbose=verbose,
    )
    if judge:
        check_learned(model, data, x_val, y_val, model_config["batch_size"])
    summary = {
        "train_files": len(split.train),
        "train_tokens_augmented": sum(len(p.tokens) for p in data.augmented),
        "validation_files": len(split.validation),
        "train_windows": int(len(x_train)),
        "lofi_token_share": round(data.lofi_token_share, 4),
        "validation_windows": int(len(x_val)),
        "epochs_run": len(history.history["loss"]),
        # What ended training: "early stop" (held-out loss stopped falling: the aim), "epochs" (the
        # cap) or "time budget" (train_minutes would have been passed by one more epoch).
        "stopped_by": "time budget" if budget.stopped else "early stop" if early.stopped_epoch else "epochs",
        "seconds": round(budget.elapsed(), 1),
        # null for an epoch TerminateOnNaN cut short (the best epoch's weights are the ones kept): JSON has no NaN.
        "history": {
            k: [round(float(v), 5) if math.isfinite(v) else None for v in vals] for k, vals in history.history.items()
        },
    }
    return model, summary


class TimeBudget:
    """Stops training before an epoch that would end past `seconds` (judged by the slowest epoch so
    far): the build's training must fit its budget on a slow or busy machine, where the epochs are
    sized for early stopping to end it first."""

    def __init__(self, seconds: float):
        import time

        self.clock = time.monotonic
        self.seconds = seconds
        self.started = self.clock()
        self.slowest = 0.0
        self.stopped = False
        self.ended: float | None = None  # when training ended (before the checks that follow it)

    def elapsed(self) -> float:
        return (self.ended or self.clock()) - self.started

    def callback(self, keras):
        budget = self

        class Stop(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                budget.started = budget.clock()

            def on_train_end(self, logs=None):
                budget.ended = budget.clock()

            def on_epoch_begin(self, epoch, logs=None):
                self.epoch_started = budget.clock()

            def on_epoch_end(self, epoch, logs=None):
                budget.slowest = max(budget.slowest, budget.clock() - self.epoch_started)
                if budget.elapsed() + budget.slowest > budget.seconds and epoch + 1 < self.params.get("epochs", 0):
                    budget.stopped = True
                    self.model.stop_training = True

        return Stop()


# How much worse than the simplest baselines a trained model may be before it is refused: the
# baselines of a tiny corpus are noisy, and a model that barely trained is harmless. A diverged one
# is worse by orders of magnitude.
PERPLEXITY_SLACK = 1.1


def check_learned(model, data: TrainingData, x_val: np.ndarray, y_val: np.ndarray, batch_size: int) -> None:
    """Raise ValueError if the model predicts the held-out files worse than a model that never
    trained (uniform guessing) and worse than token frequencies (the unigram baseline), or if its
    loss is not even a number: such a model must not be cached and shipped."""
    from .ngram import unigram_cross_entropy

    loss = float(model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0)[0])
    if not math.isfinite(loss):
        raise ValueError(f"training diverged (held-out loss {loss}); try a smaller [model] learning_rate")
    unigram, uniform = unigram_cross_entropy(data, y_val), math.log(len(data.vocabulary))
    if loss > max(unigram, uniform) + math.log(PERPLEXITY_SLACK):
        raise ValueError(
            f"the trained model predicts the held-out files worse than token frequencies alone (perplexity "
            f"{math.exp(min(loss, 700)):.3g} vs {math.exp(unigram):.3g}); training failed: try a smaller "
            "[model] learning_rate"
        )
