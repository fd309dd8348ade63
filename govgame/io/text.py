"""Plain-text renderers: the analysis report, the model description, and the tables of ``simulate`` and ``sweep``.

What ``govgame ... --format text`` prints (the default). Nothing here computes. In the
examples, ``demo`` is a small hand-made analysis of a two-population game (``tests/demo.py``).
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .._deprecation import renamed_options
from ..model.expr import format_expression
from ._format import (
    _VERDICT_TEXT,
    _cap,
    _conditions_items,
    _eig_text,
    _num_text,
    _params_used,
    _profile_text,
    format_expr,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.pipeline import Analysis
    from ..model.game import Game
    from ..numerics.sweep import SweepResult

__all__ = [
    "DEFAULT_WIDTH",
    "output_width",
    "analysis_text",
    "describe_model",
    "scenarios_text",
    "text_table",
    "simulation_rows",
    "simulation_text",
    "sweep_rows",
    "sweep_text",
    "ensemble_rows",
    "ensemble_text",
    "stochastic_rows",
    "stochastic_text",
]


#: Width of text output when it does not go to a terminal (a file, a pipe, a notebook).
DEFAULT_WIDTH = 100


def output_width(stream: Any = None) -> int:
    """Columns to fill: the terminal's width when ``stream`` (default stdout) is a terminal, else 100.

    Examples
    --------
    >>> import io
    >>> output_width(io.StringIO())
    100
    """
    import shutil
    import sys

    stream = sys.stdout if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if not tty:
        return DEFAULT_WIDTH
    return max(60, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)


_NBSP = "\u00a0"


def _keep(text: str) -> str:
    """``text`` with its spaces made unbreakable (``C_g = 2`` stays on one line)."""
    return text.replace(" ", _NBSP)


def _wrap(text: str, width: int, indent: str = "", hang: str = "  ") -> list[str]:
    """Lines of at most ``width`` columns, broken at spaces only: a name (or a :func:`_keep` group) is never split."""
    if len(indent) + len(text) <= width:
        return [(indent + text).replace(_NBSP, " ")]
    lines = textwrap.wrap(
        text,
        width,
        initial_indent=indent,
        subsequent_indent=indent + hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent]
    return [line.replace(_NBSP, " ") for line in lines]


def _wrap_expr(text: str, width: int, indent: str = "", hang: str = "    ") -> list[str]:
    """An expression in lines of at most ``width`` columns, broken before a `` + `` or `` - `` (never in a name)."""
    if len(indent) + len(text) <= width:
        return [indent + text]
    pieces = re.split(r"(?= [+-] )", text)
    lines, current = [], indent
    for piece in pieces:
        if current.strip() and len(current) + len(piece) > width:
            lines.append(current.rstrip())
            current = indent + hang + piece.lstrip()
        else:
            current += piece
    lines.append(current.rstrip())
    out = []
    for line in lines:  # a single piece longer than the width: break it at spaces (still never in a name)
        if len(line) > width:
            out += _wrap(line.strip(), width, indent=line[: len(line) - len(line.lstrip())], hang="  ")
        else:
            out.append(line)
    return out


def _clean(expr: Any) -> Any:
    """An expression without floating-point noise, for people (JSON keeps it exact)."""
    from .latex import _clean_numbers

    return _clean_numbers(expr)


def _expr(expr: Any) -> str:
    return format_expr(_clean(expr))


def _grid(headers: Sequence[str], rows: Sequence[Sequence[Sequence[str]]], caps: Sequence[int]) -> str:
    """A table whose cells are lists of items; each item is wrapped to the column's width (never inside a name)."""

    def words(item: str) -> list[str]:  # a profile may break after a "/" (between strategies), never in a name
        return item.replace("/", "/ ").split()

    widths = []
    for j, h in enumerate(headers):
        natural = max([len(h)] + [len(item) for r in rows for item in r[j]])
        longest_word = max([len(h)] + [len(w) for r in rows for item in r[j] for w in words(item)])
        widths.append(max(longest_word, min(caps[j], natural)))
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        cells = []
        for j, items in enumerate(r):
            cell: list[str] = []
            for item in items:
                if " " not in item and "/" in item and len(item) > widths[j]:
                    cell.extend(line.replace("/ ", "/") for line in _wrap(item.replace("/", "/ "), widths[j] + 1))
                else:
                    cell.extend(_wrap(item, widths[j]))
            cells.append(cell or [""])
        height = max(len(c) for c in cells)
        for i in range(height):
            lines.append("  ".join((c[i] if i < len(c) else "").ljust(w) for c, w in zip(cells, widths)).rstrip())
    return "\n".join(lines)


