"""Stability: exact eigenvalues, verdicts, ESS conditions, witnesses — checked with mathematics, not golden files."""

import itertools

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from scipy.integrate import solve_ivp
from strategies import fd_jacobian, integer_tensors, numeric_game, replicator_rhs, symbolic_game

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import Kind, vertex_point
from govgame.analysis.pipeline import analyze
from govgame.analysis.regions import Region
from govgame.analysis.stability import vertex_eigenvalues
from govgame.analysis.verdicts import Verdict, numeric_verdict
from govgame.model import Game, Parameter, Population


@settings(max_examples=20, deadline=None)
@given(integer_tensors())
def test_vertex_jacobian_is_block_diagonal_with_payoff_differences(tensors):
    """At a vertex the eigenvalues are u_i - u_s, computed here directly from the payoff table."""
    game = numeric_game(tensors)
    dyn = replicator(game)
    shape = tensors[0].shape
    for idx in itertools.product(*(range(k) for k in shape)):
        at = dict(zip(dyn.state, vertex_point(dyn.game, idx)))
        J = dyn.jacobian.xreplace(at)
        # off-diagonal population blocks vanish
        for p, q in itertools.permutations(range(len(shape)), 2):
            rp = range(dyn.offsets[p], dyn.offsets[p] + shape[p] - 1)
            rq = range(dyn.offsets[q], dyn.offsets[q] + shape[q] - 1)
            assert all(J[i, j] == 0 for i in rp for j in rq)
        if all(k == 2 for k in shape):
            assert J.is_diagonal()
        expected = []
        for p, s in enumerate(idx):
            for i in range(shape[p]):
                if i != s:
                    other = list(idx)
                    other[p] = i
                    expected.append(tensors[p][tuple(other)] - tensors[p][idx])
        from govgame.analysis.equilibria import Equilibrium

        eq = Equilibrium("v", Kind.PURE, vertex_point(dyn.game, idx), support=tuple((j,) for j in idx))
        ours = sorted(float(e) for e in vertex_eigenvalues(dyn, eq))
        assert ours == sorted(expected)
        # and they are the eigenvalues of the symbolic Jacobian
        ev = sorted(float(sympy.re(v)) for v in J.eigenvals(multiple=True))
        assert ev == pytest.approx(sorted(expected))


@settings(max_examples=15, deadline=None)
@given(integer_tensors())
def test_numeric_eigenvalues_match_a_finite_difference_jacobian(tensors):
    game = numeric_game(tensors)
    a = analyze(game)
    f = replicator_rhs(tensors)
    for s in a.equilibria:
        if s.equilibrium.kind is Kind.CONTINUUM:
            continue
        x = np.array(s.numeric.point, dtype=float)
        ev = np.linalg.eigvals(fd_jacobian(f, x, h=1e-7))
        ours = np.array(s.numeric.eigenvalues, dtype=complex)
        assert len(ours) == len(ev)
        # compare as multisets
        for v in ev:
            assert np.min(np.abs(ours - v)) < 1e-5, (s.name, ours, ev)


@settings(max_examples=20, deadline=None)
@given(integer_tensors())
def test_no_mixed_rest_point_is_ever_an_ess(tensors):
    game = numeric_game(tensors)
    for s in analyze(game).equilibria:
        if s.equilibrium.kind is not Kind.PURE:
            assert s.verdict is Verdict.NOT_ESS
            assert not s.can_be_ess and s.witness is None
            assert s.numeric.verdict is not Verdict.ESS


