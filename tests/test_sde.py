"""The stochastic replicator dynamics against mathematics.

Oracles: numpy's Philox (bit for bit); the standard normal law (KS, moments, the ziggurat's
tail); the Itô–Taylor expansion written generically from the diffusion's derivatives; measured
strong orders on given Brownian paths (Milstein 1, Euler–Maruyama 1/2); the exact logit solution
of a one-dimensional case; the scale function of a one-dimensional diffusion (exact probabilities
of ending at each vertex); an independent numpy simulation in logit coordinates; the deterministic
kernel as sigma -> 0.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats

from govgame.errors import SimulationError
from govgame.io.json import ensemble_to_dict
from govgame.model import Game, Population
from govgame.numerics import kernel as _kernel
from govgame.numerics import sde as _sde
from govgame.numerics.integrate import simulate
from govgame.numerics.outcomes import classify, outcome_key, outcomes, vertex_equilibria
from govgame.numerics.starts import grid_starts


def game_from_tensors(tensors, name="g"):
    """A parameter-free Game whose numeric payoff tensors are ``tensors``."""
    shape = tensors[0].shape
    pops = []
    for p, k in enumerate(shape):
        strategies = tuple(f"s{p}{i}" for i in range(k))
        shares = (f"x{p}",) if k == 2 else tuple(f"x{p}_{i}" for i in range(k - 1))
        pops.append(Population(f"pop{p}", strategies, shares))
    payoffs = {}
    for idx in itertools.product(*(range(k) for k in shape)):
        prof = tuple(pops[p].strategies[i] for p, i in enumerate(idx))
        payoffs[prof] = tuple(sympy.Rational(repr(float(t[idx]))) for t in tensors)
    return Game(name=name, populations=tuple(pops), parameters=(), payoffs=payoffs)


def constant_difference_game(d):
    """Population a's payoff difference is the constant d (a does not care what b does); b is indifferent."""
    return game_from_tensors([np.array([[d, d], [0.0, 0.0]]), np.zeros((2, 2))], name="constant")


def coordination():
    return game_from_tensors([np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])], name="coord")


# ---------------------------------------------------------------- random numbers
@pytest.mark.parametrize(
    "key,counter",
    [((0, 0), (0, 0, 0, 0)), ((123, 1), (7, 8, 9, 10)), ((2**64 - 1, 2**63), (2**64 - 1, 5, 2**64 - 1, 3))],
)
def test_philox_matches_numpy_bit_for_bit(key, counter):
    # numpy's generator increments the counter (with carry) before each block
    bg = np.random.Philox(key=np.array(key, dtype=np.uint64), counter=np.array(counter, dtype=np.uint64))
    want = bg.random_raw(8)
    c = list(counter)
    for block in range(2):
        c[0] += 1
        for w in range(3):
            if c[w] == 2**64:
                c[w] = 0
                c[w + 1] += 1
        got = _sde.philox4x64(np.array(c, dtype=np.uint64), np.array(key, dtype=np.uint64))
        assert got.tolist() == want[4 * block : 4 * block + 4].tolist()


def _many_normals(paths, steps, width, seed=11):
    return np.array(
        [_sde.normals(seed, 2, p, s, width) for p in range(paths) for s in range(steps)]
    )  # (paths * steps, width)


@pytest.fixture(scope="module")
def normal_sample():
    return _many_normals(400, 250, 5)  # 500,000 normals, 5 per step: two Philox blocks per step


def test_normals_follow_the_standard_normal_law(normal_sample):
    z = normal_sample.ravel()
    n = z.size
    assert stats.kstest(z, "norm").pvalue > 1e-4
    assert abs(z.mean()) < 5 / math.sqrt(n)
    assert abs(z.var() - 1) < 5 * math.sqrt(2 / n)
    assert abs(stats.skew(z)) < 5 * math.sqrt(6 / n)
    assert abs(stats.kurtosis(z)) < 5 * math.sqrt(24 / n)
    # the tail beyond the base layer (r = 3.654...) and a point inside a wedge: binomial standard errors
    for c in (_sde._ZR, 2.0, 4.2):
        p = 2 * stats.norm.sf(c)
        assert abs((np.abs(z) > c).mean() - p) < 5 * math.sqrt(p * (1 - p) / n) + 1 / n


