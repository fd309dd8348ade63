"""The kernel's bookkeeping after each accepted step on the scalar binary paths (issue 12.6, fifth round).

When every population is binary and has a coordinate, the step loop takes ``max |f|`` from
``kernel._fmax_binary`` and the nearest vertex from ``kernel._vertex_binary`` (the growth rates are
filled only when the stall test needs them). Checked here against numpy oracles written from the
replicator equations, against the general helpers they replace (bit for bit), and through the
statuses that depend on them, against closed-form logistic solutions.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from govgame.errors import SimulationError
from govgame.model import Game, Population
from govgame.numerics import kernel as K
from govgame.numerics.coordinates import to_full, to_reduced
from govgame.numerics.starts import check_starts


def _replicator_fmax(pay, shape, y):
    """max |f_i| with f_i = y_i (u_i - u_bar), from the payoff tensors by np.einsum (the oracle)."""
    P = len(shape)
    ys = [y[2 * q : 2 * q + 2] for q in range(P)]
    letters = "abcdefgh"[:P]
    fmax = 0.0
    for p in range(P):
        others = [ys[q] for q in range(P) if q != p]
        spec = letters + "," + ",".join(letters[q] for q in range(P) if q != p) + "->" + letters[p]
        u = np.einsum(spec, pay[p], *others)
        fmax = max(fmax, np.max(np.abs(ys[p] * (u - ys[p] @ u))))
    return fmax


@pytest.mark.parametrize("P", [2, 3, 4])
def test_fmax_binary_is_the_field_and_growth_bit_for_bit(P):
    rng = np.random.default_rng(40 + P)
    shape = (2,) * P
    for _ in range(30):
        tensors = [rng.normal(size=shape) for _ in range(P)]
        pay, offs = K.pack(shape, tensors)
        dpay = np.stack(
            [(np.take(tensors[p], 0, axis=p) - np.take(tensors[p], 1, axis=p)).reshape(-1) for p in range(P)]
        )
        x = rng.uniform(0.0, 1.0, size=P)
        x[0] = 1e-13 if rng.random() < 0.3 else x[0]  # a share near a face
        y = np.ravel(np.column_stack([x, 1.0 - x]))
        ref = np.array([2 * q + (1 if x[q] < 0.5 else 0) for q in range(P)], dtype=np.int64)
        ai = np.array([2 * q + (0 if x[q] < 0.5 else 1) for q in range(P)], dtype=np.int64)
        asg = np.where(ai % 2 == 0, 1.0, -1.0)
        Kt = np.zeros((7, 2 * P))
        for p in range(P):  # dz_p/dt = +-(u_p0 - u_p1): the payoff difference contracted with the others' shares
            d = dpay[p].reshape((2,) * (P - 1))
            for q in range(P - 1, -1, -1):
                if q != p:
                    d = d @ y[2 * q : 2 * q + 2]
            Kt[0, p] = asg[p] * d
        pa = np.arange(P + 1, dtype=np.int64)
        g = np.zeros(2 * P)
        got = K._fmax_binary(Kt, y, P, ai, ref)
        assert got == K._growth(Kt, 0, y, P, pa, ai, ref, g)
        assert got == pytest.approx(_replicator_fmax([np.asarray(t) for t in tensors], shape, y), rel=1e-9, abs=1e-300)
        assert pay.shape == (1, P, 2**P) and offs[-1] == 2 * P


@pytest.mark.parametrize("P", [2, 3, 4])
def test_vertex_binary_nearest_vertex_and_ties(P):
    rng = np.random.default_rng(7 + P)
    offs = np.arange(0, 2 * P + 1, 2, dtype=np.int64)
    Tn = np.array([2 ** (P - 1 - q) for q in range(P)], dtype=np.int64)
    for _ in range(50):
        x = rng.choice([0.5, 0.0, 1.0, 0.3, 0.7, 1e-9], size=P) if rng.random() < 0.5 else rng.uniform(size=P)
        y = np.ravel(np.column_stack([x, 1.0 - x]))
        dist, j = K._vertex_binary(y, P, Tn)
        # oracle: each population's more played strategy (strategy 0 on a tie), row-major profile index
        strat = [0 if x[q] >= 1.0 - x[q] else 1 for q in range(P)]
        assert j == sum(s * 2 ** (P - 1 - q) for q, s in enumerate(strat))
        assert dist == max(1.0 - max(x[q], 1.0 - x[q]) for q in range(P))
        assert (dist, j) == K._vertex(y, offs, P, Tn)


def _logistic_game():
    """Three binary populations: 0 indifferent, 1 and 2 logistic at rates 1 and 2 (no stable vertex)."""
    shape = (2, 2, 2)
    a0 = np.zeros(shape)
    a1 = np.zeros(shape)
    a1[:, 0, :] = 1.0
    a2 = np.zeros(shape)
    a2[:, :, 0] = 2.0
    pay, offs = K.pack(shape, [a0, a1, a2])
    return pay, offs, K.stable_vertices(pay, shape)


def test_settled_at_t_end_by_the_field_of_the_scalar_path():
    """At t = 10 from (0.3, 1/2, 1/2): max |f| = e^10 / (1 + e^10)^2 (population 1; population 2's is e^-20)."""
    pay, offs, stable = _logistic_game()
    assert not stable.any()
    Y0 = np.array([[0.3, 0.7, 0.5, 0.5, 0.5, 0.5]])
    f10 = np.exp(10.0) / (1.0 + np.exp(10.0)) ** 2
    above = K.integrate_runs(pay, offs, stable, Y0, t_end=10.0, f_tol=1.01 * f10)
    below = K.integrate_runs(pay, offs, stable, Y0, t_end=10.0, f_tol=0.99 * f10)
    assert [str(s) for s in above.status] == ["t_end"] and [str(s) for s in below.status] == ["no-convergence"]
    assert above.final[0, 2] == pytest.approx(1.0 / (1.0 + np.exp(-10.0)), rel=1e-7)


def test_stall_on_the_scalar_path_starts_when_the_field_falls_below_stall_f():
    """|f| of population 1 is e^t / (1 + e^t)^2 < STALL_F from t* = 27.63...: the stall needs t_end / 10 more.

    The field is linear in the log-ratios here, so the steps grow tenfold: with t_end = 400 the step after t* lands
    on t_end (no stall), with t_end = 1000 the run stalls before it."""
    pay, offs, stable = _logistic_game()
    Y0 = np.array([[0.3, 0.7, 0.5, 0.5, 0.5, 0.5]])
    t_star = np.log(1.0 / K.STALL_F)  # e^-t (1 + e^-t)^-2 < STALL_F a little before
    for t_end in (1000.0, 3000.0):
        res = K.integrate_runs(pay, offs, stable, Y0, t_end=t_end)
        assert [str(s) for s in res.status] == ["stalled"]
        ts = res.t_stop[0]
        assert t_star - 0.1 + t_end / 10 <= ts < t_end
        assert res.final[0, 0] == 0.3  # the indifferent population never moves
        assert np.log(res.final[0, 2] / res.final[0, 3]) == pytest.approx(ts, rel=1e-9)  # logit(y(t)) = t


def test_binary_starts_are_checked_without_the_per_row_tests():
    pops = tuple(Population(f"p{q}", ("a", "b"), (f"x{q}",)) for q in range(3))
    g = Game(
        name="g", populations=pops, parameters=(), payoffs={pr: (0, 0, 0) for pr in itertools.product("ab", repeat=3)}
    )
    X = np.array([[0.1, 0.2, 0.3], [0.0, 1.0, -0.0]])
    assert check_starts(g, X) is not X and np.array_equal(check_starts(g, X), X)
    for bad in (np.nan, np.inf, -np.inf, -1e-300, 1.0 + 1e-15, 2.0):
        Y = X.copy()
        Y[1, 2] = bad
        with pytest.raises(SimulationError, match=r"start \(0, 1, .*\) lies outside the state space"):
            check_starts(g, Y)


def test_binary_full_coordinates_are_each_share_and_its_complement():
    pops = tuple(Population(f"p{q}", ("a", "b"), (f"x{q}",)) for q in range(3))
    g = Game(
        name="g", populations=pops, parameters=(), payoffs={pr: (0, 0, 0) for pr in itertools.product("ab", repeat=3)}
    )
    X = np.random.default_rng(5).uniform(size=(7, 3))
    X[0] = [0.0, 1.0, -0.0]
    full = to_full(g, X)
    assert full.shape == (7, 6) and full.flags.c_contiguous
    for q in range(3):
        assert np.array_equal(full[:, 2 * q], X[:, q]) and np.array_equal(full[:, 2 * q + 1], 1.0 - X[:, q])
    assert np.array_equal(to_reduced(g, full), X)
    assert to_full(g, X[3]).tolist() == full[3].tolist()  # one state
