"""The routes of :mod:`govgame.analysis.regions`, each pinned by what it promises, derived by hand here.

* ``method``: the sentence a result carries reaches the JSON and text output, so each route's sentence is
  pinned word for word, written from what the route does (module docstring of ``regions``): an exact
  constant, the parameters' sign assumptions, the reference values, linear programming (with the
  parameters that enter nonlinearly held at their reference values), sampling, the sign cases of a
  denominator, branch and bound, local optimisation.
* Paths that few systems reach: more sign cases than ``MAX_SIGN_CASES`` (the rational system sampled as it
  is, a pole next to the reference), a denominator of fixed negative sign, a reference outside its range,
  the local search's bound for a reference above 1, products that only a parameter's strict sign makes
  infeasible, undefined values evaluated without numpy warnings.

Every witness is checked in exact rational arithmetic (``region_oracle.witness_holds``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import sympy
from region_oracle import carrier_game, witness_holds

from govgame.analysis.regions import (
    MAX_SIGN_CASES,
    SAMPLES,
    Feasibility,
    Region,
    as_condition,
    certify,
    evaluate_tree,
)
from govgame.model import Parameter

R = sympy.Rational


@pytest.fixture(scope="module")
def abf():
    """a, b >= 0 (reference 1) and F > 0 (reference 2)."""
    game, syms = carrier_game(
        (Parameter("a", value=1.0), Parameter("b", value=1.0), Parameter("F", value=2.0, sign="positive"))
    )
    return game, syms, Region(game)


# --------------------------------------------------------------------------- the method of each route
def test_constant_conditions_are_decided_exactly(abf):
    game, _, region = abf
    for cond in ({"strict": [R(-1)]}, {"strict": [sympy.Integer(0)]}, {"nonstrict": [R(-1, 2)]}):
        assert region.feasible(**cond) == _infeasible("exact"), cond
    # 0 >= 0 holds: nothing is left to decide, and the reference values are a witness
    res = region.feasible(nonstrict=[sympy.Integer(0)])
    assert res.feasible and res.witness == {"a": 1.0, "b": 1.0, "F": 2.0}
    assert res.method == "holds at the reference values" and res.proven and res.in_ranges


def _infeasible(method, proven=True):
    return Feasibility(False, None, method, True, proven)


def test_a_sign_assumption_that_contradicts_a_condition_decides_it(abf):
    """-a > 0 with a >= 0, and -F >= 0 with F > 0: sympy's assumptions on the symbols settle both."""
    _, (a, b, F), region = abf
    assert region.feasible(strict=[-a]) == _infeasible("sign assumptions")
    assert region.feasible(nonstrict=[-F]) == _infeasible("sign assumptions")
    # -a >= 0 is not contradicted (a = 0 is admissible)
    res = region.feasible(nonstrict=[-a])
    assert res.feasible and res.witness["a"] == 0.0


def test_linear_witness_and_the_linear_program_with_fixed_nonlinear_parameters(abf):
    """a > 3 from a = 1: the best slack is the cap 1, half of it is kept: a = 3.5, the others stay.

    a F + b > 5: a and F enter nonlinearly and stay at (1, 2), so b - 3 > t: b = 3.5 the same way.
    """
    game, (a, b, F), region = abf
    res = region.feasible(strict=[a - 3])
    assert res.feasible and res.method == "linear programming" and res.proven and res.in_ranges
    assert res.witness == {"a": 3.5, "b": 1.0, "F": 2.0}
    res = region.feasible(strict=[a * F + b - 5])
    assert res.feasible and res.method == "linear programming with F, a at reference values"
    assert res.witness == {"a": 1.0, "b": 3.5, "F": 2.0} and res.proven and res.in_ranges


