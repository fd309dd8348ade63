"""Deprecated alias of govgame.numerics.kernel (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame._kernel", "govgame.numerics.kernel")

from ..numerics.kernel import *  # noqa: E402, F403
from ..numerics.kernel import CONVERGED, FAILED, NO_CONVERGENCE, STALLED, T_END  # noqa: E402, F401
from ..numerics.kernel import __all__ as _all  # noqa: E402

__all__ = [*_all, "CONVERGED", "STALLED", "T_END", "NO_CONVERGENCE", "FAILED"]
