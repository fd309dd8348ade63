"""Rules of :mod:`govgame.analysis.regions` stated in its docstrings, each checked against a value derived by hand.

Conditions with a coefficient that is not a finite real number (they raised ``TypeError`` or ``ValueError``
before: a ``sympy.Poly`` fallback converted such a coefficient to a float).
"""

from __future__ import annotations

import math

import pytest
import sympy
from region_oracle import carrier_game, witness_holds

from govgame.analysis.regions import FEAS_TOL, Feasibility, Region, certify, together
from govgame.model import Parameter


def test_a_condition_with_a_non_real_or_infinite_coefficient_never_holds():
    """``I a``, ``I a b + a``: non-real for every real a != 0 and 0 at a = 0, so never > 0. ``oo a + b``,
    ``zoo a + b``: infinite or undefined wherever a != 0 and ``nan`` (``oo * 0``) at a = 0. None is an
    affine function; none holds anywhere, so ``g > 0`` is infeasible and ``g > 0`` is never always true.
    """
    game, (a, b) = carrier_game((Parameter("a", sign="any"), Parameter("b", sign="any")))
    for g in (sympy.I * a, sympy.I * a * b + a, sympy.oo * a + b, sympy.zoo * a + b, sympy.I * a * b**2):
        region = Region(game)
        assert region._linear(sympy.expand(g)) is None
        assert not region.feasible(strict=[g]).feasible
        assert not certify(region, strict=[g]).feasible
        assert region.always(g) is False


SIGN_SETS = ("positive", "nonnegative", "negative", "any")


def _affine_inf(const, terms):
    """Infimum of ``const + sum c p`` over the sign sets of its parameters and whether it is attained, by hand:
    a term ``c p`` is bounded below on its set unless c > 0 and p may go to -inf (negative, any), or c < 0 and
    p may go to +inf (positive, nonnegative, any); bounded below, its infimum is 0 (p -> 0), attained only
    where p may be 0 (nonnegative; any is unbounded both ways)."""
    attained = True
    for c, sign in terms:
        if c == 0:
            continue
        if sign == "any" or (c > 0) == (sign == "negative"):
            return -float("inf"), False
        attained = attained and sign == "nonnegative"
    return const, attained


def test_always_of_an_affine_function_over_the_signs_alone_equals_its_infimum_by_hand():
    """``always(g)`` for ``g = c0 + c1 p + c2 q`` and every pair of signs: ``g > 0`` everywhere iff the
    infimum is > 0, or is 0 and not attained; ``g >= 0`` everywhere iff the infimum is >= 0. Constants
    0 and 1/2 separate "> 0" from ">= 0" and from "> 1"."""
    R = sympy.Rational
    for s1 in SIGN_SETS:
        for s2 in SIGN_SETS:
            game, (p, q) = carrier_game((Parameter("p", sign=s1), Parameter("q", sign=s2)))
            region = Region(game)
            for c0 in (-1, 0, R(1, 2), 2):
                for c1 in (-1, 0, 1):
                    for c2 in (-1, 0, 2):
                        g = c0 + c1 * p + c2 * q
                        inf, attained = _affine_inf(c0, [(c1, s1), (c2, s2)])
                        strict = bool(inf > 0) or (inf == 0 and not attained)
                        assert region.always(g, strict=True) is strict, (g, s1, s2)
                        assert region.always(g, strict=False) is bool(inf >= 0), (g, s1, s2)


def test_a_reference_value_of_negative_zero_is_reported_as_zero():
    """A witness is a parameter table (JSON output): the reference a = -0.0 is reported as 0.0, not -0.0.

    b - a > 0 holds at the reference (a, b) = (-0.0, 1), so the reference itself is the witness.
    """
    game, (a, b) = carrier_game((Parameter("a", sign="any", value=1.0), Parameter("b", value=1.0)))
    res = Region(game, reference={"a": -0.0}).feasible(strict=[b - a])
    assert res.feasible and res.method == "holds at the reference values"
    assert res.witness == {"a": 0.0, "b": 1.0} and math.copysign(1.0, res.witness["a"]) == 1.0


