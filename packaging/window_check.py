"""Open Gradient Studio's window offscreen, check that it shows with the app icon, and quit.

    python packaging/window_check.py REPORT.json    # run the installed app's window, check it
    python packaging/window_check.py --verify REPORT.json   # check a report written elsewhere

The app opens its window the way ``gradient-studio`` does (``gradient_studio.cli.main([])``);
:func:`install` wraps ``QApplication.exec`` so that, once the event loop has run for a moment,
the visible top-level windows and their icon are written to REPORT.json and the windows are
closed, as a person would close them, which quits the app.
The PyInstaller bundle's entry script calls :func:`install` when
``GRADIENT_STUDIO_WINDOW_CHECK`` names a report file, so the frozen app can be checked the
same way. Run this script by its path (not from the source tree's root) so that the
``gradient_studio`` it imports is the installed one.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

#: How long the window may settle before it is inspected, in milliseconds.
SETTLE_MS = 1500
#: How long closed windows may take to wind down before the event loop is ended.
QUIT_GRACE_MS = 5000
ICON_PROBE_SIZE = 64


def _probe() -> dict[str, Any]:
    from PySide6.QtWidgets import QApplication

    from gradient_studio.resources import icon_path

    app = QApplication.instance()
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and w.isWindow()]
    report: dict[str, Any] = {"windows": [], "app_icon_null": app.windowIcon().isNull()}
    for w in windows:
        icon = w.windowIcon()
        entry = {
            "class": type(w).__name__,
            "title": w.windowTitle(),
            "size": [w.width(), w.height()],
            "icon_null": icon.isNull(),
            "icon_sizes": sorted({s.width() for s in icon.availableSizes()}),
            "icon_matches": False,
        }
        if not icon.isNull():
            entry["icon_matches"] = _same_picture(
                icon.pixmap(ICON_PROBE_SIZE, ICON_PROBE_SIZE).toImage(),
                icon_path(ICON_PROBE_SIZE),
            )
        report["windows"].append(entry)
    return report


def _same_picture(image: Any, png: Path) -> bool:
    """Whether a QImage shows the same picture as the PNG (within rounding)."""
    from PySide6.QtGui import QImage

    reference = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    if image.size() != reference.size():
        image = image.scaled(reference.size())
    differing = sum(
        1
        for y in range(0, reference.height(), 4)
        for x in range(0, reference.width(), 4)
        if _far(image.pixel(x, y), reference.pixel(x, y))
    )
    return differing <= (reference.width() * reference.height() // 16) * 0.05


def _far(a: int, b: int) -> bool:
    return any(abs(((a >> s) & 0xFF) - ((b >> s) & 0xFF)) > 40 for s in (0, 8, 16, 24))


def install(report: str | os.PathLike[str], settle_ms: int = SETTLE_MS) -> None:
    """Make the next ``exec()`` of the Qt application write ``report`` and quit."""
    from PySide6 import QtCore, QtGui, QtWidgets

    target = Path(report)

    def inspect_and_quit() -> None:
        try:
            result = _probe()
        except Exception as e:  # the report must say what went wrong, not hang the app
            result = {"error": f"{type(e).__name__}: {e}", "windows": []}
        target.write_text(json.dumps(result, indent=2) + "\n")
        # Quit as a person does, by closing the windows: their close handlers stop workers.
        # Should a window refuse to close, end the event loop anyway a little later.
        QtWidgets.QApplication.closeAllWindows()
        QtCore.QTimer.singleShot(QUIT_GRACE_MS, lambda: QtCore.QCoreApplication.exit(0))

    for cls in (QtCore.QCoreApplication, QtGui.QGuiApplication, QtWidgets.QApplication):
        original = cls.exec

        def exec_and_check(*_args: Any, _original: Any = original) -> int:
            QtCore.QTimer.singleShot(settle_ms, inspect_and_quit)
            return int(_original())

        cls.exec = exec_and_check  # type: ignore[method-assign]


def verify(report: Path) -> list[str]:
    """What is wrong with the window described in ``report`` (nothing: an empty list)."""
    if not report.exists():
        return [f"no report at {report}: the window's event loop never ran"]
    data = json.loads(report.read_text())
    problems = [data["error"]] if "error" in data else []
    windows = data.get("windows", [])
    if not windows:
        problems.append("no visible window")
    for w in windows:
        if w["icon_null"]:
            problems.append(f"{w['class']} {w['title']!r} has no icon")
        elif not w["icon_matches"]:
            problems.append(f"{w['class']} {w['title']!r} has an icon, but not the app's")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--verify":
        report = Path(argv[1])
    elif len(argv) == 1:
        report = Path(argv[0])
        report.unlink(missing_ok=True)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        install(report)
        from gradient_studio.cli import main as cli_main

        with contextlib.suppress(SystemExit):  # a main() that calls sys.exit itself
            cli_main([])
    else:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    problems = verify(report)
    for problem in problems:
        print(f"window check: {problem}", file=sys.stderr)
    if not problems:
        w = json.loads(report.read_text())["windows"][0]
        print(f"window check: {w['class']} {w['title']!r} {w['size']} shown with the app icon")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
