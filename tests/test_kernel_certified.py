"""The kernel's certified early stop and its scalar path for binary games, against independent oracles.

Oracles: scipy's DOP853 at tight tolerances on the log-ratio system of a binary game written here
(``dlambda_p/dt = D_p(x)``, the payoff differences contracted with np.einsum), the same kernel with the
certified stop turned off and tight tolerances (the full-length integration), and scipy's RK45 on the
same system for the accepted-step counts.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.special import expit

from govgame.numerics import kernel as K


def binary_game(rng, P):
    shape = (2,) * P
    return shape, [rng.normal(size=shape) for _ in range(P)]


def differences(tensors, x):
    """D_p = u_p(strategy 0) - u_p(strategy 1) at the shares x (of strategy 0), by np.einsum."""
    P = len(tensors)
    letters = "abcd"[:P]
    ys = [np.array([v, 1.0 - v]) for v in x]
    out = []
    for p in range(P):
        others = [q for q in range(P) if q != p]
        spec = letters + "," + ",".join(letters[q] for q in others) + "->" + letters[p]
        u = np.einsum(spec, np.asarray(tensors[p], dtype=float), *[ys[q] for q in others])
        out.append(u[0] - u[1])
    return np.array(out)


def lam_rhs(tensors):
    """The replicator equations in lambda_p = log(x_p / (1 - x_p)): dlambda_p/dt = D_p(x)."""
    return lambda t, lam: differences(tensors, expit(lam))


def full(x):
    return np.ravel(np.column_stack([x, 1.0 - x]))


def run(shape, tensors, X, **kw):
    pay, offs = K.pack(shape, tensors)
    return K.integrate_runs(pay, offs, K.stable_vertices(pay, shape), np.array([full(x) for x in X]), **kw)


def games_with_a_stable_vertex(rng, P, n):
    out = []
    while len(out) < n:
        shape, tensors = binary_game(rng, P)
        pay, _ = K.pack(shape, tensors)
        if K.stable_vertices(pay, shape).any():
            out.append((shape, tensors))
    return out


# ---------------------------------------------------------------- the certified stop
@pytest.mark.parametrize("P", [2, 3, 4])
def test_certified_end_states_agree_with_the_full_integration_within_the_bound(P):
    """Tight tolerances on both sides: what differs is the extrapolation alone (<= EXTRAP_TOL)."""
    rng = np.random.default_rng(100 + P)
    tight = dict(rtol=1e-10, atol=1e-12)
    checked = shortened = at_t_end = 0
    for shape, tensors in games_with_a_stable_vertex(rng, P, 6):
        X = rng.uniform(0.02, 0.98, size=(40, P))
        for t_end in (6.0, 12.0):
            cert = run(shape, tensors, X, t_end=t_end, **tight)
            ref = run(shape, tensors, X, t_end=t_end, certify=False, **tight)
            for r in range(len(X)):
                cs, rs = str(cert.status[r]), str(ref.status[r])
                if cs == "t_end":
                    assert rs in ("t_end", "converged")
                    if rs == "t_end":  # both at t_end: the extrapolated state within the stated bound
                        assert np.max(np.abs(cert.final[r] - ref.final[r])) <= K.EXTRAP_TOL + 1e-10
                        at_t_end += int(cert.steps[r] < ref.steps[r])
                    checked += 1
                elif cs == "converged":
                    # t_stop is a certified upper bound of the time the run comes within VERTEX_TOL:
                    # the full integration up to exactly that time is there too (or stopped before)
                    v = np.round(cert.final[r])
                    assert np.max(np.abs(cert.final[r] - v)) <= K.VERTEX_TOL
                    if cert.steps[r] < ref.steps[r]:
                        shortened += 1
                        upto = run(shape, tensors, X[r : r + 1], t_end=float(cert.t_stop[r]), certify=False, **tight)
                        assert np.max(np.abs(upto.final[0] - v)) <= K.VERTEX_TOL * (1 + 1e-6)
                    checked += 1
                else:  # not near a stable vertex: the certificate never applies
                    assert cs == rs and cert.steps[r] == ref.steps[r]
                    np.testing.assert_array_equal(cert.final[r], ref.final[r])
    assert checked >= 40 and shortened + at_t_end >= 15, (checked, shortened, at_t_end)


def test_default_tolerances_stay_as_close_to_a_tight_reference():
    rng = np.random.default_rng(7)
    worst_cert = worst_full = 0.0
    for shape, tensors in games_with_a_stable_vertex(rng, 3, 4):
        X = rng.uniform(0.02, 0.98, size=(15, 3))
        t_end = 8.0
        cert = run(shape, tensors, X, t_end=t_end)
        plain = run(shape, tensors, X, t_end=t_end, certify=False)
        for r in range(len(X)):
            if str(cert.status[r]) != "t_end" or str(plain.status[r]) != "t_end":
                continue
            sol = solve_ivp(lam_rhs(tensors), (0.0, t_end), np.log(X[r] / (1 - X[r])), method="DOP853",
                            rtol=1e-12, atol=1e-12)  # fmt: skip
            want = full(expit(sol.y[:, -1]))
            worst_cert = max(worst_cert, np.max(np.abs(cert.final[r] - want)))
            worst_full = max(worst_full, np.max(np.abs(plain.final[r] - want)))
    assert 0.0 < worst_cert <= worst_full + K.EXTRAP_TOL


def _certify(shape, tensors, lam, tt=0.0, t_end=1e9, stable=None):
    pay, offs = K.pack(shape, tensors)
    P = len(shape)
    full_ = pay.reshape((1, P) + shape)
    dpay = np.stack([(np.take(full_[:, p], 0, axis=1 + p) - np.take(full_[:, p], 1, axis=1 + p)).reshape(1, -1)
                     for p in range(P)], axis=1)  # fmt: skip
    Tn = np.array([2 ** (P - 1 - p) for p in range(P)], dtype=np.int64)
    stable = K.stable_vertices(pay, shape) if stable is None else stable
    z = np.array(lam, dtype=float)  # asg = +1: the coordinate is strategy 0's log-ratio
    kind, tc = K._certify(dpay, K._lipschitz(dpay, P), 0, P, Tn, stable, z, np.ones(P), tt, t_end, np.empty((9 + P, P)))
    return kind, tc, z


def test_the_enclosure_holds_against_a_tight_integration():
    """Wherever the certificate is issued, the exact flow from that state ends inside the claimed bounds."""
    rng = np.random.default_rng(3)
    issued = 0
    for shape, tensors in games_with_a_stable_vertex(rng, 3, 8):
        pay, _ = K.pack(shape, tensors)
        stable = K.stable_vertices(pay, shape)[0]
        for j in np.flatnonzero(stable):
            prof = np.array(np.unravel_index(j, shape))
            sign = np.where(prof == 0, 1.0, -1.0)  # lambda -> +inf for strategy 0
            for _ in range(10):
                lam0 = sign * rng.uniform(1.0, 9.0, size=3)
                for t_end in (0.5, 3.0, 1e9):
                    kind, tc, z = _certify(shape, tensors, lam0, t_end=t_end)
                    if kind < 2:
                        continue
                    issued += 1
                    sol = solve_ivp(lam_rhs(tensors), (0.0, tc), lam0, method="DOP853", rtol=1e-13, atol=1e-13)
                    got = expit(z)
                    want = expit(sol.y[:, -1])
                    if kind == 2:
                        assert tc <= t_end
                        assert np.max(np.abs(want - (prof == 0))) <= K.VERTEX_TOL
                        assert np.max(np.abs(got - (prof == 0))) <= K.VERTEX_TOL
                    else:
                        assert tc == t_end
                        assert np.max(np.abs(got - want)) <= K.EXTRAP_TOL
                        assert np.max(np.abs(want - (prof == 0))) <= K.NEAR_TOL
    assert issued >= 60


def test_a_saddle_is_never_certified():
    """Vertex (0, 0) of this game is a saddle (population 1 gains by switching); even when the stable mask
    wrongly calls it stable, the certificate refuses at every distance."""
    a0 = np.array([[1.0, 0.5], [0.0, -1.0]])  # population 0 prefers strategy 0 at (0, 0): r_0 = 1
    a1 = np.array([[-0.2, 0.0], [0.3, 1.0]])  # population 1 prefers strategy 1 at (0, 0): r_1 = -0.2
    shape = (2, 2)
    wrong = np.ones((1, 4), dtype=bool)
    for d in np.logspace(-1, -14, 27):
        lam = np.log((1 - d) / d) * np.ones(2)
        for t_end in (1.0, 1e9):
            assert _certify(shape, [a0, a1], lam, t_end=t_end, stable=wrong)[0] == 0
    # and end to end: starts close to the saddle go where the full integration goes
    rng = np.random.default_rng(1)
    X = 1.0 - rng.uniform(1e-9, 1e-3, size=(30, 2))
    cert = run(shape, [a0, a1], X, t_end=200.0)
    ref = run(shape, [a0, a1], X, t_end=200.0, certify=False)
    assert not np.any(np.all(np.abs(cert.final - full(np.ones(2))) <= K.NEAR_TOL, axis=1))
    assert [str(s) for s in cert.status] == [str(s) for s in ref.status]
    np.testing.assert_array_equal(np.round(cert.final), np.round(ref.final))
    stopped = np.array([str(s) == "converged" for s in cert.status])
    assert np.all(np.abs(cert.final[stopped] - np.round(cert.final[stopped])) <= K.VERTEX_TOL)


def test_cycles_and_state_dependent_games_are_untouched():
    """The stop applies near stable vertices of static games only: a centre's orbit is the same run."""
    alpha, beta, xs, ys = 1.0, 2.0, 0.4, 0.6
    a0 = np.array([[alpha * (1 - ys), -alpha * ys], [0.0, 0.0]])
    a1 = np.array([[-beta * (1 - xs), 0.0], [beta * xs, 0.0]])
    X = np.array([[0.3, 0.5], [0.2, 0.7]])
    cert = run((2, 2), [a0, a1], X, t_end=30.0)
    ref = run((2, 2), [a0, a1], X, t_end=30.0, certify=False)
    np.testing.assert_array_equal(cert.final, ref.final)
    np.testing.assert_array_equal(cert.steps, ref.steps)
    np.testing.assert_array_equal(cert.cycle, ref.cycle)


