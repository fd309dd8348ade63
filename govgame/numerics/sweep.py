"""Parameter sweeps: region maps of outcomes over a parameter grid, and one-parameter sensitivity.

:func:`sweep` integrates the ``--grid N`` starts at every cell of a Cartesian parameter grid
(SPEC §5). All runs of a chunk of cells go through the compiled kernel in one call; chunks run
in this process, in local worker processes (``workers=N``) or on a Dask cluster
(``scheduler="tcp://host:port"``). Every run is integrated independently (per-run adaptive
steps), so the result is the same, bit for bit, whichever way it ran.

>>> from govgame.model import Game, Population, Parameter
>>> b = Parameter("b", value=1.0)
>>> game = Game(
...     name="coord",
...     populations=(Population("row", ("a", "z"), ("x",)), Population("col", ("a", "z"), ("y",))),
...     parameters=(b,),
...     payoffs={("a", "a"): (b.symbol, b.symbol), ("a", "z"): (0, 0), ("z", "a"): (0, 0), ("z", "z"): (1, 1)},
... )
>>> res = sweep(game, {"b": [0.5, 2.0]}, params=game.values(), progress=False)
>>> [(c.params["b"], c.ess, c.reached) for c in res.cells]
[(0.5, ('a/a', 'z/z'), {'z/z': 0.8888888888888888, 'a/a': 0.1111111111111111}), (2.0, ('a/a', 'z/z'), {'a/a': 0.8888888888888888, 'z/z': 0.1111111111111111})]
"""

from __future__ import annotations

import itertools
import math
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .._deprecation import renamed_options
from ..analysis.dynamics import Dynamics, parameter_vector, payoff_evaluator
from ..errors import ParameterError, ParameterWarning, SimulationError
from ..limits import MAX_CELLS, MAX_RUNS
from ..model.game import Game
from ..model.program import payoff_program
from . import kernel as _kernel
from .coordinates import to_full, to_reduced
from .cycles import Outcome, run_outcomes, summary_key
from .integrate import kernel_program, report_failures
from .outcomes import REACH_TOL, classify, outcome_key, region_label, vertex_equilibria
from .starts import check_starts, grid_starts

__all__ = ["Cell", "SweepResult", "Sensitivity", "sweep", "sensitivity", "check_vary"]

#: Runs per chunk of cells sent to one worker (a chunk holds whole cells).
RUNS_PER_CHUNK = 20_000


@dataclass(frozen=True)
class Cell:
    """One point of the parameter grid.

    Attributes
    ----------
    params : dict
        The varied parameters' values at this cell (the others are :attr:`SweepResult.params`);
        the JSON key is ``"values"`` (SPEC §5).
    ess : tuple of str
        Profiles (``"/"``-joined) of the vertices whose numeric verdict is ``ess``.
    reached : dict
        Share of the starts ending at each outcome (keys as in SPEC §4), by decreasing share.
    """

    params: dict[str, float]
    ess: tuple[str, ...]
    reached: dict[str, float]

    @property
    def values(self) -> dict[str, float]:
        """Deprecated name of :attr:`params`."""
        warnings.warn("Cell.values is deprecated; use Cell.params", DeprecationWarning, stacklevel=2)
        return self.params

    @property
    def label(self) -> str:
        """The region-map label of this cell (:func:`govgame.numerics.outcomes.region_label`)."""
        return region_label(self.reached)


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Result of :func:`sweep` (SPEC §5); :func:`govgame.io.json.sweep_to_dict` gives the JSON.

    Attributes
    ----------
    model : str
    vary : dict of str to numpy.ndarray
        The values each varied parameter takes.
    grid : int
    t_end : float
    params : dict
        The values of the parameters that were not varied.
    cells : tuple of Cell
        Row-major in the order of :attr:`vary`.
    """

    model: str
    vary: dict[str, np.ndarray]
    grid: int
    t_end: float
    params: dict[str, float]
    cells: tuple[Cell, ...]

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape, one axis per varied parameter (row-major order of :attr:`cells`).

        >>> _example().shape
        (2,)
        """
        return tuple(len(v) for v in self.vary.values())

    def outcome_grid(self) -> np.ndarray:
        """The most frequent outcome of each cell as an object array of :attr:`shape`.

        >>> _example().outcome_grid().tolist()
        ['d/d', 'c/c']
        """
        keys = [max(c.reached.items(), key=lambda kv: (kv[1], kv[0]))[0] if c.reached else "none" for c in self.cells]
        return np.array(keys, dtype=object).reshape(self.shape)

    def labels(self) -> np.ndarray:
        """The region-map label of each cell (:func:`govgame.numerics.outcomes.region_label`), of :attr:`shape`.

        >>> _example().labels().tolist()
        ['d/d', 'bistable: c/c | d/d']
        """
        return np.array([c.label for c in self.cells], dtype=object).reshape(self.shape)

    def to_dict(self) -> dict:
        """Deprecated: :func:`govgame.io.json.sweep_to_dict` (the JSON of SPEC §5)."""
        warnings.warn(
            "SweepResult.to_dict() is deprecated; use govgame.io.json.sweep_to_dict(result)",
            DeprecationWarning,
            stacklevel=2,
        )
        from ..io.json import sweep_to_dict  # deprecated hook, listed in tests/test_architecture.py

        return sweep_to_dict(self)


