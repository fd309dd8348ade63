"""The ``govgame`` command (SPEC §2): parses arguments, calls the stages, prints.

Exit status: 0 on success; 2 on bad input (a bad model file, an unknown parameter
or scenario, a value of the wrong sign, ...) with one line on stderr starting
``govgame: error:`` and no traceback; 1 on an internal failure. Warnings (a value
outside a parameter's range, an unused parameter) are printed as
``govgame: warning: ...``, one line each. Set the environment variable
``GOVGAME_DEBUG=1`` to get the traceback of an internal failure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
import warnings
from collections.abc import Callable, Mapping, Sequence

from . import __version__
from .errors import GovgameError, ModelError, ParameterError
from .expr import format_expression
from .loader import load_model, shipped_models
from .model import Game

__all__ = ["main", "build_parser", "describe_model", "parse_set", "load_for"]

PROG = "govgame"


# ------------------------------------------------------------------ argument parsing
class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with every usage error ending in ``govgame: error: ...`` (also in subcommands)."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``govgame`` command (SPEC §2).

    ``--set``, ``--from`` and ``--vary`` are kept as text here and checked by the
    commands, so a bad value gives one ``govgame: error:`` line naming it.

    Examples
    --------
    >>> args = build_parser().parse_args(["analyze", "m.toml", "--set", "C_g=2", "--format", "json"])
    >>> args.command, args.model, args.set, args.format
    ('analyze', 'm.toml', ['C_g=2'], 'json')
    """
    parser = _ArgumentParser(
        prog=PROG,
        description="Evolutionary game analysis of governance problems (multi-population replicator dynamics).",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("models", help="list the shipped models with their titles")
    p.set_defaults(func=_cmd_models)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("model", metavar="MODEL", help="path to a model file (.toml) or the name of a shipped model")
        p.add_argument("--scenario", metavar="NAME", help="start from the named scenario's parameter values")
        p.add_argument(
            "--set",
            metavar="NAME=VALUE",
            action="append",
            default=[],
            help="set a parameter value (repeatable); later options win",
        )
        p.add_argument(
            "--format",
            choices=("text", "json", "markdown", "latex"),
            default="text",
            help="output format (default: text)",
        )

    def starts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--grid",
            metavar="N",
            type=_positive_int,
            help="start from an N-point grid in each state coordinate (default 3 without --from)",
        )
        p.add_argument("--t-end", metavar="T", type=_positive_float, default=100.0, help="end time (default 100)")
        p.add_argument("--plot", metavar="FILE", help="save a figure to FILE")

    p = sub.add_parser("analyze", help="replicator equations, equilibria, eigenvalues, stability verdicts")
    common(p)
    p.set_defaults(func=_cmd_analyze)

    p = sub.add_parser("simulate", help="trajectories from a grid of starts (or --from) and where they end")
    common(p)
    starts(p)
    p.add_argument(
        "--from",
        dest="starts",
        metavar="X,Y,Z",
        action="append",
        default=[],
        help="one initial state in state order (repeatable)",
    )
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("sweep", help="outcomes over a parameter grid (region map)")
    common(p)
    starts(p)
    p.add_argument(
        "--vary",
        metavar="NAME=START:STOP:NUM",
        action="append",
        default=[],
        help="vary a parameter over numpy.linspace(START, STOP, NUM) (repeatable)",
    )
    scale = p.add_mutually_exclusive_group()
    scale.add_argument("--workers", metavar="N", type=_positive_int, help="run on N local processes")
    scale.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster at ADDRESS")
    p.set_defaults(func=_cmd_sweep)

    p = sub.add_parser("report", help="LaTeX tables and figures for a paper")
    common(p)
    p.add_argument("--out", metavar="DIR", required=True, help="directory to write the report into")
    p.set_defaults(func=_cmd_report)
    return parser


def _cmd_report(args: argparse.Namespace) -> int:
    """``govgame report``: LaTeX tables, figures and a standalone ``report.tex`` in ``--out`` (see govgame.report)."""
    from .report import write_report

    game, _ = load_for(args)  # validates the model, the scenario and every --set value (and warns once)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        files = write_report(game, out_dir=args.out, scenario=args.scenario, params=parse_set(args.set))
    for f in files:
        print(f)
    print(f"compile with: cd {args.out} && pdflatex report.tex", file=sys.stderr)
    return 0


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return n


def _positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}")
    return v


def parse_number(text: str, *, what: str) -> float:
    """A finite number from command-line text, or a :class:`ParameterError` naming ``what``.

    Examples
    --------
    >>> parse_number("2.5", what="--set C_g")
    2.5
    >>> parse_number("abc", what="--set C_g")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --set C_g: "abc" is not a number
    """
    try:
        v = float(text.strip())
    except ValueError:
        raise ParameterError(f'{what}: "{text}" is not a number') from None
    if not math.isfinite(v):
        raise ParameterError(f'{what}: "{text}" is not a finite number')
    return v


