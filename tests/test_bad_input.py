"""Bad input and faults: every case is a clear error (or a right answer), never a silent wrong one.

Each case asserts the exception type and that the message names what was given or expected. Data
faults also assert that no file was left behind and that the offline folder did not change.
"""

from __future__ import annotations

import errno
import io
import os
import pickle
import tarfile
import warnings
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import soundfile as sf  # noqa: E402
from arrays import mnist_like  # noqa: E402  (tests/arrays.py)

from dl_helpers import (  # noqa: E402
    analysis,
    audio,
    denoising,
    images,
    model_cost,
    models,
    plotting,
    speech_metrics,
    verification,
)
from dl_helpers import noise as noises  # noqa: E402
from dl_helpers.data import FSDD, fetch, speech, vision  # noqa: E402
from dl_helpers.data.fetch import CacheWriteError, CorruptDataError  # noqa: E402

# the offline copies: $DL_HELPERS_DATA, else ../shared/datasets beside the repository (CI's layout)
BESIDE = Path(__file__).resolve().parents[2] / "shared" / "datasets"
SHARED = Path(os.environ.get("DL_HELPERS_DATA") or BESIDE)
RNG = np.random.default_rng(0)


# ---------------------------------------------------------------- helpers and guards


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in folder.rglob("*")
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def _offline_folder_untouched():
    """Whatever a test does, the shared offline copies are left exactly as they were."""
    before = _snapshot(SHARED)
    yield
    assert _snapshot(SHARED) == before, f"a test changed {SHARED}"


@pytest.fixture
def clean_env(isolated_data, monkeypatch):
    """The isolated data environment, with nobody vouching for any hash."""
    monkeypatch.delenv(fetch.TRUST_ENV, raising=False)
    return isolated_data


_mnist_arrays = mnist_like


