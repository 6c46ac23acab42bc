from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import config


def test_default_profile_is_standard(monkeypatch):
    monkeypatch.delenv("DLH_PROFILE", raising=False)
    assert config.active_profile() == "standard"


def test_env_then_argument(monkeypatch):
    monkeypatch.setenv("DLH_PROFILE", "quick")
    assert config.active_profile() == "quick"
    assert config.active_profile("full") == "full"


def test_unknown_profile_lists_valid_names(monkeypatch):
    monkeypatch.setenv("DLH_PROFILE", "huge")
    with pytest.raises(config.UnknownProfileError, match="quick, standard, full"):
        config.active_profile()


def test_profile_settings_returns_active_column(capsys):
    s = config.profile_settings(
        quick={"epochs": 1, "n": 10},
        standard={"epochs": 5, "n": 100},
        full={"epochs": 50, "n": 1000},
        profile="quick",
    )
    assert s.epochs == 1 and s["n"] == 10 and s.profile == "quick"
    table = capsys.readouterr().out
    assert "quick (active)" in table and "standard" in table and "1000" in table


def test_profile_settings_rejects_mismatched_keys():
    with pytest.raises(ValueError, match="missing: \\['n'\\]"):
        config.profile_settings(
            quick={"epochs": 1},
            standard={"epochs": 5, "n": 1},
            full={"epochs": 5, "n": 1},
            show=False,
        )


def test_undeclared_setting_is_a_clear_error():
    s = config.Settings({"epochs": 1}, "quick")
    with pytest.raises(AttributeError, match="not declared; declared: epochs"):
        _ = s.batch_size


def test_seed_everything_repeats_numpy_and_keras():
    import keras

    config.seed_everything(7)
    a = np.random.rand(3), keras.random.uniform((3,)).numpy()
    config.seed_everything(7)
    b = np.random.rand(3), keras.random.uniform((3,)).numpy()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


def test_seed_must_be_non_negative_int():
    with pytest.raises(ValueError, match="non-negative integer"):
        config.seed_everything(-1)
