# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 06 · Network compression with SVD, and a Siamese network for speaker verification
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/06_svd_compression_siamese.ipynb)
#
# **Two questions.** (A) How many of a trained network's weights does it really need? (B) Can a
# network tell whether two utterances come from the same speaker, including speakers it has
# never heard?
#
# **What you will be able to do afterwards:** compress dense layers with a truncated SVD and
# check the Eckart-Young theorem numerically, fine-tune a factorised network, constrain the rank
# during training with a Keras callback, measure what compression buys on disk and in time, and
# train and evaluate a Siamese network with ROC curves and the equal error rate.

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
from sklearn.metrics import roc_auc_score, roc_curve

from dl_helpers import analysis, audio, data, model_cost, plotting, verification
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# The seed's network has five 1,024-unit layers (`full`); the standard profile uses 512-unit
# layers so that it trains in a minute on a CPU. The `min_*`/`max_*` rows are the thresholds
# the results cell checks.

# %%
# fmt: off
P = config.profile_settings(
    quick=dict(
        width=128, train_images=10000, test_images=2000, timing_batch=1000, batch_size=128,
        epochs=2, finetune_epochs=1, ranks=(10, 20, 50, 100), factor_ranks=(10, 20),
        speech_frames=64, siamese_batch=64, train_pairs=4000, siamese_epochs=4, eval_pairs=400,
        max_finetune_loss=0.2, max_eer_seen=0.45, min_auc_unseen=0.5,
    ),
    standard=dict(
        width=512, train_images=55000, test_images=10000, timing_batch=1000, batch_size=128,
        epochs=6, finetune_epochs=2, ranks=(10, 20, 50, 100, 200), factor_ranks=(10, 20, 40),
        speech_frames=64, siamese_batch=64, train_pairs=16000, siamese_epochs=10, eval_pairs=2000,
        max_finetune_loss=0.01, max_eer_seen=0.15, min_auc_unseen=0.5,
    ),
    full=dict(
        width=1024, train_images=55000, test_images=10000, timing_batch=1000, batch_size=128,
        epochs=30, finetune_epochs=5, ranks=(10, 20, 50, 100, 200),
        factor_ranks=(10, 20, 40, 80, 160), speech_frames=64, siamese_batch=64, train_pairs=100000,
        siamese_epochs=40, eval_pairs=5000, max_finetune_loss=0.01, max_eer_seen=0.15,
        min_auc_unseen=0.5,
    ),
)
# fmt: on

# %% [markdown]
# # Part A · Compression with SVD
# ## The network
# Five fully connected layers with batch normalisation and dropout, on flattened MNIST digits.
# The network trains on the first `train_images` training digits and is scored on the first
# `test_images` test digits (all 10,000 outside the quick profile).

# %%
(x_tr, y_tr), (x_te, y_te) = data.load_mnist()

# %%
x_tr = x_tr[: P.train_images].reshape(-1, 784).astype("float32") / 255
y_tr = y_tr[: P.train_images]
x_te, y_te = x_te[: P.test_images].reshape(-1, 784).astype("float32") / 255, y_te[: P.test_images]


# %%
def dense_block(x, units, name, rank=None):
    """Dense -> BatchNorm -> ReLU -> Dropout.

    With `rank`, the Dense is two factors (n -> rank -> units).
    """
    if rank is not None:
        x = layers.Dense(rank, use_bias=False, name=f"{name}_U")(x)
    x = layers.Dense(units, name=name)(x)
    x = layers.BatchNormalization(name=f"{name}_bn")(x)
    return layers.Dropout(0.2, name=f"{name}_drop")(layers.Activation("relu")(x))


