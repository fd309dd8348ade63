"""Rest points of a few fixed games, checked by invariants and an independent search (seconds, not minutes).

The hypothesis tests of ``test_equilibria.py`` range over many random games; these fixed games are the fast
selection of the mutation runs (tests/README.md). Oracles: the replicator field written from the textbook
formula (``strategies.replicator_rhs``), the face lattice counted by hand, nashpy's support enumeration, and a
least-squares search for rest points on every face (``test_equilibria._independent_roots``).
"""

from __future__ import annotations

import itertools
import math

import nashpy
import numpy as np
import pytest
import sympy
from strategies import numeric_game, replicator_rhs
from test_equilibria import _covered, _independent_roots, _rest_point_residual

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import (
    Kind,
    continuum_domain,
    face_label,
    faces,
    find_equilibria,
    vertex_point,
    vertices,
)

RNG = np.random.default_rng(20261201)
GAMES = [[RNG.integers(-4, 5, size=shape).astype(float) for _ in shape] for shape in [(2, 2), (3, 2), (2, 2, 2)]]
GAMES.append([np.array([[3.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 0.0], [0.0, 4.0]])])  # coordination: 1 mixed NE


@pytest.mark.parametrize("shape", [(2,), (3,), (2, 2), (3, 2), (2, 3, 2)])
def test_faces_are_the_products_of_nonempty_supports(shape):
    fs = faces(shape)
    assert len(fs) == math.prod(2**k - 1 for k in shape)
    supports = {f.support for f in fs}
    expected = set(
        itertools.product(*[[s for r in range(1, k + 1) for s in itertools.combinations(range(k), r)] for k in shape])
    )
    assert supports == expected
    for f in fs:
        assert f.dimension == sum(len(s) - 1 for s in f.support)
    for a, b in itertools.product(fs, repeat=2):
        assert a.contains(b) == all(set(sb) <= set(sa) for sa, sb in zip(a.support, b.support))


@pytest.mark.parametrize("tensors", GAMES, ids=lambda t: "x".join(map(str, t[0].shape)))
def test_vertices_are_rest_points_with_their_profiles(tensors):
    game = numeric_game(tensors)
    f = replicator_rhs(tensors)
    vs = vertices(game)
    assert len(vs) == tensors[0].size
    profiles = [tuple(p.strategies.index(s) for p, s in zip(game.populations, v.profile)) for v in vs]
    assert sorted(profiles) == list(itertools.product(*(range(k) for k in tensors[0].shape)))
    assert [v.point for v in vs] == sorted(v.point for v in vs)  # in coordinate order
    for idx, v in zip(profiles, vs):
        assert v.kind is Kind.PURE and v.is_vertex and v.free == ()
        assert v.point == vertex_point(game, idx)
        assert v.support == tuple((j,) for j in idx)
        assert np.abs(f(0, np.array(v.point, dtype=float))).max() == 0
        # in state order: population p's first k - 1 shares, the share of strategy j is 1, the others 0
        i = 0
        for pop, j in zip(game.populations, idx):
            assert [int(c) for c in v.point[i : i + pop.k - 1]] == [int(t == j) for t in range(pop.k - 1)]
            i += pop.k - 1
    assert [tuple(v.numeric_point) for v in vertices(game, numeric=True)] == [
        tuple(float(c) for c in v.point) for v in vs
    ]


@pytest.mark.parametrize("tensors", GAMES, ids=lambda t: "x".join(map(str, t[0].shape)))
def test_every_rest_point_is_reported_once_inside_its_face(tensors):
    game = numeric_game(tensors)
    eqs = find_equilibria(replicator(game), params=game.values())
    n = tensors[0].size
    assert [e.kind for e in eqs[:n]] == [Kind.PURE] * n and all(e.kind is not Kind.PURE for e in eqs[n:])
    assert [e.name for e in eqs] == [f"E{i + 1}" for i in range(len(eqs))]
    for e in eqs:
        assert _rest_point_residual(tensors, e) < 1e-9, e
        if e.free:
            continue
        i = 0
        for pop, supp in zip(game.populations, e.support):
            y = list(e.numeric_point[i : i + pop.k - 1])
            i += pop.k - 1
            full = [*y, 1 - sum(y)]
            for j in range(pop.k):
                assert (full[j] > 1e-12) == (j in supp), (e, full)
        interior = all(len(s) == pop.k for s, pop in zip(e.support, game.populations))
        assert (e.kind is Kind.INTERIOR) == interior or e.kind is Kind.PURE
    isolated = [np.array(e.numeric_point) for e in eqs if not e.free]
    for a, b in itertools.combinations(isolated, 2):
        assert np.abs(a - b).max() > 1e-9  # no point twice
    rng = np.random.default_rng(7)
    for face in faces(tensors[0].shape):
        if face.dimension:
            for x in _independent_roots(tensors, face, rng, tries=6):
                assert _covered(x, eqs), (face_label(game, face), x)


