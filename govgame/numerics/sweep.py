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
>>> [(c.values["b"], c.ess, c.reached) for c in res.cells]
[(0.5, ('a/a', 'z/z'), {'z/z': 0.8888888888888888, 'a/a': 0.1111111111111111}), (2.0, ('a/a', 'z/z'), {'a/a': 0.8888888888888888, 'z/z': 0.1111111111111111})]
"""

from __future__ import annotations

import itertools
import math
import re
import sys
import warnings
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import _kernel
from .dynamics import numeric_payoffs
from .errors import ParameterError, SimulationError
from .model import Game
from .simulate import CLASSIFY_TOL, check_starts, classify, grid_starts, outcome_key, to_full, to_reduced

__all__ = ["Cell", "SweepResult", "Sensitivity", "sweep", "sensitivity", "parse_vary"]

#: Runs per chunk of cells sent to one worker (a chunk holds whole cells).
RUNS_PER_CHUNK = 20_000


@dataclass(frozen=True)
class Cell:
    """One point of the parameter grid.

    Attributes
    ----------
    values : dict
        The varied parameters' values at this cell.
    ess : tuple of str
        Profiles (``"/"``-joined) of the vertices whose numeric verdict is ``ess``.
    reached : dict
        Share of the starts ending at each outcome (keys as in SPEC §4), by decreasing share.
    """

    values: dict[str, float]
    ess: tuple[str, ...]
    reached: dict[str, float]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Result of :func:`sweep` (SPEC §5); :meth:`to_dict` gives the JSON."""

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

    def to_dict(self) -> dict:
        """JSON-ready dict (SPEC §5).

        >>> _example().to_dict()["cells"][1]
        {'values': {'b': 4.0}, 'ess': ['c/c', 'd/d'], 'reached': {'c/c': 0.75, 'd/d': 0.25}}
        """
        return {
            "model": self.model,
            "vary": {k: [float(v) for v in vals] for k, vals in self.vary.items()},
            "grid": self.grid,
            "cells": [{"values": dict(c.values), "ess": list(c.ess), "reached": dict(c.reached)} for c in self.cells],
        }


def _example() -> SweepResult:
    """A small hand-made result, for the examples."""
    cells = (
        Cell({"b": 2.0}, ("d/d",), {"d/d": 1.0}),
        Cell({"b": 4.0}, ("c/c", "d/d"), {"c/c": 0.75, "d/d": 0.25}),
    )
    return SweepResult("pd", {"b": np.array([2.0, 4.0])}, 2, 100.0, {}, cells)


def parse_vary(text: str) -> tuple[str, np.ndarray]:
    """Parse ``NAME=START:STOP:NUM`` into the name and ``numpy.linspace(START, STOP, NUM)``.

    >>> parse_vary("S_e=0:1:3")
    ('S_e', array([0. , 0.5, 1. ]))
    >>> parse_vary("S_e=0:1")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --vary "S_e=0:1" must look like NAME=START:STOP:NUM, e.g. S_e=0:10:21
    """
    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^:]+):([^:]+):([^:]+)\s*", text)
    if not m:
        raise ParameterError(f'--vary "{text}" must look like NAME=START:STOP:NUM, e.g. S_e=0:10:21')
    name, a, b, n = m.groups()
    try:
        start, stop = float(a), float(b)
    except ValueError:
        raise ParameterError(f'--vary "{text}": START and STOP must be numbers') from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ParameterError(f'--vary "{text}": START and STOP must be finite numbers')
    try:
        num = int(n)
    except ValueError:
        raise ParameterError(f'--vary "{text}": NUM must be a whole number >= 1, found "{n.strip()}"') from None
    if num < 1:
        raise ParameterError(f'--vary "{text}": NUM must be a whole number >= 1, found {num}')
    return name, np.linspace(start, stop, num)


# --------------------------------------------------------------------------- workers
def _run_chunk(pay, offs, stable, Y0, t_end, rtol, atol, threads=None):
    """Integrate every start at every parameter set of a chunk (runs in any process)."""
    if threads is not None:
        import numba

        numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    C, S = pay.shape[0], Y0.shape[0]
    tidx = np.repeat(np.arange(C, dtype=np.int64), S)
    final, _, code, _, _ = _kernel.integrate(
        pay, offs, stable, np.tile(Y0, (C, 1)), tidx, t_end=t_end, rtol=rtol, atol=atol
    )
    return final, code


