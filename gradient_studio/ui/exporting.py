"""Export from the window: the picture (PNG, SVG), the animation (GIF), the numbers (CSV, JSON).

:func:`write` does the work with the export package's writers (atomic: a failed or cancelled
export leaves no file behind); the ``export_*`` functions are the File menu's commands, which
ask where and how big, show progress, and put any error in a dialog.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QWidget,
)

from gradient_studio.ui.session import preset_matching

if TYPE_CHECKING:
    from gradient_studio.ui.window import MainWindow

IMAGE_FILTER = "PNG image (*.png);;SVG drawing (*.svg)"
ANIMATION_FILTER = "GIF animation (*.gif)"
DATA_FILTER = "CSV table (*.csv);;JSON data (*.json)"
PICTURES = {".png", ".svg", ".gif"}


def finished_result(window: MainWindow) -> Any:
    """The race on screen as a RunResult with its Race attached (the view on screen, the
    preset when its function and values are on screen), ready for the writers."""
    update = window.race_update
    if update is None:
        raise RuntimeError("there is no race to export yet")
    result, job = update.result, update.job
    if not update.finished:
        raise RuntimeError("the race is still being computed: export it once it has finished")
    from gradient_studio.engine import PRESETS, Race

    preset = preset_matching(job.text)
    values = dict(job.values)
    if preset is not None and any(
        not math.isclose(values.get(k, math.nan), v) for k, v in PRESETS[preset].values.items()
    ):
        preset = None
    (x0, x1), (y0, y1) = window.session.view
    result.race = Race.create(
        function=job.text,
        preset=preset,
        parameters=values,
        optimizers=result.choices,
        starts=[job.start],
        steps=job.steps,
        xrange=(x0, x1),
        yrange=(y0, y1),
    )
    return result


def write(window: MainWindow, path: str | Path, **options: Any) -> Path:
    """Write the race on screen to ``path``; pictures use the View menu's choices unless
    ``options`` say otherwise. Raises ``OSError``/``ValueError``/``RuntimeError``."""
    from gradient_studio import export

    path = Path(path)
    result = finished_result(window)
    if path.suffix.lower() in PICTURES:
        options = {**window.menus.picture_options(), **options}
    return export.write(path, result, **options)


# -- the File menu's commands ----------------------------------------------------------------
def export_image(window: MainWindow) -> None:
    dialog = SizeDialog(
        window, "Export Image", _suggest(window, "race.png"), IMAGE_FILTER, (1200, 900)
    )
    if dialog.exec() == QDialog.DialogCode.Accepted:
        _attempt(
            window, dialog.path(), lambda: write(window, dialog.path(), size=dialog.picture_size())
        )


def export_animation(window: MainWindow) -> None:
    dialog = SizeDialog(
        window,
        "Export Animation",
        _suggest(window, "race.gif"),
        ANIMATION_FILTER,
        (640, 480),
        animation=True,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    path, frames = dialog.path(), dialog.frames.value()
    options = {"size": dialog.picture_size(), "frames": frames, "fps": dialog.fps.value()}
    progress = QProgressDialog("Drawing the animation…", "Cancel", 0, frames, window)
    progress.setWindowTitle("Export Animation")
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)

    def report(done: int, total: int) -> bool:
        progress.setMaximum(total)
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    options["progress"] = report
    progress.show()
    QApplication.processEvents()
    try:
        _attempt(
            window, path, lambda: write(window, path, **options), cancelled=progress.wasCanceled
        )
    finally:
        progress.close()


def export_trajectories(window: MainWindow) -> None:
    path, _ = QFileDialog.getSaveFileName(
        window, "Export Trajectories", str(_suggest(window, "race.csv")), DATA_FILTER
    )
    if path:
        if not Path(path).suffix:
            path += ".csv"
        _attempt(window, Path(path), lambda: write(window, path))


def _attempt(
    window: MainWindow,
    path: Path,
    job: Callable[[], Any],
    cancelled: Callable[[], bool] = lambda: False,
) -> bool:
    """Run an export with a busy cursor; errors go to a dialog, success to the status bar."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        job()
    except Exception as error:
        QApplication.restoreOverrideCursor()
        if cancelled():
            window.statusBar().showMessage("Export cancelled: nothing was written.", 8000)
            return False
        show_error(window, f"Could not export {path.name}", error)
        return False
    QApplication.restoreOverrideCursor()
    window.last_export_folder = path.parent
    window.statusBar().showMessage(f"Exported {path}", 8000)
    return True


def show_error(parent: QWidget, title: str, error: BaseException) -> None:
    message = getattr(error, "strerror", None) or str(error) or type(error).__name__
    filename = getattr(error, "filename", None)
    if filename:
        message = f"{message}: {filename}"
    box = QMessageBox(
        QMessageBox.Icon.Critical, title, f"{title}.", QMessageBox.StandardButton.Ok, parent
    )
    box.setInformativeText(f"{message[:1].upper()}{message[1:]}.\n\nNothing was written.")
    box.setObjectName("exportError")
    box.exec()


def _suggest(window: MainWindow, name: str) -> Path:
    folder = window.last_export_folder
    if folder is None:
        where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        folder = Path(where) if where else Path.home()
    return Path(folder) / name


class SizeDialog(QDialog):
    """Where to save and how big (and, for an animation, how many frames how fast)."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        path: Path,
        filters: str,
        size: tuple[int, int],
        *,
        animation: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("exportDialog")
        self._filters = filters
        self._default_suffix = path.suffix
        self.path_edit = QLineEdit(str(path))
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setAccessibleName("File to write")
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the file")
        browse.clicked.connect(self._on_browse_clicked)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        self.width_box = self._spin(16, 10_000, size[0], "Width in pixels", " px")
        self.height_box = self._spin(16, 10_000, size[1], "Height in pixels", " px")
        form = QFormLayout(self)
        form.addRow("File", where)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        self.frames = self._spin(2, 10_000, 120, "Number of frames", "")
        self.fps = self._spin(1, 50, 30, "Frames per second", " fps")
        if animation:
            form.addRow("Frames", self.frames)
            form.addRow("Speed", self.fps)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _spin(low: int, high: int, value: int, name: str, suffix: str) -> QSpinBox:
        box = QSpinBox()
        box.setRange(low, high)
        box.setValue(value)
        box.setSuffix(suffix)
        box.setAccessibleName(name)
        return box

    def path(self) -> Path:
        path = Path(self.path_edit.text()).expanduser()
        return path if path.suffix else path.with_suffix(self._default_suffix)

    def picture_size(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()

    def _on_browse_clicked(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path_edit.text(), self._filters
        )
        if chosen:
            self.path_edit.setText(chosen)
