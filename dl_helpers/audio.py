"""Audio toolkit for 8 kHz speech: STFT, quality measures, noise, noisy/clean datasets, display.

One set of STFT defaults serves every notebook: a 256-sample window (32 ms at 8 kHz, 129
frequency bins of 31.25 Hz) with a hop of 64 samples (8 ms). Spectrograms are **time-major**,
shape (frames, bins), because that is what recurrent and 1-D convolutional layers read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

SR = 8000
N_FFT = 256
HOP = 64
N_BINS = N_FFT // 2 + 1
NOISE_TYPES = ("white", "pink", "brown", "hum", "babble")
LSD_FLOOR = 1e-3  # magnitude floor of log_spectral_distance: silent cells do not dominate


# --------------------------------------------------------------------------- checks


def _check_wave(y: np.ndarray, name: str = "signal") -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(f"{name} must be a 1-D waveform; got shape {y.shape}")
    if len(y) == 0:
        raise ValueError(f"{name} is empty")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"{name} contains NaN or infinite samples")
    return y.astype(np.float64)


def _check_pair(clean: np.ndarray, other: np.ndarray, other_name: str) -> tuple[np.ndarray, np.ndarray]:
    clean = _check_wave(clean, "clean")
    other = _check_wave(other, other_name)
    if len(clean) != len(other):
        raise ValueError(f"clean has {len(clean)} samples but {other_name} has {len(other)}; they must match")
    if not np.any(clean):
        raise ValueError("clean reference is silent (all zeros): SNR is undefined")
    return clean, other


def _check_sr(sr: int) -> None:
    if sr != SR:
        raise ValueError(f"sample rate {sr} Hz given; these helpers are set up for {SR} Hz speech (resample first)")


# --------------------------------------------------------------------------- STFT


def stft(y: np.ndarray, sr: int = SR) -> np.ndarray:
    """Complex STFT, time-major: (frames, 129) for 8 kHz audio (librosa, Hann window, centred)."""
    import librosa

    _check_sr(sr)
    y = _check_wave(y).astype(np.float32)
    return librosa.stft(y, n_fft=N_FFT, hop_length=HOP).T


def istft(spec: np.ndarray, length: int, sr: int = SR) -> np.ndarray:
    """Inverse of :func:`stft` for a (frames, 129) complex array, trimmed/padded to ``length``."""
    import librosa

    _check_sr(sr)
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

    _check_sr(sr)
    mel = librosa.feature.melspectrogram(y=_check_wave(y).astype(np.float32), sr=sr, n_fft=N_FFT,
                                         hop_length=HOP, n_mels=n_mels, fmax=sr / 2)
    return librosa.power_to_db(mel, ref=1.0, top_db=None).T.astype(np.float32)


# --------------------------------------------------------------------------- quality


def snr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-noise ratio of ``estimate`` against ``clean``, in dB: 10·log10(Σs² / Σ(s − ŝ)²).

    Raises:
        ValueError: mismatched lengths, a silent reference, NaN samples, or a non-1-D input.
    """
    clean, estimate = _check_pair(clean, estimate, "estimate")
    error = np.sum((clean - estimate) ** 2)
    if error == 0:
        return float("inf")
    return float(10 * np.log10(np.sum(clean**2) / error))


def si_sdr_db(clean: np.ndarray, estimate: np.ndarray) -> float:
    """Scale-invariant signal-to-distortion ratio in dB (Le Roux et al., 2019).

    The estimate is projected on the (zero-mean) clean signal; what is left over is distortion.
    Unlike SNR it does not punish a correctly shaped estimate that is too loud or too quiet.
    """
    clean, estimate = _check_pair(clean, estimate, "estimate")
    clean = clean - clean.mean()
    estimate = estimate - estimate.mean()
    alpha = np.dot(estimate, clean) / np.dot(clean, clean)
    target = alpha * clean
    residual = estimate - target
    if not np.any(residual):
        return float("inf")
    return float(10 * np.log10(np.sum(target**2) / np.sum(residual**2)))


def mix_at_snr(clean: np.ndarray, noise: np.ndarray, snr: float) -> tuple[np.ndarray, np.ndarray]:
    """Scale ``noise`` so that ``clean + noise`` has exactly ``snr`` dB; return (mixture, scaled noise)."""
    clean, noise = _check_pair(clean, noise, "noise")
    if not np.any(noise):
        raise ValueError("noise is silent (all zeros): it cannot be scaled to an SNR")
    gain = np.sqrt(np.sum(clean**2) / (np.sum(noise**2) * 10 ** (snr / 10)))
    scaled = gain * noise
    return (clean + scaled).astype(np.float32), scaled.astype(np.float32)


# --------------------------------------------------------------------------- noise


