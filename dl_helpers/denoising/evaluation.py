"""Scoring a mask: apply it, rebuild the waveform, measure SNR and SI-SDR before and after
(per clip), and STOI and PESQ (on strings of clips, long enough for those measures).

The floor (do nothing: the noisy input) and the ceiling (the oracle ideal ratio mask, which
needs the true clean speech and noise) are scored by the same function as every model.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from .. import audio
from ..checks import check_finite
from ..speech_metrics import PERCEPTUAL_SECONDS, pesq_nb, si_sdr_db, snr_db, stoi
from .dataset import Split


def ideal_ratio_mask(clean_mag: np.ndarray, noise_mag: np.ndarray) -> np.ndarray:
    """The oracle ideal ratio mask sqrt(|S|² / (|S|² + |N|²)): needs the true clean and noise."""
    if np.iscomplexobj(clean_mag) or np.iscomplexobj(noise_mag):
        raise ValueError("ideal_ratio_mask takes magnitudes; got a complex spectrogram (np.abs)")
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
    and their improvements in dB, and ``silent_output``: ``True`` where the model's output
    waveform is silent or constant. SI-SDR is undefined for such an output (it has no shape to
    compare; it is the worst case, never the best), so its ``si_sdr_out`` and
    ``si_sdr_improvement`` are NaN, which pandas means skip; its SNR columns keep their values
    (a silent output has 0 dB output SNR). The count is also in ``frame.attrs["silent_outputs"]``
    and, when it is not zero, a warning says how many clips were left out of the SI-SDR means:
    report it next to them.

    Raises:
        ValueError: ``masks`` with another number of masks than clips, a mask whose shape is not
            its clip's spectrogram's, or a mask with NaN or infinite values.
    """
    if masks is not None and len(masks) != len(split):
        raise ValueError(
            f"{len(masks)} masks given for {len(split)} clips; expected one mask per clip"
        )
    rows = []
    for i in range(len(split)):
        clean, noisy = split.pairs.clean[i], split.pairs.noisy[i]
        if masks is None:
            estimate = noisy
        else:
            if np.shape(masks[i]) != split.noisy_mag[i].shape:
                raise ValueError(
                    f"mask {i} has shape {np.shape(masks[i])}; expected {split.noisy_mag[i].shape}"
                )
            if not np.all(np.isfinite(masks[i])):
                raise ValueError(f"mask {i} contains NaN or infinite values; expected finite")
            estimate = denoise(split, masks, i)
        snr_in, sdr_in = snr_db(clean, noisy), si_sdr_db(clean, noisy)
        snr_out = snr_db(clean, estimate)
        silent = bool(np.ptp(estimate) == 0)
        sdr_out = float("nan") if silent else si_sdr_db(clean, estimate)
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
                silent_output=silent,
            )
        )
    frame = pd.DataFrame(rows)
    n_silent = int(frame["silent_output"].sum()) if len(frame) else 0
    frame.attrs["silent_outputs"] = n_silent
    if n_silent:
        warnings.warn(
            f"{method}: {n_silent} of {len(frame)} outputs are silent or constant; their SI-SDR "
            "is undefined (NaN, left out of SI-SDR means). Report this count next to the means.",
            stacklevel=2,
        )
    return frame


def denoise(split: Split, masks: Sequence[np.ndarray], i: int) -> np.ndarray:
    """The waveform of clip ``i`` after applying its mask (noisy phase, inverse STFT)."""
    return audio.istft(
        masks[i] * split.noisy_mag[i] * split.noisy_phase[i], len(split.pairs.clean[i])
    )


def perceptual_strings(split: Split, seconds: float = PERCEPTUAL_SECONDS) -> list[np.ndarray]:
    """Clip indices grouped into strings of at least ``seconds`` of speech, for STOI and PESQ.

    A string holds clips of one speaker at one input SNR (sorted by digit and recording), so
    every string has a single input condition; what is left over at the end of a group joins
    its last string. Every method is scored on the same strings, so scores pair up.

    Raises:
        ValueError: ``seconds`` not a positive number.
    """
    check_finite(seconds, "seconds")
    if seconds <= 0:
        raise ValueError(f"seconds must be > 0; got {seconds}")
    pairs = split.pairs
    strings: list[np.ndarray] = []
    keys = sorted(set(zip(pairs.speaker.tolist(), pairs.snr.tolist())))
    for speaker, snr in keys:
        members = np.flatnonzero((pairs.speaker == speaker) & (pairs.snr == snr))
        members = members[np.lexsort((pairs.index[members], pairs.digit[members]))]
        current, length, group = [], 0, []
        for i in members:
            current.append(int(i))
            length += len(pairs.clean[i])
            if length >= seconds * audio.SR:
                group.append(np.array(current))
                current, length = [], 0
        if current and group:
            group[-1] = np.concatenate([group[-1], current])
        elif current:
            group.append(np.array(current))
        strings.extend(group)
    return strings


def perceptual_scores(
    split: Split,
    masks: Sequence[np.ndarray] | None,
    method: str,
    strings: Sequence[np.ndarray] | None = None,
) -> pd.DataFrame:
    """STOI and narrow-band PESQ of ``masks`` (``None``: the noisy input) on strings of clips.

    Each clip is denoised on its own, then the clean clips and the outputs of one string (see
    :func:`perceptual_strings`) are concatenated and scored. One row per string: speaker,
    input SNR, clips, seconds, ``stoi_in``/``stoi_out``, ``pesq_in``/``pesq_out`` and the
    improvements.

    Raises:
        ValueError: as :func:`evaluate` for the masks; a string too short for STOI or PESQ.
    """
    if masks is not None and len(masks) != len(split):
        raise ValueError(
            f"{len(masks)} masks given for {len(split)} clips; expected one mask per clip"
        )
    strings = perceptual_strings(split) if strings is None else strings
    rows = []
    for k, members in enumerate(strings):
        clean = np.concatenate([split.pairs.clean[i] for i in members])
        noisy = np.concatenate([split.pairs.noisy[i] for i in members])
        out = (
            noisy if masks is None else np.concatenate([denoise(split, masks, i) for i in members])
        )
        stoi_in, stoi_out = stoi(clean, noisy, audio.SR), stoi(clean, out, audio.SR)
        pesq_in, pesq_out = pesq_nb(clean, noisy, audio.SR), pesq_nb(clean, out, audio.SR)
        rows.append(
            dict(
                method=method,
                string=k,
                speaker=split.pairs.speaker[members[0]],
                input_snr=float(split.pairs.snr[members[0]]),
                clips=len(members),
                seconds=len(clean) / audio.SR,
                stoi_in=stoi_in,
                stoi_out=stoi_out,
                stoi_improvement=stoi_out - stoi_in,
                pesq_in=pesq_in,
                pesq_out=pesq_out,
                pesq_improvement=pesq_out - pesq_in,
            )
        )
    return pd.DataFrame(rows)
