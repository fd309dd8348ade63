"""The margin of the slack decisions (``regions.FEAS_TOL``), as the module's docstring states it.

A system counts as infeasible on the linear-programming and branch-and-bound routes when no
admissible point satisfies its strict conditions and strict signs with a margin above ``FEAS_TOL``;
these tests pin that documented limit with systems whose largest margin is known in closed form.
"""

from __future__ import annotations

import sympy
from region_oracle import carrier_game

from govgame.analysis.regions import FEAS_TOL, Region, certify
from govgame.model import Parameter


def _one(sign="any", rng=None):
    game, (a,) = carrier_game((Parameter("a", value=1.0, sign=sign, range=rng),))
    return Region(game), a


def test_a_linear_band_thinner_than_the_margin_counts_as_empty():
    region, a = _one()
    # 0 < a < w: the largest margin is w / 2 (at a = w / 2)
    thin = sympy.Float(FEAS_TOL)  # margin FEAS_TOL / 2
    res = region.feasible(strict=[a, thin - a])
    assert not res.feasible and res.proven and res.witness is None
    wide = sympy.Float(100 * FEAS_TOL)  # margin 50 FEAS_TOL
    res = region.feasible(strict=[a, wide - a])
    assert res.feasible and 0 < res.witness["a"] < 100 * FEAS_TOL


def test_non_strict_conditions_need_no_margin():
    region, a = _one()
    res = region.feasible(nonstrict=[a, -a])  # only a = 0
    assert res.feasible and res.witness == {"a": 0.0}


def test_a_strict_sign_needs_the_margin_too():
    region, a = _one(sign="positive")
    # a > 0 by its sign and a < FEAS_TOL / 4: the margin is at most FEAS_TOL / 8
    res = region.feasible(strict=[sympy.Float(FEAS_TOL / 4) - a])
    assert not res.feasible and res.proven
    res = region.feasible(strict=[sympy.Float(1e3 * FEAS_TOL) - a])
    assert res.feasible and 0 < res.witness["a"] < 1e3 * FEAS_TOL


def test_a_polynomial_band_thinner_than_the_margin_is_proven_empty_by_branch_and_bound():
    """0 < a b < FEAS_TOL with a, b positive in [1, 2]: every point has margin below FEAS_TOL. Sampling
    cannot find one (a b >= 1 on the ranges, and outside them a b < 1e-9 needs a tiny share), so
    ``certify`` decides it by branch and bound, which says "proven" with the documented margin."""
    game, (a, b) = carrier_game(
        (
            Parameter("a", value=1.0, sign="positive", range=(1.0, 2.0)),
            Parameter("b", value=1.0, sign="positive", range=(1.0, 2.0)),
        )
    )
    region = Region(game)
    res = certify(region, strict=[a * b, sympy.Float(FEAS_TOL) - a * b])
    assert not res.feasible and res.proven and "branch and bound" in res.method
