"""Verification (is this the same speaker?): balanced trial pairs, equal error rate, thresholds."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def make_pairs(
    groups: np.ndarray, n_pairs: int, *, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balanced pairs of item indices: half from the same group, half from different groups.

    Args:
        groups: the group (speaker) of each item, shape (N,).
        n_pairs: number of pairs; an odd number gets one more "different" pair.
        seed: the generator's seed; the same seed gives the same pairs.

    Returns:
        ``(first, second, same)``: two index arrays and a 0/1 label array, shuffled together.

    Raises:
        ValueError: fewer than two groups, a group with a single item, or ``n_pairs`` not an
            integer >= 2.
    """
    if isinstance(n_pairs, bool) or not isinstance(n_pairs, (int, np.integer)) or n_pairs < 2:
        raise ValueError(
            f"n_pairs must be an integer >= 2 (half 'same', half 'different'); got {n_pairs!r}"
        )
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(f"groups must have shape (N,); got {groups.shape}")
    names, counts = np.unique(groups, return_counts=True)
    if len(names) < 2:
        raise ValueError(f"need at least two groups to make 'different' pairs; got {list(names)}")
    if counts.min() < 2:
        raise ValueError(f"group {names[counts.argmin()]!r} has one item; 'same' pairs need two")
    rng = np.random.default_rng(seed)
    members = {g: np.flatnonzero(groups == g) for g in names}
    n_same = n_pairs // 2
    first, second, same = [], [], []
    for _ in range(n_same):
        g = names[rng.integers(len(names))]
        a, b = rng.choice(members[g], 2, replace=False)
        first.append(a), second.append(b), same.append(1)
    for _ in range(n_pairs - n_same):
        g1, g2 = rng.choice(names, 2, replace=False)
        (
            first.append(rng.choice(members[g1])),
            second.append(rng.choice(members[g2])),
            same.append(0),
        )
    order = rng.permutation(n_pairs)
    return np.array(first)[order], np.array(second)[order], np.array(same)[order]


