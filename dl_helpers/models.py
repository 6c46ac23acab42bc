"""Keras model builders shared by several notebooks.

A model whose architecture *is* the lesson is written out in its notebook; the builders here are
the ones a second notebook reuses (notebook 05 reuses notebook 01's CNN as a judge of digits).
"""

from __future__ import annotations

from typing import Sequence

import keras
import numpy as np
from keras import layers

from . import session
from .checks import check_count

ACTIVATIONS = ("relu", "sigmoid", "tanh")
INITIALISERS = {
    "small_normal": lambda seed: keras.initializers.RandomNormal(stddev=0.01, seed=seed),
    "glorot": lambda seed: keras.initializers.GlorotUniform(seed=seed),
    "he": lambda seed: keras.initializers.HeNormal(seed=seed),
}
BIAS_INITIALISERS = {
    "zeros": lambda seed: keras.initializers.Zeros(),
    "constant_0.1": lambda seed: keras.initializers.Constant(0.1),
    "normal_1": lambda seed: keras.initializers.RandomNormal(stddev=1.0, seed=seed),
}


def build_mnist_cnn(
    filters: Sequence[int] = (16, 32),
    dense_units: int = 64,
    dropout: float = 0.3,
    input_shape: tuple[int, int, int] = (28, 28, 1),
    n_classes: int = 10,
    name: str = "mnist_cnn",
    batch_norm: bool = False,
) -> keras.Model:
    """A small MNIST CNN: [Conv3x3+ReLU, MaxPool2] per entry of ``filters``, then Dense+Dropout.

    Layers are named ``conv1``, ``pool1``, ``conv2``, ..., ``dense``, ``output`` so that notebooks
    can read every layer's activations by name. The output is a softmax over ``n_classes``.
    Inputs are floats in [0, 1] of shape ``input_shape``.

    With ``batch_norm=True`` every convolution and the dense layer become a linear map (no bias,
    named ``conv1_linear``, ..., ``dense_linear``) -> ``BatchNormalization`` (``bn1``, ...,
    ``bn_dense``; momentum 0.9, so that its running statistics catch up within a short run)
    -> ReLU, and the ReLU carries the old name (``conv1``, ``dense``), so the activations read
    by name are the same kind of thing with or without it.

    Raises:
        ValueError: no block, a filter count, ``dense_units`` or ``n_classes`` that is not a
            positive integer (``n_classes`` >= 2), a dropout rate outside [0, 1), an
            ``input_shape`` that is not (height, width, channels), or more blocks than the
            input's size allows (each 3x3 convolution takes 2 pixels, each pooling halves).
    """
    if not filters:
        raise ValueError("filters must name at least one convolution block, e.g. (16, 32)")
    if isinstance(filters, (int, str)):
        raise ValueError(
            f"filters must be a sequence of filter counts, e.g. (16, 32); got {filters!r}"
        )
    for i, n in enumerate(filters, start=1):
        check_count(n, f"filters[{i - 1}] (block {i})", 1)
    check_count(dense_units, "dense_units", 1)
    check_count(n_classes, "n_classes", 2)
    if not 0 <= dropout < 1:
        raise ValueError(f"dropout must be in [0, 1); got {dropout}")
    shape = tuple(input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (height, width, channels); got {input_shape}")
    for axis, value in zip(("height", "width", "channels"), shape):
        check_count(value, f"input_shape {axis}", 1)
    size = list(shape[:2])
    for i in range(1, len(filters) + 1):
        if min(size) < 4:  # a 3x3 convolution leaves size - 2; pooling needs at least 2 of them
            raise ValueError(
                f"filters has {len(filters)} blocks but a {shape[0]}x{shape[1]} input allows "
                f"{i - 1}: before block {i} the maps are {size[0]}x{size[1]}, and a block (3x3 "
                "convolution, 2x2 pooling) needs at least 4x4; use fewer blocks or larger inputs"
            )
        size = [(s - 2) // 2 for s in size]
    inputs = keras.Input(shape=input_shape, name="pixels")
    x = inputs
    for i, n in enumerate(filters, start=1):
        if batch_norm:
            x = layers.Conv2D(n, 3, use_bias=False, name=f"conv{i}_linear")(x)
            x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
            x = layers.ReLU(name=f"conv{i}")(x)
        else:
            x = layers.Conv2D(n, 3, activation="relu", name=f"conv{i}")(x)
        x = layers.MaxPooling2D(2, name=f"pool{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    if batch_norm:
        x = layers.Dense(dense_units, use_bias=False, name="dense_linear")(x)
        x = layers.BatchNormalization(momentum=0.9, name="bn_dense")(x)
        x = layers.ReLU(name="dense")(x)
    else:
        x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout, name="dropout")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras.Model(inputs, outputs, name=name)


def build_mlp(
    n_hidden: int = 5,
    width: int = 128,
    activation: str = "relu",
    init: str = "he",
    dropout: float = 0.0,
    input_dropout: float = 0.0,
    input_dim: int = 784,
    n_classes: int = 10,
    bias_init: str = "zeros",
    *,
    seed: int,
) -> keras.Model:
    """A fully connected network: ``n_hidden`` Dense layers of ``width`` units, softmax output.

    Args:
        n_hidden: number of hidden layers; 0 gives softmax regression (no hidden layer).
        activation: one of :data:`ACTIVATIONS`.
        init: the kernels' initialiser: ``small_normal`` (N(0, 0.01^2)), ``glorot`` (Xavier:
            variance 2 / (fan_in + fan_out)) or ``he`` (variance 2 / fan_in).
        bias_init: the hidden layers' biases: ``zeros``, ``constant_0.1`` or ``normal_1``
            (N(0, 1)); the output layer's biases start at zero.
        dropout: dropout rate after every hidden layer (0 for none).
        input_dropout: dropout rate on the input pixels (Hinton et al. 2012 used 0.2 with 0.5
            on the hidden layers).
        seed: seeds every initialiser, so two builds with the same arguments start identical.

    Raises:
        ValueError: for an unknown activation or initialiser, a dropout rate outside [0, 1),
            a negative ``n_hidden``, or a ``width``, ``input_dim`` or ``n_classes`` that is not
            a positive integer (``n_classes`` >= 2).
    """
    check_count(n_hidden, "n_hidden", 0)
    check_count(width, "width", 1)
    check_count(input_dim, "input_dim", 1)
    check_count(n_classes, "n_classes", 2)
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; expected one of {ACTIVATIONS}")
    if init not in INITIALISERS:
        raise ValueError(f"unknown init {init!r}; expected one of {tuple(INITIALISERS)}")
    if bias_init not in BIAS_INITIALISERS:
        raise ValueError(
            f"unknown bias_init {bias_init!r}; expected one of {tuple(BIAS_INITIALISERS)}"
        )
    if not (0 <= dropout < 1 and 0 <= input_dropout < 1):
        raise ValueError(f"dropout rates must be in [0, 1), got {dropout} and {input_dropout}")
    inputs = keras.Input(shape=(input_dim,), name="pixels")
    x = (
        layers.Dropout(input_dropout, seed=seed, name="input_dropout")(inputs)
        if input_dropout
        else inputs
    )
    for i in range(1, n_hidden + 1):
        x = layers.Dense(
            width,
            activation=activation,
            kernel_initializer=INITIALISERS[init](seed + i),
            bias_initializer=BIAS_INITIALISERS[bias_init](seed + 100 + i),
            name=f"hidden{i}",
        )(x)
        if dropout:
            x = layers.Dropout(dropout, seed=seed + i, name=f"dropout{i}")(x)
    outputs = layers.Dense(
        n_classes, activation="softmax", kernel_initializer=INITIALISERS[init](seed), name="output"
    )(x)
    suffix = "" if bias_init == "zeros" else f"_bias_{bias_init}"
    return keras.Model(inputs, outputs, name=f"mlp_{activation}_{init}{suffix}")


def stop_at(target: float, monitor: str = "val_accuracy") -> keras.callbacks.Callback:
    """A callback that stops training once ``monitor`` reaches ``target`` at the end of an epoch.

    Keras's ``EarlyStopping`` stops when a metric stops *improving*; this one stops when it is
    *good enough*, as the seed project did at 98% validation accuracy.

    Raises:
        ValueError: when ``target`` is not a finite number (a NaN target would never stop).
        KeyError: at the end of the first epoch, when ``monitor`` is not in the logs (the
            message lists the metrics that are).
    """
    if isinstance(target, bool) or not isinstance(target, (int, float, np.number)):
        raise ValueError(f"target must be a finite number, e.g. 0.98; got {target!r}")
    if not np.isfinite(target):
        raise ValueError(f"target must be a finite number, e.g. 0.98; got {target}")

    def check(epoch: int, logs: dict | None) -> None:
        value = (logs or {}).get(monitor)
        if value is None:
            raise KeyError(f"stop_at: metric {monitor!r} not in logs {sorted(logs or {})}")
        if value >= target:
            print(f"{monitor} {value:.4f} >= target {target}: stopping after epoch {epoch + 1}")
            callback.model.stop_training = True

    callback = keras.callbacks.LambdaCallback(on_epoch_end=check)
    return callback


class EpochLog(keras.callbacks.Callback):
    """One short line per epoch (use with ``verbose=0``): epoch, seconds, then the logs.

    Keras's ``verbose=2`` line ("102/102 - 4s - 35ms/step - accuracy: 0.3709 - loss: ...") runs
    past 140 characters with validation metrics, and JupyterLab wraps it in the middle of a
    number. Here metric names are kept, values get 4 significant digits, and a line longer than
    ``width`` continues on an indented second line.

    Raises:
        ValueError: when ``width`` is under 40 characters.
    """

    def __init__(self, width: int = session.LINE_WIDTH) -> None:
        super().__init__()
        check_count(width, "width", minimum=40)
        self.width = int(width)
        self._started = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        import time

        self._started = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        import time

        total = self.params.get("epochs") if self.params else None
        head = f"epoch {epoch + 1}/{total} {time.perf_counter() - self._started:.0f}s:"
        # a no-break space keeps each name beside its value when the line is wrapped
        body = ", ".join(f"{k}\xa0{float(v):.4g}" for k, v in (logs or {}).items()
                         if k != "learning_rate")  # fmt: skip
        print(session.wrapped(f"{head} {body}", self.width).replace("\xa0", " "))


def summary_table(model: keras.Model):
    """A model's layers as a table: name, type, output shape and parameter count per layer.

    What ``model.summary()`` shows, as a DataFrame (Keras's own summary draws a box table with
    ``rich``, which leaves an empty output above it in Jupyter). The caption row ``total`` sums
    the parameters; ``trainable`` counts only those the optimiser updates.

    Raises:
        ValueError: when the model has not been built (its layers have no output shape yet).
    """
    import pandas as pd

    if not model.built:
        raise ValueError(f"model {model.name!r} is not built; call it on data or build() first")
    rows = []
    for layer in model.layers:
        try:
            shape = tuple(layer.output.shape)
        except (AttributeError, ValueError):
            shape = None
        rows.append({
            "layer": layer.name, "type": type(layer).__name__,
            "output shape": str(shape).replace("None", "batch") if shape else "?",
            "parameters": int(layer.count_params()),
            "trainable": _size(layer.trainable_weights),
        })  # fmt: skip
    table = pd.DataFrame(rows).set_index("layer")
    table.loc["total"] = {"type": "", "output shape": "", "parameters": int(model.count_params()),
                          "trainable": _size(model.trainable_weights)}  # fmt: skip
    return table


def _size(weights) -> int:
    """How many numbers ``weights`` (a list of Keras variables) hold in all."""
    return int(sum(int(np.prod(w.shape)) for w in weights))
