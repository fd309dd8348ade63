"""The kernel's stopping rules, cycle records and payoff interpreter against closed forms and solve_ivp.

Oracles: the logistic solution (a constant payoff difference), ``scipy.integrate.solve_ivp`` with events at
the zeros of a log-ratio coordinate's velocity (its extremes on a cycle: the kernel's Poincaré section), and
solve_ivp step for step on payoffs that depend on the state through every function of the expression language
(written here with numpy).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from govgame.model import Game, Population
from govgame.model.loader import loads_model
from govgame.numerics import kernel
from govgame.numerics.integrate import simulate


def _two_by_two(da, db):
    """Payoff differences u_0 - u_1 of the two populations are the constants da, db."""
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",)))
    pay = {("p", "s"): (da, db), ("p", "t"): (da, 0), ("q", "s"): (0, db), ("q", "t"): (0, 0)}
    return Game(name="g", populations=pops, parameters=(), payoffs=pay)


def _logistic_time(x0, rate, gap):
    """Time at which x' = rate x (1 - x) from x0 reaches 1 - gap."""
    return (np.log((1 - gap) / gap) - np.log(x0 / (1 - x0))) / rate


@pytest.mark.parametrize("certify", [True, False])
@pytest.mark.parametrize(("x0", "rates"), [((0.3, 0.6), (1.0, 2.0)), ((1e-20, 1.0), (1.0, 0.5))])
def test_runs_stop_when_within_vertex_tol_of_a_stable_vertex(x0, rates, certify):
    """Both differences positive: (1, 1) is asymptotically stable; each share follows its logistic curve.

    A start with a share of 1e-20 (the other population on its vertex) grows for a long time with a field far
    below the stall threshold: it must not be taken for a rest point (its growth rate is positive). The stop is
    noticed at an accepted step (or certified), so no earlier than the logistic time, on the logistic curve."""
    pay, offs = kernel.pack(
        (2, 2), [np.array([[rates[0], rates[0]], [0, 0]]), np.array([[rates[1], 0], [rates[1], 0]])]
    )
    stable = kernel.stable_vertices(pay, (2, 2))
    assert stable.tolist() == [[True, False, False, False]]
    Y0 = np.array([[x0[0], 1 - x0[0], x0[1], 1 - x0[1]]])
    res = kernel.integrate_runs(pay, offs, stable, Y0, t_end=200.0, certify=certify)
    assert res.status == [kernel.Status.CONVERGED]
    t_star = max(_logistic_time(x, r, kernel.VERTEX_TOL) for x, r in zip(x0, rates) if x < 1)
    t = float(res.t_stop[0])
    assert t >= t_star * (1 - 1e-6)
    y = res.final[0]
    assert max(1 - y[0], 1 - y[2]) <= kernel.VERTEX_TOL * (1 + 1e-6)
    for i, (x, r) in zip((0, 2), zip(x0, rates)):
        if x == 1:
            assert y[i] == 1.0 and y[i + 1] == 0.0  # a face stays invariant
            continue
        gap = 1 / (1 + np.exp(r * t) * x / (1 - x))  # 1 - x(t), the logistic solution
        assert y[i + 1] == pytest.approx(gap, rel=1e-3)
        assert y[i] + y[i + 1] == pytest.approx(1.0, abs=1e-15)
    # the same run without the stable vertex goes on to t_end and still ends at the vertex
    free = kernel.integrate_runs(pay, offs, np.zeros_like(stable), Y0, t_end=80.0, certify=certify)
    assert free.t_stop[0] == 80.0 and free.status[0] is kernel.Status.T_END
    assert max(1 - free.final[0, 0], 1 - free.final[0, 2]) < kernel.VERTEX_TOL


def test_a_run_that_cannot_reach_the_vertex_before_t_end_is_not_converged():
    game = _two_by_two(1.0, 1.0)
    tr = simulate(game, [[0.3, 0.6]], params={}, t_end=5.0)
    assert [str(s) for s in tr.status] == ["t_end"] or [str(s) for s in tr.status] == ["no-convergence"]
    assert tr.t_stop[0] == 5.0
    assert tr.final[0, 0] == pytest.approx(1 / (1 + np.exp(-5.0) * 0.7 / 0.3), rel=1e-6)


