"""Image datasets: MNIST and CIFAR-10 as uint8 arrays, checked on load."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np

from . import fetch
from .cards import CIFAR10_CLASSES

#: Both image datasets have ten classes: labels must be 0-9.
N_CLASSES = 10

# The URLs Keras's own loaders use (keras.datasets.mnist / cifar10), with the old Keras mirror.
MNIST_SOURCE = fetch.Source(
    "mnist.npz",
    (
        "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
        "https://s3.amazonaws.com/img-datasets/mnist.npz",
    ),
    "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
)
CIFAR10_SOURCE = fetch.Source(
    "cifar-10-python.tar.gz",
    ("https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",),
    "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
)


def load_mnist() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as ``(x_train, y_train), (x_test, y_test)``: uint8 images (N, 28, 28), labels (N,).

    Only a file with a known sha256 is read: the canonical download's or the documented offline
    copy's (or one listed in ``$DL_HELPERS_TRUST_SHA256``); see :mod:`dl_helpers.data.fetch`.

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a copy is found but its sha256 is not a known one, or it is
            truncated, holds the wrong arrays, empty splits or labels outside 0-9.
    """
    shapes = {"x": (None, 28, 28), "y": (None,)}
    download = lambda: fetch.download(MNIST_SOURCE, fetch.cache_dir())  # noqa: E731
    return _load_splits("MNIST", "mnist.npz", shapes, download, MNIST_SOURCE.sha256)


def load_cifar10() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """CIFAR-10 as ``(x_train, y_train), (x_test, y_test)``: uint8 (N, 32, 32, 3), labels (N, 1).

    Class names are :data:`CIFAR10_CLASSES`. The offline copy holds a 14,910-image stratified
    training subset and the full test set; a download gives all 50,000 training images.

    Only a file with a known sha256 is read: the documented offline copy's, or a conversion of
    the verified archive whose hash was recorded beside it (``cifar10.npz.sha256.json``), or one
    listed in ``$DL_HELPERS_TRUST_SHA256``; see :mod:`dl_helpers.data.fetch`.

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a copy is found but its sha256 is not a known one, or it is
            truncated, holds the wrong arrays, empty splits, labels outside 0-9 or other class
            names.
        CacheWriteError: when the download worked but writing the converted file failed.
    """
    shapes = {"x": (None, 32, 32, 3), "y": (None, 1)}
    return _load_splits(
        "CIFAR-10",
        "cifar10.npz",
        shapes,
        _download_cifar10,
        None,
        converted_from=CIFAR10_SOURCE,
        class_names=CIFAR10_CLASSES,
    )


def _load_splits(
    name, filename, shapes, download, canonical, converted_from=None, class_names=None
):
    """Find (or download) ``filename``, enforce its sha256, check its arrays, note its origin."""
    expected = {f"{a}_{split}": (shapes[a], "uint8") for split in ("train", "test") for a in "xy"}
    found = fetch.find(filename)
    if found is None:
        try:
            found = (download(), "download")
        except fetch.CacheWriteError:
            raise  # the download worked; writing the cache did not (the message says which)
        except OSError as error:
            raise fetch.unavailable(name, filename, error) from error
    path, origin = found
    where = fetch.describe_file(path, origin, canonical, converted_from)
    arrays = fetch.load_npz(path, expected)
    fetch.check_pairs(path, arrays)
    fetch.check_labels(path, arrays, N_CLASSES)
    if class_names is not None and "class_names" in arrays:
        if arrays["class_names"].tolist() != list(class_names):
            raise fetch.CorruptDataError(
                f"{path.name}: class_names is {arrays['class_names'].tolist()}; expected "
                f"{list(class_names)}"
            )
    fetch.record(name, where, f"train {len(arrays['x_train'])}, test {len(arrays['x_test'])}")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _download_cifar10() -> Path:
    """Download the canonical python archive and convert it once to ``cifar10.npz`` in the cache.

    The archive's batches are Python pickles; they are read only after the archive's sha256 has
    matched the pinned one, and the result is saved as a pickle-free npz. Its sha256 is recorded
    beside it with the archive's (``cifar10.npz.sha256.json``): that record is how the loader
    recognises the converted file later. Both are written atomically; when writing fails
    (disk full, Ctrl-C) neither is left behind and a :class:`~.fetch.CacheWriteError` says that
    the download succeeded and the write did not.
    """
    import pickle

    archive = fetch.download(CIFAR10_SOURCE, fetch.cache_dir())
    xs, ys = {"train": [], "test": []}, {"train": [], "test": []}
    with tarfile.open(archive, "r:gz") as tar:
        for member in sorted(tar.getmembers(), key=lambda m: m.name):
            base = Path(member.name).name
            split = (
                "train"
                if base.startswith("data_batch_")
                else "test"
                if base == "test_batch"
                else None
            )
            if split is None:
                continue
            batch = pickle.load(tar.extractfile(member), encoding="bytes")  # noqa: S301 (verified)
            xs[split].append(batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
            ys[split].append(np.asarray(batch[b"labels"], dtype=np.uint8).reshape(-1, 1))
    if not xs["train"] or not xs["test"]:
        raise fetch.CorruptDataError(
            f"{archive.name} holds no data_batch_* or no test_batch member; expected both"
        )
    out = fetch.cache_dir() / "cifar10.npz"
    try:
        fetch.atomic_savez(
            out,
            x_train=np.concatenate(xs["train"]).astype(np.uint8),
            y_train=np.concatenate(ys["train"]),
            x_test=np.concatenate(xs["test"]).astype(np.uint8),
            y_test=np.concatenate(ys["test"]),
            class_names=np.array(CIFAR10_CLASSES),
        )
        fetch.write_record(out, CIFAR10_SOURCE)
    except BaseException as error:
        out.unlink(missing_ok=True)  # never a converted file without its record
        fetch.record_path(out).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise fetch.CacheWriteError(
                f"the download of {archive.name} succeeded (kept as "
                f"{fetch.display_path(archive)}), but saving the converted CIFAR-10 arrays to "
                f"{fetch.display_path(out)} failed ({error}). Nothing partial was left; free "
                f"space in {fetch.cache_dir()} or set {fetch.CACHE_ENV} to another folder, "
                "then load again"
            ) from error
        raise
    return out
