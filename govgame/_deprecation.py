"""Deprecation helpers for the one-release transition of the re-layout (issue 10).

* :func:`warn_moved` — emitted once by each old module (``govgame.stability``, ...) when it is
  imported, naming the new place; the warning points at the line that imported it.
* :func:`renamed_options` — a decorator that keeps old keyword names (``tol=``) and old
  positional options (``params`` given by position) working, with a :class:`DeprecationWarning`
  naming the new keyword.

Nothing here imports the rest of govgame.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

__all__ = ["warn_moved", "renamed_options"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _importer_stacklevel() -> int:
    """The ``stacklevel`` that points a warning raised in a module's body at the line importing it.

    Counted the way :func:`warnings.warn` walks the stack: it skips the import system's internal
    frames (``importlib._bootstrap``), but not ``importlib.import_module``.
    """
    frame = sys._getframe(2)  # the old module's body (caller of warn_moved)
    level = 1  # warn_moved itself
    first = True
    while frame is not None:
        name = frame.f_code.co_filename
        if not ("importlib" in name and "_bootstrap" in name):
            level += 1
        if not first and "importlib" not in name:
            break
        first = False
        frame = frame.f_back
    return level


def warn_moved(old: str, new: str) -> None:
    """Warn that module ``old`` moved to ``new`` (call at the top level of the old module).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_moved("govgame.expr", "govgame.model.expr")
    >>> print(w[0].message)
    govgame.expr is deprecated and will be removed in the next release; import from govgame.model.expr instead
    """
    warnings.warn(
        f"{old} is deprecated and will be removed in the next release; import from {new} instead",
        DeprecationWarning,
        stacklevel=_importer_stacklevel(),
    )


def renamed_options(
    renamed: Mapping[str, str] | None = None,
    *,
    positional: Sequence[str] = (),
) -> Callable[[_F], _F]:
    """Keep old keyword names and old positional options of a function working, with a warning.

    Parameters
    ----------
    renamed : mapping of str to str
        Old keyword name -> new keyword name.
    positional : sequence of str
        Keyword-only options that used to be accepted by position, in their old order after
        the positional parameters the function still has.

    Examples
    --------
    >>> @renamed_options({"tol": "eig_tol"}, positional=("params",))
    ... def f(x, *, params=None, eig_tol=1e-9):
    ...     return x, params, eig_tol
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     f(1, {"a": 1.0}, tol=0.1)
    (1, {'a': 1.0}, 0.1)
    >>> [str(m.message) for m in w]  # doctest: +NORMALIZE_WHITESPACE
    ['f(): give params as a keyword (params=...); passing it by position is deprecated',
     'f(): the keyword tol is deprecated; use eig_tol']
    """
    renamed = dict(renamed or {})
    positional = tuple(positional)

    def decorate(func: _F) -> _F:
        sig = inspect.signature(func)
        n_pos = sum(
            p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
            for p in sig.parameters.values()
        )
        name = func.__name__

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_pos and positional:
                extra = args[n_pos:]
                if len(extra) > len(positional):
                    raise TypeError(f"{name}() takes at most {n_pos + len(positional)} positional arguments")
                args = args[:n_pos]
                for opt, value in zip(positional, extra):
                    if opt in kwargs:
                        raise TypeError(f"{name}() got multiple values for argument {opt!r}")
                    warnings.warn(
                        f"{name}(): give {opt} as a keyword ({opt}=...); passing it by position is deprecated",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[opt] = value
            for old, new in renamed.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(f"{name}() got both {old!r} (deprecated) and {new!r}")
                    warnings.warn(
                        f"{name}(): the keyword {old} is deprecated; use {new}", DeprecationWarning, stacklevel=2
                    )
                    kwargs[new] = kwargs.pop(old)
            return func(*args, **kwargs)

        wrapper.__signature__ = sig  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