def test_matching_pennies_cycle_period_and_extremes_are_those_of_solve_ivp_events():
    """z = log(x / (1 - x)) (x < 1/2 at the start, so the reference is strategy 1) moves as 2 (2 y - 1): its
    extremes are where y = 1/2, found here as events of solve_ivp on the same equations."""
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (1, -1), ("h", "t"): (-1, 1), ("t", "h"): (-1, 1), ("t", "t"): (1, -1)}
    g = Game(name="pennies", populations=pops, parameters=(), payoffs=pay)
    x0, y0, t_end = 0.2, 0.3, 40.0
    tr = simulate(g, [[x0, y0]], params={}, t_end=t_end, rtol=1e-10, atol=1e-12)
    res = tr.cycles
    assert kernel._CYCLES[res.cycle[0]] is kernel.Cycle.CYCLE

    def rhs(_t, z):
        x, y = 1 / (1 + np.exp(-z[0])), 1 / (1 + np.exp(-z[1]))
        return [2 * (2 * y - 1), -2 * (2 * x - 1)]

    def y_half(_t, z):
        return z[1]

    def x_half(_t, z):
        return z[0]

    z0 = [np.log(x0 / (1 - x0)), np.log(y0 / (1 - y0))]
    sol = solve_ivp(rhs, (0, t_end), z0, rtol=1e-12, atol=1e-13, events=[y_half, x_half])
    zx = sol.y_events[0][:, 0]  # z_x at its extremes
    zy = sol.y_events[1][:, 1]
    tx = sol.t_events[0]
    assert len(tx) >= 8
    np.testing.assert_allclose([res.box_lo[0, 0], res.box_hi[0, 0]], [zx.min(), zx.max()], rtol=1e-7)
    np.testing.assert_allclose([res.box_lo[0, 2], res.box_hi[0, 2]], [zy.min(), zy.max()], rtol=1e-7)
    assert np.isnan(res.box_lo[0, 1]) and np.isnan(res.box_hi[0, 3])  # reference shares have no coordinate
    assert res.refs[0].tolist() == [1, 3]
    period = np.mean(np.diff(tx[::2]))  # successive maxima (or minima) of z_x
    assert res.period[0] == pytest.approx(period, rel=1e-7)


SD_TABLE = """
[game]
name = "sd_table"
format = 2
[[population]]
name = "players"
strategies = ["r", "p", "s"]
shares = ["u", "v"]
[parameters.A]
value = 1.5
[[payoff]]
profile = ["r"]
players = "exp(-u) + A * v**2 - log(1 + v)"
[[payoff]]
profile = ["p"]
players = "sqrt(1 + u) * Abs(v - 0.4) + u**1.5"
[[payoff]]
profile = ["s"]
players = "Min(u, v) + Max(u, 0.3) - u / (1 + v) + 1 / A"
"""


def _sd_payoffs(u, v, a=1.5):
    return np.array(
        [
            np.exp(-u) + a * v**2 - np.log(1 + v),
            np.sqrt(1 + u) * abs(v - 0.4) + u**1.5,
            min(u, v) + max(u, 0.3) - u / (1 + v) + 1 / a,
        ]
    )


def test_state_dependent_table_payoffs_follow_solve_ivp_step_for_step():
    """One population of three strategies whose payoffs use every function: the kernel's interpreter fills the
    payoff table at each stage; solve_ivp on the log-ratio equations with the payoffs written in numpy."""
    game = loads_model(SD_TABLE)
    starts = [(0.2, 0.5), (0.6, 0.1), (0.1, 0.15)]
    tr = simulate(game, np.array(starts), params={"A": 1.5}, t_end=3.0)
    for r, (u0, v0) in enumerate(starts):
        y0 = np.array([u0, v0, 1 - u0 - v0])
        ref = int(np.argmax(y0))
        others = [i for i in range(3) if i != ref]

        def shares(z, ref=ref, others=others):
            w = np.ones(3)
            w[others] = np.exp(z)
            return w / w.sum()

        def rhs(_t, z, ref=ref, others=others, shares=shares):
            y = shares(z)
            pay = _sd_payoffs(y[0], y[1])
            return pay[others] - pay[ref]

        sol = solve_ivp(rhs, (0, 3.0), np.log(y0[others] / y0[ref]), method="RK45", rtol=1e-6, atol=1e-9)
        assert int(tr.steps[r]) == len(sol.t) - 1
        np.testing.assert_allclose(tr.final[r], shares(sol.y[:, -1])[:2], atol=1e-12)


