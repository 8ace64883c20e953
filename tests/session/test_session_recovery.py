"""Recovery: the last state written aside (atomically, at most every few seconds), offered
back after a crash, and gone once the session is safe; recent files' arithmetic."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gradient_studio.session import Session, files
from gradient_studio.session import recovery as r


@pytest.fixture
def state(tmp_path, monkeypatch):
    folder = tmp_path / "state"
    monkeypatch.setenv(r.ENVIRONMENT, str(folder))
    return folder


def test_the_state_folder_follows_the_environment(state, monkeypatch):
    assert r.state_dir() == state and r.recovery_path() == state / "recovery.gstudio"
    monkeypatch.delenv(r.ENVIRONMENT)
    monkeypatch.setenv("XDG_STATE_HOME", "/somewhere")
    if sys.platform.startswith("linux"):
        assert str(r.state_dir()) == "/somewhere/gradient-studio"


def test_nothing_to_recover_at_first(state):
    assert r.read_recovery() is None
    r.clear_recovery()  # nothing to clear is fine


def test_a_session_written_aside_comes_back_with_its_file(state, tmp_path):
    s = Session.default().with_hyperparameter("adam", "lr", 0.123)
    path = r.write_recovery(s, tmp_path / "lecture.gstudio")
    assert path.parent == state and oct(state.stat().st_mode & 0o777) == "0o700"
    back = r.read_recovery()
    assert back is not None and back.session == s
    assert back.file == tmp_path / "lecture.gstudio" and back.written > 0
    assert files.load(path) == s  # it is a session file that opens on its own too
    r.clear_recovery()
    assert r.read_recovery() is None


def test_a_damaged_or_newer_recovery_is_not_offered(state):
    state.mkdir()
    r.recovery_path().write_bytes(b"\x00garbage")
    assert r.read_recovery() is None
    r.recovery_path().write_text('{"format": "gradient-studio-session", "version": 99}')
    assert r.read_recovery() is None
    assert r.recovery_path().exists()  # left for a newer version to read


def test_after_a_kill_the_next_launch_finds_the_last_state(state):
    code = (
        "import os, signal\n"
        "from gradient_studio.session import Session, recovery\n"
        "keeper = recovery.Recovery(interval=0.0)\n"
        "s = Session.default()\n"
        "for lr in (0.01, 0.02, 0.03):\n"
        "    s = s.with_hyperparameter('adam', 'lr', lr)\n"
        "    keeper.changed(s)\n"
        "    keeper.flush()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    env = {**os.environ, r.ENVIRONMENT: str(state)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
    assert done.returncode != 0  # killed, no exit handlers ran
    back = r.read_recovery()
    assert back is not None and back.session.optimizer("adam").values["lr"] == 0.03
    assert back.file is None


def test_writes_come_at_most_every_interval_and_only_after_a_change(state):
    now = [100.0]
    keeper = r.Recovery(interval=3.0, clock=lambda: now[0])
    assert not keeper.flush()  # nothing changed
    keeper.changed(Session.default())
    assert keeper.flush() and r.read_recovery() is not None
    keeper.changed(Session.default().with_steps(10))
    now[0] += 1.0
    assert not keeper.flush()  # too soon
    assert r.read_recovery().session.steps == 500
    now[0] += 2.5
    assert keeper.flush() and r.read_recovery().session.steps == 10
    assert not keeper.flush()  # written: nothing pending
    keeper.changed(Session.default().with_steps(20))
    assert keeper.flush(force=True)  # on the way out
    keeper.clear()
    assert r.read_recovery() is None and not keeper.flush(force=True)


def test_a_failed_write_is_kept_for_the_next_flush(state, tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv(r.ENVIRONMENT, str(blocker / "state"))
    keeper = r.Recovery(interval=0.0)
    keeper.changed(Session.default())
    assert not keeper.flush() and isinstance(keeper.error, OSError)
    monkeypatch.setenv(r.ENVIRONMENT, str(state))
    assert keeper.flush() and keeper.error is None and r.read_recovery() is not None


def test_recent_files_put_the_last_first_once_and_keep_ten(tmp_path):
    names = [str(tmp_path / f"{i}.gstudio") for i in range(12)]
    recent: list[str] = []
    for name in names:
        recent = r.remembered(recent, name)
    assert recent == names[::-1][:10]
    again = r.remembered(recent, os.path.relpath(names[5]))
    assert again[0] == names[5] and again.count(names[5]) == 1 and len(again) == 10
    (tmp_path / "3.gstudio").write_text("")
    assert r.existing(again) == [names[3]]
