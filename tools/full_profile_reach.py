"""How far does each notebook's full profile get on this machine, cell by cell?

The full profile is sized for a GPU. On a CPU this executes every notebook with
``DLH_PROFILE=full`` and a per-cell time limit, and reports the cell where it stopped: the first
cell that ran past the limit (on a CPU, usually the first training cell) or raised an error.

    python tools/full_profile_reach.py --limit 60 --only 02 03 --record tools/full_profile.md
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dl_helpers import cli  # noqa: E402


def reach(path: Path, limit: int) -> str:
    """Run ``path`` with the full profile until a cell passes ``limit`` seconds or fails."""
    import os

    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)
    os.environ["DLH_PROFILE"] = "full"
    client = cli.client(nb, path, limit)
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = time.perf_counter()
    with client.setup_kernel():
        for n, index in enumerate(code, 1):
            cell = nb.cells[index]
            first = cell.source.strip().splitlines()[0][:70] if cell.source.strip() else ""
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                return f"code cell {n}/{len(code)} ran past {limit} s: `{first}`"
            except CellExecutionError as error:
                last = re.sub(r"\x1b\[[0-9;]*m", "", str(error).strip().splitlines()[-1])
                return f"code cell {n}/{len(code)} raised: `{first}` -> {last}"
    return f"ran to the end in {time.perf_counter() - started:.0f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60, help="seconds per cell (default 60)")
    parser.add_argument("--only", nargs="*", help="notebook numbers, e.g. 02 03")
    parser.add_argument("--record", type=Path, help="write the table to this markdown file")
    args = parser.parse_args(argv)
    rows = []
    for path in cli.notebooks(ROOT, args.only):
        rows.append(f"| {path.stem} | {reach(path, args.limit)} |")
        print(rows[-1], flush=True)
    table = "| notebook | full profile on this machine |\n| --- | --- |\n" + "\n".join(rows)
    if args.record:
        args.record.write_text(
            f"# Full profile, cell by cell on a CPU\n\n`python tools/full_profile_reach.py "
            f"--limit {args.limit}` ({time.strftime('%Y-%m-%d')}, {cli_machine()}):\n\n"
            f"{table}\n")  # fmt: skip
    return 0


def cli_machine() -> str:
    import os

    from dl_helpers import session

    return f"{os.cpu_count()} CPU cores ({session.cpu_model()}), no GPU"


if __name__ == "__main__":
    sys.exit(main())
