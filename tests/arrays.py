"""Small arrays in the shape of a dataset file, for tests of the loaders' checks (never data)."""

from __future__ import annotations

import numpy as np


def mnist_like(n: int = 20, **override: np.ndarray) -> dict[str, np.ndarray]:
    """The four arrays of ``mnist.npz`` for ``n`` training and ``n // 2`` test images."""
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n // 2, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n // 2) % 10).astype(np.uint8),
    }
    arrays.update(override)
    return arrays
