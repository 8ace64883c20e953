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


def prepare() -> bool:
    """Get the 3-D view ready to open at once: load the OpenGL driver, compile the shaders
    and draw one tiny picture, keeping the context for the first view. A window calls it
    when idle after its first paint (a third of a second on Mesa's software renderer, tens
    of ms on a GPU); False where OpenGL is unavailable (nothing else happens then)."""
    if not opengl_available()[0]:
        return False
    from gradient_studio.scene.surface import scene, warmup  # noqa: F401  (imported now)

    return warmup.prepare()


__all__ = ["NO_OPENGL_ENV", "OpenGLUnavailable", "opengl_available", "prepare", "require_opengl"]
