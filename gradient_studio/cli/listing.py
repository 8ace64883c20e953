"""``gradient-studio list``: the presets, the optimisers with their hyperparameters, the
schedules, the model presets and the datasets."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(commands: Any) -> None:
    """Add ``list`` to the ``gradient-studio`` subcommands."""
    commands.add_parser("list", help="list the presets, the optimisers and the datasets")


def run(args: argparse.Namespace | None = None) -> int:
    """Print every list (``args`` has nothing to read)."""
    from gradient_studio.engine import OPTIMIZERS, PRESETS

    print("Presets:")
    for p in PRESETS.values():
        print(f"  {p.name:<18} {p.text}")
    print("\nOptimizers (hyperparameter=default):")
    for spec in OPTIMIZERS.values():
        hyper = ", ".join(f"{h.name}={h.default:g}" for h in spec.hyperparameters)
        print(f"  {spec.name:<10} {spec.display_name:<22} {hyper}")
    _list_schedules()
    _list_models()
    return 0


def _list_schedules() -> None:
    from gradient_studio.engine import SCHEDULES

    print("\nSchedules for --schedule (option=default):")
    for kind in SCHEDULES.values():
        options = ", ".join(f"{o.name}={o.default_text}" for o in kind.options)
        print(f"  {kind.name:<12} {options or '-'}")


def _list_models() -> None:
    """The model presets and the built-in datasets."""
    from gradient_studio.engine.data import DATASETS
    from gradient_studio.engine.models import MODEL_PRESETS

    print("\nModel presets (--preset NAME):")
    for p in MODEL_PRESETS.values():
        print(f"  {p.name:<18} {p.text:<18} {p.loss:<9} on {p.dataset}")
    print("\nDatasets (--dataset NAME):")
    for d in DATASETS.values():
        print(f"  {d.name:<18} {d.rows:>3} rows  {d.description}")
