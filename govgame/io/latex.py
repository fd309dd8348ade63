r"""LaTeX renderers: tables and equations of an analysis, a standalone document, MathJax for Jupyter.

What ``govgame analyze --format latex`` and ``govgame report`` write. Nothing here computes.
In the examples, ``demo`` is a small hand-made analysis of a two-population game (``tests/demo.py``).

LaTeX fragments
---------------
Every LaTeX fragment compiles inside a plain ``\documentclass{article}`` that loads

* ``amsmath`` (``align*``, ``bmatrix``),
* ``booktabs`` (``\toprule``, ``\midrule``, ``\bottomrule``),
* ``longtable`` (every table: each has a caption and a label, and may run over pages),
* ``graphicx`` (figures),
* ``array`` (ragged-right paragraph columns, ``>{\raggedright}p{...}``).

That is the whole preamble :data:`LATEX_PACKAGES` lists; :func:`latex_document`
wraps fragments in it, with T1-encoded Latin Modern fonts (Type 1 in the PDF). Long
expressions are broken over lines (:func:`math_lines`): in displays at the terms of sums,
at any depth; in table cells onto indented continuation lines, never replaced by a note.
Prose (titles, descriptions, strategy names, scenario notes) is escaped with
:func:`latex_escape` (``<`` and ``>`` as ``\textless{}``/``\textgreater{}``, right in any
font encoding) or typeset by :func:`latex_prose`; negative numbers are maths (a true minus).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import sympy

from .._deprecation import renamed_options
from ._format import (
    _VERDICT_TEXT,
    _eig_text,
    _eigen_index,
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
    "replicator_mathjax",
    "jacobian_latex",
    "equilibria_latex",
    "numeric_latex",
    "parameters_latex",
    "analysis_latex",
    "latex_document",
    "analysis_mathjax",
    "simulation_latex",
    "ensemble_latex",
    "stochastic_latex",
    "sweep_latex",
]

#: Packages the LaTeX fragments need (load them in the preamble of the document that ``\input``\s them).
LATEX_PACKAGES = ("amsmath", "booktabs", "longtable", "graphicx", "array")


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
    "<": r"\textless{}",  # in the default OT1 encoding "<" and ">" print as inverted exclamation marks
    ">": r"\textgreater{}",
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
    >>> print(latex_escape("\x1b[2J\\input{x}"))
    ?[2J\textbackslash{}input\{x\}
    """
    out = []
    for ch in str(text):
        if ch in _LATEX_SPECIAL:
            out.append(_LATEX_SPECIAL[ch])
        elif ch in "\t\n\r":  # line breaks and tabs are spaces in prose
            out.append(" " if ch != "\n" else "\n")
        elif not ch.isprintable():  # control characters (escape sequences, ^^-notation) never reach TeX
            out.append("?")
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
    return "".join(out).replace("/", r"/\allowbreak{}")  # a line may break between the parts of a profile


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
    Workshops outbid: P\_i \textgreater{} P\_f, 10\% more \& F\_e * 2.
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
    return sympy.latex(_clean_numbers(sympy.sympify(expr)), symbol_names=_symbol_names(game))


def _clean_numbers(expr: Any) -> Any:
    """Fractions that are floating-point noise (``17999999999999997/20000000000000000``) as short decimals (``0.9``).

    >>> _clean_numbers(sympy.Rational(17999999999999997, 20000000000000000) * sympy.Symbol("a"))
    0.9*a
    """
    if not isinstance(expr, sympy.Basic):
        return expr
    noisy = [r for r in expr.atoms(sympy.Rational) if abs(r.p) > 10**6 or r.q > 10**6]
    floats = [f for f in expr.atoms(sympy.Float)]
    if not noisy and not floats:
        return expr
    subs = {r: sympy.Float(float(r), 6) for r in noisy}
    subs.update({f: sympy.Float(float(f), 6) for f in floats})
    out = expr.xreplace(subs)
    return out.xreplace({f: sympy.Integer(int(f)) for f in out.atoms(sympy.Float) if float(f).is_integer()})