def _witness_text(s: Any) -> str | None:
    """The witness of a vertex, with only the parameters its ESS conditions involve."""
    if not s.witness:
        return None
    used = {str(sym) for c in s.stability_conditions for sym in getattr(c, "free_symbols", ())}
    shown = {k: v for k, v in s.witness.items() if k in used} or dict(s.witness)
    return ", ".join(_keep(f"{k} = {_num_text(v, 3)}") for k, v in shown.items())


def _pairs_text(pairs: Sequence[tuple[str, str]]) -> str:
    """Pairs grouped by their first vertex: ``E1 with E3, E5; E2 with E4``."""
    groups: dict[str, list[str]] = {}
    for a, b in pairs:
        groups.setdefault(str(a), []).append(str(b))
    return "; ".join(f"{a} with {', '.join(bs)}" for a, bs in groups.items())


def _equilibrium_block(s: Any, width: int) -> list[str]:
    """One rest point: a head line, then its eigenvalues and conditions, each wrapped under it."""
    eq = s.equilibrium
    verdict = _VERDICT_TEXT.get(str(s.verdict), str(s.verdict))
    ess = "can be ESS" if s.can_be_ess else "never ESS"
    head = f"{eq.name}  {eq.kind}  {_cap(_point_text_clean(eq.point))}"
    if eq.profile:
        head += f"  {_profile_text(eq.profile)}"
    out = _wrap(f"{head}  [{verdict}; {ess}]", width)
    for i, e in enumerate(s.eigenvalues):
        out += _wrap_expr(f"λ{i + 1} = {_cap(_expr(e))}", width, indent="    ")
    conds = _conditions_items(s)
    label = "ESS if " if str(eq.kind) == "pure" else ""
    for k, c in enumerate(conds):
        out += _wrap_expr((label if k == 0 else "") + c, width, indent="    " if k == 0 or not label else "      ")
    w = _witness_text(s)
    if w and s.can_be_ess:
        out += _wrap(f"e.g. {w}", width, indent="    ")
    return out


def _point_text_clean(point: Sequence[Any]) -> str:
    return "(" + ", ".join(_expr(c) for c in point) + ")"


