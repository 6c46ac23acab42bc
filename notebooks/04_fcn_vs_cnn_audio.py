# ---
# jupyter:
#   accelerator: GPU
#   colab:
#     gpuType: T4
#     provenance: []
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
# **The question.** For audio, does a network that shares its weights across frequency as well
# as time (a CNN) beat one whose weights are tied to each frequency (a fully connected network
# over a window of frames), when both see the same stretch of audio? And can a network continue a spoken digit,
# given only its first half, better than simple rules that know nothing about speech?
#
# **What you will be able to do afterwards:** reason about what each architecture can see
# (receptive fields, weight sharing), count what a model costs (parameters, multiply-accumulates
# per frame, training time), compare architectures fairly (same data, same context, paired
# runs, intervals), build honest baselines for a prediction task, and turn predicted magnitudes
# back into sound with Griffin-Lim.

# %%
# Setup: on Colab, install dl_helpers from the repository first (REPO_URL: see the README).
import importlib.util
import subprocess
import sys

REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
if "google.colab" in sys.modules and importlib.util.find_spec("dl_helpers") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO_URL}"], check=True)

from dl_helpers import config, session

PROFILE = "auto"  # @param ["auto", "quick", "standard", "full"]
versions = session.setup_notebook(seed=42, profile=PROFILE)

import time

import keras
import librosa
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers

from dl_helpers import audio, data, denoising, evidence, model_cost, plotting, speech_metrics
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# `n_folds`, `n_train`, `n_seen`, `n_test`: notebook 03's speaker folds
# (`dl_helpers.denoising.FOLD_SIZES`), so both notebooks denoise exactly the same mixtures.
# `context`: frames each network sees per output frame; `fcn_units`: width of the narrow FCN;
# `cnn_channels`: channels of every CNN layer; `max_epochs` / `patience`: training stops when the
# validation loss has not improved for `patience` epochs and keeps the best epoch. `cont_*`: the
# continuation model of part 2. The `min_*` rows are the thresholds the results cell checks.
# Choose the profile with `PROFILE` in the setup cell (a drop-down on Colab): `auto` keeps
# `$DLH_PROFILE` when it is set, else `standard`. The setup cell prints the one in use.

# %%
# fmt: off
SIZES = denoising.FOLD_SIZES
P = config.profile_settings(
    quick=dict(
        **SIZES["quick"], context=19, fcn_units=32, cnn_channels=16, max_epochs=4, patience=2,
        batch_size=32, lr=2e-3, cont_folds=6, cont_frames=48, cont_channels=32, cont_kernel=5,
        cont_dense=64, cont_dropout=0.3, cont_lr=1e-3, cont_max_epochs=10, cont_patience=3,
        cont_batch=64, min_improvement_db=1.0, min_lsd_margin_db=-1.0,
    ),
    standard=dict(
        **SIZES["standard"], context=19, fcn_units=32, cnn_channels=32, max_epochs=30,
        patience=3, batch_size=32, lr=2e-3, cont_folds=6, cont_frames=48, cont_channels=64,
        cont_kernel=5, cont_dense=256, cont_dropout=0.3, cont_lr=1e-3, cont_max_epochs=60,
        cont_patience=5, cont_batch=64, min_improvement_db=5.0,
        min_lsd_margin_db=0.0,
    ),
    full=dict(
        **SIZES["full"], context=19, fcn_units=128, cnn_channels=32, max_epochs=80, patience=5,
        batch_size=32, lr=2e-3, cont_folds=6, cont_frames=48, cont_channels=64, cont_kernel=5,
        cont_dense=256, cont_dropout=0.3, cont_lr=1e-3, cont_max_epochs=150, cont_patience=8,
        cont_batch=64, min_improvement_db=5.0, min_lsd_margin_db=0.0,
    ),
)
# fmt: on
SEED = session.notebook_seed()  # every seed below derives from the setup cell's

# %% [markdown]
# ## Data: notebook 03's speaker folds
# Same recordings, noise types, SNRs and folds as notebook 03 (its *Data* section explains them):
# each fold trains on four speakers (recordings 5-49, 10% kept for validation) and tests on the
# other two, whose voices are heard nowhere in training, with every (noise, input SNR) pair equally
# often. Notebook 03 defines the measures used here (its *Floor, baseline, ceiling* section):
# **SNR improvement**, the output's SNR $10\log_{10}(\sum s^2 / \sum (s - \hat s)^2)$ minus the
# input's, per clip, in dB; **SI-SDR improvement**, the same for the scale-invariant
# signal-to-distortion ratio; and the **oracle mask** (the ideal ratio mask, computed from the
# true speech and noise: a strong reference no real system has).