# %%
def build_compressible_mlp(width, ranks=None, name="mlp"):
    """Five dense blocks and a softmax; ``ranks``: layer name -> rank of factorised layers.

    Not ``models.build_mlp``: batch norm, dropout and factorised layers are this notebook's subject.
    """
    ranks = ranks or {}
    inputs = keras.Input((784,), name="pixels")
    x = inputs
    for k in range(1, 6):
        x = dense_block(x, width, f"fc{k}", ranks.get(f"fc{k}"))
    outputs = layers.Dense(10, activation="softmax", name="out")(x)
    model = keras.Model(inputs, outputs, name=name)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# %%
config.seed_everything(0)
mlp = build_compressible_mlp(P.width)
hist = mlp.fit(
    x_tr, y_tr, validation_split=0.1, epochs=P.epochs, batch_size=P.batch_size, verbose=2
)

# %%
base_acc = mlp.evaluate(x_te, y_te, verbose=0)[1]
dense_names = [f"fc{k}" for k in range(1, 6)] + ["out"]
kernels = {n: mlp.get_layer(n).get_weights()[0].astype(np.float64) for n in dense_names}
full_params = sum(k.size for k in kernels.values())
print(f"test accuracy {base_acc:.4f}; dense kernel parameters {full_params:,}")

# %% [markdown]
# ## One-shot truncation
# A weight matrix W (n × m) has the SVD W = U Σ Vᵀ. Keeping the D largest singular values gives
# W_D = U_D Σ_D V_Dᵀ, which can be stored as two factors with D(n + m) numbers instead of n·m.
# **Eckart-Young**: no rank-D matrix is closer to W in Frobenius norm, and the error is exactly
# the discarded singular values: ‖W − W_D‖_F / ‖W‖_F = √(Σ_{i>D} σᵢ² / Σ σᵢ²).

# %%
svds = {n: np.linalg.svd(k, full_matrices=False) for n, k in kernels.items()}


# %%
def truncate(name, rank):
    u, s, vt = svds[name]
    return (u[:, :rank] * s[:rank]) @ vt[:rank]


# %%
def factor_params(kernel, rank):
    n, m = kernel.shape
    return min(rank * (n + m), n * m)  # a layer is only factorised when that is smaller


# %%
rows, ey_gaps = [], []
for rank in list(P.ranks) + [None]:
    truncated = mlp.get_weights()  # copy
    model = keras.models.clone_model(mlp)
    model.set_weights(mlp.get_weights())
    for n in dense_names:
        if rank is not None and rank < min(kernels[n].shape):
            w = truncate(n, rank)
            u, s, vt = svds[n]
            measured = np.linalg.norm(kernels[n] - w) / np.linalg.norm(kernels[n])
            predicted = np.sqrt(np.sum(s[rank:] ** 2) / np.sum(s**2))
            ey_gaps.append(abs(measured - predicted) / predicted)
            layer = model.get_layer(n)
            layer.set_weights([w.astype("float32"), layer.get_weights()[1]])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    params = sum(factor_params(kernels[n], rank) if rank else kernels[n].size for n in dense_names)
    rows.append(
        dict(
            rank=rank or "full",
            accuracy=model.evaluate(x_te, y_te, verbose=0)[1],
            dense_params=params,
            compression=full_params / params,
        )
    )

# %%
truncation = pd.DataFrame(rows).set_index("rank")
max_ey_gap = max(ey_gaps)

# %%
print(
    "Eckart-Young: largest relative difference between measured and predicted error: "
    f"{max_ey_gap:.1e}"
)
truncation.round(4)

# %%
# extra code - plot the singular values and the energy they keep
fig, axes = plt.subplots(1, 2, figsize=(13, 4))
for n in dense_names:
    s = svds[n][1]
    axes[0].semilogy(np.arange(1, len(s) + 1), s, label=n)
    axes[1].plot(np.arange(1, len(s) + 1), np.cumsum(s**2) / np.sum(s**2), label=n)
for rank in P.ranks:
    axes[1].axvline(rank, color="gray", ls=":", lw=0.8)
