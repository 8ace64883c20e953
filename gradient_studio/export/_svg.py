"""SVG text of a pyqtgraph item, via pyqtgraph's own exporter (with the repair for its
closed paths that :func:`gradient_studio.scene._pyqtgraph.closed_paths_understood` makes
for the duration of one export).

We use pyqtgraph's exporter rather than painting into ``QSvgGenerator`` directly because Qt's
generator writes no clip paths: paths that leave the view would spill over the axes.
"""

from __future__ import annotations

import html
import re
from typing import Any

_STYLE = re.compile(r"<style>.*?</style>\s*", re.DOTALL)
_VIEWBOX = re.compile(r'viewBox ?="[^"]*"')


def svg_text(
    item: Any, width: float, height: float, out_width: int, out_height: int, title: str = ""
) -> str:
    """SVG of ``item`` laid out at ``width x height``, shown at ``out_width x out_height``,
    with ``title`` as the document's title.

    Strokes scale with the picture (so it looks the same at any size), and the landscape
    image is smoothed by viewers rather than drawn as blocks.
    """
    from pyqtgraph.exporters.SVGExporter import SVGExporter

    from gradient_studio.scene._pyqtgraph import closed_paths_understood

    exporter = SVGExporter(item)
    exporter.params.param("width").setValue(width, blockSignal=exporter.widthChanged)
    exporter.params.param("height").setValue(height, blockSignal=exporter.heightChanged)
    exporter.params["scaling stroke"] = True
    with closed_paths_understood():
        text = exporter.export(toBytes=True).decode("utf-8")
    text = _STYLE.sub("", text, count=1)
    text = text.replace(
        "<title>pyqtgraph SVG export</title>", f"<title>{html.escape(title)}</title>", 1
    ).replace("<desc>Generated with Qt and pyqtgraph</desc>", "<desc>Gradient Studio</desc>", 1)
    return _VIEWBOX.sub(
        f'width="{out_width}" height="{out_height}" viewBox="0 0 {width:g} {height:g}"',
        text,
        count=1,
    )
