"""Deprecated alias of govgame.analysis.dynamics (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.dynamics", "govgame.analysis.dynamics")

from ..analysis.dynamics import *  # noqa: E402, F403
from ..analysis.dynamics import __all__ as _all_0  # noqa: E402

__all__ = [*_all_0]
