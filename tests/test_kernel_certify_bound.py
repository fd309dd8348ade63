"""The certificate's bound (``_certify``) against the bound of the module docstring, computed here on its own.

The module docstring of ``govgame.numerics.kernel`` ("Certified stop") states the bound: near a vertex ``v``,
:math:`\\xi_p = \\log(b_p / (1 - b_p))`, :math:`B_p = e^{\\xi_p(t_0)}`, the box :math:`b_q \\le b_q(t_0)`,
:math:`\\mu_p, M_p` the extremes of ``v``'s advantage :math:`a_p` over the box's corners, :math:`r_p = a_p(0)`,
:math:`\\ell_{pq}` the largest :math:`|\\partial a_p / \\partial b_q|` over them (:math:`\\ell_{pp} = 0`: :math:`a_p` does
not depend on :math:`b_p`), :math:`C_p(s) = \\sum_q \\ell_{pq} B_q (1 - e^{-\\mu_q s}) / \\mu_q`, the enclosure
:math:`\\max(\\xi_p - r_p s - C_p, \\xi_p - M_p s) \\le \\xi_p(t_0 + s) \\le \\min(\\xi_p - r_p s + C_p, \\xi_p - \\mu_p s)`,
its width in shares, and the certified time (every :math:`\\xi_p` below :math:`\\log` ``VERTEX_TOL``).

Oracle: that bound evaluated here from the payoff tensors (``np.einsum`` at the box's corners, the derivative as a
difference of the multilinear payoff at both ends of an axis), not from the kernel's tables or its scratch. The
states are chosen near the decision thresholds by this computation (an enclosure at ``t_end`` of 0.7 and of 1.5
times ``EXTRAP_TOL``; ``t_end`` between the two passes' bounds of the time), so a kernel whose enclosure is wider
by a factor of 1.5 or more, or whose certified time is later, fails. Besides, a branch of the stall rule no other
test of the kernel's mutation selection reached (a stalled run with its paths stored; tests/README.md).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit

from govgame.numerics import kernel as K

LOG_STOP = math.log(K.VERTEX_TOL * (1.0 - 1e-6))  # the docstring's "below VERTEX_TOL", with the kernel's margin


def _advantage(tensors, p, b):
    """a_p(b) = D_p at the shares x_q = 1 - b_q (the vertex plays strategy 0 everywhere), by np.einsum."""
    P = len(tensors)
    letters = "abcd"[:P]
    others = [q for q in range(P) if q != p]
    spec = letters + "," + ",".join(letters[q] for q in others) + "->" + letters[p]
    u = np.einsum(spec, tensors[p], *[np.array([1.0 - b[q], b[q]]) for q in others])
    return u[0] - u[1]


def _bound(tensors, xi):
    """mu, M, r, l of the docstring for the vertex "strategy 0 everywhere" and the box of the state xi."""
    P = len(tensors)
    side = expit(xi)  # b_q(t0)
    mu, M, r = np.empty(P), np.empty(P), np.empty(P)
    ell = np.zeros((P, P))
    for p in range(P):
        vals = []
        for bits in itertools.product((0, 1), repeat=P):
            b = np.where(bits, side, 0.0)
            vals.append(_advantage(tensors, p, b))
            for q in range(P):
                if q != p:  # the advantage is linear along b_q: its derivative is the difference over [0, 1]
                    hi, lo = b.copy(), b.copy()
                    hi[q], lo[q] = 1.0, 0.0
                    ell[p, q] = max(ell[p, q], abs(_advantage(tensors, p, hi) - _advantage(tensors, p, lo)))
        mu[p], M[p], r[p] = min(vals), max(vals), _advantage(tensors, p, np.zeros(P))
    return mu, M, r, ell


def _enclosure(tensors, xi, s):
    """The enclosure of xi(t0 + s): (lower, upper) in log-ratios, and its width in shares (maximum norm)."""
    mu, M, r, ell = _bound(tensors, xi)
    C = ell @ (np.exp(xi) * -np.expm1(-mu * s) / mu)
    up = np.minimum(xi - r * s + C, xi - mu * s)
    dn = np.maximum(xi - r * s - C, xi - M * s)
    return dn, up, float(np.max(expit(up) - expit(dn)))


def _times(tensors, xi):
    """The two certified times of the docstring's bound: from the rates alone, and with C_p(infinity)."""
    mu, M, r, ell = _bound(tensors, xi)
    first = float(np.max((xi - LOG_STOP) / mu))
    C = ell @ (np.exp(xi) / mu)
    second = max(0.0, float(np.max(np.minimum((xi + C - LOG_STOP) / r, (xi - LOG_STOP) / mu))))
    return first, second


