# Sourced by build.sh and test.sh. Wine prefixes live outside the source tree (a prefix's dosdevices/z: links
# to /, which setuptools would walk when it builds the wheel): $HYOKA_WINE_DIR/{build,test}.
# The wine-only stubs (wine-test/*.c) go into a prefix's System32 and nowhere else.
HYOKA_WINE_DIR=${HYOKA_WINE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/hyoka-wine}
export WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-"mscoree,mshtml="}   # no Mono/Gecko download dialogs

# Windows CPython under wine cannot write to a redirected *file* (init_sys_streams: WinError 6): pipe it.
# Once (in CI, on a new prefix) a process also died at start with that error although piped; it had run no
# Python code yet, so that failure, and only that one, is retried.
wine_run() {
  local out rc try
  out=$(mktemp)
  for try in 1 2 3; do
    wine "$@" </dev/null 2>&1 | cat > "$out"; rc=${PIPESTATUS[0]}
    [ "$rc" != 0 ] && [ "$(wc -l < "$out")" -lt 8 ] && grep -q "init_sys_streams" "$out" || break
    echo "wine_run: startup failed (init_sys_streams), retry $try" >&2; sleep 2
  done
  cat "$out"; rm -f "$out"
  return "$rc"
}

wine_prefix_with_stubs() {  # $1 = a folder for the prefix and the compiled stubs
  export WINEPREFIX=$1/wineprefix
  local here; here=$(dirname "${BASH_SOURCE[0]}")
  mkdir -p "$1"
  [ -f "$WINEPREFIX/system.reg" ] || { wineboot -i >/dev/null 2>&1 || true; wineserver -w; }
  mkdir -p "$1/stubs"
  local sys32=$WINEPREFIX/drive_c/windows/system32
  # icuuc.dll: Qt6Core imports 20 ucnv_* functions from Windows' own (10 1903+); wine 8 has none.
  if [ ! -f "$sys32/icuuc.dll" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -s -o "$1/stubs/icuuc.dll" "$here/wine-test/icuuc_stub.c"
    cp "$1/stubs/icuuc.dll" "$sys32/icuuc.dll"
  fi
  # mscms.dll: wine 8's WcsCreateIccProfile aborts; qwindows.dll calls it for a real window (used with mscms=n).
  if [ ! -f "$1/stubs/mscms.dll" ]; then
    x86_64-w64-mingw32-gcc -O2 -shared -s -o "$1/stubs/mscms.dll" "$here/wine-test/mscms_stub.c" -Wl,--kill-at
    cp "$1/stubs/mscms.dll" "$sys32/mscms.dll"
  fi
}
