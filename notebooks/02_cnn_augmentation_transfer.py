# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 · CIFAR-10 with and without data augmentation, and transfer learning to 500 images
#
# [![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)](https://colab.research.google.com/github/deep-learning-projects/deep-learning-projects/blob/main/notebooks/02_cnn_augmentation_transfer.ipynb)
#
# **The question.** When labelled data is scarce, how much do data augmentation and transfer
# learning buy, and why?
#
# **What you will be able to do afterwards:** build a `tf.data` input pipeline, add augmentation
# by hand and with Keras preprocessing layers, read the gap between training and validation
# accuracy, pretrain a network on a *self-supervised* task that needs no labels, and reuse its
# convolutional base frozen or fine-tuned.

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
import tensorflow as tf
from keras import layers
from sklearn.metrics import recall_score

from dl_helpers import data, plotting
from dl_helpers.results import Claim, report_claims

# %% [markdown]
# ## Profile
# Every size below comes from this table. `filters` and `dense_units` = the network's widths
# (`full` doubles them). `train_per_class` = labelled training images per class
# for the baseline and augmentation runs (the offline copy holds 1,491 per class, a download
# 5,000). `pretext_images` = unlabelled images for pretraining (`None`: every training image that
# is neither a validation image nor one of the labelled few). The `min_*` rows are the thresholds
# the results cell checks; `quick` only checks that nothing is broken.

# %%
# fmt: off
P = config.profile_settings(
    quick=dict(
        filters=(16, 32, 64), dense_units=128, train_per_class=150, val_per_class=50, epochs=4,
        batch_size=64, pretext_images=1500, pretext_epochs=3, small_per_class=50, small_epochs=4,
        min_baseline_acc=0.2, min_aug_gain=-0.1, min_transfer_gain=-0.1,
    ),
    standard=dict(
        filters=(16, 32, 64), dense_units=128, train_per_class=500, val_per_class=150, epochs=20,
        batch_size=64, pretext_images=None, pretext_epochs=25, small_per_class=50, small_epochs=30,
        min_baseline_acc=0.55, min_aug_gain=0.03, min_transfer_gain=0.05,
    ),
    full=dict(
        filters=(32, 64, 128), dense_units=256, train_per_class=4500, val_per_class=500,
        epochs=200, batch_size=128, pretext_images=None, pretext_epochs=50, small_per_class=50,
        small_epochs=200, min_baseline_acc=0.55, min_aug_gain=0.03, min_transfer_gain=0.05,
    ),
)
# fmt: on

# %% [markdown]
# ## Data
# CIFAR-10: 32×32 colour photos in ten classes. We draw a stratified training set and a
# validation set from the training images (the test set is only used for the final numbers).

# %%
(x_all, y_all), (x_test, y_test) = data.load_cifar10()
print(data.CARDS["cifar10"])
y_all, y_test = y_all[:, 0], y_test[:, 0]
classes = list(data.CIFAR10_CLASSES)
val_idx = data.stratified_indices(y_all, P.val_per_class, seed=0)
train_idx = data.stratified_indices(y_all, P.train_per_class, seed=1, exclude=val_idx)
x_train, y_train, x_val, y_val = x_all[train_idx], y_all[train_idx], x_all[val_idx], y_all[val_idx]

# %%
# extra code - count the images per class in each split
counts = pd.DataFrame(
    {
        "train": np.bincount(y_train, minlength=10),
        "validation": np.bincount(y_val, minlength=10),
        "test": np.bincount(y_test, minlength=10),
    },
    index=classes,
)
counts.T

# %%
# extra code - show eight training images per class
show = np.concatenate([np.flatnonzero(y_train == c)[:8] for c in range(10)])
fig = plotting.image_grid(
    x_train[show],
    ncols=8,
    row_labels=[classes[c] for c in range(10)],
    size=1.0,
    title="Eight training images per class",
)
plt.show()

