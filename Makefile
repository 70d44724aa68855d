# Two commands on a fresh machine:  `make run`  and  `make test`.
# Both create .venv and install what they need (system packages via apt-get when root).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SYSTEM_PACKAGES := poppler-utils libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3

.PHONY: run test lint bench system-deps clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "please install:$$missing (tests that need them will fail)"; fi; \
	fi

run: system-deps $(STAMP)
	$(BIN)/hyoka gui

test: system-deps $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy --strict desktop/core desktop/pdf
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_core.py
	@for b in benchmarks/bench_pdf.py benchmarks/bench_gui.py benchmarks/bench_import.py benchmarks/bench_office.py; do [ -f $$b ] && QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || true; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
