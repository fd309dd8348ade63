"""Multistability: which pairs of vertices can be ESS for the same parameter values — claims with their proofs.

For two vertices that can each be an ESS, their stability conditions (every eigenvalue < 0) are
decided together by :func:`govgame.analysis.regions.certify`: "together" is shown by an exactly checked
witness; "never together" is stated as proven only with a proof (linear programming when the
conditions are linear, branch and bound with linear relaxations when parameters enter as products),
after a search for counterexamples; otherwise the claim is labelled not proven, with the method.

>>> from govgame.model.loader import load_model
>>> from govgame.analysis.pipeline import analyze
>>> a = analyze(load_model("battery_recycling"))
>>> claims = multistability(a)
>>> all(c.proven for c in claims)
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .regions import Region, certify

__all__ = ["PairClaim", "multistability"]


@dataclass(frozen=True)
class PairClaim:
    """Whether two vertices can be ESS for the same parameter values, and how that was decided.

    Attributes
    ----------
    pair : (str, str)
    together : bool
        True when a witness shows both ESS at once.
    proven : bool
        True for a witness or a proof of "never"; False when "never" was only not contradicted.
    method : str
    witness : dict or None
    in_ranges : bool
        Whether the witness lies inside every parameter's declared range.
    """

    pair: tuple[str, str]
    together: bool
    proven: bool
    method: str
    witness: dict[str, float] | None = None
    in_ranges: bool = True

    @property
    def status(self) -> str:
        """``compatible``, ``exclusive`` (proven) or ``not proven``."""
        if self.together:
            return "compatible"
        return "exclusive" if self.proven else "not proven"


def multistability(analysis, *, region: Region | None = None) -> tuple[PairClaim, ...]:
    """A :class:`PairClaim` for every pair of vertices that can each be an ESS.

    Parameters
    ----------
    analysis : Analysis
    region : Region, optional

    Returns
    -------
    tuple of PairClaim
    """
    region = region or Region(analysis.game, analysis.params)
    vertices = [s for s in analysis.equilibria if s.equilibrium.kind.value == "pure" and s.can_be_ess]
    out = []
    for a, b in itertools.combinations(vertices, 2):
        conds = [-c.lhs for c in (*a.stability_conditions, *b.stability_conditions)]
        res = certify(region, strict=conds)
        out.append(
            PairClaim(
                (a.name, b.name), res.feasible, res.proven or res.feasible, res.method, res.witness, res.in_ranges
            )
        )
    return tuple(out)