#: Width of a display line, in the units of :func:`_visible_width` (about one letter of 11 pt maths).
DISPLAY_WIDTH = 58
#: Width of a table cell of the equilibria tables, in the same units.
CELL_WIDTH = 24
#: A cell longer than this many lines goes below its table (a table row cannot break across pages).
MAX_CELL_LINES = 12


def _visible_width(tex: str) -> float:
    r"""How wide a piece of LaTeX maths prints, in letters (subscripts count 0.6, operators 2).

    >>> _visible_width(r"C_{g} + \lambda")
    4.6
    """
    t = re.sub(r"\\(left|right|bigl|bigr|Bigl|Bigr|quad|hspace\*?\{[^}]*\})", "", tex)
    t = re.sub(r"\\(mathrm|text|operatorname)\{([^{}]*)\}", r"\2", t)
    width = 0.0
    for m in re.finditer(r"[_^]\{([^{}]*)\}|[_^](.)|\\[A-Za-z]+|[+\-=<>]|[^\s{}\\]", t):
        tok = m.group(0)
        if tok[0] in "_^":
            inner = m.group(1) if m.group(1) is not None else m.group(2)
            width += 0.6 * _visible_width(inner)
        elif tok in ("+", "-", "=", "<", ">", r"\leq", r"\geq", r"\neq"):
            width += 2.0
        elif tok == r"\cdot":
            width += 1.0
        else:
            width += 1.0
    return round(width, 2)


def _join(a: str, b: str) -> str:
    return a + b if not a or a.endswith((" ", "(", "[")) else a + " " + b


#: Marks a piece that starts a factor of a product: on a new line it is written ``\times ...``.
_FACTOR = "\x00"


def _atomic(expr: Any) -> bool:
    """Whether ``expr`` needs no brackets as a factor, base or denominator (a symbol, a number, a function)."""
    return not isinstance(expr, (sympy.Add, sympy.Mul, sympy.Pow)) and not (expr.is_number and expr < 0)


def _segments(expr: Any, game: Game, width: float, depth: int = 0) -> list[tuple[str, bool]]:
    r"""``expr`` as LaTeX pieces ``(text, may_break_before)``: breaks before the terms of sums, at any depth.

    A piece that prints narrower than half of ``width`` stays whole. Longer sums inside
    products, fractions and powers keep their terms apart, in ``\bigl( ... \bigr)`` (which,
    unlike ``\left( ... \right)``, may open on one line and close on another); a fraction
    becomes ``(numerator) / (denominator)``, a root a power ``(...)^{1/2}``.
    """
    expr = sympy.sympify(expr)
    if isinstance(expr, sympy.core.relational.Relational):
        op = {"<": "<", "<=": r"\leq", ">": ">", ">=": r"\geq", "==": "=", "!=": r"\neq"}[expr.rel_op]
        lhs, rhs = _segments(expr.lhs, game, width, depth), _segments(expr.rhs, game, width, depth)
        return [*lhs, (f"{op} " + rhs[0][0], True), *rhs[1:]]
    whole = latex_expr(expr, game)
    if _visible_width(whole) <= width / 2:
        return [(whole, False)]
    if isinstance(expr, sympy.Add):
        out: list[tuple[str, bool]] = []
        for k, term in enumerate(expr.as_ordered_terms()):
            coeff, _ = term.as_coeff_Mul()
            negative = bool(coeff.is_number and coeff < 0)
            body = _segments(-term if negative else term, game, width, depth)
            sign = "- " if negative else ("+ " if k else "")
            out.append((sign + body[0][0], k > 0))
            out += body[1:]
        return out
    if isinstance(expr, sympy.Mul):
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_number and coeff < 0:
            body = _segments(-expr, game, width, depth)
            return [("- " + body[0][0], body[0][1]), *body[1:]]
        num, den = sympy.fraction(expr)
        if den != 1:
            top, bottom = _group(num, game, width, depth), _group(den, game, width, depth)
            return [*top[:-1], (top[-1][0] + " / " + bottom[0][0], top[-1][1]), *bottom[1:]]
        head = "" if coeff == 1 else latex_expr(coeff, game)
        pieces: list[tuple[str, bool]] = [(head, False)]
        for k, f in enumerate(sympy.Mul.make_args(rest)):
            inner = _group(f, game, width, depth) if isinstance(f, sympy.Add) else _segments(f, game, width, depth)
            if k and _visible_width(latex_expr(f, game)) > width / 4:
                pieces.append((_FACTOR + inner[0][0], True))  # a product may break before a long factor
            else:
                pieces[-1] = (_join(pieces[-1][0], inner[0][0]), pieces[-1][1])
            pieces += inner[1:]
        return pieces
    if isinstance(expr, sympy.Pow):
        exp = expr.exp
        if exp.is_Rational and exp < 0:  # 1 / (...)^k
            den = _group(expr.base**-exp, game, width, depth)
            return [("1 / " + den[0][0], den[0][1]), *den[1:]]
        base = _group(expr.base, game, width, depth)
        return [*base[:-1], (base[-1][0] + "^{" + sympy.latex(exp) + "}", base[-1][1])]
    return [(whole, False)]


