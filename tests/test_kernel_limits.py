"""The kernel's limits and ends of runs at their boundaries (issue 9.7, the survivor kinds of tests/README.md).

Each case is built so that the boundary matters, and the expected ends come from independent oracles:
scipy's ``RK45`` stepped by hand on the log-ratio equations written here (the kernel's controller is scipy's,
so its accepted steps and step attempts are scipy's), with the stopping rules of the kernel's docstring
applied to scipy's steps by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import RK45, quad, solve_ivp
from scipy.optimize import brentq
from test_kernel_returns import _extremes, _rings

from govgame.model import Game, Population
from govgame.numerics import kernel as K
from govgame.numerics.integrate import simulate


def _edge_game(c):
    """Two binary populations; b's strategy c always earns 1 more, a's strategy c earns ``c`` more when b plays d.

    With x, y the shares of c: dlogit(x)/dt = c (1 - y), dlogit(y)/dt = 1. The edge y = 1 is made of rest points
    (a is indifferent there), none of them asymptotically stable: a run from inside stalls on that edge."""
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (0, 1), ("c", "d"): (c, 0), ("d", "c"): (0, 1), ("d", "d"): (0, 0)}
    return Game(name="edge", populations=pops, parameters=(), payoffs=pay)


def _edge_oracle(c, x0, y0, t_end):
    """scipy's RK45 on the kernel's coordinates, the stall rule of the docstring applied after every step.

    Coordinates (the reference of each population is its larger share): z_a = log(x / (1 - x)) for x0 < 1/2,
    z_b = log((1 - y) / y) for y0 > 1/2. Returns (accepted steps, step attempts, time) of the step on which the
    run stalls: max |f| < STALL_F on every step since a time at least t_end / 10 before, t < t_end, and no share
    can grow by more than FROZEN_GROWTH by t_end at its growth rate."""
    assert x0 < 0.5 < y0

    def shares(z):
        return 1.0 / (1.0 + math.exp(-z[0])), 1.0 / (1.0 + math.exp(z[1]))  # x, y

    def rhs(_t, z):
        return np.array([c / (1.0 + math.exp(-z[1])), -1.0])  # c (1 - y), -1

    solver = RK45(rhs, 0.0, np.array([math.log(x0 / (1 - x0)), math.log((1 - y0) / y0)]), t_end, rtol=1e-6, atol=1e-9)
    since, steps = None, 0
    while solver.status == "running":
        solver.step()
        steps += 1
        x, y = shares(solver.y)
        xd, yd = 1.0 / (1.0 + math.exp(solver.y[0])), 1.0 / (1.0 + math.exp(-solver.y[1]))  # 1 - x, 1 - y
        adv = c * yd  # a's advantage of c
        fmax = max(x * xd * adv, y * yd)  # |f| of each share: y_i |u_i - u_bar|
        if fmax >= K.STALL_F:
            since = None
            continue
        if since is None:
            since = solver.t
            continue
        if solver.t - since >= t_end / 10 and solver.t < t_end:
            rest = t_end - solver.t
            growth = [(x, xd * adv), (xd, -x * adv), (y, yd), (yd, -y)]  # (share, its growth rate u_i - u_bar)
            if all(g <= 0 or s * math.expm1(g * rest) <= K.FROZEN_GROWTH for s, g in growth):
                attempts = (solver.nfev - 2) / 6  # two evaluations for the initial step, six per attempt
                assert attempts == int(attempts)
                return steps, int(attempts), solver.t
    raise AssertionError("no stall before t_end")


def test_a_run_that_stalls_on_its_last_allowed_step_attempt_is_stalled_not_out_of_steps():
    """``max_steps`` is the number of step attempts a run may use: a run whose stall is decided on its
    ``max_steps``-th attempt has stalled (and stops there: no further attempt can fail it); with one attempt
    fewer it ends ``max-steps`` at the step before."""
    c, x0, y0, t_end = 2.0, 0.3, 0.6, 1000.0
    steps, attempts, t_stall = _edge_oracle(c, x0, y0, t_end)
    assert attempts >= steps >= 5 and t_stall < t_end
    game = _edge_game(c)
    for max_steps in (attempts, attempts + 1, 10**6):
        tr = simulate(game, [[x0, y0]], params={}, t_end=t_end, max_steps=max_steps)
        assert [str(s) for s in tr.status] == ["stalled"], max_steps
        assert int(tr.steps[0]) == steps
        assert tr.t_stop[0] == pytest.approx(t_stall, rel=1e-9)
    with pytest.warns(RuntimeWarning, match="1 max-steps"):
        tr = simulate(game, [[x0, y0]], params={}, t_end=t_end, max_steps=attempts - 1)
    assert [str(s) for s in tr.status] == ["max-steps"]


def _steep(k):
    """One binary population whose strategy p earns exp(k x) more than q (x the share of p): dlogit(x)/dt =
    exp(k x), a speed that grows by a factor e^k along the way, so the steps the error control allows shrink
    far faster than the time they add up to."""
    from govgame.model.loader import loads_model

    pay = f'[[payoff]]\nprofile = ["p"]\na = "exp({k} * x)"\n[[payoff]]\nprofile = ["q"]\na = "0"\n'
    head = '[game]\nname = "steep"\nformat = 2\n[[population]]\nname = "a"\nstrategies = ["p", "q"]\nshare = "x"\n'
    return loads_model(head + pay)


@pytest.mark.parametrize("k", [40.0, 60.0, 80.0])
def test_a_run_whose_steps_fall_below_ten_ulp_of_its_time_ends_step_underflow_where_scipy_does(k):
    """The documented failure ``step-underflow`` ("the step size fell below 10 ulp of t"): scipy's RK45 on
    dlogit(x)/dt = exp(k x) from x = 0.1 fails with "Required step size is less than spacing between numbers"
    (its threshold is 10 times the spacing of t); the kernel fails at the same time, after the same accepted
    steps give or take the last one (its threshold, 10 t eps, is within a factor of 2 of scipy's). Paths
    requested after the failure are nan, the paths before it are the run's."""
    x0, t_end = 0.1, 10.0

    def share(z):
        return 0.5 * (1.0 + math.tanh(0.5 * z))  # the logistic function, without overflow

    z0 = math.log(x0 / (1 - x0))
    solver = RK45(lambda _t, z: [math.exp(k * share(z[0]))], 0.0, [z0], t_end, rtol=1e-6, atol=1e-9)
    steps, t_last = 0, 0.0
    while solver.status == "running":
        message = solver.step()
        if solver.status == "running":
            steps, t_last = steps + 1, solver.t
    assert solver.status == "failed" and "step size" in message
    assert steps >= 50 and 0.0 < t_last < 0.01
    t_eval = np.array([0.0, 0.5 * t_last, 1.0])
    with pytest.warns(RuntimeWarning, match="1 step-underflow"):
        tr = simulate(_steep(k), [[x0]], params={}, t_end=t_end, t_eval=t_eval)
    assert [str(s) for s in tr.status] == ["step-underflow"]
    assert abs(int(tr.steps[0]) - steps) <= 1
    assert tr.t_stop[0] == pytest.approx(t_last, rel=1e-12)
    assert tr.paths[0, 0, 0] == pytest.approx(x0, rel=1e-15) and np.all(np.isnan(tr.paths[0, 2]))
    # the exact solution at t_last / 2: the time to reach x is the integral of exp(-k s) / (s (1 - s)) ds from x0
    x_half = brentq(lambda x: quad(lambda v: math.exp(-k * v) / (v * (1 - v)), x0, x, epsabs=0, epsrel=1e-13)[0]
                    - 0.5 * t_last, x0, 1.0 - 1e-12, xtol=1e-15)  # fmt: skip
    assert tr.paths[0, 1, 0] == pytest.approx(x_half, rel=1e-5)


def test_a_run_resting_near_a_saddle_whose_reference_share_will_grow_is_not_stalled():
    """The stall rule's second clause ("no share could grow by more than FROZEN_GROWTH before t_end at its present
    growth rate") for the share that is a population's reference (its largest share at the start).

    Population b's strategy c wins at rate 1 (y -> 1); a's advantage of c is 200 - 200.05 y: c wins at first
    (x -> 1, the share of d, a's reference, falls to about e^-100), then d does, at rate 0.05, once y is near 1.
    So for a long time the run rests near the saddle (c, c), every |f| below STALL_F, while d grows from
    e^-100 to a share of 0.14 by t_end = 2000. On scipy's steps (the kernel's) the first clause holds for more
    than t_end / 10 and only d's growth keeps the run from stalling; it ends at t_end on the closed form
    logit x(t) = logit x0 + 200 t - 200.05 (log(1 + e^(L0 + t)) - log(1 + e^L0)), L0 = logit y0."""
    al, be, x0, y0, t_end = 200.0, 200.05, 0.4, 0.6, 2000.0
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (al - be, 1), ("c", "d"): (al, 0), ("d", "c"): (0, 1), ("d", "d"): (0, 0)}
    game = Game(name="saddle", populations=pops, parameters=(), payoffs=pay)

    def share(v):  # the logistic function, accurate for shares far below 1
        return math.exp(v) / (1.0 + math.exp(v)) if v < 0 else 1.0 / (1.0 + math.exp(-v))

    # kernel coordinates: z_a = log(x / (1 - x)) (reference d), z_b = log((1 - y) / y) (reference c)
    solver = RK45(lambda _t, z: [al - be * share(-z[1]), -1.0], 0.0, [math.log(x0 / (1 - x0)), math.log(2 / 3)],
                  t_end, rtol=1e-6, atol=1e-9)  # fmt: skip
    since, blocked = None, []
    while solver.status == "running":
        solver.step()
        d, c = share(-solver.y[0]), share(solver.y[0])  # a's shares of d and c
        yd, yc = share(solver.y[1]), share(-solver.y[1])  # b's shares of d and c
        adv = al - be * yc  # a's advantage of c
        fmax = max(c * d * abs(adv), yc * yd)
        since = (since if since is not None else solver.t) if fmax < K.STALL_F else None
        if since is not None and solver.t - since >= t_end / 10 and solver.t < t_end:
            rest = t_end - solver.t
            assert yc * math.expm1(yd * rest) <= K.FROZEN_GROWTH  # b's reference c grows at rate yd (b's d: -yc)
            blocked.append(d * math.expm1(c * -adv * rest) > K.FROZEN_GROWTH)  # d's rate: c (-adv) > 0
    assert blocked and all(blocked)  # the first clause held on some steps, d's growth alone kept them moving
    tr = simulate(game, [[x0, y0]], params={}, t_end=t_end)
    assert [str(s) for s in tr.status] == ["no-convergence"] and tr.t_stop[0] == t_end
    L0 = math.log(y0 / (1 - y0))
    logit_x = math.log(x0 / (1 - x0)) + al * t_end - be * (np.logaddexp(0, L0 + t_end) - np.logaddexp(0, L0))
    assert math.log(tr.full_final[0, 0] / tr.full_final[0, 1]) == pytest.approx(logit_x, abs=1e-3)


