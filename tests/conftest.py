"""Test set-up shared by every folder: headless Qt, and hypothesis settings.

Qt is told to draw offscreen before anything imports it, so a plain ``pytest`` works on a
machine with no screen. Nothing here imports Qt: the engine tests stay Qt-free.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("default")
