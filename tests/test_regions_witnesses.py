"""Witnesses and proofs of :mod:`govgame.analysis.regions` checked against facts derived here.

* Linear systems: the witness is the admissible point closest (L1, each coordinate scaled by
  ``max(|reference|, 1)``) to the reference values among those with at least half the largest slack
  (the rule of ``Region._lp``), inside the ranges whenever the ranges admit a solution; the oracle is
  ``scipy.optimize.linprog`` on a formulation written in this file and tests/region_oracle.py.
* Nonlinear systems that 20,000 samples cannot decide: infeasibility proved by branch and bound
  where a product bound derived by hand excludes every point; witnesses the relaxations' optima or
  the local search find, each checked in exact rational arithmetic here.
* Denominators, undefined constants, reference values, the sampling route.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from region_oracle import carrier_game, slack_rows, thin_band_game, witness_holds
from scipy.optimize import linprog

from govgame.analysis.regions import Region, certify
from govgame.model import Parameter

R = sympy.Rational


# --------------------------------------------------------------------------- linear systems: the closest witness
def _oracle_distance(game, syms, strict, nonstrict, within):
    """Smallest scaled L1 distance to the reference of a point with slack >= half the best slack (None if none)."""
    n = len(syms)
    ref = np.array([p.value for p in game.parameters])
    scale = np.maximum(np.abs(ref), 1.0)
    rows, rhs = slack_rows(game, syms, strict, nonstrict)  # over z = (p, t): A z <= b
    hull = {"positive": (0, 1e6), "nonnegative": (0, 1e6), "negative": (-1e6, 0), "any": (-1e6, 1e6)}
    bounds = []
    for p in game.parameters:
        lo, hi = hull[p.sign]
        if within and p.range is not None:
            lo, hi = max(lo, p.range[0]), min(hi, p.range[1])
        bounds.append((lo, hi))
    best = linprog([0.0] * n + [-1.0], A_ub=rows, b_ub=rhs, bounds=[*bounds, (None, 1.0)], method="highs")
    if best.status != 0 or -best.fun <= 1e-9:
        return None
    t_min = -best.fun / 2
    # z = (p, t, d): minimise sum d with d_i >= +-(p_i - ref_i) / scale_i
    rows2 = [r + [0.0] * n for r in rows]
    rhs2 = list(rhs)
    for i in range(n):
        for sgn in (1.0, -1.0):
            r = [0.0] * (2 * n + 1)
            r[i], r[n + 1 + i] = sgn / scale[i], -1.0
            rows2.append(r)
            rhs2.append(sgn * ref[i] / scale[i])
    res = linprog(
        [0.0] * (n + 1) + [1.0] * n,
        A_ub=rows2,
        b_ub=rhs2,
        bounds=[*bounds, (t_min, 1.0)] + [(0, None)] * n,
        method="highs",
    )
    assert res.status == 0
    return res.fun


def _distance(game, w):
    ref = np.array([p.value for p in game.parameters])
    v = np.array([w[p.name] for p in game.parameters])
    return float(np.sum(np.abs(v - ref) / np.maximum(np.abs(ref), 1.0)))


def _linear_cases():
    ps = (
        Parameter("a", value=1.0, sign="positive", range=(0.0, 10.0)),
        Parameter("b", value=5.0, range=(0.0, 10.0)),
        Parameter("c", value=2.0, sign="any", range=(-4.0, 4.0)),
        Parameter("d", value=-1.0, sign="negative", range=(-3.0, 0.0)),
    )
    game, (a, b, c, d) = carrier_game(ps)
    yield game, (a, b, c, d), [a - 2], []  # a up from 1: to 2.5 (half the best slack 1)
    yield game, (a, b, c, d), [2 - b, a + b - 1], []  # b down from 5
    yield game, (a, b, c, d), [1 - c, c - b + 2], [d + 2]  # c down, b down
    yield game, (a, b, c, d), [b - a - 6], [-c - d - 3]  # several coordinates move
    yield game, (a, b, c, d), [a - 12], []  # the ranges admit none: a witness outside them
    yield game, (a, b, c, d), [R(1, 1000) - a, b - 9], [c]  # a positive parameter kept small
    yield game, (a, b, c, d), [3 * a - 2 * c - 2], []  # c down (1/4 per unit of the condition) beats a up (1/3)
    rng = np.random.default_rng(5)
    for _ in range(6):
        cond = [int(rng.integers(-3, 4)) + sum(int(rng.integers(-2, 3)) * s for s in (a, b, c, d)) for _ in range(2)]
        yield game, (a, b, c, d), [g for g in cond if not sympy.sympify(g).is_number], []


@pytest.mark.parametrize("case", range(13))
def test_linear_witness_is_the_closest_point_with_half_the_best_slack(case):
    game, syms, strict, nonstrict = list(_linear_cases())[case]
    region = Region(game)
    res = region.feasible(strict=strict, nonstrict=nonstrict)
    inside = _oracle_distance(game, syms, strict, nonstrict, within=True)
    outside = _oracle_distance(game, syms, strict, nonstrict, within=False)
    assert res.feasible == (outside is not None), (strict, nonstrict, res)
    if not res.feasible:
        return
    assert res.method == "holds at the reference values" or "linear programming" in res.method
    assert witness_holds(game, syms, res.witness, strict, nonstrict), res.witness
    in_ranges = all(p.in_range(res.witness[p.name]) for p in game.parameters)
    assert res.in_ranges == in_ranges
    # inside the ranges whenever they admit a solution
    assert in_ranges == (inside is not None), (res, inside)
    want = inside if inside is not None else outside
    # the witness is rounded to 3 significant digits when that still satisfies everything
    slack = sum(0.006 * abs(v) / max(abs(p.value), 1.0) for p, v in zip(game.parameters, res.witness.values()))
    assert _distance(game, res.witness) == pytest.approx(want, abs=slack + 1e-9), (res.witness, want)


def test_a_positive_parameter_is_never_zero_in_a_linear_system():
    game, (a, b) = carrier_game((Parameter("a", value=1.0, sign="positive"), Parameter("b", value=1.0)))
    region = Region(game)
    assert not region.feasible(nonstrict=[-a]).feasible  # a > 0 and a <= 0
    game, (a, c) = carrier_game((Parameter("a", value=1.0, sign="positive"), Parameter("c", value=1.0, sign="any")))
    assert not Region(game).feasible(nonstrict=[c - a, -c]).feasible  # a <= c <= 0: no sign decides it alone
    game, (d, c) = carrier_game((Parameter("d", value=-1.0, sign="negative"), Parameter("c", value=1.0, sign="any")))
    assert not Region(game).feasible(nonstrict=[c + d, -c]).feasible  # -d <= c <= 0 with d < 0
    res = region.feasible(nonstrict=[-b])  # b = 0 is admissible
    assert res.feasible and res.witness == {"a": 1.0, "b": 0.0}


# --------------------------------------------------------------------------- reference values
def test_reference_values_of_each_sign_are_admissible_and_a_system_holding_there_keeps_them():
    ps = tuple(Parameter(f"p{i}", sign=s) for i, s in enumerate(("positive", "nonnegative", "negative", "any")))
    game, syms = carrier_game(ps)
    region = Region(game)
    assert all(p.sign_ok(v) for p, v in zip(ps, region.reference))
    strict = [syms[0] - R(1, 2), -syms[2] - R(1, 2)]
    res = region.feasible(strict=strict)
    # every condition holds at the reference: no point is closer
    assert res.feasible and _distance_to(region, res.witness) == 0.0 and witness_holds(game, syms, res.witness, strict)


def _distance_to(region, w):
    return float(np.abs(np.array([w[n] for n in region.names]) - region.reference).sum())


def test_a_tight_non_strict_assumption_leaves_the_reference_admissible():
    """b >= a holds with equality at the reference (1, 1): the reference is the closest witness."""
    ps = (Parameter("a", value=1.0), Parameter("b", value=1.0))
    game, (a, b) = carrier_game(ps, assumptions=[lambda a, b: b >= a])
    region = Region(game)
    res = region.feasible(strict=[a - R(99, 100)])
    assert res.feasible and res.witness == {"a": 1.0, "b": 1.0}
    assert not region.always(a - 1)  # the reference is a counterexample to a - 1 > 0
    # a strict assumption with a small margin at the reference: a > b at (1.2, 1)
    game, (a, b) = carrier_game(
        (Parameter("a", value=1.2), Parameter("b", value=1.0)), assumptions=[lambda a, b: a > b]
    )
    res = Region(game).feasible(strict=[a - R(1, 10)])
    assert res.feasible and res.witness == {"a": 1.2, "b": 1.0}


def test_nonlinear_parameters_stay_at_their_reference_values_in_the_linear_program():
    """p F + c > 3 and c < 10 with p, F fixed at (0.5, 0.001): c - 2.9995 > t and 10 - c > t.

    F's positivity holds at its fixed value and limits no slack: the best slack is 1 (the cap).
    """
    ps = (
        Parameter("p", value=0.5, range=(0.0, 1.0)),
        Parameter("F", value=0.001, sign="positive"),
        Parameter("c", value=1.0, sign="any"),
    )
    game, (p, F, c) = carrier_game(ps)
    region = Region(game)
    # 1 - pF = 0.9995 at the fixed values; the last condition is linear
    strict, nonstrict = [p * F + c - 3, 10 - c], [1 - p * F, 20 - c]
    res = region.feasible(strict=strict, nonstrict=nonstrict)
    assert res.feasible and witness_holds(game, (p, F, c), res.witness, strict, nonstrict)
    assert res.witness["p"] == 0.5 and res.witness["F"] == 0.001
    # the closest c with half the best slack: c - 2.9995 >= 0.5
    assert res.witness["c"] == pytest.approx(3.4995, rel=6e-3)


# --------------------------------------------------------------------------- denominators and undefined values
def test_a_denominator_of_either_sign_is_split_and_the_cases_are_decided_exactly():
    """1/(a - b) > 0 needs a > b, contradicting b > a: proven without sampling."""
    game, (a, b) = carrier_game((Parameter("a", sign="any"), Parameter("b", sign="any")))
    region = Region(game)
    res = region.feasible(strict=[1 / (a - b), b - a])
    assert not res.feasible and res.proven and "sampling" not in res.method
    res = region.feasible(strict=[1 / (a - b), a - b - 3])
    assert res.feasible and witness_holds(game, (a, b), res.witness, [1 / (a - b), a - b - 3])


def test_a_non_strict_ratio_with_a_positive_denominator_can_be_zero():
    """(a - 1)/(b + 1) >= 0 and 1 - a >= 0: only a = 1, where the ratio is 0."""
    game, (a, b) = carrier_game((Parameter("a", value=3.0), Parameter("b", value=1.0)))
    region = Region(game)
    res = region.feasible(nonstrict=[(a - 1) / (b + 1), 1 - a])
    assert res.feasible and res.witness["a"] == 1.0
    assert not region.feasible(strict=[(a - 1) / (b + 1)], nonstrict=[1 - a]).feasible


@pytest.mark.parametrize("value", [sympy.oo, -sympy.oo, sympy.zoo, sympy.nan])
def test_an_infinite_or_undefined_constant_condition_never_holds(value):
    game, (a,) = carrier_game((Parameter("a", value=1.0),))
    region = Region(game)
    assert not region.feasible(strict=[value]).feasible
    assert not region.feasible(nonstrict=[value]).feasible
    assert not region.feasible(strict=[a], nonstrict=[value]).feasible


# --------------------------------------------------------------------------- sampling
def test_sampled_witness_satisfies_every_condition_and_is_near_the_reference():
    """ab > 21/20 and a > 2b from (1, 1): the nearest such points are about 0.75 away (a ~ 1.45, b ~ 0.725)."""
    game, (a, b) = carrier_game((Parameter("a", value=1.0), Parameter("b", value=1.0)))
    region = Region(game)
    strict, nonstrict = [a * b - R(21, 20), a - 2 * b], [10 - a]
    res = region.feasible(strict=strict, nonstrict=nonstrict)
    assert (
        res.feasible
        and res.method.startswith("sampling")
        and witness_holds(game, (a, b), res.witness, strict, nonstrict)
    )
    # the sample is seeded: a new region of the same game finds the same witness
    assert Region(game).feasible(strict=strict, nonstrict=nonstrict).witness == res.witness
    # min |a - 1| + |b - 1| over a b >= 1.05, a >= 2 b: a = 2b, b = sqrt(0.525) ~ 0.7246, distance 0.7246
    assert 0.72 < _distance_to(region, res.witness) < 0.8


def test_sampling_covers_negative_parameters_and_says_it_proves_nothing():
    ps = (Parameter("a", value=1.0), Parameter("d", value=-1.0, sign="negative"))
    game, (a, d) = carrier_game(ps)
    region = Region(game)
    strict = [-a * d - 2, a + d]  # a |d| > 2, a > |d|: a = 2, d = -1.5 works
    res = region.feasible(strict=strict)
    assert res.feasible and witness_holds(game, (a, d), res.witness, strict) and res.witness["d"] < 0
    res = region.feasible(strict=[a * d + 1, -d - 1, a - 1])  # a |d| < 1 with a, |d| > 1: none
    assert not res.feasible and res.proven is False


# --------------------------------------------------------------------------- certificates
def test_product_bounds_prove_what_sampling_cannot():
    """a > 1, b > 1 force a b > 1; a > 1, c < -1 force a c < -1; a > 3/2 forces a^2 > 9/4."""
    game, (c, a, b) = carrier_game((Parameter("c", sign="negative"), Parameter("a"), Parameter("b")))
    region = Region(game)
    for strict in (
        [1 - a * b, a - 1, b - 1],
        [a * c + 1, a - 1, -c - 1],
        [c * a + 1, -c - 1, a - 1, b],
        [R(9, 4) - a**2, a - R(3, 2)],
        [a**2 - 3, R(3, 2) - a],  # a < 3/2 forces a^2 < 9/4 (an upper bound of a^2)
    ):
        first = region.feasible(strict=strict)
        assert not first.feasible and not first.proven
        res = certify(region, strict=strict)
        assert not res.feasible and res.proven and "branch and bound" in res.method, (strict, res)


def test_assumptions_make_a_product_always_positive_only_with_a_proof():
    """Under a > 2 and b > 1, a b > 2: 'always' needs the branch-and-bound proof of the opposite."""
    game, (a, b) = carrier_game(
        (Parameter("a", value=3.0), Parameter("b", value=2.0)), [lambda a, b: a > 2, lambda a, b: b > 1]
    )
    region = Region(game)
    assert region.always(a * b - 2)
    assert not region.always(a * b - 3)  # a = 2.5, b = 1.1 gives 2.75


def test_branch_and_bound_finds_witnesses_far_from_the_samples():
    """a b > 2000 with 1 < b < 2 needs a > 1000; a^2 > 2 with a < 1.41422 needs a in a band of width 6e-6."""
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    region = Region(game)
    for strict in ([a * b - 2000, 2 - b, b - 1], [a**2 - 2, R("1.41422") - a]):
        assert not region.feasible(strict=strict).feasible
        res = certify(region, strict=strict)
        assert res.feasible is True and res.proven and "branch and bound" in res.method, res
        assert witness_holds(game, (a, b), res.witness, strict), res.witness


def test_branch_and_bound_does_not_cap_parameters_that_it_does_not_split():
    """a b > 4e6 with a < 2 needs b > 2e6, beyond the linear programs' bound of 1e6: feasible all the same."""
    game, (a, b) = carrier_game((Parameter("a", range=(0.0, 2.0)), Parameter("b")))
    region = Region(game)
    strict = [a * b - 4_000_000, 2 - a]
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and witness_holds(game, (a, b), res.witness, strict), res


