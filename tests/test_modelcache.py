import json
import shutil

from builder import modelcache


def test_why_stale_names_what_changed(built_site, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(built_site.parent / "content" / "model", model_dir)
    meta = json.loads((model_dir / "meta.json").read_text())
    inputs = meta["inputs"]
    assert modelcache.why_stale(model_dir, inputs) is None

    assert "MIDI corpus changed" in modelcache.why_stale(model_dir, {**inputs, "midi": "0" * 64})
    changed = {**inputs, "model": {**inputs["model"], "epochs": 99}}
    assert modelcache.why_stale(model_dir, changed) == "the [model] settings changed (epochs)"
    assert "encoding changed" in modelcache.why_stale(model_dir, {**inputs, "encoding_version": -1})

    # A vocabulary that no longer fits the exported output layer is caught, not crashed on: by its
    # digest, and in a cache that records none, by running the model.
    meta["vocabulary"] = meta["vocabulary"][:-1]
    (model_dir / "meta.json").write_text(json.dumps(meta))
    assert "vocabulary differs from the one the model was trained with" in modelcache.why_stale(model_dir, inputs)
    del meta["digests"]
    (model_dir / "meta.json").write_text(json.dumps(meta))
    assert "no longer belong together" in modelcache.why_stale(model_dir, inputs)

    shutil.rmtree(model_dir / "tfjs")
    assert modelcache.why_stale(model_dir, inputs) == "its TF.js export is missing"
    (model_dir / "meta.json").unlink()
    assert modelcache.why_stale(model_dir, inputs) == "there is no trained model yet"
