"""``gradient-studio`` with no command: the application and its window."""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon


# By then the first race is on screen: Qt, pyqtgraph, sympy and the first compiled function
# are loaded, and they stay for good.
FREEZE_AFTER_MS = 3000


def _icon() -> QIcon | None:
    """The app icon at every size there is, or None if the resources are missing."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    try:
        from gradient_studio.resources import icon_paths
    except ImportError:
        return None
    icon = QIcon()
    try:
        for size, path in icon_paths().items():
            icon.addFile(str(path), QSize(size, size))
    except (OSError, ValueError):
        return None
    return None if icon.isNull() else icon


def main() -> int:
    """Open the window and run until it closes; returns the exit code."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from gradient_studio import __version__

    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1] or ["gradient-studio"])
    app.setApplicationName("Gradient Studio")
    app.setApplicationDisplayName("Gradient Studio")
    app.setOrganizationName("Gradient Studio")
    app.setApplicationVersion(__version__)
    try:
        from gradient_studio.resources import APP_ID

        app.setDesktopFileName(APP_ID)
    except ImportError:
        pass
    icon = _icon()
    if icon is not None:
        app.setWindowIcon(icon)

    from gradient_studio.ui.window import MainWindow

    window = MainWindow()
    # Quitting from anywhere (a menu, the session ending) stops the worker thread first.
    app.aboutToQuit.connect(window.shutdown)
    window.show()
    # The garbage collector's full passes stop both threads while they walk every object:
    # ~130,000 after start-up, ~100 ms a pass. What start-up loaded is kept out of them.
    QTimer.singleShot(FREEZE_AFTER_MS, gc.freeze)
    return int(app.exec())