def analysis_text(analysis: Analysis, *, width: int = DEFAULT_WIDTH, brief: bool = False) -> str:
    """A readable plain-text report of an analysis (``govgame analyze``, the default format).

    No line is longer than ``width`` columns (give :func:`output_width` for a terminal);
    lines break at spaces, expressions before a ``+`` or ``-``, never inside a name.
    Numbers print without floating-point noise. Witnesses show only the parameters in a
    vertex's conditions (the full witness is in ``--format json``); multistability is
    summarised as the pairs that can be ESS together.

    Parameters
    ----------
    analysis : govgame.analysis.pipeline.Analysis
    width : int, default 100
        Maximum line width.
    brief : bool, default False
        Only what decides the outcome: the ESS at the values, the vertices that can be ESS
        for some parameters with their conditions, and how many other rest points there are.

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
    E1  pure  (0, 0)  lax/defect  [conditional; can be ESS]
        λ1 = b - c
    ...
    >>> print(analysis_text(demo, brief=True))  # doctest: +ELLIPSIS
    demo: A demo game
    At b = 3, c = 1: ESS E3 strict/defect.
    ...
    """
    game = analysis.game
    state = game.state_names
    out = _wrap(f"{game.name}: {game.title}" if game.title else game.name, width)
    params = _params_used(analysis)
    if brief:
        return _brief(analysis, params, width, out)
    if params:
        text = ", ".join(_keep(f"{k} = {v:g}") for k, v in params.items())
        out += _wrap("Parameter values: " + text, width)
    else:
        missing = [n for n in game.parameter_names if n not in analysis.params]
        out += _wrap("Symbolic analysis only: no value for " + ", ".join(missing), width)
    out += ["", "Replicator equations"]
    for n, r in zip(state, analysis.dynamics.rhs):
        out += _wrap_expr(f"d{n}/dt = {_expr(r)}", width, indent="  ")

    out += ["", "Equilibria (symbolic: for all admissible parameter values)"]
    for s in analysis.equilibria:
        out += _equilibrium_block(s, width)
    if any(s.witness and s.can_be_ess for s in analysis.equilibria):
        out += _wrap(
            "'e.g.': parameter values under which the vertex is an ESS; only the parameters of its "
            "conditions are shown (every parameter: --format json).",
            width,
        )

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
        rest = width - 6 - 14 - 8  # the name and verdict columns and the gaps between columns
        caps = [6, int(rest * 0.36), int(rest * 0.26), rest - int(rest * 0.36) - int(rest * 0.26), 14]
        out.append(_grid(["name", "profile", "point", "eigenvalues", "verdict"], nrows, caps))

    if analysis.compatible or analysis.exclusive or analysis.pairs:
        out += ["", "Multistability (vertices that can be ESS)"]
        if analysis.compatible:
            out += _wrap("can be ESS together, for some parameters: " + _pairs_text(analysis.compatible), width, "  ")
        else:
            out += _wrap("no two vertices can be ESS together", width, "  ")
        if analysis.exclusive:
            n = len(analysis.exclusive)
            out += _wrap(f"every other pair excludes each other ({n} pair{'s' if n != 1 else ''}; listed in "
                         "--format json)", width, "  ")  # fmt: skip
        unproven = [c for c in analysis.pairs if c.status == "not proven"]
        if unproven:
            methods = "; ".join(dict.fromkeys(c.method for c in unproven))
            out += _wrap(f"undecided, no witness found and no proof they exclude each other: "
                         f"{_pairs_text([c.pair for c in unproven])} (tried: {methods})", width, "  ")  # fmt: skip
        outside = [c.pair for c in analysis.pairs if c.status != "not proven" and c.together and not c.in_ranges]
        if outside:
            out += _wrap("ESS together only at values outside the declared ranges found so far (ranges do not bound "
                         f"symbolic results; state hard bounds under [assumptions]): {_pairs_text(outside)}", width,
                         "  ")  # fmt: skip
    from ..analysis.pipeline import pair_notes

    summarised = set(pair_notes(analysis.pairs))  # the multistability section above says these
    notes = [n for n in analysis.notes if n not in summarised]
    if notes:
        out += ["", "Notes"]
        for n in notes:
            out += _wrap("- " + n, width, "  ")
    out += ["", "Legend"]
    legend = [
        "ESS: every eigenvalue has real part < 0 (asymptotically stable; Lyapunov's indirect method).",
        "saddle: some real part > 0, not all (unstable). source: every real part > 0.",
        "non-hyperbolic: no real part > 0 and some is zero; the linearisation decides nothing.",
        "conditional: the signs depend on the parameters; 'ESS if' gives the inequalities under which the "
        "vertex is an ESS, 'can be ESS' says that admissible parameters satisfy them all.",
        "not ESS / never ESS: cannot be asymptotically stable for any admissible parameters"
        + (
            " (the payoffs depend on the state: mixed rest points are judged by their eigenvalues too)."
            if analysis.game.state_dependent
            else " (every mixed rest point: Selten 1980; Ritzberger and Weibull 1995)."
        ),
        f"Numeric verdicts treat |real part| <= tol * max|eigenvalue| as zero, tol = {analysis.eig_tol:g}.",
    ]
    for line in legend:
        out += _wrap(line, width, "  ")
    return "\n".join(out) + "\n"


