# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 · Fully connected vs convolutional networks on audio, and continuing a clip
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/04_fcn_vs_cnn_audio.ipynb)
#
# **The question.** For audio, does a network that shares its weights across time *and*
# frequency (a CNN) beat one that treats every input frequency separately (a fully connected
# network)? And can a CNN continue a spoken digit, given only its first half?
#
# **What you will be able to do afterwards:** reason about what each architecture can see
# (receptive fields, weight sharing), compare models fairly on the same data, parameters and
# epochs, build honest baselines for a prediction task, and turn predicted magnitudes back into
# sound with Griffin-Lim.

# %%
# Setup: on Colab, install dl_helpers from the repository first (REPO_URL: see the README).
import importlib.util
import subprocess
import sys
import time

REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
if "google.colab" in sys.modules and importlib.util.find_spec("dl_helpers") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO_URL}"], check=True)

from dl_helpers import config, session

versions = session.setup_notebook(seed=42)

import keras
import librosa
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from keras import layers

from dl_helpers import audio, data, denoising, plotting, speech_metrics
from dl_helpers.results import Claim, read_record, report_claims

# %% [markdown]
# ## Profile
# The `n_*` rows are notebook 03's data sizes (`dl_helpers.denoising.DATA_SIZES`): both notebooks
# denoise exactly the same mixtures. The `min_*` rows are the thresholds the results cell checks.

# %%
# fmt: off
SIZES = denoising.DATA_SIZES
P = config.profile_settings(
    quick=dict(
        **SIZES["quick"], epochs=4, batch_size=32, lr=2e-3, fcn_units=32, cnn_channels=16,
        cont_frames=48, cont_epochs=10, cont_batch=64, min_cnn_gain_db=-1.0,
    ),
    standard=dict(
        **SIZES["standard"], epochs=12, batch_size=32, lr=2e-3, fcn_units=32, cnn_channels=32,
        cont_frames=48, cont_epochs=30, cont_batch=64, min_cnn_gain_db=1.0,
    ),
    full=dict(
        **SIZES["full"], epochs=60, batch_size=32, lr=2e-3, fcn_units=128, cnn_channels=32,
        cont_frames=48, cont_epochs=150, cont_batch=64, min_cnn_gain_db=1.0,
    ),
)
# fmt: on

# %% [markdown]
# ## Data: notebook 03's mixtures
# Same recordings, same noise types and SNRs, same splits (train / validation from recording
# indices 5-49, test from indices 0-4 at -5, 0, 5 and 10 dB).

# %%
fsdd = data.load_fsdd()
dd = denoising.prepare(fsdd, n_train=P.n_train, n_test=P.n_test, n_heldout=P.n_heldout, seed=0)
dd.describe()


# %% [markdown]
# ## 1 · Denoising: FCN vs CNN
# Both networks read `log(1 + |noisy STFT|)` and output a mask in [0, 1] for every
# time-frequency cell; the estimate is mask × noisy magnitude, as in notebook 03, with the same
# loss, optimiser, learning rate and epochs. Each keeps the weights of its best *validation* epoch
# (Keras's `EarlyStopping` with `restore_best_weights`), so neither is judged on an unlucky last
# epoch and the test set plays no part in choosing them.
#
# * **FCN (5 layers).** Each output frame is computed from a window of 7 input frames (±3, i.e.
#   ±24 ms), *flattened*: every input cell (frame, frequency) has its own weight into every hidden
#   unit, and a pattern learned at 500 Hz tells the network nothing about the same pattern at
#   1 kHz. (The first layer is written as a `Conv1D` of width 7 over time, which is exactly a dense
#   layer applied to each 7-frame window; the next four are dense layers applied frame by frame.)
# * **CNN (5 layers).** 2-D convolutions over the spectrogram: the same detector slides over
#   time *and* frequency, so a harmonic or an onset is recognised wherever it occurs. Layer 1
#   steps 4 bins at a time (129 bins become 33 bands, which keeps the cost CPU-sized), layers
#   2-4 are 3×3 kernels with gaps of 1, 2 and 4 cells (*dilation*), and layer 5, a transposed
#   convolution, returns to one mask value per cell. Together they see 19 frames (152 ms) by
#   about 65 bins (2 kHz, half the spectrum).
#
# The parameter counts are of the same order but not equal (printed below): a convolution's
# cost grows with its channels at *every* time-frequency cell, so on a CPU budget the FCN gets
# the larger share of weights; if sharing weights helps, the CNN has to win with fewer.

