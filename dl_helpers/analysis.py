"""Looking inside trained networks: layer activations, linear probes, random-unit classifiers,
gradient norms, 2-D maps of representations.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np

from .checks import check_count, check_names

# scikit-learn's logistic regression on a few thousand probe images runs 2.5x (a 2,704-unit
# layer) to 25x (64 units) faster on one thread than on two on a 2-core CPU: the per-iteration
# work is too small to split. Probes fit under threadpool_limits(PROBE_THREADS).
PROBE_THREADS = 1


def layer_activations(
    model, x: np.ndarray, layer_names: Sequence[str], batch_size: int = 500
) -> dict[str, np.ndarray]:
    """Activations of the named layers for inputs ``x``, each flattened to (N, units).

    ``"pixels"`` (or the model's input name) gives the raw input, flattened.

    Raises:
        ValueError: for a layer name the model does not have (the message lists the valid ones),
            a single string instead of a list of names, no names at all, an empty ``x``, or a
            ``batch_size`` that is not a positive integer.
    """
    import keras

    names = [layer.name for layer in model.layers]
    unknown = [] if isinstance(layer_names, str) else [n for n in layer_names if n not in names]
    if unknown:
        raise ValueError(f"model {model.name!r} has no layer {unknown}; layers: {names}")
    check_names(layer_names, "layer_names", names)
    check_count(batch_size, "batch_size", 1)
    if len(x) == 0:
        raise ValueError("x has no samples; expected at least one input")
    extractor = keras.Model(model.inputs, [model.get_layer(n).output for n in layer_names])
    outputs = extractor.predict(x, batch_size=batch_size, verbose=0)
    if len(layer_names) == 1:
        outputs = [outputs]
    return {n: np.asarray(o).reshape(len(x), -1) for n, o in zip(layer_names, outputs)}


def linear_probe(
    train_features: np.ndarray,
    y_train: np.ndarray | Sequence[int],
    test_features: np.ndarray,
    y_test: np.ndarray | Sequence[int],
    *,
    max_iter: int = 300,
    seed: int,
) -> float:
    """Test accuracy of a logistic regression fit on standardised ``train_features``.

    Labels may be any sequence of class indices (scikit-learn converts them).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from threadpoolctl import threadpool_limits

    _check_pairs(train_features, y_train, test_features, y_test)
    probe = make_pipeline(
        StandardScaler(), LogisticRegression(max_iter=max_iter, random_state=seed)
    )
    with threadpool_limits(PROBE_THREADS):
        probe.fit(train_features, y_train)
        return float(probe.score(test_features, y_test))


def _check_pairs(a_train, y_train, a_test, y_test) -> None:
    a_train, a_test = np.asarray(a_train), np.asarray(a_test)
    if a_train.ndim != 2 or a_test.ndim != 2 or a_train.shape[1] != a_test.shape[1]:
        raise ValueError(
            "features must be (N, units) with the same units; "
            f"got {a_train.shape} and {a_test.shape}"
        )
    if len(a_train) != len(y_train) or len(a_test) != len(y_test):
        raise ValueError(
            "features and labels must have the same number of rows; got "
            f"{len(a_train)} train features and {len(y_train)} labels, "
            f"{len(a_test)} test features and {len(y_test)} labels"
        )
    if len(a_train) == 0 or a_train.shape[1] == 0:
        raise ValueError(
            f"train features have shape {a_train.shape}; expected at least one sample and unit"
        )


def _check_labels(y, name: str) -> np.ndarray:
    """Class labels as a 1-D array of non-negative integers (the classifiers count them)."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be 1-D class indices; got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"{name} has dtype {y.dtype}; expected integer class indices 0, 1, ...")
    if y.size and y.min() < 0:
        raise ValueError(f"{name} holds {y.min()}; expected class indices >= 0")
    return y


def argmax_unit_classifier(
    train_units: np.ndarray, y_train: np.ndarray, test_units: np.ndarray, n_classes: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """The seed's classifier from a handful of units: an image goes to the unit that fires most.

    Each unit stands for the digit that most of the training images it wins show (a unit that
    wins none stands for the most common digit). Returns (predicted test labels, unit -> digit).

    Raises:
        ValueError: features that are not (N, units) with the same units, no training sample,
            labels that are not non-negative integers (one per training row), or ``n_classes``
            not a positive integer.
    """
    _check_pairs(train_units, y_train, test_units, np.zeros(len(test_units)))
    y_train = _check_labels(y_train, "y_train")
    check_count(n_classes, "n_classes", 1)
    winners = np.argmax(train_units, axis=1)
    fallback = int(np.bincount(y_train, minlength=n_classes).argmax())
    unit_label = np.full(train_units.shape[1], fallback)
    for unit in range(train_units.shape[1]):
        won = y_train[winners == unit]
        if len(won):
            unit_label[unit] = np.bincount(won, minlength=n_classes).argmax()
    return unit_label[np.argmax(test_units, axis=1)], unit_label


def random_unit_probes(
    train_features: np.ndarray,
    y_train: np.ndarray,
    test_features: np.ndarray,
    y_test: np.ndarray,
    n_units: int = 10,
    n_draws: int = 100,
    *,
    seed: int,
    val: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """Accuracy of classifiers that see only ``n_units`` randomly drawn units of a layer.

    For each of ``n_draws`` draws (seeded): the argmax classifier of
    :func:`argmax_unit_classifier` and a logistic-regression probe on the same units.
    Units that never fire on the training images are not drawn (they carry nothing).
    With ``val=(features, labels)`` the logistic probes are also scored there, so that the best
    draw can be chosen without looking at the test images.

    Returns:
        ``{"argmax": test accuracies, "logistic": test accuracies, "logistic_val": validation
        accuracies (when ``val`` is given), "units": (n_draws, n_units) indices}``.

    Raises:
        ValueError: ``n_units`` or ``n_draws`` not a positive integer, more units requested
            than vary, features or labels that do not match (``val`` included), or labels that
            are not non-negative integers.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    check_count(n_units, "n_units", 1)
    check_count(n_draws, "n_draws", 1)
    _check_pairs(train_features, y_train, test_features, y_test)
    _check_labels(y_train, "y_train")
    if val is not None:
        if not isinstance(val, (tuple, list)) or len(val) != 2:
            raise ValueError("val must be a (features, labels) pair")
        _check_pairs(train_features, y_train, val[0], val[1])
    alive = np.flatnonzero(np.ptp(train_features, axis=0) > 0)
    if len(alive) < n_units:
        raise ValueError(
            f"only {len(alive)} units vary on the training images; {n_units} requested"
        )
    rng = np.random.default_rng(seed)
    draws = np.stack([rng.choice(alive, n_units, replace=False) for _ in range(n_draws)])
    argmax_acc, logistic_acc, val_acc = [], [], []
    for units in draws:
        with warnings.catch_warnings(), threadpool_limits(PROBE_THREADS):
            # Ten sparse ReLU units are often nearly separable for some digits, so lbfgs may stop
            # at max_iter before the weights settle; the accuracy is already stable by then.
            warnings.simplefilter("ignore", ConvergenceWarning)
            scale = train_features[:, units].std(axis=0) + 1e-8
            probe = LogisticRegression(max_iter=500)
            probe.fit(train_features[:, units] / scale, y_train)
        pred, _ = argmax_unit_classifier(train_features[:, units], y_train, test_features[:, units])
        argmax_acc.append(np.mean(pred == y_test))
        logistic_acc.append(probe.score(test_features[:, units] / scale, y_test))
        if val is not None:
            val_acc.append(probe.score(val[0][:, units] / scale, val[1]))
    out = {"argmax": np.array(argmax_acc), "logistic": np.array(logistic_acc), "units": draws}
    if val is not None:
        out["logistic_val"] = np.array(val_acc)
    return out


def gradient_norms(model, x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """L2 norm of the loss gradient for each Dense/Conv kernel, on one batch, without training.

    Shows how much each layer would move on the first step (vanishing gradients in a deep
    sigmoid network with small weights show up as norms shrinking toward the input).

    Raises:
        ValueError: ``x`` and ``y`` of different lengths or empty, labels that are not integer
            class indices of the model's outputs, or a model with no trainable kernel.
    """
    import keras
    import tensorflow as tf

    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"x has {len(x)} samples and y {len(y)}; expected the same number, >= 1")
    labels = _check_labels(y, "y")
    try:
        n_out = model.output_shape[-1] if isinstance(model.output_shape, tuple) else None
    except Exception:  # a subclassed or unbuilt model has no static output shape
        n_out = None
    if n_out is not None and labels.size and labels.max() >= n_out:
        raise ValueError(
            f"y holds label {labels.max()}; expected class indices 0-{n_out - 1} "
            f"(the model has {n_out} outputs)"
        )
    loss_fn = keras.losses.SparseCategoricalCrossentropy()
    kernels = [w for w in model.trainable_weights if w.path.endswith("kernel")]
    if not kernels:
        raise ValueError(f"model {model.name!r} has no trainable Dense/Conv kernel to measure")
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=False))
    grads = tape.gradient(loss, kernels)
    return {w.path.split("/")[0]: float(tf.norm(g)) for w, g in zip(kernels, grads)}


