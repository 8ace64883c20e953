"""The session package never imports Qt or pyqtgraph, checked in a fresh interpreter through
everything it does (open, save, share, recover, describe changes, make the race); making and
changing a session does not even load the function compiler (the window paints first)."""

import subprocess
import sys

HEAVY = ("sympy", "symengine", "PySide6", "pyqtgraph", "shiboken6")


def loaded_after(code: str) -> set[str]:
    """The heavy packages a fresh interpreter has loaded after running ``code``."""
    report = "import sys\nprint(','.join({m.split('.')[0] for m in sys.modules}))\n"
    out = subprocess.run(
        [sys.executable, "-c", code + report], capture_output=True, text=True, check=True
    )
    return set(out.stdout.strip().split(",")) & set(HEAVY)


def test_sessions_load_no_qt(tmp_path):
    code = (
        "import os\n"
        f"os.environ['GRADIENT_STUDIO_STATE_DIR'] = r'{tmp_path}'\n"
        "from gradient_studio.session import Session, files, recovery, sharing, changes\n"
        "s = Session.default().with_hyperparameter('adam', 'lr', 0.1)\n"
        f"files.save(s, r'{tmp_path / 's.gstudio'}')\n"
        f"t = files.load(r'{tmp_path / 's.gstudio'}')\n"
        "assert sharing.from_share_text(sharing.share_text(t)).session == s\n"
        "sharing.command_line(s)\n"
        "recovery.write_recovery(s); assert recovery.read_recovery().session == s\n"
        "changes.describe_change(Session.default(), s)\n"
        "s.race().run()\n"
    )
    assert not loaded_after(code) & {"PySide6", "pyqtgraph", "shiboken6"}


def test_making_and_changing_a_session_loads_no_function_compiler():
    code = (
        "from gradient_studio.session import Session\n"
        "s = Session.default().with_preset('himmelblau').with_hyperparameter('adam', 'lr', 0.1)\n"
        "s = s.with_function('a x^2 + y^2', ('a',)).with_parameter('a', 3).with_start(1, 1)\n"
    )
    assert loaded_after(code) == set()
