from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from dl_helpers import config, session, throughput


@pytest.fixture
def fit_log(tmp_path: Path):
    path = tmp_path / "fits.jsonl"
    throughput.record_fits(path)
    try:
        yield path
    finally:
        throughput.stop_recording()


def _tiny_model(name: str):
    import keras

    model = keras.Sequential(
        [keras.Input((3,)), keras.layers.Dense(2, activation="softmax")], name=name
    )
    model.compile("sgd", "sparse_categorical_crossentropy")
    return model


def test_array_fit_counts_exact_training_samples(fit_log: Path):
    x, y = np.zeros((100, 3), "float32"), np.zeros(100, "int64")
    _tiny_model("arrays").fit(x, y, batch_size=16, epochs=3, validation_split=0.25, verbose=0)
    (record,) = throughput.read_fit_log(fit_log)
    assert record["model"] == "arrays" and record["params"] == 8 and record["batch_size"] == 16
    assert record["epochs"] == 3 and record["exact"]
    assert record["samples"] == 2 * 75  # epochs 2 and 3; validation images are not training samples
    assert record["samples_per_s"] > 0


def test_dataset_fit_counts_steps_times_batch(fit_log: Path):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices(
        (np.zeros((40, 3), "float32"), np.zeros(40, "int64"))
    ).batch(8)
    _tiny_model("dataset").fit(ds, epochs=2, shuffle=False, verbose=0)
    (record,) = throughput.read_fit_log(fit_log)
    assert record["batch_size"] == 8 and record["samples"] == 40 and not record["exact"]


def test_recording_leaves_a_shuffled_augmented_fit_unchanged(fit_log: Path):
    """The benchmark must measure the notebook's own run: same seed, same weights either way."""
    import tensorflow as tf

    x, y = np.random.default_rng(0).normal(size=(64, 3)).astype("float32"), np.arange(64) % 2

    def trained_weights(record: bool) -> list[np.ndarray]:
        if not record:
            throughput.stop_recording()
        config.seed_everything(0)
        noise = tf.random.Generator.from_seed(1)
        ds = (
            tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(64, seed=0)
            .batch(8)
            .map(lambda xb, yb: (xb + noise.normal(tf.shape(xb)), yb))
            .prefetch(1)
        )
        model = _tiny_model("shuffled")
        model.fit(ds, epochs=2, shuffle=False, verbose=0)  # the pipeline shuffles
        return model.get_weights()

    recorded, plain = trained_weights(record=True), trained_weights(record=False)
    assert throughput.read_fit_log(fit_log)[0]["batch_size"] == 8
    for a, b in zip(recorded, plain):
        np.testing.assert_array_equal(a, b)


def test_dataset_without_batch_is_an_error():
    import tensorflow as tf

    with pytest.raises(ValueError, match="batch"):
        throughput._dataset_batch_size(tf.data.Dataset.from_tensor_slices(np.zeros((4, 3))))


def test_recording_is_off_without_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import keras

    monkeypatch.delenv(throughput.FIT_LOG_ENV, raising=False)
    original = keras.Model.fit
    session.setup_notebook(seed=0)
    assert keras.Model.fit is original
    monkeypatch.setenv(throughput.FIT_LOG_ENV, str(tmp_path / "log.jsonl"))
    try:
        session.setup_notebook(seed=0)
        assert keras.Model.fit is not original
    finally:
        throughput.stop_recording()
    assert keras.Model.fit is original


def test_pydataset_fit_counts_steps_times_first_batch(fit_log: Path):
    import keras

    class Batches(keras.utils.PyDataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return np.zeros((4, 3), "float32"), np.zeros(4, "int64")

    _tiny_model("pydataset").fit(Batches(), epochs=3, verbose=0)
    (record,) = throughput.read_fit_log(fit_log)
    assert record["batch_size"] == 4 and record["samples"] == 2 * 5 * 4 and not record["exact"]