@settings(max_examples=20, deadline=None)
@given(integer_tensors())
def test_ess_vertices_are_exactly_the_strict_nash_equilibria(tensors):
    game = numeric_game(tensors)
    shape = tensors[0].shape
    a = analyze(game)
    for s in a.equilibria:
        if s.equilibrium.kind is not Kind.PURE:
            continue
        idx = tuple(p.strategies.index(x) for p, x in zip(game.populations, s.equilibrium.profile))
        strict_nash = all(
            tensors[p][idx] > tensors[p][idx[:p] + (i,) + idx[p + 1 :]]
            for p in range(len(shape))
            for i in range(shape[p])
            if i != idx[p]
        )
        assert (s.numeric.verdict is Verdict.ESS) == strict_nash
        # a numeric game has no free parameters: the symbolic verdict is the numeric one (or conditional never)
        assert s.verdict is not Verdict.CONDITIONAL
        assert (s.verdict is Verdict.ESS) == strict_nash


@settings(max_examples=10, deadline=None)
@given(integer_tensors())
def test_adding_a_constant_to_a_population_changes_no_verdict(tensors):
    """Payoffs + c(sigma_-p) for one population p (a constant given the others' strategies) change no verdict."""
    game = numeric_game(tensors)
    rng = np.random.default_rng(int(abs(tensors[0]).sum()))
    shifted = [t.copy() for t in tensors]
    p = int(rng.integers(len(tensors)))
    shape = tensors[0].shape
    others = [range(k) for q, k in enumerate(shape) if q != p]
    for rest in itertools.product(*others):
        c = float(rng.integers(-7, 8))
        for i in range(shape[p]):
            idx = list(rest)
            idx.insert(p, i)
            shifted[p][tuple(idx)] += c
    a, b = analyze(game), analyze(numeric_game(shifted))
    assert [s.equilibrium.numeric_point for s in a.equilibria] == [s.equilibrium.numeric_point for s in b.equilibria]
    assert [s.verdict for s in a.equilibria] == [s.verdict for s in b.equilibria]
    assert [s.numeric.verdict for s in a.equilibria] == [s.numeric.verdict for s in b.equilibria]


def test_linear_centre_is_non_hyperbolic():
    """Matching pennies: the interior point has eigenvalues +-i; it is non-hyperbolic, never a sink or an ESS."""
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    a = analyze(numeric_game([A, -A]))
    interior = [s for s in a.equilibria if s.equilibrium.kind is Kind.INTERIOR]
    assert len(interior) == 1
    s = interior[0]
    assert s.equilibrium.numeric_point == (0.5, 0.5)
    assert s.numeric.verdict is Verdict.NON_HYPERBOLIC
    assert s.verdict is Verdict.NOT_ESS
    ev = np.array(s.numeric.eigenvalues)
    assert np.allclose(sorted(ev.imag), [-1, 1]) and np.allclose(ev.real, 0)


def test_linear_centre_on_a_face_is_non_hyperbolic():
    """Two populations play matching pennies on the face z = 0, which attracts z: eigenvalues +-i w and < 0.

    A tool that drops the complex pair would call this a sink; it is not asymptotically stable.
    """
    shape = (2, 2, 2)
    t = [np.zeros(shape) for _ in range(3)]
    for i, j, k in itertools.product(range(2), range(2), range(2)):
        t[0][i, j, k] = 1.0 if i == j else -1.0
        t[1][i, j, k] = -1.0 if i == j else 1.0
        t[2][i, j, k] = -1.0 if k == 0 else 0.0  # z (share of strategy 0) is driven to 0
    a = analyze(numeric_game(t))
    face = [s for s in a.equilibria if s.equilibrium.numeric_point == (0.5, 0.5, 0.0)]
    assert len(face) == 1
    s = face[0]
    assert s.equilibrium.kind is Kind.BOUNDARY
    assert s.numeric.verdict is Verdict.NON_HYPERBOLIC
    assert s.verdict is Verdict.NOT_ESS
    ev = sorted(s.numeric.eigenvalues, key=lambda v: (v.real, v.imag))
    assert ev[0] == pytest.approx(-1.0)
    assert abs(ev[1].real) < 1e-12 and abs(ev[2].real) < 1e-12 and abs(abs(ev[1].imag) - 1) < 1e-12
    # the symbolic eigenvalues of the centre are +-sqrt(negative): purely imaginary
    sym = [complex(e) for e in s.eigenvalues]
    assert sorted(abs(v.imag) for v in sym) == pytest.approx([0.0, 1.0, 1.0])