# ---------------------------------------------------------------- step-size parity of the scalar path
@pytest.mark.parametrize("P", [2, 3, 4])
def test_accepted_steps_of_the_binary_scalar_path_equal_those_of_rk45(P):
    """Two to four binary populations take the scalar field path; its DOPRI must step as scipy's RK45
    (same tableau, error norm and controller) on the same system and tolerances."""
    rng = np.random.default_rng(40 + P)
    total = same = 0
    for _ in range(6):
        shape, tensors = binary_game(rng, P)
        x0 = rng.uniform(0.05, 0.95, size=P)
        for rtol, atol in ((1e-6, 1e-9), (1e-3, 1e-6)):
            res = run(shape, tensors, x0[None, :], t_end=4.0, rtol=rtol, atol=atol, certify=False)
            if str(res.status[0]) != "t_end" and str(res.status[0]) != "no-convergence":
                continue
            sol = solve_ivp(lam_rhs(tensors), (0.0, 4.0), np.log(x0 / (1 - x0)), method="RK45", rtol=rtol, atol=atol)
            total += 1
            assert abs(int(res.steps[0]) - (len(sol.t) - 1)) <= 1
            same += int(res.steps[0]) == len(sol.t) - 1
    assert total >= 8 and same >= total - 1, (total, same)


