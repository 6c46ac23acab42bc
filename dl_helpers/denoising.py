"""Plumbing for the speech-denoising notebooks (03 and 04): one dataset, one batching scheme,
one evaluation, so that every model is compared on exactly the same mixtures.

The models themselves (BiLSTM, FCN, CNN) are the lesson and live in the notebooks. Each maps
``log1p(noisy magnitude)`` frames to a mask in [0, 1]; the estimate is ``mask * noisy magnitude``
and the waveform is rebuilt with the noisy phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from . import audio

#: How many recordings each profile uses per split (``None``: all). Notebooks 03 and 04 both read
#: this, so they always train and test on exactly the same mixtures.
DATA_SIZES: dict[str, dict[str, int | None]] = {
    "quick": dict(n_train=500, n_test=100, n_heldout=100),
    "standard": dict(n_train=None, n_test=None, n_heldout=250),
    "full": dict(n_train=None, n_test=None, n_heldout=None),
}
HELDOUT_SPEAKER = "theo"


@dataclass
class Split:
    """Noisy/clean pairs of one split and their spectrograms (time-major, 129 bins)."""

    pairs: audio.NoisyPairs
    noisy_mag: list[np.ndarray]
    clean_mag: list[np.ndarray]
    noise_mag: list[np.ndarray]
    noisy_phase: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.pairs)

    @property
    def features(self) -> list[np.ndarray]:
        """Network input: log(1 + |noisy STFT|), (frames, 129) per clip; never exactly 0."""
        return [np.log1p(m) for m in self.noisy_mag]


def make_split(pairs: audio.NoisyPairs) -> Split:
    spec = audio.spectrogram_batch(pairs)
    return Split(pairs, spec["noisy_mag"], spec["clean_mag"], spec["noise_mag"], spec["noisy_phase"])


@dataclass
class DenoisingData:
    """Notebook 03's splits.

    * ``train`` / ``val``: recordings with index 5-49 of every speaker but the held-out one,
      one noisy copy each (noise type and SNR drawn per recording).
    * ``test``: recordings with index 0-4 of the same speakers (the upstream test split), each
      mixed at every level of ``snr_levels`` with the same noise type, so results can be read by
      input SNR.
    * ``heldout``: recordings of ``heldout_speaker``, never seen in training, one noisy copy each.
    """

    train: Split
    val: Split
    test: Split
    heldout: Split
    heldout_speaker: str
    snr_levels: tuple[float, ...]

    def describe(self) -> pd.DataFrame:
        rows = {}
        for name in ("train", "val", "test", "heldout"):
            split = getattr(self, name)
            rows[name] = {
                "mixtures": len(split),
                "speakers": ", ".join(sorted(set(split.pairs.speaker))),
                "indices": f"{split.pairs.index.min()}-{split.pairs.index.max()}",
                "seconds of audio": round(sum(len(c) for c in split.pairs.clean) / audio.SR, 1),
            }
        return pd.DataFrame(rows).T


def prepare(
    fsdd,
    heldout_speaker: str = HELDOUT_SPEAKER,
    n_train: int | None = None,
    n_test: int | None = None,
    n_heldout: int | None = None,
    val_fraction: float = 0.1,
    snr_levels: Sequence[float] = (-5.0, 0.0, 5.0, 10.0),
    seed: int = 0,
) -> DenoisingData:
    """Build notebook 03's splits from ``load_fsdd()`` output; ``n_*=None`` means all recordings.

    Subsets are drawn with a seeded generator, so notebook 04 calling this with the same
    arguments gets exactly the same mixtures.

    Raises:
        ValueError: for a speaker that is not in the data.
    """
    speakers = sorted(set(fsdd.speaker))
    if heldout_speaker not in speakers:
        raise ValueError(f"unknown speaker {heldout_speaker!r}; expected one of {speakers}")
    rng = np.random.default_rng(seed)

    def pick(mask: np.ndarray, n: int | None) -> np.ndarray:
        idx = np.flatnonzero(mask)
        return np.sort(rng.choice(idx, n, replace=False)) if n is not None and n < len(idx) else idx

    known = fsdd.speaker != heldout_speaker
    train_idx = pick(known & (fsdd.index >= 5), n_train)
    test_idx = pick(known & (fsdd.index < 5), n_test)
    heldout_idx = pick(~known, n_heldout)
    noisy_train = audio.build_noisy_pairs(fsdd.subset(train_idx), seed=seed + 1, babble_source=fsdd)
    n_val = max(1, int(round(val_fraction * len(train_idx))))
    order = rng.permutation(len(train_idx))
    train = make_split(noisy_train.subset(np.sort(order[n_val:])))
    val = make_split(noisy_train.subset(np.sort(order[:n_val])))
    test_parts = [
        audio.build_noisy_pairs(fsdd.subset(test_idx), snr_levels=[level], seed=seed + 2, progress=False,
                                babble_source=fsdd)
        for level in snr_levels
    ]
    test = make_split(_concat(test_parts))
    heldout = make_split(
        audio.build_noisy_pairs(fsdd.subset(heldout_idx), seed=seed + 3, progress=False, babble_source=fsdd)
    )
    return DenoisingData(train, val, test, heldout, heldout_speaker, tuple(snr_levels))


def _concat(parts: Sequence[audio.NoisyPairs]) -> audio.NoisyPairs:
    cat = lambda name: [x for p in parts for x in getattr(p, name)]
    arr = lambda name: np.concatenate([getattr(p, name) for p in parts])
    return audio.NoisyPairs(cat("clean"), cat("noise"), cat("noisy"), arr("noise_type"), arr("snr"),
                            arr("digit"), arr("speaker"), arr("index"))


def length_batches(split: Split, batch_size: int, seed: int = 0, shuffle: bool = True):
    """A Keras ``PyDataset`` of ((features, noisy magnitude), clean magnitude) batches.

    Clips are grouped by length so that each batch is padded (with zeros, which the models mask)
    only to its own longest clip, not to the longest clip of the dataset. The order of batches is
    reshuffled every epoch from a seeded generator.
    """
    import keras

    class _Batches(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            order = np.argsort([len(m) for m in split.noisy_mag], kind="stable")
            self.batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            self.rng = np.random.default_rng(seed)
            self.order = np.arange(len(self.batches))
            self.features = split.features
            self.on_epoch_end()

        def __len__(self) -> int:
            return len(self.batches)

        def __getitem__(self, i: int):
            idx = self.batches[self.order[i]]
            x = audio.pad_sequences([self.features[j] for j in idx])
            mag = audio.pad_sequences([split.noisy_mag[j] for j in idx])
            y = audio.pad_sequences([split.clean_mag[j] for j in idx])
            return (x, mag), y

        def on_epoch_end(self) -> None:
            if shuffle:
                self.order = self.rng.permutation(len(self.batches))

    return _Batches()


def predict_masks(mask_model, features: Sequence[np.ndarray], batch_size: int = 64) -> list[np.ndarray]:
    """Run a model mapping padded (N, T, 129) features to masks; return one unpadded mask per clip."""
    order = np.argsort([len(f) for f in features], kind="stable")
    out: list[np.ndarray | None] = [None] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        x = audio.pad_sequences([features[j] for j in idx])
        masks = np.asarray(mask_model.predict(x, verbose=0))
        for k, j in enumerate(idx):
            out[j] = masks[k, : len(features[j])]
    return out  # type: ignore[return-value]


def oracle_masks(split: Split) -> list[np.ndarray]:
    """The ideal ratio mask of every clip (uses the true clean and noise: an upper bound)."""
    return [audio.ideal_ratio_mask(c, n) for c, n in zip(split.clean_mag, split.noise_mag)]


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
                raise ValueError(f"mask {i} has shape {masks[i].shape}; expected {split.noisy_mag[i].shape}")
            estimate = audio.istft(masks[i] * split.noisy_mag[i] * split.noisy_phase[i], len(clean))
        snr_in, sdr_in = audio.snr_db(clean, noisy), audio.si_sdr_db(clean, noisy)
        snr_out, sdr_out = audio.snr_db(clean, estimate), audio.si_sdr_db(clean, estimate)
        rows.append(dict(method=method, clip=i, noise=split.pairs.noise_type[i], input_snr=float(split.pairs.snr[i]),
                         speaker=split.pairs.speaker[i], snr_out=snr_out, snr_improvement=snr_out - snr_in,
                         si_sdr_out=sdr_out, si_sdr_improvement=sdr_out - sdr_in))
    return pd.DataFrame(rows)


def denoise(split: Split, masks: Sequence[np.ndarray], i: int) -> np.ndarray:
    """The waveform of clip ``i`` after applying its mask (noisy phase, inverse STFT)."""
    return audio.istft(masks[i] * split.noisy_mag[i] * split.noisy_phase[i], len(split.pairs.clean[i]))
