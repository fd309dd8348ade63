r"""Verified numerics: interval arithmetic, Krawczyk root isolation, branch-and-bound positivity.

Three tools, each with a guarantee that does not depend on luck:

* :func:`interval_program` turns sympy expressions (the grammar of model files: numbers, symbols,
  ``+ - * /``, integer and real powers, ``exp``, ``log``, ``sqrt``, ``Min``, ``Max``, ``Abs``) into a
  :class:`Program` that evaluates them in **interval arithmetic with outward rounding**, vectorised over many
  boxes at once, optionally with interval gradients (forward-mode automatic differentiation). For every box,
  the result *encloses* the value of each expression at every point of the box where it is defined.
* :func:`isolate_roots` finds every root of a square system in a box by subdivision and the **Krawczyk
  operator**. Every root in the closed box lies either in one of the returned certified enclosures — each
  proved to contain exactly one root — or in one of the returned *unresolved* boxes (a double root, a root on
  the box's boundary, a curve of roots, or the box budget running out). A root is never silently missed.
* :func:`decide_positive` decides, by branch and bound, whether ``g_1 > 0, ..., g_m > 0`` can hold on a box:
  it returns a point at which each ``g_i > 0`` is proved in interval arithmetic, a proof that no point of the
  box satisfies them all (every sub-box excluded), or "undecided" with the volume that remains.

Rounding
    Addition, subtraction, multiplication, division and square root are IEEE-754 operations, correctly rounded
    to nearest; each bound is computed with an error-free transformation (TwoSum, Dekker's TwoProduct, the
    exact remainder) and moved one ulp outward only when the operation was inexact, so exact results stay exact
    (``1 - x`` at ``x = 1`` is exactly ``0``). Integer powers are repeated multiplications. ``exp``, ``log``
    and real powers use numpy's elementary functions (accurate to a few ulp); their bounds are widened by
    :data:`ELEMENTARY_ULPS` ulp, and a real power ``x**r`` with an exponent ``r`` that is not a float (``0.61``)
    also by the effect of rounding ``r``.

Domains
    A real power with a non-integer exponent follows sympy's principal branch: it is real for ``x >= 0`` only;
    ``sqrt`` likewise; ``log`` needs ``x > 0``; a negative power and a division need a non-zero base. On a box
    that leaves a domain, a positive real power and ``sqrt`` are evaluated on the part of the box inside it
    (their continuous extension by the value at 0), ``log``, negative powers and divisions by an interval that
    contains 0 give unbounded enclosures, and the box is marked *not defined*: it can be excluded, but no root
    is certified and no point verified on it.

Examples
--------
>>> import sympy
>>> x, y = sympy.symbols("x y", real=True)
>>> prog = interval_program([x * (1 - x)], [x])
>>> lo, hi, defined = prog.evaluate([[0.0]], [[1.0]])
>>> float(lo[0, 0]) <= 0.0 and float(hi[0, 0]) >= 0.25
True
>>> res = isolate_roots([x**2 + y**2 - 1, x - y], [x, y], [(0, 1), (0, 1)])
>>> [round(c, 12) for c in res.roots[0].point], res.complete
([0.707106781187, 0.707106781187], True)
>>> decide_positive([x - y, y - sympy.Rational(1, 2)], [x, y], [(0, 1), (0, 1)]).decision.value
'feasible'
>>> decide_positive([x - y, y - x], [x, y], [(0, 1), (0, 1)]).decision.value
'infeasible'

References
----------
- Krawczyk, R. (1969). Newton-Algorithmen zur Bestimmung von Nullstellen mit Fehlerschranken. *Computing* 4,
  187-201.
- Moore, R. E. (1977). A test for existence of solutions to nonlinear systems. *SIAM J. Numer. Anal.* 14(4),
  611-615.
- Neumaier, A. (1990). *Interval Methods for Systems of Equations*. Cambridge University Press, ch. 5.
- Rump, S. M. (2010). Verification methods: rigorous results using floating-point arithmetic. *Acta
  Numerica* 19, 287-449.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

__all__ = [
    "ELEMENTARY_ULPS",
    "MAX_PAIRED",
    "Program",
    "interval_program",
    "enclose",
    "Root",
    "RootIsolation",
    "isolate_roots",
    "Decision",
    "PositivityCheck",
    "decide_positive",
]

#: Widening, in ulp, of the bounds computed by numpy's ``exp``, ``log`` and ``power``.
ELEMENTARY_ULPS = 8
#: :func:`decide_positive` also checks the pairwise sums of at most this many conditions.
MAX_PAIRED = 12

_INF = np.inf
_EPS = 2.0**-52
_TINY = 2.0**-1060  # absolute slack for subnormal results of elementary functions
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitting constant
_BIG = 2.0**995  # beyond this, splitting may overflow: fall back to plain outward steps
_SMALL = 2.0**-960  # below this, products may be subnormal: fall back to plain outward steps
#: Split boxes slightly off centre, so that "nice" roots (1/2, 1/3) do not fall on the cut.
_SPLIT_AT = 0.4921875 + 2.0**-12 * (math.sqrt(5) - 1)


# =============================================================================== rounding
def _quiet(fn):
    """Run ``fn`` with numpy's floating-point warnings off: infinite and NaN intermediates are handled here."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapper


def _dn(v: np.ndarray) -> np.ndarray:
    return np.nextafter(v, -_INF)


def _up(v: np.ndarray) -> np.ndarray:
    return np.nextafter(v, _INF)


