"""Subsets drawn from a dataset: stratified by class, seeded, optionally avoiding used items."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .speech import FSDD_TEST_INDEX_LIMIT, is_test_index


def stratified_indices(
    labels: np.ndarray,
    n_per_class: int,
    *,
    seed: int,
    exclude: np.ndarray | Sequence[int] | None = None,
) -> np.ndarray:
    """Indices of ``n_per_class`` samples of every class, drawn with a seeded generator.

    Args:
        labels: class labels, shape (N,) or (N, 1).
        n_per_class: how many samples to take from each class.
        seed: the generator's seed; the same seed gives the same indices.
        exclude: indices that must not be drawn (for example a set already used elsewhere).

    Returns:
        The chosen indices, shuffled (classes interleaved), as an int array.

    Raises:
        ValueError: when ``labels`` is not 1-D (or N x 1), or a class has too few samples.
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (N,) or (N, 1); got {np.asarray(labels).shape}")
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be >= 1, got {n_per_class}")
    available = np.ones(len(y), dtype=bool)
    if exclude is not None:
        available[np.asarray(exclude, dtype=int)] = False
    rng = np.random.default_rng(seed)
    chosen = []
    for cls in np.unique(y):
        pool = np.flatnonzero((y == cls) & available)
        if len(pool) < n_per_class:
            raise ValueError(
                f"class {cls} has {len(pool)} available samples; {n_per_class} were requested"
            )
        chosen.append(rng.choice(pool, size=n_per_class, replace=False))
    return rng.permutation(np.concatenate(chosen))


#: The seed of the data splits that must stay the same whatever a notebook's seed is (which
#: training images are validation, which speakers form a fold): a run's seed changes training,
#: never which examples may be looked at.
SPLIT_SEED = 20_241_129


def validation_split(
    labels: np.ndarray, val_size: int, seed: int = SPLIT_SEED
) -> tuple[np.ndarray, np.ndarray]:
    """Split training data into (train, validation) indices, stratified by class.

    Validation is taken from the training data, so that epochs, learning rates, architectures
    and thresholds are chosen without touching the test set. Each class gives its share of
    ``val_size`` (rounded; the total is exactly ``val_size``).

    Args:
        labels: class labels of the training data, shape (N,) or (N, 1).
        val_size: how many examples go to validation (0 < val_size < N).
        seed: the split's seed; keep the default so every run of a notebook shares one split.

    Returns:
        ``(train_idx, val_idx)``: sorted, disjoint index arrays covering all N examples.

    Raises:
        ValueError: for labels that are not (N,) or (N, 1), or a size outside 1 .. N - 1.
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (N,) or (N, 1); got {np.asarray(labels).shape}")
    if not isinstance(val_size, (int, np.integer)) or not 0 < val_size < len(y):
        raise ValueError(f"val_size must be an integer from 1 to {len(y) - 1}; got {val_size!r}")
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    share = counts / counts.sum() * val_size
    take = np.floor(share).astype(int)
    for k in np.argsort(-(share - take), kind="stable")[: val_size - take.sum()]:
        take[k] += 1  # largest remainders first, so the total is exactly val_size
    val = np.concatenate(
        [rng.choice(np.flatnonzero(y == c), n, replace=False) for c, n in zip(classes, take)]
    )
    val = np.sort(val)
    train = np.setdiff1d(np.arange(len(y)), val)
    return train, val


#: MNIST's validation set: this many of the 60,000 training images (notebooks 01 and 05 share it).
MNIST_VALIDATION_SIZE = 6000


def mnist_split(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MNIST's fixed (train, validation) split of the training images, shared by every notebook.

    ``validation_split(labels, MNIST_VALIDATION_SIZE)`` with the fixed :data:`SPLIT_SEED`: the
    same 6,000 validation images whatever a notebook's seed, stratified by digit.

    Raises:
        ValueError: as :func:`validation_split` (labels that are not (N,), or fewer than 6,001).
    """
    return validation_split(labels, MNIST_VALIDATION_SIZE)


