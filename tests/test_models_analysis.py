from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import analysis, models


def test_mnist_cnn_layers_are_named_for_analysis():
    model = models.build_mnist_cnn(filters=(4, 8), dense_units=16)
    names = [layer.name for layer in model.layers]
    for name in ("pixels", "conv1", "pool1", "conv2", "pool2", "dense", "output"):
        assert name in names
    assert model.output_shape == (None, 10)


def test_batch_norm_cnn_keeps_the_analysis_names_on_the_relu_outputs():
    model = models.build_mnist_cnn(filters=(4, 8), dense_units=16, batch_norm=True)
    kinds = {layer.name: type(layer).__name__ for layer in model.layers}
    for name in ("conv1", "conv2", "dense"):
        assert kinds[name] == "ReLU"
    assert kinds["bn1"] == kinds["bn_dense"] == "BatchNormalization"
    assert not model.get_layer("conv1_linear").use_bias
    assert model.output_shape == (None, 10)


def test_mlp_bias_initialisers():
    weights = lambda bias: models.build_mlp(2, 8, bias_init=bias, seed=3).get_weights()
    zeros, constant, normal = weights("zeros"), weights("constant_0.1"), weights("normal_1")
    assert not zeros[1].any() and np.allclose(constant[1], 0.1)
    assert normal[1].std() > 0.3 and np.array_equal(zeros[0], normal[0])  # kernels unchanged
    assert not constant[-1].any()  # the output layer's biases stay at zero
    with pytest.raises(ValueError, match="unknown bias_init 'ones'"):
        models.build_mlp(bias_init="ones", seed=0)


def test_mlp_rejects_unknown_names():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        models.build_mlp(activation="swish", seed=0)
    with pytest.raises(ValueError, match="unknown init 'xavier'"):
        models.build_mlp(init="xavier", seed=0)
    with pytest.raises(ValueError, match="dropout rates must be in"):
        models.build_mlp(dropout=1.0, seed=0)


def test_mlp_same_seed_same_weights():
    a = models.build_mlp(2, 8, seed=3).get_weights()
    b = models.build_mlp(2, 8, seed=3).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_layer_activations_shapes_and_unknown_layer():
    model = models.build_mnist_cnn(filters=(4,), dense_units=8)
    x = np.random.default_rng(0).random((5, 28, 28, 1)).astype("float32")
    acts = analysis.layer_activations(model, x, ["pixels", "conv1", "output"])
    assert acts["pixels"].shape == (5, 784) and acts["conv1"].shape == (5, 26 * 26 * 4)
    np.testing.assert_allclose(acts["output"].sum(axis=1), 1, rtol=1e-5)
    with pytest.raises(ValueError, match="has no layer \\['conv9'\\]"):
        analysis.layer_activations(model, x, ["conv9"])


def test_argmax_unit_classifier_recovers_unit_meaning():
    y = np.array([0, 0, 1, 1, 2, 2])
    units = np.eye(3)[y] * 5  # unit k fires for class k
    pred, unit_label = analysis.argmax_unit_classifier(units, y, units, n_classes=3)
    assert unit_label.tolist() == [0, 1, 2] and (pred == y).all()


def test_random_unit_probes_informative_vs_noise():
    rng = np.random.default_rng(0)
    y = np.repeat(np.arange(10), 40)
    informative = np.eye(10)[y].repeat(3, axis=1) + 0.1 * rng.random((400, 30))
    res = analysis.random_unit_probes(
        informative, y, informative, y, n_units=10, n_draws=5, seed=0, val=(informative, y)
    )
    assert res["logistic"].shape == (5,) and res["units"].shape == (5, 10) and "logistic_val" in res
    noise = rng.random((400, 30))
    res_noise = analysis.random_unit_probes(noise, y, rng.random((400, 30)), y, n_draws=5, seed=0)
    assert res["logistic"].mean() > 0.5 > res_noise["logistic"].mean()


def test_linear_probe_shape_mismatch():
    with pytest.raises(ValueError, match="same units"):
        analysis.linear_probe(np.zeros((4, 3)), np.zeros(4), np.zeros((4, 2)), np.zeros(4), seed=0)


def test_gradient_norms_vanish_for_small_sigmoid():
    x = np.random.default_rng(0).random((64, 784)).astype("float32")
    y = np.arange(64) % 10
    small = analysis.gradient_norms(
        models.build_mlp(5, 32, "sigmoid", "small_normal", seed=0), x, y
    )
    he = analysis.gradient_norms(models.build_mlp(5, 32, "relu", "he", seed=0), x, y)
    assert list(small) == ["hidden1", "hidden2", "hidden3", "hidden4", "hidden5", "output"]
    assert small["hidden1"] < 1e-3 * small["output"]
    assert he["hidden1"] > 1e-2 * he["output"]


def test_embed_2d_methods():
    x = np.random.default_rng(0).random((40, 60))
    assert analysis.embed_2d(x, "pca", seed=0).shape == (40, 2)
    assert analysis.embed_2d(x, "tsne", seed=0).shape == (40, 2)
    with pytest.raises(ValueError, match="expected 'pca' or 'tsne'"):
        analysis.embed_2d(x, "umap", seed=0)


def test_stop_at_stops_training():
    import keras

    model = models.build_mlp(1, 4, input_dim=3, n_classes=2, seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = np.zeros((8, 3), "float32"), np.zeros(8, int)
    h = model.fit(x, y, epochs=5, verbose=0, callbacks=[models.stop_at(0.0, "accuracy")])
    assert len(h.history["loss"]) == 1
    assert isinstance(models.stop_at(0.5), keras.callbacks.Callback)


def test_epoch_log_prints_one_short_line_per_epoch(capsys):
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mse", "mape"])
    x = np.ones((16, 3), "float32")
    model.fit(x, x[:, :1], validation_data=(x, x[:, :1]), epochs=2, verbose=0,
              callbacks=[models.EpochLog(width=60)])  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("epoch 1/2 ") and "val_mae" in "".join(lines)
    assert sum(line.startswith("epoch ") for line in lines) == 2
    assert all(len(line) <= 60 for line in lines) and len(lines) > 2  # wrapped, not cut
    assert not any(line.rstrip().endswith(("mae", "mse", "mape", "loss")) for line in lines)


def test_epoch_log_refuses_a_narrow_width():
    with pytest.raises(ValueError, match="width"):
        models.EpochLog(width=10)


def test_summary_table_counts_parameters():
    model = models.build_mnist_cnn(batch_norm=True)
    table = models.summary_table(model)
    assert table.loc["total", "parameters"] == model.count_params() == 57050
    assert table.loc["total", "trainable"] == 56826  # batch norm's moving statistics excluded
    assert table.loc["conv1_linear", "output shape"] == "(batch, 26, 26, 16)"
    assert table["parameters"].iloc[:-1].sum() == model.count_params()


def test_summary_table_refuses_an_unbuilt_model():
    import keras

    with pytest.raises(ValueError, match="not built"):
        models.summary_table(keras.Sequential([keras.layers.Dense(2)]))