axes[0].set(title="Singular values of each dense kernel", xlabel="index i", ylabel="σᵢ (log scale)")
axes[1].set(
    title="Energy kept by the first D singular values (dotted: the D tried)",
    xlabel="rank D",
    ylabel="Σ_{i≤D} σᵢ² / Σ σᵢ²",
    xscale="log",
)
for ax in axes:
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Look at the right panel before the accuracy table: the hidden layers' spectra fall *slowly*,
# and at D = 50 they keep less than half of their energy, yet one-shot truncation to D = 50
# costs little accuracy (the table above). The large singular directions are the ones the
# network learned; much of the remaining energy is a bulk of small, similar singular values left
# over from the random initialisation, which a few epochs of training do not remove and the
# decision does not need. Energy kept is therefore a poor guide to accuracy kept. The output
# layer has at most 10 non-zero singular values, one per class, so it is never truncated here.
# The measured truncation errors match Eckart-Young to floating-point precision (printed above).
#
# ## A factorised network, fine-tuned
# Truncation throws information away and leaves the rest of the network unadjusted. A
# *factorised* network makes the two factors real layers (n → D → m), starts them from the SVD
# (U_D Σ_D and V_Dᵀ), copies everything else, and fine-tunes for a few epochs.

# %%
factor_rows = []
factorised = {}

# %%
for rank in P.factor_ranks:
    ranks = {n: rank for n in dense_names[:-1] if factor_params(kernels[n], rank) < kernels[n].size}
    config.seed_everything(0)
    model = build_compressible_mlp(P.width, ranks, name=f"factorised_D{rank}")
    for layer in mlp.layers:
        if not layer.get_weights() or layer.name in ranks:
            continue
        model.get_layer(layer.name).set_weights(layer.get_weights())
    for n in ranks:
        u, s, vt = svds[n]
        model.get_layer(f"{n}_U").set_weights([(u[:, :rank] * s[:rank]).astype("float32")])
        model.get_layer(n).set_weights(
            [vt[:rank].astype("float32"), mlp.get_layer(n).get_weights()[1]]
        )
    before = model.evaluate(x_te, y_te, verbose=0)[1]
    model.fit(x_tr, y_tr, epochs=P.finetune_epochs, batch_size=P.batch_size, verbose=0)
    params = sum(
        factor_params(kernels[n], rank) if n in ranks else kernels[n].size for n in dense_names
    )
    factorised[rank] = model
    factor_rows.append(
        dict(
            rank=rank,
            dense_params=params,
            compression=full_params / params,
            accuracy_before=before,
            accuracy_fine_tuned=model.evaluate(x_te, y_te, verbose=0)[1],
        )
    )

# %%
factor_table = pd.DataFrame(factor_rows).set_index("rank")
factor_table.round(4)


# %% [markdown]
# ## Training under a rank constraint (the seed's custom layer)
# Instead of compressing afterwards, train from scratch and, at the end of every epoch, project
# every hidden dense kernel back to rank D with an SVD. The network learns *knowing* it will be
# truncated.

# %%
class RankProjection(keras.callbacks.Callback):
    """At the end of each epoch, replace every hidden dense kernel by its best rank-`rank` copy."""

    def __init__(self, rank, layer_names):
        super().__init__()
        self.rank, self.layer_names = rank, layer_names

    def on_epoch_end(self, epoch, logs=None):
        for name in self.layer_names:
            layer = self.model.get_layer(name)
            kernel, bias = layer.get_weights()
            u, s, vt = np.linalg.svd(kernel, full_matrices=False)
            layer.set_weights([(u[:, : self.rank] * s[: self.rank]) @ vt[: self.rank], bias])


# %%
constrained_rows = []
for rank in P.factor_ranks:
    config.seed_everything(0)
    model = build_compressible_mlp(P.width, name=f"rank_constrained_D{rank}")
    model.fit(
        x_tr,
        y_tr,
        epochs=P.epochs,
        batch_size=P.batch_size,
        verbose=0,
        callbacks=[RankProjection(rank, dense_names[:-1])],
    )
    constrained_rows.append(dict(rank=rank, accuracy=model.evaluate(x_te, y_te, verbose=0)[1]))

