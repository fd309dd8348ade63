"""Stochastic stability conditions of the vertices against the payoff table, exact arithmetic and simulation."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
import sympy

from conftest import THREE_STRATEGIES, TRIPARTITE
from govgame.analysis.pipeline import analyze
from govgame.analysis.stochastic import stochastic_stability
from govgame.errors import SimulationError
from govgame.io.json import stochastic_to_dict
from govgame.model import Game, Population
from govgame.model.loader import loads_model
from govgame.numerics import sde as _sde


def deviations(game, profile):
    """(population index, payoff gain of each unilateral deviation) from the payoff table itself."""
    out = []
    base = game.payoffs[tuple(profile)]
    for p, pop in enumerate(game.populations):
        for s in pop.strategies:
            if s != profile[p]:
                alt = list(profile)
                alt[p] = s
                out.append((p, sympy.expand(game.payoffs[tuple(alt)][p] - base[p])))
    return out


@pytest.fixture(scope="module")
def tripartite():
    g = loads_model(TRIPARTITE)
    return g, analyze(g)


@pytest.mark.parametrize("sigma", [0.5, {"government": 1.0, "consumer": 0.25}])
def test_conditions_are_the_payoff_gains_shifted_by_half_sigma_squared(tripartite, sigma):
    g, a = tripartite
    sa = stochastic_stability(a, sigma)
    sig = sigma if isinstance(sigma, dict) else dict.fromkeys([p.name for p in g.populations], sigma)
    assert len(sa.vertices) == len(g.profiles)
    for v in sa.vertices:
        assert v.rest_point
        want_as = sorted(
            str(sympy.expand(gain - sympy.Rational(repr(float(sig.get(g.populations[p].name, 0.0)))) ** 2 / 2))
            for p, gain in deviations(g, v.profile)
        )
        want_ms = sorted(
            str(sympy.expand(gain + sympy.Rational(repr(float(sig.get(g.populations[p].name, 0.0)))) ** 2 / 2))
            for p, gain in deviations(g, v.profile)
        )
        assert sorted(str(sympy.expand(c.lhs - c.rhs)) for c in v.almost_sure) == want_as
        assert sorted(str(sympy.expand(c.lhs - c.rhs)) for c in v.mean_square) == want_ms
        assert all(isinstance(c, sympy.StrictLessThan) for c in (*v.almost_sure, *v.mean_square))


def test_witnesses_satisfy_every_condition_exactly(tripartite):
    g, a = tripartite
    sa = stochastic_stability(a, 1.2)
    seen = 0
    for v in sa.vertices:
        for conds, feas in ((v.almost_sure, v.almost_sure_feasibility), (v.mean_square, v.mean_square_feasibility)):
            if feas.feasible and feas.witness is not None:
                seen += 1
                subs = g.subs_map(feas.witness)
                assert all(g.parameter(k).sign_ok(x) for k, x in feas.witness.items())
                assert all(bool(c.xreplace(subs)) for c in conds)
                assert all(bool(r.xreplace(subs)) for r in g.assumptions)
    assert seen >= 4


def test_noise_makes_almost_sure_stability_easier_and_mean_square_harder(tripartite):
    """Itô: the a.s. condition lambda < sigma^2/2 is implied by lambda < 0; mean square lambda < -sigma^2/2 implies it."""
    g, a = tripartite
    sa = stochastic_stability(a, 0.8)
    for det, v in zip([s for s in a.equilibria if str(s.equilibrium.kind) == "pure"], sa.vertices):
        assert det.name == v.name
        if det.can_be_ess:
            assert v.almost_sure_feasibility.feasible
        if v.mean_square_feasibility.feasible:
            assert det.can_be_ess
        if det.numeric is not None and str(det.numeric.verdict) == "ess":
            assert v.numeric_almost_sure is True
        if v.numeric_mean_square:
            assert str(det.numeric.verdict) == "ess"


def test_numeric_flags_are_the_signs_at_the_values(tripartite):
    g, a = tripartite
    sa = stochastic_stability(a, 0.7)
    subs = g.subs_map(a.params)
    for v in sa.vertices:
        vals = [float(c.lhs.xreplace(subs)) for c in v.almost_sure]
        assert np.allclose(vals, v.almost_sure_exponents)
        assert v.numeric_almost_sure == all(x < 0 for x in vals)
        assert v.numeric_mean_square == all(float(c.lhs.xreplace(subs)) < 0 for c in v.mean_square)


def test_linear_noise_vertices_with_a_share_at_one_are_not_rest_points():
    g = loads_model(THREE_STRATEGIES)
    a = analyze(g)
    sa = stochastic_stability(a, 0.5, noise="linear")
    last = tuple(p.strategies[-1] for p in g.populations)
    for v in sa.vertices:
        assert v.rest_point == (v.profile == last)
        if not v.rest_point:
            assert "not a rest point" in v.note and v.almost_sure == () and v.mean_square == ()
    # a population without noise may play anything
    quiet = stochastic_stability(a, {"recycler": 0.5}, noise="linear")
    assert {v.profile for v in quiet.vertices if v.rest_point} == {(s, "informal") for s in ("inspect", "trust")}
    assert all(v.rest_point for v in stochastic_stability(a, 0.5, noise="tangent").vertices)
    d = json.loads(json.dumps(stochastic_to_dict(sa)))
    assert d["stochastic"]["noise"] == "linear" and d["notes"]
    bad = [k for k, v in d["vertices"].items() if not v["rest_point"]]
    assert len(bad) == len(g.profiles) - 1 and d["vertices"][bad[0]]["almost_sure"] is None


def test_k3_tangent_conditions_use_the_population_of_each_eigenvalue():
    g = loads_model(THREE_STRATEGIES)
    sigma = {"regulator": 0.0, "recycler": 2.0}
    sa = stochastic_stability(analyze(g), sigma)
    subs = g.subs_map(g.values())
    for v in sa.vertices:
        pairs = sorted((who, float(lam.xreplace(subs))) for who, lam in zip(v.populations, v.eigenvalues))
        want = sorted((g.populations[p].name, float(gain.xreplace(subs))) for p, gain in deviations(g, v.profile))
        assert np.allclose([b for _, b in pairs], [b for _, b in want]) and [a for a, _ in pairs] == [
            a for a, _ in want
        ]
        for lam, who, ex_a, ex_m in zip(v.eigenvalues, v.populations, v.almost_sure_exponents, v.mean_square_exponents):
            assert ex_a == pytest.approx(float(lam.xreplace(subs)) - sigma[who] ** 2 / 2)
            assert ex_m == pytest.approx(float(lam.xreplace(subs)) + sigma[who] ** 2 / 2)


def test_bad_sigma_and_noise():
    g = loads_model(THREE_STRATEGIES)
    a = analyze(g)
    with pytest.raises(SimulationError, match="sigma must be a finite number >= 0"):
        stochastic_stability(a, -0.1)
    with pytest.raises(SimulationError, match='no population "government"'):
        stochastic_stability(a, {"government": 1.0})
    with pytest.raises(SimulationError, match="noise must be one of"):
        stochastic_stability(a, 1.0, noise="multiplicative")


def two_population_game():
    """Payoff differences D_a(y) = 0.5 + 3.5 y and D_b(x) = -0.5 + 0.8 x (strategy 0 minus strategy 1)."""
    A = np.array([[0.5 + 3.5, 0.5], [0.0, 0.0]])  # A[i, j]: a plays i, b plays j
    B = np.array([[0.3, 0.0], [-0.5, 0.0]])  # B[i, j]: a plays i, b plays j; b's payoff of j
    pops = (Population("a", ("s0", "s1"), ("x",)), Population("b", ("t0", "t1"), ("y",)))
    pay = {}
    for i, j in itertools.product(range(2), range(2)):
        pay[(pops[0].strategies[i], pops[1].strategies[j])] = (
            sympy.Rational(repr(float(A[i, j]))),
            sympy.Rational(repr(float(B[i, j]))),
        )
    return Game(name="two", populations=pops, parameters=(), payoffs=pay)


def test_almost_sure_conditions_against_direct_simulation():
    """Paths started 0.01 from a vertex stay there when every exponent is negative and leave when one is positive.

    Vertex (x, y) = (0, 0) has eigenvalues (0.5, -0.5): a deterministic saddle, but with sigma = 2 both
    exponents lambda - 2 are negative and it attracts the nearby paths almost surely.
    """
    g = two_population_game()
    a = analyze(g)
    sa = stochastic_stability(a, 2.0)
    by_profile = {v.profile: v for v in sa.vertices}
    saddle = by_profile[("s1", "t1")]
    assert str(a[saddle.name].numeric.verdict) == "saddle" and saddle.numeric_almost_sure is True
    starts, kinds = [], []
    for v in sa.vertices:
        point = [1.0 if v.profile[0] == "s0" else 0.0, 1.0 if v.profile[1] == "t0" else 0.0]
        starts.append([abs(c - 0.01) for c in point])
        kinds.append(v)
    assert {v.numeric_almost_sure for v in kinds} == {True, False}
    ens = _sde.simulate_sde(g, starts, params={}, sigma=2.0, dt=0.01, t_end=30.0, paths=300, seed=2)
    for s, v in enumerate(kinds):
        stay = ens.probabilities()[s].get("/".join(v.profile), 0.0)
        if v.numeric_almost_sure:
            assert max(v.almost_sure_exponents) < -1.0 and stay > 0.8, (v.profile, stay)
        else:
            assert max(v.almost_sure_exponents) > 1.0 and stay < 0.05, (v.profile, stay)
