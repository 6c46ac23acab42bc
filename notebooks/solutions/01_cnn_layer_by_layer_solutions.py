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
# # 01 · A CNN on MNIST, understood layer by layer: worked solutions
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/solutions/01_cnn_layer_by_layer_solutions.ipynb)
#
# Worked solutions to the exercises at the end of [notebook 01](../01_cnn_layer_by_layer.ipynb)
# ([in Colab](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/01_cnn_layer_by_layer.ipynb)).
# Try each exercise first. The main notebook's CNN recipe (`build_cnn`), its layer names and
# random-unit curves (`layer_names`, `curve_layers`, `unit_curves`), and its section-3 network
# (`REFERENCE`, `fit_mlp`, `VARIANTS`, the learning-rate search seed `lr_seed`) are reused with
# `reuse.from_notebook`, which runs the main notebook's own definitions here, so nothing is
# copied. What is new here are the experiments, and smaller sizes: the CNNs train on fewer
# images for fewer epochs, and the fully connected networks on fewer images, so that the whole
# notebook (four exercises, three seeds) stays small enough for a laptop CPU (its total run time
# is not printed here). Its numbers are lower than the main notebook's (for example the
# batch-norm CNN's test accuracy: 0.985 here, 0.992 in the main notebook), as expected at these
# sizes; the comparisons inside this notebook are like for like.

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
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from keras import layers

from dl_helpers import analysis, data, evidence, models, reuse
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# The main notebook's profile table `P` is reused as is
# (`reuse.from_notebook(..., ["P"], globals())`): the CNN's learning rate and batch size, the
# random-unit curve's `unit_counts` and `unit_draws`, and the fully connected network's width,
# epochs and batch size apply here too. This notebook's own sizes are in `S`: CNNs trained on
# `cnn_train` images for `cnn_epochs` epochs, probes fit on `probe_train_images` validation
# digits and scored on `analysis_images` test digits, fully connected networks trained on
# `mlp_train` images, and the learning-rate grids of exercises 3 and 4. The `min_*` rows are
# the thresholds the results cell checks.

