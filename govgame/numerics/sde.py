r"""Stochastic replicator dynamics: a compiled Itô SDE integrator with counter-based noise.

The model (SPEC §6) is the Itô system

.. math:: dy = f(y)\,dt + \sigma_p\, G_p(y)\, dW^{(p)} \quad\text{for each population } p,

with :math:`f` the replicator field, evaluated by the deterministic kernel's own functions
(:mod:`govgame.numerics.kernel`: payoff tensors as data, and state-dependent payoffs through its
compiled payoff program, so every game the ODE kernel handles has an SDE), and one independent
Wiener process per binary population, ``k`` per population with ``k > 2`` strategies.

Noise forms
-----------
``tangent`` (default)
    binary population with share :math:`x`: :math:`\sigma x(1-x)\,dW`. Population with ``k > 2``
    shares :math:`y_1..y_k` and ``k`` Wiener processes:
    :math:`dy_i = f_i\,dt + \tfrac{\sigma}{\sqrt 2}\, y_i\,(dW_i - \sum_j y_j\, dW_j)`.
    The noise sums to zero over a population and vanishes on every face, so the exact solution
    stays in the state space; for ``k = 2`` it is exactly the binary form (with
    :math:`dW = (dW_1 - dW_2)/\sqrt 2`), and near a vertex every small share is a geometric
    Brownian motion with volatility :math:`\sigma`, so the conditions of SPEC §6 hold as stated.
    In log-ratio coordinates :math:`r_i = \log(y_i / y_k)` the noise is additive,
    :math:`dr_i = [u_i - u_k + \tfrac{\sigma^2}{2}(y_i - y_k)]\,dt + \tfrac{\sigma}{\sqrt 2}(dW_i - dW_k)`:
    the noise is therefore *commutative* (its vector fields are images of constant fields and
    their Lie brackets vanish), and the Milstein scheme needs no Lévy areas.
``linear``
    :math:`\sigma x_i\,dW_i` on every reduced share :math:`x_i` (one Wiener process each; the last
    share of a population is one minus the others), the form many papers print. It does not keep
    the state space: a path that leaves it is stopped there and reported, never clipped.

Schemes (Kloeden and Platen 1992, ch. 10)
-----------------------------------------
``milstein`` (default): for the commutative noise above,
:math:`y_{n+1} = y_n + f h + \sum_j G_j \Delta W_j + \tfrac12 \sum_{j,l} (L^j G_l)(\Delta W_j \Delta W_l - \delta_{jl} h)`,
strong order 1. Written out: binary tangent
:math:`x' = x + f h + \sigma g \Delta W + \tfrac12 \sigma^2 g (1 - 2x)(\Delta W^2 - h)` with
:math:`g = x(1-x)`, applied to the *smaller* share of the population (the other is one minus it,
so both faces keep full relative precision); ``k > 2`` tangent, with :math:`s = \sigma/\sqrt 2`,
:math:`\bar a = \sum_j y_j \Delta W_j`, :math:`V = \sum_j y_j (\Delta W_j - \bar a)^2`, :math:`d_i = \Delta W_i - \bar a`:
:math:`y_i' = y_i + f_i h + y_i [s d_i + \tfrac12 s^2 (d_i^2 - V - 2h(\sum_j y_j^2 - y_i))]` (its sum over a
population is exactly 1); linear :math:`x' = x + f h + \sigma x \Delta W + \tfrac12 \sigma^2 x (\Delta W^2 - h)`.
``euler`` (Euler–Maruyama): the same without the last term, strong order 1/2.

Steps that leave the state space
--------------------------------
Under tangent noise the exact solution never leaves, but a discrete step can. Binary Milstein, for
the smaller share :math:`x \le 1/2`, :math:`u = 1 - x`, :math:`a = \sigma\Delta W`:
:math:`x'/x = 1 + u a + \tfrac12 u (1 - 2x) a^2 + O(h)`, whose minimum over :math:`a` is
:math:`1 - u/(2(1-2x)) \ge 1/4` for :math:`x \le 1/4`: near a face a step never crosses it, whatever
:math:`\Delta W` (:math:`x'/x \to \tfrac12(1 + a)^2 + \tfrac12` as :math:`x \to 0`). Anywhere, leaving
needs :math:`|\sigma\Delta W| > 2 - O(h)` (sharpest at :math:`x = 1/2`). Euler–Maruyama,
:math:`x'/x = 1 + u a`, leaves already for :math:`\sigma\Delta W < -1/u`. Such a step is a *numerical*
event: the path is stopped with status ``step-outside`` (its state kept as computed, never clipped)
and the output advises a smaller ``dt``. With :math:`\sigma\sqrt{dt} \le 0.25` (Milstein) or
:math:`\le 0.125` (Euler–Maruyama) it needs a normal deviate beyond 8 standard deviations
(probability below :math:`10^{-15}` per step).

Random numbers
--------------
Counter-based: the normals of step ``n`` of path ``(start, path)`` come from
Philox4x64-10 (Salmon et al. 2011; the generator of :class:`numpy.random.Philox`, tested bit for bit)
with key ``(seed, 1)`` and counter ``(n, start, path, block)``: normal ``i`` of the step starts from
word ``i mod 4`` of block ``i // 4`` and is drawn by the 256-layer ziggurat (Marsaglia and Tsang
2000; one word in 99 % of draws: the layer from its low 8 bits, a signed 53-bit uniform from its top
53); its rare extra words come from blocks ``(i + 1) 2^32 + k``, so every normal is a function of
``(seed, start, path, step, i)`` alone.
A path's noise depends on nothing else, so results are identical whatever the batching, the number of
threads or workers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from llvmlite import ir
from numba import njit, prange, types
from numba.extending import intrinsic

from ..analysis.dynamics import Dynamics
from ..analysis.stochastic import NOISES, sigma_values
from ..errors import SimulationError
from ..model.game import Game
from .coordinates import to_full, to_reduced
from .integrate import kernel_program, prepare_payoffs
from .kernel import _dbin, _dyn_table, _expected, _load_parameters, binary_differences, pack, program_tables
from .outcomes import REACH_TOL
from .starts import check_starts

__all__ = [
    "STATUS",
    "NOISES",
    "SCHEMES",
    "DOMAIN",
    "philox4x64",
    "normals",
    "noise_slots",
    "integrate_sde",
    "Ensemble",
    "simulate_sde",
    "stochastic_notes",
    "warm",
]

#: Path statuses, indexed by the codes the kernel returns.
STATUS = ("t_end", "left-state-space", "step-outside", "non-finite")
T_END, LEFT, STEP_OUTSIDE, NON_FINITE = range(4)
#: Schemes, indexed by the codes the kernel takes (noise forms: :data:`govgame.analysis.stochastic.NOISES`).
SCHEMES = ("milstein", "euler")
TANGENT, LINEAR = 0, 1
MILSTEIN, EULER = 0, 1

#: Second key word of every Philox stream govgame draws SDE increments from (a version tag).
DOMAIN = 1

_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_SHIFT = np.uint64(11)
_TWO53 = 1.0 / 9007199254740992.0
_SQRT_HALF = math.sqrt(0.5)
_CHUNK = 16  # runs per parallel work item
_ZBUF = 32  # steps whose normals are drawn together


# --------------------------------------------------------------------------- random numbers
@intrinsic
def _mulhi(typingctx, a, b):
    """High 64 bits of the 128-bit product of two uint64 (one ``mul`` instruction on x86-64)."""
    sig = types.uint64(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        prod = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(prod, ir.Constant(wide, 64)), ir.IntType(64))

    return sig, codegen


@njit(cache=True, inline="always")
def _philox(c0, c1, c2, c3, k0, k1):
    for r in range(10):
        if r > 0:
            k0 += _W0
            k1 += _W1
        hi0 = _mulhi(_M0, c0)
        lo0 = _M0 * c0
        hi1 = _mulhi(_M1, c2)
        lo1 = _M1 * c2
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@njit(cache=True)
def philox4x64(counter, key):
    """Philox4x64-10 of a 4-word counter and a 2-word key (uint64 arrays); returns 4 uint64.

    The block function of :class:`numpy.random.Philox`, which outputs
    ``philox4x64(counter + 1, key)`` as its first four raw words.

    >>> out = philox4x64(np.zeros(4, np.uint64), np.zeros(2, np.uint64))
    >>> int(out[0]) == int(np.random.Philox(key=[0, 0], counter=[2**64 - 1, 2**64 - 1, 2**64 - 1, 2**64 - 1]).random_raw())
    True
    """
    c0, c1, c2, c3 = _philox(counter[0], counter[1], counter[2], counter[3], key[0], key[1])
    out = np.empty(4, dtype=np.uint64)
    out[0] = c0
    out[1] = c1
    out[2] = c2
    out[3] = c3
    return out


def _ziggurat_tables(r: float = 3.6541528853610088, n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    r"""Layer edges ``X`` (decreasing, ``X[n] = 0``) and ``exp(-X**2 / 2)`` of the ``n``-layer normal ziggurat.

    ``r`` is the right edge of the base layer (Marsaglia and Tsang 2000): every layer, and the base
    layer together with the tail beyond ``r``, has the area ``v = r f(r) + \int_r^\infty f``.

    >>> X, F = _ziggurat_tables()
    >>> X.shape, float(X[-1]), round(float(X[1]), 6)
    ((257,), 0.0, 3.654153)
    """
    f = lambda x: math.exp(-0.5 * x * x)  # noqa: E731
    v = r * f(r) + math.sqrt(math.pi / 2.0) * math.erfc(r / math.sqrt(2.0))
    X = np.empty(n + 1)
    X[0] = v / f(r)
    X[1] = r
    for i in range(1, n - 1):
        X[i + 1] = math.sqrt(-2.0 * math.log(f(X[i]) + v / X[i]))
    X[n] = 0.0
    return X, np.exp(-0.5 * X * X)


_ZX, _ZF = _ziggurat_tables()
_ZR = float(_ZX[1])
# Marsaglia's integer form of the fast test: with a signed 53-bit integer j, |j| < _KN[i] <=> |j| 2^-52 X[i] < X[i + 1]
_KN = np.floor(_ZX[1:] / _ZX[:-1] * 2.0**52).astype(np.int64)
_WN = _ZX[:-1] / 2.0**52
_LAYER = np.uint64(0xFF)


@njit(cache=True, inline="always")
def _uniform_open(w):
    return (float(np.int64(w >> _SHIFT)) + 0.5) * _TWO53


@njit(cache=True, error_model="numpy")
def _normal_slow(w, i, seed, start, path, step):
    """The ziggurat's rare branches for normal ``i`` whose first word ``w`` missed the fast test.

    Further words come from Philox blocks with counter word 3 equal to ``(i + 1) * 2**32 + k``
    (``k = 0, 1, ...``), so every normal of a step depends only on (seed, start, path, step, i).
    """
    k = 0
    pos = 4
    r0 = r1 = r2 = r3 = np.uint64(0)
    while True:
        li = np.int64(w & _LAYER)
        j = np.int64(w) >> 11
        aj = j if j >= 0 else -j
        if aj < _KN[li]:
            return j * _WN[li]
        # draw the next word of this normal's own stream
        if li == 0:
            while True:
                if pos == 4:
                    r0, r1, r2, r3 = _philox(
                        np.uint64(step),
                        np.uint64(start),
                        np.uint64(path),
                        np.uint64((i + 1) * 4294967296 + k),
                        np.uint64(seed),
                        np.uint64(DOMAIN),
                    )
                    k += 1
                    pos = 0
                # two words per attempt: the block holds two attempts
                if pos == 0:
                    u1, u2 = r0, r1
                else:
                    u1, u2 = r2, r3
                pos += 2
                a = -math.log(_uniform_open(u1)) / _ZR
                bb = -math.log(_uniform_open(u2))
                if bb + bb > a * a:
                    return _ZR + a if j >= 0 else -(_ZR + a)
        if pos == 4:
            r0, r1, r2, r3 = _philox(
                np.uint64(step),
                np.uint64(start),
                np.uint64(path),
                np.uint64((i + 1) * 4294967296 + k),
                np.uint64(seed),
                np.uint64(DOMAIN),
            )
            k += 1
            pos = 0
        if pos == 0:
            u, w = r0, r1
        else:
            u, w = r2, r3
        pos += 2
        x = j * _WN[li]
        if _ZF[li] + float(np.int64(u >> _SHIFT)) * _TWO53 * (_ZF[li + 1] - _ZF[li]) < math.exp(-0.5 * x * x):
            return x
        # rejected in the wedge: w (drawn with u) is the next first word


@njit(cache=True, error_model="numpy", inline="always")
def _normal(w, i, seed, start, path, step):
    """Normal ``i`` of a step from its first word ``w``: the 256-layer ziggurat (Marsaglia and Tsang 2000).

    The word gives the layer (its low 8 bits) and, read as a signed integer shifted right by 11 bits,
    a signed 53-bit uniform ``j``; ``x = j 2^-52 X[layer]`` is accepted at once when ``|j| < KN[layer]``
    (99 % of draws: one integer comparison and one multiplication). Otherwise the wedge test, or for
    the base layer Marsaglia's exponential method for the tail beyond ``r``
    (:func:`_normal_slow`).
    """
    li = np.int64(w & _LAYER)
    j = np.int64(w) >> 11
    aj = j if j >= 0 else -j
    if aj < _KN[li]:
        return j * _WN[li]
    return _normal_slow(w, i, seed, start, path, step)


@njit(cache=True, error_model="numpy", inline="always")
def _fill_normals(seed, start, path, step, W, z, row):
    """Standard normals ``z[row, 0:W]`` of one step of one path: normal ``i`` starts from word ``i mod 4``
    of Philox block ``i // 4`` of the counter ``(step, start, path, block)``.
    """
    for b in range((W + 3) // 4):
        r0, r1, r2, r3 = _philox(
            np.uint64(step), np.uint64(start), np.uint64(path), np.uint64(b), np.uint64(seed), np.uint64(DOMAIN)
        )
        i = 4 * b
        z[row, i] = _normal(r0, i, seed, start, path, step)
        if i + 1 < W:
            z[row, i + 1] = _normal(r1, i + 1, seed, start, path, step)
        if i + 2 < W:
            z[row, i + 2] = _normal(r2, i + 2, seed, start, path, step)
        if i + 3 < W:
            z[row, i + 3] = _normal(r3, i + 3, seed, start, path, step)


@njit(cache=True)
def normals(seed, start, path, step, count):
    """The ``count`` standard normals of step ``step`` of path ``(start, path)`` (what the kernel draws).

    >>> a = normals(0, 3, 7, 11, 5)
    >>> bool(np.all(a == normals(0, 3, 7, 11, 5))), a.shape
    (True, (5,))
    """
    z = np.empty((1, max(count, 1)))
    if count > 0:
        _fill_normals(seed, start, path, step, count, z, 0)
    return z[0, :count].copy()


# --------------------------------------------------------------------------- layout
def noise_slots(shape) -> np.ndarray:
    """Offsets of each population's Wiener processes: 1 for a binary population, ``k`` otherwise.

    >>> noise_slots((2, 3, 2)).tolist()
    [0, 1, 4, 5]
    """
    w = [1 if int(k) == 2 else int(k) for k in shape]
    return np.concatenate([[0], np.cumsum(w)]).astype(np.int64)


# --------------------------------------------------------------------------- compiled part
@njit(cache=True, inline="always")
def _reduced_vertex(y, offs, P, Tn):
    """(maximum-norm distance in reduced coordinates to the nearest vertex, its profile index)."""
    dist = 0.0
    j = 0
    for q in range(P):
        a = offs[q]
        k = offs[q + 1] - a
        if k == 2:  # the reduced coordinate is y[a]: distance min(y[a], y[a + 1]) to the nearer end
            if y[a + 1] > y[a]:
                d = y[a]
                j += Tn[q]
            else:
                d = y[a + 1]
            if d > dist:
                dist = d
            continue
        best = a
        for i in range(a + 1, a + k):
            if y[i] > y[best]:
                best = i
        d = 0.0
        for i in range(a, a + k - 1):  # reduced coordinates: all but the last share
            v = 1.0 - y[i] if i == best else y[i]
            if v > d:
                d = v
        if d > dist:
            dist = d
        j += (best - a) * Tn[q]
    return dist, j


@njit(cache=True, error_model="numpy", inline="always")
def _step(y, K, dw, q, h, offs, wo, P, sig, noise, scheme):
    """Advance every population by one step with the increments ``dw[q]``; returns a status code.

    ``K[0]`` holds the replicator field at ``y``. Each population's noise depends on its own
    shares only, so the update is done in place. A population that would leave the state space
    keeps the (outside) result of the step, and the code says so: ``LEFT`` under linear noise,
    ``STEP_OUTSIDE`` under tangent noise (a numerical event), ``NON_FINITE`` for NaN or infinity.
    """
    mil = scheme == MILSTEIN
    out_code = LEFT if noise == LINEAR else STEP_OUTSIDE
    code = T_END
    for p in range(P):
        a0 = offs[p]
        k = offs[p + 1] - a0
        s = sig[p]
        w0 = wo[p]
        if k == 2:
            if noise == TANGENT:
                # update the smaller share; the other is one minus it (both faces keep relative precision)
                if y[a0] <= y[a0 + 1]:
                    b = a0
                    o = a0 + 1
                    dW = dw[q, w0]
                else:
                    b = a0 + 1
                    o = a0
                    dW = -dw[q, w0]
                x = y[b]
                inc = s * dW
                if mil:
                    inc += 0.5 * s * s * (y[o] - x) * (dW * dW - h)
                xn = x + h * K[0, b] + x * y[o] * inc
            else:
                b = a0
                o = a0 + 1
                x = y[b]
                dW = dw[q, w0]
                inc = s * dW
                if mil:
                    inc += 0.5 * s * s * (dW * dW - h)
                xn = x + h * K[0, b] + x * inc
            y[b] = xn
            y[o] = 1.0 - xn
            if not (xn >= 0.0 and xn <= 1.0):
                if xn != xn or abs(xn) == math.inf:
                    code = NON_FINITE
                elif code == T_END:
                    code = out_code
        elif noise == TANGENT:
            sd = s * _SQRT_HALF
            abar = 0.0
            ysq = 0.0
            for i in range(k):
                abar += y[a0 + i] * dw[q, w0 + i]
                ysq += y[a0 + i] * y[a0 + i]
            var = 0.0
            for i in range(k):
                d = dw[q, w0 + i] - abar
                var += y[a0 + i] * d * d
            total = 0.0
            bad = False
            for i in range(k):
                yi = y[a0 + i]
                d = dw[q, w0 + i] - abar
                inc = sd * d
                if mil:
                    inc += 0.5 * sd * sd * (d * d - var - 2.0 * h * (ysq - yi))
                v = yi + h * K[0, a0 + i] + yi * inc
                if not (v >= 0.0):
                    bad = True
                y[a0 + i] = v
                total += v
            if not bad:
                for i in range(k):  # the sum is 1 in exact arithmetic; remove the rounding
                    y[a0 + i] /= total
            code = _worse(code, bad, y, a0, k, out_code)
        else:
            rest = 1.0
            bad = False
            for i in range(k - 1):
                yi = y[a0 + i]
                dW = dw[q, w0 + i]
                inc = s * dW
                if mil:
                    inc += 0.5 * s * s * (dW * dW - h)
                v = yi + h * K[0, a0 + i] + yi * inc
                if not (v >= 0.0):
                    bad = True
                y[a0 + i] = v
                rest -= v
            y[a0 + k - 1] = rest
            code = _worse(code, bad or not (rest >= 0.0), y, a0, k, out_code)
    return code


@njit(cache=True, inline="always")
def _worse(code, bad, y, a0, k, out_code):
    if not bad:
        return code
    for i in range(k):
        if y[a0 + i] != y[a0 + i] or abs(y[a0 + i]) == math.inf:
            return NON_FINITE
    return out_code if code == T_END else code


@njit(cache=True, error_model="numpy", inline="always")
def _field(y, K, binary, dyn, ptab, ti, offs, L, Tn, po, so, code, reg, sbase, dp, dj, dr, P, u, D, pre, suf):
    """``K[0]``: the replicator field in full coordinates at ``y``, from the deterministic kernel's functions.

    :func:`govgame.numerics.kernel._dbin` (payoff differences, binary games) or
    :func:`~govgame.numerics.kernel._expected` (expected payoffs); for state-dependent payoffs the
    kernel's payoff program first fills the table at ``y`` (:func:`~govgame.numerics.kernel._dyn_table`).
    """
    m = offs[P]
    if dyn:
        for i in range(m):
            reg[sbase + i] = y[i]
        _dyn_table(code, reg, dp, dj, dr, ptab)
    if binary:
        _dbin(ptab, ti, P, y, D, pre)
        for p in range(P):
            v = y[2 * p] * y[2 * p + 1] * D[p]
            K[0, 2 * p] = v
            K[0, 2 * p + 1] = -v
    else:
        _expected(ptab, ti, offs, L, Tn, po, so, y, u, pre, suf)
        for p in range(P):
            ubar = 0.0
            for i in range(offs[p], offs[p + 1]):
                ubar += y[i] * u[i]
            for i in range(offs[p], offs[p + 1]):
                K[0, i] = y[i] * (u[i] - ubar)


@njit(cache=True, error_model="numpy")
def _one_path(
    pay, dpay, binary, dyn, code_, regs0, sbase, op_, oj, orr, dp, dj, dr, t, offs, L, Tn, po, so, wo, sig, noise,
    scheme, y0, dt, nsteps, h_last, seed, sid, pid, tol, sample_steps, samples, row, r, given, dWg, y, K, z, pre,
    suf, hit, tab, reg, u, D,
):  # fmt: skip
    P = offs.shape[0] - 1
    m = offs[P]
    W = wo[P]
    T = sample_steps.shape[0]
    for i in range(m):
        y[i] = y0[i]
    ti = t
    if dyn:  # the parameter-only part of the payoff program, as the deterministic kernel does
        ti = 0
        _load_parameters(t, regs0, reg, op_, oj, orr, tab)
    ptab = tab if dyn else (dpay if binary else pay)
    for j in range(hit.shape[0]):
        hit[j] = -1.0
    t_first = -1.0
    v_first = -1
    dist, jv = _reduced_vertex(y, offs, P, Tn)
    if dist <= tol:
        hit[jv] = 0.0
        t_first = 0.0
        v_first = jv
    ie = 0
    while ie < T and sample_steps[ie] == 0:
        for i in range(m):
            samples[row, ie, i] = y[i]
        ie += 1
    code = T_END
    t_now = 0.0
    sqdt = math.sqrt(dt)
    sqlast = math.sqrt(h_last)
    for n in range(nsteps):
        last = n == nsteps - 1
        h = h_last if last else dt
        _field(y, K, binary, dyn, ptab, ti, offs, L, Tn, po, so, code_, reg, sbase, dp, dj, dr, P, u, D, pre, suf)
        jb = n % _ZBUF
        if given:
            for i in range(W):
                z[jb, i] = dWg[r, n, i]
        elif jb == 0:  # the normals of the next _ZBUF steps at once: independent Philox calls overlap in the CPU
            for q in range(n, min(n + _ZBUF, nsteps)):
                _fill_normals(seed, sid, pid, q, W, z, q - n)
                sq = sqlast if q == nsteps - 1 else sqdt
                for i in range(W):
                    z[q - n, i] *= sq
        code = _step(y, K, z, jb, h, offs, wo, P, sig, noise, scheme)
        t_now = h_last + (nsteps - 1) * dt if last else (n + 1) * dt
        if code != T_END:
            break
        dist, jv = _reduced_vertex(y, offs, P, Tn)
        if dist <= tol:
            if hit[jv] < 0.0:
                hit[jv] = t_now
            if t_first < 0.0:
                t_first = t_now
                v_first = jv
        while ie < T and sample_steps[ie] == n + 1:
            for i in range(m):
                samples[row, ie, i] = y[i]
            ie += 1
    # samples after a stop repeat the last state (the stop is reported by the status)
    while ie < T:
        for i in range(m):
            samples[row, ie, i] = y[i]
        ie += 1
    v_end = -1
    t_hit = -1.0
    if code == T_END:
        dist, jv = _reduced_vertex(y, offs, P, Tn)
        if dist <= tol:
            v_end = jv
            t_hit = hit[jv]
    return code, t_now, t_first, v_first, v_end, t_hit


@njit(cache=True, parallel=True)
def _ensemble(
    pay, dpay, binary, dyn, code_, regs0, sbase, op_, oj, orr, dp, dj, dr, offs, L, Tn, po, so, wo, sig, noise,
    scheme, Y0, run_start, sids, pids, tidx, dt, nsteps, h_last, seed, tol, sample_steps, store, given, dWg,
):  # fmt: skip
    R = run_start.shape[0]
    P = offs.shape[0] - 1
    m = offs[P]
    W = wo[P]
    J = 1
    for p in range(P):
        J *= offs[p + 1] - offs[p]
    final = np.empty((R, m))
    code = np.empty(R, dtype=np.int8)
    t_stop = np.empty(R)
    t_first = np.empty(R)
    v_first = np.empty(R, dtype=np.int64)
    v_end = np.empty(R, dtype=np.int64)
    t_hit = np.empty(R)
    T = sample_steps.shape[0]
    if store:
        samples = np.empty((R, T, m))
    else:
        samples = np.empty((0, T, m))
    n_items = (R + _CHUNK - 1) // _CHUNK
    ncol = dpay.shape[2] if binary else J
    for c in prange(n_items):
        y = np.empty(m)
        K = np.empty((1, m))
        z = np.empty((_ZBUF, max(W, 1)))
        pre = np.empty(max(po[P], 1 << max(P - 1, 0)))
        suf = np.empty(so[P])
        hit = np.empty(J)
        tab = np.zeros((1, P, ncol))
        reg = np.empty(regs0.shape[1])
        u = np.empty(m)
        D = np.empty(P)
        for r in range(c * _CHUNK, min(R, (c + 1) * _CHUNK)):
            row = r if store else 0
            cd, ts, tf, vf, ve, th = _one_path(
                pay, dpay, binary, dyn, code_, regs0, sbase, op_, oj, orr, dp, dj, dr, tidx[r], offs, L, Tn, po, so,
                wo, sig, noise, scheme, Y0[run_start[r]], dt, nsteps, h_last, seed, sids[r], pids[r], tol,
                sample_steps, samples, row, r, given, dWg, y, K, z, pre, suf, hit, tab, reg, u, D,
            )  # fmt: skip
            code[r] = cd
            t_stop[r] = ts
            t_first[r] = tf
            v_first[r] = vf
            v_end[r] = ve
            t_hit[r] = th
            for i in range(m):
                final[r, i] = y[i]
    return final, code, t_stop, t_first, v_first, v_end, t_hit, samples


# --------------------------------------------------------------------------- python-side entry
def steps_for(t_end: float, dt: float) -> tuple[int, float]:
    """Number of steps and the length of the last one: ``dt`` steps, the last one shortened to end at ``t_end``.

    >>> steps_for(1.0, 0.1)
    (10, 0.1)
    >>> steps_for(1.0, 0.3)
    (4, 0.1)
    """
    if t_end <= 0.0:
        return 0, dt
    n = max(1, math.ceil(t_end / dt - 1e-9))
    h_last = t_end - (n - 1) * dt
    return n, float(dt) if abs(h_last - dt) <= 1e-9 * dt else float(h_last)


def integrate_sde(
    pay: np.ndarray,
    offs: np.ndarray,
    Y0: np.ndarray,
    sigma: np.ndarray,
    *,
    run_start: np.ndarray | None = None,
    start_ids: np.ndarray | None = None,
    path_ids: np.ndarray | None = None,
    tidx: np.ndarray | None = None,
    noise: str = "tangent",
    scheme: str = "milstein",
    dt: float = 0.01,
    t_end: float = 100.0,
    seed: int = 0,
    tol: float = 1e-3,
    sample_steps: np.ndarray | None = None,
    increments: np.ndarray | None = None,
    program=None,
    registers: np.ndarray | None = None,
):
    """Integrate many paths of the stochastic replicator dynamics in full coordinates.

    Parameters
    ----------
    pay, offs : numpy.ndarray
        Payoff tensors and population offsets from :func:`govgame.numerics.kernel.pack`.
    Y0 : numpy.ndarray
        ``(S, m)`` starts in full coordinates.
    sigma : numpy.ndarray
        ``(P,)`` noise intensity of each population (>= 0).
    run_start : numpy.ndarray, optional
        ``(R,)`` row of ``Y0`` each path starts from (default: one path per start).
    start_ids, path_ids : numpy.ndarray, optional
        ``(R,)`` the start and path index that key each path's random stream (default:
        ``run_start`` and 0).
    tidx : numpy.ndarray, optional
        ``(R,)`` parameter set of each path (default 0).
    noise, scheme : str
        ``"tangent"`` or ``"linear"``; ``"milstein"`` or ``"euler"``.
    dt, t_end : float
        Step and horizon (the last step is shortened to end at ``t_end``).
    seed : int
        ``0 <= seed < 2**64``.
    tol : float
        Maximum-norm distance (reduced coordinates) within which a state is *at* a vertex.
    sample_steps : numpy.ndarray, optional
        Increasing step indices (0 = the start) at which to store the state.
    increments : numpy.ndarray, optional
        ``(R, nsteps, W)`` Brownian increments to use instead of the Philox streams
        (``W = noise_slots(shape)[-1]``), for convergence studies on given Brownian paths.
    program, registers : optional
        State-dependent payoffs (SPEC §1.5): the payoff program and its registers, as for
        :func:`govgame.numerics.kernel.integrate_runs` (:func:`govgame.numerics.integrate.kernel_program`).

    Returns
    -------
    dict
        ``final (R, m)``, ``code (R,)`` (indices into :data:`STATUS`), ``t_stop``, ``t_first`` and
        ``v_first`` (first time within ``tol`` of any vertex, and which; -1 for never),
        ``v_end`` (profile index of the vertex the path ends at, or -1), ``t_hit`` (first time within
        ``tol`` of that vertex, -1 if none), ``samples (R, T, m)`` or None.

    Examples
    --------
    >>> from govgame.numerics.kernel import pack
    >>> a = [np.array([[2.0, 0.0], [3.0, 1.0]]), np.array([[2.0, 3.0], [0.0, 1.0]])]  # prisoner's dilemma
    >>> pay, offs = pack((2, 2), a)
    >>> out = integrate_sde(pay, offs, np.array([[0.5, 0.5, 0.5, 0.5]]), np.array([0.5, 0.5]), t_end=50.0)
    >>> STATUS[out["code"][0]], int(out["v_end"][0])   # ends at (defect, defect), profile index 3
    ('t_end', 3)
    """
    Y0 = np.ascontiguousarray(np.atleast_2d(Y0), dtype=np.float64)
    offs = np.ascontiguousarray(offs, dtype=np.int64)
    ks = np.diff(offs)
    P = len(ks)
    S = Y0.shape[0]
    run_start = np.arange(S, dtype=np.int64) if run_start is None else np.ascontiguousarray(run_start, dtype=np.int64)
    R = run_start.shape[0]
    sids = run_start if start_ids is None else np.ascontiguousarray(start_ids, dtype=np.int64)
    pids = np.zeros(R, dtype=np.int64) if path_ids is None else np.ascontiguousarray(path_ids, dtype=np.int64)
    tidx = np.zeros(R, dtype=np.int64) if tidx is None else np.ascontiguousarray(tidx, dtype=np.int64)
    sig = np.ascontiguousarray(sigma, dtype=np.float64).reshape(P)
    L = np.array([int(np.prod(ks[:p])) for p in range(P)], dtype=np.int64)
    Tn = np.array([int(np.prod(ks[p + 1 :])) for p in range(P)], dtype=np.int64)
    po = np.concatenate([[0], np.cumsum(L)]).astype(np.int64)
    so = np.concatenate([[0], np.cumsum(Tn)]).astype(np.int64)
    wo = noise_slots(ks)
    pay = np.ascontiguousarray(pay, dtype=np.float64)
    binary = bool(np.all(ks == 2))
    dyn = program is not None
    if dyn:
        code_, regs0, sbase, op_, oj, orr, dp, dj, dr = program_tables(program, registers, ks)
        dpay = np.zeros((pay.shape[0], P, 1 << max(P - 1, 0))) if binary else np.zeros((pay.shape[0], P, 0))
    else:
        if not np.all(np.isfinite(pay)):
            raise SimulationError("a payoff is not a finite number at these parameter values")
        code_, regs0, sbase = np.zeros((0, 4), dtype=np.int64), np.zeros((1, 1)), 0
        op_ = oj = orr = dp = dj = dr = np.zeros(0, dtype=np.int64)
        dpay = binary_differences(pay, ks) if binary else np.zeros((pay.shape[0], P, 0))
    nsteps, h_last = steps_for(float(t_end), float(dt))
    store = sample_steps is not None
    ss = np.zeros(0, dtype=np.int64) if sample_steps is None else np.ascontiguousarray(sample_steps, dtype=np.int64)
    given = increments is not None
    if given:
        dWg = np.ascontiguousarray(increments, dtype=np.float64)
        if dWg.shape != (R, nsteps, int(wo[-1])):
            raise ValueError(f"increments must have shape {(R, nsteps, int(wo[-1]))}, found {dWg.shape}")
    else:
        dWg = np.zeros((0, 0, int(wo[-1])))
    final, code, t_stop, t_first, v_first, v_end, t_hit, samples = _ensemble(
        pay, dpay, binary, dyn, code_, regs0, sbase, op_, oj, orr, dp, dj, dr, offs, L, Tn, po, so, wo, sig,
        NOISES.index(noise), SCHEMES.index(scheme), Y0, run_start, sids, pids, tidx, float(dt), int(nsteps),
        float(h_last), np.uint64(seed), float(tol), ss, store, given, dWg,
    )  # fmt: skip
    return {
        "final": final,
        "code": code,
        "t_stop": t_stop,
        "t_first": t_first,
        "v_first": v_first,
        "v_end": v_end,
        "t_hit": t_hit,
        "samples": samples if store else None,
    }


# --------------------------------------------------------------------------- the library entry point
#: Maximum memory for stored sample paths (bytes) before :func:`simulate_sde` refuses.
MAX_SAMPLE_BYTES = 2 * 1024**3


@dataclass(frozen=True, eq=False)
class Ensemble:
    """Result of :func:`simulate_sde`: ``paths`` realisations from each start.

    Arrays are indexed ``[start, path]``; states are in reduced coordinates (state order).

    Attributes
    ----------
    state : tuple of str
    profiles : tuple of tuple of str
        The pure profiles; vertex index ``j`` in :attr:`v_end` / :attr:`v_first` is ``profiles[j]``.
    x0 : numpy.ndarray
        ``(S, n)`` starts.
    sigma : dict
        Noise intensity of each population.
    noise, scheme : str
    dt, t_end : float
    seed, paths : int
    final : numpy.ndarray
        ``(S, N, n)`` state where each path ended (at ``t_end``, or where it was stopped).
    code : numpy.ndarray
        ``(S, N)`` int8 indices into :data:`STATUS`.
    t_stop : numpy.ndarray
        ``(S, N)`` time at which each path ended.
    t_first : numpy.ndarray
        ``(S, N)`` first time the path came within ``reach_tol`` of any vertex (NaN: never).
    v_first : numpy.ndarray
        ``(S, N)`` that vertex (-1: none).
    v_end : numpy.ndarray
        ``(S, N)`` the vertex within ``reach_tol`` of the end state of a path that ran to ``t_end`` (-1: none).
    t_hit : numpy.ndarray
        ``(S, N)`` first-passage time: the first time the path came within ``reach_tol`` of the vertex it
        ends at (NaN when it ends at none).
    reach_tol : float
    t : numpy.ndarray or None
        Times of the stored samples (multiples of ``dt``, and ``t_end``).
    samples : numpy.ndarray or None
        ``(S, N, T, n)`` states at :attr:`t`; after a stop the stopped state repeats.
    params : dict
        The parameter values the paths used.
    """

    state: tuple[str, ...]
    profiles: tuple[tuple[str, ...], ...]
    x0: np.ndarray
    sigma: dict[str, float]
    noise: str
    scheme: str
    dt: float
    t_end: float
    seed: int
    paths: int
    final: np.ndarray
    code: np.ndarray
    t_stop: np.ndarray
    t_first: np.ndarray
    v_first: np.ndarray
    v_end: np.ndarray
    t_hit: np.ndarray
    reach_tol: float = 1e-3
    t: np.ndarray | None = None
    samples: np.ndarray | None = None
    params: dict[str, float] = field(default_factory=dict)

    @property
    def status(self) -> np.ndarray:
        """``(S, N)`` status name of each path (:data:`STATUS`)."""
        return np.array(STATUS, dtype=object)[self.code]

    @property
    def left_state_space(self) -> np.ndarray:
        """``(S, N)`` whether a path left the state space (linear noise; such paths are stopped there)."""
        return self.code == LEFT

    def outcome_keys(self) -> np.ndarray:
        """``(S, N)`` where each path ended, keyed as in summaries.

        The profile joined by ``/`` for a path that ends within ``reach_tol`` of a vertex; ``"none"`` for one that
        ends elsewhere; otherwise its status (``"left-state-space"``, ``"step-outside"``, ``"non-finite"``).
        """
        vk = np.array(["/".join(p) for p in self.profiles] + ["none"], dtype=object)
        out = vk[np.where(self.v_end >= 0, self.v_end, len(self.profiles))]
        stopped = self.code != T_END
        out[stopped] = np.array(STATUS, dtype=object)[self.code[stopped]]
        return out

    def probabilities(self) -> list[dict[str, float]]:
        """Per start: the fraction of its paths ending at each outcome (keys as :meth:`outcome_keys`).

        Keys are ordered by decreasing fraction, then alphabetically.
        """
        keys = self.outcome_keys()
        out = []
        for row in keys:
            c = Counter(row.tolist())
            out.append({k: n / len(row) for k, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))})
        return out

    def standard_errors(self) -> list[dict[str, float]]:
        """Binomial standard errors ``sqrt(p (1 - p) / N)`` of :meth:`probabilities`."""
        return [{k: math.sqrt(p * (1 - p) / self.paths) for k, p in d.items()} for d in self.probabilities()]

    def end_quantiles(self, q=(0.05, 0.25, 0.5, 0.75, 0.95)) -> np.ndarray:
        """``(S, len(q), n)`` quantiles of the end states over the paths that ran to ``t_end`` (NaN if none)."""
        q = np.asarray(q, dtype=float)
        out = np.full((len(self.x0), len(q), len(self.state)), np.nan)
        for s in range(len(self.x0)):
            ok = self.code[s] == T_END
            if ok.any():
                out[s] = np.quantile(self.final[s, ok], q, axis=0)
        return out

    def end_mean(self) -> np.ndarray:
        """``(S, n)`` mean end state over the paths that ran to ``t_end`` (NaN if none)."""
        out = np.full((len(self.x0), len(self.state)), np.nan)
        for s in range(len(self.x0)):
            ok = self.code[s] == T_END
            if ok.any():
                out[s] = self.final[s, ok].mean(axis=0)
        return out

    def end_histogram(self, bins: int = 20) -> tuple[np.ndarray, np.ndarray]:
        """Histogram of each end-state coordinate over [0, 1]: ``(edges (bins + 1,), counts (S, n, bins))``."""
        edges = np.linspace(0.0, 1.0, bins + 1)
        counts = np.zeros((len(self.x0), len(self.state), bins), dtype=np.int64)
        for s in range(len(self.x0)):
            ok = self.code[s] == T_END
            for i in range(len(self.state)):
                counts[s, i] = np.histogram(self.final[s, ok, i], bins=edges)[0]
        return edges, counts

    def first_passage(self) -> list[dict[str, dict[str, float]]]:
        """Per start and vertex reached: mean, median, 5 % and 95 % quantiles of the first-passage times."""
        keys = self.outcome_keys()
        out = []
        for s in range(len(self.x0)):
            d = {}
            for k in sorted(set(keys[s].tolist())):
                mask = (keys[s] == k) & (self.v_end[s] >= 0)
                if not mask.any():
                    continue
                t = self.t_hit[s, mask]
                d[k] = {
                    "mean": float(t.mean()),
                    "median": float(np.median(t)),
                    "q05": float(np.quantile(t, 0.05)),
                    "q95": float(np.quantile(t, 0.95)),
                }
            out.append(d)
        return out

    def band(self, start: int = 0, q=(0.05, 0.95)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean and quantile band of the sampled paths from one start: ``mean, lo, hi``, each ``(T, n)``."""
        if self.samples is None:
            raise SimulationError("no sampled paths: pass t_eval to simulate_sde")
        X = self.samples[start]
        lo, hi = np.quantile(X, q, axis=0)
        return X.mean(axis=0), lo, hi

    def __len__(self) -> int:
        return int(self.code.size)


