"""A notice on stderr before the compiled integrator is built (the first run after installation).

numba compiles the integrator on its first call and caches it on disk; that first call takes
half a minute or more, every later process loads the cache in a fraction of a second. Without a
word, a first ``govgame simulate`` looks hung. :func:`compile_notice` says what is happening,
once, and only when numba has no usable cache for the function (so a user sees it once per
installation, and again only after an upgrade changes the kernel).
"""

from __future__ import annotations

import sys
from typing import Any, TextIO

__all__ = ["compile_notice", "is_cached"]

_SAID: set[int] = set()


def is_cached(dispatcher: Any) -> bool | None:
    """Whether numba can load ``dispatcher`` (an ``@njit(cache=True)`` function) instead of compiling it.

    True when it is compiled in this process or its on-disk cache index lists a compiled
    version for the current source; False when it must be compiled; None when numba's
    cache cannot be inspected.

    Examples
    --------
    >>> is_cached(len) is None
    True
    """
    try:
        if dispatcher.signatures:
            return True
        cache = dispatcher._cache
        index = cache._cache_file._load_index()  # {} when missing or stale (the source changed)
    except (AttributeError, OSError, TypeError, ValueError, EOFError):
        return None
    return bool(index)


def compile_notice(dispatcher: Any, *, what: str = "the integrator", stream: TextIO | None = None) -> bool:
    """Write one line to stderr when ``dispatcher`` is about to be compiled; return whether it did.

    Call it just before the first call of an ``@njit(cache=True)`` function. It says nothing
    when the function is cached (or already compiled in this process), nothing a second
    time in a process, and nothing when the cache cannot be inspected.

    Examples
    --------
    >>> import io
    >>> compile_notice(len, stream=io.StringIO())
    False
    """
    key = id(dispatcher)
    if key in _SAID or is_cached(dispatcher) is not False:
        return False
    _SAID.add(key)
    out = sys.stderr if stream is None else stream
    out.write(f"govgame: compiling {what} for this installation (once, about 30-40 s; later runs start at once)\n")
    out.flush()
    return True
