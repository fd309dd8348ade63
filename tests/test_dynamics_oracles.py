"""Replicator dynamics against independent oracles, fast and deterministic (the mutation run's selection).

Every check compares with something written without govgame: the textbook replicator field of
``strategies.replicator_rhs``, central finite differences of it, the payoff numbers the game was built
from, or a closed form worked out by hand.
"""

import itertools

import numpy as np
import pytest
import sympy
from strategies import fd_jacobian, numeric_game, populations, replicator_rhs

from govgame.analysis.dynamics import numeric_payoffs, parameter_vector, payoff_evaluator, replicator
from govgame.errors import ParameterError
from govgame.model import Game, Parameter

SHAPES = [(2, 2), (3, 2), (2, 3), (2, 2, 2), (3, 3)]


def _tensors(shape, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(-5, 6, size=shape).astype(float) for _ in shape]


def _states(shape, rng, m):
    """``m`` random interior states in reduced coordinates (each population's shares sum below 1)."""
    cols = []
    for k in shape:
        w = rng.dirichlet(np.ones(k), size=m)
        cols.append(w[:, : k - 1])
    return np.concatenate(cols, axis=1)


@pytest.mark.parametrize("shape", SHAPES)
def test_numeric_field_and_jacobian_equal_the_textbook_field_and_its_finite_differences(shape):
    tensors = _tensors(shape, sum(shape))
    game = numeric_game(tensors)
    nd = replicator(game).numeric(game.values())
    ref = replicator_rhs(tensors)
    X = _states(shape, np.random.default_rng(1), 4)
    F, J = nd.f(X), nd.jacobian(X)  # batched: shape (4, n) and (4, n, n)
    assert F.shape == X.shape and J.shape == (*X.shape, X.shape[1])
    for i, x in enumerate(X):
        np.testing.assert_allclose(F[i], ref(0, x), atol=1e-12)
        np.testing.assert_allclose(J[i], fd_jacobian(ref, x), atol=1e-6)


@pytest.mark.parametrize("shape", [(2, 2), (3, 2), (2, 2, 2)])
def test_symbolic_field_expected_payoffs_and_differences_equal_the_textbook_ones(shape):
    tensors = _tensors(shape, 7 + len(shape))
    game = numeric_game(tensors)
    dyn = replicator(game)
    ref = replicator_rhs(tensors)
    x = _states(shape, np.random.default_rng(3), 1)[0]
    at = dict(zip(dyn.state, (sympy.Rational(v).limit_denominator(10**6) for v in x)))
    xr = np.array([float(v) for v in at.values()])
    np.testing.assert_allclose([float(f.xreplace(at)) for f in dyn.rhs], ref(0, xr), atol=1e-12)
    # expected payoffs by brute force over profiles
    full, i = [], 0
    for k in shape:
        y = list(xr[i : i + k - 1])
        full.append([*y, 1 - sum(y)])
        i += k - 1
    for p, k in enumerate(shape):
        u = np.zeros(k)
        for idx in itertools.product(*(range(kk) for kk in shape)):
            u[idx[p]] += tensors[p][idx] * np.prod([full[q][idx[q]] for q in range(len(shape)) if q != p])
        np.testing.assert_allclose([float(e.xreplace(at)) for e in dyn.expected[p]], u, atol=1e-12)
        np.testing.assert_allclose([float(d.xreplace(at)) for d in dyn.differences[p]], u[:-1] - u[-1], atol=1e-12)
    assert dyn.offsets == tuple(np.cumsum([0] + [k - 1 for k in shape])[:-1])
    assert dyn.state == game.state_symbols
    J = np.array(dyn.jacobian.xreplace(at).tolist(), dtype=float)
    np.testing.assert_allclose(J, fd_jacobian(ref, xr), atol=1e-6)


def test_representation_names_the_game_and_the_state():
    game = numeric_game(_tensors((2, 2), 0), name="tiny")
    assert repr(replicator(game)) == "<Dynamics of tiny: state x, y>"


def _parametric_game():
    """Two binary populations; payoffs a, b, a - b, 2 at the four profiles for both populations."""
    pops = populations((2, 2))
    params = (Parameter("a", value=2.0), Parameter("b", value=1.0))
    a, b = (q.symbol for q in params)
    rows = [(a, b), (b, a), (a - b, 2), (2, a - b)]
    pay = dict(zip(itertools.product(*(p.strategies for p in pops)), [tuple(map(sympy.sympify, r)) for r in rows]))
    return Game("param", pops, params, pay)


