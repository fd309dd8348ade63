"""Multistability claims: "never ESS together" only with a proof; regression pairs from the independent check."""

import itertools
import warnings

import numpy as np
import pytest
import sympy

from govgame.analysis.dynamics import replicator
from govgame.analysis.equilibria import vertices
from govgame.analysis.pairs import multistability
from govgame.analysis.pipeline import analyze
from govgame.analysis.regions import Region, certify
from govgame.analysis.stability import stability
from govgame.analysis.verdicts import Verdict
from govgame.model import Game, Parameter, Population
from govgame.model.loader import load_model

#: Parameter points at which the independent check found both vertices ESS (issue 16.1).
REGRESSION = [
    ("battery_four_party", "E6", "E10", dict(p_d=0, p_a=0.05, q_a=0.3, R_g=1.2, K_e=1.05, C_a=0.45, G_a=0.5)),
    (
        "battery_traceability",
        "E3",
        "E6",
        dict(p_d=0.2, eta=0.4, mu=0.4, C_g=2.88, R_g=0, R_e=6.54, K_e=0.47, P_i=2.35, C_n=0.76),
    ),
]


@pytest.mark.parametrize("name, a, b, point", REGRESSION)
def test_pairs_wrongly_called_exclusive_are_found_compatible(name, a, b, point):
    game = load_model(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        at_point = analyze(game, params=point, symbolic=False)
    # the oracle: at the published point both vertices are asymptotically stable (numeric eigenvalues)
    assert at_point[a].numeric.verdict is Verdict.ESS and at_point[b].numeric.verdict is Verdict.ESS
    # the two vertices' stability conditions for all admissible parameters (no full analysis needed)
    dyn = replicator(game)
    region = Region(game, game.values())
    by_name = {e.name: e for e in vertices(game)}
    sa, sb = stability(dyn, [by_name[a], by_name[b]], region=region)
    conds = [-c.lhs for c in (*sa.stability_conditions, *sb.stability_conditions)]
    res = certify(region, strict=conds)
    assert res.feasible and res.proven
    subs = game.subs_map(res.witness)
    assert all(c.xreplace(subs) > 0 for c in conds)  # the witness satisfies both vertices' conditions exactly


def _bilinear_game():
    """Two vertices whose conditions involve the product p * F of a probability and a fine."""
    ps = (Parameter("p", value=0.5, range=(0.0, 1.0)), Parameter("F", value=2.0), Parameter("c", value=1.0))
    p, F, c = (q.symbol for q in ps)
    pops = (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",)))
    pay = {
        ("s", "u"): (p * F - c, sympy.Integer(1)),
        ("s", "v"): (sympy.Integer(0), sympy.Integer(0)),
        ("t", "u"): (sympy.Integer(0), sympy.Integer(0)),
        ("t", "v"): (c - p * F, sympy.Integer(1)),
    }
    return Game("bil", pops, ps, pay), (p, F, c)


def test_never_together_with_products_is_proven_by_branch_and_bound():
    """(s,u) needs pF > c, (t,v) needs c > pF: exclusive, and the proof is not sampling."""
    game, (p, F, c) = _bilinear_game()
    a = analyze(game, params={})
    claims = {cl.pair: cl for cl in multistability(a)}
    names = {s.equilibrium.profile: s.name for s in a.equilibria}
    claim = claims[tuple(sorted((names[("s", "u")], names[("t", "v")]), key=lambda n: int(n[1:])))]
    assert claim.status == "exclusive" and claim.proven
    assert "branch and bound" in claim.method


@pytest.mark.parametrize("seed", range(3))
def test_claims_agree_with_sampled_verdicts(seed):
    """Random bilinear conditions: a "compatible" claim has a witness making both ESS; a proven "exclusive" claim is never contradicted."""
    rng = np.random.default_rng(seed)
    ps = tuple(Parameter(n, value=float(rng.integers(1, 4)), range=(0.0, 3.0)) for n in ("p", "q", "r"))
    p, q, r = (x.symbol for x in ps)
    pops = (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",)))
    monos = [p, q, r, p * q, q * r, sympy.Integer(1)]
    pay = {}
    for prof in itertools.product(("s", "t"), ("u", "v")):
        pay[prof] = tuple(sum(int(rng.integers(-2, 3)) * m for m in monos) for _ in range(2))
    game = Game("rnd", pops, ps, pay)
    a = analyze(game, params={})
    samples = rng.uniform(0, 3, size=(3000, 3))
    for claim in multistability(a):
        sa, sb = a[claim.pair[0]], a[claim.pair[1]]
        evs = [sympy.lambdify((p, q, r), list(s.eigenvalues)) for s in (sa, sb)]
        both = np.ones(len(samples), dtype=bool)
        for f in evs:
            vals = np.array([np.broadcast_to(v, len(samples)) for v in f(*samples.T)], dtype=float)
            both &= np.all(vals < 0, axis=0)
        if claim.together:
            subs = game.subs_map(claim.witness)
            assert all(float(e.xreplace(subs)) < 0 for s in (sa, sb) for e in s.eigenvalues)
        elif claim.proven:
            assert not both.any(), claim
