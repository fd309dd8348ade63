"""The admissible parameter region: feasibility decisions, witnesses, conditions with denominators."""

import itertools

import numpy as np
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import symbolic_game

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, find_equilibria
from govgame.analysis.pipeline import analyze
from govgame.analysis.regions import Region
from govgame.model import Game, Parameter, Population


def _region_game(n=3, sign="nonnegative", value=1.0):
    params = tuple(Parameter(f"p{i}", value=value, sign=sign) for i in range(n))
    syms = [p.symbol for p in params]
    game = Game(
        "r",
        (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",))),
        params,
        {pr: (sum(syms), sympy.Integer(0)) for pr in itertools.product(("s", "t"), ("u", "v"))},
    )
    return game, syms


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-3, 3), min_size=4, max_size=4),
    st.lists(st.integers(-2, 2), min_size=3, max_size=3),
    st.booleans(),
)
def test_ratio_of_parameter_differences_is_decided_without_undefined_values(num, den, strict):
    """(a0 + a.p) / (p_i - p_j + ...) > 0 with every parameter at reference value 1, where the denominator vanishes.

    The decision agrees with a brute-force search: a point the search finds means feasible; a
    reported witness satisfies the condition exactly; "infeasible" (proven) means the search finds none.
    """
    game, syms = _region_game()
    region = Region(game)
    N = num[0] + sum(c * s for c, s in zip(num[1:], syms))
    D = syms[0] - syms[1] + sum(c * s for c, s in zip(den[1:], syms[1:]))
    g = N / D
    res = region.feasible(strict=[g]) if strict else region.feasible(nonstrict=[g])
    rng = np.random.default_rng(0)
    pts = rng.uniform(0, 6, size=(4000, 3))
    n_val = num[0] + pts @ np.array(num[1:], dtype=float)
    d_val = pts[:, 0] - pts[:, 1] + pts[:, 1:] @ np.array(den[1:], dtype=float)
    with np.errstate(all="ignore"):
        ratio = n_val / d_val
    ok = np.abs(d_val) > 1e-9
    seen = bool(np.any(ok & ((ratio > 1e-9) if strict else (ratio >= 0))))
    if seen:
        assert res.feasible, (g, res)
    if res.feasible and res.witness is not None:
        subs = {s: sympy.Rational(repr(res.witness[str(s)])) for s in syms}
        val = g.xreplace(subs)
        assert val.is_finite and (val > 0 if strict else val >= 0)
    if not res.feasible and res.proven:
        assert not seen


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([(2, 2), (2, 2, 2)]))
def test_games_whose_face_points_divide_by_parameter_differences_analyse(seed, shape):
    """All parameters at value 1: face points such as -a0/(a1 - a2) are undefined at the reference values.

    The analysis must not crash, and a closed-form point is reported at given values exactly when
    its existence conditions hold there.
    """
    game = symbolic_game(shape, seed=seed, equal_values=True)
    dyn = replicator(game)
    analyze(game)  # the whole pipeline at the (degenerate) reference values
    sym = [e for e in find_equilibria(dyn, budget=0.5) if e.kind is not Kind.PURE and not e.free and e.general]
    rng = np.random.default_rng(seed)
    for _ in range(3):
        values = {p.name: float(rng.integers(0, 6)) for p in game.parameters}
        subs = game.subs_map(values)
        numeric = [e for e in find_equilibria(dyn, params=values) if e.kind is not Kind.PURE and not e.free]
        for e in sym:
            pt = [c.xreplace(subs) for c in e.point]
            if any(not c.is_finite or not c.is_real for c in pt):
                continue  # the closed form is undefined at these values (a degenerate face)
            holds = all(bool(r.xreplace(subs)) for r in e.exists_if)
            found = any(np.allclose([float(c) for c in pt], n.numeric_point) for n in numeric)
            assert found == holds, (e.point, values)


