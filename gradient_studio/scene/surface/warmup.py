"""Getting the 3-D view ready to open at once: the OpenGL driver loaded, the shaders compiled
and a surface of the default size's triangles on the GPU, before anyone asks for the view."""

from __future__ import annotations

import numpy as np

from gradient_studio.scene.palette import ColourScale, colormap_lut
from gradient_studio.scene.surface.availability import OpenGLUnavailable
from gradient_studio.scene.surface.camera import Camera
from gradient_studio.scene.surface.frame import Frame, Strip
from gradient_studio.scene.surface.geometry import MESH_CELLS, Box, build_mesh
from gradient_studio.scene.surface.renderer import Renderer


def warm(renderer: Renderer) -> None:
    """Draw a tiny picture with every program (drivers compile shaders on first use),
    with a surface of the default size (its triangles are then built and uploaded)."""
    xs = ys = np.linspace(-1.0, 1.0, MESH_CELLS + 1)
    box = Box((-1.0, 1.0), (-1.0, 1.0), ColourScale(0.0, 1.0))
    u = np.add.outer(ys, xs) ** 2 / 4
    renderer.set_mesh(build_mesh(xs, ys, u, box, colormap_lut("viridis")))
    renderer.set_lines(np.array([[0, 0, 1], [0.5, 0.5, 1]], np.float32))
    renderer.set_guides(np.array([[0, 0, 0], [1, 0, 0]], np.float32))
    renderer.set_sprites(np.zeros((2, 3), np.float32), np.full((2, 4), 255, np.uint8))
    camera = Camera()
    frame = Frame(
        width=8,
        height=8,
        mv=camera.view_matrix(5.0),
        projection=camera.projection_matrix(1.0, 0.1, 20.0),
        world_per_pixel=0.01,
        guides=[Strip(0, 2, (0.5, 0.5, 0.5, 1.0))],
        paths=[Strip(0, 2, (1.0, 0.0, 0.0, 1.0))],
        balls=(0, 1),
        discs=(1, 1),
    )
    renderer.draw(frame)
    renderer.set_mesh(None)


_spare: Renderer | None = None  # made by prepare(), waiting for the first view


def prepare() -> bool:
    """Make a renderer now and draw one small picture with it, so that opening the view
    later costs neither loading the OpenGL driver nor compiling the shaders (on Mesa's
    software renderer those are most of the first picture's time: ~50 ms for the context,
    ~100 ms for the first draw). The first scene takes it (:func:`take`). Returns whether
    it could; a machine without OpenGL just answers False."""
    global _spare
    if _spare is not None and not _spare.closed:
        return True
    try:
        renderer = Renderer()
        warm(renderer)
    except OpenGLUnavailable:
        return False
    _spare = renderer
    return True


def take() -> Renderer:
    """The renderer :func:`prepare` made, else a new one."""
    global _spare
    renderer, _spare = _spare, None
    if renderer is not None and not renderer.closed:
        return renderer
    return Renderer()
