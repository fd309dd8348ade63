"""Expression programs: values against sympy's exact arithmetic; symbols bound by identity, never by name."""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from govgame.analysis.dynamics import numeric_payoffs
from govgame.errors import ModelError, ParameterError
from govgame.model import Game, Parameter, Population, symbol_for
from govgame.model.program import compile_program, evaluate, payoff_program, state_function, static_registers

A, B = sympy.Symbol("a", positive=True), sympy.Symbol("b", real=True)
X, Y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)


def exact(expr, env):
    return float(sympy.N(expr.subs(env), 30))


def leaves():
    return st.sampled_from([A, B, X, Y, sympy.Integer(2), sympy.Rational(3, 7), sympy.Float(0.25)])


def expressions():
    def grow(children):
        return st.one_of(
            st.tuples(children, children).map(lambda t: t[0] + t[1]),
            st.tuples(children, children).map(lambda t: t[0] - t[1]),
            st.tuples(children, children).map(lambda t: t[0] * t[1]),
            st.tuples(children, children).map(lambda t: t[0] / (1 + t[1] ** 2)),
            st.tuples(children, st.integers(-3, 4)).map(lambda t: t[0] ** t[1]),
            children.map(lambda c: sympy.exp(c / 4)),
            children.map(lambda c: sympy.log(1 + c**2)),
            children.map(lambda c: sympy.sqrt(2 + sympy.Abs(c))),
            children.map(lambda c: (1 + c**2) ** sympy.Rational(61, 100)),
            st.tuples(children, children).map(lambda t: sympy.Min(t[0], t[1])),
            st.tuples(children, children).map(lambda t: sympy.Max(t[0], t[1], 0)),
        )

    return st.recursive(leaves(), grow, max_leaves=8)


@settings(max_examples=60, deadline=None)
@given(exprs=st.lists(expressions(), min_size=1, max_size=4), vals=st.tuples(*[st.floats(0.1, 2.0)] * 4))
def test_values_match_exact_arithmetic(exprs, vals):
    a, b, x, y = vals
    env = {A: a, B: b, X: x, Y: y}
    prog = compile_program(exprs, params=[A, B], shares=[X, None, Y, None])
    got = evaluate(prog, [a, b], [x, 1 - x, y, 1 - y])
    for e, g in zip(exprs, got):
        want = exact(e, env)
        if math.isfinite(want) and abs(want) < 1e12:
            assert g == pytest.approx(want, rel=1e-9, abs=1e-12), e
    # the parameter-only part computed once, then the rest: the same values
    regs = static_registers(prog, [[a, b]])
    assert np.all(np.isfinite(regs[0, : prog.n_params]))


@settings(max_examples=40, deadline=None)
@given(exprs=st.lists(expressions(), min_size=1, max_size=4), vals=st.tuples(*[st.floats(-3.0, 3.0)] * 4))
def test_one_state_evaluation_agrees_with_the_vectorised_one(exprs, vals):
    """state_function (plain Python floats) gives evaluate's values, nan and inf included (log and powers of
    negative numbers, divisions by zero, overflows: shares outside [0, 1] reach them)."""
    a, b, x, y = vals
    prog = compile_program(exprs, params=[A, B], shares=[X, None, Y, None])
    want = evaluate(prog, [a, b], [x, 1 - x, y, 1 - y])
    got = state_function(prog, [a, b])([x, 1 - x, y, 1 - y])
    assert np.array_equal(np.isnan(got), np.isnan(want))
    assert np.array_equal(np.isinf(got), np.isinf(want))
    finite = np.isfinite(want)
    np.testing.assert_allclose(got[finite], want[finite], rtol=1e-12, atol=1e-300)


def test_one_state_evaluation_outside_the_domain():
    x = sympy.Symbol("x", real=True)
    exprs = [sympy.log(x), sympy.sqrt(x), 1 / x, x ** sympy.Rational(61, 100), sympy.exp(1000 * x), x**400]
    prog = compile_program(exprs, params=[], shares=[x, None])
    f = state_function(prog, [])
    for v in (-2.0, 0.0, 2.0):
        want = evaluate(prog, [], [v, 1 - v])
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # nan and inf outside the domain, as evaluate() gives them, silently
            got = f([v, 1 - v])
        assert np.array_equal(got, want, equal_nan=True), (v, got, want)


def test_common_subexpressions_are_shared_and_parameter_work_comes_first():
    F = sympy.Symbol("F", positive=True)
    d = F * (1 - X)
    prog = compile_program([d + A, d - A, d * A, A**2 * F], params=[A, F], shares=[X, None])
    ops = [tuple(r[[0, 2, 3]]) for r in prog.code]
    assert len(ops) == len(set(ops))  # no instruction twice
    dyn = prog.code[prog.n_static :]
    assert len(dyn) == 5  # 1 - x, F * (1 - x), and the three combinations with a
    assert prog.dynamic_outputs.tolist() == [0, 1, 2]


