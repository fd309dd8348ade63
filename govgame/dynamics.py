"""Multi-population replicator dynamics of a :class:`~govgame.model.Game`.

For population :math:`p` with strategies :math:`s_1, \\dots, s_k` and shares
:math:`y_1, \\dots, y_k` (the last one is :math:`1 - \\sum_{i<k} y_i`), the expected
payoff of :math:`s_i` against the other populations is

.. math:: u_i = \\sum_{\\text{profiles } \\sigma,\\ \\sigma_p = s_i} \\pi_p(\\sigma) \\prod_{q \\neq p} y^{(q)}_{\\sigma_q}

and the replicator equation in reduced coordinates is
:math:`\\dot y_i = y_i (u_i - \\bar u)`, :math:`i < k`, with :math:`\\bar u = \\sum_j y_j u_j`.
For a binary population this is :math:`\\dot x = x (1 - x) (u_1 - u_2)`.

>>> from govgame.loader import load_model
>>> dyn = replicator(load_model("battery_recycling"))
>>> dyn.state
(x, y, z)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import sympy

from .model import Game

__all__ = ["Dynamics", "replicator", "numeric_payoffs", "NumericDynamics"]


@dataclass(frozen=True, eq=False)
class Dynamics:
    """Replicator dynamics of a game, symbolic.

    Attributes
    ----------
    game : Game
    state : tuple of sympy.Symbol
        State symbols in population order (reduced coordinates).
    expected : tuple of tuple of sympy.Expr
        ``expected[p][i]``: expected payoff of strategy ``i`` of population ``p``.
    differences : tuple of tuple of sympy.Expr
        ``differences[p][i] = expected[p][i] - expected[p][-1]`` for ``i < k - 1``;
        for a binary population the single payoff difference :math:`u_1 - u_2`.
    rhs : tuple of sympy.Expr
        Right-hand side, one entry per state coordinate.
    """

    game: Game
    state: tuple[sympy.Symbol, ...]
    expected: tuple[tuple[sympy.Expr, ...], ...]
    differences: tuple[tuple[sympy.Expr, ...], ...]
    rhs: tuple[sympy.Expr, ...]

    @cached_property
    def jacobian(self) -> sympy.Matrix:
        """Symbolic Jacobian of :attr:`rhs` with respect to :attr:`state`."""
        return sympy.Matrix(self.rhs).jacobian(sympy.Matrix(self.state))

    @cached_property
    def offsets(self) -> tuple[int, ...]:
        """Index of each population's first state coordinate."""
        out, i = [], 0
        for p in self.game.populations:
            out.append(i)
            i += p.k - 1
        return tuple(out)

    def numeric(self, params: Mapping[str, float]) -> NumericDynamics:
        """Fast numeric form at fixed parameter values (see :class:`NumericDynamics`)."""
        return NumericDynamics(self, numeric_payoffs(self.game, params))

    def __repr__(self) -> str:
        return f"<Dynamics of {self.game.name}: state {', '.join(map(str, self.state))}>"


