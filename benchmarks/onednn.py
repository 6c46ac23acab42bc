"""oneDNN on vs off: training throughput of two of the notebooks' kinds of model, and whether
two runs with op determinism are bit-identical. Writes its section of ``results.md``.

    python benchmarks/run.py --onednn

Each measurement is a fresh process (TensorFlow reads ``TF_ENABLE_ONEDNN_OPTS`` once, at import),
alternating off, on, off, on, ... so that a drift in the machine's speed hits both settings:

* notebook 01's MNIST CNN (``models.build_mnist_cnn``) on 20,000 MNIST training images, batch 128;
* a BiLSTM(128) masker over 100 x 129 frames, batch 32, the shape of notebook 03's inputs
  (random inputs: throughput does not depend on the values).

One warm-up epoch (graph tracing) is not timed; then two timed epochs each.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TITLE = "oneDNN on vs off"

CHILD = r"""
import hashlib, json, os, sys, time
import numpy as np
from dl_helpers import config, data, models, session
session.quiet_logging()
import keras
from keras import layers
out = {}
(x, y), _ = data.load_mnist()
x = (x[:20000].astype("float32") / 255)[..., None]
y = y[:20000]
config.seed_everything(0)
cnn = models.build_mnist_cnn()
cnn.compile("adam", "sparse_categorical_crossentropy")
cnn.fit(x, y, batch_size=128, epochs=1, verbose=0)
start = time.perf_counter()
cnn.fit(x, y, batch_size=128, epochs=2, verbose=0)
out["cnn"] = 2 * len(x) / (time.perf_counter() - start)
out["cnn_weights"] = hashlib.sha256(b"".join(w.tobytes() for w in cnn.get_weights())).hexdigest()
config.seed_everything(0)
seqs = np.random.default_rng(0).standard_normal((512, 100, 129)).astype("float32")
inp = keras.Input((100, 129))
h = layers.Bidirectional(layers.LSTM(128, return_sequences=True))(inp)
lstm = keras.Model(inp, layers.Dense(129, activation="sigmoid")(h))
lstm.compile("adam", "mse")
lstm.fit(seqs, seqs * 0 + 0.5, batch_size=32, epochs=1, verbose=0)
start = time.perf_counter()
lstm.fit(seqs, seqs * 0 + 0.5, batch_size=32, epochs=2, verbose=0)
out["bilstm"] = 2 * len(seqs) / (time.perf_counter() - start)
print("RESULT", json.dumps(out))
"""


def measure(onednn: bool) -> dict:
    """One fresh process with oneDNN on or off; its throughputs and the CNN's weight hash."""
    env = {**os.environ, "TF_ENABLE_ONEDNN_OPTS": "1" if onednn else "0"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD], cwd=ROOT, env=env, capture_output=True, text=True
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(
        f"oneDNN benchmark child failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    )


def rows(repeats: int = 3) -> list[str]:
    """The section's lines: medians (and spread) per setting, the ratio, the determinism check."""
    runs: dict[bool, list[dict]] = {False: [], True: []}
    for _ in range(repeats):
        for onednn in (False, True):
            runs[onednn].append(measure(onednn))
            print(f"oneDNN {'on' if onednn else 'off'}: {runs[onednn][-1]}", flush=True)
    lines = [
        "",
        f"Fresh processes alternating off/on, {repeats} each; samples/s of the training steps "
        "(median, min-max). See `benchmarks/onednn.py` for the models.",
        "",
        "| model | oneDNN off | oneDNN on | on / off (median of pairs) |",
        "| --- | --- | --- | --- |",
    ]
    for key, name in (
        ("cnn", "notebook 01 MNIST CNN, batch 128"),
        ("bilstm", "BiLSTM(128), 100 x 129 frames, batch 32"),
    ):
        off = [r[key] for r in runs[False]]
        on = [r[key] for r in runs[True]]
        ratio = statistics.median(b / a for a, b in zip(off, on))
        lines.append(f"| {name} | {_spread(off)} | {_spread(on)} | {ratio:.2f}x |")
    hashes = {r["cnn_weights"] for r in runs[True]}
    lines += [
        "",
        f"With `enable_op_determinism()` and oneDNN on, the CNN's weights after training were "
        f"{'bit-identical in all' if len(hashes) == 1 else 'DIFFERENT between the'} "
        f"{len(runs[True])} runs (sha256 of the weights).",
        "",
    ]
    return lines


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}-{max(values):,.0f})"