def test_a_tiny_share_that_will_grow_is_not_stalled_and_one_that_cannot_is():
    """x' = x (1 - x) with the other population on its vertex: the field is below STALL_F for a long time.

    From 1e-20 the share reaches about 1e-7 by t = 30 (x(t) ~ 1e-20 e^t): the run must go on to t_end along
    the logistic curve. From 1e-25 it cannot grow past FROZEN_GROWTH = 1e-9 by t = 30: a stall is right."""
    game = _two_by_two(1.0, 1.0)
    grow = simulate(game, [[1e-20, 1.0]], params={}, t_end=30.0)
    assert [str(s) for s in grow.status] == ["t_end"] and grow.t_stop[0] == 30.0
    assert grow.final[0, 0] == pytest.approx(1e-20 * np.exp(30.0), rel=1e-6)
    rest = simulate(game, [[1e-25, 1.0]], params={}, t_end=30.0)
    assert [str(s) for s in rest.status] == ["stalled"]
    t = rest.t_stop[0]
    assert 30.0 / 10 <= t < 30.0
    assert rest.final[0, 0] == pytest.approx(1e-25 * np.exp(t), rel=1e-6)
    assert rest.final[0, 0] * np.expm1(30.0 - t) <= kernel.FROZEN_GROWTH


SD_BINARY = """
[game]
name = "sd_binary"
format = 2
[[population]]
name = "a"
strategies = ["p", "q"]
share = "x"
[[population]]
name = "b"
strategies = ["s", "t"]
share = "y"
[[payoff]]
profile = ["p", "s"]
a = "1 + x * y"
b = "exp(-x)"
[[payoff]]
profile = ["p", "t"]
a = "Abs(y - 0.3)"
b = "sqrt(1 + y)"
[[payoff]]
profile = ["q", "s"]
a = "Min(x, y)"
b = "log(2 + x)"
[[payoff]]
profile = ["q", "t"]
a = "Max(x, 0.5) - y**2"
b = "x / (1 + y)"
"""


def test_state_dependent_binary_payoffs_follow_solve_ivp_step_for_step():
    """Two binary populations (the kernel's scalar path) with payoffs that depend on both shares."""
    from test_integrate_oracles import _log_ratio_run

    def payoff(sh):
        x, y = sh[0][0], sh[1][0]
        pa = {"ps": 1 + x * y, "pt": abs(y - 0.3), "qs": min(x, y), "qt": max(x, 0.5) - y**2}
        pb = {"ps": np.exp(-x), "pt": np.sqrt(1 + y), "qs": np.log(2 + x), "qt": x / (1 + y)}
        ua = np.array([y * pa["ps"] + (1 - y) * pa["pt"], y * pa["qs"] + (1 - y) * pa["qt"]])
        ub = np.array([x * pb["ps"] + (1 - x) * pb["qs"], x * pb["pt"] + (1 - x) * pb["qt"]])
        return [ua, ub]

    game = loads_model(SD_BINARY)
    starts = [(0.2, 0.7), (0.8, 0.4), (0.55, 0.1)]
    tr = simulate(game, np.array(starts), params={}, t_end=4.0)
    for r, (x0, y0) in enumerate(starts):
        shares = [np.array([x0, 1 - x0]), np.array([y0, 1 - y0])]
        steps, end = _log_ratio_run(None, shares, 4.0, 1e-6, 1e-9, payoff=payoff)
        assert int(tr.steps[r]) == steps
        np.testing.assert_allclose(tr.final[r], [end[0][0], end[1][0]], atol=1e-12)