def parse_set(items: Sequence[str]) -> dict[str, float]:
    """Turn ``--set NAME=VALUE`` options into a dict (later options win).

    Examples
    --------
    >>> parse_set(["C_g=2", "lambda=0.5", "C_g=3"])
    {'C_g': 3.0, 'lambda': 0.5}
    >>> parse_set(["C_g"])
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --set "C_g": expected NAME=VALUE, e.g. --set C_g=2.5
    """
    out: dict[str, float] = {}
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name or not value.strip():
            raise ParameterError(f'--set "{item}": expected NAME=VALUE, e.g. --set C_g=2.5')
        out[name] = parse_number(value, what=f"--set {name}")
    return out


def load_for(args: argparse.Namespace) -> tuple[Game, dict[str, float]]:
    """Load ``args.model`` and the parameter values from ``--scenario`` and ``--set``.

    Raises :class:`~govgame.errors.GovgameError` for every user mistake: a missing or
    bad model, an unknown scenario or parameter, a bad value or one of the wrong sign.
    """
    overrides = parse_set(args.set)
    try:
        game = load_model(args.model)
    except (RecursionError, MemoryError) as exc:
        raise ModelError(f"{args.model}: model too large or nested too deeply ({type(exc).__name__})") from None
    values = game.values(args.scenario, overrides)
    return game, values


# -------------------------------------------------------------------------- commands
def _cmd_models(args: argparse.Namespace) -> int:
    models = shipped_models()
    if not models:
        print("no shipped models found")
        return 0
    width = max(len(name) for name, _, _ in models)
    for name, title, _ in models:
        print(f"{name:<{width}}  {title}".rstrip())
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    """``govgame analyze``: every equilibrium with eigenvalues, verdicts and ESS conditions (SPEC §3)."""
    from . import export
    from .stability import analyze

    game, values = load_for(args)
    analysis = analyze(game, params=values)
    if args.format == "json":
        print(json.dumps(export.analysis_to_dict(analysis), indent=2, allow_nan=False))
    elif args.format == "markdown":
        print(export.analysis_markdown(analysis))
    elif args.format == "latex":
        print(export.analysis_latex(analysis))
    else:
        print(describe_model(game, values))
        print(export.analysis_text(analysis))
    return 0


def _parse_from(game: Game, items: Sequence[str]) -> list[list[float]]:
    """``--from X,Y,Z`` options -> starts (checked by :func:`govgame.simulate.check_starts` later)."""
    from .errors import SimulationError

    n = len(game.state_names)
    out = []
    for item in items:
        parts = [p.strip() for p in item.split(",")]
        if len(parts) != n:
            raise SimulationError(
                f'--from "{item}": expected {n} comma-separated numbers ({", ".join(game.state_names)}), '
                f"found {len(parts)}"
            )
        vals = []
        for part in parts:
            try:
                v = float(part)
            except ValueError:
                raise SimulationError(f'--from "{item}": "{part}" is not a number') from None
            if not math.isfinite(v):
                raise SimulationError(f'--from "{item}": "{part}" is not a finite number')
            vals.append(v)
        out.append(vals)
    return out


def _require_values(game: Game, values: Mapping[str, float], command: str) -> None:
    missing = [n for n in game.parameter_names if n not in values]
    if missing:
        raise ParameterError(
            f"{command} needs a value for every parameter; {missing[0]} has none "
            f"(give one with --set {missing[0]}=VALUE or pick a --scenario)"
        )


def _rows_out(headers: list[str], rows: list[list[str]], fmt: str) -> list[str]:
    if fmt == "markdown":
        lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
        return lines + ["| " + " | ".join(r) + " |" for r in rows]
    if fmt == "latex":
        esc = [[c.replace("_", r"\_").replace("%", r"\%") for c in r] for r in [headers, *rows]]
        lines = [r"\begin{tabular}{" + "l" * len(headers) + "}", r"\hline", " & ".join(esc[0]) + r" \\", r"\hline"]
        lines += [" & ".join(r) + r" \\" for r in esc[1:]]
        return [*lines, r"\hline", r"\end{tabular}"]
    return _table([headers, *rows])


