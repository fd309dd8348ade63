r"""Verdicts, and the one numeric rule "this vertex is an ESS at these values".

Numeric verdicts (SPEC §3), with ``t = eig_tol * max|eigenvalue|`` and ``eig_tol`` = :data:`TOL`
    ``ess``: every real part < -t; ``source``: every real part > t; ``saddle``: some real
    part > t, not all; ``non-hyperbolic``: no real part > t and some |real part| <= t — the
    linearisation decides nothing.

The vertex rule
    At the vertex of a pure profile :math:`\sigma` the Jacobian of the replicator dynamics
    is block diagonal and its eigenvalues are the payoff differences
    :math:`a_p(s', \sigma_{-p}) - a_p(\sigma)`, one for each population ``p`` and each other
    strategy :math:`s'`. The vertex is ``ess`` when every one of them is below
    ``-eig_tol`` times the largest of their absolute values: a strict Nash equilibrium
    (with the tolerance of the numeric verdicts). :func:`vertex_ess_mask` applies this rule
    to packed payoff tensors, vectorised over parameter sets; the compiled integrator
    (:mod:`govgame.numerics.kernel`), the sweep, the notebook explorer (:func:`vertex_ess`)
    and the numeric verdicts of :func:`govgame.analysis.stability.stability` all use it
    (the last through :func:`numeric_verdict`, whose ``ess`` test is the same predicate,
    :func:`is_ess`).

>>> numeric_verdict([-1.0, -2.0])
<Verdict.ESS: 'ess'>
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .._deprecation import renamed_options

if TYPE_CHECKING:  # pragma: no cover
    import sympy

    from ..model.game import Game
    from .dynamics import Dynamics

__all__ = [
    "TOL",
    "Verdict",
    "is_ess",
    "numeric_verdict",
    "vertex_ess_mask",
    "Deviation",
    "VertexCheck",
    "ESSReport",
    "vertex_ess",
]

#: Relative tolerance of numeric verdicts: real parts within TOL * max|eigenvalue| of zero count as zero.
TOL = 1e-9


class Verdict(str, enum.Enum):
    """Stability verdicts; the values are the strings of SPEC §3."""

    ESS = "ess"
    SOURCE = "source"
    SADDLE = "saddle"
    NON_HYPERBOLIC = "non-hyperbolic"
    CONDITIONAL = "conditional"
    NOT_ESS = "not-ess"

    def __str__(self) -> str:
        return self.value


def is_ess(max_real: float | np.ndarray, scale: float | np.ndarray, *, eig_tol: float = TOL):
    """The numeric ESS rule: the largest real part is below ``-eig_tol * scale`` (scale = max |eigenvalue|).

    Works elementwise on arrays. With every eigenvalue zero (``scale == 0``) it is False.

    >>> is_ess(-1.0, 2.0), is_ess(-1e-12, 2.0), is_ess(0.0, 0.0)
    (True, False, False)
    """
    return max_real < -eig_tol * scale


@renamed_options({"tol": "eig_tol"}, positional=("eig_tol",))
def numeric_verdict(eigenvalues: Sequence[complex], *, eig_tol: float = TOL) -> Verdict:
    """Classify eigenvalues: SPEC §3 numeric verdicts with a tolerance relative to max |eigenvalue|.

    >>> numeric_verdict([-1.0, -2.0])
    <Verdict.ESS: 'ess'>
    >>> numeric_verdict([1j, -1j, -1.0])
    <Verdict.NON_HYPERBOLIC: 'non-hyperbolic'>
    >>> numeric_verdict([2.0, -1.0])
    <Verdict.SADDLE: 'saddle'>
    """
    ev = np.asarray(list(eigenvalues), dtype=complex)
    if ev.size == 0:
        return Verdict.NON_HYPERBOLIC
    scale = float(np.max(np.abs(ev)))
    t = eig_tol * scale
    re = ev.real
    if is_ess(float(np.max(re)), scale, eig_tol=eig_tol):
        return Verdict.ESS
    if np.all(re > t) and scale > 0:
        return Verdict.SOURCE
    if np.any(re > t):
        return Verdict.SADDLE
    return Verdict.NON_HYPERBOLIC


@renamed_options({"rtol": "eig_tol"})
def vertex_ess_mask(pay: np.ndarray, shape: tuple[int, ...], *, eig_tol: float = TOL) -> np.ndarray:
    r"""Which vertices are ESS (numeric verdict ``ess``), per parameter set: the vertex rule above.

    Parameters
    ----------
    pay : numpy.ndarray
        ``(T, P, J)`` payoffs: population ``p`` at pure profile ``j`` (row-major over the
        strategy indices, the order of :attr:`Game.profiles <govgame.model.Game.profiles>`)
        for parameter set ``t`` (see :func:`govgame.numerics.kernel.pack`).
    shape : tuple of int
        Numbers of strategies per population.
    eig_tol : float
        Relative tolerance (:data:`TOL`).

    Returns
    -------
    numpy.ndarray
        bool ``(T, J)``.

    Examples
    --------
    >>> pay = np.array([[[2.0, 0.0, 3.0, 1.0], [2.0, 3.0, 0.0, 1.0]]])  # prisoner's dilemma
    >>> vertex_ess_mask(pay, (2, 2))[0].tolist()   # only (defect, defect)
    [False, False, False, True]
    """
    shape = tuple(int(k) for k in shape)
    T, P, J = pay.shape
    full = pay.reshape((T, P, *shape))
    worst = np.full((T, *shape), -np.inf)  # largest eigenvalue at each vertex
    scale = np.zeros((T, *shape))  # largest |eigenvalue|
    for p, k in enumerate(shape):
        own = full[:, p]
        for shift in range(1, k):
            other = np.roll(own, -shift, axis=1 + p)  # payoff of strategy (s_p + shift) mod k
            d = other - own
            worst = np.maximum(worst, d)
            scale = np.maximum(scale, np.abs(d))
    return is_ess(worst, scale, eig_tol=eig_tol).reshape(T, J)


# --------------------------------------------------------------------------- ESS at given values, explained
@dataclass(frozen=True)
class Deviation:
    """One population switching strategy at a vertex, the others fixed.

    Attributes
    ----------
    population : str
    strategy : str
        The strategy played at the vertex.
    to : str
        The alternative.
    difference : float
        ``payoff(to) - payoff(strategy)`` at the given values: a Jacobian eigenvalue at the vertex.
    expression : sympy.Expr
        The same difference in the parameters.
    """

    population: str
    strategy: str
    to: str
    difference: float
    expression: sympy.Expr

    def text(self, digits: int = 3) -> str:
        """``"enterprise formal→informal: -1.5"``."""
        return f"{self.population} {self.strategy}→{self.to}: {self.difference:+.{digits}g}"


@dataclass(frozen=True)
class VertexCheck:
    """Whether one vertex (pure profile) is an ESS at given values, and why.

    Attributes
    ----------
    name : str
        ``E1, E2, ...`` as in :func:`govgame.analysis.equilibria.vertices` (the names of the analysis).
    profile : tuple of str
    point : tuple of float
        The vertex in state coordinates.
    deviations : tuple of Deviation
    is_ess : bool
        The vertex rule (:func:`vertex_ess_mask`).
    """

    name: str
    profile: tuple[str, ...]
    point: tuple[float, ...]
    deviations: tuple[Deviation, ...]
    is_ess: bool

    @property
    def key(self) -> str:
        """The profile joined by ``/`` (the outcome key of :func:`govgame.numerics.outcomes.outcome_key`)."""
        return "/".join(self.profile)

    @property
    def blocking(self) -> tuple[Deviation, ...]:
        """The deviations that do not lose (difference >= 0): why the vertex is not an ESS."""
        return tuple(d for d in self.deviations if not d.difference < 0)


@dataclass(frozen=True)
class ESSReport:
    """The vertices that are ESS at given parameter values.

    Attributes
    ----------
    params : dict
    vertices : tuple of VertexCheck
        Every vertex, in the order of their names.
    """

    params: dict[str, float]
    vertices: tuple[VertexCheck, ...]

    @property
    def ess(self) -> tuple[VertexCheck, ...]:
        """The vertices that are ESS."""
        return tuple(v for v in self.vertices if v.is_ess)

    @property
    def names(self) -> list[str]:
        """Profiles of the ESS, ``/``-joined, sorted."""
        return sorted(v.key for v in self.ess)

    def text(self) -> str:
        """One line per ESS: its profile and the payoff differences that make every deviation lose."""
        if not self.ess:
            return (
                "No ESS at these values: at every vertex some population does not lose by switching "
                "(trajectories may cycle or settle on a non-vertex rest point)."
            )
        lines = []
        for v in self.ess:
            why = "; ".join(d.text() for d in v.deviations)
            lines.append(f"ESS {v.name} {v.key}: every switch loses ({why})")
        return "\n".join(lines)

    def markdown(self) -> str:
        """The same as :meth:`text`, in Markdown."""
        if not self.ess:
            return "**No ESS** at these values: at every vertex some population gains (or loses nothing) by switching."
        lines = []
        for v in self.ess:
            why = ", ".join(f"{d.population} `{d.strategy}→{d.to}` {d.difference:+.3g}" for d in v.deviations)
            lines.append(f"- **ESS {v.name} `{v.key}`** — every switch loses: {why}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.text()

    def _repr_markdown_(self) -> str:
        return self.markdown()


def _deviation_expressions(game: Game) -> dict[tuple[int, int, int], sympy.Expr]:
    """Symbolic payoff difference per (vertex index, population, alternative)."""
    import sympy

    out = {}
    for j, prof in enumerate(game.profiles):
        for p, pop in enumerate(game.populations):
            here = game.payoffs[tuple(prof)][p]
            for s in pop.strategies:
                if s == prof[p]:
                    continue
                other = list(prof)
                other[p] = s
                out[(j, p, pop.strategies.index(s))] = sympy.expand(game.payoffs[tuple(other)][p] - here)
    return out


@renamed_options({"rtol": "eig_tol"}, positional=("params",))
def vertex_ess(system: Game | Dynamics, *, params: Mapping[str, float], eig_tol: float = TOL) -> ESSReport:
    """Which vertices are ESS at the given values, and why, from the numeric payoffs only (fast).

    The verdict of each vertex is the vertex rule (:func:`vertex_ess_mask`), the same as
    the numeric verdicts of :func:`govgame.analysis.pipeline.analyze` and the early stop of
    the integrator. The report adds the payoff differences (the vertex's eigenvalues) that
    explain it.

    Parameters
    ----------
    system : Game or Dynamics
        A :class:`~govgame.analysis.dynamics.Dynamics` keeps the compiled payoffs and the
        symbolic differences between calls (what the notebook explorer does on every slider move).
    params : mapping
        A value for every parameter (e.g. ``game.values()``).
    eig_tol : float
        Relative tolerance (:data:`TOL`).

    Returns
    -------
    ESSReport

    Examples
    --------
    A prisoner's dilemma: only mutual defection is stable, and each deviation loses 1.

    >>> from govgame.model import Game, Population
    >>> pd = Game(name="pd", populations=(Population("row", ("c", "d"), ("x",)), Population("col", ("c", "d"), ("y",))),
    ...           parameters=(), payoffs={("c", "c"): (2, 2), ("c", "d"): (0, 3), ("d", "c"): (3, 0), ("d", "d"): (1, 1)})
    >>> rep = vertex_ess(pd, params={})
    >>> rep.names
    ['d/d']
    >>> print(rep)
    ESS E1 d/d: every switch loses (row d→c: -1; col d→c: -1)
    """
    from .dynamics import Dynamics, numeric_payoffs
    from .equilibria import vertices

    if isinstance(system, Dynamics):
        game = system.game
        exprs = system.vertex_deviations
    else:
        game = system
        exprs = _deviation_expressions(game)
    values = {k: float(v) for k, v in params.items()}
    index = {prof: j for j, prof in enumerate(game.profiles)}
    verts = vertices(game, numeric=True)
    if game.state_dependent:  # the rule applies to the payoffs evaluated at each vertex
        at = numeric_payoffs(system, values, state=np.array([v.numeric_point for v in verts], dtype=float))
        per_vertex = {v.name: [t[i] for t in at] for i, v in enumerate(verts)}
    else:
        tensors = numeric_payoffs(system, values)
        per_vertex = {v.name: tensors for v in verts}
    masks: dict[int, np.ndarray] = {}  # one mask per distinct payoff table
    checks = []
    for v in verts:
        tensors = per_vertex[v.name]
        j = index[v.profile]
        if id(tensors) not in masks:
            pay = np.stack([t.reshape(-1) for t in tensors])[None]
            masks[id(tensors)] = vertex_ess_mask(pay, game.shape, eig_tol=eig_tol)[0]
        mask = masks[id(tensors)]
        idx = tuple(s[0] for s in v.support)
        devs = []
        for p, pop in enumerate(game.populations):
            here = tensors[p][idx]
            for a, s in enumerate(pop.strategies):
                if a == idx[p]:
                    continue
                alt = list(idx)
                alt[p] = a
                devs.append(
                    Deviation(pop.name, v.profile[p], s, float(tensors[p][tuple(alt)] - here), exprs[(j, p, a)])
                )
        checks.append(VertexCheck(v.name, v.profile, v.numeric_point, tuple(devs), bool(mask[j])))
    return ESSReport(values, tuple(checks))
