"""Time budgets for exact computations that may not finish (Gröbner bases, ``sympy.solve``).

sympy's solvers cannot be cancelled from outside. :func:`time_budget` interrupts the Python code
running inside it once the budget is spent, by raising :class:`BudgetExceeded` in that code:

* in the main thread with no interval timer already running, through a ``SIGALRM`` timer
  (``signal.setitimer``), which costs nothing while the computation runs;
* elsewhere (worker threads, or when someone else's timer is running, such as a test runner's
  timeout), through a profile hook (``sys.setprofile``) that checks the clock at every call and
  return of a Python or a built-in function, which slows the computation down but works in any
  thread.

The caller catches :class:`BudgetExceeded` and falls back to a method that always finishes,
saying so in the analysis notes.

>>> import time
>>> try:
...     with time_budget(0.05):
...         while True:
...             time.sleep(0.001)
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

__all__ = ["BudgetExceeded", "time_budget", "FACE_BUDGET"]

#: Seconds an exact (symbolic or rational) solution of one face may take before the numeric fallback.
FACE_BUDGET = 2.0


class BudgetExceeded(BaseException):
    """Raised inside a computation whose time budget is spent (a BaseException, so no `except Exception` swallows it)."""


def _raise(_signum, _frame):
    raise BudgetExceeded


@contextlib.contextmanager
def time_budget(seconds: float | None) -> Iterator[None]:
    """Run the body for at most about ``seconds`` (None or inf: no limit); then raise :class:`BudgetExceeded`.

    Parameters
    ----------
    seconds : float or None

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
    if main and hasattr(signal, "setitimer") and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0:
        previous = signal.signal(signal.SIGALRM, _raise)
        signal.setitimer(signal.ITIMER_REAL, max(float(seconds), 1e-3))
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0.0)
            signal.signal(signal.SIGALRM, previous)
        return
    deadline = time.perf_counter() + float(seconds)
    previous_profile = sys.getprofile()

    def check(_frame, event, _arg):
        if time.perf_counter() > deadline:  # every event: Python and built-in calls and returns
            sys.setprofile(previous_profile)
            raise BudgetExceeded

    sys.setprofile(check)
    try:
        yield
    finally:
        sys.setprofile(previous_profile)
