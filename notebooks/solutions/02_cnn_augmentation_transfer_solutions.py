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
# # 02 · CIFAR-10 with and without data augmentation, and transfer learning to 500 images: worked solutions
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/solutions/02_cnn_augmentation_transfer_solutions.ipynb)
#
# Worked solutions to the exercises at the end of [notebook 02](../02_cnn_augmentation_transfer.ipynb) ([in Colab](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/02_cnn_augmentation_transfer.ipynb)).
# Try each exercise first. All three exercises live in the notebook's cheaper setting, 500
# labelled images (50 per class) and `small_steps` optimiser steps per run, so the network, the
# input pipeline, the training recipe, recipe (b), the rotation pretext task and the few-labels
# run are the main notebook's own: `reuse.from_notebook` runs its definitions here, so nothing is
# copied. The data split and the seeds are derived exactly as there, so this notebook's shared
# rotation base and its from-scratch and fine-tuned runs are the main notebook's (same seeds).

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

import keras
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import tensorflow as tf
from keras import layers

from dl_helpers import data, evidence, models, plotting, reuse  # noqa: F401 - train reads models
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# The main notebook's profile table `P` is reused as is
# (`reuse.from_notebook(..., ["P"], globals())`): network widths, batch sizes, `small_steps` and
# `small_rounds` of every run on few labels, `transfer_per_class` = 50 labels per class. This
# notebook's own sizes are in `S`: `n_seeds` = paired runs of every comparison (five, like the
# main notebook's comparison on 500 images; a first run with three seeds left two intervals
# touching zero, and the seeds were raised to five after seeing that, so the thresholds were
# fixed before the runs but the number of runs was not; setup seeds 7 and 123 were run after
# that as an independent check, see `benchmarks/results.md`);
# `pretext_images` and `pretext_epochs` = the unlabelled images and epochs of every rotation
# pretraining (`None` = all of them; the standard profile keeps the main notebook's 12,410
# images and 10 epochs, so the shared base is the main notebook's); `head_first_lr` = the
# learning rate of the second phase in exercise 1. The `min_*` and `max_*` rows are the
# thresholds the results cell checks; `quick` only checks that nothing is broken.
#
# **Budget.** The main notebook takes about 13 minutes on 2 CPU cores (the README's results
# table); this one aims at a third of that.
# So everything here runs in the main notebook's cheapest setting, 500 labelled images, with one
# pretext task (four rotations) and one label budget; none of the 13,000-image augmentation runs
# (over a minute each) is repeated. The cost is six pretrainings (the shared base and one per
# seed, each 10 epochs over 12,410 images) and 30 short runs of 240 steps.

# %%
# ruff: noqa: F821 - names defined by reuse.from_notebook (P, build_cnn, ...) are not seen by ruff
reuse.from_notebook("02_cnn_augmentation_transfer", ["P"], globals())
# fmt: off
S = config.profile_settings(
    quick=dict(n_seeds=1, pretext_images=1500, pretext_epochs=2, head_first_lr=1e-4,
               min_gain=-0.1, max_vflip_change=0.1, min_pretext_acc=0.25),
    standard=dict(n_seeds=5, pretext_images=None, pretext_epochs=10, head_first_lr=1e-4,
                  min_gain=0.0, max_vflip_change=0.0, min_pretext_acc=0.5),
    full=dict(n_seeds=5, pretext_images=None, pretext_epochs=50, head_first_lr=1e-4,
              min_gain=0.0, max_vflip_change=0.0, min_pretext_acc=0.5),
)
# fmt: on
SEED = session.notebook_seed()  # every seed below derives from the setup cell's
# derived as in the main notebook: its pretraining seed, then its run seeds (the first n_seeds)
pretext_seed, *run_seeds = evidence.derive_seeds(SEED, max(P.n_seeds, P.transfer_seeds) + 1)
seeds = run_seeds[: S.n_seeds]
print(f"paired runs with seeds {seeds}; shared pretraining seed {pretext_seed}")

# %% [markdown]
# ## Data and the reused definitions
# The main notebook's split: 150 validation images per class, the labelled images are the first
# 50 per class of its labelled pool, and the unlabelled pretext images are every training image
# that is neither a validation nor a labelled image (12,410 in the standard profile).

