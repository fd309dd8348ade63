"""Rules of :mod:`govgame.analysis.regions` stated in its docstrings, each checked against a value derived by hand.

Conditions with a coefficient that is not a finite real number (they raised ``TypeError`` or ``ValueError``
before: a ``sympy.Poly`` fallback converted such a coefficient to a float).
"""

from __future__ import annotations

import sympy
from region_oracle import carrier_game

from govgame.analysis.regions import Region, certify
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
