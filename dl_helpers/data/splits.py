"""Subsets drawn from a dataset: stratified by class, seeded, optionally avoiding used items."""

from __future__ import annotations

from typing import Sequence

import numpy as np


def stratified_indices(
    labels: np.ndarray,
    n_per_class: int,
    seed: int = 0,
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
