"""Deep Learning Projects helpers: data, profiles, models, training, analysis, audio, plotting.

Modules:
    config   - profiles (quick / standard / full), seeding, notebook setup
    data     - MNIST, CIFAR-10 and FSDD loaders with offline copies, cache and pinned downloads
    results  - the claims a notebook checks, results files and tables
    cli      - what the Makefile runs (execute notebooks, tables, README report)
"""

__version__ = "0.1.0"

#: Where Colab installs this package from. The one place to change for a fork.
REPO_URL = "https://github.com/deep-learning-projects/deep-learning-projects"
