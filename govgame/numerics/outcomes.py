"""Outcomes of runs: which rest point each run reached, how outcomes are keyed, basin shares, region labels.

A run *reached* an equilibrium when its final state lies within :data:`REACH_TOL` = 1e-3
(maximum norm) of it (SPEC §4) and no unstable direction is left there (a run passing a saddle
has not reached it); runs that did not settle are never classified. :func:`run_outcomes` gives
each run's outcome (SPEC §4, version 2: ``equilibrium``, ``cycle`` with ``period`` and ``around``,
``heteroclinic``, ``unsettled``); basin shares count cycles as their own category (keys of
:func:`summary_key`: ``"cycle"``, ``"cycle around E9"``, ``"heteroclinic"``, ``"none"``).
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .._deprecation import renamed_options
from ..analysis.continua import rest_distances
from ..analysis.equilibria import Equilibrium, vertices
from ..model.game import Game
from .cycles import Outcome, RunOutcome, summary_key

if TYPE_CHECKING:  # pragma: no cover
    from .integrate import Trajectories

__all__ = [
    "REACH_TOL",
    "Outcome",
    "RunOutcome",
    "run_outcomes",
    "summary_key",
    "vertex_equilibria",
    "classify",
    "outcome_key",
    "outcomes",
    "basins",
    "run_keys",
    "region_label",
]

#: Maximum-norm distance within which a final state counts as having reached an equilibrium (SPEC §4).
REACH_TOL = 1e-3
#: Statuses of runs that are never classified.
UNSETTLED = ("no-convergence", "failed", "step-underflow", "max-steps", "non-finite")


def __getattr__(name: str) -> Any:
    if name == "CLASSIFY_TOL":
        warnings.warn(
            "CLASSIFY_TOL is deprecated; use govgame.numerics.outcomes.REACH_TOL", DeprecationWarning, stacklevel=2
        )
        return REACH_TOL
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def vertex_equilibria(game: Game) -> list[Equilibrium]:
    """The vertices of the state space as :class:`~govgame.analysis.equilibria.Equilibrium` objects.

    Named ``E1, E2, ...`` by :func:`govgame.analysis.equilibria.vertices` (the names the
    analysis gives them), each with its ``numeric_point``; useful when no analysis is at hand.

    >>> import itertools
    >>> from govgame.model import Game, Population
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(), payoffs={pr: (0, 0) for pr in itertools.product("pq", "st")})
    >>> [(e.name, e.profile, e.numeric_point) for e in vertex_equilibria(g)][:2]
    [('E1', ('q', 't'), (0.0, 0.0)), ('E2', ('q', 's'), (0.0, 1.0))]
    """
    return list(vertices(game, numeric=True))


def _eq(e):
    return getattr(e, "equilibrium", e)  # accept Stability objects too


def _is_vertex(e: Equilibrium) -> bool:
    return str(e.kind) == "pure" and e.profile is not None


@renamed_options({"tol": "reach_tol"})
def classify(final, equilibria: Sequence, *, reach_tol: float = REACH_TOL) -> list[str | None]:
    """Name of the equilibrium each final state has reached, or ``None``.

    A state has reached an equilibrium when its maximum-norm distance to it is at most
    ``reach_tol``; for a continuum, the distance to the segment, curve or surface itself
    (:func:`govgame.analysis.continua.rest_distances`). Vertices win over other rest points; otherwise the nearest wins.
    Equilibria without a ``numeric_point`` are ignored.

    Parameters
    ----------
    final : array_like
        ``(runs, n)`` final states.
    equilibria : sequence of Equilibrium (or Stability)
    reach_tol : float
        Maximum-norm distance (:data:`REACH_TOL`; ``tol=`` is the deprecated name).

    Returns
    -------
    list of str or None

    Examples
    --------
    >>> import sympy
    >>> from govgame.analysis.equilibria import Equilibrium, Kind
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
    vert = np.array([_is_vertex(e) for e in eqs])
    dist = rest_distances(eqs, F)  # (runs, eqs); a continuum: the distance to the curve or surface itself
    # vertices first: push non-vertices behind any matching vertex
    rank = np.where(dist <= reach_tol, dist + np.where(vert, 0.0, 2.0), np.inf)
    best = np.argmin(rank, axis=1)
    hit = np.isfinite(rank[np.arange(len(F)), best])
    for r in np.nonzero(hit)[0]:
        out[r] = eqs[best[r]].name
    return out


def outcome_key(equilibrium) -> str:
    """How an outcome is keyed in summaries (SPEC §4): the profile joined by ``/`` for a vertex, else the name.

    ``None`` (no equilibrium reached) is keyed ``"none"``.

    >>> import sympy
    >>> from govgame.analysis.equilibria import Equilibrium, Kind
    >>> outcome_key(Equilibrium("E4", Kind.PURE, (sympy.S(0),) * 2, ("lax", "formal"), numeric_point=(0.0, 0.0)))
    'lax/formal'
    >>> outcome_key(None)
    'none'
    """
    if equilibrium is None:
        return "none"
    e = _eq(equilibrium)
    return "/".join(e.profile) if _is_vertex(e) else e.name


