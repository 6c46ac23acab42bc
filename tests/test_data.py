from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from arrays import mnist_like  # tests/arrays.py

from dl_helpers import data, session


def _write_mnist(folder: Path, n: int = 20, **override) -> Path:
    arrays = mnist_like(n, **override)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / "mnist.npz", **arrays)
    return folder / "mnist.npz"


def _trust(monkeypatch, *paths: Path) -> None:
    """Vouch for these files' exact sha256 (the escape hatch for a copy of one's own)."""
    monkeypatch.setenv("DL_HELPERS_TRUST_SHA256", ",".join(data.sha256_of(p) for p in paths))


def _write_wav(folder: Path, name: str, sr: int = 8000, channels: int = 1) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(int(0.3 * sr)) / sr
    audio = 0.3 * np.sin(2 * np.pi * 440 * t)
    if channels > 1:
        audio = np.stack([audio] * channels, axis=1)
    sf.write(folder / name, audio, sr, subtype="PCM_16")
    return folder / name


# ---------------------------------------------------------------- canonical formats, tiny files


def test_mnist_from_offline_folder(isolated_data, monkeypatch, capsys):
    _trust(monkeypatch, _write_mnist(isolated_data / "offline"))
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    (x, y), (xt, yt) = data.load_mnist()
    assert x.shape == (20, 28, 28) and x.dtype == np.uint8 and yt.shape == (10,)
    out = capsys.readouterr().out
    assert "train 20, test 10" in out and "$DL_HELPERS_DATA/mnist.npz" in out
    assert str(isolated_data) not in out  # never an absolute path in a notebook's output
    assert session.sources()["mnist"].startswith("MNIST: train 20")


def test_cache_is_used_when_no_offline_folder(isolated_data, monkeypatch):
    _trust(monkeypatch, _write_mnist(isolated_data / "cache"))
    (x, _), _ = data.load_mnist()
    assert len(x) == 20


def test_cifar_npz_format(isolated_data, monkeypatch):
    folder = isolated_data / "offline"
    folder.mkdir()
    np.savez(
        folder / "cifar10.npz",
        x_train=np.zeros((10, 32, 32, 3), np.uint8),
        y_train=np.arange(10, dtype=np.uint8)[:, None],
        x_test=np.zeros((5, 32, 32, 3), np.uint8),
        y_test=np.arange(5, dtype=np.uint8)[:, None],
    )
    _trust(monkeypatch, folder / "cifar10.npz")
    monkeypatch.setenv("DL_HELPERS_DATA", str(folder))
    (x, y), _ = data.load_cifar10()
    assert x.shape == (10, 32, 32, 3) and y.shape == (10, 1)


def test_fsdd_reads_names_and_audio(isolated_data, monkeypatch):
    rec = isolated_data / "offline" / "fsdd" / "recordings"
    _write_wav(rec, "3_theo_0.wav")
    _write_wav(rec, "7_lucas_12.wav")
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    fsdd = data.load_fsdd(verify=False)  # a folder of two files: checked file by file
    assert len(fsdd) == 2 and fsdd.sr == 8000
    assert list(fsdd.digit) == [3, 7] and list(fsdd.speaker) == ["theo", "lucas"]
    assert fsdd.audio[0].dtype == np.float32 and fsdd.is_test.tolist() == [True, False]
    assert len(fsdd.subset(fsdd.digit == 7)) == 1


def test_fsdd_listing_checksum_matches_sha256sum_format(tmp_path):
    _write_wav(tmp_path, "b.wav")
    _write_wav(tmp_path, "a.wav", sr=16000)
    lines = "".join(
        f"{hashlib.sha256((tmp_path / n).read_bytes()).hexdigest()}  {n}\n"
        for n in ("a.wav", "b.wav")
    )
    assert data.fsdd_listing_sha256(tmp_path) == hashlib.sha256(lines.encode()).hexdigest()


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("loader", [data.load_mnist, data.load_cifar10, data.load_fsdd])
def test_missing_data_without_network_is_one_clear_error(isolated_data, loader):
    with pytest.raises(data.DatasetUnavailable, match="DL_HELPERS_DATA") as info:
        loader()
    assert "download failed" in str(info.value)
    assert not any((isolated_data / "cache").glob("*")), "a failed download left a file behind"


def test_offline_switch_skips_download(isolated_data, monkeypatch):
    monkeypatch.setenv("DL_HELPERS_OFFLINE", "1")
    with pytest.raises(data.DatasetUnavailable, match="download skipped"):
        data.load_mnist()


def test_truncated_npz_is_named(isolated_data, monkeypatch):
    path = _write_mnist(isolated_data / "offline")
    path.write_bytes(path.read_bytes()[:1000])
    _trust(monkeypatch, path)  # vouched for, so that the contents are what is checked
    monkeypatch.setenv("DL_HELPERS_DATA", str(path.parent))
    with pytest.raises(data.CorruptDataError, match="mnist.npz .* truncated or corrupt"):
        data.load_mnist()


