"""Interactive parameter explorer for Jupyter: sliders, trajectories and the current ESS.

:func:`explore` builds one slider per parameter that has a ``range`` in the model file, a
dropdown of the model's scenarios, a figure of the trajectories (3-D phase portrait for three
state coordinates, phase plane for two, time series otherwise) and a line naming the
evolutionarily stable strategies (ESS) at the slider values, with the reason: the payoff
differences that are negative at each stable vertex.

The ESS line is :func:`govgame.analysis.verdicts.vertex_ess`, computed from the numeric payoff
tensors only: at a vertex of the state space the Jacobian eigenvalues of the replicator dynamics
are the payoff differences ``a_p(s', rest) - a_p(s, rest)`` of each population ``p`` switching
from its strategy ``s`` to another ``s'``, so a vertex is asymptotically stable exactly when all
of them are negative (a strict Nash equilibrium). That takes microseconds, so the line follows
every slider move; the full symbolic :func:`govgame.analysis.pipeline.analyze` (seconds) is never
run here. Only vertices are checked: in multi-population replicator dynamics a mixed rest point
is never asymptotically stable (Selten 1980; Ritzberger & Weibull 1995). This module is the user
interface only: it computes nothing itself.

Without a widget front end (ipywidgets not importable, no running kernel with a comm manager,
or the environment variable ``GOVGAME_STATIC`` set to anything but ``""`` or ``"0"``),
:func:`explore` draws once at the starting values and returns a :class:`StaticExplorer` that
shows the ESS line. ipywidgets is imported only when the widgets are built.

>>> from govgame.model import Game, Parameter, Population
>>> F = Parameter("F", description="fine on informal recycling", value=1.0, range=(0.0, 4.0))
>>> game = Game(
...     name="toy",
...     populations=(Population("enterprise", ("formal", "informal"), ("y",)),
...                  Population("consumer", ("return", "sell"), ("z",))),
...     parameters=(F,),
...     payoffs={("formal", "return"): (2, 1), ("formal", "sell"): (0, 0),
...              ("informal", "return"): (3 - F.symbol, 0), ("informal", "sell"): (1, 1)},
... )
>>> [(s.name, s.min, s.max) for s in slider_specs(game, params={"F": 0.5})]
[('F', 0.0, 4.0)]
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._deprecation import renamed_options
from .analysis import verdicts as _verdicts
from .errors import ParameterError
from .model.game import Game

__all__ = [
    "widgets_available",
    "slider_specs",
    "SliderSpec",
    "StaticExplorer",
    "Explorer",
    "explore",
]

_MOVED = {"Deviation", "VertexCheck", "ESSReport", "vertex_ess", "RTOL"}


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        new = "TOL" if name == "RTOL" else name
        warnings.warn(
            f"govgame.widgets.{name} is deprecated; import {new} from govgame.analysis.verdicts",
            DeprecationWarning,
            stacklevel=2,
        )
        from .analysis import verdicts

        return getattr(verdicts, new)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- sliders
@dataclass(frozen=True)
class SliderSpec:
    """What one slider shows: built from a parameter's ``range``, ``value`` and ``description``.

    Attributes
    ----------
    name : str
        The parameter (also the slider's label).
    min, max, value, step : float
    tooltip : str
        The parameter's description.
    key : bool
        Whether the parameter enters a payoff difference of a vertex that is ESS at the
        starting values (such sliders are shown first; the rest sit in a collapsed group).
    """

    name: str
    min: float
    max: float
    value: float
    step: float
    tooltip: str
    key: bool = True


def _key_parameters(game: Game, report: _verdicts.ESSReport) -> set[str]:
    names: set[str] = set()
    for v in report.ess:
        for d in v.deviations:
            names |= {str(s) for s in d.expression.free_symbols}
    return names


@renamed_options({"values": "params"}, positional=("params",))
def slider_specs(game: Game, *, params: Mapping[str, float]) -> list[SliderSpec]:
    """One :class:`SliderSpec` per parameter with a range, in the model's parameter order.

    Parameters without a ``range`` get no slider (they keep their value). A value outside
    the range is clipped into it. When some vertex is an ESS at ``params``, the parameters
    in its payoff differences are marked ``key``; otherwise every slider is.

    Parameters
    ----------
    game : Game
    params : mapping
        Starting values of every parameter.

    Returns
    -------
    list of SliderSpec

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> s = slider_specs(game, params=game.values())[0]
    >>> s.name, s.min, s.max, s.value, s.tooltip == game.parameter("C_g").description
    ('C_g', 0.0, 10.0, 2.0, True)
    """
    report = _verdicts.vertex_ess(game, params=params)
    key = _key_parameters(game, report)
    out = []
    for p in game.parameters:
        if p.range is None:
            continue
        lo, hi = p.range
        v = float(np.clip(params.get(p.name, p.value if p.value is not None else lo), lo, hi))
        out.append(SliderSpec(p.name, lo, hi, v, _step(lo, hi), p.description, (not key) or p.name in key))
    return out


def _step(lo: float, hi: float) -> float:
    """A round step giving about 100 positions."""
    raw = (hi - lo) / 100
    mag = 10 ** np.floor(np.log10(raw))
    for m in (1, 2, 5, 10):
        if m * mag >= raw:
            return float(m * mag)
    return float(raw)  # pragma: no cover


# --------------------------------------------------------------------------- front end detection
def widgets_available() -> bool:
    """Whether live widgets can be shown: ipywidgets importable, a kernel with a comm manager, no ``GOVGAME_STATIC``.

    Examples
    --------
    >>> import os
    >>> os.environ["GOVGAME_STATIC"] = "1"
    >>> widgets_available()
    False
    >>> del os.environ["GOVGAME_STATIC"]
    """
    if os.environ.get("GOVGAME_STATIC", "") not in ("", "0"):
        return False
    try:
        import ipywidgets  # noqa: F401
        from IPython import get_ipython
    except ImportError:
        return False
    ip = get_ipython()
    kernel = getattr(ip, "kernel", None)
    if kernel is None:
        return False
    try:
        import comm

        return comm.get_comm_manager() is not None
    except Exception:  # noqa: BLE001 - any failure means no comm machinery
        return getattr(kernel, "comm_manager", None) is not None


# --------------------------------------------------------------------------- drawing
def _starts(game: Game, x0: Any, grid: int | None) -> np.ndarray:
    from .numerics.starts import check_starts, grid_starts

    if isinstance(x0, (int, np.integer)) and not isinstance(x0, bool):  # the old ``starts=N``
        x0, grid = None, int(x0)
    if x0 is not None and grid is not None:
        raise ParameterError("give x0 (the starts) or grid (the --grid N starts), not both")
    if grid is not None:
        return grid_starts(game, int(grid))
    if x0 is None:
        if len(game.state_names) in (2, 3):
            return grid_starts(game, 2)
        return check_starts(game, [1.0 / pop.k for pop in game.populations for _ in range(pop.k - 1)])
    return check_starts(game, x0)


def _vertex_stabilities(game: Game, report: _verdicts.ESSReport) -> list:
    """Vertex markers for the plots: Stability objects carrying the numeric verdicts."""
    import sympy

    from .analysis.equilibria import Equilibrium, Kind
    from .analysis.stability import NumericStability, Stability
    from .analysis.verdicts import Verdict, numeric_verdict

    out = []
    for v in report.vertices:
        eigs = tuple(complex(d.difference) for d in v.deviations)
        verdict = numeric_verdict(eigs)
        eq = Equilibrium(v.name, Kind.PURE, tuple(sympy.Integer(int(c)) for c in v.point), v.profile, v.point)
        out.append(
            Stability(
                eq,
                tuple(d.expression for d in v.deviations),
                Verdict.CONDITIONAL,
                numeric=NumericStability(v.point, eigs, verdict),
            )
        )
    return out


def _draw(system, values: Mapping[str, float], report: _verdicts.ESSReport, X0: np.ndarray, t_end: float):
    """Simulate from ``X0`` and draw; returns the figure (``system``: the Game or its Dynamics)."""
    from . import plot
    from .analysis.dynamics import Dynamics, replicator
    from .numerics.integrate import simulate

    game = system.game if isinstance(system, Dynamics) else system
    t = np.linspace(0.0, t_end, 161)
    traj = simulate(system, X0, params=values, t_end=t_end, t_eval=t)
    eqs = _vertex_stabilities(game, report)
    n = len(game.state_names)
    if n == 3:
        ax = plot.phase_portrait_3d(game, traj.paths, equilibria=eqs)
    elif n == 2:
        dyn = system if isinstance(system, Dynamics) else replicator(game)
        ax = plot.phase_plane(game, dyn.numeric(values).f, paths=traj.paths, equilibria=eqs)
    else:
        ax = plot.time_series(game, t, traj.paths[0])
    return plot._figure_of(ax)


# --------------------------------------------------------------------------- static explorer
@dataclass(frozen=True, eq=False)
class StaticExplorer:
    """What :func:`explore` returns without a widget front end: one figure and the ESS line.

    Attributes
    ----------
    game : Game
    params : dict
        The values used.
    report : ESSReport
    figure : matplotlib.figure.Figure or None
    """

    game: Game
    params: dict[str, float]
    report: _verdicts.ESSReport
    figure: Any = field(default=None, repr=False)

    @property
    def ess(self) -> list[str]:
        """Profiles of the ESS (``/``-joined)."""
        return self.report.names

    def __repr__(self) -> str:
        return self.report.text()

    def _repr_markdown_(self) -> str:
        return self.report.markdown()


# --------------------------------------------------------------------------- live explorer
class Explorer:
    """The live explorer: sliders, a scenario dropdown, the ESS line and the figure.

    Built by :func:`explore`; ``widget`` is the box to display. Works without a display
    (the widgets are plain Python objects until shown), which is how it is tested.

    Attributes
    ----------
    game : Game
    sliders : dict of str to ipywidgets.FloatSlider
    scenario : ipywidgets.Dropdown
    status : ipywidgets.HTML
        The ESS line.
    output : ipywidgets.Output
        The figure.
    widget : ipywidgets.VBox
    report : ESSReport
        At the current slider values.
    """

    @renamed_options({"starts": "x0"})
    def __init__(
        self,
        game: Game,
        *,
        scenario: str | None = None,
        params: Mapping[str, float] | None = None,
        t_end: float = 60.0,
        x0: Any = None,
        grid: int | None = None,
        draw: bool = True,
    ):
        import ipywidgets as w

        from .analysis.dynamics import replicator

        self.game = game
        self.dynamics = replicator(game)  # built once: the compiled payoffs serve every slider move
        self.t_end = float(t_end)
        self.X0 = _starts(game, x0, grid)
        self._draw_enabled = draw
        self._base = _complete_values(game, scenario, params)
        self._busy = False
        specs = slider_specs(game, params=self._base)
        self.sliders = {
            s.name: w.FloatSlider(
                value=s.value,
                min=s.min,
                max=s.max,
                step=s.step,
                description=s.name,
                tooltip=s.tooltip,
                continuous_update=False,
                readout_format=".3g",
                style={"description_width": "initial"},
            )
            for s in specs
        }
        options = [("defaults", None)] + [(sc.name, sc.name) for sc in game.scenarios]
        self.scenario = w.Dropdown(options=options, value=scenario, description="scenario")
        self.scenario.observe(self._on_scenario, names="value")
        self.status = w.HTML()
        key = [self.sliders[s.name] for s in specs if s.key]
        rest = [self.sliders[s.name] for s in specs if not s.key]
        parts: list[Any] = [self.scenario, w.VBox(key)]
        if rest:
            acc = w.Accordion(children=[w.VBox(rest)], selected_index=None)
            acc.set_title(0, f"other parameters ({len(rest)})")
            parts.append(acc)
        self.output = w.interactive_output(self._update, dict(self.sliders))
        self.widget = w.VBox([*parts, self.status, self.output])

    # ------------------------------------------------------------------ state
    @property
    def params(self) -> dict[str, float]:
        """Current parameter values (slider values over the starting values)."""
        return {**self._base, **{k: float(s.value) for k, s in self.sliders.items()}}

    @property
    def values(self) -> dict[str, float]:
        """Deprecated name of :attr:`params`."""
        warnings.warn("Explorer.values is deprecated; use Explorer.params", DeprecationWarning, stacklevel=2)
        return self.params

    def _on_scenario(self, change) -> None:
        base = _complete_values(self.game, change["new"], None)
        self._busy = True
        try:
            for k, s in self.sliders.items():
                s.value = base[k]
        finally:
            self._busy = False
        self._base = base
        with self.output:
            self.output.clear_output(wait=True)
            self._redraw()

    def _update(self, **_slider_values: float) -> None:
        # called by ``interactive_output`` inside its Output (cleared already) on every slider change
        if not self._busy:
            self._redraw()

    def _redraw(self) -> None:
        values = self.params
        self.report = _verdicts.vertex_ess(self.dynamics, params=values)
        self.status.value = _html(self.report)
        if not self._draw_enabled:
            return
        import matplotlib.pyplot as plt
        from IPython.display import display

        fig = _draw(self.dynamics, values, self.report, self.X0, self.t_end)
        display(fig)
        plt.close(fig)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _html(report: _verdicts.ESSReport) -> str:
    import html

    if not report.ess:
        return "<b>No ESS</b> at these values: at every vertex some population does not lose by switching."
    rows = []
    for v in report.ess:
        why = ", ".join(html.escape(f"{d.population} {d.strategy}→{d.to} {d.difference:+.3g}") for d in v.deviations)
        rows.append(f"<b>ESS {v.name} {html.escape(v.key)}</b> — every switch loses: {why}")
    return "<br>".join(rows)


def _complete_values(game: Game, scenario: str | None, params: Mapping[str, float] | None) -> dict[str, float]:
    values = game.values(scenario, params)
    missing = [n for n in game.parameter_names if n not in values]
    if missing:
        raise ParameterError(
            f"parameter {missing[0]} has no value; the explorer needs one for every parameter "
            f"(give params={{{missing[0]!r}: ...}} or a value in the model file)"
        )
    return values


@renamed_options({"starts": "x0"})
def explore(
    game: Game,
    *,
    scenario: str | None = None,
    params: Mapping[str, float] | None = None,
    t_end: float = 60.0,
    x0: Any = None,
    grid: int | None = None,
    static: bool | None = None,
) -> Explorer | StaticExplorer:
    """Explore a model with sliders: trajectories and the ESS follow the parameter values.

    Parameters
    ----------
    game : Game
    scenario : str, optional
        Scenario to start from (also selectable in the dropdown).
    params : mapping, optional
        Values overriding the defaults and the scenario.
    t_end : float, default 60
        Horizon of the trajectories.
    x0 : array_like, optional
        The starts in state order (``starts=`` is the deprecated name).
    grid : int, optional
        Start from the ``--grid N`` starts (:func:`govgame.numerics.starts.grid_starts`) instead.
        Default (neither given): grid 2 for games with two or three state coordinates,
        otherwise the centre of the state space (one time series).
    static : bool, optional
        Force (True) or forbid (False) the static output; by default static exactly when
        :func:`widgets_available` is False.

    Returns
    -------
    Explorer or StaticExplorer
        Displaying either in Jupyter shows it; the static one shows the ESS line (its
        figure is drawn with pyplot, so the inline backend shows it too).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from govgame.model import Game, Parameter, Population
    >>> F = Parameter("F", description="fine", value=0.5, range=(0.0, 4.0))
    >>> game = Game(name="toy",
    ...     populations=(Population("enterprise", ("formal", "informal"), ("y",)),
    ...                  Population("consumer", ("return", "sell"), ("z",))),
    ...     parameters=(F,),
    ...     payoffs={("formal", "return"): (2, 1), ("formal", "sell"): (0, 0),
    ...              ("informal", "return"): (3 - F.symbol, 0), ("informal", "sell"): (1, 1)})
    >>> ex = explore(game, static=True, t_end=10)
    >>> ex.ess
    ['informal/sell']
    >>> explore(game, params={"F": 2.0}, static=True, t_end=10).ess
    ['formal/return', 'informal/sell']
    """
    if static is None:
        static = not widgets_available()
    if not static:
        return Explorer(game, scenario=scenario, params=params, t_end=t_end, x0=x0, grid=grid)
    values = _complete_values(game, scenario, params)
    report = _verdicts.vertex_ess(game, params=values)
    fig = _draw(game, values, report, _starts(game, x0, grid), float(t_end))
    return StaticExplorer(game, values, report, fig)
