r"""Renderers of analysis results: JSON-ready dicts, plain text, Markdown and LaTeX.

Nothing here computes: every function formats what :func:`govgame.stability.analyze`
(or the model itself) already holds. This module never imports matplotlib.

Expression strings in the JSON, text and Markdown outputs are printed with
:func:`govgame.expr.format_expression`, i.e. in the model's own expression syntax,
so :func:`govgame.expr.parse_expression` reads each back to the same expression.

LaTeX fragments
---------------
Every LaTeX fragment compiles inside a plain ``\documentclass{article}`` that loads

* ``amsmath`` (``align*``, ``bmatrix``),
* ``booktabs`` (``\toprule``, ``\midrule``, ``\bottomrule``),
* ``longtable`` (the equilibria tables, which may run over several pages),
* ``graphicx`` (``\resizebox`` for payoff tables wider than the text).

That is the whole preamble :data:`LATEX_PACKAGES` lists; :func:`latex_document`
wraps fragments in it. Prose (parameter descriptions, strategy names) is escaped
with :func:`latex_escape`.

Compatible extensions of the JSON of SPEC §3
--------------------------------------------
``analysis_to_dict`` adds, beyond SPEC §3:

* ``"tol"`` (top level): the tolerance of the numeric verdicts, relative to the
  largest |eigenvalue|;
* ``"method"`` (per equilibrium): how ``can_be_ess`` was decided;
* ``"multistability"``: ``{"compatible": [[Ea, Eb], ...], "exclusive": [...]}`` —
  pairs of vertices that can be ESS for the same admissible parameters, and pairs
  that can never be ESS together;
* ``"notes"``: remarks of the analysis (a list of strings, possibly empty).

``"parameters"`` lists the values used when every parameter has one, and is
``{}`` otherwise (the analysis is then symbolic only, and no ``numeric`` appears).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy

if TYPE_CHECKING:  # pragma: no cover
    from .dynamics import Dynamics
    from .model import Game
    from .stability import Analysis, Stability

__all__ = [
    "LATEX_PACKAGES",
    "format_expr",
    "analysis_to_dict",
    "analysis_text",
    "analysis_markdown",
    "analysis_mathjax",
    "payoff_matrix_mathjax",
    "latex_escape",
    "latex_expr",
    "payoff_matrix_latex",
    "replicator_latex",
    "jacobian_latex",
    "equilibria_latex",
    "numeric_latex",
    "parameters_latex",
    "analysis_latex",
    "latex_document",
]

#: Packages the LaTeX fragments need (load them in the preamble of the document that ``\input``\s them).
LATEX_PACKAGES = ("amsmath", "booktabs", "longtable", "graphicx")

#: An eigenvalue whose imaginary part is at most this times max(1, |lambda|) is printed as real.
IMAG_TOL = 1e-12

_VERDICT_TEXT = {
    "ess": "ESS",
    "source": "source",
    "saddle": "saddle",
    "non-hyperbolic": "non-hyperbolic",
    "conditional": "conditional",
    "not-ess": "not ESS",
}


# --------------------------------------------------------------------------- expressions
def format_expr(expr: Any) -> str:
    """An expression or relation as a string in the model's syntax.

    Uses :func:`govgame.expr.format_expression`.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", positive=True)
    >>> format_expr(a - b / 2)
    'a - b/2'
    >>> format_expr(sympy.Lt(a - b, 0))
    'a - b < 0'
    """
    try:
        from .expr import format_expression
    except ImportError:  # pragma: no cover - only while expr.py is being written
        return sympy.sstr(expr, order=None)
    if isinstance(expr, (int, float)) and not isinstance(expr, bool):
        expr = sympy.sympify(expr)
    return format_expression(expr)


def _finite(v: Any) -> float | None:
    f = float(v)
    return f if math.isfinite(f) else None


def _eig_json(lam: complex) -> float | dict[str, float] | None:
    lam = complex(lam)
    re, im = lam.real, lam.imag
    if not (math.isfinite(re) and math.isfinite(im)):
        return None
    if im == 0 or abs(im) <= IMAG_TOL * max(1.0, abs(lam)):
        return float(re) + 0.0
    return {"re": float(re) + 0.0, "im": float(im) + 0.0}


def _eig_text(lam: complex, digits: int = 4) -> str:
    e = _eig_json(lam)
    if e is None:
        return "nan"
    if isinstance(e, float):
        return f"{e:.{digits}g}"
    sign = "+" if e["im"] >= 0 else "-"
    return f"{e['re']:.{digits}g} {sign} {abs(e['im']):.{digits}g}i"


def _num_text(v: float | None, digits: int = 4) -> str:
    if v is None:
        return "free"
    v = float(v) + 0.0
    return f"{v:.{digits}g}"


def _complete(analysis: Analysis) -> bool:
    game = analysis.game
    return all(n in analysis.params for n in game.parameter_names)


def _params_used(analysis: Analysis) -> dict[str, float]:
    if not _complete(analysis):
        return {}
    return {n: float(analysis.params[n]) for n in analysis.game.parameter_names}


def _profile_text(profile: Sequence[str] | None) -> str:
    return "/".join(profile) if profile else ""


# --------------------------------------------------------------------------- JSON
def _entry_dict(s: Stability, state: Sequence[str], numeric_ok: bool) -> dict[str, Any]:
    eq = s.equilibrium
    d: dict[str, Any] = {
        "name": eq.name,
        "kind": str(eq.kind),
        "point": {n: format_expr(c) for n, c in zip(state, eq.point)},
        "profile": list(eq.profile) if eq.profile is not None else None,
        "eigenvalues": [format_expr(e) for e in s.eigenvalues],
        "verdict": str(s.verdict),
        "stability_conditions": [format_expr(c) for c in s.stability_conditions],
        "can_be_ess": bool(s.can_be_ess),
        "witness": ({str(k): _finite(v) for k, v in s.witness.items()} if s.witness is not None else None),
        "method": str(s.method),
    }
    if str(eq.kind) != "pure":
        d["exists_if"] = [format_expr(c) for c in eq.exists_if]
    if numeric_ok and s.numeric is not None:
        d["numeric"] = {
            "point": [None if c is None else _finite(c) for c in s.numeric.point],
            "eigenvalues": [_eig_json(v) for v in s.numeric.eigenvalues],
            "verdict": str(s.numeric.verdict),
        }
    return d


def analysis_to_dict(analysis: Analysis) -> dict[str, Any]:
    """The JSON of ``govgame analyze --format json`` (SPEC §3) as plain Python objects.

    Only ``str``, ``float``, ``bool``, ``None``, lists and dicts appear, so
    :func:`json.dumps` always works. ``numeric`` entries appear only when every
    parameter has a value. See the module docstring for the compatible extensions
    (``tol``, ``method``, ``multistability``, ``notes``).

    Parameters
    ----------
    analysis : govgame.stability.Analysis

    Returns
    -------
    dict

    Examples
    --------
    >>> import json
    >>> from govgame.export import _demo_analysis
    >>> d = analysis_to_dict(_demo_analysis())
    >>> d["model"], d["state"], d["replicator"]["x"]
    ('demo', ['x', 'y'], 'x*(1 - x)*(b - c)')
    >>> d["equilibria"][0]["numeric"]["eigenvalues"]
    [2.0, -1.0]
    >>> json.loads(json.dumps(d)) == d
    True
    """
    game = analysis.game
    state = list(game.state_names)
    numeric_ok = _complete(analysis)
    return {
        "model": game.name,
        "state": state,
        "parameters": _params_used(analysis),
        "replicator": {n: format_expr(r) for n, r in zip(state, analysis.dynamics.rhs)},
        "tol": float(analysis.tol),
        "equilibria": [_entry_dict(s, state, numeric_ok) for s in analysis.equilibria],
        "multistability": {
            "compatible": [list(map(str, p)) for p in analysis.compatible],
            "exclusive": [list(map(str, p)) for p in analysis.exclusive],
        },
        "notes": [str(n) for n in analysis.notes],
    }


# --------------------------------------------------------------------------- plain text
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


#: Expressions longer than this (characters) are not spelled out in text, Markdown and LaTeX tables.
MAX_SHOWN = 300


def _cap(text: str, limit: int = MAX_SHOWN) -> str:
    if len(text) <= limit:
        return text
    return f"<{len(text)}-character expression: see --format json>"


def _point_text(point: Iterable[Any]) -> str:
    return _cap("(" + ", ".join(format_expr(c) for c in point) + ")")


def _eigen_index(s: Stability, cond: Any) -> int | None:
    """Index i when ``cond`` reads ``eigenvalue_i < 0``, else None."""
    if not isinstance(cond, sympy.core.relational.StrictLessThan):
        return None
    lhs = cond.lhs - cond.rhs
    for i, lam in enumerate(s.eigenvalues):
        try:
            if sympy.expand(lhs - lam) == 0:
                return i
        except (TypeError, ValueError):  # pragma: no cover - exotic expressions
            continue
    return None


def _eigen_items(s: Stability) -> list[str]:
    return [f"λ{i + 1} = {_cap(format_expr(e))}" for i, e in enumerate(s.eigenvalues)]


def _conditions_items(s: Stability) -> list[str]:
    """Conditions, with ``λi < 0`` for those that say an eigenvalue of the table is negative."""
    eq = s.equilibrium
    items, lams = [], []
    for c in s.stability_conditions:
        i = _eigen_index(s, c)
        if i is None:
            items.append(_cap(format_expr(c)))
        else:
            lams.append(f"λ{i + 1}")
    if lams:
        items.insert(0, ", ".join(lams) + " < 0")
    if str(eq.kind) == "pure" and s.stability_conditions and not s.can_be_ess:
        items.append("(never all hold)")
    if str(eq.kind) != "pure" and eq.exists_if:
        items += ["exists if " + _cap(format_expr(c)) for c in eq.exists_if]
    return items


def _witness_lines(analysis: Analysis) -> list[str]:
    out = []
    for s in analysis.equilibria:
        if s.witness:
            vals = ", ".join(f"{k}={_num_text(v, 3)}" for k, v in s.witness.items())
            out.append(f"{s.equilibrium.name} ({_profile_text(s.equilibrium.profile)}): {vals}")
    return out


def analysis_text(analysis: Analysis, *, width: int = 110) -> str:
    """A readable plain-text report of an analysis (``govgame analyze``, the default format).

    Long expressions are wrapped, so no line is much longer than ``width``
    characters, whatever the number of populations.

    Parameters
    ----------
    analysis : govgame.stability.Analysis
    width : int, optional
        Target line width.

    Returns
    -------
    str

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> print(analysis_text(_demo_analysis()))  # doctest: +ELLIPSIS
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
        out += _wrap("  never ESS together: " + excl, width)
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
        f"Numeric verdicts treat |real part| <= tol * max|eigenvalue| as zero, tol = {analysis.tol:g}.",
    ]
    for line in legend:
        out += _wrap("  " + line, width)
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- markdown
def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _md_code(text: str) -> str:
    return f"`{_md_cell(text)}`" if text else ""


