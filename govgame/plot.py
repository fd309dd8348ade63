r"""Publication-grade figures: data in, Axes out.

This is the only module of govgame that imports matplotlib, and it imports it
lazily, inside the functions, so ``import govgame`` stays light. Nothing here
computes results: every function takes arrays that an earlier stage produced
(trajectories from :mod:`govgame.numerics.integrate`, verdicts from :mod:`govgame.analysis.stability`,
outcome grids from :mod:`govgame.numerics.sweep`) plus the :class:`~govgame.model.Game` for
the labels, and returns the matplotlib Axes it drew on.

All functions accept ``ax=`` (or ``axes=``) to draw into an existing figure and
create one otherwise. They draw inside :func:`style`, a small rc context tuned for a
single journal column (about 3.4 in wide): serif text at 7-8 pt with STIX maths,
thin lines, no top or right spines on 2-D plots, and the colour-blind-safe
Okabe-Ito palette (:data:`OKABE_ITO`). :func:`save` writes PDF or PNG (300 dpi),
choosing the format from the file suffix.

Labels come from the model: population labels, strategy names and the LaTeX
symbols of the parameters (``$C_{g}$`` from :attr:`Parameter.latex
<govgame.model.Parameter.latex>`).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .model.game import Game, default_latex

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .analysis.stability import Stability

__all__ = [
    "OKABE_ITO",
    "RC",
    "style",
    "save",
    "state_label",
    "phase_portrait_3d",
    "phase_plane",
    "time_series",
    "sensitivity",
    "region_map",
    "basin_shares",
    "stochastic_paths",
    "noise_comparison",
]

#: The Okabe-Ito colour-blind-safe palette, in the order govgame uses it
#: (blue, vermillion, bluish green, orange, sky blue, reddish purple, yellow, black).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#E69F00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)

#: Colour of trajectories in phase portraits.
_TRAJECTORY = OKABE_ITO[0]
#: Grey used for streamlines and "none" outcomes.
_GREY = "#BBBBBB"

#: Matplotlib rc settings applied by :func:`style` (and so by every plotting function).
RC: dict[str, Any] = {
    "font.family": "serif",
    "font.serif": ["STIXGeneral", "STIX Two Text", "Times New Roman", "DejaVu Serif"],
    "mathtext.fontset": "stix",
    "font.size": 8.0,
    "axes.titlesize": 8.0,
    "axes.labelsize": 8.0,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.0,
    "legend.title_fontsize": 7.0,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "legend.borderaxespad": 0.3,
    "axes.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": None,  # filled in by style(): cycler over OKABE_ITO
    "axes.titlepad": 4.0,
    "axes.labelpad": 2.5,
    "lines.linewidth": 1.0,
    "lines.markersize": 4.0,
    "patch.linewidth": 0.5,
    "xtick.major.width": 0.6,
    "ytick.major.width": 0.6,
    "xtick.minor.width": 0.4,
    "ytick.minor.width": 0.4,
    "xtick.major.size": 2.5,
    "ytick.major.size": 2.5,
    "xtick.major.pad": 2.0,
    "ytick.major.pad": 2.0,
    "xtick.direction": "out",
    "ytick.direction": "out",
    "grid.linewidth": 0.4,
    "grid.color": "#DDDDDD",
    "figure.figsize": (3.4, 2.6),
    "figure.dpi": 150,
    "figure.constrained_layout.use": False,
    "savefig.dpi": 300,
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.02,
    "pdf.fonttype": 42,  # embed TrueType: journals reject Type 3 fonts
    "ps.fonttype": 42,
}

#: Single-column and double-column widths in inches.
_COLUMN = 3.4
_DOUBLE = 7.0


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Context manager applying govgame's publication style (:data:`RC`).

    Every plotting function already draws inside it; use it yourself to give your
    own additions (extra text, insets) the same fonts.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from govgame.plot import style
    >>> with style():
    ...     print(plt.rcParams["font.size"], plt.rcParams["axes.spines.top"])
    8.0 False
    """
    import matplotlib as mpl
    from cycler import cycler

    rc = dict(RC)
    rc["axes.prop_cycle"] = cycler(color=list(OKABE_ITO))
    with mpl.rc_context(rc):
        yield


