"""The trained model, kept beside the content and reused while its inputs are unchanged.

A model is valid for a build when the inputs it was trained from (every MIDI file's path and bytes,
the [model] settings, the encoding version; for the lead-sheet encoding also every lead sheet and
the musical vocabulary, theory.json) match the current ones, and its files verify
(builder/modelcheck.py: recorded digests, the vocabulary's order, a forward pass); the vocabulary
travels with it, so a generator never meets ids it was not trained on. The folder holds:

    meta.json      inputs, vocabulary, corpus statistics, training summary, evaluation report, and
                   the digests of the vocabulary and of every file below that a site ships
    loss.png       the loss curve
    model.h5       the Keras (tf_keras) model (not committed: the web export below is what ships)
    tfjs/          the model converted by tensorflowjs, copied into dist/model/ by each build
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from . import modelcheck
from .corpus import ENCODING_VERSION, fingerprint_files

META = "meta.json"
KERAS_FILE = "model.h5"
TFJS_DIR = "tfjs"
LOSS_PLOT = "loss.png"
# [model] settings that judge a trained model rather than shape it: changing one retrains nothing.
NOT_TRAINING_SETTINGS = ("refuse_worse",)


def inputs(midi_dir: Path, model_config: dict, leadsheets_dir: Path | None = None) -> dict:
    """Everything the trained weights depend on."""
    model_config = {k: v for k, v in model_config.items() if k not in NOT_TRAINING_SETTINGS}
    found = {"encoding_version": ENCODING_VERSION, "model": model_config, "midi": fingerprint_files(midi_dir)}
    if model_config.get("encoding") == "leadsheet":
        from .leadsheet import theory_digest
        from .leadsheet_files import fingerprint_leadsheets

        found["leadsheets"] = fingerprint_leadsheets(leadsheets_dir) if leadsheets_dir else ""
        found["theory"] = theory_digest()
    return found


def fingerprint(model_inputs: dict) -> str:
    return hashlib.sha256(json.dumps(model_inputs, sort_keys=True).encode()).hexdigest()


def read_meta(model_dir: Path) -> dict | None:
    try:
        meta = modelcheck.read_json(model_dir / META, META)
    except modelcheck.Unverified:
        return None
    return meta if isinstance(meta, dict) else None


def why_stale(model_dir: Path, model_inputs: dict) -> str | None:
    """None if the cached model can be reused, else the reason it must be retrained.

    Inputs first (the usual reason, and cheap), then modelcheck.verify: a cache whose inputs match
    but whose files are damaged, edited or missing is named and retrained, never shipped.
    """
    if model_dir.exists() and not model_dir.is_dir():
        return f"{model_dir} is a file, not the model's folder"
    if not (model_dir / META).exists():
        return "there is no trained model yet"
    try:
        meta = modelcheck.read_json(model_dir / META, META)
    except modelcheck.Unverified as error:
        return f"the cached model does not verify: {error}"
    if not isinstance(meta, dict) or not isinstance(meta.get("inputs"), dict):
        return f"the cached model does not verify: {META} does not record what the model was trained from"
    if not (model_dir / TFJS_DIR / "model.json").exists():
        return "its TF.js export is missing"
    old = meta["inputs"]
    if old.get("encoding_version") != model_inputs["encoding_version"]:
        return "the token encoding changed"
    if old.get("model") != model_inputs["model"]:
        old_model = old.get("model") if isinstance(old.get("model"), dict) else {}
        changed = sorted(
            k for k in set(old_model) | set(model_inputs["model"]) if old_model.get(k) != model_inputs["model"].get(k)
        )
        return f"the [model] settings changed ({', '.join(changed)})"
    if old.get("midi") != model_inputs["midi"]:
        return "the MIDI corpus changed, so its vocabulary may have too"
    if old.get("leadsheets") != model_inputs.get("leadsheets"):
        return "the lead sheets changed"
    if old.get("theory") != model_inputs.get("theory"):
        return "the musical vocabulary (web_src/js/music/theory.json) changed"
    try:
        modelcheck.verify(model_dir)
    except modelcheck.Unverified as error:
        return f"the cached model does not verify: {error}"
    return None


LISTENING = "listening-*"  # the report's listening pieces' piano rolls (builder/listening_pieces.py)


def save(model_dir: Path, model, tfjs_source: Path, loss_plot: Path, meta: dict, listening: Path | None = None) -> None:
    """Write the model files and their digests; meta.json last, so an interrupted save is never taken as valid."""
    # First, so that a meta that cannot be written (a NaN: JSON has none) leaves the cached model as it was.
    json.dumps(meta, allow_nan=False)
    model_dir.mkdir(parents=True, exist_ok=True)
    _clear(model_dir / META)
    for name in (KERAS_FILE, TFJS_DIR, LOSS_PLOT, *(p.name for p in model_dir.glob(LISTENING))):
        _clear(model_dir / name)  # whatever is in the way, a folder called loss.png or a link included
    model.save(model_dir / KERAS_FILE, include_optimizer=False)
    shutil.copytree(tfjs_source, model_dir / TFJS_DIR)
    shutil.copyfile(loss_plot, model_dir / LOSS_PLOT)
    for path in sorted(listening.glob(LISTENING)) if listening is not None and listening.is_dir() else []:
        shutil.copyfile(path, model_dir / path.name)
    meta = {**meta, "digests": modelcheck.digests(model_dir, meta["vocabulary"], meta.get("listening") or [])}
    # allow_nan=False: the report page and the build read this back as JSON, which has no NaN.
    (model_dir / META).write_text(json.dumps(meta, indent=1, sort_keys=True, allow_nan=False) + "\n")


def _clear(path: Path) -> None:
    """Remove what the cache is about to rewrite: a link itself (never its target), a file or a folder."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)
