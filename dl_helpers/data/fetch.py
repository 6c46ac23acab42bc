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

Integrity rule (what a loader accepts): an ``.npz`` dataset file is read only when its sha256 is
known: the canonical download's pinned hash, the documented offline copy's hash
(:data:`OFFLINE_SHA256`), or, for a file converted from a verified download (``cifar10.npz``),
the hash recorded beside it at conversion (``cifar10.npz.sha256.json``, which also names the
verified archive). Anything else is refused with a :class:`CorruptDataError` that names the file
and its hash. A copy of your own is accepted only when you vouch for its exact hash in
``$DL_HELPERS_TRUST_SHA256`` (comma-separated hashes). Whatever its origin, every file's contents
are then checked (keys, shapes, dtypes, label range, sample counts). Every file a loader writes
is written to a temporary name and renamed into place; after any failure, Ctrl-C included, no
temporary or partial file is left behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import session
from ..paths import repo_root

DATA_ENV = "DL_HELPERS_DATA"
CACHE_ENV = "DL_HELPERS_CACHE"
OFFLINE_ENV = "DL_HELPERS_OFFLINE"
TRUST_ENV = "DL_HELPERS_TRUST_SHA256"
#: Suffix of the record written beside a file converted from a verified download.
RECORD_SUFFIX = ".sha256.json"

# sha256 of the offline copies in shared/datasets (built from public mirrors; see data/README.md).
OFFLINE_SHA256 = {
    "mnist.npz": "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    "cifar10.npz": "6603064ae19eda942e9c6bfa53b62275e5880d5d3b8da3fd6db25f7404696b93",
}


class DatasetUnavailable(RuntimeError):
    """The dataset is in none of the places a loader looks, and could not be downloaded."""


class CorruptDataError(ValueError):
    """A data file exists but is truncated, corrupt, or does not hold what it should."""