# ---------------------------------------------------------------- the box bounds (corners of a multilinear advantage)
def _box_point(rng, prof, bmax):
    """A random point of the box 0 <= b_q <= bmax_q around the vertex ``prof``, as shares of strategy 0."""
    b = rng.uniform(0.0, 1.0, size=len(bmax)) * bmax
    b[rng.uniform(size=len(bmax)) < 0.3] = 0.0  # faces and corners of the box too
    far = rng.uniform(size=len(bmax)) < 0.3
    b[far] = bmax[far]
    return np.where(prof == 0, 1.0 - b, b)


@pytest.mark.parametrize("P", [2, 3, 4])
def test_the_box_bounds_hold_at_random_points_of_the_box(P):
    """mu_p <= a_p <= M_p and |d a_p / d b_q| <= l_pq wherever the certificate computed them, against the
    advantage evaluated by np.einsum at random points of the box (and on its faces)."""
    rng = np.random.default_rng(500 + P)
    checked = 0
    for shape, tensors in games_with_a_stable_vertex(rng, P, 10):
        pay, _ = K.pack(shape, tensors)
        for j in np.flatnonzero(K.stable_vertices(pay, shape)[0]):
            prof = np.array(np.unravel_index(j, shape))
            sign = np.where(prof == 0, 1.0, -1.0)
            for _ in range(6):
                lam0 = sign * rng.uniform(0.5, 6.0, size=P)
                full_ = pay.reshape((1, P) + shape)
                dpay = np.stack([(np.take(full_[:, p], 0, axis=1 + p) - np.take(full_[:, p], 1, axis=1 + p))
                                 .reshape(1, -1) for p in range(P)], axis=1)  # fmt: skip
                Tn = np.array([2 ** (P - 1 - p) for p in range(P)], dtype=np.int64)
                cw = np.full((9 + P, P), np.nan)
                z = lam0.copy()
                # t_end just after t0: the cheap route cannot stop the run, so every bound is computed
                kind, _ = K._certify(dpay, K._lipschitz(dpay, P), 0, P, Tn, K.stable_vertices(pay, shape), z,
                                     np.ones(P), 0.0, 1e-9, cw)  # fmt: skip
                if kind == 0:
                    continue
                checked += 1
                mu, M, lip = cw[4], cw[7], cw[9:]
                bmax = expit(-np.abs(lam0))  # the other strategies' shares at t0
                for _ in range(40):
                    x = _box_point(rng, prof, bmax)
                    adv = sign * differences(tensors, x)  # a_p = D_p at a vertex of strategy 0, -D_p else
                    assert np.all(mu <= adv + 1e-12) and np.all(adv <= M + 1e-12), (mu, adv, M)
                    for q in range(P):
                        hi, lo = x.copy(), x.copy()
                        hi[q], lo[q] = 1.0, 0.0
                        slope = np.abs(
                            differences(tensors, hi) - differences(tensors, lo)
                        )  # exact: D_p is linear in x_q
                        for p in range(P):
                            if p != q:
                                assert slope[p] <= lip[p, q] + 1e-12, (p, q, slope[p], lip[p, q])
    assert checked >= 20