def _brief(analysis: Analysis, params: Mapping[str, float], width: int, out: list[str]) -> str:
    ess = [s for s in analysis.equilibria if s.numeric is not None and str(s.numeric.verdict) == "ess"]
    if params:
        at = ", ".join(_keep(f"{k} = {v:g}") for k, v in params.items())
        names = ", ".join(_keep(f"{s.equilibrium.name} {_profile_text(s.equilibrium.profile) or s.equilibrium.kind}")
                          for s in ess) or "none (no vertex is stable; runs may cycle)"  # fmt: skip
        out += _wrap(f"At {at}: ESS {names}.", width)
    can = [s for s in analysis.equilibria if s.can_be_ess]
    out += ["", f"Vertices that can be ESS for some parameters ({len(can)}), and when (every condition):"]
    for s in can:
        out += _wrap(f"{s.equilibrium.name} {_profile_text(s.equilibrium.profile)}", width, "  ")
        for c in s.stability_conditions or ["always"]:
            out += _wrap_expr(_expr(c) if c != "always" else c, width, indent="      ")
    never = [s for s in analysis.equilibria if str(s.equilibrium.kind) == "pure" and not s.can_be_ess]
    other = [s for s in analysis.equilibria if str(s.equilibrium.kind) != "pure"]

    def count(n: int, what: str) -> str:
        return f"{n} {what}{'' if n == 1 else 's'}"

    out += [""]
    out += _wrap(
        f"Never ESS: {count(len(never), 'other vertex').replace('vertexs', 'vertices')} and "
        f"{count(len(other), 'rest point')} that {'is not a vertex' if len(other) == 1 else 'are not vertices'}. "
        "The full report: the same command without --brief.",
        width,
    )
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- the model
def _num(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _prose(text: str, width: int, indent: str = "") -> list[str]:
    """Free text wrapped to ``width``: paragraphs stay paragraphs, ``-`` lines stay a list (hanging indent)."""
    out: list[str] = []
    para: list[str] = []
    item: list[str] | None = None

    def flush() -> None:
        nonlocal item
        if para:
            out.extend(_wrap(" ".join(para), width, indent, hang=""))
            para.clear()
        if item is not None:
            out.extend(_wrap("- " + " ".join(item), width, indent, hang="  "))
            item = None

    for raw in str(text).strip().splitlines():
        line = raw.strip()
        if not line:
            flush()
            out.append("")
        elif re.match(r"[-*•]\s+", line):
            flush()
            item = [re.sub(r"^[-*•]\s+", "", line)]
        elif item is not None and raw[:1].isspace():
            item.append(line)
        else:
            if item is not None:
                flush()
            para.append(line)
    flush()
    return out


@renamed_options({"values": "params"}, positional=("params",))
def describe_model(game: Game, *, params: Mapping[str, float], width: int = DEFAULT_WIDTH) -> str:
    """A plain-text description of a model: populations, parameters, scenarios and payoffs.

    Every line fits ``width`` columns: the description keeps its paragraphs and lists, long
    meanings and payoffs continue on indented lines, and no name is split.

    Parameters
    ----------
    game : Game
        The model.
    params : mapping
        The parameter values in use (defaults, scenario and overrides applied).
    width : int, default 100

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
    name  value  default  range  sign         meaning
    ----  -----  -------  -----  -----------  -------
    c     2      1        -      nonnegative  cost
    <BLANKLINE>
    Payoffs (row, col)
      a/a  c  0
      a/b  0  0
      b/a  0  0
      b/b  c  0
    """
    lines = _wrap(f"{game.name}: {game.title}" if game.title else game.name, width)
    if game.description:
        lines += ["", *_prose(game.description, width)]
    lines += ["", f"Populations (state: {', '.join(game.state_names)})"]
    rows = []
    for p in game.populations:
        shares = ", ".join(f"{s} = share playing {st}" for s, st in zip(p.shares, p.strategies))
        rows.append([p.name, p.label, ", ".join(p.strategies), shares])
    table = _table(rows)
    if max(len(t) for t in table) <= width:
        lines += table
    else:
        for r in rows:
            lines += _wrap(f"{r[0]} ({r[1]}): strategies {r[2]}; {r[3]}", width, "  ", "    ")
    if game.parameters:
        lines += ["", "Parameters"]
        prow = []
        for par in game.parameters:
            rng = "-" if par.range is None else f"[{par.range[0]:g}, {par.range[1]:g}]"
            prow.append([[par.name], [_num(params.get(par.name))], [_num(par.value)], [rng], [par.sign],
                         [" ".join(par.description.split())]])  # fmt: skip
        fixed = max(len(par.name) for par in game.parameters) + 7 + 7 + 14 + 11 + 10
        lines.append(_grid(["name", "value", "default", "range", "sign", "meaning"], prow,
                           [30, 10, 10, 16, 11, max(20, width - fixed)]))  # fmt: skip
    if game.definitions:
        lines += ["", "Definitions"]
        for d in game.definitions:
            lines += _wrap_expr(f"{d.name} = {format_expression(d.expr)}", width, "  ")
    if game.assumptions:
        lines += ["", "Assumptions"]
        for a in game.assumptions:
            lines += _wrap_expr(format_expression(a), width, "  ")
    if game.scenarios:
        lines += ["", "Scenarios"]
        for sc in game.scenarios:
            sets = ", ".join(_keep(f"{k} = {v:g}") for k, v in sc.values) or "no changes"
            expect = f"; expect {'/'.join(sc.expect)}" if sc.expect else ""
            desc = f" ({' '.join(sc.description.split())})" if sc.description else ""
            lines += _wrap(f"{sc.name}: {sets}{expect}{desc}", width, "  ", "    ")
    lines += ["", f"Payoffs ({', '.join(p.name for p in game.populations)})"]
    rows = [["/".join(pr), *(format_expression(v) for v in game.payoff(pr))] for pr in game.profiles]
    table = _table(rows)
    if max(len(t) for t in table) <= width:
        lines += table
    else:  # one profile per block, one payoff per line
        for pr in game.profiles:
            lines.append("  " + "/".join(pr))
            for pop, v in zip(game.populations, game.payoff(pr)):
                lines += _wrap_expr(f"{pop.name}: {format_expression(v)}", width, "      ")
    return "\n".join(lines)


def scenarios_text(game: Game, *, width: int = DEFAULT_WIDTH) -> str:
    """What ``govgame scenarios MODEL`` prints: each scenario's meaning, the values it sets, what it expects.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> print(scenarios_text(load_model("battery_recycling")))  # doctest: +ELLIPSIS
    battery_recycling: 3 scenarios (use one with --scenario NAME; values not listed keep their defaults)
    <BLANKLINE>
    early_market
    ...
        expects: lax/informal/sell_informal
    ...
    """
    n = len(game.scenarios)
    out = _wrap(
        f"{game.name}: {n} scenario{'s' if n != 1 else ''}"
        + (" (use one with --scenario NAME; values not listed keep their defaults)" if n else ""),
        width,
    )
    for sc in game.scenarios:
        out += ["", sc.name]
        if sc.description:
            out += _prose(sc.description, width, indent="    ")
        sets = []
        for k, v in sc.values:
            default = game.parameter(k).value
            was = f" (default {default:g})" if default is not None else ""
            sets.append(_keep(f"{k} = {v:g}{was}"))
        out += _wrap("sets: " + (", ".join(sets) or "nothing (the defaults)"), width, "    ", "  ")
        if sc.expect:
            out += _wrap("expects: " + "/".join(sc.expect), width, "    ", "  ")
    return "\n".join(out)


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
            run["reached"] or _motion(run),
            "/".join(run["profile"]) if run["profile"] else "-",
            str(st),
        ]
        for run, st in zip(data["runs"], status)
    ]
    return headers, rows


