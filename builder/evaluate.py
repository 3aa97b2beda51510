"""Proof that the model learned, on the held-out files.

For the LSTM and for n-gram baselines (orders 1 to 5, interpolated absolute discounting, the core of
Kneser-Ney smoothing) on the same held-out token stream: cross-entropy (nats per token), perplexity
and top-1 accuracy. For solos generated at the default settings: the share of their 8-grams found
verbatim in the training data (memorisation), the longest run of one repeated token and the share of
the commonest token (looping). And for the float16 export: top-1 agreement with float32.

For the lead-sheet encoding, instead of free solos: seeded 16-bar lead sheets composed over fixed test
progressions (chromatic ones among them) in several keys and in free mode, measured
(builder/leadsheet_metrics.py) beside the lo-fi collection and a chord-blind baseline: the same network
trained the same way on the same tokens without the chord tokens, composing over the same progressions.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from .corpus import START, Piece
from .generate import compose, generate
from .stepper import Stepper
from .train import Split, TrainingData

DISCOUNT = 0.75
MEMORY_N = 8


class NGramModel:
    """An n-gram model with interpolated absolute discounting down to an add-one unigram."""

    def __init__(self, order: int, streams: list[list[int]], vocab_size: int):
        self.order, self.vocab_size = order, vocab_size
        self.unigram = np.ones(vocab_size)
        self.counts: list[dict[tuple, Counter]] = [defaultdict(Counter) for _ in range(order)]
        for stream in streams:
            for i, token in enumerate(stream):
                self.unigram[token] += 1
                for n in range(1, order):
                    if i - n >= 0:
                        self.counts[n][tuple(stream[i - n : i])][token] += 1
        self.unigram /= self.unigram.sum()

    def distribution(self, history: list[int]) -> np.ndarray:
        p = self.unigram
        for n in range(1, self.order):
            if len(history) < n:
                break
            followers = self.counts[n].get(tuple(history[-n:]))
            if not followers:
                continue  # unseen context: keep the lower order's estimate
            total = sum(followers.values())
            discounted = np.zeros(self.vocab_size)
            for token, count in followers.items():
                discounted[token] = max(count - DISCOUNT, 0.0)
            p = discounted / total + (DISCOUNT * len(followers) / total) * p
        return p


def unigram_cross_entropy(data: TrainingData, targets: np.ndarray) -> float:
    """Nats per token of the (add-one) unigram model of the training files on `targets` (token ids):
    what predicting by token frequency alone achieves."""
    index = data.index
    unigram = NGramModel(1, [[index[t] for t in p.tokens] for p in data.augmented], len(data.vocabulary)).unigram
    return float(-np.mean(np.log(unigram[np.asarray(targets).ravel()])))


def score_distributions(distributions: np.ndarray, targets: np.ndarray) -> dict:
    chosen = distributions[np.arange(len(targets)), targets]
    cross_entropy = float(-np.mean(np.log(np.maximum(chosen, 1e-12))))
    return {
        "cross_entropy": round(cross_entropy, 4),
        "perplexity": round(math.exp(cross_entropy), 3),
        "top1_accuracy": round(float(np.mean(distributions.argmax(axis=1) == targets)), 4),
    }


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


def evaluate_ngrams(data: TrainingData, streams: list[np.ndarray], orders=range(1, 6)) -> list[dict]:
    index = data.index
    train = [[index[t] for t in p.tokens] for p in data.augmented]
    results = []
    for order in orders:
        model = NGramModel(order, train, len(data.vocabulary))
        distributions, targets = [], []
        for stream in streams:
            for i in range(1, len(stream)):
                distributions.append(model.distribution(list(stream[:i])))
                targets.append(stream[i])
        results.append({"order": order, **score_distributions(np.array(distributions), np.array(targets))})
    return results


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

# Fixed test progressions (in the songs' chord syntax) with the key each is written in, each also moved
# to TEST_SHIFTS other keys and looped to TEST_BARS bars: 9 x 4 = 36 seeded pieces. The last four move
# outside their key (tritone substitutes, borrowed and altered dominants), where wrong notes show.
TEST_PROGRESSIONS = {
    "ii-V-I turnaround": "Dm9 | G13 | Cmaj9 | A7b9 | Dm9 | G13 | Cmaj9 | A7b9",
    "I-vi-ii-V": "Fmaj9 | Dm9 | Gm9 | C13 | Am7 | Dm9 | Gm7 C7 | Fmaj7",
    "minor ii-V-i": "Cm9 | Fm9 | Dm7b5 | G7b9 | Cm9 | Abmaj7 | Dm7b5 G7b9 | Cm9",
    "neo-soul": "Ebmaj9 | Dm7 | Db9 | Cm9 | Abmaj9 | Gm7 | Gb13 | Fm9 Bb13",
    "iv-minor turn": "Gmaj9 | Cmaj7 | Cm6 | Gmaj9 | Em9 | Am9 | D9sus4 | Gmaj9",
    "tritone subs": "Gm9 | Gb13 | Fmaj9 | Ab13",
    "chromatic ii-V": "Dm9 | Db7 | Cmaj9 | A7b9",
    "minor, flat six": "Cm9 | Ab7 | G7alt | Cm9",
    "chromatic climb": "Ebmaj7 | E7 | Fm9 | Bb13",
}
TEST_KEYS = {
    "ii-V-I turnaround": "C major",
    "I-vi-ii-V": "F major",
    "minor ii-V-i": "C minor",
    "neo-soul": "Eb major",
    "iv-minor turn": "G major",
    "tritone subs": "F major",
    "chromatic ii-V": "C major",
    "minor, flat six": "C minor",
    "chromatic climb": "Eb major",
}
TEST_SHIFTS = (0, 3, -4, 6)
TEST_BARS = 16
FREE_PIECES = 50


def test_pieces() -> list[tuple[str, list[dict], str]]:
    """(name, chords, key) for every test progression in every test key."""
    from . import theory
    from .leadsheet_files import progression_chords

    pieces = []
    for name, text in TEST_PROGRESSIONS.items():
        chords = progression_chords(text)
        tonic, mode = theory.parse_key_name(TEST_KEYS[name])
        for shift in TEST_SHIFTS:
            moved = [{**c, "symbol": theory.transpose_symbol(c["symbol"], shift)} for c in chords]
            pieces.append((f"{name} {shift:+d}", moved, theory.key_name(tonic + shift, mode)))
    return pieces


def chord_blind(data: TrainingData) -> TrainingData:
    """The same files and split without chord tokens: the baseline's data."""
    from .augment import strip_chords

    def strip(pieces: list[Piece]) -> list[Piece]:
        return [Piece(p.path, strip_chords(p.tokens), p.lofi) for p in pieces]

    vocabulary = strip_chords(data.vocabulary)
    return TrainingData(Split(strip(data.split.train), strip(data.split.validation)), strip(data.augmented), vocabulary)


