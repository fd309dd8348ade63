r"""Compiled batched replicator integrator (one kernel for every model, cached on disk).

The kernel takes the game as *data*, so a single compiled function serves every model and
every parameter set; numba stores it in ``__pycache__`` on the first call, and later
processes (command-line runs, sweep workers) load it from there.

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

State-dependent payoffs (SPEC §1.5) come as a :class:`govgame.model.program.Program` and the
register files of its parameter-only part, one per parameter set (:func:`payoff_registers`);
at every evaluation of the right-hand side the kernel's interpreter runs the state-dependent
instructions on the current shares, fills the payoff table and contracts it as for a static
game. A static game never runs the interpreter.

Integration (per run, independent of every other run and of the batching): Dormand–Prince
5(4) with the error norm and step-size controller of ``scipy.integrate.solve_ivp(method="RK45")``
(RMS norm of ``err / (atol + rtol max(|z|, |z_new|))``, safety 0.9, factors in [0.2, 10], no
growth right after a rejection, scipy's initial step), applied to the replicator equations in
**log-ratio coordinates**: in each population the strategy with the largest starting share is
the reference ``r`` and every other strategy ``i`` with a positive share has the coordinate
:math:`z_i = \log(y_i / y_r)`, which moves as :math:`\dot z_i = u_i - u_r` (the replicator
equation :math:`\dot y_i = y_i (u_i - \bar u)` divided by :math:`y_i`). So ``atol`` bounds the
error of a log-share: a *relative* error of each share, however small the share — orbits that
pass within 1e-12 of a face are followed as faithfully as interior ones, and the approach to a
stable vertex is a motion of nearly constant velocity, which takes few steps. Shares that are
exactly 0 at the start have no coordinate and stay exactly 0 (faces are invariant); the state
is always in the state space (no clipping).

Stopping rules (:class:`Status`):

``converged``
    within :data:`VERTEX_TOL` (maximum norm) of a vertex whose payoff differences are all
    strictly negative (an asymptotically stable vertex); the run stops there.
``stalled``
    ``max |f| <`` :data:`STALL_F` (the field in share coordinates) on every accepted step over
    a span of at least ``t_end / 10``, and no share could grow by more than :data:`FROZEN_GROWTH`
    before ``t_end`` at its present growth rate ``g_i = f_i / y_i``: the run sits on a rest
    point (e.g. a point of an attracting continuum). A transient passage near a saddle, where a
    tiny share has a positive growth rate, is not enough.
``t_end``
    reached ``t_end`` and settled: ``max |f| <= f_tol`` (default :data:`F_TOL`) or within
    :data:`NEAR_TOL` of an asymptotically stable vertex.
``no-convergence``
    reached ``t_end`` still moving (a cycle, a slow drift).
``step-underflow``, ``max-steps``, ``non-finite``
    failures: the step size fell below 10 ulp of ``t``; the run used ``max_steps`` step
    attempts (accepted or rejected); the right-hand side gave ``nan`` or ``inf`` (a
    state-dependent payoff outside its domain).

Certified stop (static games of binary populations, each with a coordinate; not when paths are
stored; ``certify=False`` turns it off). Near a vertex ``v`` write, for each population ``p``,
:math:`\xi_p = \log(b_p / (1 - b_p))` with :math:`b_p` the share of the strategy ``v`` does not play,
and :math:`B_p = e^{\xi_p(t_0)} \ge b_p`. Then :math:`\dot\xi_p = -a_p(b)`, where :math:`a_p` is
``v``'s payoff advantage for population ``p``, :math:`r_p = a_p(0) > 0` at ``v`` (``v`` asymptotically
stable). The box :math:`\{b_q \le b_q(t_0)\ \forall q\}` is a product of intervals and :math:`a_p` is
multilinear in the other populations' :math:`b_q`, so the extremes :math:`\mu_p, M_p` of :math:`a_p`
over the box are at its corners, and so are those of :math:`\partial a_p / \partial b_q`, whose largest
absolute value on the box is :math:`\ell_{pq}` (all evaluated exactly at the :math:`2^{P-1}` corners,
with a margin for rounding; :func:`_corners` gets every corner's value at once, one population's axis at a
time). If :math:`\mu_p > 0` for every ``p``, the box is forward invariant (on its
faces every :math:`\xi_p` decreases at rate at least :math:`\mu_p`), the run converges to ``v``,
:math:`\xi_p(t_0) - M_p s \le \xi_p(t_0 + s) \le \xi_p(t_0) - \mu_p s`,
:math:`b_q(t_0 + s) \le B_q e^{-\mu_q s}`, and (mean value theorem on the box)

.. math:: |\xi_p(t_0 + s) - (\xi_p(t_0) - r_p s)| \le C_p(s) = \sum_q \ell_{pq} B_q (1 - e^{-\mu_q s}) / \mu_q .

(Before issue 12.6's second round :math:`\mu_p` was :math:`r_p - \sum_q \ell_{pq} B_q` with
:math:`\ell_{pq}` taken over the whole state space, a much smaller certified region.)

The kernel checks this after every accepted step once the run is near a stable vertex (again each time
its distance has halved; after a certificate not accurate enough at ``t_end``, once the distance has
fallen by as much as the enclosure was too wide, between 2 and 10 times, except when the centre of that
enclosure is within :data:`VERTEX_TOL` of ``v``: such a run probably converges before ``t_end``, which a
later certificate shows as soon as its bound of the time to get there fits before ``t_end``, so it is
checked again at the next accepted step; issue 12.6's sixth round). When the bounds put every :math:`\xi_p` below
:math:`\log` :data:`VERTEX_TOL` by some time :math:`t_c \le` ``t_end``, the run is ``converged`` at
:math:`t_c` (an upper bound of the time it comes within :data:`VERTEX_TOL`; the full integration
notices it only at its next accepted step, often later; a certificate taken earlier, farther from ``v``,
gives a later :math:`t_c`), with the centre of the enclosure as its state.
When ``t_end`` comes first, the run stops at ``t_end`` with the centre of the enclosure when that is
within :data:`NEAR_TOL` of ``v`` and the enclosure's width (in shares) is at most :data:`EXTRAP_TOL`;
else it integrates on. The bounds are about the exact flow from the integrated state at
:math:`t_0` (whose own error is the integrator's, and contracts from there); inside the box every
:math:`\xi_p` is strictly monotone, so no extreme of a coordinate (no return of the cycle test) is lost.
A saddle is never certified: :math:`\mu_p > 0` needs :math:`r_p > 0` for every population (the
vertex is a corner of the box). (A second-order enclosure for the end at ``t_end``, with :math:`a_p`
expanded in the monomials of the :math:`b_q` and the logistic integrated in closed form, was tried in issue
12.6's sixth round and not kept: it saved about one accepted step of a run ending at ``t_end`` and cost as
much; see ``benchmarks/README.md``.)

Oscillations (:class:`Cycle`): after every accepted step the kernel records each
log-ratio coordinate's maxima and minima (the zeros of :math:`\dot z_i`, located on the
dense-output polynomial) — a Poincaré section :math:`\{\dot z_i = 0\}` per coordinate — and
at ``t_end`` applies a return-map test to the last :data:`RING` returns: equal returns
(successive extremes and periods agreeing within :data:`CYCLE_TOL` of the amplitude and the
period, for period 1 or 2) make a ``cycle`` with that period; amplitudes and periods that
keep growing while the extremes reach the boundary (a share below :data:`NEAR_TOL`) make a
``heteroclinic`` approach; steadily shrinking or growing amplitudes a ``spiral-in`` /
``spiral-out``. (For two to four binary populations with a coordinate each, the stages evaluate the
field in scalars, without the general path's arrays: half the time per step; state-dependent
payoffs too, the interpreter filling the table from those scalars.) Besides, the kernel records the runs' visits to vertex neighbourhoods (within
:data:`NEAR_TOL`) and their depths: four or more successive visits to unstable vertices (three
of them distinct), each at most half as far as the one before, are a ``heteroclinic`` approach
even when the return times grow too fast for three returns by ``t_end``.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum

import numba
import numpy as np
from numba import njit

# The one vertex-ESS rule (issue 9.6): the kernel's early stop uses exactly the analysis' rule and tolerance.
from ..analysis.verdicts import vertex_ess_mask as stable_vertices
from ..errors import SimulationError
from .notice import compile_notice

__all__ = [
    "Status",
    "Cycle",
    "STATUS",
    "VERTEX_TOL",
    "STALL_F",
    "NEAR_TOL",
    "F_TOL",
    "FROZEN_GROWTH",
    "CYCLE_TOL",
    "MAX_STEPS",
    "RING",
    "KernelResult",
    "pack",
    "stable_vertices",
    "payoff_registers",
    "stable_vertices_at",
    "integrate",
    "integrate_runs",
    "warm",
]


class Status(str, Enum):
    """How a run ended (the integrator's view; see the module docstring).

    >>> Status("converged").failed, Status.MAX_STEPS.failed
    (False, True)
    """

    CONVERGED = "converged"
    STALLED = "stalled"
    T_END = "t_end"
    NO_CONVERGENCE = "no-convergence"
    STEP_UNDERFLOW = "step-underflow"
    MAX_STEPS = "max-steps"
    NON_FINITE = "non-finite"

    def __str__(self) -> str:
        return self.value

    @property
    def code(self) -> int:
        """The int8 code the kernel returns."""
        return _CODES[self]

    @property
    def failed(self) -> bool:
        """Whether the integration itself failed (the run's end state means nothing)."""
        return self in (Status.STEP_UNDERFLOW, Status.MAX_STEPS, Status.NON_FINITE)

    @property
    def settled(self) -> bool:
        """Whether the run ended at rest (converged, stalled, or settled at ``t_end``)."""
        return self in (Status.CONVERGED, Status.STALLED, Status.T_END)


class Cycle(str, Enum):
    """What the return-map test found in a run's oscillations (``none``: no sustained oscillation)."""

    NONE = "none"
    CYCLE = "cycle"
    HETEROCLINIC = "heteroclinic"
    SPIRAL_IN = "spiral-in"
    SPIRAL_OUT = "spiral-out"


_STATUSES = tuple(Status)
_CODES = {s: i for i, s in enumerate(_STATUSES)}
#: Status names, indexed by the codes the kernel returns.
STATUS = tuple(s.value for s in _STATUSES)
CONVERGED, STALLED, T_END, NO_CONVERGENCE, STEP_UNDERFLOW, MAX_STEPS_CODE, NON_FINITE = range(7)
FAILED = STEP_UNDERFLOW  # codes >= FAILED are failures
_CYCLES = tuple(Cycle)

#: Early stop: maximum-norm distance to an asymptotically stable vertex.
VERTEX_TOL = 1e-7
#: Stall: ``max |f|`` below this on every step over ``t_end / 10``.
STALL_F = 1e-12
#: A stalled run: no share may grow by more than this before ``t_end`` at its present rate.
FROZEN_GROWTH = 1e-9
#: At ``t_end``: a run within this distance of an asymptotically stable vertex counts as settled.
NEAR_TOL = 1e-3
#: At ``t_end``: a run whose field is at most this (maximum norm, share coordinates) is settled.
F_TOL = 1e-6
#: Return-map test: relative agreement of successive returns (extremes and periods) of a cycle.
CYCLE_TOL = 1e-3
#: Default budget of step attempts per run.
MAX_STEPS = 1_000_000
#: Returns kept per coordinate for the return-map test.
RING = 8
#: Certified stop at ``t_end``: the largest error bound (maximum norm, shares) of an extrapolated end state
#: (see "Certified stop" in the module docstring).
EXTRAP_TOL = 1e-9
_TINY = 1e-30  # the certificate's box is never thinner than this (in shares)
_LOG_TINY = math.log(_TINY)
_LOG_STOP = math.log(VERTEX_TOL * (1.0 - 1e-6))  # every xi_p below this: every other share below VERTEX_TOL
_Z_EDGE = math.log(1.0 / NEAR_TOL)  # |z| beyond this: a share below NEAR_TOL

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
_MIN_SLICE = 64  # fewest runs per thread's slice


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
def _softmax(z, y, P, pa, ai, ref):
    """Shares from log-ratio coordinates, population by population (max-shifted, so no overflow)."""
    for p in range(P):
        a0 = pa[p]
        a1 = pa[p + 1]
        r = ref[p]
        if a1 == a0:
            continue
        if a1 - a0 == 1:
            v = z[a0]
            if v > 0.0:
                e = math.exp(-v)
                s = 1.0 / (1.0 + e)
                y[ai[a0]] = s
                y[r] = e * s
            else:
                e = math.exp(v)
                s = 1.0 / (1.0 + e)
                y[ai[a0]] = e * s
                y[r] = s
        else:
            zmax = 0.0
            for a in range(a0, a1):
                if z[a] > zmax:
                    zmax = z[a]
            e0 = math.exp(-zmax)
            s = e0
            for a in range(a0, a1):
                v = math.exp(z[a] - zmax)
                y[ai[a]] = v
                s += v
            inv = 1.0 / s
            y[r] = e0 * inv
            for a in range(a0, a1):
                y[ai[a]] *= inv


@njit(cache=True, error_model="numpy", inline="always")
def _sigmoid(v):
    """(share of strategy 0, share of strategy 1) of a binary population with log-ratio ``v``."""
    if v > 0.0:
        e = math.exp(-v)
        q = 1.0 / (1.0 + e)
        return q, e * q
    e = math.exp(v)
    q = 1.0 / (1.0 + e)
    return e * q, q


@njit(cache=True, error_model="numpy", inline="always")
def _c3(d, t, p, a1, b1, a2, b2, a3, b3):
    """Contraction of population ``p``'s 8 payoff differences with three other binary populations."""
    return a1 * (a2 * (d[t, p, 0] * a3 + d[t, p, 1] * b3) + b2 * (d[t, p, 2] * a3 + d[t, p, 3] * b3)) + b1 * (
        a2 * (d[t, p, 4] * a3 + d[t, p, 5] * b3) + b2 * (d[t, p, 6] * a3 + d[t, p, 7] * b3)
    )


@njit(cache=True, error_model="numpy", inline="always")
def _load_parameters(t, regs0, reg, op_, oj, orr, tab):
    """Registers of parameter set ``t`` (its parameter-only part, run once before the integration) into ``reg``,
    and the table entries that depend on the parameters alone into ``tab``.
    """
    for i in range(reg.shape[0]):
        reg[i] = regs0[t, i]
    for q in range(op_.shape[0]):
        tab[0, op_[q], oj[q]] = regs0[t, orr[q]]


@njit(cache=True, error_model="numpy")
def _dyn_table(code, reg, dp, dj, dr, tab):
    """Run the state-dependent instructions on ``reg`` (shares already in place) and fill the table."""
    _interpret(code, reg)
    for q in range(dp.shape[0]):
        tab[0, dp[q], dj[q]] = reg[dr[q]]


@njit(cache=True, error_model="numpy")
def _interpret(code, reg):
    """Run a straight-line program (:mod:`govgame.model.program`) on the register file ``reg``."""
    for i in range(code.shape[0]):
        op = code[i, 0]
        d = code[i, 1]
        a = reg[code[i, 2]]
        bi = code[i, 3]
        if op == 0:
            reg[d] = a + reg[bi]
        elif op == 1:
            reg[d] = a - reg[bi]
        elif op == 2:
            reg[d] = a * reg[bi]
        elif op == 3:
            reg[d] = a / reg[bi]
        elif op == 4:
            reg[d] = a**bi
        elif op == 5:
            reg[d] = a ** reg[bi]
        elif op == 6:
            reg[d] = -a
        elif op == 7:
            reg[d] = math.exp(a)
        elif op == 8:
            reg[d] = math.log(a)
        elif op == 9:
            reg[d] = math.sqrt(a)
        elif op == 10:
            reg[d] = abs(a)
        elif op == 11:
            b = reg[bi]
            reg[d] = a if (a < b or a != a) else b
        else:
            b = reg[bi]
            reg[d] = a if (a > b or a != a) else b


@njit(cache=True, error_model="numpy", inline="always")
def _dbin(dpay, t, P, y, D, buf):
    r"""Payoff differences :math:`D_p = u_{p,0} - u_{p,1}` when every population is binary.

    ``dpay[t, p]`` is population ``p``'s payoff difference (strategy 0 minus strategy 1)
    at each profile of the other populations (row-major); the contraction with the other
    populations' shares is written out for 2, 3 and 4 populations.
    """
    n = 1 << (P - 1)
    for p in range(P):
        if P == 1:
            D[p] = dpay[t, p, 0]
        elif P == 2:
            q0 = 1 - p
            D[p] = dpay[t, p, 0] * y[2 * q0] + dpay[t, p, 1] * y[2 * q0 + 1]
        elif P == 3:
            q0 = 1 if p == 0 else 0
            q1 = 1 if p == 2 else 2
            a1 = y[2 * q1]
            b1 = y[2 * q1 + 1]
            D[p] = y[2 * q0] * (dpay[t, p, 0] * a1 + dpay[t, p, 1] * b1) + y[2 * q0 + 1] * (
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
            D[p] = y[2 * q0] * (
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
            D[p] = buf[0]


@njit(cache=True, error_model="numpy")
def _expected(pay, t, offs, L, Tn, po, so, y, u, pre, suf):
    """Expected payoffs ``u`` of every strategy (full coordinates), any numbers of strategies.

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
    for p in range(P):
        kp = offs[p + 1] - offs[p]
        Tp = Tn[p]
        for i in range(kp):
            acc = 0.0
            for lead in range(L[p]):
                base = (lead * kp + i) * Tp
                part = 0.0
                for tr in range(Tp):
                    part += pay[t, p, base + tr] * suf[so[p] + tr]
                acc += pre[po[p] + lead] * part
            u[offs[p] + i] = acc


@njit(cache=True, error_model="numpy", inline="always")
def _field(z, K, s, binary, dyn, tab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref,
           y, u, D, pre, suf):  # fmt: skip
    """``K[s] = dz/dt`` at ``z``; ``y`` receives the shares."""
    _softmax(z, y, P, pa, ai, ref)
    _field_at(K, s, binary, dyn, tab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref,
              y, u, D, pre, suf)  # fmt: skip


@njit(cache=True, error_model="numpy", inline="always")
def _field_at(K, s, binary, dyn, tab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref,
              y, u, D, pre, suf):  # fmt: skip
    """``K[s] = dz/dt`` at the shares ``y`` (those :func:`_softmax` gives for the coordinates)."""
    if dyn:
        m = offs[P]
        for i in range(m):
            reg[sbase + i] = y[i]
        _interpret(code, reg)
        for q in range(dp.shape[0]):
            tab[0, dp[q], dj[q]] = reg[dr[q]]
    na = pa[P]
    if binary:
        _dbin(tab, ti, P, y, D, pre)
        for a in range(na):
            K[s, a] = asg[a] * D[apop[a]]
    else:
        _expected(tab, ti, offs, L, Tn, po, so, y, u, pre, suf)
        for a in range(na):
            K[s, a] = u[ai[a]] - u[ref[apop[a]]]


@njit(cache=True, error_model="numpy", inline="always")
def _growth(K, row, y, P, pa, ai, ref, g):
    r"""Growth rates ``g_i = f_i / y_i`` of every share with a coordinate or a reference; returns max |f|.

    With :math:`\dot z_a = u_a - u_r`, :math:`\bar u - u_r = \sum_a y_a \dot z_a`, so
    :math:`g_a = \dot z_a - w` and :math:`g_r = -w`.
    """
    fmax = 0.0
    for p in range(P):
        w = 0.0
        for a in range(pa[p], pa[p + 1]):
            w += y[ai[a]] * K[row, a]
        g[ref[p]] = -w
        fmax = max(fmax, abs(y[ref[p]] * w))  # (max: a select, not a branch the predictor misses)
        for a in range(pa[p], pa[p + 1]):
            ga = K[row, a] - w
            g[ai[a]] = ga
            fmax = max(fmax, abs(y[ai[a]] * ga))
    return fmax


@njit(cache=True, error_model="numpy", inline="always")
def _fmax(K, row, y, P, pa, ai, ref):
    """``max |f|`` with the arithmetic of :func:`_growth` (the same value bit for bit), without storing the rates.

    The growth rates are needed only by the stall test's :func:`_frozen` (the step loop fills them with
    :func:`_growth` just before it); storing them after every accepted step cost 2-4 % of a run of the benchmark
    (issue 12.6, fifth round).
    """
    fmax = 0.0
    for p in range(P):
        w = 0.0
        for a in range(pa[p], pa[p + 1]):
            w += y[ai[a]] * K[row, a]
        fmax = max(fmax, abs(y[ref[p]] * w))
        for a in range(pa[p], pa[p + 1]):
            fmax = max(fmax, abs(y[ai[a]] * (K[row, a] - w)))
    return fmax


@njit(cache=True, error_model="numpy", inline="always")
def _fmax_binary(K, y, P, ai, ref):
    """:func:`_fmax` when every population is binary with a coordinate (coordinate ``p`` is population ``p``'s).

    The same value bit for bit: with one coordinate ``w = 0 + y_a K_a`` differs from ``y_a K_a`` at most in the
    sign of a zero, which neither ``|y_r w|`` nor ``|y_a (K_a - w)|`` sees. Without the loops over each
    population's coordinates (whose bounds the compiler cannot know) a run of three populations takes about 4 %
    less time.
    """
    fmax = 0.0
    for p in range(P):
        k = K[0, p]
        w = y[ai[p]] * k
        fmax = max(fmax, max(abs(y[ref[p]] * w), abs(y[ai[p]] * (k - w))))
    return fmax


@njit(cache=True, error_model="numpy", inline="always")
def _near(vis_j, vis_d, nvis, cur, jv, dist):
    """Record that the run is within NEAR_TOL of vertex ``jv`` at ``dist``; returns ``(nvis, cur)``.

    A new visit when ``jv`` is not the vertex of the current one (``cur``), else a closer
    approach within the current visit (the rings keep the last :data:`RING` visits).
    """
    if jv != cur:
        vis_j[nvis % RING] = jv
        vis_d[nvis % RING] = dist
        return nvis + 1, jv
    if dist < vis_d[(nvis - 1) % RING]:
        vis_d[(nvis - 1) % RING] = dist
    return nvis, cur


@njit(cache=True, error_model="numpy", inline="always")
def _vertex(y, offs, P, Tn):
    """(distance to the nearest vertex in max norm, its profile index)."""
    dist = 0.0
    j = 0
    for q in range(P):
        best = offs[q]
        for i in range(offs[q] + 1, offs[q + 1]):
            if y[i] > y[best]:
                best = i
        dist = max(dist, 1.0 - y[best])
        j += (best - offs[q]) * Tn[q]
    return dist, j


@njit(cache=True, error_model="numpy", inline="always")
def _vertex_binary(y, P, Tn):
    """:func:`_vertex` when every population is binary (population ``q``'s shares at ``2 q, 2 q + 1``): the same
    values, strategy 0 on a tie.
    """
    dist = 0.0
    j = 0
    for q in range(P):
        if y[2 * q + 1] > y[2 * q]:
            dist = max(dist, 1.0 - y[2 * q + 1])
            j += Tn[q]
        else:
            dist = max(dist, 1.0 - y[2 * q])
    return dist, j


@njit(cache=True)
def _frozen(y, g, m, remaining):
    """Whether no share can grow noticeably by ``t_end`` at its present growth rate.

    ``y_i (exp(g_i * remaining) - 1) <= FROZEN_GROWTH`` for every share with ``y_i > 0``;
    this keeps a run that merely passes near a saddle (a tiny share with a positive growth
    rate) from being declared stalled.
    """
    for i in range(m):
        if y[i] > 0.0 and g[i] > 0.0:
            x = g[i] * remaining
            if x > 700.0 or y[i] * math.expm1(x) > FROZEN_GROWTH:
                return False
    return True


@njit(cache=True, error_model="numpy")
def _locate(K, a, h, z0):
    """Root of dz_a/dtheta on the step's dense-output polynomial: (theta, z_a(theta))."""
    lo = 0.0
    hi = 1.0
    glo = K[0, a]
    ghi = 0.0
    for s in range(7):
        ghi += K[s, a] * (_P[s, 0] + 2.0 * _P[s, 1] + 3.0 * _P[s, 2] + 4.0 * _P[s, 3])
    if (glo > 0.0) == (ghi > 0.0) or glo == 0.0:
        th = glo / (glo - K[6, a]) if glo != K[6, a] else 1.0
    else:
        th = 0.5
        side = 0
        for _ in range(40):  # Illinois regula falsi
            th = (lo * ghi - hi * glo) / (ghi - glo)
            gm = 0.0
            for s in range(7):
                gm += K[s, a] * (((4.0 * _P[s, 3] * th + 3.0 * _P[s, 2]) * th + 2.0 * _P[s, 1]) * th + _P[s, 0])
            if (gm > 0.0) == (glo > 0.0):
                lo = th
                glo = gm
                if side == -1:
                    ghi *= 0.5
                side = -1
            else:
                hi = th
                ghi = gm
                if side == 1:
                    glo *= 0.5
                side = 1
            if hi - lo < 1e-13:
                break
    acc = 0.0
    for s in range(7):
        acc += K[s, a] * ((((_P[s, 3] * th + _P[s, 2]) * th + _P[s, 1]) * th + _P[s, 0]) * th)
    return th, z0 + h * acc


@njit(cache=True)
def _fill(paths, r, ie, v):
    """Paths from output ``ie`` on: ``v`` (after a failure)."""
    if paths.shape[0] > 0:
        for k in range(ie, paths.shape[1]):
            for i in range(paths.shape[2]):
                paths[r, k, i] = v


@njit(cache=True, inline="always")
def _hold(paths, r, ie, E, y, m):
    """Paths from output ``ie`` on: the state ``y`` (the run has ended and stays there); returns ``E``."""
    for k in range(ie, E):
        for i in range(m):
            paths[r, k, i] = y[i]
    return E


@njit(cache=True)
def _ring_of_saddles(vis_j, vis_d, nvis, stable, t):
    """Whether the recorded vertex visits show a heteroclinic approach.

    A visit starts when the run comes within ``NEAR_TOL`` of a vertex (its depth: the smallest
    distance during the visit). Heteroclinic: the last four or more visits (of the last ``RING``)
    are to vertices that are not asymptotically stable, at least three of them distinct, and
    each visit is at least twice as deep as the one before (ever closer to the ring).
    """
    if nvis < 4:
        return False
    n = min(nvis, RING)
    first = nvis - n
    run = 1
    for k in range(nvis - 1, first, -1):
        if stable[t, vis_j[k % RING]] or not (vis_d[k % RING] <= 0.5 * vis_d[(k - 1) % RING]):
            break
        run += 1
    if run < 4 or stable[t, vis_j[(nvis - run) % RING]]:
        return False
    distinct = 0
    for k in range(nvis - run, nvis):
        new = True
        for q in range(nvis - run, k):
            if vis_j[q % RING] == vis_j[k % RING]:
                new = False
                break
        if new:
            distinct += 1
    return distinct >= 3


@njit(cache=True)
def _ring_get(buf, cnt, a, back):
    """The ``back``-th most recent entry of coordinate ``a``'s ring (0 = newest)."""
    return buf[a, (cnt[a] - 1 - back) % RING]


@njit(cache=True)
def _returns(et, ez, cnt, a, t_end):
    """Return-map test on one coordinate's extremes.

    ``et, ez`` (``[0]`` maxima, ``[1]`` minima) rings; returns (kind, period, amplitude, rate,
    lo, hi): kind 0 none, 1 cycle, 2 heteroclinic, 3 spiral-in, 4 spiral-out.
    """
    nM = cnt[0, a]
    nm = cnt[1, a]
    if nM < 3 or nm < 3:
        return 0, math.nan, 0.0, math.nan, math.nan, math.nan
    tM0 = _ring_get(et[0], cnt[0], a, 0)
    tM1 = _ring_get(et[0], cnt[0], a, 1)
    tM2 = _ring_get(et[0], cnt[0], a, 2)
    T1 = tM0 - tM1
    T2 = tM1 - tM2
    M0 = _ring_get(ez[0], cnt[0], a, 0)
    M1 = _ring_get(ez[0], cnt[0], a, 1)
    M2 = _ring_get(ez[0], cnt[0], a, 2)
    m0 = _ring_get(ez[1], cnt[1], a, 0)
    m1 = _ring_get(ez[1], cnt[1], a, 1)
    m2 = _ring_get(ez[1], cnt[1], a, 2)
    hi = max(M0, M1)
    lo = min(m0, m1)
    amp = hi - lo
    if not (amp > 0.0) or T1 <= 0.0:
        return 0, math.nan, 0.0, math.nan, lo, hi
    since = t_end - max(tM0, _ring_get(et[1], cnt[1], a, 0))
    tol = CYCLE_TOL
    # period 1: the last two returns agree
    period1 = abs(M0 - M1) <= tol * amp and abs(m0 - m1) <= tol * amp and abs(T1 - T2) <= tol * T1
    if period1 and since <= 2.0 * T1:
        return 1, 0.5 * (T1 + T2), amp, 0.0, lo, hi
    # period 2: returns two apart agree, while the last two do not (a period-1 oscillation whose last extreme is
    # more than two of its periods old has stopped; returns two apart agree for it too, but it is no cycle of twice
    # its period)
    if not period1 and nM >= 5 and nm >= 5:
        tM4 = _ring_get(et[0], cnt[0], a, 4)
        M4 = _ring_get(ez[0], cnt[0], a, 4)
        m4 = _ring_get(ez[1], cnt[1], a, 4)
        Tp = tM0 - tM2
        Tq = tM2 - tM4
        lo2 = min(lo, min(m2, _ring_get(ez[1], cnt[1], a, 3)))
        hi2 = max(hi, max(M2, _ring_get(ez[0], cnt[0], a, 3)))
        amp2 = hi2 - lo2
        if (
            since <= 2.0 * Tp
            and abs(M0 - M2) <= tol * amp2
            and abs(M2 - M4) <= tol * amp2
            and abs(m0 - m2) <= tol * amp2
            and abs(m2 - m4) <= tol * amp2
            and abs(Tp - Tq) <= tol * Tp
        ):
            return 1, 0.5 * (Tp + Tq), amp2, 0.0, lo2, hi2
    A0 = M0 - m0
    A1 = M1 - m1
    A2 = M2 - m2
    if not (A2 > 0.0 and A1 > 0.0):
        return 0, math.nan, amp, math.nan, lo, hi
    rate = math.log(A0 / A1) / T1 if A0 > 0.0 else -math.inf
    if (
        A0 > A1 > A2
        and T1 > T2
        and since <= 4.0 * T1
        and (hi >= _Z_EDGE or lo <= -_Z_EDGE or max(hi, -lo) >= 2 * _Z_EDGE)
    ):
        return 2, T1, amp, rate, lo, hi
    if since > 2.0 * T1:
        return 0, math.nan, amp, math.nan, lo, hi
    if A0 < A1 < A2:
        return 3, T1, amp, rate, lo, hi
    if A0 > A1 > A2:
        return 4, T1, amp, rate, lo, hi
    return 0, math.nan, amp, math.nan, lo, hi


@njit(cache=True, error_model="numpy", inline="always")
def _corners(dpay, t, p, P, cw, q, buf):
    r"""Population ``p``'s payoff difference at every corner of the certificate's box, into ``buf[:2^(P-1)]``.

    ``q < 0``: :math:`D_p` itself; ``q >= 0``: its derivative in ``x_q`` (population ``q``'s share of strategy
    0), at every corner of the other populations' box. The corner ``c`` has ``b_k = cw[8, k]`` for every other
    population ``k`` whose bit (its bit in ``dpay``'s index, the first other population the highest) is set in
    ``c``, else ``b_k = 0``; ``c = 0`` is the vertex itself. :math:`D_p` is multilinear, so the values at the
    corners follow from ``dpay[t, p]`` one population's axis at a time, a pair ``(A, B)`` (strategy 0, strategy 1)
    at a time: :math:`x A + (1 - x) B` at :math:`x = v_k - s_k b_k` (:math:`v_k` the vertex's share, :math:`s_k =`
    ``cw[2, k]``), or :math:`A - B` along ``q``'s axis (the derivative, the same at both ends). About ``P 2^P``
    operations, against about ``P 4^(P-1)`` for the corners one at a time (as before issue 12.6's fourth round).
    """
    n = 1 << (P - 1)
    for i in range(n):
        buf[i] = dpay[t, p, i]
    s = n
    for k in range(P):
        if k == p:
            continue
        s >>= 1  # population k's axis: pairs (i, i + s) with the bit s clear in i
        for i in range(n):
            if i & s:
                continue
            A = buf[i]
            B = buf[i + s]
            if k == q:
                buf[i] = A - B
                buf[i + s] = A - B
            else:
                v0 = A if cw[2, k] > 0.0 else B  # at b_k = 0: the vertex's strategy
                buf[i] = v0
                buf[i + s] = v0 - cw[2, k] * cw[8, k] * (A - B)


@njit(cache=True, error_model="numpy")
def _certify(dpay, lip, t, P, Tn, stable, z, asg, tt, t_end, cw, buf=None):
    r"""The certified early stop of a static binary game (see the module docstring, ``Certified stop``).

    ``z[p]`` is population ``p``'s log-ratio coordinate with ``asg[p] z[p] = log(x_p / (1 - x_p))``;
    ``lip[t, p, q]`` bounds the derivative of population ``p``'s payoff difference in population
    ``q``'s share over the whole state space (a cap of the box's own bound); ``cw`` is scratch of shape
    ``(9 + P, P)``, ``buf`` scratch of at least ``2^(P-1)`` entries for :func:`_corners` (allocated here when
    not given). Returns ``(kind, time)``: kind 0 when the bound does not prove convergence to an
    asymptotically stable vertex, 1 when it does but the state is not known well enough by ``t_end``,
    2 when the run provably comes within ``VERTEX_TOL`` of the vertex by ``time <= t_end``, 3 when it
    provably is within ``NEAR_TOL`` of it at ``t_end`` and its state there is known within
    ``EXTRAP_TOL``. With kind 2 or 3, ``z`` holds the state at ``time`` (the middle of the enclosure);
    with kind 1, ``cw[6, 0] >= 1`` says how much too wide the enclosure at ``t_end`` is (or too far).
    """
    j = 0
    for p in range(P):
        lam = asg[p] * z[p]
        sp = 1.0 if lam > 0.0 else -1.0
        cw[2, p] = sp
        cw[0, p] = -sp * lam  # xi_p = log(other share / vertex share) <= 0
        # B_p >= the odds b_p / (1 - b_p) >= b_p, now and (once certified) ever after, and the box's side
        # cw[8, p] >= b_p(t0); both at least _TINY (a larger box is as good a certificate, and products of
        # shares that small would be subnormal numbers, slow to multiply)
        cw[1, p] = math.exp(cw[0, p]) if cw[0, p] > _LOG_TINY else _TINY
        cw[8, p] = max(cw[1, p] / (1.0 + cw[1, p]), _TINY)
        if sp < 0.0:
            j += Tn[p]
    if not stable[t, j]:
        return 0, tt
    n = 1 << (P - 1)
    if buf is None:
        work = np.empty(n)
    else:
        work = buf
    # the advantage a_p(b) = sp_p D_p of the vertex for population p is multilinear in the other populations'
    # b_q, so over the box its extremes (mu_p, M_p) are at the box's corners, and so are those of its derivatives
    need = 0.0
    for p in range(P):
        size = 0.0  # rounding: every evaluation below errs by at most a few ulp of sum |dpay|
        for idx in range(n):
            size += abs(dpay[t, p, idx])
        eps = 1e-12 * size
        _corners(dpay, t, p, P, cw, -1, work)
        lo = math.inf
        hi = -math.inf
        for c in range(n):
            a = cw[2, p] * work[c]
            if not (a - eps > 0.0):
                return 0, tt
            lo = min(lo, a)
            hi = max(hi, a)
        cw[3, p] = cw[2, p] * work[0]  # r_p: corner 0 is the vertex itself
        cw[4, p] = lo - eps  # mu_p
        cw[7, p] = hi + eps  # M_p
        need = max(need, (cw[0, p] - _LOG_STOP) / cw[4, p])  # xi_p(t0 + s) <= xi_p(t0) - mu_p s
    if tt + need <= t_end:  # within VERTEX_TOL by tt + need: the state there is in [xi - M s, xi - mu s]
        for p in range(P):
            cw[0, p] -= 0.5 * (cw[4, p] + cw[7, p]) * need
            z[p] = -asg[p] * cw[2, p] * cw[0, p]
        return 2, tt + need
    for p in range(P):
        size = 0.0
        for idx in range(n):
            size += abs(dpay[t, p, idx])
        eps = 1e-12 * size
        for q in range(P):
            best = 0.0
            if q != p:
                _corners(dpay, t, p, P, cw, q, work)  # dD_p / dx_q = -s_q dD_p / db_q at the others' corners
                for c in range(n):
                    best = max(best, abs(work[c]))
                best = min(best * (1.0 + 1e-12) + 2.0 * eps, lip[t, p, q])
            cw[9 + p, q] = best  # l_pq: a bound of |d a_p / d b_q| on the box
    # |xi_p(t0 + s) - (xi_p(t0) - r_p s)| <= C_p(s) = sum_q l_pq b_q (1 - exp(-mu_q s)) / mu_q, and
    # xi_p(t0) - M_p s <= xi_p(t0 + s) <= xi_p(t0) - mu_p s
    need = 0.0
    for p in range(P):
        acc = 0.0
        for q in range(P):
            acc += cw[9 + p, q] * cw[1, q] / cw[4, q]
        cw[5, p] = acc * (1.0 + 1e-12)
        s_p = min((cw[0, p] + cw[5, p] - _LOG_STOP) / cw[3, p], (cw[0, p] - _LOG_STOP) / cw[4, p])
        need = max(need, s_p)  # >= 0: need starts at 0
    kind = 2
    s = need
    if tt + need > t_end:
        kind = 3
        s = t_end - tt
    err = 0.0
    top = 0.0
    centre = -math.inf  # the largest xi_p at the centre of the enclosure at t0 + s
    for q in range(P):
        cw[6, q] = cw[1, q] * -math.expm1(-cw[4, q] * s) / cw[4, q]
    for p in range(P):
        acc = 0.0
        for q in range(P):
            acc += cw[9 + p, q] * cw[6, q]
        acc = min(acc * (1.0 + 1e-12), cw[5, p])
        mid = cw[0, p] - cw[3, p] * s
        up = min(mid + acc, cw[0, p] - cw[4, p] * s)
        dn = max(mid - acc, cw[0, p] - cw[7, p] * s)
        hi = math.exp(up if up > -700.0 else -700.0)  # (exp's underflow path is slow)
        lo = math.exp(dn) if dn > -700.0 else 0.0
        err = max(err, hi / (1.0 + hi) - lo / (1.0 + lo))
        top = max(top, hi)
        cw[0, p] = 0.5 * (up + dn)
        centre = max(centre, cw[0, p])
    if kind == 2 and not (top <= VERTEX_TOL):
        cw[6, 0] = 1.0
        return 1, tt  # cannot happen (need was chosen so), kept as a guard of the claim
    if kind == 3 and not (top <= NEAR_TOL and err <= EXTRAP_TOL):
        cw[6, 0] = max(err / EXTRAP_TOL, top / NEAR_TOL)  # how much too wide the enclosure at t_end is
        if centre <= _LOG_STOP:
            # the enclosure's centre is within VERTEX_TOL of the vertex at t_end: the run probably converges before
            # t_end, which a later certificate shows as soon as its bound of the time to get there is short enough
            # (not when the enclosure at t_end is narrow): 0 asks for the next try at the next accepted step
            cw[6, 0] = 0.0
        return 1, tt
    for p in range(P):
        z[p] = -asg[p] * cw[2, p] * cw[0, p]
    return kind, tt + s


@njit(cache=True, error_model="numpy", inline="always")
def _finish(final, t_stop, status, nsteps, refs, r, y, ref, ts, cd, ns):
    """Store run ``r``'s end: time, status code, accepted steps, state and reference shares."""
    t_stop[r] = ts
    status[r] = cd
    nsteps[r] = ns
    for i in range(final.shape[1]):
        final[r, i] = y[i]
    for p in range(refs.shape[1]):
        refs[r, p] = ref[p]


@njit(cache=True, error_model="numpy")
def _slice(
    pay, dpay, binary, dyn, code, regs0, sbase, op_, oj, orr, dp, dj, dr, tidx, offs, L, Tn, po, so, stable, Y0,
    t_end, rtol, atol, f_tol, max_steps, t_eval, paths, r_lo, r_hi, cyc_out, box_lo, box_hi,
    z, znew, K, tmp, y, ys, yd, u, g, D, pre, suf, ai, apop, asg, pa, ref, tab, reg, et, ez, cnt, vis_j, vis_d,
    cert, lip, cw, cb, final, t_stop, status, nsteps, refs,
):  # fmt: skip
    """Runs ``r_lo .. r_hi - 1``, one after the other, into the output arrays (one call per slice).

    Every run starts afresh from its own start (the scratch arrays carry nothing over); each way out of a
    run stores its end with :func:`_finish` and goes on with the next run.
    """
    P = offs.shape[0] - 1
    m = offs[P]
    E = t_eval.shape[0]
    store = paths.shape[0] > 0
    for r in range(r_lo, r_hi):
        t = tidx[r]
        # ---- coordinates: reference = largest starting share; a coordinate per other positive share
        na = 0
        for p in range(P):
            best = offs[p]
            for i in range(offs[p], offs[p + 1]):
                if Y0[r, i] > Y0[r, best]:
                    best = i
            ref[p] = best
            pa[p] = na
            for i in range(offs[p], offs[p + 1]):
                y[i] = 0.0
                ys[i] = 0.0
                yd[i] = 0.0
                if i != best and Y0[r, i] > 0.0:
                    ai[na] = i
                    apop[na] = p
                    asg[na] = 1.0 if i == offs[p] else -1.0
                    z[na] = math.log(Y0[r, i]) - math.log(Y0[r, best])
                    na += 1
            y[best] = 1.0
            ys[best] = 1.0
            yd[best] = 1.0
        pa[P] = na
        if na > 0:
            _softmax(z, y, P, pa, ai, ref)
        ti = t
        if dyn:
            ti = 0
            _load_parameters(t, regs0, reg, op_, oj, orr, tab)
        ptab = tab if dyn else (dpay if binary else pay)
        fastb = P if (binary and 2 <= P <= 4 and na == P) else 0
        certify = cert and binary and not dyn and not store and na == P
        cert_next = 1.0
        for a in range(na):
            for c in range(2):
                cnt[c, a] = 0
        for a in range(m):
            box_lo[r, a] = math.nan
            box_hi[r, a] = math.nan
        cyc_out[r, 0] = 0.0
        cyc_out[r, 1] = math.nan
        cyc_out[r, 2] = math.nan
        tt = 0.0
        ie = 0
        while store and ie < E and t_eval[ie] <= 0.0:
            for i in range(m):
                paths[r, ie, i] = y[i]
            ie += 1
        # the field at the start from y, which holds _softmax(z) already (ys is set at every later evaluation)
        _field_at(K, 0, binary, dyn, ptab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref, y, u, D, pre, suf)  # fmt: skip
        bad = False
        for a in range(na):
            if not math.isfinite(K[0, a]):
                bad = True
                break
        if bad:
            _fill(paths, r, ie, math.nan)
            _finish(final, t_stop, status, nsteps, refs, r, y, ref, 0.0, NON_FINITE, 0)
            continue
        fmax = _fmax(K, 0, y, P, pa, ai, ref)
        dist, jv = _vertex(y, offs, P, Tn)
        if dist <= VERTEX_TOL and stable[t, jv]:
            if store:
                ie = _hold(paths, r, ie, E, y, m)
            _finish(final, t_stop, status, nsteps, refs, r, y, ref, 0.0, CONVERGED, 0)
            continue
        if t_end <= 0.0 or na == 0:
            if store:
                ie = _hold(paths, r, ie, E, y, m)
            settled = fmax <= f_tol or (dist <= NEAR_TOL and stable[t, jv])
            _finish(final, t_stop, status, nsteps, refs, r, y, ref, t_end, T_END if settled else NO_CONVERGENCE, 0)
            continue
        # scipy's initial step (error-estimator order 4)
        d0 = 0.0
        d1 = 0.0
        for a in range(na):
            sc = atol + abs(z[a]) * rtol
            d0 += (z[a] / sc) ** 2
            d1 += (K[0, a] / sc) ** 2
        d0 = math.sqrt(d0 / na)
        d1 = math.sqrt(d1 / na)
        if d0 < 1e-5 or d1 < 1e-5:
            h0 = 1e-6
        else:
            h0 = 0.01 * d0 / d1
        h0 = min(h0, t_end)
        for a in range(na):
            tmp[a] = z[a] + h0 * K[0, a]
        _field(tmp, K, 1, binary, dyn, ptab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref, ys, u, D, pre, suf)  # fmt: skip
        d2 = 0.0
        for a in range(na):
            sc = atol + abs(z[a]) * rtol
            d2 += ((K[1, a] - K[0, a]) / sc) ** 2
        d2 = math.sqrt(d2 / na) / h0
        if d1 <= 1e-15 and d2 <= 1e-15:
            h1 = max(1e-6, h0 * 1e-3)
        else:
            h1 = (0.01 / max(d1, d2)) ** (1.0 / 5.0)
        h_abs = min(100 * h0, h1, t_end)
        if not (h_abs > 0.0):
            _fill(paths, r, ie, math.nan)
            _finish(final, t_stop, status, nsteps, refs, r, y, ref, 0.0, NON_FINITE, 0)
            continue

        cd = -1  # set when the run ends inside the step loop
        ts = 0.0
        ns = 0
        nvis = 0
        cur = -1
        stall_since = -1.0
        stall_span = t_end / 10.0
        steps = 0
        attempts = 0
        while tt < t_end:
            min_step = 10.0 * (tt * 2.220446049250313e-16 + 5e-324)  # ~10 ulp(t), as scipy (np.nextafter is slow here)
            if h_abs < min_step:
                h_abs = min_step
            rejected = False
            while True:
                attempts += 1
                if attempts > max_steps:
                    _fill(paths, r, ie, math.nan)
                    ts, cd, ns = tt, MAX_STEPS_CODE, steps
                    break
                if h_abs < min_step:
                    _fill(paths, r, ie, math.nan)
                    ts, cd, ns = tt, STEP_UNDERFLOW, steps
                    break
                t_new = tt + h_abs
                if t_new > t_end:
                    t_new = t_end
                h = t_new - tt
                h_abs = h
                # stages 2..7; the 7th is f(z_new) with z_new = z + h * sum_j B_j K_j (first same as last)
                for st in range(1, 7):
                    for a in range(na):
                        acc = 0.0
                        for j in range(st):
                            acc += _A[st, j] * K[j, a]
                        tmp[a] = z[a] + h * acc
                    if fastb == 2:  # binary populations, each with a coordinate: the field in scalars
                        x0, w0 = _sigmoid(asg[0] * tmp[0])
                        x1, w1 = _sigmoid(asg[1] * tmp[1])
                        if st == 6:  # the shares at z_new (as _softmax would give them)
                            ys[0], ys[1], ys[2], ys[3] = x0, w0, x1, w1
                        if dyn:
                            reg[sbase], reg[sbase + 1], reg[sbase + 2], reg[sbase + 3] = x0, w0, x1, w1
                            _dyn_table(code, reg, dp, dj, dr, tab)
                        K[st, 0] = asg[0] * (ptab[ti, 0, 0] * x1 + ptab[ti, 0, 1] * w1)
                        K[st, 1] = asg[1] * (ptab[ti, 1, 0] * x0 + ptab[ti, 1, 1] * w0)
                    elif fastb == 3:
                        x0, w0 = _sigmoid(asg[0] * tmp[0])
                        x1, w1 = _sigmoid(asg[1] * tmp[1])
                        x2, w2 = _sigmoid(asg[2] * tmp[2])
                        if st == 6:  # the shares at z_new (as _softmax would give them)
                            ys[0], ys[1], ys[2], ys[3], ys[4], ys[5] = x0, w0, x1, w1, x2, w2
                        if dyn:
                            reg[sbase], reg[sbase + 1], reg[sbase + 2], reg[sbase + 3] = x0, w0, x1, w1
                            reg[sbase + 4], reg[sbase + 5] = x2, w2
                            _dyn_table(code, reg, dp, dj, dr, tab)
                        K[st, 0] = asg[0] * (
                            x1 * (ptab[ti, 0, 0] * x2 + ptab[ti, 0, 1] * w2)
                            + w1 * (ptab[ti, 0, 2] * x2 + ptab[ti, 0, 3] * w2)
                        )
                        K[st, 1] = asg[1] * (
                            x0 * (ptab[ti, 1, 0] * x2 + ptab[ti, 1, 1] * w2)
                            + w0 * (ptab[ti, 1, 2] * x2 + ptab[ti, 1, 3] * w2)
                        )
                        K[st, 2] = asg[2] * (
                            x0 * (ptab[ti, 2, 0] * x1 + ptab[ti, 2, 1] * w1)
                            + w0 * (ptab[ti, 2, 2] * x1 + ptab[ti, 2, 3] * w1)
                        )
                    elif fastb == 4:
                        x0, w0 = _sigmoid(asg[0] * tmp[0])
                        x1, w1 = _sigmoid(asg[1] * tmp[1])
                        x2, w2 = _sigmoid(asg[2] * tmp[2])
                        x3, w3 = _sigmoid(asg[3] * tmp[3])
                        if st == 6:  # the shares at z_new (as _softmax would give them)
                            ys[0], ys[1], ys[2], ys[3], ys[4], ys[5], ys[6], ys[7] = x0, w0, x1, w1, x2, w2, x3, w3
                        if dyn:
                            reg[sbase], reg[sbase + 1], reg[sbase + 2], reg[sbase + 3] = x0, w0, x1, w1
                            reg[sbase + 4], reg[sbase + 5], reg[sbase + 6], reg[sbase + 7] = x2, w2, x3, w3
                            _dyn_table(code, reg, dp, dj, dr, tab)
                        K[st, 0] = asg[0] * _c3(ptab, ti, 0, x1, w1, x2, w2, x3, w3)
                        K[st, 1] = asg[1] * _c3(ptab, ti, 1, x0, w0, x2, w2, x3, w3)
                        K[st, 2] = asg[2] * _c3(ptab, ti, 2, x0, w0, x1, w1, x3, w3)
                        K[st, 3] = asg[3] * _c3(ptab, ti, 3, x0, w0, x1, w1, x2, w2)
                    else:
                        _field(tmp, K, st, binary, dyn, ptab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, pa, ai, apop, asg, ref, ys, u, D, pre, suf)  # fmt: skip
                # ys: the shares at z_new (the scalar paths set them at stage 7, the general field likewise)
                en = 0.0
                for a in range(na):
                    znew[a] = tmp[a]
                    e = h * (
                        _E1 * K[0, a] + _E3 * K[2, a] + _E4 * K[3, a] + _E5 * K[4, a] + _E6 * K[5, a] + _E7 * K[6, a]
                    )
                    sc = atol + max(abs(z[a]), abs(znew[a])) * rtol
                    en += (e / sc) ** 2
                en = math.sqrt(en / na)
                if not math.isfinite(en):
                    _fill(paths, r, ie, math.nan)
                    ts, cd, ns = tt, NON_FINITE, steps
                    break
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
            if cd >= 0:
                break
            # dense output for the requested times inside (tt, t_new]
            while store and ie < E and t_eval[ie] <= t_new:
                x = (t_eval[ie] - tt) / h
                for a in range(na):
                    acc = 0.0
                    for s in range(7):
                        q = (((_P[s, 3] * x + _P[s, 2]) * x + _P[s, 1]) * x + _P[s, 0]) * x
                        acc += K[s, a] * q
                    tmp[a] = z[a] + h * acc
                _softmax(tmp, yd, P, pa, ai, ref)
                for i in range(m):
                    paths[r, ie, i] = yd[i]
                ie += 1
            # section crossings: extremes of every coordinate inside the step; first whether there is any (most steps
            # have none, and the loop that records them, with its calls of _locate, then costs more than this test)
            cross = False
            for a in range(na):
                k0 = K[0, a]
                k1 = K[6, a]
                cross = cross or (k0 > 0.0 and k1 <= 0.0) or (k0 < 0.0 and k1 >= 0.0)
            for a in range(na if cross else 0):
                k0 = K[0, a]
                k1 = K[6, a]
                c = -1
                if k0 > 0.0 and k1 <= 0.0:
                    c = 0
                elif k0 < 0.0 and k1 >= 0.0:
                    c = 1
                if c >= 0:
                    th, ze = _locate(K, a, h, z[a])
                    slot = cnt[c, a] % RING
                    et[c, a, slot] = tt + th * h
                    ez[c, a, slot] = ze
                    cnt[c, a] += 1
            # accept
            steps += 1
            for a in range(na):
                z[a] = znew[a]
                K[0, a] = K[6, a]  # FSAL
            for i in range(m):
                y[i] = ys[i]
            tt = t_new
            if fastb:  # every population binary with a coordinate: the same values without the general loops
                fmax = _fmax_binary(K, y, P, ai, ref)
                dist, jv = _vertex_binary(y, P, Tn)
            else:
                fmax = _fmax(K, 0, y, P, pa, ai, ref)
                dist, jv = _vertex(y, offs, P, Tn)
            if dist <= VERTEX_TOL and stable[t, jv]:
                if store:
                    ie = _hold(paths, r, ie, E, y, m)
                ts, cd, ns = tt, CONVERGED, steps
                break
            if certify and dist <= cert_next and stable[t, jv]:
                kind, tc = _certify(dpay, lip, t, P, Tn, stable, z, asg, tt, t_end, cw, cb)
                if kind == 2:  # provably within VERTEX_TOL of the vertex by tc <= t_end: stop there
                    _softmax(z, y, P, pa, ai, ref)
                    ts, cd, ns = tc, CONVERGED, steps
                    break
                if kind == 3:  # provably near the vertex at t_end, the state there known within EXTRAP_TOL
                    _softmax(z, y, P, pa, ai, ref)
                    tt = t_end
                    dist, jv = _vertex(y, offs, P, Tn)  # <= NEAR_TOL, so the run is settled (T_END below)
                    # the visit a full integration records (from here the run stays near jv)
                    nvis, cur = _near(vis_j, vis_d, nvis, cur, jv, dist)
                    break
                if kind == 1 and cw[6, 0] == 0.0:  # probably converges before t_end: try again at the next step
                    cert_next = 1.0
                elif kind == 1:  # converges, but not known well enough at t_end: the enclosure narrows as dist falls
                    cert_next = dist * min(0.5, max(0.1, 1.0 / cw[6, 0]))
                else:  # not (yet) inside the ball: try closer
                    cert_next = 0.5 * dist
            if dist <= NEAR_TOL:
                nvis, cur = _near(vis_j, vis_d, nvis, cur, jv, dist)
            else:
                cur = -1
            if fmax < STALL_F:
                if stall_since < 0.0:
                    stall_since = tt
                elif tt - stall_since >= stall_span and tt < t_end:
                    _growth(K, 0, y, P, pa, ai, ref, g)  # the growth rates, needed only here
                    if _frozen(y, g, m, t_end - tt):
                        if store:
                            ie = _hold(paths, r, ie, E, y, m)
                        ts, cd, ns = tt, STALLED, steps
                        break
            else:
                stall_since = -1.0
        if cd < 0:  # the step loop ran to t_end
            # ---- the return-map test on the recorded extremes
            best_amp = 0.0
            for a in range(na):
                kd, per, amp, rate, lo, hi = _returns(et, ez, cnt, a, t_end)
                i = ai[a]
                box_lo[r, i] = lo
                box_hi[r, i] = hi
                if hi < -_Z_EDGE or lo > _Z_EDGE:
                    # over its last returns this share stayed within NEAR_TOL of a face it converges to: its log-ratio
                    # drifts off with the cycle's modulation on it, which says nothing about the run's oscillation
                    kd = 0
                if kd > 0 and amp > best_amp:
                    best_amp = amp
                    cyc_out[r, 0] = kd
                    cyc_out[r, 1] = per
                    cyc_out[r, 2] = rate
            if cyc_out[r, 0] != 1 and _ring_of_saddles(vis_j, vis_d, nvis, stable, t):
                cyc_out[r, 0] = 2
                cyc_out[r, 1] = math.nan
                cyc_out[r, 2] = math.nan
            if fmax <= f_tol or (dist <= NEAR_TOL and stable[t, jv]):
                ts, cd, ns = tt, T_END, steps
            else:
                ts, cd, ns = tt, NO_CONVERGENCE, steps
        _finish(final, t_stop, status, nsteps, refs, r, y, ref, ts, cd, ns)


@njit(cache=True, nogil=True)
def _integrate(
    pay, dpay, binary, dyn, code, regs0, sbase, op_, oj, orr, dp, dj, dr, offs, L, Tn, po, so, stable, Y0, tidx,
    t_end, rtol, atol, f_tol, max_steps, t_eval, cert, lip, lo, hi,
    final, t_stop, status, nsteps, cyc, box_lo, box_hi, refs, paths,
):  # fmt: skip
    """Runs ``lo .. hi - 1`` into the output arrays (releases the GIL: callers run slices in threads)."""
    P = offs.shape[0] - 1
    m = offs[P]
    J = 1
    for p in range(P):
        J *= offs[p + 1] - offs[p]
    ncol = dpay.shape[2] if binary else J
    z = np.empty(m)
    znew = np.empty(m)
    K = np.empty((7, m))
    tmp = np.empty(m)
    y = np.empty(m)
    ys = np.empty(m)
    yd = np.empty(m)
    u = np.empty(m)
    g = np.zeros(m)
    D = np.empty(P)
    pre = np.empty(max(po[P], 1 << max(P - 1, 0)))
    suf = np.empty(so[P])
    ai = np.empty(m, dtype=np.int64)
    apop = np.empty(m, dtype=np.int64)
    asg = np.empty(m)
    pa = np.empty(P + 1, dtype=np.int64)
    ref = np.empty(P, dtype=np.int64)
    tab = np.zeros((1, P, ncol))
    reg = np.empty(regs0.shape[1])
    et = np.empty((2, m, RING))
    ez = np.empty((2, m, RING))
    cnt = np.zeros((2, m), dtype=np.int64)
    vis_j = np.empty(RING, dtype=np.int64)
    vis_d = np.empty(RING)
    cw = np.empty((9 + P, P))
    cb = np.empty(1 << max(P - 1, 0))  # _certify's corner values
    _slice(
        pay, dpay, binary, dyn, code, regs0, sbase, op_, oj, orr, dp, dj, dr, tidx, offs, L, Tn, po, so, stable, Y0,
        t_end, rtol, atol, f_tol, max_steps, t_eval, paths, lo, hi, cyc, box_lo, box_hi,
        z, znew, K, tmp, y, ys, yd, u, g, D, pre, suf, ai, apop, asg, pa, ref, tab, reg, et, ez, cnt, vis_j, vis_d,
        cert, lip, cw, cb, final, t_stop, status, nsteps, refs,
    )  # fmt: skip


# --------------------------------------------------------------------------- python wrapper
@dataclass(frozen=True, eq=False)
class KernelResult:
    """Everything :func:`integrate_runs` returns (arrays indexed by run).

    Attributes
    ----------
    final : ``(R, m)`` end states (full coordinates).
    t_stop : ``(R,)`` end times.
    code : int8 ``(R,)`` status codes (:data:`STATUS` / :class:`Status`).
    paths : ``(R, len(t_eval), m)`` or None; after an early stop the stopped state repeats,
        after a failure ``nan``.
    steps : ``(R,)`` accepted steps.
    cycle : ``(R,)`` int8 :class:`Cycle` codes; ``period`` and ``rate`` (the amplitude's
        growth rate of a spiral, per unit time) ``(R,)``.
    box_lo, box_hi : ``(R, m)`` the range of each log-ratio coordinate ``log(y_i / y_ref)``
        over the last returns (``nan`` for shares without a coordinate or without returns).
    refs : ``(R, P)`` the reference share (full index) of each population.
    """

    final: np.ndarray
    t_stop: np.ndarray
    code: np.ndarray
    paths: np.ndarray | None
    steps: np.ndarray
    cycle: np.ndarray
    period: np.ndarray
    rate: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    refs: np.ndarray

    @property
    def status(self) -> list[Status]:
        """:class:`Status` of each run."""
        return [_STATUSES[c] for c in self.code]


def stable_vertices_at(program, params, shape: tuple[int, ...]) -> np.ndarray:
    """:func:`stable_vertices` for state-dependent payoffs: the rule applied to the payoffs *at* each vertex.

    At a vertex the Jacobian's eigenvalues are the payoff differences evaluated there (the payoffs'
    derivatives multiply shares that are 0), so the vertex rule is the static one applied to the
    payoff table evaluated at that vertex's state. ``program`` is the payoff-table program
    (profile-major, :func:`govgame.model.program.payoff_program`); ``params`` is ``(T, n_params)``.

    Examples
    --------
    Hawk-Dove-like with a fine that falls as the first population's strategy 0 spreads: vertex
    (0, 0) pays 1 - x = 0 there, so deviating (payoff 0.5) pays more.

    >>> import sympy
    >>> from govgame.model.program import compile_program
    >>> x = sympy.Symbol("x", real=True)
    >>> table = [1 - x, 1, 0, 0, 0.5, 0, 0.2, 1]   # profile-major: (p0, p1) payoffs at 00, 01, 10, 11
    >>> stable_vertices_at(compile_program(table, params=[], shares=[x, None, None, None]), np.zeros((1, 0)), (2, 2)).tolist()
    [[False, False, False, True]]
    """
    from ..model.program import evaluate

    shape = tuple(int(k) for k in shape)
    P, J = len(shape), int(np.prod(shape))
    offs = np.concatenate([[0], np.cumsum(shape)]).astype(int)
    params = np.atleast_2d(np.asarray(params, dtype=float))
    T = params.shape[0]
    out = np.zeros((T, J), dtype=bool)
    for j, prof in enumerate(np.ndindex(*shape)):
        y = np.zeros(offs[-1])
        for q, s in enumerate(prof):
            y[offs[q] + s] = 1.0
        tab = evaluate(program, params, np.broadcast_to(y, (T, len(y)))).reshape(T, J, P)
        pay = np.ascontiguousarray(np.transpose(tab, (0, 2, 1)))
        out[:, j] = stable_vertices(pay, shape)[:, j]
    return out


def payoff_registers(program, params) -> np.ndarray:
    """Register files of ``program`` after its parameter-only part, one row per parameter set.

    >>> import sympy
    >>> from govgame.model.program import compile_program
    >>> F, x = sympy.Symbol("F"), sympy.Symbol("x", real=True)
    >>> payoff_registers(compile_program([F * (1 - x)], params=[F], shares=[x, None]), [[2.0]]).shape
    (1, 6)
    """
    from ..model.program import static_registers

    return static_registers(program, params)


def _lipschitz(dpay: np.ndarray, P: int) -> np.ndarray:
    """``lip[t, p, q]``: the largest derivative of population ``p``'s payoff difference in population ``q``'s share.

    The payoff difference is multilinear in the other populations' shares, so its derivative in one of them is a
    convex combination of the differences of ``dpay`` entries that differ only in that population's strategy.
    """
    T = dpay.shape[0]
    lip = np.zeros((T, P, P))
    for p in range(P):
        others = [q for q in range(P) if q != p]
        d = dpay[:, p].reshape((T,) + (2,) * (P - 1))
        for pos, q in enumerate(others):
            diff = np.take(d, 0, axis=1 + pos) - np.take(d, 1, axis=1 + pos)
            lip[:, p, q] = np.abs(diff).reshape(T, -1).max(axis=1)
    return lip


def _run_slices(args, outs, R: int) -> None:
    """Run ``_integrate`` over slices of the runs, in ``numba.get_num_threads()`` threads (it releases the GIL).

    Each run's result does not depend on the slicing (every run has its own state and step size); slices
    of a few hundred runs are handed out in turn, so runs of unequal length balance across the threads.
    """
    threads = min(numba.get_num_threads(), max(1, R // _MIN_SLICE))
    if threads <= 1:
        _integrate(*args, 0, R, *outs)
        return
    n = min(max(4 * threads, R // 4096), max(1, R // _MIN_SLICE))
    bounds = np.linspace(0, R, n + 1).astype(np.int64)
    with ThreadPoolExecutor(threads) as pool:
        for f in [pool.submit(_integrate, *args, int(a), int(b), *outs) for a, b in zip(bounds[:-1], bounds[1:])]:
            f.result()


def _check_positive(name: str, v) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        raise SimulationError(f"{name} must be a positive number, found {v!r}") from None
    if not (math.isfinite(f) and f > 0.0):
        raise SimulationError(f"{name} must be a finite number > 0, found {v!r}")
    return f


def binary_differences(pay: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Payoff tables ``(T, P, J)`` of binary populations as differences ``u_p0 - u_p1`` over the others' profiles.

    Returns ``(T, P, 2 ** (P - 1))``: for each population, its first strategy's payoff minus its
    second's at every profile of the other populations (the binary fast path's data).
    """
    P = len(ks)
    full = pay.reshape((pay.shape[0], P, *ks))
    return np.ascontiguousarray(
        np.stack(
            [
                (np.take(full[:, p], 0, axis=1 + p) - np.take(full[:, p], 1, axis=1 + p)).reshape(pay.shape[0], -1)
                for p in range(P)
            ],
            axis=1,
        )
    )


def program_tables(program, registers, ks):
    """A state-dependent payoff program as the compiled kernels take it (deterministic and stochastic).

    Returns ``(code, registers, first share register, output population, output profile, output
    register, and the same three for the outputs that depend on the state)``; raises
    :class:`~govgame.errors.SimulationError` when the program does not fit the game's shape or
    a payoff that does not depend on the state is not finite.
    """
    if registers is None:
        raise SimulationError("a state-dependent program needs its registers (payoff_registers)")
    P = len(ks)
    nd = 1 << max(P - 1, 0)
    J = int(np.prod(ks))
    binary = bool(np.all(ks == 2))
    regs0 = np.ascontiguousarray(registers, dtype=np.float64)
    code = np.ascontiguousarray(program.code[program.n_static :], dtype=np.int64)
    outs = program.outputs
    if binary:
        if len(outs) != P * nd:
            raise SimulationError("a binary game needs the payoff-difference program")
        pos_p, pos_j = np.arange(len(outs)) // nd, np.arange(len(outs)) % nd
    else:
        if len(outs) != P * J:
            raise SimulationError("the payoff-table program does not match the game's shape")
        pos_p, pos_j = np.arange(len(outs)) % P, np.arange(len(outs)) // P
    dyn_out = program.dynamic_outputs
    static_vals = regs0[:, outs[np.setdiff1d(np.arange(len(outs)), dyn_out)]]
    if not np.all(np.isfinite(static_vals)):
        raise SimulationError("a payoff is not a finite number at these parameter values")
    op_, oj, orr = pos_p.astype(np.int64), pos_j.astype(np.int64), np.asarray(outs).astype(np.int64)
    return code, regs0, int(program.n_params), op_, oj, orr, op_[dyn_out], oj[dyn_out], orr[dyn_out]


def integrate_runs(
    pay: np.ndarray,
    offs: np.ndarray,
    stable: np.ndarray,
    Y0: np.ndarray,
    tidx: np.ndarray | None = None,
    *,
    t_end: float = 100.0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    f_tol: float = F_TOL,
    max_steps: int = MAX_STEPS,
    t_eval: np.ndarray | None = None,
    program=None,
    registers: np.ndarray | None = None,
    certify: bool = True,
) -> KernelResult:
    """Integrate many runs of the replicator dynamics (log-ratio coordinates, see the module docstring).

    Parameters
    ----------
    pay, offs : numpy.ndarray
        From :func:`pack`. For a state-dependent game ``pay`` only gives the shape ``(T, P, J)``.
    stable : numpy.ndarray
        ``(T, J)`` from :func:`stable_vertices` (for a state-dependent game: the same rule on the
        payoffs at each vertex).
    Y0 : numpy.ndarray
        ``(R, m)`` starts in full coordinates.
    tidx : numpy.ndarray, optional
        ``(R,)`` parameter-set index of each run (default: all 0).
    t_end, rtol, atol : float
        Horizon and the tolerances (scipy's names and meaning, for the log-ratio coordinates).
    f_tol : float
        A run that reaches ``t_end`` with ``max |f| > f_tol`` (and not near a stable vertex)
        is ``no-convergence``.
    max_steps : int
        Budget of step attempts (accepted or rejected) per run; beyond it the run is ``max-steps``.
    t_eval : numpy.ndarray, optional
        Increasing times at which to store the state (dense output).
    program : govgame.model.program.Program, optional
        State-dependent payoffs: for binary games the payoff-difference program, else the
        payoff-table program (:func:`govgame.model.program.payoff_program`).
    registers : numpy.ndarray, optional
        ``(T, n_registers)`` from :func:`payoff_registers`, required with ``program``.
    certify : bool
        The certified early stop near asymptotically stable vertices (static binary games, no
        ``t_eval``; see the module docstring). ``False`` integrates every run to its numeric stop.

    Returns
    -------
    KernelResult

    Examples
    --------
    >>> a = [np.array([[2.0, 0.0], [3.0, 1.0]]), np.array([[2.0, 3.0], [0.0, 1.0]])]
    >>> pay, offs = pack((2, 2), a)
    >>> res = integrate_runs(pay, offs, stable_vertices(pay, (2, 2)), np.array([[0.9, 0.1, 0.8, 0.2]]))
    >>> np.round(res.final, 6).tolist(), res.status
    ([[0.0, 1.0, 0.0, 1.0]], [<Status.CONVERGED: 'converged'>])
    """
    rtol = _check_positive("rtol", rtol)
    atol = _check_positive("atol", atol)
    if rtol < 100 * np.finfo(float).eps:
        rtol = 100 * float(np.finfo(float).eps)  # as scipy
    try:
        t_end = float(t_end)
        f_tol = float(f_tol)
    except (TypeError, ValueError):
        raise SimulationError(f"t_end and f_tol must be numbers, found {t_end!r}, {f_tol!r}") from None
    if not (math.isfinite(t_end) and t_end >= 0):
        raise SimulationError(f"t_end must be a finite number >= 0, found {t_end!r}")
    if not (math.isfinite(f_tol) and f_tol >= 0):
        raise SimulationError(f"f_tol must be a finite number >= 0, found {f_tol!r}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, (int, np.integer)) or max_steps < 1:
        raise SimulationError(f"max_steps must be a whole number >= 1, found {max_steps!r}")
    Y0 = np.ascontiguousarray(Y0, dtype=np.float64)
    if Y0.ndim != 2 or not np.all(np.isfinite(Y0)):
        raise SimulationError("starts must be a finite (runs, shares) array")
    R = Y0.shape[0]
    tidx = np.zeros(R, dtype=np.int64) if tidx is None else np.ascontiguousarray(tidx, dtype=np.int64)
    store = t_eval is not None
    te = np.zeros(0) if t_eval is None else np.ascontiguousarray(t_eval, dtype=np.float64)
    offs = np.ascontiguousarray(offs, dtype=np.int64)
    ks = np.diff(offs)
    P = len(ks)
    L = np.array([int(np.prod(ks[:p])) for p in range(P)], dtype=np.int64)
    Tn = np.array([int(np.prod(ks[p + 1 :])) for p in range(P)], dtype=np.int64)
    po = np.concatenate([[0], np.cumsum(L)]).astype(np.int64)
    so = np.concatenate([[0], np.cumsum(Tn)]).astype(np.int64)
    pay = np.ascontiguousarray(pay, dtype=np.float64)
    T = pay.shape[0]
    binary = bool(np.all(ks == 2))
    nd = 1 << (P - 1)
    dyn = program is not None
    if dyn:
        code, regs0, sbase, op_, oj, orr, dp, dj, dr = program_tables(program, registers, ks)
        dpay = np.zeros((T, P, nd)) if binary else np.zeros((T, P, 0))
    else:
        if not np.all(np.isfinite(pay)):
            raise SimulationError("a payoff is not a finite number at these parameter values")
        regs0 = np.zeros((1, 1))
        code = np.zeros((0, 4), dtype=np.int64)
        sbase = 0
        op_ = oj = orr = dp = dj = dr = np.zeros(0, dtype=np.int64)
        # payoff differences over the other populations' profiles
        dpay = binary_differences(pay, ks) if binary else np.zeros((T, P, 0))
    lip = _lipschitz(dpay, P) if (binary and not dyn) else np.zeros((1, 1, 1))
    compile_notice(_integrate)  # one line on stderr before the first, slow compilation (once per installation)
    m = int(offs[P])
    final, blo, bhi = np.empty((R, m)), np.empty((R, m)), np.empty((R, m))
    t_stop, code_out, nsteps = np.empty(R), np.empty(R, dtype=np.int8), np.empty(R, dtype=np.int64)
    cyc, refs = np.empty((R, 3)), np.empty((R, P), dtype=np.int64)
    paths = np.empty((R, te.shape[0], m)) if store else np.empty((0, 0, m))
    args = (
        pay, np.ascontiguousarray(dpay), binary, dyn, code, regs0, sbase, op_, oj, orr, dp, dj, dr,
        offs, L, Tn, po, so, np.ascontiguousarray(stable, dtype=np.bool_), Y0, tidx,
        t_end, rtol, atol, f_tol, int(max_steps), te, bool(certify), lip,
    )  # fmt: skip
    outs = (final, t_stop, code_out, nsteps, cyc, blo, bhi, refs, paths)
    _run_slices(args, outs, R)
    return KernelResult(
        final=final,
        t_stop=t_stop,
        code=code_out,
        paths=paths if store else None,
        steps=nsteps,
        cycle=cyc[:, 0].astype(np.int8),
        period=cyc[:, 1],
        rate=cyc[:, 2],
        box_lo=blo,
        box_hi=bhi,
        refs=refs,
    )


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
    f_tol: float = F_TOL,
    max_steps: int = MAX_STEPS,
    t_eval: np.ndarray | None = None,
):
    """:func:`integrate_runs` for a static game, returning ``(final, t_stop, code, paths, steps)``.

    Examples
    --------
    Prisoner's dilemma: everyone ends up defecting.

    >>> a = [np.array([[2.0, 0.0], [3.0, 1.0]]), np.array([[2.0, 3.0], [0.0, 1.0]])]
    >>> pay, offs = pack((2, 2), a)
    >>> final, t_stop, code, _, _ = integrate(pay, offs, stable_vertices(pay, (2, 2)), np.array([[0.9, 0.1, 0.8, 0.2]]))
    >>> np.round(final, 6).tolist(), STATUS[code[0]]
    ([[0.0, 1.0, 0.0, 1.0]], 'converged')
    """
    res = integrate_runs(
        pay, offs, stable, Y0, tidx, t_end=t_end, rtol=rtol, atol=atol, f_tol=f_tol, max_steps=max_steps, t_eval=t_eval
    )
    return res.final, res.t_stop, res.code, res.paths, res.steps


def warm() -> None:
    """Compile the kernel, or load it from the on-disk cache (a fraction of a second once cached).

    >>> warm()
    """
    pay, offs = pack((2, 2), [np.zeros((2, 2)), np.zeros((2, 2))])
    integrate(pay, offs, stable_vertices(pay, (2, 2)), np.full((1, 4), 0.5), t_end=1.0)