# %%
constrained = pd.DataFrame(constrained_rows).set_index("rank")
constrained.round(4)

# %%
# extra code - plot accuracy against compression for the three methods
fig, ax = plt.subplots(figsize=(8, 4.5))
t = truncation.drop("full")
ax.plot(t.compression, t.accuracy, marker="o", label="one-shot truncation")
ax.plot(
    factor_table.compression,
    factor_table.accuracy_fine_tuned,
    marker="s",
    label="factorised + fine-tuned",
)
ax.plot(
    factor_table.compression,
    constrained.accuracy,
    marker="^",
    label="trained under rank constraint",
)
ax.axhline(base_acc, color="gray", ls="--", label="uncompressed")
for rank, row in factor_table.iterrows():
    ax.annotate(
        f"D={rank}",
        (row.compression, row.accuracy_fine_tuned),
        textcoords="offset points",
        xytext=(4, -12),
        fontsize=8,
    )
ax.set(
    title="Accuracy vs compression of the dense layers",
    xlabel="compression ratio (dense parameters, ×)",
    ylabel="test accuracy",
    xscale="log",
)
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %% [markdown]
# ## What compression buys
# Parameters, saved size on disk (`.keras`) and the median time of a forward pass over a batch
# of `timing_batch` test images, for the original network and the factorised ones.

# %%
batch = x_te[: P.timing_batch]
cost_rows = [
    dict(
        model="original",
        parameters=mlp.count_params(),
        disk_MB=model_cost.saved_size_bytes(mlp) / 1e6,
        ms_per_batch=1000 * model_cost.median_batch_time(mlp, batch),
        test_accuracy=base_acc,
    )
]

# %%
for rank, model in factorised.items():
    cost_rows.append(
        dict(
            model=f"factorised D={rank}",
            parameters=model.count_params(),
            disk_MB=model_cost.saved_size_bytes(model) / 1e6,
            ms_per_batch=1000 * model_cost.median_batch_time(model, batch),
            test_accuracy=factor_table.loc[rank, "accuracy_fine_tuned"],
        )
    )
pd.DataFrame(cost_rows).set_index("model").round(3)

# %% [markdown]
# Size on disk shrinks with the parameter count (plus a fixed overhead for the model's
# description). Time is another matter: two thin matrix products do fewer multiplications than
# one fat one, but each factorised layer is one more layer call, and on a CPU that fixed cost is
# a visible part of a batch's time. The table shows which effect wins on this machine; the
# parameter count alone does not predict it.

# %%
at_least_5x = factor_table[factor_table.compression >= 5]
ref_rank = int(
    at_least_5x.accuracy_fine_tuned.idxmax()
)  # the best of the factorisations that are >= 5x smaller

# %%
finetune_loss = base_acc - factor_table.loc[ref_rank, "accuracy_fine_tuned"]
d20_gap = factor_table.loc[20, "accuracy_fine_tuned"] - truncation.loc[20, "accuracy"]

# %%
# extra code - print the comparison
print(
    f"best fine-tuned factorisation with >= 5x fewer dense parameters: D={ref_rank} "
    f"({factor_table.loc[ref_rank, 'compression']:.1f}x), accuracy change "
    f"{-100 * finetune_loss:+.2f} points"
)

# %%
# extra code - print the D=20 accuracies
print(
    f"D=20: one-shot {truncation.loc[20, 'accuracy']:.4f}, fine-tuned factorised "
    f"{factor_table.loc[20, 'accuracy_fine_tuned']:.4f}"
)

