"""``govgame simulate``: integrate from the grid / ``--from`` starts; report where each run ends (SPEC §4).

The parameter values are checked once, the replicator dynamics built once and the rest points
found once; the runs, their names and the figure all use them.
"""

from __future__ import annotations

import argparse
import warnings

from ..errors import GovgameError, SimulationError
from ..limits import MAX_STORED
from .args import (
    check_plot_path,
    load,
    option_names,
    parse_from,
    parse_set,
    parse_sigma,
    require_values,
    save_figure,
    sigma_levels,
)

#: Options that only a stochastic run (``--sigma``) takes, with their ``args`` attribute.
STOCHASTIC_ONLY = {
    "--noise": "noise",
    "--scheme": "scheme",
    "--dt": "dt",
    "--paths": "paths",
    "--seed": "seed",
    "--workers": "workers",
    "--scheduler": "scheduler",
}
#: Sample times of stored paths (for --plot and --trajectories) in a stochastic run.
SDE_SAMPLES = 201
#: Sample times of stored deterministic paths (--plot, --trajectories).
SAMPLES = 401
#: Most runs a phase portrait draws (evenly chosen among the starts; every run is counted in the output).
DRAWN = 400

__all__ = ["run"]


def run(args: argparse.Namespace) -> int:
    """Simulate, name the outcome of every run, print in ``--format`` (and draw ``--plot``)."""
    import numpy as np

    from ..analysis.dynamics import replicator
    from ..numerics.executors import run_interruptibly
    from ..numerics.integrate import simulate
    from ..numerics.starts import check_starts, grid_starts

    if args.plot is not None:  # before any work, even before the model is read
        check_plot_path(args.plot)
    if args.trajectories is not None:
        from ..io.files import check_output_file

        check_output_file(args.trajectories, what="--trajectories")
    overrides = parse_set(args.set)
    game = load(args.model)
    with option_names("--set", overrides):
        values = game.values(args.scenario, overrides)
    require_values(game, values, "simulate")
    if not args.sigma:
        for option, attr in STOCHASTIC_ONLY.items():
            if getattr(args, attr, None) is not None:
                raise SimulationError(
                    f"{option} applies to stochastic runs: give the noise intensity with --sigma S as well"
                )
    levels = sigma_levels(game, args.sigma)
    if args.plot:  # before any work: a model shape the figure cannot draw fails at once
        n = len(game.state_names)
        if not levels and n not in (2, 3):
            raise SimulationError(f"--plot draws phase portraits of 2 or 3 state coordinates; this model has {n}")
    given = parse_from(game, args.starts)
    parts = []
    if args.grid is not None or not given:
        grid = args.grid if args.grid is not None else 3
        try:
            parts.append(grid_starts(game, grid))
        except SimulationError as exc:
            raise SimulationError(f"--grid {grid}: {exc}") from None
    if given:
        parts.append(check_starts(game, given))
    x0 = np.concatenate(parts)
    dynamics = replicator(game)
    if levels:
        return _stochastic(args, dynamics, values, x0, levels)
    samples = np.linspace(0.0, args.t_end, SAMPLES)
    if args.trajectories and len(x0) * SAMPLES * len(game.state_names) > MAX_STORED:
        raise SimulationError(
            f"--trajectories keeps {SAMPLES} points of each of the {len(x0):,} runs; the limit is {MAX_STORED:,} "
            "stored values (fewer starts)"
        )
    drawn = _drawn_runs(len(x0)) if args.plot else None
    keep = args.trajectories or (drawn is not None and len(drawn) == len(x0))
    traj = run_interruptibly(simulate, dynamics, x0, params=values, t_end=args.t_end, t_eval=samples if keep else None)
    if args.trajectories:
        from ..io.csv import trajectories_csv

        _write(args.trajectories, trajectories_csv(game.state_names, traj.t, traj.paths))
    figure_paths = None
    if drawn is not None:  # the figure's paths: those kept, or the drawn runs integrated again with samples
        figure_paths = (
            traj.paths[drawn]
            if keep
            else run_interruptibly(simulate, dynamics, x0[drawn], params=values, t_end=args.t_end, t_eval=samples).paths
        )
    equilibria, stabilities = _rest_points(dynamics, values, verdicts=bool(args.plot))

    from ..io.json import json_lines, simulation_to_dict

    data = simulation_to_dict(game, traj, equilibria)
    _warn_slow(data)
    if args.plot:
        _plot(dynamics, values, figure_paths, stabilities, args.plot)
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


def _drawn_runs(n: int):
    """The runs a phase portrait draws: all of them up to :data:`DRAWN`, else ``DRAWN`` evenly chosen."""
    import numpy as np

    return np.arange(n) if n <= DRAWN else np.unique(np.linspace(0, n - 1, DRAWN).round().astype(int))


