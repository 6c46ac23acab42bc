"""Everything a notebook shows that several notebooks show the same way: image grids, learning
curves, confusion matrices, scatter panels, spectrograms and audio players.

Every figure gets a title and labelled axes; notebooks call ``plt.show()`` once after drawing.
Figure functions return their ``Figure``; :func:`plot_spectrogram` draws into a given axis.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from . import audio
from .checks import check_count, check_finite


def image_grid(
    images: np.ndarray,
    titles: Sequence[str] | None = None,
    ncols: int = 10,
    title: str = "",
    cmap: str = "gray",
    size: float = 1.0,
    row_labels: Sequence[str] | None = None,
):
    """A grid of images (N, H, W) or (N, H, W, C); uint8 or floats in [0, 1].

    Raises:
        ValueError: images that are not (N, H, W) or (N, H, W, C) or are none, ``ncols`` that
            is not a positive integer, or fewer ``titles`` than images.
    """
    images = np.asarray(images)
    if images.ndim not in (3, 4):
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C); got shape {images.shape}")
    if len(images) == 0:
        raise ValueError("images is empty; expected at least one image")
    check_count(ncols, "ncols", 1)
    if titles is not None and len(titles) < len(images):
        raise ValueError(f"{len(titles)} titles for {len(images)} images; expected one per image")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    n = len(images)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size, nrows * size * 1.1), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if i < n:
            ax.imshow(
                images[i],
                cmap=None if images.ndim == 4 else cmap,
                vmin=0,
                vmax=255 if images.dtype == np.uint8 else 1,
            )
            if titles is not None:
                ax.set_title(titles[i], fontsize=7)
    if row_labels is not None:
        for r, label in enumerate(row_labels[:nrows]):
            axes[r, 0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(
    histories: Mapping[str, Mapping[str, Sequence[float]]],
    metrics: Sequence[str] = ("accuracy", "loss"),
    title: str = "Learning curves",
    validation: bool = True,
):
    """Training (solid) and validation (dashed) curves per epoch for one or more runs.

    ``histories`` maps a run's name to a Keras ``History.history`` dict.

    Raises:
        ValueError: no run or no metric (a single metric name must be in a list).
        KeyError: a run without one of ``metrics`` (the message lists what it has).
    """
    if not histories:
        raise ValueError("histories is empty; expected {run name: History.history}")
    if isinstance(metrics, str):
        raise ValueError(f"metrics must be a list of names, e.g. [{metrics!r}]; got {metrics!r}")
    if len(metrics) == 0:
        raise ValueError("metrics is empty; expected names such as ('accuracy', 'loss')")
    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 3.8), squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        for i, (name, hist) in enumerate(histories.items()):
            if metric not in hist:
                raise KeyError(f"run {name!r} has no {metric!r}; it has {sorted(hist)}")
            color = f"C{i}"
            epochs = np.arange(1, len(hist[metric]) + 1)
            ax.plot(epochs, hist[metric], color=color, label=f"{name} train")
            if validation and f"val_{metric}" in hist:
                ax.plot(
                    epochs, hist[f"val_{metric}"], color=color, ls="--", label=f"{name} validation"
                )
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # epochs are whole numbers
        ax.set_ylabel(metric)
        ax.set_title(metric)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_confusion(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: Sequence[str],
    title: str = "Confusion matrix",
    ax=None,
):
    """A confusion matrix (counts, with a colorbar) with scikit-learn's display.

    Draws on ``ax`` when given (several matrices side by side), else on a new figure.

    Raises:
        ValueError: ``y_true`` and ``y_pred`` of different lengths or empty, or a number of
            ``labels`` that is not the number of classes present in them.
    """
    from sklearn.metrics import ConfusionMatrixDisplay

    if len(y_true) != len(y_pred) or len(y_true) == 0:
        raise ValueError(
            f"y_true has {len(y_true)} labels and y_pred {len(y_pred)}; expected the same "
            "number, at least one"
        )
    present = np.unique(np.concatenate([np.ravel(y_true), np.ravel(y_pred)]))
    if len(labels) != len(present):
        raise ValueError(
            f"{len(labels)} labels given for {len(present)} classes present in y_true and "
            f"y_pred ({present.tolist()[:12]}); expected one name per class"
        )

    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    display = ConfusionMatrixDisplay.from_predictions(
        y_true, y_pred, display_labels=list(labels), ax=ax, colorbar=False, xticks_rotation=45
    )
    ax.figure.colorbar(display.im_, ax=ax, label="images (count)")
    ax.set_title(title)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.figure.tight_layout()
    return ax.figure


def scatter_panels(
    points: Mapping[str, np.ndarray],
    labels: np.ndarray,
    title: str,
    ncols: int = 4,
    xlabel: str = "component 1",
    ylabel: str = "component 2",
):
    """One 2-D scatter per entry of ``points`` (name -> (N, 2)), coloured by ``labels``.

    Raises:
        ValueError: no panel, a panel that is not (N, 2), ``labels`` of another length, or
            ``ncols`` that is not a positive integer.
    """
    if not points:
        raise ValueError("points is empty; expected {panel name: (N, 2) array}")
    check_count(ncols, "ncols", 1)
    for name, xy in points.items():
        shape = np.shape(xy)
        if len(shape) != 2 or shape[1] != 2:
            raise ValueError(f"points[{name!r}] has shape {shape}; expected (N, 2)")
        if shape[0] != len(labels):
            raise ValueError(
                f"points[{name!r}] has {shape[0]} points but labels has {len(labels)}; "
                "expected one label per point"
            )
    n = len(points)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(3.2 * ncols, 3.0 * nrows), squeeze=False, layout="constrained"
    )
    for ax, (name, xy) in zip(axes.flat, points.items()):
        sc = ax.scatter(xy[:, 0], xy[:, 1], c=labels, cmap="tab10", s=4, vmin=-0.5, vmax=9.5)
        ax.set_title(name, fontsize=9)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.set_ylabel(ylabel, fontsize=8)
        ax.tick_params(labelsize=6)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    fig.colorbar(sc, ax=axes, ticks=range(10), label="digit", shrink=0.6)
    fig.suptitle(title)
    return fig


def plot_spectrogram(
    mag: np.ndarray,
    ax,
    title: str,
    sr: int = audio.SR,
    db_range: float = 80.0,
    colorbar: bool = False,
    top_db: float | None = None,
):
    """A time-major magnitude (or mask) spectrogram, axes in seconds and Hz (librosa.display).

    Magnitudes are shown in dB (20·log10|X|) over ``db_range`` dB below the top of the colour
    scale: by default this spectrogram's own peak; pass ``top_db`` (for example
    :func:`peak_db` of the noisy input) to give several panels one scale and compare them.

    Raises:
        ValueError: a spectrogram that is not (frames, 129), has no frame, is complex (take
            ``np.abs``), or holds NaN; a ``top_db`` that is not finite.
    """
    import librosa
    import librosa.display

    mag = np.asarray(mag)
    if mag.ndim != 2 or mag.shape[1] != audio.N_BINS:
        raise ValueError(f"spectrogram must be (frames, {audio.N_BINS}); got shape {mag.shape}")
    if mag.shape[0] == 0:
        raise ValueError("spectrogram has no frames; expected at least one")
    if np.iscomplexobj(mag):
        raise ValueError("spectrogram is complex; expected a magnitude (take np.abs of it)")
    if np.isnan(mag).any():
        raise ValueError("spectrogram contains NaN values")
    if top_db is not None:
        check_finite(top_db, "top_db")
    is_mask = mag.min() >= 0 and mag.max() <= 1 and "mask" in title.lower()
    values = mag.T if is_mask else librosa.amplitude_to_db(mag.T + 1e-10, ref=1.0, top_db=None)
    if not is_mask:
        top = peak_db(mag) if top_db is None else top_db
        limits = (top - db_range, top)
    img = librosa.display.specshow(
        values,
        sr=sr,
        hop_length=audio.HOP,
        n_fft=audio.N_FFT,
        x_axis="s",
        y_axis="hz",
        ax=ax,
        cmap="magma",
        vmin=0 if is_mask else limits[0],
        vmax=1 if is_mask else limits[1],
    )
    ax.set(title=title, xlabel="time (s)", ylabel="frequency (Hz)")
    if colorbar:
        ax.figure.colorbar(img, ax=ax, label="mask value" if is_mask else "magnitude (dB)")
    return img


def peak_db(mag: np.ndarray) -> float:
    """The loudest cell of a magnitude spectrogram in dB (20·log10 max|X|): a shared colour top."""
    return float(20 * np.log10(np.max(np.abs(mag)) + 1e-10))


def players(clips: Mapping[str, np.ndarray], sr: int = audio.SR):
    """Audio players side by side, labelled: one ``<audio controls src="data:...">`` per clip.

    The WAV goes on the ``<audio>`` tag's own ``src``, not on a ``<source>`` child as
    ``IPython.display.Audio`` writes it: JupyterLab's sanitizer keeps ``src`` on ``<audio>`` but
    strips it from ``<source>`` in an untrusted notebook (one just cloned), where the players
    would otherwise be greyed out at 0:00. Each clip is scaled to a peak of 1.

    Raises:
        ValueError: no clip, or a clip that :func:`dl_helpers.audio.check_wave` refuses.
    """
    import html

    from IPython.display import HTML, Audio

    if not clips:
        raise ValueError("clips is empty; expected {label: waveform}")
    cells = []
    for name, clip in clips.items():
        y = audio.check_wave(clip, name)
        peak = np.max(np.abs(y)) or 1.0
        src = Audio(y / peak, rate=sr, normalize=False).src_attr()  # data:audio/wav;base64,...
        label = html.escape(str(name))
        cells.append(
            f"<td style='text-align:center'><b>{label}</b><br>"
            f'<audio controls preload="metadata" title="{label}" src="{src}"></audio></td>'
        )
    return HTML("<table><tr>" + "".join(cells) + "</tr></table>")