def _add_dn(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` rounded down (TwoSum: an exact sum stays exact)."""
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return np.where(err >= 0, s, _dn(s))  # NaN error (an infinite sum): step outward


def _add_up(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a + b`` rounded up."""
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)
    return np.where(err <= 0, s, _up(s))


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def _prod_err(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Error ``a*b - p`` of the product ``p = fl(a*b)`` (Dekker), and where it is exact to use."""
    ah, al = _split(a)
    bh, bl = _split(b)
    err = al * bl - (((p - ah * bh) - al * bh) - ah * bl)
    aa, ab, ap = np.abs(a), np.abs(b), np.abs(p)
    # no overflow in the splitting, no subnormal parts, no underflow of the product
    ok = (aa < _BIG) & (ab < _BIG) & (ap < _BIG) & (aa > _SMALL) & (ab > _SMALL) & (ap > _SMALL)
    return err, ok & np.isfinite(err)


def _mul_dn(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The product ``p = fl(a*b)`` as a lower bound (exact products stay exact; ``0 * inf = 0``)."""
    err, ok = _prod_err(a, b, p)
    return np.where((a == 0) | (b == 0), 0.0, np.where(ok & (err >= 0), p, _dn(p)))


def _mul_up(a: np.ndarray, b: np.ndarray, p: np.ndarray) -> np.ndarray:
    err, ok = _prod_err(a, b, p)
    return np.where((a == 0) | (b == 0), 0.0, np.where(ok & (err <= 0), p, _up(p)))


def _mul_bounds(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a * b`` rounded down and up."""
    p = a * b
    return _mul_dn(a, b, p), _mul_up(a, b, p)


def _div_bounds(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``a / b`` (``b != 0``) rounded down and up, exact when the remainder vanishes."""
    q = a / b
    p = q * b
    err, ok = _prod_err(q, b, p)
    r = (a - p) - err  # exact remainder a - q*b (Sterbenz) when ok
    rs = r * np.sign(b)  # sign of (a/b - q)
    ok &= np.isfinite(q) & np.isfinite(rs)
    lo = np.where(ok & (rs >= 0), q, _dn(q))
    hi = np.where(ok & (rs <= 0), q, _up(q))
    return lo, hi


def _widen(v_lo: np.ndarray, v_hi: np.ndarray, rel: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Widen bounds computed by an elementary function by a relative error ``rel`` (plus a tiny absolute one)."""
    dlo = np.abs(v_lo) * rel + _TINY
    dhi = np.abs(v_hi) * rel + _TINY
    lo = _dn(v_lo - dlo)
    hi = _up(v_hi + dhi)
    lo = np.where(np.isnan(lo), -_INF, lo)
    hi = np.where(np.isnan(hi), _INF, hi)
    return lo, hi


# ========================================================================== interval ops
def _iadd(alo, ahi, blo, bhi):
    return _add_dn(alo, blo), _add_up(ahi, bhi)


def _imul(alo, ahi, blo, bhi):
    """Interval product; the extreme products are rounded with exactness checks.

    Rounding to nearest is monotone, so a product whose float is below another's is below it exactly too: only the
    extreme float products matter; when several tie in floating point, the extreme of their exact bounds.
    """
    cands = ((alo, blo), (alo, bhi), (ahi, blo), (ahi, bhi))
    prods = []
    for a, b in cands:
        p = a * b
        prods.append(np.where((a == 0) | (b == 0), 0.0, p))  # 0 * inf = 0
    lo_p, la, lb = prods[0], alo, blo
    hi_p, ha, hb = prods[0], alo, blo
    for p, (a, b) in zip(prods[1:], cands[1:]):
        m = p < lo_p
        lo_p, la, lb = np.where(m, p, lo_p), np.where(m, a, la), np.where(m, b, lb)
        m = p > hi_p
        hi_p, ha, hb = np.where(m, p, hi_p), np.where(m, a, ha), np.where(m, b, hb)
    lo = _mul_dn(la, lb, lo_p)
    hi = _mul_up(ha, hb, hi_p)
    lo_tie = sum((p == lo_p).astype(int) for p in prods) > 1
    hi_tie = sum((p == hi_p).astype(int) for p in prods) > 1
    if np.any(lo_tie):  # tied candidates: take the smallest of their exact lower bounds
        full = np.minimum.reduce([np.where(p == lo_p, _mul_dn(a, b, p), _INF) for p, (a, b) in zip(prods, cands)])
        lo = np.where(lo_tie, full, lo)
    if np.any(hi_tie):
        full = np.maximum.reduce([np.where(p == hi_p, _mul_up(a, b, p), -_INF) for p, (a, b) in zip(prods, cands)])
        hi = np.where(hi_tie, full, hi)
    return lo, hi


def _imul_loose(alo, ahi, blo, bhi):
    """Interval product with every bound stepped one ulp outward (cheaper; for gradients and matrices)."""
    prods = []
    for a, b in ((alo, blo), (alo, bhi), (ahi, blo), (ahi, bhi)):
        p = a * b
        prods.append(np.where((a == 0) | (b == 0), 0.0, p))
    lo = np.minimum(np.minimum(prods[0], prods[1]), np.minimum(prods[2], prods[3]))
    hi = np.maximum(np.maximum(prods[0], prods[1]), np.maximum(prods[2], prods[3]))
    return _dn(lo), _up(hi)


def _iscale(c, lo, hi):
    """Point ``c`` times interval (bounds stepped outward)."""
    a, b = c * lo, c * hi
    a = np.where((c == 0) | (lo == 0), 0.0, a)
    b = np.where((c == 0) | (hi == 0), 0.0, b)
    return _dn(np.minimum(a, b)), _up(np.maximum(a, b))


def _irecip(lo, hi):
    """``1 / [lo, hi]``; unbounded (and not defined) when the interval contains 0."""
    one = np.ones_like(lo)
    zero_in = (lo <= 0) & (hi >= 0)
    rl, _ = _div_bounds(one, np.where(zero_in, 1.0, hi))
    _, rh = _div_bounds(one, np.where(zero_in, 1.0, lo))
    return np.where(zero_in, -_INF, rl), np.where(zero_in, _INF, rh), ~zero_in


def _idiv(alo, ahi, blo, bhi):
    zero_in = (blo <= 0) & (bhi >= 0)
    sb_lo, sb_hi = np.where(zero_in, 1.0, blo), np.where(zero_in, 1.0, bhi)
    q = [_div_bounds(a, b) for a in (alo, ahi) for b in (sb_lo, sb_hi)]
    lo = np.minimum(np.minimum(q[0][0], q[1][0]), np.minimum(q[2][0], q[3][0]))
    hi = np.maximum(np.maximum(q[0][1], q[1][1]), np.maximum(q[2][1], q[3][1]))
    return np.where(zero_in, -_INF, lo), np.where(zero_in, _INF, hi), ~zero_in


def _pow_mag(v: np.ndarray, n: int, upward: bool) -> np.ndarray:
    """``v**n`` for ``v >= 0`` and integer ``n >= 1``, rounded in one direction (binary exponentiation)."""
    result = None
    base = v
    k = n
    pick = 1 if upward else 0
    while k:
        if k & 1:
            result = base if result is None else _mul_bounds(result, base)[pick]
        k >>= 1
        if k:
            base = _mul_bounds(base, base)[pick]
    return result


def _ipow_int(lo, hi, n: int):
    """Integer power of an interval; returns (lo, hi, defined)."""
    if n == 0:
        return np.ones_like(lo), np.ones_like(hi), np.ones(lo.shape, dtype=bool)
    if n < 0:
        plo, phi, _ = _ipow_int(lo, hi, -n)
        return _irecip(plo, phi)
    alo, ahi = np.abs(lo), np.abs(hi)
    if n % 2 == 0:
        contains0 = (lo <= 0) & (hi >= 0)
        mlo = np.where(contains0, 0.0, np.minimum(alo, ahi))
        mhi = np.maximum(alo, ahi)
        return _pow_mag(mlo, n, False), _pow_mag(mhi, n, True), np.ones(lo.shape, dtype=bool)
    # odd: monotone; x**n = sign(x) |x|**n
    out_lo = np.where(lo >= 0, _pow_mag(alo, n, False), -_pow_mag(alo, n, True))
    out_hi = np.where(hi >= 0, _pow_mag(ahi, n, True), -_pow_mag(ahi, n, False))
    return out_lo, out_hi, np.ones(lo.shape, dtype=bool)


def _ipow_real(lo, hi, r: Fraction):
    """``x**r`` for a non-integer rational (or float) ``r``: real for x >= 0 (sympy's principal branch)."""
    rf = float(r)
    rerr = float(abs(Fraction(rf) - r)) * 1.0000001  # |r - fl(r)|, rounded up generously
    defined = lo >= 0
    if r < 0:
        defined = lo > 0
    clo, chi = np.maximum(lo, 0.0), np.maximum(hi, 0.0)
    if rf == 0.5:
        out_lo, out_hi = _sqrt_bounds(clo)[0], _sqrt_bounds(chi)[1]
    else:
        plo = np.power(clo, rf)
        phi = np.power(chi, rf)
        if r < 0:
            plo, phi = phi, plo
        # error of the exponent's rounding: x**r = x**fl(r) * x**(r - fl(r)); |log| of both ends
        lg = np.maximum(np.abs(np.log(np.where(clo > 0, clo, 1.0))), np.abs(np.log(np.where(chi > 0, chi, 1.0))))
        rel = ELEMENTARY_ULPS * _EPS + 1.01 * rerr * lg * (1.0 + 2.0 * rerr * lg)
        out_lo, out_hi = _widen(plo, phi, rel)
        out_lo = np.maximum(out_lo, 0.0)
        # exact ends: 0**r = 0 (r > 0), 1**r = 1
        if r > 0:
            out_lo = np.where(clo == 0, 0.0, out_lo)
            out_hi = np.where(chi == 0, 0.0, out_hi)
        one_lo = np.where(r > 0, clo, chi) == 1.0
        one_hi = np.where(r > 0, chi, clo) == 1.0
        out_lo = np.where(one_lo, 1.0, out_lo)
        out_hi = np.where(one_hi, 1.0, out_hi)
    if r < 0:
        out_hi = np.where(clo == 0, _INF, out_hi)
        out_lo = np.where(chi == 0, _INF, out_lo)
        out_lo = np.where(~defined & (chi == 0), 0.0, out_lo)  # nowhere defined: any enclosure will do
    return out_lo, out_hi, defined


def _sqrt_bounds(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``sqrt(v)`` (v >= 0) rounded down and up, exact when it is."""
    q = np.sqrt(v)
    p = q * q
    err, ok = _prod_err(q, q, p)
    r = (v - p) - err  # v - q*q, exact when ok (q*q is close to v)
    ok &= np.isfinite(r)
    lo = np.where(ok & (r >= 0), q, _dn(q))
    hi = np.where(ok & (r <= 0), q, _up(q))
    return np.maximum(lo, 0.0), hi


def _iexp(lo, hi):
    elo, ehi = np.exp(lo), np.exp(hi)
    out_lo, out_hi = _widen(elo, ehi, ELEMENTARY_ULPS * _EPS)
    out_lo = np.where(lo == 0, 1.0, np.maximum(out_lo, 0.0))
    out_hi = np.where(hi == 0, 1.0, out_hi)
    return out_lo, out_hi


def _ilog(lo, hi):
    defined = lo > 0
    llo = np.log(np.where(lo > 0, lo, 1.0))
    lhi = np.log(np.where(hi > 0, hi, 1.0))
    out_lo, out_hi = _widen(llo, lhi, ELEMENTARY_ULPS * _EPS)
    out_lo = np.where(lo == 1, 0.0, out_lo)
    out_hi = np.where(hi == 1, 0.0, out_hi)
    out_lo = np.where(lo > 0, out_lo, -_INF)
    out_hi = np.where(hi > 0, out_hi, -_INF)
    return out_lo, np.where(hi > 0, out_hi, _INF), defined


def _iabs(lo, hi):
    contains0 = (lo <= 0) & (hi >= 0)
    a, b = np.abs(lo), np.abs(hi)
    return np.where(contains0, 0.0, np.minimum(a, b)), np.maximum(a, b)


# ============================================================================== programs
_VAR, _CONST, _ADD, _MUL, _IPOW, _RPOW, _EXP, _LOG, _ABS, _MIN, _MAX = range(11)


def _const_bounds(expr: sympy.Expr) -> tuple[float, float]:
    """Float bounds of a real constant expression."""
    if expr.is_Rational:
        r = Fraction(int(expr.p), int(expr.q))
        f = float(r)
        if not math.isfinite(f):
            raise ValueError(f"the constant {expr} is too large for floating point")
        fr = Fraction(f)
        lo = f if fr <= r else float(np.nextafter(f, -_INF))
        hi = f if fr >= r else float(np.nextafter(f, _INF))
        return lo, hi
    if isinstance(expr, sympy.Float):
        r = Fraction(*(int(v) for v in sympy.Rational(expr).as_numer_denom()))
        return _const_bounds(sympy.Rational(r.numerator, r.denominator))
    value = sympy.N(expr, 40)
    if not value.is_real or value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        raise ValueError(f"the constant {expr} is not a finite real number")
    f = float(value)
    if not math.isfinite(f):
        raise ValueError(f"the constant {expr} is too large for floating point")
    # a 40-digit evaluation is far more precise than one ulp: one step each way encloses it
    return float(np.nextafter(f, -_INF)), float(np.nextafter(f, _INF))


class Program:
    """Sympy expressions compiled for interval evaluation (see :func:`interval_program`).

    Attributes
    ----------
    variables : tuple of sympy.Symbol
        The inputs, in the order of the columns of ``lo`` / ``hi``.
    n_outputs : int
        Number of expressions.
    """

    def __init__(self, nodes: list[tuple], outputs: list[int], variables: tuple[sympy.Symbol, ...]):
        self._nodes = nodes
        self._outputs = outputs
        self.variables = variables
        self.n_outputs = len(outputs)

    def __repr__(self) -> str:
        return (
            f"<Program: {self.n_outputs} expression(s) in {len(self.variables)} variable(s), {len(self._nodes)} nodes>"
        )

    # ------------------------------------------------------------------ values
    @_quiet
    def evaluate(self, lo, hi) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Enclosures of every expression on boxes.

        Parameters
        ----------
        lo, hi : array_like, shape (B, n)
            Lower and upper corners of B boxes in the n variables (``lo <= hi``).

        Returns
        -------
        lo, hi : ndarray, shape (B, m)
            Bounds of the m expressions on each box: for every point of the box where an expression is defined,
            its value lies in ``[lo, hi]``.
        defined : ndarray of bool, shape (B,)
            Whether every expression is proved defined (and continuous) on the whole box.

        Examples
        --------
        >>> import sympy
        >>> x = sympy.Symbol("x", real=True)
        >>> lo, hi, ok = interval_program([sympy.sqrt(x) - x], [x]).evaluate([[0.25], [-1.0]], [[0.25], [0.0]])
        >>> float(lo[0, 0]), float(hi[0, 0]), ok.tolist()
        (0.25, 0.25, [True, False])
        """
        lo, hi = self._inputs(lo, hi)
        vals: list[tuple[np.ndarray, np.ndarray]] = []
        defined = np.ones(lo.shape[0], dtype=bool)
        shape = lo.shape[:1]
        for op, args, data in self._nodes:
            if op == _VAR:
                vals.append((lo[:, data], hi[:, data]))
                continue
            if op == _CONST:
                vals.append((np.full(shape, data[0]), np.full(shape, data[1])))
                continue
            a = [vals[i] for i in args]
            v, ok = _apply(op, a, data)
            if ok is not None:
                defined &= ok
            vals.append(v)
        out_lo = np.stack([vals[i][0] for i in self._outputs], axis=-1) if self._outputs else np.zeros((*shape, 0))
        out_hi = np.stack([vals[i][1] for i in self._outputs], axis=-1) if self._outputs else np.zeros((*shape, 0))
        return out_lo, out_hi, defined

    @_quiet
    def evaluate_with_gradient(self, lo, hi) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Enclosures of every expression and of its gradient on boxes (forward-mode differentiation).

        Returns
        -------
        lo, hi : ndarray, shape (B, m)
        grad_lo, grad_hi : ndarray, shape (B, m, n)
            ``grad[b, i, j]`` encloses the partial derivative of expression i by variable j on box b (for
            ``Abs``, ``Min`` and ``Max`` at a kink: the hull of the one-sided derivatives, which contains every
            slope between two points of the box).
        defined : ndarray of bool, shape (B,)

        Examples
        --------
        >>> import sympy
        >>> x, y = sympy.symbols("x y", real=True)
        >>> _, _, glo, ghi, _ = interval_program([x * y], [x, y]).evaluate_with_gradient([[1.0, 2.0]], [[1.0, 3.0]])
        >>> glo[0, 0].tolist(), ghi[0, 0].tolist()
        ([2.0, 1.0], [3.0, 1.0])
        """
        lo, hi = self._inputs(lo, hi)
        B, n = lo.shape
        vals: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        defined = np.ones(B, dtype=bool)
        zeros = np.zeros((B, n))
        for op, args, data in self._nodes:
            if op == _VAR:
                g = np.zeros((B, n))
                g[:, data] = 1.0
                vals.append((lo[:, data], hi[:, data], g, g))
                continue
            if op == _CONST:
                vals.append((np.full(B, data[0]), np.full(B, data[1]), zeros, zeros))
                continue
            a = [vals[i] for i in args]
            v, ok = _apply_grad(op, a, data)
            if ok is not None:
                defined &= ok
            vals.append(v)
        m = len(self._outputs)
        if not m:
            return np.zeros((B, 0)), np.zeros((B, 0)), np.zeros((B, 0, n)), np.zeros((B, 0, n)), defined
        parts = [np.stack([vals[i][k] for i in self._outputs], axis=1) for k in range(4)]
        return parts[0], parts[1], parts[2], parts[3], defined

    @_quiet
    def point_values(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Plain floating-point values and Jacobians at points ``x`` (B, n): (B, m) and (B, m, n); NaN where undefined.

        Not verified: for Newton steps and for reporting only.
        """
        x = np.atleast_2d(np.asarray(x, dtype=float))
        B, n = x.shape
        vals: list[tuple[np.ndarray, np.ndarray]] = []
        zeros = np.zeros((B, n))
        for op, args, data in self._nodes:
            if op == _VAR:
                g = np.zeros((B, n))
                g[:, data] = 1.0
                vals.append((x[:, data], g))
            elif op == _CONST:
                vals.append((np.full(B, 0.5 * (data[0] + data[1])), zeros))
            else:
                vals.append(_apply_float(op, [vals[i] for i in args], data))
        m = len(self._outputs)
        if not m:
            return np.zeros((B, 0)), np.zeros((B, 0, n))
        return np.stack([vals[i][0] for i in self._outputs], axis=1), np.stack(
            [vals[i][1] for i in self._outputs], axis=1
        )

    def _inputs(self, lo, hi) -> tuple[np.ndarray, np.ndarray]:
        lo = np.atleast_2d(np.asarray(lo, dtype=float))
        hi = np.atleast_2d(np.asarray(hi, dtype=float))
        n = len(self.variables)
        if lo.shape != hi.shape or lo.ndim != 2 or lo.shape[1] != n:
            raise ValueError(f"boxes must have shape (B, {n}); found {lo.shape} and {hi.shape}")
        if np.any(lo > hi) or np.any(np.isnan(lo)) or np.any(np.isnan(hi)):
            raise ValueError("every box needs lo <= hi (and no NaN)")
        return lo, hi


def _apply(op, a, data):
    """One operation on interval values; returns ((lo, hi), defined or None)."""
    if op == _ADD:
        lo, hi = a[0]
        for blo, bhi in a[1:]:
            lo, hi = _iadd(lo, hi, blo, bhi)
        return (lo, hi), None
    if op == _MUL:
        lo, hi = a[0]
        for blo, bhi in a[1:]:
            lo, hi = _imul(lo, hi, blo, bhi)
        return (lo, hi), None
    if op == _IPOW:
        lo, hi, ok = _ipow_int(a[0][0], a[0][1], data)
        return (lo, hi), ok
    if op == _RPOW:
        lo, hi, ok = _ipow_real(a[0][0], a[0][1], data)
        return (lo, hi), ok
    if op == _EXP:
        return _iexp(*a[0]), None
    if op == _LOG:
        lo, hi, ok = _ilog(*a[0])
        return (lo, hi), ok
    if op == _ABS:
        return _iabs(*a[0]), None
    if op == _MIN:
        return (np.minimum.reduce([v[0] for v in a]), np.minimum.reduce([v[1] for v in a])), None
    if op == _MAX:
        return (np.maximum.reduce([v[0] for v in a]), np.maximum.reduce([v[1] for v in a])), None
    raise AssertionError(op)  # pragma: no cover


def _apply_float(op, a, data):
    """One operation on (value, gradient) floats."""
    if op == _ADD:
        return sum(v for v, _ in a), sum(g for _, g in a)
    if op == _MUL:
        v, g = a[0]
        for w, h in a[1:]:
            v, g = v * w, v[:, None] * h + w[:, None] * g
        return v, g
    x, g = a[0]
    if op in (_IPOW, _RPOW):
        r = float(data)
        if op == _RPOW:
            x = np.where(x >= 0, x, np.nan)
        return np.power(x, r), (r * np.power(x, r - 1))[:, None] * g
    if op == _EXP:
        e = np.exp(x)
        return e, e[:, None] * g
    if op == _LOG:
        return np.log(np.where(x > 0, x, np.nan)), g / x[:, None]
    if op == _ABS:
        return np.abs(x), np.sign(x)[:, None] * g
    values = np.stack([v for v, _ in a])
    pick = np.argmin(values, axis=0) if op == _MIN else np.argmax(values, axis=0)
    grads = np.stack([h for _, h in a])
    rows = np.arange(values.shape[1])
    return values[pick, rows], grads[pick, rows]


def _gmul(alo, ahi, glo, ghi):
    """Interval scalar (B,) times interval gradient (B, n)."""
    return _imul_loose(alo[:, None], ahi[:, None], glo, ghi)


def _gadd(alo, ahi, blo, bhi):
    return _iadd(alo, ahi, blo, bhi)


def _ghull(a, b):
    return np.minimum(a[0], b[0]), np.maximum(a[1], b[1])


def _apply_grad(op, a, data):
    """One operation on (value, gradient) intervals; returns ((lo, hi, glo, ghi), defined or None)."""
    if op == _ADD:
        lo, hi, glo, ghi = a[0]
        for blo, bhi, hlo, hhi in a[1:]:
            lo, hi = _iadd(lo, hi, blo, bhi)
            glo, ghi = _gadd(glo, ghi, hlo, hhi)
        return (lo, hi, glo, ghi), None
    if op == _MUL:
        lo, hi, glo, ghi = a[0]
        for blo, bhi, hlo, hhi in a[1:]:
            t1 = _gmul(lo, hi, hlo, hhi)
            t2 = _gmul(blo, bhi, glo, ghi)
            glo, ghi = _gadd(*t1, *t2)
            lo, hi = _imul(lo, hi, blo, bhi)
        return (lo, hi, glo, ghi), None
    (xlo, xhi, glo, ghi) = a[0]
    if op == _IPOW:
        n = data
        vlo, vhi, ok = _ipow_int(xlo, xhi, n)
        dlo, dhi, ok2 = _ipow_int(xlo, xhi, n - 1)
        dlo, dhi = _iscale(np.full_like(dlo, float(n)), dlo, dhi)
        return (vlo, vhi, *_gmul(dlo, dhi, glo, ghi)), ok & ok2
    if op == _RPOW:
        r = data
        vlo, vhi, ok = _ipow_real(xlo, xhi, r)
        dlo, dhi, _ = _ipow_real(xlo, xhi, r - 1)
        if r - 1 < 0:  # r x**(r-1) is unbounded at 0
            dhi = np.where(np.maximum(xlo, 0.0) == 0, _INF, dhi)
        clo, chi = _const_bounds(sympy.Rational(r.numerator, r.denominator))
        dlo, dhi = _imul_loose(np.full_like(dlo, clo), np.full_like(dhi, chi), dlo, dhi)
        # outside the domain the continuous extension is constant: its slope 0 joins the hull
        out = ~ok
        dlo = np.where(out, np.minimum(dlo, 0.0), dlo)
        dhi = np.where(out, np.maximum(dhi, 0.0), dhi)
        return (vlo, vhi, *_gmul(dlo, dhi, glo, ghi)), ok
    if op == _EXP:
        vlo, vhi = _iexp(xlo, xhi)
        return (vlo, vhi, *_gmul(vlo, vhi, glo, ghi)), None
    if op == _LOG:
        vlo, vhi, ok = _ilog(xlo, xhi)
        rlo, rhi, ok2 = _irecip(xlo, xhi)
        return (vlo, vhi, *_gmul(rlo, rhi, glo, ghi)), ok & ok2
    if op == _ABS:
        vlo, vhi = _iabs(xlo, xhi)
        slo = np.where(xlo >= 0, 1.0, -1.0)
        shi = np.where(xhi <= 0, -1.0, 1.0)
        slo = np.where(xhi <= 0, -1.0, slo)
        shi = np.where(xlo >= 0, 1.0, shi)
        return (vlo, vhi, *_gmul(slo, shi, glo, ghi)), None
    if op in (_MIN, _MAX):
        cur = a[0]
        for nxt in a[1:]:
            (alo, ahi, aglo, aghi), (blo, bhi, bglo, bghi) = cur, nxt
            if op == _MIN:
                a_only, b_only = ahi < blo, bhi < alo
                vlo, vhi = np.minimum(alo, blo), np.minimum(ahi, bhi)
            else:
                a_only, b_only = alo > bhi, blo > ahi
                vlo, vhi = np.maximum(alo, blo), np.maximum(ahi, bhi)
            hlo, hhi = _ghull((aglo, aghi), (bglo, bghi))
            g_lo = np.where(a_only[:, None], aglo, np.where(b_only[:, None], bglo, hlo))
            g_hi = np.where(a_only[:, None], aghi, np.where(b_only[:, None], bghi, hhi))
            cur = (vlo, vhi, g_lo, g_hi)
        return cur, None
    raise AssertionError(op)  # pragma: no cover


def interval_program(expressions: Iterable[sympy.Expr | float], variables: Sequence[sympy.Symbol]) -> Program:
    """Compile sympy expressions for interval evaluation in the given variables.

    Common subexpressions are evaluated once. Constant subexpressions (``sqrt(2)``, ``exp(1)``, ``0.61``) are
    enclosed by their exact value (rationals) or a 40-digit evaluation.

    Parameters
    ----------
    expressions : iterable of sympy.Expr or number
    variables : sequence of sympy.Symbol
        Every free symbol of the expressions must be one of them.

    Returns
    -------
    Program

    Raises
    ------
    ValueError
        For a symbol that is not a variable, or an operation outside the grammar (a symbolic exponent,
        ``Piecewise``, ``sin``, ...).

    Examples
    --------
    >>> import sympy
    >>> y = sympy.Symbol("y", real=True)
    >>> w = y**0.61 / (y**0.61 + (1 - y)**0.61)**(1 / 0.61)  # a probability weight
    >>> lo, hi, ok = interval_program([w], [y]).evaluate([[0.0], [0.5], [0.0]], [[0.0], [0.5], [1.0]])
    >>> lo[:, 0].round(6).tolist(), hi[:, 0].round(6).tolist(), ok.tolist()
    ([0.0, 0.420639, 0.0], [0.0, 0.420639, inf], [True, True, False])

    On the whole interval ``[0, 1]`` the denominator's enclosure contains 0 (each occurrence of ``y`` varies
    independently in interval arithmetic), so the bound is infinite and the box is marked not defined;
    subdividing the box tightens the enclosures.
    """
    variables = tuple(variables)
    index = {v: i for i, v in enumerate(variables)}
    nodes: list[tuple] = []
    memo: dict[sympy.Basic, int] = {}
    outputs = []
    for expr in expressions:
        outputs.append(_compile(sympy.sympify(expr), index, nodes, memo))
    return Program(nodes, outputs, variables)


def _compile(root: sympy.Expr, index: dict, nodes: list, memo: dict) -> int:
    stack: list[tuple[sympy.Basic, bool]] = [(root, False)]
    while stack:
        expr, ready = stack.pop()
        if expr in memo:
            continue
        if not ready:
            if expr.is_Symbol or expr.is_number:
                memo[expr] = _leaf(expr, index, nodes)
                continue
            children = _children(expr)
            stack.append((expr, True))
            stack.extend((c, False) for c in children if c not in memo)
            continue
        children = _children(expr)
        args = [memo[c] for c in children]
        op, data = _operation(expr)
        nodes.append((op, args, data))
        memo[expr] = len(nodes) - 1
    return memo[root]


def _leaf(expr, index, nodes) -> int:
    if expr.is_Symbol:
        if expr not in index:
            names = ", ".join(str(v) for v in index) or "none"
            raise ValueError(f'"{expr}" is not one of the variables ({names})')
        nodes.append((_VAR, [], index[expr]))
    else:
        nodes.append((_CONST, [], _const_bounds(expr)))
    return len(nodes) - 1


def _children(expr: sympy.Basic) -> tuple:
    if isinstance(expr, sympy.Pow):
        return (expr.base,)
    return tuple(expr.args)


def _operation(expr: sympy.Basic) -> tuple[int, object]:
    if isinstance(expr, sympy.Add):
        return _ADD, None
    if isinstance(expr, sympy.Mul):
        return _MUL, None
    if isinstance(expr, sympy.Pow):
        e = expr.exp
        if not e.is_number or not e.is_real:
            raise ValueError(f"cannot evaluate the power {expr}: its exponent must be a real number")
        if e.is_Integer:
            return _IPOW, int(e)
        if e.is_Rational:
            return _RPOW, Fraction(int(e.p), int(e.q))
        if isinstance(e, sympy.Float):
            r = sympy.Rational(e)
            fr = Fraction(int(r.p), int(r.q))
            return (_IPOW, int(fr)) if fr.denominator == 1 else (_RPOW, fr)
        raise ValueError(f"cannot evaluate the power {expr}: its exponent must be a rational number")
    if isinstance(expr, sympy.exp):
        return _EXP, None
    if isinstance(expr, sympy.log):
        return _LOG, None
    if isinstance(expr, sympy.Abs):
        return _ABS, None
    if isinstance(expr, sympy.Min):
        return _MIN, None
    if isinstance(expr, sympy.Max):
        return _MAX, None
    raise ValueError(f"cannot evaluate {type(expr).__name__} ({expr}) in interval arithmetic")


def enclose(
    expr: sympy.Expr, variables: Sequence[sympy.Symbol], box: Sequence[tuple[float, float]]
) -> tuple[float, float]:
    """Bounds of one expression on one box: ``lo <= expr(p) <= hi`` for every point ``p`` of the box.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> enclose(x**2 - 2 * x, [x], [(0, 3)])
    (-6.0, 9.0)
    """
    b = np.asarray(box, dtype=float).reshape(-1, 2)
    lo, hi, _ = interval_program([expr], variables).evaluate(b[:, 0][None, :], b[:, 1][None, :])
    return float(lo[0, 0]), float(hi[0, 0])


# ============================================================================ root isolation
@dataclass(frozen=True)
class Root:
    """One root of a system, certified by the Krawczyk test.

    Attributes
    ----------
    point : tuple of float
        The midpoint of ``enclosure``.
    enclosure : tuple of (float, float)
        A small box that contains the root.
    unique_in : tuple of (float, float)
        A box (containing ``enclosure``) in which the root is the only one.
    """

    point: tuple[float, ...]
    enclosure: tuple[tuple[float, float], ...]
    unique_in: tuple[tuple[float, float], ...]

    @property
    def radius(self) -> float:
        """Half the largest width of the enclosure."""
        return max((b - a) / 2 for a, b in self.enclosure) if self.enclosure else 0.0


@dataclass(frozen=True)
class RootIsolation:
    """Every root of a square system in a box.

    Guarantee: each root in the closed search box lies in the enclosure of one of ``roots`` (each of which holds
    exactly one root) or in one of the ``unresolved`` boxes.

    Attributes
    ----------
    roots : tuple of Root
        Certified roots, sorted by their points.
    unresolved : tuple of boxes
        Boxes (each a tuple of (lo, hi) pairs; touching boxes merged) that could be neither excluded nor
        certified: a multiple root, a root on the search box's boundary, a continuum of roots, or boxes left when
        the budget ran out.
    boxes : int
        Boxes examined.
    exhausted : bool
        Whether ``max_boxes`` ran out (the boxes still waiting are among ``unresolved``).
    """

    roots: tuple[Root, ...]
    unresolved: tuple[tuple[tuple[float, float], ...], ...]
    boxes: int
    exhausted: bool

    @property
    def complete(self) -> bool:
        """True when every root is certified (no unresolved box)."""
        return not self.unresolved


def _as_box(box: Sequence[tuple[float, float]], n: int) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(box, dtype=float)
    if b.shape != (n, 2):
        raise ValueError(f"the box must give (lo, hi) for each of the {n} variables; found shape {b.shape}")
    if not np.all(np.isfinite(b)) or np.any(b[:, 0] > b[:, 1]):
        raise ValueError("the box needs finite bounds with lo <= hi")
    return b[:, 0].copy(), b[:, 1].copy()


def _mid(lo, hi):
    m = lo + 0.5 * (hi - lo)
    return np.minimum(np.maximum(m, lo), hi)


def _matvec_point(C, lo, hi):
    """Point matrices C (B, m, m) times interval vectors (B, m): interval vectors (B, m)."""
    plo, phi = _iscale(C, lo[:, None, :], hi[:, None, :])
    return _sum_last(plo, phi)


def _sum_last(plo, phi):
    slo, shi = plo[..., 0], phi[..., 0]
    for j in range(1, plo.shape[-1]):
        slo, shi = _iadd(slo, shi, plo[..., j], phi[..., j])
    return slo, shi


def _krawczyk(prog: Program, lo: np.ndarray, hi: np.ndarray, centre: np.ndarray | None = None):
    """Krawczyk operator on boxes; returns (K_lo, K_hi, usable) where ``usable`` means the test applies.

    K(X) = c - C f(c) + (I - C J(X)) (X - c), with C an approximate inverse of mid J(X). Every root of f in X lies
    in K(X); if K(X) lies in the interior of X (and f is defined and continuous on X), X holds exactly one root.
    """
    B, m = lo.shape
    c = _mid(lo, hi) if centre is None else centre
    flo, fhi, fok = prog.evaluate(c, c)
    _, _, jlo, jhi, jok = prog.evaluate_with_gradient(lo, hi)
    finite = np.all(np.isfinite(jlo) & np.isfinite(jhi), axis=(1, 2)) & np.all(
        np.isfinite(flo) & np.isfinite(fhi), axis=1
    )
    M = np.where(finite[:, None, None], 0.5 * (jlo + jhi), np.eye(m))
    C = np.linalg.pinv(M)
    finite &= np.all(np.isfinite(C), axis=(1, 2))
    C = np.where(finite[:, None, None], C, 0.0)
    jlo = np.where(finite[:, None, None], jlo, 0.0)
    jhi = np.where(finite[:, None, None], jhi, 0.0)
    flo = np.where(finite[:, None], flo, 0.0)
    fhi = np.where(finite[:, None], fhi, 0.0)
    # c - C f(c)
    cf_lo, cf_hi = _matvec_point(C, flo, fhi)
    t_lo, t_hi = _iadd(c, c, -cf_hi, -cf_lo)
    # I - C J(X): entry (i, j) = delta_ij - sum_k C_ik J_kj
    plo, phi = _iscale(C[:, :, :, None], jlo[:, None, :, :], jhi[:, None, :, :])  # (B, i, k, j)
    slo, shi = plo[:, :, 0, :], phi[:, :, 0, :]
    for k in range(1, m):
        slo, shi = _iadd(slo, shi, plo[:, :, k, :], phi[:, :, k, :])
    eye = np.broadcast_to(np.eye(m), slo.shape)
    alo, ahi = _iadd(eye, eye, -shi, -slo)
    # (X - c)
    dlo, dhi = _iadd(lo, hi, -c, -c)
    qlo, qhi = _imul_loose(alo, ahi, dlo[:, None, :], dhi[:, None, :])
    rlo, rhi = _sum_last(qlo, qhi)
    klo, khi = _iadd(t_lo, t_hi, rlo, rhi)
    usable = finite & jok & fok & np.all(np.isfinite(klo) & np.isfinite(khi), axis=1)
    return klo, khi, usable


def _newton_point(prog: Program, x: np.ndarray, steps: int = 4) -> np.ndarray:
    """A few plain (floating-point) Newton steps from each row of x; rows that fail are returned unchanged."""
    x = x.copy()
    for _ in range(steps):
        f, J = prog.point_values(x)
        good = np.all(np.isfinite(f), axis=1) & np.all(np.isfinite(J), axis=(1, 2))
        step = np.einsum("bij,bj->bi", np.linalg.pinv(np.where(good[:, None, None], J, np.eye(x.shape[1]))), f)
        good &= np.all(np.isfinite(step), axis=1)
        x = np.where(good[:, None], x - step, x)
    return x


def _merge_boxes(lo: np.ndarray, hi: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Merge boxes that touch or overlap into their hulls (connected components)."""
    n = lo.shape[0]
    if n == 0:
        return []
    if n > 4000:  # too many to compare pairwise: report their hull
        return [(lo.min(axis=0), hi.max(axis=0))]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    touch = np.all((lo[:, None, :] <= hi[None, :, :]) & (lo[None, :, :] <= hi[:, None, :]), axis=2)
    for i, j in zip(*np.nonzero(np.triu(touch, 1))):
        ri, rj = find(int(i)), find(int(j))
        if ri != rj:
            parent[ri] = rj
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return [(lo[g].min(axis=0), hi[g].max(axis=0)) for g in groups.values()]


def _tuple_box(lo, hi) -> tuple[tuple[float, float], ...]:
    return tuple((float(a), float(b)) for a, b in zip(lo, hi))


@_quiet
def isolate_roots(
    equations: Sequence[sympy.Expr],
    unknowns: Sequence[sympy.Symbol],
    box: Sequence[tuple[float, float]],
    *,
    min_width: float = 1e-10,
    max_boxes: int = 20_000,
    batch: int = 512,
) -> RootIsolation:
    """Every root of the square system ``equations = 0`` in ``box``, certified or reported unresolved.

    Subdivision with the Krawczyk operator K (Krawczyk 1969; Moore 1977; Neumaier 1990, ch. 5): a box X is
    dropped when some equation's enclosure on X excludes 0 or when K(X) does not meet X; X holds exactly one
    root when K(X) lies in the interior of X; otherwise X is replaced by K(X) ∩ X, or split in two when that does
    not shrink it. A box that fails also gets one epsilon-inflation test (Rump 2010): a box around a Newton
    iterate that covers it. Certified boxes are then contracted by iterating K. A box narrower than
    ``min_width`` (relative to the search box) that is neither dropped nor certified is *unresolved*.

    Parameters
    ----------
    equations : sequence of sympy.Expr
        As many equations as unknowns, in the grammar of :func:`interval_program`.
    unknowns : sequence of sympy.Symbol
    box : sequence of (float, float)
        The search box, one interval per unknown.
    min_width : float, default 1e-10
        Width (as a fraction of the search box's width in each coordinate) below which a box is not split.
    max_boxes : int, default 20000
        Budget of boxes examined; what is left when it runs out is reported unresolved.
    batch : int, default 512
        Boxes processed together (vectorised).

    Returns
    -------
    RootIsolation

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> res = isolate_roots([(x - sympy.Rational(1, 3)) * (x - sympy.Rational(1, 2))], [x], [(0, 1)])
    >>> [round(r.point[0], 15) for r in res.roots], res.complete
    ([0.333333333333333, 0.5], True)
    >>> double = isolate_roots([(x - sympy.Rational(1, 3)) ** 2], [x], [(0, 1)])  # a double root: not certified
    >>> double.roots, len(double.unresolved), double.unresolved[0][0][0] <= 1 / 3 <= double.unresolved[0][0][1]
    ((), 1, True)
    """
    unknowns = tuple(unknowns)
    equations = list(equations)
    m = len(unknowns)
    if len(equations) != m:
        raise ValueError(f"a square system is needed: {len(equations)} equation(s) in {m} unknown(s)")
    lo0, hi0 = _as_box(box, m)
    prog = interval_program(equations, unknowns)
    scale = np.where(hi0 > lo0, hi0 - lo0, 1.0)
    if m == 0:
        return RootIsolation((), (), 0, False)

    queue_lo, queue_hi = lo0[None, :], hi0[None, :]
    cert_boxes: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    small_lo: list[np.ndarray] = []
    small_hi: list[np.ndarray] = []
    examined = 0
    while queue_lo.shape[0] and examined < max_boxes:
        take = min(batch, queue_lo.shape[0], max_boxes - examined)
        lo, hi = queue_lo[:take], queue_hi[:take]
        queue_lo, queue_hi = queue_lo[take:], queue_hi[take:]
        examined += take
        # 1. exclusion by the natural enclosure
        flo, fhi, _ = prog.evaluate(lo, hi)
        keep = ~np.any((flo > 0) | (fhi < 0), axis=1)
        lo, hi = lo[keep], hi[keep]
        if not lo.shape[0]:
            continue
        # 2. Krawczyk
        klo, khi, usable = _krawczyk(prog, lo, hi)
        inside = usable & np.all((klo > lo) & (khi < hi), axis=1)
        nlo = np.where(usable[:, None], np.maximum(klo, lo), lo)
        nhi = np.where(usable[:, None], np.minimum(khi, hi), hi)
        empty = usable & np.any(nlo > nhi, axis=1)
        for i in np.nonzero(inside)[0]:
            cert_boxes.append((klo[i], khi[i], lo[i], hi[i]))
        rest = ~inside & ~empty
        lo, hi, nlo, nhi, usable = lo[rest], hi[rest], nlo[rest], nhi[rest], usable[rest]
        if not lo.shape[0]:
            continue
        # 3. epsilon-inflation around a Newton point, covering the box
        covered = np.zeros(lo.shape[0], dtype=bool)
        if np.any(usable):
            idx = np.nonzero(usable)[0]
            x = _newton_point(prog, _mid(nlo[idx], nhi[idx]))
            rad = np.maximum(np.abs(x - lo[idx]), np.abs(hi[idx] - x)) * 1.0625 + 4 * _EPS * np.abs(x) + 1e-300
            ylo, yhi = x - rad, x + rad
            kylo, kyhi, yusable = _krawczyk(prog, ylo, yhi, centre=x)
            yin = yusable & np.all((kylo > ylo) & (kyhi < yhi), axis=1)
            for j, i in enumerate(idx):
                if yin[j]:
                    cert_boxes.append((kylo[j], kyhi[j], ylo[j], yhi[j]))
                    covered[i] = True
        lo, hi, nlo, nhi = lo[~covered], hi[~covered], nlo[~covered], nhi[~covered]
        if not lo.shape[0]:
            continue
        # 4. contract or split; too small: unresolved
        width = np.max((nhi - nlo) / scale, axis=1)
        old = np.max((hi - lo) / scale, axis=1)
        tiny = width < min_width
        small_lo.extend(nlo[tiny])
        small_hi.extend(nhi[tiny])
        nlo, nhi, width, old = nlo[~tiny], nhi[~tiny], width[~tiny], old[~tiny]
        shrunk = width <= 0.5 * old
        parts_lo, parts_hi = [nlo[shrunk]], [nhi[shrunk]]
        s_lo, s_hi = nlo[~shrunk], nhi[~shrunk]
        if s_lo.shape[0]:
            dim = np.argmax((s_hi - s_lo) / scale, axis=1)
            rows = np.arange(s_lo.shape[0])
            cut = s_lo[rows, dim] + _SPLIT_AT * (s_hi[rows, dim] - s_lo[rows, dim])
            a_hi = s_hi.copy()
            a_hi[rows, dim] = cut
            b_lo = s_lo.copy()
            b_lo[rows, dim] = cut
            parts_lo += [s_lo, b_lo]
            parts_hi += [a_hi, s_hi]
        queue_lo = np.concatenate([queue_lo, *parts_lo])
        queue_hi = np.concatenate([queue_hi, *parts_hi])
    exhausted = bool(queue_lo.shape[0])
    roots = _distinct_roots(prog, cert_boxes)
    # a certified root outside the search box is no root of it; one on its boundary is unresolved
    kept: list[Root] = []
    for r in roots:
        elo = np.array([a for a, _ in r.enclosure])
        ehi = np.array([b for _, b in r.enclosure])
        if np.any(ehi < lo0) or np.any(elo > hi0):
            continue
        if np.any(elo < lo0) or np.any(ehi > hi0):
            small_lo.append(np.maximum(elo, lo0))
            small_hi.append(np.minimum(ehi, hi0))
            continue
        kept.append(r)
    left_lo = np.concatenate([np.array(small_lo).reshape(-1, m), queue_lo])
    left_hi = np.concatenate([np.array(small_hi).reshape(-1, m), queue_hi])
    merged = _merge_boxes(left_lo, left_hi)
    unresolved = tuple(sorted(_tuple_box(a, b) for a, b in merged))
    return RootIsolation(tuple(kept), unresolved, examined, exhausted)


def _distinct_roots(prog: Program, cert_boxes) -> list[Root]:
    """Contract each certified box by iterating K, then merge boxes that hold the same root."""
    if not cert_boxes:
        return []
    klo = np.array([c[0] for c in cert_boxes])
    khi = np.array([c[1] for c in cert_boxes])
    ulo = np.array([c[2] for c in cert_boxes])
    uhi = np.array([c[3] for c in cert_boxes])
    # K(X) ∩ X holds the root; iterating keeps containing it (the root is unique in X)
    elo, ehi = np.maximum(klo, ulo), np.minimum(khi, uhi)
    for _ in range(30):
        nlo, nhi, ok = _krawczyk(prog, elo, ehi)
        nlo = np.where(ok[:, None], np.maximum(nlo, elo), elo)
        nhi = np.where(ok[:, None], np.minimum(nhi, ehi), ehi)
        nlo, nhi = np.minimum(nlo, nhi), np.maximum(nlo, nhi)  # (never crosses when the root is inside)
        done = np.all((nhi - nlo) >= 0.75 * (ehi - elo), axis=1)
        elo, ehi = nlo, nhi
        if np.all(done):
            break
    out: list[Root] = []
    reps: list[int] = []
    for i in range(len(cert_boxes)):
        same = False
        for j in reps:
            inside_j = np.all((elo[i] >= ulo[j]) & (ehi[i] <= uhi[j]))
            inside_i = np.all((elo[j] >= ulo[i]) & (ehi[j] <= uhi[i]))
            if inside_i or inside_j:  # root i lies where root j is the only root (or vice versa)
                same = True
                if np.all(ehi[i] - elo[i] <= ehi[j] - elo[j]):
                    elo[j], ehi[j] = np.maximum(elo[j], elo[i]), np.minimum(ehi[j], ehi[i])
                break
        if not same:
            reps.append(i)
    for j in reps:
        point = tuple(float(v) for v in _mid(elo[j], ehi[j]))
        out.append(Root(point, _tuple_box(elo[j], ehi[j]), _tuple_box(ulo[j], uhi[j])))
    out.sort(key=lambda r: r.point)
    return out


# ============================================================================ positivity
class Decision(str, enum.Enum):
    """Outcome of :func:`decide_positive`."""

    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class PositivityCheck:
    """Whether ``g_1 > 0, ..., g_m > 0`` can hold on a box.

    Attributes
    ----------
    decision : Decision
        ``feasible``: ``point`` satisfies every condition (proved in interval arithmetic). ``infeasible``: no point
        of the box does (every sub-box was excluded by an enclosure). ``undecided``: neither within the budget.
    point : tuple of float or None
        The verified point (``feasible`` only).
    undecided_volume : float
        Volume of the sub-boxes left undecided (0 when decided), over the coordinates whose interval has positive
        width.
    volume : float
        Volume of the box, over the same coordinates.
    boxes : int
        Boxes examined.
    """

    decision: Decision
    point: tuple[float, ...] | None
    undecided_volume: float
    volume: float
    boxes: int

    @property
    def undecided_fraction(self) -> float:
        """``undecided_volume / volume`` (0 for a box of zero volume)."""
        return self.undecided_volume / self.volume if self.volume > 0 else 0.0


@_quiet
def decide_positive(
    strict: Sequence[sympy.Expr],
    variables: Sequence[sympy.Symbol],
    box: Sequence[tuple[float, float]],
    *,
    nonstrict: Sequence[sympy.Expr] = (),
    min_width: float = 1e-6,
    max_boxes: int = 20_000,
    batch: int = 256,
) -> PositivityCheck:
    """Decide by branch and bound whether ``g > 0`` for every ``g`` in ``strict`` (and ``h >= 0`` for every
    ``h`` in ``nonstrict``) can hold at some point of ``box``.

    Each box gets the enclosure of every condition (the natural interval extension intersected with the
    mean-value form). A box where some condition's enclosure is ``<= 0`` (``< 0`` for a non-strict one) is
    excluded, and so is one where the sum of two conditions (expanded symbolically; up to :data:`MAX_PAIRED`
    conditions) is, since both cannot then hold; the midpoint of every other box is tried, and a midpoint where every condition's enclosure is
    positive is a proof of feasibility. Promising boxes (largest upper bound of the smallest condition) are split
    first; boxes narrower than ``min_width`` (relative to ``box``) are left undecided.

    Parameters
    ----------
    strict : sequence of sympy.Expr
    variables : sequence of sympy.Symbol
    box : sequence of (float, float)
        One interval per variable (an interval of zero width fixes that variable).
    nonstrict : sequence of sympy.Expr, optional
    min_width : float, default 1e-6
    max_boxes : int, default 20000
    batch : int, default 256

    Returns
    -------
    PositivityCheck

    Examples
    --------
    >>> import sympy
    >>> a, b = sympy.symbols("a b", real=True)
    >>> r = decide_positive([a * b - 1, 2 - a - b], [a, b], [(0, 3), (0, 3)])
    >>> r.decision.value, r.point is None  # a b > 1 and a + b < 2 exclude each other (AM-GM)
    ('undecided', True)
    >>> r = decide_positive([a * b - 1, 2 - a - b], [a, b], [(0, 3), (0, 3)], nonstrict=[a - 2])
    >>> r.decision.value
    'infeasible'
    >>> decide_positive([a * b - 1], [a, b], [(0, 3), (0, 3)]).point
    (1.5, 1.5)
    """
    variables = tuple(variables)
    n = len(variables)
    lo0, hi0 = _as_box(box, n)
    conds = [sympy.sympify(g) for g in (*strict, *nonstrict)]
    n_strict = len(strict)
    # derived conditions: g_i + g_j > 0 (>= 0 when both are non-strict) must hold too; expanded symbolically,
    # they exclude boxes along the border of two conditions that contradict each other (g and -g)
    derived, derived_strict = [], []
    if len(conds) <= MAX_PAIRED:
        for i in range(len(conds)):
            for j in range(i + 1, len(conds)):
                derived.append(sympy.expand(conds[i] + conds[j]))
                derived_strict.append(i < n_strict or j < n_strict)
    prog = interval_program(conds, variables)
    pair_prog = interval_program(derived, variables) if derived else None
    free = hi0 > lo0
    scale = np.where(free, hi0 - lo0, 1.0)
    volume = float(np.prod((hi0 - lo0)[free])) if np.any(free) else 0.0
    is_strict = np.arange(len(conds)) < n_strict
    pair_strict = np.array(derived_strict, dtype=bool)

    def verified(lo_, hi_, defined_):
        # strict: lo > 0; non-strict: lo >= 0
        return defined_ & np.all(np.where(is_strict, lo_ > 0, lo_ >= 0), axis=1)

    if not conds:
        return PositivityCheck(Decision.FEASIBLE, tuple(float(v) for v in _mid(lo0, hi0)), 0.0, volume, 0)
    queue_lo, queue_hi = lo0[None, :], hi0[None, :]
    queue_score = np.array([np.inf])
    small_lo: list[np.ndarray] = []
    small_hi: list[np.ndarray] = []
    examined = 0
    while queue_lo.shape[0] and examined < max_boxes:
        order = np.argsort(-queue_score, kind="stable")
        queue_lo, queue_hi, queue_score = queue_lo[order], queue_hi[order], queue_score[order]
        take = min(batch, queue_lo.shape[0], max_boxes - examined)
        lo, hi = queue_lo[:take], queue_hi[:take]
        queue_lo, queue_hi, queue_score = queue_lo[take:], queue_hi[take:], queue_score[take:]
        examined += take
        glo, ghi, _ = prog.evaluate(lo, hi)
        # mean-value form: g(X) ⊂ g(c) + ∇g(X) (X - c)
        c = _mid(lo, hi)
        clo, chi, cdef = prog.evaluate(c, c)
        _, _, dlo, dhi, dok = prog.evaluate_with_gradient(lo, hi)
        xlo, xhi = _iadd(lo, hi, -c, -c)
        plo, phi = _imul_loose(dlo, dhi, xlo[:, None, :], xhi[:, None, :])
        slo, shi = _sum_last(plo, phi)
        mlo, mhi = _iadd(clo, chi, slo, shi)
        ok = np.isfinite(mlo) & np.isfinite(mhi) & dok[:, None]
        glo = np.where(ok, np.maximum(glo, mlo), glo)
        ghi = np.where(ok, np.minimum(ghi, mhi), ghi)
        excluded = np.any(np.where(is_strict, ghi <= 0, ghi < 0), axis=1)
        if pair_prog is not None:
            _, phi_, _ = pair_prog.evaluate(lo, hi)
            excluded |= np.any(np.where(pair_strict, phi_ <= 0, phi_ < 0), axis=1)
        good = verified(clo, chi, cdef) & ~excluded
        if np.any(good):
            i = int(np.nonzero(good)[0][0])
            return PositivityCheck(Decision.FEASIBLE, tuple(float(v) for v in c[i]), 0.0, volume, examined)
        keep = ~excluded
        lo, hi, ghi = lo[keep], hi[keep], ghi[keep]
        if not lo.shape[0]:
            continue
        width = np.max(np.where(free, (hi - lo) / scale, 0.0), axis=1)
        tiny = width < min_width
        small_lo.extend(lo[tiny])
        small_hi.extend(hi[tiny])
        lo, hi, ghi = lo[~tiny], hi[~tiny], ghi[~tiny]
        if not lo.shape[0]:
            continue
        score = np.min(ghi, axis=1)
        dim = np.argmax(np.where(free, (hi - lo) / scale, -1.0), axis=1)
        rows = np.arange(lo.shape[0])
        cut = lo[rows, dim] + _SPLIT_AT * (hi[rows, dim] - lo[rows, dim])
        a_hi = hi.copy()
        a_hi[rows, dim] = cut
        b_lo = lo.copy()
        b_lo[rows, dim] = cut
        queue_lo = np.concatenate([queue_lo, lo, b_lo])
        queue_hi = np.concatenate([queue_hi, a_hi, hi])
        queue_score = np.concatenate([queue_score, score, score])
    left_lo = np.concatenate([np.array(small_lo).reshape(-1, n), queue_lo])
    left_hi = np.concatenate([np.array(small_hi).reshape(-1, n), queue_hi])
    if not left_lo.shape[0]:
        return PositivityCheck(Decision.INFEASIBLE, None, 0.0, volume, examined)
    widths = np.where(free, left_hi - left_lo, 1.0)
    undecided = float(np.sum(np.prod(widths, axis=1))) if np.any(free) else 0.0
    return PositivityCheck(Decision.UNDECIDED, None, undecided, volume, examined)
