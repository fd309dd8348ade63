"""Rest points: every vertex, every face, continua; checked against independent searches and nashpy."""

import itertools

import nashpy
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import least_squares
from strategies import integer_tensors, numeric_game, replicator_rhs, symbolic_game

from govgame.analysis.continua import distance_to
from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, faces, find_equilibria
from govgame.model import Game, Parameter, Population


def _points_of(eq, k=7):
    """Points of a rest point or continuum: for a continuum, its parametrisation at free values inside its face."""
    if eq.numeric_form is None:
        return [np.array(eq.numeric_point, dtype=float)]
    free = sorted({s for c in eq.numeric_form for s in c.free_symbols}, key=str)
    out = []
    for vals in itertools.product([sympy.Rational(i, k + 1) for i in range(1, k + 1)], repeat=len(free)):
        at = dict(zip(free, vals))
        if all(d.xreplace(at) > 0 for d in eq.domain):
            out.append(np.array([float(c.xreplace(at)) for c in eq.numeric_form]))
    return out


def _rest_point_residual(tensors, eq):
    f = replicator_rhs(tensors)
    pts = _points_of(eq)
    return max(np.abs(f(0, x)).max() for x in pts) if pts else 0.0


@settings(max_examples=25, deadline=None)
@given(integer_tensors())
def test_every_vertex_is_listed_first_and_in_coordinate_order(tensors):
    game = numeric_game(tensors)
    eqs = find_equilibria(replicator(game), params=game.values())
    n_vertices = int(np.prod(tensors[0].shape))
    vertices = eqs[:n_vertices]
    assert all(e.kind is Kind.PURE for e in vertices)
    assert not any(e.kind is Kind.PURE for e in eqs[n_vertices:])
    coords = [tuple(int(c) for c in e.point) for e in vertices]
    assert coords == sorted(coords) and len(set(coords)) == n_vertices
    assert [e.name for e in eqs] == [f"E{i + 1}" for i in range(len(eqs))]
    # the profile of a vertex is the strategy each population plays there
    for e in vertices:
        i = 0
        for pop, s in zip(game.populations, e.profile):
            y = [int(c) for c in e.point[i : i + pop.k - 1]]
            i += pop.k - 1
            j = pop.strategies.index(s)
            assert y == [1 if t == j else 0 for t in range(pop.k - 1)]


@settings(max_examples=25, deadline=None)
@given(integer_tensors())
def test_every_reported_point_is_a_rest_point_inside_its_face(tensors):
    game = numeric_game(tensors)
    eqs = find_equilibria(replicator(game), params=game.values())
    for e in eqs:
        assert _rest_point_residual(tensors, e) < 1e-9, e
        i = 0
        for pop, supp in zip(game.populations, e.support):
            y = e.numeric_point[i : i + pop.k - 1]
            i += pop.k - 1
            if any(v is None for v in y):
                continue
            full = [*y, 1 - sum(y)]
            for j in range(pop.k):
                if j in supp:
                    assert full[j] > 0
                else:
                    assert full[j] == pytest.approx(0, abs=1e-12)


def _independent_roots(tensors, face, rng, tries=40):
    """Rest points in the open face found by least squares from random starts (an independent search)."""
    shape = tensors[0].shape
    f = replicator_rhs(tensors)

    def embed(z):
        x, zi = [], 0
        for k, supp in zip(shape, face.support):
            full = np.zeros(k)
            if len(supp) == 1:
                full[supp[0]] = 1.0
            else:
                free = z[zi : zi + len(supp) - 1]
                zi += len(supp) - 1
                full[list(supp[:-1])] = free
                full[supp[-1]] = 1.0 - free.sum()
            x.extend(full[:-1])
        return np.array(x)

    def residual(z):
        # the equal-payoff conditions are the rhs divided by the shares, so use the payoff differences
        x = embed(z)
        out, i = [], 0
        shares = []
        for k in shape:
            y = x[i : i + k - 1]
            shares.append(np.array([*y, 1 - y.sum()]))
            i += k - 1
        for p, (k, supp) in enumerate(zip(shape, face.support)):
            if len(supp) == 1:
                continue
            u = np.zeros(k)
            for idx in itertools.product(*(range(m) for m in shape)):
                w = np.prod([shares[q][idx[q]] for q in range(len(shape)) if q != p])
                u[idx[p]] += tensors[p][idx] * w
            out.extend(u[list(supp[:-1])] - u[supp[-1]])
        return np.array(out)

    dim = face.dimension
    roots = []
    for _ in range(tries):
        z0 = rng.uniform(0.02, 0.98, dim)
        res = least_squares(residual, z0, xtol=1e-14, ftol=1e-14, gtol=1e-14)
        x = embed(res.x)
        if np.abs(res.fun).max() < 1e-10 and np.abs(f(0, x)).max() < 1e-10:
            # strictly inside the open face
            inside = True
            zi = 0
            for supp in face.support:
                if len(supp) > 1:
                    free = res.x[zi : zi + len(supp) - 1]
                    zi += len(supp) - 1
                    if free.min() < 1e-6 or 1 - free.sum() < 1e-6:
                        inside = False
            if inside:
                roots.append(x)
    return roots


