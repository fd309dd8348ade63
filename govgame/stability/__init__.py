"""Deprecated alias of govgame.analysis.stability, govgame.analysis.pipeline and govgame.analysis.verdicts (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.stability", "govgame.analysis.stability, govgame.analysis.pipeline and govgame.analysis.verdicts")

from ..analysis.pipeline import *  # noqa: E402, F403
from ..analysis.pipeline import __all__ as _all_1  # noqa: E402
from ..analysis.stability import *  # noqa: E402, F403
from ..analysis.stability import __all__ as _all_0  # noqa: E402
from ..analysis.verdicts import TOL, Verdict, numeric_verdict  # noqa: E402, F401

__all__ = [*_all_0, *_all_1, "TOL", "Verdict", "numeric_verdict"]
