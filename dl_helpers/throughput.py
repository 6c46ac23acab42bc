"""Training throughput of every ``fit`` call, for ``benchmarks/run.py``.

When the environment variable ``DLH_FIT_LOG`` names a file,
:func:`dl_helpers.session.setup_notebook` calls :func:`record_fits`, and from then on every
``keras.Model.fit`` in the process appends one JSON line to that file: the model's name and
parameter count, the batch size, how many training samples it processed and how long the training
steps took (validation excluded). The notebooks do not change: the benchmark measures exactly the
models they train. Without the variable nothing is patched.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

FIT_LOG_ENV = "DLH_FIT_LOG"

_ORIGINAL_FIT = None


def _is_batched(x: Any) -> bool:
    """A ``tf.data.Dataset`` or a Keras ``PyDataset``: the input already comes in batches."""
    import keras
    import tensorflow as tf

    return isinstance(x, (tf.data.Dataset, keras.utils.PyDataset))


def _dataset_batch_size(ds: Any) -> int:
    """The batch size a ``tf.data`` pipeline was built with, read from its definition.

    Never iterates ``ds``: a new iterator would advance its shuffle seeds and any random
    augmentation in it, and the benchmarked run would no longer be the notebook's run.
    """
    import tensorflow as tf

    node = ds
    while node is not None:  # walk back through map/prefetch/... to the .batch() step
        size = getattr(node, "_batch_size", None)
        if size is not None:
            return int(tf.get_static_value(size))
        node = getattr(node, "_input_dataset", None)
    raise ValueError(
        f"cannot find the batch size of {ds!r}: expected a pipeline built with .batch(n)"
    )


def _batch_size(x: Any, kwargs: dict[str, Any]) -> int:
    """Samples per training step: ``batch_size`` for arrays (Keras's default 32), else the
    pipeline's.

    A ``PyDataset`` is asked for batch 0 (indexing one does not advance its random state).
    """
    import tensorflow as tf

    if isinstance(x, tf.data.Dataset):
        return _dataset_batch_size(x)
    if _is_batched(x):
        return int(tf.shape(tf.nest.flatten(x[0])[0])[0])
    return int(kwargs.get("batch_size") or 32)


def _n_samples(x: Any, validation_split: float) -> int | None:
    """Training samples per epoch for array inputs (after ``validation_split``), else ``None``."""
    if _is_batched(x):
        return None
    first = (
        x[0]
        if isinstance(x, (list, tuple))
        else (next(iter(x.values())) if isinstance(x, dict) else x)
    )
    n = len(first)
    return (
        int(math.floor(n * (1.0 - validation_split))) if validation_split else n
    )  # as Keras splits


def _callback(path: Path, batch_size: int, samples_per_epoch: int | None):
    import keras

    class FitLog(keras.callbacks.Callback):
        """Times each epoch's training steps (validation excluded); logs one line per fit."""

        def on_train_begin(self, logs=None):
            self.epochs: list[tuple[int, float]] = []  # (steps, training seconds) per epoch

        def on_epoch_begin(self, epoch, logs=None):
            self.steps, self.val_seconds, self.start = 0, 0.0, time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.steps += 1

        def on_test_begin(self, logs=None):
            self.val_start = time.perf_counter()

        def on_test_end(self, logs=None):
            self.val_seconds += time.perf_counter() - self.val_start

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append((self.steps, time.perf_counter() - self.start - self.val_seconds))

        def on_train_end(self, logs=None):
            if not self.epochs:
                return
            # the first epoch includes tracing the graph: leave it out when there are more
            steady = self.epochs[1:] if len(self.epochs) > 1 else self.epochs
            samples = [samples_per_epoch or steps * batch_size for steps, _ in steady]
            record = {
                "model": self.model.name,
                "params": int(self.model.count_params()),
                "batch_size": batch_size,
                "epochs": len(self.epochs),
                "samples": int(sum(samples)),
                "seconds": round(sum(sec for _, sec in steady), 4),
                "exact": samples_per_epoch is not None,
            }
            with open(path, "a") as f:
                f.write(json.dumps(record) + "\n")

    return FitLog()


def record_fits(path: str | Path) -> None:
    """Make every later ``keras.Model.fit`` append its throughput to the JSON-lines file ``path``.

    Idempotent. Samples are exact for array inputs; for a ``tf.data.Dataset`` or a ``PyDataset``
    they are steps times the batch size (a partial last batch is counted as full). Recording
    never changes what a fit learns: datasets are not iterated to find their batch size.
    """
    global _ORIGINAL_FIT
    import keras

    if _ORIGINAL_FIT is not None:
        return
    path = Path(path)
    _ORIGINAL_FIT = original = keras.Model.fit

    def fit(self, x=None, y=None, *args, **kwargs):
        if args:  # positional batch_size etc.: leave such calls unmeasured rather than guess
            return original(self, x, y, *args, **kwargs)
        callback = _callback(
            path, _batch_size(x, kwargs), _n_samples(x, kwargs.get("validation_split", 0.0))
        )
        kwargs["callbacks"] = [*(kwargs.get("callbacks") or []), callback]
        return original(self, x, y, **kwargs)

    keras.Model.fit = fit


def stop_recording() -> None:
    """Undo :func:`record_fits` (for tests)."""
    global _ORIGINAL_FIT
    if _ORIGINAL_FIT is not None:
        import keras

        keras.Model.fit = _ORIGINAL_FIT
        _ORIGINAL_FIT = None


def read_fit_log(path: str | Path) -> list[dict[str, Any]]:
    """The records :func:`record_fits` wrote, each with ``samples_per_s`` added."""
    records = []
    for line in Path(path).read_text().splitlines():
        record = json.loads(line)
        record["samples_per_s"] = (
            record["samples"] / record["seconds"] if record["seconds"] > 0 else float("nan")
        )
        records.append(record)
    return records
