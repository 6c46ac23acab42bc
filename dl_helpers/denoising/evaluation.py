"""Scoring a mask: apply it, rebuild the waveform, measure SNR and SI-SDR before and after.

The floor (do nothing: the noisy input) and the ceiling (the oracle ideal ratio mask, which
needs the true clean speech and noise) are scored by the same function as every model.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .. import audio
from ..speech_metrics import si_sdr_db, snr_db
from .dataset import Split


def ideal_ratio_mask(clean_mag: np.ndarray, noise_mag: np.ndarray) -> np.ndarray:
    """The oracle ideal ratio mask sqrt(|S|² / (|S|² + |N|²)): needs the true clean and noise."""
    if clean_mag.shape != noise_mag.shape:
        raise ValueError(
            f"clean {clean_mag.shape} and noise {noise_mag.shape} magnitudes differ in shape"
        )
    return np.sqrt(clean_mag**2 / (clean_mag**2 + noise_mag**2 + 1e-12)).astype(np.float32)


def oracle_masks(split: Split) -> list[np.ndarray]:
    """The ideal ratio mask of every clip (uses the true clean and noise: an upper bound)."""
    return [ideal_ratio_mask(c, n) for c, n in zip(split.clean_mag, split.noise_mag)]


def evaluate(split: Split, masks: Sequence[np.ndarray] | None, method: str) -> pd.DataFrame:
    """Per-clip SNR and SI-SDR before and after applying ``masks`` (``None``: do nothing).

    Returns one row per clip with the input SNR, noise type, speaker, the output SNR / SI-SDR
    and their improvements in dB.
    """
    rows = []
    for i in range(len(split)):
        clean, noisy = split.pairs.clean[i], split.pairs.noisy[i]
        if masks is None:
            estimate = noisy
        else:
            if masks[i].shape != split.noisy_mag[i].shape:
                raise ValueError(
                    f"mask {i} has shape {masks[i].shape}; expected {split.noisy_mag[i].shape}"
                )
            estimate = denoise(split, masks, i)
        snr_in, sdr_in = snr_db(clean, noisy), si_sdr_db(clean, noisy)
        snr_out, sdr_out = snr_db(clean, estimate), si_sdr_db(clean, estimate)
        rows.append(
            dict(
                method=method,
                clip=i,
                noise=split.pairs.noise_type[i],
                input_snr=float(split.pairs.snr[i]),
                speaker=split.pairs.speaker[i],
                snr_out=snr_out,
                snr_improvement=snr_out - snr_in,
                si_sdr_out=sdr_out,
                si_sdr_improvement=sdr_out - sdr_in,
            )
        )
    return pd.DataFrame(rows)


def denoise(split: Split, masks: Sequence[np.ndarray], i: int) -> np.ndarray:
    """The waveform of clip ``i`` after applying its mask (noisy phase, inverse STFT)."""
    return audio.istft(
        masks[i] * split.noisy_mag[i] * split.noisy_phase[i], len(split.pairs.clean[i])
    )
