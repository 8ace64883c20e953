"""A linked shader program with typed setters: its variables' locations are looked up once
(Qt's string-keyed setters look them up on every call, and their stubs take bytes)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QColor, QMatrix4x4
from PySide6.QtOpenGL import QOpenGLBuffer, QOpenGLShaderProgram

Array = NDArray[np.float64]
RGBA = tuple[float, float, float, float]


class Program:
    """A linked shader program and its variables' locations, looked up once."""

    def __init__(self, program: QOpenGLShaderProgram) -> None:
        self.program = program
        self._places: dict[str, int] = {}

    def _uniform(self, name: str) -> int:
        if name not in self._places:
            self._places[name] = self.program.uniformLocation(name)
        return self._places[name]

    def attribute(self, name: str) -> int:
        key = "@" + name
        if key not in self._places:
            self._places[key] = self.program.attributeLocation(name)
        return self._places[key]

    def bind(self) -> None:
        self.program.bind()

    def release(self) -> None:
        self.program.release()

    def matrix(self, name: str, m: Array) -> None:
        self.program.setUniformValue(self._uniform(name), _matrix(m))

    def number(self, name: str, value: float) -> None:
        self.program.setUniformValue1f(self._uniform(name), float(value))

    def pair(self, name: str, a: float, b: float) -> None:
        self.program.setUniformValue(self._uniform(name), float(a), float(b))

    def colour(self, name: str, rgba: RGBA) -> None:
        r, g, b, a = (float(c) for c in rgba)
        self.program.setUniformValue(self._uniform(name), r, g, b, a)

    def feed(self, name: str, buffer: QOpenGLBuffer, kind: int, size: int) -> None:
        """Read attribute ``name`` from ``buffer``: ``size`` values of ``kind`` a vertex."""
        place = self.attribute(name)
        if place < 0:
            return  # the compiler dropped it
        buffer.bind()
        self.program.enableAttributeArray(place)
        self.program.setAttributeBuffer(place, kind, 0, size, 0)
        buffer.release()

    def unfeed(self, *names: str) -> None:
        for name in names:
            place = self.attribute(name)
            if place >= 0:
                self.program.disableAttributeArray(place)


def _matrix(m: Array) -> QMatrix4x4:
    """A numpy 4 x 4 (acting on column vectors) as Qt's matrix."""
    return QMatrix4x4(*np.asarray(m, np.float64).ravel().tolist())


def rgba(colour: str) -> RGBA:
    """A colour name (``#E69F00``) as 0…1 floats."""
    c = QColor(colour)
    return (c.redF(), c.greenF(), c.blueF(), c.alphaF())