def test_wrong_shape_says_what_was_expected(isolated_data, monkeypatch):
    _trust(
        monkeypatch,
        _write_mnist(isolated_data / "offline", x_train=np.zeros((20, 32, 32), np.uint8)),
    )
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    with pytest.raises(data.CorruptDataError, match=r"expected \(N, 28, 28\) uint8"):
        data.load_mnist()


def test_pickled_npz_is_refused(isolated_data, monkeypatch):
    path = _write_mnist(isolated_data / "offline", y_train=np.array([{"a": 1}] * 20, dtype=object))
    _trust(monkeypatch, path)
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    with pytest.raises(data.CorruptDataError):
        data.load_mnist()


def test_checksum_mismatch_deletes_download(isolated_data, monkeypatch):
    served = _write_mnist(isolated_data / "server")
    src = data.Source("mnist.npz", (served.as_uri(),), "0" * 64)
    with pytest.raises(data.CorruptDataError, match="expected 0000"):
        data.download(src, isolated_data / "cache")
    assert not (isolated_data / "cache" / "mnist.npz").exists()


def test_download_with_matching_checksum(isolated_data):
    served = _write_mnist(isolated_data / "server")
    src = data.Source(
        "mnist.npz", ("http://127.0.0.1:9/mnist.npz", served.as_uri()), data.sha256_of(served)
    )
    path = data.download(src, isolated_data / "cache")  # the first mirror refuses, the second works
    assert path.exists() and data.sha256_of(path) == src.sha256


def test_wav_at_wrong_sample_rate(tmp_path):
    path = _write_wav(tmp_path, "1_theo_3.wav", sr=16000)
    with pytest.raises(ValueError, match="16000 Hz; expected 8000 Hz"):
        data.read_wav(path)


def test_stereo_wav_is_refused(tmp_path):
    with pytest.raises(ValueError, match="expected mono"):
        data.read_wav(_write_wav(tmp_path, "1_theo_3.wav", channels=2))


def test_badly_named_wav(isolated_data, monkeypatch):
    rec = isolated_data / "offline" / "fsdd" / "recordings"
    _write_wav(rec, "hello.wav")
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    with pytest.raises(data.CorruptDataError, match="3_theo_17.wav"):
        data.load_fsdd(verify=False)


# ---------------------------------------------------------------- stratified subsets


def test_stratified_indices_are_balanced_and_seeded():
    y = np.repeat(np.arange(10), 30)
    a = data.stratified_indices(y, 5, seed=1)
    assert np.bincount(y[a]).tolist() == [5] * 10 and len(set(a)) == 50
    np.testing.assert_array_equal(a, data.stratified_indices(y[:, None], 5, seed=1))
    assert not np.array_equal(a, data.stratified_indices(y, 5, seed=2))


def test_stratified_indices_exclude():
    y = np.repeat(np.arange(3), 4)
    first = data.stratified_indices(y, 2, seed=0)
    second = data.stratified_indices(y, 2, seed=0, exclude=first)
    assert not set(first) & set(second)


def test_stratified_indices_too_few():
    with pytest.raises(ValueError, match="class 1 has 2 available samples; 3 were requested"):
        data.stratified_indices(np.array([0, 0, 0, 1, 1]), 3, seed=0)


# ---------------------------------------------------------------- the real offline copies


def test_offline_mnist(offline_dir):
    (x, y), (xt, yt) = data.load_mnist()
    assert x.shape == (60000, 28, 28) and xt.shape == (10000, 28, 28)
    assert np.bincount(yt).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert abs(x.mean() / 255 - 0.1306605) < 1e-5


def test_offline_cifar10(offline_dir):
    (x, y), (xt, yt) = data.load_cifar10()
    assert x.shape == (14910, 32, 32, 3) and xt.shape == (10000, 32, 32, 3)
    assert np.bincount(y[:, 0]).tolist() == [1491] * 10


def test_offline_fsdd(offline_dir):
    fsdd = data.load_fsdd(verify=True)
    assert len(fsdd) == 3000 and sorted(set(fsdd.speaker)) == list(data.FSDD_SPEAKERS)
    assert int(fsdd.is_test.sum()) == 300
    assert all(a.dtype == np.float32 and a.ndim == 1 for a in fsdd.audio)


def test_dataset_cards_name_license_and_citation():
    for card in data.CARDS.values():
        assert card.license and card.citation and card.counts
        assert card.name in str(card)


def test_a_folder_that_is_not_the_pinned_release_is_refused_by_default(isolated_data, monkeypatch):
    rec = isolated_data / "offline" / "fsdd" / "recordings"
    _write_wav(rec, "3_theo_0.wav")
    monkeypatch.setenv("DL_HELPERS_DATA", str(isolated_data / "offline"))
    with pytest.raises(data.CorruptDataError, match="content checksum .* expected 1801eae0"):
        data.load_fsdd()
