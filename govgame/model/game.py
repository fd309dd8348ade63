"""The game: populations, parameters, payoffs. Immutable and validated on construction.

A :class:`Game` is what a model file describes (see :mod:`govgame.model.loader`) and what
every later stage (:mod:`govgame.analysis.dynamics`, :mod:`govgame.analysis.equilibria`, ...) reads.
It can also be built directly in Python:

>>> import sympy
>>> from govgame.model import Game, Population, Parameter
>>> b, c = Parameter("b", value=3.0).symbol, Parameter("c", value=1.0).symbol
>>> game = Game(
...     name="toy",
...     populations=(
...         Population("row", ("cooperate", "defect"), ("x",)),
...         Population("col", ("cooperate", "defect"), ("y",)),
...     ),
...     parameters=(Parameter("b", value=3.0), Parameter("c", value=1.0)),
...     payoffs={
...         ("cooperate", "cooperate"): (b - c, b - c),
...         ("cooperate", "defect"): (-c, b),
...         ("defect", "cooperate"): (b, -c),
...         ("defect", "defect"): (0, 0),
...     },
... )
>>> game.state_names
('x', 'y')
>>> game.payoff(("cooperate", "defect"))
(-c, b)

Payoffs may depend on the state (SPEC §1.5) in a game of ``format=2``: a Hawk-Dove game is one population
whose payoffs depend on its own share ``x`` of hawks.

>>> V, C = Parameter("V", value=2.0).symbol, Parameter("C", value=3.0).symbol
>>> x = share_symbol("x")
>>> hawk_dove = Game(
...     name="hawk_dove",
...     populations=(Population("animals", ("hawk", "dove"), ("x",)),),
...     parameters=(Parameter("V", value=2.0), Parameter("C", value=3.0)),
...     payoffs={("hawk",): (x * (V - C) / 2 + (1 - x) * V,), ("dove",): ((1 - x) * V / 2,)},
...     format=2,
... )
>>> hawk_dove.state_dependent
True
"""

from __future__ import annotations

import itertools
import math
import numbers
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import sympy

from .. import limits
from ..errors import ModelError, ParameterError, ParameterWarning
from .expr import check_expression, complexity, format_expression

__all__ = [
    "SIGNS",
    "FORMATS",
    "Parameter",
    "Population",
    "Definition",
    "Scenario",
    "Game",
    "symbol_for",
    "share_symbol",
    "checked_float",
    "check_game_size",
    "check_name",
    "check_latex",
    "check_text",
    "LATEX_COMMANDS",
]

#: Allowed values of :attr:`Parameter.sign`.
SIGNS = ("positive", "nonnegative", "negative", "any")
#: Model-file format versions (SPEC §1.6): 1 (the default) and 2 (state-dependent payoffs, SPEC §1.5).
FORMATS = (1, 2)

# Always used with fullmatch: ``re.match`` with ``$`` would accept a trailing newline.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODEL_NAME = re.compile(r"[a-z0-9_]+")

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota",
    "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon",
    "phi", "chi", "psi", "omega",
}  # fmt: skip


def symbol_for(name: str, sign: str = "nonnegative") -> sympy.Symbol:
    """The sympy symbol of a parameter called ``name`` with the given ``sign``.

    The same name and sign always give the same symbol, so expressions built from
    a model file and from Python agree.

    >>> symbol_for("lambda").is_nonnegative
    True
    >>> symbol_for("E", "any") == sympy.E
    False
    """
    if sign == "positive":
        return sympy.Symbol(name, positive=True)
    if sign == "nonnegative":
        return sympy.Symbol(name, nonnegative=True)
    if sign == "negative":
        return sympy.Symbol(name, negative=True)
    if sign == "any":
        return sympy.Symbol(name, real=True)
    raise ModelError(f"sign {sign!r} is not one of {', '.join(SIGNS)}")


def share_symbol(name: str) -> sympy.Symbol:
    """The sympy symbol of a state coordinate (a population share)."""
    return sympy.Symbol(name, real=True)


def default_latex(name: str) -> str:
    r"""LaTeX for a name: Greek names become Greek letters, ``_`` starts a subscript.

    >>> default_latex("C_g")
    'C_{g}'
    >>> default_latex("lambda")
    '\\lambda'
    >>> default_latex("beta_1")
    '\\beta_{1}'
    >>> default_latex("Gamma")
    '\\Gamma'
    """

    def word(w: str) -> str:
        if w.lower() in _GREEK:
            if w[0].isupper() and w.lower() not in {
                "alpha",
                "beta",
                "epsilon",
                "zeta",
                "eta",
                "iota",
                "kappa",
                "mu",
                "nu",
                "rho",
                "tau",
                "chi",
            }:
                return "\\" + w[0].upper() + w[1:].lower()
            return "\\" + w.lower()
        if len(w) > 1:
            return "\\mathrm{" + w.replace("_", r"\_") + "}"
        return w

    head, _, tail = name.partition("_")
    out = word(head) if head else r"\_"
    if tail:
        out += "_{" + ",".join(word(t) if t else "" for t in tail.split("_")) + "}"
    return out


def _show_name(name: object) -> str:
    """A name as it may appear in a message: quoted, escaped (repr) and shortened."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "..."


def check_name(name: object, what: str) -> str:
    r"""Check a name of a model (SPEC §1): an ASCII identifier of at most :data:`~govgame.limits.MAX_NAME_LENGTH` characters.

    The whole string must match (a trailing newline is not a name).

    >>> check_name("C_g", "parameter")
    'C_g'
    >>> check_name("strict\n", "strategy")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: strategy 'strict\n' is not a valid name: use ASCII letters, digits and _, not starting with a digit
    """
    if not isinstance(name, str) or not _IDENT.fullmatch(name):
        raise ModelError(
            f"{what} {_show_name(name)} is not a valid name: use ASCII letters, digits and _, not starting with a digit"
        )
    if len(name) > limits.MAX_NAME_LENGTH:
        raise ModelError(
            f"{what} {_show_name(name)} is {len(name)} characters long; names have at most {limits.MAX_NAME_LENGTH}"
        )
    return name


def _describe_number(value: object) -> str:
    """A number for a message, without printing thousands of digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            digits = len(str(abs(value)))
        except ValueError:  # beyond sys.get_int_max_str_digits(): estimate from the bits
            return f"an integer of about {int(abs(value).bit_length() * 0.30103) + 1:,} digits"
        if digits > 20:
            return f"an integer of {digits} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def checked_float(value: object, *, where: str, error: type[Exception] = ModelError) -> float:
    """The one conversion of a number from a model or a caller: finite, real, and bounded.

    Accepts Python and numpy integers and floats (and other real numbers such as
    :class:`fractions.Fraction`), never booleans or strings. The absolute value must be at
    most :data:`govgame.limits.MAX_MAGNITUDE` (1e12); a huge integer is rejected before any
    conversion could overflow.

    Parameters
    ----------
    value : object
    where : str
        What the number is, for the message (``'[parameters.C_g] value'``).
    error : exception class
        :class:`ModelError` (default) for numbers in a model, :class:`ParameterError` for values
        given by a caller.

    Examples
    --------
    >>> import numpy as np
    >>> checked_float(np.float32(0.5), where="value"), checked_float(3, where="value")
    (0.5, 3.0)
    >>> checked_float(10**400, where="[parameters.C_g] value")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: [parameters.C_g] value must be a finite number of absolute value at most 1e+12, found an integer of 401 digits
    """
    bound = limits.MAX_MAGNITUDE
    if isinstance(value, bool) or not isinstance(value, numbers.Real):  # numpy numbers are registered as Real
        raise error(f"{where} must be a number, found {_describe_number(value)}")
    if isinstance(value, numbers.Integral):
        if abs(int(value)) > bound:
            raise error(
                f"{where} must be a finite number of absolute value at most {bound:g}, found {_describe_number(int(value))}"
            )
        return float(value)
    try:
        v = float(value)
    except (OverflowError, ValueError, TypeError):
        v = math.inf
    if not math.isfinite(v):
        raise error(f"{where} must be a finite number, found {_describe_number(value)}")
    if abs(v) > bound:
        raise error(f"{where} must be a finite number of absolute value at most {bound:g}, found {v:g}")
    return v


