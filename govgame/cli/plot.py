"""``govgame plot MODEL KIND``: one figure, drawn by the recipes of :mod:`govgame.cli.figures`.

KIND is ``timeseries``, ``phase``, ``region``, ``basins`` or ``sensitivity``. The figure is
saved to ``--out`` (default ``MODEL-KIND.pdf``), in the format of its suffix; the path goes to
stdout. Every option is checked before anything runs, and a bad one is a single
``govgame: error:`` line.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ParameterError
from .args import load, option_names, parse_from, parse_levels, parse_number, parse_set, require_values

__all__ = ["run", "parse_size"]


def parse_size(text: str) -> tuple[float, float]:
    """``--size W,H`` in inches.

    >>> parse_size("3.4,2.5")
    (3.4, 2.5)
    >>> parse_size("3.4")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --size "3.4": expected WIDTH,HEIGHT in inches, e.g. --size 3.4,2.6
    """
    parts = text.split(",")
    if len(parts) != 2:
        raise ParameterError(f'--size "{text}": expected WIDTH,HEIGHT in inches, e.g. --size 3.4,2.6')
    w, h = (parse_number(p, what=f'--size "{text}"') for p in parts)
    if not (0.5 <= w <= 40 and 0.5 <= h <= 40):
        raise ParameterError(f'--size "{text}": width and height must be between 0.5 and 40 inches')
    return w, h


def _coords(game, text: str | None) -> tuple[int, int, int] | None:
    if text is None:
        return None
    names = [t.strip() for t in text.split(",")]
    state = list(game.state_names)
    unknown = [n for n in names if n not in state]
    if len(names) != 3 or unknown or len(set(names)) != 3:
        raise ParameterError(
            f'--coords "{text}": expected three different state names out of {", ".join(state)}'
            + (f" ({unknown[0]} is not one)" if unknown else "")
        )
    return tuple(state.index(n) for n in names)  # type: ignore[return-value]


def run(args: argparse.Namespace) -> int:
    """Check the options, run what the figure needs, draw it in the chosen style, save it."""
    from .. import plot
    from . import figures

    overrides = parse_set(args.set)
    game = load(args.model)
    with option_names("--set", overrides):
        values = game.values(args.scenario, overrides)
    size = parse_size(args.size) if args.size else None
    out = Path(args.out) if args.out else Path(f"{game.name}-{args.kind}.pdf")
    if out.suffix.lower() not in (".pdf", ".png", ".svg", ".eps"):
        raise ParameterError(f'--out "{out}": the suffix must be .pdf, .png, .svg or .eps')
    vary = {}
    for item in args.vary:
        name, levels = parse_levels(item)
        with option_names("--vary", [name]):
            par = game.parameter(name)
            for v in levels:
                par.check(float(v), where=name)
        vary[name] = levels
    require_values(game, {**values, **vary}, "plot")
    starts = None
    if args.starts:
        from ..numerics.starts import check_starts

        starts = check_starts(game, parse_from(game, args.starts))
    grid = args.grid
    kind = args.kind
    need = {"region": 2, "sensitivity": 1}
    if kind in need and len(vary) != need[kind]:
        example = "--vary S_e=0:5:11 --vary F_e=0:10:11" if kind == "region" else "--vary F_e=0:10:11"
        raise ParameterError(
            f"plot {kind} needs {need[kind]} --vary option{'s' if need[kind] > 1 else ''}, e.g. {example}"
        )
    if kind == "timeseries" and len(vary) > 1:
        raise ParameterError("plot timeseries takes at most one --vary (a family over the values of one parameter)")
    if kind in ("basins", "phase") and vary:
        raise ParameterError(f"plot {kind} takes no --vary (set values with --set)")
    coords = _coords(game, args.coords)
    with plot.style(args.style, font=args.font, lang=args.lang):
        if kind == "timeseries":
            fam = next(iter(vary.items()), None)
            fig = figures.time_series_figure(game, values, starts=starts, vary=fam, t_end=args.t_end, size=size)
        elif kind == "phase":
            if len(game.state_names) < 2:
                raise ParameterError(f"{game.name} has one share: draw it with plot timeseries")
            fig = figures.phase_figure(game, values, starts=starts, grid=grid, t_end=args.t_end, coords=coords,
                                       size=size)  # fmt: skip
        elif kind == "region":
            (xn, xs), (yn, ys) = vary.items()
            fig = figures.region_figure(game, values, (xn, xs), (yn, ys), grid=grid or 2, t_end=args.t_end,
                                        workers=args.workers, size=size)  # fmt: skip
        elif kind == "basins":
            fig = figures.basins_figure(game, values, grid=grid or 4, t_end=args.t_end, size=size)
        else:
            ((name, levels),) = vary.items()
            fig = figures.sensitivity_figure(game, values, (name, levels), grid=grid or 3, t_end=args.t_end,
                                             workers=args.workers, size=size)  # fmt: skip
        plot.save(fig.figure, out, dpi=args.dpi)
    plot.close(fig.figure)
    print(out)
    return 0
