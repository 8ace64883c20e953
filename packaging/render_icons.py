"""Render the app icon's PNGs from its SVG sources.

    .venv/bin/python packaging/render_icons.py           # rewrite the PNGs
    .venv/bin/python packaging/render_icons.py --check   # fail if they are out of date

``resources/icon/gradient-studio.svg`` draws 48 px and up; ``gradient-studio-small.svg``,
a bolder cut, draws 16-32 px. The PNGs go to ``gradient_studio/resources/icons/``, where
the running app finds them through ``gradient_studio.resources``. Qt's own SVG renderer
draws them (PySide6-Essentials ships QtSvg), so they look as the window will.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "resources" / "icon"
OUT = ROOT / "gradient_studio" / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SMALL_UP_TO = 32
# --check tolerates the antialiasing differences between Qt versions, not a changed drawing.
TOLERANCE = 24  # per channel, out of 255
MAX_DIFFERING = 0.01  # fraction of pixels


def source_for(size: int) -> Path:
    name = "gradient-studio-small.svg" if size <= SMALL_UP_TO else "gradient-studio.svg"
    return SOURCES / name


def render(svg: Path, size: int) -> bytes:
    """``svg`` drawn at ``size`` x ``size`` pixels, as PNG bytes (maximally compressed)."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"render_icons: Qt cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    # Re-encode with Pillow: smaller files, and no Qt-version text chunks in them.
    out = io.BytesIO()
    Image.open(io.BytesIO(bytes(data))).save(out, "PNG", optimize=True)
    return out.getvalue()


def differs(old: Path, new: bytes) -> str | None:
    """Why the committed ``old`` no longer matches a fresh rendering, or ``None``."""
    import numpy as np
    from PIL import Image

    if not old.exists():
        return "missing"
    a = np.asarray(Image.open(old).convert("RGBA"), dtype=np.int16)
    b = np.asarray(Image.open(io.BytesIO(new)).convert("RGBA"), dtype=np.int16)
    if a.shape != b.shape:
        return f"is {a.shape[1]}x{a.shape[0]}, should be {b.shape[1]}x{b.shape[0]}"
    far = (np.abs(a - b).max(axis=2) > TOLERANCE).mean()
    if far > MAX_DIFFERING:
        return f"{far:.1%} of its pixels differ from the SVG's rendering"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare, write nothing")
    args = parser.parse_args(argv)

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (kept alive)
    stale = []
    for size in SIZES:
        png = render(source_for(size), size)
        target = OUT / f"gradient-studio-{size}.png"
        if args.check:
            problem = differs(target, png)
            if problem:
                stale.append(f"{target.relative_to(ROOT)}: {problem}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(png)
        print(f"{target.relative_to(ROOT)}  {len(png):>7,} bytes")
    if stale:
        print("render_icons: out of date (run packaging/render_icons.py):", *stale, sep="\n  ")
        return 1
    if args.check:
        print(f"render_icons: all {len(SIZES)} PNGs match the SVG sources")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