def _init_worker() -> None:
    import numba

    numba.set_num_threads(1)


def _progress_bar(total: int, enabled: bool):
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="cell", file=sys.stderr, leave=False)


def _execute(tasks: list[tuple], *, workers, scheduler, bar) -> list[tuple]:
    out: list = [None] * len(tasks)
    if scheduler is not None:
        from dask.distributed import Client, as_completed

        with Client(scheduler) as client:
            futures = [client.submit(_run_chunk, *t, 1, pure=False) for t in tasks]
            index = {f.key: i for i, f in enumerate(futures)}
            for fut in as_completed(futures):
                i = index[fut.key]
                out[i] = fut.result()
                if bar is not None:
                    bar.update(tasks[i][0].shape[0])
        return out
    if workers is not None and workers > 1 and len(tasks) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        _kernel.warm()  # compile / load the cache once, so workers only load it from disk
        ctx = mp.get_context("spawn")  # never fork a process that holds an OpenMP pool
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker) as ex:
            futs = {ex.submit(_run_chunk, *t): i for i, t in enumerate(tasks)}
            for fut in as_completed(futs):
                i = futs[fut]
                out[i] = fut.result()
                if bar is not None:
                    bar.update(tasks[i][0].shape[0])
        return out
    for i, t in enumerate(tasks):
        out[i] = _run_chunk(*t)
        if bar is not None:
            bar.update(t[0].shape[0])
    return out


# --------------------------------------------------------------------------- sweep
def _grid_values(game: Game, vary: Mapping[str, Sequence[float]]) -> dict[str, np.ndarray]:
    if not vary:
        raise ParameterError("a sweep needs at least one --vary NAME=START:STOP:NUM")
    out = {}
    for name, vals in vary.items():
        par = game.parameter(name)  # ParameterError for an unknown name
        arr = np.atleast_1d(np.asarray(vals, dtype=float))
        if arr.ndim != 1 or arr.size < 1:
            raise ParameterError(f"--vary {name}: give at least one value")
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"--vary {name}: values must be finite numbers")
        for v in arr:
            if not par.sign_ok(float(v)):
                par.check(float(v), where=f"--vary {name}")  # raises ParameterError naming the value
        outside = [float(v) for v in arr if not par.in_range(float(v))]
        if outside:  # one warning per parameter, not one per value
            lo, hi = par.range  # type: ignore[misc]
            warnings.warn(
                f"--vary {name}: {len(outside)} of {arr.size} values lie outside the range [{lo:g}, {hi:g}] "
                f"of {name} (from {min(outside):g} to {max(outside):g})",
                stacklevel=3,
            )
        out[name] = arr
    return out


