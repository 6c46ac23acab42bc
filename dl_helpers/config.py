"""Profiles and seeding: how big an experiment is, and how it is made repeatable.

A *profile* says how big an experiment is:

* ``quick`` - CI: every notebook in about a minute on 2 CPU cores; thresholds are looser
  but still fail on a broken model.
* ``standard`` - the default: a student's laptop CPU, each notebook within about 10 minutes,
  reaching the results the notebook claims.
* ``full`` - the original experiment sizes (GPU expected).

The active profile comes from an explicit argument, else the ``DLH_PROFILE`` environment
variable, else ``standard``.
"""

from __future__ import annotations

import os
import random
from typing import Any, Mapping

import numpy as np

PROFILES: tuple[str, ...] = ("quick", "standard", "full")
DEFAULT_PROFILE = "standard"
PROFILE_ENV = "DLH_PROFILE"


class UnknownProfileError(ValueError):
    """Raised for a profile name that is not one of :data:`PROFILES`."""


def active_profile(name: str | None = None) -> str:
    """Return the profile to use: ``name``, else ``$DLH_PROFILE``, else ``standard``.

    Raises:
        UnknownProfileError: when the chosen name is not one of ``quick``, ``standard``, ``full``.
    """
    chosen = name if name is not None else os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE
    chosen = chosen.strip().lower()
    if chosen not in PROFILES:
        source = "argument" if name is not None else f"${PROFILE_ENV}"
        raise UnknownProfileError(
            f"unknown profile {chosen!r} (from {source}); expected one of {', '.join(PROFILES)}"
        )
    return chosen


class Settings(dict):
    """The active profile's settings: a dict that also allows attribute access.

    >>> s = Settings({"epochs": 3}, profile="quick")
    >>> s.epochs
    3
    """

    def __init__(self, values: Mapping[str, Any], profile: str) -> None:
        super().__init__(values)
        self.profile = profile

    def __getattr__(self, key: str) -> Any:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(
                f"profile setting {key!r} is not declared; declared: {', '.join(sorted(self))}"
            ) from None


def profile_settings(
    quick: Mapping[str, Any],
    standard: Mapping[str, Any],
    full: Mapping[str, Any],
    profile: str | None = None,
    show: bool = True,
) -> Settings:
    """Declare a notebook's three settings and return the active one.

    All three must declare the same keys. With ``show=True`` the settings are displayed as one
    table (a pandas DataFrame in Jupyter, plain text elsewhere) with the active column marked.

    Raises:
        ValueError: when the three profiles do not declare the same keys.
    """
    columns = {"quick": dict(quick), "standard": dict(standard), "full": dict(full)}
    keys = list(columns["standard"])
    for name, values in columns.items():
        if set(values) != set(keys):
            missing = set(keys) - set(values)
            extra = set(values) - set(keys)
            raise ValueError(
                f"profile {name!r} must declare the same settings as 'standard'; "
                f"missing: {sorted(missing)}, extra: {sorted(extra)}"
            )
    active = active_profile(profile)
    if show:
        _show_table(columns, keys, active)
    return Settings(columns[active], profile=active)


def _show_table(columns: dict[str, dict[str, Any]], keys: list[str], active: str) -> None:
    import pandas as pd

    header = {name: (f"{name} (active)" if name == active else name) for name in columns}
    frame = pd.DataFrame(
        {header[name]: [_fmt(columns[name][k]) for k in keys] for name in columns}, index=keys
    )
    frame.index.name = "setting"
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(frame)
            return
    except ImportError:  # pragma: no cover - IPython is a dependency
        pass
    print(frame.to_string())


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def seed_everything(seed: int = 42, deterministic: bool = True) -> None:
    """Seed Python, NumPy and Keras/TensorFlow; turn on TF op determinism.

    The same profile and seed then give the same numbers on the same machine (not bit-identical
    across machines: CPU kernels differ).
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    os.environ["PYTHONHASHSEED"] = str(int(seed))
    random.seed(int(seed))
    np.random.seed(int(seed))
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    if deterministic:
        tf.config.experimental.enable_op_determinism()
