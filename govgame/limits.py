"""Every limit govgame puts on its input, in one place.

A model file is data from anywhere, and a command line can ask for any amount of work.
Each limit below is checked where its kind of input enters (the file reader, the loader,
the expression parser, the start grid, the sweep grid), *before* anything of that size is
built, and each message states the limit. ``docs/reference.md`` ("Limits") lists them for
users, with measured time and memory.

This module holds constants and small pure functions only (no imports from govgame), so
every stage can use it.

>>> grid_count((2, 2, 2), 3)
27
>>> grid_count((8, 2), 3)       # no point of the N = 3 grid fits a population of 8 strategies
0
>>> smallest_grid((8, 2))
7
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_MAGNITUDE",
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "MAX_POPULATIONS",
    "MAX_STRATEGIES",
    "MAX_PROFILES",
    "MAX_PARAMETERS",
    "MAX_DEFINITIONS",
    "MAX_SCENARIOS",
    "MAX_RELATIONS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_EXP_ARGUMENT",
    "MAX_BITS",
    "MAX_DEGREE",
    "MAX_EXP_NESTING",
    "MAX_TERMS",
    "MAX_NODES",
    "MAX_MODEL_TERMS",
    "MAX_LATEX_LENGTH",
    "MAX_RUNS",
    "MAX_CELLS",
    "MAX_STORED",
    "MAX_WORKERS",
    "CONNECT_TIMEOUT",
    "NO_WORKER_TIMEOUT",
    "grid_count",
    "smallest_grid",
]

# ---------------------------------------------------------------- files and numbers
#: Largest model file read, in bytes (the reader never reads more than this plus one byte).
MAX_FILE_BYTES = 2_000_000
#: Largest absolute value of any number: values, ranges, scenario values, constants in
#: expressions, and every payoff at the parameter values in use. Floats hold integers exactly
#: up to 9e15 and eigenvalue tolerances are relative, so payoffs far beyond this carry no
#: meaning (and 1e308 overflows).
MAX_MAGNITUDE = 1e12
#: Longest name (population, strategy, parameter, definition, share, scenario), in characters.
MAX_NAME_LENGTH = 64
#: Longest free text (title, description, label, reference), in characters.
MAX_TEXT_LENGTH = 20_000

# ---------------------------------------------------------------- model size
#: Most populations in a game.
MAX_POPULATIONS = 8
#: Most strategies of one population.
MAX_STRATEGIES = 10
#: Most pure-strategy profiles (the product of the numbers of strategies).
MAX_PROFILES = 1024
#: Most parameters.
MAX_PARAMETERS = 200
#: Most definitions.
MAX_DEFINITIONS = 500
#: Most scenarios.
MAX_SCENARIOS = 500
#: Most assumption relations.
MAX_RELATIONS = 200

# ---------------------------------------------------------------- expressions (SPEC §1.4)
#: Longest expression text, in characters.
MAX_LENGTH = 10_000
#: Deepest nesting of an expression, also after definitions are substituted.
MAX_DEPTH = 100
#: Largest absolute value of an exponent.
MAX_EXPONENT = 100
#: Largest absolute value of a constant argument of ``exp``.
MAX_EXP_ARGUMENT = 700
#: Largest exact number, in bits (numerator plus denominator).
MAX_BITS = 100_000
#: Highest polynomial degree of an expression in its symbols (after definitions). Exact analysis of
#: a payoff of degree 100 takes minutes (its coefficients have 30 digits); payoffs of governance
#: games have degree 1 to 3.
MAX_DEGREE = 20
#: Deepest nesting of ``exp`` in ``exp`` (``exp(exp(x))`` is 2): beyond it values leave every
#: floating-point range at ordinary parameter values and exact sign decisions never finish.
MAX_EXP_NESTING = 2
#: Most terms an expression can have once multiplied out (an upper bound computed without expanding).
MAX_TERMS = 10_000
#: Most nodes of an expression written out as a tree (after definitions are substituted).
MAX_NODES = 100_000
#: Most terms of all payoffs of a model together, multiplied out.
MAX_MODEL_TERMS = 200_000
#: Longest ``latex`` field of a parameter, in characters.
MAX_LATEX_LENGTH = 200

# ---------------------------------------------------------------- work asked on the command line
#: Most trajectories in one simulate or sweep (starts times parameter cells).
MAX_RUNS = 10_000_000
#: Most parameter cells in one sweep.
MAX_CELLS = 1_000_000
#: Most stored trajectory values (runs x output times x shares) when paths are kept.
MAX_STORED = 50_000_000
#: Most local worker processes.
MAX_WORKERS = 256
#: Seconds to wait for a Dask scheduler to answer.
CONNECT_TIMEOUT = 10.0
#: Seconds a Dask sweep waits while the cluster has no worker before it gives up.
NO_WORKER_TIMEOUT = 60.0


def grid_count(shape: Sequence[int], n: int) -> int:
    """Number of ``--grid N`` starts of a game whose populations have ``shape`` strategies.

    A population with ``k`` strategies contributes the ``(k - 1)``-tuples of levels
    ``i / (N + 1)``, ``1 <= i <= N``, whose sum is below 1, that is ``C(N, k - 1)`` of
    them; the grid is their product over the populations. Counted without building it.

    >>> grid_count((2, 3), 3)   # 3 levels for x, 3 pairs (y1, y2) with y1 + y2 < 1
    9
    """
    total = 1
    for k in shape:
        total *= math.comb(int(n), int(k) - 1)
    return total


def smallest_grid(shape: Sequence[int]) -> int:
    """The smallest ``N`` for which the ``--grid N`` starts are not empty (``max k - 1``).

    >>> smallest_grid((2, 3, 2))
    2
    """
    return max(1, max((int(k) - 1 for k in shape), default=1))