def test_no_proof_of_infeasibility_over_a_parameter_of_either_sign():
    """a^2 < 1e-12 (and a^2 <= 0) hold at a = 0; an interval bound of a^2 over a box around 0 must not exclude it."""
    game, (a,) = carrier_game((Parameter("a", sign="any"),))
    region = Region(game)
    for cond in ({"strict": [R(1, 10**12) - a**2]}, {"nonstrict": [-(a**2)]}):
        res = certify(region, **cond)
        assert res.feasible or not res.proven, (cond, res)
        if res.feasible:
            assert witness_holds(game, (a,), res.witness, **cond)


def test_local_search_finds_a_thin_band_inside_the_ranges():
    """1 < a b < 1 + 1e-6 for a, b of any sign (branch and bound declines them) with c in (1/2, 2)."""
    game, (a, b, c) = thin_band_game()
    region = Region(game)
    for strict, nonstrict in (
        ([a * b - 1, 1 + R(1, 10**6) - a * b, c - R(1, 2), 2 - c], []),
        ([a * b - 1, 1 + R(1, 10**6) - a * b], [c - R(1, 2), 2 - c]),
        ([], [a * b - 1 - R(1, 10**6), 1 + R(2, 10**6) - a * b, c - R(1, 2)]),  # non-strict only
    ):
        first = region.feasible(strict=strict, nonstrict=nonstrict)
        assert not first.feasible and first.proven is False
        res = certify(region, strict=strict, nonstrict=nonstrict)
        assert res.feasible is True and res.proven and "local optimisation" in res.method, res
        assert witness_holds(game, (a, b, c), res.witness, strict, nonstrict), res.witness
        assert res.in_ranges and all(p.in_range(res.witness[p.name]) for p in game.parameters)


