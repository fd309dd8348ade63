"""Plain-text renderers: the analysis report, the model description, and the tables of ``simulate`` and ``sweep``.

What ``govgame ... --format text`` prints (the default). Nothing here computes. In the
examples, ``demo`` is a small hand-made analysis of a two-population game (``tests/demo.py``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._deprecation import renamed_options
from ..model.expr import format_expression
from ._format import (
    _VERDICT_TEXT,
    _conditions_items,
    _eig_text,
    _eigen_items,
    _num_text,
    _params_used,
    _point_text,
    _profile_text,
    _witness_lines,
    format_expr,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.pipeline import Analysis
    from ..model.game import Game
    from ..numerics.sweep import SweepResult

__all__ = [
    "analysis_text",
    "describe_model",
    "text_table",
    "simulation_rows",
    "simulation_text",
    "sweep_rows",
    "sweep_text",
    "ensemble_rows",
    "ensemble_text",
    "stochastic_rows",
    "stochastic_text",
    "paths_csv",
    "ensemble_paths_csv",
]


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False, subsequent_indent="  ") or [""]


def _grid(headers: Sequence[str], rows: Sequence[Sequence[Sequence[str]]], caps: Sequence[int]) -> str:
    """A table whose cells are lists of items; each item is wrapped to the column's width."""
    widths = []
    for j, h in enumerate(headers):
        natural = max([len(h)] + [len(item) for r in rows for item in r[j]])
        widths.append(max(len(h), min(caps[j], natural)))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        cells = []
        for j, items in enumerate(r):
            cell: list[str] = []
            for item in items:
                cell.extend(_wrap(item, widths[j]))
            cells.append(cell or [""])
        height = max(len(c) for c in cells)
        for i in range(height):
            lines.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(lines)


