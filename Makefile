# Deep Learning Projects: every target sets up .venv itself, so each works from a bare clone.
#   make run      execute all notebooks headless (PROFILE=quick|standard|full) and print results
#   make test     unit tests + nbval over the notebooks in the quick profile (what CI runs)
#   make lab      JupyterLab on notebooks/ with the project's kernel
#   make notebooks  re-execute the committed notebooks in place (standard profile)
#   make report   regenerate the README results table from results/standard/
#   make bench    timing, memory and throughput benchmarks -> benchmarks/results.md (BENCH_ARGS="--only 01")
#   make lint     ruff check + ruff format --check over the package, tests, benchmarks and notebooks
#   make sync     bring each notebook (solutions too) and its py:percent twin (NN_name.py) in step

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PROFILE ?= $(or $(DLH_PROFILE),standard)
STAMP := $(VENV)/.installed-stamp
KERNEL := deep-learning-projects
PYTEST_NB := --nbval-lax --nbval-current-env --nbval-cell-timeout=900

.PHONY: run test unit lab notebooks report bench lint sync clean

# On Linux x86-64 the venv gets the exact versions of requirements.lock (what the committed
# notebooks ran with; regenerate: see the README), then this package without dependencies.
# Elsewhere the lock's wheels may not exist: pip resolves pyproject.toml's ranges instead.
LOCK := $(if $(filter Linux-x86_64,$(shell uname -s)-$(shell uname -m)),requirements.lock,)

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(if $(LOCK),$(PY) -m pip install --quiet -r $(LOCK) && $(PY) -m pip install --quiet --no-deps -e .,$(PY) -m pip install --quiet -e '.[dev]')
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m dl_helpers.cli run --profile $(PROFILE) --out build/$(PROFILE)

# the quick runs' results files go to a temporary folder: tests never write into the repository
test: lint
	results=$$(mktemp -d); \
	  DLH_RESULTS_DIR=$$results DLH_PROFILE=quick $(PY) -m pytest -p no:cacheprovider tests \
	    $(wildcard notebooks) $(PYTEST_NB); \
	  status=$$?; rm -rf $$results; \
	  if [ $$status -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$status

unit: $(STAMP)
	$(PY) -m pytest tests

lab: $(STAMP)
	$(PY) -m ipykernel install --user --name $(KERNEL) --display-name "Python ($(KERNEL))"
	$(VENV)/bin/jupyter lab notebooks/

notebooks: $(STAMP)
	$(PY) -m dl_helpers.cli run --profile standard --in-place
	$(PY) -m dl_helpers.cli report

report: $(STAMP)
	$(PY) -m dl_helpers.cli report

bench: $(STAMP)
	$(PY) benchmarks/run.py $(BENCH_ARGS)

LINTED := dl_helpers tests benchmarks notebooks tools

lint: $(STAMP)
	$(VENV)/bin/ruff check $(LINTED)
	$(VENV)/bin/ruff format --check $(LINTED)

sync: $(STAMP)
	$(VENV)/bin/jupytext --sync notebooks/[0-9][0-9]_*.ipynb notebooks/solutions/[0-9][0-9]_*.ipynb

clean:
	rm -rf build results/quick