class CacheWriteError(OSError):
    """Writing a file into the cache failed (disk full, no permission); nothing was left behind.

    Distinct from a failed download, so that the message names the step that really failed.
    """


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

    Mirrors are tried in order. A failed, interrupted (Ctrl-C) or mismatched download leaves no
    file behind. ``verify_sha256=False`` is for archives that are not byte-stable (GitHub's);
    their caller checks the contents instead.

    Raises:
        OSError: when no mirror could be downloaded (the message and the chain hold the last
            error).
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
        except BaseException:  # Ctrl-C: no partial download stays behind
            target.unlink(missing_ok=True)
            raise
        try:
            digest = sha256_of(path)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        if verify_sha256 and digest != source.sha256:
            path.unlink(missing_ok=True)
            raise CorruptDataError(
                f"{source.filename} downloaded from {url} has sha256 {digest}, expected "
                f"{source.sha256}; the file was deleted"
            )
        return path
    raise OSError(
        f"could not download {source.filename} from {', '.join(source.urls)} "
        f"(last error: {type(last).__name__}: {last})"
    ) from last


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
    """Load ``path`` without pickle and check that each key has the expected shape and dtype.

    Raises:
        CorruptDataError: naming the file, when it is not an ``.npz`` archive (for example a
            single ``.npy`` array), is truncated or damaged, holds pickled objects, lacks a key,
            or a key has the wrong shape or dtype.
    """
    where = f"{path.name} ({display_path(path)})"
    try:
        loaded = np.load(path, allow_pickle=False)
    except ValueError as error:  # a pickle, or bytes numpy cannot read at all
        raise CorruptDataError(
            f"{where} is not an .npz archive of arrays ({error}); expected the keys "
            f"{sorted(expected)}; delete it and download it again"
        ) from error
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise CorruptDataError(
            f"{where} is truncated or corrupt ({type(error).__name__}: {error}); delete it and "
            "download it again"
        ) from error
    if not isinstance(loaded, np.lib.npyio.NpzFile):
        raise CorruptDataError(
            f"{where} is a single .npy array of shape {getattr(loaded, 'shape', '?')}, not an "
            f".npz archive; expected an .npz archive with keys {sorted(expected)}"
        )
    try:
        with loaded as archive:
            missing = [k for k in expected if k not in archive.files]
            if missing:
                raise CorruptDataError(
                    f"{path.name} has no {missing}; expected keys {sorted(expected)}"
                )
            arrays = {k: archive[k] for k in archive.files}
    except CorruptDataError:
        raise
    except ValueError as error:
        if "pickle" in str(error):
            raise CorruptDataError(
                f"{where} holds pickled Python objects ({error}); expected plain arrays "
                f"{sorted(expected)} (pickles are never loaded)"
            ) from error
        raise CorruptDataError(
            f"{where} is truncated or corrupt ({error}); delete it and download it again"
        ) from error
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError) as error:
        raise CorruptDataError(
            f"{where} is truncated or corrupt ({type(error).__name__}: {error}); delete it and "
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


def trusted_sha256() -> set[str]:
    """The hashes a user vouches for in ``$DL_HELPERS_TRUST_SHA256`` (comma or space separated).

    Raises:
        ValueError: when an entry is not a 64-digit hex sha256.
    """
    entries = [e.lower() for e in re.split(r"[,\s]+", os.environ.get(TRUST_ENV, "")) if e]
    bad = [e for e in entries if not re.fullmatch(r"[0-9a-f]{64}", e)]
    if bad:
        raise ValueError(
            f"${TRUST_ENV} holds {bad}; expected sha256 hashes (64 hex digits), comma-separated"
        )
    return set(entries)


def record_path(path: Path) -> Path:
    """Where the conversion record of ``path`` lives: ``<name>.sha256.json`` beside it."""
    return path.with_name(path.name + RECORD_SUFFIX)


def write_record(path: Path, converted_from: Source) -> None:
    """Record ``path``'s sha256 and the verified archive it was converted from, beside it."""
    text = json.dumps(
        {
            "file": path.name,
            "sha256": sha256_of(path),
            "converted_from": converted_from.filename,
            "archive_sha256": converted_from.sha256,
        },
        indent=1,
    )
    atomic_write_text(record_path(path), text + "\n")


def _recorded_sha256(path: Path, converted_from: Source | None) -> str | None:
    """The sha256 recorded at conversion for ``path``, if its record names the pinned archive."""
    record = record_path(path)
    if converted_from is None or not record.is_file():
        return None
    try:
        data = json.loads(record.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("archive_sha256") != converted_from.sha256:
        return None
    return data.get("sha256") if data.get("file") == path.name else None


def check_known(
    path: Path,
    canonical: str | None = None,
    converted_from: Source | None = None,
    digest: str | None = None,
) -> str:
    """Enforce the integrity rule for ``path``; returns how the file was recognised.

    Accepted: the documented offline copy's sha256 (:data:`OFFLINE_SHA256`), the ``canonical``
    download's, the hash recorded beside a file converted from the verified ``converted_from``
    archive, or a hash listed in ``$DL_HELPERS_TRUST_SHA256``.

    Raises:
        CorruptDataError: naming the file, its sha256 and how to proceed, for any other file.
    """
    digest = digest or sha256_of(path)
    if digest == OFFLINE_SHA256.get(path.name):
        return "sha256 matches the documented offline copy"
    if canonical is not None and digest == canonical:
        return "sha256 matches the canonical download"
    recorded = _recorded_sha256(path, converted_from)
    if recorded is not None and digest == recorded:
        return f"sha256 matches its conversion record from the verified {converted_from.filename}"
    if digest in trusted_sha256():
        return f"sha256 listed in ${TRUST_ENV} (a copy of your own); contents checked"
    known = []
    if canonical is not None:
        known.append(f"canonical download {canonical}")
    if path.name in OFFLINE_SHA256:
        known.append(f"documented offline copy {OFFLINE_SHA256[path.name]}")
    if converted_from is not None:
        state = (
            "does not match it"
            if recorded is not None
            else "is missing, unreadable or names another archive"
        )
        known.append(
            f"a conversion of the verified {converted_from.filename} with its record "
            f"{record_path(path).name} beside it (that record {state})"
        )
    hint = (
        f"delete it (and {record_path(path).name}, if any) so that it is downloaded again"
        if converted_from is not None
        else "delete it so that the canonical file is downloaded again"
    )
    raise CorruptDataError(
        f"{path.name} ({display_path(path)}) has sha256 {digest}, which is not a known copy; "
        f"expected {'; or '.join(known)}. It may be damaged, tampered with or built by someone "
        f"else, so it was not loaded. Fix: {hint}, or set {DATA_ENV} to the documented "
        f"offline copies; if it is your own copy and you vouch for it, set "
        f"{TRUST_ENV}={digest} (its contents are still checked)."
    )


def describe_file(
    path: Path,
    origin: str,
    canonical: str | None = None,
    converted_from: Source | None = None,
    digest: str | None = None,
) -> str:
    """Where ``path`` came from and how it was recognised; refuses an unknown file.

    Raises:
        CorruptDataError: see :func:`check_known`.
    """
    check = check_known(path, canonical, converted_from, digest)
    return f"{origin} {display_path(path)}, {check}"


def record(name: str, where: str, counts: str) -> None:
    """Note (and print) where dataset ``name`` came from and how many samples it has."""
    session.record_source(name.lower().replace("-", ""), f"{name}: {counts} | from {where}")


def _atomic_write(path: Path, suffix: str, write) -> None:
    """Write ``path`` through a temporary file in its folder, renamed into place at the end.

    Any failure, ``KeyboardInterrupt`` included, removes the temporary file; an ``OSError``
    (disk full, no permission) becomes a :class:`CacheWriteError` naming the file.
    """
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=path.parent, suffix=suffix, delete=False)
        tmp = Path(handle.name)
        with handle:
            write(handle)
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if isinstance(error, OSError) and not isinstance(error, CacheWriteError):
            raise CacheWriteError(
                f"writing {display_path(path)} failed ({type(error).__name__}: {error}); "
                f"no partial file was left in {path.parent}"
            ) from error
        raise


def atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    """``np.savez_compressed`` to ``path`` atomically: all of it, or nothing and no temp file.

    Raises:
        CacheWriteError: when writing fails (disk full, no permission); nothing is left behind.
    """
    _atomic_write(path, ".npz", lambda handle: np.savez_compressed(handle, **arrays))


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_savez`)."""
    _atomic_write(path, ".tmp", lambda handle: handle.write(text.encode()))


def check_pairs(path: Path, arrays: dict) -> None:
    """Each split has as many labels as images, and at least one sample."""
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise CorruptDataError(
                f"{path.name}: x_{split} has {len(arrays[f'x_{split}'])} samples but "
                f"y_{split} has {len(arrays[f'y_{split}'])}"
            )
        if len(arrays[f"x_{split}"]) == 0:
            raise CorruptDataError(f"{path.name}: x_{split} is empty; expected at least 1 sample")


def check_labels(path: Path, arrays: dict, n_classes: int) -> None:
    """Every label of both splits is a class index 0 to ``n_classes - 1``."""
    for split in ("train", "test"):
        y = arrays[f"y_{split}"]
        if y.size and int(y.max()) >= n_classes:
            bad = np.flatnonzero(y.reshape(len(y), -1).max(axis=1) >= n_classes)
            raise CorruptDataError(
                f"{path.name}: y_{split} holds label {int(y.max())} ({len(bad)} labels out of "
                f"range, first at index {bad[0]}); expected class indices 0-{n_classes - 1}"
            )
