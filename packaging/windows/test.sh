#!/usr/bin/env bash
# Smoke test of the Windows installers under wine (test prefix with the wine-only stubs; Xvfb for the window).
# For each of setup.exe and the MSI: install the same build labelled older over a database of the oldest
# schema, upgrade to the real one, run the installed hyoka-cli.exe and a real qwindows window, uninstall.
# Usage: packaging/windows/test.sh NEW-setup.exe OLD-setup.exe NEW.msi OLD.msi
set -uo pipefail
SETUP=$(realpath "$1"); SETUP_OLD=$(realpath "$2"); MSI=$(realpath "$3"); MSI_OLD=$(realpath "$4")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
source "$ROOT/packaging/smoke.sh"
source "$ROOT/packaging/windows/wine.sh"
T=$ROOT/build/windows-test; rm -rf "$T"; mkdir -p "$T"
WT=$HYOKA_WINE_DIR/test; rm -rf "$WT"
wine_prefix_with_stubs "$WT"     # a fresh test prefix: the wine-only stubs live in its System32, nowhere else
trap 'wineserver -k 2>/dev/null' EXIT
wine_restart() { wineserver -k 2>/dev/null; wineserver -w 2>/dev/null; }
winpath() { echo "Z:$(realpath -m "$1" | tr / '\\')"; }
U=$WINEPREFIX/drive_c/users/$(whoami)
IDIR=$U/AppData/Local/Programs/hyoka; I='C:\users\'"$(whoami)"'\AppData\Local\Programs\hyoka'
DBDIR=$U/AppData/Local/hyoka; DB=$DBDIR/hyoka.sqlite3
MENU=$U/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs
cli() { wine_run "$I\\hyoka-cli.exe" "$@"; }
uninstall_key() { wine reg query 'HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\hyoka' </dev/null 2>/dev/null | cat | grep DisplayName; }

install() {  # install PKG
  case "$1" in
    *.msi) wine_run msiexec /i "$(winpath "$1")" /qn >/dev/null ;;
    *.exe) wine_run "$(winpath "$1")" /S >/dev/null; local rc=$?; wineserver -w; return $rc ;;
  esac
}
uninstall() {  # uninstall PKG
  case "$1" in
    *.msi) wine_run msiexec /x "$(winpath "$1")" /qn >/dev/null ;;
    *.exe) wine_run "$I\\uninstall.exe" /S >/dev/null; local rc=$?; wineserver -w; return $rc ;;
  esac
}
no_stubs() {  # no wine-only stub in the installed tree: by name, and by content
  [ -z "$(find "$IDIR" -iname icuuc.dll -o -iname mscms.dll)" ] || return 1
  local stub_sums; stub_sums=$(sha256sum "$WT/stubs/icuuc.dll" "$WT/stubs/mscms.dll" | cut -d' ' -f1)
  ! find "$IDIR" -iname "*.dll" -exec sha256sum {} + | cut -d' ' -f1 | grep -qxF "$stub_sums"
}

run_kind() {  # run_kind LABEL NEW OLD
  local kind=$1 new=$2 old=$3
  section "$kind: install $(basename "$old") over an existing database (oldest schema), then upgrade"
  rm -rf "$DBDIR"; mkdir -p "$DBDIR"; cp "$ROOT/tests/fixtures/hyoka-schema-oldest.sqlite3" "$DB"
  local before; before=$(sha256sum < "$DB")
  timed "$kind silent install (wine)" install "$old"; check "$kind: older build installed" test -f "$IDIR/hyoka-cli.exe"
  timed "$kind silent upgrade install (wine)" install "$new"; check "$kind: upgraded build installed" test -f "$IDIR/hyoka-cli.exe"
  check "$kind: database untouched by install + upgrade" test "$(sha256sum < "$DB")" = "$before"
  [ "$kind" = NSIS ] && check "NSIS: uninstaller registered in HKCU with the new version" \
    sh -c "wine reg query 'HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\hyoka' /v DisplayVersion </dev/null 2>/dev/null | cat | grep -q '$(basename "$new" | cut -d- -f2)'"
  check "$kind: Start-menu shortcut" test -n "$(find "$MENU" -iname '*.lnk' 2>/dev/null)"
  check "$kind: no wine-only stub (icuuc.dll, mscms.dll) installed" no_stubs
  echo "installed tree ($kind): $(du -sm "$IDIR" | cut -f1) MB, $(find "$IDIR" -type f | wc -l) files"

  section "$kind: installed hyoka-cli.exe"
  timed "$kind first start: hyoka-cli list on the upgraded database" check "$kind: existing sheets listed" \
    sh -c "wine '$I\\hyoka-cli.exe' list </dev/null 2>&1 | cat | grep -q 'mofa-r01'"
  check "$kind: first start migrated the old database after backing it up" sh -c "ls '$DBDIR'/backups/*-migration.sqlite3"
  timed "$kind hyoka-cli validate demo" check_rc 0 "$kind: validate demo file" \
    cli validate "$I\\_internal\\desktop\\data\\demo\\000_iom_r01.json"
  echo '{"format": "nope", "schema_version": 2, "values": {}}' > "$T/broken.json"
  local out; out=$(cli --lang en validate "$(winpath "$T/broken.json")" 2>&1); local rc=$?
  echo "  output: $out"
  if [ "$rc" = 2 ] && echo "$out" | grep -q "Unknown format"; then pass "$kind: validate broken file (exit 2, message)"
  else fail "$kind: validate broken file (exit $rc, expected 2 with a message)"; fi
  timed "$kind hyoka-cli pdf --demo" check_rc 0 "$kind: pdf --demo" cli pdf --demo -o "$(winpath "$T/demo-$kind.pdf")"
  check_pdf "$T/demo-$kind.pdf" "$T/native.pdf"

  section "$kind: a real window (qwindows on Xvfb, test-only mscms stub)"
  # each window in a fresh wine session: a wine desktop process left from an earlier X server shows nothing
  wine_restart
  gui_window "$kind, ja_JP.UTF-8" "$T/window-$kind-ja.png" env LANG=ja_JP.UTF-8 LC_ALL= \
    WINEDLLOVERRIDES="mscoree,mshtml=;mscms=n" wine "$I\\hyoka.exe" gui --db "$(winpath "$T/gui-$kind-ja.sqlite3")"
  wine_restart
  gui_window "$kind, default locale" "$T/window-$kind-default.png" env -u LANG -u LC_ALL \
    WINEDLLOVERRIDES="mscoree,mshtml=;mscms=n" wine "$I\\hyoka.exe" gui --db "$(winpath "$T/gui-$kind-default.sqlite3")"

  wine_restart

  section "$kind: uninstall"
  timed "$kind silent uninstall (wine)" uninstall "$new"
  check "$kind: program folder gone" test ! -e "$IDIR"
  check "$kind: shortcuts gone" test -z "$(find "$MENU" -iname '*.lnk' 2>/dev/null)"
  [ "$kind" = NSIS ] && check "NSIS: uninstall key gone" test -z "$(uninstall_key)"
  check "$kind: database kept" test -s "$DB"
  check "$kind: database still opens with its sheets" sh -c \
    "'$ROOT/.venv/bin/hyoka' list --db '$DB' | grep -q mofa-r01"
}

ensure_locale ja_JP.UTF-8
run_kind NSIS "$SETUP" "$SETUP_OLD"
run_kind MSI "$MSI" "$MSI_OLD"
finish windows
