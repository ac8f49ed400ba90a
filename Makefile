# Two entry points for a fresh machine: `make booklet` (set up, build) and `make test`.
PY := .venv/bin/python
STAMP := .venv/.setup-stamp

.PHONY: setup booklet test lint

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