def _as_float(value: object, where: str) -> float:
    return checked_float(value, where=where)


def _fmt(v: float) -> str:
    """A value for a message: short (``3``, ``0.25``) unless that would hide digits (``1.0000000000001``)."""
    short = f"{v:g}"
    return short if float(short) == v else repr(v)


#: The closed interval in which the range of a parameter with each sign must lie (SPEC §1, docs "Limits").
_SIGN_HULL = {
    "positive": (0.0, math.inf),
    "nonnegative": (0.0, math.inf),
    "negative": (-math.inf, 0.0),
    "any": (-math.inf, math.inf),
}
_SIGN_HULL_TEXT = {"positive": "[0, inf)", "nonnegative": "[0, inf)", "negative": "(-inf, 0]", "any": "(-inf, inf)"}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def check_text(value: object, *, where: str, multiline: bool = True, limit: int | None = None) -> str:
    r"""Free text of a model (title, description, label, scenario name): a string within the length limit.

    Text is kept as written; every renderer escapes it for its target (terminal, Markdown,
    LaTeX). Only names used on the command line (``multiline=False``) may not contain line
    breaks or control characters.

    >>> check_text("Weak\nsupervision", where="description")
    'Weak\nsupervision'
    >>> check_text("early\nmarket", where="scenario", multiline=False)
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: scenario 'early\nmarket' contains the control character U+000A; use letters, digits, spaces and punctuation
    """
    if not isinstance(value, str):
        raise ModelError(f"{where} must be a string, found {_describe_number(value)}")
    limit = limits.MAX_TEXT_LENGTH if limit is None else limit
    if len(value) > limit:
        raise ModelError(f"{where} is {len(value):,} characters long; the limit is {limit:,}")
    if not multiline:
        bad = _CONTROL.search(value) or re.search(r"[\n\r\t]", value)
        if bad:
            raise ModelError(
                f"{where} {_show_name(value)} contains the control character U+{ord(bad.group()):04X}; "
                "use letters, digits, spaces and punctuation"
            )
    return value


# ------------------------------------------------------------------------ the latex field
_GREEK_LATEX = (
    "alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa varkappa lambda mu nu xi "
    "pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega "
    "Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega"
).split()
#: Commands a parameter's ``latex`` field may use (all typeset by plain LaTeX with amsmath).
LATEX_COMMANDS = frozenset(
    _GREEK_LATEX
    + (
        "mathrm mathit mathbf mathsf mathtt mathcal boldsymbol text textrm textit operatorname "
        "bar hat tilde check breve dot ddot vec acute grave widehat widetilde overline underline "
        "prime ell hbar partial nabla infty star ast circ bullet dagger ddagger cdot times pm mp"
    ).split()
)
_LATEX_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_^{}'()[],.:;!+-*/|<>= ")
_LATEX_SYMBOLS = frozenset(",;! _{}")  # \, \; \! \  \_ \{ \}


def check_latex(text: object, *, where: str = "latex") -> str:
    r"""Check a parameter's ``latex`` field: only a safe subset of math-mode LaTeX.

    Allowed: ASCII letters and digits, ``_ ^ { } '`` (primes), ``( ) [ ] , . : ; ! + - * / | < > =``,
    spaces, the spacing and escaped symbols ``\, \; \! \  \_ \{ \}``, and the commands in
    :data:`LATEX_COMMANDS` (Greek letters, ``\mathrm``, ``\bar``, ``\hat``, ``\tilde``,
    ``\prime`` ...). Braces must balance (at most 10 deep); at most
    :data:`govgame.limits.MAX_LATEX_LENGTH` characters; ``^^`` (TeX's character-code
    notation) is refused. Everything else (``\input``, ``\write18``, ``\catcode``, ``$``,
    ``%``, ``#``, ``&``, ``~``, a backslash at the end) is a :class:`ModelError` naming it.

    Examples
    --------
    >>> check_latex(r"\bar{C}_{g}^{\prime}")
    '\\bar{C}_{g}^{\\prime}'
    >>> check_latex(r"C\input{/etc/passwd}", where="[parameters.C] latex")
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: [parameters.C] latex: the command \input is not allowed (allowed: Greek letters, \mathrm, \bar, \hat, \tilde, \prime and a few more; see govgame.model.LATEX_COMMANDS)
    """
    if not isinstance(text, str):
        raise ModelError(f"{where} must be a string, found {_describe_number(text)}")
    if len(text) > limits.MAX_LATEX_LENGTH:
        raise ModelError(f"{where} is {len(text):,} characters long; the limit is {limits.MAX_LATEX_LENGTH}")
    if "^^" in text:
        raise ModelError(f"{where}: ^^ (TeX character codes) is not allowed in {_show_name(text)}")
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\":
            j = i + 1
            while j < len(text) and text[j].isascii() and text[j].isalpha():
                j += 1
            word = text[i + 1 : j]
            if not word:
                if j < len(text) and text[j] in _LATEX_SYMBOLS:
                    i = j + 1
                    continue
                shown = text[i : i + 2]
                raise ModelError(f"{where}: {shown!r} is not allowed in {_show_name(text)}")
            if word not in LATEX_COMMANDS:
                raise ModelError(
                    f"{where}: the command \\{word} is not allowed (allowed: Greek letters, \\mathrm, \\bar, \\hat, "
                    "\\tilde, \\prime and a few more; see govgame.model.LATEX_COMMANDS)"
                )
            i = j
            continue
        if c not in _LATEX_PLAIN:
            shown = repr(c) if c.isprintable() else f"the control character U+{ord(c):04X}"
            raise ModelError(
                f"{where}: the character {shown} is not allowed in {_show_name(text)} "
                "(use letters, digits, _ ^ { } ' and commands such as \\mathrm{...} or \\alpha)"
            )
        if c == "{":
            depth += 1
            if depth > 10:
                raise ModelError(f"{where}: braces nested more than 10 deep in {_show_name(text)}")
        elif c == "}":
            depth -= 1
            if depth < 0:
                raise ModelError(f"{where}: a closing brace has no opening brace in {_show_name(text)}")
        i += 1
    if depth:
        raise ModelError(f"{where}: an opening brace is never closed in {_show_name(text)}")
    return text


