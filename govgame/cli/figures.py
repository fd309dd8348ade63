r"""The standard figures of a model, from parameter values to a drawn figure (``govgame plot``, reports).

Each recipe runs the numerics a figure needs (:func:`govgame.numerics.integrate.simulate`,
:func:`govgame.numerics.sweep.sweep`), names where each run ends (:func:`govgame.numerics.outcomes.outcome_key`)
and hands the arrays to :mod:`govgame.plot`, which draws them. This module never imports
matplotlib itself (it combines every room, so it sits with the command, in the last room); the command line (``govgame plot MODEL KIND``), :func:`govgame.report.write_report`
and the paper all draw through it, so the same figure comes out of each.

Every recipe returns a :class:`Figure`: the matplotlib figure, a caption in LaTeX (symbols in
``$...$``, prose escaped) and the kind. The kinds (:data:`KINDS`):

``timeseries``
    shares over time: from one start, one line per share; from several starts, or with
    ``vary=(name, values)`` from one start under several values of one parameter, a panel per
    share and one line per start or value;
``phase``
    phase plane (two state coordinates, with streamlines), 3-D portrait (three), or a 3-D
    projection (more; ``coords`` picks the axes), trajectories coloured by where they end;
``region``
    region map over two parameters, one category per cell (:func:`govgame.plot.region_label`:
    the outcome, ``bistable: a | b``, or ``none``);
``basins``
    share of a grid of starts reaching each outcome;
``sensitivity``
    those shares as one parameter varies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..errors import ParameterError
from ..model.game import Game

__all__ = [
    "KINDS",
    "Figure",
    "center_start",
    "diagonal_starts",
    "phase_figure",
    "time_series_figure",
    "region_figure",
    "basins_figure",
    "sensitivity_figure",
    "figure",
]

#: The figure kinds of ``govgame plot``.
KINDS = ("timeseries", "phase", "region", "basins", "sensitivity")

#: Samples per trajectory: enough that a closed orbit is a smooth curve, not a polygon.
SAMPLES = 401


@dataclass(frozen=True, eq=False)
class Figure:
    """A drawn figure and what it shows.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    caption : str
        A LaTeX caption (model symbols in ``$...$``).
    kind : str
        One of :data:`KINDS`.
    """

    figure: Any
    caption: str
    kind: str


def _esc(text: str) -> str:
    from ..io.latex import latex_escape

    return latex_escape(text)


def _sym(game: Game, name: str) -> str:
    return "$" + game.parameter(name).latex + "$"


def center_start(game: Game) -> np.ndarray:
    """The centre of the state space: every strategy of a population at share ``1/k``.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> center_start(load_model("battery_echelon")).round(3).tolist()
    [[0.5, 0.333, 0.333, 0.5]]
    """
    return np.array([[1.0 / p.k for p in game.populations for _ in range(p.k - 1)]])


def diagonal_starts(game: Game, values: Sequence[float]) -> np.ndarray:
    """Starts on the diagonal: for each ``v``, every population's first strategy at share ``v``.

    The other strategies of a population share the rest equally.

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> diagonal_starts(load_model("battery_recycling"), [0.2, 0.8]).tolist()
    [[0.2, 0.2, 0.2], [0.8, 0.8, 0.8]]
    >>> diagonal_starts(load_model("battery_echelon"), [0.8]).round(3).tolist()
    [[0.8, 0.8, 0.1, 0.8]]
    """
    rows = []
    for v in values:
        row: list[float] = []
        for p in game.populations:
            row += [float(v)] + [(1.0 - v) / (p.k - 1)] * (p.k - 2)
        rows.append(row)
    return np.array(rows, dtype=float)


def _starts_text(game: Game, x0: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:.2g}" for v in x0) + ")"


def _equilibria(game: Game, values: Mapping[str, float], analysis: Any = None) -> list:
    """Rest points with numeric verdicts (for markers and names); the vertices alone when that fails."""
    if analysis is not None:
        return list(analysis.equilibria)
    from ..analysis.pipeline import analyze

    return list(analyze(game, params=values, symbolic=False).equilibria)


def _keys(traj: Any, equilibria: Sequence) -> list[str]:
    from ..numerics.outcomes import run_keys

    return run_keys(traj, equilibria)


# --------------------------------------------------------------------------- recipes
def phase_figure(
    game: Game,
    values: Mapping[str, float],
    *,
    starts: Any = None,
    grid: int | None = None,
    t_end: float = 60.0,
    coords: Sequence[int] | None = None,
    analysis: Any = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Phase plane, 3-D portrait or projection, trajectories coloured by their outcome.

    Parameters
    ----------
    game : Game
    values : mapping
        A value for every parameter.
    starts : array_like, optional
        Starts in state order (default: the ``grid`` starts).
    grid : int, optional
        ``grid_starts(game, grid)`` when no ``starts`` are given (default 2, or 3 for two coordinates).
    t_end : float
    coords : three ints, optional
        Axes of a 3-D projection (:func:`govgame.plot.default_coords`).
    analysis : Analysis, optional
        An analysis at ``values`` (saves recomputing the rest points).
    size : (width, height) in inches, optional

    Returns
    -------
    Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> fig = phase_figure(game, game.values(), t_end=20)
    >>> fig.kind, fig.figure.axes[0].name
    ('phase', '3d')
    """
    from .. import plot
    from ..analysis.dynamics import replicator
    from ..numerics.integrate import simulate
    from ..numerics.starts import grid_starts

    n = len(game.state_names)
    if n < 2:
        raise ParameterError(f"a phase portrait needs two or more state coordinates; {game.name} has {n}")
    x0 = grid_starts(game, _grid_n(game, grid or (3 if n == 2 else 2))) if starts is None else starts
    t = np.linspace(0.0, t_end, SAMPLES)
    traj = simulate(game, x0, params=values, t_end=t_end, t_eval=t)
    eqs = _equilibria(game, values, analysis)
    keys = _keys(traj, eqs)
    with plot.style(plot.current_style()):
        if n == 2:
            ax = plot._new_axes(size=size or (3.4, 3.1))
            plot.phase_plane(game, replicator(game).numeric(values).f, paths=traj.paths, equilibria=eqs, ax=ax,
                             outcomes=keys)  # fmt: skip
            caption = "Phase plane: streamlines (grey), trajectories coloured by the outcome they reach, rest points"
        else:
            ax = plot._new_axes(projection="3d", size=size or (3.4, 3.4))
            plot.phase_portrait_3d(game, traj.paths, equilibria=eqs, ax=ax, outcomes=keys, coords=coords)
            if n == 3:
                caption = "Phase portrait: trajectories coloured by the outcome they reach, and the rest points"
            else:
                shown = coords or plot.default_coords(game)
                names = ", ".join("$" + plot._share_latex(game.state_names[i]) + "$" for i in shown)
                caption = (
                    f"Projection of the {n}-dimensional state space on ({names}): trajectories coloured by the "
                    "outcome they reach, and the rest points"
                )
    caption += f" (filled: ESS; {len(x0)} starts, $t \\le {t_end:g}$)."
    return Figure(plot._figure_of(ax), caption, "phase")


