"""Batched integration of the replicator dynamics: :func:`simulate` -> :class:`Trajectories`.

All runs are integrated by one compiled kernel (:mod:`govgame.numerics.kernel`): per-run adaptive
Dormand–Prince 5(4) with scipy's error control (``rtol=1e-6, atol=1e-9`` by default), states
kept in the state space, and an early stop once a run is within 1e-7 of an asymptotically
stable vertex. Every run is independent of the others, so results do not depend on how the
runs are batched or distributed. Where the runs ended is named by :mod:`govgame.numerics.outcomes`.

The integration runs in log-ratio coordinates (see :mod:`govgame.numerics.kernel`): ``atol`` bounds the
error of each log-share, a relative error of every share, so orbits that graze a face are followed
faithfully; shares that are exactly 0 stay 0. Games whose payoffs depend on the state (SPEC §1.5) go
through the same kernel with their payoff program.

Run statuses (:attr:`Trajectories.status`, :class:`govgame.numerics.kernel.Status`): ``converged``
(within 1e-7 of an asymptotically stable vertex), ``stalled`` (at rest on a rest point, no share able
to grow), ``t_end`` (settled at ``t_end``), ``no-convergence`` (still moving at ``t_end``: a cycle, a
slow drift), and the failures ``step-underflow``, ``max-steps`` and ``non-finite``, which
:func:`simulate` reports with a warning naming how many runs failed (or raises with ``throw=True``).
What each run did — reached a rest point, settled on a cycle, approached a heteroclinic ring — is
decided by :mod:`govgame.numerics.outcomes` from the kernel's return-map records.

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
>>> sorted(str(s) for s in set(traj.status))
['converged']
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ..analysis.dynamics import Dynamics, numeric_payoffs, parameter_vector
from ..errors import SimulationError
from ..model.game import Game
from ..model.program import payoff_program
from . import kernel as _kernel
from .coordinates import to_full, to_reduced
from .starts import check_starts

__all__ = ["Trajectories", "simulate", "prepare_payoffs", "kernel_program", "report_failures"]


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
        ``(runs,)`` time at which each run ended. For a ``converged`` run this is an upper bound of the
        time it came within ``VERTEX_TOL`` of its vertex (the accepted step at which the integration saw
        it there, or the time a certified stop proves it; a certificate taken farther from the vertex
        gives a later bound), not an estimate of the convergence time: for that, ask for paths
        (``t_eval``), which switch the certified stop off.
    code : numpy.ndarray
        ``(runs,)`` int8 status codes, indices into :data:`govgame.numerics.kernel.STATUS`.
    t_end : float
    t : numpy.ndarray or None
        The ``t_eval`` times when paths were asked for.
    paths : numpy.ndarray or None
        ``(runs, len(t), n)`` states at ``t``; after an early stop the stopped state repeats.
    params : dict
        The parameter values the runs used.
    cycles : govgame.numerics.kernel.KernelResult or None
        The kernel's per-run records (return-map verdict, period, ranges of the log-ratio
        coordinates, reference shares, accepted steps) that :mod:`govgame.numerics.outcomes`
        reads; indexed like the runs.
    full_final : numpy.ndarray or None
        ``(runs, m)`` end states in full coordinates (every share, exactly 0 where it is 0).
    game : Game or None
        The game the runs belong to.
    """

    x0: np.ndarray
    final: np.ndarray
    t_stop: np.ndarray
    code: np.ndarray
    t_end: float = 100.0
    t: np.ndarray | None = None
    paths: np.ndarray | None = None
    params: dict[str, float] = field(default_factory=dict)
    cycles: _kernel.KernelResult | None = None
    full_final: np.ndarray | None = None
    game: Game | None = None

    @cached_property
    def status(self) -> np.ndarray:
        """:class:`~govgame.numerics.kernel.Status` of each run (they compare equal to their names)."""
        return np.array(_kernel._STATUSES, dtype=object)[self.code]

    @property
    def steps(self) -> np.ndarray | None:
        """Accepted steps of each run."""
        return None if self.cycles is None else self.cycles.steps

    def __len__(self) -> int:
        return len(self.final)