def test_payoff_tensors_are_the_payoffs_at_the_values_through_every_entry_point():
    game = _parametric_game()
    vals = {"a": 3.0, "b": 0.5}
    expect = [np.array([[3.0, 0.5], [2.5, 2.0]]), np.array([[0.5, 3.0], [2.0, 2.5]])]
    dyn = replicator(game)
    for got in (numeric_payoffs(game, vals), numeric_payoffs(dyn, vals), payoff_evaluator(game)(vals),
                payoff_evaluator(dyn)(vals), dyn.numeric(vals).tensors):  # fmt: skip
        assert len(got) == 2
        for g, e in zip(got, expect):
            assert g.shape == (2, 2) and g.flags.c_contiguous
            np.testing.assert_array_equal(g, e)
    # at states, for payoffs that do not depend on the state: the same numbers, broadcast over states
    X = np.array([[0.1, 0.2], [0.3, 0.9], [0.5, 0.5]])
    for system in (dyn, game):
        at = numeric_payoffs(system, vals, state=X.tolist())
        for g, e in zip(at, expect):
            assert g.shape == (3, 2, 2)
            np.testing.assert_allclose(g, np.broadcast_to(e, (3, 2, 2)))
    grid = np.random.default_rng(0).uniform(0, 1, size=(2, 3, 2))  # states on a grid: any leading shape
    for g, e in zip(numeric_payoffs(game, vals, state=grid), expect):
        assert g.shape == (2, 3, 2, 2)
        np.testing.assert_allclose(g, np.broadcast_to(e, (2, 3, 2, 2)))
    np.testing.assert_array_equal(parameter_vector(game, {"b": 0.5, "a": 3.0}), [3.0, 0.5])


@pytest.mark.parametrize(
    "vals, needle",
    [({"a": 1.0}, "parameter b has no value"), ({"a": float("nan"), "b": 1.0}, "parameter a"),
     ({"a": 1.0, "b": float("inf")}, "parameter b")],
)  # fmt: skip
def test_missing_and_non_finite_values_name_the_parameter(vals, needle):
    game = _parametric_game()
    for call in (lambda: numeric_payoffs(game, vals), lambda: payoff_evaluator(replicator(game))(vals),
                 lambda: parameter_vector(game, vals)):  # fmt: skip
        with pytest.raises(ParameterError, match=needle) as info:
            call()
        assert info.value.parameter == needle.split()[1]


def test_a_value_that_is_not_a_number_is_a_parameter_error():
    game = _parametric_game()
    with pytest.raises(ParameterError, match="parameter a") as info:
        parameter_vector(game, {"a": "three", "b": 1.0})
    assert info.value.parameter == "a"


def test_the_compiled_payoff_function_refuses_values_that_are_not_finite():
    """``Dynamics.payoff_function`` is public: called directly it checks its values itself."""
    dyn = replicator(_parametric_game())
    np.testing.assert_array_equal(dyn.payoff_function(3.0, 0.5), [[3.0, 0.5], [0.5, 3.0], [2.5, 2.0], [2.0, 2.5]])
    with pytest.raises(ParameterError, match="parameter b has the value nan; values must be finite") as info:
        dyn.payoff_function(1.0, float("nan"))
    assert info.value.parameter == "b"


def test_payoffs_up_to_the_magnitude_bound_are_numbers_and_beyond_it_an_error():
    game = _parametric_game()
    assert numeric_payoffs(game, {"a": 1e12, "b": 0.0})[0][0, 0] == 1e12  # a payoff exactly at the bound
    pops = populations((2, 2))
    params = (Parameter("a", value=2.0), Parameter("b", value=1.0))
    a, b = (q.symbol for q in params)
    pay = {pr: (a * b, sympy.Integer(1)) for pr in itertools.product(*(p.strategies for p in pops))}
    product = Game("product", pops, params, pay)
    assert numeric_payoffs(product, {"a": 1e6, "b": 1e6})[0][1, 1] == 1e12
    with pytest.raises(ParameterError, match="p0"):
        numeric_payoffs(product, {"a": 1e7, "b": 1e6})  # finite, but beyond the bound on magnitudes


def test_a_payoff_that_divides_by_zero_names_the_population_and_profile():
    pops = populations((2, 2))
    params = (Parameter("a", value=2.0), Parameter("b", value=1.0))
    a, b = (q.symbol for q in params)
    names = list(itertools.product(*(p.strategies for p in pops)))
    pay = {n: (sympy.Integer(1), sympy.Integer(1)) for n in names}
    pay[names[2]] = (sympy.Integer(1), 1 / (a - b))
    game = Game("div", pops, params, pay)
    np.testing.assert_allclose(numeric_payoffs(game, {"a": 3.0, "b": 1.0})[1][1, 0], 0.5)
    with pytest.raises(ParameterError, match="not|finite|zero"):
        numeric_payoffs(game, {"a": 1.0, "b": 1.0})