def test_a_fast_cycle_is_a_cycle_with_its_period():
    """Matching pennies with payoffs 16 times larger: the orbit of the unit game in time divided by 16, so its
    period is below 1 (the return-map test has no time scale of its own). The period and the extremes of the
    log-ratio are those of solve_ivp's events (the zeros of the other population's log-ratio) on the same
    equations."""
    s = 16.0
    pops = (Population("a", ("h", "t"), ("x",)), Population("b", ("h", "t"), ("y",)))
    pay = {("h", "h"): (s, -s), ("h", "t"): (-s, s), ("t", "h"): (-s, s), ("t", "t"): (s, -s)}
    game = Game(name="fast_pennies", populations=pops, parameters=(), payoffs=pay)
    x0, y0, t_end = 0.2, 0.3, 40.0 / s
    tr = simulate(game, [[x0, y0]], params={}, t_end=t_end, rtol=1e-10, atol=1e-12)
    res = tr.cycles
    assert K._CYCLES[res.cycle[0]] is K.Cycle.CYCLE

    def rhs(_t, z):  # z = log(x / (1 - x)), log(y / (1 - y)): the reference of each is strategy t
        x, y = 1 / (1 + np.exp(-z[0])), 1 / (1 + np.exp(-z[1]))
        return [2 * s * (2 * y - 1), -2 * s * (2 * x - 1)]

    z0 = [math.log(x0 / (1 - x0)), math.log(y0 / (1 - y0))]
    sol = solve_ivp(rhs, (0, t_end), z0, rtol=1e-12, atol=1e-13, events=[lambda _t, z: z[1]])
    tx, zx = sol.t_events[0], sol.y_events[0][:, 0]  # the extremes of z_x, where y = 1/2
    assert len(tx) >= 8
    period = np.mean(np.diff(tx[::2]))
    assert period < 0.5
    assert res.period[0] == pytest.approx(period, rel=1e-7)
    np.testing.assert_allclose([res.box_lo[0, 0], res.box_hi[0, 0]], [zx.min(), zx.max()], rtol=1e-7)