def prepare_payoffs(system: Game | Dynamics, params: Mapping[str, float]):
    """The kernel's inputs at one parameter set: packed payoffs, offsets and the ESS vertices.

    For a game whose payoffs depend on the state (SPEC §1.5) the payoffs are evaluated at the
    vertices for the vertex rule only; the kernel evaluates them along the runs (:func:`kernel_program`).

    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> pay, offs, stable = prepare_payoffs(game, game.values())
    >>> pay.shape, offs.tolist(), int(stable.sum())
    ((1, 3, 8), [0, 2, 4, 6], 2)
    """
    game = system.game if isinstance(system, Dynamics) else system
    if payoff_program(game).state_dependent:
        pv = parameter_vector(game, params)[None, :]
        P, J = len(game.populations), len(game.profiles)
        offs = np.concatenate([[0], np.cumsum(game.shape)]).astype(np.int64)
        return np.zeros((1, P, J)), offs, _kernel.stable_vertices_at(payoff_program(game), pv, game.shape)
    tensors = numeric_payoffs(system, params)
    pay, offs = _kernel.pack(game.shape, tensors)
    return pay, offs, _kernel.stable_vertices(pay, game.shape)


def kernel_program(game: Game, params_list) -> tuple:
    """``(program, registers)`` for the kernel when ``game``'s payoffs depend on the state, else ``(None, None)``.

    >>> from govgame.model.loader import load_model
    >>> kernel_program(load_model("battery_recycling"), [{}])
    (None, None)
    """
    if not payoff_program(game).state_dependent:
        return None, None
    prog = payoff_program(game, differences=game.is_binary)
    pv = np.array([parameter_vector(game, p) for p in params_list]).reshape(len(params_list), -1)
    return prog, _kernel.payoff_registers(prog, pv)


def report_failures(status, *, throw: bool, stacklevel: int = 3) -> None:
    """Warn (or raise :class:`SimulationError` with ``throw=True``) when some runs failed.

    ``status`` holds the runs' :class:`~govgame.numerics.kernel.Status` (or their names), or the kernel's
    int codes as an integer array (counted without a Python object per run).

    >>> report_failures([_kernel.Status.CONVERGED], throw=True)
    """
    if isinstance(status, np.ndarray) and status.dtype.kind in "iu":  # the kernel's codes, 0 .. len(STATUS) - 1
        counts = np.bincount(status.ravel().astype(np.intp))  # (np.unique sorts: 0.2 ms for 10^4 runs)
        tally = {_kernel._STATUSES[k]: int(c) for k, c in enumerate(counts) if c}
    else:
        tally = Counter(status)
    failed = Counter()
    for s, c in tally.items():
        if _kernel.Status(s).failed:
            failed[str(_kernel.Status(s))] += c
    if not failed:
        return
    n = sum(failed.values())
    kinds = ", ".join(f"{v} {k}" for k, v in sorted(failed.items()))
    msg = (
        f"{n} of {len(status)} runs failed ({kinds}): their end states mean nothing "
        "(raise max_steps, loosen rtol/atol, or check the payoffs' domain)"
    )
    if throw:
        raise SimulationError(msg)
    warnings.warn(msg, RuntimeWarning, stacklevel=stacklevel)


def simulate(
    system: Game | Dynamics,
    x0,
    *,
    params: Mapping[str, float],
    t_end: float = 100.0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    t_eval=None,
    f_tol: float = _kernel.F_TOL,
    max_steps: int = _kernel.MAX_STEPS,
    throw: bool = False,
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
        Tolerances, as in :func:`scipy.integrate.solve_ivp`, of the log-ratio coordinates (``atol``:
        a relative error of each share).
    t_eval : array_like, optional
        Times at which to store the states (memory grows with ``runs * len(t_eval)``);
        by default only final states are kept.
    f_tol : float
        A run still moving faster than this at ``t_end`` is ``no-convergence``.
    max_steps : int
        Budget of step attempts per run (``max-steps`` beyond it).
    throw : bool
        Raise :class:`~govgame.errors.SimulationError` when a run fails (step underflow, ``max_steps``,
        non-finite payoffs) instead of warning.

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
    program, registers = kernel_program(game, [params])
    res = _kernel.integrate_runs(
        pay, offs, stable, to_full(game, X), t_end=t_end, rtol=rtol, atol=atol, t_eval=te, f_tol=f_tol,
        max_steps=max_steps, program=program, registers=registers,
    )  # fmt: skip
    final, t_stop, code, paths = res.final, res.t_stop, res.code, res.paths
    report_failures(res.code, throw=throw)
    return Trajectories(
        x0=X,
        final=to_reduced(game, final),
        t_stop=t_stop,
        code=code,
        t_end=float(t_end),
        t=te,
        paths=None if paths is None else to_reduced(game, paths),
        params={k: float(params[k]) for k in game.parameter_names if k in params},
        cycles=res,
        full_final=final,
        game=game,
    )