def _cifar_arrays(n: int = 10, **override) -> dict[str, np.ndarray]:
    arrays = {
        "x_train": np.zeros((n, 32, 32, 3), np.uint8),
        "y_train": (np.arange(n) % 10).astype(np.uint8)[:, None],
        "x_test": np.zeros((n // 2, 32, 32, 3), np.uint8),
        "y_test": (np.arange(n // 2) % 10).astype(np.uint8)[:, None],
    }
    arrays.update(override)
    return arrays


def _offline(folder: Path, monkeypatch, name: str, arrays: dict, trust: bool = False) -> Path:
    """Write ``name`` into an offline folder and point $DL_HELPERS_DATA at it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    np.savez(path, **arrays)
    monkeypatch.setenv(fetch.DATA_ENV, str(folder))
    if trust:
        monkeypatch.setenv(fetch.TRUST_ENV, fetch.sha256_of(path))
    return path


def _write_wav(folder: Path, name: str, n: int = 4000) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(n) / 8000
    sf.write(folder / name, 0.3 * np.sin(2 * np.pi * 440 * t), 8000, subtype="PCM_16")
    return folder / name


def _fake_cifar_archive(folder: Path) -> tuple[Path, str]:
    """A tiny archive laid out like cifar-10-python.tar.gz (two pickled batches)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "cifar-10-python.tar.gz"
    rng = np.random.default_rng(1)
    with tarfile.open(path, "w:gz") as tar:
        for member, n in (("data_batch_1", 20), ("test_batch", 10)):
            batch = {
                b"data": rng.integers(0, 256, (n, 3072), dtype=np.uint8),
                b"labels": [i % 10 for i in range(n)],
            }
            blob = pickle.dumps(batch)
            info = tarfile.TarInfo(f"cifar-10-batches-py/{member}")
            info.size = len(blob)
            tar.addfile(info, io.BytesIO(blob))
    return path, fetch.sha256_of(path)


def _serve_cifar(tmp: Path, monkeypatch) -> None:
    archive, digest = _fake_cifar_archive(tmp / "server")
    monkeypatch.setattr(
        vision, "CIFAR10_SOURCE", fetch.Source(archive.name, (archive.as_uri(),), digest)
    )


def _leftovers(folder: Path) -> list[str]:
    """Temporary or partial files a failed write might leave."""
    if not folder.exists():
        return []
    return sorted(
        p.name for p in folder.rglob("*") if p.name.startswith("tmp") or p.suffix == ".tmp"
    )


def _cache_is_empty(env: Path) -> bool:
    """Nothing was written to the cache (a failed load leaves no file behind)."""
    cache = env / "cache"
    return not cache.exists() or not any(cache.iterdir())


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


# ---------------------------------------------------------------- integrity of data files


def test_tampered_mnist_is_refused_naming_file_hash_and_fix(clean_env, monkeypatch):
    labels = np.roll((np.arange(20) % 10).astype(np.uint8), 3)  # shifted labels
    path = _offline(clean_env / "offline", monkeypatch, "mnist.npz", _mnist_arrays(y_train=labels))
    before = _snapshot(path.parent)
    digest = fetch.sha256_of(path)
    with pytest.raises(CorruptDataError) as info:
        vision.load_mnist()
    message = str(info.value)
    assert "mnist.npz" in message and digest in message
    assert vision.MNIST_SOURCE.sha256 in message and fetch.OFFLINE_SHA256["mnist.npz"] in message
    assert f"{fetch.TRUST_ENV}={digest}" in message and "delete it" in message
    assert _snapshot(path.parent) == before, "the offline folder changed"
    assert _cache_is_empty(clean_env)


def test_unknown_file_in_cache_is_refused_and_kept(clean_env):
    cache = clean_env / "cache"
    cache.mkdir()
    np.savez(cache / "mnist.npz", **_mnist_arrays())
    with pytest.raises(CorruptDataError, match=r"mnist\.npz \(cache/mnist\.npz\) has sha256"):
        vision.load_mnist()
    assert sorted(p.name for p in cache.iterdir()) == ["mnist.npz"]  # never deleted silently


def test_real_offline_mnist_with_shifted_labels_is_refused(offline_dir, clean_env, monkeypatch):
    with np.load(offline_dir / "mnist.npz") as archive:
        arrays = {k: archive[k] for k in archive.files}
    shifted = arrays["y_train"].copy()
    shifted[:54150] = (shifted[:54150] + 1) % 10
    path = _offline(clean_env / "offline", monkeypatch, "mnist.npz", dict(arrays, y_train=shifted))
    with pytest.raises(CorruptDataError, match=fetch.sha256_of(path)):
        vision.load_mnist()


@pytest.mark.parametrize(
    "name, arrays, message",
    [
        ("mnist.npz", _mnist_arrays(y_train=np.full(20, 200, np.uint8)), r"label 200.*0-9"),
        ("mnist.npz", _mnist_arrays(y_test=np.full(10, 10, np.uint8)), r"y_test holds label 10"),
        (
            "cifar10.npz",
            _cifar_arrays(y_test=np.full((5, 1), 12, np.uint8)),
            r"cifar10\.npz: y_test holds label 12",
        ),
        (
            "mnist.npz",
            _mnist_arrays(x_test=np.zeros((0, 28, 28), np.uint8), y_test=np.zeros((0,), np.uint8)),
            r"x_test is empty",
        ),
        ("mnist.npz", _mnist_arrays(y_train=np.zeros(19, np.uint8)), r"y_train has 19"),
        (
            "cifar10.npz",
            dict(_cifar_arrays(), class_names=np.array(["cat"] * 10)),
            r"class_names .* expected \['airplane'",
        ),
        ("cifar10.npz", _cifar_arrays(y_train=np.zeros(10, np.uint8)), r"expected \(N, 1\) uint8"),
    ],
    ids=[
        "label-200",
        "label-10",
        "cifar-label-12",
        "empty-split",
        "count-mismatch",
        "class-names",
        "cifar-label-shape",
    ],
)
def test_vouched_for_files_still_have_their_contents_checked(
    clean_env, monkeypatch, name, arrays, message
):
    path = _offline(clean_env / "offline", monkeypatch, name, arrays, trust=True)
    before = _snapshot(path.parent)
    loader = vision.load_mnist if name == "mnist.npz" else vision.load_cifar10
    with pytest.raises(CorruptDataError, match=message):
        loader()
    assert _snapshot(path.parent) == before and _cache_is_empty(clean_env)


def test_npy_saved_as_npz_is_named(clean_env, monkeypatch):
    folder = clean_env / "offline"
    folder.mkdir()
    np.save(folder / "x.npy", np.zeros((3, 28, 28), np.uint8))
    (folder / "x.npy").rename(folder / "mnist.npz")
    monkeypatch.setenv(fetch.DATA_ENV, str(folder))
    with pytest.raises(CorruptDataError, match="mnist.npz .* has sha256"):
        vision.load_mnist()  # unknown hash: refused before it is even parsed
    monkeypatch.setenv(fetch.TRUST_ENV, fetch.sha256_of(folder / "mnist.npz"))
    with pytest.raises(CorruptDataError, match=r"mnist\.npz .*single \.npy array.*expected an"):
        vision.load_mnist()
    assert _cache_is_empty(clean_env) and sorted(os.listdir(folder)) == ["mnist.npz"]


def test_flipped_bytes_in_cifar_npz_are_named(clean_env, monkeypatch):
    folder = clean_env / "offline"
    folder.mkdir()
    arrays = _cifar_arrays(x_train=RNG.integers(0, 256, (10, 32, 32, 3), dtype=np.uint8))
    np.savez_compressed(folder / "cifar10.npz", **arrays)
    raw = bytearray((folder / "cifar10.npz").read_bytes())
    for i in range(200, 2200):
        raw[i] ^= 0xFF
    (folder / "cifar10.npz").write_bytes(bytes(raw))
    monkeypatch.setenv(fetch.DATA_ENV, str(folder))
    with pytest.raises(CorruptDataError, match="cifar10.npz .* has sha256"):
        vision.load_cifar10()
    monkeypatch.setenv(fetch.TRUST_ENV, fetch.sha256_of(folder / "cifar10.npz"))
    with pytest.raises(CorruptDataError, match=r"cifar10\.npz .*truncated or corrupt"):
        vision.load_cifar10()
    assert _cache_is_empty(clean_env) and sorted(os.listdir(folder)) == ["cifar10.npz"]


def test_garbage_bytes_are_named(clean_env, monkeypatch):
    folder = clean_env / "offline"
    folder.mkdir()
    (folder / "mnist.npz").write_bytes(b"<html>not found</html>")
    monkeypatch.setenv(fetch.DATA_ENV, str(folder))
    monkeypatch.setenv(fetch.TRUST_ENV, fetch.sha256_of(folder / "mnist.npz"))
    with pytest.raises(CorruptDataError, match=r"mnist\.npz .*not an \.npz archive"):
        vision.load_mnist()
    assert _cache_is_empty(clean_env)


@pytest.mark.parametrize("value", ["abc", "0" * 63, "g" * 64])
def test_malformed_trust_variable_is_named(clean_env, monkeypatch, value):
    _offline(clean_env / "offline", monkeypatch, "mnist.npz", _mnist_arrays())
    monkeypatch.setenv(fetch.TRUST_ENV, value)
    with pytest.raises(ValueError, match=f"{fetch.TRUST_ENV}.*64 hex digits"):
        vision.load_mnist()


def test_loading_the_real_offline_copies_writes_nothing(offline_dir, clean_env, monkeypatch):
    monkeypatch.setenv(fetch.DATA_ENV, str(offline_dir))
    monkeypatch.setenv(fetch.TRUST_ENV, "not-a-hash")  # never consulted for a documented copy
    monkeypatch.setattr(np, "savez_compressed", _enospc)  # a loader that tried to write would fail
    (x, _), _ = vision.load_mnist()
    (xc, _), _ = vision.load_cifar10()
    assert x.shape == (60000, 28, 28) and xc.shape == (14910, 32, 32, 3)
    assert _cache_is_empty(clean_env)


def test_offline_copies_match_their_documented_hashes(offline_dir):
    for name, digest in fetch.OFFLINE_SHA256.items():
        assert fetch.sha256_of(offline_dir / name) == digest


# ---------------------------------------------------------------- CIFAR conversion, atomic writes


def test_converted_cifar_is_trusted_through_its_record(clean_env, monkeypatch):
    _serve_cifar(clean_env, monkeypatch)
    (x, y), (xt, yt) = vision.load_cifar10()
    assert x.shape == (20, 32, 32, 3) and yt.shape == (10, 1)
    cache = clean_env / "cache"
    assert (cache / "cifar10.npz.sha256.json").exists()
    again = vision.load_cifar10()  # from the cache now, recognised by its record
    np.testing.assert_array_equal(again[0][0], x)
    np.savez_compressed(cache / "cifar10.npz", **_cifar_arrays())  # swapped behind its back
    with pytest.raises(CorruptDataError, match=r"cifar10\.npz.*record.*does not match"):
        vision.load_cifar10()


@pytest.mark.parametrize("fault", [_enospc, _interrupt], ids=["disk-full", "ctrl-c"])
def test_cifar_cache_write_failure_leaves_nothing_and_names_the_step(clean_env, monkeypatch, fault):
    _serve_cifar(clean_env, monkeypatch)
    monkeypatch.setattr(np, "savez_compressed", fault)
    expected = KeyboardInterrupt if fault is _interrupt else CacheWriteError
    with pytest.raises(expected) as info:
        vision.load_cifar10()
    cache = clean_env / "cache"
    assert _leftovers(cache) == []
    assert sorted(p.name for p in cache.iterdir()) == ["cifar-10-python.tar.gz"]  # verified
    if fault is _enospc:
        message = str(info.value)
        assert "download of cifar-10-python.tar.gz succeeded" in message
        assert "saving the converted CIFAR-10 arrays" in message and "No space left" in message


def test_cifar_record_write_failure_leaves_no_unverifiable_file(clean_env, monkeypatch):
    _serve_cifar(clean_env, monkeypatch)
    monkeypatch.setattr(fetch, "atomic_write_text", _enospc)
    with pytest.raises(CacheWriteError, match="download of cifar-10-python.tar.gz succeeded"):
        vision.load_cifar10()
    cache = clean_env / "cache"
    assert not (cache / "cifar10.npz").exists() and _leftovers(cache) == []


@pytest.mark.parametrize("fault", [_enospc, _interrupt], ids=["disk-full", "ctrl-c"])
def test_atomic_savez_keeps_the_old_file_and_no_temp(tmp_path, monkeypatch, fault):
    target = tmp_path / "arrays.npz"
    np.savez_compressed(target, a=np.arange(3))
    old = target.read_bytes()
    monkeypatch.setattr(np, "savez_compressed", fault)
    expected = KeyboardInterrupt if fault is _interrupt else CacheWriteError
    with pytest.raises(expected) as info:
        fetch.atomic_savez(target, a=np.arange(5))
    assert target.read_bytes() == old and _leftovers(tmp_path) == []
    if fault is _enospc:
        assert "arrays.npz" in str(info.value) and "no partial file" in str(info.value)


def test_interrupted_download_leaves_no_partial_file(clean_env, monkeypatch):
    import keras

    def partial_then_interrupt(fname, origin, cache_dir, cache_subdir):
        Path(cache_dir, fname).write_bytes(b"half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(keras.utils, "get_file", partial_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        fetch.download(vision.MNIST_SOURCE, clean_env / "cache")
    assert not any((clean_env / "cache").iterdir())


def test_failed_download_says_what_went_wrong(clean_env):
    with pytest.raises(fetch.DatasetUnavailable, match=r"last error: \w+"):
        vision.load_mnist()


# ---------------------------------------------------------------- damaged audio


def _truncate(path: Path, n_bytes: int) -> Path:
    path.write_bytes(path.read_bytes()[:n_bytes])
    return path


def test_truncated_wav_is_corrupt_naming_the_file(clean_env, monkeypatch):
    rec = clean_env / "offline" / "fsdd" / "recordings"
    _write_wav(rec, "3_theo_0.wav")
    _truncate(_write_wav(rec, "4_theo_1.wav"), 44 + 2 * 1989)
    monkeypatch.setenv(fetch.DATA_ENV, str(clean_env / "offline"))
    before = _snapshot(rec)
    with pytest.raises(CorruptDataError, match=r"4_theo_1\.wav holds 1989 of the 4000 frames"):
        speech.load_fsdd(verify=False)
    assert _snapshot(rec) == before and _cache_is_empty(clean_env)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: _truncate(_write_wav(p, "1_a_0.wav"), 44), r"1_a_0\.wav holds 0 of the 4000"),
        (lambda p: _write_wav(p, "1_a_0.wav", n=0), r"1_a_0\.wav holds no audio samples"),
        (lambda p: _truncate(_write_wav(p, "1_a_0.wav"), 20), r"1_a_0\.wav is not a readable WAV"),
    ],
    ids=["header-only", "zero-frames", "broken-header"],
)
def test_empty_or_broken_wavs_are_corrupt(tmp_path, make, message):
    with pytest.raises(CorruptDataError, match=message):
        speech.read_wav(make(tmp_path))


def test_wav_named_with_a_digit_over_9_is_refused(clean_env, monkeypatch):
    _write_wav(clean_env / "offline" / "fsdd" / "recordings", "12_theo_3.wav")
    monkeypatch.setenv(fetch.DATA_ENV, str(clean_env / "offline"))
    with pytest.raises(CorruptDataError, match=r"12_theo_3\.wav: digit 12 .*0-9"):
        speech.load_fsdd(verify=False)


def _fsdd_zip(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    rec = _write_wav(cache.parent / "src", "1_a_5.wav")
    archive = cache / speech.FSDD_SOURCE.filename
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(rec, "fsdd-main/recordings/1_a_5.wav")
    return archive


@pytest.mark.parametrize("fault", [_enospc, _interrupt], ids=["disk-full", "ctrl-c"])
def test_fsdd_unpack_failure_leaves_nothing(clean_env, monkeypatch, fault):
    cache = clean_env / "cache"
    archive = _fsdd_zip(cache)
    monkeypatch.setattr(fetch, "download", lambda *a, **k: archive)
    monkeypatch.setattr(speech.shutil, "copyfileobj", fault)
    expected = KeyboardInterrupt if fault is _interrupt else CacheWriteError
    with pytest.raises(expected) as info:
        speech.load_fsdd()
    assert list(cache.iterdir()) == []  # no staging folder, no archive, no recordings
    if fault is _enospc:
        assert "succeeded, but unpacking its recordings" in str(info.value)


def test_fsdd_broken_zip_is_named(clean_env, monkeypatch):
    cache = clean_env / "cache"
    cache.mkdir()
    archive = cache / speech.FSDD_SOURCE.filename
    archive.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setattr(fetch, "download", lambda *a, **k: archive)
    with pytest.raises(CorruptDataError, match=r"FSDD archive .*\.zip is not a readable zip"):
        speech.load_fsdd()
    assert list(cache.iterdir()) == []


# ---------------------------------------------------------------- metrics that rewarded silence


def tone(n: int = 4000, f: float = 440.0) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * f * np.arange(n) / audio.SR)).astype(np.float32)


def _tiny_split():
    speakers = np.array(["a", "b", "c", "d", "e", "f"] * 2)
    clips = [tone(2000 + 100 * i, 200 + 50 * i) for i in range(12)]
    fsdd = FSDD(clips, np.arange(12) % 10, speakers, np.array([0] * 6 + [7] * 6))
    pairs = denoising.build_noisy_pairs(fsdd, noise_types=["white", "pink"], seed=1)
    return denoising.make_split(pairs.subset(np.arange(4)))


def test_silent_output_is_counted_not_ranked_best():
    split = _tiny_split()
    oracle = denoising.oracle_masks(split)
    normal = denoising.evaluate(split, oracle, "oracle")
    masks = [np.zeros_like(oracle[0])] + oracle[1:]
    with pytest.warns(UserWarning, match=r"1 of 4 outputs are silent or constant"):
        mixed = denoising.evaluate(split, masks, "silent first")
    assert mixed.attrs["silent_outputs"] == 1 and mixed["silent_output"].tolist() == [
        True,
        False,
        False,
        False,
    ]
    assert np.isnan(mixed.loc[0, "si_sdr_out"]) and np.isnan(mixed.loc[0, "si_sdr_improvement"])
    assert mixed.loc[0, "snr_out"] == pytest.approx(0.0)  # a silent output: 0 dB SNR
    assert np.isfinite(mixed["si_sdr_improvement"].mean())
    columns = [c for c in normal.columns if c not in ("method", "silent_output")]
    assert list(normal.columns[:-1]) == [
        "method",
        "clip",
        "noise",
        "input_snr",
        "speaker",
        "snr_out",
        "snr_improvement",
        "si_sdr_out",
        "si_sdr_improvement",
    ]
    assert mixed.loc[1:, columns].equals(normal.loc[1:, columns])  # normal clips unchanged
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert denoising.evaluate(split, oracle, "again").attrs["silent_outputs"] == 0


def test_snr_of_an_exact_estimate_is_inf_by_definition():
    assert speech_metrics.snr_db(tone(), tone()) == float("inf")


# ---------------------------------------------------------------- pure functions: one table

LABELS = np.array([0, 1] * 50)
TINY = np.array([0, 0, 1, 1])
FEATS = RNG.random((20, 6))
Y20 = np.arange(20) % 2


def _tiny_model():
    return models.build_mlp(1, 4, input_dim=3, n_classes=2, seed=0)


CASES = [
    # speech metrics
    ("si_sdr-silent", lambda: speech_metrics.si_sdr_db(tone(), np.zeros(4000)), "silent"),
    ("si_sdr-constant", lambda: speech_metrics.si_sdr_db(tone(), np.full(4000, 0.2)), "constant"),
    (
        "si_sdr-dc-clean",
        lambda: speech_metrics.si_sdr_db(np.full(9, 0.5), tone(9)),
        "clean reference is constant",
    ),
    ("snr-int16", lambda: speech_metrics.snr_db(np.ones(9, np.int16), tone(9)), "int16.*32768"),
    ("snr-bool", lambda: speech_metrics.snr_db(np.ones(9, bool), tone(9)), "clean has bool"),
    ("snr-complex", lambda: speech_metrics.snr_db(tone(9), tone(9) + 1j), "estimate has complex"),
    (
        "lsd-nan-reference",
        lambda: speech_metrics.log_spectral_distance(np.full((2, 3), np.nan), np.ones((2, 3))),
        "reference contains NaN",
    ),
    (
        "lsd-floor-0",
        lambda: speech_metrics.log_spectral_distance(np.ones((2, 3)), np.ones((2, 3)), floor=0),
        "floor must be a positive",
    ),
    (
        "lsd-empty",
        lambda: speech_metrics.log_spectral_distance(np.ones((0, 3)), np.ones((0, 3))),
        "reference is empty",
    ),
    (
        "lsd-complex",
        lambda: speech_metrics.log_spectral_distance(np.ones((2, 3)) + 1j, np.ones((2, 3))),
        r"np\.abs",
    ),
    (
        "magsnr-nan",
        lambda: speech_metrics.magnitude_snr_db(np.ones((2, 3)), np.full((2, 3), np.nan)),
        "estimate contains NaN",
    ),
    (
        "magsnr-negative",
        lambda: speech_metrics.magnitude_snr_db(np.ones((2, 3)), -np.ones((2, 3))),
        "negative",
    ),
    # audio units and sizes
    ("stft-int16", lambda: audio.stft((tone() * 32767).astype(np.int16)), "int16.*32768"),
    ("stft-int16-as-float", lambda: audio.stft(tone() * 32767), "peaks at .*full scale"),
    ("log_mel-int16", lambda: audio.log_mel(np.ones(4000, np.int16)), "int16"),
    ("log_mel-n_mels-0", lambda: audio.log_mel(tone(), n_mels=0), "n_mels must be"),
    ("log_mel-n_mels-500", lambda: audio.log_mel(tone(), n_mels=500), "at most 129"),
    ("istft-length", lambda: audio.istft(audio.stft(tone()), length=-1), "length must be"),
    ("istft-nan", lambda: audio.istft(np.full((3, 129), np.nan), 100), "NaN"),
    ("n_frames-negative", lambda: audio.n_frames(-5), "n_samples must be"),
    ("from_magphase-complex", lambda: audio.from_magphase(np.ones(3) + 1j, np.ones(3)), "mag is"),
    # noise
    (
        "babble-silent-pool",
        lambda: noises.babble(4000, [np.zeros(3000)] * 5, np.random.default_rng(0)),
        "recording 0 is silent",
    ),
    (
        "babble-constant-clip",
        lambda: noises.babble(99, [tone(300)] * 4 + [np.ones(300)], np.random.default_rng(0)),
        "recording 4 is constant",
    ),
    (
        "babble-nan-clip",
        lambda: noises.make_noise("babble", 99, RNG, [tone(300)] * 4 + [np.full(9, np.nan)]),
        "recording 4 contains NaN",
    ),
    ("babble-talkers-0", lambda: noises.babble(99, [tone()] * 4, RNG, talkers=0), "talkers"),
    ("noise-n-0", lambda: noises.make_noise("white", 0, RNG), r"n \(number of samples\)"),
    ("noise-n-negative", lambda: noises.make_noise("pink", -5, RNG), "got -5"),
    ("noise-n-1", lambda: noises.make_noise("hum", 1, RNG), ">= 2"),
    ("noise-n-float", lambda: noises.make_noise("brown", 99.5, RNG), "got 99.5"),
    ("hum-harmonics-0", lambda: noises.hum(99, RNG, harmonics=0), "harmonics"),
    ("mix-snr-nan", lambda: noises.mix_at_snr(tone(), tone(f=300), float("nan")), "snr must"),
    # images
    ("binarise-float-255", lambda: images.binarise(np.array([[0.0, 255.0]])), r"\[0, 255\].*255"),
    ("binarise-int64-255", lambda: images.binarise(np.array([0, 200])), "int64 images"),
    ("binarise-threshold-128", lambda: images.binarise(np.zeros(3, np.uint8), 128), "threshold"),
    ("binarise-nan", lambda: images.binarise(np.array([0.2, np.nan])), "NaN"),
    ("patches-0", lambda: images.to_patches(np.zeros((1, 28, 28)), 0), "patch must"),
    ("from-patches-negative", lambda: images.from_patches(np.zeros((1, 4, 1)), -1), "patch must"),
    # models
    ("mlp-n_hidden-negative", lambda: models.build_mlp(n_hidden=-3, seed=0), "n_hidden .*got -3"),
    ("mlp-n_hidden-float", lambda: models.build_mlp(n_hidden=2.5, seed=0), "n_hidden .*2.5"),
    ("mlp-width-0", lambda: models.build_mlp(width=0, seed=0), "width"),
    ("mlp-n_classes-1", lambda: models.build_mlp(n_classes=1, seed=0), "n_classes .* >= 2"),
    ("cnn-4-blocks", lambda: models.build_mnist_cnn(filters=(8, 8, 8, 8)), "28x28 input allows 3"),
    ("cnn-filter-0", lambda: models.build_mnist_cnn(filters=(16, 0)), r"filters\[1\]"),
    ("cnn-filters-int", lambda: models.build_mnist_cnn(filters=16), "sequence of filter counts"),
    ("cnn-dense-0", lambda: models.build_mnist_cnn(dense_units=0), "dense_units"),
    ("stop_at-nan", lambda: models.stop_at(float("nan")), "target must be a finite"),
    ("cnn-input-2d", lambda: models.build_mnist_cnn(input_shape=(28, 28)), "input_shape"),
    # analysis
    (
        "probes-n_units-negative",
        lambda: analysis.random_unit_probes(FEATS, Y20, FEATS, Y20, n_units=-3, seed=0),
        "n_units must be an integer >= 1; got -3",
    ),
    (
        "probes-n_draws-0",
        lambda: analysis.random_unit_probes(FEATS, Y20, FEATS, Y20, n_draws=0, seed=0),
        "n_draws",
    ),
    (
        "probes-val-mismatch",
        lambda: analysis.random_unit_probes(
            FEATS, Y20, FEATS, Y20, 2, val=(FEATS[:, :3], Y20), seed=0
        ),
        "same units",
    ),
    (
        "argmax-float-labels",
        lambda: analysis.argmax_unit_classifier(FEATS, Y20 + 0.0, FEATS),
        "y_train has dtype float64",
    ),
    (
        "argmax-empty-train",
        lambda: analysis.argmax_unit_classifier(FEATS[:0], Y20[:0], FEATS),
        "at least one sample",
    ),
    (
        "probe-label-count",
        lambda: analysis.linear_probe(FEATS, Y20[:5], FEATS, Y20, seed=0),
        "20 train features and 5 labels",
    ),
    ("embed-one-sample", lambda: analysis.embed_2d(FEATS[:1], "pca", seed=0), "at least 2 samples"),
    ("embed-nan", lambda: analysis.embed_2d(np.full((5, 3), np.nan), "pca", seed=0), "NaN"),
    ("embed-1-d", lambda: analysis.embed_2d(FEATS[0], seed=0), r"\(N, units\)"),
    # verification
    (
        "eer-all-equal",
        lambda: verification.equal_error_rate(LABELS, np.full(100, 0.5)),
        "all 100 scores are equal",
    ),
    ("eer-nan", lambda: verification.equal_error_rate(TINY, np.array([0, np.nan, 1, 1])), "NaN"),
    ("eer-labels-1-2", lambda: verification.equal_error_rate(TINY + 1, TINY * 1.0), "0 .* or 1"),
    (
        "threshold-column-scores",
        lambda: verification.best_threshold(TINY, TINY[:, None] * 1.0),
        r"\[:, 0\]",
    ),
    ("threshold-empty", lambda: verification.best_threshold([], []), "no pairs"),
    ("threshold-labels", lambda: verification.best_threshold(TINY - 1, TINY * 1.0), "0 .* or 1"),
    ("pairs-0", lambda: verification.make_pairs(np.array(list("aabb")), 0, seed=0), "n_pairs"),
    (
        "pairs-negative",
        lambda: verification.make_pairs(np.array(list("aabb")), -3, seed=0),
        "got -3",
    ),
    # model cost
    (
        "batch-time-repeats-0",
        lambda: model_cost.median_batch_time(_tiny_model(), np.zeros((2, 3)), repeats=0),
        "repeats",
    ),
    ("saved-size-not-a-model", lambda: model_cost.saved_size_bytes("model.keras"), "Keras model"),
    # plotting
    ("grid-ncols-0", lambda: plotting.image_grid(np.zeros((2, 4, 4)), ncols=0), "ncols"),
    ("grid-empty", lambda: plotting.image_grid(np.zeros((0, 4, 4))), "images is empty"),
    (
        "grid-few-titles",
        lambda: plotting.image_grid(np.zeros((3, 4, 4)), titles=["a"]),
        "1 titles for 3 images",
    ),
    ("scatter-empty", lambda: plotting.scatter_panels({}, Y20, "t"), "points is empty"),
    (
        "scatter-labels",
        lambda: plotting.scatter_panels({"a": FEATS[:, :2]}, Y20[:3], "t"),
        "20 points but labels has 3",
    ),
    ("scatter-3-columns", lambda: plotting.scatter_panels({"a": FEATS}, Y20, "t"), r"\(N, 2\)"),
    (
        "confusion-label-count",
        lambda: plotting.plot_confusion(TINY, TINY, ["zero", "one", "two"]),
        "3 labels given for 2 classes",
    ),
    (
        "confusion-lengths",
        lambda: plotting.plot_confusion(TINY, TINY[:3], ["zero", "one"]),
        "y_true has 4 labels and y_pred 3",
    ),
    ("history-empty", lambda: plotting.plot_history({}), "histories is empty"),
    ("history-metric-str", lambda: plotting.plot_history({"a": {}}, "loss"), "list of names"),
    (
        "spectrogram-complex",
        lambda: plotting.plot_spectrogram(audio.stft(tone()), None, "t"),
        r"np\.abs",
    ),
    ("players-empty", lambda: plotting.players({}), "clips is empty"),
    ("players-int16", lambda: plotting.players({"a": np.ones(9, np.int16)}), "a has int16"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# ---------------------------------------------------------------- cases needing a model or data


def test_gradient_norms_refuse_out_of_range_labels():
    model = _tiny_model()
    with pytest.raises(ValueError, match=r"label 2; expected class indices 0-1"):
        analysis.gradient_norms(model, np.zeros((3, 3), "float32"), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="x has 3 samples and y 2"):
        analysis.gradient_norms(model, np.zeros((3, 3), "float32"), np.array([0, 1]))


def test_layer_activations_refuse_a_string_or_no_names():
    model = _tiny_model()
    x = np.zeros((2, 3), "float32")
    with pytest.raises(
        ValueError, match=r"layer_names must be a list of names, e\.g\. \['hidden1'\]"
    ):
        analysis.layer_activations(model, x, "hidden1")
    with pytest.raises(ValueError, match="layer_names is empty; expected some of"):
        analysis.layer_activations(model, x, [])
    with pytest.raises(ValueError, match="batch_size"):
        analysis.layer_activations(model, x, ["hidden1"], batch_size=0)


def test_eer_docstring_and_code_agree_on_the_nearest_point():
    from sklearn.metrics import roc_curve

    doc = verification.equal_error_rate.__doc__
    assert "nearest ROC point" in doc and "without interpolation" in doc
    assert "interpolated between" not in doc
    labels = np.array([0, 0, 0, 1, 1, 1])
    scores = np.array([0.1, 0.4, 0.6, 0.5, 0.8, 0.9])
    eer, threshold = verification.equal_error_rate(labels, scores)
    assert (eer, threshold) == (pytest.approx(1 / 3), 0.6)  # FAR = FRR = 1/3 at score 0.6
    labels = np.tile([0, 1], 7)
    scores = np.random.default_rng(3).random(14)
    fpr, tpr, thresholds = roc_curve(labels, scores)
    k = int(np.argmin(np.abs(1 - tpr - fpr)))
    assert verification.equal_error_rate(labels, scores) == (
        pytest.approx((fpr[k] + 1 - tpr[k]) / 2),
        thresholds[k],
    )


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(noise_types="white"), r"noise_types must be a list of names, e\.g\. \['white'\]"),
        (dict(noise_types=[]), "noise_types is empty"),
        (dict(snr_levels=[]), "snr_levels must be"),
        (dict(snr_range=(0, float("inf"))), "snr_range must be"),
    ],
)
def test_build_noisy_pairs_refuses_bad_settings(kwargs, message):
    fsdd = FSDD([tone(900)] * 2, np.array([1, 2]), np.array(["a", "b"]), np.array([0, 7]))
    with pytest.raises(ValueError, match=message):
        denoising.build_noisy_pairs(fsdd, seed=0, **kwargs)


