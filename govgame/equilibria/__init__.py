"""Deprecated alias of govgame.analysis.equilibria (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.equilibria", "govgame.analysis.equilibria")

from ..analysis.equilibria import *  # noqa: E402, F403
from ..analysis.equilibria import __all__ as _all_0  # noqa: E402

__all__ = [*_all_0]
