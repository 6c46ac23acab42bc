# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 03 · Speech denoising with a bidirectional LSTM
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/03_rnn_speech_denoising.ipynb)
#
# **The question.** A recurrent network reads a noisy spectrogram frame by frame, in both
# directions. Can it learn which time-frequency cells belong to the speech, and how close does it
# get to the best possible mask, the one computed from the true clean speech and noise?
#
# **What you will be able to do afterwards:** build noisy/clean speech pairs at an exact SNR,
# train a masking network on variable-length sequences (padding plus masking, not truncation),
# rebuild audio from a masked magnitude and the noisy phase, and measure the result in dB
# against a floor (do nothing) and a ceiling (the oracle mask).

# %%
# Setup: on Colab, install dl_helpers from the repository first (REPO_URL: see the README).
import importlib.util
import subprocess
import sys

REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
if "google.colab" in sys.modules and importlib.util.find_spec("dl_helpers") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", f"git+{REPO_URL}"], check=True)

from dl_helpers import config, session

versions = session.setup_notebook(seed=42)

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display
from keras import layers

from dl_helpers import audio, data, denoising, plotting
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# `n_*` = how many recordings per split (`None`: all); they come from
# `dl_helpers.denoising.DATA_SIZES`, which notebook 04 reads too, so both notebooks use exactly the
# same mixtures. The `min_*` rows are the thresholds the results cell checks.

# %%
# fmt: off
SIZES = denoising.DATA_SIZES
P = config.profile_settings(
    quick=dict(
        **SIZES["quick"], lstm_units=48, epochs=4, batch_size=32, min_improvement_0db=2.0,
        min_oracle_fraction=0.3, min_heldout_improvement=1.0,
    ),
    standard=dict(
        **SIZES["standard"], lstm_units=64, epochs=15, batch_size=32, min_improvement_0db=6.0,
        min_oracle_fraction=0.6, min_heldout_improvement=3.0,
    ),
    full=dict(
        **SIZES["full"], lstm_units=256, epochs=80, batch_size=32, min_improvement_0db=6.0,
        min_oracle_fraction=0.6, min_heldout_improvement=3.0,
    ),
)
# fmt: on

# %% [markdown]
# ## Data
# The Free Spoken Digit Dataset: 3,000 recordings of the digits 0-9 by 6 speakers, 8 kHz mono.
# We make a noisy copy of every recording: a noise type (white, pink, brown, mains hum, or babble
# made from *other* speakers' recordings) and an input SNR drawn per recording, mixed at exactly
# that SNR. Splits:
#
# * **train / validation**: recordings with index 5-49 (upstream's training split) of five
#   speakers, one noisy copy each, SNR uniform in [-5, 10] dB;
# * **test**: index 0-4 of the same five speakers, each mixed at -5, 0, 5 and 10 dB, so we can
#   read every result by input SNR;
# * **held-out speaker**: recordings of a sixth speaker the network never hears in training.

# %%
fsdd = data.load_fsdd()
print(data.CARDS["fsdd"])

# %%
dd = denoising.prepare(fsdd, n_train=P.n_train, n_test=P.n_test, n_heldout=P.n_heldout, seed=0)
dd.describe()

# %%
# extra code - plot the waveforms and spectrograms of one training example
i = 3
pairs = dd.train.pairs
fig, axes = plt.subplots(2, 3, figsize=(14, 6))
for col, (name, y) in enumerate(
    {
        "clean": pairs.clean[i],
        f"noise ({pairs.noise_type[i]})": pairs.noise[i],
        f"mixture ({pairs.snr[i]:.1f} dB SNR)": pairs.noisy[i],
    }.items()
):
    t = np.arange(len(y)) / audio.SR
    axes[0, col].plot(t, y, lw=0.5)
    axes[0, col].set(title=f"{name}: waveform", xlabel="time (s)", ylabel="amplitude")
    plotting.plot_spectrogram(np.abs(audio.stft(y)), axes[1, col], f"{name}: spectrogram")
fig.suptitle(f"Training example: digit {pairs.digit[i]} spoken by {pairs.speaker[i]}")
fig.tight_layout()
plt.show()

# %%
# extra code - audio players for the example
plotting.players({"clean": pairs.clean[i], "noise": pairs.noise[i], "mixture": pairs.noisy[i]})

# %%
# extra code - clip lengths and noise types in the training set
lengths = pd.Series([len(m) for m in dd.train.noisy_mag])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.2))
lengths.plot.hist(bins=40, ax=axes[0])
axes[0].set(title="Training clip lengths", xlabel="STFT frames (8 ms each)", ylabel="clips")
pd.Series(dd.train.pairs.noise_type).value_counts().sort_index().plot.bar(ax=axes[1])
axes[1].set(title="Noise types in the training mixtures", xlabel="noise type", ylabel="clips")
fig.tight_layout()
plt.show()

