"""The compiled integrator against independent oracles.

Oracle: scipy's RK45 at rtol=1e-10, atol=1e-12 on a replicator right-hand side written here
by hand (np.einsum over the payoff tensors, reduced coordinates), and closed-form solutions.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from govgame.numerics import kernel as K


def random_game(rng, n_pops=None, scale=1.0):
    P = int(rng.integers(2, 5)) if n_pops is None else n_pops
    shape = tuple(int(k) for k in rng.integers(2, 4, size=P))
    if np.prod(shape) > 36:  # keep the oracle quick
        shape = tuple(min(k, 2) for k in shape)
    tensors = [scale * rng.normal(size=shape) for _ in shape]
    return shape, tensors


def full_from_reduced(shape, x):
    parts, i = [], 0
    for k in shape:
        ys = x[i : i + k - 1]
        parts += [*ys, 1.0 - sum(ys)]
        i += k - 1
    return np.array(parts)


def reduced_from_full(shape, y):
    out, i = [], 0
    for k in shape:
        out += list(y[i : i + k - 1])
        i += k
    return np.array(out)


def oracle_rhs(shape, tensors):
    """Replicator field in reduced coordinates, written independently of the kernel."""
    P = len(shape)
    letters = "abcdefgh"[:P]

    def f(t, x):
        y = full_from_reduced(shape, x)
        shares, i = [], 0
        for k in shape:
            shares.append(y[i : i + k])
            i += k
        out = []
        for p in range(P):
            others = [q for q in range(P) if q != p]
            spec = letters + "," + ",".join(letters[q] for q in others) + "->" + letters[p]
            u = np.einsum(spec, tensors[p], *[shares[q] for q in others])
            ubar = shares[p] @ u
            out += list(shares[p][:-1] * (u[:-1] - ubar))
        return out

    return f


def random_start(rng, shape, n):
    xs = []
    for _ in range(n):
        x = []
        for k in shape:
            x += list(rng.dirichlet(np.ones(k))[:-1])
        xs.append(x)
    return np.array(xs)


def run(shape, tensors, X, **kw):
    pay, offs = K.pack(shape, tensors)
    stable = K.stable_vertices(pay, shape)
    Y0 = np.array([full_from_reduced(shape, x) for x in X])
    return K.integrate(pay, offs, stable, Y0, **kw), stable


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1))
def test_agrees_with_scipy_oracle(seed):
    rng = np.random.default_rng(seed)
    shape, tensors = random_game(rng)
    X = random_start(rng, shape, 4)
    t_end = 4.0
    (final, t_stop, code, _, _), _ = run(shape, tensors, X, t_end=t_end)
    f = oracle_rhs(shape, tensors)
    for x, y, ts, c in zip(X, final, t_stop, code):
        sol = solve_ivp(f, (0.0, t_end), x, method="RK45", rtol=1e-10, atol=1e-12)
        got = reduced_from_full(shape, y)
        if c == K.CONVERGED:  # stopped early within 1e-7 of the vertex the oracle approaches
            assert ts <= t_end
            assert np.max(np.abs(got - sol.y[:, -1])) < 1e-5
        else:
            assert ts == t_end
            assert np.max(np.abs(got - sol.y[:, -1])) < 1e-5, (seed, x)


def test_tight_tolerances_match_oracle_closely():
    rng = np.random.default_rng(7)
    shape, tensors = (2, 3, 2), [rng.normal(size=(2, 3, 2)) for _ in range(3)]
    X = random_start(rng, shape, 5)
    (final, _, code, _, _), _ = run(shape, tensors, X, t_end=3.0, rtol=1e-10, atol=1e-12)
    f = oracle_rhs(shape, tensors)
    for x, y in zip(X, final):
        sol = solve_ivp(f, (0.0, 3.0), x, method="RK45", rtol=1e-12, atol=1e-14)
        assert np.max(np.abs(reduced_from_full(shape, y) - sol.y[:, -1])) < 1e-8


@pytest.mark.parametrize("D", [-2.0, -0.3, 0.7, 1.5])
def test_logistic_closed_form(D):
    """Population 0's payoff difference is the constant D: x(t) = x0 e^{Dt} / (1 - x0 + x0 e^{Dt})."""
    rng = np.random.default_rng(1)
    shape = (2, 2, 2)
    a0 = np.zeros(shape)
    a0[1] = rng.normal(size=(2, 2))
    a0[0] = a0[1] + D  # whatever the others play, strategy 0 earns exactly D more than strategy 1
    tensors = [a0, rng.normal(size=shape), rng.normal(size=shape)]
    x0 = np.array([[0.2, 0.5, 0.5], [0.9, 0.3, 0.6]])
    t = np.linspace(0.0, 6.0, 13)
    (final, t_stop, code, paths, _), _ = run(shape, tensors, x0, t_end=6.0, t_eval=t, rtol=1e-10, atol=1e-13)
    for r, x in enumerate(x0[:, 0]):
        exact = x * np.exp(D * t) / (1 - x + x * np.exp(D * t))
        assert np.max(np.abs(paths[r, :, 0] - exact)) < 1e-8
    # default tolerances are still far inside the 1e-3 classification tolerance
    (final, *_), _ = run(shape, tensors, x0, t_end=6.0, t_eval=t)
    for r, x in enumerate(x0[:, 0]):
        exact = x * np.exp(D * 6.0) / (1 - x + x * np.exp(D * 6.0))
        assert abs(final[r, 0] - exact) < 1e-5


