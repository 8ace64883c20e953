"""What the window remembers between runs: its size, place and splitter positions.

Kept in an INI file through :class:`QSettings` (``~/.config/Gradient Studio/Gradient
Studio.ini`` on Linux). The tests point Qt's INI path at a temporary folder, so they never
read or write a person's own file. A window opens at a size that fits its screen — at most
``SHARE`` of the available area, which Qt measures in device-independent pixels, so this
holds with ``QT_SCALE_FACTOR=2`` too — and a remembered size that no longer fits (a
smaller screen since) is shrunk to fit.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QCoreApplication, QRect, QSettings, QSize
from PySide6.QtWidgets import QMainWindow, QSplitter

ORGANISATION = "Gradient Studio"
APPLICATION = "Gradient Studio"
PREFERRED = QSize(1280, 820)
SHARE = 0.9  # of the screen's available area, at most


def store() -> QSettings:
    """The settings file of the application (its own names if it set them)."""
    organisation = QCoreApplication.organizationName() or ORGANISATION
    application = QCoreApplication.applicationName() or APPLICATION
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, organisation, application
    )


def fitting_size(available: QRect, preferred: QSize = PREFERRED) -> QSize:
    """``preferred``, shrunk to at most ``SHARE`` of ``available`` in each direction."""
    return QSize(
        max(200, min(preferred.width(), int(available.width() * SHARE))),
        max(150, min(preferred.height(), int(available.height() * SHARE))),
    )


def restore(window: QMainWindow) -> bool:
    """The remembered size, place and splitters, or a size that fits the screen. True if
    the splitters were remembered too."""
    settings = store()
    geometry = settings.value("window/geometry")
    screen = window.screen().availableGeometry()
    if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
        size = window.size().boundedTo(QSize(screen.width(), screen.height()))
        if size != window.size():
            window.resize(fitting_size(screen, size))
    else:
        window.resize(fitting_size(screen))
    restored = False
    for splitter in window.findChildren(QSplitter):
        state = settings.value(f"splitters/{splitter.objectName()}")
        if splitter.objectName() and isinstance(state, QByteArray):
            restored = splitter.restoreState(state) or restored
    return restored


def save(window: QMainWindow) -> None:
    """Remember the window's size, place and splitters."""
    settings = store()
    settings.setValue("window/geometry", window.saveGeometry())
    for splitter in window.findChildren(QSplitter):
        if splitter.objectName():
            settings.setValue(f"splitters/{splitter.objectName()}", splitter.saveState())
    settings.sync()
