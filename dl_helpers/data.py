"""Dataset loaders: MNIST, CIFAR-10 and the Free Spoken Digit Dataset (FSDD).

Where a loader looks, in order:

1. the folder named by ``$DL_HELPERS_DATA`` (files named ``mnist.npz``, ``cifar10.npz``,
   ``fsdd/recordings/*.wav``), for offline copies;
2. the download cache (``$DL_HELPERS_CACHE``, else ``data/`` in the repository, else
   ``~/.cache/dl_helpers``);
3. a download of the canonical source, checked against a pinned sha256, with a progress bar
   (set ``DL_HELPERS_OFFLINE=1`` to skip this step).

When all three fail, a :class:`DatasetUnavailable` error says what to download or which variable
to set. Loaders never fall back to made-up data. Every loader prints one line saying where the
data came from and how many samples each split holds; :data:`PROVENANCE` keeps those lines for
the notebooks' results files.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

DATA_ENV = "DL_HELPERS_DATA"
CACHE_ENV = "DL_HELPERS_CACHE"
OFFLINE_ENV = "DL_HELPERS_OFFLINE"

FSDD_SAMPLE_RATE = 8000
FSDD_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)

#: One line per dataset loaded in this process: where it came from and how many samples.
PROVENANCE: dict[str, str] = {}


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


# The URLs Keras's own loaders use (keras.datasets.mnist / cifar10), with the old Keras mirror.
MNIST_SOURCE = Source(
    "mnist.npz",
    (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        "https://s3.amazonaws.com/img-datasets/mnist.npz",
    ),
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
)
CIFAR10_SOURCE = Source(
    "cifar-10-python.tar.gz",
    ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
    "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
)
# GitHub archives of one commit are not byte-stable, so FSDD is checked by content: the sha256
# of the sorted ``sha256sum *.wav`` listing of ``recordings/`` (as documented for the offline copy).
FSDD_COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"
FSDD_SOURCE = Source(
    f"free-spoken-digit-dataset-{FSDD_COMMIT}.zip",
    (f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{FSDD_COMMIT}.zip",),
    "1801eae019c063377d98f831d3f93574f259475df7332bb0e3d1b080fb5e6959",
)

# sha256 of the offline copies in shared/datasets (built from public mirrors; see data/README.md).
OFFLINE_SHA256 = {
    "mnist.npz": "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    "cifar10.npz": "6603064ae19eda942e9c6bfa53b62275e5880d5d3b8da3fd6db25f7404696b93",
}


@dataclass(frozen=True)
class DatasetCard:
    """What a dataset is, where it comes from, and under which terms."""

    name: str
    description: str
    counts: str
    license: str
    citation: str
    homepage: str

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.description}\n  counts: {self.counts}\n  license: {self.license}"
            f"\n  cite: {self.citation}\n  homepage: {self.homepage}"
        )


CARDS: dict[str, DatasetCard] = {
    "mnist": DatasetCard(
        "MNIST",
        "28x28 grayscale handwritten digits 0-9",
        "60,000 train / 10,000 test (official split)",
        "CC BY-SA 3.0 (Yann LeCun and Corinna Cortes)",
        "LeCun, Cortes, Burges. The MNIST database of handwritten digits, 1998.",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    "cifar10": DatasetCard(
        "CIFAR-10",
        "32x32 RGB images in 10 classes",
        "50,000 train / 10,000 test (the offline copy: a 14,910-image stratified train subset)",
        "no license stated; the dataset page asks users to cite the report",
        "Krizhevsky. Learning Multiple Layers of Features from Tiny Images. Tech. report, U. Toronto, 2009.",
        "https://www.cs.toronto.edu/~kriz/cifar.html",
    ),
    "fsdd": DatasetCard(
        "Free Spoken Digit Dataset",
        "spoken digits 0-9, mono 16-bit WAV at 8 kHz",
        "3,000 recordings: 6 speakers x 10 digits x 50 (indices 0-4 are the upstream test set)",
        "CC BY-SA 4.0",
        "Jackson et al. Jakobovski/free-spoken-digit-dataset, GitHub, v1.0.10.",
        "https://github.com/Jakobovski/free-spoken-digit-dataset",
    ),
}


# --------------------------------------------------------------------------- locations


def offline_dir() -> Path | None:
    """The folder named by ``$DL_HELPERS_DATA``, or ``None`` when unset."""
    value = os.environ.get(DATA_ENV, "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloads are kept: ``$DL_HELPERS_CACHE``, else ``data/`` in the repo, else ~/.cache."""
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value).expanduser()
    from .config import repo_root

    root = repo_root()
    if root is not None:
        return root / "data"
    return Path.home() / ".cache" / "dl_helpers"


