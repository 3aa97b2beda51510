"""A cached model proves itself before a build ships it: every damage is named in one line, and the
model is retrained (or, with --no-train, the build refused); the previous dist/ stays as it was."""

from __future__ import annotations

import json
import os
import shutil

import pytest

from builder import modelcache, modelcheck
from builder.build import BuildOptions, build
from builder.errors import BuildError

SHARD = "tfjs/group1-shard1of1.bin"


@pytest.fixture
def cached(content_copy, tmp_path):
    """A copy of the tiny content with its trained model, and a site built from it (reusing the model)."""
    content = content_copy
    out = tmp_path / "dist"
    assert not build(BuildOptions(content=content, out=out, quiet=True, no_train=True)).trained
    return content, out


def snapshot(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_meta(content, change):
    path = content / "model" / "meta.json"
    meta = json.loads(path.read_text())
    change(meta)
    path.write_text(json.dumps(meta))


def truncate(content):
    shard = content / "model" / SHARD
    shard.write_bytes(shard.read_bytes()[: shard.stat().st_size // 2])


def random_bytes(content):
    shard = content / "model" / SHARD
    shard.write_bytes(os.urandom(shard.stat().st_size))


def swap_tokens(meta):
    vocabulary = meta["vocabulary"]
    vocabulary[5], vocabulary[9] = vocabulary[9], vocabulary[5]


def nan_in_evaluation(content):
    path = content / "model" / "meta.json"
    meta = json.loads(path.read_text())
    meta["evaluation"]["lstm"]["perplexity"] = float("nan")
    path.write_text(json.dumps(meta))  # json.dumps writes NaN, which JSON (and the page) has not


def loss_plot_a_folder(content):
    (content / "model" / "loss.png").unlink()
    (content / "model" / "loss.png").mkdir()


def model_a_file(content):
    shutil.rmtree(content / "model")
    (content / "model").write_text("not a folder")


def garbage_spec(content):
    (content / "model" / "tfjs" / "model.json").write_text("{garbage")


def no_topology(content):
    spec_path = content / "model" / "tfjs" / "model.json"
    spec = json.loads(spec_path.read_text())
    del spec["modelTopology"]
    spec_path.write_text(json.dumps(spec))


DAMAGES = {
    # case: (damage, what the one line says)
    "weights truncated": (truncate, "group1-shard1of1.bin is not the file the model was saved with"),
    "weights deleted": (lambda c: (c / "model" / SHARD).unlink(), "'tfjs/group1-shard1of1.bin' is missing"),
    "weights random bytes": (random_bytes, "group1-shard1of1.bin is not the file the model was saved with"),
    "two vocabulary tokens swapped": (lambda c: edit_meta(c, swap_tokens), "not in the trainer's order"),
    "model.json garbage": (garbage_spec, "tfjs/model.json is not the file the model was saved with"),
    "model.json without topology": (no_topology, "tfjs/model.json is not the file the model was saved with"),
    "meta.json without corpus": (lambda c: edit_meta(c, lambda m: m.pop("corpus")), "has no 'corpus'"),
    "NaN in the evaluation": (nan_in_evaluation, "NaN is not a number JSON allows"),
    "inputs = []": (lambda c: edit_meta(c, lambda m: m.update(inputs=[])), "does not record what the model was"),
    "meta.json a list": (lambda c: (c / "model" / "meta.json").write_text("[]"), "does not record what the model was"),
    "loss.png a folder": (loss_plot_a_folder, "'loss.png' is not a regular file"),
    "content/model a file": (model_a_file, "is a file, not the model's folder"),
}


@pytest.mark.parametrize("case", sorted(DAMAGES))
def test_a_damaged_cache_is_named_in_one_line_and_never_shipped(cached, case):
    content, out = cached
    before = snapshot(out)
    damage, said = DAMAGES[case]
    damage(content)
    with pytest.raises(BuildError) as error:
        build(BuildOptions(content=content, out=out, quiet=True, no_train=True))
    assert len(error.value.problems) == 1
    line = str(error.value.problems[0])
    assert "\n" not in line and said in line and "--no-train" in line
    assert snapshot(out) == before


DAMAGES_WITHOUT_DIGESTS = {
    # A cache written before digests were recorded (the committed one may be): loading must catch it.
    "weights truncated": (truncate, "truncated"),
    "weights random bytes": (random_bytes, "NaN or infinite"),
    "two vocabulary tokens swapped": (lambda c: edit_meta(c, swap_tokens), "not in the trainer's order"),
    "model.json garbage": (garbage_spec, "tfjs/model.json is not valid JSON"),
    "model.json without topology": (no_topology, "no model topology"),
    "vocabulary one token short": (
        lambda c: edit_meta(c, lambda m: m["vocabulary"].pop()),
        "no longer belong together",
    ),
}


@pytest.mark.parametrize("case", sorted(DAMAGES_WITHOUT_DIGESTS))
def test_a_cache_without_digests_is_checked_by_loading_it(cached, case):
    content, _ = cached
    model_dir = content / "model"
    edit_meta(content, lambda m: m.pop("digests"))
    meta = json.loads((model_dir / "meta.json").read_text())
    assert modelcache.why_stale(model_dir, meta["inputs"]) is None  # whole, it verifies without them
    damage, said = DAMAGES_WITHOUT_DIGESTS[case]
    damage(content)
    why = modelcache.why_stale(model_dir, meta["inputs"])
    assert why.startswith("the cached model does not verify: ") and said in why


def test_random_weights_are_caught_by_the_forward_pass(built_site, tmp_path):
    """Random float16 bytes hold NaN and infinities often enough: a pass on a few tokens finds them."""
    model_dir = tmp_path / "model"
    shutil.copytree(built_site.parent / "content" / "model", model_dir)
    meta = modelcheck.verify(model_dir)
    spec = modelcheck.read_spec(model_dir)
    weights = modelcheck.read_weights(model_dir, spec)
    name = next(k for k in weights if k.endswith("recurrent_kernel"))
    weights[name] = weights[name] * float("inf")
    with pytest.raises(modelcheck.Unverified, match="NaN or infinite"):
        modelcheck.probe(modelcheck.layers_of(spec), weights, len(meta["vocabulary"]))


def test_a_damaged_cache_is_retrained_and_the_new_one_verifies(cached):
    content, out = cached
    truncate(content)
    loss_plot_a_folder(content)  # in the way of the new loss curve: the save replaces it
    result = build(BuildOptions(content=content, out=out, quiet=True))
    assert result.trained
    assert (content / "model" / "loss.png").is_file()
    meta = modelcheck.verify(content / "model")
    assert (out / "model" / "group1-shard1of1.bin").read_bytes() == (content / "model" / SHARD).read_bytes()
    assert set(meta["digests"]["files"]) >= {"tfjs/model.json", SHARD, "loss.png"}


def test_a_saved_model_records_the_digest_of_every_shipped_file(built_site):
    meta = json.loads((built_site.parent / "content" / "model" / "meta.json").read_text())
    files = meta["digests"]["files"]
    assert set(files) == {"tfjs/model.json", SHARD, "loss.png"} | {e["image"] for e in meta["listening"]}
    assert meta["digests"]["vocabulary"] == modelcheck.digest_vocabulary(meta["vocabulary"])


def test_the_committed_model_verifies_and_is_reused():
    """The repository's own model (saved before digests were recorded) passes every check as it is."""
    from builder.config import load_config
    from builder.site import PROJECT_ROOT

    content = PROJECT_ROOT / "content"
    config = load_config(content / "site.toml")
    inputs = modelcache.inputs(content / "midi", config["model"], content / "leadsheets")
    assert modelcache.why_stale(content / "model", inputs) is None
