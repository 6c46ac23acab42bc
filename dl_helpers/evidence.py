"""Evidence from repeated runs: seeds, paired comparisons and 95% intervals.

A claim such as "augmentation beats no augmentation" is a statement about a method, not about
one run. The tools here turn one experiment into several seeded runs and summarise them:

* :func:`derive_seeds` - the seeds of a repeated experiment, derived from the notebook's one seed;
* :func:`run_seeds` - run an experiment function once per seed (each run seeded completely) and
  collect every run's metrics; both arms of a paired comparison run inside the same call, so they
  share the seed, the data order and, where the design allows, the initialisation;
* :func:`mean_interval` - the mean of several runs and its 95% t-interval;
* :func:`paired_difference` - the mean of per-seed differences ``a - b`` and its 95% t-interval;
* :func:`paired_bootstrap` - two fixed models scored on the same test examples: a bootstrap
  interval (``scipy.stats.bootstrap``, resampling examples) of the difference of a metric.

The t-interval of a mean of ``n`` values is ``mean ± t(0.975, n - 1) · s / sqrt(n)``, with ``s``
the sample standard deviation. With ``n = 3`` the multiplier ``t`` is 4.30, so intervals are wide:
pairing removes the variance the two arms share, and more runs narrow it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from . import config

LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    """An estimate (a mean) with a two-sided confidence interval, from ``n`` values."""

    estimate: float
    low: float
    high: float
    n: int
    level: float = LEVEL

    @property
    def half_width(self) -> float:
        """Half the interval's width (the "±" of ``estimate ± half_width``)."""
        return (self.high - self.low) / 2

    def __str__(self) -> str:
        return (
            f"{self.estimate:.4g} (95% CI {self.low:.4g} to {self.high:.4g}, n={self.n})"
            if self.level == LEVEL
            else f"{self.estimate:.4g} ({self.level:.0%} CI {self.low:.4g} to {self.high:.4g})"
        )


def _values(values: Sequence[float], name: str) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a sequence of numbers; got {values!r}") from error
    if array.ndim != 1:
        raise ValueError(f"{name} must be one value per run (1-D); got shape {array.shape}")
    if len(array) < 2:
        raise ValueError(f"{name} needs at least 2 runs for an interval; got {len(array)}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values: {array.tolist()}")
    return array


def _check_level(level: float) -> None:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1 (e.g. 0.95); got {level}")


def mean_interval(values: Sequence[float], level: float = LEVEL) -> Interval:
    """The mean of ``values`` (one per run) with its Student-t confidence interval.

    Raises:
        ValueError: fewer than two values, a non-finite value, or a level outside (0, 1).
    """
    from scipy import stats

    _check_level(level)
    x = _values(values, "values")
    mean = float(x.mean())
    sem = float(x.std(ddof=1) / math.sqrt(len(x)))
    if sem == 0:
        return Interval(mean, mean, mean, len(x), level)
    low, high = stats.t.interval(level, len(x) - 1, loc=mean, scale=sem)
    return Interval(mean, float(low), float(high), len(x), level)


def paired_difference(a: Sequence[float], b: Sequence[float], level: float = LEVEL) -> Interval:
    """Mean and t-interval of the per-run differences ``a[i] - b[i]`` (run ``i`` = seed ``i``).

    Raises:
        ValueError: when ``a`` and ``b`` differ in number of runs, or as :func:`mean_interval`.
    """
    x, y = _values(a, "a"), _values(b, "b")
    if len(x) != len(y):
        raise ValueError(f"paired runs must match one to one; got {len(x)} and {len(y)} values")
    return mean_interval(x - y, level)


