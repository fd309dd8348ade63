r"""Compiled batched replicator integrator (one kernel for every model, cached on disk).

The kernel takes the numeric payoff tensors as *data*, so a single compiled function
serves every game and every parameter set; numba stores it in ``__pycache__`` on the
first call, and later processes (command-line runs, sweep workers) load it from there.

Layout of the inputs (see :func:`pack`):

``pay``  float64 ``(T, P, J)``
    payoff of population ``p`` at pure profile ``j`` (row-major over the strategy
    indices, the order of :attr:`govgame.model.Game.profiles`) for parameter set ``t``.
``offs`` int64 ``(P + 1,)``
    index of population ``p``'s first *full* coordinate; ``offs[P] = m`` (all shares).
``stable`` bool ``(T, J)``
    whether the vertex ``j`` is asymptotically stable (every payoff difference strictly
    negative) for parameter set ``t``; see :func:`stable_vertices`, which *is*
    :func:`govgame.analysis.verdicts.vertex_ess_mask` (the rule of the numeric verdicts).
``Y0`` float64 ``(R, m)``
    starts in full coordinates (all k shares of every population).
``tidx`` int64 ``(R,)``
    parameter set of each run.

Integration (per run, independent of every other run and of the batching):
Dormand–Prince 5(4) with the error norm and step-size controller of
``scipy.integrate.solve_ivp(method="RK45")`` (RMS norm of ``err / (atol + rtol max(|y|, |y_new|))``,
safety 0.9, factors in [0.2, 10], no growth right after a rejection, scipy's initial step),
applied to the replicator equations in full coordinates
:math:`\dot y_{p,i} = y_{p,i}(u_{p,i} - \bar u_p)`. After every accepted step the state
is clipped to [0, 1] and each population renormalised to sum 1.

Stopping rules (status codes):

``CONVERGED`` (0)
    the state is within :data:`VERTEX_TOL` = 1e-7 (maximum norm) of a vertex whose payoff
    differences are all strictly negative (an asymptotically stable vertex); the run
    stops there.
``STALLED`` (1)
    ``max |f| < ``:data:`STALL_F` = 1e-12 on every accepted step over a time span of at
    least ``t_end / 10``, and no share could grow by more than 1e-9 before ``t_end`` at its
    present growth rate ``g_i = f_i / y_i`` (``y_i (exp(g_i (t_end - t)) - 1) <= 1e-9``):
    the run sits on a rest point (e.g. a point of an attracting continuum). A transient
    passage near a saddle, where a tiny share has a positive growth rate, is not enough.
``T_END`` (2)
    reached ``t_end`` and settled: ``max |f| <= f_tol`` (default 1e-6) or within 1e-3
    of an asymptotically stable vertex.
``NO_CONVERGENCE`` (3)
    reached ``t_end`` still moving (a cycle, a slow drift along a continuum).
``FAILED`` (4)
    the step size underflowed or ``max_steps`` was exceeded.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

# The one vertex-ESS rule (issue 9.6): the kernel's early stop uses exactly the analysis' rule and tolerance.
from ..analysis.verdicts import vertex_ess_mask as stable_vertices

__all__ = [
    "STATUS",
    "VERTEX_TOL",
    "STALL_F",
    "NEAR_TOL",
    "pack",
    "stable_vertices",
    "integrate",
    "warm",
]

#: Status names, indexed by the codes the kernel returns.
STATUS = ("converged", "stalled", "t_end", "no-convergence", "failed")
CONVERGED, STALLED, T_END, NO_CONVERGENCE, FAILED = range(5)

#: Early stop: maximum-norm distance to an asymptotically stable vertex.
VERTEX_TOL = 1e-7
#: Stall: ``max |f|`` below this on every step over ``t_end / 10``.
STALL_F = 1e-12
#: At ``t_end``: a run within this distance of an asymptotically stable vertex counts as settled.
NEAR_TOL = 1e-3

# Dormand–Prince 5(4) tableau (the same as scipy.integrate.RK45).
_A21 = 1 / 5
_A31, _A32 = 3 / 40, 9 / 40
_A41, _A42, _A43 = 44 / 45, -56 / 15, 32 / 9
_A51, _A52, _A53, _A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
_A61, _A62, _A63, _A64, _A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
_B1, _B3, _B4, _B5, _B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
_E1, _E3, _E4, _E5, _E6, _E7 = -71 / 57600, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40
_A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [_A21, 0.0, 0.0, 0.0, 0.0, 0.0],
        [_A31, _A32, 0.0, 0.0, 0.0, 0.0],
        [_A41, _A42, _A43, 0.0, 0.0, 0.0],
        [_A51, _A52, _A53, _A54, 0.0, 0.0],
        [_A61, _A62, _A63, _A64, _A65, 0.0],
        [_B1, 0.0, _B3, _B4, _B5, _B6],  # the 7th stage is evaluated at y_new
    ]
)
# Dense output (scipy's RK45.P), rows = stages 1..7, columns = powers 1..4 of the step fraction.
_P = np.array(
    [
        [1.0, -2.8535800653862835, 3.0717434641059005, -1.1270175653862835],
        [0.0, 0.0, 0.0, 0.0],
        [0.0, 4.023133379230305, -6.249321565289, 2.675424484351598],
        [0.0, -3.7324019615885042, 10.068970589843675, -5.685526961588504],
        [0.0, 2.5548038301849423, -6.399112377351017, 3.5219323679207912],
        [0.0, -1.3744241142186024, 3.272657752246729, -1.7672812570757455],
        [0.0, 1.3824689317781436, -3.764937863556287, 2.382468931778144],
    ]
)

_SAFETY, _MIN_FACTOR, _MAX_FACTOR = 0.9, 0.2, 10.0
_CHUNK = 32  # runs per parallel work item (buffers are allocated once per item)


# --------------------------------------------------------------------------- python-side helpers
def pack(shape: tuple[int, ...], tensors: list[list[np.ndarray]] | list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Flatten payoff tensors for the kernel.

    Parameters
    ----------
    shape : tuple of int
        Numbers of strategies per population (``game.shape``).
    tensors : list
        One entry per parameter set, each the list returned by
        :func:`govgame.analysis.dynamics.numeric_payoffs` (one array of shape ``shape`` per population);
        a single such list is accepted too.

    Returns
    -------
    pay, offs : numpy.ndarray
        See the module docstring.

    Examples
    --------
    >>> a = [np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])]
    >>> pay, offs = pack((2, 2), a)
    >>> pay.shape, offs.tolist()
    ((1, 2, 4), [0, 2, 4])
    """
    shape = tuple(int(k) for k in shape)
    if len(tensors) and isinstance(tensors[0], np.ndarray):
        tensors = [tensors]  # type: ignore[list-item]
    P = len(shape)
    J = int(np.prod(shape))
    pay = np.empty((len(tensors), P, J))
    for t, ts in enumerate(tensors):
        for p in range(P):
            pay[t, p] = np.asarray(ts[p], dtype=float).reshape(J)
    offs = np.concatenate([[0], np.cumsum(shape)]).astype(np.int64)
    return pay, offs