def test_extremes_are_located_at_the_root_of_the_dense_output_derivative():
    """Within a step the kernel finds where dz/dtheta = 0 on scipy's RK45 dense-output polynomial
    (coefficients taken from scipy here); numpy's polynomial roots are the oracle."""
    from scipy.integrate._ivp.rk import RK45

    P = RK45.P
    rng = np.random.default_rng(3)
    checked = 0
    while checked < 25:
        K = rng.normal(size=(7, 2))
        a = int(rng.integers(0, 2))
        h, z0 = float(rng.uniform(0.01, 2.0)), float(rng.normal())
        coef = [(k + 1) * float(K[:, a] @ P[:, k]) for k in range(4)]  # dz/dtheta = sum coef_k theta^k
        roots = [r.real for r in np.roots(coef[::-1]) if abs(r.imag) < 1e-12 and 0 < r.real < 1]
        g0, g1 = np.polyval(coef[::-1], 0.0), np.polyval(coef[::-1], 1.0)
        if len(roots) != 1 or (g0 > 0) == (g1 > 0):
            continue  # one extreme inside the step, bracketed
        th, z = kernel._locate(K, a, h, z0)
        assert th == pytest.approx(roots[0], abs=1e-10)
        integral = [float(K[:, a] @ P[:, k]) for k in range(4)]  # z(theta) = z0 + h sum_k int_k theta^(k+1)
        assert z == pytest.approx(z0 + h * sum(c * roots[0] ** (k + 1) for k, c in enumerate(integral)), abs=1e-10)
        checked += 1


def test_a_certified_stop_is_a_time_at_which_the_true_run_is_within_vertex_tol():
    """Payoff differences that depend on the other population (D_a = 1.5 y - 0.2, D_b = x + 0.1): the certified
    stop's bound has real width. At the certified time the exact solution (solve_ivp, tight tolerances) must
    already be within VERTEX_TOL of the vertex, and the full integration not yet have noticed it."""
    pay, offs = kernel.pack((2, 2), [np.array([[1.3, -0.2], [0.0, 0.0]]), np.array([[1.1, 0.0], [0.1, 0.0]])])
    stable = kernel.stable_vertices(pay, (2, 2))
    assert stable.tolist() == [[True, False, False, False]]

    def rhs(_t, s):
        x, y = s
        return [x * (1 - x) * (1.5 * y - 0.2), y * (1 - y) * (x + 0.1)]

    for x0, y0 in ((0.99, 0.98), (0.9, 0.95)):
        Y0 = np.array([[x0, 1 - x0, y0, 1 - y0]])
        res = kernel.integrate_runs(pay, offs, stable, Y0, t_end=60.0, certify=True)
        plain = kernel.integrate_runs(pay, offs, stable, Y0, t_end=60.0, certify=False)
        assert res.status == plain.status == [kernel.Status.CONVERGED]
        t = float(res.t_stop[0])

        def close(_t, s):
            return max(1 - s[0], 1 - s[1]) - kernel.VERTEX_TOL

        sol = solve_ivp(
            rhs, (0, 60.0), [x0, y0], method="LSODA", rtol=1e-12, atol=1e-16, events=close, dense_output=True
        )
        t_true = float(sol.t_events[0][0])
        # the certified time is an upper bound of the time the run comes within VERTEX_TOL, and no later than
        # the full integration notices it (kernel docstring, "Certified stop")
        assert t_true * (1 - 1e-6) <= t <= float(plain.t_stop[0]) + 1e-9
        exact = sol.sol(t)
        assert max(1 - exact[0], 1 - exact[1]) <= kernel.VERTEX_TOL * (1 + 1e-6)
        # its state is the centre of an enclosure of the exact state: within
        # VERTEX_TOL of the vertex but not on it, and of the exact distance's magnitude
        y = res.final[0]
        for got, true in ((y[1], 1 - exact[0]), (y[3], 1 - exact[1])):
            assert 0 < got <= kernel.VERTEX_TOL and 0.25 <= got / true <= 4.0
