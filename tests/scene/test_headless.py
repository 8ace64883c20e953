"""Drawing on a machine with no display, and keeping imports lean and one-way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from gradient_studio.scene.qt import needs_offscreen


def run(code: str, **env_changes: str | None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="always have a screen")
def test_offscreen_only_without_a_display_or_a_chosen_platform():
    assert needs_offscreen({})
    assert not needs_offscreen({"DISPLAY": ":0"})
    assert not needs_offscreen({"WAYLAND_DISPLAY": "wayland-0"})
    assert not needs_offscreen({"QT_QPA_PLATFORM": "xcb"})


def test_macos_and_windows_never_need_it(monkeypatch):
    for platform in ("darwin", "win32"):
        monkeypatch.setattr(sys, "platform", platform)
        assert not needs_offscreen({})


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="always have a screen")
def test_a_picture_is_drawn_with_no_display_and_no_platform_set(tmp_path):
    out = tmp_path / "x.png"
    code = (
        "from gradient_studio.engine import Race\n"
        "from gradient_studio.export.images import write_png\n"
        "from PySide6.QtWidgets import QApplication\n"
        f"write_png(r'{out}', Race.create(preset='booth', steps=20).run(), size=(300, 200))\n"
        "print(QApplication.instance().platformName())\n"
    )
    done = run(code, DISPLAY=None, WAYLAND_DISPLAY=None, QT_QPA_PLATFORM=None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "offscreen"
    assert out.stat().st_size > 1000


def test_importing_the_writers_loads_no_qt_and_no_pillow():
    code = (
        "import sys, gradient_studio.export.images\n"
        "heavy = ('PySide6', 'pyqtgraph', 'PIL', 'shiboken6')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in heavy)))\n"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_a_png_needs_neither_pillow_nor_qtsvg_of_its_own(tmp_path):
    code = (
        "import sys\n"
        "from gradient_studio.engine import Race\n"
        "from gradient_studio.export.images import write_png\n"
        f"write_png(r'{tmp_path / 'x.png'}', Race.create(preset='booth', steps=5).run(),"
        " size=(200, 150))\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'PIL')))\n"
        "ours = sorted(m for m in sys.modules if m.startswith('gradient_studio.export'))\n"
        "print(','.join(ours))\n"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    pil, ours = done.stdout.splitlines()
    assert pil == ""
    assert "gradient_studio.export._svg" not in ours


def test_the_scene_imports_nothing_above_it():
    code = (
        "import sys, gradient_studio.scene\n"
        "above = ('gradient_studio.ui', 'gradient_studio.cli', 'gradient_studio.export')\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(above))))\n"
    )
    done = run(code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
