"""The guide dock, driven through its widgets' objectNames: it lists the lessons, shows one,
moves between them (buttons, list, links), remembers where the student was, and "Show me"
emits exactly the session and overlays the lesson states."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QListWidget, QPushButton, QTextBrowser, QToolButton

from gradient_studio.session import Session
from gradient_studio.session.lessons import BY_KEY, LESSONS
from gradient_studio.ui.guide import GuideDock

LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def guide(qtbot):
    g = GuideDock()
    qtbot.addWidget(g)
    g.resize(320, 820)
    g.show()
    return g


def shown_text(guide: GuideDock) -> str:
    return guide.findChild(QTextBrowser, "guideText").toPlainText()


def plain(rich: str) -> str:
    """Rich text as the browser shows it, for comparing words."""
    text = re.sub(r"<[^>]+>", "", rich).replace("\u2060", "")
    return re.sub(r"\s+", " ", text.replace("&amp;", "&")).strip()


def test_it_lists_every_lesson_and_opens_on_the_first(guide):
    items = guide.findChild(QListWidget, "guideLessons")
    assert [items.item(i).text() for i in range(items.count())] == [
        f"{i}. {lesson.title}" for i, lesson in enumerate(LESSONS, 1)
    ]
    assert guide.index == 0 and items.currentRow() == 0
    text = re.sub(r"\s+", " ", shown_text(guide).replace("\u2060", ""))
    assert f"1. {LESSONS[0].title}" in text
    assert plain(LESSONS[0].text)[:200] in text
    assert "Next: " + plain(LESSONS[0].drag_next) in text  # what to drag next, in its box


def test_previous_next_and_the_list_move_between_lessons(qtbot, guide):
    previous = guide.findChild(QToolButton, "guidePrevious")
    following = guide.findChild(QToolButton, "guideNext")
    assert not previous.isEnabled() and following.isEnabled()
    with qtbot.waitSignal(guide.lesson_changed, timeout=1000) as blocker:
        qtbot.mouseClick(following, LEFT)
    assert blocker.args == [LESSONS[1].key] and guide.index == 1
    assert f"2. {LESSONS[1].title}" in shown_text(guide)
    qtbot.mouseClick(previous, LEFT)
    assert guide.index == 0
    guide.findChild(QListWidget, "guideLessons").setCurrentRow(len(LESSONS) - 1)
    assert guide.lesson is LESSONS[-1]
    assert previous.isEnabled() and not following.isEnabled()
    assert LESSONS[-2].title in previous.toolTip()


def test_a_link_in_the_text_opens_the_lesson_it_names(guide):
    text = guide.findChild(QTextBrowser, "guideText")
    guide.show_lesson("learning-rate")
    assert "momentum" in BY_KEY["learning-rate"].links
    html = text.toHtml()
    assert 'href="lesson:momentum"' in html  # the link is in the page as shown
    text.anchorClicked.emit(QUrl("lesson:momentum"))
    assert guide.lesson.key == "momentum"
    text.anchorClicked.emit(QUrl("https://example.org"))  # not a lesson: nothing happens
    assert guide.lesson.key == "momentum"


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.key for lesson in LESSONS])
def test_show_me_emits_the_lessons_session_and_overlays(qtbot, guide, lesson):
    guide.show_lesson(lesson.key)
    button = guide.findChild(QPushButton, "guideShowMe")
    with qtbot.waitSignal(guide.show_me, timeout=1000) as blocker:
        qtbot.mouseClick(button, LEFT)
    session, shown = blocker.args
    assert isinstance(session, Session) and session == lesson.session()
    assert shown is lesson and shown.overlays == lesson.overlays
    assert shown.inspect in session.ticked


def test_show_me_of_the_first_lesson_is_booth_from_minus_8_8(qtbot, guide):
    with qtbot.waitSignal(guide.show_me, timeout=1000) as blocker:
        qtbot.mouseClick(guide.findChild(QPushButton, "guideShowMe"), LEFT)
    session, lesson = blocker.args
    assert (session.preset, session.start, session.ticked) == ("booth", (-8.0, 8.0), ("sgd",))
    assert dict(lesson.overlays) == {"field": True, "arrows": "readable"}


def test_it_reopens_on_the_lesson_open_last(qtbot, guide):
    guide.show_lesson("saddle")
    again = GuideDock()
    qtbot.addWidget(again)
    assert again.lesson.key == "saddle"


def test_an_unknown_remembered_lesson_opens_the_first(qtbot):
    from gradient_studio.ui import settings

    settings.store().setValue("guide/lesson", "no-such-lesson")
    g = GuideDock()
    qtbot.addWidget(g)
    assert g.index == 0
