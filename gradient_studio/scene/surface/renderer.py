"""Drawing the 3-D view with OpenGL into an offscreen framebuffer, read back as a QImage.

One :class:`Renderer` owns an OpenGL context on a ``QOffscreenSurface``, its three programs
(surface, lines, sprites) and their buffers. The window's view and the PNG exporter draw
through it alike, so a file shows exactly what the window shows; drawing offscreen also
works on Qt's headless ``offscreen`` platform, where ``QOpenGLWidget`` does not.

Only Qt's own OpenGL classes are used (no PyOpenGL: importing it alone costs 130–200 ms, more
than opening the view may take). Buffers are uploaded only when their content changes; a
frame is a handful of draw calls.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import Any, cast

import numpy as np
import shiboken6
from numpy.typing import NDArray
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QOffscreenSurface,
    QOpenGLContext,
    QSurfaceFormat,
)
from PySide6.QtOpenGL import (
    QOpenGLBuffer,
    QOpenGLFramebufferObject,
    QOpenGLFramebufferObjectFormat,
    QOpenGLShader,
    QOpenGLShaderProgram,
    QOpenGLVertexArrayObject,
)

from gradient_studio.scene.surface import shaders
from gradient_studio.scene.surface.availability import OpenGLUnavailable, require_opengl
from gradient_studio.scene.surface.frame import Frame, Strip
from gradient_studio.scene.surface.geometry import Mesh
from gradient_studio.scene.surface.program import Program

Array = NDArray[np.float64]
RGBA = tuple[float, float, float, float]

# OpenGL enums (Qt's function table takes plain ints).
GL_FLOAT, GL_UNSIGNED_BYTE, GL_UNSIGNED_INT = 0x1406, 0x1401, 0x1405
GL_TRIANGLES, GL_LINES, GL_LINE_STRIP, GL_POINTS = 0x0004, 0x0001, 0x0003, 0x0000
GL_DEPTH_TEST, GL_BLEND, GL_POLYGON_OFFSET_FILL, GL_LINE_SMOOTH = 0x0B71, 0x0BE2, 0x8037, 0x0B20
GL_PROGRAM_POINT_SIZE, GL_POINT_SPRITE, GL_CULL_FACE = 0x8642, 0x8861, 0x0B44
GL_LEQUAL, GL_GREATER = 0x0203, 0x0204
GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE = 0x0302, 0x0303, 1
GL_COLOR_BUFFER_BIT, GL_DEPTH_BUFFER_BIT = 0x4000, 0x0100
GL_RENDERER = 0x1F01
GL_BGRA = 0x80E1

MAX_LINE_WIDTH = 10.0  # wider lines are not drawn by every driver
SPRITE_BIAS = 3.0  # radii nearer the eye a ball's pixels are tested (see shaders)
GHOST_ALPHA = 0.6  # how strongly a path or ball hidden behind a slope still shows


class Renderer:
    """An OpenGL context drawing :class:`Frame` s offscreen. Make it, use it, :meth:`close` it;
    every method makes the context current itself."""

    def __init__(self) -> None:
        if QGuiApplication.instance() is None:
            raise OpenGLUnavailable("the 3-D view needs a Qt application to be made first")
        self.name = require_opengl()
        self.context = QOpenGLContext()
        fmt = QSurfaceFormat.defaultFormat()
        fmt.setDepthBufferSize(24)
        self.context.setFormat(fmt)
        if not self.context.create():
            raise OpenGLUnavailable("the 3-D view needs OpenGL: no context could be made")
        self.surface = QOffscreenSurface()
        self.surface.setFormat(self.context.format())
        self.surface.create()
        self.es = self.context.isOpenGLES()
        self._closed = False
        self._depth = 0
        with self.current():
            self.gl = self.context.functions()
            self.renderer = str(self.gl.glGetString(GL_RENDERER) or "")
            self._vao: QOpenGLVertexArrayObject | None = None
            if self.context.format().profile() == QSurfaceFormat.OpenGLContextProfile.CoreProfile:
                self._vao = QOpenGLVertexArrayObject()
                self._vao.create()
                self._vao.bind()
            self.mesh_program = self._program(shaders.MESH_VERTEX, shaders.MESH_FRAGMENT)
            self.line_program = self._program(shaders.LINE_VERTEX, shaders.LINE_FRAGMENT)
            self.sprite_program = self._program(shaders.SPRITE_VERTEX, shaders.SPRITE_FRAGMENT)
            self._buffers = {
                name: self._buffer(QOpenGLBuffer.Type.VertexBuffer)
                for name in ("position", "normal", "colour", "lines", "guides", "sprites")
            }
            self._buffers["sprite_colours"] = self._buffer(QOpenGLBuffer.Type.VertexBuffer)
            self._buffers["triangles"] = self._buffer(QOpenGLBuffer.Type.IndexBuffer)
            self._buffers["coarse"] = self._buffer(QOpenGLBuffer.Type.IndexBuffer)
        self._counts = {"triangles": 0, "coarse": 0}
        self._uploaded: dict[str, NDArray[np.uint32]] = {}  # index arrays already on the GPU
        self._targets: tuple[tuple[int, int, int], Any] | None = None
        self.software = any(s in self.renderer.lower() for s in ("llvmpipe", "softpipe", "swrast"))

    # -- the context -------------------------------------------------------------------------
    @contextlib.contextmanager
    def current(self) -> Iterator[None]:
        """The context made current for the duration (once, however deeply nested)."""
        if self._closed:
            raise RuntimeError("this 3-D renderer has been closed")
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        if not self.context.makeCurrent(self.surface):
            raise OpenGLUnavailable("the 3-D view's OpenGL context could not be made current")
        self._depth = 1
        try:
            yield
        finally:
            self._depth = 0
            self.context.doneCurrent()

    def close(self) -> None:
        """Free every OpenGL resource (safe to call twice)."""
        if self._closed:
            return
        with self.current():
            for buffer in self._buffers.values():
                buffer.destroy()
            self._targets = None
            del self.mesh_program, self.line_program, self.sprite_program
            if self._vao is not None:
                self._vao.destroy()
        self._closed = True
        self.surface.destroy()

    @property
    def closed(self) -> bool:
        return self._closed

    # -- uploads -----------------------------------------------------------------------------
    def set_mesh(self, mesh: Mesh | None) -> None:
        with self.current():
            if mesh is None:
                self._counts = {"triangles": 0, "coarse": 0}
                return
            self._upload("position", mesh.vertices)
            self._upload("normal", mesh.normals)
            self._upload("colour", mesh.colours)
            if mesh.triangles is not self._uploaded.get("triangles"):
                self._upload("triangles", mesh.triangles)
                self._upload("coarse", mesh.coarse)
                self._uploaded = {"triangles": mesh.triangles}
            self._counts = {"triangles": mesh.triangles.size, "coarse": mesh.coarse.size}

    def set_colours(self, colours: NDArray[np.uint8]) -> None:
        with self.current():
            self._upload("colour", colours)

    def set_lines(self, vertices: NDArray[np.float32]) -> None:
        with self.current():
            self._upload("lines", vertices)

    def set_guides(self, vertices: NDArray[np.float32]) -> None:
        with self.current():
            self._upload("guides", vertices)

    def set_sprites(self, positions: NDArray[np.float32], colours: NDArray[np.uint8]) -> None:
        with self.current():
            self._upload("sprites", positions)
            self._upload("sprite_colours", colours)

    def _upload(self, name: str, data: NDArray[np.generic]) -> None:
        buffer = self._buffers[name]
        buffer.bind()
        raw = np.ascontiguousarray(data)
        if raw.nbytes:
            buffer.allocate(raw.tobytes(), raw.nbytes)
        buffer.release()

    # -- drawing -----------------------------------------------------------------------------
    def draw(self, frame: Frame) -> QImage:
        """The frame as an image of ``frame.width x frame.height`` device pixels."""
        with self.current():
            target, resolve = self._target(frame.width, frame.height, frame.samples)
            target.bind()
            gl = self.gl
            gl.glViewport(0, 0, frame.width, frame.height)
            gl.glClearColor(*frame.background)
            gl.glClear(GL_COLOR_BUFFER_BIT | GL_DEPTH_BUFFER_BIT)
            gl.glEnable(GL_DEPTH_TEST)
            gl.glDepthFunc(GL_LEQUAL)
            gl.glDisable(GL_CULL_FACE)
            gl.glBlendFuncSeparate(
                GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA
            )
            mvp = frame.projection @ frame.mv
            self._draw_lines("guides", frame.guides, frame, frame.guide_width, GL_LINES)
            self._draw_mesh(frame, mvp)
            # Nothing after the surface writes depth, so each ghost pass sees the surface
            # alone in front of it, and each normal pass is painted over its ghosts.
            self._draw_paths(frame, ghost=False)
            if frame.ghosts:
                self._draw_paths(frame, ghost=True)
                self._draw_sprites(frame, ghost=True)
            self._draw_sprites(frame, ghost=False)
            target.release()
            if resolve is not target:
                QOpenGLFramebufferObject.blitFramebuffer(resolve, target)
            return self._read(resolve, frame.width, frame.height)

    def _read(self, fbo: Any, width: int, height: int) -> QImage:
        """The framebuffer's pixels as a top-down image. Read as BGRA, which is Qt's ARGB32
        in memory on the machines we run on (little-endian): one copy and a flip, where
        ``toImage`` swaps every pixel's bytes."""
        if sys.byteorder != "little" or self.es:
            image: QImage = fbo.toImage()
            return image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
        pixels = np.empty((height, width, 4), np.uint8)
        fbo.bind()
        self.gl.glReadPixels(
            0,
            0,
            width,
            height,
            GL_BGRA,
            GL_UNSIGNED_BYTE,
            cast(int, shiboken6.VoidPtr(pixels.ctypes.data)),
        )
        fbo.release()
        flipped = np.ascontiguousarray(pixels[::-1])
        image = QImage(
            flipped.data, width, height, 4 * width, QImage.Format.Format_ARGB32_Premultiplied
        )
        return image.copy()  # owning its pixels, not numpy's

    def _target(self, width: int, height: int, samples: int) -> tuple[Any, Any]:
        if not QOpenGLFramebufferObject.hasOpenGLFramebufferBlit():
            samples = 0
        key = (width, height, samples)
        if self._targets is None or self._targets[0] != key:
            self._targets = None  # the old framebuffers go first: they may be large
            fmt = QOpenGLFramebufferObjectFormat()
            fmt.setAttachment(QOpenGLFramebufferObject.Attachment.CombinedDepthStencil)
            fmt.setSamples(samples)
            target = QOpenGLFramebufferObject(width, height, fmt)
            if not target.isValid():
                raise OpenGLUnavailable(f"OpenGL could not make a {width}x{height} picture")
            resolve = QOpenGLFramebufferObject(width, height) if samples else target
            self._targets = (key, (target, resolve))
        return self._targets[1]

    def _draw_mesh(self, frame: Frame, mvp: Array) -> None:
        name = "coarse" if frame.coarse else "triangles"
        count = self._counts[name]
        if not count:
            return
        gl, program = self.gl, self.mesh_program
        program.bind()
        program.matrix("u_mvp", mvp)
        program.matrix("u_mv", frame.mv)
        program.feed("a_position", self._buffers["position"], GL_FLOAT, 3)
        program.feed("a_normal", self._buffers["normal"], GL_FLOAT, 3)
        program.feed("a_colour", self._buffers["colour"], GL_UNSIGNED_BYTE, 4)
        gl.glDisable(GL_BLEND)
        # Pushed back a little, so lines lying on it win the depth test.
        gl.glEnable(GL_POLYGON_OFFSET_FILL)
        gl.glPolygonOffset(1.0, 2.0)
        index = self._buffers[name]
        index.bind()
        # Qt's binding wants a pointer, its stubs an int: offset 0 into the bound buffer.
        gl.glDrawElements(GL_TRIANGLES, count, GL_UNSIGNED_INT, cast(int, shiboken6.VoidPtr(0)))
        index.release()
        gl.glDisable(GL_POLYGON_OFFSET_FILL)
        program.unfeed("a_position", "a_normal", "a_colour")
        program.release()

    def _draw_paths(self, frame: Frame, *, ghost: bool) -> None:
        """Every path's casing, then every path in its colour, in order: paths do not write
        depth, so where two runs share a line the later one is on top (as in the contour
        view) instead of the two fighting pixel by pixel. The ghost pass draws them faintly
        where the surface stands in front."""
        if not frame.paths:
            return
        gl = self.gl
        gl.glDepthMask(False)
        if ghost:
            gl.glDepthFunc(GL_GREATER)
        alpha = GHOST_ALPHA if ghost else 1.0
        casing = (*frame.casing[:3], frame.casing[3] * alpha)
        dark = [Strip(s.first, s.count, casing) for s in frame.paths]
        self._draw_lines("lines", dark, frame, frame.casing_width, GL_LINE_STRIP, frame.path_bias)
        paths = [Strip(s.first, s.count, (*s.colour[:3], s.colour[3] * alpha)) for s in frame.paths]
        self._draw_lines("lines", paths, frame, frame.path_width, GL_LINE_STRIP, frame.path_bias)
        gl.glDepthFunc(GL_LEQUAL)
        gl.glDepthMask(True)

    def _draw_lines(
        self,
        name: str,
        strips: Sequence[Strip],
        frame: Frame,
        width: float,
        mode: int,
        bias: float = 0.0,
    ) -> None:
        if not strips:
            return
        gl, program = self.gl, self.line_program
        program.bind()
        program.matrix("u_mv", frame.mv)
        program.matrix("u_projection", frame.projection)
        program.number("u_bias", bias)
        width *= frame.pixel
        program.feed("a_position", self._buffers[name], GL_FLOAT, 3)
        gl.glEnable(GL_BLEND)
        gl.glLineWidth(min(MAX_LINE_WIDTH, max(1.0, width)))
        for strip in strips:
            program.colour("u_colour", strip.colour)
            gl.glDrawArrays(mode, strip.first, strip.count)
        program.unfeed("a_position")
        program.release()

    def _draw_sprites(self, frame: Frame, *, ghost: bool) -> None:
        runs = [(frame.discs, frame.disc_size, 0.0, 0.0), (frame.balls, frame.ball_size, 1.0, 1.0)]
        if not any(count for (_, count), *_ in runs):
            return
        gl, program = self.gl, self.sprite_program
        program.bind()
        program.matrix("u_mv", frame.mv)
        program.matrix("u_projection", frame.projection)
        program.number("u_world_per_pixel", frame.world_per_pixel)
        program.number("u_alpha", GHOST_ALPHA if ghost else 1.0)
        program.number("u_bias", SPRITE_BIAS)
        program.pair("u_depth", frame.projection[2, 2], frame.projection[2, 3])
        program.colour("u_rim_colour", frame.casing)
        program.feed("a_position", self._buffers["sprites"], GL_FLOAT, 3)
        program.feed("a_colour", self._buffers["sprite_colours"], GL_UNSIGNED_BYTE, 4)
        gl.glEnable(GL_BLEND)
        gl.glEnable(GL_PROGRAM_POINT_SIZE)
        if not self.es:
            gl.glEnable(GL_POINT_SPRITE)  # gl_PointCoord in a compatibility context
        gl.glDepthMask(False)
        if ghost:
            gl.glDepthFunc(GL_GREATER)
        for (first, count), size, shaded, rest in runs:
            if not count:
                continue
            pixels = size * frame.pixel
            program.number("u_size", pixels)
            program.number("u_shaded", shaded)
            program.number("u_rest", rest)
            program.number("u_rim", 1.6 * frame.pixel)
            gl.glDrawArrays(GL_POINTS, first, count)
        gl.glDepthFunc(GL_LEQUAL)
        gl.glDepthMask(True)
        program.unfeed("a_position", "a_colour")
        program.release()

    # -- helpers -----------------------------------------------------------------------------
    def _program(self, vertex: str, fragment: str) -> Program:
        program = QOpenGLShaderProgram()
        for kind, body in (
            (QOpenGLShader.ShaderTypeBit.Vertex, vertex),
            (QOpenGLShader.ShaderTypeBit.Fragment, fragment),
        ):
            if not program.addShaderFromSourceCode(kind, shaders.source(body, es=self.es)):
                raise OpenGLUnavailable(
                    f"the 3-D view's shaders do not compile here: {program.log()}"
                )
        if not program.link():
            raise OpenGLUnavailable(f"the 3-D view's shaders do not link here: {program.log()}")
        return Program(program)

    def _buffer(self, kind: QOpenGLBuffer.Type) -> QOpenGLBuffer:
        buffer = QOpenGLBuffer(kind)
        buffer.setUsagePattern(QOpenGLBuffer.UsagePattern.DynamicDraw)
        if not buffer.create():
            raise OpenGLUnavailable("the 3-D view could not make an OpenGL buffer")
        return buffer
