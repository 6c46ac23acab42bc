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
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import onednn  # noqa: E402
import seeds  # noqa: E402
from sections import section, split_sections, write_section  # noqa: E402

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
        rerun = match and match.group(1) in names and match.group(2) in profiles
        if match and line.count("|") == cells + 1 and not rerun:
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


def mnist_reference() -> list[str]:
    """Time to 99% test accuracy: notebook 01's CNN vs keras-io's "simple MNIST convnet"."""

    from dl_helpers import config, data, models, session

    session.quiet_logging()
    import keras
    from keras import layers

    (x, y), (xt, yt) = data.load_mnist()
    x = (x.astype("float32") / 255)[..., None]
    xt = (xt.astype("float32") / 255)[..., None]

    def keras_io():
        # https://keras.io/examples/vision/mnist_convnet/ (34,826 parameters)
        return keras.Sequential(
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

    rows = []
    for name, build, batch, epochs in (
        (
            "notebook 01 CNN (16/32 filters, dense 64), batch 128",
            lambda: models.build_mnist_cnn(),
            128,
            15,
        ),
        ("keras-io simple MNIST convnet, batch 128", keras_io, 128, 15),
    ):
        config.seed_everything(0)
        model = build()
        model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
        elapsed, reached, acc = 0.0, None, 0.0
        for epoch in range(1, epochs + 1):
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0, validation_split=0.1)
            elapsed += time.perf_counter() - start
            acc = model.evaluate(xt, yt, verbose=0)[1]
            if acc >= 0.99 and reached is None:
                reached = (epoch, elapsed)
                break
        when = (
            f"epoch {reached[0]}, {reached[1]:.0f} s"
            if reached
            else f"not within {epochs} epochs ({elapsed:.0f} s)"
        )
        rows.append(f"| {name} | {model.count_params():,} | {when} | {acc:.4f} |")
    return [
        "## Time to 99% MNIST test accuracy (same data, same machine, same process)",
        "",
        "Training on 54,000 images (validation_split=0.1), "
        "test accuracy checked after every epoch.",
        "",
        "| model | parameters | first epoch at >= 99% test accuracy | test accuracy then |",
        "| --- | --- | --- | --- |",
        *rows,
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
    args = parser.parse_args()
    if args.onednn:
        write_section(onednn.TITLE, onednn.rows())
        print(f"wrote the '{onednn.TITLE}' section of {OUT.relative_to(ROOT)}")
        return 0
    if args.seeds:
        from dl_helpers.cli import notebooks

        paths = notebooks(ROOT, args.only)
        write_section(seeds.TITLE, seeds.section(paths, args.seeds, section(seeds.TITLE)))
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
    lines += old_reference() if args.skip_reference else mnist_reference()
    _, previous = split_sections(OUT.read_text() if OUT.exists() else "")
    for title, kept in previous.items():  # sections made by other options or by hand stay
        if title not in ("Notebooks", "Training throughput") and not title.startswith("Time to"):
            lines += kept
    OUT.write_text("\n".join(lines).rstrip("\n") + "\n")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