# --------------------------------------------------------------------------- compiled part
@njit(cache=True, error_model="numpy", inline="always")
def _rhs_binary(dpay, t, P, y, out, s, buf):
    r"""Replicator field when every population is binary; returns max |f|.

    ``dpay[t, p]`` is population ``p``'s payoff difference (strategy 0 minus strategy 1)
    at each profile of the other populations (row-major); contracting it with the other
    populations' shares gives :math:`D_p`, and :math:`\dot y_{p,0} = y_{p,0} y_{p,1} D_p
    = -\dot y_{p,1}`. The contraction is written out for 2, 3 and 4 populations.
    """
    n = 1 << (P - 1)
    fmax = 0.0
    for p in range(P):
        if P == 2:
            q0 = 1 - p
            D = dpay[t, p, 0] * y[2 * q0] + dpay[t, p, 1] * y[2 * q0 + 1]
        elif P == 3:
            q0 = 1 if p == 0 else 0
            q1 = 1 if p == 2 else 2
            a1 = y[2 * q1]
            b1 = y[2 * q1 + 1]
            D = y[2 * q0] * (dpay[t, p, 0] * a1 + dpay[t, p, 1] * b1) + y[2 * q0 + 1] * (
                dpay[t, p, 2] * a1 + dpay[t, p, 3] * b1
            )
        elif P == 4:
            q0 = 1 if p == 0 else 0
            q1 = 2 if p <= 1 else 1
            q2 = 2 if p == 3 else 3
            a1 = y[2 * q1]
            b1 = y[2 * q1 + 1]
            a2 = y[2 * q2]
            b2 = y[2 * q2 + 1]
            D = y[2 * q0] * (
                a1 * (dpay[t, p, 0] * a2 + dpay[t, p, 1] * b2) + b1 * (dpay[t, p, 2] * a2 + dpay[t, p, 3] * b2)
            ) + y[2 * q0 + 1] * (
                a1 * (dpay[t, p, 4] * a2 + dpay[t, p, 5] * b2) + b1 * (dpay[t, p, 6] * a2 + dpay[t, p, 7] * b2)
            )
        else:
            for i in range(n):
                buf[i] = dpay[t, p, i]
            h = n
            for q in range(P - 1, -1, -1):
                if q == p:
                    continue
                h >>= 1
                a = y[2 * q]
                b = y[2 * q + 1]
                for i in range(h):
                    buf[i] = buf[2 * i] * a + buf[2 * i + 1] * b
            D = buf[0]
        v = y[2 * p] * y[2 * p + 1] * D
        out[s, 2 * p] = v
        out[s, 2 * p + 1] = -v
        if abs(v) > fmax:
            fmax = abs(v)
    return fmax