def time_series_figure(
    game: Game,
    values: Mapping[str, float],
    *,
    starts: Any = None,
    vary: tuple[str, Sequence[float]] | None = None,
    t_end: float = 60.0,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Shares over time: from one start, from several starts, or from one start under several values of one parameter.

    Parameters
    ----------
    game : Game
    values : mapping
    starts : array_like, optional
        One or more starts (default: the centre :func:`center_start`, or, without
        ``vary``, three starts on the diagonal).
    vary : (name, values), optional
        A family over the values of one parameter (from the first start).
    t_end : float
    size : (width, height) in inches, optional

    Returns
    -------
    Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> fig = time_series_figure(game, game.values(), vary=("F_e", [0.0, 4.0]), t_end=20)
    >>> fig.kind, len(fig.figure.axes), [ln.get_label() for ln in fig.figure.axes[0].lines]
    ('timeseries', 3, ['$F_{e} = 0$', '$F_{e} = 4$'])
    """
    from .. import plot
    from ..numerics.integrate import simulate
    from ..numerics.starts import check_starts
    from ..numerics.sweep import sensitivity

    t = np.linspace(0.0, t_end, SAMPLES)
    if vary is not None:
        name, vals = vary
        x0 = center_start(game) if starts is None else check_starts(game, starts)[:1]
        s = sensitivity(game, name, vals, params=values, x0=x0[0], t_end=t_end, t_eval=t)
        labels = [f"${game.parameter(name).latex} = {v:g}$" for v in s.levels]
        axes = plot.time_series_family(game, t, s.paths, labels, size=size)
        caption = (
            f"Shares over time from the start {_starts_text(game, x0[0])} for {len(labels)} values of "
            f"{_sym(game, name)} ({_esc(game.parameter(name).description) or 'the parameter varied'})."
        )
        return Figure(plot._figure_of(axes), caption, "timeseries")
    x0 = diagonal_starts(game, [0.2, 0.5, 0.8]) if starts is None else check_starts(game, starts)
    traj = simulate(game, x0, params=values, t_end=t_end, t_eval=t)
    if len(x0) == 1:
        ax = plot.time_series(game, t, traj.paths[0], size=size)
        caption = f"Shares over time from the start {_starts_text(game, x0[0])}."
        return Figure(plot._figure_of(ax), caption, "timeseries")
    labels = [f"start {_starts_text(game, x)}" for x in x0]
    axes = plot.time_series_family(game, t, traj.paths, labels, legend_title="Start", size=size)
    caption = f"Shares over time from {len(x0)} starts (one line style each)."
    return Figure(plot._figure_of(axes), caption, "timeseries")


def region_figure(
    game: Game,
    values: Mapping[str, float],
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    *,
    grid: int = 2,
    t_end: float = 60.0,
    workers: int | None = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Region map over two parameters: each cell the outcome of its grid of starts, or ``bistable: a | b``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> fig = region_figure(game, game.values(), ("S_e", [0.0, 3.0]), ("F_e", [0.0, 8.0]), grid=1, t_end=20)
    >>> fig.kind, fig.figure.axes[0].get_xlabel()
    ('region', '$S_{e}$')
    """
    from .. import plot
    from ..numerics.sweep import sweep

    (xname, xs), (yname, ys) = x, y
    if xname == yname:
        raise ParameterError(f"a region map needs two different parameters; {xname} given twice")
    res = sweep(
        game,
        {xname: xs, yname: ys},
        params=values,
        grid=_grid_n(game, grid),
        t_end=t_end,
        workers=workers,
        progress=False,
    )
    labels = res.labels().T  # each cell named by numerics.outcomes.region_label; rows: the vertical parameter
    ax = plot.region_map(game, xname, res.vary[xname], yname, res.vary[yname], labels, size=size)
    starts = len(_grid(game, grid))
    caption = (
        f"Outcome over {_sym(game, xname)} and {_sym(game, yname)} ({len(res.vary[xname])}$\\times$"
        f"{len(res.vary[yname])} cells, {starts} grid starts each, $t \\le {t_end:g}$; other parameters fixed). "
        "``bistable'' cells send different starts to different outcomes; in ``none'' cells no run had settled."
    )
    return Figure(plot._figure_of(ax), caption, "region")


def _grid_n(game: Game, n: int) -> int:
    """``n``, or the smallest larger grid with starts (``--grid 1`` has none in a three-strategy simplex)."""
    from ..limits import smallest_grid

    return max(n, smallest_grid(game.shape))


def _grid(game: Game, n: int) -> np.ndarray:
    from ..numerics.starts import grid_starts

    return grid_starts(game, _grid_n(game, n))


def basins_figure(
    game: Game,
    values: Mapping[str, float],
    *,
    grid: int = 4,
    t_end: float = 60.0,
    analysis: Any = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Share of the ``--grid`` starts reaching each outcome (basins of attraction).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> fig = basins_figure(game, game.values(), grid=2, t_end=20)
    >>> fig.kind, len(fig.figure.axes[0].patches) >= 1
    ('basins', True)
    """
    from .. import plot
    from ..numerics.integrate import simulate
    from ..numerics.outcomes import basins

    x0 = _grid(game, grid)
    traj = simulate(game, x0, params=values, t_end=t_end)
    shares = basins(traj, _equilibria(game, values, analysis))
    ax = plot.basin_shares(shares, game=game, size=size)
    caption = f"Share of {len(x0)} grid starts reaching each outcome ($t \\le {t_end:g}$; basins of attraction)."
    return Figure(plot._figure_of(ax), caption, "basins")


def sensitivity_figure(
    game: Game,
    values: Mapping[str, float],
    vary: tuple[str, Sequence[float]],
    *,
    grid: int = 3,
    t_end: float = 60.0,
    workers: int | None = None,
    size: tuple[float, float] | None = None,
) -> Figure:
    """Share of the grid starts reaching each outcome as one parameter varies.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> fig = sensitivity_figure(game, game.values(), ("F_e", [0.0, 5.0, 10.0]), grid=1, t_end=20)
    >>> fig.kind, fig.figure.axes[0].get_xlabel()
    ('sensitivity', '$F_{e}$')
    """
    from .. import plot
    from ..numerics.sweep import sweep

    name, vals = vary
    res = sweep(
        game, {name: vals}, params=values, grid=_grid_n(game, grid), t_end=t_end, workers=workers, progress=False
    )
    ax = plot.basin_curves(game, name, res.vary[name], [c.reached for c in res.cells], size=size)
    caption = (
        f"Share of {len(_grid(game, grid))} grid starts reaching each outcome as {_sym(game, name)} varies "
        f"({len(res.vary[name])} values, other parameters fixed, $t \\le {t_end:g}$)."
    )
    return Figure(plot._figure_of(ax), caption, "sensitivity")


def figure(kind: str, game: Game, values: Mapping[str, float], **options: Any) -> Figure:
    """The figure of one of :data:`KINDS` (dispatch to the recipes above).

    Examples
    --------
    >>> figure("pie", None, {})
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: unknown figure kind 'pie': choose one of timeseries, phase, region, basins, sensitivity
    """
    recipes = {
        "timeseries": time_series_figure,
        "phase": phase_figure,
        "region": region_figure,
        "basins": basins_figure,
        "sensitivity": sensitivity_figure,
    }
    if kind not in recipes:
        raise ParameterError(f"unknown figure kind {kind!r}: choose one of {', '.join(KINDS)}")
    return recipes[kind](game, values, **options)