# %%
def fcn_masker(units: int) -> keras.Model:
    feats = keras.Input((None, audio.N_BINS), name="log_noisy_magnitude")
    noisy_mag = keras.Input((None, audio.N_BINS), name="noisy_magnitude")
    x = layers.Conv1D(units, 7, padding="same", activation="relu", name="dense1_7frames")(feats)
    for k in range(2, 5):
        x = layers.Dense(units, activation="relu", name=f"dense{k}")(x)
    mask = layers.Dense(audio.N_BINS, activation="sigmoid", name="mask")(x)
    model = keras.Model([feats, noisy_mag], layers.Multiply()([mask, noisy_mag]), name="fcn")
    model.compile(optimizer=keras.optimizers.Adam(P.lr), loss="mse")
    return model


# %%
def cnn_masker(channels: int) -> keras.Model:
    feats = keras.Input((None, audio.N_BINS), name="log_noisy_magnitude")
    noisy_mag = keras.Input((None, audio.N_BINS), name="noisy_magnitude")
    x = layers.Reshape((-1, audio.N_BINS, 1))(feats)  # (time, frequency, 1 channel)
    # layer 1: 3 frames x 5 bins, stepping 4 bins at a time: 129 bins -> 33 coarser bands
    x = layers.Conv2D(
        channels, (3, 5), strides=(1, 4), padding="same", activation="relu", name="conv1"
    )(x)
    for k, dilation in enumerate((1, 2, 4), start=2):  # layers 2-4: 3x3, dilated
        x = layers.Conv2D(
            channels, 3, padding="same", dilation_rate=dilation, activation="relu", name=f"conv{k}"
        )(x)
    # layer 5: back to full resolution (33 x 4 = 132 bins, cropped to 129), one mask value per cell
    x = layers.Conv2DTranspose(
        1, (3, 5), strides=(1, 4), padding="same", activation="sigmoid", name="conv5"
    )(x)
    x = layers.Cropping2D(((0, 0), (0, 4 * 33 - audio.N_BINS)))(x)
    mask = layers.Reshape((-1, audio.N_BINS), name="mask")(x)
    model = keras.Model([feats, noisy_mag], layers.Multiply()([mask, noisy_mag]), name="cnn")
    model.compile(optimizer=keras.optimizers.Adam(P.lr), loss="mse")
    return model


# %% [markdown]
# Padding needs no `Masking` layer here: a padded frame has zero noisy magnitude and zero clean
# magnitude, so its estimate (mask × 0) is exactly right and adds nothing to the loss gradient.

# %%
val_batches = denoising.length_batches(dd.val, P.batch_size, shuffle=False)

# %%
# both models keep the weights of their best validation epoch (chosen on validation, never on test)
best_on_validation = lambda: keras.callbacks.EarlyStopping(
    "val_loss", patience=3, restore_best_weights=True
)
trained, histories, train_time = {}, {}, {}

# %%
for name, build in (
    ("FCN", lambda: fcn_masker(P.fcn_units)),
    ("CNN", lambda: cnn_masker(P.cnn_channels)),
):
    config.seed_everything(0)
    model = build()
    start = time.perf_counter()
    histories[name] = model.fit(
        denoising.length_batches(dd.train, P.batch_size, seed=0),
        validation_data=val_batches,
        epochs=P.epochs,
        verbose=2,
        callbacks=[best_on_validation()],
    ).history
    train_time[name] = time.perf_counter() - start
    trained[name] = model
    print(f"{name}: {model.count_params():,} parameters, trained in {train_time[name]:.0f} s")

# %%
# extra code - plot the learning curves
fig = plotting.plot_history(
    histories, metrics=("loss",), title="FCN vs CNN: masked-magnitude MSE (dashed: validation)"
)
plt.show()

# %%
masks = {
    name: denoising.predict_masks(denoising.mask_model(m), dd.test.features)
    for name, m in trained.items()
}

