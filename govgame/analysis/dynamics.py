r"""Multi-population replicator dynamics of a :class:`~govgame.model.Game`.

For population :math:`p` with strategies :math:`s_1, \dots, s_k` and shares
:math:`y_1, \dots, y_k` (the last one is :math:`1 - \sum_{i<k} y_i`), the expected
payoff of :math:`s_i` against the other populations is

.. math:: u_i = \sum_{\text{profiles } \sigma,\ \sigma_p = s_i} \pi_p(\sigma) \prod_{q \neq p} y^{(q)}_{\sigma_q}

and the replicator equation in reduced coordinates is
:math:`\dot y_i = y_i (u_i - \bar u)`, :math:`i < k`, with :math:`\bar u = \sum_j y_j u_j`.
For a binary population this is :math:`\dot x = x (1 - x) (u_1 - u_2)`.

In a game with state-dependent payoffs (:attr:`Game.state_dependent <govgame.model.Game.state_dependent>`,
SPEC §1.5) the same formula holds with :math:`\pi_p(\sigma; y)` depending on the state, so the expected payoffs
may also depend on the population's own shares, and the Jacobian contains the derivatives of the payoffs. A game
may have a single population: its expected payoffs are its payoffs, :math:`u_i = \pi(i; y)`.

>>> from govgame.model.loader import load_model
>>> dyn = replicator(load_model("battery_recycling"))
>>> dyn.state
(x, y, z)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import sympy

from ..model.game import Game

__all__ = ["Dynamics", "replicator", "numeric_payoffs", "payoff_evaluator", "parameter_vector", "NumericDynamics"]


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

    @cached_property
    def payoff_function(self) -> Callable[..., Any]:
        """The payoffs of every profile as one numpy function of the parameter values (built once).

        Called with the values in :attr:`Game.parameter_names <govgame.model.Game.parameter_names>`
        order; returns ``(profiles, populations)`` numbers. :func:`numeric_payoffs` uses it. Payoffs
        that depend on the state have no such function (it raises): see :func:`numeric_payoffs`.
        """
        return _payoff_function(self.game)

    @cached_property
    def vertex_deviations(self) -> dict[tuple[int, int, int], sympy.Expr]:
        """Symbolic payoff difference of each unilateral switch at each vertex (built once).

        Keyed ``(profile index, population, alternative strategy index)``; used by
        :func:`govgame.analysis.verdicts.vertex_ess` to explain its verdicts.
        """
        from .verdicts import _deviation_expressions

        return _deviation_expressions(self.game)

    def numeric(self, params: Mapping[str, float]) -> NumericDynamics:
        """Fast numeric form at fixed parameter values (see :class:`NumericDynamics`)."""
        if self.game.state_dependent:
            return NumericDynamics(self, None, payoffs=_state_payoffs(self, params))
        return NumericDynamics(self, numeric_payoffs(self, params))

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
    >>> from govgame.model.loader import load_model
    >>> dyn = replicator(load_model("battery_recycling"))
    >>> len(dyn.rhs)
    3
    """
    pops = game.populations
    full = [p.full_shares for p in pops]
    # payoffs that are not polynomial in the state (probability weights, fractional powers) are only
    # multiplied out, so that sympy does not split their powers
    state = game.state_symbols

    def expand(e: sympy.Expr) -> sympy.Expr:
        return _expand_state(e, state) if game.state_dependent else sympy.expand(e)

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
            u.append(expand(total))
        expected.append(tuple(u))
    differences = []
    rhs: list[sympy.Expr] = []
    for pi, pop in enumerate(pops):
        u = expected[pi]
        d = tuple(expand(u[i] - u[-1]) for i in range(pop.k - 1))
        differences.append(d)
        ys = pop.share_symbols
        if pop.k == 2:
            y = ys[0]
            rhs.append(y * (1 - y) * (_tidy(d[0]) if _polynomial(d[0], game) else d[0]))
        else:
            # y_i (u_i - ubar) = y_i (d_i - sum_j y_j d_j), since ubar - u_k = sum_j y_j d_j
            mean = sum(yj * dj for yj, dj in zip(ys, d))
            for yi, di in zip(ys, d):
                rhs.append(yi * (di - mean))
    return Dynamics(game, game.state_symbols, tuple(expected), tuple(differences), tuple(rhs))