# %% [markdown]
# # Part B · Siamese speaker verification
# ## Data
# Every FSDD utterance as a log-mel spectrogram (40 mel bands, 8 ms hop), cut to `speech_frames`
# frames from its start, or padded to that length with its own quietest value (silence, not zero
# dB). Four speakers are used for training; two are **never
# heard in training**. Two evaluations:
#
# * **(a) seen speakers, new utterances**: recordings with index 0-4 of the four training
#   speakers (training uses 10-49, validation 5-9 to choose the decision threshold);
# * **(b) unseen speakers**: pairs among the two held-out speakers and between them and
#   unseen utterances of the others. Harder, and smaller.

# %%
fsdd = data.load_fsdd()

# %%
train_speakers = ["george", "jackson", "lucas", "nicolas"]
unseen_speakers = sorted(set(fsdd.speaker) - set(train_speakers))


# %%
def logmel_fixed(y, frames):
    m = audio.log_mel(y)[:frames]
    return np.pad(m, ((0, frames - len(m)), (0, 0)), constant_values=m.min())


# %%
features = np.stack([logmel_fixed(y, P.speech_frames) for y in fsdd.audio])
features = (features - features.mean()) / features.std()
n_mels = features.shape[-1]

# %%
seen = np.isin(fsdd.speaker, train_speakers)
split_idx = {
    "train": np.flatnonzero(seen & (fsdd.index >= 10)),
    "val": np.flatnonzero(seen & (fsdd.index >= 5) & (fsdd.index < 10)),
    "test_seen": np.flatnonzero(seen & (fsdd.index < 5)),
    "test_unseen": np.flatnonzero(~seen),
}

# %%
pairs = {}
for k, (name, idx) in enumerate(split_idx.items()):
    n = P.train_pairs if name == "train" else P.eval_pairs
    a, b, same = verification.make_pairs(fsdd.speaker[idx], n, seed=k)
    pairs[name] = (idx[a], idx[b], same)

# %%
# extra code - summarise the splits in a table
pd.DataFrame(
    {
        name: {
            "utterances": len(idx),
            "speakers": ", ".join(sorted(set(fsdd.speaker[idx]))),
            "pairs": len(pairs[name][2]),
            "same-speaker share": pairs[name][2].mean(),
        }
        for name, idx in split_idx.items()
    }
).T

# %%
# extra code - show one utterance of '7' by three speakers
fig, axes = plt.subplots(1, 3, figsize=(14, 3))
for ax, spk in zip(axes, ["george", "lucas", unseen_speakers[0]]):
    i = int(np.flatnonzero((fsdd.speaker == spk) & (fsdd.digit == 7))[0])
    img = ax.imshow(
        features[i].T,
        origin="lower",
        aspect="auto",
        cmap="magma",
        extent=[0, P.speech_frames * audio.HOP / audio.SR, 0, n_mels],
    )
    ax.set(title=f"'7' by {spk} (normalised log-mel)", xlabel="time (s)", ylabel="mel band")
fig.colorbar(img, ax=axes, label="standardised log power")
plt.show()


# %% [markdown]
# ## Model
# One **shared encoder** (two 1-D convolution blocks over time, mel bands as channels, then
# global average pooling) maps an utterance to a 32-dimensional embedding of unit length. The
# head compares two embeddings by the absolute difference of their coordinates and a logistic
# layer, trained with **binary cross-entropy** on same/different pairs. Why BCE rather than a
# contrastive loss: it needs no margin to tune, gives a probability we can threshold directly,
# and the learned weights on |e₁ − e₂| let the network decide which embedding dimensions matter.
# Averaging over time makes the embedding depend on the *voice* more than on the digit spoken.

