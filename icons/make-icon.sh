#!/usr/bin/env bash
# Paydesk app icon: draws the 1024x1024 source with ImageMagick, then lets the Tauri CLI
# produce every size/format the bundle needs (32x32, 128x128, 128x128@2x, icon.icns,
# icon.ico, icon.png ...). Run from anywhere after `npm ci` in ui/.
# Needs real ImageMagick 6 (/usr/bin/convert; /usr/local/bin/convert may be a stand-in).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
CONVERT="${CONVERT:-/usr/bin/convert}"
[ -x "$CONVERT" ] || { echo "make-icon.sh: ImageMagick convert not found at $CONVERT" >&2; exit 1; }
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
S=1024

# 1. Rounded-square tile, diagonal teal -> indigo gradient, 64 px margin.
"$CONVERT" -size ${S}x${S} -define gradient:angle=135 gradient:'#0f766e-#312e81' "$tmp/grad.png"
"$CONVERT" -size ${S}x${S} xc:black -fill white -draw "roundrectangle 64,64 959,959 200,200" "$tmp/mask.png"
"$CONVERT" "$tmp/grad.png" "$tmp/mask.png" -alpha off -compose CopyOpacity -composite "$tmp/tile.png"

# 2. A white payment card, slightly tilted, with a magnetic stripe and two text lines,
#    and a drop shadow under it.
"$CONVERT" -size ${S}x${S} xc:none \
  -fill white -draw "translate 470,480 rotate -8 roundrectangle -290,-185 290,185 44,44" \
  -fill '#1e3a5f' -draw "translate 470,480 rotate -8 rectangle -290,-110 290,-40" \
  -fill '#94a3b8' -draw "translate 470,480 rotate -8 roundrectangle -240,30 -80,62 16,16" \
  -fill '#cbd5e1' -draw "translate 470,480 rotate -8 roundrectangle -240,95 20,127 16,16" \
  "$tmp/card.png"
"$CONVERT" "$tmp/card.png" \( +clone -background '#0b1020' -shadow 45x18+0+16 \) +swap \
  -background none -layers merge +repage -gravity northwest -crop ${S}x${S}+0+0 +repage "$tmp/card_shadow.png" || \
  cp "$tmp/card.png" "$tmp/card_shadow.png"

# 3. Green "paid" check badge with a white ring, bottom right.
"$CONVERT" -size ${S}x${S} xc:none \
  -fill white -draw "circle 724,704 724,530" \
  -fill '#16a34a' -draw "circle 724,704 724,552" \
  -fill none -stroke white -strokewidth 44 -draw "stroke-linecap round stroke-linejoin round polyline 648,708 702,762 800,650" \
  "$tmp/badge.png"

"$CONVERT" "$tmp/tile.png" "$tmp/card_shadow.png" -compose over -composite \
  "$tmp/badge.png" -compose over -composite "PNG32:$tmp/source.png"
cp "$tmp/source.png" "$here/source.png"

cd "$root/ui"
npx --yes @tauri-apps/cli@2.12.5 icon "$here/source.png" -o "$here" >/dev/null
# The CLI also writes mobile / Windows Store assets; the desktop bundle needs only these.
rm -rf "$here/android" "$here/ios" "$here"/Square*Logo.png "$here/StoreLogo.png"
ls -1 "$here"
