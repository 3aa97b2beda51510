"""Generation in Python, step by step with the LSTM state carried, as the page does it in TF.js.

The build uses it to judge the solos the default settings produce (memorisation, repetition); it
reads the weights straight from the Keras model, so it needs no TensorFlow graph per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .corpus import END, START


@dataclass
class LstmWeights:
    kernel: np.ndarray  # [input, 4 * units], gates in Keras order i, f, c, o
    recurrent: np.ndarray  # [units, 4 * units]
    bias: np.ndarray  # [4 * units]


class Stepper:
    """One token in, next-token probabilities out; h and c of every layer kept between calls."""

    def __init__(self, model):
        by_kind: dict[str, list] = {}
        for layer in model.layers:
            by_kind.setdefault(type(layer).__name__, []).append(layer)
        self.embedding = by_kind["Embedding"][0].get_weights()[0]
        self.lstms = [LstmWeights(*layer.get_weights()) for layer in by_kind["LSTM"]]
        (self.hidden_w, self.hidden_b), (self.out_w, self.out_b) = (d.get_weights() for d in by_kind["Dense"])
        self.reset()

    def reset(self) -> None:
        self.state = [(np.zeros(w.recurrent.shape[0], np.float32),) * 2 for w in self.lstms]

    def step(self, token_id: int) -> np.ndarray:
        x = self.embedding[token_id]
        for i, w in enumerate(self.lstms):
            h, c = self.state[i]
            z = x @ w.kernel + h @ w.recurrent + w.bias
            gate_i, gate_f, candidate, gate_o = np.split(z, 4)
            c = _sigmoid(gate_f) * c + _sigmoid(gate_i) * np.tanh(candidate)
            h = _sigmoid(gate_o) * np.tanh(c)
            self.state[i] = (h, c)
            x = h
        hidden = np.maximum(x @ self.hidden_w + self.hidden_b, 0)
        logits = hidden @ self.out_w + self.out_b
        return _softmax(logits)


def sample(probabilities: np.ndarray, rng: np.random.Generator, temperature=1.0, top_k=0, top_p=1.0) -> int:
    """Draw a token id after temperature, top-k and top-p (nucleus) filtering."""
    logits = np.log(np.maximum(probabilities, 1e-12)) / max(temperature, 1e-3)
    p = _softmax(logits)
    order = np.argsort(-p, kind="stable")
    keep = len(p)
    if top_k > 0:
        keep = min(keep, top_k)
    if top_p < 1.0:
        keep = min(keep, int(np.searchsorted(np.cumsum(p[order]), top_p)) + 1)
    chosen = order[:keep]
    weights = p[chosen] / p[chosen].sum()
    return int(chosen[rng.choice(len(chosen), p=weights)])


def generate(stepper: Stepper, vocabulary: list[str], length: int, seed: int, primer: list[str],
             temperature=1.0, top_k=0, top_p=1.0) -> list[str]:
    """`length` new tokens after `primer` (which must be non-empty).

    A solo never stops: when the model ends a piece ("</s>") the next input is "<s>", and neither
    frame token is part of the solo.
    """
    index = {t: i for i, t in enumerate(vocabulary)}
    start, end = index.get(START), index.get(END)
    rng = np.random.default_rng(seed)
    stepper.reset()
    for token in primer[:-1]:
        stepper.step(index[token])
    current = index[primer[-1]]
    out: list[str] = []
    while len(out) < length:
        probabilities = stepper.step(current)
        if start is not None:
            probabilities = probabilities.copy()
            probabilities[start] = 0.0
        current = sample(probabilities, rng, temperature, top_k, top_p)
        if current == end:
            current = start
            continue
        out.append(vocabulary[current])
    return out


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()