def _group(expr: Any, game: Game, width: float, depth: int) -> list[tuple[str, bool]]:
    """:func:`_segments` of ``expr``, in brackets unless it is atomic (square outside, round inside)."""
    inner = _segments(expr, game, width, depth + 1)
    if _atomic(expr):
        return inner
    if len(inner) == 1:
        return [(r"\left(" + inner[0][0] + r"\right)", inner[0][1])]
    left, right = (r"\bigl(", r"\bigr)") if depth else (r"\Bigl[", r"\Bigr]")
    return [(left + inner[0][0], inner[0][1]), *inner[1:-1], (inner[-1][0] + right, inner[-1][1])]


def math_lines(expr: Any, game: Game, width: float = DISPLAY_WIDTH) -> list[str]:
    r"""LaTeX of ``expr`` broken into lines that each print at most about ``width`` letters wide.

    Lines break before the ``+`` or ``-`` of a term, at whatever depth of the expression (a
    long sum inside a product inside a sum), never inside a name or a number; brackets that
    span lines are ``\bigl( ... \bigr)``. A short expression stays on one line.

    Examples
    --------
    >>> import sympy
    >>> from govgame.model.game import Game, Parameter, Population
    >>> names = [f"a_{i}" for i in range(12)]
    >>> pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    >>> game = Game("g", pops, tuple(Parameter(n) for n in names), {(u, v): (0, 0) for u in "st" for v in "st"})
    >>> x = sympy.Symbol("x")
    >>> lines = math_lines(x * (1 - x) * sum(sympy.Symbol(n) * x**k for k, n in enumerate(names)), game, width=30)
    >>> len(lines) > 1, all(_visible_width(line) <= 30 for line in lines)
    (True, True)
    """
    whole = latex_expr(expr, game)
    if _visible_width(whole) <= width:
        return [whole]
    lines: list[str] = []
    current = ""
    for text, may_break in _segments(expr, game, width):
        factor = text.startswith(_FACTOR)
        text = text.lstrip(_FACTOR)
        if current and may_break and _visible_width(current + " " + text) > width:
            lines.append(current)
            current = r"\times " + text if factor else text
        else:
            current = _join(current, text)
    if current:
        lines.append(current)
    return lines


def _split_sum(expr: sympy.Expr, game: Game, width: float) -> list[str]:
    """Display lines of ``expr`` (:func:`math_lines`; the former name)."""
    return math_lines(expr, game, width)


def _cell(expr: Any, game: Game, *, width: float = CELL_WIDTH, prefix: str = "") -> str:
    r"""An expression for a table cell: ``$...$``, continued on indented lines when long."""
    lines = math_lines(expr, game, width - _visible_width(prefix))
    lines[0] = prefix + lines[0]
    return r"\newline\hspace*{1em}".join(f"${line}$" for line in lines)


