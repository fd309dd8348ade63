"""simulate() against scipy's RK45 run on the same equations, and what a user sees of failed runs.

The kernel integrates the replicator equations in log-ratio coordinates with scipy's RK45 error control
(module docstring of :mod:`govgame.numerics.kernel`). So ``scipy.integrate.solve_ivp(method="RK45")`` given
the same tolerances and the log-ratio equations written here from the textbook formula (expected payoffs
summed profile by profile) must take the same number of accepted steps and end on the same state: a
step-size controller that differs anywhere (growth cap, safety factor, initial step, error norm,
tolerances passed on) changes the count.
"""

from __future__ import annotations

import itertools
import warnings
from pathlib import Path

import numpy as np
import pytest
import sympy
from scipy.integrate import solve_ivp

from govgame.errors import SimulationError
from govgame.model import Game, Parameter, Population
from govgame.model.loader import loads_model
from govgame.numerics import kernel
from govgame.numerics.integrate import kernel_program, report_failures, simulate


def _game(shape, seed, parameters=()):
    rng = np.random.default_rng(seed)
    pops = []
    for p, k in enumerate(shape):
        shares = (f"x{p}",) if k == 2 else tuple(f"x{p}_{i}" for i in range(k - 1))
        pops.append(Population(f"pop{p}", tuple(f"s{p}{i}" for i in range(k)), shares))
    payoffs = {}
    tables = [np.zeros(shape) for _ in shape]
    for idx in itertools.product(*(range(k) for k in shape)):
        vals = [round(float(v), 3) for v in rng.normal(size=len(shape))]
        for p, v in enumerate(vals):
            tables[p][idx] = v
        payoffs[tuple(pops[q].strategies[i] for q, i in enumerate(idx))] = tuple(sympy.Float(v) for v in vals)
    return Game(name="g", populations=tuple(pops), parameters=parameters, payoffs=payoffs), tables


def _expected_payoffs(tables, shares):
    """u[p][i]: population p's expected payoff of strategy i, the others mixing by ``shares``."""
    out = []
    for p, tab in enumerate(tables):
        u = np.zeros(tab.shape[p])
        for idx in itertools.product(*(range(k) for k in tab.shape)):
            w = np.prod([shares[q][j] for q, j in enumerate(idx) if q != p])
            u[idx[p]] += w * tab[idx]
        out.append(u)
    return out


def _log_ratio_run(tables, start_shares, t_end, rtol, atol, payoff=None):
    """solve_ivp on z_i = log(y_i / y_r), r the largest starting share of each population: dz_i/dt = u_i - u_r."""
    refs = [int(np.argmax(s)) for s in start_shares]
    others = [[i for i in range(len(s)) if i != r] for s, r in zip(start_shares, refs)]
    z0 = np.concatenate([np.log(s[o] / s[r]) for s, r, o in zip(start_shares, refs, others)])

    def shares_of(z):
        out, k = [], 0
        for s, o in zip(start_shares, others):
            w = np.ones(len(s))
            w[o] = np.exp(z[k : k + len(o)])
            k += len(o)
            out.append(w / w.sum())
        return out

    def rhs(_t, z):
        sh = shares_of(z)
        u = payoff(sh) if payoff else _expected_payoffs(tables, sh)
        return np.concatenate([u_[o] - u_[r] for u_, r, o in zip(u, refs, others)])

    sol = solve_ivp(rhs, (0.0, t_end), z0, method="RK45", rtol=rtol, atol=atol)
    assert sol.success
    return len(sol.t) - 1, shares_of(sol.y[:, -1])


def _reduced(shares):
    """State order: the first k - 1 shares of each population."""
    return np.concatenate([s[:-1] for s in shares])