# %%
# extra code - print the median and longest clip length
print(f"clip length: median {lengths.median():.0f} frames, longest {lengths.max()} frames")


# %% [markdown]
# Clips differ in length by a factor of ten. Cutting every clip to one length would throw speech
# away; padding every clip to the longest would waste most of the computation on silence. We
# group clips of similar length into a batch, pad within the batch, and let a `Masking` layer
# tell the LSTMs (and the loss) which frames are padding.
#
# ## The model
# Input: `log(1 + |noisy STFT|)`, one 129-bin frame per step. Two bidirectional LSTM layers read
# the whole utterance forwards and backwards; a dense sigmoid layer outputs a **mask** in [0, 1]
# for every time-frequency cell. The estimate is mask × noisy magnitude; the loss is the mean
# squared error between that estimate and the clean magnitude, over real (unpadded) frames only.
# To listen, we combine the estimated magnitude with the *noisy* phase and invert the STFT.

# %%
def build_masker(units: int, bidirectional: bool = True) -> keras.Model:
    feats = keras.Input((None, audio.N_BINS), name="log_noisy_magnitude")
    noisy_mag = keras.Input((None, audio.N_BINS), name="noisy_magnitude")
    x = layers.Masking(mask_value=0.0)(feats)  # padded frames are all zeros
    for k in range(2):
        lstm = layers.LSTM(units, return_sequences=True)
        x = (
            layers.Bidirectional(lstm, name=f"bilstm{k + 1}")(x)
            if bidirectional
            else layers.LSTM(units, return_sequences=True, name=f"lstm{k + 1}")(x)
        )
    mask = layers.Dense(audio.N_BINS, activation="sigmoid", name="mask")(x)
    estimate = layers.Multiply(name="estimate")([mask, noisy_mag])
    model = keras.Model(
        [feats, noisy_mag], estimate, name="bilstm_masker" if bidirectional else "lstm_masker"
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    return model


# %%
config.seed_everything(0)
bilstm = build_masker(P.lstm_units, bidirectional=True)
bilstm.summary(print_fn=print)  # plain text, no colour codes in the saved notebook

# %%
train_batches = denoising.length_batches(dd.train, P.batch_size, seed=0)
val_batches = denoising.length_batches(dd.val, P.batch_size, shuffle=False)
callbacks = [
    keras.callbacks.ReduceLROnPlateau(patience=2, factor=0.5, verbose=0),
    keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True),
]

# %%
hist_bi = bilstm.fit(
    train_batches, validation_data=val_batches, epochs=P.epochs, verbose=2, callbacks=callbacks
)

# %%
# extra code - plot the learning curves
fig = plotting.plot_history(
    {"BiLSTM": hist_bi.history},
    metrics=("loss",),
    title="Masked-magnitude MSE per epoch (dashed: validation)",
)
plt.show()

# %% [markdown]
# ## Floor, model, ceiling
# * **Floor**: do nothing, output the noisy mixture (0 dB improvement by definition).
# * **Model**: the BiLSTM's mask.
# * **Ceiling**: the oracle *ideal ratio mask* √(|S|² / (|S|² + |N|²)), computed from the true
#   clean speech S and noise N, which no real system has. It is the best any mask applied to the
#   noisy magnitude with the noisy phase can roughly do.

# %%
bi_masks = denoising.predict_masks(denoising.mask_model(bilstm), dd.test.features)

# %%
results = pd.concat(
    [
        denoising.evaluate(dd.test, None, "floor: noisy input"),
        denoising.evaluate(dd.test, bi_masks, "BiLSTM mask"),
        denoising.evaluate(dd.test, denoising.oracle_masks(dd.test), "ceiling: oracle mask"),
    ]
)

# %%
by_snr = results.pivot_table(
    index="input_snr",
    columns="method",
    values=["snr_improvement", "si_sdr_improvement"],
    aggfunc="mean",
)
by_snr.round(2)

# %%
by_noise = results.pivot_table(
    index="noise", columns="method", values="snr_improvement", aggfunc="mean"
)
by_noise.round(2)

# %%
# extra code - plot the output SNR and SI-SDR against the input SNR
fig, axes = plt.subplots(1, 2, figsize=(12, 4))
for method, group in results.groupby("method", sort=False):
    means = group.groupby("input_snr")[["snr_out", "si_sdr_out"]].mean()
    axes[0].plot(means.index, means["snr_out"], marker="o", label=method)
    axes[1].plot(means.index, means["si_sdr_out"], marker="o", label=method)