# %% [markdown]
# ## The network and the input pipeline
# A small CNN: three blocks of convolution, batch normalisation, ReLU and max-pooling with 16,
# 32 and 64 filters in the quick and standard profiles (the *convolutional base*), then a 128-unit
# dense layer and the 10-way softmax (the *head*). About 156,000 parameters (summary below), so an epoch over a few thousand images takes
# seconds on a laptop CPU. Two choices matter for this notebook (the experiments that settled
# them: [`02_design_notes.md`](02_design_notes.md)):
#
# * **Batch normalisation** lets this small network fit its training images within a CPU budget
#   of epochs. Augmentation only pays when the network can fit the harder, augmented task; a
#   network that cannot even fit the originals gains nothing from seeing them varied.
# * **No dropout.** Augmentation is the regulariser under study; a second one would hide its
#   effect.
#
# Training uses Adam with a **cosine learning-rate decay** from 2·10⁻³ to zero over the run, so
# every run ends settled rather than at a noisy snapshot, and runs of different lengths can be
# compared at their last epoch. Images are scaled to [0, 1] *inside* the model, so every
# pipeline below feeds raw uint8 images. The `tf.data` pipeline caches the decoded arrays, shuffles every epoch,
# batches, and prefetches the next batch while the current one trains.

# %%
BASE_PREFIXES = ("conv", "bn")  # the layers that make up the convolutional base