def test_an_extreme_at_the_end_of_a_step_is_located_inside_it_whatever_the_rounding_of_the_end_slope():
    """``_locate`` when the step's end slope ``K[6]`` is a tiny negative number after a positive start slope: the
    derivative of the dense output at theta = 1 is sum_s K[s] P'_s(1), and P'_s(1) is 1 for s = 6 and 0 for the
    others only up to rounding (here the sum comes out positive), so the polynomial's derivative has the same
    sign at both ends although the crossing test saw a sign change. The extreme is then at the end of the step
    (the root of the straight line through the end slopes, 1 - 1e-17): theta within [0, 1], and z the dense
    output there, z0 + h sum_s K[s] P_s(1)."""
    P = K._P
    for k2 in (1.0, 3.0, 10.0):
        Kk = np.array([[1.0], [0.5], [k2], [0.3], [0.1], [0.05], [-1e-17]])
        slope_end = sum(Kk[s, 0] * (P[s, 0] + 2 * P[s, 1] + 3 * P[s, 2] + 4 * P[s, 3]) for s in range(7))
        assert slope_end > 0.0  # the case: the rounding of P'(1) disagrees with K[6]'s sign
        th, z = K._locate(Kk, 0, 0.1, 2.0)
        assert 0.0 <= th <= 1.0 and th == pytest.approx(1.0, abs=1e-15)
        assert z == pytest.approx(2.0 + 0.1 * sum(Kk[s, 0] * P[s].sum() for s in range(7)), rel=1e-15)


