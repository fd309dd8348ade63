"""Faithful integration in log-ratio coordinates, step-size parity with solve_ivp, failures that surface.

Oracles: first integrals of bimatrix games with a centre (exact constants of motion), scipy's
DOP853 at tight tolerances on the log-ratio system written here independently (np.einsum over
the payoff tensors), and scipy's RK45 on the same system for the accepted-step counts.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from govgame.errors import SimulationError
from govgame.model.program import compile_program
from govgame.numerics import kernel as K


# ---------------------------------------------------------------- an independent log-ratio system
def shares_from_z(shape, refs, z):
    """Full shares from log-ratio coordinates: population p's coordinates are z for its non-reference strategies."""
    y, i = [], 0
    for k, r in zip(shape, refs):
        w = np.zeros(k)
        others = [s for s in range(k) if s != r]
        w[others] = z[i : i + k - 1]
        w = np.exp(w - w.max())
        y.append(w / w.sum())
        i += k - 1
    return y


def logratio_rhs(shape, tensors, refs):
    P = len(shape)
    letters = "abcdefgh"[:P]

    def f(t, z):
        y = shares_from_z(shape, refs, z)
        out = []
        for p in range(P):
            others = [q for q in range(P) if q != p]
            spec = letters + "," + ",".join(letters[q] for q in others) + "->" + letters[p]
            u = np.einsum(spec, tensors[p], *[y[q] for q in others])
            out += [u[s] - u[refs[p]] for s in range(shape[p]) if s != refs[p]]
        return out

    return f


def z_from_full(shape, refs, y):
    z, i = [], 0
    for k, r in zip(shape, refs):
        z += [math.log(y[i + s] / y[i + r]) for s in range(k) if s != r]
        i += k
    return np.array(z)


def interior_start(rng, shape):
    return np.concatenate([rng.dirichlet(np.ones(k)) for k in shape])


def refs_of(shape, y):
    out, i = [], 0
    for k in shape:
        out.append(int(np.argmax(y[i : i + k])))
        i += k
    return out


def run(shape, tensors, Y0, **kw):
    pay, offs = K.pack(shape, tensors)
    return K.integrate_runs(pay, offs, K.stable_vertices(pay, shape), np.atleast_2d(Y0), **kw)


# ---------------------------------------------------------------- a bimatrix game with a centre
def centre_game(alpha, beta, xs, ys):
    """D_x = alpha (y - ys), D_y = -beta (x - xs): closed orbits around (xs, ys)."""
    a0 = np.array([[alpha * (1 - ys), -alpha * ys], [0.0, 0.0]])
    a1 = np.array([[-beta * (1 - xs), 0.0], [beta * xs, 0.0]])
    return (2, 2), [a0, a1]


def H(alpha, beta, xs, ys, x, x1, y, y1):
    """The constant of motion (x1 = 1 - x, y1 = 1 - y, passed as computed shares so that no digit is lost).

    dH/dt = alpha beta [(xs - x)(y - ys) + (ys - y)(xs - x)] = 0.
    """
    return beta * (xs * np.log(x) + (1 - xs) * np.log(x1)) + alpha * (ys * np.log(y) + (1 - ys) * np.log(y1))


def test_first_integral_conserved_on_an_orbit_that_grazes_the_boundary():
    alpha, beta, xs, ys = 1.3, 0.8, 0.4, 0.55
    shape, tensors = centre_game(alpha, beta, xs, ys)
    starts = np.array([[xs, 1 - xs, 1e-12, 1 - 1e-12], [xs, 1 - xs, 0.3, 0.7], [0.05, 0.95, ys, 1 - ys]])
    t = np.linspace(0.0, 1000.0, 2001)
    res = run(shape, tensors, starts, t_end=1000.0, t_eval=t)
    tight = run(shape, tensors, starts, t_end=1000.0, t_eval=t, rtol=1e-9, atol=1e-12)
    assert [str(s) for s in res.status] == ["no-convergence"] * 3
    for r, y0 in enumerate(starts):
        h0 = H(alpha, beta, xs, ys, *y0)
        # the drift is the integration error: proportional to the tolerance, never a wrong orbit
        assert np.max(np.abs(H(alpha, beta, xs, ys, *res.paths[r].T) - h0)) < 2e-4 * max(1.0, abs(h0)), r
        assert np.max(np.abs(H(alpha, beta, xs, ys, *tight.paths[r].T) - h0)) < 1e-6 * max(1.0, abs(h0)), r
    # the grazing orbit really goes down to about 1e-12 again and again
    assert res.paths[0, :, 2].min() < 1e-11 and np.sum(res.paths[0, :, 2] < 1e-9) > 20


