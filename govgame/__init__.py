"""govgame: evolutionary game analysis of governance problems.

Symbolic payoffs of multi-population games are turned into replicator dynamics,
every rest point is found, its stability decided exactly, and trajectories are
simulated and plotted.

One entry point per task::

    game = govgame.load_model("battery_recycling")
    analysis = govgame.analyze(game)                     # rest points, verdicts, ESS conditions
    runs = govgame.simulate(game, x0, params=values)     # trajectories (a compiled kernel)
    grid = govgame.sweep(game, {"S_e": [0, 1, 2]}, params=values)   # a region map
    found = govgame.audit(game, "table.toml")            # a published stability table, checked

``import govgame`` is light: every name below is loaded on first use (sympy when a model is
loaded, numba when a simulation runs, matplotlib only in :mod:`govgame.plot`).

>>> import govgame
>>> game = govgame.load_model("battery_recycling")
>>> [s.name for s in govgame.analyze(game).ess()]
['E5', 'E8']
"""

from __future__ import annotations

import importlib
from typing import Any

from .errors import (
    ClaimsError,
    ExpressionError,
    GovgameError,
    ModelError,
    ParameterError,
    ParameterWarning,
    SimulationError,
)

__version__ = "0.1.0"

#: Public name -> the module that defines it (imported on first use).
_LAZY = {
    # stage 1: the model
    "Game": "govgame.model.game",
    "Population": "govgame.model.game",
    "Parameter": "govgame.model.game",
    "Scenario": "govgame.model.game",
    "Definition": "govgame.model.game",
    "load_model": "govgame.model.loader",
    "loads_model": "govgame.model.loader",
    "shipped_models": "govgame.model.shipped",
    # stage 2: exact analysis
    "replicator": "govgame.analysis.dynamics",
    "Dynamics": "govgame.analysis.dynamics",
    "find_equilibria": "govgame.analysis.equilibria",
    "Equilibrium": "govgame.analysis.equilibria",
    "Kind": "govgame.analysis.equilibria",
    "stability": "govgame.analysis.stability",
    "Stability": "govgame.analysis.stability",
    "NumericStability": "govgame.analysis.stability",
    "Verdict": "govgame.analysis.verdicts",
    "vertex_ess": "govgame.analysis.verdicts",
    "ESSReport": "govgame.analysis.verdicts",
    "analyze": "govgame.analysis.pipeline",
    "Analysis": "govgame.analysis.pipeline",
    "audit": "govgame.analysis.audit",
    "Audit": "govgame.analysis.audit",
    "Finding": "govgame.analysis.audit",
    "FindingKind": "govgame.analysis.audit",
    "reconstruct": "govgame.analysis.reconstruct",
    "Reconstruction": "govgame.analysis.reconstruct",
    "load_claims": "govgame.model.claims",
    "Claims": "govgame.model.claims",
    # stage 3: numerics
    "simulate": "govgame.numerics.integrate",
    "Trajectories": "govgame.numerics.integrate",
    "grid_starts": "govgame.numerics.starts",
    "outcomes": "govgame.numerics.outcomes",
    "basins": "govgame.numerics.outcomes",
    "sweep": "govgame.numerics.sweep",
    "SweepResult": "govgame.numerics.sweep",
    "Cell": "govgame.numerics.sweep",
    "sensitivity": "govgame.numerics.sweep",
    "Sensitivity": "govgame.numerics.sweep",
}

#: Subpackages and modules reachable as attributes (``govgame.plot``) without importing them first.
_SUBMODULES = ("model", "analysis", "numerics", "io", "plot", "widgets", "cli", "errors")

__all__ = [
    "ClaimsError",
    "ExpressionError",
    "GovgameError",
    "ModelError",
    "ParameterError",
    "ParameterWarning",
    "SimulationError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        # ``simulate`` and ``sweep`` are also the names of deprecated modules (govgame/simulate/,
        # govgame/sweep/); importing those rebinds the attribute to the module, which is callable
        # and calls the function, so ``govgame.simulate(...)`` works in any import order.
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_SUBMODULES))
