"""Signal processing for 8 kHz speech: STFT, inverse STFT, magnitude/phase, log-mel.

One set of STFT defaults serves every notebook: a 256-sample window (32 ms at 8 kHz, 129
frequency bins of 31.25 Hz) with a hop of 64 samples (8 ms). Spectrograms are **time-major**,
shape (frames, bins), because that is what recurrent and 1-D convolutional layers read.

Units: a waveform is an array of **float samples at full scale 1.0** (what
``soundfile.read(..., dtype="float32")`` and :func:`dl_helpers.data.load_fsdd` give). Integer
arrays (16-bit PCM as ``scipy.io.wavfile`` reads it, for example) are refused with the
conversion to apply (``y / 32768`` for int16) rather than guessed at. :func:`stft` and
:func:`log_mel`, whose outputs are in absolute units, also refuse float waveforms that peak
above :data:`MAX_PEAK` (100 times full scale): such a signal is integer PCM cast to float without
scaling.
"""

from __future__ import annotations

import numpy as np

from .checks import check_count
from .data.speech import FSDD_SAMPLE_RATE

SR = FSDD_SAMPLE_RATE  # the helpers are set up for FSDD's 8 kHz speech
N_FFT = 256
HOP = 64
N_BINS = N_FFT // 2 + 1
#: :func:`stft` and :func:`log_mel` refuse float waveforms whose peak is above this (full scale
#: is 1.0; mixtures and unit-variance noise stay far below it).
MAX_PEAK = 100.0


def check_wave(y: np.ndarray, name: str = "signal") -> np.ndarray:
    """``y`` as a float64 1-D waveform; a clear error when it is not 1-D, empty or not finite.

    Raises:
        ValueError: also for integer or boolean samples (PCM must be scaled to floats at full
            scale 1.0 first; the message gives the divisor) and for complex or non-numeric ones.
    """
    y = np.asarray(y)
    if y.dtype == bool or np.issubdtype(y.dtype, np.integer):
        scale = {1: "128", 2: "32768", 4: "2**31", 8: "2**63"}.get(y.dtype.itemsize, "its range")
        unsigned = np.issubdtype(y.dtype, np.unsignedinteger)
        fix = (
            "pass float samples"
            if y.dtype == bool
            else f"divide by {scale}" + (" after subtracting the midpoint" if unsigned else "")
        )
        raise ValueError(
            f"{name} has {y.dtype} samples; expected float samples at full scale 1.0 (in [-1, 1]) "
            f"- {fix}, or read the file with soundfile.read(path, dtype='float32')"
        )
    if np.iscomplexobj(y) or not np.issubdtype(y.dtype, np.floating):
        raise ValueError(f"{name} has {y.dtype} samples; expected real float samples")
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D waveform; got shape {y.shape}")
    if len(y) == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinite samples")
    return y.astype(np.float64)


def check_level(y: np.ndarray, name: str = "signal") -> None:
    """Refuse a float waveform peaking above :data:`MAX_PEAK`: integer PCM cast to float."""
    peak = float(np.max(np.abs(y)))
    if peak > MAX_PEAK:
        raise ValueError(
            f"{name} peaks at {peak:g}; expected float samples at full scale 1.0 (in [-1, 1], "
            f"refused above {MAX_PEAK:g}). It looks like integer PCM cast to float: divide "
            "16-bit samples by 32768"
        )


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
    check_level(y)
    return librosa.stft(y, n_fft=N_FFT, hop_length=HOP).T


def istft(spec: np.ndarray, length: int, sr: int = SR) -> np.ndarray:
    """Inverse of :func:`stft` for a (frames, 129) complex array, trimmed/padded to ``length``.

    Raises:
        ValueError: another sample rate, a spectrogram that is not (frames, 129) or holds NaN,
            or a ``length`` that is not a positive integer.
    """
    import librosa

    check_sr(sr)
    spec = np.asarray(spec)
    if spec.ndim != 2 or spec.shape[1] != N_BINS:
        raise ValueError(f"spectrogram must be (frames, {N_BINS}); got shape {spec.shape}")
    check_count(length, "length", minimum=1)
    if not np.all(np.isfinite(spec)):
        raise ValueError("spectrogram contains NaN or infinite values")
    return librosa.istft(spec.T, hop_length=HOP, n_fft=N_FFT, length=length).astype(np.float32)