# %%
fsdd = data.load_fsdd()
fold_seeds = evidence.derive_seeds(SEED, P.n_folds)
folds = denoising.make_folds(fsdd, fold_seeds, n_train=P.n_train, n_seen=P.n_seen, n_test=P.n_test)
folds[0].describe()


# %% [markdown]
# ## 1 · Denoising: FCN vs CNN
# Every network reads `log(1 + |noisy STFT|)` and outputs a mask in [0, 1] for every
# time-frequency cell; the estimate is mask × noisy magnitude, as in notebook 03. All three here
# share one loss (MSE on magnitudes), optimiser (Adam, learning rate `lr`) and stopping rule
# (`patience`), the same for every architecture and not tuned per architecture; they differ
# from notebook 03's BiLSTM settings. A network's **receptive field** is the set of input cells
# that can affect one output cell; every network here sees the same **context** in time:
# `context` = 19 frames (frame centres ±72 ms; with 32 ms frames, about 176 ms of audio).
#
# * **CNN (5 layers).** 2-D convolutions over the spectrogram: the same small detector slides over
#   time *and* frequency (**weight sharing**), so a harmonic or an onset is recognised wherever it
#   occurs. Layer 1 looks at 3 frames × 5 bins and steps 4 bins at a time (129 bins become 33
#   bands, which keeps the cost CPU-sized); layers 2-4 are 3×3 kernels with gaps of 1, 2 and 4
#   cells (*dilation*); layer 5, a transposed convolution, returns to one mask value per cell.
#   Its receptive field is 3 + 2·(1 + 2 + 4) + 2 = 19 frames by 61-65 bins (about 2 kHz of the
#   4 kHz band).
# * **FCN (5 layers).** Layer 1 sees the 19-frame window *flattened*, all 129 bins: every input
#   cell (frame, frequency) has its own weight into every hidden unit, and a pattern learned at
#   500 Hz tells the network nothing about the same pattern at 1 kHz. (It is written as a
#   `Conv1D` of width 19 over time, which is exactly a dense layer applied to each 19-frame
#   window; so the FCN too shares its weights across *time*, only not across frequency.) Layers
#   2-5 are dense layers applied frame by frame.
#
# Two FCNs, because "same context" still leaves the size open: the **narrow FCN** (`fcn_units`
# hidden units), and the **wide FCN**, whose width is chosen so that it costs the CNN's
# multiply-accumulates per frame.

# %%
def fcn_masker(units: int, context: int) -> keras.Model:
    feats = keras.Input((None, audio.N_BINS), name="log_noisy_magnitude")
    noisy_mag = keras.Input((None, audio.N_BINS), name="noisy_magnitude")
    x = layers.Conv1D(units, context, padding="same", activation="relu", name="window")(feats)
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
    x = layers.Conv2D(channels, (3, 5), strides=(1, 4), padding="same", activation="relu")(x)
    for dilation in (1, 2, 4):  # layers 2-4: 3x3, dilated
        x = layers.Conv2D(channels, 3, padding="same", dilation_rate=dilation, activation="relu")(x)
    # layer 5: back to full resolution (33 x 4 = 132 bins, cropped to 129), one mask value per cell
    x = layers.Conv2DTranspose(1, (3, 5), strides=(1, 4), padding="same", activation="sigmoid")(x)
    x = layers.Cropping2D(((0, 0), (0, 4 * 33 - audio.N_BINS)))(x)
    mask = layers.Reshape((-1, audio.N_BINS), name="mask")(x)
    model = keras.Model([feats, noisy_mag], layers.Multiply()([mask, noisy_mag]), name="cnn")
    model.compile(optimizer=keras.optimizers.Adam(P.lr), loss="mse")
    return model


# %% [markdown]
# **What each one costs.** A multiply-accumulate (MAC, two floating-point operations) per output
# frame: a dense or `Conv1D` layer costs its weight count per frame; a 2-D convolution costs its
# kernel's weight count at *every* frequency position it computes. So the CNN has few weights
# but uses each one 33 times per frame; the FCN uses each weight once. The FCN costs
# `context·129·u + 3·u² + 129·u` MACs per frame at width `u`; we pick the `u` closest to the
# CNN's cost.

