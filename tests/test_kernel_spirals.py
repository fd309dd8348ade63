"""The return-map test (``kernel._returns``) on the extremes of signals whose verdict is known by hand.

``z(t) = c + e^(lam t) cos(w t)`` has its maxima and minima evenly spaced by ``T = 2 pi / w`` (where
``tan(w t) = lam / w``) and every extreme is ``e^(lam T)`` times the one a period before, so the amplitude
of successive returns ``A_k = M_k - m_k`` grows by exactly ``e^(lam T)``: the rate is ``lam`` and the period
``T``, whatever the offset ``c`` and whichever extreme came last. The docstring's rules: returns agreeing
within ``CYCLE_TOL`` of the amplitude are a cycle, steadily shrinking or growing ones a spiral (while the last
extreme is at most two periods old), growing amplitudes and periods that reach the boundary (``|z|`` beyond
``log(1 / NEAR_TOL)``) a heteroclinic approach (up to four periods old). The extremes come from brentq on a
fine grid (``_extremes`` of ``test_kernel_returns``), not from the kernel.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_kernel_returns import _extremes, _rings

from govgame.numerics import kernel

# _returns' kinds (its docstring): 0 none, 1 cycle, 2 heteroclinic, 3 spiral-in, 4 spiral-out
CYCLE, HETEROCLINIC, SPIRAL_IN, SPIRAL_OUT = 1, 2, 3, 4


def _damped(c, lam, w):
    def z(t):
        return c + np.exp(lam * t) * np.cos(w * t)

    def dz(t):
        return np.exp(lam * t) * (lam * np.cos(w * t) - w * np.sin(w * t))

    return z, dz


@pytest.mark.parametrize("n_ext", [6, 7, 8, 9, 11, 17, 18])
@pytest.mark.parametrize(("lam", "kind"), [(-0.05, SPIRAL_IN), (0.04, SPIRAL_OUT)])
def test_a_steady_spiral_has_the_rate_and_period_of_its_exponential(n_ext, lam, kind):
    """Kept extremes: the first ``n_ext`` (maxima and minima together), so the rings hold as many maxima as
    minima or one more of either, before and after the rings wrap around (RING = 8 of each)."""
    w = 2.0 * np.pi / 1.7
    c = 0.7
    z, dz = _damped(c, lam, w)
    mx, mn = _extremes(z, dz, 40.0)
    ext = sorted([(t, v, 0) for t, v in mx] + [(t, v, 1) for t, v in mn])[:n_ext]
    maxima = [(t, v) for t, v, k in ext if k == 0]
    minima = [(t, v) for t, v, k in ext if k == 1]
    t_end = ext[-1][0] + 0.3
    got = kernel._returns(*_rings(maxima, minima), 0, t_end)
    assert got[0] == kind
    assert got[1] == pytest.approx(1.7, rel=1e-9)
    assert got[3] == pytest.approx(lam, rel=1e-7)
    M, m = [v for _, v in maxima[-2:]], [v for _, v in minima[-2:]]
    assert got[4] == pytest.approx(min(m), abs=1e-12) and got[5] == pytest.approx(max(M), abs=1e-12)
    assert got[2] == pytest.approx(max(M) - min(m), abs=1e-12)
    # up to two periods after the last extreme (of either kind) the verdict stands
    assert kernel._returns(*_rings(maxima, minima), 0, ext[-1][0] + 1.8 * 1.7)[0] == kind
    # the last extreme more than two periods before t_end: the oscillation has stopped, no verdict
    late = kernel._returns(*_rings(maxima, minima), 0, ext[-1][0] + 2.05 * 1.7)
    assert late[0] == 0 and late[4] == got[4] and late[5] == got[5]


@pytest.mark.parametrize(("lam", "cycle"), [(-2e-4, True), (2e-4, True), (-3e-3, False), (3e-3, False)])
def test_returns_agreeing_within_cycle_tol_of_the_amplitude_are_a_cycle(lam, cycle):
    """With amplitude about 3 (the signal scaled by 1.5), extremes a period apart differ by about
    3 |lam| T / 2 of the amplitude: 3e-4 (a cycle) or 4.6e-3 (a spiral) against CYCLE_TOL = 1e-3."""
    w = 2.0 * np.pi / 1.03
    z0, dz0 = _damped(0.0, lam, w)

    def z(t):
        return -2.0 + 1.5 * z0(t)

    def dz(t):
        return 1.5 * dz0(t)

    mx, mn = _extremes(z, dz, 9.0)
    got = kernel._returns(*_rings(mx, mn), 0, 9.0)
    if cycle:
        assert got[0] == CYCLE and got[3] == 0.0
        assert got[1] == pytest.approx(1.03, rel=1e-9)
    else:
        assert got[0] == (SPIRAL_IN if lam < 0 else SPIRAL_OUT)
        assert got[3] == pytest.approx(lam, rel=1e-6)
    M, m = [v for _, v in mx[-2:]], [v for _, v in mn[-2:]]
    assert got[2] == pytest.approx(max(M) - min(m), abs=1e-12)


def _widening(scale):
    """``scale e^(0.12 t) cos(2 pi sqrt(t + 1/4))``: maxima near t = k^2 - 1/4, so amplitudes and periods both grow."""

    def z(t):
        return scale * np.exp(0.12 * t) * np.cos(2 * np.pi * np.sqrt(t + 0.25))

    def dz(t):
        s = np.sqrt(t + 0.25)
        return scale * np.exp(0.12 * t) * (0.12 * np.cos(2 * np.pi * s) - np.pi / s * np.sin(2 * np.pi * s))

    return z, dz


@pytest.mark.parametrize("last_min", [False, True])
def test_growing_returns_reaching_the_boundary_are_heteroclinic_else_a_spiral_out(last_min):
    """Amplitudes and periods growing: beyond |z| = log(1 / NEAR_TOL) ~ 6.9 a heteroclinic approach (period the
    last return time), which may be up to four periods old; scaled to stay inside, a spiral-out, up to two."""
    z, dz = _widening(1.0)
    mx, mn = _extremes(z, dz, 30.5 if last_min else 25.5, n=200000)
    assert max(v for _, v in mx) > 7.5 and mx[-1][0] > 24.0
    T1 = mx[-1][0] - mx[-2][0]
    t_last = max(mx[-1][0], mn[-1][0])
    assert (mn[-1][0] > mx[-1][0]) == last_min  # minima near t = (k + 1/2)^2 - 1/4
    for age, kind in ((0.2, HETEROCLINIC), (3.5, HETEROCLINIC), (4.2, None)):
        got = kernel._returns(*_rings(mx, mn), 0, t_last + age * T1)
        assert got[0] == (kind if kind else 0), age
        if kind:
            assert got[1] == pytest.approx(T1, rel=1e-12)
            A0, A1 = mx[-1][1] - mn[-1][1], mx[-2][1] - mn[-2][1]
            assert got[3] == pytest.approx(np.log(A0 / A1) / T1, rel=1e-9)
    small = [(t, v / 8.0) for t, v in mx], [(t, v / 8.0) for t, v in mn]
    assert max(v for _, v in small[0]) < 6.5 and min(v for _, v in small[1]) > -6.5
    for age, kind in ((0.2, SPIRAL_OUT), (1.9, SPIRAL_OUT), (2.2, None)):
        got = kernel._returns(*_rings(*small), 0, t_last + age * T1)
        assert got[0] == (kind if kind else 0), age


def test_the_vertex_visit_rule_reads_only_the_runs_own_visits():
    """``_ring_of_saddles`` on ``nvis`` visits: ring slots past them hold scratch of earlier runs of the same
    slice, never visits of this run. Visits A, B, A, B, A each twice as deep as the one before, to unstable
    vertices, have only two distinct vertices: no heteroclinic approach, whatever the other slots hold (here
    three more unstable vertices, shallower still). With a third vertex among the run's own visits it is one;
    after the ring wraps (11 visits) the rule looks at the last RING."""
    R = kernel.RING
    stable = np.zeros((1, 8), dtype=np.bool_)
    vj = np.array([0, 1, 0, 1, 0, 5, 6, 7], dtype=np.int64)
    vd = np.array([1e-4, 4e-5, 1.5e-5, 6e-6, 2e-6, 1e-2, 3e-3, 1e-3])
    assert R == 8
    assert not kernel._ring_of_saddles(vj, vd, 5, stable, 0)
    vj3 = vj.copy()
    vj3[2] = 2  # A, B, C, B, A
    assert kernel._ring_of_saddles(vj3, vd, 5, stable, 0)
    stable_c = stable.copy()
    stable_c[0, 2] = True  # C asymptotically stable: the chain of unstable vertices is A, B, then it breaks
    assert not kernel._ring_of_saddles(vj3, vd, 5, stable_c, 0)
    # 11 visits deepening by 2.5 each, cycling over vertices 0, 1, 2: the ring holds visits 3 .. 10
    seq = [(k % 3, 1e-3 / 2.5**k) for k in range(11)]
    wj, wd = np.zeros(R, dtype=np.int64), np.zeros(R)
    for n, (j, d) in enumerate(seq):
        wj[n % R], wd[n % R] = j, d
    assert kernel._ring_of_saddles(wj, wd, 11, stable, 0)
    wd[(11 - 3) % R] = wd[(11 - 4) % R]  # the third-last visit no deeper than the one before: a chain of 3
    assert not kernel._ring_of_saddles(wj, wd, 11, stable, 0)


def test_a_cycle_is_current_only_while_its_last_extreme_is_at_most_two_periods_old():
    """Equal returns of ``2 + 1.5 cos(2 pi t / 1.3)`` (three or four maxima, so the period-1 rule alone): a cycle
    of period 1.3 up to two periods after the last extreme (of either kind), no verdict after that (the
    oscillation has stopped)."""
    T = 1.3

    def z(t):
        return 2.0 + 1.5 * np.cos(2 * np.pi * t / T)

    def dz(t):
        return -1.5 * 2 * np.pi / T * np.sin(2 * np.pi * t / T)

    for cut, last_min in ((5.0, True), (5.5, False)):  # fewer than five of each: the period-1 rule alone
        mx, mn = _extremes(z, dz, cut)
        assert (mn[-1][0] > mx[-1][0]) == last_min and len(mx) < 5
        t_last = max(mx[-1][0], mn[-1][0])
        for age, kind in ((0.1, CYCLE), (1.9, CYCLE), (2.1, 0)):
            got = kernel._returns(*_rings(mx, mn), 0, t_last + age * T)
            assert got[0] == kind, (cut, age)
            if kind:
                assert got[1] == pytest.approx(T, rel=1e-9)


def test_a_stopped_oscillation_is_no_cycle_of_twice_its_period():
    """The equal returns of ``2 + 1.5 cos(2 pi t / 1.3)`` with five or more maxima and minima, so that returns two
    apart agree as well: up to two periods (1.3) after the last extreme a cycle of period 1.3; after that no
    verdict, and in particular not a cycle of period 2.6 (returns two apart agree for any period-1 oscillation,
    and two of those longer periods have not passed)."""
    T = 1.3

    def z(t):
        return 2.0 + 1.5 * np.cos(2 * np.pi * t / T)

    def dz(t):
        return -1.5 * 2 * np.pi / T * np.sin(2 * np.pi * t / T)

    for cut in (8.0, 8.6):
        mx, mn = _extremes(z, dz, cut)
        assert len(mx) >= 5 and len(mn) >= 5
        t_last = max(mx[-1][0], mn[-1][0])
        for age, kind in ((0.1, CYCLE), (1.9, CYCLE), (2.1, 0), (3.9, 0)):
            got = kernel._returns(*_rings(mx, mn), 0, t_last + age * T)
            assert got[0] == kind, (cut, age, got)
            if kind:
                assert got[1] == pytest.approx(T, rel=1e-9)


def _two_humps(t):
    """Period 2 pi, two unequal maxima and minima per period (as in test_kernel_returns)."""
    return np.cos(t) + 0.6 * np.cos(2 * t + 0.5)


def _two_humps_dz(t):
    return -np.sin(t) - 1.2 * np.sin(2 * t + 0.5)


@pytest.mark.parametrize("which", ["M0", "M2", "M4", "m0", "m2", "m4", "T"])
def test_the_period_two_rule_holds_within_cycle_tol_of_its_amplitude_and_period(which):
    """Returns two apart agree: a cycle of the full period. Moving one of the five newest maxima or minima
    (0, 2, 4 back) by 0.4 CYCLE_TOL of the range (about 2.6) keeps it one; by 2 CYCLE_TOL it is none; likewise
    the oldest full period made 0.4 or 2 CYCLE_TOL longer (the earlier extremes moved back with it)."""
    t_end = 2.6 * 2 * np.pi
    mx, mn = _extremes(_two_humps, _two_humps_dz, t_end)
    assert len(mx) == len(mn) == 5
    amp = max(v for _, v in mx) - min(v for _, v in mn)
    assert 2.0 < amp < 3.0
    tol = kernel.CYCLE_TOL
    for f, kind in ((0.4, CYCLE), (2.0, 0)):
        M, m = list(mx), list(mn)
        if which == "T":
            t4 = M[-5][0]  # the extremes up to the fifth-newest maximum move back by f tol Tp
            shift = f * tol * 2 * np.pi
            M = [(t - shift if t <= t4 + 1e-9 else t, v) for t, v in M]
            m = [(t - shift if t <= t4 + 1e-9 else t, v) for t, v in m]
        else:
            ext = M if which[0] == "M" else m
            k = -1 - int(which[1])
            t, v = ext[k]
            ext[k] = (t, v + f * tol * amp)
        got = kernel._returns(*_rings(M, m), 0, t_end)
        assert got[0] == kind, f
        if kind:
            assert got[1] == pytest.approx(2 * np.pi, rel=2 * tol)


def test_the_period_two_rule_needs_five_of_each_kind_whatever_the_other_slots_hold():
    """Five maxima but four minima: too few returns for the period-2 rule, even when the ring slot of a fifth
    minimum holds (as scratch of an earlier run) exactly the value that would complete the pattern."""
    t_end = 2.6 * 2 * np.pi
    mx, mn = _extremes(_two_humps, _two_humps_dz, t_end)
    full = kernel._returns(*_rings(mx, mn), 0, t_end)
    assert full[0] == CYCLE
    et, ez, cnt = _rings(mx, mn[1:])  # the oldest minimum dropped: cnt 5 and 4
    et[1, 0, 7], ez[1, 0, 7] = mn[0]  # ... but left in the slot a fifth one would use
    assert cnt[:, 0].tolist() == [5, 4]
    assert kernel._returns(et, ez, cnt, 0, t_end)[0] != CYCLE
