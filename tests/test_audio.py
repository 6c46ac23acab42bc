from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import audio, denoising, speech_metrics
from dl_helpers import noise as noises
from dl_helpers.data import FSDD

RNG = np.random.default_rng(0)


def tone(n: int = 4000, f: float = 440.0) -> np.ndarray:
    return (0.5 * np.sin(2 * np.pi * f * np.arange(n) / audio.SR)).astype(np.float32)


def test_stft_shape_and_round_trip():
    y = tone()
    spec = audio.stft(y)
    assert spec.shape == (audio.n_frames(len(y)), audio.N_BINS) and np.iscomplexobj(spec)
    mag, phase = audio.magphase(spec)
    back = audio.istft(audio.from_magphase(mag, phase), len(y))
    assert len(back) == len(y) and speech_metrics.snr_db(y, back) > 60


def test_stft_refuses_other_sample_rates():
    with pytest.raises(ValueError, match="16000 Hz given; .* 8000 Hz"):
        audio.stft(tone(), sr=16000)


@pytest.mark.parametrize("snr", [-5.0, 0.0, 7.5])
def test_mix_at_snr_is_exact(snr):
    clean, noise = tone(), RNG.standard_normal(4000).astype(np.float32)
    mixture, scaled = noises.mix_at_snr(clean, noise, snr)
    assert speech_metrics.snr_db(clean, mixture) == pytest.approx(snr, abs=1e-3)
    np.testing.assert_allclose(mixture, clean + scaled, atol=1e-6)


def test_snr_and_si_sdr_values():
    clean = tone()
    assert speech_metrics.snr_db(clean, clean * 0.5) == pytest.approx(10 * np.log10(4), rel=1e-6)
    assert speech_metrics.si_sdr_db(clean, clean * 0.5) == float(
        "inf"
    )  # scale does not matter to SI-SDR
    noisy = clean + 0.1 * RNG.standard_normal(len(clean)).astype(np.float32)
    assert 0 < speech_metrics.si_sdr_db(clean, noisy) < 30


@pytest.mark.parametrize(
    "clean, est, message",
    [
        (np.zeros(100), np.ones(100), "silent"),
        (np.ones(100), np.ones(99), "must match"),
        (np.ones(100), np.r_[np.ones(99), np.nan], "NaN"),
        (np.ones((2, 50)), np.ones((2, 50)), "1-D"),
    ],
)
def test_bad_input_is_explained(clean, est, message):
    with pytest.raises(ValueError, match=message):
        speech_metrics.snr_db(clean, est)


def test_noise_colours_have_the_right_slope():
    n = 2**15
    slopes = {}
    for kind in ("white", "pink", "brown"):
        y = noises.make_noise(kind, n, np.random.default_rng(1))
        power = np.abs(np.fft.rfft(y)) ** 2
        f = np.fft.rfftfreq(n)
        band = (f > 0.01) & (f < 0.4)
        slopes[kind] = np.polyfit(np.log(f[band]), np.log(power[band]), 1)[0]
        assert np.std(y) == pytest.approx(1, rel=1e-3)
    assert slopes["white"] == pytest.approx(0, abs=0.2)
    assert slopes["pink"] == pytest.approx(-1, abs=0.2)
    assert slopes["brown"] == pytest.approx(-2, abs=0.2)


def test_hum_is_tonal_at_50_or_60_hz():
    y = noises.make_noise("hum", 8000, np.random.default_rng(2))
    peak = np.argmax(np.abs(np.fft.rfft(y))) * audio.SR / 8000
    assert peak in (50.0, 60.0)


def test_babble_and_unknown_noise():
    pool = [tone(3000, f) for f in (200, 300, 400, 500, 600)]
    assert noises.make_noise("babble", 5000, RNG, pool).shape == (5000,)
    with pytest.raises(ValueError, match="needs a pool"):
        noises.make_noise("babble", 100, RNG)
    with pytest.raises(ValueError, match="unknown noise type 'rain'"):
        noises.make_noise("rain", 100, RNG)


def _tiny_fsdd() -> FSDD:
    speakers = np.array(["a", "b", "c", "d", "e", "f"] * 2)
    index = np.array([0] * 6 + [7] * 6)
    clips = [tone(2000 + 100 * i, 200 + 50 * i) for i in range(12)]
    return FSDD(clips, np.arange(12) % 10, speakers, index)


def test_build_noisy_pairs_is_seeded_and_exact():
    fsdd = _tiny_fsdd()
    a = denoising.build_noisy_pairs(fsdd, seed=3, progress=False)
    b = denoising.build_noisy_pairs(fsdd, seed=3, progress=False)
    assert len(a) == 12 and set(a.noise_type) <= set(noises.NOISE_TYPES)
    assert all(np.array_equal(x, y) for x, y in zip(a.noisy, b.noisy))
    for i in range(12):
        assert speech_metrics.snr_db(a.clean[i], a.noisy[i]) == pytest.approx(a.snr[i], abs=1e-3)
        assert -5 <= a.snr[i] <= 10
    assert len(a.subset(a.index < 5)) == 6


def test_build_noisy_pairs_rejects_other_sample_rates():
    fsdd = _tiny_fsdd()
    fsdd.sr = 16000
    with pytest.raises(ValueError, match="16000 Hz; expected 8000 Hz"):
        denoising.build_noisy_pairs(fsdd, progress=False, seed=0)


def test_pad_and_ideal_mask():
    padded = denoising.pad_batch([np.ones((2, 3)), np.ones((4, 3))])
    assert padded.shape == (2, 4, 3) and padded[0, 2:].sum() == 0
    with pytest.raises(ValueError, match="feature shape"):
        denoising.pad_batch([np.ones((2, 3)), np.ones((2, 4))])
    mask = denoising.ideal_ratio_mask(np.array([[3.0, 0.0]]), np.array([[4.0, 1.0]]))
    np.testing.assert_allclose(mask, [[0.6, 0.0]], atol=1e-6)