for ax, what in zip(axes, ("SNR", "SI-SDR")):
    ax.set(
        title=f"Output {what} against input SNR (test set)",
        xlabel="input SNR (dB)",
        ylabel=f"output {what} (dB)",
    )
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()

# %%
mean_imp = results.groupby("method")["snr_improvement"].mean()
imp_0db = results[results.input_snr == 0].groupby("method")["snr_improvement"].mean()
oracle_fraction = mean_imp["BiLSTM mask"] / mean_imp["ceiling: oracle mask"]

# %%
# extra code - print the improvements
print(
    f"mean SNR improvement over the test set: BiLSTM {mean_imp['BiLSTM mask']:.2f} dB, "
    f"oracle {mean_imp['ceiling: oracle mask']:.2f} dB -> {oracle_fraction:.0%} of the oracle"
)
print(
    f"at 0 dB input: BiLSTM {imp_0db['BiLSTM mask']:.2f} dB, oracle "
    f"{imp_0db['ceiling: oracle mask']:.2f} dB"
)

# %% [markdown]
# The tables above say where the mask works. Stationary noises (hum, white, brown, pink) have a
# spectrum that does not change over time, so the network can learn what "not speech" looks like
# and remove it; babble *is* speech, by other speakers, and is by far the hardest case for the
# model (and the lowest ceiling for the oracle too). The gain shrinks at high input SNR: there is little noise left to remove,
# and every mask also removes a little speech.
#
# ## Examples: what the mask does
# Noisy spectrogram, the predicted mask, the denoised spectrogram and the clean one, with
# players, for a typical test clip and for the clip the model handles worst.

# %%
model_rows = results[results.method == "BiLSTM mask"].reset_index(drop=True)
typical = int((model_rows.snr_improvement - model_rows.snr_improvement.median()).abs().idxmin())
worst = int(model_rows.snr_improvement.idxmin())

# %%
# extra code - spectrograms and audio players for both clips
for label, i in (("typical", typical), ("worst", worst)):
    row = model_rows.iloc[i]
    fig, axes = plt.subplots(1, 4, figsize=(16, 3.2))
    plotting.plot_spectrogram(
        dd.test.noisy_mag[i], axes[0], f"noisy ({row.noise}, {row.input_snr:g} dB)"
    )
    plotting.plot_spectrogram(bi_masks[i], axes[1], "predicted mask", colorbar=True)
    plotting.plot_spectrogram(
        bi_masks[i] * dd.test.noisy_mag[i], axes[2], f"denoised ({row.snr_improvement:+.1f} dB)"
    )
    plotting.plot_spectrogram(dd.test.clean_mag[i], axes[3], "clean")
    fig.suptitle(f"{label} test clip: digit {dd.test.pairs.digit[i]} by {dd.test.pairs.speaker[i]}")
    fig.tight_layout()
    plt.show()
    display(
        plotting.players(
            {
                "noisy": dd.test.pairs.noisy[i],
                "denoised": denoising.denoise(dd.test, bi_masks, i),
                "clean": dd.test.pairs.clean[i],
            }
        )
    )

# %%
# extra code - describe the worst clip
print(
    f"worst clip: {model_rows.iloc[worst].noise} noise at {model_rows.iloc[worst].input_snr:g} dB, "
    f"SNR change {model_rows.iloc[worst].snr_improvement:+.2f} dB"
)

# %% [markdown]
# In the typical clip the mask is close to 1 on the harmonics of the voice and close to 0
# between them. The worst clip is the failure mode to expect: when the noise is itself speech
# (babble) or louder than the speech, the mask cannot tell which voice to keep, and it removes
# parts of the digit along with the noise, so the output can be *worse* than the input.
#
# ## A speaker the network has never heard

# %%
heldout_masks = denoising.predict_masks(denoising.mask_model(bilstm), dd.heldout.features)
heldout = pd.concat(
    [
        denoising.evaluate(dd.heldout, heldout_masks, "BiLSTM mask"),
        denoising.evaluate(dd.heldout, denoising.oracle_masks(dd.heldout), "ceiling: oracle mask"),
    ]
)
heldout_imp = heldout.groupby("method")["snr_improvement"].mean()

# %%
print(
    f"held-out speaker '{dd.heldout_speaker}' ({len(dd.heldout)} mixtures, input SNR -5..10 dB): "
    f"BiLSTM {heldout_imp['BiLSTM mask']:.2f} dB, oracle "
    f"{heldout_imp['ceiling: oracle mask']:.2f} dB mean SNR improvement"
)
heldout.pivot_table(
    index="noise", columns="method", values="snr_improvement", aggfunc="mean"
).round(2)