def _latex_number(v: float, digits: int = 3) -> str:
    """A number in LaTeX maths, with powers of ten for very small or large magnitudes."""
    text = f"{float(v) + 0.0:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        exp_i = int(exp)
        return f"10^{{{exp_i}}}" if mant == "1" else rf"{mant} \times 10^{{{exp_i}}}"
    return text


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
def _num_latex(v: float | None, digits: int = 4) -> str:
    r"""A number for LaTeX maths, with a true minus sign and no floating noise (``$-0.6$``, not ``-0.6000000000000001``).

    >>> _num_latex(-0.6000000000000001), _num_latex(1e-12), _num_latex(None)
    ('-0.6', '10^{-12}', '\\cdot')
    """
    if v is None:
        return r"\cdot"
    return _latex_number(float(v) + 0.0, digits)


def _eig_latex(lam: complex, digits: int = 3) -> str:
    """A numeric eigenvalue in maths; parts below the tolerance of :func:`govgame.io._format._eig_text` vanish."""
    return _eig_text(lam, digits).replace("i", r"\,i")


def _strategy_latex(name: str) -> str:
    """A strategy name as italic words (``sell_informal`` -> *sell informal*): breaks between words only."""
    return r"\textit{" + latex_escape(name.replace("_", " ")) + "}"


def _population_share(pop: Any, i: int) -> str:
    """The share of strategy ``i`` of ``pop`` in maths: ``x``, or ``1 - x`` for the last of two."""
    if i < len(pop.shares):
        return sympy.latex(sympy.Symbol(pop.shares[i]))
    rest = " - ".join(sympy.latex(sympy.Symbol(s)) for s in pop.shares)
    return "1 - " + rest if len(pop.shares) == 1 else f"1 - ({' + '.join(pop.shares)})"


def payoff_matrix_latex(
    game: Game, *, caption: str | None = None, label: str | None = None, layout: str = "matrix"
) -> str:
    r"""The payoff matrix (booktabs ``longtable``), in the layout these papers print.

    ``layout="matrix"`` (default): one row per combination of the strategies of every
    population but the last, one column per strategy of the last population (with its
    share, e.g. :math:`z` and :math:`1 - z`); each cell lists the payoff of every
    population, one per line, long payoffs continued on further lines.
    ``layout="list"``: one row per pure profile and population.

    Examples
    --------
    >>> tex = payoff_matrix_latex(demo.game)
    >>> print(tex.splitlines()[1])
    \begin{longtable}{@{}>{\raggedright}p{0.2\linewidth}>{\raggedright}p{0.36\linewidth}>{\raggedright\arraybackslash}p{0.36\linewidth}@{}}
    >>> "payoffs of Row, Col" in tex and r"\textit{comply} ($y$)" in tex
    True
    """
    import itertools

    pops = game.populations
    if caption is None:
        caption = (
            "Payoff matrix of "
            + latex_escape(game.title or game.name)
            + ": each cell lists the payoffs of "
            + ", ".join(latex_escape(p.label or p.name) for p in pops)
            + ", in this order."
        )
    if label is None:
        label = f"tab:{game.name}-payoffs"
    if layout == "list" or len(pops) < 2:
        head = r"Profile & Population & Payoff \\"
        cols = r"@{}>{\raggedright}p{0.3\linewidth}>{\raggedright}p{0.2\linewidth}>{\raggedright\arraybackslash}p{0.42\linewidth}@{}"
        out = _longtable_open(cols, head, caption, label)
        for k, profile in enumerate(game.profiles):
            if k:
                out.append(r"\addlinespace")
            for i, (pop, value) in enumerate(zip(pops, game.payoffs[profile])):
                first = "/".join(_strategy_latex(s) for s in profile) if i == 0 else ""
                out.append(f"{first} & {latex_escape(pop.label or pop.name)} & {_cell(value, game, width=30)} \\\\")
        out.append(r"\end{longtable}")
        return "\n".join(out) + "\n"
    if layout != "matrix":
        raise ValueError(f"layout must be 'matrix' or 'list', found {layout!r}")
    last = pops[-1]
    k = last.k
    share = min(0.36, 0.72 / k)
    cols = (
        r"@{}>{\raggedright}p{0.2\linewidth}"
        + "".join(
            r">{\raggedright" + (r"\arraybackslash" if j == k - 1 else "") + f"}}p{{{share:.2f}\\linewidth}}"
            for j in range(k)
        )
        + "@{}"
    )
    width = max(12.0, 58.0 * share)  # letters of \small maths in a cell of that width
    head = (
        " / ".join(latex_escape(p.label or p.name) for p in pops[:-1])
        + " & "
        + " & ".join(
            f"{latex_escape(last.label or last.name)}: {_strategy_latex(s)} (${_population_share(last, j)}$)"
            for j, s in enumerate(last.strategies)
        )
        + r" \\"
    )
    out = ["{\\small", *_longtable_open(cols, head, caption, label)]
    for n, rows in enumerate(itertools.product(*(p.strategies for p in pops[:-1]))):
        if n:
            out.append(r"\addlinespace")
        first = r"\newline ".join(
            f"{_strategy_latex(s)} (${_population_share(p, p.strategies.index(s))}$)" for p, s in zip(pops[:-1], rows)
        )
        cells = []
        for s in last.strategies:
            values = game.payoffs[(*rows, s)]
            cells.append(r"\newline ".join(_cell(v, game, width=width) for v in values))
        out.append(first + " & " + " & ".join(cells) + r" \\")
    out += [r"\end{longtable}", "}"]
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


