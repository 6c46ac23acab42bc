"""Verification (is this the same speaker?): balanced trial pairs, equal error rate, thresholds."""

from __future__ import annotations

import numpy as np


def make_pairs(
    groups: np.ndarray, n_pairs: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balanced pairs of item indices: half from the same group, half from different groups.

    Args:
        groups: the group (speaker) of each item, shape (N,).
        n_pairs: number of pairs; an odd number gets one more "different" pair.
        seed: the generator's seed; the same seed gives the same pairs.

    Returns:
        ``(first, second, same)``: two index arrays and a 0/1 label array, shuffled together.

    Raises:
        ValueError: fewer than two groups, or a group with a single item.
    """
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

    The EER is where the false-acceptance rate equals the false-rejection rate (interpolated
    between the two nearest ROC points). ``scores`` are "same" scores: higher means more similar.
    """
    from sklearn.metrics import roc_curve

    labels, scores = np.asarray(labels), np.asarray(scores)
    if labels.shape != scores.shape:
        raise ValueError(f"labels {labels.shape} and scores {scores.shape} differ in shape")
    if len(np.unique(labels)) != 2:
        raise ValueError("labels must contain both classes (0 and 1)")
    fpr, tpr, thresholds = roc_curve(labels, scores)
    fnr = 1 - tpr
    k = int(np.argmin(np.abs(fnr - fpr)))
    return float((fpr[k] + fnr[k]) / 2), float(thresholds[k])


def best_threshold(labels: np.ndarray, scores: np.ndarray) -> float:
    """The score threshold with the highest accuracy on (validation) pairs."""
    candidates = np.unique(scores)
    accuracy = [np.mean((scores >= t) == labels) for t in candidates]
    return float(candidates[int(np.argmax(accuracy))])
