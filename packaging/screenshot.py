"""Take the screenshot software centres show: resources/screenshots/window.png.

    .venv/bin/python packaging/screenshot.py [OUT.png]

Opens the main window offscreen at 1280x800 (AppStream asks for 16:10 or 16:9, at least
1248 px wide) with its default race, waits until the paths are on screen, moves the playhead
to the end of the race, and saves what the window shows. Retake it when the window changes
visibly, before a release.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "resources" / "screenshots" / "window.png"
SIZE = (1280, 800)
TIMEOUT_MS = 30_000


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QSlider

    app = QApplication.instance() or QApplication(["gradient-studio"])
    # The window as it first opens, not as this machine's person left it.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    from gradient_studio.ui import MainWindow

    window = MainWindow()
    window.resize(*SIZE)
    loop = QEventLoop()
    window.trajectories_updated.connect(loop.quit)
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    window.show()
    loop.exec()

    playhead = window.findChild(QSlider, "playheadSlider")
    if playhead is not None:
        playhead.setValue(playhead.maximum())
    settle = QEventLoop()
    QTimer.singleShot(500, settle.quit)
    settle.exec()

    out.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(out)):
        print(f"screenshot: could not write {out}", file=sys.stderr)
        return 1
    print(f"screenshot: {out} ({SIZE[0]}x{SIZE[1]})")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
