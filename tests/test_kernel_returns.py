"""The kernel's return-map verdicts, root search, failure fill and certified end state against closed forms.

Oracles: the linearisation of the generalised rock-paper-scissors game at its centroid, derived by hand (a
focus whose amplitude grows by ``exp(Re lambda T)`` per return, ``T = 2 pi / Im lambda``); a signal with two
unequal maxima per period whose extremes brentq finds (the period-2 rule); the rules as the kernel's docstring
states them (period 2, vertex visits of a heteroclinic approach); numpy's polynomial roots for the extreme
located inside a step; the contract of :class:`govgame.numerics.kernel.KernelResult` (``nan`` paths after a
failure); ``scipy.integrate.solve_ivp`` at tight tolerances for a certified end state."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from govgame.model.loader import loads_model
from govgame.numerics import kernel
from govgame.numerics.integrate import simulate


def _rps(win, loss):
    """One population playing rock, paper, scissors (shares u, v of rock and paper): a win pays ``win``, a loss
    ``-loss``, so the payoffs are those of the matrix game against the population's own shares."""
    return loads_model(
        f"""
[game]
name = "rps"
format = 2
[[population]]
name = "players"
strategies = ["r", "p", "s"]
shares = ["u", "v"]
[[payoff]]
profile = ["r"]
players = "{win} * (1 - u - v) - {loss} * v"
[[payoff]]
profile = ["p"]
players = "{win} * u - {loss} * (1 - u - v)"
[[payoff]]
profile = ["s"]
players = "{win} * v - {loss} * u"
"""
    )


def _rps_focus(win, loss):
    """Eigenvalue ``Re + i Im`` of the replicator field at the centroid, derived by hand.

    At ``x* = (1, 1, 1) / 3`` the Jacobian on the tangent plane ``sum v = 0`` is ``A / 3`` (``A`` is circulant,
    so ``1^T A v = 1^T A^T v = 0`` there); the circulant eigenvalue for ``omega = exp(2 pi i / 3)`` is
    ``-loss omega + win omega^2 = (loss - win) / 2 - i sqrt(3) (loss + win) / 2``.
    """
    return (loss - win) / 6.0, np.sqrt(3.0) * (loss + win) / 6.0


@pytest.mark.parametrize(
    ("win", "loss", "offset", "cycle"),
    [(2.0, 1.0, 1e-3, kernel.Cycle.SPIRAL_IN), (1.0, 2.0, 1e-5, kernel.Cycle.SPIRAL_OUT)],
)
def test_a_focus_is_a_spiral_with_the_rate_and_period_of_its_linearisation(win, loss, offset, cycle):
    """Near the centroid the orbit is that of the linear focus: each return scales the amplitude of every
    log-ratio coordinate by exp(Re T), so the kernel's rate log(A0 / A1) / T1 is Re and its period 2 pi / Im
    (up to relative corrections of the order of the amplitude, here below 1e-2)."""
    re, im = _rps_focus(win, loss)
    period = 2 * np.pi / im
    y0 = [[1 / 3 + offset, 1 / 3 - 2 * offset]]
    res = simulate(_rps(win, loss), y0, params={}, t_end=5 * period, rtol=1e-10, atol=1e-12).cycles
    assert kernel._CYCLES[res.cycle[0]] is cycle
    assert res.rate[0] == pytest.approx(re, rel=2e-2)
    assert res.period[0] == pytest.approx(period, rel=2e-3)


def test_a_centre_of_rock_paper_scissors_is_a_cycle_not_a_spiral():
    """win == loss: the product of the shares is conserved, the orbit is closed (a cycle of the linear period)."""
    _, im = _rps_focus(1.0, 1.0)
    res = simulate(_rps(1.0, 1.0), [[0.4, 0.3]], params={}, t_end=40.0, rtol=1e-10, atol=1e-12).cycles
    assert kernel._CYCLES[res.cycle[0]] is kernel.Cycle.CYCLE
    assert res.rate[0] == 0.0
    # an orbit of finite amplitude is slower than the linear one; near the centroid it tends to 2 pi / Im
    assert res.period[0] > 2 * np.pi / im * (1 - 1e-6)