def _cmd_simulate(args: argparse.Namespace) -> int:
    """``govgame simulate``: integrate from the grid / ``--from`` starts; report where each run ends (SPEC §4)."""
    import numpy as np

    from .simulate import check_starts, grid_starts, simulate, simulation_to_dict, vertex_equilibria

    game, values = load_for(args)
    _require_values(game, values, "simulate")
    given = _parse_from(game, args.starts)
    parts = []
    if args.grid is not None or not given:
        parts.append(grid_starts(game, args.grid if args.grid is not None else 3))
    if given:
        parts.append(check_starts(game, given))
    x0 = np.concatenate(parts)
    t_eval = np.linspace(0.0, args.t_end, 401) if args.plot else None
    traj = simulate(game, x0, params=values, t_end=args.t_end, t_eval=t_eval)
    analysis = None
    try:
        from .dynamics import replicator
        from .equilibria import find_equilibria
        from .stability import analyze

        # names need only the rest points (numeric: the same list and names as the full analysis);
        # the figure also needs their verdicts
        if args.plot:
            analysis = analyze(game, params=values, symbolic=False)
            equilibria = [s.equilibrium for s in analysis.equilibria]
        else:
            equilibria = list(find_equilibria(replicator(game), values, symbolic=False))
    except GovgameError:
        raise
    except Exception as exc:  # noqa: BLE001 - the runs are still valid; name the vertices only
        warnings.warn(
            f"could not analyse the rest points ({type(exc).__name__}: {exc}); naming vertices only", stacklevel=1
        )
        equilibria = vertex_equilibria(game)
    data = simulation_to_dict(game, values, traj, equilibria)
    if args.plot:
        _plot_simulation(game, values, traj, analysis, args.plot)
    if args.format == "json":
        print(_json_lines(data, "runs"))
        return 0
    state = ", ".join(game.state_names)
    headers = ["from", "to", "reached", "profile", "status"]
    rows = [
        [
            "(" + ", ".join(f"{v:.3g}" for v in run["from"]) + ")",
            "(" + ", ".join(f"{v:.4f}" for v in run["to"]) + ")",
            run["reached"] or "-",
            "/".join(run["profile"]) if run["profile"] else "-",
            str(st),
        ]
        for run, st in zip(data["runs"], traj.status)
    ]
    lines = [f"{game.name}: {len(rows)} runs of ({state}) to t = {args.t_end:g}", ""]
    lines += _rows_out(headers, rows, args.format)
    lines += ["", "Summary:"]
    lines += _rows_out(["outcome", "runs"], [[k, str(v)] for k, v in data["summary"].items()], args.format)
    print("\n".join(lines))
    return 0


def _json_lines(data: Mapping, bulk: str) -> str:
    """JSON with each element of the (possibly huge) list ``data[bulk]`` on a line of its own.

    Valid JSON, readable, and written by the C encoder: ``indent=`` would fall back to the
    pure-Python encoder, which costs seconds for 64,000 runs.

    >>> print(_json_lines({"model": "m", "runs": [{"a": 1}, {"a": 2}], "summary": {"x": 2}}, "runs"))
    {
    "model": "m",
    "runs": [
      {"a": 1},
      {"a": 2}
    ],
    "summary": {"x": 2}
    }
    """
    parts = []
    for key, value in data.items():
        if key == bulk:
            items = ",\n".join("  " + json.dumps(v, allow_nan=False) for v in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]" if value else f"{json.dumps(key)}: []")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value, allow_nan=False)}")
    return "{\n" + ",\n".join(parts) + "\n}"


def _plot_simulation(game: Game, values, traj, analysis, path: str) -> None:
    from . import plot
    from .dynamics import replicator
    from .errors import SimulationError

    eqs = analysis.equilibria if analysis is not None else None
    n = len(game.state_names)
    if n == 3:
        ax = plot.phase_portrait_3d(game, traj.paths, equilibria=eqs)
    elif n == 2:
        nd = replicator(game).numeric(values)
        ax = plot.phase_plane(game, nd.f, paths=traj.paths, equilibria=eqs)
    else:
        raise SimulationError(f"--plot draws phase portraits of 2 or 3 state coordinates; this model has {n}")
    plot.save(ax, path)


def _cmd_sweep(args: argparse.Namespace) -> int:
    """``govgame sweep``: outcomes over a parameter grid (SPEC §5)."""
    from .sweep import parse_vary, sweep

    game, values = load_for(args)
    if not args.vary:
        raise ParameterError("sweep needs at least one --vary NAME=START:STOP:NUM")
    vary = {}
    for item in args.vary:
        name, grid_values = parse_vary(item)
        game.parameter(name)  # unknown name -> ParameterError naming the choices
        vary[name] = grid_values
    _require_values(game, {**values, **vary}, "sweep")
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
        _plot_sweep(game, result, args.plot)
    if args.format == "json":
        print(_json_lines(result.to_dict(), "cells"))
        return 0
    names = list(vary)
    headers = [*names, "ess", "reached"]
    rows = []
    for cell in result.cells:
        reached = ", ".join(f"{k} {v:.0%}" for k, v in cell.reached.items())
        rows.append([*(f"{cell.values[n]:g}" for n in names), " ".join(cell.ess) or "-", reached])
    grid_n = args.grid if args.grid is not None else 3
    lines = [f"{game.name}: {len(rows)} cells, grid {grid_n}, t = {args.t_end:g}", ""]
    lines += _rows_out(headers, rows, args.format)
    print("\n".join(lines))
    return 0


