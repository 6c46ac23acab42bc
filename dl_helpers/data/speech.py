"""The Free Spoken Digit Dataset (FSDD): recordings, speakers, and its one train/test rule."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np

from . import fetch

#: FSDD's sample rate (every recording is 8 kHz mono); the audio helpers are set up for it.
FSDD_SAMPLE_RATE = 8000
#: Upstream's split: recordings whose index is below this number (0-4) are the test set.
FSDD_TEST_INDEX_LIMIT = 5


def is_test_index(index: np.ndarray) -> np.ndarray:
    """Upstream's train/test rule for FSDD recording indices: 0-4 test, 5-49 train."""
    return np.asarray(index) < FSDD_TEST_INDEX_LIMIT


# GitHub archives of one commit are not byte-stable, so FSDD is checked by content: the sha256
# of the sorted ``sha256sum *.wav`` listing of ``recordings/`` (as documented for the offline copy).
FSDD_COMMIT = "26eb9aaf76e81b692f806f9140c2d2777410d7a1"
FSDD_SOURCE = fetch.Source(
    f"free-spoken-digit-dataset-{FSDD_COMMIT}.zip",
    (f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/{FSDD_COMMIT}.zip",),
    "1801eae019c063377d98f831d3f93574f259475df7332bb0e3d1b080fb5e6959",
)


@dataclass
class FSDD:
    """Free Spoken Digit Dataset recordings, one entry per WAV file.

    Attributes:
        audio: float32 waveforms in [-1, 1], one per recording (lengths differ).
        digit: the spoken digit, int array.
        speaker: the speaker's name, str array.
        index: the recording's index 0-49 (0-4 are the upstream test set), int array.
        sr: sample rate in Hz (always 8000).
    """

    audio: list[np.ndarray]
    digit: np.ndarray
    speaker: np.ndarray
    index: np.ndarray
    sr: int = FSDD_SAMPLE_RATE
    names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.audio)

    def subset(self, mask: np.ndarray | Sequence[int]) -> "FSDD":
        """The recordings selected by a boolean mask or an index array."""
        idx = np.flatnonzero(mask) if np.asarray(mask).dtype == bool else np.asarray(mask, int)
        return FSDD(
            [self.audio[i] for i in idx],
            self.digit[idx],
            self.speaker[idx],
            self.index[idx],
            self.sr,
            [self.names[i] for i in idx] if self.names else [],
        )

    @property
    def is_test(self) -> np.ndarray:
        """Upstream's split: recordings with index 0-4 are the test set."""
        return is_test_index(self.index)


def fsdd_listing_sha256(folder: Path) -> str:
    """sha256 of the sorted ``sha256sum *.wav`` listing of ``folder`` (FSDD's content checksum)."""
    lines = [
        f"{fetch.sha256_of(p)}  {p.name}\n"
        for p in sorted(folder.glob("*.wav"), key=lambda p: p.name.encode())
    ]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def read_wav(path: Path, expected_sr: int = FSDD_SAMPLE_RATE) -> np.ndarray:
    """Read a mono WAV as float32, checking its sample rate.

    Raises:
        ValueError: when the file is not mono or not at ``expected_sr`` Hz.
        CorruptDataError: when the file cannot be decoded.
    """
    import soundfile as sf

    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as error:  # soundfile raises LibsndfileError / RuntimeError
        raise fetch.CorruptDataError(f"{path.name} is not a readable WAV file ({error})") from error
    if sr != expected_sr:
        raise ValueError(f"{path.name} has sample rate {sr} Hz; expected {expected_sr} Hz")
    if audio.shape[1] != 1:
        raise ValueError(f"{path.name} has {audio.shape[1]} channels; expected mono")
    return audio[:, 0]


def load_fsdd(verify: bool = False) -> FSDD:
    """The Free Spoken Digit Dataset: every ``{digit}_{speaker}_{index}.wav`` of ``recordings/``.

    Args:
        verify: also check the folder's content checksum (about a second for 3,000 files).

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a file is unreadable, misnamed, or the checksum does not match.
        ValueError: when a recording is not mono 8 kHz.
    """
    found = fetch.find("fsdd/recordings")
    if found is None or not any(found[0].glob("*.wav")):
        try:
            found = (_download_fsdd(), "download")
        except OSError as error:
            raise fetch.unavailable("FSDD", "fsdd/recordings/*.wav", error) from error
    folder, origin = found
    note = ""
    if verify or origin == "download":
        digest = fsdd_listing_sha256(folder)
        if digest != FSDD_SOURCE.sha256:
            raise fetch.CorruptDataError(
                f"FSDD recordings in {fetch.display_path(folder)} have content checksum "
                f"{digest}, expected "
                f"{FSDD_SOURCE.sha256} (upstream commit {FSDD_COMMIT[:10]})"
            )
        note = ", content checksum verified"
    audio, digits, speakers, indices, names = [], [], [], [], []
    for path in sorted(folder.glob("*.wav")):
        parts = path.stem.split("_")
        if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
            raise fetch.CorruptDataError(f"{path.name}: expected a name like 3_theo_17.wav")
        audio.append(read_wav(path))
        digits.append(int(parts[0]))
        speakers.append(parts[1])
        indices.append(int(parts[2]))
        names.append(path.name)
    data = FSDD(
        audio, np.array(digits), np.array(speakers), np.array(indices), FSDD_SAMPLE_RATE, names
    )
    n_test = int(data.is_test.sum())
    fetch.record(
        "FSDD",
        f"{origin} {fetch.display_path(folder)}{note}",
        f"{len(data)} recordings, {len(set(speakers))} speakers, {FSDD_SAMPLE_RATE} Hz; "
        f"train (index 5-49) {len(data) - n_test}, test (index 0-4) {n_test}",
    )
    return data


def _download_fsdd() -> Path:
    """Download the pinned FSDD commit, unpack ``recordings/`` into the cache, check contents."""
    archive = fetch.download(FSDD_SOURCE, fetch.cache_dir(), verify_sha256=False)
    target = fetch.cache_dir() / "fsdd" / "recordings"
    staging = Path(tempfile.mkdtemp(dir=fetch.cache_dir()))
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if "/recordings/" in member and member.endswith(".wav"):
                    with zf.open(member) as src, open(staging / Path(member).name, "wb") as dst:
                        shutil.copyfileobj(src, dst)
        digest = fsdd_listing_sha256(staging)
        if digest != FSDD_SOURCE.sha256:
            raise fetch.CorruptDataError(
                f"the downloaded FSDD archive has content checksum {digest}, expected "
                f"{FSDD_SOURCE.sha256}"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
        archive.unlink(missing_ok=True)
    return target
