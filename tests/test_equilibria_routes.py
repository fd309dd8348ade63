"""Rest points found by each route of ``equilibria.py``, on games solved by hand (seconds, not minutes).

The routes: a state-dependent face with irrational coefficients at the values (interval method, with the closed
form kept where the face is linear), an implicit curve of rest points that sympy cannot parametrise, a line of
rest points with an isolated point on it and one off it, three interior points of one face (a multiple root of its
eliminant), closed forms with values (their existence conditions), the numeric fallback past the time budget, and
the domain of a continuum decided by linear programming and by sampling. Every expected value is derived by hand in
the docstrings (or by mpmath root finding), never read off the code under test.
"""

from __future__ import annotations

import math
import warnings

import mpmath
import numpy as np
import pytest
import sympy
from strategies import numeric_game

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, continuum_domain, search_equilibria
from govgame.model.game import Game, Parameter, Population, share_symbol

x, y = share_symbol("x"), share_symbol("y")
y1, y2 = share_symbol("y1"), share_symbol("y2")
ZERO = sympy.Integer(0)


def _one_population(diff, params, name="g"):
    """One binary population whose first strategy earns ``diff`` more than its second (payoffs may use x)."""
    pops = (Population("p", ("s", "t"), ("x",)),)
    return Game(name, pops, tuple(params), {("s",): (diff,), ("t",): (ZERO,)}, format=2)


def _two_binary(dx, dy, params, name="g2"):
    """Two binary populations with payoff differences ``dx`` (first) and ``dy`` (second), as payoffs of strategy s."""
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    pay = {("s", "s"): (dx, dy), ("s", "t"): (dx, ZERO), ("t", "s"): (ZERO, dy), ("t", "t"): (ZERO, ZERO)}
    return Game(name, pops, tuple(params), pay, format=2)


