r"""Certificates of infeasibility for systems of linear inequalities, checked in exact arithmetic.

A system of affine conditions :math:`g_r(\theta) > 0` (strict) and :math:`g_r(\theta) \ge 0`
(non-strict) in the parameters :math:`\theta` has no solution exactly when nonnegative
multipliers :math:`w_r` exist such that :math:`\sum_r w_r g_r` is a constant :math:`c` (every
coefficient of a parameter cancels) and either :math:`c < 0`, or :math:`c = 0` while some strict
condition has :math:`w_r > 0` (Motzkin's transposition theorem, the strict form of Farkas'
lemma). Such multipliers are a *certificate*: anyone can check it by adding up the conditions,
since wherever they all held the sum would be :math:`\ge 0` (:math:`> 0` with a strict one).

The multipliers are found by a linear program (HiGHS, through :func:`scipy.optimize.linprog`)
over the alternative system, then rounded to rationals and checked exactly; a certificate that
does not check out is never returned. No bound on the parameters enters: the certificate proves
infeasibility over all real values.

Polynomial conditions are handled by treating every monomial (``alpha*W2``, ``p_d*F_e``) as a
variable of its own. That is a relaxation: any parameter values satisfying the conditions give
values of the monomials satisfying the relaxed system, so a certificate for the relaxation proves
the original infeasible (and it is checked the same way: the weighted sum expands to a constant).
Rows saying what sign a monomial has (a product of positive parameters is positive) make the
relaxation tighter; :func:`monomial_sign` derives them. Conditions with other terms (``exp``,
``Max``, ...) are left out, which is sound too: a subsystem without solutions shows the whole
system has none.

>>> import sympy
>>> a, b = sympy.symbols("a b")
>>> cert = infeasibility_certificate([Row("a - b > 0", a - b, True), Row("b - a > 0", b - a, True)])
>>> [str(m) for m in cert.multipliers], str(cert.constant)
(['1', '1'], '0')
>>> infeasibility_certificate([Row("a > 0", a, True), Row("b - a > 0", b - a, True)]) is None
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy

__all__ = ["Row", "Certificate", "monomial_coefficients", "monomial_sign", "infeasibility_certificate"]


@dataclass(frozen=True)
class Row:
    """One condition ``expr > 0`` (``strict``) or ``expr >= 0``, with a label saying where it comes from."""

    label: str
    expr: sympy.Expr
    strict: bool


@dataclass(frozen=True)
class Certificate:
    """Nonnegative integer multipliers, one per row, whose weighted sum of the rows is ``constant``.

    ``constant < 0``, or ``constant == 0`` with a positive multiplier on a strict row: the rows
    cannot all hold. Only rows with a nonzero multiplier are kept.
    """

    rows: tuple[Row, ...]
    multipliers: tuple[int, ...]
    constant: sympy.Rational

    def check(self) -> bool:
        """Re-add the rows with sympy: the sum must be the constant, with the required sign."""
        total = sympy.expand(sum((m * r.expr for m, r in zip(self.multipliers, self.rows)), sympy.Integer(0)))
        if not total.is_number or total != self.constant or any(m < 0 for m in self.multipliers):
            return False
        strict_used = any(m > 0 and r.strict for m, r in zip(self.multipliers, self.rows))
        return bool(total < 0 or (total == 0 and strict_used))


def monomial_coefficients(expr: sympy.Expr) -> tuple[Fraction, dict[sympy.Expr, Fraction]] | None:
    """``(constant, {monomial: coefficient})`` when ``expr`` is a polynomial (or Laurent polynomial) with
    rational coefficients in its symbols, each monomial taken as a variable; else None.

    >>> a, b = sympy.symbols("a b")
    >>> const, coef = monomial_coefficients(3 * a - b / 2 + 1)
    >>> const, sorted((str(m), str(c)) for m, c in coef.items())
    (Fraction(1, 1), [('a', '3'), ('b', '-1/2')])
    >>> sorted((str(m), str(c)) for m, c in monomial_coefficients(a * b - 2 * a)[1].items())
    [('a', '-2'), ('a*b', '1')]
    >>> monomial_coefficients(sympy.exp(a)) is None
    True
    """
    const = Fraction(0)
    coef: dict[sympy.Expr, Fraction] = {}
    for term, c in sympy.expand(expr).as_coefficients_dict().items():
        if not c.is_Rational:
            return None
        value = Fraction(int(c.p), int(c.q))
        if term == 1:
            const += value
        elif _is_monomial(term):
            coef[term] = coef.get(term, Fraction(0)) + value
        else:
            return None
    return const, {s: v for s, v in coef.items() if v != 0}


def _is_monomial(term: sympy.Expr) -> bool:
    """A product of symbols raised to nonzero integer powers."""
    return all(
        f.is_Symbol or (f.is_Pow and f.base.is_Symbol and f.exp.is_Integer and f.exp != 0)
        for f in sympy.Mul.make_args(term)
    )


def monomial_sign(term: sympy.Expr, signs: dict[sympy.Symbol, str]) -> tuple[int, bool] | None:
    """``(sign, strict)`` that a monomial has for every admissible value of its symbols, or None.

    ``signs`` maps symbols to ``positive``, ``nonnegative``, ``negative`` or ``any``. An even power is
    nonnegative (positive when its base cannot be 0); an odd power has its base's sign.

    >>> a, b, c = sympy.symbols("a b c")
    >>> monomial_sign(a * b, {a: "positive", b: "negative"})
    (-1, True)
    >>> monomial_sign(a * c**2, {a: "nonnegative", c: "any"})
    (1, False)
    >>> monomial_sign(a * c, {a: "positive", c: "any"}) is None
    True
    """
    sign, strict = 1, True
    for f in sympy.Mul.make_args(term):
        base, exp = (f.base, int(f.exp)) if f.is_Pow else (f, 1)
        kind = signs.get(base, "any")
        if exp % 2 == 0:
            strict = strict and kind in ("positive", "negative")
            continue
        if kind == "any":
            return None
        sign *= -1 if kind == "negative" else 1
        strict = strict and kind != "nonnegative"
    return sign, strict


def infeasibility_certificate(rows: Sequence[Row]) -> Certificate | None:
    """A checked certificate that ``rows`` cannot all hold, or None when none was found.

    None means the affine rows have a common solution (or, rarely, that the rounded
    multipliers did not check out); it never means infeasible.
    """
    lin = [(r, c) for r in rows if (c := monomial_coefficients(r.expr)) is not None]
    if not lin:
        return None
    weights = _solve(lin)
    if weights is None:
        return None
    for w in _rational_candidates(weights, lin):
        cert = _certificate(lin, w)
        if cert is not None:
            return cert
    return None


def _solve(lin) -> list[float] | None:
    """Multipliers of the alternative system, in floating point (HiGHS)."""
    import numpy as np
    from scipy.optimize import linprog

    symbols = sorted({s for _, (_, coef) in lin for s in coef}, key=str)
    n, m = len(symbols), len(lin)
    a_eq = np.zeros((n + 1, m))
    for k, (row, (const, coef)) in enumerate(lin):
        for j, s in enumerate(symbols):
            a_eq[j, k] = float(coef.get(s, 0))
        a_eq[n, k] = (1.0 if row.strict else 0.0) - float(const)
    b_eq = np.zeros(n + 1)
    b_eq[n] = 1.0
    a_ub = np.array([[float(const) for _, (const, _) in lin]])
    res = linprog(np.ones(m), A_ub=a_ub, b_ub=[0.0], A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status != 0:
        return None
    return [float(v) for v in res.x]


def _rational_candidates(weights: list[float], lin):
    """Rational multipliers near the floating-point ones: rounded, then solved exactly on their support."""
    for denominator in (12, 1000, 10**6):
        yield [Fraction(w).limit_denominator(denominator) if w > 1e-9 else Fraction(0) for w in weights]
    exact = _exact_on_support(weights, lin)
    if exact is not None:
        yield exact


def _exact_on_support(weights: list[float], lin) -> list[Fraction] | None:
    support = [k for k, w in enumerate(weights) if w > 1e-9]
    if not support:
        return None
    symbols = sorted({s for k in support for s in lin[k][1][1]}, key=str)
    rows = [[lin[k][1][1].get(s, Fraction(0)) for k in support] for s in symbols]
    rows.append([(1 if lin[k][0].strict else 0) - lin[k][1][0] for k in support])
    rhs = [0] * len(symbols) + [1]
    M = sympy.Matrix([[sympy.Rational(v.numerator, v.denominator) for v in r] for r in rows])
    try:
        sol, params, free = M.gauss_jordan_solve(sympy.Matrix(rhs), freevar=True)
    except ValueError:  # no exact solution on this support
        return None
    guess = {p: sympy.Rational(Fraction(weights[support[i]]).limit_denominator(1000)) for p, i in zip(params, free)}
    values = [sympy.nsimplify(v.xreplace(guess)) for v in sol]
    out = [Fraction(0)] * len(weights)
    for k, v in zip(support, values):
        if not v.is_Rational or v < 0:
            return None
        out[k] = Fraction(int(v.p), int(v.q))
    return out


def _certificate(lin, w: list[Fraction]) -> Certificate | None:
    """Check rational multipliers exactly; scale them to coprime integers."""
    if any(v < 0 for v in w) or not any(w):
        return None
    const = sum((wk * c for wk, (_, (c, _)) in zip(w, lin)), Fraction(0))
    total: dict[sympy.Symbol, Fraction] = {}
    for wk, (_, (_, coef)) in zip(w, lin):
        for s, v in coef.items():
            total[s] = total.get(s, Fraction(0)) + wk * v
    if any(v != 0 for v in total.values()):
        return None
    strict_used = any(wk > 0 and row.strict for wk, (row, _) in zip(w, lin))
    if not (const < 0 or (const == 0 and strict_used)):
        return None
    scale = math.lcm(*(v.denominator for v in w if v))
    ints = [int(v * scale) for v in w]
    g = math.gcd(*(i for i in ints if i))
    ints = [i // g for i in ints]
    const_scaled = const * scale / g
    kept = [(row, i) for (row, _), i in zip(lin, ints) if i]
    cert = Certificate(
        tuple(r for r, _ in kept),
        tuple(i for _, i in kept),
        sympy.Rational(const_scaled.numerator, const_scaled.denominator),
    )
    return cert if cert.check() else None
