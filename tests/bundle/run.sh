#!/usr/bin/env bash
# The installable packages, as a user meets them: builds them with .ci/bundle (the release
# profile, for time: the packaging is the same as the shipped dist build's), checks the .deb's
# metadata and desktop entry, installs it with apt (which checks its declared dependencies),
# opens the installed `paydesk` in the real window under Xvfb and makes a demo sale, purges
# it; then opens the AppImage the same way with APPIMAGE_EXTRACT_AND_RUN=1 (no FUSE here).
# Needs root (or sudo) for apt.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../.ci/setup.sh"

packages="$(mktemp)"
bash "$REPO/.ci/bundle" --profile release | tee "$packages"
deb="$(sed -n 's/^{"name": "[^"]*\.deb", "path": "\([^"]*\)".*/\1/p' "$packages")"
appimage="$(sed -n 's/^{"name": "[^"]*\.AppImage", "path": "\([^"]*\)".*/\1/p' "$packages")"
[ -f "$deb" ] && [ -f "$appimage" ] || die "bundle: .ci/bundle did not print a .deb and an AppImage"

say "bundle: the .deb's metadata"
package="$(dpkg-deb -f "$deb" Package)"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "package $package, depends: $depends"
for needed in libwebkit2gtk-4.1-0 libgtk-3-0; do
  [[ "$depends" == *"$needed"* ]] || die "bundle: the .deb does not declare $needed"
done
contents="$(dpkg-deb -c "$deb")"
for path in usr/bin/paydesk usr/bin/paydesk-window; do
  grep -Eq " (\./)?$path\$" <<<"$contents" || die "bundle: the .deb has no /$path"
done

say "bundle: the desktop entry"
unpacked="$(mktemp -d)"
dpkg-deb -x "$deb" "$unpacked"
desktop="$(find "$unpacked/usr/share/applications" -name '*.desktop')"
[ "$(wc -l <<<"$desktop")" = 1 ] && [ -f "$desktop" ] || die "bundle: expected one desktop entry, found: $desktop"
cat "$desktop"
desktop-file-validate "$desktop" || die "bundle: desktop-file-validate refuses $(basename "$desktop")"
grep -qx 'Exec=paydesk-window' "$desktop" || die "bundle: the desktop entry does not start paydesk-window"
grep -q '^Categories=.*Finance;' "$desktop" || die "bundle: the desktop entry's categories lack Finance"
icon="$(sed -n 's/^Icon=//p' "$desktop")"
for size in 32x32 128x128; do
  [ -f "$unpacked/usr/share/icons/hicolor/$size/apps/$icon.png" ] || die "bundle: no $size icon named $icon"
done
rm -rf "$unpacked"

purge() { as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$package" >/dev/null 2>&1 || true; }
trap purge EXIT
purge
say "bundle: apt-get install $deb"
# apt wants a path with a slash to take a file rather than a package name.
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=900 "$(realpath "$deb")" \
  || die "bundle: apt-get install of the .deb failed"
[ "$(command -v paydesk)" = /usr/bin/paydesk ] || die "bundle: paydesk is not on PATH at /usr/bin after installing"
paydesk --version

say "bundle: the installed app, in the real window"
PAYDESK_BIN=/usr/bin/paydesk PAYDESK_EXPECT_EXE='^/usr/bin/paydesk-window$' PAYDESK_E2E_SCRIPT="$here/open.mjs" \
  bash "$REPO/tests/e2e/run.sh" deb || die "bundle: the installed .deb did not open and sell"

say "bundle: apt-get purge $package"
as_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$package" || die "bundle: apt-get purge failed"
[ ! -e /usr/bin/paydesk ] && [ ! -e /usr/bin/paydesk-window ] || die "bundle: purge left the binaries in /usr/bin"
trap - EXIT

say "bundle: the AppImage, in the real window"
"$appimage" --appimage-version 2>&1 | head -n1 || true
PAYDESK_BIN="$appimage" APPIMAGE_EXTRACT_AND_RUN=1 PAYDESK_EXPECT_EXE='/appimage_extracted_[^/]+/usr/bin/paydesk-window$' \
  PAYDESK_E2E_SCRIPT="$here/open.mjs" bash "$REPO/tests/e2e/run.sh" appimage || die "bundle: the AppImage did not open and sell"
say "bundle: passed ($(basename "$deb") $(stat -c %s "$deb") bytes, $(basename "$appimage") $(stat -c %s "$appimage") bytes)"
