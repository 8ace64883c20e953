"""The engine never imports Qt or pyqtgraph: checked in a fresh interpreter."""

import subprocess
import sys


def test_engine_loads_no_qt():
    code = (
        "import sys, gradient_studio.engine as e\n"
        "e.Race.create(preset='rosenbrock').run()\n"
        "qt = ('PySide6', 'pyqtgraph', 'shiboken6')\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in qt)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_writing_numbers_loads_no_qt(tmp_path):
    code = (
        "import sys\n"
        "from gradient_studio.cli import main\n"
        f"assert main(['render', '--preset', 'booth', '--out', r'{tmp_path / 'r.csv'}']) == 0\n"
        "print(','.join(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_racing_loads_no_sympy_and_the_formulas_do():
    """sympy (~0.3 s to import) is for showing the derivatives' formulas only (issue 17)."""
    code = (
        "import sys, gradient_studio.engine as e\n"
        "race = e.Race.create(function='abs(x - 1) + max(x, y)^2 + (-pi)^a y')\n"
        "race.run()\n"
        "print('sympy' in sys.modules)\n"
        "race.objective().gradient_texts()\n"
        "print('sympy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
