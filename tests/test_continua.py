"""Continua: eigenvalues along them, their parts, Nash parts, distances; faces past the time budget."""

import itertools
import warnings

import nashpy
import numpy as np
import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp
from strategies import fd_jacobian, numeric_game, replicator_rhs

from govgame.analysis.continua import PartVerdict, continuum_stability, distance_to, part_index
from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, search_equilibria

A222 = np.array([[-3.0, 3.0], [-3.0, 5.0]])
B222 = np.array([[2.0, 7.0], [4.0, 2.0]])


def _continua(tensors):
    game = numeric_game(tensors)
    dyn = replicator(game)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = search_equilibria(dyn, params=game.values())
    return game, dyn, [e for e in res.equilibria if e.kind is Kind.CONTINUUM], res


def test_nashpy_222_line_has_transversal_eigenvalue_7x_minus_2():
    """The edge y = 1 of nashpy issue 222: eigenvalue 7x - 2 (derived below from the payoff table), attracting for x < 2/7."""
    game, dyn, continua, _ = _continua([A222, B222])
    (line,) = continua
    assert line.numeric_point == (None, 1.0)
    cs = continuum_stability(dyn, line, game.values())
    x = dyn.state[0]
    # column player at (x, 1): u(c1) - u(c0) = (7x + 2(1-x)) - (2x + 4(1-x)), the payoff of switching away
    expected = (B222[0, 1] * x + B222[1, 1] * (1 - x)) - (B222[0, 0] * x + B222[1, 0] * (1 - x))
    assert sympy.expand(cs.transversal[0] - expected) == 0
    # against a finite-difference Jacobian of an independent right-hand side, at points on the line
    f = replicator_rhs([A222, B222])
    for xv in (0.1, 0.2, 0.5, 0.9):
        ev = np.sort(np.linalg.eigvals(fd_jacobian(f, np.array([xv, 1.0]))).real)
        ours = np.sort([float(e.xreplace({x: sympy.Rational(repr(xv))})) for e in cs.eigenvalues])
        np.testing.assert_allclose(ev, ours, atol=1e-6)
    verdicts = [(p.verdict, p.interval, p.nash) for p in cs.parts]
    assert verdicts == [
        (PartVerdict.ATTRACTING, (0, sympy.Rational(2, 7)), True),
        (PartVerdict.REPELLING, (sympy.Rational(2, 7), 1), False),
    ]


def test_nashpy_222_nash_part_matches_nashpy_and_runs_end_on_the_attracting_part():
    """nashpy's best-response test agrees with the Nash part; runs near the line settle only on its attracting part."""
    game, dyn, (line,), _ = _continua([A222, B222])
    cs = continuum_stability(dyn, line, game.values())
    ng = nashpy.Game(A222, B222)
    for xv in np.linspace(0.01, 0.99, 23):
        (idx,) = part_index(cs, [xv])
        assert cs.parts[idx].nash == all(ng.is_best_response(np.array([xv, 1 - xv]), np.array([1.0, 0.0])))
    f = replicator_rhs([A222, B222])
    for x0 in (0.1, 0.2, 0.5, 0.8):
        sol = solve_ivp(f, (0, 200), [x0, 0.98], rtol=1e-9, atol=1e-12)
        end = sol.y[:, -1]
        d, t = distance_to(line, end[None, :], return_free=True)
        (idx,) = part_index(cs, t[:, 0])
        if d[0] < 1e-3:
            assert cs.parts[idx].verdict is PartVerdict.ATTRACTING
        else:
            assert x0 > 2 / 7


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-4, 4), min_size=6, max_size=6), st.integers(-3, 3))
def test_parts_of_an_edge_continuum_agree_with_finite_difference_eigenvalues(vals, tie):
    """Row player indifferent against column 0: the edge y = 1 is a line of rest points; check each part's verdict."""
    A = np.array([[tie, vals[0]], [tie, vals[1]]], dtype=float)
    B = np.array([[vals[2], vals[3]], [vals[4], vals[5]]], dtype=float)
    game, dyn, continua, _ = _continua([A, B])
    lines = [e for e in continua if e.numeric_point == (None, 1.0)]
    assume(lines)  # not when the whole square is made of rest points
    cs = continuum_stability(dyn, lines[0], game.values())
    f = replicator_rhs([A, B])
    covered = 0.0
    for part in cs.parts:
        lo, hi = float(part.interval[0]), float(part.interval[1])
        covered += hi - lo
        for xv in np.linspace(lo, hi, 5)[1:-1]:
            ev = np.linalg.eigvals(fd_jacobian(f, np.array([xv, 1.0]))).real
            nonzero = ev[np.abs(ev) > 1e-6]
            if part.verdict is PartVerdict.ATTRACTING:
                assert len(nonzero) == 1 and nonzero[0] < 0
            elif part.verdict is PartVerdict.REPELLING:
                assert len(nonzero) == 1 and nonzero[0] > 0
            # Nash: the column player cannot gain by switching to column 1
            gain = (B[0, 1] - B[0, 0]) * xv + (B[1, 1] - B[1, 0]) * (1 - xv)
            assert part.nash == (gain <= 1e-12)
    assert covered == pytest.approx(1.0)  # the parts cover the whole open edge


