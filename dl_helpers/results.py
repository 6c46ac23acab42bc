"""Results cells: check a notebook's claims, write ``results/<profile>/<notebook>.json``, read
those files back (another notebook's numbers, ``make run``'s table, the README's table).
"""

from __future__ import annotations

import json
import math
import operator
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from . import config, session
from .evidence import mean_interval
from .paths import repo_root

RESULTS_ENV = "DLH_RESULTS_DIR"

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Claim:
    """One sentence a notebook states, as ``metric op threshold``.

    ``text`` is printed in the checked results cell, so it must read the same in every profile:
    say "reaches the profile's threshold", never the number itself.
    ``reference`` is an outside point of comparison for the README table (the seed's number,
    a published recipe), or empty.

    A metric is one number (one run) or a list of numbers (one per seeded run). With several
    runs the claim is judged on evidence, not on one value:

    * ``compares=False`` (a level, e.g. accuracy >= 0.99): holds when the **mean** over the runs
      passes, and reports the 95% interval of that mean;
    * ``compares=True`` (a paired difference between two arms, e.g. gain >= 0.03): holds only
      when the **lower end** of the 95% interval passes (the upper end, for ``<`` and ``<=``);
    * ``compares=True, shown=False`` (a negative result, e.g. "A is **not shown** to beat B"):
      holds when that same interval end does **not** pass, so the runs fail to establish the
      comparison. It is weaker than claiming the opposite, and says so in its text.

    With one run (the quick profile) every kind is judged on that run's value.
    """

    text: str
    metric: str
    op: str
    threshold: float
    reference: str = ""
    compares: bool = False
    shown: bool = True

    def __post_init__(self) -> None:
        if not self.shown and not self.compares:
            raise ValueError(
                f"claim {self.text!r}: shown=False is for comparisons (compares=True); a level "
                "claim states the opposite level instead"
            )
        if self.op not in OPS:
            raise ValueError(f"unknown comparison {self.op!r}; expected one of {', '.join(OPS)}")
        try:
            float(self.threshold)
        except (TypeError, ValueError):
            raise ValueError(
                f"claim {self.text!r}: threshold must be a number; got {self.threshold!r}"
            ) from None

    def evaluate(self, metrics: Mapping[str, Any]) -> dict[str, Any]:
        """``value`` (the run's value, or the mean), ``n``, ``values``, ``ci95`` and ``holds``.

        Raises:
            KeyError: when ``metrics`` has no entry for this claim's metric.
            ValueError: when the metric is not a number or a list of numbers.
        """
        if self.metric not in metrics:
            raise KeyError(
                f"claim {self.text!r} needs metric {self.metric!r}; metrics are {sorted(metrics)}"
            )
        values = _numbers(metrics[self.metric], f"claim {self.text!r}: metric {self.metric!r}")
        out: dict[str, Any] = {"n": len(values), "values": values}
        if any(math.isnan(v) for v in values):
            return {**out, "value": float("nan"), "holds": False}
        if len(values) == 1:
            value = values[0]
            passes = OPS[self.op](value, float(self.threshold))
            return {**out, "value": value, "holds": passes if self.shown else not passes}
        interval = mean_interval(values)
        judged = interval.estimate
        if self.compares:
            judged = interval.low if self.op in (">", ">=") else interval.high
        passes = OPS[self.op](judged, float(self.threshold))
        return {
            **out,
            "value": interval.estimate,
            "ci95": [interval.low, interval.high],
            "holds": passes if self.shown else not passes,
        }

    def holds(self, metrics: Mapping[str, Any]) -> bool:
        """Whether the claim holds on ``metrics`` (see the class docstring for the rule)."""
        return bool(self.evaluate(metrics)["holds"])


def _numbers(value: Any, name: str) -> list[float]:
    """One number, or a list of numbers, as a list of floats; a clear error for anything else."""
    items = list(value) if isinstance(value, (list, tuple)) or _is_array(value) else [value]
    if not items:
        raise ValueError(f"{name} is an empty list; expected a number or one number per run")
    out = []
    for item in items:
        if isinstance(item, (str, bytes, bool)) or item is None:
            raise ValueError(f"{name} must be a number or a list of numbers; got {value!r}")
        try:
            out.append(float(item))
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must be a number or a list of numbers; got {value!r}"
            ) from None
    return out


def _is_array(value: Any) -> bool:
    return hasattr(value, "ndim") and getattr(value, "ndim", 0) >= 1