# %%
(x_all, y_all), (x_test, y_test) = data.load_cifar10()
y_all, y_test = y_all[:, 0], y_test[:, 0]
classes = list(data.CIFAR10_CLASSES)
split = data.cifar_split(y_all, val_per_class=P.val_per_class, train_per_class=P.train_per_class,
                         labelled_per_class=max(P.labels_per_class))  # fmt: skip
x_val, y_val = x_all[split["val"]], y_all[split["val"]]
pool = split["pretext"]
if S.pretext_images is not None:  # the same subsample as the main notebook's quick profile
    pool = np.random.default_rng(pretext_seed).choice(pool, S.pretext_images, replace=False)
x_unlabelled = x_all[pool]
print(f"unlabelled images for pretraining: {len(x_unlabelled)}")

# %% [markdown]
# `ARMS` maps an arm's name to (pretrained model, trainable base, augmentation recipe), as in
# the main notebook; its `few_labels_run(seed, n_per_class, arm)` trains one arm for
# `small_steps` steps and returns its test accuracy. Each exercise adds its arms to `ARMS`.

# %%
ARMS, transfer_hist = {}, {}
reuse.from_notebook("02_cnn_augmentation_transfer",
                    ["BASE_PREFIXES", "build_cnn", "pipeline", "train", "as_uint8", "recipe_b",
                     "rotations", "pretext_pipeline", "classifier_on", "few_labels_run",
                     "val_ds", "test_ds"], globals())  # fmt: skip
tf.autograph.set_verbosity(0)  # code run from source text: no "could not transform" notices
labelled = data.first_per_class(y_all, split["labelled"], P.transfer_per_class)
print(f"labelled images: {len(labelled)}; test images: {len(y_test)}")


# %% [markdown]
# **The rotation base.** The main notebook pretrains inside a loop over its two pretext tasks;
# the same steps as a function, for one seed (the main notebook's validation check included):

# %%
def pretrain_rotations(seed):
    """A 4-way rotation network trained on the unlabelled images; its validation accuracy."""
    keras.utils.set_random_seed(seed)
    model = build_cnn(n_outputs=4, name="pretext_cnn")
    train(model, pretext_pipeline(rotations, 4, seed), S.pretext_epochs)
    k = tf.random.Generator.from_seed(seed).uniform([len(x_val)], 0, 4, tf.int32)
    return model, model.evaluate(rotations(x_val, k), k, verbose=0)[1]


# %%
ROT, rot_acc = pretrain_rotations(pretext_seed)  # the main notebook's shared base
print(f"shared rotation base: validation accuracy {rot_acc:.3f} (chance 0.25)")


# %%
# extra code - one figure helper: every seed's test accuracy per arm, seeds joined by lines
def plot_paired(table, title):
    fig, ax = plt.subplots(figsize=(7, 3.8))
    for seed, row in table.iterrows():
        ax.plot(range(len(row)), row.values, marker="o", label=f"seed {seed}")
    ax.plot(range(table.shape[1]), table.mean().values, "k_", ms=30, mew=2, label="mean")
    ax.set_xticks(range(table.shape[1]), [c.replace(", ", ",\n") for c in table.columns])
    ax.set(title=title, xlabel="arm", ylabel="test accuracy (fraction of 10,000 images)")
    ax.grid(alpha=0.3), ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


# %% [markdown]
# ## Exercise 1 · Head first, then everything at 10⁻⁴
# > Fine-tune the textbook way: train the head with the base frozen first, then everything at
# > a learning rate of 10⁻⁴; compare with plain fine-tuning over the same seeds and steps.
#
# **Method.** Three arms on the 500 labelled images as they are, each `small_steps` steps in
# total, the same seeds (same initial head, same batch order), the same shared rotation base:
#
# * **from scratch** (the floor) and **plain fine-tuning** (copy the base, train everything:
#   cosine decay from 2·10⁻³ over all the steps), the main notebook's two arms;
# * **head first**: copy the base and freeze it (its batch-norm layers then use the pretext
#   running statistics), train the dense layer and softmax for the first half of the steps
#   (cosine from 2·10⁻³); then unfreeze and train everything for the second half, cosine from
#   `head_first_lr` = 10⁻⁴ down to zero. The total number of steps and images is the same; the
#   first half sees the same batches as plain fine-tuning, the second (a new `fit`, so a new
#   pass over the data) shuffles them in a different order.
#
# The comparison is the paired difference plain − head first, per seed, with its 95% interval
# (the t-interval of the mean difference over the paired seeds). Differences are given in
# **points**: percentage points of test accuracy (0.01 of accuracy; the tables show fractions).

