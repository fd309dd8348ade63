"""Where chunks of work run: in this process, in local worker processes, or on a Dask cluster.

:func:`run_tasks` is the one place that runs the chunks of a sweep. It keeps three promises
whatever the executor:

* **interruptible**: the main thread never sits inside a long compiled call (those run in a
  helper thread, :func:`run_interruptibly`, while the main thread waits), so ``Ctrl-C`` is
  handled at once; worker processes ignore ``SIGINT`` (they are started with it ignored) and
  are terminated by this process when it is interrupted or fails (:func:`terminate_children`);
* **faults are named**: a local worker that dies (killed, out of memory) is replaced and its
  chunks run once more; a second death is a :class:`WorkerError` saying so. A Dask scheduler
  that cannot be reached within :data:`~govgame.limits.CONNECT_TIMEOUT` seconds is a
  :class:`SchedulerError` naming the address; a cluster without workers for
  :data:`~govgame.limits.NO_WORKER_TIMEOUT` seconds (``GOVGAME_NO_WORKER_TIMEOUT`` overrides it),
  or the loss of the scheduler, is a :class:`WorkerError`; workers that die while others live
  only cost time (Dask runs their chunks elsewhere);
* **the same result**: chunks are independent and results come back in task order.

>>> run_tasks(pow, [(2, 3), (3, 2)])
[8, 9]
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .. import limits
from ..errors import GovgameError

__all__ = [
    "WorkerError",
    "SchedulerError",
    "run_tasks",
    "run_interruptibly",
    "terminate_children",
    "check_scheduler_address",
]


class WorkerError(RuntimeError):
    """Work could not be finished because the processes or the cluster running it failed."""


class SchedulerError(GovgameError):
    """The Dask scheduler address is malformed or nothing answers there (bad input: exit status 2)."""


# ----------------------------------------------------------------------------- interrupts
def run_interruptibly(fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(*args, **kwargs)`` in a helper thread while the main thread waits, interruptibly.

    A Python signal handler runs only in the main thread and only between bytecodes, so a
    long compiled (numba) call in the main thread would hold off ``Ctrl-C`` until it returns.
    Here the main thread waits in :meth:`threading.Thread.join` instead, where
    ``KeyboardInterrupt`` arrives at once (the helper is a daemon thread: the command exits
    without waiting for it). Called from any other thread, ``fn`` simply runs there.

    >>> run_interruptibly(sum, [1, 2, 3])
    6
    """
    if threading.current_thread() is not threading.main_thread():
        return fn(*args, **kwargs)
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread
            box["error"] = exc

    helper = threading.Thread(target=target, name="govgame-work", daemon=True)
    helper.start()
    while helper.is_alive():
        helper.join(0.5)
    if "error" in box:
        raise box["error"]
    return box["value"]


_CHILDREN: set[Any] = set()
_CHILDREN_LOCK = threading.Lock()


def terminate_children() -> None:
    """Terminate every worker process started by :func:`run_tasks` that is still alive (never raises).

    >>> terminate_children()
    """
    with _CHILDREN_LOCK:
        pools = list(_CHILDREN)
    for pool in pools:
        _kill_pool(pool)