def _covered(x, eqs, tol=1e-6):
    """Whether ``x`` is a reported rest point or lies on a reported continuum (distance along the actual set)."""
    return any(distance_to(e, x[None, :])[0] <= tol for e in eqs)


@settings(max_examples=10, deadline=None)
@given(integer_tensors(), st.integers(0, 2**31))
def test_no_rest_point_is_missed_on_any_face(tensors, seed):
    """Every rest point an independent least-squares search finds is reported (or lies on a reported continuum)."""
    game = numeric_game(tensors)
    eqs = find_equilibria(replicator(game), params=game.values())
    rng = np.random.default_rng(seed)
    for face in faces(tensors[0].shape):
        if face.dimension == 0:
            continue
        for x in _independent_roots(tensors, face, rng, tries=8):
            assert _covered(x, eqs), (face, x)


def test_two_population_nash_equilibria_equal_nashpy():
    """Rest points that are Nash equilibria = nashpy's support enumeration (nondegenerate random games)."""
    rng = np.random.default_rng(7)
    for _ in range(12):
        m, n = rng.integers(2, 4, size=2)
        A = rng.integers(-9, 10, size=(m, n)).astype(float)
        B = rng.integers(-9, 10, size=(m, n)).astype(float)
        nash = list(nashpy.Game(A, B).support_enumeration(non_degenerate=True))
        game = numeric_game([A, B])
        eqs = find_equilibria(replicator(game), params=game.values())
        ours = []
        for e in eqs:
            if e.kind is Kind.CONTINUUM:
                continue  # degenerate draw; nashpy's non-degenerate enumeration does not see these
            x = np.array(e.numeric_point)
            p = np.array([*x[: m - 1], 1 - x[: m - 1].sum()])
            q = np.array([*x[m - 1 :], 1 - x[m - 1 :].sum()])
            if (A @ q).max() <= p @ A @ q + 1e-9 and (p @ B).max() <= p @ B @ q + 1e-9:
                ours.append((p, q))
        if any(e.kind is Kind.CONTINUUM for e in eqs):
            continue
        assert len(ours) == len(nash)
        for p, q in nash:
            assert any(np.allclose(p, a) and np.allclose(q, b) for a, b in ours)


def _game(payoffs, params=(), shape=(2, 2, 2)):
    pops = tuple(
        Population(name, strategies, (share,))
        for name, strategies, share in [
            ("government", ("strict", "lax"), "x"),
            ("enterprise", ("formal", "informal"), "y"),
            ("consumer", ("return", "sell"), "z"),
        ][: len(shape)]
    )
    table = {}
    for prof in itertools.product(*(p.strategies for p in pops)):
        table[prof] = tuple(sympy.sympify(v) if not isinstance(v, sympy.Basic) else v for v in payoffs(*prof))
    return Game("t", pops, tuple(params), table)