def test_split_level_helpers_refuse_bad_sizes_and_masks():
    split = _tiny_split()
    oracle = denoising.oracle_masks(split)
    with pytest.raises(ValueError, match="3 masks given for 4 clips"):
        denoising.evaluate(split, oracle[:3], "short")
    with pytest.raises(ValueError, match="mask 2 contains NaN"):
        denoising.evaluate(split, oracle[:2] + [oracle[2] * np.nan] + oracle[3:], "nan")
    with pytest.raises(ValueError, match="batch_size must be"):
        denoising.length_batches(split, 0)
    with pytest.raises(ValueError, match="batch_size must be"):
        denoising.predict_masks(None, split.features, batch_size=-1)
    with pytest.raises(ValueError, match=r"boolean mask has shape \(2,\); expected \(4,\)"):
        split.pairs.subset(np.array([True, False]))
    with pytest.raises(ValueError, match="index 9 is out of range for 4 items"):
        split.pairs.subset([0, 9])


def test_fsdd_subset_refuses_a_mask_of_the_wrong_length():
    fsdd = FSDD([tone(99)] * 3, np.array([1, 2, 3]), np.array(["a"] * 3), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match=r"FSDD\.subset: boolean mask has shape \(5,\)"):
        fsdd.subset(np.ones(5, bool))
    with pytest.raises(ValueError, match="indices have dtype float64"):
        fsdd.subset(np.array([0.5]))