# %%
cnn_macs = model_cost.macs_per_frame(cnn_masker(P.cnn_channels))
fcn_macs = lambda u: P.context * audio.N_BINS * u + 3 * u * u + u * audio.N_BINS
wide_units = min(range(1, 4096), key=lambda u: abs(fcn_macs(u) - cnn_macs))
builders = {
    "narrow FCN": lambda: fcn_masker(P.fcn_units, P.context),
    "wide FCN": lambda: fcn_masker(wide_units, P.context),
    "CNN": lambda: cnn_masker(P.cnn_channels),
}

# %%
cost = pd.DataFrame(
    {
        name: {
            "hidden width": width,
            "parameters": (m := build()).count_params(),
            "MACs per frame": model_cost.macs_per_frame(m),
            "context (frames)": P.context,
        }
        for (name, build), width in zip(builders.items(), (P.fcn_units, wide_units, "-"))
    }
).T
cost

# %% [markdown]
# Padding needs no `Masking` layer here: a padded frame has zero noisy magnitude and zero clean
# magnitude, so its estimate (mask × 0) is exactly right and adds nothing to the loss gradient.
#
# ## The experiment
# For each fold, all three networks train on the same clips in the same order from the same seed,
# each until its validation loss stops improving (then its best epoch's weights are restored), and
# are scored on the fold's held-out speakers and on its seen speakers. Three folds give three
# paired runs: every comparison below is a per-fold difference with a 95% interval.

# %%
def fit_masker(model: keras.Model, fold: denoising.FoldData, seed: int) -> tuple[dict, float]:
    start = time.perf_counter()
    history = model.fit(
        denoising.length_batches(fold.train, P.batch_size, seed=seed),
        validation_data=denoising.length_batches(fold.val, P.batch_size, shuffle=False),
        epochs=P.max_epochs,
        verbose=0,
        callbacks=[keras.callbacks.EarlyStopping(patience=P.patience, restore_best_weights=True)],
    ).history
    return history, time.perf_counter() - start


# %%
def score(model: keras.Model, split: denoising.Split, name: str, k: int) -> pd.DataFrame:
    masks = denoising.predict_masks(denoising.mask_model(model), split.features)
    return denoising.evaluate(split, masks, name).assign(fold=k + 1)


# %%
def run_fold(k: int, fold: denoising.FoldData) -> None:
    for name, build in builders.items():
        config.seed_everything(fold_seeds[k])
        model = build()
        history, seconds = fit_masker(model, fold, fold_seeds[k])
        best = int(np.argmin(history["val_loss"]))
        runs.append({"fold": k + 1, "model": name, "seconds": round(seconds),
                     "best epoch": best + 1, "epochs": len(history["loss"]),
                     "best validation loss": history["val_loss"][best]})  # fmt: skip
        rows.append(score(model, fold.test, name, k))
        seen_rows.append(score(model, fold.seen, name, k))
        if k == 0:  # fold 1's, for the figures
            histories[name], fold1_models[name] = history, model


# %%
rows, seen_rows, runs, histories, fold1_models = [], [], [], {}, {}
for k, fold in enumerate(folds):
    run_fold(k, fold)
    oracle = denoising.evaluate(fold.test, denoising.oracle_masks(fold.test), "oracle mask")
    rows.append(oracle.assign(fold=k + 1))

# %%
runs = pd.DataFrame(runs)
clips, seen = pd.concat(rows, ignore_index=True), pd.concat(seen_rows, ignore_index=True)
runs.round(4)

# %%
# extra code - plot fold 1's learning curves
fig = plotting.plot_history(
    histories, metrics=("loss",), title="Fold 1: masked-magnitude MSE (dashed: validation)"
)
fig.axes[0].set_ylabel("MSE of magnitudes (mixtures at RMS 0.05)")
plt.show()


# %% [markdown]
# ## Results
# Means over folds of each fold's mean; ± is the half-width of the 95% t-interval over the
# `n_folds` fold means (t = 4.3 with three folds).

# %%
def by_fold(frame: pd.DataFrame, column: str = "snr_improvement") -> pd.DataFrame:
    return frame.pivot_table(index="fold", columns="method", values=column, aggfunc="mean")


def mean_pm(table: pd.DataFrame) -> pd.Series:
    return table.apply(lambda x: f"{x.mean():.2f} ± {evidence.mean_interval(x).half_width:.2f}")