@pytest.mark.parametrize("tensors", [t for t in GAMES if len(t) == 2], ids=lambda t: "x".join(map(str, t[0].shape)))
def test_nash_equilibria_among_the_rest_points_are_nashpys(tensors):
    """A rest point is Nash exactly when no unused strategy earns more; nashpy enumerates the same profiles."""
    game = numeric_game(tensors)
    eqs = [e for e in find_equilibria(replicator(game), params=game.values()) if not e.free]
    A, B = tensors
    ne = [(np.asarray(r), np.asarray(c)) for r, c in nashpy.Game(A, B).support_enumeration()]
    k0 = A.shape[0] - 1
    ours = []
    for e in eqs:
        y = np.array(e.numeric_point, dtype=float)
        r = np.array([*y[:k0], 1 - y[:k0].sum()])
        c = np.array([*y[k0:], 1 - y[k0:].sum()])
        if (A @ c).max() <= r @ A @ c + 1e-9 and (r @ B).max() <= r @ B @ c + 1e-9:
            ours.append((r, c))
    key = lambda rc: tuple(np.round(np.concatenate(rc), 9))  # noqa: E731
    assert sorted(map(key, ours)) == sorted(map(key, ne))


def test_exact_points_are_the_closed_forms_of_a_parametrised_coordination_game():
    """x' = x(1-x)((a+b) y - b), y' = y(1-y)((c+d) x - d): the mixed point (d/(c+d), b/(a+b))."""
    from govgame.model import Game, Parameter, Population

    ps = [Parameter(n, value=v, sign="positive") for n, v in zip("abcd", (3.0, 1.0, 2.0, 4.0))]
    a, b, c, d = (p.symbol for p in ps)
    pops = (Population("r", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    pay = {("s", "s"): (a, c), ("s", "t"): (0, 0), ("t", "s"): (0, 0), ("t", "t"): (b, d)}
    game = Game(name="coord", populations=pops, parameters=tuple(ps), payoffs=pay)
    eqs = find_equilibria(replicator(game))
    mixed = [e for e in eqs if e.kind is Kind.INTERIOR]
    assert len(mixed) == 1
    assert sympy.simplify(mixed[0].point[0] - d / (c + d)) == 0
    assert sympy.simplify(mixed[0].point[1] - b / (a + b)) == 0
    assert not any(e.kind is Kind.BOUNDARY for e in eqs)  # no edge point: each edge's difference has one sign
    at = find_equilibria(replicator(game), params=game.values())
    assert [e.numeric_point for e in at if e.kind is Kind.INTERIOR] == [pytest.approx((4 / 6, 1 / 4), abs=1e-14)]


# ------------------------------------------------------------ where a continuum lies: continuum_domain
def _exact_positive(exprs, at):
    return all(sympy.sympify(e).xreplace(at) > 0 for e in exprs)


@pytest.mark.parametrize("floats", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_one_coordinate_domains_are_decided_exactly(seed, floats):
    """Products and ratios of linear factors with known rational roots: the sign is constant between the roots,
    so testing one point per interval (chosen here) is an exact oracle."""
    rng = np.random.default_rng(seed)
    t = sympy.Symbol("t")
    roots = sorted({sympy.Rational(int(v), 12) for v in rng.integers(-6, 19, size=5)})
    exprs = []
    for _ in range(int(rng.integers(2, 5))):
        a, b = rng.choice(len(roots), size=2, replace=False)  # simple roots (nroots may not converge on double ones)
        num = (t - roots[a]) * (1 if rng.random() < 0.5 else -1)
        exprs.append(num / (t - roots[b]) if rng.random() < 0.4 else num * (t - roots[b]))
    if floats:  # decimal coefficients: read as the rationals they equal, the roots isolated exactly
        exprs = [e.xreplace({r: sympy.Float(r, 30) for r in roots if r != 0}) for e in exprs]
    pts = [roots[0] - 1, roots[-1] + 1] + [(x + y) / 2 for x, y in zip(roots, roots[1:])]
    expect = any(_exact_positive(exprs, {t: p}) for p in pts)
    ok, method = continuum_domain(exprs, [t])
    assert (ok, method) == (expect, "exact (real roots)"), exprs


def test_decimal_coefficients_with_a_multiple_root_are_decided_exactly():
    """(t - 1/4)**2 written with decimals: sympy's nroots did not converge on the double root (NoConvergence
    escaped from the analysis); the decimals are read as the rationals they equal and the roots isolated exactly."""
    t = sympy.Symbol("t")
    F = sympy.Float
    square = t**2 - F("0.5") * t + F("0.0625")  # (t - 1/4)**2: never negative, zero only at 1/4
    assert continuum_domain([t, 1 - t, -square], [t]) == (False, "exact (real roots)")
    assert continuum_domain([t, 1 - t, square * (F("0.75") - t)], [t]) == (True, "exact (real roots)")
    assert continuum_domain([t, 1 - t, -square * (t - F("0.7")) ** 3], [t]) == (True, "exact (real roots)")
    assert continuum_domain([t - F("0.5"), F("0.5") - t, square], [t]) == (False, "exact (real roots)")


@pytest.mark.parametrize("seed", range(6))
def test_affine_domains_of_two_coordinates_are_decided_as_a_linear_program(seed):
    from scipy.optimize import linprog

    rng = np.random.default_rng(50 + seed)
    z1, z2 = sympy.symbols("z1 z2")
    exprs = [z1, z2, 1 - z1 - z2]  # the open triangle of a face
    for _ in range(2):
        c = rng.integers(-3, 4, size=3)
        exprs.append(int(c[0]) + int(c[1]) * z1 + int(c[2]) * z2)
    rows = [[-float(sympy.Poly(e, z1, z2).coeff_monomial(s)) for s in (z1, z2)] + [1.0] for e in exprs]
    rhs = [float(sympy.Poly(e, z1, z2).coeff_monomial(1)) for e in exprs]
    res = linprog([0, 0, -1], A_ub=rows, b_ub=rhs, bounds=[(None, None)] * 2 + [(None, 1.0)])
    expect = res.status == 0 and -res.fun > 1e-12
    assert continuum_domain(exprs, [z1, z2]) == (expect, "linear programming"), exprs


def test_nonlinear_domains_are_shown_by_example_excluded_by_intervals_or_left_undecided():
    z1, z2 = sympy.symbols("z1 z2")
    box = [z1, z2, 1 - z1, 1 - z2]
    assert continuum_domain([*box, z1 * z2 - sympy.Rational(1, 10)], [z1, z2]) == (True, "sampling")
    # z1, z2 > 0 make -z1 z2 < 0, and z1, z2 < 1 make z1 z2 - 1 < 0: no point, proven
    assert continuum_domain([*box, -z1 * z2], [z1, z2]) == (False, "interval branch and bound")
    assert continuum_domain([*box, z1 * z2 - 1], [z1, z2]) == (False, "interval branch and bound")
    # z1 z2 > 999/1000 holds on an area of 1 - 0.999 + 0.999 ln 0.999 ~ 5e-7 (near (1, 1)), which 4,000 random
    # points miss; branch and bound finds a point there
    assert continuum_domain([*box, z1 * z2 - sympy.Rational(999, 1000)], [z1, z2]) == (
        True,
        "interval branch and bound",
    )
    # -(z1 - z2)^2 > 0 has no solution, but the expression is 0 along the diagonal, so no box around it is
    # excluded: undecided, and said so
    ok, method = continuum_domain([*box, -(z1**2) + 2 * z1 * z2 - z2**2], [z1, z2])
    assert ok is None and "not a proof" in method
    # separate coordinates are separate questions; one impossible group decides the whole
    t, s = sympy.symbols("t s")
    assert continuum_domain([t, 1 - t, s - 2, 1 - s], [t, s]) == (False, "exact (real roots)")
    assert continuum_domain([t, 1 - t, s, 1 - s], [t, s]) == (True, "exact (real roots)")
    assert continuum_domain([t, 1 - t, z1, z2, 1 - z1 - z2], [t, z1, z2]) == (
        True,
        "exact (real roots), linear programming",
    )
    assert continuum_domain([t, sympy.Integer(-1)], [t]) == (False, "exact")
    assert continuum_domain([t, 1 - t, sympy.Rational(1, 3)], [t]) == (True, "exact (real roots)")
    assert continuum_domain([t, 1 - t, (z1 * z2 - 1) * 0 + sympy.Float(0.5)], [t])[0] is True


def test_faces_are_named_by_who_mixes_and_what_the_others_play():
    from govgame.analysis.equilibria import Face

    game = numeric_game(GAMES[2])  # three binary populations
    names = [p.name for p in game.populations]
    strategies = [p.strategies for p in game.populations]
    assert face_label(game, Face(((0, 1), (0, 1), (0, 1)))) == f"the face where {', '.join(names)} mix"
    assert face_label(game, Face(((0, 1), (1,), (0,)))) == (
        f"the face where {names[0]} mix ({names[1]} plays {strategies[1][1]}, {names[2]} plays {strategies[2][0]})"
    )
