"""The export dialog: where to save, how big, and (for an animation) how many frames how
fast; which formats each File menu command writes, and why a name is refused.

Each command writes only its own formats: a name typed into Export Image that ends in
``.csv`` is refused in the dialog, which says that Export Trajectories writes CSV. Sizes,
frames and rates are bounded by :mod:`gradient_studio.export.limits`, the one place those
limits live; a request too big to draw is refused with what would fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
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

# What each command writes, and the words for each format.
IMAGE_FORMATS = {".png": "PNG image", ".svg": "SVG drawing"}
ANIMATION_FORMATS = {".gif": "GIF animation"}
DATA_FORMATS = {".csv": "CSV table", ".json": "JSON data"}
COMMANDS = (
    ("Export Image", IMAGE_FORMATS),
    ("Export Animation", ANIMATION_FORMATS),
    ("Export Trajectories", DATA_FORMATS),
)
ERROR_COLOUR = "#c0392b"


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