def _motion(run: Mapping[str, Any]) -> str:
    """What a run that reached no rest point does, for the ``reached`` column: ``cycle around E4, period 10.95``.

    >>> _motion({"outcome": "cycle", "period": 10.9516, "around": "E4"})
    'cycle around E4, period 10.95'
    >>> _motion({"outcome": "heteroclinic", "near": "E2"}), _motion({"outcome": "none"}), _motion({})
    ('heteroclinic, near E2', '-', '-')
    """
    outcome = run.get("outcome")
    if outcome == "cycle":
        around = f" around {run['around']}" if run.get("around") else ""
        period = f", period {run['period']:.4g}" if run.get("period") is not None else ""
        return f"cycle{around}{period}"
    if outcome == "heteroclinic":
        return "heteroclinic" + (f", near {run['near']}" if run.get("near") else "")
    return "-"


#: What the outcomes of runs that reach no rest point mean (printed under the summary of ``simulate``).
_MOTION_LEGEND = {
    "cycle": "cycle: the run settled on a closed orbit (around the named rest point; the period, in model time, "
    "is in the runs table), found by the return-map test of docs/explanation.md; whatever its integration "
    "status, it does not converge to a point",
    "heteroclinic": "heteroclinic: the run keeps passing ever closer to a ring of saddles (the saddle it is "
    "passing at t_end is named), staying longer near each on every turn",
    "none": "none: the run had not settled by t_end; a longer --t-end may settle it "
    "(look at it with govgame plot MODEL timeseries)",
}


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
    kinds = {key.split()[0] for key in data["summary"]}
    legend = [text for kind, text in _MOTION_LEGEND.items() if kind in kinds]
    if legend:
        lines.append("")
        for text in legend:
            lines += textwrap.wrap(text, DEFAULT_WIDTH, initial_indent="  ", subsequent_indent="    ")
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