def test_normals_uncorrelated_within_a_step_across_steps_and_paths(normal_sample):
    z = normal_sample
    n = len(z)
    for a, b in [(z[:, 0], z[:, 1]), (z[:, 3], z[:, 4]), (z[:-1, 0], z[1:, 0]), (z[:-250, 2], z[250:, 2])]:
        assert abs(np.corrcoef(a, b)[0, 1]) < 5 / math.sqrt(n)


def test_normals_are_a_function_of_seed_start_path_step():
    a = _sde.normals(3, 1, 2, 5, 6)
    assert np.array_equal(a, _sde.normals(3, 1, 2, 5, 6))
    for other in [(4, 1, 2, 5), (3, 0, 2, 5), (3, 1, 3, 5), (3, 1, 2, 6)]:
        assert not np.any(a == _sde.normals(*other, 6))
    assert np.array_equal(_sde.normals(3, 1, 2, 5, 3), a[:3])  # the first W normals do not depend on W


def test_ziggurat_tables_close_the_top_layer():
    X, F = _sde._ziggurat_tables()
    f = lambda x: math.exp(-x * x / 2)  # noqa: E731
    r = X[1]
    v = r * f(r) + math.sqrt(math.pi / 2) * math.erfc(r / math.sqrt(2))
    areas = [X[i] * (F[i + 1] - F[i]) for i in range(1, 256)]
    assert np.allclose(areas, v, rtol=1e-10, atol=0)
    assert X[0] * F[1] == pytest.approx(v, rel=1e-14)  # base layer: rectangle [0, x0] x [0, f(r)]
    assert f(X[255]) + v / X[255] == pytest.approx(1.0, abs=1e-12)  # the top layer ends at x = 0


# ---------------------------------------------------------------- the scheme's algebra
def diffusion_columns(noise, shape, sigma, y):
    """G(y): (m, W) noise matrix in full coordinates, written from the definitions (SPEC §6, module docs)."""
    offs = np.concatenate([[0], np.cumsum(shape)])
    wo = _sde.noise_slots(shape)
    G = np.zeros((offs[-1], wo[-1]))
    for p, k in enumerate(shape):
        a, w = offs[p], wo[p]
        s = sigma[p]
        if noise == "tangent" and k == 2:
            g = s * y[a] * y[a + 1]
            G[a, w], G[a + 1, w] = g, -g
        elif noise == "tangent":
            for j in range(k):
                for i in range(k):
                    G[a + i, w + j] = s / math.sqrt(2) * y[a + j] * ((i == j) - y[a + i])
        else:
            for i in range(k - 1):
                G[a + i, w + i] = s * y[a + i]
                G[a + k - 1, w + i] = -s * y[a + i]
    return G


def milstein_generic(noise, shape, sigma, y, f, dw, h, eps=1e-6):
    """Milstein for commutative noise: y + f h + G dW + 1/2 sum_jl (L^j G_l)(dW_j dW_l - delta_jl h).

    L^j G_l = (DG_l) G_j with DG_l by central differences (in full coordinates, the shares of a
    population treated as independent variables, as the formulas of the noise are written).
    """
    G = diffusion_columns(noise, shape, sigma, y)
    m, W = G.shape
    DG = np.zeros((m, W, m))  # d G[:, l] / d y_c
    for c in range(m):
        e = np.zeros(m)
        e[c] = eps
        DG[:, :, c] = (
            diffusion_columns(noise, shape, sigma, y + e) - diffusion_columns(noise, shape, sigma, y - e)
        ) / (2 * eps)
    out = y + f * h + G @ dw
    for j in range(W):
        for ll in range(W):
            LjGl = DG[:, ll, :] @ G[:, j]
            out = out + 0.5 * LjGl * (dw[j] * dw[ll] - (h if j == ll else 0.0))
    return out, DG, G


def random_full_state(rng, shape):
    parts = []
    for k in shape:
        parts.append(rng.dirichlet(np.ones(k)))
    return np.concatenate(parts)


