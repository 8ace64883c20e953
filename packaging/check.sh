#!/usr/bin/env bash
# Check everything packaging promises, the way a person installing Gradient Studio meets it.
#
#   packaging/check.sh [--no-desktop] [--no-wheel] [--no-pyinstaller]
#
#   desktop      desktop-file-validate and appstreamcli on packaging/linux/ (apt-get installs
#                them when missing), and the metainfo release = gradient_studio.__version__
#   wheel        python -m build (sdist, then the wheel from it) in a venv of its own; the
#                icons inside the wheel; the wheel in a fresh venv: --version, render to CSV,
#                PNG, SVG and GIF, the icons through
#                importlib.resources, the PNGs current with their SVGs, and the window
#                opening offscreen with its icon
#   pyinstaller  the one-folder app (packaging/pyinstaller/build.sh, from the wheel just
#                built): --version, render, the window as above; its size
#
# Scratch files go to build/packaging-check/ (or $GRADIENT_STUDIO_CHECK_DIR); the app to
# dist/gradient-studio/. Each step prints its time; the last lines sum them up.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${GRADIENT_STUDIO_CHECK_DIR:-$ROOT/build/packaging-check}"
PYTHON="${PYTHON:-python3}"
export PIP_DISABLE_PIP_VERSION_CHECK=1 QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.qpa.*=false"

do_desktop=1 do_wheel=1 do_pyinstaller=1
for arg in "$@"; do
  case "$arg" in
    --no-desktop) do_desktop=0 ;;
    --no-wheel) do_wheel=0 ;;
    --no-pyinstaller) do_pyinstaller=0 ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "check.sh: unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done

VERSION="$("$PYTHON" -c "import re, sys; print(re.search(r'__version__ = \"(.+)\"', open(sys.argv[1]).read())[1])" "$ROOT/gradient_studio/__init__.py")"
APP_ID=io.github.gradientstudio.GradientStudio
SUMMARY=()

step() {  # step NAME COMMAND...: run one part, print and remember how long it took
  local name="$1" start end
  shift
  echo "==> $name"
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  SUMMARY+=("$(awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "%-24s %6.1f s", n, e - s }')")
  echo "    ${SUMMARY[-1]}"
}