def _dense_derivative_stages(coef, rng):
    """Stages K (7 x 2) whose dense-output derivative dz_0/dtheta is sum_k coef[k] theta^k (scipy's RK45.P)."""
    from scipy.integrate._ivp.rk import RK45

    P = RK45.P  # z(theta) = z0 + h sum_k (K^T P)[:, k] theta^(k + 1)
    K = rng.normal(size=(7, 2))
    target = np.array([c / (k + 1) for k, c in enumerate(coef)])
    # stage 0 fixes the constant term; the other six stages solve for the rest (least squares, exact here)
    K[0, 0] = target[0]
    rest = target - K[0, 0] * P[0]
    K[1:, 0] = np.linalg.lstsq(P[1:].T, rest, rcond=None)[0]
    np.testing.assert_allclose(K[:, 0] @ P, target, atol=1e-12)
    return K, P


@pytest.mark.parametrize("eps", [1e-3, 1e-6])
@pytest.mark.parametrize("flip", [1.0, -1.0])
@pytest.mark.parametrize("mirror", [False, True])
def test_an_extreme_near_a_flat_end_of_the_step_is_located_exactly(eps, flip, mirror):
    """dz/dtheta = +-(eps - (1 - theta)^3) (or its mirror theta -> 1 - theta): the derivative is flat at one end,
    so plain regula falsi keeps moving the other end by tiny amounts and stalls far from the root
    1 - eps^(1/3); the promised root (numpy's) within 1e-10 needs the Illinois halving on both sides."""
    rng = np.random.default_rng(7)
    # eps - (1 - t)^3 = (eps - 1) + 3 t - 3 t^2 + t^3; mirrored: eps - t^3
    coef = np.array([0.0, 0.0, 0.0, -1.0]) + [eps, 0, 0, 0] if mirror else np.array([eps - 1.0, 3.0, -3.0, 1.0])
    coef = flip * coef
    K, P = _dense_derivative_stages(coef, rng)
    root = eps ** (1 / 3) if mirror else 1 - eps ** (1 / 3)
    roots = [r.real for r in np.roots(coef[::-1]) if abs(r.imag) < 1e-6 and 0 < r.real < 1]
    assert len(roots) == 1 and roots[0] == pytest.approx(root, abs=1e-9)  # numpy agrees
    h, z0 = 0.7, 0.25
    th, z = kernel._locate(K, 0, h, z0)
    assert th == pytest.approx(root, abs=1e-10)
    integral = K[:, 0] @ P
    assert z == pytest.approx(z0 + h * sum(c * root ** (k + 1) for k, c in enumerate(integral)), abs=1e-10)


