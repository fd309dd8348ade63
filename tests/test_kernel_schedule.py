"""When the kernel tries its certified stop again (issue 12.6, sixth round), against a replay of the rule.

The rule (module docstring of ``govgame.numerics.kernel``, "Certified stop"): a try near a stable vertex; after
a certificate that proves convergence but not by ``t_end`` (kind 1), the next try once the distance to the vertex
has fallen by as much as the enclosure at ``t_end`` was too wide (2-10 times), except when the centre of that
enclosure is within ``VERTEX_TOL`` of the vertex (the run probably converges before ``t_end``): then at the next
accepted step; after a try that finds no certified box (kind 0), once the distance has halved.

Oracle: the accepted states of the same run integrated without the certificate (the certificate never changes
the path before it stops a run), read one accepted step at a time through ``max_steps``, with the rule applied to
them in Python; and, for every run the certificate stops, a tight integration (DOP853 at 1e-13) from the start up
to the certified stop time, which must be within ``VERTEX_TOL`` of the vertex.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.special import expit
from test_kernel_certified import differences

from govgame.analysis.dynamics import numeric_payoffs
from govgame.model.loader import load_model
from govgame.numerics import kernel as K


def _tables(tensors):
    P = len(tensors)
    shape = (2,) * P
    pay, offs = K.pack(shape, [np.asarray(t, dtype=float) for t in tensors])
    dpay = K.binary_differences(pay, np.array(shape))
    return pay, offs, dpay, K.stable_vertices(pay, shape)


def _accepted_states(pay, offs, stable, Y0, t_end):
    """For each run, its accepted states (time, shares of strategy 0 and 1) without the certificate, until it ends."""
    R = len(Y0)
    seq = [[] for _ in range(R)]
    live = np.ones(R, dtype=bool)
    k = 1
    while live.any():
        res = K.integrate_runs(pay, offs, stable, Y0, t_end=t_end, certify=False, max_steps=k)
        for r in np.flatnonzero(live):
            if str(K.Status(K.STATUS[res.code[r]])) != "max-steps":
                live[r] = False  # ended (converged directly, or t_end) within k attempts
                continue
            if not seq[r] or res.t_stop[r] > seq[r][-1][0]:  # a new accepted step (else a rejected attempt)
                seq[r].append((float(res.t_stop[r]), res.final[r, 0::2].copy(), res.final[r, 1::2].copy()))
        k += 1
    return seq


def _replay(dpay, stable, states, t_end):
    """The schedule of tries applied to the accepted states.

    Returns (accepted steps, stop time, status, the numbers of kind-1 tries that asked for a try at the next step
    and of the others, time and log-ratios of the try),
    or None when no try stops the run.
    """
    P = dpay.shape[1]
    lip = K._lipschitz(dpay, P)
    Tn = np.array([2 ** (P - 1 - p) for p in range(P)], dtype=np.int64)
    cert_next = 1.0
    zeros = wides = 0
    for i, (t, x, w) in enumerate(states, start=1):
        dist = float(np.max(np.minimum(x, w)))  # (the smaller share of each population is stored accurately)
        jv = int(sum(Tn[p] for p in range(P) if x[p] < w[p]))  # ties go to strategy 0
        lam = np.log(x) - np.log(w)
        if not stable[0, jv]:
            continue
        if dist <= K.VERTEX_TOL:
            return i, t, "converged", (zeros, wides), t, lam
        if dist <= cert_next:
            z = lam.copy()
            cw = np.empty((9 + P, P))
            kind, tc = K._certify(dpay, lip, 0, P, Tn, stable, z, np.ones(P), t, t_end, cw)
            if kind == 2:
                return i, tc, "converged", (zeros, wides), t, lam
            if kind == 3:
                return i, t_end, "t_end", (zeros, wides), t, lam
            if kind == 1 and cw[6, 0] == 0.0:
                zeros += 1
                cert_next = 1.0
            elif kind == 1:
                wides += 1
                cert_next = dist * min(0.5, max(0.1, 1.0 / cw[6, 0]))
            else:
                cert_next = 0.5 * dist
    return None


def _games():
    game = load_model("battery_recycling")
    yield "battery_recycling", [np.asarray(t, dtype=float) for t in numeric_payoffs(game, game.values())]
    rng = np.random.default_rng(12)
    found = 0
    while found < 3:
        tensors = [rng.normal(size=(2, 2, 2)) for _ in range(3)]
        stable = _tables(tensors)[3]
        # a stable vertex that attracts at a rate of at least 0.3 in every population (runs reach it by t_end)
        if stable.any() and np.min(np.abs(differences(tensors, _vertex(stable)))) >= 0.3:
            found += 1
            yield f"random-{found}", tensors


def _vertex(stable):
    """The shares of strategy 0 at the first stable vertex (profile index: population 0's strategy the highest bit)."""
    j = int(np.flatnonzero(stable[0])[0])
    return np.array([1.0 - ((j >> (2 - p)) & 1) for p in range(3)])


@pytest.mark.parametrize("name, tensors", list(_games()), ids=lambda v: v if isinstance(v, str) else "")
def test_the_certified_stop_follows_its_schedule_of_tries(name, tensors):
    pay, offs, dpay, stable = _tables(tensors)
    rng = np.random.default_rng(5)
    if name == "battery_recycling":  # uniform starts, as in the benchmark
        X = rng.uniform(0.02, 0.98, size=(60, 3))
    else:  # starts on the side of a stable vertex: minority shares up to 0.45
        X = np.abs(_vertex(stable) - rng.uniform(0.01, 0.45, size=(40, 3)))
    Y0 = np.array([np.ravel(np.column_stack([x, 1.0 - x])) for x in X])
    t_end = 50.0
    cert = K.integrate_runs(pay, offs, stable, Y0, t_end=t_end)
    seqs = _accepted_states(pay, offs, stable, Y0, t_end)
    replayed = zeros = wides = zeros_converged = 0
    for r, states in enumerate(seqs):
        got = _replay(dpay, stable, states, t_end)
        status = K.STATUS[cert.code[r]]
        if got is None:  # never stopped by the certificate: ends as the full integration does
            assert status != "converged" or cert.steps[r] == len(states) + 1
            continue
        steps, ts, want, (nz, nw), t0, lam0 = got
        zeros += nz
        wides += nw
        zeros_converged += int(nz > 0 and want == "converged")
        replayed += 1
        assert cert.steps[r] == steps, (name, r, cert.steps[r], steps)
        assert status == want
        assert cert.t_stop[r] == pytest.approx(ts, rel=1e-12, abs=1e-12)
        if want == "converged" and ts > t0:  # the certified time: the exact flow from the state of the try is
            # within VERTEX_TOL of the vertex by then
            sol = solve_ivp(lambda _t, lam: differences(tensors, expit(lam)), (t0, float(cert.t_stop[r])),
                            lam0, method="DOP853", rtol=1e-13, atol=1e-13)  # fmt: skip
            v = np.round(cert.final[r, 0::2])
            assert np.max(np.abs(expit(sol.y[:, -1]) - v)) <= K.VERTEX_TOL * (1 + 1e-6)
    assert replayed >= 20, replayed
    if name == "battery_recycling":
        # both branches of the rule after a kind-1 try are exercised, the one that tries again at the next step
        # on runs that do converge
        assert zeros >= 5 and zeros_converged >= 5 and wides >= 1, (zeros, zeros_converged, wides)
