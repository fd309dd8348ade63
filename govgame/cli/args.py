"""The command line's vocabulary: ``--set``, ``--vary``, ``--from``, and the option names in its messages.

Everything here turns command-line text into the values the library takes, with errors that
name the option (``--set C_g: ...``). The library speaks of parameters and values;
:func:`option_names` adds the option to its :class:`~govgame.errors.ParameterError` and
:class:`~govgame.errors.ParameterWarning` messages. This module imports no numerics, so
building the parser stays fast.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from ..errors import ModelError, ParameterError, ParameterWarning, SimulationError
from ..limits import MAX_CELLS, MAX_WORKERS

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..model.game import Game

__all__ = [
    "check_plot_path",
    "say",
    "parse_number",
    "parse_set",
    "parse_vary",
    "parse_from",
    "load",
    "require_values",
    "save_figure",
    "option_names",
    "positive_int",
    "worker_count",
    "positive_float",
    "nonnegative_int",
    "parse_sigma",
    "sigma_levels",
]


# --------------------------------------------------------------------------- messages
def say(line: str) -> None:
    r"""One line on standard error, escaped for the terminal; nothing at all when stderr is closed.

    Never falls back to standard output (``print(file=None)`` would), where it would mix into
    JSON. Every error, warning and note of the command goes through here.

    >>> say("govgame: note: \x1b[2J is shown, not obeyed")
    """
    import sys

    from ..io.terminal import encodable, terminal_safe

    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write(encodable(terminal_safe(line, newlines=False), getattr(stream, "encoding", None)) + "\n")
        stream.flush()
    except (OSError, ValueError):
        pass


# --------------------------------------------------------------------------- argparse types
def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1.

    >>> positive_int("3")
    3
    """
    try:
        n = int(text) if len(text) <= 30 else None
    except ValueError:
        n = None
    if n is None:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text[:40]!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
    return n


def worker_count(text: str) -> int:
    """An argparse type: a number of local worker processes, 1 to :data:`~govgame.limits.MAX_WORKERS`.

    >>> worker_count("4")
    4
    """
    n = positive_int(text)
    if n > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_WORKERS} worker processes, found {text!r}")
    return n


def positive_float(text: str) -> float:
    """An argparse type: a finite number > 0.

    >>> positive_float("2.5")
    2.5
    """
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}") from None
    if not (math.isfinite(v) and v > 0):
        raise argparse.ArgumentTypeError(f"expected a positive number, found {text!r}")
    return v


def nonnegative_int(text: str) -> int:
    """An argparse type: a whole number >= 0 (below 2**63).

    >>> nonnegative_int("0")
    0
    """
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, found {text!r}") from None
    if not 0 <= n < 2**63:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, found {text!r}")
    return n


# --------------------------------------------------------------------------- values
def parse_number(text: str, *, what: str) -> float:
    """A finite number from command-line text, or a :class:`ParameterError` naming ``what``.

    Examples
    --------
    >>> parse_number("2.5", what="--set C_g")
    2.5
    >>> parse_number("abc", what="--set C_g")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --set C_g: "abc" is not a number
    """
    try:
        v = float(text.strip())
    except ValueError:
        raise ParameterError(f'{what}: "{text}" is not a number') from None
    if not math.isfinite(v):
        raise ParameterError(f'{what}: "{text}" is not a finite number')
    return v


def parse_set(items: Sequence[str]) -> dict[str, float]:
    """Turn ``--set NAME=VALUE`` options into a dict (later options win).

    Examples
    --------
    >>> parse_set(["C_g=2", "lambda=0.5", "C_g=3"])
    {'C_g': 3.0, 'lambda': 0.5}
    >>> parse_set(["C_g"])
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --set "C_g": expected NAME=VALUE, e.g. --set C_g=2.5
    """
    out: dict[str, float] = {}
    for item in items:
        name, eq, value = item.partition("=")
        name = name.strip()
        if not eq or not name or not value.strip():
            raise ParameterError(f'--set "{item}": expected NAME=VALUE, e.g. --set C_g=2.5')
        out[name] = parse_number(value, what=f"--set {name}")
    return out