def equal_error_rate(labels: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    """Equal error rate and its threshold from scikit-learn's ROC curve.

    The EER is where the false-acceptance rate (FAR) equals the false-rejection rate (FRR). It is
    read at the nearest ROC point, without interpolation: the ROC point where |FAR - FRR| is
    smallest, and the EER is the mean of FAR and FRR there (exact when the two meet at a point;
    with few pairs it can differ from an interpolated EER by up to half a step of the curve).
    The threshold is that point's score: a pair is "same" when its score is >= the threshold.
    ``scores`` are "same" scores: higher means more similar.

    Raises:
        ValueError: labels and scores of different shapes, labels that are not 0/1 with both
            classes present, non-finite scores, or scores that are all equal (they separate
            nothing: every threshold accepts all pairs or none, and none is an EER threshold).
    """
    from sklearn.metrics import roc_curve

    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.shape != scores.shape:
        raise ValueError(f"labels {labels.shape} and scores {scores.shape} differ in shape")
    _check_scores(labels, scores)
    if len(np.unique(labels)) != 2:
        raise ValueError("labels must contain both classes (0 and 1)")
    if np.ptp(scores) == 0:
        raise ValueError(
            f"all {scores.size} scores are equal ({scores.flat[0]:g}): they cannot separate "
            "'same' from 'different', so there is no EER threshold; expected scores that vary"
        )
    fpr, tpr, thresholds = roc_curve(labels, scores)
    fnr = 1 - tpr
    k = int(np.argmin(np.abs(fnr - fpr)))
    return float((fpr[k] + fnr[k]) / 2), float(thresholds[k])


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest accuracy on (validation) pairs.

    A pair counts as "same" when its score is >= the threshold; ties go to the lowest threshold.

    Raises:
        ValueError: labels and scores of different shapes (for example (N, 1) model outputs
            against (N,) labels: take ``[:, 0]``), no pairs, labels that are not 0/1, or
            non-finite scores.
    """
    if np.shape(labels) != np.shape(scores):
        raise ValueError(
            f"labels {np.shape(labels)} and scores {np.shape(scores)} differ in shape; expected "
            "one score per label (for (N, 1) model outputs take [:, 0])"
        )
    if np.size(scores) == 0:
        raise ValueError("no pairs: labels and scores are empty")
    _check_scores(np.asarray(labels), np.asarray(scores))
    candidates = np.unique(scores)
    accuracy = [np.mean((scores >= t) == labels) for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])


def _check_scores(labels: np.ndarray, scores: np.ndarray) -> None:
    """0/1 labels and finite real scores; a clear error otherwise."""
    if labels.size and not np.isin(labels, (0, 1)).all():
        found = np.unique(labels)[:5].tolist()
        raise ValueError(f"labels must be 0 (different) or 1 (same); found {found}")
    if not np.issubdtype(scores.dtype, np.number) or np.iscomplexobj(scores):
        raise ValueError(f"scores have dtype {scores.dtype}; expected real numbers")
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores contain NaN or infinite values; expected finite scores")


def fold_indices(
    speaker: np.ndarray, index: np.ndarray, heldout: Sequence[str], val_indices: int = 5
) -> dict[str, np.ndarray]:
    """One speaker-independent fold of FSDD: which utterances train, validate and test.

    The training speakers (all but ``heldout``) give ``train`` (recording index 10-49 with the
    default ``val_indices``), ``val`` (5-9: thresholds and early decisions) and ``seen_test``
    (0-4: a closed-set check on voices the model trained on). ``unseen_test`` is every
    recording of the ``heldout`` speakers, none of whom appears in the other three.

    Returns:
        Sorted index arrays ``{"train", "val", "seen_test", "unseen_test"}`` into the recordings.

    Raises:
        ValueError: arrays of different lengths, an unknown or empty ``heldout``, every speaker
            held out, or what :func:`dl_helpers.data.recording_split` refuses.
    """
    from .data.splits import check_heldout, recording_split

    speaker, index = np.asarray(speaker).astype(str), np.asarray(index)
    if speaker.shape != index.shape or speaker.ndim != 1:
        raise ValueError(
            f"speaker {speaker.shape} and index {index.shape} must be 1-D and of one length"
        )
    held = check_heldout(speaker, heldout)
    masks = recording_split(index, val_indices)
    seen = ~np.isin(speaker, held)
    return {
        "train": np.flatnonzero(seen & masks["train"]),
        "val": np.flatnonzero(seen & masks["val"]),
        "seen_test": np.flatnonzero(seen & masks["test"]),
        "unseen_test": np.flatnonzero(~seen),
    }


def fit_standardiser(features: np.ndarray, train_idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each feature (last axis) over the training items only.

    ``features`` is (N, ..., F): statistics pool every axis but the last, over the items
    ``train_idx``; a feature that is constant there gets standard deviation 1. Apply them as
    ``(features - mean) / std``: held-out items are scaled with numbers they did not shape.

    Raises:
        ValueError: ``features`` with fewer than 2 dimensions or non-finite values, or
            ``train_idx`` empty, not integers, or outside 0 to N - 1.
    """
    features, train_idx = np.asarray(features, dtype=float), np.asarray(train_idx)
    if features.ndim < 2:
        raise ValueError(f"features must be (N, ..., F); got shape {features.shape}")
    if train_idx.size == 0 or not np.issubdtype(train_idx.dtype, np.integer):
        raise ValueError(f"train_idx must be a non-empty integer index array; got {train_idx!r}")
    if train_idx.min() < 0 or train_idx.max() >= len(features):
        raise ValueError(f"train_idx must lie in 0 to {len(features) - 1}")
    chosen = features[train_idx].reshape(-1, features.shape[-1])
    if not np.all(np.isfinite(chosen)):
        raise ValueError("features of the training items contain NaN or infinite values")
    std = chosen.std(axis=0)
    return chosen.mean(axis=0), np.where(std > 0, std, 1.0)
