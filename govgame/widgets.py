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
        The parameter.
    min, max, value, step : float
    tooltip : str
        The parameter's description (shown on hover).
    label : str
        A short readable label: the description's first phrase and the symbol,
        ``"Fine on an enterprise caught (F_e)"``.
    group : str
        ``"Policy levers and transfers"`` for a parameter in the payoffs of several
        populations (a subsidy, a fine, a detection probability), else the label of the one
        population whose payoffs it enters (``"Other"`` for none).
    key : bool
        Whether moving this slider alone across its range changes which vertices are ESS
        (from the other sliders' starting values); key sliders are marked.
    """

    name: str
    min: float
    max: float
    value: float
    step: float
    tooltip: str
    key: bool = True
    label: str = ""
    group: str = ""


#: Group of the parameters that enter the payoffs of several populations.
LEVERS = "Policy levers and transfers"


def _short_label(p: Any, limit: int = 48) -> str:
    """The description's first phrase (cut at a colon, a bracket, a semicolon or a comma), then the symbol."""
    import re

    text = " ".join(str(p.description).split())
    first = re.split(r"[:;(]|, (?=[a-z])", text, maxsplit=1)[0].strip() if text else ""
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0] + "…"
    return f"{first} ({p.name})" if first else p.name


def _groups(game: Game) -> dict[str, str]:
    """Group of each parameter: levers (in several populations' payoffs) or its one population."""
    import sympy

    where: dict[str, set[int]] = {p.name: set() for p in game.parameters}
    for payoffs in game.payoffs.values():
        for i, v in enumerate(payoffs):
            for sym in getattr(sympy.sympify(v), "free_symbols", ()):
                if str(sym) in where:
                    where[str(sym)].add(i)
    out = {}
    for name, pops in where.items():
        if len(pops) > 1:
            out[name] = LEVERS
        elif pops:
            (i,) = pops
            out[name] = game.populations[i].label or game.populations[i].name
        else:
            out[name] = "Other"
    return out


@renamed_options({"values": "params"}, positional=("params",))
def slider_specs(game: Game, *, params: Mapping[str, float]) -> list[SliderSpec]:
    """One :class:`SliderSpec` per parameter with a range, levers first, then by population.

    Parameters without a ``range`` get no slider (they keep their value). A value outside
    the range is clipped into it. A slider is ``key`` when setting it alone to the ends or
    the middle of its range (the others at ``params``) changes which vertices are ESS.

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
    >>> specs = slider_specs(game, params=game.values())
    >>> s = next(s for s in specs if s.name == "F_e")
    >>> s.min, s.max, s.value, s.group, s.label, s.key
    (0.0, 10.0, 3.0, 'Policy levers and transfers', 'Fine on an enterprise caught not fulfilling its… (F_e)', True)
    >>> next(s for s in specs if s.name == "E_g").key   # the environmental benefit never decides the ESS
    False
    """
    base = _verdicts.vertex_ess(game, params=params).names
    groups = _groups(game)
    order = [LEVERS] + [p.label or p.name for p in game.populations] + ["Other"]
    out = []
    for p in game.parameters:
        if p.range is None:
            continue
        lo, hi = p.range
        v = float(np.clip(params.get(p.name, p.value if p.value is not None else lo), lo, hi))
        key = any(
            _verdicts.vertex_ess(game, params={**params, p.name: float(t)}).names != base
            for t in (lo, (lo + hi) / 2, hi)
        )
        out.append(SliderSpec(p.name, lo, hi, v, _step(lo, hi), p.description, key, _short_label(p), groups[p.name]))
    out.sort(key=lambda sp: order.index(sp.group) if sp.group in order else len(order))
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
        starts = grid_starts(game, 2)
        if len(starts):
            return starts
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
    """Simulate from ``X0`` and draw the dashboard: the portrait, a time series, the basin shares (a figure)."""
    from . import plot
    from .analysis.dynamics import Dynamics, replicator
    from .numerics.integrate import simulate
    from .numerics.outcomes import run_keys, vertex_equilibria

    game = system.game if isinstance(system, Dynamics) else system
    t = np.linspace(0.0, t_end, 321)
    traj = simulate(system, X0, params=values, t_end=t_end, t_eval=t)
    eqs = _vertex_stabilities(game, report)
    keys = run_keys(traj, vertex_equilibria(game))
    shares = {k: keys.count(k) / len(keys) for k in sorted(set(keys), key=lambda k: -keys.count(k))}
    field_ = None
    if len(game.state_names) == 2:
        dyn = system if isinstance(system, Dynamics) else replicator(game)
        field_ = dyn.numeric(values).f
    return plot.dashboard(game, t, traj.paths, equilibria=eqs, outcomes=keys, shares=shares, field=field_)