def _narrow():
    s = (2, 2, 2)
    A, B, C = np.zeros(s), np.zeros(s), np.zeros(s)
    A[0, 0, 0], A[1] = 100, 97  # D_x = 100 y z - 97
    B[0, 0, 0], B[:, 1, :] = 100, 97  # D_y = 100 x z - 97
    C[0, :, 0], C[:, 0, 1] = 1, 1  # D_z = x - y
    return [A, B, C]


def test_narrow_continuum_is_found_exactly():
    """x = y = 0.97/z exists only for z in (0.97, 1): a grid of 17 values misses it; the exact decision does not."""
    tensors = _narrow()
    game, dyn, continua, _ = _continua(tensors)
    z = dyn.state[2]
    curve = [e for e in continua if e.support == ((0, 1), (0, 1), (0, 1))]
    assert len(curve) == 1
    (e,) = curve
    assert sympy.simplify(e.numeric_form[0] - sympy.Rational(97, 100) / z) == 0
    f = replicator_rhs(tensors)
    for zv in (0.975, 0.99, 0.999):
        pt = np.array([0.97 / zv, 0.97 / zv, zv])
        assert np.abs(f(0, pt)).max() < 1e-12
        assert distance_to(e, pt[None, :])[0] < 1e-5
    assert distance_to(e, np.array([[0.5, 0.5, 0.5]]))[0] > 0.4


def test_curved_surface_distance_is_along_the_surface():
    """Rest points (x, (2z-1)/(3z-2), z): the state (0.5, 0.9, 0.5) is far from it (f_x = -0.11 there)."""
    s = (2, 2, 2)
    A, B, C = np.zeros(s), np.zeros(s), np.zeros(s)
    for j, k in itertools.product(range(2), range(2)):
        y, z = 1 - j, 1 - k
        A[0, j, k] = 3 * y * z - 2 * y - 2 * z + 1  # D_x = 3yz - 2y - 2z + 1; D_y = D_z = 0
    game, dyn, continua, _ = _continua([A, B, C])
    (surf,) = [e for e in continua if e.support == ((0, 1), (0, 1), (0, 1))]
    f = replicator_rhs([A, B, C])
    probe = np.array([[0.5, 0.9, 0.5], [0.3, 0.2, 0.7]])
    assert f(0, probe[0])[0] == pytest.approx(-0.1125)
    # independent oracle: brute-force max-norm distance to points of the surface on a fine grid
    xs, zs = np.meshgrid(np.linspace(0, 1, 401), np.linspace(0, 1, 401))
    with np.errstate(all="ignore"):
        ys = (2 * zs - 1) / (3 * zs - 2)
    ok = (ys > 0) & (ys < 1) & (xs > 0) & (xs < 1) & (zs > 0) & (zs < 1)
    pts = np.stack([xs[ok], ys[ok], zs[ok]], -1)
    brute = np.array([np.abs(pts - p).max(axis=1).min() for p in probe])
    ours = distance_to(surf, probe)
    np.testing.assert_allclose(ours, brute, atol=3e-3)
    assert ours[0] > 0.1
    on = np.array([[0.4, (2 * 0.25 - 1) / (3 * 0.25 - 2), 0.25]])  # y = 0.4
    assert distance_to(surf, on)[0] < 1e-6