def save(fig_or_ax: Any, path: str | Path, *, dpi: int = 300) -> Path:
    """Save a figure as PDF or PNG (format from the suffix), tightly cropped.

    Parameters
    ----------
    fig_or_ax : Figure, Axes or sequence of Axes
        What to save; for Axes, their figure is saved.
    path : str or Path
        Target file; the suffix (``.pdf``, ``.png``, ``.svg`` or ``.eps``) picks the format.
    dpi : int, default 300
        Resolution of raster output.

    Returns
    -------
    Path
        The path written.

    Examples
    --------
    >>> import matplotlib, tempfile, pathlib
    >>> matplotlib.use("Agg")
    >>> from govgame.plot import basin_shares, save
    >>> ax = basin_shares({"strict/formal": 0.75, "none": 0.25})
    >>> out = save(ax, pathlib.Path(tempfile.mkdtemp()) / "basins.png")
    >>> out.stat().st_size > 0
    True
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in {"pdf", "png", "svg", "eps"}:
        raise ValueError(f"cannot tell the format of {str(path)!r}: use a .pdf, .png, .svg or .eps suffix")
    fig = _figure_of(fig_or_ax)
    with style():
        fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight")
    return path


# ---------------------------------------------------------------------- labels
def _coordinates(game: Game) -> list[tuple[Any, int]]:
    """(population, strategy index) of each state coordinate, in state order."""
    return [(p, i) for p in game.populations for i in range(len(p.shares))]


def _share_latex(name: str) -> str:
    m = re.fullmatch(r"([A-Za-z]+)(\d+)", name)
    if m and len(m.group(1)) == 1:
        return f"{m.group(1)}_{{{m.group(2)}}}"
    return default_latex(name)


def _words(name: str) -> str:
    return name.replace("_", " ")


def _param_latex(game: Game, name: str) -> str:
    return "$" + game.parameter(name).latex + "$"


def state_label(game: Game, index: int, *, form: str = "long") -> str:
    """Axis or legend label of state coordinate ``index``, built from the model.

    Parameters
    ----------
    game : Game
    index : int
        Position in :attr:`Game.state_names`.
    form : {"long", "short", "legend"}
        ``long``: ``"Government: share playing strict ($x$)"``;
        ``short``: ``"Government, strict ($x$)"``;
        ``legend``: ``"Government: strict ($x$)"``.

    Examples
    --------
    >>> from govgame.model import Game, Population
    >>> pops = (Population("government", ("strict", "lax"), ("x",)),
    ...         Population("enterprise", ("formal", "informal"), ("y",)))
    >>> game = Game("toy", pops, (), {p: (0, 0) for p in
    ...     [("strict", "formal"), ("strict", "informal"), ("lax", "formal"), ("lax", "informal")]})
    >>> state_label(game, 0)
    'Government: share playing strict ($x$)'
    """
    coords = _coordinates(game)
    if not 0 <= index < len(coords):
        raise IndexError(f"state index {index} out of range: the game has {len(coords)} state coordinates")
    pop, i = coords[index]
    sym = "$" + _share_latex(pop.shares[i]) + "$"
    strat = _words(pop.strategies[i])
    if form == "long":
        return f"{pop.label}: share playing {strat} ({sym})"
    if form == "short":
        return f"{pop.label}, {strat} ({sym})"
    if form == "legend":
        return f"{pop.label}: {strat} ({sym})"
    raise ValueError(f"form must be 'long', 'short' or 'legend', found {form!r}")


# ---------------------------------------------------------------------- helpers
def _figure_of(obj: Any) -> Figure:
    from matplotlib.figure import Figure

    if isinstance(obj, Figure):
        return obj
    if hasattr(obj, "figure") and obj.figure is not None:
        return obj.figure
    try:
        first = np.ravel(np.asarray(obj, dtype=object))[0]
    except (TypeError, IndexError) as exc:
        raise TypeError(f"expected a Figure or Axes, found {type(obj).__name__}") from exc
    return _figure_of(first)


def _new_axes(*, projection: str | None = None, size: tuple[float, float] = (_COLUMN, 2.6)) -> Axes:
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=size)
    if projection is None:
        return fig.add_subplot()
    return fig.add_subplot(projection=projection)


def _finish_2d(ax: Axes) -> None:
    """Apply the style to an Axes possibly created outside :func:`style`."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(RC["axes.linewidth"])
    ax.tick_params(
        which="major",
        direction="out",
        length=RC["xtick.major.size"],
        width=RC["xtick.major.width"],
        labelsize=RC["xtick.labelsize"],
        pad=RC["xtick.major.pad"],
    )
    # Ticks are created lazily; create them now so they take this style's fonts.
    ax.xaxis.get_major_ticks()
    ax.yaxis.get_major_ticks()


def _check_state_dim(game: Game, n: int, what: str) -> None:
    if len(game.state_names) != n:
        raise ValueError(
            f"{what} needs a game with {n} state coordinates; {game.name!r} has "
            f"{len(game.state_names)} ({', '.join(game.state_names)})"
        )


def _as_paths(paths: Any, n: int, what: str) -> np.ndarray:
    arr = np.asarray(paths, dtype=float)
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[-1] != n:
        raise ValueError(f"{what} must have shape (runs, times, {n}), found {arr.shape}")
    return arr


#: Marker style per class of numeric verdict.
_EQ_STYLE: dict[str, dict[str, Any]] = {
    "ess": {"marker": "o", "facecolor": "black", "edgecolor": "black", "label": "ESS (stable)"},
    "unstable": {"marker": "o", "facecolor": "white", "edgecolor": "black", "label": "unstable (saddle/source)"},
    "non-hyperbolic": {"marker": "D", "facecolor": "#999999", "edgecolor": "black", "label": "non-hyperbolic"},
    "conditional": {"marker": "s", "facecolor": "white", "edgecolor": "#555555", "label": "undecided"},
}


def _verdict_class(verdict: Any) -> str:
    v = str(getattr(verdict, "value", verdict))
    if v == "ess":
        return "ess"
    if v in ("saddle", "source", "not-ess"):
        return "unstable"
    if v == "non-hyperbolic":
        return "non-hyperbolic"
    return "conditional"


