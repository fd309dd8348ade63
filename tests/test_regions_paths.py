"""More behaviours of :mod:`govgame.analysis.regions`, each derived by hand here (witnesses checked exactly).

Reference values of a parameter with a range only, a reference below its range, the fixed-parameter
linear program's witness outside the ranges (a bug: it was reported inside), a non-strict condition at
the reference values, a non-strict ratio whose undecided denominator is split, a fixed-parameter linear
program whose only solution is not a double, products with a negative multiplier, equalities of
products, non-polynomial conditions, the caches a caller passes, no warnings from the local search (also
where a condition overflows), a non-strict condition that is zero on a half-plane, and integer arrays in
``evaluate_tree``.
"""

from __future__ import annotations

import warnings

import numpy as np
import sympy
from region_oracle import carrier_game, thin_band_game, witness_holds

from govgame.analysis.regions import SAMPLES, Region, certify, evaluate_tree, together
from govgame.model import Parameter

R = sympy.Rational


def test_the_reference_of_a_parameter_with_only_a_range_is_the_middle_of_the_range():
    """The Region docstring: the value, else the middle of the range, else -1 (negative) or 1."""
    ps = (
        Parameter("a", range=(2.0, 6.0)),
        Parameter("b", value=0.5, range=(0.0, 1.0)),
        Parameter("c", sign="any", range=(-3.0, -1.0)),
        Parameter("d", sign="negative"),
        Parameter("e"),
    )
    game, _ = carrier_game(ps)
    assert Region(game).reference.tolist() == [4.0, 0.5, -2.0, -1.0, 1.0]
    assert Region(game, reference={"a": 3.0}).reference.tolist() == [3.0, 0.5, -2.0, -1.0, 1.0]


def test_a_reference_below_its_range_is_moved_up_into_it_before_distances_are_scaled():
    """a + 5 b > 15 with a in [10, 20], b in [0, 20] and the reference (1, 1): a is held at 10, the nearest
    value of its range, scaled by 10; b stays at 1, scaled by 1.

    Half the capped slack: a + 5 b >= 15.5. Raising a by 0.5 costs 0.5 / 10 = 0.05; raising b by 0.1
    costs 0.1: the witness is a = 10.5, b = 1. (Scaled by the reference 1 itself, raising a would cost 0.5
    and b would move instead.)
    """
    ps = (Parameter("a", value=15.0, range=(10.0, 20.0)), Parameter("b", value=1.0, range=(0.0, 20.0)))
    game, (a, b) = carrier_game(ps)
    res = Region(game, reference={"a": 1.0, "b": 1.0}).feasible(strict=[a + 5 * b - 15])
    assert res.feasible and res.in_ranges and res.method == "linear programming"
    assert res.witness == {"a": 10.5, "b": 1.0}


def test_a_witness_of_the_fixed_parameter_linear_program_outside_the_ranges_says_so():
    """a F + b > 5 with a, F fixed at (1, 2): b > 3, outside b's range [0, 2]. Found with b = 3.5 (or any
    b > 3 without a witness asked for), and the result must say that the witness lies outside the ranges
    (it said inside before the fix).
    """
    ps = (
        Parameter("a", value=1.0),
        Parameter("b", value=1.0, range=(0.0, 2.0)),
        Parameter("F", value=2.0, sign="positive"),
    )
    game, (a, b, F) = carrier_game(ps)
    for witness in (True, False):
        res = Region(game).feasible(strict=[a * F + b - 5], witness=witness)
        assert res.feasible and res.method == "linear programming with F, a at reference values"
        assert witness_holds(game, (a, b, F), res.witness, [a * F + b - 5]) and res.witness["b"] > 3
        assert res.in_ranges is False
    # inside the ranges when they hold one: b > 1.5 gives b = 2 (half the slack 1/2 within b <= 2: b >= 1.75)
    res = Region(game).feasible(strict=[a * F + b - R(7, 2)])
    assert res.feasible and res.in_ranges is True and 1.5 < res.witness["b"] <= 2.0


def test_a_non_strict_condition_holding_at_the_reference_keeps_the_reference():
    game, (a, b) = carrier_game((Parameter("a", value=1.0), Parameter("b", value=2.0)))
    res = Region(game).feasible(strict=[b - a], nonstrict=[a - 1, 3 - b])  # a - 1 = 0 there
    assert res.feasible and res.method == "holds at the reference values"
    assert res.witness == {"a": 1.0, "b": 2.0}


def test_a_non_strict_ratio_with_a_denominator_of_either_sign_can_be_zero():
    """(a - 1)/c >= 0 and 1 - a >= 0 with c of either sign: only a = 1 (where the ratio is 0), c != 0.

    Each sign case keeps the numerator non-strict; the reference (3, 1) moves a to 1 (the case c > 0).
    """
    game, (a, c) = carrier_game((Parameter("a", value=3.0), Parameter("c", value=1.0, sign="any")))
    region = Region(game)
    nonstrict = [(a - 1) / c, 1 - a]
    res = region.feasible(nonstrict=nonstrict)
    assert res.feasible and res.witness["a"] == 1.0 and res.witness["c"] != 0
    assert witness_holds(game, (a, c), res.witness, [], nonstrict)
    # strictly positive with a <= 1: a < 1 and c < 0
    strict = [(a - 1) / c]
    res = region.feasible(strict=strict, nonstrict=[1 - a])
    assert res.feasible and res.witness["a"] < 1 and res.witness["c"] < 0
    assert witness_holds(game, (a, c), res.witness, strict, [1 - a])