# %%
# ruff: noqa: F821 - names defined by reuse.from_notebook (P, build_cnn, ...) are not seen by ruff
reuse.from_notebook("01_cnn_layer_by_layer", ["P"], globals())
# fmt: off
S = config.profile_settings(
    quick=dict(
        n_seeds=1, cnn_train=3000, cnn_epochs=2, target_val_acc=0.95, probe_train_images=500,
        analysis_images=300, mlp_train=1000, sgd_rates=(0.1,), adam_rates=(3e-3,),
        min_no_bn_val_acc=0.8,
    ),
    standard=dict(
        n_seeds=3, cnn_train=15000, cnn_epochs=6, target_val_acc=0.985, probe_train_images=800,
        analysis_images=1000, mlp_train=2500, sgd_rates=(0.1, 0.3, 1.0),
        adam_rates=(1e-3, 3e-3), min_no_bn_val_acc=0.97,
    ),
    full=dict(
        n_seeds=5, cnn_train=54000, cnn_epochs=10, target_val_acc=0.99, probe_train_images=2000,
        analysis_images=2000, mlp_train=10000, sgd_rates=(0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
        adam_rates=(1e-4, 3e-4, 1e-3, 3e-3), min_no_bn_val_acc=0.98,
    ),
)
# fmt: on
SEED = session.notebook_seed()  # every seed below derives from the setup cell's
seeds = evidence.derive_seeds(SEED, S.n_seeds)

# %% [markdown]
# ## Data
# The main notebook's data and split (`data.load_mnist`, `data.mnist_split`, pixels scaled to
# [0, 1]), cut to this notebook's sizes: the first `cnn_train` training images (the fully
# connected networks use the first `mlp_train` of them), the 6,000 validation images (every
# choice below: learning rates, the epoch counts of exercise 1, the probes' training images)
# and the official test set (each final model is judged once on it).

# %%
(x_train_all, y_train_all), (x_test_u8, y_test) = data.load_mnist()
train_idx, val_idx = data.mnist_split(y_train_all)
train_idx = train_idx[: S.cnn_train]
reuse.from_notebook("01_cnn_layer_by_layer", ["to_float", "flat"], globals())
x_train, y_train = to_float(x_train_all[train_idx]), y_train_all[train_idx]
x_val, y_val = to_float(x_train_all[val_idx]), y_train_all[val_idx]
x_test = to_float(x_test_u8)
x_mlp, y_mlp = flat(x_train[: S.mlp_train]), y_train[: S.mlp_train]
x_mlp_val, x_mlp_test = flat(x_val), flat(x_test)
print(f"CNN train {len(x_train)}, MLP train {len(x_mlp)}, validation {len(x_val)}, "
      f"test {len(x_test)}")  # fmt: skip

# %% [markdown]
# ## Exercise 1 · The CNN without batch normalisation
# > Build the CNN without batch normalisation (`batch_norm=False`) and keep the schedule: how
# > many epochs does it need to reach 99% validation accuracy, and does it still train at
# > `cnn_learning_rate`?
#
# **Method.** Two arms per seed, the same training images, epochs, batch size and optimiser:
# the main notebook's `build_cnn` (batch normalisation after each convolution and the dense
# layer) and the same architecture built with `batch_norm=False` (each convolution and the dense
# layer then have their own biases and a ReLU, no normalisation). The second arm is compiled
# with `build_cnn`'s own optimiser configuration (`Adam.from_config`), so the warm-up to
# `cnn_learning_rate` and the cosine decay are identical. Both train for all `cnn_epochs`
# epochs (no early stopping, so that every epoch's validation accuracy is seen); **epochs to
# target** is the first epoch whose validation accuracy reaches `target_val_acc`.
#
# A smaller honest version: the main notebook's batch-norm CNN reached 99% at epoch 5 of 8 on
# 54,000 images (main notebook); three seeds of two arms at that size do not fit this
# notebook's budget. With `cnn_train` images and `cnn_epochs` epochs the target is
# `target_val_acc` instead (98.5% in the standard profile, chosen before the runs: half a point
# below 99%, for the smaller training set). What else differs between the arms: without batch
# norm the network has 112 fewer trainable parameters (its 112 biases replace batch norm's 224
# scale and shift parameters; counted from the main notebook's layer table, not printed here)
# and skips the normalisation at each step; the tables give the training seconds.


# %%
reuse.from_notebook("01_cnn_layer_by_layer", ["build_cnn"], globals())


def build_cnn_without_bn(steps: int) -> keras.Model:
    """Section 1's CNN with `batch_norm=False`, compiled with `build_cnn`'s own optimiser."""
    recipe = build_cnn(steps)  # the main notebook's recipe: warm-up + cosine Adam, loss, metric
    cnn = models.build_mnist_cnn(filters=(16, 32), dense_units=64, dropout=0.3, batch_norm=False)
    optimizer = keras.optimizers.Adam.from_config(recipe.optimizer.get_config())
    cnn.compile(optimizer=optimizer, loss=recipe.loss, metrics=["accuracy"])
    return cnn


# %%
ARMS = {"batch norm": build_cnn, "no batch norm": build_cnn_without_bn}
cnn_curves, bn_cnns = {}, {}


# %%
def cnn_run(seed: int) -> dict[str, float]:
    steps = S.cnn_epochs * int(np.ceil(len(x_train) / P.cnn_batch))
    out = {}
    for arm, build in ARMS.items():
        cnn, start = build(steps), time.perf_counter()
        history = cnn.fit(x_train, y_train, validation_data=(x_val, y_val), verbose=0,
                          epochs=S.cnn_epochs, batch_size=P.cnn_batch,
                          callbacks=[models.EpochLog()]).history  # fmt: skip
        cnn_curves[arm, seed], val = history, np.array(history["val_accuracy"])
        reached = np.flatnonzero(val >= S.target_val_acc)
        out |= {f"{arm}|training seconds": time.perf_counter() - start,
                f"{arm}|epochs to target": reached[0] + 1 if len(reached) else np.nan,
                f"{arm}|validation accuracy, epoch 1": val[0],
                f"{arm}|final validation accuracy": val[-1],
                f"{arm}|test accuracy": cnn.evaluate(x_test, y_test, verbose=0)[1]}  # fmt: skip
        if arm == "batch norm":
            bn_cnns[seed] = cnn  # exercise 2 looks inside these
    return out


# %%
cnn_runs = pd.DataFrame(evidence.run_seeds(cnn_run, seeds), index=pd.Index(seeds, name="seed"))
reuse.from_notebook("01_cnn_layer_by_layer", ["mean_table"], globals())
epochs_to_target = cnn_runs.filter(like="epochs to target").rename(columns=lambda c: c[:-17])
epochs_to_target.fillna("not reached").T

# %% [markdown]
# The table above: per seed, the first epoch at which each arm's validation accuracy reached
# `target_val_acc` ("not reached": not within `cnn_epochs` epochs). Below, the mean over seeds
# of every measure, then the paired differences (batch norm minus none, per seed).

# %%
mean_table(cnn_runs.drop(columns=cnn_runs.filter(like="epochs to").columns)).round(4)

# %%
bn = lambda column: cnn_runs[f"batch norm|{column}"] - cnn_runs[f"no batch norm|{column}"]
evidence.summary(
    {
        "batch norm minus none: validation accuracy, epoch 1": bn("validation accuracy, epoch 1"),
        "batch norm minus none: final validation accuracy": bn("final validation accuracy"),
        "batch norm minus none: test accuracy": bn("test accuracy"),
        "batch norm / none: training seconds": cnn_runs["batch norm|training seconds"]
        / cnn_runs["no batch norm|training seconds"],
    }
).round(4)

# %%
# extra code - plot validation accuracy per epoch, mean over seeds, for both arms
fig, ax = plt.subplots(figsize=(7, 3.5))
for i, arm in enumerate(ARMS):
    curve = np.mean([cnn_curves[arm, s]["val_accuracy"] for s in seeds], axis=0)
    ax.plot(range(1, len(curve) + 1), curve, marker="o", color=f"C{i}", label=arm)
ax.axhline(S.target_val_acc, color="gray", ls="--", label="target")
ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
ax.set(title=f"CNN with and without batch norm ({len(x_train)} training images)",
       xlabel="epoch", ylabel="validation accuracy (mean over seeds)")  # fmt: skip
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# **Answer.** With batch normalisation, validation accuracy reached the 98.5% target at epoch
# 4, 5 and 5 (the three seeds); without it, in no seed within the 6 epochs (it ended at 0.9828
# on average, against 0.9857), so here it needs more than 6 epochs even for 98.5%. Neither arm
# reached 99% at this size, so the exercise's question (epochs to 99% without batch norm) is
# not answered by this notebook; the only 99% figure is the batch-norm network's in the main
# notebook (epoch 5 of 8, on 54,000 images). The network without batch norm does still train at
# `cnn_learning_rate` (0.003, with the same warm-up and decay): its loss falls in every epoch,
# 0.93 validation accuracy after one epoch and 0.98 after the last (the first claim). Batch
# norm's lead is largest at epoch 1 (+0.025, 95% interval 0.008 to 0.043; here and below,
# "interval" is the 95% t-interval of the mean over the 3 seeds of a per-seed paired difference,
# or ratio) and small at the end (+0.003 on validation, +0.002 on test, both intervals above
# zero); it is larger at epoch 1 than at the end in every seed. Training with batch norm took
# longer on this CPU in every seed: 1.56 times as long on average (interval 1.44 to 1.68; 11.5 s
# against 7.3 s per run). Wall-clock times depend on the machine and on what else runs on it:
# this run had the machine to itself.

# %% [markdown]
# ## Exercise 2 · The argmax rule on the random-unit curve
# > Draw the random-unit curve with the argmax rule instead of the logistic regression
# > (`["argmax"]` in `unit_curves`): where does the gap between the two rules open?
#
# **Method.** The main notebook's `unit_curves` (reused: for every layer except the output and
# every number of units *k* in `unit_counts`, `unit_draws` random draws of *k* units, each read
# by both rules) on the first seed's batch-norm CNN of exercise 1. The **argmax rule** gives an
# image the digit of the unit that fires most (each unit stands for the digit most of the probe
# images it wins show); the **logistic** rule fits a logistic regression on the same *k* units.
# Both rules see the same draws and are fit on the same `probe_train_images` validation digits
# and scored on the same `analysis_images` test digits; the **gap** is the logistic rule's
# median accuracy over the draws minus the argmax rule's, both on the same draws. The network
# here trained on fewer images than the main notebook's (exercise 1's sizes).

# %%
reuse.from_notebook("01_cnn_layer_by_layer", ["layer_names", "curve_layers"], globals())
cnn = bn_cnns[seeds[0]]
x_probe, y_probe = x_val[: S.probe_train_images], y_val[: S.probe_train_images]
x_an, y_an = x_test[: S.analysis_images], y_test[: S.analysis_images]
acts_probe = analysis.layer_activations(cnn, x_probe, curve_layers)
acts_an = analysis.layer_activations(cnn, x_an, curve_layers)
_ = reuse.from_notebook("01_cnn_layer_by_layer", ["unit_curves"], globals())

# %%
rows = [(rule, name, k, np.median(r[rule])) for (name, k), r in unit_curves.items()
        for rule in ("argmax", "logistic")]  # fmt: skip
medians = pd.DataFrame(rows, columns=["rule", "layer", "k", "accuracy"]).pivot(
    index="layer", columns=["rule", "k"], values="accuracy").reindex(curve_layers)  # fmt: skip
gap = medians["logistic"] - medians["argmax"]
table = pd.concat({"argmax": medians["argmax"], "logistic": medians["logistic"], "gap": gap})
table.rename_axis(index=["rule", "layer"], columns="k units").round(3)

# %%
# extra code - both rules against the number of random units, one colour per layer
fig, ax = plt.subplots(figsize=(9, 4))
for i, name in enumerate(curve_layers):
    for rule, ls in (("logistic", "-"), ("argmax", "--")):
        row = medians[rule].loc[name].dropna()
        ax.plot(row.index, row.values, ls=ls, marker="o", ms=3, color=f"C{i}",
                label=f"{name}, {rule}")  # fmt: skip
ax.axhline(0.1, color="gray", ls=":", label="chance")
ax.set_xscale("log")
ax.set(title=f"Random units read by two rules (median of {P.unit_draws} draws; dashed: argmax)",
       xlabel="number of random units k (log scale)",
       ylabel="accuracy on analysis images")  # fmt: skip
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# One network is one run. The gap on 10 random dense units is repeated below on every seed's
# batch-norm CNN (same probe and analysis images, `unit_draws` draws per network).


# %%
def rule_run(seed: int) -> dict[str, float]:
    a, b = (analysis.layer_activations(bn_cnns[seed], x, ["dense"])["dense"]
            for x in (x_probe, x_an))  # fmt: skip
    draws = analysis.random_unit_probes(a, y_probe, b, y_an, 10, P.unit_draws, seed=seed)
    return {rule: float(np.median(draws[rule])) for rule in ("argmax", "logistic")}


rule_runs = pd.DataFrame(evidence.run_seeds(rule_run, seeds), index=cnn_runs.index)
evidence.summary({**rule_runs, "logistic minus argmax": rule_runs.logistic - rule_runs.argmax})

# %% [markdown]
# **Answer.** With one unit the argmax rule is at 0.11 in every layer (one unit can name only
# one digit) and the logistic regression at 0.13 to 0.25, so the gap starts small (0.02 to
# 0.14), and it opens as *k* grows, in two different ways. These shapes come from one network
# and `unit_draws` draws per point, with no interval. In the pixel, convolution and pooling
# layers it opens late: the argmax rule stays between 0.21 and 0.39 from *k* = 10 on while the
# logistic regression keeps climbing (to 0.65-0.87 at *k* = 64), so the gap is widest at the
# largest *k* (0.36-0.48). In the dense layer it opens early: 0.33 at *k* = 4 and 0.39 at
# *k* = 10, its widest, then is a little smaller (0.33 at *k* = 64): the logistic reading
# levels off near 0.98 from *k* = 40 while the argmax one keeps rising (to 0.65). On each
# seed's network, on 10 random dense units, the logistic regression beats the argmax rule by
# 0.41 (interval 0.35 to 0.47; 0.93 against 0.51): a linear read-out of 10 dense units recovers
# far more of the digit than which of them fires most.

# %% [markdown]
# ## Exercise 3 · Batch normalisation in the sigmoid network
# > Add batch normalisation to the sigmoid network of section 3 (SGD): does it train now?
#
# **Method.** Section 3's "sigmoid instead of ReLU" network (5 hidden layers of `mlp_width`
# sigmoid units, He kernels, zero biases, plain SGD for `mlp_epochs` epochs) with a
# `BatchNormalization` layer between each hidden layer's linear map and its sigmoid: each unit's
# pre-activation is rescaled over the batch to mean 0 and variance 1 and then shifted and scaled
# by two learned numbers (starting at 0 and 1), so at the start each sigmoid's inputs have mean
# 0 and variance 1 over the batch, its steep middle range, whatever the weights (by
# construction; the activations are not measured here).
# The layer's bias is dropped (batch norm's learned shift, which starts at zero, takes its
# place). Three arms, the same seeds, images, epochs and learning rate: the ReLU reference, the
# sigmoid network, and the sigmoid network with batch norm. The learning rate is section 3's
# rule: the reference's best on validation (after the last epoch, one run with the main
# notebook's `lr_seed`) over this notebook's SGD grid `sgd_rates`.

# %%
reuse.from_notebook("01_cnn_layer_by_layer", ["REFERENCE", "fit_mlp", "lr_seed"], globals())
reference = "reference: ReLU, He, zero biases, SGD"
search = {}  # (variant, rate) -> final validation accuracy, one run with lr_seed
for lr in S.sgd_rates:
    search[reference, lr] = fit_mlp(lr_seed, lr)[1]["val_accuracy"][-1]
LR = {"sgd": max(S.sgd_rates, key=lambda lr: search[reference, lr])}
print({lr: round(search[reference, lr], 4) for lr in S.sgd_rates}, "chosen:", LR["sgd"])


# %%
def fit_sigmoid_bn(seed: int, lr: float) -> tuple[keras.Model, dict]:
    """Section 3's sigmoid network (He kernels) with batch norm before each sigmoid; SGD."""
    x = inputs = keras.Input(shape=(784,), name="pixels")
    for i in range(1, 6):
        x = layers.Dense(P.mlp_width, use_bias=False, name=f"hidden{i}_linear",
                         kernel_initializer=models.INITIALISERS["he"](seed + i))(x)  # fmt: skip
        x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
        x = layers.Activation("sigmoid", name=f"hidden{i}")(x)
    he = models.INITIALISERS["he"](seed)  # the output layer as build_mlp makes it
    net = keras.Model(inputs, layers.Dense(10, "softmax", kernel_initializer=he, name="output")(x))
    net.compile(optimizer=keras.optimizers.SGD(lr), loss="sparse_categorical_crossentropy",
                metrics=["accuracy"])  # fmt: skip
    history = net.fit(x_mlp, y_mlp, validation_data=(x_mlp_val, y_val), epochs=P.mlp_epochs,
                      batch_size=P.mlp_batch, verbose=0)  # fmt: skip
    return net, history.history


# %%
test_scores, sigmoid_curves = {}, {}  # (variant, rate, seed) -> test accuracy
SIGMOID_ARMS = {
    reference: lambda seed: fit_mlp(seed, LR["sgd"]),
    "sigmoid instead of ReLU": lambda seed: fit_mlp(seed, LR["sgd"], activation="sigmoid"),
    "sigmoid with batch norm": lambda seed: fit_sigmoid_bn(seed, LR["sgd"]),
}


# %%
def sigmoid_run(seed: int) -> dict[str, float]:
    out = {}
    for arm, fit in SIGMOID_ARMS.items():
        net, sigmoid_curves[arm, seed] = fit(seed)
        out[f"{arm}|validation accuracy"] = sigmoid_curves[arm, seed]["val_accuracy"][-1]
        out[f"{arm}|test accuracy"] = net.evaluate(x_mlp_test, y_test, verbose=0)[1]
        test_scores[arm, LR["sgd"], seed] = out[f"{arm}|test accuracy"]  # exercise 4 reuses
    return out


# %%
sigmoid_runs = pd.DataFrame(evidence.run_seeds(sigmoid_run, seeds), index=cnn_runs.index)

# %%
acc3 = lambda arm: sigmoid_runs[f"{arm}|test accuracy"]
evidence.summary(
    {
        **{f"{arm}: test accuracy": acc3(arm) for arm in SIGMOID_ARMS},
        "sigmoid: batch norm minus none": acc3("sigmoid with batch norm")
        - acc3("sigmoid instead of ReLU"),
        "batch-norm sigmoid minus ReLU reference": acc3("sigmoid with batch norm")
        - acc3(reference),
    }
).round(4)

# %%
# extra code - plot validation accuracy per epoch, mean over seeds, for the three arms
fig, ax = plt.subplots(figsize=(7, 3.5))
for i, arm in enumerate(SIGMOID_ARMS):
    curve = np.mean([sigmoid_curves[arm, s]["val_accuracy"] for s in seeds], axis=0)
    ax.plot(range(1, len(curve) + 1), curve, marker="o", color=f"C{i}", label=arm)
ax.axhline(0.1, color="gray", ls=":", label="chance")
ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
ax.set(title=f"5-hidden-layer network, SGD at learning rate {LR['sgd']:g}", xlabel="epoch",
       ylabel="validation accuracy (mean over seeds)")  # fmt: skip
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# **Answer.** Yes. With batch norm before each sigmoid, the network trains under SGD at the
# reference's learning rate (0.1): test accuracy 0.887 against 0.099 without it, a gain of
# 0.788 (interval 0.779 to 0.797), and its mean validation accuracy over seeds is ahead of the
# ReLU reference's after the first two epochs (figure: about 0.66 against 0.30, then 0.83
# against 0.65; no interval on these). It ends 0.019 below the ReLU reference on test (interval
# -0.039 to +0.001; lower in every seed, but the interval includes 0): not shown to differ with
# three seeds. The learning rate was chosen for the ReLU reference, not for this network. What
# else changed with the normalisation: the hidden layers lost their biases (batch norm's shift
# takes their place) and gained a learned scale per unit, and at test time the network uses
# running averages of the batch statistics instead of the batch's own; this run does not say
# which of these made the difference.

# %% [markdown]
# ## Exercise 4 · A learning rate for every variant
# > Choose the learning rate for each variant of section 3 on validation, not only for the
# > reference: which conclusions change?
#
# **Method.** Section 3 chose one learning rate per optimiser on the reference network and gave
# it to every variant. Here every variant of `VARIANTS` gets its own: each is trained once per
# rate of its optimiser's grid (`sgd_rates` or `adam_rates`) with the search seed `lr_seed`,
# and the rate with the best final validation accuracy is kept (for a network at chance at
# every rate, that choice is arbitrary). The *shared* rates follow section 3's rule on the same
# grids: the reference's best for SGD, and for Adam the best of the "Adam instead of SGD"
# network (the Adam reference). Then each variant is trained on the notebook's seeds at its
# own rate and at the shared rate and judged once on test (where both rates are the same, it is
# one run). A conclusion of section 3 is an **effect**: a variant's test accuracy minus the
# reference's, per seed; we compare the effects at shared and at own rates. The grids differ
# from the main notebook's (the `P` table: SGD 0.03 to 0.6 there, 0.1 to 1 here; Adam three
# rates there, two here) and the networks see `mlp_train` images (the main notebook:
# `P.mlp_train`), so the shared rates need not be the main notebook's.

# %%
reuse.from_notebook("01_cnn_layer_by_layer", ["VARIANTS"], globals())
RATES = {"sgd": S.sgd_rates, "adam": S.adam_rates}
opt_of = lambda name: VARIANTS[name].get("optimizer", "sgd")
for name, change in VARIANTS.items():
    for lr in RATES[opt_of(name)]:
        if (name, lr) not in search:
            search[name, lr] = fit_mlp(lr_seed, lr, **change)[1]["val_accuracy"][-1]

# %%
OWN = {name: max(RATES[opt_of(name)], key=lambda lr: search[name, lr]) for name in VARIANTS}
LR["adam"] = OWN["Adam instead of SGD"]
SHARED = {name: LR[opt_of(name)] for name in VARIANTS}
pd.DataFrame({"shared rate": SHARED, "own rate": OWN})

# %%
# extra code - heat map of the search: final validation accuracy per variant and rate
grid = pd.Series(search).unstack().reindex(list(VARIANTS))
fig, ax = plt.subplots(figsize=(9, 4))
image = ax.imshow(grid.values, cmap="viridis", vmin=0, vmax=1, aspect="auto")
for (i, j), v in np.ndenumerate(grid.values):
    if np.isfinite(v):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7,
                color="black" if v > 0.5 else "white")  # fmt: skip
