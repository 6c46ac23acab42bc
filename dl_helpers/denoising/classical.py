"""A classical denoiser to beat: spectral subtraction with the noise estimated from the mixture.

No training and no oracle. For every frequency bin the noise power is estimated as a low
percentile of the mixture's power over the clip's frames (speech is absent from a bin in some
frames, so the quiet frames show the noise floor; the idea behind "minimum statistics"), and
that much power is subtracted from every cell:

    N̂(f) = percentile_q over t of |Y(t, f)|²
    G(t, f) = sqrt(max(1 - α · N̂(f) / |Y(t, f)|², β))

``α`` (over-subtraction) and ``β`` (the gain floor, which limits "musical noise") are chosen
on validation data. ``G`` is a mask in [0, 1] like a network's, scored by the same
:func:`dl_helpers.denoising.evaluate`.
"""

from __future__ import annotations

import numpy as np

from ..checks import check_finite
from .dataset import Split


def spectral_subtraction_mask(
    noisy_mag: np.ndarray, percentile: float = 20.0, over: float = 1.0, floor: float = 0.01
) -> np.ndarray:
    """The gain ``G`` above for one (frames, bins) noisy magnitude; float32, values in [0, 1].

    Raises:
        ValueError: a magnitude that is not 2-D, real, finite and non-negative; ``percentile``
            outside [0, 100]; ``over`` not positive; ``floor`` outside [0, 1].
    """
    mag = np.asarray(noisy_mag)
    if mag.ndim != 2 or np.iscomplexobj(mag) or mag.size == 0:
        raise ValueError(
            f"noisy_mag must be a real (frames, bins) magnitude; got shape {mag.shape}, "
            f"dtype {mag.dtype}"
        )
    if not np.all(np.isfinite(mag)) or np.any(mag < 0):
        raise ValueError("noisy_mag must hold finite, non-negative magnitudes")
    for name, value in (("percentile", percentile), ("over", over), ("floor", floor)):
        check_finite(value, name)
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be in [0, 100]; got {percentile}")
    if over <= 0:
        raise ValueError(f"over (the over-subtraction factor α) must be > 0; got {over}")
    if not 0 <= floor <= 1:
        raise ValueError(f"floor (the gain floor β) must be in [0, 1]; got {floor}")
    power = mag.astype(np.float64) ** 2
    noise_power = np.percentile(power, percentile, axis=0, keepdims=True)
    gain = 1 - over * noise_power / np.maximum(power, 1e-12)
    return np.sqrt(np.clip(gain, floor, 1.0)).astype(np.float32)


def spectral_subtraction_masks(split: Split, **settings: float) -> list[np.ndarray]:
    """:func:`spectral_subtraction_mask` of every clip of ``split`` (same settings for all)."""
    return [spectral_subtraction_mask(m, **settings) for m in split.noisy_mag]