def test_the_fixed_parameter_linear_program_keeps_every_condition():
    """a F + b > 5 and 16/5 - b > 0 with a, F nonlinear, fixed at their values (1, 2): 3 < b < 16/5.

    The best slack is 1/10 (b = 31/10), so the closest b with half of it, b - 3 >= 1/20, is b = 3.05 (the
    reference b = 1 lies below). Dropping or mixing up the second condition would allow b = 3.5, which
    violates it.
    """
    game, (a, b, F) = carrier_game(
        (Parameter("a", value=1.0), Parameter("b", value=1.0), Parameter("F", value=2.0, sign="positive"))
    )
    strict = [a * F + b - 5, sympy.Rational(16, 5) - b]
    res = Region(game).feasible(strict=strict)
    assert res.feasible and res.method == "linear programming with F, a at reference values"
    assert res.witness == {"a": 1.0, "b": 3.05, "F": 2.0}
    assert witness_holds(game, (a, b, F), res.witness, strict)


def test_a_denominator_inside_min_is_not_split_into_sign_cases():
    """``min(2, 1/a) > 1/2`` (a positive): the power ``1/a`` is a denominator, but ``together`` leaves it
    inside ``Min``, so the condition's own denominator is the number 1 and there is nothing to split: the
    system is decided as it is. By hand: it holds exactly for a < 2, at the reference a = 1 too;
    ``min(2, 1/a) >= 1`` holds for a <= 1, at a = 1 with equality; ``min(2, 1/a) > 2`` never holds (the
    minimum is at most 2).
    """
    game, (a, b) = carrier_game((Parameter("a", value=1.0, sign="positive"), Parameter("b", value=1.0)))
    region = Region(game)
    m = sympy.Min(2, 1 / a)
    for strict, nonstrict in (([m - sympy.Rational(1, 2)], []), ([], [m - 1])):
        res = region.feasible(strict=strict, nonstrict=nonstrict)
        assert res.feasible and res.method == "holds at the reference values"
        assert res.witness == {"a": 1.0, "b": 1.0}
    res = region.feasible(strict=[m - 2])
    assert not res.feasible and not res.proven
    assert res.method == "sampling (20000 points found none; not a proof)"


def test_a_rounded_sample_on_a_removable_pole_or_a_pole_of_a_non_strict_condition_is_never_a_witness():
    """k (c^2 - 1/4)/(c - 1/2) > 0 for k = 1..7 (2^7 sign cases: sampled as it is) is k (c + 1/2) > 0 for
    c != 1/2 and 0/0 (undefined) at c = 1/2, the reference; k/(c - 1/2)^2 >= 0 holds for c != 1/2 and is
    1/0 at the reference. The sample nearest the reference, rounded to 3 digits, is the pole: it is
    rejected, and the witness is a sample next to it.
    """
    game, (c,) = carrier_game((Parameter("c", value=0.5, range=(0.0, 1.0), sign="any"),))
    half = sympy.Rational(1, 2)
    for strict, nonstrict in (
        ([k * (c**2 - half**2) / (c - half) for k in range(1, 8)], []),
        ([], [k / (c - half) ** 2 for k in range(1, 8)]),
        ([], [k * (c**2 - half**2) / (c - half) for k in range(1, 8)]),
    ):
        res = Region(game).feasible(strict=strict, nonstrict=nonstrict)
        assert res.feasible and res.method == "sampling (20000 points)"
        assert res.witness["c"] != 0.5 and abs(res.witness["c"] - 0.5) < 1e-3
        assert witness_holds(game, (c,), res.witness, strict, nonstrict)


def test_a_strict_linear_system_needs_a_best_slack_above_feas_tol():
    """a > 0 and s - a > 0 (a of either sign): the best slack is s / 2, at a = s / 2. With s = 2 FEAS_TOL it
    is FEAS_TOL itself, which is not above FEAS_TOL: infeasible by the tolerance. With s = 4 FEAS_TOL it is
    2 FEAS_TOL: feasible, and the closest a to the reference 1 with half that slack is a = 3 FEAS_TOL (to the 3 digits it is rounded to).
    """
    game, (a,) = carrier_game((Parameter("a", sign="any", value=1.0),))
    res = Region(game).feasible(strict=[a, 2 * FEAS_TOL - a])
    assert res == Feasibility(False, None, "linear programming")
    strict = [a, 4 * FEAS_TOL - a]
    res = Region(game).feasible(strict=strict)
    assert res.feasible and res.method == "linear programming"
    assert res.witness["a"] == pytest.approx(3 * FEAS_TOL, rel=1e-3) and witness_holds(game, (a,), res.witness, strict)