def _search(game, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return search_equilibria(replicator(game), **kw)


def _inner(res):
    return [e for e in res.equilibria if e.kind is not Kind.PURE]


# ------------------------------------------------------------------ state-dependent faces, irrational coefficients
def test_a_linear_face_with_an_irrational_coefficient_keeps_its_closed_form():
    """xdot = x(1-x)(sqrt(V) - C x): the rest point x* = sqrt(V)/C, inside (0, 1) exactly when sqrt(V) < C.

    sqrt(2) at the values sends the face to the interval method; the closed form is kept where it names the
    certified root (method 'closed form'); without the symbolic solution the root is only certified ('krawczyk').
    """
    V, C = Parameter("V", value=2.0, sign="positive"), Parameter("C", value=3.0, sign="positive")
    game = _one_population(sympy.sqrt(V.symbol) - C.symbol * x, (V, C))
    closed = sympy.sqrt(V.symbol) / C.symbol
    (e,) = _inner(_search(game, params=game.values()))
    assert e.kind is Kind.INTERIOR and e.method == "closed form" and e.general
    assert sympy.simplify(e.point[0] - closed) == 0
    assert e.numeric_point == pytest.approx((math.sqrt(2) / 3,), abs=1e-15)
    (s,) = _inner(_search(game))  # without values: the same closed form, with its existence condition
    assert sympy.simplify(s.point[0] - closed) == 0 and s.method == "closed form"
    for v, c, inside in ((2, 3, True), (8, 3, True), (16, 3, False), (10, 3, False)):
        assert all(bool(r.xreplace({V.symbol: v, C.symbol: c})) for r in s.exists_if) is inside
    (n,) = _inner(_search(game, params=game.values(), symbolic=False))
    assert n.method == "krawczyk" and not n.general
    assert n.numeric_point == pytest.approx((math.sqrt(2) / 3,), abs=1e-12)


@pytest.mark.parametrize(
    ("coef", "value"),
    [
        (sympy.exp, math.e),
        (lambda a: sympy.log(a + 2), math.log(3)),
        (lambda a: sympy.sqrt(a + 1), math.sqrt(2)),
        (lambda a: sympy.pi * a, math.pi),
        (lambda a: sympy.Float("0.7") * a, 0.7),
    ],
    ids=["exp", "log", "sqrt", "pi", "decimal"],
)
def test_a_nonlinear_face_with_a_transcendental_coefficient_is_certified_by_intervals(coef, value):
    """xdot = x(1-x)(k x^2 - 1) with k = e, log 3, sqrt 2, pi or 0.7 at a = 1: the rest point 1/sqrt(k).

    Coefficients that are not rational numbers at the values make exact algebra slow, so the face goes to the
    interval method: the point is certified ('krawczyk'); for k = 0.7 it lies outside (1/sqrt(0.7) > 1).
    """
    a = Parameter("a", value=1.0)
    game = _one_population(coef(a.symbol) * x**2 - 1, (a,))
    res = _search(game, params=game.values())
    inner = _inner(res)
    root = 1 / math.sqrt(value)
    if root >= 1:
        assert inner == [] and res.notes == ()
        return
    (e,) = inner
    assert e.method == "krawczyk" and e.numeric_point == pytest.approx((root,), abs=1e-12)


def test_decimal_coefficient_root_inside_the_face_is_certified():
    """xdot = x(1-x)(2.5 x^2 - 1): the rest point sqrt(0.4), by intervals (a decimal in the equation)."""
    game = _one_population(sympy.Float("2.5") * x**2 - 1, (Parameter("a", value=1.0),))
    (e,) = _inner(_search(game, params=game.values()))
    assert e.method == "krawczyk" and e.numeric_point == pytest.approx((math.sqrt(0.4),), abs=1e-12)


# ------------------------------------------------------------------ an implicit curve of rest points
def test_a_curve_sympy_cannot_parametrise_is_listed_with_points_on_it_and_hides_nothing():
    """One population of three strategies, u_a - u_c = q(y1, y2) (y1^5 + y1 + y2^5 + y2 - 1)(4 y1 - 1), u_b = u_c.

    By hand: inside the triangle the rest points are the quintic curve q = 0 (no parametrisation in radicals) and
    the line y1 = 1/4; on the edge a-c (y2 = 0) the roots of (t^5 + t - 1)(4t - 1): t = 1/4 and the real root r of
    t^5 + t - 1 (mpmath); on the edge a-b (y2 = 1 - y1) q = y1^5 + (1 - y1)^5 > 0, so y1 = 1/4; the edge b-c
    (y1 = 0) is a line of rest points (u_b = u_c everywhere).
    """
    quintic = y1**5 + y1 + y2**5 + y2 - 1
    pops = (Population("p", ("a", "b", "c"), ("y1", "y2")),)
    pay = {("a",): (quintic * (4 * y1 - 1),), ("b",): (ZERO,), ("c",): (ZERO,)}
    game = Game("quintic", pops, (Parameter("k", value=1.0),), pay, format=2)
    res = _search(game, params=game.values())
    inner = _inner(res)
    (curve,) = [e for e in inner if e.implicit]
    assert curve.kind is Kind.CONTINUUM and curve.free == (0, 1) and curve.support == ((0, 1, 2),)
    assert curve.point == (y1, y2) and curve.numeric_point == (None, None) and not curve.general
    (eq,) = curve.implicit
    assert sympy.simplify(sympy.cancel(eq / quintic)).is_number  # the curve's equation, up to a factor
    assert {sympy.expand(d) for d in curve.domain} == {y1, y2, 1 - y1 - y2}
    assert len(curve.samples) >= 3 and all(len(p) == 2 for p in curve.samples)
    for p, q in curve.samples:
        assert abs(p**5 + p + q**5 + q - 1) < 1e-9 and p > 0 and q > 0 and p + q < 1
    assert "implicit" in curve.method and any("y1**5" in n for n in curve.notes)
    assert len({tuple(np.round(p, 6)) for p in curve.samples}) == len(curve.samples)  # distinct points
    r = float(mpmath.findroot(lambda t: t**5 + t - 1, 0.75))
    lines = {e.support: e for e in inner if e.kind is Kind.CONTINUUM and not e.implicit}
    assert set(lines) == {((0, 1, 2),), ((1, 2),)}
    assert sympy.expand(lines[((0, 1, 2),)].point[0]) == sympy.Rational(1, 4)  # the line y1 = 1/4
    assert lines[((1, 2),)].numeric_point == (0.0, None)  # the edge b-c
    points = sorted(e.numeric_point for e in inner if not e.free)
    assert points == [pytest.approx((0.25, 0.0)), pytest.approx((0.25, 0.75)), pytest.approx((r, 0.0), abs=1e-14)]
    assert all(e.kind is Kind.BOUNDARY for e in inner if not e.free)


# ------------------------------------------------------------------ a line of rest points and isolated points
def test_a_point_on_a_line_of_rest_points_is_listed_once_and_one_off_it_kept():
    """D_x = (x - 1/2)(y - 1/3), D_y = (x - 1/2)(x - a), a = 3/4 (payoffs depend on the own share).

    By hand: inside the square the rest points are the line x = 1/2 and the point (a, 1/3) (the branch
    y = 1/3, x = 1/2 lies on the line); on the edges y = 0 and y = 1, D_x = 0 gives (1/2, 0) and (1/2, 1);
    on x = 0 and x = 1, D_y = a/2 or (1 - a)/2 is not 0. Without values: the closed form (a, 1/3) for 0 < a < 1.
    """
    a = Parameter("a", value=0.75)
    half = sympy.Rational(1, 2)
    game = _two_binary((x - half) * (y - sympy.Rational(1, 3)), (x - half) * (x - a.symbol), (a,))
    inner = _inner(_search(game, params=game.values()))
    (line,) = [e for e in inner if e.kind is Kind.CONTINUUM]
    assert line.point == (half, y) and line.free == (1,) and line.numeric_point == (0.5, None)
    assert {sympy.expand(d) for d in line.domain} == {y, 1 - y, half}  # x = 1/2 and 1 - x = 1/2 are positive
    isolated = sorted((e.kind.value, e.numeric_point) for e in inner if not e.free)
    assert isolated == [("boundary", (0.5, 0.0)), ("boundary", (0.5, 1.0)), ("interior", (0.75, pytest.approx(1 / 3)))]
    symbolic = _inner(_search(game))
    (pt,) = [e for e in symbolic if e.kind is Kind.INTERIOR]
    assert pt.point == (a.symbol, sympy.Rational(1, 3))
    for v, inside in ((0.75, True), (0.2, True), (1.5, False), (-0.5, False)):
        assert all(bool(r.xreplace({a.symbol: sympy.Rational(repr(v))})) for r in pt.exists_if) is inside


def test_an_edge_continuum_is_described_by_the_shares_of_its_own_face():
    """Row payoffs [[1, 2], [1, 0]]: against the column's first strategy (y = 1) both rows earn 1, so the edge
    y = 1 is a line of rest points (x, 1); its domain is 0 < x < 1 (the column's share is fixed, not a condition)."""
    A = np.array([[1.0, 2.0], [1.0, 0.0]])
    B = np.array([[3.0, 0.0], [0.0, 1.0]])
    game = numeric_game([A, B])
    res = _search(game, params=game.values())
    (line,) = [e for e in res.equilibria if e.kind is Kind.CONTINUUM]
    xs = share_symbol("x")
    assert line.point == (xs, 1) and line.free == (0,)
    assert {sympy.expand(d) for d in line.domain} == {xs, 1 - xs}


# ------------------------------------------------------------------ several points of one face (a multiple root)
def test_three_isolated_interior_points_of_a_nonlinear_face():
    """D_x = (x - 1/4)(y - 2/3), D_y = (x - 1/2)(x - 1/4) + (y - 1/3)(y - 2/3).

    By hand: D_x = 0 gives x = 1/4 (then (y - 1/3)(y - 2/3) = 0) or y = 2/3 (then (x - 1/2)(x - 1/4) = 0): the
    interior rest points (1/4, 1/3), (1/4, 2/3), (1/2, 2/3). On the edges y = 0 and y = 1 only D_x must vanish:
    x = 1/4, the points (1/4, 0) and (1/4, 1); on x = 0 and x = 1, D_y = y^2 - y + 2/9 + 1/8 (or + 3/8) has a
    negative discriminant: no rest point.
    """
    q = sympy.Rational
    dx = (x - q(1, 4)) * (y - q(2, 3))
    dy = (x - q(1, 2)) * (x - q(1, 4)) + (y - q(1, 3)) * (y - q(2, 3))
    game = _two_binary(dx, dy, (Parameter("c", value=1.0),))
    res = _search(game, params=game.values())
    inner = _inner(res)
    expect = [(0.25, 1 / 3), (0.25, 2 / 3), (0.5, 2 / 3)]
    for e in inner:  # every reported point is a rest point: both differences vanish (or its share is 0 or 1)
        px, py = e.numeric_point
        assert abs(px * (1 - px) * float(dx.subs({x: px, y: py}))) < 1e-12
        assert abs(py * (1 - py) * float(dy.subs({x: px, y: py}))) < 1e-12
    got = sorted(e.numeric_point for e in inner if e.kind is Kind.INTERIOR)
    assert got == [pytest.approx(p, abs=1e-14) for p in expect]
    edges = sorted(e.numeric_point for e in inner if e.kind is Kind.BOUNDARY)
    assert edges == [pytest.approx((0.25, 0.0)), pytest.approx((0.25, 1.0))]
    assert all(not e.general and e.method == "exact" for e in inner if e.kind is Kind.INTERIOR)


# ------------------------------------------------------------------ closed forms found again at the values
@pytest.mark.parametrize("column", ["parameters", "numbers"])
def test_closed_forms_at_values_keep_their_existence_conditions(column):
    """A static 2 x 2 game: D_x = (a + b) y - b, D_y = (c + d) x - d, with c, d > 0 (or c = d = 1) and a, b of
    unknown sign.

    By hand: the interior point (d/(c + d), b/(a + b)); its x-share lies in (0, 1) for every admissible c, d (it
    is 1/2 for c = d = 1), so the only conditions are 0 < b/(a + b) < 1, i.e. a and b of the same sign. With
    values the point is the closed form (general) and keeps those conditions; they hold at the values.
    """
    ps = [Parameter("a", value=3.0), Parameter("b", value=1.0)]
    if column == "parameters":
        ps += [Parameter("c", value=2.0, sign="positive"), Parameter("d", value=4.0, sign="positive")]
        c, d = ps[2].symbol, ps[3].symbol
    else:
        c = d = sympy.Integer(1)
    a, b = ps[0].symbol, ps[1].symbol
    pops = (Population("r", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    pay = {("s", "s"): (a, c), ("s", "t"): (ZERO, ZERO), ("t", "s"): (ZERO, ZERO), ("t", "t"): (b, d)}
    game = Game("coord", pops, tuple(ps), pay)
    at_cd = {s: 2 if s.name == "c" else 4 for s in (c, d) if isinstance(s, sympy.Symbol)}
    for params in ({}, game.values()):
        (e,) = [e for e in _search(game, params=params).equilibria if e.kind is Kind.INTERIOR]
        assert e.general and e.domain == () and e.implicit == ()
        assert sympy.simplify(e.point[0] - d / (c + d)) == 0 and sympy.simplify(e.point[1] - b / (a + b)) == 0
        assert e.exists_if, e
        for av, bv, inside in ((3, 1, True), (-3, -1, True), (3, -1, False), (-1, 3, False)):
            at = {a: av, b: bv, **at_cd}
            assert all(bool(r.xreplace(at)) for r in e.exists_if) is inside, (av, bv)
    (e,) = [e for e in _search(game, params=game.values()).equilibria if e.kind is Kind.INTERIOR]
    assert e.numeric_point == pytest.approx((4 / 6 if column == "parameters" else 0.5, 1 / 4), abs=1e-15)


# ------------------------------------------------------------------ past the time budget: numeric roots
def _cube_game():
    """Three binary populations with D_x = 4 y z - a, D_y = x - z, D_z = x - y: x = y = z = sqrt(a)/2."""
    a = Parameter("a", value=2.0, sign="positive")
    pops = tuple(Population(n, (f"{n}0", f"{n}1"), (s,)) for n, s in (("p", "x"), ("q", "y"), ("r", "z")))
    xs, ys, zs = (p.share_symbols[0] for p in pops)
    diffs = (4 * ys * zs - a.symbol, xs - zs, xs - ys)
    pay = {}
    for i in range(2):
        for j in range(2):
            for k in range(2):
                at = {xs: 1 - i, ys: 1 - j, zs: 1 - k}
                own = (i, j, k)
                pay[(f"p{i}", f"q{j}", f"r{k}")] = tuple(
                    diffs[p].xreplace(at) if own[p] == 0 else ZERO for p in range(3)
                )
    return Game("cube", pops, (a,), pay)


def test_interior_root_of_a_nonlinear_face_exactly_and_past_the_budget():
    """x = y = z = sqrt(2)/2 at a = 2 (4 x^2 = a): by exact algebra, and numerically when the budget is spent."""
    game = _cube_game()
    root = math.sqrt(2) / 2
    exact = _search(game, params=game.values(), budget=None)
    (e,) = [e for e in exact.equilibria if e.kind is Kind.INTERIOR]
    assert e.numeric_point == pytest.approx((root,) * 3, abs=1e-14) and not e.method
    fast = _search(game, params=game.values(), budget=1e-9)
    (f,) = [e for e in fast.equilibria if e.kind is Kind.INTERIOR]
    assert f.numeric_point == pytest.approx((root,) * 3, abs=1e-10)
    assert f.method and "Krawczyk" in f.method
    assert any("exact solution exceeded" in n and "solved numerically" in n for n in fast.notes)
    assert len([e for e in fast.equilibria if e.kind is Kind.INTERIOR]) == 1  # no point outside the face
    sym = _search(game, budget=1e-9)  # without values: no closed form within the budget, and a note
    assert not [e for e in sym.equilibria if e.kind is Kind.INTERIOR]
    assert any(
        n.startswith("the face where p, q, r mix: no closed form within")
        and n.endswith("found only at given parameter values (numerically)")
        for n in sym.notes
    )


# ------------------------------------------------------------------ domains of continua
def test_a_thin_affine_domain_is_found_by_linear_programming():
    """1/2 < z1 < 1/2 + 1e-10, z2 > 0, z1 + z2 < 1: a strip of width 1e-10, not empty."""
    z1, z2 = sympy.symbols("z1 z2")
    eps = sympy.Rational(1, 10**10)
    exprs = [z1, z2, 1 - z1 - z2, z1 - sympy.Rational(1, 2), sympy.Rational(1, 2) + eps - z1]
    assert continuum_domain(exprs, [z1, z2]) == (True, "linear programming")
    assert continuum_domain([*exprs[:3], z1 - sympy.Rational(1, 2), sympy.Rational(1, 2) - eps - z1], [z1, z2]) == (
        False,
        "linear programming",
    )


def test_a_small_nonlinear_domain_is_found_by_sampling():
    """z1 z2 > 4/5 in the unit square holds near (1, 1) (area 1/5 + (4/5) log(4/5) ~ 0.021); sqrt(z1 z2 - 4/5)
    is undefined elsewhere, which counts as 'not positive'."""
    z1, z2 = sympy.symbols("z1 z2")
    box = [z1, z2, 1 - z1, 1 - z2]
    t = sympy.Rational(4, 5)
    assert continuum_domain([*box, z1 * z2 - t], [z1, z2]) == (True, "sampling")
    assert continuum_domain([*box, sympy.sqrt(z1 * z2 - t) + z1 * z2 - t], [z1, z2]) == (True, "sampling")


def test_numbers_alone_are_decided_exactly():
    t = sympy.Symbol("t")
    assert continuum_domain([sympy.Rational(1, 3), sympy.Integer(2)], [t]) == (True, "exact")
    assert continuum_domain([sympy.Rational(1, 3), sympy.Integer(0)], [t]) == (False, "exact")


def test_a_curve_outside_the_face_is_named_in_a_note():
    """u_a - u_c = y1^5 + y1 + y2^5 + y2 + 1 > 0 wherever y1, y2 >= 0: the curve where it vanishes misses the
    triangle, which a note says (with the curve's equation); u_b = u_c makes the edge b-c a line of rest points."""
    curve = y1**5 + y1 + y2**5 + y2 + 1
    pops = (Population("p", ("a", "b", "c"), ("y1", "y2")),)
    pay = {("a",): (curve,), ("b",): (ZERO,), ("c",): (ZERO,)}
    game = Game("outside", pops, (Parameter("k", value=1.0),), pay, format=2)
    res = _search(game, params=game.values())
    assert [(e.kind, e.support) for e in _inner(res)] == [(Kind.CONTINUUM, ((1, 2),))]
    (note,) = res.notes
    assert note.startswith("the face where p mix: a set of rest points defined by y1**5 + y1 + y2**5 + y2 + 1 = 0")
    assert note.endswith(
        "could not be parametrised, and interval branch and bound proves that it has no point inside the face"
    )


def test_a_curve_that_touches_the_face_only_on_an_edge_is_not_claimed_to_miss_it():
    """y2^2 + (2 y1 - 1)^2 + y2^5 + y1^5 y2 = 0 meets the closed triangle only at (1/2, 0), a point of the edge
    a-c (a rest point of that edge) and no point of the open face; but every box at that point contains a zero
    of it, so interval arithmetic cannot exclude it, and no proof that it misses the face is claimed."""
    curve = y2**2 + (2 * y1 - 1) ** 2 + y2**5 + y1**5 * y2
    pops = (Population("p", ("a", "b", "c"), ("y1", "y2")),)
    pay = {("a",): (curve,), ("b",): (ZERO,), ("c",): (ZERO,)}
    game = Game("touching", pops, (Parameter("k", value=1.0),), pay, format=2)
    res = _search(game, params=game.values())
    (note,) = res.notes
    assert "y1**5*y2 + 4*y1**2 - 4*y1 + y2**5 + y2**2 + 1 = 0 could not be parametrised" in note
    assert note.endswith("(not a proof that it misses the face)")
    (edge,) = [e for e in _inner(res) if e.support == ((0, 2),)]
    assert [float(c) for c in edge.point] == [0.5, 0.0]


def test_vertices_are_named_in_coordinate_order():
    """Two binary populations: the vertices (0, 0), (0, 1), (1, 0), (1, 1) are E1 ... E4 (SPEC naming)."""
    from govgame.analysis.equilibria import vertices

    game = numeric_game([np.zeros((2, 2)), np.zeros((2, 2))])
    assert [(v.name, v.point) for v in vertices(game)] == [
        ("E1", (0, 0)),
        ("E2", (0, 1)),
        ("E3", (1, 0)),
        ("E4", (1, 1)),
    ]


def test_numeric_only_search_needs_every_value():
    """symbolic=False solves nothing symbolically, so without a value for every parameter it has nothing to do."""
    a = Parameter("a")  # no value
    game = _one_population(a.symbol * x - 1, (a,))
    with pytest.raises(ValueError, match=r"^symbolic=False needs a value for every parameter$"):
        search_equilibria(replicator(game), symbolic=False)


def test_a_non_polynomial_face_that_vanishes_at_the_values_is_a_line_of_rest_points():
    """xdot = x(1-x)(V - C) sqrt(x) with V = C: every state is a rest point, found exactly (not certified by
    intervals: there is nothing to isolate)."""
    V, C = Parameter("V", value=2.0), Parameter("C", value=2.0)
    game = _one_population((V.symbol - C.symbol) * sympy.sqrt(x), (V, C))
    res = _search(game, params=game.values())
    assert [(e.kind, e.point, e.free, e.method) for e in _inner(res)] == [(Kind.CONTINUUM, (x,), (0,), "exact")]
    assert res.notes == ()


def test_complex_branches_of_a_degenerate_face_are_not_rest_points():
    """u_a - u_c = (y1^2 + y1 + 1)(4 y1 - 1), u_b = u_c: y1^2 + y1 + 1 has no real root, so inside the triangle
    the rest points are the line y1 = 1/4 only; on the edges a-c and a-b the points with y1 = 1/4, and the edge b-c
    is a line of rest points."""
    pops = (Population("p", ("a", "b", "c"), ("y1", "y2")),)
    pay = {("a",): ((y1**2 + y1 + 1) * (4 * y1 - 1),), ("b",): (ZERO,), ("c",): (ZERO,)}
    game = Game("complex", pops, (Parameter("k", value=1.0),), pay, format=2)
    inner = _inner(_search(game, params=game.values()))
    got = sorted((e.support, tuple(str(c) for c in e.numeric_point)) for e in inner)
    assert got == [
        (((0, 1),), ("0.25", "0.75")),
        (((0, 1, 2),), ("0.25", "None")),
        (((0, 2),), ("0.25", "0.0")),
        (((1, 2),), ("0.0", "None")),
    ]


def test_an_implicit_curve_on_a_face_with_a_pure_population_keeps_its_fixed_coordinate():
    """The quintic curve y1^5 + y1 + y2^5 + y2 = 1 of the three-strategy population, while a binary population
    (share z) plays either strategy (its payoff difference is 1 everywhere, so it never mixes): two implicit
    curves, at z = 1 and at z = 0, whose z coordinate is that number."""
    quintic = y1**5 + y1 + y2**5 + y2 - 1
    pops = (Population("p", ("a", "b", "c"), ("y1", "y2")), Population("r", ("u", "v"), ("z",)))
    pay = {(s, t): (quintic if s == "a" else ZERO, sympy.Integer(1 if t == "u" else 0)) for s in "abc" for t in "uv"}
    game = Game("two_curves", pops, (Parameter("k", value=1.0),), pay, format=2)
    curves = [e for e in _search(game, params=game.values()).equilibria if e.implicit]
    assert sorted((e.point, e.numeric_point, e.free) for e in curves) == [
        ((y1, y2, 0), (None, None, 0.0), (0, 1)),
        ((y1, y2, 1), (None, None, 1.0), (0, 1)),
    ]
    for e in curves:
        assert all(p[2] == float(e.point[2]) for p in e.samples)
        assert all(abs(p**5 + p + q**5 + q - 1) < 1e-9 for p, q, _ in e.samples)
