"""Markdown renderers: the analysis report (Jupyter's ``_repr_markdown_``) and the tables of ``simulate`` and ``sweep``.

What ``govgame ... --format markdown`` prints. Nothing here computes. In the examples, ``demo``
is a small hand-made analysis of a two-population game (``tests/demo.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

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
from .text import (
    _ensemble_title,
    _simulation_title,
    _summary_rows,
    _sweep_title,
    ensemble_rows,
    ensemble_settings,
    simulation_rows,
    stochastic_rows,
    sweep_rows,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.pipeline import Analysis
    from ..model.game import Game
    from ..numerics.sweep import SweepResult

__all__ = [
    "model_card_markdown",
    "payoff_matrix_markdown",
    "scenarios_markdown",
    "analysis_markdown",
    "markdown_escape",
    "markdown_table",
    "simulation_markdown",
    "sweep_markdown",
    "ensemble_markdown",
    "stochastic_markdown",
]


_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>&~=:")


def markdown_escape(text: str) -> str:
    r"""Model prose (a title, a description) as Markdown text: every Markdown or HTML character shown, none obeyed.

    Punctuation that Markdown could read as markup is backslash-escaped, ``<``, ``>`` and ``&``
    become HTML entities (no tag or link can be formed), line breaks become spaces and
    control characters become ``?``.

    >>> print(markdown_escape("<script>x</script> [a](javascript:b) *c* | d_e"))
    &lt;script&gt;x&lt;/script&gt; \[a\]\(javascript\:b\) \*c\* \| d\_e
    """
    out = []
    for ch in str(text):
        if ch == "<":
            out.append("&lt;")
        elif ch == ">":
            out.append("&gt;")
        elif ch == "&":
            out.append("&amp;")
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch in "\n\r\t":
            out.append(" ")
        elif not ch.isprintable():
            out.append("?")
        else:
            out.append(ch)
    return "".join(out)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_code(text: str) -> str:
    return f"`{_md_cell(text)}`" if text else ""


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table (an empty cell is written as a space).

    >>> print(markdown_table(["a", "b"], [["1", ""]]))
    | a | b |
    | --- | --- |
    | 1 |   |
    """
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c if c else " " for c in r) + " |")
    return "\n".join(lines)


def analysis_markdown(analysis: Analysis) -> str:
    """The analysis as GitHub-flavoured Markdown: equations, equilibria table, numeric table.

    Examples
    --------
    >>> md = analysis_markdown(demo)
    >>> print(md.splitlines()[0])
    ## demo: A demo game
    >>> [line for line in md.splitlines() if line.startswith("| E1")][0]
    '| E1 | pure | `(0, 0)`<br>lax/defect | `λ1 = b - c`<br>`λ2 = -c` | conditional | yes | `λ1 < 0` |'
    """
    game = analysis.game
    state = game.state_names
    out = [f"## {game.name}: {markdown_escape(game.title)}" if game.title else f"## {game.name}", ""]
    params = _params_used(analysis)
    if params:
        out += ["Parameter values: " + ", ".join(f"`{k} = {v:g}`" for k, v in params.items()), ""]
    else:
        out += ["Symbolic analysis only (not every parameter has a value).", ""]
    out += ["### Replicator equations", ""]
    out += markdown_table(
        ["state", "d/dt"], [[_md_code(n), _md_code(format_expr(r))] for n, r in zip(state, analysis.dynamics.rhs)]
    ).splitlines()
    out += ["", "### Equilibria", ""]
    rows = []
    for s in analysis.equilibria:
        eq = s.equilibrium
        point = _md_code(_point_text(eq.point)) + (f"<br>{_md_cell(_profile_text(eq.profile))}" if eq.profile else "")
        rows.append(
            [
                eq.name,
                str(eq.kind),
                point,
                "<br>".join(_md_code(e) for e in _eigen_items(s)),
                _VERDICT_TEXT.get(str(s.verdict), str(s.verdict)),
                "yes" if s.can_be_ess else "no",
                "<br>".join(_md_code(c) for c in _conditions_items(s)),
            ]
        )
    out += markdown_table(
        ["name", "kind", "point", "eigenvalues", "verdict", "can be ESS", "conditions"], rows
    ).splitlines()
    witnesses = _witness_lines(analysis)
    if witnesses:
        out += ["", "Witnesses (parameter values under which each vertex is an ESS):", ""]
        out += ["- " + _md_cell(w) for w in witnesses]
    if params and any(s.numeric is not None for s in analysis.equilibria):
        out += ["", "### At the parameter values", ""]
        nrows = []
        for s in analysis.equilibria:
            if s.numeric is None:
                continue
            eq = s.equilibrium
            nrows.append(
                [
                    eq.name,
                    _md_cell(_profile_text(eq.profile)) or str(eq.kind),
                    "(" + ", ".join(_num_text(c) for c in s.numeric.point) + ")",
                    ", ".join(_eig_text(v) for v in s.numeric.eigenvalues),
                    _VERDICT_TEXT.get(str(s.numeric.verdict), str(s.numeric.verdict)),
                ]
            )
        out += markdown_table(["name", "profile", "point", "eigenvalues", "verdict"], nrows).splitlines()
    if analysis.compatible or analysis.exclusive:
        out += ["", "### Multistability", ""]
        out.append(
            "- ESS together for some parameters: " + (", ".join(f"{a}+{b}" for a, b in analysis.compatible) or "none")
        )
        out.append("- never ESS together (proven): " + (", ".join(f"{a}+{b}" for a, b in analysis.exclusive) or "none"))
        unproven = ", ".join(f"{a}+{b}" for a, b in getattr(analysis, "not_proven", ()))
        if unproven:
            out.append("- never ESS together, not proven (see the notes): " + unproven)
    if analysis.notes:
        out += ["", "### Notes", ""] + [f"- {n}" for n in analysis.notes]
    out += [
        "",
        "*ESS*: every eigenvalue has negative real part. *not ESS*: no admissible parameters make it "
        + (
            "asymptotically stable (the payoffs depend on the state, so mixed rest points are judged by their "
            "eigenvalues too). "
            if analysis.game.state_dependent
            else "asymptotically stable (mixed rest points never are: Selten 1980; Ritzberger and Weibull 1995). "
        )
        + f"Numeric verdicts treat |real part| <= {analysis.eig_tol:g} x max|eigenvalue| as zero.",
    ]
    return "\n".join(out) + "\n"


