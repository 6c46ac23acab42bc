"""Deep Learning Projects helpers: the plumbing under the six notebooks.

One concern per module. Data flows one way: a module imports only modules listed above it in
its own group or in an earlier group, never one below it.

Foundation
    paths          - where the repository is (``repo_root``)
    checks         - argument checks that name the argument and what was expected
    config         - profiles (quick / standard / full) and seeding
    throughput     - training samples/s of every ``fit``, when $DLH_FIT_LOG is set (benchmarks)
    reuse          - a solutions notebook runs its main notebook's own definitions
                     (``from_notebook``: functions, the profile table), nothing copied
    session        - one notebook run: ``setup_notebook`` (profile field, determinism mode,
                     GPU strategy), quiet logs, library versions, run clock, data sources
Data
    data           - loaders (a package): ``cards``, ``fetch`` (find, download, verify, write
                     safely), ``vision`` (MNIST, CIFAR-10), ``speech`` (FSDD and its split),
                     ``splits`` (stratified subsets, validation splits, speaker folds,
                     ``assert_disjoint``); re-exported as ``data.load_mnist()`` etc.
Signals and images
    audio          - signal processing for 8 kHz speech: STFT, inverse STFT, log-mel
    speech_metrics - SNR, SI-SDR, log-spectral distance
    noise          - coloured noise, hum, babble, mixing at an SNR
    images         - images as sequences of patches (notebook 05)
Experiments
    denoising      - notebooks 03/04 (a package): ``dataset``, ``batches``, ``evaluation``
    models         - Keras builders reused across notebooks, the ``stop_at`` and ``EpochLog``
                     callbacks, ``summary_table``
    analysis       - layer activations, linear and random-unit probes, gradient norms, 2-D maps
    evidence       - repeated seeded runs, paired differences, 95% intervals, paired bootstrap
    verification   - trial pairs, equal error rate, thresholds (notebook 06)
    model_cost     - bytes on disk and seconds per forward pass of a model
Output
    plotting       - every shared figure: image grids, curves, confusion matrices, scatter
                     panels, spectrograms, audio players
    results        - claims, results files (write and read), tables
    cli            - what the Makefile runs (execute notebooks, tables, README report)
"""

__version__ = "0.1.0"

#: Where Colab installs this package from. The one place to change for a fork.
REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
