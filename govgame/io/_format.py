"""Formatting shared by the renderers (JSON, text, Markdown, LaTeX): expressions, numbers, table items.

Expression strings are printed with :func:`govgame.model.expr.format_expression`, i.e. in the
model's own expression syntax, so :func:`govgame.model.expr.parse_expression` reads each back
to the same expression.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import sympy

if TYPE_CHECKING:  # pragma: no cover
    from ..analysis.pipeline import Analysis
    from ..analysis.stability import Stability

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

    Uses :func:`govgame.model.expr.format_expression`.

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", positive=True)
    >>> format_expr(a - b / 2)
    'a - b/2'
    >>> format_expr(sympy.Lt(a - b, 0))
    'a - b < 0'
    """
    from ..model.expr import format_expression

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


#: A real or imaginary part at most this times max(1, |lambda|) is floating-point noise and is not printed.
NOISE_TOL = 1e-9


def _eig_text(lam: complex, digits: int = 4) -> str:
    """A numeric eigenvalue for people: ``-1.525i``, not ``5.551e-17 - 1.525i``.

    >>> _eig_text(complex(5.551e-17, -1.525)), _eig_text(complex(-0.5, 2.41)), _eig_text(0.6000000000000001)
    ('-1.525i', '-0.5 + 2.41i', '0.6')
    """
    e = _eig_json(lam)
    if e is None:
        return "nan"
    if isinstance(e, float):
        return f"{e + 0.0:.{digits}g}"
    re_, im = e["re"], e["im"]
    if abs(re_) <= NOISE_TOL * max(1.0, abs(complex(re_, im))):
        return f"{im:.{digits}g}i"
    sign = "+" if im >= 0 else "-"
    return f"{re_:.{digits}g} {sign} {abs(im):.{digits}g}i"


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
