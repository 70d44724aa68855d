#!/usr/bin/env bash
# Install the built wheel (not editable) into a fresh venv and run the installed CLI from outside the
# checkout: formats, demo sheets, fonts and the English catalog must all come from the wheel.
# Usage: packaging/test_wheel.sh dist/hyoka-X.Y.Z-py3-none-any.whl
set -euo pipefail
WHEEL=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "test-wheel: FAIL: $*" >&2; exit 1; }

"$PYTHON" -m venv "$T/venv"
"$T/venv/bin/pip" install -q --disable-pip-version-check "$WHEEL" 2>&1 | { grep -v "^WARNING: Location" || true; }
H="$T/venv/bin/hyoka"
cd "$T"   # nothing from the checkout on sys.path
"$T/venv/bin/python" - <<'PY' || fail "data not inside the installed package"
from desktop.core import resources
root = resources.packaged_root()
assert root is not None and "site-packages" in str(root), root
for kind in resources.KINDS:
    assert any(resources.resource_dir(kind).iterdir()), kind
assert not list(root.rglob("*.po")), "catalog sources shipped"
print("wheel data:", root)
PY
demo=$("$T/venv/bin/python" -c "from desktop.core.interchange import demo_files; print(demo_files()[0])")
"$H" validate "$demo" || fail "validate demo: exit $?"
echo '{"format": "nope", "schema_version": 2}' > bad.json
set +e; "$H" --lang en validate bad.json 2> err.txt; rc=$?; set -e
[ "$rc" = 2 ] || fail "validate broken file: exit $rc, expected 2"
[ "$(wc -l < err.txt)" = 1 ] || fail "broken file: expected one line, got: $(cat err.txt)"
grep -q "Unknown format" err.txt || fail "English message expected: $(cat err.txt)"
echo "broken file (exit 2): $(cat err.txt)"
"$H" pdf --demo -o demo.pdf || fail "pdf --demo: exit $?"
pages=$(pdfinfo demo.pdf | awk '/^Pages:/ {print $2}')
[ "${pages:-0}" -gt 0 ] || fail "demo.pdf has no pages"
if pdffonts demo.pdf | tail -n +3 | awk '{print $(NF-4)}' | grep -qv yes; then fail "fonts not embedded"; fi
# no format at all: one line, exit 2
mkdir empty
set +e; HYOKA_DATA_DIR="$T/empty" "$H" validate "$demo" 2> err2.txt; rc=$?; set -e
[ "$rc" = 2 ] && [ "$(wc -l < err2.txt)" = 1 ] || fail "no-format case: exit $rc: $(cat err2.txt)"
echo "test-wheel: OK ($(basename "$WHEEL"): validate, broken file, pdf --demo $pages pages with embedded fonts, no-format message)"
