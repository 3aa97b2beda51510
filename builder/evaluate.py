"""Proof that the model learned, on the held-out files.

For the LSTM and for n-gram baselines (orders 1 to 5, interpolated absolute discounting, the core of
Kneser-Ney smoothing) on the same held-out token stream: cross-entropy (nats per token), perplexity
and top-1 accuracy. For solos generated at the default settings: the share of their 8-grams found
verbatim in the training data (memorisation), the longest run of one repeated token and the share of
the commonest token (looping). And for the float16 export: top-1 agreement with float32.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

from .corpus import START
from .sampler import Stepper, generate
from .train import TrainingData

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
            stepper, vocabulary, generation["length"], seed=generation["seed"] + k, primer=primer,
            temperature=generation["temperature"], top_k=generation["top_k"], top_p=generation["top_p"],
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


def evaluate(model, data: TrainingData, generation: dict) -> dict:
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
    report["solos"] = solo_statistics(model, data, generation)
    return report


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
