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

from govgame.analysis.dynamics import numeric_payoffs, replicator
from govgame.errors import ModelError, ParameterError
from govgame.model.game import Game, Parameter, Population, share_symbol
from govgame.model.loader import loads_model

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
    with pytest.raises(ParameterError, match="depend on the state"):
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
    np.testing.assert_allclose(nd.f(X)[:, 0], expected_f, rtol=1e-13, atol=1e-15)  # x = 2/3 is the root: rounding only
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


# ------------------------------------------------------------------------ rest points and stability
from govgame.analysis import state_dependent as sd  # noqa: E402
from govgame.analysis.equilibria import Kind, find_equilibria, search_equilibria  # noqa: E402
from govgame.analysis.regions import Region  # noqa: E402
from govgame.analysis.stability import stability  # noqa: E402
from govgame.analysis.verdicts import Verdict  # noqa: E402


def _mixed(game, values=None, assumptions=()):
    """Stability of every non-vertex rest point, through the state-dependent branch."""
    values = game.values() if values is None else values
    dyn = replicator(game)
    region = Region(game, values)
    subs = game.subs_map(values) if game.complete(values) else None
    eqs = find_equilibria(dyn, params=values, region=region)
    return [sd.mixed_stability(dyn, e, subs, region, 1e-9) for e in eqs if e.kind is not Kind.PURE]


def test_hawk_dove_interior_ess_closed_form():
    """x* = V/C; eigenvalue -x*(1 - x*) C/2 = -V (C - V)/(2 C), derived by hand from xdot = x(1-x)(V - C x)/2."""
    game = loads_model(HAWK_DOVE)
    V, C = game.parameter("V").symbol, game.parameter("C").symbol
    (st_sym,) = _mixed(game, values={})
    assert st_sym.equilibrium.point == (V / C,)
    assert st_sym.equilibrium.method == "closed form"
    assert sympy.simplify(st_sym.eigenvalues[0] + V * (C - V) / (2 * C)) == 0
    assert st_sym.verdict is Verdict.CONDITIONAL and st_sym.can_be_ess
    assert st_sym.witness["C"] > st_sym.witness["V"]  # the ESS needs C > V
    (st,) = _mixed(game)  # V = 2, C = 3
    assert st.numeric.verdict is Verdict.ESS
    assert st.numeric.eigenvalues[0] == pytest.approx(-(2 / 3) * (1 / 3) * 3 / 2)
    # with C > V assumed, the interior point is an ESS wherever it exists
    text = HAWK_DOVE.replace(
        '[[payoff]]\nprofile = ["hawk"]', '[assumptions]\nrelations = ["C > V"]\n[[payoff]]\nprofile = ["hawk"]', 1
    )
    (assumed,) = _mixed(loads_model(text), values={})
    assert assumed.verdict is Verdict.ESS and not assumed.stability_conditions


def test_vertex_eigenvalues_are_payoff_differences_at_the_vertex():
    game = loads_model(HAWK_DOVE)
    st = stability(replicator(game), find_equilibria(replicator(game)))
    V, C = game.parameter("V").symbol, game.parameter("C").symbol
    by_profile = {s.equilibrium.profile: s for s in st if s.equilibrium.profile}
    # all doves (x = 0): a hawk earns V, a dove V/2; all hawks (x = 1): a dove earns 0, a hawk (V - C)/2
    assert sympy.simplify(by_profile[("dove",)].eigenvalues[0] - V / 2) == 0
    assert sympy.simplify(by_profile[("hawk",)].eigenvalues[0] - (C - V) / 2) == 0


def rps(a, b):
    """Rock-paper-scissors with win a and loss b as a one-population game of three strategies."""
    y1, y2 = share_symbol("y1"), share_symbol("y2")
    y3 = 1 - y1 - y2
    pops = (Population("players", ("rock", "paper", "scissors"), ("y1", "y2")),)
    A, B = Parameter("a", value=a, sign="positive"), Parameter("b", value=b, sign="positive")
    sa, sb = A.symbol, B.symbol
    payoffs = {("rock",): (sa * y3 - sb * y2,), ("paper",): (sa * y1 - sb * y3,), ("scissors",): (sa * y2 - sb * y1,)}
    return Game("rps", pops, (A, B), payoffs, format=2)