# ---------------------------------------------------------------- outcomes against solve_ivp over many starts
def _weak_ball_game():
    """Three binary populations; vertex (1, 1, 1) (everyone plays strategy 1) is asymptotically stable, but only
    just for population 0 (advantage 0.05), whose payoff difference turns positive as soon as another population
    moves: the certified box is small, and the neighbouring vertices are saddles."""
    shape = (2, 2, 2)
    t = [np.zeros(shape) for _ in range(3)]
    # strategy 0's payoff of each population (strategy 1 pays 0): the payoff difference D_p itself
    t[0][0] = np.array([[2.0, 1.5], [1.5, -0.05]])  # others (1, 2) at (0,0), (0,1), (1,0), (1,1)
    t[1][:, 0, :] = np.array([[0.5, -0.3], [0.8, -1.0]])  # others (0, 2)
    t[2][:, :, 0] = np.array([[-0.2, 0.6], [0.4, -1.0]])  # others (0, 1)
    return shape, t


def _rps_like_game():
    """Two binary populations with an interior centre (a cycling game with no stable vertex)."""
    a0 = np.array([[0.6, -0.4], [0.0, 0.0]])
    a1 = np.array([[-1.0, 0.0], [1.0, 0.0]])
    return (2, 2), [a0, a1]


def test_certified_outcomes_match_tight_solve_ivp_over_many_starts():
    """Whatever the certificate decides, a tight DOP853 integration of the same starts agrees: converged runs
    are within VERTEX_TOL of their vertex at the certified time, runs stopped at t_end by extrapolation are
    within EXTRAP_TOL of the exact end state, and every other run is the full integration itself."""
    rng = np.random.default_rng(2026)
    games = [_weak_ball_game(), _rps_like_game()]
    games += games_with_a_stable_vertex(rng, 2, 1) + games_with_a_stable_vertex(rng, 3, 2)
    games += games_with_a_stable_vertex(rng, 4, 1)
    tight = dict(rtol=1e-10, atol=1e-12)
    shortened = extrapolated = 0
    for shape, tensors in games:
        P = len(shape)
        X = rng.uniform(0.01, 0.99, size=(25, P))
        t_end = 40.0
        cert = run(shape, tensors, X, t_end=t_end, **tight)
        plain = run(shape, tensors, X, t_end=t_end, certify=False, **tight)
        for r in range(len(X)):
            lam0 = np.log(X[r] / (1 - X[r]))
            cs = str(cert.status[r])
            if cert.steps[r] == plain.steps[r] and cs == str(plain.status[r]):
                np.testing.assert_array_equal(cert.final[r], plain.final[r])  # not certified: the same run
                continue
            if cs == "converged":
                v = np.round(cert.final[r])
                sol = solve_ivp(lam_rhs(tensors), (0.0, float(cert.t_stop[r])), lam0, method="DOP853",
                                rtol=1e-12, atol=1e-12)  # fmt: skip
                assert np.max(np.abs(full(expit(sol.y[:, -1])) - v)) <= K.VERTEX_TOL * (1 + 1e-4)
                assert np.max(np.abs(cert.final[r] - v)) <= K.VERTEX_TOL
                shortened += 1
            else:
                assert cs == "t_end", cs
                sol = solve_ivp(lam_rhs(tensors), (0.0, t_end), lam0, method="DOP853", rtol=1e-12, atol=1e-12)
                assert np.max(np.abs(cert.final[r] - full(expit(sol.y[:, -1])))) <= K.EXTRAP_TOL + 1e-9
                extrapolated += 1
    assert shortened >= 10 and extrapolated >= 10 and shortened + extrapolated >= 50, (shortened, extrapolated)


def test_the_weak_ball_game_is_certified_only_close_to_its_vertex():
    """Where population 0's advantage 0.05 is outweighed inside the box, no certificate is issued; close
    enough it is, and the runs started there converge to the vertex (a closed-form check of mu_0 = 0.05 -
    2.05 b_1 - 1.55 b_2 + ... > 0 along the diagonal)."""
    shape, tensors = _weak_ball_game()
    for b, want in ((0.05, 0), (0.002, 2)):
        lam = np.log(b / (1 - b)) * np.ones(3)  # strategy 0's share b: near vertex (1, 1, 1)
        kind, tc, z = _certify(shape, tensors, lam)
        assert kind == want, (b, kind)
