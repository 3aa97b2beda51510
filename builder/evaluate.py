"""Proof that the model learned, on the held-out files.

For the LSTM, beside the n-gram baselines (builder/ngram.py) on the same held-out token stream:
cross-entropy (nats per token), perplexity and top-1 accuracy. For solos generated at the default
settings: the share of their 8-grams found verbatim in the training data (memorisation), the longest
run of one repeated token and the share of the commonest token (looping). And for the float16 export:
top-1 agreement with float32.

For the lead-sheet encoding, instead of free solos: the seeded test pieces (builder/testpieces.py)
composed over fixed progressions in several keys and in free mode, measured
(builder/leadsheet_metrics.py) beside the lo-fi collection and the chord-blind baseline
(builder/blind_baseline.py), composing over the same progressions.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from .corpus import START
from .generate import generate
from .ngram import evaluate_ngrams, score_distributions
from .stepper import Stepper
from .testpieces import (
    TEST_BARS,
    TEST_KEYS,
    TEST_PROGRESSIONS,
    TEST_SHIFTS,
    compositions,
    tokens_of,
)
from .train import TrainingData

MEMORY_N = 8


def heldout_streams(data: TrainingData) -> list[np.ndarray]:
    index = data.index
    return [np.array([index[t] for t in p.tokens], np.int32) for p in data.split.validation]


def evaluate_lstm(model, streams: list[np.ndarray]) -> tuple[dict, np.ndarray]:
    """Each held-out file is one sequence from a fresh state; every token after the first is a target."""
    distributions, targets = [], []
    for stream in streams:
        if len(stream) < 2:
            continue
        distributions.append(model.predict(stream[None, :-1], verbose=0)[0])
        targets.append(stream[1:])
    distributions, targets = np.concatenate(distributions), np.concatenate(targets)
    return score_distributions(distributions, targets), distributions.argmax(axis=1)


def float16_agreement(model, streams: list[np.ndarray], float32_top1: np.ndarray) -> float:
    """Top-1 agreement of the model with its weights rounded to float16, as the web export stores them."""
    weights = model.get_weights()
    model.set_weights([w.astype(np.float16).astype(np.float32) for w in weights])
    try:
        _, float16_top1 = evaluate_lstm(model, streams)
    finally:
        model.set_weights(weights)
    return round(float(np.mean(float16_top1 == float32_top1)), 4)


def solo_statistics(model, data: TrainingData, generation: dict, solos: int = 8) -> dict:
    """Generate `solos` solos at the default settings and measure memorisation and repetition."""
    stepper = Stepper(model)
    vocabulary = data.vocabulary
    primer = [START] if START in vocabulary else [data.split.train[0].tokens[0]]
    training_grams = set()
    for piece in data.augmented:
        training_grams.update(tuple(piece.tokens[i : i + MEMORY_N]) for i in range(len(piece.tokens) - MEMORY_N + 1))
    memorised, runs, commonest = [], [], []
    for k in range(solos):
        tokens = generate(
            stepper,
            vocabulary,
            generation["length"],
            seed=generation["seed"] + k,
            primer=primer,
            temperature=generation["temperature"],
            top_k=generation["top_k"],
            top_p=generation["top_p"],
        )
        grams = [tuple(tokens[i : i + MEMORY_N]) for i in range(len(tokens) - MEMORY_N + 1)]
        memorised.append(sum(g in training_grams for g in grams) / max(1, len(grams)))
        runs.append(longest_run(tokens))
        commonest.append(Counter(tokens).most_common(1)[0][1] / len(tokens))
    return {
        "solos": solos,
        "length": generation["length"],
        "memorised_8gram_share": round(float(np.mean(memorised)), 4),
        "longest_repeat_run": int(max(runs)),
        "commonest_token_share": round(float(np.mean(commonest)), 4),
    }


def longest_run(tokens: list[str]) -> int:
    best = run = 1
    for previous, current in zip(tokens, tokens[1:]):
        run = run + 1 if current == previous else 1
        best = max(best, run)
    return best if tokens else 0


def evaluate(
    model,
    data: TrainingData,
    generation: dict,
    model_config: dict | None = None,
    workdir: Path | None = None,
    verbose: int = 0,
    leadsheets: Path | None = None,
) -> dict:
    """The held-out figures, then solos (or, for the lead-sheet encoding, compositions: this trains
    the baseline, with `model_config`, keeping its checkpoints in `workdir`; the lead sheets in
    `leadsheets` give the figures of what is heard in their own keys)."""
    streams = heldout_streams(data)
    report: dict = {"heldout_files": len(streams), "heldout_tokens": int(sum(len(s) for s in streams))}
    if streams and report["heldout_tokens"] > len(streams):
        lstm, top1 = evaluate_lstm(model, streams)
        ngrams = evaluate_ngrams(data, streams)
        best = min(ngrams, key=lambda r: r["perplexity"])
        report.update(
            lstm=lstm,
            ngrams=ngrams,
            best_ngram_order=best["order"],
            perplexity_vs_best_ngram=round(lstm["perplexity"] / best["perplexity"], 4),
            float16_top1_agreement=float16_agreement(model, streams, top1),
        )
    if model_config is not None and model_config.get("encoding") == "leadsheet":
        report["leadsheet"] = evaluate_leadsheet(
            model, data, generation, model_config, workdir, report, verbose, leadsheets
        )
    else:
        report["solos"] = solo_statistics(model, data, generation)
    return report


# ---- lead sheets: compositions measured ---------------------------------------------------------


def evaluate_leadsheet(
    model,
    data: TrainingData,
    generation: dict,
    model_config: dict,
    workdir: Path | None,
    heldout: dict,
    verbose: int = 0,
    leadsheets: Path | None = None,
) -> dict:
    """Train the chord-blind baseline, compose with both, and measure them beside the lo-fi collection."""
    from . import leadsheet_metrics as measures
    from .augment import strip_chords
    from .blind_baseline import train_blind
    from .copyguard import build_guard

    blind, blind_summary, blind_data = train_blind(data, model_config, workdir, verbose)
    blind_heldout, _ = evaluate_lstm(blind, heldout_streams(blind_data)) if data.split.validation else (None, None)

    lofi = [p.tokens for p in data.split.train + data.split.validation if p.lofi]
    guard = build_guard(lofi)  # as the page composes: the model ships it (meta.json's copyGuard)
    followed = compositions(model, data.vocabulary, generation, copy_guard=guard)
    free = compositions(model, data.vocabulary, generation, free=True, copy_guard=guard)
    blind_followed = compositions(blind, blind_data.vocabulary, generation, copy_guard=guard)
    unbiased = compositions(model, data.vocabulary, generation, chord_tone_bias=0.0, copy_guard=guard)
    blind_unbiased = compositions(blind, blind_data.vocabulary, generation, chord_tone_bias=0.0, copy_guard=guard)
    followed_tokens, free_tokens, blind_tokens = tokens_of(followed), tokens_of(free), tokens_of(blind_followed)
    corpus = {**measures.melody_measures(lofi), **measures.chord_measures(lofi), **measures.phrase_measures(lofi)}
    ours = {
        **measures.melody_measures(followed_tokens),
        **measures.chord_measures(free_tokens),
        **measures.phrase_measures(followed_tokens),
    }
    theirs = {**measures.melody_measures(blind_tokens), **measures.phrase_measures(blind_tokens)}
    unbiased_chord_tones = measures.melody_measures(tokens_of(unbiased))["strong_beat_chord_tones"]
    blind_unbiased_chord_tones = measures.melody_measures(tokens_of(blind_unbiased))["strong_beat_chord_tones"]

    rows = []
    for name, (label, low, high) in {**measures.MELODY_TARGETS, **measures.CHORD_TARGETS}.items():
        rows.append(_row(name, label, low, high, corpus.get(name), ours.get(name), theirs.get(name)))
        if name == "strong_beat_chord_tones":
            rows.append(
                _row(
                    "strong_beat_chord_tones_unbiased",
                    "strong-beat chord-tone share, without the sampler's chord-tone bias",
                    None,
                    None,
                    None,
                    unbiased_chord_tones,
                    blind_unbiased_chord_tones,
                )
            )
    label, low, high = measures.MEMORY_TARGET
    rows.append(
        _row(
            "memorised_8grams",
            label,
            low,
            high,
            None,
            measures.memorised_share(
                followed_tokens + free_tokens, measures.training_grams([p.tokens for p in data.augmented])
            ),
            measures.memorised_share(
                [strip_chords(t) for t in blind_tokens],
                measures.training_grams([p.tokens for p in blind_data.augmented]),
            ),
        )
    )
    for name, (label, low, high) in measures.PHRASE_TARGETS.items():
        rows.append(_row(name, label, low, high, corpus[name], ours[name], theirs[name]))

    heard_corpus = heard_leadsheets(leadsheets)
    heard = [measures.heard_composition(p, p["written_key"]) for p in followed]
    blind_heard = [measures.heard_composition(p, p["written_key"]) for p in blind_followed]
    figures = [
        {**measures.clash_measures(pieces), **measures.register_measures(pieces)} if pieces else {}
        for pieces in (heard_corpus, heard, blind_heard)
    ]
    medians = [measures.melody_medians(pieces) for pieces in (heard_corpus, heard, blind_heard)]
    for pieces_figures, by_key in zip(figures, medians):
        pieces_figures["melody_median_lowest_key"] = min(by_key.values(), default=None)
        pieces_figures["melody_median_highest_key"] = max(by_key.values(), default=None)
    for name, (label, low, high) in {**measures.CLASH_TARGETS, **measures.REGISTER_TARGETS}.items():
        rows.append(_row(name, label, low, high, *(f.get(name) for f in figures)))

    label, low, high = measures.COPY_TARGET
    sources = list({tuple(p.tokens): p.tokens for p in data.augmented if p.lofi}.values())
    blind_sources = [strip_chords(t) for t in sources]
    rows.append(
        _row(
            "longest_copied_run",
            label,
            low,
            high,
            measures.longest_shared_run(lofi),
            measures.longest_copied_run(followed_tokens + free_tokens, sources),
            measures.longest_copied_run(blind_tokens, blind_sources),
        )
    )
    label, low, high = measures.CHORALE_TARGET
    chorale_like = sum(measures.chorale_like(t) for t in free_tokens)
    rows.append(_row("chorale_like_free_pieces", label, low, high, None, chorale_like, None))
    if "perplexity_vs_best_ngram" in heldout:
        rows.append(
            _row(
                "perplexity_vs_best_ngram",
                "held-out perplexity / best n-gram's",
                None,
                0.9,
                None,
                heldout["perplexity_vs_best_ngram"],
                None,
            )
        )
    return {
        "bars": TEST_BARS,
        "follow_pieces": len(followed),
        "free_pieces": len(free),
        "progressions": TEST_PROGRESSIONS,
        "progression_keys": TEST_KEYS,
        "key_shifts": list(TEST_SHIFTS),
        "lofi_pieces": len(lofi),
        "heard_leadsheets": len(heard_corpus),
        "measures": rows,
        "melody_median_by_key": _by_key(medians),
        "baseline": {
            "epochs_run": blind_summary["epochs_run"],
            "vocabulary": len(blind_data.vocabulary),
            "lstm": blind_heldout,
        },
        "examples": {"follow": " ".join(followed_tokens[0]), "free": " ".join(free_tokens[0])},
    }


def heard_leadsheets(folder: Path | None) -> list:
    """The lo-fi lead sheets in their own keys and registers, as heard (none without a folder; a file
    that does not read is left out: the build's own reading reports it)."""
    from . import leadsheet_metrics as measures
    from . import theory
    from .leadsheet import encode, pitch_class_weights
    from .leadsheet_files import find_leadsheets, read_leadsheet

    heard = []
    for path in find_leadsheets(folder) if folder is not None and folder.is_dir() else []:
        sheet, problems = read_leadsheet(path)
        if sheet is None or problems:
            continue
        piece = measures.heard_tokens(encode(sheet, normalise=False))
        piece.key = sheet.key or theory.estimate_key(pitch_class_weights(sheet))
        heard.append(piece)
    return heard


def _by_key(medians: list[dict[str, float]]) -> list[dict]:
    """The melody median per key of the lead sheets, the model and the baseline, as rows by key name."""
    from . import theory

    keys = sorted({k for by_key in medians for k in by_key}, key=lambda k: theory.parse_key_name(k))
    corpus, model, baseline = medians
    return [{"key": k, "corpus": corpus.get(k), "model": model.get(k), "baseline": baseline.get(k)} for k in keys]


def _row(name, label, low, high, corpus, model, baseline) -> dict:
    from .leadsheet_metrics import in_range

    return {
        "name": name,
        "label": label,
        "target": [low, high],
        "corpus": corpus,
        "model": model,
        "baseline": baseline,
        "model_in_range": in_range(model, low, high) if low is not None or high is not None else None,
    }