def test_face_centre_is_followed_faithfully_against_a_tight_reference():
    """Three populations; on the face where population 1 plays strategy 0 the others form a centre."""
    rng = np.random.default_rng(4)
    alpha, beta, xs, zs = 2.0, 1.5, 0.3, 0.6
    shape = (2, 2, 2)
    a0 = np.zeros(shape)
    a0[0, 0, :] = [alpha * (1 - zs), -alpha * zs]  # D_x = alpha (z - zs) when y = 1
    a0[0, 1, :] = rng.normal(size=2)
    a1 = np.zeros(shape)
    a1[:, 0, :] = 1.0  # population 1: strategy 0 always earns 1 more -> the face y = 1 attracts
    a2 = np.zeros(shape)
    a2[0, 0, 0], a2[1, 0, 0] = -beta * (1 - xs), beta * xs  # D_z = -beta (x - xs) when y = 1
    a2[:, 1, 0] = rng.normal(size=2)
    tensors = [a0, a1, a2]
    # starts on the face (y = 1 exactly: the face is invariant) near and far from the centre
    starts = np.array([[0.5, 0.5, 1.0, 0.0, 1e-10, 1 - 1e-10], [0.2, 0.8, 1.0, 0.0, 0.7, 0.3]])
    res = run(shape, tensors, starts, t_end=300.0, t_eval=np.linspace(0, 300.0, 601))
    assert np.all(res.paths[:, :, 3] == 0.0)  # stays on the face exactly
    for r, y0 in enumerate(starts):
        h0 = H(alpha, beta, xs, zs, *y0[[0, 1, 4, 5]])
        h = H(alpha, beta, xs, zs, *res.paths[r][:, [0, 1, 4, 5]].T)
        assert np.max(np.abs(h - h0)) < 2e-4 * max(1.0, abs(h0))
        refs = refs_of(shape, y0)
        f = logratio_rhs((2, 2), [a0[:, 0, :], a2[:, 0, :]], [refs[0], refs[2]])
        z0 = z_from_full((2, 2), [refs[0], refs[2]], y0[[0, 1, 4, 5]])
        sol = solve_ivp(f, (0, 300.0), z0, method="DOP853", rtol=1e-12, atol=1e-12)
        ref = shares_from_z((2, 2), [refs[0], refs[2]], sol.y[:, -1])
        got = res.final[r]
        assert abs(got[0] - ref[0][0]) < 1e-4 and abs(got[4] - ref[1][0]) < 1e-4 * max(ref[1][0], 1e-6)


def test_period_of_a_small_orbit_is_that_of_the_linearised_centre():
    alpha, beta, xs, ys = 1.0, 2.0, 0.5, 0.3
    shape, tensors = centre_game(alpha, beta, xs, ys)
    omega = math.sqrt(alpha * beta * xs * (1 - xs) * ys * (1 - ys))
    eps = 0.004
    res = run(shape, tensors, [[xs + eps, 1 - xs - eps, ys, 1 - ys]], t_end=200.0)
    assert K.Cycle(K._CYCLES[res.cycle[0]]) is K.Cycle.CYCLE
    assert res.period[0] == pytest.approx(2 * math.pi / omega, rel=2e-4)
    # the centre lies inside the recorded range of every coordinate
    zc = [math.log(xs / (1 - xs)), math.log(ys / (1 - ys))]
    refs = res.refs[0]
    for p, i in enumerate((0, 2)):
        j = i if refs[p] != i else i + 1
        zj = math.log((xs if p == 0 else ys) / (1 - (xs if p == 0 else ys)))
        sign = 1 if j == i else -1
        assert res.box_lo[0, j] < sign * zj < res.box_hi[0, j], (p, zc)


# ---------------------------------------------------------------- against DOP853 and RK45 on the same system
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_end_states_match_a_tight_dop853_reference(seed):
    rng = np.random.default_rng(seed)
    P = int(rng.integers(2, 4))
    shape = tuple(int(k) for k in rng.integers(2, 4, size=P))
    tensors = [rng.normal(size=shape) for _ in shape]
    y0 = interior_start(rng, shape)
    refs = refs_of(shape, y0)
    t_end = 6.0
    res = run(shape, tensors, y0, t_end=t_end)
    sol = solve_ivp(
        logratio_rhs(shape, tensors, refs), (0, float(res.t_stop[0])), z_from_full(shape, refs, y0),
        method="DOP853", rtol=1e-12, atol=1e-12,
    )  # fmt: skip
    want = np.concatenate(shares_from_z(shape, refs, sol.y[:, -1]))
    assert np.max(np.abs(res.final[0] - want)) < 1e-5
    tight = run(shape, tensors, y0, t_end=float(res.t_stop[0]), rtol=1e-11, atol=1e-12)
    assert np.max(np.abs(tight.final[0] - want)) < 1e-8