def _display(path: Path) -> str:
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


def _unavailable(name: str, what: str, download_error: Exception | None) -> DatasetUnavailable:
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
                    fname=source.filename,
                    origin=url,
                    cache_dir=str(folder),
                    cache_subdir="",
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


def _find(relpath: str) -> tuple[Path, str] | None:
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


# --------------------------------------------------------------------------- npz datasets


def _load_npz(path: Path, expected: dict[str, tuple[tuple[int | None, ...], str]]) -> dict:
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
            f"{path.name} ({_display(path)}) is truncated or corrupt ({error}); delete it and "
            "download it again"
        ) from error
    for key, (shape, dtype) in expected.items():
        array = arrays[key]
        ok = array.ndim == len(shape) and all(s is None or s == a for s, a in zip(shape, array.shape))
        if not ok or array.dtype != np.dtype(dtype):
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
            raise CorruptDataError(
                f"{path.name}: {key} has shape {array.shape} and dtype {array.dtype}; "
                f"expected {want} {dtype}"
            )
    return arrays


def _describe_file(path: Path, origin: str, canonical: str | None = None) -> str:
    digest = sha256_of(path)
    if digest == OFFLINE_SHA256.get(path.name):
        check = "sha256 matches the documented offline copy"
    elif canonical is not None and digest == canonical:
        check = "sha256 matches the canonical download"
    else:
        check = "sha256 not a known release; contents checked"
    return f"{origin} {_display(path)}, {check}"


