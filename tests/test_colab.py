"""Installing dl_helpers on Colab must leave every package Colab ships as it is.

``tools/check_colab_install.py`` resolves the install against Colab's published ``pip freeze``
(``tools/colab-pip-freeze.txt``) with pip's dry run. These tests run it (they need the package
index; skipped, with that reason, when it cannot be reached) and check that it would catch a
floor above Colab's version.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("check_colab", ROOT / "tools/check_colab_install.py")
check = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(check)


def _index_reachable() -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=5):
            return True
    except OSError:
        return False


needs_index = pytest.mark.skipif(
    not _index_reachable(), reason="pypi.org cannot be reached: the Colab resolve check needs it"
)


def test_colab_pins_are_read_from_the_freeze():
    pins = check.colab_pins()
    assert pins["ipython"].startswith("7.") and "tensorflow" in pins and "keras" in pins
    assert len(pins) > 500


def test_colab_pins_refuse_a_file_without_pins(tmp_path):
    empty = tmp_path / "freeze.txt"
    empty.write_text("# nothing\nfoo @ https://example.org/foo.whl\n")
    with pytest.raises(ValueError, match="name==version"):
        check.colab_pins(empty)


def test_our_floors_admit_colabs_versions():
    """Offline half of the check: every declared floor is at or below Colab's version."""
    from packaging.version import Version

    pins = check.colab_pins()
    for name, floor in check.declared_floors().items():
        if name in pins:
            assert Version(floor) <= Version(pins[name]), f"{name}>={floor}; Colab has {pins[name]}"


@needs_index
def test_installing_on_colab_changes_nothing_colab_ships():
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools/check_colab_install.py")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr[-2000:]
    assert done.stdout.count("ok   ") == 2 and "0 changed" in done.stdout


@needs_index
def test_the_check_catches_a_floor_above_colabs(tmp_path):
    """IPython >= 8 (this package's old floor) would upgrade Colab's IPython 7.34."""
    constraints = tmp_path / "c.txt"
    constraints.write_text(f"ipython=={check.colab_pins()['ipython']}\n")
    ok, _, error = check._resolve(["ipython>=8.0"], constraints)
    assert not ok and "ipython" in error.lower()
