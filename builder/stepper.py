"""The trained LSTM stepped in numpy, one token at a time with h and c of every layer carried, as the
page's worker does it in TF.js: the weights are read straight from the Keras model, so a step needs
no TensorFlow graph."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
        return softmax(self.step_logits(token_id))

    def step_logits(self, token_id: int) -> np.ndarray:
        """The next token's logits (before the softmax), as the page's sampler takes them."""
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
        return hidden @ self.out_w + self.out_b


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()
