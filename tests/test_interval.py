"""Interval arithmetic, Krawczyk root isolation and branch-and-bound positivity.

Oracles: sympy/mpmath evaluation at 50 digits of the exact value at exact rational points (enclosure property),
roots known in closed form (exact rationals), mpmath's ``findroot`` at 50 digits for non-polynomial roots,
scipy's linear programming for linear feasibility. Nothing here compares the module with itself.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from govgame.analysis import interval as iv  # noqa: E402

X, Y = sympy.symbols("x y", real=True)
HALF, THIRD = sympy.Rational(1, 2), sympy.Rational(1, 3)


mpmath.mp.dps = 50


class _Undefined(Exception):
    pass


def _mp(expr, point):
    """Real value of expr at the point in 50-digit arithmetic; _Undefined where some step is not real."""
    mp = mpmath.mp
    if expr.is_Symbol:
        return mp.mpf(point[expr])
    if expr.is_Rational:
        return mp.mpf(int(expr.p)) / int(expr.q)
    if expr.is_number and not expr.free_symbols and not isinstance(expr, (sympy.Pow, sympy.Mul, sympy.Add)):
        v = sympy.N(expr, 60)
        if not v.is_real:
            raise _Undefined
        return mp.mpf(str(v))
    args = [_mp(a, point) for a in expr.args]
    if isinstance(expr, sympy.Add):
        return mp.fsum(args)
    if isinstance(expr, sympy.Mul):
        return mp.fprod(args)
    if isinstance(expr, sympy.Pow):
        base, e = args
        if expr.exp.is_Integer:
            if base == 0 and e < 0:
                raise _Undefined
            return base ** int(expr.exp)
        if base < 0 or (base == 0 and e < 0):
            raise _Undefined
        return mp.power(base, e)
    if isinstance(expr, sympy.exp):
        return mp.exp(args[0])
    if isinstance(expr, sympy.log):
        if args[0] <= 0:
            raise _Undefined
        return mp.log(args[0])
    if isinstance(expr, sympy.Abs):
        return abs(args[0])
    if isinstance(expr, sympy.Min):
        return min(args)
    if isinstance(expr, sympy.Max):
        return max(args)
    if isinstance(expr, sympy.sign):
        if args[0] == 0:
            raise _Undefined
        return mp.sign(args[0])
    if isinstance(expr, sympy.Heaviside):
        if args[0] == 0:
            raise _Undefined
        return mp.mpf(1 if args[0] > 0 else 0)
    raise _Undefined  # re, im, Derivative, ...: not an expression of the grammar


def exact(expr, point):
    """The real value of expr at the point (floats, taken exactly), to 50 digits; None where undefined."""
    try:
        return _mp(sympy.sympify(expr), {s: mpmath.mpf(float(c)) for s, c in point.items()})
    except (_Undefined, ZeroDivisionError, ValueError, OverflowError):
        return None


def contains(lo, hi, value) -> bool:
    """lo <= value <= hi up to the oracle's own 50-digit rounding; the bounds may be infinite."""
    slack = mpmath.mpf(10) ** -40 * (1 + abs(value))
    return mpmath.mpf(float(lo)) - slack <= value <= mpmath.mpf(float(hi)) + slack


# ------------------------------------------------------------------ random expressions
leaves = st.one_of(
    st.sampled_from([X, Y]),
    st.integers(-5, 5).map(sympy.Integer),
    st.sampled_from([THIRD, sympy.Rational(61, 100), sympy.Rational(-7, 3), sympy.Rational(1, 10)]),
)


def _compose(children):
    unary = st.tuples(
        st.sampled_from(["exp", "log", "sqrt", "abs", "neg", "ipow", "rpow"]), children, st.integers(-3, 4)
    )
    binary = st.tuples(st.sampled_from(["add", "sub", "mul", "div", "min", "max"]), children, children)

    def build_unary(t):
        op, a, k = t
        if op == "exp":
            return sympy.exp(sympy.Min(a, 20))  # keep the values representable
        if op == "log":
            return sympy.log(a)
        if op == "sqrt":
            return sympy.sqrt(a)
        if op == "abs":
            return sympy.Abs(a)
        if op == "neg":
            return -a
        if op == "ipow":
            return a**k
        return a ** sympy.Rational(61, 100) if k % 2 else a ** sympy.Rational(-3, 2)

    def build_binary(t):
        op, a, b = t
        return {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "div": lambda: a / b,
            "min": lambda: sympy.Min(a, b),
            "max": lambda: sympy.Max(a, b),
        }[op]()

    def safe(build):
        def run(t):
            try:
                return build(t)
            except (ValueError, TypeError, ZeroDivisionError):
                return sympy.nan  # filtered out below

        return run

    return st.one_of(unary.map(safe(build_unary)), binary.map(safe(build_binary)))


