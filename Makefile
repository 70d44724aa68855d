# Two commands on a fresh machine:  `make run`  and  `make test`.
# Both create .venv and install what they need (system packages via apt-get when root).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Qt's xcb platform plugin aborts with a misleading message without these (the .deb depends on the same)
XCB_PACKAGES := libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1
SYSTEM_PACKAGES := poppler-utils libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 $(XCB_PACKAGES)

.PHONY: run test lint bench system-deps clean wheel test-wheel dist dist-linux dist-windows dist-tools test-dist

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
	@for b in benchmarks/bench_pdf.py benchmarks/bench_gui.py benchmarks/bench_import.py benchmarks/bench_office.py benchmarks/bench_pages.py; do [ -f $$b ] && QT_QPA_PLATFORM=offscreen $(BIN)/python $$b || true; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist

# ---------------------------------------------------------------- installers (packaging/README.md)
VERSION     := $(shell sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)
OLD_VERSION := 0.0.1
WHEEL       := dist/hyoka-$(VERSION)-py3-none-any.whl
DIST_TOOLS  := wine wine64 nsis wixl gcc-mingw-w64-x86-64-win32 osslsigncode librsvg2-bin icoutils \
               xvfb xauth xdotool imagemagick desktop-file-utils locales bc time poppler-utils openssl unzip

dist-tools:
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES="$(DIST_TOOLS) $(XCB_PACKAGES)"

wheel: $(STAMP)
	rm -rf build/lib dist/hyoka-*.whl
	$(BIN)/pip wheel --quiet --no-deps . -w dist
	@ls -l $(WHEEL)

test-wheel: wheel
	packaging/test_wheel.sh $(WHEEL)

dist-linux: dist-tools wheel
	PYTHON=$(PYTHON) packaging/linux/build.sh $(WHEEL)

dist-windows: dist-tools wheel
	PIP=$(BIN)/pip packaging/windows/build.sh $(WHEEL)

dist: dist-linux dist-windows

# Smoke tests of all three installers (root: dpkg -i). Also builds each installer relabelled $(OLD_VERSION)
# from the same build, to test the upgrade, and signs the Windows ones with a throwaway certificate.
TESTCERT := build/testcert
test-dist: dist-tools test-wheel
	PYTHON=$(PYTHON) packaging/linux/build.sh $(WHEEL)
	OUT=build/linux DEB_VERSION=$(OLD_VERSION) DEB_COMPRESS="-Zzstd -z3" REUSE_ONEDIR=1 packaging/linux/build.sh $(WHEEL)
	packaging/linux/test.sh dist/hyoka_$(VERSION)_amd64.deb build/linux/hyoka_$(OLD_VERSION)_amd64.deb
	mkdir -p $(TESTCERT) && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=hyoka test signing (throwaway)" \
	  -keyout $(TESTCERT)/key.pem -out $(TESTCERT)/cert.pem 2>/dev/null
	SIGN_CERT=$(TESTCERT)/cert.pem SIGN_KEY=$(TESTCERT)/key.pem PIP=$(BIN)/pip packaging/windows/build.sh $(WHEEL)
	OUT=build/windows/old INSTALLER_VERSION=$(OLD_VERSION) REUSE_ONEDIR=1 SIGN_CERT=$(TESTCERT)/cert.pem \
	  SIGN_KEY=$(TESTCERT)/key.pem PIP=$(BIN)/pip packaging/windows/build.sh $(WHEEL)
	for f in dist/hyoka-$(VERSION)-setup.exe dist/hyoka-$(VERSION)-x64.msi build/windows/dist/hyoka/hyoka.exe \
	         build/windows/dist/hyoka/hyoka-cli.exe; do \
	  osslsigncode verify -CAfile $(TESTCERT)/cert.pem -in $$f >/dev/null || { echo "signature check failed: $$f"; exit 1; }; \
	  echo "signature ok: $$f"; done
	packaging/windows/test.sh dist/hyoka-$(VERSION)-setup.exe build/windows/old/hyoka-$(OLD_VERSION)-setup.exe \
	  dist/hyoka-$(VERSION)-x64.msi build/windows/old/hyoka-$(OLD_VERSION)-x64.msi