def parse_vary(text: str) -> tuple[str, np.ndarray]:
    """Parse ``--vary NAME=START:STOP:NUM`` into the name and ``numpy.linspace(START, STOP, NUM)``.

    >>> parse_vary("S_e=0:1:3")
    ('S_e', array([0. , 0.5, 1. ]))
    >>> parse_vary("S_e=0:1")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --vary "S_e=0:1" must look like NAME=START:STOP:NUM, e.g. S_e=0:10:21
    """
    import numpy as np

    m = re.fullmatch(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([^:]+):([^:]+):([^:]+)\s*", text)
    if not m:
        raise ParameterError(f'--vary "{text}" must look like NAME=START:STOP:NUM, e.g. S_e=0:10:21')
    name, a, b, n = m.groups()
    try:
        start, stop = float(a), float(b)
    except ValueError:
        raise ParameterError(f'--vary "{text}": START and STOP must be numbers') from None
    if not (math.isfinite(start) and math.isfinite(stop)):
        raise ParameterError(f'--vary "{text}": START and STOP must be finite numbers')
    try:
        num = int(n)
    except ValueError:
        raise ParameterError(f'--vary "{text}": NUM must be a whole number >= 1, found "{n.strip()}"') from None
    if num < 1:
        raise ParameterError(f'--vary "{text}": NUM must be a whole number >= 1, found {num}')
    if num > MAX_CELLS:  # before linspace allocates it
        shown = f"{num:,}" if num < 10**15 else "a number of " + str(len(n.strip())) + " digits"
        raise ParameterError(f"--vary {name}: NUM = {shown} exceeds the limit of {MAX_CELLS:,} values (and cells)")
    return name, np.linspace(start, stop, num)


def parse_levels(text: str, *, option: str = "--vary", bare: bool = False) -> tuple[str, np.ndarray | None]:
    """``NAME=a,b,c`` (those values) or ``NAME=START:STOP:NUM`` (:func:`parse_vary`); ``NAME`` alone if ``bare``.

    A bare name (``None`` values) lets the command choose the values from the parameter's range.

    >>> parse_levels("F_e=0,2.5,5")
    ('F_e', array([0. , 2.5, 5. ]))
    >>> parse_levels("F_e=0:10:3")[1].tolist()
    [0.0, 5.0, 10.0]
    >>> parse_levels("F_e", bare=True)
    ('F_e', None)
    >>> parse_levels("F_e=a,b")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --vary "F_e=a,b": "a" is not a number
    """
    import numpy as np

    text = text.strip()
    if bare and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text):
        return text, None
    name, eq, rest = text.partition("=")
    if eq and "," in rest and ":" not in rest:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name.strip()):
            raise ParameterError(f'{option} "{text}": expected NAME=a,b,c or NAME=START:STOP:NUM')
        vals = [parse_number(v, what=f'{option} "{text}"') if v.strip() else None for v in rest.split(",")]
        if any(v is None for v in vals):
            raise ParameterError(f'{option} "{text}": an empty value between commas')
        return name.strip(), np.array(vals, dtype=float)
    if eq and ":" not in rest:  # one value
        return name.strip(), np.array([parse_number(rest, what=f'{option} "{text}"')])
    try:
        return parse_vary(text)
    except ParameterError as exc:
        raise ParameterError(str(exc).replace("--vary", option, 1)) from None


