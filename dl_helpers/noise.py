"""Noise for speech-denoising experiments: coloured noise, mains hum, babble, and mixing at an SNR.

Every generator returns ``n`` float32 samples at 8 kHz with unit variance, drawn from the
``numpy.random.Generator`` it is given (so a seeded generator gives the same noise again).
``n`` must be at least 2 (one sample has no variance to normalise); a generator never returns
NaN: what would give one (a silent babble pool, no harmonics) is an error naming the argument.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .audio import SR, check_pair, check_sr
from .checks import check_count, check_finite

NOISE_TYPES = ("white", "pink", "brown", "hum", "babble")


def mix_at_snr(clean: np.ndarray, noise: np.ndarray, snr: float) -> tuple[np.ndarray, np.ndarray]:
    """Scale ``noise`` so that ``clean + noise`` has exactly ``snr`` dB.

    Returns:
        ``(mixture, scaled noise)``, both float32.

    Raises:
        ValueError: what :func:`dl_helpers.audio.check_pair` refuses, a silent noise, or an
            ``snr`` that is not a finite number of dB.
    """
    check_finite(snr, "snr")
    clean, noise = check_pair(clean, noise, "noise")
    if not np.any(noise):
        raise ValueError("noise is silent (all zeros): it cannot be scaled to an SNR")
    gain = np.sqrt(np.sum(clean**2) / (np.sum(noise**2) * 10 ** (snr / 10)))
    scaled = gain * noise
    return (clean + scaled).astype(np.float32), scaled.astype(np.float32)


def colored_noise(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Noise whose power falls as 1/f^exponent: 0 white, 1 pink, 2 brown (spectral shaping)."""
    _check_n(n)
    check_finite(exponent, "exponent")
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1] if n > 1 else 1.0
    shaped = np.fft.irfft(spectrum / freqs ** (exponent / 2), n)
    return (shaped / (np.std(shaped) + 1e-12)).astype(np.float32)


def hum(n: int, rng: np.random.Generator, sr: int = SR, harmonics: int = 6) -> np.ndarray:
    """Mains-like hum: a 50 or 60 Hz fundamental with decaying harmonics and random phases."""
    check_sr(sr)
    _check_n(n)
    check_count(harmonics, "harmonics", minimum=1)
    f0 = rng.choice([50.0, 60.0])
    t = np.arange(n) / sr
    y = sum(
        (0.8**k) * np.sin(2 * np.pi * f0 * (k + 1) * t + rng.uniform(0, 2 * np.pi))
        for k in range(harmonics)
    )
    return (y / np.std(y)).astype(np.float32)


def babble(
    n: int, pool: Sequence[np.ndarray], rng: np.random.Generator, talkers: int = 4
) -> np.ndarray:
    """Several other recordings summed (each looped to length ``n``): speech-like noise.

    Raises:
        ValueError: fewer recordings than ``talkers``; a recording that is not a non-empty 1-D
            finite waveform, or is silent or constant (its index is named); or talkers whose
            looped segments are all silent.
    """
    _check_n(n)
    check_count(talkers, "talkers", minimum=1)
    if len(pool) < talkers:
        raise ValueError(f"babble needs at least {talkers} recordings in the pool; got {len(pool)}")
    for k, clip in enumerate(pool):
        clip = np.asarray(clip)
        if clip.ndim != 1 or len(clip) == 0 or not np.issubdtype(clip.dtype, np.number):
            raise ValueError(
                f"babble pool recording {k} has shape {clip.shape} and dtype {clip.dtype}; "
                "expected a non-empty 1-D waveform"
            )
        if not np.all(np.isfinite(clip)):
            raise ValueError(f"babble pool recording {k} contains NaN or infinite samples")
        if np.ptp(clip) == 0:
            raise ValueError(
                f"babble pool recording {k} is {'silent' if not np.any(clip) else 'constant'} "
                f"(every sample {clip[0]}); expected speech recordings"
            )
    out = np.zeros(n)
    for i in rng.choice(len(pool), talkers, replace=False):
        clip = np.asarray(pool[i], dtype=np.float64)
        reps = int(np.ceil(n / len(clip)))
        start = rng.integers(len(clip))
        looped = np.tile(clip, reps + 1)[start : start + n]
        out += looped / (np.std(looped) + 1e-12)
    if np.std(out) == 0:
        raise ValueError(
            f"babble of {talkers} talkers is silent over these {n} samples (the chosen "
            "recordings' looped segments hold no sound); expected speech recordings"
        )
    return (out / np.std(out)).astype(np.float32)


def make_noise(
    kind: str, n: int, rng: np.random.Generator, pool: Sequence[np.ndarray] | None = None
) -> np.ndarray:
    """Noise of one of :data:`NOISE_TYPES`, ``n`` samples at 8 kHz, unit variance.

    Raises:
        ValueError: an unknown ``kind``, babble without a pool, or what the generator refuses.
    """
    if kind == "white":
        return colored_noise(n, 0.0, rng)
    if kind == "pink":
        return colored_noise(n, 1.0, rng)
    if kind == "brown":
        return colored_noise(n, 2.0, rng)
    if kind == "hum":
        return hum(n, rng)
    if kind == "babble":
        if pool is None:
            raise ValueError("babble noise needs a pool of other speakers' recordings")
        return babble(n, pool, rng)
    raise ValueError(f"unknown noise type {kind!r}; expected one of {NOISE_TYPES}")


def _check_n(n) -> None:
    check_count(n, "n (number of samples)", minimum=2)