@pytest.mark.parametrize("noise", ["tangent", "linear"])
@pytest.mark.parametrize("shape", [(2, 3), (3, 2, 4)])
def test_step_is_the_milstein_expansion_and_noise_commutes(noise, shape):
    rng = np.random.default_rng(3)
    offs = np.concatenate([[0], np.cumsum(shape)]).astype(np.int64)
    wo = _sde.noise_slots(shape)
    for _ in range(8):
        y = random_full_state(rng, shape)
        sigma = rng.uniform(0.2, 2.0, len(shape))
        u = rng.normal(size=len(y))  # expected payoffs: f_i = y_i (u_i - ubar) per population
        f = np.concatenate([y[a:b] * (u[a:b] - y[a:b] @ u[a:b]) for a, b in zip(offs[:-1], offs[1:])])
        h = 0.01
        dw = rng.normal(size=wo[-1]) * math.sqrt(h) * 0.5
        want, DG, G = milstein_generic(noise, shape, sigma, y, f, dw, h)
        # commutative noise: L^j G_l = L^l G_j (the Lie brackets of the noise fields vanish)
        for j, ll in itertools.combinations(range(wo[-1]), 2):
            assert np.allclose(DG[:, ll, :] @ G[:, j], DG[:, j, :] @ G[:, ll], atol=1e-8)
        for scheme, target in (("milstein", want), ("euler", y + f * h + G @ dw)):
            got = y.copy()
            code = _sde._step(got, f.reshape(1, -1), dw.reshape(1, -1), 0, h, offs, wo, len(shape), sigma, _sde.NOISES.index(noise),
                              _sde.SCHEMES.index(scheme))  # fmt: skip
            # linear noise may leave the state space (the step then reports it and keeps the outside state)
            assert code == _sde.T_END or (noise == "linear" and code == _sde.LEFT)
            assert np.allclose(got, target, atol=1e-9, rtol=0), (scheme, got - target)


@settings(max_examples=300, deadline=None)
@given(
    x=st.floats(1e-300, 0.25),
    dw=st.floats(-1e3, 1e3),
    d=st.floats(-5.0, 5.0),
    sigma=st.floats(0.0, 10.0),
    mirror=st.booleans(),
)
def test_binary_milstein_step_never_crosses_the_near_face(x, dw, d, sigma, mirror):
    """For the smaller share x <= 1/4: x'/x = 1 + u a + u(1-2x) a^2 / 2 + O(h) with u = 1 - x, a = s dW, whose
    minimum over a is 1 - u / (2 (1 - 2x)) >= 1/4; so with h (|D| + s^2/2) <= 1/5 the step never crosses
    the face x = 0, whatever dW (it may overshoot the far face for huge a: see the next test)."""
    h = min(0.01, 0.2 / (abs(d) + sigma**2 / 2 + 1e-12))
    y = np.array([x, 1.0 - x]) if not mirror else np.array([1.0 - x, x])
    f = x * (1 - x) * d
    K = np.array([[f, -f]]) if not mirror else np.array([[-f, f]])
    _sde._step(y, K, np.array([[dw if not mirror else -dw]]), 0, h, np.array([0, 2]), np.array([0, 1]), 1,
               np.array([sigma]), 0, 0)  # fmt: skip
    small = y[0] if not mirror else y[1]
    assert small >= 0.0
    if abs(sigma * dw) < 1.9:
        assert small <= 1.0


def test_binary_steps_leave_only_beyond_the_stated_thresholds():
    """From anywhere in [0, 1]: Milstein needs |s dW| > 2 - O(h), Euler–Maruyama |s dW| > 1 - O(h) to leave.

    (Milstein: both thresholds are sharpest at x = 1/2, where x' = (1 + a/2)/2; Euler–Maruyama: at the faces,
    where x'/x = 1 + (1 - x) a.)"""
    xs = np.linspace(1e-6, 1 - 1e-6, 2001)
    h, s = 1e-4, 1.0
    offs, wo = np.array([0, 2]), np.array([0, 1])
    for scheme, edge, worst in ((0, 2.0, 0.5), (1, 1.0, 1e-3)):
        for x in xs:
            for a in (-(edge - 0.01), edge - 0.01):
                y = np.array([x, 1 - x])
                f = x * (1 - x) * 0.1
                code = _sde._step(
                    y, np.array([[f, -f]]), np.array([[a / s]]), 0, h, offs, wo, 1, np.array([s]), 0, scheme
                )
                assert code == _sde.T_END, (scheme, x, a)
        # and beyond them a step does leave where they are sharp (the check is real: no clipping)
        y = np.array([worst, 1 - worst])
        code = _sde._step(
            y, np.zeros((1, 2)), np.array([[-(edge + 0.1) / s]]), 0, h, offs, wo, 1, np.array([s]), 0, scheme
        )
        assert code == _sde.STEP_OUTSIDE and y[0] < 0


