"""The denoising dataset of notebooks 03 and 04: noisy/clean pairs, their spectrograms, splits.

Every model in both notebooks is trained and compared on exactly these mixtures: :func:`prepare`
draws them from a seeded generator, so the same arguments give the same data in either notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Sequence

import numpy as np
import pandas as pd

from .. import audio, noise
from ..checks import check_count, check_names
from ..data.speech import select

#: How many recordings each profile uses per split (``None``: all). Notebooks 03 and 04 both read
#: this, so they always train and test on exactly the same mixtures.
DATA_SIZES: dict[str, dict[str, int | None]] = {
    "quick": dict(n_train=500, n_test=100, n_heldout=100),
    "standard": dict(n_train=None, n_test=None, n_heldout=250),
    "full": dict(n_train=None, n_test=None, n_heldout=None),
}
HELDOUT_SPEAKER = "theo"


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
    #: for babble mixtures, the recordings the talkers were drawn from ("speaker/digit/index");
    #: empty for other noise. What a test checks to prove that held-out voices stay unheard.
    babble_pool: list[list[str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.clean)

    def subset(self, mask: np.ndarray) -> "NoisyPairs":
        """The pairs selected by a boolean mask (one entry per pair) or an index array."""
        idx = select(mask, len(self), "NoisyPairs.subset")
        pick = lambda seq: [seq[i] for i in idx]
        return NoisyPairs(
            pick(self.clean),
            pick(self.noise),
            pick(self.noisy),
            self.noise_type[idx],
            self.snr[idx],
            self.digit[idx],
            self.speaker[idx],
            self.index[idx],
            pick(self.babble_pool) if self.babble_pool else [],
        )


def build_noisy_pairs(
    fsdd,
    snr_range: tuple[float, float] = (-5.0, 10.0),
    noise_types: Sequence[str] = noise.NOISE_TYPES,
    snr_levels: Sequence[float] | None = None,
    *,
    seed: int,
    progress: bool = False,
    babble_source=None,
) -> NoisyPairs:
    """One noisy copy of every recording in ``fsdd`` (a :class:`dl_helpers.data.FSDD`).

    Each recording gets a noise type drawn from ``noise_types`` and an input SNR drawn uniformly
    from ``snr_range`` (or from the discrete ``snr_levels``), all from one seeded generator.
    Babble for a recording is made from *other* speakers' recordings of the same split
    (index 0-4 vs 5-49), so test speech never leaks into training noise. They are drawn from
    ``babble_source`` (default: ``fsdd`` itself; pass the whole dataset when ``fsdd`` is a subset
    holding a single speaker).

    Raises:
        ValueError: another sample rate, unknown or no noise types (a single string is refused:
            pass ``["white"]``), an empty ``snr_levels``, or SNRs that are not finite.
    """
    from tqdm.std import tqdm  # text bar: no ipywidgets needed, nothing left in saved outputs

    if fsdd.sr != audio.SR:
        raise ValueError(f"recordings are at {fsdd.sr} Hz; expected {audio.SR} Hz")
    check_names(noise_types, "noise_types", noise.NOISE_TYPES)
    if snr_levels is not None:
        if len(snr_levels) == 0 or not np.all(np.isfinite(np.asarray(snr_levels, float))):
            raise ValueError(f"snr_levels must be finite dB values, at least one; got {snr_levels}")
    elif len(snr_range) != 2 or not np.all(np.isfinite(np.asarray(snr_range, float))):
        raise ValueError(f"snr_range must be (low dB, high dB), finite; got {snr_range}")
    rng = np.random.default_rng(seed)
    types = rng.choice(list(noise_types), len(fsdd))
    snrs = (
        rng.choice(list(snr_levels), len(fsdd))
        if snr_levels is not None
        else rng.uniform(*snr_range, len(fsdd))
    )
    is_test = fsdd.is_test
    source = babble_source if babble_source is not None else fsdd
    source_is_test = source.is_test
    clean, noises, noisy, pools = [], [], [], []
    for i in tqdm(
        range(len(fsdd)), desc="mixing noise", disable=not progress, mininterval=2, leave=False
    ):
        y = fsdd.audio[i]
        pool, drawn = None, []
        if types[i] == "babble":
            others = np.flatnonzero(
                (source.speaker != fsdd.speaker[i]) & (source_is_test == is_test[i])
            )
            drawn = rng.choice(others, min(8, len(others)), replace=False)
            pool = [source.audio[j] for j in drawn]
        pools.append([f"{source.speaker[j]}/{source.digit[j]}/{source.index[j]}" for j in drawn])
        mixture, scaled = noise.mix_at_snr(
            y, noise.make_noise(types[i], len(y), rng, pool), float(snrs[i])
        )
        clean.append(y.astype(np.float32))
        noises.append(scaled)
        noisy.append(mixture)
    return NoisyPairs(
        clean,
        noises,
        noisy,
        types,
        snrs.astype(np.float32),
        fsdd.digit.copy(),
        fsdd.speaker.copy(),
        fsdd.index.copy(),
        pools,
    )


@dataclass
class Split:
    """Noisy/clean pairs of one split and their spectrograms (time-major, 129 bins)."""

    pairs: NoisyPairs
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


def make_split(pairs: NoisyPairs, progress: bool = False) -> Split:
    """STFTs of every pair: noisy magnitude and phase, clean and noise magnitudes."""
    from tqdm.std import tqdm  # text bar: no ipywidgets needed, nothing left in saved outputs

    split = Split(pairs, [], [], [], [])
    for i in tqdm(range(len(pairs)), desc="STFT", disable=not progress, mininterval=2, leave=False):
        noisy_mag, noisy_phase = audio.magphase(audio.stft(pairs.noisy[i]))
        split.noisy_mag.append(noisy_mag)
        split.noisy_phase.append(noisy_phase)
        split.clean_mag.append(np.abs(audio.stft(pairs.clean[i])).astype(np.float32))
        split.noise_mag.append(np.abs(audio.stft(pairs.noise[i])).astype(np.float32))
    return split


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
    *,
    seed: int,
) -> DenoisingData:
    """Build notebook 03's splits from ``load_fsdd()`` output; ``n_*=None`` means all recordings.

    Subsets are drawn with a seeded generator, so notebook 04 calling this with the same
    arguments gets exactly the same mixtures.

    Raises:
        ValueError: for a speaker that is not in the data, an ``n_*`` that is neither ``None``
            nor a positive integer, a ``val_fraction`` outside (0, 1) or one that leaves no
            training clip, or an empty ``snr_levels``.
    """
    speakers = sorted(set(fsdd.speaker))
    if heldout_speaker not in speakers:
        raise ValueError(f"unknown speaker {heldout_speaker!r}; expected one of {speakers}")
    for name, value in (("n_train", n_train), ("n_test", n_test), ("n_heldout", n_heldout)):
        if value is not None:
            check_count(value, f"{name} (None for all recordings)", minimum=1)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction}")
    if len(snr_levels) == 0:
        raise ValueError("snr_levels is empty; expected at least one test SNR in dB")
    rng = np.random.default_rng(seed)

    def pick(mask: np.ndarray, n: int | None) -> np.ndarray:
        idx = np.flatnonzero(mask)
        return np.sort(rng.choice(idx, n, replace=False)) if n is not None and n < len(idx) else idx

    known = fsdd.speaker != heldout_speaker
    train_idx = pick(known & ~fsdd.is_test, n_train)
    test_idx = pick(known & fsdd.is_test, n_test)
    heldout_idx = pick(~known, n_heldout)
    noisy_train = build_noisy_pairs(fsdd.subset(train_idx), seed=seed + 1, babble_source=fsdd)
    n_val = max(1, int(round(val_fraction * len(train_idx))))
    if n_val >= len(train_idx):
        raise ValueError(
            f"val_fraction {val_fraction} of {len(train_idx)} training recordings leaves no "
            "training clip; expected more recordings or a smaller val_fraction"
        )
    order = rng.permutation(len(train_idx))
    train = make_split(noisy_train.subset(np.sort(order[n_val:])))
    val = make_split(noisy_train.subset(np.sort(order[:n_val])))
    test_parts = [
        build_noisy_pairs(
            fsdd.subset(test_idx),
            snr_levels=[level],
            seed=seed + 2,
            progress=False,
            babble_source=fsdd,
        )
        for level in snr_levels
    ]
    test = make_split(_concat(test_parts))
    heldout = make_split(
        build_noisy_pairs(
            fsdd.subset(heldout_idx), seed=seed + 3, progress=False, babble_source=fsdd
        )
    )
    return DenoisingData(train, val, test, heldout, heldout_speaker, tuple(snr_levels))


def _concat(parts: Sequence[NoisyPairs]) -> NoisyPairs:
    """The pairs of every part, in order, as one :class:`NoisyPairs`."""
    joined = {}
    for f in fields(NoisyPairs):
        values = [getattr(p, f.name) for p in parts]
        joined[f.name] = (
            [x for v in values for x in v] if f.type.startswith("list") else np.concatenate(values)
        )
    return NoisyPairs(**joined)
