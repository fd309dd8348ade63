"""Replicator dynamics: invariants and an independent numeric derivation."""

import itertools

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from strategies import fd_jacobian, integer_tensors, numeric_game, replicator_rhs, symbolic_game

from govgame.analysis.dynamics import numeric_payoffs, replicator
from govgame.analysis.equilibria import vertex_point


@settings(max_examples=30, deadline=None)
@given(integer_tensors())
def test_every_pure_profile_is_a_rest_point(tensors):
    dyn = replicator(numeric_game(tensors))
    for idx in itertools.product(*(range(k) for k in tensors[0].shape)):
        at = dict(zip(dyn.state, vertex_point(dyn.game, idx)))
        assert all(sympy.expand(f.xreplace(at)) == 0 for f in dyn.rhs)


@settings(max_examples=30, deadline=None)
@given(integer_tensors())
def test_faces_are_invariant(tensors):
    """A strategy with share 0 keeps share 0: its coordinate's rhs vanishes identically there."""
    dyn = replicator(numeric_game(tensors))
    for i, (y, f) in enumerate(zip(dyn.state, dyn.rhs)):
        assert sympy.expand(f.xreplace({y: 0})) == 0, i
    # and for binary populations the other end too
    for pop in dyn.game.populations:
        if pop.k == 2:
            y = pop.share_symbols[0]
            idx = dyn.state.index(y)
            assert sympy.expand(dyn.rhs[idx].xreplace({y: 1})) == 0


@settings(max_examples=12, deadline=None)
@given(integer_tensors())
def test_rhs_and_jacobian_match_an_independent_derivation(tensors):
    game = numeric_game(tensors)
    dyn = replicator(game)
    f_ref = replicator_rhs(tensors)
    nd = dyn.numeric(game.values())
    rng = np.random.default_rng(0)
    for _ in range(5):
        x = _random_state(game, rng)
        np.testing.assert_allclose(nd.f(x), f_ref(0, x), atol=1e-12)
        # symbolic Jacobian against central finite differences of the independent rhs
        J = np.array(dyn.jacobian.xreplace(dict(zip(dyn.state, map(sympy.Float, x)))).tolist(), dtype=float)
        np.testing.assert_allclose(J, fd_jacobian(f_ref, x), atol=1e-6)
        np.testing.assert_allclose(nd.jacobian(x), J, atol=1e-12)


def test_numeric_form_is_vectorised():
    game = symbolic_game((2, 2, 2), seed=4)
    nd = replicator(game).numeric(game.values())
    X = np.random.default_rng(1).uniform(0, 1, size=(7, 5, 3))
    out = nd.f(X)
    assert out.shape == X.shape
    np.testing.assert_allclose(out[3, 2], nd.f(X[3, 2]))
    assert nd.jacobian(X).shape == (7, 5, 3, 3)


def test_numeric_payoffs_are_the_payoff_table_at_the_values():
    game = symbolic_game((2, 3), seed=2)
    values = game.values()
    tensors = numeric_payoffs(game, values)
    subs = game.subs_map(values)
    for idx in itertools.product(range(2), range(3)):
        profile = tuple(p.strategies[j] for p, j in zip(game.populations, idx))
        for p in range(2):
            assert tensors[p][idx] == pytest.approx(float(game.payoff(profile)[p].xreplace(subs)))


def test_binary_rhs_is_factored_as_x_one_minus_x_times_difference():
    game = symbolic_game((2, 2), seed=5)
    dyn = replicator(game)
    x = dyn.state[0]
    assert sympy.expand(dyn.rhs[0] - x * (1 - x) * dyn.differences[0][0]) == 0


def _random_state(game, rng):
    out = []
    for pop in game.populations:
        w = rng.dirichlet(np.ones(pop.k))
        out.extend(w[:-1])
    return np.array(out)


def test_two_population_trajectories_match_nashpy():
    """govgame's numeric field, integrated with solve_ivp, follows nashpy's asymmetric replicator dynamics."""
    import nashpy
    from scipy.integrate import solve_ivp
    from strategies import numeric_game

    rng = np.random.default_rng(11)
    for m, n in [(2, 2), (2, 3), (3, 3)]:
        A = rng.integers(-5, 6, size=(m, n)).astype(float)
        B = rng.integers(-5, 6, size=(m, n)).astype(float)
        game = numeric_game([A, B])
        nd = replicator(game).numeric(game.values())
        x0, y0 = rng.dirichlet(np.ones(m)), rng.dirichlet(np.ones(n))
        t = np.linspace(0, 5, 51)
        xs, ys = nashpy.Game(A, B).asymmetric_replicator_dynamics(x0=x0, y0=y0, timepoints=t)
        start = np.concatenate([x0[:-1], y0[:-1]])
        sol = solve_ivp(lambda _t, s, nd=nd: nd.f(s), (0, 5), start, t_eval=t, rtol=1e-10, atol=1e-12)
        ours = sol.y.T
        np.testing.assert_allclose(ours[:, : m - 1], xs[:, : m - 1], atol=1e-6)
        np.testing.assert_allclose(ours[:, m - 1 :], ys[:, : n - 1], atol=1e-6)