def _example() -> SweepResult:
    """A small hand-made result, for the examples."""
    cells = (
        Cell({"b": 2.0}, ("d/d",), {"d/d": 1.0}),
        Cell({"b": 4.0}, ("c/c", "d/d"), {"c/c": 0.75, "d/d": 0.25}),
    )
    return SweepResult("pd", {"b": np.array([2.0, 4.0])}, 2, 100.0, {}, cells)


# --------------------------------------------------------------------------- workers
def _run_chunk(pay, offs, stable, Y0, t_end, rtol, atol, program=None, registers=None, threads=None):
    """Integrate every start at every parameter set of a chunk (runs in any process).

    Returns the end states (full coordinates), the status codes and the kernel's return-map
    records (a :class:`~govgame.numerics.kernel.KernelResult` without paths).
    """
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    C, S = pay.shape[0], Y0.shape[0]
    tidx = np.repeat(np.arange(C, dtype=np.int64), S)
    res = _kernel.integrate_runs(
        pay, offs, stable, np.tile(Y0, (C, 1)), tidx, t_end=t_end, rtol=rtol, atol=atol, program=program,
        registers=registers,
    )  # fmt: skip
    return res


def _progress_bar(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="cell", file=sys.stderr, leave=False)


def _execute(tasks: list[tuple], *, workers, scheduler, bar) -> list[tuple]:
    """Run the chunks here, on local processes or on Dask (see :mod:`govgame.numerics.executors`)."""
    from .executors import run_tasks

    def done(i: int) -> None:
        if bar is not None:
            bar.update(tasks[i][0].shape[0])

    if workers is not None and workers > 1 and len(tasks) > 1:
        _kernel.warm()  # compile / load the cache once, so workers only load it from disk
    return run_tasks(_run_chunk, tasks, workers=workers, scheduler=scheduler, on_done=done, scheduler_args=(1,))


# --------------------------------------------------------------------------- sweep
def check_vary(game: Game, vary: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
    """Check the values of varied parameters; return them as float arrays.

    A value of the wrong sign is a :class:`~govgame.errors.ParameterError`; values outside a
    parameter's range give one :class:`~govgame.errors.ParameterWarning` per parameter.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> check_vary(game, {"S_e": [0, 1]})
    {'S_e': array([0., 1.])}
    >>> check_vary(game, {"S_e": [-1, 1]})
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: parameter S_e = -1 violates its sign (nonnegative); give a nonnegative value
    """
    if not vary:
        raise ParameterError("a sweep needs at least one varied parameter")
    out = {}
    for name, vals in vary.items():
        par = game.parameter(name)  # ParameterError for an unknown name
        arr = np.atleast_1d(np.asarray(vals, dtype=float))
        if arr.ndim != 1 or arr.size < 1:
            raise ParameterError(f"parameter {name}: give at least one value to vary it over", parameter=name)
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"parameter {name}: the values to vary it over must be finite", parameter=name)
        for v in arr:
            if not par.sign_ok(float(v)):
                par.check(float(v))  # raises ParameterError naming the value
        outside = [float(v) for v in arr if not par.in_range(float(v))]
        if outside:  # one warning per parameter, not one per value
            lo, hi = par.range  # type: ignore[misc]
            warnings.warn(
                ParameterWarning(
                    f"parameter {name}: {len(outside)} of {arr.size} values lie outside its range [{lo:g}, {hi:g}] "
                    f"(from {min(outside):g} to {max(outside):g})",
                    parameter=name,
                ),
                stacklevel=3,
            )
        out[name] = arr
    return out


