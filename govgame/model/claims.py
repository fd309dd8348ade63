"""Claims files (SPEC §7): a published stability table, entry by entry, read and validated.

A claims file is TOML, data only, read with :mod:`tomllib`; its expressions go through the
whitelist parser of :mod:`govgame.expr` (never ``eval``), with the model's parameters and
definitions as the symbol table. Every problem is a :class:`ClaimsError` (a
:class:`~govgame.errors.ModelError`) with a one-line message naming the file, the claim and the
entry.

.. code-block:: toml

    title = "Table 3 of the paper under review"     # optional: shown in the report

    [[claim]]
    name = "E3"                                    # optional: the paper's name for the point
    point = [0, 1, 0]                              # a vertex, in state order
    eigenvalues = ["C_g - S_e", "..."]             # as printed (optional)
    signs = ["-", "+", "x"]                        # per eigenvalue: "+", "-", "x" (optional)
    stable = true                                  # the paper calls it stable / an ESS (optional)
    conditions = ["C_g - S_e < 0"]                 # the conditions it states for that (optional)

``signs`` refer to the printed eigenvalues in the same position; without ``eigenvalues`` they
refer to the true eigenvalues of the vertex in govgame's order (population by population, for
each population the strategies other than the one played, in their order). ``conditions`` need
``stable`` (for ``stable = false`` they are the circumstances under which the paper says the point
is not stable). A ``point`` whose shares are not all 0 or 1 (numbers or expressions) is a mixed
rest point; for it only ``stable`` is checked.

Only ``govgame audit --reconstruct`` (no model) reads the optional top-level ``name`` (of the
model to write), ``[[population]]`` (name, label, strategies, share of each binary population),
``[parameters.NAME]`` (the keys of a model file: sign, description, value, range, latex) and
``[assumptions] relations``. With a model these are ignored with a warning: the model declares
its own.
"""

from __future__ import annotations

import io
import keyword
import math
import os
import sys
import tokenize
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sympy

from ..errors import ClaimsError, GovgameError
from .expr import FUNCTIONS, parse_expression, parse_relation
from .game import Game, Parameter, Population
from .loader import _Builder, _did_you_mean

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

__all__ = ["Claim", "Claims", "load_claims", "loads_claims", "claims_from_dict", "SIGN_MARKS"]

#: The marks of a sign column: positive, negative, undetermined.
SIGN_MARKS = ("+", "-", "x")
#: Largest claims file accepted, in bytes.
MAX_CLAIMS_SIZE = 2_000_000

_TOP = ("title", "name", "claim", "population", "parameters", "assumptions")
_CLAIM_KEYS = ("name", "point", "eigenvalues", "signs", "stable", "conditions")


@dataclass(frozen=True)
class Claim:
    """One row of a published stability table.

    Attributes
    ----------
    number : int
        Position of the ``[[claim]]`` table in the file, counting from 1.
    point : tuple of sympy.Expr
        The point, in state order.
    profile : tuple of int or None
        For a vertex, the index of the strategy each population plays; None for a mixed point.
    name : str
        The paper's name for the point (optional).
    eigenvalues, eigenvalue_texts : tuple or None
        The printed eigenvalues, parsed and as written.
    signs : tuple of str or None
        The printed sign column: ``"+"``, ``"-"`` or ``"x"`` per eigenvalue.
    stable : bool or None
        Whether the paper calls the point stable (an ESS).
    conditions, condition_texts : tuple
        The conditions the paper states for it, parsed and as written.
    """

    number: int
    point: tuple[sympy.Expr, ...]
    profile: tuple[int, ...] | None
    name: str = ""
    eigenvalues: tuple[sympy.Expr, ...] | None = None
    eigenvalue_texts: tuple[str, ...] | None = None
    signs: tuple[str, ...] | None = None
    stable: bool | None = None
    conditions: tuple[sympy.Basic, ...] = ()
    condition_texts: tuple[str, ...] = ()

    @property
    def is_vertex(self) -> bool:
        """Whether the point is a vertex (every population plays a pure strategy)."""
        return self.profile is not None

    @property
    def label(self) -> str:
        """``claim 3 (E3)``: how messages and reports name the claim."""
        return f"claim {self.number}" + (f" ({self.name})" if self.name else "")

    @property
    def point_text(self) -> str:
        """The point as ``(1, 0, 0)``."""
        return "(" + ", ".join(sympy.sstr(c) for c in self.point) + ")"


