"""``gradient-studio``'s application: the window opens and runs, and what start-up loaded is
kept out of the garbage collector's full passes (which stop the GUI while they walk it)."""

from __future__ import annotations

import gc

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from gradient_studio.ui import app as application


def test_the_app_opens_its_window_and_freezes_what_start_up_loaded(monkeypatch, qapp):
    monkeypatch.setattr(application, "FREEZE_AFTER_MS", 200)
    seen = {}

    def run_a_while():  # the app's event loop for a second and a half; the shared
        loop = QEventLoop()  # application itself must not quit (it serves every test)
        QTimer.singleShot(1500, loop.quit)
        loop.exec()
        seen["frozen"] = gc.get_freeze_count()
        seen["windows"] = [w.objectName() for w in QApplication.topLevelWidgets() if w.isVisible()]
        for widget in QApplication.topLevelWidgets():
            widget.close()
        return 0

    monkeypatch.setattr(qapp, "exec", run_a_while)
    try:
        assert application.main() == 0
    finally:
        gc.unfreeze()
    assert "mainWindow" in seen["windows"]
    assert seen["frozen"] > 10_000  # Qt, pyqtgraph, numpy and the window at least
