"""SVG text of a pyqtgraph item, via pyqtgraph's own exporter with one repair.

pyqtgraph 0.14.0's ``SVGExporter`` rewrites every ``<path d="...">`` that Qt writes, reading
the data as space-separated ``x,y`` pairs. Qt 6.11 ends closed paths with ``Z``, which has no
comma, and the exporter fails with "not enough values to unpack" (pyqtgraph issue 3495, fixed
upstream after 0.14.0). :func:`_closed_paths_understood` wraps the exporter's
``correctCoordinates`` for the duration of one export: it takes each ``Z`` out of the data,
lets pyqtgraph transform the coordinates, and puts the ``Z`` back after the same coordinate.
Nothing else of pyqtgraph is touched, and nothing stays patched after the export.

We use pyqtgraph's exporter rather than painting into ``QSvgGenerator`` directly because Qt's
generator writes no clip paths: paths that leave the view would spill over the axes.
"""

from __future__ import annotations

import contextlib
import html
import importlib
import re
from collections.abc import Iterator
from typing import Any

_STYLE = re.compile(r"<style>.*?</style>\s*", re.DOTALL)
_VIEWBOX = re.compile(r'viewBox ?="[^"]*"')


@contextlib.contextmanager
def _closed_paths_understood() -> Iterator[None]:
    # The module, not the class of the same name that pyqtgraph.exporters re-exports.
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct(node: Any, defs: Any, item: Any, options: Any) -> None:
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if "Z" not in tokens and "z" not in tokens:
                continue
            coords = [t for t in tokens if t not in ("Z", "z")]
            # After which coordinate each Z came (counting coordinates before it).
            where = [i - n for n, i in enumerate(j for j, t in enumerate(tokens) if t in "Zz")]
            path.setAttribute("d", " ".join(coords))
            closed.append((path, where))
        original(node, defs, item, options)
        for path, where in closed:
            coords = path.getAttribute("d").split()
            for count in reversed(where):
                coords.insert(count, "Z")
            path.setAttribute("d", " ".join(coords))

    module.correctCoordinates = correct
    try:
        yield
    finally:
        module.correctCoordinates = original


def svg_text(
    item: Any, width: float, height: float, out_width: int, out_height: int, title: str = ""
) -> str:
    """SVG of ``item`` laid out at ``width x height``, shown at ``out_width x out_height``,
    with ``title`` as the document's title.

    Strokes scale with the picture (so it looks the same at any size), and the landscape
    image is smoothed by viewers rather than drawn as blocks.
    """
    from pyqtgraph.exporters.SVGExporter import SVGExporter

    exporter = SVGExporter(item)
    exporter.params.param("width").setValue(width, blockSignal=exporter.widthChanged)
    exporter.params.param("height").setValue(height, blockSignal=exporter.heightChanged)
    exporter.params["scaling stroke"] = True
    with _closed_paths_understood():
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