def _valid(e):
    """No infinite, undefined or complex constant anywhere in the tree (the model grammar rejects them)."""
    if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        return False
    return all(exact(sub, {}) is not None for sub in sympy.preorder_traversal(e) if sub.is_number)


expressions = st.recursive(leaves, _compose, max_leaves=6).filter(_valid)
floats = st.floats(-3, 3, allow_nan=False).map(lambda v: float(np.round(v, 3)) + 0.0)


@st.composite
def boxes(draw):
    pts = [sorted([draw(floats), draw(floats)]) for _ in range(2)]
    return pts


@settings(max_examples=60, deadline=None)
@given(expressions, boxes(), st.integers(0, 2**31 - 1))
def test_enclosure_contains_the_exact_value_at_points_of_the_box(expr, box, seed):
    prog = iv.interval_program([expr], [X, Y])
    lo = np.array([[box[0][0], box[1][0]]])
    hi = np.array([[box[0][1], box[1][1]]])
    elo, ehi, _ = prog.evaluate(lo, hi)
    rng = np.random.default_rng(seed)
    corners = list(itertools.product(*box))
    inner = [tuple(rng.uniform(a, b) for a, b in box) for _ in range(3)]
    for p in corners + inner:
        v = exact(expr, {X: p[0], Y: p[1]})
        if v is None:
            continue
        assert contains(elo[0, 0], ehi[0, 0], v), (expr, box, p, float(v), elo, ehi)


@settings(max_examples=60, deadline=None)
@given(expressions, st.tuples(floats, floats))
def test_point_enclosures_are_tight_and_exact(expr, p):
    """At a point the enclosure contains the value and is only a few rounding errors wide."""
    prog = iv.interval_program([expr], [X, Y])
    v = exact(expr, {X: p[0], Y: p[1]})
    elo, ehi, ok = prog.evaluate([list(p)], [list(p)])
    if v is None:
        return
    assert contains(elo[0, 0], ehi[0, 0], v)
    if ok[0] and abs(v) < 1e100:
        assert float(ehi[0, 0] - elo[0, 0]) <= 1e-9 * (1 + abs(float(v))), (expr, p, elo, ehi)


@settings(max_examples=40, deadline=None)
@given(expressions, boxes(), st.integers(0, 2**31 - 1))
def test_gradient_enclosure_contains_the_derivative(expr, box, seed):
    prog = iv.interval_program([expr], [X, Y])
    lo = np.array([[box[0][0], box[1][0]]])
    hi = np.array([[box[0][1], box[1][1]]])
    _, _, glo, ghi, ok = prog.evaluate_with_gradient(lo, hi)
    if not ok[0]:
        return
    rng = np.random.default_rng(seed)
    for _ in range(3):
        p = tuple(rng.uniform(a, b) for a, b in box)
        for j, s in enumerate((X, Y)):
            d = exact(sympy.diff(expr, s), {X: p[0], Y: p[1]})
            if d is None:
                continue
            assert contains(glo[0, 0, j], ghi[0, 0, j], d), (expr, box, p, j)


def test_exact_operations_stay_exact_and_inexact_ones_enclose():
    x = X
    prog = iv.interval_program([1 - x, x * x, x / 4, sympy.sqrt(x), THIRD + 0 * x, sympy.exp(x - 1)], [x])
    lo, hi, ok = prog.evaluate([[1.0], [3.0]], [[1.0], [3.0]])
    assert lo[0].tolist()[:4] == hi[0].tolist()[:4] == [0.0, 1.0, 0.25, 1.0]
    assert lo[0, 5] == hi[0, 5] == 1.0  # exp(0)
    assert lo[1, 1] == hi[1, 1] == 9.0
    assert contains(lo[1, 3], hi[1, 3], sympy.Rational(Fraction(float(lo[1, 3])))) and lo[1, 3] < hi[1, 3]
    assert Fraction(float(lo[0, 4])) < Fraction(1, 3) < Fraction(float(hi[0, 4]))
    assert ok.all()


def test_domains_are_reported():
    x = X
    prog = iv.interval_program([sympy.log(x), 1 / x, x ** sympy.Rational(1, 3)], [x])
    lo, hi, ok = prog.evaluate([[-1.0], [0.5]], [[1.0], [2.0]])
    assert ok.tolist() == [False, True]
    assert lo[0, 0] == -np.inf and lo[0, 1] == -np.inf and hi[0, 1] == np.inf
    assert lo[0, 2] == 0.0 and hi[0, 2] >= 1.0  # the real branch on [0, 1]


