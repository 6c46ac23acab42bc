"""Images as sequences: cutting a square image into patches read row by row, and back."""

from __future__ import annotations

import numpy as np


def to_patches(images: np.ndarray, patch: int = 7) -> np.ndarray:
    """(N, S, S) images -> (N, (S/patch)^2, patch*patch) sequences, patches read row by row.

    With MNIST (S = 28) and ``patch=7`` this is the seed project's scheme: 16 patches of 7x7,
    patch 0 top-left, patch 3 top-right, patch 15 bottom-right. (Reading rows of pixels instead
    needs no helper: an (N, 28, 28) array already is 28 steps of 28 pixels.)

    Raises:
        ValueError: when images are not square (N, S, S) or S is not a multiple of ``patch``.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must be square (N, S, S); got shape {images.shape}")
    n, size, _ = images.shape
    if size % patch:
        raise ValueError(f"image size {size} is not a multiple of patch size {patch}")
    k = size // patch
    return _swap_middle_axes(images, (n, k, patch, k, patch), (n, k * k, patch * patch))


def from_patches(sequences: np.ndarray, patch: int = 7) -> np.ndarray:
    """Inverse of :func:`to_patches`: (N, K*K, patch*patch) -> (N, K*patch, K*patch)."""
    sequences = np.asarray(sequences)
    if sequences.ndim != 3 or sequences.shape[2] != patch * patch:
        raise ValueError(
            f"sequences must be (N, steps, {patch * patch}); got shape {sequences.shape}"
        )
    n, steps, _ = sequences.shape
    k = int(round(np.sqrt(steps)))
    if k * k != steps:
        raise ValueError(f"{steps} patches do not tile a square image")
    return _swap_middle_axes(sequences, (n, k, k, patch, patch), (n, k * patch, k * patch))


def binarise(images: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """uint8 (0-255) or float (0-1) images -> float32 0/1 pixels (1 where ink > threshold)."""
    images = np.asarray(images)
    scaled = images / 255.0 if images.dtype == np.uint8 else images
    return (scaled > threshold).astype("float32")


def _swap_middle_axes(x: np.ndarray, shape: tuple[int, ...], out: tuple[int, ...]) -> np.ndarray:
    """Reshape to five axes, swap the middle two (patch rows <-> pixel rows), reshape to ``out``."""
    return x.reshape(shape).transpose(0, 1, 3, 2, 4).reshape(out)
