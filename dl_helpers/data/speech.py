"""The Free Spoken Digit Dataset (FSDD): recordings, speakers, and its one train/test rule."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
import zlib
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


def select(mask: np.ndarray | Sequence[int], n: int, what: str) -> np.ndarray:
    """Indices chosen by a boolean mask of length ``n`` or by an integer index array."""
    arr = np.asarray(mask)
    if arr.dtype == bool:
        if arr.shape != (n,):
            raise ValueError(
                f"{what}: boolean mask has shape {arr.shape}; expected ({n},), one entry per item"
            )
        return np.flatnonzero(arr)
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(
            f"{what}: indices have dtype {arr.dtype}; expected a boolean mask or integer indices"
        )
    idx = np.asarray(mask, int)
    if idx.ndim != 1:
        raise ValueError(f"{what}: indices must be 1-D; got shape {idx.shape}")
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise ValueError(
            f"{what}: index {idx.max() if idx.max() >= n else idx.min()} is out of range for "
            f"{n} items; expected 0 to {n - 1}"
        )
    return idx


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
        """The recordings selected by a boolean mask or an index array.

        Raises:
            ValueError: a boolean mask whose length is not the number of recordings, or an
                index outside 0 to len - 1.
        """
        idx = select(mask, len(self), "FSDD.subset")
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


def wav_header_frames(path: Path) -> int | None:
    """How many frames the ``data`` chunk of a RIFF/WAVE header announces (``None``: unknown).

    ``None`` for files that are not plain RIFF/WAVE (soundfile reads those on its own terms) and
    for streamed headers whose data size is a placeholder (0 or 0xFFFFFFFF).
    """
    with open(path, "rb") as handle:
        head = handle.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            return None
        block_align = None
        while True:
            chunk = handle.read(8)
            if len(chunk) < 8:
                return None
            cid, size = chunk[:4], int.from_bytes(chunk[4:], "little")
            if cid == b"fmt ":
                fmt = handle.read(size)
                if len(fmt) >= 14:
                    block_align = int.from_bytes(fmt[12:14], "little")
                handle.seek(size & 1, 1)
            elif cid == b"data":
                if not block_align or size in (0, 0xFFFFFFFF):
                    return None
                return size // block_align
            else:
                handle.seek(size + (size & 1), 1)


def read_wav(path: Path, expected_sr: int = FSDD_SAMPLE_RATE) -> np.ndarray:
    """Read a mono WAV as float32, checking its sample rate and that it is complete.

    Raises:
        ValueError: when the file is not mono or not at ``expected_sr`` Hz.
        CorruptDataError: when the file cannot be decoded, holds fewer frames than its header
            announces (a truncated copy), holds no samples at all, or non-finite samples.
    """
    import soundfile as sf

    path = Path(path)
    try:
        audio, sr = sf.read(str(path), dtype="float32", always_2d=True)
        announced = wav_header_frames(path)
    except Exception as error:  # soundfile raises LibsndfileError / RuntimeError
        raise fetch.CorruptDataError(f"{path.name} is not a readable WAV file ({error})") from error
    if sr != expected_sr:
        raise ValueError(f"{path.name} has sample rate {sr} Hz; expected {expected_sr} Hz")
    if audio.shape[1] != 1:
        raise ValueError(f"{path.name} has {audio.shape[1]} channels; expected mono")
    if announced is not None and len(audio) < announced:
        raise fetch.CorruptDataError(
            f"{path.name} holds {len(audio)} of the {announced} frames its header announces "
            "(the file is truncated); expected a complete recording: delete it and download "
            "the dataset again"
        )
    if len(audio) == 0:
        raise fetch.CorruptDataError(
            f"{path.name} holds no audio samples (0 frames); expected a recording"
        )
    if not np.all(np.isfinite(audio)):
        raise fetch.CorruptDataError(f"{path.name} holds NaN or infinite samples")
    return audio[:, 0]


def load_fsdd(verify: bool = True) -> FSDD:
    """The Free Spoken Digit Dataset: every ``{digit}_{speaker}_{index}.wav`` of ``recordings/``.

    Args:
        verify: check the folder's content checksum against the pinned upstream commit (about a
            second for 3,000 files). ``False`` is for a folder of your own (a subset, say): each
            file is still checked (name, format, length), the set of files is not.

    Raises:
        DatasetUnavailable: when no copy is found and none can be downloaded.
        CorruptDataError: when a file is unreadable, truncated or empty (see :func:`read_wav`),
            misnamed (or names a digit outside 0-9), or the checksum does not match.
        CacheWriteError: when the download worked but unpacking it into the cache failed.
        ValueError: when a recording is not mono 8 kHz.
    """
    found = fetch.find("fsdd/recordings")
    if found is None or not any(found[0].glob("*.wav")):
        try:
            found = (_download_fsdd(), "download")
        except fetch.CacheWriteError:
            raise  # the download worked; unpacking it did not (the message says so)
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
        if int(parts[0]) > 9:
            raise fetch.CorruptDataError(
                f"{path.name}: digit {int(parts[0])} in its name; expected a digit 0-9 "
                "(names like 3_theo_17.wav)"
            )
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
    """Download the pinned FSDD commit, unpack ``recordings/`` into the cache, check contents.

    The recordings are unpacked into a temporary folder and renamed into place only after their
    checksum matched; the archive and the temporary folder are removed whatever happens
    (Ctrl-C included).
    """
    archive = fetch.download(FSDD_SOURCE, fetch.cache_dir(), verify_sha256=False)
    target = fetch.cache_dir() / "fsdd" / "recordings"
    staging = None
    try:
        staging = Path(tempfile.mkdtemp(dir=fetch.cache_dir()))
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.namelist():
                    if "/recordings/" in member and member.endswith(".wav"):
                        with zf.open(member) as src, open(staging / Path(member).name, "wb") as dst:
                            shutil.copyfileobj(src, dst)
        except (zipfile.BadZipFile, zlib.error, EOFError) as error:
            raise fetch.CorruptDataError(
                f"the downloaded FSDD archive {archive.name} is not a readable zip ({error}); "
                "it was deleted, try again"
            ) from error
        except OSError as error:
            raise fetch.CacheWriteError(
                f"the download of {archive.name} succeeded, but unpacking its recordings into "
                f"{fetch.cache_dir()} failed ({error}); nothing partial was left. Free space "
                f"there or set {fetch.CACHE_ENV} to another folder, then load again"
            ) from error
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
        if staging is not None and staging.exists():
            shutil.rmtree(staging)
        archive.unlink(missing_ok=True)
    return target
