"""Every witness of a shipped model's analysis makes what it claims true, checked exactly and independently.

A vertex's witness must make every eigenvalue of the vertex negative (not only the conditions the
analysis kept), respect every parameter's sign and every assumption; a pair's witness must do that
for both vertices at once. The witnesses come from the exact linear programs (govgame.analysis.lp)
and the other searches; this test does not care which, only that the claim holds.
"""

import pytest
import sympy

from govgame.analysis.pipeline import analyze
from govgame.analysis.regions import as_condition
from govgame.model.loader import load_model

MODELS = ["battery_recycling", "battery_traceability", "hawk_dove"]


def _holds_at(game, witness, exprs_negative):
    subs = {game.parameter(k).symbol: sympy.Rational(repr(v)) for k, v in witness.items()}
    assert set(subs) == set(game.parameter_symbols)  # a witness names every parameter
    for name, v in witness.items():
        assert game.parameter(name).sign_ok(v), (name, v)
    for rel in game.assumptions:
        g, strict = as_condition(rel)
        val = g.xreplace(subs)
        assert (val > 0) if strict else (val >= 0), (rel, witness)
    for e in exprs_negative:
        val = sympy.nsimplify(e.xreplace(subs)) if e.has(sympy.Float) else sympy.simplify(e.xreplace(subs))
        assert bool(val < 0), (e, witness, val)


@pytest.fixture(scope="module", params=MODELS)
def analysis(request):
    return analyze(load_model(request.param))


def test_vertex_witnesses_make_every_eigenvalue_negative(analysis):
    checked = 0
    for st in analysis.equilibria:
        if st.witness is None:
            continue
        assert st.can_be_ess
        _holds_at(analysis.game, st.witness, st.eigenvalues)
        for cond in st.stability_conditions:
            subs = analysis.game.subs_map(st.witness)
            assert bool(cond.xreplace(subs)), (cond, st.witness)
        checked += 1
    assert checked == sum(1 for st in analysis.equilibria if st.can_be_ess)


def test_pair_witnesses_make_both_vertices_ess(analysis):
    by_name = {st.equilibrium.name: st for st in analysis.equilibria}
    for claim in analysis.pairs:
        if not claim.together:
            assert claim.witness is None
            continue
        a, b = (by_name[n] for n in claim.pair)
        _holds_at(analysis.game, claim.witness, a.eigenvalues + b.eigenvalues)