def replicator(game: Game) -> Dynamics:
    """Build the replicator dynamics of ``game``.

    Parameters
    ----------
    game : Game

    Returns
    -------
    Dynamics

    Examples
    --------
    >>> from govgame.loader import load_model
    >>> dyn = replicator(load_model("battery_recycling"))
    >>> len(dyn.rhs)
    3
    """
    pops = game.populations
    full = [p.full_shares for p in pops]
    expected: list[tuple[sympy.Expr, ...]] = []
    for pi, pop in enumerate(pops):
        u = []
        for si in range(pop.k):
            total = sympy.Integer(0)
            for idx in itertools.product(*(range(q.k) for q in pops)):
                if idx[pi] != si:
                    continue
                weight = sympy.Integer(1)
                for qi, q_idx in enumerate(idx):
                    if qi != pi:
                        weight *= full[qi][q_idx]
                profile = tuple(q.strategies[j] for q, j in zip(pops, idx))
                total += game.payoffs[profile][pi] * weight
            u.append(sympy.expand(total))
        expected.append(tuple(u))
    differences = []
    rhs: list[sympy.Expr] = []
    for pi, pop in enumerate(pops):
        u = expected[pi]
        d = tuple(sympy.expand(u[i] - u[-1]) for i in range(pop.k - 1))
        differences.append(d)
        ys = pop.share_symbols
        if pop.k == 2:
            y = ys[0]
            rhs.append(y * (1 - y) * _tidy(d[0]))
        else:
            # y_i (u_i - ubar) = y_i (d_i - sum_j y_j d_j), since ubar - u_k = sum_j y_j d_j
            mean = sum(yj * dj for yj, dj in zip(ys, d))
            for yi, di in zip(ys, d):
                rhs.append(yi * (di - mean))
    return Dynamics(game, game.state_symbols, tuple(expected), tuple(differences), tuple(rhs))


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Collect a payoff difference on the state symbols, for readable output."""
    syms = sorted((s for s in expr.free_symbols if not (s.is_nonnegative or s.is_positive or s.is_negative)), key=str)
    return sympy.collect(sympy.expand(expr), syms) if syms else expr


def numeric_payoffs(game: Game, params: Mapping[str, float]) -> list[np.ndarray]:
    """Payoff tensors at fixed parameter values: one float array of shape ``game.shape`` per population.

    Raises :class:`~govgame.errors.ParameterError` when a parameter has no value.

    >>> from govgame.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> [a.shape for a in numeric_payoffs(game, game.values())]
    [(2, 2, 2), (2, 2, 2), (2, 2, 2)]
    """
    from .errors import ParameterError

    missing = [n for n in game.parameter_names if n not in params]
    if missing:
        raise ParameterError(
            f"parameter {missing[0]} has no value; give one with --set {missing[0]}=VALUE or in the model file"
        )
    fn = _payoff_function(game)
    flat = np.asarray(fn(*[float(params[n]) for n in game.parameter_names]), dtype=float)
    flat = np.broadcast_to(flat, (len(game.profiles), len(game.populations)))
    return [np.ascontiguousarray(flat[:, p].reshape(game.shape)) for p in range(len(game.populations))]


def _payoff_function(game: Game):
    cache = game.__dict__.setdefault("_govgame_cache", {})
    if "payoff_fn" not in cache:
        rows = [list(game.payoffs[pr]) for pr in game.profiles]
        cache["payoff_fn"] = sympy.lambdify(game.parameter_symbols, rows, modules="numpy", cse=True)
    return cache["payoff_fn"]


class NumericDynamics:
    """Replicator dynamics at fixed parameter values, vectorised over many states.

    ``f(X)`` and ``jacobian(X)`` take an array of states of shape ``(..., n)``.

    >>> from govgame.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> nd = replicator(game).numeric(game.values())
    >>> nd.f(np.zeros(3)).tolist()
    [0.0, 0.0, 0.0]
    """

    def __init__(self, dynamics: Dynamics, tensors: list[np.ndarray]):
        self.dynamics = dynamics
        self.tensors = tensors
        self._fn = _rhs_function(dynamics)
        self._jac = _jac_function(dynamics)
        self._params = [float(v) for t in tensors for v in t.ravel()]

    def f(self, X: np.ndarray) -> np.ndarray:
        """Right-hand side at states ``X`` (shape ``(..., n)``)."""
        X = np.asarray(X, dtype=float)
        out = self._fn(*np.moveaxis(X, -1, 0), *self._params)
        return np.stack([np.broadcast_to(np.asarray(o, dtype=float), X.shape[:-1]) for o in out], axis=-1)

    def jacobian(self, X: np.ndarray) -> np.ndarray:
        """Jacobian at states ``X`` (shape ``(..., n, n)``)."""
        X = np.asarray(X, dtype=float)
        n = X.shape[-1]
        rows = self._jac(*np.moveaxis(X, -1, 0), *self._params)
        out = np.empty((*X.shape[:-1], n, n))
        for i in range(n):
            for j in range(n):
                out[..., i, j] = rows[i][j]
        return out


def _tensor_symbols(game: Game) -> list[sympy.Symbol]:
    return [
        sympy.Symbol(f"_a{pi}_{'_'.join(map(str, idx))}", real=True)
        for pi in range(len(game.populations))
        for idx in itertools.product(*(range(k) for k in game.shape))
    ]


def _generic(dynamics: Dynamics) -> Dynamics:
    """The same dynamics with each payoff entry replaced by its own symbol (model-independent numerics)."""
    cache = dynamics.__dict__.setdefault("_govgame_cache", {})
    if "generic" not in cache:
        game = dynamics.game
        syms = iter(_tensor_symbols(game))
        table, flat = {}, {}
        for pi in range(len(game.populations)):
            for idx in itertools.product(*(range(k) for k in game.shape)):
                flat[(pi, idx)] = next(syms)
        for idx in itertools.product(*(range(k) for k in game.shape)):
            profile = tuple(p.strategies[j] for p, j in zip(game.populations, idx))
            table[profile] = tuple(flat[(pi, idx)] for pi in range(len(game.populations)))
        generic_game = _GenericGame(game, table)
        cache["generic"] = replicator(generic_game)  # type: ignore[arg-type]
        cache["generic_symbols"] = list(flat.values())
    return cache["generic"]


class _GenericGame:
    """A stand-in for :class:`Game` whose payoffs are free symbols (used for numeric code generation)."""

    def __init__(self, game: Game, table):
        self.populations = game.populations
        self.payoffs = table
        self.state_symbols = game.state_symbols
        self.name = game.name


def _rhs_function(dynamics: Dynamics):
    cache = dynamics.__dict__.setdefault("_govgame_cache", {})
    if "rhs_fn" not in cache:
        gen = _generic(dynamics)
        syms = cache["generic_symbols"]
        cache["rhs_fn"] = sympy.lambdify([*dynamics.state, *syms], list(gen.rhs), modules="numpy", cse=True)
    return cache["rhs_fn"]


def _jac_function(dynamics: Dynamics):
    cache = dynamics.__dict__.setdefault("_govgame_cache", {})
    if "jac_fn" not in cache:
        gen = _generic(dynamics)
        syms = cache["generic_symbols"]
        J = sympy.Matrix(gen.rhs).jacobian(sympy.Matrix(dynamics.state))
        cache["jac_fn"] = sympy.lambdify([*dynamics.state, *syms], J.tolist(), modules="numpy", cse=True)
    return cache["jac_fn"]