def _kernel(tensors, xi, tt, t_end):
    """The kernel's certificate of the state xi at time tt: (kind, time, log-ratios of the vertex's shares, cw)."""
    P = len(tensors)
    shape = (2,) * P
    pay, _ = K.pack(shape, [np.asarray(t, dtype=float) for t in tensors])
    dpay = K.binary_differences(pay, np.array(shape))
    stable = K.stable_vertices(pay, shape)
    assert stable[0, 0]  # the vertex "strategy 0 everywhere" is asymptotically stable
    lip = K._lipschitz(dpay, P)
    Tn = np.array([2 ** (P - 1 - p) for p in range(P)], dtype=np.int64)
    z = -np.asarray(xi, dtype=float)  # log(x / (1 - x)) of strategy 0, the vertex's strategy
    cw = np.empty((9 + P, P))
    kind, tc = K._certify(dpay, lip, 0, P, Tn, stable, z, np.ones(P), tt, t_end, cw)
    return kind, tc, z, cw


def _game(r0, r1, ell):
    """Two populations at the vertex (0, 0): a_0 = r0 + ell b_1 (so mu_0 = r0 or M_0 = r0), a_1 = r1 (constant)."""
    return [np.array([[r0, r0 + ell], [0.0, 0.0]]), np.array([[r1, 0.0], [r1, 0.0]])]


def _xi_for_width(tensors, s, target):
    """Equal log-ratios xi = (x, x) whose enclosure at s is target times EXTRAP_TOL wide (by the oracle)."""
    x = brentq(lambda v: _enclosure(tensors, np.array([v, v]), s)[2] - target * K.EXTRAP_TOL, -25.0, -3.0, xtol=1e-13)
    return np.array([x, x])


# (r0, r1, ell, s): the enclosure's width comes from its upper side (ell < 0) or its lower side (ell > 0);
# at mu_1 s = 1 using C_p(infinity) for C_p(s), or the rates' bound for the lower side, widens it about 1.58 times
CASES = [(1.0, 1.0, 0.3, 1.0), (1.0, 1.0, -0.3, 1.0), (0.7, 1.25, 0.4, 0.8), (0.7, 1.25, -0.4, 0.8)]


@pytest.mark.parametrize("r0, r1, ell, s", CASES)
def test_an_enclosure_just_narrow_enough_at_t_end_is_certified(r0, r1, ell, s):
    tensors = _game(r0, r1, ell)
    xi = _xi_for_width(tensors, s, 0.7)
    first, second = _times(tensors, xi)
    assert second > s  # the run does not provably converge by t_end: the end state is what is certified
    dn, up, width = _enclosure(tensors, xi, s)
    assert width == pytest.approx(0.7 * K.EXTRAP_TOL, rel=1e-9)
    kind, tc, z, _ = _kernel(tensors, xi, 2.0, 2.0 + s)
    assert kind == 3
    assert tc == pytest.approx(2.0 + s, rel=1e-14)
    # the state returned is the enclosure's centre
    np.testing.assert_allclose(-z, 0.5 * (up + dn), rtol=0, atol=1e-12 * np.max(np.abs(xi)))


@pytest.mark.parametrize("r0, r1, ell, s", CASES)
def test_an_enclosure_too_wide_at_t_end_says_how_much_too_wide(r0, r1, ell, s):
    tensors = _game(r0, r1, ell)
    xi = _xi_for_width(tensors, s, 1.5)
    dn, up, width = _enclosure(tensors, xi, s)
    assert np.max(0.5 * (up + dn)) > LOG_STOP  # the centre is not within VERTEX_TOL: the ratio is reported
    kind, tc, _, cw = _kernel(tensors, xi, 0.0, s)
    assert (kind, tc) == (1, 0.0)
    assert cw[6, 0] == pytest.approx(width / K.EXTRAP_TOL, rel=1e-6)  # 1.5