def _plot_sweep(game: Game, result, path: str) -> None:
    from . import plot
    from .errors import SimulationError

    names = list(result.vary)
    if len(names) != 2:
        raise SimulationError(f"--plot draws a region map of two --vary parameters; {len(names)} given")
    labels = result.outcome_grid().T  # rows: second parameter (vertical axis)
    ax = plot.region_map(game, names[0], result.vary[names[0]], names[1], result.vary[names[1]], labels)
    plot.save(ax, path)


# -------------------------------------------------------------------------- rendering
def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def describe_model(game: Game, values: Mapping[str, float]) -> str:
    """A plain-text description of a model: populations, parameters, scenarios and payoffs.

    Parameters
    ----------
    game : Game
        The model.
    values : mapping
        The parameter values in use (defaults, scenario and ``--set`` applied).

    Examples
    --------
    >>> from govgame.loader import game_from_dict
    >>> game = game_from_dict({
    ...     "game": {"name": "toy", "title": "A toy"},
    ...     "population": [
    ...         {"name": "row", "strategies": ["a", "b"], "share": "x"},
    ...         {"name": "col", "strategies": ["a", "b"], "share": "y"},
    ...     ],
    ...     "parameters": {"c": {"value": 1.0, "description": "cost"}},
    ...     "payoff": [{"profile": [s, t], "row": "c" if s == t else 0, "col": 0}
    ...                for s in "ab" for t in "ab"],
    ... })
    >>> print(describe_model(game, {"c": 2.0}))
    toy: A toy
    <BLANKLINE>
    Populations (state: x, y)
      row  Row  a, b  x = share playing a
      col  Col  a, b  y = share playing a
    <BLANKLINE>
    Parameters
      name  value  default  range  sign         description
      c     2      1        -      nonnegative  cost
    <BLANKLINE>
    Payoffs (row, col)
      a/a  c  0
      a/b  0  0
      b/a  0  0
      b/b  c  0
    """
    lines = [f"{game.name}: {game.title}" if game.title else game.name]
    if game.description:
        lines.append(" ".join(game.description.split()))
    lines += ["", f"Populations (state: {', '.join(game.state_names)})"]
    rows = []
    for p in game.populations:
        shares = ", ".join(f"{s} = share playing {st}" for s, st in zip(p.shares, p.strategies))
        rows.append([p.name, p.label, ", ".join(p.strategies), shares])
    lines += _table(rows)
    if game.parameters:
        lines += ["", "Parameters"]
        rows = [["name", "value", "default", "range", "sign", "description"]]
        for par in game.parameters:
            rng = "-" if par.range is None else f"[{par.range[0]:g}, {par.range[1]:g}]"
            rows.append(
                [
                    par.name,
                    _num(values.get(par.name)),
                    _num(par.value),
                    rng,
                    par.sign,
                    " ".join(par.description.split()),
                ]
            )
        lines += _table(rows)
    if game.definitions:
        lines += ["", "Definitions"]
        lines += [f"  {d.name} = {format_expression(d.expr)}" for d in game.definitions]
    if game.assumptions:
        lines += ["", "Assumptions"]
        lines += [f"  {format_expression(a)}" for a in game.assumptions]
    if game.scenarios:
        lines += ["", "Scenarios"]
        for sc in game.scenarios:
            sets = ", ".join(f"{k} = {v:g}" for k, v in sc.values) or "no changes"
            expect = f"; expect {'/'.join(sc.expect)}" if sc.expect else ""
            desc = f" ({' '.join(sc.description.split())})" if sc.description else ""
            lines.append(f"  {sc.name}: {sets}{expect}{desc}")
    lines += ["", f"Payoffs ({', '.join(p.name for p in game.populations)})"]
    rows = [["/".join(pr), *(format_expression(v) for v in game.payoff(pr))] for pr in game.profiles]
    lines += _table(rows)
    return "\n".join(lines)


# ------------------------------------------------------------------------------ main
def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``govgame`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Examples
    --------
    >>> main(["analyze", "/no/such/model.toml"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    func: Callable[[argparse.Namespace], int] = args.func
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = func(args)
        except GovgameError as exc:
            print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        except (RecursionError, MemoryError) as exc:
            print(f"{PROG}: error: input too large or nested too deeply ({type(exc).__name__})", file=sys.stderr)
            return 2
        except BrokenPipeError:  # e.g. `govgame analyze m | head`
            return 0
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("GOVGAME_DEBUG"):
                traceback.print_exc()
            print(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
            return 1
    seen = set()
    for w in caught:
        msg = _one_line(w.message)
        if msg not in seen:
            seen.add(msg)
            print(f"{PROG}: warning: {msg}", file=sys.stderr)
    return status