# ---------------------------------------------------------------- strong order on given Brownian paths
ORDER_CASES = {
    "binary-tangent": ([np.array([[1.0, -0.5], [0.2, 0.7]]), np.array([[0.8, -0.3], [0.1, 0.4]])],
                       [0.4, 0.6, 0.7, 0.3], [2.0, 2.0], "tangent"),
    "binary-linear": ([np.array([[1.0, -0.5], [0.2, 0.7]]), np.array([[0.8, -0.3], [0.1, 0.4]])],
                      [0.3, 0.7, 0.4, 0.6], [0.7, 0.6], "linear"),
    "k3-tangent": ([np.array([[0.3, -1.2, 0.5], [0.9, 0.1, -0.4]]), np.array([[0.2, 1.1, -0.6], [-0.3, 0.8, 0.4]])],
                   [0.4, 0.6, 0.3, 0.3, 0.4], [1.0, 1.5], "tangent"),
    "k3-linear": ([np.array([[0.3, -1.2, 0.5], [0.9, 0.1, -0.4]]), np.array([[0.2, 1.1, -0.6], [-0.3, 0.8, 0.4]])],
                  [0.4, 0.6, 0.3, 0.3, 0.4], [1.0, 0.5], "linear"),
}  # fmt: skip


def strong_errors(tensors, y0, sigma, noise, *, R=500, fine=11, levels=(3, 4, 5, 6, 7, 8), seed=0):
    """Mean max-norm error at T = 1 against Milstein at dt = 2^-fine on the same Brownian paths."""
    rng = np.random.default_rng(seed)
    shape = tensors[0].shape
    pay, offs = _kernel.pack(shape, tensors)
    W = int(_sde.noise_slots(shape)[-1])
    nf = 2**fine
    dW = rng.standard_normal((R, nf, W)) * math.sqrt(1.0 / nf)
    Y0 = np.repeat(np.atleast_2d(y0), R, axis=0)
    sig = np.array(sigma)
    ref = _sde.integrate_sde(pay, offs, Y0, sig, noise=noise, dt=1.0 / nf, t_end=1.0, increments=dW)
    out = {}
    for scheme in _sde.SCHEMES:
        finals, ok = [], ref["code"] == _sde.T_END
        for lv in levels:
            n = 2**lv
            coarse = dW.reshape(R, n, nf // n, W).sum(axis=2)  # coarse increments: sums of the fine ones
            res = _sde.integrate_sde(pay, offs, Y0, sig, noise=noise, scheme=scheme, dt=1.0 / n, t_end=1.0,
                                     increments=coarse)  # fmt: skip
            ok &= res["code"] == _sde.T_END
            finals.append(res["final"])
        errs = [np.abs(f[ok] - ref["final"][ok]).max(axis=1).mean() for f in finals]
        hs = 2.0 ** -np.array(levels, dtype=float)
        out[scheme] = (np.polyfit(np.log(hs), np.log(errs), 1)[0], errs, int(ok.sum()))
    return out


@pytest.mark.parametrize("case", list(ORDER_CASES))
def test_strong_order_milstein_one_euler_half(case):
    tensors, y0, sigma, noise = ORDER_CASES[case]
    res = strong_errors(tensors, y0, sigma, noise)
    m_slope, m_err, m_n = res["milstein"]
    e_slope, e_err, _ = res["euler"]
    assert m_n >= 200  # linear noise: paths that leave the state space at some level are left out
    assert 0.85 < m_slope < 1.2, res
    assert 0.4 < e_slope < 0.65, res
    assert m_err[-1] < e_err[-1] / 3


def exact_logit_case(c, sigma, x0, T, R, nf, seed):
    """D(x) = c + s^2 (1/2 - x): by Itô's lemma logit x(t) = logit x0 + c t + s W_t exactly."""
    rng = np.random.default_rng(seed)
    dW = rng.standard_normal((R, nf)) * math.sqrt(T / nf)
    exact = 1.0 / (1.0 + np.exp(-(math.log(x0 / (1 - x0)) + c * T + sigma * dW.sum(axis=1))))
    return dW, exact


def test_exact_logit_solution_through_the_kernel():
    """State-dependent payoffs through the kernel's payoff program: D(x) = c + s^2 (1/2 - x) gives, by Itô's
    lemma, logit x(t) = logit x0 + c t + s W_t exactly; Milstein converges to it with order 1, Euler-Maruyama 1/2."""
    from govgame.model.program import compile_program

    c, s, x0, T, R, nf = 0.4, 1.0, 0.3, 1.0, 400, 2**10
    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
    cc, ss = sympy.Rational(2, 5), sympy.Integer(1)
    d = cc + ss**2 * (sympy.Rational(1, 2) - x)
    prog = compile_program([d, d, 0.0, 0.0], params=[], shares=[x, None, y, None])  # binary layout: D_x, D_y
    regs = _kernel.payoff_registers(prog, np.zeros((1, 0)))
    pay, offs = np.zeros((1, 2, 4)), np.array([0, 2, 4])
    dW, exact = exact_logit_case(c, s, x0, T, R, nf, seed=1)
    Y0 = np.repeat([[x0, 1 - x0, 0.5, 0.5]], R, axis=0)
    levels = (4, 5, 6, 7, 8, 9)
    for scheme, order in (("milstein", 1.0), ("euler", 0.5)):
        errs, inside = [], np.ones(R, dtype=bool)
        ends = []
        for lv in levels:
            n = 2**lv
            inc = np.zeros((R, n, 2))
            inc[:, :, 0] = dW.reshape(R, n, nf // n).sum(axis=2)
            out = _sde.integrate_sde(pay, offs, Y0, np.array([s, 0.0]), scheme=scheme, dt=T / n, t_end=T,
                                     increments=inc, program=prog, registers=regs)  # fmt: skip
            inside &= out["code"] == _sde.T_END
            ends.append(out["final"][:, 0])
        assert inside.mean() > 0.95
        errs = [np.abs(e[inside] - exact[inside]).mean() for e in ends]
        slope = np.polyfit(np.log(T / 2.0 ** np.array(levels)), np.log(errs), 1)[0]
        assert abs(slope - order) < 0.15, (scheme, slope, errs)
        assert errs[-1] < (2e-3 if order == 1.0 else 3e-2)


def test_state_dependent_drift_matches_the_static_field_when_it_is_static():
    """The payoff program and the payoff tensors give the same paths for the same (constant) payoffs."""
    from govgame.model.program import compile_program

    tensors = [np.array([[1.0, -0.5], [0.2, 0.7]]), np.array([[0.8, -0.3], [0.1, 0.4]])]
    pay, offs = _kernel.pack((2, 2), tensors)
    dpay = _kernel.binary_differences(pay, np.diff(offs))[0]  # (P, 2): differences over the other's profile
    x, y = sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)
    diffs = [sympy.Rational(repr(float(v))) + 0 * x for v in dpay.ravel()]
    prog = compile_program(diffs, params=[], shares=[x, None, y, None])
    regs = _kernel.payoff_registers(prog, np.zeros((1, 0)))
    Y0 = np.array([[0.3, 0.7, 0.6, 0.4]] * 5)
    kw = dict(path_ids=np.arange(5), run_start=np.zeros(5, dtype=np.int64), t_end=5.0, dt=0.01)
    a = _sde.integrate_sde(pay, offs, Y0, np.array([0.7, 0.9]), **kw)
    b = _sde.integrate_sde(np.zeros_like(pay), offs, Y0, np.array([0.7, 0.9]), program=prog, registers=regs, **kw)
    assert np.allclose(a["final"], b["final"], atol=1e-12, rtol=0)


# ---------------------------------------------------------------- the kernel: state space, sigma -> 0
def test_tangent_paths_stay_inside_in_the_claimed_regime():
    """sigma sqrt(dt) = 0.25 (Milstein) and 0.125 (Euler–Maruyama): no step leaves, from near every face."""
    rng = np.random.default_rng(7)
    for shape, scheme, ssd in [((2, 2, 2), "milstein", 0.25), ((2, 3), "milstein", 0.25), ((2, 2, 2), "euler", 0.125),
                               ((3, 2), "euler", 0.125)]:  # fmt: skip
        tensors = [rng.normal(size=shape) for _ in shape]
        g = game_from_tensors(tensors)
        starts = np.clip(grid_starts(g, 2) ** 3, 1e-4, None)  # close to the faces
        starts = np.concatenate([starts, grid_starts(g, 2)])
        dt = 0.04
        ens = _sde.simulate_sde(g, starts, params={}, sigma=ssd / math.sqrt(dt), scheme=scheme, dt=dt, t_end=40.0,
                                paths=60, seed=1)  # fmt: skip
        assert set(ens.status.ravel()) == {"t_end"}
        assert np.all(ens.final >= 0) and np.all(ens.final <= 1)


def test_large_steps_are_reported_not_clipped():
    g = coordination()
    ens = _sde.simulate_sde(g, [[0.5, 0.5]], params={}, sigma=20.0, scheme="euler", dt=0.01, t_end=5.0, paths=50)
    out = ens.code == _sde.STEP_OUTSIDE
    assert out.sum() > 40
    stopped = ens.final[out]
    assert np.all((stopped < 0) | (stopped > 1), axis=None) or np.all(np.any((stopped < 0) | (stopped > 1), axis=1))
    assert np.all(ens.t_stop[out] < 5.0) and set(ens.outcome_keys()[out]) == {"step-outside"}


def test_linear_noise_leaves_the_state_space_and_is_stopped_there():
    g = coordination()
    # start near (1, 1): the noise sigma x dW does not vanish there
    lin = _sde.simulate_sde(g, [[0.95, 0.95]], params={}, sigma=0.5, noise="linear", t_end=20.0, paths=200)
    tan = _sde.simulate_sde(g, [[0.95, 0.95]], params={}, sigma=0.5, noise="tangent", t_end=20.0, paths=200)
    left = lin.left_state_space[0]
    assert left.mean() > 0.5
    assert np.all(np.any(lin.final[0, left] > 1, axis=1))  # stopped at the first state outside, unclipped
    assert np.all(lin.t_stop[0, left] < 20.0) and np.all(np.isnan(lin.t_hit[0, left]))
    assert not tan.left_state_space.any() and set(tan.status.ravel()) == {"t_end"}
    assert tan.probabilities()[0]["s00/s10"] > 0.95


@pytest.mark.parametrize("text_model", ["tripartite", "k3"])
def test_small_sigma_recovers_the_deterministic_end_points(text_model, tripartite_text, k3_text):
    from govgame.model.loader import loads_model

    g = loads_model(tripartite_text if text_model == "tripartite" else k3_text)
    values = g.values()
    X = grid_starts(g, 3)
    det = simulate(g, X, params=values)
    settled = np.isin(det.status, ["converged", "stalled", "t_end"])  # a run drifting on a continuum is not named
    assert settled.sum() >= len(X) - 2
    want = np.array([outcome_key(e) for e in outcomes(det, vertex_equilibria(g))], dtype=object)
    ens = _sde.simulate_sde(g, X, params=values, sigma=1e-6, paths=2, t_end=100.0)
    keys = ens.outcome_keys()
    assert keys[settled, 0].tolist() == want[settled].tolist() and keys[settled, 1].tolist() == want[settled].tolist()
    assert np.allclose(ens.final[:, 0], det.final, atol=1e-3)


# ---------------------------------------------------------------- probabilities of ending at each vertex
def scale_probability(d, sigma, x0):
    """P(x -> 1) for dx = d x(1-x) dt + sigma x(1-x) dW (Itô), from the scale function of logit x.

    logit x = l has drift d + sigma^2 (x - 1/2) and volatility sigma, so the scale density is
    s'(l) = exp(-2 d l / sigma^2) / cosh(l / 2)^2; both vertices attract when |d| < sigma^2 / 2.
    """
    a = 2 * d / sigma**2
    if a >= 1:
        return 1.0
    if a <= -1:
        return 0.0

    def dens(u):  # exp(-a u) / cosh(u/2)^2, written so that it cannot overflow
        return 4.0 * math.exp(-a * u - abs(u) - 2.0 * math.log1p(math.exp(-abs(u))))

    l0 = math.log(x0 / (1 - x0))
    num = integrate.quad(dens, -np.inf, l0)[0]
    return num / (num + integrate.quad(dens, l0, np.inf)[0])


@pytest.mark.parametrize(
    "d,sigma,x0",
    [
        (0.2, 1.0, 0.5),  # both vertices attract (|d| < sigma^2/2): the split is the scale-function ratio
        (0.3, 1.0, 0.05),  # x = 0 is deterministically unstable (eigenvalue 0.3) but almost surely stable
        (0.3, 0.6, 0.05),  # 0.3 - 0.18 > 0: x = 0 repels, every path ends at x = 1
    ],
)
def test_vertex_probabilities_match_the_scale_function(d, sigma, x0):
    g = constant_difference_game(d)
    N = 2000
    ens = _sde.simulate_sde(g, [[x0, 0.5]], params={}, sigma={"pop0": sigma}, dt=0.025, t_end=150.0, paths=N)
    x_end = ens.final[0, :, 0]
    settled = (x_end <= 1e-3) | (x_end >= 1 - 1e-3)
    assert settled.mean() > 0.99
    p = scale_probability(d, sigma, x0)
    got = (x_end >= 1 - 1e-3).mean()
    se = math.sqrt(max(p * (1 - p), 1 / N) / N)
    assert abs(got - p) < 4 * se + 0.01, (got, p)


def numpy_logit_reference(d_of, sigma, x0, *, dt, t_end, paths, seed):
    """Independent oracle: Euler–Maruyama on the logits (additive noise) with numpy's own generator.

    d_of(x, y) -> payoff differences (Dx, Dy); dl = [D + sigma^2 (x - 1/2)] dt + sigma dW per population.
    """
    rng = np.random.default_rng(seed)
    ell = np.tile(np.log(np.asarray(x0) / (1 - np.asarray(x0))), (paths, 1))
    for _ in range(int(round(t_end / dt))):
        x = 1 / (1 + np.exp(-ell))
        D = np.stack(d_of(x[:, 0], x[:, 1]), axis=1)
        ell = ell + (D + sigma**2 * (x - 0.5)) * dt + sigma * math.sqrt(dt) * rng.standard_normal(ell.shape)
        ell = np.clip(ell, -700, 700)
    return 1 / (1 + np.exp(-ell))


def test_vertex_probabilities_against_an_independent_numpy_simulation():
    """A coordination game with unequal rewards from an off-centre start: binomial standard errors."""
    tensors = [np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.5]])]
    g = game_from_tensors(tensors, name="coord2")
    sigma, x0, N = 0.9, [0.4, 0.45], 2000
    ens = _sde.simulate_sde(g, [x0], params={}, sigma=sigma, dt=0.01, t_end=40.0, paths=N, seed=5)

    def d_of(x, y):  # payoff differences (strategy 0 minus strategy 1)
        return 2 * y - (1 - y), 1 * x - 1.5 * (1 - x)

    ref = numpy_logit_reference(d_of, sigma, x0, dt=0.004, t_end=40.0, paths=N, seed=6)
    vertices = vertex_equilibria(g)
    ref_keys = [outcome_key(e) if e else "none" for e in
                [None if n is None else {v.name: v for v in vertices}[n] for n in classify(ref, vertices)]]  # fmt: skip
    mine = ens.probabilities()[0]
    for key in set(mine) | set(ref_keys):
        p1 = mine.get(key, 0.0)
        p2 = ref_keys.count(key) / N
        se = math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / N)
        assert abs(p1 - p2) < 4 * se + 2 / N, (key, p1, p2)
    assert mine.get("none", 0.0) < 0.01


