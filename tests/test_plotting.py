"""Figures drawn by ``dl_helpers.plotting``: what they show, not how they look."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from dl_helpers import plotting  # noqa: E402


def test_confusion_matrix_counts_and_colorbar_on_a_given_axis():
    truth = np.array([0, 0, 1, 1, 2, 2])
    pred = np.array([0, 1, 1, 1, 2, 0])
    fig, axes = plt.subplots(1, 2)
    returned = plotting.plot_confusion(truth, pred, ["a", "b", "c"], title="left", ax=axes[0])
    assert returned is fig
    counts = axes[0].images[0].get_array()
    assert np.array_equal(counts, [[1, 1, 0], [0, 2, 0], [1, 0, 1]])
    assert axes[0].get_title() == "left" and not axes[1].images
    colorbars = [ax for ax in fig.axes if ax.get_ylabel() == "images (count)"]
    assert len(colorbars) == 1
    plt.close(fig)