def parse_from(game: Game, items: Sequence[str]) -> list[list[float]]:
    """``--from X,Y,Z`` options -> starts in state order, each checked to lie in the state space.

    Every message names the option's text and the offending coordinate with its exact value.

    >>> from govgame.model.loader import load_model
    >>> parse_from(load_model("battery_recycling"), ["0.1, 0.2, 0.3"])
    [[0.1, 0.2, 0.3]]
    >>> parse_from(load_model("battery_recycling"), ["0.1,0.2"])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: --from "0.1,0.2": expected 3 comma-separated numbers (x, y, z), found 2
    >>> parse_from(load_model("battery_recycling"), ["1.0000000000001,0.2,0.3"])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: --from "1.0000000000001,0.2,0.3": x = 1.0000000000001 lies outside [0, 1] (a share)
    """
    n = len(game.state_names)
    out = []
    for item in items:
        shown = item if len(item) <= 200 else item[:197] + "..."
        parts = [p.strip() for p in item.split(",")]
        if len(parts) != n:
            raise SimulationError(
                f'--from "{shown}": expected {n} comma-separated numbers ({", ".join(game.state_names)}), '
                f"found {len(parts)}"
            )
        vals = []
        for name, part in zip(game.state_names, parts):
            try:
                v = float(part)
            except ValueError:
                raise SimulationError(f'--from "{shown}": {name} = "{part[:40]}" is not a number') from None
            if not math.isfinite(v):
                raise SimulationError(f'--from "{shown}": {name} = "{part[:40]}" is not a finite number')
            if not 0.0 <= v <= 1.0:
                raise SimulationError(f'--from "{shown}": {name} = {_exact(v)} lies outside [0, 1] (a share)')
            vals.append(v)
        i = 0
        for pop in game.populations:
            k = pop.k - 1
            if k > 1 and sum(vals[i : i + k]) > 1.0 + 1e-12:
                names = " + ".join(game.state_names[i : i + k])
                raise SimulationError(
                    f'--from "{shown}": {names} = {_exact(sum(vals[i : i + k]))} exceeds 1 (the shares of '
                    f'population "{pop.name}")'
                )
            i += k
        out.append(vals)
    return out


