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


def test_players_put_the_wav_on_the_audio_tag():
    """JupyterLab keeps ``src`` on ``<audio>`` in an untrusted notebook, not on ``<source>``."""
    import base64
    import re

    clip = np.sin(np.linspace(0, 100, 8000)).astype("float32")
    html = plotting.players({"noisy <in>": clip, "clean": clip})._repr_html_()
    tags = re.findall(r"<audio ([^>]*)>", html)
    assert len(tags) == 2 and "<source" not in html
    src = re.search(r'src="data:audio/wav;base64,([^"]+)"', tags[0]).group(1)
    wav = base64.b64decode(src)
    assert wav[:4] == b"RIFF" and wav[8:12] == b"WAVE"
    assert int.from_bytes(wav[24:28], "little") == 8000  # the sample rate
    assert "noisy &lt;in&gt;" in html
