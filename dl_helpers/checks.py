"""Argument checks shared by every module: a clear error that names the argument and what was
expected, instead of a silent wrong answer or a library's cryptic message. Imports nothing from
the package (the bottom of it, with ``paths``).
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """``value`` as an int when it is a whole number >= ``minimum``; a clear error otherwise.

    Raises:
        ValueError: for a bool, a float, a string, or a number below ``minimum``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def check_finite(value: Any, name: str) -> float:
    """``value`` as a float when it is a finite real number; a clear error otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a finite number; got {value!r}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value}")
    return float(value)


def check_names(value: Sequence[str], name: str, allowed: Iterable[str]) -> list[str]:
    """A non-empty list of names, each one of ``allowed``; a lone string is refused, not split.

    Raises:
        ValueError: for a single string, an empty list, or a name not in ``allowed``.
    """
    allowed = list(allowed)
    if isinstance(value, str):
        raise ValueError(
            f"{name} must be a list of names, e.g. [{value!r}]; got the string {value!r}"
        )
    if len(value) == 0:
        raise ValueError(f"{name} is empty; expected some of {allowed}")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise ValueError(f"{name} has unknown entries {unknown}; expected some of {allowed}")
    return list(value)
