"""Stage 1 — what a model file says: :class:`Game` and its parts, the expression parser, the loader.

No numerics here. The names of :mod:`govgame.model.game` (``Game``, ``Population``,
``Parameter``, ...) and of :mod:`govgame.model.loader` (``load_model``, ...) are importable
from this package; they are loaded on first use, so ``govgame models`` (which needs only
:mod:`govgame.model.shipped`) never imports sympy.

>>> from govgame.model import Game, load_model
>>> isinstance(load_model("battery_recycling"), Game)
True
"""

from __future__ import annotations

import importlib
from typing import Any

_LOADER = ("load_model", "loads_model", "game_from_dict", "MAX_FILE_SIZE")
_SHIPPED = ("shipped_models", "model_path")
_SUBMODULES = ("game", "expr", "loader", "shipped")

__all__ = [
    "SIGNS",
    "Parameter",
    "Population",
    "Definition",
    "Scenario",
    "Game",
    "symbol_for",
    "share_symbol",
    "default_latex",
    *_LOADER,
    *_SHIPPED,
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _SHIPPED:
        module = importlib.import_module(".shipped", __name__)
    elif name in _LOADER:
        module = importlib.import_module(".loader", __name__)
    else:
        module = importlib.import_module(".game", __name__)
    try:
        value = getattr(module, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