def _record(name: str, where: str, counts: str) -> None:
    line = f"{name}: {counts} | from {where}"
    PROVENANCE[name.lower().replace("-", "")] = line
    print(line)


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28), labels (N,).

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a copy is found but is truncated or holds the wrong arrays.
    """
    expected = {
        "x_train": ((None, 28, 28), "uint8"),
        "y_train": ((None,), "uint8"),
        "x_test": ((None, 28, 28), "uint8"),
        "y_test": ((None,), "uint8"),
    }
    found = _find("mnist.npz")
    if found is None:
        try:
            found = (download(MNIST_SOURCE, cache_dir()), "download")
        except OSError as error:
            raise _unavailable("MNIST", "mnist.npz", error) from error
    path, origin = found
    arrays = _load_npz(path, expected)
    _check_pairs(path, arrays)
    _record(
        "MNIST",
        _describe_file(path, origin, MNIST_SOURCE.sha256),
        f"train {len(arrays['x_train'])}, test {len(arrays['x_test'])}",
    )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_cifar10() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 32, 32, 3), labels (N, 1).

    Class names are :data:`CIFAR10_CLASSES`. The offline copy holds a 14,910-image stratified
    training subset and the full test set; a download gives all 50,000 training images.
    """
    expected = {
        "x_train": ((None, 32, 32, 3), "uint8"),
        "y_train": ((None, 1), "uint8"),
        "x_test": ((None, 32, 32, 3), "uint8"),
        "y_test": ((None, 1), "uint8"),
    }
    found = _find("cifar10.npz")
    if found is None:
        try:
            found = (_download_cifar10(), "download")
        except OSError as error:
            raise _unavailable("CIFAR-10", "cifar10.npz", error) from error
    path, origin = found
    arrays = _load_npz(path, expected)
    _check_pairs(path, arrays)
    _record(
        "CIFAR-10",
        _describe_file(path, origin),
        f"train {len(arrays['x_train'])}, test {len(arrays['x_test'])}",
    )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download_cifar10() -> Path:
    """Download the canonical python archive and convert it once to ``cifar10.npz`` in the cache.

    The archive's batches are Python pickles; they are read only after the archive's sha256 has
    matched the pinned one, and the result is saved as a pickle-free npz.
    """
    import pickle

    archive = download(CIFAR10_SOURCE, cache_dir())
    xs, ys = {"train": [], "test": []}, {"train": [], "test": []}
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            base = Path(member.name).name
            split = "train" if base.startswith("data_batch_") else "test" if base == "test_batch" else None
            if split is None:
                continue
            batch = pickle.load(tar.extractfile(member), encoding="bytes")  # noqa: S301 (verified)
            xs[split].append(batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            ys[split].append(np.asarray(batch[b"labels"], dtype=np.uint8).reshape(-1, 1))
    out = cache_dir() / "cifar10.npz"
    _atomic_savez(
        out,
        x_train=np.concatenate(xs["train"]).astype(np.uint8),
        y_train=np.concatenate(ys["train"]),
        x_test=np.concatenate(xs["test"]).astype(np.uint8),
        y_test=np.concatenate(ys["test"]),
        class_names=np.array(CIFAR10_CLASSES),
    )
    return out


def _atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as handle:
        np.savez_compressed(handle, **arrays)
    os.replace(handle.name, path)


def _check_pairs(path: Path, arrays: dict) -> None:
    for split in ("train", "test"):
        if len(arrays[f"x_{split}"]) != len(arrays[f"y_{split}"]):
            raise CorruptDataError(
                f"{path.name}: x_{split} has {len(arrays[f'x_{split}'])} samples but "
                f"y_{split} has {len(arrays[f'y_{split}'])}"
            )


# --------------------------------------------------------------------------- FSDD


@dataclass
class FSDD:
    """Free Spoken Digit Dataset recordings, one entry per WAV file.

    Attributes:
        audio: float32 waveforms in [-1, 1], one per recording (lengths differ).
        digit: the spoken digit, int array.
        speaker: the speaker's name, str array.
        index: the recording's index 0-49 (0-4 are the upstream test set), int array.
        sr: sample rate in Hz (always 8000).
    """

    audio: list[np.ndarray]
    digit: np.ndarray
    speaker: np.ndarray
    index: np.ndarray
    sr: int = FSDD_SAMPLE_RATE
    names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.audio)

    def subset(self, mask: np.ndarray | Sequence[int]) -> "FSDD":
        """The recordings selected by a boolean mask or an index array."""
        idx = np.flatnonzero(mask) if np.asarray(mask).dtype == bool else np.asarray(mask, int)
        return FSDD(
            [self.audio[i] for i in idx],
            self.digit[idx],
            self.speaker[idx],
            self.index[idx],
            self.sr,
            [self.names[i] for i in idx] if self.names else [],
        )

    @property
    def is_test(self) -> np.ndarray:
        """Upstream's split: recordings with index 0-4 are the test set."""
        return self.index < 5


def fsdd_listing_sha256(folder: Path) -> str:
    """sha256 of the sorted ``sha256sum *.wav`` listing of ``folder`` (FSDD's content checksum)."""
    lines = [f"{sha256_of(p)}  {p.name}\n" for p in sorted(folder.glob("*.wav"), key=lambda p: p.name.encode())]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def read_wav(path: Path, expected_sr: int = FSDD_SAMPLE_RATE) -> np.ndarray:
    """Read a mono WAV as float32, checking its sample rate.

    Raises:
        ValueError: when the file is not mono or not at ``expected_sr`` Hz.
        CorruptDataError: when the file cannot be decoded.
    """
    import soundfile as sf

    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as error:  # soundfile raises LibsndfileError / RuntimeError
        raise CorruptDataError(f"{path.name} is not a readable WAV file ({error})") from error
    if sr != expected_sr:
        raise ValueError(f"{path.name} has sample rate {sr} Hz; expected {expected_sr} Hz")
    if audio.shape[1] != 1:
        raise ValueError(f"{path.name} has {audio.shape[1]} channels; expected mono")
    return audio[:, 0]