def test_an_edge_where_the_payoff_difference_vanishes_is_one_continuum():
    """Enterprise indifferent whenever the government is lax: the edges x=0 (z=0 and z=1) are lines of rest points."""
    a = Parameter("a", value=2.0)
    A = a.symbol

    def pay(g, e, c):
        strict = g == "strict"
        gov = (1 if strict else 0) - (2 if e == "informal" else 0)
        ent = (A if e == "formal" else 0) if strict else 1  # lax: both strategies earn 1
        con = 1 if c == "return" else 0
        return gov, ent, con

    game = _game(pay, (a,))
    for values in (None, game.values()):
        eqs = find_equilibria(replicator(game), params=values)
        continua = [e for e in eqs if e.kind is Kind.CONTINUUM]
        points = {tuple(str(c) for c in e.point) for e in continua}
        assert points == {("0", "y", "0"), ("0", "y", "1")}
        assert len(continua) == 2  # each listed once
        assert sum(e.kind is Kind.PURE for e in eqs) == 8  # vertices at the ends still listed
        if values is not None:
            assert {e.numeric_point for e in continua} == {(0.0, None, 0.0), (0.0, None, 1.0)}
            assert all(e.free == (1,) for e in continua)


def test_a_whole_face_of_rest_points_hides_its_sub_faces():
    """Two populations indifferent everywhere: every face spanned by them is made of rest points; listed once."""

    def pay(g, e, c):
        return 0, 0, 1 if c == "return" else 0

    game = _game(pay)
    eqs = find_equilibria(replicator(game), params=game.values())
    continua = [e for e in eqs if e.kind is Kind.CONTINUUM]
    # z is attracted to 1, but every (x, y) at z in {0,1} is a rest point: two whole faces, nothing else
    assert sorted(tuple(str(c) for c in e.point) for e in continua) == [("x", "y", "0"), ("x", "y", "1")]


def test_symbolic_continuum_only_when_identically_zero():
    """A payoff difference that vanishes only for special parameter values is a continuum only at those values."""
    a, b = Parameter("a", value=1.0), Parameter("b", value=1.0)
    A, B = a.symbol, b.symbol

    def pay(g, e):
        return (A if g == "strict" else B), (1 if e == "formal" else 0)

    game = _game(pay, (a, b), shape=(2, 2))
    sym = find_equilibria(replicator(game))
    assert not any(e.kind is Kind.CONTINUUM for e in sym)
    at_equal = find_equilibria(replicator(game), params={"a": 1.0, "b": 1.0})
    assert {e.numeric_point for e in at_equal if e.kind is Kind.CONTINUUM} == {(None, 0.0), (None, 1.0)}
    not_equal = find_equilibria(replicator(game), params={"a": 1.0, "b": 2.0})
    assert not any(e.kind is Kind.CONTINUUM for e in not_equal)


def test_symbolic_existence_conditions_agree_with_values():
    """A closed-form face point is reported at given values exactly when its existence conditions hold there."""
    rng = np.random.default_rng(3)
    for seed in range(6):
        game = symbolic_game((2, 2, 2), seed=seed)
        dyn = replicator(game)
        sym = [e for e in find_equilibria(dyn) if e.kind is not Kind.PURE and not e.free]
        for _ in range(4):
            values = {p.name: float(rng.integers(0, 8)) for p in game.parameters}
            subs = game.subs_map(values)
            numeric = [e for e in find_equilibria(dyn, params=values) if e.kind is not Kind.PURE and not e.free]
            for e in sym:
                try:
                    pt = tuple(float(c.xreplace(subs)) for c in e.point)
                    holds = all(bool(r.xreplace(subs)) for r in e.exists_if)
                except (TypeError, ZeroDivisionError):
                    continue  # degenerate at these values
                found = any(np.allclose(pt, n.numeric_point) for n in numeric)
                assert found == holds, (e.point, values)


def test_closed_form_of_two_mixing_binary_populations():
    """Independent derivation: with D_x = a + b y and D_y = c + d x, the face point is (-c/d, -a/b)."""
    game = symbolic_game((2, 2, 2), seed=11)
    dyn = replicator(game)
    eqs = find_equilibria(dyn)
    x, y, z = dyn.state
    for e in eqs:
        if e.kind is not Kind.BOUNDARY or e.support[2] != (1,):
            continue
        Dx = dyn.differences[0][0].xreplace({z: 0})
        Dy = dyn.differences[1][0].xreplace({z: 0})
        a, b = Dx.xreplace({y: 0}), sympy.diff(Dx, y)
        c, d = Dy.xreplace({x: 0}), sympy.diff(Dy, x)
        assert sympy.simplify(e.point[0] - (-c / d)) == 0
        assert sympy.simplify(e.point[1] - (-a / b)) == 0


