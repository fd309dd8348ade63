"""``govgame models``: the shipped models with their titles (reads only the files' ``[game]`` tables)."""

from __future__ import annotations

import argparse

from ..model.shipped import shipped_models

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """List the shipped models, one per line: name and title."""
    models = shipped_models()
    if not models:
        print("no shipped models found")
        return 0
    width = max(len(name) for name, _, _ in models)
    for name, title, _ in models:
        print(f"{name:<{width}}  {title}".rstrip())
    return 0
