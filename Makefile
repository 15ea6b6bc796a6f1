# Two commands matter: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
export TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint typecheck bench eval venv migrate worker clean browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/treehole migrate

run: venv
	$(BIN)/treehole serve

worker: venv
	$(BIN)/treehole worker

# Debian's chromium for the real-browser tests; never a browser download.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium (need root and Debian's archive)"; exit 1; }; }

lint: venv
	$(BIN)/ruff check app federation tests migrations bench eval vulture_whitelist.py
	$(BIN)/ruff format --check app federation tests migrations bench eval vulture_whitelist.py
	$(BIN)/mypy --strict app federation eval
	$(BIN)/vulture

# The suite runs in parallel processes (pytest-xdist): one more than the cores, at least three,
# since most of a test's time is spent waiting on servers it started. Each process has its own
# databases and ports. `make test PYTEST_ARGS=...` replaces this, e.g. "-n0 tests/unit" for one.
TEST_PROCESSES ?= $(shell n=$$(nproc 2>/dev/null || echo 2); echo $$(( n < 2 ? 3 : n + 1 )))
PYTEST_ARGS ?= -n $(TEST_PROCESSES) --dist worksteal

test: venv browser lint
	$(BIN)/pytest $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench.run

# Moderation over the labelled corpus (eval/README.md); EVAL_ARGS e.g. "--part dev --misses".
eval: venv
	$(BIN)/python -m eval.run $(EVAL_ARGS)

clean:
	rm -rf $(VENV) data
