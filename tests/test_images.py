from __future__ import annotations

import numpy as np
import pytest

from dl_helpers import images


def test_patches_round_trip_and_order():
    x = np.arange(2 * 28 * 28).reshape(2, 28, 28)
    seq = images.to_patches(x, 7)
    assert seq.shape == (2, 16, 49)
    np.testing.assert_array_equal(seq[0, 0], x[0, :7, :7].ravel())  # patch 1: top-left
    np.testing.assert_array_equal(seq[0, 3], x[0, :7, 21:].ravel())  # patch 4: top-right
    np.testing.assert_array_equal(seq[0, 4], x[0, 7:14, :7].ravel())  # patch 5: second row
    np.testing.assert_array_equal(images.from_patches(seq, 7), x)


def test_top_half_is_first_eight_patches():
    x = np.zeros((1, 28, 28))
    x[0, :14] = 1
    seq = images.to_patches(x)
    assert seq[0, :8].all() and not seq[0, 8:].any()


@pytest.mark.parametrize("shape", [(28, 28), (2, 28, 27), (2, 30, 30)])
def test_bad_shapes_are_explained(shape):
    with pytest.raises(ValueError, match="square|multiple"):
        images.to_patches(np.zeros(shape), 7)


def test_from_patches_rejects_wrong_patch_size():
    with pytest.raises(ValueError, match=r"\(N, steps, 49\)"):
        images.from_patches(np.zeros((1, 16, 36)), 7)


def test_binarise_uint8_and_float():
    assert images.binarise(np.array([[0, 127, 128, 255]], np.uint8)).tolist() == [[0, 0, 1, 1]]
    assert images.binarise(np.array([0.2, 0.6])).dtype == np.float32
