"""Never worse than before: a trained model measuring worse than the best n-gram, or than the cached
model it would replace, is refused in one line and the cache is kept."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest

from builder import modelcache
from builder.build import BuildOptions, build
from builder.config import DEFAULTS
from builder.errors import BuildError
from builder.modelgate import comparable, why_worse

INPUTS = {
    "encoding_version": 7,
    "midi": "m" * 64,
    "leadsheets": "l" * 64,
    "theory": "t" * 64,
    "model": {k: v for k, v in DEFAULTS["model"].items() if k != "refuse_worse"},
}


def report(lstm, ngrams=(9.0, 7.24, 8.0)):
    return {"lstm": {"perplexity": lstm}, "ngrams": [{"order": i + 1, "perplexity": p} for i, p in enumerate(ngrams)]}


def cached(perplexity, **model_changes):
    inputs = copy.deepcopy(INPUTS)
    inputs["model"].update(model_changes)
    return {"inputs": inputs, "evaluation": report(perplexity)}


def test_a_model_worse_than_the_best_ngram_is_refused():
    assert "worse than the best n-gram (perplexity 37 vs 7.24, order 2)" in why_worse(report(37.0), None, INPUTS)
    assert why_worse(report(4.86), None, INPUTS) is None
    assert why_worse(report(37.0), None, INPUTS, refuse_worse=False) is None


def test_a_model_worse_than_the_cached_one_on_the_same_heldout_files_is_refused():
    # learning_rate and epochs shape the model, not the held-out files: the figures compare.
    previous = cached(4.86, learning_rate=0.1, epochs=2)
    assert "worse than the cached model it would replace (perplexity 6 vs 4.86)" in why_worse(
        report(6.0), previous, INPUTS
    )
    assert why_worse(report(4.9), previous, INPUTS) is None  # within measurement noise
    assert why_worse(report(4.0), previous, INPUTS) is None


def test_figures_from_other_heldout_files_are_not_compared():
    assert comparable(cached(4.86), INPUTS)
    assert not comparable(cached(4.86, validation_share=0.2), INPUTS)
    assert not comparable(cached(4.86, seed=7), INPUTS)
    assert not comparable({**cached(4.86), "inputs": {**INPUTS, "midi": "other"}}, INPUTS)
    assert not comparable(None, INPUTS)
    assert why_worse(report(6.0), cached(4.86, seed=7), INPUTS) is None


def test_a_model_without_a_finite_perplexity_is_always_refused():
    assert "perplexity is nan" in why_worse(report(math.nan), None, INPUTS, refuse_worse=False)
    assert "perplexity is inf" in why_worse(report(math.inf), None, INPUTS, refuse_worse=False)


def test_the_setting_is_no_training_input():
    """Adding or changing refuse_worse must not make the committed model stale."""
    assert "refuse_worse" not in modelcache.inputs(Path("/nonexistent"), DEFAULTS["model"], None)["model"]


def test_a_worse_new_model_is_refused_and_the_cache_and_site_kept(tiny_content, tmp_path):
    out = tmp_path / "dist"
    assert build(BuildOptions(content=tiny_content, out=out, quiet=True)).trained
    model_dir = tiny_content / "model"
    cache = {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()}
    site = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    site_toml = tiny_content / "site.toml"
    # The tiny model does not beat the n-grams of three tiny pieces: with the check on, it is refused.
    site_toml.write_text(site_toml.read_text().replace("refuse_worse = false", "refuse_worse = true"))
    with pytest.raises(BuildError) as error:
        build(BuildOptions(content=tiny_content, out=out, quiet=True, retrain=True))
    (line,) = error.value.problems
    assert "the newly trained model is refused: it predicts the held-out music worse than the best n-gram" in str(line)
    assert str(line).endswith("the cached model was kept")
    assert {p.relative_to(model_dir): p.read_bytes() for p in model_dir.rglob("*") if p.is_file()} == cache
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == site