# %%
evals = pd.concat(
    [denoising.evaluate(dd.test, masks[name], name) for name in trained]
    + [denoising.evaluate(dd.test, denoising.oracle_masks(dd.test), "oracle mask")]
)

# %%
table = evals.pivot_table(
    index="input_snr", columns="method", values="snr_improvement", aggfunc="mean"
)
table.loc["mean"] = evals.groupby("method")["snr_improvement"].mean()

# %%
# extra code - add notebook 03's BiLSTM column when its results exist
# notebook 03's BiLSTM, read from its results file for this profile when it has been run
nb03 = read_record("03_rnn_speech_denoising")
if nb03 is not None:
    m03 = nb03["metrics"]
    table["BiLSTM (notebook 03)"] = np.nan
    table.loc[0.0, "BiLSTM (notebook 03)"] = m03["snr_improvement_0db"]
    table.loc["mean", "BiLSTM (notebook 03)"] = m03["mean_snr_improvement"]
    print(f"BiLSTM numbers: results/{config.active_profile()}/03_rnn_speech_denoising.json")
else:
    print("notebook 03 has not been run in this profile yet: no BiLSTM column")

# %%
summary = pd.DataFrame(
    {
        "parameters": {n: trained[n].count_params() for n in trained},
        "training time (s)": {n: round(train_time[n]) for n in trained},
        "mean SNR improvement (dB)": evals.groupby("method")["snr_improvement"].mean(),
        "mean SI-SDR improvement (dB)": evals.groupby("method")["si_sdr_improvement"].mean(),
    }
)
display(summary.round(2))
table.round(2)

# %%
# extra code - plot the spectrograms of one test clip
i = int(np.flatnonzero((dd.test.pairs.snr == 0) & (dd.test.pairs.noise_type == "pink"))[0])
fig, axes = plt.subplots(1, 4, figsize=(16, 3.2))
plotting.plot_spectrogram(dd.test.noisy_mag[i], axes[0], "noisy (pink noise, 0 dB)")
for ax, name in zip(axes[1:3], ("FCN", "CNN")):
    plotting.plot_spectrogram(masks[name][i] * dd.test.noisy_mag[i], ax, f"{name} output")
plotting.plot_spectrogram(dd.test.clean_mag[i], axes[3], "clean")
fig.suptitle(f"One test clip: digit {dd.test.pairs.digit[i]} by {dd.test.pairs.speaker[i]}")
fig.tight_layout()
plt.show()

# %%
# extra code - audio players for the clip
plotting.players(
    {
        "noisy": dd.test.pairs.noisy[i],
        "FCN": denoising.denoise(dd.test, masks["FCN"], i),
        "CNN": denoising.denoise(dd.test, masks["CNN"], i),
        "clean": dd.test.pairs.clean[i],
    }
)

# %%
cnn_gain = (
    summary.loc["CNN", "mean SNR improvement (dB)"]
    - summary.loc["FCN", "mean SNR improvement (dB)"]
)
print(f"CNN minus FCN, mean SNR improvement on the test set: {cnn_gain:+.2f} dB")

# %% [markdown]
# **Reading the result through what each network can see.** The CNN has fewer parameters,
# yet every one of them is reused at every time-frequency position: a harmonic of the voice looks
# the same at any pitch and any moment, and a single learned detector finds it everywhere. Its
# receptive field also spans 19 frames, almost three times the FCN's 7-frame window. The FCN must learn
# each frequency's behaviour separately from the data it happens to have at that frequency, with
# more weights and no notion that neighbouring bins are related. Whether that shows as a win for
# the CNN depends on the data size: the sign and size of the gap are printed above, and the
# results cell checks them against the profile's threshold.
#
# **How much should you trust the size of the gap?** Less than its sign. While building this
# notebook we trained both networks for 10, 12 and 14 epochs, at two learning rates and with 24 to
# 36 CNN channels: the CNN won every time, by between about 0.7 and 1.4 dB, and one model's score
# moves by a few tenths of a dB from one epoch to the next. Read the printed gap as "the CNN is
# roughly 1 dB better", not as a precise number; exercise (4) measures the spread yourself.
#
# The win is not free: on a CPU the CNN trained more than ten times longer than the FCN (the
# training-time column), because it computes every filter at every time-frequency cell. And
# notebook 03's BiLSTM, which sees the whole utterance in both directions, beats both (the last
# column of the table).
#
# ## 2 · Continuing a clip
# Given the first `cont_frames / 2` frames (0.19 s) of a clean recording's spectrogram, predict
# the next `cont_frames / 2` frames. Every recording is cut or zero-padded to `cont_frames`
# frames from its start. The model: 1-D convolutions over the first half (frequency bins as
# channels), a dense bottleneck, and a dense layer that outputs the whole second half of the
# log-magnitude at once, trained with squared error on log magnitudes. Training data: the same speakers and recording indices as the
# denoising training split (clean audio only); test: indices 0-4.