@pytest.mark.parametrize(
    ("shape", "seed", "rtol", "atol", "t_end"),
    [
        ((2, 2), 1, 1e-6, 1e-9, 3.0),
        ((3, 2), 2, 1e-8, 1e-10, 2.5),
        ((2, 2, 2), 3, 1e-4, 1e-7, 4.0),
        ((3,), 4, 1e-6, 1e-9, 2.0),
        ((2, 2, 2, 2), 5, 1e-6, 1e-9, 2.0),
        ((2, 2, 2, 2, 2), 6, 1e-6, 1e-9, 1.5),
        ((2, 3, 2), 7, 1e-6, 1e-9, 2.0),
    ],
)
def test_accepted_steps_and_end_states_are_those_of_solve_ivp_rk45(shape, seed, rtol, atol, t_end):
    game, tables = _game(shape, seed)
    rng = np.random.default_rng(100 + seed)
    starts = [[rng.dirichlet(np.ones(k)) * 0.8 + 0.2 / k for k in shape] for _ in range(3)]
    x0 = np.array([_reduced(s) for s in starts])
    tr = simulate(game, x0, params={}, t_end=t_end, rtol=rtol, atol=atol)
    for r, s in enumerate(starts):
        assert str(tr.status[r]) in ("t_end", "no-convergence"), tr.status[r]  # no early stop on these spans
        steps, end = _log_ratio_run(tables, s, t_end, rtol, atol)
        assert int(tr.steps[r]) == steps
        np.testing.assert_allclose(tr.final[r], _reduced(end), atol=1e-12)
        np.testing.assert_allclose(tr.full_final[r], np.concatenate(end), atol=1e-12)
        assert tr.t_stop[r] == t_end


