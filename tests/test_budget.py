"""Time budgets stop a computation in every situation a solver can run in.

The budget has two mechanisms (an interval timer in the main thread, a profile hook elsewhere);
each is forced here on a body that only calls built-in functions, the case in which a hook that
watched Python calls alone never fired (the suite then hung under a test runner's own timer).
"""

from __future__ import annotations

import signal
import threading
import time

import pytest

from govgame.analysis.budget import BudgetExceeded, time_budget


def _spin_builtins() -> float:
    start = time.perf_counter()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.05):
            while True:
                time.sleep(0.0005)  # a built-in call only: no Python frame is entered
    return time.perf_counter() - start


def _spin_python() -> float:
    def step(v: int) -> int:
        return v + 1

    start = time.perf_counter()
    with pytest.raises(BudgetExceeded):
        with time_budget(0.05):
            v = 0
            while True:
                v = step(v)
    return time.perf_counter() - start


@pytest.mark.parametrize("body", [_spin_builtins, _spin_python])
def test_main_thread(body):
    assert body() < 2.0


@pytest.mark.parametrize("body", [_spin_builtins, _spin_python])
def test_main_thread_when_another_timer_runs(body):
    old = signal.signal(signal.SIGALRM, lambda *_: None)
    remaining = signal.setitimer(signal.ITIMER_REAL, 100.0)
    try:
        assert body() < 2.0
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 90.0  # the other timer is left running
    finally:
        signal.setitimer(signal.ITIMER_REAL, *remaining) if remaining[0] else signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("body", [_spin_builtins, _spin_python])
def test_worker_thread(body):
    out: list = []
    errors: list = []

    def run():
        try:
            out.append(body())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    th.join(10.0)
    assert not th.is_alive(), "the budget did not stop the computation"
    assert not errors and out and out[0] < 2.0


def test_no_budget_runs_to_the_end():
    with time_budget(None):
        total = sum(range(1000))
    with time_budget(float("inf")):
        total += 1
    assert total == 499501
