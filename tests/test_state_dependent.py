"""State-dependent payoffs (SPEC 1.5): model files of format 2, one-population games, replicator dynamics.

Oracles: a replicator right-hand side written here from the textbook formula (expected payoffs summed profile by
profile, each payoff evaluated at the state), its central finite-difference Jacobian, and closed forms derived by
hand (Hawk-Dove).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import fd_jacobian

from govgame.dynamics import numeric_payoffs, replicator
from govgame.errors import ModelError, SimulationError
from govgame.loader import loads_model
from govgame.model import Game, Parameter, Population, share_symbol

HAWK_DOVE = """
[game]
name = "hawk_dove"
format = 2
[[population]]
name = "animals"
strategies = ["hawk", "dove"]
share = "x"
[parameters.V]
value = 2.0
sign = "positive"
[parameters.C]
value = 3.0
sign = "positive"
[definitions]
fight = "x * (V - C) / 2"
[[payoff]]
profile = ["hawk"]
animals = "fight + (1 - x) * V"
[[payoff]]
profile = ["dove"]
animals = "(1 - x) * V / 2"
"""


# ------------------------------------------------------------------------ model files
def test_format_2_files_may_use_shares_in_payoffs_and_definitions():
    game = loads_model(HAWK_DOVE)
    assert game.format == 2 and game.state_dependent
    assert len(game.populations) == 1
    x = share_symbol("x")
    V, C = game.parameter("V").symbol, game.parameter("C").symbol
    assert sympy.expand(game.payoff(["hawk"])[0] - (x * (V - C) / 2 + (1 - x) * V)) == 0


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "format = 2\n",
            "",
            r"<string>: \[definitions\] fight: share symbol \"x\" may not appear here: .*add format = 2",
        ),
        ("format = 2", "format = 3", r"\[game\] format = 3 is not a model-file format; use format = 2"),
        ("format = 2", 'format = "2"', r"\[game\] format = '2' is not a model-file format"),
        ("format = 2", "format = true", r"\[game\] format = True is not a model-file format"),
        (
            '[[payoff]]\nprofile = ["hawk"]',
            '[assumptions]\nrelations = ["x < V"]\n[[payoff]]\nprofile = ["hawk"]',
            r"assumptions relate parameters only",
        ),
        ('animals = "(1 - x) * V / 2"', 'animals = "(1 - x) ** V"', r"exponent .* must be a rational number"),
        ('animals = "(1 - x) * V / 2"', 'animals = "x ** 101"', r"absolute value above 100"),
    ],
)
def test_bad_format_2_files_give_one_line_errors(old, new, message):
    assert old in HAWK_DOVE
    with pytest.raises(ModelError, match=message) as info:
        loads_model(HAWK_DOVE.replace(old, new, 1))
    assert "\n" not in str(info.value)


def test_version_1_files_keep_their_meaning():
    text = HAWK_DOVE.replace("format = 2\n", "").replace("x * (V - C) / 2", "(V - C) / 2").replace("(1 - x) * ", "")
    game = loads_model(text)
    assert game.format == 1 and not game.state_dependent
    assert game.payoff(["dove"])[0] == game.parameter("V").symbol / 2


def test_real_exponents_are_allowed():
    text = HAWK_DOVE.replace('animals = "(1 - x) * V / 2"', 'animals = "x**0.61 / (x**0.61 + (1 - x)**0.61)**(1/0.61)"')
    game = loads_model(text)
    w = game.payoff(["dove"])[0]
    x = share_symbol("x")
    g = sympy.Rational(61, 100)
    assert sympy.simplify(w - x**g / (x**g + (1 - x) ** g) ** (1 / g)) == 0


def test_python_games_need_format_2_for_shares():
    x = share_symbol("x")
    pops = (Population("a", ("h", "d"), ("x",)),)
    with pytest.raises(ModelError, match='uses the share symbol "x"; state-dependent payoffs need format 2'):
        Game("g", pops, (), {("h",): (x,), ("d",): (0,)})
    assert Game("g", pops, (), {("h",): (x,), ("d",): (0,)}, format=2).state_dependent


def test_numeric_payoffs_exist_only_at_a_state():
    game = loads_model(HAWK_DOVE)
    with pytest.raises(SimulationError, match="depend on the state"):
        numeric_payoffs(game, game.values())
    (t,) = numeric_payoffs(game, game.values(), state=[0.25])
    # pi(hawk) = x (V - C)/2 + (1 - x) V, pi(dove) = (1 - x) V / 2 with V = 2, C = 3, x = 1/4
    assert t.tolist() == pytest.approx([0.25 * (-0.5) + 0.75 * 2, 0.75])


# ------------------------------------------------------------------------ dynamics
def test_hawk_dove_replicator_and_jacobian_by_hand():
    """u_h - u_d = (V - C x)/2, so xdot = x (1 - x) (V - C x)/2 and J = d/dx of it."""
    game = loads_model(HAWK_DOVE)
    dyn = replicator(game)
    x = share_symbol("x")
    V, C = game.parameter("V").symbol, game.parameter("C").symbol
    assert sympy.expand(dyn.rhs[0] - x * (1 - x) * (V - C * x) / 2) == 0
    by_hand = sympy.diff(x * (1 - x) * (V - C * x) / 2, x)
    assert sympy.expand(dyn.jacobian[0, 0] - by_hand) == 0
    nd = dyn.numeric(game.values())
    X = np.array([[0.1], [2 / 3], [0.9]])
    v, c = 2.0, 3.0
    expected_f = X[:, 0] * (1 - X[:, 0]) * (v - c * X[:, 0]) / 2
    np.testing.assert_allclose(nd.f(X)[:, 0], expected_f, rtol=1e-13)
    # at the interior rest point x* = V/C the eigenvalue is -x*(1 - x*) C / 2
    xs = v / c
    assert nd.jacobian(np.array([xs]))[0, 0] == pytest.approx(-xs * (1 - xs) * c / 2, rel=1e-12)


SMOOTH_TERMS = ("linear", "product", "weight", "power", "exp")


def _term(kind, ys, rng):
    a = ys[rng.integers(len(ys))]
    b = ys[rng.integers(len(ys))]
    g = sympy.Rational(int(rng.integers(40, 90)), 100)
    return {
        "linear": a,
        "product": a * b,
        "weight": a**g / (a**g + (1 - a) ** g) ** (1 / g),
        "power": (a + sympy.Rational(1, 4)) ** g,
        "exp": sympy.exp(-a * b),
    }[kind]


def random_state_game(shape, seed, kinds=SMOOTH_TERMS):
    """Payoffs c0 + c1 * term(state) with random terms in any shares (own ones too), numeric coefficients."""
    rng = np.random.default_rng(seed)
    names = ["x", "y", "z", "w"]
    pops = []
    for i, k in enumerate(shape):
        shares = (names[i],) if k == 2 else tuple(f"{names[i]}{j + 1}" for j in range(k - 1))
        pops.append(Population(f"p{i}", tuple(f"s{i}_{j}" for j in range(k)), shares))
    ys = [share_symbol(s) for p in pops for s in p.shares]
    payoffs = {}
    for idx in itertools.product(*(range(k) for k in shape)):
        profile = tuple(p.strategies[j] for p, j in zip(pops, idx))
        vals = []
        for _ in pops:
            term = _term(kinds[rng.integers(len(kinds))], ys, rng)
            vals.append(int(rng.integers(-3, 4)) + int(rng.integers(-3, 4)) * term)
        payoffs[profile] = tuple(vals)
    return Game("random_state", tuple(pops), (Parameter("c", value=1.0),), payoffs, format=2)


def independent_rhs(game):
    """The replicator field written from the textbook formula, payoffs evaluated at each state."""
    state = game.state_symbols
    fns = {pr: [sympy.lambdify(state, v, modules="math") for v in game.payoffs[pr]] for pr in game.profiles}
    shape = game.shape

    def f(_t, s):
        shares, i = [], 0
        for k in shape:
            y = list(s[i : i + k - 1])
            shares.append([*y, 1.0 - sum(y)])
            i += k - 1
        out = []
        for p, pop in enumerate(game.populations):
            u = [0.0] * pop.k
            for idx in itertools.product(*(range(k) for k in shape)):
                weight = math.prod(shares[q][idx[q]] for q in range(len(shape)) if q != p)
                profile = tuple(q.strategies[j] for q, j in zip(game.populations, idx))
                u[idx[p]] += fns[profile][p](*s) * weight
            ubar = sum(a * b for a, b in zip(shares[p], u))
            out.extend(shares[p][i] * (u[i] - ubar) for i in range(pop.k - 1))
        return np.array(out)

    return f


def _interior_state(game, rng):
    out = []
    for pop in game.populations:
        w = rng.dirichlet(np.ones(pop.k) * 2)
        out.extend(w[:-1])
    return np.array(out)


@settings(max_examples=6, deadline=None)
@given(
    st.sampled_from([(2,), (3,), (2, 2), (2, 3), (3, 2), (2, 2, 2)]),
    st.integers(0, 10_000),
)
def test_state_dependent_field_and_jacobians_match_an_independent_derivation(shape, seed):
    game = random_state_game(shape, seed)
    assert game.state_dependent
    dyn = replicator(game)
    nd = dyn.numeric(game.values())
    f_ref = independent_rhs(game)
    rng = np.random.default_rng(seed)
    for _ in range(3):
        s = _interior_state(game, rng)
        np.testing.assert_allclose(nd.f(s), f_ref(0, s), atol=1e-12)
        J_fd = fd_jacobian(f_ref, s, h=1e-6)
        np.testing.assert_allclose(nd.jacobian(s), J_fd, atol=1e-6)
        J_sym = np.array(dyn.jacobian.xreplace(dict(zip(dyn.state, map(sympy.Float, s)))).evalf().tolist(), dtype=float)
        np.testing.assert_allclose(J_sym, J_fd, atol=1e-6)


def test_numeric_dynamics_is_vectorised_for_state_dependent_payoffs():
    game = random_state_game((2, 3), 7)
    nd = replicator(game).numeric(game.values())
    rng = np.random.default_rng(3)
    X = np.stack([[_interior_state(game, rng) for _ in range(4)] for _ in range(2)])
    out, J = nd.f(X), nd.jacobian(X)
    assert out.shape == X.shape and J.shape == (2, 4, 3, 3)
    np.testing.assert_allclose(out[1, 2], nd.f(X[1, 2]), rtol=1e-14)
    np.testing.assert_allclose(J[1, 2], nd.jacobian(X[1, 2]), rtol=1e-14)


def test_faces_stay_invariant_with_state_dependent_payoffs():
    game = random_state_game((2, 3), 11)
    dyn = replicator(game)
    for y, f in zip(dyn.state, dyn.rhs):
        assert sympy.simplify(f.xreplace({y: 0})) == 0
