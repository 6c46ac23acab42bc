"""What a model costs to keep and to run: bytes on disk, seconds per forward pass."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np


def saved_size_bytes(model) -> int:
    """Bytes of the model saved in Keras's native ``.keras`` format."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.stat().st_size


def median_batch_time(model, batch: np.ndarray, repeats: int = 20) -> float:
    """Median seconds for one forward pass over ``batch`` (after one warm-up call)."""
    model(batch, training=False)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(batch, training=False)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
