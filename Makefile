# regtrack: `make run` sets everything up and serves the product; `make test` runs every test.
SHELL := /bin/bash
PY ?= python3
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
export UV_PYTHON ?= 3.11
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false
export DO_NOT_TRACK ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint format setup serve ingest-samples clean

$(UV):
	@command -v uv >/dev/null 2>&1 || $(PY) -m pip install --user --quiet uv || $(PY) -m pip install --quiet uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	@touch $@

setup: .venv/.synced

run: setup
	$(UV) run regtrack db upgrade
	$(UV) run regtrack run --host $(HOST) --port $(PORT)

test: setup
	$(UV) run pytest -n 2 --dist loadfile

bench: setup
	@command -v wrk >/dev/null 2>&1 || apt-get install -y -qq wrk >/dev/null 2>&1 \
		|| echo "wrk could not be installed (apt-get install wrk): bench_web will report an error"
	$(UV) run python -m benchmarks

lint: setup
	$(UV) run ruff format --check .
	$(UV) run ruff check .
	$(UV) run mypy

format: setup
	$(UV) run ruff format .
	$(UV) run ruff check --fix .

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