def test_unsupported_operations_and_symbols_are_rejected():
    with pytest.raises(ValueError, match="not one of the variables"):
        iv.interval_program([X + Y], [X])
    with pytest.raises(ValueError, match="sin"):
        iv.interval_program([sympy.sin(X)], [X])
    with pytest.raises(ValueError, match="exponent"):
        iv.interval_program([X**Y], [X, Y])


# ------------------------------------------------------------------------ root isolation
def _in(root, point) -> bool:
    return all(Fraction(a) <= Fraction(p) <= Fraction(b) for (a, b), p in zip(root.enclosure, point))


def test_simple_roots_are_certified_with_exact_roots_inside():
    roots = [Fraction(1, 3), Fraction(1, 2), Fraction(9, 10)]
    f = sympy.Mul(*[X - sympy.Rational(r.numerator, r.denominator) for r in roots])
    res = iv.isolate_roots([f], [X], [(0, 1)])
    assert res.complete and len(res.roots) == 3
    for r, exact_root in zip(res.roots, roots):
        assert _in(r, [exact_root])
        assert r.radius < 1e-12


def test_four_roots_of_a_two_dimensional_system():
    res = iv.isolate_roots([4 * X**2 - 1, 9 * Y**2 - 1], [X, Y], [(-1, 1), (-1, 1)])
    assert res.complete and len(res.roots) == 4
    for sx, sy in itertools.product((-1, 1), repeat=2):
        target = [Fraction(sx, 2), Fraction(sy, 3)]
        assert sum(_in(r, target) for r in res.roots) == 1


def test_root_exactly_on_the_first_cut_is_found_once():
    cut = iv._SPLIT_AT  # the first bisection of [0, 1] cuts here
    res = iv.isolate_roots([X - sympy.Rational(Fraction(cut))], [X], [(0, 1)])
    assert res.complete and len(res.roots) == 1 and _in(res.roots[0], [Fraction(cut)])


def test_non_polynomial_root_against_mpmath():
    gamma = sympy.Rational(61, 100)
    w = X**gamma / (X**gamma + (1 - X) ** gamma) ** (1 / gamma)
    res = iv.isolate_roots([w - X], [X], [(sympy.Rational(1, 100), sympy.Rational(99, 100))])
    mpmath.mp.dps = 50
    g = float(gamma)
    ref = mpmath.findroot(lambda t: t**g / (t**g + (1 - t) ** g) ** (1 / g) - t, 0.3)
    assert res.complete and len(res.roots) == 1
    (a, b) = res.roots[0].enclosure[0]
    assert mpmath.mpf(a) <= ref <= mpmath.mpf(b)


def test_double_root_is_reported_unresolved_not_dropped():
    res = iv.isolate_roots([(X - THIRD) ** 2 * (X - sympy.Rational(4, 5))], [X], [(0, 1)])
    assert len(res.roots) == 1 and _in(res.roots[0], [Fraction(4, 5)])
    assert not res.complete
    assert any(a <= 1 / 3 <= b for ((a, b),) in res.unresolved)
    assert all(b - a < 1e-6 for ((a, b),) in res.unresolved)


def test_tangency_in_two_dimensions_is_unresolved():
    res = iv.isolate_roots([X**2 + Y**2 - HALF, X + Y - 1], [X, Y], [(0, 1), (0, 1)])
    assert not res.roots
    assert any(a <= 0.5 <= b and c <= 0.5 <= d for (a, b), (c, d) in res.unresolved)


def test_root_on_the_boundary_of_the_box_is_unresolved():
    res = iv.isolate_roots([X * (X - HALF)], [X], [(0, 1)])
    assert len(res.roots) == 1 and _in(res.roots[0], [Fraction(1, 2)])
    assert any(a <= 0 <= b for ((a, b),) in res.unresolved)


def test_no_root_means_complete_and_empty():
    res = iv.isolate_roots([X**2 + Y**2 + 1, X - Y], [X, Y], [(-2, 2), (-2, 2)])
    assert res.complete and not res.roots and not res.exhausted


def test_a_curve_of_roots_is_covered_by_unresolved_boxes():
    """x = y is a whole line of roots: the budget runs out, and every point of the line stays covered."""
    res = iv.isolate_roots([X - Y, 2 * Y - 2 * X], [X, Y], [(0, 1), (0, 1)], max_boxes=600)
    assert not res.roots and res.exhausted
    for t in np.linspace(0, 1, 37):
        assert any(a <= t <= b and c <= t <= d for (a, b), (c, d) in res.unresolved), t


