"""Test set-up shared by every folder: headless Qt, and hypothesis settings.

Qt is told to draw offscreen before anything imports it, so a plain ``pytest`` works on a
machine with no screen. Nothing here imports Qt: the engine tests stay Qt-free.
"""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")
# The compiled kernels the tests make stay in the checkout (kept between runs: compiling
# them all takes ~40 s), never in the person's own ~/.cache.
os.environ.setdefault(
    "GRADIENT_STUDIO_CACHE", os.path.join(os.path.dirname(os.path.dirname(__file__)), ".kernels")
)

from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile("default")