def _equilibrium_items(equilibria: Sequence[Stability] | None, n: int) -> list[tuple[str, tuple, str]]:
    """(name, point with None for free coordinates, verdict class) for each drawable equilibrium."""
    items = []
    for st in equilibria or ():
        eq = st.equilibrium
        num = st.numeric
        if num is not None:
            point, verdict = tuple(num.point), num.verdict
        else:
            point, verdict = eq.numeric_point, st.verdict
            if point is None:
                try:
                    point = tuple(None if i in eq.free else float(c) for i, c in enumerate(eq.point))
                except TypeError:  # symbolic coordinates and no values: nothing to draw
                    continue
        if len(point) != n:
            raise ValueError(f"equilibrium {eq.name} has {len(point)} coordinates, expected {n}")
        items.append((eq.name, tuple(None if c is None else float(c) for c in point), _verdict_class(verdict)))
    return items


def _continuum_segment(point: tuple) -> np.ndarray | None:
    """End points of a one-dimensional continuum (one free coordinate), else None."""
    free = [i for i, c in enumerate(point) if c is None]
    if len(free) != 1:
        return None
    lo = [0.0 if c is None else c for c in point]
    hi = [1.0 if c is None else c for c in point]
    return np.array([lo, hi])


def _equilibrium_legend_handles(classes: Sequence[str]) -> list:
    from matplotlib.lines import Line2D

    handles = []
    for c in ("ess", "unstable", "non-hyperbolic", "conditional"):
        if c in classes:
            s = _EQ_STYLE[c]
            handles.append(
                Line2D(
                    [],
                    [],
                    linestyle="none",
                    marker=s["marker"],
                    markersize=4.5 if s["marker"] != "D" else 4.0,
                    markerfacecolor=s["facecolor"],
                    markeredgecolor=s["edgecolor"],
                    markeredgewidth=0.7,
                    label=s["label"],
                )
            )
    return handles


def _arrow_index(path: np.ndarray, fraction: float = 0.35) -> int | None:
    """Index along a path where it has covered ``fraction`` of its length (None if it barely moves)."""
    steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
    total = steps.sum()
    if not np.isfinite(total) or total < 0.05:
        return None
    cum = np.cumsum(steps)
    return int(min(np.searchsorted(cum, fraction * total) + 1, len(path) - 1))


# ---------------------------------------------------------------------- figures
def phase_portrait_3d(
    game: Game,
    paths: Any,
    *,
    equilibria: Sequence[Stability] | None = None,
    ax: Axes | None = None,
    annotate: bool = True,
    color: str = _TRAJECTORY,
    legend: bool = True,
) -> Axes:
    """Phase portrait in the unit cube for a game with three state coordinates.

    Parameters
    ----------
    game : Game
        Three state coordinates (three binary populations); supplies the axis labels.
    paths : array_like, shape (runs, times, 3)
        Trajectories, e.g. ``Trajectories.paths``. One line per run, a small dot
        at its start and an arrowhead showing the direction of motion.
    equilibria : sequence of Stability, optional
        Rest points to mark, e.g. ``analyze(game, params=...).equilibria``. The
        numeric verdict decides the marker: ESS filled black circle, saddle or
        source hollow circle, non-hyperbolic grey diamond (symbolic-only verdicts
        a hollow square). A continuum with one free coordinate is drawn as a
        thick segment in its verdict's colour; a continuum face is not drawn.
    ax : Axes3D, optional
        A 3-D Axes (``projection="3d"``); a new single-column figure otherwise.
    annotate : bool, default True
        Write each equilibrium's name next to its marker.
    color : str
        Colour of the trajectories.
    legend : bool, default True
        Add a legend of the equilibrium markers.

    Returns
    -------
    Axes3D

    Examples
    --------
    >>> import itertools, matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = tuple(Population(n, ("a", "b"), (s,)) for n, s in [("gov", "x"), ("ent", "y"), ("con", "z")])
    >>> game = Game("toy", pops, (), {p: (0, 0, 0) for p in itertools.product("ab", repeat=3)})
    >>> t = np.linspace(0, 1, 50)[:, None]
    >>> paths = np.stack([0.2 + 0.7 * t * np.ones(3), 0.8 - 0.7 * t * np.ones(3)])
    >>> ax = phase_portrait_3d(game, paths)
    >>> len(ax.lines), [float(v) for v in ax.get_zlim()]
    (2, [0.0, 1.0])
    """
    _check_state_dim(game, 3, "phase_portrait_3d")
    arr = _as_paths(paths, 3, "paths")
    with style():
        if ax is None:
            ax = _new_axes(projection="3d", size=(_COLUMN, 3.2))
        elif getattr(ax, "name", "") != "3d":
            raise ValueError('phase_portrait_3d needs a 3-D Axes: create it with projection="3d"')
        for path in arr:
            ax.plot(path[:, 0], path[:, 1], path[:, 2], color=color, linewidth=0.7, alpha=0.85)
        if len(arr):
            ax.scatter(
                arr[:, 0, 0],
                arr[:, 0, 1],
                arr[:, 0, 2],
                s=5,
                color=color,
                depthshade=False,
                linewidths=0,
                gid="starts",
            )
        for path in arr:
            k = _arrow_index(path)
            if k is None:
                continue
            d = path[k] - path[k - 1]
            if not np.any(d):
                continue
            ax.quiver(
                *path[k - 1],
                *d,
                length=0.055,
                normalize=True,
                arrow_length_ratio=0.9,
                color=color,
                linewidth=0.7,
                pivot="tip",
                gid="arrow",
            )
        classes = _draw_equilibria_3d(ax, _equilibrium_items(equilibria, 3), annotate=annotate)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_zlim(0.0, 1.0)
        ticks, names = [0.0, 0.5, 1.0], ["0", "0.5", "1"]
        ax.set_xticks(ticks, names)
        ax.set_yticks(ticks, names)
        ax.set_zticks(ticks, names)
        ax.set_box_aspect((1, 1, 1), zoom=0.84)
        ax.set_xlabel(state_label(game, 0, form="short"), labelpad=-4)
        ax.set_ylabel(state_label(game, 1, form="short"), labelpad=-4)
        ax.set_zlabel(state_label(game, 2, form="short"), labelpad=-5)
        ax.tick_params(axis="both", which="major", labelsize=6.5, pad=-1)
        ax.tick_params(axis="z", pad=1)
        for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
            axis.set_pane_color((1.0, 1.0, 1.0, 0.0))
            axis.line.set_linewidth(0.6)
            axis._axinfo["grid"].update(color="#E4E4E4", linewidth=0.4)
            axis._axinfo["tick"].update(inward_factor=0.0, outward_factor=0.15)
            axis.get_major_ticks()
        ax.view_init(elev=22, azim=-58)
        if legend and classes:
            _equilibrium_legend(ax, classes, loc="upper center", bbox_to_anchor=(0.5, 0.97))
    return ax


