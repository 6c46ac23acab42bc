"""Feeding the maskers: length-bucketed training batches, mask prediction, the mask sub-model.

Every masker in notebooks 03 and 04 takes ``(log1p(noisy magnitude), noisy magnitude)`` and
outputs ``mask * noisy magnitude``; its layer named ``"mask"`` holds the mask itself.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

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


def length_batches(split: Split, batch_size: int, seed: int = 0, shuffle: bool = True):
    """A Keras ``PyDataset`` of ((features, noisy magnitude), clean magnitude) batches.

    Clips are grouped by length so that each batch is padded (with zeros, which the models mask)
    only to its own longest clip, not to the longest clip of the dataset. The order of batches is
    reshuffled every epoch from a seeded generator.
    """
    import keras

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
    """Run a model mapping padded (N, T, 129) features to masks; one unpadded mask per clip."""
    order = np.argsort([len(f) for f in features], kind="stable")
    out: list[np.ndarray | None] = [None] * len(features)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        x = pad_batch([features[j] for j in idx])
        masks = np.asarray(mask_model.predict(x, verbose=0))
        for k, j in enumerate(idx):
            out[j] = masks[k, : len(features[j])]
    return out  # type: ignore[return-value]