def _fallback(fig: Any, note: str) -> dict[str, str]:
    """A display bundle with the picture of ``fig``: what a saved notebook shows without a kernel.

    The HTML carries a style rule: while the live explorer is on the page (a running
    kernel), the picture is hidden; when the page has only this picture and the front end's
    "Error displaying widget" placeholder (a notebook reopened without its kernel), the
    placeholder is hidden instead.
    """
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    style = (
        "<style>"
        ".jp-OutputArea:has(.govgame-live) .govgame-fallback,"
        ".output:has(.govgame-live) .govgame-fallback{display:none}"
        ".jp-OutputArea:has(.govgame-fallback) .jupyter-widgets:not(:has(*)),"
        ".output:has(.govgame-fallback) .jupyter-widgets:not(:has(*)){display:none}"
        "</style>"
    )
    html = (
        f'{style}<div class="govgame-fallback"><img src="data:image/png;base64,{png}" '
        f'alt="govgame explorer at the starting values" style="max-width:100%"/>'
        f'<p style="font-size:85%;color:#555">{note}</p></div>'
    )
    return {"text/html": html, "image/png": png, "text/plain": note}


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
    """The live explorer: grouped sliders, a scenario menu, the ESS line and the dashboard figure.

    Built by :func:`explore`; ``widget`` is the box to display. Works without a display
    (the widgets are plain Python objects until shown), which is how it is tested.

    The sliders update the ESS line and the figure when a slider is released (or a value
    typed in), not while it is dragged: each update integrates every trajectory again.

    Attributes
    ----------
    game : Game
    sliders : dict of str to ipywidgets.FloatSlider
    scenario : ipywidgets.Dropdown
        ``"defaults"`` or a scenario of the model.
    status : ipywidgets.HTML
        The ESS line.
    output : ipywidgets.Output
        The figure: the phase portrait, the shares over time from the first start, and the
        share of the starts reaching each outcome.
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
        import html

        import ipywidgets as w

        from .analysis.dynamics import replicator

        self.game = game
        self.dynamics = replicator(game)  # built once: the compiled payoffs serve every slider move
        self.t_end = float(t_end)
        self.X0 = _starts(game, x0, grid)
        self._draw_enabled = draw
        self._base = _complete_values(game, scenario, params)
        self._busy = False
        self.first_figure = None
        specs = slider_specs(game, params=self._base)
        self.specs = {s.name: s for s in specs}
        self.sliders = {
            s.name: w.FloatSlider(
                value=s.value,
                min=s.min,
                max=s.max,
                step=s.step,
                description="",
                tooltip=s.tooltip,
                continuous_update=False,
                readout_format=".3g",
                layout=w.Layout(width="46%"),
            )
            for s in specs
        }
        options = [("defaults", "")] + [(sc.name.replace("_", " "), sc.name) for sc in game.scenarios]
        self.scenario = w.Dropdown(options=options, value=scenario or "", description="Scenario")
        self.scenario.observe(self._on_scenario, names="value")
        self.status = w.HTML()
        groups: dict[str, list[Any]] = {}
        for sp in specs:
            mark = "&#9733; " if sp.key else ""
            label = w.HTML(
                f'<span title="{html.escape(sp.tooltip)}">{mark}{html.escape(sp.label)}</span>',
                layout=w.Layout(width="52%"),
            )
            groups.setdefault(sp.group, []).append(w.HBox([label, self.sliders[sp.name]]))
        titles = list(groups)
        acc = w.Accordion(children=[w.VBox(rows) for rows in groups.values()], selected_index=0 if groups else None)
        for k, title in enumerate(titles):
            acc.set_title(k, f"{title} ({len(groups[title])})")
        hint = w.HTML(
            "<small>&#9733; moving this slider alone changes which outcomes are stable. Hover over a name for "
            "its full meaning. The ESS line and the figure update when you release a slider.</small>"
        )
        self.output = w.interactive_output(self._update, dict(self.sliders))
        self.widget = w.VBox([self.scenario, acc, hint, self.status, self.output])
        self.widget.add_class("govgame-live")

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
        base = _complete_values(self.game, change["new"] or None, None)
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
        from . import plot

        values = self.params
        self.report = _verdicts.vertex_ess(self.dynamics, params=values)
        self.status.value = _html(self.report)
        if not self._draw_enabled:
            return
        from IPython.display import display

        fig = _draw(self.dynamics, values, self.report, self.X0, self.t_end)
        display(fig)
        if self.first_figure is None:
            self.first_figure = _fallback(fig, _FALLBACK_NOTE)
        plot.close(fig)

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
        if self.first_figure is not None:  # a picture for the saved notebook, hidden while the widget is live
            display(self.first_figure, raw=True)


#: Caption of the explorer's static picture.
_FALLBACK_NOTE = (
    "The explorer at its starting values (a picture saved with the notebook; run the cell to get the sliders)."
)


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
