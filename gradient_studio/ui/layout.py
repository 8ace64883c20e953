"""Where things sit in the window, and the status bar's report of work in progress.

The side panel (function, parameters, optimisers) scrolls on the left; the picture fills the
centre with the loss plot and the status table under it. The status bar shows a progress bar
for work that takes a while, and how long the last race took.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QLabel,
    QProgressBar,
    QScrollArea,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from gradient_studio.ui import theme

if TYPE_CHECKING:
    from gradient_studio.ui.window import MainWindow

BUSY_AFTER_MS = 150  # show the progress bar only for work that takes longer than this
VIEW_HINT = (
    "Click the landscape to set the start, or drag the white disc · scroll to zoom, "
    "drag to pan · Ctrl+0 goes back"
)
SIDE_WIDTH = (272, 360)  # the side panel's narrowest and its starting width


def arrange(window: MainWindow) -> None:
    """Put the window's panels, picture, loss plot and table in their places."""
    side = QWidget()
    side.setObjectName("sidePanel")
    column = QVBoxLayout(side)
    for title, widget in (
        ("Function f(x, y)", window.function_panel),
        ("Parameters", window.parameter_panel),
        ("Start", window.start_entry),
        ("Optimisers — tick the ones to race", window.optimizer_panel),
    ):
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(6, 4, 6, 6)
        inner.addWidget(widget)
        column.addWidget(box)
    column.addStretch(1)
    scroll = QScrollArea()
    scroll.setWidget(side)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setMinimumWidth(SIDE_WIDTH[0])
    hint = QLabel(VIEW_HINT)
    hint.setObjectName("viewHint")
    hint.setStyleSheet(f"{theme.quiet_style()} padding: 2px 4px;")
    hint.setWordWrap(True)
    top = QWidget()
    top_layout = QVBoxLayout(top)
    top_layout.setContentsMargins(0, 0, 0, 0)
    top_layout.setSpacing(0)
    top_layout.addWidget(window.scene.widget, 1)
    top_layout.addWidget(hint)
    bottom = _splitter(
        "bottomSplitter", Qt.Orientation.Horizontal, (window.loss, 1, 460), (window.status, 1, 460)
    )
    centre = _splitter("centreSplitter", Qt.Orientation.Vertical, (top, 3, 560), (bottom, 1, 200))
    main = _splitter(
        "mainSplitter", Qt.Orientation.Horizontal, (scroll, 0, SIDE_WIDTH[1]), (centre, 1, 920)
    )
    window.setCentralWidget(main)


def share_out(window: MainWindow) -> None:
    """Splitter positions for the window's size, once it is first shown: the side panel a
    share of the width (narrower in a small window), the picture most of the height."""
    _SharedOnShow(window)


class _SharedOnShow(QObject):
    """Waits for the window's first show (splitters know their real size only then)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Show:
            self._window.removeEventFilter(self)
            _share(self._window)
            self.deleteLater()
        return False


def _share(window: MainWindow) -> None:
    width, height = window.width(), window.height()
    side = max(SIDE_WIDTH[0], min(SIDE_WIDTH[1], round(width * 0.3)))
    main, centre, bottom = (
        window.findChild(QSplitter, name)
        for name in ("mainSplitter", "centreSplitter", "bottomSplitter")
    )
    assert main is not None and centre is not None and bottom is not None
    main.setSizes([side, width - side])
    centre.setSizes([round(height * 0.7), round(height * 0.3)])
    rest = width - side
    bottom.setSizes([round(rest * 0.45), rest - round(rest * 0.45)])  # the table is wide


def _splitter(
    name: str, orientation: Qt.Orientation, *parts: tuple[QWidget, int, int]
) -> QSplitter:
    """A splitter of ``(widget, stretch, starting size)`` parts (its place is remembered
    by ``name``)."""
    splitter = QSplitter(orientation)
    splitter.setObjectName(name)
    for i, (widget, stretch, _) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(i, stretch)
    splitter.setSizes([size for _, _, size in parts])
    return splitter


class ComputeIndicator(QObject):
    """A progress bar for long work (shown only after ``BUSY_AFTER_MS``) and a note of how
    long the last race took, at the right of the status bar."""

    def __init__(self, bar: QStatusBar) -> None:
        super().__init__(bar)
        self.timing = QLabel("")
        self.timing.setObjectName("timingLabel")
        self.timing.setMinimumWidth(
            self.timing.fontMetrics().horizontalAdvance(
                "14 optimisers × 1,000,000 steps in 9999 ms"
            )
        )
        self.progress = QProgressBar()
        self.progress.setObjectName("computeProgress")
        self.progress.setAccessibleName("Computing")
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        # Showing and hiding it must not change the status bar's height: that would lay
        # out and repaint the whole window in the middle of a long run.
        policy = self.progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.progress.setSizePolicy(policy)
        self.progress.setVisible(False)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.timing)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(BUSY_AFTER_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def set_busy(self, busy: bool) -> None:
        if busy:
            self._timer.start()
        else:
            self._timer.stop()
            self.progress.setVisible(False)

    def set_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"%v / {total:,} steps")

    def set_finished(self, optimizers: int, steps: int, seconds: float) -> None:
        self.progress.setVisible(False)
        self.timing.setText(
            f"{optimizers} optimiser{'s' * (optimizers != 1)} × {steps:,} steps "
            f"in {seconds * 1e3:.0f} ms"
        )

    def stop(self) -> None:
        self._timer.stop()

    def _on_timer_timeout(self) -> None:
        self.progress.setVisible(True)