def magphase(spec: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split a complex spectrogram into magnitude and unit-modulus phase."""
    mag = np.abs(spec)
    phase = np.exp(1j * np.angle(spec))
    return mag.astype(np.float32), phase


def from_magphase(mag: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """Recombine magnitude and phase (as from :func:`magphase`) into a complex spectrogram.

    Raises:
        ValueError: shapes that differ, or a complex ``mag`` (pass ``np.abs`` of it).
    """
    if np.iscomplexobj(mag):
        raise ValueError("mag is complex; expected a magnitude (as from magphase or np.abs)")
    if np.shape(mag) != np.shape(phase):
        raise ValueError(f"magnitude {np.shape(mag)} and phase {np.shape(phase)} shapes differ")
    return mag * phase


def n_frames(n_samples: int) -> int:
    """Number of STFT frames for a waveform of ``n_samples`` (centred frames).

    Raises:
        ValueError: when ``n_samples`` is not a positive integer.
    """
    check_count(n_samples, "n_samples", minimum=1)
    return 1 + n_samples // HOP


def log_mel(y: np.ndarray, sr: int = SR, n_mels: int = 40) -> np.ndarray:
    """Log-mel spectrogram, time-major (frames, n_mels), in dB relative to full scale.

    Raises:
        ValueError: what :func:`stft` refuses, or ``n_mels`` not an integer in 1-129.
    """
    import librosa

    check_sr(sr)
    check_count(n_mels, "n_mels", minimum=1)
    if n_mels > N_BINS:
        raise ValueError(f"n_mels is {n_mels}; expected at most {N_BINS} (the STFT's bins)")
    wave = check_wave(y)
    check_level(wave)
    mel = librosa.feature.melspectrogram(
        y=wave.astype(np.float32), sr=sr, n_fft=N_FFT, hop_length=HOP, n_mels=n_mels, fmax=sr / 2
    )
    return librosa.power_to_db(mel, ref=1.0, top_db=None).T.astype(np.float32)


def trim_and_normalise(y: np.ndarray, top_db: float = 30.0, target_rms: float = 0.05) -> np.ndarray:
    """The speech of ``y``: leading and trailing silence trimmed, then scaled to ``target_rms``.

    Silence is what ``librosa.effects.trim`` finds more than ``top_db`` below the recording's
    loudest frame. Scaling every utterance to the same RMS removes the recording's gain, so a
    model cannot tell speakers apart by how loud or how long-silent their recordings are.

    Raises:
        ValueError: what :func:`check_wave` refuses, a silent (all-zero) waveform, or
            ``top_db``/``target_rms`` that are not positive.
    """
    import librosa

    if not top_db > 0 or not target_rms > 0:
        raise ValueError(f"top_db and target_rms must be > 0; got {top_db!r} and {target_rms!r}")
    wave = check_wave(y)
    check_level(wave)
    if not np.any(wave):
        raise ValueError("the waveform is silent (all zeros); expected a recording with speech")
    speech, _ = librosa.effects.trim(wave, top_db=top_db, frame_length=N_FFT, hop_length=HOP)
    return (speech * target_rms / np.sqrt(np.mean(speech**2))).astype(np.float32)


#: The names :func:`recording_statistics` returns, in order.
RECORDING_STATISTICS = (
    "duration_s", "speech_s", "leading_silence_s", "trailing_silence_s", "rms_db",
    "noise_floor_db",
)  # fmt: skip


def recording_statistics(y: np.ndarray, sr: int = SR, top_db: float = 30.0) -> dict[str, float]:
    """What a recording says about its *recording*, not its voice: lengths, level, noise floor.

    ``duration_s`` (the whole file), ``speech_s`` (after trimming silence as
    :func:`trim_and_normalise` does), ``leading_silence_s``/``trailing_silence_s`` (what was
    trimmed), ``rms_db`` (the file's RMS level, dB re full scale) and ``noise_floor_db`` (the
    10th percentile of the frames' RMS levels, dB: the background between words).

    Raises:
        ValueError: what :func:`check_wave` refuses, a silent waveform, or a bad ``sr``.
    """
    import librosa

    check_sr(sr)
    wave = check_wave(y)
    check_level(wave)
    if not np.any(wave):
        raise ValueError("the waveform is silent (all zeros); expected a recording")
    _, (start, stop) = librosa.effects.trim(wave, top_db=top_db, frame_length=N_FFT, hop_length=HOP)
    frame_rms = librosa.feature.rms(y=wave, frame_length=N_FFT, hop_length=HOP)[0]
    to_db = lambda x: float(20 * np.log10(max(float(x), 1e-10)))  # noqa: E731
    return {
        "duration_s": len(wave) / sr,
        "speech_s": (stop - start) / sr,
        "leading_silence_s": start / sr,
        "trailing_silence_s": (len(wave) - stop) / sr,
        "rms_db": to_db(np.sqrt(np.mean(wave**2))),
        "noise_floor_db": to_db(np.percentile(frame_rms, 10)),
    }
