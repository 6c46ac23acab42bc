"""The denoising dataset of notebooks 03 and 04: noisy/clean pairs, their spectrograms, splits.

Every model in both notebooks is trained and compared on exactly these mixtures: :func:`make_folds`
draws them from seeded generators, so the same seeds and sizes give the same data in either
notebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import pandas as pd

from .. import audio, noise
from ..checks import check_count, check_finite, check_names
from ..data.speech import select
from ..data.splits import speaker_folds

#: RMS every mixture is scaled to (with its clean speech and noise): about FSDD's median level.
MIXTURE_RMS = 0.05


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
    level: float | None = MIXTURE_RMS,
) -> NoisyPairs:
    """One noisy copy of every recording in ``fsdd`` (a :class:`dl_helpers.data.FSDD`).

    Each recording gets a noise type drawn from ``noise_types`` and an input SNR drawn uniformly
    from ``snr_range``; with discrete ``snr_levels`` instead, every (noise type, level)
    combination is dealt equally often (±1) in random order, so results can be read per cell.
    All draws come from one seeded generator. Babble for a recording is made from *other*
    speakers' recordings of the same FSDD split (index 0-4 vs 5-49), drawn from
    ``babble_source`` (default: ``fsdd`` itself). Whose voices may be babble is the caller's
    decision: pass a source holding only the voices this split may hear (training speakers for
    training mixtures, held-out speakers for held-out ones).

    Every mixture is then scaled, with its clean speech and noise, to an RMS of ``level``
    (``None``: keep the recording's level). FSDD's speakers were recorded at levels over 10x apart;
    without this, a network's input and its squared-error loss would depend on who is speaking
    more than on what is noise. The gain is computed from the mixture alone (what a real system
    has), and SNR, SI-SDR, STOI and PESQ do not change when all three are scaled together.

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
    if level is not None:
        check_finite(level, "level")
        if level <= 0:
            raise ValueError(f"level (the mixtures' RMS) must be > 0 or None; got {level}")
    rng = np.random.default_rng(seed)
    if snr_levels is None:
        types = rng.choice(list(noise_types), len(fsdd))
        snrs = rng.uniform(*snr_range, len(fsdd))
    else:  # every (noise type, level) combination equally often (±1), in random order
        grid = [(kind, float(level)) for kind in noise_types for level in snr_levels]
        dealt = [grid[k] for k in rng.permutation(np.resize(np.arange(len(grid)), len(fsdd)))]
        types = np.array([kind for kind, _ in dealt], dtype=object).astype(str)
        snrs = np.array([level for _, level in dealt], dtype=float)
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
        gain = 1.0 if level is None else level / np.sqrt(np.mean(mixture.astype(np.float64) ** 2))
        clean.append((gain * y).astype(np.float32))
        noises.append((gain * scaled).astype(np.float32))
        noisy.append((gain * mixture).astype(np.float32))
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
class FoldData:
    """One speaker-independent fold: its held-out speakers are never heard in training.

    * ``train`` / ``val``: recordings with index 5-49 of the training speakers, one noisy copy
      each (noise type and SNR drawn per recording); babble made from training speakers only.
    * ``seen``: index 0-4 of the training speakers (voices heard in training, utterances not),
      every (noise type, test SNR) combination dealt evenly.
    * ``test``: recordings of the held-out speakers, dealt the same way; babble made from the
      *other held-out* speakers' recordings, so no voice in a test input was heard in training.
    """

    train: Split
    val: Split
    seen: Split
    test: Split
    train_speakers: tuple[str, ...]
    test_speakers: tuple[str, ...]
    noise_types: tuple[str, ...]

    def describe(self) -> pd.DataFrame:
        rows = {}
        for name in ("train", "val", "seen", "test"):
            pairs = getattr(self, name).pairs
            rows[name] = {
                "mixtures": len(pairs),
                "speakers": ", ".join(sorted(set(pairs.speaker))),
                "indices": f"{pairs.index.min()}-{pairs.index.max()}",
                "noise types": ", ".join(sorted(set(pairs.noise_type))),
                "seconds of audio": round(sum(len(c) for c in pairs.clean) / audio.SR, 1),
            }
        return pd.DataFrame(rows).T


def speaker_fold(
    fsdd,
    test_speakers: Sequence[str],
    *,
    n_train: int | None,
    n_seen: int | None,
    n_test: int | None,
    seed: int,
    val_fraction: float = 0.1,
    noise_types: Sequence[str] = noise.NOISE_TYPES,
    test_noise_types: Sequence[str] = noise.NOISE_TYPES,
    snr_levels: Sequence[float] = (-5.0, 0.0, 5.0, 10.0),
) -> FoldData:
    """Build one speaker-independent fold from ``load_fsdd()`` output (``n_*=None``: all).

    ``test_speakers`` are held out: none of their recordings is a training target, and none is
    babble in a training, validation or seen-speaker mixture. Training mixtures use
    ``noise_types`` (drop one to test on a noise never trained on); test sets use
    ``test_noise_types``. Subsets and mixtures come from one seeded generator, so the same
    arguments give the same fold.

    Raises:
        ValueError: unknown speakers, no test speaker or no training speaker left, two test
            speakers' worth of babble missing (babble needs at least two held-out speakers when
            it is a test noise), bad ``n_*`` or ``val_fraction``, empty ``snr_levels``.
    """
    speakers = sorted(set(fsdd.speaker))
    held = sorted(set(test_speakers))
    unknown = [s for s in held if s not in speakers]
    if unknown or not held:
        raise ValueError(f"test_speakers must be some of {speakers}; got {list(test_speakers)}")
    if len(held) == len(speakers):
        raise ValueError("every speaker is held out; expected at least one training speaker")
    if "babble" in test_noise_types and len(held) < 2:
        raise ValueError(
            "babble for held-out speakers is made from the other held-out speakers: hold out at "
            "least two speakers, or leave babble out of test_noise_types"
        )
    for name, value in (("n_train", n_train), ("n_seen", n_seen), ("n_test", n_test)):
        if value is not None:
            check_count(value, f"{name} (None for all recordings)", minimum=1)
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1); got {val_fraction}")
    if len(snr_levels) == 0:
        raise ValueError("snr_levels is empty; expected at least one test SNR in dB")
    check_names(noise_types, "noise_types", noise.NOISE_TYPES)
    check_names(test_noise_types, "test_noise_types", noise.NOISE_TYPES)
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, 2**31 - 1, 3)

    def pick(mask: np.ndarray, n: int | None) -> np.ndarray:
        idx = np.flatnonzero(mask)
        return np.sort(rng.choice(idx, n, replace=False)) if n is not None and n < len(idx) else idx

    is_held = np.isin(fsdd.speaker, held)
    training_voices = fsdd.subset(np.flatnonzero(~is_held))
    heldout_voices = fsdd.subset(np.flatnonzero(is_held))
    train_idx = pick(~is_held & ~fsdd.is_test, n_train)
    n_val = max(1, int(round(val_fraction * len(train_idx))))
    if n_val >= len(train_idx):
        raise ValueError(
            f"val_fraction {val_fraction} of {len(train_idx)} training recordings leaves no "
            "training clip; expected more recordings or a smaller val_fraction"
        )
    mixed = build_noisy_pairs(
        fsdd.subset(train_idx),
        noise_types=noise_types,
        seed=int(seeds[0]),
        babble_source=training_voices,
    )
    order = rng.permutation(len(train_idx))
    dealt = dict(noise_types=test_noise_types, snr_levels=snr_levels)
    seen = build_noisy_pairs(
        fsdd.subset(pick(~is_held & fsdd.is_test, n_seen)),
        **dealt,
        seed=int(seeds[1]),
        babble_source=training_voices,
    )
    test = build_noisy_pairs(
        fsdd.subset(pick(is_held, n_test)),
        **dealt,
        seed=int(seeds[2]),
        babble_source=heldout_voices,
    )
    return FoldData(
        train=make_split(mixed.subset(np.sort(order[n_val:]))),
        val=make_split(mixed.subset(np.sort(order[:n_val]))),
        seen=make_split(seen),
        test=make_split(test),
        train_speakers=tuple(s for s in speakers if s not in held),
        test_speakers=tuple(held),
        noise_types=tuple(noise_types),
    )