def colored_noise(n: int, exponent: float, rng: np.random.Generator) -> np.ndarray:
    """Noise whose power falls as 1/f^exponent: 0 white, 1 pink, 2 brown (spectral shaping)."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n)
    freqs[0] = freqs[1] if n > 1 else 1.0
    shaped = np.fft.irfft(spectrum / freqs ** (exponent / 2), n)
    return (shaped / (np.std(shaped) + 1e-12)).astype(np.float32)


def hum(n: int, rng: np.random.Generator, sr: int = SR, harmonics: int = 6) -> np.ndarray:
    """Mains-like hum: a 50 or 60 Hz fundamental with decaying harmonics and random phases."""
    _check_sr(sr)
    f0 = rng.choice([50.0, 60.0])
    t = np.arange(n) / sr
    y = sum((0.8**k) * np.sin(2 * np.pi * f0 * (k + 1) * t + rng.uniform(0, 2 * np.pi)) for k in range(harmonics))
    return (y / np.std(y)).astype(np.float32)


def babble(n: int, pool: Sequence[np.ndarray], rng: np.random.Generator, talkers: int = 4) -> np.ndarray:
    """Several other recordings summed (each looped to length ``n``): speech-like noise."""
    if len(pool) < talkers:
        raise ValueError(f"babble needs at least {talkers} recordings in the pool; got {len(pool)}")
    out = np.zeros(n)
    for i in rng.choice(len(pool), talkers, replace=False):
        clip = np.asarray(pool[i], dtype=np.float64)
        reps = int(np.ceil(n / len(clip)))
        start = rng.integers(len(clip))
        looped = np.tile(clip, reps + 1)[start : start + n]
        out += looped / (np.std(looped) + 1e-12)
    return (out / np.std(out)).astype(np.float32)


def make_noise(kind: str, n: int, rng: np.random.Generator, pool: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """Noise of one of :data:`NOISE_TYPES`, ``n`` samples at 8 kHz, unit variance."""
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


# --------------------------------------------------------------------------- datasets


@dataclass
class NoisyPairs:
    """Noisy/clean recordings with what was done to each (one row per recording)."""

    clean: list[np.ndarray]
    noise: list[np.ndarray]
    noisy: list[np.ndarray]
    noise_type: np.ndarray
    snr: np.ndarray
    digit: np.ndarray
    speaker: np.ndarray
    index: np.ndarray

    def __len__(self) -> int:
        return len(self.clean)

    def subset(self, mask: np.ndarray) -> "NoisyPairs":
        idx = np.flatnonzero(mask) if np.asarray(mask).dtype == bool else np.asarray(mask, int)
        pick = lambda seq: [seq[i] for i in idx]
        return NoisyPairs(pick(self.clean), pick(self.noise), pick(self.noisy), self.noise_type[idx],
                          self.snr[idx], self.digit[idx], self.speaker[idx], self.index[idx])


def build_noisy_pairs(
    fsdd, snr_range: tuple[float, float] = (-5.0, 10.0), noise_types: Sequence[str] = NOISE_TYPES,
    snr_levels: Sequence[float] | None = None, seed: int = 0, progress: bool = False, babble_source=None,
) -> NoisyPairs:
    """One noisy copy of every recording in ``fsdd`` (a :class:`dl_helpers.data.FSDD`).

    Each recording gets a noise type drawn from ``noise_types`` and an input SNR drawn uniformly
    from ``snr_range`` (or from the discrete ``snr_levels``), all from one seeded generator.
    Babble for a recording is made from *other* speakers' recordings of the same split
    (index 0-4 vs 5-49), so test speech never leaks into training noise. They are drawn from
    ``babble_source`` (default: ``fsdd`` itself; pass the whole dataset when ``fsdd`` is a subset
    holding a single speaker).
    """
    from tqdm.std import tqdm  # text bar: no ipywidgets needed, nothing left in saved outputs

    if fsdd.sr != SR:
        raise ValueError(f"recordings are at {fsdd.sr} Hz; expected {SR} Hz")
    unknown = set(noise_types) - set(NOISE_TYPES)
    if unknown:
        raise ValueError(f"unknown noise types {sorted(unknown)}; expected some of {NOISE_TYPES}")
    rng = np.random.default_rng(seed)
    types = rng.choice(list(noise_types), len(fsdd))
    snrs = rng.choice(list(snr_levels), len(fsdd)) if snr_levels is not None else rng.uniform(*snr_range, len(fsdd))
    is_test = fsdd.index < 5
    source = babble_source if babble_source is not None else fsdd
    source_is_test = source.index < 5
    clean, noise, noisy = [], [], []
    for i in tqdm(range(len(fsdd)), desc="mixing noise", disable=not progress, mininterval=2, leave=False):
        y = fsdd.audio[i]
        pool = None
        if types[i] == "babble":
            others = np.flatnonzero((source.speaker != fsdd.speaker[i]) & (source_is_test == is_test[i]))
            pool = [source.audio[j] for j in rng.choice(others, min(8, len(others)), replace=False)]
        mixture, scaled = mix_at_snr(y, make_noise(types[i], len(y), rng, pool), float(snrs[i]))
        clean.append(y.astype(np.float32))
        noise.append(scaled)
        noisy.append(mixture)
    return NoisyPairs(clean, noise, noisy, types, snrs.astype(np.float32), fsdd.digit.copy(),
                      fsdd.speaker.copy(), fsdd.index.copy())


def spectrogram_batch(pairs: NoisyPairs, progress: bool = False) -> dict[str, list[np.ndarray]]:
    """STFTs of every pair: noisy magnitude, clean magnitude, noise magnitude, noisy phase."""
    from tqdm.std import tqdm  # text bar: no ipywidgets needed, nothing left in saved outputs

    out: dict[str, list[np.ndarray]] = {"noisy_mag": [], "clean_mag": [], "noise_mag": [], "noisy_phase": []}
    for i in tqdm(range(len(pairs)), desc="STFT", disable=not progress, mininterval=2, leave=False):
        noisy_mag, noisy_phase = magphase(stft(pairs.noisy[i]))
        out["noisy_mag"].append(noisy_mag)
        out["noisy_phase"].append(noisy_phase)
        out["clean_mag"].append(np.abs(stft(pairs.clean[i])).astype(np.float32))
        out["noise_mag"].append(np.abs(stft(pairs.noise[i])).astype(np.float32))
    return out


def pad_sequences(seqs: Sequence[np.ndarray], value: float = 0.0, length: int | None = None) -> np.ndarray:
    """Stack (T_i, F) arrays into (N, T_max, F), padding the end of each with ``value``."""
    if not len(seqs):
        raise ValueError("no sequences to pad")
    widths = {s.shape[1:] for s in seqs}
    if len(widths) != 1:
        raise ValueError(f"sequences must share their feature shape; got {sorted(widths)}")
    t_max = length or max(len(s) for s in seqs)
    out = np.full((len(seqs), t_max, *seqs[0].shape[1:]), value, dtype=np.float32)
    for i, s in enumerate(seqs):
        out[i, : min(len(s), t_max)] = s[:t_max]
    return out


def ideal_ratio_mask(clean_mag: np.ndarray, noise_mag: np.ndarray) -> np.ndarray:
    """The oracle ideal ratio mask sqrt(|S|² / (|S|² + |N|²)): needs the true clean and noise."""
    if clean_mag.shape != noise_mag.shape:
        raise ValueError(f"clean {clean_mag.shape} and noise {noise_mag.shape} magnitudes differ in shape")
    return np.sqrt(clean_mag**2 / (clean_mag**2 + noise_mag**2 + 1e-12)).astype(np.float32)


# --------------------------------------------------------------------------- display


def plot_spectrogram(mag: np.ndarray, ax, title: str, sr: int = SR, db_range: float = 80.0, colorbar: bool = False):
    """A time-major magnitude (or mask) spectrogram with axes in seconds and Hz (librosa.display)."""
    import librosa
    import librosa.display

    mag = np.asarray(mag)
    if mag.ndim != 2 or mag.shape[1] != N_BINS:
        raise ValueError(f"spectrogram must be (frames, {N_BINS}); got shape {mag.shape}")
    is_mask = mag.min() >= 0 and mag.max() <= 1 and "mask" in title.lower()
    values = mag.T if is_mask else librosa.amplitude_to_db(mag.T + 1e-10, ref=1.0, top_db=db_range)
    img = librosa.display.specshow(values, sr=sr, hop_length=HOP, n_fft=N_FFT, x_axis="s", y_axis="hz", ax=ax,
                                   cmap="magma", vmin=0 if is_mask else None, vmax=1 if is_mask else None)
    ax.set(title=title, xlabel="time (s)", ylabel="frequency (Hz)")
    if colorbar:
        ax.figure.colorbar(img, ax=ax, label="mask value" if is_mask else "magnitude (dB)")
    return img


def players(clips: Mapping[str, np.ndarray], sr: int = SR):
    """Audio players side by side (one ``IPython.display.Audio`` per clip), labelled."""
    from IPython.display import HTML, Audio

    cells = []
    for name, clip in clips.items():
        y = _check_wave(clip, name)
        peak = np.max(np.abs(y)) or 1.0
        audio = Audio(y / peak, rate=sr, normalize=False)
        cells.append(f"<td style='text-align:center'><b>{name}</b><br>{audio._repr_html_()}</td>")
    return HTML("<table><tr>" + "".join(cells) + "</tr></table>")


# --------------------------------------------------------------------------- spectral distances


def log_spectral_distance(reference: np.ndarray, estimate: np.ndarray, floor: float = LSD_FLOOR) -> float:
    """Log-spectral distance in dB between two magnitude spectrograms of the same shape.

    The root-mean-square over frequency of 20·log10(|X| / |X̂|), averaged over frames. Both
    magnitudes are floored at ``floor`` so silent cells do not dominate.
    """
    reference, estimate = np.asarray(reference), np.asarray(estimate)
    if reference.shape != estimate.shape or reference.ndim != 2:
        raise ValueError(f"expected two (frames, bins) magnitudes of one shape; got {reference.shape} and {estimate.shape}")
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
    return float(10 * np.log10(np.sum(reference**2) / max(np.sum((reference - estimate) ** 2), 1e-20)))
