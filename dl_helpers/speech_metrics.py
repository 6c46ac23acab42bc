"""How close a speech estimate is to the clean reference: SNR, SI-SDR, STOI, PESQ, LSD.

Waveform measures (:func:`snr_db`, :func:`si_sdr_db`, :func:`stoi`, :func:`pesq_nb`) take 1-D
signals of equal length; spectral measures take (frames, bins) magnitudes of one shape.
STOI and PESQ are the field's perceptual measures, computed by their reference packages
(``pystoi``, ``pesq``); both need utterances of a few seconds (see :data:`PERCEPTUAL_SECONDS`).
"""

from __future__ import annotations

import numpy as np

from .audio import check_pair

LSD_FLOOR = 1e-3  # magnitude floor of log_spectral_distance: silent cells do not dominate
#: STOI compares 384 ms windows of speech (silent frames removed) and PESQ looks for utterances:
#: a spoken digit (0.4 s) is too short for either, so score strings of clips this long or longer.
PERCEPTUAL_SECONDS = 3.0


def snr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``estimate`` against ``clean``, in dB: 10·log10(Σs² / Σ(s − ŝ)²).

    An estimate equal to ``clean`` sample for sample has no error: the answer is ``inf`` (a
    perfect estimate). A silent estimate gets 0 dB (its error is the whole signal).

    Raises:
        ValueError: mismatched lengths, a silent reference, NaN samples, integer (PCM) samples,
            or a non-1-D input.
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

    Edge cases: an estimate that is a scaled copy of ``clean`` has no distortion and gets
    ``inf`` (a perfect estimate); one with no energy in the clean signal's direction gets
    ``-inf`` (the worst case). A silent or constant estimate has no shape at all, so its SI-SDR
    is undefined: that is an error, never a score (:func:`dl_helpers.denoising.evaluate` counts
    such outputs instead).

    Raises:
        ValueError: a silent or constant estimate, a constant (DC-only) reference, and
            everything :func:`snr_db` refuses.
    """
    clean, estimate = check_pair(clean, estimate, "estimate")
    if np.ptp(estimate) == 0:
        raise ValueError(
            f"estimate is {'silent' if not np.any(estimate) else 'constant'} (every sample "
            f"{estimate[0]:g}): SI-SDR is undefined; expected an estimate that varies (a silent "
            "output is the worst case, not the best)"
        )
    if np.ptp(clean) == 0:
        raise ValueError(
            f"clean reference is constant (every sample {clean[0]:g}): SI-SDR is undefined; "
            "expected a reference that varies"
        )
    clean = clean - clean.mean()
    estimate = estimate - estimate.mean()
    alpha = np.dot(estimate, clean) / np.dot(clean, clean)
    target = alpha * clean
    residual = estimate - target
    if not np.any(residual):
        return float("inf")
    if not np.any(target):
        return float("-inf")  # no energy in the clean signal's direction: the worst case
    return float(10 * np.log10(np.sum(target**2) / np.sum(residual**2)))


def stoi(clean: np.ndarray, estimate: np.ndarray, sr: int) -> float:
    """Short-time objective intelligibility (Taal et al., 2011), 0 to 1, higher is better.

    The correlation between clean and estimated band envelopes over 384 ms windows, averaged;
    it tracks how many words listeners get right. Computed by ``pystoi``.

    Raises:
        ValueError: what :func:`snr_db` refuses, or a clean signal with less than 384 ms of
            speech (STOI is undefined there; concatenate clips first).
    """
    import warnings

    from pystoi import stoi as _stoi

    clean, estimate = check_pair(clean, estimate, "estimate")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = float(_stoi(clean, estimate, sr, extended=False))
    if any("Not enough STFT frames" in str(w.message) for w in caught):
        raise ValueError(
            f"clean signal of {len(clean) / sr:.2f} s holds less than 384 ms of speech: STOI is "
            f"undefined; expected at least {PERCEPTUAL_SECONDS:g} s (concatenate clips)"
        )
    return value


def pesq_nb(clean: np.ndarray, estimate: np.ndarray, sr: int) -> float:
    """Narrow-band PESQ (ITU-T P.862), about -0.5 to 4.5, higher is better; needs 8 kHz audio.

    A model of how a listener would rate the quality (a mean opinion score). Computed by
    ``pesq``.

    Raises:
        ValueError: ``sr`` other than 8000, what :func:`snr_db` refuses, or a signal in which
            PESQ finds no utterance (too short or silent; concatenate clips first).
    """
    from pesq import PesqError, pesq

    if sr != 8000:
        raise ValueError(f"narrow-band PESQ needs 8000 Hz audio; got {sr} Hz")
    clean, estimate = check_pair(clean, estimate, "estimate")
    try:
        return float(pesq(sr, clean.astype(np.float64), estimate.astype(np.float64), "nb"))
    except PesqError as error:
        raise ValueError(
            f"PESQ failed on {len(clean) / sr:.2f} s of audio ({error}); expected speech of at "
            f"least {PERCEPTUAL_SECONDS:g} s (concatenate clips)"
        ) from error


def log_spectral_distance(
    reference: np.ndarray, estimate: np.ndarray, floor: float = LSD_FLOOR
) -> float:
    """Log-spectral distance in dB between two magnitude spectrograms of the same shape.

    The root-mean-square over frequency of 20·log10(|X| / |X̂|), averaged over frames. Both
    magnitudes are floored at ``floor`` so silent cells do not dominate.

    Raises:
        ValueError: shapes that differ or are not 2-D, an empty spectrogram, negative or
            non-finite magnitudes, a complex spectrogram (take ``np.abs`` first), or a floor that
            is not positive.
    """
    reference, estimate = np.asarray(reference), np.asarray(estimate)
    if reference.shape != estimate.shape or reference.ndim != 2:
        raise ValueError(
            "expected two (frames, bins) magnitudes of one shape; "
            f"got {reference.shape} and {estimate.shape}"
        )
    _check_magnitudes(reference, estimate)
    if not (np.isfinite(floor) and floor > 0):
        raise ValueError(f"floor must be a positive magnitude (default {LSD_FLOOR}); got {floor}")
    if np.any(reference < 0) or np.any(estimate < 0) or not np.all(np.isfinite(estimate)):
        raise ValueError("magnitudes must be finite and non-negative")
    diff = 20 * np.log10(np.maximum(reference, floor) / np.maximum(estimate, floor))
    return float(np.mean(np.sqrt(np.mean(diff**2, axis=1))))


def magnitude_snr_db(reference: np.ndarray, estimate: np.ndarray) -> float:
    """SNR of an estimated magnitude spectrogram: 10·log10(Σ|X|² / Σ(|X| − |X̂|)²).

    The error is floored at 1e-20, so an exact estimate gets a large finite value (about
    200 dB above the reference's energy), not ``inf``.

    Raises:
        ValueError: shapes that differ, an empty or silent reference, non-finite or negative
            magnitudes, or a complex spectrogram (take ``np.abs`` first).
    """
    _check_magnitudes(np.asarray(reference), np.asarray(estimate))
    reference, estimate = np.asarray(reference, float), np.asarray(estimate, float)
    if reference.shape != estimate.shape:
        raise ValueError(f"shapes differ: {reference.shape} and {estimate.shape}")
    if not np.any(reference):
        raise ValueError("reference magnitude is silent: SNR is undefined")
    return float(
        10 * np.log10(np.sum(reference**2) / max(np.sum((reference - estimate) ** 2), 1e-20))
    )


def _check_magnitudes(reference: np.ndarray, estimate: np.ndarray) -> None:
    """Real, finite, non-negative and non-empty magnitudes; a clear error otherwise."""
    for name, value in (("reference", reference), ("estimate", estimate)):
        if np.iscomplexobj(value):
            raise ValueError(
                f"{name} is complex; expected magnitudes (take np.abs of the spectrogram)"
            )
        if value.dtype == object or not (
            np.issubdtype(value.dtype, np.number) or value.dtype == bool
        ):
            raise ValueError(f"{name} has dtype {value.dtype}; expected real magnitudes")
        if value.size == 0:
            raise ValueError(f"{name} is empty (shape {value.shape}); expected magnitudes")
        if not np.all(np.isfinite(value)):
            raise ValueError(f"{name} contains NaN or infinite magnitudes")
        if np.any(value < 0):
            raise ValueError(f"{name} has negative values; expected magnitudes (>= 0)")
