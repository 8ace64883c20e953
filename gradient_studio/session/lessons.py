"""The guide's lessons: short texts for a student meeting the gradient, each with the window
state that puts its point on screen and the control to drag next.

A :class:`Lesson` is plain data. Its :meth:`~Lesson.session` is built from
:meth:`Session.from_preset <gradient_studio.session.model.Session.from_preset>` (or
``from_function``) with the session's own ``with_*`` changes, so "Show me" is one undoable
change of the window's session. What a session cannot hold yet — the gradient drawn over the
picture — is in :attr:`Lesson.overlays`, named as :class:`gradient_studio.export.PictureStyle`
and the scene's setters name it (:data:`OVERLAYS`); :attr:`Lesson.inspect` names the run the
step inspector opens on (the first start of that optimiser, at the session's playhead).

Every number a lesson's text quotes is the engine's: ``tests/session/test_lessons.py`` runs
each session and holds the text to it (and to closed forms worked by hand).

Texts are Qt rich text: ``<b>`` for the key words, formulas in Unicode kept on one line, and
links ``lesson:KEY`` between lessons (written `formula` and [[key|words]]: :func:`rich`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from gradient_studio.session.model import Session
from gradient_studio.session.parts import View

#: The overlays a lesson may ask for, with the values each takes (PictureStyle's names):
#: head arrows at readable or true length, the −∇f field, the curvature glyph at a point
#: (x, y), and the landscape coloured by log₁₀‖∇f‖.
OVERLAYS: Mapping[str, str] = MappingProxyType(
    {
        "arrows": '"readable" or "true"',
        "field": "True",
        "curvature": "a point (x, y)",
        "colour_by": '"gradient_norm"',
    }
)
LINK = "lesson:"  # a link to another lesson: lesson:KEY


@dataclass(frozen=True)
class Lesson:
    """One lesson: its title, its text, what to drag next and the state that shows it."""

    key: str
    title: str
    text: str  # Qt rich text
    drag_next: str  # rich text: the control to move next, and what to watch
    build: Callable[[], Session] = field(repr=False, compare=False)
    overlays: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    inspect: str | None = None  # the optimiser whose run the step inspector opens on

    def session(self) -> Session:
        """The window's state for this lesson (a new session each time)."""
        return self.build()

    @property
    def links(self) -> tuple[str, ...]:
        """The keys of the lessons this one links to, in order."""
        parts = self.text.split(f'href="{LINK}')[1:]
        return tuple(part.split('"', 1)[0] for part in parts)


def _gradient() -> Session:
    return (
        Session.from_preset("booth", ticked=["sgd"])
        .with_hyperparameter("sgd", "lr", 0.01)
        .with_start(-8, 8)
        .with_steps(60)
        .with_playhead(0)
    )


def _learning_rate() -> Session:
    return (
        Session.from_preset("ill-conditioned", ticked=["sgd"])
        .with_hyperparameter("sgd", "lr", 0.045)
        .with_start(-2.8, 1.5)
        .with_steps(60)
    )


def _momentum() -> Session:
    return (
        Session.from_preset("rosenbrock", ticked=["sgd", "momentum"])
        .with_hyperparameter("sgd", "lr", 0.001)
        .with_hyperparameter("momentum", "lr", 0.001)
        .with_hyperparameter("momentum", "momentum", 0.9)
        .with_start(-1.5, 2)
        .with_steps(500)
        .with_playhead(18)
    )


def _adaptive() -> Session:
    return (
        Session.from_preset("ill-conditioned", ticked=["sgd", "rmsprop", "adam"])
        .with_hyperparameter("sgd", "lr", 0.045)
        .with_hyperparameter("rmsprop", "lr", 0.1)
        .with_hyperparameter("adam", "lr", 0.1)
        .with_parameter_bounds("b", 1, 200)  # room to drag b to 200
        .with_start(-2.8, 1.5)
        .with_steps(100)
    )


def _saddle() -> Session:
    return (
        Session.from_preset("saddle", ticked=["sgd", "newton", "adam"])
        .with_hyperparameter("sgd", "lr", 0.05)
        .with_hyperparameter("newton", "lr", 1)
        .with_hyperparameter("newton", "damping", 1)
        .with_hyperparameter("adam", "lr", 0.05)
        .with_start(-1.8, 0.05)
        .with_steps(150)
    )


PLATEAU = "tanh(x)^2 + y^2"
PLATEAU_VIEW = View((-5.0, 5.0), (-3.0, 3.0))


