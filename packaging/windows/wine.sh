# Sourced by build.sh and test.sh: one wine prefix under build/windows/ for building and testing.
# The wine-only stubs (wine-test/*.c) go into that prefix's System32 and nowhere else.
export WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES=${WINEDLLOVERRIDES:-"mscoree,mshtml="}   # no Mono/Gecko download dialogs

# Windows CPython under wine cannot write to a redirected *file* (init_sys_streams: WinError 6): pipe it.
wine_run() { wine "$@" </dev/null 2>&1 | cat; return "${PIPESTATUS[0]}"; }

wine_prefix_with_stubs() {  # $1 = build/windows
  export WINEPREFIX=$1/wineprefix
  local here; here=$(dirname "${BASH_SOURCE[0]}")
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
