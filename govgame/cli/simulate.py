"""``govgame simulate``: integrate from the grid / ``--from`` starts; report where each run ends (SPEC §4).

The parameter values are checked once, the replicator dynamics built once and the rest points
found once; the runs, their names and the figure all use them.
"""

from __future__ import annotations

import argparse
import warnings

from ..errors import GovgameError, SimulationError
from .args import check_plot_path, load, option_names, parse_from, parse_set, require_values

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Simulate, name the outcome of every run, print in ``--format`` (and draw ``--plot``)."""
    import numpy as np

    from ..analysis.dynamics import replicator
    from ..numerics.integrate import simulate
    from ..numerics.starts import check_starts, grid_starts

    overrides = parse_set(args.set)
    game = load(args.model)
    with option_names("--set", overrides):
        values = game.values(args.scenario, overrides)
    require_values(game, values, "simulate")
    if args.plot:  # before any work: a bad file name or model shape fails at once
        check_plot_path(args.plot)
        n = len(game.state_names)
        if n not in (2, 3):
            raise SimulationError(f"--plot draws phase portraits of 2 or 3 state coordinates; this model has {n}")
    given = parse_from(game, args.starts)
    parts = []
    if args.grid is not None or not given:
        parts.append(grid_starts(game, args.grid if args.grid is not None else 3))
    if given:
        parts.append(check_starts(game, given))
    x0 = np.concatenate(parts)
    dynamics = replicator(game)
    t_eval = np.linspace(0.0, args.t_end, 401) if args.plot else None
    traj = simulate(dynamics, x0, params=values, t_end=args.t_end, t_eval=t_eval)
    equilibria, stabilities = _rest_points(dynamics, values, verdicts=bool(args.plot))

    from ..io.json import json_lines, simulation_to_dict

    data = simulation_to_dict(game, traj, equilibria)
    _warn_slow(data)
    if args.plot:
        _plot(dynamics, values, traj, stabilities, args.plot)
    if args.format == "json":
        print(json_lines(data, "runs"))
    elif args.format == "markdown":
        from ..io.markdown import simulation_markdown

        print(simulation_markdown(data, traj.status))
    elif args.format == "latex":
        from ..io.latex import simulation_latex

        print(simulation_latex(data, traj.status))
    elif args.format == "csv":
        from ..io.csv import runs_csv

        print(runs_csv(data), end="")
    else:
        from ..io.text import simulation_text

        print(simulation_text(data, traj.status))
    return 0


def _rest_points(dynamics, values, *, verdicts: bool):
    """The rest points at the values (numeric: the names of the full analysis), and their verdicts for a figure."""
    from ..analysis.equilibria import find_equilibria
    from ..analysis.regions import Region
    from ..analysis.stability import stability
    from ..numerics.outcomes import vertex_equilibria

    try:
        region = Region(dynamics.game, values)
        equilibria = find_equilibria(dynamics, params=values, symbolic=False, region=region)
        return list(equilibria), (stability(dynamics, equilibria, params=values, region=region) if verdicts else None)
    except GovgameError:
        raise
    except Exception as exc:  # noqa: BLE001 - the runs are still valid; name the vertices only
        warnings.warn(
            f"could not analyse the rest points ({type(exc).__name__}: {exc}); naming vertices only", stacklevel=1
        )
        return vertex_equilibria(dynamics.game), None


def _plot(dynamics, values, traj, stabilities, path: str) -> None:
    from .. import plot

    game = dynamics.game
    n = len(game.state_names)
    if n == 3:
        ax = plot.phase_portrait_3d(game, traj.paths, equilibria=stabilities)
    elif n == 2:
        ax = plot.phase_plane(game, dynamics.numeric(values).f, paths=traj.paths, equilibria=stabilities)
    else:
        raise SimulationError(f"--plot draws phase portraits of 2 or 3 state coordinates; this model has {n}")
    plot.save(ax, path)


def _warn_slow(data) -> None:
    """One warning for runs that approach a stable rest point too slowly to reach it by ``t_end``."""
    slow = [r for r in data["runs"] if r.get("t_needed") is not None]
    if not slow:
        return
    near = sorted({r["near"] for r in slow if r.get("near")})
    t_need = max(r["t_needed"] for r in slow)
    warnings.warn(
        f"{len(slow)} of {len(data['runs'])} runs approach {', '.join(near) or 'a stable rest point'} too slowly to "
        f"reach it by t_end = {data['t_end']:g} (they are counted as none): increase t_end to about {t_need:.3g}",
        stacklevel=2,
    )