def simulation_markdown(data: Mapping[str, Any], status: Sequence[str]) -> str:
    """``govgame simulate --format markdown``: the runs and a summary, as Markdown tables.

    ``data`` is :func:`govgame.io.json.simulation_to_dict`, ``status`` the runs' statuses.
    """
    lines = [_simulation_title(data), "", markdown_table(*simulation_rows(data, status)), "", "Summary:"]
    lines.append(markdown_table(*_summary_rows(data)))
    return "\n".join(lines)


def sweep_markdown(result: SweepResult) -> str:
    """``govgame sweep --format markdown``: one row per cell.

    >>> from govgame.numerics.sweep import _example
    >>> print(sweep_markdown(_example()).splitlines()[-1])
    | 4 | c/c d/d | c/c 75%, d/d 25% |
    """
    return "\n".join([_sweep_title(result), "", markdown_table(*sweep_rows(result))])


def ensemble_markdown(data: Mapping[str, Any]) -> str:
    """``govgame simulate --sigma ... --format markdown``: settings, each start's outcomes, summary and notes.

    ``data`` is :func:`govgame.io.json.ensemble_to_dict`.
    """
    lines = [_ensemble_title(data), "", ensemble_settings(data), "", markdown_table(*ensemble_rows(data)), ""]
    lines += [
        "Summary (paths):",
        markdown_table(["outcome", "paths"], [[k, str(v)] for k, v in data["summary"].items()]),
    ]
    lines += [f"- {n}" for n in data.get("notes", [])]
    return "\n".join(lines)


def stochastic_markdown(sd: Mapping[str, Any], profiles: Mapping[str, Sequence[str]]) -> str:
    """The stochastic stability table of ``analyze --sigma --format markdown``.

    ``sd`` is :func:`govgame.io.json.stochastic_to_dict`.
    """
    st = sd["stochastic"]
    sig = ", ".join(f"{k} {v:g}" for k, v in st["sigma"].items())
    headers, rows = stochastic_rows(sd, profiles)
    flat = [["<br>".join(_md_code(i) if j in (2, 3) else i for i in cell) for j, cell in enumerate(r)] for r in rows]
    lines = [
        f"### Stochastic stability (Itô; {st['noise']} noise `{st['noise_form']}`; sigma: {sig})",
        "",
        "Almost sure: λ − σ²/2 < 0 for every eigenvalue; mean square: λ + σ²/2 < 0.",
        "",
        markdown_table(headers, flat),
    ]
    lines += [f"- {n}" for n in sd.get("notes", [])]
    return "\n".join(lines) + "\n"


def scenarios_markdown(game: Game) -> str:
    """The scenarios of a model as a Markdown table (``govgame scenarios MODEL --format markdown``).

    >>> from govgame.model.loader import load_model
    >>> print(scenarios_markdown(load_model("battery_recycling")).splitlines()[0])
    | scenario | sets | expects | meaning |
    """
    rows = []
    for sc in game.scenarios:
        sets = ", ".join(f"`{k} = {v:g}`" for k, v in sc.values) or "(defaults)"
        rows.append([f"`{sc.name}`", sets, _md_cell("/".join(sc.expect)) if sc.expect else "",
                     _md_cell(" ".join(sc.description.split()))])  # fmt: skip
    return markdown_table(["scenario", "sets", "expects", "meaning"], rows)