@pytest.mark.parametrize("side", [1.0, -1.0])
def test_growing_returns_reaching_the_boundary_on_one_side_only_are_heteroclinic(side):
    """The heteroclinic rule's boundary clause: the extremes reach the boundary when the largest maximum is at
    least log(1 / NEAR_TOL) (the reference share below NEAR_TOL) *or* the smallest minimum at most minus that
    (the coordinate's own share below NEAR_TOL); one side is enough. The signal: ``side * 3 + 0.4 e^(0.12 t)
    cos(2 pi sqrt(t + 1/4))``, whose amplitudes and periods both grow, its last extremes reaching about 10 on
    one side and -4 on the other; its extremes by brentq on a fine grid, its last return time by hand."""
    edge = math.log(1.0 / K.NEAR_TOL)

    def z(t):
        return side * 3.0 + 0.4 * np.exp(0.12 * t) * np.cos(2 * np.pi * np.sqrt(t + 0.25))

    def dz(t):
        s = np.sqrt(t + 0.25)
        return 0.4 * np.exp(0.12 * t) * (0.12 * np.cos(2 * np.pi * s) - np.pi / s * np.sin(2 * np.pi * s))

    mx, mn = _extremes(z, dz, 25.5, n=200000)
    hi, lo = max(v for _, v in mx[-2:]), min(v for _, v in mn[-2:])
    far, near = (hi, -lo) if side > 0 else (-lo, hi)
    assert edge <= far < 2 * edge and near < edge  # one side only, and not twice as far
    got = K._returns(*_rings(mx, mn), 0, max(mx[-1][0], mn[-1][0]) + 0.2)
    assert got[0] == 2  # heteroclinic
    assert got[1] == pytest.approx(mx[-1][0] - mx[-2][0], rel=1e-12)
    assert got[4] == pytest.approx(lo, abs=1e-12) and got[5] == pytest.approx(hi, abs=1e-12)