def _expand_state(expr: sympy.Expr, state) -> sympy.Expr:
    """Expand products of sums; full expansion only when the result is a polynomial in the state."""
    out = sympy.expand_mul(expr)
    return sympy.expand(out) if out.is_polynomial(*state) else out


def _polynomial(expr: sympy.Expr, game: Game) -> bool:
    return not game.state_dependent or expr.is_polynomial(*game.state_symbols)


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    """Collect a payoff difference on the state symbols, for readable output."""
    syms = sorted((s for s in expr.free_symbols if not (s.is_nonnegative or s.is_positive or s.is_negative)), key=str)
    return sympy.collect(sympy.expand(expr), syms) if syms else expr


def payoff_evaluator(system: Game | Dynamics) -> Callable[..., list[np.ndarray]]:
    """A function ``params -> payoff tensors`` (see :func:`numeric_payoffs`), compiled once.

    For a :class:`Dynamics` the compiled payoff function is its :attr:`Dynamics.payoff_function`;
    for a :class:`~govgame.model.Game` it is compiled now and kept by the returned function
    (what a sweep does once for all its cells). For a game whose payoffs depend on the state the
    function takes the states as ``state=`` (see :func:`numeric_payoffs`).

    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> evaluate = payoff_evaluator(game)
    >>> float(evaluate(game.values())[0][0, 0, 0]) == float(numeric_payoffs(game, game.values())[0][0, 0, 0])
    True
    """
    from ..errors import ParameterError

    game = system.game if isinstance(system, Dynamics) else system
    fn = system.payoff_function if isinstance(system, Dynamics) else _payoff_function(game)
    names = game.parameter_names
    n_profiles, n_pops = len(game.profiles), len(game.populations)

    def evaluate(params: Mapping[str, float], *, state=None) -> list[np.ndarray]:
        missing = [n for n in names if n not in params]
        if missing:
            raise ParameterError(
                f"parameter {missing[0]} has no value; give it one (params) or a value in the model file",
                parameter=missing[0],
            )
        checked = game.check_params(params)  # finite, within the bound, of the right sign (or a ParameterError)
        if state is not None:
            return _tensors_at(game, parameter_vector(game, checked), state)
        flat = np.asarray(fn(*[checked[n] for n in names]), dtype=float)
        flat = np.broadcast_to(flat, (n_profiles, n_pops))
        return [np.ascontiguousarray(flat[:, p].reshape(game.shape)) for p in range(n_pops)]

    return evaluate


def numeric_payoffs(system: Game | Dynamics, params: Mapping[str, float], *, state=None) -> list[np.ndarray]:
    """Payoff tensors at fixed parameter values: one float array of shape ``game.shape`` per population.

    ``system`` is a :class:`~govgame.model.Game` or its :class:`Dynamics`; a ``Dynamics``
    keeps the compiled payoff function (:attr:`Dynamics.payoff_function`) across calls, a
    ``Game`` compiles it anew each time (use :func:`payoff_evaluator` for many parameter
    sets). Raises :class:`~govgame.errors.ParameterError` when a parameter has no value or a
    non-finite one, or a payoff is not finite at the values. Payoffs that depend on the state
    (SPEC §1.5) exist only at given states: ``state`` of shape ``(..., n)`` (state order) gives
    arrays of shape ``(..., *game.shape)``, evaluated by the game's expression program; without
    it a :class:`~govgame.errors.ParameterError` says so. Any game may be evaluated at states.

    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> [a.shape for a in numeric_payoffs(game, game.values())]
    [(2, 2, 2), (2, 2, 2), (2, 2, 2)]
    """
    return payoff_evaluator(system)(params, state=state)