@pytest.mark.parametrize(("a", "b"), [(2.0, 1.0), (1.0, 1.0), (1.0, 3.0)])
def test_rock_paper_scissors_centre(a, b):
    """Eigenvalues at the centre: (b - a)/6 +- i sqrt(3)(a + b)/6 (circulant matrix, derived by hand)."""
    game = rps(a, b)
    (st,) = _mixed(game)
    assert st.equilibrium.point == (sympy.Rational(1, 3), sympy.Rational(1, 3))
    ev = sorted(st.numeric.eigenvalues, key=lambda z: z.imag)
    expected = [complex((b - a) / 6, -math.sqrt(3) * (a + b) / 6), complex((b - a) / 6, math.sqrt(3) * (a + b) / 6)]
    np.testing.assert_allclose(ev, expected, atol=1e-12)
    want = {1: Verdict.ESS, 0: Verdict.NON_HYPERBOLIC, -1: Verdict.SOURCE}[int(np.sign(a - b))]
    assert st.numeric.verdict is want


def test_rock_paper_scissors_routh_hurwitz_conditions():
    """Symbolically: tr J = (b - a)/3 < 0 and det J > 0, i.e. stable exactly when a > b."""
    (st,) = _mixed(rps(2.0, 1.0), values={})
    a, b = sympy.Symbol("a", positive=True), sympy.Symbol("b", positive=True)
    assert len(st.stability_conditions) == 1  # det J = ((a - b)^2 + 3 (a + b)^2)/36 > 0 always holds
    (c,) = st.stability_conditions
    assert isinstance(c, sympy.StrictLessThan) and c.rhs == 0
    assert sympy.simplify(c.lhs - (b - a) / 3) == 0  # the trace
    assert st.verdict is Verdict.CONDITIONAL and st.witness["a"] > st.witness["b"]


WEIGHTED_INSPECTION = """
[game]
name = "inspection_weighted"
format = 2
[[population]]
name = "inspector"
strategies = ["inspect", "trust"]
share = "x"
[[population]]
name = "firm"
strategies = ["comply", "cheat"]
share = "y"
[parameters.c]
value = 1.0
[parameters.F]
value = 4.0
[parameters.g]
value = 2.0
[parameters.b]
value = 3.0
[definitions]
w = "x**0.61 / (x**0.61 + (1 - x)**0.61)**(1/0.61)"
[[payoff]]
profile = ["inspect", "comply"]
inspector = "-c"
firm = "0"
[[payoff]]
profile = ["inspect", "cheat"]
inspector = "F - c"
firm = "g - w * F"
[[payoff]]
profile = ["trust", "comply"]
inspector = "0"
firm = "0"
[[payoff]]
profile = ["trust", "cheat"]
inspector = "-b"
firm = "g - w * F"
"""


def test_non_polynomial_interior_point_is_certified_against_mpmath():
    """The firm is indifferent where the weighted detection w(x) = g/F; the inspector where y = 1 - c/(F + b)."""
    import mpmath

    game = loads_model(WEIGHTED_INSPECTION)
    found = search_equilibria(replicator(game), params=game.values())
    inner = [e for e in found.equilibria if e.kind is Kind.INTERIOR]
    assert len(inner) == 1 and inner[0].method == "krawczyk" and not found.notes
    mpmath.mp.dps = 40
    gam = mpmath.mpf(61) / 100
    xs = mpmath.findroot(lambda t: t**gam / (t**gam + (1 - t) ** gam) ** (1 / gam) - mpmath.mpf(2) / 4, 0.6)
    x, y = inner[0].numeric_point
    assert abs(x - float(xs)) < 1e-9 and abs(y - 6 / 7) < 1e-9
    # the interval method certified it; without values the face is not solved, and the notes say so
    found = search_equilibria(replicator(game))
    assert not [e for e in found.equilibria if e.kind is Kind.INTERIOR]
    assert any("not polynomial" in r for r in found.notes)
    # D_x depends only on y and D_y only on x: the face Jacobian has a zero diagonal, so a centre
    (st,) = _mixed(game)
    assert st.numeric.verdict is Verdict.NON_HYPERBOLIC
    assert all(abs(v.real) < 1e-12 and abs(v.imag) > 0.1 for v in st.numeric.eigenvalues)


