"""Stability of rest points: exact eigenvalues, verdicts, ESS conditions, witnesses."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sympy

from .dynamics import Dynamics
from .equilibria import Equilibrium
from .model import Game

__all__ = ["Verdict", "NumericStability", "Stability", "Analysis", "analyze"]


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


@dataclass(frozen=True)
class NumericStability:
    """Linearisation at given parameter values."""

    point: tuple[float | None, ...]
    eigenvalues: tuple[complex, ...]
    verdict: Verdict


@dataclass(frozen=True)
class Stability:
    """Stability of one equilibrium."""

    equilibrium: Equilibrium
    eigenvalues: tuple[sympy.Expr, ...]
    verdict: Verdict
    stability_conditions: tuple[sympy.Basic, ...] = ()
    can_be_ess: bool = False
    witness: dict[str, float] | None = None
    method: str = ""
    numeric: NumericStability | None = None


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything ``govgame analyze`` reports about a game."""

    game: Game
    dynamics: Dynamics
    params: dict[str, float]
    equilibria: tuple[Stability, ...]
    compatible: tuple[tuple[str, str], ...] = ()
    exclusive: tuple[tuple[str, str], ...] = ()
    tol: float = 1e-9
    notes: tuple[str, ...] = field(default=())