def test_a_strict_sign_limits_the_slack_like_a_strict_condition():
    """a negative with a + s > 0, or a positive with s - a > 0: the sign a < 0 (a > 0) is a strict condition
    with slack -a (a), so the best slack is s / 2 again: infeasible for s = 2 FEAS_TOL, feasible for
    s = 4 FEAS_TOL: half that slack leaves FEAS_TOL <= |a| <= 3 FEAS_TOL, and the closest a to the reference
    (-1 or 1) is a = -+3 FEAS_TOL.
    """
    for sign, g in (("negative", lambda a, s: a + s), ("positive", lambda a, s: s - a)):
        game, (a,) = carrier_game((Parameter("a", sign=sign),))
        assert Region(game).feasible(strict=[g(a, 2 * FEAS_TOL)]) == Feasibility(False, None, "linear programming")
        res = Region(game).feasible(strict=[g(a, 4 * FEAS_TOL)])
        assert res.feasible and res.method == "linear programming"
        assert abs(res.witness["a"]) == pytest.approx(3 * FEAS_TOL, rel=1e-3)
        assert witness_holds(game, (a,), res.witness, [g(a, 4 * FEAS_TOL)])


def test_sampling_covers_values_near_zero_and_up_to_ten_times_the_reference_for_every_sign():
    """A parameter without a range is sampled over its sign's interval, up to 2 |reference| first and up to
    10 |reference| after that (|reference| >= 1). Nonlinear conditions that the linear program at the
    reference cannot decide (a^2 is 4 there): |a| < 1/10 holds near zero only, 15 < |a| < 20 only between
    7.5 and 10 times the reference 2; sampling finds both, each witness checked exactly.
    """
    for sign in SIGN_SETS:
        r = -2.0 if sign == "negative" else 2.0
        game, (a,) = carrier_game((Parameter("a", sign=sign, value=r),))
        for strict, lo, hi in (([sympy.Rational(1, 100) - a**2], 0.0, 0.1), ([a**2 - 225, 400 - a**2], 15.0, 20.0)):
            res = Region(game).feasible(strict=strict)
            assert res.feasible and res.method == "sampling (20000 points)", (sign, strict)
            assert witness_holds(game, (a,), res.witness, strict)
            assert lo < abs(res.witness["a"]) < hi


def test_branch_and_bound_bounds_every_product_and_keeps_linear_terms_of_either_sign_out_of_the_split():
    """c (1 - a) > 0, a^2 > 4, d + 1 > 0 with c >= 0, a > 0, d of either sign: c (1 - a) > 0 needs a < 1,
    a^2 > 4 needs a > 2, so no point satisfies both. Branch and bound splits a only (the one parameter of
    both products; d enters linearly and is never split); on a >= 1 the relaxation of c a (c a >= c, c >= 0)
    gives c (1 - a) <= 0, on a <= 1 the bound a^2 <= 1 excludes the second condition: proven.
    (Parameters in the order c, a, d, so that the product a^2 comes first among the sorted monomials.)
    """
    game, (c, a, d) = carrier_game(
        (Parameter("c", value=1.0), Parameter("a", value=1.0, sign="positive"), Parameter("d", sign="any"))
    )
    region = Region(game)
    strict = [c - c * a, a**2 - 4, d + 1]
    first = region.feasible(strict=strict)
    assert not first.feasible and not first.proven
    res = certify(region, strict=strict)
    assert not res.feasible and res.proven
    assert res.method.startswith("branch and bound over a, c with linear relaxations (proven)")


def test_parameters_of_non_polynomial_terms_and_of_squares_are_held_at_their_reference_values():
    """a^2 + exp(b - 1) + c > 5 (a, b, c >= 0, reference 1): a (a square) and b (inside exp) enter nonlinearly
    and are held at 1, leaving the linear program c > 3; its best slack is the cap 1, and the closest c with
    half of it is c = 3.5.
    """
    game, (a, b, c) = carrier_game((Parameter("a", value=1.0), Parameter("b", value=1.0), Parameter("c", value=1.0)))
    strict = [a**2 + sympy.exp(b - 1) + c - 5]
    res = Region(game).feasible(strict=strict)
    assert res.feasible and res.method == "linear programming with a, b at reference values"
    assert res.witness == {"a": 1.0, "b": 1.0, "c": 3.5}