def _plot(dynamics, values, paths, stabilities, path: str) -> None:
    from .. import plot

    game = dynamics.game
    n = len(game.state_names)
    if n == 3:
        ax = plot.phase_portrait_3d(game, paths, equilibria=stabilities)
    elif n == 2:
        ax = plot.phase_plane(game, dynamics.numeric(values).f, paths=paths, equilibria=stabilities)
    else:
        raise SimulationError(f"--plot draws phase portraits of 2 or 3 state coordinates; this model has {n}")
    save_figure(ax, path)


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


def _write(path: str, text: str) -> None:
    """Write ``--trajectories FILE`` completely or not at all (a temporary file, then renamed)."""
    from ..io.files import atomic_file

    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="")


def _stochastic(args: argparse.Namespace, dynamics, values, x0, levels: list[dict[str, float]]) -> int:
    """``simulate --sigma``: ``--paths`` realisations of the Itô SDE per start, for each intensity (SPEC §6)."""
    import json

    import numpy as np

    from ..io.json import ensemble_to_dict, json_lines
    from ..numerics.sde import simulate_sde

    game = dynamics.game
    dt = 0.01 if args.dt is None else args.dt
    if dt > args.t_end:
        raise SimulationError(f"--dt {dt:g} is longer than --t-end {args.t_end:g}")
    if args.trajectories and len(levels) > 1:
        raise SimulationError("--trajectories writes the paths of one intensity: give one --sigma S")
    sample = np.linspace(0.0, args.t_end, SDE_SAMPLES) if (args.plot or args.trajectories) else None
    ensembles = [
        simulate_sde(
            dynamics,
            x0,
            params=values,
            sigma=sig,
            noise=args.noise or "tangent",
            scheme=args.scheme or "milstein",
            dt=dt,
            t_end=args.t_end,
            paths=100 if args.paths is None else args.paths,
            seed=0 if args.seed is None else args.seed,
            t_eval=sample,
            workers=args.workers,
            scheduler=args.scheduler,
        )
        for sig in levels
    ]
    datas = [ensemble_to_dict(game, ens) for ens in ensembles]
    for note in {n for d in datas for n in d["notes"] if "numerical event" in n or "non-finite" in n}:
        warnings.warn(note, stacklevel=1)
    if args.trajectories:
        from ..io.csv import ensemble_csv

        _write(args.trajectories, ensemble_csv(game.state_names, ensembles[0].t, ensembles[0].samples))
    if args.plot:
        _plot_stochastic(game, ensembles, parse_sigma(game, args.sigma)[0], args.plot)
    if args.format == "json":
        if len(datas) == 1:
            print(json_lines(datas[0], "runs"))
        else:
            head = {k: datas[0][k] for k in ("model", "state", "parameters", "t_end")}
            body = ",\n".join(json_lines({k: v for k, v in d.items() if k not in head}, "runs") for d in datas)
            lead = "".join(f"{json.dumps(k)}: {json.dumps(v)},\n" for k, v in head.items())
            print("{\n" + lead + '"ensembles": [\n' + body + "\n]\n}")
    elif args.format == "markdown":
        from ..io.markdown import ensemble_markdown

        print("\n\n".join(ensemble_markdown(d) for d in datas))
    elif args.format == "latex":
        from ..io.latex import ensemble_latex

        print("\n\n".join(ensemble_latex(d) for d in datas))
    else:
        from ..io.text import ensemble_text

        print("\n\n".join(ensemble_text(d) for d in datas))
    return 0


def _plot_stochastic(game, ensembles, bare: list[float], path: str) -> None:
    """One intensity: realisations, mean and 5–95 % band; several: the comparison of intensities (first start)."""
    from .. import plot

    if len(ensembles[0].x0) > 1:
        start = ", ".join(f"{v:g}" for v in ensembles[0].x0[0])
        warnings.warn(
            f"--plot draws the paths from the first start ({start}); choose the start with --from", stacklevel=1
        )
    if len(ensembles) == 1:
        ens = ensembles[0]
        mean, lo, hi = ens.band(0)
        axes = plot.stochastic_paths(game, ens.t, ens.samples[0], mean, lo, hi)
    else:
        curves, bands = {}, {}
        for k, ens in enumerate(ensembles):
            mean, lo, hi = ens.band(0)
            label = f"$\\sigma = {bare[k]:g}$" if k < len(bare) else f"run {k + 1}"
            curves[label] = mean
            bands[label] = (lo, hi)
        axes = plot.noise_comparison(game, ensembles[0].t, curves, bands=bands)
    save_figure(axes, path)