def _exact(v: float) -> str:
    """A number as given: short when that is exact (``-0.1``), else every digit (``1.0000000000001``)."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


def load(source: str) -> Game:
    """The model named by MODEL (a path or a shipped model's name), with over-large input as a model error."""
    from ..model.loader import load_model

    try:
        return load_model(source)
    except (RecursionError, MemoryError) as exc:
        raise ModelError(f"{source}: model too large or nested too deeply ({type(exc).__name__})") from None


def save_figure(ax, path: str) -> None:
    """Save a figure to ``--plot FILE`` completely or not at all (a temporary file, then renamed)."""
    from .. import plot
    from ..io.files import atomic_file

    with atomic_file(path) as tmp:
        plot.save(ax, tmp)


def require_values(game: Game, values: Mapping[str, float], command: str) -> None:
    """A :class:`ParameterError` saying how to give a value when some parameter has none."""
    missing = [n for n in game.parameter_names if n not in values]
    if missing:
        raise ParameterError(
            f"{command} needs a value for every parameter; {missing[0]} has none "
            f"(give one with --set {missing[0]}=VALUE or pick a --scenario)"
        )


# --------------------------------------------------------------------------- option names in messages
def _with_option(message: str, option: str, name: str) -> str:
    """``parameter C_g = -1 ...`` -> ``--set C_g = -1 ...``; any other message gets ``--set C_g: `` in front.

    >>> _with_option("parameter C_g = -1 violates its sign (nonnegative)", "--set", "C_g")
    '--set C_g = -1 violates its sign (nonnegative)'
    >>> _with_option('unknown parameter "Cg" in model "m"', "--set", "Cg")
    '--set Cg: unknown parameter "Cg" in model "m"'
    """
    lead = f"parameter {name}"
    if message.startswith(lead) and message[len(lead) : len(lead) + 1] in (" ", ":"):
        return f"{option} {name}{message[len(lead) :]}"
    return f"{option} {name}: {message}"


@contextlib.contextmanager
def option_names(option: str, names: Iterable[str]) -> Iterator[None]:
    """Name the option that gave a value in the library's errors and warnings about it.

    Inside the block, a :class:`ParameterError` or :class:`ParameterWarning` about one of
    ``names`` (the parameters the option ``option`` set) is re-raised or re-issued with the
    option in front; everything else passes unchanged.

    Examples
    --------
    >>> with option_names("--set", ["C_g"]):
    ...     raise ParameterError("parameter C_g = -1 violates its sign (nonnegative)", parameter="C_g")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --set C_g = -1 violates its sign (nonnegative)
    """
    names = set(names)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        except ParameterError as exc:
            if exc.parameter in names:
                raise ParameterError(_with_option(str(exc), option, exc.parameter), parameter=exc.parameter) from None
            raise
        finally:
            pending = list(caught)
    for w in pending:
        msg = w.message
        if isinstance(msg, ParameterWarning) and msg.parameter in names:
            text = _with_option(str(msg), option, msg.parameter)
            warnings.warn(ParameterWarning(text, parameter=msg.parameter), stacklevel=3)
        else:
            warnings.warn_explicit(msg, w.category, w.filename, w.lineno, source=w.source)


def check_plot_path(path: str, *, what: str = "--plot") -> None:
    """``--plot FILE`` checked before any work (:func:`govgame.io.files.check_output_file`).

    A figure ending, an existing folder where a file can be written, not a folder itself, not
    below a file.

    >>> check_plot_path("portrait.png")
    >>> check_plot_path("portrait.jpeg")
    Traceback (most recent call last):
    ...
    govgame.errors.OutputError: --plot 'portrait.jpeg': the file name must end in .pdf, .png, .svg or .eps (unknown figure format "jpeg")
    """
    from ..io.files import FIGURE_FORMATS, check_output_file

    check_output_file(path, what=what, formats=FIGURE_FORMATS)


# --------------------------------------------------------------------------- noise intensities
def parse_sigma(game: Game, items: Sequence[str]) -> tuple[list[float], dict[str, float]]:
    """``--sigma S`` / ``--sigma NAME=S`` options -> (intensities for all populations, per-population ones).

    Every bare ``S`` is one intensity for every population (several give a comparison); ``NAME=S``
    sets one population's intensity in every run (later options win).

    >>> from govgame.model.loader import load_model
    >>> g = load_model("battery_recycling")
    >>> parse_sigma(g, ["0.5", "government=0", "1"])
    ([0.5, 1.0], {'government': 0.0})
    >>> parse_sigma(g, ["-1"])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: --sigma -1: a noise intensity must be >= 0
    >>> parse_sigma(g, ["state=1"])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: --sigma state=1: no population "state" in model "battery_recycling"; populations are: government, enterprise, consumer
    """
    names = [p.name for p in game.populations]
    levels: list[float] = []
    per: dict[str, float] = {}
    for item in items:
        name, eq, value = item.partition("=")
        text = value if eq else name
        what = f"--sigma {item.strip()}"
        try:
            v = float(text.strip())
        except ValueError:
            raise SimulationError(f'--sigma "{item}": expected S or NAME=S with S a number, e.g. --sigma 0.5') from None
        if not math.isfinite(v):
            raise SimulationError(f"{what}: a noise intensity must be a finite number")
        if v < 0:
            raise SimulationError(f"{what}: a noise intensity must be >= 0")
        if eq:
            if name.strip() not in names:
                raise SimulationError(
                    f'{what}: no population "{name.strip()}" in model "{game.name}"; populations are: {", ".join(names)}'
                )
            per[name.strip()] = v
        else:
            levels.append(v)
    return levels, per


def sigma_levels(game: Game, items: Sequence[str]) -> list[dict[str, float]]:
    """The intensity of every population for each run asked for by ``--sigma`` (empty without ``--sigma``).

    Populations a ``NAME=S`` option does not name get the bare ``S`` (0 when there is none).

    >>> from govgame.model.loader import load_model
    >>> sigma_levels(load_model("battery_recycling"), ["consumer=2", "0.5"])
    [{'government': 0.5, 'enterprise': 0.5, 'consumer': 2.0}]
    >>> sigma_levels(load_model("battery_recycling"), ["consumer=2"])
    [{'government': 0.0, 'enterprise': 0.0, 'consumer': 2.0}]
    """
    if not items:
        return []
    levels, per = parse_sigma(game, items)
    return [{p.name: per.get(p.name, level) for p in game.populations} for level in (levels or [0.0])]
