"""The ``govgame`` command (SPEC §2): parses arguments, calls the stages, prints.

One module per command (:mod:`govgame.cli.models`, :mod:`~govgame.cli.analyze`,
:mod:`~govgame.cli.simulate`, :mod:`~govgame.cli.sweep`, :mod:`~govgame.cli.report`), each with
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
import importlib
import os
import sys
import traceback
import warnings
from collections.abc import Sequence

from .. import __version__
from ..errors import GovgameError
from .args import positive_float, positive_int

__all__ = ["main", "build_parser", "PROG"]

PROG = "govgame"


# ------------------------------------------------------------------ argument parsing
class _ArgumentParser(argparse.ArgumentParser):
    """argparse, with every usage error ending in ``govgame: error: ...`` (also in subcommands)."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{PROG}: error: {message}\n")


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

    p = sub.add_parser("analyze", help="replicator equations, equilibria, eigenvalues, stability verdicts")
    common(p)
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
    scale.add_argument("--workers", metavar="N", type=positive_int, help="run on N local processes")
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
def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``govgame`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit status.

    Examples
    --------
    >>> main(["analyze", "/no/such/model.toml"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help / --version (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            # each command lives in its own module, imported only when it runs (``govgame models`` stays fast)
            command = importlib.import_module(f"{__name__}.{args.command_module}")
            status = command.run(args)
        except GovgameError as exc:
            print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        except (RecursionError, MemoryError) as exc:
            print(f"{PROG}: error: input too large or nested too deeply ({type(exc).__name__})", file=sys.stderr)
            return 2
        except BrokenPipeError:  # e.g. `govgame analyze m | head`
            return 0
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if os.environ.get("GOVGAME_DEBUG"):
                traceback.print_exc()
            print(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
            return 1
    seen = set()
    for w in caught:
        msg = _one_line(w.message)
        if msg not in seen:
            seen.add(msg)
            print(f"{PROG}: warning: {msg}", file=sys.stderr)
    return status