@pytest.mark.parametrize("start", [(0.9, 0.85), (0.8, 0.7), (0.6, 0.95)])
def test_the_certified_time_of_convergence_is_a_tight_upper_bound_of_the_entry_time(start):
    """Two binary populations of a coordination game whose vertex (c, c) attracts fast: with b_p the shares of d,
    xi_p = logit(b_p) moves at -(50 - b_b) and -(40 - 2 b_a), so every b_p falls monotonically and runs take
    about a third of a time unit. The certified stop reports t_c, "an upper bound of the time it comes within
    VERTEX_TOL". By hand, for a certificate at any step t_k: each xi_p falls at a rate between mu_p >=
    r_p - c_p b_q(0) and r_p, so the entry time t* (all b_p <= VERTEX_TOL, from DOP853 at 1e-13 with an event)
    is at least t_k + max_p (xi_p(t_k) - logit VERTEX_TOL) / r_p, and t_c - t* is at most
    max_p (xi_p(0) - logit VERTEX_TOL) (1 / mu_p - 1 / r_p) plus the rounding of the stop level (1e-6 of
    VERTEX_TOL, over the rates) and the integrator's error at t_k."""
    r, c = np.array([50.0, 40.0]), np.array([1.0, 2.0])
    pops = (Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",)))
    pay = {("c", "c"): (50, 40), ("c", "d"): (49, 0), ("d", "c"): (0, 38), ("d", "d"): (0, 0)}
    game = Game(name="coordination", populations=pops, parameters=(), payoffs=pay)
    tr = simulate(game, [list(start)], params={}, t_end=10.0)
    assert [str(s) for s in tr.status] == ["converged"]

    def rhs(_t, xi):
        b = 1.0 / (1.0 + np.exp(-xi))
        return -(r - c * b[::-1])

    def inside(_t, xi):
        return np.max(1.0 / (1.0 + np.exp(-xi))) - K.VERTEX_TOL

    inside.terminal = True
    b0 = 1.0 - np.array(start)
    xi0 = np.log(b0 / (1.0 - b0))
    sol = solve_ivp(rhs, (0.0, 10.0), xi0, method="DOP853", rtol=1e-13, atol=1e-13, events=inside)
    t_star = sol.t_events[0][0]
    lam = math.log(K.VERTEX_TOL / (1.0 - K.VERTEX_TOL))
    mu = r - c * b0[::-1]
    slack = np.max((xi0 - lam) * (1.0 / mu - 1.0 / r)) + 2e-6 / mu.min() + 1e-6
    assert 0.0 < tr.t_stop[0] - t_star <= slack
    assert slack < 0.03 * t_star  # tight here: a t_c later by more is no longer implied by the bound


def _scaled_game(tables, scale):
    """Two binary populations with the payoff tables ``tables`` times ``scale``."""
    pops = (Population("a", ("p", "q"), ("x",)), Population("b", ("p", "q"), ("y",)))
    pay = {
        (sa, sb): (scale * tables[0][i, j], scale * tables[1][i, j])
        for i, sa in enumerate("pq")
        for j, sb in enumerate("pq")
    }
    return Game(name="scaled", populations=pops, parameters=(), payoffs=pay)


@pytest.mark.parametrize(("delta", "x", "d1_target"), [(3.75e-15, 0.5, None), (0.0, 0.5, None), (0.0, 0.3, 1.5e-5)])
def test_starts_with_a_tiny_log_ratio_or_field_take_scipys_initial_step(delta, x, d1_target):
    """scipy's initial step: h0 = 1e-6 when d0 = rms(z / sc) or d1 = rms(f / sc) is below 1e-5, else
    0.01 d0 / d1; then min(100 h0, h1). Cases on either side of those thresholds: equal shares (z = 0, d0 = 0);
    shares 1/2 -+ 3.75e-15 (|z| about 1.5e-14, so d0 between 1e-5 and 2e-5 at atol = 1e-9); and a game scaled
    down so that d1 is 1.5e-5 at the start (over a span scaled up as much). The kernel's accepted steps and end
    states are those of solve_ivp(RK45) on the log-ratio equations."""
    from test_integrate_oracles import _expected_payoffs, _game, _log_ratio_run

    _, tables = _game((2, 2), 3)
    x0 = [x - delta, 0.5 - delta]
    shares = [np.array([v, 1.0 - v]) for v in x0]
    z0 = np.array([math.log(s.min() / s.max()) for s in shares])  # log(other share / reference share)
    sc = 1e-9 + np.abs(z0) * 1e-6
    u = _expected_payoffs(tables, shares)
    refs = [int(np.argmax(s)) for s in shares]  # the reference: the larger share, the first on a tie
    f0 = np.array([u_[1 - r] - u_[r] for u_, r in zip(u, refs)])  # dz/dt at the start
    scale = 1.0 if d1_target is None else d1_target / math.sqrt(np.mean((f0 / sc) ** 2))
    tables = [scale * t for t in tables]
    d0 = math.sqrt(np.mean((z0 / sc) ** 2))
    d1 = math.sqrt(np.mean((scale * f0 / sc) ** 2))
    if delta > 0:
        assert 1e-5 <= d0 < 2e-5 and d1 > 1.0  # the case: either side of scipy's thresholds
    elif d1_target is None:
        assert d0 == 0.0 and d1 > 1.0
    else:
        assert d0 > 1.0 and 1e-5 <= d1 < 2e-5
    t_end = 2.0 / scale
    tr = simulate(_scaled_game(tables, 1.0), [x0], params={}, t_end=t_end)
    steps, end = _log_ratio_run(tables, shares, t_end, 1e-6, 1e-9)
    assert str(tr.status[0]) in ("t_end", "no-convergence")
    assert int(tr.steps[0]) == steps
    np.testing.assert_allclose(tr.full_final[0], np.concatenate(end), atol=1e-12)


def test_four_ever_deeper_visits_to_three_unstable_vertices_are_a_heteroclinic_approach():
    """The vertex-visit rule of the docstring: "four or more successive visits to unstable vertices (three of
    them distinct), each at most half as far as the one before". Exactly four such visits are enough; three are
    not, nor four to only two distinct vertices, nor four whose last is not deeper by half."""
    T = np.zeros((1, 8), dtype=bool)  # no vertex asymptotically stable
    ring = K.RING

    def rule(js, ds):
        vis_j, vis_d = np.zeros(ring, dtype=np.int64), np.zeros(ring)
        vis_j[: len(js)], vis_d[: len(ds)] = js, ds
        return K._ring_of_saddles(vis_j, vis_d, len(js), T, 0)

    assert rule([1, 2, 4, 1], [1e-4, 5e-5, 2e-5, 1e-5])
    assert not rule([2, 4, 1], [5e-5, 2e-5, 1e-5])
    assert not rule([1, 2, 1, 2], [1e-4, 5e-5, 2e-5, 1e-5])
    assert not rule([1, 2, 4, 1], [1e-4, 5e-5, 2e-5, 1.1e-5])