def test_a_fixed_parameter_linear_program_without_a_double_solution_falls_back_to_sampling():
    """a F + 3 b >= 3 and 3 b <= 1: at the fixed (a, F) = (1, 2) only b = 1/3, no double: no witness there.

    The system itself holds widely (a F >= 2 with b = 0), so sampling finds an exactly checked witness.
    """
    game, (a, b, F) = carrier_game(
        (Parameter("a", value=1.0), Parameter("b", value=1.0), Parameter("F", value=2.0, sign="positive"))
    )
    nonstrict = [a * F + 3 * b - 3, 1 - 3 * b]
    res = Region(game).feasible(nonstrict=nonstrict)
    assert res.feasible and res.method == f"sampling ({SAMPLES} points)"
    assert witness_holds(game, (a, b, F), res.witness, [], nonstrict)


def test_a_product_with_a_negative_multiplier_far_beyond_the_samples_is_found():
    """-a c > 2000 with 1 < a < 2 and c < 0: c < -1000, beyond every sample (|c| <= 10).

    a has a range, so branch and bound splits a and bounds a c by the negative multiplier c:
    hi c <= a c <= lo c over a box [lo, hi] of a (reversed bounds); the system is feasible.
    """
    ps = (Parameter("a", value=1.5, range=(1.0, 2.0)), Parameter("c", sign="negative"))
    game, (a, c) = carrier_game(ps)
    region = Region(game)
    strict = [-a * c - 2000, 2 - a, a - 1]
    assert not region.feasible(strict=strict).feasible
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and witness_holds(game, (a, c), res.witness, strict), res
    assert res.witness["c"] < -1000


def test_an_equation_between_products_is_never_proven_impossible():
    """a b = 2000 with 1 < b < 2 holds at b = 1.6, a = 1250: certify may not find it, but never proves it away."""
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    strict, nonstrict = [2 - b, b - 1], [a * b - 2000, 2000 - a * b]
    assert witness_holds(game, (a, b), {"a": 1250.0, "b": 1.6}, strict, nonstrict)
    res = certify(Region(game), strict=strict, nonstrict=nonstrict)
    assert res.feasible or not res.proven, res
    if res.feasible:
        assert witness_holds(game, (a, b), res.witness, strict, nonstrict)


def test_a_non_polynomial_condition_is_left_unproven_by_the_certificates():
    """e^a > 10^5 needs a > 11.5, beyond the samples (a <= 10): neither branch and bound nor the local
    search takes a non-polynomial condition, so the answer is 'not proven', with no error.
    """
    game, (a,) = carrier_game((Parameter("a"),))
    res = certify(Region(game), strict=[sympy.exp(a) - 10**5])
    assert not res.feasible and res.proven is False
    assert res.method.endswith(
        "; local optimisation from 12 starts found none; branch and bound inconclusive (not proven)"
    )


def test_a_cache_or_memo_passed_by_the_caller_is_filled():
    """together(cache=...) remembers each sum's common denominator; evaluate_tree(memo=...) each subexpression."""
    a, b = sympy.symbols("a b", positive=True)
    cache: dict = {}
    assert sympy.simplify(together(1 / a + 1 / b, cache) - (a + b) / (a * b)) == 0
    assert len(cache) == 1
    memo: dict = {}
    v = evaluate_tree(a * b + 1, {a: np.array([2.0]), b: np.array([3.0])}, 1, memo)
    assert v.tolist() == [7.0] and memo[a * b].tolist() == [6.0] and memo[a].tolist() == [2.0]


def test_the_local_search_warns_nothing():
    """The thin band of test_regions_witnesses (1 < a b < 1 + 10^-6, a, b of either sign) with a positive c."""
    game, (a, b, c) = thin_band_game()
    strict = [a * b - 1, 1 + R(1, 10**6) - a * b, 2 - c]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = certify(Region(game), strict=strict)
    assert res.feasible and res.method == "local optimisation of the smallest slack (12 starts)"
    assert witness_holds(game, (a, b, c), res.witness, strict) and res.witness["c"] > 0


def test_a_rational_condition_in_one_parameter_is_proven_infeasible_and_named():
    """1/(1 - a^2) > 0 needs a^2 < 1, so a < 1, against a > 2: each sign case is infeasible (1 - a^2 > 0 with
    a > 2 by branch and bound, the other by -1 > 0). The proof names a, which enters nonlinearly (the
    message was built with sympy.Poly of the rational term, which raised).
    """
    game, (a,) = carrier_game((Parameter("a"),))
    region = Region(game)
    strict = [1 / (1 - a**2), a - 2]
    assert region.feasible(strict=strict).proven is False
    res = certify(region, strict=strict)
    assert not res.feasible and res.proven
    assert res.method == (
        "branch and bound over a with linear relaxations (proven); no counterexample among 20000 samples "
        "and the relaxations' optima"
    )


