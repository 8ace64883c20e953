"""The picture of a landscape with optimisers descending it, shared by window and export.

Importing this package imports pyqtgraph and PySide6 (but creates nothing);
:func:`ensure_app` makes the ``QApplication`` — offscreen when there is no display.
"""

from gradient_studio.scene.landscape import ContourLayer, LandscapeLayer
from gradient_studio.scene.markers import DescentArrows, MinimaMarkers, StartMarkers
from gradient_studio.scene.palette import COLORMAPS, OKABE_ITO, ColourScale
from gradient_studio.scene.paths import PathLayer
from gradient_studio.scene.plot import PlotScene
from gradient_studio.scene.qt import ensure_app

__all__ = [
    "COLORMAPS",
    "OKABE_ITO",
    "ColourScale",
    "ContourLayer",
    "DescentArrows",
    "LandscapeLayer",
    "MinimaMarkers",
    "PathLayer",
    "PlotScene",
    "StartMarkers",
    "ensure_app",
]
