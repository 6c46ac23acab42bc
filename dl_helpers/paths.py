"""Where the repository is. The bottom of the package: imports nothing from it."""

from __future__ import annotations

from pathlib import Path


def repo_root(start: Path | None = None) -> Path | None:
    """The repository root (the folder holding ``pyproject.toml`` and ``dl_helpers/``), if any.

    Searched upwards from ``start`` (default: the working directory), then from this package's
    own folder (an editable install). ``None`` on Colab-style installs from a wheel.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "dl_helpers").is_dir():
            return folder
    package_parent = Path(__file__).resolve().parent.parent
    if (package_parent / "pyproject.toml").is_file():
        return package_parent
    return None
