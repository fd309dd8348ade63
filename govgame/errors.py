"""Exceptions raised by govgame.

Every problem a user can cause (a bad model file, an unknown parameter, a start
outside the state space) is a :class:`GovgameError`. The command line turns it
into one line, ``govgame: error: <message>``, and exit status 2.
"""

from __future__ import annotations

__all__ = [
    "GovgameError",
    "ModelError",
    "ExpressionError",
    "ParameterError",
    "SimulationError",
]


class GovgameError(Exception):
    """Base class of every error govgame raises on purpose."""


class ModelError(GovgameError, ValueError):
    """A model (file or Python definition) is malformed or inconsistent."""


class ExpressionError(ModelError):
    """An expression in a model is not valid govgame expression syntax."""


class ParameterError(GovgameError, ValueError):
    """A parameter value, scenario name or override is invalid."""


class SimulationError(GovgameError, RuntimeError):
    """A simulation could not be carried out as asked (bad start, bad options)."""