@settings(max_examples=8, deadline=None)
@given(
    st.lists(st.integers(-9, 9), min_size=2, max_size=2, unique=True),
    st.lists(st.integers(-9, 9), min_size=2, max_size=2, unique=True),
    st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)),
)
def test_every_root_of_random_transformed_systems(rx, ry, mat):
    """G(A x) = 0 with G_i(u) = (u_i - r_i1)(u_i - r_i2): four simple roots A^-1 (r_1k, r_2l), known exactly."""
    A = sympy.Matrix(2, 2, list(mat))
    if A.det() == 0:
        return
    u = A * sympy.Matrix([X, Y])
    rs = [[sympy.Rational(v, 10) for v in rx], [sympy.Rational(v, 10) for v in ry]]
    eqs = [sympy.expand((u[0] - rs[0][0]) * (u[0] - rs[0][1])), sympy.expand((u[1] - rs[1][0]) * (u[1] - rs[1][1]))]
    res = iv.isolate_roots(eqs, [X, Y], [(-2, 2), (-2, 2)])
    Ainv = A.inv()
    expected = []
    for a, b in itertools.product(rs[0], rs[1]):
        p = Ainv * sympy.Matrix([a, b])
        if all(-2 < c < 2 for c in p):
            expected.append(tuple(Fraction(int(c.p), int(c.q)) for c in p))
    for p in expected:  # roots exactly on the box's boundary would be unresolved; these are inside
        assert sum(_in(r, p) for r in res.roots) == 1, (eqs, p, res)
    assert len(res.roots) == len(expected)
    on_boundary = [r for r in res.unresolved]
    for box in on_boundary:  # an unresolved box can only hold a root on the boundary of the search box
        assert any(a <= -2 or b >= 2 for a, b in box), (eqs, box)


# ------------------------------------------------------------------------- positivity
def _holds(conds, point, strict=True):
    subs = {s: sympy.Rational(Fraction(c)) for s, c in point.items()}
    return all((g.xreplace(subs) > 0) if strict else (g.xreplace(subs) >= 0) for g in conds)


def test_feasible_point_satisfies_the_conditions_exactly():
    conds = [X * Y - sympy.Rational(3, 4), Y - X**2, 2 - X - Y]
    res = iv.decide_positive(conds, [X, Y], [(0, 2), (0, 2)])
    assert res.decision is iv.Decision.FEASIBLE
    assert _holds(conds, {X: res.point[0], Y: res.point[1]})


def test_disjoint_regions_are_proved_infeasible():
    conds = [sympy.Rational(1, 4) - X**2 - Y**2, X + Y - 1]
    res = iv.decide_positive(conds, [X, Y], [(-1, 1), (-1, 1)])
    assert res.decision is iv.Decision.INFEASIBLE and res.undecided_volume == 0


def test_opposite_conditions_are_infeasible():
    g = X - 2 * Y + sympy.Rational(1, 3) * X * Y
    assert iv.decide_positive([g, -g], [X, Y], [(0, 1), (0, 1)]).decision is iv.Decision.INFEASIBLE
    res = iv.decide_positive([X + Y - sympy.Rational(3, 2)], [X, Y], [(0, 1), (0, 1)], nonstrict=[HALF - X, HALF - Y])
    assert res.decision is iv.Decision.INFEASIBLE  # x + y > 3/2 with x, y <= 1/2


def test_a_tangency_is_undecided_with_a_small_remaining_volume():
    res = iv.decide_positive([X * Y - 1, 2 - X - Y], [X, Y], [(0, 3), (0, 3)], max_boxes=3000)
    assert res.decision is iv.Decision.UNDECIDED
    assert 0 < res.undecided_fraction < 0.01


def test_fixed_coordinates_are_allowed():
    res = iv.decide_positive([X - Y], [X, Y], [(0.5, 0.5), (0, 1)])
    assert res.decision is iv.Decision.FEASIBLE and res.point[0] == 0.5 and res.point[1] < 0.5


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4)), min_size=1, max_size=4))
def test_linear_systems_agree_with_linear_programming(rows):
    """Maximise t subject to a x + b y + c >= t on [0, 1]^2: feasible iff t* > 0."""
    conds = [a * X + b * Y + c for a, b, c in rows]
    A = [[-a, -b, 1.0] for a, b, _ in rows]
    ub = [float(c) for _, _, c in rows]
    lp = linprog([0, 0, -1], A_ub=A, b_ub=ub, bounds=[(0, 1), (0, 1), (None, 10)], method="highs")
    t = -lp.fun
    res = iv.decide_positive(conds, [X, Y], [(0, 1), (0, 1)], max_boxes=4000)
    if res.decision is iv.Decision.FEASIBLE:
        assert _holds(conds, {X: res.point[0], Y: res.point[1]})
    if t > 1e-3:
        assert res.decision is iv.Decision.FEASIBLE
    if t < -1e-3:
        assert res.decision is iv.Decision.INFEASIBLE
    if res.decision is iv.Decision.INFEASIBLE:
        assert t <= 1e-9
