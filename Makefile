# Two entry points for a fresh machine: `make booklet` (set up, build) and `make test`.
# `make bench` measures build times against Pandoc + WeasyPrint (`make bench ARGS=--quick`).
PY := .venv/bin/python
STAMP := .venv/.setup-stamp

BENCH_STAMP := .venv/.bench-stamp

.PHONY: setup booklet test lint bench messages

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

# The engine's words: extract them into booklet/locales/booklet.pot, then merge new and changed
# ones into every language's booklet.po (translate them; `make test` fails until all are done).
messages: $(STAMP)
	.venv/bin/pybabel extract -F babel.cfg --no-location --sort-output --omit-header \
		-k label_text:2c,3 -o booklet/locales/booklet.pot .
	.venv/bin/pybabel update -D booklet -i booklet/locales/booklet.pot -d booklet/locales \
		--ignore-obsolete --ignore-pot-creation-date