def speaker_folds(speakers: Sequence[str], n_folds: int) -> list[tuple[list[str], list[str]]]:
    """Speaker-independent folds: every speaker is held out exactly once.

    Speakers are sorted and dealt into ``n_folds`` groups in turn (with 6 speakers and 3 folds:
    two held-out speakers per fold). A model trained on a fold's training speakers and tested on
    its held-out ones has never heard the test voices.

    Returns:
        One ``(training speakers, held-out speakers)`` pair per fold.

    Raises:
        ValueError: fewer than 2 folds, or more folds than speakers.
    """
    names = sorted({str(s) for s in speakers})
    if not isinstance(n_folds, (int, np.integer)) or not 2 <= n_folds <= len(names):
        raise ValueError(
            f"n_folds must be between 2 and the number of speakers ({len(names)}); got {n_folds!r}"
        )
    folds = []
    for k in range(n_folds):
        heldout = names[k::n_folds]
        folds.append(([s for s in names if s not in heldout], heldout))
    return folds


def check_heldout(speaker: np.ndarray, heldout: Sequence[str]) -> list[str]:
    """The held-out speakers, sorted, after checking they are some but not all of ``speaker``.

    Raises:
        ValueError: an empty ``heldout``, a name not among the speakers, or every speaker.
    """
    names = sorted(set(np.asarray(speaker).astype(str).tolist()))
    held = sorted({str(s) for s in heldout})
    if not held or any(s not in names for s in held):
        raise ValueError(f"heldout must be some of {names}; got {list(heldout)}")
    if len(held) == len(names):
        raise ValueError("every speaker is held out; expected at least one training speaker")
    return held


def speaker_split(
    speaker: np.ndarray,
    index: np.ndarray,
    heldout: Sequence[str],
    *,
    n_train: int | None,
    n_test: int | None,
    seed: int,
    val_fraction: float = 0.1,
) -> dict[str, np.ndarray]:
    """Recordings for a speaker-independent split: ``train`` / ``val`` / ``test`` index arrays.

    ``train`` and ``val`` come from the other speakers' training recordings (index 5-49; a
    seeded ``val_fraction`` of them is validation), ``test`` from any recording of the
    ``heldout`` speakers; ``n_train`` (train and validation together) and ``n_test`` subsample
    them (``None``: all). No held-out speaker's recording is ever in ``train`` or ``val``.

    Raises:
        ValueError: unknown or no held-out speakers, every speaker held out, bad sizes, or a
            ``val_fraction`` outside (0, 1) or leaving no training recording.
    """
    speaker, index = np.asarray(speaker).astype(str), np.asarray(index)
    held = check_heldout(speaker, heldout)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction}")
    rng = np.random.default_rng(seed)

    def pick(mask: np.ndarray, n: int | None, name: str) -> np.ndarray:
        idx = np.flatnonzero(mask)
        if n is None or n >= len(idx):
            return rng.permutation(idx)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive integer or None; got {n!r}")
        return rng.choice(idx, n, replace=False)

    is_held = np.isin(speaker, held)
    pool = pick(~is_held & ~is_test_index(index), n_train, "n_train")
    n_val = max(1, int(round(val_fraction * len(pool))))
    if n_val >= len(pool):
        raise ValueError(f"val_fraction {val_fraction} of {len(pool)} recordings leaves none")
    return {
        "train": np.sort(pool[n_val:]),
        "val": np.sort(pool[:n_val]),
        "test": np.sort(pick(is_held, n_test, "n_test")),
    }


def assert_disjoint(**groups: Sequence) -> None:
    """Raise when any two named groups share an item (ids, speakers, file names, hashes ...).

    ``assert_disjoint(train=train_ids, test=test_ids)`` is how a test proves that what a notebook
    calls held-out or unseen shares nothing with what it trained on.

    Raises:
        ValueError: naming the two groups and up to five shared items.
    """
    if len(groups) < 2:
        raise ValueError(f"give at least two named groups to compare; got {sorted(groups)}")
    sets = {
        name: set(
            np.asarray(items if isinstance(items, np.ndarray) else list(items)).ravel().tolist()
        )
        for name, items in groups.items()
    }
    names = list(sets)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = sets[first] & sets[second]
            if shared:
                sample = sorted(shared, key=str)[:5]
                raise ValueError(
                    f"{first} and {second} share {len(shared)} item(s), e.g. {sample}; "
                    "expected none"
                )