def _equilibrium_legend(ax: Axes, classes: list[str], **where: Any) -> None:
    """One legend entry per kind of equilibrium marker drawn, in one row."""
    ax.legend(
        handles=_equilibrium_legend_handles(classes), ncol=len(classes), columnspacing=0.9, handletextpad=0.2, **where
    )


def _draw_equilibria_3d(ax: Axes, items: list, *, annotate: bool) -> list[str]:
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    classes = []
    for name, point, cls in items:
        s = _EQ_STYLE[cls]
        if any(c is None for c in point):
            seg = _continuum_segment(point)
            if seg is None:
                continue
            ax.add_collection3d(
                Line3DCollection(
                    [seg],
                    colors=s["edgecolor"] if s["facecolor"] == "white" else s["facecolor"],
                    linewidths=2.2,
                    linestyles="-",
                    gid=f"equilibrium:{name}",
                )
            )
            where = seg.mean(axis=0)
        else:
            ax.scatter(
                [point[0]],
                [point[1]],
                [point[2]],
                s=22 if s["marker"] != "D" else 18,
                marker=s["marker"],
                facecolors=s["facecolor"],
                edgecolors=s["edgecolor"],
                linewidths=0.7,
                depthshade=False,
                zorder=5,
                gid=f"equilibrium:{name}",
            )
            where = np.array(point)
        if cls not in classes:
            classes.append(cls)
        if annotate:
            # Nudge the name towards the inside of the cube (away from the tick labels outside it).
            inward = np.where(where > 0.5, -0.05, 0.05) * np.array([1.0, 1.0, 0.0])
            if any(c is None for c in point):  # beside the segment, not on it
                inward = inward * 2.0
            at = where + inward + np.array([0, 0, 0.045])
            ax.text(
                *at,
                name,
                fontsize=6,
                zorder=1000,  # above the depth-sorted 3-D collections
                ha="center",
                va="bottom",
                bbox={"boxstyle": "round,pad=0.08", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
            )
    return classes


def phase_plane(
    game: Game,
    field: Callable[[np.ndarray], np.ndarray],
    *,
    paths: Any = None,
    equilibria: Sequence[Stability] | None = None,
    ax: Axes | None = None,
    grid: int = 31,
    density: float = 1.0,
    annotate: bool = True,
    legend: bool = True,
) -> Axes:
    """Phase plane with streamlines for a game with two state coordinates.

    Parameters
    ----------
    game : Game
        Two state coordinates (two binary populations); supplies the axis labels.
    field : callable
        ``field(X) -> dX`` on arrays of shape ``(..., 2)``, e.g. ``NumericDynamics.f``.
        It is evaluated on a ``grid`` x ``grid`` lattice of the unit square to draw
        the streamlines (grey).
    paths : array_like, shape (runs, times, 2), optional
        Trajectories drawn on top, one line each, with a start dot and an arrowhead.
    equilibria : sequence of Stability, optional
        Rest points, marked as in :func:`phase_portrait_3d`.
    ax : Axes, optional
    grid : int, default 31
        Lattice size for evaluating ``field``.
    density : float, default 1.0
        Streamline density (``matplotlib.axes.Axes.streamplot``).
    annotate : bool, default True
        Write each equilibrium's name next to its marker.
    legend : bool, default True
        Add a legend of the equilibrium markers.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> field = lambda X: X * (1 - X) * (X[..., ::-1] - 0.5)
    >>> ax = phase_plane(game, field, paths=np.array([[[0.2, 0.3], [0.3, 0.2]]]))
    >>> len(ax.lines), [float(v) for v in ax.get_xlim()]
    (1, [0.0, 1.0])
    """
    _check_state_dim(game, 2, "phase_plane")
    g = np.linspace(0.0, 1.0, int(grid))
    X, Y = np.meshgrid(g, g)
    dX = np.asarray(field(np.stack([X, Y], axis=-1)), dtype=float)
    if dX.shape != (*X.shape, 2):
        raise ValueError(f"field must return an array of shape (..., 2) like its input; got {dX.shape}")
    with style():
        if ax is None:
            ax = _new_axes(size=(_COLUMN, 3.0))
        speed = np.hypot(dX[..., 0], dX[..., 1])
        if np.any(speed > 0):
            ax.streamplot(
                g,
                g,
                dX[..., 0],
                dX[..., 1],
                density=density,
                color="#B0B0B0",
                linewidth=0.5,
                arrowsize=0.6,
                zorder=1,
            )
        if paths is not None:
            arr = _as_paths(paths, 2, "paths")
            for path in arr:
                ax.plot(path[:, 0], path[:, 1], color=_TRAJECTORY, linewidth=0.9, zorder=3)
                k = _arrow_index(path, 0.45)
                if k is not None:
                    ax.annotate(
                        "",
                        xy=tuple(path[k]),
                        xytext=tuple(path[k - 1]),
                        arrowprops={
                            "arrowstyle": "-|>,head_length=0.35,head_width=0.18",
                            "color": _TRAJECTORY,
                            "linewidth": 0.9,
                            "shrinkA": 0,
                            "shrinkB": 0,
                        },
                        zorder=3,
                    )
            if len(arr):
                ax.scatter(arr[:, 0, 0], arr[:, 0, 1], s=6, color=_TRAJECTORY, linewidths=0, zorder=4, gid="starts")
        classes = _draw_equilibria_2d(ax, _equilibrium_items(equilibria, 2), annotate=annotate)
        ax.set_xlim(0.0, 1.0)
        ax.set_ylim(0.0, 1.0)
        ax.set_aspect("equal")
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
        ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
        for side in ("left", "bottom"):
            ax.spines[side].set_position(("outward", 3))
        ax.set_xlabel(state_label(game, 0))
        ax.set_ylabel(state_label(game, 1))
        _finish_2d(ax)
        if legend and classes:
            _equilibrium_legend(ax, classes, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    return ax


def _draw_equilibria_2d(ax: Axes, items: list, *, annotate: bool) -> list[str]:
    classes = []
    for name, point, cls in items:
        s = _EQ_STYLE[cls]
        if any(c is None for c in point):
            seg = _continuum_segment(point)
            if seg is None:
                continue
            from matplotlib.collections import LineCollection

            ax.add_collection(
                LineCollection(
                    [seg],
                    colors=s["edgecolor"] if s["facecolor"] == "white" else s["facecolor"],
                    linewidths=2.2,
                    zorder=4,
                    gid=f"equilibrium:{name}",
                    clip_on=False,
                )
            )
            where = seg.mean(axis=0)
        else:
            ax.scatter(
                [point[0]],
                [point[1]],
                s=26 if s["marker"] != "D" else 20,
                marker=s["marker"],
                facecolors=s["facecolor"],
                edgecolors=s["edgecolor"],
                linewidths=0.7,
                zorder=5,
                clip_on=False,
                gid=f"equilibrium:{name}",
            )
            where = np.array(point)
        if cls not in classes:
            classes.append(cls)
        if annotate:
            dx = -5 if where[0] > 0.5 else 5
            dy = -5 if where[1] > 0.5 else 5
            ax.annotate(
                name,
                xy=tuple(where),
                xytext=(dx, dy),
                textcoords="offset points",
                ha="right" if dx < 0 else "left",
                va="top" if dy < 0 else "bottom",
                fontsize=6.5,
                zorder=6,
                annotation_clip=False,
            )
    return classes


def time_series(game: Game, t: Any, path: Any, *, ax: Axes | None = None, legend: bool = True) -> Axes:
    """Shares over time: one line per state coordinate, labelled by population and strategy.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    path : array_like, shape (times, n)
        One trajectory in state order (``Trajectories.paths[i]``).
    ax : Axes, optional
    legend : bool, default True

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 10, 20)
    >>> ax = time_series(game, t, np.stack([t / 10, 1 - t / 10], axis=1))
    >>> len(ax.lines), ax.get_legend_handles_labels()[1][0]
    (2, 'Row: a ($x$)')
    """
    n = len(game.state_names)
    t = np.asarray(t, dtype=float)
    arr = np.asarray(path, dtype=float)
    if arr.ndim != 2 or arr.shape != (len(t), n):
        raise ValueError(f"path must have shape (len(t), {n}) = ({len(t)}, {n}), found {arr.shape}")
    styles = ["-", "--", ":", "-."]
    with style():
        if ax is None:
            ax = _new_axes(size=(_COLUMN, 2.3))
        col = 0
        for pi, pop in enumerate(game.populations):
            for si in range(len(pop.shares)):
                ax.plot(
                    t,
                    arr[:, col],
                    color=OKABE_ITO[pi % len(OKABE_ITO)],
                    linestyle=styles[si % len(styles)],
                    label=state_label(game, col, form="legend"),
                )
                col += 1
        ax.set_xlim(t[0], t[-1])
        ax.set_ylim(-0.02, 1.02)
        ax.set_xlabel("Time $t$")
        ax.set_ylabel("Share of population")
        _finish_2d(ax)
        if legend:
            ax.legend(loc="best")
    return ax


def sensitivity(
    game: Game,
    name: str,
    values: Sequence[float],
    t: Any,
    paths: Any,
    *,
    axes: Sequence[Axes] | None = None,
    cmap: str = "cividis",
) -> np.ndarray:
    """Parameter-sensitivity figure: each population's first-strategy share over time, one line per value.

    Parameters
    ----------
    game : Game
    name : str
        The parameter varied; its LaTeX symbol labels the legend (``$C_{g} = 2$``).
    values : sequence of float
        The values, in the order of ``paths``.
    t : array_like, shape (times,)
    paths : array_like, shape (len(values), times, n)
        One trajectory per value, from the same start.
    axes : sequence of Axes, optional
        One per population; a new double-column row of panels otherwise.
    cmap : str, default "cividis"
        Sequential colour map (colour-blind safe); the light end is cut off.

    Returns
    -------
    numpy.ndarray of Axes
        One panel per population.

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (Parameter("C_g", value=1.0),), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 10)
    >>> paths = np.stack([np.stack([t * v, t], axis=1) for v in (0.5, 1.0, 1.5)]) / 1.5
    >>> axes = sensitivity(game, "C_g", [0.5, 1.0, 1.5], t, paths)
    >>> len(axes), len(axes[0].lines), axes[-1].get_legend_handles_labels()[1][0]
    (2, 3, '$C_{g} = 0.5$')
    """
    import matplotlib as mpl

    par = game.parameter(name)
    vals = np.asarray(values, dtype=float).ravel()
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    arr = np.asarray(paths, dtype=float)
    if arr.shape != (len(vals), len(t), n):
        raise ValueError(
            f"paths must have shape (len(values), len(t), {n}) = {(len(vals), len(t), n)}, found {arr.shape}"
        )
    pops = game.populations
    first = np.cumsum([0] + [len(p.shares) for p in pops])[:-1]
    colormap = mpl.colormaps[cmap]
    colours = [colormap(c) for c in (np.linspace(0.0, 0.85, len(vals)) if len(vals) > 1 else [0.0])]
    with style():
        if axes is None:
            import matplotlib.pyplot as plt

            width = min(_DOUBLE, 2.3 * len(pops) + 0.9)
            fig, axs = plt.subplots(1, len(pops), figsize=(width, 2.1), sharey=True, squeeze=False)
            axes_arr = axs[0]
        else:
            axes_arr = np.asarray(axes, dtype=object).ravel()
            if len(axes_arr) != len(pops):
                raise ValueError(f"axes must hold one Axes per population ({len(pops)}), found {len(axes_arr)}")
        for ax, pop, col in zip(axes_arr, pops, first):
            for v, c, path in zip(vals, colours, arr):
                ax.plot(t, path[:, col], color=c, label=f"${par.latex} = {v:g}$")
            ax.set_title(pop.label)
            ax.set_xlim(t[0], t[-1])
            ax.set_ylim(-0.02, 1.02)
            ax.set_xlabel("Time $t$")
            ax.set_ylabel(f"Share playing {_words(pop.strategies[0])} (${_share_latex(pop.shares[0])}$)")
            ax.yaxis.set_tick_params(labelleft=True)
            _finish_2d(ax)
        last = axes_arr[-1]
        last.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handlelength=1.4)
        if axes is None:
            fig.tight_layout(w_pad=0.8)
    return np.asarray(axes_arr, dtype=object)


def _state_panels(game: Game, axes, *, height: float = 2.0):
    """One panel per state coordinate (created in a row, or checked when given)."""
    n = len(game.state_names)
    if axes is None:
        import matplotlib.pyplot as plt

        width = min(_DOUBLE, 2.2 * n + 0.6)
        fig, axs = plt.subplots(1, n, figsize=(width, height), sharey=True, squeeze=False)
        return axs[0], True
    arr = np.asarray(axes, dtype=object).ravel()
    if len(arr) != n:
        raise ValueError(f"axes must hold one Axes per state coordinate ({n}), found {len(arr)}")
    return arr, False


def _share_axes(game: Game, ax: Axes, col: int, t: np.ndarray) -> None:
    pop, i = _coordinates(game)[col]
    ax.set_title(pop.label)
    ax.set_xlim(t[0], t[-1])
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("Time $t$")
    ax.set_ylabel(f"Share playing {_words(pop.strategies[i])} (${_share_latex(pop.shares[i])}$)")
    ax.yaxis.set_tick_params(labelleft=True)
    _finish_2d(ax)


def stochastic_paths(
    game: Game,
    t: Any,
    samples: Any,
    mean: Any,
    lo: Any,
    hi: Any,
    *,
    max_paths: int = 20,
    band: str = "5–95 %",
    axes: Sequence[Axes] | None = None,
) -> np.ndarray:
    """Realisations of a stochastic simulation: each share over time, with the mean and a quantile band.

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    samples : array_like, shape (paths, times, n)
        Sampled paths from one start (``Ensemble.samples[start]``).
    mean, lo, hi : array_like, shape (times, n)
        Mean and band edges over the paths (``Ensemble.band(start)``).
    max_paths : int, default 20
        Realisations drawn (thin grey lines); the band and the mean use every path.
    band : str
        Legend text of the band.
    axes : sequence of Axes, optional
        One per state coordinate; a new row of panels otherwise.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 11)
    >>> X = np.random.default_rng(0).uniform(size=(5, 11, 2))
    >>> axes = stochastic_paths(game, t, X, X.mean(0), X.min(0), X.max(0))
    >>> len(axes), len(axes[0].lines), axes[-1].get_legend_handles_labels()[1]
    (2, 8, ['realisations', 'mean', '5–95 %'])
    """
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    X = np.asarray(samples, dtype=float)
    if X.ndim != 3 or X.shape[1:] != (len(t), n):
        raise ValueError(f"samples must have shape (paths, len(t), {n}), found {X.shape}")
    curves = [np.asarray(a, dtype=float) for a in (mean, lo, hi)]
    for a in curves:
        if a.shape != (len(t), n):
            raise ValueError(f"mean, lo and hi must have shape (len(t), {n}), found {a.shape}")
    mean, lo, hi = curves
    with style():
        axes_arr, created = _state_panels(game, axes)
        for col, ax in enumerate(axes_arr):
            owner = _coordinates(game)[col][0]
            colour = OKABE_ITO[next(i for i, p in enumerate(game.populations) if p is owner) % len(OKABE_ITO)]
            for k, path in enumerate(X[:max_paths]):
                ax.plot(
                    t, path[:, col], color=_GREY, linewidth=0.4, alpha=0.8, label="realisations" if k == 0 else None
                )
            ax.plot(t, mean[:, col], color=colour, linewidth=1.4, label="mean")
            ax.fill_between(t, lo[:, col], hi[:, col], color=colour, alpha=0.2, linewidth=0, label=band)
            for edge in (lo, hi):
                ax.plot(t, edge[:, col], color=colour, linewidth=0.7, linestyle="--")
            _share_axes(game, ax, col, t)
        handles, labels = axes_arr[-1].get_legend_handles_labels()
        axes_arr[-1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0)
        if created:
            axes_arr[0].figure.tight_layout(w_pad=0.8)
    return np.asarray(axes_arr, dtype=object)


def noise_comparison(
    game: Game,
    t: Any,
    curves: Mapping[str, Any],
    *,
    bands: Mapping[str, tuple[Any, Any]] | None = None,
    axes: Sequence[Axes] | None = None,
) -> np.ndarray:
    r"""Shares over time for several noise intensities (the figure stochastic-game papers print).

    Parameters
    ----------
    game : Game
    t : array_like, shape (times,)
    curves : mapping of str to array_like (times, n)
        A label (e.g. ``"$\\sigma = 0.5$"``) and a curve per intensity: the mean over paths, or one
        realisation.
    bands : mapping of str to (lo, hi), optional
        Quantile bands drawn lightly behind the curves with the same labels.
    axes : sequence of Axes, optional
        One per state coordinate.

    Returns
    -------
    numpy.ndarray of Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (), {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> t = np.linspace(0, 1, 11)
    >>> axes = noise_comparison(game, t, {"$\\sigma = 0$": np.full((11, 2), 0.5), "$\\sigma = 1$": np.full((11, 2), 0.6)})
    >>> [ln.get_linestyle() for ln in axes[0].lines]
    ['-', '--']
    """
    t = np.asarray(t, dtype=float)
    n = len(game.state_names)
    styles = ["-", "--", ":", "-."]
    with style():
        axes_arr, created = _state_panels(game, axes)
        for k, (label, curve) in enumerate(curves.items()):
            c = np.asarray(curve, dtype=float)
            if c.shape != (len(t), n):
                raise ValueError(f"curve {label!r} must have shape (len(t), {n}), found {c.shape}")
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            for col, ax in enumerate(axes_arr):
                if bands is not None and label in bands:
                    lo, hi = (np.asarray(b, dtype=float) for b in bands[label])
                    ax.fill_between(t, lo[:, col], hi[:, col], color=colour, alpha=0.12, linewidth=0)
                ax.plot(t, c[:, col], color=colour, linestyle=styles[k % len(styles)], label=label)
        for col, ax in enumerate(axes_arr):
            _share_axes(game, ax, col, t)
        axes_arr[-1].legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, handlelength=2.2)
        if created:
            axes_arr[0].figure.tight_layout(w_pad=0.8)
    return np.asarray(axes_arr, dtype=object)