def embed_2d(features: np.ndarray, method: str = "tsne", *, seed: int) -> np.ndarray:
    """A 2-D map of (N, units) features with scikit-learn's PCA or t-SNE.

    t-SNE runs on the first 50 principal components (the usual speed-up), perplexity 30.

    Raises:
        ValueError: features that are not (N, units) with at least 2 rows and 2 units, hold
            NaN, or an unknown ``method``.
    """
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE

    if np.ndim(features) != 2:
        raise ValueError(f"features must be (N, units); got shape {np.shape(features)}")
    if method not in ("pca", "tsne"):
        raise ValueError(f"unknown method {method!r}; expected 'pca' or 'tsne'")
    if np.shape(features)[0] < 2 or np.shape(features)[1] < 2:
        raise ValueError(
            f"features have shape {np.shape(features)}; a 2-D map needs at least 2 samples and "
            "2 units"
        )
    if not np.all(np.isfinite(features)):
        raise ValueError("features contain NaN or infinite values")
    x = features - features.mean(axis=0)
    if method == "pca":
        return PCA(2, random_state=seed).fit_transform(x)
    if method != "tsne":
        raise ValueError(f"unknown method {method!r}; expected 'pca' or 'tsne'")
    if x.shape[1] > 50 and len(x) > 50:
        x = PCA(50, random_state=seed).fit_transform(x)
    perplexity = min(30.0, (len(x) - 1) / 3)
    return TSNE(2, perplexity=perplexity, init="pca", random_state=seed).fit_transform(x)
