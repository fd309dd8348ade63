"""The ``govgame`` command (SPEC §2): parses arguments, calls the stages, prints.

One module per command (:mod:`govgame.cli.models`, :mod:`~govgame.cli.analyze`,
:mod:`~govgame.cli.simulate`, :mod:`~govgame.cli.sweep`, :mod:`~govgame.cli.report`,
:mod:`~govgame.cli.audit`), each with
a ``run(args)`` that returns the exit status; :mod:`govgame.cli.args` is the vocabulary of the
options (``--set``, ``--vary``, ``--from``). A command's module is imported only when it runs.

Exit status: 0 on success; 2 on bad input (a bad model file, an unknown parameter
or scenario, a value of the wrong sign, ...) with one line on stderr starting
``govgame: error:`` and no traceback; 1 on an internal failure. Warnings (a value
outside a parameter's range, an unused parameter) are printed as
``govgame: warning: ...``, one line each. Set the environment variable
``GOVGAME_DEBUG=1`` to get the traceback of an internal failure.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import re
import sys
import traceback
import warnings
from collections.abc import Sequence

from .. import __version__
from ..errors import GovgameError
from ..limits import MAX_WORKERS
from .args import nonnegative_int, positive_float, positive_int, say, worker_count

__all__ = ["main", "build_parser", "PROG"]

PROG = "govgame"


# ------------------------------------------------------------------ argument parsing
class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with every usage error one line ``govgame: error: ...`` and a pointer to ``--help``.

    (argparse itself prints its whole usage block first; subcommands use this class too.)
    """

    def error(self, message: str):  # type: ignore[override]
        say(f"{PROG}: error: {_one_line(message)} (see {self.prog} --help)")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``govgame`` command (SPEC §2).

    ``--set``, ``--from`` and ``--vary`` are kept as text here and checked by the
    commands, so a bad value gives one ``govgame: error:`` line naming it.

    Examples
    --------
    >>> args = build_parser().parse_args(["analyze", "m.toml", "--set", "C_g=2", "--format", "json"])
    >>> args.command, args.model, args.set, args.format
    ('analyze', 'm.toml', ['C_g=2'], 'json')
    """
    parser = _ArgumentParser(
        prog=PROG,
        description="Evolutionary game analysis of governance problems (multi-population replicator dynamics).",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("models", help="list the shipped models with their titles")
    p.set_defaults(command_module="models")

    def common(p: argparse.ArgumentParser, formats: tuple[str, ...] = ("text", "json", "markdown", "latex")) -> None:
        p.add_argument("model", metavar="MODEL", help="path to a model file (.toml) or the name of a shipped model")
        p.add_argument("--scenario", metavar="NAME", help="start from the named scenario's parameter values")
        p.add_argument(
            "--set",
            metavar="NAME=VALUE",
            action="append",
            default=[],
            help="set a parameter value (repeatable); later options win",
        )
        p.add_argument(
            "--format",
            choices=formats,
            default="text",
            help="output format (default: text)",
        )

    def starts(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--grid",
            metavar="N",
            type=positive_int,
            help="start from an N-point grid in each state coordinate (default 3 without --from)",
        )
        p.add_argument("--t-end", metavar="T", type=positive_float, default=100.0, help="end time (default 100)")
        p.add_argument("--plot", metavar="FILE", help="save a figure to FILE")

    def noise(p: argparse.ArgumentParser) -> argparse._ArgumentGroup:
        g = p.add_argument_group("stochastic dynamics (Itô SDE, SPEC §6)")
        g.add_argument(
            "--sigma",
            metavar="S|NAME=S",
            action="append",
            default=[],
            help="noise intensity of every population (S) or of one (NAME=S); repeat S to compare intensities",
        )
        g.add_argument(
            "--noise",
            choices=("tangent", "linear"),
            help="tangent: sigma*x*(1-x)*dW, paths stay in the state space (default); linear: sigma*x*dW",
        )
        return g

    p = sub.add_parser("analyze", help="replicator equations, equilibria, eigenvalues, stability verdicts")
    common(p)
    noise(p)
    p.add_argument(
        "--brief",
        action="store_true",
        help="only the ESS at the values and the vertices that can be ESS, with their conditions (text)",
    )
    p.set_defaults(command_module="analyze")

    p = sub.add_parser("simulate", help="trajectories from a grid of starts (or --from) and where they end")
    common(p, ("text", "json", "markdown", "latex", "csv"))
    starts(p)
    p.add_argument(
        "--from",
        dest="starts",
        metavar="X,Y,Z",
        action="append",
        default=[],
        help="one initial state in state order (repeatable)",
    )
    p.add_argument(
        "--trajectories",
        metavar="FILE.csv",
        help="write the sampled paths to a CSV file (run or start/path, t, shares)",
    )
    g = noise(p)
    g.add_argument("--scheme", choices=("milstein", "euler"), help="milstein (strong order 1, default) or euler")
    g.add_argument("--dt", metavar="H", type=positive_float, help="step of the SDE scheme (default 0.01)")
    g.add_argument("--paths", metavar="N", type=positive_int, help="realisations per start (default 100)")
    g.add_argument("--seed", metavar="K", type=nonnegative_int, help="seed of the random streams (default 0)")
    scale = g.add_mutually_exclusive_group()
    scale.add_argument("--workers", metavar="N", type=worker_count, help="run the paths on N local processes")
    scale.add_argument("--scheduler", metavar="ADDRESS", help="run the paths on the Dask cluster at ADDRESS")
    p.set_defaults(command_module="simulate")

    p = sub.add_parser("sweep", help="outcomes over a parameter grid (region map)")
    common(p, ("text", "json", "markdown", "latex", "csv"))
    starts(p)
    p.add_argument(
        "--vary",
        metavar="NAME=START:STOP:NUM",
        action="append",
        default=[],
        help="vary a parameter over numpy.linspace(START, STOP, NUM) (repeatable)",
    )
    scale = p.add_mutually_exclusive_group()
    scale.add_argument(
        "--workers", metavar="N", type=worker_count, help=f"run on N local processes (at most {MAX_WORKERS})"
    )
    scale.add_argument("--scheduler", metavar="ADDRESS", help="run on the Dask cluster at ADDRESS")
    p.set_defaults(command_module="sweep")

    p = sub.add_parser("report", help="LaTeX tables and figures for a paper")
    common(p)
    p.add_argument("--out", metavar="DIR", required=True, help="directory to write the report into")
    p.add_argument(
        "--vary",
        metavar="NAME[=VALUES]",
        action="append",
        default=[],
        help="a parameter the sensitivity figures (the first) and the region map (the first two) vary; "
        "VALUES is a,b,c or START:STOP:NUM (default: its range); repeatable (default: the two that matter most)",
    )
    p.add_argument(
        "--from",
        dest="starts",
        metavar="X,Y,Z",
        action="append",
        default=[],
        help="a start of the time-series figure, in state order (repeatable; default three on the diagonal)",
    )
    p.add_argument("--t-end", metavar="T", type=positive_float, default=60.0, help="end time of the runs (default 60)")
    p.add_argument(
        "--grid", metavar="N", type=positive_int, default=4, help="grid of starts for the basin shares (default 4)"
    )
    p.add_argument(
        "--region-grid",
        metavar="N",
        type=positive_int,
        default=12,
        help="cells per axis of the region map (default 12)",
    )
    p.set_defaults(command_module="report")

    p = sub.add_parser(
        "audit",
        help="check a published stability table against its model (or reconstruct a model from the table)",
        description="Check a published stability table (a claims file, SPEC section 7) against the model it was "
        "derived from. Exit status 0: no finding; 1: findings (the report is the output); 2: bad input.",
    )
    p.add_argument("model", metavar="MODEL", nargs="?", help="path to a model file (.toml) or a shipped model")
    p.add_argument("claims", metavar="CLAIMS", nargs="?", help="the claims file (TOML, one [[claim]] per point)")
    p.add_argument(
        "--reconstruct",
        metavar="CLAIMS",
        help="without a model: reconstruct one from the table's vertex eigenvalues (binary populations)",
    )
    p.add_argument("--out", metavar="MODEL.toml", help="with --reconstruct: write the reconstructed model here")
    p.add_argument(
        "--format", choices=("text", "json", "markdown", "latex"), default="text", help="output format (default: text)"
    )
    p.set_defaults(command_module="audit")
    p = sub.add_parser("scenarios", help="the named scenarios of a model: what each sets, expects and means")
    p.add_argument("model", metavar="MODEL", help="path to a model file (.toml) or the name of a shipped model")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text", help="output format")
    p.set_defaults(command_module="scenarios")

    p = sub.add_parser(
        "plot",
        help="one figure: timeseries, phase, region, basins or sensitivity",
        description="Draw one figure of a model and save it (PDF, PNG, SVG or EPS, from the suffix of --out).",
    )
    p.add_argument("model", metavar="MODEL", help="path to a model file (.toml) or the name of a shipped model")
    p.add_argument(
        "kind",
        metavar="KIND",
        choices=("timeseries", "phase", "region", "basins", "sensitivity"),
        help="timeseries (shares over time; several starts or --vary NAME=a,b,c give a family), phase "
        "(phase plane, 3-D portrait, or a 3-D projection for more than three shares), region (outcome over two "
        "--vary parameters), basins (share of starts reaching each outcome), sensitivity (those shares as one "
        "--vary parameter changes)",
    )
    p.add_argument("--scenario", metavar="NAME", help="start from the named scenario's parameter values")
    p.add_argument("--set", metavar="NAME=VALUE", action="append", default=[], help="set a parameter value")
    p.add_argument(
        "--vary",
        metavar="NAME=VALUES",
        action="append",
        default=[],
        help="VALUES a,b,c or START:STOP:NUM: the family of timeseries, the axis of sensitivity, the two axes "
        "of region",
    )
    p.add_argument("--from", dest="starts", metavar="X,Y,Z", action="append", default=[], help="a start")
    p.add_argument("--grid", metavar="N", type=positive_int, help="grid of starts (phase 2, basins 4, region 2)")
    p.add_argument("--t-end", metavar="T", type=positive_float, default=60.0, help="end time (default 60)")
    p.add_argument("--coords", metavar="A,B,C", help="the three shares of a 3-D projection, by name")
    p.add_argument("--out", "-o", metavar="FILE", help="the file to write (default MODEL-KIND.pdf)")
    p.add_argument("--size", metavar="W,H", help="figure size in inches (default: one journal column)")
    p.add_argument("--dpi", metavar="N", type=positive_int, default=300, help="resolution of PNG output")
    p.add_argument("--font", metavar="FAMILY", help="font of the text (an installed font family)")
    p.add_argument("--style", choices=("paper", "slides", "grey"), default="paper", help="figure style")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="language of the labels (zh needs a CJK font)")
    p.add_argument("--workers", metavar="N", type=positive_int, help="local processes for region and sensitivity")
    p.set_defaults(command_module="plot")
    return parser


# ------------------------------------------------------------------------------ main
#: Longest error or warning line printed (a message quoting a huge argument is cut).
_MAX_LINE = 2000


def _one_line(text: object) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= _MAX_LINE else line[: _MAX_LINE - 3] + "..."


class _StdoutFailed(Exception):
    """Writing the command's output to standard output failed (a full disk, a closed descriptor)."""


