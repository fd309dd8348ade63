"""The certificate's corner values (``kernel._corners``, issue 12.6 fourth round) against np.einsum.

``_corners`` gives population ``p``'s payoff difference ``D_p`` (or its derivative in one population's share) at
every corner of the certificate's box by contracting ``dpay`` one population's axis at a time. The oracle here
evaluates ``D_p`` from the game's payoff tensors (not from ``dpay``) with np.einsum at each corner, built from
the corner's bits as the docstring states them: the first other population is the highest bit, a set bit puts
that population at the box's far side ``b_k = cw[8, k]``, the vertex's strategy is 0 where ``cw[2, k] > 0``.
"""

from __future__ import annotations

import numpy as np
import pytest

from govgame.numerics import kernel as K

LETTERS = "abcdefgh"


def differences(tensors, x):
    """D_p = u_p(strategy 0) - u_p(strategy 1) at the shares x (of strategy 0), by np.einsum."""
    P = len(tensors)
    ys = [np.array([v, 1.0 - v]) for v in x]
    out = []
    for p in range(P):
        others = [q for q in range(P) if q != p]
        spec = LETTERS[:P] + "," + ",".join(LETTERS[q] for q in others) + "->" + LETTERS[p]
        u = np.einsum(spec, tensors[p], *[ys[q] for q in others])
        out.append(u[0] - u[1])
    return np.array(out)


def corner_shares(P, p, c, sign, side):
    """The shares of strategy 0 at corner ``c`` of population ``p``'s box (population ``p`` itself at 0.5)."""
    others = [k for k in range(P) if k != p]
    x = np.full(P, 0.5)
    for pos, k in enumerate(others):
        bit = 1 << (len(others) - 1 - pos)
        vertex = 1.0 if sign[k] > 0 else 0.0
        x[k] = vertex - sign[k] * side[k] if c & bit else vertex
    return x


@pytest.mark.parametrize("P", [2, 3, 4, 5])
def test_corner_values_and_slopes_equal_einsum_at_every_corner(P):
    rng = np.random.default_rng(1200 + P)
    shape = (2,) * P
    n = 1 << (P - 1)
    for _ in range(8):
        tensors = [rng.normal(size=shape) for _ in range(P)]
        pay, _ = K.pack(shape, tensors)
        dpay = K.binary_differences(pay, np.array(shape))
        sign = rng.choice([-1.0, 1.0], size=P)
        side = rng.uniform(0.0, 0.6, size=P)
        side[rng.integers(P)] = 1e-30  # a thin side, as the kernel's _TINY
        cw = np.zeros((9 + P, P))
        cw[2], cw[8] = sign, side
        buf = np.full(n, np.nan)
        for p in range(P):
            K._corners(dpay, 0, p, P, cw, -1, buf)
            want = [differences(tensors, corner_shares(P, p, c, sign, side))[p] for c in range(n)]
            np.testing.assert_allclose(buf, want, rtol=0, atol=1e-12)
            for q in range(P):
                if q == p:
                    continue
                K._corners(dpay, 0, p, P, cw, q, buf)
                for c in range(n):
                    hi = corner_shares(P, p, c, sign, side)
                    lo = hi.copy()
                    hi[q], lo[q] = 1.0, 0.0  # D_p is linear in x_q: the difference is the slope
                    slope = differences(tensors, hi)[p] - differences(tensors, lo)[p]
                    assert abs(buf[c] - slope) <= 1e-12, (p, q, c, buf[c], slope)


def test_the_certificate_is_the_same_with_and_without_a_scratch_buffer():
    rng = np.random.default_rng(7)
    P, shape = 3, (2, 2, 2)
    Tn = np.array([4, 2, 1], dtype=np.int64)
    seen = set()
    for _ in range(200):
        tensors = [rng.normal(size=shape) for _ in range(P)]
        pay, _ = K.pack(shape, tensors)
        dpay = K.binary_differences(pay, np.array(shape))
        lip = K._lipschitz(dpay, P)
        stable = K.stable_vertices(pay, shape)
        lam = rng.choice([-1.0, 1.0], size=P) * rng.uniform(1.0, 20.0, size=P)
        t_end = rng.choice([1e-9, 5.0, 1e9])
        z1, z2 = lam.copy(), lam.copy()
        cw1, cw2 = np.zeros((9 + P, P)), np.zeros((9 + P, P))
        got1 = K._certify(dpay, lip, 0, P, Tn, stable, z1, np.ones(P), 0.0, t_end, cw1)
        got2 = K._certify(dpay, lip, 0, P, Tn, stable, z2, np.ones(P), 0.0, t_end, cw2, np.empty(4))
        assert got1 == got2
        np.testing.assert_array_equal(z1, z2)
        seen.add(got1[0])
    assert seen == {0, 1, 2, 3}, seen  # every way out of the certificate, with and without the buffer