def _full_states(game: Game, state) -> np.ndarray:
    """Reduced states ``(..., n)`` -> full share vectors ``(..., sum k)`` (each population's last share added)."""
    from ..errors import ParameterError

    x = np.asarray(state, dtype=float)
    if x.shape[-1:] != (len(game.state_names),):
        raise ParameterError(f"a state has {len(game.state_names)} coordinates, found shape {x.shape}")
    full, i = [], 0
    for pop in game.populations:
        ys = x[..., i : i + pop.k - 1]
        full += [ys, 1.0 - ys.sum(axis=-1, keepdims=True)]
        i += pop.k - 1
    return np.concatenate(full, axis=-1)


def _tensors_at(game: Game, values: np.ndarray, state) -> list[np.ndarray]:
    """Payoff tensors at states ``(..., n)``, by the game's expression program: arrays ``(..., *game.shape)``."""
    from ..model.program import evaluate, payoff_program

    P, J = len(game.populations), len(game.profiles)
    flat = evaluate(payoff_program(game), values, _full_states(game, state))
    flat = flat.reshape(*flat.shape[:-1], J, P)
    return [np.ascontiguousarray(flat[..., p].reshape(*flat.shape[:-2], *game.shape)) for p in range(P)]


def _payoff_function(game: Game) -> Callable[..., Any]:
    """``*parameter values -> (profiles, populations)`` payoffs, by the game's expression program.

    The program (:mod:`govgame.model.program`) binds every symbol by identity: a parameter named
    ``e``, ``sqrt``, ``Abs`` or ``__debug__`` is that parameter (``lambdify`` would resolve such names
    in its namespace). Values that are not finite raise :class:`~govgame.errors.ParameterError`.
    """
    from ..errors import ParameterError
    from ..limits import MAX_MAGNITUDE
    from ..model.program import evaluate, payoff_program

    prog = payoff_program(game)
    J, P = len(game.profiles), len(game.populations)
    names = game.parameter_names

    def fn(*values):
        for n, v in zip(names, values):
            if not np.isfinite(v):
                raise ParameterError(f"parameter {n} has the value {v!r}; values must be finite numbers", parameter=n)
        if prog.state_dependent:
            raise ParameterError(
                f"the payoffs of {game.name} depend on the state; evaluate them with numeric_payoffs(..., state=...)"
            )
        flat = evaluate(prog, np.array(values, dtype=float)).reshape(J, P)
        if not (np.all(np.isfinite(flat)) and np.max(np.abs(flat), initial=0.0) <= MAX_MAGNITUDE):
            game.check_payoffs_at(dict(zip(names, values)))  # names the expression, the values and the cause
            j, p = (int(v) for v in np.argwhere(~np.isfinite(flat))[0])
            raise ParameterError(
                f'the payoff of "{game.populations[p].name}" at profile {list(game.profiles[j])} is not a finite '
                "number at these parameter values (a division by zero, the log or a fractional power of a "
                "negative number, or an overflow)"
            )
        return flat

    return fn


def parameter_vector(game: Game, params: Mapping[str, float]) -> np.ndarray:
    """The values of ``game``'s parameters in declaration order, checked to be present and finite.

    >>> from govgame.model.loader import load_model
    >>> g = load_model("battery_recycling")
    >>> parameter_vector(g, {**g.values(), "F_e": float("nan")})
    Traceback (most recent call last):
    ...
    govgame.errors.ParameterError: parameter F_e must be a finite number, found nan
    """
    from ..errors import ParameterError

    game.check_params({n: params[n] for n in game.parameter_names if n in params})  # signs and the bound too
    out = np.empty(len(game.parameter_names))
    for i, n in enumerate(game.parameter_names):
        if n not in params:
            raise ParameterError(
                f"parameter {n} has no value; give it one (params) or a value in the model file", parameter=n
            )
        try:
            v = float(params[n])
        except (TypeError, ValueError):
            raise ParameterError(
                f"parameter {n} has the value {params[n]!r}; values must be numbers", parameter=n
            ) from None
        if not np.isfinite(v):
            raise ParameterError(f"parameter {n} has the value {v!r}; values must be finite numbers", parameter=n)
        out[i] = v
    return out


#: |a| below this counts as 0 in the derivative of ``Abs`` / ``Min`` / ``Max`` (``sign``, ``Heaviside``).
_TINY = 1e-300


