"""Batched simulation of the replicator dynamics: trajectories, outcomes, basins of attraction.

All runs are integrated by one compiled kernel (:mod:`govgame._kernel`): per-run adaptive
Dormand–Prince 5(4) with scipy's error control (``rtol=1e-6, atol=1e-9`` by default), states
kept in the state space, and an early stop once a run is within 1e-7 of an asymptotically
stable vertex. Every run is independent of the others, so results do not depend on how the
runs are batched or distributed.

Run statuses (:attr:`Trajectories.status`):

``converged``
    stopped early within 1e-7 (maximum norm) of a vertex at which every payoff difference
    is strictly negative (an asymptotically stable vertex).
``stalled``
    stopped on a rest point: ``max |f| < 1e-12`` on every step over a span of ``t_end / 10``
    and no share able to grow by more than 1e-9 before ``t_end`` at its present growth rate
    (so a run passing close to a saddle is not stopped there).
``t_end``
    reached ``t_end`` and settled (``max |f| <= 1e-6``, or within 1e-3 of an asymptotically
    stable vertex).
``no-convergence``
    reached ``t_end`` still moving: a cycle around a centre, a slow drift along a continuum.
    Such runs are never classified (:func:`outcomes` gives ``None``).
``failed``
    the step size underflowed (never seen in practice for replicator dynamics).

>>> from govgame.model import Game, Population, Parameter
>>> game = Game(
...     name="pd",
...     populations=(Population("row", ("c", "d"), ("x",)), Population("col", ("c", "d"), ("y",))),
...     parameters=(),
...     payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)},
... )
>>> traj = simulate(game, grid_starts(game, 2), params={})
>>> np.round(traj.final, 6).tolist()
[[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]]
>>> sorted(set(traj.status))
['converged']
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import _kernel
from .dynamics import numeric_payoffs
from .equilibria import Equilibrium, Kind
from .errors import SimulationError
from .model import Game

__all__ = [
    "Trajectories",
    "grid_starts",
    "check_starts",
    "simulate",
    "vertex_equilibria",
    "classify",
    "outcome_key",
    "outcomes",
    "basins",
    "simulation_to_dict",
    "CLASSIFY_TOL",
]

#: Maximum-norm distance within which a final state counts as having reached an equilibrium (SPEC §4).
CLASSIFY_TOL = 1e-3
_UNSETTLED = ("no-convergence", "failed")


# --------------------------------------------------------------------------- coordinates
def to_full(game: Game, X: np.ndarray) -> np.ndarray:
    """Reduced states ``(..., n)`` -> full shares ``(..., m)`` (all k shares of each population).

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q", "r"), ("y1", "y2")),
    ...          Population("b", ("s", "t"), ("z",))), parameters=(),
    ...          payoffs={pr: (0, 0) for pr in itertools.product("pqr", "st")})
    >>> to_full(g, np.array([0.2, 0.3, 0.9])).round(12).tolist()
    [0.2, 0.3, 0.5, 0.9, 0.1]
    """
    X = np.asarray(X, dtype=float)
    parts, i = [], 0
    for p in game.populations:
        ys = X[..., i : i + p.k - 1]
        parts += [ys, 1.0 - ys.sum(axis=-1, keepdims=True)]
        i += p.k - 1
    return np.concatenate(parts, axis=-1)


def to_reduced(game: Game, Y: np.ndarray) -> np.ndarray:
    """Full shares ``(..., m)`` -> reduced states ``(..., n)`` (drops each population's last share).

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


# --------------------------------------------------------------------------- starts
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


# --------------------------------------------------------------------------- simulate
@dataclass(frozen=True, eq=False)
class Trajectories:
    """Result of :func:`simulate`.

    Attributes
    ----------
    x0 : numpy.ndarray
        ``(runs, n)`` starts, state order.
    final : numpy.ndarray
        ``(runs, n)`` state where each run ended (at ``t_end`` or at its early stop).
    t_stop : numpy.ndarray
        ``(runs,)`` time at which each run ended.
    code : numpy.ndarray
        ``(runs,)`` int8 status codes, indices into :data:`govgame._kernel.STATUS`.
    t_end : float
    t : numpy.ndarray or None
        The ``t_eval`` times when paths were asked for.
    paths : numpy.ndarray or None
        ``(runs, len(t), n)`` states at ``t``; after an early stop the stopped state repeats.
    """

    x0: np.ndarray
    final: np.ndarray
    t_stop: np.ndarray
    code: np.ndarray
    t_end: float = 100.0
    t: np.ndarray | None = None
    paths: np.ndarray | None = None

    @cached_property
    def status(self) -> np.ndarray:
        """Status name of each run (see the module docstring)."""
        return np.array(_kernel.STATUS, dtype=object)[self.code]

    def __len__(self) -> int:
        return len(self.final)


def _prepare(game: Game, params: Mapping[str, float]):
    tensors = numeric_payoffs(game, params)
    pay, offs = _kernel.pack(game.shape, tensors)
    return pay, offs, _kernel.stable_vertices(pay, game.shape)


def simulate(
    game: Game,
    x0,
    *,
    params: Mapping[str, float],
    t_end: float = 100.0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    t_eval=None,
) -> Trajectories:
    """Integrate the replicator dynamics from many starts at once.

    Parameters
    ----------
    game : Game
    x0 : array_like
        ``(runs, n)`` or ``(n,)`` starts in state order (see :func:`grid_starts`).
    params : mapping
        Value of every parameter.
    t_end : float
        Horizon (runs may stop earlier once converged).
    rtol, atol : float
        Tolerances, as in :func:`scipy.integrate.solve_ivp`.
    t_eval : array_like, optional
        Times at which to store the states (memory grows with ``runs * len(t_eval)``);
        by default only final states are kept.

    Returns
    -------
    Trajectories

    Examples
    --------
    One population's payoff difference is a constant ``D = 1``: the logistic solution.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={("p", "s"): (1, 0), ("p", "t"): (1, 0), ("q", "s"): (0, 0), ("q", "t"): (0, 0)})
    >>> tr = simulate(g, [0.5, 0.5], params={}, t_end=1.0, t_eval=[1.0])
    >>> round(float(tr.paths[0, 0, 0]), 6), round(np.e / (1 + np.e), 6)
    (0.731059, 0.731059)
    """
    X = check_starts(game, x0)
    if not (np.isfinite(t_end) and t_end >= 0):
        raise SimulationError(f"t_end must be a number >= 0, found {t_end!r}")
    te = None
    if t_eval is not None:
        te = np.atleast_1d(np.asarray(t_eval, dtype=float))
        if te.ndim != 1 or np.any(np.diff(te) < 0) or (te.size and (te[0] < 0 or te[-1] > t_end)):
            raise SimulationError("t_eval must be increasing times within [0, t_end]")
    pay, offs, stable = _prepare(game, params)
    final, t_stop, code, paths, _ = _kernel.integrate(
        pay, offs, stable, to_full(game, X), t_end=t_end, rtol=rtol, atol=atol, t_eval=te
    )
    return Trajectories(
        x0=X,
        final=to_reduced(game, final),
        t_stop=t_stop,
        code=code,
        t_end=float(t_end),
        t=te,
        paths=None if paths is None else to_reduced(game, paths),
    )


# --------------------------------------------------------------------------- outcomes
def vertex_equilibria(game: Game) -> list[Equilibrium]:
    """The vertices of the state space as :class:`~govgame.equilibria.Equilibrium` objects.

    Named ``E1, E2, ...`` in increasing lexicographic order of their points, the order
    :func:`govgame.stability.analyze` uses for vertices; useful when no analysis is at hand.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> [(e.name, e.profile, e.numeric_point) for e in vertex_equilibria(g)][:2]
    [('E1', ('q', 't'), (0.0, 0.0)), ('E2', ('q', 's'), (0.0, 1.0))]
    """
    import sympy

    points = []
    for profile in game.profiles:
        pt: list[float] = []
        for p, s in zip(game.populations, profile):
            i = p.strategies.index(s)
            pt += [1.0 if i == a else 0.0 for a in range(p.k - 1)]
        points.append((tuple(pt), tuple(profile)))
    points.sort()
    return [
        Equilibrium(
            name=f"E{j + 1}",
            kind=Kind.PURE,
            point=tuple(sympy.Integer(int(v)) for v in pt),
            profile=profile,
            numeric_point=pt,
        )
        for j, (pt, profile) in enumerate(points)
    ]


def _eq(e):
    return getattr(e, "equilibrium", e)  # accept Stability objects too


def _is_vertex(e: Equilibrium) -> bool:
    return str(e.kind) == "pure" and e.profile is not None


def classify(final, equilibria: Sequence, *, tol: float = CLASSIFY_TOL) -> list[str | None]:
    """Name of the equilibrium each final state has reached, or ``None``.

    A state has reached an equilibrium when its maximum-norm distance to it is at most
    ``tol``; for a continuum, the distance to the segment or face (free coordinates are
    unconstrained). Vertices win over other rest points; otherwise the nearest wins.
    Equilibria without a ``numeric_point`` are ignored.

    Parameters
    ----------
    final : array_like
        ``(runs, n)`` final states.
    equilibria : sequence of Equilibrium (or Stability)
    tol : float

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> import sympy
    >>> v = Equilibrium("E1", Kind.PURE, (sympy.S(0), sympy.S(1)), ("b", "a"), numeric_point=(0.0, 1.0))
    >>> c = Equilibrium("E5", Kind.CONTINUUM, (sympy.S(0), sympy.Symbol("y")), numeric_point=(0.0, None), free=(1,))
    >>> classify([[0.0, 0.9999], [0.0004, 0.3], [0.5, 0.5]], [v, c])
    ['E1', 'E5', None]
    """
    F = np.atleast_2d(np.asarray(final, dtype=float))
    eqs = [_eq(e) for e in equilibria if _eq(e).numeric_point is not None]
    out: list[str | None] = [None] * len(F)
    if not eqs or not len(F):
        return out
    pts = np.array([[np.nan if v is None else float(v) for v in e.numeric_point] for e in eqs])
    vert = np.array([_is_vertex(e) for e in eqs])
    diff = np.abs(F[:, None, :] - pts[None, :, :])
    dist = np.where(np.isnan(diff), 0.0, diff).max(axis=2)  # (runs, eqs)
    # vertices first: push non-vertices behind any matching vertex
    rank = np.where(dist <= tol, dist + np.where(vert, 0.0, 2.0), np.inf)
    best = np.argmin(rank, axis=1)
    hit = np.isfinite(rank[np.arange(len(F)), best])
    for r in np.nonzero(hit)[0]:
        out[r] = eqs[best[r]].name
    return out


def outcome_key(equilibrium) -> str:
    """How an outcome is keyed in summaries (SPEC §4): the profile joined by ``/`` for a vertex, else the name.

    ``None`` (no equilibrium reached) is keyed ``"none"``.

    >>> import sympy
    >>> outcome_key(Equilibrium("E4", Kind.PURE, (sympy.S(0),) * 2, ("lax", "formal"), numeric_point=(0.0, 0.0)))
    'lax/formal'
    >>> outcome_key(None)
    'none'
    """
    if equilibrium is None:
        return "none"
    e = _eq(equilibrium)
    return "/".join(e.profile) if _is_vertex(e) else e.name


def outcomes(traj: Trajectories, equilibria: Sequence, *, tol: float = CLASSIFY_TOL) -> list[Equilibrium | None]:
    """The equilibrium each run reached, or ``None`` (runs that did not settle are never classified).

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> [e.profile for e in outcomes(simulate(g, [0.5, 0.5], params={}), vertex_equilibria(g))]
    [('d', 'd')]
    """
    eqs = [_eq(e) for e in equilibria]
    by_name = {e.name: e for e in eqs}
    names = classify(traj.final, eqs, tol=tol)
    status = traj.status
    return [None if (n is None or status[i] in _UNSETTLED) else by_name[n] for i, n in enumerate(names)]


def basins(traj: Trajectories, equilibria: Sequence, *, tol: float = CLASSIFY_TOL) -> dict[str, float]:
    """Share of the runs that reach each outcome (a basin-of-attraction estimate), keyed by :func:`outcome_key`.

    Keys are ordered by decreasing share, then alphabetically.

    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 0), ("d", "c"): (0, 0), ("d", "d"): (1, 1)})
    >>> basins(simulate(g, grid_starts(g, 3), params={}), vertex_equilibria(g))  # separatrix x + y = 2/3
    {'c/c': 0.8888888888888888, 'd/d': 0.1111111111111111}
    """
    counts = Counter(outcome_key(e) for e in outcomes(traj, equilibria, tol=tol))
    n = len(traj)
    return {k: c / n for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def simulation_to_dict(
    game: Game,
    params: Mapping[str, float],
    traj: Trajectories,
    equilibria: Sequence | None = None,
    *,
    tol: float = CLASSIFY_TOL,
) -> dict:
    """The JSON-ready dict of ``govgame simulate --format json`` (SPEC §4).

    Parameters
    ----------
    game : Game
    params : mapping
        The parameter values used.
    traj : Trajectories
    equilibria : sequence, optional
        Equilibria from the analysis (names ``E1``...); by default the vertices only.
    tol : float
        Classification tolerance (maximum norm).

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> d = simulation_to_dict(g, {}, simulate(g, [[0.5, 0.5]], params={}))
    >>> d["runs"][0]["reached"], d["runs"][0]["profile"], d["summary"]
    ('E1', ['d', 'd'], {'d/d': 1})
    """
    eqs = vertex_equilibria(game) if equilibria is None else [_eq(e) for e in equilibria]
    reached = outcomes(traj, eqs, tol=tol)
    runs = []
    for i, e in enumerate(reached):
        runs.append(
            {
                "from": [float(v) for v in traj.x0[i]],
                "to": [float(v) for v in traj.final[i]],
                "reached": None if e is None else e.name,
                "profile": list(e.profile) if e is not None and _is_vertex(e) else None,
            }
        )
    summary = Counter(outcome_key(e) for e in reached)
    return {
        "model": game.name,
        "state": list(game.state_names),
        "parameters": {k: float(params[k]) for k in game.parameter_names if k in params},
        "t_end": float(traj.t_end),
        "runs": runs,
        "summary": dict(sorted(summary.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
