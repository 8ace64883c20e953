"""The 3-D view: the landscape as a shaded surface with the optimisers' paths on it.

Importing this package is cheap and loads no OpenGL: it only says whether the view can be
drawn here (:func:`opengl_available`). The picture itself is
:class:`gradient_studio.scene.surface.scene.SurfaceScene`, imported when the view opens.
"""

from gradient_studio.scene.surface.availability import (
    NO_OPENGL_ENV,
    OpenGLUnavailable,
    opengl_available,
    require_opengl,
)

__all__ = ["NO_OPENGL_ENV", "OpenGLUnavailable", "opengl_available", "require_opengl"]