def recording_split(index: np.ndarray, val_indices: int = 5) -> dict[str, np.ndarray]:
    """FSDD by recording index: upstream's test set (0-4), then validation, then training.

    Every speaker recorded each digit 50 times (index 0-49). Upstream tests on 0-4; the next
    ``val_indices`` recordings (5-9 by default) are validation, the rest (10-49) training.

    Returns:
        Boolean masks ``{"train", "val", "test"}`` over ``index``; every recording is in one.

    Raises:
        ValueError: when ``val_indices`` would leave no training recordings.
    """
    index = np.asarray(index)
    first_train = FSDD_TEST_INDEX_LIMIT + val_indices
    if not isinstance(val_indices, (int, np.integer)) or val_indices < 1 or first_train >= 50:
        raise ValueError(
            f"val_indices must be from 1 to {49 - FSDD_TEST_INDEX_LIMIT}; got {val_indices!r}"
        )
    test = is_test_index(index)
    val = ~test & (index < first_train)
    return {"train": ~test & ~val, "val": val, "test": test}


def cifar_split(
    labels: np.ndarray, *, val_per_class: int, train_per_class: int, labelled_per_class: int
) -> dict[str, np.ndarray]:
    """Notebook 02's fixed split of the CIFAR-10 training images (indices into them).

    * ``"val"``: ``val_per_class`` images of every class, for every choice the notebook makes;
    * ``"train"``: ``train_per_class`` other images of every class, the labelled training set
      of the augmentation experiment;
    * ``"labelled"``: the first ``labelled_per_class`` images of every class of ``"train"``, in
      an order where the first *n* of each class are a fixed subset (see :func:`first_per_class`),
      so that the label-budget curve's smaller sets are nested inside its larger ones;
    * ``"pretext"``: every image in neither ``"val"`` nor ``"labelled"``: the unlabelled images
      of the transfer experiment (their labels are never read).

    The split uses :data:`SPLIT_SEED`, so every seed of a notebook sees the same images.

    Raises:
        ValueError: for labels that are not (N,) or (N, 1), counts below 1, more labelled than
            training images per class, or a class with too few images (the message says that
            the full profile needs the 50,000-image download, not the offline subset).
    """
    for name, n in (("val_per_class", val_per_class), ("train_per_class", train_per_class),
                    ("labelled_per_class", labelled_per_class)):  # fmt: skip
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise ValueError(f"{name} must be a positive integer; got {n!r}")
    if labelled_per_class > train_per_class:
        raise ValueError(
            f"labelled_per_class ({labelled_per_class}) must not exceed train_per_class "
            f"({train_per_class}): the labelled images are drawn from the training images"
        )
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    smallest = int(np.bincount(y.astype(int)).min()) if len(y) else 0
    if val_per_class + train_per_class > smallest:
        raise ValueError(
            f"the split needs {val_per_class} + {train_per_class} images per class and the "
            f"smallest class has {smallest}. CIFAR-10 has 5,000 training images per class; the "
            "offline copy in $DL_HELPERS_DATA holds a 14,910-image subset, enough for the quick "
            "and standard profiles only. The full profile needs all 50,000: unset "
            "DL_HELPERS_DATA (or move its cifar10.npz away) and load_cifar10() downloads and "
            "verifies the canonical archive (about 163 MB)."
        )
    val = stratified_indices(y, val_per_class, seed=SPLIT_SEED)
    train = stratified_indices(y, train_per_class, seed=SPLIT_SEED + 1, exclude=val)
    labelled = first_per_class(y, train, labelled_per_class)
    pretext = np.setdiff1d(np.arange(len(y)), np.concatenate([val, labelled]))
    return {"val": val, "train": train, "labelled": labelled, "pretext": pretext}


def first_per_class(labels: np.ndarray, order: np.ndarray, n_per_class: int) -> np.ndarray:
    """The first ``n_per_class`` indices of every class, reading ``order`` from the start.

    A smaller ``n_per_class`` gives a subset of a larger one (nested label budgets).

    Raises:
        ValueError: when a class has fewer than ``n_per_class`` indices in ``order``.
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    order = np.asarray(order, dtype=int)
    if isinstance(n_per_class, bool) or not isinstance(n_per_class, (int, np.integer)):
        raise ValueError(f"n_per_class must be a positive integer; got {n_per_class!r}")
    chosen = []
    for cls in np.unique(y[order]):
        members = order[y[order] == cls]
        if not 0 < n_per_class <= len(members):
            raise ValueError(
                f"class {cls} has {len(members)} indices in order; {n_per_class} were requested"
            )
        chosen.append(members[:n_per_class])
    picked = np.concatenate(chosen)
    return order[np.isin(order, picked)]  # in the order given, classes interleaved
