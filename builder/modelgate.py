"""Never worse than before: a newly trained model is kept only if it measures at least as well as
the best n-gram baseline and as the cached model it would replace.

A setting that trains badly (a learning rate of 0.1 is allowed) used to overwrite a good committed
model with one that writes nonsense, and the build still succeeded. The figures compared are
held-out perplexities (builder/evaluate.py): lower is better.
"""

from __future__ import annotations

import math

# Measurement noise: the same corpus and settings retrain to the same weights, but another machine's
# float arithmetic may move the figures by a little.
SLACK = 1.02

# The settings that decide which files are held out and how they are tokenised: only a model measured
# on the same held-out tokens as the new one can be compared with it.
SPLIT_SETTINGS = ("encoding", "normalize_key", "validation_share", "seed")
DATA_INPUTS = ("encoding_version", "midi", "leadsheets", "theory")


def comparable(previous: dict | None, model_inputs: dict) -> bool:
    """Whether the cached model's figures were measured on the held-out tokens the new model is."""
    if not previous or not isinstance(previous.get("inputs"), dict):
        return False
    old = previous["inputs"]
    old_model = old.get("model") if isinstance(old.get("model"), dict) else {}
    return all(old.get(k) == model_inputs.get(k) for k in DATA_INPUTS) and all(
        old_model.get(k) == model_inputs["model"].get(k) for k in SPLIT_SETTINGS
    )


def perplexity(report: dict) -> float | None:
    value = report.get("lstm", {}).get("perplexity") if isinstance(report.get("lstm"), dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def why_worse(report: dict, previous: dict | None, model_inputs: dict, refuse_worse: bool = True) -> str | None:
    """None if the new model (its evaluation `report`) may replace the cache, else why not, in words.

    A model whose held-out perplexity is not a number is refused whatever `refuse_worse` says: it
    cannot be written as JSON, let alone generate.
    """
    new = perplexity(report)
    if new is not None and not math.isfinite(new):
        return f"its held-out perplexity is {new}"
    if not refuse_worse or new is None:
        return None
    ngrams = [n for n in report.get("ngrams", []) if math.isfinite(n.get("perplexity", math.inf))]
    if ngrams:
        best = min(ngrams, key=lambda n: n["perplexity"])
        if new > best["perplexity"] * SLACK:
            return (
                f"it predicts the held-out music worse than the best n-gram (perplexity {new:g} vs "
                f"{best['perplexity']:g}, order {best['order']})"
            )
    old = perplexity(previous.get("evaluation", {})) if comparable(previous, model_inputs) else None
    if old is not None and math.isfinite(old) and new > old * SLACK:
        return f"it predicts the held-out music worse than the cached model it would replace (perplexity {new:g} vs {old:g})"
    return None
