"""Finding, downloading and reading data files: the plumbing under every loader.

Where a loader looks, in order:

1. the folder named by ``$DL_HELPERS_DATA`` (files named ``mnist.npz``, ``cifar10.npz``,
   ``fsdd/recordings/*.wav``), for offline copies;
2. the download cache (``$DL_HELPERS_CACHE``, else ``data/`` in the repository, else
   ``~/.cache/dl_helpers``);
3. a download of the canonical source, checked against a pinned sha256, with a progress bar
   (set ``DL_HELPERS_OFFLINE=1`` to skip this step).

When all three fail, a :class:`DatasetUnavailable` error says what to download or which variable
to set. Loaders never fall back to made-up data.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import session
from ..paths import repo_root

DATA_ENV = "DL_HELPERS_DATA"
CACHE_ENV = "DL_HELPERS_CACHE"
OFFLINE_ENV = "DL_HELPERS_OFFLINE"

# sha256 of the offline copies in shared/datasets (built from public mirrors; see data/README.md).
OFFLINE_SHA256 = {
    "mnist.npz": "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    "cifar10.npz": "6603064ae19eda942e9c6bfa53b62275e5880d5d3b8da3fd6db25f7404696b93",
}


class DatasetUnavailable(RuntimeError):
    """The dataset is in none of the places a loader looks, and could not be downloaded."""


class CorruptDataError(ValueError):
    """A data file exists but is truncated, corrupt, or does not hold what it should."""


@dataclass(frozen=True)
class Source:
    """A canonical download: URLs tried in order (mirrors after the first) and the sha256."""

    filename: str
    urls: tuple[str, ...]
    sha256: str


def offline_dir() -> Path | None:
    """The folder named by ``$DL_HELPERS_DATA``, or ``None`` when unset."""
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloads are kept: ``$DL_HELPERS_CACHE``, else ``data/`` in the repo, else ~/.cache.

    Never the offline folder: that is read-only to the loaders.
    """
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    root = repo_root()
    if root is not None:
        return root / "data"
    return Path.home() / ".cache" / "dl_helpers"


def display_path(path: Path) -> str:
    """A path as it may appear in a saved notebook: relative to its root, never absolute."""
    off = offline_dir()
    for base, label in ((off, f"${DATA_ENV}"), (cache_dir(), "cache")):
        if base is not None:
            try:
                return f"{label}/{path.resolve().relative_to(base.resolve())}"
            except ValueError:
                continue
    return path.name


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def unavailable(name: str, what: str, download_error: Exception | None) -> DatasetUnavailable:
    off = offline_dir()
    where = f"${DATA_ENV}={off}" if off else f"${DATA_ENV} is not set"
    if os.environ.get(OFFLINE_ENV):
        tried = f"download skipped (${OFFLINE_ENV} is set)"
    else:
        tried = f"download failed ({type(download_error).__name__}: {download_error})"
    return DatasetUnavailable(
        f"{name} not found: {where}; cache {cache_dir()} has no {what}; {tried}.\n"
        f"Fix: set {DATA_ENV} to a folder holding {what} (for example the offline copies in "
        f"shared/datasets), or run once with internet access so it is downloaded to the cache."
    )


def download(source: Source, folder: Path, verify_sha256: bool = True) -> Path:
    """Download ``source`` into ``folder`` with Keras's ``get_file`` (progress bar, sha256 check).

    Mirrors are tried in order. A failed or mismatched download leaves no file behind.
    ``verify_sha256=False`` is for archives that are not byte-stable (GitHub's); their caller
    checks the contents instead.

    Raises:
        OSError: when no mirror could be downloaded (the last error is chained).
        CorruptDataError: when a download finished but its sha256 does not match.
    """
    if os.environ.get(OFFLINE_ENV):
        raise OSError(f"${OFFLINE_ENV} is set; not downloading {source.filename}")
    import keras

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.filename
    last: Exception | None = None
    for url in source.urls:
        try:
            path = Path(
                keras.utils.get_file(
                    fname=source.filename, origin=url, cache_dir=str(folder), cache_subdir=""
                )
            )
        except Exception as error:  # network errors come in many types
            last = error
            target.unlink(missing_ok=True)
            continue
        digest = sha256_of(path)
        if verify_sha256 and digest != source.sha256:
            path.unlink(missing_ok=True)
            raise CorruptDataError(
                f"{source.filename} downloaded from {url} has sha256 {digest}, expected "
                f"{source.sha256}; the file was deleted"
            )
        return path
    raise OSError(f"could not download {source.filename} from {', '.join(source.urls)}") from last


def find(relpath: str) -> tuple[Path, str] | None:
    """An existing file or folder named ``relpath`` in the offline folder or the cache."""
    off = offline_dir()
    if off is not None:
        candidate = off / relpath
        if candidate.exists():
            return candidate, "offline copy"
    candidate = cache_dir() / relpath
    if candidate.exists():
        return candidate, "download cache"
    return None


def load_npz(path: Path, expected: dict[str, tuple[tuple[int | None, ...], str]]) -> dict:
    """Load ``path`` without pickle and check that each key has the expected shape and dtype."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [k for k in expected if k not in archive.files]
            if missing:
                raise CorruptDataError(
                    f"{path.name} has no {missing}; expected keys {sorted(expected)}"
                )
            arrays = {k: archive[k] for k in archive.files}
    except CorruptDataError:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as error:
        raise CorruptDataError(
            f"{path.name} ({display_path(path)}) is truncated or corrupt ({error}); delete it and "
            "download it again"
        ) from error
    for key, (shape, dtype) in expected.items():
        array = arrays[key]
        ok = array.ndim == len(shape) and all(
            s is None or s == a for s, a in zip(shape, array.shape)
        )
        if not ok or array.dtype != np.dtype(dtype):
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
            raise CorruptDataError(
                f"{path.name}: {key} has shape {array.shape} and dtype {array.dtype}; "
                f"expected {want} {dtype}"
            )
    return arrays


def describe_file(path: Path, origin: str, canonical: str | None = None) -> str:
    digest = sha256_of(path)
    if digest == OFFLINE_SHA256.get(path.name):
        check = "sha256 matches the documented offline copy"
    elif canonical is not None and digest == canonical:
        check = "sha256 matches the canonical download"
    else:
        check = "sha256 not a known release; contents checked"
    return f"{origin} {display_path(path)}, {check}"


def record(name: str, where: str, counts: str) -> None:
    """Note (and print) where dataset ``name`` came from and how many samples it has."""
    session.record_source(name.lower().replace("-", ""), f"{name}: {counts} | from {where}")


def atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
        np.savez_compressed(handle, **arrays)
    os.replace(handle.name, path)


def check_pairs(path: Path, arrays: dict) -> None:
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise CorruptDataError(
                f"{path.name}: x_{split} has {len(arrays[f'x_{split}'])} samples but "
                f"y_{split} has {len(arrays[f'y_{split}'])}"
            )
