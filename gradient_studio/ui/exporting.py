"""Export from the window: the picture (PNG, SVG), the animation (GIF), the numbers (CSV, JSON).

:func:`write` does the work with the export package's writers (atomic: a failed or cancelled
export leaves no file behind); the ``export_*`` functions are the File menu's commands, which
ask where and how big, show progress, and put any error in a dialog.

Each command writes only its own formats: a name typed into Export Image that ends in
``.csv`` is refused in the dialog, which says that Export Trajectories writes CSV. A save
that fails shows why and asks again with everything typed still there.

What the commands need of the window is :class:`ExportWindow`; this module does not know
the window itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.export.limits import (
    MAX_FPS,
    MAX_FRAMES,
    MAX_SIDE,
    MIN_SIDE,
    check_animation,
    check_fps,
    check_size,
)
from gradient_studio.ui.session import preset_matching

if TYPE_CHECKING:
    from gradient_studio.engine import RunResult
    from gradient_studio.export import PictureStyle
    from gradient_studio.ui.worker import RaceUpdate

Range = tuple[float, float]

# What each command writes, and the words for each format.
IMAGE_FORMATS = {".png": "PNG image", ".svg": "SVG drawing"}
ANIMATION_FORMATS = {".gif": "GIF animation"}
DATA_FORMATS = {".csv": "CSV table", ".json": "JSON data"}
COMMANDS = (
    ("Export Image", IMAGE_FORMATS),
    ("Export Animation", ANIMATION_FORMATS),
    ("Export Trajectories", DATA_FORMATS),
)
PICTURES = {*IMAGE_FORMATS, *ANIMATION_FORMATS}
ERROR_COLOUR = "#c0392b"


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


def file_filter(formats: Mapping[str, str]) -> str:
    """A file dialog's filter, ``"PNG image (*.png);;SVG drawing (*.svg)"``."""
    return ";;".join(f"{words} (*{suffix})" for suffix, words in formats.items())


def refusal(typed: str | Path, command: str, formats: Mapping[str, str]) -> str | None:
    """Why ``command`` will not write the file ``typed`` (a sentence naming the command
    that would), or None if it will."""
    path = Path(typed).expanduser()
    if not path.name or str(typed).endswith(("/", "\\")) or path.is_dir():
        return f"{path} is a folder: add a file name, e.g. race{next(iter(formats))}."
    suffix = path.suffix.lower()
    if suffix in formats:
        return None
    own = " or ".join(f"{words} ({s})" for s, words in formats.items())
    for other, other_formats in COMMANDS:
        if suffix in other_formats:
            return f"{command} writes {own}; {suffix} files are written by File ▸ {other}…"
    return f"{command} writes {own}, not {suffix or 'files without an extension'}."


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


class SizeDialog(QDialog):
    """Where to save and how big (and, for an animation, how many frames how fast).

    Save is refused, with the reason under the file name, for a name this export does not
    write (another command's format, a folder, an unknown extension)."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        path: Path,
        formats: Mapping[str, str],
        size: tuple[int, int],
        *,
        animation: bool = False,
        step: float | None = None,
    ) -> None:
        super().__init__(parent)
        self._animation = animation
        self.setWindowTitle(title)
        self.setObjectName("exportDialog")
        self._formats = dict(formats)
        self._default_suffix = path.suffix
        self.path_edit = QLineEdit(str(path))
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setAccessibleName("File to write")
        self.path_edit.setMinimumWidth(self.path_edit.fontMetrics().averageCharWidth() * 48)
        self.path_edit.textEdited.connect(self._on_path_edit_text_edited)
        browse = QPushButton("Browse…")
        browse.setAccessibleName("Choose the file")
        browse.clicked.connect(self._on_browse_clicked)
        where = QHBoxLayout()
        where.addWidget(self.path_edit, 1)
        where.addWidget(browse)
        self.problem = QLabel("")
        self.problem.setObjectName("exportProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problem.setVisible(False)
        self.width_box = self._spin(MIN_SIDE, MAX_SIDE, size[0], "Width in pixels", " px")
        self.height_box = self._spin(MIN_SIDE, MAX_SIDE, size[1], "Height in pixels", " px")
        form = QFormLayout(self)
        form.addRow("File", where)
        form.addRow("", self.problem)
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        self.frames = self._spin(1, MAX_FRAMES, 120, "Number of frames", "")
        self.fps = self._spin(1, MAX_FPS, 30, "Frames per second", " fps")
        if animation:
            form.addRow("Frames", self.frames)
            form.addRow("Speed", self.fps)
        # What a picture shows: the race at the playhead's step, as on screen, or all of it.
        self._step = step
        self.at_step = QRadioButton(f"The race at step {int(step or 0):,}, as on screen")
        self.at_step.setObjectName("exportAtStep")
        self.whole_race = QRadioButton("The whole race")
        self.whole_race.setObjectName("exportWholeRace")
        self.at_step.setChecked(True)
        if step is not None:
            shows = QVBoxLayout()
            shows.addWidget(self.at_step)
            shows.addWidget(self.whole_race)
            form.addRow("Draw", shows)
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
        text = self.path_edit.text().strip()
        path = Path(text).expanduser()
        if path.suffix or not path.name or text.endswith(("/", "\\")) or path.is_dir():
            return path  # as typed: refused if it is a folder
        return path.with_suffix(self._default_suffix)

    def picture_size(self) -> tuple[int, int]:
        return self.width_box.value(), self.height_box.value()

    def step(self) -> float | None:
        """The step to draw, or None for the whole race."""
        return self._step if self._step is not None and self.at_step.isChecked() else None

    def accept(self) -> None:
        text = self.path_edit.text().strip()
        typed = text if text.endswith(("/", "\\")) else self.path()
        problem = refusal(typed, self.windowTitle(), self._formats) or self._too_big()
        if problem is not None:
            self.problem.setText(problem)
            self.problem.setVisible(True)
            self.adjustSize()  # room for the reason, however long
            self.path_edit.setFocus()
            return
        super().accept()

    def _too_big(self) -> str | None:
        """Why the size (and frames) asked for will not be drawn, or None."""
        try:
            if self._animation:
                check_animation(self.picture_size(), self.frames.value())
                check_fps(self.fps.value())
            else:
                check_size(self.picture_size())
        except ValueError as error:
            text = str(error)
            return f"{text[:1].upper()}{text[1:]}."
        return None

    def _on_path_edit_text_edited(self, _: str) -> None:
        self.problem.setVisible(False)

    def _on_browse_clicked(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.windowTitle(), self.path_edit.text(), file_filter(self._formats)
        )
        if chosen:
            self.path_edit.setText(chosen)
            self.problem.setVisible(False)
