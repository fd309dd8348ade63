"""Task functions that fail on purpose, for the executor tests (importable by worker processes)."""

from __future__ import annotations

import os
import signal
import time


def square(x: float, delay: float = 0.0) -> float:
    if delay:
        time.sleep(delay)
    return x * x


def die_once(marker: str, x: float) -> float:
    """Kill the worker process running it the first time (a worker killed by the OOM killer), then work."""
    try:
        fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return x * x
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def die_always(x: float) -> float:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("unreachable")


def sigint_disposition(x: float) -> bool:
    """Whether SIGINT is ignored in the process running this (a worker must ignore it)."""
    return signal.getsignal(signal.SIGINT) is signal.SIG_IGN