def test_published_form_minus_c_over_difference_exists_exactly_when_signs_allow():
    """y* = -C4/(J - P) (the published three-party game's form) exists for some admissible values, not all."""
    c4, j, p = (Parameter(n) for n in ("C4", "J", "P"))
    C4, J, P = c4.symbol, j.symbol, p.symbol
    game = Game(
        "pub",
        (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",))),
        (c4, j, p),
        {
            ("s", "u"): (C4 + J, sympy.Integer(1)),
            ("s", "v"): (C4, sympy.Integer(0)),
            ("t", "u"): (P, sympy.Integer(0)),
            ("t", "v"): (sympy.Integer(0), sympy.Integer(1)),
        },
    )
    region = Region(game)
    y = -C4 / (J - P)
    inside = region.feasible(strict=[y, 1 - y])
    assert inside.feasible
    w = {k: sympy.Rational(repr(v)) for k, v in inside.witness.items()}
    val = y.xreplace({C4: w["C4"], J: w["J"], P: w["P"]})
    assert 0 < val < 1
    # y* > 1 needs C4 > P - J > 0; y* < 0 needs C4 > 0 and J > P: both possible, so never "always inside"
    assert not region.always(y) and not region.always(1 - y)
    # and with J > P assumed, y* = -C4/(J - P) <= 0 always: the point can never lie inside
    assumed = Game(
        game.name, game.populations, game.parameters, game.payoffs, assumptions=(sympy.StrictGreaterThan(J, P),)
    )
    assert not Region(assumed).feasible(strict=[y, 1 - y]).feasible


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-5, 5), st.lists(st.integers(0, 2), min_size=3, max_size=3)), min_size=0, max_size=6
    ),
    st.sampled_from([sympy.Integer(1), sympy.Rational(3, 7), sympy.sqrt(2)]),
)
def test_terms_read_off_the_tree_agree_with_sympy_poly(monomials, scale):
    """Region.terms (no Poly construction) equals Poly(g, *parameters).terms(), in order; the affine parts and the
    nonlinear parameters derived from it agree with the same quantities computed through Poly."""
    game, syms = _region_game()
    region = Region(game)
    g = sympy.expand(scale * sum(c * syms[0] ** a * syms[1] ** b * syms[2] ** e for c, (a, b, e) in monomials))
    terms = region.terms(g)
    assert terms is not None
    poly = sympy.Poly(g, *syms)
    assert list(terms.items()) == [(m, c) for m, c in poly.terms() if c != 0]
    lin = region._linear(g)
    if poly.total_degree() <= 1:
        assert lin is not None
        assert lin[0] == float(poly.coeff_monomial(1))
        assert list(lin[1]) == [float(poly.coeff_monomial(s)) for s in syms]
    else:
        assert lin is None
    expected = {s for m in poly.monoms() if sum(m) > 1 for s, e in zip(syms, m) if e}
    assert region._nonlinear_of(g) == expected
    assert region._nonlinear_symbols([g]) == expected
    # not expanded polynomials and rational functions are not read off the tree (the callers expand first)
    assert region.terms(syms[0] * (syms[1] + 1)) is None
    assert region.terms(syms[0] / (syms[1] + 1)) is None
    assert region._nonlinear_symbols([1 / syms[0] + syms[1]]) == {syms[0]}


@settings(max_examples=30, deadline=None)
@given(st.integers(-3, 3), st.integers(-3, 3), st.integers(-4, 4), st.booleans())
def test_deciding_without_a_witness_agrees_with_deciding_with_one(a, b, c, strict):
    """Nonlinear systems (a product of parameters) are decided by a linear program with the product's parameters
    fixed; witness=False accepts any exactly checked point of it, witness=True the closest one: same decision."""
    game, syms = _region_game(sign="any", value=0.5)
    p0, p1, p2 = syms
    g = sympy.expand(a * p0 * p1 + b * p2 + c)
    h = sympy.expand(1 - p0 * p1 + p2)
    kind = "strict" if strict else "nonstrict"
    without = Region(game).feasible(**{kind: [g, h]}, witness=False)
    with_witness = Region(game).feasible(**{kind: [g, h]})
    assert without.feasible == with_witness.feasible
    assert without.proven == with_witness.proven
    for res in (without, with_witness):
        if res.witness is not None:
            subs = {s: sympy.Rational(repr(res.witness[str(s)])) for s in syms}
            vals = [e.xreplace(subs) for e in (g, h)]
            assert all(v > 0 if strict else v >= 0 for v in vals), (res, vals)
