"""Every field survives save → open → save, byte for byte, and a gstudio: string."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from session_strategies import sessions

from gradient_studio.session import Session, files
from gradient_studio.session.sharing import from_share_text, share_text


@settings(max_examples=60)
@given(sessions())
def test_save_open_save_is_byte_for_byte(tmp_path_factory, s):
    folder = tmp_path_factory.mktemp("round")
    first = files.save(s, folder / "a.gstudio").read_bytes()
    opened = files.load(folder / "a.gstudio")
    assert opened == s
    again = files.save(opened, folder / "b.gstudio").read_bytes()
    assert again == first


@settings(max_examples=40)
@given(sessions())
def test_a_gstudio_string_holds_the_same_session(s):
    text = share_text(s)
    assert text.startswith("gstudio:") and text.isascii() and " " not in text
    loaded = from_share_text(text)
    assert loaded.session == s and loaded.warnings == ()


def test_floats_are_written_exactly(tmp_path):
    s = Session.default().with_hyperparameter("adam", "lr", 0.1 + 0.2)
    s = s.with_parameter("a", -0.0).with_start(5e-324, -1.0000000000000002)
    text = files.dumps(s)
    assert "0.30000000000000004" in text and "5e-324" in text and "-0.0" in text
    assert files.loads(text) == s


def test_the_file_is_utf8_json_with_the_format_first(tmp_path):
    s = Session.from_function("a x^2 + y^2", ("a",))
    data = files.save(s, tmp_path / "s.gstudio").read_bytes()
    doc = json.loads(data.decode("utf-8"))
    assert list(doc)[:2] == ["format", "version"]
    assert doc["format"] == "gradient-studio-session" and doc["version"] == 1
    assert data.endswith(b"}\n")


def test_a_failed_save_leaves_the_old_file_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "lecture.gstudio"
    old = files.save(Session.default(), path).read_bytes()
    real = type(path).write_text

    def half_then_full_disk(self, text, *args, **kwargs):
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(type(path), "write_text", half_then_full_disk)
    with pytest.raises(OSError) as info:
        files.save(Session.default().with_steps(7), path)
    assert info.value.filename == str(path) and "No space left" in str(info.value)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lecture.gstudio"]  # no leftovers
