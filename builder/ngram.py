"""The n-gram baselines: what counting token sequences alone predicts, beside the LSTM.

Orders 1 to 5 with interpolated absolute discounting (the core of Kneser-Ney smoothing) down to an
add-one unigram, trained on the training files and scored on the same held-out tokens as the model
(cross-entropy in nats per token, perplexity, top-1 accuracy). The trainer reads the unigram's
cross-entropy too: the bar a model must clear to have learned anything. `data` is the trainer's
TrainingData (builder/train.py), which imports this module: so it is not imported here.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np

DISCOUNT = 0.75
ORDERS = range(1, 6)


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


def score_distributions(distributions: np.ndarray, targets: np.ndarray) -> dict:
    """Cross-entropy, perplexity and top-1 accuracy of next-token distributions on their targets."""
    chosen = distributions[np.arange(len(targets)), targets]
    cross_entropy = float(-np.mean(np.log(np.maximum(chosen, 1e-12))))
    return {
        "cross_entropy": round(cross_entropy, 4),
        "perplexity": round(math.exp(cross_entropy), 3),
        "top1_accuracy": round(float(np.mean(distributions.argmax(axis=1) == targets)), 4),
    }


def training_streams(data) -> list[list[int]]:
    index = data.index
    return [[index[t] for t in p.tokens] for p in data.augmented]


def unigram_cross_entropy(data, targets: np.ndarray) -> float:
    """Nats per token of the (add-one) unigram model of the training files on `targets` (token ids):
    what predicting by token frequency alone achieves."""
    unigram = NGramModel(1, training_streams(data), len(data.vocabulary)).unigram
    return float(-np.mean(np.log(unigram[np.asarray(targets).ravel()])))


def evaluate_ngrams(data, streams: list[np.ndarray], orders=ORDERS) -> list[dict]:
    """Each order's scores on the held-out `streams` (every token after a file's first is a target)."""
    train = training_streams(data)
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
