"""Deprecated alias of govgame.numerics.integrate, .starts, .coordinates, .outcomes and govgame.io.json (issue 10): importing it warns; it goes in the next release."""

from .._deprecation import warn_moved

warn_moved("govgame.simulate", "govgame.numerics.integrate, .starts, .coordinates, .outcomes and govgame.io.json")

from ..io.json import simulation_to_dict  # noqa: E402, F401
from ..numerics.coordinates import *  # noqa: E402, F403
from ..numerics.coordinates import __all__ as _all_3  # noqa: E402
from ..numerics.integrate import Trajectories, simulate  # noqa: E402, F401
from ..numerics.outcomes import REACH_TOL as CLASSIFY_TOL  # noqa: E402, F401
from ..numerics.outcomes import basins, classify, outcome_key, outcomes, vertex_equilibria  # noqa: E402, F401
from ..numerics.starts import *  # noqa: E402, F403
from ..numerics.starts import __all__ as _all_2  # noqa: E402

__all__ = [
    "Trajectories",
    "simulate",
    *_all_2,
    *_all_3,
    "vertex_equilibria",
    "classify",
    "outcome_key",
    "outcomes",
    "basins",
    "simulation_to_dict",
    "CLASSIFY_TOL",
]

import sys  # noqa: E402
import types  # noqa: E402


class _CallableModule(types.ModuleType):
    """The module, made callable: ``govgame.simulate(...)`` is :func:`govgame.simulate` whichever was imported first."""

    def __call__(self, *args, **kwargs):
        return simulate(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
