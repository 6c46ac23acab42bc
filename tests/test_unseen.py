"""What the notebooks call held-out or unseen must share nothing with what they trained on.

Each test builds a notebook's splits from the real offline data (skipped without it) and checks
them with ``data.assert_disjoint``. A known leak that an open rework issue fixes is marked
``xfail(strict=True)``: the test documents it and fails the day the leak is gone, so the mark
cannot outlive the fix (none is open today).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dl_helpers import data, denoising, noise


@pytest.fixture(scope="module")
def offline_dir_module():
    import os
    from pathlib import Path

    folder = os.environ.get("DL_HELPERS_DATA", "")
    if not folder or not Path(folder, "fsdd", "recordings").is_dir():
        pytest.skip("DL_HELPERS_DATA is not set to the offline dataset copies")
    return Path(folder)


def _recordings(pairs) -> set[str]:
    return {f"{s}/{d}/{i}" for s, d, i in zip(pairs.speaker, pairs.digit, pairs.index)}


def _babble_voices(pairs) -> set[str]:
    return {item.split("/")[0] for pool in pairs.babble_pool for item in pool}


# Notebooks 03 and 04: speaker-independent folds. Every fold's held-out speakers are heard
# nowhere in training: not as targets, not in babble, not in validation; the seen-speaker set
# and the test set share no recording with training either.


@pytest.fixture(scope="module")
def fsdd(offline_dir_module):
    return data.load_fsdd()


@pytest.fixture(scope="module")
def folds(fsdd):
    return denoising.make_folds(fsdd, [0, 1, 2], n_train=200, n_seen=40, n_test=80)


def _voices(split) -> set[str]:
    return set(split.pairs.speaker.tolist()) | _babble_voices(split.pairs)


def test_every_speaker_is_held_out_exactly_once(fsdd, folds):
    held = [s for fold in folds for s in fold.test_speakers]
    assert sorted(held) == sorted(set(fsdd.speaker.tolist()))


def test_fold_test_voices_are_never_heard_in_training(folds):
    for fold in folds:
        heard = _voices(fold.train) | _voices(fold.val) | _voices(fold.seen)
        data.assert_disjoint(heard_in_training=heard, heldout=fold.test_speakers)
        assert set(fold.test.pairs.speaker.tolist()) == set(fold.test_speakers)
        assert _babble_voices(fold.test.pairs) <= set(fold.test_speakers)
        assert (fold.test.pairs.noise_type == "babble").any()


def test_fold_splits_share_no_recording(folds):
    for fold in folds:
        data.assert_disjoint(
            train=_recordings(fold.train.pairs),
            val=_recordings(fold.val.pairs),
            seen=_recordings(fold.seen.pairs),
            test=_recordings(fold.test.pairs),
        )


def test_seen_and_test_babble_are_not_training_recordings(folds):
    for fold in folds:
        trained_on = _recordings(fold.train.pairs) | _recordings(fold.val.pairs)
        for split in (fold.seen, fold.test):
            babble = {item for pool in split.pairs.babble_pool for item in pool}
            data.assert_disjoint(training_targets=trained_on, test_babble=babble)


def test_unseen_noise_fold_never_trains_on_it_and_keeps_the_test_set(fsdd, folds):
    held = folds[0].test_speakers
    others = [n for n in noise.NOISE_TYPES if n != "babble"]
    deaf = denoising.make_folds(
        fsdd, [0, 1, 2], n_train=200, n_seen=40, n_test=80, noise_types=others
    )[0]
    assert deaf.test_speakers == held
    for split in (deaf.train, deaf.val):
        assert "babble" not in set(split.pairs.noise_type.tolist())
    assert _recordings(deaf.train.pairs) == _recordings(folds[0].train.pairs)
    for name in ("test", "seen"):
        a, b = getattr(deaf, name).pairs, getattr(folds[0], name).pairs
        assert all(np.array_equal(x, y) for x, y in zip(a.noisy, b.noisy))
        assert list(a.noise_type) == list(b.noise_type)


def test_test_cells_are_dealt_evenly(folds):
    pairs = folds[0].test.pairs
    counts = pd.crosstab(pairs.noise_type, pairs.snr).to_numpy()
    assert counts.max() - counts.min() <= 1 and counts.shape == (5, 4)


def test_babble_is_recorded_for_every_babble_mixture(folds):
    for split in (folds[0].train, folds[0].test):
        has_pool = np.array([len(p) > 0 for p in split.pairs.babble_pool])
        assert np.array_equal(has_pool, split.pairs.noise_type == "babble") and has_pool.any()


# Notebook 04, part 2: continuation, every speaker held out in turn.


def test_speaker_split_keeps_heldout_voices_out_of_training(fsdd):
    for _, held in data.speaker_folds(fsdd.speaker, 6):
        split = data.speaker_split(fsdd.speaker, fsdd.index, held, n_train=300, n_test=50, seed=1)
        data.assert_disjoint(
            train=split["train"].tolist(), val=split["val"].tolist(), test=split["test"].tolist()
        )
        training_voices = set(fsdd.speaker[np.concatenate([split["train"], split["val"]])])
        data.assert_disjoint(training_voices=training_voices, heldout=held)
        assert set(fsdd.speaker[split["test"]]) == set(held)
        assert len(split["train"]) + len(split["val"]) == 300 and len(split["test"]) == 50
        assert (fsdd.index[split["train"]] >= 5).all()


def test_a_babble_only_test_set_keeps_the_training_mixtures(fsdd, folds):
    babble = denoising.make_folds(
        fsdd, [0, 1, 2], n_train=200, n_seen=40, n_test=80, test_noise_types=["babble"]
    )
    for mine, theirs in zip(babble, folds):
        assert all(
            np.array_equal(a, b) for a, b in zip(mine.train.pairs.noisy, theirs.train.pairs.noisy)
        )
        assert set(mine.test.pairs.noise_type.tolist()) == {"babble"}
        assert _recordings(mine.test.pairs) == _recordings(theirs.test.pairs)
        assert _babble_voices(mine.test.pairs) <= set(mine.test_speakers)


# Notebooks 01 and 05: MNIST. Training, validation and test images are three disjoint sets; the
# nearest-neighbour baseline of notebook 05 searches training images only.


@pytest.fixture(scope="module")
def mnist(offline_dir_module):
    if not (offline_dir_module / "mnist.npz").is_file():
        pytest.skip("no offline MNIST copy")
    return data.load_mnist()


def _image_hashes(images) -> set[str]:
    import hashlib

    return {hashlib.sha1(np.ascontiguousarray(x).tobytes()).hexdigest() for x in images}


def test_mnist_validation_and_test_images_are_never_trained_on(mnist):
    (x_train, y_train), (x_test, _) = mnist
    train, val = data.mnist_split(y_train)
    data.assert_disjoint(train=train.tolist(), val=val.tolist())
    data.assert_disjoint(
        train=_image_hashes(x_train[train]),
        val=_image_hashes(x_train[val]),
        test=_image_hashes(x_test),
    )


# Notebook 06, part B: speaker verification on speaker-rotated folds. In every fold the two
# held-out speakers are heard nowhere in training (not in training pairs, not in the validation
# pairs that choose the threshold, not in the feature or recording-statistics standardisation),
# and every speaker is held out exactly once.


@pytest.fixture(scope="module")
def verification_folds(fsdd):
    from dl_helpers import verification

    return [
        (held, verification.fold_indices(fsdd.speaker, fsdd.index, held))
        for _, held in data.speaker_folds(fsdd.speaker, 3)
    ]


def test_notebook06_every_speaker_is_unseen_exactly_once(fsdd, verification_folds):
    held = [s for h, _ in verification_folds for s in h]
    assert sorted(held) == sorted(set(fsdd.speaker.tolist())) and len(held) == 6


def test_notebook06_unseen_speakers_share_nothing_with_training(fsdd, verification_folds):
    from dl_helpers import verification

    for held, idx in verification_folds:
        trained_on = np.concatenate([idx["train"], idx["val"], idx["seen_test"]])
        data.assert_disjoint(training_voices=set(fsdd.speaker[trained_on]), heldout=held)
        assert set(fsdd.speaker[idx["unseen_test"]]) == set(held)
        data.assert_disjoint(**{name: i.tolist() for name, i in idx.items()})
        for name, seed in (("train", 1), ("val", 2)):
            a, b, _ = verification.make_pairs(fsdd.speaker[idx[name]], 500, seed=seed)
            paired = np.concatenate([idx[name][a], idx[name][b]])
            data.assert_disjoint(pairs=set(fsdd.speaker[paired]), heldout=held)


def test_notebook06_standardisation_ignores_heldout_speakers(fsdd, verification_folds):
    from dl_helpers import verification

    rng = np.random.default_rng(0)
    features = rng.normal(size=(len(fsdd), 4, 3))
    for _, idx in verification_folds:
        mean, std = verification.fit_standardiser(features, idx["train"])
        changed = features.copy()
        others = np.concatenate([idx["unseen_test"], idx["val"], idx["seen_test"]])
        changed[others] = 1e3
        again = verification.fit_standardiser(changed, idx["train"])
        np.testing.assert_array_equal(again[0], mean)
        np.testing.assert_array_equal(again[1], std)


# Notebook 02: the validation images choose, the pretext images carry no labels the notebook
# reads, and neither overlaps what it is trained or scored on.
@pytest.fixture(scope="module")
def cifar_labels(offline_dir_module):
    if not (offline_dir_module / "cifar10.npz").is_file():
        pytest.skip("no offline CIFAR-10 copy")
    (_, y_all), (_, y_test) = data.load_cifar10()
    return y_all[:, 0], y_test[:, 0]


@pytest.mark.parametrize("train_per_class, val_per_class", [(1300, 150), (150, 50)])
def test_cifar_validation_and_pretext_images_are_kept_apart(cifar_labels, train_per_class,
                                                            val_per_class):  # fmt: skip
    y_all, _ = cifar_labels
    split = data.cifar_split(y_all, val_per_class=val_per_class,
                             train_per_class=train_per_class, labelled_per_class=100)  # fmt: skip
    data.assert_disjoint(validation=split["val"], augmentation_training=split["train"])
    data.assert_disjoint(validation=split["val"], labelled=split["labelled"],
                         pretext_unlabelled=split["pretext"])  # fmt: skip
    every_budget = [data.first_per_class(y_all, split["labelled"], n) for n in (10, 25, 50, 100)]
    data.assert_disjoint(pretext_unlabelled=split["pretext"],
                         labelled_at_any_budget=np.concatenate(every_budget))  # fmt: skip
    # the test set is a separate array: the split indexes the training images only
    assert max(map(max, split.values())) < len(y_all)
