"""Read model files (TOML, SPEC §1) into :class:`~govgame.model.Game` objects.

A model file is data, never code: it is read with :mod:`tomllib` and its
expressions go through the whitelist parser of :mod:`govgame.model.expr`. Every rule of
SPEC §1 is checked here, and every problem is a
:class:`~govgame.errors.ModelError` with a one-line message naming the file, the
entry and how to fix it. A declared parameter that no payoff uses is a warning
(:func:`warnings.warn`, also kept in :attr:`Game.warnings <govgame.model.Game>`).

Shipped models live in the top-level ``models/`` folder of the repository and in
``govgame/models/`` once installed; :func:`load_model` takes either a path or the
name of a shipped model.
"""

from __future__ import annotations

import difflib
import itertools
import math
import numbers
import os
import re
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import sympy

from .. import limits
from ..errors import ExpressionError, GovgameError, ModelError
from .expr import check_expression, parse_expression, parse_relation
from .game import (
    FORMATS,
    SIGNS,
    Definition,
    Game,
    Parameter,
    Population,
    Scenario,
    check_game_size,
    check_name,
    check_text,
    checked_float,
    share_symbol,
)
from .shipped import model_path, shipped_models
from .source import MAX_FILE_SIZE, read_model_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = [
    "MAX_FILE_SIZE",
    "read_model_text",
    "load_model",
    "loads_model",
    "game_from_dict",
    "shipped_models",
    "model_path",
]


_TOP = ("game", "population", "parameters", "definitions", "assumptions", "scenario", "payoff")
_GAME_KEYS = ("name", "title", "description", "references", "format")
_POP_KEYS = ("name", "label", "strategies", "share", "shares")
_PARAM_KEYS = ("description", "value", "range", "latex", "sign")
_T = TypeVar("_T")
_SHARES_NEED_FORMAT_2 = (
    "payoffs and definitions that depend on the shares (state-dependent payoffs) need format 2: "
    "add format = 2 under [game]"
)


# --------------------------------------------------------------------------- loading
def load_model(source: str | os.PathLike[str]) -> Game:
    """Load a model from a TOML file, or a shipped model by name.

    Parameters
    ----------
    source : str or path-like
        A path to a ``.toml`` model file, or the name of a shipped model
        (see :func:`shipped_models`).

    Returns
    -------
    Game

    Raises
    ------
    ModelError
        For a missing, unreadable, too large or invalid file (one line naming the
        file, the entry and the fix).

    Examples
    --------
    >>> load_model("/no/such/model.toml")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: /no/such/model.toml: no such file
    """
    if isinstance(source, os.PathLike):
        path = Path(source)
    elif isinstance(source, str):
        if not source:
            raise ModelError("no model given: name a .toml file or a shipped model")
        looks_like_path = source.endswith(".toml") or "/" in source or os.sep in source or Path(source).exists()
        path = Path(source) if looks_like_path else model_path(source)
    else:
        raise ModelError(f"a model is a path or a shipped model name, found {type(source).__name__}")
    where = str(path)
    text = read_model_text(path)
    return loads_model(text, source=where)