def replicator_latex(dynamics: Dynamics, *, width: float = DISPLAY_WIDTH) -> str:
    r"""The replicator equations in an ``align*`` environment; long right-hand sides are broken over lines.

    Every line prints at most about ``width`` letters wide (:func:`math_lines`), so the
    equations fit a page whatever the model.

    Examples
    --------
    >>> print(replicator_latex(demo.dynamics))
    \begingroup\allowdisplaybreaks
    \begin{align*}
    \frac{\mathrm{d}x}{\mathrm{d}t} &= x \left(1 - x\right) \left(b - c_{0}\right) \\
    \frac{\mathrm{d}y}{\mathrm{d}t} &= - c_{0} y \left(1 - y\right)
    \end{align*}
    \endgroup
    <BLANKLINE>
    """
    game = dynamics.game
    lines = []
    for sym, rhs in zip(dynamics.state, dynamics.rhs):
        s = sympy.latex(sym)
        pieces = math_lines(rhs, game, width)
        lines.append(r"\frac{\mathrm{d}" + s + r"}{\mathrm{d}t} &= " + pieces[0])
        lines += [r"&\qquad " + p for p in pieces[1:]]
    return _display(lines)


def replicator_mathjax(dynamics: Dynamics, *, width: float = DISPLAY_WIDTH) -> str:
    r"""The replicator equations for MathJax (Jupyter's ``IPython.display.Math``): one ``aligned`` block.

    The same lines as :func:`replicator_latex`, without the LaTeX-only page-break commands.

    Examples
    --------
    >>> print(replicator_mathjax(demo.dynamics).splitlines()[0])
    \begin{aligned}
    """
    game = dynamics.game
    lines = []
    for sym, rhs in zip(dynamics.state, dynamics.rhs):
        pieces = math_lines(rhs, game, width)
        lines.append(r"\frac{\mathrm{d}" + sympy.latex(sym) + r"}{\mathrm{d}t} &= " + pieces[0])
        lines += [r"&\qquad " + p for p in pieces[1:]]
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