def test_faces_are_invariant_and_state_stays_in_simplex():
    rng = np.random.default_rng(3)
    for _ in range(10):
        shape, tensors = random_game(rng, scale=5.0)
        X = random_start(rng, shape, 6)
        X[:3, 0] = 0.0  # a share exactly 0 ...
        Y0 = np.array([full_from_reduced(shape, x) for x in X])
        pay, offs = K.pack(shape, tensors)
        t = np.linspace(0, 20, 41)
        final, _, _, paths, _ = K.integrate(pay, offs, K.stable_vertices(pay, shape), Y0, t_end=20.0, t_eval=t)
        assert np.all(paths[:3, :, 0] == 0.0) and np.all(final[:3, 0] == 0.0)  # ... stays exactly 0
        assert np.all(paths >= 0.0) and np.all(paths <= 1.0)
        for p in range(len(shape)):
            sums = paths[:, :, offs[p] : offs[p + 1]].sum(axis=-1)
            assert np.max(np.abs(sums - 1.0)) < 1e-12


def independent_stable(shape, tensors, profile):
    for p, k in enumerate(shape):
        own = tensors[p][profile]
        for s in range(k):
            if s != profile[p]:
                alt = list(profile)
                alt[p] = s
                if not tensors[p][tuple(alt)] < own:
                    return False
    return True


def test_early_stop_only_near_asymptotically_stable_vertices():
    rng = np.random.default_rng(11)
    seen = 0
    for _ in range(15):
        shape, tensors = random_game(rng)
        X = random_start(rng, shape, 30)
        (final, t_stop, code, _, _), _ = run(shape, tensors, X, t_end=60.0)
        for y, c in zip(final, code):
            if c != K.CONVERGED:
                continue
            seen += 1
            profile, i = [], 0
            for k in shape:
                profile.append(int(np.argmax(y[i : i + k])))
                assert 1.0 - y[i + profile[-1]] <= K.VERTEX_TOL
                i += k
            assert independent_stable(shape, tensors, tuple(profile))
    assert seen > 50


def test_stable_vertices_matches_definition():
    rng = np.random.default_rng(5)
    for _ in range(20):
        shape, tensors = random_game(rng)
        pay, _ = K.pack(shape, tensors)
        got = K.stable_vertices(pay, shape)[0]
        for j, prof in enumerate(np.ndindex(*shape)):
            assert got[j] == independent_stable(shape, tensors, prof)


def test_no_stop_at_a_saddle_passed_closely():
    """x grows at rate 1 from 1e-20 while y decays: f is below 1e-12 for a long time near the saddle (0, 0)."""
    shape = (2, 2)
    a0 = np.array([[1.0, 1.0], [0.0, 0.0]])  # strategy 0 of pop 0 always earns 1 more
    a1 = np.array([[0.0, 1.0], [0.0, 1.0]])  # strategy 0 of pop 1 always earns 1 less
    (final, t_stop, code, _, _), _ = run(shape, [a0, a1], np.array([[1e-20, 1e-12]]), t_end=100.0)
    assert K.STATUS[code[0]] == "converged"  # it went on to the stable vertex (1, 0)
    assert final[0, 0] > 1 - 1e-7 and final[0, 2] < 1e-7


def test_stalls_on_an_attracting_continuum():
    """Pop 0 is indifferent (all payoffs 0); pop 1's strategy 0 wins: the edge y = 1 is made of rest points."""
    shape = (2, 2)
    a0 = np.zeros(shape)
    a1 = np.array([[1.0, 0.0], [1.0, 0.0]])
    (final, t_stop, code, _, _), _ = run(shape, [a0, a1], np.array([[0.3, 0.5]]), t_end=200.0)
    assert K.STATUS[code[0]] in ("stalled", "t_end")
    assert final[0, 0] == pytest.approx(0.3, abs=1e-12) and final[0, 2] > 1 - 1e-9