def _vanishing() -> Session:
    s = (
        Session.from_function(PLATEAU, (), ticked=["sgd", "adam"])
        .with_hyperparameter("sgd", "lr", 0.1)
        .with_hyperparameter("adam", "lr", 0.1)
        .with_start(4, 0.5)
        .with_steps(300)
    )
    return replace(s, view=PLATEAU_VIEW, home=PLATEAU_VIEW)  # Reset View comes back here


def _local_minima() -> Session:
    return (
        Session.from_preset("three-hump-camel", ticked=["sgd", "momentum", "adam"])
        .with_hyperparameter("sgd", "lr", 0.08)
        .with_hyperparameter("momentum", "lr", 0.08)
        .with_hyperparameter("adam", "lr", 0.05)
        .with_start(-1.5, -1.5)
        .with_steps(300)
    )


FORMULA = re.compile(r"`([^`]+)`")
CROSS_LINK = re.compile(r"\[\[([a-z-]+)\|([^\]]+)\]\]")


def _kept_together(match: re.Match[str]) -> str:
    # nowrap keeps Qt from breaking at spaces; a word joiner, from breaking after a "/"
    formula = match.group(1).replace("/", "/\u2060")
    return f'<span style="white-space:nowrap">{formula}</span>'


def rich(text: str) -> str:
    """The lessons' source marks, as Qt rich text: `formula` is kept on one line (a narrow
    dock would break it at its spaces) and [[key|words]] links to lesson ``key``."""
    text = FORMULA.sub(_kept_together, text)
    return CROSS_LINK.sub(rf'<a href="{LINK}\1">\2</a>', text)


def _lesson(
    key: str,
    title: str,
    text: str,
    drag_next: str,
    build: Callable[[], Session],
    overlays: Mapping[str, object],
    inspect: str,
) -> Lesson:
    return Lesson(
        key, title, rich(text), rich(drag_next), build, MappingProxyType(dict(overlays)), inspect
    )


