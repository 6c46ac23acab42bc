"""Dataset loaders: MNIST, CIFAR-10 and the Free Spoken Digit Dataset (FSDD).

Notebooks call ``data.load_mnist()``, ``data.load_cifar10()`` and ``data.load_fsdd()``; what they
need is re-exported here. The package has one concern per module:

    cards   - what each dataset is, its licence and citation (``CARDS``), class and speaker names
    fetch   - where files are looked for, downloads with pinned sha256, safe reading and writing
    vision  - MNIST and CIFAR-10
    speech  - FSDD recordings and upstream's train/test rule
    splits  - seeded stratified subsets, validation splits from training data, speaker folds,
              and ``assert_disjoint`` for "unseen" tests

Where a loader looks, in order: ``$DL_HELPERS_DATA`` (offline copies), the download cache, then
a pinned download (see :mod:`dl_helpers.data.fetch`). Every loader prints one line saying where
the data came from and how many samples each split holds; :func:`dl_helpers.session.sources`
keeps those lines for the notebooks' results files.
"""

from .cards import CARDS, CIFAR10_CLASSES, FSDD_SPEAKERS, DatasetCard
from .fetch import (
    CACHE_ENV,
    DATA_ENV,
    OFFLINE_ENV,
    TRUST_ENV,
    CacheWriteError,
    CorruptDataError,
    DatasetUnavailable,
    Source,
    cache_dir,
    download,
    offline_dir,
    sha256_of,
)
from .speech import (
    FSDD,
    FSDD_SAMPLE_RATE,
    FSDD_TEST_INDEX_LIMIT,
    fsdd_listing_sha256,
    is_test_index,
    load_fsdd,
    read_wav,
)
from .splits import (
    MNIST_VALIDATION_SIZE,
    SPLIT_SEED,
    assert_disjoint,
    cifar_split,
    first_per_class,
    mnist_split,
    recording_split,
    speaker_folds,
    speaker_split,
    stratified_indices,
    validation_split,
)
from .vision import load_cifar10, load_mnist

__all__ = [
    "CACHE_ENV",
    "CARDS",
    "CIFAR10_CLASSES",
    "DATA_ENV",
    "FSDD",
    "FSDD_SAMPLE_RATE",
    "FSDD_SPEAKERS",
    "FSDD_TEST_INDEX_LIMIT",
    "OFFLINE_ENV",
    "TRUST_ENV",
    "CacheWriteError",
    "CorruptDataError",
    "DatasetCard",
    "DatasetUnavailable",
    "Source",
    "cache_dir",
    "download",
    "fsdd_listing_sha256",
    "is_test_index",
    "load_cifar10",
    "load_fsdd",
    "load_mnist",
    "offline_dir",
    "read_wav",
    "sha256_of",
    "stratified_indices",
    "MNIST_VALIDATION_SIZE",
    "SPLIT_SEED",
    "assert_disjoint",
    "cifar_split",
    "first_per_class",
    "mnist_split",
    "recording_split",
    "speaker_folds",
    "speaker_split",
    "validation_split",
]
