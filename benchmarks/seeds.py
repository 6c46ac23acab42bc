"""Seed robustness: a notebook's standard profile run again at other seeds.

    python benchmarks/run.py --seeds 7 123 --only 03

For each notebook and seed, a scratch copy of the notebook with the seed in its setup cell
changed (``setup_notebook(seed=...)``) is executed headless in ``build/bench/seeds/<seed>/``; its
results file goes there too, never over the committed one. The committed seed's values are read
from ``results/standard/``. The section of ``results.md`` gets one table per notebook: each
claim's value per seed and whether it held at every seed.

A notebook that re-seeds with literal seeds (``seed_everything(0)``, ``seed=3``) is only partly
moved by its setup seed; the table says how many such literals the notebook has, so that a
claim that "held at three seeds" is read for what it is.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Seed robustness (standard profile)"
SETUP_SEED = re.compile(r"setup_notebook\(seed=(\d+)")
LITERAL_RESEED = re.compile(r"seed_everything\(\s*\d+\s*\)|\bseed\s*=\s*\d+")


def _code(nb: dict) -> str:
    return "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")


def _same_program(a: str, b: str) -> bool:
    """Whether two notebooks' code is the same program: comments and layout aside."""
    import ast

    try:
        return ast.dump(ast.parse(a)) == ast.dump(ast.parse(b))
    except SyntaxError:  # IPython magics: compare the text
        return a == b


def committed_seed(path: Path) -> int:
    """The seed in a notebook's setup cell."""
    match = SETUP_SEED.search(_code(json.loads(path.read_text())))
    if match is None:
        raise ValueError(f"{path.name}: no setup_notebook(seed=N) in its code")
    return int(match.group(1))


def literal_reseeds(path: Path) -> int:
    """How many literal seeds the notebook's code holds besides the setup cell's."""
    return len(LITERAL_RESEED.findall(_code(json.loads(path.read_text())))) - 1


def run_at_seed(path: Path, seed: int, reuse: bool = False) -> dict:
    """Execute a copy of ``path`` with its setup seed replaced; return its results record.

    With ``reuse``, the results of an earlier run at this seed are returned instead, when that
    run's copy of the notebook has the same code (prose, comments and layout edits since do not
    count).
    """
    from dl_helpers import cli

    folder = ROOT / "build" / "bench" / "seeds" / str(seed)
    result = folder / "results" / "standard" / f"{path.stem}.json"
    copy = folder / path.name
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        text = "".join(cell["source"])
        if cell["cell_type"] == "code" and SETUP_SEED.search(text):
            cell["source"] = SETUP_SEED.sub(f"setup_notebook(seed={seed}", text)
    if reuse and result.exists() and copy.exists():
        if _same_program(_code(json.loads(copy.read_text())), _code(nb)):
            print(f"{path.stem} seed {seed}: reusing {result.relative_to(ROOT)} (same code)")
            return json.loads(result.read_text())
    folder.mkdir(parents=True, exist_ok=True)
    result.unlink(missing_ok=True)  # a failed run must not leave an older run's results
    copy.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    os.environ["DLH_RESULTS_DIR"] = str(folder / "results")
    ok, seconds, message = cli.execute(copy, copy, "standard")
    print(
        f"{path.stem} seed {seed}: {'ok' if ok else 'FAILED ' + message} ({seconds / 60:.1f} min)"
    )
    return json.loads(result.read_text()) if result.exists() else {"claims": [], "failed": message}


def table(path: Path, seeds: list[int], reuse: bool = False) -> list[str]:
    """The notebook's subsection: one row per claim, one column per seed, and all-seeds verdict."""
    base = committed_seed(path)
    committed = json.loads((ROOT / "results" / "standard" / f"{path.stem}.json").read_text())
    records = {base: committed, **{s: run_at_seed(path, s, reuse) for s in seeds if s != base}}
    order = [base] + [s for s in seeds if s != base]
    header = " | ".join(f"seed {s}{' (committed)' if s == base else ''}" for s in order)
    lines = [
        f"### {path.stem}",
        "",
        f"Literal seeds besides the setup cell's: {literal_reseeds(path)} "
        "(each fixes part of the experiment whatever the setup seed is).",
        "",
        f"| claim | {header} | held at every seed |",
        "|" + " --- |" * (len(order) + 2),
    ]
    values = [[c["value"] for c in records[s].get("claims", [])] for s in order]
    if len(order) > 1 and all(v == values[0] for v in values[1:]):
        lines[3:3] = [
            "",
            "Every claim's value is identical at every seed: the setup seed does not reach this "
            "notebook's experiment (its literal seeds fix it), so this table is no evidence of "
            "robustness yet; the notebook's rework moves it to the one-seed rule.",
        ]
    for k, claim in enumerate(committed["claims"]):
        cells, held = [], True
        for s in order:
            claims = records[s].get("claims", [])
            found = claims[k] if k < len(claims) else None
            if found is None:
                cells.append("not run")
                held = False
                continue
            cells.append(f"{found['value']:.4g} {'pass' if found['holds'] else 'FAIL'}")
            held = held and bool(found["holds"])
        lines.append(
            f"| {claim['text']} ({'' if claim.get('shown', True) else 'not shown '}"
            f"{claim['op']} {claim['threshold']:g}) | {' | '.join(cells)} | "
            f"{'yes' if held else 'NO'} |"
        )
    return [*lines, ""]


def section(
    paths: list[Path], seeds: list[int], previous: list[str], reuse: bool = False
) -> list[str]:
    """The whole section: these notebooks' tables, and earlier tables of the others kept."""
    from sections import split_sections

    _, kept = split_sections("\n".join(previous[1:]), level="### ")
    for path in paths:
        kept[path.stem] = table(path, seeds, reuse)
    lines = [
        "",
        "Each notebook's standard profile at other setup seeds (`make bench "
        'BENCH_ARGS="--seeds 7 123 --only 03"`), beside the committed run. Values are the '
        "claims' values (the mean, for claims over several runs).",
        "",
    ]
    for name in sorted(kept):
        lines += kept[name]
    return lines