def test_matching_pennies_steps_match_solve_ivp_at_several_tolerances():
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    g = Game(name="pennies", populations=pops, parameters=(), payoffs=pay)
    tables = [np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]])]
    for x0 in ([0.2, 0.3], [0.9, 0.95]):
        for rtol, atol, t_end in ((1e-6, 1e-9, 10.0), (1e-3, 1e-6, 20.0)):
            tr = simulate(g, [x0], params={}, t_end=t_end, rtol=rtol, atol=atol)
            steps, end = _log_ratio_run(tables, [np.array([v, 1 - v]) for v in x0], t_end, rtol, atol)
            assert int(tr.steps[0]) == steps
            np.testing.assert_allclose(tr.final[0], [end[0][0], end[1][0]], atol=1e-13)


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
[parameters.C]
value = 3.0
[[payoff]]
profile = ["hawk"]
animals = "x * (V - C) / 2 + (1 - x) * V"
[[payoff]]
profile = ["dove"]
animals = "(1 - x) * V / 2"
"""


@pytest.mark.parametrize(("v", "c"), [(2.0, 3.0), (1.0, 4.0)])
def test_state_dependent_payoffs_follow_solve_ivp_step_for_step(v, c):
    """Hawk-Dove with payoffs that depend on the share x of hawks: u_h - u_d = (V - C x) / 2."""
    game = loads_model(HAWK_DOVE)

    def payoff(sh):
        x = sh[0][0]
        return [np.array([x * (v - c) / 2 + (1 - x) * v, (1 - x) * v / 2])]

    starts = [0.1, 0.95, 0.6]
    tr = simulate(game, [[s] for s in starts], params={"V": v, "C": c}, t_end=6.0)
    assert tr.params == {"V": v, "C": c}
    for r, s in enumerate(starts):
        steps, end = _log_ratio_run(None, [np.array([s, 1 - s])], 6.0, 1e-6, 1e-9, payoff=payoff)
        assert int(tr.steps[r]) == steps
        assert tr.final[r, 0] == pytest.approx(end[0][0], abs=1e-12)
    # the runs head for the interior ESS x* = V / C
    assert np.all(np.abs(tr.final[:, 0] - v / c) < np.abs(np.array(starts) - v / c))


def test_parameter_values_reach_the_runs_and_are_kept_as_floats():
    a = Parameter("a", value=1.0, sign="any")
    pops = (Population("p", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",)))
    pay = {prof: (a.symbol, sympy.Integer(0)) if prof[0] == "s" else (0, 0) for prof in
           [("s", "s"), ("s", "t"), ("t", "s"), ("t", "t")]}  # fmt: skip
    g = Game(name="g", populations=pops, parameters=(a,), payoffs=pay)
    for val in (0.5, -1.5):
        tr = simulate(g, [[0.5, 0.5]], params={"a": val}, t_end=1.0, t_eval=[0, 1])
        # x' = x (1 - x) a: the logistic solution
        assert tr.paths[0, -1, 0] == pytest.approx(1 / (1 + np.exp(-val)), abs=1e-6)
        assert tr.paths[0, 0, 0] == 0.5
        assert tr.params == {"a": val} and isinstance(tr.params["a"], float)
        assert tr.t_end == 1.0 and isinstance(tr.t_end, float)
        assert tr.t.dtype == float and tr.t.tolist() == [0.0, 1.0]


@pytest.mark.parametrize("t_end", [-1.0, float("nan"), float("inf")])
def test_a_horizon_that_is_not_a_time_is_refused(t_end):
    g, _ = _game((2, 2), 0)
    with pytest.raises(SimulationError, match="t_end must be a number >= 0"):
        simulate(g, [[0.5, 0.5]], params={}, t_end=t_end)


@pytest.mark.parametrize("t_eval", [[0.5, 0.2], [-0.1, 1.0], [0.5, 2.5], [0.5, 1.0, 2.5], [3.0], [[0.1, 0.2]]])
def test_output_times_outside_the_horizon_or_decreasing_are_refused(t_eval):
    g, _ = _game((2, 2), 0)
    with pytest.raises(SimulationError, match=r"^t_eval must be increasing times within \[0, t_end\]$"):
        simulate(g, [[0.5, 0.5]], params={}, t_end=2.0, t_eval=t_eval)


def test_output_times_on_the_ends_of_the_horizon_are_accepted():
    g, _ = _game((2, 2), 0)
    tr = simulate(g, [[0.3, 0.6]], params={}, t_end=2.0, t_eval=[0, 1, 1, 2])
    assert tr.paths.shape == (1, 4, 2)
    np.testing.assert_array_equal(tr.paths[0, 0], [0.3, 0.6])
    np.testing.assert_array_equal(tr.paths[0, 1], tr.paths[0, 2])
    np.testing.assert_allclose(tr.paths[0, -1], tr.final[0], atol=1e-12)
    assert simulate(g, [[0.3, 0.6]], params={}, t_end=0.0).final.tolist() == [[0.3, 0.6]]


def test_failures_are_counted_the_same_from_names_statuses_and_codes():
    names = ["max-steps", "converged", "step-underflow", "max-steps", "t_end"]
    codes = np.array([kernel.Status(n).code for n in names], dtype=np.int8)
    msgs = []
    for status in (names, [kernel.Status(n) for n in names], codes):
        with pytest.raises(SimulationError) as err:
            report_failures(status, throw=True)
        msgs.append(str(err.value))
    assert len(set(msgs)) == 1
    assert msgs[0].startswith("3 of 5 runs failed (2 max-steps, 1 step-underflow): ")
    assert "raise max_steps, loosen rtol/atol" in msgs[0]  # what to do about it
    report_failures(["converged", "t_end", "no-convergence", "stalled"], throw=True)  # nothing failed


def test_the_failure_warning_points_at_the_callers_line():
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    g = Game(name="pennies", populations=pops, parameters=(), payoffs=pay)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        simulate(g, [[0.2, 0.3]], params={}, t_end=1000.0, max_steps=20)
    # attributed to the caller, not to govgame's own code (under mutmut a trampoline frame sits in between)
    assert len(seen) == 1 and "govgame" not in Path(seen[0].filename).parts
    assert "1 of 1 runs failed (1 max-steps)" in str(seen[0].message)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        report_failures(["max-steps"], throw=False, stacklevel=1)
    assert seen[0].filename.endswith("integrate.py") and seen[0].category is RuntimeWarning


def test_f_tol_decides_whether_a_run_still_moving_at_t_end_has_settled():
    """Matching pennies: every interior run circles the centre at speed of order 0.1, never settles."""
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    g = Game(name="pennies", populations=pops, parameters=(), payoffs=pay)
    moving = simulate(g, [[0.2, 0.3]], params={}, t_end=10.0)
    assert [str(s) for s in moving.status] == ["no-convergence"]
    loose = simulate(g, [[0.2, 0.3]], params={}, t_end=10.0, f_tol=10.0)  # |f| <= 1/2 on the whole square
    assert [str(s) for s in loose.status] == ["t_end"]
    np.testing.assert_array_equal(loose.final, moving.final)  # the same run, only named differently


def test_kernel_registers_are_one_row_per_parameter_set():
    game = loads_model(HAWK_DOVE)
    sets = [{"V": 2.0, "C": 3.0}, {"V": 1.0, "C": 5.0}]
    prog, regs = kernel_program(game, sets)
    assert regs.shape[0] == 2
    for i, p in enumerate(sets):
        prog_i, regs_i = kernel_program(game, [p])
        np.testing.assert_array_equal(regs[i], regs_i[0])
    assert not np.array_equal(regs[0], regs[1])
    assert kernel_program(_game((2, 2), 0)[0], [{}]) == (None, None)  # static payoffs: no program
