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

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from ..model.game import Game

__all__ = [
    "check_plot_path",
    "parse_number",
    "parse_set",
    "parse_vary",
    "parse_from",
    "load",
    "require_values",
    "option_names",
    "positive_int",
    "positive_float",
]


# --------------------------------------------------------------------------- argparse types
def positive_int(text: str) -> int:
    """An argparse type: a whole number >= 1.

    >>> positive_int("3")
    3
    """
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, found {text!r}")
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
    """``--from X,Y,Z`` options -> starts in state order (checked against the state space later).

    >>> from govgame.model.loader import load_model
    >>> parse_from(load_model("battery_recycling"), ["0.1, 0.2, 0.3"])
    [[0.1, 0.2, 0.3]]
    >>> parse_from(load_model("battery_recycling"), ["0.1,0.2"])
    Traceback (most recent call last):
    ...
    govgame.errors.SimulationError: --from "0.1,0.2": expected 3 comma-separated numbers (x, y, z), found 2
    """
    n = len(game.state_names)
    out = []
    for item in items:
        parts = [p.strip() for p in item.split(",")]
        if len(parts) != n:
            raise SimulationError(
                f'--from "{item}": expected {n} comma-separated numbers ({", ".join(game.state_names)}), '
                f"found {len(parts)}"
            )
        vals = []
        for part in parts:
            try:
                v = float(part)
            except ValueError:
                raise SimulationError(f'--from "{item}": "{part}" is not a number') from None
            if not math.isfinite(v):
                raise SimulationError(f'--from "{item}": "{part}" is not a finite number')
            vals.append(v)
        out.append(vals)
    return out


def load(source: str) -> Game:
    """The model named by MODEL (a path or a shipped model's name), with over-large input as a model error."""
    from ..model.loader import load_model

    try:
        return load_model(source)
    except (RecursionError, MemoryError) as exc:
        raise ModelError(f"{source}: model too large or nested too deeply ({type(exc).__name__})") from None


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
    """``--plot FILE`` checked before any work: a figure suffix, an existing writable folder, not a folder itself.

    >>> check_plot_path("portrait.png")
    >>> check_plot_path("portrait.jpeg")
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: --plot "portrait.jpeg": the file name must end in .pdf, .png, .svg or .eps
    """
    import os
    from pathlib import Path

    p = Path(path)
    if p.suffix.lower() not in {".pdf", ".png", ".svg", ".eps"}:
        raise ParameterError(f'{what} "{path}": the file name must end in .pdf, .png, .svg or .eps')
    if p.is_dir():
        raise ParameterError(f'{what} "{path}" is a folder; give a file name')
    parent = p.parent
    if not parent.is_dir():
        raise ParameterError(f'{what} "{path}": the folder {str(parent)!r} does not exist')
    if not os.access(parent, os.W_OK):
        raise ParameterError(f'{what} "{path}": cannot write into the folder {str(parent)!r}')