def jacobian_latex(dynamics: Dynamics, *, width: float = DISPLAY_WIDTH) -> str:
    r"""The Jacobian of the replicator dynamics.

    Small Jacobians are printed as one ``bmatrix``; larger ones as a matrix of names
    :math:`J_{ij}` followed by the nonzero entries, one per line in an ``align*``
    environment, long entries broken over lines (:func:`math_lines`).

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
    if n <= 4 and sum(max(_visible_width(tex[i][j]) for i in range(n)) for j in range(n)) <= width:
        body = " \\\\\n".join(" & ".join(row) for row in tex)
        return "\\begin{equation*}\nJ = \\begin{bmatrix}\n" + body + "\n\\end{bmatrix}\n\\end{equation*}\n"
    names = [[f"J_{{{i + 1}{j + 1}}}" if entries[i][j] != 0 else "0" for j in range(n)] for i in range(n)]
    out = ["\\begin{equation*}", "J = \\begin{bmatrix}", " \\\\\n".join(" & ".join(r) for r in names)]
    out += ["\\end{bmatrix}", "\\end{equation*}", "where"]
    lines = []
    for i in range(n):
        for j in range(n):
            if entries[i][j] == 0:
                continue
            pieces = math_lines(entries[i][j], game, width)
            lines.append(f"J_{{{i + 1}{j + 1}}} &= " + pieces[0])
            lines += [r"&\qquad " + p for p in pieces[1:]]
    return "\n".join(out) + "\n" + _display(lines)


def _display(lines: Sequence[str]) -> str:
    """An ``align*`` of ``lines`` that may break across pages (a long system is taller than a page)."""
    body = " \\\\\n".join(lines)
    return "\\begingroup\\allowdisplaybreaks\n\\begin{align*}\n" + body + "\n\\end{align*}\n\\endgroup\n"


def _items(items: Iterable[str]) -> str:
    return r"\newline ".join(items)


def _equilibrium_name(name: str) -> str:
    return f"$E_{{{name[1:]}}}$" if re.fullmatch(r"E\d+", name) else latex_escape(name)


def equilibria_latex(analysis: Analysis, *, caption: str | None = None, label: str | None = None) -> str:
    r"""The equilibria (booktabs ``longtable``): point, eigenvalues, verdict and ESS or existence conditions.

    Every expression is typeset in full: long ones continue on indented lines of their cell.

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
    cols = (
        r"@{}>{\raggedright}p{0.05\linewidth}>{\raggedright}p{0.21\linewidth}>{\raggedright}p{0.28\linewidth}"
        r">{\raggedright}p{0.115\linewidth}>{\raggedright\arraybackslash}p{0.235\linewidth}@{}"
    )
    head = r"& Point & Eigenvalues & Verdict & Conditions \\"
    out = ["{\\small", *_longtable_open(cols, head, caption, label)]
    below: list[str] = []  # expressions too tall for a table row (a row cannot break across pages)

    def cell(expr: Any, width: float, prefix: str = "", where: str = "") -> str:
        lines = math_lines(expr, game, width - _visible_width(prefix))
        if len(lines) <= MAX_CELL_LINES:
            lines[0] = prefix + lines[0]
            return r"\newline\hspace*{1em}".join(f"${line}$" for line in lines)
        below.append(f"{where}\\colon\\ {prefix}&")  # the name on a line of its own, the expression below
        below.extend(r"&\qquad " + line for line in math_lines(expr, game, DISPLAY_WIDTH - 4))
        return f"${prefix.rstrip(' =')}$ below the table"

    for s in analysis.equilibria:
        eq = s.equilibrium
        tag = _equilibrium_name(eq.name).strip("$")
        if str(eq.kind) == "pure":
            point = "$(" + ", ".join(latex_expr(c, game) for c in eq.point) + ")$"
        else:
            point = _items(
                f"${sympy.latex(v)} \\in [0, 1]$" if i in eq.free else cell(c, 15, f"{sympy.latex(v)} = ", tag)
                for i, (v, c) in enumerate(zip(state, eq.point))
            )
        if eq.profile:
            point += r"\newline " + "/\\allowbreak{}".join(_strategy_latex(p) for p in eq.profile)
        eig = _items(cell(e, 20, f"\\lambda_{{{i + 1}}} = ", tag) for i, e in enumerate(s.eigenvalues))
        verdict = latex_escape(_verdict_latex(s.verdict))
        if str(eq.kind) != "pure":
            verdict += r"\newline(" + latex_escape(str(eq.kind)) + ")"
        lams, conds = [], []
        for c in s.stability_conditions:
            i = _eigen_index(s, c)
            if i is None:
                conds.append(cell(c, 16, "", tag))
            else:
                lams.append(f"\\lambda_{{{i + 1}}}")
        if lams:
            conds.insert(0, "$" + ", ".join(lams) + " < 0$")
        cond = _items(conds)
        if str(eq.kind) == "pure" and conds and not s.can_be_ess:
            cond += r"\newline(never all hold)"
        if str(eq.kind) != "pure" and eq.exists_if:
            cond = (
                (cond + r"\newline " if cond else "")
                + "exists if "
                + _items(cell(c, 16, "", tag) for c in eq.exists_if)
            )
        out.append(f"{_equilibrium_name(eq.name)} & {point} & {eig} & {verdict} & {cond} \\\\")
    out += [r"\end{longtable}", "}"]
    if below:
        out += ["The expressions too long for the table:", _display(below).rstrip("\n")]
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
    cols = (
        r"@{}l>{\raggedright}p{0.24\linewidth}>{\raggedright}p{0.19\linewidth}"
        r">{\raggedright\arraybackslash}p{0.28\linewidth}l@{}"
    )
    out = ["{\\small", *_longtable_open(cols, head, caption, label)]
    for s in analysis.equilibria:
        if s.numeric is None:
            continue
        eq = s.equilibrium
        if eq.profile:
            prof = "/\\allowbreak{}".join(_strategy_latex(p) for p in eq.profile)
        else:
            prof = latex_escape(str(eq.kind))
        point = "$(" + ",\\allowbreak\\ ".join(_num_latex(c, 3) for c in s.numeric.point) + ")$"
        eig = "$" + ",\\allowbreak\\ ".join(_eig_latex(v, 3) for v in s.numeric.eigenvalues) + "$"
        out.append(
            f"{_equilibrium_name(eq.name)} & {prof} & {point} & {eig} & {_verdict_latex(s.numeric.verdict)} \\\\"
        )
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
    value shows a dash. Meanings are prose (:func:`latex_prose`: the model's symbols in
    them are maths); values and ranges are maths (true minus signs).

    Examples
    --------
    >>> tex = parameters_latex(demo.game, params={"b": 2.5})
    >>> [line for line in tex.splitlines() if line.startswith("$b$")]
    ['$b$ & Benefit of cooperation, in \\% of \\_base\\_ & $2.5$ & $[0, 10]$ \\\\']
    """
    values = dict(params or {})
    if caption is None:
        caption = "Parameters of " + latex_escape(game.title or game.name) + "."
    if label is None:
        label = f"tab:{game.name}-parameters"
    rows = []
    for p in game.parameters:
        v = values.get(p.name, p.value)
        vtext = f"${_num_latex(v, 6)}$" if v is not None else "--"
        rtext = f"$[{_num_latex(p.range[0], 6)}, {_num_latex(p.range[1], 6)}]$" if p.range else "--"
        rows.append(f"${p.latex}$ & {latex_prose(p.description, game)} & {vtext} & {rtext} \\\\")
    head = r"Symbol & Meaning & Value & Range \\"
    cols = r"@{}l>{\raggedright\arraybackslash}p{0.56\linewidth}rl@{}"
    out = [*_longtable_open(cols, head, caption, label), *rows, r"\end{longtable}"]
    return "\n".join(out) + "\n"


def analysis_latex(analysis: Analysis) -> str:
    r"""All LaTeX fragments of an analysis, in reading order.

    Parameters, payoffs, replicator equations, Jacobian, symbolic equilibria and
    (when every parameter has a value) the numeric table.

    Examples
    --------
    >>> tex = analysis_latex(demo)
    >>> tex.count(r"\begin{longtable}")
    4
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
    >>> print(latex_document("Hello.").splitlines()[3])
    \usepackage{amsmath,booktabs,longtable,graphicx,array}
    """
    head = [r"\documentclass{article}", r"\usepackage[T1]{fontenc}", r"\usepackage{lmodern}"]
    head.append(r"\usepackage{" + ",".join(LATEX_PACKAGES) + "}")
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
        point = "(" + ", ".join(latex_expr(c, game) for c in eq.point) + ")"
        cond = ",\\ ".join(latex_expr(c, game) for c in s.stability_conditions)
        rows.append(rf"\text{{{eq.name}}} & {point} & \text{{{_verdict_latex(s.verdict)}}} & {cond}")
    return (
        "$$\\begin{aligned}" + " \\\\ ".join(eqs) + "\\end{aligned}$$\n\n"
        "$$\\begin{array}{llll}" + " \\\\ ".join(rows) + "\\end{array}$$"
    )


# --------------------------------------------------------------------------- tables of runs and cells
def _cell_text(text: str) -> str:
    """A table cell: prose escaped; a plain number in maths (a true minus sign); a profile may break at ``/``."""
    t = str(text).strip()
    if re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", t):
        return f"${t}$"
    if re.fullmatch(r"\(-?[\d.e-]+(, -?[\d.e-]+)*\)", t):
        return "$" + t.replace(", ", ",\\allowbreak\\ ") + "$"
    return latex_escape(t).replace("/", r"/\allowbreak{}")


def latex_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, caption: str = "", label: str | None = None
) -> str:
    r"""A booktabs ``longtable`` with a caption and a label, one ``l`` column per header.

    Prose cells are escaped (:func:`latex_escape`); numbers and points are maths, so negative
    values get a true minus sign.

    >>> print(latex_table(["outcome", "share"], [["lax/formal", "-0.5"]], caption="Runs.", label="tab:runs"))
    \begin{longtable}{ll}
    \caption{Runs.}\label{tab:runs} \\
    \toprule
    outcome & share \\
    \midrule
    \endfirsthead
    \toprule
    outcome & share \\
    \midrule
    \endhead
    \bottomrule
    \endfoot
    lax/\allowbreak{}formal & $-0.5$ \\
    \end{longtable}
    """
    head = " & ".join(latex_escape(h) for h in headers) + r" \\"
    out = _longtable_open("l" * len(headers), head, caption or None, label or "tab:govgame")
    out += [" & ".join(_cell_text(c) for c in r) + r" \\" for r in rows]
    return "\n".join([*out, r"\end{longtable}"])


def simulation_latex(data: Mapping[str, Any], status: Sequence[str]) -> str:
    """``govgame simulate --format latex``: the runs table and the summary table (booktabs longtables, captioned).

    ``data`` is :func:`govgame.io.json.simulation_to_dict`, ``status`` the runs' statuses.
    """
    model = latex_escape(str(data.get("model", "")))
    runs = latex_table(*simulation_rows(data, status), caption=f"Runs of {model} to $t = {data.get('t_end', 0):g}$: "
                       "start, end, the rest point reached and the run's status.", label=f"tab:{data.get('model')}-runs")  # fmt: skip
    summary = latex_table(*_summary_rows(data), caption=f"Where the runs of {model} end (runs per outcome).",
                          label=f"tab:{data.get('model')}-summary")  # fmt: skip
    return "\n".join([runs, "", summary])


def sweep_latex(result: SweepResult) -> str:
    r"""``govgame sweep --format latex``: one row per cell (a booktabs longtable, captioned).

    >>> from govgame.numerics.sweep import _example
    >>> print(sweep_latex(_example()).splitlines()[12])
    $2$ & d/\allowbreak{}d & d/\allowbreak{}d 100\% \\
    """
    from ..model.game import default_latex

    names = ", ".join(f"${default_latex(n)}$" for n in result.vary)
    caption = (f"Outcomes of {latex_escape(result.model)} over {names}: the ESS of each cell and the share of its "
               f"{result.grid}-grid starts reaching each outcome.")  # fmt: skip
    return latex_table(*sweep_rows(result), caption=caption, label=f"tab:{result.model}-sweep")


def ensemble_latex(data: Mapping[str, Any]) -> str:
    """``govgame simulate --sigma ... --format latex``: each start's outcomes and the summary (booktabs).

    ``data`` is :func:`govgame.io.json.ensemble_to_dict`.
    """
    from .text import ensemble_rows

    summary = latex_table(["outcome", "paths"], [[k, str(v)] for k, v in data["summary"].items()])
    return "\n".join([latex_table(*ensemble_rows(data)), "", summary])


def stochastic_latex(sd: Mapping[str, Any], profiles: Mapping[str, Sequence[str]]) -> str:
    """The stochastic stability table of ``analyze --sigma --format latex`` (conditions as written, escaped)."""
    from .text import stochastic_rows

    headers, rows = stochastic_rows(sd, profiles)
    return latex_table(headers, [["; ".join(cell) for cell in r] for r in rows])
