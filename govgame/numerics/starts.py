"""Starting states: the ``--grid N`` starts (SPEC §2) and the check that starts lie in the state space."""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import SimulationError
from ..limits import MAX_RUNS, grid_count, smallest_grid
from ..model.game import Game

__all__ = ["grid_starts", "check_starts"]


def grid_starts(game: Game, n: int) -> np.ndarray:
    r"""The ``--grid N`` starting points (SPEC §2).

    Every point of :math:`\{1/(N+1), \dots, N/(N+1)\}` for each state coordinate, in
    lexicographic order, dropping points where a population's shares sum to 1 or more.

    Parameters
    ----------
    game : Game
    n : int
        Points per coordinate (``N >= 1``).

    Returns
    -------
    numpy.ndarray
        ``(runs, len(game.state_names))``.

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> grid_starts(g, 1).tolist()
    [[0.5, 0.5]]
    >>> grid_starts(g, 3).shape
    (9, 2)
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SimulationError(f"grid size must be a whole number >= 1, found {n!r}")
    n = int(n)
    count = grid_count(game.shape, n)  # counted before anything is built
    if count == 0:
        big = max(game.populations, key=lambda p: p.k)
        raise SimulationError(
            f"a grid of N = {n} points per coordinate has no start inside the state space: population "
            f'"{big.name}" has {big.k} strategies, and {big.k - 1} shares of at least 1/(N+1) each sum below 1 '
            f"only from N = {big.k - 1}; use a grid of N >= {smallest_grid(game.shape)} or give starts"
        )
    if count > MAX_RUNS:
        raise SimulationError(
            f"a grid of N = {n} points per coordinate has {count:,} starts; the limit is {MAX_RUNS:,} runs"
        )
    levels = np.arange(1, n + 1) / (n + 1)
    per_pop = []
    for p in game.populations:
        pts = [c for c in itertools.product(levels, repeat=p.k - 1) if sum(c) < 1.0 - 1e-12]
        per_pop.append(pts)
    rows = [sum(combo, ()) for combo in itertools.product(*per_pop)]
    return np.array(rows, dtype=float).reshape(len(rows), len(game.state_names))


def check_starts(game: Game, x0) -> np.ndarray:
    """Validate starting states; return them as a float array ``(runs, n)``.

    Raises :class:`~govgame.errors.SimulationError` naming the first offending start.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> check_starts(g, [0.5, 0.25]).tolist()
    [[0.5, 0.25]]
    >>> check_starts(g, [0.5, 1.2])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: start (0.5, 1.2) lies outside the state space: every share must be in [0, 1] and each population's shares must sum to at most 1
    """
    n = len(game.state_names)
    try:
        X = np.array(x0, dtype=float)
    except (TypeError, ValueError) as exc:
        raise SimulationError(f"starts must be numbers, found {x0!r}") from exc
    if X.ndim == 1:
        X = X.reshape(1, -1)
    if X.ndim != 2 or X.shape[1] != n:
        first = X.reshape(-1)[: max(n + 1, 1)] if X.size else X
        raise SimulationError(
            f"a start needs {n} coordinates ({', '.join(game.state_names)}), found {X.shape[-1] if X.ndim else 0}"
            + (f": {_fmt(first)}" if X.ndim == 1 else "")
        )
    wide = [p for p in game.populations if p.k > 2]  # a binary population's one share is its block's sum
    if X.size and X.min() >= 0.0 and X.max() <= 1.0 and not wide:
        # every share finite and in [0, 1] (a nan makes both comparisons false): the rows below all pass; one
        # pass over the array instead of the per-row tests (about 1 ms for 10^4 starts)
        return X
    ok = np.all(np.isfinite(X), axis=1) & np.all((X >= 0) & (X <= 1), axis=1)
    i = 0
    for p in game.populations:
        ok &= X[:, i : i + p.k - 1].sum(axis=1) <= 1.0 + 1e-12
        i += p.k - 1
    if not ok.all():
        bad = X[np.argmin(ok)]
        raise SimulationError(
            f"start {_fmt(bad)} lies outside the state space: every share must be in [0, 1] and "
            "each population's shares must sum to at most 1"
        )
    return X


def _fmt(v) -> str:
    return "(" + ", ".join(f"{float(a):g}" for a in np.ravel(v)) + ")"
