"""The trained model, kept beside the content and reused while its inputs are unchanged.

A model is valid for a build when the fingerprint of its inputs (every MIDI file's path and bytes,
the [model] config, the encoding version) matches the one it was trained from; the vocabulary
travels with it, so a generator never meets ids it was not trained on. The folder holds:

    meta.json      fingerprint, vocabulary, corpus statistics, training summary
    model.h5       the Keras (tf_keras) model, for evaluation or further export
    tfjs/          the same model converted by tensorflowjs, copied into dist/model/ by each build
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from .corpus import ENCODING_VERSION, fingerprint_files

META = "meta.json"
KERAS_FILE = "model.h5"
TFJS_DIR = "tfjs"


def fingerprint(midi_dir: Path, model_config: dict) -> str:
    payload = {
        "encoding_version": ENCODING_VERSION,
        "model": model_config,
        "midi": fingerprint_files(midi_dir),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def read_meta(model_dir: Path) -> dict | None:
    try:
        return json.loads((model_dir / META).read_text())
    except (OSError, ValueError):
        return None


def why_stale(model_dir: Path, expected_fingerprint: str) -> str | None:
    """None if the cached model can be reused, else the reason it must be retrained."""
    meta = read_meta(model_dir)
    if meta is None:
        return "no trained model yet"
    if not (model_dir / TFJS_DIR / "model.json").exists():
        return "the TF.js export is missing"
    if meta.get("fingerprint") != expected_fingerprint:
        return "the MIDI corpus, the [model] config or the encoding changed since it was trained"
    return None


def save(model_dir: Path, model, tfjs_source: Path, meta: dict) -> None:
    """Write the model files; meta.json last, so an interrupted save is never taken as valid."""
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / META).unlink(missing_ok=True)
    model.save(model_dir / KERAS_FILE, include_optimizer=False)
    if (model_dir / TFJS_DIR).exists():
        shutil.rmtree(model_dir / TFJS_DIR)
    shutil.copytree(tfjs_source, model_dir / TFJS_DIR)
    (model_dir / META).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