def test_a_system_whose_only_solution_is_not_a_double_is_feasible_without_a_witness():
    """3a >= 1 and 3a <= 1: a = 1/3, which no float equals, so no witness passes the exact check."""
    game, (a,) = carrier_game((Parameter("a", value=1.0),))
    res = Region(game).feasible(nonstrict=[3 * a - 1, 1 - 3 * a])
    assert res.feasible and res.witness is None and res.method == "linear programming"
    assert not Region(game).feasible(nonstrict=[3 * a - 1], strict=[1 - 3 * a]).feasible


def test_a_witness_respects_a_non_strict_assumption():
    """a > 2 from the reference (1, 1) under b >= a: b must move with a (closest: a = b = 2.5)."""
    game, (a, b) = carrier_game((Parameter("a", value=1.0), Parameter("b", value=1.0)), [lambda a, b: b >= a])
    res = Region(game).feasible(strict=[a - 2])
    assert res.feasible and witness_holds(game, (a, b), res.witness, [a - 2]) and res.witness["b"] >= res.witness["a"]


def test_sampling_outside_the_ranges_evaluates_the_outer_points():
    """4 < a b < 5 with a, b in [0, 1]: no point of the ranges, but points of the wider sample."""
    ps = (Parameter("a", value=0.5, range=(0.0, 1.0)), Parameter("b", value=0.5, range=(0.0, 1.0)))
    game, (a, b) = carrier_game(ps)
    strict = [a * b - 4, 5 - a * b]
    res = Region(game).feasible(strict=strict)
    assert res.feasible and not res.in_ranges and witness_holds(game, (a, b), res.witness, strict)


