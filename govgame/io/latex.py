r"""LaTeX renderers: tables and equations of an analysis, a standalone document, MathJax for Jupyter.

What ``govgame analyze --format latex`` and ``govgame report`` write. Nothing here computes.
In the examples, ``demo`` is a small hand-made analysis of a two-population game (``tests/demo.py``).

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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy

from .._deprecation import renamed_options
from ._format import (
    _VERDICT_TEXT,
    MAX_SHOWN,
    _eig_text,
    _eigen_index,
    _num_text,
    _params_used,
    _profile_text,
)
from .text import _summary_rows, simulation_rows, sweep_rows

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.dynamics import Dynamics
    from ..analysis.pipeline import Analysis
    from ..model.game import Game
    from ..numerics.sweep import SweepResult

__all__ = [
    "latex_prose",
    "LATEX_PACKAGES",
    "latex_escape",
    "latex_expr",
    "latex_table",
    "payoff_matrix_latex",
    "payoff_matrix_mathjax",
    "replicator_latex",
    "jacobian_latex",
    "equilibria_latex",
    "numeric_latex",
    "parameters_latex",
    "analysis_latex",
    "latex_document",
    "analysis_mathjax",
    "simulation_latex",
    "sweep_latex",
]

#: Packages the LaTeX fragments need (load them in the preamble of the document that ``\input``\s them).
LATEX_PACKAGES = ("amsmath", "booktabs", "longtable", "graphicx")


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


_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_NUM = r"\d+(?:\.\d+)?"
_ATOM = rf"(?:{_NAME}|{_NUM}|\((?:[A-Za-z0-9_.+\-*/ ]+)\))"
_OP = r"(?:>=|<=|[<>=+\-*/])"
_RUN = re.compile(rf"(?<![A-Za-z0-9_.]){_ATOM}(?:[ ]*{_OP}[ ]*{_ATOM})*(?![A-Za-z0-9_])")
_GREEK_WORDS = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda", "mu",
                "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega"}  # fmt: skip


def _math_names(game: Game) -> dict[str, str]:
    """Names that prose sets as mathematics, with their LaTeX.

    Declared parameters and definitions whose names cannot be English words: with an
    underscore or a digit, a Greek letter's name, or a single capital other than A and I.
    """
    out = {}
    for p in game.parameters:
        out[p.name] = p.latex
    from ..model.game import default_latex

    for d in game.definitions:
        out[d.name] = default_latex(d.name)

    def technical(name: str) -> bool:
        return (
            "_" in name
            or any(c.isdigit() for c in name)
            or name.lower() in _GREEK_WORDS
            or (len(name) == 1 and name.isupper() and name not in "AI")
        )

    return {k: v for k, v in out.items() if technical(k)}


def _math_run(text: str, names: Mapping[str, str]) -> str | None:
    """LaTeX of an expression written in prose (``p_d * (F_e + L_e)``), or None when it is not one."""
    idents = re.findall(_NAME, text)
    if not idents or not any(i in names for i in idents):
        return None
    if any(i not in names for i in idents):
        return None
    out = []
    for tok in re.findall(rf"{_NAME}|{_NUM}|>=|<=|[<>=+\-*/()]", text):
        if tok in names:
            out.append(names[tok])
        elif tok == "*":
            out.append(r"\cdot")
        elif tok == ">=":
            out.append(r"\geq")
        elif tok == "<=":
            out.append(r"\leq")
        else:
            out.append(tok)
    body = " ".join(out).replace("( ", "(").replace(" )", ")")
    return "$" + body + "$"


def _inline(text: str, names: Mapping[str, str]) -> str:
    """One paragraph of prose: escaped, with its expressions in maths."""
    out, last = [], 0
    for m in _RUN.finditer(text):
        math = _math_run(m.group(0), names)
        if math is None:
            continue
        out.append(latex_escape(text[last : m.start()]))
        out.append(math)
        last = m.end()
    out.append(latex_escape(text[last:]))
    return "".join(out)


def latex_prose(text: str, game: Game | None = None) -> str:
    r"""Free text of a model (a description, a scenario's note) as LaTeX prose.

    Special characters are escaped (never typeset as ``¿`` or lost); declared parameter
    names, and expressions made of them (``P_i > P_f``, ``p_d * (F_e + L_e)``), are set
    as mathematics with the parameters' symbols; paragraphs stay paragraphs; consecutive
    lines starting with ``-`` become an ``itemize`` list (an item continues on indented
    lines).

    Parameters
    ----------
    text : str
    game : Game, optional
        Supplies the names set as mathematics (none without it).

    Returns
    -------
    str

    Examples
    --------
    >>> from govgame.model.game import Game, Parameter, Population
    >>> pops = (Population("a", ("x1", "x2"), ("x",)), Population("b", ("y1", "y2"), ("y",)))
    >>> game = Game("g", pops, (Parameter("P_i"), Parameter("P_f"), Parameter("F_e")),
    ...             {(s, t): (0, 0) for s in ("x1", "x2") for t in ("y1", "y2")})
    >>> print(latex_prose("Workshops outbid: P_i > P_f, 10% more & F_e * 2."))
    Workshops outbid: P\_i > P\_f, 10\% more \& F\_e * 2.
    >>> print(latex_prose("Workshops outbid: P_i > P_f.\n- fines F_e\n- no more", game))
    Workshops outbid: $P_{i} > P_{f}$.
    \begin{itemize}
    \item fines $F_{e}$
    \item no more
    \end{itemize}
    """
    names = _math_names(game) if game is not None else {}
    blocks: list[str] = []
    para: list[str] = []
    items: list[list[str]] = []

    def flush_para() -> None:
        if para:
            blocks.append(_inline(" ".join(para), names))
            para.clear()

    def flush_items() -> None:
        if items:
            body = "\n".join(r"\item " + _inline(" ".join(i), names) for i in items)
            blocks.append("\\begin{itemize}\n" + body + "\n\\end{itemize}")
            items.clear()

    for raw in str(text).strip().splitlines():
        line = raw.strip()
        if not line:
            flush_para()
            flush_items()
            blocks.append("")
            continue
        if re.match(r"[-*•]\s+", line):
            flush_para()
            items.append([re.sub(r"^[-*•]\s+", "", line)])
        elif items and raw[:1].isspace():
            items[-1].append(line)
        else:
            flush_items()
            para.append(line)
    flush_para()
    flush_items()
    out = "\n".join(blocks)
    return re.sub(r"\n{3,}", "\n\n", out).strip()


def _symbol_names(game: Game) -> dict[sympy.Symbol, str]:
    return {p.symbol: p.latex for p in game.parameters}


def latex_expr(expr: Any, game: Game) -> str:
    r"""LaTeX of an expression or relation, using each parameter's ``latex`` symbol.

    Examples
    --------
    >>> a = demo
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
    >>> tex = payoff_matrix_latex(demo.game)
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
    >>> tex = payoff_matrix_mathjax(demo.game)
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
    >>> print(replicator_latex(demo.dynamics))
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
    >>> print(jacobian_latex(demo.dynamics).splitlines()[1])
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
    >>> tex = equilibria_latex(demo)
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
    >>> "saddle" in numeric_latex(demo)
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
            + f"${_latex_number(analysis.eig_tol)}$"
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


@renamed_options({"values": "params"}, positional=("params",))
def parameters_latex(
    game: Game,
    *,
    params: Mapping[str, float] | None = None,
    caption: str | None = None,
    label: str | None = None,
) -> str:
    r"""The parameter table (booktabs ``longtable``): symbol, meaning, value, range.

    ``params`` overrides the defaults (e.g. a scenario's values); a parameter without a
    value shows a dash.

    Examples
    --------
    >>> tex = parameters_latex(demo.game, params={"b": 2.5})
    >>> [line for line in tex.splitlines() if line.startswith("$b$")]
    ['$b$ & Benefit of cooperation, in \\% of \\_base\\_ & 2.5 & {[}0, 10{]} \\\\']
    """
    values = dict(params or {})
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
    >>> tex = analysis_latex(demo)
    >>> tex.count(r"\begin{longtable}")
    3
    """
    dyn = analysis.dynamics
    parts = [
        parameters_latex(analysis.game, params=analysis.params),
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
    >>> analysis_mathjax(demo).startswith("$$")
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


# --------------------------------------------------------------------------- tables of runs and cells
def latex_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    r"""A booktabs ``tabular`` of prose cells (escaped with :func:`latex_escape`), one ``l`` column each.

    >>> print(latex_table(["outcome", "share"], [["lax/formal", "50%"]]))
    \begin{tabular}{ll}
    \toprule
    outcome & share \\
    \midrule
    lax/formal & 50\% \\
    \bottomrule
    \end{tabular}
    """
    esc = [[latex_escape(c) for c in r] for r in [headers, *rows]]
    lines = [r"\begin{tabular}{" + "l" * len(headers) + "}", r"\toprule", " & ".join(esc[0]) + r" \\", r"\midrule"]
    lines += [" & ".join(r) + r" \\" for r in esc[1:]]
    return "\n".join([*lines, r"\bottomrule", r"\end{tabular}"])


def simulation_latex(data: Mapping[str, Any], status: Sequence[str]) -> str:
    """``govgame simulate --format latex``: the runs table and the summary table (booktabs).

    ``data`` is :func:`govgame.io.json.simulation_to_dict`, ``status`` the runs' statuses.
    """
    return "\n".join([latex_table(*simulation_rows(data, status)), "", latex_table(*_summary_rows(data))])


def sweep_latex(result: SweepResult) -> str:
    r"""``govgame sweep --format latex``: one row per cell (booktabs).

    >>> from govgame.numerics.sweep import _example
    >>> print(sweep_latex(_example()).splitlines()[4])
    2 & d/d & d/d 100\% \\
    """
    return latex_table(*sweep_rows(result))
