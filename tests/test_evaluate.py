import numpy as np
import pytest

from builder.evaluate import NGramModel, longest_run, score_distributions
from builder.generate import Stepper, generate, sample
from builder.train import build_model

TINY = {"embedding": 8, "lstm_units": [12, 10], "dropout": 0.3, "dense_units": 16, "learning_rate": 0.01}


@pytest.mark.parametrize("order", [1, 2, 3, 5])
def test_ngram_distributions_are_proper_and_favour_what_followed(order):
    streams = [[0, 1, 2, 0, 1, 2, 0, 1, 3]]
    model = NGramModel(order, streams, vocab_size=5)
    for history in ([], [0], [0, 1], [4, 4], [2, 0, 1]):
        p = model.distribution(history)
        assert p.sum() == pytest.approx(1.0)
        assert (p > 0).all()  # smoothed: nothing is impossible
    if order >= 2:
        assert model.distribution([0]).argmax() == 1


def test_scores_of_a_perfect_and_a_uniform_predictor():
    targets = np.array([0, 1, 2])
    perfect = np.eye(3)
    assert score_distributions(perfect, targets)["top1_accuracy"] == 1.0
    assert score_distributions(perfect, targets)["perplexity"] == pytest.approx(1.0)
    uniform = np.full((3, 4), 0.25)
    assert score_distributions(uniform, targets)["perplexity"] == pytest.approx(4.0)


def test_stepper_with_carried_state_matches_keras_on_the_whole_sequence():
    model = build_model(TINY, vocab_size=9)
    sequence = np.array([3, 1, 4, 1, 5, 2, 6, 5, 3, 5], np.int32)
    expected = model.predict(sequence[None], verbose=0)[0]
    stepper = Stepper(model)
    stepped = np.stack([stepper.step(int(t)) for t in sequence])
    np.testing.assert_allclose(stepped, expected, atol=1e-5)
    stepper.reset()
    np.testing.assert_allclose(stepper.step(3), expected[0], atol=1e-5)


def test_sampling_filters_and_is_reproducible():
    p = np.array([0.5, 0.3, 0.15, 0.05])
    rng = np.random.default_rng(0)
    assert {sample(p, rng, top_k=1) for _ in range(20)} == {0}
    assert {sample(p, rng, top_p=0.7) for _ in range(200)} <= {0, 1}
    assert {sample(p, rng, temperature=0.01) for _ in range(20)} == {0}
    model = build_model(TINY, vocab_size=6)
    vocab = ["<s>", "</s>", "r:1", "C4:2", "E4:2", "0.4.7:4"]
    a = generate(Stepper(model), vocab, 30, seed=5, primer=["<s>"])
    b = generate(Stepper(model), vocab, 30, seed=5, primer=["<s>"])
    assert a == b and len(a) == 30
    assert "<s>" not in a and "</s>" not in a


def test_longest_run():
    assert longest_run(list("abbbcc")) == 3
    assert longest_run([]) == 0