# The binary field is inlined into the step loop; the general one stays a call: inlining both
# behind one branch made every step about three times slower.
@njit(cache=True, error_model="numpy")
def _rhs_general(pay, t, offs, L, Tn, po, so, y, out, s, pre, suf):
    """Replicator field in full coordinates; returns max |f|.

    With profiles in row-major order, profile ``j`` of population ``p`` playing ``i`` is
    ``j = (lead * k_p + i) * Tn[p] + trail``; the weight of ``j`` is
    ``pre[lead] * suf[trail]`` (products of the other populations' shares before and after
    ``p``), so each expected payoff is a plain contiguous contraction.
    """
    P = offs.shape[0] - 1
    pre[0] = 1.0
    for p in range(P - 1):
        kp = offs[p + 1] - offs[p]
        a = po[p]
        b = po[p + 1]
        for lead in range(L[p]):
            v = pre[a + lead]
            for i in range(kp):
                pre[b + lead * kp + i] = v * y[offs[p] + i]
    suf[so[P - 1]] = 1.0
    for p in range(P - 1, 0, -1):
        kp = offs[p + 1] - offs[p]
        a = so[p]
        b = so[p - 1]
        Tp = Tn[p]
        for i in range(kp):
            yi = y[offs[p] + i]
            for tr in range(Tp):
                suf[b + i * Tp + tr] = yi * suf[a + tr]
    fmax = 0.0
    for p in range(P):
        kp = offs[p + 1] - offs[p]
        Tp = Tn[p]
        ubar = 0.0
        for i in range(kp):
            acc = 0.0
            for lead in range(L[p]):
                base = (lead * kp + i) * Tp
                part = 0.0
                for tr in range(Tp):
                    part += pay[t, p, base + tr] * suf[so[p] + tr]
                acc += pre[po[p] + lead] * part
            out[s, offs[p] + i] = acc
            ubar += y[offs[p] + i] * acc
        for i in range(kp):
            v = y[offs[p] + i] * (out[s, offs[p] + i] - ubar)
            out[s, offs[p] + i] = v
            if abs(v) > fmax:
                fmax = abs(v)
    return fmax


@njit(cache=True)
def _project(y, offs, P):
    for q in range(P):
        s = 0.0
        for i in range(offs[q], offs[q + 1]):
            v = y[i]
            if v < 0.0:
                v = 0.0
            elif v > 1.0:
                v = 1.0
            y[i] = v
            s += v
        if s > 0.0:
            for i in range(offs[q], offs[q + 1]):
                y[i] /= s


@njit(cache=True, error_model="numpy", inline="always")
def _project_vertex(y, offs, P, Tn):
    """:func:`_project` and :func:`_vertex` in one pass (after every accepted step)."""
    dist = 0.0
    j = 0
    for q in range(P):
        s = 0.0
        best = offs[q]
        for i in range(offs[q], offs[q + 1]):
            v = y[i]
            if v < 0.0:
                v = 0.0
            elif v > 1.0:
                v = 1.0
            y[i] = v
            s += v
            if v > y[best]:
                best = i
        if s > 0.0:
            for i in range(offs[q], offs[q + 1]):
                y[i] /= s
        d = 1.0 - y[best]
        if d > dist:
            dist = d
        j += (best - offs[q]) * Tn[q]
    return dist, j