# ---------------------------------------------------------------- reproducibility
@pytest.fixture(scope="module")
def reference_ensemble():
    rng = np.random.default_rng(9)
    g = game_from_tensors([rng.normal(size=(2, 3, 2)) for _ in range(3)], name="three")
    X = grid_starts(g, 2)
    kw = dict(params={}, sigma={"pop0": 0.7, "pop1": 1.1, "pop2": 0.3}, t_end=8.0, dt=0.02, paths=12, seed=42,
              t_eval=[0.0, 4.0, 8.0])  # fmt: skip
    return g, X, kw, _sde.simulate_sde(g, X, **kw)


def _same(a, b):
    for f in ("final", "code", "t_stop", "t_first", "v_first", "v_end", "t_hit", "samples"):
        assert np.array_equal(getattr(a, f), getattr(b, f), equal_nan=True), f


def test_identical_whatever_the_batching_and_subset(reference_ensemble):
    g, X, kw, ref = reference_ensemble
    for batch in (1, 5, 31):
        _same(_sde.simulate_sde(g, X, **kw, batch=batch), ref)
    fewer = _sde.simulate_sde(g, X, **{**kw, "paths": 5})  # path p of start s does not depend on how many run
    for f in ("final", "code", "v_end"):
        assert np.array_equal(getattr(fewer, f), getattr(ref, f)[:, :5])
    other = _sde.simulate_sde(g, X, **{**kw, "seed": 43})
    assert not np.array_equal(other.final, ref.final)