def test_simplified_conditions_drop_a_denominator_whose_sign_the_assumptions_fix():
    """a >= b (a, b of either sign): a - b >= 0 wherever c/(a - b) is defined, so it has the sign of c;
    c/(b - a) has the sign of -c. A polynomial (denominator 1) is left as it is; a/2 - c becomes a - 2c."""
    ps = (Parameter("a", sign="any"), Parameter("b", sign="any"), Parameter("c", sign="any"))
    game, (a, b, c) = carrier_game(ps, assumptions=[lambda a, b, c: a >= b])
    region = Region(game)
    assert sympy.expand(region.simplify_condition(c / (a - b)) - c) == 0
    assert sympy.expand(region.simplify_condition(c / (b - a)) + c) == 0
    assert region.simplify_condition(a + 1) == a + 1
    assert region.simplify_condition(R(1, 2) * a - c) == a - 2 * c  # over the positive denominator 2


def test_deciding_sign_cases_without_a_witness_returns_none():
    """1/(c - d) > 0 and c - d > 3: feasible (the case c - d > 0); witness=False asks for no witness."""
    game, (c, d) = carrier_game((Parameter("c", sign="any"), Parameter("d", sign="any")))
    res = Region(game).feasible(strict=[1 / (c - d), c - d - 3], witness=False)
    assert res.feasible and res.witness is None and res.method == "linear programming (by sign cases)"


def test_the_local_search_looks_outside_the_ranges_when_they_hold_nothing():
    """5000 < a b < 5000 + 1/1000 with b in [1/2, 1]: inside the ranges the search's bound on a is
    1000 |reference| = 1000, so a b <= 1000 there; outside them b may grow: a witness outside the ranges.
    """
    ps = (Parameter("a", value=1.0, sign="any"), Parameter("b", value=0.75, sign="any", range=(0.5, 1.0)))
    game, (a, b) = carrier_game(ps)
    strict = [a * b - 5000, 5000 + R(1, 1000) - a * b]
    res = certify(Region(game), strict=strict)
    assert res.feasible and res.proven and res.in_ranges is False
    assert res.method == "local optimisation of the smallest slack (12 starts)"
    assert witness_holds(game, (a, b), res.witness, strict)


def test_a_non_strict_condition_that_is_zero_on_a_whole_half_plane_is_feasible():
    """min(a, 0) >= 0 holds exactly when a >= 0 (a of either sign, reference -1): there min(a, 0) is 0, not
    positive, so only a sampler that accepts zeros finds it; min(b, 0) + 1 > 0 adds b > -1. The witness is
    checked exactly.
    """
    ps = (Parameter("a", value=-1.0, sign="any"), Parameter("b", value=-2.0, sign="any"))
    game, (a, b) = carrier_game(ps)
    strict, nonstrict = [sympy.Min(b, 0) + 1], [sympy.Min(a, 0)]
    res = Region(game).feasible(strict=strict, nonstrict=nonstrict)
    assert res.feasible and res.proven
    assert res.witness["a"] >= 0 and res.witness["b"] > -1
    assert witness_holds(game, (a, b), res.witness, strict, nonstrict)
    assert not Region(game).feasible(strict=[-a], nonstrict=nonstrict).feasible  # a < 0 and a >= 0


def test_evaluate_tree_computes_in_floating_point_also_for_integer_arrays():
    """Integer arrays are evaluated as doubles: a + b at a = b = 2^62 is 2^63 (in int64 the sum wraps to
    -2^63), and at a = 2^53, b = 1 it is 2^53 (2^53 + 1 is not a double; the tie rounds to even).
    """
    a, b = sympy.symbols("a b")
    big = np.array([2**62, 3], dtype=np.int64)
    out = evaluate_tree(a + b, {a: big, b: big}, 2)
    assert out.dtype == np.float64 and out.tolist() == [2.0**63, 6.0]
    assert evaluate_tree(a + b, {a: np.array([2**53]), b: np.array([1])}, 1).tolist() == [2.0**53]


def test_the_local_search_warns_nothing_where_a_condition_overflows_at_sample_points():
    """The band above with 2^1000 - c^1000 > 0 (c < 2) for 2 - c: c^1000 overflows at the sample points with
    c > 2^(1024/1000), about 2.03; the overflow is expected there and warns nothing.
    """
    game, (a, b, c) = thin_band_game()
    strict = [a * b - 1, 1 + R(1, 10**6) - a * b, 2**1000 - c**1000]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = certify(Region(game), strict=strict)
    assert res.feasible and res.method == "local optimisation of the smallest slack (12 starts)"
    assert witness_holds(game, (a, b, c), res.witness, strict) and 0 < res.witness["c"] < 2