def test_three_strategy_population_rest_points():
    """Population 0 (3 strategies) earns 1 by matching population 1's strategy; population 1 prefers strategy 0.

    Where two strategies of population 0 tie, the edge between them is a segment of rest points.
    """
    shape = (3, 2)
    t0 = np.zeros(shape)
    t1 = np.zeros(shape)
    for i in range(3):
        for j in range(2):
            t0[i, j] = 1.0 if i == j else 0.0
            t1[i, j] = 1.0 if j == 0 else 0.0
    game = numeric_game([t0, t1])
    eqs = find_equilibria(replicator(game), params=game.values())
    for e in eqs:
        assert _rest_point_residual([t0, t1], e) < 1e-12
    # y = 1: strategies 1 and 2 of population 0 tie (both earn 0); y = 0: strategies 0 and 2 tie.
    # Population 1's strategy 0 is strictly dominant, so nothing else: no rest point with it mixing.
    continua = {e.support: e.numeric_point for e in eqs if e.kind is Kind.CONTINUUM}
    assert continua == {((1, 2), (0,)): (0.0, None, 1.0), ((0, 2), (1,)): (None, 0.0, 0.0)}
    assert all(e.kind in (Kind.PURE, Kind.CONTINUUM) for e in eqs)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)), max_size=5))
def test_degree_read_off_the_terms_agrees_with_sympy_poly(terms):
    """The degree test of face systems (no Poly built) agrees with sympy.Poly wherever it answers, and the
    linearity verdict is Poly's on expanded and unexpanded equations alike."""
    from govgame.analysis.equilibria import _is_linear, _term_degree

    x, y, a = sympy.symbols("x y a")
    eq = sympy.expand(sum(c * x**i * y**j * (a + 1) ** k for c, i, j, k in terms))
    if eq != 0:
        assert _term_degree(eq, [x, y]) == sympy.Poly(eq, x, y).total_degree()
    unexpanded = (x + a) * (y + 1) + eq
    assert _term_degree(unexpanded, [x, y]) is None
    assert _is_linear([unexpanded], [x, y]) == (sympy.Poly(unexpanded, x, y).total_degree() <= 1)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
)
def test_diagonal_face_systems_solve_as_linsolve_does(rows, constant_equation):
    """Each equation in its own unknown (binary populations): the direct solution equals sympy.linsolve's, cancelled,
    expression for expression; an equation without unknowns means no solution, as for linsolve."""
    from govgame.analysis.equilibria import _linsolve

    a, b, c = sympy.symbols("a b c", positive=True)
    unknowns = sympy.symbols("x0:3")
    eqs = [sympy.expand((p * a + q) * u + r * b - s * c * a) for (p, q, r, s), u in zip(rows, unknowns)]
    if constant_equation:
        eqs.append(a - 2 * b)
    eqs = [e for e in eqs if e != 0]
    expected = []
    if eqs:
        for tup in sympy.linsolve(eqs, list(unknowns)):
            expected.append({u: sympy.cancel(v) for u, v in zip(unknowns, tup) if v != u})
    else:
        expected = [{}]
    assert _linsolve(eqs, unknowns) == expected


_polynomial_terms = st.lists(
    st.tuples(st.integers(-4, 4), st.integers(0, 2), st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=4
)


@settings(max_examples=80, deadline=None)
@given(_polynomial_terms, _polynomial_terms, _polynomial_terms, st.sampled_from([1, 2, sympy.Rational(1, 3), 0.5]))
def test_cancelled_quotient_is_sympy_cancel_expression_for_expression(num, den, common, scale):
    """The face solutions' quotient (reduced as a pair of integer polynomials) is the expression sympy.cancel
    gives, with common polynomial factors, contents and signs to cancel; rational or float coefficients
    (scale) take sympy.cancel's own path."""
    from govgame.analysis.equilibria import _cancel_quotient

    a, b = sympy.symbols("a b", positive=True)
    c = sympy.Symbol("c")

    def poly(terms):
        return sum(k * a**i * b**j * c**m for k, i, j, m in terms)

    f = poly(common)
    p, q = sympy.expand(scale * poly(num) * f), sympy.expand(poly(den) * f)
    if q == 0:
        return
    got, expected = _cancel_quotient(p, q), sympy.cancel(p / q)
    assert got == expected
    assert str(got) == str(expected)