def test_a_non_strict_condition_that_the_fixed_values_make_zero_still_holds(abf):
    """a F >= 2 is a F - 2 = 0 at (1, 2), which a non-strict condition allows: the linear program in b decides
    b > 3 (b = 3.5 as above), with or without a witness asked for (a point checked exactly is needed either way,
    so one is returned even then).
    """
    game, (a, b, F), region = abf
    strict, nonstrict = [b - 3], [a * F - 2]
    for witness in (True, False):
        res = Region(game).feasible(strict=strict, nonstrict=nonstrict, witness=witness)
        assert res.feasible and res.method == "linear programming with F, a at reference values", res
        assert witness_holds(game, (a, b, F), res.witness, strict, nonstrict)
        assert res.witness["a"] == 1.0 and res.witness["F"] == 2.0
        if witness:  # the closest point with half the best slack; without, any exactly checked point
            assert res.witness["b"] == 3.5


def test_always_non_strict_under_non_strict_assumptions():
    """a >= 2, b >= 1: a b >= 2 everywhere, with equality at (2, 1), so a b > 2 is not always; a b >= 3 fails
    there too. The counterexample systems are nonlinear: only a proof or a point settles them.
    """
    game, (a, b) = carrier_game(
        (Parameter("a", value=3.0), Parameter("b", value=2.0)), [lambda a, b: a >= 2, lambda a, b: b >= 1]
    )
    region = Region(game)
    assert region.always(a * b - 2, strict=False)
    assert not region.always(a * b - 2)
    assert not region.always(a * b - 3, strict=False)


def test_sampling_says_what_it_tried(abf):
    game, (a, b, F), region = abf
    strict = [a * b - R(21, 20), a - 2 * b]
    res = region.feasible(strict=strict)
    assert res.feasible and res.proven and res.method == f"sampling ({SAMPLES} points)"
    assert witness_holds(game, (a, b, F), res.witness, strict)
    # a b > 1 and a b < 1 - 1/10^9: nothing holds, and sampling says that this proves nothing
    res = region.feasible(strict=[a * b - 1, 1 - R(1, 10**9) - a * b])
    assert res == _infeasible(f"sampling ({SAMPLES} points found none; not a proof)", proven=False)


def test_the_method_names_the_sign_cases_of_a_denominator():
    """1/(c - d) > 0 splits into c - d > 0 (with 1 > 0) and d - c > 0 (with -1 > 0, false at once)."""
    game, (c, d) = carrier_game((Parameter("c", sign="any"), Parameter("d", sign="any")))
    region = Region(game)
    strict = [1 / (c - d), c - d - 3]
    res = region.feasible(strict=strict)
    # the first case: c - d > 3 from (1, 1), half the capped slack 1 kept: c = 4.5
    assert res.feasible and res.method == "linear programming (by sign cases)" and res.proven
    assert res.witness == {"c": 4.5, "d": 1.0} and witness_holds(game, (c, d), res.witness, strict)
    # with d - c > 0: the first case is infeasible by linear programming, the second by the constant -1
    res = region.feasible(strict=[1 / (c - d), d - c])
    assert res == _infeasible("exact; linear programming (2 sign cases of the denominators)")


def test_a_case_left_to_sampling_leaves_the_whole_system_unproven():
    """1/(1 - a b) > 0 with a, b > 1: the case 1 - a b > 0 is sampled (none), the other is -1 > 0.

    Certified: a, b > 1 give a b > 1, so no case holds; the proof names the parameters of the product.
    """
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    region = Region(game)
    strict = [1 / (1 - a * b), a - 1, b - 1]
    res = region.feasible(strict=strict)
    assert res == _infeasible(
        f"exact; sampling ({SAMPLES} points found none; not a proof) (2 sign cases of the denominators)", proven=False
    )
    res = certify(region, strict=strict)
    assert res == _infeasible(
        "branch and bound over a, b with linear relaxations (proven); no counterexample among 20000 samples "
        "and the relaxations' optima"
    )


def test_the_certificates_say_how_they_decided(abf):
    game, (a, b, F), region = abf
    # a, b > 1 force a b > 1
    res = certify(region, strict=[1 - a * b, a - 1, b - 1])
    assert res == _infeasible(
        "branch and bound over a, b with linear relaxations (proven); no counterexample among 20000 samples "
        "and the relaxations' optima"
    )
    # a b > 2000 with 1 < b < 2: a > 1000, far beyond the samples
    strict = [a * b - 2000, 2 - b, b - 1]
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and res.in_ranges and witness_holds(game, (a, b, F), res.witness, strict)
    assert res.method == "branch and bound (a relaxation's optimum satisfies the conditions)"


