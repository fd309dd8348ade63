"""Batched integration of the replicator dynamics: :func:`simulate` -> :class:`Trajectories`.

All runs are integrated by one compiled kernel (:mod:`govgame.numerics.kernel`): per-run adaptive
Dormand–Prince 5(4) with scipy's error control (``rtol=1e-6, atol=1e-9`` by default), states
kept in the state space, and an early stop once a run is within 1e-7 of an asymptotically
stable vertex. Every run is independent of the others, so results do not depend on how the
runs are batched or distributed. Where the runs ended is named by :mod:`govgame.numerics.outcomes`.

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
    Such runs are never classified (:func:`govgame.numerics.outcomes.outcomes` gives ``None``).
``failed``
    the step size underflowed (never seen in practice for replicator dynamics).

>>> from govgame.model import Game, Population
>>> from govgame.numerics.starts import grid_starts
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

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..analysis.dynamics import Dynamics, numeric_payoffs
from ..errors import SimulationError
from ..model.game import Game
from . import kernel as _kernel
from .coordinates import to_full, to_reduced
from .starts import check_starts

__all__ = ["Trajectories", "simulate", "prepare_payoffs"]


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
        ``(runs,)`` int8 status codes, indices into :data:`govgame.numerics.kernel.STATUS`.
    t_end : float
    t : numpy.ndarray or None
        The ``t_eval`` times when paths were asked for.
    paths : numpy.ndarray or None
        ``(runs, len(t), n)`` states at ``t``; after an early stop the stopped state repeats.
    params : dict
        The parameter values the runs used.
    """

    x0: np.ndarray
    final: np.ndarray
    t_stop: np.ndarray
    code: np.ndarray
    t_end: float = 100.0
    t: np.ndarray | None = None
    paths: np.ndarray | None = None
    params: dict[str, float] = field(default_factory=dict)

    @cached_property
    def status(self) -> np.ndarray:
        """Status name of each run (see the module docstring)."""
        return np.array(_kernel.STATUS, dtype=object)[self.code]

    def __len__(self) -> int:
        return len(self.final)


def prepare_payoffs(system: Game | Dynamics, params: Mapping[str, float]):
    """The kernel's inputs at one parameter set: packed payoffs, offsets and the ESS vertices.

    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> pay, offs, stable = prepare_payoffs(game, game.values())
    >>> pay.shape, offs.tolist(), int(stable.sum())
    ((1, 3, 8), [0, 2, 4, 6], 2)
    """
    game = system.game if isinstance(system, Dynamics) else system
    tensors = numeric_payoffs(system, params)
    pay, offs = _kernel.pack(game.shape, tensors)
    return pay, offs, _kernel.stable_vertices(pay, game.shape)


def simulate(
    system: Game | Dynamics,
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
    system : Game or Dynamics
        The game; or its :class:`~govgame.analysis.dynamics.Dynamics`, which keeps the
        compiled payoffs between calls.
    x0 : array_like
        ``(runs, n)`` or ``(n,)`` starts in state order (see
        :func:`govgame.numerics.starts.grid_starts`).
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
    game = system.game if isinstance(system, Dynamics) else system
    X = check_starts(game, x0)
    if not (np.isfinite(t_end) and t_end >= 0):
        raise SimulationError(f"t_end must be a number >= 0, found {t_end!r}")
    te = None
    if t_eval is not None:
        te = np.atleast_1d(np.asarray(t_eval, dtype=float))
        if te.ndim != 1 or np.any(np.diff(te) < 0) or (te.size and (te[0] < 0 or te[-1] > t_end)):
            raise SimulationError("t_eval must be increasing times within [0, t_end]")
    pay, offs, stable = prepare_payoffs(system, params)
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
        params={k: float(params[k]) for k in game.parameter_names if k in params},
    )