@dataclass(frozen=True)
class Parameter:
    """A model parameter.

    Parameters
    ----------
    name : str
        Identifier used in expressions.
    description : str
        What the parameter means, in words.
    value : float, optional
        Default value; needed for numeric work.
    range : (float, float), optional
        Plausible interval, used by sliders and sweeps.
    latex : str, optional
        LaTeX symbol; by default derived from the name (:func:`default_latex`).
    sign : {"positive", "nonnegative", "negative", "any"}
        Sign assumed when simplifying and enforced on every value.
    """

    name: str
    description: str = ""
    value: float | None = None
    range: tuple[float, float] | None = None
    latex: str = ""
    sign: str = "nonnegative"

    def __post_init__(self) -> None:
        check_name(self.name, "parameter")
        where = f'parameter "{self.name}"'
        check_text(self.description, where=f"{where}: description")
        if self.sign not in SIGNS:
            raise ModelError(f"{where}: sign {_show_name(self.sign)} is not one of {', '.join(SIGNS)}")
        if not self.latex:
            object.__setattr__(self, "latex", default_latex(self.name))
        else:
            check_latex(self.latex, where=f"{where}: latex")
        if self.range is not None:
            if isinstance(self.range, (str, bytes)) or not hasattr(self.range, "__len__") or len(self.range) != 2:
                raise ModelError(f"{where}: range must be [low, high]")
            lo = checked_float(self.range[0], where=f"{where}: range low")
            hi = checked_float(self.range[1], where=f"{where}: range high")
            if not lo < hi:
                raise ModelError(f"{where}: range [{_fmt(lo)}, {_fmt(hi)}] must have low < high")
            object.__setattr__(self, "range", (lo, hi))
            floor, ceiling = _SIGN_HULL[self.sign]
            if lo < floor or hi > ceiling:
                raise ModelError(
                    f'{where}: range [{_fmt(lo)}, {_fmt(hi)}] contradicts sign "{self.sign}": the range of a '
                    f"{self.sign} parameter must lie within {_SIGN_HULL_TEXT[self.sign]}"
                )
        if self.value is not None:
            v = checked_float(self.value, where=f"{where}: value")
            object.__setattr__(self, "value", v)
            try:
                self.check(v, where=f"{where}: value", range_is_error=True)
            except ParameterError as exc:  # a default that breaks its own rules is a fault of the model
                raise ModelError(str(exc)) from None

    @cached_property
    def symbol(self) -> sympy.Symbol:
        """The sympy symbol, carrying the sign as an assumption."""
        return symbol_for(self.name, self.sign)

    def sign_ok(self, v: float) -> bool:
        """Whether ``v`` respects :attr:`sign`."""
        return {
            "positive": v > 0,
            "nonnegative": v >= 0,
            "negative": v < 0,
            "any": True,
        }[self.sign]

    def in_range(self, v: float) -> bool:
        """Whether ``v`` lies in :attr:`range` (always true without a range)."""
        return self.range is None or self.range[0] <= v <= self.range[1]

    def check_sign(self, v: object, *, where: str | None = None) -> float:
        """A finite number within :data:`govgame.limits.MAX_MAGNITUDE` of the right sign, as a float.

        >>> Parameter("c", sign="negative").check_sign(0)
        Traceback (most recent call last):
        ...
        govgame.errors.ParameterError: parameter c = 0 violates its sign (negative); give a negative value
        >>> Parameter("c").check_sign(float("inf"), where="--set c")
        Traceback (most recent call last):
        ...
        govgame.errors.ParameterError: --set c must be a finite number, found inf
        """
        v = checked_float(v, where=f"parameter {self.name}" if where is None else where, error=self._error)
        if not self.sign_ok(v):
            if where is None:
                sign = f"parameter {self.name} = {_fmt(v)} violates its sign ({self.sign})"
            else:
                sign = f"{where} = {_fmt(v)} violates the sign of {self.name} ({self.sign})"
            raise ParameterError(f"{sign}; give a {self.sign} value", parameter=self.name)
        return v

    def _error(self, message: str) -> ParameterError:
        return ParameterError(message, parameter=self.name)

    def check(self, v: object, *, where: str | None = None, range_is_error: bool = False) -> float:
        """Validate a value and return it as a float: a wrong sign is an error; leaving the range an error or a warning.

        Not a finite number within :data:`govgame.limits.MAX_MAGNITUDE` (1e12), or of the wrong
        sign: a :class:`~govgame.errors.ParameterError`. The messages speak of the parameter
        (``where`` replaces ``parameter NAME``, e.g. for a model file entry); errors are
        :class:`~govgame.errors.ParameterError` and warnings
        :class:`~govgame.errors.ParameterWarning`, both naming the parameter.

        Examples
        --------
        >>> p = Parameter("C_g", value=1.0, range=(0.0, 10.0))
        >>> p.check(-1.0)
        Traceback (most recent call last):
        ...
        govgame.errors.ParameterError: parameter C_g = -1 violates its sign (nonnegative); give a nonnegative value
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter("always")
        ...     p.check(20.0)
        20.0
        >>> print(w[0].message)
        parameter C_g = 20 lies outside its range [0, 10]
        """
        v = self.check_sign(v, where=where)
        if not self.in_range(v):
            lo, hi = self.range  # type: ignore[misc]
            if where is None:
                msg = f"parameter {self.name} = {_fmt(v)} lies outside its range [{_fmt(lo)}, {_fmt(hi)}]"
            else:
                msg = f"{where} = {_fmt(v)} lies outside the range [{_fmt(lo)}, {_fmt(hi)}] of {self.name}"
            if range_is_error:
                raise ParameterError(msg, parameter=self.name)
            warnings.warn(ParameterWarning(msg, parameter=self.name), stacklevel=3)
        return v