def test_centre_is_not_converged():
    """Matching pennies between two populations: closed orbits around (1/2, 1/2)."""
    a0 = np.array([[1.0, -1.0], [-1.0, 1.0]])
    (final, t_stop, code, _, _), _ = run((2, 2), [a0, -a0], np.array([[0.2, 0.3], [0.6, 0.5]]), t_end=100.0)
    assert [K.STATUS[c] for c in code] == ["no-convergence", "no-convergence"]
    # the orbit is closed: the conserved quantity H = log x(1-x) + log y(1-y) keeps its value
    for x0, y in zip([[0.2, 0.3], [0.6, 0.5]], final):
        h0 = np.log(x0[0] * (1 - x0[0])) + np.log(x0[1] * (1 - x0[1]))
        h1 = np.log(y[0] * y[1]) + np.log(y[2] * y[3])
        assert abs(h1 - h0) < 1e-4


def test_batching_does_not_change_results():
    rng = np.random.default_rng(2)
    shape, tensors = (2, 2, 3), [rng.normal(size=(2, 2, 3)) for _ in range(3)]
    tensors2 = [t + 0.5 for t in tensors]
    X = random_start(rng, shape, 70)
    pay, offs = K.pack(shape, [tensors, tensors2])
    stable = K.stable_vertices(pay, shape)
    Y0 = np.array([full_from_reduced(shape, x) for x in X])
    tidx = np.arange(70) % 2
    whole = K.integrate(pay, offs, stable, Y0, tidx, t_end=30.0)
    for r in (0, 33, 69):
        one = K.integrate(pay, offs, stable, Y0[r : r + 1], tidx[r : r + 1], t_end=30.0)
        assert np.array_equal(one[0][0], whole[0][r]) and one[1][0] == whole[1][r] and one[2][0] == whole[2][r]


@pytest.mark.parametrize("max_steps", [K.MAX_STEPS, 6])
def test_a_run_ends_the_same_whichever_run_ended_before_it_in_the_slice(max_steps):
    """One compiled call runs a whole slice of runs: every way a run ends leaves nothing to the next run.

    A binary three-population game (the certified stop and the scalar field apply) with runs that stop at the
    start (on a stable vertex, on an unstable one), on a face, inside, and, with a small step budget, at
    ``max-steps``: each run alone gives exactly what it gives in the mixed batch.
    """
    rng = np.random.default_rng(5)
    shape = (2, 2, 2)
    tensors = [rng.normal(size=shape) for _ in shape]
    pay, offs = K.pack(shape, tensors)
    stable = K.stable_vertices(pay, shape)
    X = rng.uniform(0.05, 0.95, (40, 3))
    X[0:8] = [[a, b, c] for a in (0.0, 1.0) for b in (0.0, 1.0) for c in (0.0, 1.0)]  # every vertex
    X[8:14, 0] = 0.0  # a face
    X[14:18, 1] = 1.0
    Y0 = np.array([full_from_reduced(shape, x) for x in rng.permutation(X)])
    assert Y0.shape[0] < 2 * K._MIN_SLICE  # one slice, one call
    whole = K.integrate_runs(pay, offs, stable, Y0, t_end=40.0, max_steps=max_steps)
    assert len(set(whole.code.tolist())) >= 2
    for r in range(Y0.shape[0]):
        one = K.integrate_runs(pay, offs, stable, Y0[r : r + 1], t_end=40.0, max_steps=max_steps)
        for name in ("final", "t_stop", "code", "steps", "cycle", "period", "rate", "box_lo", "box_hi", "refs"):
            assert np.array_equal(getattr(one, name)[0], getattr(whole, name)[r], equal_nan=True), (r, name)


@pytest.mark.parametrize("shape", [(2, 2), (2, 2, 2), (2, 2, 2, 2), (2, 2, 2, 2, 2), (3, 2, 2), (2, 2, 2, 3)])
def test_every_code_path_of_the_field(shape):
    """Binary games use the payoff-difference path (unrolled for 2-4 populations, a loop beyond); others the general one."""
    rng = np.random.default_rng(sum(shape) * 7 + len(shape))
    tensors = [rng.normal(size=shape) for _ in shape]
    X = random_start(rng, shape, 3)
    (final, _, _, _, _), _ = run(shape, tensors, X, t_end=2.0, rtol=1e-10, atol=1e-12)
    f = oracle_rhs(shape, tensors)
    for x, y in zip(X, final):
        sol = solve_ivp(f, (0.0, 2.0), x, method="RK45", rtol=1e-12, atol=1e-14)
        assert np.max(np.abs(reduced_from_full(shape, y) - sol.y[:, -1])) < 1e-8