def sweep(
    game: Game,
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
    tol: float = CLASSIFY_TOL,
) -> SweepResult:
    """Outcomes over a Cartesian parameter grid (a region map, SPEC §5).

    Parameters
    ----------
    game : Game
    vary : mapping of str to array_like
        Values of each varied parameter; cells are the Cartesian product, row-major in
        the order of ``vary``.
    params : mapping
        Values of the other parameters (the varied ones are overridden per cell).
    grid : int
        ``--grid N``: the starts of :func:`govgame.simulate.grid_starts`.
    x0 : array_like, optional
        Explicit starts instead of the grid.
    t_end, rtol, atol : float
        As in :func:`govgame.simulate.simulate`.
    workers : int, optional
        Run chunks of cells in this many local processes.
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:port``); chunks run on its workers.
    progress : bool
        Show a tqdm bar on stderr (only when stderr is a terminal).
    rest_points : callable, optional
        ``values -> equilibria`` used to name runs that end away from every vertex (called
        only for cells that have such runs). By default
        ``govgame.equilibria.find_equilibria(replicator(game), params=values, symbolic=False)``.
    tol : float
        Classification tolerance (maximum norm).

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
    values = _grid_values(game, vary)
    names = list(values)
    starts = grid_starts(game, grid) if x0 is None else check_starts(game, x0)
    S = len(starts)
    Y0 = to_full(game, starts)
    cells_values = [dict(zip(names, (float(v) for v in combo))) for combo in itertools.product(*values.values())]
    base = {k: float(v) for k, v in params.items()}

    pays = []
    for cv in cells_values:
        pays.append(numeric_payoffs(game, {**base, **cv}))
    pay, offs = _kernel.pack(game.shape, pays)
    stable = _kernel.stable_vertices(pay, game.shape)

    per = max(1, RUNS_PER_CHUNK // max(S, 1))
    tasks = [
        (pay[c : c + per], offs, stable[c : c + per], Y0, float(t_end), float(rtol), float(atol))
        for c in range(0, len(cells_values), per)
    ]
    bar = _progress_bar(len(cells_values), progress)
    try:
        results = _execute(tasks, workers=workers, scheduler=scheduler, bar=bar)
    finally:
        if bar is not None:
            bar.close()
    final = to_reduced(game, np.concatenate([r[0] for r in results]).reshape(len(cells_values), S, -1))
    code = np.concatenate([r[1] for r in results]).reshape(len(cells_values), S)

    from .simulate import vertex_equilibria

    vertices = vertex_equilibria(game)
    vkey_of = {e.name: outcome_key(e) for e in vertices}
    vkeys = ["/".join(pr) for pr in game.profiles]
    settled_codes = {_kernel.CONVERGED, _kernel.STALLED, _kernel.T_END}
    cells = []
    for c, cv in enumerate(cells_values):
        names_v = classify(final[c], vertices, tol=tol)
        keys: list[str] = []
        pending = []
        for s in range(S):
            if int(code[c, s]) not in settled_codes:
                keys.append("none")
            elif names_v[s] is not None:
                keys.append(vkey_of[names_v[s]])
            else:
                keys.append("")
                pending.append(s)
        if pending:
            eqs = _rest_points(game, {**base, **cv}, rest_points)
            found = classify(final[c, pending], eqs, tol=tol)
            by_name = {getattr(e, "equilibrium", e).name: e for e in eqs}
            for s, n in zip(pending, found):
                keys[s] = "none" if n is None else outcome_key(by_name[n])
        counts = Counter(keys)
        reached = {k: n / S for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))}
        ess = tuple(vkeys[j] for j in np.nonzero(stable[c])[0])
        cells.append(Cell(values=cv, ess=ess, reached=reached))
    return SweepResult(
        model=game.name,
        vary=values,
        grid=int(grid),
        t_end=float(t_end),
        params=base,
        cells=tuple(cells),
    )


def _rest_points(game: Game, values: dict[str, float], rest_points) -> list:
    if rest_points is not None:
        return list(rest_points(values))
    from . import equilibria
    from .dynamics import replicator

    finder = getattr(equilibria, "find_equilibria", None)
    if finder is None:  # pragma: no cover - until the equilibrium finder lands
        return []
    try:
        return list(finder(replicator(game), params=values, symbolic=False))
    except Exception as exc:  # a failure there must not lose the whole map; say so
        cell = ", ".join(f"{k}={v:g}" for k, v in values.items())
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
    values : numpy.ndarray
        ``(V,)`` its values.
    t : numpy.ndarray
        ``(T,)`` times.
    paths : numpy.ndarray
        ``(V, T, n)`` states (state order) at ``t`` for each value.
    state : tuple of str
        State names.
    """

    name: str
    values: np.ndarray
    t: np.ndarray
    paths: np.ndarray
    state: tuple[str, ...]


def sensitivity(
    game: Game,
    name: str,
    values: Sequence[float],
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
    game : Game
    name : str
        Parameter to vary.
    values : array_like
        Its values.
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
    par = game.parameter(name)
    vals = np.atleast_1d(np.asarray(values, dtype=float))
    for v in vals:
        par.check(float(v), where=f"{name}")
    X = check_starts(game, x0)
    if len(X) != 1:
        raise SimulationError(f"sensitivity needs exactly one start, found {len(X)}")
    te = np.linspace(0.0, t_end, 201) if t_eval is None else np.atleast_1d(np.asarray(t_eval, dtype=float))
    base = {k: float(v) for k, v in params.items()}
    pay, offs = _kernel.pack(game.shape, [numeric_payoffs(game, {**base, name: float(v)}) for v in vals])
    stable = _kernel.stable_vertices(pay, game.shape)
    Y0 = np.repeat(to_full(game, X), len(vals), axis=0)
    _, _, _, paths, _ = _kernel.integrate(
        pay, offs, stable, Y0, np.arange(len(vals)), t_end=t_end, rtol=rtol, atol=atol, t_eval=te
    )
    return Sensitivity(name=name, values=vals, t=te, paths=to_reduced(game, paths), state=game.state_names)