# %%
ARMS["from scratch"] = (None, True, None)
ARMS["fine-tuned (plain)"] = (ROT, True, None)
half = P.small_rounds // 2  # rounds of `small_steps // small_rounds` steps each


# %%
def head_first_run(seed):
    """Frozen base: train the head for half the steps; then everything at head_first_lr."""
    keras.utils.set_random_seed(seed)
    model, steps = classifier_on(ROT, trainable_base=False), P.small_steps // P.small_rounds
    ds = pipeline(x_all[labelled], y_all[labelled], seed, None, P.small_batch).repeat()
    train(model, ds, half, steps_per_epoch=steps)  # the head only
    for layer in model.layers:
        layer.trainable = True
    train(model, ds, P.small_rounds - half, steps_per_epoch=steps, lr=S.head_first_lr)
    return model.evaluate(test_ds, verbose=0)[1]


# %%
def exercise_1(seed):
    n = P.transfer_per_class
    out = {arm: few_labels_run(seed, n, arm) for arm in ("from scratch", "fine-tuned (plain)")}
    return out | {"head first, then all at 1e-4": head_first_run(seed)}


# %%
ex1 = pd.DataFrame(evidence.run_seeds(exercise_1, seeds), index=pd.Index(seeds, name="seed"))
scratch, plain, head_first = (ex1[c] for c in ex1.columns)
ex1_diff = {"plain − head first": plain - head_first, "plain − from scratch": plain - scratch,
            "head first − from scratch": head_first - scratch}  # fmt: skip
pd.concat([evidence.summary(ex1), evidence.summary(ex1_diff)]).round(4)

# %%
fig = plot_paired(ex1, f"Exercise 1: three ways to use the rotation base, {len(seeds)} seeds")
plt.show()

# %% [markdown]
# **Answer.** Plain fine-tuning wins: 0.445 against 0.409 for head first, **+3.6 points**
# (interval +2.2 to +5.0), ahead at all five seeds. Head first is not distinguishable from
# training from scratch (0.407; difference +0.2 points, −0.5 to +1.0): done this way, the
# pretrained base bought no measurable gain. The from-scratch and plain fine-tuned runs equal
# the main notebook's to the fourth decimal (see its transfer table), so plain − from scratch is
# its +3.8-point transfer gain, not a new one. Several things differ between the arms, not
# one: half the steps with the base frozen (its batch-norm layers on the pretext statistics),
# then a new `compile` (Adam's state reset) with a learning rate 20 times lower for the head
# too, two cosine decays of 120 steps instead of one of 240, and the order of the batches in
# the second half. Only 10⁻⁴ and a 50/50 split were tried. Why the textbook recipe loses was
# not measured.

# %% [markdown]
# ## Exercise 2 · A new pretext network for every seed
# > Pretrain each seed's base separately (a new pretext network per seed): how much wider do the
# > transfer intervals get, and does the claim still hold?
#
# **Method.** In the main notebook one rotation network, pretrained once with `pretext_seed`,
# serves every seed, so its intervals cover the randomness of training on the labels only. Here
# each run seed `s` first pretrains its **own** rotation network (seed `s`: its initial weights,
# its order of unlabelled images, its random rotations, flips and shifts; the same images and
# epochs as the shared base), then fine-tunes it exactly like the plain arm of exercise 1 (same
# seed, same steps). The from-scratch and shared-base runs are exercise 1's, so all three arms
# are paired. The transfer gain = fine-tuned − from scratch, per seed; its interval's
# **half-width** (half of high − low) is how we measure "wider". Each half-width rests on a
# standard deviation of five values, whose own 95% interval spans 0.6 to 2.9 times the
# estimate, so only a large change in width is informative.

# %%
ARMS["fine-tuned (own base)"] = (None, True, None)  # its base is set per seed below
own_acc = {}


# %%
def exercise_2(seed):
    """Pretrain a rotation network with this seed, then fine-tune it on the 500 images."""
    base, own_acc[seed] = pretrain_rotations(seed)
    ARMS["fine-tuned (own base)"] = (base, True, None)
    return {"fine-tuned (own base)": few_labels_run(seed, P.transfer_per_class,
                                                    "fine-tuned (own base)")}  # fmt: skip