@renamed_options({"tol": "reach_tol"})
def outcomes(traj: Trajectories, equilibria: Sequence, *, reach_tol: float = REACH_TOL) -> list[Equilibrium | None]:
    """The equilibrium each run reached, or ``None`` (runs that did not settle are never classified).

    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.integrate import simulate
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> [e.profile for e in outcomes(simulate(g, [0.5, 0.5], params={}), vertex_equilibria(g))]
    [('d', 'd')]
    """
    eqs = [_eq(e) for e in equilibria]
    by_name = {e.name: e for e in eqs}
    if getattr(traj, "cycles", None) is not None and getattr(traj, "game", None) is not None:
        return [
            by_name[o.reached] if o.outcome is Outcome.EQUILIBRIUM else None
            for o in run_outcomes(traj, eqs, reach_tol=reach_tol)
        ]
    names = classify(traj.final, eqs, reach_tol=reach_tol)
    status = traj.status
    return [None if (n is None or status[i] in UNSETTLED) else by_name[n] for i, n in enumerate(names)]


def run_outcomes(traj: Trajectories, equilibria: Sequence, *, reach_tol: float = REACH_TOL) -> list[RunOutcome]:
    """What every run did (SPEC §4, version 2): equilibrium, cycle, heteroclinic or unsettled.

    See :mod:`govgame.numerics.cycles`: a run near a saddle at ``t_end`` has not reached it
    (``near`` names it); a cycle carries its ``period`` and the rest point it encloses.

    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.integrate import simulate
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> [(o.outcome.value, o.reached) for o in run_outcomes(simulate(g, [0.5, 0.5], params={}), vertex_equilibria(g))]
    [('equilibrium', 'E1')]
    """
    from .cycles import run_outcomes as _run_outcomes

    game = traj.game
    if game is None or traj.cycles is None:
        raise ValueError("run outcomes need the trajectories of govgame.numerics.integrate.simulate")
    return _run_outcomes(
        game, traj.params, traj.full_final, traj.status, traj.cycles, [_eq(e) for e in equilibria],
        t_end=traj.t_end, tol=reach_tol,
    )  # fmt: skip


@renamed_options({"tol": "reach_tol"})
def run_keys(traj: Trajectories, equilibria: Sequence, *, reach_tol: float = REACH_TOL) -> list[str]:
    """The outcome key of each run, as :func:`basins` counts it (for figures that colour runs by outcome).

    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.integrate import simulate
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 0), ("d", "c"): (0, 0), ("d", "d"): (1, 1)})
    >>> run_keys(simulate(g, [[0.9, 0.9], [0.1, 0.1]], params={}), vertex_equilibria(g))
    ['c/c', 'd/d']
    """
    if getattr(traj, "cycles", None) is not None and getattr(traj, "game", None) is not None:
        by_name = {_eq(e).name: _eq(e) for e in equilibria}
        return [summary_key(o, by_name) for o in run_outcomes(traj, equilibria, reach_tol=reach_tol)]
    return [outcome_key(e) for e in outcomes(traj, equilibria, reach_tol=reach_tol)]


def basins(traj: Trajectories, equilibria: Sequence, *, reach_tol: float = REACH_TOL) -> dict[str, float]:
    """Share of the runs that reach each outcome (a basin-of-attraction estimate), keyed by :func:`outcome_key`.

    Keys are ordered by decreasing share, then alphabetically.

    >>> from govgame.model import Game, Population
    >>> from govgame.numerics.integrate import simulate
    >>> from govgame.numerics.starts import grid_starts
    >>> g = Game(name="g", populations=(Population("a", ("c", "d"), ("x",)), Population("b", ("c", "d"), ("y",))),
    ...          parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 0), ("d", "c"): (0, 0), ("d", "d"): (1, 1)})
    >>> basins(simulate(g, grid_starts(g, 3), params={}), vertex_equilibria(g))  # the saddle (1/3, 1/3) divides the basins
    {'c/c': 0.8888888888888888, 'd/d': 0.1111111111111111}
    """
    if getattr(traj, "cycles", None) is not None and getattr(traj, "game", None) is not None:
        by_name = {_eq(e).name: _eq(e) for e in equilibria}
        counts = Counter(summary_key(o, by_name) for o in run_outcomes(traj, equilibria, reach_tol=reach_tol))
    else:
        counts = Counter(outcome_key(e) for e in outcomes(traj, equilibria, reach_tol=reach_tol))
    n = len(traj)
    return {k: c / n for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}


def region_label(reached: Mapping[str, float]) -> str:
    """The label of a region-map cell from its outcome shares: the one rule for "bistable".

    ``"none"`` when no start reached a rest point; the outcome when all that did reached the
    same one; otherwise ``"bistable: A | B"`` with the two most frequent outcomes (ties:
    alphabetical), in alphabetical order. ``reached`` maps outcome keys (:func:`outcome_key`)
    to shares or counts, as :attr:`govgame.numerics.sweep.Cell.reached`.

    Examples
    --------
    >>> region_label({"none": 0.5, "a/a": 0.5})
    'a/a'
    >>> region_label({"z/z": 0.5, "a/a": 0.25, "b/b": 0.25})
    'bistable: a/a | z/z'
    >>> region_label({"none": 1.0})
    'none'
    """
    top = sorted((k for k, v in reached.items() if k != "none" and v > 0), key=lambda k: (-reached[k], k))
    if not top:
        return "none"
    if len(top) == 1:
        return top[0]
    return "bistable: " + " | ".join(sorted(top[:2]))
