"""The analysis pipeline: replicator dynamics -> rest points -> stability -> multistability.

:func:`analyze` is what ``govgame analyze`` runs; :class:`Analysis` holds everything it reports.

>>> from govgame.model.loader import load_model
>>> a = analyze(load_model("battery_recycling"))
>>> [s.name for s in a.ess()]  # two asymptotically stable vertices at the default values
['E5', 'E8']
>>> a["E9"].equilibrium.kind.value, str(a["E9"].verdict)  # a face point: never an ESS
('boundary', 'not-ess')
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._deprecation import renamed_options
from ..model.game import Game
from .dynamics import Dynamics, replicator
from .equilibria import Kind, find_equilibria
from .regions import Region
from .stability import Stability, stability
from .verdicts import TOL, Verdict

__all__ = ["Analysis", "analyze"]


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything ``govgame analyze`` reports about a game.

    Attributes
    ----------
    game, dynamics
    params : dict
        Parameter values used (complete when ``numeric`` is True).
    equilibria : tuple of Stability
    compatible : tuple of (str, str)
        Pairs of vertices that can be ESS for the same parameter values (multistability).
    exclusive : tuple of (str, str)
        Pairs of vertices that can each be an ESS, but never together.
    eig_tol : float
        Relative tolerance of the numeric verdicts (the JSON key ``"tol"``).
    notes : tuple of str
        Caveats a reader should know (e.g. faces solved only numerically).
    """

    game: Game
    dynamics: Dynamics
    params: dict[str, float]
    equilibria: tuple[Stability, ...]
    compatible: tuple[tuple[str, str], ...] = ()
    exclusive: tuple[tuple[str, str], ...] = ()
    eig_tol: float = TOL
    notes: tuple[str, ...] = field(default=())

    # Display hooks: the one sanctioned call from an earlier room into a later one (docs/architecture.md).
    def _repr_markdown_(self) -> str:
        """Jupyter: the Markdown report (:func:`govgame.io.markdown.analysis_markdown`)."""
        from ..io.markdown import analysis_markdown

        return analysis_markdown(self)

    def _repr_latex_(self) -> str:
        """Jupyter: equations and a summary table for MathJax (:func:`govgame.io.latex.analysis_mathjax`)."""
        from ..io.latex import analysis_mathjax

        return analysis_mathjax(self)

    @property
    def tol(self) -> float:
        """Deprecated name of :attr:`eig_tol`."""
        warnings.warn("Analysis.tol is deprecated; use Analysis.eig_tol", DeprecationWarning, stacklevel=2)
        return self.eig_tol

    @property
    def numeric(self) -> bool:
        """Whether every parameter has a value (numeric results present)."""
        return self.game.complete(self.params)

    def __getitem__(self, name: str) -> Stability:
        for s in self.equilibria:
            if s.name == name:
                return s
        raise KeyError(name)

    def ess(self) -> list[Stability]:
        """Equilibria whose numeric verdict is ``ess`` (empty without values)."""
        return [s for s in self.equilibria if s.numeric is not None and s.numeric.verdict is Verdict.ESS]


@renamed_options({"tol": "eig_tol"})
def analyze(
    system: Game | Dynamics,
    *,
    params: Mapping[str, float] | None = None,
    scenario: str | None = None,
    symbolic: bool = True,
    eig_tol: float = TOL,
) -> Analysis:
    """Replicator dynamics, every rest point, eigenvalues, verdicts and ESS conditions of a game.

    Parameters
    ----------
    system : Game or Dynamics
        The game, or its replicator dynamics when already built (then not built again).
    params : mapping, optional
        Values overriding the defaults (and the scenario's); each is checked against its
        parameter's sign (an error) and range (a warning).
    scenario : str, optional
        Name of a scenario of the model to start from.
    symbolic : bool, default True
        Set False to skip the closed-form solution of faces (numeric rest points only).
    eig_tol : float
        Relative tolerance of the numeric verdicts (``tol=`` is the deprecated name).

    Returns
    -------
    Analysis

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> a = analyze(load_model("battery_recycling"))
    >>> a.equilibria[0].equilibrium.name, str(a.equilibria[0].verdict) in {"ess", "conditional", "saddle", "source", "not-ess", "non-hyperbolic"}
    ('E1', True)
    """
    game = system.game if isinstance(system, Dynamics) else system
    values = game.values(scenario, params)  # checked once, before any work
    dyn = system if isinstance(system, Dynamics) else replicator(game)
    region = Region(game, values)
    report: list[str] = []
    eqs = find_equilibria(dyn, params=values, symbolic=symbolic, region=region, report=report)
    st = stability(dyn, eqs, params=values, region=region, eig_tol=eig_tol)
    vertices = [s for s in st if s.equilibrium.kind is Kind.PURE and s.can_be_ess]
    compatible, exclusive = [], []
    for a, b in itertools.combinations(vertices, 2):
        # each vertex's stability conditions are "eigenvalue < 0" for the eigenvalues not already negative
        both = region.feasible(
            strict=[-c.lhs for c in (*a.stability_conditions, *b.stability_conditions)], witness=False
        )
        (compatible if both.feasible else exclusive).append((a.name, b.name))
    notes = []
    if not game.complete(values):
        missing = [n for n in game.parameter_names if n not in values]
        notes.append(
            f"no value for {', '.join(missing)}: symbolic results only; rest points on faces where three or more "
            "populations mix are found only at given values"
        )
    if game.state_dependent:
        from .state_dependent import analysis_notes

        notes.extend(analysis_notes(game, st, report))
    return Analysis(game, dyn, values, st, tuple(compatible), tuple(exclusive), eig_tol, tuple(notes))
