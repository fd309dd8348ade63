"""``govgame sweep``: outcomes over a parameter grid (SPEC §5)."""

from __future__ import annotations

import argparse

from ..errors import GovgameError, ParameterError, SimulationError
from .args import check_plot_path, load, option_names, parse_set, parse_vary, require_values, save_figure

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Sweep the ``--vary`` grid (one replicator system for all cells), print in ``--format``, draw ``--plot``."""
    from ..numerics.executors import check_scheduler_address
    from ..numerics.sweep import sweep

    if args.scheduler is not None:  # before any work: a bad address is named at once
        try:
            check_scheduler_address(args.scheduler)
        except GovgameError as exc:
            raise type(exc)(f"--scheduler: {exc}") from None
    if args.plot is not None:  # before any work, even before the model is read
        check_plot_path(args.plot)
    overrides = parse_set(args.set)
    game = load(args.model)
    with option_names("--set", overrides):
        values = game.values(args.scenario, overrides)
    if not args.vary:
        raise ParameterError("sweep needs at least one --vary NAME=START:STOP:NUM")
    vary = {}
    for item in args.vary:
        name, grid_values = parse_vary(item)
        if name in vary:
            raise ParameterError(f"--vary {name} is given twice; give each parameter one --vary (START:STOP:NUM)")
        with option_names("--vary", [name]):
            game.parameter(name)  # unknown name -> ParameterError naming the choices
        vary[name] = grid_values
    require_values(game, {**values, **vary}, "sweep")
    if args.plot:  # before any work
        if len(vary) != 2:
            raise SimulationError(f"--plot draws a region map of two --vary parameters; {len(vary)} given")
    with option_names("--vary", vary):  # the varied values are checked once, by sweep
        result = sweep(
            game,
            vary,
            params=values,
            grid=args.grid if args.grid is not None else 3,
            t_end=args.t_end,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=True,
        )
    if args.plot:
        _plot(game, result, args.plot)
    if args.format == "json":
        from ..io.json import json_lines, sweep_to_dict

        print(json_lines(sweep_to_dict(result), "cells"))
    elif args.format == "markdown":
        from ..io.markdown import sweep_markdown

        print(sweep_markdown(result))
    elif args.format == "latex":
        from ..io.latex import sweep_latex

        print(sweep_latex(result))
    elif args.format == "csv":
        from ..io.csv import sweep_csv
        from ..io.json import sweep_to_dict

        print(sweep_csv(sweep_to_dict(result)), end="")
    else:
        from ..io.text import output_width, sweep_text

        print(sweep_text(result, width=output_width()))
    return 0


def _plot(game, result, path: str) -> None:
    from .. import plot

    names = list(result.vary)
    if len(names) != 2:
        raise SimulationError(f"--plot draws a region map of two --vary parameters; {len(names)} given")
    labels = result.outcome_grid().T  # rows: second parameter (vertical axis)
    ax = plot.region_map(game, names[0], result.vary[names[0]], names[1], result.vary[names[1]], labels)
    save_figure(ax, path)