# %% [markdown]
# ## Does reading the future help? Unidirectional vs bidirectional
# The same network with forward-only LSTMs sees only the past at every frame. (It has fewer
# parameters, since each layer has one direction instead of two.)

# %%
config.seed_everything(0)
uni = build_masker(P.lstm_units, bidirectional=False)
hist_uni = uni.fit(
    denoising.length_batches(dd.train, P.batch_size, seed=0),
    validation_data=val_batches,
    epochs=P.epochs,
    verbose=2,
    callbacks=[
        keras.callbacks.ReduceLROnPlateau(patience=2, factor=0.5, verbose=0),
        keras.callbacks.EarlyStopping(patience=4, restore_best_weights=True),
    ],
)

# %%
uni_results = denoising.evaluate(
    dd.test,
    denoising.predict_masks(denoising.mask_model(uni), dd.test.features),
    "LSTM mask (forward only)",
)

# %%
# extra code - compare the two models in a table
comparison = pd.DataFrame(
    {
        "parameters": [bilstm.count_params(), uni.count_params()],
        "mean SNR improvement (dB)": [mean_imp["BiLSTM mask"], uni_results.snr_improvement.mean()],
        "mean SI-SDR improvement (dB)": [
            results[results.method == "BiLSTM mask"].si_sdr_improvement.mean(),
            uni_results.si_sdr_improvement.mean(),
        ],
    },
    index=["bidirectional", "forward only"],
)
comparison.round(2)

# %%
# extra code - plot both learning curves
fig = plotting.plot_history(
    {"BiLSTM": hist_bi.history, "forward LSTM": hist_uni.history},
    metrics=("loss",),
    title="Bidirectional vs forward-only (dashed: validation)",
)
plt.show()

# %% [markdown]
# Reading the future helps: whether a cell belongs to the speech often depends on what comes
# next (the rest of a harmonic, the end of a word), and the forward-only network must decide
# before it has seen it. The cost is latency: a bidirectional model needs the whole utterance, so
# it cannot denoise a live call frame by frame.
#
# ## Results

# %%
# NBVAL_CHECK_OUTPUT
metrics = {
    "snr_improvement_0db": imp_0db["BiLSTM mask"],
    "oracle_snr_improvement_0db": imp_0db["ceiling: oracle mask"],
    "mean_snr_improvement": mean_imp["BiLSTM mask"],
    "oracle_mean_snr_improvement": mean_imp["ceiling: oracle mask"],
    "fraction_of_oracle": oracle_fraction,
    "heldout_speaker_snr_improvement": heldout_imp["BiLSTM mask"],
    "forward_only_mean_snr_improvement": uni_results.snr_improvement.mean(),
    "bidirectional_gain_db": mean_imp["BiLSTM mask"] - uni_results.snr_improvement.mean(),
}
claims = [
    Claim(
        "Mean SNR improvement at 0 dB input reaches the profile threshold",
        "snr_improvement_0db",
        ">=",
        P.min_improvement_0db,
        reference="oracle mask at 0 dB (see metrics)",
    ),
    Claim(
        "The model reaches the profile's fraction of the oracle mask's improvement",
        "fraction_of_oracle",
        ">=",
        P.min_oracle_fraction,
        reference="oracle ideal ratio mask = 1.0",
    ),
    Claim(
        "The model improves SNR on the held-out speaker by the profile margin",
        "heldout_speaker_snr_improvement",
        ">",
        P.min_heldout_improvement,
    ),
    Claim("Bidirectional beats forward-only", "bidirectional_gain_db", ">", 0.0),
]
record = report_claims("03_rnn_speech_denoising", metrics, claims)

# %% [markdown]
# ## Takeaways
# - Denoising as masking: the network only decides, cell by cell, how much of the noisy
#   spectrogram to keep; the phase comes from the noisy signal.
# - Variable-length sequences: batch by length, pad, and mask; never truncate speech away.
# - Always report a floor and a ceiling. The oracle mask tells you how much is left to gain with
#   this kind of model; the gap is largest for babble, where the noise is speech.
# - Bidirectional recurrence helps because the meaning of a frame depends on its future; it
#   costs the ability to run in real time.
#
# **Exercises.** (1) Train on white noise only and test on babble: what happens? (2) Replace the
# MSE on magnitudes by an MSE on log magnitudes: which sounds better? (3) Predict the oracle mask
# directly (a loss on the mask) instead of the magnitude.