ax.set_xticks(range(grid.shape[1]), [f"{lr:g}" for lr in grid.columns])
ax.set_yticks(range(len(grid)), grid.index, fontsize=8)
ax.set(title="Learning-rate search (one run, lr_seed; blank: other optimiser's grid)",
       xlabel="learning rate (SGD or Adam)", ylabel="variant")  # fmt: skip
fig.colorbar(image, ax=ax, label="final validation accuracy")
plt.show()


# %%
def rate_run(seed: int) -> dict[str, float]:
    out = {}
    for name, change in VARIANTS.items():
        for kind, lr in (("shared", SHARED[name]), ("own", OWN[name])):
            if (name, lr, seed) not in test_scores:
                net, _ = fit_mlp(seed, lr, **change)
                test_scores[name, lr, seed] = net.evaluate(x_mlp_test, y_test, verbose=0)[1]
            out[f"{name}|{kind}"] = test_scores[name, lr, seed]
    return out


# %%
rate_runs = pd.DataFrame(evidence.run_seeds(rate_run, seeds), index=cnn_runs.index)

# %%
effect = lambda name, kind: rate_runs[f"{name}|{kind}"] - rate_runs[f"{reference}|{kind}"]
ci = lambda r: f"{r['mean']:+.3f} [{r['low']:+.3f}, {r['high']:+.3f}]"
effects = pd.DataFrame(
    {
        f"effect, {kind} rates": evidence.summary(
            {n: effect(n, kind) for n in list(VARIANTS)[1:]}
        ).apply(ci, axis=1)
        for kind in ("shared", "own")
    }  # fmt: skip
)
effects.insert(1, "own rate", pd.Series(OWN))
effects