# %%
order = [*builders, "oracle mask"]
summary = pd.DataFrame(
    {
        "held-out SNR improvement (dB)": mean_pm(by_fold(clips)),
        "held-out SI-SDR improvement (dB)": mean_pm(by_fold(clips, "si_sdr_improvement")),
        "seen-speaker SNR improvement (dB)": mean_pm(by_fold(seen)),
        "training time (s)": runs.groupby("model").seconds.mean().round(0),
    }
).reindex(order)
summary.join(cost[["parameters", "MACs per frame"]])

# %%
snr_folds = by_fold(clips)
gaps = {
    "CNN − wide FCN (same context, same MACs)": snr_folds["CNN"] - snr_folds["wide FCN"],
    "CNN − narrow FCN (same context)": snr_folds["CNN"] - snr_folds["narrow FCN"],
    "wide FCN − narrow FCN": snr_folds["wide FCN"] - snr_folds["narrow FCN"],
}
pd.DataFrame(
    {
        name: vars(evidence.mean_interval(g)) | {"per fold": g.round(3).tolist()}
        for name, g in gaps.items()
    }
).T[["estimate", "low", "high", "per fold"]]

# %%
# the CNN's lead per fold and input SNR, over each FCN
gap_by_snr = {
    other: (
        clips[clips.method == "CNN"].groupby(["fold", "input_snr"]).snr_improvement.mean()
        - clips[clips.method == other].groupby(["fold", "input_snr"]).snr_improvement.mean()
    ).unstack("fold")
    for other in ("wide FCN", "narrow FCN")
}

# %%
# extra code - plot the CNN's lead by input SNR, one line per fold and their mean
fig, ax = plt.subplots(figsize=(7, 4))
for (other, table), colour in zip(gap_by_snr.items(), ("C0", "C1")):
    ax.plot(table.index, table.mean(axis=1), marker="o", color=colour, label=f"CNN − {other}")
    ax.plot(table.index, table, color=colour, alpha=0.3, lw=1)
ax.axhline(0, color="grey", lw=0.8)
ax.set(
    title="CNN's lead by input SNR (held-out speakers; thin lines: single folds)",
    xlabel="input SNR (dB)",
    ylabel="SNR improvement difference (dB)",
)
ax.legend()
plt.show()

# %%
# extra code - print the CNN's lead per input SNR (mean over folds)
print(pd.DataFrame({f"CNN − {o}": t.mean(axis=1) for o, t in gap_by_snr.items()}).round(2))

# %%
# one held-out clip of fold 1 (pink noise at 0 dB) and what each network makes of it
test1 = folds[0].test
i = int(np.flatnonzero((test1.pairs.snr == 0) & (test1.pairs.noise_type == "pink"))[0])
outputs = {
    name: denoising.predict_masks(denoising.mask_model(m), [test1.features[i]])[0]
    * test1.noisy_mag[i]
    for name, m in fold1_models.items()
}

# %%
# extra code - spectrograms (each with its colour bar) of the noisy, denoised and clean clip
panels = {"noisy (pink noise, 0 dB)": test1.noisy_mag[i]} | outputs | {"clean": test1.clean_mag[i]}
fig, axes = plt.subplots(1, 5, figsize=(22, 3.4), sharey=True)
top = plotting.peak_db(test1.noisy_mag[i])  # one colour scale for every panel
for ax, (title, mag) in zip(axes, panels.items()):
    plotting.plot_spectrogram(mag, ax, title, colorbar=True, top_db=top)
fig.suptitle(f"A held-out clip: digit {test1.pairs.digit[i]} by {test1.pairs.speaker[i]}")
fig.tight_layout()
plt.show()

# %%
# extra code - audio players (denoised with the noisy phase)
phase = test1.noisy_phase[i]
n = len(test1.pairs.clean[i])
players = {name: audio.istft(mag * phase, n) for name, mag in outputs.items()}
plotting.players({"noisy": test1.pairs.noisy[i]} | players | {"clean": test1.pairs.clean[i]})