def test_numeric_verdict_tolerance_is_relative():
    assert numeric_verdict([-1e-12, -2e-12]) is Verdict.ESS
    assert numeric_verdict([-1.0, 1e-12]) is Verdict.NON_HYPERBOLIC
    assert numeric_verdict([-1.0, 2e-9]) is Verdict.SADDLE
    assert numeric_verdict([0.0, 0.0]) is Verdict.NON_HYPERBOLIC
    assert numeric_verdict([1.0, 2.0]) is Verdict.SOURCE


def _tripartite():
    """A small tripartite model whose vertex eigenvalues are derived by hand below."""
    names = ["C_g", "S", "F", "R", "C_e", "P"]
    params = tuple(Parameter(n, value=v) for n, v in zip(names, [2.0, 1.0, 3.0, 4.0, 2.0, 1.0]))
    Cg, S, F, R, Ce, P = (p.symbol for p in params)
    pops = (
        Population("government", ("strict", "lax"), ("x",)),
        Population("enterprise", ("formal", "informal"), ("y",)),
        Population("consumer", ("return", "sell"), ("z",)),
    )
    pay = {}
    for g, e, c in itertools.product(*(p.strategies for p in pops)):
        strict, formal, ret = int(g == "strict"), int(e == "formal"), int(c == "return")
        gov = -Cg * strict - S * strict * formal + F * strict * (1 - formal)
        ent = (R - Ce + S * strict) if formal else (R - F * strict)
        con = P * ret * formal
        pay[(g, e, c)] = (sympy.sympify(gov), sympy.sympify(ent), sympy.sympify(con))
    return Game("tri", pops, params, pay), (Cg, S, F, R, Ce, P)


def test_hand_derived_vertex_eigenvalues_and_verdicts():
    game, (Cg, S, F, R, Ce, P) = _tripartite()
    a = analyze(game, params={})
    by_profile = {s.equilibrium.profile: s for s in a.equilibria if s.equilibrium.kind is Kind.PURE}
    # (lax, informal, sell): government gains -C_g + F by going strict; enterprise -C_e (R - C_e vs R);
    # consumer 0 (P only with a formal enterprise)
    s = by_profile[("lax", "informal", "sell")]
    assert {sympy.expand(e) for e in s.eigenvalues} == {F - Cg, -Ce, sympy.Integer(0)}
    # (strict, formal, return): government -(-C_g - S) + (lax payoff 0) -> lax gains C_g + S;
    # enterprise informal: R - F vs R - C_e + S -> -F + C_e - S; consumer sell: 0 - P
    s = by_profile[("strict", "formal", "return")]
    assert {sympy.expand(e) for e in s.eigenvalues} == {Cg + S, Ce - F - S, -P}
    assert s.verdict is Verdict.NOT_ESS  # C_g + S >= 0 always, so never asymptotically stable
    assert not s.can_be_ess and s.witness is None
    # (lax, formal, return): strict costs -C_g - S; informal earns R vs R - C_e -> C_e; sell 0 vs P -> -P
    s = by_profile[("lax", "formal", "return")]
    assert {sympy.expand(e) for e in s.eigenvalues} == {-Cg - S, Ce, -P}
    assert s.verdict is Verdict.NOT_ESS


def test_hand_derived_non_hyperbolic_verdict_needs_no_positive_eigenvalue():
    game, (Cg, S, F, R, Ce, P) = _tripartite()
    a = analyze(game, params={})
    s = a[next(x.name for x in a.equilibria if x.equilibrium.profile == ("lax", "informal", "sell"))]
    # a zero eigenvalue: never an ESS; F - C_g can be positive, so not "non-hyperbolic for all parameters"
    assert s.verdict is Verdict.NOT_ESS
    # with F <= C_g assumed, nothing can be positive: non-hyperbolic for every admissible value
    with pytest.warns(UserWarning, match=r'default values violate the assumption "F <= C_g"'):
        assumed = Game(game.name, game.populations, game.parameters, game.payoffs, assumptions=(sympy.LessThan(F, Cg),))
    b = analyze(assumed, params={})
    t = next(x for x in b.equilibria if x.equilibrium.profile == ("lax", "informal", "sell"))
    assert t.verdict is Verdict.NON_HYPERBOLIC