LESSONS: tuple[Lesson, ...] = (
    _lesson(
        "gradient",
        "What a gradient is",
        "<p>Stand on a hillside: how steep it is depends on which way you face. For a "
        "function f(x, y) two numbers say it all: <b>∂f/∂x</b>, how fast f rises as you "
        "step along x, and <b>∂f/∂y</b>, how fast it rises along y. Together they make the "
        "<b>gradient</b> `∇f = (∂f/∂x, ∂f/∂y)`, an arrow that points <b>uphill</b>, in the "
        "direction in which f increases fastest. Its length `‖∇f‖ = √((∂f/∂x)² + (∂f/∂y)²)` "
        "says how steep the slope is there.</p>"
        "<p><b>Gradient descent</b> walks the other way, along <b>−∇f</b>, downhill as "
        "steeply as possible. Each step is `x ← x − η·∂f/∂x` and `y ← y − η·∂f/∂y`, where "
        "η, the [[learning-rate|learning rate]], sets how far it goes.</p>"
        "<p>On screen is Booth's bowl, `f = (x + 2y − 7)² + (2x + y − 5)²`. Each small "
        "arrow of the <b>−∇f field</b> points downhill from its spot, always across the "
        "contour lines at right angles; its colour says how steep it is there. At the "
        "run's head, the ∇f arrow points uphill and the step goes straight the other "
        "way.</p>"
        "<p>The <b>Step Inspector</b> shows the numbers at the start (−8, 8): "
        "∂f/∂x = −50 and ∂f/∂y = −22, so ‖∇f‖ = 54.6. Check the first by hand: "
        "`∂f/∂x = 2(x + 2y − 7) + 4(2x + y − 5)` `= 2·1 + 4·(−13) = −50`. Both are "
        "negative, so f falls as x grows and as y grows: the first step goes right and "
        "up, to `x₁ = −8 − 0.01·(−50) = −7.5` and `y₁ = 8 − 0.01·(−22) = 8.22`.</p>",
        "<b>Press →</b> to take one step at a time, then <b>drag the start</b> (the white "
        "disc) around the bowl and watch ∂f/∂x and ∂f/∂y change in the inspector.",
        _gradient,
        {"field": True, "arrows": "readable"},
        "sgd",
    ),
    _lesson(
        "learning-rate",
        "Learning rate and the stability edge",
        "<p>The <b>learning rate</b> η sets how far each step goes: `x ← x − η·∇f`. Too "
        "small and the run crawls; too large and it overshoots the valley floor and climbs "
        "the other side.</p>"
        "<p>In this stretched bowl, `f = x² + 20y²`, the <b>curvature</b> (how fast the "
        "slope itself changes) is `λ₁ = ∂²f/∂x² = 2` along the valley and "
        "`λ₂ = ∂²f/∂y² = 40` across it. Across, `∂f/∂y = 40y`, so each step sets "
        "`y ← y − η·40y = (1 − 40η)·y`. With η = 0.045 that factor is −0.8: the sign flips "
        "every step — the <b>zig-zag</b>, 1.5, −1.2, 0.96, … — but the size shrinks, so "
        "the zig-zag dies out. Along the valley the factor is `1 − 2η = 0.91`: the slow "
        "crawl.</p>"
        "<p>Above `η = 2/λ₂ = 0.05` the factor is beyond −1 and every zig-zag is bigger "
        "than the last: the run is thrown out. That is the <b>stability edge</b>. The "
        "<b>curvature glyph</b> at the start — the ellipse of the local bowl, with three "
        "steps drawn from the point and its numbers in the key — states it: “gradient "
        "descent with a learning rate above 0.05 is unstable here”. One learning rate "
        "cannot suit both directions: [[momentum|momentum]] and "
        "[[adaptive|adaptive methods]] are two ways out.</p>",
        "<b>Drag the learning rate</b> of Gradient descent slowly from 0.045 past 0.05 (to "
        "0.055) and watch the zig-zag grow instead of shrink.",
        _learning_rate,
        {"curvature": (-2.8, 1.5), "arrows": "readable"},
        "sgd",
    ),
    _lesson(
        "momentum",
        "Momentum",
        "<p>Plain gradient descent forgets every step as soon as it has taken it. "
        "<b>Momentum</b> keeps a <b>velocity</b> b: each step adds the new gradient to μ "
        "times the old velocity, `b ← μ·b + ∇f`, and moves by `−η·b`. It is a heavy ball "
        "rolling downhill.</p>"
        "<p>The playhead is at step 18 in Rosenbrock's curved valley. There ∂f/∂x = 31.6, "
        "so downhill is towards −x; but the velocity remembered from earlier steps is "
        "b = −66.6 in x, and `μ·b + ∂f/∂x = 0.9·(−66.56) + 31.63 = −28.27`. The step "
        "still goes towards +x, against the gradient — and f even rises for a step, from "
        "5.72 to 6.77. The two arrows at the head show it: ∇f one way, the step "
        "another.</p>"
        "<p>Along the valley the gradients keep pointing the same way, so the velocity "
        "builds up (up to `1/(1 − μ) = 10` gradients' worth); across it they alternate and "
        "cancel. After 500 steps gradient descent is still near its start (f = 4.47), "
        "while momentum, with the same η = 0.001, has reached the far end (f = 0.0044).</p>",
        "<b>Press Space</b> to play on to step 500. Then <b>drag Momentum's μ</b> up to "
        "0.99 (too much memory: it overshoots and wanders, f = 0.097) and down to 0.5 (too "
        "little: f = 2.76, hardly better than gradient descent).",
        _momentum,
        {"arrows": "true"},
        "momentum",
    ),
    _lesson(
        "adaptive",
        "Adaptive methods: RMSprop and Adam",
        "<p>Gradient descent's step is η times the gradient, so a steep direction gets big "
        "steps and a shallow one tiny steps — and, as the "
        "[[learning-rate|stability edge]] showed, one η cannot suit both.</p>"
        "<p><b>RMSprop</b> keeps, per coordinate, a running average v of the squared "
        "gradient, `v ← α·v + (1 − α)·g²`, and steps by `−η·g/(√v + ε)`: the gradient "
        "divided by its own typical size. <b>Adam</b> does the same and adds "
        "[[momentum|momentum]]: a running average m of the gradient itself (the "
        "<b>first moment</b>; v is the <b>second moment</b>), both corrected for starting "
        "at zero. The result: steps of about η in every coordinate, whatever the slope. "
        "At the start ∂f/∂x = −5.6 and ∂f/∂y = 60, yet Adam's first step is 0.1 in x and "
        "0.1 in y.</p>"
        "<p>All three start together in `f = x² + 20y²`. Gradient descent zig-zags across "
        "the bowl; RMSprop and Adam do not. The inspector shows Adam's m and v at every "
        "step.</p>",
        "<b>Drag the parameter b</b> from 20 towards 200 to make the bowl steeper. Past "
        "b = 22.2, where the edge `2/λ₂ = 1/b` falls below η = 0.045, gradient descent's "
        "zig-zag grows instead of shrinking; by b = 25 it is thrown out (“gradient "
        "exploded”), at b = 200 by step 7. RMSprop and Adam hardly notice.",
        _adaptive,
        {"arrows": "readable"},
        "adam",
    ),
    _lesson(
        "saddle",
        "Saddles and Newton's method",
        "<p>`f = x² − y²` is a valley along x and a ridge along y: a <b>saddle</b>, like a "
        "mountain pass. At its centre (0, 0) the gradient is zero, yet it is no minimum. "
        "Gradient descent, started almost on the ridge line (y = 0.05), first slides along "
        "x towards the pass, where the slope is slight; y only grows by `1 + 2η = 1.1` each "
        "step, so it needs 32 steps to reach |y| > 1 and escape.</p>"
        "<p><b>Newton's method</b> uses the curvature too: the <b>Hessian</b> H, the table "
        "of second derivatives (here `∂²f/∂x² = 2`, `∂²f/∂y² = −2`). Its step `−H⁻¹∇f` "
        "jumps to the centre of the local quadratic model. At a saddle that centre is the "
        "saddle itself. The curvature glyph at the start draws the two lines along which f "
        "does not curve, and Newton's step (1.8, −0.05) from (−1.8, 0.05) lands exactly on "
        "(0, 0) — towards the pass, not downhill. Plain Newton would stop there, where "
        "∇f = 0. Gradient Studio's Newton therefore shifts H's eigenvalues until they are "
        "all positive, and escapes downhill; its notes say “eigenvalues shifted”.</p>"
        "<p>There is no minimum here: every run's note says “f decreases without "
        "bound”.</p>",
        "<b>Drag the start's y</b> closer to 0 (type 0.005 in the start's y box): gradient "
        "descent now needs 56 steps to leave — each tenfold nearer the ridge line costs it "
        "another 24.",
        _saddle,
        {"curvature": (-1.8, 0.05), "arrows": "readable"},
        "newton",
    ),
    _lesson(
        "vanishing",
        "Vanishing and exploding gradients",
        "<p>Far out along x, tanh(x) is flat: its slope is almost zero. Here "
        "`f = tanh(x)² + y²`, and the start (4, 0.5) is on that <b>plateau</b>: ∂f/∂x is "
        "only 0.00268 while ∂f/∂y = 1. Gradient descent follows the gradient, and a "
        "<b>vanishing gradient</b> gives vanishing steps: after 300 steps it has slid down "
        "in y but barely moved in x, and the status says “stalled on a plateau”. Colouring "
        "by ‖∇f‖ shows the plateau as a dark band.</p>"
        "<p>[[adaptive|Adam]] divides by the gradient's size, so it keeps moving and finds "
        "the minimum (f = 3·10⁻¹³).</p>"
        "<p>A bigger η helps gradient descent only so far: across y the bowl has curvature "
        "λ₂ = 2, so its [[learning-rate|stability edge]] is `2/λ₂ = 1`. Past it every step "
        "overshoots further and the gradient <b>explodes</b>. <b>Clipping</b> the gradient "
        "(shortening it to at most a set length) keeps the steps bounded.</p>",
        "<b>Drag Gradient descent's learning rate</b> up to 0.9: it now crosses the plateau "
        "(converged at step 291). Push it past 1 (to 1.2): “gradient exploded at step 57”. "
        "Then <b>turn on clipping</b> (norm 1): the steps stay bounded.",
        _vanishing,
        {"colour_by": "gradient_norm", "arrows": "readable", "curvature": (4.0, 0.5)},
        "sgd",
    ),
    _lesson(
        "local-minima",
        "Local minima: where you start matters",
        "<p>The gradient only knows the slope where you stand. On a landscape with several "
        "valleys, a run goes down the one it starts in and stops at its bottom — a "
        "<b>local minimum</b> — even if a deeper one lies over the next rim.</p>"
        "<p>The three-hump camel has its deepest point at (0, 0), f = 0, and two shallower "
        "valleys at (±1.75, ∓0.87), f = 0.299. Gradient descent from (−1.5, −1.5) stops in "
        "the left one; the status says “stopped in a local minimum”. [[momentum|Momentum]] "
        "builds up so much speed that it rolls straight over the deepest point and up into "
        "the valley on the other side. Adam's steps of about η find the middle.</p>",
        "<b>Click the landscape</b> to start elsewhere, for example at (−0.5, −1.5): now "
        "gradient descent finds the deepest point too.",
        _local_minima,
        {"arrows": "readable"},
        "sgd",
    ),
)

BY_KEY: Mapping[str, Lesson] = MappingProxyType({lesson.key: lesson for lesson in LESSONS})
