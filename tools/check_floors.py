"""Install every declared lower bound exactly, then run the unit tests and one quick notebook.

A floor in ``pyproject.toml`` (``pandas>=2.1``) is a promise that the oldest allowed release
works. This script keeps the promise honest: it creates a fresh virtual environment, installs
``name==floor.*`` (the floor's release line, newest patch) for every dependency (the ``dev``
extra included), installs this package without dependencies, then runs the unit tests and
notebook 01 in the quick profile. Pip may still pick newer versions of packages we do not
declare (TensorFlow's own dependencies, for example).

    python tools/check_floors.py                 # uses a temporary folder
    python tools/check_floors.py --venv /tmp/floors --record tools/floors.md

Exit status 0 when everything passed. Needs network access to PyPI and a C compiler (pesq).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
# the Colab check resolves against Colab's pins, not against the floors
SKIP = ["tests/test_colab.py"]


def floor_pins(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """``name==floor.*`` for every requirement with a ``>=`` bound and no environment marker.

    Raises:
        ValueError: for a requirement without a ``>=`` lower bound.
    """
    meta = tomllib.loads(pyproject.read_text())["project"]
    pins = []
    for req in meta["dependencies"] + meta["optional-dependencies"]["dev"]:
        if ";" in req:  # e.g. tomli on Python < 3.11
            continue
        match = re.match(r"^([A-Za-z0-9_.\-]+)\s*>=\s*([\w.]+)", req)
        if match is None:
            raise ValueError(f"{req!r} has no '>=' lower bound; every dependency needs one")
        # ``==2.16.*``: the floor's release line, newest patch (TensorFlow never released 2.16.0)
        pins.append(f"{match.group(1)}=={match.group(2)}.*")
    return pins


def _run(cmd: list[str], log: list[str], **kwargs) -> bool:
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
    log.append(
        f"$ {' '.join(cmd[:6])}{' ...' if len(cmd) > 6 else ''}  "
        f"-> exit {done.returncode} in {time.perf_counter() - started:.0f} s"
    )
    if done.returncode != 0:
        log.extend("    " + line for line in tail)
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, help="where to create the environment (default: temp)")
    parser.add_argument("--record", type=Path, help="write the result to this markdown file")
    args = parser.parse_args(argv)
    venv = args.venv or Path(tempfile.mkdtemp(prefix="dlh-floors-")) / "venv"
    py = str(venv / "bin" / "python")
    pins = floor_pins()
    log: list[str] = []
    ok = _run([sys.executable, "-m", "venv", "--clear", str(venv)], log)
    ok = ok and _run([py, "-m", "pip", "install", "-q", "--upgrade", "pip"], log)
    ok = ok and _run([py, "-m", "pip", "install", "-q", *pins], log)
    ok = ok and _run([py, "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)], log)
    if ok:
        freeze = subprocess.run([py, "-m", "pip", "freeze"], capture_output=True, text=True)
        log.append(
            "installed: "
            + ", ".join(
                line
                for line in freeze.stdout.splitlines()
                if line.split("==")[0].lower() in {p.split("==")[0].lower() for p in pins}
            )
        )
        ignore = [f"--ignore={path}" for path in SKIP]
        ok = _run(
            [py, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", *ignore], log, cwd=ROOT
        )
        with tempfile.TemporaryDirectory() as out:
            ok = (
                _run(
                    [
                        py,
                        "-m",
                        "dl_helpers.cli",
                        "run",
                        "--profile",
                        "quick",
                        "--only",
                        "01",
                        "--out",
                        out,
                    ],
                    log,
                    cwd=ROOT,
                )
                and ok
            )
    verdict = "PASS" if ok else "FAIL"
    report = [f"floor check: {verdict} (Python {sys.version.split()[0]})", *log]
    # no machine paths in what is printed and recorded
    report = [line.replace(str(venv), "<venv>").replace(sys.executable, "python")
              .replace(str(ROOT), ".") for line in report]  # fmt: skip
    print("\n".join(report))
    if args.record:
        args.record.write_text(
            "# Floor check\n\nLast result of `python tools/check_floors.py` "
            f"({time.strftime('%Y-%m-%d')}):\n\n```\n" + "\n".join(report) + "\n```\n"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
