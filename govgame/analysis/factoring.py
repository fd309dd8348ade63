"""Factoring with sympy's random choices fixed, so that an analysis takes the same time on every run.

sympy factors a multivariate polynomial by Wang's method, which draws random evaluation points
(from ``sympy.core.random.rng``). The factors do not depend on the draws (factorisation is unique),
but the time does, with a heavy tail: one Routh-Hurwitz condition of ``battery_dynamic_penalty``
factors in 0.3 s with most draws and in 33 s with others. Inside a time budget that made the
printed result of a shipped model depend on the luck of the draw. :func:`factor` and
:func:`factor_list` seed that generator for each call (and restore its state afterwards), so the
same expression always takes the same path.

>>> import sympy
>>> a, b = sympy.symbols("a b")
>>> factor(a**2 * b - b**3)
b*(a - b)*(a + b)
>>> factor_list(a**2 - b**2)
(1, [(a - b, 1), (a + b, 1)])
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sympy
from sympy.core import random as _sympy_random

__all__ = ["factor", "factor_list", "fixed_draws"]

#: The seed of sympy's generator for every factorisation (any fixed value makes the time reproducible).
SEED = 0


@contextlib.contextmanager
def fixed_draws() -> Iterator[None]:
    """Seed sympy's random generator with :data:`SEED` for the block; restore its state afterwards.

    >>> from sympy.core.random import rng
    >>> before = rng.getstate()
    >>> with fixed_draws():
    ...     first = rng.random()
    >>> with fixed_draws():
    ...     first == rng.random()
    True
    >>> rng.getstate() == before
    True
    """
    state = _sympy_random.rng.getstate()
    _sympy_random.rng.seed(SEED)
    try:
        yield
    finally:
        _sympy_random.rng.setstate(state)


def factor(expr: sympy.Expr) -> sympy.Expr:
    """``sympy.factor(expr)`` with the random draws fixed (see the module docstring)."""
    with fixed_draws():
        return sympy.factor(expr)


def factor_list(expr: sympy.Expr) -> tuple:
    """``sympy.factor_list(expr)`` with the random draws fixed (see the module docstring)."""
    with fixed_draws():
        return sympy.factor_list(expr)
