"""Fuzzing the loader: any JSON value in any field, fields dropped, random bytes and text —
nothing comes out but a session or a SessionError (never a crash of another kind)."""

from __future__ import annotations

import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from session_strategies import sessions

from gradient_studio.session import Session, SessionError, files
from gradient_studio.session.sharing import from_share_text

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(10**500), 10**500)
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(["sgd", "adam", "lr", "x", "a", "*", "#ffffff", "rosenbrock", "cosine"])
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
BASE = json.loads(
    files.dumps(Session.default().with_function("a x^2 + b y^2 + c", ("a", "b", "c")))
)


def places(doc, path=()):
    """Every place in ``doc``: a key of an object or an index of a list, with its parent."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield doc, key
            yield from places(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            yield doc, i
            yield from places(value, (*path, i))


def opens_or_says_why(text: str) -> None:
    try:
        loaded = files.parse(text)
    except SessionError as e:
        assert str(e) and "\n" not in str(e)
        return
    assert isinstance(loaded.session, Session)
    files.loads(files.dumps(loaded.session))  # what opens can be saved and opened again


@settings(max_examples=250)
@given(st.data())
def test_any_value_in_any_field(data):
    doc = json.loads(json.dumps(BASE))
    for _ in range(data.draw(st.integers(1, 3))):
        spots = list(places(doc))
        parent, key = data.draw(st.sampled_from(spots))
        action = data.draw(st.sampled_from(["replace", "drop", "add"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.text(max_size=8))] = data.draw(VALUES)
        else:
            parent[key] = data.draw(VALUES)
    opens_or_says_why(json.dumps(doc, allow_nan=True))


@settings(max_examples=40)
@given(sessions(), st.data())
def test_any_value_in_any_field_of_any_session(s, data):
    doc = json.loads(files.dumps(s))
    parent, key = data.draw(st.sampled_from(list(places(doc))))
    parent[key] = data.draw(VALUES)
    opens_or_says_why(json.dumps(doc, allow_nan=True))


@settings(max_examples=200)
@given(st.binary(max_size=400))
def test_random_bytes(data):
    with contextlib.suppress(SessionError):
        files.parse_bytes(data)


@settings(max_examples=200)
@given(st.text(max_size=200))
def test_random_text_and_share_strings(text):
    for attempt in (files.parse, from_share_text, lambda t: from_share_text("gstudio:" + t)):
        with contextlib.suppress(SessionError):
            attempt(text)


@settings(max_examples=100)
@given(st.binary(min_size=1, max_size=200), st.integers(0, 2000))
def test_damaged_files(noise, at):
    data = bytearray(files.dumps(Session.default()).encode())
    at %= len(data)
    data[at : at + len(noise)] = noise
    with contextlib.suppress(SessionError):
        files.parse_bytes(bytes(data))
