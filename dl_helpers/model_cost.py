"""What a model costs: bytes on disk, seconds per forward pass, multiply-accumulates per frame."""

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


def macs_per_frame(model) -> int:
    """Multiply-accumulates per input frame of a frame-synchronous Keras model (biases ignored).

    For models that map ``(batch, time, ...)`` to one output per time step (the denoisers of
    notebooks 03/04). Per frame, a ``Dense`` or ``Conv1D`` layer costs its kernel's size; a
    ``Conv2D`` costs its kernel's size at every output frequency position; a
    ``Conv2DTranspose`` at every input frequency position. One MAC is two floating-point
    operations (FLOPs).

    Raises:
        ValueError: not a Keras model; a layer with weights of another kind (an LSTM's cost
            depends on more than its kernel), or a convolution that strides or dilates in time
            differently from one output per frame.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model; got {type(model).__name__}")
    total = 0
    for layer in model.layers:
        if not layer.weights:
            continue
        kernel = int(np.prod(layer.kernel.shape)) if hasattr(layer, "kernel") else None
        if isinstance(layer, (keras.layers.Conv1D, keras.layers.Conv2D)) and layer.strides[0] != 1:
            raise ValueError(f"layer {layer.name!r} strides {layer.strides[0]} in time; expected 1")
        if isinstance(layer, keras.layers.Conv2DTranspose):
            total += int(layer.input.shape[2]) * kernel
        elif isinstance(layer, keras.layers.Conv2D):
            total += int(layer.output.shape[2]) * kernel
        elif isinstance(layer, (keras.layers.Dense, keras.layers.Conv1D)):
            total += kernel
        else:
            raise ValueError(
                f"layer {layer.name!r} ({type(layer).__name__}) has weights macs_per_frame "
                "cannot count; expected Dense, Conv1D, Conv2D or Conv2DTranspose layers"
            )
    return total


def median_predict_time(model, batch: np.ndarray, repeats: int = 20) -> float:
    """Median seconds of one *compiled* forward pass over ``batch`` (``model.predict_on_batch``).

    Unlike :func:`median_batch_time`, which calls the model eagerly (Python overhead per layer,
    a fixed cost that grows with the number of layers), this times the traced graph that
    ``predict`` runs, after two warm-up calls that build it.

    Raises:
        ValueError: not a Keras model, ``repeats`` not a positive integer, or an empty batch.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model; got {type(model).__name__}")
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)) or repeats < 1:
        raise ValueError(f"repeats must be an integer >= 1; got {repeats!r}")
    if len(batch) == 0:
        raise ValueError("batch is empty; expected at least one input to time")
    for _ in range(2):
        model.predict_on_batch(batch)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_on_batch(batch)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def dense_macs(model) -> int:
    """Multiply-accumulates per input example of a multilayer perceptron (biases ignored).

    Each ``Dense`` layer costs its kernel's size (n inputs x m outputs). ``BatchNormalization``
    (at inference a per-unit scale and shift, foldable into the layer before it), ``Dropout``,
    ``Activation`` and other layers without a kernel are not counted. One MAC is two FLOPs.

    Raises:
        ValueError: not a Keras model, or a layer with a kernel that is not ``Dense`` (a
            convolution's cost depends on its output size too: see :func:`macs_per_frame`).
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a Keras model; got {type(model).__name__}")
    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            total += int(np.prod(layer.kernel.shape))
        elif hasattr(layer, "kernel"):
            raise ValueError(
                f"layer {layer.name!r} ({type(layer).__name__}) has a kernel dense_macs cannot "
                "count; expected only Dense layers with kernels"
            )
    return total