def loads_model(text: str, *, source: str = "<string>") -> Game:
    """Build a game from the text of a TOML model file.

    Parameters
    ----------
    text : str
        The TOML document.
    source : str, optional
        Name used in messages (usually the file name).

    Returns
    -------
    Game

    Examples
    --------
    >>> game = loads_model('''
    ... [game]
    ... name = "toy"
    ... [[population]]
    ... name = "row"
    ... strategies = ["a", "b"]
    ... share = "x"
    ... [[population]]
    ... name = "col"
    ... strategies = ["a", "b"]
    ... share = "y"
    ... [parameters.lambda]
    ... value = 2.0
    ... [[payoff]]
    ... profile = ["a", "a"]
    ... row = "lambda"
    ... col = "lambda"
    ... [[payoff]]
    ... profile = ["a", "b"]
    ... row = 0
    ... col = 1
    ... [[payoff]]
    ... profile = ["b", "a"]
    ... row = 1
    ... col = 0
    ... [[payoff]]
    ... profile = ["b", "b"]
    ... row = "lambda / 2"
    ... col = 0.5
    ... ''')
    >>> game.state_names, game.payoff(["b", "b"])
    (('x', 'y'), (lambda/2, 1/2))
    >>> loads_model("[game")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: <string>: not valid TOML: Expected ']' at the end of a table declaration (at end of document)
    """
    if not isinstance(text, str):
        raise ModelError(f"{source}: expected the model text as a string, found {type(text).__name__}")
    if len(text) > MAX_FILE_SIZE:
        raise ModelError(f"{source}: model text is {len(text):,} characters; the limit is {MAX_FILE_SIZE:,}")
    if not text.strip():
        raise ModelError(f"{source}: the file is empty; a model needs [game], [[population]] and [[payoff]] tables")
    if "\x00" in text:
        raise ModelError(f"{source}: not a TOML model file (it contains binary data)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ModelError(f"{source}: not valid TOML: {_one_line(str(exc))}") from None
    except ValueError as exc:  # an integer beyond Python's digit limit (4300 digits)
        raise ModelError(
            f"{source}: not a usable TOML model file: {_one_line(str(exc)).split(';')[0]} (numbers must have absolute "
            f"value at most {limits.MAX_MAGNITUDE:g})"
        ) from None
    except (RecursionError, MemoryError) as exc:
        raise ModelError(f"{source}: not a usable TOML model file (nested too deeply: {type(exc).__name__})") from None
    return game_from_dict(data, source=source)


def game_from_dict(data: Mapping[str, Any], *, source: str = "<dict>") -> Game:
    """Build a game from a mapping laid out like a model file (SPEC §1).

    This is the Python way to define a model without a file: the same tables and
    keys, as dicts and lists, and the same checks and messages.

    Examples
    --------
    >>> game = game_from_dict({
    ...     "game": {"name": "toy", "title": "A toy"},
    ...     "population": [
    ...         {"name": "row", "strategies": ["a", "b"], "share": "x"},
    ...         {"name": "col", "strategies": ["a", "b"], "share": "y"},
    ...     ],
    ...     "parameters": {"E": {"value": 1.5, "sign": "any"}, "c": {"value": 1.0}},
    ...     "definitions": {"net": "E - c"},
    ...     "payoff": [
    ...         {"profile": ["a", "a"], "row": "net", "col": "net"},
    ...         {"profile": ["a", "b"], "row": "-c", "col": "E"},
    ...         {"profile": ["b", "a"], "row": "E", "col": "-c"},
    ...         {"profile": ["b", "b"], "row": 0, "col": 0},
    ...     ],
    ... })
    >>> game.payoff(["a", "a"])
    (E - c, E - c)
    >>> game_from_dict({"game": {"name": "toy"}, "populaton": []})
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: <dict>: unknown top-level table [populaton]; did you mean [population]? ...
    """
    try:
        return _Builder(data, source).build()
    except GovgameError as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(_one_line(str(exc))) from None
    except (RecursionError, MemoryError) as exc:
        raise ModelError(f"{source}: model too large or nested too deeply ({type(exc).__name__})") from None


# --------------------------------------------------------------------------- helpers
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _q(values: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _did_you_mean(name: object, choices: list[str], fmt: str = '"{}"') -> str:
    if not isinstance(name, str):
        return ""
    hint = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {fmt.format(hint[0])}?" if hint else ""


def _is_number(v: object) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)  # numpy numbers are registered as Real


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]{1,64}")


def _key(name: object) -> str:
    """A table key for a message: as written when it is a plain name, else quoted and escaped."""
    return name if isinstance(name, str) and _PLAIN_KEY.fullmatch(name) else repr(name)[:80]


def _count(value: object, limit: int, what: str, fail: Callable[[str], ModelError]) -> None:
    """Refuse a table or list with more than ``limit`` entries before any entry is looked at."""
    if hasattr(value, "__len__") and len(value) > limit:  # type: ignore[arg-type]
        raise fail(f"the model has {len(value):,} {what}; the limit is {limit:,}")  # type: ignore[arg-type]


