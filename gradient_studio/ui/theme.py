"""The window's own text colours, each readable against what it is drawn on.

Qt's ``palette(mid)`` is the usual "quiet" grey, and it fails: #b8b8b8 on Fusion's #efefef is
1.7:1. WCAG AA asks 4.5:1 for ordinary text. :func:`quiet_colour` finds the lightest blend of
the palette's text colour towards the background that still reaches that (with a margin), so
a hint looks quieter than the text around it and stays readable, in a light theme or a dark
one. :func:`contrast` is the WCAG ratio; the tests hold every text colour here to it.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

#: WCAG 2.x AA for ordinary text.
AA = 4.5
#: What quiet text aims for: AA with a margin for antialiasing and rounding.
QUIET = 5.0
#: Error text: the messages and the outcomes that went wrong.
ERROR = "#b03a2e"
#: Notes that are not errors (under the status table).
NOTE = "#444444"
#: Ordinary text on the white plot backgrounds.
TEXT = "#1f1f1f"

Colour = QColor | str


def luminance(colour: Colour) -> float:
    """WCAG relative luminance of an sRGB colour: 0 (black) … 1 (white)."""
    c = QColor(colour)

    def linear(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(c.redF()) + 0.7152 * linear(c.greenF()) + 0.0722 * linear(c.blueF())


def contrast(foreground: Colour, background: Colour) -> float:
    """The WCAG contrast ratio of two colours, 1 … 21."""
    a, b = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def blend(a: Colour, b: Colour, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way to ``b``."""
    ca, cb = QColor(a), QColor(b)
    return QColor.fromRgbF(
        ca.redF() + t * (cb.redF() - ca.redF()),
        ca.greenF() + t * (cb.greenF() - ca.greenF()),
        ca.blueF() + t * (cb.blueF() - ca.blueF()),
    )


def quiet_colour(text: Colour, background: Colour, ratio: float = QUIET) -> str:
    """The colour between ``text`` and ``background`` nearest the background that still
    contrasts with it by ``ratio`` (``text`` itself if even that does not)."""
    low, high = 0.0, 1.0
    for _ in range(24):
        mid = (low + high) / 2
        if contrast(blend(text, background, mid), background) >= ratio:
            low = mid
        else:
            high = mid
    return str(blend(text, background, low).name())


def palette() -> QPalette:
    return QApplication.palette()


def quiet(role: QPalette.ColorRole = QPalette.ColorRole.Window) -> str:
    """Quiet text for a background of the application palette's ``role`` (Window for
    labels on a panel, Base for text inside an entry box)."""
    p = palette()
    text = (
        QPalette.ColorRole.WindowText
        if role == QPalette.ColorRole.Window
        else QPalette.ColorRole.Text
    )
    return quiet_colour(p.color(text), p.color(role))


def quiet_style() -> str:
    """A style sheet line for a quiet label on a panel."""
    return f"color: {quiet()};"
