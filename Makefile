# The two commands a newcomer needs: `make run` (the hub on its embedded defaults)
# and `make test` (the whole test suite on real servers).
VENV ?= .venv
PYTHON ?= python3

.PHONY: run test lint bench clean

run: $(VENV)/.installed-run
	$(VENV)/bin/crmhub run

test:
	bash scripts/test.sh

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

$(VENV)/.installed-run: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
