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

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .._deprecation import renamed_options
from ..model.game import Game
from .dynamics import Dynamics, replicator
from .equilibria import search_equilibria
from .pairs import PairClaim, multistability
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
        Pairs of vertices that can be ESS for the same parameter values (multistability), each shown by a witness.
    exclusive : tuple of (str, str)
        Pairs of vertices that can each be an ESS, but never together: proven (see :attr:`pairs`).
    pairs : tuple of PairClaim
        Every pair's claim with its method, witness and proof status; pairs whose "never together"
        could not be proven are in neither ``compatible`` nor ``exclusive`` (status ``not proven``).
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
    pairs: tuple[PairClaim, ...] = ()

    @property
    def not_proven(self) -> tuple[tuple[str, str], ...]:
        """Pairs called neither compatible nor exclusive: no witness found, and no proof of "never"."""
        return tuple(c.pair for c in self.pairs if c.status == "not proven")

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


def pair_notes(claims: Sequence[PairClaim]) -> list[str]:
    """The notes an analysis carries about its multistability claims, one per pair that needs one.

    A pair whose "never ESS together" is not proven names the methods tried; a pair found ESS
    together only outside the declared ranges says that ranges do not bound symbolic results.
    Renderers that summarise the pairs (the text output) leave exactly these notes out.
    """
    out = []
    for c in claims:
        if c.status == "not proven":
            out.append(f"{c.pair[0]} and {c.pair[1]}: never ESS together is not proven ({c.method})")
        elif c.together and not c.in_ranges:
            out.append(
                f"{c.pair[0]} and {c.pair[1]} are ESS together only at values outside the declared ranges found so "
                "far (ranges do not bound symbolic results; state hard bounds such as p <= 1 under [assumptions])"
            )
    return out


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
        Set False (with every value given) for the fast numeric path: no closed forms of faces, vertex
        verdicts decided exactly at the given values only, no multistability claims.
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
    search = search_equilibria(dyn, params=values, symbolic=symbolic, region=region)
    numeric_only = not symbolic and game.complete(values)
    st = stability(dyn, search.equilibria, params=values, region=region, eig_tol=eig_tol, symbolic=not numeric_only)
    notes = list(search.notes)
    partial = Analysis(game, dyn, values, st, eig_tol=eig_tol)
    claims = () if numeric_only else multistability(partial, region=region)
    compatible = [c.pair for c in claims if c.status == "compatible"]
    exclusive = [c.pair for c in claims if c.status == "exclusive"]
    notes += pair_notes(claims)
    if not game.complete(values):
        missing = [n for n in game.parameter_names if n not in values]
        notes.append(
            f"no value for {', '.join(missing)}: symbolic results only; rest points on faces where three or more "
            "populations mix are found only at given values"
        )
    if game.state_dependent:
        from .state_dependent import analysis_notes

        notes[:0] = analysis_notes(game, st)  # what changes when payoffs depend on the state comes first
    return Analysis(game, dyn, values, st, tuple(compatible), tuple(exclusive), eig_tol, tuple(notes), claims)
