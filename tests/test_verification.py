from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import model_cost, verification


def test_pairs_are_balanced_seeded_and_correct():
    groups = np.array(["a"] * 5 + ["b"] * 5 + ["c"] * 5)
    first, second, same = verification.make_pairs(groups, 101, seed=4)
    assert len(same) == 101 and same.sum() == 50
    assert ((groups[first] == groups[second]) == same.astype(bool)).all()
    assert not np.any((first == second) & (same == 1)), "a 'same' pair must be two different items"
    again = verification.make_pairs(groups, 101, seed=4)
    assert all(np.array_equal(x, y) for x, y in zip((first, second, same), again))


@pytest.mark.parametrize(
    "groups, message", [(["a", "a", "a"], "two groups"), (["a", "a", "b"], "has one item")]
)
def test_pairs_bad_groups(groups, message):
    with pytest.raises(ValueError, match=message):
        verification.make_pairs(np.array(groups), 10, seed=0)


def test_eer_perfect_random_and_threshold():
    labels = np.array([0] * 50 + [1] * 50)
    eer, threshold = verification.equal_error_rate(labels, labels + 0.0)
    assert eer == 0
    rng = np.random.default_rng(0)
    eer_random, _ = verification.equal_error_rate(np.tile([0, 1], 5000), rng.random(10000))
    assert 0.45 < eer_random < 0.55
    assert verification.best_threshold(labels, labels * 0.8 + 0.1) == pytest.approx(0.9)
    with pytest.raises(ValueError, match="both classes"):
        verification.equal_error_rate(np.ones(4), np.ones(4))


def test_model_costs_are_measured():
    import keras

    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    assert model_cost.saved_size_bytes(model) > 1000
    assert model_cost.median_batch_time(model, np.zeros((16, 8), "float32"), repeats=3) > 0