@pytest.mark.parametrize(
    "call",
    [
        lambda: models.build_mlp(2, 8),
        lambda: verification.make_pairs(np.array([0, 0, 1, 1]), 4),
        lambda: analysis.embed_2d(np.zeros((5, 3)), "pca"),
        lambda: denoising.speaker_fold(
            FSDD([], np.array([]), np.array([]), np.array([])), ["a"], n_train=1, n_seen=1, n_test=1
        ),  # fmt: skip
    ],
    ids=["build_mlp", "make_pairs", "embed_2d", "speaker_fold"],
)
def test_helpers_take_their_seed_from_the_caller(call):
    """One seed drives a notebook: no helper falls back on a seed of its own."""
    with pytest.raises(TypeError, match="seed"):
        call()


def test_shuffled_batches_need_a_seed():
    speakers = np.array(["a", "b"])
    fsdd = FSDD([tone(900)] * 2, np.array([1, 2]), speakers, np.array([7, 8]))
    split = denoising.make_split(denoising.build_noisy_pairs(fsdd, noise_types=["white"], seed=0))
    with pytest.raises(ValueError, match="needs a seed"):
        denoising.length_batches(split, 2)
    assert len(denoising.length_batches(split, 2, shuffle=False)) == 1


# ------------------------------------------------- speaker folds, classical baseline, STOI/PESQ