# %%
def build_cnn(n_outputs: int = 10, name: str = "cifar_cnn") -> keras.Model:
    inputs = keras.Input((32, 32, 3), name="image")
    x = layers.Rescaling(1 / 255)(inputs)
    for i, filters in enumerate(P.filters, start=1):  # the convolutional base
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv{i}")(
            x
        )  # BN supplies the bias
        # momentum 0.9: the running statistics used at test time catch up within tens of steps
        # (Keras's default, 0.99, needs hundreds: more than the short runs here make)
        x = layers.BatchNormalization(momentum=0.9, name=f"bn{i}")(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D(name=f"pool{i}")(x)
    x = layers.Flatten()(x)
    x = layers.Dense(P.dense_units, activation="relu", name="dense")(x)  # the head
    outputs = layers.Dense(n_outputs, activation="softmax", name="classes")(x)
    return keras.Model(inputs, outputs, name=name)


# %%
def pipeline(x, y, augment=None, shuffle=True, batch_size=P.batch_size, seed=0):
    ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(batch_size)
    if augment is not None:
        ds = ds.map(lambda xb, yb: (augment(xb), yb), num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)


# %%
def train(model, train_ds, epochs, val_ds=None, lr=2e-3):
    """Adam, learning rate decaying from `lr` to zero along a cosine over all the run's steps."""
    schedule = keras.optimizers.schedules.CosineDecay(
        lr, decay_steps=epochs * int(train_ds.cardinality())
    )
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    # shuffle=False: the tf.data pipeline already reshuffles every epoch
    return model.fit(
        train_ds, validation_data=val_ds, epochs=epochs, shuffle=False, verbose=2
    ).history


# %%
build_cnn().summary(print_fn=print)  # plain text, no colour codes in the saved notebook

# %% [markdown]
# ## 1 · Baseline: no augmentation

# %%
val_ds = pipeline(x_val, y_val, shuffle=False)
test_ds = pipeline(x_test, y_test, shuffle=False)
config.seed_everything(0)
baseline = build_cnn()
histories = {"no augmentation": train(baseline, pipeline(x_train, y_train), P.epochs, val_ds)}
test_acc = {"no augmentation": baseline.evaluate(test_ds, verbose=0)[1]}
print(f"baseline test accuracy: {test_acc['no augmentation']:.4f}")

# %%
pred = baseline.predict(test_ds, verbose=0).argmax(axis=1)

# %%
# extra code - plot the confusion matrix
fig = plotting.plot_confusion(y_test, pred, classes, title="Baseline CNN, CIFAR-10 test set")
plt.show()

# %%
# per-class accuracy = the recall of each class: of its test images, the fraction predicted as it
per_class = pd.Series(recall_score(y_test, pred, average=None), index=classes, name="baseline")
per_class.to_frame().T.round(3)

# %% [markdown]
# ## 2 · Augmentation
# Augmentation shows the network a slightly different version of each image every epoch, so it
# cannot memorise pixels and has to learn what stays the same (a horse flipped left-right is
# still a horse). Two recipes, both applied on the fly to every batch:
#
# * **(a) the seed project's three techniques**: brighten, darken, flip horizontally. The seed
#   added modified copies to the dataset; here each image gets one of {unchanged, brighter,
#   darker, flipped} at random every epoch, so every run sees the same number of images per epoch.
# * **(b) standard Keras preprocessing layers**: random horizontal flip, translation by up to
#   10% and contrast changes of up to ±20%.
#
# Same network, same seed, same number of epochs as the baseline: only the images differ.

# %%
BRIGHTNESS_STEP = 40  # the seed's brighten/darken amount, in pixel values (0-255)


# %%
def seed_techniques(images):
    """The seed's three techniques on a uint8 batch, as float32.

    Returns (brighter, darker, flipped left-right).
    """
    x = tf.cast(images, tf.float32)
    return (
        tf.clip_by_value(x + BRIGHTNESS_STEP, 0, 255),
        tf.clip_by_value(x - BRIGHTNESS_STEP, 0, 255),
        tf.reverse(x, axis=[2]),
    )


# %%
def seed_augment(images, seed_gen=tf.random.Generator.from_seed(0)):
    """Per image: unchanged, brighter, darker or flipped, with equal probability."""
    choice = seed_gen.uniform([tf.shape(images)[0], 1, 1, 1], 0, 4, dtype=tf.int32)
    x = tf.cast(images, tf.float32)
    brighter, darker, flipped = seed_techniques(images)
    out = tf.where(
        choice == 1, brighter, tf.where(choice == 2, darker, tf.where(choice == 3, flipped, x))
    )
    return tf.cast(out, tf.uint8)


# %%
keras_augment = keras.Sequential(
    [
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomTranslation(0.1, 0.1, fill_mode="reflect", seed=2),
        layers.RandomContrast(0.2, seed=3),
    ],
    name="keras_augment",
)


# %%
def as_uint8(images):
    """Augmentation layers return floats; the pipelines feed uint8 (the model scales itself)."""
    return tf.cast(tf.clip_by_value(images, 0, 255), tf.uint8)


# %%
def keras_recipe(images):
    """Recipe (b) on a uint8 batch."""
    return as_uint8(keras_augment(images, training=True))


# %%
# extra code - show one training image under each augmentation
example = x_train[np.flatnonzero(y_train == 7)[0]]  # a horse
x1 = tf.convert_to_tensor(example[None])
gallery = [example] + [as_uint8(version)[0].numpy() for version in seed_techniques(x1)]
gallery += [keras_recipe(x1)[0].numpy() for _ in range(4)]
fig = plotting.image_grid(
    np.array(gallery),
    ncols=8,
    size=1.6,
    titles=["original", "(a) brighter", "(a) darker", "(a) flipped"] + ["(b) Keras random"] * 4,
    title="One training image under each augmentation",
)
plt.show()

# %%
for name, augment in (
    ("(a) brighten/darken/flip", seed_augment),
    ("(b) Keras flip/translate/contrast", keras_recipe),
):
    config.seed_everything(0)
    model = build_cnn()
    histories[name] = train(model, pipeline(x_train, y_train, augment=augment), P.epochs, val_ds)
    test_acc[name] = model.evaluate(test_ds, verbose=0)[1]
    print(f"{name}: test accuracy {test_acc[name]:.4f}")

# %%
# extra code - plot the accuracy curves and the generalisation gap
fig, axes = plt.subplots(1, 2, figsize=(13, 4))
for k, (name, h) in enumerate(histories.items()):
    epochs = np.arange(1, len(h["accuracy"]) + 1)
    axes[0].plot(epochs, h["accuracy"], color=f"C{k}", label=f"{name}: train")
    axes[0].plot(epochs, h["val_accuracy"], color=f"C{k}", ls="--", label=f"{name}: validation")
    axes[1].plot(
        epochs, np.array(h["accuracy"]) - np.array(h["val_accuracy"]), color=f"C{k}", label=name
    )
axes[0].set(title="Accuracy per epoch (dashed: validation)", xlabel="epoch", ylabel="accuracy")
axes[1].set(title="Generalisation gap", xlabel="epoch", ylabel="train − validation accuracy")
axes[1].axhline(0, color="gray", lw=0.8)
for ax in axes:
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
fig.tight_layout()
plt.show()

# %%
# extra code - tabulate the final accuracies and the gap
aug_table = pd.DataFrame(
    {
        "test accuracy": test_acc,
        "final train accuracy": {k: h["accuracy"][-1] for k, h in histories.items()},
        "final validation accuracy": {k: h["val_accuracy"][-1] for k, h in histories.items()},
    }
)
aug_table["gap"] = aug_table["final train accuracy"] - aug_table["final validation accuracy"]
aug_table.round(4)

# %% [markdown]
# **What the numbers say.** Without augmentation, training accuracy climbs to 0.98 while
# validation accuracy stalls near 0.60: the gap on the right grows almost every epoch (0.38 at the
# end), which is the network memorising its 5,000 training images. Both recipes lift test
# accuracy from 0.585 to 0.622 (+3.7 points; the seed saw +5 with 45,000 images and 200 epochs),
# but in different ways:
#
# * **(a)** gives each image only four versions, so the network still learns most of them by heart
#   (training accuracy 0.83, gap 0.21).
# * **(b)** gives each image endless versions: the training images are now barely easier than new
#   ones (training accuracy 0.68, gap 0.05). The network is no longer memorising, and its final
#   validation accuracy is the highest of the three (0.633). It now under-fits, which is headroom
#   that a longer run or a larger network (the `full` profile) can use; (a) has little left.
#
# The translation in (b) is the transformation the seed's three techniques lack, and small shifts
# are the most common difference between two photos of the same kind of object.
#
# ## 3 · Transfer to 500 labelled images
# Now suppose only **500 labelled images** (50 per class). The rest of the training set is
# available, but *without labels*. The seed's idea: pretrain on a **pretext task** whose labels
# come for free, then reuse the network's convolutional base for the 10-class problem.
#
# **The pretext task: which way up is this image?** Each unlabelled image is turned by 0, 90,
# 180 or 270 degrees at random, and the network must say which (chance: 25%). This is the
# four-way version (Gidaris et al., 2018, "RotNet") of the seed's three-way task (original,
# upside down, rotated 90°). To answer, the network has to know what skies, wheels, legs and
# faces look like the right way up, which is knowledge about objects that no label paid for.
# Before rotating, each image is also flipped and shifted at random (as in recipe (b)), so that
# over many epochs the network cannot memorise the few thousand images and has to learn
# orientation cues that hold for new ones. The pretext set is every training image that is
# neither a validation image nor one of the 500 (the profile may cap the count). The measurements
# behind these choices (four rotations, the augmentation, the number of pretext epochs) are in
# [`02_design_notes.md`](02_design_notes.md).

# %%
small_idx = data.stratified_indices(y_train, P.small_per_class, seed=2)
x_small, y_small = x_train[small_idx], y_train[small_idx]
pool = np.setdiff1d(np.arange(len(x_all)), np.concatenate([val_idx, train_idx[small_idx]]))
if P.pretext_images is not None:
    pool = np.random.default_rng(3).choice(pool, P.pretext_images, replace=False)
x_unlabelled = x_all[pool]
print(f"labelled: {len(x_small)} images; unlabelled for pretraining: {len(x_unlabelled)} images")

# %%
pretext_augment = keras.Sequential(
    [
        layers.RandomFlip("horizontal", seed=4),
        layers.RandomTranslation(0.1, 0.1, fill_mode="reflect", seed=5),
    ],
    name="pretext_augment",
)


# %%
def rotation_task(images, seed_gen=tf.random.Generator.from_seed(1)):
    """Turn each image by k quarter turns, k uniform in {0, 1, 2, 3}; k is the (free) label."""
    k = seed_gen.uniform([tf.shape(images)[0]], 0, 4, dtype=tf.int32)
    all_turns = tf.stack(
        [tf.image.rot90(images, turns) for turns in range(4)], axis=1
    )  # (batch, 4, 32, 32, 3)
    return tf.gather(all_turns, k, batch_dims=1), k


# %%
# extra code - show the four rotations of one image
turns = [np.rot90(example, t) for t in range(4)]  # the horse from the augmentation gallery
fig = plotting.image_grid(
    np.array(turns),
    ncols=4,
    size=1.6,
    titles=[f"label {t}: {90 * t}° anticlockwise" for t in range(4)],
    title="The pretext task: one image, four answers",
)
plt.show()

# %%
pretext_ds = (
    tf.data.Dataset.from_tensor_slices(x_unlabelled)
    .cache()
    .shuffle(len(x_unlabelled), seed=0)
    .batch(P.batch_size)
    .map(lambda images: rotation_task(as_uint8(pretext_augment(images, training=True))))
    .prefetch(tf.data.AUTOTUNE)
)

# %%
config.seed_everything(0)
pretext_model = build_cnn(n_outputs=4, name="pretext_cnn")
pretext_hist = train(pretext_model, pretext_ds, P.pretext_epochs)
pretext_acc = pretext_model.evaluate(*rotation_task(tf.convert_to_tensor(x_val)), verbose=0)[1]
print(f"pretext accuracy on validation images: {pretext_acc:.3f} (chance 0.25)")


# %% [markdown]
# **Three ways to use 500 labels**, the same network and the same training recipe in each:
#
# * **from scratch**: random weights, no pretraining;
# * **pretrained, frozen base**: copy the pretext network's convolutional base, freeze it, and
#   train only a new head (dense layer and softmax) on the 500 images;
# * **pretrained, fine-tuned**: copy the base and train the whole network from there.
#
# As in the seed, the 500 images are used as they are, so the gap between the first bar and the
# others measures what pretraining alone buys. Section 2 showed that augmentation helps too, so
# two more runs ask whether the two gains add up: from scratch and fine-tuned again, each on the
# 500 images through recipe (b) (no validation curves for these two: only their test accuracy).

# %%
def classifier_on(pretrained=None, trainable_base=True, name="cnn"):
    """A fresh 10-class CNN; with a pretrained model, copy its convolutional base into it."""
    model = build_cnn(name=name)
    if pretrained is not None:
        for layer in model.layers:
            if layer.name.startswith(BASE_PREFIXES):
                layer.set_weights(pretrained.get_layer(layer.name).get_weights())
                layer.trainable = trainable_base
    return model


# %%
VARIANTS = {
    "from scratch": dict(pretrained=None, name="scratch"),
    "pretrained, frozen base": dict(pretrained=pretext_model, trainable_base=False, name="frozen"),
    "pretrained, fine-tuned": dict(
        pretrained=pretext_model, trainable_base=True, name="fine_tuned"
    ),
}
RAW, AUG = "500 images as they are", "500 images, recipe (b)"

# %%
small_acc = pd.DataFrame(index=list(VARIANTS), columns=[RAW, AUG], dtype=float)
transfer_hist = {}
for name, kwargs in VARIANTS.items():
    config.seed_everything(0)
    model = classifier_on(**kwargs)
    transfer_hist[name] = train(model, pipeline(x_small, y_small), P.small_epochs, val_ds)
    small_acc.loc[name, RAW] = model.evaluate(test_ds, verbose=0)[1]
    print(f"{name}: test accuracy {small_acc.loc[name, RAW]:.4f}")

# %%
for name in ("from scratch", "pretrained, fine-tuned"):
    config.seed_everything(0)
    model = classifier_on(**VARIANTS[name])
    train(model, pipeline(x_small, y_small, augment=keras_recipe), P.small_epochs)
    small_acc.loc[name, AUG] = model.evaluate(test_ds, verbose=0)[1]
    print(f"{name} + recipe (b): test accuracy {small_acc.loc[name, AUG]:.4f}")

# %%
reference = f"reference: all {len(x_train)} labels"
small_acc.loc[reference] = [
    test_acc["no augmentation"],
    test_acc["(b) Keras flip/translate/contrast"],
]

# %%
# extra code - bar chart of the test accuracies
fig, ax = plt.subplots(figsize=(9, 4))
small_acc.iloc[::-1].plot.barh(ax=ax, color=["tab:blue", "tab:orange"], width=0.8)
for bars, column in zip(
    ax.containers, small_acc.columns
):  # one container per column, rows bottom-up
    values = small_acc[column].iloc[::-1]
    ax.bar_label(
        bars,
        labels=[f"{v:.3f}" if np.isfinite(v) else "not run" for v in values],
        padding=3,
        fontsize=8,
    )
ax.axvline(0.1, color="gray", ls=":", label="chance (0.1)")
ax.set(title="CIFAR-10 test accuracy with 500 labelled images", xlabel="test accuracy", xlim=(0, 1))
ax.legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()

# %%
small_acc.round(4)

# %% [markdown]
# **What the numbers say.** The pretext network answers "which way up?" correctly for 69% of the
# validation images (chance 25%): not perfect, because many photos (a ship seen from above, a
# close-up of fur) have no clear "up", but far above chance, so it has learned something about
# what objects look like. On the 500 images as they are:
#
# * **from scratch** reaches 0.409;
# * the **frozen** pretext base with a new head reaches 0.446 (+3.7 points);
# * **fine-tuning** the whole pretrained network reaches 0.475, **+6.6 points** over training
#   from scratch (the seed: 30.2% -> 35.7%, +5.5).
#
# Fine-tuning beats freezing here. A likely reason, not measured in this notebook (the design
# notes have runs where freezing only the first two blocks scored between the two, or level with
# fine-tuning): the base's last block learned what rotations need (where the sky is, which way
# legs point), not what classes need, and letting it move adapts it. The two gains add up:
# recipe (b) alone lifts training from scratch to 0.428 (+1.9), pretraining alone gives +6.6, and
# fine-tuned with recipe (b) reaches 0.504 (+9.5), the best of all 500-image variants. Still,
# every 500-image variant stays well below the reference bars (0.585 and 0.622): ten times as
# many labels are worth more than pretraining on 12,910 unlabelled images.

# %%
# extra code - plot the learning curves
fig = plotting.plot_history(
    transfer_hist,
    metrics=("accuracy",),
    title="Training on 500 labelled images (dashed: validation)",
)
plt.show()

# %% [markdown]
# The curves show why. From scratch, the network learns all 500 images by heart (training
# accuracy 1.0 by epoch 30) while validation accuracy creeps to 0.40: with 50 images per class
# there is little to generalise from. The pretrained networks also memorise the 500 images, but
# their validation accuracy is at 0.43 after five epochs, because the base already extracts
# features that mean something in new images.

# %% [markdown]
# ## Results

# %%
# NBVAL_CHECK_OUTPUT
raw = small_acc[RAW]
metrics = {
    "baseline_test_accuracy": test_acc["no augmentation"],
    "seed_augmentation_test_accuracy": test_acc["(a) brighten/darken/flip"],
    "keras_augmentation_test_accuracy": test_acc["(b) Keras flip/translate/contrast"],
    "best_augmentation_gain": max(
        test_acc["(a) brighten/darken/flip"], test_acc["(b) Keras flip/translate/contrast"]
    )
    - test_acc["no augmentation"],
    "pretext_accuracy": pretext_acc,
    "scratch_500_test_accuracy": raw["from scratch"],
    "frozen_500_test_accuracy": raw["pretrained, frozen base"],
    "fine_tuned_500_test_accuracy": raw["pretrained, fine-tuned"],
    "best_transfer_gain": max(raw["pretrained, frozen base"], raw["pretrained, fine-tuned"])
    - raw["from scratch"],
    "scratch_500_recipe_b_test_accuracy": small_acc.loc["from scratch", AUG],
    "fine_tuned_500_recipe_b_test_accuracy": small_acc.loc["pretrained, fine-tuned", AUG],
}
claims = [
    Claim(
        "Augmentation improves test accuracy over the baseline by the profile margin",
        "best_augmentation_gain",
        ">=",
        P.min_aug_gain,
        reference="seed: 63.0% -> 68.0%",
    ),
    Claim(
        "The best transfer variant beats training from scratch on 500 images by the profile margin",
        "best_transfer_gain",
        ">=",
        P.min_transfer_gain,
        reference="seed: 30.2% -> 35.7%",
    ),
    Claim(
        "Baseline test accuracy reaches the profile threshold",
        "baseline_test_accuracy",
        ">=",
        P.min_baseline_acc,
        reference="seed: 63.0% (45,000 images, 200 epochs)",
    ),
]
record = report_claims("02_cnn_augmentation_transfer", metrics, claims)

# %% [markdown]
# ## Takeaways
# - A widening gap between training and validation accuracy is memorisation; augmentation
#   closes it by making every epoch's images new.
# - Choose augmentations that match how images of one class really differ (shifts and flips
#   for photos); a transformation that changes the label (upside-down digits 6/9) does harm.
# - Labels are expensive, structure is free: a pretext task on unlabelled images (which way is
#   up?) teaches features that 500 labels can then put to use (+6.6 points here).
# - Fine-tune a pretrained base when its last layers were trained for a different task; freezing
#   it keeps features specialised to the pretext.
# - Augmentation and transfer combine: the best 500-image network here used both.
# - Pretraining is not free either: the pretext training is the longest cell of this notebook,
#   and its length decides how much it helps (see the design notes).
#
# **Exercises.** (1) Swap in the seed's three-way pretext task (original, upside down, rotated
# 90°) and compare the transfer bars. (2) Fine-tune the textbook way: train the head with the base
# frozen first, then everything at a learning rate of 10⁻⁴. (3) How many labelled images does
# training from scratch need to match the fine-tuned network?
