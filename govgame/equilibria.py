"""Rest points of the replicator dynamics: vertices, face points, interior points, continua."""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sympy

__all__ = ["Kind", "Equilibrium", "find_equilibria"]


class Kind(str, enum.Enum):
    """Where a rest point lies (SPEC §3)."""

    PURE = "pure"
    BOUNDARY = "boundary"
    INTERIOR = "interior"
    CONTINUUM = "continuum"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Equilibrium:
    """A rest point (or a segment/face of rest points) of the replicator dynamics.

    Attributes
    ----------
    name : str
        ``E1``, ``E2``, ... (vertices first, in profile order).
    kind : Kind
    point : tuple of sympy.Expr
        Coordinates in state order; a free coordinate of a continuum is its own state symbol.
    profile : tuple of str or None
        The strategy profile for a vertex, else None.
    exists_if : tuple of sympy relationals
        Conditions on the parameters for the point to lie in the state space (empty for vertices).
    numeric_point : tuple of (float or None) or None
        The point at the given parameter values (None for a free coordinate); None without values.
    free : tuple of int
        Indices of the free coordinates (continua only).
    """

    name: str
    kind: Kind
    point: tuple[sympy.Expr, ...]
    profile: tuple[str, ...] | None = None
    exists_if: tuple[sympy.Basic, ...] = ()
    numeric_point: tuple[float | None, ...] | None = None
    free: tuple[int, ...] = ()
