"""``govgame analyze``: every equilibrium with eigenvalues, verdicts and ESS conditions (SPEC §3)."""

from __future__ import annotations

import argparse
import json

from .args import load, option_names, parse_set

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Analyse the model at the ``--scenario`` / ``--set`` values and print it in ``--format``."""
    overrides = parse_set(args.set)
    game = load(args.model)
    from ..analysis.pipeline import analyze

    with option_names("--set", overrides):  # the values are checked once, by analyze
        analysis = analyze(game, scenario=args.scenario, params=overrides)
    if args.format == "json":
        from ..io.json import analysis_to_dict

        print(json.dumps(analysis_to_dict(analysis), indent=2, allow_nan=False))
    elif args.format == "markdown":
        from ..io.markdown import analysis_markdown

        print(analysis_markdown(analysis))
    elif args.format == "latex":
        from ..io.latex import analysis_latex

        print(analysis_latex(analysis))
    else:
        from ..io import text

        width = text.output_width()  # the terminal's width, or 100 columns in a file or a pipe
        if not args.brief:
            print(text.describe_model(game, params=analysis.params, width=width))
            print()
        print(text.analysis_text(analysis, width=width, brief=args.brief))
    return 0
