"""How close a speech estimate is to the clean reference: SNR, SI-SDR, log-spectral distance.

Waveform measures (:func:`snr_db`, :func:`si_sdr_db`) take 1-D signals of equal length;
spectral measures take (frames, bins) magnitudes of one shape.
"""

from __future__ import annotations

import numpy as np

from .audio import check_pair

LSD_FLOOR = 1e-3  # magnitude floor of log_spectral_distance: silent cells do not dominate


def snr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``estimate`` against ``clean``, in dB: 10·log10(Σs² / Σ(s − ŝ)²).

    Raises:
        ValueError: mismatched lengths, a silent reference, NaN samples, or a non-1-D input.
    """
    clean, estimate = check_pair(clean, estimate, "estimate")
    error = np.sum((clean - estimate) ** 2)
    if error == 0:
        return float("inf")
    return float(10 * np.log10(np.sum(clean**2) / error))


def si_sdr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al., 2019).

    The estimate is projected on the (zero-mean) clean signal; what is left over is distortion.
    Unlike SNR it does not punish a correctly shaped estimate that is too loud or too quiet.
    """
    clean, estimate = check_pair(clean, estimate, "estimate")
    clean = clean - clean.mean()
    estimate = estimate - estimate.mean()
    alpha = np.dot(estimate, clean) / np.dot(clean, clean)
    target = alpha * clean
    residual = estimate - target
    if not np.any(residual):
        return float("inf")
    return float(10 * np.log10(np.sum(target**2) / np.sum(residual**2)))


def log_spectral_distance(
    reference: np.ndarray, estimate: np.ndarray, floor: float = LSD_FLOOR
) -> float:
    """Log-spectral distance in dB between two magnitude spectrograms of the same shape.

    The root-mean-square over frequency of 20·log10(|X| / |X̂|), averaged over frames. Both
    magnitudes are floored at ``floor`` so silent cells do not dominate.
    """
    reference, estimate = np.asarray(reference), np.asarray(estimate)
    if reference.shape != estimate.shape or reference.ndim != 2:
        raise ValueError(
            "expected two (frames, bins) magnitudes of one shape; "
            f"got {reference.shape} and {estimate.shape}"
        )
    if np.any(reference < 0) or np.any(estimate < 0) or not np.all(np.isfinite(estimate)):
        raise ValueError("magnitudes must be finite and non-negative")
    diff = 20 * np.log10(np.maximum(reference, floor) / np.maximum(estimate, floor))
    return float(np.mean(np.sqrt(np.mean(diff**2, axis=1))))


def magnitude_snr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """SNR of an estimated magnitude spectrogram: 10·log10(Σ|X|² / Σ(|X| − |X̂|)²)."""
    reference, estimate = np.asarray(reference, float), np.asarray(estimate, float)
    if reference.shape != estimate.shape:
        raise ValueError(f"shapes differ: {reference.shape} and {estimate.shape}")
    if not np.any(reference):
        raise ValueError("reference magnitude is silent: SNR is undefined")
    return float(
        10 * np.log10(np.sum(reference**2) / max(np.sum((reference - estimate) ** 2), 1e-20))
    )
