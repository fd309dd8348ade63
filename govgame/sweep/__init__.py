"""Deprecated alias of govgame.numerics.sweep (parse_vary: govgame.cli.args) (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.sweep", "govgame.numerics.sweep (parse_vary: govgame.cli.args)")

from ..cli.args import parse_vary  # noqa: E402, F401
from ..numerics.sweep import RUNS_PER_CHUNK, Cell, Sensitivity, SweepResult, sensitivity, sweep  # noqa: E402, F401

__all__ = ["Cell", "SweepResult", "Sensitivity", "sweep", "sensitivity", "RUNS_PER_CHUNK", "parse_vary"]

import sys  # noqa: E402
import types  # noqa: E402


class _CallableModule(types.ModuleType):
    """The module, made callable: ``govgame.sweep(...)`` is :func:`govgame.sweep` whichever was imported first."""

    def __call__(self, *args, **kwargs):
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
