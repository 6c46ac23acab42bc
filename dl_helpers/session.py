"""One notebook run: quiet logs, profile, devices and determinism, the libraries and machine it
ran on, its clock and its data.

:func:`setup_notebook` is what a notebook's setup cell calls. What it starts (the clock) and what
the loaders note here (where each dataset came from) is read back by
:func:`dl_helpers.results.report_claims` through :func:`elapsed_since_setup` and :func:`sources`,
so the results file says how long the run took and on what data.
"""

from __future__ import annotations

import os
import platform
import time

from . import config
from .throughput import FIT_LOG_ENV, record_fits

_STATE: dict = {"started": None, "sources": {}, "seed": None}


def quiet_logging(onednn: bool = True) -> None:
    """Notebook-friendly logging: no TF C++ chatter, no absl warnings, no ANSI progress bars.

    Keras progress bars are still available with ``verbose=1``; notebooks train with
    ``verbose=0`` and :class:`dl_helpers.models.EpochLog` (one short line per epoch) so that
    saved outputs stay small and readable.
    """
    # 3 also hides C++ ERROR lines such as TF 2.21's harmless "NodeDef mentions attribute
    # use_unbounded_threadpool" and the INFO line "oneDNN custom operations are on"; Python
    # exceptions are unaffected.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # oneDNN trains the notebooks' CNNs and LSTMs 1.8-2.2x faster on x86 CPUs, and with op
    # determinism two runs are still bit-identical (benchmarks/results.md): on unless a caller
    # passes onednn=False (to reproduce a run made without it). TF_ENABLE_ONEDNN_OPTS set in
    # the environment wins either way; results files record which was used.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1" if onednn else "0")
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


def cpu_model() -> str:
    """The processor's model name (from /proc/cpuinfo on Linux), else what ``platform`` says."""
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def onednn_enabled() -> bool:
    """Whether TensorFlow's oneDNN kernels are on: its default, unless TF_ENABLE_ONEDNN_OPTS=0."""
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1").strip().lower() not in ("0", "false")


def library_versions() -> dict[str, str]:
    """The libraries and machine a run used: versions, CPU model and count, threads, oneDNN, GPUs.

    The one place versions are collected: the setup cell prints them and results files keep them.
    """
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
    versions["cpus"] = str(os.cpu_count())
    versions["cpu"] = cpu_model()
    threads = tf.config.threading.get_intra_op_parallelism_threads()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions["threads"] = str(threads or usable)  # 0 means TensorFlow's default: every usable core
    versions["onednn"] = "on" if onednn_enabled() else "off"
    versions["gpu"] = str(len(tf.config.list_physical_devices("GPU")) or "none")
    return versions


#: the keys of :func:`library_versions` that describe the machine (printed on their own line)
MACHINE_KEYS = ("cpus", "cpu", "threads", "onednn", "gpu")
#: printed lines stay within this many characters: JupyterLab wraps longer ones mid-word
LINE_WIDTH = 100
DETERMINISM_ENV = "DLH_DETERMINISM"
DETERMINISM_MODES = ("auto", "on", "off")
AUTO = "auto"


def choose_profile(name: str | None) -> str:
    """The setup cell's ``PROFILE`` choice: ``"auto"`` (or empty) keeps ``$DLH_PROFILE`` or
    ``standard``; a profile name is written to ``$DLH_PROFILE`` for the rest of the run.

    Raises:
        config.UnknownProfileError: for a name that is not auto, quick, standard or full.
    """
    if name is None or not str(name).strip() or str(name).strip().lower() == AUTO:
        return config.active_profile()
    chosen = config.active_profile(str(name))
    os.environ[config.PROFILE_ENV] = chosen
    return chosen


def determinism_mode(gpus: int, requested: str | None = None) -> bool:
    """Whether TensorFlow's op determinism goes on: ``requested`` or ``$DLH_DETERMINISM``.

    ``auto`` (the default) means on without a GPU and off with one: on a GPU, ops without a
    deterministic kernel raise ``UnimplementedError`` when determinism is on, and a notebook must
    not die for it. ``on`` forces it (reproducible GPU runs, where every op has such a kernel);
    ``off`` turns it off everywhere.

    Raises:
        ValueError: for a mode that is not auto, on or off.
    """
    mode = (requested or os.environ.get(DETERMINISM_ENV) or AUTO).strip().lower()
    if mode not in DETERMINISM_MODES:
        raise ValueError(
            f"determinism mode {mode!r} (argument or ${DETERMINISM_ENV}); "
            f"expected one of {', '.join(DETERMINISM_MODES)}"
        )
    return gpus == 0 if mode == AUTO else mode == "on"