@pytest.mark.parametrize("runs", [1, 2])
def test_the_paths_of_a_failed_run_are_nan_from_its_failure_on(runs):
    """A run out of step attempts (max-steps) stores its path up to its last accepted step and nan after it
    (KernelResult.paths), also when it is the only run; the stored part follows solve_ivp (matching pennies)."""
    pay, offs = kernel.pack((2, 2), [np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]])])
    stable = kernel.stable_vertices(pay, (2, 2))
    assert not stable.any()
    Y0 = np.tile([0.2, 0.8, 0.3, 0.7], (runs, 1))
    t_eval = np.linspace(0.0, 10.0, 201)
    res = kernel.integrate_runs(pay, offs, stable, Y0, t_end=10.0, t_eval=t_eval, max_steps=12)
    assert res.status == [kernel.Status.MAX_STEPS] * runs

    def rhs(_t, s):  # the shares of strategy 0: u_0 - u_1 = 2 (2 y - 1) for a, -2 (2 x - 1) for b
        x, y = s
        return [x * (1 - x) * 2 * (2 * y - 1), -y * (1 - y) * 2 * (2 * x - 1)]

    for r in range(runs):
        t_fail = float(res.t_stop[r])
        before = t_eval <= t_fail
        assert before.sum() >= 2 and (~before).sum() >= 2
        assert np.isnan(res.paths[r, ~before]).all()
        sol = solve_ivp(rhs, (0.0, t_fail), [0.2, 0.3], t_eval=t_eval[before], rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(res.paths[r, before][:, [0, 2]], sol.y.T, atol=1e-4)
        np.testing.assert_allclose(res.paths[r, before][:, [0, 2]] + res.paths[r, before][:, [1, 3]], 1.0, atol=1e-15)


def test_a_run_certified_near_its_vertex_at_t_end_ends_on_the_exact_state():
    """D_a = 1.5 y - 0.2, D_b = x + 0.1 (x, y the shares of strategy 0): (1, 1) is asymptotically stable. A run
    close to it at t_end, but not yet within VERTEX_TOL, stops at t_end with the centre of the certified
    enclosure (kernel docstring, "Certified stop"): within EXTRAP_TOL of the exact state (solve_ivp at tight
    tolerances), in fewer steps than the full integration."""
    pay, offs = kernel.pack((2, 2), [np.array([[1.3, -0.2], [0.0, 0.0]]), np.array([[1.1, 0.0], [0.1, 0.0]])])
    stable = kernel.stable_vertices(pay, (2, 2))

    def rhs(_t, g):  # the gaps g = (1 - x, 1 - y): g' = -g (1 - g) D
        a, b = g
        return [-a * (1 - a) * (1.5 * (1 - b) - 0.2), -b * (1 - b) * ((1 - a) + 0.1)]

    shortened = 0
    for gap0, t_end in (((2e-3, 5e-3), 6.0), ((4e-4, 1e-3), 5.0), ((1e-2, 2e-2), 9.0)):
        Y0 = np.array([[1 - gap0[0], gap0[0], 1 - gap0[1], gap0[1]]])
        tight = {"t_end": t_end, "rtol": 1e-11, "atol": 1e-13}
        res = kernel.integrate_runs(pay, offs, stable, Y0, certify=True, **tight)
        plain = kernel.integrate_runs(pay, offs, stable, Y0, certify=False, **tight)
        sol = solve_ivp(rhs, (0.0, t_end), list(gap0), method="LSODA", rtol=1e-12, atol=1e-20)
        exact = sol.y[:, -1]
        assert kernel.VERTEX_TOL < exact.max() < kernel.NEAR_TOL  # settled near the vertex, not converged
        assert res.status == plain.status == [kernel.Status.T_END]
        assert res.t_stop[0] == t_end
        np.testing.assert_allclose(res.final[0, [1, 3]], exact, atol=kernel.EXTRAP_TOL, rtol=0)
        np.testing.assert_allclose(res.final[0, [0, 2]] + res.final[0, [1, 3]], 1.0, atol=1e-15)
        assert res.steps[0] <= plain.steps[0]
        shortened += int(res.steps[0] < plain.steps[0])
    assert shortened >= 2


def _extremes(z, dz, t_end, n=20000):
    """Times and values of the maxima and minima of z on (0, t_end): sign changes of dz on a fine grid,
    refined by brentq."""
    from scipy.optimize import brentq

    t = np.linspace(0.0, t_end, n)
    d = dz(t)
    out = ([], [])
    for i in np.nonzero(np.sign(d[:-1]) != np.sign(d[1:]))[0]:
        root = brentq(dz, t[i], t[i + 1], xtol=1e-14)
        out[0 if d[i] > 0 else 1].append((root, float(z(root))))
    return out


def _rings(maxima, minima):
    """The kernel's extreme rings of one coordinate (``et, ez`` of shape (2, 1, RING), ``cnt`` (2, 1))."""
    R = kernel.RING
    et, ez = np.full((2, 1, R), np.nan), np.full((2, 1, R), np.nan)
    cnt = np.zeros((2, 1), dtype=np.int64)
    for c, ext in enumerate((maxima, minima)):
        for tt, zz in ext:
            et[c, 0, cnt[c, 0] % R] = tt
            ez[c, 0, cnt[c, 0] % R] = zz
            cnt[c, 0] += 1
    return et, ez, cnt


def _two_humps(t):
    """z = cos t + 0.6 cos(2 t + 0.5): period 2 pi with two maxima and two minima of different heights."""
    return np.cos(t) + 0.6 * np.cos(2 * t + 0.5)


def _two_humps_dz(t):
    return -np.sin(t) - 1.2 * np.sin(2 * t + 0.5)


@pytest.mark.parametrize("periods", [2.6, 3.1, 5.2])
def test_returns_two_apart_that_agree_are_a_cycle_of_the_full_period(periods):
    """Two unequal maxima (and minima) per period: successive returns differ, returns two apart agree (SPEC's
    period-2 rule); the cycle's period is 2 pi, its range that of z. 2.6 periods leave exactly five maxima and
    five minima in the rings (the fewest the rule needs), 5.2 periods overwrite the rings."""
    t_end = periods * 2 * np.pi
    maxima, minima = _extremes(_two_humps, _two_humps_dz, t_end)
    assert abs(maxima[-1][1] - maxima[-2][1]) > 0.1 and abs(minima[-1][1] - minima[-2][1]) > 0.1
    if periods == 2.6:
        assert len(maxima) == len(minima) == 5
    et, ez, cnt = _rings(maxima, minima)
    kind, per, amp, rate, lo, hi = kernel._returns(et, ez, cnt, 0, t_end)
    assert kind == 1 and rate == 0.0
    assert per == pytest.approx(2 * np.pi, rel=1e-9)
    grid = _two_humps(np.linspace(0, 2 * np.pi, 200001))
    assert lo == pytest.approx(grid.min(), abs=1e-8) and hi == pytest.approx(grid.max(), abs=1e-8)
    assert amp == pytest.approx(hi - lo, rel=1e-12)
    # with four maxima the rule has too few returns: no verdict from two unequal returns
    kind4 = kernel._returns(*_rings(maxima[:4], minima[:4]), 0, t_end)[0]
    assert kind4 == 0


@pytest.mark.parametrize(
    ("which", "factor"), [("M", 1.05), ("M", 0.95), ("m", 1.05), ("m", 0.95), ("T", 1.05), ("T", 0.95)]
)
def test_returns_two_apart_that_differ_are_not_a_cycle(which, factor):
    """The period-2 rule needs every pair of returns two apart to agree: the same rings with the last maximum
    (or minimum) moved by 5 % of the amplitude, or the last period 5 % longer or shorter, are no cycle."""
    t_end = 5.2 * 2 * np.pi
    maxima, minima = _extremes(_two_humps, _two_humps_dz, t_end)
    amp = max(v for _, v in maxima) - min(v for _, v in minima)
    if which == "M":
        tt, v = maxima[-1]
        maxima[-1] = (tt, v + (factor - 1) * amp)
    elif which == "m":
        tt, v = minima[-1]
        minima[-1] = (tt, v + (factor - 1) * amp)
    else:  # the last two maxima apart by a period 5 % longer or shorter (every later extreme shifted with them)
        shift = (factor - 1) * 2 * np.pi
        t_last = maxima[-3][0]
        maxima = [(tt + shift if tt > t_last + 1e-9 else tt, v) for tt, v in maxima]
        minima = [(tt + shift if tt > t_last + 1e-9 else tt, v) for tt, v in minima]
        t_end += shift
    kind = kernel._returns(*_rings(maxima, minima), 0, t_end)[0]
    assert kind != 1


def _visits(seq):
    """The kernel's vertex-visit ring from (vertex, depth) pairs, oldest first."""
    R = kernel.RING
    vj, vd = np.zeros(R, dtype=np.int64), np.zeros(R)
    for n, (j, d) in enumerate(seq):
        vj[n % R] = j
        vd[n % R] = d
    return vj, vd, len(seq)


def test_a_heteroclinic_approach_needs_three_distinct_unstable_vertices_each_visit_deeper():
    """The vertex-visit rule (kernel docstring): four or more successive visits to vertices that are not
    asymptotically stable, three of them distinct, each at most half as far as the one before."""
    stable = np.array([[False, False, False, True]])  # vertex 3 is asymptotically stable
    ring = [(0, 1e-3), (1, 4e-4), (2, 1e-4), (0, 3e-5), (1, 1e-5)]
    assert kernel._ring_of_saddles(*_visits(ring), stable, 0)
    assert not kernel._ring_of_saddles(*_visits(ring[:3]), stable, 0)  # three visits are not enough
    # two vertices only, however deep the visits
    assert not kernel._ring_of_saddles(*_visits([(0, 1e-3), (1, 4e-4), (0, 1e-4), (1, 3e-5), (0, 1e-5)]), stable, 0)
    # a visit not twice as deep as the one before ends the approach
    assert not kernel._ring_of_saddles(*_visits([(0, 1e-3), (1, 4e-4), (2, 3e-4), (0, 1e-4), (1, 3e-5)]), stable, 0)
    # the last visit at the stable vertex: not an approach to a ring of saddles
    assert not kernel._ring_of_saddles(*_visits([*ring, (3, 1e-6)]), stable, 0)
    # an earlier pass by the stable vertex, then the approach: heteroclinic (only the successive visits count)
    assert kernel._ring_of_saddles(*_visits([(3, 5e-4), *ring]), stable, 0)
    # more visits than the ring holds: the newest RING visits are read, in order
    long = [(k % 3, 1e-3 * 0.4**k) for k in range(11)]
    assert kernel._ring_of_saddles(*_visits(long), stable, 0)
    assert not kernel._ring_of_saddles(*_visits([*long[:-1], (3, 1e-3 * 0.4**11)]), stable, 0)
