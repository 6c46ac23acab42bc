"""Feeding the maskers: length-bucketed training batches, mask prediction, the mask sub-model.

Every masker in notebooks 03 and 04 takes ``(log1p(noisy magnitude), noisy magnitude)`` and
outputs ``mask * noisy magnitude``; its layer named ``"mask"`` holds the mask itself.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..checks import check_count
from .dataset import Split


def pad_batch(seqs: Sequence[np.ndarray]) -> np.ndarray:
    """Stack (T_i, F) arrays into (N, T_max, F) float32, zero-padding the end of each.

    Keras's ``pad_sequences`` with post padding, so that models can mask the padded frames.
    """
    import keras

    if not len(seqs):
        raise ValueError("no sequences to pad")
    widths = {np.shape(s)[1:] for s in seqs}
    if len(widths) != 1:
        raise ValueError(f"sequences must share their feature shape; got {sorted(widths)}")
    return keras.utils.pad_sequences(list(seqs), padding="post", truncating="post", dtype="float32")


def mask_model(model):
    """The part of a trained masker that maps features to the mask (its layer named ``mask``).

    Raises:
        ValueError: when the model has no layer named ``mask``.
    """
    import keras

    names = [layer.name for layer in model.layers]
    if "mask" not in names:
        raise ValueError(f"model {model.name!r} has no layer named 'mask'; layers: {names}")
    return keras.Model(model.inputs[0], model.get_layer("mask").output)


def length_batches(split: Split, batch_size: int, seed: int | None = None, shuffle: bool = True):
    """A Keras ``PyDataset`` of ((features, noisy magnitude), clean magnitude) batches.

    Clips are grouped by length so that each batch is padded (with zeros, which the models mask)
    only to its own longest clip, not to the longest clip of the dataset. The order of batches is
    reshuffled every epoch from a seeded generator.

    ``seed`` (required when ``shuffle``) comes from the caller, so that a notebook's one seed
    drives the order.

    Raises:
        ValueError: an empty split, a ``batch_size`` that is not a positive integer, or
            ``shuffle`` without a ``seed``.
    """
    import keras

    check_count(batch_size, "batch_size", minimum=1)
    if shuffle and seed is None:
        raise ValueError("length_batches(shuffle=True) needs a seed; pass the notebook's seed")
    if len(split) == 0:
        raise ValueError("split has no clips; expected at least one to batch")

    class _Batches(keras.utils.PyDataset):
        def __init__(self) -> None:
            super().__init__()
            order = np.argsort([len(m) for m in split.noisy_mag], kind="stable")
            self.batches = [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
            self.rng = np.random.default_rng(seed)
            self.order = np.arange(len(self.batches))
            self.features = split.features
            self.on_epoch_end()

        def __len__(self) -> int:
            return len(self.batches)

        def __getitem__(self, i: int):
            idx = self.batches[self.order[i]]
            x = pad_batch([self.features[j] for j in idx])
            mag = pad_batch([split.noisy_mag[j] for j in idx])
            y = pad_batch([split.clean_mag[j] for j in idx])
            return (x, mag), y

        def on_epoch_end(self) -> None:
            if shuffle:
                self.order = self.rng.permutation(len(self.batches))

    return _Batches()


def predict_masks(
    mask_model, features: Sequence[np.ndarray], batch_size: int = 64
) -> list[np.ndarray]:
    """Run a model mapping padded (N, T, 129) features to masks; one unpadded mask per clip.

    Raises:
        ValueError: a ``batch_size`` that is not a positive integer, or a model whose output is
            not one mask frame per input frame.
    """
    check_count(batch_size, "batch_size", minimum=1)
    order = np.argsort([len(f) for f in features], kind="stable")
    out: list[np.ndarray | None] = [None] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        x = pad_batch([features[j] for j in idx])
        masks = np.asarray(mask_model.predict(x, verbose=0))
        if masks.ndim < 2 or masks.shape[0] != x.shape[0] or masks.shape[1] < x.shape[1]:
            raise ValueError(
                f"the mask model returned shape {masks.shape} for inputs {x.shape}; expected "
                "one mask frame per input frame, (N, T, ...) (pass denoising.mask_model(model))"
            )
        for k, j in enumerate(idx):
            out[j] = masks[k, : len(features[j])]
    return out  # type: ignore[return-value]