def load_fsdd(verify: bool = False) -> FSDD:
    """The Free Spoken Digit Dataset: every ``{digit}_{speaker}_{index}.wav`` of ``recordings/``.

    Args:
        verify: also check the folder's content checksum (about a second for 3,000 files).

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a file is unreadable, misnamed, or the checksum does not match.
        ValueError: when a recording is not mono 8 kHz.
    """
    found = _find("fsdd/recordings")
    if found is None or not any(found[0].glob("*.wav")):
        try:
            found = (_download_fsdd(), "download")
        except OSError as error:
            raise _unavailable("FSDD", "fsdd/recordings/*.wav", error) from error
    folder, origin = found
    note = ""
    if verify or origin == "download":
        digest = fsdd_listing_sha256(folder)
        if digest != FSDD_SOURCE.sha256:
            raise CorruptDataError(
                f"FSDD recordings in {_display(folder)} have content checksum {digest}, expected "
                f"{FSDD_SOURCE.sha256} (upstream commit {FSDD_COMMIT[:10]})"
            )
        note = ", content checksum verified"
    audio, digits, speakers, indices, names = [], [], [], [], []
    for path in sorted(folder.glob("*.wav")):
        parts = path.stem.split("_")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
            raise CorruptDataError(f"{path.name}: expected a name like 3_theo_17.wav")
        audio.append(read_wav(path))
        digits.append(int(parts[0]))
        speakers.append(parts[1])
        indices.append(int(parts[2]))
        names.append(path.name)
    data = FSDD(audio, np.array(digits), np.array(speakers), np.array(indices), FSDD_SAMPLE_RATE, names)
    n_test = int(data.is_test.sum())
    _record(
        "FSDD",
        f"{origin} {_display(folder)}{note}",
        f"{len(data)} recordings, {len(set(speakers))} speakers, {FSDD_SAMPLE_RATE} Hz; "
        f"train (index 5-49) {len(data) - n_test}, test (index 0-4) {n_test}",
    )
    return data


def _download_fsdd() -> Path:
    """Download the pinned FSDD commit, unpack ``recordings/`` into the cache, check its contents."""
    archive = download(FSDD_SOURCE, cache_dir(), verify_sha256=False)
    target = cache_dir() / "fsdd" / "recordings"
    staging = Path(tempfile.mkdtemp(dir=cache_dir()))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if "/recordings/" in member and member.endswith(".wav"):
                    with zf.open(member) as src, open(staging / Path(member).name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        digest = fsdd_listing_sha256(staging)
        if digest != FSDD_SOURCE.sha256:
            raise CorruptDataError(
                f"the downloaded FSDD archive has content checksum {digest}, expected "
                f"{FSDD_SOURCE.sha256}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
        archive.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- subsets


def stratified_indices(
    labels: np.ndarray,
    n_per_class: int,
    seed: int = 0,
    exclude: np.ndarray | Sequence[int] | None = None,
) -> np.ndarray:
    """Indices of ``n_per_class`` samples of every class, drawn with a seeded generator.

    Args:
        labels: class labels, shape (N,) or (N, 1).
        n_per_class: how many samples to take from each class.
        seed: the generator's seed; the same seed gives the same indices.
        exclude: indices that must not be drawn (for example a set already used elsewhere).

    Returns:
        The chosen indices, shuffled (classes interleaved), as an int array.

    Raises:
        ValueError: when ``labels`` is not 1-D (or N x 1), or a class has too few samples.
    """
    y = np.asarray(labels)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"labels must have shape (N,) or (N, 1); got {np.asarray(labels).shape}")
    if n_per_class < 1:
        raise ValueError(f"n_per_class must be >= 1, got {n_per_class}")
    available = np.ones(len(y), dtype=bool)
    if exclude is not None:
        available[np.asarray(exclude, dtype=int)] = False
    rng = np.random.default_rng(seed)
    chosen = []
    for cls in np.unique(y):
        pool = np.flatnonzero((y == cls) & available)
        if len(pool) < n_per_class:
            raise ValueError(
                f"class {cls} has {len(pool)} available samples; {n_per_class} were requested"
            )
        chosen.append(rng.choice(pool, size=n_per_class, replace=False))
    return rng.permutation(np.concatenate(chosen))


def stratified_subset(
    x: np.ndarray, y: np.ndarray, n_per_class: int, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` restricted to :func:`stratified_indices`; ``n_per_class=None`` means all."""
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
    idx = stratified_indices(y, n_per_class, seed)
    return x[idx], y[idx]
