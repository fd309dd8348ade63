"""``govgame analyze``: every equilibrium with eigenvalues, verdicts and ESS conditions (SPEC §3)."""

from __future__ import annotations

import argparse
import json

from ..analysis import pipeline  # sympy and numpy, imported with this module: see cli._import_command
from ..errors import SimulationError
from .args import load, option_names, parse_set, sigma_levels

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Analyse the model at the ``--scenario`` / ``--set`` values and print it in ``--format``."""
    overrides = parse_set(args.set)
    game = load(args.model)
    if args.noise is not None and not args.sigma:
        raise SimulationError("--noise sets the noise form of the stochastic conditions: give --sigma S as well")
    levels = sigma_levels(game, args.sigma)
    if len(levels) > 1:
        found = ", ".join(item for item in args.sigma if "=" not in item)
        raise SimulationError(
            f"analyze takes one --sigma S for all populations (found {found}); run analyze once per intensity"
        )
    with option_names("--set", overrides):  # the values are checked once, by analyze
        analysis = pipeline.analyze(game, scenario=args.scenario, params=overrides)
    if levels:
        return _stochastic(args, analysis, levels[0])
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


def _stochastic(args: argparse.Namespace, analysis, sigma) -> int:
    """``analyze --sigma``: the deterministic analysis plus every vertex's stochastic conditions (SPEC §6)."""
    from ..analysis.stochastic import stochastic_stability

    sa = stochastic_stability(analysis, sigma, noise=args.noise or "tangent")
    from ..io.json import analysis_with_stochastic, stochastic_to_dict

    profiles = {v.name: v.profile for v in sa.vertices}
    if args.format == "json":
        print(json.dumps(analysis_with_stochastic(analysis, sa), indent=2, allow_nan=False))
        return 0
    sd = stochastic_to_dict(sa)
    if args.format == "markdown":
        from ..io.markdown import analysis_markdown, stochastic_markdown

        print(analysis_markdown(analysis))
        print(stochastic_markdown(sd, profiles))
    elif args.format == "latex":
        from ..io.latex import analysis_latex, stochastic_latex

        print(analysis_latex(analysis))
        print(stochastic_latex(sd, profiles))
    else:
        from ..io import text

        print(text.describe_model(analysis.game, params=analysis.params))
        print(text.analysis_text(analysis))
        print()
        print(text.stochastic_text(sd, profiles))
    return 0