@dataclass(frozen=True)
class Claims:
    """A whole claims file: the claims and, for reconstruction, the declarations it carries."""

    claims: tuple[Claim, ...]
    source: str = ""
    title: str = ""
    name: str = ""
    parameters: tuple[Parameter, ...] = ()
    assumptions: tuple[sympy.Basic, ...] = ()
    assumption_texts: tuple[str, ...] = ()
    populations: tuple[Population, ...] = ()
    game_name: str | None = None

    def __len__(self) -> int:
        return len(self.claims)

    def __iter__(self) -> Iterator[Claim]:
        return iter(self.claims)

    def __getitem__(self, number: int) -> Claim:
        """The claim with the given number (counting from 1, as in the file)."""
        if not 1 <= number <= len(self.claims):
            raise IndexError(f"claims are numbered 1 to {len(self.claims)}, not {number}")
        return self.claims[number - 1]


# --------------------------------------------------------------------------- reading
def load_claims(source: str | os.PathLike[str], game: Game | None = None) -> Claims:
    """Read and validate a claims file.

    Parameters
    ----------
    source : str or path-like
        Path to the TOML claims file.
    game : Game, optional
        The model the table belongs to. Without one (``--reconstruct``) every population is
        taken to be binary and the parameters are the names the expressions use.

    Raises
    ------
    ClaimsError
        For a missing, unreadable or invalid file (one line naming the file, claim and entry).

    Examples
    --------
    >>> load_claims("/no/such/claims.toml")
    Traceback (most recent call last):
    ...
    govgame.errors.ClaimsError: /no/such/claims.toml: no such file
    """
    path = Path(source)
    where = str(path)
    try:
        if not path.is_file():
            raise ClaimsError(f"{where}: " + ("is a directory, not a claims file" if path.is_dir() else "no such file"))
        raw = path.read_bytes()[: MAX_CLAIMS_SIZE + 1]
    except OSError as exc:
        raise ClaimsError(f"{where}: cannot read the file ({exc.strerror or exc})") from None
    if len(raw) > MAX_CLAIMS_SIZE:
        raise ClaimsError(f"{where}: file is larger than {MAX_CLAIMS_SIZE:,} bytes, the limit for claims files")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ClaimsError(f"{where}: not a TOML claims file (not UTF-8 text: byte {exc.start} is invalid)") from None
    return loads_claims(text.removeprefix("\ufeff"), game, source=where)


def loads_claims(text: str, game: Game | None = None, *, source: str = "<string>") -> Claims:
    """Build claims from the text of a TOML claims file (see :func:`load_claims`).

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> claims = loads_claims('''
    ... [[claim]]
    ... point = [1, 1, 1]
    ... eigenvalues = ["C_g - R_g + S_e + S_c", "-B_e + K_e - R_e + C_e + P_f - S_e + R_i - p_d*(F_e + L_e)", "X_q"]
    ... ''', game)
    Traceback (most recent call last):
    ...
    govgame.errors.ClaimsError: <string>: [[claim]] number 1, eigenvalues[3]: "X_q" is not declared ...
    """
    if "\x00" in text:
        raise ClaimsError(f"{source}: not a TOML claims file (it contains binary data)")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ClaimsError(f"{source}: not valid TOML: {_one_line(str(exc))}") from None
    except (RecursionError, MemoryError) as exc:
        raise ClaimsError(f"{source}: not a usable claims file (nested too deeply: {type(exc).__name__})") from None
    return claims_from_dict(data, game, source=source)


def claims_from_dict(data: Mapping[str, Any], game: Game | None = None, *, source: str = "<dict>") -> Claims:
    """Build claims from a mapping laid out like a claims file (a ``"claim"`` list of tables).

    Examples
    --------
    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> claims = claims_from_dict({"claim": [{"point": [1, 1, 1], "stable": True}]}, game)
    >>> claims[1].profile, claims[1].label
    ((0, 0, 0), 'claim 1')
    >>> claims_from_dict({"claim": [{"point": [1, 1], "stable": True}]}, game)
    Traceback (most recent call last):
    ...
    govgame.errors.ClaimsError: <dict>: [[claim]] number 1, point: expected 3 coordinates (x, y, z), found 2
    """
    try:
        return _Reader(data, game, source).read()
    except ClaimsError:
        raise
    except GovgameError as exc:
        raise ClaimsError(_one_line(str(exc))) from None
    except (RecursionError, MemoryError) as exc:
        raise ClaimsError(f"{source}: claims too large or nested too deeply ({type(exc).__name__})") from None


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _is_number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _names_in(text: object) -> set[str]:
    """Identifiers an expression text uses (numbers such as ``1e5`` are not names); empty when unreadable."""
    if not isinstance(text, str) or not text.isascii():
        return set()
    out: set[str] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(" ".join(text.split())).readline):
            if tok.type == tokenize.NAME and tok.string not in FUNCTIONS:
                if not keyword.iskeyword(tok.string) or tok.string == "lambda":
                    out.add(tok.string)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return set()
    return out