@dataclass(frozen=True)
class Population:
    """A population (a player role) with k >= 2 strategies.

    ``shares`` names the state symbols of the first k-1 strategies; the share of
    the last strategy is one minus their sum.
    """

    name: str
    strategies: tuple[str, ...]
    shares: tuple[str, ...]
    label: str = ""

    def __post_init__(self) -> None:
        check_name(self.name, "population")
        where = f'population "{self.name}"'
        for attr in ("strategies", "shares"):
            value = getattr(self, attr)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
                raise ModelError(f"{where}: {attr} must be a list of names, found {_show_name(value)}")
        n = len(self.strategies)
        if n > limits.MAX_STRATEGIES:
            raise ModelError(f"{where} has {n} strategies; a population has at most {limits.MAX_STRATEGIES}")
        object.__setattr__(self, "strategies", tuple(self.strategies))
        object.__setattr__(self, "shares", tuple(self.shares))
        if n < 2:
            raise ModelError(f"{where} needs at least 2 strategies, found {n}")
        for s in self.strategies:
            check_name(s, f"strategy of {where}")
        if len(set(self.strategies)) != n:
            raise ModelError(f"{where} lists a strategy twice: {list(self.strategies)}")
        if len(self.shares) != n - 1:
            raise ModelError(
                f"{where} has {n} strategies, so it needs {n - 1} share symbol(s), found {len(self.shares)}"
            )
        for s in self.shares:
            check_name(s, f"share symbol of {where}")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())
        else:
            check_text(self.label, where=f"{where}: label", limit=200)

    @property
    def k(self) -> int:
        """Number of strategies."""
        return len(self.strategies)

    @cached_property
    def share_symbols(self) -> tuple[sympy.Symbol, ...]:
        """State symbols of the first k-1 strategies."""
        return tuple(share_symbol(s) for s in self.shares)

    @cached_property
    def full_shares(self) -> tuple[sympy.Expr, ...]:
        """Shares of all k strategies as expressions in the state symbols."""
        ys = self.share_symbols
        return (*ys, 1 - sum(ys))


