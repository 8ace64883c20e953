"""Gradient Studio: a desktop playground for gradient-based optimisation."""

__version__ = "0.1.0"
