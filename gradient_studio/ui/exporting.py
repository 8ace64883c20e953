"""Export from the window: the picture (PNG, SVG), the animation (GIF), the numbers (CSV, JSON).

:func:`write` does the work with the export package's writers (atomic: a failed or cancelled
export leaves no file behind); the ``export_*`` functions are the File menu's commands, which
ask where and how big, show progress, and put any error in a dialog.

Each command writes only its own formats (the dialog, :mod:`~gradient_studio.ui.export_dialog`,
refuses the others and says which command writes them). A save that fails shows why and
asks again with everything typed still there.

What the commands need of the window is :class:`ExportWindow`; this module does not know
the window itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QMessageBox,
    QProgressDialog,
    QStatusBar,
    QWidget,
)

from gradient_studio.ui.export_dialog import (  # the dialog's names, shown here too
    ANIMATION_FORMATS,
    DATA_FORMATS,
    IMAGE_FORMATS,
    SizeDialog,
    file_filter,
    refusal,
)
from gradient_studio.ui.session import preset_matching

if TYPE_CHECKING:
    from gradient_studio.engine import RunResult
    from gradient_studio.export import PictureStyle
    from gradient_studio.ui.worker import RaceUpdate

__all__ = [
    "ANIMATION_FORMATS",
    "DATA_FORMATS",
    "IMAGE_FORMATS",
    "PICTURES",
    "ExportWindow",
    "SizeDialog",
    "default_folder",
    "export_animation",
    "export_image",
    "export_trajectories",
    "file_filter",
    "finished_result",
    "refusal",
    "show_error",
    "write",
]

Range = tuple[float, float]

PICTURES = {*IMAGE_FORMATS, *ANIMATION_FORMATS}


class ExportWindow(Protocol):
    """What the File menu's exports need of the window they export from."""

    last_export_folder: Path | None

    def export(self, path: str | Path, **options: Any) -> Path:
        """Write the race on screen to ``path``."""
        ...

    def shown_step(self) -> float:
        """The playhead's step: what a picture shows unless asked for the whole race."""
        ...

    def statusBar(self) -> QStatusBar: ...

    def window(self) -> QWidget:
        """The top-level widget: the dialogs' parent."""
        ...


def finished_result(update: RaceUpdate | None, view: tuple[Range, Range]) -> RunResult:
    """The race on screen as a RunResult with its Race attached (``view`` as shown, the
    preset when its function and values are on screen), ready for the writers."""
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
    (x0, x1), (y0, y1) = view
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


def write(
    path: str | Path,
    update: RaceUpdate | None,
    view: tuple[Range, Range],
    style: PictureStyle,
    **options: Any,
) -> Path:
    """Write the race of ``update`` to ``path``; pictures are drawn in ``style`` (the View
    menu's choices) unless ``options`` give another. Raises ``OSError``/``ValueError``/
    ``RuntimeError``."""
    from gradient_studio import export

    path = Path(path)
    result = finished_result(update, view)
    if path.suffix.lower() in PICTURES:
        options.setdefault("style", style)
    return export.write(path, result, **options)


# -- the File menu's commands ----------------------------------------------------------------
def export_image(window: ExportWindow) -> None:
    dialog = SizeDialog(
        window.window(),
        "Export Image",
        _suggest(window, "race.png"),
        IMAGE_FORMATS,
        (1200, 900),
        step=window.shown_step(),
    )
    while dialog.exec() == QDialog.DialogCode.Accepted:
        write = partial(window.export, size=dialog.picture_size(), step=dialog.step())
        if _attempt(window, dialog.path(), write):
            return


def export_animation(window: ExportWindow) -> None:
    dialog = SizeDialog(
        window.window(),
        "Export Animation",
        _suggest(window, "race.gif"),
        ANIMATION_FORMATS,
        (640, 480),
        animation=True,
    )
    while dialog.exec() == QDialog.DialogCode.Accepted:
        if _write_animation(window, dialog):
            return


def _write_animation(window: ExportWindow, dialog: SizeDialog) -> bool:
    path, frames = dialog.path(), dialog.frames.value()
    options: dict[str, Any] = {
        "size": dialog.picture_size(),
        "frames": frames,
        "fps": dialog.fps.value(),
    }
    progress = QProgressDialog("Drawing the animation…", "Cancel", 0, frames, window.window())
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
        written = _attempt(
            window, path, partial(window.export, **options), cancelled=progress.wasCanceled
        )
    finally:
        progress.close()
        progress.deleteLater()
    return written or progress.wasCanceled()


def export_trajectories(window: ExportWindow) -> None:
    suggestion = str(_suggest(window, "race.csv"))
    while True:
        chosen, _ = QFileDialog.getSaveFileName(
            window.window(), "Export Trajectories", suggestion, file_filter(DATA_FORMATS)
        )
        if not chosen:
            return
        suggestion = chosen
        path = Path(chosen).expanduser()
        if not path.suffix and not chosen.endswith(("/", "\\")) and not path.is_dir():
            path = path.with_suffix(".csv")
        problem = refusal(
            chosen if chosen.endswith(("/", "\\")) else path, "Export Trajectories", DATA_FORMATS
        )
        if problem is not None:
            _tell(window.window(), "Export Trajectories", problem, QMessageBox.Icon.Warning)
            continue
        if _attempt(window, path, window.export):
            return


def _attempt(
    window: ExportWindow,
    path: Path,
    write: Callable[[Path], object],
    cancelled: Callable[[], bool] = lambda: False,
) -> bool:
    """``write(path)`` with a busy cursor; errors go to a dialog, success to the status bar."""
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        write(path)
    except Exception as error:
        QApplication.restoreOverrideCursor()
        if cancelled():
            window.statusBar().showMessage("Export cancelled: nothing was written.", 8000)
            return False
        show_error(window.window(), f"Could not export {path.name}", error, path)
        return False
    QApplication.restoreOverrideCursor()
    window.last_export_folder = path.parent
    window.statusBar().showMessage(f"Exported {path}", 8000)
    return True


def show_error(parent: QWidget, title: str, error: BaseException, path: Path) -> None:
    """Say why ``path`` was not written. The file named is the one the person chose, never
    a temporary name a writer used on the way."""
    strerror = getattr(error, "strerror", None)
    if isinstance(error, OSError) and strerror:  # the system's words: say which file
        message = f"{strerror}: {path}"
    else:  # our own words, which name what is wrong
        message = str(error) or type(error).__name__
    _tell(
        parent,
        title,
        f"{message[:1].upper()}{message[1:]}.\n\nNothing was written.",
        QMessageBox.Icon.Critical,
        heading=f"{title}.",
    )


def _tell(
    parent: QWidget, title: str, text: str, icon: QMessageBox.Icon, *, heading: str = ""
) -> None:
    box = QMessageBox(icon, title, heading or text, QMessageBox.StandardButton.Ok, parent)
    if heading:
        box.setInformativeText(text)
    box.setObjectName("exportError")
    box.exec()
    box.deleteLater()


def default_folder() -> Path:
    """Where exports go first: the Pictures folder if there is one, else the home folder."""
    where = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
    if where and Path(where).is_dir():
        return Path(where)
    return Path.home()


def _suggest(window: ExportWindow, name: str) -> Path:
    folder = window.last_export_folder
    if folder is None or not folder.is_dir():
        folder = default_folder()
    return folder / name