@pytest.mark.parametrize("seed", range(6))
def test_symbolic_verdicts_agree_with_numeric_verdicts_at_random_admissible_values(seed):
    game = symbolic_game((2, 2, 2), seed=seed)
    a = analyze(game, params={})
    rng = np.random.default_rng(seed)
    dyn = a.dynamics
    for _ in range(15):
        values = {p.name: float(rng.uniform(0, 10)) for p in game.parameters}
        subs = game.subs_map(values)
        for s in a.equilibria:
            if s.equilibrium.kind is not Kind.PURE:
                continue
            ev = [float(e.xreplace(subs)) for e in s.eigenvalues]
            v = numeric_verdict(ev)
            if s.verdict in (Verdict.ESS, Verdict.SOURCE, Verdict.SADDLE, Verdict.NON_HYPERBOLIC):
                assert v is s.verdict
            if s.verdict is Verdict.NOT_ESS or not s.can_be_ess:
                assert v is not Verdict.ESS
            if v is Verdict.ESS:
                assert s.can_be_ess
                # and every stated condition holds there
                assert all(bool(c.xreplace(subs)) for c in s.stability_conditions)
    del dyn


@pytest.mark.parametrize("seed", range(6))
def test_witnesses_make_the_vertex_an_ess(seed):
    game = symbolic_game((2, 2, 2), seed=seed)
    a = analyze(game, params={})
    for s in a.equilibria:
        if s.equilibrium.kind is Kind.PURE and s.can_be_ess:
            assert s.witness is not None and set(s.witness) == set(game.parameter_names)
            subs = game.subs_map(s.witness)
            ev = [float(e.xreplace(subs)) for e in s.eigenvalues]
            assert numeric_verdict(ev) is Verdict.ESS
            assert all(game.parameter(k).sign_ok(v) for k, v in s.witness.items())


@pytest.mark.parametrize("seed", range(4))
def test_exclusive_pairs_are_never_ess_together(seed):
    game = symbolic_game((2, 2, 2), seed=seed)
    a = analyze(game, params={})
    rng = np.random.default_rng(seed)
    samples = [{p.name: float(rng.uniform(0, 10)) for p in game.parameters} for _ in range(300)]
    ess_sets = []
    for values in samples:
        subs = game.subs_map(values)
        ess_sets.append(
            {
                s.name
                for s in a.equilibria
                if s.equilibrium.kind is Kind.PURE
                and numeric_verdict([float(e.xreplace(subs)) for e in s.eigenvalues]) is Verdict.ESS
            }
        )
    for x, y in a.exclusive:
        assert not any(x in e and y in e for e in ess_sets)
    for e in ess_sets:  # any pair seen together must be listed as compatible
        for x, y in itertools.combinations(sorted(e, key=lambda n: int(n[1:])), 2):
            assert (x, y) in a.compatible