def test_a_denominator_that_may_vanish_is_not_taken_as_signed():
    """a / b > 0 with b >= 0 (reference 0) needs b > 0; so does a / (-b - e) > 0 with b, e >= 0."""
    ps = (Parameter("a", value=-1.0, sign="any"), Parameter("b", value=0.0), Parameter("e", value=0.0))
    game, (a, b, e) = carrier_game(ps)
    region = Region(game)
    for g in (a / b, a / (-b - e)):
        res = region.feasible(strict=[g])
        assert res.feasible and witness_holds(game, (a, b, e), res.witness, [g]), (g, res)


def test_non_strict_products_are_proven_infeasible_box_by_box():
    """c <= -1, a >= 2 force a c <= -2, so a c >= -1 never holds (no strict condition: boxes are excluded
    because their relaxations are infeasible, not by a zero slack)."""
    game, (c, a) = carrier_game((Parameter("c", sign="negative"), Parameter("a")))
    region = Region(game)
    nonstrict = [a - 2, -c - 1, a * c + 1]
    assert not region.feasible(nonstrict=nonstrict).proven
    res = certify(region, nonstrict=nonstrict)
    assert not res.feasible and res.proven and "branch and bound" in res.method


def test_branch_and_bound_searches_beyond_the_ranges():
    """a b > 2000 with 1 < b < 2 needs a > 1000, outside a's range [0, 10]: a witness, marked outside."""
    game, (a, b) = carrier_game(
        (Parameter("a", value=5.0, range=(0.0, 10.0)), Parameter("b", value=1.5, sign="positive"))
    )
    region = Region(game)
    strict = [a * b - 2000, 2 - b, b - 1]
    res = certify(region, strict=strict)
    assert res.feasible and not res.in_ranges and witness_holds(game, (a, b), res.witness, strict)


