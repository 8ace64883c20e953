"""The window: PySide6 widgets, the worker thread and the main window.

``from gradient_studio.ui import MainWindow``; ``gradient_studio.ui.app.main()`` runs the app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradient_studio.ui.window import MainWindow

__all__ = ["MainWindow"]


def __getattr__(name: str) -> Any:
    # Importing the window pulls in Qt and pyqtgraph: only when it is asked for.
    if name == "MainWindow":
        from gradient_studio.ui.window import MainWindow

        return MainWindow
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
