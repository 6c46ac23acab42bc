"""Would installing dl_helpers on Colab change anything Colab ships? Resolve it and see.

Colab's runtime breaks when its own packages are upgraded or downgraded (IPython above all).
This script asks pip to resolve this package with every package Colab ships held at Colab's
version (``tools/colab-pip-freeze.txt``, a copy of Colab's published ``pip freeze``) as
constraints, without installing anything (``pip install --dry-run``). Two resolutions:

1. for this interpreter, every dependency;
2. for Colab's Python (3.13, wheels for Colab's Linux x86-64 only), every dependency that
   ships wheels (pesq is source-only: it is built on Colab; at run time it needs only numpy).

It fails when either resolution fails, which means an install would have to change a package
Colab ships. It prints what would be added (packages Colab does not have).

    python tools/check_colab_install.py

Needs network access to the package index. Exit status 0 when both resolutions succeed.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
PINS = ROOT / "tools" / "colab-pip-freeze.txt"
COLAB_PYTHON = "3.13"
# Colab runs Ubuntu 22.04 (glibc 2.35): every manylinux tag up to 2.35 installs there. pip takes
# --platform literally, so each tag is listed.
COLAB_PLATFORMS = [f"manylinux_2_{minor}_x86_64" for minor in range(35, 4, -1)] + [
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]  # fmt: skip
SOURCE_ONLY = {"pesq"}  # no wheels on PyPI: built from source on install


def _name(req: str) -> str:
    return re.match(r"^([A-Za-z0-9_.\-]+)", req.strip()).group(1).lower().replace("_", "-")


def colab_pins(path: Path = PINS) -> dict[str, str]:
    """``{name: version}`` from a ``pip freeze`` file (comments and URL installs skipped).

    Raises:
        ValueError: when the file holds no ``name==version`` line.
    """
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)$", line.strip())
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    if not pins:
        raise ValueError(f"{path} holds no name==version line; expected a pip freeze")
    return pins


def declared_floors() -> dict[str, str]:
    """``{name: floor}`` of this package's run-time dependencies (``pyproject.toml``)."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    found = (re.match(r"^([A-Za-z0-9_.\-]+)\s*>=\s*([\w.]+)", r) for r in meta["dependencies"])
    return {_name(m.group(1)): m.group(2) for m in found if m}


def _resolve(args: list[str], constraints: Path) -> tuple[bool, dict[str, str], str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
               "--quiet", "--disable-pip-version-check", "--report", str(report),
               "-c", str(constraints), *args]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            return False, {}, (done.stderr or done.stdout).strip()[-3000:]
        items = json.loads(report.read_text())["install"]
        chosen = {_name(i["metadata"]["name"]): i["metadata"]["version"] for i in items}
        return True, chosen, ""


def main() -> int:
    pins = colab_pins()
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wheels = [r.split(";")[0].split("#")[0].strip() for r in meta["dependencies"]
              if _name(r) not in SOURCE_ONLY]  # fmt: skip
    ok_all = True
    with tempfile.TemporaryDirectory() as tmp:
        constraints = Path(tmp) / "colab-constraints.txt"
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in pins.items()))
        passes = [
            (f"Python {sys.version_info.major}.{sys.version_info.minor} (this interpreter), "
             "this package and every dependency", [str(ROOT)]),
            (f"Python {COLAB_PYTHON} wheels, every dependency but {', '.join(SOURCE_ONLY)}",
             ["--python-version", COLAB_PYTHON,
              *(arg for tag in COLAB_PLATFORMS for arg in ("--platform", tag)),
              "--only-binary=:all:", "--target", str(Path(tmp) / "target"), *wheels]),
        ]  # fmt: skip
        for label, args in passes:
            ok, chosen, error = _resolve(args, constraints)
            ok_all &= ok
            if not ok:
                print(f"FAIL {label}: pip cannot resolve with Colab's packages held:\n{error}")
                continue
            changed = {n: (pins[n], v) for n, v in chosen.items() if n in pins and pins[n] != v}
            added = sorted(f"{n} {v}" for n, v in chosen.items() if n not in pins)
            kept = sum(n in pins for n in chosen)
            ok_all &= not changed
            print(
                f"{'FAIL' if changed else 'ok'}   {label}: {kept} of Colab's packages kept "
                f"at their versions, {len(changed)} changed {changed or ''}; added: "
                f"{', '.join(added) or 'nothing'}"
            )
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())