def test_no_proof_of_infeasibility_with_a_multiplier_of_either_sign():
    """a c > 2000 with 1 < c < 2 (c of any sign) holds for a > 2000: never 'proven infeasible'."""
    game, (a, c) = carrier_game((Parameter("a", sign="positive"), Parameter("c", sign="any")))
    strict = [a * c - 2000, 2 - c, c - 1]
    res = certify(Region(game), strict=strict)
    assert res.feasible or res.proven is False, res
    if res.feasible:
        assert witness_holds(game, (a, c), res.witness, strict)


def test_a_sampled_witness_lies_in_the_ranges_when_they_hold_one():
    """a b > 9/10 with a, b in [0, 1]: the corner of the ranges holds witnesses; the wider sample would leave them."""
    ps = (Parameter("a", value=0.5, range=(0.0, 1.0)), Parameter("b", value=0.5, range=(0.0, 1.0)))
    game, (a, b) = carrier_game(ps)
    res = Region(game).feasible(strict=[a * b - R(9, 10)])
    assert res.feasible and res.in_ranges and all(p.in_range(res.witness[p.name]) for p in game.parameters)
    assert witness_holds(game, (a, b), res.witness, [a * b - R(9, 10)])


def test_branch_and_bound_splits_beyond_the_linear_programs_bound():
    """a b > 4e6 with 1 < b < 2 needs a > 2e6, beyond BOUND = 1e6: found all the same."""
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    strict = [a * b - 4_000_000, 2 - b, b - 1]
    res = certify(Region(game), strict=strict)
    assert res.feasible and witness_holds(game, (a, b), res.witness, strict) and res.witness["a"] > 2e6


def test_terms_add_up_repeated_monomials_with_irrational_coefficients():
    """sqrt(2) a + a stays two terms in sympy's tree; as a polynomial it is (1 + sqrt(2)) a."""
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    region = Region(game)
    g = sympy.sqrt(2) * a + a + 3 * b
    assert len(sympy.Add.make_args(g)) == 3
    terms = region.terms(g)
    assert set(terms) == {(1, 0), (0, 1)}
    assert sympy.simplify(terms[(1, 0)] - (1 + sympy.sqrt(2))) == 0 and terms[(0, 1)] == 3
