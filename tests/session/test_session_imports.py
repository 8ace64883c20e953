"""The session package never imports Qt or pyqtgraph: checked in a fresh interpreter, through
everything it does (open, save, share, recover, describe changes, make the race)."""

import subprocess
import sys


def test_sessions_load_no_qt(tmp_path):
    code = (
        "import os, sys\n"
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
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in qt)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
