"""What a model costs to keep and to run: bytes on disk, seconds per forward pass."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np


def saved_size_bytes(model) -> int:
    """Bytes of the model saved in Keras's native ``.keras`` format.

    The file is written to a temporary folder that is removed afterwards, also when saving
    fails (disk full, Ctrl-C).

    Raises:
        ValueError: when ``model`` is not a Keras model.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model; got {type(model).__name__}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.keras"
        model.save(path)
        return path.stat().st_size


def median_batch_time(model, batch: np.ndarray, repeats: int = 20) -> float:
    """Median seconds for one forward pass over ``batch`` (after one warm-up call).

    Raises:
        ValueError: when ``repeats`` is not a positive integer or ``batch`` is empty.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1; got {repeats!r}")
    if len(batch) == 0:
        raise ValueError("batch is empty; expected at least one input to time")
    model(batch, training=False)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(batch, training=False)
        times.append(time.perf_counter() - start)
    return float(np.median(times))