def _six_speakers() -> FSDD:
    speakers = np.array(["a", "b", "c", "d", "e", "f"] * 4)
    index = np.array([0] * 6 + [7] * 6 + [8] * 6 + [9] * 6)
    clips = [tone(900 + 10 * i, 150 + 20 * i) for i in range(24)]
    return FSDD(clips, np.arange(24) % 10, speakers, index)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(test_speakers=["zoe"]), r"test_speakers must be some of"),
        (dict(test_speakers=[]), r"test_speakers must be some of"),
        (dict(test_speakers=list("abcdef")), "every speaker is held out"),
        (dict(test_speakers=["a"]), "hold out at least two speakers"),
        (dict(n_train=0), r"n_train \(None for all recordings\) must be"),
        (dict(val_fraction=0.0), r"val_fraction must be in \(0, 1\)"),
        (dict(snr_levels=()), "snr_levels is empty"),
        (dict(noise_types=["rain"]), "noise_types"),
    ],
)
def test_speaker_fold_refuses_bad_settings(kwargs, message):
    kwargs = dict(test_speakers=["e", "f"], n_train=None, n_seen=None, n_test=None) | kwargs
    with pytest.raises(ValueError, match=message):
        denoising.speaker_fold(_six_speakers(), seed=0, **kwargs)