def test_together_without_a_cache_is_sympys_together():
    """The module function works without a cache (a fresh one is used): the same as ``sympy.together``."""
    a, b = sympy.symbols("a b")
    for e in (1 / a + 1 / b, 1 / (1 / a + 1 / (a + b)), a + 1 / (b - 1) ** 2):
        assert together(e) == sympy.together(e)


def test_branch_and_bound_splits_each_parameter_of_a_proof_that_needs_both():
    """a^2 + b^2 < 1 and a + b > 2 (a, b > 0): (a + b)^2 <= 2 (a^2 + b^2) < 2, so a + b < sqrt 2: infeasible.

    The relaxation bounds a^2 and b^2 only through the boxes, so a proof must bound both a and b: boxes with
    a >= 1 or b >= 1 fail the first condition, boxes within [0, 1]^2 the second. Splitting the widest
    (first the unbounded) interval does that in a few boxes; splitting only one parameter never would.
    """
    game, (a, b) = carrier_game(
        (Parameter("a", value=1.0, sign="positive"), Parameter("b", value=1.0, sign="positive"))
    )
    region = Region(game)
    strict = [1 - a**2 - b**2, a + b - 2]
    assert not region.feasible(strict=strict).proven
    res = certify(region, strict=strict)
    assert not res.feasible and res.proven
    assert res.method.startswith("branch and bound over a, b with linear relaxations (proven)")


def test_a_thin_band_of_a_square_is_found_not_proven_empty():
    """a^2 > 1/4, 1 < b^2 < 1 + 10^-6 (a, b > 0): feasible, with b in (1, 1.0000005), a > 1/2. Samples miss
    the band; branch and bound bounds each square by its own parameter's box only (b^2 within [lo^2, hi^2]
    of b's box, whatever a's box is), so it never excludes the band, and a point in it is found (by the
    relaxations' optima or the local search) and checked exactly.
    """
    game, (a, b) = carrier_game(
        (Parameter("a", value=1.0, sign="positive"), Parameter("b", value=2.0, sign="positive"))
    )
    region = Region(game)
    strict = [a**2 - sympy.Rational(1, 4), b**2 - 1, 1 + sympy.Rational(1, 10**6) - b**2]
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and witness_holds(game, (a, b), res.witness, strict)


def test_branch_and_bound_goes_on_after_a_box_whose_relaxation_is_infeasible():
    """a b >= 1, a <= 4/5, b <= 2 (a, b >= 0; a bounded, so a is split): feasible, e.g. a = 4/5, b = 5/4.

    The relaxation of the whole box (w = a b with only w >= 0 known) has the optimum a = b = 0, w = 1, which
    fails a b >= 1, so a (unbounded) is split at 1 and the box a >= 1 is tried first: a <= 4/5 makes its
    relaxation infeasible. The solutions lie in the other box, so the search must go on there; stopping at the
    first infeasible box would call a feasible system infeasible ("proven", by branch and bound).
    """
    from govgame.analysis.regions import _branch_and_bound

    game, (a, b) = carrier_game(
        (Parameter("a", value=1.0, sign="nonnegative", range=(0.0, 4.0)), Parameter("b", value=1.0, sign="nonnegative"))
    )
    nonstrict = [a * b - 1, sympy.Rational(4, 5) - a, 2 - b]
    res = _branch_and_bound(Region(game), [], nonstrict)
    assert res is not None and res.feasible
    assert witness_holds(game, (a, b), res.witness, [], nonstrict)


def test_in_ranges_is_read_off_the_witness_not_the_sample_it_came_from():
    """b^2 > 9 with a in its range [0, 1] and b positive without a range (reference 1): the samples within the
    ranges draw b up to 2 and find none, the wider samples find b > 3. Such a witness lies inside every declared
    range (b has none), so ``in_ranges`` is True; with a > 2 as well, a leaves its range and it is False."""
    game, (a, b) = carrier_game(
        (Parameter("a", value=0.5, sign="positive", range=(0.0, 1.0)), Parameter("b", value=1.0, sign="positive"))
    )
    for strict, inside in (([b**2 - 9, a], True), ([b**2 - 9, a - 2], False)):
        for res in (Region(game).feasible(strict=strict), certify(Region(game), strict=strict)):
            assert (
                res.feasible and res.method.startswith("sampling") and witness_holds(game, (a, b), res.witness, strict)
            )
            assert res.witness["b"] > 3 and (0 <= res.witness["a"] <= 1) is inside
            assert res.in_ranges is inside
