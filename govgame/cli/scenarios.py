"""``govgame scenarios MODEL``: the named scenarios of a model, what each sets and expects, and why."""

from __future__ import annotations

import argparse
import json

from .args import load

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Print the scenarios in ``--format`` (text wraps to the terminal)."""
    game = load(args.model)
    if args.format == "json":
        data = {
            "model": game.name,
            "scenarios": [
                {
                    "name": sc.name,
                    "description": sc.description,
                    "values": {k: float(v) for k, v in sc.values},
                    "expect": list(sc.expect) if sc.expect else None,
                }
                for sc in game.scenarios
            ],
        }
        print(json.dumps(data, indent=2))
        return 0
    from ..io.text import output_width, scenarios_text

    if args.format == "markdown":
        from ..io.markdown import scenarios_markdown

        print(scenarios_markdown(game))
    else:
        print(scenarios_text(game, width=output_width()))
    return 0
