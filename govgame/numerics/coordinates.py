"""Coordinates of the state space: reduced states (state order) and full shares (every share).

A state lists the share symbols of the model in population order; a population with
``k`` strategies has ``k - 1`` of them (the last share is one minus their sum). The
compiled integrator works in full coordinates, every share of every population.
"""

from __future__ import annotations

import numpy as np

from ..model.game import Game

__all__ = ["to_full", "to_reduced"]


def to_full(game: Game, X: np.ndarray) -> np.ndarray:
    """Reduced states ``(..., n)`` -> full shares ``(..., m)`` (all k shares of each population).

    >>> import itertools
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q", "r"), ("y1", "y2")),
    ...          Population("b", ("s", "t"), ("z",))), parameters=(),
    ...          payoffs={pr: (0, 0) for pr in itertools.product("pqr", "st")})
    >>> to_full(g, np.array([0.2, 0.3, 0.9])).round(12).tolist()
    [0.2, 0.3, 0.5, 0.9, 0.1]
    """
    X = np.asarray(X, dtype=float)
    n = len(game.populations)
    if X.ndim and X.shape[-1] == n and all(p.k == 2 for p in game.populations):
        # binary populations: (x, 1 - x) for each share, written in place (a quarter of the time of the
        # concatenation below at 10^4 states; the same values: a block of one share sums to that share)
        full = np.empty(X.shape[:-1] + (2 * n,))
        full[..., 0::2] = X
        full[..., 1::2] = 1.0 - X
        return full
    parts, i = [], 0
    for p in game.populations:
        ys = X[..., i : i + p.k - 1]
        parts += [ys, 1.0 - ys.sum(axis=-1, keepdims=True)]
        i += p.k - 1
    return np.concatenate(parts, axis=-1)


def to_reduced(game: Game, Y: np.ndarray) -> np.ndarray:
    """Full shares ``(..., m)`` -> reduced states ``(..., n)`` (drops each population's last share).

    >>> import itertools
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("z",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> to_reduced(g, np.array([0.25, 0.75, 1.0, 0.0])).tolist()
    [0.25, 1.0]
    """
    Y = np.asarray(Y, dtype=float)
    keep, i = [], 0
    for p in game.populations:
        keep += list(range(i, i + p.k - 1))
        i += p.k
    return Y[..., keep]