# --------------------------------------------------------------------------- the model, for notebooks
def _md_prose(text: str, game: Game) -> str:
    """A model's free text for Markdown with MathJax: its symbols as ``$...$``, lists kept."""
    import re

    from .latex import _RUN, _math_names, _math_run

    names = _math_names(game)
    out = []
    for raw in str(text).strip().splitlines():
        line, last, pieces = raw.rstrip(), 0, []
        for m in _RUN.finditer(line):
            math = _math_run(m.group(0), names)
            if math is None:
                continue
            pieces.append(re.sub(r"([*_`\\[\]])", r"\\\1", line[last : m.start()]))
            pieces.append(math)
            last = m.end()
        pieces.append(re.sub(r"([*_`\\[\]])", r"\\\1", line[last:]))
        out.append("".join(pieces))
    return "\n".join(out)


def model_card_markdown(game: Game, *, params: Mapping[str, float] | None = None) -> str:
    """A model card for a notebook (Markdown with MathJax): what a reader needs before the mathematics.

    The description as prose (its symbols typeset), the populations with their strategies and
    shares, the parameters as a table (symbol, value, range, meaning) and the scenarios. It
    wraps to the notebook's width (no 2,000-pixel block of monospace).

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> card = model_card_markdown(load_model("battery_recycling"))
    >>> card.splitlines()[0]
    '### battery_recycling: Government, enterprise and consumer in power-battery recycling'
    >>> "| $C_{g}$ | 2 |" in card and "$P_{i} > P_{f}$" in card
    True
    """
    values = dict(game.values() if params is None else params)
    out = [f"### {game.name}: {game.title}" if game.title else f"### {game.name}", ""]
    if game.description:
        out += [_md_prose(game.description, game), ""]
    out += ["**Populations** (the state is the share of each population's first strategies)", ""]
    rows = []
    for p in game.populations:
        shares = ", ".join(f"${s}$ = share playing *{_md_cell(st)}*" for s, st in zip(p.shares, p.strategies))
        rows.append([_md_cell(p.label or p.name), ", ".join(f"*{_md_cell(s)}*" for s in p.strategies), shares])
    out += [markdown_table(["population", "strategies", "state"], rows), ""]
    out += ["**Parameters**", ""]
    rows = []
    for par in game.parameters:
        v = values.get(par.name)
        rng = f"[{par.range[0]:g}, {par.range[1]:g}]" if par.range else ""
        rows.append([f"${par.latex}$", "" if v is None else f"{v:g}", rng, _md_prose(par.description, game)])
    out += [markdown_table(["symbol", "value", "range", "meaning"], rows), ""]
    if game.scenarios:
        out += ["**Scenarios** (`--scenario NAME`; values not listed keep their defaults)", ""]
        for sc in game.scenarios:
            sets = ", ".join(f"${game.parameter(k).latex} = {v:g}$" for k, v in sc.values) or "no changes"
            expect = f"; expected outcome *{_md_cell('/'.join(sc.expect))}*" if sc.expect else ""
            desc = f" — {_md_prose(' '.join(sc.description.split()), game)}" if sc.description else ""
            out.append(f"- `{sc.name}`: {sets}{expect}{desc}")
    return "\n".join(out) + "\n"


def payoff_matrix_markdown(game: Game, *, width: float = 26) -> str:
    """The payoff matrix for a notebook, in the layout papers print (Markdown table with MathJax).

    One row per combination of the strategies of every population but the last, one
    column per strategy of the last population; each cell lists every population's payoff
    on its own line, long payoffs broken over lines (:func:`govgame.io.latex.math_lines`),
    so the table wraps to the page instead of running off it.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> md = payoff_matrix_markdown(load_model("battery_recycling"))
    >>> md.splitlines()[0]
    '| Government / Enterprise (EPR automaker / battery maker) | Consumer: *return* ($z$) | Consumer: *sell informal* ($1 - z$) |'
    >>> len(md.splitlines())
    6
    """
    import itertools

    from .latex import _population_share, math_lines

    pops = game.populations
    last = pops[-1]
    head = [" / ".join(_md_cell(p.label or p.name) for p in pops[:-1]) or "profile"]
    head += [
        f"{_md_cell(last.label or last.name)}: *{_md_cell(s.replace('_', ' '))}* (${_population_share(last, j)}$)"
        for j, s in enumerate(last.strategies)
    ]
    rows = []
    for combo in itertools.product(*(p.strategies for p in pops[:-1])):
        first = "<br>".join(f"*{_md_cell(s.replace('_', ' '))}*" for s in combo)
        cells = []
        for s in last.strategies:
            lines = []
            for pop, v in zip(pops, game.payoffs[(*combo, s)]):
                pieces = math_lines(v, game, width)
                lines.append(f"{_md_cell(pop.name)}: " + "<br>&emsp;".join(f"${p}$" for p in pieces))
            cells.append("<br>".join(lines))
        rows.append([first, *cells])
    return markdown_table(head, rows) + "\n"
