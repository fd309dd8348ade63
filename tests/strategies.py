"""Random games for property tests: 2-4 populations, 2-3 strategies, numeric or symbolic payoffs."""

from __future__ import annotations

import itertools

import numpy as np
import sympy
from hypothesis import strategies as st

from govgame.model import Game, Parameter, Population

SHARE_NAMES = ["x", "y", "z", "w", "v"]


def populations(shape):
    pops = []
    for i, k in enumerate(shape):
        base = SHARE_NAMES[i]
        shares = (base,) if k == 2 else tuple(f"{base}{j + 1}" for j in range(k - 1))
        pops.append(Population(f"p{i}", tuple(f"s{i}_{j}" for j in range(k)), shares))
    return tuple(pops)


def numeric_game(tensors, name="random"):
    """A Game whose payoffs are the given numbers: ``tensors[p][idx]`` is population p's payoff at profile idx.

    One dummy parameter ``c`` (value 1) multiplies nothing but keeps the game well-formed for tools that
    expect parameters.
    """
    shape = tensors[0].shape
    pops = populations(shape)
    payoffs = {}
    for idx in itertools.product(*(range(k) for k in shape)):
        profile = tuple(p.strategies[j] for p, j in zip(pops, idx))
        payoffs[profile] = tuple(sympy.Rational(int(t[idx])) for t in tensors)
    return Game(name, pops, (Parameter("c", value=1.0),), payoffs)


def symbolic_game(shape, seed, n_params=3, *, equal_values=False):
    """A Game whose payoffs are random integer combinations of a few parameters (with values).

    With ``equal_values`` every parameter's value is 1, so every difference of two parameters (which
    appears in the denominators of face points) vanishes at the default values.
    """
    rng = np.random.default_rng(seed)
    params = tuple(
        Parameter(f"a{i}", value=1.0 if equal_values else float(rng.integers(1, 6)), range=(0.0, 10.0))
        for i in range(n_params)
    )
    syms = [p.symbol for p in params]
    pops = populations(shape)
    payoffs = {}
    for idx in itertools.product(*(range(k) for k in shape)):
        profile = tuple(p.strategies[j] for p, j in zip(pops, idx))
        vals = []
        for _ in pops:
            coef = rng.integers(-2, 3, size=n_params)
            const = int(rng.integers(-3, 4))
            vals.append(sympy.Integer(const) + sum(int(c) * s for c, s in zip(coef, syms)))
        payoffs[profile] = tuple(vals)
    return Game("symbolic", pops, params, payoffs)


@st.composite
def shapes(draw, min_pops=2, max_pops=4, max_k=3):
    n = draw(st.integers(min_pops, max_pops))
    ks = draw(st.lists(st.integers(2, max_k), min_size=n, max_size=n))
    # keep the state small enough for exact solving in tests
    while sum(k - 1 for k in ks) > 4:
        ks[ks.index(max(ks))] -= 1
    return tuple(ks)


@st.composite
def integer_tensors(draw, shape=None, lo=-5, hi=5):
    shape = shape or draw(shapes())
    size = int(np.prod(shape))
    out = []
    for _ in shape:
        vals = draw(st.lists(st.integers(lo, hi), min_size=size, max_size=size))
        out.append(np.array(vals, dtype=float).reshape(shape))
    return out


def replicator_rhs(tensors):
    """An independent numeric replicator RHS on reduced coordinates, written from the textbook formula."""
    shape = tensors[0].shape
    n_pops = len(shape)

    def full(state):
        out, i = [], 0
        for k in shape:
            y = list(state[i : i + k - 1])
            out.append(np.array([*y, 1.0 - sum(y)]))
            i += k - 1
        return out

    def f(_t, state):
        shares = full(state)
        res = []
        for p in range(n_pops):
            u = np.zeros(shape[p])
            for idx in itertools.product(*(range(k) for k in shape)):
                w = 1.0
                for q in range(n_pops):
                    if q != p:
                        w *= shares[q][idx[q]]
                u[idx[p]] += tensors[p][idx] * w
            ubar = float(shares[p] @ u)
            res.extend(shares[p][i] * (u[i] - ubar) for i in range(shape[p] - 1))
        return np.array(res)

    return f


def fd_jacobian(f, x, h=1e-6):
    """Central finite-difference Jacobian of ``f(t, x)`` at ``x`` (an oracle independent of sympy)."""
    n = len(x)
    J = np.empty((n, n))
    for j in range(n):
        e = np.zeros(n)
        e[j] = h
        J[:, j] = (f(0, x + e) - f(0, x - e)) / (2 * h)
    return J