def test_unresolved_rest_points_are_reported_not_dropped():
    """D(x) = (x - 1/2)^2 w-like: a double root of a non-polynomial face equation is named in the notes."""
    text = HAWK_DOVE.replace('animals = "(1 - x) * V / 2"', 'animals = "fight + (1 - x) * V - (x**0.5 - 0.5**0.5)**2"')
    game = loads_model(text)
    found = search_equilibria(replicator(game), params=game.values())
    assert not [e for e in found.equilibria if e.kind is Kind.INTERIOR]
    assert len(found.notes) == 1 and "may lie in x in [0.49999" in found.notes[0]


def test_infinite_payoff_slope_at_a_face_is_named():
    """A boundary rest point with x = 0 where the consumer's payoff has the weight w(x): dz/dt has slope inf in x."""
    x, z = share_symbol("x"), share_symbol("z")
    g = sympy.Rational(61, 100)
    w = x**g / (x**g + (1 - x) ** g) ** (1 / g)
    pops = (Population("gov", ("strict", "lax"), ("x",)), Population("cons", ("ret", "sell"), ("z",)))
    # D_x = -1 (strict never pays), D_z = 1/2 - z + 2 w(x): rest point (0, 1/2)
    payoffs = {
        ("strict", "ret"): (-1, sympy.Rational(1, 2) - z + 2 * w),
        ("strict", "sell"): (-1, 0),
        ("lax", "ret"): (0, sympy.Rational(1, 2) - z + 2 * w),
        ("lax", "sell"): (0, 0),
    }
    game = Game("pinned", pops, (Parameter("c", value=1.0),), payoffs, format=2)
    sts = _mixed(game)
    (st,) = [s for s in sts if s.equilibrium.numeric_point == (0.0, 0.5)]
    assert "infinite derivatives" in st.method and "d(dz/dt)/dx" in st.method
    ev = sorted(v.real for v in st.numeric.eigenvalues)
    assert ev == pytest.approx([-1.0, -0.25])  # D_x = -1; z(1 - z) dD_z/dz = -1/4
    assert st.numeric.verdict is Verdict.ESS
    # and the dynamics do converge there (the cascade argument): an independent integration
    from scipy.integrate import solve_ivp

    f = independent_rhs(game)
    # near x = 0 a trial stage of RK45 can step to x < 0, where x**0.61 is undefined: that stage's nan makes the
    # error norm nan, so scipy rejects the step and retries a shorter one (numpy's warning is only noise here)
    with np.errstate(invalid="ignore"):
        sol = solve_ivp(f, (0, 60), [0.05, 0.8], rtol=1e-10, atol=1e-12)
    assert sol.success and np.all(np.isfinite(sol.y))
    assert np.allclose(sol.y[:, -1], [0.0, 0.5], atol=1e-6)


def test_a_rest_point_on_a_kink_is_not_linearised():
    text = HAWK_DOVE.replace(
        'animals = "(1 - x) * V / 2"', 'animals = "fight + (1 - x) * V - 0.5 + x + Max(0, x - 0.5)"'
    )
    game = loads_model(text)
    (st,) = _mixed(game)
    assert st.equilibrium.numeric_point == pytest.approx((0.5,))
    assert st.numeric.verdict is Verdict.NON_HYPERBOLIC and "kink" in st.method


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.lists(st.integers(-4, 4), min_size=16, max_size=16))
def test_routh_hurwitz_agrees_with_eigenvalues(n, entries):
    M = sympy.Matrix(n, n, entries[: n * n])
    conds = sd.routh_hurwitz(M)
    holds = all(bool(c.func(c.lhs, c.rhs)) for c in conds)
    ev = np.linalg.eigvals(np.array(M.tolist(), dtype=float))
    if abs(np.max(ev.real)) > 1e-9:  # a Hurwitz condition on the boundary means a zero real part
        assert holds == bool(np.max(ev.real) < 0), (M, conds, ev)