@njit(cache=True)
def _vertex(y, offs, P, Tn):
    """(distance to the nearest vertex in max norm, its profile index)."""
    dist = 0.0
    j = 0
    for q in range(P):
        best = offs[q]
        for i in range(offs[q] + 1, offs[q + 1]):
            if y[i] > y[best]:
                best = i
        d = 1.0 - y[best]
        if d > dist:
            dist = d
        j += (best - offs[q]) * Tn[q]
    return dist, j


@njit(cache=True)
def _frozen(y, f, m, remaining):
    """Whether no share can grow noticeably by ``t_end`` at its present growth rate.

    ``y_i (exp(g_i * remaining) - 1) <= 1e-9`` for every share with ``y_i > 0``, where
    ``g_i = f_i / y_i`` is its growth rate; this keeps a run that merely passes near a
    saddle (a tiny share with a positive growth rate) from being declared stalled.
    """
    for i in range(m):
        if y[i] > 0.0 and f[i] > 0.0:
            g = f[i] / y[i] * remaining
            if g > 700.0 or y[i] * math.expm1(g) > 1e-9:
                return False
    return True


@njit(cache=True, error_model="numpy")
def _one(
    pay, dpay, binary, t, offs, L, Tn, po, so, stable, y0, t_end, rtol, atol, f_tol, max_steps, t_eval, paths, r,
    y, ynew, K, err, pre, suf, tmp,
):  # fmt: skip
    P = offs.shape[0] - 1
    m = offs[P]
    E = t_eval.shape[0]
    store = paths.shape[0] > 0
    for i in range(m):
        y[i] = y0[i]
    _project(y, offs, P)
    tt = 0.0
    ie = 0
    # outputs before the start
    while store and ie < E and t_eval[ie] <= 0.0:
        for i in range(m):
            paths[r, ie, i] = y[i]
        ie += 1
    if binary:
        fmax = _rhs_binary(dpay, t, P, y, K, 0, pre)
    else:
        fmax = _rhs_general(pay, t, offs, L, Tn, po, so, y, K, 0, pre, suf)
    dist, jv = _vertex(y, offs, P, Tn)
    if dist <= 1e-7 and stable[t, jv]:
        while store and ie < E:
            for i in range(m):
                paths[r, ie, i] = y[i]
            ie += 1
        return 0.0, CONVERGED, 0
    if t_end <= 0.0:
        return 0.0, T_END, 0
    # scipy's initial step (error-estimator order 4)
    d0 = 0.0
    d1 = 0.0
    for i in range(m):
        sc = atol + abs(y[i]) * rtol
        d0 += (y[i] / sc) ** 2
        d1 += (K[0, i] / sc) ** 2
    d0 = math.sqrt(d0 / m)
    d1 = math.sqrt(d1 / m)
    if d0 < 1e-5 or d1 < 1e-5:
        h0 = 1e-6
    else:
        h0 = 0.01 * d0 / d1
    h0 = min(h0, t_end)
    for i in range(m):
        tmp[i] = y[i] + h0 * K[0, i]
    if binary:
        _rhs_binary(dpay, t, P, tmp, K, 1, pre)
    else:
        _rhs_general(pay, t, offs, L, Tn, po, so, tmp, K, 1, pre, suf)
    d2 = 0.0
    for i in range(m):
        sc = atol + abs(y[i]) * rtol
        d2 += ((K[1, i] - K[0, i]) / sc) ** 2
    d2 = math.sqrt(d2 / m) / h0
    if d1 <= 1e-15 and d2 <= 1e-15:
        h1 = max(1e-6, h0 * 1e-3)
    else:
        h1 = (0.01 / max(d1, d2)) ** (1.0 / 5.0)
    h_abs = min(100 * h0, h1, t_end)

    stall_since = -1.0
    stall_span = t_end / 10.0
    steps = 0
    while tt < t_end:
        steps += 1
        if steps > max_steps:
            return tt, FAILED, steps
        min_step = 10.0 * (tt * 2.220446049250313e-16 + 5e-324)  # ~10 ulp(t), as scipy (np.nextafter is slow here)
        if h_abs < min_step:
            h_abs = min_step
        rejected = False
        while True:
            if h_abs < min_step:
                return tt, FAILED, steps
            t_new = tt + h_abs
            if t_new > t_end:
                t_new = t_end
            h = t_new - tt
            # stages 2..7; the 7th is f(y_new) with y_new = y + h * sum_j B_j K_j (first same as last)
            for st in range(1, 7):
                for i in range(m):
                    acc = 0.0
                    for j in range(st):
                        acc += _A[st, j] * K[j, i]
                    tmp[i] = y[i] + h * acc
                if binary:
                    fmax = _rhs_binary(dpay, t, P, tmp, K, st, pre)
                else:
                    fmax = _rhs_general(pay, t, offs, L, Tn, po, so, tmp, K, st, pre, suf)
            for i in range(m):
                ynew[i] = tmp[i]
            en = 0.0
            for i in range(m):
                e = h * (_E1 * K[0, i] + _E3 * K[2, i] + _E4 * K[3, i] + _E5 * K[4, i] + _E6 * K[5, i] + _E7 * K[6, i])
                sc = atol + max(abs(y[i]), abs(ynew[i])) * rtol
                en += (e / sc) ** 2
            en = math.sqrt(en / m)
            if en < 1.0:
                if en == 0.0:
                    factor = _MAX_FACTOR
                else:
                    factor = min(_MAX_FACTOR, _SAFETY * en ** (-0.2))
                if rejected:
                    factor = min(1.0, factor)
                h_abs *= factor
                break
            h_abs *= max(_MIN_FACTOR, _SAFETY * en ** (-0.2))
            rejected = True
        # dense output for the requested times inside (tt, t_new]
        while store and ie < E and t_eval[ie] <= t_new:
            x = (t_eval[ie] - tt) / h
            for i in range(m):
                acc = 0.0
                for s in range(7):
                    q = (((_P[s, 3] * x + _P[s, 2]) * x + _P[s, 1]) * x + _P[s, 0]) * x
                    acc += K[s, i] * q
                err[i] = y[i] + h * acc
            _project(err, offs, P)
            for i in range(m):
                paths[r, ie, i] = err[i]
            ie += 1
        # accept
        for i in range(m):
            y[i] = ynew[i]
        for i in range(m):
            K[0, i] = K[6, i]  # FSAL
        tt = t_new
        dist, jv = _project_vertex(y, offs, P, Tn)
        if dist <= 1e-7 and stable[t, jv]:
            while store and ie < E:
                for i in range(m):
                    paths[r, ie, i] = y[i]
                ie += 1
            return tt, CONVERGED, steps
        if fmax < 1e-12:
            if stall_since < 0.0:
                stall_since = tt
            elif tt - stall_since >= stall_span and tt < t_end and _frozen(y, K[0], m, t_end - tt):
                while store and ie < E:
                    for i in range(m):
                        paths[r, ie, i] = y[i]
                    ie += 1
                return tt, STALLED, steps
        else:
            stall_since = -1.0
    if fmax <= f_tol or (dist <= 1e-3 and stable[t, jv]):
        return tt, T_END, steps
    return tt, NO_CONVERGENCE, steps


