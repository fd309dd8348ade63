"""What the tests of :mod:`govgame.analysis.regions` share: the game that carries the parameters, the rows
of a linear program written independently of the module, and the exact check of a witness.

Used by ``test_regions_oracles.py`` and ``test_regions_witnesses.py``.
"""

from __future__ import annotations

import itertools

import sympy

from govgame.analysis.regions import as_condition
from govgame.model import Game, Population


def carrier_game(params, assumptions=()):
    """A 2x2 game whose only role is to carry ``params`` (and relations between them); returns it and the symbols."""
    syms = [p.symbol for p in params]
    game = Game(
        "r",
        (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",))),
        tuple(params),
        {pr: (sum(syms), sympy.Integer(0)) for pr in itertools.product(("s", "t"), ("u", "v"))},
        assumptions=tuple(a(*syms) for a in assumptions),
    )
    return game, syms


def thin_band_game():
    """The carrier game of ``a``, ``b`` (either sign, value 1, range [1/2, 2]) and ``c`` (positive, value 1,
    range [0, 3]) that the thin-band tests (``1 < a b < 1 + 10^-6``) share; returns ``(game, (a, b, c))``."""
    from govgame.model import Parameter

    return carrier_game(
        (
            Parameter("a", sign="any", value=1.0, range=(0.5, 2.0)),
            Parameter("b", sign="any", value=1.0, range=(0.5, 2.0)),
            Parameter("c", value=1.0, sign="positive", range=(0.0, 3.0)),
        )
    )


def slack_rows(game, syms, strict=(), nonstrict=()):
    """Rows ``A [p, t] <= b`` of the affine conditions, the parameters' signs and the game's assumptions.

    The last column is the slack ``t``: a strict condition reads ``g >= t``, a non-strict one ``g >= 0``;
    maximising ``t`` (capped) decides whether the system can hold. Returns ``(rows, rhs)`` as lists.
    """
    rows, rhs = [], []

    def add(g, is_strict):
        poly = sympy.Poly(sympy.expand(g), *syms)
        coef = [float(poly.coeff_monomial(s)) for s in syms]
        rows.append([-c for c in coef] + [1.0 if is_strict else 0.0])  # -(c.p) + t <= const
        rhs.append(float(poly.coeff_monomial(1)))

    for g in strict:
        add(g, True)
    for h in nonstrict:
        add(h, False)
    for p, s in zip(game.parameters, syms):
        if p.sign == "positive":
            add(s, True)
        elif p.sign == "nonnegative":
            add(s, False)
        elif p.sign == "negative":
            add(-s, True)
    for rel in game.assumptions:
        g, is_strict = as_condition(rel)
        add(g, is_strict)
    return rows, rhs


def witness_holds(game, syms, w, strict=(), nonstrict=()):
    """Exact check of a witness: signs, assumptions, ``g > 0`` and ``h >= 0`` in rational arithmetic."""
    at = {s: sympy.Rational(repr(float(w[p.name]))) for s, p in zip(syms, game.parameters)}
    ok = all(p.sign_ok(float(w[p.name])) for p in game.parameters)
    ok = ok and all(bool(sympy.sympify(g).xreplace(at) > 0) for g in strict)
    ok = ok and all(bool(sympy.sympify(h).xreplace(at) >= 0) for h in nonstrict)
    return ok and all(bool(rel.xreplace(at)) for rel in game.assumptions)