@dataclass(frozen=True)
class Definition:
    """An auxiliary quantity: ``name`` stands for ``expr``, an expression in the parameters (and, in a game of
    format 2, the share symbols), other definitions already substituted.
    """

    name: str
    expr: sympy.Expr
    text: str = ""

    def __post_init__(self) -> None:
        check_name(self.name, "definition")
        check_text(self.text, where=f'definition "{self.name}": text', limit=limits.MAX_LENGTH)
        object.__setattr__(self, "expr", check_expression(self.expr, where=f'definition "{self.name}"'))


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values overriding the defaults."""

    name: str
    values: tuple[tuple[str, float], ...]
    description: str = ""
    expect: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        check_text(self.name, where="scenario", multiline=False, limit=limits.MAX_NAME_LENGTH)
        if not self.name:
            raise ModelError("a scenario needs a name")
        where = f'scenario "{self.name}"'
        check_text(self.description, where=f"{where}: description")
        pairs = []
        for item in self.values:
            if isinstance(item, (str, bytes)) or not hasattr(item, "__len__") or len(item) != 2:
                raise ModelError(f"{where}: values must be (name, number) pairs, found {_show_name(item)}")
            key, v = item
            if not isinstance(key, str):
                raise ModelError(f"{where}: values must be (name, number) pairs, found {_show_name(item)}")
            pairs.append((key, checked_float(v, where=f"{where}: {_show_name(key)[1:-1]}")))
        object.__setattr__(self, "values", tuple(pairs))
        if self.expect is not None:
            if isinstance(self.expect, (str, bytes)) or not all(isinstance(e, str) for e in self.expect):
                raise ModelError(f"{where}: expect must be a list of strategy names, found {_show_name(self.expect)}")
            object.__setattr__(self, "expect", tuple(self.expect))

    def as_dict(self) -> dict[str, float]:
        """The overrides as a dict."""
        return dict(self.values)


@dataclass(frozen=True, eq=False)
class Game:
    """A multi-population game: populations, parameters and the payoff of every pure profile.

    ``payoffs`` maps each profile (a tuple of strategy names, one per population,
    in population order) to the payoffs of the populations in the same order.
    Payoffs are sympy expressions (definitions already substituted) or numbers, in
    the parameters and — when ``format`` is 2 — the share symbols (state-dependent
    payoffs, SPEC §1.5). A game may have a single population (a symmetric game such
    as Hawk-Dove, whose payoffs depend on its own shares). It is validated on
    construction: every profile exactly once, only declared symbols, unique names.
    """

    name: str
    populations: tuple[Population, ...]
    parameters: tuple[Parameter, ...]
    payoffs: Mapping[tuple[str, ...], tuple[sympy.Expr, ...]]
    title: str = ""
    description: str = ""
    references: tuple[str, ...] = ()
    definitions: tuple[Definition, ...] = ()
    assumptions: tuple[sympy.Basic, ...] = ()
    scenarios: tuple[Scenario, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = field(default=(), compare=False)
    format: int = 1

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        if not isinstance(self.name, str) or not _MODEL_NAME.fullmatch(self.name):
            raise ModelError(f"{where}game name {_show_name(self.name)} must match [a-z0-9_]+")
        if len(self.name) > limits.MAX_NAME_LENGTH:
            raise ModelError(
                f"{where}game name is {len(self.name)} characters long; the limit is {limits.MAX_NAME_LENGTH}"
            )
        check_text(self.title, where=f"{where}title", limit=1000)
        check_text(self.description, where=f"{where}description")
        for attr, limit, kind in (
            ("populations", limits.MAX_POPULATIONS, "populations"),
            ("parameters", limits.MAX_PARAMETERS, "parameters"),
            ("definitions", limits.MAX_DEFINITIONS, "definitions"),
            ("scenarios", limits.MAX_SCENARIOS, "scenarios"),
            ("assumptions", limits.MAX_RELATIONS, "assumptions"),
            ("references", 1000, "references"),
        ):
            value = getattr(self, attr)
            if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
                raise ModelError(f"{where}{attr} must be a list, found {_show_name(value)}")
            if len(value) > limit:
                raise ModelError(f"{where}the model has {len(value):,} {kind}; the limit is {limit:,}")
        pops = tuple(self.populations)
        for p in pops:
            if not isinstance(p, Population):
                raise ModelError(f"{where}populations must be Population objects, found {_show_name(p)}")
        object.__setattr__(self, "populations", pops)
        object.__setattr__(self, "parameters", tuple(self.parameters))
        object.__setattr__(self, "references", tuple(check_text(r, where=f"{where}reference") for r in self.references))
        object.__setattr__(self, "definitions", tuple(self.definitions))
        object.__setattr__(self, "assumptions", _checked_assumptions(self.assumptions, where))
        object.__setattr__(self, "scenarios", tuple(self.scenarios))
        if isinstance(self.format, bool) or self.format not in FORMATS:
            raise ModelError(f"{where}format {_show_name(self.format)} is not one of {', '.join(map(str, FORMATS))}")
        for kind, items, cls in (
            ("parameters", self.parameters, Parameter),
            ("definitions", self.definitions, Definition),
            ("scenarios", self.scenarios, Scenario),
        ):
            for item in items:
                if not isinstance(item, cls):
                    raise ModelError(f"{where}{kind} must be {cls.__name__} objects, found {_show_name(item)}")
        if len(pops) < 1:
            raise ModelError(f"{where}a game needs at least 1 population, found none")
        check_game_size([p.k for p in pops], where=where)
        _unique([p.name for p in pops], "population", where)
        _unique([p.name for p in self.parameters], "parameter", where)
        _unique([d.name for d in self.definitions], "definition", where)
        _unique([s.name for s in self.scenarios], "scenario", where)
        shares = [s for p in pops for s in p.shares]
        _unique(shares, "share symbol", where)
        pnames = {p.name for p in self.parameters}
        dnames = {d.name for d in self.definitions}
        for d in dnames & pnames:
            raise ModelError(f'{where}"{d}" is declared both as a parameter and as a definition; rename one')
        for s in shares:
            if s in pnames:
                raise ModelError(
                    f'{where}share symbol "{s}" collides with the parameter "{s}"; rename the share or the parameter'
                )
            if s in dnames:
                raise ModelError(f'{where}share symbol "{s}" collides with the definition "{s}"; rename one of them')
        self._check_payoffs(where)
        self._check_assumptions(where)
        for sc in self.scenarios:
            for key, v in sc.values:
                if key not in pnames:
                    raise ModelError(f'{where}scenario "{sc.name}" sets "{key}", which is not a declared parameter')
                self.parameter(key).check(
                    _as_float(v, f'scenario "{sc.name}": {key}'),
                    where=f'{where}scenario "{sc.name}": {key}',
                    range_is_error=True,
                )
            if sc.expect is not None:
                if len(sc.expect) != len(pops):
                    raise ModelError(
                        f'{where}scenario "{sc.name}": expect must name one strategy per population '
                        f"({len(pops)}), found {list(sc.expect)}"
                    )
                for p, s in zip(pops, sc.expect):
                    if s not in p.strategies:
                        raise ModelError(
                            f'{where}scenario "{sc.name}": expect names "{s}", which is not a strategy of '
                            f'population "{p.name}" ({", ".join(p.strategies)})'
                        )

    def _check_payoffs(self, where: str) -> None:
        pops = self.populations
        if not isinstance(self.payoffs, Mapping):
            raise ModelError(f"{where}payoffs must be a mapping from profiles to payoffs")
        if len(self.payoffs) > math.prod(p.k for p in pops):
            raise ModelError(
                f"{where}{len(self.payoffs):,} payoff entries for {math.prod(p.k for p in pops):,} profiles; "
                "every profile needs exactly one"
            )
        table: dict[tuple[str, ...], tuple[sympy.Expr, ...]] = {}
        allowed = {p.symbol for p in self.parameters}
        states = {s for p in pops for s in p.share_symbols}
        if self.format >= 2:
            allowed |= states
        total_terms = 0
        for profile, values in self.payoffs.items():
            if isinstance(profile, (str, bytes)) or not hasattr(profile, "__len__"):
                raise ModelError(f"{where}a profile must be a tuple of strategy names, found {_show_name(profile)}")
            profile = tuple(profile)
            if len(profile) != len(pops):
                raise ModelError(f"{where}profile {list(profile)} must name one strategy per population ({len(pops)})")
            for p, s in zip(pops, profile):
                if s not in p.strategies:
                    raise ModelError(
                        f"{where}profile {list(profile)}: {_show_name(s)} is not a strategy of population "
                        f'"{p.name}" ({", ".join(p.strategies)})'
                    )
            if isinstance(values, Mapping):
                missing = [p.name for p in pops if p.name not in values]
                if missing:
                    raise ModelError(f'{where}profile {list(profile)} has no payoff for population "{missing[0]}"')
                values = tuple(values[p.name] for p in pops)
            if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
                raise ModelError(f"{where}profile {list(profile)}: payoffs must be a tuple, found {_show_name(values)}")
            if len(values) != len(pops):
                raise ModelError(f"{where}profile {list(profile)} needs {len(pops)} payoffs, found {len(values)}")
            checked = []
            for i, (p, v) in enumerate(zip(pops, values)):
                at = f'{where}profile {list(profile)}: payoff of "{p.name}"'
                if isinstance(v, str):
                    raise ModelError(f"{at} is a string; parse it with govgame.expr.parse_expression first")
                v = check_expression(v, where=at)
                extra = v.free_symbols - allowed
                if extra & states:
                    name = sorted(str(s) for s in extra & states)[0]
                    raise ModelError(
                        f'{where}profile {list(profile)}: payoff of "{p.name}" uses the share symbol "{name}"; '
                        "state-dependent payoffs need format 2 (add format = 2 under [game], or pass format=2)"
                    )
                if extra:
                    name = sorted(str(s) for s in extra)[0]
                    raise ModelError(
                        f'{at} uses "{name}", which is not a declared parameter (declare it under [parameters] or '
                        "fix the spelling)"
                    )
                # the replicator equations multiply this payoff by the other populations' shares
                weight = math.prod(
                    q.k if s == q.strategies[-1] else 1 for j, (q, s) in enumerate(zip(pops, profile)) if j != i
                )
                total_terms += complexity(v).terms * weight
                checked.append(v)
            table[profile] = tuple(checked)
        if total_terms > limits.MAX_MODEL_TERMS:
            raise ModelError(
                f"{where}the payoffs would expand to more than {limits.MAX_MODEL_TERMS:,} terms in the replicator "
                f"equations (about {total_terms:,}); simplify the payoffs or use fewer populations or strategies"
            )
        for profile in self.profiles:
            if profile not in table:
                raise ModelError(
                    f"{where}profile {list(profile)} has no [[payoff]] entry; every profile needs exactly one"
                )
        object.__setattr__(self, "payoffs", table)

    def _check_assumptions(self, where: str) -> None:
        """Reject assumptions that no admissible parameters satisfy; warn when given values violate one.

        Linear relations are decided exactly (Fourier-Motzkin elimination over the rationals, with the
        parameters' signs); the error names a smallest set of relations that contradict each other.
        Nonlinear ones are sampled: finding no point gives a warning that says it is not a proof.
        """
        if not self.assumptions:
            return
        rows = []
        for rel in self.assumptions:
            row = _relation_row(rel, self.parameters)
            if row is None:
                rows = None
                break
            rows.append(row)
        if rows is not None:
            if linear_feasible(rows + _sign_rows(self.parameters)) is False:
                core = list(range(len(rows)))
                for i in list(core):  # deletion filter: a smallest subset that is still contradictory
                    trial = [j for j in core if j != i]
                    if linear_feasible([rows[j] for j in trial] + _sign_rows(self.parameters)) is False:
                        core = trial
                named = ", ".join(f'"{_relation_text(self.assumptions[j])}"' for j in core)
                raise ModelError(
                    f"{where}[assumptions] relations {named} cannot hold together for any parameter values with the "
                    "declared signs (decided exactly by linear elimination); fix or drop one of them"
                )
        elif not _sampled_consistent(self.assumptions, self.parameters):
            warnings.warn(
                f"{where}[assumptions]: no parameter values satisfying every relation were found among 20000 random "
                "points with the declared signs (sampling, not a proof); check the relations",
                UserWarning,
                stacklevel=4,
            )
        self.check_values(
            {p.name: p.value for p in self.parameters if p.value is not None}, "the default values", where
        )

    def check_values(self, values: Mapping[str, float], label: str, where: str = "") -> None:
        """Warn, naming the relation, when ``values`` violate an assumption (relations they do not fix are skipped).

        Called for the default values when the model loads, and by :meth:`values` for a scenario or overrides.
        """
        subs = {p.symbol: sympy.Rational(repr(float(values[p.name]))) for p in self.parameters if p.name in values}
        for rel in self.assumptions:
            if not rel.free_symbols <= set(subs):
                continue
            if rel.xreplace(subs) is sympy.false:
                warnings.warn(
                    f'{where}{label} violate the assumption "{_relation_text(rel)}"; results that rely on the '
                    "assumptions do not describe these values",
                    UserWarning,
                    stacklevel=4,
                )

    # ------------------------------------------------------------------ views
    @cached_property
    def profiles(self) -> tuple[tuple[str, ...], ...]:
        """Every pure profile, in lexicographic order of strategy indices."""
        return tuple(itertools.product(*(p.strategies for p in self.populations)))

    @cached_property
    def shape(self) -> tuple[int, ...]:
        """Numbers of strategies, one per population."""
        return tuple(p.k for p in self.populations)

    @cached_property
    def state_names(self) -> tuple[str, ...]:
        """Names of the state coordinates, in population order."""
        return tuple(s for p in self.populations for s in p.shares)

    @cached_property
    def state_symbols(self) -> tuple[sympy.Symbol, ...]:
        """State symbols, in population order."""
        return tuple(s for p in self.populations for s in p.share_symbols)

    @cached_property
    def parameter_names(self) -> tuple[str, ...]:
        """Names of the parameters, in declaration order."""
        return tuple(p.name for p in self.parameters)

    @cached_property
    def parameter_symbols(self) -> tuple[sympy.Symbol, ...]:
        """Parameter symbols, in declaration order."""
        return tuple(p.symbol for p in self.parameters)

    @cached_property
    def state_dependent(self) -> bool:
        """True when some payoff or definition uses a share symbol (payoffs depend on the state, SPEC §1.5).

        The payoffs of such a game are expressions in :attr:`parameter_symbols` and :attr:`state_symbols`.
        """
        states = set(self.state_symbols)
        exprs = [v for values in self.payoffs.values() for v in values] + [d.expr for d in self.definitions]
        return any(isinstance(e, sympy.Basic) and e.free_symbols & states for e in exprs)

    @property
    def is_binary(self) -> bool:
        """True when every population has exactly two strategies."""
        return all(p.k == 2 for p in self.populations)

    def population(self, name: str) -> Population:
        """The population called ``name``."""
        for p in self.populations:
            if p.name == name:
                return p
        raise ModelError(f'no population "{name}" in model "{self.name}"')

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name`` (a :class:`ParameterError` names the choices otherwise)."""
        for p in self.parameters:
            if p.name == name:
                return p
        known = ", ".join(self.parameter_names) or "none"
        raise ParameterError(
            f'unknown parameter "{name}" in model "{self.name}"; parameters are: {known}',
            parameter=name,
        )

    def scenario(self, name: str) -> Scenario:
        """The scenario called ``name``."""
        for s in self.scenarios:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.scenarios) or "none"
        raise ParameterError(f'unknown scenario "{name}" in model "{self.name}"; scenarios are: {known}')

    def payoff(self, profile: Iterable[str]) -> tuple[sympy.Expr, ...]:
        """Payoffs of the populations (in population order) at a pure profile."""
        return self.payoffs[tuple(profile)]

    def payoff_tensor(self, population: int) -> sympy.Array:
        """Payoffs of one population (by index) as an array indexed by strategy indices."""
        flat = [self.payoffs[pr][population] for pr in self.profiles]
        return sympy.Array(flat, self.shape)

    def values(
        self,
        scenario: str | None = None,
        overrides: Mapping[str, float] | None = None,
    ) -> dict[str, float]:
        """Parameter values: defaults, then a scenario, then overrides (later wins).

        Only parameters that have a value appear. A value with the wrong sign is a
        :class:`ParameterError`; one outside the range gives a warning.
        """
        out = {p.name: p.value for p in self.parameters if p.value is not None}
        if scenario is not None:
            out.update(self.scenario(scenario).as_dict())
        for k, v in (overrides or {}).items():
            par = self.parameter(k)
            out[k] = par.check(v)
        if scenario is not None or overrides:
            label = f'scenario "{scenario}"' if scenario is not None else "the values"
            self.check_values(out, label + (" with the overrides" if scenario is not None and overrides else ""))
        return out

    def complete(self, values: Mapping[str, float]) -> bool:
        """Whether ``values`` gives every parameter a value."""
        return all(n in values for n in self.parameter_names)

    def check_params(self, params: Mapping[object, object]) -> dict[str, float]:
        """Check parameter values given by a caller; return them as ``{name: float}``.

        Every key must be a declared parameter (by name or symbol) and every value a finite
        number within :data:`~govgame.limits.MAX_MAGNITUDE` that respects the parameter's sign;
        otherwise a :class:`ParameterError` names the parameter and the value. The range is
        not enforced here (leaving it is a warning where values are chosen, see :meth:`values`).

        Examples
        --------
        >>> b = Parameter("b", value=1.0)
        >>> g = Game(name="g", populations=(Population("r", ("c", "d"), ("x",)), Population("s", ("c", "d"), ("y",))),
        ...          parameters=(b,), payoffs={pr: (b.symbol, 0) for pr in itertools.product("cd", "cd")})
        >>> g.check_params({"b": 2})
        {'b': 2.0}
        >>> g.check_params({"b": -1.0})
        Traceback (most recent call last):
        ...
        govgame.errors.ParameterError: parameter b = -1 violates its sign (nonnegative); give a nonnegative value
        """
        if not isinstance(params, Mapping):
            raise ParameterError(
                f"parameter values must be a mapping from names to numbers, found {_show_name(params)}"
            )
        by_symbol = {p.symbol: p.name for p in self.parameters}
        out: dict[str, float] = {}
        for key, v in params.items():
            name = by_symbol.get(key, key) if isinstance(key, sympy.Symbol) else key
            if not isinstance(name, str):
                raise ParameterError(f"parameter names must be strings, found {_show_name(key)}")
            out[name] = self.parameter(name).check_sign(v)
        return out

    def check_payoffs_at(self, values: Mapping[str, float]) -> None:
        """Check that every payoff is a finite real number within the limit at these values.

        Payoffs whose parameters do not all have a value are skipped. A pole, ``log`` or
        ``sqrt`` of a negative number, an overflow, or a payoff beyond
        :data:`~govgame.limits.MAX_MAGNITUDE` is a :class:`ParameterError` that names the payoff,
        the expression, the parameter values it depends on, and what went wrong, before any
        numeric work starts.

        Examples
        --------
        >>> c = Parameter("c", value=3.0)
        >>> g = Game(name="g", populations=(Population("r", ("s", "t"), ("x",)), Population("q", ("s", "t"), ("y",))),
        ...          parameters=(c,), payoffs={pr: (1 / (c.symbol - 3), 0) for pr in itertools.product("st", "st")})
        >>> g.check_payoffs_at({"c": 3.0})
        Traceback (most recent call last):
        ...
        govgame.errors.ParameterError: the payoff of "r" at profile ["s", "s"] is undefined at c = 3: division by zero in "1/(c - 3)"
        >>> g.check_payoffs_at({"c": 2.0})
        """
        env = {self.parameter(k).symbol: float(v) for k, v in values.items()}
        where = f"{self.source}: " if self.source else ""
        memo: dict[sympy.Basic, float] = {}
        for profile in self.profiles:
            for pop, v in zip(self.populations, self.payoffs[profile]):
                if not v.free_symbols <= env.keys():
                    continue
                try:
                    x = _evaluate(v, env, memo)
                except _Undefined as exc:
                    node, why = exc.args
                    used = [p for p in self.parameters if p.symbol in node.free_symbols] or [
                        p for p in self.parameters if p.symbol in v.free_symbols
                    ]
                    at = ", ".join(f"{p.name} = {_fmt(env[p.symbol])}" for p in used) or "these values"
                    inner = "" if node == v else f" in {_quote(format_expression(node))}"
                    raise ParameterError(
                        f'{where}the payoff of "{pop.name}" at profile {_q(profile)} is undefined at {at}: {why}'
                        f"{inner if inner else ' in ' + _quote(format_expression(v))}"
                    ) from None
                if abs(x) > limits.MAX_MAGNITUDE:
                    used = [p for p in self.parameters if p.symbol in v.free_symbols]
                    at = ", ".join(f"{p.name} = {_fmt(env[p.symbol])}" for p in used)
                    raise ParameterError(
                        f'{where}the payoff of "{pop.name}" at profile {_q(profile)}, {_quote(format_expression(v))}, is '
                        f"{x:.3g} at {at}; payoffs must have absolute value at most {limits.MAX_MAGNITUDE:g}"
                    )

    def subs_map(self, values: Mapping[str, float]) -> dict[sympy.Symbol, sympy.Rational]:
        """Exact substitution map (floats become the rationals their decimal text names).

        The values are checked first (:meth:`check_params`, :meth:`check_payoffs_at`): exact
        analysis at values where a payoff is undefined would fail deep inside sympy.
        """
        checked = self.check_params(values)
        self.check_payoffs_at(checked)
        return {self.parameter(k).symbol: sympy.Rational(repr(v)) for k, v in checked.items()}

    def __repr__(self) -> str:
        pops = ", ".join(f"{p.name}({'/'.join(p.strategies)})" for p in self.populations)
        return f"<Game {self.name}: {pops}; {len(self.parameters)} parameters>"