@njit(cache=True, parallel=True)
def _integrate(
    pay, dpay, binary, offs, L, Tn, po, so, stable, Y0, tidx, t_end, rtol, atol, f_tol, max_steps, t_eval, store
):
    R = Y0.shape[0]
    P = offs.shape[0] - 1
    m = offs[P]
    final = np.empty((R, m))
    t_stop = np.empty(R)
    code = np.empty(R, dtype=np.int8)
    nsteps = np.empty(R, dtype=np.int64)
    if store:
        paths = np.empty((R, t_eval.shape[0], m))
    else:
        paths = np.empty((0, 0, m))
    n_items = (R + _CHUNK - 1) // _CHUNK
    for c in prange(n_items):
        y = np.empty(m)
        ynew = np.empty(m)
        K = np.empty((7, m))
        err = np.empty(m)
        tmp = np.empty(m)
        pre = np.empty(max(po[P], 1 << (P - 1)))
        suf = np.empty(so[P])
        for r in range(c * _CHUNK, min(R, (c + 1) * _CHUNK)):
            ts, cd, ns = _one(
                pay, dpay, binary, tidx[r], offs, L, Tn, po, so, stable, Y0[r], t_end, rtol, atol, f_tol, max_steps,
                t_eval, paths, r, y, ynew, K, err, pre, suf, tmp,
            )  # fmt: skip
            t_stop[r] = ts
            code[r] = cd
            nsteps[r] = ns
            for i in range(m):
                final[r, i] = y[i]
    return final, t_stop, code, paths, nsteps


