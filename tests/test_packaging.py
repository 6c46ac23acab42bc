"""pyproject.toml and environment.yml must list the same packages with the same lower bounds."""

from __future__ import annotations

import re
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _norm(req: str) -> tuple[str, str]:
    name, bound = re.match(r"^([A-Za-z0-9_.\-]+)\s*(?:>=\s*([\w.]+))?", req.strip()).groups()
    return name.lower().replace("_", "-"), (bound or "").replace(" ", "")


def test_environment_yml_matches_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # requirements with an environment marker (e.g. tomli on Python < 3.11) do not apply to 3.11
    wanted = dict(
        _norm(r)
        for r in meta["dependencies"] + meta["optional-dependencies"]["dev"]
        if ";" not in r
    )
    lines = (ROOT / "environment.yml").read_text().splitlines()
    pip_start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    listed = dict(
        _norm(line.strip()[2:])
        for line in lines[pip_start + 1 :]
        if line.strip().startswith("- ") and not line.strip().startswith("- -e")
    )
    assert listed == wanted
    assert any("python=3.11" in line for line in lines)


def test_every_dependency_has_a_lower_bound():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for req in meta["dependencies"] + meta["optional-dependencies"]["dev"]:
        assert ">=" in req, f"{req} has no lower bound"