def report_claims(
    notebook: str,
    metrics: Mapping[str, Any],
    claims: Sequence[Claim],
    profile: str | None = None,
    data: Mapping[str, str] | None = None,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """Check every claim, write the results file, print one ``claim ... True/False`` line each.

    The printed lines are the results cell's only output (nbval compares them), so raw metric
    values are not printed here: they go into the JSON file, with where the data came from
    (``data``, default: every loader's line in this process), the wall time since the setup cell
    and the library versions. Each claim's entry records ``n`` (runs behind it), ``values``
    (each run's value) and, where ``n > 1``, ``ci95: [low, high]``.
    """
    active = config.active_profile(profile)
    clean = {k: _plain(v) for k, v in metrics.items()}
    checked = []
    for claim in claims:
        result = claim.evaluate(clean)
        checked.append({**asdict(claim), **{k: _plain(v) for k, v in result.items()}})
    wall = session.elapsed_since_setup()
    record = {
        "notebook": notebook,
        "profile": active,
        "data": dict(data) if data is not None else session.sources(),
        "wall_time_s": None if wall is None else round(wall, 1),
        "finished": time.strftime("%Y-%m-%d"),
        "versions": session.library_versions(),
        "metrics": clean,
        "claims": checked,
    }
    folder = out_dir or results_dir(active)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.json").write_text(json.dumps(record, indent=2) + "\n")
    for item in checked:  # one claim per line (wrapped when long)
        print(session.wrapped(f"{item['text']} ... {item['holds']}"))
    return record


def _plain(value: Any) -> Any:
    """JSON-friendly: numpy scalars and arrays to numbers and lists, rounded to 4 decimals."""
    if _is_array(value) or isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return round(value, 4)
    return value


def results_dir(profile: str | None = None) -> Path:
    """``results/<profile>/`` under the repository root (or the working directory on Colab).

    ``$DLH_RESULTS_DIR`` replaces ``results/``: ``make run`` points it into ``build/`` so that a
    headless run never overwrites the committed results.
    """
    override = os.environ.get(RESULTS_ENV, "").strip()
    base = Path(override) if override else (repo_root() or Path.cwd()) / "results"
    path = base / config.active_profile(profile)
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_record(notebook: str, profile: str | None = None) -> dict[str, Any] | None:
    """The results file another notebook wrote in this profile, or ``None`` when it has not run.

    Raises:
        ValueError: when the file exists but is not a results record (no ``metrics``).
    """
    path = results_dir(profile) / f"{notebook}.json"
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    if not isinstance(record, dict) or "metrics" not in record:
        raise ValueError(
            f"{path.name} is not a results record: expected a JSON object with 'metrics'"
        )
    return record


def load_results(
    profile: str, root: Path | None = None, base: Path | None = None
) -> list[dict[str, Any]]:
    """Every ``<base>/<profile>/*.json`` (default base: ``results/``), sorted by notebook name."""
    base = base or (root or repo_root() or Path.cwd()) / "results"
    folder = base / config.active_profile(profile)
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _value_cell(claim: Mapping[str, Any]) -> str:
    """The claim's value, as ``mean ± half-width`` of its 95% interval when it has one."""
    ci = claim.get("ci95")
    if not ci:
        return _fmt(claim.get("value"))
    return f"{_fmt(claim.get('value'))} ± {(ci[1] - ci[0]) / 2:.2g}"


def results_table(records: Sequence[Mapping[str, Any]], markdown: bool = True) -> str:
    """One row per claim: notebook, claim, value (± half-width of its 95% interval), runs,
    threshold, reference, pass, wall time."""
    header = ["notebook", "claim", "value", "n", "threshold", "reference", "holds", "wall time"]
    rows = []
    for record in records:
        wall = record.get("wall_time_s")
        for i, claim in enumerate(record["claims"]):
            rows.append(
                [
                    record["notebook"] if i == 0 else "",
                    claim["text"],
                    _value_cell(claim),
                    str(claim.get("n", 1)),
                    ("" if claim.get("shown", True) else "not shown ")
                    + f"{claim['op']} {_fmt(claim['threshold'])}",
                    claim.get("reference") or "",
                    "pass" if claim["holds"] else "FAIL",
                    (f"{wall / 60:.1f} min" if wall else "-") if i == 0 else "",
                ]
            )
    if not rows:
        return "(no results yet: run the notebooks first)"
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(
        [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
        + [fmt.format(*r) for r in rows]
    )