class _SafeStdout:
    """Standard output as the commands see it: control characters escaped, unencodable symbols in
    ASCII, and a write failure raised as :class:`_StdoutFailed` (a broken pipe as itself).
    """

    def __init__(self, stream) -> None:
        self._stream = stream
        self.encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        from ..io.terminal import encodable, terminal_safe

        if self._stream is None:
            raise _StdoutFailed("standard output is closed")
        try:
            return self._stream.write(encodable(terminal_safe(text), self.encoding))
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _StdoutFailed(getattr(exc, "strerror", None) or str(exc)) from None

    def flush(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _StdoutFailed(getattr(exc, "strerror", None) or str(exc)) from None

    def isatty(self) -> bool:
        return bool(self._stream is not None and self._stream.isatty())

    def fileno(self) -> int:
        return self._stream.fileno()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _protect_descriptors() -> None:
    """Open /dev/null on a closed stdin, stdout or stderr, so no file the command opens gets that number."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            try:
                new = os.open(os.devnull, os.O_RDWR)
            except OSError:
                return
            if new != fd:
                os.dup2(new, fd)
                os.close(new)


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread like KeyboardInterrupt."""


def _on_sigterm(signum, frame):  # pragma: no cover - exercised through a subprocess
    raise _Terminated()


def _interrupted(exc: BaseException) -> bool:
    """Whether an exception is (or was caused by) an interrupt, e.g. a SystemError out of numba."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, (KeyboardInterrupt, _Terminated)):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _stop_everything() -> None:
    """On an interrupt: no worker process left running, no temporary file left behind."""
    from ..io.files import remove_temporaries

    remove_temporaries()
    if "govgame.numerics.executors" in sys.modules:
        sys.modules["govgame.numerics.executors"].terminate_children()
    if "multiprocessing.util" in sys.modules:  # release the pools' semaphores now: the process ends
        with contextlib.suppress(Exception):  # without the interpreter's shutdown, and the resource
            sys.modules["multiprocessing.util"]._run_finalizers(0)  # tracker would warn about them
    remove_temporaries()  # anything created meanwhile by a worker thread


#: Allocations between two collections of the garbage collector's youngest generation while a command runs
#: (Python's default is 700). sympy builds many long-lived objects: with the default, ``govgame analyze``
#: ran about 180 young and 15 middle collections, about 5 % of its CPU time; with 50,000 it runs a few. A call
#: with ``argv`` given restores the threshold when it returns.
GC_THRESHOLD = 50_000


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``govgame`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Exit status 0 on success, 2 on bad input, 1 when the work failed (an internal error, a
    full disk, dead workers), 130 on ``Ctrl-C`` (143 on SIGTERM): one line on standard error
    in each case, and no output file half-written. Run as the program (``argv`` not given),
    an interrupted command ends the process at once, also while a compiled computation is
    still running in a helper thread, and a finished one freezes the garbage collector's objects
    (``gc.freeze``) so that the interpreter's shutdown does not collect them only to end.

    Examples
    --------
    >>> main(["analyze", "/no/such/model.toml"])
    2
    """
    import signal
    import threading

    in_main_thread = threading.current_thread() is threading.main_thread()
    if argv is None:
        _protect_descriptors()
    old_term = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    real_stdout = sys.stdout
    sys.stdout = _SafeStdout(real_stdout)
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], GC_THRESHOLD), *threshold[1:])
    try:
        status = _run(argv)
    except BaseException as exc:
        if not _interrupted(exc):
            raise
        if in_main_thread:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the cleanup
        _stop_everything()
        terminated = isinstance(exc, _Terminated)
        say(f"{PROG}: {'terminated' if terminated else 'interrupted'}; nothing was written")
        status = 143 if terminated else 130
        if argv is None:  # the program: end now, whatever a helper thread is still computing
            with contextlib.suppress(Exception):
                real_stdout.flush()
            os._exit(status)
        if in_main_thread:
            signal.signal(signal.SIGINT, signal.default_int_handler)
    finally:
        if argv is not None:  # called in a process that goes on (the program ends here)
            gc.set_threshold(*threshold)
        sys.stdout = real_stdout
        if old_term is not None:
            signal.signal(signal.SIGTERM, old_term)
    if argv is None:
        # The program ends now. Without this, the interpreter's shutdown runs full collections (before and
        # while it clears the modules) over every object the command made, only to free memory that the
        # operating system takes back anyway: for ``govgame analyze battery_recycling`` (about 75,000
        # tracked containers, most of them sympy's) about 0.1 s of CPU, a tenth of the command. Frozen
        # objects are skipped by those collections; the output is already flushed, and the exit handlers,
        # the flushing of the standard streams and the clearing of the modules run as before. Only objects
        # in reference cycles stay unfinalised, which Python never promises at exit anyway.
        gc.freeze()
    return status


