"""Deprecated alias of govgame.model.loader (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.loader", "govgame.model.loader")

from ..model.loader import *  # noqa: E402, F403
from ..model.loader import __all__ as _all_0  # noqa: E402
from ..model.shipped import *  # noqa: E402, F403
from ..model.shipped import __all__ as _all_1  # noqa: E402

__all__ = [*_all_0, *_all_1]
