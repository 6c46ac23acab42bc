"""Helpers notebook 06 adds: trimming and level scaling, recording statistics, speaker folds,
a standardiser fitted on training items only, compiled timing and dense MACs."""

from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import audio, model_cost, verification

SR = audio.SR


def _utterance(lead_s=0.3, speech_s=0.5, tail_s=0.2, noise=1e-4, amp=0.3, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(int(speech_s * SR)) / SR
    parts = [
        noise * rng.standard_normal(int(lead_s * SR)),
        amp * np.sin(2 * np.pi * 440 * t),
        noise * rng.standard_normal(int(tail_s * SR)),
    ]
    return np.concatenate(parts).astype(np.float32)


def test_trim_and_normalise_removes_silence_and_gain():
    y = _utterance()
    out = audio.trim_and_normalise(y, target_rms=0.05)
    assert abs(len(out) / SR - 0.5) < 0.05
    assert np.sqrt(np.mean(out.astype(float) ** 2)) == pytest.approx(0.05, rel=1e-4)
    louder = audio.trim_and_normalise(10 * y / 3, target_rms=0.05)
    np.testing.assert_allclose(louder, out, atol=1e-5)


@pytest.mark.parametrize(
    "y, kwargs, message",
    [
        (np.zeros(800, np.float32), {}, "silent"),
        (np.ones(800, np.float32), {"top_db": 0}, "top_db"),
        (np.ones(800, np.int16), {}, "float samples"),
    ],
)
def test_trim_and_normalise_bad_input(y, kwargs, message):
    with pytest.raises(ValueError, match=message):
        audio.trim_and_normalise(y, **kwargs)


def test_recording_statistics_measure_the_recording():
    stats = audio.recording_statistics(_utterance(lead_s=0.3, tail_s=0.2))
    assert tuple(stats) == audio.RECORDING_STATISTICS
    assert stats["duration_s"] == pytest.approx(1.0, abs=1e-3)
    assert abs(stats["leading_silence_s"] - 0.3) < 0.05
    assert abs(stats["trailing_silence_s"] - 0.2) < 0.05
    assert abs(stats["speech_s"] - 0.5) < 0.05
    assert stats["noise_floor_db"] < -60 < stats["rms_db"]
    quieter = audio.recording_statistics(_utterance(amp=0.03))
    assert quieter["rms_db"] < stats["rms_db"] - 15
    with pytest.raises(ValueError, match="silent"):
        audio.recording_statistics(np.zeros(800, np.float32))


def test_fold_indices_keep_heldout_speakers_apart():
    speaker = np.repeat(["a", "b", "c"], 50)
    index = np.tile(np.arange(50), 3)
    fold = verification.fold_indices(speaker, index, ["c"])
    assert set(speaker[fold["unseen_test"]]) == {"c"} and len(fold["unseen_test"]) == 50
    for name in ("train", "val", "seen_test"):
        assert "c" not in set(speaker[fold[name]])
    assert (index[fold["train"]] >= 10).all() and (index[fold["seen_test"]] < 5).all()
    assert set(index[fold["val"]]) == set(range(5, 10))
    everything = np.concatenate(list(fold.values()))
    assert sorted(everything.tolist()) == list(range(150))


@pytest.mark.parametrize(
    "heldout, message", [(["z"], "heldout must be"), ([], "heldout must be"), (["a", "b"], "every")]
)
def test_fold_indices_bad_heldout(heldout, message):
    with pytest.raises(ValueError, match=message):
        verification.fold_indices(np.array(["a", "a", "b", "b"]), np.arange(4), heldout)


def test_fold_indices_bad_shapes():
    with pytest.raises(ValueError, match="one length"):
        verification.fold_indices(np.array(["a", "b"]), np.arange(3), ["a"])


def test_standardiser_uses_training_items_only():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 5, 3))
    x[:, :, 2] = 4.0
    mean, std = verification.fit_standardiser(x, np.arange(10))
    np.testing.assert_allclose(mean, x[:10].reshape(-1, 3).mean(0))
    assert std[2] == 1.0
    x[10:] += 100  # changing the other items changes nothing
    again = verification.fit_standardiser(x, np.arange(10))
    np.testing.assert_array_equal(again[0], mean)
    np.testing.assert_array_equal(again[1], std)


@pytest.mark.parametrize(
    "features, idx, message",
    [
        (np.zeros(5), np.arange(2), "shape"),
        (np.zeros((5, 2)), np.array([], int), "non-empty"),
        (np.zeros((5, 2)), np.array([0.5]), "integer"),
        (np.zeros((5, 2)), np.array([7]), "lie in"),
        (np.full((5, 2), np.nan), np.arange(2), "NaN"),
    ],
)
def test_standardiser_bad_input(features, idx, message):
    with pytest.raises(ValueError, match=message):
        verification.fit_standardiser(features, idx)


def test_compiled_time_and_dense_macs():
    import keras

    model = keras.Sequential(
        [keras.Input((8,)), keras.layers.Dense(4), keras.layers.BatchNormalization(),
         keras.layers.Dense(3)]
    )  # fmt: skip
    assert model_cost.dense_macs(model) == 8 * 4 + 4 * 3
    assert model_cost.median_predict_time(model, np.zeros((16, 8), "float32"), repeats=2) > 0
    with pytest.raises(ValueError, match="repeats"):
        model_cost.median_predict_time(model, np.zeros((1, 8), "float32"), repeats=0)
    with pytest.raises(ValueError, match="empty"):
        model_cost.median_predict_time(model, np.zeros((0, 8), "float32"))
    with pytest.raises(ValueError, match="Keras model"):
        model_cost.dense_macs("not a model")
    conv = keras.Sequential([keras.Input((8, 1)), keras.layers.Conv1D(2, 3)])
    with pytest.raises(ValueError, match="Dense"):
        model_cost.dense_macs(conv)
