"""Assumptions checked when a model loads: contradictions rejected, violating values warned about."""

import itertools
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from govgame.errors import ModelError
from govgame.model import Game, Parameter, Population
from govgame.model.loader import loads_model

MODEL = """
[game]
name = "assumed"
[[population]]
name = "a"
strategies = ["s", "t"]
share = "x"
[[population]]
name = "b"
strategies = ["u", "v"]
share = "y"
[parameters.C]
value = 1.0
[parameters.S]
value = 2.0
[parameters.R]
value = 3.0
{extra}
[assumptions]
relations = {relations}
[[payoff]]
profile = ["s", "u"]
a = "C + 1"
b = "R"
[[payoff]]
profile = ["s", "v"]
a = "S"
b = "0"
[[payoff]]
profile = ["t", "u"]
a = "0"
b = "0"
[[payoff]]
profile = ["t", "v"]
a = "0"
b = "1"
"""


def _load(relations, extra=""):
    return loads_model(MODEL.format(relations=relations, extra=extra))


def test_contradictory_assumptions_are_rejected_naming_them():
    with pytest.raises(ModelError, match=r'"C > S", "S > C" cannot hold together'):
        _load('["C > S", "S > C"]')


def test_a_cycle_is_named_without_the_unrelated_relation():
    with pytest.raises(ModelError) as err:
        _load('["C > S", "S > R", "R > C", "R >= 0"]')
    msg = str(err.value)
    assert '"C > S"' in msg and '"S > R"' in msg and '"R > C"' in msg and '"R >= 0"' not in msg


def test_contradiction_through_the_signs_is_rejected():
    """C + 1 < S < 1 needs C < 0: impossible for a nonnegative C, though each relation alone can hold."""
    with pytest.raises(ModelError, match=r'"C \+ 1 < S", "S < 1" cannot hold together'):
        _load('["C + 1 < S", "S < 1"]')


def test_non_strict_relations_that_meet_in_a_point_are_accepted():
    with pytest.warns(UserWarning, match=r'default values violate the assumption "C >= S"'):  # C = 1 < S = 2
        game = _load('["C >= S", "S >= C"]', extra="")
    assert len(game.assumptions) == 2


def test_default_values_that_violate_an_assumption_warn_naming_it():
    with pytest.warns(UserWarning, match=r'default values violate the assumption "C > S"'):
        _load('["C > S"]')


def test_scenario_values_that_violate_an_assumption_warn_naming_the_scenario_when_used():
    game = _load('["S > C"]', extra="[scenario.low]\nS = 0.3\nC = 0.4\n")  # loads quietly: defaults satisfy it
    with pytest.warns(UserWarning, match=r'scenario "low" violate the assumption "S > C"'):
        game.values("low")
    with pytest.warns(UserWarning, match=r'the values violate the assumption "S > C"'):
        game.values(overrides={"C": 5.0})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        game.values(overrides={"C": 0.5})  # 2 > 0.5: no warning


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.lists(st.integers(-2, 2), min_size=3, max_size=3), st.integers(-3, 3), st.booleans()),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(["nonnegative", "any", "positive"]),
)
def test_load_time_decision_agrees_with_linear_programming(rels, sign):
    """Random affine relations: accepted exactly when scipy's LP finds a point with positive slack (an independent oracle)."""
    params = tuple(Parameter(n, sign=sign) for n in ("p", "q", "r"))
    syms = [p.symbol for p in params]
    relations = []
    for coef, const, strict in rels:
        g = sum(c * s for c, s in zip(coef, syms)) + const
        if g.is_number:
            continue
        relations.append(sympy.StrictGreaterThan(g, 0) if strict else sympy.GreaterThan(g, 0))
    relations = [r for r in relations if r not in (sympy.true, sympy.false)]
    pops = (Population("a", ("s", "t"), ("x",)), Population("b", ("u", "v"), ("y",)))
    pay = {pr: (sum(syms), sympy.Integer(0)) for pr in itertools.product(("s", "t"), ("u", "v"))}
    # oracle: maximise t with g_i >= t (strict) / g_i >= 0, signs as bounds (strict signs with slack t too)
    A, b = [], []
    for rel in relations:
        g = sympy.expand(rel.lhs - rel.rhs)
        coef = [float(g.coeff(s)) for s in syms]
        const = float(g.subs({s: 0 for s in syms}))
        A.append([-c for c in coef] + ([1.0] if isinstance(rel, sympy.StrictGreaterThan) else [0.0]))
        b.append(const)
    for i in range(3):
        if sign == "positive":
            row = [0.0] * 4
            row[i], row[3] = -1.0, 1.0
            A.append(row)
            b.append(0.0)
    lo = 0.0 if sign in ("nonnegative", "positive") else None
    res = linprog(
        [0, 0, 0, -1],
        A_ub=np.array(A) if A else None,
        b_ub=np.array(b) if b else None,
        bounds=[(lo, None)] * 3 + [(None, 1.0)],
        method="highs",
    )
    oracle = res.status == 0 and -res.fun > 1e-9
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Game("g", pops, params, pay, assumptions=tuple(relations))
        accepted = True
    except ModelError:
        accepted = False
    assert accepted == oracle, relations


def test_assumptions_given_in_python_that_sympy_already_decided():
    """``a < b`` with a negative and b positive is ``True`` as soon as it is written: it assumes nothing and every
    stage (feasibility included) works without it; a decided-false one and a non-inequality are rejected."""
    from govgame.analysis.pipeline import analyze
    from govgame.analysis.regions import Region

    a, b = Parameter("a", value=-1.0, sign="negative"), Parameter("b", value=1.0, sign="positive")
    A, B = a.symbol, b.symbol
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("u", "v"), ("y",)))
    payoffs = {("s", "u"): (A, B), ("s", "v"): (0, 1), ("t", "u"): (B, 0), ("t", "v"): (1, A)}
    with pytest.warns(UserWarning, match=r'default values violate the assumption "a < 2\*b - 3"'):  # -1 < -1
        game = Game("g", pops, (a, b), payoffs, assumptions=(A < B, A < 2 * B - 3))
    assert game.assumptions == (A < 2 * B - 3,)
    res = Region(game).feasible(strict=[B - A - 1])
    assert res.feasible and res.witness["b"] - res.witness["a"] > 1 and res.witness["a"] < 2 * res.witness["b"] - 3
    assert len(analyze(game).equilibria) >= 4  # the whole pipeline, every vertex listed
    with pytest.raises(ModelError, match="assumption 1 can never hold for the declared signs"):
        Game("g", pops, (a, b), payoffs, assumptions=(A > B,))
    for bad in ("a < b", sympy.Eq(A + B, 1), A + B):
        with pytest.raises(ModelError, match="assumption 1 must be an inequality"):
            Game("g", pops, (a, b), payoffs, assumptions=(bad,))