# %% [markdown]
# **What else differs.** Besides sharing weights across frequency, the CNN differs from the FCNs
# in frequency span (61-65 bins against all 129), in its 4x frequency downsampling and
# transposed-convolution upsampling, in locality and dilation, and in parameter count; each
# fold trains every network once, from one seed, so fold and initialisation variance are mixed.
# The comparison is between these two designs, not of weight sharing alone.
#
# **What the numbers say.** At the same 19-frame context the three networks end close together
# on held-out speakers: 6.65 dB (narrow FCN), 7.03 dB (wide FCN) and 7.30 dB (CNN) mean SNR
# improvement, against the oracle mask's 11.25 dB.
# * **CNN vs wide FCN** (same context, same MACs per frame): the CNN is ahead in every fold, by
#   +0.10 to +0.48 dB, but the 95% interval of the difference, -0.20 to +0.74 dB, includes zero.
#   Three folds do not show that the CNN's design improves the result at equal context and
#   compute, nor that it does not: the interval is too wide for either. Each fold trains each
#   network once, so every difference also carries training noise, which at gaps this small
#   matters; more paired runs (seeds per fold, or more speakers) would be needed.
# * **CNN vs narrow FCN**: ahead in every fold, interval -0.09 to +1.40 dB: not established
#   either. **Wide vs narrow FCN**: +0.08 to +0.68 dB: at this context the FCN gains from width.
# * **By input SNR** (table above; means over three folds, no intervals), the CNN's lead over
#   the wide FCN is between +0.04 and +0.40 dB at each level.
# * **Weights**: at equal MACs per frame the CNN has 28,737 parameters and the wide FCN
#   946,084 (33 times more), and their held-out results are not distinguishable. On this CPU
#   the CNN trained slowest (training-time column and the per-fold log: more seconds per epoch
#   in every fold, and more epochs than the wide FCN in two of three folds).
# * **Seen speakers** (voices heard in training): mean improvements are higher with every
#   network (7.88 to 8.46 dB against 6.65 to 7.30 dB); no interval is computed, and the seen set
#   also differs in size (100 vs 200 clips) and in whose voices make its babble.
#
# **A control without weight sharing.** The cleanest test would keep the CNN's exact layout but
# give every frequency position its own kernels (a *locally connected* network). Keras 3 has no
# such layer (`LocallyConnected1D/2D` were removed with Keras 3); building it by hand takes one
# convolution per frequency position and layer (33 times the CNN's weights). The wide FCN is the
# control we do run: same context in time and same cost, no sharing across frequency. Exercise
# (1) builds the other.
#
# ## 2 · Continuing a clip
# Given the first `cont_frames / 2` frames (0.19 s) of a clean recording's spectrogram, predict
# the next `cont_frames / 2` frames. Every recording is cut or zero-padded to `cont_frames`
# frames from its start, and scaled so that its *first half* has RMS 0.05 (the level part 1's
# mixtures have; the first half is what a predictor is given, so it may set the level).
#
# **Six speaker folds.** This model is cheap to train, so here every speaker is held out on its
# own: six folds, each training on the other five speakers' recordings 5-49 (`n_train` of them,
# 10% kept for validation) and testing on `n_test` recordings of the held-out speaker. With six
# paired runs an interval uses t = 2.57 and √6 instead of 4.30 and √3; how tight it gets also
# depends on how much the held-out speakers differ.
#
# **Measures**, on linear magnitudes of the predicted half, over the same clips (those whose
# second half is not all padding): the **log-spectral distance**
# $\mathrm{LSD} = \frac{1}{T}\sum_t \sqrt{\frac{1}{F}\sum_f \big(20\log_{10}\frac{|X(t,f)|}
# {|\hat X(t,f)|}\big)^2}$ in dB (both floored at 10⁻³; lower is better), and the **magnitude
# SNR** $10\log_{10}\frac{\sum |X|^2}{\sum (|X| - |\hat X|)^2}$ in dB (higher is better).

# %%
FLOOR = speech_metrics.LSD_FLOOR  # the floor the log-spectral distance uses
half = P.cont_frames // 2


def clip_logmags(clips: list[np.ndarray]) -> np.ndarray:
    """log(max(|STFT|, FLOOR)) of each clip's first `cont_frames` frames (zero-padded), the clip
    scaled so that its first half has RMS 0.05: the model's squared error is then proportional
    to the mean squared error in dB, a close relative of the log-spectral distance squared."""
    n_first = half * audio.HOP
    rms = lambda y: max(float(np.sqrt(np.mean(np.square(y[:n_first], dtype=np.float64)))), 1e-8)
    mags = [np.abs(audio.stft(y * (denoising.MIXTURE_RMS / rms(y)))) for y in clips]
    mags = keras.utils.pad_sequences(
        mags, maxlen=P.cont_frames, dtype="float32", padding="post", truncating="post"
    )
    return np.log(np.maximum(mags, FLOOR))


# %%
cont_folds = data.speaker_folds(fsdd.speaker, P.cont_folds)
cont_seeds = evidence.derive_seeds(SEED, P.cont_folds)