def test_speaker_fold_holds_out_one_speaker_without_babble():
    fold = denoising.speaker_fold(
        _six_speakers(), ["f"], n_train=None, n_seen=None, n_test=None, seed=0,
        test_noise_types=["white", "hum"],
    )  # fmt: skip
    assert set(fold.test.pairs.speaker.tolist()) == {"f"}
    assert "f" not in set(fold.train.pairs.speaker.tolist())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(percentile=101), r"percentile must be in \[0, 100\]"),
        (dict(over=0), "over .* must be > 0"),
        (dict(floor=1.5), r"floor .* must be in \[0, 1\]"),
        (dict(floor=float("nan")), "floor"),
    ],
)
def test_spectral_subtraction_refuses_bad_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        denoising.spectral_subtraction_mask(np.ones((10, audio.N_BINS)), **kwargs)


@pytest.mark.parametrize(
    "mag, message",
    [
        (np.ones(audio.N_BINS), r"real \(frames, bins\) magnitude"),
        (np.ones((3, 4), complex), r"real \(frames, bins\) magnitude"),
        (-np.ones((3, 4)), "finite, non-negative"),
        (np.full((3, 4), np.nan), "finite, non-negative"),
    ],
)
def test_spectral_subtraction_refuses_what_is_not_a_magnitude(mag, message):
    with pytest.raises(ValueError, match=message):
        denoising.spectral_subtraction_mask(mag)