def _unique(names: list[str], kind: str, where: str) -> None:
    seen: set[str] = set()
    for n in names:
        if n in seen:
            raise ModelError(f'{where}{kind} "{n}" is declared twice; names must be unique')
        seen.add(n)


# --------------------------------------------------------------------------- linear relations
def _relation_text(rel: sympy.Basic) -> str:
    ops = {sympy.StrictLessThan: "<", sympy.LessThan: "<=", sympy.StrictGreaterThan: ">", sympy.GreaterThan: ">="}
    op = ops.get(type(rel), "?")
    return f"{sympy.sstr(rel.lhs)} {op} {sympy.sstr(rel.rhs)}"


def _relation_row(rel: sympy.Basic, parameters) -> tuple[dict, Fraction, bool] | None:
    """``rel`` as ``coef . p + const > 0`` (or ``>= 0``) with exact coefficients; None when not affine."""
    if isinstance(rel, (sympy.StrictGreaterThan, sympy.GreaterThan)):
        g, strict = rel.lhs - rel.rhs, isinstance(rel, sympy.StrictGreaterThan)
    elif isinstance(rel, (sympy.StrictLessThan, sympy.LessThan)):
        g, strict = rel.rhs - rel.lhs, isinstance(rel, sympy.StrictLessThan)
    else:
        return None
    syms = [p.symbol for p in parameters]
    g = sympy.expand(g)
    if not g.free_symbols <= set(syms) or not g.is_polynomial(*syms):
        return None
    poly = sympy.Poly(g, *syms) if g.free_symbols else None
    if poly is not None and poly.total_degree() > 1:
        return None
    coef: dict = {}
    const = Fraction(0)
    for term in sympy.Add.make_args(g):
        c, rest = term.as_coeff_Mul()
        if not c.is_Rational:
            return None
        if rest == 1:
            const += Fraction(int(c.p), int(c.q))
        else:
            coef[rest] = coef.get(rest, Fraction(0)) + Fraction(int(c.p), int(c.q))
    return coef, const, strict