def _md_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    for r in rows:
        lines.append("| " + " | ".join(c if c else " " for c in r) + " |")
    return "\n".join(lines)


def analysis_markdown(analysis: Analysis) -> str:
    """The analysis as GitHub-flavoured Markdown: equations, equilibria table, numeric table.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> md = analysis_markdown(_demo_analysis())
    >>> print(md.splitlines()[0])
    ## demo: A demo game
    >>> [line for line in md.splitlines() if line.startswith("| E1")][0]
    '| E1 | pure | `(0, 0)`<br>lax/defect | `λ1 = b - c`<br>`λ2 = -c` | conditional | yes | `λ1 < 0` |'
    """
    game = analysis.game
    state = game.state_names
    out = [f"## {game.name}: {game.title}" if game.title else f"## {game.name}", ""]
    params = _params_used(analysis)
    if params:
        out += ["Parameter values: " + ", ".join(f"`{k} = {v:g}`" for k, v in params.items()), ""]
    else:
        out += ["Symbolic analysis only (not every parameter has a value).", ""]
    out += ["### Replicator equations", ""]
    out += _md_table(
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
    out += _md_table(["name", "kind", "point", "eigenvalues", "verdict", "can be ESS", "conditions"], rows).splitlines()
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
        out += _md_table(["name", "profile", "point", "eigenvalues", "verdict"], nrows).splitlines()
    if analysis.compatible or analysis.exclusive:
        out += ["", "### Multistability", ""]
        out.append(
            "- ESS together for some parameters: " + (", ".join(f"{a}+{b}" for a, b in analysis.compatible) or "none")
        )
        out.append("- never ESS together: " + (", ".join(f"{a}+{b}" for a, b in analysis.exclusive) or "none"))
    if analysis.notes:
        out += ["", "### Notes", ""] + [f"- {n}" for n in analysis.notes]
    out += [
        "",
        f"*ESS*: every eigenvalue has negative real part. *not ESS*: no admissible parameters make it "
        f"asymptotically stable (mixed rest points never are: Selten 1980; Ritzberger and Weibull 1995). "
        f"Numeric verdicts treat |real part| <= {analysis.tol:g} x max|eigenvalue| as zero.",
    ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- LaTeX helpers
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "≤": r"$\leq$",
    "≥": r"$\geq$",
    "×": r"$\times$",
    "→": r"$\to$",
    "−": "-",
    "·": r"$\cdot$",
    "–": "--",
    "—": "---",
    "‘": "`",
    "’": "'",
    "“": "``",
    "”": "''",
}


def latex_escape(text: str) -> str:
    r"""Escape prose for LaTeX (``_ % & # $ { } ~ ^ \``); characters pdflatex cannot typeset become ``?``.

    Examples
    --------
    >>> print(latex_escape("10% of C_g & more #1"))
    10\% of C\_g \& more \#1
    """
    out = []
    for ch in str(text):
        if ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ord(ch) < 128 or ch in "äöüÄÖÜßéèàçñ":
            out.append(ch)
        else:
            out.append("?")
    return "".join(out)


def _symbol_names(game: Game) -> dict[sympy.Symbol, str]:
    return {p.symbol: p.latex for p in game.parameters}


def latex_expr(expr: Any, game: Game) -> str:
    r"""LaTeX of an expression or relation, using each parameter's ``latex`` symbol.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> a = _demo_analysis()
    >>> b, c = a.game.parameter_symbols
    >>> latex_expr(b - c, a.game)
    'b - c_{0}'
    """
    return sympy.latex(sympy.sympify(expr), symbol_names=_symbol_names(game))


def _split_sum(expr: sympy.Expr, game: Game, width: int) -> list[str]:
    """LaTeX of ``expr`` in pieces of about ``width`` characters (long sums split at their terms)."""
    whole = latex_expr(expr, game)
    if len(whole) <= width:
        return [whole]
    if isinstance(expr, sympy.Mul):
        adds = [f for f in expr.args if isinstance(f, sympy.Add)]
        if adds:
            big = max(adds, key=lambda f: len(latex_expr(f, game)))
            others = [f for f in expr.args if f is not big]
            sign = ""
            if any(f == -1 for f in others):
                others = [f for f in others if f != -1]
                sign = "-"
            parts = []
            for f in others:
                t = latex_expr(f, game)
                parts.append(r"\left(" + t + r"\right)" if isinstance(f, sympy.Add) else t)
            head = sign + " ".join(parts)
            inner = _split_sum(big, game, width)
            inner[0] = head + r"\bigl[" + inner[0]
            inner[-1] = inner[-1] + r"\bigr]"
            return inner
        return [whole]
    if not isinstance(expr, sympy.Add):
        return [whole]
    lines: list[str] = []
    current = ""
    for term in expr.as_ordered_terms():
        t = latex_expr(term, game)
        piece = t if not current and not lines else (" " + t if t.startswith("-") else " + " + t)
        if current and len(current) + len(piece) > width and len(current) > width // 2:
            lines.append(current)
            current = piece.strip() if piece.strip().startswith("-") else "+ " + piece.strip().lstrip("+ ")
        else:
            current += piece
    if current:
        lines.append(current)
    return lines


def _latex_number(v: float) -> str:
    """A number in LaTeX, with powers of ten for very small or large magnitudes."""
    text = f"{float(v):.3g}"
    if "e" in text:
        mant, exp = text.split("e")
        exp_i = int(exp)
        return f"10^{{{exp_i}}}" if mant == "1" else rf"{mant} \times 10^{{{exp_i}}}"
    return text


def _cap_latex(tex: str, limit: int = MAX_SHOWN) -> str:
    """A LaTeX expression, or a note when it is too long to typeset in a table cell."""
    if len(tex) <= limit:
        return tex
    return r"\text{(long; see the JSON output)}"


def _latex_capped(expr: Any, game: Game) -> str:
    """LaTeX for a table cell: long fractions inline (so TeX can break them), over-long ones replaced by a note."""
    if len(sympy.sstr(expr)) > 2 * MAX_SHOWN:
        return _cap_latex("x" * (MAX_SHOWN + 1))
    return _cap_latex(_breakable_latex(expr, game))


def _breakable_latex(expr: Any, game: Game) -> str:
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.core.relational.Relational):
        op = {"<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "==": "=", "!=": r"\neq"}[expr.rel_op]
        return _breakable_latex(expr.lhs, game) + f" {op} " + _breakable_latex(expr.rhs, game)
    whole = latex_expr(expr, game)
    if len(whole) <= 40 or r"\frac" not in whole:
        return whole
    num, den = sympy.fraction(sympy.together(expr))
    if den == 1:
        return whole

    def part(e: sympy.Expr) -> str:
        t = latex_expr(e, game)
        return r"\bigl(" + t + r"\bigr)" if isinstance(e, sympy.Add) else t

    return part(num) + " / " + part(den)


def _caption(caption: str | None, label: str | None) -> str:
    out = ""
    if caption:
        out += r"\caption{" + caption + "}"
    if label:
        out += r"\label{" + label + "}"
    return out


def _longtable_open(columns: str, head: str, caption: str | None, label: str | None) -> list[str]:
    """Opening lines of a booktabs ``longtable``: caption, and the header repeated on every page."""
    return [
        r"\begin{longtable}{" + columns + "}",
        _caption(caption, label) + r" \\",
        r"\toprule", head, r"\midrule", r"\endfirsthead",
        r"\toprule", head, r"\midrule", r"\endhead",
        r"\bottomrule", r"\endfoot",
    ]  # fmt: skip


def _profile_latex(profile: Sequence[str] | None) -> str:
    """A profile as prose, with line breaks allowed after each ``/``."""
    return latex_escape(_profile_text(profile)).replace("/", r"/\allowbreak{}")


def _verdict_latex(v: Any) -> str:
    return _VERDICT_TEXT.get(str(v), str(v))


# --------------------------------------------------------------------------- LaTeX fragments
def payoff_matrix_latex(game: Game, *, caption: str | None = None, label: str | None = None) -> str:
    r"""The payoff table (booktabs): one row per pure profile, one column per population's payoff.

    When the payoffs are too long for one row per profile, the table becomes a
    ``longtable`` with one row per profile and population.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> tex = payoff_matrix_latex(_demo_analysis().game)
    >>> print(tex.splitlines()[3])
    \begin{tabular}{ll@{\qquad}cc}
    """
    pops = game.populations
    names = [p.label or p.name for p in pops]
    head = (
        " & ".join(latex_escape(n) for n in names)
        + " & "
        + " & ".join("Payoff of " + latex_escape(n).lower() for n in names)
    )
    rows = []
    widest = 0
    for profile in game.profiles:
        pay = [latex_expr(v, game) for v in game.payoffs[profile]]
        widest = max(widest, sum(len(p) for p in pay) + sum(len(s) for s in profile))
        rows.append(
            " & ".join(r"\textit{" + latex_escape(s) + "}" for s in profile) + " & " + " & ".join(f"${p}$" for p in pay)
        )
    cols = "l" * len(pops) + r"@{\qquad}" + "c" * len(pops)
    tabular = [
        r"\begin{tabular}{" + cols + "}",
        r"\toprule",
        head + r" \\",
        r"\midrule",
        *[r + r" \\" for r in rows],
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if caption is None:
        caption = "Payoffs of " + latex_escape(game.title or game.name) + " at every pure strategy profile."
    if label is None:
        label = f"tab:{game.name}-payoffs"
    if widest <= 75:
        body = "\n".join(tabular)
        return "\n".join([r"\begin{table}[htbp]", r"\centering", _caption(caption, label), body, r"\end{table}"]) + "\n"
    # too wide for one row per profile: one row per (profile, population), payoffs in a wide column
    head = r"Profile & Population & Payoff \\"
    out = _longtable_open(r"@{}p{0.27\linewidth}lp{0.5\linewidth}@{}", head, caption, label)
    for k, profile in enumerate(game.profiles):
        if k:
            out.append(r"\addlinespace")
        for i, (name, value) in enumerate(zip([p.name.replace("_", " ") for p in pops], game.payoffs[profile])):
            first = r"\textit{" + _profile_latex(profile) + "}" if i == 0 else ""
            out.append(f"{first} & {latex_escape(name)} & {_math_item(_breakable_latex(value, game))} \\\\")
    out.append(r"\end{longtable}")
    return "\n".join(out) + "\n"


def payoff_matrix_mathjax(game: Game) -> str:
    r"""The payoff table as a MathJax ``array`` (for Jupyter's ``IPython.display.Math``; no LaTeX packages).

    One row per pure profile, one column per population's payoff, parameters in their LaTeX symbols.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> tex = payoff_matrix_mathjax(_demo_analysis().game)
    >>> tex.startswith(r"\begin{array}"), tex.count(r"\\")
    (True, 4)
    """
    pops = game.populations
    head = " & ".join(r"\text{" + latex_escape(p.label or p.name) + "}" for p in pops)
    head += " & " + " & ".join(r"\pi_{\text{" + latex_escape(p.name) + "}}" for p in pops)
    rows = [head, r"\hline"]
    for profile in game.profiles:
        strategies = " & ".join(r"\textit{" + latex_escape(s) + "}" for s in profile)
        payoffs = " & ".join(latex_expr(v, game) for v in game.payoffs[profile])
        rows.append(strategies + " & " + payoffs)
    cols = "l" * len(pops) + "|" + "c" * len(pops)
    return r"\begin{array}{" + cols + "}" + rows[0] + r" \\ \hline " + r" \\ ".join(rows[2:]) + r"\end{array}"


def replicator_latex(dynamics: Dynamics, *, width: int = 70) -> str:
    r"""The replicator equations in an ``align*`` environment; long right-hand sides are split over lines.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> print(replicator_latex(_demo_analysis().dynamics))
    \begin{align*}
    \frac{\mathrm{d}x}{\mathrm{d}t} &= x \left(1 - x\right) \left(b - c_{0}\right) \\
    \frac{\mathrm{d}y}{\mathrm{d}t} &= - c_{0} y \left(1 - y\right)
    \end{align*}
    """
    game = dynamics.game
    lines = []
    for sym, rhs in zip(dynamics.state, dynamics.rhs):
        s = sympy.latex(sym)
        pieces = _split_sum(rhs, game, width)
        first = r"\frac{\mathrm{d}" + s + r"}{\mathrm{d}t} &= " + pieces[0]
        lines.append(first)
        lines += [r"&\quad " + p for p in pieces[1:]]
    return "\\begin{align*}\n" + " \\\\\n".join(lines) + "\n\\end{align*}\n"


def jacobian_latex(dynamics: Dynamics, *, width: int = 70) -> str:
    r"""The Jacobian of the replicator dynamics.

    Small Jacobians are printed as one ``bmatrix``; larger ones (any entry longer
    than about 40 characters) as a matrix of names :math:`J_{ij}` followed by the
    nonzero entries, one per line, in an ``align*`` environment.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> print(jacobian_latex(_demo_analysis().dynamics).splitlines()[1])
    J = \begin{bmatrix}
    """
    game = dynamics.game
    J = dynamics.jacobian
    n = J.shape[0]
    entries = [[sympy.factor_terms(J[i, j]) for j in range(n)] for i in range(n)]
    tex = [[latex_expr(e, game) for e in row] for row in entries]
    if max(len(t) for row in tex for t in row) <= 40 and n <= 4:
        body = " \\\\\n".join(" & ".join(row) for row in tex)
        return "\\begin{equation*}\nJ = \\begin{bmatrix}\n" + body + "\n\\end{bmatrix}\n\\end{equation*}\n"
    names = [[f"J_{{{i + 1}{j + 1}}}" if entries[i][j] != 0 else "0" for j in range(n)] for i in range(n)]
    out = ["\\begin{equation*}", "J = \\begin{bmatrix}", " \\\\\n".join(" & ".join(r) for r in names)]
    out += ["\\end{bmatrix}", "\\end{equation*}", "where", "\\begin{align*}"]
    lines = []
    for i in range(n):
        for j in range(n):
            if entries[i][j] == 0:
                continue
            pieces = _split_sum(entries[i][j], game, width)
            lines.append(f"J_{{{i + 1}{j + 1}}} &= " + pieces[0])
            lines += [r"&\quad " + p for p in pieces[1:]]
    out.append(" \\\\\n".join(lines))
    out.append("\\end{align*}")
    return "\n".join(out) + "\n"


def _math_item(t: str) -> str:
    # TeX cannot break inside a fraction or root: scale long ones to the column instead of overflowing
    if len(t) > 110 and (r"\sqrt" in t or r"\frac" in t):
        return r"\resizebox{\linewidth}{!}{$" + t + "$}"
    return f"${t}$"


def _math_items(items: Iterable[str]) -> str:
    return r"\newline ".join(_math_item(t) for t in items)


def equilibria_latex(analysis: Analysis, *, caption: str | None = None, label: str | None = None) -> str:
    r"""The equilibria (booktabs ``longtable``): point, eigenvalues, verdict and ESS or existence conditions.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> tex = equilibria_latex(_demo_analysis())
    >>> tex.splitlines()[1].startswith(r"\begin{longtable}")
    True
    """
    game = analysis.game
    state = analysis.dynamics.state
    if caption is None:
        caption = (
            "Rest points of the replicator dynamics of "
            + latex_escape(game.title or game.name)
            + r": Jacobian eigenvalues, verdict and the conditions under which each vertex is an ESS "
            r"(for other rest points, the conditions for existence)."
        )
    if label is None:
        label = f"tab:{game.name}-equilibria"
    cols = r"@{}p{0.06\linewidth}p{0.2\linewidth}p{0.29\linewidth}p{0.11\linewidth}p{0.22\linewidth}@{}"
    head = r"& Point & Eigenvalues & Verdict & Conditions \\"
    out = ["{\\small", *_longtable_open(cols, head, caption, label)]
    for s in analysis.equilibria:
        eq = s.equilibrium
        if str(eq.kind) == "pure":
            point = "$(" + ", ".join(latex_expr(c, game) for c in eq.point) + ")$"
        else:
            point = _math_items(
                rf"{sympy.latex(v)} \in [0, 1]" if i in eq.free else f"{sympy.latex(v)} = {_latex_capped(c, game)}"
                for i, (v, c) in enumerate(zip(state, eq.point))
            )
        if eq.profile:
            point += r"\newline\textit{" + _profile_latex(eq.profile) + "}"
        eig = _math_items(f"\\lambda_{{{i + 1}}} = " + _latex_capped(e, game) for i, e in enumerate(s.eigenvalues))
        verdict = _verdict_latex(s.verdict)
        if str(eq.kind) != "pure":
            verdict += r"\newline(" + latex_escape(str(eq.kind)) + ")"
        lams, conds = [], []
        for c in s.stability_conditions:
            i = _eigen_index(s, c)
            if i is None:
                conds.append(_latex_capped(c, game))
            else:
                lams.append(f"\\lambda_{{{i + 1}}}")
        if lams:
            conds.insert(0, ", ".join(lams) + " < 0")
        cond = _math_items(conds)
        if str(eq.kind) == "pure" and conds and not s.can_be_ess:
            cond += r"\newline(never all hold)"
        if str(eq.kind) != "pure" and eq.exists_if:
            cond = (
                (cond + r"\newline " if cond else "")
                + "exists if "
                + _math_items(_latex_capped(c, game) for c in eq.exists_if)
            )
        out.append(
            f"${eq.name.replace('E', 'E_{', 1) + '}' if eq.name.startswith('E') else eq.name}$ & "
            f"{point} & {eig} & {verdict} & {cond} \\\\"
        )
    out += [r"\end{longtable}", "}"]
    return "\n".join(out) + "\n"


def numeric_latex(analysis: Analysis, *, caption: str | None = None, label: str | None = None) -> str:
    r"""The equilibria at the analysis' parameter values (booktabs ``longtable``); ``""`` without numeric results.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> "saddle" in numeric_latex(_demo_analysis())
    True
    """
    if not _params_used(analysis) or not any(s.numeric is not None for s in analysis.equilibria):
        return ""
    game = analysis.game
    if caption is None:
        caption = (
            "Rest points of "
            + latex_escape(game.title or game.name)
            + f" at the parameter values of Table~\\ref{{tab:{game.name}-parameters}}: "
            r"numeric eigenvalues and verdicts (real parts within "
            + f"${_latex_number(analysis.tol)}$"
            + r" times the largest $|\lambda|$ count as zero)."
        )
    if label is None:
        label = f"tab:{game.name}-numeric"
    head = r"& Profile & Point & Eigenvalues & Verdict \\"
    out = [
        "{\\small",
        *_longtable_open(r"@{}lp{0.25\linewidth}p{0.2\linewidth}p{0.3\linewidth}l@{}", head, caption, label),
    ]
    for s in analysis.equilibria:
        if s.numeric is None:
            continue
        eq = s.equilibrium
        prof = r"\textit{" + _profile_latex(eq.profile) + "}" if eq.profile else latex_escape(str(eq.kind))
        point = "$(" + ", ".join(r"\cdot" if c is None else _num_text(c, 3) for c in s.numeric.point) + ")$"
        eig = "$" + ",\\ ".join(_eig_text(v, 3).replace("i", r"\,i") for v in s.numeric.eigenvalues) + "$"
        name = f"$E_{{{eq.name[1:]}}}$" if eq.name.startswith("E") else latex_escape(eq.name)
        out.append(f"{name} & {prof} & {point} & {eig} & {_verdict_latex(s.numeric.verdict)} \\\\")
    out += [r"\end{longtable}", "}"]
    return "\n".join(out) + "\n"


def parameters_latex(
    game: Game,
    values: Mapping[str, float] | None = None,
    *,
    caption: str | None = None,
    label: str | None = None,
) -> str:
    r"""The parameter table (booktabs ``longtable``): symbol, meaning, value, range.

    ``values`` overrides the defaults (e.g. a scenario); a parameter without a
    value shows a dash.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> tex = parameters_latex(_demo_analysis().game, {"b": 2.5})
    >>> [line for line in tex.splitlines() if line.startswith("$b$")]
    ['$b$ & Benefit of cooperation, in \\% of \\_base\\_ & 2.5 & {[}0, 10{]} \\\\']
    """
    values = dict(values or {})
    if caption is None:
        caption = "Parameters of " + latex_escape(game.title or game.name) + "."
    if label is None:
        label = f"tab:{game.name}-parameters"
    rows = []
    for p in game.parameters:
        v = values.get(p.name, p.value)
        vtext = f"{float(v):g}" if v is not None else "--"
        rtext = f"{{[}}{p.range[0]:g}, {p.range[1]:g}{{]}}" if p.range else "--"
        rows.append(f"${p.latex}$ & {latex_escape(p.description)} & {vtext} & {rtext} \\\\")
    head = r"Symbol & Meaning & Value & Range \\"
    out = [*_longtable_open(r"@{}lp{0.58\linewidth}rl@{}", head, caption, label), *rows, r"\end{longtable}"]
    return "\n".join(out) + "\n"


def analysis_latex(analysis: Analysis) -> str:
    r"""All LaTeX fragments of an analysis, in reading order.

    Parameters, payoffs, replicator equations, Jacobian, symbolic equilibria and
    (when every parameter has a value) the numeric table.

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> tex = analysis_latex(_demo_analysis())
    >>> tex.count(r"\begin{longtable}")
    3
    """
    dyn = analysis.dynamics
    parts = [
        parameters_latex(analysis.game, analysis.params),
        payoff_matrix_latex(analysis.game),
        "The replicator dynamics are\n" + replicator_latex(dyn),
        "with Jacobian\n" + jacobian_latex(dyn),
        equilibria_latex(analysis),
    ]
    num = numeric_latex(analysis)
    if num:
        parts.append(num)
    return "\n".join(parts)


def latex_document(body: str, *, title: str = "") -> str:
    r"""A complete article around LaTeX fragments, loading :data:`LATEX_PACKAGES`.

    Examples
    --------
    >>> print(latex_document("Hello.").splitlines()[1])
    \usepackage{amsmath,booktabs,longtable,graphicx}
    """
    head = [r"\documentclass{article}", r"\usepackage{" + ",".join(LATEX_PACKAGES) + "}"]
    head.append(r"\usepackage[margin=2.5cm]{geometry}")
    if title:
        head.append(r"\title{" + latex_escape(title) + "}")
        head.append(r"\date{}")
    head.append(r"\begin{document}")
    if title:
        head.append(r"\maketitle")
    return "\n".join(head) + "\n" + body + "\n\\end{document}\n"


def analysis_mathjax(analysis: Analysis) -> str:
    r"""A MathJax-friendly summary (used by ``Analysis._repr_latex_`` in Jupyter).

    Examples
    --------
    >>> from govgame.export import _demo_analysis
    >>> analysis_mathjax(_demo_analysis()).startswith("$$")
    True
    """
    game = analysis.game
    eqs = [
        r"\dot{" + sympy.latex(s) + "} &= " + latex_expr(r, game)
        for s, r in zip(analysis.dynamics.state, analysis.dynamics.rhs)
    ]
    rows = [r"\text{name} & \text{point} & \text{verdict} & \text{ESS conditions}"]
    for s in analysis.equilibria:
        eq = s.equilibrium
        point = "(" + ", ".join(_latex_capped(c, game) for c in eq.point) + ")"
        cond = ",\\ ".join(_latex_capped(c, game) for c in s.stability_conditions)
        rows.append(rf"\text{{{eq.name}}} & {point} & \text{{{_verdict_latex(s.verdict)}}} & {cond}")
    return (
        "$$\\begin{aligned}" + " \\\\ ".join(eqs) + "\\end{aligned}$$\n\n"
        "$$\\begin{array}{llll}" + " \\\\ ".join(rows) + "\\end{array}$$"
    )


# --------------------------------------------------------------------------- a tiny example for doctests
def _demo_analysis() -> Analysis:
    """A hand-built two-population analysis used by the examples (not a real model)."""
    from .dynamics import replicator
    from .equilibria import Equilibrium, Kind
    from .model import Game, Parameter, Population
    from .stability import Analysis, NumericStability, Stability, Verdict

    pb = Parameter("b", description="Benefit of cooperation, in % of _base_", value=3.0, range=(0.0, 10.0))
    pc = Parameter("c", description="Cost & effort #1", value=1.0, latex="c_{0}", sign="positive")
    b, c = pb.symbol, pc.symbol
    game = Game(
        name="demo",
        title="A demo game",
        populations=(Population("row", ("strict", "lax"), ("x",)), Population("col", ("comply", "defect"), ("y",))),
        parameters=(pb, pc),
        payoffs={
            ("strict", "comply"): (b - c, -c),
            ("strict", "defect"): (b - c, 0),
            ("lax", "comply"): (0, -c),
            ("lax", "defect"): (0, 0),
        },
    )
    dyn = replicator(game)
    x, y = game.state_symbols
    eqs = []
    for i, (pt, prof) in enumerate(
        [
            ((0, 0), ("lax", "defect")),
            ((0, 1), ("lax", "comply")),
            ((1, 0), ("strict", "defect")),
            ((1, 1), ("strict", "comply")),
        ]
    ):
        e = Equilibrium(
            f"E{i + 1}", Kind.PURE, tuple(sympy.Integer(v) for v in pt), prof, numeric_point=tuple(map(float, pt))
        )
        sx = 1 - 2 * pt[0]
        sy = 1 - 2 * pt[1]
        eig = (sx * (b - c), -sy * c)
        conds = tuple(r for r in (sympy.Lt(ev, 0) for ev in eig) if r not in (sympy.true, sympy.false))
        can = pt == (1, 0)
        verdict = Verdict.CONDITIONAL if conds and len(conds) == 1 and pt[1] == 0 else Verdict.NOT_ESS
        if pt == (0, 0):
            verdict, can = Verdict.CONDITIONAL, True
        vals = {b: 3, c: 1}
        nev = tuple(complex(float(ev.subs(vals))) for ev in eig)
        nver = (
            Verdict.ESS
            if all(v.real < 0 for v in nev)
            else Verdict.SADDLE
            if any(v.real < 0 for v in nev)
            else Verdict.SOURCE
        )
        eqs.append(
            Stability(e, eig, verdict, conds, can, {"b": 0.0, "c": 1.0} if can else None, "demo",
                      NumericStability(tuple(map(float, pt)), nev, nver))
        )  # fmt: skip
    cont = Equilibrium("E5", Kind.CONTINUUM, (x, sympy.Integer(0)), None, (), (None, 0.0), (0,))
    eqs.append(Stability(cont, (sympy.Integer(0), -c), Verdict.NOT_ESS, method="mixed"))
    return Analysis(game, dyn, {"b": 3.0, "c": 1.0}, tuple(eqs), compatible=(("E1", "E3"),), tol=1e-9)
