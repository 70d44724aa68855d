#!/usr/bin/env bash
# Linux: the wheel → PyInstaller onedir (build/linux/dist/hyoka) → dist/hyoka_VERSION_amd64.deb (Debian 12).
# Usage: packaging/linux/build.sh dist/hyoka-X.Y.Z-py3-none-any.whl   [env DEB_VERSION=… to relabel the package]
set -euo pipefail
WHEEL=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P=$ROOT/packaging; B=$ROOT/build/linux; OUT=$(realpath -m "${OUT:-$ROOT/dist}")
PYTHON=${PYTHON:-python3}
VERSION=$(basename "$WHEEL" | cut -d- -f2); DEB_VERSION=${DEB_VERSION:-$VERSION}
# Qt's xcb platform plugin needs these at run time (the wheel does not bundle them); `make run` installs the same.
XCB_DEPENDS="libxcb-cursor0, libxcb-icccm4, libxcb-keysyms1, libxcb-shape0, libxcb-randr0, libxcb-render-util0, libxcb-image0, libxcb-xkb1, libxkbcommon-x11-0"
DEPENDS="libc6 (>= 2.34), libegl1, libgl1, libfontconfig1, libfreetype6, libdbus-1-3, libxkbcommon0, $XCB_DEPENDS"
t0=$(date +%s)
mkdir -p "$B" "$OUT"

echo "== tools"; "$PYTHON" --version
dpkg-query -W -f '${Package} ${Version}\n' dpkg-dev librsvg2-bin icoutils 2>/dev/null || true

if [ ! -f "$B/venv/.wheel" ] || [ "$(cat "$B/venv/.wheel")" != "$(sha256sum < "$WHEEL")" ]; then
  echo "== venv: the wheel + PyInstaller"
  rm -rf "$B/venv"; "$PYTHON" -m venv "$B/venv"
  "$B/venv/bin/pip" install -q --disable-pip-version-check "$WHEEL" -r "$P/linux/requirements-build.txt" 2>&1 | { grep -v "^WARNING: Location" || true; }
  sha256sum < "$WHEEL" > "$B/venv/.wheel"
fi

if [ "${REUSE_ONEDIR:-0}" != 1 ] || [ ! -x "$B/dist/hyoka/hyoka" ]; then
  echo "== PyInstaller onedir"
  rm -rf "$B/dist" "$B/work"
  (cd "$B" && venv/bin/pyinstaller --noconfirm --log-level WARN --distpath "$B/dist" --workpath "$B/work" "$P/hyoka.spec")
fi
"$B/dist/hyoka/hyoka" --help >/dev/null
t1=$(date +%s); echo "onedir: $((t1 - t0)) s"

echo "== .deb"
"$P/icon/build_icon.sh" "$B/icon"
R=$B/debroot; rm -rf "$R"
mkdir -p "$R/DEBIAN" "$R/opt" "$R/usr/bin" "$R/usr/share/applications" "$R/usr/share/doc/hyoka"
cp -a "$B/dist/hyoka" "$R/opt/hyoka"
cat > "$R/usr/bin/hyoka" <<'SH'
#!/bin/sh
# Qt and Python want a UTF-8 locale; give one when none is set.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in *UTF-8*|*utf8*|*UTF8*|*utf-8*) ;; *) export LC_CTYPE=C.UTF-8 ;; esac
exec /opt/hyoka/hyoka "$@"
SH
chmod 755 "$R/usr/bin/hyoka"
install -m 644 "$P/linux/hyoka.desktop" "$R/usr/share/applications/hyoka.desktop"
for s in 16 32 48 256; do
  install -D -m 644 "$B/icon/hyoka-$s.png" "$R/usr/share/icons/hicolor/${s}x${s}/apps/hyoka.png"
done
install -D -m 644 "$P/icon/hyoka.svg" "$R/usr/share/icons/hicolor/scalable/apps/hyoka.svg"
cp "$ROOT"/resources/fonts/*LICENSE* "$R/usr/share/doc/hyoka/"
cat > "$R/DEBIAN/control" <<CTL
Package: hyoka
Version: $DEB_VERSION
Architecture: amd64
Maintainer: hyoka maintainers <hyoka@localhost>
Installed-Size: $(du -sk "$R" | cut -f1)
Depends: $DEPENDS
Section: misc
Priority: optional
Description: 評価シート editor and printer (offline)
 Desktop editor and PDF printer for the MOFA evaluation sheets of contributions
 to international organizations. The database stays in ~/.local/share/hyoka.
CTL
find "$R" -type d -exec chmod 755 {} +
DEB=$OUT/hyoka_${DEB_VERSION}_amd64.deb
# xz for the package people get; DEB_COMPRESS="-Zzstd -z9" is 10x faster (used for the test-only relabelled build)
dpkg-deb --root-owner-group ${DEB_COMPRESS:--Zxz -z6} --build "$R" "$DEB" >/dev/null
rm -rf "$R"
t2=$(date +%s)
echo "deb: $((t2 - t1)) s"
echo "SIZE onedir (installed tree): $(du -sm "$B/dist/hyoka" | cut -f1) MB, $(find "$B/dist/hyoka" -type f | wc -l) files"
echo "SIZE $(basename "$DEB"): $(( $(stat -c %s "$DEB") / 1024 / 1024 )) MB"
echo "dist-linux: $((t2 - t0)) s"