class _Builder:
    """Checks one model mapping and builds the game, with messages prefixed by the source."""

    def __init__(self, data: Mapping[str, Any], source: str) -> None:
        self.data = data
        self.source = source

    def fail(self, msg: str) -> ModelError:
        return ModelError(f"{self.source}: {_one_line(msg)}")

    def wrap(self, where: str, fn: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
        """Call a model.py constructor; its errors get the source and entry as prefix."""
        try:
            return fn(*args, **kwargs)
        except ExpressionError:
            raise
        except GovgameError as exc:
            msg = str(exc)
            if msg.startswith(f"{self.source}: "):
                msg = msg[len(self.source) + 2 :]
            raise self.fail(f"{where}{msg}") from None

    def table(self, value: object, where: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(f"{where} must be a table, found {type(value).__name__} {value!r:.60}")
        return value

    def keys(self, table: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
        for key in table:
            if key not in allowed:
                hint = _did_you_mean(key, list(allowed))
                raise self.fail(
                    f'{where}: unknown key "{_key(key)}"{hint} (allowed keys: {", ".join(allowed)}); unknown keys are '
                    "usually typos"
                )

    def string(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(f"{where} must be a string, found {value!r:.60}")
        return value

    def strings(self, value: object, where: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{where} must be a list of strings, found {value!r:.80}")
        return value

    def number(self, value: object, where: str) -> float:
        try:
            return checked_float(value, where=where)
        except ModelError as exc:
            raise self.fail(str(exc)) from None

    # ------------------------------------------------------------------ build
    def build(self) -> Game:
        data = self.table(self.data, "the model")
        for key in data:
            if key not in _TOP:
                hint = _did_you_mean(key, list(_TOP), "[{}]")
                raise self.fail(
                    f"unknown top-level table [{_key(key)}]{hint} (allowed: {', '.join(_TOP)}); unknown tables are usually typos"
                )
        for key in ("game", "population", "payoff"):
            if key not in data:
                what = {"game": "[game]", "population": "[[population]]", "payoff": "[[payoff]]"}[key]
                raise self.fail(f"missing {what} table; every model needs [game], [[population]] and [[payoff]]")
        game = self.table(data["game"], "[game]")
        self.keys(game, _GAME_KEYS, "[game]")
        if "name" not in game:
            raise self.fail('[game] has no name; add name = "my_model" (lowercase letters, digits and _)')
        name = self.string(game["name"], "[game] name")
        title = self.string(game.get("title", ""), "[game] title")
        description = self.string(game.get("description", ""), "[game] description")
        references = tuple(self.strings(game.get("references", []), "[game] references"))
        fmt = self.format(game.get("format", 1))

        pops = self.populations(data["population"])
        self.wrap("", check_game_size, [p.k for p in pops])
        shares = [s for p in pops for s in p.shares]
        params = self.parameters(data.get("parameters", {}), shares)
        symbols: dict[str, sympy.Expr] = {p.name: p.symbol for p in params}
        # version 2: payoffs and definitions may use the shares (state-dependent payoffs, SPEC 1.5)
        state_table = {s: share_symbol(s) for s in shares} if fmt >= 2 else {}
        forbidden = [] if fmt >= 2 else shares
        definitions = self.definitions(data.get("definitions", {}), {**symbols, **state_table}, forbidden, shares)
        table = dict(symbols)
        table.update({d.name: d.expr for d in definitions})
        assumptions = self.assumptions(data.get("assumptions", {}), table, shares)
        scenarios = self.scenarios(data.get("scenario", {}), params, pops)
        payoffs = self.payoffs(data["payoff"], pops, {**table, **state_table}, forbidden)

        used: set[sympy.Symbol] = set()
        for values in payoffs.values():
            for v in values:
                used |= v.free_symbols
        notes = tuple(
            f'{self.source}: parameter "{p.name}" is declared but appears in no payoff (directly or through a '
            "definition); remove it or use it"
            for p in params
            if p.symbol not in used
        )
        result = self.wrap(
            "",
            Game,
            name=name,
            populations=tuple(pops),
            parameters=tuple(params),
            payoffs=payoffs,
            title=title,
            description=description,
            references=references,
            definitions=tuple(definitions),
            assumptions=tuple(assumptions),
            scenarios=tuple(scenarios),
            source=self.source,
            warnings=notes,
            format=fmt,
        )
        for note in notes:
            warnings.warn(note, UserWarning, stacklevel=4)
        return result

    def format(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value not in FORMATS:
            raise self.fail(
                f"[game] format = {value!r:.40} is not a model-file format; use format = 2 for state-dependent "
                "payoffs (shares in payoffs and definitions), or leave it out (format 1)"
            )
        return value

    def populations(self, value: object) -> list[Population]:
        if not isinstance(value, list) or not value:
            raise self.fail("[[population]] must be a list of tables (write each population as a [[population]] table)")
        _count(value, limits.MAX_POPULATIONS, "populations", self.fail)
        pops = []
        seen: set[str] = set()
        for i, entry in enumerate(value):
            entry = self.table(entry, f"[[population]] number {i + 1}")
            name = entry.get("name")
            where = f'[[population]] "{_key(name)}"' if isinstance(name, str) else f"[[population]] number {i + 1}"
            self.keys(entry, _POP_KEYS, where)
            if "name" not in entry:
                raise self.fail(f'{where} has no name; add name = "..."')
            self.string(name, f"{where} name")
            if "strategies" not in entry:
                raise self.fail(f'{where} has no strategies; add strategies = ["...", "..."]')
            strategies = self.strings(entry["strategies"], f"{where} strategies")
            k = len(strategies)
            if k > limits.MAX_STRATEGIES:
                raise self.fail(f"{where} has {k} strategies; a population has at most {limits.MAX_STRATEGIES}")
            if k < 2:
                raise self.fail(f"{where} needs at least 2 strategies, found {k}")
            if name in seen:
                raise self.fail(f'population "{name}" is declared twice; names must be unique')
            seen.add(name)
            if "share" in entry and "shares" in entry:
                raise self.fail(f"{where} gives both share and shares; use share for 2 strategies, shares for more")
            if k == 2:
                if "shares" in entry:
                    raise self.fail(f'{where} has 2 strategies: name its state symbol with share = "x", not shares')
                if "share" not in entry:
                    raise self.fail(f'{where} has no share symbol; add share = "x" (the share playing {strategies[0]})')
                share_list = [self.string(entry["share"], f"{where} share")]
            else:
                if "share" in entry:
                    raise self.fail(
                        f"{where} has {k} strategies: name the shares of the first {max(k - 1, 0)} with "
                        'shares = ["y1", ...], not share'
                    )
                if "shares" not in entry:
                    raise self.fail(
                        f'{where} has {k} strategies and no shares; add shares = ["y1", ...] ({k - 1} names)'
                    )
                share_list = self.strings(entry["shares"], f"{where} shares")
            label = self.string(entry.get("label", ""), f"{where} label")
            pops.append(self.wrap(f"{where}: ", Population, name, tuple(strategies), tuple(share_list), label=label))
        return pops

    def parameters(self, value: object, shares: list[str]) -> list[Parameter]:
        value = self.table(value, "[parameters]")
        _count(value, limits.MAX_PARAMETERS, "parameters", self.fail)
        out = []
        for name, entry in value.items():
            where = f"[parameters.{_key(name)}]"
            entry = self.table(entry, where)
            self.keys(entry, _PARAM_KEYS, where)
            kw: dict[str, Any] = {}
            if "description" in entry:
                kw["description"] = self.string(entry["description"], f"{where} description")
            if "latex" in entry:
                kw["latex"] = self.string(entry["latex"], f"{where} latex")
            if "sign" in entry:
                sign = self.string(entry["sign"], f"{where} sign")
                if sign not in SIGNS:
                    raise self.fail(
                        f'{where} sign = "{sign}" is not one of {", ".join(SIGNS)}{_did_you_mean(sign, list(SIGNS))}'
                    )
                kw["sign"] = sign
            if "value" in entry:
                kw["value"] = self.number(entry["value"], f"{where} value")
            if "range" in entry:
                rng = entry["range"]
                if not isinstance(rng, list) or len(rng) != 2 or not all(_is_number(r) for r in rng):
                    raise self.fail(f"{where} range must be [low, high] with two numbers, found {rng!r:.60}")
                kw["range"] = (self.number(rng[0], f"{where} range"), self.number(rng[1], f"{where} range"))
            if name in shares:
                raise self.fail(
                    f'{where}: the parameter "{name}" collides with the share symbol "{name}" of a population; '
                    "rename the share or the parameter"
                )
            out.append(self.wrap(f"{where}: ", Parameter, name, **kw))
        return out

    def definitions(
        self, value: object, symbols: dict[str, sympy.Expr], forbidden: list[str], shares: list[str]
    ) -> list[Definition]:
        value = self.table(value, "[definitions]")
        _count(value, limits.MAX_DEFINITIONS, "definitions", self.fail)
        dummies = {}
        for name in value:
            self.wrap(f"[definitions] {_key(name)}: ", check_name, name, "definition")  # before any parsing
            if name in shares:
                raise self.fail(f'[definitions] {name}: "{name}" collides with a share symbol; rename one of them')
            if name in symbols:
                raise self.fail(
                    f'[definitions] {name}: "{name}" is declared both as a parameter and as a definition; rename one'
                )
            dummies[name] = sympy.Dummy(name)
        table = dict(symbols)
        table.update(dummies)
        raw: dict[str, sympy.Expr] = {}
        texts: dict[str, str] = {}
        for name, text in value.items():
            where = f"{self.source}: [definitions] {_key(name)}"
            raw[name] = self.expression(text, table, where, forbidden)
            texts[name] = text if isinstance(text, str) else repr(text)
        back = {d: n for n, d in dummies.items()}
        resolved: dict[str, sympy.Expr] = {}
        for start in raw:  # depth-first, with an explicit stack (no recursion)
            path: list[str] = []
            stack = [(start, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    path.pop()
                    subs = {dummies[d]: resolved[d] for d in (back[s] for s in raw[name].free_symbols if s in back)}
                    # checked as soon as it is built, so a chain of definitions stops at the first one too large
                    resolved[name] = check_expression(
                        raw[name].xreplace(subs), where=f"{self.source}: [definitions] {_key(name)}", text=texts[name]
                    )
                    continue
                if name in resolved:
                    continue
                if name in path:
                    cycle = " -> ".join([*path[path.index(name) :], name])
                    raise self.fail(f"[definitions] form a cycle: {cycle}; a definition may not depend on itself")
                path.append(name)
                stack.append((name, True))
                stack.extend((back[s], False) for s in raw[name].free_symbols if s in back)
        return [self.wrap(f"[definitions] {n}: ", Definition, n, resolved[n], texts[n]) for n in raw]

    def expression(self, value: object, table: Mapping[str, sympy.Expr], where: str, shares: list[str]) -> sympy.Expr:
        if _is_number(value):
            v = checked_float(value, where=where)  # finite and bounded, or a ModelError naming where
            return sympy.Integer(int(value)) if isinstance(value, numbers.Integral) else sympy.Rational(repr(v))
        if not isinstance(value, str):
            raise ModelError(f"{where}: expected an expression (a string) or a number, found {value!r:.60}")
        return parse_expression(value, table, where=where, shares=shares, share_hint=_SHARES_NEED_FORMAT_2)

    def assumptions(self, value: object, table: Mapping[str, sympy.Expr], shares: list[str]) -> list[sympy.Basic]:
        value = self.table(value, "[assumptions]")
        self.keys(value, ("relations",), "[assumptions]")
        out = []
        relations = self.strings(value.get("relations", []), "[assumptions] relations")
        _count(relations, limits.MAX_RELATIONS, "assumption relations", self.fail)
        for i, text in enumerate(relations):
            where = f"{self.source}: [assumptions] relations[{i}]"
            rel = parse_relation(
                text,
                table,
                where=where,
                shares=shares,
                share_hint="assumptions relate parameters only (they must hold whatever the state)",
            )
            try:
                never = rel.func(rel.lhs, rel.rhs) is sympy.false
            except TypeError:  # sympy cannot compare these; keep the relation as written
                never = False
            if never:
                raise ModelError(
                    f'{where}: "{text}" can never hold for the declared signs; fix the relation or the signs'
                )
            out.append(rel)
        return out

    def scenarios(self, value: object, params: list[Parameter], pops: list[Population]) -> list[Scenario]:
        value = self.table(value, "[scenario]")
        _count(value, limits.MAX_SCENARIOS, "scenarios", self.fail)
        by_name = {p.name: p for p in params}
        out = []
        for name, entry in value.items():
            where = f"[scenario.{_key(name)}]"
            try:
                check_text(name, where="scenario name", multiline=False, limit=limits.MAX_NAME_LENGTH)
            except ModelError as exc:
                raise self.fail(f"{where}: {exc}") from None
            entry = self.table(entry, where)
            description = self.string(entry.get("description", ""), f"{where} description")
            expect = None
            if "expect" in entry:
                expect = tuple(self.strings(entry["expect"], f"{where} expect"))
                if len(expect) != len(pops):
                    raise self.fail(
                        f"{where} expect must name one strategy per population ({len(pops)}), found {list(expect)}"
                    )
                for p, s in zip(pops, expect):
                    if s not in p.strategies:
                        raise self.fail(
                            f'{where} expect names "{s}", which is not a strategy of population "{p.name}" '
                            f"({', '.join(p.strategies)}){_did_you_mean(s, list(p.strategies))}"
                        )
            values = []
            for key, v in entry.items():
                if key in ("description", "expect"):
                    continue
                if key not in by_name:
                    raise self.fail(
                        f'{where} sets "{_key(key)}", which is not a declared parameter{_did_you_mean(key, list(by_name))} '
                        "(description and expect are the only other keys)"
                    )
                par = by_name[key]
                x = self.number(v, f"{where} {key}")
                if not par.sign_ok(x):
                    raise self.fail(
                        f"{where} {key} = {x:g} violates the sign of {key} ({par.sign}); give a {par.sign} value"
                    )
                if not par.in_range(x):
                    raise self.fail(
                        f"{where} {key} = {x:g} lies outside the range [{par.range[0]:g}, {par.range[1]:g}] of {key}; "
                        "change the value or widen the range"
                    )
                values.append((key, x))
            out.append(self.wrap(f"{where}: ", Scenario, name, tuple(values), description=description, expect=expect))
        return out

    def payoffs(
        self,
        value: object,
        pops: list[Population],
        table: Mapping[str, sympy.Expr],
        shares: list[str],
    ) -> dict[tuple[str, ...], tuple[sympy.Expr, ...]]:
        if not isinstance(value, list) or not value:
            raise self.fail("[[payoff]] must be a list of tables, one [[payoff]] table per pure-strategy profile")
        names = [p.name for p in pops]
        allowed = ("profile", *names)
        _count(value, limits.MAX_PROFILES, "[[payoff]] tables", self.fail)  # duplicates are named below
        out: dict[tuple[str, ...], tuple[sympy.Expr, ...]] = {}
        for i, entry in enumerate(value):
            entry = self.table(entry, f"[[payoff]] number {i + 1}")
            if "profile" not in entry:
                raise self.fail(f'[[payoff]] number {i + 1} has no profile; add profile = ["...", ...]')
            profile = tuple(self.strings(entry["profile"], f"[[payoff]] number {i + 1} profile"))
            where = f"[[payoff]] profile {_q(profile)}"
            if len(profile) != len(pops):
                raise self.fail(f"{where} must name one strategy per population ({len(pops)}: {', '.join(names)})")
            for p, s in zip(pops, profile):
                if s not in p.strategies:
                    raise self.fail(
                        f'{where}: "{s}" is not a strategy of population "{p.name}" ({", ".join(p.strategies)})'
                        f"{_did_you_mean(s, list(p.strategies))}"
                    )
            if profile in out:
                raise self.fail(f"{where} appears twice; every profile needs exactly one [[payoff]] table")
            self.keys(entry, allowed, where)
            values = []
            for p in pops:
                if p.name not in entry:
                    raise self.fail(f'{where} has no payoff for population "{p.name}"; add {p.name} = "..."')
                values.append(
                    self.expression(entry[p.name], table, f'{self.source}: {where}, population "{p.name}"', shares)
                )
            out[profile] = tuple(values)
        total = math.prod(p.k for p in pops)
        if len(out) != total:
            for profile in itertools.product(*(p.strategies for p in pops)):
                if profile not in out:
                    raise self.fail(
                        f"profile {_q(profile)} has no [[payoff]] table ({total - len(out)} of {total} profiles "
                        "missing); every profile needs exactly one"
                    )
        return out
