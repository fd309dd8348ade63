"""Small linear programs solved exactly: a bounded-variable primal simplex over ``fractions.Fraction``.

The feasibility questions of :mod:`govgame.analysis.regions` are linear programs with a few rows and a
few dozen variables. They are solved here in rational arithmetic, so the optimum, its value and the
decision "infeasible" are exact for the data (no tolerance), and no optimisation library has to be
imported for them.

The data are read exactly: integers and fractions as they are, a float as the decimal number its
``repr`` shows (``0.6`` is ``3/5``), which is how govgame reads a float everywhere else (parameter
values, witnesses). Infinite bounds mean no bound.

The method is the textbook bounded-variable simplex (each nonbasic variable rests at one of its bounds),
phase 1 minimising the sum of artificial variables. The entering variable is the one with the steepest
reduced cost until ``STALL_LIMIT`` degenerate steps follow each other, then the smallest eligible index
(Bland's rule, which cannot cycle) for the rest of the phase; the leaving variable is the smallest index
among ties. The tableau is kept sparse (dictionaries), which suits
the conditions of a game: each involves few parameters.

>>> res = linprog([-1, -1], A_ub=[[1, 2], [3, 1]], b_ub=[4, 6], bounds=[(0, None), (0, None)])
>>> res.status, res.fun, res.x
(<LPStatus.OPTIMAL: 0>, Fraction(-14, 5), (Fraction(8, 5), Fraction(6, 5)))
>>> linprog([1], A_ub=[[1], [-1]], b_ub=[-1, -1], bounds=[(None, None)]).status
<LPStatus.INFEASIBLE: 2>
>>> linprog([-1], A_ub=[[-1]], b_ub=[0], bounds=[(0, None)]).status
<LPStatus.UNBOUNDED: 3>
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from numbers import Rational

__all__ = ["LPStatus", "LPResult", "exact", "linprog"]


#: Consecutive degenerate steps after which the entering variable is chosen by Bland's rule.
STALL_LIMIT = 8


class LPStatus(enum.IntEnum):
    """Outcome of a linear program (the numbers are those of :func:`scipy.optimize.linprog`'s ``status``)."""

    OPTIMAL = 0
    INFEASIBLE = 2
    UNBOUNDED = 3


@dataclass(frozen=True)
class LPResult:
    """An exact optimum ``x`` and its value ``fun`` (both None unless ``status`` is ``OPTIMAL``)."""

    status: LPStatus
    x: tuple[Fraction, ...] | None = None
    fun: Fraction | None = None
    iterations: int = 0


_MEMO: dict[float, Fraction] = {}


def exact(v) -> Fraction:
    """A number as a ``Fraction``: rationals as they are, a float as the decimal its ``repr`` shows.

    Examples
    --------
    >>> exact(0.6), exact(3), exact(Fraction(1, 3)), exact(1e-9)
    (Fraction(3, 5), Fraction(3, 1), Fraction(1, 3), Fraction(1, 1000000000))
    """
    if type(v) is float:  # the common case: the same few floats recur
        out = _MEMO.get(v)
        if out is not None:
            return out
    if isinstance(v, Fraction):
        return v
    if isinstance(v, int):  # also bool and numpy's integers registered as numbers.Integral
        return Fraction(v)
    if isinstance(v, Rational):
        return Fraction(int(v.numerator), int(v.denominator))
    f = float(v)
    out = _MEMO.get(f)
    if out is None:
        if not math.isfinite(f):
            raise ValueError(f"a linear program's data must be finite numbers, not {v!r}")
        out = Fraction(repr(f))
        if len(_MEMO) < 4096:  # the same few numbers recur (0, 1, bounds, reference values)
            _MEMO[f] = out
    return out


def _bound(v) -> Fraction | None:
    if v is None:
        return None
    if not isinstance(v, (int, Rational)) and math.isinf(float(v)):
        return None
    return exact(v)


def linprog(
    c: Sequence,
    *,
    A_ub: Sequence[Sequence] | None = None,
    b_ub: Sequence | None = None,
    bounds: Sequence[tuple] | None = None,
    start: Sequence | None = None,
) -> LPResult:
    """Minimise ``c . x`` subject to ``A_ub x <= b_ub`` and ``lo <= x <= hi``, exactly.

    Parameters
    ----------
    c : sequence of numbers
        The objective, one coefficient per variable.
    A_ub, b_ub : optional
        The inequality rows and their right-hand sides.
    bounds : sequence of (lo, hi), optional
        One pair per variable; None or an infinite value is no bound. Default ``(0, None)``.
    start : sequence of numbers, optional
        Where the variables start (each clipped into its bounds; default: the lower bound, else the
        upper bound, else 0). A start close to the optimum saves steps; the optimum is exact from any
        start, but where several points are optimal the start decides which one is returned (it
        need not be a vertex then: a variable with zero reduced cost stays where it started).

    Returns
    -------
    LPResult
        The status, and for an optimum the exact optimal point (a vertex) and value.

    Examples
    --------
    >>> res = linprog([0, -1], A_ub=[[1, 1]], b_ub=[1], bounds=[(0.25, 1), (None, 1)])
    >>> res.fun, [str(v) for v in res.x]
    (Fraction(-3, 4), ['1/4', '3/4'])
    """
    c, A_ub, b_ub = (v.tolist() if hasattr(v, "tolist") else v for v in (c, A_ub, b_ub))
    n = len(c)
    rows_a = [] if A_ub is None else [{j: exact(v) for j, v in enumerate(row) if v} for row in A_ub]
    rhs = [] if b_ub is None else [exact(v) for v in b_ub]
    if len(rows_a) != len(rhs) or (A_ub is not None and any(len(r) != n for r in A_ub)):
        raise ValueError("A_ub must have one row per entry of b_ub and one column per entry of c")
    cost = [exact(v) for v in c]
    if bounds is None:
        bounds = [(0, None)] * n
    if len(bounds) != n:
        raise ValueError("bounds must have one pair per variable")
    lo = [_bound(a) for a, _ in bounds]
    hi = [_bound(b) for _, b in bounds]
    for a, b in zip(lo, hi):
        if a is not None and b is not None and a > b:
            return LPResult(LPStatus.INFEASIBLE)
    if start is not None:
        if hasattr(start, "tolist"):
            start = start.tolist()
        if len(start) != n:
            raise ValueError("start must have one value per variable")
        start = [_clip(exact(v), a, b) for v, a, b in zip(start, lo, hi)]
    return _Simplex(cost, rows_a, rhs, lo, hi, start).solve()


def _clip(v: Fraction, lo: Fraction | None, hi: Fraction | None) -> Fraction:
    if lo is not None and v < lo:
        return lo
    if hi is not None and v > hi:
        return hi
    return v


class _Simplex:
    """The tableau: ``x_B(i) = beta[i] - sum_j T[i][j] (x_j - val[j])`` over the nonbasic ``j``.

    Each row ``T[i]`` is kept as integer numerators over one positive integer denominator
    (``rows[i][j] / den[i]``), reduced by their gcd after every pivot: integer arithmetic is several
    times faster than ``Fraction`` arithmetic, which normalises every single result. The reduced
    costs are kept the same way; the values of the basic variables (``beta``) are Fractions.
    """

    def __init__(self, cost, rows_a, rhs, lo, hi, start=None):
        n, m = len(cost), len(rows_a)
        self.n = n
        zero = Fraction(0)
        # columns: structural 0..n-1, slacks n..n+m-1 (A_i x + s_i = b_i, s_i >= 0), then artificials
        self.lo = list(lo) + [zero] * m
        self.hi = list(hi) + [None] * m
        if start is None:
            start = [a if a is not None else (b if b is not None else zero) for a, b in zip(lo, hi)]
        self.val = list(start) + [zero] * m
        self.basis: list[int] = []
        self.rows: list[dict[int, int]] = []
        self.den: list[int] = []
        self.beta: list[Fraction] = []
        self.artificial: list[int] = []
        for i, (coef, b) in enumerate(zip(rows_a, rhs)):
            r = b - sum((v * self.val[j] for j, v in coef.items() if self.val[j]), zero)
            if r >= 0:
                row = dict(coef)
                self.basis.append(n + i)
                self.beta.append(r)
            else:  # a_i = A_i x + s_i - b_i >= 0 is basic, s_i nonbasic at 0
                k = len(self.lo)
                self.lo.append(zero)
                self.hi.append(None)
                self.val.append(zero)
                self.artificial.append(k)
                row = {j: -v for j, v in coef.items()}
                row[n + i] = Fraction(-1)
                self.basis.append(k)
                self.beta.append(-r)
            num, den = _integer_row(row)
            self.rows.append(num)
            self.den.append(den)
        self.cost = cost
        self.iterations = 0

    # ------------------------------------------------------------------ phases
    def solve(self) -> LPResult:
        ncol = len(self.lo)
        if self.artificial:
            c1 = [Fraction(0)] * ncol
            for k in self.artificial:
                c1[k] = Fraction(1)
            status = self._optimise(c1)
            assert status is LPStatus.OPTIMAL  # phase 1 is bounded below by 0
            if self._objective(c1) > 0:
                return LPResult(LPStatus.INFEASIBLE, iterations=self.iterations)
            for k in self.artificial:  # from now on every artificial is fixed at 0
                self.hi[k] = Fraction(0)
        c2 = list(self.cost) + [Fraction(0)] * (ncol - self.n)
        status = self._optimise(c2)
        if status is not LPStatus.OPTIMAL:
            return LPResult(status, iterations=self.iterations)
        x = self._values()[: self.n]
        return LPResult(
            LPStatus.OPTIMAL, tuple(x), sum((a * b for a, b in zip(self.cost, x)), Fraction(0)), self.iterations
        )

    def _values(self) -> list[Fraction]:
        x = list(self.val)
        for i, b in enumerate(self.basis):
            x[b] = self.beta[i]
        return x

    def _objective(self, c) -> Fraction:
        return sum((a * b for a, b in zip(c, self._values()) if a), Fraction(0))

    def _optimise(self, c) -> LPStatus:
        """Primal simplex from the current (feasible) basis."""
        basic = set(self.basis)
        # reduced costs d_j = c_j - sum_i c_B(i) T[i][j] over the nonbasic j
        dfrac = {j: c[j] for j in range(len(self.lo)) if j not in basic and c[j]}
        for i, b in enumerate(self.basis):
            if c[b]:
                f = c[b] / self.den[i]
                for j, v in self.rows[i].items():
                    dfrac[j] = dfrac.get(j, Fraction(0)) - f * v
        d, dden = _integer_row(dfrac)
        lo, hi, val = self.lo, self.hi, self.val
        bland, stalled = False, 0
        while True:
            q, direction, best = None, 0, 0
            for j in sorted(d):
                num = d[j]  # over the positive denominator dden: its sign is the reduced cost's
                if num < 0 and (hi[j] is None or val[j] < hi[j]):
                    step_dir = 1
                elif num > 0 and (lo[j] is None or val[j] > lo[j]):
                    step_dir = -1
                else:
                    continue
                if bland:
                    q, direction = j, step_dir
                    break
                if abs(num) > best:
                    q, direction, best = j, step_dir, abs(num)
            if q is None:
                return LPStatus.OPTIMAL
            self.iterations += 1
            # ratio test: how far can x_q move in its direction?
            theta = None
            leave = None  # (row index) or -1 for a bound flip of x_q
            own = hi[q] if direction > 0 else lo[q]
            if own is not None:  # x_q may reach its other bound (it may start between its bounds)
                theta, leave = abs(own - val[q]), -1
            for i, row in enumerate(self.rows):
                t = row.get(q)
                if not t:
                    continue
                b = self.basis[i]
                if t * direction > 0:  # x_B(i) decreases
                    if lo[b] is None:
                        continue
                    room = self.beta[i] - lo[b]
                else:
                    if hi[b] is None:
                        continue
                    room = hi[b] - self.beta[i]
                # room * den / |t|, normalised once
                step = Fraction(room.numerator * self.den[i], room.denominator * abs(t))
                if (
                    theta is None
                    or step < theta
                    or (step == theta and leave is not None and leave >= 0 and b < self.basis[leave])
                ):
                    theta, leave = step, i
            if theta is None:
                return LPStatus.UNBOUNDED
            # Dantzig's rule (steepest reduced cost) until it stalls on degenerate steps, then Bland's
            # rule for good: only degenerate steps can cycle, and Bland's rule never does
            stalled = stalled + 1 if theta == 0 else 0
            bland = bland or stalled > STALL_LIMIT
            delta = theta * direction
            if delta:
                for i, row in enumerate(self.rows):
                    t = row.get(q)
                    if t:
                        self.beta[i] -= Fraction(delta.numerator * t, delta.denominator * self.den[i])
            if leave == -1:  # x_q moves to its other bound; the basis stays
                val[q] += delta
                continue
            dden = self._pivot(leave, q, val[q] + delta, d, dden)

    def _pivot(self, r: int, q: int, xq: Fraction, d: dict, dden: int) -> int:
        """x_q enters at value ``xq``, the basic variable of row ``r`` leaves at the bound it reached.

        Returns the new denominator of the reduced costs ``d`` (updated in place).
        """
        p = self.basis[r]
        value_p = self.beta[r]
        self.val[p] = self.lo[p] if self.lo[p] is not None and value_p == self.lo[p] else self.hi[p]
        row_r = self.rows[r]
        piv = row_r.pop(q)
        # T'[r][j] = T[r][j] / T[r][q] = row_r[j] / piv;  T'[r][p] = 1 / T[r][q] = den[r] / piv
        sign = 1 if piv > 0 else -1
        new_r = {j: sign * v for j, v in row_r.items()}
        new_r[p] = sign * self.den[r]
        new_den = _reduce(new_r, abs(piv))
        self.rows[r] = new_r
        self.den[r] = new_den
        self.basis[r] = q
        self.beta[r] = xq
        for i, row in enumerate(self.rows):
            if i == r:
                continue
            t = row.pop(q, None)
            if t:
                self.den[i] = _eliminate(row, self.den[i], t, new_r, new_den)
        dq = d.pop(q, None)
        if dq:
            return _eliminate(d, dden, dq, new_r, new_den)
        return dden


def _integer_row(row: dict) -> tuple[dict[int, int], int]:
    """Fractions as integer numerators over their least common denominator."""
    den = math.lcm(*(v.denominator for v in row.values())) if row else 1
    return {j: v.numerator * (den // v.denominator) for j, v in row.items() if v}, den


def _reduce(row: dict[int, int], den: int) -> int:
    """Divide the numerators and the denominator by their gcd; the new denominator."""
    g = math.gcd(den, *row.values())
    if g > 1:
        for j in row:
            row[j] //= g
        den //= g
    return den


def _eliminate(row: dict[int, int], den: int, t: int, new_r: dict[int, int], new_den: int) -> int:
    """``row/den - (t/den) * new_r/new_den`` in place, as numerators over ``den * new_den`` (reduced)."""
    # (row_j * new_den - t * new_j) / (den * new_den)
    if new_den != 1:
        for j in row:
            row[j] *= new_den
    for j, v in new_r.items():
        w = row.get(j, 0) - t * v
        if w:
            row[j] = w
        else:
            row.pop(j, None)
    return _reduce(row, den * new_den)