pip_install() {  # pip_install VENV ARGS...: quietly, without this machine's find-links noise
  local venv="$1"
  shift
  "$venv/bin/pip" install -q "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

fail() { echo "check.sh: FAILED: $*" >&2; exit 1; }

# --- desktop ------------------------------------------------------------------------------
desktop() {
  if ! command -v desktop-file-validate >/dev/null || ! command -v appstreamcli >/dev/null; then
    apt-get update -qq && apt-get install -y -qq desktop-file-utils appstream >/dev/null
  fi
  desktop-file-validate "$ROOT/packaging/linux/$APP_ID.desktop"
  appstreamcli validate --no-net --explain "$ROOT/packaging/linux/$APP_ID.metainfo.xml"
  local release
  release="$("$PYTHON" -c "import sys, xml.etree.ElementTree as ET; print(ET.parse(sys.argv[1]).getroot().find('releases/release').get('version'))" "$ROOT/packaging/linux/$APP_ID.metainfo.xml")"
  [ "$release" = "$VERSION" ] || fail "metainfo's newest release is $release, gradient_studio.__version__ is $VERSION"
  echo "    metainfo release $release = gradient_studio.__version__"
}

# --- wheel --------------------------------------------------------------------------------
build_dists() {
  rm -rf "$WORK/dist" "$WORK/tools"
  "$PYTHON" -m venv "$WORK/tools"
  pip_install "$WORK/tools" "build>=1.2"
  "$WORK/tools/bin/python" -m build --outdir "$WORK/dist" "$ROOT" > "$WORK/build.log" 2>&1 \
    || { cat "$WORK/build.log"; fail "python -m build"; }
  WHEEL="$(ls "$WORK"/dist/gradient_studio-"$VERSION"-py3-none-any.whl)"
  SDIST="$(ls "$WORK"/dist/gradient_studio-"$VERSION".tar.gz)"
  "$PYTHON" - "$WHEEL" "$SDIST" <<'EOF'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
sizes = (16, 24, 32, 48, 64, 128, 256, 512)
in_wheel = set(zipfile.ZipFile(wheel).namelist())
icons = {f"gradient_studio/resources/icons/gradient-studio-{s}.png" for s in sizes}
missing = sorted(icons - in_wheel)
if missing:
    sys.exit(f"check.sh: FAILED: the wheel lacks {missing}")
in_sdist = {n.split("/", 1)[1] for n in tarfile.open(sdist).getnames() if "/" in n}
wanted = icons | {"resources/icon/gradient-studio.svg", "packaging/render_icons.py",
                  "packaging/linux/io.github.gradientstudio.GradientStudio.desktop"}
missing = sorted(wanted - in_sdist)
if missing:
    sys.exit(f"check.sh: FAILED: the sdist lacks {missing}")
print(f"    wheel: {len(in_wheel)} files, all {len(sizes)} icons; sdist: {len(in_sdist)} files")
EOF
}

# The app's --version and render, run from outside the source tree. $1 runs the app.
exercise() {
  local app="$1" out="$2"
  rm -rf "$out" && mkdir -p "$out"
  (
    cd "$out"
    [ "$($app --version)" = "gradient-studio $VERSION" ] || fail "$app --version"
    $app render --preset rosenbrock --out race.csv
    head -1 race.csv | grep -q '^optimizer,' || fail "race.csv has no header"
    echo "    render --out race.csv: $(wc -l < race.csv) lines"
    $app render --preset rosenbrock --out race.png
    "$PYTHON" -c "import sys, struct; d = open('race.png', 'rb').read(24); assert d[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'; print('    render --out race.png: %dx%d PNG' % struct.unpack('>II', d[16:24]))"
    # SVG and GIF take other paths (pyqtgraph's SVG exporter, Pillow): the bundle needs both.
    $app render --preset rosenbrock --out race.svg
    $app render --preset rosenbrock --frames 5 --out race.gif
    grep -q '<svg' race.svg && head -c 6 race.gif | grep -q GIF8 || fail "race.svg or race.gif"
    echo "    render --out race.svg, race.gif: written"
  )
}

window() {  # window REPORT COMMAND...: the window opens offscreen with the app icon
  local report="$1"
  shift
  rm -f "$report"
  (cd "$WORK" && timeout 120 "$@" > /dev/null) || fail "the window ($*) exited with an error"
  "$PYTHON" "$ROOT/packaging/window_check.py" --verify "$report"
}

wheel_venv() {
  local venv="$WORK/wheel-venv"
  rm -rf "$venv"
  "$PYTHON" -m venv "$venv"
  pip_install "$venv" "$WHEEL"
  exercise "$venv/bin/gradient-studio" "$WORK/run-wheel"
  # The icons come from the installed package through importlib.resources, not the checkout.
  (cd "$WORK" && "$venv/bin/python" - "$ROOT" <<'EOF'
import sys
from pathlib import Path
from PIL import Image
import gradient_studio
from gradient_studio.resources import icon_paths
checkout = Path(sys.argv[1]).resolve() / "gradient_studio"
for size, path in icon_paths().items():
    assert not path.resolve().is_relative_to(checkout), f"{path} is in the checkout"
    assert Image.open(path).size == (size, size), path
print(f"    importlib.resources: {len(icon_paths())} icons in {Path(gradient_studio.__file__).parent}")
EOF
  )
  "$venv/bin/python" "$ROOT/packaging/render_icons.py" --check
  window "$WORK/window-wheel.json" "$venv/bin/python" "$ROOT/packaging/window_check.py" "$WORK/window-wheel.json"
}

# --- pyinstaller --------------------------------------------------------------------------
pyinstaller_build() {
  rm -rf "$WORK/pyinstaller-venv"
  GRADIENT_STUDIO_PYINSTALLER_VENV="$WORK/pyinstaller-venv" \
    "$ROOT/packaging/pyinstaller/build.sh" "${WHEEL:-$ROOT}" > "$WORK/pyinstaller.log" 2>&1 \
    || { grep -v "is ignored" "$WORK/pyinstaller.log"; fail "PyInstaller build"; }
  tail -1 "$WORK/pyinstaller.log"
}

pyinstaller_run() {
  local app="$ROOT/dist/gradient-studio/gradient-studio"
  exercise "$app" "$WORK/run-bundle"
  window "$WORK/window-bundle.json" env GRADIENT_STUDIO_WINDOW_CHECK="$WORK/window-bundle.json" "$app"
  BUNDLE_SIZE="$(du -sh "$ROOT/dist/gradient-studio" | cut -f1)"
  echo "    bundle size: $BUNDLE_SIZE (du -sh dist/gradient-studio)"
}

mkdir -p "$WORK"
WHEEL=""
[ "$do_desktop" = 1 ] && step "desktop files" desktop
if [ "$do_wheel" = 1 ]; then
  step "wheel + sdist build" build_dists
  step "wheel in a fresh venv" wheel_venv
fi
if [ "$do_pyinstaller" = 1 ]; then
  step "pyinstaller build" pyinstaller_build
  step "pyinstaller app run" pyinstaller_run
fi

echo
echo "packaging check passed:"
printf '  %s\n' "${SUMMARY[@]}"
[ -n "${BUNDLE_SIZE:-}" ] && echo "  bundle: $BUNDLE_SIZE"