def _kill_pool(pool: Any) -> None:
    procs = list(getattr(pool, "_processes", {}) and pool._processes.values())
    for p in procs:
        with contextlib.suppress(Exception):
            p.terminate()
    for p in procs:
        with contextlib.suppress(Exception):
            p.join(2.0)
            if p.is_alive():
                p.kill()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while worker processes are started; deliver them afterwards.

    Starting a ``spawn`` worker writes its start-up data down a pipe. An interrupt raised in the
    middle of that write leaves a child that reads half a pickle and prints an ``EOFError``
    traceback on the command's standard error, after the command has said it was interrupted.
    Two things are needed, because a signal sent to the process reaches whichever thread does not
    block it (numba's OpenMP threads, once a kernel has run), and Python then raises it in the
    main thread at the next bytecode:

    * the Python handlers are replaced by one that only records the signal, which is raised
      again (:func:`signal.raise_signal`, under the original handler) once the workers are
      started, so no interrupt is lost;
    * SIGINT is blocked in this thread's mask, which the workers inherit: they ignore it before
      they unblock it (:func:`_init_worker`), so Ctrl-C at a terminal never reaches them.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(signum: int, frame: object) -> None:
        caught.append(signum)

    held = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(sig)
        if handler is not signal.SIG_IGN and handler is not None:
            held[sig] = signal.signal(sig, hold)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a pending SIGINT runs `hold` here
        for sig in sorted(held, reverse=True):  # SIGINT's own handler last: a pending one is then recorded
            signal.signal(sig, held[sig])
        if caught:
            signal.raise_signal(caught[0])


def _init_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent's Ctrl-C is its own to handle ...
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # ... blocked while it started this process
    os.environ["NUMBA_NUM_THREADS"] = "1"  # read when a task first imports numba: one thread per process
    if "numba" in sys.modules:  # pragma: no cover - not in a fresh spawned process
        sys.modules["numba"].set_num_threads(1)


# ----------------------------------------------------------------------------- the executors
def run_tasks(
    fn: Callable[..., Any],
    tasks: Sequence[tuple],
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_done: Callable[[int], None] | None = None,
    scheduler_args: tuple = (),
) -> list[Any]:
    """Run ``fn(*task)`` for every task; return the results in task order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is sent to other processes by reference).
    tasks : sequence of tuple
        Its arguments, one tuple per chunk.
    workers : int, optional
        Run in this many local processes (``spawn``; one numba thread each).
    scheduler : str, optional
        Run on the Dask cluster at this address (``tcp://host:port``).
    on_done : callable, optional
        Called with the task index as each task finishes (a progress bar).
    scheduler_args : tuple
        Extra trailing arguments for ``fn`` on a Dask cluster (e.g. one thread per task).

    Raises
    ------
    SchedulerError
        A malformed address, or no scheduler answering there within the connect timeout.
    WorkerError
        Worker processes or the cluster failed (see the module docstring).
    """
    if scheduler is not None:
        return _run_dask(fn, tasks, scheduler, on_done, scheduler_args)
    if workers is not None and workers > 1 and len(tasks) > 1:
        return _run_local(fn, tasks, workers, on_done)
    out = []
    for i, t in enumerate(tasks):
        out.append(run_interruptibly(fn, *t))
        if on_done is not None:
            on_done(i)
    return out


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "an unknown cause"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"{name}" + (" (out of memory?)" if -code == signal.SIGKILL else "")
    return f"exit status {code}"


def _run_local(fn, tasks, workers: int, on_done) -> list[Any]:
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if workers > limits.MAX_WORKERS:
        raise GovgameError(f"workers = {workers} exceeds the limit of {limits.MAX_WORKERS} local processes")
    ctx = mp.get_context("spawn")  # never fork a process that holds an OpenMP pool
    results: list[Any] = [None] * len(tasks)
    finished = [False] * len(tasks)
    deaths: list[str] = []
    while True:
        todo = [i for i in range(len(tasks)) if not finished[i]]
        if not todo:
            return results
        pool = ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx, initializer=_init_worker)
        with _CHILDREN_LOCK:
            _CHILDREN.add(pool)
        broken = False
        try:
            with _interrupts_held():  # processes start on submit: never interrupt one half-started
                futures = {pool.submit(fn, *tasks[i]): i for i in todo}
            pending = set(futures)
            seen: dict[int, Any] = {}  # every worker process, to tell how one died
            while pending and not broken:
                seen.update(getattr(pool, "_processes", None) or {})
                done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for f in done:
                    try:
                        results[futures[f]] = f.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    finished[futures[f]] = True
                    if on_done is not None:
                        on_done(futures[f])
            if broken:
                time.sleep(0.1)  # let the exit status of the dead process be collected
                codes = [p.exitcode for p in seen.values() if p.exitcode not in (None, 0)]
                codes.sort(key=lambda c: c == -signal.SIGTERM)  # the pool terminates the others itself
                deaths.append(_describe_exit(codes[0] if codes else None))
            _kill_pool(pool) if broken else pool.shutdown(wait=True)
        except BaseException:
            _kill_pool(pool)  # an interrupt or a failure: no worker outlives it
            raise
        finally:
            with _CHILDREN_LOCK:
                _CHILDREN.discard(pool)
        if not broken:
            continue
        left = sum(not f for f in finished)
        if len(deaths) >= 2:
            raise WorkerError(
                f"a worker process died twice ({', then '.join(deaths)}) with {left} of {len(tasks)} chunks "
                "unfinished; run again with fewer --workers (each needs memory) or without --workers"
            )
        warnings.warn(
            f"a worker process died ({deaths[-1]}); running the {left} unfinished chunks again",
            RuntimeWarning,
            stacklevel=3,
        )


# ----------------------------------------------------------------------------- Dask
_ADDRESS = re.compile(
    r"(?:(?P<scheme>tcp|tls|ucx|ws|wss)://)?(?P<host>\[[0-9A-Fa-f:]+\]|[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?)"
    r":(?P<port>[0-9]{1,5})"
)


def check_scheduler_address(address: object) -> str:
    """Check a Dask scheduler address: ``[tcp|tls|ucx|ws|wss://]HOST:PORT``, or raise :class:`SchedulerError`.

    >>> check_scheduler_address("tcp://10.0.0.5:8786")
    'tcp://10.0.0.5:8786'
    >>> check_scheduler_address("scheduler")
    Traceback (most recent call last):
    ...
    govgame.numerics.executors.SchedulerError: Dask scheduler address 'scheduler' is not of the form tcp://HOST:PORT
    """
    if not isinstance(address, str) or not address.strip():
        raise SchedulerError("the Dask scheduler address is empty; give tcp://HOST:PORT")
    text = address.strip()
    m = _ADDRESS.fullmatch(text)
    if not m or not 0 < int(m.group("port")) < 65536:
        raise SchedulerError(f"Dask scheduler address {text[:100]!r} is not of the form tcp://HOST:PORT")
    return text if m.group("scheme") else f"tcp://{text}"