# ------------------------------------------------------------------------ shipped state-dependent models
def _interior(analysis):
    (st,) = [s for s in analysis.equilibria if s.equilibrium.kind is Kind.INTERIOR]
    return st


def test_dynamic_penalty_converges_where_the_static_counterpart_cycles():
    """solve_ivp on the numeric field: the static game keeps the constant of motion H (derived by hand) and
    oscillates; with the phased fine and subsidy the same start spirals into the interior rest point."""
    from scipy.integrate import solve_ivp

    from govgame.analysis.pipeline import analyze
    from govgame.model.loader import load_model

    game = load_model("battery_dynamic_penalty")
    dyn = replicator(game)
    dynamic, static = analyze(game), analyze(game, scenario="static_penalty")
    sd_ = _interior(dynamic)
    assert sd_.numeric.verdict is Verdict.ESS and all(abs(v.imag) > 0 for v in sd_.numeric.eigenvalues)
    assert [s.name for s in dynamic.ess()] == [sd_.name]  # the only attractor
    ss = _interior(static)
    assert ss.numeric.verdict is Verdict.NON_HYPERBOLIC  # a centre

    v = game.values("static_penalty")
    alpha = v["R_g"] - v["C_g"] + v["p_d"] * (v["F_e"] + v["D_g"]) + v["L_g"]
    beta = v["S_e"] + v["p_d"] * (v["F_e"] + v["D_g"]) + v["L_g"]
    gamma = v["R_e"] - v["C_e"] - v["K_e"] + v["B_e"] - v["R_i"]
    delta = v["S_e"] + v["p_d"] * (v["F_e"] + v["L_e"])

    def H(x, y):  # D_x = alpha - beta y, D_y = gamma + delta x
        return gamma * np.log(x) - (gamma + delta) * np.log(1 - x) - alpha * np.log(y) + (alpha - beta) * np.log(1 - y)

    start = [0.2, 0.5]
    nd_static = dyn.numeric(v)
    run = solve_ivp(
        lambda _t, s: nd_static.f(s), (0, 300), start, method="DOP853", rtol=1e-11, atol=1e-13, dense_output=True
    )
    late = run.sol(np.linspace(200, 300, 2001))
    assert np.ptp(H(*late)) < 1e-6 and abs(H(*late[:, -1]) - H(*start)) < 1e-6
    assert np.ptp(late[0]) > 0.3 and np.ptp(late[1]) > 0.3  # still oscillating at t = 200..300
    nd = dyn.numeric(game.values())
    target = np.array(sd_.numeric.point)
    for s0 in ([0.2, 0.5], [0.9, 0.1], [0.05, 0.95]):
        end = solve_ivp(lambda _t, s: nd.f(s), (0, 300), s0, rtol=1e-10, atol=1e-12).y[:, -1]
        assert np.max(np.abs(end - target)) < 1e-6, (s0, end)


def test_prospect_model_weights_detection_and_is_analysed_by_interval_methods():
    from govgame.analysis.pipeline import analyze
    from govgame.model.loader import load_model

    game = load_model("battery_prospect")
    assert game.state_dependent
    a = analyze(game)
    assert any("not polynomial" in n or "krawczyk" in n or "closed form" in n for n in a.notes)
    assert all(s.equilibrium.method for s in a.equilibria)
    # the fast numeric path certifies each non-vertex rest point by the Krawczyk test instead: the same points
    fast = analyze(game, symbolic=False)
    assert [s.name for s in fast.equilibria] == [s.name for s in a.equilibria]
    for s, f in zip(a.equilibria, fast.equilibria):
        if s.equilibrium.kind is not Kind.PURE:
            assert f.equilibrium.method == "krawczyk"
            assert f.equilibrium.numeric_point == pytest.approx(s.equilibrium.numeric_point, abs=1e-9)
            assert f.numeric.verdict is s.numeric.verdict
    # the consumer's payoff of selling informally is minus the perceived fine lambda w(p_d x) F_c**0.88
    x = share_symbol("x")
    sell = game.payoff(["lax", "formal", "sell_informal"])[2].xreplace(game.subs_map(game.values()))
    w = lambda q: q**0.69 / (q**0.69 + (1 - q) ** 0.69) ** (1 / 0.69)  # noqa: E731
    v = game.values()
    for xv in (0.1, 0.5, 0.9):
        expected = -v["lambda"] * w(v["p_d"] * xv) * v["F_c"] ** 0.88
        assert float(sell.xreplace({x: sympy.Rational(xv)})) == pytest.approx(expected, rel=1e-12)


