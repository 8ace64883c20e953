"""Sessions: everything a person can set, as one frozen, versioned value, and its files.

No Qt here (a test checks it): the window, the worker, the exports and ``render --session``
all take what they need from a :class:`Session`.
"""

from gradient_studio.session.errors import SessionError
from gradient_studio.session.exercise import Access, Exercise
from gradient_studio.session.model import Session
from gradient_studio.session.parts import Look, OptimizerSetting, Parameter, Picture, Playback, View

__all__ = [
    "Access",
    "Exercise",
    "Look",
    "OptimizerSetting",
    "Parameter",
    "Picture",
    "Playback",
    "Session",
    "SessionError",
    "View",
]