def paired_bootstrap(
    y_true: Sequence[Any],
    pred_a: Sequence[Any],
    pred_b: Sequence[Any],
    metric: Callable[[np.ndarray, np.ndarray], float] | None = None,
    *,
    seed: int,
    n_resamples: int = 2000,
    level: float = LEVEL,
) -> Interval:
    """Bootstrap interval of ``metric(y, a) - metric(y, b)`` for two fixed models on one test set.

    Test examples are resampled with replacement, the same examples for both models (a paired
    bootstrap, ``scipy.stats.bootstrap(paired=True)``, percentile method). ``metric`` defaults to
    accuracy. ``seed`` makes the resampling repeatable.

    Raises:
        ValueError: when the three sequences differ in length or hold fewer than 2 examples.
    """
    from scipy import stats

    _check_level(level)
    y, a, b = np.asarray(y_true), np.asarray(pred_a), np.asarray(pred_b)
    if not (len(y) == len(a) == len(b)):
        raise ValueError(
            f"y_true, pred_a and pred_b must hold the same examples; got {len(y)}, {len(a)}, "
            f"{len(b)}"
        )
    if len(y) < 2:
        raise ValueError(f"need at least 2 test examples to resample; got {len(y)}")
    score = metric or (lambda truth, pred: float(np.mean(truth == pred)))

    def difference(truth, first, second):
        return score(truth, first) - score(truth, second)

    result = stats.bootstrap(
        (y, a, b),
        difference,
        paired=True,
        vectorized=False,
        n_resamples=n_resamples,
        confidence_level=level,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    ci = result.confidence_interval
    return Interval(float(difference(y, a, b)), float(ci.low), float(ci.high), len(y), level)


def derive_seeds(seed: int, n: int) -> list[int]:
    """``n`` distinct seeds derived from a notebook's one ``seed`` (NumPy's ``SeedSequence``).

    The same ``seed`` always gives the same list, so changing the setup cell's seed changes
    every run of a repeated experiment, and nothing else needs a literal seed.

    Raises:
        ValueError: for a negative seed or ``n < 1``.
    """
    if not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed!r}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive number of runs; got {n!r}")
    children = np.random.SeedSequence(int(seed)).spawn(int(n))
    return [int(child.generate_state(1)[0] % (2**31 - 1)) for child in children]


def run_seeds(
    experiment: Callable[[int], Mapping[str, float]], seeds: Sequence[int]
) -> dict[str, list[float]]:
    """Run ``experiment(seed)`` once per seed, seeding everything first; collect its metrics.

    ``experiment`` returns a dict of numbers. For a paired comparison it trains and scores both
    arms inside the one call (same seed, same data), and returns both arms' metrics.

    Returns:
        ``{metric: [value of run 1, value of run 2, ...]}`` in the order of ``seeds``.

    Raises:
        ValueError: no seeds, repeated seeds, or runs that return different metric names.
    """
    seeds = list(seeds)
    if not seeds:
        raise ValueError("run_seeds needs at least one seed")
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct (each run is one seed); got {seeds}")
    collected: dict[str, list[float]] = {}
    for k, seed in enumerate(seeds):
        config.seed_everything(int(seed))
        metrics = dict(experiment(int(seed)))
        if k and set(metrics) != set(collected):
            raise ValueError(
                f"run with seed {seed} returned metrics {sorted(metrics)}; "
                f"earlier runs returned {sorted(collected)}"
            )
        for name, value in metrics.items():
            collected.setdefault(name, []).append(float(value))
    return collected


def summary(columns: Mapping[str, Sequence[float]], level: float = LEVEL):
    """A table of repeated-run results: one row per entry, its mean and 95% t-interval.

    ``columns`` maps a name to one value per run (all entries of one experiment share the runs,
    so a difference of two entries, computed per run first, is a paired difference). Columns:
    ``mean``, ``low``, ``high`` (the interval; NaN with a single run, where there is none),
    ``n`` and ``values`` (every run's value).

    Raises:
        ValueError: an empty mapping, an entry without values, or a non-finite value.
    """
    import pandas as pd

    if len(columns) == 0:  # len(), not truth: a DataFrame (one column per entry) is welcome
        raise ValueError("summary needs at least one named list of run values")
    rows = {}
    for name, values in columns.items():
        x = np.asarray(values, dtype=float).ravel()
        if len(x) == 0 or not np.all(np.isfinite(x)):
            raise ValueError(f"{name!r} must hold one finite value per run; got {x.tolist()}")
        if len(x) == 1:
            low = high = float("nan")
        else:
            interval = mean_interval(x, level)
            low, high = interval.low, interval.high
        rows[name] = {"mean": float(x.mean()), "low": low, "high": high, "n": len(x),
                      "values": np.round(x, 4).tolist()}  # fmt: skip
    return pd.DataFrame(rows).T
