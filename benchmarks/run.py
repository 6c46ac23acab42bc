"""Benchmarks: wall time and peak memory of every notebook, training throughput, and one
reference comparison. Writes ``benchmarks/results.md``. Nothing here is asserted in tests.

    python benchmarks/run.py                       # quick x3 and standard x1, all notebooks
    python benchmarks/run.py --profiles quick --repeats 5 --only 01 05
    python benchmarks/run.py --skip-notebooks      # only the MNIST comparison
    python benchmarks/run.py --only 03 --skip-reference   # re-measure 03, keep every other row
    python benchmarks/run.py --onednn              # oneDNN on vs off (benchmarks/onednn.py)
    python benchmarks/run.py --seeds 7 123 --only 03      # seed robustness (benchmarks/seeds.py)

Notebook runs go to ``build/bench/`` (the committed notebooks are not touched). Throughput comes
from those runs: ``$DLH_FIT_LOG`` makes every ``fit`` in the notebook log its model, batch size,
training samples and training seconds (``dl_helpers.throughput``), so it measures exactly the
models the notebooks train, first (tracing) epoch and validation passes left out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import onednn  # noqa: E402
import seeds  # noqa: E402
from sections import section, split_sections, write_section  # noqa: E402

from dl_helpers.config import PROFILES  # noqa: E402
from dl_helpers.throughput import FIT_LOG_ENV, read_fit_log  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "results.md"


def run_notebook(name: str, profile: str, fit_log: Path) -> tuple[float, float, bool]:
    """Execute one notebook in a child process; return (seconds, peak RSS in MB, whether it passed).

    Every ``fit`` of the run appends its throughput to ``fit_log``.
    """
    code = (
        "import resource, sys\n"
        "from dl_helpers import cli\n"
        f"status = cli.main(['run', '--profile', '{profile}', '--only', '{name}',"
        f" '--out', 'build/bench/{profile}'])\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print('PEAK_RSS_KB', rss)\n"
        "sys.exit(status)\n"
    )
    start = time.perf_counter()
    env = {**os.environ, FIT_LOG_ENV: str(fit_log)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env
    )
    seconds = time.perf_counter() - start
    match = re.search(r"PEAK_RSS_KB (\d+)", done.stdout)
    peak = int(match.group(1)) / 1024 if match else float("nan")
    if done.returncode != 0:  # a failed claim or an error: report it, keep benchmarking the rest
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
    return seconds, peak, done.returncode == 0


def throughput_rows(profile: str, name: str, records: list[dict]) -> list[str]:
    """One table row per model a notebook trains: median samples/s over its fits and repeats."""
    by_model: dict[tuple[str, int, int], list[dict]] = {}
    for r in records:
        by_model.setdefault((r["model"], r["params"], r["batch_size"]), []).append(r)
    rows = []
    for (model, params, batch), rs in by_model.items():
        note = (
            " (one-epoch fits: includes graph tracing)" if all(r["epochs"] == 1 for r in rs) else ""
        )
        note += "" if all(r["exact"] for r in rs) else " (batched input: steps x batch size)"
        rows.append(
            f"| {name} | {profile} | `{model}` | {params:,} | {batch} | "
            f"{spread([r['samples_per_s'] for r in rs])}{note} |"
        )
    return rows


def kept_rows(names: list[str], profiles: list[str], cells: int) -> list[str]:
    """Rows of the existing results file for (notebook, profile) pairs not re-run (``--only``)."""
    if not OUT.exists():
        return []
    rows = []
    for line in OUT.read_text().splitlines():
        match = re.match(r"\| (\d\d_\w+)[^|]*\| (\w+) \|", line)
        if not match or match.group(2) not in PROFILES:  # rows of other tables
            continue
        rerun = match.group(1) in names and match.group(2) in profiles
        if line.count("|") == cells + 1 and not rerun:
            rows.append(line)
    return rows


def old_reference() -> list[str]:
    """The reference section of the existing results file (kept by ``--skip-reference``)."""
    _, sections = split_sections(OUT.read_text() if OUT.exists() else "")
    found = [lines for title, lines in sections.items() if title.startswith("Time to 99%")]
    return [*found[0], ""] if found else []


def spread(values: list[float]) -> str:
    if len(values) == 1:
        return f"{values[0]:.1f}"
    median = statistics.median(values)
    return f"{median:.1f} (min {min(values):.1f}, max {max(values):.1f}, n={len(values)})"


def committed_runs() -> list[str]:
    """The standard-profile wall time of every committed notebook, from its results file.

    The committed notebooks are executed in the standard profile (``make notebooks``); each
    results file records its wall time and the machine (CPU, threads, oneDNN), so the table
    needs no new runs and always matches what the README shows.
    """
    rows = []
    for path in sorted((ROOT / "results" / "standard").glob("[0-9][0-9]_*.json")):
        record = json.loads(path.read_text())
        v = record.get("versions", {})
        rows.append(
            f"| {record['notebook']} | {record.get('wall_time_s', float('nan')):.0f} "
            f"| {v.get('onednn', '?')} | {v.get('cpus', '?')} x {v.get('cpu', '?')} "
            f"| {record.get('finished', '?')} |"
        )
    return [
        "## Standard profile: the committed runs",
        "",
        "Wall time of each committed notebook's standard run (`make notebooks`), read from "
        "`results/standard/*.json`: one run each, on the machine it names.",
        "",
        "| notebook | wall time (s) | oneDNN | CPU cores x model | run on |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]


def _time_to_99(build, fit_kwargs, max_epochs, x, y, xt, yt) -> tuple[int | None, float, float]:
    """Train one epoch at a time; (first epoch at >= 99% test accuracy, seconds, accuracy)."""
    model = build()
    elapsed, acc = 0.0, 0.0
    for epoch in range(1, max_epochs + 1):
        start = time.perf_counter()
        model.fit(x, y, epochs=1, verbose=0, **fit_kwargs)
        elapsed += time.perf_counter() - start
        acc = model.evaluate(xt, yt, verbose=0)[1]
        if acc >= 0.99:
            return epoch, elapsed, acc
    return None, elapsed, acc


def mnist_reference(n_seeds: int = 3) -> list[str]:
    """Time to 99% test accuracy: notebook 01's CNN vs keras-io's "simple MNIST convnet".

    Both train on the same 54,000 images (``data.mnist_split``), batch 128, one epoch at a time,
    and the test accuracy is read after every epoch: the bench measures, it chooses nothing.
    Each recipe runs ``n_seeds`` times; the table gives every run and the median time.
    """
    from dl_helpers import config, data, evidence, models, session

    session.quiet_logging()
    import keras
    from keras import layers

    (x, y), (xt, yt) = data.load_mnist()
    train, _ = data.mnist_split(y)
    x = (x[train].astype("float32") / 255)[..., None]
    y = y[train]
    xt = (xt.astype("float32") / 255)[..., None]
    epochs_01 = 8  # notebook 01's standard profile: cnn_epochs, cnn_batch, cnn_learning_rate

    def notebook_01():
        # notebook 01, section 1: batch norm, warm-up then cosine decay over all steps, batch 128
        model = models.build_mnist_cnn(filters=(16, 32), dense_units=64, batch_norm=True)
        steps = epochs_01 * int(np.ceil(len(x) / 128))
        schedule = keras.optimizers.schedules.CosineDecay(
            0.0, steps - steps // 5, warmup_target=3e-3, warmup_steps=steps // 5
        )
        model.compile(
            optimizer=keras.optimizers.Adam(schedule),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    def keras_io():
        # https://keras.io/examples/vision/mnist_convnet/ (34,826 parameters), Adam defaults
        model = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        return model

    recipes = (
        ("notebook 01 CNN (batch norm, warm-up + cosine, 8 epochs)", notebook_01, epochs_01),
        ("keras-io simple MNIST convnet", keras_io, 15),
    )
    rows, medians = [], {}
    for name, build, max_epochs in recipes:
        runs = []
        for seed in evidence.derive_seeds(0, n_seeds):
            config.seed_everything(seed)
            runs.append(_time_to_99(build, {"batch_size": 128}, max_epochs, x, y, xt, yt))
        times = [t for epoch, t, _ in runs if epoch is not None]
        medians[name] = statistics.median(times) if len(times) == len(runs) else None
        each = "; ".join(
            f"epoch {e}, {t:.0f} s, {a:.4f}" if e else f"not in {max_epochs} epochs ({a:.4f})"
            for e, t, a in runs
        )
        median = f"{medians[name]:.0f} s" if medians[name] is not None else "not reached"
        rows.append(f"| {name} | {build().count_params():,} | {each} | {median} |")
    fast, reference = (medians[name] for name, _, _ in recipes)
    ratio = f"{fast / reference:.2f}" if fast and reference else "n/a"
    return [
        "## Time to 99% MNIST test accuracy (same data, same machine, same process)",
        "",
        "Training on the 54,000 images of `data.mnist_split`, batch 128, test accuracy read "
        f"after every epoch (the bench measures, it chooses nothing); {n_seeds} seeds each.",
        "",
        "| model | parameters | each seed: first epoch at >= 99%, seconds, test accuracy "
        "| median time |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
        f"Notebook 01's time over keras-io's (medians): **{ratio}**.",
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--profiles", nargs="+", default=["quick", "standard"])
    parser.add_argument(
        "--repeats", type=int, default=None, help="runs per notebook (default: quick 3, standard 1)"
    )
    parser.add_argument("--only", nargs="*", help="notebook name filters, e.g. 01 05")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--skip-reference", action="store_true")
    parser.add_argument(
        "--onednn", action="store_true", help="only measure oneDNN on vs off (its own section)"
    )
    parser.add_argument(
        "--seeds",
        nargs="+",
        type=int,
        help="only run the --only notebooks' standard profile at these setup seeds",
    )
    parser.add_argument(
        "--reuse-seed-runs",
        action="store_true",
        help="with --seeds: keep a seed's results file in build/bench/seeds/ that is newer than "
        "its notebook instead of running it again",
    )
    args = parser.parse_args()
    if args.onednn:
        write_section(onednn.TITLE, onednn.rows())
        print(f"wrote the '{onednn.TITLE}' section of {OUT.relative_to(ROOT)}")
        return 0
    if args.seeds:
        from dl_helpers.cli import notebooks

        paths = notebooks(ROOT, args.only)
        write_section(
            seeds.TITLE,
            seeds.section(paths, args.seeds, section(seeds.TITLE), reuse=args.reuse_seed_runs),
        )
        print(f"wrote the '{seeds.TITLE}' section of {OUT.relative_to(ROOT)}")
        return 0

    import keras
    import tensorflow as tf

    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` on {time.strftime('%Y-%m-%d')}: {os.cpu_count()} CPU cores "
        f"({platform.processor() or platform.machine()}), "
        f"GPU: {len(tf.config.list_physical_devices('GPU')) or 'none'}; "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, "
        f"Keras {keras.__version__}.",
        "Medians over repeated runs, with the spread. "
        "Numbers are this machine's; tests never assert them.",
        "",
    ]
    if not args.skip_notebooks:
        from dl_helpers.cli import notebooks

        names = [p.stem for p in notebooks(ROOT, args.only)]
        lines += [
            "## Notebooks",
            "",
            "Each run is a fresh kernel executing the notebook top to bottom "
            "(`python -m dl_helpers.cli run`), so wall time includes imports and data loading.",
            "",
            "| notebook | profile | wall time (s) | peak memory (MB) |",
            "| --- | --- | --- | --- |",
        ]
        tput_lines = [
            "## Training throughput",
            "",
            "Training samples per second of every model the notebooks train, measured inside "
            "the runs above (median over fits and repeats; first epoch of each fit and "
            "validation excluded).",
            "",
            "| notebook | profile | model | parameters | batch | samples/s |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        log_dir = ROOT / "build" / "bench" / "fit-logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        head = len(lines)  # rows of this run start here
        for profile in args.profiles:
            repeats = args.repeats or (3 if profile == "quick" else 1)
            for name in names:
                times, peaks, records, failed = [], [], [], 0
                for k in range(repeats):
                    fit_log = log_dir / f"{profile}-{name}-{k}.jsonl"
                    fit_log.unlink(missing_ok=True)
                    seconds, peak, passed = run_notebook(name, profile, fit_log)
                    failed += not passed
                    times.append(seconds)
                    peaks.append(peak)
                    if fit_log.exists():
                        records += read_fit_log(fit_log)
                    print(
                        f"{profile} {name}: {seconds:.0f} s, {peak:.0f} MB"
                        f"{'' if passed else ', FAILED'}",
                        flush=True,
                    )
                note = f" ({failed} of {repeats} runs failed)" if failed else ""
                lines.append(f"| {name}{note} | {profile} | {spread(times)} | {spread(peaks)} |")
                tput_lines += throughput_rows(profile, name, records)
        # keep the rows of (notebook, profile) pairs not re-run now, in profile then notebook order
        order = {p: k for k, p in enumerate(["standard", "quick", "full"])}
        key = lambda row: (order.get(row.split("|")[2].strip(), 9), row.split("|")[1].strip())  # noqa: E731
        tput_head = tput_lines[:6]
        lines = lines[:head] + sorted(lines[head:] + kept_rows(names, args.profiles, 4), key=key)
        tput_lines = tput_head + sorted(
            tput_lines[6:] + kept_rows(names, args.profiles, 6), key=key
        )
        lines += ["", *tput_lines, ""]
    _, previous = split_sections(OUT.read_text() if OUT.exists() else "")
    if args.skip_notebooks:  # keep the notebook tables of the last full run
        lines += [*previous.get("Notebooks", []), *previous.get("Training throughput", [])]
    lines += old_reference() if args.skip_reference else mnist_reference()
    lines += committed_runs()
    for title, kept in previous.items():  # sections made by other options or by hand stay
        made_here = ("Notebooks", "Training throughput", "Standard profile: the committed runs")
        if title not in made_here and not title.startswith("Time to"):
            lines += kept
    OUT.write_text("\n".join(lines).rstrip("\n") + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
