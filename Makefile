# Two entry points for a fresh machine: `make booklet` (set up, build) and `make test`.
# `make bench` measures build times against Pandoc + WeasyPrint (`make bench ARGS=--quick`).
PY := .venv/bin/python
STAMP := .venv/.setup-stamp

BENCH_STAMP := .venv/.bench-stamp

.PHONY: setup booklet test lint bench

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

booklet: $(STAMP)
	$(PY) build.py

test: $(STAMP)
	$(PY) -m pytest -q

lint: $(STAMP)
	.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

$(BENCH_STAMP): $(STAMP) pyproject.toml
	.venv/bin/pip install -q -e ".[bench]"
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(PY) benchmarks/run.py $(ARGS)