def test_four_unknown_curve_is_parametrised_not_dropped():
    """x = y = 1/2, z w = 1/4 in four binary populations: listed, with w = 1/(4z)."""
    s4 = (2, 2, 2, 2)
    T = [np.zeros(s4) for _ in range(4)]
    for i, j, k, m in itertools.product(*[range(2)] * 4):
        x, y, z, w = 1 - i, 1 - j, 1 - k, 1 - m
        T[0][0, j, k, m], T[0][1, j, k, m] = 4 * z * w, 1
        T[2][i, j, 0, m], T[2][i, j, 1, m] = 2 * x, 1
        T[3][i, j, k, 0], T[3][i, j, k, 1] = 2 * y, 1
    game, dyn, continua, res = _continua(T)
    interior = [e for e in continua if all(len(s) == 2 for s in e.support)]
    assert len(interior) == 1
    (e,) = interior
    f = replicator_rhs(T)
    for zv in (0.3, 0.6, 0.9):
        pt = np.array([0.5, 0.5, zv, 0.25 / zv])
        assert np.abs(f(0, pt)).max() < 1e-12
        assert distance_to(e, pt[None, :])[0] < 1e-5


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 10_000))
def test_a_face_past_its_budget_is_solved_numerically_to_the_same_rest_points(seed):
    """With a tiny budget every nonlinear face goes to the Krawczyk fallback: same rest points as exact algebra, and a note."""
    rng = np.random.default_rng(seed)
    shape = (2, 2, 2)
    tensors = [rng.integers(-5, 6, size=shape).astype(float) for _ in shape]
    game = numeric_game(tensors)
    dyn = replicator(game)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exact = search_equilibria(dyn, params=game.values(), budget=None)
        fast = search_equilibria(dyn, params=game.values(), budget=1e-9)
    if any(e.kind is Kind.CONTINUUM for e in exact.equilibria):
        return  # a degenerate draw: the numeric fallback does not parametrise continua
    pts_exact = sorted(e.numeric_point for e in exact.equilibria)
    pts_fast = sorted(e.numeric_point for e in fast.equilibria)
    assert len(pts_exact) == len(pts_fast)
    np.testing.assert_allclose(np.array(pts_exact), np.array(pts_fast), atol=1e-10)
    assert any("Krawczyk" in n for n in fast.notes)
    assert not any("Krawczyk" in n for n in exact.notes)


def test_nonlinear_face_closed_form_without_values():
    """Three binary populations whose interior point has a closed form: found without values, with exists_if."""
    from govgame.model import Game, Parameter, Population

    a = Parameter("a", value=2.0, sign="positive")
    A = a.symbol
    pops = tuple(Population(n, (f"{n}0", f"{n}1"), (s,)) for n, s in (("p", "x"), ("q", "y"), ("r", "z")))
    x, y, z = (p.share_symbols[0] for p in pops)

    # payoff differences u_0 - u_1: D_x = 4 y z - a, D_y = x - z, D_z = x - y (each free of its own share)
    def table(diff, own):
        out = {}
        for prof in itertools.product(*(p.strategies for p in pops)):
            sub = {x: int(prof[0].endswith("0")), y: int(prof[1].endswith("0")), z: int(prof[2].endswith("0"))}
            out[prof] = diff.xreplace(sub) if prof[own].endswith("0") else sympy.Integer(0)
        return out

    tabs = [table(4 * y * z - A, 0), table(x - z, 1), table(x - y, 2)]
    pay = {prof: tuple(t[prof] for t in tabs) for prof in tabs[0]}
    game = Game("cf", pops, (a,), pay)
    dyn = replicator(game)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = search_equilibria(dyn, params={})
    interior = [e for e in res.equilibria if e.kind is Kind.INTERIOR]
    assert interior, res.notes
    # x = y = z and 4 x^2 = a: x = sqrt(a)/2, inside for 0 < a < 4
    (e,) = interior
    assert all(sympy.simplify(c - sympy.sqrt(A) / 2) == 0 for c in e.point)
    for av, inside in ((1.0, True), (3.9, True), (4.5, False)):
        holds = all(bool(r.xreplace({A: sympy.Rational(repr(av))})) for r in e.exists_if)
        assert holds == inside