@pytest.mark.parametrize("name", ["e", "E", "pi", "I", "sqrt", "log", "exp", "Abs", "reduce", "minimum", "__debug__"])
def test_names_that_mean_something_elsewhere_are_plain_parameters(name):
    p = symbol_for(name, "any")
    expr = 2 * p + sympy.sqrt(p**2 + 1)
    prog = compile_program([expr], params=[p], shares=[])
    assert evaluate(prog, [0.75])[0] == pytest.approx(1.5 + 1.25)


def test_unknown_symbol_is_an_error_naming_it():
    with pytest.raises(ModelError, match='"b"'):
        compile_program([A + B], params=[A], shares=[])


def _game_with(names):
    pars = tuple(Parameter(n, value=0.5, sign="any") for n in names)
    s = [p.symbol for p in pars]
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {pr: (0, 0) for pr in itertools.product("pq", repeat=2)}
    pay[("p", "p")] = (sum(s), s[0] - s[-1] * 3)
    return Game(name="names", populations=pops, parameters=pars, payoffs=pay)


def test_numeric_payoffs_bind_model_names_by_identity():
    names = ["e", "sqrt", "log", "Abs", "reduce", "minimum", "__debug__"]
    g = _game_with(names)
    values = {n: 0.1 * (i + 1) for i, n in enumerate(names)}
    t = numeric_payoffs(g, values)
    assert t[0][0, 0] == pytest.approx(sum(values.values()))
    assert t[1][0, 0] == pytest.approx(values["e"] - 3 * values["__debug__"])  # e is 0.1, not Euler's number
    assert t[0][1, 1] == 0.0


def test_simulate_with_such_names_runs_and_uses_the_values():
    from govgame.numerics.integrate import simulate

    e = Parameter("e", value=0.5, sign="any")
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    # strategy p of population a earns e - 1: it wins when e > 1 (Euler's number would always win)
    pay = {pr: (0, 0) for pr in itertools.product("pq", repeat=2)}
    pay[("p", "p")] = (e.symbol - 1, 0)
    pay[("p", "q")] = (e.symbol - 1, 0)
    g = Game(name="euler", populations=pops, parameters=(e,), payoffs=pay)
    assert simulate(g, [0.5, 0.5], params={"e": 0.5}).final[0, 0] < 1e-6
    assert simulate(g, [0.5, 0.5], params={"e": 1.5}).final[0, 0] > 1 - 1e-6


def test_non_finite_values_are_parameter_errors():
    g = _game_with(["u", "v"])
    with pytest.raises(ParameterError, match="parameter u must be a finite number, found nan"):
        numeric_payoffs(g, {"u": float("nan"), "v": 1.0})
    with pytest.raises(ParameterError, match="parameter v must be a finite number, found inf"):
        numeric_payoffs(g, {"u": 1.0, "v": float("inf")})
    lg = Parameter("L", value=1.0, sign="any")
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {pr: (sympy.log(lg.symbol), 0) for pr in itertools.product("pq", repeat=2)}
    g2 = Game(name="logs", populations=pops, parameters=(lg,), payoffs=pay)
    with pytest.raises(ParameterError, match="log of the negative number -1"):
        numeric_payoffs(g2, {"L": -1.0})


def test_payoff_program_layouts():
    g = _game_with(["u", "v"])
    vals = {"u": 0.3, "v": 0.9}
    table = evaluate(payoff_program(g), [0.3, 0.9]).reshape(4, 2)
    for j, pr in enumerate(g.profiles):
        for p in range(2):
            assert table[j, p] == pytest.approx(exact(g.payoffs[pr][p], g.subs_map(vals)))
    diff = evaluate(payoff_program(g, differences=True), [0.3, 0.9]).reshape(2, 2)
    t = numeric_payoffs(g, vals)
    assert np.allclose(diff[0], t[0][0, :] - t[0][1, :]) and np.allclose(diff[1], t[1][:, 0] - t[1][:, 1])


def test_one_parameter_set_gives_the_row_of_a_batch_bit_for_bit():
    """evaluate() of one parameter vector (the path simulate() takes) equals the same row of a batch, and a
    constant or a parameter that is an output comes out in the batch's shape."""
    from govgame.model.loader import load_model

    game = load_model("battery_recycling")
    prog = payoff_program(game)
    values = np.array([game.values()[n] for n in game.parameter_names])
    batch = values * np.random.default_rng(3).uniform(0.5, 1.5, size=(5, len(values)))
    batch[2] = values
    one = evaluate(prog, values)
    assert one.shape == (prog.outputs.size,) and np.array_equal(one, evaluate(prog, batch)[2])
    c = compile_program([sympy.Integer(3), A, A * B], params=[A, B])
    assert evaluate(c, [2.0, 5.0]).tolist() == [3.0, 2.0, 10.0]
    assert evaluate(c, [[2.0, 5.0], [1.0, 1.0]]).tolist() == [[3.0, 2.0, 10.0], [3.0, 1.0, 1.0]]
