"""Site settings: commented defaults that content/site.toml overrides, key by key.

Unknown keys are an error (a typo must not silently fall back to a default), and so is a value of
the wrong type or outside its range: checked here, before anything is parsed or trained, so that a
setting that would hang the build, exhaust its memory or write a number JSON cannot hold (TOML has
nan and inf) is named at once.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from .contentfiles import exists, read_toml
from .corpus import ENCODINGS
from .errors import ContentError, Problem

# The AI solo's defaults and ranges live with the page (its generator, form and share links read
# them too); site.toml's [generation] names them in snake case. The page's "bars" has no setting here.
GENERATION_SETTINGS_PATH = Path(__file__).resolve().parent.parent / "web_src" / "js" / "ai" / "generation_settings.json"
GENERATION_SETTINGS: dict = json.loads(GENERATION_SETTINGS_PATH.read_text(encoding="utf-8"))
GENERATION_NAMES = {"temperature": "temperature", "top_k": "topK", "top_p": "topP", "length": "length", "seed": "seed"}

DEFAULTS: dict[str, dict[str, Any]] = {
    "site": {
        "title": "Lofi Player",
        "description": "Lo-fi hip-hop beats to study to, with tracks a small neural network writes live in your browser: a melody over jazzy chords, yours or its own.",
    },
    "model": {
        # Token encoding: "leadsheet" is a melody over chords (bar lines, chord tokens, notes and
        # rests with lengths), learned from the lo-fi lead sheets and the chorales. Kept for
        # comparison: "timed" (the article's pitch names and chord pitch classes, as chordified
        # slices with lengths).
        "encoding": "leadsheet",
        # The lo-fi lead sheets' share of the training windows, at least: they are repeated until
        # they make it (the chorales outnumber them about seven to one). The chorales teach how a
        # melody sits on its chords, the lead sheets the style: at 0.5 the model's own chords are
        # still mostly triads. 0 learns both collections as they come.
        "lofi_share": 0.75,
        # Move every piece to C major / A minor before training (key estimated from its notes);
        # lead-sheet tokens are always key-normalised.
        "normalize_key": True,
        # Transposition augmentation: each training file is also learned moved by these semitones.
        "transpositions": [],
        "embedding": 64,  # size of the learned token embedding fed to the first LSTM
        "lstm_units": [256],  # one LSTM layer per entry; the article used [512, 512, 512]
        "dropout": 0.5,  # after every LSTM layer (the article: 0.3; 0.5 overfits less on a small corpus)
        "dense_units": 256,  # the hidden Dense(relu) before the softmax layer
        # Tokens per training window (a target at every position): 160 hold a whole 8-bar phrase
        # and what came before it, so the model learns where a phrase lands.
        "sequence_length": 160,
        "batch_size": 16,
        # An upper bound: early stopping ends training when held-out loss stops falling, which these
        # settings reach within train_minutes on 2 cores. The chord-blind baseline the build measures
        # the model against is trained for as many epochs as the model ran.
        "epochs": 40,
        # A guard, not the aim: no epoch starts that would end past this many minutes (a slow or
        # busy machine stops early, and the build's log says so).
        "train_minutes": 10.0,
        "learning_rate": 0.006,  # RMSprop
        "patience": 2,  # early stopping: epochs without a better validation loss
        "validation_share": 0.1,  # share of the MIDI files held out for validation
        "seed": 1234,  # fixes the split, the initial weights and the batch order
        # Weights in the web export: "float16" halves the download (top-1 agreement with float32 is
        # measured and reported), "none" keeps float32.
        "quantization": "float16",
        # Refuse a newly trained model that predicts the held-out music worse than the best n-gram
        # baseline or than the cached model it would replace (measured on the same held-out files),
        # and keep the cached one. Not a training input: changing it retrains nothing.
        "refuse_worse": True,
    },
    # temperature (0 takes the likeliest token), top_k (0: off), top_p (1.0: off), length (tokens in
    # one AI solo) and seed: generation_settings.json's defaults.
    "generation": {name: GENERATION_SETTINGS["defaults"][page] for name, page in GENERATION_NAMES.items()},
}


# The allowed range of every number, both ends included. A list setting's range holds for each entry.
LIMITS: dict[tuple[str, str], tuple[float, float]] = {
    ("model", "transpositions"): (-11, 11),
    ("model", "embedding"): (1, 1024),
    ("model", "lstm_units"): (1, 2048),
    ("model", "dropout"): (0.0, 0.9),
    ("model", "lofi_share"): (0.0, 0.95),  # some chorales must stay in the mix
    ("model", "dense_units"): (1, 4096),
    ("model", "sequence_length"): (2, 1024),  # a window needs an input and a target
    ("model", "batch_size"): (1, 4096),
    ("model", "epochs"): (1, 10_000),
    ("model", "learning_rate"): (1e-6, 0.1),  # RMSprop diverges long before 0.1
    ("model", "train_minutes"): (0.1, 1440.0),
    ("model", "patience"): (0, 1000),
    ("model", "validation_share"): (0.01, 0.5),  # the model is judged, and its report written, on held-out files
    ("model", "seed"): (0, 2**32 - 1),
    # The page's own ranges (generation_settings.json).
    **{("generation", name): tuple(GENERATION_SETTINGS["ranges"][page]) for name, page in GENERATION_NAMES.items()},
}
LIST_LENGTHS = {("model", "lstm_units"): (1, 8), ("model", "transpositions"): (0, 11)}
# The network's weights, besides the vocabulary-sized embedding and output layers: every one is
# trained here, and downloaded and run by the page.
MAX_WEIGHTS = 20_000_000


def load_config(path: Path | None) -> dict[str, dict[str, Any]]:
    """Return DEFAULTS overridden by the TOML file at `path` (if it exists)."""
    config = copy.deepcopy(DEFAULTS)
    if path is None or not exists(path):
        return config
    overrides = read_toml(path)

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
                problems.append(Problem(path, f"[{section}] {key} = {value!r}: expected {type(default).__name__}"))
                continue
            config[section][key] = value
    if config["model"]["quantization"] not in ("float16", "none"):
        problems.append(Problem(path, '[model] quantization must be "float16" or "none"'))
    if config["model"]["encoding"] not in ENCODINGS:
        problems.append(Problem(path, f"[model] encoding must be one of: {', '.join(ENCODINGS)}"))
    problems += [Problem(path, message) for message in range_problems(config)]
    if problems:
        raise ContentError(problems)
    return config


def range_problems(config: dict[str, dict[str, Any]]) -> list[str]:
    """What is out of range in a (well-typed) config, one message per setting."""
    messages = []
    for (section, key), (low, high) in LIMITS.items():
        value = config[section][key]
        values = value if isinstance(value, list) else [value]
        each = "each entry " if isinstance(value, list) else ""
        if not all(low <= v <= high for v in values):  # False for nan, and inf is out of every range
            messages.append(f"[{section}] {key} = {value!r}: {each}must be from {_number(low)} to {_number(high)}")
        if (section, key) in LIST_LENGTHS:
            shortest, longest = LIST_LENGTHS[section, key]
            if not shortest <= len(value) <= longest:
                messages.append(f"[{section}] {key} = {value!r}: must have {shortest} to {longest} entries")
    if not messages:
        weights = network_weights(config["model"])
        if weights > MAX_WEIGHTS:
            messages.append(
                f"[model] lstm_units = {config['model']['lstm_units']!r} with embedding = "
                f"{config['model']['embedding']} and dense_units = {config['model']['dense_units']}: "
                f"{weights / 1e6:.1f} million weights; at most {MAX_WEIGHTS / 1e6:g} million "
                "(the page downloads and runs every one)"
            )
    return messages


def _number(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


def network_weights(model: dict[str, Any]) -> int:
    """The LSTM and hidden Dense layers' weights (the vocabulary-sized layers are not known yet)."""
    total, inputs = 0, model["embedding"]
    for units in model["lstm_units"]:
        total += 4 * units * (inputs + units + 1)  # four gates, each with kernel, recurrent kernel and bias
        inputs = units
    return total + (inputs + 1) * model["dense_units"]


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
