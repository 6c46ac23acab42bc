"""Signal processing for 8 kHz speech: STFT, inverse STFT, magnitude/phase, log-mel.

One set of STFT defaults serves every notebook: a 256-sample window (32 ms at 8 kHz, 129
frequency bins of 31.25 Hz) with a hop of 64 samples (8 ms). Spectrograms are **time-major**,
shape (frames, bins), because that is what recurrent and 1-D convolutional layers read.
"""

from __future__ import annotations

import numpy as np

from .data.speech import FSDD_SAMPLE_RATE

SR = FSDD_SAMPLE_RATE  # the helpers are set up for FSDD's 8 kHz speech
N_FFT = 256
HOP = 64
N_BINS = N_FFT // 2 + 1


def check_wave(y: np.ndarray, name: str = "signal") -> np.ndarray:
    """``y`` as a float64 1-D waveform; a clear error when it is not 1-D, empty or not finite."""
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D waveform; got shape {y.shape}")
    if len(y) == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinite samples")
    return y.astype(np.float64)


def check_pair(
    clean: np.ndarray, other: np.ndarray, other_name: str
) -> tuple[np.ndarray, np.ndarray]:
    """Two waveforms of equal length, the first (the clean reference) not silent."""
    clean = check_wave(clean, "clean")
    other = check_wave(other, other_name)
    if len(clean) != len(other):
        raise ValueError(
            f"clean has {len(clean)} samples but {other_name} has {len(other)}; they must match"
        )
    if not np.any(clean):
        raise ValueError("clean reference is silent (all zeros): SNR is undefined")
    return clean, other


def check_sr(sr: int) -> None:
    """Refuse any sample rate but :data:`SR` (these helpers are set up for 8 kHz speech)."""
    if sr != SR:
        raise ValueError(
            f"sample rate {sr} Hz given; these helpers are set up for {SR} Hz speech "
            "(resample first)"
        )


def stft(y: np.ndarray, sr: int = SR) -> np.ndarray:
    """Complex STFT, time-major: (frames, 129) for 8 kHz audio (librosa, Hann window, centred)."""
    import librosa

    check_sr(sr)
    y = check_wave(y).astype(np.float32)
    return librosa.stft(y, n_fft=N_FFT, hop_length=HOP).T


def istft(spec: np.ndarray, length: int, sr: int = SR) -> np.ndarray:
    """Inverse of :func:`stft` for a (frames, 129) complex array, trimmed/padded to ``length``."""
    import librosa

    check_sr(sr)
    spec = np.asarray(spec)
    if spec.ndim != 2 or spec.shape[1] != N_BINS:
        raise ValueError(f"spectrogram must be (frames, {N_BINS}); got shape {spec.shape}")
    return librosa.istft(spec.T, hop_length=HOP, n_fft=N_FFT, length=length).astype(np.float32)


def magphase(spec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a complex spectrogram into magnitude and unit-modulus phase."""
    mag = np.abs(spec)
    phase = np.exp(1j * np.angle(spec))
    return mag.astype(np.float32), phase


def from_magphase(mag: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Recombine magnitude and phase (as from :func:`magphase`) into a complex spectrogram."""
    if np.shape(mag) != np.shape(phase):
        raise ValueError(f"magnitude {np.shape(mag)} and phase {np.shape(phase)} shapes differ")
    return mag * phase


def n_frames(n_samples: int) -> int:
    """Number of STFT frames for a waveform of ``n_samples`` (centred frames)."""
    return 1 + n_samples // HOP


def log_mel(y: np.ndarray, sr: int = SR, n_mels: int = 40) -> np.ndarray:
    """Log-mel spectrogram, time-major (frames, n_mels), in dB relative to full scale."""
    import librosa

    check_sr(sr)
    mel = librosa.feature.melspectrogram(
        y=check_wave(y).astype(np.float32),
        sr=sr,
        n_fft=N_FFT,
        hop_length=HOP,
        n_mels=n_mels,
        fmax=sr / 2,
    )
    return librosa.power_to_db(mel, ref=1.0, top_db=None).T.astype(np.float32)