def test_an_inconclusive_certificate_says_so():
    """c d > 1 and c d < 0 never hold together; c, d of either sign: branch and bound declines, local search fails."""
    game, (c, d) = carrier_game((Parameter("c", sign="any"), Parameter("d", sign="any")))
    res = certify(Region(game), strict=[c * d - 1, -c * d])
    assert res == _infeasible(
        f"sampling ({SAMPLES} points found none; not a proof); local optimisation from 12 starts found none; "
        "branch and bound inconclusive (not proven)",
        proven=False,
    )


def test_an_equation_is_not_a_condition():
    a, b = sympy.symbols("a b")
    with pytest.raises(TypeError, match=r"^not an inequality: Eq\(a, b\)$"):
        as_condition(sympy.Eq(a, b))


def test_deciding_without_a_witness_twice_gives_the_same_answer(abf):
    _, (a, b, F), region = abf
    region = Region(region.game)
    for cond, want in (({"strict": [a - 2]}, True), ({"strict": [2 - a, a - 3]}, False)):
        first = region.feasible(**cond, witness=False)
        again = region.feasible(**cond, witness=False)
        assert first == again and first.feasible is want and first.witness is None
        assert region.feasible(**cond).feasible is want


# --------------------------------------------------------------------------- rarely reached paths
def test_a_denominator_of_fixed_negative_sign_flips_the_condition():
    """e < 0: 1/e > 0 never holds (the case is -1 > 0), -1/e > 0 always (at the reference e = -1)."""
    game, (e,) = carrier_game((Parameter("e", value=-1.0, sign="negative"),))
    region = Region(game)
    assert region.feasible(strict=[1 / e]) == _infeasible("exact")
    res = region.feasible(strict=[-1 / e])
    assert res.feasible and res.witness == {"e": -1.0} and res.method == "holds at the reference values"
    assert region.always(-1 / e) and not region.always(1 / e, strict=False)


def test_more_sign_cases_than_allowed_are_sampled_as_they_are_and_a_pole_is_never_a_witness():
    """k/(c - 1/2)^2 > 0 for k = 1..7: each undecided denominator doubles the cases, 2^7 > MAX_SIGN_CASES.

    Every c but 1/2 satisfies the system, and the reference is 1/2, the pole: the sampled witness is the
    sample point nearest 1/2, which rounded to 3 (or 6) significant digits would be the pole itself.
    """
    assert 2**7 > MAX_SIGN_CASES
    game, (c,) = carrier_game((Parameter("c", value=0.5, range=(0.0, 1.0), sign="any"),))
    region = Region(game)
    strict = [k / (c - R(1, 2)) ** 2 for k in range(1, 8)]
    res = region.feasible(strict=strict)
    assert res.feasible and res.proven and res.in_ranges and res.method == f"sampling ({SAMPLES} points)"
    assert res.witness["c"] != 0.5 and abs(res.witness["c"] - 0.5) < 1e-3
    assert witness_holds(game, (c,), res.witness, strict)


def test_a_reference_outside_its_range_is_moved_into_it_before_distances_are_scaled():
    """25 - a - 15 b > 0 with a, b in [0, 10] and the reference (20, 1): a is held at 10, the nearest value
    of its range, and each coordinate's distance is scaled by max(|that value|, 1).

    Half the capped slack: a + 15 b <= 24.5. Lowering a by 0.5 costs 0.5 / 10 = 0.05; lowering b by
    1/30 costs 1/30 < 0.05: the witness is a = 10, b = 29/30, rounded to 0.967 (10 + 14.505 < 25).
    (Scaled by the reference 20 itself, lowering a would cost 0.025 and win.)
    """
    ps = (Parameter("a", value=5.0, range=(0.0, 10.0)), Parameter("b", value=1.0, range=(0.0, 10.0)))
    game, (a, b) = carrier_game(ps)
    res = Region(game, reference={"a": 20.0, "b": 1.0}).feasible(strict=[25 - a - 15 * b])
    assert res.feasible and res.in_ranges and res.method == "linear programming"
    assert res.witness == {"a": 10.0, "b": 0.967}


