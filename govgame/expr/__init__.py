"""Deprecated alias of govgame.model.expr (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.expr", "govgame.model.expr")

from ..model.expr import *  # noqa: E402, F403
from ..model.expr import __all__ as _all_0  # noqa: E402

__all__ = [*_all_0]
