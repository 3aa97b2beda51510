"""The trained model, kept beside the content and reused while its inputs are unchanged.

A model is valid for a build when the inputs it was trained from (every MIDI file's path and bytes,
the [model] settings, the encoding version; for the lead-sheet encoding also every lead sheet and
the musical vocabulary, theory.json) match the current ones; the vocabulary travels with it,
so a generator never meets ids it was not trained on. The folder holds:

    meta.json      inputs, vocabulary, corpus statistics, training summary, evaluation report
    loss.png       the loss curve
    model.h5       the Keras (tf_keras) model (not committed: the web export below is what ships)
    tfjs/          the model converted by tensorflowjs, copied into dist/model/ by each build
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
LOSS_PLOT = "loss.png"


def inputs(midi_dir: Path, model_config: dict, leadsheets_dir: Path | None = None) -> dict:
    """Everything the trained weights depend on."""
    found = {"encoding_version": ENCODING_VERSION, "model": model_config, "midi": fingerprint_files(midi_dir)}
    if model_config.get("encoding") == "leadsheet":
        from .leadsheet import fingerprint_leadsheets, theory_digest

        found["leadsheets"] = fingerprint_leadsheets(leadsheets_dir) if leadsheets_dir else ""
        found["theory"] = theory_digest()
    return found


def fingerprint(model_inputs: dict) -> str:
    return hashlib.sha256(json.dumps(model_inputs, sort_keys=True).encode()).hexdigest()


def read_meta(model_dir: Path) -> dict | None:
    try:
        return json.loads((model_dir / META).read_text())
    except (OSError, ValueError):
        return None


def why_stale(model_dir: Path, model_inputs: dict) -> str | None:
    """None if the cached model can be reused, else the reason it must be retrained."""
    meta = read_meta(model_dir)
    if meta is None or "inputs" not in meta:
        return "there is no trained model yet"
    spec_path = model_dir / TFJS_DIR / "model.json"
    if not spec_path.exists():
        return "its TF.js export is missing"
    old = meta["inputs"]
    if old.get("encoding_version") != model_inputs["encoding_version"]:
        return "the token encoding changed"
    if old.get("model") != model_inputs["model"]:
        changed = sorted(
            k
            for k in set(old.get("model", {})) | set(model_inputs["model"])
            if old.get("model", {}).get(k) != model_inputs["model"].get(k)
        )
        return f"the [model] settings changed ({', '.join(changed)})"
    if old.get("midi") != model_inputs["midi"]:
        return "the MIDI corpus changed, so its vocabulary may have too"
    if old.get("leadsheets") != model_inputs.get("leadsheets"):
        return "the lead sheets changed"
    if old.get("theory") != model_inputs.get("theory"):
        return "the musical vocabulary (web_src/js/music/theory.json) changed"
    if output_size(spec_path) != len(meta.get("vocabulary", [])):
        return (
            f"the model's output layer has {output_size(spec_path)} tokens but its vocabulary "
            f"{len(meta.get('vocabulary', []))}: they no longer belong together"
        )
    return None


def output_size(spec_path: Path) -> int | None:
    """The vocabulary size baked into a converted model's last Dense layer."""
    spec = json.loads(spec_path.read_text())
    layers = spec["modelTopology"]["model_config"]["config"]["layers"]
    dense = [layer for layer in layers if layer["class_name"] == "Dense"]
    return dense[-1]["config"]["units"] if dense else None


LISTENING = "listening-*"  # the report's listening pieces (builder/listening.py): audio and piano rolls


def save(model_dir: Path, model, tfjs_source: Path, loss_plot: Path, meta: dict, listening: Path | None = None) -> None:
    """Write the model files; meta.json last, so an interrupted save is never taken as valid."""
    # allow_nan=False: the report page and the build read this back as JSON, which has no NaN. Done
    # first, so that a meta that cannot be written leaves the cached model as it was.
    meta_text = json.dumps(meta, indent=1, sort_keys=True, allow_nan=False) + "\n"
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / META).unlink(missing_ok=True)
    model.save(model_dir / KERAS_FILE, include_optimizer=False)
    if (model_dir / TFJS_DIR).exists():
        shutil.rmtree(model_dir / TFJS_DIR)
    shutil.copytree(tfjs_source, model_dir / TFJS_DIR)
    shutil.copyfile(loss_plot, model_dir / LOSS_PLOT)
    for old in model_dir.glob(LISTENING):
        old.unlink()
    for path in sorted(listening.glob(LISTENING)) if listening is not None and listening.is_dir() else []:
        shutil.copyfile(path, model_dir / path.name)
    (model_dir / META).write_text(meta_text)
