"""Images as sequences: cutting a square image into patches read row by row, and back."""

from __future__ import annotations

import numpy as np


def to_patches(images: np.ndarray, patch: int = 7) -> np.ndarray:
    """(N, S, S) images -> (N, (S/patch)^2, patch*patch) sequences, patches read row by row.

    With MNIST (S = 28) and ``patch=7`` this is the seed project's scheme: 16 patches of 7x7,
    patch 0 top-left, patch 3 top-right, patch 15 bottom-right. (Reading rows of pixels instead
    needs no helper: an (N, 28, 28) array already is 28 steps of 28 pixels.)

    Raises:
        ValueError: when images are not square (N, S, S), ``patch`` is not a positive integer,
            or S is not a multiple of ``patch``.
    """
    _check_patch(patch)
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1] != images.shape[2]:
        raise ValueError(f"images must be square (N, S, S); got shape {images.shape}")
    n, size, _ = images.shape
    if size % patch:
        raise ValueError(f"image size {size} is not a multiple of patch size {patch}")
    k = size // patch
    return _swap_middle_axes(images, (n, k, patch, k, patch), (n, k * k, patch * patch))


def from_patches(sequences: np.ndarray, patch: int = 7) -> np.ndarray:
    """Inverse of :func:`to_patches`: (N, K*K, patch*patch) -> (N, K*patch, K*patch).

    Raises:
        ValueError: when ``patch`` is not a positive integer, or the sequences are not
            (N, K*K, patch*patch).
    """
    _check_patch(patch)
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
    """uint8 (0-255) or float (0-1) images -> float32 0/1 pixels (1 where ink > threshold).

    The rule for units: uint8 pixels are divided by 255; any other dtype must already be in
    [0, 1]. ``threshold`` is on the 0-1 scale either way (0.5 is mid-grey).

    Raises:
        ValueError: float (or non-uint8 integer) images outside [0, 1], such as floats in
            0-255 (divide by 255 first, or pass the uint8 array); NaN pixels; a threshold
            outside [0, 1) (a 0-255 threshold such as 128 would mark nothing as ink).
    """
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.number)):
        raise ValueError(f"threshold must be a number in [0, 1); got {threshold!r}")
    if not 0 <= threshold < 1:
        raise ValueError(
            f"threshold is {threshold}; expected a value in [0, 1) on the 0-1 scale, also for "
            "uint8 images (0.5 is mid-grey; 128/255 for a 0-255 threshold of 128)"
        )
    images = np.asarray(images)
    if not (np.issubdtype(images.dtype, np.number) or images.dtype == bool):
        raise ValueError(f"images have dtype {images.dtype}; expected uint8 or float pixels")
    if np.iscomplexobj(images):
        raise ValueError("images are complex; expected uint8 or float pixels")
    if images.dtype != np.uint8 and images.size:
        if np.issubdtype(images.dtype, np.floating) and np.isnan(images).any():
            raise ValueError("images contain NaN pixels; expected values in [0, 1]")
        low, high = images.min(), images.max()
        if low < 0 or high > 1:
            hint = " (divide by 255 first, or pass the uint8 array)" if high > 1 else ""
            raise ValueError(
                f"{images.dtype} images have values in [{low:g}, {high:g}]; expected uint8 "
                f"0-255 or floats in [0, 1]{hint}"
            )
    scaled = images / 255.0 if images.dtype == np.uint8 else images
    return (scaled > threshold).astype("float32")


def _check_patch(patch) -> None:
    if isinstance(patch, bool) or not isinstance(patch, (int, np.integer)) or patch < 1:
        raise ValueError(f"patch must be a positive integer (pixels per side); got {patch!r}")


def _swap_middle_axes(x: np.ndarray, shape: tuple[int, ...], out: tuple[int, ...]) -> np.ndarray:
    """Reshape to five axes, swap the middle two (patch rows <-> pixel rows), reshape to ``out``."""
    return x.reshape(shape).transpose(0, 1, 3, 2, 4).reshape(out)
