# The two set-up commands (see README):
#   make site   installs everything and builds dist/ from content/
#   make test   installs everything and runs every test
# Both work on a fresh machine with Python 3.11, Node 20 and npm; `make test` also installs Debian's
# Chromium, Firefox ESR, WebKitGTK's WebDriver, Xvfb and PulseAudio with apt-get when they are missing
# (the browser tests drive the three engines headless, with a null sink for their audio).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: site test lint unit install install-test serve clean bench bench-station quality screenshots

site: install
	$(BIN)/build-site $(ARGS)

# Linters first (fast, and they name the line), then the JavaScript unit tests (node, no browser),
# then pytest (Python, the builds and the browser tests).
test: install-test lint unit
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	npx --no-install eslint .

# The page's JavaScript unit tests, here and only here: pytest does not run them again.
unit: install
	node --test tests/js/

serve:
	$(BIN)/python -m builder.serve

# In-browser generation speed, first-note latency and tensor leaks, as one JSON object (docs/BENCHMARKS.md).
bench: install-test
	$(BIN)/python -m bench.generation $(ARGS)

# The station (issue 19) on the real site: planning speed side by side with today's 8-bar pieces,
# the next tune's margin, two hours of station at a fast tempo (heap, tensors, audio nodes) and the
# planned tunes' keys, forms and repeats, as one JSON object (docs/BENCHMARKS.md); about 10 minutes.
# ARGS="--hours 0.5" shortens the live run.
bench-station: install-test
	$(BIN)/python -m bench.station $(ARGS)

# axe-core and Lighthouse on the built site (dist/; run `make site` first), as one JSON object
# (docs/BENCHMARKS.md). ARGS="--runs 3" takes the median of three Lighthouse runs.
quality: install-test
	$(BIN)/python -m bench.quality $(ARGS)

# The README's screenshots, from the real page playing (ARGS="--site dist" skips the build).
screenshots: install-test
	$(BIN)/python -m scripts.screenshots $(ARGS)

install: $(VENV)/.installed node_modules/.package-lock.json

install-test: install $(VENV)/.installed-test
	scripts/install-browsers.sh

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

clean:
	rm -rf dist $(VENV) node_modules
