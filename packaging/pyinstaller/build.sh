#!/usr/bin/env bash
# Build the standalone one-folder app: dist/gradient-studio/gradient-studio.
#
#   packaging/pyinstaller/build.sh [WHEEL_OR_PROJECT]
#
# Installs Gradient Studio (the given wheel, or this checkout) and PyInstaller into a venv of
# their own (build/pyinstaller-venv, or $GRADIENT_STUDIO_PYINSTALLER_VENV), never into the
# project's .venv, then runs the spec beside this script. Run it from anywhere.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SOURCE="${1:-$ROOT}"
VENV="${GRADIENT_STUDIO_PYINSTALLER_VENV:-$ROOT/build/pyinstaller-venv}"
PYTHON="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --force-reinstall --no-deps "$SOURCE"
"$VENV/bin/pip" install -q "$SOURCE" "pyinstaller>=6.10,<7"
"$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$ROOT/build/pyinstaller" \
  "$ROOT/packaging/pyinstaller/gradient-studio.spec"
echo "built $ROOT/dist/gradient-studio ($(du -sh "$ROOT/dist/gradient-studio" | cut -f1))"