def _program_form(expr: sympy.Expr) -> sympy.Expr:
    """A derivative in the operations of :mod:`govgame.model.program`: ``sign(a)`` becomes ``a / Max(|a|, tiny)``
    and ``Heaviside(a)`` ``(1 + sign(a)) / 2`` (the derivatives of ``Abs``, ``Min`` and ``Max``; 0 and 1/2 at the kink).
    """

    def sign(a):
        return a / sympy.Max(sympy.Abs(a), sympy.Float(_TINY))

    out = expr.replace(sympy.sign, sign)
    return out.replace(sympy.Heaviside, lambda a, *h: (1 + sign(a)) / 2)


def _gradient_program(game: Game):
    """The payoffs and their partial derivatives by the state coordinates, as one expression program (cached)."""
    from ..model.program import compile_program, full_share_symbols

    cache = game.__dict__.setdefault("_govgame_cache", {})
    if "program_grad" not in cache:
        state = game.state_symbols
        values = [v for pr in game.profiles for v in game.payoffs[pr]]
        grads = [_program_form(sympy.diff(v, s)) for v in values for s in state]
        cache["program_grad"] = compile_program(
            values + grads, params=game.parameter_symbols, shares=full_share_symbols(game)
        )
    return cache["program_grad"]


def _state_payoffs(dynamics: Dynamics, params: Mapping[str, float]):
    """Payoffs of a state-dependent game at fixed parameter values, as functions of the state.

    Returns ``P`` with ``P(X, grad=True) -> (tensors, gradients)`` for states ``X`` of shape ``(..., n)``: per
    population, an array of shape ``(..., *game.shape)`` and one of shape ``(..., *game.shape, n)`` (the partial
    derivatives of the payoffs by the state coordinates; None with ``grad=False``). Evaluated by expression
    programs (:mod:`govgame.model.program`), which bind every symbol by identity.
    """
    from ..model.program import evaluate, payoff_program, state_function

    game = dynamics.game
    vector = parameter_vector(game, params)  # present, finite, of the right sign
    n, n_pops, J = len(game.state_symbols), len(game.populations), len(game.profiles)
    shape = game.shape
    one = {}  # one state at a time (an ODE solver's calls): plain-Python evaluation, built when first needed

    def P(X: np.ndarray, grad: bool = True):
        full = _full_states(game, X)
        if full.ndim == 1:
            if grad not in one:
                one[grad] = state_function(_gradient_program(game) if grad else payoff_program(game), vector)
            out = one[grad](full)
        else:
            out = evaluate(_gradient_program(game) if grad else payoff_program(game), vector, full)
        batch = out.shape[:-1]
        v = out[..., : J * n_pops].reshape(*batch, *shape, n_pops)
        tensors = [v[..., p] for p in range(n_pops)]
        if not grad:
            return tensors, None
        g = out[..., J * n_pops :].reshape(*batch, *shape, n_pops, n)
        return tensors, [g[..., p, :] for p in range(n_pops)]

    return P


