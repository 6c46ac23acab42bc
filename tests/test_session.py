"""The setup cell's choices: profile field, determinism mode, GPU strategy, device lines."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from dl_helpers import config, session


def test_profile_field_auto_keeps_the_environment(monkeypatch):
    monkeypatch.setenv(config.PROFILE_ENV, "quick")
    assert session.choose_profile("auto") == "quick"
    assert session.choose_profile("") == "quick"
    assert session.choose_profile(None) == "quick"
    monkeypatch.delenv(config.PROFILE_ENV)
    assert session.choose_profile("auto") == "standard"


def test_profile_field_names_the_profile_for_the_rest_of_the_run(monkeypatch):
    monkeypatch.setenv(config.PROFILE_ENV, "quick")
    assert session.choose_profile("Full") == "full"
    assert os.environ[config.PROFILE_ENV] == "full"
    assert config.active_profile() == "full"


def test_profile_field_refuses_an_unknown_name(monkeypatch):
    monkeypatch.setenv(config.PROFILE_ENV, "quick")
    with pytest.raises(config.UnknownProfileError, match="quick, standard, full"):
        session.choose_profile("fast")
    assert os.environ[config.PROFILE_ENV] == "quick"  # unchanged


@pytest.mark.parametrize(
    "gpus, mode, expected",
    [(0, None, True), (1, None, False), (2, "auto", False), (1, "on", True), (0, "off", False)],
)
def test_determinism_is_on_without_a_gpu_unless_asked(monkeypatch, gpus, mode, expected):
    monkeypatch.delenv(session.DETERMINISM_ENV, raising=False)
    assert session.determinism_mode(gpus, mode) is expected


def test_determinism_mode_from_the_environment(monkeypatch):
    monkeypatch.setenv(session.DETERMINISM_ENV, "on")
    assert session.determinism_mode(gpus=1) is True
    monkeypatch.setenv(session.DETERMINISM_ENV, "sometimes")
    with pytest.raises(ValueError, match="auto, on, off"):
        session.determinism_mode(gpus=0)


def test_no_strategy_below_two_devices_or_outside_full():
    assert session.distribution_strategy("full", devices=[]) is None
    assert session.distribution_strategy("full", devices=["/gpu:0"]) is None
    assert session.distribution_strategy("standard", devices=["/gpu:0", "/gpu:1"]) is None


def test_setup_prints_profile_seed_devices_and_determinism(monkeypatch, capsys):
    monkeypatch.setenv(config.PROFILE_ENV, "standard")
    monkeypatch.delenv(session.DETERMINISM_ENV, raising=False)
    session.setup_notebook(seed=3, profile="quick")
    out = capsys.readouterr().out.splitlines()
    assert "profile: quick | seed: 3 | one device | op determinism: on" in out[-1]
    assert all(len(line) <= 100 for line in out[:-1]), out
    assert config.active_profile() == "quick"


STRATEGY_SCRIPT = textwrap.dedent(
    """
    import numpy as np
    import tensorflow as tf
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    import keras
    from dl_helpers import session
    devices = [d.name for d in tf.config.list_logical_devices("CPU")]
    strategy = session.distribution_strategy("full", devices=devices)
    session.use_strategy(strategy)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x = np.ones((32, 4), "float32")
    loss = model.fit(x, x[:, :1], epochs=2, batch_size=8, verbose=0).history["loss"]
    print(type(strategy).__name__, strategy.num_replicas_in_sync,
          model.distribute_strategy is strategy, np.isfinite(loss).all())
    """
)


def test_full_profile_mirrors_training_over_two_logical_devices():
    """MirroredStrategy over two logical CPU devices: what several GPUs get in the full profile."""
    done = subprocess.run(
        [sys.executable, "-c", STRATEGY_SCRIPT], capture_output=True, text=True, timeout=300,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["MirroredStrategy", "2", "True", "True"]


def test_colab_without_a_gpu_gets_a_one_line_hint(monkeypatch, capsys):
    import types

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    session.setup_notebook(seed=0, profile="quick")
    hints = [line for line in capsys.readouterr().out.splitlines() if "Runtime >" in line]
    assert hints == ["No GPU: on Colab choose Runtime > Change runtime type > a GPU, then rerun."]


def test_no_colab_hint_elsewhere(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    session.setup_notebook(seed=0, profile="quick")
    assert "Runtime >" not in capsys.readouterr().out
