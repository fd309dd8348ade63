"""Time budgets for exact computations that may not finish (Gröbner bases, ``sympy.solve``).

sympy's solvers cannot be cancelled from outside. :func:`time_budget` interrupts the Python code
running inside it once the budget is spent, by raising :class:`BudgetExceeded` in that code.

A budget counts **CPU time**, not wall-clock time: an answer (an exact closed form, or the numeric
fallback when the budget runs out) must not depend on how busy the machine is, so the same model gives
the same analysis on a quiet laptop and on a loaded CI runner of the same speed. Two mechanisms:

* in the main thread with no profiling timer already running, a ``SIGPROF`` timer
  (``signal.setitimer(signal.ITIMER_PROF, ...)``, the process's CPU time), which costs nothing while
  the computation runs;
* elsewhere (worker threads, when someone else's profiling timer is running, or for a budget shorter
  than :data:`TIMER_MIN`, below which the kernel's CPU-time timers, checked at each scheduler tick,
  are too coarse), a profile hook
  (``sys.setprofile``) that reads the thread's CPU clock (:func:`time.thread_time`) every few calls and
  returns of Python and built-in functions, which slows the computation down but works in any thread.

Python prints and drops an exception raised inside a garbage-collector or weak-reference callback or
a ``__del__`` method ("Exception ignored in ..."). While a budget runs, a :data:`sys.unraisablehook`
recognises a dropped :class:`BudgetExceeded`, keeps it off the terminal, and re-arms the mechanism
(the timer a few milliseconds later, the hook at once), so that the exception reaches the computation
itself; otherwise a spent budget would let the computation run on without limit (``govgame report``
runs its analysis in a worker thread, under the hook).

The budget never interrupts an ``import``: raising inside a module's initialisation would leave the
module half-initialised, and every later import of it in the process would fail (a C extension then
reports ``ImportError: initialization failed``). When the budget runs out during an import, the
exception is raised as soon as the import has finished.

The caller catches :class:`BudgetExceeded` and falls back to a method that always finishes,
saying so in the analysis notes.

>>> try:
...     with time_budget(0.05):
...         while True:
...             _ = sum(range(1000))
... except BudgetExceeded:
...     print("stopped")
stopped
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading
import time
from collections.abc import Iterator

__all__ = ["BudgetExceeded", "time_budget", "FACE_BUDGET", "TIMER_MIN"]

#: Seconds an exact (symbolic or rational) solution of one face may take before the numeric fallback.
FACE_BUDGET = 2.0


class BudgetExceeded(BaseException):
    """Raised inside a computation whose time budget is spent (a BaseException, so no `except Exception` swallows it)."""


#: Seconds of CPU time after which the timer fires again when it found an import running, or its exception
#: was dropped by Python.
_RETRY = 0.005

#: Profile events between two readings of the thread's CPU clock in the hook mechanism.
_EVENTS_PER_CHECK = 32

#: Shortest budget, in seconds, given to the CPU-time timer; a shorter one uses the profile hook, whose
#: clock is exact (the timer's resolution is the scheduler tick, 1-10 ms).
TIMER_MIN = 0.05


def _on_stack(frame, test) -> bool:
    """Whether ``test`` holds for the code of ``frame`` or of one of its callers."""
    while frame is not None:
        if test(frame.f_code):
            return True
        frame = frame.f_back
    return False


def _importing(frame) -> bool:
    """Whether the import machinery is on the stack (a module being initialised)."""
    return _on_stack(frame, lambda code: code.co_filename.startswith("<frozen importlib"))


def _in_unraisable_hook(frame) -> bool:
    """Whether :func:`_unraisable` is on the stack (raising there would only be dropped again)."""
    return _on_stack(frame, lambda code: code is _unraisable.__code__)


def _raise(_signum, frame):
    if _importing(frame):
        signal.setitimer(signal.ITIMER_PROF, _RETRY)  # let the import finish, then stop
        return
    raise BudgetExceeded


#: Per thread: how to re-arm the running budget after Python dropped its exception.
_local = threading.local()
_hook_lock = threading.Lock()
_hook_users = 0
_previous_unraisablehook = sys.unraisablehook


def _unraisable(unraisable) -> None:
    rearm = getattr(_local, "rearm", None)
    if rearm is not None and isinstance(unraisable.exc_value, BudgetExceeded):
        rearm()  # dropped inside a callback: stop the computation itself a little later
        return
    _previous_unraisablehook(unraisable)


@contextlib.contextmanager
def _rearm_when_dropped(rearm) -> Iterator[None]:
    global _hook_users, _previous_unraisablehook
    with _hook_lock:
        if _hook_users == 0:
            _previous_unraisablehook = sys.unraisablehook
            sys.unraisablehook = _unraisable
        _hook_users += 1
    outer = getattr(_local, "rearm", None)
    _local.rearm = rearm
    try:
        yield
    finally:
        _local.rearm = outer
        with _hook_lock:
            _hook_users -= 1
            if _hook_users == 0 and sys.unraisablehook is _unraisable:
                sys.unraisablehook = _previous_unraisablehook


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the body for at most about ``seconds`` of CPU time (None or inf: no limit); then raise
    :class:`BudgetExceeded`.

    Parameters
    ----------
    seconds : float or None
        CPU seconds of the calling thread (of the process, in the main thread), so that whether a
        computation finishes does not depend on the machine's load.

    Examples
    --------
    >>> with time_budget(5.0):
    ...     x = sum(range(10))
    >>> x
    45
    """
    if seconds is None or seconds == float("inf"):
        yield
        return
    main = threading.current_thread() is threading.main_thread()
    timer = main and seconds >= TIMER_MIN and hasattr(signal, "setitimer")
    if timer and signal.getitimer(signal.ITIMER_PROF)[0] == 0.0:
        previous = signal.signal(signal.SIGPROF, _raise)
        signal.setitimer(signal.ITIMER_PROF, float(seconds))
        try:
            with _rearm_when_dropped(lambda: signal.setitimer(signal.ITIMER_PROF, _RETRY)):
                yield
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0.0)
            signal.signal(signal.SIGPROF, previous)
        return
    deadline = time.thread_time() + float(seconds)
    previous_profile = sys.getprofile()
    events = 0
    spent = False

    def check(frame, _event, _arg):
        nonlocal events, spent
        if not spent:  # every event (Python and built-in calls and returns); the clock every few
            events += 1
            if events % _EVENTS_PER_CHECK or time.thread_time() <= deadline:
                return
            spent = True
        if _importing(frame) or _in_unraisable_hook(frame):
            return
        sys.setprofile(previous_profile)
        raise BudgetExceeded

    sys.setprofile(check)
    try:
        with _rearm_when_dropped(lambda: sys.setprofile(check)):
            yield
    finally:
        sys.setprofile(previous_profile)
