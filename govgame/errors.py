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
    "ClaimsError",
    "ParameterError",
    "SimulationError",
    "ParameterWarning",
    "OutputError",
]


import re

# C0 controls except tab and newline, DEL, C1 controls, line/paragraph separators, bidi controls
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(m: re.Match) -> str:
    c = m.group()
    return f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}"


class GovgameError(Exception):
    r"""Base class of every error govgame raises on purpose.

    Its message may quote model text or arguments: control characters in it (escape
    sequences, bidirectional overrides) are shown as escapes, so a message can be printed
    anywhere without being obeyed.

    In Jupyter/IPython a govgame error shows as its message alone, in red, not as a
    traceback through govgame's internals (IPython asks an exception for
    ``_render_traceback_``); set the environment variable ``GOVGAME_DEBUG=1`` to see the
    frames.

    Examples
    --------
    >>> ModelError("profile (a, b) has no payoff for population c")._render_traceback_()
    ['\x1b[0;31mModelError\x1b[0m: profile (a, b) has no payoff for population c']
    >>> str(GovgameError('"\x1b[2J" is not a strategy'))
    '"\\x1b[2J" is not a strategy'
    """

    def __init__(self, message: object = "", *args: object) -> None:
        if isinstance(message, str):
            message = _CONTROL.sub(_visible, message)
        super().__init__(message, *args)

    def _render_traceback_(self) -> list[str]:
        import os

        if os.environ.get("GOVGAME_DEBUG"):
            import traceback

            return traceback.format_exception(type(self), self, self.__traceback__)
        return [f"\x1b[0;31m{type(self).__name__}\x1b[0m: {self}"]


class ModelError(GovgameError, ValueError):
    """A model (file or Python definition) is malformed or inconsistent."""


class ExpressionError(ModelError):
    """An expression in a model is not valid govgame expression syntax."""


class ClaimsError(ModelError):
    """A claims file (a published stability table for ``govgame audit``) is malformed or does not fit its model."""


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
