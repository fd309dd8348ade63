"""Exceptions and warnings raised by govgame.

Every problem a user can cause (a bad model file, an unknown parameter, a start
outside the state space) is a :class:`GovgameError`. The command line turns it
into one line, ``govgame: error: <message>``, and exit status 2.

Library messages speak of parameters and values (``parameter C_g = -1 violates its
sign (nonnegative)``); a :class:`ParameterError` or :class:`ParameterWarning` about one
parameter names it in :attr:`~ParameterError.parameter`, so the command line can say
which of its options gave the value (``--set C_g: ...``).
"""

from __future__ import annotations

__all__ = [
    "GovgameError",
    "ModelError",
    "ExpressionError",
    "ParameterError",
    "SimulationError",
    "ParameterWarning",
    "OutputError",
]


class GovgameError(Exception):
    """Base class of every error govgame raises on purpose."""


class ModelError(GovgameError, ValueError):
    """A model (file or Python definition) is malformed or inconsistent."""


class ExpressionError(ModelError):
    """An expression in a model is not valid govgame expression syntax."""


class ParameterError(GovgameError, ValueError):
    """A parameter value, scenario name or override is invalid.

    Attributes
    ----------
    parameter : str or None
        The parameter the message is about, when it is about one.

    Examples
    --------
    >>> ParameterError("parameter C_g = -1 violates its sign (nonnegative)", parameter="C_g").parameter
    'C_g'
    """

    def __init__(self, message: str = "", *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class SimulationError(GovgameError, RuntimeError):
    """A simulation could not be carried out as asked (bad start, bad options)."""


class ParameterWarning(UserWarning):
    """A parameter value that is allowed but suspicious (outside the parameter's range).

    Attributes
    ----------
    parameter : str or None
        The parameter the warning is about.

    Examples
    --------
    >>> ParameterWarning("parameter C_g = 20 lies outside its range [0, 10]", parameter="C_g").parameter
    'C_g'
    """

    def __init__(self, message: str = "", *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class OutputError(GovgameError):
    """An output file or folder cannot be written where it was asked for (checked before the work starts)."""
