"""govgame: evolutionary game analysis of governance problems.

Symbolic payoffs of multi-population games are turned into replicator dynamics,
every rest point is found, its stability decided exactly, and trajectories are
simulated and plotted.
"""

from .errors import ExpressionError, GovgameError, ModelError, ParameterError, SimulationError
from .model import Game, Parameter, Population, Scenario

__version__ = "0.1.0"

__all__ = [
    "ExpressionError",
    "Game",
    "GovgameError",
    "ModelError",
    "Parameter",
    "ParameterError",
    "Population",
    "Scenario",
    "SimulationError",
    "__version__",
]