def test_the_local_search_may_go_a_thousand_times_beyond_a_reference_above_one():
    """5000 < a b < 5000 + 1/1000 with b in [1/2, 2] needs a >= 2500: within 1000 |reference| = 10^4 of a
    (reference 10), so the band is found inside b's range, not only outside it. a, b of either sign:
    branch and bound declines, samples (|a| <= 100) are far from the band.
    """
    ps = (Parameter("a", value=10.0, sign="any"), Parameter("b", value=1.0, sign="any", range=(0.5, 2.0)))
    game, (a, b) = carrier_game(ps)
    region = Region(game)
    strict = [a * b - 5000, 5000 + R(1, 1000) - a * b]
    assert region.feasible(strict=strict).proven is False
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and res.in_ranges and 0.5 <= res.witness["b"] <= 2.0
    assert res.method == "local optimisation of the smallest slack (12 starts)"
    assert witness_holds(game, (a, b), res.witness, strict)


def test_a_product_that_only_a_strict_sign_keeps_positive_is_proven_by_branch_and_bound():
    """-a b >= 0 and b >= 1 with a > 0: a b >= a > 0, so no point; without a's strict sign a = 0 would do.

    No strict condition: only a's positivity gives the relaxations a slack to lose.
    """
    game, (a, b) = carrier_game((Parameter("a", sign="positive"), Parameter("b")))
    region = Region(game)
    nonstrict = [-a * b, b - 1]
    assert region.feasible(nonstrict=nonstrict).proven is False
    res = certify(region, nonstrict=nonstrict)
    assert res == _infeasible(
        "branch and bound over a, b with linear relaxations (proven); no counterexample among 20000 samples "
        "and the relaxations' optima"
    )
    # with a >= 0 instead, a = 0 is a witness
    game0, (a0, b0) = carrier_game((Parameter("a"), Parameter("b")))
    res = certify(Region(game0), nonstrict=[-a0 * b0, b0 - 1])
    assert res.feasible and witness_holds(game0, (a0, b0), res.witness, [], [-a0 * b0, b0 - 1])


def test_undefined_values_are_nan_without_numpy_warnings():
    """1/A + log A at 0, -1 and 2: undefined, undefined, 1/2 + log 2; no warning reaches the caller."""
    A = sympy.Symbol("A", real=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        v = evaluate_tree(1 / A + sympy.log(A), {A: np.array([0.0, -1.0, 2.0])}, 3)
    assert np.isnan(v[0]) and np.isnan(v[1]) and v[2] == pytest.approx(0.5 + np.log(2.0), rel=1e-15)


@pytest.mark.parametrize(
    "make",
    [
        lambda c, a, b: [1 - c**2, -c - 2],  # c < -2 gives c^2 > 4
        lambda c, a, b: [c**3 + 8, -c - 2],  # c < -2 gives c^3 < -8 (an odd power of a negative box)
        lambda c, a, b: [a**2 * b - 8, 2 - a, 2 - b],  # a, b < 2 give a^2 b < 8 (a square times a parameter)
    ],
)
def test_powers_of_negative_and_of_multiplied_parameters_are_proven_infeasible(make):
    game, (c, a, b) = carrier_game((Parameter("c", sign="negative"), Parameter("a"), Parameter("b")))
    region = Region(game)
    strict = make(c, a, b)
    assert region.feasible(strict=strict).proven is False
    res = certify(region, strict=strict)
    assert not res.feasible and res.proven and res.method.startswith("branch and bound over "), res


def test_a_square_times_a_parameter_far_beyond_the_samples_is_found():
    """a^2 b > 10^7 with 1 < b < 2 needs a > 2236, far beyond every sample (|a| <= 10)."""
    game, (a, b) = carrier_game((Parameter("a"), Parameter("b")))
    region = Region(game)
    strict = [a**2 * b - 10**7, 2 - b, b - 1]
    assert not region.feasible(strict=strict).feasible
    res = certify(region, strict=strict)
    assert res.feasible and res.proven and witness_holds(game, (a, b), res.witness, strict)
    assert res.witness["a"] > 2236