def _sign_rows(parameters) -> list[tuple[dict, Fraction, bool]]:
    rows = []
    for p in parameters:
        if p.sign == "positive":
            rows.append(({p.symbol: Fraction(1)}, Fraction(0), True))
        elif p.sign == "nonnegative":
            rows.append(({p.symbol: Fraction(1)}, Fraction(0), False))
        elif p.sign == "negative":
            rows.append(({p.symbol: Fraction(-1)}, Fraction(0), True))
    return rows


#: Most rows Fourier-Motzkin elimination may create before it gives up (returns None).
MAX_ROWS = 5000


def linear_feasible(rows: list[tuple[dict, Fraction, bool]]) -> bool | None:
    """Exact feasibility of affine conditions ``sum c_v v + c0 > 0`` (strict) or ``>= 0``, by Fourier-Motzkin.

    Each row is ``(coefficients, constant, strict)``. Returns True / False, or None when the
    elimination grows past :data:`MAX_ROWS` rows.

    >>> a, b = sympy.symbols("a b")
    >>> linear_feasible([({a: Fraction(1), b: Fraction(-1)}, Fraction(0), True), ({b: Fraction(1), a: Fraction(-1)}, Fraction(0), True)])
    False
    >>> linear_feasible([({a: Fraction(1), b: Fraction(-1)}, Fraction(0), True), ({a: Fraction(1)}, Fraction(-2), False)])
    True
    """
    rows = [({v: c for v, c in coef.items() if c != 0}, const, strict) for coef, const, strict in rows]
    while True:
        variables = {v for coef, _, _ in rows for v in coef}
        if not variables:
            break

        # eliminate the variable that creates the fewest rows
        def cost(v, rows=rows):
            pos = sum(1 for coef, _, _ in rows if coef.get(v, 0) > 0)
            neg = sum(1 for coef, _, _ in rows if coef.get(v, 0) < 0)
            return pos * neg - pos - neg

        v = min(variables, key=lambda u: (cost(u), str(u)))
        lower = [r for r in rows if r[0].get(v, 0) > 0]
        upper = [r for r in rows if r[0].get(v, 0) < 0]
        rest = [r for r in rows if r[0].get(v, 0) == 0]
        for cl, kl, sl in lower:
            for cu, ku, su in upper:
                a, b = cl[v], -cu[v]  # b * (row_l) + a * (row_u) eliminates v
                coef = {}
                for u in set(cl) | set(cu):
                    if u == v:
                        continue
                    c = b * cl.get(u, 0) + a * cu.get(u, 0)
                    if c != 0:
                        coef[u] = c
                rest.append((coef, b * kl + a * ku, sl or su))
        rows = rest
        if len(rows) > MAX_ROWS:
            return None
    for _, const, strict in rows:
        if (strict and not const > 0) or (not strict and not const >= 0):
            return False
    return True