# %% [markdown]
# The table: each variant's effect on test accuracy (minus the reference's test accuracy, per
# seed; mean and [95% interval]) with the shared rates, as in section 3, and with every network
# at its own rate (the reference's own rate is the shared SGD rate). Where a variant's own rate
# is the shared one, both columns come from the same runs. Below, the test accuracy of every
# network behind it, per seed (variant | shared or own rate).

# %%
rate_runs.T.rename_axis(index="variant | rate", columns="seed").round(4)

# %% [markdown]
# **Answer.** The clear failures do not change. The sigmoid network, the small-normal kernels (both
# under SGD) and the sigmoid network with Glorot kernels stay at chance at every rate searched (0.1,
# 0.3 and 1; the heat map, one search run per rate), so their effects at their own rates are the
# same as with the shared rate, -0.81, -0.80 and -0.81, whole intervals far below zero (the last two
# claims, for the first two of them): within this grid, these failures are not the shared learning
# rate's doing. What changes against section 3 of the main notebook is the verdict on biases drawn
# from N(0, 1). There they failed at the shared rate of 0.3 (main notebook); here, in the search,
# they train at 0.1 (0.88 validation accuracy) and fail at 0.3 and 1. Here 0.1 is both the shared
# and their own rate (0.024 below the reference, interval -0.048 to -0.000), so this is not a
# shared-versus-own difference inside this notebook, and the main notebook's setup (10,000 images)
# was not rerun at 0.1: the learning rate, not the biases alone, is one possible cause of section
# 3's failure (not tested there). Choosing on one search run can also backfire: Glorot kernels
# picked 0.3 (0.89 against 0.87 at 0.1, one run), and at 0.3 one of the three seeds' networks ended
# at 0.64, so its effect went from -0.025 (interval -0.040 to -0.011) at the shared rate to -0.090
# (interval -0.48 to +0.30) at its own; per seed, the own rate lost 0.25 on one network and gained
# 0.03 and 0.02 on the others, so with these mixed signs the change itself is not shown with three
# seeds. (At the shared rate, Glorot kernels are below the reference here, which the main notebook
# did not find: its effect there was +0.002, interval -0.028 to +0.032, main notebook; the training
# set and the shared SGD rate differ.) With biases of 0.1, one seed's network ended at 0.28 at the
# shared rate (which is also its own), so that effect is not shown to differ from zero (interval
# -1.12 to +0.70). Adam instead of SGD keeps its rate and is not shown to differ from the reference
# (-0.021, interval -0.050 to +0.007). Small-normal kernels with Adam picked 0.003 over 0.001, and
# its mean effect moved from -0.418 to -0.354 (test accuracy higher at the own rate in every seed,
# by 0.02 to 0.15; no interval on this change), but it stays below the reference (interval -0.600 to
# -0.108). In the main notebook the same two changes came within 0.034 of the reference (main
# notebook), with the same Adam rate of 0.001; the two notebooks differ in training images (10,000
# against 2,500) and in the reference's SGD rate (0.3 there, 0.1 here), so this run cannot say where
# the larger gap here comes from.