class NumericDynamics:
    """Replicator dynamics at fixed parameter values, vectorised over many states.

    Built from the numeric payoff tensors by tensor contraction (no code generation,
    so it is ready at once). ``f(X)`` and ``jacobian(X)`` take states of shape ``(..., n)``.
    When the payoffs depend on the state, the tensors and their derivatives are evaluated
    at each state (``payoffs``), and the Jacobian includes the payoff derivatives.

    >>> from govgame.model.loader import load_model
    >>> game = load_model("battery_recycling")
    >>> nd = replicator(game).numeric(game.values())
    >>> nd.f(np.zeros(3)).tolist()
    [0.0, 0.0, 0.0]
    """

    def __init__(self, dynamics: Dynamics, tensors: list[np.ndarray] | None, *, payoffs=None):
        self.dynamics = dynamics
        self.tensors = tensors
        self._payoffs = payoffs
        self.shape = tuple(dynamics.game.shape)
        letters = "abcdefghijklmnopqrstuvw"[: len(self.shape)]
        self._letters = letters
        if (tensors is None) == (payoffs is None):
            raise ValueError("give either constant payoff tensors or a state-dependent payoff function")

    # ----------------------------------------------------------------- helpers
    def _full(self, X: np.ndarray) -> list[np.ndarray]:
        out, i = [], 0
        for k in self.shape:
            y = X[..., i : i + k - 1]
            out.append(np.concatenate([y, 1.0 - y.sum(axis=-1, keepdims=True)], axis=-1))
            i += k - 1
        return out

    def _expected(
        self,
        p: int,
        shares: list[np.ndarray],
        replace: dict[int, np.ndarray] | None = None,
        tensor: np.ndarray | None = None,
        extra: str = "",
    ) -> np.ndarray:
        """Expected payoffs of population p's strategies; ``replace`` swaps some populations' share vectors.

        ``tensor`` (default: the constant tensor) may carry leading batch axes and trailing axes ``extra``.
        """
        L = self._letters
        ops, subs = [self.tensors[p] if tensor is None else tensor], ["..." + L + extra]
        for q in range(len(self.shape)):
            if q != p:
                v = replace[q] if replace and q in replace else shares[q]
                ops.append(v)
                subs.append("..." + L[q])
        return np.einsum(",".join(subs) + "->..." + L[p] + extra, *ops)

    def f(self, X: np.ndarray) -> np.ndarray:
        """Right-hand side at states ``X`` (shape ``(..., n)``)."""
        X = np.asarray(X, dtype=float)
        shares = self._full(X)
        tensors = self._payoffs(X, grad=False)[0] if self._payoffs is not None else [None] * len(self.shape)
        out = []
        for p, k in enumerate(self.shape):
            u = self._expected(p, shares, tensor=tensors[p])
            s = shares[p]
            ubar = (s * u).sum(axis=-1, keepdims=True)
            out.append(s[..., : k - 1] * (u[..., : k - 1] - ubar))
        return np.concatenate(out, axis=-1)

    def jacobian(self, X: np.ndarray) -> np.ndarray:
        """Jacobian at states ``X`` (shape ``(..., n, n)``), computed analytically (with the payoff derivatives
        when the payoffs depend on the state).
        """
        X = np.asarray(X, dtype=float)
        shares = self._full(X)
        n = X.shape[-1]
        out = np.zeros((*X.shape[:-1], n, n))
        offs = self.dynamics.offsets
        if self._payoffs is not None:
            tensors, grads = self._payoffs(X)
        else:
            tensors, grads = [None] * len(self.shape), None
        for p, k in enumerate(self.shape):
            s = shares[p]
            u = self._expected(p, shares, tensor=tensors[p])
            ubar = (s * u).sum(axis=-1)
            rows = slice(offs[p], offs[p] + k - 1)
            # own block: d/dy_j [y_i (u_i - ubar)] = delta_ij (u_i - ubar) - y_i (u_j - u_last)
            own = -s[..., : k - 1, None] * (u[..., None, : k - 1] - u[..., None, k - 1 : k])
            idx = np.arange(k - 1)
            own[..., idx, idx] += u[..., : k - 1] - ubar[..., None]
            out[..., rows, rows] = own
            for q, kq in enumerate(self.shape):
                if q == p:
                    continue
                for j in range(kq - 1):
                    d = np.zeros(kq)
                    d[j], d[kq - 1] = 1.0, -1.0
                    du = self._expected(p, shares, {q: np.broadcast_to(d, shares[q].shape)}, tensor=tensors[p])
                    dbar = (s * du).sum(axis=-1, keepdims=True)
                    out[..., rows, offs[q] + j] = s[..., : k - 1] * (du[..., : k - 1] - dbar)
            if grads is not None:
                # the payoffs' own dependence on the state: + y_i (du_i/dy_j - sum_l y_l du_l/dy_j)
                du = self._expected(p, shares, tensor=grads[p], extra="z")  # (..., k, n)
                dbar = (s[..., :, None] * du).sum(axis=-2, keepdims=True)
                out[..., rows, :] += s[..., : k - 1, None] * (du[..., : k - 1, :] - dbar)
        return out
