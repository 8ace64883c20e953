#!/usr/bin/env bash
# Put Gradient Studio in the desktop's application menu, with its icon.
#
#   packaging/linux/install.sh [--prefix DIR] [--exec COMMAND]
#
# Installs the desktop entry, the AppStream metainfo and the icon (every PNG size and the
# SVG) under DIR/share, in the freedesktop layout distribution packages use. DIR defaults to
# ~/.local (just this user); /usr/local or a package's staging root work too. --exec sets the
# entry's command, for a gradient-studio that is not on PATH (a venv, an unpacked bundle):
#   packaging/linux/install.sh --exec "$PWD/.venv/bin/gradient-studio"
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
APP_ID=io.github.gradientstudio.GradientStudio
PREFIX="$HOME/.local"
EXEC=""
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --exec) EXEC="$2"; shift 2 ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
SHARE="$PREFIX/share"

install -Dm644 "$HERE/$APP_ID.desktop" "$SHARE/applications/$APP_ID.desktop"
if [ -n "$EXEC" ]; then
  sed -i "s|^Exec=.*|Exec=\"$EXEC\"|" "$SHARE/applications/$APP_ID.desktop"
fi
install -Dm644 "$HERE/$APP_ID.metainfo.xml" "$SHARE/metainfo/$APP_ID.metainfo.xml"
for png in "$ROOT"/gradient_studio/resources/icons/gradient-studio-*.png; do
  size="${png##*-}"
  size="${size%.png}"
  install -Dm644 "$png" "$SHARE/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
install -Dm644 "$ROOT/resources/icon/gradient-studio.svg" "$SHARE/icons/hicolor/scalable/apps/$APP_ID.svg"

# For this user, refresh the caches so the menu shows the entry at once; for a package's root,
# that is the package manager's job (and its cache files must not ship).
if [ "$PREFIX" = "$HOME/.local" ]; then
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$SHARE/applications" || true
  command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -qt "$SHARE/icons/hicolor" || true
fi
echo "installed $APP_ID under $SHARE"