def test_log_mel_shape():
    assert audio.log_mel(tone()).shape == (audio.n_frames(4000), 40)


def test_spectral_distances():
    ref = 1 + RNG.random((5, audio.N_BINS))
    assert speech_metrics.log_spectral_distance(ref, ref) == 0
    assert speech_metrics.log_spectral_distance(ref, ref * 10) == pytest.approx(20, rel=1e-6)
    assert speech_metrics.magnitude_snr_db(ref, ref * 0.9) == pytest.approx(20, rel=1e-6)
    with pytest.raises(ValueError, match="one shape"):
        speech_metrics.log_spectral_distance(ref, ref[:-1])
    with pytest.raises(ValueError, match="silent"):
        speech_metrics.magnitude_snr_db(np.zeros((2, 2)), np.ones((2, 2)))


def test_babble_for_a_single_speaker_subset_uses_the_source():
    fsdd = _tiny_fsdd()
    one = fsdd.subset(fsdd.speaker == "a")
    pairs = denoising.build_noisy_pairs(
        one, noise_types=["babble"], progress=False, babble_source=fsdd, seed=0
    )
    assert len(pairs) == 2 and all(t == "babble" for t in pairs.noise_type)


def test_pad_batch_matches_keras_post_padding():
    import keras

    seqs = [RNG.random((3, 4)).astype(np.float32), RNG.random((5, 4)).astype(np.float32)]
    ours = denoising.pad_batch(seqs)
    theirs = keras.utils.pad_sequences(seqs, padding="post", dtype="float32")
    assert ours.shape == (2, 5, 4) and ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(ours[0, 3:], 0)
    with pytest.raises(ValueError, match="no sequences"):
        denoising.pad_batch([])


def test_mask_model_reads_the_layer_named_mask():
    import keras

    feats = keras.Input((None, 3))
    mag = keras.Input((None, 3))
    mask = keras.layers.Dense(3, activation="sigmoid", name="mask")(feats)
    masker = keras.Model([feats, mag], keras.layers.Multiply()([mask, mag]))
    sub = denoising.mask_model(masker)
    x = RNG.random((1, 2, 3)).astype(np.float32)
    out = np.asarray(sub.predict(x, verbose=0))
    assert out.shape == (1, 2, 3) and np.all((out > 0) & (out < 1))
    with pytest.raises(ValueError, match="no layer named 'mask'"):
        denoising.mask_model(keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]))


def test_fsdd_split_rule_is_one_fact():
    from dl_helpers import data

    idx = np.array([0, 4, 5, 49])
    np.testing.assert_array_equal(data.is_test_index(idx), [True, True, False, False])
    assert audio.SR == data.FSDD_SAMPLE_RATE


def test_mixtures_are_levelled_with_their_speech_and_noise():
    fsdd = _tiny_fsdd()
    quiet = FSDD([0.01 * y for y in fsdd.audio], fsdd.digit, fsdd.speaker, fsdd.index)
    raw = denoising.build_noisy_pairs(quiet, seed=3, level=None)
    levelled = denoising.build_noisy_pairs(quiet, seed=3)
    for i in range(len(raw)):
        rms = np.sqrt(np.mean(levelled.noisy[i].astype(np.float64) ** 2))
        assert rms == pytest.approx(denoising.MIXTURE_RMS, rel=1e-4)
        gain = levelled.noisy[i][0] / raw.noisy[i][0]
        np.testing.assert_allclose(levelled.clean[i], gain * raw.clean[i], rtol=1e-4, atol=1e-7)
        np.testing.assert_allclose(levelled.noise[i], gain * raw.noise[i], rtol=1e-4, atol=1e-7)
        assert speech_metrics.snr_db(levelled.clean[i], levelled.noisy[i]) == pytest.approx(
            levelled.snr[i], abs=1e-3
        )


def test_dealt_test_mixtures_cover_every_noise_and_level_evenly():
    pairs = denoising.build_noisy_pairs(
        _tiny_fsdd(), noise_types=["white", "hum", "pink"], snr_levels=[0, 5], seed=1
    )
    cells = sorted(zip(pairs.noise_type.tolist(), pairs.snr.tolist()))
    assert len(set(cells)) == 6 and all(cells.count(c) == 2 for c in set(cells))


def test_macs_per_frame_counts_dense_and_convolutions():
    import keras
    from keras import layers

    from dl_helpers import model_cost

    x = keras.Input((None, 129))
    y = layers.Conv1D(8, 5, padding="same")(x)  # 129 * 5 * 8 per frame
    y = layers.Dense(4)(y)  # 8 * 4
    dense = keras.Model(x, y)
    assert model_cost.macs_per_frame(dense) == 129 * 5 * 8 + 8 * 4
    img = layers.Reshape((-1, 129, 1))(x)
    z = layers.Conv2D(2, (3, 5), strides=(1, 4), padding="same")(img)  # 33 positions x 30
    z = layers.Conv2DTranspose(1, (3, 5), strides=(1, 4), padding="same")(z)  # 33 x 30
    assert model_cost.macs_per_frame(keras.Model(x, z)) == 33 * 3 * 5 * 2 * 2
    lstm = keras.Model(x, layers.LSTM(3)(x))
    with pytest.raises(ValueError, match="LSTM.*has weights macs_per_frame cannot count"):
        model_cost.macs_per_frame(lstm)
    with pytest.raises(ValueError, match="model must be a Keras model"):
        model_cost.macs_per_frame("cnn")