def compositions(
    model,
    vocabulary: list[str],
    generation: dict,
    chord_tone_bias: float | None = None,
    free: bool = False,
    copy_guard: dict | None = None,
) -> list[dict]:
    """The seeded test pieces as compose() returns them: over every test progression (each with the
    key it is written in as "written_key"), or FREE_PIECES in free mode; `copy_guard` as the page
    composes, with the model's guard against copying a lead sheet (builder/copyguard.py)."""
    stepper = Stepper(model)
    options = {
        "temperature": generation["temperature"],
        "top_k": generation["top_k"],
        "top_p": generation["top_p"],
        "chord_tone_bias": chord_tone_bias,
        "copy_guard": copy_guard,
    }
    if free:
        return [
            compose(stepper, vocabulary, TEST_BARS, seed=generation["seed"] + 1000 + k, **options)
            for k in range(FREE_PIECES)
        ]
    return [
        {
            **compose(stepper, vocabulary, TEST_BARS, seed=generation["seed"] + k, chords=chords, **options),
            "written_key": key,
        }
        for k, (_, chords, key) in enumerate(test_pieces())
    ]


def tokens_of(pieces: list[dict]) -> list[list[str]]:
    return [piece["tokens"] for piece in pieces]


LISTENING_BARS = TEST_BARS


def listening_pieces(model, vocabulary: list[str], generation: dict, copy_guard: dict | None = None) -> list[dict]:
    """Three pieces for the report's listening section: two over test progressions in two keys,
    one on the model's own chords; each with the progression it followed."""
    from . import theory
    from .leadsheet_files import progression_chords

    stepper = Stepper(model)
    options = {
        "temperature": generation["temperature"],
        "top_k": generation["top_k"],
        "top_p": generation["top_p"],
        "copy_guard": copy_guard,
    }
    seed = generation["seed"]
    pieces = []
    for k, (name, shift) in enumerate((("ii-V-I turnaround", 3), ("minor ii-V-i", -3))):
        chords = [
            {**c, "symbol": theory.transpose_symbol(c["symbol"], shift)}
            for c in progression_chords(TEST_PROGRESSIONS[name])
        ]
        piece = compose(stepper, vocabulary, LISTENING_BARS, seed=seed + 500 + k, chords=chords, **options)
        bars = {}
        for chord in chords:
            bars.setdefault(chord["step"] // 16, []).append(chord["symbol"])
        piece["progression"] = " | ".join(" ".join(symbols) for _, symbols in sorted(bars.items()))
        pieces.append(piece)
    pieces.append(compose(stepper, vocabulary, LISTENING_BARS, seed=seed + 502, **options))
    return pieces


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
    from .copyguard import build_guard
    from .train import train_model

    blind_data = chord_blind(data)
    with tempfile.TemporaryDirectory(dir=workdir) as scratch:
        blind, blind_summary = train_model(
            blind_data, model_config, Path(scratch) / "baseline.h5", verbose=verbose, judge=False
        )
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
    label, low, high = measures.MIX_TARGET
    rows.append({**_row("melody_minus_chords_lu", label, low, high, None, None, None), "note": "not measured"})
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


def record_mix(leadsheet: dict, listening: list[dict]) -> None:
    """Fill the loudness row from the listening renders' stem measures (builder/listening.py's "mix" of
    each entry, averaged by its mix_summary; each piece's figure kept beside it); the row stays
    "not measured" without them."""
    from .leadsheet_metrics import in_range
    from .listening import mix_summary

    summary = mix_summary(listening)
    if summary.get("melody_minus_chords_lu") is None:
        return
    for row in leadsheet["measures"]:
        if row["name"] == "melody_minus_chords_lu":
            row["model"] = summary["melody_minus_chords_lu"]
            row["model_in_range"] = in_range(row["model"], *row["target"])
            row["pieces"] = [entry["mix"]["melody_minus_chords_lu"] for entry in listening if entry.get("mix")]
            row["note"] = None


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


def plot_loss(history: dict, path) -> None:
    """The loss curve as a PNG, with no timestamp or version in its metadata (reproducible bytes)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 3.4), dpi=100)
    epochs = range(1, len(history["loss"]) + 1)
    axes.plot(epochs, history["loss"], label="training", color="#d9a066")
    if "val_loss" in history:
        axes.plot(epochs, history["val_loss"], label="held-out", color="#6c9ec9")
    axes.set_xlabel("epoch")
    axes.set_ylabel("cross-entropy (nats/token)")
    axes.legend()
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, format="png", metadata={"Software": None})
    pyplot.close(figure)