# %%
ex2 = pd.DataFrame(evidence.run_seeds(exercise_2, seeds), index=pd.Index(seeds, name="seed"))
own = ex2["fine-tuned (own base)"]
print("own bases, pretext validation accuracy:", {s: round(a, 3) for s, a in own_acc.items()},
      f"(shared base: {rot_acc:.3f})")  # fmt: skip
ex2_gain = {"shared base − from scratch": plain - scratch, "own base − from scratch": own - scratch,
            "own base − shared base": own - plain}  # fmt: skip
table2 = evidence.summary(ex2_gain)
table2.insert(3, "half-width", (table2["high"] - table2["low"]) / 2)
table2.round(4)

# %%
# extra code - plot each seed's transfer gain and the 95% intervals, shared and own bases
fig, ax = plt.subplots(figsize=(7, 3))
for k, name in enumerate(list(ex2_gain)[:2]):
    row = table2.loc[name]
    ax.errorbar(row["mean"], k, xerr=row["half-width"], fmt="o", color="k", capsize=4,
                label="mean and 95% interval" if k == 0 else None)  # fmt: skip
    ax.scatter(ex2_gain[name], [k] * len(seeds), color="C1", alpha=0.7,
               label="one seed" if k == 0 else None)  # fmt: skip
ax.axvline(0, color="gray", lw=0.8)
ax.set_yticks([0, 1], list(ex2_gain)[:2])
ax.set(
    title="Transfer gain on 500 images: one shared base or one base per seed",
    xlabel="test accuracy difference (fine-tuned − from scratch)",
    ylabel="pretrained base",
)
ax.grid(alpha=0.3), ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# **Answer.** The claim still holds: with a new base per seed, fine-tuning beats training from
# scratch by **+2.1 points** (interval +1.0 to +3.2), smaller than the +3.8 (+2.4 to +5.3)
# obtained with this particular shared base. The interval did **not** get wider: its half-width
# is 1.1 points with one base per seed and 1.4 with the shared base, against the expectation;
# with five runs each, the two widths are too uncertain to rank (see the method: each width is
# known only to within a factor of about 0.6 to 2.9). What changed is the centre: every one of
# the five new bases transferred worse than the shared one (own − shared: −1.7 points, −2.4 to
# −1.1), although their pretext accuracies are all 0.4 to 1.6 points below the shared base's
# 0.647 (no interval computed for those). So this shared base was a better-than-typical draw for
# transfer, and the main notebook's interval, which holds that one base fixed, describes that
# base, not the recipe. Whether another shared base would land above or below the per-seed
# bases was not measured here. Only the 500-image fine-tuned gain was re-measured, not the
# frozen arm or the label-budget curve. Besides the initial weights, the per-seed pretraining
# also changes the order of the unlabelled images and their random transformations; the
# labelled images, the steps and the fine-tuning seeds are the same as with the shared base.

# %% [markdown]
# ## Exercise 3 · A label-changing transformation: flip top to bottom
# > Add a random 6/9-style label-changing transformation (flip top to bottom) to recipe (b):
# > does it help or hurt, with an interval?
#
# **Method.** A transformation is *label-changing* when the transformed image no longer belongs
# to its class (a 6 turned upside down is a 9). For CIFAR-10 a vertical flip keeps the class
# name, but produces images unlike any test image: skies below, wheels on top. Recipe (b) is
# kept exactly as in the main notebook (the same layers, given the same seeds in both arms;
# that their random draws match was not checked); the new arm then flips each image top to bottom
# with probability ½. Both arms train from scratch on the 500 labelled images, the main
# notebook's "from scratch + recipe (b)" arm, for the same seeds and steps; exercise 1's
# from-scratch runs (no augmentation) are the reference. (The main notebook's 13,000-image
# augmentation runs take over a minute each, too long for this notebook's budget, so the
# question is answered on 500 images only, where recipe (b) added 3 points.)

# %%
def recipe_b_vflip(seed):
    """Recipe (b), then a random flip top to bottom (probability 1/2)."""
    recipe, vflip = recipe_b(seed), layers.RandomFlip("vertical", seed=seed + 3)
    return lambda images: as_uint8(vflip(recipe(images), training=True))


