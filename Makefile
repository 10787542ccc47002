# Two commands do all set-up on a fresh machine:
#   make run    create .venv, install, run the whole pipeline (demo data if no sources are configured)
#   make test   create .venv, install, run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster

.PHONY: install run test ui clean

$(BIN)/steward: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e '.[dev]'
	@touch $@

install: $(BIN)/steward

run: install
	$(BIN)/steward run

test: install
	$(BIN)/ruff check --select F,E9 steward assets pipelines tests benchmarks
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n 2 --dist loadfile

ui: install
	$(BIN)/dagster dev -w workspace.yaml

clean:
	rm -rf $(VENV) data .dagster reports