# %%
FLOOR = speech_metrics.LSD_FLOOR  # the floor the log-spectral distance uses


# %%
def clip_logmags(clips: list[np.ndarray], frames: int) -> np.ndarray:
    """log(max(|STFT|, FLOOR)) of each clip's first `frames` frames (zero-padded): the loss domain
    is the metric's domain, so the squared error the model minimises is a squared log-spectral
    distance."""
    mags = keras.utils.pad_sequences(
        [np.abs(audio.stft(y)) for y in clips],
        maxlen=frames,
        dtype="float32",
        padding="post",
        truncating="post",
    )
    return np.log(np.maximum(mags, FLOOR))


# %%
cont_train = clip_logmags(dd.train.pairs.clean + dd.val.pairs.clean, P.cont_frames)
test_clips = [
    dd.test.pairs.clean[i] for i in np.flatnonzero(dd.test.pairs.snr == dd.test.pairs.snr[0])
]

# %%
cont_test = clip_logmags(test_clips, P.cont_frames)
half = P.cont_frames // 2
print(
    f"continuation: {len(cont_train)} training clips, {len(cont_test)} test clips, {half} "
    f"frames in, {half} frames out"
)

# %%
config.seed_everything(0)
inp = keras.Input((half, audio.N_BINS), name="first_half")
x = layers.Conv1D(64, 5, padding="same", activation="relu")(inp)
x = layers.Conv1D(64, 5, strides=2, padding="same", activation="relu")(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.3)(layers.Dense(256, activation="relu")(x))
out = layers.Reshape((half, audio.N_BINS))(layers.Dense(half * audio.N_BINS)(x))
continuer = keras.Model(inp, out, name="continuation_cnn")

# %%
continuer.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
cont_hist = continuer.fit(
    cont_train[:, :half],
    cont_train[:, half:],
    validation_split=0.1,
    epochs=P.cont_epochs,
    batch_size=P.cont_batch,
    verbose=0,
    callbacks=[keras.callbacks.EarlyStopping(patience=5, restore_best_weights=True)],
)

# %%
# extra code - print the size, the epochs run and the final validation loss
print(
    f"{continuer.count_params():,} parameters, {len(cont_hist.history['loss'])} epochs, "
    f"final validation MSE {cont_hist.history['val_loss'][-1]:.4f}"
)

# %% [markdown]
# **Baselines** that know nothing about digits: repeat the last frame of the first half; the
# training set's mean second half (frame by frame); the first half mirrored in time. Metrics on
# linear magnitudes: log-spectral distance (dB, lower is better) and the SNR of the predicted
# magnitude (dB, higher is better).

# %%
first, truth = cont_test[:, :half], cont_test[:, half:]
predictions = {
    "CNN continuation": continuer.predict(first, verbose=0),
    "repeat last frame": np.repeat(first[:, -1:], half, axis=1),
    "mean training second half": np.broadcast_to(cont_train[:, half:].mean(axis=0), truth.shape),
    "mirrored first half": first[:, ::-1],
}

# %%
cont_table = pd.DataFrame(
    {
        name: {
            "log-spectral distance (dB)": np.mean(
                [
                    speech_metrics.log_spectral_distance(np.exp(t), np.exp(p))
                    for t, p in zip(truth, pred)
                ]
            ),
            "magnitude SNR (dB)": np.mean(
                [
                    speech_metrics.magnitude_snr_db(np.exp(t), np.exp(p))
                    for t, p in zip(truth, pred)
                    if t.max() > np.log(FLOOR)
                ]
            ),
        }
        for name, pred in predictions.items()
    }
).T