@contextlib.contextmanager
def _quiet_dask() -> Iterator[None]:
    """Dask logs connection failures itself; the command reports them in one line instead."""
    loggers = [logging.getLogger(n) for n in ("distributed", "distributed.client", "distributed.comm", "tornado")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels):
            lg.setLevel(level)


def _no_worker_timeout() -> float:
    text = os.environ.get("GOVGAME_NO_WORKER_TIMEOUT")
    try:
        return float(text) if text else limits.NO_WORKER_TIMEOUT
    except ValueError:
        return limits.NO_WORKER_TIMEOUT


def _probe_scheduler(address: str, timeout: float) -> None:
    """Ask the server at ``address`` who it is, before a Client exists; raise :class:`SchedulerError` unless a scheduler.

    A Client that fails to connect leaves an object whose clean-up blocks for 20 s and prints a
    traceback; and a server speaking another protocol can make Dask read garbage (a frame
    "length" of exabytes). One plain request, bounded in time, tells these apart first.
    """
    import asyncio

    from distributed.comm import connect

    async def ask() -> object:
        comm = await connect(address, timeout=timeout)
        try:
            await comm.write({"op": "identity"})
            return await asyncio.wait_for(comm.read(), timeout)
        finally:
            comm.abort()

    try:
        reply = asyncio.run(ask())
    except (OSError, TimeoutError, asyncio.TimeoutError) as exc:
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise SchedulerError(f"no Dask scheduler answered at {address} within {timeout:g} s ({reason})") from None
    except Exception as exc:  # noqa: BLE001 - anything a foreign server's bytes can cause
        raise SchedulerError(
            f"the server at {address} is not a Dask scheduler (its answer could not be read: {type(exc).__name__})"
        ) from None
    if not (isinstance(reply, dict) and reply.get("type") == "Scheduler"):
        kind = reply.get("type") if isinstance(reply, dict) else type(reply).__name__
        raise SchedulerError(f"the server at {address} is not a Dask scheduler (it says it is {kind!r})")


def _run_dask(fn, tasks, address: str, on_done, extra: tuple) -> list[Any]:
    from concurrent.futures import CancelledError

    address = check_scheduler_address(address)
    try:
        from dask.distributed import Client, wait
    except ImportError:
        raise SchedulerError("--scheduler needs Dask: pip install 'govgame[dask]'") from None
    timeout = limits.CONNECT_TIMEOUT
    with _quiet_dask():
        _probe_scheduler(address, timeout)
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as exc:  # noqa: BLE001 - it answered the probe a moment ago
            reason = " ".join(str(exc).split())[:160] or type(exc).__name__
            raise SchedulerError(f"cannot connect to the Dask scheduler at {address} ({reason})") from None
        try:
            with client.as_current():  # distributed.wait finds the client this way
                return _gather(client, fn, tasks, address, on_done, extra, wait)
        except (OSError, TimeoutError, CancelledError) as exc:  # CommClosedError is an OSError
            reason = "the connection was lost" if isinstance(exc, CancelledError) else type(exc).__name__
            raise WorkerError(
                f"lost the Dask scheduler at {address} before its {len(tasks)} chunks were done ({reason}); "
                "nothing was written"
            ) from None
        finally:
            with contextlib.suppress(Exception):
                client.close(timeout=2)


def _gather(client, fn, tasks, address, on_done, extra, wait) -> list[Any]:
    futures = [client.submit(fn, *t, *extra, pure=False) for t in tasks]
    index = {f.key: i for i, f in enumerate(futures)}
    results: list[Any] = [None] * len(tasks)
    pending = set(futures)
    limit = _no_worker_timeout()
    idle_since: float | None = None
    try:
        while pending:
            try:
                done, pending = wait(list(pending), timeout=1.0, return_when="FIRST_COMPLETED")
                pending = set(pending)
            except TimeoutError:
                done = set()
            for f in done:
                results[index[f.key]] = f.result()
                if on_done is not None:
                    on_done(index[f.key])
            if done:
                idle_since = None
                continue
            if client.status not in ("running", "connecting"):
                raise WorkerError(f"lost the Dask scheduler at {address} (client {client.status})")
            try:
                info = client.scheduler_info(n_workers=-1)
            except TypeError:  # older distributed: every worker is listed anyway
                info = client.scheduler_info()
            n = len(info.get("workers", {}))
            if n:
                idle_since = None
            elif idle_since is None:
                idle_since = time.monotonic()
            elif time.monotonic() - idle_since > limit:
                raise WorkerError(
                    f"the Dask cluster at {address} has had no worker for {limit:g} s with {len(pending)} of "
                    f"{len(tasks)} chunks left; start workers (dask worker {address}) or use --workers"
                )
    except BaseException:
        with contextlib.suppress(Exception):
            client.cancel(list(pending))
        raise
    return results