#: What the outcome keys of a sweep mean (printed under its summary).
_KEY_LEGEND = (
    "a/b/c: the pure profile (vertex) the starts reached; bistable: A | B: the cell's starts reach two "
    "outcomes (the two most frequent); E13 and the like: a rest point that is not a vertex (its name as in "
    "govgame analyze at that cell's values); cycle (around E9): the runs settle on a closed orbit (around "
    "that rest point); heteroclinic: they pass ever closer to a ring of saddles; none: no run had settled "
    "by t_end (look at them with govgame plot MODEL timeseries)."
)


def _ranges(values: Sequence[float]) -> str:
    vals = sorted(values)
    return f"{vals[0]:g}" if len(vals) == 1 else f"{vals[0]:g} to {vals[-1]:g}"


def sweep_text(result: SweepResult, *, width: int = DEFAULT_WIDTH) -> str:
    """What ``govgame sweep`` prints: a summary of the outcome over the grid, not one line per cell.

    Each cell is named by :func:`govgame.numerics.outcomes.region_label`. One varied parameter:
    the values, in runs, that share an outcome. Two: a map of letters (rows the second
    parameter, columns the first) with a key. More: how many cells have each outcome. Then
    the ESS seen and what the outcome keys mean. Every cell is in ``--format csv`` or ``json``.

    >>> from govgame.numerics.sweep import _example
    >>> print(sweep_text(_example()))  # doctest: +ELLIPSIS
    pd: 2 cells, grid 2, t = 100
    <BLANKLINE>
    Outcome as b varies:
      b = 2: d/d
      b = 4: bistable: c/c | d/d
    ...
    """
    names = list(result.vary)
    labels = [c.label for c in result.cells]
    order = sorted(set(labels), key=lambda k: (k == "none", k.startswith("bistable"), -labels.count(k), k))
    out = [_sweep_title(result), ""]
    if len(names) == 1:
        name = names[0]
        out.append(f"Outcome as {name} varies:")
        run_vals: list[float] = []
        run_label = None
        for cell, lab in [*zip(result.cells, labels), (None, None)]:
            if lab != run_label and run_vals:
                out += _wrap(f"{name} = {_ranges(run_vals)}: {run_label}", width, "  ", "    ")
                run_vals = []
            if cell is not None:
                run_vals.append(cell.params[name])
                run_label = lab
    elif len(names) == 2:
        xn, yn = names
        xs, ys = list(result.vary[xn]), list(result.vary[yn])
        letters = {
            k: ("-" if k == "none" else chr(ord("A") + i)) for i, k in enumerate(o for o in order if o != "none")
        }
        letters["none"] = "-"
        grid = {(c.params[xn], c.params[yn]): lab for c, lab in zip(result.cells, labels)}
        head = f"{yn} \\ {xn}"
        lab_w = max(len(head), *(len(f"{y:.3g}") for y in ys))
        out.append(f"Region map (rows: {yn}, columns: {xn} from {_ranges(xs)}):")
        step = 2 if 2 * len(xs) + lab_w + 4 <= width else 1
        for y in reversed(ys):
            row = (" " * (step - 1)).join(letters[grid[(x, y)]] for x in xs)
            out.append(f"  {y:>{lab_w}.3g}  {row}")
        out.append(f"  {'':>{lab_w}}  {xn}: {_ranges(xs)}")
        out.append("Key:")
        for k in order:
            n = labels.count(k)
            out += _wrap(f"{letters[k]}  {k} ({n} cell{'s' if n != 1 else ''})", width, "  ", "     ")
    else:
        out.append("Outcomes (cells):")
        for k in order:
            n = labels.count(k)
            out += _wrap(f"{k}: {n} cell{'s' if n != 1 else ''}", width, "  ", "    ")
    ess = sorted({e for c in result.cells for e in c.ess})
    if ess:
        out += ["", "ESS in some cells: " + ", ".join(f"{e} ({sum(e in c.ess for c in result.cells)})" for e in ess)]
    out += [""]
    out += _wrap("Key to the outcomes: " + _KEY_LEGEND, width)
    out += _wrap("Every cell, with the share of starts reaching each outcome: --format csv or --format json.", width)
    return "\n".join(out)


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