def test_assumptions_simplify_conditions():
    """With R > C assumed, the condition C - R < 0 always holds and is dropped; without it, it stays."""
    r, c = Parameter("R", value=3.0), Parameter("C", value=1.0)
    R, C = r.symbol, c.symbol
    pops = (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",)))
    pay = {
        ("s", "u"): (R - C, sympy.Integer(1)),
        ("s", "v"): (R, sympy.Integer(0)),
        ("t", "u"): (sympy.Integer(0), sympy.Integer(0)),
        ("t", "v"): (sympy.Integer(0), sympy.Integer(1)),
    }
    plain = Game("p", pops, (r, c), pay)
    assumed = Game("q", pops, (r, c), pay, assumptions=(sympy.StrictGreaterThan(R, C),))

    def vertex(game, profile):
        return next(s for s in analyze(game, params={}).equilibria if s.equilibrium.profile == profile)

    # at (s, u): a's alternative t earns 0 against u: eigenvalue 0 - (R - C) = C - R; b's alternative v earns 0 - 1
    p, q = vertex(plain, ("s", "u")), vertex(assumed, ("s", "u"))
    assert p.verdict is Verdict.CONDITIONAL and len(p.stability_conditions) == 1
    assert q.verdict is Verdict.ESS and q.stability_conditions == ()


def test_region_linear_feasibility_matches_brute_force():
    params = tuple(Parameter(f"p{i}", value=1.0, range=(0.0, 5.0)) for i in range(3))
    syms = [p.symbol for p in params]
    game = Game(
        "r",
        (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",))),
        params,
        {pr: (sum(syms), sympy.Integer(0)) for pr in itertools.product(("s", "t"), ("u", "v"))},
    )
    region = Region(game)
    rng = np.random.default_rng(0)
    grid = rng.uniform(0, 20, size=(20000, 3))
    for _ in range(40):
        rows = [(int(rng.integers(-3, 4)), rng.integers(-2, 3, size=3)) for _ in range(2)]
        exprs = [c + sum(int(k) * s for k, s in zip(coef, syms)) for c, coef in rows]
        res = region.feasible(strict=exprs)
        brute = np.all([c + grid @ coef > 0 for c, coef in rows], axis=0).any()
        if brute:
            assert res.feasible
        if res.feasible:
            subs = {s: sympy.Rational(repr(res.witness[str(s)])) for s in syms}
            assert all(e.xreplace(subs) > 0 for e in exprs)


def test_simulations_end_where_the_verdicts_say():
    """Trajectories of an independent integrator end at vertices the analysis calls ESS (or non-hyperbolic)."""
    rng = np.random.default_rng(5)
    for _ in range(4):
        shape = (2, 2, 2)
        tensors = [rng.integers(-5, 6, size=shape).astype(float) for _ in shape]
        game = numeric_game(tensors)
        a = analyze(game)
        verdict = {
            s.equilibrium.numeric_point: s.numeric.verdict for s in a.equilibria if s.equilibrium.kind is Kind.PURE
        }
        f = replicator_rhs(tensors)
        for x0 in rng.uniform(0.05, 0.95, size=(6, 3)):
            sol = solve_ivp(f, (0, 300), x0, rtol=1e-8, atol=1e-11)
            end = sol.y[:, -1]
            near = [v for v in verdict if max(abs(a - b) for a, b in zip(v, end)) < 1e-4]
            if near:
                assert verdict[near[0]] in (Verdict.ESS, Verdict.NON_HYPERBOLIC)
        # and every ESS vertex attracts a start close to it
        for v, verd in verdict.items():
            if verd is Verdict.ESS:
                x0 = np.clip(np.array(v) + np.where(np.array(v) > 0.5, -0.01, 0.01), 0, 1)
                sol = solve_ivp(f, (0, 300), x0, rtol=1e-8, atol=1e-11)
                assert np.abs(sol.y[:, -1] - np.array(v)).max() < 1e-3


@pytest.mark.parametrize("name", ["battery_recycling", "battery_echelon"])
def test_numeric_only_analysis_lists_the_same_rest_points_and_names(name):
    """``simulate`` names outcomes from ``analyze(symbolic=False)``: it must agree with the full analysis."""
    from govgame.model.loader import load_model

    game = load_model(name)
    full, fast = analyze(game), analyze(game, symbolic=False)
    assert [(s.name, s.equilibrium.numeric_point) for s in full.equilibria] == [
        (s.name, s.equilibrium.numeric_point) for s in fast.equilibria
    ]
    assert [s.numeric.verdict for s in full.equilibria] == [s.numeric.verdict for s in fast.equilibria]