@pytest.mark.parametrize("r0, r1, ell", [(0.5, 1.0, -0.3), (0.6, 0.9, -0.45), (0.5, 1.0, 0.3)])
@pytest.mark.parametrize("log_b", [-6.0, -9.0])
def test_the_certified_time_is_the_docstrings_bound(r0, r1, ell, log_b):
    tensors = _game(r0, r1, ell)
    xi = np.array([log_b, log_b + 0.5])
    first, second = _times(tensors, xi)
    mu, M, r, _ = _bound(tensors, xi)
    tt = 3.0
    # t_end after the first pass's bound: certified there, the state the middle of the rates' enclosure
    kind, tc, z, _ = _kernel(tensors, xi, tt, tt + first + 1.0)
    assert kind == 2
    assert tc == pytest.approx(tt + first, rel=1e-10)
    np.testing.assert_allclose(-z, xi - 0.5 * (mu + M) * first, rtol=1e-10)
    if ell < 0:  # mu_0 < r_0: the second pass's bound is earlier
        assert second < first - 1e-3
        # t_end between the two bounds: certified at the second's
        kind, tc, z, _ = _kernel(tensors, xi, tt, tt + 0.5 * (first + second))
        assert kind == 2
        assert tc == pytest.approx(tt + second, rel=1e-10)
        dn, up, _ = _enclosure(tensors, xi, second)
        np.testing.assert_allclose(-z, 0.5 * (up + dn), rtol=1e-10)
        assert np.all(up <= LOG_STOP * (1 - 1e-12))
        # t_end just before the second pass's bound: not certified by t_end
        kind, _, _, _ = _kernel(tensors, xi, tt, tt + second * (1 - 1e-6))
        assert kind != 2
    else:  # mu_0 = r_0: both passes give the same time
        assert second == pytest.approx(first, rel=1e-12)


@pytest.mark.parametrize("r0, r1, ell", [(0.5, 1.0, -0.3), (0.5, 1.0, 0.3)])
def test_a_certified_time_shorter_than_one_time_unit(r0, r1, ell):
    # just outside VERTEX_TOL: the first pass's bound is a fraction of a time unit after the try
    tensors = _game(r0, r1, ell)
    xi = np.array([LOG_STOP + 0.2, LOG_STOP + 0.1])
    first = _times(tensors, xi)[0]
    mu, M, _, _ = _bound(tensors, xi)
    assert first < 0.5
    kind, tc, z, _ = _kernel(tensors, xi, 3.0, 10.0)
    assert kind == 2
    assert tc == pytest.approx(3.0 + first, rel=1e-10)
    np.testing.assert_allclose(-z, xi - 0.5 * (mu + M) * first, rtol=1e-10)


def test_a_run_stalled_with_its_paths_stored_holds_its_state_to_the_end():
    """A game with every payoff 0: the exact solution is the start, and the run stalls (the module docstring,
    ``stalled``) at scipy's first accepted step at least ``t_end / 10`` after its first (RK45 stepped by hand on
    the zero field: every step ten times the one before); every stored output, before the stall and after it,
    is the start (to rounding)."""
    from scipy.integrate import RK45

    shape = (2, 2)
    pay, offs = K.pack(shape, [np.zeros(shape), np.zeros(shape)])
    Y0 = np.array([[0.3, 0.7, 0.6, 0.4], [0.5, 0.5, 0.9, 0.1]])
    t_end = 10.0
    res = K.integrate_runs(pay, offs, K.stable_vertices(pay, shape), Y0, t_end=t_end, t_eval=np.linspace(0, t_end, 6))
    for r in range(len(Y0)):
        lam = np.log(Y0[r, 0::2] / Y0[r, 1::2])
        solver = RK45(lambda _t, v: np.zeros_like(v), 0.0, lam, t_end, rtol=1e-6, atol=1e-9)
        solver.step()
        first = solver.t
        while solver.t - first < t_end / 10:
            solver.step()
        assert str(res.status[r]) == "stalled"
        assert res.t_stop[r] == pytest.approx(solver.t, rel=1e-12)
        np.testing.assert_allclose(res.final[r], Y0[r], rtol=0, atol=1e-15)  # (the log-ratios' rounding)
        np.testing.assert_allclose(res.paths[r], np.tile(Y0[r], (6, 1)), rtol=0, atol=1e-15)