@renamed_options({"tol": "reach_tol"})
def sweep(
    system: Game | Dynamics,
    vary: Mapping[str, Sequence[float]],
    *,
    params: Mapping[str, float],
    grid: int = 3,
    x0=None,
    t_end: float = 100.0,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    rest_points: Callable[[dict[str, float]], Sequence] | None = None,
    reach_tol: float = REACH_TOL,
) -> SweepResult:
    """Outcomes over a Cartesian parameter grid (a region map, SPEC §5).

    Parameters
    ----------
    system : Game or Dynamics
        The game, or its :class:`~govgame.analysis.dynamics.Dynamics` (then reused for the
        compiled payoffs and the rest points of every cell).
    vary : mapping of str to array_like
        Values of each varied parameter; cells are the Cartesian product, row-major in
        the order of ``vary``.
    params : mapping
        Values of the other parameters (the varied ones are overridden per cell).
    grid : int
        ``--grid N``: the starts of :func:`govgame.numerics.starts.grid_starts`.
    x0 : array_like, optional
        Explicit starts instead of the grid.
    t_end, rtol, atol : float
        As in :func:`govgame.numerics.integrate.simulate`.
    workers : int, optional
        Run chunks of cells in this many local processes.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:port``); chunks run on its workers.
    progress : bool
        Show a tqdm bar on stderr (only when stderr is a terminal).
    rest_points : callable, optional
        ``params -> equilibria`` used to name runs that end away from every vertex (called
        only for cells that have such runs, with the cell's complete parameter values). By
        default ``find_equilibria(dynamics, params=params, symbolic=False)``, the replicator
        dynamics being built once for all cells.
    reach_tol : float
        Classification tolerance, maximum norm (``tol=`` is the deprecated name).

    Returns
    -------
    SweepResult

    Examples
    --------
    Prisoner's dilemma with a reward ``b`` for mutual cooperation: cooperation becomes
    stable once ``b > 3``.

    >>> from govgame.model import Game, Population, Parameter
    >>> b = Parameter("b", value=2.0)
    >>> pd = Game(name="pd", populations=(Population("r", ("c", "d"), ("x",)), Population("s", ("c", "d"), ("y",))),
    ...           parameters=(b,), payoffs={("c", "c"): (b.symbol, b.symbol), ("c", "d"): (0, 3),
    ...                                     ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> [c.ess for c in sweep(pd, {"b": [2.0, 4.0]}, params={}, progress=False).cells]
    [('d/d',), ('c/c', 'd/d')]
    """
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise SimulationError(f"workers must be a whole number >= 1, found {workers!r}")
    if not (isinstance(t_end, (int, float)) and math.isfinite(t_end) and t_end >= 0):
        raise SimulationError(f"t_end must be a number >= 0, found {t_end!r}")
    game = system.game if isinstance(system, Dynamics) else system
    values = check_vary(game, vary)
    names = list(values)
    cells_count = math.prod(len(v) for v in values.values())
    if cells_count > MAX_CELLS:  # counted before a cell is built
        sizes = " x ".join(str(len(v)) for v in values.values())
        raise SimulationError(f"the sweep has {cells_count:,} cells ({sizes}); the limit is {MAX_CELLS:,}")
    starts = grid_starts(game, grid) if x0 is None else check_starts(game, x0)
    S = len(starts)
    if cells_count * S > MAX_RUNS:
        raise SimulationError(
            f"the sweep needs {cells_count * S:,} runs ({cells_count:,} cells x {S:,} starts); the limit is "
            f"{MAX_RUNS:,} (fewer cells or a smaller grid)"
        )
    Y0 = to_full(game, starts)
    cells_values = [dict(zip(names, (float(v) for v in combo))) for combo in itertools.product(*values.values())]
    base = game.check_params(params)  # finite, bounded, of the right sign: a ParameterError otherwise

    program = registers = None
    if payoff_program(game).state_dependent:
        pv = np.array([parameter_vector(game, {**base, **cv}) for cv in cells_values]).reshape(len(cells_values), -1)
        pay = np.zeros((len(cells_values), len(game.populations), len(game.profiles)))
        offs = np.concatenate([[0], np.cumsum(game.shape)]).astype(np.int64)
        stable = _kernel.stable_vertices_at(payoff_program(game), pv, game.shape)
        program, registers = kernel_program(game, [{**base, **cv} for cv in cells_values])
    else:
        evaluate = payoff_evaluator(system)
        pays = [evaluate({**base, **cv}) for cv in cells_values]
        pay, offs = _kernel.pack(game.shape, pays)
        stable = _kernel.stable_vertices(pay, game.shape)

    per = max(1, RUNS_PER_CHUNK // max(S, 1))
    tasks = [
        (
            pay[c : c + per], offs, stable[c : c + per], Y0, float(t_end), float(rtol), float(atol), program,
            None if registers is None else registers[c : c + per],
        )
        for c in range(0, len(cells_values), per)
    ]  # fmt: skip
    bar = _progress_bar(len(cells_values), progress)
    try:
        results = _execute(tasks, workers=workers, scheduler=scheduler, bar=bar)
    finally:
        if bar is not None:
            bar.close()
    C = len(cells_values)
    full = np.concatenate([r.final for r in results]).reshape(C, S, -1)
    final = to_reduced(game, full)
    code = np.concatenate([r.code for r in results]).reshape(C, S)
    rec = {
        k: np.concatenate([getattr(r, k) for r in results])
        for k in ("cycle", "period", "rate", "box_lo", "box_hi", "refs")
    }
    report_failures([_kernel._STATUSES[c] for c in code.ravel()], throw=False)

    vertices = vertex_equilibria(game)
    rest = _RestPoints(system, rest_points)
    vkey_of = {e.name: outcome_key(e) for e in vertices}
    vkeys = ["/".join(pr) for pr in game.profiles]
    cells = []
    for c, cv in enumerate(cells_values):
        names_v = classify(final[c], vertices, reach_tol=reach_tol)
        keys: list[str] = [""] * S
        pending = []
        for s in range(S):
            if int(code[c, s]) == _kernel.CONVERGED and names_v[s] is not None:
                keys[s] = vkey_of[names_v[s]]  # stopped at an asymptotically stable vertex: reached it
            else:
                pending.append(s)
        if pending:  # everything else is decided by the run outcomes (saddle passages, cycles, ...)
            cell_params = {**base, **cv}
            sts = [_kernel._STATUSES[k] for k in code[c, pending]]
            sub = _Records(**{k: v[c * S + np.array(pending)] for k, v in rec.items()})
            vby = {e.name: e for e in vertices}
            first = run_outcomes(
                game, cell_params, full[c, pending], sts, sub, vertices, t_end=float(t_end), tol=reach_tol
            )
            again = [q for q, o in enumerate(first) if not (o.outcome is Outcome.EQUILIBRIUM and o.reached in vby)]
            for q, o in enumerate(first):
                keys[pending[q]] = summary_key(o, vby)
            if again:  # runs away from every vertex (or cycling): the cell's other rest points name them
                eqs = [getattr(e, "equilibrium", e) for e in rest(cell_params)] or vertices
                by_name = {e.name: e for e in eqs}
                sub2 = _Records(**{k: v[np.array(again)] for k, v in vars(sub).items()})
                found = run_outcomes(
                    game, cell_params, full[c, [pending[q] for q in again]], [sts[q] for q in again], sub2, eqs,
                    t_end=float(t_end), tol=reach_tol,
                )  # fmt: skip
                for q, o in zip(again, found):
                    keys[pending[q]] = summary_key(o, by_name)
        counts = Counter(keys)
        reached = {k: n / S for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
        ess = tuple(vkeys[j] for j in np.nonzero(stable[c])[0])
        cells.append(Cell(params=cv, ess=ess, reached=reached))
    return SweepResult(
        model=game.name,
        vary=values,
        grid=int(grid),
        t_end=float(t_end),
        params=base,
        cells=tuple(cells),
    )


@dataclass(frozen=True)
class _Records:
    """The kernel's return-map records of some runs (what :func:`govgame.numerics.cycles.run_outcomes` reads)."""

    cycle: np.ndarray
    period: np.ndarray
    rate: np.ndarray
    box_lo: np.ndarray
    box_hi: np.ndarray
    refs: np.ndarray


class _RestPoints:
    """The rest points of a cell, from the one replicator system of the sweep (built on first need)."""

    def __init__(self, system: Game | Dynamics, rest_points) -> None:
        self.system = system
        self.custom = rest_points

    def __call__(self, params: dict[str, float]) -> list:
        if self.custom is not None:
            return list(self.custom(params))
        from ..analysis.dynamics import replicator
        from ..analysis.equilibria import find_equilibria

        try:
            if not isinstance(self.system, Dynamics):
                self.system = replicator(self.system)  # once for the whole sweep
            return list(find_equilibria(self.system, params=params, symbolic=False))
        except Exception as exc:  # a failure there must not lose the whole map; say so
            cell = ", ".join(f"{k}={v:g}" for k, v in params.items())
            warnings.warn(
                f"could not compute the rest points at {cell} ({type(exc).__name__}: {exc}); "
                'runs there that end away from every vertex are counted as "none"',
                RuntimeWarning,
                stacklevel=3,
            )
            return []


# --------------------------------------------------------------------------- sensitivity
@dataclass(frozen=True, eq=False)
class Sensitivity:
    """Paths from one start as one parameter takes several values.

    Attributes
    ----------
    name : str
        The varied parameter.
    levels : numpy.ndarray
        ``(V,)`` the values it takes.
    t : numpy.ndarray
        ``(T,)`` times.
    paths : numpy.ndarray
        ``(V, T, n)`` states (state order) at ``t`` for each value.
    state : tuple of str
        State names.
    """

    name: str
    levels: np.ndarray
    t: np.ndarray
    paths: np.ndarray
    state: tuple[str, ...]

    @property
    def values(self) -> np.ndarray:
        """Deprecated name of :attr:`levels`."""
        warnings.warn("Sensitivity.values is deprecated; use Sensitivity.levels", DeprecationWarning, stacklevel=2)
        return self.levels


@renamed_options({"values": "levels"})
def sensitivity(
    system: Game | Dynamics,
    name: str,
    levels: Sequence[float],
    *,
    params: Mapping[str, float],
    x0,
    t_end: float = 100.0,
    t_eval=None,
    rtol: float = 1e-6,
    atol: float = 1e-9,
) -> Sensitivity:
    """How each population's share evolves from ``x0`` as parameter ``name`` takes several values.

    The data of the standard sensitivity figure; all values are integrated in one kernel call.

    Parameters
    ----------
    system : Game or Dynamics
    name : str
        Parameter to vary.
    levels : array_like
        The values it takes (``values=`` is the deprecated keyword).
    params : mapping
        Values of the other parameters.
    x0 : array_like
        One start, state order.
    t_end : float
    t_eval : array_like, optional
        Output times (default: 201 points on ``[0, t_end]``).
    rtol, atol : float

    Returns
    -------
    Sensitivity

    Examples
    --------
    >>> from govgame.model import Game, Population, Parameter
    >>> d = Parameter("d", value=1.0, sign="any")
    >>> g = Game(name="g", populations=(Population("a", ("p", "q"), ("x",)), Population("b", ("s", "t"), ("y",))),
    ...          parameters=(d,), payoffs={("p", "s"): (d.symbol, 0), ("p", "t"): (d.symbol, 0),
    ...                                    ("q", "s"): (0, 0), ("q", "t"): (0, 0)})
    >>> s = sensitivity(g, "d", [-1.0, 1.0], params={}, x0=[0.5, 0.5], t_end=1.0, t_eval=[1.0])
    >>> np.round(s.paths[:, -1, 0], 6).tolist()   # logistic: 1 / (1 + e^-d)
    [0.268941, 0.731059]
    """
    game = system.game if isinstance(system, Dynamics) else system
    par = game.parameter(name)
    vals = np.atleast_1d(np.asarray(levels, dtype=float))
    for v in vals:
        par.check(float(v))
    X = check_starts(game, x0)
    if len(X) != 1:
        raise SimulationError(f"sensitivity needs exactly one start, found {len(X)}")
    te = np.linspace(0.0, t_end, 201) if t_eval is None else np.atleast_1d(np.asarray(t_eval, dtype=float))
    base = game.check_params(params)  # finite, bounded, of the right sign: a ParameterError otherwise
    sets = [{**base, name: float(v)} for v in vals]
    Y0 = np.repeat(to_full(game, X), len(vals), axis=0)
    if payoff_program(game).state_dependent:  # the kernel evaluates the payoff program along the runs
        pv = np.array([parameter_vector(game, p) for p in sets]).reshape(len(sets), -1)
        pay = np.zeros((len(sets), len(game.populations), len(game.profiles)))
        offs = np.concatenate([[0], np.cumsum(game.shape)]).astype(np.int64)
        stable = _kernel.stable_vertices_at(payoff_program(game), pv, game.shape)
        program, registers = kernel_program(game, sets)
        paths = _kernel.integrate_runs(
            pay, offs, stable, Y0, np.arange(len(vals)), t_end=t_end, rtol=rtol, atol=atol, t_eval=te,
            program=program, registers=registers,
        ).paths  # fmt: skip
    else:
        evaluate = payoff_evaluator(system)
        pay, offs = _kernel.pack(game.shape, [evaluate(p) for p in sets])
        stable = _kernel.stable_vertices(pay, game.shape)
        _, _, _, paths, _ = _kernel.integrate(
            pay, offs, stable, Y0, np.arange(len(vals)), t_end=t_end, rtol=rtol, atol=atol, t_eval=te
        )
    return Sensitivity(name=name, levels=vals, t=te, paths=to_reduced(game, paths), state=game.state_names)