def _run_task(
    pay,
    offs,
    Y0,
    sig,
    runs,
    noise,
    scheme,
    dt,
    t_end,
    seed,
    tol,
    sample_steps,
    program=None,
    registers=None,
    threads=None,
):
    """One batch of paths (any process): ``runs`` is ``(R, 2)`` of (start, path) indices."""
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    return integrate_sde(
        pay, offs, Y0, sig, run_start=runs[:, 0], start_ids=runs[:, 0], path_ids=runs[:, 1], noise=noise,
        scheme=scheme, dt=dt, t_end=t_end, seed=seed, tol=tol, sample_steps=sample_steps, program=program,
        registers=registers,
    )  # fmt: skip


def _execute(tasks: list[tuple], *, workers, scheduler) -> list[dict]:
    """Run the batches here, on local processes or on Dask (:mod:`govgame.numerics.executors`).

    The executors end their workers on an interrupt, retry a batch once when a worker dies
    and give one-line errors for an unreachable or empty cluster; the results do not depend
    on where a batch runs (every normal is a function of seed, start, path and step).
    """
    from .executors import run_tasks

    if scheduler is None and workers is not None and workers > 1 and len(tasks) > 1:
        warm()  # compile or load the cache once, so the workers only load it
    return run_tasks(_run_task, tasks, workers=workers, scheduler=scheduler, scheduler_args=(1,))


