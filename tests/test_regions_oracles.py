"""Feasibility of parameter conditions against a linear program written in the tests, witnesses checked exactly.

Oracle: for linear conditions, ``scipy.optimize.linprog`` on a formulation of tests/region_oracle.py (maximise a slack
``t`` with every strict condition, strict sign and strict assumption ``>= t``, the non-strict ones ``>= 0``)
decides feasibility; every witness :class:`Region` returns is checked in exact rational arithmetic against
the conditions, the parameters' signs and the assumptions; "always" claims are checked against the oracle
of the opposite system, and sign-preserving simplification against sampled values.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from region_oracle import carrier_game, slack_rows, witness_holds
from scipy.optimize import linprog

from govgame.analysis.regions import Region, as_condition, certify
from govgame.model import Parameter

SIGNS = ("positive", "nonnegative", "negative", "any")


def _game(signs, assumptions=(), values=None):
    params = tuple(Parameter(f"p{i}", value=None if values is None else values[i], sign=s) for i, s in enumerate(signs))
    return carrier_game(params, assumptions)


def _lp_feasible(game, syms, strict, nonstrict, bound=1e4):
    """Feasible iff the largest slack t (capped at 1) is positive; |p| <= bound."""
    n = len(syms)
    rows, rhs = slack_rows(game, syms, strict, nonstrict)  # A [p, t] <= b
    res = linprog([0.0] * n + [-1.0], A_ub=rows, b_ub=rhs, bounds=[(-bound, bound)] * n + [(None, 1.0)], method="highs")
    return res.status == 0 and -res.fun > 1e-9


def _random_systems(seed, n=40):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        k = int(rng.integers(2, 4))
        signs = tuple(rng.choice(SIGNS) for _ in range(k))
        assumptions = [(lambda *s: s[0] < s[1])] if rng.random() < 0.4 else []
        if assumptions and isinstance(assumptions[0](*_game(signs)[1]), sympy.logic.boolalg.BooleanAtom):
            assumptions = []  # the signs decide p0 < p1 already
        game, syms = _game(signs, assumptions)

        def lin(syms=syms):
            return int(rng.integers(-3, 4)) + sum(int(rng.integers(-2, 3)) * s for s in syms)

        strict = [lin() for _ in range(int(rng.integers(0, 3)))]
        nonstrict = [lin() for _ in range(int(rng.integers(0, 3)))]
        yield game, syms, strict, nonstrict


@pytest.mark.parametrize("seed", [0, 1])
def test_linear_systems_are_decided_as_the_linear_program_decides(seed):
    for game, syms, strict, nonstrict in _random_systems(seed):
        strict = [g for g in strict if not sympy.sympify(g).is_number] or strict
        region = Region(game)
        got = region.feasible(strict=strict, nonstrict=nonstrict)
        expect = _lp_feasible(game, syms, strict, nonstrict)
        assert got.feasible == expect, (game.parameters, game.assumptions, strict, nonstrict, got)
        assert got.proven
        if got.feasible and got.witness is not None:  # a witness that fails the exact check is not returned
            assert witness_holds(game, syms, got.witness, strict, nonstrict), got.witness
        if not got.feasible:
            assert got.witness is None
        assert region.feasible(strict=strict, nonstrict=nonstrict, witness=False).feasible == expect


@pytest.mark.parametrize("seed", [2, 3])
def test_always_means_the_opposite_system_is_infeasible(seed):
    for game, syms, strict, _ in _random_systems(seed, n=30):
        region = Region(game)
        for g in strict:
            if sympy.sympify(g).is_number:
                continue
            # g > 0 always  <=>  g <= 0 impossible;  g >= 0 always  <=>  g < 0 impossible
            assert region.always(g, strict=True) == (not _lp_feasible(game, syms, [], [-g])), (game.parameters, g)
            assert region.always(g, strict=False) == (not _lp_feasible(game, syms, [-g], [])), (game.parameters, g)


def test_affine_signs_alone_decide_always():
    game, (a, b, c) = _game(("positive", "nonnegative", "negative"))
    region = Region(game)
    assert region.always(a) and region.always(a + b) and region.always(b - c)
    assert not region.always(b) and region.always(b, strict=False)  # b = 0 is admissible
    assert not region.always(a - b) and not region.always(a + c, strict=False)
    assert region.always(-c) and not region.always(c, strict=False)
    assert region.always(sympy.Integer(2) + b) and not region.always(sympy.Integer(0) * a, strict=True)
    assert region.always(sympy.Integer(0) * a + b * 0, strict=False)


def test_a_counterexample_at_the_reference_values_is_found():
    """With reference values admissible, a condition false there is not 'always'."""
    game, (a, b) = _game(("any", "any"), values=(2.0, 3.0))
    region = Region(game)
    assert not region.always(a - b)  # -1 at the reference
    assert not region.always(a * b - 6)  # 0 at the reference: not strict
    assert region.always(a * b - 6, strict=False) is False  # a = 0 makes it -6
    assert region.always(a**2 + b**2 + 1)


def test_nonlinear_witnesses_hold_exactly_and_infeasible_products_are_proven():
    game, (a, b, c) = _game(("positive", "positive", "any"))
    region = Region(game)
    strict = [a * b - 2, 3 - a, c * a - 1]
    res = region.feasible(strict=strict)
    assert res.feasible and witness_holds(game, (a, b, c), res.witness, strict, [])
    res = region.feasible(strict=[-a * b])  # a, b > 0: a b > 0
    assert not res.feasible
    res = certify(region, strict=[1 - a * b, a - 2, b - 1])  # a > 2, b > 1: a b > 2
    assert not res.feasible and res.proven


@pytest.mark.parametrize(
    ("num", "den"),
    [
        (lambda a, b: a - b, lambda a, b: a + 1),  # positive denominator: dropped
        (lambda a, b: a - b, lambda a, b: -b - 2),  # negative: flips the sign
        (lambda a, b: a * b - 1, lambda a, b: a - b),  # undecided: kept
        (lambda a, b: a + 3, lambda a, b: sympy.Integer(-2)),
    ],
)
def test_simplified_conditions_keep_the_sign_wherever_defined(num, den):
    game, (a, b) = _game(("positive", "nonnegative"))
    region = Region(game)
    g = num(a, b) / den(a, b)
    simple = region.simplify_condition(g)
    rng = np.random.default_rng(0)
    for va, vb in rng.uniform(0, 5, size=(200, 2)):
        at = {a: sympy.Rational(repr(float(va))), b: sympy.Rational(repr(float(vb)))}
        d = den(a, b).xreplace(at) if not isinstance(den(a, b), sympy.Integer) else den(a, b)
        if d == 0:
            continue
        assert sympy.sign(g.xreplace(at)) == sympy.sign(simple.xreplace(at))
    if den(a, b).is_number or region.always(den(a, b), strict=False) or region.always(-den(a, b), strict=False):
        assert sympy.fraction(sympy.together(simple))[1] == 1  # the denominator is gone


def test_as_condition_reads_each_relation():
    a, b = sympy.symbols("a b")
    assert as_condition(a > b) == (a - b, True)
    assert as_condition(a < b) == (b - a, True)
    assert as_condition(a >= b) == (a - b, False)
    assert as_condition(a <= b) == (b - a, False)
    with pytest.raises(TypeError, match="not an inequality"):
        as_condition(sympy.Eq(a, b))


def test_tree_evaluation_equals_lambdify_and_marks_undefined_values():
    """evaluate_tree (the sampling path's evaluator) against sympy.lambdify at random points."""
    from govgame.analysis.regions import evaluate_tree

    a, b, c = sympy.symbols("a b c")
    exprs = [
        a / (a + b) + sympy.Max(a, 2 * c) - sympy.Min(b, c, 1),
        (a * b - c) ** 2 / (1 + c**2) + sympy.sqrt(a + b),
        sympy.exp(-a * b) * sympy.log(1 + c) - sympy.Abs(a - b) ** sympy.Rational(3, 2),
        a**b + c ** (a / 2) - sympy.Rational(1, 3),
        sympy.sin(a) * b + sympy.cos(c),  # not produced by the parser: the lambdify fallback
        (a + 1) * (b + 2) * (c + 3) - 7 + a * b * c,
    ]
    rng = np.random.default_rng(1)
    n = 64
    env = {s: rng.uniform(0.1, 3.0, n) for s in (a, b, c)}
    memo: dict = {}
    for e in exprs:
        want = sympy.lambdify((a, b, c), e, modules="numpy")(env[a], env[b], env[c])
        got = evaluate_tree(e, env, n, memo)
        assert got.shape == (n,)
        np.testing.assert_allclose(got, want, rtol=1e-12)
    # undefined values become NaN: a log of a negative number, a division by zero, an infinite power
    x = sympy.Symbol("x")
    got = evaluate_tree(
        sympy.log(x - 1) + 1 / (x - 2) + sympy.Integer(2) ** (1 / (x - 3)), {x: np.array([0.5, 2.0, 3.0, 4.0])}, 4
    )
    assert np.isnan(got[:3]).all() and got[3] == pytest.approx(np.log(3) + 0.5 + 2.0)
    assert evaluate_tree(sympy.Integer(5), {x: np.zeros(3)}, 3).tolist() == [5.0, 5.0, 5.0]
    assert np.isnan(evaluate_tree(sympy.I, {x: np.zeros(2)}, 2)).all()


def test_tree_evaluation_equals_evaluation_that_marks_undefined_values_at_every_node():
    """evaluate_tree turns infinities into NaN only where it must (the arguments of powers, Min/Max and
    functions, and the result): bit for bit the values of an evaluator that does it at every node, also
    where a division by zero or an overflow makes a subexpression infinite and a power or exp makes it
    finite again."""
    from govgame.analysis.regions import evaluate_tree

    def reference(e, env, n):
        with np.errstate(all="ignore"):
            if e.is_Symbol:
                out = np.asarray(env[e], dtype=float)
            elif e.is_number:
                out = np.full(n, float(e))
            elif e.is_Add:
                out = sum(reference(a, env, n) for a in e.args)
            elif e.is_Mul:
                out = np.ones(n)
                for a in e.args:
                    out = out * reference(a, env, n)
            elif e.is_Pow:
                out = np.power(reference(e.base, env, n), float(e.exp))
            elif isinstance(e, (sympy.Min, sympy.Max)):
                vals = [reference(a, env, n) for a in e.args]
                out = np.minimum.reduce(vals) if isinstance(e, sympy.Min) else np.maximum.reduce(vals)
            else:
                out = {sympy.exp: np.exp, sympy.log: np.log, sympy.Abs: np.abs}[e.func](reference(e.args[0], env, n))
            return np.where(np.isfinite(out), out, np.nan)

    x, y = sympy.symbols("x y")
    exprs = [
        1 / (1 / (x - 2) + y),  # 1/inf would be 0: the inner infinity is undefined
        (x - 2) * (1 / (x - 2)) + y**400,  # inf * 0, an overflow
        sympy.exp(-1 / (x - 2)) - sympy.exp(1 / (y - 1)),  # exp(-inf) would be 0
        sympy.Max(1 / (x - 2), y) + sympy.Min(-1 / (y - 1), x),  # max(inf, y) would be inf, min(-inf, x) -inf
        (x * y - 2) ** -2 + sympy.Abs(1 / (y - 1)) - x**300 * y**300 / (x**300 + 1),
        sympy.log(x - 2) * (1 / (y - 1)) + (1 / (x - 2)) ** 2,
    ]
    rng = np.random.default_rng(7)
    n = 40
    env = {
        x: np.concatenate([[2.0, 2.0, 3.0, 1e3], rng.uniform(0.5, 4.0, n - 4)]),
        y: np.concatenate([[1.0, 5.0, 1.0, 1e3], rng.uniform(0.5, 4.0, n - 4)]),
    }
    memo: dict = {}
    for e in exprs:
        got = evaluate_tree(e, env, n, memo)
        want = reference(e, env, n)
        assert np.isnan(want[:4]).any()
        assert np.array_equal(got, want, equal_nan=True), e


_atoms = st.sampled_from(["a", "b", "c", "1", "2", "-3", "1/2", "0.25", "exp(a)", "sqrt(b)", "Abs(c)"])


@st.composite
def _rational_expressions(draw, depth=3):
    if depth == 0:
        return sympy.sympify(draw(_atoms), locals={s: sympy.Symbol(s, positive=(s == "a")) for s in "abc"})
    parts = draw(st.lists(_rational_expressions(depth=depth - 1), min_size=1, max_size=3))
    how = draw(st.sampled_from(["add", "mul", "inv", "pow"]))
    if how == "add":
        return sympy.Add(*parts)
    if how == "mul":
        return sympy.Mul(*parts)
    if how == "inv":
        return 1 / sympy.Add(*parts) if sympy.Add(*parts) != 0 else parts[0]
    return sympy.Add(*parts) ** draw(st.sampled_from([2, -1, -2, sympy.Rational(1, 2)]))


@settings(max_examples=40, deadline=None)
@given(st.lists(_rational_expressions(), min_size=1, max_size=4))
def test_together_with_a_cache_is_sympy_together_expression_for_expression(exprs):
    """regions.together (sums met before looked up in a cache shared by several expressions, as on a region)
    gives sympy.together's expression, also with floats, radicals, functions and nested fractions; and
    every expression again, in reverse order, from the filled cache."""
    from govgame.analysis.regions import together

    cache: dict = {}
    for e in [*exprs, *reversed(exprs), *(1 - e for e in exprs)]:
        got, want = together(e, cache), sympy.together(e)
        assert got == want
        assert str(got) == str(want)