def test_identical_with_threads_workers_and_dask(reference_ensemble):
    import numba
    from distributed import LocalCluster

    g, X, kw, ref = reference_ensemble
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        _same(_sde.simulate_sde(g, X, **kw), ref)
    finally:
        numba.set_num_threads(before)
    _same(_sde.simulate_sde(g, X, **kw, workers=2, batch=20), ref)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        _same(_sde.simulate_sde(g, X, **kw, scheduler=cluster.scheduler_address, batch=17), ref)


# ---------------------------------------------------------------- results
def test_statistics_are_consistent(reference_ensemble):
    g, X, kw, ens = reference_ensemble
    S, N = len(X), kw["paths"]
    assert ens.final.shape == (S, N, 4) and ens.samples.shape == (S, N, 3, 4)
    assert np.array_equal(ens.samples[:, :, 0], np.repeat(X[:, None], N, axis=1))
    assert np.array_equal(ens.samples[:, :, -1], ens.final)
    vertices = vertex_equilibria(g)
    by_name = {v.name: v for v in vertices}
    for s in range(S):
        names = classify(ens.final[s], vertices)  # the kernel's vertex test is SPEC §4's 1e-3 rule
        want = ["none" if n is None else outcome_key(by_name[n]) for n in names]
        assert ens.outcome_keys()[s].tolist() == want
        probs = ens.probabilities()[s]
        assert math.isclose(math.fsum(probs.values()), 1.0)
        for k, v in ens.first_passage()[s].items():
            ts = ens.t_hit[s][ens.outcome_keys()[s] == k]
            assert v["mean"] == pytest.approx(ts.mean()) and np.all(ts <= kw["t_end"]) and np.all(ts >= 0)
    reached = ens.v_end >= 0
    assert np.all(ens.t_first[reached] <= ens.t_hit[reached])
    q = ens.end_quantiles([0.0, 0.5, 1.0])
    assert np.allclose(q[:, 0], ens.final.min(axis=1)) and np.allclose(q[:, 2], ens.final.max(axis=1))
    edges, counts = ens.end_histogram(10)
    assert counts.sum(axis=2).tolist() == [[N] * 4] * S