def test_spectral_subtraction_removes_a_stationary_floor():
    rng = np.random.default_rng(0)
    noise_mag = np.abs(rng.normal(size=(200, audio.N_BINS)))
    speech = np.zeros_like(noise_mag)
    speech[80:120, 10:20] = 20.0
    mask = denoising.spectral_subtraction_mask(speech + noise_mag, percentile=50, over=2)
    assert mask.dtype == np.float32 and 0 <= mask.min() and mask.max() <= 1
    assert mask[80:120, 10:20].mean() > 0.9 > 0.5 > mask[:60].mean()


def test_stoi_and_pesq_refuse_clips_too_short_to_score():
    short = tone(2000)
    with pytest.raises(ValueError, match="STOI is undefined; expected at least 3 s"):
        speech_metrics.stoi(short, short, audio.SR)
    with pytest.raises(ValueError, match="narrow-band PESQ needs 8000 Hz audio; got 16000 Hz"):
        speech_metrics.pesq_nb(short, short, 16000)
    with pytest.raises(ValueError, match="estimate"):
        speech_metrics.stoi(short, short[:-1], audio.SR)


def test_perceptual_strings_refuse_bad_lengths_and_cover_every_clip():
    split = _tiny_split()
    with pytest.raises(ValueError, match="seconds must be > 0"):
        denoising.perceptual_strings(split, seconds=0)
    with pytest.raises(ValueError, match="seconds"):
        denoising.perceptual_strings(split, seconds=float("nan"))
    strings = denoising.perceptual_strings(split, seconds=0.5)
    assert sorted(np.concatenate(strings).tolist()) == list(range(len(split)))
    for members in strings:
        assert len({(split.pairs.speaker[i], split.pairs.snr[i]) for i in members}) == 1