# %%
def build_encoder(frames, bands):
    x_in = keras.Input((frames, bands), name="log_mel")
    x = layers.Conv1D(64, 5, padding="same", activation="relu")(x_in)
    x = layers.MaxPooling1D(2)(x)
    x = layers.Conv1D(64, 5, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dense(32)(x)
    return keras.Model(x_in, layers.UnitNormalization()(x), name="encoder")


# %%
config.seed_everything(0)
encoder = build_encoder(P.speech_frames, n_mels)

# %%
in_a, in_b = (
    keras.Input((P.speech_frames, n_mels), name="utterance_a"),
    keras.Input((P.speech_frames, n_mels), name="utterance_b"),
)
diff = layers.Lambda(lambda t: keras.ops.abs(t[0] - t[1]), name="abs_difference")(
    [encoder(in_a), encoder(in_b)]
)
siamese = keras.Model(
    [in_a, in_b], layers.Dense(1, activation="sigmoid", name="same_speaker")(diff), name="siamese"
)

# %%
siamese.compile(
    optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy", metrics=["accuracy"]
)
print(f"encoder {encoder.count_params():,} parameters; the two branches share them")


# %%
def pair_inputs(name):
    a, b, same = pairs[name]
    return [features[a], features[b]], same


# %%
x_pairs, y_pairs = pair_inputs("train")
s_hist = siamese.fit(
    x_pairs,
    y_pairs,
    validation_data=pair_inputs("val"),
    epochs=P.siamese_epochs,
    batch_size=P.siamese_batch,
    verbose=2,
)

# %% [markdown]
# ## Evaluation
# The decision threshold is chosen on the validation pairs (highest accuracy there) and then
# applied unchanged to both test sets. ROC curves and the equal error rate (where false accepts
# and false rejects are equally frequent) do not depend on a threshold.

# %%
val_x, val_y = pair_inputs("val")
threshold = verification.best_threshold(val_y, siamese.predict(val_x, verbose=0)[:, 0])
evaluation, scores = {}, {}

# %%
fig, ax = plt.subplots(figsize=(5.5, 5))
for name, label in (
    ("test_seen", "(a) seen speakers, new utterances"),
    ("test_unseen", "(b) unseen speakers"),
):
    x_eval, y_eval = pair_inputs(name)
    scores[name] = siamese.predict(x_eval, verbose=0)[:, 0]
    eer, _ = verification.equal_error_rate(y_eval, scores[name])
    auc = roc_auc_score(y_eval, scores[name])
    evaluation[label] = dict(
        pairs=len(y_eval),
        accuracy=np.mean((scores[name] >= threshold) == y_eval),
        roc_auc=auc,
        eer=eer,
    )
    fpr, tpr, _ = roc_curve(y_eval, scores[name])
    ax.plot(fpr, tpr, label=f"{label}: AUC {auc:.3f}")
ax.plot([0, 1], [0, 1], color="gray", ls=":", label="chance")
ax.set(
    title="Speaker verification ROC", xlabel="false acceptance rate", ylabel="true acceptance rate"
)
ax.legend(fontsize=8)
ax.grid(alpha=0.3)
plt.show()

# %%
pd.DataFrame(evaluation).T.round(3)

# %%
emb_idx = np.concatenate([split_idx["test_seen"], split_idx["test_unseen"]])
emb = encoder.predict(features[emb_idx], verbose=0)

# %%
xy = analysis.embed_2d(emb, "tsne", seed=0)

# %%
# extra code - scatter plot of the embeddings, one colour per speaker
fig, ax = plt.subplots(figsize=(6.5, 5))
for k, spk in enumerate(sorted(set(fsdd.speaker[emb_idx]))):
    sel = fsdd.speaker[emb_idx] == spk
    ax.scatter(
        xy[sel, 0],
        xy[sel, 1],
        s=8,
        color=f"C{k}",
        marker="x" if spk in unseen_speakers else "o",
        label=f"{spk}{' (unseen)' if spk in unseen_speakers else ''}",
    )
ax.set(title="t-SNE of utterance embeddings (test utterances)", xlabel="t-SNE 1", ylabel="t-SNE 2")
ax.legend(fontsize=8, markerscale=2)
plt.show()

# %% [markdown]
# Seen speakers form their own clusters: the encoder has learned their voices. Unseen speakers'
# utterances land wherever their voices resemble the training speakers', sometimes inside
# another speaker's cluster, which is exactly the mistake verification on unseen speakers makes.
#
# **The pairs it gets most wrong** (unseen speakers):

# %%
# extra code - print and play the three worst-scored unseen pairs
a, b, same = pairs["test_unseen"]
errors = np.abs(scores["test_unseen"] - same)
for k in np.argsort(errors)[::-1][:3]:
    print(
        f"truth: {'same' if same[k] else 'different'} speaker ({fsdd.speaker[a[k]]} "
        f"'{fsdd.digit[a[k]]}' vs "
        f"{fsdd.speaker[b[k]]} '{fsdd.digit[b[k]]}'), score {scores['test_unseen'][k]:.2f}"
    )
    display(
        plotting.players(
            {f"{fsdd.speaker[a[k]]}": fsdd.audio[a[k]], f"{fsdd.speaker[b[k]]}": fsdd.audio[b[k]]}
        )
    )

# %% [markdown]
# ## Results

# %%
# NBVAL_CHECK_OUTPUT
seen_eval = evaluation["(a) seen speakers, new utterances"]
unseen_eval = evaluation["(b) unseen speakers"]
metrics = {
    "base_accuracy": base_acc,
    "finetune_rank_5x": ref_rank,
    "finetune_compression_5x": factor_table.loc[ref_rank, "compression"],
    "finetune_accuracy_loss_5x": finetune_loss,
    "d20_truncation_accuracy": truncation.loc[20, "accuracy"],
    "d20_finetuned_accuracy": factor_table.loc[20, "accuracy_fine_tuned"],
    "d20_finetune_minus_truncation": d20_gap,
    "eckart_young_max_relative_difference": max_ey_gap,
    "siamese_eer_seen": seen_eval["eer"],
    "siamese_auc_seen": seen_eval["roc_auc"],
    "siamese_eer_unseen": unseen_eval["eer"],
    "siamese_auc_unseen": unseen_eval["roc_auc"],
}
claims = [
    Claim(
        "Fine-tuned factorised network with >= 5x fewer dense parameters stays within the "
        "profile's accuracy loss",
        "finetune_accuracy_loss_5x",
        "<=",
        P.max_finetune_loss,
    ),
    Claim(
        "One-shot truncation at D=20 loses more accuracy than the fine-tuned factorised network",
        "d20_finetune_minus_truncation",
        ">",
        0.0,
    ),
    Claim(
        "Truncation error matches the Eckart-Young value (relative difference < 1e-4)",
        "eckart_young_max_relative_difference",
        "<",
        1e-4,
    ),
    Claim(
        "Siamese EER on held-out utterances of training speakers is within the profile threshold",
        "siamese_eer_seen",
        "<=",
        P.max_eer_seen,
    ),
    Claim(
        "Siamese ROC AUC on unseen speakers is above chance",
        "siamese_auc_unseen",
        ">",
        P.min_auc_unseen,
    ),
]
record = report_claims("06_svd_compression_siamese", metrics, claims)

# %% [markdown]
# ## Takeaways
# - The SVD finds the best low-rank copy of a weight matrix, and Eckart-Young tells you exactly
#   how much you lose in weight space; what the network *needs* is often far less than the
#   energy suggests.
# - Losing little in weight space is not the same as losing little accuracy: fine-tuning the
#   factors (or training under the constraint) recovers most of what one-shot truncation drops.
# - Compression pays in parameters and disk; speed-ups on a CPU are smaller than the
#   parameter count suggests.
# - A Siamese network learns a *distance*, so it can compare voices it has never heard, but
#   less reliably: always report the unseen-speaker test separately.
#
# **Exercises.** (1) Compress only the first layer: how far can you go? (2) Replace BCE by a
# contrastive loss with a margin. (3) Train the encoder on 5 speakers: does the unseen-speaker
# AUC improve?
