"""The first-compilation notice: one line, only when numba must compile, once per process."""

import io
from types import SimpleNamespace

from govgame.numerics.notice import compile_notice, is_cached


def _dispatcher(index: dict, signatures=()):
    cache_file = SimpleNamespace(_load_index=lambda: index)
    return SimpleNamespace(signatures=list(signatures), _cache=SimpleNamespace(_cache_file=cache_file))


def test_notice_when_numba_must_compile_and_only_once():
    d = _dispatcher({})
    out = io.StringIO()
    assert is_cached(d) is False
    assert compile_notice(d, stream=out)
    assert not compile_notice(d, stream=out)  # the same function: said once
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govgame: compiling the integrator") and "once" in lines[0]


def test_no_notice_when_cached_or_compiled_or_unknown():
    out = io.StringIO()
    assert not compile_notice(_dispatcher({("sig",): "entry"}), stream=out)  # on-disk cache for this source
    assert not compile_notice(_dispatcher({}, signatures=["(float64,)"]), stream=out)  # compiled in this process
    assert not compile_notice(object(), stream=out)  # not a numba function: cannot tell, say nothing
    assert out.getvalue() == ""
