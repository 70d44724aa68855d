#!/usr/bin/env bash
# hyoka.svg → OUT/hyoka.ico (16, 32, 48, 256 px, each rendered from the SVG) and OUT/hyoka.png (256 px).
# Needs Debian's librsvg2-bin (rsvg-convert) and icoutils (icotool).
set -euo pipefail
OUT=${1:?usage: build_icon.sh OUTDIR}
SVG=$(dirname "$0")/hyoka.svg
mkdir -p "$OUT"
for s in 16 32 48 256; do rsvg-convert -w $s -h $s "$SVG" -o "$OUT/hyoka-$s.png"; done
icotool -c -o "$OUT/hyoka.ico" "$OUT"/hyoka-{16,32,48,256}.png
cp "$OUT/hyoka-256.png" "$OUT/hyoka.png"