def simulate_sde(
    system: Game | Dynamics,
    x0,
    *,
    params: Mapping[str, float],
    sigma,
    noise: str = "tangent",
    scheme: str = "milstein",
    dt: float = 0.01,
    t_end: float = 100.0,
    paths: int = 100,
    seed: int = 0,
    t_eval=None,
    reach_tol: float = REACH_TOL,
    workers: int | None = None,
    scheduler: str | None = None,
    batch: int | None = None,
) -> Ensemble:
    r"""Integrate the stochastic replicator dynamics (Itô, SPEC §6): ``paths`` realisations per start.

    Parameters
    ----------
    system : Game or Dynamics
        The game; or its :class:`~govgame.analysis.dynamics.Dynamics`, which keeps the compiled
        payoffs between calls.
    x0 : array_like
        ``(S, n)`` or ``(n,)`` starts in state order.
    params : mapping
        Value of every parameter.
    sigma : float or mapping
        Noise intensity of every population, or ``{population name: intensity}`` (others 0).
    noise : {"tangent", "linear"}
        ``tangent``: :math:`\sigma x (1 - x) dW` (the simplex-tangent form for ``k > 2``), paths stay in
        the state space; ``linear``: :math:`\sigma x dW`, paths may leave it and are then stopped.
    scheme : {"milstein", "euler"}
        Milstein (strong order 1) or Euler–Maruyama (strong order 1/2).
    dt, t_end : float
        Step and horizon (the last step is shortened to end exactly at ``t_end``).
    paths : int
        Realisations per start.
    seed : int
        The seed of the counter-based streams; path ``p`` from start ``s`` is the same whatever the
        batching, ``workers`` or ``scheduler``.
    t_eval : array_like, optional
        Times at which to store every path (rounded to the step grid); memory grows with
        ``S * paths * len(t_eval)``. By default only statistics and end states are kept.
    reach_tol : float
        Maximum-norm distance within which an end state counts as a vertex (as ``reached`` in SPEC §4).
    workers : int, optional
        Run batches of paths in this many local processes.
    scheduler : str, optional
        Address of a Dask scheduler; batches run on its workers.
    batch : int, optional
        Paths per batch (default: all in one batch, or a few batches per worker).

    Returns
    -------
    Ensemble

    Examples
    --------
    A coordination game: from the middle, noise decides which convention wins.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="coord", populations=(Population("a", ("l", "r"), ("x",)), Population("b", ("l", "r"), ("y",))),
    ...          parameters=(), payoffs={("l", "l"): (1, 1), ("l", "r"): (0, 0), ("r", "l"): (0, 0), ("r", "r"): (1, 1)})
    >>> ens = simulate_sde(g, [0.5, 0.5], params={}, sigma=0.5, t_end=30.0, paths=200)
    >>> sorted(ens.probabilities()[0])
    ['l/l', 'r/r']
    >>> bool(np.all(ens.final >= 0) and np.all(ens.final <= 1))
    True
    """
    game = system.game if isinstance(system, Dynamics) else system
    if noise not in NOISES:
        raise SimulationError(f"noise must be one of {', '.join(NOISES)}, found {noise!r}")
    if scheme not in SCHEMES:
        raise SimulationError(f"scheme must be one of {', '.join(SCHEMES)}, found {scheme!r}")
    dt = _positive(dt, "dt")
    if not (isinstance(t_end, (int, float, np.floating)) and math.isfinite(t_end) and t_end >= 0):
        raise SimulationError(f"t_end must be a number >= 0, found {t_end!r}")
    if isinstance(paths, bool) or not isinstance(paths, (int, np.integer)) or paths < 1:
        raise SimulationError(f"paths must be a whole number >= 1, found {paths!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**64:
        raise SimulationError(f"seed must be a whole number in [0, 2**64), found {seed!r}")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise SimulationError(f"workers must be a whole number >= 1, found {workers!r}")
    if batch is not None and (isinstance(batch, bool) or not isinstance(batch, int) or batch < 1):
        raise SimulationError(f"batch must be a whole number >= 1, found {batch!r}")
    sig = sigma_values(game, sigma)
    X = check_starts(game, x0)
    S, N = len(X), int(paths)
    nsteps, h_last = steps_for(float(t_end), dt)
    sample_steps = times = None
    if t_eval is not None:
        te = np.atleast_1d(np.asarray(t_eval, dtype=float))
        if te.ndim != 1 or not np.all(np.isfinite(te)) or np.any(np.diff(te) < 0):
            raise SimulationError("t_eval must be increasing times within [0, t_end]")
        if te.size and (te[0] < 0 or te[-1] > t_end * (1 + 1e-12)):
            raise SimulationError("t_eval must be increasing times within [0, t_end]")
        grid = np.append(np.arange(nsteps) * dt, float(t_end))  # the times the steps end at
        right = np.clip(np.searchsorted(grid, te), 0, nsteps)
        left = np.maximum(right - 1, 0)
        sample_steps = np.where(np.abs(grid[left] - te) <= np.abs(grid[right] - te), left, right).astype(np.int64)
        times = grid[sample_steps]
        need = S * N * len(sample_steps) * len(to_full(game, X[0])) * 8
        if need > MAX_SAMPLE_BYTES:
            raise SimulationError(
                f"storing {S * N} paths at {len(sample_steps)} times needs {need / 1024**3:.1f} GB; "
                "ask for fewer times, paths or starts"
            )
    pay, offs, _ = prepare_payoffs(system, params)
    program, registers = kernel_program(game, [params])
    Y0 = to_full(game, X)
    runs = np.stack(np.meshgrid(np.arange(S), np.arange(N), indexing="ij"), axis=-1).reshape(-1, 2).astype(np.int64)
    R = len(runs)
    if batch is None:
        parts = 1 if (workers is None or workers <= 1) and scheduler is None else 4 * (workers or 2)
        batch = max(1, math.ceil(R / parts))
    sv = np.array([sig[p.name] for p in game.populations])
    tasks = [
        (
            pay,
            offs,
            Y0,
            sv,
            runs[a : a + batch],
            noise,
            scheme,
            dt,
            float(t_end),
            int(seed),
            float(reach_tol),
            sample_steps,
            program,
            registers,
        )
        for a in range(0, R, batch)
    ]
    results = _execute(tasks, workers=workers, scheduler=scheduler)

    def cat(key):
        return np.concatenate([r[key] for r in results])

    final = to_reduced(game, cat("final")).reshape(S, N, -1)
    samples = None
    if sample_steps is not None:
        samples = to_reduced(game, cat("samples")).reshape(S, N, len(sample_steps), -1)
    t_first = cat("t_first")
    t_hit = cat("t_hit")
    return Ensemble(
        state=tuple(game.state_names),
        profiles=tuple(game.profiles),
        x0=X,
        sigma=sig,
        noise=noise,
        scheme=scheme,
        dt=dt,
        t_end=float(t_end),
        seed=int(seed),
        paths=N,
        final=final,
        code=cat("code").reshape(S, N),
        t_stop=cat("t_stop").reshape(S, N),
        t_first=np.where(t_first < 0, np.nan, t_first).reshape(S, N),
        v_first=cat("v_first").reshape(S, N),
        v_end=cat("v_end").reshape(S, N),
        t_hit=np.where(t_hit < 0, np.nan, t_hit).reshape(S, N),
        reach_tol=float(reach_tol),
        t=times,
        samples=samples,
        params={k: float(params[k]) for k in game.parameter_names if k in params},
    )


def _positive(v, what: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise SimulationError(f"{what} must be a number > 0, found {v!r}") from None
    if isinstance(v, bool) or not math.isfinite(x) or x <= 0:
        raise SimulationError(f"{what} must be a number > 0, found {v!r}")
    return x


_SCHEME_NAMES = {"milstein": "Milstein", "euler": "Euler–Maruyama"}


def stochastic_notes(ens: Ensemble) -> list[str]:
    """What a reader must know about an ensemble: the linear noise's flaw, numerical events (one line each).

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in [("p", "s"), ("p", "t"), ("q", "s"), ("q", "t")]})
    >>> stochastic_notes(simulate_sde(g, [0.5, 0.5], params={}, sigma=0.1, t_end=1.0, paths=2))
    []
    """
    notes = []
    total = ens.code.size
    if ens.noise == "linear":
        n = int((ens.code == LEFT).sum())
        notes.append(
            "linear noise sigma*x*dW does not vanish where a share is 1 and does not keep the state space; "
            f"{n} of {total} paths left it and were stopped there (left_state_space: true); "
            "--noise tangent keeps every path inside"
        )
    n = int((ens.code == STEP_OUTSIDE).sum())
    if n:
        notes.append(
            f"{n} of {total} paths stopped because a {_SCHEME_NAMES[ens.scheme]} step of dt = {ens.dt:g} would have left the "
            "state space (a numerical event: the exact solution stays inside); reduce --dt"
        )
    n = int((ens.code == NON_FINITE).sum())
    if n:
        notes.append(f"{n} of {total} paths produced a non-finite state and were stopped; reduce --dt")
    return notes


#: Quantiles of the end states reported per start.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def warm() -> None:
    """Compile the SDE kernel, or load it from numba's on-disk cache.

    >>> warm()
    """
    pay, offs = pack((2, 2), [np.zeros((2, 2)), np.zeros((2, 2))])
    integrate_sde(pay, offs, np.full((1, 4), 0.5), np.array([0.1, 0.1]), t_end=0.02)
