"""`gradient-studio` with no command on a broken install says what is broken, in one line,
instead of a stale "coming in a later version" or a page of traceback (issue 11, item 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

# A meta-path finder that makes one module fail to import as a broken install would.
BREAK = textwrap.dedent(
    """
    import sys
    from importlib.abc import MetaPathFinder

    broken, kind = sys.argv[1], sys.argv[2]

    class Broken(MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name != broken:
                return None
            if kind == "missing":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            raise ImportError(
                "libEGL.so.1: cannot open shared object file: No such file or directory",
                name=name,
            )

    sys.meta_path.insert(0, Broken())
    from gradient_studio.cli import main
    raise SystemExit(main([]))
    """
)


@pytest.mark.parametrize(
    ("module", "kind", "says"),
    [
        ("pyqtgraph", "missing", "pyqtgraph is not installed"),
        ("PySide6.QtWidgets", "missing", "PySide6 is not installed"),
        ("PySide6.QtWidgets", "library", "PySide6.QtWidgets cannot be loaded (libEGL.so.1"),
        ("gradient_studio.ui.window", "library", "gradient_studio.ui.window cannot be loaded"),
    ],
)
def test_a_broken_install_says_what_is_broken(module, kind, says):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    r = subprocess.run(
        [sys.executable, "-c", BREAK, module, kind],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert r.returncode == 1
    assert r.stderr.startswith("gradient-studio: error: the window cannot start: ")
    assert says in r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "later version" not in r.stdout + r.stderr