#: The speaker folds of notebooks 03 and 04, per profile (``None``: all recordings): both
#: notebooks build their folds from these and the notebook's seed, so they share every mixture.
FOLD_SIZES: dict[str, dict[str, int | None]] = {
    "quick": dict(n_folds=3, n_train=150, n_seen=40, n_test=60),
    "standard": dict(n_folds=3, n_train=1000, n_seen=100, n_test=200),
    # three folds in every profile: babble for a held-out speaker is made from another held-out
    # speaker, so a fold holds out at least two
    "full": dict(n_folds=3, n_train=None, n_seen=None, n_test=None),
}


def make_folds(
    fsdd,
    seeds: Sequence[int],
    *,
    n_train: int | None,
    n_seen: int | None,
    n_test: int | None,
    noise_types: Sequence[str] = noise.NOISE_TYPES,
    test_noise_types: Sequence[str] = noise.NOISE_TYPES,
) -> list[FoldData]:
    """Speaker-independent folds, one per seed: every speaker is held out exactly once.

    Speakers are dealt into ``len(seeds)`` folds (:func:`dl_helpers.data.speaker_folds`); fold
    ``k`` is :func:`speaker_fold` with seed ``seeds[k]``. Pass seeds derived from the notebook's
    seed (``evidence.derive_seeds``) and the same sizes to get the same folds in 03 and 04.
    Changing only ``test_noise_types`` keeps every training and validation mixture and changes
    only the seen and test sets (for example a babble-only test set of the same recordings).

    Raises:
        ValueError: repeated seeds, fewer than 2 or more folds than speakers, or what
            :func:`speaker_fold` refuses.
    """
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"fold seeds must be distinct; got {seeds}")
    return [
        speaker_fold(
            fsdd,
            held,
            n_train=n_train,
            n_seen=n_seen,
            n_test=n_test,
            seed=seed,
            noise_types=noise_types,
            test_noise_types=test_noise_types,
        )
        for (_, held), seed in zip(speaker_folds(fsdd.speaker, len(seeds)), seeds)
    ]