# %%
cont_table.round(2)

# %%
# extra code - plot true and predicted spectrograms of three test clips
fig, axes = plt.subplots(3, 2, figsize=(12, 8))
for row, i in enumerate((0, 7, 21)):
    whole_true = np.exp(cont_test[i])
    whole_pred = np.exp(np.concatenate([first[i], predictions["CNN continuation"][i]]))
    plotting.plot_spectrogram(whole_true, axes[row, 0], f"true (digit {dd.test.pairs.digit[i]})")
    plotting.plot_spectrogram(whole_pred, axes[row, 1], "first half + predicted second half")
    for ax in axes[row]:
        ax.axvline(half * audio.HOP / audio.SR, color="white", ls="--")
fig.tight_layout()
plt.show()

# %%
# extra code - listen to a continuation (phase from Griffin-Lim)
i = 7
gl = lambda logmag: librosa.griffinlim(
    np.exp(logmag).T, n_iter=32, hop_length=audio.HOP, n_fft=audio.N_FFT, random_state=0
)

# %%
# extra code - audio players: original, true magnitudes, predicted second half
plotting.players(
    {
        "original (first 0.38 s)": test_clips[i][: P.cont_frames * audio.HOP],
        "true magnitudes, Griffin-Lim": gl(cont_test[i]),
        "first half + prediction, Griffin-Lim": gl(
            np.concatenate([first[i], predictions["CNN continuation"][i]])
        ),
    }
)

# %% [markdown]
# **What did the model learn?** Its predicted second halves are smooth: averages of the ways a
# digit that starts like this usually ends, for the speaker that the first half reveals (pitch,
# loudness, the vowel under way). That is why it beats the digit-blind baselines on log-spectral
# distance, and why its continuations sound like a muffled version of the right ending rather than
# a crisp new syllable. Trained with squared error it cannot commit to one sharp future; a
# generative model (notebook 05) samples one instead. (Griffin-Lim has to invent a phase, so even
# the *true* magnitudes sound slightly metallic; compare the first two players.)
#
# ## Results

# %%
# NBVAL_CHECK_OUTPUT
lsd = cont_table["log-spectral distance (dB)"]
metrics = {
    "fcn_mean_snr_improvement": summary.loc["FCN", "mean SNR improvement (dB)"],
    "cnn_mean_snr_improvement": summary.loc["CNN", "mean SNR improvement (dB)"],
    "cnn_minus_fcn_db": cnn_gain,
    "fcn_parameters": trained["FCN"].count_params(),
    "cnn_parameters": trained["CNN"].count_params(),
    "continuation_lsd": lsd["CNN continuation"],
    "best_baseline_lsd": lsd.drop("CNN continuation").min(),
    "continuation_lsd_margin": lsd.drop("CNN continuation").min() - lsd["CNN continuation"],
}
claims = [
    Claim(
        "The CNN beats the FCN in mean SNR improvement by the profile margin",
        "cnn_minus_fcn_db",
        ">=",
        P.min_cnn_gain_db,
    ),
    Claim(
        "The continuation model beats every baseline on log-spectral distance",
        "continuation_lsd_margin",
        ">",
        0.0,
    ),
]
record = report_claims("04_fcn_vs_cnn_audio", metrics, claims)

# %% [markdown]
# ## Takeaways
# - Weight sharing is a prior: a CNN assumes that a pattern means the same thing wherever it
#   appears in time and frequency, which is roughly true of speech spectrograms.
# - Compare architectures on the same data, loss and epochs, and report parameters and time next
#   to quality.
# - A prediction task needs baselines that use no learning; "beats the mean" is the first bar.
# - Squared-error predictions of an uncertain future are averages: smooth, plausible, never sharp.
#
# **Exercises.** (1) Give the FCN 21 frames of context: does the gap close? (2) Make the CNN's
# kernels 1 bin tall (time-only convolutions): what is lost? (3) Continue from a quarter instead
# of a half. (4) Train both networks with three different seeds: how much does the CNN's lead vary?
