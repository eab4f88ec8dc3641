# The two commands of the README: `make demo` and `make test`. Both set everything up first.
.PHONY: setup demo test lint typecheck pytest

export OMP_THREAD_LIMIT := 1
VENV := .venv/bin

setup:
	bash scripts/setup.sh

demo: setup
	bash scripts/demo.sh

lint: setup
	$(VENV)/ruff check src service tests benchmarks
	$(VENV)/ruff format --check src service tests benchmarks

typecheck: setup
	$(VENV)/mypy --strict src/docscreen service

pytest: setup
	$(VENV)/python -m pytest -q

test: setup lint typecheck pytest
