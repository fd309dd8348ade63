"""The shipped models: their names, titles and paths (``govgame models``).

Shipped models live in the top-level ``models/`` folder of the repository and in
``govgame/models/`` once installed. This module reads only the ``[game]`` titles, with
:mod:`tomllib`: it never imports sympy, so ``govgame models`` starts at once.
"""

from __future__ import annotations

import difflib
import sys
from pathlib import Path

from ..errors import ModelError
from .source import read_model_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["shipped_models", "model_path"]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _model_dirs() -> list[Path]:
    package = Path(__file__).resolve().parent.parent  # govgame/
    return [d for d in (package / "models", package.parent / "models") if d.is_dir()]


def _shipped_paths() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for d in _model_dirs():
        for p in sorted(d.glob("*.toml")):
            found.setdefault(p.stem, p)
    return found


def shipped_models() -> list[tuple[str, str, Path]]:
    """The models shipped with govgame, as ``(name, title, path)`` sorted by name.

    The title is read from the file's ``[game]`` table; a file that cannot be read
    shows why instead of a title.

    Examples
    --------
    >>> all(path.suffix == ".toml" for name, title, path in shipped_models())
    True
    """
    out = []
    for name, path in sorted(_shipped_paths().items()):
        try:
            data = tomllib.loads(read_model_text(path))
            title = data.get("game", {}).get("title", "") if isinstance(data.get("game"), dict) else ""
            title = title if isinstance(title, str) else ""
        except (ModelError, tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
            title = f"(cannot be read: {_one_line(str(exc))})"
        out.append((name, title, path))
    return out


def model_path(name: str) -> Path:
    """The path of the shipped model called ``name``.

    Raises
    ------
    ModelError
        When no shipped model has that name (the message lists the shipped ones).

    Examples
    --------
    >>> model_path("no_such_model")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: no shipped model named "no_such_model" ...
    """
    paths = _shipped_paths()
    if name in paths:
        return paths[name]
    known = ", ".join(paths) or "none"
    hint = difflib.get_close_matches(name, list(paths), n=1)
    did = f'; did you mean "{hint[0]}"?' if hint else ""
    raise ModelError(
        f'no shipped model named "{name}" and no such file (shipped models: {known}; '
        f"give a path to a .toml file otherwise){did}"
    )