def test_accepted_steps_equal_those_of_solve_ivp_on_the_same_system():
    rng = np.random.default_rng(12)
    same = 0
    total = 0
    for _ in range(12):
        shape = tuple(int(k) for k in rng.integers(2, 4, size=int(rng.integers(2, 4))))
        tensors = [rng.normal(size=shape) for _ in shape]
        y0 = interior_start(rng, shape)
        refs = refs_of(shape, y0)
        for rtol, atol in ((1e-6, 1e-9), (1e-3, 1e-6)):
            res = run(shape, tensors, y0, t_end=3.0, rtol=rtol, atol=atol)
            if str(res.status[0]) == "converged":
                continue
            sol = solve_ivp(
                logratio_rhs(shape, tensors, refs), (0, 3.0), z_from_full(shape, refs, y0),
                method="RK45", rtol=rtol, atol=atol,
            )  # fmt: skip
            total += 1
            assert abs(int(res.steps[0]) - (len(sol.t) - 1)) <= 1
            same += int(res.steps[0]) == len(sol.t) - 1
    assert total >= 15 and same >= total - 2


# ---------------------------------------------------------------- state-dependent payoffs through the program
def test_state_dependent_program_matches_an_independent_integration():
    """A dynamic penalty: the fine F (1 - x) falls as population 0's strategy 0 spreads."""
    F, c = sympy.Symbol("F", positive=True), sympy.Symbol("c", positive=True)
    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
    # payoff differences (binary layout: population-major, over the other population's profile)
    # D_x(y) = F (1 - x) (y) - c  ;  D_y(x) = 1 - 2 x
    diffs = [F * (1 - x) - c, -c, 1 - 2 * x, 1 - 2 * x]
    prog = compile_program(diffs, params=[F, c], shares=[x, None, y, None])
    regs = K.payoff_registers(prog, [[3.0, 0.5]])
    pay = np.zeros((1, 2, 4))
    offs = np.array([0, 2, 4])
    stable = np.zeros((1, 4), dtype=bool)
    Y0 = np.array([[0.2, 0.8, 0.6, 0.4]])
    res = K.integrate_runs(pay, offs, stable, Y0, t_end=20.0, program=prog, registers=regs, rtol=1e-10, atol=1e-12)

    def f(t, s):
        xv, yv = s
        dx = yv * (3.0 * (1 - xv) - 0.5) + (1 - yv) * (-0.5)
        dy = 1 - 2 * xv
        return [xv * (1 - xv) * dx, yv * (1 - yv) * dy]

    sol = solve_ivp(f, (0, 20.0), [0.2, 0.6], method="DOP853", rtol=1e-12, atol=1e-13)
    assert res.final[0, 0] == pytest.approx(sol.y[0, -1], abs=1e-8)
    assert res.final[0, 2] == pytest.approx(sol.y[1, -1], abs=1e-8)


# ---------------------------------------------------------------- failures surface, inputs are checked
@pytest.mark.parametrize(
    "kw,needle",
    [({"rtol": float("nan")}, "rtol"), ({"rtol": 0.0}, "rtol"), ({"atol": 0.0}, "atol"), ({"atol": -1.0}, "atol"),
     ({"t_end": float("nan")}, "t_end"), ({"t_end": float("inf")}, "t_end"), ({"max_steps": 0}, "max_steps"),
     ({"f_tol": float("nan")}, "f_tol")],
)  # fmt: skip
def test_bad_options_raise_before_the_loop(kw, needle):
    shape, tensors = centre_game(1.0, 1.0, 0.5, 0.5)
    with pytest.raises(SimulationError, match=needle):
        run(shape, tensors, [0.3, 0.7, 0.4, 0.6], **kw)


def test_non_finite_payoffs_raise():
    shape, tensors = centre_game(1.0, 1.0, 0.5, 0.5)
    tensors[0][0, 0] = np.nan
    with pytest.raises(SimulationError, match="finite"):
        run(shape, tensors, [0.3, 0.7, 0.4, 0.6])


def test_max_steps_and_non_finite_states_are_statuses_not_hangs():
    shape, tensors = centre_game(1.0, 1.0, 0.5, 0.5)
    res = run(shape, tensors, [[0.3, 0.7, 0.4, 0.6]], t_end=1e6, max_steps=50, t_eval=[0.0, 1e6])
    assert res.status == [K.Status.MAX_STEPS] and res.status[0].failed
    assert res.steps[0] < 50 and np.all(np.isnan(res.paths[0, 1]))
    # log of a negative number once x < 1/2, and x falls towards 1/2: the field ends in -inf or nan
    x = sympy.Symbol("x", real=True)
    d = sympy.log(2 * x - 1) - 1
    prog = compile_program([d, d, 0.0, 0.0], params=[], shares=[x, None, None, None])
    res = K.integrate_runs(
        np.zeros((1, 2, 4)), np.array([0, 2, 4]), np.zeros((1, 4), dtype=bool), np.array([[0.9, 0.1, 0.5, 0.5]]),
        t_end=50.0, program=prog, registers=K.payoff_registers(prog, np.zeros((1, 0))),
    )  # fmt: skip
    assert res.status[0] in (K.Status.NON_FINITE, K.Status.STEP_UNDERFLOW) and res.status[0].failed