def integrate(
    pay: np.ndarray,
    offs: np.ndarray,
    stable: np.ndarray,
    Y0: np.ndarray,
    tidx: np.ndarray | None = None,
    *,
    t_end: float = 100.0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    f_tol: float = 1e-6,
    max_steps: int = 1_000_000,
    t_eval: np.ndarray | None = None,
):
    """Integrate many runs of the replicator dynamics in full coordinates.

    Parameters
    ----------
    pay, offs : numpy.ndarray
        From :func:`pack`.
    stable : numpy.ndarray
        From :func:`stable_vertices`.
    Y0 : numpy.ndarray
        ``(R, m)`` starts in full coordinates.
    tidx : numpy.ndarray, optional
        ``(R,)`` parameter-set index of each run (default: all 0).
    t_end, rtol, atol : float
        Horizon and the tolerances (scipy's names and meaning).
    f_tol : float
        A run that reaches ``t_end`` with ``max |f| > f_tol`` (and not near a stable vertex)
        is ``no-convergence``.
    max_steps : int
        Accepted-step budget per run.
    t_eval : numpy.ndarray, optional
        Increasing times at which to store the state (dense output); after an early stop
        the stopped state is repeated.

    Returns
    -------
    final : ``(R, m)``, t_stop : ``(R,)``, code : int8 ``(R,)``, paths : ``(R, len(t_eval), m)`` or None,
    steps : ``(R,)`` accepted steps

    Examples
    --------
    Prisoner's dilemma: everyone ends up defecting.

    >>> a = [np.array([[2.0, 0.0], [3.0, 1.0]]), np.array([[2.0, 3.0], [0.0, 1.0]])]
    >>> pay, offs = pack((2, 2), a)
    >>> final, t_stop, code, _, _ = integrate(pay, offs, stable_vertices(pay, (2, 2)), np.array([[0.9, 0.1, 0.8, 0.2]]))
    >>> np.round(final, 6).tolist(), STATUS[code[0]]
    ([[0.0, 1.0, 0.0, 1.0]], 'converged')
    """
    Y0 = np.ascontiguousarray(Y0, dtype=np.float64)
    R = Y0.shape[0]
    tidx = np.zeros(R, dtype=np.int64) if tidx is None else np.ascontiguousarray(tidx, dtype=np.int64)
    store = t_eval is not None
    te = np.zeros(0) if t_eval is None else np.ascontiguousarray(t_eval, dtype=np.float64)
    offs = np.ascontiguousarray(offs, dtype=np.int64)
    ks = np.diff(offs)
    L = np.array([int(np.prod(ks[:p])) for p in range(len(ks))], dtype=np.int64)
    Tn = np.array([int(np.prod(ks[p + 1 :])) for p in range(len(ks))], dtype=np.int64)
    po = np.concatenate([[0], np.cumsum(L)]).astype(np.int64)
    so = np.concatenate([[0], np.cumsum(Tn)]).astype(np.int64)
    pay = np.ascontiguousarray(pay, dtype=np.float64)
    binary = bool(np.all(ks == 2))
    if binary:  # payoff differences over the other populations' profiles
        P = len(ks)
        full = pay.reshape((pay.shape[0], P, *ks))
        dpay = np.stack(
            [
                (np.take(full[:, p], 0, axis=1 + p) - np.take(full[:, p], 1, axis=1 + p)).reshape(pay.shape[0], -1)
                for p in range(P)
            ],
            axis=1,
        )
    else:
        dpay = np.zeros((pay.shape[0], len(ks), 0))
    final, t_stop, code, paths, nsteps = _integrate(
        pay,
        np.ascontiguousarray(dpay),
        binary,
        offs,
        L,
        Tn,
        po,
        so,
        np.ascontiguousarray(stable, dtype=np.bool_),
        Y0,
        tidx,
        float(t_end),
        float(rtol),
        float(atol),
        float(f_tol),
        int(max_steps),
        te,
        store,
    )
    return final, t_stop, code, (paths if store else None), nsteps


def warm() -> None:
    """Compile the kernel, or load it from the on-disk cache (a fraction of a second once cached).

    >>> warm()
    """
    pay, offs = pack((2, 2), [np.zeros((2, 2)), np.zeros((2, 2))])
    integrate(pay, offs, stable_vertices(pay, (2, 2)), np.full((1, 4), 0.5), t_end=1.0)