def continuation_data(k: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(log magnitudes, digits) of fold k's train / val / test recordings."""
    split = data.speaker_split(
        fsdd.speaker, fsdd.index, cont_folds[k][1], n_train=P.n_train, n_test=P.n_test,
        seed=cont_seeds[k],
    )  # fmt: skip
    return {
        name: (clip_logmags([fsdd.audio[i] for i in idx]), fsdd.digit[idx])
        for name, idx in split.items()
    }


# %% [markdown]
# **The model**: 1-D convolutions over the first half (frequency bins as channels), a dense
# bottleneck with dropout, and a dense layer that outputs the whole second half at once, trained
# with squared error on log magnitudes; it stops on validation loss and keeps its best epoch. It
# predicts the *difference* from the training set's mean second half: its last layer starts at
# zero, so before training it is exactly the mean baseline below, and training moves it away
# where that lowers the *training* loss (early stopping keeps the epoch with the lowest
# validation loss).
#
# **Baselines.** Three that know nothing about digits: repeat the last frame of the first half;
# the training set's mean second half (frame by frame); the first half mirrored in time. The
# **nearest neighbour**: the training clip whose first half is closest (Euclidean distance of
# log magnitudes), and its second half. And one that is *told* the digit: the mean second half of
# the training clips of that digit (an unfair advantage; a reference, not a floor).

# %%
def continuation_model(mean_second_half: np.ndarray) -> keras.Model:
    inp = keras.Input((half, audio.N_BINS), name="first_half")
    x = layers.Conv1D(P.cont_channels, P.cont_kernel, padding="same", activation="relu")(inp)
    x = layers.Conv1D(P.cont_channels, P.cont_kernel, strides=2, padding="same", activation="relu")(
        x
    )
    x = layers.Dense(P.cont_dense, activation="relu")(layers.Flatten()(x))
    x = layers.Dense(half * audio.N_BINS, kernel_initializer="zeros")(
        layers.Dropout(P.cont_dropout)(x)
    )
    out = layers.Reshape((half, audio.N_BINS))(x) + mean_second_half  # predict the difference
    model = keras.Model(inp, out, name="continuation")
    model.compile(optimizer=keras.optimizers.Adam(P.cont_lr), loss="mse")
    return model


# %%
def baselines(train: np.ndarray, train_digits: np.ndarray, first: np.ndarray, digits) -> dict:
    distances = ((first[:, None] - train[None, :, :half]) ** 2).sum(axis=(2, 3))
    digit_means = {d: train[train_digits == d, half:].mean(axis=0) for d in set(train_digits)}
    return {
        "repeat last frame": np.repeat(first[:, -1:], half, axis=1),
        "mean training second half": np.broadcast_to(train[:, half:].mean(axis=0), first.shape),
        "mirrored first half": first[:, ::-1],
        "nearest neighbour": train[distances.argmin(axis=1), half:],
        "digit mean (told the digit)": np.stack([digit_means[d] for d in digits]),
    }


# %%
def continuation_scores(truth: np.ndarray, pred: np.ndarray) -> dict:
    keep = truth.max(axis=(1, 2)) > np.log(FLOOR)  # second half not all padding
    t, p = np.exp(truth[keep]), np.exp(pred[keep])
    lsd = [speech_metrics.log_spectral_distance(a, b) for a, b in zip(t, p)]
    msnr = [speech_metrics.magnitude_snr_db(a, b) for a, b in zip(t, p)]
    return {"log-spectral distance (dB)": np.mean(lsd), "magnitude SNR (dB)": np.mean(msnr),
            "clips": int(keep.sum())}  # fmt: skip


# %%
def fit_continuation(k: int, train: np.ndarray, val: np.ndarray) -> keras.Model:
    config.seed_everything(cont_seeds[k])
    model = continuation_model(train[:, half:].mean(axis=0))
    stop = keras.callbacks.EarlyStopping(patience=P.cont_patience, restore_best_weights=True)
    history = model.fit(
        train[:, :half], train[:, half:], validation_data=(val[:, :half], val[:, half:]),
        epochs=P.cont_max_epochs, batch_size=P.cont_batch, verbose=0, callbacks=[stop],
    ).history  # fmt: skip
    best = int(np.argmin(history["val_loss"]))
    mse, held = history["val_loss"][best], cont_folds[k][1][0]
    print(f"fold {k + 1} (held out: {held}): best epoch {best + 1} of {len(history['loss'])}, "
          f"validation MSE at the best epoch {mse:.4f}")  # fmt: skip
    return model


# %%
cont_rows, cont_examples = [], None

# %%
for k in range(P.cont_folds):
    (train, train_digits), (val, _), (test, test_digits) = continuation_data(k).values()
    model = fit_continuation(k, train, val)
    first = test[:, :half]
    predictions = {"CNN continuation": model.predict(first, verbose=0)}
    predictions |= baselines(train, train_digits, first, test_digits)
    for name, pred in predictions.items():
        cont_rows.append(dict(fold=k + 1, method=name, **continuation_scores(test[:, half:], pred)))
    if k == 0:
        cont_examples = (test, test_digits, predictions["CNN continuation"])
print(f"{model.count_params():,} parameters")

# %%
cont = pd.DataFrame(cont_rows)
lsd_folds = cont.pivot_table(index="fold", columns="method", values="log-spectral distance (dB)")
msnr_folds = cont.pivot_table(index="fold", columns="method", values="magnitude SNR (dB)")
cont_summary = pd.DataFrame(
    {"log-spectral distance (dB)": mean_pm(lsd_folds), "magnitude SNR (dB)": mean_pm(msnr_folds)}
)
cont_summary.sort_values("log-spectral distance (dB)")

# %%
# per fold: each method's LSD (dB, lower is better)
lsd_folds.round(2)

# %%
label_free = [m for m in lsd_folds if m not in ("CNN continuation", "digit mean (told the digit)")]
lsd_gain = {b: lsd_folds[b] - lsd_folds["CNN continuation"] for b in lsd_folds}
for baseline in ("mean training second half", "nearest neighbour"):
    print(f"{baseline} minus the model, LSD: {evidence.mean_interval(lsd_gain[baseline])}")
lsd_margin = lsd_folds[label_free].min(axis=1) - lsd_folds["CNN continuation"]
print("best label-free baseline per fold:", lsd_folds[label_free].idxmin(axis=1).tolist())
print(f"its LSD minus the model's, per fold: {lsd_margin.round(3).tolist()}")
print(f"mean {evidence.mean_interval(lsd_margin)}")
told = lsd_gain["digit mean (told the digit)"]
print(f"digit mean (told the digit) minus the model, LSD: {evidence.mean_interval(told)}")

# %%
# extra code - plot true and predicted spectrograms of three held-out clips of different digits
test, test_digits, predicted = cont_examples
picks = [int(np.flatnonzero(test_digits == d)[0]) for d in (1, 5, 8)]
fig, axes = plt.subplots(3, 2, figsize=(13, 8.5), sharex=True)
for row, i in enumerate(picks):
    whole = np.exp(np.concatenate([test[i, :half], predicted[i]]))
    top = plotting.peak_db(np.exp(test[i]))  # one colour scale per row
    plotting.plot_spectrogram(np.exp(test[i]), axes[row, 0], f"true (digit {test_digits[i]})",
                              colorbar=True, top_db=top)  # fmt: skip
    plotting.plot_spectrogram(whole, axes[row, 1], "first half + prediction", colorbar=True,
                              top_db=top)  # fmt: skip
    for ax in axes[row]:
        ax.axvline(half * audio.HOP / audio.SR, color="white", ls="--", label="prediction starts")
axes[0, 1].legend(loc="upper right")
fig.suptitle(f"Continuations of a held-out speaker's clips (fold 1: {cont_folds[0][1][0]})")
fig.tight_layout()
plt.show()

# %%
# extra code - Griffin-Lim: a waveform whose STFT magnitude matches (it invents a phase)
gl = lambda logmag: librosa.griffinlim(
    np.exp(logmag).T, n_iter=32, hop_length=audio.HOP, n_fft=audio.N_FFT, random_state=SEED
)

# %%
# extra code - listen to one continuation
i = picks[1]
plotting.players(
    {
        "true magnitudes, Griffin-Lim": gl(test[i]),
        "first half + prediction, Griffin-Lim": gl(np.concatenate([test[i, :half], predicted[i]])),
    }
)

# %% [markdown]
# **What the numbers say.** Averaged over the six held-out speakers, the model's predicted
# second halves are closest to the truth: 13.94 dB log-spectral distance, against 16.16 dB for
# the training mean (the model's own starting point), 16.32 dB for repeating the last frame and
# 17.39 dB for the nearest neighbour; its magnitude SNR is the highest too (1.40 dB). Against
# the mean (+2.22 dB [0.55, 3.88]) and the nearest neighbour (+3.45 dB [2.50, 4.40]) the
# paired intervals are above zero. It does **not** beat every label-free baseline for every
# speaker: for fold 3 (lucas) repeating the last frame is 1.8 dB better, and the margin over
# each fold's best baseline (picked per fold on the test scores, which favours the baselines),
# +1.05 dB, has an interval [-0.94, 3.03] that includes zero. Against the digit mean that is
# *told* the digit, the model is ahead on average (+1.73 dB [0.03, 3.42]) but not for every
# speaker (folds 1 and 4 go the other way).
#
# **Why the predictions look smooth.** The squared error is minimised by the *average* of the
# endings that could follow a given first half, so a model trained with it predicts something
# like that average: smooth, and muffled when played back. A generative model (notebook 05)
# samples one ending instead. (Griffin-Lim has to invent a phase, so even the *true* magnitudes
# sound slightly metallic; compare the two players.)
#
# ## Results

# %%
# the numbers the results file keeps
networks = list(builders)
metrics = {
    "cnn_minus_wide_fcn_db": gaps["CNN − wide FCN (same context, same MACs)"].tolist(),
    "cnn_minus_narrow_fcn_db": gaps["CNN − narrow FCN (same context)"].tolist(),
    "wide_minus_narrow_fcn_db": gaps["wide FCN − narrow FCN"].tolist(),
    **{
        f"{n.replace(' ', '_').lower()}_heldout_snr_improvement": snr_folds[n].tolist()
        for n in networks
    },
    "worst_network_heldout_snr_improvement": snr_folds[networks].min(axis=1).tolist(),
    "continuation_lsd": lsd_folds["CNN continuation"].tolist(),
    "continuation_lsd_margin": lsd_margin.tolist(),
    "lsd_gain_over_mean": lsd_gain["mean training second half"].tolist(),
    "lsd_gain_over_nearest_neighbour": lsd_gain["nearest neighbour"].tolist(),
    **{f"{n.replace(' ', '_').lower()}_parameters": int(c) for n, c in cost.parameters.items()},
    "cnn_macs_per_frame": int(cnn_macs),
}

# %%
# NBVAL_CHECK_OUTPUT
claims = [
    Claim("Every network improves SNR on held-out speakers by the profile's margin",
          "worst_network_heldout_snr_improvement", ">=", P.min_improvement_db),
    Claim("The continuation model beats the training set's mean second half on log-spectral "
          "distance", "lsd_gain_over_mean", ">", P.min_lsd_margin_db, compares=True),
    Claim("The continuation model beats the nearest-neighbour baseline on log-spectral distance",
          "lsd_gain_over_nearest_neighbour", ">", P.min_lsd_margin_db, compares=True),
]  # fmt: skip
record = report_claims("04_fcn_vs_cnn_audio", metrics, claims)

# %% [markdown]
# ## Takeaways
# - Match what each network sees before comparing architectures. At the same 19-frame context
#   and cost, three folds cannot tell the CNN from the FCN (+0.27 dB, interval -0.20 to
#   +0.74 dB); what the CNN's design visibly buys here is 33 times fewer weights.
# - Report parameters, MACs per frame and training time next to quality: on a CPU the CNN's
#   few weights did not make it faster to train.
# - A prediction task needs baselines that use no learning, and the strongest of them can differ
#   from speaker to speaker; "beats the mean" is the first bar, "beats the best baseline for
#   every speaker" a harder one this model does not clear.
# - Squared-error predictions of an uncertain future are averages: smooth, plausible, never sharp.
#
# **Exercises.** (1) Build the locally connected control: the CNN's layout with separate kernels
# at each of the 33 frequency positions (hint: slice the bands, one `Conv1D` per band, and
# `Concatenate`). Where does it land between the CNN and the FCNs? (2) Make the CNN's kernels
# 1 bin tall (time-only convolutions): what is lost? (3) Continue from a quarter instead of a
# half. (4) Replace the continuation model's squared error by an absolute error: are the
# predictions less smooth?
#
# **Solutions.** Worked, executed solutions to every exercise:
# [solutions/04_fcn_vs_cnn_audio_solutions.ipynb](solutions/04_fcn_vs_cnn_audio_solutions.ipynb) in JupyterLab, or
# [open it in Colab](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/solutions/04_fcn_vs_cnn_audio_solutions.ipynb).
# Try each exercise before reading its solution.
