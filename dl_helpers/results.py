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
    """

    text: str
    metric: str
    op: str
    threshold: float
    reference: str = ""

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"unknown comparison {self.op!r}; expected one of {', '.join(OPS)}")

    def holds(self, metrics: Mapping[str, float]) -> bool:
        if self.metric not in metrics:
            raise KeyError(
                f"claim {self.text!r} needs metric {self.metric!r}; metrics are {sorted(metrics)}"
            )
        value = float(metrics[self.metric])
        return not math.isnan(value) and OPS[self.op](value, float(self.threshold))


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
    and the library versions.
    """
    active = config.active_profile(profile)
    clean = {k: _plain(v) for k, v in metrics.items()}
    checked = []
    for claim in claims:
        checked.append(
            {**asdict(claim), "value": clean.get(claim.metric), "holds": claim.holds(clean)}
        )
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
    for item in checked:
        print(f"{item['text']} ... {item['holds']}")
    return record


def _plain(value: Any) -> Any:
    """JSON-friendly: numpy scalars to Python numbers, rounded to 4 significant decimals."""
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


def results_table(records: Sequence[Mapping[str, Any]], markdown: bool = True) -> str:
    """One row per claim: notebook, claim, metric value, threshold, reference, pass, wall time."""
    header = ["notebook", "claim", "value", "threshold", "reference", "holds", "wall time"]
    rows = []
    for record in records:
        wall = record.get("wall_time_s")
        for i, claim in enumerate(record["claims"]):
            rows.append(
                [
                    record["notebook"] if i == 0 else "",
                    claim["text"],
                    _fmt(claim.get("value")),
                    f"{claim['op']} {_fmt(claim['threshold'])}",
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