def distribution_strategy(profile: str, devices: list[str] | None = None):
    """``MirroredStrategy`` over ``devices`` (default: every GPU) for the full profile when there
    are two or more of them, else ``None`` (TensorFlow's default, one device).

    The full profile is the only one sized for a GPU; quick and standard stay on one device so
    that their numbers do not depend on how many GPUs a machine has.
    """
    import tensorflow as tf

    if devices is None:
        devices = [d.name.replace("physical_device:", "") for d in
                   tf.config.list_physical_devices("GPU")]  # fmt: skip
    if profile != "full" or len(devices) < 2:
        return None
    return tf.distribute.MirroredStrategy(devices)


def use_strategy(strategy) -> None:
    """Make ``strategy`` the default for every model built and trained from now on (Keras
    models pick up the strategy that is in effect when they are built)."""
    import tensorflow as tf

    tf.distribute.experimental_set_strategy(strategy)


def _on_colab() -> bool:
    import sys

    return "google.colab" in sys.modules


def _explain_unimplemented(shell, etype, value, tb, tb_offset=None):  # pragma: no cover - GPU
    shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    print(
        f"\nThis op has no deterministic GPU kernel. Set {DETERMINISM_ENV}=auto or off "
        f"(os.environ['{DETERMINISM_ENV}'] = 'off' before the setup cell), restart and rerun."
    )


def setup_notebook(
    seed: int = 42, onednn: bool = True, profile: str | None = None,
    determinism: str | None = None,
) -> dict[str, str]:  # fmt: skip
    """Everything a notebook's setup cell does: quiet logs, profile, seed, start the clock,
    device and determinism, print versions.

    ``profile``: the setup cell's ``PROFILE`` field (see :func:`choose_profile`). ``onednn=False``
    keeps TensorFlow's oneDNN kernels off for this run (see :func:`quiet_logging`); call before
    TensorFlow is imported. ``determinism``: see :func:`determinism_mode`. With two or more GPUs
    the full profile trains under :func:`distribution_strategy`.

    Returns the versions it printed (also kept in the results file).
    """
    _STATE["started"] = time.perf_counter()
    _STATE["seed"] = seed
    chosen = choose_profile(profile)
    quiet_logging(onednn)
    import tensorflow as tf

    gpus = len(tf.config.list_physical_devices("GPU"))
    deterministic = determinism_mode(gpus, determinism)
    config.seed_everything(seed, deterministic=deterministic)
    if os.environ.get(FIT_LOG_ENV):  # set by benchmarks/run.py only
        record_fits(os.environ[FIT_LOG_ENV])
    strategy = distribution_strategy(chosen)
    if strategy is not None:
        use_strategy(strategy)
    versions = library_versions()
    print(" | ".join(f"{k} {v}" for k, v in versions.items() if k not in MACHINE_KEYS))
    print(" | ".join(f"{k} {v}" for k, v in versions.items() if k in MACHINE_KEYS))
    devices = f"MirroredStrategy over {gpus} GPUs" if strategy is not None else "one device"
    mode = "on (same seed, same numbers on this machine)" if deterministic else "off"
    print(f"profile: {chosen} | seed: {seed} | {devices} | op determinism: {mode}")
    if deterministic and gpus:
        _hint_on_unimplemented()
    if not gpus and _on_colab():
        print("No GPU: on Colab choose Runtime > Change runtime type > a GPU, then rerun.")
    return versions


def _hint_on_unimplemented() -> None:  # pragma: no cover - GPU only
    try:
        import tensorflow as tf
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.set_custom_exc((tf.errors.UnimplementedError,), _explain_unimplemented)
    except ImportError:
        pass


def notebook_seed() -> int:
    """The seed the setup cell gave :func:`setup_notebook`: every other seed derives from it.

    Raises:
        RuntimeError: when :func:`setup_notebook` has not run in this process.
    """
    if _STATE["seed"] is None:
        raise RuntimeError("setup_notebook(seed=...) has not run; call it in the setup cell first")
    return int(_STATE["seed"])


def elapsed_since_setup() -> float | None:
    """Seconds since :func:`setup_notebook` ran in this process, or ``None``."""
    started = _STATE["started"]
    return None if started is None else time.perf_counter() - started


def wrapped(line: str, width: int = LINE_WIDTH, break_on_hyphens: bool = True) -> str:
    """``line`` broken into lines of at most ``width`` characters (at spaces, and after hyphens
    unless ``break_on_hyphens=False``), continuation lines indented: what notebooks print, so
    that JupyterLab never breaks a line inside a number."""
    import textwrap

    return textwrap.fill(line, width, subsequent_indent="    ", break_on_hyphens=break_on_hyphens)


def record_source(dataset: str, line: str) -> None:
    """Note where ``dataset`` came from (a loader calls this once per load) and print the line."""
    _STATE["sources"][dataset] = line
    print(wrapped(line, break_on_hyphens=False))  # keeps file names whole


def sources() -> dict[str, str]:
    """Where each dataset loaded in this process came from, one line each (a copy)."""
    return dict(_STATE["sources"])