_INEQUALITIES = (sympy.StrictLessThan, sympy.LessThan, sympy.StrictGreaterThan, sympy.GreaterThan)


def _checked_assumptions(assumptions, where: str) -> tuple[sympy.Basic, ...]:
    """The assumptions as inequalities: one that sympy already decided from the signs (``a < b`` with ``a``
    negative and ``b`` positive is ``True`` as soon as it is written) is dropped when true and rejected when
    false; anything else that is not an inequality is rejected.

    >>> a = sympy.Symbol("a", negative=True); b = sympy.Symbol("b", positive=True)
    >>> _checked_assumptions([a < b, a < 2 * b - 1], "")
    (a < 2*b - 1,)
    """
    out = []
    for i, rel in enumerate(assumptions, start=1):
        if rel is sympy.true or rel is True:
            continue  # implied by the parameters' signs: it assumes nothing
        if rel is sympy.false or rel is False:
            raise ModelError(f"{where}assumption {i} can never hold for the declared signs; fix it or the signs")
        if not isinstance(rel, _INEQUALITIES):
            raise ModelError(
                f"{where}assumption {i} must be an inequality (<, <=, >, >=) between expressions in the parameters, "
                f"found {_show_name(rel)}"
            )
        out.append(rel)
    return tuple(out)


def _sampled_consistent(assumptions, parameters, n: int = 20000) -> bool:
    import numpy as np

    rng = np.random.default_rng(20261204)
    env = {}
    for p in parameters:
        lo, hi = {
            "positive": (1e-6, 10.0),
            "nonnegative": (0.0, 10.0),
            "negative": (-10.0, -1e-6),
            "any": (-10.0, 10.0),
        }[p.sign]
        if p.range is not None:
            lo, hi = max(lo, p.range[0]), min(hi, p.range[1])
        env[p.symbol] = rng.uniform(lo, hi, n)
    ok = np.ones(n, dtype=bool)
    syms = list(env)
    for rel in assumptions:
        f = sympy.lambdify(syms, rel.lhs - rel.rhs, modules="numpy")
        with np.errstate(all="ignore"):
            v = np.broadcast_to(np.asarray(f(*(env[s] for s in syms)), dtype=float), (n,))
        if isinstance(rel, sympy.StrictGreaterThan):
            ok &= v > 0
        elif isinstance(rel, sympy.GreaterThan):
            ok &= v >= 0
        elif isinstance(rel, sympy.StrictLessThan):
            ok &= v < 0
        elif isinstance(rel, sympy.LessThan):
            ok &= v <= 0
    return bool(ok.any())


def check_game_size(shape: Iterable[int], *, where: str = "") -> None:
    """Check the size of a game from its numbers of strategies, before anything of that size is built.

    At most :data:`~govgame.limits.MAX_POPULATIONS` populations, :data:`~govgame.limits.MAX_STRATEGIES`
    strategies each and :data:`~govgame.limits.MAX_PROFILES` pure profiles.

    >>> check_game_size([2] * 12)
    Traceback (most recent call last):
    ...
    govgame.errors.ModelError: the game has 12 populations; the limit is 8
    """
    ks = [int(k) for k in shape]
    if len(ks) > limits.MAX_POPULATIONS:
        raise ModelError(f"{where}the game has {len(ks)} populations; the limit is {limits.MAX_POPULATIONS}")
    for k in ks:
        if k > limits.MAX_STRATEGIES:
            raise ModelError(f"{where}a population has {k} strategies; the limit is {limits.MAX_STRATEGIES}")
    n = math.prod(ks)
    if n > limits.MAX_PROFILES:
        raise ModelError(
            f"{where}the game has {n:,} pure-strategy profiles ({' x '.join(map(str, ks))}); the limit is "
            f"{limits.MAX_PROFILES:,}"
        )


def _q(values: Iterable[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def _quote(text: str, limit: int = 120) -> str:
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return '"' + text + '"'


class _Undefined(Exception):
    """Raised by :func:`_evaluate`: ``args = (node, reason)``."""


def _evaluate(expr: sympy.Expr, env: Mapping[sympy.Symbol, float], memo: dict[sympy.Basic, float]) -> float:
    """Evaluate an expression in floats, node by node, naming the first node that is undefined.

    Iterative over the expression's DAG (shared subexpressions are computed once, also across
    calls through ``memo``). Raises :class:`_Undefined` with the node and the reason: a
    division by zero, a fractional power or ``log`` of a negative number, ``log(0)``, an
    overflow.
    """
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node in memo:
            continue
        args = node.args
        if args and not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in args if a not in memo)
            continue
        memo[node] = _evaluate_node(node, [memo[a] for a in args], env)
    return memo[expr]


def _evaluate_node(node: sympy.Basic, a: list[float], env: Mapping[sympy.Symbol, float]) -> float:
    try:
        if not a:
            if isinstance(node, sympy.Symbol):
                v = env[node]
            else:
                v = float(node)
        elif isinstance(node, sympy.Add):
            v = math.fsum(a)
        elif isinstance(node, sympy.Mul):
            v = 1.0
            for x in a:
                v *= x
        elif isinstance(node, sympy.Pow):
            base, ex = a
            if base == 0.0 and ex < 0:
                raise _Undefined(node, "division by zero")
            if base < 0.0 and not float(ex).is_integer():
                what = "sqrt" if ex == 0.5 else "a fractional power"
                raise _Undefined(node, f"{what} of the negative number {base:.6g}")
            v = math.pow(base, ex)
        elif isinstance(node, sympy.exp):
            v = math.exp(a[0])
        elif isinstance(node, sympy.log):
            if a[0] == 0.0:
                raise _Undefined(node, "log(0)")
            if a[0] < 0.0:
                raise _Undefined(node, f"log of the negative number {a[0]:.6g}")
            v = math.log(a[0])
        elif isinstance(node, sympy.Abs):
            v = abs(a[0])
        elif isinstance(node, sympy.Min):
            v = min(a)
        elif isinstance(node, sympy.Max):
            v = max(a)
        else:  # not produced by the model grammar; let sympy evaluate it
            z = complex(node.func(*[sympy.Float(x) for x in a]).evalf())
            if z.imag != 0.0:
                raise _Undefined(node, "not a real number")
            v = z.real
    except OverflowError:
        raise _Undefined(node, "the value overflows (it exceeds 1e308)") from None
    except (ZeroDivisionError, ValueError, TypeError) as exc:
        raise _Undefined(node, f"not a number ({exc})") from None
    if not math.isfinite(v):
        raise _Undefined(node, "the value overflows (it exceeds 1e308)" if not math.isnan(v) else "not a number")
    return v
