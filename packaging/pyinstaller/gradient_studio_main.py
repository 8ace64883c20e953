"""Entry point of the PyInstaller bundle: the same ``main`` as the ``gradient-studio`` command.

With ``GRADIENT_STUDIO_WINDOW_CHECK=REPORT.json`` set, the window reports what it showed and
quits (``packaging/window_check.py``), which is how ``packaging/check.sh`` checks the bundle.
"""

import os
import sys

if __name__ == "__main__":
    report = os.environ.get("GRADIENT_STUDIO_WINDOW_CHECK")
    if report:
        import window_check

        window_check.install(report)

    from gradient_studio.cli import main

    sys.exit(main())