def test_notebook_seed_needs_the_setup_cell(monkeypatch):
    from dl_helpers import session

    monkeypatch.setitem(session._STATE, "seed", None)
    with pytest.raises(RuntimeError, match=r"setup_notebook\(seed=\.\.\.\) has not run"):
        session.notebook_seed()
    monkeypatch.setitem(session._STATE, "seed", 7)
    assert session.notebook_seed() == 7


def test_spectrograms_share_a_colour_scale_on_request():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loud = np.abs(audio.stft(tone()))
    quiet = loud / 100  # 40 dB quieter
    fig, axes = plt.subplots(1, 2)
    own = plotting.plot_spectrogram(quiet, axes[0], "quiet")
    shared = plotting.plot_spectrogram(quiet, axes[1], "quiet", top_db=plotting.peak_db(loud))
    assert own.get_clim()[1] == pytest.approx(plotting.peak_db(quiet), abs=1e-3)
    assert shared.get_clim() == pytest.approx((plotting.peak_db(loud) - 80, plotting.peak_db(loud)))
    with pytest.raises(ValueError, match="top_db"):
        plotting.plot_spectrogram(quiet, axes[0], "quiet", top_db=float("nan"))
    plt.close(fig)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(heldout=["zoe"]), "heldout must be some of"),
        (dict(heldout=[]), "heldout must be some of"),
        (dict(heldout=["a", "b"]), "every speaker is held out"),
        (dict(n_train=0), "n_train must be a positive integer or None"),
        (dict(n_test=2.5), "n_test must be a positive integer or None"),
        (dict(val_fraction=1.0), r"val_fraction must be in \(0, 1\)"),
    ],
)
def test_speaker_split_refuses_bad_settings(kwargs, message):
    from dl_helpers import data

    args = dict(heldout=["b"], n_train=None, n_test=None, seed=0) | kwargs
    with pytest.raises(ValueError, match=message):
        data.speaker_split(np.array(["a"] * 4 + ["b"] * 4), np.array([0, 6, 7, 8] * 2), **args)


def test_make_folds_refuses_repeated_seeds():
    with pytest.raises(ValueError, match="fold seeds must be distinct"):
        denoising.make_folds(_six_speakers(), [1, 1, 2], n_train=None, n_seen=None, n_test=None)
    with pytest.raises(ValueError, match="n_folds must be between 2"):
        denoising.make_folds(_six_speakers(), [1], n_train=None, n_seen=None, n_test=None)
