"""Stage 3: the trained model, converted for TF.js, with what the page needs to generate from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from . import modelcheck
from .copyguard import guard_file_bytes
from .errors import BuildError
from .safepath import OutsideFolder, regular_file_inside
from .tf_env import import_keras

GUARD_FILE = "copyguard.u32"  # beside generation.json, named by it


def convert_to_tfjs(model, out_dir: Path, quantization: str = "none") -> None:
    """Write model.json and its weight shards with the tensorflowjs converter."""
    import_keras()
    import tensorflowjs

    if out_dir.exists():
        shutil.rmtree(out_dir)
    dtype_map = {"float16": "*"} if quantization == "float16" else None
    tensorflowjs.converters.save_keras_model(model, str(out_dir), quantization_dtype_map=dtype_map)


def write_web_model(model_dir: Path, out_dir: Path, meta: dict, generation: dict) -> None:
    """Copy the converted model, its report and loss curve into the site; write generation.json.

    Only the files model.json and meta.json name are copied, each checked to lie in its own folder
    (modelcheck), never whatever else sits in tfjs/: what reaches the site is published.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in modelcheck.shipped(model_dir):
        shutil.copyfile(path, out_dir / path.name)
    if (model_dir / "loss.png").is_file():
        shutil.copyfile(model_dir / "loss.png", out_dir / "loss.png")
    for entry in meta.get("listening") or []:  # the report's listening pieces' piano rolls, when the model has them
        try:
            source = regular_file_inside(model_dir, entry["image"])
        except OutsideFolder as error:
            raise BuildError(f"{model_dir / 'meta.json'}: listening piece {error}") from None
        shutil.copyfile(source, out_dir / source.name)
    report = {key: meta.get(key) for key in ("corpus", "training", "evaluation", "config", "encoding")}
    (out_dir / "report.json").write_text(json.dumps(report, indent=1, sort_keys=True, allow_nan=False) + "\n")
    settings = {
        "vocab": meta["vocabulary"],
        "encoding": meta["encoding"],
        "fingerprint": meta["fingerprint"],
        "defaults": {
            "temperature": generation["temperature"],
            "topK": generation["top_k"],
            "topP": generation["top_p"],
            "length": generation["length"],
            "seed": generation["seed"],
        },
    }
    # The weight shards model.json names, so that the page can fetch them beside model.json
    # instead of after it (ai/model_files.js).
    manifest = json.loads((out_dir / "model.json").read_text())["weightsManifest"]
    settings["weightFiles"] = [path for group in manifest for path in group["paths"]]
    if meta.get("copyGuard"):  # the runs of the lead sheets the page's compose() must not copy
        # Their hashes (most of the bytes) go in a file of their own, which the worker fetches only
        # when a composition first needs them (ai/copyguard.js GuardFile): generation.json is read
        # with the page, and the guard is not needed before the first note.
        guard = meta["copyGuard"]
        (out_dir / GUARD_FILE).write_bytes(guard_file_bytes(guard["hashes"]))
        settings["copyGuard"] = {"n": guard["n"], "url": GUARD_FILE, "count": len(guard["hashes"])}
    # allow_nan=False: the page's JSON.parse rejects NaN and Infinity (config.py keeps them out).
    (out_dir / "generation.json").write_text(json.dumps(settings, indent=1, allow_nan=False) + "\n")