def _run_outcomes(game, values, grid, t_end):
    """What every ``--grid`` run does (the kernel, its cycle detection and the analysis' rest points)."""
    from govgame.analysis.equilibria import search_equilibria
    from govgame.numerics.integrate import simulate
    from govgame.numerics.outcomes import run_outcomes
    from govgame.numerics.starts import grid_starts

    eqs = search_equilibria(replicator(game), params=values).equilibria
    traj = simulate(game, grid_starts(game, grid), params=values, t_end=t_end)
    return run_outcomes(traj, eqs), {e.name: e for e in eqs}


def test_static_models_cycle_where_the_dynamic_penalty_converges():
    """Issue 12.5, as docs/models.md states it: runs of battery_recycling at S_e = 3, F_e = 6 and of the static
    scenario of battery_dynamic_penalty settle on closed orbits (named cycles, around the rest point the analysis
    finds a centre: a boundary centre of the face y = 1, an interior centre); the dynamic penalty's runs all
    converge to its stable interior spiral."""
    from govgame.model.loader import load_model
    from govgame.numerics.cycles import Outcome

    recycling = load_model("battery_recycling")
    outs, eqs = _run_outcomes(recycling, {**recycling.values(), "S_e": 3.0, "F_e": 6.0}, 2, 400.0)
    assert len(outs) == 8 and all(o.outcome is Outcome.CYCLE for o in outs)
    (around,) = {o.around for o in outs}
    centre = eqs[around]
    assert centre.kind is Kind.BOUNDARY and centre.numeric_point[1] == 1.0  # on the face of formal recycling
    assert all(o.period > 0 for o in outs)

    penalty = load_model("battery_dynamic_penalty")
    outs, eqs = _run_outcomes(penalty, penalty.values("static_penalty"), 2, 100.0)
    assert outs and all(o.outcome is Outcome.CYCLE and eqs[o.around].kind is Kind.INTERIOR for o in outs)
    outs, eqs = _run_outcomes(penalty, penalty.values(), 2, 100.0)
    assert outs and all(o.outcome is Outcome.EQUILIBRIUM for o in outs)
    (reached,) = {o.reached for o in outs}
    assert eqs[reached].kind is Kind.INTERIOR
    assert eqs[reached].numeric_point == pytest.approx((0.4154, 0.7065), abs=1e-4)


def test_rock_paper_scissors_runs_cycle_with_the_period_of_the_centre():
    """Zero-sum rock-paper-scissors (the shipped defaults): y1 y2 y3 is a constant of motion, so runs are closed
    orbits around the centre; their period tends to 2 pi / omega, omega = sqrt(3) (a + b) / 6, for small orbits."""
    from govgame.model.loader import load_model
    from govgame.numerics.cycles import Outcome
    from govgame.numerics.integrate import simulate
    from govgame.numerics.outcomes import run_outcomes

    game = load_model("rock_paper_scissors")
    v = game.values()
    assert v["a"] == v["b"]
    eqs = {e.name: e for e in search_equilibria(replicator(game), params=v).equilibria}
    outs, _ = _run_outcomes(game, v, 3, 100.0)
    assert len(outs) == 3 and all(o.outcome is Outcome.CYCLE and eqs[o.around].kind is Kind.INTERIOR for o in outs)
    small = simulate(game, [[1 / 3 + 0.01, 1 / 3]], params=v, t_end=100.0)
    (o,) = run_outcomes(small, list(eqs.values()))
    omega = math.sqrt(3) * (v["a"] + v["b"]) / 6
    assert o.outcome is Outcome.CYCLE and o.period == pytest.approx(2 * math.pi / omega, rel=1e-3)