# %%
# extra code - one labelled image under recipe (b) with the vertical flip, eight draws
horse = x_all[labelled[y_all[labelled] == classes.index("horse")][0]]
show = recipe_b_vflip(SEED)
draws = [show(tf.convert_to_tensor(horse[None]))[0].numpy() for _ in range(7)]
fig = plotting.image_grid(np.array([horse, *draws]), ncols=8, size=1.6,
                          titles=["original"] + [f"draw {k}" for k in range(1, 8)],
                          title="One labelled horse under recipe (b) + vertical flip")  # fmt: skip
plt.show()

# %%
ARMS["recipe (b)"] = (None, True, recipe_b)
ARMS["recipe (b) + vertical flip"] = (None, True, recipe_b_vflip)


def exercise_3(seed):
    return {arm: few_labels_run(seed, P.transfer_per_class, arm)
            for arm in ("recipe (b)", "recipe (b) + vertical flip")}  # fmt: skip


# %%
ex3 = pd.DataFrame(evidence.run_seeds(exercise_3, seeds), index=pd.Index(seeds, name="seed"))
with_b, with_vflip = ex3["recipe (b)"], ex3["recipe (b) + vertical flip"]
ex3_diff = {"(b) + vertical flip − (b)": with_vflip - with_b,
            "(b) − no augmentation": with_b - scratch,
            "(b) + vertical flip − no augmentation": with_vflip - scratch}  # fmt: skip
pd.concat([evidence.summary(ex3), evidence.summary(ex3_diff)]).round(4)

# %%
table3 = pd.concat([scratch.rename("no augmentation"), ex3], axis=1)
fig = plot_paired(table3, f"Exercise 3: from scratch on 500 images, {len(seeds)} seeds")
plt.show()

# %% [markdown]
# **Answer.** It hurts. Adding the vertical flip lowers test accuracy from 0.439 to 0.396,
# **−4.3 points** (interval −5.3 to −3.4), at every one of the five seeds, and leaves the network
# below training without any augmentation (−1.1 points, −1.9 to −0.3); recipe (b) alone adds
# +3.2 (+2.7 to +3.8), the main notebook's number. Each image is shown upside down on about
# half of its draws, a view that is presumably rare among the test images (not measured); one
# possible cause is that the network must fit both orientations within the same 240 steps (not
# tested). In CIFAR-10 the flip keeps every label, so the −4.3 points measure training on an
# unusual view, not label noise; a truly label-changing transformation (one that would need a
# new label, like 6 → 9) was not tried. Whether a longer run would recover the loss was not
# tested (every arm gets the same steps), nor was the flip tried on the 13,000-image
# augmentation runs or with a pretrained base.

# %% [markdown]
# ## Results
# Each claim and threshold was fixed before the runs, from the exercise's question and the main
# notebook's design notes (the number of seeds was not: see the profile); a comparison holds only
# when its paired 95% interval clears the threshold. The pretext claim is on the mean over seeds.

# %%
# NBVAL_CHECK_OUTPUT
metrics = {
    "scratch_500_test_accuracy": scratch.tolist(),
    "plain_minus_head_first": (plain - head_first).tolist(),
    "own_base_pretext_val_accuracy": list(own_acc.values()),
    "own_base_transfer_gain": (own - scratch).tolist(),
    "vflip_change": (with_vflip - with_b).tolist(),
}
claims = [
    Claim("Plain fine-tuning beats head-first fine-tuning (then all at 1e-4) on 500 images "
          "(paired seeds)", "plain_minus_head_first", ">", S.min_gain, compares=True,
          reference="design notes (one seed each): plain ahead in 4 of 4"),
    Claim("Every seed's own rotation base learns its pretext task (mean validation accuracy)",
          "own_base_pretext_val_accuracy", ">=", S.min_pretext_acc, reference="chance: 0.25"),
    Claim("Fine-tuning a base pretrained with each run's own seed beats training from scratch "
          "on 500 images (paired seeds)", "own_base_transfer_gain", ">", S.min_gain,
          compares=True, reference="one shared base: +3.8 points (main notebook)"),
    Claim("Adding a random vertical flip to recipe (b) lowers test accuracy on 500 images "
          "(paired seeds)", "vflip_change", "<", S.max_vflip_change, compares=True),
]  # fmt: skip
record = report_claims("02_cnn_augmentation_transfer_solutions", metrics, claims)
