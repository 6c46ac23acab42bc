"""Validation splits, speaker folds and the disjointness check behind every "unseen" claim."""

from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import data


def test_validation_split_is_stratified_disjoint_and_fixed():
    y = np.repeat(np.arange(10), [100, 200, 50, 50, 100, 100, 100, 100, 100, 100])
    train, val = data.validation_split(y, 100)
    assert len(val) == 100 and len(train) == len(y) - 100
    data.assert_disjoint(train=train, val=val)
    assert np.array_equal(np.sort(np.concatenate([train, val])), np.arange(len(y)))
    counts = np.bincount(y[val], minlength=10)
    assert counts[1] == 20 and counts[2] == 5  # each class gives its share
    again = data.validation_split(y, 100)
    assert np.array_equal(again[1], val)  # the split does not move with a notebook's seed
    assert not np.array_equal(data.validation_split(y, 100, seed=1)[1], val)


def test_validation_split_takes_n_by_1_labels():
    train, val = data.validation_split(np.zeros((50, 1), int), 5)
    assert len(val) == 5 and len(train) == 45


@pytest.mark.parametrize("size", [0, 50, -1, 2.5])
def test_validation_split_refuses_bad_sizes(size):
    with pytest.raises(ValueError, match="val_size must be an integer from 1 to 49"):
        data.validation_split(np.zeros(50, int), size)


def test_every_speaker_is_held_out_exactly_once():
    speakers = ["theo", "george", "lucas", "nicolas", "jackson", "yweweler"] * 3
    folds = data.speaker_folds(speakers, 3)
    held = [s for _, heldout in folds for s in heldout]
    assert sorted(held) == sorted(set(speakers)) and len(held) == 6
    for train, heldout in folds:
        data.assert_disjoint(train=train, heldout=heldout)
        assert len(train) == 4 and len(heldout) == 2
    with pytest.raises(ValueError, match="between 2 and the number of speakers"):
        data.speaker_folds(speakers, 7)


def test_recording_split_by_index():
    index = np.arange(50)
    masks = data.recording_split(index)
    assert index[masks["test"]].tolist() == [0, 1, 2, 3, 4]
    assert index[masks["val"]].tolist() == [5, 6, 7, 8, 9]
    assert index[masks["train"]].min() == 10 and masks["train"].sum() == 40
    assert np.all(masks["train"] ^ masks["val"] ^ masks["test"])
    with pytest.raises(ValueError, match="val_indices"):
        data.recording_split(index, 45)


def test_assert_disjoint_names_the_overlap():
    data.assert_disjoint(train=["a", "b"], test=["c"])
    with pytest.raises(ValueError, match=r"train and test share 1 item\(s\), e.g. \['b'\]"):
        data.assert_disjoint(train=["a", "b"], test=["b", "c"])
    with pytest.raises(ValueError, match="at least two"):
        data.assert_disjoint(train=[1])


def test_mnist_split_is_the_shared_fixed_validation_set():
    y = np.repeat(np.arange(10), 700)  # 7,000 labels, 700 per digit
    train, val = data.mnist_split(y)
    assert len(val) == data.MNIST_VALIDATION_SIZE == 6000 and len(train) == 1000
    assert np.array_equal(np.bincount(y[val]), np.full(10, 600))
    data.assert_disjoint(train=train, val=val)
    assert np.array_equal(data.mnist_split(y)[1], val)


def test_mnist_split_refuses_too_few_labels():
    with pytest.raises(ValueError, match="val_size must be an integer from 1 to 5999"):
        data.mnist_split(np.zeros(6000, int))


# Notebook 02: the fixed CIFAR-10 split and its nested label budgets.
def _cifar_like_labels(per_class: int = 40) -> np.ndarray:
    return np.random.default_rng(0).permutation(np.repeat(np.arange(10), per_class))


def test_cifar_split_sizes_and_nesting():
    y = _cifar_like_labels()
    split = data.cifar_split(y, val_per_class=5, train_per_class=20, labelled_per_class=8)
    assert len(split["val"]) == 50 and len(split["train"]) == 200 and len(split["labelled"]) == 80
    assert set(split["labelled"]) <= set(split["train"])
    assert np.all(np.bincount(y[split["labelled"]], minlength=10) == 8)
    small = data.first_per_class(y, split["labelled"], 3)
    assert set(small) <= set(split["labelled"]) and np.all(np.bincount(y[small]) == 3)
    again = data.cifar_split(y, val_per_class=5, train_per_class=20, labelled_per_class=8)
    assert all(np.array_equal(split[k], again[k]) for k in split)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(val_per_class=0, train_per_class=5, labelled_per_class=1), "val_per_class"),
        (dict(val_per_class=5, train_per_class=5, labelled_per_class=6), "must not exceed"),
        (dict(val_per_class=30, train_per_class=20, labelled_per_class=1), "needs all 50,000"),
    ],
)
def test_cifar_split_refuses_impossible_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        data.cifar_split(_cifar_like_labels(), **kwargs)


def test_first_per_class_refuses_more_than_there_are():
    y = _cifar_like_labels(4)
    with pytest.raises(ValueError, match="indices in order"):
        data.first_per_class(y, np.arange(len(y)), 5)