class _Reader(_Builder):
    """Checks one claims mapping; the model loader's checks and messages for the tables they share."""

    def __init__(self, data: Mapping[str, Any], game: Game | None, source: str) -> None:
        super().__init__(data, source)
        self.game = game

    def fail(self, msg: str) -> ClaimsError:
        return ClaimsError(f"{self.source}: {_one_line(msg)}")

    # ------------------------------------------------------------------ whole file
    def read(self) -> Claims:
        data = self.table(self.data, "the claims file")
        for key in data:
            if key not in _TOP:
                raise self.fail(
                    f"unknown top-level key {key}{_did_you_mean(key, list(_TOP), '{}')} (allowed: {', '.join(_TOP)}); "
                    "unknown keys are usually typos"
                )
        if "claim" not in data:
            raise self.fail("no [[claim]] tables; a claims file lists each point of the table as a [[claim]]")
        entries = data["claim"]
        if not isinstance(entries, list) or not entries:
            raise self.fail("claim must be a list of tables: write each point as a [[claim]] table")
        entries = [self.table(e, f"[[claim]] number {i + 1}") for i, e in enumerate(entries)]
        title = self.string(data.get("title", ""), "title")
        name = self.string(data.get("name", ""), "name")
        declared = self.table(data.get("parameters", {}), "[parameters]")
        assumptions_table = self.table(data.get("assumptions", {}), "[assumptions]")
        self.keys(assumptions_table, ("relations",), "[assumptions]")
        assumption_texts = self.strings(assumptions_table.get("relations", []), "[assumptions] relations")
        pop_entries = data.get("population", [])
        if not isinstance(pop_entries, list):
            raise self.fail("population must be a list of tables: write each population as a [[population]] table")

        if self.game is not None:
            ignored = [k for k in ("name", "population", "parameters", "assumptions") if k in data]
            if ignored:
                warnings.warn(
                    f"{self.source}: {', '.join(ignored)} in the claims file are read only by --reconstruct; "
                    f'the model "{self.game.name}" declares its own',
                    UserWarning,
                    stacklevel=4,
                )
            game = self.game
            symbols: dict[str, sympy.Expr] = {p.name: p.symbol for p in game.parameters}
            symbols.update({d.name: d.expr for d in game.definitions})
            shape = game.shape
            state = game.state_names
            params: tuple[Parameter, ...] = ()
            assumptions: tuple[sympy.Basic, ...] = ()
            pops: tuple[Population, ...] = ()
        else:
            if name:
                import re

                if not re.match(r"^[a-z0-9_]+$", name):
                    raise self.fail(f"name {name!r} must match [a-z0-9_]+ (it becomes the model's name)")
            n = self.dimension(entries)
            params = self.parameters(declared, entries, assumption_texts)
            symbols = {p.name: p.symbol for p in params}
            pops = self.populations(pop_entries, n, set(symbols))
            shape = tuple(2 for _ in range(n))
            state = tuple(s for p in pops for s in p.shares)
            assumptions = tuple(
                parse_relation(t, symbols, where=f"{self.source}: [assumptions] relations[{i}]")
                for i, t in enumerate(assumption_texts)
            )
        claims = tuple(self.claim(i + 1, e, symbols, shape, state) for i, e in enumerate(entries))
        seen: dict[tuple[int, ...], int] = {}
        for c in claims:
            if c.profile is None:
                continue
            if c.profile in seen:
                raise self.fail(
                    f"{c.label}: point {c.point_text} is also claim {seen[c.profile]}; give each vertex one [[claim]]"
                )
            seen[c.profile] = c.number
        return Claims(
            claims,
            self.source,
            title,
            name,
            params,
            assumptions,
            tuple(assumption_texts) if self.game is None else (),
            pops,
            self.game.name if self.game is not None else None,
        )

    # ------------------------------------------------------------------ without a model
    def dimension(self, entries: list[Mapping[str, Any]]) -> int:
        lengths = {len(e["point"]) for e in entries if isinstance(e.get("point"), list)}
        if not lengths:
            raise self.fail("[[claim]] number 1 has no point; add point = [0, 1, ...] (a vertex, in state order)")
        if len(lengths) > 1:
            raise self.fail(f"the points have different lengths ({', '.join(map(str, sorted(lengths)))}); "
                            "every point lists one share per population, in the same order")  # fmt: skip
        n = lengths.pop()
        if n < 2:
            raise self.fail(
                f"the points have {n} coordinate: reconstruction is for games of two or more binary populations "
                "(one coordinate each); for a one-population game write its model file (format 2) and run "
                "`govgame audit MODEL CLAIMS`"
            )
        return n

    def parameters(self, declared: Mapping[str, Any], entries, assumption_texts: list[str]) -> tuple[Parameter, ...]:
        """Parameters of a table read without a model: the names its expressions use, plus declared ones."""
        found: list[str] = []
        texts: list[object] = list(assumption_texts)
        for e in entries:
            for key in ("point", "eigenvalues", "conditions"):
                v = e.get(key)
                if isinstance(v, list):
                    texts.extend(v)
        for t in texts:
            for name in sorted(_names_in(t)):
                if name not in found:
                    found.append(name)
        # the model loader's checks and messages, with "any" as the default sign (nothing is known)
        entries = {name: {"sign": "any", **self.table(e, f"[parameters.{name}]")} for name, e in declared.items()}
        out = list(_Builder.parameters(self, entries, []))
        names = {p.name for p in out}
        for name in found:
            if name not in names:
                try:
                    out.append(Parameter(name, sign="any", description="found in the claims"))
                except GovgameError:
                    continue  # not a usable name: the expression parser reports it where it is used
        return tuple(out)

    def populations(self, entries: list, n: int, taken: set[str]) -> tuple[Population, ...]:
        if entries:
            if len(entries) != n:
                raise self.fail(f"[[population]] lists {len(entries)} populations; the points have {n} coordinates")
            for i, e in enumerate(entries):
                k = len(e["strategies"]) if isinstance(e, Mapping) and isinstance(e.get("strategies"), list) else 2
                if k != 2:
                    raise self.fail(
                        f"[[population]] number {i + 1} has {k} strategies; reconstruction reads binary populations only"
                    )
            pops = _Builder.populations(self, entries)
            for pop in pops:
                if pop.shares[0] in taken:
                    raise self.fail(
                        f'[[population]] "{pop.name}": the share "{pop.shares[0]}" is also a parameter name; rename one'
                    )
            return tuple(pops)
        base = ["x", "y", "z", "w"] if n <= 4 else [f"x{i + 1}" for i in range(n)]
        shares = []
        for s in base[:n]:
            while s in taken:
                s += "_"
            shares.append(s)
        return tuple(
            Population(f"population_{i + 1}", ("first", "second"), (s,), label=f"Population {i + 1}")
            for i, s in enumerate(shares)
        )

    # ------------------------------------------------------------------ one claim
    def claim(self, number: int, entry: Mapping[str, Any], symbols, shape, state) -> Claim:
        where = f"[[claim]] number {number}"
        name = entry.get("name", "")
        if not isinstance(name, str):
            raise self.fail(f"{where}, name must be a string, found {name!r:.60}")
        label = where + (f" ({name})" if name else "")
        self.keys(entry, _CLAIM_KEYS, label)
        if "point" not in entry:
            raise self.fail(f"{label} has no point; add point = [0, 1, ...] (a vertex, in state order)")
        point, profile = self.point(entry["point"], f"{label}, point", symbols, shape, state)
        eigenvalues = texts = None
        if "eigenvalues" in entry:
            raw = entry["eigenvalues"]
            if not isinstance(raw, list) or not raw:
                raise self.fail(f"{label}, eigenvalues must be a non-empty list of expressions, found {raw!r:.60}")
            parsed, shown = [], []
            for k, text in enumerate(raw):
                w = f"{self.source}: {label}, eigenvalues[{k + 1}]"
                parsed.append(self.expression(text, symbols, w, state))
                shown.append(text if isinstance(text, str) else repr(text))
            eigenvalues, texts = tuple(parsed), tuple(shown)
            n_true = sum(k - 1 for k in shape)
            if profile is not None and len(parsed) != n_true:
                raise self.fail(
                    f"{label}, eigenvalues lists {len(parsed)} expressions; a vertex of this model has {n_true} "
                    "eigenvalues (for each population, one per strategy other than the one played)"
                )
        signs = None
        if "signs" in entry:
            raw = entry["signs"]
            if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
                raise self.fail(f'{label}, signs must be a list of "+", "-" or "x", found {raw!r:.60}')
            for k, s in enumerate(raw):
                if s not in SIGN_MARKS:
                    raise self.fail(f'{label}, signs[{k + 1}] = "{s}" is not one of "+", "-", "x"')
            if eigenvalues is not None:
                expected = len(eigenvalues)
                what = "eigenvalues lists"
            elif profile is not None:
                expected = sum(k - 1 for k in shape)
                what = "the vertex has"
            else:
                raise self.fail(f"{label}: signs of a point that is not a vertex need its eigenvalues")
            if len(raw) != expected:
                raise self.fail(f"{label}, signs has {len(raw)} entries; {what} {expected} eigenvalues")
            signs = tuple(raw)
        stable = entry.get("stable")
        if stable is not None and not isinstance(stable, bool):
            raise self.fail(f"{label}, stable must be true or false, found {stable!r:.60}")
        conditions: list[sympy.Basic] = []
        condition_texts: list[str] = []
        if "conditions" in entry:
            raw = self.strings(entry["conditions"], f"{label}, conditions")
            if stable is None:
                raise self.fail(f"{label}: conditions need stable = true (or false): say what they are conditions for")
            for k, text in enumerate(raw):
                w = f"{self.source}: {label}, conditions[{k + 1}]"
                conditions.append(parse_relation(text, symbols, where=w, shares=state))
                condition_texts.append(text)
        return Claim(
            number,
            point,
            profile,
            name,
            eigenvalues,
            texts,
            signs,
            stable,
            tuple(conditions),
            tuple(condition_texts),
        )

    def expression(self, value: object, symbols, where: str, state) -> sympy.Expr:
        if _is_number(value):
            if isinstance(value, float) and not math.isfinite(value):
                raise ClaimsError(f"{where}: {value!r} is not a finite number")
            return sympy.Integer(value) if isinstance(value, int) else sympy.Rational(repr(value))
        if not isinstance(value, str):
            raise ClaimsError(f"{where}: expected an expression (a string) or a number, found {value!r:.60}")
        return parse_expression(value, symbols, where=where, shares=state)

    def point(self, raw: object, where: str, symbols, shape, state) -> tuple[tuple[sympy.Expr, ...], tuple | None]:
        n = len(state)
        if not isinstance(raw, list):
            raise self.fail(f"{where} must be a list of {n} numbers in state order ({', '.join(state)})")
        if len(raw) != n:
            raise self.fail(f"{where}: expected {n} coordinates ({', '.join(state)}), found {len(raw)}")
        coords = []
        for i, v in enumerate(raw):
            if isinstance(v, bool) or not (_is_number(v) or isinstance(v, str)):
                raise self.fail(f"{where}[{i + 1}] must be a number or an expression, found {v!r:.60}")
            c = self.expression(v, symbols, f"{self.source}: {where}[{i + 1}]", state)
            if c.is_number and not (0 <= c <= 1):
                raise self.fail(f"{where}[{i + 1}] = {v!r} lies outside [0, 1]: a share is between 0 and 1")
            coords.append(c)
        # a vertex: every coordinate 0 or 1, and in each population at most one share equal to 1
        if all(c in (0, 1) for c in coords):
            profile, i = [], 0
            for k in shape:
                own = coords[i : i + k - 1]
                i += k - 1
                if sum(own) > 1:
                    names = ", ".join(state[i - k + 1 : i])
                    raise self.fail(
                        f"{where} {_show_point(raw)} is not a vertex of the state space: the shares {names} of one "
                        "population add up to more than 1"
                    )
                profile.append(own.index(1) if 1 in own else k - 1)
            return tuple(coords), tuple(profile)
        i = 0
        for k in shape:
            own = coords[i : i + k - 1]
            i += k - 1
            if k > 2 and all(c.is_number for c in own) and sum(own) > 1:
                raise self.fail(f"{where} {_show_point(raw)}: the shares of one population add up to more than 1")
        return tuple(coords), None


def _show_point(raw: list) -> str:
    return "[" + ", ".join(str(v) for v in raw) + "]"