def _ordered_outcomes(labels: np.ndarray) -> list[str]:
    found = sorted({str(s) for s in labels.ravel()})

    def key(s: str) -> tuple[int, str]:
        if s == "none":
            return (3, s)
        if s.startswith("bistable") or "|" in s:
            return (1, s)
        return (0, s)

    return sorted(found, key=key)


def _edges(v: np.ndarray) -> np.ndarray:
    if len(v) == 1:
        return np.array([v[0] - 0.5, v[0] + 0.5])
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def region_map(
    game: Game,
    xname: str,
    xvalues: Sequence[float],
    yname: str,
    yvalues: Sequence[float],
    labels: Any,
    *,
    ax: Axes | None = None,
    colors: Mapping[str, str] | None = None,
    legend: bool = True,
) -> Axes:
    """Two-parameter region map of outcomes (categorical colours, one legend entry per outcome).

    Parameters
    ----------
    game : Game
        Supplies the LaTeX symbols of the two parameters for the axis labels.
    xname, yname : str
        Parameters on the horizontal and vertical axes.
    xvalues, yvalues : sequence of float
        Grid values (cell centres), increasing.
    labels : array_like of str, shape (len(yvalues), len(xvalues))
        Outcome of each cell, e.g. ``"lax/informal/sell_informal"``,
        ``"bistable: a | b"`` or ``"none"``.
    ax : Axes, optional
    colors : mapping of str to colour, optional
        Fixed colours for some outcomes (to match figures across panels); the
        others take Okabe-Ito colours in order, and ``"none"`` is light grey.
    legend : bool, default True
        Legend below the map.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib, numpy as np
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> pops = (Population("row", ("a", "b"), ("x",)), Population("col", ("a", "b"), ("y",)))
    >>> game = Game("toy", pops, (Parameter("C_g", value=1.0), Parameter("F", value=1.0)),
    ...             {(r, c): (0, 0) for r in "ab" for c in "ab"})
    >>> labels = np.array([["a/a", "b/b"], ["a/a", "none"]])
    >>> ax = region_map(game, "C_g", [0, 1], "F", [0, 1], labels)
    >>> [t.get_text() for t in ax.get_legend().get_texts()], ax.get_xlabel()
    (['a/a', 'b/b', 'none'], '$C_{g}$')
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    xv = np.asarray(xvalues, dtype=float).ravel()
    yv = np.asarray(yvalues, dtype=float).ravel()
    lab = np.asarray(labels, dtype=object)
    if lab.shape != (len(yv), len(xv)):
        raise ValueError(
            f"labels must have shape (len(yvalues), len(xvalues)) = ({len(yv)}, {len(xv)}), found {lab.shape}"
        )
    outcomes = _ordered_outcomes(lab)
    fixed = dict(colors or {})
    palette = [c for c in OKABE_ITO[:7] if c not in fixed.values()]
    hatches = ["", "////", "....", "xxxx"]
    cmap_colours, hatch_of, k = [], {}, 0
    for o in outcomes:
        if o in fixed:
            cmap_colours.append(fixed[o])
            hatch_of[o] = ""
        elif o == "none":
            cmap_colours.append(_GREY)
            hatch_of[o] = ""
        else:
            cmap_colours.append(palette[k % len(palette)])
            hatch_of[o] = hatches[(k // len(palette)) % len(hatches)]
            k += 1
    index = {o: i for i, o in enumerate(outcomes)}
    codes = np.vectorize(lambda s: index[str(s)], otypes=[int])(lab) if lab.size else np.zeros(lab.shape, int)
    with style():
        if ax is None:
            ax = _new_axes(size=(_COLUMN, 2.8))
        cmap = ListedColormap(cmap_colours)
        norm = BoundaryNorm(np.arange(len(outcomes) + 1) - 0.5, len(outcomes))
        ax.pcolormesh(
            _edges(xv), _edges(yv), codes, cmap=cmap, norm=norm, edgecolors="face", linewidth=0, rasterized=False
        )
        for o in outcomes:
            if hatch_of[o]:
                masked = np.ma.masked_where(codes != index[o], codes)
                ax.pcolor(_edges(xv), _edges(yv), masked, hatch=hatch_of[o], alpha=0.0)
        ax.set_xlabel(_param_latex(game, xname))
        ax.set_ylabel(_param_latex(game, yname))
        ax.set_xlim(_edges(xv)[0], _edges(xv)[-1])
        ax.set_ylim(_edges(yv)[0], _edges(yv)[-1])
        _finish_2d(ax)
        if legend:
            handles = [
                Patch(facecolor=c, edgecolor="none", hatch=hatch_of[o], label=o) for o, c in zip(outcomes, cmap_colours)
            ]
            ax.legend(
                handles=handles,
                loc="upper center",
                bbox_to_anchor=(0.5, -0.15),
                ncol=1 if max((len(o) for o in outcomes), default=0) > 22 else 2,
                handlelength=1.2,
                handleheight=1.0,
                title="Outcome",
            )
    return ax


def basin_shares(
    shares: Mapping[str, float],
    *,
    ax: Axes | None = None,
    sort: bool = True,
    xlabel: str = "Share of starting points",
) -> Axes:
    """Horizontal bar chart of the share of starting points reaching each outcome.

    Parameters
    ----------
    shares : mapping of str to float
        Outcome -> share in [0, 1] (e.g. a ``reached`` entry of ``govgame sweep``).
    ax : Axes, optional
    sort : bool, default True
        Largest share on top (otherwise the mapping's order, top to bottom).
    xlabel : str

    Returns
    -------
    Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = basin_shares({"strict/formal/return": 0.6, "lax/informal/sell_informal": 0.4})
    >>> len(ax.patches), ax.get_yticklabels()[-1].get_text()
    (2, 'strict/formal/return')
    """
    items = [(str(k), float(v)) for k, v in shares.items()]
    if sort:
        items.sort(key=lambda kv: -kv[1])
    names = [k for k, _ in items]
    vals = np.array([v for _, v in items])
    with style():
        if ax is None:
            ax = _new_axes(size=(_COLUMN, 0.5 + 0.28 * max(len(items), 1)))
        # Bottom to top, so the first item is drawn on top.
        names, vals = names[::-1], vals[::-1]
        y = np.arange(len(items))
        colours = [_GREY if n == "none" else _TRAJECTORY for n in names]
        ax.barh(y, vals, height=0.62, color=colours, edgecolor="none")
        for yi, v in zip(y, vals):
            ax.text(v + 0.015, yi, f"{100 * v:.0f}%", va="center", ha="left", fontsize=6.5)
        ax.set_yticks(y, names)
        ax.set_xlim(0.0, max(1.0, float(vals.max()) if len(vals) else 1.0) * 1.0)
        ax.set_ylim(-0.6, len(items) - 0.4)
        ax.set_xlabel(xlabel)
        ax.xaxis.set_major_formatter(_percent_formatter())
        _finish_2d(ax)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
    return ax


def _percent_formatter():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(xmax=1.0, decimals=0)
