"""Shared fixtures: an isolated data environment for every test that touches loaders."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

OFFLINE = os.environ.get("DL_HELPERS_DATA", "")


@pytest.fixture
def isolated_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No offline folder, an empty cache, and mirrors that refuse at once (no network needed)."""
    from dl_helpers import data

    monkeypatch.delenv("DL_HELPERS_DATA", raising=False)
    monkeypatch.delenv("DL_HELPERS_OFFLINE", raising=False)
    monkeypatch.delenv("DL_HELPERS_TRUST_SHA256", raising=False)
    monkeypatch.setenv("DL_HELPERS_CACHE", str(tmp_path / "cache"))
    for module, name in (
        (data.vision, "MNIST_SOURCE"),
        (data.vision, "CIFAR10_SOURCE"),
        (data.speech, "FSDD_SOURCE"),
    ):
        src = getattr(module, name)
        refused = data.Source(src.filename, ("http://127.0.0.1:9/" + src.filename,), src.sha256)
        monkeypatch.setattr(module, name, refused)
    return tmp_path


@pytest.fixture
def offline_dir() -> Path:
    """The real offline copies, when DL_HELPERS_DATA points at them."""
    if not OFFLINE or not Path(OFFLINE, "mnist.npz").exists():
        pytest.skip("DL_HELPERS_DATA is not set to the offline dataset copies")
    return Path(OFFLINE)
