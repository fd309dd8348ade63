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
"""

from __future__ import annotations

import itertools
import math
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import sympy

from ..errors import ModelError, ParameterError, ParameterWarning

__all__ = [
    "SIGNS",
    "Parameter",
    "Population",
    "Definition",
    "Scenario",
    "Game",
    "symbol_for",
    "share_symbol",
]

#: Allowed values of :attr:`Parameter.sign`.
SIGNS = ("positive", "nonnegative", "negative", "any")

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MODEL_NAME = re.compile(r"^[a-z0-9_]+$")

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


def _check_identifier(name: object, what: str) -> str:
    if not isinstance(name, str) or not _IDENT.match(name):
        raise ModelError(
            f"{what} {name!r} is not a valid name: use ASCII letters, digits and _, not starting with a digit"
        )
    return name


def _as_float(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(f"{where} must be a number, found {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ModelError(f"{where} must be a finite number, found {value!r}")
    return v


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
        _check_identifier(self.name, "parameter")
        if self.sign not in SIGNS:
            raise ModelError(f'parameter "{self.name}": sign {self.sign!r} is not one of {", ".join(SIGNS)}')
        if not self.latex:
            object.__setattr__(self, "latex", default_latex(self.name))
        if self.range is not None:
            if len(self.range) != 2:
                raise ModelError(f'parameter "{self.name}": range must be [low, high]')
            lo = _as_float(self.range[0], f'parameter "{self.name}": range low')
            hi = _as_float(self.range[1], f'parameter "{self.name}": range high')
            if not lo < hi:
                raise ModelError(f'parameter "{self.name}": range [{lo}, {hi}] must have low < high')
            object.__setattr__(self, "range", (lo, hi))
            for end in (lo, hi):
                if not self.sign_ok(end) and not (self.sign == "positive" and end == 0.0):
                    raise ModelError(f'parameter "{self.name}": range [{lo}, {hi}] contradicts sign "{self.sign}"')
        if self.value is not None:
            v = _as_float(self.value, f'parameter "{self.name}": value')
            object.__setattr__(self, "value", v)
            self.check(v, where=f'parameter "{self.name}": value', range_is_error=True)

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

    def check(self, v: float, *, where: str | None = None, range_is_error: bool = False) -> float:
        """Validate a value: a wrong sign is an error; leaving the range an error or a warning.

        The messages speak of the parameter (``where`` replaces ``parameter NAME``, e.g. for a
        model file entry); errors are :class:`~govgame.errors.ParameterError` and warnings
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
        if where is None:
            sign = f"parameter {self.name} = {v:g} violates its sign ({self.sign})"
            outside = f"parameter {self.name} = {v:g} lies outside its range"
            of = ""
        else:
            sign = f"{where} = {v:g} violates the sign of {self.name} ({self.sign})"
            outside = f"{where} = {v:g} lies outside the range"
            of = f" of {self.name}"
        if not self.sign_ok(v):
            raise ParameterError(f"{sign}; give a {self.sign} value", parameter=self.name)
        if not self.in_range(v):
            msg = f"{outside} [{self.range[0]:g}, {self.range[1]:g}]{of}"  # type: ignore[index]
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
        _check_identifier(self.name, "population")
        object.__setattr__(self, "strategies", tuple(self.strategies))
        object.__setattr__(self, "shares", tuple(self.shares))
        if len(self.strategies) < 2:
            raise ModelError(f'population "{self.name}" needs at least 2 strategies, found {len(self.strategies)}')
        for s in self.strategies:
            _check_identifier(s, f'strategy of population "{self.name}"')
        if len(set(self.strategies)) != len(self.strategies):
            raise ModelError(f'population "{self.name}" lists a strategy twice: {list(self.strategies)}')
        if len(self.shares) != len(self.strategies) - 1:
            raise ModelError(
                f'population "{self.name}" has {len(self.strategies)} strategies, so it needs '
                f"{len(self.strategies) - 1} share symbol(s), found {len(self.shares)}"
            )
        for s in self.shares:
            _check_identifier(s, f'share symbol of population "{self.name}"')
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").capitalize())

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
    """An auxiliary quantity: ``name`` stands for ``expr`` (already in parameters only)."""

    name: str
    expr: sympy.Expr
    text: str = ""


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values overriding the defaults."""

    name: str
    values: tuple[tuple[str, float], ...]
    description: str = ""
    expect: tuple[str, ...] | None = None

    def as_dict(self) -> dict[str, float]:
        """The overrides as a dict."""
        return dict(self.values)


@dataclass(frozen=True, eq=False)
class Game:
    """A multi-population game: populations, parameters and the payoff of every pure profile.

    ``payoffs`` maps each profile (a tuple of strategy names, one per population,
    in population order) to the payoffs of the populations in the same order.
    Payoffs are sympy expressions in the parameters only (definitions already
    substituted) or numbers. It is validated on construction: every profile
    exactly once, only declared symbols, unique names.
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

    def __post_init__(self) -> None:
        where = f"{self.source}: " if self.source else ""
        if not isinstance(self.name, str) or not _MODEL_NAME.match(self.name):
            raise ModelError(f"{where}game name {self.name!r} must match [a-z0-9_]+")
        pops = tuple(self.populations)
        object.__setattr__(self, "populations", pops)
        object.__setattr__(self, "parameters", tuple(self.parameters))
        object.__setattr__(self, "references", tuple(self.references))
        object.__setattr__(self, "definitions", tuple(self.definitions))
        object.__setattr__(self, "assumptions", tuple(self.assumptions))
        object.__setattr__(self, "scenarios", tuple(self.scenarios))
        if len(pops) < 2:
            raise ModelError(f"{where}a game needs at least 2 populations, found {len(pops)}")
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
        table: dict[tuple[str, ...], tuple[sympy.Expr, ...]] = {}
        allowed = {p.symbol for p in self.parameters}
        for profile, values in dict(self.payoffs).items():
            profile = tuple(profile)
            if len(profile) != len(pops):
                raise ModelError(f"{where}profile {list(profile)} must name one strategy per population ({len(pops)})")
            for p, s in zip(pops, profile):
                if s not in p.strategies:
                    raise ModelError(
                        f'{where}profile {list(profile)}: "{s}" is not a strategy of population "{p.name}" '
                        f"({', '.join(p.strategies)})"
                    )
            if isinstance(values, Mapping):
                missing = [p.name for p in pops if p.name not in values]
                if missing:
                    raise ModelError(f'{where}profile {list(profile)} has no payoff for population "{missing[0]}"')
                values = tuple(values[p.name] for p in pops)
            values = tuple(sympy.sympify(v) if isinstance(v, (int, float)) else v for v in values)
            if len(values) != len(pops):
                raise ModelError(f"{where}profile {list(profile)} needs {len(pops)} payoffs, found {len(values)}")
            for p, v in zip(pops, values):
                if not isinstance(v, sympy.Expr):
                    raise ModelError(f'{where}profile {list(profile)}: payoff of "{p.name}" is not an expression')
                extra = v.free_symbols - allowed
                if extra:
                    name = sorted(str(s) for s in extra)[0]
                    raise ModelError(
                        f'{where}profile {list(profile)}: payoff of "{p.name}" uses "{name}", which is not a '
                        "declared parameter (declare it under [parameters] or fix the spelling)"
                    )
            table[profile] = values
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
        raise ParameterError(
            f'unknown parameter "{name}" in model "{self.name}"; parameters are: {", ".join(self.parameter_names)}',
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
            out[k] = par.check(float(v))
        if scenario is not None or overrides:
            label = f'scenario "{scenario}"' if scenario is not None else "the values"
            self.check_values(out, label + (" with the overrides" if scenario is not None and overrides else ""))
        return out

    def complete(self, values: Mapping[str, float]) -> bool:
        """Whether ``values`` gives every parameter a value."""
        return all(n in values for n in self.parameter_names)

    def subs_map(self, values: Mapping[str, float]) -> dict[sympy.Symbol, sympy.Rational]:
        """Exact substitution map (floats become the rationals their decimal text names)."""
        return {self.parameter(k).symbol: sympy.Rational(repr(float(v))) for k, v in values.items()}

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
