"""Site settings: commented defaults that content/site.toml overrides, key by key.

Unknown keys are an error (a typo must not silently fall back to a default), and so is a value of
the wrong type.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from .errors import ContentError, Problem

DEFAULTS: dict[str, dict[str, Any]] = {
    "site": {
        "title": "Lofi Player",
        "description": "Lo-fi hip-hop beats to study to, with solos written live by a small LSTM in your browser.",
    },
    "model": {
        # Token encoding: "timed" adds sixteenth-grid lengths and start/end tokens; "seed" is the
        # article's (pitch names, chord pitch classes, "r"), kept for comparison.
        "encoding": "timed",
        # Move every piece to C major / A minor before training (key estimated from its notes).
        "normalize_key": True,
        # Transposition augmentation: each training file is also learned moved by these semitones.
        "transpositions": [],
        "embedding": 64,  # size of the learned token embedding fed to the first LSTM
        "lstm_units": [256, 256],  # one LSTM layer per entry; the article used [512, 512, 512]
        "dropout": 0.5,  # after every LSTM layer (the article: 0.3; 0.5 overfits less on a small corpus)
        "dense_units": 256,  # the hidden Dense(relu) before the softmax layer
        "sequence_length": 64,  # tokens per training window; a target at every position
        "batch_size": 16,
        "epochs": 100,  # an upper bound: early stopping ends training when held-out loss stops falling
        "learning_rate": 0.003,  # RMSprop
        "patience": 8,  # early stopping: epochs without a better validation loss
        "validation_share": 0.1,  # share of the MIDI files held out for validation
        "seed": 1234,  # fixes the split, the initial weights and the batch order
        # Weights in the web export: "float16" halves the download (top-1 agreement with float32 is
        # measured and reported), "none" keeps float32.
        "quantization": "float16",
    },
    "generation": {
        "temperature": 1.0,
        "top_k": 0,  # 0: off
        "top_p": 0.95,  # 1.0: off
        "length": 128,  # tokens in one AI solo
        "seed": 1,
    },
}


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """Return DEFAULTS overridden by the TOML file at `path` (if it exists)."""
    config = copy.deepcopy(DEFAULTS)
    if path is None or not path.exists():
        return config
    try:
        with path.open("rb") as handle:
            overrides = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise ContentError(Problem(path, f"not valid TOML: {error}")) from None

    problems = []
    for section, values in overrides.items():
        if section not in DEFAULTS:
            problems.append(Problem(path, f"unknown section [{section}]; known: {', '.join(DEFAULTS)}"))
            continue
        if not isinstance(values, dict):
            problems.append(Problem(path, f"'{section}' must be a table ([{section}])"))
            continue
        for key, value in values.items():
            if key not in DEFAULTS[section]:
                known = ", ".join(DEFAULTS[section])
                problems.append(Problem(path, f"unknown key '{key}' in [{section}]; known: {known}"))
                continue
            default = DEFAULTS[section][key]
            if not _same_kind(value, default):
                problems.append(
                    Problem(path, f"[{section}] {key} = {value!r}: expected {type(default).__name__}")
                )
                continue
            config[section][key] = value
    if config["model"]["quantization"] not in ("float16", "none"):
        problems.append(Problem(path, "[model] quantization must be \"float16\" or \"none\""))
    if not config["model"]["lstm_units"] or min(config["model"]["lstm_units"]) <= 0:
        problems.append(Problem(path, "[model] lstm_units needs at least one positive layer size"))
    if problems:
        raise ContentError(problems)
    return config


def _same_kind(value: Any, default: Any) -> bool:
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, list):
        return isinstance(value, list) and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return isinstance(value, type(default))
