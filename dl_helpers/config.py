"""Profiles, seeding and notebook setup.

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
import platform
import random
import time
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .throughput import FIT_LOG_ENV, record_fits

PROFILES: tuple[str, ...] = ("quick", "standard", "full")
DEFAULT_PROFILE = "standard"
PROFILE_ENV = "DLH_PROFILE"

_RUN_STARTED: float | None = None


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


def quiet_logging() -> None:
    """Notebook-friendly logging: no TF C++ chatter, no absl warnings, no ANSI progress bars.

    Keras progress bars are still available with ``verbose=1``; notebooks use ``verbose=2``
    (one line per epoch) so that saved outputs stay small and readable.
    """
    # 3 also hides C++ ERROR lines such as TF 2.21's harmless "NodeDef mentions attribute
    # use_unbounded_threadpool"; Python exceptions are unaffected.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    import logging
    import warnings

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    tf = _import_tensorflow_quietly()

    tf.get_logger().setLevel(logging.ERROR)  # e.g. retracing notices from predict() in a loop
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*np.object.*")
    # tqdm.auto (imported by a dependency) warns once that ipywidgets is missing; our progress
    # bars are plain text and do not need it.
    warnings.filterwarnings("ignore", message="IProgress not found")


def _import_tensorflow_quietly():
    """Import TensorFlow with file descriptor 2 silenced.

    TF's C++ start-up lines ("All log messages before absl::InitializeLog() ...", "Could not find
    cuda drivers ...") are written straight to fd 2 before any log level applies, so notebooks
    would show them as red stderr. Real import errors still raise.
    """
    import sys

    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        import tensorflow as tf
    finally:
        os.dup2(saved, 2)
        os.close(devnull)
        os.close(saved)
    return tf


def setup_notebook(seed: int = 42) -> dict[str, str]:
    """Everything a notebook's setup cell does: quiet logs, seed, start the clock, print versions.

    Returns the versions it printed (also used in the results file).
    """
    global _RUN_STARTED
    _RUN_STARTED = time.perf_counter()
    quiet_logging()
    seed_everything(seed)
    if os.environ.get(FIT_LOG_ENV):  # set by benchmarks/run.py only
        record_fits(os.environ[FIT_LOG_ENV])
    versions = library_versions()
    print(" | ".join(f"{k} {v}" for k, v in versions.items()))
    print(f"profile: {active_profile()} | seed: {seed}")
    return versions


def library_versions() -> dict[str, str]:
    """Versions of the libraries that matter, and whether a GPU is visible."""
    import keras
    import sklearn
    import tensorflow as tf

    versions = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "scikit-learn": sklearn.__version__,
    }
    try:
        import librosa

        versions["librosa"] = librosa.__version__
    except ImportError:  # pragma: no cover
        versions["librosa"] = "missing"
    gpus = tf.config.list_physical_devices("GPU")
    versions["gpu"] = f"{len(gpus)} GPU(s)" if gpus else "none (CPU only)"
    return versions


def elapsed_since_setup() -> float | None:
    """Seconds since :func:`setup_notebook` ran in this process, or ``None``."""
    return None if _RUN_STARTED is None else time.perf_counter() - _RUN_STARTED


def repo_root(start: Path | None = None) -> Path | None:
    """The repository root (the folder holding ``pyproject.toml`` and ``dl_helpers/``), if any."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "dl_helpers").is_dir():
            return folder
    package_parent = Path(__file__).resolve().parent.parent
    if (package_parent / "pyproject.toml").is_file():
        return package_parent
    return None


RESULTS_ENV = "DLH_RESULTS_DIR"


def results_dir(profile: str | None = None) -> Path:
    """``results/<profile>/`` under the repository root (or the working directory on Colab).

    ``$DLH_RESULTS_DIR`` replaces ``results/``: ``make run`` points it into ``build/`` so that a
    headless run never overwrites the committed results.
    """
    override = os.environ.get(RESULTS_ENV, "").strip()
    base = Path(override) if override else (repo_root() or Path.cwd()) / "results"
    path = base / active_profile(profile)
    path.mkdir(parents=True, exist_ok=True)
    return path
