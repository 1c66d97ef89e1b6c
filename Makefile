# vidlab: `make demo` runs the foundations curriculum on a fresh synthetic dataset;
# `make test` runs the test suite. Both bootstrap .venv from requirements/lock.txt.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
TINY := datasets/synthetic/tiny
DEMO_DATA := datasets/synthetic/demo
DEMO_SEED ?= 2026
DEMO_RUN := runs/foundations

.PHONY: demo test test-all lint bench lab lock clean help

help:
	@echo "make demo   generate a dataset and run curricula/foundations.yml (HTML course page)"
	@echo "make test   run the tests (pytest, doctests, nbval, terminology), slow tests excluded"
	@echo "make lab    open JupyterLab on the lessons"
	@echo "make lint   ruff;  make bench   benchmarks;  make test-all   include slow tests"

$(INSTALLED): pyproject.toml requirements/lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		--constraint requirements/lock.txt --editable '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name vidlab --display-name "Python (vidlab)" >/dev/null
	@touch $@

$(TINY)/dataset.json: $(INSTALLED)
	$(BIN)/vidlab data generate --preset tiny --seed 0 --out $(TINY) --force

demo: $(INSTALLED)
	$(BIN)/vidlab data generate --preset course --seed $(DEMO_SEED) --out $(DEMO_DATA) --force \
		--jobs 2
	$(BIN)/vidlab course run curricula/foundations.yml --out $(DEMO_RUN) --jobs 2 \
		-p dataset=$(DEMO_DATA) -p seed=$(DEMO_SEED)
	@echo
	@echo "Course page: $(abspath $(DEMO_RUN))/index.html"
	@echo "Open the lessons yourself with: make lab"

test: $(INSTALLED) $(TINY)/dataset.json
	$(BIN)/python -m pytest -m "not slow" --doctest-modules --nbval-lax tests lib notebooks

test-all: $(INSTALLED) $(TINY)/dataset.json
	$(BIN)/python -m pytest --doctest-modules --nbval-lax tests lib notebooks

lint: $(INSTALLED)
	$(BIN)/ruff check lib tests benchmarks

bench: $(INSTALLED)
	$(BIN)/python benchmarks/bench_hash.py
	$(BIN)/python benchmarks/bench_perceptual.py
	$(BIN)/python benchmarks/bench_pdq.py
	$(BIN)/python benchmarks/bench_index.py

lab: $(INSTALLED) $(TINY)/dataset.json
	$(BIN)/jupyter lab notebooks

# Refresh the pins after changing pyproject.toml (then update environment.yml to match).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet '.[dev]'
	.lock-venv/bin/pip freeze --exclude vidlab > requirements/lock.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) runs $(TINY) $(DEMO_DATA)
