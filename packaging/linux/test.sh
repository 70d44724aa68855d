#!/usr/bin/env bash
# Smoke test of the .deb as installed (root; Debian 12): upgrade over the same build labelled older,
# CLI, PDF, a real xcb window on Xvfb under ja_JP.UTF-8 and the default locale, removal.
# Usage: packaging/linux/test.sh dist/hyoka_X_amd64.deb build/linux/hyoka_OLDER_amd64.deb
set -uo pipefail
DEB=$(realpath "$1"); OLD=$(realpath "$2")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/packaging/smoke.sh"
T=$ROOT/build/linux-test; rm -rf "$T"; mkdir -p "$T/home"
export HOME=$T/home XDG_DATA_HOME= XDG_CONFIG_HOME=   # the officer's profile: DB in ~/.local/share/hyoka
DB=$HOME/.local/share/hyoka/hyoka.sqlite3
[ "$(id -u)" = 0 ] || { echo "test-dist (linux): needs root for dpkg -i" >&2; exit 1; }
dpkg -s hyoka >/dev/null 2>&1 && dpkg -r hyoka >/dev/null

section "install the older-labelled build, with an existing database of the oldest schema"
mkdir -p "$(dirname "$DB")"; cp "$ROOT/tests/fixtures/hyoka-schema-oldest.sqlite3" "$DB"
before=$(sha256sum < "$DB")
install_deb() { dpkg -i "$1" >/dev/null 2>"$T/dpkg.err" || { apt-get install -f -y -qq >/dev/null 2>&1 && dpkg -i "$1" >/dev/null; }; }
timed "install $(basename "$OLD") (dpkg -i)" install_deb "$OLD"
check "older build installed" dpkg-query -W -f '${Version}' hyoka
check "database untouched by installing" test "$(sha256sum < "$DB")" = "$before"

section "upgrade: dpkg -i the new build over it"
timed "upgrade to $(basename "$DEB") (dpkg -i)" install_deb "$DEB"
check "new build installed ($(dpkg-query -W -f '${Version}' hyoka))" test "$(dpkg-query -W -f '${Version}' hyoka)" = "$(basename "$DEB" | cut -d_ -f2)"
check "database untouched by upgrading" test "$(sha256sum < "$DB")" = "$before"
echo "installed tree: $(du -sm /opt/hyoka | cut -f1) MB; package Installed-Size $(dpkg-query -W -f '${Installed-Size}' hyoka) KB"
check "desktop entry valid" desktop-file-validate /usr/share/applications/hyoka.desktop
check "icon installed" test -f /usr/share/icons/hicolor/256x256/apps/hyoka.png
check "xcb libraries in Depends" sh -c "dpkg-query -W -f '\${Depends}' hyoka | grep -q 'libxcb-cursor0.*libxcb-icccm4.*libxcb-keysyms1'"

section "command line (installed)"
DEMO=/opt/hyoka/_internal/desktop/data/demo/000_iom_r01.json
timed "first start: hyoka list on the existing database" check "existing sheets listed" sh -c "hyoka list | grep -q ."
check "first start migrated the old database after backing it up" sh -c "ls '$(dirname "$DB")'/backups/*-migration.sqlite3"
after_start=$(sha256sum < "$DB")
timed "hyoka validate demo" check_rc 0 "validate demo file" hyoka validate "$DEMO"
echo '{"format": "nope", "schema_version": 2, "values": {}}' > "$T/broken.json"
check_rc 2 "validate broken file" hyoka validate "$T/broken.json"
check "broken file: one-line message" sh -c "hyoka --lang en validate '$T/broken.json' 2>&1 | grep -q 'Unknown format'"
timed "hyoka pdf --demo" check_rc 0 "pdf --demo" hyoka pdf --demo -o "$T/demo.pdf"
check_pdf "$T/demo.pdf" "$T/native.pdf"

section "real window (xcb on Xvfb)"
ensure_locale ja_JP.UTF-8
gui_window "ja_JP.UTF-8" "$T/window-linux-ja.png" \
  env -u LC_ALL LANG=ja_JP.UTF-8 QT_QPA_PLATFORM=xcb hyoka gui --db "$T/gui-ja.sqlite3"
gui_window "default locale" "$T/window-linux-default.png" \
  env -u LC_ALL -u LANG QT_QPA_PLATFORM=xcb hyoka gui --db "$T/gui-default.sqlite3"

section "remove"
timed "dpkg -r hyoka" dpkg -r hyoka >/dev/null
check "program folder gone" test ! -e /opt/hyoka
check "launcher gone" test ! -e /usr/bin/hyoka
check "desktop entry gone" test ! -e /usr/share/applications/hyoka.desktop
check "database kept (untouched by removing)" test "$(sha256sum < "$DB")" = "$after_start"
finish linux