def analysis_text(analysis: Analysis, *, width: int = 110) -> str:
    """A readable plain-text report of an analysis (``govgame analyze``, the default format).

    Long expressions are wrapped, so no line is much longer than ``width``
    characters, whatever the number of populations.

    Parameters
    ----------
    analysis : govgame.analysis.pipeline.Analysis
    width : int, optional
        Target line width.

    Returns
    -------
    str

    Examples
    --------
    >>> print(analysis_text(demo))  # doctest: +ELLIPSIS
    demo: A demo game
    ...
    dx/dt = x*(1 - x)*(b - c)
    ...
    E1    pure       (0, 0)         λ1 = b - c   conditional  yes   λ1 < 0
    ...
    """
    game = analysis.game
    state = game.state_names
    out = [f"{game.name}: {game.title}" if game.title else game.name]
    params = _params_used(analysis)
    if params:
        text = ", ".join(f"{k} = {v:g}" for k, v in params.items())
        out += _wrap("Parameter values: " + text, width)
    else:
        missing = [n for n in game.parameter_names if n not in analysis.params]
        out += _wrap("Symbolic analysis only: no value for " + ", ".join(missing), width)
    out += ["", "Replicator equations"]
    for n, r in zip(state, analysis.dynamics.rhs):
        out += _wrap(f"  d{n}/dt = {format_expr(r)}", width)

    cap = max(16, (width - 40) // 3)
    rows = []
    for s in analysis.equilibria:
        eq = s.equilibrium
        point = [_point_text(eq.point)]
        if eq.profile:
            point.append(_profile_text(eq.profile))
        rows.append(
            [
                [eq.name],
                [str(eq.kind)],
                point,
                _eigen_items(s),
                [_VERDICT_TEXT.get(str(s.verdict), str(s.verdict))],
                ["yes" if s.can_be_ess else "no"],
                _conditions_items(s),
            ]
        )
    out += ["", "Equilibria (symbolic)"]
    out.append(
        _grid(
            ["name", "kind", "point", "eigenvalues", "verdict", "ESS?", "conditions"],
            rows,
            [6, 9, 30, cap + 8, 14, 4, cap],
        )
    )
    witnesses = _witness_lines(analysis)
    if witnesses:
        out += ["", "Witnesses: parameter values under which each vertex is an ESS"]
        for w in witnesses:
            out += _wrap("  " + w, width)

    if params and any(s.numeric is not None for s in analysis.equilibria):
        nrows = []
        for s in analysis.equilibria:
            if s.numeric is None:
                continue
            eq = s.equilibrium
            nrows.append(
                [
                    [eq.name],
                    [_profile_text(eq.profile) or str(eq.kind)],
                    ["(" + ", ".join(_num_text(c) for c in s.numeric.point) + ")"],
                    [", ".join(_eig_text(v) for v in s.numeric.eigenvalues)],
                    [_VERDICT_TEXT.get(str(s.numeric.verdict), str(s.numeric.verdict))],
                ]
            )
        out += ["", "Equilibria at the parameter values above"]
        out.append(_grid(["name", "profile", "point", "eigenvalues", "verdict"], nrows, [6, 30, 30, 40, 14]))

    if analysis.compatible or analysis.exclusive:
        out += ["", "Multistability (vertices that can be ESS)"]
        comp = ", ".join(f"{a}+{b}" for a, b in analysis.compatible) or "none"
        excl = ", ".join(f"{a}+{b}" for a, b in analysis.exclusive) or "none"
        out += _wrap("  ESS together for some parameters: " + comp, width)
        out += _wrap("  never ESS together (proven): " + excl, width)
        unproven = ", ".join(f"{a}+{b}" for a, b in getattr(analysis, "not_proven", ()))
        if unproven:
            out += _wrap("  never ESS together, not proven (see the notes): " + unproven, width)
    if analysis.notes:
        out += ["", "Notes"]
        for n in analysis.notes:
            out += _wrap("  - " + n, width)
    out += ["", "Legend"]
    legend = [
        "ESS: every eigenvalue has real part < 0 (asymptotically stable; Lyapunov's indirect method).",
        "saddle: some real part > 0, not all (unstable). source: every real part > 0.",
        "non-hyperbolic: no real part > 0 and some is zero; the linearisation decides nothing.",
        "conditional: the signs depend on the parameters; 'conditions' are the inequalities under which "
        "the vertex is an ESS, 'ESS?' says whether admissible parameters satisfy them all, 'e.g.' gives some.",
        "not ESS: cannot be asymptotically stable for any admissible parameters (every mixed rest point: "
        "Selten 1980; Ritzberger and Weibull 1995).",
        f"Numeric verdicts treat |real part| <= tol * max|eigenvalue| as zero, tol = {analysis.eig_tol:g}.",
    ]
    for line in legend:
        out += _wrap("  " + line, width)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the model
def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


@renamed_options({"values": "params"}, positional=("params",))
def describe_model(game: Game, *, params: Mapping[str, float]) -> str:
    """A plain-text description of a model: populations, parameters, scenarios and payoffs.

    Parameters
    ----------
    game : Game
        The model.
    params : mapping
        The parameter values in use (defaults, scenario and overrides applied).

    Examples
    --------
    >>> from govgame.model.loader import game_from_dict
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
    >>> print(describe_model(game, params={"c": 2.0}))
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
                    _num(params.get(par.name)),
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


# --------------------------------------------------------------------------- tables of runs and cells
def _table(rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [indent + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, indent: str = "  ") -> list[str]:
    r"""The lines of an aligned plain-text table (columns padded to their widest cell).

    >>> print("\n".join(text_table(["a", "bb"], [["xyz", "1"]])))
      a    bb
      xyz  1
    """
    return _table([list(headers), *(list(r) for r in rows)], indent)


def simulation_rows(data: Mapping[str, Any], status: Sequence[str]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the runs table of ``govgame simulate``.

    ``data`` is :func:`govgame.io.json.simulation_to_dict`, ``status`` the runs' statuses
    (:attr:`Trajectories.status <govgame.numerics.integrate.Trajectories.status>`).

    >>> data = {"runs": [{"from": [0.5, 0.5], "to": [0.0, 1.0], "reached": "E2", "profile": ["a", "b"]}]}
    >>> simulation_rows(data, ["converged"])
    (['from', 'to', 'reached', 'profile', 'status'], [['(0.5, 0.5)', '(0.0000, 1.0000)', 'E2', 'a/b', 'converged']])
    """
    headers = ["from", "to", "reached", "profile", "status"]
    rows = [
        [
            "(" + ", ".join(f"{v:.3g}" for v in run["from"]) + ")",
            "(" + ", ".join(f"{v:.4f}" for v in run["to"]) + ")",
            run["reached"] or "-",
            "/".join(run["profile"]) if run["profile"] else "-",
            str(st),
        ]
        for run, st in zip(data["runs"], status)
    ]
    return headers, rows


def _summary_rows(data: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    return ["outcome", "runs"], [[k, str(v)] for k, v in data["summary"].items()]


def _simulation_title(data: Mapping[str, Any]) -> str:
    return f"{data['model']}: {len(data['runs'])} runs of ({', '.join(data['state'])}) to t = {data['t_end']:g}"


def simulation_text(data: Mapping[str, Any], status: Sequence[str]) -> str:
    """What ``govgame simulate`` prints: the runs and a summary of their outcomes.

    >>> data = {"model": "m", "state": ["x"], "t_end": 10.0, "summary": {"a": 1},
    ...         "runs": [{"from": [0.5], "to": [1.0], "reached": "E2", "profile": ["a"]}]}
    >>> print(simulation_text(data, ["converged"]))
    m: 1 runs of (x) to t = 10
    <BLANKLINE>
      from    to        reached  profile  status
      (0.5)   (1.0000)  E2       a        converged
    <BLANKLINE>
    Summary:
      outcome  runs
      a        1
    """
    lines = [_simulation_title(data), "", *text_table(*simulation_rows(data, status)), "", "Summary:"]
    lines += text_table(*_summary_rows(data))
    return "\n".join(lines)


def sweep_rows(result: SweepResult) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the cells table of ``govgame sweep``.

    >>> from govgame.numerics.sweep import _example
    >>> sweep_rows(_example())[1][1]
    ['4', 'c/c d/d', 'c/c 75%, d/d 25%']
    """
    names = list(result.vary)
    headers = [*names, "ess", "reached"]
    rows = []
    for cell in result.cells:
        reached = ", ".join(f"{k} {v:.0%}" for k, v in cell.reached.items())
        rows.append([*(f"{cell.params[n]:g}" for n in names), " ".join(cell.ess) or "-", reached])
    return headers, rows


def _sweep_title(result: SweepResult) -> str:
    return f"{result.model}: {len(result.cells)} cells, grid {result.grid}, t = {result.t_end:g}"


def sweep_text(result: SweepResult) -> str:
    """What ``govgame sweep`` prints: one row per cell.

    >>> from govgame.numerics.sweep import _example
    >>> print(sweep_text(_example()))
    pd: 2 cells, grid 2, t = 100
    <BLANKLINE>
      b  ess      reached
      2  d/d      d/d 100%
      4  c/c d/d  c/c 75%, d/d 25%
    """
    return "\n".join([_sweep_title(result), "", *text_table(*sweep_rows(result))])


# --------------------------------------------------------------------------- stochastic dynamics (SPEC §6)
def _point(v) -> str:
    return "(" + ", ".join(f"{float(a):.3g}" for a in v) + ")"


def ensemble_settings(data: Mapping[str, Any]) -> str:
    """One line: the SDE, its noise form, the intensities and the numerical settings.

    >>> print(ensemble_settings({"stochastic": {"sigma": {"a": 0.5}, "noise": "tangent", "scheme": "milstein",
    ...                                          "dt": 0.01, "seed": 0, "paths": 10}}))
    Itô SDE, tangent noise; sigma: a 0.5; milstein, dt = 0.01, seed 0
    """
    st = data["stochastic"]
    sig = ", ".join(f"{k} {v:g}" for k, v in st["sigma"].items())
    return f"Itô SDE, {st['noise']} noise; sigma: {sig}; {st['scheme']}, dt = {st['dt']:g}, seed {st['seed']}"


def ensemble_rows(data: Mapping[str, Any]) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of the per-start table of ``simulate --sigma``: each outcome's share of the paths.

    ``data`` is :func:`govgame.io.json.ensemble_to_dict`; ``s.e.`` is the binomial standard error and
    ``first passage`` the mean first time within 1e-3 of the vertex, over the paths that end there.

    >>> data = {"starts": [{"from": [0.5, 0.5], "paths": 4, "reached": {"a/a": 0.75, "b/b": 0.25},
    ...          "standard_error": {"a/a": 0.2166, "b/b": 0.2166}, "first_passage": {"a/a": {"mean": 3.0}}}]}
    >>> ensemble_rows(data)[1]
    [['(0.5, 0.5)', 'a/a', '0.750', '0.217', '3'], ['', 'b/b', '0.250', '0.217', '-']]
    """
    headers = ["from", "outcome", "share", "s.e.", "first passage"]
    rows = []
    for st in data["starts"]:
        first = _point(st["from"])
        for key, p in st["reached"].items():
            fp = st["first_passage"].get(key)
            rows.append(
                [first, key, f"{p:.3f}", f"{st['standard_error'][key]:.3f}", "-" if fp is None else f"{fp['mean']:.3g}"]
            )
            first = ""
    return headers, rows


def _ensemble_title(data: Mapping[str, Any]) -> str:
    n = data["stochastic"]["paths"]
    return (
        f"{data['model']}: {n} paths from each of {len(data['starts'])} starts of ({', '.join(data['state'])}) "
        f"to t = {data['t_end']:g}"
    )


def ensemble_text(data: Mapping[str, Any]) -> str:
    """What ``govgame simulate --sigma ...`` prints: the settings, each start's outcomes, the summary, notes.

    >>> data = {"model": "m", "state": ["x", "y"], "t_end": 10.0,
    ...         "stochastic": {"sigma": {"a": 0.5, "b": 0.5}, "noise": "tangent", "scheme": "milstein",
    ...                        "dt": 0.01, "seed": 0, "paths": 4},
    ...         "starts": [{"from": [0.5, 0.5], "paths": 4, "reached": {"a/a": 1.0}, "standard_error": {"a/a": 0.0},
    ...                     "first_passage": {"a/a": {"mean": 2.5}}}], "summary": {"a/a": 4}, "notes": []}
    >>> print(ensemble_text(data))
    m: 4 paths from each of 1 starts of (x, y) to t = 10
    Itô SDE, tangent noise; sigma: a 0.5, b 0.5; milstein, dt = 0.01, seed 0
    <BLANKLINE>
      from        outcome  share  s.e.   first passage
      (0.5, 0.5)  a/a      1.000  0.000  2.5
    <BLANKLINE>
    Summary (paths):
      outcome  paths
      a/a      4
    """
    lines = [_ensemble_title(data), ensemble_settings(data), "", *text_table(*ensemble_rows(data))]
    lines += [
        "",
        "Summary (paths):",
        *text_table(["outcome", "paths"], [[k, str(v)] for k, v in data["summary"].items()]),
    ]
    if data.get("notes"):
        lines += ["", "Notes:", *(f"  {n}" for n in data["notes"])]
    return "\n".join(lines)


def _yes_no(v) -> str:
    return "undecided" if v is None else ("yes" if v else "no")


def stochastic_rows(
    sd: Mapping[str, Any], profiles: Mapping[str, Sequence[str]]
) -> tuple[list[str], list[list[list[str]]]]:
    """Headers and rows (lists of items per cell) of the stochastic stability table of ``analyze --sigma``.

    ``sd`` is :func:`govgame.io.json.stochastic_to_dict`; ``profiles`` maps vertex names to profiles.

    >>> sd = {"vertices": {"E1": {"rest_point": True, "almost_sure": ["a - 1/8 < 0"], "mean_square": ["a + 1/8 < 0"],
    ...       "can_be_almost_sure": True, "can_be_mean_square": False}}}
    >>> stochastic_rows(sd, {"E1": ("l", "r")})[1]
    [[['E1'], ['l/r'], ['a - 1/8 < 0'], ['a + 1/8 < 0'], ['-'], ['a.s.: yes', 'm.s.: no']]]
    """
    headers = ["vertex", "profile", "almost sure", "mean square", "at the values", "can hold"]
    rows = []
    for name, v in sd["vertices"].items():
        prof = [_profile_text(profiles.get(name))]
        if not v["rest_point"]:
            rows.append([[name], prof, ["not a rest point"], ["-"], ["-"], [v["note"]]])
            continue
        num = v.get("numeric")
        at = ["-"] if num is None else [f"a.s.: {_yes_no(num['almost_sure'])}", f"m.s.: {_yes_no(num['mean_square'])}"]
        can = [f"a.s.: {_yes_no(v['can_be_almost_sure'])}", f"m.s.: {_yes_no(v['can_be_mean_square'])}"]
        rows.append([[name], prof, list(v["almost_sure"]), list(v["mean_square"]), at, can])
    return headers, rows


def stochastic_text(sd: Mapping[str, Any], profiles: Mapping[str, Sequence[str]], *, width: int = 110) -> str:
    """The section ``analyze --sigma`` adds: every vertex's almost-sure and mean-square conditions (SPEC §6).

    >>> sd = {"stochastic": {"sigma": {"a": 0.5}, "noise": "tangent", "noise_form": "sigma*x*(1 - x)*dW"},
    ...       "vertices": {"E1": {"rest_point": True, "almost_sure": ["-9/8 < 0"], "mean_square": ["-7/8 < 0"],
    ...                           "can_be_almost_sure": True, "can_be_mean_square": True}}, "notes": []}
    >>> print(stochastic_text(sd, {"E1": ("r",)}).splitlines()[0])
    Stochastic stability under the linearisation (Itô; tangent noise sigma*x*(1 - x)*dW; sigma: a 0.5)
    """
    st = sd["stochastic"]
    sig = ", ".join(f"{k} {v:g}" for k, v in st["sigma"].items())
    lines = [
        f"Stochastic stability under the linearisation (Itô; {st['noise']} noise {st['noise_form']}; sigma: {sig})",
        "almost sure: lambda - sigma^2/2 < 0 for every eigenvalue; mean square: lambda + sigma^2/2 < 0",
        "",
    ]
    headers, rows = stochastic_rows(sd, profiles)
    cap = max(20, (width - 30) // 3)
    lines.append(_grid(headers, rows, [8, 24, cap, cap, 14, 30]))
    if sd.get("notes"):
        lines += ["", *sd["notes"]]
    return "\n".join(lines)


def paths_csv(state: Sequence[str], t: Sequence[float], paths: Any) -> str:
    """Sampled deterministic paths as CSV: ``run, t,`` then every share, one row per run and time (SPEC §4).

    >>> print(paths_csv(["x"], [0.0, 1.0], [[[0.5], [0.75]]]), end="")
    run,t,x
    0,0,0.5
    0,1,0.75
    """
    out = [",".join(["run", "t", *state])]
    for r, path in enumerate(paths):
        for ti, point in zip(t, path):
            out.append(",".join([str(r), repr(float(ti)).removesuffix(".0"), *(repr(float(v)) for v in point)]))
    return "\n".join(out) + "\n"


def ensemble_paths_csv(state: Sequence[str], t: Sequence[float], samples: Any) -> str:
    """Sampled stochastic paths as CSV: ``start, path, t,`` then every share (one row per path and time).

    ``samples`` has shape ``(starts, paths, len(t), len(state))`` (``Ensemble.samples``).

    >>> print(ensemble_paths_csv(["x"], [0.0, 1.0], [[[[0.5], [0.25]]]]), end="")
    start,path,t,x
    0,0,0,0.5
    0,0,1,0.25
    """
    out = [",".join(["start", "path", "t", *state])]
    for s, block in enumerate(samples):
        for p, path in enumerate(block):
            for ti, point in zip(t, path):
                out.append(
                    ",".join([str(s), str(p), repr(float(ti)).removesuffix(".0"), *(repr(float(v)) for v in point)])
                )
    return "\n".join(out) + "\n"
