"""The exact simplex method (govgame.analysis.lp) against scipy's HiGHS as an independent oracle.

Random small LPs (feasible, infeasible, unbounded, degenerate: small integer data make ties and
degenerate vertices common) must get the same status and the same optimal value; the optimum must
satisfy every row and bound exactly, and its value must be the objective at the point. Hand LPs
with a known optimum pin the arithmetic down exactly.
"""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog as highs

from govgame.analysis.lp import STALL_LIMIT, LPStatus, exact, linprog

BOUNDS = [(None, None), (0, None), (-2, None), (None, 3), (0, 3), (-1, 1), (2, 2), (0.5, 2.5)]


@st.composite
def small_lps(draw):
    n = draw(st.integers(1, 5))
    m = draw(st.integers(0, 6))
    coef = st.integers(-3, 3)
    A = [[draw(coef) for _ in range(n)] for _ in range(m)]
    b = [draw(coef) for _ in range(m)]
    c = [draw(coef) for _ in range(n)]
    bounds = [draw(st.sampled_from(BOUNDS)) for _ in range(n)]
    return c, A, b, bounds


def _check_point(x, c, A, b, bounds, fun):
    for row, rhs in zip(A, b):
        assert sum(exact(a) * v for a, v in zip(row, x)) <= exact(rhs)
    for v, (lo, hi) in zip(x, bounds):
        assert lo is None or v >= exact(lo)
        assert hi is None or v <= exact(hi)
    assert fun == sum(exact(a) * v for a, v in zip(c, x))


def _feasible_by_highs(A, b, bounds) -> bool:
    res = highs(np.zeros(len(bounds)), A_ub=np.array(A) if A else None, b_ub=b or None, bounds=bounds)
    return res.status == 0


@settings(max_examples=300, deadline=None)
@given(small_lps())
def test_agrees_with_highs_on_random_small_lps(lp_data):
    c, A, b, bounds = lp_data
    mine = linprog(c, A_ub=A or None, b_ub=b or None, bounds=bounds)
    ref = highs(c, A_ub=np.array(A) if A else None, b_ub=b or None, bounds=bounds, method="highs")
    if ref.status == 0:
        assert mine.status is LPStatus.OPTIMAL
        assert float(mine.fun) == pytest.approx(ref.fun, abs=1e-9)
        _check_point(mine.x, c, A, b, bounds, mine.fun)
    elif ref.status == 3:
        assert mine.status is LPStatus.UNBOUNDED
    else:
        # HiGHS's presolve may answer "infeasible or unbounded" (status 2) for an unbounded LP:
        # the feasibility problem (zero objective) tells the two apart
        assert ref.status == 2
        if _feasible_by_highs(A, b, bounds):
            assert mine.status is LPStatus.UNBOUNDED
        else:
            assert mine.status is LPStatus.INFEASIBLE
    if mine.status is LPStatus.UNBOUNDED:
        assert _feasible_by_highs(A, b, bounds)


@settings(max_examples=100, deadline=None)
@given(small_lps(), st.data())
def test_a_feasible_point_is_found_whenever_one_is_planted(lp_data, data):
    """Rows shifted so that a chosen point inside the bounds satisfies them: never infeasible."""
    c, A, _, bounds = lp_data
    x0 = []
    for lo, hi in bounds:
        lo_i = -3 if lo is None else lo
        hi_i = 3 if hi is None else hi
        x0.append(Fraction(data.draw(st.integers(0, 4))) / 4 * (exact(hi_i) - exact(lo_i)) + exact(lo_i))
    b = [sum(exact(a) * v for a, v in zip(row, x0)) + data.draw(st.integers(0, 2)) for row in A]
    res = linprog(c, A_ub=A or None, b_ub=b or None, bounds=bounds)
    assert res.status in (LPStatus.OPTIMAL, LPStatus.UNBOUNDED)
    if res.status is LPStatus.OPTIMAL:
        _check_point(res.x, c, A, b, bounds, res.fun)
        assert res.fun <= sum(exact(a) * v for a, v in zip(c, x0))


def test_textbook_optimum_is_exact():
    # max 3x + 5y, x <= 4, 2y <= 12, 3x + 2y <= 18: optimum 36 at (2, 6)
    res = linprog([-3, -5], A_ub=[[1, 0], [0, 2], [3, 2]], b_ub=[4, 12, 18], bounds=[(0, None), (0, None)])
    assert res.status is LPStatus.OPTIMAL
    assert res.fun == -36 and res.x == (2, 6)


def test_thirds_are_exact_not_rounded():
    # max x + y with 3x + 3y <= 1: value exactly 1/3 (floating point cannot say that)
    res = linprog([-1, -1], A_ub=[[3, 3]], b_ub=[1], bounds=[(0, None), (0, None)])
    assert res.fun == Fraction(-1, 3)


def test_floats_are_read_as_the_decimals_they_print():
    res = linprog([1], A_ub=[[-1]], b_ub=[-0.1], bounds=[(None, None)])
    assert res.x == (Fraction(1, 10),)


def test_infeasible_needs_phase_one():
    # x + y >= 3 with x, y in [0, 1]
    res = linprog([0, 0], A_ub=[[-1, -1]], b_ub=[-3], bounds=[(0, 1), (0, 1)])
    assert res.status is LPStatus.INFEASIBLE
    # infeasible from crossed bounds alone
    assert linprog([0], bounds=[(1, 0)]).status is LPStatus.INFEASIBLE


def test_unbounded_with_free_variable():
    res = linprog([1, 0], A_ub=[[-1, 1]], b_ub=[0], bounds=[(None, None), (None, 0)])
    assert res.status is LPStatus.UNBOUNDED


def test_strict_feasibility_slack_is_zero_on_a_boundary_system():
    # the slack LP of the regions: max t with p - q >= t, q - p >= t, t <= 1: optimum t = 0 exactly
    res = linprog([0, 0, -1], A_ub=[[-1, 1, 1], [1, -1, 1]], b_ub=[0, 0], bounds=[(0, 10), (0, 10), (-1, 1)])
    assert res.status is LPStatus.OPTIMAL and res.fun == 0


def test_beale_cycling_example_terminates():
    """Beale's (1955) LP, on which the steepest-edge rule with lowest-index ties cycles; optimum -1/20."""
    c = [Fraction(-3, 4), 150, Fraction(-1, 50), 6]
    A = [[Fraction(1, 4), -60, Fraction(-1, 25), 9], [Fraction(1, 2), -90, Fraction(-1, 50), 3], [0, 0, 1, 0]]
    b = [0, 0, 1]
    res = linprog(c, A_ub=A, b_ub=b, bounds=[(0, None)] * 4)
    assert res.status is LPStatus.OPTIMAL
    assert res.fun == Fraction(-1, 20)
    _check_point(res.x, c, A, b, [(0, None)] * 4, res.fun)
    assert STALL_LIMIT >= 1


def test_data_must_be_finite_and_shapes_must_match():
    with pytest.raises(ValueError, match="finite"):
        linprog([float("nan")])
    with pytest.raises(ValueError, match="one row per entry"):
        linprog([1, 1], A_ub=[[1]], b_ub=[1])
