"""Deep Learning Projects helpers: data, profiles, models, training, analysis, audio, plotting.

Modules:
    config       - profiles (quick / standard / full), seeding, notebook setup
    data         - MNIST, CIFAR-10 and FSDD loaders with offline copies, cache and pinned downloads
    results      - the claims a notebook checks, results files and tables
    models       - Keras builders reused across notebooks (MNIST CNN, MLP) and the stop_at callback
    analysis     - layer activations, linear and random-unit probes, gradient norms, 2-D maps
    images       - images as sequences of patches (notebook 05)
    audio        - STFT, SNR / SI-SDR, noise, noisy/clean pairs, spectrogram plots, players
    denoising    - notebook 03/04's shared splits, length-bucketed batches and evaluation
    verification - pairs, EER and model cost measurements (notebook 06)
    plotting     - image grids, learning curves, confusion matrices, scatter panels
    throughput   - training samples/s of every `fit`, logged when $DLH_FIT_LOG is set (benchmarks)
    cli          - what the Makefile runs (execute notebooks, tables, README report, set-repo-url)
"""

__version__ = "0.1.0"

#: Where Colab installs this package from. The one place to change for a fork.
REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