def test_bad_options_are_named():
    g = coordination()
    for kw, needle in [
        ({"sigma": -1.0}, "sigma must be a finite number >= 0"),
        ({"sigma": {"nobody": 1.0}}, 'no population "nobody"'),
        ({"sigma": 1.0, "dt": 0.0}, "dt must be a number > 0"),
        ({"sigma": 1.0, "paths": 0}, "paths must be a whole number >= 1"),
        ({"sigma": 1.0, "noise": "white"}, "noise must be one of tangent, linear"),
        ({"sigma": 1.0, "scheme": "rk4"}, "scheme must be one of milstein, euler"),
        ({"sigma": 1.0, "seed": -1}, "seed must be a whole number"),
        ({"sigma": 1.0, "t_eval": [2.0, 1.0]}, "t_eval must be increasing"),
    ]:
        with pytest.raises(SimulationError, match=needle):
            _sde.simulate_sde(g, [[0.5, 0.5]], params={}, t_end=1.0, **kw)


def test_step_grid_ends_exactly_at_t_end():
    assert _sde.steps_for(1.0, 0.3) == (4, pytest.approx(0.1))
    assert _sde.steps_for(100.0, 0.01) == (10000, 0.01)
    g = constant_difference_game(0.0)
    ens = _sde.simulate_sde(g, [[0.5, 0.5]], params={}, sigma=0.0, dt=0.3, t_end=1.0, paths=1, t_eval=[1.0])
    assert ens.t.tolist() == [1.0] and ens.t_stop[0, 0] == pytest.approx(1.0)


def test_json_lines_up_with_the_spec():
    g = coordination()
    ens = _sde.simulate_sde(g, [[0.5, 0.5], [0.2, 0.9]], params={}, sigma=0.6, t_end=20.0, paths=7, seed=3)
    d = json.loads(json.dumps(ensemble_to_dict(g, ens)))
    assert list(d)[:5] == ["model", "state", "parameters", "t_end", "stochastic"]
    assert d["stochastic"] == {"sigma": {"pop0": 0.6, "pop1": 0.6}, "noise": "tangent", "scheme": "milstein",
                               "dt": 0.01, "seed": 3, "paths": 7}  # fmt: skip
    assert len(d["runs"]) == 14 and sum(d["summary"].values()) == 14
    assert [r["path"] for r in d["runs"]] == list(range(7)) * 2
    for r in d["runs"]:
        assert r["left_state_space"] is False
        if r["reached"] is not None:
            assert "/".join(r["profile"]) in d["summary"] and r["first_passage"] <= 20.0
    assert [s["from"] for s in d["starts"]] == [[0.5, 0.5], [0.2, 0.9]]
    assert math.isclose(sum(d["starts"][0]["reached"].values()), 1.0)