#: Options whose value may start with a minus sign (``--from -0.1,0.5,0.5``, ``--set B=-1`` is fine already).
_VALUE_OPTIONS = ("--from", "--set", "--vary", "--grid", "--t-end", "--workers", "--scenario", "--out", "--plot")


def _attach_negative_values(argv: Sequence[str]) -> list[str]:
    """``--from -0.1,0.5`` -> ``--from=-0.1,0.5``: argparse would take ``-0.1,0.5`` for an option.

    >>> _attach_negative_values(["simulate", "m", "--from", "-0.1,0.5", "--grid", "-2"])
    ['simulate', 'm', '--from=-0.1,0.5', '--grid=-2']
    """
    out: list[str] = []
    items = list(argv)
    i = 0
    while i < len(items):
        a = items[i]
        if a in _VALUE_OPTIONS and i + 1 < len(items) and re.match(r"-[0-9.]", items[i + 1]):
            out.append(f"{a}={items[i + 1]}")
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def _import_command(name: str, *, program: bool):
    """The command's module; in the program, imported without collections and then frozen.

    A command's module imports the libraries it computes with (``govgame analyze``: sympy and numpy,
    objects that live as long as the process). With the youngest generation's threshold at
    :data:`GC_THRESHOLD` the collector would run twice while they are being made, only to find them
    alive (about 0.04 s of CPU for ``govgame analyze``); imported with the collector paused and then
    frozen (``gc.freeze``), they are never traversed, and the collector runs as before for everything
    the command makes afterwards. An in-process call (``main(argv)``) imports the module as it is.
    """
    if not program:
        return importlib.import_module(name)
    enabled = gc.isenabled()
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _run(argv: Sequence[str] | None) -> int:
    from ..io.files import WriteError

    parser = build_parser()
    try:
        args = parser.parse_args(_attach_negative_values(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # each command lives in its own module, imported only when it runs (``govgame models`` stays fast)
            command = _import_command(f"{__name__}.{args.command_module}", program=argv is None)
            status = command.run(args)
            sys.stdout.flush()
        except GovgameError as exc:
            say(f"{PROG}: error: {_one_line(exc)}")
            return 2
        except (RecursionError, MemoryError) as exc:
            say(f"{PROG}: error: input too large or nested too deeply ({type(exc).__name__})")
            return 2
        except BrokenPipeError:  # e.g. `govgame analyze m | head`: the reader has what it wanted
            with contextlib.suppress(OSError):  # and the interpreter's own flush at exit must not complain
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
            return 0
        except _StdoutFailed as exc:
            say(f"{PROG}: error: cannot write the output to standard output ({_one_line(exc)})")
            with contextlib.suppress(OSError, AttributeError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
            return 1
        except WriteError as exc:  # a full disk while writing a file: named, nothing half-written
            say(f"{PROG}: error: {_one_line(exc.strerror or exc)}")
            return 1
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _interrupted(exc):
                raise
            from ..numerics.executors import WorkerError

            if isinstance(exc, WorkerError):
                say(f"{PROG}: error: {_one_line(exc)}")
                return 1
            if os.environ.get("GOVGAME_DEBUG"):
                traceback.print_exc()
            say(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}")
            return 1
    seen = set()
    for w in caught:
        msg = _one_line(w.message)
        if msg not in seen:
            seen.add(msg)
            say(f"{PROG}: warning: {msg}")
    return status