# %% [markdown]
# ## Results
# The claims this notebook makes, checked against the active profile's thresholds (see `S`). A
# claim that compares two arms holds when the whole 95% interval of the paired difference
# clears its threshold; a level (the CNN's validation accuracy without batch norm) holds on the
# mean over seeds. The values are in `results/<profile>/01_cnn_layer_by_layer_solutions.json`.

# %%
# NBVAL_CHECK_OUTPUT
sigmoid_own, small_own = "sigmoid instead of ReLU", "small-normal kernels instead of He"
# fmt: off
metrics = {
    "no_bn_final_val_acc": cnn_runs["no batch norm|final validation accuracy"].tolist(),
    "logistic_minus_argmax_dense10": (rule_runs.logistic - rule_runs.argmax).tolist(),
    "sigmoid_bn_minus_sigmoid_test_acc":
        (acc3("sigmoid with batch norm") - acc3("sigmoid instead of ReLU")).tolist(),
    "own_rate_sigmoid_minus_relu_test_acc": effect(sigmoid_own, "own").tolist(),
    "own_rate_small_normal_minus_he_test_acc": effect(small_own, "own").tolist(),
}
claims = [
    Claim("Without batch norm the CNN still trains at cnn_learning_rate (validation accuracy, "
          "mean over seeds)", "no_bn_final_val_acc", ">=", S.min_no_bn_val_acc),
    Claim("On 10 random dense units, a logistic regression beats the argmax rule",
          "logistic_minus_argmax_dense10", ">", 0.0, compares=True),
    Claim("Batch norm makes the sigmoid network train under SGD (test accuracy gain)",
          "sigmoid_bn_minus_sigmoid_test_acc", ">", 0.0, compares=True),
    Claim("With its own learning rate, sigmoid still lowers test accuracy (SGD)",
          "own_rate_sigmoid_minus_relu_test_acc", "<", 0.0, compares=True),
    Claim("With its own learning rate, small-normal kernels still lower test accuracy (SGD)",
          "own_rate_small_normal_minus_he_test_acc", "<", 0.0, compares=True),
]
# fmt: on
record = report_claims("01_cnn_layer_by_layer_solutions", metrics, claims)
