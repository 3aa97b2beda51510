"""Stage 3: the trained model, converted for TF.js, with what the page needs to generate from it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .tf_env import import_keras


def convert_to_tfjs(model, out_dir: Path) -> None:
    """Write model.json and its weight shards with the tensorflowjs converter."""
    import_keras()
    import tensorflowjs

    if out_dir.exists():
        shutil.rmtree(out_dir)
    tensorflowjs.converters.save_keras_model(model, str(out_dir))


def write_web_model(tfjs_dir: Path, out_dir: Path, meta: dict, generation: dict) -> None:
    """Copy the converted model into the site and write generation.json beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted(tfjs_dir.iterdir()):
        shutil.copyfile(path, out_dir / path.name)
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
        # The article's rhythm for tokens that carry no duration: eighth 0.65, sixteenth 0.25,
        # quarter 0.05, half 0.05; rests last a sixteenth.
        "rhythm": {"eighth": 0.65, "sixteenth": 0.25, "quarter": 0.05, "half": 0.05},
    }
    (out_dir / "generation.json").write_text(json.dumps(settings, indent=1) + "\n")
